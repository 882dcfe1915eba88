"""Keyness: chi-squared, log-likelihood G² and PMI of a term in a target against a reference,
over every comparison of a design, with Benjamini–Hochberg control of the false discovery rate."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.stats import chi2 as chi2_dist

from ..errors import FramingError
from ._choices import MEASURES
from ._log_odds import _jsonable, contrasts, count_matrix

__all__ = ["keyness", "bh_adjust", "keyness_2x2", "MEASURES"]


KEYNESS_COLUMNS = ["term", "group", "reference", "count", "count_reference", "n_group", "n_reference",
                   "expected", "chi2", "chi2_yates", "g2", "g2_williams", "pmi", "p", "p_adj"]


def bh_adjust(p) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values) of a family of tests.

    Parameters
    ----------
    p : array-like
        p-values; NaN entries are not tests (they stay NaN and do not count in the family size).

    Returns
    -------
    ndarray
        ``p_adj[(k)] = min_{j >= k} min(1, m * p_(j) / j)`` for the sorted p-values ``p_(1) <= ...
        <= p_(m)`` (Benjamini & Hochberg 1995). Rejecting ``p_adj <= q`` controls the false
        discovery rate at ``q`` for independent or positively dependent tests.
    """
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    pv = p[ok]
    order = np.argsort(pv, kind="stable")
    ranked = pv[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1]
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


