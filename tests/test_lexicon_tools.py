"""Lexicon statistics, merging, and the `framing lexicon` sub-commands."""

import pandas as pd
import pytest
import yaml

from framing.cli import main
from framing.lexicon import Category, Entry, Lexicon, Referent, load_lexicon, parse_yaml
from framing.lexicon.tools import lexicon_stats, merge_lexicons, split_by_category

DIC = "%\n1\tpos\n2\tneg\n%\ngood*\t1\nbad\t2\nkill*\t2\nkiller\t1\nsuper good\t1\na+\t1\nevil\t1\t2\n"


def test_stats_counts_shares_overlaps_and_lossy_terms(tmp_path):
    path = tmp_path / "s.dic"
    path.write_text(DIC)
    t = lexicon_stats(load_lexicon(path))
    s = t["summary"].iloc[0]
    assert (s["entries"], s["distinct_terms"], s["categories"], s["multi_category_terms"]) == (8, 7, 2, 1)
    assert s["multiword_share"] == pytest.approx(1 / 8) and s["wildcard_share"] == pytest.approx(2 / 8)
    cats = t["categories"].set_index("category")
    assert cats.loc["pos", "entries"] == 5 and cats.loc["neg", "wildcard"] == 1
    ov = t["overlaps"].iloc[0]
    assert (ov["category_a"], ov["category_b"], ov["exact"], ov["wildcard"]) == ("neg", "pos", 1, 1)
    assert "evil" in ov["examples"] and "kill* ~ killer" in ov["examples"]
    lossy = t["lossy"]
    assert lossy[["term", "matches_as", "dropped"]].values.tolist() == [["a+", "a", "+"]]


def _lex(name, entries, refs=None, cats=None, path=None):
    cats = cats or sorted({e.category for e in entries})
    return Lexicon(name, categories={c: Category(c, f"{c} of {name}") for c in cats}, entries=entries,
                   referents=refs or {}, path=path)


def test_merge_reports_every_conflict():
    a = _lex("a", [Entry("warlord", "label", valence=-0.8, referent="h", line=3), Entry("army", "force", line=4),
                   Entry("militia", "force", line=5, variants=["militias"])],
             refs={"h": Referent("h", "Khalifa Haftar", ["Haftar"], line=1)}, path="a.yaml")
    b = _lex("b", [Entry("Warlord", "label", valence=-0.5, line=7), Entry("army", "label", line=8),
                   Entry("militia", "force", line=9, variants=["militiamen"], exclude=["militia act"]),
                   Entry("thug", "label", valence=-0.9, line=10)],
             refs={"h": Referent("h", "Haftar", ["Hifter"], line=2), "g": Referent("g", "GNA", ["Haftar"], line=3)},
             path="b.yaml")
    merged, conflicts = merge_lexicons(a, b)
    text = "\n".join(conflicts)
    assert "a.yaml:3 / b.yaml:7: term 'Warlord' has valence -0.8 and -0.5; kept -0.8 (first)" in text
    assert "a.yaml:4 / b.yaml:8: term 'army' is in category 'force' and 'label'" in text
    assert "referent 'h' is named 'Khalifa Haftar' and 'Haftar'" in text
    assert "alias 'Haftar' belongs to referent 'h' and to 'g'" in text
    assert "category 'label' has two descriptions" in text
    assert len(conflicts) == 6  # two descriptions (label, force), valence, category, name, alias
    by = {e.term.lower(): e for e in merged.entries}
    assert by["militia"].variants == ["militias", "militiamen"] and by["militia"].exclude == ["militia act"]
    assert by["thug"].valence == -0.9 and by["army"].category == "force"
    assert merged.referents["h"].aliases == ["Haftar", "Hifter"] and merged.referents["g"].aliases == []
    merged2, _ = merge_lexicons(a, b, prefer="second")
    assert {e.term.lower(): e.valence for e in merged2.entries}["warlord"] == -0.5


def test_merge_of_multi_category_lexicons_keeps_both_categories(tmp_path):
    a = Lexicon("a", categories={"x": Category("x")}, unique_terms=False, entries=[Entry("kill*", "x")])
    b = Lexicon("b", categories={"y": Category("y")}, unique_terms=False, entries=[Entry("kill*", "y")])
    merged, conflicts = merge_lexicons(a, b)
    assert conflicts == [] and sorted(e.category for e in merged.entries) == ["x", "y"]


def test_split_by_category_keeps_referents_used():
    lex = load_lexicon("libya")
    parts = split_by_category(lex)
    assert set(parts) == set(lex.categories)
    assert sum(len(p.entries) for p in parts.values()) == len(lex.entries)
    leader = parts["leader_label"]
    assert {e.referent for e in leader.entries} - {None} <= set(leader.referents)


