"""``--jobs 2`` against one process: ``framing count`` and ``framing score`` on the same corpus.

For each corpus size and each command, a fresh Python process (so that no measurement inherits the
memory of another) times one process and two processes in turn (``--repeat`` rounds, 3 by default;
the best of each is kept), after a warm-up run of each.
The ratio is one process's best time over two processes' best time. The tables of the first run
with two processes are checked equal to one process's (``assert_frame_equal``, row order
included) before anything is timed.

That in-process ratio favours one process: its memory is already in place from the runs before,
while the worker of two processes is forked afresh for every run. So each size and command is
also timed the way the command line runs it, each run in a fresh process (``--repeat`` rounds of
one process then two, alternating; imports, the lexicon and the corpus file in the page cache are
ready before the clock starts): the "fresh" ratio. Both are printed.

Two processes pay a price that one does not: the worker is forked from the main process, and every
memory page either process then writes for the first time is copied (copy-on-write), and the
first chunks of the file are parsed before the worker has work. The script prints the minor page
faults of the main process and of the worker (``getrusage``) for the last timed round of each, so
that the cost can be read next to the ratio: it is paid once per run, so it weighs on a small
corpus and fades on a large one.

  count    ``framing.score.iter_count`` (the generated 2,000-entry lexicon by default), chunks of
           1,000 documents.
  score    ``framing.score.iter_score`` with the sentence index and voice (the shipped lexicons
           ``loaded_language`` and ``libya`` by default), chunks of 500 documents, documents
           without their texts (``text=False``), as ``framing score`` writes them.
  score-frame  the same on the corpus as a pandas DataFrame (read from the file before the clock
           starts): the workers check the rows themselves, and under fork only the rows' positions
           travel to them (``framing/_rows.py``).
  score-corpus the same on the corpus read into a ``framing.Corpus`` before the clock starts (its
           documents are checked already: they are scored in chunks, by position, as a DataFrame's).
  score-csv    the same on the corpus written as a CSV file (once, beside the JSON Lines file): the
           main process finds where records end and sends byte ranges, which the workers read
           and parse themselves (``framing/_csvranges.py``).
  score-parquet the same on the corpus written as a Parquet file (once; row groups of 10,000 rows):
           the main process reads chunks of raw rows (Arrow) and sends them, texts included, to the
           worker, which checks them.
           (These four are not in the default run: ``--commands score-frame,score-corpus,score-csv,score-parquet``.)

Usage::

    python benchmarks/bench_jobs.py                    # 20 MB and 200 MB, count and score
    python benchmarks/bench_jobs.py --sizes 20 --commands count
    python benchmarks/bench_jobs.py --score-lexicons bench   # score with the generated lexicon
    python benchmarks/bench_jobs.py --sizes 20 --commands score-frame   # a DataFrame as the source
    python benchmarks/bench_jobs.py --sizes 20 --commands score-frame,score-corpus,score-csv,score-parquet

The default run takes about four minutes on a 2-core machine (most of it ``score`` on 200 MB), plus,
the first time, a few seconds to write the 200 MB corpus (cached in ``benchmarks/.cache/``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus as bc  # noqa: E402  (benchmarks/corpus.py; also puts the repo on sys.path)


_FRAMES: dict[tuple[str, Path], object] = {}


def source(kind: str, path: Path):
    """What ``kind`` scores: the file; for ``score-frame`` the file read into a DataFrame, for
    ``score-corpus`` into a Corpus (once per process); for ``score-csv`` the same records as a CSV
    file, for ``score-parquet`` as a Parquet file (written once, beside the JSON Lines file)."""
    if kind in ("count", "score"):
        return path
    if kind in ("score-csv", "score-parquet"):
        out = path.with_suffix(".csv" if kind == "score-csv" else ".parquet")
        if not out.exists():
            import pandas as pd

            part = out.with_suffix(out.suffix + ".part")
            frame = pd.read_json(path, lines=True, dtype=False)
            if kind == "score-csv":
                frame.to_csv(part, index=False)
            else:
                frame.to_parquet(part, index=False, row_group_size=10_000)
            part.rename(out)
        return out
    if (kind, path) not in _FRAMES:
        import pandas as pd

        import framing

        _FRAMES[kind, path] = (pd.read_json(path, lines=True, dtype=False) if kind == "score-frame"
                               else framing.read_corpus(path))
    return _FRAMES[kind, path]


def consume(kind: str, path: Path, matcher, jobs: int, keep: bool = False):
    """Run ``iter_count`` or ``iter_score`` to the end; the chunks when ``keep``, else None."""
    from framing.score import iter_count, iter_score

    chunks = iter_count(path, matcher, jobs=jobs, progress=False) if kind == "count" else \
        iter_score(source(kind, path), matcher, jobs=jobs, progress=False, text=False)
    out = []
    for chunk in chunks:
        if keep:
            out.append(chunk)
    return out if keep else None


def check_equal(kind: str, path: Path, matcher) -> str:
    """Assert that two processes give one process's tables; a summary of what was compared."""
    import pandas as pd

    one, two = (consume(kind, path, matcher, jobs, keep=True) for jobs in (1, 2))
    sizes = []
    for k in range(len(one[0])):
        a = pd.concat([c[k] for c in one], ignore_index=True)
        b = pd.concat([c[k] for c in two], ignore_index=True)
        pd.testing.assert_frame_equal(a, b)
        sizes.append(len(a))
    names = ["counts", "skipped"] if kind == "count" else ["documents", "mentions", "skipped", "descriptors"]
    return ", ".join(f"{n:,} {name}" for n, name in zip(sizes, names))


