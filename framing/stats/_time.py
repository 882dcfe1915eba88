"""Rates and label shares per group per period (day, week, month ...), optionally over rolling
windows of periods, with cluster-bootstrap intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import FramingError
from ._rates import RATE_COLUMNS, _boot_params, label_shares_for_groups, params_for_run, rates_for_groups
from ._tables import PERIODS, Groups, as_dates, doc_groups, filter_voice

__all__ = ["rates_over_time", "label_shares_over_time", "period_groups"]


def period_groups(documents: pd.DataFrame, *, by: str = "outlet", period: str = "month", window: int = 1,
                  center: bool = False, groups: Sequence | None = None, date_col: str = "date") -> Groups:
    """Groups of documents per (group, period), each pooling a window of ``window`` periods.

    Every period from the first to the last dated document is present for every group (empty
    windows included). With ``center=False`` the window of period ``t`` is ``t - window + 1 .. t``
    (trailing: no look-ahead); with ``center=True`` it is ``t - (window - 1) // 2 .. t + window // 2``.
    Key columns: ``by``, ``period`` (start of the period), ``window_start``, ``window_end``
    (first and last day covered).
    """
    if period not in PERIODS:
        raise FramingError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    window = int(window)
    if window < 1:
        raise FramingError(f"window must be at least 1 period, not {window}")
    if date_col not in documents.columns:
        raise FramingError(f"documents has no '{date_col}' column; time statistics need dates")
    dates = as_dates(documents[date_col].reset_index(drop=True))
    if dates.isna().all():
        raise FramingError("no document has a date; time statistics need dates (--date-col)")
    base = doc_groups(documents, by, groups)
    freq = PERIODS[period]
    per = dates.dt.to_period(freq)
    span = pd.period_range(per.min(), per.max(), freq=freq)
    first = span[0]
    ordinal = np.full(len(documents), -1, dtype=np.int64)
    ok = per.notna().to_numpy()
    ordinal[ok] = np.asarray([(p - first).n for p in per[ok]], dtype=np.int64)
    back, ahead = ((window - 1) // 2, window // 2) if center else (window - 1, 0)
    T = len(span)
    keys, rows = [], []
    for gi, r in enumerate(base.rows):
        r = r[ordinal[r] >= 0]
        o = ordinal[r]
        order = np.argsort(o, kind="stable")
        r, o = r[order], o[order]
        for t in range(T):
            lo, hi = max(t - back, 0), min(t + ahead, T - 1)
            a, b = np.searchsorted(o, lo, "left"), np.searchsorted(o, hi, "right")
            rows.append(np.sort(r[a:b]))
            keys.append((base.keys.iloc[gi, 0], span[t].start_time, span[lo].start_time,
                         span[hi].end_time.normalize()))
    key_frame = pd.DataFrame(keys, columns=[by, "period", "window_start", "window_end"])
    out = Groups(key_frame, rows)
    out.undated = int((~ok).sum())
    return out


def _time_params(period, window, center) -> dict:
    return {"period": period, "window": int(window), "center": bool(center),
            "window_rule": ("centred" if center else "trailing") + f" window of {int(window)} period(s)"}


def rates_over_time(mentions: pd.DataFrame, documents: pd.DataFrame, *, by: str = "outlet", period: str = "month",
                    window: int = 1, center: bool = False, categories: Sequence[tuple[str, str]] | None = None,
                    voice: str | Sequence[str] | None = None, groups: Sequence | None = None,
                    replicates: int = 2000, level: float = 0.95, interval: str = "bca",
                    seed: int = 0) -> pd.DataFrame:
    """Rates per 1,000 tokens per group and period (or rolling window of periods), with intervals.

    Parameters
    ----------
    mentions, documents : DataFrame
        ``documents`` needs a ``date`` column; undated documents are left out.
    period : {"day", "week", "month", "quarter", "year"}, default "month"
        Weeks run Monday to Sunday.
    window : int, default 1
        Periods pooled per row: 1 gives one row per period; ``k`` smooths by pooling the documents
        of ``k`` consecutive periods (a rolling window), so each row's rate and interval are those of
        the pooled documents.
    center : bool, default False
        Centre the window on the period instead of ending it there.
    by, categories, voice, groups, replicates, level, interval, seed
        As in :func:`rates`.

    Returns
    -------
    DataFrame
        ``group, period, category, mentions, tokens, rate_per_1k, ci_low, ci_high, lexicon,
        documents, n_documents, doc_share, doc_share_low, doc_share_high, window_start,
        window_end``; every group × period × category from the first to the last dated document
        (rates are NaN where a window has no documents).

    Notes
    -----
    A rolling window's rate is ``1000 * sum(mentions) / sum(tokens)`` over the documents of the
    window (a token-weighted average of the periods' rates, not an average of rates), and its
    interval resamples those documents; neighbouring windows share documents, so their intervals
    are not independent.
    """
    params = _boot_params(replicates, level, interval, seed)
    g = period_groups(documents, by=by, period=period, window=window, center=center, groups=groups)
    out = rates_for_groups(filter_voice(mentions, voice), documents, g, categories=categories,
                           **params_for_run(params))
    out = out.rename(columns={by: "group"})
    cols = ["group", "period", *RATE_COLUMNS[1:], "window_start", "window_end"]
    out = out[cols]
    out.attrs = {"statistic": "rates_over_time", "by": by, "voice": voice, "undated_documents": g.undated,
                 **_time_params(period, window, center), **params}
    return out


def label_shares_over_time(mentions: pd.DataFrame, documents: pd.DataFrame, *, by: str = "outlet",
                           period: str = "month", window: int = 1, center: bool = False,
                           referent: str | Sequence[str] | None = None, voice: str | Sequence[str] | None = None,
                           groups: Sequence | None = None, replicates: int = 2000, level: float = 0.95,
                           interval: str = "bca", seed: int = 0) -> pd.DataFrame:
    """Label shares per referent, group and period (or rolling window), with intervals.

    Parameters as in :func:`rates_over_time` and :func:`label_shares`.

    Returns
    -------
    DataFrame
        ``referent, group, period, term, count, share, ci_low, ci_high, lexicon, category, valence,
        group_labels, window_start, window_end``; rows for the windows in which the group labels
        the referent at all.
    """
    params = _boot_params(replicates, level, interval, seed)
    g = period_groups(documents, by=by, period=period, window=window, center=center, groups=groups)
    out = label_shares_for_groups(filter_voice(mentions, voice), documents, g, referent=referent,
                                  **params_for_run(params))
    out = out.rename(columns={by: "group"})
    first = ["referent", "group", "period"]
    rest = [c for c in out.columns if c not in first and c not in ("window_start", "window_end")]
    out = out[[*first, *rest, "window_start", "window_end"]]
    out.attrs = {"statistic": "label_shares_over_time", "by": by, "voice": voice, "referent": referent,
                 "undated_documents": g.undated, **_time_params(period, window, center), **params}
    return out
