"""BABE (SG2, 3,673 labelled sentences): grouped 10-fold nested cross-validation of the sentence
classifier, macro F1 with a 95 % bootstrap CI over articles; the published best is 0.804
(Spinde et al. 2021, distantly supervised BERT).

Run: python benchmarks/classify/babe_nested.py   (about 10-20 minutes on 2 busy cores)
"""

from _common import say, write

from framing.classify import DEFAULT_GRID, bias_lexicons, evaluate_sentences
from framing.datasets import load_babe

data = load_babe()
lex = bias_lexicons()
res = evaluate_sentences(data, folds=10, inner=3, grid=DEFAULT_GRID, params={"lexicons": lex}, seed=0, progress=say)
res.pop("predictions")
res["params"] = {k: v for k, v in res["params"].items() if k != "lexicons"}
res["lexicons"] = [f"{x.name} {x.version}" for x in lex]
res["published"] = {"macro_f1": 0.804, "model": "DA-RoBERTa/BERT with distant supervision (Spinde et al., Findings "
                    "of EMNLP 2021)"}
res["gap"] = round(0.804 - res["macro_f1"], 4)
say(f"BABE nested: macro F1 {res['macro_f1']} [{res['ci_low']}, {res['ci_high']}] chosen {res['chosen']}")
write("babe_nested", res)
