"""CSV and TSV files cut into byte ranges at record ends, which worker processes read themselves.

With ``--jobs`` the main process used to read every chunk of a CSV file with pandas (0.35-0.4 s of
the 1.0-1.1 s that one process takes to score 20 MB) and pickle the rows to a worker, so two
processes reached only 1.2-1.5x one. Here the main process only finds where records end (about
25 ms per 20 MB) and sends ``(start, stop)`` byte offsets; each worker reads its range from the
file and parses it with pandas itself.

A record may not end at every newline, since a quoted field may hold one, so :func:`record_ends`
follows the quoting as pandas' C tokenizer does with the options :func:`framing.read_corpus` uses
(``"`` quotes, doubled inside a quoted field; a quote opens a quoted field only as a field's first
character, and is an ordinary character anywhere else; ``\\n``, ``\\r\\n`` and a lone ``\\r`` end a
record outside quotes). A range is parsed as the whole file would parse those lines: the first
range (with the header) with ``header=0``, later ones with the header's column names. Anything a
range cannot be sure of is not guessed at:

- the file's first rows must read with a plain row index (a data row with more fields than the
  header makes pandas take the first column as the index), and the encoding must be one in which
  a quote, a separator and a line break are single bytes that no other character contains (UTF-8
  and the single-byte code pages); otherwise :func:`csv_plan` returns None and the main process
  reads the file as before;
- a range that does not decode, does not parse, parses with a row index or a width other than the
  header's, or holds what pandas reads differently by where its buffers end (see
  :meth:`RangeParser.read`) raises :class:`IrregularRange`, and so does a record of tens of
  megabytes; the caller then reads the rest of the file in order, from the start, as one process
  does (:meth:`RangeParser.read_on`): the same rows, or the error one process gives, naming its
  line.

Row numbers (``file row N`` in ``skipped``) are counted by the main process as ranges come back
in order (``framing.corpus._Parsed.renumbered``): a worker does not know how many rows come before
its range.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .corpus import ColumnMap, CorpusError, _DecodingReader, _no_repeated_names, _Parsed, _raw_csv, _Standardiser

__all__: list[str] = []

_QUOTE, _CR, _LF = 0x22, 0x0D, 0x0A
_BOM = b"\xef\xbb\xbf"
_BLOCK = 8 << 20  # bytes the main process reads at a time to find record ends
_LONGEST = 32 << 20  # bytes without a place to cut after which the rest of the file is read in order
# pandas' C parser reads its input in buffers of this many characters, and two of its readings
# depend on where their edges fall (see RangeParser.read)
_PANDAS_BUFFER = 262_144


def record_ends(data: bytes, sep: bytes, every: int, eof: bool, header: bool = False,
                indented: list | None = None) -> list[int]:
    """Offsets in ``data`` just after every ``every``-th record end (``data`` starts at a record's
    start), as pandas' C tokenizer reads CSV with ``"`` quotes (see the module docstring).

    Parameters
    ----------
    data : bytes
    sep : bytes
        The one-byte field separator.
    every : int
        Records per range (blank lines count: this only sizes the ranges).
    eof : bool
        Whether ``data`` ends the file; if not, a record end that the next bytes could change
        (a ``\\r`` at the very end, a run of quotes reaching the end) is not reported.
    indented : list, optional
        Gets the offset of every record that starts with spaces or tabs and then a quote (pandas
        reads those by where its buffers end; a line of a quoted text does not count).
    header : bool
        ``data`` starts the file: no offset is reported before the ends of the header and the first
        row, that is of two records with a character other than spaces and tabs (pandas skips blank
        lines, and reads the first row after the header to decide whether the first column is a
        row index: so the first range gives those rows as the whole file does).

    Notes
    -----
    Written here rather than with ``csv.Sniffer``/``csv.reader``: Python's csv module ends a
    quoted field at its closing quote and so disagrees with pandas on text after it (``"a"b``);
    the offsets must be those pandas' tokenizer would reach. The loop visits fields and runs of
    quotes, not characters (``bytes.find`` and one compiled search do the scanning in C).
    """
    special = re.compile(b"[" + re.escape(sep) + b"\r\n]")
    search, find, n = special.search, data.find, len(data)
    sep_byte = sep[0]
    out: list[int] = []
    pos = record = records = 0
    before = 2 if header else 0  # (records that must be in the first range: the header and the first row)
    if header and data.startswith(_BOM):  # (the header's first field starts after it: it may be quoted)
        pos = record = len(_BOM)
    if indented is not None:
        _indented(data, pos, n, indented, eof)
    while pos < n:
        if data[pos] == _QUOTE:  # a quoted field: it ends at a run of an odd number of quotes
            q = pos + 1
            while True:
                q = find(b'"', q)
                if q < 0:
                    return out  # (open to the end: pandas fails there, in the range that holds it)
                r = q + 1
                while r < n and data[r] == _QUOTE:
                    r += 1
                if r == n and not eof:
                    return out
                if (r - q) & 1:
                    break
                q = r
            pos = r  # (any text after the closing quote belongs to the field, quotes included)
        m = search(data, pos)
        if m is None:
            return out
        pos = m.end()
        if data[pos - 1] == sep_byte:
            continue
        if data[pos - 1] == _CR:
            if pos == n and not eof:
                return out
            if pos < n and data[pos] == _LF:
                pos += 1
        if before:
            before -= bool(data[record:pos].strip(b" \t\r\n"))
            record = pos
        if indented is not None and pos < n and data[pos] in _BLANKS:
            _indented(data, pos, n, indented, eof)
        records += 1
        if (records >= every and not before and data[pos - 1] == _LF and (eof or pos + 3 <= n)
                and data[pos:pos + 3] != _BOM):
            # Only after a line feed: pandas' tokenizer reads what follows a lone carriage return
            # that ends a blank line otherwise than the start of a text ("\r,," gives two fields).
            # Not before a byte-order mark, which pandas drops at the start of what it reads.
            out.append(pos)
            records = 0
    return out


_BLANKS = b" \t"


def _indented(data: bytes, pos: int, n: int, out: list, eof: bool) -> None:
    """Adds ``pos`` to ``out`` if the record there starts with spaces or tabs and then a quote (or
    with spaces that reach the end of ``data`` short of the file's end: the next bytes may)."""
    j = pos
    while j < n and data[j] in _BLANKS:
        j += 1
    if j > pos and (data[j] == _QUOTE if j < n else not eof):
        out.append(pos)


@dataclass(frozen=True)
class ByteRange:
    """Bytes ``start:stop`` of a CSV or TSV file: whole records; ``start`` 0 holds the header."""

    start: int
    stop: int


class IrregularRange(Exception):
    """A range that did not read as that part of the whole file would (see the module docstring)."""


def byte_ranges(path: Path, sep: bytes, every: int, block: int = _BLOCK,
                longest: int = _LONGEST) -> Iterator[ByteRange]:
    """The file's ranges of about ``every`` records each, found ``block`` bytes at a time.

    Raises :class:`IrregularRange` (after the ranges before it) where ``longest`` bytes hold no
    place to cut (a record of tens of megabytes): its bytes would be scanned again with every block
    read and held in memory, so the rest of the file is left to be read in order (``read_on``).
    """
    with open(path, "rb") as f:
        buf, base, start, eof = b"", 0, 0, False
        while not eof:
            data = f.read(block)
            eof = not data
            buf += data
            indented: list[int] = []  # (records pandas reads by where its buffers end: read in order)
            for cut in record_ends(buf, sep, every, eof, header=base == 0, indented=indented):
                if indented and indented[0] < cut:
                    raise IrregularRange(f"{path} byte {base + indented[0]}: {_INDENTED}")
                yield ByteRange(start, base + cut)
                start = base + cut
            if eof and indented and base + indented[-1] >= start:
                raise IrregularRange(f"{path} byte {base + indented[-1]}: {_INDENTED}")
            buf = buf[start - base:]
            base = start
            if len(buf) > longest and not eof:
                raise IrregularRange(f"{path} bytes {start}-: no record ends in {longest:,} bytes")
        if buf or start == 0:  # (the last records; a file of a header alone is one range)
            yield ByteRange(start, base + len(buf))


_INDENTED = "a record that starts with spaces and then a quote"


def _decoders(encoding: str) -> tuple[str, str] | None:
    """The codecs for the first range and the others, where ranges can be cut at bytes (UTF-8 and
    single-byte code pages); None for other encodings (UTF-16, Shift JIS ...)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    if name == "utf-8":  # (a byte-order mark is dropped at the start of the file, as _DecodingReader does)
        return "utf-8-sig", "utf-8"
    if name in ("ascii", "latin-1", "iso8859-1") or name.startswith(("cp125", "iso8859-")):
        return name, name
    return None


class RangeParser:
    """Reads a :class:`ByteRange` of a CSV or TSV file and checks its rows into a
    :class:`~framing.corpus._Parsed` numbered from 1 (the main process renumbers it)."""

    cut = False  # (texts are str: nothing is left in bytes, as a JSON Lines block's may be)
    frame = None  # (nothing is kept in memory for the workers: they read the file)
    documents = False

    def __init__(self, path: Path, sep: str, encoding: str, header: list, columns: ColumnMap, max_chars: int,
                 roles: dict) -> None:
        self.path, self.sep, self.encoding, self.header = path, sep, encoding, header
        self.columns, self.max_chars, self.roles = columns, max_chars, roles
        self.prefix = f"{path} row "

    def read(self, rng: ByteRange) -> pd.DataFrame:
        """The range's rows, as the whole file read in order gives them."""
        first, later = _decoders(self.encoding)
        with open(self.path, "rb") as f:
            f.seek(rng.start)
            data = f.read(rng.stop - rng.start)
        where = f"{self.path} bytes {rng.start}-{rng.stop}"
        try:
            text = data.decode(first if rng.start == 0 else later)
        except UnicodeDecodeError as err:
            raise IrregularRange(f"{where}: {err}") from None
        # Two readings of pandas' tokenizer depend on where its 262,144-character buffers end, which
        # differ between the whole file and a range (helper-42): spaces that start a line and end a
        # buffer are dropped when the next buffer starts with a quote (which then opens a quoted
        # field: byte_ranges stops at such records), and a U+FEFF that starts a buffer is dropped
        # while the first record is unfinished. A range where that could happen is read in order.
        if rng.start and "\ufeff" in text and len(text) > _PANDAS_BUFFER:
            ends = record_ends(data, self.sep.encode(), 1, True)
            if not ends or ends[0] > _PANDAS_BUFFER:
                raise IrregularRange(f"{where}: a U+FEFF and a first record longer than pandas' buffer")
        try:
            options = dict(header=0) if rng.start == 0 else dict(header=None, names=self.header)
            raw = pd.read_csv(io.StringIO(text), sep=self.sep, dtype=str, keep_default_na=False, **options)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            raise IrregularRange(f"{where}: {err}") from None
        if not isinstance(raw.index, pd.RangeIndex) or list(raw.columns) != list(self.header):
            raise IrregularRange(f"{where}: rows with more fields than the header")
        return raw

    def __call__(self, rng: ByteRange) -> _Parsed:
        return self.check(self.read(rng))

    def check(self, raw: pd.DataFrame, before: int = 0) -> _Parsed:
        """Rows read from the file, checked, numbered from ``before`` + 1."""
        std = _Standardiser(self.columns, self.max_chars, str(self.path), roles=self.roles)
        lines = list(range(before + 1, before + len(raw) + 1))
        docs, skipped = std(raw, [f"{self.prefix}{n}" for n in lines])
        parsed = _Parsed.of(std, docs, skipped, lines, [])
        parsed.records = len(raw)
        return parsed

    def read_on(self, before: int, chunk_rows: int) -> Iterator[_Parsed]:
        """The file's rows after the first ``before``, read in order as one process reads it (so
        pandas' buffers end where they do for one process), checked: what follows a range that
        could not be read on its own. A file that does not read raises one process's error, which
        names its line."""
        for raw, first in self.rows_on(before, chunk_rows):
            yield self.check(raw, first)

    def rows_on(self, before: int, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, int]]:
        """``(rows, rows before them)`` of the file after the first ``before``, read in order."""
        row = 0
        for raw, _ in _raw_csv(self.path, self.sep, self.encoding, chunk_rows):
            if row + len(raw) > before:
                yield raw.iloc[max(before - row, 0):].reset_index(drop=True), max(before, row)
            row += len(raw)


def csv_plan(path: Path, fmt: str, encoding: str, every: int, columns: ColumnMap,
             max_chars: int) -> tuple[Iterator[ByteRange], RangeParser] | None:
    """``(ranges, parse)`` for a CSV or TSV file whose ranges workers can read themselves, or None
    (see the module docstring): the main process then reads it in chunks as before."""
    sep = "\t" if fmt == "tsv" else ","
    if _decoders(encoding) is None or path.stat().st_size == 0:
        return None
    stream = _DecodingReader(path, encoding)
    try:
        head = pd.read_csv(stream, sep=sep, dtype=str, keep_default_na=False, nrows=2)
    except (CorpusError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None  # (read in order, which reports the problem as it always has)
    finally:
        stream.close()
    if not isinstance(head.index, pd.RangeIndex):
        return None  # (read in order, which refuses it)
    _no_repeated_names(path, head.columns, sep, encoding)
    header = list(head.columns)
    roles = columns.resolve(header, str(path))
    return (byte_ranges(path, sep.encode(), every),
            RangeParser(path, sep, encoding, header, columns, max_chars, roles))
