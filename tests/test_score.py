"""Scoring and the first comparisons: the seed article, the demo corpus, counts and rates by hand."""

import numpy as np
import pandas as pd
import pytest

import framing
from framing.lexicon import parse_yaml

SMALL = parse_yaml("""
name: small
referents:
  haftar: {name: Khalifa Haftar, aliases: [Haftar]}
categories:
  label: {}
  group: {}
entries:
  - {term: warlord, category: label, referent: haftar, valence: -1}
  - {term: field marshal, category: label, referent: haftar, valence: 0.5}
  - {term: militia*, category: group}
""")


def test_seed_article_must_show(seed_text):
    res = framing.score(pd.DataFrame({"text": [seed_text], "outlet": ["seed"]}), "libya")
    m = res.mentions
    assert all(seed_text[s:e] == surf for s, e, surf in zip(m["start"], m["end"], m["surface"]))
    labels = m[m["category"] != "referent"]
    by_term = {t.lower(): set(g["referent"].dropna()) for t, g in labels.groupby("surface")}
    assert by_term["renegade general"] == {"haftar"}
    assert by_term["self-styled general"] == {"haftar"}
    assert "militia" in by_term and "militia leader" in by_term
    # the Hafter spelling resolves to the Haftar referent
    hafter = m[m["surface"].str.contains("Hafter")]
    assert len(hafter) == 1 and hafter["referent"].iloc[0] == "haftar" and hafter["category"].iloc[0] == "referent"
    # the LNA is named in several ways, all resolving to the same referent
    lna = set(m.loc[m["referent"] == "lna", "surface"])
    assert {"LNA", "Libya National Army", "Haftar's forces"} <= lna
    from framing.score import MENTION_COLUMNS

    assert list(m.columns) == MENTION_COLUMNS
    assert set(m["voice"]) <= {"author", "quoted", "attributed", "scare_quoted"}
    # sentence index: the mention's start lies in that sentence
    from framing.text import sentence_spans

    sents = sentence_spans(seed_text)
    assert all(sents[s][0] <= st < sents[s][1] for s, st in zip(m["sentence"], m["start"]))
    assert res.documents["n_sentences"][0] == len(sents)


def test_count_equals_an_independent_count_of_mentions():
    demo = framing.demo_corpus()
    lexicons = ["libya", "loaded_language"]
    res = framing.score(demo, lexicons, sentences=False)
    counts = framing.count(demo, lexicons)
    assert list(counts["doc_id"]) == list(res.documents["doc_id"])
    m = res.mentions
    for cat in counts.columns[3:]:
        expected = m[m["category"] == cat].groupby("doc_id").size().reindex(counts["doc_id"], fill_value=0)
        assert np.array_equal(counts[cat].to_numpy(), expected.to_numpy()), cat
    assert (counts["n_tokens"] == res.documents["n_tokens"]).all()


def test_demo_corpus_outlets_differ_in_word_choice():
    res = framing.score(framing.demo_corpus(), ["libya", "loaded_language"])
    assert len(res.documents) >= 24 and res.documents["outlet"].nunique() >= 4 and res.skipped.empty
    labels = framing.referent_labels(res.mentions, referent="haftar")
    top = labels[labels["lexicon"] == "libya"].groupby("outlet")["term"].apply(set)
    herald = {t.lower() for t in top["The Coastal Herald"]}
    voice = {t.lower() for t in top["Cyrenaica Voice"]}
    assert "renegade general" in herald and "field marshal" in voice
    assert "renegade general" not in voice
    # zero-mention documents exist and are counted in the exposure
    assert (res.documents["n_mentions"] == 0).any() or (res.documents["n_mentions"] > 0).all()


def _toy():
    docs = pd.DataFrame({
        "doc_id": ["a", "b", "c", "d"],
        "outlet": ["X", "X", "Y", "Y"],
        "text": ["Haftar the warlord and his militias. Haftar again.",  # 8 tokens
                 "Nothing here at all.",  # 4 tokens
                 "Field Marshal Haftar, a warlord? No: Field Marshal.",  # 8 tokens
                 "Militiamen."],  # 1 token
    })
    return framing.score(docs, SMALL)


