"""Rates and label shares over time: periods and rolling windows, against hand computations."""

import numpy as np
import pandas as pd
import pytest

import framing
from framing import stats


def _data():
    documents = pd.DataFrame({
        "doc_id": ["j1", "j2", "f1", "m1", "x1", "u1"],
        "outlet": ["A", "A", "A", "A", "B", "A"],
        "date": pd.to_datetime(["2018-01-03", "2018-01-30", "2018-02-14", "2018-03-01", "2018-02-02", None]),
        "n_tokens": [100, 100, 200, 100, 500, 50],
    })
    rows = ([("j1", "r", "warlord")] * 2 + [("f1", "r", "marshal")] + [("x1", "r", "warlord")] * 5
            + [("j2", "r", "marshal")] + [("u1", "r", "warlord")])
    mentions = pd.DataFrame([{"doc_id": d, "outlet": d[0].upper() if d[0] != "x" else "B", "category": "leader",
                              "lexicon": "lx", "referent": r, "term": t, "valence": np.nan, "voice": "author"}
                             for d, r, t in rows])
    mentions.loc[mentions["doc_id"].isin(["j1", "j2", "f1", "m1", "u1"]), "outlet"] = "A"
    return mentions, documents


def test_monthly_rates_by_hand():
    m, d = _data()
    t = stats.rates_over_time(m, d, period="month", replicates=0)
    assert list(t.columns[:8]) == ["group", "period", "category", "mentions", "tokens", "rate_per_1k", "ci_low",
                                   "ci_high"]
    a = t[t["group"] == "A"].set_index("period")
    # January: 3 mentions / 200 tokens; February: 1 / 200; March: 0 / 100 (the undated u1 is left out)
    assert a.loc["2018-01-01", "rate_per_1k"] == pytest.approx(15.0)
    assert a.loc["2018-02-01", "rate_per_1k"] == pytest.approx(5.0)
    assert a.loc["2018-03-01", "rate_per_1k"] == 0 and a.loc["2018-03-01", "tokens"] == 100
    b = t[t["group"] == "B"].set_index("period")
    assert np.isnan(b.loc["2018-01-01", "rate_per_1k"]) and b.loc["2018-02-01", "rate_per_1k"] == 10.0
    assert len(t) == 2 * 3 and t.attrs["undated_documents"] == 1 and t.attrs["period"] == "month"


def test_rolling_windows_pool_documents_by_hand():
    m, d = _data()
    trail = stats.rates_over_time(m, d, period="month", window=2, replicates=0, groups=["A"]).set_index("period")
    assert trail.loc["2018-01-01", "rate_per_1k"] == pytest.approx(1000 * 3 / 200)
    assert trail.loc["2018-02-01", "rate_per_1k"] == pytest.approx(1000 * 4 / 400)   # Jan + Feb
    assert trail.loc["2018-03-01", "rate_per_1k"] == pytest.approx(1000 * 1 / 300)   # Feb + Mar
    assert trail.loc["2018-03-01", "window_start"] == pd.Timestamp("2018-02-01")
    assert trail.loc["2018-03-01", "window_end"] == pd.Timestamp("2018-03-31")
    centred = stats.rates_over_time(m, d, period="month", window=3, center=True, replicates=0,
                                    groups=["A"]).set_index("period")
    assert centred.loc["2018-02-01", "rate_per_1k"] == pytest.approx(1000 * 4 / 500)  # all three months
    assert centred.loc["2018-01-01", "rate_per_1k"] == pytest.approx(1000 * 4 / 400)  # Jan + Feb


def test_weekly_periods_start_on_monday_and_intervals_exist():
    m, d = _data()
    t = stats.rates_over_time(m, d, period="week", replicates=200, seed=1)
    assert (t["period"].dt.day_of_week == 0).all()
    first = t[t["group"] == "A"].iloc[0]
    assert first["period"] == pd.Timestamp("2018-01-01") and first["rate_per_1k"] == pytest.approx(20.0)
    assert first["ci_low"] == first["ci_high"] == pytest.approx(20.0)  # one document: no spread


def test_label_shares_over_time_by_hand():
    m, d = _data()
    t = stats.label_shares_over_time(m, d, period="month", replicates=0, groups=["A"])
    jan = t[t["period"] == pd.Timestamp("2018-01-01")].set_index("term")
    assert jan.loc["warlord", "share"] == pytest.approx(2 / 3) and jan.loc["marshal", "share"] == pytest.approx(1 / 3)
    feb = t[t["period"] == pd.Timestamp("2018-02-01")].set_index("term")
    assert feb.loc["marshal", "share"] == 1.0 and feb.loc["warlord", "count"] == 0
    assert pd.Timestamp("2018-03-01") not in set(t["period"])  # no labels in March


def test_time_needs_dates():
    m, d = _data()
    with pytest.raises(framing.FramingError, match="no document has a date"):
        stats.rates_over_time(m, d.assign(date=pd.NaT))
    with pytest.raises(framing.FramingError, match="period"):
        stats.rates_over_time(m, d, period="fortnight")
