"""LexiconVectorizer: scikit-learn's conventions, and the same counts as framing.count."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.utils import estimator_checks as ec

import framing
from framing.features import VOICES, LexiconVectorizer
from framing.lexicon import Category, Entry, Lexicon

TEXTS = [
    "The regime's thugs attacked protesters in the capital.",
    "Officials met on Monday to discuss the budget.",
    'He called them "terrorists", the so-called government said.',
    "",
    "Militiamen and militias: the militia's leader, a warlord, fled.",
]


def small_lexicon() -> Lexicon:
    return Lexicon(name="tiny", categories={"bad": Category("bad"), "good": Category("good")},
                   entries=[Entry("thug*", "bad"), Entry("warlord", "bad"), Entry("militia*", "bad"),
                            Entry("officials", "good")])


def test_counts_match_framing_count():
    vec = LexiconVectorizer(lexicons=["loaded_language"])
    X = vec.fit_transform(TEXTS).toarray()
    frame = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(TEXTS))], "outlet": "o", "text": TEXTS})
    counts = framing.count(frame[frame["text"] != ""], "loaded_language").set_index("doc_id")
    names = [n.split(":", 1)[1] for n in vec.get_feature_names_out()]
    for i, doc in enumerate(frame["doc_id"]):
        if doc in counts.index:
            assert X[i].tolist() == counts.loc[doc, names].astype(float).tolist()
        else:
            assert X[i].sum() == 0


def test_values_levels_and_names():
    lex = small_lexicon()
    X = LexiconVectorizer(lexicons=lex).fit_transform(TEXTS).toarray()
    assert X[4].tolist() == [4.0, 0.0]  # militiamen, militias, militia's, warlord
    assert X[0].tolist() == [1.0, 0.0] and X[1].tolist() == [0.0, 1.0]
    rate = LexiconVectorizer(lexicons=lex, value="rate").fit_transform(TEXTS).toarray()
    n_tokens = framing.batch.TextBatch.build(TEXTS).n_tokens
    assert np.allclose(rate[4, 0], 1000 * 4 / n_tokens[4])
    assert rate[3].sum() == 0  # empty text: no division by zero
    binary = LexiconVectorizer(lexicons=lex, value="binary").fit_transform(TEXTS).toarray()
    assert binary.max() == 1 and binary[4, 0] == 1
    ent = LexiconVectorizer(lexicons=lex, level="entry")
    E = ent.fit_transform(TEXTS).toarray()
    assert list(ent.get_feature_names_out()) == ["tiny:bad/thug*", "tiny:bad/warlord", "tiny:bad/militia*",
                                                   "tiny:good/officials"]
    assert E[4].tolist() == [0, 1, 3, 0]
    pruned = LexiconVectorizer(lexicons=lex, level="entry", min_df=1).fit(TEXTS)
    assert len(pruned.get_feature_names_out()) == 4
    pruned2 = LexiconVectorizer(lexicons=lex, level="entry", min_df=2).fit(TEXTS + ["a warlord"])
    assert list(pruned2.get_feature_names_out()) == ["tiny:bad/warlord"]


def test_voice_split_and_filter():
    lex = Lexicon(name="v", categories={"label": Category("label")}, entries=[Entry("terrorists", "label")])
    texts = ['He called them "terrorists" on Monday.', "The terrorists fled."]
    split = LexiconVectorizer(lexicons=lex, by_voice=True)
    X = split.fit_transform(texts).toarray()
    names = list(split.get_feature_names_out())
    assert names == [f"v:label@{v}" for v in VOICES]
    assert X[1, names.index("v:label@author")] == 1
    assert X[0, names.index("v:label@author")] == 0 and X[0].sum() == 1
    own = LexiconVectorizer(lexicons=lex, voices=("author",)).fit_transform(texts).toarray()
    assert own[:, 0].tolist() == [0, 1]
    with pytest.raises(ValueError, match="unknown voice"):
        LexiconVectorizer(lexicons=lex, voices=("nobody",)).fit(texts)


def test_input_validation():
    vec = LexiconVectorizer()
    with pytest.raises(ValueError, match="string object received"):
        vec.fit("just one text")
    with pytest.raises(ValueError):
        LexiconVectorizer(value="percent").fit(TEXTS)
    with pytest.raises(ValueError):
        LexiconVectorizer(level="word").fit(TEXTS)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        LexiconVectorizer().transform(TEXTS)
    dense = LexiconVectorizer(sparse_output=False).fit_transform(TEXTS)
    assert isinstance(dense, np.ndarray)


def test_sklearn_contract_clone_params_pickle():
    vec = LexiconVectorizer(lexicons=("loaded_language",), value="rate", level="category")
    params = vec.get_params()
    assert clone(vec).get_params() == params
    other = LexiconVectorizer().set_params(**params)
    assert other.get_params() == params
    fitted = vec.fit(TEXTS)
    for obj in (fitted, pickle.loads(pickle.dumps(fitted))):
        assert (obj.transform(TEXTS) != fitted.transform(TEXTS)).nnz == 0
    again = pickle.loads(pickle.dumps(fitted))
    assert again.get_params() == params
    assert list(again.get_feature_names_out()) == list(fitted.get_feature_names_out())
    lexobj = LexiconVectorizer(lexicons=[small_lexicon()]).fit(TEXTS)
    restored = pickle.loads(pickle.dumps(lexobj))
    assert (restored.transform(TEXTS) != lexobj.transform(TEXTS)).nnz == 0


@pytest.mark.parametrize("check", [
    ec.check_no_attributes_set_in_init,
    ec.check_get_params_invariance,
    ec.check_set_params,
    ec.check_estimator_repr,
    ec.check_estimator_cloneable,
    ec.check_parameters_default_constructible,
])
def test_estimator_checks_that_apply_to_text_transformers(check):
    check(LexiconVectorizer.__name__, LexiconVectorizer())


def test_tags_declare_text_input():
    tags = LexiconVectorizer().__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array


def test_pipeline_union_and_grid_search():
    texts = ["the regime's thugs", "a warlord and his militia", "officials met", "the budget was passed",
             "thugs and militias", "the council approved the plan"] * 4
    y = [1, 1, 0, 0, 1, 0] * 4
    union = FeatureUnion([("tfidf", TfidfVectorizer()), ("lex", LexiconVectorizer(lexicons=[small_lexicon()]))])
    pipe = Pipeline([("features", union), ("clf", LogisticRegression())])
    pipe.fit(texts, y)
    assert pipe.predict(["a thug"]).tolist() == [1]
    names = pipe.named_steps["features"].get_feature_names_out()
    assert "lex__tiny:bad" in names
    grid = GridSearchCV(make_pipeline(LexiconVectorizer(lexicons=[small_lexicon()]), LogisticRegression()),
                        {"lexiconvectorizer__value": ["count", "binary", "rate"],
                         "lexiconvectorizer__level": ["category", "entry"]}, cv=3)
    grid.fit(texts, y)
    assert grid.best_score_ == 1.0
    assert set(grid.cv_results_["param_lexiconvectorizer__value"]) == {"count", "binary", "rate"}


def test_skops_round_trip(tmp_path):
    sio = pytest.importorskip("skops.io")
    vec = LexiconVectorizer(lexicons=["loaded_language", small_lexicon()], level="entry").fit(TEXTS)
    sio.dump(vec, tmp_path / "v.skops")
    untrusted = sio.get_untrusted_types(file=tmp_path / "v.skops")
    assert set(untrusted) <= {"framing.features.LexiconVectorizer"}
    back = sio.load(tmp_path / "v.skops", trusted=untrusted)
    assert (back.transform(TEXTS) != vec.transform(TEXTS)).nnz == 0
    assert (tmp_path / "v.skops").stat().st_size < 2_000_000
