"""WordStat category dictionaries (``.cat``), from Provalis Research's WordStat (e.g. Laver & Garry).

Layout (tabs indent)::

    ECONOMY
    \tSTATE
    \t\tPUBLIC SERVICE* (1)
    \t\tNATIONALISATION (1)
    \tMARKET
    \t\tPRIVATISATION (1)

Rules:

* a line ending in a weight in parentheses, ``(1)``, is a term; any other line is a category;
* the number of leading tabs is the depth; a term belongs to the category path above it, joined
  with ``/`` (``ECONOMY/STATE``); names that are not valid framing ids are rewritten
  (``+STATE+`` -> ``STATE``) with the original kept in the category's description;
* WordStat writes phrases with spaces or underscores (``PUBLIC_SERVICE``); both become spaces;
* a trailing ``*`` is a prefix wildcard; ``?``, a ``*`` elsewhere, and WordStat's proximity rules
  (``@``, ``NEAR``, ``BEFORE``, ``AFTER``, ``NOT``) are reported with their line;
* the weight is kept in ``attrs["weight"]``; files are read as UTF-8 unless ``encoding`` is given
  (older WordStat files are often ``cp1252``).
"""

from __future__ import annotations

import re
from pathlib import Path

from ._base import (
    Builder,
    category_id,
    glob_term,
    numbered_lines,
    parse_file,
    stem_name,
)
from .model import Lexicon

__all__ = ["read_cat", "parse_cat", "dumps_cat", "write_cat"]

_TERM = re.compile(r"^(?P<term>.*?)\s*\((?P<weight>[-+]?\d+(?:\.\d+)?)\)\s*$")
_RULE = re.compile(r"@|\b(?:NEAR|BEFORE|AFTER|NOT)\b|[\[\]{}|]")


def parse_cat(text: str, path: str = "<string>", *, name: str | None = None,
              unsupported: str = "error") -> tuple[Lexicon, list[str]]:
    """Parse WordStat ``.cat`` text; return the lexicon and every problem (see :func:`read_cat`)."""
    b = Builder(path, name or stem_name(path), "wordstat", unique_terms=False, unsupported=unsupported)
    stack: list[tuple[int, str]] = []  # (depth, id part)
    for no, raw in numbered_lines(text):
        if not raw.strip():
            continue
        body = raw.lstrip("\t")
        depth = len(raw) - len(body)
        body = body.strip()
        m = _TERM.match(body)
        if m is None:  # a category line
            part = category_id(body).replace("/", "_")
            if not part:
                b.problem(no, f"category {body!r} has no letters or digits; rename it")
                continue
            while stack and stack[-1][0] >= depth:
                stack.pop()
            stack.append((depth, part))
            cid = "/".join(p for _, p in stack)
            b.category(cid, None if part == body else f"WordStat category '{body}'", line=no)
            continue
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if not stack:
            b.problem(no, f"term {body!r} is not under any category; indent it under a category line")
            continue
        cid = "/".join(p for _, p in stack)
        b.category(cid, line=no)
        written = m.group("term")
        if _RULE.search(written):
            b.cannot_match(no, f"term {written!r} is a WordStat rule (proximity or exclusion), which framing cannot "
                               "match; write its words as a phrase or use an entry's 'exclude'")
            continue
        term, why = glob_term(written.replace("_", " "))
        if why:
            b.cannot_match(no, f"term {written!r} {why}")
            continue
        e = b.entry(term, cid, no)
        if e is not None:
            e.attrs.setdefault("weight", float(m.group("weight")))
    return b.result()


def read_cat(path: str | Path, *, name: str | None = None, encoding: str = "utf-8",
             unsupported: str = "error") -> Lexicon:
    """Read a WordStat ``.cat`` dictionary (rules in the module docstring).

    Parameters
    ----------
    path : str or Path
    name : str, optional
        Lexicon name (default: the file name).
    encoding : str, default "utf-8"
    unsupported : {"error", "skip"}
        Report rules and patterns framing cannot match, or skip them.

    Raises
    ------
    LexiconError
        With every problem, each starting ``file:line:``.
    """
    return parse_file(parse_cat, path, encoding, name=name, unsupported=unsupported)


def dumps_cat(lexicon: Lexicon) -> str:
    """``.cat`` text: category ids split on ``/`` into indented levels, each surface with its weight
    (``attrs["weight"]``, default 1)."""
    tree: dict = {}
    order = list(lexicon.categories) + [e.category for e in lexicon.entries]
    for cid in order:
        node = tree
        for p in cid.split("/"):
            node = node.setdefault(p, {})
    terms: dict[str, list[str]] = {}
    for e in lexicon.entries:
        w = e.attrs.get("weight", 1)
        w = int(w) if float(w).is_integer() else float(w)
        lst = terms.setdefault(e.category, [])
        for s in e.surfaces:
            line = f"{' '.join(s.split())} ({w})"
            if line not in lst:
                lst.append(line)
    out: list[str] = []

    def emit(node: dict, prefix: list[str]) -> None:
        for key, child in node.items():
            path = prefix + [key]
            out.append("\t" * (len(path) - 1) + key)
            out.extend("\t" * len(path) + t for t in terms.get("/".join(path), []))
            emit(child, path)

    emit(tree, [])
    return "\n".join(out) + "\n"


def write_cat(lexicon: Lexicon, path: str | Path) -> None:
    """Write a WordStat ``.cat`` file (see :func:`dumps_cat`)."""
    Path(path).write_text(dumps_cat(lexicon), encoding="utf-8")
