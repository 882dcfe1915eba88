"""CSV and TSV files read in byte ranges by worker processes (framing/_csvranges.py): the ranges
read as the whole file does, and scoring with several processes gives the tables of one."""

import os
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import framing
from framing._csvranges import ByteRange, IrregularRange, RangeParser, byte_ranges, csv_plan, record_ends
from framing.corpus import ColumnMap, CorpusError, _raw_csv


def _whole(path, sep=",", encoding="utf-8"):
    """The file read in order, as one process reads it."""
    chunks = [raw for raw, _ in _raw_csv(path, sep, encoding, 1000)]
    return pd.concat(chunks, ignore_index=True) if chunks else None


def _in_ranges(path, header, sep=",", encoding="utf-8", every=1, block=1 << 20):
    """The file's rows as several processes read them: range by range, and after a range that
    cannot be read on its own, the rest in order (as framing.score._numbered does)."""
    parser = RangeParser(path, sep, encoding, header, ColumnMap(), 1000, None)
    parts, before, ranges = [], 0, byte_ranges(path, sep.encode(), every, block)
    try:
        for r in ranges:
            parts.append(parser.read(r))
            before += len(parts[-1])
    except IrregularRange:
        ranges.close()
        parts += [raw for raw, _ in parser.rows_on(before, 1000)]
        return True, parts
    return False, parts


_PIECES = ["a", "b", "é", " ", '"', '""', ",", "\n", "\r\n", "\r", "\t", "x,y", '"q,\nr"']


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(st.sampled_from(_PIECES), max_size=40), every=st.integers(1, 3), block=st.integers(1, 12),
       sep=st.sampled_from([",", "\t"]), lead=st.sampled_from(["", "\n", "  \n", "\ufeff"]))
def test_ranges_read_as_the_whole_file(tmp_path, body, every, block, sep, lead):
    """Random text of quotes, doubled quotes, separators, line breaks of every kind, spaces and
    tabs: wherever the file reads in order, its ranges (found a few bytes at a time) are whole
    records and read to the same rows (with the rest of the file read in order after a range that
    cannot be read on its own); where it fails in order, the ranges fail too."""
    path = tmp_path / "c.csv"
    path.write_bytes((lead + f"id{sep}text\n" + "".join(body)).encode())
    try:
        whole = _whole(path, sep)
    except CorpusError:
        whole = None
        failed = True
    else:
        failed = False
    try:
        ranges = list(byte_ranges(path, sep.encode(), every, block))
    except IrregularRange:
        pass  # (a record the ranges leave to the reading in order)
    else:
        assert ranges[0].start == 0 and ranges[-1].stop == path.stat().st_size
        assert all(a.stop == b.start for a, b in zip(ranges, ranges[1:]))
    if _implicit_index(path, sep):
        return  # (csv_plan leaves such a file to the main process)
    try:
        _, parts = _in_ranges(path, ["id", "text"], sep, every=every, block=block)
    except CorpusError:  # (raised by the reading in order that follows a range that failed)
        assert failed, "the ranges failed where the whole file reads"
        return
    assert not failed, "every range read where the whole file fails"
    got = pd.concat(parts, ignore_index=True)
    if whole is None:
        assert len(got) == 0
    else:
        pd.testing.assert_frame_equal(got, whole)


def _implicit_index(path, sep):
    """The file's first rows read with a row index (csv_plan leaves such a file to the main process)."""
    try:
        head = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, nrows=2, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        return False
    return not isinstance(head.index, pd.RangeIndex)


def test_record_ends_follow_pandas_quoting():
    """Offsets after each record, by hand: a quote opens a quoted field only as its first character;
    doubled quotes stay inside; text after a closing quote stays in the field; CRLF is one end."""
    data = b'h,t\n1,"a,\nb"\n2,x"y\n3,"c""\n"d\r\n4,e\r5,f\n'
    assert record_ends(data, b",", 1, True) == [4, 13, 19, 30, 38]  # (not after the lone "\r" at 34)
    assert record_ends(data, b",", 2, True) == [13, 30, 38]
    # not at the end of what was read, where the next bytes may continue the record
    assert record_ends(b'h\n1,2\r', b",", 1, False) == [2]
    assert record_ends(b'h\n"1""', b",", 1, False) == [2]
    assert record_ends(b'h\n"1\n', b",", 1, True) == [2]  # (the open quote runs to the end)
    # not before the header and the first row (blank lines are skipped by pandas), nor before a
    # byte-order mark
    assert record_ends(b"\n \t\nh\n\r\n1\n2\n", b",", 1, True, header=True) == [10, 12]
    assert record_ends(b"h\n1\n\xef\xbb\xbf2\n3\n", b",", 1, True) == [2, 9, 11]


