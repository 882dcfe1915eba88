"""Classifier building blocks on small synthetic data: fitting, word labels, safe model files,
and the command line (train / evaluate / apply) end to end on a tiny BABE-shaped file."""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pandas as pd
import pytest

import framing
from framing.classify import (BiasedWordDetector, ModelError, SentenceBiasClassifier, apply_model, bootstrap_f1,
                              grouped_folds, load_model, read_card, save_model, word_labels)
from framing.cli import main

try:
    import skops  # noqa: F401
except ImportError:  # skops is a dependency; only a bare environment lacks it
    if os.environ.get("CI"):
        raise
    pytest.skip("skops not installed", allow_module_level=True)

BIASED = ["The radical mob stormed the hall again.", "Corrupt thugs ruined the city, critics fumed.",
          "The disgraceful scheme was a shameless power grab.", "Reckless zealots pushed the absurd plan."]
NEUTRAL = ["The council met on Tuesday to review the budget.", "The report was published in May.",
           "Officials said the vote would take place next week.", "The company reported quarterly earnings."]
WORDS = [["radical", "mob", "stormed"], ["corrupt", "thugs", "ruined", "fumed"], ["disgraceful", "shameless", "grab"],
         ["reckless", "zealots", "absurd"]]


class Untrusted:
    """A type no framing model is made of (stands for any object a hostile file would smuggle in)."""


def toy(n: int = 6):
    texts = (BIASED + NEUTRAL) * n
    y = ([1] * 4 + [0] * 4) * n
    bw = (WORDS + [[]] * 4) * n
    groups = [f"a{i // 2}" for i in range(len(texts))]
    return texts, np.asarray(y), bw, np.asarray(groups)


def test_word_labels():
    text = "Pro-life groups, the so-called ‘radicals’, slammed the bill; the Radical wing agreed."
    lab = word_labels(text, ["pro-life", "radical", "slammed"])
    toks = [text[a:b] for a, b in framing.text.word_spans(text)]
    assert [t for t, b in zip(toks, lab) if b] == ["Pro", "life", "slammed", "Radical"]
    assert not word_labels("nothing here", []).any()


def test_sentence_classifier_learns_and_reports_features():
    texts, y, bw, g = toy()
    clf = SentenceBiasClassifier(lexicons=["loaded_language"], crossfit=3).fit(texts, y, biased_words=bw, groups=g)
    assert clf.blocks_ == ["words", "chars", "lexicons", "word_prior"]
    assert clf.predict(["A shameless mob of zealots.", "The budget report was published."]).tolist() == [1, 0]
    proba = clf.predict_proba(texts)
    assert proba.shape == (len(texts), 2) and np.allclose(proba.sum(1), 1)
    names = clf.get_feature_names_out()
    assert len(names) == clf.transform(texts[:2]).shape[1]
    assert any(n.startswith("prior:") for n in names) and any(n.startswith("lex:") for n in names)
    top = clf.top_features(5)
    assert len(top["biased"]) == 5
    without = SentenceBiasClassifier(lexicons=["loaded_language"]).fit(texts, y)  # no biased words: no prior block
    assert "word_prior" not in without.blocks_
    with pytest.raises(ValueError, match="every feature block"):
        SentenceBiasClassifier(use_words=False, use_chars=False, use_lexicons=False, use_word_prior=False).fit(texts, y)


def test_word_detector_scores_tokens_with_offsets():
    texts, y, bw, g = toy()
    det = BiasedWordDetector(lexicons=["loaded_language"], threshold=None).fit(texts, bw, groups=g)
    assert 0.2 <= det.threshold_ <= 0.9
    new = ["Zealots and thugs stormed the council."]
    tab = det.score_tokens(new)
    assert list(tab.columns) == ["sentence_index", "token_index", "token", "start", "end", "candidate", "score",
                                 "biased"]
    assert all(new[0][a:b] == t for a, b, t in zip(tab["start"], tab["end"], tab["token"]))
    scores = dict(zip(tab["token"], tab["score"]))
    assert scores["thugs"] > scores["council"]
    assert scores["the"] == 0  # stop words are not candidates
    assert "thugs" in det.predict_words(new)[0]


