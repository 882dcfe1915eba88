"""Coverage of a lexicon in a corpus, and discovery of candidate terms (held-out terms come back)."""

import copy

import numpy as np
import pandas as pd
import pytest
import yaml

from framing.discovery import (CANDIDATE_COLUMNS, candidates_yaml, coverage, suggest, suggest_descriptors,
                               suggest_distinctive, suggest_neighbours)
from framing.discovery import _g2, _Tokens
from framing.lexicon import Category, Entry, Lexicon, Referent, load_lexicon, parse_yaml
from framing.lexicon.model import term_key


# ------------------------------------------------------------------------------------------ coverage
def test_coverage_counts_per_outlet_unmatched_and_mostly_quoted():
    lex = Lexicon("t", referents={"h": Referent("h", "Haftar", ["Haftar"])},
                  categories={"label": Category("label")},
                  entries=[Entry("warlord", "label"), Entry("strongman", "label"), Entry("never", "label")])
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["x", "x", "y"]})
    rows = [("a", "x", "label/warlord", "quoted"), ("a", "x", "label/warlord", "attributed"),
            ("b", "x", "label/warlord", "quoted"), ("c", "y", "label/warlord", "author"),
            ("c", "y", "label/strongman", "author"), ("c", "y", "referent/h", "author")]
    m = pd.DataFrame(rows, columns=["doc_id", "outlet", "entry", "voice"]).assign(lexicon="t")
    cov = coverage(m, docs, lex).set_index("entry")
    assert list(cov.index) == ["referent/h", "label/warlord", "label/strongman", "label/never"]
    w = cov.loc["label/warlord"]
    assert (w["mentions"], w["documents"], w["outlets"], w["quoted"]) == (4, 3, 2, 3)
    assert (w["mentions:x"], w["documents:x"], w["mentions:y"], w["documents:y"]) == (3, 2, 1, 1)
    assert w["quoted_share"] == 0.75 and w["mostly_quoted"]
    assert not cov.loc["label/strongman", "mostly_quoted"]  # author voice, and too few mentions anyway
    assert not cov.loc["label/never", "matched"] and cov.loc["label/never", "mentions"] == 0
    assert np.isnan(cov.loc["label/never", "quoted_share"])


def test_g2_matches_the_textbook_formula():
    # Dunning's G2 for the table [[10, 90], [20, 880]]
    k, n1, c, total = np.array([10]), 100, np.array([30]), 1000
    obs = np.array([10, 90, 20, 880], dtype=float)
    exp = np.array([100 * 30, 100 * 970, 900 * 30, 900 * 970], dtype=float) / 1000
    assert _g2(k, n1, c, total)[0] == pytest.approx(2 * np.sum(obs * np.log(obs / exp)))
    assert _g2(np.array([1]), n1, c, total)[0] < 0  # fewer than expected: negative


# ------------------------------------------------------------------------------------------ descriptors
def _actors(**entries) -> Lexicon:
    refs = {"obama": Referent("obama", "Barack Obama", ["Barack Obama", "Obama"]),
            "clinton": Referent("clinton", "Hillary Clinton", ["Hillary Clinton", "Hillary Rodham Clinton",
                                                               "Clinton"]),
            "trump": Referent("trump", "Donald Trump", ["Donald Trump", "Donald J. Trump", "Trump"]),
            "kim": Referent("kim", "Kim Jong-un", ["Kim Jong-un", "Kim"])}
    return Lexicon("actors", referents=refs, categories={"label": Category("label")},
                   entries=[Entry(t, "label", referent=r) for t, r in entries.items()])


@pytest.fixture(scope="module")
def basil_tokens(basil):
    return _Tokens.build(basil[["doc_id", "outlet", "text"]])


def test_held_out_descriptors_come_back_on_basil(basil, basil_tokens):
    full = _actors(President="obama", nominee="clinton", Senator="obama", dictator="kim")
    held = {"obama": "President", "clinton": "nominee"}
    lex = copy.deepcopy(full)
    lex.entries = [e for e in lex.entries if e.term not in held.values()]
    for ref, term in held.items():
        cands = suggest_descriptors(basil, lex, referent=ref, top=5, _tokens=basil_tokens)
        assert term.lower() in [t.lower() for t in cands["term"]], (ref, list(cands["term"]))
        # with the entry in the lexicon it is covered, and no longer suggested
        again = suggest_descriptors(basil, full, referent=ref, top=20, _tokens=basil_tokens)
        assert term.lower() not in [t.lower() for t in again["term"]]
    top = suggest_descriptors(basil, lex, referent="obama", top=1, _tokens=basil_tokens).iloc[0]
    assert top["position"] == "before" and top["count"] >= 100 and top["documents"] >= 50
    assert "«President Obama»" in top["examples"][0] or "«President Barack Obama»" in top["examples"][0]


