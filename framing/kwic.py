"""Key-word-in-context: the evidence behind every number, sliced from the original text by offsets."""

from __future__ import annotations

import re

import pandas as pd

from .text import normalize_term

__all__ = ["kwic", "format_kwic"]

_WS = re.compile(r"\s+")


def kwic(mentions: pd.DataFrame, documents: pd.DataFrame, *, term: str | None = None, outlet: str | None = None,
         category: str | None = None, referent: str | None = None, width: int = 40,
         limit: int | None = None) -> pd.DataFrame:
    """Mentions with their left and right context.

    Parameters
    ----------
    mentions, documents : DataFrame
        From :func:`framing.score` (``documents`` must keep its ``text`` column).
    term : str, optional
        Keep mentions whose term or surface equals this (compared in match form, so case, hyphens
        and curly quotes do not matter).
    outlet, category, referent : str, optional
        Keep only these.
    width : int, default 40
        Characters of context on each side (line breaks shown as spaces).
    limit : int, optional
        At most this many rows (the first in document order).

    Returns
    -------
    DataFrame
        doc_id, outlet, start, end, left, match, right, category, referent, voice.
    """
    m = mentions
    if term is not None:
        key = normalize_term(term)
        m = m[(m["term"].map(normalize_term) == key) | (m["surface"].map(normalize_term) == key)]
    for col, val in (("outlet", outlet), ("category", category), ("referent", referent)):
        if val is not None:
            m = m[m[col] == val]
    if limit is not None:
        m = m.head(limit)
    texts = dict(zip(documents["doc_id"], documents["text"]))
    rows = []
    for r in m.itertuples(index=False):
        text = texts[r.doc_id]
        left = _WS.sub(" ", text[max(0, r.start - width):r.start])
        right = _WS.sub(" ", text[r.end:r.end + width])
        rows.append((r.doc_id, r.outlet, r.start, r.end, left, text[r.start:r.end], right, r.category, r.referent, r.voice))
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "start", "end", "left", "match", "right", "category",
                                       "referent", "voice"])


def format_kwic(table: pd.DataFrame, width: int = 40) -> str:
    """Plain-text KWIC lines: ``outlet | left [match] right``, contexts aligned."""
    lines = []
    for r in table.itertuples(index=False):
        lines.append(f"{r.outlet[:20]:<20} | {r.left[-width:]:>{width}} [{r.match}] {r.right[:width]}")
    return "\n".join(lines)
