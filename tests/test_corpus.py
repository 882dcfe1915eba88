"""Corpus reading: every format, column mapping, and a table of bad inputs with exact reasons."""

import json

import pandas as pd
import pytest

import framing
from framing.errors import CorpusError

ROWS = [
    {"id": "a1", "source": "Herald", "date": "2018-05-03", "headline": "One", "body": "The renegade general spoke."},
    {"id": "a2", "source": "Voice", "date": "June 4, 2018", "headline": "Two", "body": "Field Marshal Haftar spoke."},
]


def _write(tmp_path, fmt):
    df = pd.DataFrame(ROWS)
    path = tmp_path / f"c.{fmt}"
    if fmt == "csv":
        df.to_csv(path, index=False)
    elif fmt == "tsv":
        df.to_csv(path, index=False, sep="\t")
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    elif fmt == "json":
        path.write_text(json.dumps(ROWS), encoding="utf-8")
    elif fmt == "parquet":
        df.to_parquet(path)
    return path


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "json", "parquet"])
def test_every_format_reads_the_same_table(tmp_path, fmt):
    c = framing.read_corpus(_write(tmp_path, fmt))
    d = c.documents
    assert list(d["doc_id"]) == ["a1", "a2"] and list(d["outlet"]) == ["Herald", "Voice"]
    assert list(d["title"]) == ["One", "Two"] and d["text"][1] == ROWS[1]["body"]
    assert list(d["date"].dt.strftime("%Y-%m-%d")) == ["2018-05-03", "2018-06-04"]
    assert c.skipped.empty and c.n_read == 2


def test_folder_of_txt_files_with_outlet_subfolders_and_sidecar(tmp_path):
    for outlet, name, text in [("herald", "x", "Renegade general."), ("voice", "y", "The army."), ("voice", "z", "  ")]:
        (tmp_path / outlet).mkdir(exist_ok=True)
        (tmp_path / outlet / f"{name}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,date,title\nherald/x.txt,2018-05-01,Ex\n", encoding="utf-8")
    c = framing.read_corpus(tmp_path)
    assert list(c.documents["doc_id"]) == ["herald/x", "voice/y"]
    assert list(c.documents["outlet"]) == ["herald", "voice"]
    assert c.documents["title"][0] == "Ex" and str(c.documents["date"][0].date()) == "2018-05-01"
    assert c.skipped.to_dict("records") == [{"source": str(tmp_path / "voice" / "z.txt"), "doc_id": "voice/z",
                                             "reason": "text is only whitespace"}]


def test_every_file_of_a_folder_is_read_or_skipped_with_a_reason(tmp_path):
    """A .TXT file was left out without a word, and so were other files and metadata rows whose file
    is missing: each is now read (any case of .txt) or a skipped row. Hidden files, and files other
    than .txt beside the outlets' sub-folders (a README), are not documents."""
    files = {"herald/a.txt": "Renegade general.", "herald/b.TXT": "Field Marshal.", "herald/notes.md": "draft",
             "voice/c.txt": "The army.", "voice/README": "about", ".hidden/d.txt": "x", "voice/.DS_Store": "x",
             "README.md": "about the corpus", "LICENSE": "terms"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,title\nherald/b.txt,Bee\nvoice/gone.txt,Lost\nherald/a.txt,A\n",
                                           encoding="utf-8")
    for jobs in (1, 2):
        c = framing.read_corpus(tmp_path) if jobs == 1 else framing.score(tmp_path, "libya", jobs=2)
        docs = c.documents
        assert list(docs["doc_id"]) == ["herald/a", "herald/b", "voice/c"]
        assert list(docs["title"]) == ["A", "Bee", ""]
        skipped = c.skipped.to_dict("records")
        assert [(r["source"], r["doc_id"]) for r in skipped] == [
            (str(tmp_path / "herald" / "notes.md"), ""), (str(tmp_path / "voice" / "README"), ""),
            (f"{tmp_path / 'metadata.csv'} row 2", "voice/gone")]
        assert skipped[0]["reason"].startswith("not read: a .md file; a folder corpus reads its .txt files")
        assert skipped[1]["reason"].startswith("not read: a file without an extension")
        assert "has no voice/gone.txt; add the file or remove the row" in skipped[2]["reason"]
        # every file that is not hidden, and every metadata row, is accounted for
        assert len(docs) + len(skipped) == 5 + 1
    (tmp_path / "metadata.csv").write_text("file,title\nherald/a.txt,A\n ,B\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"metadata\.csv row 2: the 'file' value is empty"):
        framing.read_corpus(tmp_path)


def test_explicit_columns_and_constant_outlet(tmp_path):
    path = tmp_path / "c.csv"
    pd.DataFrame({"words": ["Haftar's forces."], "when": ["2018-01-02"]}).to_csv(path, index=False)
    c = framing.read_corpus(path, text_col="words", date_col="when", outlet="Solo")
    assert c.documents["outlet"][0] == "Solo" and c.documents["doc_id"][0].startswith("d")
    again = framing.read_corpus(path, text_col="words", date_col="when", outlet="Solo")
    assert again.documents["doc_id"][0] == c.documents["doc_id"][0]  # deterministic ids


def test_metadata_columns_are_carried_through(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"text": "x y", "outlet": "A", "leaning": "left", "n_tokens": 5}) + "\n")
    d = framing.read_corpus(path).documents
    assert d["leaning"][0] == "left" and d["meta_n_tokens"][0] == 5


