"""Lexicon coverage and discovery of candidate terms, from the corpus itself.

Coverage
--------
:func:`coverage` -- for every lexicon entry (and referent): mentions and documents, overall and per
outlet, the entries that never match, and the entries that match mostly inside quotations (voice
``quoted`` or ``attributed``): those measure the sources an outlet quotes more than its own word
choice.

Discovery
---------
Three ways to find loaded terms a lexicon does not have yet. Each returns a table of candidates
with its evidence; :func:`candidates_yaml` turns it into a YAML fragment of native entries for a
human to review. Nothing here changes a lexicon.

``descriptors`` (:func:`suggest_descriptors`)
    n-grams (1-3 words) right before an alias of a referent ("renegade general | Khalifa Haftar")
    and right after it, across a comma for appositions ("Haftar, | the self-styled field marshal"),
    that no entry covers. Ranked by Dunning's log-likelihood ratio G2 between the n-gram's count next
    to the referent and its count in the whole corpus (Dunning 1993): frequent words that are
    frequent everywhere sink, words that keep the referent's company rise.
    TODO: switch to the rule-based constructions of :mod:`framing.descriptors` (premodifier,
    apposition, possessive ...) once that module's API is settled; plain n-grams for now.
``distinctive`` (:func:`suggest_distinctive`)
    unigrams and bigrams that distinguish one outlet from the others, by the log-odds ratio with a
    uniform Dirichlet prior (alpha = 0.01) and its z-score (Monroe, Colaresi & Quinn 2008;
    :func:`framing.stats.log_odds`), one outlet against the rest, not covered by any lexicon, and
    (by default) holding no name or title.
``neighbours`` (:func:`suggest_neighbours`)
    words whose vectors are closest to the centroid of a category's seed terms, in an embedding
    learned from the corpus alone: a word-word co-occurrence matrix (symmetric window), positive
    pointwise mutual information with context-distribution smoothing (alpha = 0.75; Levy, Goldberg &
    Dagan 2015), reduced by truncated SVD (scikit-learn; singular values weighted by their square
    root). No downloaded vectors.

Every candidate is in the match form's vocabulary (lower case, hyphens as spaces), so a term
suggested here matches where its evidence was counted. Functions take a seed and are
deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .stats import log_odds
from .lexicon import Lexicon, load_lexicon
from .lexicon.model import REFERENT_CATEGORY, term_key
from .matcher import CompiledMatcher
from .text import gap_class, word_spans

__all__ = ["coverage", "suggest", "suggest_descriptors", "suggest_distinctive", "suggest_neighbours",
           "candidates_yaml", "CANDIDATE_COLUMNS", "QUOTED_VOICES"]

#: Voices counted as "inside a quotation" by :func:`coverage`.
QUOTED_VOICES = ("quoted", "attributed")

#: Columns of a candidates table.
CANDIDATE_COLUMNS = ["method", "term", "category", "referent", "position", "outlet", "score", "count",
                     "documents", "outlets", "evidence", "examples"]

# English function words: scikit-learn's list plus contractions and clitics. A candidate may hold
# them inside ("leader of the free world") but not at its edges.
_EXTRA_STOP = {"s", "t", "don", "doesn", "didn", "isn", "wasn", "aren", "weren", "won", "wouldn", "couldn",
               "shouldn", "hasn", "haven", "hadn", "ll", "ve", "re", "d", "m", "said", "says", "say", "told",
               "just", "like", "also", "would", "could", "according", "including", "percent"}
_NUMERIC = re.compile(r"^[\d',.]+$")


def _stopwords() -> frozenset:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _EXTRA_STOP


# ------------------------------------------------------------------------------------------ inputs
def _documents(corpus) -> pd.DataFrame:
    """The documents table (doc_id, outlet, text) of whatever :func:`framing.read_corpus` reads, a
    :class:`~framing.score.ScoreResult` or a documents DataFrame."""
    docs = getattr(corpus, "documents", None)
    if docs is None:
        if isinstance(corpus, pd.DataFrame) and {"doc_id", "outlet", "text"} <= set(corpus.columns):
            docs = corpus
        else:
            from .corpus import read_corpus

            docs = read_corpus(corpus).documents
    if "text" not in docs.columns:
        from .errors import FramingError

        raise FramingError("the documents have no 'text' column; pass the corpus, not a folder written by "
                           "`framing score` (its documents.csv has no text)")
    return docs[["doc_id", "outlet", "text"]].reset_index(drop=True)


def _lexicons(lexicons) -> list[Lexicon]:
    if isinstance(lexicons, CompiledMatcher):
        return list(lexicons.lexicons)
    if isinstance(lexicons, (str, Lexicon)) or hasattr(lexicons, "__fspath__"):
        lexicons = [lexicons]
    return [load_lexicon(x) for x in lexicons]


# ------------------------------------------------------------------------------------------ tokens
@dataclass
class _Tokens:
    """Every word token of a corpus, in document order, with its match-form id, whether it is
    written with a capital, and the class of the gap before it: 0 a space, 3 other soft punctuation
    (a hyphen: ``Trump-backed``), 1 hard (a comma, a full stop and a space), 2 a paragraph break or
    the start of a document."""

    docs: pd.DataFrame
    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    ids: np.ndarray
    gap: np.ndarray
    upper: np.ndarray
    vocab: list[str]
    counts: np.ndarray
    index: dict[str, int]

    @classmethod
    def build(cls, docs: pd.DataFrame) -> "_Tokens":
        index: dict[str, int] = {}
        vocab: list[str] = []
        doc, start, end, ids, gap, upper = [], [], [], [], [], []
        klass = {"soft": 3, "hard": 1, "paragraph": 2}
        for d, text in enumerate(docs["text"].tolist()):
            prev = None
            for a, b in word_spans(text):
                word = text[a:b]
                key = term_key(word)
                i = index.get(key)
                if i is None:
                    i = index[key] = len(vocab)
                    vocab.append(key)
                doc.append(d)
                start.append(a)
                end.append(b)
                ids.append(i)
                upper.append(word[0].isupper())
                if prev is None:
                    gap.append(2)
                else:
                    g = text[prev:a]
                    if g == " ":
                        gap.append(0)
                    else:
                        c = gap_class(g)
                        gap.append(klass[c] if c != "soft" else 0 if g.isspace() else 3)
                prev = b
        ids_a = np.asarray(ids, dtype=np.int64)
        return cls(docs, np.asarray(doc, dtype=np.int64), np.asarray(start, dtype=np.int64),
                   np.asarray(end, dtype=np.int64), ids_a, np.asarray(gap, dtype=np.int8),
                   np.asarray(upper, dtype=bool), vocab, np.bincount(ids_a, minlength=len(vocab)), index)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def soft(self) -> np.ndarray:
        """True where the gap before a token is soft (a phrase may run across it)."""
        return (self.gap == 0) | (self.gap == 3)

    def ngram_starts(self, n: int) -> np.ndarray:
        """Positions where an n-gram of soft-joined tokens starts."""
        if len(self) < n:
            return np.zeros(0, dtype=np.int64)
        soft = self.soft
        ok = np.ones(len(self) - n + 1, dtype=bool)
        for k in range(1, n):
            ok &= soft[k:len(self) - n + 1 + k]
        return np.flatnonzero(ok)

    def whole(self, pos: np.ndarray, n: int) -> np.ndarray:
        """True where the n-gram at ``pos`` neither starts nor ends inside a hyphenated compound
        (``self`` of ``self-styled`` is no candidate)."""
        last = len(self) - 1
        ok = self.gap[np.minimum(pos, last)] != 3
        nxt = pos + n
        ok &= (nxt > last) | (self.gap[np.minimum(nxt, last)] != 3)
        return ok

    def name_like(self, share: float = 0.8) -> np.ndarray:
        """Per vocabulary id: written with a capital in more than ``share`` of its occurrences that do
        not open a sentence (names, titles, parties): words that label no one by themselves."""
        inner = self.soft
        n_in = np.bincount(self.ids[inner], minlength=len(self.vocab))
        n_up = np.bincount(self.ids[inner & self.upper], minlength=len(self.vocab))
        with np.errstate(invalid="ignore", divide="ignore"):
            return (n_in > 0) & (n_up > share * n_in)

    def codes(self, pos: np.ndarray, n: int) -> np.ndarray:
        """Integer codes of the n-grams starting at ``pos`` (unique per n-gram and n)."""
        v = len(self.vocab) + 1
        code = np.zeros(len(pos), dtype=np.int64)
        for k in range(n):
            code = code * v + self.ids[pos + k] + 1
        return code

    def text_of(self, pos: int, n: int) -> str:
        return " ".join(self.vocab[i] for i in self.ids[pos:pos + n])

    def surface(self, pos: int, n: int) -> str:
        text = self.docs["text"].iat[int(self.doc[pos])]
        return text[int(self.start[pos]):int(self.end[pos + n - 1])]

    def snippet(self, pos: int, n: int, width: int = 60, *, span: tuple[int, int] | None = None) -> str:
        """Context of tokens ``pos .. pos+n-1`` (or of ``span``), the span marked with guillemets."""
        d = int(self.doc[pos])
        text = self.docs["text"].iat[d]
        a, b = span if span is not None else (int(self.start[pos]), int(self.end[pos + n - 1]))
        left = " ".join(text[max(0, a - width):a].split())
        right = " ".join(text[b:b + width].split())
        return f"...{left} «{' '.join(text[a:b].split())}» {right}... [{self.docs['outlet'].iat[d]}]"


def _content(toks: _Tokens, stop: frozenset) -> np.ndarray:
    """Per vocabulary id: True when the word can stand at the edge of a candidate."""
    return np.asarray([len(w) > 1 and w not in stop and not _NUMERIC.match(w) and not w.endswith("'s")
                       for w in toks.vocab], dtype=bool)


def _drop_nested(rows: list[tuple]) -> list[tuple]:
    """Among n-grams on one side of the alias that always occur together (one nested in the next,
    with the same count: "dictator" < "Korean dictator" < "North Korean dictator"), keep only the
    shortest and the longest."""
    have = {(x[1], x[0]): x[4] for x in rows}
    out = []
    for x in rows:
        words, side, n, cnt = x[0].split(), x[1], x[2], x[4]
        inner = " ".join(words[1:] if side == "before" else words[:-1])
        shorter = n > 1 and have.get((side, inner)) == cnt
        longer = any(k[0] == side and c == cnt and len(k[1].split()) == n + 1 and
                     (k[1].endswith(" " + x[0]) if side == "before" else k[1].startswith(x[0] + " "))
                     for k, c in have.items())
        if not (shorter and longer):
            out.append(x)
    return out


def _covered(strings: Sequence[str], matcher: CompiledMatcher | None) -> np.ndarray:
    """True where a string contains a match of a lexicon entry (or alias)."""
    out = np.zeros(len(strings), dtype=bool)
    if matcher is None or not len(strings):
        return out
    doc, _, _, _ = matcher.find(list(strings))
    out[np.unique(doc)] = True
    return out


def _outlet_counts(toks: _Tokens, pos: np.ndarray) -> str:
    outlets = toks.docs["outlet"].to_numpy()[toks.doc[pos]]
    vc = pd.Series(outlets).value_counts()
    return ", ".join(f"{o} {c}" for o, c in vc.items())


def _g2(k: np.ndarray, n1: float, c: np.ndarray, total: float) -> np.ndarray:
    """Signed log-likelihood ratio G2 of a 2x2 table: k of the n1 slots near the referent hold the
    n-gram, c of all ``total`` slots do (Dunning 1993). Positive when k exceeds its expectation."""
    k = k.astype(float)
    c = c.astype(float)
    a, b = k, n1 - k
    cc, d = c - k, total - n1 - c + k
    n = a + b + cc + d

    def term(x, row, col):
        e = row * col / n
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x > 0, x * np.log(x / e), 0.0)

    g = 2 * (term(a, a + b, a + cc) + term(b, a + b, b + d) + term(cc, cc + d, a + cc) + term(d, cc + d, b + d))
    return np.where(k >= n1 * c / total, g, -g)


# ------------------------------------------------------------------------------------------ coverage
def coverage(mentions: pd.DataFrame, documents: pd.DataFrame, lexicons, *, quoted_voices: Sequence[str] = QUOTED_VOICES,
             quoted_share: float = 0.5, min_mentions: int = 3) -> pd.DataFrame:
    """How each lexicon entry is used in a corpus: mentions and documents, overall and per outlet.

    Parameters
    ----------
    mentions, documents : DataFrame
        From :func:`framing.score` (``documents`` needs ``doc_id`` and ``outlet``).
    lexicons : Lexicon, path, or a list of them
        Every entry and referent of these is listed, those that never match included.
    quoted_voices : sequence of str, default ("quoted", "attributed")
        Voices counted as inside a quotation.
    quoted_share : float, default 0.5
        An entry is flagged ``mostly_quoted`` when more than this share of its mentions is in
        ``quoted_voices`` ...
    min_mentions : int, default 3
        ... and it has at least this many mentions.

    Returns
    -------
    DataFrame
        One row per entry (and per referent, category ``referent``), in lexicon order: ``lexicon``,
        ``entry``, ``term``, ``category``, ``referent``, ``mentions``, ``documents``, ``outlets``
        (outlets with at least one mention), ``quoted`` (mentions in ``quoted_voices``),
        ``quoted_share``, ``mostly_quoted``, ``matched``, then ``mentions:<outlet>`` and
        ``documents:<outlet>`` for every outlet of ``documents``, zeros included.
    """
    lexs = _lexicons(lexicons)
    outlets = sorted(documents["outlet"].astype(str).unique())
    rows = []
    for lex in lexs:
        for ref in lex.referents.values():
            rows.append((lex.name, f"{REFERENT_CATEGORY}/{ref.id}", ref.name, REFERENT_CATEGORY, ref.id))
        for e in lex.entries:
            rows.append((lex.name, e.id, e.term, e.category, e.referent))
    table = pd.DataFrame(rows, columns=["lexicon", "entry", "term", "category", "referent"])
    m = mentions[mentions["lexicon"].isin([x.name for x in lexs])]
    key = ["lexicon", "entry"]
    quoted = m["voice"].isin(list(quoted_voices)) if "voice" in m.columns else pd.Series(False, index=m.index)
    agg = m.assign(_q=quoted.astype(int)).groupby(key).agg(mentions=("doc_id", "size"), documents=("doc_id", "nunique"),
                                                           outlets=("outlet", "nunique"), quoted=("_q", "sum"))
    table = table.merge(agg.reset_index(), on=key, how="left")
    for col in ("mentions", "documents", "outlets", "quoted"):
        table[col] = table[col].fillna(0).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["quoted_share"] = np.where(table["mentions"] > 0, table["quoted"] / table["mentions"].clip(lower=1), np.nan)
    table["mostly_quoted"] = (table["mentions"] >= min_mentions) & (table["quoted_share"] > quoted_share)
    table["matched"] = table["mentions"] > 0
    if len(m):
        per = m.groupby(key + ["outlet"]).agg(n=("doc_id", "size"), d=("doc_id", "nunique")).reset_index()
        wide_m = per.pivot_table(index=key, columns="outlet", values="n", aggfunc="sum")
        wide_d = per.pivot_table(index=key, columns="outlet", values="d", aggfunc="sum")
    else:
        wide_m = wide_d = pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=key))
    extra = {}
    idx = pd.MultiIndex.from_frame(table[key])
    for o in outlets:
        extra[f"mentions:{o}"] = wide_m.reindex(idx)[o].fillna(0).astype(np.int64).to_numpy() if o in wide_m else 0
        extra[f"documents:{o}"] = wide_d.reindex(idx)[o].fillna(0).astype(np.int64).to_numpy() if o in wide_d else 0
    return pd.concat([table, pd.DataFrame(extra, index=table.index)], axis=1)


# ------------------------------------------------------------------------------------------ discovery
def _entry_matcher(lexs: list[Lexicon]) -> CompiledMatcher | None:
    lexs = [x for x in lexs if x.entries or x.referents]
    return CompiledMatcher(lexs) if lexs else None


def _alias_mentions(docs: pd.DataFrame, matcher: CompiledMatcher, referent: str | None):
    """(doc, start, end, referent id) of every alias occurrence, from the compiled matcher."""
    out_d, out_s, out_e, out_r = [], [], [], []
    texts = docs["text"].tolist()
    for a in range(0, len(texts), 1000):
        d, s, e, t = matcher.find(texts[a:a + 1000])
        for di, si, ei, ti in zip(d.tolist(), s.tolist(), e.tolist(), t.tolist()):
            tg = matcher.targets[ti]
            if tg.category == REFERENT_CATEGORY and (referent is None or tg.referent == referent):
                out_d.append(di + a)
                out_s.append(si)
                out_e.append(ei)
                out_r.append(tg.referent)
    return (np.asarray(out_d, dtype=np.int64), np.asarray(out_s, dtype=np.int64), np.asarray(out_e, dtype=np.int64),
            np.asarray(out_r, dtype=object))


def suggest_descriptors(corpus, lexicons, *, referent: str | None = None, category: str | None = None,
                        max_n: int = 3, min_count: int = 2, min_documents: int = 2, top: int = 20,
                        examples: int = 2, _tokens: _Tokens | None = None) -> pd.DataFrame:
    """Descriptors next to a referent's aliases that no entry covers (module docstring).

    Parameters
    ----------
    corpus : corpus, DataFrame or ScoreResult
        Anything :func:`framing.read_corpus` reads, or a documents table with ``text``.
    lexicons : Lexicon, path, or a list of them
        Their referents give the aliases; their entries (and aliases) the terms already covered.
    referent : str, optional
        Referent id; default every referent of the lexicons (ranked separately).
    category : str, optional
        Category written into the candidates (default ``candidate``).
    max_n : int, default 3
        Longest n-gram.
    min_count, min_documents : int
        A candidate must occur next to the referent at least this often, in this many documents.
    top : int, default 20
        Candidates per referent.
    examples : int, default 2
        Example snippets per candidate.

    Returns
    -------
    DataFrame
        ``CANDIDATE_COLUMNS``; ``position`` is ``before`` or ``after`` the alias; ``score`` is the
        signed G2; ``count`` the occurrences next to the referent; ``evidence`` a one-line summary.
    """
    docs = _documents(corpus)
    lexs = _lexicons(lexicons)
    matcher = _entry_matcher(lexs)
    refs = {r.id: r for lex in lexs for r in lex.referents.values()}
    if referent is not None and referent not in refs:
        from .errors import FramingError, closest

        raise FramingError(f"referent '{referent}' is in none of the lexicons{closest(referent, refs)}; "
                           f"referents: {', '.join(refs) or 'none'}")
    if matcher is None or not refs:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    toks = _tokens or _Tokens.build(docs)
    stop = _stopwords()
    edge = _content(toks, stop)
    d, s, e, r = _alias_mentions(docs, matcher, referent)
    # global token positions of each alias: first token of the alias, first token after it
    base = np.concatenate(([0], np.cumsum(docs["text"].str.len().to_numpy() + 1)[:-1]))
    gstart = base[toks.doc] + toks.start
    first = np.searchsorted(gstart, base[d] + s)
    after = np.searchsorted(gstart, base[d] + e)
    texts = docs["text"].tolist()
    # a title abbreviation before the alias ("Mr. Trump", "Gen. Haftar") is a premodifier too
    abbr = np.asarray([0 < f <= len(toks) and toks.doc[f - 1] == di and toks.upper[f - 1]
                       and int(toks.end[f - 1]) - int(toks.start[f - 1]) <= 4
                       and texts[di][int(toks.end[f - 1]):si] == ". "
                       for f, di, si in zip(first.tolist(), d.tolist(), s.tolist())], dtype=bool)
    # a hard gap after the alias opens an apposition only at a comma, a parenthesis or a dash
    appos = np.asarray([a < len(toks) and toks.doc[a] == di and texts[di][ei:int(toks.start[a])].strip()[:1] in ",(\u2013\u2014-"
                        for a, di, ei in zip(after.tolist(), d.tolist(), e.tolist())], dtype=bool)
    background = {}
    for n in range(1, max_n + 1):
        pos = toks.ngram_starts(n)
        codes = toks.codes(pos, n)
        u, c = np.unique(codes, return_counts=True)
        background[n] = (u, c, len(pos))
    soft = toks.soft
    last = len(toks) - 1
    ed = np.asarray([len(w) > 4 and w.endswith("ed") for w in toks.vocab], dtype=bool)
    dets = [toks.index[w] for w in ("the", "a", "an") if w in toks.index]
    out = []
    for rid in ([referent] if referent else list(refs)):
        sel = r == rid
        if not sel.any():
            continue
        alias_words = {term_key(w) for a in refs[rid].aliases for w in a.split()}
        rows = []
        for n in range(1, max_n + 1):
            for side in ("before", "after"):
                if side == "before":  # premodifier: n words, then a soft gap, then the alias
                    p = first[sel] - n
                    ok = (p >= 0) & (first[sel] <= last)
                    p = np.where(ok, p, 0)
                    gap_ok = soft[np.minimum(first[sel], last)] | (abbr[sel] & (n == 1))
                    ok &= (toks.doc[p] == d[sel]) & gap_ok
                else:  # a compound or possessive head (soft gap), or an apposition after a comma
                    p = after[sel].copy()
                    ok = p <= last
                    p = np.where(ok, p, 0)
                    ok &= (toks.doc[p] == d[sel]) & (soft[p] | ((toks.gap[p] == 1) & appos[sel]))
                    # "Trump delayed": a past tense right after the name is a verb, not a label
                    ok &= ~((toks.gap[p] == 0) & ed[toks.ids[p]])
                    det = ok & (toks.gap[p] == 1) & np.isin(toks.ids[p], dets)  # ", the self-styled ..."
                    p = np.where(det, p + 1, p)
                    ok &= p + n - 1 <= last
                    p = np.where(ok, p, 0)
                    ok &= ~det | soft[p]
                ok &= toks.doc[np.minimum(p + n - 1, last)] == toks.doc[p]
                for k in range(1, n):
                    ok &= soft[np.minimum(p + k, last)]
                ok &= edge[toks.ids[p]] & edge[toks.ids[np.minimum(p + n - 1, last)]] & toks.whole(p, n)
                if not ok.any():
                    continue
                p = p[ok]
                alias_span = np.stack([s[sel][ok], e[sel][ok]], axis=1)
                codes = toks.codes(p, n)
                u, inv, cnt = np.unique(codes, return_inverse=True, return_counts=True)
                bu, bc, total = background[n]
                c_all = bc[np.searchsorted(bu, u)]
                g2 = _g2(cnt, int(sel.sum()), c_all, total)
                for j in np.flatnonzero(cnt >= min_count):
                    members = np.flatnonzero(inv == j)
                    ndocs = len(np.unique(toks.doc[p[members]]))
                    if ndocs < min_documents or g2[j] <= 0:
                        continue
                    words = toks.text_of(int(p[members[0]]), n)
                    if set(words.split()) & alias_words:
                        continue
                    rows.append((words, side, n, float(g2[j]), int(cnt[j]), ndocs, p[members], alias_span[members],
                                 int(c_all[j])))
        rows = _drop_nested(rows)
        if not rows:
            continue
        rows.sort(key=lambda x: (-x[3], x[0]))
        surfaces = [toks.surface(int(x[6][0]), x[2]) for x in rows]
        covered = _covered(surfaces, matcher)
        kept = 0
        for x, surf, cov in zip(rows, surfaces, covered):
            if cov:
                continue
            words, side, n, g2v, cnt, ndocs, members, spans, c_all = x
            snips = []
            for m_pos, (a_s, a_e) in zip(members[:examples], spans[:examples]):
                m_pos = int(m_pos)
                lo = min(int(toks.start[m_pos]), int(a_s))
                hi = max(int(toks.end[m_pos + n - 1]), int(a_e))
                snips.append(toks.snippet(m_pos, n, span=(lo, hi)))
            outlets = _outlet_counts(toks, members)
            evidence = (f"{side} an alias of {rid}: {cnt} times in {ndocs} documents ({outlets}); "
                        f"{c_all} times in the corpus; G2={g2v:.1f}")
            out.append(("descriptors", surf, category or "candidate", rid, side, None, g2v, cnt, ndocs, outlets,
                        evidence, snips))
            kept += 1
            if kept >= top:
                break
    return pd.DataFrame(out, columns=CANDIDATE_COLUMNS)


def suggest_distinctive(corpus, lexicons, *, category: str | None = None, max_n: int = 2, min_count: int = 5,
                        min_documents: int = 3, top: int = 20, examples: int = 2, alpha: float = 0.01,
                        names: bool = False, _tokens: _Tokens | None = None) -> pd.DataFrame:
    """Terms most distinctive of each outlet (log-odds z, one outlet against the rest) that no lexicon
    covers (module docstring).

    Parameters
    ----------
    corpus : corpus, DataFrame or ScoreResult
    lexicons : Lexicon, path, or a list of them
        Terms matched by any entry or alias are left out.
    category : str, optional
        Category written into the candidates (default ``candidate``).
    max_n : int, default 2
        Longest n-gram.
    min_count, min_documents : int
        A term must occur at least this often in the corpus, in this many documents.
    top : int, default 20
        Candidates per outlet (highest z first).
    alpha : float, default 0.01
        Uniform Dirichlet prior per term.
    names : bool, default False
        Keep n-grams holding a word that is capitalised inside sentences (names, titles, parties:
        "Fox News", "Sen."). They dominate the differences between outlets but label no one by
        themselves, so they are left out unless asked for.

    Returns
    -------
    DataFrame
        ``CANDIDATE_COLUMNS``; ``outlet`` the outlet the term is distinctive of; ``score`` its z.
    """
    docs = _documents(corpus)
    lexs = _lexicons(lexicons)
    matcher = _entry_matcher(lexs)
    toks = _tokens or _Tokens.build(docs)
    edge = _content(toks, _stopwords())
    name = toks.name_like() if not names else np.zeros(len(toks.vocab), dtype=bool)
    outlet_of_doc = docs["outlet"].astype(str).to_numpy()
    frames = []
    keep_pos: dict[tuple[int, int], np.ndarray] = {}
    for n in range(1, max_n + 1):
        pos = toks.ngram_starts(n)
        pos = pos[edge[toks.ids[pos]] & edge[toks.ids[pos + n - 1]] & toks.whole(pos, n)]
        has_name = np.zeros(len(pos), dtype=bool)
        for k in range(n):
            has_name |= name[toks.ids[pos + k]]
        pos = pos[~has_name]
        codes = toks.codes(pos, n)
        u, inv, cnt = np.unique(codes, return_inverse=True, return_counts=True)
        ndoc = pd.Series(toks.doc[pos]).groupby(inv).nunique().to_numpy()
        good = (cnt >= min_count) & (ndoc >= min_documents)
        sel = good[inv]
        pos, inv = pos[sel], inv[sel]
        grp = outlet_of_doc[toks.doc[pos]]
        f = pd.DataFrame({"term": [f"{n}:{c}" for c in u[inv].tolist()], "group": grp})
        frames.append(f.groupby(["term", "group"]).size().rename("count").reset_index())
        order = np.argsort(inv, kind="stable")
        bounds = np.searchsorted(inv[order], np.arange(len(u) + 1))
        for j in np.flatnonzero(good):
            keep_pos[f"{n}:{int(u[j])}"] = pos[order[bounds[j]:bounds[j + 1]]]
    if not frames or not sum(len(f) for f in frames):
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    counts = pd.concat(frames, ignore_index=True)
    lo = log_odds(counts, group_col="group", term_col="term", count_col="count", contrast="one_vs_rest",
                  prior="uniform", alpha=alpha)
    lo = lo[lo["z"] > 0].sort_values(["group", "z"], ascending=[True, False])
    out = []
    for g, sub in lo.groupby("group", sort=True):
        kept = 0
        batch = sub.head(top * 4)
        keys = list(batch["term"])
        sizes = [int(k.split(":")[0]) for k in keys]
        surfaces = [toks.surface(int(keep_pos[k][0]), n) for k, n in zip(keys, sizes)]
        covered = _covered(surfaces, matcher)
        for (_, row), k, n, surf, cov in zip(batch.iterrows(), keys, sizes, surfaces, covered):
            if cov:
                continue
            pos = keep_pos[k]
            in_g = pos[outlet_of_doc[toks.doc[pos]] == g]
            ndocs = len(np.unique(toks.doc[pos]))
            snips = [toks.snippet(int(p), n) for p in in_g[:examples]]
            outlets = _outlet_counts(toks, pos)
            evidence = (f"distinctive of {g}: {int(row['count'])} times there, {int(row['count_reference'])} in the "
                        f"other outlets ({outlets}); log-odds {row['delta']:.2f}, z={row['z']:.2f}")
            out.append(("distinctive", surf, category or "candidate", None, None, g, float(row["z"]),
                        int(row["count"] + row["count_reference"]), ndocs, outlets, evidence, snips))
            kept += 1
            if kept >= top:
                break
    return pd.DataFrame(out, columns=CANDIDATE_COLUMNS)


def _embedding(toks: _Tokens, *, min_count: int, window: int, dim: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Row-normalised word vectors (PPMI + truncated SVD) for the words seen ``min_count`` times.

    Returns ``(vocab ids, vectors)``.
    """
    from scipy import sparse
    from sklearn.decomposition import TruncatedSVD

    keep = np.flatnonzero(toks.counts >= min_count)
    remap = np.full(len(toks.vocab), -1, dtype=np.int64)
    remap[keep] = np.arange(len(keep))
    ids = remap[toks.ids]
    para = np.cumsum(toks.gap == 2)  # co-occurrence stays within a paragraph
    rows, cols = [], []
    for k in range(1, window + 1):
        a, b = ids[:-k], ids[k:]
        ok = (a >= 0) & (b >= 0) & (para[:-k] == para[k:])
        rows.append(a[ok])
        cols.append(b[ok])
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    V = len(keep)
    co = sparse.coo_matrix((np.ones(len(r)), (r, c)), shape=(V, V)).tocsr()
    co = (co + co.T).tocsr()
    total = co.sum()
    row_sum = np.asarray(co.sum(axis=1)).ravel()
    ctx = np.asarray(co.sum(axis=0)).ravel() ** 0.75
    ctx = ctx / ctx.sum()
    co = co.tocoo()
    pmi = np.log(co.data * 1.0 / total) - np.log(row_sum[co.row] / total) - np.log(ctx[co.col])
    pos = pmi > 0
    ppmi = sparse.csr_matrix((pmi[pos].astype(np.float32), (co.row[pos], co.col[pos])), shape=(V, V))
    k = max(2, min(dim, V - 1))
    svd = TruncatedSVD(n_components=k, random_state=seed, algorithm="randomized", n_iter=4)
    # One BLAS thread: the matrices are small (threads only contend), and sums in a fixed order keep
    # the vectors identical from run to run. threadpoolctl comes with scikit-learn.
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        u = svd.fit_transform(ppmi)  # = U * S
    vec = u / np.sqrt(np.maximum(svd.singular_values_, 1e-12))  # U * S^0.5
    vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
    return keep, vec


