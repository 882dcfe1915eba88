"""framing's ``count`` against the usual ways of counting lexicon terms: one command (GitHub issue 7).

One process, one JSON Lines corpus (``corpus.build_corpus``), one lexicon (``corpus.lexicon_terms``:
60 % words, 30 % phrases, 10 % prefix wildcards ``word*``, 20 categories). Every variant runs END
TO END: read the JSONL, ``json.loads`` each line, lower-case where the tool needs it, and produce a
per-document per-category count matrix.

  floor            read + ``json.loads`` + ``str.lower()``, nothing else.
  count            ``framing.score.iter_count(path, matcher, jobs=1)`` consumed fully.
  count_jobs2      the same with ``jobs=2`` (worker processes).
  countvectorizer  scikit-learn ``CountVectorizer`` with a fixed vocabulary of the non-wildcard
                   terms, n-grams up to 3 words of ``\\w+`` tokens, then term -> category.
  flashtext        ``flashtext.KeywordProcessor`` (case-insensitive) with the non-wildcard terms.
  spacy            ``spacy.blank("en")`` tokenizer + ``PhraseMatcher(attr="LOWER")`` with the
                   non-wildcard terms, leftmost-longest overlap removal in Python.
  pyahocorasick    ``bench_engines.PyAhoCorasick`` (all terms, wildcards included) over
                   ``text.lower()``: word-boundary checks and longest match in Python.
  re               ``bench_engines.BigRegex``: one alternation, longest first, word-boundary
                   anchored, wildcards as ``\\w*``; on the first ``--regex-mb`` MB only (slow).
  empath           ``Empath().analyze(text.lower(), normalize=False)`` with Empath's own 194
                   categories: a speed reference only (a different job, not comparable counts).

Every variant is built once and run ``--repeat`` times (default 3) in a row, each after
``gc.collect()``; the best run counts, for every tool alike (on a shared machine other work only
ever slows a run down). For each: build
seconds (lexicon -> matcher, apart), seconds, MB/s (1 MB = 10**6 bytes of UTF-8
text in the ``text`` fields), documents/s, framing-count MB/s / tool MB/s, and the peak RSS of a
fresh Python process that ran only that variant (the script re-runs itself with ``--child NAME``).

Then: framing's counts against ``tests/reference_matcher.py`` on the first ~2 MB (exit status 1 if
any document differs), how far each baseline's totals are from framing's, and scaling with the
lexicon size (100, 1,000, 10,000 entries) and the corpus size (``--size-mb`` and 10x that; each
size twice in fresh processes: the whole table kept in memory as for the tools above, and each
chunk's table appended to a CSV file as the command line writes it, nothing kept). Markdown
tables at the end; every number also goes to ``benchmarks/.cache/bench_baselines.json``.

Usage::

    python benchmarks/bench_baselines.py               # 20 MB, 2,000 entries: ~5 minutes on 2 cores
    python benchmarks/bench_baselines.py --quick       # 2 MB smoke run (scaling on 2 and 20 MB)
    python benchmarks/bench_baselines.py --no-scaling

A baseline whose package is missing, or that fails, is skipped with a note.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus as bc  # noqa: E402  (benchmarks/corpus.py; also puts the repo on sys.path)
import bench_engines as be  # noqa: E402  (PyAhoCorasick and BigRegex)

CATS = [f"c{i:02d}" for i in range(bc.N_CATEGORIES)]
CAT_INDEX = {c: i for i, c in enumerate(CATS)}
CHECK_MB = 2.0  # text checked against the reference matcher...
CHECK_SECONDS = 50.0  # ...unless the reference takes longer than this
SCALING_ENTRIES = (100, 1_000, 10_000)
BIG_FACTOR = 10  # corpus scaling: --size-mb against this many times it
PACKAGES = ("numpy", "pandas", "ahocorasick-rs", "scipy", "scikit-learn", "flashtext", "spacy", "empath",
            "pyahocorasick")


@dataclass
class Setup:
    """What every variant gets: the corpus, the lexicon and the size of the regex slice."""

    path: Path
    meta: dict  # of the corpus: n_docs, text_bytes... (corpus.build_corpus)
    pairs: list[tuple[str, str]]  # (term, category) of the lexicon
    slice_docs: int  # documents in the first --regex-mb MB
    slice_bytes: int  # and their text bytes


@dataclass
class Counts:
    """A variant's output: one row of category counts per document read."""

    doc_ids: list[str]
    matrix: np.ndarray  # documents x categories (no columns for the floor)


@dataclass(frozen=True)
class Variant:
    """One way of counting: ``prepare(setup)`` builds the tool (timed apart), ``run(state, path)``
    does the end-to-end work that is timed."""

    name: str
    label: str
    module: str  # the package it needs
    terms: str  # which lexicon terms it gets: "all", "plain" (no wildcards), "none", "own"
    prepare: Callable[[Setup], object]
    run: Callable[[object, Path], Counts]
    limitation: str
    sliced: bool = False  # runs on the first --regex-mb MB only


