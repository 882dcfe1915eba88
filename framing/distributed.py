"""Scoring beyond one machine with Dask: each file read and scored by the local engine's own code.

:func:`score_dask` lists the corpus files (a file, a folder searched recursively, or a glob
pattern), and has a Dask worker read and score each file with the code that ``framing score``
runs in one process: the same reader (:func:`framing.corpus.iter_corpus`, chunk by chunk) and the
same scoring of a chunk (:func:`framing.score._score_chunk`). The worker writes the file's tables
as Parquet parts, ``OUT/mentions/part-00000.parquet`` and so on for ``documents``, ``skipped`` and
``descriptors``, one part per file or piece of a file. Only counts, and each document's id and
location (about 90 bytes), come back to the client, so the corpus never has to fit on one machine.
``framing compare OUT`` then aggregates from the Parquet tables without reading any text.

A file's tables are those ``framing score FILE --output-format parquet`` writes, row for row: the
same documents, mentions, skipped rows with their locations (``c.jsonl:6``, ``c.csv row 6``) and
reasons, the same dtypes, and the same errors for a damaged or malformed file, naming its line or
row. (Dask's own readers, ``dask.dataframe.read_csv`` and ``read_json``, read differently: blocks cut
at raw newlines broke quoted texts, a file's later blocks took another file's header, integer ids
became "305.0" in blocks with a null, a bad line failed the whole run without naming it.) Documents
whose id repeats one of an earlier file are moved to ``skipped`` after the run, as the local engine
skips a repeated id ("duplicate doc_id 'A', first seen at a.jsonl:1"). Files of no corpus format
(a README beside the data) are rows of ``skipped``, and so are links to nothing and folders that
cannot be read; hidden files and names starting with ``_`` (``_SUCCESS``, ``_metadata``,
``_temporary/``) are not read, nor is the output folder. Files are named by their absolute paths
(the workers of a cluster may run in other folders). A run that fails leaves no parts behind.

A large file is read in pieces, each by a worker (:func:`file_pieces`): a Parquet file by its row
groups, a JSON Lines file by its lines, whose starts and line numbers the client finds by reading
the file once (at about 1 GB/s), so that every row is located as in the whole file. Ids repeated
in an earlier piece are skipped afterwards, as those of an earlier file. CSV, TSV and JSON files
are read whole, a file to a worker (a quoted CSV field may hold line breaks).

Point it at a real cluster with ``scheduler="tcp://host:8786"`` (``--scheduler`` on the command
line): a ``dask-jobqueue`` cluster on a batch system or a Kubernetes Dask cluster both give such an
address. Each worker needs framing installed, read access to the corpus files and write access to
``OUT`` (a shared file system), and so does the client.
"""

from __future__ import annotations

import glob
import itertools
import os
import re
import warnings
from pathlib import Path

import pandas as pd

from .corpus import (CHUNK_ROWS, SKIPPED_COLUMNS, TABULAR, FilePiece, _corpus_chunks, _DateNotes, _file_stamp,
                     _folder_files, _no_documents, _read_settings, _sample_roles, _splits_on_newline, _start_of_file,
                     check_chunk_rows)
from .errors import CorpusError, FramingError, FramingWarning
from .outputs import ChunkWriter
from .score import _score_chunk, compile_lexicons

__all__ = ["score_dask", "corpus_files"]

TABLES = ("mentions", "documents", "skipped", "descriptors")


