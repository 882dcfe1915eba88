"""Pieces shared by the readers and writers of every lexicon format.

* :func:`read_text` and :func:`numbered_lines`: decode a file with a clear error, and number its
  lines the way editors do (``\\n`` ends a line; a ``\\r`` before it is dropped).
* :class:`Builder`: collects categories and entries as a reader finds them, merges a term listed
  twice in the same category (it would otherwise be counted twice), keeps every problem with its
  ``file:line``, and finishes with :func:`~framing.lexicon.model.validate`.
* :func:`glob_term`: a glob pattern (``tax*``, ``*deceit*``, ``colo?r``) as a framing term, or the
  reason it cannot be one.
* :func:`category_id`: a category name from another tool as a valid framing category id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import LexiconError
from .model import _ID_RE, Category, Entry, Lexicon, _term_problem, term_key, validate

__all__ = ["read_text", "numbered_lines", "Builder", "glob_term", "category_id", "stem_name", "UNSUPPORTED"]

#: Values of the ``unsupported`` reader option: what to do with an entry framing cannot match
#: (a LIWC ``<of>`` rule, a glob such as ``*deceit*``, a term made only of punctuation).
UNSUPPORTED = ("error", "skip")

_ID_BAD = re.compile(r"[^A-Za-z0-9_.\-/]+")


match_key = term_key


def parse_file(parse, path: str | Path, encoding: str = "utf-8", **options) -> Lexicon:
    """Read ``path`` and parse it with ``parse(text, where, **options) -> (lexicon, problems)``.

    Raises
    ------
    LexiconError
        With every problem, each starting ``file:line:``.
    """
    lex, problems = parse(read_text(path, encoding), str(path), **options)
    if problems:
        raise LexiconError(problems)
    return lex


def read_text(path: str | Path, encoding: str = "utf-8") -> str:
    """The text of a lexicon file; a leading byte-order mark is dropped.

    Raises
    ------
    LexiconError
        When the bytes are not valid in ``encoding`` (naming the byte and line) or the file is
        missing.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise LexiconError([f"{path}: cannot read the file ({err.strerror}); check the path"]) from None
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError) as err:
        if isinstance(err, LookupError):
            raise LexiconError([f"{path}: unknown encoding {encoding!r}; use e.g. utf-8 or cp1252"]) from None
        line = data.count(b"\n", 0, err.start) + 1
        raise LexiconError([
            f"{path}:{line}: not valid {encoding} at byte {err.start}; save the file as UTF-8 or give its "
            "encoding (encoding='cp1252', CLI --encoding cp1252)"
        ]) from None


def numbered_lines(text: str) -> Iterable[tuple[int, str]]:
    """``(line number, line)`` pairs, 1-based, without line endings."""
    for i, line in enumerate(text.split("\n"), start=1):
        yield i, line[:-1] if line.endswith("\r") else line


def stem_name(path: str | Path) -> str:
    """A lexicon or category name from a file name (``negative-words.txt`` -> ``negative-words``)."""
    return category_id(Path(path).stem) or "lexicon"


def category_id(name: str) -> str:
    """A valid category id for a name from another tool.

    A valid id is kept as it is; otherwise every run of characters other than letters, digits and
    ``_ . - /`` becomes ``_``, and underscores and separators at the ends are dropped.

    >>> category_id("Care Virtue")
    'Care_Virtue'
    >>> category_id("+STATE+")
    'STATE'
    """
    name = str(name).strip()
    if _ID_RE.match(name):
        return name
    out = _ID_BAD.sub("_", name).strip("_")
    return out.lstrip("-./").rstrip("/")


def glob_term(pattern: str) -> tuple[str | None, str | None]:
    """A glob pattern as a framing term: ``(term, None)``, or ``(None, reason)`` when it cannot be.

    framing has one wildcard, a ``*`` at the end of a word (a prefix match). Runs of ``*`` are one
    ``*`` (``heckl**`` = ``heckl*``); a ``?`` or a ``*`` elsewhere in a word cannot be expressed.

    >>> glob_term("tax**")
    ('tax*', None)
    >>> glob_term("*deceit*")[1]
    "has a '*' at the start or inside a word, which framing cannot match (only prefix wildcards such as 'tax*'); rewrite it as a prefix wildcard or list the spellings"
    """
    term = re.sub(r"\*{2,}", "*", pattern.strip())
    if "?" in term:
        return None, ("has a '?' (one character) wildcard, which framing cannot match (only prefix wildcards such "
                      "as 'tax*'); list the spellings instead")
    for word in term.split():
        if "*" in word[:-1] or word == "*":
            return None, ("has a '*' at the start or inside a word, which framing cannot match (only prefix "
                          "wildcards such as 'tax*'); rewrite it as a prefix wildcard or list the spellings")
    return term, None


