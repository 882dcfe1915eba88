"""Reports a researcher can publish and reproduce: one HTML page, tables, figures and a manifest.

:func:`write` (also callable as ``framing.report(...)``) scores a corpus if needed and writes::

    OUT/index.html      one self-contained page: what was analysed, key findings with intervals,
                        every figure (embedded PNG), and an audit sample of snippets per cell
    OUT/tables/         every table as .csv, .md and .tex
    OUT/figures/        every figure as .png and .svg (and .pdf on request)
    OUT/manifest.json   input and output SHA-256, parameters, seed, versions (framing.manifest)

:func:`analyse` returns the tables only; :class:`ReportOptions` holds every setting.

>>> import framing, tempfile
>>> rep = framing.report.write(framing.demo_corpus(), ["libya", "loaded_language"], out=tempfile.mkdtemp(),
...                            replicates=20, figures=(), html=False)
>>> sorted(rep.tables)[:4]
['attention', 'divergence', 'groups', 'labels']
"""

from __future__ import annotations

import sys
import types

from ._audit import Cell, Snippet, audit_cells, sample_key
from ._build import FigureEntry, Report, ReportOptions, analyse, auto_period, figures, write

__all__ = ["write", "analyse", "ReportOptions", "Report", "FigureEntry", "audit_cells", "sample_key", "Cell",
           "Snippet", "auto_period", "figures"]


class _CallableModule(types.ModuleType):
    """Lets ``framing.report(...)`` stand for ``framing.report.write(...)``."""

    def __call__(self, *args, **kwargs) -> Report:
        return write(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