# ------------------------------------------------------------------------------------- helpers
def read_docs(path: Path, limit: int | None = None) -> Iterator[tuple[str, str]]:
    """``(doc_id, text)`` of each line of the corpus, parsed with ``json.loads``; the first
    ``limit`` documents only when given."""
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if limit is not None and i >= limit:
                return
            rec = json.loads(line)
            yield rec["doc_id"], rec["text"]


def slice_info(path: Path, mb: float) -> tuple[int, int]:
    """Documents and text bytes of the first documents of ``path`` that reach ``mb`` MB of text."""
    n = total = 0
    for _, text in read_docs(path):
        if total >= mb * 1_000_000:
            break
        n += 1
        total += len(text.encode("utf-8"))
    return n, total


def plain_terms(pairs: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """The terms without a wildcard (what tools without prefix matching get), lower-cased with
    single spaces, each with its category index; first occurrence wins."""
    out: dict[str, int] = {}
    for term, cat in pairs:
        if "*" not in term:
            out.setdefault(" ".join(term.lower().split()), CAT_INDEX[cat])
    return list(out.items())


def category_row(indexes) -> np.ndarray:
    """Per-category counts from a list of category indexes."""
    return np.bincount(np.asarray(indexes, dtype=np.int64), minlength=len(CATS))


def stack(rows: list[np.ndarray], width: int = len(CATS)) -> np.ndarray:
    """Rows of counts as one integer matrix (also when there are none)."""
    return np.vstack(rows).astype(np.int64) if rows else np.zeros((0, width), dtype=np.int64)


def leftmost_longest(matches) -> list[tuple[int, int, int]]:
    """Non-overlapping ``(start, end, category)`` matches, left to right, the longest at each start:
    the overlap rule framing applies within a lexicon."""
    out, end = [], -1
    for s, e, c in sorted(matches, key=lambda m: (m[0], -m[1])):
        if s >= end:
            out.append((s, e, c))
            end = e
    return out


def bench_lexicon(pairs: list[tuple[str, str]]):
    """A framing Lexicon of ``(term, category)`` pairs, 20 categories (as ``corpus.make_lexicon``)."""
    from framing.lexicon import Category, Entry, Lexicon

    return Lexicon(name="bench", categories={c: Category(c) for c in CATS},
                   entries=[Entry(term=t, category=c) for t, c in pairs])


# ------------------------------------------------------------------------------------- variants
def run_floor(_state, path: Path) -> Counts:
    """Read, parse and lower-case every text; keep nothing but the ids."""
    ids = []
    for doc_id, text in read_docs(path):
        text.lower()  # the work measured: the floor every tool pays
        ids.append(doc_id)
    return Counts(ids, np.zeros((len(ids), 0), dtype=np.int64))


def prepare_framing(setup: Setup):
    """framing's compiled matcher for the benchmark lexicon."""
    from framing.score import compile_lexicons

    return compile_lexicons(bench_lexicon(setup.pairs))


def run_framing(matcher, path: Path, jobs: int = 1) -> Counts:
    """``iter_count`` consumed fully; its per-chunk tables joined into one matrix."""
    from framing.score import iter_count

    ids, rows = [], []
    for counts, _skipped in iter_count(path, matcher, jobs=jobs, progress=False):
        ids.extend(counts["doc_id"].tolist())
        rows.append(counts[CATS].to_numpy(dtype=np.int64))
    return Counts(ids, stack(rows))


def prepare_countvectorizer(setup: Setup):
    """A CountVectorizer whose fixed vocabulary is the non-wildcard terms, and a sparse
    term -> category matrix."""
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import CountVectorizer

    terms = plain_terms(setup.pairs)
    longest = max(len(t.split()) for t, _ in terms)
    vec = CountVectorizer(vocabulary={t: i for i, (t, _) in enumerate(terms)}, ngram_range=(1, longest),
                          token_pattern=r"(?u)\b\w+\b", lowercase=True, dtype=np.int64)
    to_cat = csr_matrix((np.ones(len(terms), dtype=np.int64), (np.arange(len(terms)), [c for _, c in terms])),
                        shape=(len(terms), len(CATS)))
    return vec, to_cat


def run_countvectorizer(state, path: Path) -> Counts:
    """``transform`` over the texts as they are read (it lower-cases them), then terms -> categories."""
    vec, to_cat = state
    ids = []

    def texts():
        for doc_id, text in read_docs(path):
            ids.append(doc_id)
            yield text

    x = vec.transform(texts())
    return Counts(ids, np.asarray((x @ to_cat).todense(), dtype=np.int64))


def prepare_flashtext(setup: Setup):
    """A case-insensitive KeywordProcessor with the non-wildcard terms (clean name = category)."""
    from flashtext import KeywordProcessor

    kp = KeywordProcessor(case_sensitive=False)
    for term, ci in plain_terms(setup.pairs):
        kp.add_keyword(term, CATS[ci])
    return kp


def run_flashtext(kp, path: Path) -> Counts:
    """``extract_keywords`` on each text (it lower-cases the text itself)."""
    ids, rows = [], []
    for doc_id, text in read_docs(path):
        ids.append(doc_id)
        rows.append(category_row([CAT_INDEX[c] for c in kp.extract_keywords(text)]))
    return Counts(ids, stack(rows))


def prepare_spacy(setup: Setup):
    """A blank English pipeline (tokenizer only) and a PhraseMatcher on LOWER, one match id per
    category."""
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    pm = PhraseMatcher(nlp.vocab, attr="LOWER")
    by_cat: dict[str, list[str]] = defaultdict(list)
    for term, ci in plain_terms(setup.pairs):
        by_cat[CATS[ci]].append(term)
    for cat, terms in by_cat.items():
        pm.add(cat, list(nlp.tokenizer.pipe(terms)))
    return nlp, pm, {nlp.vocab.strings.add(c): CAT_INDEX[c] for c in by_cat}


def run_spacy(state, path: Path) -> Counts:
    """``nlp.pipe`` over the texts, the PhraseMatcher on each, overlaps removed (leftmost-longest)."""
    nlp, pm, cat_of = state
    ids, rows = [], []

    def texts():
        for doc_id, text in read_docs(path):
            ids.append(doc_id)
            yield text

    for doc in nlp.pipe(texts(), batch_size=64):
        found = leftmost_longest((s, e, cat_of[m]) for m, s, e in pm(doc))
        rows.append(category_row([c for _, _, c in found]))
    return Counts(ids, stack(rows))


def prepare_pyahocorasick(setup: Setup):
    """bench_engines' pyahocorasick matcher over all terms, and each term's category index."""
    return be.PyAhoCorasick([t for t, _ in setup.pairs]), [CAT_INDEX[c] for _, c in setup.pairs]


def run_pyahocorasick(state, path: Path) -> Counts:
    """The automaton over each lower-cased text, boundaries and longest match checked in Python."""
    pa, cat = state
    ids, rows = [], []
    for doc_id, text in read_docs(path):
        ids.append(doc_id)
        rows.append(category_row([cat[i] for _, _, i in pa.find(text.lower())]))
    return Counts(ids, stack(rows))


def prepare_re(setup: Setup):
    """bench_engines' one-alternation regex over all terms, the categories, the slice size."""
    return be.BigRegex([t for t, _ in setup.pairs]), [CAT_INDEX[c] for _, c in setup.pairs], setup.slice_docs


def run_re(state, path: Path) -> Counts:
    """The alternation over each lower-cased text of the first --regex-mb MB."""
    rx, cat, limit = state
    ids, rows = [], []
    for doc_id, text in read_docs(path, limit):
        ids.append(doc_id)
        rows.append(category_row([cat[i] for _, _, i in rx.find(text.lower()) if i >= 0]))
    return Counts(ids, stack(rows))


def prepare_empath(_setup: Setup):
    """Empath with its built-in categories (read from its package data, no network); one call
    here, so that an Empath that cannot run fails before the timing."""
    from empath import Empath

    lexicon = Empath()
    lexicon.analyze("a warm up call", normalize=False)
    return lexicon, sorted(lexicon.cats)


def run_empath(state, path: Path) -> Counts:
    """``analyze`` on each lower-cased text (its tokenizer is ``str.split``, its words lower case)."""
    lexicon, cats = state
    ids, rows = [], []
    for doc_id, text in read_docs(path):
        ids.append(doc_id)
        found = lexicon.analyze(text.lower(), normalize=False)
        rows.append(np.asarray([found[c] for c in cats]))
    return Counts(ids, stack(rows, len(cats)))


VARIANTS = [
    Variant("floor", "floor: read JSONL + json.loads + str.lower", "json", "none",
            lambda setup: None, run_floor, "no matching at all"),
    Variant("count", "framing count (iter_count, jobs=1)", "framing", "all",
            prepare_framing, run_framing, "the reference semantics (see tests/reference_matcher.py)"),
    Variant("count_jobs2", "framing count (iter_count, jobs=2)", "framing", "all",
            prepare_framing, lambda m, path: run_framing(m, path, jobs=2),
            "the peak RSS in the table is the main process's; the workers' is printed below it"),
    Variant("countvectorizer", "scikit-learn CountVectorizer, fixed vocabulary, 1-3-grams", "sklearn", "plain",
            prepare_countvectorizer, run_countvectorizer,
            "no prefix wildcards (a vocabulary is exact n-grams); every n-gram counts, so a word inside a "
            "matched phrase counts again (no longest match); tokens are \\w+, so apostrophes and any "
            "punctuation split words and phrases run across punctuation and paragraph breaks"),
    Variant("flashtext", "flashtext KeywordProcessor", "flashtext", "plain",
            prepare_flashtext, run_flashtext,
            "no prefix wildcards; longest match, but word boundaries are ASCII letters, digits and _ only "
            "(an accented letter ends a word); a phrase must be spelled with exactly its spaces (no "
            "hyphen == space, no line break == space)"),
    Variant("spacy", "spaCy blank('en') + PhraseMatcher(attr=LOWER)", "spacy", "plain",
            prepare_spacy, run_spacy,
            "no prefix wildcards; spaCy's tokens: a hyphenated word is three tokens, so 'well-known' does not "
            "match 'well known'; all overlapping matches are returned, leftmost-longest applied in Python"),
    Variant("pyahocorasick", "pyahocorasick + Python boundary checks (bench_engines)", "ahocorasick", "all",
            prepare_pyahocorasick, run_pyahocorasick,
            "all terms; phrase words must be separated by exactly one space (no hyphen == space, "
            "no line breaks inside a phrase)"),
    Variant("re", "one re alternation, longest first, word boundaries (bench_engines)", "re", "all",
            prepare_re, run_re,
            "all terms, wildcards as \\w*; the first --regex-mb MB only; \\s+ between phrase words also "
            "crosses paragraph breaks; the first alternative that matches wins, not the longest overall",
            sliced=True),
    Variant("empath", "Empath analyze (its own 194 categories)", "empath", "own",
            prepare_empath, run_empath,
            "a different job: Empath's own categories over whitespace tokens; a speed reference only"),
]
BY_NAME = {v.name: v for v in VARIANTS}


def measure(variant: Variant, setup: Setup, repeat: int = 1) -> tuple[Counts, float, list[float]]:
    """Build the tool, then run it end to end ``repeat`` times: ``(counts, build seconds, seconds of
    every run)``. The best run is what the tables report, for every tool alike: on a shared machine
    a run is only ever slowed down by others."""
    t = time.perf_counter()
    state = variant.prepare(setup)
    build = time.perf_counter() - t
    runs = []
    for _ in range(max(1, repeat)):
        gc.collect()  # (each run starts from a collected heap: no garbage of the last one, no full
        # collection of its survivors landing in this one; about 30 ms here, for every tool alike)
        t = time.perf_counter()
        counts = variant.run(state, setup.path)
        runs.append(time.perf_counter() - t)
    return counts, build, runs


def missing(variant: Variant) -> str | None:
    """Why a variant cannot run here (its package is not installed), or None."""
    if importlib.util.find_spec(variant.module) is None:
        return f"skipped: the {variant.module!r} package is not installed"
    return None


# ------------------------------------------------------------------------------------- fresh processes
STREAMED = "count_streamed"  # the corpus-size table's second run: what the command line does


def run_streamed(matcher, path: Path) -> int:
    """``iter_count`` with each chunk's table appended to a CSV file as it comes (as ``framing
    count`` writes it), nothing kept in memory: the number of documents."""
    import tempfile

    from framing.score import iter_count

    n, header = 0, True
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "counts.csv"
        for counts, _skipped in iter_count(path, matcher, progress=False):
            counts.to_csv(out, mode="a", header=header, index=False)
            n, header = n + len(counts), False
    return n


def child_main(args) -> int:
    """``--child NAME``: run one variant in this fresh process and print one JSON line with its
    seconds and peak RSS (and, for worker pools, the largest worker's)."""
    if args.child == STREAMED:
        setup = make_setup(args)
        matcher = prepare_framing(setup)
        t = time.perf_counter()
        n = run_streamed(matcher, setup.path)
        seconds = time.perf_counter() - t
        print(json.dumps({"seconds": seconds, "n_docs": n, "peak_rss_mib": bc.peak_rss_mib()}))
        return 0
    variant = BY_NAME[args.child]
    setup = make_setup(args)
    note = missing(variant)
    if note:
        print(json.dumps({"error": note}))
        return 0
    counts, build, runs = measure(variant, setup)
    seconds = runs[0]
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": seconds, "build_s": build, "n_docs": len(counts.doc_ids),
                      "peak_rss_mib": bc.peak_rss_mib(), "workers_peak_rss_mib": workers}))
    return 0


