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

# Submodules load on first use (they import SciPy and scikit-learn): scoring processes and the
# command line's start stay light.
_WHERE = {
    "INTERVALS": "_choices", "CONTRASTS": "_choices", "MEASURES": "_choices", "PERIODS": "_choices",
    "bca_interval": "_bootstrap", "jackknife_acceleration": "_bootstrap", "percentile_interval": "_bootstrap",
    "chi2_table": "_divergence", "divergence_matrix": "_divergence", "js_divergence": "_divergence",
    "label_divergence": "_divergence", "label_test": "_divergence", "term_divergence": "_divergence",
    "bh_adjust": "_keyness", "keyness": "_keyness", "keyness_2x2": "_keyness",
    "log_odds": "_log_odds",
    "label_shares": "_rates", "rates": "_rates", "valence_index": "_rates",
    "TOKEN_PATTERN": "_terms", "mention_counts": "_terms", "term_counts": "_terms",
    "label_shares_over_time": "_time", "rates_over_time": "_time",
}


def __getattr__(name):
    if name in _WHERE:
        import importlib

        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'framing.stats' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_WHERE))


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
