"""Lexicon features for scikit-learn: any lexicon becomes model input.

:class:`LexiconVectorizer` is a transformer in the manner of scikit-learn's ``CountVectorizer``: it
takes raw texts and returns a document x feature matrix with one column per lexicon category (or per
entry), holding counts, rates per 1,000 tokens or presence, optionally split by voice (whether the
outlet used the word itself or quoted someone). Matching is exactly :func:`framing.score`'s (one
Aho-Corasick pass over a batch of texts, whole words, longest match).

>>> from framing.features import LexiconVectorizer
>>> vec = LexiconVectorizer(lexicons=["loaded_language"], value="count")
>>> X = vec.fit_transform(["The regime's thugs attacked protesters.", "Officials met on Monday."])
>>> X.shape[0]
2
>>> "loaded_language:delegitimising_epithet" in vec.get_feature_names_out()
True
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from numbers import Integral

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .lexicon import Category, Entry, Lexicon, Referent, load_lexicon
from .lexicon.model import REFERENT_CATEGORY
from .matcher import CompiledMatcher

__all__ = ["LexiconVectorizer", "VOICES", "pack_lexicons", "unpack_lexicons"]

#: The voices a mention can have (see :mod:`framing.voice`), in feature order.
VOICES = ("author", "quoted", "attributed", "scare_quoted")


def _as_texts(raw_documents) -> list[str]:
    if isinstance(raw_documents, (str, bytes)):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    if isinstance(raw_documents, pd.DataFrame):
        raise ValueError("LexiconVectorizer takes an iterable of texts, not a DataFrame; pass df['text']")
    out = []
    for t in raw_documents:
        if t is None or (isinstance(t, float) and np.isnan(t)):
            out.append("")
        elif isinstance(t, bytes):
            out.append(t.decode("utf-8"))
        else:
            out.append(str(t))
    return out


def str_array(values) -> np.ndarray:
    """Strings as a fixed-width unicode array (saved by NumPy without pickle)."""
    values = [str(v) for v in values]
    return np.asarray(values, dtype=f"<U{max((len(v) for v in values), default=1) or 1}")


def pack_lexicons(lexicons) -> str | None:
    """A list of lexicons (or names/paths) as one JSON string; None stays None."""
    if lexicons is None:
        return None
    if isinstance(lexicons, (str, Lexicon)):
        lexicons = [lexicons]
    out = []
    for lex in lexicons:
        if not isinstance(lex, Lexicon):
            out.append({"ref": str(lex)})
            continue
        out.append({
            "name": lex.name, "version": lex.version, "language": lex.language, "description": lex.description,
            "unique_terms": lex.unique_terms,
            "categories": [[c.id, c.description] for c in lex.categories.values()],
            "referents": [[r.id, r.name, list(r.aliases)] for r in lex.referents.values()],
            "entries": [[e.term, e.category, e.referent, e.valence, list(e.variants), list(e.exclude)]
                        for e in lex.entries],
        })
    return json.dumps(out, separators=(",", ":"))


def unpack_lexicons(text: str | None):
    """Inverse of :func:`pack_lexicons` (notes, sources and format attributes are not kept)."""
    if text is None:
        return None
    out = []
    for d in json.loads(text):
        if "ref" in d:
            out.append(d["ref"])
            continue
        out.append(Lexicon(
            name=d["name"], version=d["version"], language=d["language"], description=d["description"],
            referents={r[0]: Referent(r[0], r[1], list(r[2])) for r in d["referents"]},
            categories={c[0]: Category(c[0], c[1]) for c in d["categories"]},
            entries=[Entry(t, c, referent=r, valence=v, variants=list(va), exclude=list(ex))
                     for t, c, r, v, va, ex in d["entries"]],
            unique_terms=d["unique_terms"]))
    return out



class LexiconVectorizer(TransformerMixin, BaseEstimator):
    """Turn texts into lexicon features: counts, rates or presence per category or per entry.

    Parameters
    ----------
    lexicons : sequence of (str, Path or Lexicon), default ("loaded_language",)
        Names of shipped lexicons (``"loaded_language"``, ``"libya"``, ``"attribution"``), paths to
        lexicon files in any format :func:`framing.load_lexicon` reads (YAML, LIWC ``.dic``, MPQA
        ``.tff``, word lists ...), or :class:`~framing.lexicon.Lexicon` objects. A single value
        is accepted too. They are loaded at ``fit`` and kept in ``lexicons_``, so a fitted
        vectorizer (and a saved model) no longer needs the files.
    level : {"category", "entry"}, default "category"
        One feature per lexicon category (``lexicon:category``; ``lexicon:referent`` counts
        occurrences of the lexicon's referent aliases) or per entry (``lexicon:category/term``,
        ``lexicon:referent/<id>``). With ``"entry"``, only entries seen in the training texts
        become features when ``min_df`` > 0.
    value : {"count", "rate", "binary"}, default "count"
        Matches per text, matches per 1,000 word tokens (:func:`framing.text.count_words`), or
        1 where the feature occurs at all.
    by_voice : bool, default False
        Split every feature by the voice of the mention (``feature@author``, ``@quoted``,
        ``@attributed``, ``@scare_quoted``); voice attribution runs :func:`framing.score`,
        which is slower than the plain matcher pass.
    voices : sequence of str, optional
        Count only mentions in these voices (e.g. ``("author",)`` for the outlet's own words);
        implies voice attribution. None counts every mention.
    min_df : int, default 0
        With ``level="entry"``: keep entries matched in at least this many training texts.
    sparse_output : bool, default True
        Return a ``scipy.sparse`` CSR matrix (as text vectorizers do) or a dense array.

    Attributes
    ----------
    lexicons_ : list of Lexicon
        The loaded lexicons.
    feature_names_ : numpy.ndarray of str
        Names of the output columns.
    vocabulary_ : dict
        Feature name -> column index.

    See Also
    --------
    framing.count : the same counts as a DataFrame, from a corpus file.

    Notes
    -----
    The estimator follows scikit-learn's contract: ``__init__`` only stores its keyword
    arguments, learned state ends in ``_``, and it works in ``Pipeline``, ``FeatureUnion``,
    ``ColumnTransformer``, ``GridSearchCV``, ``clone`` and pickle. The compiled automaton is not
    pickled; it is rebuilt from ``lexicons_`` on first use after loading.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline, make_union
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> model = make_pipeline(make_union(TfidfVectorizer(), LexiconVectorizer(value="rate")),
    ...                       LogisticRegression())
    """

    _parameter_constraints: dict = {
        "lexicons": [list, tuple, str, Lexicon, os.PathLike],
        "level": [StrOptions({"category", "entry"})],
        "value": [StrOptions({"count", "rate", "binary"})],
        "by_voice": ["boolean"],
        "voices": [list, tuple, None],
        "min_df": [Interval(Integral, 0, None, closed="left")],
        "sparse_output": ["boolean"],
    }

    def __init__(self, *, lexicons=("loaded_language",), level: str = "category", value: str = "count",
                 by_voice: bool = False, voices=None, min_df: int = 0, sparse_output: bool = True):
        self.lexicons = lexicons
        self.level = level
        self.value = value
        self.by_voice = by_voice
        self.voices = voices
        self.min_df = min_df
        self.sparse_output = sparse_output

    # ------------------------------------------------------------------ scikit-learn protocol
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags

    def __getstate__(self):
        # compact and code-free (see framing.classify._compact): the automaton is dropped, the
        # lexicons become one JSON string, names fixed-width unicode arrays
        state = super().__getstate__()
        state = dict(state)
        state.pop("_matcher", None)
        state.pop("vocabulary_", None)
        if "lexicons_" in state:
            state["lexicons_"] = {"__framing_packed__": "lexicons", "json": pack_lexicons(state["lexicons_"])}
        lex = state.get("lexicons")
        if isinstance(lex, (list, tuple)) and any(isinstance(x, Lexicon) for x in lex):
            state["lexicons"] = {"__framing_packed__": "lexicons", "json": pack_lexicons(lex)}
        elif isinstance(lex, Lexicon):
            state["lexicons"] = {"__framing_packed__": "lexicon", "json": pack_lexicons([lex])}
        for k in ("feature_names_", "_base_names"):
            if k in state:
                state[k] = str_array(state[k])
        return state

    def __setstate__(self, state):
        state = dict(state)
        for k in ("lexicons_", "lexicons"):
            v = state.get(k)
            if isinstance(v, dict) and "__framing_packed__" in v:
                lex = unpack_lexicons(v["json"])
                state[k] = lex[0] if v["__framing_packed__"] == "lexicon" else lex
        if "feature_names_" in state:
            state["feature_names_"] = np.asarray(state["feature_names_"].tolist(), dtype=object)
            state["vocabulary_"] = {n: i for i, n in enumerate(state["feature_names_"])}
        if "_base_names" in state:
            state["_base_names"] = list(state["_base_names"].tolist())
        super().__setstate__(state)

    def _check_voices(self) -> tuple[str, ...] | None:
        if self.voices is None:
            return None
        voices = (self.voices,) if isinstance(self.voices, str) else tuple(self.voices)
        bad = [v for v in voices if v not in VOICES]
        if bad:
            raise ValueError(f"unknown voice {bad[0]!r}; voices are {', '.join(VOICES)}")
        return voices

    def fit(self, raw_documents: Iterable[str], y=None):
        """Load and compile the lexicons and fix the feature names.

        Parameters
        ----------
        raw_documents : iterable of str
        y : ignored

        Returns
        -------
        self
        """
        self._validate_params()
        texts = _as_texts(raw_documents)
        self.__dict__.pop("_keep_base", None)
        voices = self._check_voices()
        lexicons = self.lexicons
        if isinstance(lexicons, (str, Lexicon)) or hasattr(lexicons, "__fspath__"):
            lexicons = [lexicons]
        self.lexicons_ = [load_lexicon(x) for x in lexicons]
        if not self.lexicons_:
            raise ValueError("LexiconVectorizer needs at least one lexicon")
        matcher = CompiledMatcher(self.lexicons_)
        self._matcher = matcher
        base = self._base_features(matcher)
        self._base_names = base
        if self.level == "entry" and self.min_df > 0:
            counts = self._base_counts(texts, voices=voices, by_voice=False)
            df = np.asarray((counts > 0).sum(axis=0)).ravel()
            self._keep_base = np.flatnonzero(df >= self.min_df)
        else:
            self._keep_base = np.arange(len(base))
        names = [base[i] for i in self._keep_base]
        if self.by_voice:
            shown = voices or VOICES
            names = [f"{n}@{v}" for n in names for v in shown]
        self.feature_names_ = np.asarray(names, dtype=object)
        self.vocabulary_ = {n: i for i, n in enumerate(names)}
        return self

    def transform(self, raw_documents: Iterable[str]):
        """Lexicon features of texts.

        Parameters
        ----------
        raw_documents : iterable of str

        Returns
        -------
        scipy.sparse.csr_matrix or numpy.ndarray of shape (n_texts, n_features)
        """
        check_is_fitted(self, "feature_names_")
        texts = _as_texts(raw_documents)
        voices = self._check_voices()
        mat, n_tokens = self._base_counts(texts, voices=voices, by_voice=self.by_voice, return_tokens=True)
        if self.value == "binary":
            mat = (mat > 0).astype(np.float64)
        elif self.value == "rate":
            scale = np.divide(1000.0, n_tokens, out=np.zeros(len(texts)), where=n_tokens > 0)
            mat = sparse.diags(scale) @ mat
        mat = sparse.csr_matrix(mat, dtype=np.float64)
        return mat if self.sparse_output else mat.toarray()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output features (``lexicon:category``, ``lexicon:category/term`` or with
        ``@voice``)."""
        check_is_fitted(self, "feature_names_")
        return self.feature_names_.copy()

    # ------------------------------------------------------------------ internals
    @property
    def matcher_(self) -> CompiledMatcher:
        """The compiled automaton (rebuilt from ``lexicons_`` after unpickling)."""
        check_is_fitted(self, "lexicons_")
        m = self.__dict__.get("_matcher")
        if m is None:
            m = CompiledMatcher(self.lexicons_)
            self._matcher = m
        return m

    def _base_features(self, matcher: CompiledMatcher) -> list[str]:
        """Feature names before voice splitting, and the target -> base column map."""
        names: list[str] = []
        index: dict[tuple[str, str], int] = {}
        col = np.zeros(len(matcher.targets), dtype=np.int64)
        for lex in self.lexicons_:
            keys = []
            if self.level == "category":
                if lex.referents:
                    keys.append(REFERENT_CATEGORY)
                keys += list(lex.categories)
            for k in keys:
                index[(lex.name, k)] = len(names)
                names.append(f"{lex.name}:{k}")
        for t, target in enumerate(matcher.targets):
            if target.kind != "match":
                col[t] = -1
                continue
            key = (target.lexicon, target.category if self.level == "category" else target.entry)
            if key not in index:
                index[key] = len(names)
                names.append(f"{key[0]}:{key[1]}")
            col[t] = index[key]
        self._target_col = col
        return names

    def _base_counts(self, texts: list[str], *, voices, by_voice: bool, return_tokens: bool = False):
        matcher = self.matcher_
        if not hasattr(self, "_target_col") or len(self._target_col) != len(matcher.targets):
            self._base_features(matcher)
        n_base = len(self._base_names) if hasattr(self, "_base_names") else int(self._target_col.max()) + 1
        keep = getattr(self, "_keep_base", None)
        batch = matcher.batch(texts) if texts else None
        n_tokens = batch.n_tokens.astype(np.float64) if batch is not None else np.zeros(0)
        if not texts:
            doc = tid = np.zeros(0, dtype=np.int64)
            voice = np.zeros(0, dtype=object)
        elif voices is None and not by_voice:
            doc, _, _, tid = matcher.find(batch)
            voice = None
        else:
            doc, tid, voice = self._voiced_mentions(texts, matcher)
        col = self._target_col[tid]
        ok = col >= 0
        if voices is not None and voice is not None:
            ok &= np.isin(voice, list(voices))
        doc, col = doc[ok], col[ok]
        if voice is not None:
            voice = voice[ok]
        if keep is not None and len(keep) != n_base:
            remap = np.full(n_base, -1, dtype=np.int64)
            remap[keep] = np.arange(len(keep))
            col = remap[col]
            sel = col >= 0
            doc, col = doc[sel], col[sel]
            if voice is not None:
                voice = voice[sel]
            n_cols = len(keep)
        else:
            n_cols = n_base
        if by_voice:
            shown = list(voices or VOICES)
            vidx = pd.Index(shown).get_indexer(voice)
            col = col * len(shown) + vidx
            n_cols *= len(shown)
        data = np.ones(len(doc), dtype=np.float64)
        mat = sparse.csr_matrix((data, (doc, col)), shape=(len(texts), n_cols))
        mat.sum_duplicates()
        return (mat, n_tokens) if return_tokens else mat

    def _voiced_mentions(self, texts: list[str], matcher: CompiledMatcher):
        """Mentions with voices, through :func:`framing.score` (documents keyed by position)."""
        from .score import score

        ids = [str(i) for i in range(len(texts))]
        frame = pd.DataFrame({"doc_id": ids, "outlet": "_", "text": texts})
        res = score(frame, matcher, sentences=False, voice=True, progress=False)
        m = res.mentions
        if m.empty:
            z = np.zeros(0, dtype=np.int64)
            return z, z, np.zeros(0, dtype=object)
        doc = m["doc_id"].astype(int).to_numpy()
        # map (lexicon, entry, category) back to a target id with the same column
        key_to_tid: dict[tuple[str, str, str], int] = {}
        for t, target in enumerate(matcher.targets):
            if target.kind == "match":
                key_to_tid.setdefault((target.lexicon, target.entry, target.category), t)
        tid = np.asarray([key_to_tid[k] for k in zip(m["lexicon"], m["entry"], m["category"])], dtype=np.int64)
        return doc, tid, m["voice"].to_numpy(dtype=object)
