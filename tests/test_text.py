"""Text processing: match forms keep offsets into the original text; tokens and sentences."""
import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from framing.text import count_words, gap_class, match_form, normalize_term, sentence_spans, word_spans


def _words(form):
    return form.text.split()


def test_equivalences_for_matching():
    assert normalize_term("Self-Styled") == normalize_term("self styled") == normalize_term("SELF\u2011STYLED")
    assert normalize_term("Haftar\u2019s forces") == normalize_term("Haftar's forces")
    assert normalize_term("\uff28\uff41\uff46\uff54\uff41\uff52") == "haftar"  # full-width letters (NFKC)
    assert normalize_term("U.N.-backed") == "u n backed"
    assert normalize_term("Brig. Gen.") == "brig  gen"  # a hard gap stays distinct from a soft one
    assert normalize_term("militia*") == "militia*"


def test_gap_classes():
    assert gap_class(" ") == gap_class("\n") == gap_class("  ") == gap_class("-") == gap_class(".-") == "soft"
    assert gap_class(", ") == gap_class(" - ") == gap_class(". ") == gap_class("' ") == "hard"
    assert gap_class("\n\n") == gap_class("\r\n\r\n") == gap_class(".\n \n") == "paragraph"
    assert gap_class("\r\n") == "soft"


def test_match_form_maps_back_to_original_offsets():
    text = "Libya\u2019s  renegade\r\ngeneral, the \u201cself\u2013styled\u201d \ufb01eld marshal.\n\nNext"
    form = match_form(text)
    for word in ("renegade", "general", "self", "styled", "field", "marshal"):
        i = form.text.index(word)
        s, e = form.to_original(i, i + len(word))
        assert text[s:e].lower().replace("\ufb01", "fi") == word
    assert "renegade general" in form.text  # line break inside a paragraph is a soft gap
    assert "general  the" in form.text  # comma: hard gap
    assert "marshal\n next" in form.text  # paragraph gap


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab C\u00e9\u0301\ufb01\u0130-.,'\u2019\n\r\t\u00a0\u201c\"")), max_size=40))
def test_every_match_form_word_slices_back_to_a_word_of_the_original(text):
    form = match_form(text)
    pos = 0
    for word in _words(form):
        i = form.text.index(word, pos)
        pos = i + len(word)
        s, e = form.to_original(i, pos)
        assert 0 <= s < e <= len(text)
        # the original slice holds word characters only (apostrophes inside words allowed)
        assert any(ch.isalnum() for ch in text[s:e])


def test_word_tokens_and_counts_agree():
    text = "Haftar's forces, the self-styled army; don't count 125,000 twice."
    spans = word_spans(text)
    assert [text[a:b] for a, b in spans][:4] == ["Haftar's", "forces", "the", "self"]
    assert count_words(match_form(text)) == count_words(text) == len(spans)


def test_sentences_split_on_lines_and_keep_abbreviations():
    text = "Gen. Haftar spoke on Monday. He left.\nHeadline without stop\n\nMr. Smith said no."
    spans = sentence_spans(text)
    got = [text[a:b] for a, b in spans]
    assert got == ["Gen. Haftar spoke on Monday.", "He left.", "Headline without stop", "Mr. Smith said no."]


def test_sentences_never_start_with_whitespace():
    text = "  Hello there. World here.  \n   Next line."
    got = [text[a:b] for a, b in sentence_spans(text)]
    assert got == ["Hello there.", "World here.", "Next line."]


def _punkt_everywhere(text):
    """Sentence spans with Punkt asked for every line (what sentence_spans shortcuts)."""
    import re as _re

    from framing.text import _punkt

    out = []
    for block in _re.finditer(r"[^\n\r\u2028\u2029]+", text):
        seg = block.group()
        if not seg.strip():
            continue
        for a, b in _punkt().span_tokenize(seg):
            lead = len(seg[a:b]) - len(seg[a:b].lstrip())
            if b > a + lead:
                out.append((block.start() + a + lead, block.start() + b))
    return out


@pytest.mark.parametrize("text", ["", "   ", "A.", "Hi!  ", "\u201cYes.\u201d", "Mr. Smith went home.",
                                  "no end at all", "Wait... what", "x ?\n\nGen. Haftar said so. Then left!",
                                  "  Leading space. Two sentences here.  \r\nHeadline without a stop"])
def test_sentence_spans_equal_punkt_on_every_line(text):
    from framing.text import sentence_spans

    assert sentence_spans(text) == _punkt_everywhere(text)


def test_sentence_spans_equal_punkt_on_every_line_of_basil(basil):
    from framing.text import sentence_spans

    texts = basil["text"].tolist()[:150]
    assert sum(len(sentence_spans(t)) for t in texts) > 1000
    assert [sentence_spans(t) for t in texts] == [_punkt_everywhere(t) for t in texts]


def test_combining_mark_ranges_cached_equal_computed(tmp_path, monkeypatch):
    import framing.text as ft

    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path))
    computed = ft._compute_mark_ranges()
    assert ft._mark_ranges() == computed  # computed and written
    assert list(tmp_path.glob("unicode-marks-*.json"))
    assert ft._mark_ranges() == computed  # read back
    assert (0x300, 0x36F) in computed  # combining diacritical marks
    (next(tmp_path.glob("unicode-marks-*.json"))).write_text("not json")
    assert ft._mark_ranges() == computed  # a damaged file is recomputed
