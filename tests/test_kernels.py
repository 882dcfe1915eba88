"""The compiled loops (framing._kernels) against independent computations: the automaton against
the Rust package ahocorasick-rs and a brute-force search, the one-byte forms against the NumPy path
of framing.batch."""

import copy
import os
import platform
import subprocess
import sys
from pathlib import Path

import ahocorasick_rs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing import _kernels
from framing.batch import TextBatch

pytestmark = pytest.mark.usefixtures("compiled")

ALPHABET = b" abc\x00"  # patterns use the first four (no NUL: texts are separated by NUL)


def brute_force(patterns, data):
    out = set()
    for pid, p in enumerate(patterns):
        i = data.find(p)
        while i >= 0:
            out.add((pid, i, i + len(p)))
            i = data.find(p, i + 1)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=4).map(lambda b: bytes(ALPHABET[x % 4] for x in b)),
                min_size=1, max_size=12, unique=True),
       st.binary(max_size=400).map(lambda b: bytes(ALPHABET[x % 5] for x in b)))
def test_scan_finds_every_occurrence(patterns, data):
    dfa = _kernels.build_dfa(patterns)
    pid, start, end = _kernels.scan(np.frombuffer(data, dtype=np.uint8), dfa, fill=False)
    ours = set(zip(pid.tolist(), start.tolist(), end.tolist()))
    assert len(ours) == len(pid)  # no occurrence twice
    assert ours == brute_force(patterns, data)
    rust = ahocorasick_rs.BytesAhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.Standard)
    assert ours == set(rust.find_matches_as_indexes(data, overlapping=True)) if data else True
    wide = _wide(dfa)  # the other layout of the same automaton: the same rows in the same order
    got = _kernels.scan(np.frombuffer(data, dtype=np.uint8), wide, fill=False)
    assert all(a.tolist() == b.tolist() for a, b in zip(got, (pid, start, end)))


def _wide(dfa):
    """``dfa`` with its transitions in the premultiplied int32 layout."""
    k, shift = dfa.n_classes, dfa.shift
    assert shift is not None and (1 << shift) >= k > (1 << shift) // 2
    wide = copy.copy(dfa)
    rows = dfa.delta.reshape(-1, 1 << shift)
    assert not rows[:, k:].any()  # (the padding is never read: no byte has a class past k)
    wide.delta = (rows[:, :k].astype(np.int32) * k).ravel()
    wide.start, wide.shift = dfa.start * k, None
    return wide


def test_scan_of_an_automaton_too_large_for_narrow_states():
    """Past 65,536 states the transitions stay in the int32 layout; both layouts find the same."""
    rng = np.random.default_rng(0)
    words = {" " + "".join(w) for w in rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=(14_000, 7)).tolist()}
    patterns = sorted(w.encode() for w in words)
    big = _kernels.build_dfa(patterns)
    assert big.shift is None and len(big.delta) // big.n_classes > 2 ** 16 and big.delta.dtype == np.int32
    small = _kernels.build_dfa(patterns[:2_000])
    assert small.shift == 5 and small.delta.dtype == np.uint16
    text = b" ".join(patterns[::7]) + b" " + b" ".join(patterns[:2_000:3])
    data = np.frombuffer(text, dtype=np.uint8)
    found = set(zip(*(x.tolist() for x in _kernels.scan(data, big, fill=False))))
    assert found == brute_force(patterns, text)
    found_small = set(zip(*(x.tolist() for x in _kernels.scan(data, small, fill=False))))
    assert found_small == brute_force(patterns[:2_000], text)
    assert found_small == set(zip(*(x.tolist() for x in _kernels.scan(data, _wide(small), fill=False))))


def test_scan_reads_fill_bytes_as_absent():
    f = bytes([_kernels.FILL])
    dfa = _kernels.build_dfa([b" ab c", b" c", b" ab"])
    data = b" ab " + f + f + b"c ab" + f
    pid, start, end = _kernels.scan(np.frombuffer(data, dtype=np.uint8), dfa)
    got = sorted(zip(pid.tolist(), start.tolist(), end.tolist()))
    # " ab c" spans the fills: start 0, its second byte ("a") at 1; " c" is found after the fills,
    # so its start is the byte before its "c" (a fill byte, 5)
    assert got == [(0, 0, 7), (1, 5, 7), (2, 0, 3), (2, 7, 10)]
    assert data[1:7].replace(f, b"") == b"ab c" and data[6:7] == b"c"


def test_scan_grows_its_output_beyond_the_first_guess():
    dfa = _kernels.build_dfa([b" a", b" a a"])
    data = b" a" * 5000
    pid, start, end = _kernels.scan(np.frombuffer(data, dtype=np.uint8), dfa)
    assert len(pid) == 5000 + 4999
    assert (end - start == np.where(pid == 0, 2, 4)).all()


TEXTS = ["Haftar's forces \u201centered\u201d Derna", "touch\u00e9  caf\u00e9\r\nsociety", "x\x00y z", "",
         "\u00bd mile", "\u0130stanbul \u03a3\u039f\u03a6\u0399\u0391\u03a3", "a.-b ://c", "d--e . f", "\U0001d400 \u0301"]


@pytest.mark.parametrize("texts", [TEXTS, TEXTS[::-1], [TEXTS[2]] * 3, ["plain ascii text"] * 4])
def test_compiled_forms_equal_the_numpy_forms(texts, monkeypatch):
    monkeypatch.setattr(_kernels, "COMPILED_MIN_CHARS", 10 ** 18)
    slow = TextBatch.build(texts)
    monkeypatch.setattr(_kernels, "COMPILED_MIN_CHARS", 0)
    fast = TextBatch.build(texts)
    assert fast.texts == slow.texts  # NUL read as a space in both
    assert fast.n_tokens.tolist() == slow.n_tokens.tolist()
    # The compiled path gives soft gaps of several characters FILL bytes where the NumPy path sends
    # their texts to the exact forms; texts fast on both paths have the same bytes.
    assert fast.n_exact <= slow.n_exact
    exact = set(slow.parts[1].doc.tolist()) if len(slow.parts) > 1 else set()
    p, q = fast.parts[0], slow.parts[0]
    f = bytes([_kernels.FILL])
    compared = 0
    for i in range(len(texts)):
        if i not in exact:
            a, b = int(p.seg_start[i]), int(p.seg_end[i])
            assert p.data[a:b].replace(f, b" ") == q.data[a:b]
            compared += 1
    assert compared >= 1


