"""Texts left in their JSON Lines bytes (framing/_jsontext.py): ``framing count`` reads them
without making a str, and must read exactly what parsing each line whole reads."""

import importlib
import json
import random
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import framing
import framing.corpus as fc
from framing import _kernels
from framing._jsontext import MIN_LITERAL, SOLID, InvalidLiteral, JsonText
from framing.batch import _compiled_forms

_score_module = importlib.import_module("framing.score")

pytestmark = pytest.mark.skipif(not _kernels.COMPILED or fc._orjson is None,
                                reason="texts are left in their bytes only with the C kernels and orjson")


def _block(data: bytes) -> fc._Block:
    return fc._Block("mem.jsonl", "utf-8", 1, 0, data)


def _plain(records):
    """Records with every JsonText decoded (what the whole-line parse gives)."""
    return [(None if rec is None else {k: str(v) if type(v) is JsonText else v for k, v in rec.items()}, reason)
            for rec, reason in records]


def _both(data: bytes):
    keys: set[str] = set()
    cut = list(fc._cut_records(_block(data), keys))
    whole = list(fc._utf8_records(_block(data)))
    return cut, whole, keys


# ------------------------------------------------------------------------------ generated lines
_PIECES = ["army", " militia ", "Haftar's", "\n", "\n\n", '"', "\\", "/", "\t", "\u00e9", "touch\u00e9", "\u2019",
           "\u201cquoted\u201d", "\u00bd", "\u3000", "\u00a0", "\U0001f600", "\u0000", "\ud800", "\udc00",
           "\x85", "\u2028", "ﬁ", "Ａ", " ", "", "0", "renegade general"]
_SAFE = [p for p in _PIECES if p not in ("\ud800", "\udc00")]


def _string(draw, long: bool) -> str:
    pieces = draw(st.lists(st.sampled_from(_PIECES), min_size=0, max_size=12))
    s = "".join(pieces)
    if long:
        s = (s or draw(st.sampled_from(_SAFE)) or "x") * (MIN_LITERAL // max(1, len(s) or 1) + draw(st.integers(1, 3)))
    return s


@st.composite
def _line(draw) -> bytes:
    """One line: mostly objects with a long text, with duplicate and escaped keys, nested values,
    numbers, whitespace, invalid JSON and lone surrogates among them."""
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return draw(st.sampled_from([b"", b"   ", b"{not json", b"[1, 2]", b"null", b'"text"', b"{}",
                                     b'{"text": "' + b"x" * 300 + b'"', b'{"text": "' + b"y" * 300 + b'" junk}']))
    keys = draw(st.lists(st.sampled_from(["doc_id", "outlet", "text", "title", "body", "n", "tags", "te\u00f6t"]),
                         min_size=1, max_size=6))
    parts = []
    for k in keys:
        vk = draw(st.integers(0, 9))
        if vk <= 4:
            v = json.dumps(_string(draw, long=vk <= 2), ensure_ascii=draw(st.booleans()))
        elif vk == 5:
            v = str(draw(st.integers(-10**20, 10**20)))
        elif vk == 6:
            v = draw(st.sampled_from(["1.5", "true", "false", "null", "-0", "1e3"]))
        elif vk == 7:
            v = json.dumps(draw(st.sampled_from([[1, "a\"]"], {"text": "x" * 300, "k": [{}]}, [], {"a": "}"}])))
        elif vk == 8:  # a long literal written by hand: escapes json.dumps never writes
            body = draw(st.sampled_from(["\\u0041", "\\/", "\\ud83d\\ude00", "\\u00e9", "\\b", "\\f", "\\u2028",
                                         "\\ud800", "\\udc00x", "\\u0000", "\\x", "\\u12", "\t", "\\u3000"]))
            v = '"' + "a" * 250 + body * draw(st.integers(1, 30)) + '"'
        else:
            v = '"' + "\\u3000" * 300 + '"'  # (only whitespace)
        key = json.dumps(k, ensure_ascii=draw(st.booleans()))
        if draw(st.integers(0, 9)) == 0:
            key = '"te\\u0078t"'  # (an escaped key: "text")
        ws = draw(st.sampled_from(["", " ", "\t", " \r"]))
        parts.append(f"{key}{ws}:{ws}{v}")
    sep = draw(st.sampled_from([",", ", ", " ,\t"]))
    line = draw(st.sampled_from(["", " "])) + "{" + sep.join(parts) + "}" + draw(st.sampled_from(["", " ", "\r"]))
    return line.encode("utf-8", "surrogatepass")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_line(), min_size=1, max_size=8))