def test_outlet_category_by_hand():
    res = _toy()
    assert list(res.documents["n_tokens"]) == [8, 4, 8, 1]
    t = framing.compare(res)["outlet_category"].set_index(["outlet", "category"])
    # X: label 1 (warlord) in doc a; group 1 (militias); referent 2; tokens 12, 2 documents
    assert t.loc[("X", "label"), ["mentions", "documents", "n_documents", "tokens"]].tolist() == [1, 1, 2, 12]
    assert t.loc[("X", "label"), "rate_per_1k"] == pytest.approx(1000 * 1 / 12)
    assert t.loc[("X", "label"), "doc_share"] == pytest.approx(0.5)
    # Y: label 3 (field marshal x2, warlord), group 1 (in d), referent 1; tokens 9
    assert t.loc[("Y", "label"), ["mentions", "documents", "tokens"]].tolist() == [3, 1, 9]
    assert t.loc[("Y", "group"), "rate_per_1k"] == pytest.approx(1000 / 9)
    assert t.loc[("Y", "referent"), "mentions"] == 1 and t.loc[("X", "referent"), "mentions"] == 2


def test_referent_labels_by_hand():
    labels = framing.compare(_toy())["referent_labels"]
    y = labels[labels["outlet"] == "Y"].set_index("term")
    assert y.loc["field marshal", "count"] == 2 and y.loc["field marshal", "share"] == pytest.approx(2 / 3)
    assert y.loc["warlord", "share"] == pytest.approx(1 / 3) and y.loc["warlord", "valence"] == -1
    x = labels[labels["outlet"] == "X"]
    assert x["term"].tolist() == ["warlord"] and x["share"].tolist() == [1.0]
    att = framing.compare(_toy())["referent_attention"].set_index("outlet")
    assert att.loc["X", "mentions"] == 2 and att.loc["X", "documents"] == 1 and att.loc["X", "doc_share"] == 0.5


def test_kwic_slices_original_text():
    res = _toy()
    k = framing.kwic(res.mentions, res.documents, term="Field-Marshal", width=10)
    assert k["match"].tolist() == ["Field Marshal", "Field Marshal"]
    assert k["right"][0] == " Haftar, a"


def test_sentence_of_mentions_equals_a_bisection_per_mention():
    """The sentence index of every mention of a chunk, found by one search, against a bisection
    per mention in its text: texts without mentions between, a mention before its text's first
    sentence (index 0), a text with no sentence, long texts."""
    from bisect import bisect_right

    from framing.score import _sentence_of

    rng = np.random.default_rng(3)
    for _ in range(200):
        n_docs = int(rng.integers(1, 8))
        sents = [sorted(set(rng.integers(0, 10 ** int(rng.integers(1, 7)), int(rng.integers(0, 6))).tolist()))
                 for _ in range(n_docs)]
        starts = [sorted(rng.integers(0, 2 * (max(s) if s else 10) + 1, int(rng.integers(0, 5))).tolist()) for s in sents]
        doc = np.asarray([d for d, s in enumerate(starts) for _ in s], dtype=np.int64)
        start = np.asarray([x for s in starts for x in s], dtype=np.int64)
        bounds = np.searchsorted(doc, np.arange(n_docs + 1)).tolist()
        flat = [x for d in range(n_docs) if starts[d] for x in sents[d]]
        n_sent = np.asarray([len(s) for s in sents], dtype=np.int64)
        want = [max(bisect_right(sents[d], x) - 1, 0) for d, x in zip(doc.tolist(), start.tolist())]
        assert _sentence_of(doc, start, n_sent, bounds, flat).tolist() == want


