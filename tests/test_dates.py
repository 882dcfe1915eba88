"""Dates that cannot be read: the document is kept with no date, and the loss is reported.

Every reader (DataFrame, CSV, JSON Lines, Parquet, JSON array, folder of texts), every path
(one process, several, blocks parsed apart) and every entry point (read, score, count, the
command line, the manifest, the HTML report) reports the same documents: those kept whose date was
given but could not be read. Documents skipped, or dropped as repeats, are not counted; an empty
date is missing, not unreadable.
"""

import json
import subprocess
import sys
import warnings

import pandas as pd
import pytest

import framing
from framing.errors import FramingWarning, UnreadableDateWarning
from framing.score import iter_count, iter_score

BAD = ("yesterday", "31/02/2018", "2500-01-01", "1500-02-02 10:00", "n/a?")

# (id, text, date): ids repeat, texts go empty and dates go bad at chosen places, some of them on
# either side of a chunk boundary (chunks of 4 below)
ROWS = [
    ("d01", "Haftar's forces moved on Derna.", "2018-05-16"),
    ("d02", "The renegade general spoke.", "yesterday"),  # bad, kept: the first example
    ("d03", "", "31/02/2018"),  # bad, but skipped (empty text)
    ("d04", "Field Marshal Haftar spoke.", "   "),  # missing, not unreadable
    ("d05", "The militia advanced.", "2500-01-01"),  # bad, kept (out of range)
    ("d02", "A repeat of an earlier id.", "n/a?"),  # bad, but a repeat: skipped
    ("d07", "The Libyan National Army held the port.", ""),
    ("d08", "Rebels shelled the city.", "1500-02-02 10:00"),  # bad, kept
    ("d09", "Officials said the army moved.", "2018-05-17T09:30:00Z"),
    ("d05", "Another repeat, across chunks.", "yesterday"),  # bad, but a repeat
    ("d11", "The militia withdrew.", "n/a?"),  # bad, kept
    ("d12", "Haftar's army entered Derna.", "May 18, 2018"),
]


def _expected() -> list[int]:
    """Rows (numbered from 1) of the documents kept whose date was given and is unreadable,
    counted from the table above without framing."""
    seen, rows = set(), []
    for n, (doc_id, text, date) in enumerate(ROWS, 1):
        if not text.strip() or doc_id in seen:
            continue
        seen.add(doc_id)
        if date in BAD:
            rows.append(n)
    return rows


def _frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=["id", "text", "date"]).assign(outlet="Herald")


def _write(tmp_path, fmt):
    df = _frame()
    path = tmp_path / f"c.{fmt}"
    if fmt == "csv":
        df.to_csv(path, index=False)
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in df.to_dict("records")), encoding="utf-8")
    elif fmt == "json":
        path.write_text(json.dumps(df.to_dict("records")), encoding="utf-8")
    elif fmt == "parquet":
        df.to_parquet(path, row_group_size=3)
    return path


def _row(location: str) -> int:
    """The row or line number at the end of a location ("c.csv row 5", "c.jsonl:5", "c.json item 5")."""
    return int(location.replace(":", " ").split()[-1])


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = call()
    return out, [w.message for w in caught if isinstance(w.message, FramingWarning)]


def _check(found: list, expected: list[int]) -> None:
    assert len(found) == 1, [str(w) for w in found]  # one warning for the whole corpus
    w = found[0]
    assert isinstance(w, UnreadableDateWarning)
    assert w.count == len(expected) == 4
    assert [_row(loc) for loc, _ in w.examples] == expected[:3]
    assert [v for _, v in w.examples] == [ROWS[n - 1][2] for n in expected[:3]]
    assert f"{len(expected)} documents kept with no date" in str(w) and "and 1 more" in str(w)


