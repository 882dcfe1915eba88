"""Scoring a corpus with a trained model: one row per sentence (and per word token)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..text import sentence_spans

__all__ = ["sentence_table", "apply_model", "SENTENCE_COLUMNS", "APPLY_TOKEN_COLUMNS"]

#: Columns of ``sentences.csv``.
SENTENCE_COLUMNS = ["doc_id", "sentence", "start", "end", "score", "label"]
#: Columns of ``tokens.csv``.
APPLY_TOKEN_COLUMNS = ["doc_id", "sentence", "token_index", "token", "start", "end", "score", "biased"]


def sentence_table(documents: pd.DataFrame) -> pd.DataFrame:
    """Sentences of every document with offsets into its original text.

    Parameters
    ----------
    documents : DataFrame
        ``doc_id`` and ``text`` (e.g. ``framing.read_corpus(...).documents``).

    Returns
    -------
    DataFrame
        ``doc_id``, ``sentence`` (index within the document), ``start``, ``end``
        (``text[start:end]`` is the sentence, :func:`framing.text.sentence_spans`), ``text``.
    """
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        text = str(text)
        i = 0
        for a, b in sentence_spans(text):
            seg = text[a:b]
            a, b = a + len(seg) - len(seg.lstrip()), b - (len(seg) - len(seg.rstrip()))
            if b > a:  # spans trimmed of surrounding whitespace
                rows.append((doc_id, i, a, b, text[a:b]))
                i += 1
    return pd.DataFrame(rows, columns=["doc_id", "sentence", "start", "end", "text"])


def apply_model(model: dict, documents: pd.DataFrame, *, threshold: float = 0.5) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Score every sentence (and, if the model has a word detector, every word) of a corpus.

    Parameters
    ----------
    model : dict
        ``{"sentences": SentenceBiasClassifier, "words": BiasedWordDetector or None}`` as saved by
        ``framing classify train``.
    documents : DataFrame
        ``doc_id`` and ``text``.
    threshold : float, default 0.5
        Sentences scoring at least this are labelled ``biased``.

    Returns
    -------
    (sentences, tokens)
        ``sentences``: :data:`SENTENCE_COLUMNS` (``score`` is the probability that the sentence
        is biased, ``label`` ``biased`` or ``non_biased``); ``tokens``:
        :data:`APPLY_TOKEN_COLUMNS` with offsets into the original document text, or None.
    """
    sents = sentence_table(documents)
    texts = sents["text"].tolist()
    score = model["sentences"].predict_proba(texts)[:, 1] if texts else np.zeros(0)
    out = sents[["doc_id", "sentence", "start", "end"]].copy()
    out["score"] = np.round(score, 5)
    out["label"] = np.where(score >= threshold, "biased", "non_biased")
    tokens = None
    det = model.get("words")
    if det is not None:
        tab = det.score_tokens(texts) if texts else pd.DataFrame(columns=["sentence_index", "token_index", "token",
                                                                           "start", "end", "candidate", "score",
                                                                           "biased"])
        si = tab["sentence_index"].to_numpy(dtype=np.int64)
        base = sents["start"].to_numpy(dtype=np.int64)[si] if len(si) else np.zeros(0, np.int64)
        tokens = pd.DataFrame({
            "doc_id": sents["doc_id"].to_numpy()[si] if len(si) else [],
            "sentence": sents["sentence"].to_numpy()[si] if len(si) else [],
            "token_index": tab["token_index"].to_numpy(),
            "token": tab["token"].to_numpy(),
            "start": tab["start"].to_numpy(dtype=np.int64) + base,
            "end": tab["end"].to_numpy(dtype=np.int64) + base,
            "score": np.round(tab["score"].to_numpy(dtype=float), 5),
            "biased": tab["biased"].to_numpy(dtype=bool),
        }, columns=APPLY_TOKEN_COLUMNS)
    return out, tokens
