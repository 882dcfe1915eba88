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

How much two processes can gain at all is a property of the machine as much as of framing: two
processes share the two cores with whatever else runs (on a virtual machine, the host's other
guests too), and share the caches and the memory bandwidth. So each round also times the same
work split in two with nothing shared: two processes forked from the measuring process, each
scoring one half of the corpus (cut where half of its text bytes lie behind) with ``jobs=1``,
nothing ordered or sent back. One process's best time over theirs is the "ceiling"; the table
gives ``--jobs 2``'s ratio over it too (1.0: all that the machine gave to two independent
processes). Its clock includes the two forks and the children's exits (``--jobs 2`` pays for a fork
too; the objects alive are frozen first, as ``ordered_map`` does): tens of milliseconds, which
weigh on 2 MB (a ceiling below 1x there) and not from 20 MB up. Not for ``score-corpus``, nor where
processes cannot be forked.

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
import os
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


def halves(kind: str, path: Path) -> tuple | None:
    """The corpus of ``kind`` cut in two where half of its text bytes lie behind (the JSON Lines
    file cut at the line nearest its middle byte, written once beside it; the other formats made
    from each half as :func:`source` makes them from the whole; a DataFrame's rows cut at the same
    place), or None for ``score-corpus``."""
    if kind == "score-corpus":
        return None
    if (kind, "halves", path) in _FRAMES:
        return _FRAMES[kind, "halves", path]
    parts = [path.with_name(f"{path.stem}.half{i}{path.suffix}") for i in (0, 1)]
    # (made again where they are not the halves of this file: a corpus built again since)
    if not all(p.exists() for p in parts) or sum(p.stat().st_size for p in parts) != path.stat().st_size:
        for p in parts:  # (and the other formats made from them, which follow them)
            for other in (p.with_suffix(".csv"), p.with_suffix(".parquet")):
                other.unlink(missing_ok=True)
        data = path.read_bytes()
        cut = data.index(b"\n", len(data) // 2) + 1
        for p, piece in zip(parts, (data[:cut], data[cut:])):
            tmp = p.with_suffix(p.suffix + ".part")
            tmp.write_bytes(piece)
            tmp.rename(p)
    out = tuple(source(kind, p) for p in parts)
    _FRAMES[kind, "halves", path] = out
    return out


def consume(kind: str, path: Path, matcher, jobs: int, keep: bool = False, src=None):
    """Run ``iter_count`` or ``iter_score`` to the end (on ``src`` when given, else on the source of
    ``kind`` for ``path``); the chunks when ``keep``, else None."""
    from framing.score import iter_count, iter_score

    if src is None:
        src = path if kind == "count" else source(kind, path)
    chunks = iter_count(src, matcher, jobs=jobs, progress=False) if kind == "count" else \
        iter_score(src, matcher, jobs=jobs, progress=False, text=False)
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


def independent_halves(kind: str, matcher, parts: tuple) -> float:
    """Seconds for two processes forked from this one, each scoring one half of the corpus with
    ``jobs=1``, at the same time, until both have ended: the same work split in two with nothing
    shared, ordered or sent back, so the most that two processes can gain on this machine (two
    cores shared with whatever else runs, their caches and memory bandwidth too)."""
    import gc
    import traceback

    gc.freeze()  # (as ordered_map does before it forks its workers: no collection copies every page)
    t = time.perf_counter()
    pids = []
    try:
        for part in parts:
            pid = os.fork()
            if pid == 0:  # (the child: score, then leave at once, without the parent's clean-up)
                code = 1
                try:
                    consume(kind, Path(), matcher, 1, src=part)
                    code = 0
                except BaseException:
                    traceback.print_exc()
                finally:
                    os._exit(code)
            pids.append(pid)
        failed = [pid for pid in pids if os.waitpid(pid, 0)[1] != 0]
        seconds = time.perf_counter() - t
    finally:
        gc.unfreeze()
    if failed:
        raise SystemExit(f"{kind}: a process scoring half of the corpus failed (its traceback is above)")
    return seconds


def measure(kind: str, path: Path, matcher, repeat: int) -> dict:
    """One and two processes in turn, ``repeat`` rounds after a warm-up of each, and in each round
    the two halves of the corpus in two independent processes (:func:`independent_halves`; not
    where :func:`halves` has none, or where processes cannot be forked)."""
    parts = halves(kind, path) if hasattr(os, "fork") else None
    for jobs in (1, 2):
        consume(kind, path, matcher, jobs)
    if parts is not None:
        for part in parts:  # (each half's own first-use work done here, inherited by the children)
            consume(kind, path, matcher, 1, src=part)
    times: dict[int, list[float]] = {1: [], 2: []}
    split: list[float] = []
    flt: dict[int, tuple[int, int]] = {}
    for _ in range(repeat):
        for jobs in (1, 2):
            f0 = faults()
            t = time.perf_counter()
            consume(kind, path, matcher, jobs)
            times[jobs].append(time.perf_counter() - t)
            f1 = faults()
            flt[jobs] = (f1[0] - f0[0], f1[1] - f0[1])
        if parts is not None:
            split.append(independent_halves(kind, matcher, parts))
    best = {j: min(ts) for j, ts in times.items()}
    return {"times": times, "best": best, "ratio": best[1] / best[2], "faults": flt, "halves": split,
            "halves_ratio": best[1] / min(split) if split else None}


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
                      "ratio": r["ratio"], "faults": r["faults"], "halves": r["halves"],
                      "halves_ratio": r["halves_ratio"]}))
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
                  f"{r['fresh'][1]:.3f} and {r['fresh'][2]:.3f} s" +
                  (f"; the two halves in two independent processes {', '.join(f'{t:.3f}' for t in r['halves'])} s"
                   if r["halves"] else ""), flush=True)
    print()
    print("| corpus | command | one process s (MB/s) | two processes s (MB/s) | ratio | minor faults, one process "
          "| minor faults, two: main / worker | fresh processes: one / two s | fresh ratio "
          "| fresh minor faults, one / two: main / worker | independent halves s | ceiling | ratio / ceiling |")
    print("|---|---|---:|---:|---:|---:|---|---|---:|---|---:|---:|---:|")
    for size, kind, mb, r in rows:
        b1, b2 = r["best"][1], r["best"][2]
        f1, f2 = r["faults"][1], r["faults"][2]
        n1, n2 = r["fresh"][1], r["fresh"][2]
        g1, g2 = r["fresh_faults"][1], r["fresh_faults"][2]
        print(f"| {size:g} MB | {kind} | {b1:.3f} ({mb / b1:.1f}) | {b2:.3f} ({mb / b2:.1f}) | **{r['ratio']:.2f}x** "
              f"| {f1[0]:,} | {f2[0]:,} / {f2[1]:,} | {n1:.3f} / {n2:.3f} | **{n1 / n2:.2f}x** "
              f"| {g1[0]:,} / {g2[0]:,} / {g2[1]:,} | " +
              (f"{min(r['halves']):.3f} | {r['halves_ratio']:.2f}x | {r['ratio'] / r['halves_ratio']:.2f} |"
               if r["halves"] else "- | - | - |"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
