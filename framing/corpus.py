"""Reading corpora: CSV, TSV, JSON Lines, JSON arrays, Parquet, folders of ``.txt`` or ``.json``
files, and pandas DataFrames, into the ``documents`` and ``skipped`` tables.

Every input record ends in exactly one of the two tables: rows read = documents + skipped, always.
Readers stream: :func:`iter_corpus` yields chunks and never holds the whole corpus, and
:func:`read_corpus` collects the chunks for notebook use.

``documents`` columns
---------------------
doc_id : str
    Unique. Taken from the id column when there is one; otherwise the path of a ``.txt`` file
    relative to the corpus folder (without extension), or ``d`` + the first 16 hex digits of the
    SHA-1 of outlet, title and text (deterministic: the same article gets the same id on every run).
outlet : str
date : datetime64[ns] (NaT where absent or unparseable)
title : str (may be empty)
text : str, the original text, untouched
plus every other input column, carried through unchanged (renamed ``meta_<name>`` if it collides
with one of the names above; a Parquet integer or boolean column with a null anywhere in the file
is pandas' nullable ``Int64`` or ``boolean`` in every chunk, see :func:`nullable_columns`). The text columns hold Python ``str`` objects (``object`` dtype; pandas
would otherwise copy every text into Arrow strings, chunk by chunk). :func:`framing.score` adds
``n_tokens``, ``n_sentences`` and ``n_mentions``.

For a JSON Lines file, the columns that play each role (text, outlet ...) are detected from the
keys of its first 1,000 records, once for the whole file.

``skipped`` columns
-------------------
source : str, ``file:line`` or ``file row N``
doc_id : str or empty
reason : str
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import sys
import warnings
from collections import deque
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from itertools import chain, repeat
from pathlib import Path

import numpy as np
import pandas as pd

try:  # JSON Lines parsing; json gives the same records, slower
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a dependency
    _orjson = None

from . import _kernels
from ._jsontext import MIN_LITERAL, InvalidLiteral, JsonText
from ._jsontext import SOLID as _SOLID
from ._frames import frame_of
from .errors import CorpusError, UnreadableDateWarning, closest

__all__ = ["Corpus", "read_corpus", "iter_corpus", "ColumnMap", "DOCUMENT_COLUMNS", "SKIPPED_COLUMNS"]

DOCUMENT_COLUMNS = ["doc_id", "outlet", "date", "title", "text"]
SKIPPED_COLUMNS = ["source", "doc_id", "reason"]

TEXT_NAMES = ("text", "content_original", "content", "body", "article", "full_text", "maintext", "story")
OUTLET_NAMES = ("outlet", "source", "publisher", "media", "source_name", "newspaper", "site", "domain")
DATE_NAMES = ("date", "published", "publish_date", "published_at", "pubdate", "datetime", "timestamp")
ID_NAMES = ("doc_id", "id", "uuid", "article_id")
TITLE_NAMES = ("title", "headline")

#: Longest text scored by default (characters); longer ones are skipped with a reason.
MAX_CHARS = 1_000_000
CHUNK_ROWS = 500  # documents per chunk: ~2.5 MB of news text (framing.score.count reads 1,000)

TABULAR = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".json": "json", ".parquet": "parquet", ".pq": "parquet"}


@dataclass
class ColumnMap:
    """Which input columns hold the text, outlet, date, id and title.

    ``None`` means auto-detect from common names (case-insensitive): text from ``text``,
    ``content_original``, ``content``, ``body``, ``article``...; outlet from ``outlet``, ``source``,
    ``publisher``, ``media``...; date from ``date``, ``published``...; id from ``doc_id``, ``id``,
    ``uuid``...; title from ``title``, ``headline``. ``outlet_value`` gives every document the same
    outlet (a single-outlet file).
    """

    text: str | None = None
    outlet: str | None = None
    date: str | None = None
    id: str | None = None
    title: str | None = None
    outlet_value: str | None = None

    def resolve(self, columns: list[str], where: str) -> dict[str, str | None]:
        """Map roles to actual column names, raising a clear error when text or outlet is missing."""
        lower = {str(c).lower(): c for c in columns}
        out: dict[str, str | None] = {}
        for role, names in (("text", TEXT_NAMES), ("outlet", OUTLET_NAMES), ("date", DATE_NAMES),
                            ("id", ID_NAMES), ("title", TITLE_NAMES)):
            given = getattr(self, role)
            if given is not None:
                if given not in columns:
                    raise CorpusError(
                        f"{where}: no column '{given}' for the {role} (columns found: {_list(columns)})"
                        f"{closest(given, columns)}; pass --{role}-col with one of them"
                    )
                out[role] = given
            else:
                out[role] = next((lower[n] for n in names if n in lower), None)
        if out["text"] is None:
            raise CorpusError(
                f"{where}: no text column found (columns found: {_list(columns)})"
                f"{closest('text', columns)}; pass --text-col NAME"
            )
        if out["outlet"] is None and self.outlet_value is None:
            raise CorpusError(
                f"{where}: no outlet column found (columns found: {_list(columns)}); pass --outlet-col NAME, "
                "or --outlet-value NAME when the whole file is from one outlet"
            )
        if self.outlet_value is not None:
            out["outlet"] = None
        return out


def _list(columns) -> str:
    cols = [str(c) for c in columns]
    return ", ".join(cols[:30]) + (f", ... ({len(cols)} in all)" if len(cols) > 30 else "") if cols else "none"


@dataclass
class Corpus:
    """A read corpus: the ``documents`` and ``skipped`` tables (see the module docstring)."""

    documents: pd.DataFrame
    skipped: pd.DataFrame
    source: str = ""
    info: dict = field(default_factory=dict)
    #: ``doc_id`` of every document read whose date could not be read: its ``date`` is NaT (see
    #: :class:`~framing.errors.UnreadableDateWarning`).
    unreadable_ids: frozenset = frozenset()

    @property
    def unreadable_dates(self) -> int:
        """Documents (of ``documents`` as they are now: after a filter, of those left, and not those
        whose date has been filled in since) whose date could not be read."""
        docs = self.documents
        if not self.unreadable_ids or not len(docs) or "date" not in docs:
            return 0
        return int((docs["doc_id"].isin(self.unreadable_ids) & docs["date"].isna()).sum())

    @property
    def n_read(self) -> int:
        """Records read: documents + skipped."""
        return len(self.documents) + len(self.skipped)

    def __len__(self) -> int:
        return len(self.documents)

    def __repr__(self) -> str:
        outlets = self.documents["outlet"].nunique() if len(self.documents) else 0
        return f"Corpus({len(self.documents)} documents from {outlets} outlets, {len(self.skipped)} skipped, source={self.source!r})"


# ---------------------------------------------------------------------------------------- decoding
class _DecodingReader(io.TextIOBase):
    """A text stream over a binary file that reports undecodable bytes by file, byte and line."""

    def __init__(self, path: Path, encoding: str):
        self._path = path
        self._f = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._pos = 0
        try:
            codec = codecs.lookup(encoding)
        except LookupError:
            raise CorpusError(f"unknown encoding '{encoding}'; use e.g. utf-8, cp1252 or latin-1") from None
        self._dec = codecs.getincrementaldecoder("utf-8-sig" if codec.name == "utf-8" else encoding)("strict")
        # (utf-8-sig: a leading byte-order mark is not part of the first record)
        self._encoding = encoding
        self._pos = 0
        self._nl = 0
        self._buf = ""

    def readable(self) -> bool:
        return True

    def _decode(self, data: bytes) -> str:
        pending = self._dec.getstate()[0] if hasattr(self._dec, "getstate") else b""
        try:
            text = self._dec.decode(data, final=not data)
        except UnicodeDecodeError as err:
            off = max(err.start - len(pending), 0)
            byte = self._pos + off
            # lines counted in the decoded text (a UTF-16 line break is not the byte b"\n")
            head = (pending + data)[:err.start].decode(self._encoding, errors="replace")
            line = self._nl + head.count("\n") + 1
            bad = (pending + data)[err.start:err.start + 1].hex()
            raise CorpusError(
                f"{self._path}: not valid {self._encoding} at byte {byte} (line {line}, byte 0x{bad}); "
                "re-save the file as UTF-8, or pass --encoding (e.g. cp1252 or latin-1)"
            ) from None
        self._pos += len(data)
        self._nl += text.count("\n")
        return text

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            out = self._buf + self._decode(self._f.read()) + self._decode(b"")
            self._buf = ""
            return out
        while len(self._buf) < size:
            data = self._f.read(max(size, 65536))
            self._buf += self._decode(data)
            if not data:
                break
        out, self._buf = self._buf[:size], self._buf[size:]
        return out

    def readline(self, size: int = -1) -> str:
        while "\n" not in self._buf:
            data = self._f.read(65536)
            self._buf += self._decode(data)
            if not data:
                break
        cut = self._buf.find("\n")
        cut = len(self._buf) if cut < 0 else cut + 1
        out, self._buf = self._buf[:cut], self._buf[cut:]
        return out

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def close(self) -> None:
        self._f.close()
        super().close()


# ---------------------------------------------------------------------------------------- readers
def _raw_csv(path: Path, sep: str, encoding: str, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, list[str]]]:
    stream = _DecodingReader(path, encoding)
    try:
        reader = pd.read_csv(stream, sep=sep, dtype=str, keep_default_na=False, chunksize=chunk_rows)
        row = 0
        for chunk in reader:
            if row == 0:
                _csv_header_checked(path, chunk, sep, encoding)
            locs = [f"{path} row {row + i + 1}" for i in range(len(chunk))]
            row += len(chunk)
            yield chunk, locs
    except pd.errors.EmptyDataError:
        raise CorpusError(f"{path}: the file is empty; a corpus file needs a header row and rows") from None
    except pd.errors.ParserError as err:
        raise CorpusError(_unparsed_csv(path, sep, encoding, err)) from None
    finally:
        stream.close()


def _unparsed_csv(path: Path, sep: str, encoding: str, err: Exception) -> str:
    """The message for a CSV or TSV that pandas cannot parse: pandas counts records ("line 3"), not
    lines, so its number is turned into the line of the file where a quoted text spans lines."""
    kind = "TSV" if sep == "\t" else "CSV"
    cause = " ".join(str(err).split())
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", cause)
    if m is None:
        return f"{path}: cannot parse as {kind}: {cause}; check quoting on that line or pass the right separator"
    expected, record, saw = map(int, m.groups())
    line = _line_of_record(path, sep, encoding, record)
    where = f"line {line}" if line else f"record {record} (a quoted text over several lines counts once)"
    return (f"{path}: cannot parse as {kind}: {where} has {saw} fields, the header {expected}; put a field that "
            f"holds the separator ({sep!r}) in double quotes, or pass the right --format")


def _line_of_record(path: Path, sep: str, encoding: str, record: int) -> int | None:
    """The line of the file where record ``record`` (from 1: the header) starts, as pandas counts
    records (blank lines count, a quoted text's line breaks do not): read again by Python's ``csv``,
    whose ``line_num`` counts the file's lines (ended by LF, CRLF or CR alone). None if the file
    ends first. (Only after a parse error: the ``csv`` module reads at a fraction of pandas' speed.)"""
    with _python_csv(path, sep, encoding) as reader:
        try:
            line, n = 1, 0  # (where the next record starts; records read)
            for n, _ in enumerate(reader, 1):
                if n == record:
                    return line
                line = reader.line_num + 1
            return line if record == n + 1 else None
        except csv.Error:
            return None


def _csv_header_checked(path: Path, head: pd.DataFrame, sep: str, encoding: str) -> pd.DataFrame:
    """``head`` (the first rows pandas read), where pandas read the header as written: a repeated
    name (renamed 'text.1') is refused. A first row with one field more than the header made its
    first field the row index: right for row names (R's ``write.table`` writes them so, on every
    row), but where a row has no such field, its columns would each move one place: refused, naming
    that row (the whole file is read again by Python's ``csv`` for this: helper-50)."""
    if not isinstance(head.index, pd.RangeIndex):
        row = _row_without_row_name(path, sep, encoding)
        if row is not None:
            raise CorpusError(f"{path}: row 1 has one field more than the header (a row name?) but row {row} has "
                              "not, so its columns would move one place; give every row the same fields as the "
                              "header (add the missing column name to the header, or remove the extra field)")
    _no_repeated_names(path, head.columns, sep, encoding)
    return head


def _row_without_row_name(path: Path, sep: str, encoding: str, rows: int | None = None) -> int | None:
    """The first of the rows (the first ``rows``; from 1, after the header) with no more fields than
    the header, or None: over a 200 MB file, about a second, for files with row names only."""
    with _python_csv(path, sep, encoding) as reader:
        try:
            records = (r for r in reader if r)  # (pandas skips blank lines)
            width = len(next(records, []))
            for n, rec in enumerate(records, 1):
                if rows is not None and n > rows:
                    break
                if len(rec) <= width:
                    return n
        except csv.Error:  # (what Python's reader refuses is left to pandas)
            pass
        return None


@contextmanager
def _python_csv(path: Path, sep: str, encoding: str):
    """Python's ``csv`` reader over a file, lines ended by LF, CRLF or CR alone, for the checks made
    where pandas gives no answer (whose fields a row has; where a record starts): a fraction of
    pandas' speed, so only over a few rows or after an error."""
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # (a text of more than 131,072 characters: not a CSV error)
    stream = open(path, encoding="utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding,
                  newline="", errors="replace")
    try:
        yield csv.reader(stream, delimiter=sep)
    finally:
        stream.close()
        csv.field_size_limit(limit)


def _no_repeated_names(path: Path, names, sep: str, encoding: str) -> None:
    """A header that repeats a name (which pandas renames 'name.1'): refused, as in a DataFrame."""
    if not any(re.search(r"\.\d+$", str(c)) for c in names):  # (most headers)
        return
    with _python_csv(path, sep, encoding) as reader:
        try:
            header = next((r for r in reader if r), [])
        except csv.Error:  # (what Python's reader refuses is left to pandas)
            return
    seen: set[str] = set()
    for name in header:
        if not name.strip():  # (pandas names empty names "Unnamed: 2" ...: none is renamed)
            continue
        if name in seen:
            raise CorpusError(f"{path}: column '{name}' appears twice in the header; rename one of them")
        seen.add(name)


def _raw_jsonl(path: Path, encoding: str, chunk_rows: int, skipped: list) -> Iterator[tuple[pd.DataFrame, list[str]]]:
    stream = _DecodingReader(path, encoding)
    try:
        records, locs = [], []
        for n, line in enumerate(stream, 1):
            rec, reason = _json_record(line)
            if reason:
                skipped.append((f"{path}:{n}", "", reason))
                continue
            if rec is None:
                continue
            records.append(rec)
            locs.append(f"{path}:{n}")
            if len(records) >= chunk_rows:
                yield _frame(records), locs
                records, locs = [], []
        if records:
            yield _frame(records), locs
    finally:
        stream.close()


def _raw_json(path: Path, encoding: str, chunk_rows: int, skipped: list) -> Iterator[tuple[pd.DataFrame, list[str]]]:
    stream = _DecodingReader(path, encoding)
    try:
        head = stream.read(4096)
        first = head.lstrip()[:1]
        rest = stream.read()
    finally:
        stream.close()
    if first != "[" and first != "{":
        raise CorpusError(f"{path}: not a JSON array or object; for one object per line name the file .jsonl")
    text = head + rest
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        if first == "{":  # maybe JSON Lines saved as .json
            yield from _raw_jsonl(path, encoding, chunk_rows, skipped)
            return
        raise CorpusError(f"{path}:{err.lineno}: invalid JSON ({err.msg} at column {err.colno})") from None
    if isinstance(data, dict):
        data = [data]
    # (every chunk with the keys of all: a column only late objects have is read; not where the
    # objects have many keys of their own, where every chunk would carry them all: helper-49)
    keys = list(dict.fromkeys(k for rec in data if isinstance(rec, dict) for k in rec))
    roles: list = []
    if len(keys) > 1_000:  # (then the keys that may name a role, and each chunk's own: helper-50)
        named = set(chain(TEXT_NAMES, OUTLET_NAMES, DATE_NAMES, ID_NAMES, TITLE_NAMES))
        roles = [k for k in keys if str(k).lower() in named]
        keys = None
    records, locs = [], []
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            skipped.append((f"{path} item {i + 1}", "", "array item is not an object; each item must be one document"))
            continue
        records.append(rec)
        locs.append(f"{path} item {i + 1}")
        if len(records) >= chunk_rows:
            yield _frame(records, keys or list(dict.fromkeys(chain(roles, *records)))), locs
            records, locs = [], []
    if records:  # (the last chunk, as above)
        yield _frame(records, keys or list(dict.fromkeys(chain(roles, *records)))), locs


def _file_stamp(st: os.stat_result) -> tuple[int, int, int]:
    """What must stay the same while a file is read: its size, modification time and inode change
    time (which a write changes even where the modification time is set back, as a restored or
    coarse clock does; so does a change of metadata alone, such as ``chmod`` or a new hard link,
    which then also stops the read: the message says so)."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns


_NO_STAMP = (-1, -1, -1)  # (a block not read from a file: nothing to check)


def _start_of_file(f, encoding: str) -> tuple[os.stat_result, tuple[int, int, int], int]:
    """The open file's status and stamp, and the position of its first record, where ``f`` is
    left: after a UTF-8 byte-order mark (as utf-8-sig reads it: not part of the first record)."""
    st = os.fstat(f.fileno())
    bom = f.read(3) == codecs.BOM_UTF8 and codecs.lookup(encoding).name == "utf-8"
    first = 3 if bom else 0
    f.seek(first)
    return st, _file_stamp(st), first


@dataclass(frozen=True)
class _Block:
    """Whole lines of a JSON Lines file, read as bytes but not decoded or parsed: the unit of work
    that worker processes parse themselves, so that the main process only moves bytes."""

    path: str
    encoding: str
    first_line: int
    first_byte: int
    data: bytes
    stamp: tuple[int, ...] = _NO_STAMP  # the file's _file_stamp when it was opened
    # its lines already parsed (``_utf8_records``): the first blocks, read to decide column roles
    lines: list | None = field(default=None, compare=False, repr=False)
    cut_keys: frozenset = field(default=frozenset(), compare=False, repr=False)  # keys of JsonText values in lines

    def ref(self) -> "_BlockRef":
        """Where the block lies in its file (what is sent to a worker process)."""
        return _BlockRef(self.path, self.encoding, self.first_line, self.first_byte, len(self.data), self.stamp,
                         self.data.endswith(b"\n"))


@dataclass(frozen=True)
class _BlockRef:
    """A block by its place in the file: a worker process reads the bytes itself (from the page
    cache) instead of receiving them pickled through a pipe, which cost the main process a copy of
    every byte and held its interpreter lock."""

    path: str
    encoding: str
    first_line: int
    first_byte: int
    length: int
    stamp: tuple[int, ...] = _NO_STAMP  # the file's _file_stamp when it was opened
    whole_lines: bool = True  # whether it ends at a newline (all blocks but, maybe, the file's last)

    def load(self) -> _Block:
        with open(self.path, "rb") as f:
            return _read_block(f, self.path, self.encoding, self.first_line, self.first_byte, self.length, self.stamp,
                               self.whole_lines)

    def ref(self) -> "_BlockRef":
        return self


def _splits_on_newline(encoding: str) -> bool:
    """Whether lines of this encoding can be cut at the byte b"\\n" (UTF-8, Latin-1, cp1252 ...)."""
    try:
        return "\n{}".encode(encoding) == b"\n{}" and codecs.lookup(encoding).name not in ("utf-7",)
    except (LookupError, UnicodeError):
        return False


_READ_BYTES = 1 << 22  # the first read of a file: the first block's size is not known yet
# the buffer in which block ends are found for several processes (read 256 KiB at a time, the
# bytes stay in the processor's cache for memchr: 33 against 40 ms per 200 MB, alone)
_SCAN_BYTES = 1 << 18


def _jsonl_blocks(path: Path, encoding: str, chunk_rows: int, small_rows: int | None = None) -> Iterator[_Block]:
    """Blocks of ``chunk_rows`` lines (the last may be shorter), cut at newlines.

    In one process (no ``small_rows``), each block is read once: :func:`_jsonl_blocks_read_once`.
    For several processes, the file is read twice, from the page cache: once through one buffer of
    ``_SCAN_BYTES`` that never grows, in which ``memchr`` (:func:`framing._kernels.line_ends`, one
    call per block) finds where each block ends, and once per block, by a second handle here or by
    the process that parses a block sent to it as a :class:`_BlockRef`, straight into the block's
    own ``bytes``. (Before, blocks were cut out of one buffer that grew to twice the longest block,
    with the start of each block moved to the front: three copies of every byte. Alone, the new
    reader takes 4.1 ms per 20 MB of news against 11.5-13.3; within ``count`` the two are equal
    within noise, 134.5-141.2 against 135.1-143.0 ms in turn, and so is ``--jobs 2``. It stays for
    its buffer of 4 MiB instead of about 10 and its simpler loop.)

    With ``small_rows`` (several processes), the blocks that hold the first ``_ROLE_SAMPLE`` lines
    and those that start in the last bytes of the file (four blocks of ``chunk_rows`` lines, at
    the bytes per line so far) have ``small_rows`` lines: the other processes get work sooner and
    all finish together, while the blocks between cost less per line (two processes on 200 MB of
    news: 250-line blocks throughout took 758-803 ms, this way 691-730)."""
    if small_rows is None:
        yield from _jsonl_blocks_read_once(path, encoding, chunk_rows)
        return
    with open(path, "rb", buffering=0) as scan, open(path, "rb") as reader:
        st, stamp, pos = _start_of_file(scan, encoding)  # (each read of a block checks the stamp)
        line, first = 1, pos
        # the scan buffer holds the file's bytes [base, base + n), read up to i
        buf = memoryview(bytearray(min(_READ_BYTES, _SCAN_BYTES)))
        base, n, i, eof = pos, 0, 0, False
        while True:
            want = chunk_rows
            if small_rows is not None and line > 1:  # (the first block whole, as one process reads it: a
                # writer keeps the documents columns of the first chunk, so with blocks of 250 lines a key
                # first met in lines 251-500 was left out with --jobs 2 and kept with one; helper-54)
                per_line = (pos - first) / max(line - 1, 1)  # bytes per line so far
                if line <= _ROLE_SAMPLE or st.st_size - pos < 4 * chunk_rows * per_line:
                    want = min(small_rows, chunk_rows)
            rows = 0
            while True:
                i, got = _kernels.line_ends(buf[:n], i, want - rows)
                rows += got
                if rows == want or eof:
                    break
                base, i = base + n, 0
                n = scan.readinto(buf)
                eof = not n
            end = base + (n if rows < want else i)  # (at the end of the file, its last line)
            if eof and rows < want and end != st.st_size:
                raise CorpusError(f"{path}: the file changed while it was read ({st.st_size:,} bytes when "
                                  f"opened, {end:,} read); read it again once it is complete")
            if end > pos:
                if small_rows is not None and line > _ROLE_SAMPLE:
                    # (several processes: whichever process parses the block reads it from the
                    # page cache; the main process does not read its bytes)
                    yield _BlockRef(str(path), encoding, line, pos, end - pos, stamp, rows == want)
                else:
                    yield _read_block(reader, str(path), encoding, line, pos, end - pos, stamp, rows == want)
            if rows < want:
                return
            line, pos = line + rows, end


def _jsonl_blocks_read_once(path: Path, encoding: str, chunk_rows: int) -> Iterator[_Block]:
    """:func:`_jsonl_blocks` for one process: each block read once, straight into its own bytes
    (:func:`framing._kernels.read_lines`), with what was read past its end carried into the next.
    Reading the file twice (once to find where blocks end, once into each block) cost 4.8 ms per
    20 MB of news against 2.5 alone. The guess of each block's size (its lines at the bytes per line
    so far, a twentieth more) keeps the bytes carried over small. The file is checked as in
    :func:`_read_block`: the same size and time after each block, and all of it read at the end."""
    with open(path, "rb", buffering=0) as f:
        st, stamp, first = _start_of_file(f, encoding)
        line, pos, carry = 1, first, b""
        while True:
            per_line = (pos - first) / (line - 1) if line > 1 else 0
            guess = int(chunk_rows * per_line * 1.05) if per_line else _READ_BYTES
            data, carry, rows, _ = _kernels.read_lines(f.readinto, carry, chunk_rows, guess)
            now = os.fstat(f.fileno())
            end = pos + len(data)  # (fewer rows than asked: the end of the file, all of it read)
            if _file_stamp(now) != stamp or (rows < chunk_rows and end != st.st_size):
                raise CorpusError(f"{path}: the file changed while it was read (around bytes {pos:,} to "
                                  f"{end:,}: its size, times or metadata); read it again once it is complete")
            if data:
                yield _Block(str(path), encoding, line, pos, data, stamp)
            if rows < chunk_rows:
                return
            line, pos = line + rows, end


def _read_block(f, path: str, encoding: str, first_line: int, first_byte: int, length: int,
                stamp: tuple[int, ...], whole_lines: bool = True) -> _Block:
    """The block of ``length`` bytes at ``first_byte`` of the open file ``f``, checked against the
    file's ``stamp`` (:func:`_file_stamp` when it was opened) and, with ``whole_lines``, to end at
    a newline (as it did when its end was found)."""
    if f.tell() != first_byte:
        f.seek(first_byte)
    data = f.read(length)
    st = os.fstat(f.fileno())
    if len(data) != length or (stamp != _NO_STAMP and _file_stamp(st) != stamp) or (
            whole_lines and not data.endswith(b"\n")):
        raise CorpusError(f"{path}: the file changed while it was read (around bytes {first_byte:,} "
                          f"to {first_byte + length:,}: its size, times or metadata); read it again once it is "
                          "complete")
    return _Block(path, encoding, first_line, first_byte, data, stamp)


@dataclass(frozen=True)
class FilePiece:
    """A part of a file that is read on its own: the unit of work of the dask engine
    (:mod:`framing.distributed`), whose tables, put together in order, are those of the whole file.

    ``kind`` ``"parquet"``: the row groups ``start:stop``. ``kind`` ``"jsonl"``: the bytes
    ``start:stop`` (whole lines), the first of them on line ``line``, read while the file's
    :func:`_file_stamp` is ``stamp``, with the column ``roles`` of the whole file (from its first
    1,000 records). Ids repeated in an earlier piece are the caller's to skip."""

    kind: str
    start: int
    stop: int
    line: int = 1
    roles: dict | None = None
    stamp: tuple[int, ...] = _NO_STAMP


def _piece_blocks(path: Path, encoding: str, piece: FilePiece, chunk_rows: int) -> Iterator[_Block]:
    """Blocks of ``chunk_rows`` lines of the JSON Lines ``piece`` of a file."""
    with open(path, "rb") as f:
        f.seek(piece.start)
        pos, line, left, buf = piece.start, piece.line, piece.stop - piece.start, b""
        while True:
            end, rows = _kernels.line_ends(buf, 0, chunk_rows)
            if rows < chunk_rows and left:
                more = f.read(min(_READ_BYTES, left))
                if not more or _file_stamp(os.fstat(f.fileno())) != piece.stamp:
                    raise CorpusError(f"{path}: the file changed while it was read (around bytes {pos:,} to "
                                      f"{piece.stop:,}); read it again once it is complete")
                left -= len(more)
                buf += more
                continue
            if not buf:
                return
            cut = end if rows == chunk_rows else len(buf)
            yield _Block(str(path), encoding, line, pos, buf[:cut], piece.stamp)
            line, pos, buf = line + rows, pos + cut, buf[cut:]


@dataclass
class _Parsed:
    """A block parsed and standardised; ``docs`` may be dropped before it travels back."""

    docs: pd.DataFrame | None
    doc_ids: list[str]
    pending: list[tuple[int, tuple]]  # (line, skipped row) of lines that are not records (bad JSON)
    skips: list[tuple[int, tuple]]  # (line, skipped row) of the records the standardiser refused
    doc_rows: list[int]  # line of each document
    doc_locs: list[str]  # (after light(), empty where ``path`` is given: each is "<path>:<line>")
    doc_given: list[bool]
    # (line, location, doc_id, id given) of records repeating an id of the same block: skipped here,
    # their message (which names the first occurrence in the whole file) is written by _Dedupe
    repeats: list[tuple[int, str, str, bool]] = field(default_factory=list)
    path: str | None = None  # the file of a block of JSON Lines, whose documents' locations are its lines
    records: int | None = None  # rows read, where they are numbered from 1 for renumbered()
    # (position among the documents, date as written) of documents whose date could not be read
    bad_dates: list[tuple[int, str]] = field(default_factory=list)

    @classmethod
    def of(cls, std: "_Standardiser", docs: pd.DataFrame, skipped: list[tuple], lines: list[int],
           pending: list[tuple[int, tuple]], path: str | None = None) -> "_Parsed":
        """What ``std`` made of its last chunk (``docs``, ``skipped``), whose rows are at ``lines``
        (line or row numbers, by which skipped rows are put in order)."""
        rows, kept_locs, given, skip_rows = std.last_rows
        skips, repeats = [], []
        for r, x in zip(skip_rows, skipped):
            if r in std.last_repeats:
                repeats.append((lines[r], x[0], x[1], std.last_repeats[r]))
            else:
                skips.append((lines[r], x))
        return cls(docs, docs["doc_id"].tolist(), pending, skips, [lines[r] for r in rows], kept_locs, given, repeats,
                   path, bad_dates=list(std.last_bad_dates))

    def light(self) -> "_Parsed":
        """Without the documents table, and without the locations ``path`` and the lines give
        (what a worker process sends back: 1,000 strings fewer to pickle per block)."""
        return _Parsed(None, self.doc_ids, self.pending, self.skips, self.doc_rows,
                       [] if self.path is not None else self.doc_locs, self.doc_given, self.repeats, self.path,
                       self.records, self.bad_dates)

    def renumbered(self, before: int, prefix: str) -> "_Parsed":
        """Rows numbered from ``before`` + 1 instead of 1, located at ``prefix`` + number (a range
        of a CSV file, whose worker did not know how many rows come before it)."""
        def at(n: int) -> str:
            return f"{prefix}{n + before}"

        return _Parsed(self.docs, self.doc_ids, self.pending, [(n + before, (at(n), *x[1:])) for n, x in self.skips],
                       [n + before for n in self.doc_rows], [at(n) for n in self.doc_rows], self.doc_given,
                       [(n + before, at(n), d, given) for n, _, d, given in self.repeats], self.path, self.records,
                       self.bad_dates)

    def locations(self) -> list[str]:
        """Each document's location."""
        if self.path is not None and len(self.doc_locs) != len(self.doc_ids):
            return [f"{self.path}:{row}" for row in self.doc_rows]
        return self.doc_locs

    def bad_date_locations(self, keep: list[bool]) -> list[tuple[str, str, str]]:
        """``(location, date as written, doc_id)`` of the documents ``keep`` keeps whose date could
        not be read."""
        if not self.bad_dates:
            return []
        by_row = self.path is not None and len(self.doc_locs) != len(self.doc_ids)
        return [(f"{self.path}:{self.doc_rows[i]}" if by_row else self.doc_locs[i], v, self.doc_ids[i])
                for i, v in self.bad_dates if keep[i]]


def _not_decodable(block: _Block, err: UnicodeDecodeError, offset: int = 0) -> CorpusError:
    at = offset + err.start  # in the block
    line = block.first_line + block.data[:at].count(b"\n")
    bad = block.data[at:at + 1].hex()
    return CorpusError(
        f"{block.path}: not valid {block.encoding} at byte {block.first_byte + at} (line {line}, "
        f"byte 0x{bad}); re-save the file as UTF-8, or pass --encoding (e.g. cp1252 or latin-1)")


_PLAIN_VALUES = frozenset((str, int, bool, type(None)))  # what orjson reads as json does


def _line_record(block: _Block, raw: memoryview, offset: int) -> tuple[dict | None, str | None]:
    """``_json_record`` of the line ``raw`` (at byte ``offset`` of the block) that orjson refused
    or read as more than plain values: parsed by ``json``."""
    try:
        line = str(raw, "utf-8")
    except UnicodeDecodeError as err:
        raise _not_decodable(block, err, offset) from None
    return _json_record(line)


def _utf8_records(block: _Block) -> Iterator[tuple[dict | None, str | None]]:
    """``_json_record`` of each line of a UTF-8 block, parsed by orjson (three times the speed of
    decoding the block and ``json.loads``; measured on 20 MB of news). A line that orjson refuses,
    or whose record holds a float or a container (orjson reads integers beyond 64 bits as floats),
    is parsed again by ``json``, so the records and messages are exactly those of ``json``."""
    data = block.data
    view = memoryview(data)  # (lines as views: no copy)
    offset, n = 0, len(data)
    while offset <= n:
        end = data.find(b"\n", offset)
        if end < 0:
            end = n
        raw = view[offset:end]
        try:
            rec = _orjson.loads(raw)
            if type(rec) is dict and _PLAIN_VALUES.issuperset(map(type, rec.values())):  # (no float, dict, list)
                yield rec, None
                offset = end + 1
                continue
        except _orjson.JSONDecodeError:
            pass
        yield _line_record(block, raw, offset)
        offset = end + 1


def _cut_records(block: _Block, cut_keys: set[str], check: bool = False) -> Iterator[tuple[dict | None, str | None]]:
    """The records of ``_utf8_records``, where each line's longest string value (its text) is left
    in the block's bytes as a :class:`~framing._jsontext.JsonText` (``framing count``: see
    ``framing/_jsontext.py``); the keys of such values are added to ``cut_keys``. A line whose rest
    orjson does not read as a record of plain values is parsed whole, as ``_utf8_records`` does, so
    records and messages are the same.

    The values left in the bytes are not checked for valid UTF-8 here (``forms`` does it as it
    reads them) unless ``check``: then an invalid one raises :class:`InvalidLiteral` at its line.
    A line that is not valid UTF-8 after a value left unchecked raises :class:`InvalidLiteral`
    too, since that value may be the first error of the block (which is then read whole)."""
    small, cuts = _kernels.json_literals(block.data, MIN_LITERAL)
    if cuts.count(None) == len(cuts):
        yield from _utf8_records(block)
        return
    keys: dict[bytes, str] = {}
    offset = 0  # of the line in the block
    unchecked = False  # a value left in the bytes before this line, its UTF-8 not checked
    for line, (raw, cut) in enumerate(zip(small.split(b"\n"), cuts)):
        try:
            rec = _orjson.loads(raw)
        except _orjson.JSONDecodeError:
            rec = None
        if type(rec) is dict and _PLAIN_VALUES.issuperset(map(type, rec.values())):
            if cut is None:
                yield rec, None
                offset += len(raw) + 1
                continue
            key = keys.get(cut[5])
            if key is None:
                key = keys[cut[5]] = cut[5].decode("utf-8")  # (orjson read the line: valid UTF-8)
            if rec.get(key) == "":
                if check and not _kernels.literal_valid(cut[0], cut[1], cut[2]):
                    raise InvalidLiteral(f"{block.path}: line {block.first_line + line} is not valid UTF-8")
                rec[key] = JsonText(cut)
                cut_keys.add(key)
                unchecked = unchecked or not check
                yield rec, None
                offset = cut[7] + 1
                continue
        if cut is not None:  # the whole line, as _utf8_records reads it
            raw = memoryview(block.data)[cut[6]:cut[7]]
            try:
                rec = _orjson.loads(raw)
                if type(rec) is dict and _PLAIN_VALUES.issuperset(map(type, rec.values())):
                    yield rec, None
                    offset = cut[7] + 1
                    continue
            except _orjson.JSONDecodeError:
                pass
        try:
            got = _line_record(block, memoryview(raw), offset)
        except CorpusError:
            if unchecked:
                raise InvalidLiteral(f"{block.path}: not valid UTF-8 after a text left in its bytes") from None
            raise
        yield got
        offset += len(raw) + 1


def _parse_block(block: _Block, columns: ColumnMap, max_chars: int, roles: dict | None = None,
                 cut: bool = False) -> _Parsed:
    """Decode, parse and standardise one block (in a worker process, or in the main one). ``cut``:
    texts may be left in the block's bytes (see :func:`_cut_records`)."""
    cut_keys: set[str] = set(block.cut_keys)
    if block.lines is not None:
        parsed = block.lines
    elif _orjson is not None and codecs.lookup(block.encoding).name == "utf-8":
        parsed = _cut_records(block, cut_keys) if cut and _can_cut() else _utf8_records(block)
    else:
        try:
            text = block.data.decode(block.encoding)
        except UnicodeDecodeError as err:
            raise _not_decodable(block, err) from None
        parsed = map(_json_record, text.split("\n"))
    records, locs, lines, pending = [], [], [], []
    for n, (rec, reason) in enumerate(parsed, block.first_line):
        if reason:
            pending.append((n, (f"{block.path}:{n}", "", reason)))
        elif rec is not None:
            records.append(rec)
            locs.append(f"{block.path}:{n}")
            lines.append(n)
    if not records:
        return _Parsed(_no_documents(), [], pending, [], [], [], [])  # (typed: a writer takes its schema from it)
    std = _Standardiser(columns, max_chars, block.path, roles=roles)
    docs, skipped = std(_Records(records, frozenset(cut_keys)), locs)
    if cut_keys:  # the texts of skipped rows are not matched: decoded here, which checks their UTF-8
        for r in std.last_rows[3]:
            for v in records[r].values():
                if type(v) is JsonText:
                    str(v)
    return _Parsed.of(std, docs, skipped, lines, pending, block.path)


class _Dedupe:
    """Finds duplicate ids across blocks that were parsed apart (duplicates within one block are
    found when it is parsed), and puts each block's skipped rows in line order, so that the
    tables do not depend on how the file was cut into blocks."""

    def __init__(self, quick: bool = True) -> None:
        # doc_id -> where first seen: the line number where that is "<path>:<line>" of the one
        # file read (most ids: an int costs a fraction of the location's string), else the location
        self.seen: dict[str, int | str] = {}
        self.path: str | None = None
        self.quick = quick  # (False: the full check of every block, which tests compare with)

    def __call__(self, parsed: _Parsed) -> tuple[list[bool], pd.DataFrame]:
        keep, skips = [], parsed.pending + parsed.skips
        seen, ids = self.seen, parsed.doc_ids
        if self.quick and not parsed.repeats and not any(map(seen.__contains__, ids)):
            # (most blocks: every id new; 1 us a document less in the main process, which with
            # --jobs does this for every block)
            if parsed.path is not None and self.path in (None, parsed.path):  # (each where its line says)
                self.path = parsed.path
                seen.update(zip(ids, parsed.doc_rows))
            else:
                seen.update(zip(ids, parsed.locations()))
            keep = [True] * len(ids)
        else:
            keep = self._check(parsed, skips)
        if not skips:  # (most blocks: a copy of an empty table is a fifteenth of building one)
            return keep, _NO_SKIPS.copy()
        skips.sort(key=lambda x: x[0])
        return keep, pd.DataFrame([s for _, s in skips], columns=SKIPPED_COLUMNS)

    def _check(self, parsed: _Parsed, skips: list) -> list[bool]:
        """Whether to keep each document of ``parsed``, in line order; adds the skipped ones to ``skips``."""
        keep = []
        events = [(row, k, doc_id, loc, given) for k, (doc_id, row, loc, given) in
                  enumerate(zip(parsed.doc_ids, parsed.doc_rows, parsed.locations(), parsed.doc_given))]
        events += [(row, -1, doc_id, loc, given) for row, loc, doc_id, given in parsed.repeats]
        for row, k, doc_id, loc, given in sorted(events):  # in line order
            first = self.seen.get(doc_id)
            if first is None:
                if self.path is None:
                    self.path = loc.rpartition(":")[0]
                self.seen[doc_id] = row if loc == f"{self.path}:{row}" else loc
                keep.append(True)
                continue
            if isinstance(first, int):
                first = f"{self.path}:{first}"
            what = "doc_id" if given else "document (same outlet, title and text)"
            skips.append((row, (loc, doc_id, f"duplicate {what} '{doc_id}', first seen at {first}")))
            if k >= 0:
                keep.append(False)
        return keep


_NO_SKIPS = pd.DataFrame([], columns=SKIPPED_COLUMNS)


def _json_record(line: str) -> tuple[dict | None, str | None]:
    """A JSON Lines line as a record, or None for a blank line, or a reason it is not one."""
    if not line or line.isspace():
        return None, None
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as err:
        return None, f"invalid JSON on this line ({err.msg} at column {err.colno}); fix or remove the line"
    except RecursionError:
        return None, "the JSON on this line is nested too deeply to read; flatten the record"
    if not isinstance(rec, dict):
        return None, ("the line is JSON but not an object ({...}); each line must be one document"
                      + ("; for a JSON array of documents, name the file .json or pass --format json"
                         if isinstance(rec, list) else ""))
    if ("\\ud" in line or "\\uD" in line) and any(
            isinstance(v, str) and _SURROGATE.search(v) for v in rec.values()):
        # (no text in this state can be matched, written as UTF-8 or stored in Arrow)
        return None, ("a string on this line holds an unpaired surrogate escape (\\ud800-\\udfff): "
                      "not valid Unicode; fix the escape in the file")
    return rec, None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _can_cut() -> bool:
    """Whether texts can be left in their bytes (the C kernels and orjson are there)."""
    return _orjson is not None and _kernels.COMPILED


# The keywords of read_corpus that a plan of blocks or rows knows (with others, the source is read
# the usual way, which names the problem; ``metadata`` belongs to a folder of text files and is passed
# by for files and tables, as read_corpus does: the command line always gives it, as None)
_READ_OPTIONS = frozenset({"text_col", "outlet_col", "date_col", "id_col", "title_col", "outlet", "format", "encoding",
                           "metadata", "max_chars"})


def _read_settings(read_options: dict) -> tuple[ColumnMap, int]:
    """The column map and the text length limit that ``read_options`` (keywords of read_corpus) give."""
    columns = ColumnMap(read_options.get("text_col"), read_options.get("outlet_col"), read_options.get("date_col"),
                        read_options.get("id_col"), read_options.get("title_col"), read_options.get("outlet"))
    return columns, MAX_CHARS if read_options.get("max_chars") is None else read_options["max_chars"]


def _unique_columns(frame: pd.DataFrame, where: str) -> None:
    """Refuse a table with a column name twice (which column would be the text?)."""
    dup = frame.columns[frame.columns.duplicated()].tolist()
    if dup:
        raise CorpusError(f"{where}: column '{dup[0]}' appears twice; rename one of them")


def _blocks_plan(source, chunk_rows: int, read_options: dict, small_rows: int | None = None, cut: bool = False):
    """For a JSON Lines file in an encoding cut at newlines: ``(blocks, parse)``, where ``blocks``
    yields :class:`_Block` (``small_rows``: as :func:`_jsonl_blocks`) and ``parse(block)`` gives its
    :class:`_Parsed`; else None (other sources are read and standardised in the main process).
    ``cut``: the documents' texts may be :class:`~framing._jsontext.JsonText` (for a caller that
    only reads them with :meth:`framing.batch.TextBatch.build`, as ``framing count`` does)."""
    if isinstance(source, (Corpus, pd.DataFrame)) or not isinstance(source, (str, Path)):
        return None
    path = Path(source)
    if set(read_options) - _READ_OPTIONS or not path.is_file():
        return None
    fmt = read_options.get("format") or TABULAR.get(path.suffix.lower())
    encoding = read_options.get("encoding") or "utf-8"
    if fmt != "jsonl" or not _splits_on_newline(encoding):
        return None
    columns, max_chars = _read_settings(read_options)
    blocks = _jsonl_blocks(path, encoding, chunk_rows, small_rows)
    if _orjson is not None and codecs.lookup(encoding).name == "utf-8":
        head, roles = _parsed_head(blocks, path, columns, cut and _can_cut())
        return chain(_handed_out(head), blocks), _BlockParser(columns, max_chars, roles, cut)
    return blocks, _BlockParser(columns, max_chars, _sample_roles(path, encoding, columns))


_ROLE_SAMPLE = 1_000


def _handed_out(items: list) -> Iterator:
    """The items of a list, each dropped from it as it is handed out (so that memory holds no
    parsed block longer than its turn)."""
    items.reverse()
    while items:
        yield items.pop()


def _parsed_head(blocks: Iterator[_Block], path: Path, columns: ColumnMap, cut: bool = False
                 ) -> tuple[list[_Block], dict | None]:
    """The first ``blocks`` of a UTF-8 JSON Lines file, parsed up to the one that holds its
    1,000th record, and the column roles from the keys of those 1,000 records (as
    :func:`_sample_roles`): the records are parsed once, here, not once for the roles and again for
    the documents (reading a separate sample cost 7 % of ``count``). A block that cannot be decoded
    is left unparsed, so its error is raised in turn. ``cut``: read with :func:`_cut_records`."""
    head: list[_Block] = []
    keys: dict[str, None] = {}
    seen = 0
    # (``cut``) Records read since the keys last grew, whose texts' UTF-8 is not checked yet: a
    # text that is not valid UTF-8 ends the sample where it stands, as the str path's error does, so
    # they are checked when the keys grow again (usually never: every record has the same keys)
    pending: list[tuple[int, dict]] = []
    for block in blocks:
        if isinstance(block, _BlockRef):  # (a file whose first 1,000 records lie past line 1,000)
            block = block.load()
        lines, cut_keys = [], set()
        try:
            for rec, reason in _cut_records(block, cut_keys) if cut else _utf8_records(block):
                lines.append((rec, reason))
                if rec is not None and seen < _ROLE_SAMPLE:
                    seen += 1
                    if not cut:
                        keys.update(dict.fromkeys(rec))
                        continue
                    pending.append((len(head), rec))
                    if not keys.keys() >= rec.keys():
                        if _first_invalid(pending) is not None:
                            raise InvalidLiteral("a text of the role sample is not valid UTF-8")
                        pending.clear()
                        keys.update(dict.fromkeys(rec))
        except (CorpusError, InvalidLiteral):
            head.append(block)
            bad = _first_invalid(pending)
            if bad is not None:  # the sample ends at that text: its block and those after are read in turn
                head[bad:] = [replace(b, lines=None, cut_keys=frozenset()) for b in head[bad:]]
            break
        head.append(replace(block, lines=lines, cut_keys=frozenset(cut_keys)))
        if seen >= _ROLE_SAMPLE:
            break
    return head, (columns.resolve(list(keys), str(path)) if keys else None)


def _first_invalid(pending: list[tuple[int, dict]]) -> int | None:
    """The head block of the first record in ``pending`` with a text that is not valid UTF-8."""
    for index, rec in pending:
        for v in rec.values():
            if type(v) is JsonText and not _kernels.literal_valid(*v.literal[:3]):
                return index
    return None


def _sample_roles(path: Path, encoding: str, columns: ColumnMap) -> dict | None:
    """Column roles for a whole JSON Lines file, from the keys of its first 1,000 records, so that
    every block (and every number of processes) reads the same columns: for files that
    :func:`_parsed_head` does not read (other encodings than UTF-8, or orjson missing)."""
    keys: dict[str, None] = {}
    seen = 0
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
        blocks = open(path, encoding="utf-8-sig" if utf8 else encoding)
        records = (_json_record(line)[0] for line in blocks)
        with closing(blocks):
            for rec in records:
                if isinstance(rec, dict):
                    keys.update(dict.fromkeys(rec))
                    seen += 1
                    if seen >= _ROLE_SAMPLE:
                        break
    except (UnicodeDecodeError, LookupError, CorpusError):
        pass  # reported, with its line, when the block that holds it is read
    return columns.resolve(list(keys), str(path)) if keys else None


@dataclass(frozen=True)
class _BlockParser:
    columns: ColumnMap
    max_chars: int
    roles: dict | None = None
    cut: bool = False  # texts may be left in the blocks' bytes (_cut_records)

    def __call__(self, block: _Block | _BlockRef) -> _Parsed:
        if isinstance(block, _BlockRef):
            block = block.load()
        return _parse_block(block, self.columns, self.max_chars, self.roles, self.cut)

    def whole(self, block: _Block | _BlockRef) -> _Parsed:
        """The block parsed with its texts as ``str`` (read again from its bytes)."""
        if isinstance(block, _Block):
            block = replace(block, lines=None, cut_keys=frozenset())
        return replace(self, cut=False)(block)


def _frame(records: list[dict], columns: list[str] | None = None) -> pd.DataFrame:
    """Records as a table of Python objects: ids and numbers stay as written (no float conversion);
    ``columns``: every chunk of a source with the same columns (None where a record has no value)."""
    return pd.DataFrame(records, columns=columns, dtype=object)


class _Records:
    """A block's parsed records as :class:`_Standardiser` reads them, without a DataFrame (building
    one per block and reading its columns back as lists cost 4 % of ``framing count``).

    ``columns`` are the keys in order of first appearance (as :func:`_frame` orders them);
    :meth:`column` gives None where a record lacks the key (the frame has NaN: both read as no
    value); :meth:`frame` is the DataFrame, for the extra columns kept as metadata. ``cut_keys``:
    the keys that may hold a :class:`~framing._jsontext.JsonText`, which :meth:`column` decodes
    unless asked to keep it, and :meth:`frame` always.
    """

    def __init__(self, records: list[dict], cut_keys: frozenset = frozenset()):
        self.records = records
        self.columns = list(dict.fromkeys(chain.from_iterable(records)))  # (keys read in C, not by a generator)
        self.cut_keys = cut_keys

    def __len__(self) -> int:
        return len(self.records)

    def column(self, name: str, keep_cut: bool = False) -> list:
        values = list(map(dict.get, self.records, repeat(name)))  # (the records are dicts, from JSON)
        if name in self.cut_keys and not keep_cut:
            values = [str(v) if type(v) is JsonText else v for v in values]
        return values

    def frame(self) -> pd.DataFrame:
        df = _frame(self.records)
        for key in self.cut_keys:
            df[key] = [str(v) if type(v) is JsonText else v for v in df[key]]
        return df


def parquet_batches(path: Path, chunk_rows: int, groups: tuple[int, int] | None = None
                    ) -> tuple[Iterator, dict[str, str]]:
    """``(batches, nullable)``: the Arrow record batches of ``chunk_rows`` rows of a Parquet file,
    still in Arrow's memory, and the :func:`nullable_columns` that :func:`parquet_frame` needs to
    make each a DataFrame (of the whole file). With several processes the batches themselves are
    sent to the workers, which make the DataFrames (``framing/_rows.py``). ``groups``: only the row
    groups ``start:stop`` (the dask engine's piece of a file)."""
    import pyarrow.parquet as pq

    try:
        # Read through a buffer of 1 MiB, not a row group's column chunks at once (pre_buffer): the
        # 200 MB benchmark file's row groups of 10,000 texts hold 28 MB of compressed text each, and
        # reading its batches took Arrow's allocations to 127 MiB and the process's peak from 63 to
        # 288 MiB; buffered, 14 MiB and 176 MiB, in the same 0.4 s
        pf = pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)
    except Exception as err:  # pyarrow raises several types for a bad file
        raise CorpusError(f"{path}: cannot read as Parquet ({err})") from None
    # (one thread: Arrow's own threads decode the columns of a batch side by side, which took 0.53 s
    # of processor time for the 200 MB benchmark file against 0.34 s in one thread, for the same
    # 0.3-0.5 s on the clock; the processors are better spent scoring)
    nullable = nullable_columns(pf)
    if groups is None:
        return (_checked_batches(path, pf, pf.iter_batches(batch_size=chunk_rows, use_threads=False), chunk_rows),
                nullable)
    row = _rows_before(pf, groups[0])
    batches = pf.iter_batches(batch_size=chunk_rows, row_groups=list(range(*groups)), use_threads=False)
    return _checked_batches(path, pf, batches, chunk_rows, row), nullable


