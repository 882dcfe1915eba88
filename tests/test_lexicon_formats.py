"""Readers and writers of every lexicon format: the rules, the quirks, and problems with file:line."""

import pytest

import framing
from framing.errors import LexiconError
from framing.lexicon import (FORMATS, Category, Entry, Lexicon, check_lexicon, detect_format, dumps_lexicon,
                             load_lexicon, validate, write_lexicon)
from framing.lexicon.model import term_key


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _pairs(lex):
    return sorted((e.category, term_key(s)) for e in lex.entries for s in e.surfaces)


# ----------------------------------------------------------------------------------------------- LIWC
LIWC = """\
%
1\tcare.virtue
2\tcare.vice
3   authority.virtue
%
safe*\t\t\t1
preserve\t\t01 3
civil rights\t1
kill*   2
war on terror 2 3
harm*\tcare.vice
"""


def test_liwc_legend_numbers_multiword_wildcards_and_spaces(tmp_path):
    lex = load_lexicon(_write(tmp_path, "mini.dic", LIWC))
    assert lex.attrs["format"] == "liwc" and not lex.unique_terms
    assert set(lex.categories) == {"care.virtue", "care.vice", "authority.virtue"}
    assert _pairs(lex) == sorted([
        ("care.virtue", "safe*"), ("care.virtue", "preserve"), ("authority.virtue", "preserve"),
        ("care.virtue", "civil rights"), ("care.vice", "kill*"), ("care.vice", "war on terror"),
        ("authority.virtue", "war on terror"), ("care.vice", "harm*")])
    assert [e.line for e in lex.entries if e.term == "preserve"] == [7, 7]


def test_liwc_one_line_legend_and_legend_closed_on_last_line(tmp_path):
    lex = load_lexicon(_write(tmp_path, "a.dic", "% 1 pos 2 neg %\ngood\t1\nbad\t2\n"))
    assert _pairs(lex) == [("neg", "bad"), ("pos", "good")]
    lex = load_lexicon(_write(tmp_path, "b.dic", "%\n1 pos\n2 neg %\ngood 1\n"))
    assert _pairs(lex) == [("pos", "good")]


def test_liwc_conditional_entries_are_reported_with_their_line(tmp_path):
    text = "%\n1\tfunct\n2\tsocial\n131\tother\n%\nkind\t<of>131/2\t(02 131)1\t2\nfriend\t2\n"
    path = _write(tmp_path, "cond.dic", text)
    problems = check_lexicon(path)
    assert len(problems) == 2 and all(p.startswith(f"{path}:6: conditional LIWC entry 'kind'") for p in problems)
    assert "unsupported='skip'" in problems[0]
    with pytest.warns(UserWarning, match="unsupported line"):
        lex = load_lexicon(path, unsupported="skip")
    # the unconditional category of the line is kept, the conditional parts are listed
    assert _pairs(lex) == [("social", "friend"), ("social", "kind")]
    assert len(lex.attrs["skipped"]) == 2 and ":6:" in lex.attrs["skipped"][0]


@pytest.mark.parametrize("text, expected", [
    ("%\n1\tpos\n%\ngood\t7\n", "x.dic:4: entry 'good' has category number 7, which the legend does not define"),
    ("%\n1\tpos\n%\ngood\n", "x.dic:4: entry 'good' has no category numbers"),
    ("good\t1\n", "x.dic:1: a LIWC dictionary starts with '%'"),
    ("%\n1\tpos\ngood\t1\n", "x.dic:1: the category legend is not closed"),
    ("%\n1\tpos\n1\tneg\n%\n", "x.dic:3: category number 1 appears twice"),
    ("%\n1\tpos\n%\n:)\t1\n", "x.dic:4: term ':)' normalises to nothing"),
])
def test_liwc_problems_name_file_line_and_fix(tmp_path, text, expected):
    path = _write(tmp_path, "x.dic", text)
    problems = check_lexicon(path)
    assert any(p.startswith(f"{tmp_path}/{expected}") for p in problems), problems


