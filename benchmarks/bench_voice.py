"""Cost of voice attribution and descriptor extraction relative to plain scoring, on the same text.

Runs, in one process and on the same Article-Bias-Prediction articles (default: the first 4 MB of
text, sorted by file name):

* ``match``: ``framing.score(..., sentences=False, voice=False)`` (matching, tokens, offsets);
* ``sentences``: ``framing.score(..., sentences=True, voice=False)`` (adds NLTK Punkt sentences);
* ``full``: ``framing.score(...)`` (adds voice, negation/hedging and descriptors);

and prints MB/s and each ratio to ``match``. Usage::

    python benchmarks/bench_voice.py [--mb 4] [--data ../shared/data/article-bias-prediction]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

import framing

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "article-bias-prediction"


def load(data: Path, mb: float) -> pd.DataFrame:
    rows, size = [], 0
    for path in sorted((data / "jsons").glob("*.json")):
        art = json.loads(path.read_text(encoding="utf-8"))
        text = art.get("content_original") or ""
        if not text.strip():
            continue
        rows.append({"doc_id": art["ID"], "outlet": art["source"], "text": text})
        size += len(text)
        if size >= mb * 1e6:
            break
    return pd.DataFrame(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=4.0)
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args()
    if not (args.data / "jsons").is_dir():
        print(f"data not found at {args.data}; pass --data", file=sys.stderr)
        return 0
    docs = load(args.data, args.mb)
    mb = docs["text"].str.len().sum() / 1e6
    lexicons = framing.compile_lexicons(["libya", "loaded_language"])
    framing.score(docs.head(20), lexicons)  # warm up (lexicons, Punkt, attribution lists)
    runs = {
        "match": dict(sentences=False, voice=False),
        "sentences": dict(sentences=True, voice=False),
        "full": dict(sentences=True, voice=True),
    }
    seconds = {}
    for name, kw in runs.items():
        t = time.perf_counter()
        res = framing.score(docs, lexicons, progress=False, **kw)
        seconds[name] = time.perf_counter() - t
        print(f"{name:10s} {mb / seconds[name]:7.2f} MB/s  {len(res.mentions):7d} mentions  "
              f"{len(res.descriptors):6d} descriptors  ratio to match {seconds[name] / seconds['match']:.1f}x")
    print(f"{len(docs)} documents, {mb:.1f} MB of text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
