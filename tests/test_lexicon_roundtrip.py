"""Round trips: native -> each writable format -> native keeps every entry, category, wildcard and
multiword term (property-based, over generated lexicons)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.lexicon import FORMATS, Category, Entry, Lexicon, dumps_lexicon, load_lexicon, parse_yaml, validate
from framing.lexicon.emfd import FOUNDATIONS
from framing.lexicon.model import term_key
from framing.lexicon.mpqa import POLARITY_VALENCE

WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)
CAT = st.from_regex(r"[a-z][a-z0-9_]{1,7}", fullmatch=True)


@st.composite
def terms(draw, wildcards=True):
    words = draw(st.lists(WORD, min_size=1, max_size=3))
    if wildcards and draw(st.booleans()):
        words[-1] += "*"
    return " ".join(words)


@st.composite
def lexicons(draw, *, categories=None, one_category=False, wildcards=True, variants=True, valence=True,
             nested=False):
    """A valid native lexicon: terms unique across the lexicon (match form), as native requires."""
    if categories is None:
        cats = draw(st.lists(CAT, min_size=1, max_size=1 if one_category else 4, unique=True))
        if nested and len(cats) > 1:
            cats[-1] = f"{cats[0]}/{cats[-1]}"  # a nested category (quanteda keys, WordStat levels)
    else:
        cats = draw(st.lists(st.sampled_from(categories), min_size=1, max_size=3, unique=True))
    seen: set[str] = set()
    entries = []
    for _ in range(draw(st.integers(1, 10))):
        surfaces = [draw(terms(wildcards))] + (draw(st.lists(terms(wildcards), max_size=2)) if variants else [])
        keys = [term_key(s) for s in surfaces]
        if len(set(keys)) < len(keys) or seen & set(keys):
            continue
        seen.update(keys)
        v = draw(st.none() | st.floats(-1, 1, allow_nan=False).map(lambda x: round(x, 3))) if valence else None
        entries.append(Entry(surfaces[0], draw(st.sampled_from(cats)), valence=v, variants=surfaces[1:]))
    if not entries:
        entries.append(Entry("fallback", cats[0]))
    lex = Lexicon("gen", version="1.2", categories={c: Category(c) for c in cats}, entries=entries)
    assert validate(lex) == []
    return lex


def surfaces(lex):
    """(category, match form) of every term and variant: what the matcher compiles."""
    return sorted((e.category, term_key(s)) for e in lex.entries for s in e.surfaces)


def through(lex, fmt, tmp_path):
    """native -> fmt -> native, via files."""
    native = parse_yaml(dumps_lexicon(lex, "yaml"))  # start from native text
    path = tmp_path / f"lex{FORMATS[fmt].extensions[0]}"
    path.write_text(dumps_lexicon(native, fmt), encoding="utf-8")
    back = load_lexicon(path, format=fmt)
    out = tmp_path / "back.yaml"
    out.write_text(dumps_lexicon(back, "yaml"), encoding="utf-8")
    return back, load_lexicon(out)


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("fmt", ["liwc", "liwc22", "quanteda", "lexicoder", "wordstat", "empath", "csv"])
def test_round_trip_keeps_entries_categories_wildcards_multiword(fmt, tmp_path):
    nested = fmt in ("quanteda", "wordstat")

    @SETTINGS
    @given(lexicons(nested=nested))
    def check(lex):
        back, native = through(lex, fmt, tmp_path)
        assert surfaces(back) == surfaces(lex)
        assert surfaces(native) == surfaces(lex)
        used = {e.category for e in lex.entries}
        assert used <= set(native.categories)
        if "valence" in FORMATS[fmt].keeps:
            assert sorted((e.term, e.valence) for e in native.entries) == sorted((e.term, e.valence) for e in lex.entries)
        if "variants" in FORMATS[fmt].keeps:
            assert sorted((e.term, tuple(e.variants)) for e in native.entries) == \
                sorted((e.term, tuple(e.variants)) for e in lex.entries)

    check()


def test_round_trip_word_list(tmp_path):
    @SETTINGS
    @given(lexicons(one_category=True))
    def check(lex):
        back, native = through(lex, "wordlist", tmp_path)
        assert surfaces(native) == surfaces(lex) and native.name == lex.name and native.version == lex.version

    check()


def test_round_trip_mpqa(tmp_path):
    @SETTINGS
    @given(lexicons(categories=["positive", "negative", "neutral"], wildcards=False, valence=False))
    def check(lex):
        back, native = through(lex, "mpqa", tmp_path)
        assert surfaces(native) == surfaces(lex)
        assert all(e.valence == POLARITY_VALENCE[e.category] for e in native.entries)

    check()


def test_round_trip_emfd(tmp_path):
    @SETTINGS
    @given(lexicons(categories=list(FOUNDATIONS), wildcards=False, variants=False))
    def check(lex):
        back, native = through(lex, "emfd", tmp_path)
        assert surfaces(native) == surfaces(lex)
        assert sorted((e.term, e.valence or 0.0) for e in native.entries) == \
            sorted((e.term, e.valence or 0.0) for e in lex.entries)

    check()


def test_every_writable_format_has_a_round_trip_test():
    tested = {"liwc", "liwc22", "quanteda", "lexicoder", "wordstat", "empath", "csv", "wordlist", "mpqa", "emfd",
              "yaml"}
    assert set(FORMATS) == tested