def suggest_neighbours(corpus, lexicons, *, category: str, seeds: Sequence[str] | None = None, top: int = 20,
                       min_count: int = 5, window: int = 2, dim: int = 100, examples: int = 2, seed: int = 0,
                       names: bool = False, _tokens: _Tokens | None = None) -> pd.DataFrame:
    """Words near a category's seed terms in an embedding learned from the corpus (module docstring).

    Parameters
    ----------
    corpus : corpus, DataFrame or ScoreResult
    lexicons : Lexicon, path, or a list of them
        The category's one-word entries are the seeds (a wildcard entry ``militia*`` stands for every
        corpus word it matches); words any entry or alias covers are left out.
    category : str
        The category to extend.
    seeds : sequence of str, optional
        Seed words instead of the category's entries.
    top : int, default 20
    min_count : int, default 5
        Words seen fewer times have no vector.
    window : int, default 2
        Co-occurrence window (words on each side, within a paragraph). Narrow windows make words
        that can replace each other similar (Levy & Goldberg 2014), which is what extending a
        category needs; in leave-one-out runs on BASIL and on the AllSides articles, 2 found held-out
        terms at least as often as 5.
    dim : int, default 100
        Dimensions kept by the SVD.
    seed : int, default 0
        Random state of the randomized SVD.
    names : bool, default False
        Keep words that are mostly capitalised inside sentences (names); left out by default.

    Returns
    -------
    DataFrame
        ``CANDIDATE_COLUMNS``; ``score`` is the cosine similarity to the centroid of the seeds.
    """
    docs = _documents(corpus)
    lexs = _lexicons(lexicons)
    matcher = _entry_matcher(lexs)
    toks = _tokens or _Tokens.build(docs)
    if seeds is None:
        cats = {c for lex in lexs for c in lex.categories}
        if category not in cats:
            from .errors import FramingError, closest

            raise FramingError(f"category '{category}' is in none of the lexicons{closest(category, cats)}")
        seeds = [s for lex in lexs for e in lex.entries if e.category == category for s in e.surfaces]
    keep, vec = _embedding(toks, min_count=min_count, window=window, dim=dim, seed=seed)
    row_of = {int(v): i for i, v in enumerate(keep)}
    seed_rows: list[int] = []
    vocab_keep = [toks.vocab[v] for v in keep]
    for s in seeds:
        key = term_key(s)
        if " " in key:
            continue
        if key.endswith("*"):
            seed_rows += [i for i, w in enumerate(vocab_keep) if w.startswith(key[:-1])]
        elif key in toks.index and toks.index[key] in row_of:
            seed_rows.append(row_of[toks.index[key]])
    seed_rows = sorted(set(seed_rows))
    if not seed_rows:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    centroid = vec[seed_rows].mean(axis=0)
    centroid /= max(np.linalg.norm(centroid), 1e-12)
    sims = vec @ centroid
    edge = _content(toks, _stopwords())
    order = np.argsort(-sims, kind="stable")
    is_seed = np.zeros(len(keep), dtype=bool)
    is_seed[seed_rows] = True
    name = toks.name_like() if not names else np.zeros(len(toks.vocab), dtype=bool)
    cand = [i for i in order if not is_seed[i] and edge[keep[i]] and not name[keep[i]]]
    batch = cand[: top * 5]
    surfaces = [vocab_keep[i] for i in batch]
    covered = _covered(surfaces, matcher)
    out = []
    seed_vecs = vec[seed_rows]
    for i, surf, cov in zip(batch, surfaces, covered):
        if cov:
            continue
        w = int(keep[i])
        pos = np.flatnonzero(toks.ids == w)
        near = np.argsort(-(seed_vecs @ vec[i]))[:3]
        nearest = ", ".join(vocab_keep[seed_rows[j]] for j in near)
        outlets = _outlet_counts(toks, pos)
        ndocs = len(np.unique(toks.doc[pos]))
        evidence = (f"neighbour of '{category}' seeds (cosine {sims[i]:.2f} to their centroid; nearest seeds: "
                    f"{nearest}); {len(pos)} times in {ndocs} documents ({outlets})")
        snips = [toks.snippet(int(p), 1) for p in pos[:examples]]
        out.append(("neighbours", surf, category, None, None, None, float(sims[i]), int(len(pos)), ndocs, outlets,
                    evidence, snips))
        if len(out) >= top:
            break
    return pd.DataFrame(out, columns=CANDIDATE_COLUMNS)


