"""Voice attribution, negation and hedging, and referent-linked descriptors."""

import json
import re
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import framing
from framing.datasets import _basil_text
from framing import voice as V
from framing.voice import segments, voice_of


def _seed(seed_text):
    return framing.score(pd.DataFrame({"text": [seed_text], "outlet": ["seed"]}), "libya")


def test_seed_voices(seed_text):
    m = _seed(seed_text).mentions
    voice = {s.lower(): v for s, v in zip(m["surface"], m["voice"])}
    assert voice["remnant"] == "scare_quoted"
    assert voice["anti-terror campaigns"] == "attributed"
    assert m.loc[m["surface"] == "anti-terror campaigns", "source"].iloc[0] == "Khalifa Haftar"
    for label in ("renegade general", "self-styled general", "militia leader"):
        assert voice[label] == "author", label
    jihadism = m[m["surface"] == "jihadism"].iloc[0]
    assert jihadism["negated"] and jihadism["voice"] == "attributed"


def test_seed_descriptors(seed_text):
    res = _seed(seed_text)
    d = res.descriptors
    haftar = d[d["referent"] == "haftar"]
    assert "septuagenarian renegade general" in set(haftar["descriptor"])
    assert "militia leader" in set(haftar["descriptor"])
    assert {"leader_label/renegade general", "leader_label/militia leader"} <= set(haftar["entry"])
    lna = d[d["referent"] == "lna"]
    assert "militia" in set(lna["descriptor"])  # "Haftar's Libya National Army (LNA) militia"
    # the label mention is linked to its referent by the construction
    militia = res.mentions[res.mentions["surface"] == "militia"].iloc[0]
    assert militia["referent"] == "lna" and militia["referent_link"] == "construction"
    text = seed_text
    assert all(text[a:b] == s for a, b, s in zip(d["start"], d["end"], d["descriptor"]))


@pytest.mark.parametrize("text, region, voice, source", [
    ('Only a few "remnants" had fled.', '"remnants"', "scare_quoted", ""),
    ('The army said the "remnants" had fled.', '"remnants"', "quoted", "The army"),  # a partial quotation
    ("\u201cWe will win,\u201d the colonel said.", "\u201cWe will win,\u201d", "quoted", "the colonel"),
    ("He called it \u201ca war of choice.\u201d", "\u201ca war of choice.\u201d", "quoted", ""),
    ("According to the ministry, the militias withdrew.", "the militias withdrew.", "attributed", "the ministry"),
    ("The militias withdrew, according to the ministry.", None, None, None),  # paraphrase: the outlet's words
    ("The spokesman claimed that terrorists had fled.", "terrorists had fled.", "attributed", "The spokesman"),
    ("What the army calls a liberation began on Monday.", "a liberation began on Monday", "attributed", "the army"),
    ("Residents \u00abfear the worst\u00bb now.", "\u00abfear the worst\u00bb", "scare_quoted", ""),
    ("LNA: Operation will spare civilians\nMore text here.", "Operation will spare civilians", "attributed", "LNA"),
])
def test_segments(text, region, voice, source):
    s = segments(text)
    assert list(s.columns) == ["start", "end", "voice", "source"]
    if region is None:
        assert s.empty
        return
    rows = [(text[a:b], v, src) for a, b, v, src in s.itertuples(index=False)]
    assert (region, voice, source) in rows, rows


def test_multi_paragraph_quotation():
    text = ("The commander spoke at length.\n\n\u201cWe have surrounded the city.\n\n"
            "\u201cThe remaining fighters will be defeated,\u201d he said.\n\nThe city is quiet.")
    s = segments(text)
    q = s[s["voice"] == "quoted"]
    assert len(q) >= 1
    covered = lambda pos: any(a <= pos < b for a, b in zip(q["start"], q["end"]))  # noqa: E731
    assert covered(text.index("surrounded")) and covered(text.index("remaining"))
    assert not covered(text.index("quiet")) and not covered(text.index("commander"))


def test_negation_and_hedging():
    docs = pd.DataFrame({"text": ["They are not terrorists. The alleged terrorists fled. Terrorists fled."],
                         "outlet": ["x"]})
    m = framing.score(docs, "loaded_language").mentions
    t = m[m["surface"].str.lower() == "terrorists"]
    assert t["negated"].tolist() == [True, False, False]
    assert t["hedged"].tolist() == [False, True, False]


def _basil_spans(shared):
    rows = []
    for path in sorted((shared / "data" / "basil" / "articles").glob("*/*.json")):
        art = json.loads(path.read_text(encoding="utf-8"))
        ann = json.loads((shared / "data" / "basil" / "annotations" / path.parent.name /
                          (path.stem + "_ann.json")).read_text(encoding="utf-8"))
        text, sentences = _basil_text(art)  # the article as framing's BASIL loader writes it
        offsets = [(a, text[a:b]) for _, _, a, b in sentences]
        spans = []
        for sp in ann["phrase-level-annotations"]:
            hit = [o for o, sent in offsets if sent[sp["start"]:sp["end"]] == sp["txt"]]
            if hit:
                spans.append((hit[0] + sp["start"], hit[0] + sp["end"], sp["quote"] == "yes", sp["bias"]))
        rows.append((text, spans))
    return rows


def _naive_quotes(text):
    """Baseline: inside any pair of quotation marks (marks paired in order within a paragraph)."""
    regions = []
    for para_start, para in _paragraphs(text):
        marks = [i for i, ch in enumerate(para) if ch in '"\u201c\u201d\u00ab\u00bb']
        for a, b in zip(marks[0::2], marks[1::2]):
            regions.append((para_start + a, para_start + b + 1))
    return regions


def _paragraphs(text):
    pos = 0
    for para in text.split("\n\n"):
        yield pos, para
        pos += len(para) + 2