def test_liwc22_dicx_marks_and_weights(tmp_path):
    path = _write(tmp_path, "w.dicx", "DicTerm,care,harm\nsafe*,X,\nkill*,,x\nprotect,0.8,-0.2\n\"war, total\",,X\n")
    lex = load_lexicon(path)
    assert _pairs(lex) == sorted([("care", "safe*"), ("harm", "kill*"), ("care", "protect"), ("harm", "protect"),
                                  ("harm", "war  total")])  # a comma in a term is a hard gap, as in text
    w = {(e.category, e.term): e.attrs.get("weight") for e in lex.entries}
    assert w[("care", "protect")] == 0.8 and w[("harm", "protect")] == -0.2 and w[("care", "safe*")] is None
    assert all(e.valence is None for e in lex.entries)
    lex = load_lexicon(path, weight_as_valence=True)
    assert {e.valence for e in lex.entries if e.term == "protect"} == {0.8, -0.2}
    bad = _write(tmp_path, "b.dicx", "DicTerm,care\nsafe,yes\nhurt,\n")
    problems = check_lexicon(bad)
    assert any(":2: cell 'yes'" in p for p in problems) and any(":3: term 'hurt' is in no category" in p for p in problems)


# ----------------------------------------------------------------------------------------------- quanteda
QUANTEDA = """\
economy:
  positive: [growth, boom*, "job creation"]
  negative:
    - recession
    - unemploy*
Care Words:
  - protect*
  - "yes"
security: terror*
"""


def test_quanteda_nested_keys_become_paths(tmp_path):
    path = _write(tmp_path, "dict.yml", QUANTEDA)
    assert detect_format(path) == "quanteda"
    lex = load_lexicon(path)
    assert lex.attrs["format"] == "quanteda"
    assert _pairs(lex) == sorted([("economy/positive", "growth"), ("economy/positive", "boom*"),
                                  ("economy/positive", "job creation"), ("economy/negative", "recession"),
                                  ("economy/negative", "unemploy*"), ("Care_Words", "protect*"), ("Care_Words", "yes"),
                                  ("security", "terror*")])
    assert lex.categories["Care_Words"].description == "quanteda key 'Care Words'"


def test_quanteda_globs_framing_cannot_match_are_errors_with_line(tmp_path):
    path = _write(tmp_path, "g.yml", "pop:\n  - elit*\n  - '*deceit*'\n  - colo?r\n")
    problems = check_lexicon(path)
    assert [p.split(": ", 1)[0] for p in problems] == [f"{path}:3", f"{path}:4"]
    assert "glob value '*deceit*' of 'pop'" in problems[0] and "prefix wildcard" in problems[0]
    with pytest.warns(UserWarning):
        assert _pairs(load_lexicon(path, unsupported="skip")) == [("pop", "elit*")]


def test_quanteda_regex_values(tmp_path):
    path = _write(tmp_path, "r.yml", "tax:\n  - '^tax'\n  - '^(levy|levies)$'\n  - '^duty$'\n  - 'tariff'\n")
    problems = check_lexicon(path, valuetype="regex")
    assert len(problems) == 1 and problems[0].startswith(f"{path}:5: regex value 'tariff'")
    with pytest.warns(UserWarning):
        lex = load_lexicon(path, valuetype="regex", unsupported="skip")
    assert [(e.term, e.variants) for e in lex.entries] == [("tax*", []), ("levy", ["levies"]), ("duty", [])]


def test_native_yaml_is_still_native(tmp_path):
    path = _write(tmp_path, "n.yaml", "name: n\ncategories: {a: {}}\nentries:\n  - {term: x, category: a}\n")
    assert detect_format(path) == "yaml"


