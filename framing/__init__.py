"""framing: measure how news outlets label the same actors and events.

The pipeline runs one way: corpus -> mentions -> aggregates -> outputs.

>>> import framing
>>> corpus = framing.read_corpus(framing.demo_corpus())
>>> result = framing.score(corpus, ["libya", "loaded_language"])
>>> tables = framing.compare(result)
"""

from ._resources import bundled_lexicons, demo_corpus
from .corpus import Corpus, iter_corpus, read_corpus
from .errors import CorpusError, FramingError, FramingWarning, LexiconError, UnreadableDateWarning
from .kwic import kwic
from .lexicon import Lexicon, load_lexicon
from .matcher import CompiledMatcher
from .score import ScoreResult, compile_lexicons, count, score

__version__ = "0.1.0"


_LAZY_MODULES = ("stats", "plots", "report", "study", "manifest")
_LAZY_NAMES = {"compare": "comparison", "outlet_category": "comparison", "referent_labels": "comparison",
               "referent_attention": "comparison"}


def __getattr__(name):
    # Statistics, plots and reports load SciPy, scikit-learn and matplotlib only when first used, so
    # that scoring processes stay small (import framing: ~60 MiB instead of ~180 MiB).
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'framing' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_MODULES) | set(_LAZY_NAMES))

__all__ = [
    "__version__",
    "read_corpus",
    "iter_corpus",
    "Corpus",
    "load_lexicon",
    "Lexicon",
    "compile_lexicons",
    "CompiledMatcher",
    "score",
    "count",
    "ScoreResult",
    "compare",
    "outlet_category",
    "referent_labels",
    "referent_attention",
    "kwic",
    "stats",
    "demo_corpus",
    "bundled_lexicons",
    "FramingError",
    "CorpusError",
    "LexiconError",
    "FramingWarning",
    "UnreadableDateWarning",
]
