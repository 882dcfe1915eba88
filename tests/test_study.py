"""Study files: template, validation, filters, and a study over BASIL that `framing study verify`
reproduces byte for byte, until one byte of one input changes."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest
import yaml

import framing
from framing.cli import main
from framing.manifest import read_manifest, sha256_file
from framing.study import TEMPLATE, StudyError, _filter, init_study, load_study, parse_study, run_study

US_POLITICS = """\
name: us_politics
version: "0.1.0"
language: en
description: Test lexicon for the BASIL study (framing tests); how two US presidents are named.
referents:
  obama:
    name: Barack Obama
    aliases: [Barack Obama, Obama]
  trump:
    name: Donald Trump
    aliases: [Donald Trump, Donald J. Trump, Trump]
categories:
  leader_label:
    description: How a president is named.
  policy_label:
    description: Names of a president's policies and government.
entries:
  - {term: President Obama, category: leader_label, referent: obama, valence: 0.3}
  - {term: Mr. Obama, category: leader_label, referent: obama, valence: 0.0}
  - {term: Obama administration, category: policy_label, referent: obama, valence: 0.0}
  - {term: Obamacare, category: policy_label, referent: obama, valence: -0.4}
  - {term: President Trump, category: leader_label, referent: trump, valence: 0.3}
  - {term: Mr. Trump, category: leader_label, referent: trump, valence: 0.0}
  - {term: Trump administration, category: policy_label, referent: trump, valence: 0.0}
  - {term: Trumpcare, category: policy_label, referent: trump, valence: -0.4}
"""

BASIL_STUDY = """\
# BASIL (Fan et al. 2019): 100 events, each reported by Fox, the New York Times and HuffPost.
name: basil-test
title: BASIL — how three outlets name two presidents
corpus:
  path: basil.jsonl
  columns: {text: body, outlet: source, date: published, id: uuid, title: headline}
filters:
  date_from: 2010-01-01
  date_to: 2019-12-31
lexicons: [loaded_language, us_politics.yaml]
statistics:
  seed: 11
  replicates: 50
  time_categories: 1
  max_referents: 2
  max_comparisons: 3
outputs:
  dir: out
  tables: [csv, md, tex]
  figures: [png]
  dpi: 80
  snippets: 2
