"""Scoring beyond one machine with Dask: partitions scored by the same code as the local engine.

:func:`score_dask` reads a corpus with ``dask.dataframe`` (Parquet files or folders, CSV, TSV or
JSON Lines, split into partitions), scores every partition with the function the local engine uses
for a chunk (:func:`framing.score._score_chunk`), and has each worker write its partition's tables
as Parquet files: ``OUT/mentions/part-00000.parquet`` and so on, likewise ``documents``,
``skipped`` and ``descriptors``. Nothing but small counts comes back to the client, so the corpus
never has to fit on one machine. ``framing compare OUT`` then aggregates from the Parquet tables
without reading any text.

Rows are those of the local engine (:func:`framing.score`), partition by partition in input order.
Documents whose id repeats one in an earlier partition are moved to ``skipped`` after the run (the
local engine skips them as it reads), so both engines account for every input row the same way.

Point it at a real cluster with ``scheduler="tcp://host:8786"`` (``--scheduler`` on the command
line): a ``dask-jobqueue`` cluster on a batch system or a Kubernetes Dask cluster both give such an
address. Each worker needs framing installed and read access to the corpus files and write access to
``OUT`` (a shared file system or an object store path that pyarrow can write).
"""

from __future__ import annotations

import glob
from pathlib import Path

import pandas as pd

from .corpus import SKIPPED_COLUMNS, ColumnMap, _DateNotes, _Standardiser, nullable_columns, with_nullable
from .errors import CorpusError
from .score import _score_chunk, compile_lexicons

__all__ = ["score_dask", "read_partitions"]

TABLES = ("mentions", "documents", "skipped", "descriptors")


def read_partitions(source, *, format: str | None = None, blocksize: str | int = "32MB"):
    """A ``dask.dataframe`` over a corpus file or folder of Parquet, CSV, TSV or JSON Lines files."""
    import dask.dataframe as dd

    path = Path(source)
    fmt = _format(path, format)
    if fmt == "parquet":
        # (integers with nulls as ints and None, as the local engine reads them: not floats, which
        # would make ids such as "300.0")
        return dd.read_parquet(str(path), arrow_to_pandas={"integer_object_nulls": True})
    pattern = str(path / "*") if path.is_dir() else str(path)
    if fmt in ("csv", "tsv"):
        return dd.read_csv(pattern, sep="\t" if fmt == "tsv" else ",", dtype=str, keep_default_na=False,
                           blocksize=blocksize)
    if fmt == "jsonl":
        return dd.read_json(pattern, lines=True, blocksize=blocksize, dtype=False)
    raise CorpusError(f"{source}: the dask engine reads Parquet, CSV, TSV or JSON Lines; pass --format")


def _format(path: Path, format: str | None) -> str | None:
    if format is not None:
        return format
    probe = path if path.is_file() else next((p for p in sorted(path.glob("*")) if p.is_file()), path)
    return {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl",
            ".ndjson": "jsonl"}.get(probe.suffix.lower())


def _parquet_files(source) -> list[Path]:
    """The Parquet files dask reads for ``source`` (a file, a glob pattern, or a folder searched
    recursively)."""
    path = Path(source)
    if path.is_file():
        return [path]
    if not path.exists() and any(c in str(source) for c in "*?["):
        return [Path(p) for p in sorted(glob.glob(str(source), recursive=True)) if Path(p).is_file()]
    files = [p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith(("_", "."))]
    return [p for p in files if p.suffix.lower() in (".parquet", ".pq")] or files


def _score_partition(part: pd.DataFrame, index: int, matcher, columns: ColumnMap, max_chars: int,
                     sentences: bool, voice: bool, out: str, where: str, nullable: dict | None = None) -> dict:
    try:
        return _scored_partition(part, index, matcher, columns, max_chars, sentences, voice, out, where, nullable)
    except _read_errors() as err:  # (framing's own scoring or writing, not a reader: not reported as one)
        raise RuntimeError(f"{where} partition {index}: scoring or writing failed ({type(err).__name__}: "
                           f"{err})") from err


def _scored_partition(part: pd.DataFrame, index: int, matcher, columns: ColumnMap, max_chars: int,
                      sentences: bool, voice: bool, out: str, where: str, nullable: dict | None) -> dict:
    part = with_nullable(part.reset_index(drop=True), nullable or {})
    std = _Standardiser(columns, max_chars, where)
    locs = [f"{where} partition {index} row {i + 1}" for i in range(len(part))]
    docs, skipped = std(part, locs)
    kept = std.last_rows[1]
    bad_dates = [(docs["doc_id"].iat[i], kept[i], v) for i, v in std.last_bad_dates]
    skipped = pd.DataFrame(skipped, columns=SKIPPED_COLUMNS)
    d, m, desc = _score_chunk(docs, matcher, sentences, voice, keep_text=False)
    tables = {"mentions": m, "documents": d, "skipped": skipped, "descriptors": desc}
    for name, table in tables.items():
        folder = Path(out) / name
        folder.mkdir(parents=True, exist_ok=True)
        _to_parquet(table, folder / f"part-{index:05d}.parquet")
    return {"index": index, "read": len(part), "scored": len(d), "skipped": len(skipped), "mentions": len(m),
            "doc_ids": d["doc_id"].tolist(), "bad_dates": bad_dates}


def _to_parquet(table: pd.DataFrame, path: Path) -> None:
    from .outputs import ChunkWriter

    with ChunkWriter(path, "parquet") as w:
        w.write(table)


