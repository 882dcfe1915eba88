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


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab C2\u00bd\u0149\u2474\u2122\u24d0\ufb01\u00b4\u2019\u02bc\u02b9-.,'\n")),
               max_size=30))
def test_words_of_the_match_form_are_the_words_of_the_text_where_nfkc_changes_characters(text):
    """NFKC may turn one character into several ("\u00bd" into "1\u20442") or a symbol into letters
    ("\u2122" into "tm"); the match form still has the original text's words (before, "2\u00bd" made
    two words and "\u2122" one: 6 documents of the 20 MB benchmark corpus had one word too many);
    and the word tokens of the text read "\u02bc" as the apostrophe the form makes it."""
    assert count_words(match_form(text)) == count_words(text)


def test_the_characters_that_compose_with_the_one_before_them_are_listed():
    """framing.text._COMPOSES_BACK holds every character, no combining mark, that NFKC makes a
    combining mark, a Hangul vowel or a final consonant: those it may compose with the letter
    before them (derived here from unicodedata, so that a new Unicode version is noticed)."""
    import sys
    import unicodedata

    from framing.text import _COMPOSES_BACK

    found = set()
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        norm = unicodedata.normalize("NFKC", ch)
        if unicodedata.category(ch).startswith("M") or not norm:
            continue
        if (all(unicodedata.category(c).startswith("M") for c in norm)
                or 0x1161 <= ord(norm[0]) <= 0x1175 or 0x11A8 <= ord(norm[0]) <= 0x11C2):
            found.add(ch)
    assert found == _COMPOSES_BACK and len(found) == 110


def test_sentences_split_on_lines_and_keep_abbreviations():
    text = "Gen. Haftar spoke on Monday. He left.\nHeadline without stop\n\nMr. Smith said no."
    spans = sentence_spans(text)
    got = [text[a:b] for a, b in spans]
    assert got == ["Gen. Haftar spoke on Monday.", "He left.", "Headline without stop", "Mr. Smith said no."]


def test_sentences_never_start_with_whitespace():
    text = "  Hello there. World here.  \n   Next line."
    got = [text[a:b] for a, b in sentence_spans(text)]
    assert got == ["Hello there.", "World here.", "Next line."]


def _nltk_punkt():
    """NLTK's Punkt with our abbreviations: the reference framing.sentences reproduces."""
    nltk = pytest.importorskip("nltk")
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    if list(PunktSentenceTokenizer().span_tokenize("He left.\u201d She stayed.")) != [(0, 9), (10, 21)]:
        pytest.skip(f"NLTK {nltk.__version__} does not treat curly quotes as closing punctuation (3.10 does); "
                    "framing.sentences follows NLTK 3.10's rules: pip install 'nltk>=3.10' to compare")
    from framing.sentences import ABBREVIATIONS

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def _punkt_everywhere(text):
    """Sentence spans with NLTK's Punkt asked for every line."""
    import re as _re

    tok = _nltk_punkt()
    out = []
    for block in _re.finditer(r"[^\n\r\u2028\u2029]+", text):
        seg = block.group()
        if not seg.strip():
            continue
        for a, b in tok.span_tokenize(seg):
            lead = len(seg[a:b]) - len(seg[a:b].lstrip())
            if b > a + lead:
                out.append((block.start() + a + lead, block.start() + b))
    return out


@pytest.mark.parametrize("text", ["", "   ", "A.", "Hi!  ", "\u201cYes.\u201d", "Mr. Smith went home.",
                                  "no end at all", "Wait... what", "x ?\n\nGen. Haftar said so. Then left!",
                                  "  Leading space. Two sentences here.  \r\nHeadline without a stop",
                                  'He left." She stayed.', "J. Smith came. In 2018. he left; in 2019. Then",
                                  "The U.S. and the U.N. met. ex-Gen. Smith spoke.", "Stop!!! Go? (Yes.) No.",
                                  "It ended\u2003. ) Next", "Ask Mr. Jones?\u201d He left. Dr. No.", "\u216b. The end. \u00e9. x"])
def test_sentence_spans_equal_punkt(text):
    assert sentence_spans(text) == _punkt_everywhere(text)