def suggest(corpus, lexicons, *, referent: str | None = None, category: str | None = None,
            methods: Sequence[str] | None = None, top: int = 20, seed: int = 0) -> pd.DataFrame:
    """Candidate terms by every method that applies (module docstring).

    ``descriptors`` runs when the lexicons have referents (for ``referent``, or each), ``distinctive``
    always, ``neighbours`` when ``category`` is given. The corpus is tokenised once.

    Returns
    -------
    DataFrame
        ``CANDIDATE_COLUMNS``, methods one after the other.
    """
    docs = _documents(corpus)
    lexs = _lexicons(lexicons)
    if methods is None:
        methods = [m for m, ok in (("descriptors", any(x.referents for x in lexs)), ("distinctive", True),
                                   ("neighbours", category is not None)) if ok]
    unknown = set(methods) - {"descriptors", "distinctive", "neighbours"}
    if unknown:
        from .errors import FramingError

        raise FramingError(f"unknown method(s) {', '.join(sorted(unknown))}; use descriptors, distinctive, neighbours")
    toks = _Tokens.build(docs)
    parts = []
    if "descriptors" in methods:
        parts.append(suggest_descriptors(docs, lexs, referent=referent, category=category, top=top, _tokens=toks))
    if "distinctive" in methods:
        parts.append(suggest_distinctive(docs, lexs, category=category, top=top, _tokens=toks))
    if "neighbours" in methods:
        if category is None:
            from .errors import FramingError

            raise FramingError("the neighbours method needs a category whose entries are the seeds (--category)")
        parts.append(suggest_neighbours(docs, lexs, category=category, top=top, seed=seed, _tokens=toks))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=CANDIDATE_COLUMNS)


