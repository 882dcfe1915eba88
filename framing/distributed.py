"""Scoring beyond one machine with Dask: each file read and scored by the local engine's own code.

:func:`score_dask` lists the corpus files (a file, a folder searched recursively, or a glob
pattern), and has a Dask worker read and score each file with the code that ``framing score``
runs in one process: the same reader (:func:`framing.corpus.iter_corpus`, chunk by chunk) and the
same scoring of a chunk (:func:`framing.score._score_chunk`). The worker writes the file's tables
as Parquet parts, ``OUT/mentions/part-00000.parquet`` and so on for ``documents``, ``skipped`` and
``descriptors``, one part per file. Only small counts and the ids with their locations come back
to the client, so the corpus never has to fit on one machine. ``framing compare OUT`` then
aggregates from the Parquet tables without reading any text.

A file's tables are those ``framing score FILE --output-format parquet`` writes, row for row: the
same documents, mentions, skipped rows with their locations (``c.jsonl:6``, ``c.csv row 6``) and
reasons, the same dtypes, and the same errors for a damaged or malformed file, naming its line or
row. (Dask's own readers, ``dask.dataframe.read_csv`` and ``read_json``, read differently: blocks cut
at raw newlines broke quoted texts, a file's later blocks took another file's header, integer ids
became "305.0" in blocks with a null, a bad line failed the whole run without naming it.) Documents
whose id repeats one of an earlier file are moved to ``skipped`` after the run, as the local engine
skips a repeated id ("duplicate doc_id 'A', first seen at a.jsonl:1"). Files of no corpus format
(a README beside the data) are rows of ``skipped``; hidden files and names starting with ``_``
(``_SUCCESS``, ``_metadata``) are not read.

A file is one task: the work spreads over files, so split a single large file into several (for
JSON Lines, ``split -l``) to use more workers than there are files.

Point it at a real cluster with ``scheduler="tcp://host:8786"`` (``--scheduler`` on the command
line): a ``dask-jobqueue`` cluster on a batch system or a Kubernetes Dask cluster both give such an
address. Each worker needs framing installed, read access to the corpus files and write access to
``OUT`` (a shared file system).
"""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pandas as pd

from .corpus import CHUNK_ROWS, SKIPPED_COLUMNS, TABULAR, _corpus_chunks, _DateNotes, check_chunk_rows
from .errors import CorpusError, FramingError
from .score import _no_documents, _score_chunk, compile_lexicons

__all__ = ["score_dask", "corpus_files"]

TABLES = ("mentions", "documents", "skipped", "descriptors")


def corpus_files(source, format: str | None = None) -> tuple[list[Path], list[tuple[str, str, str]]]:
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
    path = Path(source)
    if path.is_file():
        found = [path]
    elif path.is_dir():
        found = sorted((p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path))),
                       key=lambda p: p.relative_to(path).as_posix())
    elif any(c in str(source) for c in "*?["):
        found = [Path(p) for p in sorted(glob.glob(str(source), recursive=True)) if Path(p).is_file()]
    else:
        raise CorpusError(f"{source}: no such file or folder")
    files, skipped = [], []
    for p in found:
        if format is not None or p.suffix.lower() in TABULAR or p == path:
            files.append(p)
        else:
            skipped.append((str(p), "", f"not a corpus file (suffix '{p.suffix}'): the dask engine reads .csv, "
                                        ".tsv, .jsonl, .json and .parquet files; pass --format to read it as one"))
    if not files:
        raise CorpusError(f"{source}: no corpus file found (.csv, .tsv, .jsonl, .json or .parquet)")
    return files, skipped


def _hidden(rel: Path) -> bool:
    return any(part.startswith((".", "_")) for part in rel.parts)


