"""framing: measure how news outlets label the same actors and events.

The pipeline runs one way: corpus -> mentions -> aggregates -> outputs.

>>> import framing
>>> corpus = framing.read_corpus(framing.demo_corpus())
>>> result = framing.score(corpus, ["libya", "loaded_language"])
>>> tables = framing.compare(result)
"""

from ._resources import bundled_lexicons, demo_corpus
from .comparison import compare, outlet_category, referent_attention, referent_labels
from .corpus import Corpus, iter_corpus, read_corpus
from .errors import CorpusError, FramingError, LexiconError
from .kwic import kwic
from .lexicon import Lexicon, load_lexicon
from .matcher import CompiledMatcher
from .score import ScoreResult, compile_lexicons, count, score
from . import stats  # noqa: E402  (a subpackage: framing.stats.rates, .log_odds ...)

__version__ = "0.1.0"


def __getattr__(name):  # plots, report, study and manifest load matplotlib etc. only when first used
    if name in ("plots", "report", "study", "manifest"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'framing' has no attribute {name!r}")

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
]