def test_bootstrap_and_folds_are_deterministic():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 200)
    pred = np.where(rng.random(200) < 0.8, y, 1 - y)
    g = np.repeat(np.arange(50), 4)
    a = bootstrap_f1(y, pred, g, n_boot=200, seed=3)
    assert a == bootstrap_f1(y, pred, g, n_boot=200, seed=3)
    assert a[1] <= a[0] <= a[2]
    folds = grouped_folds(y, g, 5, seed=0)
    for tr, te in folds:
        assert not set(g[tr]) & set(g[te])
    assert sorted(np.concatenate([te for _, te in folds]).tolist()) == list(range(200))


def _model(tmp_path):
    texts, y, bw, g = toy()
    model = {"sentences": SentenceBiasClassifier(lexicons=["loaded_language"], crossfit=3).fit(texts, y, biased_words=bw,
                                                                                            groups=g),
             "words": BiasedWordDetector(lexicons=["loaded_language"], threshold=0.5).fit(texts, bw)}
    save_model(model, tmp_path / "m", card={"task": "toy", "scores": {"macro_f1": np.float64(1.0)}})
    return model


def test_save_load_round_trip_and_card(tmp_path):
    model = _model(tmp_path)
    card = read_card(tmp_path / "m")
    assert card["task"] == "toy" and card["scores"]["macro_f1"] == 1.0
    assert card["framing_version"] == framing.__version__ and len(card["model_sha256"]) == 64
    back, card2 = load_model(tmp_path / "m")
    assert card2 == card
    texts = BIASED + NEUTRAL
    assert np.allclose(back["sentences"].predict_proba(texts), model["sentences"].predict_proba(texts))
    assert back["words"].score_tokens(texts)["score"].tolist() == model["words"].score_tokens(texts)["score"].tolist()


def test_tampered_or_unknown_files_fail_clearly(tmp_path):
    _model(tmp_path)
    folder = tmp_path / "m"
    path = folder / "model.skops"
    data = bytearray(path.read_bytes())
    data[-10] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="SHA-256"):
        load_model(folder)
    with pytest.raises(ModelError, match="no card.json"):
        load_model(tmp_path)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "card.json").write_text("{not json")
    with pytest.raises(ModelError, match="not valid JSON"):
        load_model(tmp_path / "bad")
    # a file that asks for a type framing does not trust, with a card that matches it
    import skops.io as sio

    evil = tmp_path / "evil"
    evil.mkdir()
    sio.dump({"sentences": Untrusted()}, evil / "model.skops")
    import hashlib

    sha = hashlib.sha256((evil / "model.skops").read_bytes()).hexdigest()
    (evil / "card.json").write_text(json.dumps({"format": "framing-model/1", "model_file": "model.skops",
                                                "model_sha256": sha}))
    with pytest.raises(ModelError, match="does not trust"):
        load_model(evil)
    assert zipfile.is_zipfile(evil / "model.skops")


def test_apply_offsets_slice_the_original_text(tmp_path):
    model = _model(tmp_path)
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Thugs stormed the hall.\n\nThe council met on Tuesday.",
                                                        "  Officials said so. A shameless grab!"]})
    sents, tokens = apply_model(model, docs)
    assert list(sents.columns) == ["doc_id", "sentence", "start", "end", "score", "label"]
    text = docs.set_index("doc_id")["text"]
    assert [text[d][a:b] for d, a, b in zip(sents["doc_id"], sents["start"], sents["end"])] == [
        "Thugs stormed the hall.", "The council met on Tuesday.", "Officials said so.", "A shameless grab!"]
    assert set(sents["label"]) <= {"biased", "non_biased"}
    assert all(text[d][a:b] == t for d, a, b, t in zip(tokens["doc_id"], tokens["start"], tokens["end"],
                                                       tokens["token"]))


