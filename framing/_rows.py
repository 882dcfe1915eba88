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
  encoding such as UTF-16, a file whose first rows read with a row index), the main process reads
  chunks of raw rows (pandas' reader, in C) and the worker checks them.
- a **Parquet file**: the main process decodes record batches (Arrow's reader, in C) and sends them
  as Arrow buffers; the worker makes the DataFrame and checks it. (Sending DataFrames instead cost
  the main process 0.33 s more on the 200 MB benchmark file: pickling each text as a Python string
  took 0.38 s, an Arrow batch 0.06 s, and ``to_pandas`` 0.05 s moved to the workers; the main
  process, which also scores, then held back two processes at 1.43x one. A worker cannot read its
  own rows of a row group: Arrow decodes a row group's pages from its start.)
- a **Corpus** (already read and checked): the items are row ranges of its documents, which are
  scored as they are (the documents of a Corpus were one chunk before: one process, whatever
  ``jobs``).

Each range is checked by a :class:`~framing.corpus._Standardiser` of its own with the column roles
decided once for the whole source; the main process then skips ids repeated across ranges, in
order (:class:`~framing.corpus._Dedupe`), so the tables are those of one process, row for row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path

import pandas as pd

from ._csvranges import ByteRange, csv_plan
from .corpus import (
    _READ_OPTIONS,
    _ROLE_SAMPLE,
    TABULAR,
    ColumnMap,
    Corpus,
    _Parsed,
    _raw_csv,
    _read_settings,
    _Standardiser,
    _unique_columns,
    parquet_batches,
    parquet_frame,
    parquet_rows,
)

__all__: list[str] = []


@dataclass
class _Rows:
    """Rows ``start:stop`` (positions, from 0) of a table source. ``raw``: the rows themselves (a
    chunk read from a file, a Parquet file's Arrow record batch, or a DataFrame's rows sent to a
    spawned worker); None: rows ``start:stop`` of the parser's ``frame``."""

    start: int
    stop: int
    raw: object | None = None

    def __getstate__(self) -> dict:
        # An Arrow batch or table travels as one IPC stream, which holds only its own rows: pickled,
        # a slice of a batch sends all the buffers it shares with its neighbours (Arrow's reader
        # cuts a batch at a row group's end, and with a dictionary column, such as a pandas
        # category, both parts share one decode: pieces of a file of 251-row groups pickled to 2.04
        # times their rows; helper-44)
        if self.raw is None or isinstance(self.raw, pd.DataFrame):
            return self.__dict__
        import pyarrow as pa

        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, self.raw.schema) as writer:
            writer.write(self.raw)
        return {**self.__dict__, "raw": None, "arrow": sink.getvalue()}

    def __setstate__(self, state: dict) -> None:
        arrow = state.pop("arrow", None)
        self.__dict__.update(state)
        if arrow is not None:
            import pyarrow as pa

            self.raw = pa.ipc.open_stream(arrow).read_all()


class _RowsParser:
    """Checks :class:`_Rows` into a :class:`~framing.corpus._Parsed`, as ``_BlockParser`` does a
    block of JSON Lines. ``where`` names the source in messages, ``prefix`` + row number (from 1) is
    each row's location. ``frame``: the DataFrame source, which is not pickled (a spawned worker
    gets the rows with each item: :meth:`with_rows`). ``documents``: the frame holds a
    :class:`~framing.corpus.Corpus`'s documents, scored as they are: a call gives ``(documents,
    None)``. ``nullable``: rows come as Arrow record batches of a Parquet file, made DataFrames with
    these :func:`~framing.corpus.nullable_columns` (:func:`~framing.corpus.parquet_frame`)."""

    cut = False  # (texts are str: nothing is left in bytes, as a JSON Lines block's may be)

    def __init__(self, columns: ColumnMap, max_chars: int, roles: dict | None, where: str, prefix: str,
                 frame: pd.DataFrame | None = None, documents: bool = False,
                 nullable: dict[str, str] | None = None) -> None:
        self.columns, self.max_chars, self.roles = columns, max_chars, roles
        self.where, self.prefix, self.frame, self.documents = where, prefix, frame, documents
        self.nullable = nullable

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
        if self.nullable is not None and not isinstance(raw, pd.DataFrame):
            raw = parquet_frame(raw, self.nullable)
        if self.documents:
            return raw, None
        std = _Standardiser(self.columns, self.max_chars, self.where, roles=self.roles)
        lines = list(range(rows.start + 1, rows.start + len(raw) + 1))
        docs, skipped = std(raw, [f"{self.prefix}{n}" for n in lines])
        return _Parsed.of(std, docs, skipped, lines, [])


def rows_plan(source, chunk_rows: int, read_options: dict, small_rows: int | None = None
              ) -> tuple[Iterator[_Rows], _RowsParser] | None:
    """``(rows, parse)`` for a DataFrame, a Corpus, or a CSV, TSV or Parquet file: ``rows`` yields
    :class:`_Rows` of ``chunk_rows`` rows and ``parse(rows)`` checks them (see the module
    docstring); None for other sources (JSON Lines has its own plan; JSON arrays and folders are read
    and checked in the main process). ``small_rows`` (several processes): the first
    ``_ROLE_SAMPLE`` rows and the last ``4 * chunk_rows`` come in pieces of ``small_rows`` rows, as
    a JSON Lines file's blocks do (:func:`framing.corpus._jsonl_blocks`; :func:`_joined`).

    Raises
    ------
    CorpusError
        As :func:`framing.read_corpus` would for the first chunk: no text column, a column named twice.
    """
    if set(read_options) - _READ_OPTIONS:
        return None
    columns, max_chars = _read_settings(read_options)
    small = min(small_rows or chunk_rows, chunk_rows)
    if isinstance(source, Corpus):
        docs = source.documents
        return (_joined_rows(_ranges(len(docs), small), len(docs), chunk_rows, small),
                _RowsParser(columns, max_chars, None, source.source, "", frame=docs, documents=True))
    if isinstance(source, pd.DataFrame):
        where = "DataFrame"
        _unique_columns(source, where)
        roles = columns.resolve(list(source.columns), where)
        return (_joined_rows(_ranges(len(source), small), len(source), chunk_rows, small),
                _RowsParser(columns, max_chars, roles, where, "row ", frame=source))
    if not isinstance(source, (str, Path)):
        return None
    path = Path(source)
    if not path.is_file():
        return None
    fmt = read_options.get("format") or TABULAR.get(path.suffix.lower())
    encoding = read_options.get("encoding") or "utf-8"
    if fmt in ("csv", "tsv"):  # byte ranges that the workers read, where they can (framing/_csvranges.py)
        plan = csv_plan(path, fmt, encoding, small, columns, max_chars)
        if plan is not None:
            return _joined_ranges(plan[0], small, chunk_rows, path.stat().st_size), plan[1]
    nullable = None
    if fmt in ("csv", "tsv"):
        chunks = _raw_csv(path, "\t" if fmt == "tsv" else ",", encoding, small)
    elif fmt == "parquet":
        batches, nullable = parquet_batches(path, small)
        chunks = ((batch, None) for batch in batches)
    else:
        return None
    first = next(chunks, None)
    if first is None:  # (no rows: one process reads nothing either)
        return iter(()), _RowsParser(columns, max_chars, None, str(path), f"{path} row ")
    if nullable is not None:  # (the first batch made a DataFrame here, for its columns' names)
        first = (parquet_frame(first[0], nullable), None)
    roles = columns.resolve(list(first[0].columns), str(path))
    rows = _raw_rows(chain([first], chunks))
    if nullable is not None:  # (Arrow record batches: joined as a table, without copying them)
        import pyarrow as pa

        rows = _joined_rows(rows, parquet_rows(path), chunk_rows, small, lambda raws: pa.Table.from_batches(raws))
    return rows, _RowsParser(columns, max_chars, roles, str(path), f"{path} row ", nullable=nullable)


def _joined(pieces: Iterable, small: Callable[[object], bool], rows: Callable[[object], int], chunk_rows: int,
            join: Callable[[list], object], most: int) -> Iterator:
    """``pieces`` in order, those for which ``small(piece)`` is false joined (``join(list)``) into
    items of as many rows (``rows(piece)``) as fit in ``chunk_rows`` when a piece holds up to
    ``most`` (a piece larger than ``chunk_rows`` stays alone). Scoring a chunk costs 4-7 ms beyond
    its documents (tables built, batches read): in one process, 250-row chunks of the 200 MB
    benchmark file took 5.90 s of processor time against 5.33 s for 500-row chunks. An error raised
    by ``pieces`` comes after the pieces before it, joined or not."""
    def one(group: list):
        return join(group) if len(group) > 1 else group[0]

    group: list = []
    got = 0
    try:
        for piece in pieces:
            if small(piece):
                if group:
                    yield one(group)
                    group, got = [], 0
                yield piece
                continue
            group.append(piece)
            got += rows(piece)
            if got + most > chunk_rows:  # (the next piece could overfill it)
                yield one(group)
                group, got = [], 0
    except Exception:
        if group:
            yield one(group)
        raise
    if group:
        yield one(group)


def _near_ends(start: int, total: int | None, chunk_rows: int) -> bool:
    """Whether rows from ``start`` (of ``total``; None: not known) come in small pieces: among the
    first ``_ROLE_SAMPLE`` rows or the last ``4 * chunk_rows`` (where every process should get work
    soon and all should finish together)."""
    return start < _ROLE_SAMPLE or total is None or total - start < 4 * chunk_rows


def _joined_rows(rows: Iterator[_Rows], total: int | None, chunk_rows: int, most: int,
                 join: Callable[[list], object] | None = None) -> Iterator[_Rows]:
    """:class:`_Rows` of small pieces (up to ``most`` rows) joined into chunks of up to
    ``chunk_rows`` between the ends (:func:`_joined`); ``join`` makes one ``raw`` of the pieces'
    (None: ranges of the parser's frame)."""
    def joined(group: list[_Rows]) -> _Rows:
        return _Rows(group[0].start, group[-1].stop, None if join is None else join([r.raw for r in group]))

    return _joined(rows, lambda r: _near_ends(r.start, total, chunk_rows), lambda r: r.stop - r.start, chunk_rows,
                   joined, most)


def _joined_ranges(ranges: Iterator[ByteRange], every: int, chunk_rows: int, size: int) -> Iterator[ByteRange]:
    """Byte ranges of a CSV file of about ``every`` records each, joined into ``chunk_rows`` records
    between the ends (:func:`_joined`), the records left reckoned from the bytes per record so far."""
    seen = [0]  # (ranges so far)

    def small(r: ByteRange) -> bool:
        before = seen[0] * every
        seen[0] += 1
        left = (size - r.start) * before / r.start if r.start else size
        return before < _ROLE_SAMPLE or left < 4 * chunk_rows

    if every >= chunk_rows:
        return ranges
    return _joined(ranges, small, lambda r: every, chunk_rows, lambda g: ByteRange(g[0].start, g[-1].stop), every)


def _ranges(n: int, chunk_rows: int) -> Iterator[_Rows]:
    """Rows ``0:n`` in ranges of ``chunk_rows``; one empty range when ``n`` is 0 (so the tables
    have their columns)."""
    for a in range(0, max(n, 1), chunk_rows):
        yield _Rows(a, min(a + chunk_rows, n))


def _raw_rows(chunks) -> Iterator[_Rows]:
    """The chunks a file reader yields (``(rows, locations)``: rows a DataFrame or an Arrow record
    batch) as :class:`_Rows`."""
    start = 0
    for raw, _ in chunks:
        yield _Rows(start, start + len(raw), raw)
        start += len(raw)
