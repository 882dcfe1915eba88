"""Shared helpers for the benchmarks: a deterministic corpus and a deterministic lexicon.

Both are built from the Article Bias Prediction (ABP) articles, one JSON file per article
(``content_original`` = text, ``source`` = outlet), which live OUTSIDE the repository, in
``shared/data/article-bias-prediction/jsons`` beside the work tree. No text from it is ever
written into the repository: generated files go to ``benchmarks/.cache/`` (git-ignored).

* :func:`build_corpus` writes a JSON Lines corpus (fields ``doc_id``, ``outlet``, ``text``) of the
  ABP texts, in file-name order, repeated until the texts add up to a target size in MB
  (1 MB = 10**6 bytes of UTF-8 text, counting the ``text`` field only).
* :func:`make_lexicon` builds a lexicon of N entries (``random.Random(0)``) from the corpus
  vocabulary: ~60 % single words, ~30 % two- and three-word phrases taken from real adjacent words
  of the corpus (so they match), 10 % prefix wildcards, spread over 20 categories.

Run it on its own to build the default files and print what was built::

    python benchmarks/corpus.py [--size-mb 20] [--entries 2000] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DATA = REPO / ".." / "shared" / "data" / "article-bias-prediction" / "jsons"
DEFAULT_CACHE = HERE / ".cache"
N_CATEGORIES = 20
LEXICON_SIZES = (100, 1_000, 2_000, 10_000)

# Tokens: the same definition as the trie baseline in bench_engines.py.
TOKEN_RE = re.compile(r"\w+(?:'\w+)*")
_LEX_WORD_RE = re.compile(r"[a-z]+")  # lexicon words are plain ASCII letters
# Typographic apostrophes, read as ' when collecting the vocabulary (so that "don’t" is one token
# and no "t turn" or "shouldn" ends up in a lexicon).
_APOSTROPHES = str.maketrans({ch: "'" for ch in "\u2019\u2018\u02bc\u2032\uff07\u201b"})

if str(REPO) not in sys.path:  # use the framing package of this work tree, installed or not
    sys.path.insert(0, str(REPO))


class DataMissing(Exception):
    """The ABP folder is not there."""


def add_common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder of ABP .json files (default: %(default)s)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help="where generated corpora and lexicons go (default: benchmarks/.cache)")


def data_or_exit(data: Path) -> Path:
    """Return the data folder, or print a clear message and exit 0 when it is missing."""
    data = Path(data)
    if not data.is_dir() or not any(data.glob("*.json")):
        print(f"ABP data not found at {data.resolve()} (need a folder of .json files with "
              "'content_original' and 'source').\nPass --data DIR to point at it. Nothing benchmarked.")
        sys.exit(0)
    return data


# ------------------------------------------------------------------------------------- ABP texts
def load_articles(data: Path) -> list[tuple[str, str, str]]:
    """``(file stem, outlet, text)`` for every ABP article with a non-blank text, by file name."""
    data = Path(data)
    files = sorted(data.glob("*.json"))
    if not files:
        raise DataMissing(str(data))
    out = []
    for p in files:
        with open(p, encoding="utf-8") as f:
            rec = json.load(f)
        text = rec.get("content_original") or ""
        if text.strip():
            out.append((p.stem, str(rec.get("source") or "unknown"), text))
    return out


# ------------------------------------------------------------------------------------- corpus
def _ensure_cache(cache: Path) -> Path:
    """Create the cache folder with a .gitignore that keeps its contents out of git."""
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    ignore = cache / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# generated corpora, vocabulary and lexicons (built from the ABP data): never commit\n"
                          "*\n!.gitignore\n")
    return cache


def build_corpus(size_mb: float, data: Path = DEFAULT_DATA, cache: Path = DEFAULT_CACHE) -> tuple[Path, dict]:
    """Write (once; later calls reuse it) a JSON Lines corpus of ``size_mb`` MB of text.

    Returns the path and its metadata: ``n_docs``, ``text_bytes`` (UTF-8 bytes of the ``text``
    fields), ``file_bytes``, ``reps`` (how many passes over the ABP texts).
    """
    cache = _ensure_cache(cache)
    name = f"abp_{_num(size_mb)}mb"
    path, meta_path = cache / f"{name}.jsonl", cache / f"{name}.meta.json"
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("file_bytes") == path.stat().st_size:
            return path, meta
    articles = load_articles(data)
    target = int(size_mb * 1_000_000)
    total = n = rep = 0
    tmp = path.with_suffix(".jsonl.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        while total < target:
            for i, (_stem, outlet, text) in enumerate(articles):
                f.write(json.dumps({"doc_id": f"{i}-{rep}", "outlet": outlet, "text": text}, ensure_ascii=False))
                f.write("\n")
                total += len(text.encode("utf-8"))
                n += 1
                if total >= target:
                    break
            rep += 1
    os.replace(tmp, path)
    meta = {"size_mb": size_mb, "n_docs": n, "text_bytes": total, "file_bytes": path.stat().st_size,
            "reps": rep, "n_articles": len(articles)}
    meta_path.write_text(json.dumps(meta, indent=1))
    return path, meta


def iter_jsonl_texts(path: Path):
    """``(doc_id, outlet, text)`` of a corpus written by :func:`build_corpus`."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            yield rec["doc_id"], rec["outlet"], rec["text"]