def _trouble_csv(tmp_path, name="c.csv", sep=",", newline="\n", encoding="utf-8", bom=False):
    """The demo's documents with quoted newlines and quotes in the texts, rows to skip (an empty
    text, a repeated id in the same range and in a later one), and blank lines."""
    demo = framing.read_corpus(framing.demo_corpus()).documents
    rows = [{"id": f"d{i}", "outlet": r.outlet, "title": r.title, "text": r.text.replace(". ", '.\n"So," he said, ')}
            for i, r in enumerate(demo.itertuples())]
    rows[3]["text"] = ""
    rows.insert(6, dict(rows[5]))
    rows.insert(12, dict(rows[1], text="Another text under the id of the second row."))
    df = pd.DataFrame(rows)
    text = df.to_csv(index=False, sep=sep, lineterminator=newline)
    lines = text.split(newline)
    text = newline.join(lines[:9] + [""] + lines[9:])  # (a blank line among the rows)
    data = text.encode(encoding, errors="replace")  # (latin-1 lacks the demo's curly quotes)
    path = tmp_path / name
    path.write_bytes(("\ufeff".encode() if bom else b"") + data)
    return path


def _spy_on_plans(monkeypatch) -> list:
    """For each run that follows: whether it read the file in byte ranges, and their number."""
    import framing._rows as rows_module

    plans, plan = [], rows_module.csv_plan

    def spy(*args, **kwargs):
        got = plan(*args, **kwargs)
        if got is None:
            plans.append(None)
            return None
        ranges = list(got[0])
        plans.append(len(ranges))
        return iter(ranges), got[1]

    monkeypatch.setattr(rows_module, "csv_plan", spy)
    return plans


@pytest.mark.parametrize("variant", [
    dict(), dict(newline="\r\n"), dict(newline="\r"), dict(bom=True), dict(sep="\t", name="c.tsv"),
    dict(encoding="cp1252"), dict(encoding="latin-1"),
])
def test_several_processes_read_csv_ranges_to_the_tables_of_one(tmp_path, monkeypatch, variant):
    """Scoring a CSV or TSV file with two and three processes reads it in byte ranges (under fork
    the spy sees them read) and gives the tables of one process: rows, skipped rows and their row
    numbers and messages, with CRLF, CR, a byte-order mark, tabs and single-byte encodings."""
    path = _trouble_csv(tmp_path, **variant)
    encoding = variant.get("encoding", "utf-8")
    base = framing.score(path, "libya", encoding=encoding)
    reasons = base.skipped["reason"].tolist()
    assert len(reasons) == 3 and sum(r.startswith("duplicate doc_id") for r in reasons) == 2, reasons
    assert base.skipped["source"].tolist() == [f"{path} row {n}" for n in (4, 7, 13)]
    plans = _spy_on_plans(monkeypatch)
    for chunk_rows, jobs in ((2, 2), (5, 3), (1000, 2)):
        other = framing.score(path, "libya", encoding=encoding, chunk_rows=chunk_rows, jobs=jobs)
        for name in ("mentions", "documents", "skipped", "descriptors"):
            pd.testing.assert_frame_equal(getattr(base, name), getattr(other, name), obj=f"{name} {chunk_rows}")
    rows = len(base.documents) + len(base.skipped)
    if variant.get("newline") == "\r":  # (never cut after a lone "\r": one range, read by a worker)
        assert plans == [1, 1, 1]
    else:
        assert plans[0] >= rows // 2 - 1 and plans[1] >= rows // 5 - 1 and plans[2] == 1, plans


