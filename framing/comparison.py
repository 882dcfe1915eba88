"""First comparisons of outlets, derived from the ``mentions`` and ``documents`` tables only.

Tables
------
``outlet_category`` : one row per outlet × (lexicon, category), zeros included
    outlet, lexicon, category, mentions, documents (documents with at least one mention),
    n_documents (the outlet's scored documents), tokens (the outlet's word tokens),
    rate_per_1k (mentions per 1,000 tokens), doc_share (documents / n_documents).
``referent_labels`` : one row per referent × outlet × label
    referent, outlet, lexicon, term, category, valence, count, share (count / the outlet's labels
    for that referent), outlet_labels (that total). Labels are mentions of entries whose
    ``referent`` is set (alias occurrences are not labels).
``referent_attention`` : one row per referent × outlet, zeros included
    referent, outlet, mentions (alias occurrences), documents, n_documents, tokens, rate_per_1k,
    doc_share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .lexicon.model import REFERENT_CATEGORY

__all__ = ["compare", "outlet_category", "referent_labels", "referent_attention", "filter_voice", "labels_by_voice",
           "voice_shares"]


def filter_voice(mentions: pd.DataFrame, voice: str | Sequence[str] | None) -> pd.DataFrame:
    """Mentions in the given voice(s) only (``None``: all voices)."""
    if voice is None:
        return mentions
    voices = [voice] if isinstance(voice, str) else list(voice)
    return mentions[mentions["voice"].isin(voices)]


def _exposure(documents: pd.DataFrame, by: str) -> pd.DataFrame:
    return documents.groupby(by, sort=True).agg(n_documents=("doc_id", "size"), tokens=("n_tokens", "sum"))


def outlet_category(mentions: pd.DataFrame, documents: pd.DataFrame, *, categories: Sequence[tuple[str, str]] | None = None,
                    by: str = "outlet", voice: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Mentions, documents and rates per outlet (or any ``documents`` column) and category.

    Parameters
    ----------
    mentions, documents : DataFrame
        From :func:`framing.score`.
    categories : list of (lexicon, category), optional
        Categories to report (zeros included); by default those of the mentions.
    by : str, default "outlet"
        Grouping column of ``documents`` (outlet, or e.g. a leaning column carried through).
    voice : str or list, optional
        Restrict to mentions in these voices (``"author"``: the outlet's own words).

    Returns
    -------
    DataFrame
        Columns listed in the module docstring (``by`` in place of ``outlet``).

    Notes
    -----
    ``rate_per_1k = 1000 * mentions / tokens``, with tokens summed over all the group's scored
    documents (including those with no mention); ``doc_share = documents / n_documents``.
    """
    m = filter_voice(mentions, voice)
    if by != "outlet":
        m = m.drop(columns=[by], errors="ignore").merge(documents[["doc_id", by]], on="doc_id", how="left")
    exp = _exposure(documents, by)
    if categories is None:
        categories = list(dict.fromkeys(zip(mentions["lexicon"], mentions["category"])))
    grid = pd.MultiIndex.from_tuples([(g, lx, c) for g in exp.index for lx, c in categories],
                                     names=[by, "lexicon", "category"])
    grouped = m.groupby([by, "lexicon", "category"])
    counts = grouped.size().reindex(grid, fill_value=0)
    docs = grouped["doc_id"].nunique().reindex(grid, fill_value=0)
    out = pd.DataFrame({"mentions": counts.astype(np.int64), "documents": docs.astype(np.int64)}).reset_index()
    out = out.merge(exp.reset_index(), on=by, how="left")
    out["rate_per_1k"] = np.where(out["tokens"] > 0, 1000.0 * out["mentions"] / out["tokens"].where(out["tokens"] > 0, 1), np.nan)
    out["doc_share"] = out["documents"] / out["n_documents"]
    return out[[by, "lexicon", "category", "mentions", "documents", "n_documents", "tokens", "rate_per_1k", "doc_share"]]