def _prf(pairs):
    tp = sum(g and p for g, p in pairs)
    fp = sum(p and not g for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    prec, rec = tp / (tp + fp), tp / (tp + fn)
    return prec, rec, 2 * prec * rec / (prec + rec)


def test_voice_against_basil_quote_annotation(shared, capsys):
    """BASIL marks for each bias span whether it lies inside a quote; pinned figures cannot fall."""
    rows = []
    for text, spans in _basil_spans(shared):
        segs = segments(text)
        naive = _naive_quotes(text)
        starts = np.asarray([a for a, _, _, _ in spans])
        ends = np.asarray([b for _, b, _, _ in spans])
        voices, _ = voice_of(segs, starts, ends)
        for (a, b, gold, bias), v in zip(spans, voices):
            mid = (a + b - 1) // 2
            rows.append((gold, v, any(x <= mid < y for x, y in naive), bias))
    assert len(rows) >= 1720  # of 1,726 spans, those whose text is found at its offsets
    quoted = _prf([(g, v == "quoted") for g, v, _, _ in rows])
    both = _prf([(g, v in ("quoted", "attributed")) for g, v, _, _ in rows])
    naive = _prf([(g, n) for g, _, n, _ in rows])
    lex = _prf([(g, v == "quoted") for g, v, _, b in rows if b == "lex"])
    own = _prf([(not g, v in ("author", "scare_quoted")) for g, v, _, _ in rows])
    # Why quoted+attributed cannot reach the quoted figure: BASIL's "quote" marks direct quotation,
    # not reported speech. Of the spans our rules attribute (reported speech, speech tags, naming
    # frames, "according to" outside quotation marks), BASIL marks almost none as in a quote.
    attributed = [g for g, v, _, _ in rows if v == "attributed"]
    with capsys.disabled():
        print(f"\nBASIL spans {len(rows)}: quoted P/R/F1 {quoted}; quoted+attributed {both}; naive {naive}; "
              f"lexical spans quoted {lex}; author+scare vs not-in-quote {own}; attributed spans marked in-quote "
              f"by BASIL: {sum(attributed)} of {len(attributed)}")
    assert len(attributed) > 200 and sum(attributed) / len(attributed) < 0.1
    assert quoted[2] >= 0.96 and quoted[2] > naive[2]
    assert own[2] >= 0.75
    assert both[2] >= 0.78  # BASIL does not count indirect speech as quotation: see the issue note


def test_newswcl_descriptor_recall(shared, newswcl, capsys):
    """NewsWCL50 annotates how each outlet names its actors; share of the annotated descriptor
    mentions of ACTOR and GROUP concepts that the extractor finds in the same article."""
    import re
    from collections import defaultdict

    from framing.lexicon import Category, Lexicon, Referent
    from framing.text import normalize_term

    ann = pd.read_csv(shared / "data" / "newswcl50" / "Annotations.csv", skiprows=1)
    actors = ann[ann["code_type"].isin(["ACTOR", "GROUP"])]
    titles = set("president mr mrs ms dr secretary director leader minister prime chancellor senator sen rep "
                 "governor gov general gen attorney chairman chief special counsel speaker king queen prince "
                 "supreme former u.s us north south korean american french israeli russian vice first lady fbi cia "
                 "the a an".split())
    slug = lambda s: re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")  # noqa: E731
    owner = {}
    # aliases: capitalised mentions of one to three words with no title word; each to its most frequent concept
    for concept, g in actors.groupby("code_name"):
        for mention, n in g["code_mention"].value_counts().items():
            words = mention.split()
            if 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and \
                    not any(w.lower().strip(".,'") in titles for w in words):
                key = normalize_term(mention)
                if key not in owner or owner[key][1] < n:
                    owner[key] = (concept, n, mention)
    refs = defaultdict(set)
    for concept, _, mention in owner.values():
        refs[concept].add(mention)
    lex = Lexicon(name="newswcl", categories={"x": Category("x")},
                  referents={slug(c): Referent(slug(c), c, sorted(a)) for c, a in refs.items()})
    res = framing.score(newswcl, lex, sentences=False)
    found = defaultdict(set)
    for r in res.descriptors.itertuples():
        found[(r.doc_id, r.referent)].add(re.sub(r"^(the|a|an)\s+", "", r.descriptor.lower()))
    gold = hits = 0
    for r in actors.itertuples():
        if normalize_term(r.code_mention) in owner:
            continue  # a name, not a descriptor
        g = re.sub(r"^(the|a|an)\s+", "", r.code_mention.lower().strip())
        gold += 1
        hits += any(e and (e in g or g in e) for e in found.get((f"{r.event_id}_{r.publisher_id}", slug(r.code_name)), ()))
    recall = hits / gold
    with capsys.disabled():
        print(f"\nNewsWCL50: {len(lex.referents)} actors, {gold} annotated descriptor mentions, {hits} found "
              f"(recall {recall:.3f}); {len(res.descriptors)} descriptors extracted")
    assert gold > 1000
    assert recall >= 0.30  # measured 0.316; most misses are stand-alone noun phrases ("the president")


def _voices_both_ways(texts, lexicons):
    """Voice, source, flags and descriptors of every mention of ``texts``, attributed once from the
    whole text (every segment) and once as ``framing.score`` does: from the sentences around the
    mentions, with only the segments that can hold a mention's or a descriptor's middle."""
    from framing.descriptors import extract
    from framing.score import _points, compile_lexicons
    from framing.voice import Attribution, _Doc, _segments, flags

    matcher = compile_lexicons(lexicons)
    att = Attribution.default()
    out = {"whole": [], "around": []}
    doc, start, end, tid = matcher.find(texts)
    cols = {"start": start, "end": end, "category": [matcher.targets[t].category for t in tid],
            "referent": [matcher.targets[t].referent for t in tid], "entry": [matcher.targets[t].entry for t in tid],
            "lexicon": [matcher.targets[t].lexicon for t in tid]}
    bounds = np.searchsorted(doc, np.arange(len(texts) + 1))
    for i, text in enumerate(texts):
        a, b = bounds[i], bounds[i + 1]
        if a == b:
            continue
        m = {k: list(v[a:b]) for k, v in cols.items()}
        around = _points(start[a:b], end[a:b])  # what framing.score passes
        for way, d in (("whole", _Doc(text, att)), ("around", _Doc(text, att, around))):
            rows = extract(text, m, d, None)
            ds, de = np.asarray([r[2] for r in rows], dtype=np.int64), np.asarray([r[3] for r in rows], dtype=np.int64)
            mids = np.unique(np.concatenate([(start[a:b] + end[a:b] - 1) // 2, (ds + de - 1) // 2])).tolist()
            segs = _segments(d, [], None if way == "whole" else mids)
            v, src = voice_of(segs, start[a:b], end[a:b])
            dv, dsrc = voice_of(segs, ds, de)
            neg, hedge = flags(text, start[a:b], doc=d)
            out[way].append((v.tolist(), src.tolist(), neg.tolist(), hedge.tolist(), rows, dv.tolist(), dsrc.tolist()))
    return out


def test_voice_from_the_sentences_around_mentions_equals_voice_from_whole_texts(basil, seed_text):
    """framing.score splits only the lines holding mentions into sentences, tokenises only the
    sentences holding mentions (and the ends of quotations around them, and three tokens after
    them), and runs the attribution rules only in the sentences holding a mention's or a
    descriptor's middle: every voice, source, flag and descriptor is the same as when the whole
    text is read."""
    texts = basil["text"].tolist()[:150] + [seed_text]
    got = _voices_both_ways(texts, ["libya", "loaded_language"])
    assert got["whole"] == got["around"]
    voices = [v for doc in got["whole"] for v in doc[0]]
    assert len(voices) > 1000 and sum(v != "author" for v in voices) > 100
    assert sum(len(doc[4]) for doc in got["whole"]) > 5  # descriptors (the seed's Haftar)


def test_voice_around_mentions_on_constructed_edge_cases():
    """Lines and sentences whose phrases would run on into the next one, quotations over several
    paragraphs or sentences, speech tags on the line after a quotation, mentions on the first and
    last word of a line, sentences without mentions between sentences with them."""
    texts = [
        "Militia fighters held the port.\nAccording\nto the army, the militia fled. Nothing else.\nThe end",
        "\u201cThe militia,\n\n\u201cwill leave,\u201d he said.\nOfficials called them a militia\nlater on.",
        "A quiet line.\n\u201cWarlord\u201d forces, the spokesman said, moved in.\n- militia -\nmilitia",
        "He said: \u201cThe terrorists are gone.\u201d\nIt was, officials said, a terrorist group.\n\n"
        "What the army calls terrorists\nare fighters, according to residents.",
        # a mention over a line break takes the voice of its middle, on the next line
        "Talks with the Government\nof National Accord stalled, the UN said.",
        "They met Khalifa\nBelgasim Haftar, an envoy noted.",
        # a quotation reopened in the next paragraph ends on a line break
        "\u201cThe militia will fight on.\n\u201cOur men are ready and officials confirmed it.",
        # a quotation over two lines, opened on a line without mentions
        "Officials described as \u201cutter\nchaos\u201d the militia advance.",
        "\u201c\ncall\u201dHaftar",
        "labeled\n.\u201d terrorist\u201d",
        # sentences without mentions between ones with them; a quotation opened in one of them
        "The militia moved. Nobody came. Officials said so. \u201cWe are ready. The militia left,\u201d "
        "a spokesman said. Quiet. Critics called it a terrorist act. Then \u201cthe so-called "
        "army\u201d spoke. According to residents, the militia fled. It was late.",
        "A calm day. Reports said the warlord\u2019s militia, officials said. Calm. \u201cRemnant\u201d "
        "fighters hold out, the army said. Nothing. Nothing at all. He called them militias",
        # a speech phrase that runs on over a line break past the sentence's end ("went on")
        "Calm. The militia fled, officials went\non. Calm.",
    ]
    got = _voices_both_ways(texts, ["libya", "loaded_language"])
    assert got["whole"] == got["around"]
    assert sum(len(doc[0]) for doc in got["whole"]) >= 12


def test_sentence_index_does_not_change_voices(basil):
    docs = basil.iloc[:60]
    lexicons = ["libya", "loaded_language"]
    full = framing.score(docs, lexicons, sentences=True)
    lazy = framing.score(docs, lexicons, sentences=False)
    cols = ["doc_id", "start", "end", "entry", "voice", "source", "negated", "hedged", "referent_link"]
    pd.testing.assert_frame_equal(full.mentions[cols], lazy.mentions[cols])
    pd.testing.assert_frame_equal(full.descriptors, lazy.descriptors)
    assert (lazy.mentions["sentence"] == -1).all() and (lazy.documents["n_sentences"] == -1).all()
    assert (full.mentions["sentence"] >= 0).all() and (full.documents["n_sentences"] > 0).all()


def _flags_one_by_one(d, starts, att, window):
    """Negated/hedged flags computed mention by mention over the words before each (what
    framing.voice.flags finds for all mentions at once)."""
    from framing.voice import _clause_start

    neg, hedge = [], []
    for s in starts:
        i = d.tok_index(int(s))
        k = max((n for n, (a, _) in enumerate(d.sents) if a <= s), default=-1)
        sa = d.sents[k][0] if k >= 0 else 0
        c = _clause_start(d, i, sa) if i < len(d.tokens) else i
        js = range(max(c, i - window, 0), i)
        neg.append(any(d.match_at(j, att.negators, att.hyphenated) for j in js))
        hedge.append(any(d.match_at(j, att.hedges, att.hyphenated) for j in js))
    return neg, hedge


def test_flags_equal_a_mention_by_mention_reading(basil):
    from framing.voice import Attribution, _Doc, flags

    att = Attribution.default()
    texts = basil["text"].tolist()[:40] + [
        "He did not call the militia terrorists. No alleged militia, reportedly. Not a warlord",
        "not so-called not never militia militia",
        "the would-be militia; it would be the militia; the so called militia; self-described militia",
        "",
    ]
    checked = flagged = 0
    for text in texts:
        d = _Doc(text, att)
        # every token start, some offsets inside tokens and in gaps, unsorted
        starts = [a for a, _ in d.tokens][::-1] + [a + 1 for a, b in d.tokens if b - a > 2][:50] + [0, len(text)]
        for window in (0, 1, 6, 10):
            got = flags(text, starts, doc=d, window=window)
            want = _flags_one_by_one(d, starts, att, window)
            assert [x.tolist() for x in got] == [list(map(bool, x)) for x in want], (text[:40], window)
            checked += len(starts)
            flagged += int(got[0].sum() + got[1].sum())
    assert checked > 50_000 and flagged > 200


def test_voice_of_takes_the_innermost_segment_at_once_and_row_by_row(monkeypatch):
    """Overlapping segments of every voice: the span takes the voice and source of the last row,
    by rank (attributed, quoted, scare_quoted) then by position, that holds its middle; the same
    whether all rows are compared at once, one at a time, or in a Python loop."""
    import framing.voice as V

    rng = np.random.default_rng(3)
    voices = ["attributed", "quoted", "scare_quoted"]
    for trial in range(200):
        rows = []
        for _ in range(rng.integers(0, 12)):
            a = int(rng.integers(0, 300))
            rows.append((a, a + int(rng.integers(1, 80)), voices[rng.integers(0, 3)], f"s{len(rows)}"))
        rows.sort(key=lambda r: (r[0], r[1]))
        starts = rng.integers(0, 380, size=int(rng.integers(0, 40)))
        ends = starts + rng.integers(1, 20, size=len(starts))
        mids = (starts + ends - 1) // 2
        want_v, want_s = [], []
        for m in mids:  # by hand: the highest rank, then the last row, holding the middle
            held = [(("attributed", "quoted", "scare_quoted").index(v), k, v, src)
                    for k, (a, b, v, src) in enumerate(rows) if a <= m < b]
            best = max(held) if held else (0, 0, "author", "")
            want_v.append(best[2])
            want_s.append(best[3])
        for at_once, in_python in ((V._AT_ONCE, 0), (0, 0), (V._AT_ONCE, 10 ** 9)):
            monkeypatch.setattr(V, "_AT_ONCE", at_once)
            monkeypatch.setattr(V, "_IN_PYTHON", in_python)
            v, src = voice_of(rows, starts, ends)
            assert v.tolist() == want_v and src.tolist() == want_s, (trial, at_once, in_python)


# ----------------------------------------------------------------------------------------------
# Quotation regions, paragraph by paragraph: the straightforward reading (every paragraph sliced
# and searched on its own) that framing.voice._quote_regions must equal.
def _marks_of_line(line: str) -> list[tuple[int, str]]:
    """Quotation marks of one paragraph as ``(position, "open"|"close")``; apostrophes are skipped.

    Curly marks and guillemets say which they are; a straight mark opens when it follows a space or
    an opening bracket and precedes a non-space, and closes otherwise. Single marks count only where
    they cannot be an apostrophe (not between two letters, not after a letter when opening).
    """
    out = []
    for m in re.finditer("[" + re.escape(V._QUOTE_CHARS) + "]", line):
        ch, p = m.group(), m.start()
        prev = line[p - 1] if p > 0 else " "
        nxt = line[p + 1] if p + 1 < len(line) else " "
        if ch in V._OPEN_DOUBLE:
            out.append((p, "open", "d"))
        elif ch in V._CLOSE_DOUBLE:
            out.append((p, "close", "d"))
        elif ch == '"':
            opening = (prev.isspace() or prev in "([{\u2014\u2013-/") and not nxt.isspace()
            out.append((p, "open" if opening else "close", "d"))
        else:
            if prev.isalnum() and nxt.isalnum():
                continue  # an apostrophe inside a word
            if ch in V._OPEN_SINGLE or (ch == "'" and (prev.isspace() or prev in "([\u201c\"") and nxt.isalnum()):
                out.append((p, "open", "s"))
            elif (ch in V._CLOSE_SINGLE or ch == "'") and not prev.isspace() and not nxt.isalnum():
                out.append((p, "close", "s"))
    return out


def _quote_regions_by_line(text: str) -> list[tuple[int, int]]:
    """(reference) Quotation regions ``[start, end)`` including their quotation marks (outermost only).

    Marks pair up within a paragraph (nested quotations inside). A double quotation left open at the
    end of a paragraph runs on into the next paragraphs when a later paragraph opens with a quotation
    mark (newspaper convention) or closes it before opening another; otherwise it ends with its
    paragraph. A closing mark with no opening one closes a quotation that began at the paragraph
    start or after the last closed quotation.
    """
    regions: list[tuple[int, int]] = []
    lines = [(m.start(), m.end()) for m in V._LINE_RE.finditer(text) if m.group().strip()]
    marks = [_marks_of_line(text[a:b]) for a, b in lines]
    leads = [len(text[a:b]) - len(text[a:b].lstrip()) for a, b in lines]

    def continues(n: int) -> bool:
        for mk, lead in zip(marks[n + 1:n + 5], leads[n + 1:n + 5]):
            doubles = [x for x in mk if x[2] == "d"]
            if doubles:
                return doubles[0][1] == "close" or (doubles[0][0] == lead and doubles[0][1] == "open")
        return False

    pending = None  # start of a double quotation running on from an earlier paragraph
    for n, ((la, lb), mk) in enumerate(zip(lines, marks)):
        stack: list[tuple[int, str]] = []
        if pending is not None:
            if mk and mk[0] == (leads[n], "open", "d"):  # the paragraph reopens the quotation
                regions.append((pending, la))
            else:
                stack = [(pending, "d")]
            pending = None
        last_close = la
        for p, kind, q in mk:
            pos = la + p
            if kind == "open":
                stack.append((pos, q))
                continue
            idx = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][1] == q), None)
            if idx is not None:
                start = stack[idx][0]
                del stack[idx:]
                if not stack:
                    regions.append((start, pos + 1))
                    last_close = pos + 1
            elif q == "d" and not stack:
                regions.append((last_close, pos + 1))
                last_close = pos + 1
            # an unmatched single closing mark is an apostrophe (rebels'): ignored
        doubles = [st for st, sq in stack if sq == "d"]
        if doubles:
            if continues(n):
                pending = doubles[0]
            else:
                regions.append((doubles[0], lb))
    if pending is not None:
        regions.append((pending, lines[-1][1]))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(regions):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged



_QUOTE_ALPHABET = "ab1_ .,:(\u2014-\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u2039\u203a\n\r\u2028\x0b\x85\u00a0\t"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_QUOTE_ALPHABET, max_size=80))
def test_quote_regions_equal_a_paragraph_by_paragraph_reading(text):
    """framing.voice's Python reading and the C function (what _quote_regions calls where the
    extension is built: CI fails without it) both equal the reference."""
    from framing.voice import _quote_regions, _quote_regions_py

    want = _quote_regions_by_line(text)
    assert _quote_regions_py(text) == want
    assert _quote_regions(text) == want


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.text(alphabet="a \"'\u201c\u201d\u2018\u2019", max_size=8), max_size=14),
       st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"]))
