"""Outlet predictability on BASIL: can word choice tell Fox, the New York Times and HuffPost apart
when all three report the same 100 events? Random stratified 5-fold versus 5-fold grouped by event
(the three articles of an event on one side), with the most predictive terms per outlet.

Run: python benchmarks/classify/outlets.py
"""

from _common import RESULTS, say, write

from framing.classify import predictability
from framing.datasets import load_basil

arts = load_basil()
res = predictability(arts["text"], arts["outlet"], arts["triplet"], folds=5, seed=0,
                     model_params={"min_df": 2, "ngram_range": (1, 1)})
RESULTS.mkdir(exist_ok=True)
res.pop("top_terms").to_csv(RESULTS / "basil_outlet_terms.csv", index=False)
res["grouped"]["grouping"] = "event (triplet)"
say(f"BASIL outlet: random {res['random']['macro_f1']} event-grouped {res['grouped']['macro_f1']}")
write("basil_outlets", res)
