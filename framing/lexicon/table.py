"""Lexicons as tables (``.csv``; ``.tsv`` with a header row): one row per entry.

Columns (a header row is required; names are case-insensitive):

* ``term`` (also accepted: ``word``, ``pattern``), required;
* ``category`` (also ``cat``, ``key``, ``label``), optional: default ``category=`` or the file name;
* ``valence`` (also ``score``, ``weight``, ``polarity``) in [-1, 1], optional; ``positive`` and
  ``negative`` (and ``pos``/``neg``) are read as 1 and -1;
* ``referent``, ``variants`` and ``exclude`` (several values separated by ``|``), ``notes``,
  ``source``: as in the native format;
* any other column is kept in ``attrs`` (as text).

A row whose category is ``referent`` lists an alias of the referent named in its ``referent``
column (the column ``referent_name`` gives the actor's full name): that is how a table carries the
native format's referents, so native -> csv -> native keeps everything but the descriptions.

The same term may appear in several categories (several entries; ``unique_terms=False``); a term
twice in one category is one entry.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from ._base import Builder, category_id, parse_file, stem_name
from .model import REFERENT_CATEGORY, Lexicon, Referent

__all__ = ["read_table", "parse_table", "dumps_table", "write_table", "COLUMNS"]

#: Columns and the header names accepted for them.
COLUMNS = {
    "term": ("term", "word", "pattern", "terms", "words"),
    "category": ("category", "cat", "key", "label", "dimension"),
    "valence": ("valence", "score", "weight", "polarity", "sentiment"),
    "referent": ("referent",),
    "referent_name": ("referent_name",),
    "variants": ("variants",),
    "exclude": ("exclude",),
    "notes": ("notes", "note"),
    "source": ("source",),
}
_POLARITY_WORDS = {"positive": 1.0, "pos": 1.0, "negative": -1.0, "neg": -1.0, "neutral": 0.0}


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


def parse_table(text: str, path: str = "<string>", *, name: str | None = None, category: str | None = None,
                sep: str | None = None, unsupported: str = "error") -> tuple[Lexicon, list[str]]:
    """Parse a lexicon table; return the lexicon and every problem (see :func:`read_table`)."""
    b = Builder(path, name or stem_name(path), "csv", unique_terms=False, unsupported=unsupported)
    if sep is None:
        sep = "\t" if path.lower().endswith((".tsv", ".tab")) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows = []
    prev = 0
    for row in reader:
        rows.append((prev + 1, row))
        prev = reader.line_num
    rows = [(no, r) for no, r in rows if any(c.strip() for c in r)]
    if not rows:
        b.problem(None, "the file is empty; a lexicon table has a header row (term,category,valence,...) and "
                        "one row per entry")
        return b.result()
    hno, header = rows[0]
    col: dict[str, int] = {}
    extra: dict[int, str] = {}
    for j, h in enumerate(header):
        key = h.strip().lower()
        for field, names in COLUMNS.items():
            if key in names and field not in col:
                col[field] = j
                break
        else:
            if key:
                extra[j] = h.strip()
    if "term" not in col:
        b.problem(hno, f"no 'term' column in the header ({', '.join(h for h in header)}); name the column of terms "
                       "'term' (or read an eMFD scoring file with format='emfd')")
        return b.result()
    default = category_id(category or stem_name(path))

    def cell(row, field):
        j = col.get(field)
        return row[j].strip() if j is not None and j < len(row) else ""

    for no, row in rows[1:]:
        if len(row) > len(header):
            b.problem(no, f"row has {len(row)} cells but the header has {len(header)}; quote cells that hold "
                          f"the separator {sep!r}")
        term = cell(row, "term")
        if not term:
            b.problem(no, "row has no term; fill the term column or remove the row")
            continue
        raw_cat = cell(row, "category")
        cid = category_id(raw_cat) if raw_cat else default
        if not cid:
            b.problem(no, f"category {raw_cat!r} has no letters or digits; rename it")
            continue
        referent = cell(row, "referent") or None
        if cid == REFERENT_CATEGORY:
            if referent is None:
                b.problem(no, f"alias {term!r} (category 'referent') names no referent; fill the referent column")
                continue
            ref = b.lexicon.referents.setdefault(referent, Referent(referent, cell(row, "referent_name") or referent,
                                                                    line=no))
            if term not in ref.aliases:
                ref.aliases.append(term)
            continue
        valence = None
        raw_val = cell(row, "valence")
        if raw_val:
            if raw_val.lower() in _POLARITY_WORDS:
                valence = _POLARITY_WORDS[raw_val.lower()]
            else:
                try:
                    valence = float(raw_val)
                except ValueError:
                    b.problem(no, f"valence {raw_val!r} of {term!r} is not a number; use a number from -1 to 1")
                if valence is not None and math.isnan(valence):
                    valence = None
        b.category(cid, None if cid == raw_cat or not raw_cat else f"'{raw_cat}'", line=no)
        e = b.entry(term, cid, no, valence=valence)
        if e is None:
            continue
        if referent:
            e.referent = e.referent or referent
        for v in _split(cell(row, "variants")):
            if v not in e.variants:
                e.variants.append(v)
        for x in _split(cell(row, "exclude")):
            if x not in e.exclude:
                e.exclude.append(x)
        e.notes = e.notes or cell(row, "notes") or None
        e.source = e.source or cell(row, "source") or None
        for j, h in extra.items():
            if j < len(row) and row[j].strip():
                e.attrs.setdefault(h, row[j].strip())
    return b.result()


def read_table(path: str | Path, *, name: str | None = None, category: str | None = None, sep: str | None = None,
               encoding: str = "utf-8", unsupported: str = "error") -> Lexicon:
    """Read a lexicon table (columns in the module docstring).

    Parameters
    ----------
    path : str or Path
    name : str, optional
        Lexicon name (default: the file name).
    category : str, optional
        Category of rows without one (default: the file name).
    sep : str, optional
        Field separator (default: tab for ``.tsv``, else comma).
    encoding : str, default "utf-8"
    unsupported : {"error", "skip"}
        Report terms framing cannot match, or skip them.

    Raises
    ------
    LexiconError
        With every problem, each starting ``file:line:``.
    """
    return parse_file(parse_table, path, encoding, name=name, category=category, sep=sep,
                                unsupported=unsupported)


def dumps_table(lexicon: Lexicon, sep: str = ",") -> str:
    """Table text: referent aliases first (category ``referent``), then one row per entry; columns
    ``term, category, valence, referent, variants, exclude, notes, source`` (``referent_name`` when
    there are referents) and one per ``attrs`` key holding plain values."""
    attr_keys: list[str] = []
    for e in lexicon.entries:
        for k, v in e.attrs.items():
            if k not in attr_keys and isinstance(v, (str, int, float)) and not isinstance(v, bool) \
                    and k.lower() not in {n for names in COLUMNS.values() for n in names}:
                attr_keys.append(k)
    cols = ["term", "category", "valence", "referent"]
    if lexicon.referents:
        cols.append("referent_name")
    cols += ["variants", "exclude", "notes", "source", *attr_keys]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(cols)
    for r in lexicon.referents.values():
        for a in r.aliases:
            row = {"term": a, "category": REFERENT_CATEGORY, "referent": r.id, "referent_name": r.name}
            w.writerow([row.get(c, "") for c in cols])
    for e in lexicon.entries:
        row = {"term": e.term, "category": e.category, "valence": "" if e.valence is None else repr(float(e.valence)),
               "referent": e.referent or "", "variants": "|".join(e.variants), "exclude": "|".join(e.exclude),
               "notes": e.notes or "", "source": e.source or ""}
        for k in attr_keys:
            v = e.attrs.get(k)
            row[k] = "" if v is None or not isinstance(v, (str, int, float)) else str(v)
        w.writerow([row.get(c, "") for c in cols])
    return buf.getvalue()


def write_table(lexicon: Lexicon, path: str | Path) -> None:
    """Write a lexicon table (comma-separated; tab-separated for ``.tsv``)."""
    sep = "\t" if str(path).lower().endswith((".tsv", ".tab")) else ","
    Path(path).write_text(dumps_table(lexicon, sep=sep), encoding="utf-8")