def test_quote_regions_over_many_paragraphs_equal_a_paragraph_by_paragraph_reading(lines, brk):
    """Quotations left open, reopened and closed paragraphs later."""
    from framing.voice import _quote_regions, _quote_regions_py

    text = brk.join(lines)
    want = _quote_regions_by_line(text)
    assert _quote_regions_py(text) == want
    assert _quote_regions(text) == want


def test_quote_regions_on_news_text_equal_a_paragraph_by_paragraph_reading(basil, seed_text):
    from framing.voice import _quote_regions, _quote_regions_py

    texts = basil["text"].tolist() + [seed_text]
    got = [_quote_regions(t) for t in texts]
    assert got == [_quote_regions_by_line(t) for t in texts]
    assert got == [_quote_regions_py(t) for t in texts]
    assert sum(map(len, got)) > 1000


def test_an_open_quotation_runs_on_when_one_of_the_next_four_paragraphs_closes_it():
    """The newspaper convention, at the edge of its window: a closing mark four paragraphs on
    continues the quotation; five paragraphs on, the quotation ends with its paragraph."""
    from framing.voice import _quote_regions, _quote_regions_py

    four = "\u201cOpen\na\nb\nc\nend\u201d"
    five = "\u201cOpen\na\nb\nc\nd\nend\u201d"
    for read in (_quote_regions, _quote_regions_py):
        assert read(four) == [(0, len(four))]
        assert read(five) == [(0, 5), (len(five) - 4, len(five))]
        assert read(five) == _quote_regions_by_line(five) and read(four) == _quote_regions_by_line(four)


def test_curly_marks_lie_where_the_compiled_quotation_reader_looks_for_them():
    """The C reader passes over characters below U+00AB other than the straight marks."""
    assert all(ord(c) >= 0xAB for c in V._OPEN_DOUBLE + V._CLOSE_DOUBLE + V._OPEN_SINGLE + V._CLOSE_SINGLE)


def _compare_focus(text, around):
    from framing.sentences import sentence_spans
    from framing.voice import _focus, _focus_py, _quote_regions_py, _sentence_regions, _sentence_regions_py

    quotes = _quote_regions_py(text)
    got = _focus(text, quotes, around)
    assert got == _focus_py(text, quotes, around)
    for sents in ([] if got is None else [sentence_spans(text, got[0])]) + [sentence_spans(text)]:
        points = sorted(set(around))
        assert _sentence_regions(text, sents, points, quotes) == _sentence_regions_py(text, sents, points, quotes)
    return got


def test_compiled_focus_and_sentence_regions_equal_the_python_ones(basil, seed_text):
    """The C helpers of voice attribution (lines and sentences around mentions, where the
    extension is built) against the Python reading, on news text with its mentions and with
    random offsets (some on line breaks: then the whole text is read)."""
    from framing.score import _points, compile_lexicons

    matcher = compile_lexicons(["libya", "loaded_language"])
    texts = basil["text"].tolist()[:120] + [seed_text]
    doc, start, end, _ = matcher.find(texts)
    bounds = np.searchsorted(doc, np.arange(len(texts) + 1))
    rng = np.random.default_rng(5)
    whole = 0
    for i, text in enumerate(texts):
        around = _points(start[bounds[i]:bounds[i + 1]], end[bounds[i]:bounds[i + 1]])
        if around:
            _compare_focus(text, around)
        whole += _compare_focus(text, rng.integers(0, len(text), size=20).tolist()) is None
    assert whole > 10


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="ab '.\u201c\u201d\"\n\u2028 ", max_size=60), st.lists(st.integers(0, 60), max_size=8))
def test_compiled_focus_on_generated_texts(text, offsets):
    _compare_focus(text, [o for o in offsets if o < len(text)])


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 5)), max_size=6), st.lists(st.integers(0, 40), max_size=8))
def test_all_inside_both_ways(gaps, points):
    """Sorted, disjoint spans (built from gaps and lengths) and sorted points: C and Python agree
    with a by-hand check."""
    from framing.voice import _all_inside, _all_inside_py

    spans, at = [], 0
    for gap, length in gaps:
        spans.append((at + gap, at + gap + length))
        at += gap + length
    points = sorted(points)
    want = all(any(a <= p < b for a, b in spans) for p in points)
    assert _all_inside(spans, points) == want and _all_inside_py(spans, points) == want