def _forms_both_ways(texts, is_word=None):
    """``_kernels.forms`` of ``texts`` with the C vector passes and with the byte-at-a-time ones."""
    from framing import batch

    tables = [batch._CODES.table, batch._CODES.known, batch._IS_WORD if is_word is None else is_word,
              batch._TO_SEARCH_ARR, batch._FLAGS_ARR]
    size = sum(len(t) + 3 for t in texts) + 3
    got = {}
    for vector in (True, False):
        old = _kernels._ckernels.set_vector_forms(vector)
        try:
            out = _kernels.forms(texts, *tables, size)
            while isinstance(out, np.ndarray):  # new code points: fill the table, as the batch does
                batch._CODES.fill(out)
                out = _kernels.forms(texts, *tables, size)
        finally:
            _kernels._ckernels.set_vector_forms(old)
        got[vector] = out
    return got[True], got[False]


# what the vector passes treat apart: apostrophes (lone or inside words), pairs of punctuation
# marks or of whitespace, line breaks, control characters, NUL, non-ASCII letters of every width
FORM_PIECES = ["a", "Bc", "_9", "'", "\u2019", "`", ".", ",\"", " ", "  ", "\n", "\r\n", "\t", "\x0b", "\x1c", "\x1f",
               "\u00e9", "\u00c9", "\u00a0", "\u2028", "\u03a3", "\u0130", "\U0001d400", "--", "it's", "rock 'n' roll", "\x00"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(FORM_PIECES), max_size=60).map("".join), min_size=1, max_size=5),
       st.integers(0, 40))
def test_vector_forms_equal_the_byte_at_a_time_forms(texts, pad):
    """The 16-byte passes of forms (ASCII blocks of pass 1; pass 2 where a block holds no control
    byte and no two neighbours sharing a flag) give exactly the bytes, candidates, rare positions and
    word counts of the loops that read one byte at a time, wherever the block edges fall."""
    texts = ["x" * pad + t for t in texts]
    vector, scalar = _forms_both_ways(texts)
    if any("\x00" in t for t in texts):  # (the batch reads NUL as a space and asks again)
        assert vector is False and scalar is False
        return
    assert len(vector) == len(scalar) == 5
    for a, b in zip(vector, scalar):
        assert a.tolist() == b.tolist()


# code points of every width a fresh table lacks: Latin-1, Cyrillic, General Punctuation, CJK, Vai,
# an emoji; as str of each kind and as a JSON string literal read from its bytes
_NEW_CP_TEXTS = ["caf\u00e9 na\u00efve \u00e9t\u00e9", "\u041c\u043e\u0441\u043a\u0432\u0430 \u2014 \u201cquoted\u201d",
                 "\u4e2d\u6587 and \ua500\ua501", "smile \U0001f600 \u00e9 again \u2014", "plain ascii"]


def _literal(text: str) -> tuple:
    """``text`` as the literal tuple of a JSON Lines line (bytes, start, end, n_chars)."""
    data = b'{"text": "' + text.encode("utf-8") + b'"}\n'
    return (data, 10, len(data) - 3, len(text))


def _forms_with(texts, codes, fill=None):
    from framing import batch

    size = sum((len(t) if isinstance(t, str) else t[3]) + 3 for t in texts) + 3
    return _kernels.forms(texts, codes.table, codes.known, batch._IS_WORD, batch._TO_SEARCH_ARR, batch._FLAGS_ARR,
                          size, fill)


@pytest.mark.parametrize("as_literal", [False, True])
def test_forms_enter_new_code_points_as_they_meet_them(as_literal):
    """With ``fill``, forms enters each code point missing from the table as it meets it, once,
    and gives in one call what the older protocol (return the missing code points, enter them,
    call again) gives in two: the same bytes, and the same table afterwards."""
    from framing.batch import _CodeTable

    texts = [_literal(t) if as_literal else t for t in _NEW_CP_TEXTS * 3]
    new = {ord(c) for t in _NEW_CP_TEXTS for c in t if ord(c) >= 128}
    old_codes, codes = _CodeTable(), _CodeTable()
    ref = _forms_with(texts, old_codes)
    assert sorted(ref.tolist()) == sorted(new)  # each missing code point listed once
    old_codes.fill(ref)
    ref = _forms_with(texts, old_codes)
    calls = []

    def fill(cp):
        calls.append(cp)
        codes.fill_one(cp)

    got = _forms_with(texts, codes, fill)
    assert sorted(calls) == sorted(new)  # once each, though every one occurs three times or more
    assert len(got) == len(ref) == 5
    for a, b in zip(got, ref):
        assert a.tolist() == b.tolist()
    assert (codes.table == old_codes.table).all() and (codes.known == old_codes.known).all()


def test_forms_take_a_code_point_whose_code_is_not_seen_yet_as_missing():
    """Where ``known`` says a code point is entered but its code still reads 0 (another thread's
    writes seen out of order), forms asks ``fill`` again and uses the code it writes."""
    from framing.batch import _CodeTable

    ref_codes = _CodeTable()
    ref_codes.fill(np.array([0xE9]))
    ref = _forms_with(["caf\u00e9 caf\u00e9"], ref_codes)
    codes, calls = _CodeTable(), []
    codes.known[0xE9] = True  # (its code not written yet)

    def fill(cp):
        calls.append(cp)
        codes.fill_one(cp)

    got = _forms_with(["caf\u00e9 caf\u00e9"], codes, fill)
    assert calls == [0xE9]
    for a, b in zip(got, ref):
        assert a.tolist() == b.tolist()


def test_forms_pass_on_an_error_of_fill():
    from framing.batch import _CodeTable

    def fill(cp):
        raise RuntimeError(f"no code for {cp:x}")

    with pytest.raises(RuntimeError, match="no code for e9"):
        _forms_with(["caf\u00e9"], _CodeTable(), fill)


