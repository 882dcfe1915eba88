"""Classifiers that learn bias from annotated news: sentences, words, outlets and leanings.

Lexicons find the terms we know; these models find the biased language we did not list. All are
scikit-learn models over sparse features (no downloaded embeddings or transformer weights):

* :class:`SentenceBiasClassifier`: is a sentence biased? Word and character TF-IDF, lexicon
  rates (:class:`~framing.features.LexiconVectorizer`), a word prior learned from annotated biased
  words, logistic regression. Trained and evaluated on BABE / MBIC (:mod:`framing.datasets`).
* :class:`BiasedWordDetector`: which words carry the bias (token classifier).
* :func:`predictability`: how well word choice predicts an outlet or its leaning, on random
  versus outlet-grouped splits, with the most predictive terms.
* :func:`evaluate_sentences`, :func:`evaluate_words`, :func:`cross_dataset`: grouped (nested)
  cross-validation with cluster-bootstrap confidence intervals.
* :func:`save_model` / :func:`load_model`: skops files with a JSON card and a SHA-256 check.

>>> from framing.classify import SentenceBiasClassifier
>>> clf = SentenceBiasClassifier(lexicons=["loaded_language"], use_word_prior=False)
>>> texts = ["The radical mob stormed the hall.", "The council met on Tuesday.",
...          "Corrupt thugs ruined everything.", "The report was published in May."] * 3
>>> clf.fit(texts, [1, 0, 1, 0] * 3).predict(["The mob ruined the hall."]).tolist()
[1]
"""

from ._evaluate import (DEFAULT_GRID, bootstrap_f1, cross_dataset, evaluate_sentences, evaluate_words, grouped_folds,
                        normalise_sentence)
from ._lexicons import bias_lexicons, default_lexicon_dir
from ._persist import ModelError, TRUSTED_TYPES, load_model, read_card, save_model
from ._predictability import make_term_model, predictability, top_terms
from ._sentences import SentenceBiasClassifier, WordBiasPrior
from ._words import BiasedWordDetector, word_labels
from ._apply import apply_model, sentence_table

__all__ = [
    "SentenceBiasClassifier",
    "WordBiasPrior",
    "BiasedWordDetector",
    "word_labels",
    "bias_lexicons",
    "default_lexicon_dir",
    "evaluate_sentences",
    "evaluate_words",
    "cross_dataset",
    "bootstrap_f1",
    "grouped_folds",
    "normalise_sentence",
    "DEFAULT_GRID",
    "predictability",
    "make_term_model",
    "top_terms",
    "save_model",
    "load_model",
    "read_card",
    "ModelError",
    "TRUSTED_TYPES",
    "apply_model",
    "sentence_table",
]