def in_fresh_process(name: str, args, size_mb: float) -> dict:
    """Run variant ``name`` in a new Python process (``--child``) on the ``size_mb`` corpus."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--size-mb", str(size_mb),
           "--entries", str(args.entries), "--regex-mb", str(args.regex_mb), "--data", str(args.data),
           "--cache", str(args.cache)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        err = proc.stderr.strip().splitlines()
        return {"error": f"child failed ({proc.returncode}): {err[-1] if err else 'no output'}"}
    return json.loads(lines[-1])


# ------------------------------------------------------------------------------------- checks
def check_against_reference(setup: Setup, framing: Counts) -> dict:
    """framing's per-document per-category counts against the independent reference matcher of
    ``tests/reference_matcher.py`` on the first ~2 MB of the corpus (fewer documents if the
    reference needs more than ``CHECK_SECONDS``). Differences are reported by document id and
    numbers only (no text)."""
    sys.path.insert(0, str(bc.REPO / "tests"))
    try:
        import reference_matcher as rm
    except Exception as exc:  # the tests folder is being edited by others: say so, do not crash
        return {"error": f"cannot import tests/reference_matcher.py: {exc!r}"}
    cls = getattr(rm, "IndexedReferenceMatcher", rm.ReferenceMatcher)
    ref = cls([bench_lexicon(setup.pairs)])
    row_of = {d: i for i, d in enumerate(framing.doc_ids)}
    t0 = time.perf_counter()
    n = nbytes = ref_mentions = framing_mentions = 0
    differing = []
    for doc_id, text in read_docs(setup.path):
        if nbytes >= CHECK_MB * 1_000_000 or time.perf_counter() - t0 > CHECK_SECONDS:
            break
        expected = category_row([CAT_INDEX[m[4]] for m in ref.find(text)])
        got = framing.matrix[row_of[doc_id]] if doc_id in row_of else None
        ref_mentions += int(expected.sum())
        framing_mentions += 0 if got is None else int(got.sum())
        if got is None or not np.array_equal(got, expected):
            diff = {} if got is None else {CATS[c]: [int(got[c]), int(expected[c])]
                                           for c in np.flatnonzero(got != expected)}
            differing.append({"doc_id": doc_id, "framing_vs_reference": diff or "missing from framing"})
        n += 1
        nbytes += len(text.encode("utf-8"))
    return {"matcher": cls.__name__, "documents": n, "mb": nbytes / 1e6, "seconds": time.perf_counter() - t0,
            "framing_mentions": framing_mentions, "reference_mentions": ref_mentions,
            "differing_documents": len(differing), "first_differences": differing[:5]}


def distance(counts: Counts, framing_all: Counts, framing_same: Counts) -> dict:
    """How far a baseline's counts are from framing's on the same documents: against framing with
    all terms, and against framing with the same terms as the baseline."""
    def aligned(ref: Counts) -> np.ndarray:
        row_of = {d: i for i, d in enumerate(ref.doc_ids)}
        return ref.matrix[[row_of[d] for d in counts.doc_ids]]

    f_all, f_same = aligned(framing_all), aligned(framing_same)
    tool = int(counts.matrix.sum())
    return {"documents": len(counts.doc_ids), "tool": tool, "framing_all": int(f_all.sum()),
            "framing_same_terms": int(f_same.sum()),
            "docs_differing_same_terms": int((counts.matrix != f_same).any(axis=1).sum())}


# ------------------------------------------------------------------------------------- setup and report
def terms_file(args) -> Path:
    """Where the parent leaves the lexicon terms for its ``--child`` processes (in the git-ignored
    cache), so that a child's peak RSS does not include loading the corpus vocabulary."""
    return Path(args.cache) / f"bench_baselines_terms_{args.entries}.json"


