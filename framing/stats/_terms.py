"""Term counts per group: lexicon terms from mentions, or all n-grams of the corpus text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from ..errors import FramingError
from ..lexicon.model import REFERENT_CATEGORY
from ..text import _APOSTROPHES
from ._tables import doc_groups, doc_index, filter_voice

__all__ = ["term_counts", "mention_counts", "TOKEN_PATTERN"]

#: scikit-learn token pattern of framing's word tokens (see :func:`framing.text.word_spans`) after
#: the preprocessing of :func:`term_counts` (NFKC, lower case, typographic apostrophes made ``'``):
#: runs of word characters with apostrophes inside words.
TOKEN_PATTERN = r"\w+(?:'\w+)*"

_APOS_RE = re.compile("[" + re.escape(_APOSTROPHES) + "]")


def _preprocess(text: str) -> str:
    return _APOS_RE.sub("'", unicodedata.normalize("NFKC", text).lower())


def _parse_ngram_range(ngram_range) -> tuple[int, int]:
    if isinstance(ngram_range, str):
        parts = [p for p in re.split(r"[,\s:-]+", ngram_range.strip()) if p]
        ngram_range = tuple(int(p) for p in parts)
    if isinstance(ngram_range, int):
        ngram_range = (ngram_range, ngram_range)
    if len(ngram_range) == 1:
        ngram_range = (ngram_range[0], ngram_range[0])
    lo, hi = (int(x) for x in ngram_range)
    if not 1 <= lo <= hi:
        raise FramingError(f"ngram range must be 1 <= low <= high (e.g. 1,2), not {lo},{hi}")
    return lo, hi


def term_counts(documents: pd.DataFrame, *, by: str = "outlet", ngram_range=(1, 1), min_count: int = 1,
                text_col: str = "text", groups: Sequence | None = None, stop_words: Sequence[str] | None = None,
                max_terms: int | None = None) -> pd.DataFrame:
    """Counts of every word n-gram of the corpus text, per group (for :func:`log_odds`, :func:`keyness`).

    Parameters
    ----------
    documents : DataFrame
        With the text column and the ``by`` column (e.g. ``framing.score(...).documents`` or
        ``framing.read_corpus(...).documents``).
    by : str, default "outlet"
        Grouping column of ``documents``; documents without a value are left out.
    ngram_range : (int, int) or str, default (1, 1)
        Lowest and highest n (``(1, 2)``: words and pairs of words; ``"1,2"`` also accepted).
    min_count : int, default 1
        Keep n-grams counted at least this often in the whole corpus.
    text_col : str, default "text"
    groups : list, optional
        Only these groups.
    stop_words : list of str, optional
        Words left out before n-grams are formed (scikit-learn semantics). None by default.
    max_terms : int, optional
        Keep only the most frequent n-grams (ties broken alphabetically).

    Returns
    -------
    DataFrame
        ``group, term, count, documents``: one row per group × n-gram with a non-zero count (zero
        rows are left out; :func:`log_odds` and :func:`keyness` fill them in); ``documents`` is the
        number of the group's documents containing the n-gram. ``attrs["totals"]`` holds every
        group's count of all n-grams before ``min_count`` / ``max_terms`` pruning.

    Notes
    -----
    Tokens are framing's word tokens (:func:`framing.text.word_spans`: runs of word characters
    with apostrophes inside words, hyphenated compounds as their parts), after Unicode NFKC, lower
    casing and typographic apostrophes made straight, counted with scikit-learn's
    :class:`~sklearn.feature_extraction.text.CountVectorizer`. N-grams are formed within a
    document and may cross sentence boundaries.
    """
    if text_col not in documents.columns:
        raise FramingError(f"documents has no '{text_col}' column: n-gram counts need the article text "
                           "(a folder written by `framing score` has no text; pass the corpus instead)")
    lo, hi = _parse_ngram_range(ngram_range)
    g = doc_groups(documents, by, groups)
    rows = np.concatenate(g.rows) if len(g) else np.zeros(0, dtype=np.int64)
    codes = np.concatenate([np.full(len(r), i) for i, r in enumerate(g.rows)]) if len(g) else np.zeros(0, int)
    texts = documents[text_col].fillna("").astype(str).to_numpy()[rows]
    cols = ["group", "term", "count", "documents"]
    if len(texts) == 0:
        out = pd.DataFrame(columns=cols)
        out.attrs = {"statistic": "term_counts", "by": by, "ngram_range": [lo, hi], "min_count": min_count,
                     "totals": {}}
        return out
    vec = CountVectorizer(token_pattern=TOKEN_PATTERN, lowercase=False, preprocessor=_preprocess,
                          ngram_range=(lo, hi), stop_words=list(stop_words) if stop_words else None,
                          dtype=np.int64)
    try:
        X = vec.fit_transform(texts)
    except ValueError:  # empty vocabulary
        X = sparse.csr_matrix((len(texts), 0), dtype=np.int64)
        vocab = np.array([], dtype=object)
    else:
        vocab = vec.get_feature_names_out()
    G = len(g)
    ind = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(G, len(codes)))
    counts = (ind @ X).tocsc()
    docs = (ind @ (X > 0).astype(np.int64)).tocsc()
    totals = np.asarray(counts.sum(axis=1)).ravel()
    total_w = np.asarray(counts.sum(axis=0)).ravel()
    keep = np.flatnonzero(total_w >= min_count)
    if max_terms is not None and len(keep) > max_terms:
        order = np.lexsort((vocab[keep], -total_w[keep]))
        keep = np.sort(keep[order[:max_terms]])
    counts = counts[:, keep].tocoo()
    docs = docs[:, keep].tocsr()
    keys = g.keys[by].to_numpy()
    out = pd.DataFrame({"group": keys[counts.row], "term": vocab[keep][counts.col],
                        "count": counts.data.astype(np.int64),
                        "documents": np.asarray(docs[counts.row, counts.col]).ravel().astype(np.int64)})
    order = np.lexsort((out["term"].to_numpy(), counts.row))
    out = out.iloc[order].reset_index(drop=True)
    out.attrs = {"statistic": "term_counts", "by": by, "ngram_range": [lo, hi], "min_count": int(min_count),
                 "token_pattern": TOKEN_PATTERN, "preprocessing": "NFKC, lower case, apostrophes as '",
                 "totals": {str(k): int(t) for k, t in zip(keys, totals)}}
    return out


def mention_counts(mentions: pd.DataFrame, documents: pd.DataFrame | None = None, *, by: str = "outlet",
                   unit: str = "term", voice: str | Sequence[str] | None = None, referents: bool = False,
                   groups: Sequence | None = None) -> pd.DataFrame:
    """Counts of lexicon terms (or entries, categories) per group, from the mentions table.

    Parameters
    ----------
    mentions : DataFrame
    documents : DataFrame, optional
        Needed when ``by`` is not a column of ``mentions`` (it is joined on ``doc_id``).
    by : str, default "outlet"
    unit : {"term", "entry", "category"}, default "term"
        What a "term" is: the canonical term, the entry id, or the category.
    voice : str or list, optional
    referents : bool, default False
        Count occurrences of referent aliases too (category ``referent``).
    groups : list, optional
        Only these groups.

    Returns
    -------
    DataFrame
        ``group, term, count, documents`` (as :func:`term_counts`), plus ``lexicon``.
    """
    if unit not in ("term", "entry", "category"):
        raise FramingError(f"unit must be term, entry or category, not {unit!r}")
    m = filter_voice(mentions, voice)
    if not referents:
        m = m[m["category"] != REFERENT_CATEGORY]
    if documents is not None and (by != "outlet" or by not in m.columns):
        g = doc_groups(documents, by, groups)
        keys = pd.Series(-1, index=range(len(documents)), dtype=np.int64)
        for i, r in enumerate(g.rows):
            keys.iloc[r] = i
        di = doc_index(m, documents)
        code = np.where(di >= 0, keys.to_numpy()[np.maximum(di, 0)], -1)
        m = m.assign(group=np.where(code >= 0, g.keys[by].to_numpy()[np.maximum(code, 0)], None))
        m = m[code >= 0]
    else:
        if by not in m.columns:
            raise FramingError(f"mentions has no column '{by}'; pass documents to group by a documents column")
        m = m.assign(group=m[by])
        if groups is not None:
            m = m[m["group"].isin(list(groups))]
    m = m.assign(term=m[unit].astype(str))
    out = (m.groupby(["group", "term"], sort=True)
           .agg(count=("doc_id", "size"), documents=("doc_id", "nunique"), lexicon=("lexicon", "first"))
           .reset_index())
    out["count"] = out["count"].astype(np.int64)
    out["documents"] = out["documents"].astype(np.int64)
    out.attrs = {"statistic": "mention_counts", "by": by, "unit": unit, "voice": voice, "referents": referents}
    return out
