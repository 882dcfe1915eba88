"""Table sources cut into rows that worker processes read and check themselves (``--jobs``).

A JSON Lines file is cut into blocks of bytes that the workers parse (``framing.corpus._blocks_plan``).
This module does the same for the other sources, so that with several processes the main process no
longer reads, checks and pickles every document itself (before this, `score` of a DataFrame with two
processes ran at 1.35x one process on 200 MB; the main process spent 145 ms per 20 MB checking
documents alone):

- a **DataFrame**: the items are row ranges. A forked worker has the DataFrame in its memory
  already (fork copies the address space), so two numbers travel instead of the rows and their
  texts; a spawned worker (macOS, Windows) is sent the rows themselves.
- a **CSV or TSV file**: byte ranges of whole records, which the workers read and parse
  themselves; the main process only finds where records end, following the quoting, since a
  quoted text may hold newlines (``framing/_csvranges.py``). Where that cannot be done (an
  encoding such as UTF-16, a file whose first rows read with a row index), and for a **Parquet
  file**, the main process reads chunks of raw rows (pandas' and Arrow's readers, in C) and the
  worker checks them.
- a **Corpus** (already read and checked): the items are row ranges of its documents, which are
  scored as they are (the documents of a Corpus were one chunk before: one process, whatever
  ``jobs``).

Each range is checked by a :class:`~framing.corpus._Standardiser` of its own with the column roles
decided once for the whole source; the main process then skips ids repeated across ranges, in
order (:class:`~framing.corpus._Dedupe`), so the tables are those of one process, row for row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path

import pandas as pd

from ._csvranges import csv_plan
from .corpus import (
    _READ_OPTIONS,
    TABULAR,
    ColumnMap,
    Corpus,
    _Parsed,
    _raw_csv,
    _raw_parquet,
    _read_settings,
    _Standardiser,
    _unique_columns,
)

__all__: list[str] = []


@dataclass
class _Rows:
    """Rows ``start:stop`` (positions, from 0) of a table source. ``raw``: the rows themselves (a
    chunk read from a file, or a DataFrame's rows sent to a spawned worker); None: rows
    ``start:stop`` of the parser's ``frame``."""

    start: int
    stop: int
    raw: pd.DataFrame | None = None


class _RowsParser:
    """Checks :class:`_Rows` into a :class:`~framing.corpus._Parsed`, as ``_BlockParser`` does a
    block of JSON Lines. ``where`` names the source in messages, ``prefix`` + row number (from 1) is
    each row's location. ``frame``: the DataFrame source, which is not pickled (a spawned worker
    gets the rows with each item: :meth:`with_rows`). ``documents``: the frame holds a
    :class:`~framing.corpus.Corpus`'s documents, scored as they are: a call gives ``(documents,
    None)``."""

    cut = False  # (texts are str: nothing is left in bytes, as a JSON Lines block's may be)

    def __init__(self, columns: ColumnMap, max_chars: int, roles: dict | None, where: str, prefix: str,
                 frame: pd.DataFrame | None = None, documents: bool = False) -> None:
        self.columns, self.max_chars, self.roles = columns, max_chars, roles
        self.where, self.prefix, self.frame, self.documents = where, prefix, frame, documents

    def __getstate__(self) -> dict:
        return {**self.__dict__, "frame": None}

    def with_rows(self, rows: _Rows) -> _Rows:
        """``rows`` with the rows themselves (what a worker without the frame is sent)."""
        if rows.raw is not None:
            return rows
        return replace(rows, raw=self.frame.iloc[rows.start:rows.stop].reset_index(drop=True))

    def __call__(self, rows: _Rows):
        if rows.raw is None and self.frame is None:  # (a caller's mistake, not the input's)
            raise RuntimeError("rows without their table were sent to a process that does not have it")
        raw = self.with_rows(rows).raw
        if self.documents:
            return raw, None
        std = _Standardiser(self.columns, self.max_chars, self.where, roles=self.roles)
        lines = list(range(rows.start + 1, rows.start + len(raw) + 1))
        docs, skipped = std(raw, [f"{self.prefix}{n}" for n in lines])
        return _Parsed.of(std, docs, skipped, lines, [])


def rows_plan(source, chunk_rows: int, read_options: dict) -> tuple[Iterator[_Rows], _RowsParser] | None:
    """``(rows, parse)`` for a DataFrame, a Corpus, or a CSV, TSV or Parquet file: ``rows`` yields
    :class:`_Rows` of ``chunk_rows`` rows and ``parse(rows)`` checks them (see the module
    docstring); None for other sources (JSON Lines has its own plan; JSON arrays and folders are read
    and checked in the main process).

    Raises
    ------
    CorpusError
        As :func:`framing.read_corpus` would for the first chunk: no text column, a column named twice.
    """
    if set(read_options) - _READ_OPTIONS:
        return None
    columns, max_chars = _read_settings(read_options)
    if isinstance(source, Corpus):
        docs = source.documents
        return (_ranges(len(docs), chunk_rows),
                _RowsParser(columns, max_chars, None, source.source, "", frame=docs, documents=True))
    if isinstance(source, pd.DataFrame):
        where = "DataFrame"
        _unique_columns(source, where)
        roles = columns.resolve(list(source.columns), where)
        return _ranges(len(source), chunk_rows), _RowsParser(columns, max_chars, roles, where, "row ", frame=source)
    if not isinstance(source, (str, Path)):
        return None
    path = Path(source)
    if not path.is_file():
        return None
    fmt = read_options.get("format") or TABULAR.get(path.suffix.lower())
    encoding = read_options.get("encoding") or "utf-8"
    if fmt in ("csv", "tsv"):  # byte ranges that the workers read, where they can (framing/_csvranges.py)
        plan = csv_plan(path, fmt, encoding, chunk_rows, columns, max_chars)
        if plan is not None:
            return plan
    if fmt in ("csv", "tsv"):
        chunks = _raw_csv(path, "\t" if fmt == "tsv" else ",", encoding, chunk_rows)
    elif fmt == "parquet":
        chunks = _raw_parquet(path, chunk_rows)
    else:
        return None
    first = next(chunks, None)
    if first is None:  # (no rows: one process reads nothing either)
        return iter(()), _RowsParser(columns, max_chars, None, str(path), f"{path} row ")
    roles = columns.resolve(list(first[0].columns), str(path))
    return _raw_rows(chain([first], chunks)), _RowsParser(columns, max_chars, roles, str(path), f"{path} row ")


def _ranges(n: int, chunk_rows: int) -> Iterator[_Rows]:
    """Rows ``0:n`` in ranges of ``chunk_rows``; one empty range when ``n`` is 0 (so the tables
    have their columns)."""
    for a in range(0, max(n, 1), chunk_rows):
        yield _Rows(a, min(a + chunk_rows, n))


def _raw_rows(chunks) -> Iterator[_Rows]:
    """The chunks a file reader yields (``(rows, locations)``) as :class:`_Rows`."""
    start = 0
    for raw, _ in chunks:
        yield _Rows(start, start + len(raw), raw)
        start += len(raw)