# ----------------------------------------------------------------------------------- bad inputs
def test_missing_text_column_lists_columns_and_suggests(tmp_path):
    path = tmp_path / "c.csv"
    pd.DataFrame({"txt": ["a"], "outlet": ["b"]}).to_csv(path, index=False)
    with pytest.raises(CorpusError) as err:
        framing.read_corpus(path)
    assert str(err.value) == (f"{path}: no text column found (columns found: txt, outlet); did you mean 'txt'?; "
                              "pass --text-col NAME")


def test_non_utf8_bytes_name_file_byte_and_line(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"text,outlet\nfine,A\ncaf\xe9 au lait,B\n")
    with pytest.raises(CorpusError) as err:
        framing.read_corpus(path)
    assert str(err.value) == (f"{path}: not valid utf-8 at byte 22 (line 3, byte 0xe9); re-save the file as UTF-8, "
                              "or pass --encoding (e.g. cp1252 or latin-1)")
    assert framing.read_corpus(path, encoding="cp1252").documents["text"][1] == "caf\u00e9 au lait"


def test_non_utf8_txt_file_is_skipped_with_byte_offset(tmp_path):
    (tmp_path / "herald").mkdir()
    (tmp_path / "herald" / "a.txt").write_bytes(b"ok text")
    (tmp_path / "herald" / "b.txt").write_bytes(b"bad \xff byte")
    c = framing.read_corpus(tmp_path)
    assert len(c.documents) == 1
    assert c.skipped["reason"][0] == "not valid utf-8 at byte 4 (byte 0xff); re-save as UTF-8 or pass --encoding"


def test_table_of_bad_rows_each_skipped_with_its_reason(tmp_path):
    big = "word " * 1_000_000  # a 5 MB article
    rows = [
        {"doc_id": "ok", "outlet": "A", "text": "Fine text."},
        {"doc_id": "empty", "outlet": "A", "text": ""},
        {"doc_id": "blank", "outlet": "A", "text": " \n\t "},
        {"doc_id": "nul", "outlet": "A", "text": "abc\x00def"},
        {"doc_id": "huge", "outlet": "A", "text": big},
        {"doc_id": "ok", "outlet": "B", "text": "Another text."},
        {"doc_id": "noout", "outlet": "", "text": "Text."},
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{not json\n", encoding="utf-8")
    c = framing.read_corpus(path)
    assert list(c.documents["doc_id"]) == ["ok"]
    reasons = dict(zip(c.skipped["source"], c.skipped["reason"]))
    assert reasons == {
        f"{path}:8": "invalid JSON on this line (Expecting property name enclosed in double quotes at column 2); fix or remove the line",
        f"{path}:2": "empty text",
        f"{path}:3": "text is only whitespace",
        f"{path}:4": "text contains a NUL byte at character 3 (binary data in the text column?)",
        f"{path}:5": "text is 5,000,000 characters, above the limit of 1,000,000; split the document or raise --max-chars",
        f"{path}:6": f"duplicate doc_id 'ok', first seen at {path}:1",
        f"{path}:7": "no outlet (empty outlet value); fill it in or pass --outlet-value",
    }
    assert c.n_read == 8  # every input line accounted for
    assert len(framing.read_corpus(path, max_chars=6_000_000).documents) == 2


def test_unknown_format_and_missing_file(tmp_path):
    (tmp_path / "c.xml").write_text("<a/>")
    with pytest.raises(CorpusError, match=r"unknown corpus format '\.xml'"):
        framing.read_corpus(tmp_path / "c.xml")
    with pytest.raises(CorpusError, match="no such file or folder"):
        framing.read_corpus(tmp_path / "nope.csv")


def test_basil_and_newswcl_every_article_accounted_for(basil, newswcl):
    for df, n, outlets in [(basil, 300, 3), (newswcl, 50, 5)]:
        c = framing.read_corpus(df)
        assert len(c.documents) + len(c.skipped) == n == len(c.documents)
        assert c.documents["outlet"].nunique() == outlets


def test_json_values_bom_and_duplicate_columns(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\ufeff" + "".join(json.dumps(r) + "\n" for r in [
        {"id": 1, "text": "First text.", "outlet": "A"},
        {"text": 12345, "outlet": "A"},
        {"id": 3, "text": {"nested": 1}, "outlet": "A"},
    ]), encoding="utf-8")
    c = framing.read_corpus(path)
    assert c.documents["doc_id"].tolist()[0] == "1"  # ids stay as written, not 1.0
    assert c.documents["text"].tolist() == ["First text.", "12345"]
    assert c.skipped["reason"].tolist() == ["text is a dict, not a string; put the article text in the text column"]
    with pytest.raises(CorpusError, match="column 'text' appears twice"):
        framing.read_corpus(pd.DataFrame([["a", "b", "c"]], columns=["text", "outlet", "text"]))
    with pytest.raises(CorpusError, match="unknown encoding 'nosuchenc'"):
        framing.read_corpus(path, encoding="nosuchenc")


