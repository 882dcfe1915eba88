"""The Dask engine gives the local engine's tables, on a LocalCluster with two worker processes."""

import json
import os

import pandas as pd
import pytest

import framing

dask = pytest.importorskip("dask", reason="the dask extra is not installed: pip install 'framing[dask]'")
distributed = pytest.importorskip("distributed")


@pytest.fixture(autouse=True)
def _environment_restored():
    """A LocalCluster writes settings for its workers into this process's environment
    (MALLOC_TRIM_THRESHOLD_, OMP_NUM_THREADS, PYTHONHASHSEED ...) and leaves them there: restored,
    so that they do not reach the subprocesses of later tests."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_dask_engine_equals_local_engine(tmp_path):
    from framing.cli._common import load_score_dir
    from framing.distributed import score_dask

    docs = framing.read_corpus(framing.demo_corpus()).documents
    rows = docs[["doc_id", "outlet", "title", "text"]].to_dict("records")
    rows.append(dict(rows[0]))  # a duplicate id in a later partition
    rows.append({"doc_id": "blank", "outlet": "x", "title": "", "text": "   "})
    for i in range(3):  # three files: three partitions at least
        part = rows[i::3]
        (tmp_path / "corpus").mkdir(exist_ok=True)
        (tmp_path / "corpus" / f"p{i}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in part))
    lexicons = ["libya", "loaded_language"]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        counts = score_dask(tmp_path / "corpus", lexicons, out=tmp_path / "out", client=client)
    assert counts["read"] == len(rows) and counts["scored"] == len(docs) and counts["skipped"] == 2
    mentions, documents = load_score_dir(tmp_path / "out")
    local = framing.score(pd.concat([pd.read_json(tmp_path / "corpus" / f"p{i}.jsonl", lines=True, dtype=False)
                                     for i in range(3)], ignore_index=True), lexicons)
    key = ["doc_id", "start", "end", "lexicon", "entry"]
    a = mentions.sort_values(key).reset_index(drop=True)
    b = local.mentions.sort_values(key).reset_index(drop=True)
    assert len(a) == len(b) > 500
    for col in ("doc_id", "start", "end", "surface", "entry", "category", "voice", "lexicon"):
        assert a[col].tolist() == b[col].tolist(), col
    assert sorted(documents["doc_id"]) == sorted(local.documents["doc_id"])
    skipped = pd.read_parquet(tmp_path / "out" / "skipped")
    assert any("duplicate doc_id" in r for r in skipped["reason"]) and any("whitespace" in r for r in skipped["reason"])
