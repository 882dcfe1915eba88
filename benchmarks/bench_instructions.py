"""Instructions executed by one ``framing.score``, counted by Valgrind's callgrind: a measure of a
change that the machine's drift does not move.

On this project's benchmark machine the speed of a run drifts by a quarter to a half from minute to
minute, so a change of a few per cent cannot be timed. The number of instructions a run executes
does not drift: with the same inputs, ``PYTHONHASHSEED`` and one BLAS thread it repeats to within
0.01 % (15,000 instructions in 526 million in two runs). It is not time (a cache miss or a
mispredicted branch costs many instructions' worth), but a change that removes work shows up in
it.

Each version is run twice under callgrind, in fresh processes: once to import, compile the lexicon
and score the corpus once (filling the caches a second run finds full), once to do the same and
score it again. The difference is the instructions of one warm ``score``. ``--against DIR`` counts
another checkout too (a ``git worktree`` of an older commit with its C extension built, as for
``bench_compare.py``). Needs ``valgrind`` on the PATH (Linux; ``apt-get install valgrind``); the
default 2 MB corpus takes about a minute per process under it. Usage::

    python benchmarks/bench_instructions.py [--against /tmp/base] [--lexicons libya,loaded_language]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus as bc  # noqa: E402  (benchmarks/corpus.py; also puts the repo on sys.path)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# What runs under callgrind: the checkout's framing first on the path, the corpus scored once, then
# ``extra`` more times.
_CHILD = r"""
import sys
checkout, benchmarks, corpus, extra, lexicons, entries, data, cache = sys.argv[1:9]
sys.path.insert(0, checkout)
sys.path.insert(1, benchmarks)
import corpus as bc
import framing
from pathlib import Path
from framing.score import compile_lexicons
assert framing.__file__.startswith(checkout), framing.__file__
if lexicons:
    matcher = compile_lexicons(lexicons.split(","))
else:
    ours = bc.make_lexicon(int(entries), Path(data), Path(cache))
    from framing import lexicon as L
    matcher = compile_lexicons(L.Lexicon(name=ours.name, categories={c: L.Category(c) for c in ours.categories},
                                         entries=[L.Entry(term=e.term, category=e.category) for e in ours.entries]))
for _ in range(1 + int(extra)):
    framing.score(corpus, matcher, progress=False)
"""


def instructions(checkout: Path, corpus: Path, extra: int, args) -> int:
    """Instructions executed by a fresh process that scores ``corpus`` 1 + ``extra`` times."""
    with tempfile.TemporaryDirectory(prefix="framing-callgrind-") as tmp:
        out = Path(tmp) / "callgrind.out"
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c", _CHILD,
               str(checkout), str(HERE), str(corpus), str(extra), args.lexicons or "", str(args.entries),
               str(args.data), str(args.cache)]
        # (str hashes, hence set and dict layouts, repeat; one BLAS thread: OpenBLAS's idle threads
        # spin, and callgrind counts their instructions too, a few million that vary from run to
        # run; addresses not randomised where setarch can turn that off)
        env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        if shutil.which("setarch") and sys.platform.startswith("linux"):
            cmd = ["setarch", os.uname().machine, "-R", *cmd]
        run = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp)
        if run.returncode != 0:
            sys.exit(f"{checkout}: the run under callgrind failed:\n{run.stderr[-3000:]}")
        found = re.search(r"Collected : (\d+)", run.stderr)
        if found is None:
            sys.exit(f"{checkout}: callgrind printed no count of instructions:\n{run.stderr[-2000:]}")
        return int(found.group(1))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    bc.add_common_args(parser)
    parser.add_argument("--against", type=Path, help="top folder of another framing checkout to count too")
    parser.add_argument("--size-mb", type=float, default=2.0, help="corpus size (default 2)")
    parser.add_argument("--entries", type=int, default=2_000)
    parser.add_argument("--lexicons", help="shipped lexicon names or files, comma-separated (default: the "
                                           "generated benchmark lexicon)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not on the PATH: install it (e.g. apt-get install valgrind) to count instructions")
    bc.data_or_exit(args.data)
    corpus, meta = bc.build_corpus(args.size_mb, args.data, args.cache)
    what = args.lexicons or f"the generated {args.entries:,}-entry lexicon"
    print(f"corpus {corpus.name} ({meta['n_docs']:,} documents); lexicon: {what}")
    rows = []
    for name, checkout in (("this checkout", REPO), ("against", args.against)):
        if checkout is None:
            continue
        once, twice = (instructions(checkout.resolve(), corpus, extra, args) for extra in (0, 1))
        rows.append((name, twice - once))
        print(f"  {name}: {twice - once:,} instructions in one score")
    print(f"\n### Instructions of one `score`, {args.size_mb:g} MB, {what} (callgrind, PYTHONHASHSEED=0)\n")
    print("| version | instructions | per byte of text |")
    print("|---|---:|---:|")
    for name, n in rows:
        print(f"| {name} | {n:,} | {n / meta['text_bytes']:.0f} |")
    if len(rows) == 2:
        print(f"\nthis checkout / the other: {rows[0][1] / rows[1][1]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
