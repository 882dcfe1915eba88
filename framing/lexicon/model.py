"""The lexicon model shared by every file format, and its validation.

A :class:`Lexicon` holds referents (actors with their aliases), categories and entries. Readers of
every format build this model; the matcher compiles it; :func:`validate` checks it the same way
whatever file it came from, naming file and line in every problem.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..text import normalize_term

__all__ = ["Entry", "Referent", "Category", "Lexicon", "validate", "REFERENT_CATEGORY"]

#: Category of the mentions that record an occurrence of a referent's alias (reserved).
REFERENT_CATEGORY = "referent"

_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$")
# Terms already in match form: ASCII lower-case words (apostrophes inside, an optional trailing
# wildcard) separated by single spaces. normalize_term returns them unchanged, so they skip it.
_PLAIN_TERM = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*\*?(?: [a-z0-9]+(?:'[a-z0-9]+)*\*?)*")


def term_key(term: str) -> str:
    """The match form of a term (:func:`framing.text.normalize_term`), with a fast path for plain
    ASCII words: readers of large lexicons normalise thousands of terms."""
    if term.isascii():
        low = term.lower()
        if _PLAIN_TERM.fullmatch(low):
            return low
    return normalize_term(term)


@dataclass
class Entry:
    """One lexicon entry: a term (with optional variants) in a category.

    Attributes
    ----------
    term : str
        Canonical form, as the lexicon writes it. ``*`` at the end of a word is a prefix wildcard.
    category : str
        Category id.
    referent : str or None
        Referent id when the term labels a specific actor.
    valence : float or None
        In [-1, 1]; negative is pejorative or delegitimising for the labelled actor.
    variants : list of str
        Other surface forms counted as this entry (spelling variants).
    exclude : list of str
        Phrases inside which a match of this entry does not count (``army`` but not ``salvation army``).
    notes, source : str or None
        Free text.
    line : int or None
        1-based line of the entry in its file, for messages.
    attrs : dict
        Format-specific attributes kept by readers of other formats (weights, parts of speech).
    """

    term: str
    category: str
    referent: str | None = None
    valence: float | None = None
    variants: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    notes: str | None = None
    source: str | None = None
    line: int | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Entry id used in the ``entry`` column of mentions: ``category/term``."""
        return f"{self.category}/{self.term}"

    @property
    def surfaces(self) -> list[str]:
        """The term followed by its variants."""
        return [self.term, *self.variants]


@dataclass
class Referent:
    """An actor that the lexicon's labels can refer to, with its aliases (spelling variants too)."""

    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class Category:
    """A category of entries."""

    id: str
    description: str | None = None
    line: int | None = None


@dataclass
class Lexicon:
    """A lexicon: referents, categories and entries.

    Build one with :func:`framing.load_lexicon`, or directly for a quick experiment::

        Lexicon(name="demo", categories={"label": Category("label")},
                entries=[Entry("warlord", "label", valence=-0.8)])

    ``unique_terms`` is True for the native format (a term belongs to one entry) and False for
    formats where one word may sit in several categories (LIWC, quanteda, MPQA ...): such a word is
    several entries with the same term, each producing its own mention on the same span.
    ``attrs`` keeps what a reader learned about the file (its ``format``, lines it ``skipped``).
    """

    name: str
    version: str = "0"
    language: str = "en"
    description: str | None = None
    referents: dict[str, Referent] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    path: str | None = None
    unique_terms: bool = True
    attrs: dict[str, Any] = field(default_factory=dict)

    def where(self, line: int | None) -> str:
        """``file:line`` (or the lexicon name) for messages."""
        loc = self.path or f"<lexicon {self.name}>"
        return f"{loc}:{line}" if line else loc

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return (
            f"Lexicon(name={self.name!r}, version={self.version!r}, entries={len(self.entries)}, "
            f"categories={len(self.categories)}, referents={len(self.referents)})"
        )


def _term_problem(term: Any) -> str | None:
    if not isinstance(term, str) or not term.strip():
        return "is empty"
    if "*" in term:
        for word in term.split():
            if "*" in word[:-1] or word == "*":
                return "has a '*' that is not at the end of a word (only prefix wildcards such as 'militia*' are supported)"
    norm = term_key(term)
    if not norm.replace("*", "").strip():
        return "normalises to nothing (it has no letters or digits)"
    return None