def referent_labels(mentions: pd.DataFrame, *, referent: str | None = None,
                    voice: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Which labels each outlet gives each referent, with counts and shares.

    Parameters
    ----------
    mentions : DataFrame
    referent : str, optional
        One referent id only.
    voice : str or list, optional
        Restrict to these voices.

    Returns
    -------
    DataFrame
        referent, outlet, lexicon, term, category, valence, count, share, outlet_labels; sorted by
        referent, outlet, descending count, term. ``share`` sums to 1 within referent × outlet.
    """
    m = filter_voice(mentions, voice)
    m = m[m["referent"].notna() & (m["category"] != REFERENT_CATEGORY)]
    if referent is not None:
        m = m[m["referent"] == referent]
    cols = ["referent", "outlet", "lexicon", "term", "category"]
    if m.empty:
        return pd.DataFrame(columns=[*cols, "valence", "count", "share", "outlet_labels"])
    out = m.groupby(cols, sort=True).agg(valence=("valence", "first"), count=("doc_id", "size")).reset_index()
    out["outlet_labels"] = out.groupby(["referent", "outlet"])["count"].transform("sum")
    out["share"] = out["count"] / out["outlet_labels"]
    out = out.sort_values(["referent", "outlet", "count", "term"], ascending=[True, True, False, True], kind="stable")
    return out[[*cols, "valence", "count", "share", "outlet_labels"]].reset_index(drop=True)


def referent_attention(mentions: pd.DataFrame, documents: pd.DataFrame, *, voice: str | Sequence[str] | None = None,
                       referents: Sequence[str] | None = None) -> pd.DataFrame:
    """How often each outlet names each referent (alias occurrences), per 1,000 tokens and per document."""
    m = filter_voice(mentions, voice)
    m = m[m["category"] == REFERENT_CATEGORY]
    exp = _exposure(documents, "outlet")
    refs = list(referents) if referents is not None else sorted(m["referent"].dropna().unique())
    grid = pd.MultiIndex.from_product([refs, exp.index], names=["referent", "outlet"])
    grouped = m.groupby(["referent", "outlet"])
    out = pd.DataFrame({
        "mentions": grouped.size().reindex(grid, fill_value=0).astype(np.int64),
        "documents": grouped["doc_id"].nunique().reindex(grid, fill_value=0).astype(np.int64),
    }).reset_index().merge(exp.reset_index(), on="outlet", how="left")
    out["rate_per_1k"] = 1000.0 * out["mentions"] / out["tokens"].where(out["tokens"] > 0)
    out["doc_share"] = out["documents"] / out["n_documents"]
    return out


def compare(result, documents: pd.DataFrame | None = None, *, voice: str | Sequence[str] | None = None,
            categories: Sequence[tuple[str, str]] | None = None,
            referents: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """All first comparison tables at once.

    Parameters
    ----------
    result : ScoreResult or DataFrame
        The result of :func:`framing.score`, or a mentions table (then pass ``documents``).
    documents : DataFrame, optional
    voice : str or list, optional
    categories : list of (lexicon, category), optional
        Categories to report with zeros; taken from the result's lexicons by default.
    referents : list of str, optional
        Referents to report with zeros; likewise.

    Returns
    -------
    dict of DataFrame
        ``outlet_category``, ``referent_labels``, ``referent_attention`` (see the module
        docstring) and ``voice_shares`` (:func:`voice_shares`, always over all voices).
    """
    if documents is None:
        mentions, documents = result.mentions, result.documents
        if categories is None:
            cats = []
            for lex in getattr(result, "lexicons", []):
                if lex.referents:
                    cats.append((lex.name, REFERENT_CATEGORY))
                cats.extend((lex.name, c) for c in lex.categories)
            categories = cats or None
        refs = [r for lex in getattr(result, "lexicons", []) for r in lex.referents] or None
    else:
        mentions, refs = result, None
    refs = list(referents) if referents is not None else refs
    return {
        "outlet_category": outlet_category(mentions, documents, categories=categories, voice=voice),
        "referent_labels": referent_labels(mentions, voice=voice),
        "referent_attention": referent_attention(mentions, documents, voice=voice, referents=refs),
        "voice_shares": voice_shares(mentions),
    }


VOICE_ORDER = ["author", "quoted", "attributed", "scare_quoted"]


def labels_by_voice(mentions: pd.DataFrame, *, referent: str | None = None) -> pd.DataFrame:
    """Labels per referent and outlet, counted separately in each voice.

    Returns
    -------
    DataFrame
        referent, outlet, term, category, valence, one count column per voice (``author`` is the
        outlet's own word choice), total, own_share (author / total).
    """
    m = mentions[mentions["referent"].notna() & (mentions["category"] != REFERENT_CATEGORY)]
    if referent is not None:
        m = m[m["referent"] == referent]
    cols = ["referent", "outlet", "term", "category"]
    if m.empty:
        return pd.DataFrame(columns=[*cols, "valence", *VOICE_ORDER, "total", "own_share"])
    wide = m.pivot_table(index=cols, columns="voice", values="doc_id", aggfunc="size", fill_value=0)
    wide = wide.reindex(columns=VOICE_ORDER, fill_value=0)
    wide.columns.name = None
    out = wide.reset_index()
    val = m.groupby(cols)["valence"].first().reset_index()
    out = out.merge(val, on=cols, how="left")
    out["total"] = out[VOICE_ORDER].sum(axis=1)
    out["own_share"] = out["author"] / out["total"]
    out = out.sort_values(["referent", "outlet", "total", "term"], ascending=[True, True, False, True], kind="stable")
    return out[[*cols, "valence", *VOICE_ORDER, "total", "own_share"]].reset_index(drop=True)


def voice_shares(mentions: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """How much of each outlet's loaded language is its own: mentions per voice and shares.

    Alias occurrences (category ``referent``) are left out: they are names, not loaded language.
    Returns one row per outlet with a count and a share column per voice.
    """
    m = mentions[mentions["category"] != REFERENT_CATEGORY]
    counts = m.pivot_table(index=by, columns="voice", values="doc_id", aggfunc="size", fill_value=0)
    counts = counts.reindex(columns=VOICE_ORDER, fill_value=0)
    counts.columns.name = None
    total = counts.sum(axis=1)
    out = counts.copy()
    out["total"] = total
    for v in VOICE_ORDER:
        out[f"{v}_share"] = counts[v] / total.where(total > 0)
    return out.reset_index()
