"""Writing tables to files: CSV and Markdown (LaTeX arrives with the report), deterministic bytes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["write_table", "to_markdown"]


def to_markdown(df: pd.DataFrame, floatfmt: str = ".4g") -> str:
    """A GitHub-flavoured Markdown table (via ``tabulate``), empty cells for missing values."""
    if df.empty:
        return "| " + " | ".join(map(str, df.columns)) + " |\n|" + "---|" * len(df.columns) + "\n"
    return df.to_markdown(index=False, floatfmt=floatfmt, missingval="") + "\n"


def write_table(df: pd.DataFrame, base: str | Path, formats: tuple[str, ...] = ("csv", "md")) -> list[Path]:
    """Write ``df`` to ``base.csv``, ``base.md`` ...; returns the paths written."""
    base = Path(base)
    base.parent.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in formats:
        path = base.with_suffix(f".{fmt}")
        if fmt == "csv":
            df.to_csv(path, index=False, lineterminator="\n")
        elif fmt == "md":
            path.write_text(to_markdown(df), encoding="utf-8")
        else:
            raise ValueError(f"unknown table format {fmt!r}")
        out.append(path)
    return out