def test_clause_start_equals_walking_back_a_token_at_a_time(basil):
    """The clause start found in the text equals the walk back over the gaps between tokens."""
    from framing.voice import _CLAUSE_OR_DOUBLE, Attribution, _clause_start, _Doc

    def walking(d, i, sent_start):
        j = i
        while j > 0 and d.starts[j - 1] >= sent_start:
            if not _CLAUSE_OR_DOUBLE.isdisjoint(d.gap_before(j)):
                return j
            j -= 1
        return j

    att = Attribution.default()
    checked = moved = 0
    texts = basil["text"].tolist()[:30] + ['He said, "no" (and) [yes]; then: x \u2014 y \u2013 z \u201cq\u201d -- w']
    for text in texts:
        d = _Doc(text, att)
        for sa, sb in d.sents:
            for i in range(d.tok_index(sa), d.tok_index(sb)):
                for start in (sa, max(sa - 3, 0)):
                    got = _clause_start(d, i, start)
                    assert got == walking(d, i, start), (text[sa:sb], i)
                    checked += 1
                    moved += got != d.tok_index(start)
    assert checked > 20_000 and moved > 5_000


def test_compiled_helpers_take_odd_input_as_the_python_ones():
    """Review cases: offsets before the text, reversed spans, NumPy and very large integers, lists
    as spans: the C helpers neither crash nor loop, and agree with the Python readings."""
    from framing import _kernels
    from framing.voice import _all_inside, _all_inside_py, _focus, _focus_py, _sentence_regions, _sentence_regions_py

    assert _sentence_regions("abc def", [(-100, -90)], [-95], []) == _sentence_regions_py("abc def", [(-100, -90)], [-95], [])
    assert _focus("abc", [(1, -2 ** 63)], [0]) == _focus_py("abc", [(1, -2 ** 63)], [0]) == ([0], [(0, 3)])
    assert _focus("abc def", [(0, 3)], [np.int64(1), 2 ** 70]) is None is _focus_py("abc def", [(0, 3)], [np.int64(1), 2 ** 70])
    assert _all_inside([[0, 3]], [np.int64(1)]) is True and _all_inside_py([[0, 3]], [1]) is True
    if _kernels.COMPILED:
        with pytest.raises(TypeError):
            _kernels._ckernels.focus("abc", [(0, "x")], [0])


def _compare_rules(d, sents=None):
    """The C reading of the attribution rules against the Python one on one _Doc."""
    from framing import _kernels
    from framing.voice import _attributions, _attributions_py, _mark_firsts, _rule_tables

    got = _attributions(d, d.quotes, sents)
    assert got == _attributions_py(d, d.quotes, sents)
    assert d.marks is _mark_firsts(d.att)  # (the C reading looked for rule words among d.hits only)
    whole = _kernels.attributions(d.text, d.starts, d.ends, d.words, d._first, list(d.quotes),
                                  list(d.sents if sents is None else sents), _rule_tables(d.att), None)
    assert whole is _kernels.NOT_BUILT or whole == got  # (every token looked up)
    return got


def test_compiled_attribution_rules_equal_the_python_ones_on_news_text(basil, seed_text):
    """Whole texts, the sentences around mentions (tokens of some regions only, with the token
    before each region unread), and sentence subsets: the same regions, sources and rules, in the
    same order; every rule is exercised."""
    from framing import _kernels
    from framing.score import _points, compile_lexicons
    from framing.voice import Attribution, _Doc, _holding

    if not _kernels.COMPILED:
        pytest.skip("the C extension is not built (the Python rules are the only reading)")
    att = Attribution.default()
    matcher = compile_lexicons(["libya", "loaded_language"])
    texts = basil["text"].tolist()[:150] + [seed_text]
    doc, start, end, _ = matcher.find(texts)
    bounds = np.searchsorted(doc, np.arange(len(texts) + 1))
    rules, focused = {}, 0
    for i, text in enumerate(texts):
        d = _Doc(text, att)
        for row in _compare_rules(d):
            rules[row[3]] = rules.get(row[3], 0) + 1
        around = _points(start[bounds[i]:bounds[i + 1]], end[bounds[i]:bounds[i + 1]])
        if around:
            d = _Doc(text, att, around)
            focused += d.regions is not None
            _compare_rules(d)
            _compare_rules(d, _holding(d.sents, sorted(set(around))))
    assert set(rules) == {"headline", "according_to", "naming", "speech_tag", "reported_speech"}, rules
    assert sum(rules.values()) > 1000 and focused > 100


_RULE_WORDS = ["He", "she", "they", "said", "says", "told", "according", "to", "called", "calling", "dubbed", "as",
               "on", "for", "that", "the", "rebels", "General", "Haftar", "and", "but", "yet", "reportedly", "has",
               "pointed", "out", "quoted", "by", "who", "quickly", "denied", "Tripoli", "self", "styled"]
_RULE_GAPS = [" ", " ", " ", ", ", ": ", ". ", "-", " \u201c", "\u201d ", ' "', '" ', "\n", "\n\n", " (", ") ",
              " \u2014 ", "; ", "'s ", " -- "]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_RULE_WORDS), st.sampled_from(_RULE_GAPS)), max_size=30),
       st.lists(st.integers(0, 400), max_size=6))
def test_compiled_attribution_rules_on_generated_texts(pieces, offsets):
    from framing import _kernels
    from framing.voice import Attribution, _Doc

    if not _kernels.COMPILED:
        return
    text = "".join(w + g for w, g in pieces)
    att = Attribution.default()
    _compare_rules(_Doc(text, att))
    points = [o for o in offsets if o < len(text)]
    if points:
        _compare_rules(_Doc(text, att, points))


def test_compiled_attribution_rules_refuse_inconsistent_tokens():
    from framing import _kernels
    from framing.voice import Attribution, _rule_tables

    if not _kernels.COMPILED:
        pytest.skip("the C extension is not built")
    tables = _rule_tables(Attribution.default())
    def run(tokens, words, ends=None):
        starts = [a for a, _ in tokens]
        ends = [b for _, b in tokens] if ends is None else ends
        return _kernels.attributions("He said so.", starts, ends, words, {}, [], [(0, 11)], tables)

    assert run([(0, 2), (3, 7), (8, 10)], ["he", "said", "so"]) == [(8, 11, "He", "reported_speech")]
    with pytest.raises(ValueError, match="as many words"):
        run([(0, 2)], ["he", "said"])
    with pytest.raises(ValueError, match="as many words and ends"):
        run([(0, 2), (3, 7)], ["he", "said"], ends=[2])
    with pytest.raises(TypeError):
        run([(0, 2)], ["he"], ends=["2"])
    with pytest.raises(ValueError, match="not a span"):
        run([(3, 7), (0, 2)], ["said", "he"])  # out of order
    with pytest.raises(ValueError, match="not a span"):
        run([(0, 99)], ["he"])  # past the text
    with pytest.raises(TypeError):
        run([(0, 2)], [None])


def test_attribution_rules_carry_the_last_subject_to_a_participle():
    """'X called Y Z, calling W V': the second naming takes the first one's source (both readings)."""
    from framing.voice import Attribution, _attributions, _attributions_py, _Doc

    text = "The army chief called the rebels terrorists, calling them a militia.\nHe said the rebels won."
    d = _Doc(text, Attribution.default())
    want = [(22, 43, "The army chief", "naming"), (53, 67, "The army chief", "naming"),
            (77, 92, "He", "reported_speech")]
    assert _attributions(d, d.quotes) == _attributions_py(d, d.quotes) == want
    assert [text[a:b] for a, b, _, _ in want] == ["the rebels terrorists", "them a militia", "the rebels won."]


def test_compiled_attribution_rules_on_odd_input_as_the_python_ones():
    """Review cases given to the rules directly: a region start past its token, the most negative
    region start, negative sentence starts (Python's negative indexes), and a word whose hash
    empties the caller's list while the rules run (the C reading keeps its own copy)."""
    from framing import _kernels
    from framing.voice import Attribution, _attributions, _attributions_py, _Doc

    if not _kernels.COMPILED:
        pytest.skip("the C extension is not built")
    att = Attribution.default()
    for first in ({3: 99}, {3: -2 ** 63}):
        d = _Doc("Then, X said so.", att)
        d._first = first
        assert _attributions(d, []) == _attributions_py(d, [])
    d = _Doc("Boss: rebels won.\nxx", att)
    assert _attributions(d, [], [(-1, 17)]) == _attributions_py(d, [], [(-1, 17)])
    for rules in (_attributions, _attributions_py):
        with pytest.raises(IndexError):
            rules(d, [], [(-30, 17)])

    class Emptying(str):
        def __hash__(self):
            words.clear()
            return str.__hash__(self)

    d = _Doc("He said so.", att)
    words = d.words
    words[:] = [Emptying(w) for w in words]
    assert _attributions(d, []) == [(8, 11, "He", "reported_speech")]
    # offsets in lists, of int subclasses, are read from a copy (a _Doc's views in place): the same
    # regions, with the starts in a list and the ends still a view
    d = _Doc("He said so.", att)
    d.starts = [type("Offset", (int,), {})(x) for x in d.starts]
    assert _attributions(d, []) == _attributions_py(d, []) == [(8, 11, "He", "reported_speech")]
    d = _Doc("He said so.", att)
    for hits in ([1, 1], [5], [-1], ["1"]):
        with pytest.raises(ValueError, match="hits must be increasing token indexes"):
            _kernels.attributions(d.text, d.starts, d.ends, d.words, d._first, [], d.sents, V._rule_tables(att), hits)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="ab_1 '\u2019.-,\t\n\u00e9\u0301\u00b2\u4e2d\u00a0\"", max_size=40))
