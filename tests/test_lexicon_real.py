"""The real lexicons in ../shared/data/lexicons load with the counts that data/README.md (section 10)
states, and other formats match on BASIL exactly as an independent reference count does."""

import collections

import pytest

import framing
from framing.lexicon import Category, Entry, Lexicon, load_lexicon, validate

from reference_matcher import IndexedReferenceMatcher


@pytest.fixture(scope="module")
def lexdir(shared):
    from conftest import _need

    return _need(shared / "data" / "lexicons")


def _lines_read(lex):
    """Entries plus the repeats merged into them (a term listed twice in one category)."""
    return sum(len(e.attrs.get("lines", [e.line])) for e in lex.entries)


# file, reader options, entries, lines (terms as listed in the file), categories
PINNED = [
    ("recasens2013/bias-lexicon.txt", {}, 654, 654, 1),
    ("recasens2013/assertives_hooper1975.txt", {}, 66, 66, 1),
    ("recasens2013/factives_hooper1975.txt", {}, 27, 27, 1),
    ("recasens2013/hedges_hyland2005.txt", {}, 100, 100, 1),
    ("recasens2013/implicatives_karttunen1971.txt", {}, 32, 32, 1),
    ("recasens2013/report_verbs.txt", {}, 181, 181, 1),
    ("huliu-opinion/positive-words.txt", {"asterisk": "literal"}, 2006, 2006, 1),
    # bull**** and bull---- are both "bull" once the censoring marks are read as punctuation
    ("huliu-opinion/negative-words-UTF8.txt", {"asterisk": "literal"}, 4782, 4783, 1),
    ("lexicoder-lsd2015/negative.txt", {}, 2858, 2858, 1),
    ("lexicoder-lsd2015/positive.txt", {}, 1709, 1709, 1),
    ("lexicoder-lsd2015/neg_positive.txt", {}, 1721, 1721, 1),
    ("lexicoder-lsd2015/neg_negative.txt", {}, 2860, 2860, 1),
    # README: "2,103 entries, 10 categories; 110 multi-word" -- a word in two categories is two entries
    ("moral-foundations/mfd2.0.dic", {}, 2103, 2103, 10),
    # README: "324 entries, 11 categories": 324 words, 359 (word, category) entries
    ("moral-foundations/mft_original.dic", {}, 359, 359, 11),
    # README: "3,270 words x 10 scores": one entry per word, in its most probable foundation
    ("moral-foundations/emfd_scoring.csv", {}, 3270, 3270, 5),
]


@pytest.mark.parametrize("name, opts, entries, lines, categories", PINNED, ids=[p[0] for p in PINNED])
def test_real_lexicons_load_with_pinned_counts(lexdir, name, opts, entries, lines, categories):
    lex = load_lexicon(lexdir / name, **opts)
    assert validate(lex) == []
    assert len(lex.entries) == entries
    assert _lines_read(lex) == lines
    assert len(lex.categories) == categories


def test_readme_counts_of_the_moral_foundations_dictionaries(lexdir):
    mft = load_lexicon(lexdir / "moral-foundations/mft_original.dic")
    assert len({e.term for e in mft.entries}) == 324 and "moral" in mft.categories
    mfd2 = load_lexicon(lexdir / "moral-foundations/mfd2.0.dic")
    assert sum(" " in e.term for e in mfd2.entries) == 110
    assert set(mfd2.categories) == {f"{f}.{v}" for f in ("care", "fairness", "loyalty", "authority", "sanctity")
                                    for v in ("virtue", "vice")}
    emfd = load_lexicon(lexdir / "moral-foundations/emfd_scoring.csv")
    assert all(len([k for k in e.attrs if k.endswith(("_p", "_sent"))]) == 10 for e in emfd.entries)
    # most probable foundation, ties to the first (pandas: df[[f"{f}_p" ...]].idxmax(axis=1) gives the same)
    assert collections.Counter(e.category for e in emfd.entries) == {
        "care": 879, "fairness": 779, "authority": 689, "loyalty": 574, "sanctity": 349}
    assert sum("tie" in e.attrs for e in emfd.entries) == 29