def make_setup(args) -> Setup:
    """The corpus of ``args.size_mb`` MB (built once, then cached) and the lexicon terms (computed
    in the parent, read from :func:`terms_file` in a child)."""
    path, meta = bc.build_corpus(args.size_mb, args.data, args.cache)
    if args.child:
        pairs = [tuple(p) for p in json.loads(terms_file(args).read_text())]
    else:
        pairs = bc.lexicon_terms(args.entries, args.data, args.cache)
        terms_file(args).write_text(json.dumps(pairs))
    return Setup(path, meta, pairs, *slice_info(path, args.regex_mb))


def machine() -> dict:
    """CPU, memory, Python and package versions, framing's source fingerprint."""
    info = {"cpu_count": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "framing": bc.framing_fingerprint()}
    try:
        text = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("model name"))
        mem = Path("/proc/meminfo").read_text().split()
        info["memory_gib"] = round(int(mem[mem.index("MemTotal:") + 1]) / 2**20, 1)
    except (OSError, StopIteration, ValueError):
        pass
    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    info["packages"] = versions
    return info


def load_average() -> list[float] | None:
    """The 1, 5 and 15-minute load averages (None where the system has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def fmt(x, spec: str = ",.2f", empty: str = "-") -> str:
    """A number for a table cell, ``empty`` when there is none."""
    return empty if x is None else format(x, spec)


def print_tables(res: dict) -> None:
    """The Markdown tables of a run (from the result dictionary also written as JSON)."""
    c = res["corpus"]
    print()
    print(f"### End to end, {res['lexicon']['entries']:,}-entry lexicon ({res['lexicon']['wildcards']} wildcards), "
          f"{c['mb']:.1f} MB of ABP text ({c['n_docs']:,} documents), {res['date']}, best of "
          f"{res.get('repeat', 1)} runs each")
    print()
    print("| variant | terms | MB | build s | seconds | MB/s | docs/s | framing count MB/s ÷ tool MB/s | "
          "peak RSS MiB (fresh process) | mentions |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for v in res["variants"].values():
        if "error" in v:
            print(f"| {v['label']} | - | - | - | - | - | - | - | - | {v['error']} |")
            continue
        print(f"| {v['label']} | {v['terms']} | {v['mb']:.2f} | {v['build_s']:.2f} | {v['seconds']:.2f} | "
              f"{v['mb_per_s']:.2f} | {v['docs_per_s']:,.0f} | {fmt(v['framing_ratio'], '.1f')}x | "
              f"{fmt(v.get('peak_rss_mib'), ',.0f')} | {fmt(v['mentions'], ',d')} |")
    print()
    j2 = res["variants"]["count_jobs2"]
    print(f"jobs=2 / jobs=1 speed: {fmt(res['jobs2_speedup'], '.2f')}x on {res['machine']['cpu_count']} cores; "
          f"jobs=2 peak RSS: main process {fmt(j2.get('peak_rss_mib'), ',.0f')} MiB (in the table), largest "
          f"worker {fmt(j2.get('workers_peak_rss_mib'), ',.0f')} MiB (ru_maxrss; pages shared with the parent "
          "after fork count in both)")
    print("Limitations:")
    for name, v in res["variants"].items():
        print(f"- {name}: {v['limitation']}")

    chk = res["correctness"]
    print()
    print("### Correctness: framing count vs tests/reference_matcher.py")
    print()
    if "error" in chk:
        print(f"NOT CHECKED: {chk['error']}")
    else:
        print(f"{chk['matcher']} on the first {chk['documents']:,} documents ({chk['mb']:.2f} MB, "
              f"{chk['framing_mentions']:,} mentions by framing, {chk['reference_mentions']:,} by the reference), "
              f"{chk['seconds']:.1f} s: "
              f"**{chk['differing_documents']} documents differ** (expected 0)")
        for d in chk["first_differences"]:
            print(f"  {d['doc_id']}: category: [framing, reference] {d['framing_vs_reference']}")

    print()
    print("### Distance from framing's counts (information; same documents)")
    print()
    print("| tool | terms | documents | tool mentions | framing, all terms | tool − framing | "
          "framing, the tool's terms | tool − framing (same terms) | documents differing (same terms) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, d in res["distance"].items():
        da, ds = d["tool"] - d["framing_all"], d["tool"] - d["framing_same_terms"]
        print(f"| {name} | {res['variants'][name]['terms']} | {d['documents']:,} | {d['tool']:,} | "
              f"{d['framing_all']:,} | {da:+,} ({da / max(1, d['framing_all']):+.1%}) | "
              f"{d['framing_same_terms']:,} | {ds:+,} ({ds / max(1, d['framing_same_terms']):+.1%}) | "
              f"{d['docs_differing_same_terms']:,} |")

    sc = res.get("scaling")
    if sc:
        print()
        print(f"### Lexicon size: framing count (jobs=1), {c['mb']:.1f} MB")
        print()
        print("| entries | compile_lexicons s | count s | MB/s | mentions |")
        print("|---:|---:|---:|---:|---:|")
        for r in sc["lexicon"]:
            print(f"| {r['entries']:,} | {r['compile_s']:.3f} | {r['seconds']:.2f} | {r['mb_per_s']:.2f} | "
                  f"{r['mentions']:,} |")
        print()
        print("### Corpus size: framing count (jobs=1), each in a fresh process")
        print()
        print("Kept: the document x category table of the whole corpus held in memory, as every tool above is "
              "run (it grows with the corpus: 8 bytes per document and category, and the ids). Streamed: each "
              "chunk's table appended to a CSV file as it comes, as the command line writes it.")
        print()
        print("| corpus MB | documents | kept: seconds | MB/s | peak RSS MiB | streamed: seconds | MB/s "
              "| peak RSS MiB |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        peaks = {}
        for r in sc["corpus"]:
            st = r.get("streamed", {"error": "not run"})
            kept = (f"- | - | {r['error']}" if "error" in r else
                    f"{r['seconds']:.2f} | {r['mb_per_s']:.2f} | {r['peak_rss_mib']:,.0f}")
            streamed = (f"- | - | {st['error']}" if "error" in st else
                        f"{st['seconds']:.2f} | {r['mb'] / st['seconds']:.2f} | {st['peak_rss_mib']:,.0f}")
            docs = f"{r['n_docs']:,}" if "n_docs" in r else "-"
            print(f"| {r['mb']:.1f} | {docs} | {kept} | {streamed} |")
            for key, x in (("kept", r), ("streamed", st)):
                if "error" not in x:
                    peaks.setdefault(key, []).append(x["peak_rss_mib"])
        ratios = [f"{key} {p[-1] / p[0]:.2f}x" for key, p in peaks.items() if len(p) == 2]
        if ratios:
            print()
            print(f"peak RSS, larger corpus over smaller: {', '.join(ratios)}")


def time_variants(setup: Setup, res: dict, repeat: int = 3) -> dict[str, Counts]:
    """Run every variant ``repeat`` times in this process (best run kept), in order, filling
    ``res["variants"]``; return the counts of those that ran. A missing or failing baseline gets a
    note; framing's errors propagate."""
    outputs: dict[str, Counts] = {}
    res["variants"] = {}
    entries, n_plain = res["lexicon"]["entries"], res["lexicon"]["plain_terms"]
    for v in VARIANTS:
        terms = {"all": f"{entries:,} (all)", "plain": f"{n_plain:,} (no wildcards)", "none": "-",
                 "own": "Empath's"}[v.terms]
        row = {"label": v.label, "terms": terms, "limitation": v.limitation}
        res["variants"][v.name] = row
        note = missing(v)
        if note is None:
            try:
                counts, build, runs = measure(v, setup, repeat)
                secs = min(runs)
            except Exception as exc:  # a baseline that cannot run is reported, not fatal
                if v.module == "framing":
                    raise
                note = f"failed: {type(exc).__name__}: {exc}"
        if note:
            row["error"] = note
            print(f"  {v.name}: {note}", flush=True)
            continue
        outputs[v.name] = counts
        mb = (setup.slice_bytes if v.sliced else setup.meta["text_bytes"]) / 1e6
        row.update(mb=mb, n_docs=len(counts.doc_ids), build_s=build, seconds=secs, runs_s=runs, mb_per_s=mb / secs,
                   docs_per_s=len(counts.doc_ids) / secs,
                   mentions=int(counts.matrix.sum()) if v.terms in ("all", "plain") else None)
        print(f"  {v.name}: {secs:.2f} s, {mb / secs:.2f} MB/s (build {build:.2f} s; best of "
              f"{', '.join(f'{r:.2f}' for r in runs)} s)", flush=True)
    return outputs