def test_scare_quote_word_count_is_one_to_four_words(inner):
    """The possessive pattern a scare quote's inside must match holds one to four words: runs of
    word characters joined by apostrophes, counted here one by one."""
    n_words = len(re.findall(r"\w+(?:['\u2019]\w+)*", inner))
    assert (V._SCARE_WORDS_RE.fullmatch(inner) is not None) == (1 <= n_words <= 4)


def test_scare_quote_word_count_of_long_quotations():
    assert V._SCARE_WORDS_RE.fullmatch("x" * 200_000 + " y" * 3) is not None  # four words
    assert V._SCARE_WORDS_RE.fullmatch("x" * 200_000 + " y" * 4) is None
    assert V._SCARE_WORDS_RE.fullmatch("a " * 100_000) is None


def test_flags_read_mention_starts_by_position_whatever_their_index():
    """A pandas Series of starts with an index other than 0..n-1 (a slice of a mentions table)
    gives the flags of the same starts as a list (they were read by label once: wrong flags)."""
    text = "The alleged warlord Haftar spoke; officials never named the so-called army."
    starts = [text.index("warlord"), text.index("named"), text.index("army")]
    want = V.flags(text, starts)
    assert want[0].tolist() == [False, True, True] and want[1].tolist() == [True, False, True]
    for index in ([2, 1, 0], [10, 11, 12]):
        got = V.flags(text, pd.Series(starts, index=index))
        assert [g.tolist() for g in got] == [w.tolist() for w in want]


def test_hyphenated_hedges_count_only_with_their_hyphens():
    """"so-called", "would-be" and "self-described" are two words each as a text's tokens; they hedge
    the mention after them where the text writes the hyphens, not "it would be" or "so called"."""
    att = V.Attribution.default()
    assert {("so", "called"), ("would", "be"), ("self", "described")} <= att.hyphenated <= att.hedges | att.negators
    cases = {"They shelled the so-called army.": True, "They shelled the so called army.": False,
             "The would-be army came.": True, "It would be the army.": False,
             "A self-described army.": True, "A self described army.": False,
             "the so-called-army": True, "The army was so-called.": False}
    for text, hedged in cases.items():
        assert V.flags(text, [text.index("army")])[1].tolist() == [hedged], text


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aBz Z_9'\u2019\u2018\u02bc`\u00b4\u00e9\u00c9\u0130\u03a3\u03c3\u00df\u4e2d.-\n\U0001d400", max_size=40))
def test_token_words_are_the_lower_cased_text_with_one_apostrophe(text):
    """The words the rules read: the text lower-cased (Greek final sigma, "İ" and "ß" included) with
    every apostrophe "'", sliced at each token; made in C for tokens of ASCII characters and
    apostrophes, from the lower-cased text for the rest (or from the token alone where lower case
    changes the text's length): the same words, with the C extension and without it."""
    from framing import _kernels
    from framing.text import _APOSTROPHES

    low = text.lower()
    for a in _APOSTROPHES:
        low = low.replace(a, "'")
    w = r"[^\W\u02bc\u02b9]"  # (word characters: \w less the two apostrophes Unicode calls letters)
    spans = [m.span() for m in re.finditer(w + r"+(?:['\u2019\u2018\u02bc\u02b9\u2032`\u00b4\uff07\u201b]" + w + "+)*", text)]
    if len(low) == len(text):
        want = [low[a:b] for a, b in spans]
    else:
        want = [V._norm(text[a:b]) for a, b in spans]
    saved = _kernels._ckernels
    try:
        for ext in (saved, None):
            _kernels._ckernels = ext
            d = V._Doc(text, V.Attribution.default())
            assert list(zip(d.starts, d.ends)) == spans
            assert d.words == want
    finally:
        _kernels._ckernels = saved


def _compare_flags(d, starts, att, windows=(0, 3, 6)):
    """The C reading of the negated/hedged flags against the Python one on one _Doc."""
    from framing.voice import _flags, _flags_py

    for window in windows:
        got = _flags(d, starts, att, window)
        assert tuple(got) == (*_flags_py(d, starts, att, window),), (d.text, starts, window)
    return _flags(d, starts, att)


def test_compiled_flags_equal_the_python_ones_on_news_text(basil, seed_text, compiled):
    """Negated and hedged flags in C against the Python reading: whole texts and the regions around
    mentions (tokens of some sentences only), at the mentions of the shipped lexicons and at random
    offsets, three windows; both flags are raised on these texts."""
    import random

    from framing.score import _points, compile_lexicons
    from framing.voice import Attribution, _Doc

    att = Attribution.default()
    matcher = compile_lexicons(["libya", "loaded_language"])
    texts = basil["text"].tolist()[:150] + [seed_text]
    doc, start, end, _ = matcher.find(texts)
    bounds = np.searchsorted(doc, np.arange(len(texts) + 1))
    rng = random.Random(7)
    raised = np.zeros(2, dtype=int)
    for i, text in enumerate(texts):
        s_, e_ = start[bounds[i]:bounds[i + 1]].tolist(), end[bounds[i]:bounds[i + 1]].tolist()
        anywhere = sorted(rng.sample(range(len(text)), min(40, len(text))))
        d = _Doc(text, att)
        for starts in (s_, anywhere):
            raised += np.asarray(_compare_flags(d, starts, att), dtype=int).sum(axis=1)
        if s_:
            _compare_flags(_Doc(text, att, _points(s_, e_)), s_, att)
    assert raised.min() > 0, raised


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["not", "no", "never", "far", "from", "so", "called", "would", "be", "self",
                                 "described", "what", "appears", "to", "alleged", "don't", "rebels", "militia",
                                 "the", "Haftar"]), max_size=25),
       st.lists(st.sampled_from([" ", " ", "-", ", ", "; ", " (", ") ", "\n\n", ". ", ' "', "\u2014"]), min_size=25,
                max_size=25),
       st.data())
def test_compiled_flags_equal_the_python_ones_on_any_words(words, gaps, data):
    """Texts of negators, hedges (multi-word ones, hyphenated ones written with or without hyphens)
    and clause punctuation: the same flags in C as in Python at any offsets."""
    from framing import _kernels
    from framing.voice import Attribution, _Doc

    if not _kernels.COMPILED:
        pytest.skip("the C extension is not built")
    text = "".join(w + g for w, g in zip(words, gaps))
    starts = sorted(data.draw(st.lists(st.integers(0, max(len(text) - 1, 0)), max_size=12)))
    att = Attribution.default()
    _compare_flags(_Doc(text, att), starts, att)
    if starts:
        _compare_flags(_Doc(text, att, sorted(set(starts))), starts, att)


def test_compiled_flags_refuse_odd_input(compiled):
    """Offsets and words of the wrong type are refused, not read through Python code; a negative
    window is an error in both readings' entry point."""
    from framing.voice import Attribution, _Doc, _flags, _flags_py, flags

    att = Attribution.default()
    d = _Doc("They did not say so.", att)
    assert _flags(d, [12], att) == ([True], [False])
    # a phrase never runs over a token whose token before was not read (the start of a region)
    d = _Doc("They were far from it.", att)
    assert _flags(d, [19], att) == _flags_py(d, [19], att) == ([True], [False])
    d._first = {3: 13}
    assert _flags(d, [19], att) == _flags_py(d, [19], att) == ([False], [False])
    with pytest.raises(ValueError, match="window"):
        flags("They did not say so.", [12], window=-1)
    d.starts = list(d.starts)
    d.starts[3] = 12.0
    with pytest.raises(TypeError, match="integer"):
        _flags(d, [12], att)
    d = _Doc("They did not say so.", att)
    d.words[2] = type("Word", (str,), {})("not")
    with pytest.raises(TypeError, match="words must be str"):
        _flags(d, [12], att)


def _compare_quote_roles(d):
    """The C reading of scare quotes and speakers against the Python one on one _Doc, every
    quotation held and every other one held."""
    from framing.voice import _quote_roles, _quote_roles_py

    got = None
    for held in ([True] * len(d.quotes), [k % 2 == 0 for k in range(len(d.quotes))]):
        got = _quote_roles(d, d.quotes, held)
        assert tuple(got) == (*_quote_roles_py(d, d.quotes, held),), d.text
    return got


def test_compiled_quote_roles_equal_the_python_ones_on_news_text(basil, seed_text, compiled):
    """Scare quotes and quotations' speakers in C against the Python reading: whole texts and the
    regions around mentions (tokens of some sentences only); scare quotes, speakers after and
    before quotations are all found on these texts."""
    from framing.score import _points, compile_lexicons
    from framing.voice import Attribution, _Doc

    att = Attribution.default()
    matcher = compile_lexicons(["libya", "loaded_language"])
    texts = basil["text"].tolist()[:150] + [seed_text]
    doc, start, end, _ = matcher.find(texts)
    bounds = np.searchsorted(doc, np.arange(len(texts) + 1))
    n_scare = n_speaker = 0
    for i, text in enumerate(texts):
        scare, speakers = _compare_quote_roles(_Doc(text, att))
        n_scare += sum(scare)
        n_speaker += sum(1 for x in speakers if x)
        s_, e_ = start[bounds[i]:bounds[i + 1]].tolist(), end[bounds[i]:bounds[i + 1]].tolist()
        if s_:
            _compare_quote_roles(_Doc(text, att, _points(s_, e_)))
    assert n_scare > 20 and n_speaker > 100, (n_scare, n_speaker)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["said", "told", "called", "described", "as", "that", "officials", "the", "army",
                                 "Haftar", "militia", "rebels'", "it's", "is", "also", "quickly", "and", "who",
                                 "\u00e9lan", "_x", "2\u00b2"]), max_size=20),
       st.lists(st.sampled_from([" ", " ", ' "', '" ', ", ", ": ", ". ", "\n", " \u201c", "\u201d ", " '", "' ",
                                 ",\u201d ", '." ', "; ", " (", "-"]), min_size=20, max_size=20))
