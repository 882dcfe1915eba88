"""Rates, label shares, valence index and their bootstrap intervals, against hand computations."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from scipy.special import ndtr, ndtri

import framing
from framing import stats
from framing.stats import _bootstrap


def _docs():
    # outlet A: three documents, outlet B: two; tokens per document
    return pd.DataFrame({
        "doc_id": ["a1", "a2", "a3", "b1", "b2"],
        "outlet": ["A", "A", "A", "B", "B"],
        "leaning": ["left", "left", "right", "right", None],
        "n_tokens": [100, 300, 100, 200, 200],
    })


def _mentions():
    rows = []

    def add(doc, outlet, category, n, referent=None, term="t", valence=np.nan, voice="author"):
        for _ in range(n):
            rows.append({"doc_id": doc, "outlet": outlet, "lexicon": "lx", "category": category, "term": term,
                         "referent": referent, "valence": valence, "voice": voice})

    add("a1", "A", "label", 2)
    add("a2", "A", "label", 1)
    add("a2", "A", "label", 1, voice="quoted")
    add("b1", "B", "label", 3)
    add("a1", "A", "other", 1)
    # labels of referent r: A gives "warlord" (-0.8) x3 and "marshal" (0.5) x1; B gives "marshal" x2
    add("a1", "A", "leader", 2, referent="r", term="warlord", valence=-0.8)
    add("a3", "A", "leader", 1, referent="r", term="warlord", valence=-0.8)
    add("a3", "A", "leader", 1, referent="r", term="marshal", valence=0.5)
    add("b2", "B", "leader", 2, referent="r", term="marshal", valence=0.5)
    return pd.DataFrame(rows)


def test_rates_point_estimates_by_hand():
    r = stats.rates(_mentions(), _docs(), replicates=0)
    assert list(r.columns[:7]) == ["group", "category", "mentions", "tokens", "rate_per_1k", "ci_low", "ci_high"]
    row = r.set_index(["group", "category"])
    # A: 4 "label" mentions over 100 + 300 + 100 = 500 tokens (a3 has no mention but counts)
    assert row.loc[("A", "label"), "mentions"] == 4 and row.loc[("A", "label"), "tokens"] == 500
    assert row.loc[("A", "label"), "rate_per_1k"] == pytest.approx(1000 * 4 / 500)
    assert row.loc[("A", "label"), "doc_share"] == pytest.approx(2 / 3)
    assert row.loc[("B", "label"), "rate_per_1k"] == pytest.approx(1000 * 3 / 400)
    assert row.loc[("B", "other"), "mentions"] == 0 and row.loc[("B", "other"), "rate_per_1k"] == 0
    assert len(r) == 2 * 3  # every group x category, zeros included
    # voice filter: the quoted mention leaves
    r2 = stats.rates(_mentions(), _docs(), voice="author", replicates=0).set_index(["group", "category"])
    assert r2.loc[("A", "label"), "mentions"] == 3
    # any documents column as group; documents without a value are left out
    r3 = stats.rates(_mentions(), _docs(), by="leaning", replicates=0).set_index(["group", "category"])
    assert r3.loc[("left", "label"), "rate_per_1k"] == pytest.approx(1000 * 4 / 400)
    assert r3.loc[("right", "label"), "tokens"] == 300
    assert r3.attrs["documents_left_out"] == 1 and r3.attrs["by"] == "leaning"


def test_bootstrap_replicates_are_the_statistic_of_resampled_documents(monkeypatch):
    # fixed resampling weights: how often each of the group's documents is drawn in each replicate
    W_A = np.array([[3, 0, 0], [0, 3, 0], [1, 1, 1], [0, 0, 3], [2, 1, 0]], dtype=float)
    calls = []

    def fake(rng, n, size):
        calls.append(n)
        return W_A[:size] if n == 3 else np.full((size, n), 1.0)

    monkeypatch.setattr(_bootstrap, "resample_counts", fake)
    r = stats.rates(_mentions(), _docs(), replicates=5, interval="percentile", level=0.5, groups=["A"])
    row = r.set_index("category").loc["label"]
    y = np.array([2, 2, 0])  # label mentions in a1, a2, a3
    x = np.array([100, 300, 100])
    reps = 1000 * (W_A @ y) / (W_A @ x)  # [20, 6.667, 8, 0, 10]
    assert row["ci_low"] == pytest.approx(np.quantile(reps, 0.25))
    assert row["ci_high"] == pytest.approx(np.quantile(reps, 0.75))
    share = (W_A @ (y > 0)) / W_A.sum(axis=1)
    assert row["doc_share_low"] == pytest.approx(np.quantile(share, 0.25))


def test_percentile_interval_by_hand():
    reps = np.array([5.0, 1.0, 3.0, 2.0, 4.0, np.nan])
    lo, hi = stats.percentile_interval(reps, level=0.5)
    # quantiles 0.25 and 0.75 of the 5 valid values, linear interpolation: positions 1 and 3
    assert (lo, hi) == (2.0, 4.0)
    lo2, hi2 = stats.percentile_interval(np.column_stack([reps, 2 * reps]), level=0.5)
    assert list(lo2) == [2.0, 4.0] and list(hi2) == [4.0, 8.0]


def test_bca_interval_by_hand():
    reps = np.arange(1.0, 21.0)  # 1..20
    est, a, level = 8.0, 0.1, 0.9
    lo, hi = stats.bca_interval(reps, est, a, level)
    p0 = (7 + 0.5 * 1) / 20  # 7 replicates below 8, one tie
    z0 = ndtri(p0)
    q = [ndtr(z0 + (z0 + z) / (1 - a * (z0 + z))) for z in (ndtri(0.05), ndtri(0.95))]
    assert lo == pytest.approx(np.quantile(reps, q[0]))
    assert hi == pytest.approx(np.quantile(reps, q[1]))
    # a = 0 and an estimate at the median: the percentile interval
    lo0, hi0 = stats.bca_interval(reps, 10.5, 0.0, level)
    assert (lo0, hi0) == pytest.approx(stats.percentile_interval(reps, level))
    # every replicate equal to the estimate: a zero-width interval
    assert stats.bca_interval(np.full(50, 2.0), 2.0, 0.0) == (2.0, 2.0)


def test_jackknife_acceleration_by_hand():
    loo = np.array([1.0, 2.0, 4.0, 9.0])
    d = loo.mean() - loo
    assert stats.jackknife_acceleration(loo)[0] == pytest.approx((d ** 3).sum() / (6 * (d ** 2).sum() ** 1.5))


def test_bca_acceleration_of_a_ratio_is_the_jackknife_of_the_ratio():
    y = np.array([2.0, 0.0, 5.0, 1.0, 7.0])
    x = np.array([100.0, 50.0, 300.0, 80.0, 120.0])
    boot = _bootstrap.RatioBootstrap(y[:, None], x[:, None], np.array([0]))
    a = boot._acceleration(boot.Y, boot.D, slice(0, 1), np.array([y.sum()]), np.array([x.sum()]))
    loo = (y.sum() - y) / (x.sum() - x)
    assert a[0] == pytest.approx(stats.jackknife_acceleration(loo)[0])


def test_cluster_bootstrap_agrees_with_scipy_bootstrap():
    rng = np.random.default_rng(5)
    n = 60
    x = rng.integers(100, 900, n).astype(float)
    y = rng.poisson(rng.gamma(1.0, 5.0, n) * x / 1000).astype(float)
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "outlet": "o", "n_tokens": x})
    rows = np.repeat(np.arange(n), y.astype(int))
    m = pd.DataFrame({"doc_id": docs["doc_id"].to_numpy()[rows], "lexicon": "l", "category": "c",
                      "voice": "author"})
    ours = stats.rates(m, docs, replicates=20000, seed=3).iloc[0]
    ref = sps.bootstrap((y, x), lambda a, b, axis=-1: 1000 * a.sum(axis=axis) / b.sum(axis=axis), paired=True,
                        vectorized=True, n_resamples=20000, method="BCa", random_state=np.random.default_rng(4))
    assert ours["ci_low"] == pytest.approx(ref.confidence_interval.low, rel=0.03)
    assert ours["ci_high"] == pytest.approx(ref.confidence_interval.high, rel=0.03)


def _synthetic(n=40, seed=0):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "outlet": np.where(np.arange(n) % 2, "A", "B"),
                      "n_tokens": rng.integers(100, 500, n)})
    y = rng.poisson(3, n)
    rows = np.repeat(np.arange(n), y)
    m = pd.DataFrame({"doc_id": d["doc_id"].to_numpy()[rows], "outlet": d["outlet"].to_numpy()[rows],
                      "lexicon": "l", "category": "c", "voice": "author"})
    return m, d


def test_same_seed_same_output_and_groups_have_their_own_streams():
    m, d = _synthetic()
    a = stats.rates(m, d, replicates=300, seed=7)
    b = stats.rates(m, d, replicates=300, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs == b.attrs and a.attrs["seed"] == 7 and a.attrs["replicates"] == 300
    c = stats.rates(m, d, replicates=300, seed=8)
    assert not np.allclose(a["ci_high"].fillna(0), c["ci_high"].fillna(0))
    only_a = stats.rates(m, d, replicates=300, seed=7, groups=["A"])
    pd.testing.assert_frame_equal(only_a.reset_index(drop=True), a[a["group"] == "A"].reset_index(drop=True))


def test_label_shares_by_hand():
    t = stats.label_shares(_mentions(), _docs(), replicates=0)
    assert list(t.columns[:7]) == ["referent", "group", "term", "count", "share", "ci_low", "ci_high"]
    a = t[t["group"] == "A"].set_index("term")
    assert a.loc["warlord", "count"] == 3 and a.loc["warlord", "share"] == pytest.approx(3 / 4)
    assert a.loc["marshal", "share"] == pytest.approx(1 / 4) and a.loc["marshal", "group_labels"] == 4
    b = t[t["group"] == "B"].set_index("term")
    assert b.loc["warlord", "count"] == 0 and b.loc["marshal", "share"] == 1.0  # zero rows kept
    # intervals: bounds within [0, 1] and around the estimate
    ci = stats.label_shares(_mentions(), _docs(), replicates=500, seed=1)
    assert ((ci["ci_low"] <= ci["share"] + 1e-12) & (ci["share"] <= ci["ci_high"] + 1e-12)).all()
    assert ci["ci_low"].min() >= 0 and ci["ci_high"].max() <= 1


def test_valence_index_by_hand():
    v = stats.valence_index(_mentions(), _docs(), replicates=0).set_index("group")
    assert v.loc["A", "valence_mean"] == pytest.approx((3 * -0.8 + 0.5) / 4)
    assert v.loc["A", "labels"] == 4 and v.loc["B", "valence_mean"] == pytest.approx(0.5)
    w = stats.valence_index(_mentions(), _docs(), replicates=400, seed=2).set_index("group")
    assert w.loc["A", "ci_low"] <= w.loc["A", "valence_mean"] <= w.loc["A", "ci_high"]
    assert w.loc["B", "ci_low"] == w.loc["B", "ci_high"] == pytest.approx(0.5)  # all of B's labels agree


def test_rates_on_the_demo_corpus_match_outlet_category():
    res = framing.score(framing.demo_corpus(), "libya")
    r = stats.rates(res.mentions, res.documents, replicates=200, seed=0)
    oc = framing.outlet_category(res.mentions, res.documents)
    merged = r.merge(oc, left_on=["group", "lexicon", "category"], right_on=["outlet", "lexicon", "category"])
    assert len(merged) == len(oc)
    np.testing.assert_allclose(merged["rate_per_1k_x"], merged["rate_per_1k_y"])
    np.testing.assert_allclose(merged["doc_share_x"], merged["doc_share_y"])
    ok = r["ci_low"].notna()
    assert ((r.loc[ok, "ci_low"] <= r.loc[ok, "rate_per_1k"] + 1e-9)
            & (r.loc[ok, "rate_per_1k"] <= r.loc[ok, "ci_high"] + 1e-9)).all()


def test_bad_parameters_raise_framing_errors():
    m, d = _mentions(), _docs()
    with pytest.raises(framing.FramingError, match="level"):
        stats.rates(m, d, level=95)
    with pytest.raises(framing.FramingError, match="interval"):
        stats.rates(m, d, interval="basic")
    with pytest.raises(framing.FramingError, match="no column 'country'"):
        stats.rates(m, d, by="country")
