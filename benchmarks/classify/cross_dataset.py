"""Cross-dataset transfer between BABE (expert labels) and MBIC (crowd labels), which share 1,697
sentences: train on one without the shared sentences (and without any sentence of a test article),
test on the other; and the naive versions that keep the overlap.

Run: python benchmarks/classify/cross_dataset.py
"""

from _common import say, write

from framing.classify import bias_lexicons, cross_dataset, normalise_sentence
from framing.datasets import load_babe, load_mbic

babe = load_babe()
mbic = load_mbic(drop_no_agreement=True)
lex = bias_lexicons()
p = {"lexicons": lex}
shared = set(babe["text"].map(normalise_sentence)) & set(load_mbic()["text"].map(normalise_sentence))
out = {"shared_sentences": len(shared)}
out["babe_to_mbic"] = cross_dataset(babe, mbic, params=p)
say(f"BABE -> MBIC: {out['babe_to_mbic']}")
out["babe_to_mbic_naive"] = cross_dataset(babe, mbic, params=p, drop_overlap=False)
say(f"BABE -> MBIC naive: {out['babe_to_mbic_naive']}")
# the reverse: MBIC's crowd labels -> BABE sentences that MBIC does not hold
babe_rest = babe[~babe["text"].map(normalise_sentence).isin(shared)].reset_index(drop=True)
out["mbic_to_babe"] = cross_dataset(mbic, babe_rest, params=p)
say(f"MBIC -> BABE (unshared): {out['mbic_to_babe']}")
out["mbic_to_babe_naive"] = cross_dataset(mbic, babe, params=p, drop_overlap=False)
say(f"MBIC -> BABE naive (all, shared included): {out['mbic_to_babe_naive']}")
out["inflation"] = {"babe_to_mbic": round(out["babe_to_mbic_naive"]["macro_f1"] - out["babe_to_mbic"]["macro_f1"], 4),
                    "mbic_to_babe": round(out["mbic_to_babe_naive"]["macro_f1"] - out["mbic_to_babe"]["macro_f1"], 4)}
write("cross_dataset", out)
