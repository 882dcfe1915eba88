"""The option values of the statistics (light: the command line builds its choices from them without
loading SciPy)."""

#: Interval methods understood by the statistics that bootstrap.
INTERVALS = ("percentile", "bca")
#: Designs of comparison between groups (log-odds and keyness).
CONTRASTS = ("one_vs_rest", "pairwise", "group_vs_group", "one_vs_all")
#: Statistics whose p-value can drive :func:`framing.stats.keyness` (each with 1 degree of freedom).
MEASURES = ("chi2", "chi2_yates", "g2", "g2_williams")
#: Period names of the time statistics and their pandas period codes.
PERIODS = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