def _rows_before(pf, group: int) -> int:
    """The rows of a Parquet file (a ``ParquetFile`` or a path) before its row group ``group``."""
    import pyarrow.parquet as pq

    meta = (pf if isinstance(pf, pq.ParquetFile) else pq.ParquetFile(pf)).metadata
    return sum(meta.row_group(g).num_rows for g in range(group))


def _checked_batches(path: Path, pf, batches: Iterator, batch_rows: int, row: int = 0) -> Iterator:
    """``batches`` (of up to ``batch_rows`` rows, from row ``row`` of the file) of the Parquet file
    ``pf``; a batch that cannot be decoded (a damaged page, a file cut short) raises
    :class:`CorpusError` naming the file, the rows and the row group that does not read, where Arrow
    raised a bare ``OSError`` naming neither (helper-44)."""
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except MemoryError:  # (Arrow's too: not the file's fault)
            raise
        except Exception as err:  # (Arrow raises OSError, ArrowInvalid ... for damaged data)
            raise CorpusError(_unreadable(path, pf, row, batch_rows, err)) from None
        row += batch.num_rows
        yield batch


def _unreadable(path: Path, pf, row: int, batch_rows: int, err: Exception) -> str:
    """The message for a batch from ``row`` (from 0) that Arrow could not read: the row group at
    fault, found by reading each group the batch reaches on its own (a batch may span groups)."""
    meta = pf.metadata
    first, bad = 0, None
    for group in range(meta.num_row_groups):
        n = meta.row_group(group).num_rows
        if first + n > row and first < row + batch_rows:
            try:  # (in batches: a row group read whole may not fit in memory)
                for _ in pf.iter_batches(batch_size=batch_rows, row_groups=[group], use_threads=False):
                    pass
            except MemoryError:
                raise
            except Exception:  # (the same errors as above)
                bad = (group, first, first + n)
                break
        first += n
    # (the row group alone: the batch it fell in, and so the row where reading stopped, depends on
    # chunk_rows and jobs; the message does not)
    where = (f"row group {bad[0] + 1} of {meta.num_row_groups} (rows {bad[1] + 1:,}-{bad[2]:,})" if bad else
             f"rows {row + 1:,}-{min(row + batch_rows, meta.num_rows):,}")
    cause = " ".join(str(err).split()).rstrip(".")
    return (f"{path}: cannot read {where} as Parquet ({cause}). The file is damaged or cut short, or uses "
            "something Arrow cannot read (see the cause, such as a compression codec): write it again from "
            "its source")