class Builder:
    """Build a :class:`Lexicon` line by line, keeping every problem with its ``file:line``.

    Parameters
    ----------
    path : str
        The file, for messages.
    name : str
        Lexicon name.
    format : str
        Format name, recorded in ``lexicon.attrs["format"]``.
    unique_terms : bool
        False for formats that allow one term in several categories.
    unsupported : {"error", "skip"}
        What to do with entries framing cannot match: report them as problems (default), or skip
        them, listing each in ``lexicon.attrs["skipped"]`` and in a warning.
    """

    def __init__(self, path: str, name: str, format: str, *, unique_terms: bool = False,
                 unsupported: str = "error"):
        if unsupported not in UNSUPPORTED:
            raise LexiconError([f"{path}: unsupported={unsupported!r}; use 'error' or 'skip'"])
        self.path = path
        self.lexicon = Lexicon(name=name, path=path, unique_terms=unique_terms, attrs={"format": format})
        self.problems: list[str] = []
        self.skipped: list[str] = []
        self.unsupported = unsupported
        self._index: dict[tuple[str, str], Entry] = {}

    def at(self, line: int | None) -> str:
        return f"{self.path}:{line}" if line else self.path

    def problem(self, line: int | None, msg: str) -> None:
        """A problem that makes the file invalid whatever the options."""
        self.problems.append(f"{self.at(line)}: {msg}")

    def cannot_match(self, line: int | None, msg: str) -> None:
        """An entry framing cannot match: a problem, or a skipped line with ``unsupported='skip'``."""
        if self.unsupported == "skip":
            self.skipped.append(f"{self.at(line)}: {msg} (skipped)")
        else:
            self.problems.append(f"{self.at(line)}: {msg}; or pass unsupported='skip' (CLI --skip-unsupported) "
                                 "to load the rest without it")

    def category(self, cid: str, description: str | None = None, line: int | None = None) -> str:
        """Declare a category (once; later declarations keep the first)."""
        if cid not in self.lexicon.categories:
            self.lexicon.categories[cid] = Category(cid, description, line=line)
        return cid

    def entry(self, term: str, category: str, line: int | None, *, valence: float | None = None,
              attrs: dict[str, Any] | None = None, check: bool = True, **fields) -> Entry | None:
        """Add an entry, or return the entry it repeats (same category, same match form).

        With ``check``, a term that framing cannot match (empty, only punctuation, a misplaced
        ``*``) goes to :meth:`cannot_match` and None is returned.
        """
        if check:
            bad = _term_problem(term)
            if bad:
                self.cannot_match(line, f"term {term!r} {bad}")
                return None
        key = (category, match_key(term))
        if key in self._index:
            old = self._index[key]
            old.attrs.setdefault("lines", [old.line]).append(line)
            return old
        e = Entry(term=term, category=category, valence=valence, line=line, attrs=dict(attrs or {}), **fields)
        self._index[key] = e
        self.lexicon.entries.append(e)
        return e

    def finish(self) -> Lexicon:
        """Validate and return the lexicon; raise :class:`LexiconError` with every problem."""
        lex, problems = self.result()
        if problems:
            raise LexiconError(problems)
        return lex

    def result(self) -> tuple[Lexicon, list[str]]:
        """The lexicon and every problem (parse problems first, then validation)."""
        lex = self.lexicon
        if self.skipped:
            import warnings

            lex.attrs["skipped"] = list(self.skipped)
            from ..errors import FramingWarning

            warnings.warn(FramingWarning(f"{self.path}: {len(self.skipped)} unsupported line(s) skipped; the first: "
                                         f"{self.skipped[0]}"), stacklevel=3)
        problems = list(self.problems)
        seen = set(problems)
        for p in validate(lex):
            if p not in seen:
                problems.append(p)
                seen.add(p)
        return lex, problems


def header_comment(lexicon: Lexicon, prefix: str = "#") -> list[str]:
    """Comment lines naming the lexicon, for formats that allow comments."""
    out = [f"{prefix} name: {lexicon.name}"]
    if lexicon.version and lexicon.version != "0":
        out.append(f"{prefix} version: {lexicon.version}")
    if lexicon.description:
        out.append(f"{prefix} description: {' '.join(lexicon.description.split())}")
    return out


def surfaces_by_category(lexicon: Lexicon) -> dict[str, list[str]]:
    """Every category (in lexicon order) with its entries' surfaces, spaces normalised, each once."""
    out: dict[str, dict[str, None]] = {c: {} for c in lexicon.categories}
    for e in lexicon.entries:
        out.setdefault(e.category, {}).update(dict.fromkeys(" ".join(s.split()) for s in e.surfaces))
    return {c: list(terms) for c, terms in out.items()}
