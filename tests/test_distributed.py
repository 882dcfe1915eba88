"""The Dask engine gives the local engine's tables, on a LocalCluster with two worker processes."""

import datetime
import json
import os
import warnings

import pandas as pd
import pytest

import framing

dask = pytest.importorskip("dask", reason="the dask extra is not installed: pip install 'framing[dask]'")
distributed = pytest.importorskip("distributed")

from framing.cli import main  # noqa: E402
from framing.cli._common import _read_parquet, load_score_dir  # noqa: E402
from framing.distributed import corpus_files, score_dask  # noqa: E402
from framing.errors import CorpusError, FramingError  # noqa: E402

TABLES = ("mentions", "documents", "skipped", "descriptors")
# Our own sentences, with terms of the bundled "libya" lexicon
T = "The militia moved again, said Haftar of the Libyan National Army."
TC = T.replace(",", "")  # (for unquoted CSV fields)
T2 = 'Officials said "the renegade general" had taken the port, according to residents.'


@pytest.fixture(autouse=True)
def _environment_restored():
    """A LocalCluster writes settings for its workers into this process's environment
    (MALLOC_TRIM_THRESHOLD_, OMP_NUM_THREADS, PYTHONHASHSEED ...) and leaves them there: restored,
    so that they do not reach the subprocesses of later tests."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def client():
    saved = dict(os.environ)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        yield c
    os.environ.clear()
    os.environ.update(saved)


def _local(path, out, *extra):
    """``framing score PATH --output-format parquet``: the local engine's tables as written."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", framing.FramingWarning)
        assert main(["score", str(path), "-l", "libya", "--out", str(out), "--output-format", "parquet", *extra]) == 0
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}


def _local_chunked(path, out, chunk_rows):
    """The tables ``framing score --output-format parquet`` writes, read in chunks of ``chunk_rows``
    (the command line's loop: ``iter_score`` without texts, each table through a ChunkWriter)."""
    from framing.outputs import ChunkWriter
    from framing.score import iter_score

    out.mkdir(parents=True)
    writers = {name: ChunkWriter(out / name, "parquet") for name in TABLES}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", framing.FramingWarning)
        for d, m, s, desc in iter_score(path, "libya", chunk_rows=chunk_rows, text=False):
            for name, table in zip(TABLES, (m, d, s, desc)):
                writers[name].write(table)
    for w in writers.values():
        w.close()
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}


