"""LIWC-22 dictionaries (``.dicx``): a CSV table with one row per term and one column per category.

Layout (what LIWC-22's Dictionary Workbench saves)::

    DicTerm,care,harm
    safe*,X,
    kill*,,X
    protect*,0.8,-0.2

Rules:

* the first row is the header: the first column holds the terms (its name is free, ``DicTerm`` in
  LIWC-22), every other column is a category;
* a cell marks membership: ``X`` (any case) for an unweighted dictionary, a number for a weighted
  one; an empty cell means not in that category (``0`` is a weight, so it marks membership);
* the weight is kept in ``attrs["weight"]``; with ``weight_as_valence=True`` it also becomes the
  entry's valence (then it must lie in [-1, 1]);
* a term in several categories is several entries (``unique_terms=False``), as in ``.dic`` files;
* a trailing ``*`` is a prefix wildcard; phrases are written with spaces.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ._base import Builder, category_id, parse_file, stem_name
from .model import Lexicon

__all__ = ["read_dicx", "parse_dicx", "dumps_dicx", "write_dicx"]


def _rows(text: str):
    """``(first line number, row)`` for every CSV row (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    prev = 0
    for row in reader:
        yield prev + 1, row
        prev = reader.line_num


def parse_dicx(text: str, path: str = "<string>", *, name: str | None = None, weight_as_valence: bool = False,
               unsupported: str = "error") -> tuple[Lexicon, list[str]]:
    """Parse LIWC-22 ``.dicx`` text; return the lexicon and every problem (see :func:`read_dicx`)."""
    b = Builder(path, name or stem_name(path), "liwc22", unique_terms=False, unsupported=unsupported)
    rows = _rows(text)
    header = None
    for no, row in rows:
        if any(c.strip() for c in row):
            header = (no, row)
            break
    if header is None:
        b.problem(None, "the file is empty; a .dicx file has a header row (DicTerm,category,...) and one row per term")
        return b.result()
    hno, cols = header
    cats: list[str | None] = []
    for j, col in enumerate(cols[1:], start=2):
        cid = category_id(col)
        if not col.strip():
            cats.append(None)
            continue
        if not cid:
            b.problem(hno, f"column {j} header {col!r} has no letters or digits; name the category")
            cats.append(None)
            continue
        if cid in b.lexicon.categories:
            b.problem(hno, f"category {col!r} is the header of two columns; merge them")
        b.category(cid, None if cid == col.strip() else f"LIWC-22 category '{col.strip()}'", line=hno)
        cats.append(cid)
    for no, row in rows:
        if not any(c.strip() for c in row):
            continue
        term = row[0].strip()
        if not term:
            b.problem(no, "row has category marks but no term in the first column; add the term or remove the row")
            continue
        if len(row) > len(cols):
            b.problem(no, f"row has {len(row)} cells but the header has {len(cols)}; quote terms that hold commas")
        found = False
        for j, cell in enumerate(row[1:], start=1):
            cell = cell.strip()
            if not cell or j > len(cats) or cats[j - 1] is None:
                continue
            weight = None
            if cell.lower() != "x":
                try:
                    weight = float(cell)
                except ValueError:
                    b.problem(no, f"cell {cell!r} for term {term!r} under {cols[j]!r} is neither 'X' nor a number; "
                                  "use X for membership or a number for a weight")
                    continue
            found = True
            valence = None
            if weight is not None and weight_as_valence:
                if not -1 <= weight <= 1:
                    b.problem(no, f"weight {weight:g} of {term!r} under {cols[j]!r} is outside [-1, 1] and cannot be "
                                  "a valence; rescale the weights or read without weight_as_valence")
                    continue
                valence = weight
            e = b.entry(term, cats[j - 1], no, valence=valence)
            if e is not None and weight is not None:
                e.attrs["weight"] = weight
        if not found:
            b.problem(no, f"term {term!r} is in no category (every cell is empty); mark a category with X")
    return b.result()


def read_dicx(path: str | Path, *, name: str | None = None, weight_as_valence: bool = False,
              encoding: str = "utf-8", unsupported: str = "error") -> Lexicon:
    """Read a LIWC-22 ``.dicx`` dictionary (rules in the module docstring).

    Parameters
    ----------
    path : str or Path
    name : str, optional
        Lexicon name (default: the file name).
    weight_as_valence : bool, default False
        Use the weights of a weighted dictionary as valences too.
    encoding : str, default "utf-8"
    unsupported : {"error", "skip"}
        Report terms framing cannot match, or skip them.

    Returns
    -------
    Lexicon

    Raises
    ------
    LexiconError
        With every problem, each starting ``file:line:``.
    """
    return parse_file(parse_dicx, path, encoding, name=name,
                               weight_as_valence=weight_as_valence, unsupported=unsupported)


def dumps_dicx(lexicon: Lexicon) -> str:
    """``.dicx`` text: ``DicTerm`` and one column per category; ``X`` or the entry's ``attrs["weight"]``."""
    cats = list(lexicon.categories)
    for e in lexicon.entries:
        if e.category not in cats:
            cats.append(e.category)
    col = {c: i for i, c in enumerate(cats, start=1)}
    rows: dict[str, list[str]] = {}
    for e in lexicon.entries:
        mark = "X" if e.attrs.get("weight") is None else f"{float(e.attrs['weight']):g}"
        for s in e.surfaces:
            s = " ".join(s.split())
            row = rows.setdefault(s, [s] + [""] * len(cats))
            row[col[e.category]] = mark
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["DicTerm", *cats])
    w.writerows(rows.values())
    return buf.getvalue()


def write_dicx(lexicon: Lexicon, path: str | Path) -> None:
    """Write a LIWC-22 ``.dicx`` file (see :func:`dumps_dicx`)."""
    Path(path).write_text(dumps_dicx(lexicon), encoding="utf-8")