def test_cut_records_read_what_parsing_each_line_whole_reads(lines):
    data = b"\n".join(lines)
    try:
        whole = list(fc._utf8_records(_block(data)))
    except framing.CorpusError as err:  # (a lone surrogate written as UTF-8 bytes: not valid UTF-8)
        # the cut reader leaves the bytes to whoever decodes them (the block is then read whole)
        with pytest.raises((framing.CorpusError, InvalidLiteral)):
            _plain(fc._cut_records(_block(data), set()))
        assert "not valid utf-8" in str(err)
        return
    keys: set[str] = set()
    cut = list(fc._cut_records(_block(data), keys))
    assert _plain(cut) == whole
    # every value left in the bytes is a long string of its record, under a key reported
    for rec, _ in cut:
        for k, v in (rec or {}).items():
            if type(v) is JsonText:
                assert k in keys and len(str(v)) == v.n_chars
                assert v.literal[2] - v.literal[1] >= MIN_LITERAL


def test_the_longest_string_of_a_line_is_cut_and_only_a_line_read_in_full():
    text = "Field Marshal " + "x" * 300
    line = json.dumps({"doc_id": "a", "title": "t" * 280, "text": text, "n": [1, {"k": "\"}"}]})
    small, cuts = _kernels.json_literals(line.encode(), MIN_LITERAL)
    (cut,) = cuts
    data = line.encode()
    assert data[cut[1]:cut[2]].decode() == text and cut[3] == len(text) and cut[5] == b"text"
    assert json.loads(small) == {"doc_id": "a", "title": "t" * 280, "text": "", "n": [1, {"k": "\"}"}]}
    # not cut: a repeated key (the parser keeps the last), an escaped key, a bad escape, a raw
    # control character, an unpaired surrogate escape, trailing text
    for bad in ['{"text": "%s", "text": "b"}' % ("a" * 300), '{"te\\u0078t": "%s"}' % ("a" * 300),
                '{"text": "%s\\q"}' % ("a" * 300), '{"text": "%s\x01"}' % ("a" * 300),
                '{"text": "%s\\ud800"}' % ("a" * 300), '{"text": "%s"} x' % ("a" * 300)]:
        small, cuts = _kernels.json_literals(bad.encode(), MIN_LITERAL)
        assert cuts == [None] and small == bad.encode(), bad


def test_literal_flags_never_call_whitespace_solid():
    """The kernel's "holds a character that is not whitespace" flag (which lets the standardiser
    skip str.isspace) is never set for a text of whitespace alone, for every whitespace character
    (the list comes from str.isspace), written raw or as an escape; and isspace agrees with str's."""
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert len(spaces) == 29 and all(unicodedata.category(c) in ("Zs", "Zl", "Zp", "Cc") for c in spaces)
    for ch in spaces + ["a", "\u00e9", "\u2019", "\u3001", "\x00"]:
        for ascii_only in (False, True):
            text = ch * 300
            data = json.dumps({"text": text}, ensure_ascii=ascii_only).encode()
            _, (cut,) = _kernels.json_literals(data, MIN_LITERAL)
            jt = JsonText(cut)
            assert len(jt) == 300 and str(jt) == text
            if ch.isspace():
                assert not cut[4] & SOLID, hex(ord(ch))
            assert jt.isspace() == text.isspace() and ("\x00" in jt) == ("\x00" in text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.sampled_from(list("ab \n'\"\\/-") + ["\u00e9", "\u2019", "\U0001f600", "\u00bd",
                                                                   "\u0301", "\ufe0f", "\u3000", "Ａ", "ß", "İ"]),
                        min_size=0, max_size=60), min_size=1, max_size=6))