def test_compiled_quote_roles_equal_the_python_ones_on_any_quotations(words, gaps):
    """Texts of speech and naming verbs, speakers and quotation marks of every kind: the same scare
    quotes and speakers in C as in Python (one to four words, partial quotations ending in
    punctuation, whole-sentence quotations, tags after and before, "said that")."""
    from framing import _kernels
    from framing.voice import Attribution, _Doc

    if not _kernels.COMPILED:
        pytest.skip("the C extension is not built")
    text = "".join(w + g for w, g in zip(words, gaps))
    att = Attribution.default()
    _compare_quote_roles(_Doc(text, att))
    if text:
        _compare_quote_roles(_Doc(text, att, [len(text) // 3, len(text) // 2]))


def test_compiled_quote_roles_refuse_odd_input(compiled):
    from framing import _kernels
    from framing.voice import Attribution, _Doc, _quote_roles, _quote_roles_py, _quote_tables

    att = Attribution.default()
    text = 'Rebels are "terrorists" now, the report found. "We won," the general said.'
    d = _Doc(text, att)
    assert d.quotes == [(11, 23), (47, 56)]
    assert _quote_roles(d, d.quotes, [True, True]) == ([True, False], ["", "the general"])
    assert _quote_roles(d, d.quotes, [True, False]) == ([True, False], ["", ""])  # (not held: not read)
    # "as" up to three words before a quotation makes it a partial one, not four words before
    for text, want in (('Rebels, as the big local "militia" fought, won.', [True]),
                       ('Rebels, as the local "militia" fought, won.', [False])):
        e = _Doc(text, att)
        assert _quote_roles(e, e.quotes, [True]) == _quote_roles_py(e, e.quotes, [True]) == (want, [""])
    # a quotation ending in a full stop before a line break and a mark is a partial one (the "$" of
    # _PARTIAL_END_RE matches before a final newline)
    for text, span, want in (('Rebels are "bad.\n"" now.', (11, 19), [False]), ('Rebels are "bad\n"" now.', (11, 18), [True])):
        e = _Doc(text, att)
        assert _quote_roles(e, [span], [True]) == _quote_roles_py(e, [span], [True]) == (want, [""])
    with pytest.raises(ValueError, match="a held flag per quotation"):
        _kernels.quote_roles(d.text, d.starts, d.ends, d.words, d._first, d.sents, d.quotes, [True],
                             _quote_tables(att))
    d.words[10] = type("Word", (str,), {})("general")
    with pytest.raises(TypeError, match="words must be str"):
        _quote_roles(d, d.quotes, [True, True])


def test_compiled_voice_readings_survive_review_cases(compiled):
    """Cases from a review of the C readings: a nested call that takes over the marks' filter
    (another frozenset's bitmap) while a call reads its own; set members whose __eq__ changes the
    caller's lists while the rules or the flags run (copies are read, no crash); a sentence start
    before the text (Python's negative slice); a window larger than the text; hits out of order."""
    import sys

    from framing import _kernels
    from framing.voice import (Attribution, _Doc, _flags, _flags_py, _quote_roles, _quote_roles_py, _rule_tables,
                               flags)

    C, A = _kernels._ckernels, _kernels._APOSTROPHE_CHARS
    text = "caf\u00e9 not said"

    def low(s, e):  # (the caller's word for a non-ASCII token: another filter is made meanwhile)
        C.tokens_of("zzz", 0, 3, A, [], [], lambda s, e: "zzz", [], None, frozenset({"zzz"}), [])
        return text[s:e].lower()

    for k in range(10):  # (more calls than the filter's slots)
        words, hits = [], []
        C.tokens_of(text, 0, len(text), A, [], [], low, words, None, frozenset({"not", "said", str(k)}), hits)
        assert hits == [1, 2]

    att = Attribution.default()
    d = _Doc("the officials said that rebels said it " * 20, att)
    words = d.words

    class Evil:
        fired = True

        def __hash__(self):
            return hash("the")

        def __eq__(self, other):
            if not Evil.fired:
                Evil.fired = True
                words.clear()
                words.extend(["x"] * 3)
            return False

    odd = Attribution(speech=att.speech | {(Evil(),)}, naming=att.naming, phrases=att.phrases, negators=att.negators,
                      hedges=att.hedges | {(Evil(),)}, hyphenated=att.hyphenated)
    tables = _rule_tables(odd)
    Evil.fired = False
    assert isinstance(_kernels.attributions(d.text, d.starts, d.ends, words, d._first, [], list(d.sents), tables,
                                            None), list)
    class Clearing:  # (a negator equal in hash to "say", a token the flags look up: it empties a list)
        target: list = []

        def __hash__(self):
            return hash("say")

        def __eq__(self, other):
            Clearing.target.clear()
            return False

    d = _Doc("They did not say the rebels won, no one did.", att)
    negators = att.negators | {(Clearing(),)}
    for emptied in ("mentions", "hits"):
        mentions, hits = [21, 40], list(d.hits)
        Clearing.target = mentions if emptied == "mentions" else hits
        got = _kernels.flags(d.text, d.starts, d.ends, d.words, d._first, hits, mentions, d.sents, 6,
                             (negators, *V._phrase_shape(negators), att.hedges, *V._phrase_shape(att.hedges),
                              att.hyphenated, V._CLAUSE_CHARS))
        assert Clearing.target == [] and got == ([True, True], [False, False])  # (read before it was emptied)

    text = 'Rebels are "terrorists" now, the general said. They did not say so.'
    for sents in ([(-5, 20)], [(-10 ** 6, 20)], [(0, -3)]):
        d = _Doc(text, att, None, sents)
        assert _quote_roles(d, d.quotes, [True]) == _quote_roles_py(d, d.quotes, [True]), sents
    d = _Doc("They did not say the rebels won, no one did.", att)
    for window in (sys.maxsize, 10 ** 6, 0):
        assert _flags(d, [21, 40], att, window) == _flags_py(d, [21, 40], att, window)
    assert [x.tolist() for x in flags(d.text, [21, 40], window=sys.maxsize)] == [[True, True], [False, False]]
    d = _Doc("He said so.", att)
    with pytest.raises(ValueError, match="hits must be increasing"):
        _kernels.attributions(d.text, d.starts, d.ends, d.words, d._first, [], d.sents, _rule_tables(att), [2, 1])


@settings(max_examples=3000, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60),
       st.lists(st.tuples(st.integers(0, 70), st.integers(1, 20)), max_size=6))
def test_subtract_leaves_the_points_outside_the_holes(a, length, raw):
    """_subtract (attributed regions minus the quotations in them, which are never empty): its
    pieces are the maximal runs of the span's points that no hole holds, in order, for holes
    sorted by start, overlapping or not."""
    span = (a, a + length)
    holes = sorted((x, x + w) for x, w in raw)
    left = sorted(set(range(*span)) - {p for x, y in holes for p in range(x, y)})
    runs = []
    for p in left:
        if runs and runs[-1][1] == p:
            runs[-1][1] = p + 1
        else:
            runs.append([p, p + 1])
    assert V._subtract(span, holes) == [tuple(r) for r in runs]


def _disjoint(cuts: list[int]) -> list[tuple[int, int]]:
    """Sorted, disjoint spans (empty ones too) from a list of cut points."""
    cuts = sorted(cuts)
    return [(a, b) for a, b in zip(cuts[::2], cuts[1::2])]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 80), st.integers(0, 15)), max_size=12),
       st.lists(st.integers(0, 90), max_size=12))
def test_compiled_starting_in_equals_the_python_reading(raw, cuts):
    """The sentences that start inside the lines read, in C and in Python, against a direct test
    of each span; the spans kept are the same objects."""
    spans = sorted((a, a + n) for a, n in raw)
    within = _disjoint(cuts)
    want = [s for s in spans if any(a <= s[0] < b for a, b in within)]
    assert V._starting_in_py(spans, within) == want
    got = V._starting_in(spans, within)
    assert got == want and all(x is y for x, y in zip(got, [s for s in spans if s in want]))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.integers(0, 90), max_size=14), st.lists(st.integers(0, 90), max_size=10),
       st.lists(st.integers(-3, 95), max_size=10))
def test_compiled_near_quotes_equal_the_python_reading(qcuts, scuts, points):
    """The quotations kept for the voices of mentions (those overlapping a sentence read or holding
    a point), and which hold a point, in C and in Python, against a direct test."""
    quotes, sents, points = _disjoint(qcuts), _disjoint(scuts), sorted(points)
    holds = [any(a <= p < b for p in points) for a, b in quotes]
    # (overlapping: sharing a character, or, for an empty quotation, lying inside a sentence)
    near = [h or any((a < y and x < b) or x <= a < y for x, y in sents) for (a, b), h in zip(quotes, holds)]
    want = ([q for q, n in zip(quotes, near) if n], [h for h, n in zip(holds, near) if n])
    assert V._near_quotes_py(quotes, sents, points) == want
    assert V._near_quotes(quotes, sents, points) == want


_SOURCES = st.sampled_from([None, "", "officials", "and the army", "he", "the General Command denied", "said"])