# ------------------------------------------------------------------------------------------ CLI
def test_cli_convert_validate_stats_merge(tmp_path, capsys):
    dic = tmp_path / "m.dic"
    dic.write_text(DIC)
    assert main(["lexicon", "validate", str(dic)]) == 0
    assert "m.dic: ok (8 entries in 2 categories" in capsys.readouterr().out
    # to a format that holds a word in two categories
    assert main(["lexicon", "convert", str(dic), str(tmp_path / "m.yml"), "--to", "quanteda"]) == 0
    assert yaml.safe_load((tmp_path / "m.yml").read_text())["neg"] == ["bad", "kill*", "evil"]
    # native YAML cannot: a one-line reason, exit 2; --split writes one file per category
    assert main(["lexicon", "convert", str(dic), str(tmp_path / "m.yaml")]) == 2
    assert "native YAML gives each term one category" in capsys.readouterr().err
    assert main(["lexicon", "convert", str(dic), str(tmp_path / "split"), "--split"]) == 0
    assert sorted(p.name for p in (tmp_path / "split").iterdir()) == ["neg.yaml", "pos.yaml"]
    # what the output format cannot hold is listed
    assert main(["lexicon", "convert", "libya", str(tmp_path / "libya.dic")]) == 0
    err = capsys.readouterr().err
    assert "note: 240 valences dropped (liwc cannot hold them)" in err and "16 referents dropped" in err
    assert main(["lexicon", "stats", str(dic), "--out", str(tmp_path / "st")]) == 0
    out = capsys.readouterr().out
    assert "8 entries (7 distinct terms" in out and "multiword 12.5%, wildcard 25.0%" in out
    assert (tmp_path / "st" / "lexicon_overlaps.csv").exists()
    assert main(["lexicon", "merge", "libya", "loaded_language", "--out", str(tmp_path / "merged.yaml")]) == 0
    out = capsys.readouterr().out
    assert "conflict: " in out and "wrote " in out
    merged = load_lexicon(tmp_path / "merged.yaml")
    assert len(merged.entries) > len(load_lexicon("libya").entries)
    assert main(["lexicon", "merge", "libya", "loaded_language", "--out", str(tmp_path / "x.yaml"), "--strict"]) == 1
    assert not (tmp_path / "x.yaml").exists()
    assert main(["lexicon", "formats"]) == 0 and "| liwc22" in capsys.readouterr().out


def test_cli_reader_options_and_bad_input(tmp_path, capsys):
    words = tmp_path / "neg.txt"
    words.write_text("; comment\nsh*t\nbad\n")
    assert main(["lexicon", "validate", str(words)]) == 1
    assert f"{words}:2: term 'sh*t'" in capsys.readouterr().out
    assert main(["lexicon", "validate", str(words), "--asterisk", "literal"]) == 0
    assert main(["lexicon", "validate", str(words), "--skip-unsupported"]) == 0
    assert main(["lexicon", "convert", str(words), str(tmp_path / "neg.csv"), "--asterisk", "literal",
                 "--valence", "-1", "--category", "negative"]) == 0
    table = pd.read_csv(tmp_path / "neg.csv")
    assert table[["term", "category", "valence"]].values.tolist() == [["sh-t", "negative", -1.0],
                                                                       ["bad", "negative", -1.0]]
    capsys.readouterr()
    assert main(["lexicon", "convert", str(words), str(tmp_path / "x.dic"), "--valuetype", "regex"]) == 2
    assert capsys.readouterr().err.startswith("framing: error: option 'valuetype' does not apply to the wordlist")
    assert main(["lexicon", "convert", "libya", str(tmp_path / "x.unknown")]) == 2
    assert "cannot tell the output format" in capsys.readouterr().err


def test_cli_coverage_on_the_demo(tmp_path, capsys):
    assert main(["lexicon", "coverage", "--demo", "--lexicon", "libya", "--out", str(tmp_path), "--top", "5"]) == 0
    out = capsys.readouterr().out
    table = pd.read_csv(tmp_path / "coverage.csv")
    lex = load_lexicon("libya")
    assert len(table) == len(lex.entries) + len(lex.referents)
    n_never = int((~table["matched"]).sum())
    assert f"{n_never} never match" in out and "Never match" in out
    assert any(c.startswith("mentions:") for c in table.columns)


def test_cli_suggest_writes_a_fragment_that_pastes_into_a_lexicon(tmp_path, capsys):
    out = tmp_path / "cand.yaml"
    assert main(["lexicon", "suggest", "--demo", "--lexicon", "libya", "--category", "leader_label", "--top", "5",
                 "--out", str(out)]) == 0
    assert "candidates (" in capsys.readouterr().out
    fragment = yaml.safe_load(out.read_text())
    assert fragment["entries"] and all({"term", "category", "notes", "source"} <= set(e) for e in fragment["entries"])
    # the fragment is native: pasted into a lexicon it validates (after a human has reviewed it)
    base = {"name": "x", "categories": {"leader_label": {}}}
    base["referents"] = {r.id: {"name": r.name, "aliases": r.aliases} for r in load_lexicon("libya").referents.values()}
    base["entries"] = fragment["entries"]
    lex = parse_yaml(yaml.safe_dump(base))
    assert len(lex.entries) == len(fragment["entries"])
