"""Rates, label shares and the valence index per group, with cluster-bootstrap intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import FramingError
from ._bootstrap import INTERVALS, RatioBootstrap, check_level, check_replicates, group_rng
from ._tables import Groups, count_matrix, doc_groups, doc_index, filter_voice, labels_of, tokens_of

__all__ = ["rates", "label_shares", "valence_index"]

RATE_COLUMNS = ["group", "category", "mentions", "tokens", "rate_per_1k", "ci_low", "ci_high", "lexicon",
                "documents", "n_documents", "doc_share", "doc_share_low", "doc_share_high"]
LABEL_COLUMNS = ["referent", "group", "term", "count", "share", "ci_low", "ci_high", "lexicon", "category",
                 "valence", "group_labels"]
VALENCE_COLUMNS = ["referent", "group", "labels", "valence_mean", "ci_low", "ci_high", "valence_sum"]


def _params(statistic: str, **kw) -> dict:
    out = {"statistic": statistic}
    for k, v in kw.items():
        out[k] = list(v) if isinstance(v, (list, tuple)) else v
    return out


def _boot_params(replicates, level, interval, seed) -> dict:
    if interval not in INTERVALS:
        raise FramingError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}")
    return {"replicates": check_replicates(replicates), "level": check_level(level), "interval": interval,
            "seed": int(seed), "resampling": "documents within each group, with replacement (cluster bootstrap)"}


def run_groups(boot: RatioBootstrap, groups: Groups, *, replicates: int, level: float, interval: str,
               seed: int) -> dict[str, np.ndarray]:
    """Run a :class:`RatioBootstrap` for every group; arrays of shape (n_groups, K)."""
    keys = [groups.key(i) for i in range(len(groups))]
    parts = [boot.run(rows, (lambda k=key: group_rng(seed, k)), replicates=replicates, level=level,
                      interval=interval) for rows, key in zip(groups.rows, keys)]
    K = boot.Y.shape[1]
    return {name: (np.vstack([p[name] for p in parts]) if parts else np.zeros((0, K)))
            for name in ("estimate", "num", "den", "low", "high")}


def rates_for_groups(mentions: pd.DataFrame, documents: pd.DataFrame, groups: Groups, *,
                     categories: Sequence[tuple[str, str]] | None, replicates: int, level: float,
                     interval: str, seed: int) -> pd.DataFrame:
    """Rates table for prepared groups (key columns first, then ``RATE_COLUMNS`` without ``group``)."""
    if categories is None:
        categories = sorted(set(zip(mentions["lexicon"].astype(str), mentions["category"].astype(str))))
    categories = [tuple(c) for c in categories]
    C = len(categories)
    cat_index = pd.MultiIndex.from_tuples(categories, names=["lexicon", "category"]) if C else None
    n = len(documents)
    if C and len(mentions):
        col = cat_index.get_indexer(pd.MultiIndex.from_arrays([mentions["lexicon"].astype(str),
                                                               mentions["category"].astype(str)]))
    else:
        col = np.zeros(0, dtype=np.int64)
    counts = count_matrix(doc_index(mentions, documents) if len(mentions) else np.zeros(0), col, n, C)
    present = (counts > 0).astype(np.float64)
    Y = sparse.hstack([counts, present]).tocsr()
    D = np.column_stack([tokens_of(documents), np.ones(n)])
    den = np.r_[np.zeros(C, dtype=np.int64), np.ones(C, dtype=np.int64)]
    scale = np.r_[np.full(C, 1000.0), np.ones(C)]
    res = run_groups(RatioBootstrap(Y, D, den, scale), groups, replicates=replicates, level=level,
                     interval=interval, seed=seed)
    G = len(groups)
    keys = groups.keys.loc[np.repeat(np.arange(G), C)].reset_index(drop=True)
    out = keys.copy()
    out["category"] = [c for _, c in categories] * G
    out["mentions"] = res["num"][:, :C].ravel().round().astype(np.int64)
    out["tokens"] = res["den"][:, :C].ravel().round().astype(np.int64)
    out["rate_per_1k"] = res["estimate"][:, :C].ravel()
    out["ci_low"] = res["low"][:, :C].ravel()
    out["ci_high"] = res["high"][:, :C].ravel()
    out["lexicon"] = [lx for lx, _ in categories] * G
    out["documents"] = res["num"][:, C:].ravel().round().astype(np.int64)
    out["n_documents"] = np.repeat([len(r) for r in groups.rows], C).astype(np.int64)
    out["doc_share"] = res["estimate"][:, C:].ravel()
    out["doc_share_low"] = res["low"][:, C:].ravel()
    out["doc_share_high"] = res["high"][:, C:].ravel()
    return out


def rates(mentions: pd.DataFrame, documents: pd.DataFrame, *, by: str = "outlet",
          categories: Sequence[tuple[str, str]] | None = None, voice: str | Sequence[str] | None = None,
          groups: Sequence | None = None, replicates: int = 2000, level: float = 0.95,
          interval: str = "bca", seed: int = 0) -> pd.DataFrame:
    """Mentions per 1,000 tokens and share of documents, per group and category, with intervals.

    Parameters
    ----------
    mentions, documents : DataFrame
        From :func:`framing.score` (``documents`` needs ``doc_id``, ``n_tokens`` and the ``by``
        column).
    by : str, default "outlet"
        Grouping column of ``documents`` (outlet, or a carried-through column such as leaning,
        country or month). Documents without a value are left out.
    categories : list of (lexicon, category), optional
        Categories to report (zeros included); by default every category in ``mentions``.
    voice : str or list, optional
        Only mentions in these voices (``"author"``: the outlet's own words).
    groups : list, optional
        Only these groups, in this order (default: all, sorted).
    replicates : int, default 2000
        Bootstrap replicates (0: no intervals).
    level : float, default 0.95
        Confidence level.
    interval : {"bca", "percentile"}, default "bca"
        Bootstrap interval.
    seed : int, default 0

    Returns
    -------
    DataFrame
        ``group, category, mentions, tokens, rate_per_1k, ci_low, ci_high, lexicon, documents,
        n_documents, doc_share, doc_share_low, doc_share_high``: one row per group × category,
        zeros included. ``df.attrs`` records every parameter.

    Notes
    -----
    ``rate_per_1k = 1000 * M_g / T_g`` where ``M_g`` is the number of mentions of the category in
    the documents of group ``g`` and ``T_g`` the sum of ``n_tokens`` over ALL the group's scored
    documents (those without a mention included). ``doc_share = D_g / N_g``: documents with at
    least one mention over documents.

    The intervals come from a cluster bootstrap: each replicate draws ``N_g`` documents of the
    group with replacement and recomputes both sums, because mentions in one article are not
    independent (Davison & Hinkley 1997, sec. 3.8; Field & Welsh 2007). ``ci_low``/``ci_high`` are
    percentile or BCa intervals (Efron 1987) of the replicates; see :func:`bca_interval`.

    Examples
    --------
    >>> import framing
    >>> res = framing.score(framing.demo_corpus(), "libya")
    >>> framing.stats.rates(res.mentions, res.documents, replicates=200).columns[:7].tolist()
    ['group', 'category', 'mentions', 'tokens', 'rate_per_1k', 'ci_low', 'ci_high']
    """
    params = _boot_params(replicates, level, interval, seed)
    m = filter_voice(mentions, voice)
    g = doc_groups(documents, by, groups)
    out = rates_for_groups(m, documents, g, categories=categories, **params_for_run(params))
    out = out.rename(columns={by: "group"})[RATE_COLUMNS]
    out.attrs = _params("rates", by=by, voice=voice, unit="mentions per 1,000 tokens",
                        documents_left_out=int(len(documents) - sum(len(r) for r in g.rows)), **params)
    return out


def params_for_run(params: dict) -> dict:
    return {k: params[k] for k in ("replicates", "level", "interval", "seed")}


def label_shares_for_groups(mentions: pd.DataFrame, documents: pd.DataFrame, groups: Groups, *,
                            referent, replicates: int, level: float, interval: str, seed: int) -> pd.DataFrame:
    lab = labels_of(mentions, referent)
    key_cols = list(groups.keys.columns)
    cols = ["referent", *key_cols, *LABEL_COLUMNS[2:]]
    if lab.empty or not len(groups):
        return pd.DataFrame(columns=cols)
    lab = lab.assign(referent=lab["referent"].astype(str), lexicon=lab["lexicon"].astype(str),
                     term=lab["term"].astype(str))
    info = (lab.groupby(["referent", "lexicon", "term"], sort=True)
            .agg(category=("category", "first"), valence=("valence", "first")).reset_index())
    K = len(info)
    refs = pd.Index(sorted(info["referent"].unique()))
    ref_of = refs.get_indexer(info["referent"])
    pair_index = pd.MultiIndex.from_frame(info[["referent", "lexicon", "term"]])
    col = pair_index.get_indexer(pd.MultiIndex.from_frame(lab[["referent", "lexicon", "term"]]))
    rows = doc_index(lab, documents)
    n = len(documents)
    Y = count_matrix(rows, col, n, K)
    D = count_matrix(rows, refs.get_indexer(lab["referent"]), n, len(refs)).toarray()
    res = run_groups(RatioBootstrap(Y, D, ref_of, 1.0), groups, replicates=replicates, level=level,
                     interval=interval, seed=seed)
    G = len(groups)
    gi = np.repeat(np.arange(G), K)
    ki = np.tile(np.arange(K), G)
    out = pd.DataFrame({"referent": info["referent"].to_numpy()[ki]})
    for c in key_cols:
        out[c] = groups.keys[c].to_numpy()[gi]
    out["term"] = info["term"].to_numpy()[ki]
    out["count"] = res["num"].ravel().round().astype(np.int64)
    out["share"] = res["estimate"].ravel()
    out["ci_low"] = res["low"].ravel()
    out["ci_high"] = res["high"].ravel()
    out["lexicon"] = info["lexicon"].to_numpy()[ki]
    out["category"] = info["category"].to_numpy()[ki]
    out["valence"] = info["valence"].to_numpy(dtype=float)[ki]
    out["group_labels"] = res["den"].ravel().round().astype(np.int64)
    out = out[out["group_labels"] > 0]
    out["_g"] = gi[out.index]
    out = out.sort_values(["referent", "_g", "count", "term"], ascending=[True, True, False, True], kind="stable")
    return out.drop(columns="_g").reset_index(drop=True)[cols]


def label_shares(mentions: pd.DataFrame, documents: pd.DataFrame, *, by: str = "outlet",
                 referent: str | Sequence[str] | None = None, voice: str | Sequence[str] | None = None,
                 groups: Sequence | None = None, replicates: int = 2000, level: float = 0.95,
                 interval: str = "bca", seed: int = 0) -> pd.DataFrame:
    """Which labels each group gives each referent: counts and shares with intervals.

    Parameters
    ----------
    mentions, documents : DataFrame
    by, voice, groups, replicates, level, interval, seed
        As in :func:`rates`.
    referent : str or list, optional
        Only these referents.

    Returns
    -------
    DataFrame
        ``referent, group, term, count, share, ci_low, ci_high, lexicon, category, valence,
        group_labels``. One row per referent × group × label used for that referent by any group
        (zero counts included), for groups that label the referent at all; sorted by referent,
        group, descending count, term.

    Notes
    -----
    Labels are mentions of entries whose ``referent`` is set (alias occurrences are not labels).
    ``share = L_gt / L_g``: the group's uses of label ``t`` for the referent over all its labels for
    the referent (``group_labels``). Intervals resample the group's documents (all of them,
    labelled or not) with replacement; replicates in which the group never labels the referent
    are left out.
    """
    params = _boot_params(replicates, level, interval, seed)
    g = doc_groups(documents, by, groups)
    out = label_shares_for_groups(filter_voice(mentions, voice), documents, g, referent=referent,
                                  **params_for_run(params))
    out = out.rename(columns={by: "group"})
    out.attrs = _params("label_shares", by=by, voice=voice, referent=referent, **params)
    return out


def valence_for_groups(mentions: pd.DataFrame, documents: pd.DataFrame, groups: Groups, *, referent,
                       replicates: int, level: float, interval: str, seed: int) -> pd.DataFrame:
    lab = labels_of(mentions, referent)
    lab = lab[pd.to_numeric(lab["valence"], errors="coerce").notna()]
    key_cols = list(groups.keys.columns)
    cols = ["referent", *key_cols, *VALENCE_COLUMNS[2:]]
    if lab.empty or not len(groups):
        return pd.DataFrame(columns=cols)
    refs = pd.Index(sorted(lab["referent"].astype(str).unique()))
    R = len(refs)
    rc = refs.get_indexer(lab["referent"].astype(str))
    rows = doc_index(lab, documents)
    n = len(documents)
    Y = count_matrix(rows, rc, n, R, weights=pd.to_numeric(lab["valence"]).to_numpy(dtype=float))
    D = count_matrix(rows, rc, n, R).toarray()
    res = run_groups(RatioBootstrap(Y, D, np.arange(R), 1.0), groups, replicates=replicates, level=level,
                     interval=interval, seed=seed)
    G = len(groups)
    gi = np.repeat(np.arange(G), R)
    ri = np.tile(np.arange(R), G)
    out = pd.DataFrame({"referent": np.asarray(refs)[ri]})
    for c in key_cols:
        out[c] = groups.keys[c].to_numpy()[gi]
    out["labels"] = res["den"].ravel().round().astype(np.int64)
    out["valence_mean"] = res["estimate"].ravel()
    out["ci_low"] = res["low"].ravel()
    out["ci_high"] = res["high"].ravel()
    out["valence_sum"] = res["num"].ravel()
    out = out[out["labels"] > 0]
    out["_g"] = gi[out.index]
    out = out.sort_values(["referent", "_g"], kind="stable").drop(columns="_g").reset_index(drop=True)
    return out[cols]


def valence_index(mentions: pd.DataFrame, documents: pd.DataFrame, *, by: str = "outlet",
                  referent: str | Sequence[str] | None = None, voice: str | Sequence[str] | None = None,
                  groups: Sequence | None = None, replicates: int = 2000, level: float = 0.95,
                  interval: str = "bca", seed: int = 0) -> pd.DataFrame:
    """Mean valence of the labels each group applies to each referent, with intervals.

    Parameters
    ----------
    As in :func:`label_shares`.

    Returns
    -------
    DataFrame
        ``referent, group, labels, valence_mean, ci_low, ci_high, valence_sum``: one row per
        referent × group with at least one valenced label.

    Notes
    -----
    ``valence_mean = sum(v_i) / n`` over the group's ``n`` label mentions of the referent that
    carry a valence ``v_i`` in [-1, 1] (labels without a valence are left out): -1 is the most
    delegitimising, +1 the most legitimising. Intervals: cluster bootstrap over documents, as in
    :func:`rates`.
    """
    params = _boot_params(replicates, level, interval, seed)
    g = doc_groups(documents, by, groups)
    out = valence_for_groups(filter_voice(mentions, voice), documents, g, referent=referent,
                             **params_for_run(params))
    out = out.rename(columns={by: "group"})
    out.attrs = _params("valence_index", by=by, voice=voice, referent=referent, **params)
    return out