def test_forms_list_each_missing_code_point_once():
    """Thousands of occurrences of two new code points are two entries of the kernel's list (its
    buffer of 4,096 would otherwise overflow into a pass that decodes every text again)."""
    from framing import batch

    codes = batch._CodeTable()
    text = ("d\u00e9j\u00e0 \u2014 " * 3000)
    size = len(text) + 6
    out, search = np.empty(size, dtype=np.uint8), np.empty(size, dtype=np.uint8)
    cand, rare = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64)
    unknown, n_tokens = np.zeros(4096, dtype=np.int64), np.zeros(3, dtype=np.int64)
    n, n_unknown, nuls, _, _ = _kernels._ckernels.forms(
        [text], codes.table, codes.known, batch._IS_WORD, batch._TO_SEARCH_ARR, batch._FLAGS_ARR, out, search,
        cand, rare, unknown, n_tokens)
    assert (n, n_unknown, nuls) == (size, 3, 0)
    assert sorted(unknown[:3].tolist()) == [0xE0, 0xE9, 0x2014]


def test_vector_forms_with_other_tables_leave_it_to_the_byte_loop():
    """With a word table other than the one the vector pass assumes, forms still gives what the
    tables say: the pass checks them first and leaves the work to the byte-at-a-time loop."""
    from framing import batch

    texts = ["it's x'y", "a 'quoted' word, and x's"] * 20
    odd = batch._IS_WORD.copy()
    odd[ord("x")] = False  # (an apostrophe after x is then lone)
    vector, scalar = _forms_both_ways(texts, odd)
    standard, _ = _forms_both_ways(texts)
    for a, b in zip(vector, scalar):
        assert a.tolist() == b.tolist()
    assert vector[0].tolist() != standard[0].tolist()  # the odd table changed the form


def test_vector_forms_on_news_text(basil):
    texts = basil["text"].tolist()
    vector, scalar = _forms_both_ways(texts)
    assert len(vector[0]) > 1_000_000
    for a, b in zip(vector, scalar):
        assert a.tolist() == b.tolist()


def test_inconsistent_inputs_are_refused_not_read_out_of_bounds():
    dfa = _kernels.build_dfa([b" ab"])
    with pytest.raises(TypeError, match="uint8"):
        _kernels.scan(np.zeros(4, dtype=np.int32), dfa)
    with pytest.raises(ValueError, match="NUL or FILL"):
        _kernels.build_dfa([b" a\x00b"])
    data = np.frombuffer(b" ab", dtype=np.uint8)
    counts = np.zeros(_kernels._SCAN_STREAMS, dtype=np.int64)
    out = [np.empty(8, dtype=np.int64) for _ in range(3)]
    with pytest.raises(ValueError, match="inconsistent automaton"):  # a start state past the table
        _kernels._ckernels.scan(data, dfa.classes, dfa.delta, dfa.n_classes, len(dfa.delta) * 2, dfa.n_out,
                                dfa.own, dfa.link, dfa.lengths, 0, *out, counts)
    with pytest.raises(ValueError, match="buffer"):  # an output array too small for its region
        _kernels._ckernels.scan(data, dfa.classes, dfa.delta, dfa.n_classes, dfa.start, dfa.n_out,
                                dfa.own, dfa.link, dfa.lengths, 0, out[0], out[1][:2], out[2], counts, dfa.shift)
    mixed = copy.copy(dfa)
    mixed.shift = None  # narrow transitions read as the wide layout: refused before the C loop
    with pytest.raises(TypeError, match="do not match the layout"):
        _kernels.scan(data, mixed)
    assert dfa.n_classes == 5 and dfa.shift == 3  # (" ", "a", "b", other bytes and FILL: rows of eight)
    for bad in ({"shift": 2}, {"shift": 10}, {"start": len(dfa.delta)},
                {"delta": dfa.delta[:-1]}):
        args = {"delta": dfa.delta, "start": dfa.start, "n_out": dfa.n_out, "shift": dfa.shift, **bad}
        with pytest.raises(ValueError, match="inconsistent automaton"):  # rows narrower than the classes,
            # a shift past any alphabet, the start past the table, a cut table
            _kernels._ckernels.scan(data, dfa.classes, args["delta"], dfa.n_classes, args["start"], args["n_out"],
                                    dfa.own, dfa.link, dfa.lengths, 0, *out, counts, args["shift"])


def test_a_term_without_letters_is_a_lexicon_error():
    from framing.errors import LexiconError
    from framing.lexicon import Category, Entry, Lexicon
    from framing.matcher import CompiledMatcher

    with pytest.raises(LexiconError, match="no letters or digits"):
        CompiledMatcher([Lexicon(name="l", categories={"c": Category("c")}, entries=[Entry(term="...", category="c")])])


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab_1'\u2019\u02bc`\u00b4 .-\u00e9\u0301\u00b2\u0660\u216b\U0001d400\u4e2d\t\n\u00a0", max_size=30),
       st.integers(0, 30), st.integers(0, 30))
def test_compiled_word_spans_equal_the_regular_expression(text, a, b):
    from framing.text import _WORD_RE

    a, b = min(a, len(text)), min(max(a, b), len(text))
    spans = [m.span() for m in _WORD_RE.finditer(text, a, b)]
    assert _kernels.word_spans(text, a, b) == spans
    # tokens_of: appended to given lists of starts and ends, with the same spans of a lower-cased copy
    low = text.upper()  # (any text of the same length: the words are its slices)
    if len(low) == len(text):
        for kernels in _both_kernels():
            starts, ends, words, first = [-1], [-1], ["x"], {}
            assert kernels.tokens_of(text, a, b, starts, ends, low, words, first) is None
            assert starts == [-1] + [s for s, _ in spans]
            assert ends == [-1] + [e for _, e in spans]
            assert words == ["x"] + [low[s:e] for s, e in spans]
            assert first == ({1: _kernels.token_end_before(text, a)} if a > 0 else {})
            # with marks: the index of every token whose word is one of them
            marks, hits = frozenset({"A", "AB", "B_1", "X"}), [-7]
            starts, ends, words = [-1], [-1], ["X"]
            kernels.tokens_of(text, a, b, starts, ends, low, words, None, marks, hits)
            assert hits == [-7] + [k for k, w in enumerate(words) if k > 0 and w in marks]
            starts, ends = [], []  # (offsets alone)
            kernels.tokens_of(text, a, b, starts, ends)
            assert list(zip(starts, ends)) == spans


