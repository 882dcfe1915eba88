"""LIWC dictionaries (``.dic``): the format of LIWC 2001-2015, the Moral Foundations Dictionaries and
many others.

Layout::

    %
    1   care.virtue
    2   care.vice
    %
    safe*       1
    preserve    1   7   9
    civil rights    3

Rules (and the quirks of files found in the wild):

* the category legend sits between two lines holding ``%`` (trailing tabs allowed; a legend that
  opens and closes on one line, ``% 1 pos 2 neg %``, is read too); each legend line is a number and
  a name separated by tabs or spaces; leading tabs (LIWC2015's hierarchy) are ignored;
* each entry line is a term followed by category numbers, separated by tabs or by spaces (both
  occur, even mixed on one line). With a tab after the term, the term may contain spaces
  (``civil rights``: a multiword entry); without one, the trailing numbers are the categories and
  the words before them the term. Category *names* from the legend may stand for their numbers;
* a trailing ``*`` is a prefix wildcard, as in framing;
* a word in several categories becomes several entries with the same term (one mention each), so
  these lexicons are validated with ``unique_terms=False``; a word listed twice in one category is
  one entry;
* conditional entries (LIWC2007's ``kind <of>131/125`` and ``(02 134)126``: the category depends
  on the next or previous word) cannot be expressed in framing: each is reported with its line.
  With ``unsupported="skip"`` the line's unconditional categories are kept and the rest listed in
  ``lexicon.attrs["skipped"]`` (quanteda drops such lines with a note; we never drop silently).
"""

from __future__ import annotations

import re
from pathlib import Path

from ._base import (
    Builder,
    category_id,
    numbered_lines,
    parse_file,
    stem_name,
)
from .model import Lexicon

__all__ = ["read_dic", "parse_dic", "dumps_dic", "write_dic"]

_TOKEN = re.compile(r"<[^>]*>\S*|\([^)]*\)\S*|\S+")
_CONDITIONAL = re.compile(r"^(?:<[^>]*>|\([^)]*\))")


def _legend_pairs(tokens: list[str]) -> list[tuple[str, str]]:
    """Pairs ``(number, name)`` from a one-line legend's tokens."""
    return [(tokens[i], tokens[i + 1]) for i in range(0, len(tokens) - 1, 2)]


def parse_dic(text: str, path: str = "<string>", *, name: str | None = None,
              unsupported: str = "error") -> tuple[Lexicon, list[str]]:
    """Parse LIWC ``.dic`` text; return the lexicon and every problem (see :func:`read_dic`)."""
    b = Builder(path, name or stem_name(path), "liwc", unique_terms=False, unsupported=unsupported)
    lines = list(numbered_lines(text))
    numbers: dict[str, str] = {}  # legend number (as written, and without leading zeros) -> category id
    names: dict[str, str] = {}  # legend name (lower case) -> category id
    state = "before"  # before -> legend -> body
    legend_start = None

    def add_legend(no: int, num: str, label: str) -> None:
        if not num.isdigit():
            b.problem(no, f"legend line {num} {label!r} should be a category number then a name; fix the line")
            return
        cid = category_id(label)
        if not cid:
            b.problem(no, f"category name {label!r} has no letters or digits; rename it")
            return
        if (num.lstrip("0") or "0") in numbers:
            b.problem(no, f"category number {num} appears twice in the legend; give each category its own number")
            return
        b.category(cid, None if cid == label else f"LIWC category '{label}'", line=no)
        numbers[num] = numbers[num.lstrip("0") or "0"] = cid
        names[label.lower()] = names[cid.lower()] = cid

    for no, raw in lines:
        line = raw.strip()
        if state == "before":
            if not line:
                continue
            if not line.startswith("%"):
                b.problem(no, "a LIWC dictionary starts with '%' and the category legend; add the legend "
                              "(% / number<TAB>name lines / %) or read the file as a word list")
                return b.result()
            state, legend_start = "legend", no
            rest = line[1:].strip()
            if rest:  # a one-line legend: % 1 pos 2 neg %
                closed = rest.endswith("%")
                toks = rest.rstrip("%").split()
                for num, label in _legend_pairs(toks):
                    add_legend(no, num, label)
                if closed:
                    state = "body"
            continue
        if state == "legend":
            if not line:
                continue
            if line.startswith("%"):
                state = "body"
                continue
            closed = line.endswith("%")
            toks = line.rstrip("%").split()
            if len(toks) < 2:
                b.problem(no, f"legend line {line!r} should be a category number then a name; fix the line")
            else:
                add_legend(no, toks[0], " ".join(toks[1:]))
            if closed:
                state = "body"
            continue
        if not line:
            continue
        _entry_line(b, no, raw, numbers, names)
    if state != "body":
        b.problem(legend_start, "the category legend is not closed: add a line holding only '%' after it")
    return b.result()


