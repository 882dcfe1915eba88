"""The matching engine choice: framing's CompiledMatcher against three alternatives.

Same lexicon (the 2,000-entry benchmark lexicon of ``corpus.py``), same text (the first ~5 MB of
the benchmark corpus, lower-cased), matching step only:

  framing      ``CompiledMatcher.find`` over the batch the matcher searches (one Aho-Corasick pass
               with ahocorasick-rs over the concatenated texts, NumPy boundary checks and
               longest-match choice). Building that batch (``CompiledMatcher.batch``, which returns
               a ``framing.batch.TextBatch``) is timed separately.
  trie         a token-level trie walked in pure Python over regex tokens ``\\w+(?:'\\w+)*`` of the
               lower-cased text: whole words, longest match (then earliest entry), prefix
               wildcards; the words of a phrase must be separated by whitespace only.
  pyahocorasick  the C ``pyahocorasick`` automaton over the lower-cased text (all overlapping hits),
               word-boundary checks, wildcard extension and longest match in Python.
  re           one big ``re`` alternation with word boundaries (longest alternatives first); on a
               1 MB slice only, because it is slow.

Then the per-category mention counts of framing and of the trie on the same text are compared, and
every mention found by one and not the other is classified (possessive ``'s``, hyphen or other
punctuation inside a phrase, line/paragraph breaks, same-span duplicates...), with a few examples.
A scaling table repeats framing, trie and pyahocorasick at 100, 1,000, 2,000 and 10,000 entries.

Usage::

    python benchmarks/bench_engines.py                # about 1 minute on 2 cores

Timings are the best of ``--repeat`` runs (default 3): the first call of an engine is slower.
    python benchmarks/bench_engines.py --mb 2 --no-scaling
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus as bc  # noqa: E402  (benchmarks/corpus.py; also puts the repo on sys.path)

TOKEN_RE = bc.TOKEN_RE  # \w+(?:'\w+)*


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _split_term(term: str) -> list[str]:
    """Words of a lexicon term for the baselines: lower-cased, split on whitespace."""
    return term.lower().split()


# ------------------------------------------------------------------------------------- trie
class TokenTrie:
    """A token-level trie walked in pure Python.

    Each node is ``[children, wild_children, entry]``: ``children`` maps a whole token to the next
    node, ``wild_children`` maps a prefix (from ``word*``) to the next node, ``entry`` is the index
    of the term ending there (or -1).
    """

    def __init__(self, terms: list[str]):
        self.root = [{}, {}, -1]
        self.wild_lengths: set[int] = set()
        for idx, term in enumerate(terms):
            node = self.root
            for word in _split_term(term):
                if word.endswith("*"):
                    prefix = word[:-1]
                    self.wild_lengths.add(len(prefix))
                    node = node[1].setdefault(prefix, [{}, {}, -1])
                else:
                    node = node[0].setdefault(word, [{}, {}, -1])
            if node[2] < 0:
                node[2] = idx
        self.lengths = sorted(self.wild_lengths)

    def _steps(self, node, tok: str):
        nxt = node[0].get(tok)
        if nxt is not None:
            yield nxt
        wild = node[1]
        if wild:
            for k in self.lengths:
                if k > len(tok):
                    break
                w = wild.get(tok[:k])
                if w is not None:
                    yield w

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, end, entry)`` of the leftmost-longest matches in a lower-cased text."""
        toks = [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]
        n = len(toks)
        out = []
        i = 0
        root = self.root
        while i < n:
            best_j, best_e = -1, -1
            # depth-first over (node, token index); paths are short and rarely branch
            stack = [(nxt, i) for nxt in self._steps(root, toks[i][2])]
            while stack:
                node, j = stack.pop()
                e = node[2]
                if e >= 0 and (j > best_j or (j == best_j and e < best_e)):
                    best_j, best_e = j, e
                if (node[0] or node[1]) and j + 1 < n:
                    gap = text[toks[j][1]:toks[j + 1][0]]
                    if gap.isspace():
                        stack.extend((nxt, j + 1) for nxt in self._steps(node, toks[j + 1][2]))
            if best_j >= 0:
                out.append((toks[i][0], toks[best_j][1], best_e))
                i = best_j + 1
            else:
                i += 1
        return out


