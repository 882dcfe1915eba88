"""Which feature blocks carry the gain on BABE: grouped 10-fold CV (same folds, fixed C = the
nested-CV choice) of the sentence classifier with blocks added one at a time and removed one at
a time.

Run: python benchmarks/classify/babe_ablation.py [C]
"""

import sys

from _common import say, write

from framing.classify import bias_lexicons, evaluate_sentences
from framing.classify._sentences import DEFAULT_C
from framing.datasets import load_babe

C = float(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_C
data = load_babe()
lex = bias_lexicons()
configs = {
    "words": dict(use_chars=False, use_lexicons=False, use_word_prior=False),
    "words+chars": dict(use_lexicons=False, use_word_prior=False),
    "words+chars+lexicons": dict(use_word_prior=False),
    "words+chars+word_prior": dict(use_lexicons=False),
    "full": {},
    "full-chars": dict(use_chars=False),
    "lexicons only": dict(use_words=False, use_chars=False, use_word_prior=False),
    "word_prior only": dict(use_words=False, use_chars=False, use_lexicons=False),
}
rows = {}
for name, kw in configs.items():
    res = evaluate_sentences(data, folds=10, params={"lexicons": lex, "C": C, **kw}, seed=0)
    rows[name] = {k: res[k] for k in ("macro_f1", "ci_low", "ci_high", "accuracy", "f1_biased", "seconds")}
    say(f"{name}: {rows[name]}")
write("babe_ablation", {"C": C, "folds": 10, "grouping": "article", "n": int(len(data)), "rows": rows})
