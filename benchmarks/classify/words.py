"""Word level: token F1 of the biased-word detector on MBIC (the setting of Spinde et al., IPM
2021, F1 = 0.43) and on BABE, grouped 5-fold CV, threshold tuned inside each training fold.

Run: python benchmarks/classify/words.py
"""

from _common import say, write

from framing.classify import bias_lexicons, evaluate_words
from framing.datasets import load_babe, load_mbic

lex = bias_lexicons()
out = {}
out["mbic"] = evaluate_words(load_mbic(), folds=5, params={"lexicons": lex}, progress=say)
out["mbic"]["params"] = "lexicons: bias_lexicons()"
say(f"MBIC words: {out['mbic']}")
out["babe"] = evaluate_words(load_babe(), folds=5, params={"lexicons": lex}, progress=say)
out["babe"]["params"] = "lexicons: bias_lexicons()"
say(f"BABE words: {out['babe']}")
out["published"] = {"mbic_f1": 0.43, "precision": 0.29, "recall": 0.77, "roc_auc": 0.79,
                    "model": "XGBoost over linguistic and context features (Spinde et al., IPM 58, 2021)"}
write("words", out)