def test_readme_counts_of_the_mpqa_clues(lexdir):
    lex = load_lexicon(lexdir / "mpqa-subjectivity/subjclueslen1-HLTEMNLP05.tff")
    clues = [c for e in lex.entries for c in e.attrs["clues"]]
    assert lex.attrs["clues"] == len(clues) == 8222
    assert collections.Counter(c["type"] for c in clues) == {"strongsubj": 5569, "weaksubj": 2653}
    by_polarity = collections.Counter(e.category for e in lex.entries for _ in e.attrs["clues"])
    assert by_polarity == {"negative": 4912, "positive": 2718, "neutral": 570, "both": 21, "weakneg": 1}
    # 6,886 words; a word listed for several parts of speech with one polarity is one entry
    assert len({e.term for e in lex.entries}) == 6886 and len(lex.entries) == 6905


def test_hu_liu_needs_literal_asterisks_and_says_so(lexdir):
    from framing.lexicon import check_lexicon

    problems = check_lexicon(lexdir / "huliu-opinion/negative-words-UTF8.txt")
    assert [p.split(": ")[0].rsplit(":", 1)[1] for p in problems] == ["846", "1595", "3800"]
    assert all("asterisk='literal'" in p for p in problems)


# ------------------------------------------------------------------------------------------ parity
QUANTEDA = """\
economy:
  positive: [growth, "job creation", recover*, boom*]
  negative: [recession, unemploy*, deficit*, "tax increase*"]
politics:
  conflict: [attack*, slam*, blast*, fight*, "war on"]
  actors: [democrat*, republican*, "white house", congress*]
security: [terror*, attack*, "national security", "homeland security"]
"""

LIWC = """\
%
1\tconflict
2\tactors
3\tsecurity
4\tspeech
%
attack*\t1\t3
slam*\t1
fight*\t1
war on\t1
democrat*\t2
republican*\t2
white house\t2
congress*\t2
terror*\t3
national security\t3
homeland security\t3
said\t4
told reporters\t4
claim*\t4
"""


def _hand_built(spec: dict[str, list[str]]) -> Lexicon:
    """The same dictionary built by hand (no reader involved), for the reference matcher."""
    cats = {c: Category(c) for c in spec}
    return Lexicon("ref", categories=cats, unique_terms=False,
                   entries=[Entry(t, c) for c, ts in spec.items() for t in ts])


QUANTEDA_SPEC = {
    "economy/positive": ["growth", "job creation", "recover*", "boom*"],
    "economy/negative": ["recession", "unemploy*", "deficit*", "tax increase*"],
    "politics/conflict": ["attack*", "slam*", "blast*", "fight*", "war on"],
    "politics/actors": ["democrat*", "republican*", "white house", "congress*"],
    "security": ["terror*", "attack*", "national security", "homeland security"],
}
LIWC_SPEC = {
    "conflict": ["attack*", "slam*", "fight*", "war on"],
    "actors": ["democrat*", "republican*", "white house", "congress*"],
    "security": ["attack*", "terror*", "national security", "homeland security"],
    "speech": ["said", "told reporters", "claim*"],
}


@pytest.mark.parametrize("name, text, spec", [("dict.yml", QUANTEDA, QUANTEDA_SPEC), ("dict.dic", LIWC, LIWC_SPEC)],
                         ids=["quanteda-glob", "liwc-dic"])
def test_counts_on_basil_equal_the_reference_count(basil, tmp_path, name, text, spec):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    counts = framing.count(basil, path)
    got = {c: int(counts[c].sum()) for c in spec}
    ref = IndexedReferenceMatcher([_hand_built(spec)])
    expected = collections.Counter()
    for t in basil["text"]:
        for _, _, _, _, cat, _ in ref.find(t):
            expected[cat] += 1
    assert got == {c: expected[c] for c in spec}
    assert all(got[c] > 0 for c in spec)  # every category matches something on BASIL
    # a word in two categories is counted in both, on the same spans
    assert got[next(c for c in spec if c.endswith("conflict"))] >= 1 and got["security"] >= 1
