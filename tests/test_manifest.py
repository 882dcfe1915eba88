"""manifest.json: input and output hashes, deterministic bytes, comparison, command lines."""

import argparse
import hashlib
import json

import pytest

import framing
from framing import manifest
from framing.errors import FramingError


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_hash_inputs_covers_every_file_of_a_folder(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    (corpus / "outlet_a").mkdir(parents=True)
    (corpus / "outlet_a" / "one.txt").write_bytes(b"first article")
    (corpus / "outlet_b" / "deep").mkdir(parents=True)
    (corpus / "outlet_b" / "deep" / "two.txt").write_bytes(b"second")
    (corpus / "metadata.csv").write_bytes(b"file,outlet\n")
    monkeypatch.chdir(tmp_path)
    got = manifest.hash_inputs(["corpus"])
    assert got == {"corpus/metadata.csv": _sha(b"file,outlet\n"), "corpus/outlet_a/one.txt": _sha(b"first article"),
                   "corpus/outlet_b/deep/two.txt": _sha(b"second")}
    # relative to another base; a missing path is an error
    assert set(manifest.hash_inputs([corpus], base=corpus)) == {"metadata.csv", "outlet_a/one.txt",
                                                                "outlet_b/deep/two.txt"}
    with pytest.raises(FramingError, match="no such input"):
        manifest.hash_inputs([tmp_path / "nope.csv"])


def test_bundled_files_have_portable_names():
    demo = framing.demo_corpus()
    keys = manifest.hash_inputs([demo])
    assert all(k.startswith("framing:examples/derna_demo/") for k in keys)
    assert "framing:examples/derna_demo/metadata.csv" in keys
    assert len(keys) == sum(1 for p in demo.rglob("*") if p.is_file())
    lex = framing.load_lexicon("libya")
    rec = manifest.lexicon_records([lex])[0]
    assert rec["name"] == "libya" and rec["version"] == lex.version
    assert rec["path"] == "framing:lexicons/libya.yaml" and rec["sha256"] == manifest.sha256_file(lex.path)


def test_write_manifest_is_deterministic_apart_from_run_time(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.csv").write_text("text,outlet\nhello,a\n")
    out = tmp_path / "out"
    (out / "tables").mkdir(parents=True)
    (out / "tables" / "t.csv").write_text("a\n1\n")
    (out / "index.html").write_text("<html></html>")
    lex = framing.load_lexicon("libya")
    kw = dict(command=["framing", "score", "in.csv", "--out", "out"], inputs=["in.csv"],
              parameters={"seed": 7, "formats": ("csv", "md"), "level": 0.95},
              counts={"read": 2, "scored": 1, "skipped": 1}, policies={"match": "x.v1"}, lexicons=[lex])
    first = manifest.write_manifest(out, **kw).read_bytes()
    second = manifest.write_manifest(out, **kw).read_bytes()
    a, b = json.loads(first), json.loads(second)
    a.pop("nondeterministic"), b.pop("nondeterministic")
    assert a == b
    assert first.replace(first[first.index(b'"nondeterministic"'):first.index(b'"parameters"')], b"") == \
        second.replace(second[second.index(b'"nondeterministic"'):second.index(b'"parameters"')], b"")
    assert a["files"] == {"index.html": _sha(b"<html></html>"), "tables/t.csv": _sha(b"a\n1\n")}
    assert a["inputs"]["in.csv"] == _sha(b"text,outlet\nhello,a\n")
    assert a["inputs"]["framing:lexicons/libya.yaml"] == manifest.sha256_file(lex.path)
    assert a["parameters"] == {"seed": 7, "formats": ["csv", "md"], "level": 0.95}
    assert a["counts"] == {"read": 2, "scored": 1, "skipped": 1}
    assert a["command"] == {"argv": ["framing", "score", "in.csv", "--out", "out"], "cwd": tmp_path.as_posix()}
    assert a["framing"] == framing.__version__ and a["environment"]["python"]
    assert set(manifest.DEPENDENCIES) == set(a["environment"]["dependencies"])
    assert "seconds" in json.loads(first)["nondeterministic"]
    assert manifest.read_manifest(out)["files"] == a["files"]


def test_compare_hashes_file_by_file():
    checks = manifest.compare_hashes({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "9", "d": "4"})
    assert [(c.path, c.status) for c in checks] == [("a", "identical"), ("b", "differs"), ("c", "missing"),
                                                    ("d", "new")]
    assert checks[1].line("output ").startswith("DIFFERS   output b  (recorded 2")
    assert checks[0].ok and not checks[2].ok


def test_read_manifest_errors(tmp_path):
    with pytest.raises(FramingError, match="no manifest here"):
        manifest.read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(FramingError, match="manifest.json:1: not valid JSON"):
        manifest.read_manifest(tmp_path)


def test_argv_from_namespace_parses_back():
    p = argparse.ArgumentParser()
    p.add_argument("corpus", nargs="?")
    p.add_argument("--demo", action="store_true")
    p.add_argument("--lexicon", "-l", action="append", default=[])
    p.add_argument("--out", "-o")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--level", type=float, default=0.95)
    args = p.parse_args(["c.csv", "-l", "libya", "-l", "x.yaml", "-o", "out", "--seed", "3"])
    argv = manifest.argv_from_namespace(p, args, prefix=["framing", "report"])
    assert argv == ["framing", "report", "c.csv", "--lexicon", "libya", "--lexicon", "x.yaml", "--out", "out",
                    "--seed", "3"]
    assert p.parse_args(argv[2:]) == args


def test_jsonable_handles_numpy_and_nan():
    import numpy as np
    import pandas as pd

    got = manifest.jsonable({"a": np.int64(3), "b": np.float64("nan"), "c": (1, 2), "d": pd.Timestamp("2020-01-02"),
                             "e": {np.str_("k"): np.bool_(True)}})
    assert got == {"a": 3, "b": None, "c": [1, 2], "d": "2020-01-02T00:00:00", "e": {"k": True}}
    json.dumps(got)
