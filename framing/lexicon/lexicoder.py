"""Lexicoder dictionaries (``.lc3``), the format of the Lexicoder Sentiment Dictionary (LSD2015).

Layout::

    +negative
    abandon*
    a lie
    +positive
    ability*

Rules: a line starting with ``+`` opens a category (the rest of the line is its name); every other
non-blank line is a term of the current category. Terms are glob patterns whose only wildcard is a
trailing ``*`` (runs such as ``heckl**`` are one ``*``); a ``?`` or a ``*`` elsewhere is reported
with its line. A term under several categories is several entries. Files are UTF-8 (Lexicoder 3).
"""

from __future__ import annotations

from pathlib import Path

from ._base import (
    Builder,
    category_id,
    glob_term,
    numbered_lines,
    parse_file,
    stem_name,
    surfaces_by_category,
)
from .model import Lexicon

__all__ = ["read_lc3", "parse_lc3", "dumps_lc3", "write_lc3"]


def parse_lc3(text: str, path: str = "<string>", *, name: str | None = None,
              unsupported: str = "error") -> tuple[Lexicon, list[str]]:
    """Parse Lexicoder ``.lc3`` text; return the lexicon and every problem (see :func:`read_lc3`)."""
    b = Builder(path, name or stem_name(path), "lexicoder", unique_terms=False, unsupported=unsupported)
    current = None
    for no, raw in numbered_lines(text):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("+"):
            label = line[1:].strip()
            current = category_id(label)
            if not current:
                b.problem(no, f"category line {line!r} has no name; write '+name'")
                continue
            b.category(current, None if current == label else f"Lexicoder category '{label}'", line=no)
            continue
        if current is None:
            b.problem(no, f"term {line!r} comes before any category; open one with a '+name' line")
            continue
        term, why = glob_term(line)
        if why:
            b.cannot_match(no, f"term {line!r} {why}")
            continue
        e = b.entry(term, current, no)
        if e is not None and term != line:
            e.attrs.setdefault("written", line)
    return b.result()


def read_lc3(path: str | Path, *, name: str | None = None, encoding: str = "utf-8",
             unsupported: str = "error") -> Lexicon:
    """Read a Lexicoder ``.lc3`` dictionary (rules in the module docstring).

    Parameters
    ----------
    path : str or Path
    name : str, optional
        Lexicon name (default: the file name).
    encoding : str, default "utf-8"
    unsupported : {"error", "skip"}
        Report patterns framing cannot match, or skip them.

    Raises
    ------
    LexiconError
        With every problem, each starting ``file:line:``.
    """
    return parse_file(parse_lc3, path, encoding, name=name, unsupported=unsupported)


def dumps_lc3(lexicon: Lexicon) -> str:
    """``.lc3`` text: ``+category`` then its surfaces, categories in lexicon order."""
    out = []
    for cid, terms in surfaces_by_category(lexicon).items():
        out.append(f"+{cid}")
        out.extend(terms)
    return "\n".join(out) + "\n"


def write_lc3(lexicon: Lexicon, path: str | Path) -> None:
    """Write a Lexicoder ``.lc3`` file (see :func:`dumps_lc3`)."""
    Path(path).write_text(dumps_lc3(lexicon), encoding="utf-8")