def corpus_files(source, format: str | None = None, exclude: Path | None = None
                 ) -> tuple[list[Path], list[tuple[str, str, str]]]:
    """The files the dask engine reads for ``source``, in order, and a skipped row for each other file.

    Parameters
    ----------
    source : str or Path
        A corpus file; a folder, whose files are read recursively in the order of their paths
        (hidden files and files whose name starts with ``_``, such as ``_SUCCESS``, are left out);
        or a glob pattern such as ``"data/*.jsonl"`` (``**`` reaches into sub-folders).
    format : str, optional
        The format of every file (``csv``, ``tsv``, ``jsonl``, ``json`` or ``parquet``); by default
        each file's own from its suffix.
    exclude : Path, optional
        A folder whose files are not read (the output folder, when it lies inside the corpus).

    Returns
    -------
    files : list of Path
        The files to read.
    skipped : list of tuple
        ``(file, "", reason)`` for each file of a folder or pattern whose suffix is no corpus format.

    Raises
    ------
    CorpusError
        When ``source`` does not exist, or holds no file to read.
    """
    files, walk, other = _listing(source, format, exclude)
    return files, walk + other


def _listing(source, format: str | None, exclude: Path | None):
    """:func:`corpus_files`, its skipped rows apart: ``(files, walk, other)``, where ``walk`` holds
    the links to nothing and folders that could not be read (which the local engine puts before the
    documents of a folder) and ``other`` the files of no corpus format (in the order of the paths)."""
    path = Path(source)
    skipped: list[tuple[str, str, str]] = []
    if path.is_file():
        found = [path]
    elif path.is_dir():  # (the local engine's walk of a folder: links followed once, a link to nothing and a
        # folder that cannot be read are skipped rows; in the order of the paths' parts, as it reads)
        found = [p for p in _folder_files(path, skipped) if not _hidden(p.relative_to(path))]
    elif glob.has_magic(str(source)):
        base = Path(*[part for part in itertools.takewhile(lambda x: not glob.has_magic(x), path.parts)] or ["."])
        found = sorted((Path(p) for p in glob.glob(str(source), recursive=True)
                        if Path(p).is_file() and not _hidden(Path(p).relative_to(base))), key=lambda p: p.parts)
    else:
        raise CorpusError(f"{source}: no such file or folder")
    if exclude is not None:
        gone = Path(exclude).resolve()
        found = [p for p in found if not p.resolve().is_relative_to(gone)]
    files, other = [], []
    for p in found:
        if format is not None or p.suffix.lower() in TABULAR or p == path:
            files.append(p)
        else:
            other.append((str(p), "", f"not a corpus file (suffix '{p.suffix}'): the dask engine reads .csv, "
                                      ".tsv, .jsonl, .json and .parquet files; pass --format to read it as one"))
    if not files:
        raise CorpusError(f"{source}: no corpus file found (.csv, .tsv, .jsonl, .json or .parquet)")
    return files, skipped, other


def _hidden(rel: Path) -> bool:
    return any(part.startswith((".", "_")) for part in rel.parts)


#: Bytes of a file (Parquet: of its row groups, uncompressed) above which it is cut into pieces
PIECE_BYTES = 64 << 20
_SCAN = 8 << 20  # bytes read at a time to find where the pieces of a JSON Lines file start


