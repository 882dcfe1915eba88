"""Lexicon loading and validation: errors name file and line and say what to do."""

import pytest

import framing
from framing.lexicon import check_lexicon, load_lexicon, parse_yaml, write_yaml
from framing.errors import LexiconError

GOOD = """\
name: t
version: "1.0"
referents:
  haftar:
    name: Khalifa Haftar
    aliases: [Haftar, Hafter]
categories:
  label:
    description: labels
entries:
  - term: renegade general
    category: label
    referent: haftar
    valence: -0.8
"""


def _problems(text, tmp_path, name="lex.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_lexicon(path)


def test_good_lexicon_loads(tmp_path):
    assert _problems(GOOD, tmp_path) == []
    lex = parse_yaml(GOOD)
    assert lex.entries[0].id == "label/renegade general" and lex.entries[0].line == 11
    assert lex.referents["haftar"].aliases == ["Haftar", "Hafter"]


@pytest.mark.parametrize(
    "edit, expected",
    [
        # invalid YAML: file:line
        (lambda t: t.replace("    category: label\n    referent", "    category: [label\n    referent"), "lex.yaml:13: invalid YAML"),
        # unknown key with suggestion
        (lambda t: t.replace("    valence: -0.8", "    valense: -0.8"), "lex.yaml:14: unknown key 'valense' in an entry; did you mean 'valence'?"),
        (lambda t: t.replace("version:", "versoin:"), "lex.yaml:2: unknown key 'versoin'"),
        # unknown category and referent, each with the line of the entry
        (lambda t: t.replace("    category: label", "    category: lable"), "lex.yaml:11: entry 'renegade general' has unknown category 'lable'; did you mean 'label'?"),
        (lambda t: t.replace("referent: haftar", "referent: hafter"), "lex.yaml:11: entry 'renegade general' has unknown referent 'hafter'"),
        (lambda t: t.replace("valence: -0.8", "valence: -3"), "lex.yaml:11: entry 'renegade general' has valence -3.0; use a number from -1 to 1"),
        (lambda t: t.replace("renegade general", "'!!!'"), "lex.yaml:11: term '!!!' normalises to nothing"),
        (lambda t: t.replace("renegade general", "rene*gade"), "has a '*' that is not at the end of a word"),
        (lambda t: t + "  - term: Renegade-General\n    category: label\n", "lex.yaml:15: term 'Renegade-General' duplicates 'renegade general' (line 11)"),
        (lambda t: t.replace("[Haftar, Hafter]", "[Haftar, HAFTAR]"), "alias 'HAFTAR' of referent 'haftar' duplicates"),
        (lambda t: t.replace("categories:\n  label:", "categories:\n  referent:"), "category id 'referent' is reserved"),
    ],
)
def test_bad_lexicons_name_file_line_and_fix(tmp_path, edit, expected):
    problems = _problems(edit(GOOD), tmp_path)
    assert problems, "expected a problem"
    assert any(expected in p for p in problems), problems
    with pytest.raises(LexiconError):
        load_lexicon(tmp_path / "lex.yaml")


def test_empty_lexicon_and_empty_file(tmp_path):
    assert any("the lexicon is empty" in p for p in _problems("name: x\ncategories: {}\nentries: []\n", tmp_path))
    assert any("the file is empty" in p for p in _problems("", tmp_path))


def test_validate_lists_every_problem(tmp_path):
    text = GOOD.replace("category: label", "category: nope").replace("valence: -0.8", "valence: 5")
    problems = _problems(text, tmp_path)
    assert len(problems) == 2


def test_write_then_read_keeps_everything(tmp_path):
    lex = parse_yaml(GOOD)
    write_yaml(lex, tmp_path / "out.yaml")
    again = load_lexicon(tmp_path / "out.yaml")
    assert [(e.term, e.category, e.referent, e.valence) for e in again.entries] == [
        (e.term, e.category, e.referent, e.valence) for e in lex.entries]
    assert again.referents["haftar"].aliases == lex.referents["haftar"].aliases


def test_shipped_lexicons_are_valid_and_large_enough():
    names = framing.bundled_lexicons()
    assert {"libya", "loaded_language"} <= set(names)
    for name, path in names.items():
        assert check_lexicon(path) == [], name
    loaded = load_lexicon("loaded_language")
    assert len(loaded.entries) >= 150 and len(loaded.categories) >= 8
    libya = load_lexicon("libya")
    aliases = {a.lower() for a in libya.referents["haftar"].aliases}
    assert {"haftar", "hafter", "hifter", "heftar"} <= aliases
    lna = {a.lower() for a in libya.referents["lna"].aliases}
    assert {"lna", "libya national army", "libyan arab armed forces", "haftar's forces", "forces loyal to haftar"} <= lna
    terms = {normalize(t) for e in libya.entries for t in e.surfaces}
    for t in ["renegade general", "rogue general", "self-styled general", "self-proclaimed field marshal", "strongman",
              "warlord", "militia leader", "field marshal", "general", "gen.", "marshal", "militia*", "army",
              "terrorists", "remnant*", "anti-terror campaign*", "siege", "blockade", "liberation", "derna", "darna",
              "gaddafi", "qaddafi", "kadhafi"]:
        assert normalize(t) in terms, t


def normalize(t):
    from framing.text import normalize_term

    return normalize_term(t)