def parquet_rows(path: Path) -> int:
    """The number of rows of a Parquet file, from its footer."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def parquet_frame(batch, nullable: dict[str, str]) -> pd.DataFrame:
    """An Arrow record batch of :func:`parquet_batches` (or a table of several) as the DataFrame a
    reader yields."""
    # (integers with nulls as Python ints and None, not floats: an id column read as floats only
    # in the batches that hold a null gave ids such as "300.0" there and "300" elsewhere, so the
    # ids depended on the chunk size; helper-40)
    return with_nullable(batch.to_pandas(integer_object_nulls=True), nullable)


def _raw_parquet(path: Path, chunk_rows: int, groups: tuple[int, int] | None = None
                 ) -> Iterator[tuple[pd.DataFrame, list[str]]]:
    batches, nullable = parquet_batches(path, chunk_rows, groups)
    row = 0 if groups is None else _rows_before(path, groups[0])
    for batch in batches:
        df = parquet_frame(batch, nullable)
        yield df, [f"{path} row {row + i + 1}" for i in range(len(df))]
        row += len(df)


def nullable_columns(*files) -> dict[str, str]:
    """``{column: pandas dtype}`` for the integer and boolean columns of Parquet files that hold a
    null anywhere in them: pandas' nullable ``Int64`` (``Int16``, ``UInt8`` ...) or ``boolean``.

    Arrow gives such a column as ``object`` (Python values and None) in a batch that has a null and
    as ``int64``/``bool`` in one that has none. A null only on a skipped row (an empty text, say)
    then made the documents table's column ``object`` when read in one chunk and ``int64`` when read
    in several, so dtypes depended on ``chunk_rows``, ``jobs`` and the Dask partitions, and Parquet
    output wrote the column as integers from one run and as text from another. With one nullable
    dtype for the whole input every chunk agrees, and the output keeps integers. ``files`` are
    ``pyarrow.parquet.ParquetFile`` objects or paths. Null counts come from the files' statistics;
    a column whose statistics lack them is read on its own (a few bytes a row, no text).
    """
    import pyarrow.parquet as pq
    import pyarrow.types as pat

    found: dict[str, str] = {}
    for pf in files:
        pf = pf if isinstance(pf, pq.ParquetFile) else pq.ParquetFile(pf)
        kinds = {f.name: ("boolean" if pat.is_boolean(f.type) else
                          str(np.dtype(f.type.to_pandas_dtype())).capitalize().replace("Uint", "UInt"))
                 for f in pf.schema_arrow if pat.is_integer(f.type) or pat.is_boolean(f.type)}
        meta = pf.metadata
        leaf = {meta.schema.column(j).path: j for j in range(meta.num_columns)}
        unknown = []
        for name, kind in kinds.items():
            nulls = 0 if name in leaf else None
            for g in range(meta.num_row_groups if nulls is not None else 0):
                stats = meta.row_group(g).column(leaf[name]).statistics
                if stats is None or not stats.has_null_count:
                    nulls = None
                    break
                nulls += stats.null_count
            if nulls is None:
                unknown.append(name)
            elif nulls:
                found.setdefault(name, kind)
        if unknown:
            table = pf.read(columns=unknown)
            found.update((n, kinds[n]) for n in unknown if table.column(n).null_count and n not in found)
    return found


def with_nullable(df: pd.DataFrame, nullable: dict[str, str]) -> pd.DataFrame:
    """``df`` with the columns of :func:`nullable_columns` in their nullable dtypes (numpy integer,
    boolean or object columns only: a column pandas' own metadata typed otherwise stays as it is)."""
    for name, kind in nullable.items():
        col = df.get(name)
        if col is not None and isinstance(col.dtype, np.dtype) and col.dtype.kind in "iubO":
            try:
                df[name] = col.astype(kind)
            except (TypeError, ValueError):  # (an object column written by pandas that is not all integers)
                pass
    return df


def _folder_files(root: Path, skipped: list) -> list[Path]:
    """Every file under ``root`` that is not hidden, sorted; then through each linked folder whose
    folder was not met already, the links nearest the top first, so that a file has the path of its
    real folder where the corpus holds that folder too (a link named ``aaa`` to ``bbc`` does not
    rename bbc's outlet: helper-49, -50). A link to nothing is a skipped row."""
    files, seen, links = [], set(), deque([root])

    def unreadable(err: OSError) -> None:  # (os.walk passes over a folder it cannot list without a word)
        skipped.append((str(err.filename), "", f"cannot read this folder ({err.strerror}); give read access to "
                                               "read its files"))

    while links:
        start = links.popleft()
        if not start.exists():
            continue
        for top, dirs, names in os.walk(start, onerror=unreadable):  # (links are queued, not followed, in here)
            st = os.stat(top)
            if (st.st_dev, st.st_ino) in seen:  # (met already, or a link back up the tree)
                dirs[:] = []
                continue
            seen.add((st.st_dev, st.st_ino))
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            links.extend(Path(top) / d for d in dirs if (Path(top) / d).is_symlink())
            for name in names:
                if name.startswith("."):
                    continue
                p = Path(top) / name
                if p.is_file():
                    files.append(p)
                elif p.is_symlink() and not p.exists():
                    skipped.append((str(p), "", "a link to a file or folder that is not there; mend or remove "
                                    "the link"))
    return sorted(files)


def _folder_metadata(path: Path, root: Path, encoding: str) -> tuple[dict[str, dict], dict[str, int], list[str]]:
    """The metadata file of a folder corpus: ``(values by document id, row of each id, columns)``;
    row N is the Nth row after the header, as in a CSV corpus. A column ``text`` is refused: a
    document's text is its file's."""
    if not path.is_file():
        raise CorpusError(f"{path}: metadata file not found; pass --metadata with an existing CSV")
    stream = _DecodingReader(path, encoding)
    try:
        table = pd.read_csv(stream, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise CorpusError(f"{path}: the metadata file is empty; give a header row with a 'file' column") from None
    except pd.errors.ParserError as err:
        raise CorpusError(_unparsed_csv(path, ",", encoding, err)) from None
    finally:
        stream.close()
    table = _csv_header_checked(path, table, ",", encoding)
    text = next((c for c in table.columns if str(c).lower() == "text"), None)  # ("Text" too: helper-50)
    if text is not None:
        raise CorpusError(f"{path}: the metadata file has a '{text}' column, but a document's text is its file; "
                          "rename the column (summary, say) to keep it")
    key = next((c for c in table.columns if c.lower() in ("file", "path", "filename")), None)
    if key is None:
        raise CorpusError(f"{path}: the metadata file needs a 'file' column with paths relative to {root}")
    meta: dict[str, dict] = {}
    rows: dict[str, int] = {}
    for n, rec in enumerate(table.to_dict("records"), 1):
        name = rec.pop(key).strip()
        if not name:
            raise CorpusError(f"{path} row {n}: the '{key}' value is empty; give the path of the text "
                              f"file relative to {root}, or remove the row")
        rid = str(Path(name.replace("\\", "/")).with_suffix("")).replace("\\", "/")
        if rid in rows:
            raise CorpusError(f"{path} row {n}: {name} is listed again (first at row {rows[rid]}); keep one row "
                              "per file")
        meta[rid] = rec
        rows[rid] = n
    return meta, rows, [c for c in table.columns if c != key]


def _raw_folder(root: Path, encoding: str, chunk_rows: int, metadata: Path | None, skipped: list):
    """A folder's ``.txt`` files (any case: ``.TXT``), or when it has none its ``.json`` files, as
    record chunks. Every other file in a sub-folder, and every row of the metadata file whose file
    is not there, is a skipped row with its reason; other files at the top (a README, a licence)
    and hidden files and folders (``.DS_Store``) are not documents. Linked folders are followed."""
    files = _folder_files(root, skipped)
    txts = [p for p in files if p.suffix.lower() == ".txt"]
    jsons = [p for p in files if p.suffix.lower() == ".json"]
    if not txts and not jsons:
        raise CorpusError(f"{root}: the folder has no .txt (or .json) files")
    meta_path = metadata or (root / "metadata.csv" if (root / "metadata.csv").exists() else None)
    if meta_path is not None:  # (read below for what it says of the texts)
        files = [p for p in files if p.resolve() != Path(meta_path).resolve()]
    kind = ".txt" if txts else ".json"
    if kind == ".json" and metadata is not None:
        raise CorpusError(f"{metadata}: a metadata file applies to a folder of .txt files; {root} holds .json "
                          "files, whose objects carry their own fields")

    def other(p: Path) -> bool:  # (a file that is not read: recorded as skipped, in path order)
        if p.suffix.lower() == kind:
            return False
        if p.parent == root:  # (beside the outlets' sub-folders: the folder's README, licence ...)
            return True
        what = f"a {p.suffix} file" if p.suffix else "a file without an extension"
        skipped.append((str(p), "", f"not read: {what}; a folder corpus reads its {kind} files"
                        + (" (its .json files only when it has no .txt file)" if kind == ".txt" else "")))
        return True

    if kind == ".json":
        for p in files:
            if not other(p):
                yield from _raw_json(p, encoding, chunk_rows, skipped)
        return
    meta, meta_rows, meta_columns = (_folder_metadata(Path(meta_path), root, encoding) if meta_path is not None
                                     else ({}, {}, []))
    # (the same columns in every chunk; an outlet from the sub-folders only where there are any,
    # so that a flat folder's metadata may name its outlet column "source", say: helper-49)
    nested = any(len(p.relative_to(root).parts) > 1 for p in txts)
    columns = list(dict.fromkeys(["doc_id", "text", *(["outlet"] if nested else []), *meta_columns]))
    records, locs, found = [], [], set()
    for p in files:
        if other(p):
            continue
        rel = p.relative_to(root)
        rid = str(rel.with_suffix("")).replace("\\", "/")
        found.add(rid)
        try:
            text = p.read_bytes().decode(encoding)
        except UnicodeDecodeError as err:
            skipped.append((str(p), rid, f"not valid {encoding} at byte {err.start} (byte 0x{err.object[err.start:err.start + 1].hex()}); "
                            "re-save as UTF-8 or pass --encoding"))
            continue
        rec = {"doc_id": rid, "text": text}
        if nested:
            rec["outlet"] = rel.parts[0] if len(rel.parts) > 1 else None
        # (a value the metadata leaves empty does not replace the file's own)
        rec.update({k: v for k, v in meta.get(rid, {}).items() if v.strip() or rec.get(k) is None})
        records.append(rec)
        locs.append(str(p))
        if len(records) >= chunk_rows:
            yield _frame(records, columns), locs
            records, locs = [], []
    if records:
        yield _frame(records, columns), locs
    for rid, n in meta_rows.items():  # (a document listed, whose text is not there: after the files)
        if rid not in found:
            skipped.append((f"{meta_path} row {n}", rid, f"listed in the metadata file, but {root} has no "
                            f"{rid}.txt; add the file or remove the row"))


# ---------------------------------------------------------------------------------------- standardise
def score_output(path: Path) -> bool:
    """Whether a folder holds the tables ``framing score`` writes (CSV or Parquet files, or the dask
    engine's folders of parts), not a corpus."""
    return any((path / f"mentions.{x}").is_file() for x in ("csv", "parquet")) or (
        (path / "mentions").is_dir() and any((path / "mentions").glob("part-*.parquet")))


def _no_documents() -> pd.DataFrame:
    """A documents table of no rows, with the dtypes the readers give a table with rows (``date`` in
    nanoseconds): an untyped one gave a chunk writer, which takes its schema from the first chunk,
    text dates for the whole file (a JSON Lines file whose first block holds no record; helper-53)."""
    return frame_of({"doc_id": [], "outlet": [], "date": pd.Series([], dtype="datetime64[ns]"), "title": [],
                     "text": []}, 0)


def _doc_hash(outlet: str, title: str, text: str) -> str:
    h = hashlib.sha1(f"{outlet}\x1f{title}\x1f{text}".encode("utf-8", "surrogatepass")).hexdigest()
    return "d" + h[:16]


def _as_text(value) -> str | None:
    if type(value) is str:  # (most values: one test)
        return value
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value if isinstance(value, str) else str(value)


class _Standardiser:
    """Turns raw record chunks into documents and skipped rows; remembers ids across chunks."""

    def __init__(self, columns: ColumnMap, max_chars: int, where: str, roles: dict[str, str | None] | None = None):
        self.columns = columns
        self.max_chars = max_chars
        self.where = where
        self.fixed = roles is not None  # roles decided once for the whole file (JSON Lines blocks)
        self.roles: dict[str, str | None] | None = roles
        self.resolved_from: tuple = ()  # (the columns the roles were resolved from)
        self.seen: dict[str, str] = {}
        # Of the last chunk: (position among the kept documents, date as written) of each document
        # whose date could not be read (its date is left missing; reported by _DateNotes)
        self.last_bad_dates: list[tuple[int, str]] = []
        self.last_ids: list[str] = []  # doc_id of each kept document of the last chunk
        # Of the last chunk: row, location and whether the id was given, of every kept document,
        # and the row of every skipped one (for _Dedupe, which merges blocks parsed apart).
        self.last_rows: tuple[list[int], list[str], list[bool], list[int]] = ([], [], [], [])
        self.last_repeats: dict[int, bool] = {}

    def __call__(self, raw: pd.DataFrame | _Records, locs: list[str]) -> tuple[pd.DataFrame, list[tuple]]:
        if isinstance(raw, _Records):  # (keys of JSON objects: never twice)
            column = raw.column
        else:
            _unique_columns(raw, self.where)
            column = lambda name, keep_cut=False: raw[name].tolist()  # noqa: E731
        # (for each set of columns: a file, whose chunks all have the same columns, so that a chunk
        # without a value in a column cannot fail, or read other columns, where another would not;
        # the files of a folder of .json files may name their keys each in its own way)
        if not self.fixed and (self.roles is None or tuple(raw.columns) != self.resolved_from):
            try:
                self.roles = self.columns.resolve(list(raw.columns), self.where)
            except CorpusError:
                if self.roles is None:  # (the first columns: the source has no such column)
                    raise
                # (a later file or chunk without a text or outlet key: read with the roles before,
                # its records skipped with their reasons, as before: helper-50)
            self.resolved_from = tuple(raw.columns)
        roles = self.roles
        n = len(raw)
        get = lambda role, keep_cut=False: (column(roles[role], keep_cut)  # noqa: E731
                                            if roles.get(role) and roles[role] in raw.columns else [None] * n)
        texts, outlets, ids, titles, dates = get("text", True), get("outlet"), get("id"), get("title"), get("date")
        has_dates = bool(roles.get("date") and roles["date"] in raw.columns)
        if self.columns.outlet_value is not None:
            outlets = [self.columns.outlet_value] * n
        keep_rows, out_ids, out_outlets, out_titles, skipped = [], [], [], [], []
        kept_locs, kept_given, skip_rows = [], [], []
        repeats: dict[int, bool] = {}
        with_nul = set(_kernels.with_nul(texts))  # (one C pass over the chunk's str texts)
        for i in range(n):
            value = texts[i]
            # (a str is taken as it is without a call: most values; a JsonText reads as one here)
            as_is = type(value) is str or type(value) is JsonText
            # (an Arrow list arrives as a NumPy array, a binary column as bytes: not texts)
            container = not as_is and isinstance(value, (dict, list, tuple, np.ndarray, bytes, bytearray))
            text = value if as_is else _as_text(value) if not container else None
            outlet = outlets[i]
            outlet = (outlet if type(outlet) is str else _as_text(outlet) or "").strip()
            title = titles[i]
            title = title if type(title) is str else _as_text(title) or ""
            given = ids[i]
            given = (given if type(given) is str else _as_text(given) or "").strip()
            loc = locs[i]
            reason = None
            if (type(value) is JsonText and value.literal[4] == _SOLID and 0 < value.literal[3] <= self.max_chars
                    and outlet):
                pass  # (most texts left in their bytes: the kernel's counts pass every check below)
            elif container:
                reason = f"text is a {type(value).__name__}, not a string; put the article text in the text column"
            elif text is None or len(text) == 0:
                reason = "empty text"
            elif text.isspace():  # (not strip(): no copy of every text)
                reason = "text is only whitespace"
            elif (i in with_nul) if isinstance(value, str) else "\x00" in text:  # (str(value) of other objects)
                reason = f"text contains a NUL byte at character {text.index(chr(0))} (binary data in the text column?)"
            elif len(text) > self.max_chars:
                reason = (f"text is {len(text):,} characters, above the limit of {self.max_chars:,}; "
                          "split the document or raise --max-chars")
            elif not outlet:
                reason = "no outlet (empty outlet value); fill it in or pass --outlet-value"
            doc_id = given or (_doc_hash(outlet, title, str(text)) if reason is None else "")
            if reason is None:
                first = self.seen.get(doc_id)
                if first is not None:
                    what = "doc_id" if given else "document (same outlet, title and text)"
                    reason = f"duplicate {what} '{doc_id}', first seen at {first}"
                    repeats[i] = bool(given)
                else:
                    self.seen[doc_id] = loc
            if reason is not None:
                skipped.append((loc, doc_id, reason))
                skip_rows.append(i)
                continue
            keep_rows.append(i)
            kept_locs.append(loc)
            kept_given.append(bool(given))
            texts[i] = text  # numbers read from JSON become their text
            out_ids.append(doc_id)
            out_outlets.append(outlet)
            out_titles.append(title)
        # Object columns (Arrow strings would copy every text, chunk by chunk, only for the
        # matcher's tolist() to undo it)
        docs = frame_of({
            "doc_id": out_ids,
            "outlet": out_outlets,
            "date": _parse_dates([dates[i] for i in keep_rows] if has_dates else [], len(keep_rows)),
            "title": out_titles,
            "text": [texts[i] for i in keep_rows],
        }, len(keep_rows))
        self.last_bad_dates = _bad_dates(docs["date"], [dates[i] for i in keep_rows]) if has_dates else []
        self.last_ids = out_ids
        used = {c for c in roles.values() if c}
        extra = [c for c in raw.columns if c not in used]
        if extra:
            sub = (raw.frame() if isinstance(raw, _Records) else raw).iloc[keep_rows][extra].reset_index(drop=True)
            sub.columns = _extra_names(extra)
            docs = pd.concat([docs, sub], axis=1)
        self.last_rows = (keep_rows, kept_locs, kept_given, skip_rows)
        self.last_repeats = repeats  # rows refused as repeats of an id seen before, and whether it was given
        return docs, skipped


_RESERVED = frozenset(DOCUMENT_COLUMNS) | {"n_tokens", "n_sentences", "n_mentions"}


def _extra_names(extra: list) -> list:
    """The names of the input's other columns in the documents table: as they are, but with
    ``meta_`` before a name of the table's own, and before one that is ``meta_`` (once or more) and
    such a name, so that ``n_tokens`` and ``meta_n_tokens`` stay apart (helper-48). A name depends
    on the column's own name only: the same in every chunk (helper-49)."""
    def renamed(c) -> bool:
        base = c
        while isinstance(base, str) and base.startswith("meta_"):
            base = base[5:]
        return base in _RESERVED

    return [f"meta_{c}" if renamed(c) else c for c in extra]


def _bad_dates(parsed: pd.Series, values: list) -> list[tuple[int, str]]:
    """``(position, date as written)`` of the ``values`` that were given (not empty) but read as NaT."""
    missing = np.flatnonzero(parsed.isna().to_numpy())
    if not len(missing):  # (most chunks)
        return []
    written = ((i, _as_text(values[i])) for i in missing.tolist() if not _missing(values[i]))
    return [(i, v.strip()) for i, v in written if v is not None and v.strip()]


def _missing(value) -> bool:
    """A missing scalar that ``_as_text`` would write out: NumPy's NaT or NaN (``'NaT'``, ``'nan'``)."""
    if isinstance(value, (str, bytes, list, tuple, dict)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # (an object pandas cannot test)
        return False


class _DateNotes:
    """The documents kept whose date could not be read, over a whole corpus: counted, and the first
    few located, for one :class:`~framing.errors.UnreadableDateWarning` at the end."""

    SHOWN = 3

    def __init__(self, ids: bool = False) -> None:
        self.count = 0
        self.examples: list[tuple[str, str]] = []
        self.ids: set[str] | None = set() if ids else None  # (of each document: for a Corpus)

    def add(self, found: list[tuple[str, str, str]]) -> None:
        """``found``: ``(location, date as written, doc_id)`` of documents kept, in input order."""
        self.count += len(found)
        if len(self.examples) < self.SHOWN:
            self.examples.extend((loc, v) for loc, v, _ in found[:self.SHOWN - len(self.examples)])
        if self.ids is not None:
            self.ids.update(d for _, _, d in found)

    def add_kept(self, std: "_Standardiser") -> None:
        """The bad dates of ``std``'s last chunk (read in this process, nothing dropped since)."""
        if std.last_bad_dates:
            locs, ids = std.last_rows[1], std.last_ids
            self.add([(locs[i], v, ids[i]) for i, v in std.last_bad_dates])

    def warn(self) -> None:
        """Warn once, if any date could not be read, at the caller's line: the first frame outside
        framing (through the generators, functions and commands that read the corpus)."""
        if not self.count:
            return
        # (Python 3.12's skip_file_prefixes does this; framing supports 3.10. By module, not file
        # name: "<string>" run from inside the package folder is not framing's; helper-47)
        level, frame = 1, sys._getframe()
        while frame is not None and _framing_module(frame.f_globals.get("__name__")):
            level, frame = level + 1, frame.f_back
        warnings.warn(UnreadableDateWarning(self.count, self.examples), stacklevel=level)


def _framing_module(name) -> bool:
    return isinstance(name, str) and (name == "framing" or name.startswith("framing."))


def _parse_dates(values: list, n: int | None = None) -> pd.Series:
    """Dates as naive UTC timestamps (NaT where missing or unreadable); ``n`` NaT without values."""
    if not values:
        return pd.Series(pd.NaT, index=range(n or 0), dtype="datetime64[ns]")
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
        return pd.Series(pd.NaT, index=range(len(values)), dtype="datetime64[ns]")
    clean = [(_as_text(v) or None) for v in values]
    parsed = pd.to_datetime(pd.Series(clean, dtype=object), errors="coerce", format="mixed", utc=True).dt.tz_convert(None)
    # (a date nanoseconds cannot hold, before 1677 or after 2262, such as "2500-01-01", is unreadable
    # too: it stopped the whole read with pandas' OutOfBoundsDatetime)
    outside = (parsed < pd.Timestamp.min) | (parsed > pd.Timestamp.max)
    return (parsed.mask(outside) if outside.any() else parsed).astype("datetime64[ns]")


def check_metadata_source(source, metadata) -> None:
    """Refuse a metadata file given for a source it does not apply to (it was ignored: helper-48);
    a source that is not there is left to say so itself."""
    if isinstance(source, (str, Path)) and not Path(source).exists():
        return
    if metadata is not None and not (isinstance(source, (str, Path)) and Path(source).is_dir()):
        what = f"{source} is not a folder" if isinstance(source, (str, Path)) else "the corpus is not a folder"
        raise CorpusError(f"{metadata}: a metadata file applies to a folder of .txt files, and {what}; put the "
                          "columns in the corpus file itself")


def check_chunk_rows(chunk_rows) -> None:
    """Refuse a chunk size that is not a whole number of rows, 1 or more."""
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise ValueError(f"chunk_rows={chunk_rows!r}: give the number of documents per chunk, 1 or more")


# ---------------------------------------------------------------------------------------- public API
def iter_corpus(
    source,
    *,
    text_col: str | None = None,
    outlet_col: str | None = None,
    date_col: str | None = None,
    id_col: str | None = None,
    title_col: str | None = None,
    outlet: str | None = None,
    format: str | None = None,
    encoding: str = "utf-8",
    metadata: str | Path | None = None,
    max_chars: int = MAX_CHARS,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Stream a corpus as ``(documents, skipped)`` chunks; see :func:`read_corpus` for parameters.

    The whole corpus is never held in memory: CSV, TSV, JSON Lines and Parquet are read in chunks of
    ``chunk_rows`` records (a JSON array is parsed whole). ``encoding`` and ``max_chars`` given as
    None mean their defaults. Documents kept whose date could not be read are reported at the end
    in one :class:`~framing.errors.UnreadableDateWarning`.
    """
    notes = _DateNotes()
    yield from _corpus_chunks(source, notes, text_col=text_col, outlet_col=outlet_col, date_col=date_col,
                              id_col=id_col, title_col=title_col, outlet=outlet, format=format, encoding=encoding,
                              metadata=metadata, max_chars=max_chars, chunk_rows=chunk_rows)
    notes.warn()


def _corpus_chunks(source, notes: _DateNotes, *, text_col: str | None = None, outlet_col: str | None = None,
                   date_col: str | None = None, id_col: str | None = None, title_col: str | None = None,
                   outlet: str | None = None, format: str | None = None, encoding: str = "utf-8",
                   metadata: str | Path | None = None, max_chars: int = MAX_CHARS, chunk_rows: int = CHUNK_ROWS,
                   trace: list | None = None, piece: FilePiece | None = None
                   ) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """:func:`iter_corpus`, whose documents kept with an unreadable date are added to ``notes``.
    ``trace``: a list to which ``(locations, ids given)`` of each chunk's documents are appended
    before the chunk is yielded (where each was read, and whether its id was given or made from
    its outlet, title and text: what the dask engine needs to skip ids repeated across files).
    ``piece``: only that part of the file ``source`` (:class:`FilePiece`)."""
    check_chunk_rows(chunk_rows)
    encoding = encoding or "utf-8"
    max_chars = MAX_CHARS if max_chars is None else max_chars
    columns = ColumnMap(text_col, outlet_col, date_col, id_col, title_col, outlet)
    check_metadata_source(source, metadata)
    if isinstance(source, Corpus):
        yield source.documents, source.skipped
        return
    if isinstance(source, pd.DataFrame):
        std = _Standardiser(columns, max_chars, "DataFrame")
        locs = [f"row {i + 1}" for i in range(len(source))]
        for a in range(0, max(len(source), 1), chunk_rows):
            docs, skipped = std(source.iloc[a:a + chunk_rows].reset_index(drop=True), locs[a:a + chunk_rows])
            notes.add_kept(std)
            yield docs, pd.DataFrame(skipped, columns=SKIPPED_COLUMNS)
        return
    path = Path(source)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    if piece is not None and piece.kind == "jsonl":
        plan = _piece_blocks(path, encoding, piece, chunk_rows), _BlockParser(columns, max_chars, piece.roles)
    else:
        plan = _blocks_plan(path, chunk_rows, dict(format=format, encoding=encoding, max_chars=max_chars,
                                                   text_col=text_col, outlet_col=outlet_col, date_col=date_col,
                                                   id_col=id_col, title_col=title_col, outlet=outlet))
    if plan is not None:  # JSON Lines: the same blocks that worker processes parse (framing.score)
        blocks, parse = plan
        dedupe = _Dedupe()
        for block in blocks:
            parsed = parse(block)
            keep, skipped = dedupe(parsed)
            notes.add(parsed.bad_date_locations(keep))
            docs = parsed.docs if all(keep) else parsed.docs[keep].reset_index(drop=True)
            if trace is not None:
                trace.append(([loc for loc, k in zip(parsed.locations(), keep) if k],
                              [g for g, k in zip(parsed.doc_given, keep) if k]))
            yield docs, skipped
        return
    std = _Standardiser(columns, max_chars, str(path))
    pending: list[tuple] = []  # skips found by readers (bad JSON lines, undecodable files)
    if path.is_dir():
        if score_output(path):
            raise CorpusError(f"{path} is a folder written by `framing score` (tables of mentions, no article "
                              f"text); pass the corpus itself, or read its tables with `framing compare {path}`")
        raw_iter = _raw_folder(path, encoding, chunk_rows, Path(metadata) if metadata else None, pending)
    else:
        fmt = format or TABULAR.get(path.suffix.lower())
        if fmt is None:
            raise CorpusError(f"{path}: unknown corpus format '{path.suffix}'; use .csv, .tsv, .jsonl, .json, "
                              ".parquet or a folder of .txt files, or pass --format")
        if fmt in ("csv", "tsv"):
            raw_iter = _raw_csv(path, "\t" if fmt == "tsv" else ",", encoding, chunk_rows)
        elif fmt == "jsonl":  # (in an encoding not cut at line breaks, UTF-16: the roles of the whole
            # file, from its first 1,000 records, as for the blocks of other files: helper-49)
            raw_iter = _raw_jsonl(path, encoding, chunk_rows, pending)
            std = _Standardiser(columns, max_chars, str(path), roles=_sample_roles(path, encoding, columns))
        elif fmt == "json":
            raw_iter = _raw_json(path, encoding, chunk_rows, pending)
        elif fmt == "parquet":
            raw_iter = _raw_parquet(path, chunk_rows, None if piece is None else (piece.start, piece.stop))
        else:
            raise CorpusError(f"{path}: unknown format '{fmt}'; use csv, tsv, jsonl, json or parquet")
    any_rows = False
    for raw, locs in raw_iter:
        any_rows = any_rows or len(raw) > 0
        docs, skipped = std(raw, locs)
        notes.add_kept(std)
        skipped = pending + skipped
        pending.clear()
        if trace is not None:
            trace.append((list(std.last_rows[1]), list(std.last_rows[2])))
        yield docs, pd.DataFrame(skipped, columns=SKIPPED_COLUMNS)
    if pending:
        if trace is not None:
            trace.append(([], []))
        yield _no_documents(), pd.DataFrame(pending, columns=SKIPPED_COLUMNS)


def read_corpus(
    source,
    *,
    text_col: str | None = None,
    outlet_col: str | None = None,
    date_col: str | None = None,
    id_col: str | None = None,
    title_col: str | None = None,
    outlet: str | None = None,
    format: str | None = None,
    encoding: str = "utf-8",
    metadata: str | Path | None = None,
    max_chars: int = MAX_CHARS,
) -> Corpus:
    """Read a corpus of news articles into the ``documents`` and ``skipped`` tables.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        A ``.csv``, ``.tsv``, ``.jsonl``/``.ndjson``, ``.json`` (array of objects) or ``.parquet``
        file; a folder of ``.txt`` files whose sub-folder names are the outlets (a ``metadata.csv``
        beside them, with a ``file`` column of relative paths, may add ``outlet``, ``date``,
        ``title`` or any other column); a folder of ``.json`` files (one object or array per
        file); or a DataFrame.
    text_col, outlet_col, date_col, id_col, title_col : str, optional
        Column names; auto-detected from common names when omitted.
    outlet : str, optional
        One outlet for every document (a single-outlet file).
    format : str, optional
        ``csv``, ``tsv``, ``jsonl``, ``json`` or ``parquet``, overriding the file extension.
    encoding : str, default "utf-8"
    metadata : path, optional
        Sidecar metadata CSV for a folder of ``.txt`` files (default ``metadata.csv`` in the folder).
    max_chars : int, default 1,000,000
        Longer texts are skipped with a reason.

    Returns
    -------
    Corpus
        ``documents`` and ``skipped`` DataFrames (columns in the module docstring).

    Raises
    ------
    CorpusError
        When the file cannot be read at all: missing text column (the message lists the columns
        found and the closest name), undecodable bytes (file, byte offset and line), bad CSV.

    Warns
    -----
    UnreadableDateWarning
        When documents were kept whose date could not be read (their ``date`` is NaT, and
        ``Corpus.unreadable_dates`` counts them): how many, and where the first are.
    """
    docs, skips = [], []
    notes = _DateNotes(ids=True)
    for d, s in _corpus_chunks(source, notes, text_col=text_col, outlet_col=outlet_col, date_col=date_col,
                               id_col=id_col, title_col=title_col, outlet=outlet, format=format, encoding=encoding,
                               metadata=metadata, max_chars=max_chars):
        docs.append(d)
        skips.append(s)
    documents = pd.concat(docs, ignore_index=True) if docs else _no_documents()
    skipped = pd.concat(skips, ignore_index=True) if skips else pd.DataFrame(columns=SKIPPED_COLUMNS)
    if "date" in documents:
        documents["date"] = pd.to_datetime(documents["date"])
    name = "DataFrame" if isinstance(source, pd.DataFrame) else str(source)
    notes.warn()
    return Corpus(documents, skipped, name,
                  unreadable_ids=source.unreadable_ids if isinstance(source, Corpus) else frozenset(notes.ids))