def _category_token(tok: str, numbers: dict[str, str], names: dict[str, str]) -> str | None:
    if tok.isdigit():
        return numbers.get(tok) or numbers.get(tok.lstrip("0") or "0") or "?"
    return names.get(tok.lower())


def _entry_line(b: Builder, no: int, raw: str, numbers: dict[str, str], names: dict[str, str]) -> None:
    stripped = raw.strip()
    if "\t" in stripped:
        term, _, rest = stripped.partition("\t")
        term = term.strip()
        toks = _TOKEN.findall(rest)
    else:
        toks = _TOKEN.findall(stripped)
        k = len(toks)
        while k > 1 and (_CONDITIONAL.match(toks[k - 1]) or _category_token(toks[k - 1], numbers, names)):
            k -= 1
        term, toks = " ".join(toks[:k]), toks[k:]
    if not term:
        b.problem(no, "entry line has categories but no term; remove the line or add the term")
        return
    cats: list[str] = []
    for tok in toks:
        if _CONDITIONAL.match(tok) or tok.startswith("<") or tok.startswith("("):
            b.cannot_match(no, f"conditional LIWC entry {term!r} {tok!r} is not supported (framing has no rules "
                               "that look at the neighbouring word); give the word plain category numbers")
            continue
        cid = _category_token(tok, numbers, names)
        if cid is None:
            b.problem(no, f"entry {term!r}: {tok!r} is neither a category number nor a category name from the "
                          "legend; separate the term from its numbers with a tab")
        elif cid == "?":
            b.problem(no, f"entry {term!r} has category number {tok}, which the legend does not define; add it "
                          "to the legend or remove it from the line")
        elif cid not in cats:
            cats.append(cid)
    if not cats and not toks:
        b.problem(no, f"entry {term!r} has no category numbers; add them after a tab")
    for cid in cats:
        b.entry(term, cid, no)


def read_dic(path: str | Path, *, name: str | None = None, encoding: str = "utf-8",
             unsupported: str = "error") -> Lexicon:
    """Read a LIWC ``.dic`` dictionary (rules in the module docstring).

    Parameters
    ----------
    path : str or Path
    name : str, optional
        Lexicon name (default: the file name).
    encoding : str, default "utf-8"
        Older LIWC files are often ``cp1252``.
    unsupported : {"error", "skip"}
        Report conditional entries and terms framing cannot match, or skip them.

    Returns
    -------
    Lexicon
        With ``unique_terms=False``: a word in several categories is several entries.

    Raises
    ------
    LexiconError
        With every problem, each starting ``file:line:``.
    """
    return parse_file(parse_dic, path, encoding, name=name, unsupported=unsupported)


def dumps_dic(lexicon: Lexicon) -> str:
    """LIWC ``.dic`` text: the legend (categories numbered from 1 in lexicon order), then each surface
    with its category numbers, tab-separated, in order of first appearance."""
    cats = list(lexicon.categories)
    for e in lexicon.entries:
        if e.category not in cats:
            cats.append(e.category)
    num = {c: i for i, c in enumerate(cats, start=1)}
    out = ["%", *(f"{num[c]}\t{c}" for c in cats), "%"]
    rows: dict[str, list[int]] = {}
    for e in lexicon.entries:
        for s in e.surfaces:
            s = " ".join(s.split())
            nums = rows.setdefault(s, [])
            if num[e.category] not in nums:
                nums.append(num[e.category])
    out.extend(f"{term}\t" + "\t".join(map(str, nums)) for term, nums in rows.items())
    return "\n".join(out) + "\n"


def write_dic(lexicon: Lexicon, path: str | Path) -> None:
    """Write a LIWC ``.dic`` file (see :func:`dumps_dic`)."""
    Path(path).write_text(dumps_dic(lexicon), encoding="utf-8")