def file_pieces(path: Path, fmt: str | None, options: dict, piece_bytes: int = PIECE_BYTES) -> list[FilePiece | None]:
    """The pieces in which a worker each reads a file: its row groups for a Parquet file, its lines
    for a JSON Lines file (found here, on the client, with the line each piece starts on, so that
    its rows are located as in the whole file: a read of the file at about 1 GB/s), about
    ``piece_bytes`` each; ``[None]`` for a file read whole (a smaller one, another format, an
    encoding that cannot be cut at newlines, or a file whose first records cannot be read here: its
    worker then gives the local engine's error)."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            meta = pq.ParquetFile(path).metadata
        except Exception:  # (the worker's reader names the fault)
            return [None]
        pieces, start, size = [], 0, 0
        for g in range(meta.num_row_groups):
            size += meta.row_group(g).total_byte_size
            if size >= piece_bytes:
                pieces.append(FilePiece("parquet", start, g + 1))
                start, size = g + 1, 0
        if start < meta.num_row_groups:
            pieces.append(FilePiece("parquet", start, meta.num_row_groups))
        return pieces if len(pieces) > 1 else [None]
    encoding = options.get("encoding") or "utf-8"
    if fmt != "jsonl" or not _splits_on_newline(encoding) or path.stat().st_size <= piece_bytes:
        return [None]
    columns, _ = _read_settings(options)
    try:
        roles = _sample_roles(path, encoding, columns)
    except CorpusError:
        return [None]  # (no text column, say: the worker raises it, as the local engine does)
    with open(path, "rb") as f:
        st, stamp, first = _start_of_file(f, encoding)
        cuts, lines = [first], [1]  # where each piece starts, and its line
        base, line, target = first, 1, first + piece_bytes  # (line: that of byte base + done)
        while True:
            buf = f.read(_SCAN)
            if not buf:
                break
            done = 0  # (newlines counted up to here: each byte once, whatever the pieces' size)
            while target - 1 < base + len(buf):
                j = buf.find(b"\n", max(target - 1 - base, done))
                if j < 0:
                    break
                line += buf.count(b"\n", done, j + 1)
                done = j + 1
                cuts.append(base + done)
                lines.append(line)
                target = cuts[-1] + piece_bytes
            line += buf.count(b"\n", done)
            base += len(buf)
        if _file_stamp(os.fstat(f.fileno())) != stamp or base != st.st_size:
            raise CorpusError(f"{path}: the file changed while it was read; read it again once it is complete")
    if cuts[-1] < base:
        cuts.append(base)
    else:
        lines.pop()
    if len(cuts) <= 2:
        return [None]
    return [FilePiece("jsonl", a, b, n, roles, stamp) for a, b, n in zip(cuts, cuts[1:], lines)]


def _score_file(index: int, path: str, matcher, options: dict, sentences: bool, voice: bool, out: str,
                chunk_rows: int, piece: FilePiece | None = None, first: pd.DataFrame | None = None) -> dict:
    """Worker side: read and score one file (or one ``piece`` of it) as the local engine does,
    writing its tables as parts ``part-<index>.parquet``; returns the counts, and the ids of its
    documents with where each was read and whether it was given (for ids repeated across files and
    pieces), its unreadable dates and framing's warnings (which would otherwise stay in the worker's
    log). A file that cannot be read returns its error (``error``), which the client raises: raised
    here, distributed would log it with a traceback on the worker first."""
    trace: list[tuple[list[str], list[bool]]] = []
    # (``first``: the documents columns and dtypes of the file's first chunk, for a piece of a file)
    writers = {name: ChunkWriter(Path(out) / name / f"part-{index:05d}.parquet", "parquet",
                                 first if name == "documents" else None) for name in TABLES}
    result = {"index": index, "read": 0, "scored": 0, "skipped": 0, "mentions": 0, "doc_ids": [], "locations": [],
              "given": [], "bad_dates": [], "warnings": [], "error": None}
    found: list[tuple[str, str, str]] = []
    chunks = 0
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FramingWarning)
            for docs, skipped in _corpus_chunks(path, _Found(found), trace=trace, chunk_rows=chunk_rows, piece=piece,
                                                **options):
                locs, given = trace.pop()
                d, m, desc = _score_chunk(docs, matcher, sentences, voice, keep_text=False)
                for name, table in zip(TABLES, (m, d, skipped, desc)):
                    writers[name].write(table)
                chunks += 1
                result["read"] += len(d) + len(skipped)
                result["scored"] += len(d)
                result["skipped"] += len(skipped)
                result["mentions"] += len(m)
                result["doc_ids"] += d["doc_id"].tolist()
                result["locations"] += locs
                result["given"] += given
            if not chunks:  # (no chunk at all: the tables of no documents, as the local engine writes)
                d, m, desc = _score_chunk(_no_documents(), matcher, sentences, voice, keep_text=False)
                for name, table in zip(TABLES, (m, d, pd.DataFrame(columns=SKIPPED_COLUMNS), desc)):
                    writers[name].write(table)
        # (a column left out of a part: named by the corpus file, not the part)
        result["warnings"] = [(w.category, f"{path}: " + re.sub(r"^part-\d+\.parquet: ", "", str(w.message)))
                              for w in caught if issubclass(w.category, FramingWarning)]
    except (FramingError, OSError) as err:  # (the input's fault, or the file system's)
        result["error"] = err
    finally:
        for w in writers.values():
            w.close()
    result["bad_dates"] = found
    return result


class _Found(_DateNotes):
    """A :class:`~framing.corpus._DateNotes` that keeps every unreadable date found (``(location,
    date as written, doc_id)``), for the client, which drops those of documents skipped later."""

    def __init__(self, found: list) -> None:
        super().__init__()
        self.found = found

    def add(self, found: list[tuple[str, str, str]]) -> None:
        self.found.extend(found)


def score_dask(source, lexicons, *, out, scheduler: str | None = None, format: str | None = None,
               encoding: str = "utf-8", chunk_rows: int = CHUNK_ROWS, sentences: bool = True, voice: bool = True,
               text_col: str | None = None, outlet_col: str | None = None, date_col: str | None = None,
               id_col: str | None = None, title_col: str | None = None, outlet: str | None = None,
               max_chars: int = 1_000_000, client=None, piece_bytes: int = PIECE_BYTES) -> dict:
    """Score a corpus of many files on a Dask cluster and write partitioned Parquet tables.

    Parameters
    ----------
    source : str or Path
        A corpus file (CSV, TSV, JSON Lines, JSON or Parquet), a folder of such files (read
        recursively) or a glob pattern: see :func:`corpus_files`.
    lexicons
        As in :func:`framing.score`.
    out : str or Path
        Output folder: ``mentions/``, ``documents/``, ``skipped/``, ``descriptors/``, each of Parquet
        parts, one per file read (``part-00000.parquet`` ...), in the order of the files.
    scheduler : str, optional
        Address of a running Dask scheduler; by default a local cluster with one worker per core.
    format, encoding, text_col, outlet_col, date_col, id_col, title_col, outlet, max_chars
        As in :func:`framing.read_corpus`, for every file.
    chunk_rows : int, default 500
        Documents a worker reads and scores at a time (its memory is set by one chunk).
    client : distributed.Client, optional
        An existing client (tests pass one on a ``LocalCluster``).
    piece_bytes : int, default 64 MiB
        A Parquet file of more row groups than this holds (uncompressed), or a JSON Lines file of more
        bytes, is read in pieces of about this size, each by a worker of its own
        (:func:`file_pieces`); other files are read whole.

    Returns
    -------
    dict
        ``read``, ``scored``, ``skipped``, ``mentions`` (after the ids repeated across files are
        skipped), ``files`` (the files read), ``pieces`` (the tasks they were read in) and
        ``unreadable_dates`` (documents scored with no date
        because theirs could not be read; also warned as
        :class:`~framing.errors.UnreadableDateWarning`).

    Raises
    ------
    CorpusError
        As the local engine raises it for a file that cannot be read, naming the file and its line,
        row or row group.
    """
    notes = _DateNotes()
    total = _score_dask(source, lexicons, notes, out=out, scheduler=scheduler, format=format, encoding=encoding,
                        chunk_rows=chunk_rows, sentences=sentences, voice=voice, text_col=text_col,
                        outlet_col=outlet_col, date_col=date_col, id_col=id_col, title_col=title_col, outlet=outlet,
                        max_chars=max_chars, client=client, piece_bytes=piece_bytes)
    notes.warn()
    return total


def _score_dask(source, lexicons, notes: _DateNotes, *, out, scheduler, format, encoding, chunk_rows, sentences,
                voice, text_col, outlet_col, date_col, id_col, title_col, outlet, max_chars, client,
                piece_bytes: int = PIECE_BYTES) -> dict:
    """:func:`score_dask`, whose documents scored with an unreadable date are added to ``notes``
    (the command line writes its manifest before it warns)."""
    from distributed import Client

    check_chunk_rows(chunk_rows)
    matcher = compile_lexicons(lexicons)
    # (absolute paths: the workers of a cluster run in folders of their own; rows are then located
    # by their files' absolute paths)
    out = Path(out).absolute()
    files, walk, other = _listing(Path(source).absolute(), format, out)
    options = dict(format=format, encoding=encoding or "utf-8", text_col=text_col, outlet_col=outlet_col,
                   date_col=date_col, id_col=id_col, title_col=title_col, outlet=outlet, max_chars=max_chars)
    for name in TABLES:  # (on the client: a file where a folder goes fails here, once, naming it)
        folder = out / name
        if folder.exists() and not folder.is_dir():
            raise FramingError(f"{folder}: exists and is not a folder; remove it or pass another --out")
        folder.mkdir(parents=True, exist_ok=True)
        # (a folder never mixes two runs, nor with the local engine's tables, which would be read first)
        for old in [*folder.glob("part-*.parquet"), out / f"{name}.csv", out / f"{name}.parquet"]:
            old.unlink(missing_ok=True)
    # the pieces of the files, and the other files, numbered in path order: parts in input order
    units: list[tuple[str, Path | None, FilePiece | None, pd.DataFrame | None]] = [(s[0], None, None, None)
                                                                                 for s in other]
    for p in files:
        fmt = format or TABULAR.get(p.suffix.lower())
        pieces = file_pieces(p, fmt, options, piece_bytes)
        first = _first_documents(p, options, chunk_rows, matcher, sentences, voice) if len(pieces) > 1 else None
        if first is None:  # (a file read whole, or whose first chunk does not read: its worker says why)
            pieces = [None]
        # (the first piece too: its own first chunk is shorter than the file's when the piece is; helper-54)
        units += [(str(p), p, piece, first) for piece in pieces]
    units.sort(key=lambda u: Path(u[0]).absolute().parts)  # (stable: a file's pieces stay in order)
    units[:0] = [(s[0], None, None, None) for s in walk]  # (first, as the local engine's folder reader puts them)
    other += walk
    own_client = None
    if client is None:
        own_client = client = Client(scheduler) if scheduler else Client(processes=True)
    try:
        # (hash=False: a key of its own for each run; with the key of its contents, a run after one
        # that failed and cancelled its tasks found the lexicons released)
        shared = client.scatter(matcher, broadcast=True, hash=False)
        futures = [client.submit(_score_file, i, str(p), shared, options, sentences, voice, str(out), chunk_rows,
                                 piece, first, pure=False) for i, (_, p, piece, first) in enumerate(units)
                   if p is not None]
        try:
            results = client.gather(futures)
        except BaseException:  # (framing's own fault, or an interrupt: the other tasks stop too)
            client.cancel(futures)
            _remove_parts(out)
            raise
    finally:
        if own_client is not None:
            own_client.close()
    failed = next((r["error"] for r in results if r["error"] is not None), None)
    if failed is not None:  # (the first file in order that could not be read; no partial tables left)
        _remove_parts(out)
        raise failed
    for category, message in dict.fromkeys(w for r in results for w in r["warnings"]):  # (once each)
        warnings.warn(category(message), stacklevel=3)
    rows = {s[0]: s for s in other}
    for i, (key, p, _, _) in enumerate(units):
        if p is None:
            _write_part(pd.DataFrame([rows[key]], columns=SKIPPED_COLUMNS), out / "skipped" / f"part-{i:05d}.parquet")
    _skip_repeats(out, results)
    total = {k: sum(r[k] for r in results) for k in ("read", "scored", "skipped", "mentions")}
    total["read"] += len(other)
    total["skipped"] += len(other)
    total["files"] = len(files)
    total["pieces"] = len(results)
    for r in results:
        dropped = r.get("dropped", ())
        notes.add([(loc, v, d) for loc, v, d in r["bad_dates"] if d not in dropped])
    total["unreadable_dates"] = notes.count
    return total


def _first_documents(path: Path, options: dict, chunk_rows: int, matcher, sentences: bool, voice: bool
                     ) -> pd.DataFrame | None:
    """The documents table of the file's first chunk, without rows: its columns and dtypes, which
    the local engine's writer keeps for the whole file (a column that first appears later is left
    out, with a warning), and so the workers of its pieces (helper-53). None where that chunk cannot
    be read here."""
    chunks = _corpus_chunks(str(path), _DateNotes(), chunk_rows=chunk_rows, **options)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            docs, _ = next(chunks, (None, None))
    except (FramingError, OSError):
        return None
    finally:
        chunks.close()
    return None if docs is None else _score_chunk(docs.iloc[:0], matcher, sentences, voice, keep_text=False)[0]


def _remove_parts(out: Path) -> None:
    """The parts of a run that failed: none is left for ``framing compare`` to read as a whole."""
    for name in TABLES:
        for part in (out / name).glob("part-*.parquet"):
            part.unlink(missing_ok=True)


def _write_part(table: pd.DataFrame, path: Path) -> None:
    with ChunkWriter(path, "parquet") as w:
        w.write(table)


_LAST_NUMBER = re.compile(r"(\d+)$")


def _line_of(location: str) -> int:
    """The line or row number that ends a location (``c.jsonl:6``, ``c.csv row 6``): skipped rows in order."""
    m = _LAST_NUMBER.search(location)
    return int(m.group(1)) if m else 0


def _skip_repeats(out: Path, results: list[dict]) -> None:
    """Documents whose id repeats one of an earlier file go to ``skipped``, with the local engine's
    reason, in line order among the file's other skipped rows; their rows leave the other tables.
    (Repeats within a file were skipped as it was read.)"""
    seen: dict[str, str] = {}
    for r in sorted(results, key=lambda r: r["index"]):
        ids, locs, given = r["doc_ids"], r["locations"], r["given"]
        repeats = [k for k, d in enumerate(ids) if d in seen]
        if repeats:
            rows = []
            for k in repeats:
                what = "doc_id" if given[k] else "document (same outlet, title and text)"
                rows.append((locs[k], ids[k], f"duplicate {what} '{ids[k]}', first seen at {seen[ids[k]]}"))
            bad = {ids[k] for k in repeats}
            paths = {name: out / name / f"part-{r['index']:05d}.parquet" for name in TABLES}
            tables = {name: pd.read_parquet(p) for name, p in paths.items()}
            removed = int(tables["mentions"]["doc_id"].isin(bad).sum())
            for name in ("mentions", "documents", "descriptors"):
                tables[name] = tables[name][~tables[name]["doc_id"].isin(bad)]
            # a repeat within this part of an id now skipped named that id's first row here: it is
            # the earlier part's row that comes first now
            old = tables["skipped"]
            moved = old["doc_id"].isin(bad) & old["reason"].astype(str).str.startswith("duplicate ")
            if moved.any():
                old = old.copy()
                old.loc[moved, "reason"] = [r.rpartition(", first seen at ")[0] + f", first seen at {seen[d]}"
                                            for r, d in zip(old.loc[moved, "reason"], old.loc[moved, "doc_id"])]
            skipped = pd.concat([old, pd.DataFrame(rows, columns=SKIPPED_COLUMNS)], ignore_index=True)
            order = sorted(range(len(skipped)), key=lambda i: _line_of(str(skipped["source"].iat[i])))
            tables["skipped"] = skipped.iloc[order]
            for name, table in tables.items():
                _write_part(table.reset_index(drop=True), paths[name])
            r["scored"] -= len(repeats)
            r["skipped"] += len(repeats)
            r["mentions"] -= removed
            r["dropped"] = bad
        for k, d in enumerate(ids):
            seen.setdefault(d, locs[k])
