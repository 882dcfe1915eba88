"""Plain word lists: one term per line (``.txt``).

The Recasens et al. (2013) bias lexicon and its companion lists, the Hu & Liu opinion lexicon and
the Lexicoder word lists come this way. Rules:

* one term per line; blank lines are skipped; surrounding whitespace is dropped;
* lines starting with a comment prefix are skipped (default ``#`` and ``;``: Hu & Liu files open
  with ``;`` comments, the Recasens lists with ``#``). In the comment block before the first term,
  ``# name: X``, ``# category: X``, ``# valence: X``, ``# version: X`` and ``# description: X``
  set those values (our writer puts them there, so a list round-trips);
* every term goes to one category: ``category=`` if given, else the header's, else the file name
  (``negative-words.txt`` -> ``negative-words``);
* ``asterisk="wildcard"`` (default): a ``*`` at the end of a word is a prefix wildcard (runs such
  as ``heckl**`` are one ``*``); a ``*`` elsewhere is reported with its line.
  ``asterisk="literal"``: a ``*`` is a censoring mark (Hu & Liu: ``f**k``, ``sh*t``, ``bull****``).
  framing's tokenizer reads a ``*`` in text as punctuation, so ``sh*t`` in an article is the two
  words ``sh`` and ``t`` joined without space; the term becomes ``sh-t``, which matches exactly that,
  and trailing marks are dropped (``bull****`` -> ``bull``). The written form is kept in
  ``attrs["written"]``.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import LexiconError
from ._base import (
    Builder,
    category_id,
    glob_term,
    header_comment,
    numbered_lines,
    read_text,
    stem_name,
)
from .model import Lexicon

__all__ = ["read_wordlist", "parse_wordlist", "dumps_wordlist", "write_wordlist"]

_HEADER_RE = re.compile(r"^\s*(name|category|valence|version|description)\s*:\s*(.*?)\s*$", re.I)


def parse_wordlist(text: str, path: str = "<string>", *, category: str | None = None, name: str | None = None,
                   comment: str | tuple[str, ...] | None = ("#", ";"), asterisk: str = "wildcard",
                   valence: float | None = None, unsupported: str = "error") -> tuple[Lexicon, list[str]]:
    """Parse a word list; return the lexicon and every problem (see :func:`read_wordlist`)."""
    if asterisk not in ("wildcard", "literal"):
        raise LexiconError([f"{path}: asterisk={asterisk!r}; use 'wildcard' or 'literal'"])
    prefixes = (comment,) if isinstance(comment, str) else tuple(comment or ())
    header: dict[str, tuple[str, int]] = {}
    terms: list[tuple[int, str]] = []
    for no, raw in numbered_lines(text):
        line = raw.strip()
        if not line:
            continue
        if prefixes and line.startswith(prefixes):
            if not terms:
                m = _HEADER_RE.match(line.lstrip("".join(prefixes)))
                if m and m.group(1).lower() not in header:
                    header[m.group(1).lower()] = (m.group(2), no)
            continue
        terms.append((no, line))
    b = Builder(path, name or header.get("name", (None, 0))[0] or stem_name(path), "wordlist",
                unsupported=unsupported)
    if "version" in header:
        b.lexicon.version = header["version"][0]
    if "description" in header:
        b.lexicon.description = header["description"][0]
    if valence is None and "valence" in header:
        raw, no = header["valence"]
        try:
            valence = float(raw)
        except ValueError:
            b.problem(no, f"valence {raw!r} in the header is not a number; use a number from -1 to 1")
    cat = category or header.get("category", (None, 0))[0] or stem_name(path)
    cid = category_id(cat)
    if not cid:
        b.problem(None, f"category {cat!r} has no letters or digits; give category='...'")
        return b.result()
    b.category(cid, None if cid == cat else f"'{cat}' in {Path(path).name}")
    for no, line in terms:
        written = line
        if asterisk == "literal" and "*" in line:
            line = re.sub(r"\*+", "-", line).strip("-")
        elif "*" in line:
            term, why = glob_term(line)
            if why:
                b.cannot_match(no, f"term {line!r} {why} (if '*' marks a censored spelling such as 'sh*t', read "
                               "with asterisk='literal', CLI --asterisk literal)")
                continue
            line = term
        e = b.entry(line, cid, no, valence=valence)
        if e is not None and written != line:
            e.attrs.setdefault("written", written)
    return b.result()


def read_wordlist(path: str | Path, *, category: str | None = None, name: str | None = None,
                  comment: str | tuple[str, ...] | None = ("#", ";"), asterisk: str = "wildcard",
                  valence: float | None = None, encoding: str = "utf-8", unsupported: str = "error") -> Lexicon:
    """Read a plain word list (one term per line).

    Parameters
    ----------
    path : str or Path
    category : str, optional
        Category of every term (default: the ``# category:`` header line, else the file name).
    name : str, optional
        Lexicon name (default: the ``# name:`` header line, else the file name).
    comment : str or tuple of str, default ("#", ";")
        Prefixes of comment lines; None for none.
    asterisk : {"wildcard", "literal"}
        Whether ``*`` is a prefix wildcard or a censoring mark (module docstring).
    valence : float, optional
        Valence of every entry (e.g. -1 for a list of negative words).
    encoding : str, default "utf-8"
    unsupported : {"error", "skip"}
        Report terms framing cannot match, or skip them (listed in ``attrs["skipped"]``).

    Returns
    -------
    Lexicon

    Raises
    ------
    LexiconError
        With every problem, each starting ``file:line:``.
    """
    text = read_text(path, encoding)
    lex, problems = parse_wordlist(text, str(path), category=category, name=name, comment=comment,
                                   asterisk=asterisk, valence=valence, unsupported=unsupported)
    if problems:
        raise LexiconError(problems)
    return lex


def dumps_wordlist(lexicon: Lexicon) -> str:
    """A word list: a comment header (name, category, shared valence), then one surface per line.

    Raises
    ------
    LexiconError
        When the entries are in more than one category (a word list has one).
    """
    cats = list(dict.fromkeys(e.category for e in lexicon.entries))
    if len(cats) > 1:
        raise LexiconError([f"{lexicon.where(None)}: a word list holds one category, but the entries are in "
                            f"{len(cats)} ({', '.join(cats[:5])}{' ...' if len(cats) > 5 else ''}); write one "
                            "list per category (framing lexicon convert --split) or use csv"])
    lines = header_comment(lexicon)
    if cats:
        lines.append(f"# category: {cats[0]}")
    valences = {e.valence for e in lexicon.entries}
    if len(valences) == 1 and None not in valences:
        lines.append(f"# valence: {valences.pop():g}")
    for e in lexicon.entries:
        lines.extend(s.strip() for s in e.surfaces)
    return "\n".join(lines) + "\n"


def write_wordlist(lexicon: Lexicon, path: str | Path) -> None:
    """Write a plain word list (see :func:`dumps_wordlist`)."""
    Path(path).write_text(dumps_wordlist(lexicon), encoding="utf-8")