def score_dask(source, lexicons, *, out, scheduler: str | None = None, format: str | None = None,
               blocksize: str | int = "32MB", sentences: bool = True, voice: bool = True,
               text_col: str | None = None, outlet_col: str | None = None, date_col: str | None = None,
               id_col: str | None = None, title_col: str | None = None, outlet: str | None = None,
               max_chars: int = 1_000_000, client=None) -> dict:
    """Score a partitioned corpus on a Dask cluster and write partitioned Parquet tables.

    Parameters
    ----------
    source : str or Path
        A Parquet, CSV, TSV or JSON Lines file, or a folder of such files.
    lexicons
        As in :func:`framing.score`.
    out : str or Path
        Output folder: ``mentions/``, ``documents/``, ``skipped/``, ``descriptors/`` of Parquet parts.
    scheduler : str, optional
        Address of a running Dask scheduler; by default a local cluster with one worker per core.
    client : distributed.Client, optional
        An existing client (tests pass one on a ``LocalCluster``).

    Returns
    -------
    dict
        ``read``, ``scored``, ``skipped``, ``mentions``, ``partitions`` and ``unreadable_dates`` (documents
        scored with no date because theirs could not be read; also warned as
        :class:`~framing.errors.UnreadableDateWarning`).
    """
    notes = _DateNotes()
    total = _score_dask(source, lexicons, notes, out=out, scheduler=scheduler, format=format, blocksize=blocksize,
                        sentences=sentences, voice=voice, text_col=text_col, outlet_col=outlet_col,
                        date_col=date_col, id_col=id_col, title_col=title_col, outlet=outlet, max_chars=max_chars,
                        client=client)
    notes.warn()
    return total


def _score_dask(source, lexicons, notes: _DateNotes, *, out, scheduler, format, blocksize, sentences, voice,
                text_col, outlet_col, date_col, id_col, title_col, outlet, max_chars, client) -> dict:
    """:func:`score_dask`, whose documents scored with an unreadable date are added to ``notes``
    (the command line writes its manifest before it warns)."""
    import dask
    from distributed import Client

    matcher = compile_lexicons(lexicons)
    try:  # (dask reads a sample of the files and their metadata here, on the client)
        ddf = read_partitions(source, format=format, blocksize=blocksize)
        # (integer and boolean columns with a null anywhere get one nullable dtype in every
        # partition, as in the local engine's chunks: see framing.corpus.nullable_columns)
        parquet = _format(Path(source), format) == "parquet"
        nullable = nullable_columns(*_parquet_files(source)) if parquet else {}
    except _read_errors() as err:
        raise CorpusError(_unread(source, err)) from err
    columns = ColumnMap(text_col, outlet_col, date_col, id_col, title_col, outlet)
    columns.resolve(list(ddf.columns), str(source))  # fail early, on the client, naming the columns
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    own_client = None
    if client is None:
        own_client = client = Client(scheduler) if scheduler else Client(processes=True)
    try:
        parts = ddf.to_delayed()
        tasks = [dask.delayed(_score_partition)(p, i, matcher, columns, max_chars, sentences, voice, str(out),
                                                str(source), nullable) for i, p in enumerate(parts)]
        try:
            results = sorted(client.compute(tasks, sync=True), key=lambda r: r["index"])
        except _read_errors() as err:  # (raised by dask's readers on a worker: a bare OSError, say)
            raise CorpusError(_unread(source, err)) from err
    finally:
        if own_client is not None:
            own_client.close()
    _move_duplicates(out, results)
    total = {k: sum(r[k] for r in results) for k in ("read", "scored", "skipped", "mentions")}
    total["partitions"] = len(results)
    for r in results:
        notes.add([(loc, v, d) for d, loc, v in r["bad_dates"] if d not in r.get("dropped", ())])
    total["unreadable_dates"] = notes.count
    return total


def _unread(source, err: Exception) -> str:
    cause = " ".join(str(err).split()).rstrip(".")
    return (f"{source}: could not be read ({type(err).__name__}: {cause}). Dask does not say which file or "
            "rows: `framing score` without --engine dask names the file, row group or line at fault")


def _read_errors() -> tuple[type, ...]:
    """What dask's readers raise for a damaged or malformed file (Arrow's errors, pandas' parser's,
    an OSError), not the errors of framing's own code."""
    errors: list[type] = [OSError, pd.errors.ParserError, UnicodeDecodeError]
    try:
        import pyarrow as pa

        errors.append(pa.ArrowException)
    except ImportError:
        pass
    return tuple(errors)


def _move_duplicates(out: Path, results: list[dict]) -> None:
    """Documents whose id repeats an earlier partition's go to ``skipped`` (and their rows go)."""
    seen: dict[str, int] = {}
    for r in results:
        dup = [d for d in r["doc_ids"] if d in seen]
        for d in r["doc_ids"]:
            seen.setdefault(d, r["index"])
        if not dup:
            continue
        i = r["index"]
        bad = set(dup)
        paths = {name: out / name / f"part-{i:05d}.parquet" for name in TABLES}
        tables = {name: pd.read_parquet(p) for name, p in paths.items()}
        for name in ("mentions", "documents", "descriptors"):
            tables[name] = tables[name][~tables[name]["doc_id"].isin(bad)]
        extra = pd.DataFrame([(f"partition {i}", d, f"duplicate doc_id '{d}', first seen in partition {seen[d]}")
                              for d in dup], columns=SKIPPED_COLUMNS)
        tables["skipped"] = pd.concat([tables["skipped"], extra], ignore_index=True)
        for name, table in tables.items():
            _to_parquet(table.reset_index(drop=True), paths[name])
        r["scored"] -= len(dup)
        r["skipped"] += len(dup)
        r["dropped"] = bad