def read_text_slice(path: Path, mb: float) -> list[str]:
    """The first documents of a corpus whose texts add up to at least ``mb`` MB."""
    out, total = [], 0
    for _, _, text in iter_jsonl_texts(path):
        out.append(text)
        total += len(text.encode("utf-8"))
        if total >= mb * 1_000_000:
            break
    return out


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", "p")


# ------------------------------------------------------------------------------------- vocabulary
def vocabulary(data: Path = DEFAULT_DATA, cache: Path = DEFAULT_CACHE) -> dict:
    """Word and phrase statistics of the ABP texts (cached in ``cache/abp_vocab.json``).

    ``words``: lexicon-eligible words (ASCII letters, length >= 4) ranked by frequency (ties by
    word), with the 100 most frequent of them removed. ``phrases``: adjacent word pairs and triples
    (tokens separated by whitespace only, all words ASCII letters, at least one of them an eligible
    word) seen at least 3 times, ranked the same way. Typographic apostrophes count as ``'``.
    """
    cache = Path(cache)
    path = cache / "abp_vocab.json"
    if path.exists():
        return json.loads(path.read_text())
    words: Counter = Counter()
    phrases: Counter = Counter()
    for _stem, _outlet, text in load_articles(data):
        low = text.lower().translate(_APOSTROPHES)
        toks = [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(low)]
        clean = [bool(_LEX_WORD_RE.fullmatch(t)) for t, _, _ in toks]
        for (t, _, _), ok in zip(toks, clean):
            if ok and len(t) >= 4:
                words[t] += 1
        # ws[i]: tokens i and i+1 are separated by whitespace only
        ws = [low[toks[i][2]:toks[i + 1][1]].isspace() for i in range(len(toks) - 1)]
        for i in range(len(toks) - 1):
            if not (clean[i] and clean[i + 1] and ws[i]):
                continue
            phrases[(toks[i][0], toks[i + 1][0])] += 1
            if i + 2 < len(toks) and clean[i + 2] and ws[i + 1]:
                phrases[(toks[i][0], toks[i + 1][0], toks[i + 2][0])] += 1
    ranked = sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))
    top = {w for w, _ in ranked[:100]}
    eligible = [w for w, c in ranked[100:] if c >= 2]
    elig_set = set(eligible)
    phr = sorted(((p, c) for p, c in phrases.items() if c >= 3 and any(w in elig_set for w in p)),
                 key=lambda kv: (-kv[1], kv[0]))
    vocab = {"top100": sorted(top), "words": eligible, "word_counts": [words[w] for w in eligible],
             "phrases": [" ".join(p) for p, _ in phr]}
    _ensure_cache(cache)
    path.write_text(json.dumps(vocab))
    return vocab


