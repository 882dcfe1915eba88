"""The matcher's fast one-byte forms (framing.batch) give exactly the mentions of the exact match
forms (framing.text), on batches of many texts holding every kind of gap and character that the
fast form treats specially."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.batch import TextBatch
from framing.lexicon import Category, Entry, Lexicon, parse_yaml
from framing.matcher import CompiledMatcher
from framing.text import count_words, match_form

from reference_matcher import ReferenceMatcher

# every test here runs on both matching paths (conftest.engine)
pytestmark = pytest.mark.usefixtures("engine")

LEX = parse_yaml("""
name: b
referents:
  haftar: {name: Khalifa Haftar, aliases: [Haftar, Khalifa Haftar]}
categories:
  a: {}
  b: {}
entries:
  - {term: renegade general, category: a}
  - {term: general, category: a}
  - {term: touché, category: a}
  - {term: Brig. Gen., category: a}
  - {term: U.S.-backed government, category: b}
  - {term: https, category: b}
  - {term: militia* leader, category: b}
  - {term: ministère*, category: b}
  - {term: σοφιας, category: b}
  - {term: café society, category: b}
  - {term: war, category: b}
""")
MATCHER = CompiledMatcher([LEX])

# Words include pairs whose non-ASCII letters share the fast form's byte (é/ũ: 0xE9, 0x169) and
# characters that send a text to the exact path (½ changes length under NFKC, İ under lower case, a
# variation selector after a letter joins its word); emoji with a variation selector after them
# ("\u2764\ufe0f", "#\ufe0f") are punctuation on the fast path.
WORDS = ["renegade", "General", "touché", "touchũ", "TOUCHÉ", "brig", "Gen", "U", "S", "backed", "government",
         "https", "t", "co", "militias", "militia", "leader", "ministères", "ministèrex", "ΣΟΦΙΑΣ", "σοφιας",
         "Café", "cafũ", "society", "Haftar", "Khalifa", "war", "İstanbul", "½", "x", "war\ufe0f", "\u2764\ufe0f",
         "\U0001f600\ufe0f\ufe0e", "#\ufe0f\u20e3"]
GAPS = [" ", "  ", "\n", "\r\n", "\n\n", "\r\n\r\n", " \n", ", ", ".-", "://", "/", "-", ". ", "'s ",
        "\u2019 ", " \u2013 ", "\u00a0", "\x0b", "\u2028", "\t", "--", "...", " \u201c", "\u201d ", "\u2764\ufe0f",
        " \u2764\ufe0f ", ".\ufe0f", " \ufe0f", "\u263a\ufe0f\u2764\ufe0f"]


def mentions(batch):
    doc, start, end, tid = MATCHER.find(batch)
    return list(zip(doc.tolist(), start.tolist(), end.tolist(), tid.tolist()))


texts_strategy = st.lists(
    st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)), min_size=1, max_size=10).map(
        lambda parts: "".join(w + g for w, g in parts)),
    min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(texts_strategy)
def test_fast_forms_find_what_exact_forms_find(texts):
    assert TextBatch.build(texts, exact=True).n_exact == len(texts)
    _agree_with_exact_forms_and_reference(texts)


def _agree_with_exact_forms_and_reference(texts):
    fast = MATCHER.batch(texts)
    exact = TextBatch.build(texts, exact=True)
    assert mentions(fast) == mentions(exact)
    assert fast.n_tokens.tolist() == exact.n_tokens.tolist() == [count_words(match_form(t)) for t in texts]
    # and both agree with the independent reference matcher, text by text
    ref = ReferenceMatcher([LEX])
    got = {}
    for d, s, e, t in mentions(fast):
        tg = MATCHER.targets[t]
        got.setdefault(d, []).append((s, e, tg.lexicon, tg.entry, tg.category, tg.referent))
    for d, text in enumerate(texts):
        assert sorted(got.get(d, [])) == ref.find(text), text


def found(text):
    return [(text[s:e], t.term) for s, e, t in MATCHER.find_text(text)]


@pytest.mark.parametrize("text, expected", [
    ("touchũ and touché", [("touché", "touché")]),  # same fast byte, checked against the original
    ("ΣΟΦΙΑΣ", [("ΣΟΦΙΑΣ", "σοφιας")]),  # final sigma: lower case depends on the context
    ("a U.S.-backed government", [("U.S.-backed government", "U.S.-backed government")]),
    ("renegade\r\ngeneral", [("renegade\r\ngeneral", "renegade general")]),  # CR LF is a soft gap
    ("renegade\r\n\r\ngeneral", [("general", "general")]),  # a paragraph break
    ("Brig.  Gen. x and Brig-Gen", [("Brig.  Gen", "Brig. Gen.")]),  # a hard gap of 3, not a soft one
    ("militias' leader and militiamen leader", [("militiamen leader", "militia* leader")]),
    ("½ war İstanbul war", [("war", "war"), ("war", "war")]),  # exact path: offsets still slice back
])
def test_fast_path_edge_cases(text, expected):
    assert found(text) == expected


def test_ordinary_texts_take_the_fast_path(engine):
    texts = ["The renegade general, backed by militias, spoke.\n\nHe said \u201cno\u201d.",
             "Haftar\u2019s forces took the town; https://t.co/x was shared."]
    assert MATCHER.batch(texts).n_exact == 0  # no phrase continues after "https" or "t"
    # A soft gap of two characters after a word some phrase continues from: the NumPy path sends
    # the text to the exact forms, the compiled path marks the gap with FILL bytes.
    soft = ["the U.S.-backed government", "renegade  general"]
    assert [MATCHER.batch([t]).n_exact for t in soft] == ([1, 1] if engine == "numpy" else [0, 0])
    assert all(len(MATCHER.find_text(t)) == 1 for t in soft)
    assert TextBatch.build(["https://t.co"]).n_exact == (1 if engine == "numpy" else 0)  # no lexicon: always
    assert TextBatch.build(["\u00bd"]).n_exact == 1  # NFKC changes its length: exact on both


def test_offsets_slice_back_to_the_surface_in_a_large_batch():
    rng = np.random.default_rng(0)
    weights = np.asarray([60.0 if g in (" ", ", ", ". ", "\n\n") else 0.5 for g in GAPS])
    texts = ["".join(WORDS[i] + GAPS[j] for i, j in zip(rng.integers(0, len(WORDS), 20),
                                                         rng.choice(len(GAPS), 20, p=weights / weights.sum())))
             for _ in range(300)]
    batch = MATCHER.batch(texts)
    assert 0 < batch.n_exact < len(texts)  # both paths in one batch
    doc, start, end, tid = MATCHER.find(batch)
    assert len(doc) > 300
    assert mentions(batch) == mentions(TextBatch.build(texts, exact=True))
    for d, s, e, t in zip(doc.tolist(), start.tolist(), end.tolist(), tid.tolist()):
        surface = texts[d][s:e]
        norm = MATCHER.targets[t].norm
        assert match_form(surface).text.startswith(norm.split("*")[0].split(" ")[0])


def _lex(*terms):
    return Lexicon(name="r", categories={"c": Category("c")}, entries=[Entry(t, "c") for t in terms])


@pytest.mark.parametrize("terms, texts, expected", [
    # a capital whose lower case NFKC changes (full-width), alone or beside a ligature
    (["war"], ["\uff37\uff21\uff32", "\uff37\uff21\uff32 \ufb01"], [["\uff37\uff21\uff32"], ["\uff37\uff21\uff32"]]),
    # combining marks outside the Basic Multilingual Plane belong to their word, whatever the batch
    (["straße"], ["\u2009", "s\U0001D165STRA\u1e9eE"], [[], []]),
    (["o'brien"], ["\xa0", "O\u2019BRIEN\U0001D165"], [[], ["O\u2019BRIEN\U0001D165"]]),  # the mark NFKC
    # cannot compose is dropped from the word's form, as the dot of a lower-cased "İ" is
    # a term with a hard gap whose soft part spans ".-"
    (["Washington, U.S.-backed"], ["Washington, U.S.-backed"], [["Washington, U.S.-backed"]]),
    # an inner wildcard before a hard gap: any hard gap, never a paragraph break
    (["anti*, campaign"], ["antiwar - campaign", "antiwar\n\ncampaign", "antiwar\n \ncampaign",
                           "antiwar\r\n\r\ncampaign", "antiwar.\n\ncampaign"],
     [["antiwar - campaign"], [], [], [], []]),
    # two terms whose non-ASCII letters fold to the same byte: both are searched
    (["\u00e9", "\u0169"], ["\u00e9 \u0169 x"], [["\u00e9", "\u0169"]]),
    # the 's of a term's own last word stays in the mention
    (["anti* bob's"], ["antiwar bob's x"], [["antiwar bob's"]]),
    # a prefix ending in sigma: final and medial sigma are one letter
    (["\u039f\u0394\u039f\u03a3*"], ["\u039f\u0394\u039f\u03a3\u03a4\u03a1\u03a9\u039c\u0391", "\u03bf\u03b4\u03bf\u03c3\u03c4"],
     [["\u039f\u0394\u039f\u03a3\u03a4\u03a1\u03a9\u039c\u0391"], ["\u03bf\u03b4\u03bf\u03c3\u03c4"]]),
    (["\u03c3\u03bf\u03c6\u03b9\u03b1\u03c2"], ["\u03a3\u039f\u03a6\u0399\u0391\u03a3\u0301 x"],
     [["\u03a3\u039f\u03a6\u0399\u0391\u03a3\u0301"]]),
])
def test_review_cases_agree_with_exact_forms_and_reference(terms, texts, expected):
    lex = _lex(*terms)
    m = CompiledMatcher([lex])
    fast, exact = m.batch(texts), TextBatch.build(texts, exact=True)
    got = m.find(fast)
    assert [(int(d), int(s), int(e), int(t)) for d, s, e, t in zip(*got)] == \
        [(int(d), int(s), int(e), int(t)) for d, s, e, t in zip(*m.find(exact))]
    assert fast.n_tokens.tolist() == exact.n_tokens.tolist() == [count_words(match_form(t)) for t in texts]
    surfaces = [[texts[d][s:e] for d, s, e in zip(*got[:3]) if d == i] for i in range(len(texts))]
    assert surfaces == expected
    ref = ReferenceMatcher([lex])
    assert [[text[s:e] for s, e, *_ in ref.find(text)] for text in texts] == expected


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from([0x01, 0x01, 0x02, 0x0A, 0x0D, 0x20, 0x20, 0x61, 0x62, 0xC3, 0x00, 0x1F, 0x27, 0x30]),
                min_size=0, max_size=60))
def test_soft_runs_in_c_equal_the_numpy_reading(codes):
    """The C soft gaps (framing._kernels.soft_runs, what TextBatch.build uses) are the NumPy
    reading's (framing.batch._soft_runs), in the same order, on one-byte forms of every gap and
    word byte mixed: runs of punctuation, spaces and line breaks (CR LF), at both ends, beside NUL
    and 0x1F."""
    from framing import _kernels
    from framing.batch import _FLAGS, _IS_WORD_U8, _soft_runs

    if _kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    u0 = bytes(codes)
    flags = np.frombuffer(u0.translate(_FLAGS), dtype=np.uint8)
    cand = np.flatnonzero(flags[:-1] & flags[1:]).astype(np.int64)
    a, b = _kernels.soft_runs(u0, cand, _IS_WORD_U8)
    ra, rb = _soft_runs(u0)
    assert a.tolist() == ra.tolist() and b.tolist() == rb.tolist()


def test_soft_runs_in_c_refuse_positions_outside_the_form():
    from framing import _kernels
    from framing.batch import _IS_WORD_U8

    if _kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    for bad in ([5], [-1], [2, 1], [3, 3]):
        with pytest.raises(ValueError, match="soft_runs: candidate"):
            _kernels.soft_runs(b"a  b ", np.asarray(bad, dtype=np.int64), _IS_WORD_U8)


def test_emoji_with_a_variation_selector_stay_on_the_fast_path(engine):
    """A variation selector after a symbol ("I \u2764\ufe0f") is punctuation on the compiled fast
    path, as the exact form makes it (the exact path cost 75 times as much per character); after a
    letter it joins the word, so that text takes the exact path. Both find what the exact form finds."""
    emoji = "I \u2764\ufe0f the war, \U0001f600\ufe0f war\u263a\ufe0f\u2764\ufe0f. #\ufe0f war"
    joined = "war\ufe0f and war"
    for text, exact_texts in ((emoji, 0 if engine == "compiled" else 1), (joined, 1)):
        fast = MATCHER.batch([text])
        assert fast.n_exact == exact_texts
        assert mentions(fast) == mentions(TextBatch.build([text], exact=True))
    assert [(emoji[s:e], t.term) for s, e, t in MATCHER.find_text(emoji)] == [("war", "war")] * 3
    assert [(joined[s:e], t.term) for s, e, t in MATCHER.find_text(joined)] == [("war\ufe0f", "war"), ("war", "war")]


paragraphs_strategy = st.lists(
    st.lists(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)), min_size=1, max_size=6).map(
        lambda parts: "".join(w + g for w, g in parts)), min_size=1, max_size=5).map("\n\n".join),
    min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(paragraphs_strategy)
def test_only_the_paragraphs_that_need_it_take_the_exact_path(texts):
    """A text with a character the fast form cannot hold sends only the paragraphs around it to
    the exact path: the same mentions, offsets and token counts as exact forms of whole texts, and
    as the reference matcher."""
    _agree_with_exact_forms_and_reference(texts)


def test_a_paragraph_with_a_half_is_the_only_piece_read_exactly(engine):
    text = "The renegade general spoke.\n\nHe is 2½ metres tall, said war.\n\nRenegade general again."
    batch = MATCHER.batch([text])
    if engine != "compiled":  # (the NumPy path sends whole texts)
        return
    (part,) = [p for p in batch.parts if p.exact is not None]
    start = text.index("He is")
    assert part.offset.tolist() == [start] and part.exact.text.strip("\x00 ").startswith("he is 21")
    found = [text[s:e] for _, s, e, _ in mentions(batch)]
    assert found == ["renegade general", "war", "Renegade general"]
    assert batch.n_tokens.tolist() == [count_words(match_form(text))]
