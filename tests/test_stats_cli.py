"""``framing compare --stat ...``: the table contracts, the same tables as the Python API, LaTeX."""

import json

import pandas as pd
import pytest

import framing
from framing import stats
from framing.cli import main

RATES = ["group", "category", "mentions", "tokens", "rate_per_1k", "ci_low", "ci_high"]
LABELS = ["referent", "group", "term", "count", "share", "ci_low", "ci_high"]
LOG_ODDS = ["term", "group", "reference", "count", "count_reference", "delta", "variance", "z"]


@pytest.fixture(scope="module")
def demo_result():
    return framing.score(framing.demo_corpus(), ["libya", "loaded_language"], sentences=False)


@pytest.fixture(scope="module")
def score_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("score")
    assert main(["score", "--demo", "--out", str(out), "--no-sentences"]) == 0
    return out


@pytest.fixture(scope="module")
def all_stats(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    args = ["compare", "--demo", "--out", str(out), "--stat", "rates,labels,log-odds", "--stat", "keyness",
            "--stat", "divergence,time,valence", "--replicates", "200", "--seed", "3", "--level", "0.9",
            "--contrast", "one_vs_rest", "--prior", "uniform", "--alpha", "0.1", "--variance", "approx",
            "--period", "week", "--window", "2"]
    assert main(args) == 0
    return out


def test_contract_columns_and_files(all_stats):
    assert list(pd.read_csv(all_stats / "rates.csv").columns[:7]) == RATES
    assert list(pd.read_csv(all_stats / "labels.csv").columns[:7]) == LABELS
    assert list(pd.read_csv(all_stats / "log_odds.csv").columns[:8]) == LOG_ODDS
    for name in ("keyness", "divergence", "label_tests", "term_divergence", "rates_time", "labels_time", "valence"):
        for ext in ("csv", "md", "tex"):
            assert (all_stats / f"{name}.{ext}").exists(), f"{name}.{ext}"
    params = json.loads((all_stats / "parameters.json").read_text())
    assert params["rates"]["seed"] == 3 and params["rates"]["level"] == 0.9 and params["rates"]["replicates"] == 200
    assert params["log_odds"]["alpha"] == 0.1 and params["log_odds"]["contrast"] == "one_vs_rest"
    assert params["rates_time"]["period"] == "week" and params["rates_time"]["window"] == 2


def test_cli_tables_equal_the_python_api(all_stats, demo_result):
    m, d = demo_result.mentions, demo_result.documents
    cats = [(lx.name, "referent") for lx in demo_result.lexicons if lx.referents]
    cats = []
    for lx in demo_result.lexicons:
        if lx.referents:
            cats.append((lx.name, "referent"))
        cats += [(lx.name, c) for c in lx.categories]
    api = stats.rates(m, d, categories=cats, replicates=200, seed=3, level=0.9)
    cli = pd.read_csv(all_stats / "rates.csv")
    pd.testing.assert_frame_equal(cli, api.reset_index(drop=True), check_dtype=False, check_exact=False, rtol=1e-9)
    lo = stats.log_odds(stats.mention_counts(m, d), alpha=0.1)
    cli_lo = pd.read_csv(all_stats / "log_odds.csv", keep_default_na=False, na_values=[""])
    pd.testing.assert_frame_equal(cli_lo, lo, check_dtype=False, check_exact=False, rtol=1e-9)
    labels = stats.label_shares(m, d, replicates=200, seed=3, level=0.9)
    cli_labels = pd.read_csv(all_stats / "labels.csv")
    pd.testing.assert_frame_equal(cli_labels[LABELS], labels[LABELS], check_dtype=False, check_exact=False)


def test_score_folder_gives_the_same_rates_as_the_corpus(tmp_path, score_dir, all_stats):
    args = ["compare", str(score_dir), "--out", str(tmp_path), "--stat", "rates,time", "--replicates", "200",
            "--seed", "3", "--level", "0.9", "--period", "week", "--window", "2"]
    assert main(args) == 0
    for name in ("rates", "rates_time"):
        a = pd.read_csv(tmp_path / f"{name}.csv")
        b = pd.read_csv(all_stats / f"{name}.csv")
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_ngrams_by_a_metadata_column_and_deterministic_latex(tmp_path, capsys):
    corpus = framing.read_corpus(framing.demo_corpus()).documents
    corpus["side"] = corpus["outlet"].map(lambda o: "east" if o == "Cyrenaica Voice" else "rest")
    path = tmp_path / "corpus.csv"
    corpus.to_csv(path, index=False)
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        args = ["compare", str(path), "--out", str(out), "--stat", "log-odds,keyness", "--terms", "ngrams",
                "--ngram", "1,2", "--min-count", "3", "--by", "side", "--contrast", "pairwise",
                "--prior", "informative", "--variance", "full", "--top", "5"]
        assert main(args) == 0
        outs.append(out)
    lo = pd.read_csv(outs[0] / "log_odds.csv", keep_default_na=False)
    assert set(lo["group"]) == {"east", "rest"} and lo["term"].str.contains(" ").any()
    top_east = lo[lo["group"] == "east"].iloc[0]
    assert top_east["z"] > 3
    for name in ("log_odds", "keyness"):
        for ext in ("tex", "md", "csv"):
            assert (outs[0] / f"{name}.{ext}").read_bytes() == (outs[1] / f"{name}.{ext}").read_bytes()
    tex = (outs[0] / "log_odds.tex").read_text()
    assert tex.startswith("\\begin{tabular}{lllrrrrrrrrr}\n\\toprule\n") and tex.endswith("\\bottomrule\n\\end{tabular}\n")
    assert tex.count("\\\\\n") == 1 + 2 * 5  # header + top 5 rows of each of the two comparisons
    assert "Distinctive terms" in capsys.readouterr().out


@pytest.mark.parametrize("args, reason", [
    (["--stat", "bogus"], "unknown --stat 'bogus'"),
    (["--stat", "rates", "--by", "nope"], "--by nope: no such documents column"),
    (["--stat", "log-odds", "--contrast", "group_vs_group"], "--contrast group_vs_group needs --groups"),
    (["--stat", "rates", "--level", "95"], "level must be between 0 and 1"),
])
def test_bad_statistics_options_exit_2(args, reason, score_dir, tmp_path, capsys):
    assert main(["compare", str(score_dir), "--out", str(tmp_path), *args]) == 2
    err = capsys.readouterr().err
    assert reason in err and err.count("\n") == 1


def test_ngrams_need_text(score_dir, tmp_path, capsys):
    assert main(["compare", str(score_dir), "--out", str(tmp_path), "--stat", "keyness", "--terms", "ngrams"]) == 2
    assert "needs the article text" in capsys.readouterr().err
