"""Outlet and leaning predictability: how well word choice predicts an article's outlet or its
left / center / right label, on random splits versus splits grouped by outlet.

With random splits, articles of every outlet sit on both sides, so a model can learn each outlet's
house style and topics and recognise the outlet rather than the leaning. Grouping the folds by
outlet (every outlet's articles on one side) measures what transfers to *unseen* media, the drop
that Baly et al. (EMNLP 2020) report between their random and media-based splits.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from ._evaluate import bootstrap_f1, grouped_folds, stratified_folds

__all__ = ["predictability", "make_term_model", "top_terms"]


def make_term_model(*, C: float = 0.5, min_df: int = 3, max_features: int | None = 100_000,
                    ngram_range: tuple[int, int] = (1, 2)):
    """TF-IDF of word n-grams (sublinear tf, ``max_df=0.5``) and a one-vs-rest linear SVM with
    balanced class weights (``LinearSVC``: ten times faster than a multinomial logistic regression
    on long articles, and its coefficients rank terms the same way)."""
    return make_pipeline(
        TfidfVectorizer(ngram_range=tuple(ngram_range), sublinear_tf=True, min_df=min_df, max_df=0.5, max_features=max_features,
                        dtype=np.float32),
        LinearSVC(C=C, class_weight="balanced"))


def top_terms(model, n: int = 15) -> pd.DataFrame:
    """The ``n`` terms with the largest coefficients for each class of a fitted term model.

    Returns
    -------
    DataFrame
        ``class``, ``rank``, ``term``, ``coef``.
    """
    vec, clf = model.steps[0][1], model.steps[-1][1]
    names = vec.get_feature_names_out()
    coef = clf.coef_
    classes = clf.classes_
    if coef.shape[0] == 1:  # binary: one row for the positive class
        coef = np.vstack([-coef[0], coef[0]])
    rows = []
    for ci, cls in enumerate(classes):
        order = np.argsort(coef[ci])[::-1][:n]
        rows += [(cls, r + 1, names[i], float(coef[ci, i])) for r, i in enumerate(order)]
    return pd.DataFrame(rows, columns=["class", "rank", "term", "coef"])


def predictability(texts, labels, outlets, *, folds: int = 5, seed: int = 0, n_boot: int = 1000,
                   n_terms: int = 15, model_params: dict | None = None) -> dict:
    """Macro F1 of predicting ``labels`` from word choice, with random and with outlet-grouped folds.

    Parameters
    ----------
    texts : sequence of str
    labels : sequence
        What to predict: the leaning (left / center / right) or the outlet itself.
    outlets : sequence of str
        The outlet of each text (the groups of the grouped folds). When ``labels`` are the
        outlets, the grouped split is impossible; pass event ids instead, so that an event's
        articles never sit on both sides.
    folds : int, default 5
    seed, n_boot : int
    n_terms : int, default 15
        Most predictive terms per class, from a model fitted on all texts.
    model_params : dict, optional
        Passed to :func:`make_term_model`.

    Returns
    -------
    dict
        ``random`` and ``grouped``: each ``macro_f1``, ``ci_low``, ``ci_high`` (bootstrap over
        outlets for grouped folds, over texts for random ones), ``accuracy``, ``folds``,
        ``grouping``; plus ``drop`` (random minus grouped macro F1), ``n``, ``n_outlets``,
        ``seconds``, ``top_terms`` (a DataFrame).
    """
    t0 = time.perf_counter()
    texts = [str(t) for t in texts]
    y = np.asarray(labels).astype(str)
    g = np.asarray(outlets).astype(str)
    out: dict = {"n": int(len(y)), "n_outlets": int(len(np.unique(g))), "classes": sorted(set(y.tolist()))}
    for name, splits, boot_groups in (("random", stratified_folds(y, folds, seed), None),
                                      ("grouped", grouped_folds(y, g, folds, seed), g)):
        pred = np.empty(len(y), dtype=object)
        for tr, te in splits:
            model = make_term_model(**(model_params or {})).fit([texts[i] for i in tr], y[tr])
            pred[te] = model.predict([texts[i] for i in te])
        pred = pred.astype(str)
        f, lo, hi = bootstrap_f1(y, pred, boot_groups, n_boot=n_boot, seed=seed)
        out[name] = {"macro_f1": round(f, 4), "ci_low": round(lo, 4), "ci_high": round(hi, 4),
                     "accuracy": round(float((pred == y).mean()), 4), "folds": folds,
                     "grouping": "none (stratified random)" if name == "random" else "outlet",
                     "per_class_f1": dict(zip(sorted(set(y)), f1_score(y, pred, average=None,
                                                                       labels=sorted(set(y))).round(4).tolist()))}
    out["drop"] = round(out["random"]["macro_f1"] - out["grouped"]["macro_f1"], 4)
    full = make_term_model(**(model_params or {})).fit(texts, y)
    out["top_terms"] = top_terms(full, n_terms)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out