def _score_file(index: int, path: str, matcher, options: dict, sentences: bool, voice: bool, out: str,
                chunk_rows: int) -> dict:
    """Worker side: read and score one file as the local engine does, writing its tables as parts
    ``part-<index>.parquet``; returns the counts, and the ids of its documents with where each was
    read and whether it was given (for ids repeated across files) and its unreadable dates."""
    from .outputs import ChunkWriter

    trace: list[tuple[list[str], list[bool]]] = []
    writers = {name: ChunkWriter(Path(out) / name / f"part-{index:05d}.parquet", "parquet") for name in TABLES}
    result = {"index": index, "read": 0, "scored": 0, "skipped": 0, "mentions": 0, "doc_ids": [], "locations": [],
              "given": [], "bad_dates": []}
    found: list[tuple[str, str, str]] = []
    try:
        for docs, skipped in _corpus_chunks(path, _Found(found), trace=trace, chunk_rows=chunk_rows, **options):
            locs, given = trace.pop()
            d, m, desc = _score_chunk(docs, matcher, sentences, voice, keep_text=False)
            for name, table in zip(TABLES, (m, d, skipped, desc)):
                writers[name].write(table)
            result["read"] += len(d) + len(skipped)
            result["scored"] += len(d)
            result["skipped"] += len(skipped)
            result["mentions"] += len(m)
            result["doc_ids"] += d["doc_id"].tolist()
            result["locations"] += locs
            result["given"] += given
        if not result["read"]:  # (no chunk at all, or chunks of nothing: the tables of no documents)
            d, m, desc = _score_chunk(_no_documents(), matcher, sentences, voice, keep_text=False)
            for name, table in zip(TABLES, (m, d, pd.DataFrame(columns=SKIPPED_COLUMNS), desc)):
                writers[name].write(table)
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
               max_chars: int = 1_000_000, client=None) -> dict:
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

    Returns
    -------
    dict
        ``read``, ``scored``, ``skipped``, ``mentions`` (after the ids repeated across files are
        skipped), ``files`` (the files read) and ``unreadable_dates`` (documents scored with no date
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
                        max_chars=max_chars, client=client)
    notes.warn()
    return total


def _score_dask(source, lexicons, notes: _DateNotes, *, out, scheduler, format, encoding, chunk_rows, sentences,
                voice, text_col, outlet_col, date_col, id_col, title_col, outlet, max_chars, client) -> dict:
    """:func:`score_dask`, whose documents scored with an unreadable date are added to ``notes``
    (the command line writes its manifest before it warns)."""
    from distributed import Client

    check_chunk_rows(chunk_rows)
    matcher = compile_lexicons(lexicons)
    files, other = corpus_files(source, format)
    options = dict(format=format, encoding=encoding or "utf-8", text_col=text_col, outlet_col=outlet_col,
                   date_col=date_col, id_col=id_col, title_col=title_col, outlet=outlet, max_chars=max_chars)
    out = Path(out)
    for name in TABLES:  # (on the client: a file where a folder goes fails here, once, naming it)
        folder = out / name
        if folder.exists() and not folder.is_dir():
            raise FramingError(f"{folder}: exists and is not a folder; remove it or pass another --out")
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("part-*.parquet"):  # (a folder never mixes two runs)
            old.unlink()
    # files and other files numbered together, in path order: parts in input order
    order = sorted([(str(p), p) for p in files] + [(s[0], None) for s in other], key=lambda x: _sort_key(x[0], source))
    index = {key: i for i, (key, _) in enumerate(order)}
    own_client = None
    if client is None:
        own_client = client = Client(scheduler) if scheduler else Client(processes=True)
    try:
        shared = client.scatter(matcher, broadcast=True)
        futures = [client.submit(_score_file, index[str(p)], str(p), shared, options, sentences, voice, str(out),
                                 chunk_rows, pure=False) for p in files]
        try:
            results = client.gather(futures)
        except BaseException:  # (a file that cannot be read: the other files' tasks stop too)
            client.cancel(futures)
            raise
    finally:
        if own_client is not None:
            own_client.close()
    for row in other:
        _write_part(pd.DataFrame([row], columns=SKIPPED_COLUMNS), out / "skipped" / f"part-{index[row[0]]:05d}.parquet")
    _skip_repeats(out, results)
    total = {k: sum(r[k] for r in results) for k in ("read", "scored", "skipped", "mentions")}
    total["read"] += len(other)
    total["skipped"] += len(other)
    total["files"] = len(files)
    for r in results:
        dropped = r.get("dropped", ())
        notes.add([(loc, v, d) for loc, v, d in r["bad_dates"] if d not in dropped])
    total["unreadable_dates"] = notes.count
    return total


def _sort_key(name: str, source) -> str:
    root = Path(source)
    p = Path(name)
    return p.relative_to(root).as_posix() if root.is_dir() and p.is_relative_to(root) else p.as_posix()


def _write_part(table: pd.DataFrame, path: Path) -> None:
    from .outputs import ChunkWriter

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
            skipped = pd.concat([tables["skipped"], pd.DataFrame(rows, columns=SKIPPED_COLUMNS)], ignore_index=True)
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
