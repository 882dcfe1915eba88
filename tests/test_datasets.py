"""Dataset readers on the staged copies in ../shared/data, and the verified download (offline, with
a stand-in for the network that serves the staged files)."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

import pytest

from framing import datasets as ds

from conftest import _need


def _data(shared: Path, name: str) -> Path:
    return _need(shared / "data" / ds.DATASETS[name])


def _needs_openpyxl():
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("openpyxl is needed to read the MBIC .xlsx files", pytrace=False)
        pytest.skip("openpyxl not installed")


def test_babe_sg2(shared):
    df = ds.load_babe(_data(shared, "babe"))
    assert len(df) == 3673  # 3,674 minus the one "No agreement"
    assert df["label"].value_counts().to_dict() == {0: 1863, 1: 1810}
    assert list(df.columns[:3]) == ["row", "text", "news_link"]
    assert sum(bool(w) for w in df["biased_words"]) >= 1800
    assert df["group"].is_unique is False and df["group"].notna().all()
    full = ds.load_babe(_data(shared, "babe"), drop_no_agreement=False)
    assert len(full) == 3674 and full["label"].isna().sum() == 1
    sg1 = ds.load_babe(_data(shared, "babe"), subset="SG1", drop_no_agreement=False)
    assert len(sg1) == 1700 and (sg1["label_bias"] == "No agreement").sum() == 154


def test_mbic(shared):
    _needs_openpyxl()
    df = ds.load_mbic(_data(shared, "mbic"))
    assert len(df) == 1700
    assert df["label_bias"].value_counts().to_dict() == {"Biased": 1018, "Non-biased": 533, "No agreement": 149}
    assert df["news_link"].nunique() == 1055
    assert isinstance(df["biased_words"].iloc[0], list)


def test_basil_articles_and_spans(shared):
    folder = _data(shared, "basil")
    arts = ds.load_basil(folder)
    assert len(arts) == 300 and arts["outlet"].value_counts().to_dict() == {"fox": 100, "nyt": 100, "hpo": 100}
    assert arts["n_lexical"].sum() == 480 and arts["n_informational"].sum() == 1246
    assert arts["triplet"].nunique() == 100
    spans = ds.load_basil_spans(folder)
    assert len(spans) == 1726 and spans["located"].sum() >= 1720
    text = arts.set_index("doc_id")["text"]
    ok = spans[spans["located"]]
    assert all(text[d][a:b] == t for d, a, b, t in zip(ok["doc_id"], ok["start"], ok["end"], ok["txt"]))
    assert len(ds.load_basil_spans(folder, annotations="v1")) == 1730


def test_newswcl50(shared):
    folder = _data(shared, "newswcl50")
    arts = ds.load_newswcl50(folder)
    assert len(arts) == 50 and arts["outlet_code"].value_counts().nunique() == 1
    assert arts["url"].notna().all()
    ann = ds.load_newswcl50_annotations(folder)
    assert len(ann) == 8694 and set(ann["doc_id"]) <= set(arts["doc_id"])


def test_article_bias_prediction(shared):
    folder = _data(shared, "abp")
    df = ds.load_article_bias(folder)
    assert len(df) == 3656
    assert df["label"].value_counts().to_dict() == {"left": 2042, "center": 917, "right": 697}
    assert df["split_media"].value_counts().to_dict() == {"valid": 2356, "test": 1300}
    assert df["outlet"].nunique() == 65
    assert (df["bias"].map({0: "left", 1: "center", 2: "right"}) == df["label"]).all()


def test_verify_and_default_path(shared):
    for name in ds.DATASETS:
        assert ds.verify(name, _data(shared, name)) == []
    assert ds.default_path("babe") is not None
    with pytest.raises(ds.DatasetError, match="unknown dataset"):
        ds.load_dataset("nope")
    with pytest.raises(ds.DatasetError, match="not a folder"):
        ds.load_babe(shared / "missing-folder")


# ------------------------------------------------------------------------------------------ download
def _remote_to_local(name: str, src: ds.Source, rel: str) -> str:
    """Invert a Source pattern for the stand-in network (local relative path -> remote path)."""
    if src.repo == "Luisgarchi/NewsWCL50":
        event = rel.split("_")[0]
        return f"1-raw-articles/event_{event}/{rel}" + (".txt" if event == "4" else "")
    prefix = src.remote.split("(")[0]
    return prefix + rel


class FakeGitHub:
    """Serves raw files and tree listings from the staged copies; counts requests."""

    def __init__(self, root: Path, name: str, tamper: str | None = None):
        self.files: dict[tuple[str, str, str], Path] = {}
        self.tamper = tamper
        self.calls = 0
        folder = root / ds.DATASETS[name]
        for src in ds.SOURCES[name]:
            if not src.many:
                self.files[(src.repo, src.commit, src.remote)] = folder / src.local
                continue
            base = folder / src.local
            for p in base.rglob("*"):
                if p.is_file():
                    rel = p.relative_to(base).as_posix()
                    self.files[(src.repo, src.commit, _remote_to_local(name, src, rel))] = p

    def __call__(self, url: str) -> bytes:
        self.calls += 1
        m = re.match(r"https://api\.github\.com/repos/([^/]+/[^/]+)/git/trees/([0-9a-f]{40})\?recursive=1$", url)
        if m:
            tree = [{"path": r, "type": "blob"} for (repo, commit, r) in self.files if (repo, commit) == m.groups()]
            return json.dumps({"tree": tree, "truncated": False}).encode()
        m = re.match(r"https://raw\.githubusercontent\.com/([^/]+/[^/]+)/([0-9a-f]{40})/(.+)$", url)
        assert m, url
        data = self.files[m.groups()].read_bytes()
        if self.tamper and m.group(3).endswith(self.tamper):
            data = data + b"\n"
        return data


def test_download_verifies_and_caches(shared, tmp_path, monkeypatch):
    def no_network(*a, **k):
        raise AssertionError("the download tests must not touch the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    root = shared / "data"
    for name in ("babe", "basil", "newswcl50"):
        _data(shared, name)
        fake = FakeGitHub(root, name)
        path = ds.download(name, tmp_path / "cache", fetch=fake)
        assert path == tmp_path / "cache" / ds.DATASETS[name]
        assert ds.verify(name, path) == []
        calls = fake.calls
        assert ds.download(name, tmp_path / "cache", fetch=fake) == path  # cached: no new request
        assert fake.calls == calls
    assert len(ds.load_babe(tmp_path / "cache" / "babe")) == 3673


def test_download_rejects_tampered_files(shared, tmp_path):
    root = shared / "data"
    _data(shared, "babe")
    with pytest.raises(ds.DatasetError, match="SHA-256"):
        ds.download("babe", tmp_path, fetch=FakeGitHub(root, "babe", tamper="final_labels_SG1.csv"))
    assert not (tmp_path / "babe").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".babe")]  # temporary folder removed
    _data(shared, "newswcl50")
    with pytest.raises(ds.DatasetError, match="digest"):
        ds.download("newswcl50", tmp_path, fetch=FakeGitHub(root, "newswcl50", tamper="3_M.txt"))
