"""Article-Bias-Prediction (the 3,656 staged articles of the media-split validation and test sets):
left / center / right from word choice, random stratified 5-fold versus 5-fold grouped by outlet
(unseen media), with the most predictive terms per class. Also the published media split restricted
to staged articles: train on media-valid, test on media-test (disjoint outlets but for a few
guest-writer strings).

Run: python benchmarks/classify/abp.py
"""

from _common import RESULTS, say, write

from framing.classify import bootstrap_f1, make_term_model, predictability
from framing.datasets import load_article_bias

data = load_article_bias()
res = predictability(data["text"], data["label"], data["outlet"], folds=5, seed=0)
RESULTS.mkdir(exist_ok=True)
res.pop("top_terms").to_csv(RESULTS / "abp_top_terms.csv", index=False)
say(f"ABP: random {res['random']['macro_f1']} grouped {res['grouped']['macro_f1']} drop {res['drop']}")
tr = data[data["split_media"] == "valid"]
te = data[data["split_media"] == "test"]
model = make_term_model().fit(tr["text"].tolist(), tr["label"])
pred = model.predict(te["text"].tolist())
f, lo, hi = bootstrap_f1(te["label"].to_numpy(), pred, te["outlet"].to_numpy())
res["media_split"] = {"train": "media valid (staged)", "test": "media test", "n_train": len(tr), "n_test": len(te),
                      "macro_f1": round(f, 4), "ci_low": round(lo, 4), "ci_high": round(hi, 4),
                      "shared_outlets": sorted(set(tr["outlet"]) & set(te["outlet"]))}
say(f"ABP media split (valid -> test): {res['media_split']['macro_f1']}")
write("abp", res)
