"""Figures for papers and reports: matplotlib only, colour-blind-safe, deterministic files.

Every function takes a tidy table of :mod:`framing.stats` (or :mod:`framing.comparison`) and returns
a :class:`matplotlib.figure.Figure`; none calls ``plt.show()`` or touches ``pyplot``'s state, so they
work the same in scripts, servers and notebooks. The names mirror the statistics they draw.

:func:`rates`
    Heatmap of rates per group × category, values written in the cells.
:func:`label_shares`
    The labels each group gives a referent: stacked bars with interval whiskers.
:func:`valence_index`
    Mean valence of the labels per group and referent: dots and whiskers.
:func:`log_odds`
    Distinctive terms: z-score against frequency, top terms labelled without overlap (Monroe,
    Colaresi & Quinn 2008, Fig. 3).
:func:`label_divergence`
    Pairwise Jensen–Shannon divergence matrix of label choice.
:func:`rates_over_time`
    Rates per period with interval bands (small multiples beyond seven groups).
:func:`voice_shares`
    Own voice against quoted, attributed and scare-quoted language, per group.

:func:`save_figure` writes PNG, SVG and PDF with byte-identical output across runs.

>>> import framing
>>> from framing import plots, stats
>>> res = framing.score(framing.demo_corpus(), "libya")
>>> fig = plots.rates(stats.rates(res.mentions, res.documents, replicates=0))
>>> fig.axes[0].get_title(loc="left")
'Mentions per 1,000 tokens — lexicon libya'
"""

from ._base import FIGURE_FORMATS, OKABE_ITO, VOICE_COLOURS, FramingFigure, figure_bytes, save_figure
from ._plots import (format_value, label_divergence, label_shares, log_odds, rates, rates_over_time,
                     valence_index, voice_shares)
from ._repel import overlapping_pairs, repel_labels

__all__ = [
    "rates",
    "label_shares",
    "valence_index",
    "log_odds",
    "label_divergence",
    "rates_over_time",
    "voice_shares",
    "save_figure",
    "figure_bytes",
    "format_value",
    "repel_labels",
    "overlapping_pairs",
    "OKABE_ITO",
    "VOICE_COLOURS",
    "FIGURE_FORMATS",
    "FramingFigure",
]
