"""The dask engine against the local engine: ``framing score`` of one large file, in the same run.

For each corpus size (the JSON Lines benchmark corpus, and the same records as a Parquet file of
row groups of 10,000 rows), the script times, best of ``--repeat`` rounds taken in turn:

  local     ``framing score FILE --output-format parquet`` in this process (one process: the
            local engine's reader, scoring, and Parquet writing), the figure a worker can reach;
  dask 1    :func:`framing.distributed.score_dask` on a ``LocalCluster`` of one worker process
            (started before the clock): what the dask path costs over the local engine (listing,
            pieces, sending the lexicons, a part per piece, the client's pass over the ids);
  dask 2    the same on a cluster of two worker processes: the gain of a second worker on a file
            read in pieces (the file is cut into pieces of ``--piece-mb``).

It also times the client's scan of the JSON Lines file for where its pieces start
(:func:`framing.distributed.file_pieces`), and before anything is timed it checks that the dask
engine's tables equal the local engine's (``assert_frame_equal`` on all four tables, row order,
dtypes and skipped rows' locations included).

Usage::

    python benchmarks/bench_dask.py                  # 20 and 200 MB, JSON Lines and Parquet
    python benchmarks/bench_dask.py --sizes 20 --repeat 2
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus as bc  # noqa: E402  (benchmarks/corpus.py; also puts the repo on sys.path)

TABLES = ("mentions", "documents", "skipped", "descriptors")
LEXICONS = ["loaded_language", "libya"]


def parquet_of(path: Path) -> Path:
    """The records of the JSON Lines corpus as a Parquet file of 10,000-row groups (written once)."""
    out = path.with_suffix(".parquet")
    if not out.exists():
        import pandas as pd

        part = out.with_suffix(".parquet.part")
        pd.read_json(path, lines=True, dtype=False).to_parquet(part, index=False, row_group_size=10_000)
        part.rename(out)
    return out


def run_local(path: Path, out: Path) -> float:
    from framing.cli import main

    shutil.rmtree(out, ignore_errors=True)
    lex = [a for name in LEXICONS for a in ("-l", name)]
    t = time.perf_counter()
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        assert main(["score", str(path), *lex, "--out", str(out), "--output-format", "parquet"]) == 0
    return time.perf_counter() - t


def run_dask(path: Path, out: Path, client, piece_bytes: int) -> tuple[float, dict]:
    from framing.distributed import score_dask

    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        counts = score_dask(path, LEXICONS, out=out, client=client, piece_bytes=piece_bytes)
    return time.perf_counter() - t, counts


def same_tables(local: Path, dask: Path) -> None:
    import pandas as pd

    from framing.cli._common import _read_parquet

    for name in TABLES:
        pd.testing.assert_frame_equal(_read_parquet(dask / name), pd.read_parquet(local / f"{name}.parquet"),
                                      obj=name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    bc.add_common_args(parser)
    parser.add_argument("--sizes", default="20,200", help="corpus sizes in MB (default 20,200)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--piece-mb", type=float, default=None,
                        help="piece size in MB (default: an eighth of the file, so that two workers share it)")
    args = parser.parse_args()
    data = bc.data_or_exit(args.data)
    import distributed

    from framing.distributed import file_pieces

    print(f"framing {bc.framing_fingerprint()}")
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="bench_dask_"))
    try:
        clusters = {n: distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                dashboard_address=":0") for n in (1, 2)}
        clients = {n: distributed.Client(c) for n, c in clusters.items()}
        for size in (float(s) for s in args.sizes.split(",")):
            path, _ = bc.build_corpus(size, data, args.cache)
            for kind, src in (("JSON Lines", path), ("Parquet", parquet_of(path))):
                mb = path.stat().st_size / 1e6  # (the text's bytes, as the other benchmarks count them)
                piece = int(args.piece_mb * 1e6) if args.piece_mb else max(src.stat().st_size // 8, 1)
                run_local(src, tmp / "local")  # (warm-up runs: the workers import framing on their first task)
                run_dask(src, tmp / "dask", clients[1], piece)
                _, counts = run_dask(src, tmp / "dask", clients[2], piece)
                same_tables(tmp / "local", tmp / "dask")
                best = {"local": [], "dask 1": [], "dask 2": []}
                for _ in range(args.repeat):
                    best["local"].append(run_local(src, tmp / "local"))
                    best["dask 1"].append(run_dask(src, tmp / "dask", clients[1], piece)[0])
                    best["dask 2"].append(run_dask(src, tmp / "dask", clients[2], piece)[0])
                t = time.perf_counter()
                pieces = file_pieces(src, "jsonl" if kind == "JSON Lines" else "parquet", {}, piece)
                scan = time.perf_counter() - t
                b = {k: min(v) for k, v in best.items()}
                rows.append((f"{size:g} MB", kind, len(pieces), counts["mentions"], b["local"], b["dask 1"],
                             b["dask 2"], mb, scan))
                print(f"{size:g} MB {kind}: local {b['local']:.2f} s, dask 1 worker {b['dask 1']:.2f} s, "
                      f"2 workers {b['dask 2']:.2f} s ({len(pieces)} pieces); listing the pieces {scan:.3f} s",
                      flush=True)
        for c in clients.values():
            c.close()
        for c in clusters.values():
            c.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n| corpus | file | pieces | mentions | local MB/s | dask, 1 worker | dask, 2 workers | 2 workers ÷ local "
          "| 2 ÷ 1 worker | listing the pieces |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, kind, n, ments, local, one, two, mb, scan in rows:
        print(f"| {size} | {kind} | {n} | {ments:,} | {mb / local:.1f} | {mb / one:.1f} | {mb / two:.1f} | "
              f"{local / two:.2f}× | {one / two:.2f}× | {scan * 1000:.0f} ms |")
    print("\nAll four tables of the dask engine equal the local engine's (checked before timing).")


if __name__ == "__main__":
    main()
