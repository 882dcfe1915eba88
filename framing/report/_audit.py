"""The audit sample: for every group × category cell and every group × label of a referent, a few
key-word-in-context snippets, chosen deterministically, so a reader can check precision by eye."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..lexicon.model import REFERENT_CATEGORY

__all__ = ["Snippet", "Cell", "sample_key", "audit_cells"]

_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Snippet:
    """One mention with its context (all raw text: the HTML writer escapes it)."""

    doc_id: str
    left: str
    match: str
    right: str
    voice: str
    source: str
    date: str


@dataclass
class Cell:
    """The snippets of one cell (group × category, or group × label of a referent)."""

    section: str  # "category" or "label"
    key: tuple  # (lexicon, category) or (referent, lexicon, term)
    group: str
    mentions: int
    snippets: list[Snippet] = field(default_factory=list)


def sample_key(seed: int, doc_id: str, start: int, end: int, entry: str) -> str:
    """The rank of a mention in the deterministic sample: SHA-1 of seed, document, offsets and entry.

    Smallest keys are shown. The key depends on the mention alone, so adding documents or other
    outlets never changes which mentions of a cell are shown unless a new one ranks before them.
    """
    text = f"{int(seed)}\x1f{doc_id}\x1f{int(start)}\x1f{int(end)}\x1f{entry}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    left = _WS.sub(" ", left)
    right = _WS.sub(" ", right)
    if start - width > 0:
        left = "…" + left.lstrip()
    if end + width < len(text):
        right = right.rstrip() + "…"
    return left, text[start:end], right


def audit_cells(mentions: pd.DataFrame, documents: pd.DataFrame, *, group_col: str = "outlet", seed: int = 0,
                per_cell: int = 3, width: int = 60, max_snippets: int = 5000,
                referents: Sequence[str] | None = None,
                categories: Sequence[tuple[str, str]] | None = None) -> tuple[list[Cell], bool]:
    """Deterministic KWIC samples per group × category and per group × referent label.

    Parameters
    ----------
    mentions : DataFrame
        The mentions behind the numbers (already restricted to the report's voices), with a
        ``group_col`` column.
    documents : DataFrame
        With ``doc_id`` and ``text`` (and ``date``).
    group_col : str
    seed : int
        Seed of the sample (see :func:`sample_key`).
    per_cell : int
        Snippets shown per cell (the cell's mention count is shown too).
    width : int
        Characters of context on each side.
    max_snippets : int
        Bound on all snippets (the report never embeds the corpus); cells past it get none.
    referents : list of str, optional
        Referents whose labels are sampled (default: all).
    categories : list of (lexicon, category), optional
        Order of the categories (default: order of first mention); others follow.

    Returns
    -------
    cells, capped : list of Cell, bool
        Cells in order (categories, then referents by number of labels, labels by count), and whether
        ``max_snippets`` cut the sample.
    """
    if mentions.empty or per_cell <= 0:
        return [], False
    texts = dict(zip(documents["doc_id"].astype(str), documents["text"]))
    dates = {}
    if "date" in documents.columns:
        d = pd.to_datetime(documents["date"], errors="coerce")
        dates = {k: ("" if pd.isna(v) else v.strftime("%Y-%m-%d")) for k, v in zip(documents["doc_id"].astype(str), d)}
    m = mentions.assign(doc_id=mentions["doc_id"].astype(str))
    m = m.assign(audit_rank=[sample_key(seed, a, b, c, e) for a, b, c, e in
                        zip(m["doc_id"], m["start"], m["end"], m["entry"].astype(str))])
    source = m["source"].fillna("").astype(str) if "source" in m.columns else pd.Series("", index=m.index)
    m = m.assign(audit_source=source)
    cells: list[Cell] = []
    total = 0
    capped = False

    def take(section: str, key: tuple, group: str, rows: pd.DataFrame) -> None:
        nonlocal total, capped
        cell = Cell(section, key, str(group), len(rows))
        room = min(per_cell, max_snippets - total)
        if room <= 0:
            capped = capped or len(rows) > 0
        else:
            chosen = rows.sort_values("audit_rank", kind="stable").head(room).sort_values(["doc_id", "start"], kind="stable")
            for r in chosen.itertuples(index=False):
                text = texts.get(r.doc_id)
                if text is None:
                    continue
                left, match, right = _context(text, int(r.start), int(r.end), width)
                cell.snippets.append(Snippet(r.doc_id, left, match, right, str(r.voice), r.audit_source,
                                             dates.get(r.doc_id, "")))
            total += len(cell.snippets)
        cells.append(cell)

    cats = m[m["category"] != REFERENT_CATEGORY]
    order = list(dict.fromkeys(zip(cats["lexicon"].astype(str), cats["category"].astype(str))))
    if categories is not None:
        present = set(order)
        order = [tuple(c) for c in categories if tuple(c) in present] + [c for c in order if c not in set(
            tuple(x) for x in categories)]
    by_cat = {k: g for k, g in cats.groupby([cats["lexicon"].astype(str), cats["category"].astype(str)], sort=False)}
    for key in order:
        g = by_cat[key]
        for group, rows in g.groupby(group_col, sort=True):
            take("category", key, group, rows)
    labels = m[m["referent"].notna() & (m["referent"].astype(str) != "") & (m["category"] != REFERENT_CATEGORY)]
    if referents is not None:
        labels = labels[labels["referent"].isin(list(referents))]
    ref_counts = labels.groupby(labels["referent"].astype(str)).size()
    for ref in sorted(ref_counts.index, key=lambda r: (-ref_counts[r], r)):
        rg = labels[labels["referent"].astype(str) == ref]
        counts = rg.groupby([rg["lexicon"].astype(str), rg["term"].astype(str)]).size()
        label_order = sorted(counts.index, key=lambda k: (-counts[k], k[1], k[0]))
        for lex, term in label_order:
            lg = rg[(rg["lexicon"].astype(str) == lex) & (rg["term"].astype(str) == term)]
            for group, rows in lg.groupby(group_col, sort=True):
                take("label", (ref, lex, term), group, rows)
    return cells, capped