# ------------------------------------------------------------------------------------- lexicon
def lexicon_terms(n_entries: int = 2_000, data: Path = DEFAULT_DATA, cache: Path = DEFAULT_CACHE) -> list[tuple[str, str]]:
    """``(term, category)`` pairs: the deterministic benchmark lexicon of ``n_entries`` entries.

    Words are drawn uniformly from the eligible words ranked 101 to 100 + max(20,000, 4 N) by
    frequency; phrases uniformly from the 50,000 (or 10 N) most frequent real pairs and triples;
    wildcards are a 4-6 letter prefix of an eligible word followed by ``*``. No term appears twice
    (compared lower-cased, wildcard ``*`` included, so ``gove*`` and ``gove`` are different terms).
    """
    vocab = vocabulary(data, cache)
    rng = random.Random(0)
    words = vocab["words"][: max(20_000, 4 * n_entries)]
    phrases = vocab["phrases"][: max(50_000, 10 * n_entries)]
    n_phrase = round(0.3 * n_entries)
    n_wild = round(0.1 * n_entries)
    n_single = n_entries - n_phrase - n_wild
    seen: set[str] = set()
    terms: list[str] = []

    def take(kind: str, count: int) -> None:
        got = tries = 0
        while got < count:
            tries += 1
            if tries > 100 * count + 1000:
                raise RuntimeError(f"cannot draw {count} distinct {kind} terms from the vocabulary")
            if kind == "word":
                term = rng.choice(words)
            elif kind == "phrase":
                term = rng.choice(phrases)
            else:
                w = rng.choice(words)
                k = rng.randint(4, 6)
                if len(w) < k:
                    continue
                term = w[:k] + "*"
            if term.lower() in seen:
                continue
            seen.add(term.lower())
            terms.append(term)
            got += 1

    take("word", n_single)
    take("phrase", n_phrase)
    take("wildcard", n_wild)
    rng.shuffle(terms)
    return [(t, f"c{rng.randrange(N_CATEGORIES):02d}") for t in terms]


def make_lexicon(n_entries: int = 2_000, data: Path = DEFAULT_DATA, cache: Path = DEFAULT_CACHE, name: str = "bench"):
    """The benchmark lexicon as a :class:`framing.lexicon.Lexicon` (20 categories ``c00``..``c19``)."""
    from framing.lexicon import Category, Entry, Lexicon

    cats = {f"c{i:02d}": Category(f"c{i:02d}") for i in range(N_CATEGORIES)}
    entries = [Entry(term=t, category=c) for t, c in lexicon_terms(n_entries, data, cache)]
    return Lexicon(name=name, categories=cats, entries=entries)


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB.

    On Linux this is ``VmHWM`` from ``/proc/self/status``: ``ru_maxrss`` is NOT used there because
    Linux carries it across fork + exec, so a fresh child started by a big parent reports at least
    the parent's RSS at fork time (every variant then showed the same number). Elsewhere:
    ``resource.getrusage(RUSAGE_SELF).ru_maxrss``.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def framing_fingerprint() -> str:
    """framing's version and the SHA-1 of its sources, so that numbers can be tied to a code state."""
    import hashlib

    import framing

    h = hashlib.sha1()
    root = Path(framing.__file__).resolve().parent
    for p in sorted(root.rglob("*.py")):
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes())
    return f"framing {framing.__version__} (sources sha1 {h.hexdigest()[:10]})"


def load_note() -> str:
    """The 1-minute load average and the core count, to judge whether timings were disturbed."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return "load average unknown"
    cores = os.cpu_count() or 1
    warn = " (machine busy: timings are pessimistic)" if load > 0.5 * cores else ""
    return f"load average {load:.2f} on {cores} cores{warn}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=20)
    ap.add_argument("--entries", type=int, default=2_000)
    add_common_args(ap)
    args = ap.parse_args(argv)
    data_or_exit(args.data)
    path, meta = build_corpus(args.size_mb, args.data, args.cache)
    print(f"corpus: {path} {meta}")
    terms = lexicon_terms(args.entries, args.data, args.cache)
    kinds = Counter("wildcard" if t.endswith("*") else "phrase" if " " in t else "word" for t, _ in terms)
    print(f"lexicon: {len(terms)} entries {dict(kinds)}; {len({c for _, c in terms})} categories; "
          f"first ten: {[t for t, _ in terms[:10]]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
