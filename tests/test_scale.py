"""Scaling: several processes give the rows of one process; Parquet output; bounded chunks."""

import pandas as pd

import framing
from framing.cli import main


def test_jobs_give_identical_results_in_order():
    demo = framing.demo_corpus()
    one = framing.score(demo, ["libya", "loaded_language"], chunk_rows=5)
    two = framing.score(demo, ["libya", "loaded_language"], chunk_rows=5, jobs=2)
    pd.testing.assert_frame_equal(one.mentions, two.mentions)
    pd.testing.assert_frame_equal(one.documents, two.documents)
    pd.testing.assert_frame_equal(one.descriptors, two.descriptors)
    c1 = framing.count(demo, "libya", chunk_rows=7)
    c2 = framing.count(demo, "libya", chunk_rows=7, jobs=2)
    pd.testing.assert_frame_equal(c1, c2)


def test_parquet_output_equals_csv_output(tmp_path):
    assert main(["score", "--demo", "--out", str(tmp_path / "c")]) == 0
    assert main(["score", "--demo", "--out", str(tmp_path / "p"), "--output-format", "parquet", "--jobs", "2"]) == 0
    a = pd.read_csv(tmp_path / "c" / "mentions.csv", keep_default_na=False)
    b = pd.read_parquet(tmp_path / "p" / "mentions.parquet")
    assert len(a) == len(b)
    assert list(a["surface"]) == list(b["surface"]) and list(a["start"]) == list(b["start"])
    assert list(a["voice"]) == list(b["voice"])
