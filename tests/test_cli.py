"""The command line: outputs, summaries, and exit code 2 with a one-line reason on bad input."""

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from framing.cli import main


def test_score_writes_tables_and_summary(tmp_path, capsys):
    assert main(["score", "--demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    m = pd.read_csv(tmp_path / "mentions.csv")
    d = pd.read_csv(tmp_path / "documents.csv")
    s = pd.read_csv(tmp_path / "skipped.csv")
    assert "text" not in d.columns and {"doc_id", "outlet", "n_tokens", "n_sentences", "n_mentions"} <= set(d.columns)
    assert len(m) == d["n_mentions"].sum() and f"{len(m)} mentions" in out
    assert f"read {len(d) + len(s)} documents: {len(d)} scored, {len(s)} skipped" in out
    assert list(m.columns[:6]) == ["doc_id", "outlet", "sentence", "start", "end", "surface"]


def test_score_accepts_a_folder_with_outlet_subfolders(tmp_path, seed_text):
    corpus = tmp_path / "corpus" / "new_arab"
    corpus.mkdir(parents=True)
    (corpus / "seed.txt").write_text(seed_text, encoding="utf-8")
    assert main(["score", str(tmp_path / "corpus"), "--lexicon", "libya", "--out", str(tmp_path / "o")]) == 0
    m = pd.read_csv(tmp_path / "o" / "mentions.csv")
    assert set(m["outlet"]) == {"new_arab"} and (m["category"] == "referent").any()
    assert all(seed_text[a:b] == s for a, b, s in zip(m["start"], m["end"], m["surface"]))


def test_compare_from_score_dir_equals_compare_from_corpus(tmp_path):
    assert main(["score", "--demo", "--out", str(tmp_path / "s")]) == 0
    assert main(["compare", str(tmp_path / "s"), "--out", str(tmp_path / "a")]) == 0
    assert main(["compare", "--demo", "--out", str(tmp_path / "b")]) == 0
    for name in ("outlet_category", "referent_labels", "referent_attention"):
        a = pd.read_csv(tmp_path / "a" / f"{name}.csv")
        b = pd.read_csv(tmp_path / "b" / f"{name}.csv")
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
        assert (tmp_path / "b" / f"{name}.md").read_text().startswith("|")


def test_count_writes_matrix(tmp_path):
    assert main(["count", "--demo", "--out", str(tmp_path)]) == 0
    c = pd.read_csv(tmp_path / "counts.csv")
    assert list(c.columns[:3]) == ["doc_id", "outlet", "n_tokens"] and "referent" in c.columns


def test_the_command_freezes_what_exists_before_it_and_thaws_it_after(tmp_path, monkeypatch):
    """Objects made before the command (modules) are out of the collector's reach while it runs,
    and back within it after, also when the command fails (main may run in a longer process)."""
    import gc

    from framing.cli import score as cli_score

    seen = []
    real = cli_score.cmd_count

    def spy(args):
        seen.append(gc.get_freeze_count())
        return real(args)

    monkeypatch.setattr(cli_score, "cmd_count", spy)
    assert main(["count", "--demo", "--out", str(tmp_path)]) == 0
    assert seen[0] > 10_000 and gc.get_freeze_count() == 0
    assert main(["count", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path)]) == 2
    assert len(seen) == 2 and gc.get_freeze_count() == 0
    gc.freeze()  # a caller that froze its own objects keeps them frozen
    try:
        frozen = gc.get_freeze_count()
        assert main(["count", "--demo", "--out", str(tmp_path)]) == 0
        assert gc.get_freeze_count() >= frozen > 0
    finally:
        gc.unfreeze()


def test_kwic_prints_context(capsys):
    assert main(["kwic", "--demo", "--lexicon", "libya", "--term", "renegade general", "--width", "20"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines and all("[" in line and "]" in line for line in lines)
    surfaces = [line.split("[", 1)[1].split("]")[0].lower() for line in lines]
    assert surfaces.count("renegade general") >= 2  # and the entry's variants ("renegade commander")


def test_lexicon_validate_exit_codes(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncategories: {a: {}}\nentries:\n  - {term: y, category: b}\n")
    assert main(["lexicon", "validate", "libya", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "libya: ok" in out and f"{bad}:4: entry 'y' has unknown category 'b'" in out


@pytest.mark.parametrize("args, reason", [
    (["score", "nope.csv", "--lexicon", "libya", "--out", "o"], "framing: error: nope.csv: no such file or folder"),
    (["score", "--demo", "--lexicon", "nolex.yaml", "--out", "o"], "framing: error: nolex.yaml: lexicon file not found"),
    (["score", "--out", "o"], "framing: error: no corpus given"),
])
def test_bad_input_exits_2_with_one_line(args, reason, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(reason) and err.count("\n") == 1


def test_console_script_help_everywhere():
    exe = shutil.which("framing")
    cmd = [exe] if exe else [sys.executable, "-m", "framing.cli"]
    for sub in ([], ["score"], ["count"], ["compare"], ["kwic"], ["lexicon"], ["lexicon", "validate"]):
        r = subprocess.run(cmd + sub + ["--help"], capture_output=True, text=True)
        assert r.returncode == 0 and "usage:" in r.stdout
    r = subprocess.run(cmd + ["score", "--demo"], capture_output=True, text=True)
    assert r.returncode == 2  # argparse: --out missing


def test_out_must_be_a_folder_and_old_tables_are_replaced(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    assert main(["score", "--demo", "--lexicon", "libya", "--out", str(tmp_path / "afile")]) == 2
    assert "exists and is not a folder" in capsys.readouterr().err
    out = tmp_path / "o"
    assert main(["score", "--demo", "--lexicon", "libya", "--out", str(out), "--output-format", "parquet"]) == 0
    assert main(["score", "--demo", "--lexicon", "libya", "--out", str(out)]) == 0
    assert not (out / "mentions.parquet").exists() and (out / "mentions.csv").exists()


def test_a_worker_that_dies_is_one_line_and_exit_1(tmp_path, capsys, monkeypatch):
    import framing.cli.score as cli_score
    from framing._parallel import WorkerError

    def dying(*args, **kwargs):
        raise WorkerError("worker process 123 ended (exit code -9) before it returned its results: killed, "
                          "or out of memory? Try fewer --jobs or a smaller chunk")
        yield  # (a generator, as _count_chunks is)

    monkeypatch.setattr(cli_score, "_count_chunks", dying)
    assert main(["count", "--demo", "--jobs", "2", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["framing: error: worker process 123 ended (exit code -9) before it returned its results: "
                   "killed, or out of memory? Try fewer --jobs or a smaller chunk"]


def test_jobs_two_writes_the_documents_columns_of_one_process(tmp_path):
    """helper-54: with --jobs 2 the first chunks held 250 lines (JSON Lines) or documents (a JSON
    array), and the writer keeps the columns of the first chunk: a key first met after the 250th
    record was left out with a warning where one process kept it."""
    import json

    recs = [{"id": f"g{i}", "outlet": "A", "text": f"The militia of Haftar moved, report {i}.",
             **({"section": "world"} if i >= 300 else {})} for i in range(700)]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps(recs), encoding="utf-8")
    for name in ("c.jsonl", "c.json"):
        heads = []
        for jobs in ("1", "2"):
            out = tmp_path / f"{name}-{jobs}"
            assert main(["score", str(tmp_path / name), "-l", "libya", "--out", str(out), "--jobs", jobs]) == 0
            heads.append((out / "documents.csv").read_text(encoding="utf-8").splitlines()[0])
            assert (out / "documents.csv").read_bytes() == (tmp_path / f"{name}-1" / "documents.csv").read_bytes()
        assert heads[0] == heads[1] and "section" in heads[0], name


def test_a_folder_of_score_tables_is_not_read_as_a_corpus(tmp_path, capsys):
    """helper-54: `framing report` or `kwic` given a Parquet score folder read its manifest.json as a
    corpus file ("no text column found (columns found: command, counts ...)")."""
    out = tmp_path / "scored"
    assert main(["score", "--demo", "--out", str(out), "--output-format", "parquet"]) == 0
    capsys.readouterr()
    assert main(["kwic", str(out), "-l", "libya", "--term", "militia"]) == 2
    assert "is a folder written by `framing score`" in capsys.readouterr().err
    assert main(["report", str(out), "-l", "libya", "--out", str(tmp_path / "r")]) == 2
    assert "is a folder written by `framing score`" in capsys.readouterr().err
