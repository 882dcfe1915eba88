"""Writing tables to files: CSV, Markdown and LaTeX (booktabs), with deterministic bytes."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["write_table", "to_markdown", "to_latex", "FORMATS"]

#: Table formats :func:`write_table` writes, by file extension.
FORMATS = ("csv", "md", "tex")

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
    "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


def to_markdown(df: pd.DataFrame, floatfmt: str = ".4g") -> str:
    """A GitHub-flavoured Markdown table (via ``tabulate``), empty cells for missing values."""
    if df.empty:
        return "| " + " | ".join(map(str, df.columns)) + " |\n|" + "---|" * len(df.columns) + "\n"
    return df.to_markdown(index=False, floatfmt=floatfmt, missingval="") + "\n"


def latex_escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped (``&`` ``%`` ``$`` ``#`` ``_`` ``{`` ``}`` ``~`` ``^`` ``\\``)."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def _latex_cell(value, floatfmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):d}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isinf(v):
            return r"$\infty$" if v > 0 else r"$-\infty$"
        text = format(v, floatfmt)
        if "e" in text:
            mant, exp = text.split("e")
            return f"${mant}\\times10^{{{int(exp)}}}$"
        return text if not text.startswith("-") else f"$-${text[1:]}"
    if isinstance(value, pd.Timestamp):
        return latex_escape(value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat())
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return latex_escape(value)


def to_latex(df: pd.DataFrame, floatfmt: str = ".4g") -> str:
    """A LaTeX ``tabular`` in booktabs style (``\\toprule``, ``\\midrule``, ``\\bottomrule``).

    Numeric columns are right-aligned, others left-aligned; floats use ``floatfmt``; missing values
    are empty cells; text is escaped. The output depends only on the table (deterministic bytes).
    Needs ``\\usepackage{booktabs}`` in the document.
    """
    align = "".join("r" if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) else "l"
                    for c in df.columns)
    lines = [f"\\begin{{tabular}}{{{align}}}", "\\toprule",
             " & ".join(latex_escape(c) for c in df.columns) + r" \\", "\\midrule"]
    for row in df.itertuples(index=False, name=None):
        lines.append(" & ".join(_latex_cell(v, floatfmt) for v in row) + r" \\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"


def write_table(df: pd.DataFrame, base: str | Path, formats: tuple[str, ...] = ("csv", "md"),
                summary: pd.DataFrame | None = None) -> list[Path]:
    """Write ``df`` to ``base.csv``, ``base.md``, ``base.tex`` ...; returns the paths written.

    ``summary``, when given, is written to the Markdown and LaTeX files instead of ``df`` (the CSV
    always holds the whole table): long tables such as every term's log-odds ratio are summarised
    for reading and kept whole for analysis.
    """
    base = Path(base)
    base.parent.mkdir(parents=True, exist_ok=True)
    readable = df if summary is None else summary
    out = []
    for fmt in formats:
        path = base.with_suffix(f".{fmt}")
        if fmt == "csv":
            df.to_csv(path, index=False, lineterminator="\n")
        elif fmt == "md":
            path.write_text(to_markdown(readable), encoding="utf-8")
        elif fmt == "tex":
            path.write_text(to_latex(readable), encoding="utf-8", newline="\n")
        else:
            raise ValueError(f"unknown table format {fmt!r}; known: {', '.join(FORMATS)}")
        out.append(path)
    return out
