"""How differently groups label the same referent: Jensen–Shannon divergence with bootstrap
intervals, and chi-squared / permutation tests on the label × group table."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import chi2 as chi2_dist

from ..errors import FramingError
from ._bootstrap import (INTERVALS, bca_interval, check_level, check_replicates, group_rng, percentile_interval,
                        resample_counts)
from ._keyness import bh_adjust
from ._tables import REFERENT_CATEGORY, count_matrix, doc_groups, doc_index, filter_voice, labels_of

__all__ = ["js_divergence", "label_divergence", "term_divergence", "divergence_matrix", "label_test", "chi2_table"]

ALL = "(all)"
REST = "(rest)"


def js_divergence(p, q, *, base: float = 2.0) -> np.ndarray:
    """Jensen–Shannon divergence between distributions (rows of ``p`` and ``q``).

    Parameters
    ----------
    p, q : array-like, shape (..., L)
        Counts or probabilities; each row is normalised to sum to 1 (a row of zeros gives NaN).
    base : float, default 2
        Logarithm base: with 2 the divergence lies in [0, 1].

    Returns
    -------
    ndarray, shape (...)

    Notes
    -----
    ``JSD(P, Q) = H(M) - (H(P) + H(Q)) / 2`` with ``M = (P + Q) / 2`` and Shannon entropy
    ``H(P) = -sum_i P_i log P_i`` (``0 log 0 = 0``); equivalently ``(KL(P||M) + KL(Q||M)) / 2``
    (Lin 1991). Its square root is a metric. The plug-in estimate is biased upwards in small samples
    (two samples from one distribution rarely have identical label shares), so compare it with its
    permutation distribution (:func:`label_test`) before reading small values as differences.
    """
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = p / p.sum(axis=-1, keepdims=True)
        q = q / q.sum(axis=-1, keepdims=True)
        m = (p + q) / 2

        def h(x):
            return -np.sum(np.where(x > 0, x * np.log(np.where(x > 0, x, 1)), 0.0), axis=-1)

        out = (h(m) - (h(p) + h(q)) / 2) / np.log(base)
    bad = np.isnan(p).any(axis=-1) | np.isnan(q).any(axis=-1)
    return np.where(bad, np.nan, np.clip(out, 0.0, np.log(2) / np.log(base)))  # rounding stays in range


def _label_matrix(mentions, documents, referent):
    """Label mentions, their (referent, term) pairs, and the documents × pairs count matrix.

    Labels are told apart by referent and term (the same term from two lexicons is one label, and
    one span matched by both counts once).
    """
    lab = labels_of(mentions, referent)
    lab = lab.assign(referent=lab["referent"].astype(str), term=lab["term"].astype(str))
    span = [c for c in ("doc_id", "start", "end") if c in lab.columns]
    if len(span) == 3:  # one label use matched by several lexicons counts once
        lab = lab.drop_duplicates([*span, "referent", "term"])
    info = lab[["referent", "term"]].drop_duplicates().sort_values(["referent", "term"]).reset_index(drop=True)
    col = pd.MultiIndex.from_frame(info).get_indexer(pd.MultiIndex.from_frame(lab[["referent", "term"]])) \
        if len(info) else np.zeros(0, dtype=np.int64)
    C = count_matrix(doc_index(lab, documents), col, len(documents), len(info)).tocsc()
    return info, C


def label_divergence(mentions: pd.DataFrame, documents: pd.DataFrame, *, by: str = "outlet",
                     referent: str | Sequence[str] | None = None, voice: str | Sequence[str] | None = None,
                     groups: Sequence | None = None, replicates: int = 2000, level: float = 0.95,
                     interval: str = "bca", seed: int = 0, base: float = 2.0) -> pd.DataFrame:
    """Jensen–Shannon divergence between groups' label distributions for each referent, with intervals.

    Parameters
    ----------
    mentions, documents : DataFrame
    by : str, default "outlet"
        Grouping column of ``documents``.
    referent : str or list, optional
        Only these referents.
    voice : str or list, optional
    groups : list, optional
        Only these groups, in this order.
    replicates : int, default 2000
    level : float, default 0.95
    interval : {"bca", "percentile"}, default "bca"
    seed : int, default 0
    base : float, default 2
        Logarithm base of the divergence.

    Returns
    -------
    DataFrame
        ``referent, group, reference, jsd, ci_low, ci_high, labels_group, labels_reference,
        documents_group, documents_reference, terms``: one row per referent × unordered pair of
        groups that both label it (``group`` before ``reference`` in group order).
        ``documents_*`` count the documents that label the referent (the clusters the bootstrap
        resamples: with a handful of them, no interval is reliable); ``terms`` is the number of
        distinct labels of the referent. :func:`divergence_matrix` makes a square table of it.

    Notes
    -----
    ``jsd`` is :func:`js_divergence` of the two groups' label counts. Each bootstrap replicate
    resamples each group's documents with replacement (independently per group; the same resampled
    documents for every referent) and recomputes the divergence; replicates in which a group has no
    label for the referent are left out. The plug-in divergence is biased upwards, and its bootstrap
    distribution more so, so a percentile interval can lie above the estimate; the default BCa
    interval corrects for that bias (``z0``) and for skewness, with the two-sample jackknife
    acceleration (each group's documents left out one at a time; Efron & Tibshirani 1993, ch. 14,
    as in :func:`scipy.stats.bootstrap` for several samples).
    """
    replicates = check_replicates(replicates)
    level = check_level(level)
    if interval not in INTERVALS:
        raise FramingError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}")
    g = doc_groups(documents, by, groups)
    info, C = _label_matrix(filter_voice(mentions, voice), documents, referent)
    rows_out = []
    names = list(g.keys[by])
    for ref in info["referent"].unique():
        cols = np.flatnonzero(info["referent"].to_numpy() == ref)
        Cr = C[:, cols].tocsr()
        obs = [np.asarray(Cr[r].sum(axis=0)).ravel() for r in g.rows]
        ndocs = [int(np.sum(np.asarray(Cr[r].sum(axis=1)).ravel() > 0)) for r in g.rows]
        boots = []
        for i, r in enumerate(g.rows):
            if obs[i].sum() == 0 or replicates == 0:
                boots.append(None)
                continue
            rng = group_rng(seed, g.key(i))
            W = resample_counts(rng, len(r), replicates)
            boots.append(np.asarray((Cr[r].T @ W.T).T))
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                if obs[i].sum() == 0 or obs[j].sum() == 0:
                    continue
                jsd = float(js_divergence(obs[i], obs[j], base=base))
                lo = hi = np.nan
                if boots[i] is not None and boots[j] is not None:
                    reps = js_divergence(boots[i], boots[j], base=base)
                    if interval == "percentile":
                        lo, hi = percentile_interval(reps, level)
                    else:
                        a = _two_sample_acceleration(Cr[g.rows[i]], obs[i], Cr[g.rows[j]], obs[j], base)
                        lo, hi = bca_interval(reps, jsd, a, level)
                rows_out.append((ref, names[i], names[j], jsd, float(lo), float(hi), int(obs[i].sum()),
                                 int(obs[j].sum()), ndocs[i], ndocs[j], len(cols)))
    out = pd.DataFrame(rows_out, columns=["referent", "group", "reference", "jsd", "ci_low", "ci_high",
                                          "labels_group", "labels_reference", "documents_group",
                                          "documents_reference", "terms"])
    out.attrs = {"statistic": "label_divergence", "by": by, "voice": voice, "referent": referent,
                 "replicates": replicates, "level": level, "seed": int(seed), "base": base,
                 "interval": interval,
                 "resampling": "documents within each group, with replacement (cluster bootstrap)",
                 "reference_paper": "Lin (1991), IEEE Trans. Inf. Theory 37(1)"}
    return out


def _two_sample_acceleration(Ci, ci, Cj, cj, base: float) -> float:
    """BCa acceleration of the divergence of two samples of documents (jackknife within each)."""
    num = den = 0.0
    for C_own, own, other, flip in ((Ci, ci, cj, False), (Cj, cj, ci, True)):
        n = C_own.shape[0]
        if n < 2:
            continue
        loo_counts = own[None, :] - C_own.toarray()
        other_rep = np.broadcast_to(other, loo_counts.shape)
        loo = js_divergence(other_rep, loo_counts, base=base) if flip else js_divergence(loo_counts, other_rep,
                                                                                          base=base)
        loo = loo[~np.isnan(loo)]
        if len(loo) < 2:
            continue
        m = len(loo)
        u = (m - 1) * (loo.mean() - loo)
        num += float(np.sum(u ** 3)) / m ** 3
        den += float(np.sum(u ** 2)) / m ** 2
    return num / (6 * den ** 1.5) if den > 0 else 0.0


def term_divergence(mentions: pd.DataFrame, documents: pd.DataFrame, *, by: str = "outlet",
                    categories: Sequence[str] | None = None, pooled: bool = True,
                    voice: str | Sequence[str] | None = None, groups: Sequence | None = None,
                    replicates: int = 2000, level: float = 0.95, interval: str = "bca", seed: int = 0,
                    base: float = 2.0) -> pd.DataFrame:
    """Jensen–Shannon divergence between groups' distributions of lexicon terms, with intervals.

    The same statistic as :func:`label_divergence`, over the terms of each category (which words
    an outlet picks when it uses an armed-group label at all) and, with ``pooled``, over all
    lexicon terms at once (category ``"(all)"``). Alias occurrences are left out.

    Returns
    -------
    DataFrame
        ``category, group, reference, jsd, ci_low, ci_high, labels_group, labels_reference,
        documents_group, documents_reference, terms`` (``labels_*`` count term uses).
    """
    m = filter_voice(mentions, voice)
    m = m[m["category"] != REFERENT_CATEGORY]
    if categories is not None:
        m = m[m["category"].isin(list(categories))]
    parts = [m.assign(referent=m["category"].astype(str))]
    if pooled:
        parts.append(m.assign(referent=ALL))
    both = pd.concat(parts, ignore_index=True) if parts else m
    out = label_divergence(both, documents, by=by, groups=groups, replicates=replicates, level=level,
                           interval=interval, seed=seed, base=base)
    attrs = dict(out.attrs, statistic="term_divergence", categories=list(categories) if categories else None,
                 pooled=pooled, voice=voice)
    attrs.pop("referent", None)
    out = out.rename(columns={"referent": "category"})
    out.attrs = attrs
    return out


def divergence_matrix(table: pd.DataFrame, *, referent: str | None = None, value: str = "jsd") -> pd.DataFrame:
    """Square group × group table of a pairwise statistic (from :func:`label_divergence`, or from
    :func:`term_divergence` with ``referent`` naming the category).

    ``value`` may be ``"jsd"``, ``"ci_low"``, ``"ci_high"`` or ``"interval"`` (text
    ``"0.123 [0.045, 0.201]"``). The diagonal is 0 (or empty text); the matrix is symmetric.
    """
    key = "referent" if "referent" in table.columns else "category"
    t = table
    if referent is not None:
        t = t[t[key] == referent]
    elif key in t and t[key].nunique() > 1:
        raise FramingError(f"the table has several {key} values; pass referent=")
    names = list(dict.fromkeys([*t["group"], *t["reference"]]))
    if value == "interval":
        cell = [f"{v:.3f} [{lo:.3f}, {hi:.3f}]" for v, lo, hi in zip(t["jsd"], t["ci_low"], t["ci_high"])]
        out = pd.DataFrame("", index=names, columns=names, dtype=object)
    else:
        cell = list(t[value])
        out = pd.DataFrame(np.where(np.eye(len(names)) > 0, 0.0, np.nan), index=names, columns=names)
    for a, b, v in zip(t["group"], t["reference"], cell):
        out.loc[a, b] = v
        out.loc[b, a] = v
    out.index.name = "group"
    return out


def chi2_table(table) -> tuple[np.ndarray, np.ndarray]:
    """Pearson chi-squared of contingency tables (..., R, L), and degrees of freedom.

    ``chi2 = sum (O - E)^2 / E`` with ``E = row total * column total / N``, over the cells whose
    row and column are not empty; ``dof = (non-empty rows - 1)(non-empty columns - 1)``.
    """
    O = np.asarray(table, dtype=float)
    rs = O.sum(axis=-1, keepdims=True)
    cs = O.sum(axis=-2, keepdims=True)
    N = O.sum(axis=(-2, -1), keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        E = rs * cs / N
        chi2 = np.sum(np.where(E > 0, (O - E) ** 2 / np.where(E > 0, E, 1), 0.0), axis=(-2, -1))
    dof = ((rs[..., 0] > 0).sum(axis=-1) - 1) * ((cs[..., 0, :] > 0).sum(axis=-1) - 1)
    return chi2, dof


def label_test(mentions: pd.DataFrame, documents: pd.DataFrame, *, by: str = "outlet",
               referent: str | Sequence[str] | None = None, voice: str | Sequence[str] | None = None,
               groups: Sequence | None = None, contrast: str = "pairwise", permutations: int = 2000,
               seed: int = 0) -> pd.DataFrame:
    """Does a group's label distribution for a referent differ from another's? Chi-squared and
    permutation tests on the label × group table, with Benjamini–Hochberg adjustment.

    Parameters
    ----------
    mentions, documents : DataFrame
    by, referent, voice, groups
        As in :func:`label_divergence`.
    contrast : {"pairwise", "one_vs_rest", "all"}, default "pairwise"
        Unordered pairs of groups; each group against the others pooled; or one omnibus test of
        all groups (``group`` and ``reference`` are then ``"(all)"``).
    permutations : int, default 2000
        Permutations of the documents' group labels (0: asymptotic test only).
    seed : int, default 0

    Returns
    -------
    DataFrame
        ``referent, group, reference, chi2, dof, p_chi2, p_perm, p_adj, jsd, labels_group,
        labels_reference, documents``. ``p_adj`` adjusts ``p_perm`` (``p_chi2`` when there are no
        permutations) over every row of the table (Benjamini & Hochberg 1995).

    Notes
    -----
    ``chi2`` is Pearson's statistic of the table of label counts (rows: the two sides, columns:
    the labels of the referent), see :func:`chi2_table`; ``p_chi2`` is its asymptotic p-value,
    which assumes every label use is an independent draw. Labels cluster within articles, so the
    permutation test shuffles whole DOCUMENTS (those of the compared groups that label the
    referent) between the sides, keeping each document's labels together:
    ``p_perm = (1 + #{chi2* >= chi2}) / (1 + permutations)`` (Phipson & Smyth 2010).
    """
    if contrast not in ("pairwise", "one_vs_rest", "all"):
        raise FramingError(f"contrast must be pairwise, one_vs_rest or all, not {contrast!r}")
    permutations = check_replicates(permutations)
    g = doc_groups(documents, by, groups)
    names = list(g.keys[by])
    info, C = _label_matrix(filter_voice(mentions, voice), documents, referent)
    code = np.full(len(documents), -1, dtype=np.int64)
    for i, r in enumerate(g.rows):
        code[r] = i
    rows_out = []
    for ref in info["referent"].unique():
        cols = np.flatnonzero(info["referent"].to_numpy() == ref)
        Cr = C[:, cols].tocsr()
        labelled = np.flatnonzero((np.asarray(Cr.sum(axis=1)).ravel() > 0) & (code >= 0))
        totals = np.bincount(code[labelled], weights=np.asarray(Cr[labelled].sum(axis=1)).ravel(),
                             minlength=len(names))
        if contrast == "pairwise":
            comps = [(names[i], [i], names[j], [j]) for i in range(len(names)) for j in range(i + 1, len(names))]
        elif contrast == "one_vs_rest":
            comps = [(names[i], [i], REST, [k for k in range(len(names)) if k != i]) for i in range(len(names))]
        else:
            comps = [(ALL, list(range(len(names))), ALL, None)]
        for label, side_a, ref_label, side_b in comps:
            if side_b is None:
                docs = labelled
                sides = code[docs]
                n_sides = len(names)
            else:
                in_a = np.isin(code[labelled], side_a)
                in_b = np.isin(code[labelled], side_b)
                docs = labelled[in_a | in_b]
                sides = np.where(in_a[in_a | in_b], 0, 1)
                n_sides = 2
            na = totals[side_a].sum()
            nb = totals[side_b].sum() if side_b is not None else totals.sum()
            if side_b is not None and (na == 0 or nb == 0):
                continue
            X = Cr[docs].toarray()
            obs_table = _side_table(sides[None, :], X, n_sides)[0]
            stat, dof = chi2_table(obs_table)
            stat, dof = float(stat), int(dof)
            p_chi2 = float(chi2_dist.sf(stat, dof)) if dof > 0 else np.nan
            p_perm = np.nan
            if permutations and dof > 0:
                rng = group_rng(seed, ("label_test", ref, label, ref_label))
                S = rng.permuted(np.tile(sides, (permutations, 1)), axis=1)
                null = np.concatenate([chi2_table(_side_table(S[k:k + 200], X, n_sides))[0]
                                       for k in range(0, permutations, 200)])
                p_perm = float((1 + np.sum(null >= stat - 1e-9 * max(1.0, abs(stat)))) / (1 + permutations))
            jsd = float(js_divergence(obs_table[0], obs_table[1])) if n_sides == 2 else np.nan
            rows_out.append((ref, label, ref_label, stat, dof, p_chi2, p_perm, jsd, int(na), int(nb), len(docs)))
    out = pd.DataFrame(rows_out, columns=["referent", "group", "reference", "chi2", "dof", "p_chi2", "p_perm", "jsd",
                                          "labels_group", "labels_reference", "documents"])
    basis = out["p_perm"] if permutations else out["p_chi2"]
    out.insert(7, "p_adj", bh_adjust(basis.to_numpy(dtype=float)))
    out.attrs = {"statistic": "label_test", "by": by, "voice": voice, "referent": referent, "contrast": contrast,
                 "permutations": permutations, "seed": int(seed),
                 "permutation_unit": "documents that label the referent (their labels stay together)",
                 "multiple_testing": "Benjamini-Hochberg over every row of the table",
                 "references": "Pearson chi-squared; Phipson & Smyth (2010); Benjamini & Hochberg (1995)"}
    return out


def _side_table(sides: np.ndarray, X: np.ndarray, n_sides: int) -> np.ndarray:
    """Tables (P, n_sides, L) of label counts for P assignments of documents to sides."""
    P = sides.shape[0]
    out = np.empty((P, n_sides, X.shape[1]))
    for s in range(n_sides):
        out[:, s, :] = (sides == s).astype(float) @ X
    return out
