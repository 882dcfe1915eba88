"""Log-odds ratio with a Dirichlet prior: each published variant reproduced, on fixed counts, from
formulas written out here (Monroe, Colaresi & Quinn 2008 and the choices of each implementation)."""

import numpy as np
import pandas as pd
import pytest

import framing
from framing import stats
from framing.text import word_spans

TERMS = ["army", "militia", "rebels", "terrorists", "forces"]
# fixed counts: three outlets x five terms
COUNTS = {
    "A": [30, 2, 10, 0, 18],
    "B": [5, 25, 8, 12, 10],
    "C": [12, 6, 1, 3, 40],
}


def tidy(groups=("A", "B", "C")):
    return pd.DataFrame([{"group": g, "term": t, "count": c} for g in groups for t, c in zip(TERMS, COUNTS[g])])


def pick(table, group, reference):
    t = table[(table["group"] == group) & (table["reference"] == reference)].set_index("term")
    return t.loc[TERMS]


def test_convokit_variant_uniform_prior_0_1_approximate_variance():
    # ConvoKit FightingWords: two classes, prior 0.1 on every vocabulary item, a0 = 0.1 * V,
    # delta = log((y1+a)/(n1+a0-y1-a)) - log((y2+a)/(n2+a0-y2-a)), var = 1/(y1+a) + 1/(y2+a)
    y1, y2 = np.array(COUNTS["A"], float), np.array(COUNTS["B"], float)
    a, a0 = 0.1, 0.1 * len(TERMS)
    n1, n2 = y1.sum(), y2.sum()
    delta = np.log((y1 + a) / (n1 + a0 - y1 - a)) - np.log((y2 + a) / (n2 + a0 - y2 - a))
    var = 1 / (y1 + a) + 1 / (y2 + a)
    out = stats.log_odds(tidy(("A", "B")), contrast="pairwise", prior="uniform", alpha=0.1, variance="approx")
    got = pick(out, "A", "B")
    np.testing.assert_allclose(got["delta"], delta)
    np.testing.assert_allclose(got["variance"], var)
    np.testing.assert_allclose(got["z"], delta / np.sqrt(var))
    # the reversed pair is the same comparison seen from the other side
    np.testing.assert_allclose(pick(out, "B", "A")["z"], -delta / np.sqrt(var))
    assert out.attrs["prior"] == "uniform" and out.attrs["alpha"] == 0.1 and out.attrs["variance"] == "approx"
    assert list(out.columns[:8]) == ["term", "group", "reference", "count", "count_reference", "delta",
                                     "variance", "z"]


def test_jmhessel_variant_uniform_prior_0_01():
    y1, y2 = np.array(COUNTS["B"], float), np.array(COUNTS["C"], float)
    a = 0.01
    a0 = a * len(TERMS)
    z = ((np.log((y1 + a) / (y1.sum() + a0 - y1 - a)) - np.log((y2 + a) / (y2.sum() + a0 - y2 - a)))
         / np.sqrt(1 / (y1 + a) + 1 / (y2 + a)))
    out = stats.log_odds(tidy(("B", "C")), contrast="pairwise", alpha=0.01)  # the defaults: uniform, approx
    np.testing.assert_allclose(pick(out, "B", "C")["z"], z)


def test_tidylo_variant_one_vs_pooled_empirical_bayes():
    # tidylo bind_log_odds: pseudo-counts y_wi = n_wi + alpha_w with alpha_w the pooled count of w;
    # each set against the pooled pseudo-counts of all sets (itself included):
    # omega_wi = y_wi / (n_i - y_wi), omega_w = y_w / (sum(y) - y_w),
    # delta = log(omega_wi) - log(omega_w), sigma2 = 1/y_wi + 1/y_w
    raw = np.array([COUNTS[g] for g in "ABC"], float)
    pooled = raw.sum(axis=0)
    for uninformative, kwargs in [(False, {"prior": "informative"}), (True, {"prior": "uniform", "alpha": 1.0})]:
        y = raw + (1.0 if uninformative else pooled)
        n_i = y.sum(axis=1, keepdims=True)
        y_w = y.sum(axis=0)
        omega_wi = y / (n_i - y)
        omega_w = y_w / (y.sum() - y_w)
        delta = np.log(omega_wi) - np.log(omega_w)
        z = delta / np.sqrt(1 / y + 1 / y_w)
        out = stats.log_odds(tidy(), contrast="one_vs_all", variance="approx", **kwargs)
        for i, g in enumerate("ABC"):
            got = pick(out, g, "(all)")
            np.testing.assert_allclose(got["delta"], delta[i])
            np.testing.assert_allclose(got["z"], z[i])


def test_scattertext_variant_informative_prior_scaled_per_class_full_variance():
    # Scattertext LogOddsRatioInformativeDirichletPrior(priors, sigma, scale_type="class-size"):
    # a_wi = prior_w * n_i * sigma / sum(prior), a_0i = sum_w a_wi, and the variance has four terms
    prior = pd.Series({"army": 50.0, "militia": 20.0, "rebels": 10.0, "terrorists": 5.0, "forces": 115.0})
    sigma = 10.0
    y_i, y_j = np.array(COUNTS["A"], float), np.array(COUNTS["C"], float)
    p = prior.loc[TERMS].to_numpy()
    n_i, n_j = y_i.sum(), y_j.sum()
    a_i, a_j = p * n_i * sigma / p.sum(), p * n_j * sigma / p.sum()
    a0_i, a0_j = a_i.sum(), a_j.sum()
    delta = np.log((y_i + a_i) / (n_i + a0_i - y_i - a_i)) - np.log((y_j + a_j) / (n_j + a0_j - y_j - a_j))
    var = 1 / (y_i + a_i) + 1 / (n_i + a0_i - y_i - a_i) + 1 / (y_j + a_j) + 1 / (n_j + a0_j - y_j - a_j)
    background = prior.rename_axis("term").reset_index(name="count")
    out = stats.log_odds(tidy(("A", "C")), contrast="pairwise", prior="informative", background=background,
                         alpha0=sigma, prior_scale="group", variance="full")
    got = pick(out, "A", "C")
    np.testing.assert_allclose(got["delta"], delta)
    np.testing.assert_allclose(got["variance"], var)
    np.testing.assert_allclose(got["z"], delta / np.sqrt(var))
    np.testing.assert_allclose(got["alpha_group"], a_i)
    assert out.attrs["prior_scale"] == "group" and out.attrs["background"] == "given"


