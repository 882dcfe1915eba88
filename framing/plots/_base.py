"""Shared plumbing of the plots: the palette, the house style, new figures, saving with stable bytes.

Figures are built with :class:`matplotlib.figure.Figure` and the Agg canvas directly, never through
``pyplot``: nothing here opens a window, changes the user's backend or keeps figures alive in
pyplot's registry, so the functions are safe in scripts, servers, tests and notebooks alike.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

__all__ = ["OKABE_ITO", "VOICE_COLOURS", "FIGURE_FORMATS", "FramingFigure", "new_figure", "save_figure",
           "figure_bytes", "freeze_layout", "style", "group_column", "short_label", "text_colour", "slug"]

#: The Okabe–Ito palette (Okabe & Ito 2008), distinguishable with the common colour-vision
#: deficiencies; black last.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]

#: Colour of each voice (``framing.voice``) in every plot and in the HTML report.
VOICE_COLOURS = {"author": "#0072B2", "quoted": "#E69F00", "attributed": "#009E73", "scare_quoted": "#CC79A7"}

#: Grey for "everything else" segments and unhighlighted points.
OTHER_GREY = "#BBBBBB"

#: File formats :func:`save_figure` writes.
FIGURE_FORMATS = ("png", "svg", "pdf")

#: Metadata that would change from run to run (dates) or with the machine (software strings) is
#: left out, so the same figure gives the same bytes every time.
_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
             "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}}

_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "svg.hashsalt": "framing",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "image.cmap": "cividis",
    "path.simplify": False,
    "text.hinting": "no_hinting",  # glyph advances scale with the dpi: one layout fits every resolution
}


@contextmanager
def style() -> Iterator[None]:
    """The house style (a :func:`matplotlib.rc_context`), leaving the user's settings untouched."""
    with matplotlib.rc_context(_RC):
        yield


class FramingFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that shows itself in notebooks without ``pyplot``."""

    def _repr_png_(self) -> bytes:
        return figure_bytes(self, "png", dpi=100)


def new_figure(width: float, height: float, **kwargs) -> Figure:
    """A figure on an Agg canvas with constrained layout (no pyplot involved)."""
    fig = FramingFigure(figsize=(float(width), float(height)), layout="constrained", **kwargs)
    FigureCanvasAgg(fig)
    return fig


def figure_bytes(fig: Figure, fmt: str = "png", *, dpi: float = 150) -> bytes:
    """The figure's file in memory, with the metadata that varies between runs left out."""
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; known: {', '.join(FIGURE_FORMATS)}")
    if fig.canvas is None or not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    freeze_layout(fig)
    buf = io.BytesIO()
    with style():
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_METADATA[fmt], facecolor="white")
    return buf.getvalue()


def freeze_layout(fig: Figure) -> Figure:
    """Run the constrained layout once, then keep it: every later file of the figure,
    at any dpi and in any format, has the same layout (and so the same bytes on every run).

    The constrained layout moves by a fraction of a pixel from one run to the next and with the dpi;
    freezing it after its first run makes a figure's files independent of what was saved before.
    """
    engine = fig.get_layout_engine()
    if engine is None or getattr(engine, "_framing_frozen", False) or type(engine).__name__ == "PlaceHolderLayoutEngine":
        return fig
    with style():
        fig.canvas.draw()
    fig.set_layout_engine("none")
    return fig


def save_figure(fig: Figure, base: str | Path, formats: Sequence[str] = ("png", "svg"), *,
                dpi: float = 150) -> list[Path]:
    """Write ``fig`` to ``base.png``, ``base.svg``, ``base.pdf`` ... with deterministic bytes.

    Parameters
    ----------
    fig : Figure
    base : str or Path
        Path without extension; folders are created.
    formats : sequence of {"png", "svg", "pdf"}
    dpi : float, default 150
        Resolution of the PNG (the SVG and PDF are vector graphics).

    Returns
    -------
    list of Path
        The files written, in the order of ``formats``.

    Notes
    -----
    The creation date and software strings are left out of the metadata and the SVG ids are salted
    with a fixed ``svg.hashsalt``, so the same figure gives byte-identical files on every run with
    the same matplotlib and FreeType.
    """
    base = Path(base)
    base.parent.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in formats:
        path = base.with_name(base.name + f".{fmt}")
        path.write_bytes(figure_bytes(fig, fmt, dpi=dpi))
        out.append(path)
    return out


def group_column(table: pd.DataFrame, by: str | None = None) -> str:
    """The grouping column of a table: ``by`` when given, else ``group`` (the statistics) or
    ``outlet`` (:mod:`framing.comparison`)."""
    if by is not None:
        if by not in table.columns:
            raise ValueError(f"no column '{by}' in the table; columns: {', '.join(map(str, table.columns))}")
        return by
    for c in ("group", "outlet"):
        if c in table.columns:
            return c
    raise ValueError("the table has neither a 'group' nor an 'outlet' column; pass by=")


def short_label(text, width: int = 36) -> str:
    """``text`` shortened to ``width`` characters with an ellipsis (for long outlet names)."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def text_colour(rgba) -> str:
    """Black or white, whichever reads better on a cell of colour ``rgba`` (WCAG luminance)."""
    r, g, b = (_linear(c) for c in to_rgb(rgba))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if lum > 0.179 else "white"


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def slug(text) -> str:
    """A file-name-safe form of ``text`` (letters, digits, ``-`` and ``_``)."""
    s = re.sub(r"[^A-Za-z0-9_-]+", "-", str(text)).strip("-").lower()
    return s or "x"


def ordered_unique(values) -> list:
    """Unique values in order of first appearance."""
    return list(dict.fromkeys(values))


def as_float(values) -> np.ndarray:
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