def test_referent_links_by_hand_and_as_a_table():
    """Label mentions without a referent take the referent of the first non-label descriptor of
    their document that holds them; the list reading and the table reading agree."""
    from framing.descriptors import link_referents, referent_links

    doc_ids = ["a", "a", "a", "a", "b", "b"]
    starts = [10, 40, 0, 70, 10, 50]
    ends = [18, 45, 5, 75, 18, 55]
    referents = [None, None, "lna", "haftar", float("nan"), None]
    categories = ["label", "label", "referent", "label", "label", "label"]
    descriptors = [("a", 5, 20, "apposition", "haftar"),  # holds mention 0
                   ("a", 8, 20, "apposition", "lna"),  # holds it too, but comes second
                   ("a", 38, 46, "label", "lna"),  # a label: links nothing
                   ("b", 0, 30, "compound", "sarraj")]  # holds mention 4 (NaN referent)
    refs, links = referent_links(doc_ids, starts, ends, referents, categories, iter(descriptors))
    refs, links = refs.tolist(), links.tolist()
    assert refs[:4] == ["haftar", None, "lna", "haftar"] and refs[4] == "sarraj" and refs[5] is None
    assert links == ["construction", "", "", "lexicon", "construction", ""]
    mentions = pd.DataFrame({"doc_id": doc_ids, "start": starts, "end": ends,
                             "referent": pd.Series(referents, dtype=object), "category": categories})
    desc = pd.DataFrame(descriptors, columns=["doc_id", "start", "end", "construction", "referent"])
    table = link_referents(mentions, desc)
    assert table["referent"].tolist()[:4] == refs[:4] and table["referent_link"].tolist() == links
    assert table["referent"].dtype == object and table["referent_link"].dtype == object
    # no descriptors at all (a table without columns): the links of the lexicon alone, referents as they were
    alone = link_referents(mentions.assign(referent=[np.nan, np.nan, "lna", "haftar", np.nan, np.nan]), pd.DataFrame())
    assert alone["referent_link"].tolist() == ["", "", "", "lexicon", "", ""]
    assert alone["referent"].tolist()[2:4] == ["lna", "haftar"]


def test_count_refuses_a_category_named_like_its_columns():
    """A category called outlet (or doc_id, n_tokens) would make two columns of that name."""
    from framing.errors import LexiconError

    lex = parse_yaml("""
name: clash
categories:
  outlet: {description: a category with a column's name}
entries:
  - {term: militia, category: outlet}
""")
    corpus = pd.DataFrame({"doc_id": ["d1"], "outlet": ["A"], "text": ["The militia advanced."]})
    with pytest.raises(LexiconError, match="category 'outlet' has the name of a column of the count table"):
        framing.count(corpus, lex, progress=False)
    assert framing.score(corpus, lex, progress=False).mentions["category"].tolist() == ["outlet"]


def test_score_tables_keep_python_objects():
    """Every text column of the tables score returns holds Python objects with None where empty
    (not Arrow strings with NaN), chunk sizes notwithstanding."""
    texts = ["Field Marshal Haftar met the renegade general's militia.", "Nothing here at all.",
             "The Libyan National Army, loyal to Haftar, entered Derna."]
    corpus = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "outlet": ["A", "B", "A"], "text": texts})
    for rows in (1, 500):
        res = framing.score(corpus, "libya", chunk_rows=rows, progress=False)
        m = res.mentions
        assert len(m) > 0
        for col in ("doc_id", "outlet", "surface", "entry", "term", "category", "referent", "voice", "lexicon",
                    "source", "referent_link"):
            assert m[col].dtype == object, col
        assert m["start"].dtype == np.int64 and m["negated"].dtype == bool and m["valence"].dtype == float
        assert all(v is None or isinstance(v, str) for v in m["referent"])
        assert [texts[int(d[1]) - 1][s:e] for d, s, e in zip(m["doc_id"], m["start"], m["end"])] == m["surface"].tolist()
        counts = framing.count(corpus, "libya", chunk_rows=rows, progress=False)
        assert counts["doc_id"].dtype == object and counts["outlet"].dtype == object
        assert counts["doc_id"].tolist() == ["d1", "d2", "d3"] and counts["n_tokens"].dtype == np.int64
        by_doc = m.groupby("doc_id")["category"].value_counts()
        for cat in counts.columns[3:]:  # the count matrix against the mentions, counted apart
            assert counts.set_index("doc_id")[cat].to_dict() == {d: int(by_doc.get((d, cat), 0)) for d in ("d1", "d2", "d3")}


