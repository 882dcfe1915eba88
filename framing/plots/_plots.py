"""The plot functions: each takes a tidy table of :mod:`framing.stats` or :mod:`framing.comparison`
and returns a :class:`~matplotlib.figure.Figure`."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from ._base import (OKABE_ITO, OTHER_GREY, VOICE_COLOURS, as_float, group_column, new_figure, ordered_unique,
                    short_label, style, text_colour)
from ._repel import repel_labels

__all__ = ["rates", "label_shares", "valence_index", "log_odds", "label_divergence", "rates_over_time",
           "voice_shares", "format_value"]

#: Colours of stacked segments (Okabe–Ito without black); "other" segments are grey.
SEGMENT_COLOURS = OKABE_ITO[:7]
VOICES = ("author", "quoted", "attributed", "scare_quoted")
VOICE_NAMES = {"author": "own voice (author)", "quoted": "quoted", "attributed": "attributed",
               "scare_quoted": "scare-quoted"}
REFERENT = "referent"


def format_value(v: float) -> str:
    """The compact number written in heatmap cells: ``0``, ``0.35``, ``4.2``, ``12``, ``–`` for missing.

    Two significant digits below 10 (one decimal from 1 to 10), whole numbers from 10.
    """
    if v is None or not np.isfinite(v):
        return "–"
    a = abs(v)
    if a == 0:
        return "0"
    if a < 1:
        return f"{v:.2f}"
    if a < 10:
        return f"{v:.1f}"
    return f"{v:.0f}"


def _groups(table: pd.DataFrame, gcol: str, groups: Sequence | None) -> list:
    if groups is not None:
        return list(groups)
    return ordered_unique(table[gcol].tolist())


def _level_note(table: pd.DataFrame) -> str:
    level = table.attrs.get("level") if hasattr(table, "attrs") else None
    interval = table.attrs.get("interval") if hasattr(table, "attrs") else None
    if level is None:
        return "intervals"
    return f"{float(level):.0%} {interval + ' ' if interval else ''}bootstrap intervals"


def _cell_labels(pairs: list[tuple[str, str]]) -> list[str]:
    """Category names, with the lexicon added where a category name occurs in several lexicons."""
    names = [c for _, c in pairs]
    dup = {c for c in names if names.count(c) > 1}
    return [f"{c} ({lx})" if c in dup else c for lx, c in pairs]


# --------------------------------------------------------------------------------------- heatmap
def rates(table: pd.DataFrame, *, value: str = "rate_per_1k", by: str | None = None,
          lexicon: str | Sequence[str] | None = None, categories: Sequence | None = None,
          groups: Sequence | None = None, include_referent: bool = False, annotate: bool = True,
          fmt: Callable[[float], str] = format_value, cmap: str = "cividis", title: str | None = None) -> Figure:
    """Heatmap of a rate per group (rows) and category (columns), with the value written in each cell.

    Parameters
    ----------
    table : DataFrame
        :func:`framing.stats.rates` (``group``, ``lexicon``, ``category``, ``rate_per_1k`` ...) or
        :func:`framing.outlet_category` (``outlet`` in place of ``group``).
    value : str, default "rate_per_1k"
        Column to show (e.g. ``doc_share``).
    by : str, optional
        Grouping column (default ``group``, else ``outlet``).
    lexicon : str or list, optional
        Only these lexicons.
    categories : list of str or (lexicon, category), optional
        Only these categories, in this order (default: the table's order).
    groups : list, optional
        Only these groups, in this order.
    include_referent : bool, default False
        Keep the ``referent`` category (alias occurrences: attention rather than loaded language).
    annotate : bool, default True
        Write each cell's value (:func:`format_value`, or ``fmt``).
    cmap : str, default "cividis"
        A perceptually uniform, colour-vision-deficiency-safe colour map.
    title : str, optional

    Returns
    -------
    Figure
        One axes; its image holds the matrix drawn (rows = groups, columns = categories).
    """
    gcol = group_column(table, by)
    t = table
    if lexicon is not None:
        t = t[t["lexicon"].isin([lexicon] if isinstance(lexicon, str) else list(lexicon))]
    if not include_referent:
        t = t[t["category"] != REFERENT]
    pairs = ordered_unique(zip(t["lexicon"].astype(str), t["category"].astype(str)))
    if categories is not None:
        wanted = [tuple(c) if not isinstance(c, str) else c for c in categories]
        pairs = [p for w in wanted for p in pairs if p == w or p[1] == w]
    rows = _groups(t, gcol, groups)
    vals = t.assign(_k=list(zip(t["lexicon"].astype(str), t["category"].astype(str))))
    lookup = {(g, k): v for g, k, v in zip(vals[gcol], vals["_k"], as_float(vals[value]))}
    M = np.array([[lookup.get((g, p), np.nan) for p in pairs] for g in rows], dtype=float).reshape(len(rows), len(pairs))
    R, C = M.shape
    labels = _cell_labels(pairs)
    row_len = max([len(short_label(g)) for g in rows] + [4])
    col_len = max([len(s) for s in labels] + [4])
    width = max(1.6 + 0.068 * row_len + 0.5 * max(C, 1) + 1.1, 6.0)  # room for the title with few columns
    height = 1.2 + 0.3 * max(R, 1) + 0.055 * col_len
    with style():
        fig = new_figure(width, height)
        ax = fig.add_subplot()
        cm = colormaps[cmap].with_extremes(bad="#EEEEEE")
        finite = M[np.isfinite(M)]
        vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        im = ax.imshow(np.ma.masked_invalid(M), aspect="auto", cmap=cm, vmin=0.0, vmax=vmax,
                       interpolation="nearest")
        ax.set_xticks(np.arange(C), labels=labels, rotation=50, ha="right", rotation_mode="anchor")
        ax.set_yticks(np.arange(R), labels=[short_label(g) for g in rows])
        ax.set_xticks(np.arange(C + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(R + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="white", linewidth=1.0)
        ax.tick_params(which="minor", length=0)
        ax.tick_params(which="major", length=0)
        for s in ax.spines.values():
            s.set_visible(False)
        if annotate and R * C:
            size = 7.5 if C <= 16 and R <= 20 else 6.5
            for i in range(R):
                for j in range(C):
                    v = M[i, j]
                    colour = "#555555" if not np.isfinite(v) else text_colour(im.cmap(im.norm(v)))
                    ax.text(j, i, fmt(v), ha="center", va="center", fontsize=size, color=colour, gid="cell")
        unit = {"rate_per_1k": "mentions per 1,000 tokens", "doc_share": "share of documents"}.get(value, value)
        fig.colorbar(im, ax=ax, shrink=min(1.0, 4.0 / max(height, 1)) if R > 8 else 0.9, label=unit, pad=0.02)
        lex = ordered_unique(t["lexicon"].astype(str))
        ax.set_title(title or (unit[0].upper() + unit[1:] + (f" — lexicon {lex[0]}" if len(lex) == 1 else "")),
                     loc="left")
    return fig


# ---------------------------------------------------------------------------------- label shares
def _label_panel(ax, t: pd.DataFrame, gcol: str, rows: list, top: int, ci: bool, level_note: str,
                 referent: str) -> None:
    n_col = next((c for c in ("group_labels", "outlet_labels") if c in t.columns), None)
    agg_col = "count" if "count" in t.columns else "share"
    # a label is a lexicon entry: the same term in two lexicons is two labels (as in the table)
    lex = t["lexicon"].astype(str) if "lexicon" in t.columns else pd.Series("", index=t.index)
    t = t.assign(_key=list(zip(lex, t["term"].astype(str))))
    info = t.groupby("_key", sort=True).agg(total=(agg_col, "sum")).reset_index()
    if "valence" in t.columns:
        info["valence"] = as_float(t.groupby("_key", sort=True)["valence"].first().to_numpy())
    else:
        info["valence"] = np.nan
    info["term"] = [k[1] for k in info["_key"]]
    info["_v"] = info["valence"].astype(float).fillna(9.0)
    ranked = info.sort_values(["total", "term", "_key"], ascending=[False, True, True], kind="stable")
    keep = ranked.head(top)
    keep = keep.sort_values(["_v", "total", "term", "_key"], ascending=[True, False, True, True], kind="stable")
    keys = keep["_key"].tolist()
    shared_terms = {k[1] for k in info["_key"] if sum(1 for x in info["_key"] if x[1] == k[1]) > 1}
    has_other = len(info) > len(keys)
    y = np.arange(len(rows))
    left = np.zeros(len(rows))
    by_key = {(g, k): r for g, k, r in zip(t[gcol], t["_key"], t.itertuples(index=False))}
    have_ci = ci and {"ci_low", "ci_high"} <= set(t.columns)
    offsets = np.linspace(-0.22, 0.22, len(keys)) if len(keys) > 1 else np.zeros(1)

    def column(name: str, key, missing: float) -> np.ndarray:
        return np.array([float(getattr(by_key[(g, key)], name)) if (g, key) in by_key else missing for g in rows])

    for k, key in enumerate(keys):
        lexicon, term = key
        share = np.nan_to_num(column("share", key, 0.0))
        val = keep["valence"].iloc[k]
        name = term + (f" [{lexicon}]" if term in shared_terms else "")
        name += f" ({val:+.1f})" if np.isfinite(val) else ""
        ax.barh(y, share, left=left, height=0.72, color=SEGMENT_COLOURS[k % len(SEGMENT_COLOURS)],
                edgecolor="white", linewidth=0.6, label=name)
        if have_ci:
            lo, hi = column("ci_low", key, np.nan), column("ci_high", key, np.nan)
            ok = np.isfinite(lo) & np.isfinite(hi) & ((share > 0) | (hi > 0))
            if ok.any():
                x = left[ok] + share[ok]
                err = np.vstack([np.maximum(share[ok] - lo[ok], 0), np.maximum(hi[ok] - share[ok], 0)])
                eb = ax.errorbar(x, y[ok] + offsets[k], xerr=err, fmt="none", ecolor="#333333",
                                 elinewidth=0.7, capsize=2.0, capthick=0.7, zorder=3)
                eb.set_label(f"_ci:{name}")
        left = left + share
    if has_other:
        others = t[~t["_key"].isin(keys)]
        other_share = others.groupby(gcol)["share"].sum()
        rest = np.array([float(other_share.get(g, 0.0)) for g in rows])
        ax.barh(y, rest, left=left, height=0.72, color=OTHER_GREY, edgecolor="white", linewidth=0.6,
                label=f"other labels ({len(info) - len(keys)})")
    if n_col is not None:
        trans = blended_transform_factory(ax.transAxes, ax.transData)
        ns = {g: int(v) for g, v in zip(t[gcol], t[n_col])}
        for yi, g in zip(y, rows):
            ax.text(1.01, yi, f"n={ns.get(g, 0)}", transform=trans, ha="left", va="center", fontsize=7.5,
                    color="#444444", gid="n")
    ax.set_yticks(y, labels=[short_label(g) for g in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xticks(np.linspace(0, 1, 6), labels=[f"{v:.0%}" for v in np.linspace(0, 1, 6)])
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
    ax.set_title(f"Labels given to {referent}", loc="left")
    note = f"; whiskers: {level_note} of each label's share" if have_ci else ""
    ax.set_xlabel(f"share of the group's labels for {referent} (n: labels){note}")
    _legend(ax, loc="upper left", bbox_to_anchor=(1.07, 1.0), title="label (valence)", title_fontsize=8.5)


def label_shares(table: pd.DataFrame, *, referent: str | Sequence[str] | None = None, by: str | None = None,
                 groups: Sequence | None = None, top: int = 7, ci: bool = True, max_panels: int = 6,
                 title: str | None = None) -> Figure:
    """Stacked horizontal bars: the labels each group gives a referent, with interval whiskers.

    Parameters
    ----------
    table : DataFrame
        :func:`framing.stats.label_shares` (``referent, group, term, count, share, ci_low, ci_high,
        valence, group_labels``) or :func:`framing.referent_labels` (``outlet``, no intervals).
    referent : str or list, optional
        Referent(s) to show, one panel each (default: all, most labelled first, at most
        ``max_panels``).
    by : str, optional
        Grouping column (default ``group``, else ``outlet``).
    groups : list, optional
        Groups (bars), in this order.
    top : int, default 7
        Labels shown per referent (the most used); the rest form one grey "other labels" segment.
        Segments run from the most negative valence to the most positive.
    ci : bool, default True
        Draw each label's interval as a whisker around the end of its segment: the whisker spans
        ``left + ci_low`` to ``left + ci_high``, where ``left`` is where the segment starts.
    max_panels : int, default 6
    title : str, optional
        Figure title.

    Returns
    -------
    Figure
        One axes per referent; each label is a bar container labelled with its term (and valence),
        whose bar widths are the groups' shares.
    """
    gcol = group_column(table, by)
    t = table
    if "referent" in t.columns:
        t = t[t["referent"].notna()]
        if referent is None:
            tot = t.groupby("referent")["count" if "count" in t.columns else "share"].sum()
            refs = sorted(tot.index, key=lambda r: (-tot[r], str(r)))[:max_panels]
        else:
            refs = [referent] if isinstance(referent, str) else list(referent)
    else:
        refs = [referent or ""]
    if not refs:
        raise ValueError("the table has no labels to plot")
    panels = []
    for ref in refs:
        tr = t[t["referent"] == ref] if "referent" in t.columns else t
        if tr.empty:
            raise ValueError(f"no labels for referent {ref!r} in the table")
        panels.append((ref, tr, _groups(tr, gcol, groups)))
    level_note = _level_note(table)
    heights = [1.0 + 0.3 * len(rows) for _, _, rows in panels]
    with style():
        fig = new_figure(10.0, sum(heights) + 0.4)
        axes = fig.subplots(len(panels), 1, squeeze=False, height_ratios=heights)[:, 0]
        for ax, (ref, tr, rows) in zip(axes, panels):
            _label_panel(ax, tr, gcol, rows, top, ci, level_note, str(ref))
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    return fig


# ---------------------------------------------------------------------------------- valence index
def valence_index(table: pd.DataFrame, *, referent: str | Sequence[str] | None = None, by: str | None = None,
                  groups: Sequence | None = None, max_panels: int = 6, ncols: int = 3,
                  title: str | None = None) -> Figure:
    """Dot-and-whisker plot of the mean valence of the labels each group gives each referent.

    Parameters
    ----------
    table : DataFrame
        :func:`framing.stats.valence_index`: ``referent, group, labels, valence_mean, ci_low,
        ci_high``.
    referent : str or list, optional
        One panel per referent (default: the most labelled, at most ``max_panels``).
    by, groups
        As in :func:`rates`.
    ncols : int, default 3
        Panels per row.

    Returns
    -------
    Figure
        One axes per referent; each holds one error-bar container (label = the referent) whose dots
        are the groups' ``valence_mean`` and whose whiskers are ``ci_low`` to ``ci_high``.
    """
    gcol = group_column(table, by)
    t = table[table["valence_mean"].notna()] if "valence_mean" in table.columns else table
    if referent is None:
        tot = t.groupby("referent")["labels"].sum() if "labels" in t.columns else t.groupby("referent").size()
        refs = sorted(tot.index, key=lambda r: (-tot[r], str(r)))[:max_panels]
    else:
        refs = [referent] if isinstance(referent, str) else list(referent)
    if not refs:
        raise ValueError("the table has no valence rows to plot")
    rows = _groups(t[t["referent"].isin(refs)], gcol, groups)
    n = len(refs)
    nc = min(ncols, n)
    nr = math.ceil(n / nc)
    row_len = max([len(short_label(g)) for g in rows] + [4])
    width = 0.07 * row_len + 3.2 * nc + 0.6
    height = 0.9 + nr * (0.8 + 0.28 * len(rows))
    level_note = _level_note(table)
    with style():
        fig = new_figure(width, height)
        axes = fig.subplots(nr, nc, squeeze=False, sharey=True)
        y = np.arange(len(rows))
        pos = {g: i for i, g in enumerate(rows)}
        for k, ref in enumerate(refs):
            ax = axes[k // nc, k % nc]
            tr = t[(t["referent"] == ref) & t[gcol].isin(rows)]
            yy = np.array([pos[g] for g in tr[gcol]], dtype=float)
            m = as_float(tr["valence_mean"])
            lo = as_float(tr["ci_low"]) if "ci_low" in tr else np.full(len(tr), np.nan)
            hi = as_float(tr["ci_high"]) if "ci_high" in tr else np.full(len(tr), np.nan)
            err = np.vstack([np.where(np.isfinite(lo), m - lo, 0), np.where(np.isfinite(hi), hi - m, 0)])
            colour = OKABE_ITO[[4, 5, 2, 0, 6, 1][k % 6]]
            ax.axvline(0, color="#999999", linewidth=0.8, linestyle="--", zorder=1)
            ax.errorbar(m, yy, xerr=np.maximum(err, 0), fmt="o", color=colour, ecolor=colour, elinewidth=1.2,
                        capsize=2.5, markersize=5, label=str(ref), zorder=3)
            if "labels" in tr.columns:
                trans = blended_transform_factory(ax.transAxes, ax.transData)
                for yi, nl in zip(yy, tr["labels"]):
                    ax.text(1.0, yi, f" n={int(nl)}", transform=trans, ha="left", va="center", fontsize=7,
                            color="#555555", gid="n")
            ax.set_xlim(-1.05, 1.05)
            ax.set_xticks([-1, -0.5, 0, 0.5, 1])
            ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
            ax.set_title(str(ref), loc="left")
            ax.set_yticks(y, labels=[short_label(g) for g in rows])
            ax.set_ylim(len(rows) - 0.5, -0.5)
            if k // nc == nr - 1 or k + nc >= n:
                ax.set_xlabel("mean valence of labels")
        for k in range(n, nr * nc):
            axes[k // nc, k % nc].set_visible(False)
        fig.suptitle(title or f"Mean valence of labels (−1 delegitimising … +1 legitimising); {level_note}",
                     x=0.01, ha="left", fontsize=10, fontweight="bold")
    return fig


# ------------------------------------------------------------------------------ distinctive terms
def log_odds(table: pd.DataFrame, *, group=None, reference=None, top: int = 10, label_size: tuple = (7.0, 12.0),
             title: str | None = None) -> Figure:
    """Distinctive terms of one comparison: z-score against frequency, top terms labelled.

    In the style of Monroe, Colaresi & Quinn (2008), Fig. 3: every term is a point at its total
    frequency (``count + count_reference``, log scale) and the z-score of its log-odds ratio; the
    ``top`` terms with the highest z (used more by ``group``) and the ``top`` with the lowest
    (used more by the reference) are coloured and labelled, the label size growing with ``|z|``.
    Labels are moved apart by a deterministic repulsion (:func:`framing.plots.repel_labels`) so none
    overlaps another.

    Parameters
    ----------
    table : DataFrame
        :func:`framing.stats.log_odds`: ``term, group, reference, count, count_reference, z`` ...
    group, reference : optional
        The comparison to plot; needed when the table holds several.
    top : int, default 10
        Terms labelled on each side.
    label_size : (float, float)
        Smallest and largest label font size.
    title : str, optional

    Returns
    -------
    Figure
        One axes; each labelled term is a text artist with ``gid="label"``.
    """
    t = table
    if group is not None:
        t = t[t["group"].astype(str) == str(group)]
    if reference is not None:
        t = t[t["reference"].astype(str) == str(reference)]
    comps = ordered_unique(zip(t["group"].astype(str), t["reference"].astype(str)))
    if len(comps) != 1:
        shown = ", ".join(f"{g} vs {r}" for g, r in comps[:8])
        raise ValueError(f"the table holds {len(comps)} comparisons ({shown}{' ...' if len(comps) > 8 else ''}); "
                         "pass group= (and reference=) to choose one")
    g_name, r_name = comps[0]
    freq = as_float(t["count"]) + as_float(t["count_reference"])
    z = as_float(t["z"])
    ok = np.isfinite(z) & (freq > 0)
    terms = t["term"].astype(str).to_numpy()[ok]
    freq, z = freq[ok], z[ok]
    order_hi = sorted([i for i in range(len(z)) if z[i] > 0], key=lambda i: (-z[i], terms[i]))[:top]
    order_lo = sorted([i for i in range(len(z)) if z[i] < 0], key=lambda i: (z[i], terms[i]))[:top]
    hi_col, lo_col = "#D55E00", "#0072B2"
    with style():
        fig = new_figure(8.5, 6.2)
        ax = fig.add_subplot()
        ax.scatter(freq, z, s=9, color=OTHER_GREY, linewidths=0, zorder=1, label="_all")
        for idx, col, lab in ((order_hi, hi_col, f"more in {g_name}"), (order_lo, lo_col, f"more in {r_name}")):
            if idx:
                ax.scatter(freq[idx], z[idx], s=16, color=col, linewidths=0, zorder=2, label=short_label(lab, 40))
        ax.set_xscale("log")
        for v in (-1.96, 1.96):
            ax.axhline(v, color="#999999", linewidth=0.7, linestyle="--", zorder=0)
        ax.axhline(0, color="#CCCCCC", linewidth=0.6, zorder=0)
        zmax = max(float(np.max(np.abs(z))) if len(z) else 1.0, 2.5)
        ax.set_ylim(-zmax * 1.2, zmax * 1.2)
        if len(freq):
            ax.set_xlim(max(0.5, float(freq.min()) / 1.6), float(freq.max()) * 1.8)
        ax.set_xlabel("frequency (uses by both sides, log scale)")
        ax.set_ylabel(f"z-score of the log-odds ratio\n↑ {short_label(g_name, 28)}   ↓ {short_label(r_name, 28)}")
        ax.set_title(title or f"Distinctive terms: {short_label(g_name, 40)} vs {short_label(r_name, 40)}",
                     loc="left")
        _legend(ax, loc="lower right")
        texts, pts = [], []
        amax = max(float(np.max(np.abs(z))) if len(z) else 1.0, 1e-9)
        lo_s, hi_s = label_size
        chosen = [(i, hi_col) for i in order_hi] + [(i, lo_col) for i in order_lo]
        chosen.sort(key=lambda ic: (-abs(z[ic[0]]), terms[ic[0]]))  # the most distinctive get placed first
        for i, col in chosen:
            size = lo_s + (hi_s - lo_s) * abs(z[i]) / amax
            texts.append(ax.text(freq[i], z[i], terms[i], ha="center", va="center", fontsize=size, color=col,
                                 gid="label", zorder=4))
            pts.append((freq[i], z[i]))
        repel_labels(ax, texts, np.asarray(pts, dtype=float).reshape(-1, 2))
    return fig


# -------------------------------------------------------------------------------- divergence matrix
def label_divergence(table: pd.DataFrame, *, referent: str | None = None, value: str = "jsd",
                     groups: Sequence | None = None, annotate: bool | None = None, cmap: str = "viridis",
                     title: str | None = None) -> Figure:
    """Square heatmap of a pairwise divergence between groups (e.g. Jensen–Shannon of label choice).

    Parameters
    ----------
    table : DataFrame
        :func:`framing.stats.label_divergence`: ``referent, group, reference, jsd, ci_low, ci_high``
        (one row per unordered pair).
    referent : str, optional
        Needed when the table holds several referents.
    value : str, default "jsd"
    groups : list, optional
        Rows and columns, in this order (default: order of appearance).
    annotate : bool, optional
        Write each cell's value (default: when there are at most 24 groups).
    cmap : str, default "viridis"

    Returns
    -------
    Figure
        One axes whose image is the symmetric matrix (diagonal empty).
    """
    t = table
    if "referent" in t.columns:
        refs = ordered_unique(t["referent"].astype(str))
        if referent is None and len(refs) > 1:
            raise ValueError(f"the table holds {len(refs)} referents ({', '.join(refs[:8])}); pass referent=")
        if referent is not None:
            t = t[t["referent"].astype(str) == str(referent)]
        referent = referent if referent is not None else (refs[0] if refs else "")
    names = list(groups) if groups is not None else ordered_unique([*t["group"], *t["reference"]])
    pos = {g: i for i, g in enumerate(names)}
    n = len(names)
    M = np.full((n, n), np.nan)
    for a, b, v in zip(t["group"], t["reference"], as_float(t[value])):
        if a in pos and b in pos:
            M[pos[a], pos[b]] = M[pos[b], pos[a]] = v
    annotate = n <= 24 if annotate is None else annotate
    size = 3.0 + 0.42 * n
    with style():
        fig = new_figure(size + 1.6, size)
        ax = fig.add_subplot()
        cm = colormaps[cmap].with_extremes(bad="#FFFFFF")
        finite = M[np.isfinite(M)]
        vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        im = ax.imshow(np.ma.masked_invalid(M), cmap=cm, vmin=0.0, vmax=vmax, interpolation="nearest")
        labels = [short_label(g, 30) for g in names]
        ax.set_xticks(np.arange(n), labels=labels, rotation=50, ha="right", rotation_mode="anchor")
        ax.set_yticks(np.arange(n), labels=labels)
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_visible(False)
        if annotate:
            fs = 8 if n <= 10 else 6.5
            for i in range(n):
                for j in range(n):
                    if i != j and np.isfinite(M[i, j]):
                        ax.text(j, i, f"{M[i, j]:.2f}", ha="center", va="center", fontsize=fs,
                                color=text_colour(im.cmap(im.norm(M[i, j]))), gid="cell")
        unit = "Jensen–Shannon divergence (bits)" if value == "jsd" else value
        fig.colorbar(im, ax=ax, shrink=0.8, label=unit, pad=0.02)
        ax.set_title(title or f"How differently groups label {referent}", loc="left")
    return fig


# ------------------------------------------------------------------------------------- time series
def rates_over_time(table: pd.DataFrame, *, category: str | None = None, lexicon: str | None = None,
                    by: str | None = None, groups: Sequence | None = None, value: str = "rate_per_1k",
                    band: bool = True, max_lines: int = 7, ncols: int = 4, title: str | None = None) -> Figure:
    """Rates over time per group, with interval bands.

    Parameters
    ----------
    table : DataFrame
        :func:`framing.stats.rates_over_time`: ``group, period, category, lexicon, rate_per_1k,
        ci_low, ci_high`` ...
    category, lexicon : str, optional
        The category to plot (needed when the table holds several).
    by, groups
        As in :func:`rates`.
    band : bool, default True
        Shade the interval (``ci_low`` to ``ci_high``).
    max_lines : int, default 7
        Up to this many groups share one axes (Okabe–Ito colours); beyond it, one small panel per
        group, with the other groups in grey behind it.
    ncols : int, default 4
        Panels per row in the small-multiple layout.

    Returns
    -------
    Figure
        Each group's line is labelled with the group; its y-data are the rates in period order.
    """
    gcol = group_column(table, by)
    t = table
    if lexicon is not None:
        t = t[t["lexicon"] == lexicon]
    if "category" in t.columns:
        cats = ordered_unique(t["category"].astype(str))
        if category is None and len(cats) > 1:
            raise ValueError(f"the table holds {len(cats)} categories ({', '.join(cats[:8])}); pass category=")
        category = category if category is not None else (cats[0] if cats else "")
        t = t[t["category"].astype(str) == str(category)]
    rows = _groups(t, gcol, groups)
    t = t.assign(_p=pd.to_datetime(t["period"])).sort_values("_p", kind="stable")
    series = {}
    for g in rows:
        tg = t[t[gcol] == g]
        series[g] = (tg["_p"].to_numpy(), as_float(tg[value]),
                     as_float(tg["ci_low"]) if "ci_low" in tg else None,
                     as_float(tg["ci_high"]) if "ci_high" in tg else None)
    level_note = _level_note(table)
    small = len(rows) > max_lines
    unit = "mentions per 1,000 tokens" if value == "rate_per_1k" else value

    def draw(ax, g, colour, lw=1.6):
        x, yv, lo, hi = series[g]
        line, = ax.plot(x, yv, color=colour, linewidth=lw, marker="o", markersize=2.5, label=short_label(g), zorder=3)
        line.set_gid("series")
        if band and lo is not None and hi is not None:
            ok = np.isfinite(lo) & np.isfinite(hi)
            pc = ax.fill_between(x, np.where(ok, lo, np.nan), np.where(ok, hi, np.nan), color=colour, alpha=0.2,
                                 linewidth=0, zorder=2)
            pc.set_label(f"_band:{g}")

    with style():
        if not small:
            fig = new_figure(9.0, 4.6)
            ax = fig.add_subplot()
            for k, g in enumerate(rows):
                draw(ax, g, OKABE_ITO[k % len(OKABE_ITO)])
            _legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0))
            axes = [ax]
            ax.set_ylabel(unit)
        else:
            nc = min(ncols, len(rows))
            nr = math.ceil(len(rows) / nc)
            fig = new_figure(2.6 * nc + 0.6, 1.9 * nr + 0.8)
            grid = fig.subplots(nr, nc, squeeze=False, sharex=True, sharey=True)
            axes = []
            for k, g in enumerate(rows):
                ax = grid[k // nc, k % nc]
                for h in rows:
                    if h != g:
                        x, yv, _, _ = series[h]
                        ax.plot(x, yv, color="#DDDDDD", linewidth=0.7, zorder=1, gid="context")
                draw(ax, g, OKABE_ITO[4], lw=1.4)
                ax.set_title(short_label(g, 30), loc="left", fontsize=8.5)
                axes.append(ax)
            for k in range(len(rows), nr * nc):
                grid[k // nc, k % nc].set_visible(False)
            fig.supylabel(unit, fontsize=9)
        for ax in axes:
            loc = mdates.AutoDateLocator(minticks=3, maxticks=7)
            ax.xaxis.set_major_locator(loc)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
            ax.grid(axis="y", color="#E5E5E5", linewidth=0.6)
            ax.set_ylim(bottom=0)
        period = table.attrs.get("period") if hasattr(table, "attrs") else None
        head = title or f"{category}: {unit}" + (f" per {period}" if period else "")
        fig.suptitle(head + (f"; bands: {level_note}" if band else ""), x=0.01, ha="left", fontsize=10,
                     fontweight="bold")
    return fig


# ------------------------------------------------------------------------------------ voice shares
def voice_shares(table: pd.DataFrame, *, by: str | None = None, groups: Sequence | None = None,
                 sort: str | None = None, title: str | None = None) -> Figure:
    """Stacked horizontal bars: how much of each group's loaded language is its own voice.

    Parameters
    ----------
    table : DataFrame
        :func:`framing.comparison.voice_shares`: one row per outlet with ``author``, ``quoted``,
        ``attributed``, ``scare_quoted`` counts, ``total`` and ``<voice>_share`` columns.
    by, groups
        As in :func:`rates`.
    sort : {"author"}, optional
        Order bars by the share of the outlet's own voice (largest first) instead of table order.

    Returns
    -------
    Figure
        One bar container per voice (labelled with the voice's name) whose widths are the shares.
    """
    gcol = group_column(table, by)
    t = table.copy()
    for v in VOICES:
        if f"{v}_share" not in t.columns:
            if v not in t.columns:
                t[v] = 0
            total = t[list(VOICES)].sum(axis=1) if all(x in t.columns for x in VOICES) else t[v]
            t[f"{v}_share"] = t[v] / total.where(total > 0)
    if groups is not None:
        t = t.set_index(gcol).loc[list(groups)].reset_index()
    elif sort == "author":
        t = t.sort_values(["author_share", gcol], ascending=[False, True], kind="stable")
    rows = t[gcol].tolist()
    y = np.arange(len(rows))
    row_len = max([len(short_label(g)) for g in rows] + [4])
    with style():
        fig = new_figure(4.8 + 0.07 * row_len + 1.0, 1.4 + 0.3 * max(len(rows), 1))
        ax = fig.add_subplot()
        left = np.zeros(len(rows))
        for v in VOICES:
            share = np.nan_to_num(as_float(t[f"{v}_share"]))
            colour = VOICE_COLOURS[v]
            ax.barh(y, share, left=left, height=0.72, color=colour, edgecolor="white", linewidth=0.6,
                    label=VOICE_NAMES[v])
            for yi, l0, s in zip(y, left, share):
                if s >= 0.09:
                    ax.text(l0 + s / 2, yi, f"{s:.0%}", ha="center", va="center", fontsize=7,
                            color=text_colour(colour), gid="share")
            left = left + share
        if "total" in t.columns:
            trans = blended_transform_factory(ax.transAxes, ax.transData)
            for yi, n in zip(y, t["total"]):
                ax.text(1.01, yi, f"n={int(n)}", transform=trans, ha="left", va="center", fontsize=7.5,
                        color="#444444", gid="n")
        ax.set_yticks(y, labels=[short_label(g) for g in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(0, 1)
        ax.set_xticks(np.linspace(0, 1, 6), labels=[f"{v:.0%}" for v in np.linspace(0, 1, 6)])
        ax.set_xlabel("share of the group's loaded-language mentions (referent names left out)")
        ax.set_title(title or "Whose words? Own voice against quoted and attributed speech", loc="left")
        _legend(fig, loc="outside lower center", ncols=4)
    return fig


def _legend(where, **options) -> None:
    """A legend on an axes or figure, only when something in it has a label: with none, matplotlib
    warns "No artists with labels found" (an error under ``python -W error``: helper-47)."""
    axes = where.get_axes() if hasattr(where, "get_axes") else [where]
    if any(ax.get_legend_handles_labels()[0] for ax in axes):
        where.legend(**options)
