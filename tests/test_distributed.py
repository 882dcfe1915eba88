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
    for r in rows:
        r["date"] = "2018-05-16"
    rows[4]["date"] = "yesterday"  # kept with no date: reported
    rows.append(dict(rows[0], date="31/02/2018"))  # a duplicate id in a later partition: not reported
    rows.append({"doc_id": "blank", "outlet": "x", "title": "", "text": "   ", "date": "n/a?"})  # skipped
    for i in range(3):  # three files: three partitions at least
        part = rows[i::3]
        (tmp_path / "corpus").mkdir(exist_ok=True)
        (tmp_path / "corpus" / f"p{i}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in part))
    lexicons = ["libya", "loaded_language"]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        with pytest.warns(framing.UnreadableDateWarning) as caught:
            counts = score_dask(tmp_path / "corpus", lexicons, out=tmp_path / "out", client=client)
    assert counts["read"] == len(rows) and counts["scored"] == len(docs) and counts["skipped"] == 2
    assert counts["unreadable_dates"] == 1 and len(caught) == 1
    assert caught[0].message.examples == [(f"{tmp_path / 'corpus'} partition 1 row 2", "yesterday")]
    mentions, documents = load_score_dir(tmp_path / "out")
    with pytest.warns(framing.UnreadableDateWarning):
        local = framing.score(pd.concat([pd.read_json(tmp_path / "corpus" / f"p{i}.jsonl", lines=True, dtype=False)
                                         for i in range(3)], ignore_index=True), lexicons)
    assert local.unreadable_dates == counts["unreadable_dates"]
    key = ["doc_id", "start", "end", "lexicon", "entry"]
    a = mentions.sort_values(key).reset_index(drop=True)
    b = local.mentions.sort_values(key).reset_index(drop=True)
    assert len(a) == len(b) > 500
    for col in ("doc_id", "start", "end", "surface", "entry", "category", "voice", "lexicon"):
        assert a[col].tolist() == b[col].tolist(), col
    assert sorted(documents["doc_id"]) == sorted(local.documents["doc_id"])
    skipped = pd.read_parquet(tmp_path / "out" / "skipped")
    assert any("duplicate doc_id" in r for r in skipped["reason"]) and any("whitespace" in r for r in skipped["reason"])


def test_dask_partitions_of_parquet_write_one_schema(tmp_path):
    """An integer or boolean column with a null in one file only was ``int64`` in the other files'
    partitions and ``object`` in that one, so the parts were written as integers in some and as
    text in others. Every part now has the local engine's nullable dtype, and the values agree."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from framing.cli._common import load_score_dir
    from framing.distributed import score_dask

    docs = framing.read_corpus(framing.demo_corpus()).documents.head(9)
    years = [None if i == 4 else 2000 + i for i in range(9)]
    flags = [None if i == 7 else i % 2 == 0 for i in range(9)]
    whole = pa.table({"id": [f"d{i}" for i in range(9)], "outlet": docs["outlet"].tolist(),
                      "text": [t if i != 7 else "" for i, t in enumerate(docs["text"])],
                      "year": pa.array(years, pa.int64()), "flag": pa.array(flags, pa.bool_())})
    (tmp_path / "corpus").mkdir()
    for k in range(3):  # nulls in the second and third files only; the flag's on a skipped row
        pq.write_table(whole.slice(3 * k, 3), tmp_path / "corpus" / f"p{k}.parquet")
    pq.write_table(whole, tmp_path / "whole.parquet")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        counts = score_dask(tmp_path / "corpus", "libya", out=tmp_path / "out", client=client)
    assert counts["partitions"] == 3 and counts["scored"] == 8 and counts["skipped"] == 1
    parts = sorted((tmp_path / "out" / "documents").glob("*.parquet"))
    schemas = {str(pq.read_schema(p).field(c).type) for p in parts for c in ("year", "flag")}
    assert [str(pq.read_schema(p).field("year").type) for p in parts] == ["int64"] * 3
    assert schemas == {"int64", "bool"}
    local = framing.score(tmp_path / "whole.parquet", "libya", chunk_rows=3).documents
    assert str(local["year"].dtype) == "Int64" and str(local["flag"].dtype) == "boolean"
    _, documents = load_score_dir(tmp_path / "out")
    got = documents.set_index("doc_id").loc[local["doc_id"]]
    assert got["year"].astype("Int64").tolist() == local["year"].tolist()
    assert got["flag"].astype("boolean").tolist() == local["flag"].tolist()


def test_a_damaged_parquet_file_fails_with_a_message_not_a_traceback(tmp_path):
    """A Parquet page that does not decode made dask raise Arrow's bare OSError on the client, which
    the command line printed as a traceback. It is a CorpusError naming the source and the cause,
    and the local engine, which names the row group, is pointed to."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from framing.distributed import score_dask
    from framing.errors import CorpusError

    n = 900
    table = pa.table({"id": [f"d{i}" for i in range(n)], "outlet": ["o"] * n,
                      "text": [f"Note {i}: the militia moved on the city, officials said." for i in range(n)]})
    path = tmp_path / "c.parquet"
    pq.write_table(table, path, row_group_size=300)
    page = pq.ParquetFile(path).metadata.row_group(1).column(2).data_page_offset
    data = bytearray(path.read_bytes())
    for k in range(page + 3, page + 12):  # (the page header)
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        with pytest.raises(CorpusError, match=r"c\.parquet: could not be read \(OSError: .+\)\. "
                                              r"Dask does not say which file"):
            score_dask(path, "libya", out=tmp_path / "out", client=client)
        # Damage that dask meets on the client, reading the files' metadata, likewise (helper-45)
        cut = tmp_path / "cut.parquet"
        cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        with pytest.raises(CorpusError, match=r"cut\.parquet: could not be read \(.+\)\. Dask does not say"):
            score_dask(cut, "libya", out=tmp_path / "out2", client=client)
        # framing's own writing failing is not reported as the input's fault (helper-45)
        pq.write_table(table.slice(0, 300), tmp_path / "good.parquet")
        (tmp_path / "out3").mkdir()
        (tmp_path / "out3" / "mentions").write_text("a file where a folder goes")
        with pytest.raises(RuntimeError, match=r"partition 0: scoring or writing failed \(FileExistsError"):
            score_dask(tmp_path / "good.parquet", "libya", out=tmp_path / "out3", client=client)
    with pytest.raises(CorpusError, match=r"cannot read row group 2 of 3 \(rows 301-600\)"):
        framing.score(path, "libya")
