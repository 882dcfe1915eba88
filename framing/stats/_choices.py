"""The option values of the statistics (light: the command line builds its choices from them without
loading SciPy)."""

INTERVALS = ("percentile", "bca")
CONTRASTS = ("one_vs_rest", "pairwise", "group_vs_group", "one_vs_all")
MEASURES = ("chi2", "chi2_yates", "g2", "g2_williams")
PERIODS = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
