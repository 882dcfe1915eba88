"""This checkout's ``framing.score`` against another version's, in one process, runs in turn.

On a shared machine the speed of a run drifts by a quarter from minute to minute, so two versions
timed one after the other can differ by more than a change does. This script imports the other
version under another name (``framing_base``, from a second checkout, such as a ``git worktree`` of
an older commit with its C extension built), then times ``score`` of both on the same corpus and
lexicon, alternating which goes first, and reports the best and median time of each and their
ratios (CPU time of this process: time stolen by other machines is not counted). It checks first
that both give equal tables. Usage::

    git worktree add /tmp/base da56662
    (cd /tmp/base && gcc -O3 -shared -fPIC $(python3-config --includes) framing/_ckernels.c \\
        -o framing/_ckernels$(python3-config --extension-suffix))
    python benchmarks/bench_compare.py --against /tmp/base [--lexicons loaded_language,libya]
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus as bc  # noqa: E402  (benchmarks/corpus.py; also puts the repo on sys.path)

BASE = "framing_base"


def import_base(checkout: Path):
    """The ``framing`` package of ``checkout`` imported as :data:`BASE` (its modules import one
    another relatively, so the package works under another name)."""
    package = checkout / "framing"
    if not (package / "__init__.py").is_file():
        sys.exit(f"{checkout}: no framing package there (give the top folder of a framing checkout)")
    if not list(package.glob("_ckernels*.so")) + list(package.glob("_ckernels*.pyd")):
        print(f"note: {package} has no built C extension; its Python readings will be timed", file=sys.stderr)
    holder = Path(tempfile.mkdtemp(prefix="framing-compare-"))
    atexit.register(shutil.rmtree, holder, True)
    (holder / BASE).symlink_to(package.resolve(), target_is_directory=True)
    sys.path.insert(0, str(holder))
    return importlib.import_module(BASE)


def matcher_for(name: str, lexicons, entries: int, args):
    """The compiled lexicons of package ``name``: the shipped or given ones, else the generated
    benchmark lexicon rebuilt with that package's own classes."""
    score = importlib.import_module(f"{name}.score")
    if lexicons:
        # (compiled here, not through the cache of compiled lexicons, which both versions share: an
        # entry pickled by one would come back as the other's classes)
        lex = importlib.import_module(f"{name}.lexicon")
        return importlib.import_module(f"{name}.matcher").CompiledMatcher([lex.load_lexicon(x) for x in lexicons])
    ours = bc.make_lexicon(entries, args.data, args.cache)
    lex = importlib.import_module(f"{name}.lexicon")
    theirs = lex.Lexicon(name=ours.name, categories={c: lex.Category(c) for c in ours.categories},
                         entries=[lex.Entry(term=e.term, category=e.category) for e in ours.entries])
    return score.compile_lexicons(theirs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    bc.add_common_args(parser)
    parser.add_argument("--against", type=Path, required=True, help="top folder of the other framing checkout")
    parser.add_argument("--size-mb", type=float, default=20.0)
    parser.add_argument("--entries", type=int, default=2_000)
    parser.add_argument("--lexicons", default="", help="shipped lexicon names or files, comma-separated "
                                                        "(default: the generated benchmark lexicon)")
    parser.add_argument("--no-sentences", action="store_true", help="score without the sentence index")
    parser.add_argument("--repeat", type=int, default=10, help="runs of each version (default 10)")
    args = parser.parse_args(argv)
    bc.data_or_exit(args.data)
    import pandas as pd

    base = import_base(args.against)
    path, meta = bc.build_corpus(args.size_mb, args.data, args.cache)
    lexicons = [x.strip() for x in args.lexicons.split(",") if x.strip()]
    kwargs = {"sentences": not args.no_sentences, "progress": False}
    versions = {}
    for name in (BASE, "framing"):
        versions[name] = (importlib.import_module(f"{name}.score"), matcher_for(name, lexicons, args.entries, args))
    print(f"this checkout: {Path(importlib.import_module('framing').__file__).parent.parent}; "
          f"against: {Path(base.__file__).parent.parent}")
    results = {name: sc.score(path, m, **kwargs) for name, (sc, m) in versions.items()}
    for table in ("documents", "mentions", "descriptors", "skipped"):
        pd.testing.assert_frame_equal(getattr(results[BASE], table), getattr(results["framing"], table))
    print(f"tables equal: {len(results['framing'].mentions):,} mentions, "
          f"{len(results['framing'].descriptors):,} descriptors")
    del results

    def run(name: str) -> float:
        sc, m = versions[name]
        t = time.process_time()
        for _chunk in sc.iter_score(path, m, **kwargs):
            pass
        return time.process_time() - t

    times = {name: [] for name in versions}
    for k in range(args.repeat):
        for name in (list(versions) if k % 2 == 0 else list(versions)[::-1]):
            times[name].append(run(name))
    mb = meta["text_bytes"] / 1e6  # (MB of text, as bench_score.py counts them)
    print(f"\n### score, {mb:.1f} MB of text, {'lexicons ' + args.lexicons if lexicons else f'{args.entries:,}-entry lexicon'}, "
          f"{args.repeat} runs each in turn (CPU seconds)\n")
    print("| version | best s | median s | best MB/s |\n|---|---:|---:|---:|")
    for name, ts in times.items():
        print(f"| {'this checkout' if name == 'framing' else 'against'} | {min(ts):.3f} | {statistics.median(ts):.3f} | "
              f"{mb / min(ts):.1f} |")
    best = min(times[BASE]) / min(times["framing"])
    median = statistics.median(times[BASE]) / statistics.median(times["framing"])
    # (each run against the other version's run next to it: a drift in the machine's speed over
    # the runs, which moves both alike, cancels out)
    paired = statistics.median(b / f for b, f in zip(times[BASE], times["framing"]))
    print(f"\nspeed of this checkout / the other: {best:.3f}x (best), {median:.3f}x (median), "
          f"{paired:.3f}x (median of the {args.repeat} ratios of runs side by side)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