@settings(max_examples=800, deadline=None)
@given(st.lists(st.integers(0, 120), max_size=12), st.data())
def test_compiled_segment_rows_equal_the_python_reading(qcuts, data):
    """Segment rows from quotations (scare or not, with speakers), attributed regions that overlap
    them or not (empty, reversed, repeated) and points or none, in C and in Python: the same rows,
    sources cleaned only where a row holds a point, ties of the sort in the same order."""
    quotes = _disjoint(qcuts)
    is_scare = data.draw(st.lists(st.booleans(), min_size=len(quotes), max_size=len(quotes)))
    speakers = data.draw(st.lists(st.sampled_from(["", "officials", "the army", "he"]), min_size=len(quotes),
                                  max_size=len(quotes)))
    attributed = data.draw(st.lists(st.tuples(st.integers(0, 120), st.integers(-5, 60), _SOURCES,
                                              st.sampled_from(["according", "said"])), max_size=8))
    attributed = [(a, a + n, src, rule) for a, n, src, rule in attributed]
    points = data.draw(st.none() | st.lists(st.integers(0, 130), max_size=10).map(sorted))
    att = V.Attribution.default()
    want = V._segment_rows_py(quotes, is_scare, speakers, attributed, points, att)
    assert V._segment_rows(quotes, is_scare, speakers, attributed, points, att) == want
    # independently: every row's span lies in a quotation or in an attributed region outside the
    # quotations that are not scare quotes
    real = [q for q, x in zip(quotes, is_scare) if not x]
    for a, b, voice, src in want:
        assert (b > a or voice != "attributed") and isinstance(src, str)  # (an empty quotation stays a row)
        if voice == "attributed":
            assert not any(qa < b and a < qb for qa, qb in real)
        if src:
            assert points is None or any(a <= p < b for p in points)


def test_compiled_segment_rows_refuse_bad_input():
    """One clear error for each kind of bad input, never a crash."""
    if V._kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    rows = V._kernels._ckernels.segment_rows
    with pytest.raises(ValueError, match="differ in length"):
        rows([(0, 3)], [], [""], [], None, V._clean_source)
    with pytest.raises(TypeError, match=r"\(start, end, source, rule\)"):
        rows([], [], [], [(0, 3, "x")], None, V._clean_source)
    with pytest.raises(TypeError, match="must be str or None"):
        rows([], [], [], [(0, 3, 5, "said")], None, V._clean_source)
    with pytest.raises(TypeError, match="clean must return a str"):
        rows([], [], [], [(0, 3, "x", "said")], None, lambda s: 1)
    with pytest.raises(RuntimeError, match="no cleaning"):
        rows([], [], [], [(0, 3, "x", "said")], [1], lambda s: (_ for _ in ()).throw(RuntimeError("no cleaning")))
    with pytest.raises(TypeError, match="points must be a list"):
        rows([], [], [], [], (1, 2), V._clean_source)


def test_attribution_hash_is_kept_and_not_pickled():
    """The Attribution's hash is computed once, equals that of an equal Attribution, and is not
    carried into another process's copy (str hashes differ between processes)."""
    import dataclasses
    import pickle

    att = V.Attribution.default()
    copy = dataclasses.replace(att)
    assert copy is not att and copy == att and hash(copy) == hash(att)
    assert "_hash" in att.__dict__ and "_hash" not in pickle.loads(pickle.dumps(att)).__dict__
    other = dataclasses.replace(att, hedges=att.hedges | {("maybe",)})
    assert other != att and hash(other) != hash(att)


def test_rules_read_the_same_words_made_when_read(basil):
    """The C readings of the rules (attributions, flags, quotation roles) give the same results
    with the words made where they read them as with every token's word made first, on news text;
    and a _Doc whose words were read and changed passes the changed list on."""
    from framing.voice import _attributions, _flag_tables, _quote_tables, _rule_tables

    if V._kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    att = V.Attribution.default()
    n_rows = 0
    for text in basil["text"].tolist()[:120]:
        d = V._Doc(text, att)
        assert d._words is None  # (nothing has read the words yet)
        lazy = d._words_arg()
        words = list(V._kernels.token_words(d.text, d.starts, d.ends, V._Words(text)))
        args = (d.text, d.starts, d.ends)
        rules = _rule_tables(att)
        got = [V._kernels.attributions(*args, w, d._first, list(d.quotes), list(d.sents), rules, d.hits)
               for w in (lazy, words)]
        assert got[0] == got[1]
        n_rows += len(got[0])
        mentions = list(d.starts[::7])
        hits = [h for h in d.hits if d.words[h] in V._flag_firsts(att)]
        assert (V._kernels.flags(*args, lazy, d._first, hits, mentions, d.sents, 6, _flag_tables(att))
                == V._kernels.flags(*args, words, d._first, hits, mentions, d.sents, 6, _flag_tables(att)))
        held = [True] * len(d.quotes)
        assert (V._kernels.quote_roles(*args, lazy, d._first, d.sents, d.quotes, held, _quote_tables(att))
                == V._kernels.quote_roles(*args, words, d._first, d.sents, d.quotes, held, _quote_tables(att)))
        assert d.words == words and d._words_arg() is d.words
    assert n_rows > 300
    text = "The army left, officials said."
    assert _attributions(V._Doc(text, att), []) == [(0, 13, "officials", "speech_tag")]
    d = V._Doc(text, att)
    d.words[d.words.index("said")] = "ate"  # (a changed list is what the rules read)
    assert _attributions(d, []) == []


def test_rules_raise_the_error_of_a_word_that_cannot_be_made():
    """A word made when read whose maker fails (``low``, for a token of characters other than
    ASCII) raises that error from each C reading, once, and gives no result."""
    from framing.voice import _flag_tables, _quote_tables, _rule_tables

    if V._kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    att = V.Attribution.default()
    text = "Officials said \u00e9lan was not alleged, \u201cthe r\u00e9gime\u201d said."
    d = V._Doc(text, att)

    def low(a, b):
        raise LookupError(f"no word for {a}:{b}")

    lazy = V._kernels.lazy_words(low)
    args = (d.text, d.starts, d.ends, lazy, d._first)
    with pytest.raises(LookupError, match="no word"):
        V._kernels.attributions(*args, list(d.quotes), list(d.sents), _rule_tables(att), None)  # (reads every word)
    with pytest.raises(LookupError, match="no word"):
        V._kernels.flags(*args, list(range(len(d.starts))), [d.starts[3]], d.sents, 6, _flag_tables(att))
    with pytest.raises(LookupError, match="no word"):
        V._kernels.quote_roles(*args, d.sents, d.quotes, [True], _quote_tables(att))
    with pytest.raises(TypeError, match=r"\(apostrophes, low\)"):
        V._kernels.attributions(d.text, d.starts, d.ends, ("'", 5), d._first, [], list(d.sents), _rule_tables(att))


def test_compiled_attributions_read_inside_another_reading_give_the_python_regions():
    """attributions keeps the words it makes in arrays that one call hands to the next; a reading
    that starts inside another (here from the callable that makes a word of other characters, as
    Python code run by the first could) has arrays of its own: both give the regions of the
    Python rules, and so does the next call that takes the shared arrays again."""
    from framing.voice import _rule_tables

    if V._kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    att = V.Attribution.default()
    outer = V._Doc("The r\u00e9gime said on Monday that its forces had taken the port, according to officials.", att)
    inner = V._Doc("Officials said the army had withdrawn, according to a spokesman, and the fighters told "
                   "reporters they would stay.", att)
    want_inner, want_outer = (V._attributions_py(d, list(d.quotes)) for d in (inner, outer))

    def read(d, low):
        return V._kernels.attributions(d.text, d.starts, d.ends, V._kernels.lazy_words(low), d._first,
                                       list(d.quotes), list(d.sents), _rule_tables(att), None)

    seen = []
    words = V._Words(outer.text)

    def low(a, b):  # (called for "r\u00e9gime", while the outer reading holds the shared arrays)
        seen.append(read(inner, V._Words(inner.text)))
        return words(a, b)

    assert read(outer, low) == want_outer and want_outer[0][2] == "The r\u00e9gime"
    assert seen and all(x == want_inner for x in seen) and len(want_inner) == 2
    assert read(inner, V._Words(inner.text)) == want_inner  # (the shared arrays, left all NULL)
    assert read(outer, V._Words(outer.text)) == want_outer


class _BadIndex:
    def __index__(self):
        raise KeyError("no offset")


class _Index:
    def __index__(self):
        return 5


@pytest.mark.parametrize("end", [-1, 2**70, -2**70, _Index()])
def test_a_span_whose_start_is_no_offset_raises_that_error_whatever_its_end(end):
    """The C readings take a span's start and end one after the other: the start's error is the
    one raised, whatever the end (an int -1 or beyond the range of offsets once let it pass
    unseen, and an end with __index__ turned it into a SystemError)."""
    from framing.voice import _rule_tables

    if V._kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    att = V.Attribution.default()
    d = V._Doc("He said so. Then she said no, according to officials.", att)
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        V._kernels._ckernels.holding([(None, end)], [0])
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        V._kernels._ckernels.starting_in([(3.0, end)], [(0, 5)])
    for sents, quotes in (([(_BadIndex(), end)], []), (list(d.sents), [(_BadIndex(), end)])):
        with pytest.raises(KeyError, match="no offset"):
            V._kernels.attributions(d.text, d.starts, d.ends, d._words_arg(), d._first, quotes, sents,
                                    _rule_tables(att), None)
    assert V._attributions(d, []) == V._attributions_py(d, [])  # (and the next reading is right)