def _both_kernels():
    """framing._kernels with its C extension (when built), then with its Python readings."""
    yield _kernels
    if _kernels._ckernels is not None:
        saved = _kernels._ckernels
        try:
            _kernels._ckernels = None
            yield _kernels
        finally:
            _kernels._ckernels = saved


def test_compiled_word_characters_are_those_of_the_regular_expression():
    """Every code point below U+0800 (ASCII is read from a table in C, the rest from the Unicode
    database) is a word character for the C tokeniser exactly when it is one for ``re`` (and no
    apostrophe: U+02BC and U+02B9 are letters to Unicode)."""
    import re

    if _kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    word = re.compile(r"[^\W\u02bc\u02b9]")
    assert not word.match("\u02bc") and word.match("\u02bb")  # (the turned comma, U+02BB, is a letter)
    for cp in range(0x800):
        ch = chr(cp)
        expected = [(1, 2)] if word.match(ch) else []
        assert _kernels.word_spans(f" {ch} ", 0, 3) == expected, hex(cp)


def test_compiled_word_spans_on_news_text(basil):
    from framing.text import word_spans

    texts = basil["text"].tolist()[:100]
    assert [_kernels.word_spans(t, 0, len(t)) for t in texts] == [word_spans(t) for t in texts]
    assert sum(len(word_spans(t)) for t in texts) > 50_000
    got = []
    for t in texts:
        starts, ends, words = [], [], []
        _kernels.tokens_of(t, 0, len(t), starts, ends, t.lower(), words)
        got.append((list(zip(starts, ends)), words))
    assert got == [(word_spans(t), [t.lower()[a:b] for a, b in word_spans(t)]) for t in texts]


def test_tokens_refuse_a_lower_case_copy_of_another_length():
    """The same errors from the C function and from its Python reading."""
    for kernels in _both_kernels():
        with pytest.raises(TypeError, match="as long as text"):
            kernels.tokens_of("abc", 0, 3, [], [], "ab", [])
        with pytest.raises(TypeError, match="marks must be a set"):
            kernels.tokens_of("abc", 0, 3, [], [], None, None, None, frozenset({"abc"}), [])
        with pytest.raises(TypeError, match="first must be a dict"):
            kernels.tokens_of("abc", 1, 3, [], [], "abc", [], [])


def test_compiled_attribution_rules_raise_one_error_for_bad_offsets():
    from framing.voice import Attribution, _rule_tables

    if not _kernels.COMPILED:
        pytest.skip("the C extension is not built")

    class Bad:
        def __index__(self):
            raise RuntimeError("no offset")

    with pytest.raises(RuntimeError, match="no offset"):  # (not a SystemError: two errors at once)
        _kernels.attributions("He said so.", [Bad()], [Bad()], ["he"], {}, [], [(0, 11)], _rule_tables(Attribution.default()))


def test_word_spans_without_the_extension_give_the_same_lists(monkeypatch, basil):
    """The regular-expression fallback fills the same lists as the C function."""
    texts = basil["text"].tolist()[:20] + ["Rebels\u2019 \u201cmilitia\u201d don't_go 1,000 caf\u00e9s"]

    from framing._kernels import token_end_before as _token_end_before

    def lists():
        out = []
        for t in texts:
            starts, ends, words, first = [], [], [], {}
            for a, b in ((3, len(t) // 2), (len(t) // 2 + 1, len(t) - 2), (len(t) + 5, len(t) + 9)):
                _kernels.tokens_of(t, a, b, starts, ends, t.lower(), words, first)
            out.append((starts, ends, words, first, _kernels.word_spans(t, 0, len(t))))
        return out

    compiled = lists()
    monkeypatch.setattr(_kernels, "_ckernels", None)
    assert lists() == compiled
    assert sum(len(x[0]) for x in compiled) > 5_000
    for t, (_, _, _, first, _) in zip(texts, compiled):  # the end of the token before each region
        assert len(first) == 3 and list(first.values())[:2] == [_token_end_before(t, 3), _token_end_before(t, len(t) // 2 + 1)]
        assert list(first.values())[2] == _token_end_before(t, len(t))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="a\x00\u00e9\u2019\U0001f600 ", max_size=600), st.integers(), st.none()),
                max_size=8))
def test_with_nul_finds_the_strings_holding_nul(values):
    """The C pass (one-, two- and four-byte strings, NULs at any place, non-strings skipped) and the
    Python fallback give the indexes of ``"\\x00" in value``."""
    expected = [i for i, v in enumerate(values) if isinstance(v, str) and "\x00" in v]
    assert _kernels.with_nul(values) == expected
    if _kernels.COMPILED:
        assert _kernels._ckernels.with_nul(values) == expected


def test_with_nul_on_long_texts_of_every_width(monkeypatch):
    for fallback in (False, True):
        if fallback:  # the Python path where the extension is not built
            monkeypatch.setattr(_kernels, "_ckernels", None)
        for ch in ("a", "\u2019", "\U0001f600"):
            for at in (0, 255, 256, 257, 5_000, 9_999):
                text = ch * 10_000
                values = [text, text[:at] + "\x00" + text[at + 1:], 7, text]
                assert _kernels.with_nul(values) == [1], (ch, at, fallback)