def validate(lexicon: Lexicon, *, unique_terms: bool | None = None) -> list[str]:
    """Check a lexicon and return every problem found (an empty list when it is valid).

    Checks: a name; categories and referents with valid ids (``referent`` is reserved); every
    entry's category and referent declared; terms, variants, aliases and exclusions non-empty,
    with wildcards only at the end of a word and something left after normalisation; valence in
    [-1, 1]; no duplicate term within the entries or within the aliases (compared in match form,
    so ``Self-styled`` and ``self styled`` are duplicates); at least one entry or alias.

    Parameters
    ----------
    lexicon : Lexicon
    unique_terms : bool, optional
        Report a term that appears in two entries. Formats that allow a word in several categories
        (LIWC) pass False; a term twice in the same category is still reported, since it would be
        counted twice. Default: the lexicon's own ``unique_terms``.

    Returns
    -------
    list of str
        Problems, each starting with ``file:line:``.
    """
    problems: list[str] = []
    at = lexicon.where
    if unique_terms is None:
        unique_terms = lexicon.unique_terms

    if not lexicon.name or not isinstance(lexicon.name, str):
        problems.append(f"{at(None)}: the lexicon has no 'name'; add `name: my_lexicon` at the top")
    for cid, cat in lexicon.categories.items():
        if cid == REFERENT_CATEGORY:
            problems.append(
                f"{at(cat.line)}: category id '{REFERENT_CATEGORY}' is reserved for referent alias "
                "mentions; rename the category"
            )
        elif not isinstance(cid, str) or not _ID_RE.match(cid):
            problems.append(f"{at(cat.line)}: category id {cid!r} must be letters, digits, '_', '-', '.' or '/'")
    seen_alias: dict[str, tuple[str, int | None]] = {}
    for rid, ref in lexicon.referents.items():
        if not isinstance(rid, str) or not _ID_RE.match(rid):
            problems.append(f"{at(ref.line)}: referent id {rid!r} must be letters, digits, '_', '-', '.' or '/'")
        if not ref.aliases:
            problems.append(f"{at(ref.line)}: referent '{rid}' has no aliases; list the names it goes by")
        for alias in ref.aliases:
            bad = _term_problem(alias)
            if bad:
                problems.append(f"{at(ref.line)}: alias {alias!r} of referent '{rid}' {bad}")
                continue
            key = term_key(alias)
            if key in seen_alias:
                other, line = seen_alias[key]
                problems.append(
                    f"{at(ref.line)}: alias {alias!r} of referent '{rid}' duplicates an alias of "
                    f"'{other}' (line {line}); aliases are compared ignoring case, hyphens and punctuation"
                )
            else:
                seen_alias[key] = (rid, ref.line)

    seen_term: dict[str, tuple[str, int | None]] = {}
    seen_in_category: dict[tuple[str, str], tuple[str, int | None]] = {}
    for e in lexicon.entries:
        where = at(e.line)
        if e.category not in lexicon.categories:
            problems.append(
                f"{where}: entry {e.term!r} has unknown category {e.category!r}"
                f"{_suggest(e.category, lexicon.categories)}; declare it under 'categories'"
            )
        if e.referent is not None and e.referent not in lexicon.referents:
            problems.append(
                f"{where}: entry {e.term!r} has unknown referent {e.referent!r}"
                f"{_suggest(e.referent, lexicon.referents)}; declare it under 'referents'"
            )
        if e.valence is not None:
            ok = isinstance(e.valence, (int, float)) and not isinstance(e.valence, bool)
            if not ok or math.isnan(e.valence) or not -1 <= e.valence <= 1:
                problems.append(f"{where}: entry {e.term!r} has valence {e.valence!r}; use a number from -1 to 1")
        for surface in e.surfaces:
            bad = _term_problem(surface)
            if bad:
                what = "term" if surface is e.term else "variant"
                problems.append(f"{where}: {what} {surface!r} {bad}")
                continue
            key = term_key(surface)
            if key in seen_term and unique_terms:
                other, line = seen_term[key]
                problems.append(
                    f"{where}: term {surface!r} duplicates {other!r} (line {line}); terms are compared "
                    "ignoring case, hyphens and punctuation: merge the two entries"
                )
            elif not unique_terms and (e.category, key) in seen_in_category:
                other, line = seen_in_category[(e.category, key)]
                problems.append(
                    f"{where}: term {surface!r} duplicates {other!r} (line {line}) in category "
                    f"{e.category!r}; it would be counted twice: merge the two entries"
                )
            else:
                seen_term.setdefault(key, (e.term, e.line))
            seen_in_category.setdefault((e.category, key), (e.term, e.line))
        for phrase in e.exclude:
            bad = _term_problem(phrase)
            if bad:
                problems.append(f"{where}: exclusion {phrase!r} of entry {e.term!r} {bad}")
    if not lexicon.entries and not lexicon.referents:
        problems.append(f"{at(None)}: the lexicon is empty: it has no entries and no referents")
    return problems


def _suggest(name: str, choices) -> str:
    from ..errors import closest

    return closest(str(name), list(choices))