def fresh_rss(args, names: list[str], res: dict) -> dict[str, dict]:
    """Peak RSS of each variant in ``names``, each run in a fresh process (also its seconds there),
    added to ``res["variants"]``; returns the children's reports."""
    print("peak RSS, one fresh process per variant...", flush=True)
    fresh = {}
    for name in names:
        fresh[name] = in_fresh_process(name, args, args.size_mb)
        row = res["variants"][name]
        if "error" in fresh[name]:
            row["rss_error"] = fresh[name]["error"]
        else:
            row.update(peak_rss_mib=fresh[name]["peak_rss_mib"], fresh_seconds=fresh[name]["seconds"],
                       workers_peak_rss_mib=fresh[name]["workers_peak_rss_mib"])
        print(f"  {name}: " + (row.get("rss_error") or f"{row['peak_rss_mib']:,.0f} MiB"), flush=True)
    return fresh


def scaling(args, setup: Setup, text_mb: float, fresh_count: dict) -> dict:
    """framing count MB/s and compile time for 100 to 10,000 entries (in this process), and MB/s
    and peak RSS on the corpus and on one ``BIG_FACTOR`` times larger (each in a fresh process;
    ``fresh_count`` is the run already made on the first)."""
    from framing.score import compile_lexicons

    lex_rows = []
    for n in sorted({*SCALING_ENTRIES, args.entries}):
        lexicon = bench_lexicon(bc.lexicon_terms(n, args.data, args.cache))
        t = time.perf_counter()
        matcher = compile_lexicons(lexicon)
        compile_s = time.perf_counter() - t
        t = time.perf_counter()
        counts = run_framing(matcher, setup.path)
        secs = time.perf_counter() - t
        lex_rows.append({"entries": n, "compile_s": compile_s, "seconds": secs, "mb_per_s": text_mb / secs,
                         "mentions": int(counts.matrix.sum())})
        print(f"  scaling: {n:,} entries: {text_mb / secs:.2f} MB/s", flush=True)
    corpus_rows = []
    for size, fresh in ((args.size_mb, fresh_count), (BIG_FACTOR * args.size_mb, None)):
        _, meta = bc.build_corpus(size, args.data, args.cache)
        fresh = fresh or in_fresh_process("count", args, size)
        row = {"mb": meta["text_bytes"] / 1e6, **fresh}
        if "error" not in fresh:
            row["mb_per_s"] = row["mb"] / fresh["seconds"]
            print(f"  scaling: {row['mb']:.0f} MB corpus: {row['mb_per_s']:.2f} MB/s, "
                  f"{fresh['peak_rss_mib']:.0f} MiB", flush=True)
        streamed = in_fresh_process(STREAMED, args, size)
        row["streamed"] = streamed
        if "error" not in streamed:
            print(f"  scaling: {row['mb']:.0f} MB corpus, streamed to a file: {row['mb'] / streamed['seconds']:.2f} "
                  f"MB/s, {streamed['peak_rss_mib']:.0f} MiB", flush=True)
        corpus_rows.append(row)
    return {"lexicon": lex_rows, "corpus": corpus_rows}