# The candidates' checks and the leftmost-longest choice: C against the NumPy readings of
# framing.matcher, on a lexicon with every kind of target (several targets per key, keys sharing a
# pattern after folding, final and inner wildcards, gaps, exclusions, multi-category words).
KINDS_LEX = """
name: kinds
categories: {a: {}, b: {}, c: {}}
entries:
  - {term: war, category: a}
  - {term: war crime, category: b}
  - {term: crime*, category: c}
  - {term: café, category: a}
  - {term: cafe, category: b}
  - {term: anti* war, category: c}
  - {term: 'war: crime', category: a}
  - {term: Brig. Gen., category: b}
  - {term: rebel*, category: a, exclude: [rebel's army]}
  - {term: army, category: c}
"""
OTHER_LEX = """
name: other
categories: {d: {}}
entries:
  - {term: war, category: d}
  - {term: crimes, category: d}
  - {term: warж, category: d}
  - {term: warض, category: d}
"""
KIND_WORDS = ["war", "War's", "war:", "Brig.", "Gen.", "brig", "gen", "crime", "crimes", "crime's", "café", "cafe", "cafés", "anti", "antiwar",
              "anti-war", "rebel", "rebels", "rebel's", "army", "armyx", "war-crime", "warcrime", "the",
              "warж", "warض", "warжs"]  # (ж and ض fold to one byte: a pattern of two keys)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(KIND_WORDS), max_size=14).map(" ".join)
                .map(lambda s: s.replace("the the", "the\n\nthe").replace("war war", "war  war")),
                min_size=1, max_size=6))
def test_compiled_candidates_and_longest_equal_the_numpy_readings(texts):
    from framing.lexicon import Category, Entry, Lexicon, parse_yaml
    from framing.matcher import CompiledMatcher, _longest, _longest_py

    multi = Lexicon(name="multi", categories={"x": Category("x"), "y": Category("y")}, unique_terms=False,
                    entries=[Entry("war", "x"), Entry("war", "y"), Entry("crime* war", "x"), Entry("cafe", "y")])
    m = CompiledMatcher([parse_yaml(KINDS_LEX), parse_yaml(OTHER_LEX), multi])
    # every kind of row is there: final wildcards (1) and tails (2), gap keys, keys of several
    # targets, patterns of several keys, multi-category targets
    assert {0, 1, 2} <= set(m._kind.tolist()) and m._pid_gaps and m._multi_category.any()
    assert np.diff(m._ptr).max() >= 2 and np.diff(m._pk_ptr).max() >= 2
    batch = m.batch(texts)
    for part in batch.parts:
        codes = part.codes
        pid, st_, en = m._scan(codes)
        got = _kernels.resolve(codes, pid, st_, en, m._pk_ptr, m._pk_keys, m._ptr, m._tids, m._kind)
        gapped = m._checked(codes, *m._gap_candidates(part.data, pid, st_))
        got = [np.concatenate(x) for x in zip(got, gapped)]
        want = m._checked(codes, *m._candidates(part.data, pid, st_, en))
        assert sorted(zip(*(x.tolist() for x in got))) == sorted(zip(*(x.tolist() for x in want)))
        tid, start, end = want
        if len(tid):
            doc = part.local(start)
            args = (doc, m._group[tid], start, end, tid, m.target_category, m._multi_category)
            c = _longest(*args)
            py = _longest_py(*args)
            assert [x.tolist() for x in c] == [x.tolist() for x in py]  # same rows, same order


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 30), st.integers(1, 6), st.integers(0, 7)),
                max_size=60),
       st.lists(st.integers(0, 3), min_size=8, max_size=8), st.lists(st.booleans(), min_size=8, max_size=8))
def test_compiled_longest_equals_the_numpy_reading_on_any_candidates(rows, cats, multi):
    from framing.matcher import _longest, _longest_py

    if not rows:
        return
    group, start, length, tid = (np.asarray(x, dtype=np.int64) for x in zip(*rows))
    doc = start // 10  # (any value: it is carried along)
    args = (doc, group, start, start + length, tid, np.asarray(cats, dtype=np.int64), np.asarray(multi))
    assert [x.tolist() for x in _longest(*args)] == [x.tolist() for x in _longest_py(*args)]


def test_resolve_and_longest_refuse_rows_outside_their_tables():
    data = np.frombuffer(b" ab \x00", dtype=np.uint8)
    one = np.ones(1, dtype=np.int64)
    ptr = np.asarray([0, 1], dtype=np.int64)
    kind = np.zeros(1, dtype=np.uint8)
    with pytest.raises(ValueError, match="outside the tables"):  # pattern 5 of 1
        _kernels.resolve(data, one * 5, one * 0, one * 3, ptr, one * 0, ptr, one * 0, kind)
    with pytest.raises(ValueError, match="outside the tables"):  # an end past the data
        _kernels.resolve(data, one * 0, one * 0, one * 99, ptr, one * 0, ptr, one * 0, kind)
    with pytest.raises(ValueError, match="outside the tables"):  # target 3 of 1
        _kernels.resolve(data, one * 0, one * 0, one * 3, ptr, one * 0, ptr, one * 3, kind)
    tid, start, end = _kernels.resolve(data, one * 0, one * 0, one * 3, ptr, one * 0, ptr, one * 0, kind)
    assert (tid.tolist(), start.tolist(), end.tolist()) == ([0], [1], [3])
    with pytest.raises(ValueError, match="outside the arrays"):  # order names row 4 of 1
        _kernels.longest(one * 4, one, one, one, one * 2, one * 0, one * 0, np.zeros(1, dtype=bool))
    with pytest.raises(TypeError, match="int64"):
        _kernels.longest(one.astype(np.int32), one, one, one, one * 2, one * 0, one * 0, np.zeros(1, dtype=bool))
    # review cases, given to the C functions directly: a count of matches that overflows or is
    # negative, a start at the largest int64, an unaligned array, a category at the largest int64
    out = [np.empty(4, dtype=np.int64) for _ in range(3)]
    c = _kernels._ckernels
    for n in (2 ** 61, -1):
        with pytest.raises(ValueError, match="not a count of matches"):
            c.resolve(data, one * 0, one * 0, one * 3, n, ptr, one * 0, ptr, one * 0, kind, *out)
    with pytest.raises(ValueError, match="outside the tables"):
        c.resolve(data, one * 0, one * (2 ** 63 - 1), one * 3, 1, ptr, one * 0, ptr, one * 0, kind, *out)
    unaligned = np.zeros(17, dtype=np.uint8)[1:9].view(np.int64)
    with pytest.raises(ValueError, match="aligned"):
        c.resolve(data, unaligned, one * 0, one * 3, 1, ptr, one * 0, ptr, one * 0, kind, *out)
    with pytest.raises(ValueError, match="category"):
        c.longest(one * 0, one, one, one, one * 2, one * 0, one * (2 ** 63 - 1), np.ones(1, dtype=np.uint8),
                  *(np.empty(1, dtype=np.int64) for _ in range(4)))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200).map(lambda b: bytes(b"ab\n"[x % 3] for x in b)), st.data())
