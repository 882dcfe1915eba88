"""Word level: which words of a sentence carry its bias (BABE / MBIC ``biased_words``).

A token classifier over sparse features of each candidate word (every word token that is not a
stop word or a number):

* the word itself (lower-cased), its Porter stem and its last three letters;
* the lexicon categories whose entries cover it (:func:`bias_lexicons`: Recasens et al.'s bias
  lexicon, hedges, factives, assertives, implicatives, report verbs, MPQA strong/weak subjective
  clues by polarity, Hu & Liu opinion words, framing's loaded-language categories);
* shape: capitalised inside the sentence, length;
* context: the words and their lexicon categories within ``window`` tokens on each side;
* sentence: how many lexicon hits the sentence holds.

A logistic regression scores each token; the decision threshold is chosen by grouped
cross-validation on the training sentences to maximise F1 of the biased class, unless given.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted

from ..lexicon import load_lexicon
from ..matcher import CompiledMatcher
from ..text import word_spans
from ._compact import pack_state, unpack_state
from ._lexicons import bias_lexicons

__all__ = ["BiasedWordDetector", "word_labels", "token_frame", "TOKEN_COLUMNS"]

#: Columns of :meth:`BiasedWordDetector.score_tokens` (and of ``tokens.csv``).
TOKEN_COLUMNS = ["sentence_index", "token_index", "token", "start", "end", "candidate", "score", "biased"]

_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


def _is_candidate(low: str) -> bool:
    return not (low in ENGLISH_STOP_WORDS or low.replace("'", "").isdigit() or len(low) < 2)


def word_labels(text: str, biased_words, spans=None) -> np.ndarray:
    """Which word tokens of ``text`` are biased words: every occurrence of every listed word or
    phrase (case-insensitive, on word boundaries; ``pro-life`` marks both ``pro`` and ``life``).

    Returns
    -------
    numpy.ndarray of bool, one per token of :func:`framing.text.word_spans`.
    """
    spans = word_spans(text) if spans is None else spans
    lab = np.zeros(len(spans), dtype=bool)
    if not spans:
        return lab
    starts = np.asarray([a for a, _ in spans])
    ends = np.asarray([b for _, b in spans])
    norm = text.translate(_APOS)
    for w in biased_words:
        w = str(w).strip().translate(_APOS)
        if not w:
            continue
        for m in re.finditer(r"(?<!\w)" + re.escape(w) + r"(?!\w)", norm, flags=re.IGNORECASE):
            lab |= (starts >= m.start()) & (ends <= m.end())
    return lab


def _lexicon_hits(texts: list[str], matcher: CompiledMatcher, spans: list[list[tuple[int, int]]]):
    """Per text, per token: the set of ``lexicon:category`` whose matches cover the token."""
    out = [[set() for _ in s] for s in spans]
    if not texts:
        return out
    doc, start, end, tid = matcher.find(texts)
    names = [f"{t.lexicon}:{t.category}" for t in matcher.targets]
    starts = [np.asarray([a for a, _ in s], dtype=np.int64) for s in spans]
    for d, a, b, t in zip(doc.tolist(), start.tolist(), end.tolist(), tid.tolist()):
        st = starts[d]
        i = int(np.searchsorted(st, a, side="right")) - 1
        i = max(i, 0)
        while i < len(st) and spans[d][i][0] < b:
            if spans[d][i][1] > a:
                out[d][i].add(names[t])
            i += 1
    return out


def token_frame(texts, matcher: CompiledMatcher | None = None, *, window: int = 2):
    """Tokens of every text with their feature dicts (internal; see :class:`BiasedWordDetector`)."""
    texts = [str(t) for t in texts]
    spans = [word_spans(t) for t in texts]
    hits = _lexicon_hits(texts, matcher, spans) if matcher is not None else [[set() for _ in s] for s in spans]
    stem = _stemmer().stem
    rows, feats = [], []
    for si, (text, sp, hs) in enumerate(zip(texts, spans, hits)):
        words = [text[a:b] for a, b in sp]
        lows = [w.lower().translate(_APOS) for w in words]
        n_hits = sum(bool(h) for h in hs)
        for ti, ((a, b), w, low, h) in enumerate(zip(sp, words, lows, hs)):
            cand = _is_candidate(low)
            rows.append((si, ti, w, a, b, cand))
            if not cand:
                continue
            f = {"w=" + low: 1.0, "stem=" + stem(low): 1.0, "suf3=" + low[-3:]: 1.0,
                 "len": min(len(low), 15) / 15.0, "sent_hits": min(n_hits, 10) / 10.0, "bias": 1.0}
            if ti > 0 and w[:1].isupper():
                f["cap"] = 1.0
            if w.isupper() and len(w) > 1:
                f["allcaps"] = 1.0
            for name in h:
                f["lex=" + name] = 1.0
            for k in range(1, window + 1):
                for j, side in ((ti - k, "-"), (ti + k, "+")):
                    if 0 <= j < len(sp):
                        f[f"w{side}{k}=" + lows[j]] = 1.0
                        for name in hs[j]:
                            f[f"lex{side}=" + name] = 1.0
            feats.append(f)
    table = pd.DataFrame(rows, columns=["sentence_index", "token_index", "token", "start", "end", "candidate"])
    return table, feats


class BiasedWordDetector(ClassifierMixin, BaseEstimator):
    """Token classifier: which words of a sentence carry bias.

    Parameters
    ----------
    lexicons : list of (str, Path or Lexicon), or None
        Feature lexicons; None uses :func:`~framing.classify.bias_lexicons` (ours plus the
        published lists found in ``../shared/data/lexicons``).
    window : int, default 2
        Context words on each side.
    C : float, default 0.3
        Inverse regularisation of the logistic regression.
    class_weight : {"balanced"} or None, default "balanced"
    threshold : float or None, default None
        Decision threshold on the token probability; None chooses it by grouped 3-fold
        cross-validation on the training data (maximum F1 of the biased class).
    random_state : int, default 0

    Attributes
    ----------
    lexicons_ : list of Lexicon
    vectorizer_ : DictVectorizer
    model_ : LogisticRegression
    threshold_ : float

    Notes
    -----
    ``fit`` takes texts and, as ``y``, one list of biased words per text.
    """

    def __init__(self, *, lexicons=None, window: int = 2, C: float = 0.3, class_weight="balanced",
                 threshold: float | None = None, random_state: int = 0):
        self.lexicons = lexicons
        self.window = window
        self.C = C
        self.class_weight = class_weight
        self.threshold = threshold
        self.random_state = random_state

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_matcher", None)
        return pack_state(state, lexicon_keys=("lexicons", "lexicons_"), dictvec_keys=("vectorizer_",))

    def __setstate__(self, state):
        super().__setstate__(unpack_state(dict(state)))

    @property
    def matcher_(self) -> CompiledMatcher:
        m = self.__dict__.get("_matcher")
        if m is None:
            m = CompiledMatcher(self.lexicons_)
            self._matcher = m
        return m

    def _tokens(self, texts):
        return token_frame(texts, self.matcher_, window=self.window)

    def _fit_model(self, feats, y):
        vec = DictVectorizer()
        X = vec.fit_transform(feats)
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000)
        model.fit(X, y)
        return vec, model

    def fit(self, X, y, *, groups=None):
        """Fit on sentences ``X`` and their biased words ``y`` (one list per sentence).

        Parameters
        ----------
        X : sequence of str
        y : sequence of list of str
        groups : sequence, optional
            Article ids, so that threshold tuning never splits an article.

        Returns
        -------
        self
        """
        texts = [str(t) for t in X]
        lex = self.lexicons if self.lexicons is not None else bias_lexicons()
        self.lexicons_ = [load_lexicon(x) for x in lex]
        self._matcher = CompiledMatcher(self.lexicons_)
        table, feats = self._tokens(texts)
        labels = np.concatenate([word_labels(t, bw) for t, bw in zip(texts, y)]) if texts else np.zeros(0, bool)
        cand = table["candidate"].to_numpy()
        yc = labels[cand].astype(int)
        sent = table["sentence_index"].to_numpy()[cand]
        if self.threshold is None:
            g = np.asarray(groups)[sent] if groups is not None else sent
            oof = np.zeros(len(yc))
            for tr, te in GroupKFold(3).split(np.zeros(len(yc)), yc, g):
                vec, model = self._fit_model([feats[i] for i in tr], yc[tr])
                oof[te] = model.predict_proba(vec.transform([feats[i] for i in te]))[:, 1]
            grid = np.round(np.arange(0.2, 0.91, 0.025), 3)
            f1s = [_f1(yc, oof >= t) for t in grid]
            self.threshold_ = float(grid[int(np.argmax(f1s))])
        else:
            self.threshold_ = float(self.threshold)
        self.vectorizer_, self.model_ = self._fit_model(feats, yc)
        self.classes_ = np.array([0, 1])
        return self

    def score_tokens(self, X) -> pd.DataFrame:
        """Every word token of every text with its bias score.

        Returns
        -------
        DataFrame
            ``sentence_index`` (position of the text in ``X``), ``token_index``, ``token``,
            ``start``, ``end`` (offsets into the text), ``candidate`` (False for stop words and
            numbers, which score 0), ``score`` (probability that the word carries bias),
            ``biased`` (score >= ``threshold_``).
        """
        check_is_fitted(self, "model_")
        table, feats = self._tokens([str(t) for t in X])
        score = np.zeros(len(table))
        cand = table["candidate"].to_numpy()
        if cand.any():
            score[cand] = self.model_.predict_proba(self.vectorizer_.transform(feats))[:, 1]
        table["score"] = score
        table["biased"] = cand & (score >= self.threshold_)
        return table

    def predict_words(self, X) -> list[list[str]]:
        """The biased words found in each text."""
        t = self.score_tokens(X)
        out: list[list[str]] = [[] for _ in range(len(X))]
        for si, tok in zip(t.loc[t["biased"], "sentence_index"], t.loc[t["biased"], "token"]):
            out[si].append(tok)
        return out


def _f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = float(np.sum(y & pred)) if y.dtype == bool else float(np.sum((y == 1) & pred))
    fp = float(np.sum(pred)) - tp
    fn = float(np.sum(y == 1)) - tp
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