def main(argv=None) -> int:
    """Parse the options, run everything (or one ``--child`` variant), print and save the results;
    the exit status is that of the correctness check."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=20, help="corpus size in MB of text (default 20)")
    ap.add_argument("--entries", type=int, default=2_000, help="lexicon size (default 2000)")
    ap.add_argument("--regex-mb", type=float, default=2, help="MB of text for the big re alternation (default 2)")
    ap.add_argument("--quick", action="store_true", help="smoke run: a 2 MB corpus (scaling on 2 and 20 MB)")
    ap.add_argument("--no-scaling", action="store_true", help="skip the lexicon-size and corpus-size runs")
    ap.add_argument("--repeat", type=int, default=3,
                    help="timed runs of every variant, the best one reported (default 3; 1 halves the time)")
    ap.add_argument("--child", choices=[*BY_NAME, STREAMED], help=argparse.SUPPRESS)
    bc.add_common_args(ap)
    args = ap.parse_args(argv)
    if args.child:
        return child_main(args)
    bc.data_or_exit(args.data)
    if args.quick:
        args.size_mb = 2
    args.regex_mb = min(args.regex_mb, args.size_mb)

    res: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": machine(), "load_before": load_average(),
                 "args": {k: str(v) for k, v in vars(args).items()}}
    m = res["machine"]
    print(f"{res['date']}: {m['cpu_count']} cores ({m.get('cpu', '?')}), {m.get('memory_gib', '?')} GiB, "
          f"Python {m['python']}; {m['framing']}")
    print("packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()))
    print(f"before: {bc.load_note()}", flush=True)

    setup = make_setup(args)
    meta, slice_docs, slice_bytes = setup.meta, setup.slice_docs, setup.slice_bytes
    text_mb = meta["text_bytes"] / 1e6
    n_wild = sum("*" in t for t, _ in setup.pairs)
    res["corpus"] = {"path": str(setup.path), "mb": text_mb, "n_docs": meta["n_docs"],
                     "regex_slice_mb": slice_bytes / 1e6, "regex_slice_docs": slice_docs}
    res["lexicon"] = {"entries": args.entries, "wildcards": n_wild, "plain_terms": len(plain_terms(setup.pairs))}
    print(f"corpus: {text_mb:.1f} MB, {meta['n_docs']:,} documents; lexicon: {args.entries:,} entries, "
          f"{n_wild} of them wildcards; re on the first {slice_bytes / 1e6:.2f} MB ({slice_docs:,} documents)")
    setup.path.read_bytes()  # into the page cache before the first timing

    res["repeat"] = args.repeat
    outputs = time_variants(setup, res, args.repeat)
    base = res["variants"]["count"]["mb_per_s"]
    for row in res["variants"].values():
        row["framing_ratio"] = base / row["mb_per_s"] if "mb_per_s" in row else None
    res["jobs2_speedup"] = (res["variants"]["count_jobs2"]["mb_per_s"] / base
                            if "mb_per_s" in res["variants"]["count_jobs2"] else None)

    print("correctness check against the reference matcher...", flush=True)
    res["correctness"] = check_against_reference(setup, outputs["count"])
    print("framing with the non-wildcard terms only (for the distance table)...", flush=True)
    from framing.score import compile_lexicons

    plain_pairs = [(t, c) for t, c in setup.pairs if "*" not in t]
    framing_plain = run_framing(compile_lexicons(bench_lexicon(plain_pairs)), setup.path)
    baselines = [n for n in outputs if BY_NAME[n].terms in ("all", "plain") and BY_NAME[n].module != "framing"]
    res["distance"] = {n: distance(outputs[n], outputs["count"],
                                   framing_plain if BY_NAME[n].terms == "plain" else outputs["count"])
                       for n in baselines}

    fresh = fresh_rss(args, list(outputs), res)

    if not args.no_scaling:
        res["scaling"] = scaling(args, setup, text_mb, fresh["count"])
    res["load_after"] = load_average()
    print(f"after: {bc.load_note()}")

    print_tables(res)
    name = "bench_baselines-quick.json" if args.quick else "bench_baselines.json"
    out = Path(args.cache) / name
    out.write_text(json.dumps(res, indent=1, default=str))
    print(f"\nall numbers: {out}")
    chk = res["correctness"]
    if "error" in chk:
        return 2
    return 1 if chk["differing_documents"] else 0


if __name__ == "__main__":
    sys.exit(main())
