"""Shared plumbing of the statistics: groups of documents, mentions per document, voices, dates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import FramingError
from ._choices import PERIODS
from ..lexicon.model import REFERENT_CATEGORY

__all__ = ["Groups", "doc_groups", "doc_index", "count_matrix", "filter_voice", "labels_of", "as_dates",
           "PERIODS", "REFERENT_CATEGORY"]



def filter_voice(mentions: pd.DataFrame, voice: str | Sequence[str] | None) -> pd.DataFrame:
    """Mentions in the given voice(s) only (``None``: all voices)."""
    if voice is None:
        return mentions
    voices = [voice] if isinstance(voice, str) else list(voice)
    return mentions[mentions["voice"].isin(voices)]


def labels_of(mentions: pd.DataFrame, referent: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Label mentions: entries whose ``referent`` is set (alias occurrences are not labels)."""
    m = mentions[mentions["referent"].notna() & (mentions["referent"].astype(str) != "")
                 & (mentions["category"] != REFERENT_CATEGORY)]
    if referent is not None:
        refs = [referent] if isinstance(referent, str) else list(referent)
        m = m[m["referent"].isin(refs)]
    return m


class Groups:
    """Documents assigned to groups (a group may share documents with another: rolling windows).

    Attributes
    ----------
    keys : DataFrame
        One row per group, the key columns, in output order.
    rows : list of ndarray
        Row positions (into ``documents``) of each group's documents.
    """

    def __init__(self, keys: pd.DataFrame, rows: list[np.ndarray]):
        self.keys = keys.reset_index(drop=True)
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def key(self, i: int) -> tuple:
        return tuple(self.keys.iloc[i])


def _check_column(documents: pd.DataFrame, col: str) -> None:
    if col not in documents.columns:
        cols = ", ".join(c for c in documents.columns if c != "text")
        raise FramingError(f"no column '{col}' in documents; grouping columns available: {cols}")


def doc_groups(documents: pd.DataFrame, by: str | Sequence[str], groups: Sequence | None = None) -> Groups:
    """Group documents by one or more columns (documents missing a value are left out).

    Groups are sorted by their key; ``groups`` (for a single column) keeps and orders only those.
    """
    cols = [by] if isinstance(by, str) else list(by)
    for c in cols:
        _check_column(documents, c)
    key = documents[cols].reset_index(drop=True)
    ok = key.notna().all(axis=1).to_numpy()
    if len(cols) == 1:
        values = key[cols[0]]
        if groups is not None:
            wanted = list(groups)
            missing = [g for g in wanted if g not in set(values[ok])]
            if missing:
                raise FramingError(f"no documents in group(s) {missing} of '{cols[0]}'; "
                                   f"groups found: {sorted(map(str, values[ok].unique()))[:20]}")
            uniq = pd.Index(wanted)
        else:
            uniq = pd.Index(sorted(values[ok].unique(), key=_sort_key))
        codes = np.where(ok, uniq.get_indexer(values), -1)
        keys = pd.DataFrame({cols[0]: list(uniq)})
    else:
        sub = key[ok]
        keys = sub.drop_duplicates().sort_values(cols, kind="stable").reset_index(drop=True)
        codes = np.full(len(key), -1, dtype=np.int64)
        codes[ok] = pd.MultiIndex.from_frame(keys).get_indexer(pd.MultiIndex.from_frame(sub))
    rows = _rows_by_code(codes, len(keys))
    return Groups(keys, rows)


def _sort_key(v):
    return (0, v) if isinstance(v, (int, float, np.integer, np.floating)) else (1, str(v))


def _rows_by_code(codes: np.ndarray, n: int) -> list[np.ndarray]:
    codes = np.asarray(codes, dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    bounds = np.searchsorted(sorted_codes, np.arange(n + 1))
    return [order[bounds[i]:bounds[i + 1]] for i in range(n)]


def doc_index(mentions: pd.DataFrame, documents: pd.DataFrame) -> np.ndarray:
    """Row position in ``documents`` of each mention's document (-1 when not there)."""
    index = pd.Index(documents["doc_id"].astype(str))
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        raise FramingError(f"documents has a duplicate doc_id '{dup}'; doc_id must be unique")
    return index.get_indexer(mentions["doc_id"].astype(str))


def count_matrix(doc_rows: np.ndarray, columns: np.ndarray, n_docs: int, n_columns: int,
                 weights: np.ndarray | None = None) -> sparse.csr_matrix:
    """Documents × columns sums of ``weights`` (1 per mention by default); rows < 0 are dropped."""
    doc_rows = np.asarray(doc_rows, dtype=np.int64)
    columns = np.asarray(columns, dtype=np.int64)
    w = np.ones(len(doc_rows)) if weights is None else np.asarray(weights, dtype=float)
    ok = (doc_rows >= 0) & (columns >= 0)
    return sparse.coo_matrix((w[ok], (doc_rows[ok], columns[ok])), shape=(n_docs, n_columns)).tocsr()


def tokens_of(documents: pd.DataFrame) -> np.ndarray:
    if "n_tokens" not in documents.columns:
        raise FramingError("documents has no 'n_tokens' column; pass the documents of framing.score()")
    return pd.to_numeric(documents["n_tokens"], errors="coerce").fillna(0).to_numpy(dtype=float)


def as_dates(values: pd.Series) -> pd.Series:
    """Dates as naive datetime64 (UTC where time zones are given); unparseable values are NaT."""
    if pd.api.types.is_datetime64_any_dtype(values):
        s = values
    else:
        s = pd.to_datetime(values.where(values.astype(str).str.strip() != ""), errors="coerce", format="mixed",
                           utc=True)
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    return s