def test_sentence_spans_equal_punkt_on_generated_edge_cases():
    """20,000 random lines built from the pieces Punkt's rules turn on (abbreviations, initials, numbers,
    ellipses, quotation marks and brackets, Unicode spaces and letters): the same spans."""
    import random

    from framing.sentences import _line_spans

    tok = _nltk_punkt()
    pieces = ["a", "B", "word", "Word", "Gen", "U.S", "no", "p", "J", "3", "2018", "1,5", "-3", "x-gen", ".", ".",
              "?", "!", "...", ". . .", "..", "--", "-", ",", ";", ":", '"', "'", "\u201c", "\u201d", "\u2018",
              "\u2019", "\u00ab", "\u00bb", "(", ")", "[", "]", "{", "}", "*", "@", "&", "#", "`", "_", " ", " ",
              "  ", "\t", "\xa0", "\u2003", "\u00e9", "\u00c9", "##number##", "i.e", "Mr", "\x1c", "\u0130",
              "\u0301", "\u00b2", "\u216b", "\u0660", "\u203f", "Mr. ", "no. ", "J. "]
    rng = random.Random(7)
    lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 25))) for _ in range(20000)]
    lines = [x for x in lines if x.strip()]
    assert [_line_spans(x) for x in lines] == [list(tok.span_tokenize(x)) for x in lines]
    # the C function (what sentence_spans calls where the extension is built) on the same lines
    assert [sentence_spans(x) for x in lines] == [_punkt_everywhere(x) for x in lines]


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="aB3 .?!\"')(\u201c\u201d\u2019-,:\n\r\u2028\t\xa0\u2003\x0b\u00e9", max_size=70),
       st.one_of(st.none(), st.lists(st.integers(0, 70), max_size=5).map(sorted)))
def test_compiled_sentence_spans_equal_the_python_ones(text, within):
    """Both readings of the rules, with and without ``within`` (lines holding one of the offsets)."""
    from framing.sentences import _sentence_spans_py

    assert sentence_spans(text, within) == _sentence_spans_py(text, within)


def test_compiled_sentence_spans_on_news_text(basil):
    from framing.sentences import _sentence_spans_py

    texts = basil["text"].tolist()
    assert [sentence_spans(t) for t in texts] == [_sentence_spans_py(t) for t in texts]
    assert [sentence_spans(t, [len(t) // 2]) for t in texts] == [_sentence_spans_py(t, [len(t) // 2]) for t in texts]


def test_sentence_spans_equal_punkt_on_every_line_of_basil(basil):
    texts = basil["text"].tolist()
    assert sum(len(sentence_spans(t)) for t in texts) > 5000
    assert [sentence_spans(t) for t in texts] == [_punkt_everywhere(t) for t in texts]


def test_sentence_spans_equal_punkt_on_article_bias_prediction(shared):
    """A slice of the AllSides articles (other outlets, other habits than BASIL's)."""
    import json

    files = sorted((shared / "data" / "article-bias-prediction" / "jsons").glob("*.json"))[:400]
    texts = [json.loads(f.read_text(encoding="utf-8"))["content_original"] or "" for f in files]
    assert len(texts) == 400
    assert [sentence_spans(t) for t in texts] == [_punkt_everywhere(t) for t in texts]


def test_sentence_splitting_does_not_import_nltk():
    import subprocess
    import sys

    code = ("import sys, framing.score; from framing.text import sentence_spans; sentence_spans('A b. C d.'); "
            "print('nltk' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


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


def test_sentence_spans_c_settles_abbreviations_as_python():
    """The C reading decides "Mr. Smith", "U.S. forces", "J. Trump", "2018. The" and the like without
    asking the Python rules (sentences._contains_break); 60,000 lines built around those cases (a
    run after the space with or without a full stop, ?, ! or an ellipsis, inside or at its end;
    dotted and hyphenated words; initials and numbers before digits, brackets, upper- and lower-case
    words) give the Python reading's spans."""
    import random

    from framing.sentences import _sentence_spans_py

    words = ["Mr", "mr", "Dr", "U.S", "u.s", "e.g", "i.e", "U.S.A", "A.B", "x.y.z", "J", "j", "p", "no", "Gen",
             "word", "U.S..J", "a..b", "I", "Inc", "vs", "2018", "3", "x-gen", "x-mr", "a-b-c", "x--y", "9a", "1.5",
             "-3", "Mr-", "\u00c9t", "no-p"]
    after = ["Smith", "smith", "Smith.", "Smith?", "Smith!", "Smith?!", "Smith.\u201d", "Smith's", "Smith\u2019s",
             "Smith,", "2018", "2018.", "(x", ")", "\u201cQuote", "a.b", "...", "x..", "\u00c9mile", "?", "!", "The",
             "the", "the.", "x-y.", "a.?"]
    joins = [". ", ".  ", ".) ", ".\u201d ", ".? ", ".", ". \u2003"]
    rng = random.Random(11)
    lines = []
    for _ in range(60000):
        parts = []
        for _ in range(rng.randint(1, 4)):
            parts += [rng.choice(words), rng.choice(joins), rng.choice(after), rng.choice([" ", " ", "", "  "])]
        lines.append("".join(parts))
    assert [sentence_spans(x) for x in lines] == [_sentence_spans_py(x) for x in lines]