def _tiny_babe(shared, tmp_path, n=240):
    src = shared / "data" / "babe" / "final_labels_SG2.csv"
    if not src.exists():
        pytest.skip("BABE not staged")
    df = pd.read_csv(src, sep=";", dtype=str, keep_default_na=False)
    df = df[df["label_bias"] != "No agreement"].groupby("label_bias").head(n // 2)
    folder = tmp_path / "babe"
    folder.mkdir()
    df.to_csv(folder / "final_labels_SG2.csv", sep=";", index=False)  # a temporary file, never in the repo
    return folder


def test_cli_train_evaluate_apply(shared, tmp_path, capsys):
    folder = _tiny_babe(shared, tmp_path)
    assert main(["classify", "evaluate", "--dataset", "babe", "--from", str(folder), "--folds", "3", "--no-tune",
                 "--no-published-lexicons", "--boot", "100", "--out", str(tmp_path / "ev")]) == 0
    metrics = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    for key in ("macro_f1", "ci_low", "ci_high", "n", "folds", "grouping", "seconds"):
        assert key in metrics
    assert metrics["n"] == 240 and metrics["folds"] == 3 and metrics["grouping"] == "article"
    assert 0.4 < metrics["macro_f1"] <= 1 and metrics["ci_low"] <= metrics["macro_f1"] <= metrics["ci_high"]
    assert main(["classify", "evaluate", "--dataset", "babe", "--from", str(folder), "--task", "words", "--folds", "3",
                 "--no-published-lexicons", "--boot", "100", "--out", str(tmp_path / "ew")]) == 0
    words = json.loads((tmp_path / "ew" / "metrics.json").read_text())
    assert words["task"] == "words" and 0 < words["f1"] < 1 and "macro_f1" in words
    assert main(["classify", "train", "--dataset", "babe", "--from", str(folder), "--no-published-lexicons",
                 "--out", str(tmp_path / "model")]) == 0
    card = read_card(tmp_path / "model")
    assert card["dataset"]["n"] == 240 and len(card["dataset"]["table_sha256"]) == 64
    assert card["lexicons"] == ["loaded_language 1.0.0"] and "C" in card["params"]["sentences"]
    assert main(["classify", "apply", str(tmp_path / "model"), str(framing.demo_corpus()), "--out",
                 str(tmp_path / "applied")]) == 0
    sents = pd.read_csv(tmp_path / "applied" / "sentences.csv", dtype={"doc_id": str})
    tokens = pd.read_csv(tmp_path / "applied" / "tokens.csv", dtype={"doc_id": str}, keep_default_na=False)
    docs = framing.read_corpus(framing.demo_corpus()).documents.set_index("doc_id")["text"]
    assert set(sents["doc_id"]) == set(docs.index)
    row = sents.iloc[7]
    assert docs[row["doc_id"]][row["start"]:row["end"]].strip() != ""
    tok = tokens.iloc[50]
    assert docs[tok["doc_id"]][tok["start"]:tok["end"]] == str(tok["token"])
    (tmp_path / "model" / "model.skops").write_bytes(b"PK\x03\x04 not a model")
    assert main(["classify", "apply", str(tmp_path / "model"), str(framing.demo_corpus()), "--out",
                 str(tmp_path / "x")]) == 2
    assert "SHA-256" in capsys.readouterr().err


def test_cli_datasets(shared, capsys):
    assert main(["datasets", "list"]) == 0
    assert "babe" in capsys.readouterr().out
    if (shared / "data" / "babe").exists():
        assert main(["datasets", "verify", "babe", "--from", str(shared / "data" / "babe")]) == 0
        assert main(["datasets", "show", "babe"]) == 0
        assert "3673 rows" in capsys.readouterr().out
    assert main(["datasets", "show", "nope"]) == 2