# ------------------------------------------------------------------------------------- pyahocorasick
class PyAhoCorasick:
    """pyahocorasick over the lower-cased text with boundary checks and longest match in Python."""

    def __init__(self, terms: list[str]):
        import ahocorasick

        keys: dict[str, list[tuple[int, bool]]] = {}  # a key may stand for a word and a wildcard
        for idx, term in enumerate(terms):
            words = _split_term(term)
            wild = words[-1].endswith("*")
            keys.setdefault(" ".join(words).rstrip("*"), []).append((idx, wild))
        self.A = ahocorasick.Automaton()
        for key, targets in keys.items():
            self.A.add_word(key, (len(key), tuple(targets)))
        self.A.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, int]]:
        n = len(text)
        cands = []
        for end_idx, (length, targets) in self.A.iter(text):
            start = end_idx - length + 1
            if start > 0:
                prev = text[start - 1]
                if _is_word(prev) or (prev == "'" and start > 1 and _is_word(text[start - 2])):
                    continue
            for idx, wild in targets:
                end = end_idx + 1
                if wild:
                    # extend over the rest of the token (word characters and inner apostrophes)
                    while end < n and (_is_word(text[end]) or
                                       (text[end] == "'" and end + 1 < n and _is_word(text[end + 1]))):
                        end += 1
                elif end < n:
                    nxt = text[end]
                    if _is_word(nxt) or (nxt == "'" and end + 1 < n and _is_word(text[end + 1])):
                        continue
                cands.append((start, -end, idx))
        cands.sort()
        out, last = [], -1
        for start, neg_end, idx in cands:
            if start >= last:
                out.append((start, -neg_end, idx))
                last = -neg_end
        return out


# ------------------------------------------------------------------------------------- re
class BigRegex:
    """One ``re`` alternation of every term, longest alternatives first, with word boundaries."""

    def __init__(self, terms: list[str]):
        alts = []
        self.exact: dict[str, int] = {}
        self.prefix: dict[str, int] = {}
        for idx, term in enumerate(terms):
            words = _split_term(term)
            parts = [re.escape(w[:-1]) + r"\w*(?:'\w+)*" if w.endswith("*") else re.escape(w) for w in words]
            alts.append((len(" ".join(words)), r"\s+".join(parts)))
            if words[-1].endswith("*"):
                self.prefix.setdefault(" ".join(words)[:-1], idx)
            else:
                self.exact.setdefault(" ".join(words), idx)
        alts.sort(key=lambda a: -a[0])
        self.pattern = re.compile(r"(?<![\w'])(?:" + "|".join(a for _, a in alts) + r")(?![\w]|'\w)")
        self.lengths = sorted({len(p) for p in self.prefix}, reverse=True)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        out = []
        for m in self.pattern.finditer(text):
            s = " ".join(m.group().split())
            idx = self.exact.get(s)
            if idx is None:
                for k in self.lengths:
                    idx = self.prefix.get(s[:k])
                    if idx is not None:
                        break
            out.append((m.start(), m.end(), -1 if idx is None else idx))
        return out


# ------------------------------------------------------------------------------------- helpers
def run_engine(engine, lowered: list[str], repeat: int = 1) -> tuple[list[tuple[int, int, int, int]], float]:
    """All matches of ``engine`` as ``(doc, start, end, entry)``, and the best time of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = []
        for d, text in enumerate(lowered):
            out.extend((d, s, e, i) for s, e, i in engine.find(text))
        best = min(best, time.perf_counter() - t)
    return out, best


def framing_find(matcher, batch, term_index: dict[str, int], repeat: int = 1):
    """framing's mentions in ``batch`` (from :func:`framing_forms`) as ``(doc, start, end, entry)``,
    offsets into the original texts, and the best time of ``repeat`` calls of ``matcher.find``."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        doc, start, end, tid = matcher.find(batch)
        best = min(best, time.perf_counter() - t)
    targets = matcher.targets
    out = [(d, s, e, term_index[targets[k].term]) for d, s, e, k in
           zip(doc.tolist(), start.tolist(), end.tolist(), tid.tolist())]
    return out, best


def framing_forms(matcher, texts: list[str]):
    """What framing's matcher searches: ``matcher.batch(texts)``, a ``framing.batch.TextBatch``
    (the forms depend on the compiled lexicon, so each matcher builds its own)."""
    return matcher.batch(texts)


def best_of(fn, repeat: int):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return out, best


def per_category(mentions, cats: list[str]) -> Counter:
    return Counter(cats[i] for *_, i in mentions if i >= 0)