def candidates_yaml(candidates: pd.DataFrame, *, header: str | None = None) -> str:
    """A YAML fragment of candidate entries in the native format, for a human to review.

    Each candidate is an entry (``term``, ``category``, ``referent`` where known) whose ``notes``
    carry the evidence and example snippets and whose ``source`` names the method. Paste the
    accepted ones under ``entries:`` of a lexicon, set their categories and valences, and run
    ``framing lexicon validate``. Duplicate terms (found by two methods) are listed once, with both
    pieces of evidence.
    """
    import yaml

    by_term: dict[str, dict] = {}
    for row in candidates.itertuples(index=False):
        key = term_key(row.term)
        note = row.evidence
        if len(row.examples):
            note += " | e.g. " + " | ".join(row.examples)
        if key in by_term:
            d = by_term[key]
            d["notes"] += "\n" + note
            if row.method not in d["source"]:
                d["source"] += f", {row.method}"
            continue
        d = {"term": row.term, "category": row.category}
        if isinstance(row.referent, str) and row.referent:
            d["referent"] = row.referent
        d["notes"] = note
        d["source"] = f"framing lexicon suggest: {row.method}"
        by_term[key] = d
    head = header or ("Candidate entries from `framing lexicon suggest`: evidence, not decisions. Keep the loaded "
                      "terms, give each its category and valence, delete the rest, paste under `entries:` and run "
                      "`framing lexicon validate`.")
    lines = [f"# {line}" for line in _wrap(head)]
    body = yaml.safe_dump({"entries": list(by_term.values())}, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(lines) + "\n" + body


def _wrap(text: str, width: int = 98) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return lines + ([cur] if cur else [])