def test_line_ends_stops_after_the_nth_newline(data, draw):
    start = draw.draw(st.integers(0, len(data)))
    n = draw.draw(st.integers(0, 8))
    newlines = [i for i in range(start, len(data)) if data[i] == 10]  # independent: every newline
    rows = min(n, len(newlines))
    expect = (newlines[rows - 1] + 1 if rows else start, rows)
    assert _kernels.line_ends(data, start, n) == expect
    if _kernels._ckernels is not None:
        saved, _kernels._ckernels = _kernels._ckernels, None  # the Python reading, the same
        try:
            assert _kernels.line_ends(data, start, n) == expect
        finally:
            _kernels._ckernels = saved


def test_line_ends_refuses_a_start_outside_the_buffer():
    for start, n in ((-1, 1), (4, 1), (0, -1)):
        with pytest.raises(ValueError, match="start must lie in the buffer"):
            _kernels.line_ends(b"a\nb", start, n)


@pytest.mark.parametrize("base", ["abc de", "ab\u00e9 c", "a\u4e2d b", "x\U0001f600 y"])  # one, two and four bytes a character
def test_compiled_line_walks_equal_python_on_long_lines(base):
    """Quotation regions, sentences and the focus of voice attribution find line breaks, quotation
    marks and full stops 16 or 32 characters at a time in C: long runs without any (what
    hypothesis's short texts rarely make), and any of them at every place in a block, give the same
    results as the Python functions, in each kind of str."""
    import random

    from framing import sentences as SE
    from framing import voice as V

    if _kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    rng = random.Random(len(base))
    marks = ".?!\n\r\"'\u2028\u2029\u201c\u201d\u2018\u2019\u00ab\u00bb\u00aa\u00ac"
    for _ in range(1500):
        text = "".join(rng.choice(marks) if rng.random() < 0.02 else rng.choice(base) for _ in range(rng.randint(0, 400)))
        quotes = V._quote_regions(text)
        assert quotes == V._quote_regions_py(text), text
        assert SE.sentence_spans(text) == SE._sentence_spans_py(text), text
        points = sorted(rng.sample(range(len(text)), min(3, len(text))))
        assert SE.sentence_spans(text, points) == SE._sentence_spans_py(text, points), text
        assert V._focus(text, quotes, points) == V._focus_py(text, quotes, points), text


VOICES = ("attributed", "quoted", "scare_quoted")
ROW = st.tuples(st.integers(0, 40), st.integers(0, 15), st.sampled_from(VOICES), st.sampled_from(["", "officials", "he"]))


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 8).flatmap(lambda k: st.tuples(st.lists(ROW, max_size=8 * k), st.lists(
    st.tuples(st.integers(0, 50), st.integers(0, 6)), max_size=12 * k))))
def test_compiled_voices_equal_the_python_and_numpy_readings(case):
    """Voice and source of spans from segment rows in C (``_kernels.voices``) against the Python
    loop and NumPy's arrays (``voice_of``, which takes its arrays beyond 2,000 rows x spans): the
    row of the highest rank holding a span's middle character, the last of equal ranks, "author"
    where none (nested, equal and empty rows, spans of length 0 whose middle lies before them)."""
    from framing import voice as V

    rows, spans = case
    rows = [(a, a + n, v, s) for a, n, v, s in rows]
    starts, ends = [s for s, _ in spans], [s + n for s, n in spans]
    got = _kernels.voices(rows, starts, ends, V._RANK)
    assert tuple(got) == (*V._voices_py(rows, starts, ends),)
    by_start = sorted(rows, key=lambda r: r[0])  # (as segments gives them: the C loop stops early)
    assert tuple(_kernels.voices(by_start, starts, ends, V._RANK)) == (*V._voices_py(by_start, starts, ends),)
    voice, source = V.voice_of(tuple(rows), np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64))
    assert list(got[0]) == voice.tolist() and list(got[1]) == source.tolist()
    held = [any(a <= (s + e - 1) // 2 < b for a, b, _, _ in rows) for s, e in zip(starts, ends)]
    assert [v != "author" for v in got[0]] == held  # (an independent count of the spans a row holds)


def test_compiled_voices_refuse_bad_rows():
    from framing import voice as V

    with pytest.raises(KeyError, match="spoken"):
        _kernels.voices([(0, 5, "spoken", "")], [1], [2], V._RANK)
    with pytest.raises(TypeError, match="start, end, voice, source"):
        _kernels.voices([(0, 5, "quoted")], [1], [2], V._RANK)
    with pytest.raises(ValueError, match="equally long"):
        _kernels.voices([], [1, 2], [2], V._RANK)

    class Clearing(str):  # (a voice whose hash empties the caller's lists while the rows are ranked)
        def __hash__(self):
            rows.clear()
            starts.clear()
            ends.clear()
            return str.__hash__(self)

    rows, starts, ends = [(0, 5, Clearing("quoted"), "x")], [1], [2]
    assert _kernels.voices(rows, starts, ends, V._RANK) == ([], [])


class _Mark(str):
    """A str subclass among the marks, equal to any casing of its words: the C filter (made from
    the marks' characters) must then look every word up."""

    def __eq__(self, other):
        return isinstance(other, str) and self.lower() == other.lower()

    def __hash__(self):
        return hash(self.lower())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["said", "Said", "SAID", "told", "don't", "don\u2019t", "not", "no", "so", "called",
                                 "according", "\u00e9lan", "elan", "sad", "saidx", "the", "a", "n't", "x" * 17,
                                 "alleged", "allegedly", "d\u00e9ni\u00e9", "rebels", "1", "_", "na\u00efve",
                                 "naive"]), max_size=30),
       st.sampled_from([" ", "-", "\n", ", ", "'"]))