def test_token_tables_made_inside_another_are_the_tokens_of_their_text():
    """token_table keeps its arrays from call to call; a table made while another is being made (from
    the callable that makes a word of other characters) has arrays of its own: both tables hold the
    tokens of their own text (those of framing.text's pattern) and mark the same hits, and so does
    the next table made after them."""
    if V._kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    att = V.Attribution.default()
    outer_text = "The r\u00e9gime said it would not leave, and caf\u00e9 owners said they may stay. " * 3
    inner_text = "Officials said the army had not withdrawn, according to a spokesman."
    marks = V._mark_firsts(att)

    def table(text, low):
        hits, first = [], {}
        starts, ends = V._kernels.token_table(text, [(0, len(text))], low, first, marks, hits)
        return list(zip(starts, ends)), hits

    def want(text):
        spans = [m.span() for m in V._kernels._WORD_RE.finditer(text)]
        return spans, [i for i, (a, b) in enumerate(spans) if V._norm(text[a:b]) in marks]

    seen = []
    words = V._Words(outer_text)

    def low(a, b):  # (called for "r\u00e9gime" and "caf\u00e9" while the outer table is being made)
        seen.append(table(inner_text, V._Words(inner_text)))
        return words(a, b)

    assert table(outer_text, low) == want(outer_text) and len(want(outer_text)[1]) >= 6
    assert len(seen) == 6 and all(x == want(inner_text) for x in seen) and want(inner_text)[1]
    assert table(inner_text, V._Words(inner_text)) == want(inner_text)
    assert table(outer_text, V._Words(outer_text)) == want(outer_text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aZ`'\u2019\u2018\u02bc\u00b4\uff07\u0130\u00c9.,x ", max_size=12))
def test_norm_lower_cases_and_makes_every_apostrophe_one(word):
    """_norm (a translate only where needed) against its definition: str.lower, then each
    apostrophe replaced by "'"."""
    want = word.lower()
    for a in V._APOSTROPHES:
        want = want.replace(a, "'")
    assert V._norm(word) == want


def test_clean_source_by_hand():
    """A speaker's noun phrase: cut at a relative pronoun or a verb of saying (an apostrophe of
    any kind read as "'"), leading and trailing function words dropped, clauses refused."""
    att = V.Attribution.default()
    clean = V._clean_source.__wrapped__
    assert clean("a man whose family fled", att) == "a man"
    assert clean("The General Command denied", att) == "The General Command"
    assert clean("and the army spokesman said", att) == "the army spokesman"
    assert clean("the rebels\u2019 spokesman said", att) == "the rebels\u2019 spokesman"
    assert clean("officials who spoke", att) == "officials"
    assert clean("Having contacted the army", att) == ""
    assert clean("it", att) == ""
    assert clean("the \u201cspokesman\u201d", att) == ""  # (quotation marks: not a speaker)
    assert clean("one two three four five six seven eight nine", att) == ""


def test_compiled_flags_refuse_words_that_are_not_str_where_a_phrase_reaches():
    """A phrase passed over by its second word ("what is", no hedge goes on so) still reaches the
    words after it: a word of the caller's list there that is not a str is an error, as where the
    phrase's words are read."""
    if V._kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    att = V.Attribution.default()
    text = "They said what is odd here army."
    d = V._Doc(text, att)
    d.words[4] = type("Word", (str,), {})("odd")  # (a str subclass: not a word the readings take)
    with pytest.raises(TypeError, match="words must be str"):
        V._flags(d, [text.index("army")], att)


def _word_by_definition(text: str, start: int, end: int) -> str:
    """A token's word as _Words defines it: a slice of the text lower-cased whole (every
    apostrophe "'"), or of the token alone where lower case changes the text's length."""
    low = text.lower()
    if len(low) == len(text):
        return low[start:end].translate(V._TO_APOSTROPHE)
    return V._norm(text[start:end])


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="A\u03a3\u03c3\u03c2\u0391\u0130i\u00e9\u00c9 .'\u2019`-", max_size=16),
       st.lists(st.tuples(st.integers(0, 16), st.integers(0, 16)), max_size=6))
def test_words_lower_case_tokens_as_the_whole_text_would(text, spans):
    """_Words lower-cases a token alone unless it holds a capital sigma, whose lower case depends
    on the characters around it ("\u03a3\u03a3 \u03a3" -> "\u03c3\u03c2 \u03c3"): in every order of calls, each
    word is the one of the definition."""
    words = V._Words(text)
    for a, b in spans:
        a, b = min(a, b, len(text)), min(max(a, b), len(text))
        assert words(a, b) == _word_by_definition(text, a, b), (text, a, b)


_SOURCE_WORDS = ["the", "The", "a", "officials", "Army", "spokesman", "who", "WHOSE", "said", "Said.", "denied,",
                 "and", "And", "of", "has", "Having", "talking", "Fed", "reed", "it", "One", "this", "there", "into",
                 "statement", "came", "as", "houses", "doesn`t", "don't", "never", "x-gen", ".,;:", "", "Mr.",
                 "of.", "in,", "has;", "ing", "ed", "\u201cquoted\u201d", "caf\u00e9", "rebels\u2019", "long" * 8]
_SOURCE_GAPS = [" ", "  ", "\t", "\n", "\x1c", "\x1f", "\x0b", " , ", '"', "`"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_SOURCE_WORDS), st.sampled_from(_SOURCE_GAPS)), max_size=12),
       st.text(alphabet=' abcIN.,;:`"\x1d\u2019', max_size=12))
def test_compiled_source_cleaning_equals_the_python_one(parts, tail):
    """The C cleaning of sources (ASCII ones; the others are passed to Python) gives what
    _clean_source gives, for words of every set it looks words up in, any ASCII whitespace
    str.split() splits at, punctuation, quotation marks and apostrophes."""
    if V._kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    att = V.Attribution.default()
    fast = V._cleaner(att).__wrapped__
    assert isinstance(fast.func, type(len))  # (the C function, not the Python one)
    src = "".join(w + g for w, g in parts) + tail
    assert fast(src) == V._clean_source.__wrapped__(src, att), src


def test_compiled_readings_take_token_views_in_place_or_copied():
    """A _Doc's tokens are two memoryviews of one bytes object, which the C readings read in
    place; any other sequences of offsets (a bytearray's or a misaligned, strided, released or
    baseless view, lists) are copied or refused with an error, never read in place, and the
    regions found are the same."""
    import io

    if V._kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    att = V.Attribution.default()
    d = V._Doc("Officials said the militia, \u201cthe so-called army,\u201d fled. He denied it.", att)
    assert isinstance(d.starts, memoryview) and d.starts.obj is d.ends.obj
    tables = V._rule_tables(att)

    def regions(starts, ends):
        return V._kernels.attributions(d.text, starts, ends, d.words, d._first, [], list(d.sents), tables)

    want = regions(list(d.starts), list(d.ends))
    assert want and regions(d.starts, d.ends) == want
    # (a table checked for a text is not checked again for one as long; it is for a shorter one,
    # whose length its last token overruns)
    short = d.text[:d.ends[-1] - 1]
    for reading in ("attributions", "flags"):
        with pytest.raises(ValueError, match="not a span"):
            if reading == "attributions":
                V._kernels.attributions(short, d.starts, d.ends, d.words, d._first, [], [(0, len(short))], tables)
            else:
                V._kernels.flags(short, d.starts, d.ends, d.words, d._first, [], [0], [(0, len(short))], 6,
                                 V._flag_tables(att))
    assert regions(d.starts, d.ends) == want
    # (a table that token_table made from spans out of order is not taken as checked: its tokens
    # go back at the second span)
    back = V._kernels.token_table(d.text, [(20, len(d.text)), (0, 20)], V._Words(d.text), {}, d.marks, [])
    with pytest.raises(ValueError, match="not a span"):
        V._kernels.attributions(d.text, *back, V._kernels.lazy_words(V._Words(d.text)), {}, [], list(d.sents), tables)
    n = len(d.starts)
    raw = bytes(d.starts) + bytes(d.ends)
    over_bytearray = memoryview(bytearray(raw))  # (mutable under the view: copied)
    assert regions(over_bytearray[:8 * n].cast("n"), over_bytearray[8 * n:].cast("n")) == want
    misaligned = memoryview(b"\0" + raw)[1:]  # (bytes, but not at an 8-byte boundary: copied)
    assert regions(misaligned[:8 * n].cast("n"), misaligned[8 * n:].cast("n")) == want
    doubled = memoryview(b"".join(int(v).to_bytes(8, sys.byteorder) * 2 for v in d.starts)).cast("n")
    assert regions(doubled[::2], d.ends) == want  # (strided: copied)
    view = memoryview(bytes(d.starts)).cast("n")
    view.release()
    with pytest.raises(ValueError, match="released"):
        regions(view, d.ends)
    with pytest.raises(ValueError, match="not a span"):
        regions(d.ends, d.starts)

    class Raw(io.RawIOBase):  # (readinto gets a memoryview with no object under it)
        def readable(self):
            return True

        def readinto(self, b):
            got.append(pytest.raises(ValueError, V._kernels.token_words, "a b c d", b, b, V._Words("a b c d")))
            return 0

    got = []
    io.BufferedReader(Raw(), buffer_size=16).read(4)
    assert got  # (copied, then refused: its zero bytes are no spans after one another)


def test_compiled_attribution_rules_keep_their_arguments_when_offsets_change_the_words():
    """An offset whose __index__ lengthens the list of words: an error, and the caller's lists of
    quotations and sentences keep their references (an early exit once released them)."""
    if V._kernels._ckernels is None:
        pytest.skip("the C extension is not built")
    att = V.Attribution.default()
    d = V._Doc("He said so.", att)
    words = list(d.words)

    class Growing:
        def __init__(self, v):
            self.v = v

        def __index__(self):
            words.append("x")
            return self.v

    quotes, sents = [], [(0, len(d.text))]
    before = sys.getrefcount(quotes), sys.getrefcount(sents)
    for _ in range(3):
        with pytest.raises(ValueError, match="as many words"):
            V._kernels.attributions(d.text, [Growing(x) for x in d.starts], list(d.ends), words, {}, quotes, sents,
                                    V._rule_tables(att))
    assert (sys.getrefcount(quotes), sys.getrefcount(sents)) == before
