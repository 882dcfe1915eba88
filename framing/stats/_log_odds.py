"""Distinctive terms: the log-odds ratio with a Dirichlet prior (Monroe, Colaresi & Quinn 2008)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import FramingError
from ._choices import CONTRASTS

__all__ = ["log_odds", "CONTRASTS", "contrasts"]

# the reference groups "every other group" and "all groups" in result tables
REST, ALL = "(rest)", "(all)"

LOG_ODDS_COLUMNS = ["term", "group", "reference", "count", "count_reference", "delta", "variance", "z",
                    "n_group", "n_reference", "alpha_group", "alpha_reference"]


def count_matrix(counts: pd.DataFrame, group_col: str, term_col: str, count_col: str
                 ) -> tuple[list, np.ndarray, np.ndarray]:
    """Groups (in order of first sort), terms (sorted, total count > 0) and the groups × terms matrix."""
    for c in (group_col, term_col, count_col):
        if c not in counts.columns:
            raise FramingError(f"counts has no column '{c}'; columns: {', '.join(map(str, counts.columns))}")
    c = counts[[group_col, term_col, count_col]]
    c = c[c[count_col].notna()]
    values = pd.to_numeric(c[count_col], errors="coerce")
    if values.isna().any() or (values < 0).any():
        raise FramingError(f"column '{count_col}' must hold non-negative numbers")
    groups = sorted(c[group_col].unique(), key=lambda v: (0, v) if isinstance(v, (int, float)) else (1, str(v)))
    terms = np.array(sorted(c[term_col].astype(str).unique()), dtype=object)
    gi = pd.Index(groups).get_indexer(c[group_col])
    ti = pd.Index(terms).get_indexer(c[term_col].astype(str))
    M = np.zeros((len(groups), len(terms)))
    np.add.at(M, (gi, ti), values.to_numpy(dtype=float))
    keep = M.sum(axis=0) > 0
    return groups, terms[keep], M[:, keep]


def contrasts(groups: list, contrast: str, selected) -> list[tuple[str, np.ndarray, str, np.ndarray]]:
    """The comparisons of a design: ``(label, member mask, reference label, reference mask)``.

    ``pairwise``: every ordered pair of distinct groups; ``one_vs_rest``: each group against all the
    other groups pooled; ``one_vs_all``: each group against the whole table (itself included);
    ``group_vs_group``: one pooled set of groups against another (``selected`` is a mapping of two
    names to lists of groups, or a pair of lists).
    """
    if contrast not in CONTRASTS:
        raise FramingError(f"contrast must be one of {', '.join(CONTRASTS)}, not {contrast!r}")
    G = len(groups)
    index = pd.Index(groups)

    def mask(members) -> np.ndarray:
        members = list(members)
        missing = [m for m in members if m not in set(groups)]
        if missing:
            raise FramingError(f"group(s) {missing} not in the table; groups: {[str(g) for g in groups][:20]}")
        out = np.zeros(G, dtype=bool)
        out[index.get_indexer(members)] = True
        return out

    if contrast == "group_vs_group":
        if selected is None:
            raise FramingError("contrast group_vs_group needs groups: two lists of groups (or a mapping of two "
                               "names to lists)")
        if isinstance(selected, Mapping):
            (a_name, a), (b_name, b) = list(selected.items())
        else:
            a, b = selected
            a = [a] if isinstance(a, str) else list(a)
            b = [b] if isinstance(b, str) else list(b)
            a_name, b_name = "+".join(map(str, a)), "+".join(map(str, b))
        ma, mb = mask(a), mask(b)
        if (ma & mb).any():
            raise FramingError("group_vs_group: a group cannot be on both sides")
        return [(a_name, ma, b_name, mb)]
    targets = list(groups) if selected is None else list(selected)
    mask(targets)
    out = []
    for g in targets:
        mg = mask([g])
        if contrast == "one_vs_rest":
            out.append((g, mg, REST, ~mg))
        elif contrast == "one_vs_all":
            out.append((g, mg, ALL, np.ones(G, dtype=bool)))
        else:
            for h in targets:
                if h != g:
                    out.append((g, mg, h, mask([h])))
    return out


def _background(background, terms: np.ndarray, term_col: str, count_col: str) -> np.ndarray:
    if isinstance(background, pd.DataFrame):
        if term_col not in background or count_col not in background:
            raise FramingError(f"background needs columns '{term_col}' and '{count_col}'")
        s = background.groupby(background[term_col].astype(str))[count_col].sum()
    elif isinstance(background, Mapping):
        s = pd.Series(background, dtype=float)
    elif isinstance(background, pd.Series):
        s = background.groupby(background.index.astype(str)).sum()
    else:
        raise FramingError("background must be a DataFrame of term and count columns, a Series or a dict")
    b = s.reindex(terms).fillna(0).to_numpy(dtype=float)
    if (b < 0).any():
        raise FramingError("background counts must be non-negative")
    if b.sum() <= 0:
        raise FramingError("the background has no counts for any term of the table")
    return b


def log_odds(counts: pd.DataFrame, *, group_col: str = "group", term_col: str = "term", count_col: str = "count",
             contrast: str = "one_vs_rest", groups=None, prior: str = "uniform", alpha: float = 0.01,
             background=None, alpha0: float | None = None, variance: str = "approx",
             prior_scale: str = "fixed") -> pd.DataFrame:
    """Log-odds ratio of each term between groups, with a Dirichlet prior, and its z-score.

    Parameters
    ----------
    counts : DataFrame
        Tidy counts, one row per group × term (missing rows are zeros), e.g. from
        :func:`term_counts` or :func:`mention_counts`.
    group_col, term_col, count_col : str
        Column names in ``counts``.
    contrast : {"one_vs_rest", "pairwise", "group_vs_group", "one_vs_all"}, default "one_vs_rest"
        ``one_vs_rest``: each group against all other groups pooled (reference ``"(rest)"``).
        ``pairwise``: every ordered pair of groups (the reversed pair has the opposite ``delta``).
        ``group_vs_group``: one pooled set of groups against another; ``groups`` is then a mapping
        of two names to lists of groups, or a pair of lists. ``one_vs_all``: each group against the
        whole table, itself included (reference ``"(all)"``), as tidylo's ``bind_log_odds``.
    groups : list, optional
        For ``one_vs_rest``, ``pairwise`` and ``one_vs_all``: only these groups as targets (the
        rest still counts as reference). Required for ``group_vs_group``.
    prior : {"uniform", "informative"}, default "uniform"
        ``uniform``: every term gets ``alpha`` pseudo-counts. ``informative``: pseudo-counts
        proportional to a background distribution (``background``, or the pooled counts of the
        whole table when None).
    alpha : float, default 0.01
        Pseudo-count per term of the uniform prior (ConvoKit: 0.1; jmhessel/FightingWords: 0.01;
        tidylo uninformative: 1). Not used by the informative prior.
    background : DataFrame, Series or dict, optional
        Background counts per term for the informative prior (a DataFrame with ``term_col`` and
        ``count_col``). Terms absent from it get no prior mass.
    alpha0 : float, optional
        Total prior mass of the informative prior. With ``prior_scale="fixed"``:
        ``alpha_w = alpha0 * b_w / sum(b)``, and None means the raw background counts
        (``alpha0 = sum(b)``, tidylo's empirical-Bayes prior when the background is the pooled
        table). With ``prior_scale="group"``: ``alpha_w,i = alpha0 * n_i * b_w / sum(b)``, a
        multiple of each side's own size, and None means 1 (Scattertext's "class-size" scaling
        with ``sigma = alpha0``).
    variance : {"approx", "full"}, default "approx"
        ``approx``: ``1/(y_i + a_i) + 1/(y_j + a_j)`` (Monroe et al. eq. 20, the paper's
        approximation). ``full``: adds ``1/(n_i + a0_i - y_i - a_i) + 1/(n_j + a0_j - y_j - a_j)``
        (the variance of the difference of two log-odds, as in Scattertext).
    prior_scale : {"fixed", "group"}, default "fixed"
        Whether the informative prior's mass is fixed or scaled to each side's size.

    Returns
    -------
    DataFrame
        ``term, group, reference, count, count_reference, delta, variance, z, n_group, n_reference,
        alpha_group, alpha_reference``: one row per comparison × term with a non-zero total count;
        sorted by comparison (in the order of ``groups``, else sorted groups), then descending
        ``z``, then term. Positive ``z``: the group uses the term more than its reference.
        ``df.attrs`` records every parameter.

    Notes
    -----
    Monroe, Colaresi & Quinn (2008), "Fightin' Words", Political Analysis 16(4): 372-403. For term
    ``w``, side ``i`` (the group) and side ``j`` (the reference), with counts ``y``, side totals
    ``n = sum_w y_w`` over the table's terms, prior pseudo-counts ``a_w`` and ``a0 = sum_w a_w``::

        delta_w = log((y_wi + a_wi) / (n_i + a0_i - y_wi - a_wi))
                - log((y_wj + a_wj) / (n_j + a0_j - y_wj - a_wj))
        z_w = delta_w / sqrt(variance_w)

    The reference of ``one_vs_rest``, ``pairwise`` and ``group_vs_group`` is one pooled sample with
    the same prior as a group (or its own size's, with ``prior_scale="group"``). The reference of
    ``one_vs_all`` is the pooled table of every group's pseudo-counts, so its prior is the sum of
    the groups' priors (``G * a_w`` with a fixed prior), as in tidylo.

    Published variants, as parameters of this function:

    - ConvoKit ``FightingWords``: ``contrast="pairwise", prior="uniform", alpha=0.1,
      variance="approx"`` (two groups);
    - jmhessel ``FightingWords``: the same with ``alpha=0.01``;
    - tidylo ``bind_log_odds``: ``contrast="one_vs_all", prior="informative", alpha0=None,
      variance="approx"`` (empirical-Bayes prior: the pooled count of each term; tidylo adds it to
      the rows present in its table only, so results agree on complete tables);
    - Scattertext ``LogOddsRatioInformativeDirichletPrior(priors, sigma, "class-size")``:
      ``contrast="pairwise", prior="informative", background=priors, alpha0=sigma,
      prior_scale="group", variance="full"``.

    Word counts cluster within articles, so ``z`` overstates the evidence when a term's uses
    concentrate in a few documents; treat it as a ranking score, and use :func:`rates` (cluster
    bootstrap) for inference about a term's rate.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"group": ["a", "a", "b", "b"], "term": ["x", "y", "x", "y"],
    ...                        "count": [10, 2, 3, 9]})
    >>> lo = log_odds(counts, contrast="pairwise")
    >>> lo.loc[0, ["term", "group", "reference"]].tolist(), round(float(lo.loc[0, "z"]), 3)
    (['x', 'a', 'b'], 4.11)
    """
    if prior not in ("uniform", "informative"):
        raise FramingError(f"prior must be uniform or informative, not {prior!r}")
    if variance not in ("approx", "full"):
        raise FramingError(f"variance must be approx or full, not {variance!r}")
    if prior_scale not in ("fixed", "group"):
        raise FramingError(f"prior_scale must be fixed or group, not {prior_scale!r}")
    if prior == "uniform" and prior_scale != "fixed":
        raise FramingError("prior_scale='group' applies to the informative prior only")
    if prior == "uniform" and not alpha > 0:
        raise FramingError(f"alpha must be positive, not {alpha}")
    group_list, terms, M = count_matrix(counts, group_col, term_col, count_col)
    comps = contrasts(group_list, contrast, groups)
    V = len(terms)
    if prior == "uniform":
        pi = np.full(V, 1.0 / max(V, 1))
        mass = float(alpha) * V
    else:
        b = M.sum(axis=0) if background is None else _background(background, terms, term_col, count_col)
        pi = b / b.sum()
        if prior_scale == "fixed":
            mass = float(b.sum()) if alpha0 is None else float(alpha0)
        else:
            mass = 1.0 if alpha0 is None else float(alpha0)
        if not mass > 0:
            raise FramingError(f"alpha0 must be positive, not {alpha0}")
    n_groups = M.sum(axis=1)

    def side_prior(members: np.ndarray, pooled_priors: bool) -> np.ndarray:
        if prior_scale == "group":
            return mass * n_groups[members].sum() * pi
        base = mass * pi
        return base * members.sum() if pooled_priors else base

    frames = []
    for label, mg, ref, mr in comps:
        y_i = M[mg].sum(axis=0)
        y_j = M[mr].sum(axis=0)
        a_i = side_prior(mg, False)
        a_j = side_prior(mr, contrast == "one_vs_all")
        n_i, n_j = y_i.sum(), y_j.sum()
        a0_i, a0_j = a_i.sum(), a_j.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            rest_i = n_i + a0_i - y_i - a_i
            rest_j = n_j + a0_j - y_j - a_j
            delta = np.log((y_i + a_i) / rest_i) - np.log((y_j + a_j) / rest_j)
            var = 1.0 / (y_i + a_i) + 1.0 / (y_j + a_j)
            if variance == "full":
                var = var + 1.0 / rest_i + 1.0 / rest_j
            z = delta / np.sqrt(var)
        frames.append(pd.DataFrame({
            "term": terms, "group": [label] * V, "reference": [ref] * V,
            "count": y_i, "count_reference": y_j, "delta": delta, "variance": var, "z": z,
            "n_group": n_i, "n_reference": n_j, "alpha_group": a_i, "alpha_reference": a_j,
        }))
    if frames:
        out = pd.concat(frames, ignore_index=True)
        comp = np.repeat(np.arange(len(frames)), V)
        order = np.lexsort((out["term"].to_numpy(dtype=str), -np.nan_to_num(out["z"].to_numpy(), nan=-np.inf), comp))
        out = out.iloc[order].reset_index(drop=True)
    else:
        out = pd.DataFrame(columns=LOG_ODDS_COLUMNS)
    for col in ("count", "count_reference", "n_group", "n_reference"):
        vals = out[col].to_numpy(dtype=float)
        if len(vals) and np.all(vals == np.round(vals)):
            out[col] = vals.astype(np.int64)
    out = out[LOG_ODDS_COLUMNS]
    out.attrs = {
        "statistic": "log_odds", "reference_paper": "Monroe, Colaresi & Quinn (2008), Political Analysis 16(4)",
        "contrast": contrast, "groups": _jsonable(groups), "prior": prior,
        "alpha": float(alpha) if prior == "uniform" else None,
        "alpha0": (None if alpha0 is None else float(alpha0)) if prior == "informative" else None,
        "prior_mass": mass, "prior_scale": prior_scale,
        "background": None if prior == "uniform" else ("pooled table" if background is None else "given"),
        "variance": variance, "vocabulary": int(V), "group_col": group_col, "term_col": term_col,
        "count_col": count_col,
    }
    return out


def _jsonable(x):
    if x is None or isinstance(x, (str, int, float)):
        return x
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, Sequence):
        return [_jsonable(v) for v in x]
    return str(x)