def test_tokens_of_hits_are_every_word_in_the_marks(words_in, sep):
    """The hits of tokens_of (the tokens whose word is in ``marks``) against an independent
    lookup of every word: with the shipped marks (a frozenset, filtered by a bitmap in C before the
    set lookup), the same marks as a mutable set (no filter), a frozenset holding a str subclass and
    words of other characters, and two frozensets in turn (the filter is made again)."""
    from framing.voice import Attribution, _mark_firsts, _Words

    text = sep.join(words_in)
    shipped = _mark_firsts(Attribution.default())
    odd = frozenset({_Mark("SAID"), "\u00e9lan", "sad", "x" * 17, "n't"})
    changing = set(shipped)
    # (a word of the marks with ASCII ends and another character inside, "na\u00efve": the C filter,
    # which holds the ASCII words alone, must not rule it out from its ends)
    for marks in (shipped, changing, odd, frozenset({"elan", "1", "_", "na\u00efve"}), shipped, changing):
        for kernels in _both_kernels():
            starts, ends, words, hits = [], [], [], []
            kernels.tokens_of(text, 0, len(text), starts, ends, _Words(text), words, None, marks, hits)
            assert hits == [k for k, w in enumerate(words) if w in marks], (text, marks)
            # without words (the hits alone; in C, a word made only where the filter lets it through)
            alone = [[], [], []]
            kernels.tokens_of(text, 0, len(text), alone[0], alone[1], _Words(text), None, None, marks, alone[2])
            assert alone == [starts, ends, hits], (text, marks)
        changing.add("rebels")  # (a mutable set may change between calls: never filtered)
    for kernels in _both_kernels():  # (the same set object twice in a row, changed between)
        marks, got = set(shipped), []
        for word in ("zebra", "the"):  # ("zebra": no word of the marks has its length and ends)
            hits = []
            kernels.tokens_of("the zebra said", 0, 14, [], [], _Words("the zebra said"), [], None, marks, hits)
            got.append(hits)
            marks.add(word)
        assert got == [[2], [1, 2]]


def test_tokens_of_hits_on_news_text(basil):
    from framing.voice import Attribution, _mark_firsts, _Words

    marks = _mark_firsts(Attribution.default())
    n_hits = 0
    for text in basil["text"].tolist()[:100]:
        starts, ends, words, hits = [], [], [], []
        _kernels.tokens_of(text, 0, len(text), starts, ends, _Words(text), words, None, marks, hits)
        assert hits == [k for k, w in enumerate(words) if w in marks]
        alone = []  # (no words kept: in C, ASCII words found in the marks' own table)
        _kernels.tokens_of(text, 0, len(text), [], [], _Words(text), None, None, marks, alone)
        assert alone == hits
        n_hits += len(hits)
    assert n_hits > 1000


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab said not'\u2019\u00e9 .,\n", max_size=60),
       st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)), max_size=5))
def test_tokens_in_equals_tokens_of_span_by_span(text, cuts):
    """tokens_in (one call for a _Doc's regions) appends what tokens_of appends for each region in
    turn: offsets, words, the first-token map and the hits, in C and in Python."""
    from framing.voice import Attribution, _mark_firsts, _Words

    spans = sorted((min(a, len(text)), min(a + n, len(text))) for a, n in cuts)
    marks = _mark_firsts(Attribution.default())
    for kernels in _both_kernels():
        one = [[], [], [], {}, []]
        kernels.tokens_in(text, spans, one[0], one[1], _Words(text), one[2], one[3], marks, one[4])
        each = [[], [], [], {}, []]
        for a, b in spans:
            _kernels.tokens_of(text, a, b, each[0], each[1], _Words(text), each[2], each[3], marks, each[4])
        assert one == each
    with pytest.raises(TypeError, match="spans are"):
        _kernels.tokens_in("ab", [(0, 1, 2)], [], [])


@pytest.mark.parametrize("fallback", [False, True])
def test_slices_are_the_texts_pieces(monkeypatch, fallback):
    """The surfaces of a chunk's mentions: the slice of its text at each row, in C and in Python;
    rows outside the texts are refused (C) rather than read."""
    if fallback:
        monkeypatch.setattr(_kernels, "_ckernels", None)
    texts = ["Haftar's forces", "", "caf\u00e9 \U0001f600 x", "abc"]
    rows = [(0, 0, 6), (0, 9, 15), (1, 0, 0), (2, 0, 4), (2, 5, 6), (3, 2, 99), (3, 2, 1)]
    doc, start, end = (np.asarray(c, dtype=np.int64) for c in zip(*rows))
    assert _kernels.slices(texts, doc, start, end) == [texts[d][s:e] for d, s, e in rows]
    assert _kernels.slices(texts, doc[:0], start[:0], end[:0]) == []
    if not fallback:
        for bad in ((4, 0, 1), (-1, 0, 1), (0, -1, 2)):
            with pytest.raises(ValueError, match="row 0 is not a span"):
                _kernels.slices(texts, *(np.asarray([x], dtype=np.int64) for x in bad))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(0, 200), max_size=20), st.lists(st.integers(-5, 210), max_size=15))
