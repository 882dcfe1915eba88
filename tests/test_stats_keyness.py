"""Keyness (chi-squared, Yates, G², Williams, PMI) and Benjamini–Hochberg, against hand computations."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

import framing
from framing import stats


def test_keyness_2x2_by_hand():
    a, b, n_a, n_b = 10.0, 5.0, 100.0, 200.0
    c, d = n_a - a, n_b - b
    N = n_a + n_b
    obs = np.array([[a, b], [c, d]])
    exp = obs.sum(axis=1, keepdims=True) * obs.sum(axis=0, keepdims=True) / N
    chi2 = ((obs - exp) ** 2 / exp).sum()
    assert chi2 == pytest.approx(N * (a * d - b * c) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d)))
    yates = ((np.abs(obs - exp) - 0.5) ** 2 / exp).sum()
    g2 = 2 * (obs * np.log(obs / exp)).sum()
    q = 1 + (N / (a + b) + N / (c + d) - 1) * (N / (a + c) + N / (b + d) - 1) / (6 * N)
    k = stats.keyness_2x2(a, b, n_a, n_b)
    assert k["expected"] == pytest.approx(exp[0, 0])
    assert k["chi2"] == pytest.approx(chi2)
    assert k["chi2_yates"] == pytest.approx(yates)
    assert k["g2"] == pytest.approx(g2)
    assert k["g2_williams"] == pytest.approx(g2 / q)
    assert k["pmi"] == pytest.approx(math.log(a / exp[0, 0]))
    # the same as scipy's contingency-table tests
    assert k["chi2"] == pytest.approx(sps.chi2_contingency(obs, correction=False)[0])
    assert k["chi2_yates"] == pytest.approx(sps.chi2_contingency(obs, correction=True)[0])
    assert k["g2"] == pytest.approx(sps.chi2_contingency(obs, correction=False, lambda_="log-likelihood")[0])


def test_keyness_signs_zero_cells_and_empty_tables():
    k = stats.keyness_2x2([0.0, 3.0, 0.0], [4.0, 0.0, 0.0], 50.0, 60.0)
    assert k["chi2"][0] < 0 and k["g2"][0] < 0 and k["pmi"][0] == -np.inf  # target avoids the term
    assert k["chi2"][1] > 0 and k["g2"][1] > 0
    # G2 with a zero cell: 0 log 0 = 0
    obs = np.array([[3.0, 0.0], [47.0, 60.0]])
    exp = obs.sum(1, keepdims=True) * obs.sum(0, keepdims=True) / obs.sum()
    assert k["g2"][1] == pytest.approx(2 * sum(o * math.log(o / e) for o, e in zip(obs.ravel(), exp.ravel()) if o))
    # Yates never flips a deviation smaller than 0.5 past zero
    small = stats.keyness_2x2(1.0, 1.0, 100.0, 101.0)
    assert small["chi2_yates"] == pytest.approx(0.0, abs=1e-12)
    assert np.isnan(k["chi2"][2])  # term absent from both sides: no test


def test_bh_adjust_by_hand_and_against_scipy():
    p = np.array([0.01, 0.04, 0.03, 0.2, np.nan])
    # sorted 0.01 0.03 0.04 0.2 (m = 4): 0.04, 0.06, 0.0533, 0.2 -> running minimum from the top
    expected = [0.04, 0.16 / 3, 0.16 / 3, 0.2, np.nan]
    np.testing.assert_allclose(stats.bh_adjust(p), expected)
    rng = np.random.default_rng(0)
    q = rng.uniform(size=200) ** 3
    np.testing.assert_allclose(stats.bh_adjust(q), sps.false_discovery_control(q))


def _counts():
    rows = {"A": {"x": 40, "y": 5, "z": 55}, "B": {"x": 10, "y": 30, "z": 60}, "C": {"x": 12, "y": 10, "z": 78}}
    return pd.DataFrame([{"group": g, "term": t, "count": c} for g, d in rows.items() for t, c in d.items()])


def test_keyness_one_vs_rest_and_fdr_over_the_whole_family():
    k = stats.keyness(_counts(), measure="g2")
    assert list(k.columns[:7]) == ["term", "group", "reference", "count", "count_reference", "n_group",
                                   "n_reference"]
    row = k[(k["group"] == "A") & (k["term"] == "x")].iloc[0]
    assert (row["count"], row["count_reference"], row["n_group"], row["n_reference"]) == (40, 22, 100, 200)
    assert row["g2"] == pytest.approx(stats.keyness_2x2(40, 22, 100, 200)["g2"])
    assert row["p"] == pytest.approx(sps.chi2.sf(abs(row["g2"]), 1))
    # one family: 3 groups x 3 terms, adjusted together
    np.testing.assert_allclose(k["p_adj"], stats.bh_adjust(k["p"].to_numpy()))
    assert k.attrs["family_size"] == 9 and k.attrs["measure"] == "g2"


def test_keyness_pairwise_counts_each_test_once():
    k = stats.keyness(_counts(), contrast="pairwise", measure="chi2_yates")
    assert len(k) == 6 * 3 and k.attrs["family_size"] == 9
    ab = k[(k["group"] == "A") & (k["reference"] == "B")].set_index("term")
    ba = k[(k["group"] == "B") & (k["reference"] == "A")].set_index("term")
    np.testing.assert_allclose(ab["chi2_yates"], -ba.loc[ab.index, "chi2_yates"])
    np.testing.assert_allclose(ab["p_adj"], ba.loc[ab.index, "p_adj"])
    unique = k.drop_duplicates("p")["p"].to_numpy()
    assert len(unique) == 9
    # p_adj of the family of 9 distinct tests
    fam = k[k["group"] < k["reference"]]
    np.testing.assert_allclose(fam["p_adj"], stats.bh_adjust(fam["p"].to_numpy()))


def test_keyness_target_against_a_reference_and_totals():
    k = stats.keyness(_counts(), contrast="group_vs_group", groups=(["A"], ["B", "C"]))
    assert set(k["group"]) == {"A"} and set(k["reference"]) == {"B+C"}
    tot = stats.keyness(_counts(), totals={"A": 1000, "B": 2000, "C": 1500}, measure="g2_williams")
    row = tot[(tot["group"] == "B") & (tot["term"] == "y")].iloc[0]
    assert (row["n_group"], row["n_reference"]) == (2000, 2500)
    assert row["g2_williams"] == pytest.approx(stats.keyness_2x2(30, 15, 2000, 2500)["g2_williams"])
    with pytest.raises(framing.FramingError, match="one_vs_rest"):
        stats.keyness(_counts(), contrast="one_vs_all")