def test_forms_read_from_a_literal_equal_forms_of_the_str(texts):
    data = b"\n".join(json.dumps({"text": t * (MIN_LITERAL // max(1, len(t)) + 1) if t else "x" * 300},
                                 ensure_ascii=i % 2 == 0).encode() for i, t in enumerate(texts))
    _, cuts = _kernels.json_literals(data, MIN_LITERAL)
    items = [JsonText(c) for c in cuts]
    strs = [str(t) for t in items]
    size = sum(len(s) + 3 for s in strs) + 3
    a = _compiled_forms(strs, size)
    b = _compiled_forms(items, size)
    for x, y in zip(a, b):
        assert np.array_equal(x, y)


def test_forms_refuse_a_literal_that_is_not_utf8():
    data = b'{"text": "' + b"a" * 300 + b'\xff\xfe"}'
    _, (cut,) = _kernels.json_literals(data, MIN_LITERAL)
    with pytest.raises(ValueError, match="not valid UTF-8"):
        _compiled_forms([JsonText(cut)], cut[3] + 6)


# ------------------------------------------------------------------------------ end to end
def _count(path, lexicon, monkeypatch=None, cut=True, **kw):
    if not cut:
        monkeypatch.setattr(fc, "_can_cut", lambda: False)
    frames = list(_score_module.iter_count(path, framing.compile_lexicons(lexicon), progress=False, **kw))
    if not cut:
        monkeypatch.undo()
    counts = pd.concat([c for c, _ in frames], ignore_index=True)
    skipped = pd.concat([s for _, s in frames], ignore_index=True)
    return counts, skipped


def _corpus_lines(rng: random.Random, n: int) -> list[str]:
    words = ["army", "militia", "Haftar", "renegade general", "Field Marshal", "touch\u00e9", "\u00bd", "ﬁ",
             "Libyan National Army", "\u201cquote\u201d", "\n", "\n\n", "\u00a0", "\U0001f600", "ＡＢＣ", "ß"]
    lines = []
    for i in range(n):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 120)))
        rec = {"doc_id": f"d{i % (n - 5)}", "outlet": rng.choice(["a", "b", ""]), "text": text}
        if i % 7 == 0:
            rec["title"] = "t" * rng.randint(0, 600)  # (at times longer than the text)
        if i % 11 == 0:
            del rec["doc_id"]  # (a hash of outlet, title and text)
        if i % 13 == 0:
            rec["text"] = "\u3000" * 300
        line = json.dumps(rec, ensure_ascii=i % 3 == 0)
        if i % 17 == 0:
            line = line.replace('"text": "', '"text": "\\u0000', 1)
        if i % 19 == 0:
            line = line.replace('"text": "', '"text": "\\ud800', 1)
        lines.append(line)
    return lines


@pytest.mark.parametrize("jobs,chunk_rows", [(1, 1000), (1, 7), (2, 7)])
def test_count_reads_texts_in_their_bytes_to_the_same_tables(tmp_path, monkeypatch, jobs, chunk_rows):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(_corpus_lines(random.Random(5), 300)) + "\n", encoding="utf-8")
    from framing.lexicon import Category, Entry, Lexicon

    terms = {"actor": ["army", "militia", "haftar", "renegade general*"], "misc": ["touché", "½", "fi*", "abc", "ss"]}
    lexicon = Lexicon(name="t", categories={c: Category(c) for c in terms},
                      entries=[Entry(term=t, category=c) for c, ts in terms.items() for t in ts])
    a = _count(path, lexicon, jobs=jobs, chunk_rows=chunk_rows)
    b = _count(path, lexicon, monkeypatch, cut=False, jobs=jobs, chunk_rows=chunk_rows)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    reasons = " ".join(a[1]["reason"])
    for why in ("NUL byte", "only whitespace", "surrogate", "duplicate doc_id", "no outlet"):
        assert why in reasons, why
    assert len(a[0]) + len(a[1]) == 300 and a[0]["n_tokens"].sum() > 1000


def test_count_of_a_file_with_bad_utf8_in_a_long_text_fails_naming_the_line(tmp_path, monkeypatch):
    rows = [json.dumps({"doc_id": f"d{i}", "outlet": "o", "text": "army " * 80}).encode() for i in range(30)]
    rows[17] = rows[17].replace(b"army army", b"army \xc3\x28rmy", 1)  # (an invalid two-byte sequence)
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(rows) + b"\n")
    msgs = []
    for cut in (True, False):
        with pytest.raises(framing.CorpusError) as err:
            _count(path, "libya", monkeypatch, cut=cut, chunk_rows=10)
        msgs.append(str(err.value))
    assert msgs[0] == msgs[1] and "line 18" in msgs[0]
    # also when the document is skipped (no outlet), so that its text is never matched
    rows[17] = rows[17].replace(b'"outlet": "o"', b'"outlet": ""')
    path.write_bytes(b"\n".join(rows) + b"\n")
    with pytest.raises(framing.CorpusError, match="line 18"):
        _count(path, "libya", chunk_rows=10)