def faults() -> tuple[int, int]:
    """Minor page faults so far: this process, and its children that have ended."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt)


def measure(kind: str, path: Path, matcher, repeat: int) -> dict:
    """One and two processes in turn, ``repeat`` rounds after a warm-up of each."""
    for jobs in (1, 2):
        consume(kind, path, matcher, jobs)
    times: dict[int, list[float]] = {1: [], 2: []}
    flt: dict[int, tuple[int, int]] = {}
    for _ in range(repeat):
        for jobs in (1, 2):
            f0 = faults()
            t = time.perf_counter()
            consume(kind, path, matcher, jobs)
            times[jobs].append(time.perf_counter() - t)
            f1 = faults()
            flt[jobs] = (f1[0] - f0[0], f1[1] - f0[1])
    best = {j: min(ts) for j, ts in times.items()}
    return {"times": times, "best": best, "ratio": best[1] / best[2], "faults": flt}


def once(args) -> int:
    """One timed run in this (fresh) process: ``--once SIZE,COMMAND,JOBS``; prints JSON."""
    import framing

    size, kind, jobs = args.once.split(",")
    lexicon = bc.make_lexicon(args.entries, args.data, args.cache)
    if kind.startswith("score") and args.score_lexicons != "bench":
        lexicon = args.score_lexicons.split(",")
    matcher = framing.compile_lexicons(lexicon)
    path, _ = bc.build_corpus(float(size), args.data, args.cache)
    path.read_bytes()
    source(kind, path)
    f0 = faults()
    t = time.perf_counter()
    consume(kind, path, matcher, int(jobs))
    t = time.perf_counter() - t
    f1 = faults()
    print(json.dumps({"t": t, "faults": [f1[0] - f0[0], f1[1] - f0[1]]}))
    return 0


def run_json(cmd: list[str], what: str) -> dict:
    """Run a measuring process; its last line of output, read as JSON."""
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stdout + out.stderr, file=sys.stderr)
        raise SystemExit(f"{what}: the measuring process failed (exit {out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(args) -> int:
    """One size and command, measured in this (fresh) process; prints the result as JSON."""
    import framing

    size, kind = args.child.split(",")
    lexicon = bc.make_lexicon(args.entries, args.data, args.cache)
    if kind.startswith("score") and args.score_lexicons != "bench":
        lexicon = args.score_lexicons.split(",")
    matcher = framing.compile_lexicons(lexicon)
    path, meta = bc.build_corpus(float(size), args.data, args.cache)
    path.read_bytes()  # (the file in the OS cache before anything is timed)
    what = check_equal(kind, path, matcher)
    r = measure(kind, path, matcher, args.repeat)
    print(json.dumps({"what": what, "mb": meta["text_bytes"] / 1e6, "times": r["times"], "best": r["best"],
                      "ratio": r["ratio"], "faults": r["faults"]}))
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="--jobs 2 against one process, for count and score.")
    ap.add_argument("--sizes", default="20,200", help="corpus sizes in MB, comma-separated (default 20,200)")
    ap.add_argument("--commands", default="count,score",
                    help="comma-separated: count, score, score-frame, score-corpus, score-csv, score-parquet "
                         "(default count,score)")
    ap.add_argument("--entries", type=int, default=2_000, help="generated lexicon size for count (default 2000)")
    ap.add_argument("--score-lexicons", default="loaded_language,libya",
                    help="lexicons for score: names or files, comma-separated, or 'bench' for the generated "
                         "lexicon (default loaded_language,libya)")
    ap.add_argument("--repeat", type=int, default=3, help="timed rounds (default 3)")
    bc.add_common_args(ap)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--once", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    bc.data_or_exit(args.data)
    if args.child:
        return child(args)
    if args.once:
        return once(args)

    import os

    print(f"machine: {os.cpu_count()} cores; framing {bc.framing_fingerprint()}", flush=True)
    bc.make_lexicon(args.entries, args.data, args.cache)  # (made once here, read from the cache by the children)
    rows = []
    for size in args.sizes.split(","):
        bc.build_corpus(float(size), args.data, args.cache)
        for kind in args.commands.split(","):
            common = ["--entries", str(args.entries), "--score-lexicons", args.score_lexicons, "--repeat",
                      str(args.repeat), "--data", str(args.data), "--cache", str(args.cache)]
            r = run_json([sys.executable, __file__, "--child", f"{size},{kind}", *common], f"{size} MB {kind}")
            r["times"] = {int(k): v for k, v in r["times"].items()}
            r["best"] = {int(k): v for k, v in r["best"].items()}
            r["faults"] = {int(k): v for k, v in r["faults"].items()}
            fresh: dict[int, list[dict]] = {1: [], 2: []}
            for _ in range(args.repeat):
                for jobs in (1, 2):
                    fresh[jobs].append(run_json([sys.executable, __file__, "--once", f"{size},{kind},{jobs}", *common],
                                                f"{size} MB {kind}, --jobs {jobs} in a fresh process"))
            r["fresh"] = {j: min(x["t"] for x in runs) for j, runs in fresh.items()}
            r["fresh_faults"] = {j: runs[-1]["faults"] for j, runs in fresh.items()}
            rows.append((float(size), kind, r["mb"], r))
            print(f"{float(size):g} MB {kind}: tables of two processes equal to one ({r['what']}); one process "
                  f"{', '.join(f'{t:.3f}' for t in r['times'][1])} s, two "
                  f"{', '.join(f'{t:.3f}' for t in r['times'][2])} s; in fresh processes, best of {args.repeat}: "
                  f"{r['fresh'][1]:.3f} and {r['fresh'][2]:.3f} s", flush=True)
    print()
    print("| corpus | command | one process s (MB/s) | two processes s (MB/s) | ratio | minor faults, one process "
          "| minor faults, two: main / worker | fresh processes: one / two s | fresh ratio "
          "| fresh minor faults, one / two: main / worker |")
    print("|---|---|---:|---:|---:|---:|---|---|---:|---|")
    for size, kind, mb, r in rows:
        b1, b2 = r["best"][1], r["best"][2]
        f1, f2 = r["faults"][1], r["faults"][2]
        n1, n2 = r["fresh"][1], r["fresh"][2]
        g1, g2 = r["fresh_faults"][1], r["fresh_faults"][2]
        print(f"| {size:g} MB | {kind} | {b1:.3f} ({mb / b1:.1f}) | {b2:.3f} ({mb / b2:.1f}) | **{r['ratio']:.2f}x** "
              f"| {f1[0]:,} | {f2[0]:,} / {f2[1]:,} | {n1:.3f} / {n2:.3f} | **{n1 / n2:.2f}x** "
              f"| {g1[0]:,} / {g2[0]:,} / {g2[1]:,} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