def test_held_out_descriptor_comes_back_on_newswcl(newswcl):
    lex = _actors()
    cands = suggest_descriptors(newswcl, lex, referent="kim", top=5)
    assert "dictator" in [t.lower() for t in cands["term"]]
    # nested n-grams that always occur together keep only the shortest and the longest
    assert "north korean dictator" in [t.lower() for t in cands["term"]]
    assert "korean dictator" not in [t.lower() for t in cands["term"]]
    with pytest.raises(Exception, match="referent 'kimm' is in none of the lexicons; did you mean 'kim'"):
        suggest_descriptors(newswcl, lex, referent="kimm")


# ------------------------------------------------------------------------------------------ distinctive
def test_held_out_distinctive_term_comes_back(basil, basil_tokens):
    base = Lexicon("t", categories={"c": Category("c")}, entries=[Entry("placeholder", "c")])
    first = suggest_distinctive(basil, base, top=5, _tokens=basil_tokens)
    assert set(first["outlet"]) == {"fox", "hpo", "nyt"} and (first["score"] > 2).all()
    # no names, titles or parties by default ("Fox News", "Mr", "Sen")
    assert not {"fox news", "mr", "sen"} & {t.lower() for t in first["term"]}
    held = first.groupby("outlet").head(1)
    lex = copy.deepcopy(base)
    lex.entries += [Entry(t, "c") for t in held["term"]]
    second = suggest_distinctive(basil, lex, top=5, _tokens=basil_tokens)
    assert not set(held["term"]) & set(second["term"])  # covered now
    assert set(held["term"]) <= set(suggest_distinctive(basil, base, top=5, _tokens=basil_tokens)["term"])
    assert "z=" in first["evidence"].iloc[0] and first["examples"].map(len).min() >= 1


# ------------------------------------------------------------------------------------------ neighbours
def test_held_out_attribution_verbs_come_back_as_neighbours(basil, newswcl):
    corpus = pd.concat([basil[["doc_id", "outlet", "text"]], newswcl[["doc_id", "outlet", "text"]]], ignore_index=True)
    lex = load_lexicon("loaded_language")
    held = ["insisted", "argued", "acknowledged", "denied", "warned", "claimed"]
    lex.entries = [e for e in lex.entries if e.term not in held]
    cands = suggest_neighbours(corpus, lex, category="attribution_verb", top=25, seed=0)
    found = [h for h in held if h in set(cands["term"])]
    assert len(found) >= 4, list(cands["term"])
    again = suggest_neighbours(corpus, lex, category="attribution_verb", top=25, seed=0)
    pd.testing.assert_frame_equal(cands, again)  # deterministic
    assert all("nearest seeds" in e for e in cands["evidence"])


# ------------------------------------------------------------------------------------------ output
def test_suggest_yaml_fragment_is_native_and_reviewable(newswcl):
    lex = _actors(President="trump")
    cands = suggest(newswcl, lex, referent="trump", category="label", methods=["descriptors", "distinctive"], top=5)
    assert list(cands.columns) == CANDIDATE_COLUMNS and set(cands["method"]) == {"descriptors", "distinctive"}
    text = candidates_yaml(cands)
    assert text.startswith("# Candidate entries from `framing lexicon suggest`")
    entries = yaml.safe_load(text)["entries"]
    assert len(entries) == len({term_key(t) for t in cands["term"]})  # a term found twice is listed once
    assert all(e["category"] == "label" and e["source"].startswith("framing lexicon suggest") for e in entries)
    desc = [e for e in entries if e.get("referent") == "trump"]
    assert desc and all("an alias of trump" in e["notes"] for e in desc)
    # a human pastes the fragment under `entries:`: it is a valid native lexicon
    doc = {"name": "reviewed", "referents": {"trump": {"name": "Donald Trump", "aliases": ["Trump"]}},
           "categories": {"label": {}}, "entries": entries}
    assert len(parse_yaml(yaml.safe_dump(doc)).entries) == len(entries)