"""


# --------------------------------------------------------------------------------- template, parsing
def test_template_parses_and_documents_every_key(tmp_path):
    path = init_study(tmp_path / "study.yaml")
    assert path.read_text(encoding="utf-8") == TEMPLATE
    s = load_study(path)
    assert s.corpus["demo"] is True and s.lexicons == ["libya", "loaded_language"]
    assert s.statistics["seed"] == 0 and s.statistics["log_odds"]["prior"] == "uniform"
    assert s.out_dir() == tmp_path / "study-output"
    with pytest.raises(StudyError, match="exists; pass --force"):
        init_study(path)
    init_study(path, force=True)
    # every key of the defaults appears in the template
    data = yaml.safe_load(TEMPLATE)

    def keys(d, prefix=""):
        for k, v in d.items():
            yield prefix + k
            if isinstance(v, dict):
                yield from keys(v, prefix + k + ".")

    from framing.study import DEFAULTS

    assert set(keys(DEFAULTS)) == set(keys(data))


def test_study_cli_init(tmp_path, capsys):
    assert main(["study", "init", str(tmp_path / "s.yaml")]) == 0
    assert "framing study run" in capsys.readouterr().out
    assert main(["study", "init", str(tmp_path / "s.yaml")]) == 2
    assert "exists" in capsys.readouterr().err


@pytest.mark.parametrize("text, message", [
    ("corpus: {demo: true}\nstatistics:\n  seeed: 1\n", r"s\.yaml:3: unknown key 'statistics\.seeed'; did you mean 'seed'\?"),
    ("corpus: {demo: true}\nstatistics:\n  replicates: many\n", r"s\.yaml:3: 'statistics\.replicates' must be a whole "
                                                                 r"number, not 'many'"),
    ("corpus: {path: null}\nlexicons: [libya]\n", r"s\.yaml:1: the corpus needs a path"),
    ("corpus: {path: a.csv}\n", r"s\.yaml:2?: ?no lexicons|s\.yaml: no lexicons"),
    ("corpus: {demo: true}\nfilters: {date_from: yesterday}\n", r"s\.yaml:2: 'yesterday' is not a date"),
    ("corpus: {demo: true}\noutputs: {figures: [gif]}\n", r"unknown figure format 'gif'"),
    ("corpus: {demo: true}\nvoice: narrator\n", r"unknown voice 'narrator'"),
    ("corpus: [a, b]\n", r"'corpus' must be a mapping"),
    ("corpus: {demo: true\n", r"s\.yaml:2: invalid YAML"),
    ("", r"s\.yaml: the study file is empty"),
])
def test_invalid_study_files_name_the_line(text, message):
    with pytest.raises(StudyError, match=message):
        parse_study(text, base=".", path="s.yaml")


def test_filters_by_outlet_and_date():
    docs = pd.DataFrame({"doc_id": list("abcde"), "outlet": ["x", "x", "y", "z", "y"],
                         "date": pd.to_datetime(["2018-01-01", "2018-06-30", None, "2019-01-01", "2018-07-01"])})
    f = {"outlets": [], "exclude_outlets": [], "date_from": None, "date_to": None, "undated": "drop"}
    assert list(_filter(docs, f)["doc_id"]) == list("abcde")
    assert list(_filter(docs, {**f, "outlets": ["x", "y"]})["doc_id"]) == list("abce")
    assert list(_filter(docs, {**f, "exclude_outlets": ["x"]})["doc_id"]) == list("cde")
    rng = {**f, "date_from": "2018-06-30", "date_to": "2018-12-31"}
    assert list(_filter(docs, rng)["doc_id"]) == ["b", "e"]
    assert list(_filter(docs, {**rng, "undated": "keep"})["doc_id"]) == ["b", "c", "e"]


def test_demo_study_runs_with_filters(tmp_path):
    text = TEMPLATE.replace("replicates: 1000", "replicates: 20").replace("figures: [png, svg]", "figures: []") \
        .replace("html: true", "html: false").replace("outlets: []                         # keep only",
                                                       "outlets: [The Coastal Herald, Cyrenaica Voice]  # keep only")
    (tmp_path / "study.yaml").write_text(text, encoding="utf-8")
    rep = run_study(tmp_path / "study.yaml")
    assert rep.out == tmp_path / "study-output" and rep.index is None
    assert set(rep.tables["groups"]["group"]) == {"The Coastal Herald", "Cyrenaica Voice"}
    doc = read_manifest(rep.out)
    assert doc["counts"]["filtered_out"] == 32 - 13 and doc["counts"]["read"] == 32
    assert doc["study"]["text"] == text and doc["study"]["sha256"] == sha256_file(tmp_path / "study.yaml")
    assert doc["inputs"]["study.yaml"] == sha256_file(tmp_path / "study.yaml")
    assert any(k.startswith("framing:examples/derna_demo/") for k in doc["inputs"])


# ------------------------------------------------------------------------------------- BASIL study
# BASIL never says "Trumpcare": the injected sentence is the only use of that label, so the audit
# shows it (the label cells of the audit sample at most 2 snippets out of every use).
INJECTED = ('Officials said the <script>document.title="pwned"</script> Trumpcare '
            '<img src=x onerror="document.body.innerHTML=\'pwned\'"> plan & "withdrew".')


@pytest.fixture(scope="module")
def basil_study(basil, tmp_path_factory):
    folder = tmp_path_factory.mktemp("basil_study")
    df = basil.rename(columns={"doc_id": "uuid", "outlet": "source", "date": "published", "title": "headline",
                               "text": "body"})
    df.loc[0, "body"] = df.loc[0, "body"] + "\n\n" + INJECTED
    with open(folder / "basil.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for rec in df.to_dict(orient="records"):
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    (folder / "us_politics.yaml").write_text(US_POLITICS, encoding="utf-8")
    (folder / "study.yaml").write_text(BASIL_STUDY, encoding="utf-8")
    t0 = time.perf_counter()
    assert main(["study", "run", str(folder / "study.yaml")]) == 0
    return folder, time.perf_counter() - t0


def test_basil_study_outputs(basil_study, basil):
    folder, seconds = basil_study
    out = folder / "out"
    doc = read_manifest(out)
    assert set(doc["inputs"]) == {"basil.jsonl", "us_politics.yaml", "study.yaml",
                                  "framing:lexicons/loaded_language.yaml"}
    assert doc["inputs"]["basil.jsonl"] == sha256_file(folder / "basil.jsonl")
    assert doc["counts"]["read"] == len(basil) == doc["counts"]["scored"] and doc["counts"]["filtered_out"] == 0
    assert doc["parameters"]["report"]["seed"] == 11 and doc["parameters"]["report"]["replicates"] == 50
    assert doc["study"]["name"] == "basil-test" and doc["command"]["study"] == "study.yaml"
    groups = pd.read_csv(out / "tables" / "groups.csv")
    assert sorted(groups["group"]) == ["fox", "hpo", "nyt"] and groups["documents"].sum() == len(basil)
    labels = pd.read_csv(out / "tables" / "labels.csv")
    nyt_trump = labels[(labels["referent"] == "trump") & (labels["group"] == "nyt")].set_index("term")
    assert nyt_trump.loc["Mr. Trump", "count"] > nyt_trump.loc["President Trump", "count"]  # the Times' style
    assert (labels[(labels["group"] == "fox") & (labels["term"] == "Mr. Trump")]["count"] == 0).all()
    rt = pd.read_csv(out / "tables" / "rates_time.csv")
    assert rt["period"].str[:4].nunique() == 10  # 2010 ... 2019, by year
    assert {"labels_obama", "labels_trump", "valence", "voice_shares"} <= {p.stem for p in (out / "figures").iterdir()}
    print(f"BASIL study run in {seconds:.1f}s")


def test_basil_report_renders_in_chromium(basil_study, tmp_path):
    from test_report import check_images_decode, open_page, screenshot_dir

    folder, _ = basil_study
    index = folder / "out" / "index.html"
    page = index.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt; </span><mark" in page
    shots = screenshot_dir(tmp_path)
    facts = open_page(index, {"top": shots / "basil-report-top.png", "#audit": shots / "basil-report-audit.png"})
    assert facts["images"] and all(c and w > 200 and src.startswith("data:image/png")
                                   for c, w, _, src in facts["images"])
    assert check_images_decode(facts["dom"]) == len(facts["images"])
    assert facts["scripts"] == 0 and facts["onerror"] == 0 and "pwned" not in facts["title"]
    assert '<script>document.title="pwned"</script>' in facts["text"]
    assert "Donald Trump" in facts["text"] and "nyt" in facts["text"]


def test_basil_study_verify_passes_then_fails_on_one_changed_byte(basil_study, capsys):
    folder, _ = basil_study
    out = folder / "out"
    t0 = time.perf_counter()
    assert main(["study", "verify", str(out)]) == 0
    text = capsys.readouterr().out
    n_files = len(read_manifest(out)["files"])
    assert f"reproduced: all {n_files} outputs are byte-identical" in text
    assert text.count("identical output ") == n_files
    seconds = time.perf_counter() - t0
    corpus = folder / "basil.jsonl"
    original = corpus.read_bytes()
    i = original.index(b" said ")
    try:
        corpus.write_bytes(original[:i + 3] + b"u" + original[i + 4:])  # "said" -> "saud": one byte
        assert main(["study", "verify", str(out)]) == 1
        text = capsys.readouterr().out
    finally:
        corpus.write_bytes(original)
    lines = text.splitlines()
    assert any(ln.startswith("DIFFERS   input  basil.jsonl  (recorded ") for ln in lines)
    changed = [ln.split()[2] for ln in lines if ln.startswith("DIFFERS   output ")]
    assert "tables/rates.csv" in changed and "index.html" in changed
    assert any(ln.startswith("identical output tables/") for ln in lines)  # file by file: some still match
    assert lines[-1].startswith("NOT reproduced:") and "1 input file(s) changed" in lines[-1]
    print(f"verify in {seconds:.1f}s")


def test_verify_reports_an_output_edited_after_the_run(tmp_path, capsys):
    rep = framing.report.write(framing.demo_corpus(), ["libya"], out=tmp_path / "r", replicates=10, figures=(),
                               html=False, command={"argv": ["framing", "report", "--demo", "--lexicon", "libya",
                                                             "--out", str(tmp_path / "r"), "--replicates", "10",
                                                             "--figures", "none", "--no-html"],
                                                    "cwd": str(tmp_path)})
    assert main(["study", "verify", str(rep.out), "-q"]) == 0
    capsys.readouterr()
    table = rep.out / "tables" / "rates.md"
    table.write_text(table.read_text() + " ")
    assert main(["study", "verify", str(rep.out), "-q"]) == 1
    text = capsys.readouterr().out
    assert "DIFFERS   on disk tables/rates.md" in text and "[edited since the run]" in text
    assert "identical output" not in text  # -q shows only what differs


def test_verify_needs_a_manifest(tmp_path, capsys):
    assert main(["study", "verify", str(tmp_path)]) == 2
    assert "no manifest here" in capsys.readouterr().err
