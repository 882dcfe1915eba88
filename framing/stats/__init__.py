"""Statistics with uncertainty over the ``mentions`` and ``documents`` tables.

Small pure functions over tidy tables; each returns a tidy DataFrame whose ``attrs`` record every
parameter (and the seed), and each states its formula, normalisation and reference in its
docstring. Everything random takes ``seed``: the same inputs and seed give identical outputs.

Rates and shares (cluster bootstrap over documents, percentile or BCa intervals)
    :func:`rates`, :func:`label_shares`, :func:`valence_index`,
    :func:`rates_over_time`, :func:`label_shares_over_time`
Distinctive terms
    :func:`term_counts` (n-grams of the text), :func:`mention_counts` (lexicon terms),
    :func:`log_odds` (Monroe, Colaresi & Quinn 2008), :func:`keyness` (chi-squared, G², PMI,
    Benjamini–Hochberg)
Label choice
    :func:`label_divergence` (Jensen–Shannon with bootstrap intervals), :func:`term_divergence`
    (the same over each category's terms), :func:`divergence_matrix`,
    :func:`label_test` (chi-squared and document-permutation tests)
Building blocks
    :func:`percentile_interval`, :func:`bca_interval`, :func:`jackknife_acceleration`,
    :func:`js_divergence`, :func:`keyness_2x2`, :func:`chi2_table`, :func:`bh_adjust`

>>> import framing
>>> from framing import stats
>>> res = framing.score(framing.demo_corpus(), "libya")
>>> r = stats.rates(res.mentions, res.documents, replicates=200, seed=1)
>>> r.attrs["interval"], r.attrs["replicates"]
('bca', 200)
"""

from ._bootstrap import INTERVALS, bca_interval, jackknife_acceleration, percentile_interval
from ._divergence import chi2_table, divergence_matrix, js_divergence, label_divergence, label_test, term_divergence
from ._keyness import MEASURES, bh_adjust, keyness, keyness_2x2
from ._log_odds import CONTRASTS, log_odds
from ._rates import label_shares, rates, valence_index
from ._tables import PERIODS
from ._terms import TOKEN_PATTERN, mention_counts, term_counts
from ._time import label_shares_over_time, rates_over_time

__all__ = [
    "rates",
    "label_shares",
    "valence_index",
    "rates_over_time",
    "label_shares_over_time",
    "term_counts",
    "mention_counts",
    "log_odds",
    "keyness",
    "label_divergence",
    "term_divergence",
    "divergence_matrix",
    "label_test",
    "percentile_interval",
    "bca_interval",
    "jackknife_acceleration",
    "js_divergence",
    "keyness_2x2",
    "chi2_table",
    "bh_adjust",
    "CONTRASTS",
    "MEASURES",
    "INTERVALS",
    "PERIODS",
    "TOKEN_PATTERN",
]
