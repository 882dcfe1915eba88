"""Sentence level: is a sentence biased? (BABE / MBIC ``label_bias``).

The model is a logistic regression over the horizontal stack of

* ``words``: TF-IDF of word 1- and 2-grams (sublinear tf, ``min_df=2``);
* ``chars``: TF-IDF of character 2- to 5-grams inside word boundaries (``char_wb``);
* ``lexicons``: :class:`~framing.features.LexiconVectorizer` rates per 1,000 tokens of every
  category of the feature lexicons (:func:`~framing.classify.bias_lexicons`), ``log1p``-scaled
  and standardised;
* ``word_prior``: a lexicon *learned* from the training sentences' biased words
  (:class:`WordBiasPrior`): for every word, the smoothed share of its training occurrences that
  annotators marked as biased; a sentence gets the maximum, the mean of its top two, the sum and
  the number of words above 0.2 and 0.4. In training the features of each sentence come from a
  prior fitted without its article (cross-fitting), so the model never sees its own labels.

Blocks are switched off by their ``use_*`` parameters (the ablation in ``benchmarks/classify``).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted

from ..features import LexiconVectorizer
from ..text import word_spans
from ._compact import pack_state, str_array, unpack_state
from ._lexicons import bias_lexicons
from ._words import _APOS, _is_candidate, word_labels

__all__ = ["SentenceBiasClassifier", "WordBiasPrior", "BLOCKS"]

#: Default ``C``: the value most often chosen by the nested cross-validation on BABE
#: (``benchmarks/classify/babe_nested.py``).
DEFAULT_C = 2.0

#: Feature blocks of :class:`SentenceBiasClassifier`, in order.
BLOCKS = ("words", "chars", "lexicons", "word_prior")


def _lower_tokens(text: str) -> list[str]:
    return [text[a:b].lower().translate(_APOS) for a, b in word_spans(text)]


class WordBiasPrior(TransformerMixin, BaseEstimator):
    """A lexicon learned from annotated biased words: P(word marked biased | word occurs).

    Parameters
    ----------
    alpha : float, default 2.0
        Pseudo-count of the smoothing towards ``prior``.
    prior : float, default 0.05

    Attributes
    ----------
    rates_ : dict
        Word -> smoothed share of its training sentences in which it was marked biased.
    """

    feature_names = ("prior_max", "prior_top2", "prior_sum", "prior_n02", "prior_n04")

    def __init__(self, *, alpha: float = 2.0, prior: float = 0.05):
        self.alpha = alpha
        self.prior = prior

    def fit(self, X, y=None, *, biased_words=None):
        """Learn word rates from texts ``X`` and their ``biased_words`` (one list per text)."""
        if biased_words is None:
            raise ValueError("WordBiasPrior needs biased_words (one list of words per text)")
        pos: dict[str, int] = {}
        n: dict[str, int] = {}
        for text, words in zip(X, biased_words):
            text = str(text)
            spans = word_spans(text)
            lab = word_labels(text, words, spans)
            seen = set()
            for (a, b), is_b in zip(spans, lab):
                w = text[a:b].lower().translate(_APOS)
                key = (w, bool(is_b))
                if key in seen:
                    continue
                seen.add(key)
                if (w, not is_b) not in seen:
                    n[w] = n.get(w, 0) + 1
                if is_b:
                    pos[w] = pos.get(w, 0) + 1
        a, p = self.alpha, self.prior
        self.rates_ = {w: (pos.get(w, 0) + a * p) / (c + a) for w, c in n.items()}
        return self

    def __getstate__(self):
        state = dict(super().__getstate__())
        if "rates_" in state:
            rates = state.pop("rates_")
            state["_rate_words"] = str_array(list(rates))
            state["_rate_values"] = np.asarray(list(rates.values()), dtype=np.float64)
        return state

    def __setstate__(self, state):
        state = dict(state)
        if "_rate_words" in state:
            state["rates_"] = dict(zip(state.pop("_rate_words").tolist(), state.pop("_rate_values").tolist()))
        super().__setstate__(state)

    def transform(self, X):
        check_is_fitted(self, "rates_")
        p = self.prior
        out = np.zeros((len(X), 5))
        for i, text in enumerate(X):
            s = np.asarray([self.rates_.get(w, p) for w in _lower_tokens(str(text)) if _is_candidate(w)] or [0.0])
            top = np.sort(s)[-2:]
            out[i] = (s.max(), top.mean(), s.sum(), (s > 0.2).sum(), (s > 0.4).sum())
        return out

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.feature_names, dtype=object)


class _Scaler:
    """Column standardisation without centring (keeps sparse matrices sparse)."""

    def fit(self, M):
        M = M.toarray() if sparse.issparse(M) else np.asarray(M)
        sd = M.std(axis=0)
        self.scale_ = np.where(sd > 0, sd, 1.0)
        return self

    def transform(self, M):
        M = M.toarray() if sparse.issparse(M) else np.asarray(M)
        return M / self.scale_


class SentenceBiasClassifier(ClassifierMixin, BaseEstimator):
    """Biased-sentence classifier: word and character TF-IDF, lexicon rates, a learned word prior,
    and a logistic regression (module docstring).

    Parameters
    ----------
    lexicons : list of (str, Path or Lexicon), or None
        Feature lexicons; None uses :func:`~framing.classify.bias_lexicons`.
    use_words, use_chars, use_lexicons, use_word_prior : bool, default True
        Feature blocks. ``use_word_prior`` needs ``biased_words`` at ``fit`` (else it is skipped).
    word_ngrams : tuple, default (1, 2)
    char_ngrams : tuple, default (2, 5)
    lexicon_weight, prior_weight : float, default 0.3 and 0.5
        Multipliers of the standardised lexicon and word-prior blocks (the TF-IDF blocks have
        unit-norm rows).
    C : float, default 2.0
        Inverse regularisation of the logistic regression (:data:`DEFAULT_C`).
    crossfit : int, default 5
        Folds used to compute out-of-article word-prior features for the training sentences.
    class_weight : {"balanced"} or None, default None

    Attributes
    ----------
    blocks_ : list of str
        Feature blocks in use.
    model_ : LogisticRegression
    classes_ : numpy.ndarray
    """

    def __init__(self, *, lexicons=None, use_words: bool = True, use_chars: bool = True, use_lexicons: bool = True,
                 use_word_prior: bool = True, word_ngrams=(1, 2), char_ngrams=(2, 5), lexicon_weight: float = 0.3,
                 prior_weight: float = 0.5, C: float = DEFAULT_C, crossfit: int = 5, class_weight=None):
        self.lexicons = lexicons
        self.use_words = use_words
        self.use_chars = use_chars
        self.use_lexicons = use_lexicons
        self.use_word_prior = use_word_prior
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.lexicon_weight = lexicon_weight
        self.prior_weight = prior_weight
        self.C = C
        self.crossfit = crossfit
        self.class_weight = class_weight

    def __getstate__(self):
        state = dict(super().__getstate__())
        return pack_state(state, lexicon_keys=("lexicons",), tfidf_keys=("words_", "chars_"))

    def __setstate__(self, state):
        super().__setstate__(unpack_state(dict(state)))

    # ------------------------------------------------------------------ features
    def _fit_features(self, texts: list[str], biased_words=None, groups=None):
        """Fit the feature blocks on ``texts`` and return the training design matrix."""
        blocks, parts = [], []
        if self.use_words:
            self.words_ = TfidfVectorizer(ngram_range=tuple(self.word_ngrams), sublinear_tf=True, min_df=2)
            parts.append(self.words_.fit_transform(texts))
            blocks.append("words")
        if self.use_chars:
            self.chars_ = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams), sublinear_tf=True,
                                          min_df=2)
            parts.append(self.chars_.fit_transform(texts))
            blocks.append("chars")
        if self.use_lexicons:
            lex = self.lexicons if self.lexicons is not None else bias_lexicons()
            self.lexvec_ = LexiconVectorizer(lexicons=list(lex), value="rate")
            L = np.log1p(self.lexvec_.fit_transform(texts).toarray())
            self.lexscale_ = _Scaler().fit(L)
            parts.append(sparse.csr_matrix(self.lexscale_.transform(L) * self.lexicon_weight))
            blocks.append("lexicons")
        if self.use_word_prior and biased_words is not None:
            g = np.asarray(groups) if groups is not None else np.arange(len(texts))
            oof = np.zeros((len(texts), 5))
            k = min(self.crossfit, len(np.unique(g)))
            for tr, te in GroupKFold(k).split(texts, groups=g):
                prior = WordBiasPrior().fit([texts[i] for i in tr], biased_words=[biased_words[i] for i in tr])
                oof[te] = prior.transform([texts[i] for i in te])
            self.prior_ = WordBiasPrior().fit(texts, biased_words=list(biased_words))
            self.priorscale_ = _Scaler().fit(oof)
            parts.append(sparse.csr_matrix(self.priorscale_.transform(oof) * self.prior_weight))
            blocks.append("word_prior")
        if not parts:
            raise ValueError("every feature block is switched off; enable at least one use_* parameter")
        self.blocks_ = blocks
        return sparse.hstack(parts).tocsr()

    def transform(self, X):
        """The design matrix of texts ``X`` (after ``fit``)."""
        check_is_fitted(self, "blocks_")
        texts = [str(t) for t in X]
        parts = []
        for b in self.blocks_:
            if b == "words":
                parts.append(self.words_.transform(texts))
            elif b == "chars":
                parts.append(self.chars_.transform(texts))
            elif b == "lexicons":
                L = np.log1p(self.lexvec_.transform(texts).toarray())
                parts.append(sparse.csr_matrix(self.lexscale_.transform(L) * self.lexicon_weight))
            else:
                parts.append(sparse.csr_matrix(self.priorscale_.transform(self.prior_.transform(texts))
                                               * self.prior_weight))
        return sparse.hstack(parts).tocsr()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "blocks_")
        names: list[str] = []
        for b in self.blocks_:
            if b == "words":
                names += [f"word:{n}" for n in self.words_.get_feature_names_out()]
            elif b == "chars":
                names += [f"char:{n}" for n in self.chars_.get_feature_names_out()]
            elif b == "lexicons":
                names += [f"lex:{n}" for n in self.lexvec_.get_feature_names_out()]
            else:
                names += [f"prior:{n}" for n in WordBiasPrior.feature_names]
        return np.asarray(names, dtype=object)

    # ------------------------------------------------------------------ model
    def _head(self, C: float | None = None) -> LogisticRegression:
        return LogisticRegression(C=self.C if C is None else C, class_weight=self.class_weight, max_iter=5000)

    def fit(self, X, y, *, biased_words=None, groups=None):
        """Fit on sentences.

        Parameters
        ----------
        X : sequence of str
        y : sequence of int (1 biased, 0 not)
        biased_words : sequence of list of str, optional
            The annotated biased words of each sentence (for the ``word_prior`` block).
        groups : sequence, optional
            Article ids: cross-fitting of the word prior never splits an article.

        Returns
        -------
        self
        """
        texts = [str(t) for t in X]
        y = np.asarray(y).astype(int)
        M = self._fit_features(texts, biased_words, groups)
        self.model_ = self._head().fit(M, y)
        self.classes_ = self.model_.classes_
        return self

    def decision_function(self, X) -> np.ndarray:
        return self.model_.decision_function(self.transform(X))

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self.transform(X))

    def predict(self, X) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def top_features(self, n: int = 20) -> dict[str, list[tuple[str, float]]]:
        """The ``n`` features with the largest positive (``biased``) and negative coefficients."""
        names = self.get_feature_names_out()
        coef = self.model_.coef_[0]
        order = np.argsort(coef)
        return {"biased": [(names[i], float(coef[i])) for i in order[::-1][:n]],
                "non_biased": [(names[i], float(coef[i])) for i in order[:n]]}