def _ctx(text: str, s: int, e: int, width: int = 25) -> str:
    left = text[max(0, s - width):s].replace("\n", "⏎")
    mid = text[s:e].replace("\n", "⏎")
    right = text[e:e + width].replace("\n", "⏎")
    return f"…{left}[{mid}]{right}…"


def classify(side: str, m, texts: list[str], terms: list[str], own: dict, other: dict) -> str:
    """Why a mention found by one engine (``side``) is missing from the other."""
    d, s, e, i = m
    text = texts[d]
    term = terms[i]
    surface = text[s:e]
    words = _split_term(term)
    same_span_own = [j for j in own.get((d, s, e), []) if j != i]
    if side == "framing" and same_span_own:
        return "framing keeps two or more entries on one span (a word and a wildcard, or two wildcards); the trie keeps the earliest entry"
    if side == "framing" and re.match(r"['\u2019]s\b", text[e:e + 3]) and not words[-1].endswith("*"):
        return "possessive 's after the match (framing matches the bare word; for the trie \"word's\" is one token)"
    if len(words) > 1:
        gaps = [g for g in re.split(r"\w+", surface.lower())[1:-1]]
        if any(g and not g.isspace() for g in gaps):
            if any("-" in g or "\u2010" <= g[:1] <= "\u2015" for g in gaps):
                return "hyphen/dash inside a phrase (hyphen == space in framing; the trie wants whitespace)"
            return "other punctuation inside a phrase (framing: a run of punctuation between two words == one space)"
        if any(g.count("\n") >= 2 for g in gaps):
            return "phrase across a paragraph break (framing never matches across one; the trie's \\s+ does)"
    # overlapping with a different mention of the other engine: the overlap was resolved differently
    overl = [k for (dd, ss, ee), ks in other.items() if dd == d and ss < e and s < ee for k in ks]
    if overl:
        return "overlap resolved differently (a neighbouring match took these words)"
    if "\u2019" in text[max(0, s - 2):e + 2] or "'" in text[max(0, s - 2):e + 2]:
        return "apostrophe next to the match (token rules differ)"
    return "other"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Matching engines on the same lexicon and text.")
    ap.add_argument("--mb", type=float, default=5.0, help="MB of text for framing, trie and pyahocorasick (default 5)")
    ap.add_argument("--regex-mb", type=float, default=1.0, help="MB of text for the big re alternation (default 1)")
    ap.add_argument("--entries", type=int, default=2_000, help="lexicon size (default 2000)")
    ap.add_argument("--repeat", type=int, default=3, help="timings are the best of this many runs (default 3)")
    ap.add_argument("--examples", type=int, default=3, help="examples shown per kind of difference (default 3)")
    ap.add_argument("--no-scaling", action="store_true", help="skip the 100/1k/2k/10k-entry scaling table")
    bc.add_common_args(ap)
    args = ap.parse_args(argv)
    bc.data_or_exit(args.data)

    import framing

    form_step = "matcher.batch"

    path, _ = bc.build_corpus(max(20, args.mb), args.data, args.cache)
    texts = bc.read_text_slice(path, args.mb)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    date = time.strftime("%Y-%m-%d")
    print(f"{date}: {len(texts):,} documents, {mb:.2f} MB of text; lexicon of {args.entries:,} entries; "
          f"{bc.framing_fingerprint()}; {bc.load_note()}", flush=True)

    pairs = bc.lexicon_terms(args.entries, args.data, args.cache)
    terms = [t for t, _ in pairs]
    cats = [c for _, c in pairs]
    term_index = {t: i for i, t in enumerate(terms)}

    R = max(1, args.repeat)
    lowered, t_lower = best_of(lambda: [x.lower() for x in texts], R)

    rows = []  # (engine, MB, build s, match s)

    t = time.perf_counter()
    matcher = framing.compile_lexicons(bc.make_lexicon(args.entries, args.data, args.cache))
    b = time.perf_counter() - t
    forms, t_form = best_of(lambda: framing_forms(matcher, texts), R)
    fw, dt = framing_find(matcher, forms, term_index, R)
    rows.append(("framing CompiledMatcher.find (ahocorasick-rs + NumPy), on match forms", mb, b, dt, len(fw)))
    rows.append((f"framing {form_step} + find (what framing pays per text)", mb, b, dt + t_form, len(fw)))
    print(f"  framing: find {dt:.2f} s; {form_step} {t_form:.2f} s; str.lower {t_lower:.2f} s", flush=True)

    t = time.perf_counter()
    trie = TokenTrie(terms)
    b = time.perf_counter() - t
    tw, dt = run_engine(trie, lowered, R)
    rows.append(("token trie, pure Python walk over regex tokens", mb, b, dt, len(tw)))
    print(f"  trie: {dt:.2f} s", flush=True)

    t = time.perf_counter()
    pa = PyAhoCorasick(terms)
    b = time.perf_counter() - t
    pw, dt = run_engine(pa, lowered, R)
    rows.append(("pyahocorasick + Python boundary checks", mb, b, dt, len(pw)))
    print(f"  pyahocorasick: {dt:.2f} s", flush=True)

    # the big regex on a 1 MB slice; framing and the trie on the same slice for comparison
    n_small, acc = 0, 0
    for x in texts:
        n_small += 1
        acc += len(x.encode("utf-8"))
        if acc >= args.regex_mb * 1e6:
            break
    mb_small = acc / 1e6
    t = time.perf_counter()
    rx = BigRegex(terms)
    b = time.perf_counter() - t
    rw, dt = run_engine(rx, lowered[:n_small], R)
    rows.append((f"one re alternation with word boundaries ({mb_small:.2f} MB slice)", mb_small, b, dt, len(rw)))
    print(f"  re: {dt:.2f} s on {mb_small:.2f} MB", flush=True)

    # ---------------------------------------------------------------- engine table
    print(f"  after the timings: {bc.load_note()}")
    base = rows[0][3] / rows[0][1]  # framing seconds per MB
    print()
    print(f"### Matching engines, {args.entries:,}-entry lexicon, {mb:.1f} MB of ABP text ({len(texts):,} documents), "
          f"best of {R} runs, {date}")
    print()
    print("| engine | MB | build s | match s | MB/s | time per MB / framing find | mentions |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, m, b, d, n in rows:
        print(f"| {name} | {m:.2f} | {b:.3f} | {d:.2f} | {m / d:.2f} | {(d / m) / base:.1f}x | {n:,} |")
    print()
    print(f"(str.lower of the {mb:.1f} MB: {t_lower:.2f} s; framing {form_step}: {t_form:.2f} s. "
          "Baselines get the lower-cased text for free; framing's find gets its batch of forms.)")

    # ---------------------------------------------------------------- agreement: framing vs trie
    same_len = [len(a) == len(b) for a, b in zip(lowered, texts)]
    print()
    print(f"### Mention counts per category on the same {mb:.1f} MB: framing vs trie (vs pyahocorasick)")
    print()
    fc, tc, pc = per_category(fw, cats), per_category(tw, cats), per_category(pw, cats)
    print("| category | framing | trie | trie - framing | pyahocorasick | pyahocorasick - framing |")
    print("|---|---:|---:|---:|---:|---:|")
    for c in sorted(set(cats)):
        print(f"| {c} | {fc[c]:,} | {tc[c]:,} | {tc[c] - fc[c]:+,} | {pc[c]:,} | {pc[c] - fc[c]:+,} |")
    tot_f, tot_t, tot_p = sum(fc.values()), sum(tc.values()), sum(pc.values())
    print(f"| **all** | {tot_f:,} | {tot_t:,} | {tot_t - tot_f:+,} ({(tot_t - tot_f) / tot_f:+.2%}) | {tot_p:,} | "
          f"{tot_p - tot_f:+,} ({(tot_p - tot_f) / tot_f:+.2%}) |")
    n_exact = sum(1 for c in set(cats) if fc[c] == tc[c])
    print()
    print(f"categories with identical counts (framing == trie): {n_exact} of {len(set(cats))}")

    # mention-level differences (documents whose lower() keeps the length, so offsets agree). A
    # mention is the same in both when document, start and entry agree; a different end alone is
    # counted apart (framing stops a wildcard match before a possessive 's, the trie's token has it).
    fkey = {(d, s, i): e for d, s, e, i in fw if same_len[d]}
    tkey = {(d, s, i): e for d, s, e, i in tw if same_len[d]}
    both = fkey.keys() & tkey.keys()
    end_diff = sorted(k for k in both if fkey[k] != tkey[k])
    f_only = sorted((d, s, fkey[(d, s, i)], i) for d, s, i in fkey.keys() - tkey.keys())
    t_only = sorted((d, s, tkey[(d, s, i)], i) for d, s, i in tkey.keys() - fkey.keys())
    fspan, tspan = defaultdict(list), defaultdict(list)
    for (d, s, i), e in fkey.items():
        fspan[(d, s, e)].append(i)
    for (d, s, i), e in tkey.items():
        tspan[(d, s, e)].append(i)
    skipped_docs = same_len.count(False)
    print(f"mention-level comparison over {len(texts) - skipped_docs:,} documents ({skipped_docs} skipped: "
          f"str.lower changes their length): {len(both):,} mentions in both (same document, start and entry; "
          f"{len(end_diff):,} of them with a different end), {len(f_only):,} only in framing, "
          f"{len(t_only):,} only in the trie")
    kinds: dict[tuple[str, str], list] = defaultdict(list)
    for side, ms, own, other in (("framing", f_only, fspan, tspan), ("trie", t_only, tspan, fspan)):
        other_by_doc = defaultdict(dict)  # the other side by document, for the overlap test
        for (d, s, e), ks in other.items():
            other_by_doc[d][(d, s, e)] = ks
        for m in ms:
            kinds[(side, classify(side, m, texts, terms, own, other_by_doc[m[0]]))].append(m)
    for d, s, i in end_diff:
        kinds[("both", "same start and entry, different end (wildcard before a possessive 's: framing "
                       "stops before it)" if terms[i].endswith("*") else "same start and entry, different end")
              ].append((d, s, fkey[(d, s, i)], i))
    # framing with one entry per span (the earliest), as the matcher's docstring describes
    dedup = {}
    for d, s, e, i in fw:
        dedup[(d, s, e)] = min(i, dedup.get((d, s, e), i))
    fdc = Counter(cats[i] for i in dedup.values())
    print(f"framing with one entry per span (the earliest entry, as documented): {sum(fdc.values()):,} mentions "
          f"vs trie {tot_t:,} ({tot_t - sum(fdc.values()):+,}); categories identical: "
          f"{sum(1 for c in set(cats) if fdc[c] == tc[c])} of {len(set(cats))}")
    print()
    print("| only in | why (classified automatically) | mentions |")
    print("|---|---|---:|")
    for (side, why), ms in sorted(kinds.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
        print(f"| {side} | {why} | {len(ms):,} |")
    print()
    print("examples (document: context with framing's match in [brackets] -> term, category):")
    for (side, why), ms in sorted(kinds.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
        print(f"- {'only in ' + side if side != 'both' else 'in both'}: {why}")
        step = max(1, len(ms) // max(1, args.examples))
        for m in ms[::step][: args.examples]:
            d, s, e, i = m
            print(f"    doc {d}: {_ctx(texts[d], s, e)} -> {terms[i]!r}, {cats[i]}")

    # regex agreement on its slice
    fw_small = [m for m in fw if m[0] < n_small]
    print()
    print(f"re alternation on its {mb_small:.2f} MB slice: {len(rw):,} mentions vs framing {len(fw_small):,} "
          f"({len(rw) - len(fw_small):+,}); unmapped matches: {sum(1 for m in rw if m[3] < 0)}")

    # ---------------------------------------------------------------- scaling
    if not args.no_scaling:
        print()
        print(f"### Lexicon size scaling, matching step only, {mb:.1f} MB ({date})")
        print()
        print("| entries | framing build s | framing find MB/s | trie MB/s | pyahocorasick MB/s | framing mentions | trie mentions |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for n in bc.LEXICON_SIZES:
            pairs_n = bc.lexicon_terms(n, args.data, args.cache)
            terms_n = [t for t, _ in pairs_n]
            idx_n = {t: i for i, t in enumerate(terms_n)}
            t = time.perf_counter()
            m_n = framing.compile_lexicons(bc.make_lexicon(n, args.data, args.cache))
            b = time.perf_counter() - t
            f_n, d_f = framing_find(m_n, framing_forms(m_n, texts), idx_n, R)
            t_n, d_t = run_engine(TokenTrie(terms_n), lowered, R)
            _p, d_p = run_engine(PyAhoCorasick(terms_n), lowered, R)
            print(f"| {n:,} | {b:.3f} | {mb / d_f:.2f} | {mb / d_t:.2f} | {mb / d_p:.2f} | {len(f_n):,} | {len(t_n):,} |",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
