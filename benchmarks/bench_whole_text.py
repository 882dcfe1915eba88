"""Voice attribution reading a text whole against reading only around its mentions, by text length
and mention spacing: where ``framing.score`` should switch from one to the other.

``framing.score`` gives voice attribution (``framing.voice._Doc``) the offsets around each mention
of a text, so that only the lines and sentences holding them are split and tokenised; or, where a
text has a mention every ``framing.score._WHOLE_TEXT_CHARS`` characters or closer, nothing, so that
the text is tokenised whole (the voices are the same either way: tests/test_score.py). This script
times both readings (``_Doc`` and ``_segments``, as ``score`` runs them, the sentence spans given)
on pieces of Article-Bias-Prediction text cut to 1,000-32,000 characters, with evenly spaced
mentions 100-3,000 characters apart, and prints the time of each per text and their ratio (CPU time,
best of ``--repeat`` runs, the two readings in turn). Usage::

    python benchmarks/bench_whole_text.py [--texts 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus as bc  # noqa: E402  (benchmarks/corpus.py; also puts the repo on sys.path)

LENGTHS = (1_000, 2_000, 4_000, 8_000, 16_000, 32_000)
SPACINGS = (100, 300, 700, 1_000, 3_000)


def pieces(path: Path, length: int, spacing: int, n: int) -> list[tuple[str, list[int], list]]:
    """``n`` texts of ``length`` characters cut from the corpus, each with a mention (three offsets:
    first, middle, last character) every ``spacing`` characters, and its sentence spans."""
    from framing.sentences import sentence_spans

    joined = "\n\n".join(t for _, _, t in bc.iter_jsonl_texts(path))
    step = max(1, (len(joined) - length) // n)
    out = []
    for k in range(n):
        text = joined[k * step:k * step + length]
        m = max(1, length // spacing)
        firsts = [int((j + 0.5) * length / m) for j in range(m)]
        around = firsts + [p + 3 for p in firsts] + [p + 6 for p in firsts]
        out.append((text, around, sentence_spans(text)))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    bc.add_common_args(parser)
    parser.add_argument("--texts", type=int, default=200, help="texts per length and spacing (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each reading (default 3)")
    args = parser.parse_args(argv)
    bc.data_or_exit(args.data)
    voice = importlib.import_module("framing.voice")
    score = importlib.import_module("framing.score")
    path, _meta = bc.build_corpus(20.0, args.data, args.cache)
    att = voice.Attribution.default()

    def run(docs, whole: bool) -> float:
        t = time.process_time()
        for text, around, spans in docs:
            d = voice._Doc(text, att, None if whole else around, spans)
            voice._segments(d, [], sorted(set(around)))
        return (time.process_time() - t) / len(docs) * 1e6

    print(f"### voice attribution per text, whole against around mentions ({args.texts} texts each, "
          f"best of {args.repeat}; score reads whole below {score._WHOLE_TEXT_CHARS} characters per mention)\n")
    print("| characters | characters per mention | around mentions, us | whole, us | whole / around |")
    print("|---:|---:|---:|---:|---:|")
    for length in LENGTHS:
        for spacing in SPACINGS:
            if spacing > length:
                continue
            docs = pieces(path, length, spacing, args.texts)
            times = {False: [], True: []}
            for k in range(args.repeat):
                for whole in ((False, True) if k % 2 == 0 else (True, False)):
                    times[whole].append(run(docs, whole))
            around, whole = min(times[False]), min(times[True])
            print(f"| {length:,} | {spacing:,} | {around:.1f} | {whole:.1f} | {whole / around:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