def test_monroe_informative_prior_fixed_mass_one_vs_rest():
    # Monroe et al. section 3.5: alpha_w = alpha0 * pi_w with pi the background shares; here the
    # background is the pooled table and alpha0 = 100; each outlet against the other two pooled
    raw = {g: np.array(COUNTS[g], float) for g in "ABC"}
    pooled = sum(raw.values())
    a = 100 * pooled / pooled.sum()
    for g in "ABC":
        y_i = raw[g]
        y_j = pooled - y_i
        n_i, n_j = y_i.sum(), y_j.sum()
        delta = np.log((y_i + a) / (n_i + 100 - y_i - a)) - np.log((y_j + a) / (n_j + 100 - y_j - a))
        var = 1 / (y_i + a) + 1 / (y_j + a)
        out = stats.log_odds(tidy(), contrast="one_vs_rest", prior="informative", alpha0=100)
        got = pick(out, g, "(rest)")
        np.testing.assert_allclose(got["delta"], delta)
        np.testing.assert_allclose(got["z"], delta / np.sqrt(var))
        assert (got["count_reference"] == y_j).all()


def test_group_vs_group_pools_each_side():
    a = 0.5
    y_i = np.array(COUNTS["A"], float) + np.array(COUNTS["B"], float)
    y_j = np.array(COUNTS["C"], float)
    a0 = a * len(TERMS)
    delta = np.log((y_i + a) / (y_i.sum() + a0 - y_i - a)) - np.log((y_j + a) / (y_j.sum() + a0 - y_j - a))
    out = stats.log_odds(tidy(), contrast="group_vs_group", groups={"left": ["A", "B"], "right": ["C"]}, alpha=a)
    np.testing.assert_allclose(pick(out, "left", "right")["delta"], delta)
    out2 = stats.log_odds(tidy(), contrast="group_vs_group", groups=(["A", "B"], ["C"]), alpha=a)
    np.testing.assert_allclose(pick(out2, "A+B", "C")["delta"], delta)


def test_output_order_missing_rows_and_errors():
    t = tidy()
    sparse_rows = t[t["count"] > 0]  # the terrorists row of A is missing: a zero
    pd.testing.assert_frame_equal(stats.log_odds(sparse_rows), stats.log_odds(t))
    out = stats.log_odds(t)
    for (g, r), part in out.groupby(["group", "reference"], sort=False):
        assert part["z"].is_monotonic_decreasing
    assert list(dict.fromkeys(out["group"])) == ["A", "B", "C"]
    with pytest.raises(framing.FramingError, match="contrast"):
        stats.log_odds(t, contrast="all_pairs")
    with pytest.raises(framing.FramingError, match="group_vs_group"):
        stats.log_odds(t, contrast="group_vs_group")
    with pytest.raises(framing.FramingError, match="not in the table"):
        stats.log_odds(t, groups=["Z"])


def test_term_counts_uses_framing_word_tokens():
    text_a = "Haftar\u2019s forces don't stop. Self-styled marshal; the forces, the FORCES!"
    text_b = "Forces loyal to Haftar's army."
    docs = pd.DataFrame({"doc_id": ["1", "2", "3"], "outlet": ["a", "a", "b"], "text": [text_a, "army", text_b]})
    tc = stats.term_counts(docs, by="outlet")
    a = tc[tc["group"] == "a"].set_index("term")["count"]
    expected = pd.Series([text_a[s:e].lower().replace("\u2019", "'") for s, e in word_spans(text_a)] + ["army"])
    assert a.sort_index().to_dict() == expected.value_counts().sort_index().to_dict()
    assert a["haftar's"] == 1 and a["forces"] == 3 and a["self"] == 1 and a["don't"] == 1
    assert tc.attrs["totals"] == {"a": int(expected.size), "b": 5}
    docs_freq = tc.set_index(["group", "term"])["documents"]
    assert docs_freq[("a", "forces")] == 1 and docs_freq[("a", "army")] == 1
    bi = stats.term_counts(docs, by="outlet", ngram_range="1,2", min_count=2)
    assert set(bi["term"]) == {"forces", "the", "the forces", "army", "haftar's"}
    assert bi.set_index(["group", "term"]).loc[("a", "the forces"), "count"] == 2


def test_mention_counts_and_log_odds_over_lexicon_terms():
    res = framing.score(framing.demo_corpus(), "libya", voice=False)
    mc = stats.mention_counts(res.mentions, res.documents)
    m = res.mentions[res.mentions["category"] != "referent"]
    assert mc["count"].sum() == len(m)
    assert mc.set_index(["group", "term"])["count"].to_dict() == m.groupby(["outlet", "term"]).size().to_dict()
    lo = stats.log_odds(mc, contrast="one_vs_rest")
    assert set(lo["reference"]) == {"(rest)"} and lo.groupby("group").size().nunique() == 1