def keyness_2x2(a, b, n_a, n_b) -> dict[str, np.ndarray]:
    """Keyness statistics of 2 × 2 tables, vectorised.

    Parameters
    ----------
    a, b : array-like
        Count of the term in the target and in the reference.
    n_a, n_b : array-like
        Total counts (all terms) of the target and of the reference.

    Returns
    -------
    dict of ndarray
        ``expected`` (of ``a``), ``chi2``, ``chi2_yates``, ``g2``, ``g2_williams`` (signed: positive
        when the target uses the term more than expected) and ``pmi``.

    Notes
    -----
    The table is ``[[a, b], [c, d]]`` with ``c = n_a - a``, ``d = n_b - b``, ``N = n_a + n_b``
    and expected counts ``E = row total * column total / N``.

    - Pearson: ``chi2 = sum (O - E)^2 / E = N (ad - bc)^2 / ((a+b)(c+d)(a+c)(b+d))``.
    - Yates: every ``|O - E|`` reduced by ``min(0.5, |O - E|)`` (as :func:`scipy.stats.chi2_contingency`).
    - Log-likelihood (Dunning 1993; Rayson & Garside 2000): ``G2 = 2 sum O ln(O / E)`` with
      ``0 ln 0 = 0``.
    - Williams (1976): ``G2 / q`` with
      ``q = 1 + (N/(a+b) + N/(c+d) - 1)(N/(a+c) + N/(b+d) - 1) / (6N)``.
    - PMI: ``ln(a / E_a)`` (natural log, as quanteda's ``textstat_keyness``); ``-inf`` when ``a = 0``.

    A statistic is NaN where the table has an empty row or column (no test).
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n_a = np.broadcast_to(np.asarray(n_a, dtype=float), a.shape)
    n_b = np.broadcast_to(np.asarray(n_b, dtype=float), a.shape)
    c = n_a - a
    d = n_b - b
    N = n_a + n_b
    r1, r2 = a + b, c + d
    k1, k2 = n_a, n_b
    with np.errstate(divide="ignore", invalid="ignore"):
        valid = (r1 > 0) & (r2 > 0) & (k1 > 0) & (k2 > 0)
        E = [r1 * k1 / N, r1 * k2 / N, r2 * k1 / N, r2 * k2 / N]
        O = [a, b, c, d]
        chi2 = sum((o - e) ** 2 / e for o, e in zip(O, E))
        yates = sum(np.maximum(np.abs(o - e) - 0.5, 0.0) ** 2 / e for o, e in zip(O, E))
        g2 = 2 * sum(np.where(o > 0, o * np.log(np.where(o > 0, o, 1) / e), 0.0) for o, e in zip(O, E))
        q = 1 + (N / r1 + N / r2 - 1) * (N / k1 + N / k2 - 1) / (6 * N)
        g2w = g2 / q
        pmi = np.log(a / E[0])
    sign = np.where(a >= E[0], 1.0, -1.0)
    nan = np.nan
    return {
        "expected": np.where(valid, E[0], nan),
        "chi2": np.where(valid, sign * chi2, nan),
        "chi2_yates": np.where(valid, sign * yates, nan),
        "g2": np.where(valid, sign * g2, nan),
        "g2_williams": np.where(valid, sign * g2w, nan),
        "pmi": np.where(valid, pmi, nan),
    }


def keyness(counts: pd.DataFrame, *, group_col: str = "group", term_col: str = "term", count_col: str = "count",
            contrast: str = "one_vs_rest", groups=None, measure: str = "g2",
            totals: Mapping | None = None, min_count: int = 1) -> pd.DataFrame:
    """Keyness of every term in each target against its reference, FDR-controlled over the family.

    Parameters
    ----------
    counts : DataFrame
        Tidy counts (as for :func:`log_odds`).
    group_col, term_col, count_col : str
    contrast : {"one_vs_rest", "pairwise", "group_vs_group"}, default "one_vs_rest"
        As in :func:`log_odds` (``one_vs_all`` is not a test of disjoint samples). ``pairwise`` gives every ordered pair; the reversed pair is the same
        test (same ``p``, opposite sign) and counts once in the family.
    groups : list or mapping, optional
        Targets (or the two sides for ``group_vs_group``): a target-vs-reference comparison is
        ``contrast="group_vs_group", groups=(["target"], ["ref1", "ref2"])``.
    measure : {"g2", "g2_williams", "chi2", "chi2_yates"}, default "g2"
        The statistic whose chi-squared (1 df) p-value is reported in ``p`` and adjusted.
    totals : mapping, optional
        Group → total count (e.g. tokens) used as the side totals instead of the sum of the
        table's counts (so that a lexicon term's keyness is relative to all words).
    min_count : int, default 1
        Test only terms counted at least this often in the comparison (target + reference).

    Returns
    -------
    DataFrame
        ``term, group, reference, count, count_reference, n_group, n_reference, expected, chi2,
        chi2_yates, g2, g2_williams, pmi, p, p_adj``. Statistics are signed (positive: the term is
        key for the group, negative: the group avoids it). ``p_adj`` is the Benjamini–Hochberg
        adjustment over ALL distinct tests in the table (every term of every comparison), so
        ``p_adj <= 0.05`` controls the false discovery rate of the whole design at 5 %. Sorted by
        comparison, then descending signed ``measure``, then term.

    Notes
    -----
    Formulas in :func:`keyness_2x2`. Like every test that treats words as independent draws,
    these p-values are too small when a term's uses cluster within a few documents; the document
    frequencies (:func:`term_counts`) and the cluster bootstrap of :func:`rates` help to judge that.
    """
    if contrast == "one_vs_all":
        raise FramingError("keyness compares disjoint samples; use contrast one_vs_rest instead of one_vs_all")
    if measure not in MEASURES:
        raise FramingError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    group_list, terms, M = count_matrix(counts, group_col, term_col, count_col)
    comps = contrasts(group_list, contrast, groups)
    if totals is not None:
        tot = pd.Series({k: float(v) for k, v in dict(totals).items()})
        missing = [g for g in group_list if g not in tot.index and str(g) not in tot.index]
        if missing:
            raise FramingError(f"totals has no entry for group(s) {missing}")
        n_groups = np.array([tot.get(g, tot.get(str(g))) for g in group_list], dtype=float)
        if (n_groups < M.sum(axis=1)).any():
            raise FramingError("totals must be at least the sum of each group's counts")
    else:
        n_groups = M.sum(axis=1)
    frames = []
    seen: dict[frozenset, int] = {}
    for ci, (label, mg, ref, mr) in enumerate(comps):
        a = M[mg].sum(axis=0)
        b = M[mr].sum(axis=0)
        n_a = n_groups[mg].sum()
        n_b = n_groups[mr].sum()
        keep = (a + b) >= max(min_count, 1)
        stats = keyness_2x2(a[keep], b[keep], n_a, n_b)
        # the unordered pair identifies the test: a reversed pair is the same family member
        pair = frozenset([str(label), str(ref)]) if contrast == "pairwise" else frozenset([f"#{ci}"])
        test_id = seen.setdefault(pair, len(seen))
        f = pd.DataFrame({"term": terms[keep], "group": label, "reference": ref, "count": a[keep],
                          "count_reference": b[keep], "n_group": n_a, "n_reference": n_b, **stats})
        f["_test"] = test_id
        f["_comp"] = ci
        frames.append(f)
    if not frames:
        out = pd.DataFrame(columns=KEYNESS_COLUMNS)
        out.attrs = {"statistic": "keyness", "contrast": contrast, "measure": measure}
        return out
    out = pd.concat(frames, ignore_index=True)
    stat = out[measure].to_numpy()
    out["p"] = chi2_dist.sf(np.abs(stat), 1)
    # one family member per distinct test: (unordered comparison, term)
    uniq = out.drop_duplicates(["_test", "term"])
    adj = pd.Series(bh_adjust(uniq["p"].to_numpy()), index=pd.MultiIndex.from_frame(uniq[["_test", "term"]]))
    out["p_adj"] = adj.reindex(pd.MultiIndex.from_frame(out[["_test", "term"]])).to_numpy()
    order = np.lexsort((out["term"].to_numpy(dtype=str), -np.nan_to_num(stat, nan=-np.inf), out["_comp"].to_numpy()))
    out = out.iloc[order].reset_index(drop=True)
    for col in ("count", "count_reference", "n_group", "n_reference"):
        vals = out[col].to_numpy(dtype=float)
        if np.all(vals == np.round(vals)):
            out[col] = vals.astype(np.int64)
    out = out[KEYNESS_COLUMNS]
    out.attrs = {
        "statistic": "keyness", "contrast": contrast, "groups": _jsonable(groups), "measure": measure,
        "p_value": f"chi-squared with 1 df of |{measure}|",
        "multiple_testing": "Benjamini-Hochberg over every distinct test in the table",
        "family_size": len(uniq.dropna(subset=["p"])), "totals": "given" if totals is not None else "sum of counts",
        "min_count": int(min_count), "pmi": "natural log of observed / expected",
        "references": "Dunning (1993); Rayson & Garside (2000); Williams (1976); Benjamini & Hochberg (1995)",
    }
    return out