def test_count_of_real_news_reads_the_same_with_texts_in_their_bytes(shared, tmp_path, monkeypatch):
    """600 AllSides articles as JSON Lines (each written as orjson and json write it: escapes and
    non-ASCII characters both ways), counted with the shipped lexicons."""
    files = sorted((shared / "data" / "article-bias-prediction" / "jsons").glob("*.json"))[:600]
    lines = []
    for i, f in enumerate(files):
        art = json.loads(f.read_text(encoding="utf-8"))
        rec = {"doc_id": art["ID"], "outlet": art["source"], "title": art["title"], "text": art["content_original"]}
        lines.append(json.dumps(rec, ensure_ascii=i % 2 == 0))
    path = tmp_path / "abp.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    a = _count(path, ["loaded_language", "libya"])
    b = _count(path, ["loaded_language", "libya"], monkeypatch, cut=False)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    assert len(a[0]) + len(a[1]) == 600 and a[0].iloc[:, 3:].to_numpy().sum() > 1000


def _iter_count_outcome(path, monkeypatch, cut, **kw):
    """Each chunk's (counted, skipped, reasons), then the error raised, if any."""
    if not cut:
        monkeypatch.setattr(fc, "_can_cut", lambda: False)
    out = []
    try:
        for c, s in _score_module.iter_count(path, framing.compile_lexicons("libya"), progress=False, **kw):
            out.append((len(c), len(s), list(s["reason"])))
    except framing.CorpusError as err:
        out.append(str(err))
    monkeypatch.undo()
    return out


@pytest.mark.parametrize("case", ["later line", "past the head", "roles", "roles, two chunks", "keys grow after it"])
def test_a_text_not_utf8_fails_first_whatever_comes_after_it(tmp_path, monkeypatch, case):
    """A reviewer's cases: a text left in its bytes that is not valid UTF-8 is the file's first
    error even when a later line of its block is not valid UTF-8 either, or when the records after
    it would choose other columns (or none)."""
    text = "army " * 80
    rows = [json.dumps({"doc_id": f"d{i}", "outlet": "o", "text": text}).encode() for i in range(10)]
    kw = {}
    if case in ("later line", "past the head"):
        rows[2] = rows[2].replace(b"army army", b"army \xc3\x28rmy", 1)
        rows[5] = rows[5].replace(b'"o"', b'"\xff"', 1)
        if case == "past the head":
            rows = [json.dumps({"doc_id": f"h{i}", "outlet": "o", "text": text}).encode() for i in range(1000)] + rows
    elif case == "roles":
        rows = [json.dumps({"doc_id": f"d{i}", "outlet": "o", "zzz": text}).encode() for i in range(3)]
        rows[0] = rows[0].replace(b"army army", b"army \xc3\x28rmy", 1)
    elif case == "keys grow after it":  # (the sample of keys ends at the bad text, before "text" appears)
        rows = [json.dumps({"doc_id": f"d{i}", "outlet": "o", "zzz": text}).encode() for i in range(5)]
        rows += [json.dumps({"doc_id": f"e{i}", "outlet": "o", "zzz": text, "text": text}).encode() for i in range(5)]
        rows[3] = rows[3].replace(b"army army", b"army \xc3\x28rmy", 1)
    else:
        rows = [json.dumps({"doc_id": f"d{i}", "outlet": "o", "content": text}).encode() for i in range(10)]
        rows += [json.dumps({"doc_id": f"e{i}", "outlet": "o", "text": text + "x"}).encode() for i in range(10)]
        rows[10] = rows[10].replace(b"army army", b"army \xc3\x28rmy", 1)
        kw = {"chunk_rows": 10}
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(rows) + b"\n")
    cut = _iter_count_outcome(path, monkeypatch, True, **kw)
    whole = _iter_count_outcome(path, monkeypatch, False, **kw)
    assert cut == whole
    if case == "keys grow after it":
        assert cut == [whole[-1]] and "no text column found" in cut[-1]
    else:
        assert "not valid utf-8" in cut[-1] and "byte 0xc3" in cut[-1]


def test_escapes_across_the_kernels_blocks_count_one_character_each():
    """An escape read in the 16-byte loop may begin in one block and end in the next: every offset
    of every kind of escape, the character count and the whitespace flag against the str."""
    for esc in ["\n", "\t", "\r", "\b", "\f", "/", "\\", '"', "\u00e9", "\u3000", "\x00", "\U0001f600"]:
        for k in range(40):
            for text in ("a" * k + esc + "b" * 300, " " * k + esc + " " * 300, esc * (300 + k)):
                data = json.dumps({"text": text}).encode().replace(b"\\/", b"/").replace(b"/", b"\\/")
                _, cuts = _kernels.json_literals(data, MIN_LITERAL)
                jt = JsonText(cuts[0])
                assert str(jt) == text and len(jt) == len(text), (esc, k)
                assert jt.isspace() == text.isspace() and ("\x00" in jt) == ("\x00" in text)
                if text.isspace():
                    assert not cuts[0][4] & SOLID, (esc, k)