@pytest.mark.parametrize("fmt", ["frame", "csv", "jsonl", "json", "parquet"])
def test_every_reader_reports_the_documents_kept_without_their_date(tmp_path, fmt):
    source = _frame() if fmt == "frame" else _write(tmp_path, fmt)
    expected = _expected()
    corpus, found = _caught(lambda: framing.read_corpus(source))
    _check(found, expected)
    assert corpus.unreadable_dates == 4
    assert len(corpus.documents) == len(ROWS) - 3 and len(corpus.skipped) == 3
    # the dates given and unreadable are NaT; the other dates are read
    by_id = corpus.documents.set_index("doc_id")["date"]
    assert by_id[["d02", "d05", "d08", "d11", "d04", "d07"]].isna().all()
    assert by_id[["d01", "d09", "d12"]].notna().all()
    chunks, found = _caught(lambda: list(framing.iter_corpus(source, chunk_rows=4)))
    _check(found, expected)


@pytest.mark.parametrize("fmt", ["frame", "csv", "jsonl", "parquet"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_score_and_count_report_them_once_whatever_the_processes(tmp_path, fmt, jobs):
    source = _frame() if fmt == "frame" else _write(tmp_path, fmt)
    expected = _expected()
    result, found = _caught(lambda: framing.score(source, "libya", jobs=jobs, chunk_rows=4))
    _check(found, expected)
    assert result.unreadable_dates == 4 and len(result.documents) == len(ROWS) - 3
    counts, found = _caught(lambda: framing.count(source, "libya", jobs=jobs, chunk_rows=4))
    _check(found, expected)
    assert len(counts) == len(ROWS) - 3
    chunks, found = _caught(lambda: list(iter_score(source, "libya", jobs=jobs, chunk_rows=4)))
    _check(found, expected)


def test_a_corpus_read_once_is_not_reported_again_when_scored():
    corpus, found = _caught(lambda: framing.read_corpus(_frame()))
    assert len(found) == 1
    result, found = _caught(lambda: framing.score(corpus, "libya"))
    assert found == [] and result.unreadable_dates == 4


def test_a_folder_of_texts_reports_the_file(tmp_path):
    for i, (doc_id, text, _) in enumerate(ROWS[:3]):
        (tmp_path / "Herald").mkdir(exist_ok=True)
        (tmp_path / "Herald" / f"{doc_id}-{i}.txt").write_text(text or "x", encoding="utf-8")
    pd.DataFrame({"file": [f"Herald/{d}-{i}.txt" for i, (d, _, _) in enumerate(ROWS[:3])],
                  "date": [d for _, _, d in ROWS[:3]]}).to_csv(tmp_path / "metadata.csv", index=False)
    corpus, found = _caught(lambda: framing.read_corpus(tmp_path))
    assert corpus.unreadable_dates == 2 and len(found) == 1
    assert [v for _, v in found[0].examples] == ["yesterday", "31/02/2018"]
    assert found[0].examples[0][0].endswith("d02-1.txt")


def test_no_warning_when_every_date_reads_or_none_is_given():
    good = _frame().assign(date=["2018-05-16"] * len(ROWS))
    for df in (good, good.drop(columns=["date"]), good.assign(date=[""] * len(ROWS))):
        corpus, found = _caught(lambda: framing.read_corpus(df))
        assert found == [] and corpus.unreadable_dates == 0


def test_command_line_prints_one_line_and_records_the_count(tmp_path):
    path = _write(tmp_path, "jsonl")
    for command, jobs in (("score", "1"), ("count", "2")):
        out = tmp_path / command
        r = subprocess.run([sys.executable, "-m", "framing.cli", command, str(path), "-l", "libya",
                            "--out", str(out), "--jobs", jobs], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        lines = [x for x in r.stderr.splitlines() if x.startswith("framing: warning:")]
        assert len(lines) == 1 and "4 documents kept with no date" in lines[0], r.stderr
        assert f"{path}:2 'yesterday'" in lines[0] and "Traceback" not in r.stderr
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["counts"]["unreadable_dates"] == 4
        assert manifest["counts"]["read"] == len(ROWS)


def test_the_report_says_how_many_dates_could_not_be_read(tmp_path):
    from framing.report import write

    result, _ = _caught(lambda: framing.score(_frame(), ["libya", "loaded_language"]))
    write(result, out=tmp_path / "report", figures=(), replicates=50)
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "4 of them with a date that could not be read" in page
    manifest = json.loads((tmp_path / "report" / "manifest.json").read_text())
    assert manifest["counts"]["unreadable_dates"] == 4


def test_a_filtered_corpus_counts_only_the_documents_left(tmp_path):
    """helper-46: the count was fixed when the corpus was read, so a study whose filters left
    none of the documents with an unreadable date still reported them all."""
    import dataclasses

    corpus, _ = _caught(lambda: framing.read_corpus(_frame()))
    assert corpus.unreadable_ids == {"d02", "d05", "d08", "d11"}
    dated = dataclasses.replace(corpus, documents=corpus.documents.dropna(subset=["date"]))
    assert dated.unreadable_dates == 0
    result, found = _caught(lambda: framing.score(dated, "libya"))
    assert result.unreadable_dates == 0 and found == []
    two = dataclasses.replace(corpus, documents=corpus.documents[corpus.documents["doc_id"].isin(["d01", "d05",
                                                                                                   "d11"])])
    assert two.unreadable_dates == 2 and framing.score(two, "libya").unreadable_dates == 2

    from framing.study import run_study

    _write(tmp_path, "csv")
    (tmp_path / "study.yaml").write_text(
        "corpus: {path: c.csv}\nlexicons: [libya]\nfilters: {date_from: 2018-01-01, undated: drop}\n"
        "statistics: {replicates: 20}\noutputs: {figures: [], html: true}\n", encoding="utf-8")
    report, found = _caught(lambda: run_study(tmp_path / "study.yaml"))
    assert len(found) == 1 and found[0].count == 4  # (reported when read)
    manifest = json.loads((report.out / "manifest.json").read_text())
    assert manifest["counts"]["unreadable_dates"] == 0 and manifest["counts"]["scored"] == 3
    assert "could not be read" not in (report.out / "index.html").read_text(encoding="utf-8")


def test_the_warning_points_at_the_callers_line(tmp_path):
    """helper-46: count() and report.write() pointed into framing."""
    from framing.report import write

    calls = {
        "read_corpus": lambda: framing.read_corpus(_frame()),
        "score": lambda: framing.score(_frame(), "libya"),
        "count": lambda: framing.count(_frame(), "libya"),
        "iter_count": lambda: list(iter_count(_frame(), "libya")),
        "write": lambda: write(_frame(), "libya", out=tmp_path / "r", figures=(), replicates=20, html=False),
    }
    for name, call in calls.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        found = [w for w in caught if issubclass(w.category, UnreadableDateWarning)]
        assert len(found) == 1 and found[0].filename == __file__, (name, found[0].filename if found else None)


def test_the_warning_survives_a_process_pool():
    """helper-46: raised as an error in a worker of a process pool, it could not be pickled back."""
    import copy
    import pickle

    w = UnreadableDateWarning(5, [("c.csv row 2", "yesterday")])
    for back in (pickle.loads(pickle.dumps(w)), copy.copy(w)):
        assert type(back) is UnreadableDateWarning and back.count == 5 and back.examples == w.examples
        assert str(back) == str(w)


def test_numpy_missing_values_are_missing_not_unreadable():
    """helper-46: NumPy's NaT and NaN in an object column were written 'NaT' and 'nan' and reported."""
    import numpy as np

    dates = pd.Series([np.datetime64("NaT"), pd.Timestamp("2018-01-01"), None, np.float32("nan"), "yesterday"],
                      dtype=object)
    df = pd.DataFrame({"text": [f"The army moved {i}." for i in range(5)], "outlet": "x", "date": dates})
    corpus, found = _caught(lambda: framing.read_corpus(df))
    assert corpus.unreadable_dates == 1 and found[0].examples == [("row 5", "yesterday")]


@pytest.mark.parametrize("filters, code", [("ignore", 0), ("error", 2)])
def test_the_command_line_obeys_warning_filters(tmp_path, filters, code):
    """helper-46: score and count printed the warning under -W ignore, and -W error gave report a
    traceback. Under -W error the tables and the manifest are written, then the exit code is 2."""
    path = _write(tmp_path, "csv")
    for command in ("score", "count", "report"):
        out = tmp_path / f"{command}-{filters}"
        r = subprocess.run([sys.executable, "-W", f"{filters}::UserWarning", "-m", "framing.cli", command, str(path),
                            "-l", "libya", "--out", str(out)], capture_output=True, text=True)
        assert r.returncode == code, (command, r.stderr)
        assert "Traceback" not in r.stderr and "framing: warning:" not in r.stderr, (command, r.stderr)
        assert ("framing: error: 4 documents kept with no date" in r.stderr) == (filters == "error"), r.stderr
        if command != "report" or filters == "ignore":
            manifest = json.loads((out / "manifest.json").read_text())
            assert manifest["counts"]["unreadable_dates"] == 4


def test_compare_records_the_count_from_a_corpus_or_a_score_folder(tmp_path):
    from framing.cli import main

    path = _write(tmp_path, "csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreadableDateWarning)
        assert main(["score", str(path), "-l", "libya", "--out", str(tmp_path / "scored")]) == 0
        for name, source in (("from-corpus", str(path)), ("from-folder", str(tmp_path / "scored"))):
            out = tmp_path / name
            args = ["compare", source, "--stat", "rates", "--replicates", "20", "--out", str(out)]
            assert main(args + (["-l", "libya"] if name == "from-corpus" else [])) == 0
            manifest = json.loads((out / "manifest.json").read_text())
            assert manifest["counts"]["unreadable_dates"] == 4, name


def test_dates_filled_in_after_reading_are_not_counted():
    """helper-47: the ids alone were counted, though the user had filled those dates in."""
    corpus, _ = _caught(lambda: framing.read_corpus(_frame()))
    corpus.documents.loc[corpus.documents["doc_id"].isin(["d02", "d05"]), "date"] = pd.Timestamp("2018-05-20")
    assert corpus.unreadable_dates == 2
    assert framing.score(corpus, "libya").unreadable_dates == 2
    assert framing.score(corpus.documents.drop(columns=["date"]), "libya").unreadable_dates == 0


def test_study_verify_under_an_error_filter_leaves_no_folder(tmp_path, monkeypatch):
    """helper-47: raised as an error in the re-run, the warning skipped the removal of the re-run's
    temporary folder, and the run could not be verified."""
    import tempfile

    from framing.study import run_study, verify

    _write(tmp_path, "csv")
    (tmp_path / "study.yaml").write_text("corpus: {path: c.csv}\nlexicons: [libya]\nstatistics: {replicates: 20}\n"
                                         "outputs: {figures: [], html: false}\n", encoding="utf-8")
    report, _ = _caught(lambda: run_study(tmp_path / "study.yaml"))
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnreadableDateWarning)
        result = verify(report.out)
    assert result.ok, result
    assert list(temp.iterdir()) == []


def test_the_warning_names_a_script_run_from_inside_the_package_folder(tmp_path):
    """helper-47: ``python -c`` run in framing's own folder has the file name "<string>", which read
    as a path inside the package, so the warning was put on ``sys:1``."""
    path = _write(tmp_path, "csv")
    package = __import__("os").path.dirname(framing.__file__)
    r = subprocess.run([sys.executable, "-W", "always", "-c", f"import framing; framing.read_corpus({str(path)!r})"],
                       cwd=package, capture_output=True, text=True)
    assert r.returncode == 0 and "<string>:1: UnreadableDateWarning" in r.stderr, r.stderr


def test_notes_added_to_the_warning_survive_a_copy():
    import copy
    import pickle

    w = UnreadableDateWarning(2, [("row 1", "x")])
    w.add_note("while reading batch 3") if hasattr(w, "add_note") else setattr(w, "__notes__", ["while reading batch 3"])
    for back in (copy.copy(w), pickle.loads(pickle.dumps(w))):
        assert back.__notes__ == ["while reading batch 3"] and back.count == 2
