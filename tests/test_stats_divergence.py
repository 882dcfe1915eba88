"""Label choice: Jensen–Shannon divergence with bootstrap intervals, chi-squared and permutation
tests on the label × outlet table, against hand computations."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from framing import stats


def test_js_divergence_by_hand():
    assert stats.js_divergence([1, 0], [0, 1]) == pytest.approx(1.0)
    assert stats.js_divergence([3, 3], [6, 6]) == pytest.approx(0.0)
    # P = (1/2, 1/2), Q = (1, 0): M = (3/4, 1/4); JSD = H(M) - (H(P) + H(Q)) / 2
    h_m = -(0.75 * math.log2(0.75) + 0.25 * math.log2(0.25))
    assert stats.js_divergence([1, 1], [2, 0]) == pytest.approx(h_m - 0.5)
    assert stats.js_divergence([1, 1], [2, 0], base=math.e) == pytest.approx((h_m - 0.5) * math.log(2))
    rows = stats.js_divergence(np.array([[1, 0], [1, 1]]), np.array([[0, 1], [2, 0]]))
    np.testing.assert_allclose(rows, [1.0, h_m - 0.5])
    assert np.isnan(stats.js_divergence([0, 0], [1, 0]))


def _label_data():
    """Three outlets labelling referent r with three labels (and s with one), in whole documents."""
    spec = {  # doc: (outlet, {label: count})
        "a1": ("A", {"warlord": 3}), "a2": ("A", {"warlord": 1, "marshal": 1}), "a3": ("A", {}),
        "b1": ("B", {"marshal": 2}), "b2": ("B", {"marshal": 1, "commander": 1}), "b3": ("B", {"marshal": 2}),
        "c1": ("C", {"warlord": 1, "commander": 2}), "c2": ("C", {"commander": 1}),
    }
    rows = []
    for doc, (outlet, labels) in spec.items():
        for term, n in labels.items():
            for i in range(n):
                rows.append({"doc_id": doc, "outlet": outlet, "start": 10 * len(rows), "end": 10 * len(rows) + 5,
                             "term": term, "category": "leader", "referent": "r", "lexicon": "lx",
                             "valence": np.nan, "voice": "author"})
    rows.append({"doc_id": "a1", "outlet": "A", "start": 999, "end": 1004, "term": "group", "category": "g",
                 "referent": "s", "lexicon": "lx", "valence": np.nan, "voice": "author"})
    mentions = pd.DataFrame(rows)
    documents = pd.DataFrame({"doc_id": list(spec), "outlet": [o for o, _ in spec.values()],
                              "n_tokens": 100})
    return mentions, documents


def test_label_divergence_point_estimates_and_intervals():
    m, d = _label_data()
    t = stats.label_divergence(m, d, referent="r", replicates=1000, seed=3)
    assert list(t.columns[:6]) == ["referent", "group", "reference", "jsd", "ci_low", "ci_high"]
    assert list(zip(t["group"], t["reference"])) == [("A", "B"), ("A", "C"), ("B", "C")]
    # label order: commander, marshal, warlord
    counts = {"A": [0, 1, 4], "B": [1, 5, 0], "C": [3, 0, 1]}
    for _, row in t.iterrows():
        assert row["jsd"] == pytest.approx(float(stats.js_divergence(counts[row["group"]], counts[row["reference"]])))
        assert 0 <= row["ci_low"] <= row["ci_high"] <= 1
        assert row["labels_group"] == sum(counts[row["group"]])
    same = stats.label_divergence(m, d, referent="r", replicates=1000, seed=3)
    pd.testing.assert_frame_equal(t, same)
    mat = stats.divergence_matrix(t)
    assert mat.loc["A", "A"] == 0 and mat.loc["B", "A"] == mat.loc["A", "B"] == t.iloc[0]["jsd"]
    text = stats.divergence_matrix(t, value="interval")
    assert text.loc["A", "B"].startswith(f"{t.iloc[0]['jsd']:.3f} [")
    # a referent only one outlet labels has no pair
    assert stats.label_divergence(m, d, referent="s", replicates=10).empty


def _chi2(table):
    t = np.asarray(table, float)
    t = t[:, t.sum(axis=0) > 0]
    e = t.sum(1, keepdims=True) * t.sum(0, keepdims=True) / t.sum()
    return ((t - e) ** 2 / e).sum(), (t.shape[0] - 1) * (t.shape[1] - 1)


def test_label_test_chi2_and_exact_permutation_p_by_hand():
    m, d = _label_data()
    t = stats.label_test(m, d, referent="r", permutations=4000, seed=1)
    row = t[(t["group"] == "A") & (t["reference"] == "B")].iloc[0]
    # label columns commander, marshal, warlord; A = (0, 1, 4), B = (1, 5, 0)
    stat, dof = _chi2([[0, 1, 4], [1, 5, 0]])
    assert row["chi2"] == pytest.approx(stat) and row["dof"] == dof
    from scipy.stats import chi2
    assert row["p_chi2"] == pytest.approx(chi2.sf(stat, dof))
    # exact permutation p: the labelled documents a1, a2 | b1, b2, b3 are re-split into 2 + 3 in all
    # 10 ways, each document keeping its labels
    docs = {"a1": [0, 0, 3], "a2": [0, 1, 1], "b1": [0, 2, 0], "b2": [1, 1, 0], "b3": [0, 2, 0]}
    names = list(docs)
    null = []
    for side_a in itertools.combinations(names, 2):
        ta = np.sum([docs[n] for n in side_a], axis=0)
        tb = np.sum([docs[n] for n in names if n not in side_a], axis=0)
        null.append(_chi2([ta, tb])[0])
    exact = np.mean(np.array(null) >= stat - 1e-9)
    assert row["p_perm"] == pytest.approx(exact, abs=0.02)
    assert row["documents"] == 5
    np.testing.assert_allclose(t["p_adj"], stats.bh_adjust(t["p_perm"].to_numpy()))
    omni = stats.label_test(m, d, referent="r", contrast="all", permutations=500)
    stat_all, dof_all = _chi2([[0, 1, 4], [1, 5, 0], [3, 0, 1]])
    assert omni.iloc[0]["chi2"] == pytest.approx(stat_all) and omni.iloc[0]["dof"] == dof_all
    rest = stats.label_test(m, d, referent="r", contrast="one_vs_rest", permutations=0)
    c = rest[rest["group"] == "C"].iloc[0]
    assert c["chi2"] == pytest.approx(_chi2([[3, 0, 1], [1, 6, 4]])[0]) and np.isnan(c["p_perm"])


def test_chi2_table_vectorised():
    tables = np.array([[[3, 1], [1, 3]], [[2, 2], [2, 2]]])
    chi2, dof = stats.chi2_table(tables)
    # N (ad - bc)^2 / (r1 r2 c1 c2) = 8 * 64 / 256
    np.testing.assert_allclose(chi2, [2.0, 0.0])
    assert list(dof) == [1, 1]


def test_two_sample_bca_acceleration_by_hand():
    from scipy import sparse

    from framing.stats._divergence import _two_sample_acceleration

    Ci = np.array([[3, 0, 1], [0, 2, 0], [1, 1, 0]], float)
    Cj = np.array([[0, 0, 4], [1, 0, 1]], float)
    num = den = 0.0
    for own, other, first in ((Ci, Cj.sum(0), True), (Cj, Ci.sum(0), False)):
        m = len(own)
        loo = []
        for k in range(m):  # leave document k of this sample out
            c = own.sum(0) - own[k]
            loo.append(float(stats.js_divergence(c, other) if first else stats.js_divergence(other, c)))
        loo = np.array(loo)
        u = (m - 1) * (loo.mean() - loo)
        num += (u ** 3).sum() / m ** 3
        den += (u ** 2).sum() / m ** 2
    got = _two_sample_acceleration(sparse.csr_matrix(Ci), Ci.sum(0), sparse.csr_matrix(Cj), Cj.sum(0), 2.0)
    assert got == pytest.approx(num / (6 * den ** 1.5))


def test_term_divergence_per_category_and_pooled():
    m, d = _label_data()
    t = stats.term_divergence(m, d, replicates=0)
    assert set(t["category"]) == {"leader", "(all)"}  # "g" is used by one outlet only: no pair
    leader = t[t["category"] == "leader"].reset_index(drop=True)
    by_label = stats.label_divergence(m, d, referent="r", replicates=0)
    np.testing.assert_allclose(leader["jsd"], by_label["jsd"])
    pooled = t[(t["category"] == "(all)") & (t["group"] == "A") & (t["reference"] == "B")].iloc[0]
    # terms commander, group, marshal, warlord: A = (0, 1, 1, 4), B = (1, 0, 5, 0)
    assert pooled["jsd"] == pytest.approx(float(stats.js_divergence([0, 1, 1, 4], [1, 0, 5, 0])))
    assert stats.divergence_matrix(t, referent="(all)").shape == (3, 3)