def test_the_ranges_cover_the_file_and_travel_as_offsets(tmp_path):
    path = _trouble_csv(tmp_path)
    ranges, parse = csv_plan(path, "csv", "utf-8", 4, ColumnMap(), 1000)
    ranges = list(ranges)
    assert ranges[0].start == 0 and ranges[-1].stop == path.stat().st_size
    assert all(a.stop == b.start for a, b in zip(ranges, ranges[1:]))
    data = path.read_bytes()
    assert all(data[r.stop - 1:r.stop] == b"\n" for r in ranges)
    rows = sum(len(parse.read(r)) for r in ranges)
    assert rows == len(pd.read_csv(path, dtype=str, keep_default_na=False))


def _open_in_this_process(path) -> int:
    """How many of this process's file descriptors are open on ``path`` (Linux; 0 elsewhere)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return 0
    target = str(Path(path).resolve())
    count = 0
    for fd in fds.iterdir():
        try:
            count += os.readlink(fd) == target
        except OSError:  # (the listing's own descriptor, closed by now)
            pass
    return count


@pytest.mark.parametrize("trouble, message", [
    (lambda t: t.replace("d25,", "d25,extra,", 1), r"line \d+ has 5 fields, the header 4"),
    (lambda t: t + 'd99,x,t,"never closed\n', "EOF inside string"),
])
def test_a_range_that_fails_raises_the_error_of_one_process(tmp_path, trouble, message):
    """A row with a field too many, or a quote never closed, late in the file: two processes raise
    one process's error, with the same line number."""
    path = _trouble_csv(tmp_path)
    path.write_text(trouble(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CorpusError, match=message) as one:
        framing.score(path, "libya")
    with pytest.raises(CorpusError, match=message) as two:
        framing.score(path, "libya", jobs=2, chunk_rows=3)
    assert str(one.value) == str(two.value)
    assert _open_in_this_process(path) == 0  # (not even while the errors are held)
    if "fields" in message:  # (the file's line, counted here, not pandas' count of records: helper-48)
        line = next(n for n, x in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if "d25,extra," in x)
        assert f": line {line} has 5 fields" in str(one.value)


def test_bytes_that_do_not_decode_late_in_the_file_raise_the_error_of_one_process(tmp_path):
    path = _trouble_csv(tmp_path)
    data = path.read_bytes()
    at = data.index(b"d25,")
    path.write_bytes(data[:at] + b"d25,\xff" + data[at + 4:])
    with pytest.raises(CorpusError, match="not valid utf-8 at byte") as one:
        framing.score(path, "libya")
    with pytest.raises(CorpusError, match="not valid utf-8 at byte") as two:
        framing.score(path, "libya", jobs=2, chunk_rows=3)
    assert str(one.value) == str(two.value) and f"byte {at + 4} " in str(one.value)


@pytest.mark.parametrize("content", [b"", b"id,outlet,text\n", b"id,outlet,text", b"\n\n"])
def test_files_without_rows_give_the_tables_of_one_process(tmp_path, content):
    path = tmp_path / "c.csv"
    path.write_bytes(content)
    try:
        base = framing.score(path, "libya")
    except CorpusError as err:
        with pytest.raises(CorpusError, match=str(err).split(":")[-1].strip()[:30]):
            framing.score(path, "libya", jobs=2)
        return
    other = framing.score(path, "libya", jobs=2)
    for name in ("mentions", "documents", "skipped"):
        assert getattr(base, name).columns.tolist() == getattr(other, name).columns.tolist()
        assert len(getattr(base, name)) == len(getattr(other, name)) == 0


def test_files_ranges_cannot_read_are_read_by_the_main_process(tmp_path):
    """UTF-16 (a line break is two bytes) and a file of row names (every row a field more than its
    header, as R's write.table writes: pandas takes the first column as the row index) are read in
    order: the tables still agree. Where a later row has no row name, its columns would each move one
    place (helper-48): refused, with one process or two."""
    path = _trouble_csv(tmp_path, name="u16.csv", encoding="utf-16")
    assert csv_plan(path, "csv", "utf-16", 4, ColumnMap(), 1000) is None
    base = framing.score(path, "libya", encoding="utf-16")
    other = framing.score(path, "libya", encoding="utf-16", jobs=2, chunk_rows=4)
    pd.testing.assert_frame_equal(base.documents, other.documents)
    indexed = tmp_path / "indexed.csv"
    indexed.write_text("outlet,text\nk1,A,Haftar's militia.\nk2,B,Field Marshal Haftar.\n", encoding="utf-8")
    assert csv_plan(indexed, "csv", "utf-8", 1, ColumnMap(), 1000) is None
    one = framing.score(indexed, "libya").documents
    pd.testing.assert_frame_equal(one, framing.score(indexed, "libya", jobs=2, chunk_rows=1).documents)
    assert one["outlet"].tolist() == ["A", "B"] and one["text"].tolist() == ["Haftar's militia.", "Field Marshal Haftar."]
    indexed.write_text("outlet,text\nk1,A,Haftar's militia.\nB,Field Marshal Haftar.\n", encoding="utf-8")
    for jobs in (1, 2):
        with pytest.raises(CorpusError, match=r"indexed\.csv: row 1 has one field more than the header \(a row "
                                              r"name\?\) but row 2 has not"):
            framing.score(indexed, "libya", jobs=jobs, chunk_rows=1)


def test_a_range_is_whole_records(tmp_path):
    """(A range read on its own: the second range of a file cut after every record.)"""
    path = tmp_path / "c.csv"
    path.write_bytes(b'id,text\n1,"a\nb"\n2,c\n')
    parser = RangeParser(path, ",", "utf-8", ["id", "text"], ColumnMap(), 1000, None)
    assert parser.read(ByteRange(16, 20)).values.tolist() == [["2", "c"]]
    assert parser.read(ByteRange(0, 16)).values.tolist() == [["1", "a\nb"]]
    with pytest.raises(IrregularRange, match="bytes 14-20"):
        parser.read(ByteRange(14, 20))  # (not a record's start: a closing quote read as an opening one)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))


def _same_tables(path, chunk_rows_list=(1, 2, 7, 500), **options):
    base = framing.score(path, "libya", **options)
    for chunk_rows in chunk_rows_list:
        other = framing.score(path, "libya", chunk_rows=chunk_rows, jobs=2, **options)
        for name in ("mentions", "documents", "skipped", "descriptors"):
            pd.testing.assert_frame_equal(getattr(base, name), getattr(other, name), obj=f"{name} {chunk_rows}")
    return base


def test_a_quoted_first_header_field_after_a_byte_order_mark(tmp_path):
    """(The first field starts after the mark: its quotes were read as ordinary characters, so a
    range was cut inside it; helper-42.)"""
    path = tmp_path / "b.csv"
    path.write_bytes(b'\xef\xbb\xbf"a\nb\nc",text\n1,Haftar spoke\n2,the militia\n3,Field Marshal Haftar\n')
    assert record_ends(path.read_bytes(), b",", 1, True, header=True) == [31, 45, 68]
    assert len(_same_tables(path, outlet="o").documents) == 3


def _rows_past_pandas_buffer(n_chars):
    """Header and short rows up to ``n_chars`` characters (pandas reads 262,144 at a time)."""
    s, i = "text,id\n", 0
    while len(s) + 45 < n_chars - 40:
        s += f"Haftar spoke to the militia in Derna today,{i}\n"
        i += 1
    return s


def test_pandas_readings_that_depend_on_its_buffers_are_read_in_order(tmp_path, monkeypatch):
    """Where pandas' 262,144-character buffers end changes two of its readings: spaces that start a
    line and end a buffer are dropped when the next starts with a quote, and a U+FEFF that starts a
    buffer inside the first record is dropped. The ranges' buffers end elsewhere than the whole
    file's, so such ranges (and the rest of the file) are read in order: the tables of one process,
    row numbers included (before, one extra row or a text one character short; helper-42)."""
    import framing._csvranges as cr

    read_on = cr.RangeParser.read_on
    continued = []
    monkeypatch.setattr(cr.RangeParser, "read_on", lambda self, *a: continued.append(a) or read_on(self, *a))
    s = _rows_past_pandas_buffer(262_144)
    s += "x" * (262_144 - 2 - len(s) - 5) + ",pad\n" + '  "Haftar, said\nhello",5\n' + "the militia in Derna,7\n"
    (tmp_path / "w.csv").write_text(s, encoding="utf-8")
    base = _same_tables(tmp_path / "w.csv", (7, 500), outlet="o")
    assert len(base.documents) + len(base.skipped) == s.count("\n") - 2  # (the header; the quoted line break)
    assert len(continued) == 2  # (both runs: the rest of the file read in order by the main process)

    pre = "2,BBC,Haftar said "
    (tmp_path / "m.csv").write_text("id,outlet,text\n1,BBC,Haftar spoke\n" + pre + "x" * (262_144 - len(pre))
                                    + "\ufeffthe militia in Derna\n3,BBC,Field Marshal Haftar\n", encoding="utf-8")
    base = _same_tables(tmp_path / "m.csv", (1,))
    assert "\ufeff" in base.documents["text"][1]  # (kept, as one process reads it)
    assert len(continued) == 3


def test_a_record_of_tens_of_megabytes_is_read_in_order(tmp_path, monkeypatch):
    """The main process would scan a record with no end in sight again with every block it reads,
    and hold it (a 200 MB quoted text took 72 s and 2.2 GB with two processes, 2.8 s with one;
    helper-42): past ``_LONGEST`` bytes without a place to cut, the rest of the file is read in order."""
    import framing._csvranges as cr

    monkeypatch.setattr(cr, "_BLOCK", 256)
    monkeypatch.setattr(cr, "_LONGEST", 4096)
    big = 'Haftar said ""no"" again. ' * 400  # (10 kB of one quoted text, doubled quotes throughout)
    rows = [f'{i},A,"the militia {i}"' for i in range(30)] + [f'30,A,"{big}"'] + [f"{i},B,Haftar {i}" for i in range(31, 60)]
    path = tmp_path / "long.csv"
    path.write_text("id,outlet,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(IrregularRange, match="no record ends in 4,096 bytes"):
        list(byte_ranges(path, b",", 2, 256, 4096))
    base = _same_tables(path, (2, 500))
    assert len(base.documents) == 60 and base.documents["text"][30] == big.replace('""', '"')


def test_the_dask_engine_finds_the_parquet_files_of_a_glob(tmp_path):
    """(A glob gave no nullable columns, so parts were written with two schemas; helper-42.)"""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from framing.corpus import nullable_columns
    from framing.distributed import corpus_files

    for k in range(2):
        pq.write_table(pa.table({"n": pa.array([1, None if k else 2], pa.int64())}), tmp_path / f"p{k}.parquet")
    files, _ = corpus_files(str(tmp_path / "*.parquet"))
    assert files == [tmp_path / "p0.parquet", tmp_path / "p1.parquet"]
    assert nullable_columns(*files) == {"n": "Int64"}


def test_indented_quotes_inside_texts_keep_the_ranges(tmp_path, monkeypatch):
    """A paragraph of a quoted text that starts with spaces and a quote is text to pandas whatever
    its buffers: such ranges are read by the workers (treating them as records sent 200 MB of news
    to the reading in order, and --jobs 2 fell from 1.76x to 1.12x); a record that starts so is not."""
    import framing._csvranges as cr

    read_on = cr.RangeParser.read_on
    continued = []
    monkeypatch.setattr(cr.RangeParser, "read_on", lambda self, *a: continued.append(a) or read_on(self, *a))
    rows = [f'{i},A,"Haftar spoke.\n   ""We will take Derna,"" he said.\n\t""Soon."""' for i in range(40)]
    path = tmp_path / "c.csv"
    path.write_text("id,outlet,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    found = []
    record_ends(path.read_bytes(), b",", 1, True, indented=found)
    assert found == [] and len(list(byte_ranges(path, b",", 3))) == 14
    assert len(_same_tables(path, (3, 500)).documents) == 40 and continued == []
    text = "id,outlet,text\n" + "\n".join(rows[:20] + ['  "x",A,"Haftar"'] + rows[20:]) + "\n"
    path.write_text(text, encoding="utf-8")
    record_ends(path.read_bytes(), b",", 1, True, indented=found)
    assert found == [len(text.encode()[:text.index('  "x"')])]
    with pytest.raises(IrregularRange, match="starts with spaces and then a quote"):
        list(byte_ranges(path, b",", 3))
    _same_tables(path, (3,))
    assert len(continued) == 1
