"""The compiled-lexicon cache: a second compile of the same files is loaded, not rebuilt, and any
change to a file (or FRAMING_CACHE=0) is respected."""

import shutil

import framing
from framing.cache import cache_dir
from framing.matcher import CompiledMatcher
from framing.score import compile_lexicons

TEXT = "The renegade general and his militia; Haftar's forces and the LNA militia."


def _files():
    return sorted((cache_dir() / "lexicons").glob("*.pickle")) if (cache_dir() / "lexicons").exists() else []


def test_second_compile_is_loaded_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "c"))
    lex = tmp_path / "l.yaml"
    shutil.copy(framing.lexicon.bundled_lexicons()["libya"], lex)
    first = compile_lexicons([lex, "loaded_language"])
    assert len(_files()) == 1
    second = compile_lexicons([lex, "loaded_language"])
    assert second is not first and isinstance(second, CompiledMatcher)
    assert [(s, e, t.entry) for s, e, t in second.find_text(TEXT)] == \
        [(s, e, t.entry) for s, e, t in first.find_text(TEXT)]
    assert len(second.find_text(TEXT)) >= 4
    # a changed file is a new key: the new entry is found
    lex.write_text(lex.read_text(encoding="utf-8").replace("entries:\n", "entries:\n  - {term: forces and the, category: "
                                                             + framing.load_lexicon(lex).entries[0].category + "}\n", 1),
                   encoding="utf-8")
    third = compile_lexicons([lex, "loaded_language"])
    assert len(_files()) == 2
    assert "forces and the" in [t.term for _, _, t in third.find_text(TEXT)]


def test_unreadable_cache_file_is_rebuilt_and_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "c"))
    compile_lexicons("libya")
    (f,) = _files()
    f.write_bytes(b"not a pickle")
    m = compile_lexicons("libya")
    assert len(m.find_text(TEXT)) >= 4
    assert f.read_bytes() != b"not a pickle"
    monkeypatch.setenv("FRAMING_CACHE", "0")
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "off"))
    compile_lexicons("libya")
    assert not (tmp_path / "off").exists()


def test_same_bytes_under_another_name_is_another_lexicon(tmp_path, monkeypatch):
    """A word list takes its name and category from its file name: equal bytes are not enough."""
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "c"))
    (tmp_path / "alpha.txt").write_text("militia\nwarlord\n", encoding="utf-8")
    shutil.copy(tmp_path / "alpha.txt", tmp_path / "beta.txt")
    assert compile_lexicons(tmp_path / "alpha.txt").categories == ["alpha"]
    assert compile_lexicons(tmp_path / "beta.txt").categories == ["beta"]
    assert compile_lexicons(tmp_path / "alpha.txt").categories == ["alpha"]  # from the cache
    assert len(_files()) == 2