def test_json_lines_records_with_uneven_keys_read_as_the_same_records_in_a_table(tmp_path):
    """JSON Lines blocks reach the standardiser as lists of values (no DataFrame per block): records
    lacking keys, keys first seen late, numbers and nulls give the documents of the same records
    read as a DataFrame (column order, metadata columns, dates and NaN-or-None included)."""
    records = [
        {"doc_id": 7, "outlet": "A", "text": "One text.", "date": "2018-05-03"},
        {"doc_id": "b", "text": "Two text.", "outlet": "B", "section": "world"},
        {"doc_id": "c", "outlet": "A", "text": "Three text.", "date": None, "title": "T", "score": 3},
        {"doc_id": "d", "outlet": None, "text": "Four text."},
        {"doc_id": "e", "outlet": "C", "text": "Five text.", "section": None, "text_col": "x"},
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    from framing.corpus import iter_corpus

    want = framing.read_corpus(pd.DataFrame(records, dtype=object))
    assert want.documents["doc_id"].tolist() == ["7", "b", "c", "e"]
    assert list(want.documents.columns)[-3:] == ["section", "score", "text_col"]
    for chunk_rows in (1, 2, 500):  # (a block's metadata columns are the keys of its records)
        chunks = list(iter_corpus(path, chunk_rows=chunk_rows))
        blocks = [records[i:i + chunk_rows] for i in range(0, len(records), chunk_rows)]
        assert len(chunks) == len(blocks)
        for (docs, skipped), block in zip(chunks, blocks):
            docs_df, skipped_df = next(iter_corpus(pd.DataFrame(block, dtype=object)))
            pd.testing.assert_frame_equal(docs, docs_df)
            assert skipped["reason"].tolist() == skipped_df["reason"].tolist()
    got = framing.read_corpus(path)
    pd.testing.assert_frame_equal(got.documents, want.documents)
    assert got.skipped["reason"].tolist() == ["no outlet (empty outlet value); fill it in or pass --outlet-value"]


JSONL_CASES = (
    b'{"doc_id": 12345678901234567890123, "outlet": "a", "text": "huge integer id"}\r\n'
    b'\n'
    b'   \n'
    b'{"doc_id": "n", "outlet": "a", "text": "a NaN score", "score": NaN}\n'
    b'[1, 2]\n'
    b'{"doc_id": "d", "outlet": "a", "text": "first", "text": "duplicate key, the last wins"}\n'
    b'{"doc_id": "m", "outlet": "a", "text": "nested", "meta": {"k": [1.5, 2]}}\n'
    b'{"doc_id": "s", "outlet": "a", "text": "lone surrogate \\ud800 escaped"}\n'
    b'{"doc_id": "x", "outlet": "a", "text": 3.25}\n'
    b'{"doc_id": "bad json", \n'
    b'{"doc_id": "ok", "outlet": "b", "text": "caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d"}\n'
)


@pytest.mark.parametrize("with_orjson", [True, False])
def test_json_lines_parsed_as_json_parses_them(tmp_path, monkeypatch, with_orjson):
    """orjson reads JSON Lines; the lines it refuses or reads differently (integers beyond 64 bits,
    NaN, lone surrogates, floats, containers) go to json, so tables and messages are json's. A
    text with an unpaired surrogate escape is skipped with its line (it cannot be matched or
    written as UTF-8)."""
    import framing.corpus as fc

    path = tmp_path / "c.jsonl"
    path.write_bytes(JSONL_CASES)
    if not with_orjson:
        monkeypatch.setattr(fc, "_orjson", None)
    c = framing.read_corpus(path)
    docs = c.documents.set_index("doc_id")
    assert "12345678901234567890123" in docs.index  # exact, not a float's digits
    assert docs.loc["d", "text"] == "duplicate key, the last wins"
    assert docs.loc["x", "text"] == "3.25"
    assert "s" not in docs.index  # a lone surrogate: no tool downstream can take it
    assert docs.loc["ok", "text"] == "caf\u00e9 \u201cquoted\u201d"
    reasons = dict(zip(c.skipped["source"].str.rsplit(":", n=1).str[1].astype(int), c.skipped["reason"]))
    assert sorted(reasons) == [5, 8, 10]
    assert "not an object" in reasons[5] and "invalid JSON" in reasons[10] and "surrogate" in reasons[8]
    assert len(docs) + len(c.skipped) == 9  # every non-blank line accounted for


def test_json_lines_bad_byte_named_with_orjson(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [json.dumps({"doc_id": str(i), "outlet": "a", "text": "t"}).encode() for i in range(4)]
    lines[2] = lines[2].replace(b'"t"', b'"t\xff"')
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(CorpusError) as err:
        framing.read_corpus(path)
    at = b"\n".join(lines).index(b"\xff")
    assert f"at byte {at} (line 3, byte 0xff)" in str(err.value)


def test_json_line_nested_too_deeply_is_skipped_with_its_line(tmp_path):
    path = tmp_path / "c.jsonl"
    good = json.dumps({"doc_id": "a", "outlet": "o", "text": "fine"})
    path.write_text(good + "\n" + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    c = framing.read_corpus(path)
    assert c.documents["doc_id"].tolist() == ["a"]
    assert c.skipped["source"].tolist() == [f"{path}:2"] and "nested too deeply" in c.skipped["reason"][0]


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 7, 1000])
@pytest.mark.parametrize("content", [b"", b"a", b"a\n", b"\n\n\n", b"\xef\xbb\xbf{}\n{}", b"x\r\ny\r\n\r\nz",
                                     b"".join(b"%d\n" % i for i in range(50)), b"one\rtwo\nthree"])
def test_jsonl_blocks_cut_at_newlines_whatever_the_read_size(tmp_path, monkeypatch, content, chunk_rows):
    import framing.corpus as fc

    path = tmp_path / "f.jsonl"
    path.write_bytes(content)
    for read_bytes in (1, 5, 1 << 22):
        monkeypatch.setattr(fc, "_READ_BYTES", read_bytes)
        got = [(b.first_line, b.first_byte, b.data) for b in fc._jsonl_blocks(path, "utf-8", chunk_rows)]
        # lines end at b"\n" only (a lone b"\r" is inside a line, as JSON Lines readers cut them)
        body = content[3:] if content.startswith(b"\xef\xbb\xbf") else content
        lines = [ln + b"\n" for ln in body.split(b"\n")[:-1]] + ([body.split(b"\n")[-1]] if body.split(b"\n")[-1] else [])
        want, line, pos = [], 1, len(content) - len(body)
        for k in range(0, len(lines), chunk_rows):
            data = b"".join(lines[k:k + chunk_rows])
            want.append((line, pos, data))
            line, pos = line + chunk_rows, pos + len(data)
        assert got == want


def test_json_lines_nul_found_in_blocks_after_the_first_thousand_records(tmp_path):
    """A NUL (written \\u0000 in JSON) is found in the blocks parsed after the first 1,000 records
    as in those parsed first (framing.corpus._parsed_head), and an escaped backslash before "u0000"
    is text, not a NUL."""
    rows = [{"doc_id": f"d{i}", "outlet": "A", "text": f"plain text {i}"} for i in range(1200)]
    rows[1103]["text"] = "a literal \\u0000 in the text"  # (backslash, u, 0000: no NUL)
    rows.insert(1150, {"doc_id": "nul", "outlet": "A", "text": "abc\x00def"})  # (after the first 1,000: see _parsed_head)
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert b"\\u0000" in path.read_bytes()
    for chunk_rows in (1, 7, 1000):
        got = list(framing.corpus.iter_corpus(path, chunk_rows=chunk_rows))
        docs = pd.concat([d for d, _ in got], ignore_index=True)
        skipped = pd.concat([s for _, s in got], ignore_index=True)
        assert docs["doc_id"].tolist() == [f"d{i}" for i in range(1200)]
        assert docs["text"][1103] == "a literal \\u0000 in the text"
        assert skipped["reason"].tolist() == ["text contains a NUL byte at character 3 (binary data in the text column?)"]


def test_a_date_nanoseconds_cannot_hold_is_read_as_missing():
    """A date before 1677 or after 2262 (a typo such as "2500-01-01") stopped the whole read with
    pandas' OutOfBoundsDatetime; it is now unreadable like any other (NaT), and its document is
    scored."""
    df = pd.DataFrame({"text": ["The militia moved.", "The army moved.", "Rebels moved."], "outlet": ["x", "y", "z"],
                       "date": ["2500-01-01", "2018-05-03", "1500-02-02 10:00"]})
    for jobs in (1, 2):
        r = framing.score(df, "libya", jobs=jobs)
        assert len(r.documents) == 3 and len(r.skipped) == 0
        assert str(r.documents["date"].dtype) == "datetime64[ns]"
        assert r.documents["date"].isna().tolist() == [True, False, True]
        assert r.documents["date"].iloc[1] == pd.Timestamp("2018-05-03")


# ------------------------------------------------------------- helper-48: nothing read silently wrong
def test_chunks_of_a_folder_or_json_array_read_the_same_columns(tmp_path):
    """A chunk of top-level files only (no outlet) or of JSON objects without an outlet key failed
    the whole read with "no outlet column", depending on where the chunks fell."""
    (tmp_path / "f" / "bbc").mkdir(parents=True)
    for i in range(5):
        (tmp_path / "f" / "bbc" / f"{i}.txt").write_text(f"Tripoli {i}", encoding="utf-8")
    (tmp_path / "f" / "notes.txt").write_text("About the corpus", encoding="utf-8")
    recs = [{"outlet": "A", "text": f"t {i}"} for i in range(5)] + [{"text": "u"}] + [
        {"outlet": "B", "text": "v", "date": "2018-01-02", "title": "late"}]
    (tmp_path / "a.json").write_text(json.dumps(recs), encoding="utf-8")
    for source, docs, skips in ((tmp_path / "f", 5, 1), (tmp_path / "a.json", 6, 1)):
        tables = [framing.read_corpus(source)] + [framing.score(source, "libya", chunk_rows=k, jobs=j)
                                                  for k in (1, 2, 500) for j in (1, 2)]
        for t in tables:
            assert (len(t.documents), len(t.skipped)) == (docs, skips)
            assert "no outlet" in t.skipped["reason"].iloc[0]
        if source.suffix == ".json":  # (a column only the last object has is read)
            assert tables[1].documents["title"].iloc[-1] == "late"
            assert str(tables[1].documents["date"].iloc[-1].date()) == "2018-01-02"


def _folder(tmp_path, meta: str, encoding="utf-8"):
    (tmp_path / "bbc").mkdir(parents=True, exist_ok=True)
    (tmp_path / "bbc" / "1.txt").write_text("Tripoli article body", encoding="utf-8")
    (tmp_path / "bbc" / "2.txt").write_text("Derna", encoding="utf-8")
    (tmp_path / "metadata.csv").write_bytes(meta.encode(encoding))
    return tmp_path


def test_metadata_cannot_replace_a_text_or_hide_a_repeat(tmp_path):
    c = framing.read_corpus(_folder(tmp_path, "file,title,outlet\nbbc/1.txt,T1,  \n"))
    assert c.documents.set_index("doc_id").loc["bbc/1", "outlet"] == "bbc"  # (spaces are no outlet)
    for header in ("file,title,text", "file,text,meta_text"):  # (the text replaced the file's: helper-48, -49)
        _folder(tmp_path, f"{header}\nbbc/1.txt,a,b\n")
        with pytest.raises(CorpusError, match=r"metadata\.csv: the metadata file has a 'text' column"):
            framing.read_corpus(tmp_path)
    _folder(tmp_path, "file,title\nbbc/2.txt,a\nbbc/1.txt,x\nbbc/2,b\n")
    with pytest.raises(CorpusError, match=r"metadata\.csv row 3: bbc/2 is listed again \(first at row 1\)"):
        framing.read_corpus(tmp_path)


@pytest.mark.parametrize("meta, encoding, message", [
    ("", "utf-8", r"metadata\.csv: the metadata file is empty"),
    ("file,title\nbbc/1.txt,a,b\nbbc/2.txt,c\n", "utf-8",
     r"metadata\.csv: row 1 has one field more than the header \(a row name\?\) but row 2 has not"),
    ("file,title,title\nbbc/1.txt,a,b\n", "utf-8", r"metadata\.csv: column 'title' appears twice"),
    ('file,title\nbbc/1.txt,"a\nbbc/2.txt,b\n', "utf-8", r"metadata\.csv: cannot parse as CSV: .*EOF inside string"),
    ("file,title\nbbc/1.txt,Caf\u00e9\n", "cp1252", r"metadata\.csv: not valid utf-8 at byte"),
])
def test_a_bad_metadata_file_is_named(tmp_path, meta, encoding, message):
    with pytest.raises(CorpusError, match=message):
        framing.read_corpus(_folder(tmp_path, meta, encoding))


def test_metadata_in_another_encoding_reads_with_encoding(tmp_path):
    c = framing.read_corpus(_folder(tmp_path, "file,title\nbbc/1.txt,Caf\u00e9\n", "cp1252"), encoding="cp1252")
    assert c.documents.set_index("doc_id").loc["bbc/1", "title"] == "Caf\u00e9"


def test_metadata_given_where_it_does_not_apply_is_refused(tmp_path):
    meta = _folder(tmp_path / "f", "file,title\nbbc/1.txt,a\n") / "metadata.csv"
    (tmp_path / "j" / "bbc").mkdir(parents=True)
    (tmp_path / "j" / "bbc" / "a.json").write_text('{"outlet": "x", "text": "y"}', encoding="utf-8")
    path = tmp_path / "c.csv"
    pd.DataFrame({"outlet": ["x"], "text": ["y"]}).to_csv(path, index=False)
    for source in (tmp_path / "j", path):
        for call in (lambda: framing.read_corpus(source, metadata=meta),
                     lambda: framing.score(source, "libya", metadata=meta, jobs=2)):
            with pytest.raises(CorpusError, match="a metadata file applies to a folder of .txt files"):
                call()


def test_linked_outlet_folders_are_read_and_broken_links_skipped(tmp_path):
    (tmp_path / "real" / "cnn").mkdir(parents=True)
    (tmp_path / "real" / "cnn" / "1.txt").write_text("Tripoli", encoding="utf-8")
    (tmp_path / "c" / "bbc").mkdir(parents=True)
    (tmp_path / "c" / "bbc" / "1.txt").write_text("Derna", encoding="utf-8")
    (tmp_path / "c" / "cnn").symlink_to(tmp_path / "real" / "cnn", target_is_directory=True)
    (tmp_path / "c" / "bbc" / "loop").symlink_to(tmp_path / "c", target_is_directory=True)  # (read once)
    (tmp_path / "c" / "bbc" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    c = framing.read_corpus(tmp_path / "c")
    assert sorted(c.documents["doc_id"]) == ["bbc/1", "cnn/1"]
    assert c.skipped["reason"].tolist() == ["a link to a file or folder that is not there; mend or remove the link"]


def test_list_and_binary_text_columns_are_skipped_not_written_out(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, column in (("list", pa.array([["Libya x", "p2"]])), ("binary", pa.array([b"Libya x"]))):
        pq.write_table(pa.table({"outlet": ["a"], "text": column}), tmp_path / f"{name}.parquet")
        c = framing.read_corpus(tmp_path / f"{name}.parquet")
        assert c.documents.empty and "not a string" in c.skipped["reason"].iloc[0]


def test_a_repeated_header_name_is_refused_in_a_file_as_in_a_frame(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("outlet,text,text\nbbc,a,b\n", encoding="utf-8")
    for jobs in (1, 2):
        with pytest.raises(CorpusError, match=r"dup\.csv: column 'text' appears twice in the header"):
            framing.score(path, "libya", jobs=jobs)
    ok = tmp_path / "ok.csv"
    ok.write_text("outlet,text,v.1\nbbc,a,b\n", encoding="utf-8")  # (a name that only looks renamed)
    assert framing.read_corpus(ok).documents["v.1"].tolist() == ["b"]


def test_renamed_extra_columns_do_not_clash(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"text": "x y", "outlet": "A", "n_tokens": 5, "meta_n_tokens": 9}) + "\n")
    d = framing.read_corpus(path).documents
    assert d.columns.is_unique and d["meta_n_tokens"][0] == 5 and d["meta_meta_n_tokens"][0] == 9
    # (a name for each column of its own, whatever other columns a block has: helper-49)
    recs = [{"text": f"a b {i}", "outlet": "x", "n_tokens": 1} for i in range(3)] + [
        {"text": "c", "outlet": "y", "n_tokens": 2, "meta_n_tokens": "M"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    for jobs in (1, 2):
        d = framing.score(path, "libya", chunk_rows=1, jobs=jobs).documents
        assert d["meta_n_tokens"].tolist() == [1, 1, 1, 2]
        assert d["meta_meta_n_tokens"].fillna("").tolist() == ["", "", "", "M"]


def test_an_empty_json_array_scores_to_tables_with_their_columns(tmp_path):
    path = tmp_path / "e.json"
    path.write_text("[]", encoding="utf-8")
    r = framing.score(path, "libya")
    assert list(r.documents.columns) == ["doc_id", "outlet", "date", "title", "text", "n_tokens", "n_sentences",
                                         "n_mentions"] and r.documents.empty


def test_inputs_of_no_documents_give_the_same_typed_tables(tmp_path):
    """An empty JSON array or JSON Lines file gave tables whose counts and offsets were of object
    dtype (and dates in seconds), where a CSV file with a header and no rows gave integers: every
    input of no documents now gives the tables of a CSV header, whose dtypes a chunk with rows has."""
    (tmp_path / "a.json").write_text("[]", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "c.csv").write_text("doc_id,outlet,text\n", encoding="utf-8")
    full = framing.score(framing.demo_corpus(), "libya")
    full_counts = framing.count(framing.demo_corpus(), "libya")
    for name in ("a.json", "b.jsonl", "c.csv"):
        r = framing.score(tmp_path / name, "libya")
        for table in ("documents", "mentions", "skipped", "descriptors"):
            got, want = getattr(r, table), getattr(full, table)
            assert got.empty and dict(got.dtypes) == dict(want.dtypes), (name, table)
        counts = framing.count(tmp_path / name, "libya")
        assert counts.empty and dict(counts.dtypes) == dict(full_counts.dtypes), name
        assert list(framing.score(tmp_path / name, "libya", text=False).documents.columns) == [
            "doc_id", "outlet", "date", "title", "n_tokens", "n_sentences", "n_mentions"]


# ------------------------------------------------------------- helper-49: what the fixes above broke
def test_a_flat_folder_takes_its_outlet_from_the_metadata_under_any_name(tmp_path):
    for i in range(2):
        (tmp_path / f"a{i}.txt").write_text(f"Libya {i}", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,source,date\na0.txt,bbc,2011-03-19\na1.txt,cnn,2011-03-20\n")
    d = framing.read_corpus(tmp_path).documents
    assert d["outlet"].tolist() == ["bbc", "cnn"] and d["date"].notna().all()


def test_each_json_file_of_a_folder_names_its_own_keys(tmp_path):
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "a.json").write_text(json.dumps([{"content": "Libya a", "source": "bbc"}]), encoding="utf-8")
    (tmp_path / "f" / "b.json").write_text(json.dumps([{"text": "Libya b", "outlet": "cnn", "date": "2011-03-20"}]),
                                           encoding="utf-8")
    for jobs in (1, 2):
        r = framing.score(tmp_path / "f", "libya", jobs=jobs)
        assert r.documents["outlet"].tolist() == ["bbc", "cnn"] and r.skipped.empty
        assert str(r.documents["date"].iloc[1].date()) == "2011-03-20"


def test_empty_header_names_are_not_repeats(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("text,outlet,,,v.1\nLibya strikes,bbc,a,b,c\n", encoding="utf-8")
    d = framing.read_corpus(path).documents
    assert d["v.1"].tolist() == ["c"] and d["Unnamed: 2"].tolist() == ["a"]


@pytest.mark.parametrize("data, line", [
    ("\ufefftext,outlet\nLibya strikes,bbc\n\ufefftext,outlet\nLibya strikes,bbc\nok,cnn\nbad,row,here\n", 6),
    ("text,outlet\ra,b\rc,d,e\r", 3),  # (lines ended by CR alone)
    ('text,outlet\r\n"a\r\nb",x\r\n\r\nc,d,e\r\n', 5),
])
def test_a_parse_error_names_the_line_of_the_file(tmp_path, data, line):
    """helper-49: a byte-order mark inside the file (two files joined) or lines ended by CR alone
    gave another line, or none."""
    path = tmp_path / "c.csv"
    path.write_bytes(data.encode("utf-8"))
    for jobs in (1, 2):
        with pytest.raises(CorpusError, match=rf"c\.csv: cannot parse as CSV: line {line} has 3 fields, the header 2"):
            framing.score(path, "libya", jobs=jobs)


def test_a_link_named_before_its_folder_does_not_rename_it(tmp_path):
    (tmp_path / "bbc").mkdir()
    (tmp_path / "bbc" / "a.txt").write_text("Libya", encoding="utf-8")
    (tmp_path / "aaa").symlink_to(tmp_path / "bbc", target_is_directory=True)
    (tmp_path / "metadata.csv").write_text("file,title\nbbc/a.txt,T\n", encoding="utf-8")
    c = framing.read_corpus(tmp_path)
    assert c.documents[["doc_id", "outlet", "title"]].values.tolist() == [["bbc/a", "bbc", "T"]] and c.skipped.empty


def test_utf16_json_lines_read_the_same_columns_with_one_process_or_two(tmp_path):
    recs = [{"text": f"Libya {i}", "outlet": "bbc", **({"date": "2011-03-20"} if i >= 300 else {})}
            for i in range(600)]
    path = tmp_path / "u.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-16")
    one = framing.score(path, "libya", encoding="utf-16").documents
    two = framing.score(path, "libya", encoding="utf-16", jobs=2).documents
    pd.testing.assert_frame_equal(one, two)
    assert one["date"].notna().sum() == 300 and "meta_date" not in one


def test_a_missing_folder_is_named_as_missing_even_with_metadata(tmp_path):
    with pytest.raises(CorpusError, match="no such file or folder"):
        framing.read_corpus(tmp_path / "corpsu", metadata=tmp_path / "m.csv")


# ------------------------------------------------------------ helper-50: what the fixes above broke
def test_a_later_file_or_chunk_without_a_role_key_skips_its_records(tmp_path):
    """Roles settled again for a file whose keys differ failed the whole read when that file had no
    outlet or text key; its records are skipped with their reasons, as before."""
    (tmp_path / "J").mkdir()
    (tmp_path / "J" / "a.json").write_text(json.dumps([{"text": "a libya", "outlet": "x"}]), encoding="utf-8")
    (tmp_path / "J" / "b.json").write_text(json.dumps([{"text": "b libya"}]), encoding="utf-8")
    (tmp_path / "J" / "c.json").write_text("{}", encoding="utf-8")
    c = framing.read_corpus(tmp_path / "J")
    assert len(c.documents) == 1 and c.skipped["reason"].str.contains("no outlet|empty text").tolist() == [True] * 2
    lines = tmp_path / "lines.json"  # (JSON Lines in a .json file: chunks of their own keys)
    lines.write_text("".join(json.dumps({"text": f"t{i}", **({"outlet": "x"} if i < 4 else {})}) + "\n"
                             for i in range(8)), encoding="utf-8")
    for k in (4, 8):
        c = framing.score(lines, "libya", chunk_rows=k)
        assert (len(c.documents), len(c.skipped)) == (4, 4), k


def test_json_arrays_of_many_keys_read_the_same_whatever_the_chunks(tmp_path):
    recs = [{"text": "T", "body": "B", "outlet": "x", f"k{i}": i} for i in range(600)] + [
        {"body": "B2", "outlet": "y", f"j{i}": i} for i in range(600)]
    path = tmp_path / "switch.json"
    path.write_text(json.dumps(recs), encoding="utf-8")
    tables = [framing.read_corpus(path)] + [framing.score(path, "libya", chunk_rows=k) for k in (600, 1200)]
    for t in tables:  # (the second half has no text: skipped, not read from `body`)
        assert (len(t.documents), len(t.skipped)) == (1, 1199) and t.documents["text"].tolist() == ["T"]


def test_a_metadata_text_column_in_any_case_is_refused(tmp_path):
    with pytest.raises(CorpusError, match=r"metadata\.csv: the metadata file has a 'Text' column"):
        framing.read_corpus(_folder(tmp_path, "file,Text\nbbc/1.txt,short summary\n"))


def test_a_row_name_missing_late_in_the_file_is_refused(tmp_path):
    path = tmp_path / "r.csv"
    rows = "".join(f'"{i}","Libya {i}","bbc","2021-05-05"\n' for i in range(1, 1101))
    path.write_text('"text","outlet","date"\n' + rows + '"late text libya","cnn","2021-05-05"\n', encoding="utf-8")
    for jobs in (1, 2):
        with pytest.raises(CorpusError, match=r"r\.csv: row 1 has one field more .* but row 1101 has not"):
            framing.score(path, "libya", jobs=jobs)


def test_links_nearest_the_top_name_a_linked_folder(tmp_path):
    (tmp_path / "out" / "X").mkdir(parents=True)
    (tmp_path / "out" / "Y").mkdir()
    (tmp_path / "out" / "Y" / "y.txt").write_text("Libya", encoding="utf-8")
    (tmp_path / "out" / "X" / "y").symlink_to(tmp_path / "out" / "Y", target_is_directory=True)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a").symlink_to(tmp_path / "out" / "X", target_is_directory=True)
    (tmp_path / "c" / "b").symlink_to(tmp_path / "out" / "Y", target_is_directory=True)
    (tmp_path / "c" / "gone").symlink_to(tmp_path / "nowhere", target_is_directory=True)
    c = framing.read_corpus(tmp_path / "c")
    assert c.documents[["doc_id", "outlet"]].values.tolist() == [["b/y", "b"]]
    assert c.skipped["reason"].tolist() == ["a link to a file or folder that is not there; mend or remove the link"]
