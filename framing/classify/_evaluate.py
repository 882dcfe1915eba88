"""Evaluation: grouped (nested) cross-validation, cluster-bootstrap confidence intervals,
cross-dataset transfer.

Sentences from one article never sit on both sides of a split: folds come from
``StratifiedGroupKFold`` over article ids, and the bootstrap resamples articles, not sentences
(sentences of one article are not independent). Every function takes a ``seed``; the same inputs
and seed give the same numbers.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold, StratifiedKFold

from ._sentences import SentenceBiasClassifier
from ._words import BiasedWordDetector, word_labels

__all__ = ["bootstrap_f1", "grouped_folds", "evaluate_sentences", "evaluate_words", "cross_dataset",
           "normalise_sentence", "DEFAULT_GRID"]

#: Hyper-parameter grid searched by the inner cross-validation of :func:`evaluate_sentences`.
DEFAULT_GRID = {"C": [0.5, 1.0, 2.0, 4.0]}


def normalise_sentence(text: str) -> str:
    """Whitespace-collapsed text, the key used to find the same sentence in two datasets."""
    return " ".join(str(text).split())


def bootstrap_f1(y, pred, groups=None, *, n_boot: int = 1000, seed: int = 0, average: str = "macro",
                 level: float = 0.95) -> tuple[float, float, float]:
    """F1 and a percentile bootstrap confidence interval that resamples groups (articles).

    Parameters
    ----------
    y, pred : array-like
        True and predicted labels.
    groups : array-like, optional
        Cluster of each item (article id); each bootstrap sample draws clusters with replacement.
        None resamples items.
    n_boot : int, default 1000
    seed : int, default 0
    average : {"macro", "binary"}, default "macro"
        Macro F1 over the classes, or F1 of the positive class (1).
    level : float, default 0.95

    Returns
    -------
    (f1, low, high)
    """
    y = np.asarray(y)
    pred = np.asarray(pred)
    f = float(f1_score(y, pred, average=average, zero_division=0))
    g = np.arange(len(y)) if groups is None else pd.factorize(np.asarray(groups))[0]
    order = np.argsort(g, kind="stable")
    bounds = np.searchsorted(g[order], np.arange(g.max() + 2))
    n_g = g.max() + 1
    rng = np.random.default_rng(seed)
    stats = np.empty(n_boot)
    labels = np.unique(y)
    for b in range(n_boot):
        pick = rng.integers(0, n_g, n_g)
        idx = np.concatenate([order[bounds[k]:bounds[k + 1]] for k in pick])
        stats[b] = f1_score(y[idx], pred[idx], average=average, labels=labels if average == "macro" else None,
                            zero_division=0)
    a = (1 - level) / 2
    return f, float(np.quantile(stats, a)), float(np.quantile(stats, 1 - a))


def grouped_folds(y, groups, n_splits: int, seed: int = 0):
    """Stratified folds that keep every group (article) on one side: a list of (train, test)."""
    y = np.asarray(y)
    groups = np.asarray(groups)
    cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(cv.split(np.zeros(len(y)), y, groups))


def _take(seq, idx):
    return [seq[i] for i in idx]


def _tune(texts, y, groups, biased_words, params: dict, grid: dict, inner: int, seed: int):
    """Inner grouped CV: mean macro F1 of every grid point; the feature blocks are fitted once
    per inner split and shared by the grid (only the logistic regression depends on ``C``)."""
    keys = list(grid)
    points = [dict(zip(keys, vals)) for vals in np.array(np.meshgrid(*[grid[k] for k in keys])).T.reshape(-1, len(keys))]
    scores = np.zeros(len(points))
    for tr, te in grouped_folds(y, groups, inner, seed + 1):
        model = SentenceBiasClassifier(**params)
        M = model._fit_features(_take(texts, tr), None if biased_words is None else _take(biased_words, tr),
                                groups[tr])
        Mt = model.transform(_take(texts, te))
        for j, pt in enumerate(points):
            head = model._head(C=float(pt["C"])).fit(M, y[tr])
            scores[j] += f1_score(y[te], head.predict(Mt), average="macro") / inner
    best = points[int(np.argmax(scores))]
    return {k: float(v) for k, v in best.items()}, dict(zip([str(p) for p in points], scores.round(4).tolist()))


def evaluate_sentences(data: pd.DataFrame, *, folds: int = 10, inner: int = 3, grid: dict | None = None,
                       params: dict | None = None, seed: int = 0, n_boot: int = 1000, progress=None) -> dict:
    """Grouped (nested) cross-validation of :class:`SentenceBiasClassifier`.

    Parameters
    ----------
    data : DataFrame
        ``text``, ``label`` (0/1), ``group`` (article id) and optionally ``biased_words``, as
        returned by :func:`framing.datasets.load_babe` / ``load_mbic`` (rows with a missing label
        are dropped).
    folds : int, default 10
        Outer folds (``StratifiedGroupKFold`` over ``group``).
    inner : int, default 3
        Inner folds for the hyper-parameter search (when ``grid`` is given).
    grid : dict, optional
        Values to search, e.g. :data:`DEFAULT_GRID`; None fits ``params`` as they are (plain
        grouped cross-validation).
    params : dict, optional
        Parameters of :class:`SentenceBiasClassifier`.
    seed, n_boot : int
    progress : callable, optional
        Called with a message after each outer fold.

    Returns
    -------
    dict
        ``macro_f1``, ``ci_low``, ``ci_high`` (95 % bootstrap over articles), ``n``, ``folds``,
        ``grouping``, ``seconds``, ``accuracy``, ``f1_biased``, ``chosen`` (parameters picked in
        each outer fold), ``params``, and ``predictions`` (out-of-fold probabilities, a list).
    """
    t0 = time.perf_counter()
    data = data[data["label"].notna()].reset_index(drop=True)
    texts = data["text"].astype(str).tolist()
    y = data["label"].astype(int).to_numpy()
    groups = data["group"].astype(str).to_numpy()
    bw = data["biased_words"].tolist() if "biased_words" in data else None
    params = dict(params or {})
    proba = np.zeros(len(y))
    chosen = []
    for k, (tr, te) in enumerate(grouped_folds(y, groups, folds, seed)):
        p = dict(params)
        if grid:
            best, _ = _tune(_take(texts, tr), y[tr], groups[tr], None if bw is None else _take(bw, tr), params, grid,
                            inner, seed + k)
            p.update(best)
            chosen.append(best)
        model = SentenceBiasClassifier(**p).fit(_take(texts, tr), y[tr], biased_words=None if bw is None else _take(bw, tr),
                                                groups=groups[tr])
        proba[te] = model.predict_proba(_take(texts, te))[:, 1]
        if progress:
            progress(f"fold {k + 1}/{folds} done ({time.perf_counter() - t0:.0f} s)")
    pred = (proba >= 0.5).astype(int)
    f, lo, hi = bootstrap_f1(y, pred, groups, n_boot=n_boot, seed=seed)
    return {"macro_f1": round(f, 4), "ci_low": round(lo, 4), "ci_high": round(hi, 4), "n": int(len(y)),
            "folds": folds, "grouping": "article", "seconds": round(time.perf_counter() - t0, 1),
            "accuracy": round(float((pred == y).mean()), 4),
            "f1_biased": round(float(f1_score(y, pred)), 4), "n_groups": int(len(np.unique(groups))),
            "inner_folds": inner if grid else 0, "grid": grid, "chosen": chosen, "params": params, "seed": seed,
            "predictions": proba.round(5).tolist()}


def evaluate_words(data: pd.DataFrame, *, folds: int = 5, params: dict | None = None, seed: int = 0,
                   n_boot: int = 1000, progress=None) -> dict:
    """Grouped cross-validation of :class:`BiasedWordDetector` at token level.

    Every word token that is not a stop word or a number is a candidate; it is biased when it is
    (part of) one of its sentence's ``biased_words``. Folds are ``GroupKFold`` over articles; the
    bootstrap resamples articles.

    Returns
    -------
    dict
        ``f1`` (biased class, the figure Spinde et al. 2021 report), ``precision``, ``recall``,
        ``roc_auc``, ``macro_f1`` (over the two token classes), ``ci_low``/``ci_high`` (of
        ``f1``), ``n`` (candidate tokens), ``n_sentences``, ``folds``, ``grouping``, ``seconds``,
        ``thresholds`` (per fold).
    """
    t0 = time.perf_counter()
    texts = data["text"].astype(str).tolist()
    bw = data["biased_words"].tolist()
    groups = data["group"].astype(str).to_numpy()
    params = dict(params or {})
    ys, ss, gs, thresholds = [], [], [], []
    for k, (tr, te) in enumerate(GroupKFold(folds).split(texts, groups=groups)):
        det = BiasedWordDetector(**params).fit(_take(texts, tr), _take(bw, tr), groups=groups[tr])
        tab = det.score_tokens(_take(texts, te))
        lab = np.concatenate([word_labels(texts[i], bw[i]) for i in te]) if len(te) else np.zeros(0, bool)
        c = tab["candidate"].to_numpy()
        ys.append(lab[c])
        ss.append(tab["score"].to_numpy()[c] >= det.threshold_)
        gs.append(groups[te][tab["sentence_index"].to_numpy()[c]])
        thresholds.append(det.threshold_)
        ss[-1] = np.column_stack([ss[-1], tab["score"].to_numpy()[c]])
        if progress:
            progress(f"fold {k + 1}/{folds} done ({time.perf_counter() - t0:.0f} s)")
    y = np.concatenate(ys).astype(int)
    both = np.concatenate(ss)
    pred, score = both[:, 0].astype(int), both[:, 1]
    g = np.concatenate(gs)
    f, lo, hi = bootstrap_f1(y, pred, g, n_boot=n_boot, seed=seed, average="binary")
    return {"f1": round(f, 4), "ci_low": round(lo, 4), "ci_high": round(hi, 4),
            "precision": round(float(precision_score(y, pred, zero_division=0)), 4),
            "recall": round(float(recall_score(y, pred, zero_division=0)), 4),
            "roc_auc": round(float(roc_auc_score(y, score)), 4),
            "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
            "n": int(len(y)), "n_biased": int(y.sum()), "n_sentences": int(len(texts)), "folds": folds,
            "grouping": "article", "seconds": round(time.perf_counter() - t0, 1),
            "thresholds": thresholds, "params": params, "seed": seed}


def cross_dataset(train: pd.DataFrame, test: pd.DataFrame, *, params: dict | None = None, drop_overlap: bool = True,
                  seed: int = 0, n_boot: int = 1000) -> dict:
    """Train on one dataset, test on another, with the sentences they share removed from training.

    Parameters
    ----------
    train, test : DataFrame
        As for :func:`evaluate_sentences` (rows without a label are dropped).
    drop_overlap : bool, default True
        Remove from ``train`` every sentence whose whitespace-normalised text is in ``test``
        (also articles: every training sentence from an article of the test set). False keeps
        them, which shows how much a naive overlap inflates the score.

    Returns
    -------
    dict
        ``macro_f1``, ``ci_low``, ``ci_high``, ``n`` (test sentences), ``n_train``,
        ``n_removed``, ``grouping``, ``seconds``.
    """
    t0 = time.perf_counter()
    train = train[train["label"].notna()].reset_index(drop=True)
    test = test[test["label"].notna()].reset_index(drop=True)
    n_removed = 0
    if drop_overlap:
        keys = set(test["text"].map(normalise_sentence))
        links = set(test["news_link"].dropna().astype(str)) if "news_link" in test else set()
        same = train["text"].map(normalise_sentence).isin(keys)
        if "news_link" in train:
            same |= train["news_link"].astype(str).isin(links)
        n_removed = int(same.sum())
        train = train[~same].reset_index(drop=True)
    bw = train["biased_words"].tolist() if "biased_words" in train else None
    model = SentenceBiasClassifier(**(params or {})).fit(train["text"].tolist(), train["label"].astype(int),
                                                         biased_words=bw, groups=train["group"].to_numpy())
    y = test["label"].astype(int).to_numpy()
    pred = model.predict(test["text"].tolist())
    f, lo, hi = bootstrap_f1(y, pred, test["group"].to_numpy(), n_boot=n_boot, seed=seed)
    return {"macro_f1": round(f, 4), "ci_low": round(lo, 4), "ci_high": round(hi, 4), "n": int(len(y)),
            "n_train": int(len(train)), "n_removed": n_removed, "drop_overlap": drop_overlap,
            "grouping": "dataset", "seconds": round(time.perf_counter() - t0, 1)}


def stratified_folds(y, n_splits: int, seed: int = 0):
    """Random stratified folds (no grouping), for comparison with :func:`grouped_folds`."""
    return list(StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))