def test_texts_read_whole_or_around_mentions_give_the_same_tables(basil, monkeypatch):
    """``score`` reads a text with a mention every ``_WHOLE_TEXT_CHARS`` characters or closer
    whole, and the others only around their mentions: forcing either reading on every text gives
    the same tables, and BASIL holds texts of both kinds."""
    import importlib

    score_module = importlib.import_module("framing.score")
    docs = basil.head(120)
    lex = ["libya", "loaded_language"]
    counts = framing.score(docs, lex, progress=False).documents["n_mentions"].to_numpy()
    lengths = docs["text"].str.len().to_numpy()
    whole = lengths < score_module._WHOLE_TEXT_CHARS * counts
    assert 5 <= whole.sum() <= (counts > 0).sum() - 5  # (both readings are exercised by default)
    for sentences in (True, False):  # (the sentence spans given to voice attribution, or not)
        results = []
        for chars in (0, 10 ** 9):  # every text around its mentions; every text whole
            monkeypatch.setattr(score_module, "_WHOLE_TEXT_CHARS", chars)
            results.append(framing.score(docs, lex, progress=False, sentences=sentences))
        for table in ("documents", "mentions", "descriptors"):
            pd.testing.assert_frame_equal(getattr(results[0], table), getattr(results[1], table))
    mentions = results[0].mentions
    assert len(mentions) > 1000 and (mentions["voice"] != "author").sum() > 50
    assert mentions["negated"].any() and mentions["hedged"].any()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_while_a_chunk_is_scored_and_left_as_it_was(monkeypatch, enabled):
    import gc
    import sys

    module = sys.modules["framing.score"]
    seen = []
    real = module._score_chunk

    def recording(*args, **kwargs):
        seen.append(gc.isenabled())
        if len(seen) == 2:
            raise RuntimeError("a chunk fails")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "_score_chunk", recording)
    docs = pd.DataFrame({"text": ["The warlord's militia moved.", "A field marshal spoke."] * 3,
                         "outlet": ["a", "b"] * 3})
    (gc.enable if enabled else gc.disable)()
    try:
        res = framing.score(docs.iloc[:2], SMALL)
        assert seen == [False] and gc.isenabled() is enabled and len(res.mentions) == 3
        with pytest.raises(RuntimeError, match="a chunk fails"):
            framing.score(docs, SMALL, chunk_rows=2)
        assert seen == [False, False] and gc.isenabled() is enabled  # (restored after an error too)
    finally:
        gc.enable()


def test_a_process_forked_while_another_thread_scores_has_the_collector_on(monkeypatch):
    """The pause is the process's: a child forked by another thread in that moment would keep it
    for good (no thread of its own goes on to end it), so the child switches it back on."""
    import gc
    import os
    import sys
    import threading

    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    module = sys.modules["framing.score"]
    real, inside, go_on = module._score_chunk, threading.Event(), threading.Event()

    def held(*args, **kwargs):
        inside.set()
        go_on.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "_score_chunk", held)
    gc.enable()
    scorer = threading.Thread(target=framing.score, args=(pd.DataFrame({"text": ["A warlord."], "outlet": ["a"]}), SMALL))
    scorer.start()
    try:
        assert inside.wait(30) and not gc.isenabled()  # (paused for this thread too)
        pid = os.fork()
        if pid == 0:
            os._exit(0 if gc.isenabled() else 1)
        assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    finally:
        go_on.set()
        scorer.join(30)
    assert gc.isenabled()
