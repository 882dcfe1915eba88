"""End-to-end throughput and peak memory of ``framing.count`` and ``framing.score``.

One command, one process for the timings (same corpus file, same compiled lexicon, after a warm-up
of every variant on the first 50 documents; each variant is timed ``--repeat`` times, 3 by default, and
the best time is reported: the first pass of a process also pays for the memory it grows into):

  floor            read the JSON Lines file (json.loads per line) and ``str.lower()`` each text,
                   nothing else: the speed no scorer in Python can beat.
  count            ``framing.score.iter_count`` on the JSONL path (the fast path: doc x category).
  score-nosent     ``framing.score(path, lexicon, sentences=False)``, other options at their defaults.
  score-sent       ``framing.score(path, lexicon, sentences=True)`` (the sentence index of every document).
  score-lean       ``framing.score(path, lexicon, sentences=False, voice=False)``: only when this
                   framing has a ``voice`` option (voice attribution parses every document with
                   mentions, so it costs more than sentences).

Peak RSS is measured for each variant in a fresh subprocess (``VmHWM`` on Linux, see
``corpus.peak_rss_mib``; peaks of different variants never mix), consuming the stream chunk by
chunk (``iter_count`` / ``iter_score``) without keeping results; ``count`` runs on the normal corpus
and on a corpus 10 times larger (20 MB and 200 MB by default) to show that memory does not grow
with the corpus size. ``--formats`` (default ``jsonl,csv,parquet``): ``score`` (``score-sent``) on
both corpora as each of these files, in fresh processes, for the peak RSS of each reader (the CSV
and Parquet files are written once beside the JSON Lines file, as ``bench_jobs.py`` writes them:
Parquet in row groups of 10,000 documents).

Usage::

    python benchmarks/bench_score.py            # 20 MB corpus, 2,000-entry lexicon, + 200 MB count RSS
    python benchmarks/bench_score.py --quick    # 2 MB (and 20 MB for the RSS scaling check): smoke run
    python benchmarks/bench_score.py --size-mb 50 --entries 10000 --no-big
    python benchmarks/bench_score.py --variants floor,count   # skip the slow score variants
    python benchmarks/bench_score.py --lexicons loaded_language,libya --no-big   # the shipped lexicons

The default run takes a few minutes on a 2-core machine (2.5 to 8 minutes over the framing versions
measured so far), mostly the ``score`` variants with voice attribution (each variant runs
``--repeat`` times timed in this process, then once in a fresh subprocess for its peak RSS), plus under a minute for the
200 MB ``count`` subprocess and, the first time, a few seconds to write the 200 MB file (cached in
benchmarks/.cache/).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus as bc  # noqa: E402  (benchmarks/corpus.py; also puts the repo on sys.path)

ALL_VARIANTS = ("floor", "count", "score-nosent", "score-sent", "score-lean")
LABELS = {"floor": "floor: JSONL read + str.lower()", "count": "framing.count (iter_count)",
          "score-nosent": "framing.score sentences=False", "score-sent": "framing.score sentences=True",
          "score-lean": "framing.score sentences=False voice=False"}
# keyword arguments of framing.score / iter_score for each score variant (other options: defaults)
SCORE_KWARGS = {"score-nosent": {"sentences": False}, "score-sent": {"sentences": True},
                "score-lean": {"sentences": False, "voice": False}}


def variants() -> tuple[str, ...]:
    """The variants this version of framing supports (``score-lean`` needs a ``voice`` option)."""
    import inspect

    from framing.score import iter_score

    has_voice = "voice" in inspect.signature(iter_score).parameters
    return tuple(v for v in ALL_VARIANTS if v != "score-lean" or has_voice)


# ------------------------------------------------------------------------------------- workloads
def run_floor(path: Path) -> tuple[int, int]:
    """Read + lower every text; returns (documents, total lowered length) so nothing is optimised away."""
    n = chars = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            chars += len(rec["text"].lower())
            n += 1
    return n, chars


def run_count(source, matcher, on_chunk=None) -> tuple[int, int]:
    from framing.score import iter_count

    n = total = 0
    for counts, skipped in iter_count(source, matcher, progress=False):
        n += len(counts)
        total += int(counts[matcher.categories].to_numpy().sum())
        if on_chunk:
            on_chunk()
    return n, total


def run_iter_score(path: Path, matcher, on_chunk=None, **kwargs) -> tuple[int, int]:
    from framing.score import iter_score

    n = total = 0
    for chunk in iter_score(path, matcher, progress=False, **kwargs):  # (documents, mentions, ...)
        n += len(chunk[0])
        total += len(chunk[1])
        if on_chunk:
            on_chunk()
    return n, total


def warm_up(path: Path, matcher, variants: tuple[str, ...], n_docs: int = 50) -> float:
    """Run every framing variant once on the first documents, so that lazy imports, compiled
    patterns and caches are not charged to whichever variant happens to be timed first."""
    import itertools

    import pandas as pd

    rows = list(itertools.islice(bc.iter_jsonl_texts(path), n_docs))
    df = pd.DataFrame(rows, columns=["doc_id", "outlet", "text"])
    t = time.perf_counter()
    run_count(df, matcher)
    for v in variants:
        if v in SCORE_KWARGS:
            run_score(df, matcher, **SCORE_KWARGS[v])
    return time.perf_counter() - t


def _current_rss_mib() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run_score(source, matcher, **kwargs) -> tuple[int, int]:
    import framing

    res = framing.score(source, matcher, progress=False, **kwargs)
    return len(res.documents), len(res.mentions)


# ------------------------------------------------------------------------------------- child
def lexicons_of(args):
    """The lexicons to score with: the shipped or given ones of ``--lexicons`` (names or files,
    comma-separated), else the generated benchmark lexicon of ``--entries`` entries."""
    if args.lexicons:
        return [x.strip() for x in args.lexicons.split(",") if x.strip()]
    return bc.make_lexicon(args.entries, args.data, args.cache)


def child(variant: str, path: Path, args) -> None:
    """Run one variant in this (fresh) process and print one JSON line with its peak RSS."""
    matcher = None
    if variant != "floor":
        import framing

        matcher = framing.compile_lexicons(lexicons_of(args))
    base = bc.peak_rss_mib()  # peak before reading the corpus (imports, lexicon)
    series: list[float] = []  # RSS after each chunk: flat when nothing accumulates across chunks

    def on_chunk():
        rss = _current_rss_mib()
        if rss is not None:
            series.append(rss)

    t0 = time.perf_counter()
    if variant == "floor":
        n, total = run_floor(path)
    elif variant == "count":
        n, total = run_count(path, matcher, on_chunk)
    else:
        n, total = run_iter_score(path, matcher, on_chunk, **SCORE_KWARGS[variant])
    dt = time.perf_counter() - t0
    print(json.dumps({"variant": variant, "docs": n, "total": total, "seconds": dt,
                      "base_mib": base, "peak_mib": bc.peak_rss_mib(), "series": series}))


def spawn(variant: str, path: Path, args) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", variant, "--corpus", str(path),
           "--entries", str(args.entries), "--data", str(args.data), "--cache", str(args.cache)]
    if args.lexicons:
        cmd += ["--lexicons", args.lexicons]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"child {variant} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------- report
def environment() -> dict:
    import platform

    import numpy
    import pandas

    try:
        from importlib.metadata import version

        acrs = version("ahocorasick-rs")
    except Exception:  # pragma: no cover
        acrs = "?"
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return {"date": time.strftime("%Y-%m-%d"), "python": platform.python_version(), "cpu": cpu,
            "cores": os.cpu_count(), "numpy": numpy.__version__, "pandas": pandas.__version__,
            "ahocorasick-rs": acrs, "code": bc.framing_fingerprint(),
            "machine": bc.load_note()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="End-to-end throughput and peak RSS of framing.count/score.")
    ap.add_argument("--size-mb", type=float, default=None, help="corpus size for the timings (default 20)")
    ap.add_argument("--big-mb", type=float, default=None,
                    help="larger corpus for the count RSS scaling check (default 10 x --size-mb)")
    ap.add_argument("--entries", type=int, default=2_000, help="lexicon size (default 2000)")
    ap.add_argument("--lexicons", default=None,
                    help="comma-separated lexicon names or files (e.g. loaded_language,libya) instead of the "
                         "generated lexicon: real lexicons give a mention every few hundred characters, the "
                         "generated one every ~90")
    ap.add_argument("--quick", action="store_true", help="2 MB corpus (20 MB for the RSS check): a smoke run")
    ap.add_argument("--no-big", action="store_true", help="skip the large-corpus RSS check")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each variant, the best reported (default 3)")
    ap.add_argument("--no-rss", action="store_true", help="skip all RSS subprocesses")
    ap.add_argument("--formats", default="jsonl,csv,parquet",
                    help="input formats for score's peak RSS on both corpora, comma-separated ('' for none)")
    ap.add_argument("--variants", default=None,
                    help=f"comma-separated subset of {','.join(ALL_VARIANTS)} (floor is always run)")
    bc.add_common_args(ap)
    ap.add_argument("--child", choices=ALL_VARIANTS, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        child(args.child, args.corpus, args)
        return 0

    bc.data_or_exit(args.data)
    size = args.size_mb if args.size_mb is not None else (2 if args.quick else 20)
    big = args.big_mb if args.big_mb is not None else 10 * size

    import framing

    env = environment()
    print("environment: " + ", ".join(f"{k} {v}" for k, v in env.items()), flush=True)
    t = time.perf_counter()
    path, meta = bc.build_corpus(size, args.data, args.cache)
    print(f"corpus: {path.name}: {meta['n_docs']:,} documents, {meta['text_bytes'] / 1e6:.1f} MB of text "
          f"({meta['file_bytes'] / 1e6:.1f} MB file) [{time.perf_counter() - t:.1f} s to build/find]", flush=True)
    t = time.perf_counter()
    lexicon = lexicons_of(args)
    t_lex = time.perf_counter() - t
    t = time.perf_counter()
    matcher = framing.compile_lexicons(lexicon)
    t_compile = time.perf_counter() - t
    n_entries = sum(len(lx.entries) for lx in matcher.lexicons)
    what = f"{args.lexicons} ({n_entries:,} entries)" if args.lexicons else f"{n_entries:,} entries, generated"
    print(f"lexicon: {what} (made in {t_lex:.1f} s; validated + compiled in {t_compile * 1000:.0f} ms)", flush=True)

    mb = meta["text_bytes"] / 1e6
    path.read_bytes()  # warm the OS file cache so that the first variant is not penalised
    results: dict[str, dict] = {}
    VARIANTS = variants()
    if args.variants:
        wanted = {"floor", *args.variants.split(",")}
        VARIANTS = tuple(v for v in VARIANTS if v in wanted)
    jobs = {
        "floor": lambda: run_floor(path),
        "count": lambda: run_count(path, matcher),
        **{v: (lambda v=v: run_score(path, matcher, **SCORE_KWARGS[v])) for v in VARIANTS if v in SCORE_KWARGS},
    }
    print(f"warm-up on the first 50 documents: {warm_up(path, matcher, VARIANTS):.1f} s", flush=True)
    for name, job in jobs.items():
        times = []
        for _ in range(max(1, args.repeat)):
            t = time.perf_counter()
            n, total = job()
            times.append(time.perf_counter() - t)
        dt = min(times)
        results[name] = {"docs": n, "total": total, "seconds": dt, "all_seconds": times}
        what = "chars" if name == "floor" else "mentions"
        print(f"  {LABELS[name]:<34} {dt:7.2f} s  {mb / dt:7.2f} MB/s  {n / dt:8.0f} docs/s  ({total:,} {what}; "
              f"best of {', '.join(f'{x:.2f}' for x in times)} s)", flush=True)

    counts = {k: results[k]["total"] for k in VARIANTS if k != "floor"}
    if len(set(counts.values())) != 1:
        print(f"WARNING: mention totals differ between count and score: {counts}")
    if any(results[k]["docs"] != meta["n_docs"] for k in results):
        print(f"WARNING: documents read differ from the {meta['n_docs']} written: "
              f"{ {k: r['docs'] for k, r in results.items()} }")

    rss: dict[str, dict] = {}
    big_meta = None
    if not args.no_rss:
        print("peak RSS, one fresh subprocess per variant:", flush=True)
        for name in VARIANTS:
            rss[name] = spawn(name, path, args)
            r = rss[name]
            print(f"  {LABELS[name]:<34} peak {r['peak_mib']:7.1f} MiB (before reading: {r['base_mib']:.1f}) "
                  f"[{r['seconds']:.1f} s]", flush=True)
        if not args.no_big:
            t = time.perf_counter()
            big_path, big_meta = bc.build_corpus(big, args.data, args.cache)
            print(f"corpus: {big_path.name}: {big_meta['n_docs']:,} documents, {big_meta['text_bytes'] / 1e6:.1f} MB "
                  f"of text [{time.perf_counter() - t:.1f} s to build/find]", flush=True)
            rss["count-big"] = spawn("count", big_path, args)
            r = rss["count-big"]
            print(f"  count on {big:g} MB: peak {r['peak_mib']:.1f} MiB (before reading: {r['base_mib']:.1f}) "
                  f"[{r['seconds']:.1f} s, {big_meta['text_bytes'] / 1e6 / r['seconds']:.2f} MB/s]", flush=True)
            if r.get("series"):
                print(f"  RSS after each chunk (MiB): {' '.join(f'{x:.0f}' for x in r['series'])}", flush=True)
        formats = [f.strip() for f in args.formats.split(",") if f.strip()]
        if formats and not args.no_big:
            import bench_jobs  # (writes the CSV and Parquet files beside the JSON Lines file, once)

            kinds = {"jsonl": "score", "csv": "score-csv", "parquet": "score-parquet"}
            for fmt in formats:
                for label, p in ((f"{mb:.0f} MB", path), (f"{big_meta['text_bytes'] / 1e6:.0f} MB", big_path)):
                    src = bench_jobs.source(kinds[fmt], p)
                    r = spawn("score-sent", src, args)
                    rss[f"format {fmt} {label}"] = r
                    print(f"  score of the {label} {fmt} file: peak {r['peak_mib']:.1f} MiB (before reading: "
                          f"{r['base_mib']:.1f}) [{r['seconds']:.1f} s]", flush=True)

    # ---------------------------------------------------------------- Markdown
    print(f"at the end: {bc.load_note()}")
    floor_s = results["floor"]["seconds"]
    print()
    lex_label = f"lexicons {args.lexicons} ({n_entries:,} entries)" if args.lexicons else f"{n_entries:,}-entry lexicon"
    print(f"### framing end to end, {mb:.1f} MB ({meta['n_docs']:,} documents), {lex_label}, "
          f"{env['date']}, {env['cores']} cores ({env['cpu']}), Python {env['python']}")
    print()
    print("| variant | seconds | MB/s | docs/s | time / floor | mentions | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in VARIANTS:
        r = results[name]
        peak = f"{rss[name]['peak_mib']:.0f}" if name in rss else "-"
        ment = "-" if name == "floor" else f"{r['total']:,}"
        print(f"| {LABELS[name]} | {r['seconds']:.2f} | {mb / r['seconds']:.2f} | {r['docs'] / r['seconds']:,.0f} | "
              f"{r['seconds'] / floor_s:.1f}x | {ment} | {peak} |")
    if "count-big" in rss:
        small, large = rss["count"], rss["count-big"]
        print()
        print("### framing.count peak RSS vs corpus size (fresh process each, stream consumed, nothing kept)")
        print()
        print("| corpus | documents | chunks | peak RSS MiB | RSS before reading MiB | peak growth MiB | "
              "RSS after each chunk MiB: first / max / last | seconds | MB/s |")
        print("|---|---:|---:|---:|---:|---:|---|---:|---:|")
        for label, r, m in ((f"{mb:.0f} MB", small, meta), (f"{big_meta['text_bytes'] / 1e6:.0f} MB", large, big_meta)):
            ser = r.get("series") or []
            after = f"{ser[0]:.0f} / {max(ser):.0f} / {ser[-1]:.0f}" if ser else "-"
            print(f"| {label} | {m['n_docs']:,} | {len(ser)} | {r['peak_mib']:.0f} | {r['base_mib']:.0f} | "
                  f"{r['peak_mib'] - r['base_mib']:.0f} | {after} | {r['seconds']:.1f} | "
                  f"{m['text_bytes'] / 1e6 / r['seconds']:.2f} |")
        print()
        print(f"peak ratio {big_meta['text_bytes'] / meta['text_bytes']:.0f}x corpus: "
              f"{large['peak_mib'] / small['peak_mib']:.2f}x")
        from framing.corpus import CHUNK_ROWS

        fmts = [k.split()[1] for k in rss if k.startswith("format ")][::2]
        if fmts:
            print()
            print("### framing.score peak RSS by input file (fresh process each, stream consumed, nothing kept)")
            print()
            big_label = f"{big_meta['text_bytes'] / 1e6:.0f} MB"
            print(f"| file | {mb:.0f} MB: peak RSS MiB | {big_label}: peak RSS MiB | ratio | {big_label}: seconds |")
            print("|---|---:|---:|---:|---:|")
            for fmt in fmts:
                a, b = rss[f"format {fmt} {mb:.0f} MB"], rss[f"format {fmt} {big_label}"]
                print(f"| {fmt} | {a['peak_mib']:.0f} | {b['peak_mib']:.0f} | {b['peak_mib'] / a['peak_mib']:.2f}x | "
                      f"{b['seconds']:.1f} |")
        if meta["n_docs"] < 2 * CHUNK_ROWS:
            print(f"(note: framing reads {CHUNK_ROWS:,} documents per chunk and the peak is set by one chunk; "
                  f"the {mb:.1f} MB corpus has {meta['n_docs']:,} documents, so it does not fill two chunks and "
                  "its peak is lower than the steady state)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
