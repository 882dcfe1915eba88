"""Compact, code-free state for the fitted pieces of framing's models.

skops writes every Python scalar as a node of its JSON schema, so a fitted vectorizer's vocabulary
(a dict of 100,000 n-grams) or a lexicon of 15,000 entries would take hundreds of megabytes.
Our estimators' ``__getstate__`` therefore store such pieces as fixed-width unicode NumPy arrays
and JSON strings (loaded without pickle), and ``__setstate__`` rebuilds them.
"""

from __future__ import annotations

import json

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer

from ..features import pack_lexicons, str_array, unpack_lexicons

__all__ = ["pack_lexicons", "unpack_lexicons", "pack_tfidf", "unpack_tfidf", "pack_dictvec", "unpack_dictvec",
           "str_array", "PACKED"]

#: Key marking a packed value in a state dict.
PACKED = "__framing_packed__"


def _params_json(est) -> str:
    params = {}
    for k, v in est.get_params().items():
        if k == "dtype":
            params[k] = {"dtype": np.dtype(v).name}
        elif isinstance(v, tuple):
            params[k] = {"tuple": list(v)}
        elif v is None or isinstance(v, (str, int, float, bool)):
            params[k] = v
        else:
            raise TypeError(f"cannot pack parameter {k}={v!r} of {type(est).__name__}")
    return json.dumps(params)


def _params(text: str) -> dict:
    out = {}
    for k, v in json.loads(text).items():
        if isinstance(v, dict) and "dtype" in v:
            v = getattr(np, v["dtype"])
        elif isinstance(v, dict) and "tuple" in v:
            v = tuple(v["tuple"])
        out[k] = v
    return out


def pack_tfidf(vec: TfidfVectorizer) -> dict:
    """A fitted TfidfVectorizer as parameters (JSON), vocabulary (unicode array) and idf."""
    terms = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    return {PACKED: "tfidf", "params": _params_json(vec), "terms": str_array(terms),
            "idf": np.asarray(vec.idf_, dtype=np.float64)}


def unpack_tfidf(state: dict) -> TfidfVectorizer:
    vec = TfidfVectorizer(**_params(state["params"]))
    vec.vocabulary_ = {t: i for i, t in enumerate(state["terms"].tolist())}
    vec.fixed_vocabulary_ = False
    vec.idf_ = state["idf"]
    return vec


def pack_dictvec(vec: DictVectorizer) -> dict:
    return {PACKED: "dictvec", "params": _params_json(vec), "names": str_array(vec.feature_names_)}


def unpack_dictvec(state: dict) -> DictVectorizer:
    vec = DictVectorizer(**_params(state["params"]))
    names = state["names"].tolist()
    vec.feature_names_ = names
    vec.vocabulary_ = {n: i for i, n in enumerate(names)}
    return vec


def pack_state(state: dict, *, lexicon_keys=(), tfidf_keys=(), dictvec_keys=()) -> dict:
    """Pack the named entries of an estimator's state dict in place (and return it)."""
    for k in lexicon_keys:
        if k in state and state[k] is not None and not isinstance(state[k], dict):
            state[k] = {PACKED: "lexicons", "json": pack_lexicons(state[k])}
    for k in tfidf_keys:
        if isinstance(state.get(k), TfidfVectorizer):
            state[k] = pack_tfidf(state[k])
    for k in dictvec_keys:
        if isinstance(state.get(k), DictVectorizer):
            state[k] = pack_dictvec(state[k])
    return state


def unpack_state(state: dict) -> dict:
    """Rebuild every packed entry of a state dict."""
    for k, v in list(state.items()):
        if isinstance(v, dict) and PACKED in v:
            kind = v[PACKED]
            if kind == "lexicons":
                state[k] = unpack_lexicons(v["json"])
            elif kind == "tfidf":
                state[k] = unpack_tfidf(v)
            elif kind == "dictvec":
                state[k] = unpack_dictvec(v)
    return state