# ----------------------------------------------------------------------------------------------- others
def test_lexicoder_lc3(tmp_path):
    lex = load_lexicon(_write(tmp_path, "lsd.lc3", "+negative\nabandon*\na lie\nheckl**\n+positive\nability*\n"))
    assert _pairs(lex) == sorted([("negative", "abandon*"), ("negative", "a lie"), ("negative", "heckl*"),
                                  ("positive", "ability*")])
    assert check_lexicon(_write(tmp_path, "x.lc3", "orphan\n+neg\n*ab\n")) == [
        f"{tmp_path}/x.lc3:1: term 'orphan' comes before any category; open one with a '+name' line",
        f"{tmp_path}/x.lc3:3: term '*ab' has a '*' at the start or inside a word, which framing cannot match (only "
        "prefix wildcards such as 'tax*'); rewrite it as a prefix wildcard or list the spellings; or pass "
        "unsupported='skip' (CLI --skip-unsupported) to load the rest without it",
        f"{tmp_path}/x.lc3: the lexicon is empty: it has no entries and no referents"]


def test_wordstat_cat(tmp_path):
    text = "ECONOMY\n\t+STATE+\n\t\tPUBLIC_SERVICE* (1)\n\t\tNATIONALISATION (2)\n\tMARKET\n\t\tPRIVATISATION (1)\n" \
           "CULTURE\n\tART* (1)\n\tNEAR @ (1)\n"
    path = _write(tmp_path, "lg.cat", text)
    problems = check_lexicon(path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:9: term 'NEAR @' is a WordStat rule")
    with pytest.warns(UserWarning):
        lex = load_lexicon(path, unsupported="skip")
    assert _pairs(lex) == sorted([("ECONOMY/STATE", "public service*"), ("ECONOMY/STATE", "nationalisation"),
                                  ("ECONOMY/MARKET", "privatisation"), ("CULTURE", "art*")])
    assert {e.term: e.attrs["weight"] for e in lex.entries}["NATIONALISATION"] == 2.0


def test_empath_tsv_and_table_tsv_are_told_apart(tmp_path):
    emp = _write(tmp_path, "emp.tsv", "violence\tkill\tmurder\tblood bath\nanger\tfury\tkill\n")
    assert detect_format(emp) == "empath"
    assert _pairs(load_lexicon(emp)) == sorted([("violence", "kill"), ("violence", "murder"),
                                                ("violence", "blood bath"), ("anger", "fury"), ("anger", "kill")])
    tab = _write(tmp_path, "tab.tsv", "term\tcategory\tvalence\nwarlord\tlabel\t-0.8\n")
    assert detect_format(tab) == "csv"
    assert [(e.term, e.valence) for e in load_lexicon(tab).entries] == [("warlord", -0.8)]


MPQA = """\
type=weaksubj len=1 word1=abandon pos1=verb stemmed1=y priorpolarity=negative
type=strongsubj len=1 word1=abandon pos1=noun stemmed1=n priorpolarity=negative
type=weaksubj len=1 word1=boast pos1=verb stemmed1=y priorpolarity=positive
type=weaksubj len=1 word1=boast pos1=noun stemmed1=n priorpolarity=negative
type=weaksubj len=1 word1=impassive pos1=adj stemmed1=n polarity=negative priorpolarity=weakneg
type=strongsubj len=2 word1=rogue word2=state pos1=noun stemmed1=n priorpolarity=both
"""


def test_mpqa_clues_polarity_valence_and_attributes(tmp_path):
    path = _write(tmp_path, "clues.tff", MPQA)
    lex = load_lexicon(path)
    assert lex.attrs["clues"] == 6 and len(lex.entries) == 5  # abandon (verb and noun) is one entry
    by = {(e.term, e.category): e for e in lex.entries}
    ab = by[("abandon", "negative")]
    assert ab.valence == -1.0 and ab.attrs["type"] == "weaksubj" and ab.attrs["pos"] == "verb"
    assert [c["pos"] for c in ab.attrs["clues"]] == ["verb", "noun"] and ab.attrs["clues"][1]["line"] == 2
    assert by[("boast", "positive")].valence == 1.0 and by[("boast", "negative")].valence == -1.0
    assert by[("impassive", "weakneg")].valence == -0.5 and by[("impassive", "weakneg")].attrs["clues"][0]["polarity"] == "negative"
    assert by[("rogue state", "both")].valence is None
    # the writer gives every clue back
    assert sorted(dumps_lexicon(lex, "mpqa").splitlines()) == sorted(MPQA.splitlines())
    bad = _write(tmp_path, "bad.tff", "type=weaksubj len=1 word1=x pos1=adj stemmed1=n priorpolarity=sideways\nfoo\n")
    problems = check_lexicon(bad)
    assert problems[0].startswith(f"{bad}:1: priorpolarity='sideways'") and problems[1].startswith(f"{bad}:2: field 'foo'")


def test_csv_table_keeps_everything_native_has(tmp_path):
    lex = load_lexicon("libya")
    path = tmp_path / "libya.csv"
    notes = write_lexicon(lex, path)
    assert notes == ["14 category descriptions dropped (csv cannot hold them)",
                     "the lexicon's description and version are dropped (csv cannot hold them)"]
    again = load_lexicon(path)
    assert again.referents.keys() == lex.referents.keys()
    assert all(again.referents[r].aliases == lex.referents[r].aliases for r in lex.referents)
    key = lambda x: sorted((e.category, e.term, e.referent, e.valence, tuple(e.variants), tuple(e.exclude), e.notes)  # noqa: E731
                           for e in x.entries)
    assert key(again) == key(lex)


def test_csv_problems(tmp_path):
    path = _write(tmp_path, "t.csv", "word,category,valence\nthug,label,-2\nhero,label,nice\n,label,1\n")
    problems = check_lexicon(path)
    assert any(p.startswith(f"{path}:3: valence 'nice'") for p in problems)
    assert any(p.startswith(f"{path}:4: row has no term") for p in problems)
    assert any(p.startswith(f"{path}:2: entry 'thug' has valence -2.0") for p in problems)
    assert check_lexicon(_write(tmp_path, "n.csv", "a,b\nx,y\n"))[0].startswith(f"{tmp_path}/n.csv:1: no 'term' column")


def test_wordlist_comments_header_and_asterisks(tmp_path):
    path = _write(tmp_path, "neg.txt", ";;; Opinion Lexicon\n; comment\n\n2-faced\nabnormal\nbull****\nbull----\nsh*t\n")
    problems = check_lexicon(path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:8: term 'sh*t' has a '*'")
    assert "asterisk='literal'" in problems[0]
    lex = load_lexicon(path, asterisk="literal", valence=-1)
    assert [e.term for e in lex.entries] == ["2-faced", "abnormal", "bull", "sh-t"]
    assert lex.entries[2].attrs == {"written": "bull****", "lines": [6, 7]} and lex.entries[3].attrs["written"] == "sh*t"
    assert {e.category for e in lex.entries} == {"neg"} and {e.valence for e in lex.entries} == {-1}
    # the writer's header carries name, category and a shared valence back
    text = dumps_lexicon(lex, "wordlist")
    assert text.startswith("# name: neg\n# category: neg\n# valence: -1\n")
    again = load_lexicon(_write(tmp_path, "other.txt", text))
    assert again.name == "neg" and {e.category for e in again.entries} == {"neg"} and again.entries[0].valence == -1
    assert load_lexicon(path, asterisk="literal", category="negative").entries[0].category == "negative"


def test_wordlist_writer_refuses_several_categories():
    lex = Lexicon("x", categories={"a": Category("a"), "b": Category("b")},
                  entries=[Entry("one", "a"), Entry("two", "b")])
    with pytest.raises(LexiconError, match="a word list holds one category"):
        dumps_lexicon(lex, "wordlist")


def test_emfd_argmax_foundation_and_scores(tmp_path):
    head = "word,care_p,fairness_p,loyalty_p,authority_p,sanctity_p,care_sent,fairness_sent,loyalty_sent," \
           "authority_sent,sanctity_sent\n"
    path = _write(tmp_path, "emfd_scoring.csv", head + "brought,0.18,0.11,0.08,0.09,0.05,-0.23,-0.31,-0.1,-0.4,-0.13\n"
                                                       "tie,0.2,0.2,0,0,0,0.5,-0.5,0,0,0\n")
    assert detect_format(path) == "emfd"
    lex = load_lexicon(path)
    assert [(e.term, e.category, e.valence) for e in lex.entries] == [("brought", "care", -0.23), ("tie", "care", 0.5)]
    assert lex.entries[0].attrs["fairness_p"] == 0.11 and lex.entries[1].attrs["tie"] == ["care", "fairness"]
    assert load_lexicon(_write(tmp_path, "again.csv", dumps_lexicon(lex, "emfd"))).entries[0].attrs == lex.entries[0].attrs


# ----------------------------------------------------------------------------------------------- registry
def test_every_format_reads_what_it_writes(tmp_path):
    """Conformance: for every format, read(write(x)) keeps the (category, term) pairs."""
    lex = Lexicon("conf", categories={"negative": Category("negative"), "positive": Category("positive")},
                  unique_terms=False,
                  entries=[Entry("bad", "negative", valence=-1.0), Entry("rogue state", "negative", valence=-1.0),
                           Entry("good", "positive", valence=1.0), Entry("bad", "positive", valence=1.0)])
    for name, fmt in FORMATS.items():
        if name in ("yaml", "wordlist", "emfd"):
            continue  # one category per term / one category / foundations only: tested elsewhere
        path = tmp_path / f"conf{fmt.extensions[0]}"
        write_lexicon(lex, path, format=name)
        again = load_lexicon(path, format=name)
        assert _pairs(again) == _pairs(lex), name
        assert validate(again) == [], name


def test_native_refuses_a_term_in_two_categories_and_split_fixes_it(tmp_path):
    from framing.lexicon.tools import split_by_category

    lex = load_lexicon(_write(tmp_path, "m.dic", LIWC))
    with pytest.raises(LexiconError, match="native YAML gives each term one category, but 2 terms sit in several"):
        write_lexicon(lex, tmp_path / "m.yaml")
    for cid, part in split_by_category(lex).items():
        write_lexicon(part, tmp_path / f"{cid}.yaml")
        assert _pairs(load_lexicon(tmp_path / f"{cid}.yaml")) == [p for p in _pairs(lex) if p[0] == cid]


def test_multi_category_lexicon_objects_score_without_duplicate_errors():
    lex = Lexicon("mc", categories={"a": Category("a"), "b": Category("b")}, unique_terms=False,
                  entries=[Entry("kill*", "a"), Entry("kill*", "b")])
    res = framing.score(framing.read_corpus(__import__("pandas").DataFrame(
        {"text": ["They killed him."], "outlet": ["x"]})), lex, sentences=False)
    assert sorted(res.mentions["category"]) == ["a", "b"] and set(res.mentions["surface"]) == {"killed"}
    # a term twice in the same category would be counted twice: still an error
    lex.entries.append(Entry("Kill*", "a"))
    assert any("counted twice" in p for p in validate(lex))


def test_native_attrs_round_trip(tmp_path):
    lex = load_lexicon(_write(tmp_path, "c.tff", MPQA))
    cats = {e.category for e in lex.entries}
    from framing.lexicon.tools import split_by_category

    part = split_by_category(lex)["negative"]
    write_lexicon(part, tmp_path / "neg.yaml")
    again = load_lexicon(tmp_path / "neg.yaml")
    assert [e.attrs for e in again.entries] == [e.attrs for e in part.entries] and "negative" in cats
    # and back out to MPQA, every clue intact
    assert dumps_lexicon(again, "mpqa") == dumps_lexicon(part, "mpqa")


def test_options_that_do_not_apply_are_errors(tmp_path):
    path = _write(tmp_path, "m.dic", LIWC)
    with pytest.raises(LexiconError, match="option 'asterisk' does not apply to the liwc format"):
        load_lexicon(path, asterisk="literal")
    assert "lexicon file not found" in check_lexicon(tmp_path / "missing.dic")[0]
    _write(tmp_path, "m.xyz", "x")
    assert "unknown lexicon format '.xyz'" in check_lexicon(tmp_path / "m.xyz")[0]
