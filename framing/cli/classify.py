"""``framing classify train|evaluate|apply``: bias classifiers learned from annotated news."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import pandas as pd

from ..errors import FramingError
from ._common import read_options

DATASET_CHOICES = ["babe", "mbic", "abp"]


def _lexicon_args(p) -> None:
    p.add_argument("--lexicon-dir", metavar="DIR",
                   help="folder with the published lexicons (recasens2013/, mpqa-subjectivity/, huliu-opinion/); "
                        "default ../shared/data/lexicons when it exists")
    p.add_argument("--lexicon", "-l", action="append", default=[], metavar="L",
                   help="extra feature lexicon (file or bundled name); repeat for several")
    p.add_argument("--no-published-lexicons", action="store_true",
                   help="use only loaded_language and --lexicon, not the published lists")


def register(sub) -> None:
    p = sub.add_parser("classify", help="bias classifiers: train, evaluate, apply",
                       description="Sentence- and word-level bias classifiers learned from BABE / MBIC, and "
                                   "leaning predictability on Article-Bias-Prediction.")
    verbs = p.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True

    t = verbs.add_parser("train", help="train a model; write MODEL_DIR/model.skops and card.json",
                         description="Train the sentence classifier (and the word detector) on a dataset; write "
                                     "the model (skops) and its card (data hash, parameters, scores, versions).")
    t.add_argument("--dataset", required=True, choices=["babe", "mbic"])
    t.add_argument("--from", dest="source", metavar="PATH", help="dataset folder (default ../shared/data/<name>)")
    t.add_argument("--out", "-o", required=True, metavar="MODEL_DIR")
    t.add_argument("--C", type=float, default=None, help="inverse regularisation (default: the value chosen by "
                                                         "nested cross-validation on BABE)")
    t.add_argument("--no-words", action="store_true", help="do not train the word-level detector")
    t.add_argument("--cv", type=int, default=0, metavar="K",
                   help="also record a grouped K-fold cross-validated macro F1 in the card (slower)")
    t.add_argument("--seed", type=int, default=0)
    _lexicon_args(t)
    t.set_defaults(func=cmd_train)

    e = verbs.add_parser("evaluate", help="grouped cross-validation; write DIR/metrics.json",
                         description="Sentences (BABE, MBIC): grouped nested cross-validation, macro F1 with a "
                                     "bootstrap CI over articles. Words: token-level F1 of the biased class. abp: "
                                     "left/center/right from word choice, random versus outlet-grouped folds.")
    e.add_argument("--dataset", required=True, choices=DATASET_CHOICES)
    e.add_argument("--from", dest="source", metavar="PATH", help="dataset folder (default ../shared/data/<name>)")
    e.add_argument("--task", choices=["sentences", "words"], default="sentences")
    e.add_argument("--out", "-o", required=True, metavar="DIR")
    e.add_argument("--folds", type=int, default=None, help="outer folds (default 10 sentences, 5 words and abp)")
    e.add_argument("--no-tune", action="store_true", help="fixed hyper-parameters instead of nested cross-validation")
    e.add_argument("--inner", type=int, default=3, help="inner folds of the nested search (default 3)")
    e.add_argument("--C", type=float, default=None, help="fixed C (with --no-tune)")
    e.add_argument("--boot", type=int, default=1000, help="bootstrap samples for the CI (default 1000)")
    e.add_argument("--seed", type=int, default=0)
    _lexicon_args(e)
    e.set_defaults(func=cmd_evaluate)

    a = verbs.add_parser("apply", help="score every sentence (and word) of a corpus",
                         description="Write DIR/sentences.csv (doc_id, sentence, start, end, score, label) and, when "
                                     "the model has a word detector, DIR/tokens.csv; offsets index the original text.")
    a.add_argument("model", metavar="MODEL_DIR")
    a.add_argument("corpus", metavar="CORPUS", help="corpus file or folder (any format framing reads)")
    a.add_argument("--out", "-o", required=True, metavar="DIR")
    a.add_argument("--threshold", type=float, default=0.5, help="score at which a sentence is labelled biased")
    g = a.add_argument_group("reading the corpus")
    for opt, hlp in (("--text-col", "text column"), ("--outlet-col", "outlet column"), ("--date-col", "date column"),
                     ("--id-col", "id column"), ("--title-col", "title column")):
        g.add_argument(opt, help=hlp)
    g.add_argument("--outlet-value", dest="outlet_value", metavar="NAME")
    g.add_argument("--format", choices=["csv", "tsv", "jsonl", "json", "parquet"])
    g.add_argument("--encoding", default="utf-8")
    g.add_argument("--metadata")
    g.add_argument("--max-chars", type=int, default=1_000_000)
    a.set_defaults(func=cmd_apply)


# ------------------------------------------------------------------------------------------ helpers
def _lexicons(args):
    from ..classify import bias_lexicons
    from ..lexicon import load_lexicon

    if args.no_published_lexicons:
        lex = [load_lexicon("loaded_language")]
    else:
        lex = bias_lexicons(args.lexicon_dir)
    return lex + [load_lexicon(x) for x in args.lexicon]


def _load(name: str, source, *, drop=True) -> pd.DataFrame:
    from .. import datasets

    if name == "babe":
        return datasets.load_babe(source, drop_no_agreement=drop)
    if name == "mbic":
        return datasets.load_mbic(source, drop_no_agreement=drop)
    return datasets.load_article_bias(source)


#: The files each training set is read from.
_TRAIN_FILES = {"babe": ["final_labels_SG2.csv"], "mbic": ["labeled_dataset.xlsx"]}


def _data_folder(name: str, source) -> Path | None:
    from .. import datasets

    return Path(source).resolve() if source else datasets.default_path(name)


def _data_hashes(name: str, source) -> dict:
    folder = _data_folder(name, source)
    out = {}
    for rel in _TRAIN_FILES.get(name, []):
        p = Path(folder) / rel
        if p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _table_hash(df: pd.DataFrame, cols) -> str:
    payload = json.dumps([[str(v) for v in row] for row in df[list(cols)].itertuples(index=False)])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2) + "\n", encoding="utf-8")


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------ commands
def cmd_train(args) -> int:
    from ..classify import BiasedWordDetector, SentenceBiasClassifier, evaluate_sentences, save_model
    from ..classify._sentences import DEFAULT_C
    from ..features import pack_lexicons

    t0 = time.perf_counter()
    data = _load(args.dataset, args.source)
    lex = _lexicons(args)
    C = DEFAULT_C if args.C is None else args.C
    texts = data["text"].tolist()
    clf = SentenceBiasClassifier(lexicons=lex, C=C).fit(texts, data["label"].astype(int),
                                                         biased_words=data["biased_words"].tolist(),
                                                         groups=data["group"].to_numpy())
    model = {"sentences": clf, "words": None}
    scores: dict = {}
    if not args.no_words:
        model["words"] = BiasedWordDetector(lexicons=lex).fit(texts, data["biased_words"].tolist(),
                                                              groups=data["group"].to_numpy())
        scores["word_threshold"] = model["words"].threshold_
    train_seconds = round(time.perf_counter() - t0, 1)
    if args.cv:
        m = evaluate_sentences(data, folds=args.cv, params={"lexicons": lex, "C": C}, seed=args.seed)
        scores["cv"] = {k: m[k] for k in ("macro_f1", "ci_low", "ci_high", "n", "folds", "grouping")}
    pred = clf.predict(texts)
    from sklearn.metrics import f1_score

    scores["train_macro_f1"] = round(float(f1_score(data["label"].astype(int), pred, average="macro")), 4)
    card = {
        "task": "sentence bias" + ("" if args.no_words else " + biased words"),
        "dataset": {"name": args.dataset, "folder": str(_data_folder(args.dataset, args.source)), "n": int(len(data)),
                    "files_sha256": _data_hashes(args.dataset, args.source),
                    "table_sha256": _table_hash(data, ["text", "label", "biased_words"])},
        "params": {"sentences": {k: v for k, v in clf.get_params().items() if k != "lexicons"},
                   "words": None if model["words"] is None else
                   {k: v for k, v in model["words"].get_params().items() if k != "lexicons"}},
        "lexicons": [f"{x.name} {x.version}" for x in lex],
        "lexicons_sha256": hashlib.sha256(pack_lexicons(lex).encode("utf-8")).hexdigest(),
        "scores": scores, "train_seconds": train_seconds, "seed": args.seed,
    }
    path = save_model(model, args.out, card=card)
    print(f"trained on {len(data)} {args.dataset} sentences in {train_seconds} s; wrote {Path(args.out) / 'model.skops'}"
          f" and {path}")
    return 0


def cmd_evaluate(args) -> int:
    from ..classify import DEFAULT_GRID, evaluate_sentences, evaluate_words, predictability

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.dataset == "abp":
        if args.task == "words":
            raise FramingError("Article-Bias-Prediction has no word annotations; use --task sentences")
        data = _load("abp", args.source)
        res = predictability(data["text"], data["label"], data["outlet"], folds=args.folds or 5, seed=args.seed,
                             n_boot=args.boot)
        res["top_terms"].to_csv(out / "top_terms.csv", index=False, lineterminator="\n")
        grouped = res["grouped"]
        metrics = {"dataset": "abp", "task": "leaning (left/center/right) from word choice",
                   "macro_f1": grouped["macro_f1"], "ci_low": grouped["ci_low"], "ci_high": grouped["ci_high"],
                   "n": res["n"], "folds": grouped["folds"], "grouping": "outlet", "seconds": res["seconds"],
                   "n_outlets": res["n_outlets"], "random": res["random"], "grouped": grouped, "drop": res["drop"]}
        _write_json(out / "metrics.json", metrics)
        print(f"abp leaning: macro F1 {res['random']['macro_f1']:.3f} with random folds, {grouped['macro_f1']:.3f} "
              f"[{grouped['ci_low']:.3f}, {grouped['ci_high']:.3f}] with outlet-grouped folds (drop {res['drop']:.3f}); "
              f"wrote {out / 'metrics.json'}, {out / 'top_terms.csv'}")
        return 0
    data = _load(args.dataset, args.source)
    lex = _lexicons(args)
    if args.task == "words":
        res = evaluate_words(data, folds=args.folds or 5, params={"lexicons": lex}, seed=args.seed, n_boot=args.boot,
                             progress=_say)
        res["params"] = {k: v for k, v in res["params"].items() if k != "lexicons"}
        res.update({"dataset": args.dataset, "task": "words", "lexicons": [f"{x.name} {x.version}" for x in lex]})
        _write_json(out / "metrics.json", res)
        print(f"{args.dataset} words: token F1 (biased) {res['f1']:.3f} [{res['ci_low']:.3f}, {res['ci_high']:.3f}], "
              f"P {res['precision']:.3f} R {res['recall']:.3f}, {res['n']} tokens; wrote {out / 'metrics.json'}")
        return 0
    params = {"lexicons": lex}
    grid = None if args.no_tune else DEFAULT_GRID
    if args.C is not None:
        params["C"] = args.C
    res = evaluate_sentences(data, folds=args.folds or 10, inner=args.inner, grid=grid, params=params, seed=args.seed,
                             n_boot=args.boot, progress=_say)
    pred = pd.DataFrame({"row": data.loc[data["label"].notna(), "row"].to_numpy(),
                         "score": res.pop("predictions")})
    pred.to_csv(out / "predictions.csv", index=False, lineterminator="\n")
    res["params"] = {k: v for k, v in res["params"].items() if k != "lexicons"}
    res.update({"dataset": args.dataset, "task": "sentences", "lexicons": [f"{x.name} {x.version}" for x in lex]})
    _write_json(out / "metrics.json", res)
    print(f"{args.dataset} sentences: macro F1 {res['macro_f1']:.3f} [{res['ci_low']:.3f}, {res['ci_high']:.3f}] "
          f"over {res['n']} sentences, {res['folds']} folds grouped by article, {res['seconds']} s; "
          f"wrote {out / 'metrics.json'}")
    return 0


def cmd_apply(args) -> int:
    from ..classify import apply_model, load_model
    from ..corpus import read_corpus

    model, card = load_model(args.model)
    if not isinstance(model, dict) or "sentences" not in model:
        raise FramingError(f"{args.model}: the model file does not hold a sentence classifier")
    corpus = read_corpus(args.corpus, **read_options(args))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sents, tokens = apply_model(model, corpus.documents, threshold=args.threshold)
    sents.to_csv(out / "sentences.csv", index=False, lineterminator="\n")
    wrote = [str(out / "sentences.csv")]
    if tokens is not None:
        tokens.to_csv(out / "tokens.csv", index=False, lineterminator="\n")
        wrote.append(str(out / "tokens.csv"))
    n_b = int((sents["label"] == "biased").sum())
    print(f"scored {len(sents)} sentences in {len(corpus.documents)} documents ({n_b} biased at {args.threshold}); "
          f"wrote {', '.join(wrote)}")
    return 0