def _dask(path, out, client, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", framing.FramingWarning)
        counts = score_dask(path, "libya", out=out, client=client, **kw)
    return counts, {name: _read_parquet(out / name) for name in TABLES}


def _same(a: dict, b: dict) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(a[name].reset_index(drop=True), b[name].reset_index(drop=True), obj=name)


def _jsonl(path, records):
    path.write_text("".join(r if isinstance(r, str) else json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# The inputs on which helper-51 found the engines to differ (dask.dataframe's readers): each file's
# tables are now the local engine's, column for column, dtypes and skipped rows' locations included
def _inputs(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = {}
    recs = [{"id": 300 + i, "outlet": "O", "text": f"{T} {i}", "date": "2018-05-16", "n": i, "x": i / 2}
            for i in range(8)]
    recs[6]["id"] = None  # (integer ids with a null: "305", not "305.0")
    recs[2]["date"] = "yesterday"
    recs[4]["id"] = 301  # (a repeat within the file)
    files["ids.jsonl"] = _jsonl(tmp_path / "ids.jsonl", [
        *recs, "{bad\n", '{"id":"s1","outlet":"O","text":"bad \\ud800 militia"}\n', "[1, 2]\n",
        {"id": "late", "outlet": "O", "text": T2, "title": "a key only late records have"}])
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "b", "outlet": "O", "text": T}).encode()
                                         + b"\n")
    files["bom.jsonl"] = tmp_path / "bom.jsonl"
    (tmp_path / "nl.csv").write_text("id,outlet,text\n" + "".join(f'q{i},O,"{T}\nSecond line {i}."\n'
                                                                  for i in range(8)), encoding="utf-8")
    files["nl.csv"] = tmp_path / "nl.csv"
    (tmp_path / "rn.csv").write_text("id,outlet,text\n" + "".join(f'"{i + 1}",rn{i},O,{TC}\n' for i in range(5)),
                                     encoding="utf-8")  # (R's row names on every row)
    files["rn.csv"] = tmp_path / "rn.csv"
    pq.write_table(pa.table({"id": ["p0", "p1", "p2"], "outlet": ["O", "O", None], "text": [T, T2, T],
                             "day": pa.array([datetime.date(2020, 1, 2)] * 3),
                             "k": pa.array([1, None, 3], pa.int64())}), tmp_path / "d.parquet", row_group_size=2)
    files["d.parquet"] = tmp_path / "d.parquet"
    (tmp_path / "a.json").write_text(json.dumps([{"doc_id": "j1", "source": "S", "content": T2},
                                                 {"doc_id": "j2", "source": "S", "content": ""}]), encoding="utf-8")
    files["a.json"] = tmp_path / "a.json"
    for name, text in (("e.json", "[]"), ("e.jsonl", ""), ("h.csv", "id,outlet,text\n")):  # (no documents)
        (tmp_path / name).write_text(text, encoding="utf-8")
        files[name] = tmp_path / name
    return files


def test_each_file_gives_the_local_engines_tables(tmp_path, client):
    for name, path in _inputs(tmp_path).items():
        local = _local(path, tmp_path / "local" / name)
        counts, got = _dask(path, tmp_path / "dask" / name, client)
        _same(got, local)
        assert counts["scored"] == len(local["documents"]) and counts["skipped"] == len(local["skipped"]), name
        assert counts["mentions"] == len(local["mentions"]) > (-1 if name[0] in "eh" else 0), name
    # (what the tables hold, not only that they agree)
    ids = pd.read_parquet(tmp_path / "local" / "ids.jsonl" / "skipped.parquet")
    assert ids["source"].tolist() == [f"{tmp_path / 'ids.jsonl'}:{n}" for n in (5, 9, 10, 11)]
    docs = _read_parquet(tmp_path / "dask" / "ids.jsonl" / "documents")
    assert "305" in docs["doc_id"].tolist() and "305.0" not in docs["doc_id"].tolist() and "late" in docs["doc_id"].tolist()
    assert len(_read_parquet(tmp_path / "dask" / "nl.csv" / "documents")) == 8


def test_a_folder_skips_ids_repeated_across_files_and_counts_what_is_left(tmp_path, client):
    """A folder of files of several formats and column orders: each file read by its own header
    (dask's reader took the first file's header for a later file's blocks), ids repeated across
    files skipped with the local engine's reason, in line order, and the mentions counted after."""
    f = tmp_path / "corpus"
    (f / "sub").mkdir(parents=True)
    (f / "a.csv").write_text("id,outlet,text\n" + "".join(f"a{i},OutA,{TC}\n" for i in range(4)), encoding="utf-8")
    (f / "b.csv").write_text("text,id,outlet\n" + f"{TC},b0,OutB\n{TC},a1,OutB\n\"\",b2,OutB\n{TC},b3,OutB\n",
                             encoding="utf-8")
    _jsonl(f / "sub" / "c.jsonl", [{"id": "b3", "outlet": "C", "text": T2, "date": "2018-02-31"},
                                   {"id": "c1", "outlet": "C", "text": T2, "date": "not a date"},
                                   {"outlet": "C", "text": T2}])
    _jsonl(f / "sub" / "d.jsonl", [{"outlet": "C", "text": T2}])  # (made id: the same document as c.jsonl:3)
    (f / "README.md").write_text("notes", encoding="utf-8")
    (f / "_SUCCESS").write_text("", encoding="utf-8")
    (f / ".hidden.csv").write_text("x", encoding="utf-8")
    with pytest.warns(framing.UnreadableDateWarning) as caught:
        counts = score_dask(f, "libya", out=tmp_path / "out", client=client)
    assert counts == {"read": 13, "scored": 8, "skipped": 5, "mentions": counts["mentions"], "files": 4, "pieces": 4,
                      "unreadable_dates": 1}
    # one date not read is on a document kept (c1); the other's document (b3) was a repeat
    assert caught[0].message.examples == [(f"{f / 'sub' / 'c.jsonl'}:2", "not a date")]
    mentions, documents = load_score_dir(tmp_path / "out")
    assert documents["doc_id"].tolist()[:7] == ["a0", "a1", "a2", "a3", "b0", "b3", "c1"] and len(documents) == 8
    assert counts["mentions"] == len(mentions) == documents["n_mentions"].sum()
    assert set(mentions["doc_id"]) <= set(documents["doc_id"])
    skipped = _read_parquet(tmp_path / "out" / "skipped")
    made = documents["doc_id"].iat[-1]
    assert skipped.values.tolist() == [
        [str(f / "README.md"), "", "not a corpus file (suffix '.md'): the dask engine reads .csv, .tsv, .jsonl, "
                                   ".json and .parquet files; pass --format to read it as one"],
        [f"{f / 'b.csv'} row 2", "a1", f"duplicate doc_id 'a1', first seen at {f / 'a.csv'} row 2"],
        [f"{f / 'b.csv'} row 3", "b2", "empty text"],
        [f"{f / 'sub' / 'c.jsonl'}:1", "b3", f"duplicate doc_id 'b3', first seen at {f / 'b.csv'} row 4"],
        [f"{f / 'sub' / 'd.jsonl'}:1", made,
         f"duplicate document (same outlet, title and text) '{made}', first seen at {f / 'sub' / 'c.jsonl'}:3"]]
    assert corpus_files(str(f / "*.csv"))[0] == [f / "a.csv", f / "b.csv"]


def test_a_file_that_cannot_be_read_fails_naming_its_line_or_row_group(tmp_path, client):
    """Dask's readers raised a bare error naming neither the file nor the line; each file is now read
    by the local engine's reader on the worker, whose CorpusError reaches the client as it is."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "ragged.csv").write_text("id,outlet,text\na,O,x\nb,O,y,z,w\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"ragged\.csv: cannot parse as CSV: line 3 has 5 fields, the header 3"):
        score_dask(tmp_path / "ragged.csv", "libya", out=tmp_path / "o1", client=client)
    (tmp_path / "rep.csv").write_text("id,outlet,text,text\nh,O,x,y\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="column 'text' appears twice"):
        score_dask(tmp_path / "rep.csv", "libya", out=tmp_path / "o2", client=client)
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
    for piece_bytes in (1 << 26, 1):  # (the file whole, and a piece per row group)
        with pytest.raises(CorpusError, match=r"c\.parquet: cannot read row group 2 of 3 \(rows 301-600\)"):
            score_dask(path, "libya", out=tmp_path / "o3", client=client, piece_bytes=piece_bytes)
    # framing's own output folder in the way: refused on the client, before any work
    (tmp_path / "o4").mkdir()
    (tmp_path / "o4" / "mentions").write_text("a file where a folder goes")
    with pytest.raises(FramingError, match=r"o4.mentions: exists and is not a folder"):
        score_dask(tmp_path / "rep.csv", "libya", out=tmp_path / "o4", client=client)
    with pytest.raises(CorpusError, match="no such file or folder"):
        score_dask(tmp_path / "missing", "libya", out=tmp_path / "o5", client=client)


def test_parts_of_parquet_files_with_nulls_read_back_with_the_local_values(tmp_path, client):
    """An integer or boolean column with a null in one file only: every part keeps the values as
    integers and flags, as the local engine reads each file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

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
    counts = score_dask(tmp_path / "corpus", "libya", out=tmp_path / "out", client=client)
    assert counts["files"] == 3 and counts["scored"] == 8 and counts["skipped"] == 1
    parts = sorted((tmp_path / "out" / "documents").glob("*.parquet"))
    assert [str(pq.read_schema(p).field("year").type) for p in parts] == ["int64"] * 3
    local = framing.score(tmp_path / "whole.parquet", "libya", chunk_rows=3).documents
    _, documents = load_score_dir(tmp_path / "out")
    got = documents.set_index("doc_id").loc[local["doc_id"]]
    assert got["year"].astype("Int64").tolist() == local["year"].tolist()
    assert got["flag"].astype("boolean").tolist() == local["flag"].tolist()


def test_the_command_line_runs_the_dask_engine_and_compare_reads_its_parts(tmp_path, client):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    docs = framing.read_corpus(framing.demo_corpus()).documents
    for i in range(3):
        docs.iloc[i::3][["doc_id", "outlet", "title", "text"]].to_json(corpus / f"p{i}.jsonl", orient="records",
                                                                        lines=True)
    address = client.scheduler.address
    assert main(["score", str(corpus), "-l", "libya", "--engine", "dask", "--scheduler", address,
                 "--out", str(tmp_path / "out")]) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["counts"]["files"] == 3 and manifest["counts"]["scored"] == len(docs)
    local = framing.score(framing.demo_corpus(), "libya")
    mentions, documents = load_score_dir(tmp_path / "out")
    assert len(mentions) == len(local.mentions) == manifest["counts"]["mentions"]
    key = ["doc_id", "start"]
    a = mentions.sort_values(key).reset_index(drop=True)
    b = local.mentions.sort_values(key).reset_index(drop=True)
    for col in ("doc_id", "start", "end", "surface", "entry", "category", "voice", "lexicon"):
        assert a[col].tolist() == b[col].tolist(), col
    assert main(["compare", str(tmp_path / "out"), "--out", str(tmp_path / "cmp")]) == 0
    assert any((tmp_path / "cmp").iterdir())


def test_large_files_are_read_in_pieces_with_the_local_engines_tables(tmp_path, client):
    """A JSON Lines file cut into pieces of lines, and a Parquet file into pieces of row groups, each
    read by a worker: the rows keep their lines and rows of the whole file, ids repeated in an
    earlier piece are skipped as the local engine skips them, and the tables are the local
    engine's."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    recs = []
    for i in range(600):
        r = {"id": f"d{i}", "outlet": f"O{i % 3}", "text": f"{T} Line {i}.", "date": "2018-05-16"}
        if i % 97 == 5:
            r["date"] = "not a date"
        if i % 101 == 7:
            r["id"] = f"d{i - 300}"  # (a repeat of a row in an earlier piece)
        recs.append(r)
    recs[250] = "{not json\n"
    recs[420] = {"id": "empty", "outlet": "O", "text": ""}
    path = _jsonl(tmp_path / "big.jsonl", recs)
    (tmp_path / "big_bom.jsonl").write_bytes(b"\xef\xbb\xbf" + path.read_bytes().rstrip(b"\n"))  # (no last newline)
    table = pa.Table.from_pylist([r for r in recs if isinstance(r, dict)])
    pq.write_table(table, tmp_path / "big.parquet", row_group_size=50)
    for name in ("big.jsonl", "big_bom.jsonl", "big.parquet"):
        local = _local(tmp_path / name, tmp_path / "local" / name)
        with pytest.warns(framing.UnreadableDateWarning) as caught:
            counts = score_dask(tmp_path / name, "libya", out=tmp_path / "dask" / name, client=client,
                                piece_bytes=9_000, chunk_rows=40)
        assert counts["pieces"] > 4, name
        got = {t: _read_parquet(tmp_path / "dask" / name / t) for t in TABLES}
        _same(got, local)
        assert counts["mentions"] == len(local["mentions"]) and counts["skipped"] == len(local["skipped"]), name
        assert counts["unreadable_dates"] == caught[0].message.count == 7, name  # (rows 5, 102 ... 587)
    skipped = _read_parquet(tmp_path / "dask" / "big.jsonl" / "skipped").values.tolist()
    at = f"{tmp_path / 'big.jsonl'}:"
    # rows 310, 411 and 512 repeat the ids of rows 10, 111 and 212 (lines one more)
    assert skipped == [[f"{at}251", "", skipped[0][2]],
                       *[[f"{at}{i + 1}", f"d{i - 300}", f"duplicate doc_id 'd{i - 300}', first seen at {at}{i - 299}"]
                         for i in (310, 411)],
                       [f"{at}421", "empty", "empty text"],
                       [f"{at}513", "d212", f"duplicate doc_id 'd212', first seen at {at}213"]]
    assert skipped[0][2].startswith("invalid JSON on this line")


def test_a_folder_of_json_files_gives_the_local_engines_tables(tmp_path, client):
    """The local engine reads a folder of .json files too: both engines give the same tables, in
    the same order of files (by their paths' parts: 'a/x.json' before 'a-b.json'), following a
    linked folder, with a link to nothing a skipped row, and a repeat within a file of an id first
    seen in an earlier file named as first seen there (helper-52)."""
    f = tmp_path / "corpus"
    (f / "a").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()

    def put(path, recs):
        path.write_text(json.dumps([{"outlet": "o", **r} for r in recs]), encoding="utf-8")

    put(f / "a.json", [{"id": "A", "text": T}])
    put(f / "a-b.json", [{"id": "B", "text": "x"}, {"id": "A", "text": T2}, {"id": "A", "text": "y"}])
    put(f / "a" / "x.json", [{"id": "X", "text": T2}])
    put(f / "B.json", [{"id": "C", "text": T}, {"id": "A", "text": T}, {"text": T2}])
    put(f / "a_c.json", [{"text": T2}])
    put(tmp_path / "elsewhere" / "l.json", [{"id": "L", "text": T}])
    (f / "linked").symlink_to(tmp_path / "elsewhere")
    (f / "gone.json").symlink_to(tmp_path / "nothing.json")
    local = _local(f, tmp_path / "local")
    counts, got = _dask(f, tmp_path / "dask", client)
    _same(got, local)
    ids = got["documents"]["doc_id"].tolist()
    assert ids[:2] == ["C", "A"] and ids[3:] == ["X", "B", "L"] and len(ids) == 6
    reasons = dict(zip(got["skipped"]["source"], got["skipped"]["reason"]))
    for item in (2, 3):  # (item 3 was "first seen at a-b.json item 2", a row skipped after the run)
        assert reasons[f"{f / 'a-b.json'} item {item}"] == f"duplicate doc_id 'A', first seen at {f / 'B.json'} item 2"
    assert got["skipped"]["source"].iat[0] == str(f / "gone.json")
    assert counts["scored"] == len(local["documents"]) and counts["skipped"] == len(local["skipped"])
    assert "L" in got["documents"]["doc_id"].tolist() and str(f / "gone.json") in reasons


def test_runs_after_a_failure_relative_paths_globs_and_an_out_folder_inside(tmp_path, client, monkeypatch):
    """helper-52: a run after one that failed on the same client lost the shared lexicons; a failed
    run left the parts of the files read before (which compare read as a whole); relative paths
    failed on workers started in another folder; a glob pattern in the command line failed after
    the work, hashing the pattern as a file; an out folder inside the corpus was read as corpus on a
    run after; the local engine's tables left in the out folder were read instead of the parts."""
    c = tmp_path / "c"
    c.mkdir()
    (c / "bad.csv").write_text("id,outlet,text\n1,o,militia\n2,o,x,extra,more\n", encoding="utf-8")
    (c / "good.csv").write_text("id,outlet,text\n1,o,militia\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad\.csv: cannot parse as CSV: line 3"):
        score_dask(c, "libya", out=tmp_path / "o1", client=client)
    assert not list((tmp_path / "o1").rglob("part-*.parquet"))
    (tmp_path / "o2").mkdir()
    pd.DataFrame({"doc_id": ["stale"]}).to_parquet(tmp_path / "o2" / "documents.parquet")
    monkeypatch.chdir(tmp_path)  # (the workers started in another folder)
    counts = score_dask("c/good.csv", "libya", out="o2", client=client)
    assert counts["scored"] == 1 and not (tmp_path / "o2" / "documents.parquet").exists()
    assert load_score_dir(tmp_path / "o2")[1]["doc_id"].tolist() == ["1"]
    skipped = _read_parquet(tmp_path / "o2" / "skipped")
    assert skipped.empty
    # a glob pattern on the command line, hidden and _-named folders left out as in a folder
    (c / "_temporary").mkdir()
    (c / "_temporary" / "half.csv").write_text("id,outlet,text\n9,o,militia\n", encoding="utf-8")
    (c / "bad.csv").unlink()
    (c / "more.csv").write_text("id,outlet,text\n2,o,Haftar\n", encoding="utf-8")
    address = client.scheduler.address
    assert main(["score", "c/**/*.csv", "-l", "libya", "--engine", "dask", "--scheduler", address,
                 "--out", "o3"]) == 0
    manifest = json.loads((tmp_path / "o3" / "manifest.json").read_text())
    assert manifest["counts"]["files"] == 2 and manifest["counts"]["scored"] == 2
    assert [k for k in manifest["inputs"] if k.startswith("c/")] == ["c/good.csv", "c/more.csv"]
    # the out folder inside the corpus: not read, run after run
    for _ in range(2):
        counts = score_dask(c, "libya", out=c / "out", client=client)
        assert counts["files"] == 2 and counts["scored"] == 2 and counts["skipped"] == 0


def test_framing_warnings_of_the_workers_reach_the_client(tmp_path, client):
    """A column that first appears after the first chunk is left out of a part, as the local
    engine's writer leaves it out, with a warning: it stayed in the worker's log."""
    recs = [{"id": f"d{i}", "outlet": "o", "text": T} for i in range(30)] + [{"id": "z", "outlet": "o", "text": T,
                                                                              "late": "x"}]
    path = _jsonl(tmp_path / "late.jsonl", recs)
    with pytest.warns(framing.FramingWarning, match=r"late\.jsonl: .*column\(s\) late first appear after"):
        score_dask(path, "libya", out=tmp_path / "o", client=client, chunk_rows=10)


def test_pieces_keep_the_columns_and_dtypes_the_files_first_chunk_fixes(tmp_path, client):
    """helper-53: a piece whose first chunk held no record (blank or bad lines) wrote its dates as
    text (an untyped empty table fixed the part's schema; the local engine did the same for a file
    whose first block holds no record), and keys that first appear in a later piece were kept there
    as columns, where the local engine's writer leaves them out with a warning. Each piece now
    continues the schema of the file's first chunk."""
    recs = [{"id": f"d{i}", "outlet": "o", "date": "2020-01-02", "text": f"{T} {i}"} for i in range(60)]
    recs[30:30] = ["\n"] * 12  # (blank lines: a chunk of no record at the start of a piece)
    recs += [{**r, "id": f"late{i}", "extra": i} for i, r in enumerate(recs[:10])]
    path = _jsonl(tmp_path / "c.jsonl", recs)
    blank_first = _jsonl(tmp_path / "b.jsonl", ["\n"] * 30 + recs[:20])
    for p, piece_bytes in ((path, 1500), (path, 700), (blank_first, 10 ** 9)):
        local = _local_chunked(p, tmp_path / "local" / f"{p.stem}{piece_bytes}", 6)
        assert str(local["documents"]["date"].dtype) == "datetime64[ns]"
        assert "extra" not in local["documents"]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            counts, got = _dask(p, tmp_path / "dask" / f"{p.stem}{piece_bytes}", client, piece_bytes=piece_bytes,
                                chunk_rows=6)
        _same(got, local)
        assert counts["pieces"] > (3 if p is path else 0)
    late = [str(w.message) for w in caught if "first appear after" in str(w.message)]
    assert late == [] and "extra" not in got["documents"]
    with pytest.warns(framing.FramingWarning, match=r"c\.jsonl: column\(s\) extra first appear after"):
        score_dask(path, "libya", out=tmp_path / "dask" / "late2", client=client, piece_bytes=1500, chunk_rows=6)


def test_the_first_piece_keeps_the_columns_of_the_files_first_chunk(tmp_path, client):
    """helper-54: the first piece of a file took its columns from its own first chunk, shorter than
    the file's when the piece is: a key first met after it came last in the table, not in place."""
    recs = [{"id": f"g{i}", "outlet": "A", "text": f"The militia of Haftar moved, report {i}.",
             **({"section": "world"} if i >= 5 else {})} for i in range(100)]
    path = _jsonl(tmp_path / "late.jsonl", recs)
    local = _local(path, tmp_path / "local")
    assert list(local["documents"].columns) == ["doc_id", "outlet", "date", "title", "section", "n_tokens",
                                                "n_sentences", "n_mentions"]
    counts, got = _dask(path, tmp_path / "dask", client, piece_bytes=300)
    assert counts["pieces"] > 10
    _same(got, local)