def test_compiled_holding_equals_the_python_reading(cuts, points):
    """The blocks holding one of the points, in C against Python: blocks sorted and disjoint, empty
    ones included, points before, between, at the edges of and after them."""
    from framing import voice as V

    cuts = sorted(cuts)
    blocks = [(a, b) for a, b in zip(cuts[::2], cuts[1::2])]
    points = sorted(points)
    got = _kernels._ckernels.holding(blocks, points)
    assert got == V._holding_py(blocks, points) == [(a, b) for a, b in blocks if any(a <= p < b for p in points)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_work_arrays_are_not_shared_with_forked_workers():
    """The C loops' reusable work arrays are this process's own memory: a forked ``--jobs`` worker
    writing its scan rows into them leaves the main process's rows as they were."""
    buf = _kernels._scratch("test.fork", 100_000)
    buf[:] = 1
    pid = os.fork()
    if pid == 0:  # the child
        buf[:] = 2
        os._exit(0)
    os.waitpid(pid, 0)
    assert (buf == 1).all()


_HEAP_PROBE = """
import resource, sys
import numpy as np
from framing import _kernels
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
if sys.argv[1] == "1":
    _kernels.keep_chunks_on_the_heap()
def chunk():  # three buffers of a chunk's size, written, then freed together
    bufs = [np.ones(5 << 20, dtype=np.uint8) for _ in range(3)]
    del bufs
chunk(); chunk()
before = faults()
for _ in range(4):
    chunk()
print(faults() - before)
"""


@pytest.mark.skipif(not (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"),
                    reason="glibc's allocator thresholds")
def test_chunk_buffers_stay_on_the_heap():
    """After keep_chunks_on_the_heap, the buffers of each chunk reuse heap memory instead of fresh
    pages (page faults counted in fresh processes: thousands without it, about none with it)."""
    got = {}
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}  # (glibc's own defaults)
    for flag in ("0", "1"):
        run = subprocess.run([sys.executable, "-c", _HEAP_PROBE, flag], capture_output=True, text=True, check=True,
                             cwd=Path(__file__).resolve().parents[1], env=env)
        got[flag] = int(run.stdout)
    assert got["0"] > 1000 and got["1"] < 100, got


def test_shared_words_and_offsets_are_those_made_fresh(basil):
    """tokens_of's words come from a table of shared strings and its offsets below 65,536 from a
    table of shared ints: over news text (thousands of distinct words, so that table slots are
    taken over), twice, with words of 24 and 25 characters and offsets past the table, the C lists
    equal the Python reading's, and a word's str is never changed in place."""
    from framing.voice import _Words

    texts = basil["text"].tolist()[:150]
    long_words = " ".join(["Abcdefghijklmnopqrstuvwx", "Abcdefghijklmnopqrstuvwxy", "don\u2019T"] * 20)
    texts.append(("Officials SAID " * 6000) + long_words)  # (past offset 65,536)
    assert len(texts[-1]) > 70_000
    assert len({w for t in texts for w in t.lower().split()}) > 10_000

    def lists():
        out = []
        for t in texts:
            starts, ends, words = [], [], []
            _kernels.tokens_of(t, 0, len(t), starts, ends, _Words(t), words)
            out.append((starts, ends, words))
        return out

    if _kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    first = lists()
    kept = [w for _, _, words in first for w in words]
    copies = [str(w.encode()) for w in kept]
    second = lists()
    saved = _kernels._ckernels
    try:
        _kernels._ckernels = None
        python = lists()
    finally:
        _kernels._ckernels = saved
    assert first == second == python
    assert [str(w.encode()) for w in kept] == copies
    assert python[-1][2][-3:] == ["abcdefghijklmnopqrstuvwx", "abcdefghijklmnopqrstuvwxy", "don't"]
    assert python[-1][1][-1] > 65_536


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aB said not'\u2019`\u00e9\u0130 .,\n-", max_size=60))
def test_token_words_are_the_words_tokens_of_makes(text):
    """A _Doc's words made when read (token_words) are those tokens_of makes with the tokens, in C
    and in Python, for ASCII tokens, apostrophes of every kind and characters whose lower case is
    longer ("\u0130")."""
    from framing.voice import _Words

    for kernels in _both_kernels():
        starts, ends, words = [], [], []
        kernels.tokens_of(text, 0, len(text), starts, ends, _Words(text), words)
        assert kernels.token_words(text, starts, ends, _Words(text)) == words


def test_token_words_refuse_bad_tokens():
    from framing.voice import _Words

    if _kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    with pytest.raises(ValueError, match="token 1 is not a span"):
        _kernels.token_words("ab cd", [0, 3], [2, 9], _Words("ab cd"))
    with pytest.raises(ValueError, match="as many ends as starts"):
        _kernels.token_words("ab cd", [0, 3], [2], _Words("ab cd"))
    with pytest.raises(TypeError, match="must return a str"):
        _kernels.token_words("\u00e9t\u00e9", [0], [3], lambda a, b: None)


def test_an_extension_built_from_other_sources_is_set_aside():
    """A C extension left from older sources (no VERSION, or another one) is not called: a
    RuntimeWarning says to rebuild it, and framing scores with its Python readings."""
    code = """
import sys, types, warnings
old = types.ModuleType("framing._ckernels")
old.__file__ = "/somewhere/_ckernels.so"
old.VERSION = 1
sys.modules["framing._ckernels"] = old
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    import framing, framing._kernels, framing.sentences
print(framing._kernels._ckernels is None, framing.sentences._ckernels is None)
print([str(w.message) for w in seen if issubclass(w.category, RuntimeWarning)])
import pandas as pd
r = framing.score(pd.DataFrame({"doc_id": ["a"], "outlet": ["o"], "text": ["The militia said so."]}), "libya")
print(len(r.documents))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "True True"
    from framing._extension import KERNELS_VERSION

    assert f"built from other sources (interface 1, these need {KERNELS_VERSION})" in lines[1] and "pip install -e ." in lines[1]
    assert lines[2] == "1"
    if _kernels._ckernels is not None:
        assert _kernels._ckernels.VERSION == KERNELS_VERSION


def test_span_readers_copy_lists_that_an_offset_could_change():
    """An offset whose __index__ empties the list it is in (Python code run while C reads the
    list) gives a result or an error, never a read of freed memory: the C readers copy first."""
    if _kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    from framing.voice import _cleaner, Attribution

    class Emptying:
        def __init__(self, target):
            self.target = target

        def __index__(self):
            self.target.clear()
            return 1

    c = _kernels._ckernels
    points = [0, 0, 0]
    points[0] = Emptying(points)
    assert c.near_quotes([(0, 5)], [(0, 3)], points) == ([(0, 5)], [True])
    sents = [(0, 3), (4, 9), (10, 12)]
    sents[0] = (Emptying(sents), 3)
    assert c.near_quotes([(0, 5)], sents, []) == ([(0, 5)], [False])
    within = [(0, 9), (10, 20)]
    within[0] = (Emptying(within), 9)
    assert c.starting_in([(2, 4), (11, 12)], within) == [(2, 4), (11, 12)]
    points = [3, 3, 3]
    points[0] = Emptying(points)
    assert c.segment_rows([], [], [], [(0, 9, "officials", "said")], points, _cleaner(Attribution.default())) == \
        [(0, 9, "attributed", "officials")]
