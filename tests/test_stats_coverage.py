"""Coverage by simulation: cluster-bootstrap intervals of rates are honest when words cluster in
articles, and token-level (independent-words) intervals are not.

500 synthetic corpora of 200 articles each. Every article has its own rate, drawn from a gamma
distribution around the true rate (shape 1: some articles dwell on a topic, most barely touch it),
and a Poisson count of mentions given its rate and length. The 500 corpora are 500 groups of one
documents table, so one call of :func:`framing.stats.rates` bootstraps them all.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from framing import stats

TRUE_RATE = 5.0  # mentions per 1,000 tokens
N_CORPORA, N_DOCS, SHAPE, REPLICATES, SEED = 500, 200, 1.0, 1000, 2026


def simulate(seed: int = SEED):
    rng = np.random.default_rng(seed)
    n = N_CORPORA * N_DOCS
    length = rng.integers(200, 1001, n)
    doc_rate = rng.gamma(SHAPE, TRUE_RATE / SHAPE, n)
    count = rng.poisson(doc_rate * length / 1000)
    documents = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "corpus": np.repeat(np.arange(N_CORPORA), N_DOCS),
                              "n_tokens": length})
    rows = np.repeat(np.arange(n), count)
    mentions = pd.DataFrame({"doc_id": documents["doc_id"].to_numpy()[rows], "lexicon": "sim", "category": "loaded",
                             "voice": "author"})
    return mentions, documents


@pytest.fixture(scope="module")
def corpora():
    return simulate()


def _coverage(lo, hi) -> float:
    return float(np.mean((np.asarray(lo) <= TRUE_RATE) & (TRUE_RATE <= np.asarray(hi))))


@pytest.mark.parametrize("interval", ["bca", "percentile"])
def test_cluster_bootstrap_covers_the_true_rate(corpora, interval):
    mentions, documents = corpora
    r = stats.rates(mentions, documents, by="corpus", replicates=REPLICATES, interval=interval, seed=SEED)
    assert len(r) == N_CORPORA and r["n_documents"].eq(N_DOCS).all()
    cover = _coverage(r["ci_low"], r["ci_high"])
    print(f"\n{interval}: cluster-bootstrap 95% intervals cover the true rate in {cover:.1%} of {N_CORPORA} corpora")
    assert 0.93 <= cover <= 0.97


def test_token_level_intervals_under_cover(corpora):
    mentions, documents = corpora
    r = stats.rates(mentions, documents, by="corpus", replicates=0)
    m = r["mentions"].to_numpy()
    t = r["tokens"].to_numpy()
    # exact Poisson (Garwood) interval of the pooled count: every word an independent draw
    lo = sps.chi2.ppf(0.025, 2 * m) / 2 / t * 1000
    hi = sps.chi2.ppf(0.975, 2 * m + 2) / 2 / t * 1000
    poisson = _coverage(lo, hi)
    # Wald interval of a binomial proportion of tokens
    p = m / t
    se = np.sqrt(p * (1 - p) / t)
    wald = _coverage(1000 * (p - 1.96 * se), 1000 * (p + 1.96 * se))
    print(f"\ntoken-level intervals cover the true rate in {poisson:.1%} (Poisson) and {wald:.1%} (binomial Wald)")
    assert poisson < 0.85 and wald < 0.85
