"""``framing compare``: comparison tables of outlets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..comparison import compare
from ..score import score
from ..tables import to_markdown, write_table
from ._common import corpus_args, load_score_dir, read_options, source_and_lexicons


def register(sub) -> None:
    p = sub.add_parser("compare", help="outlet x category rates and the labels each outlet gives each referent",
                       description="Write outlet_category, referent_labels and referent_attention tables as "
                                   "CSV and Markdown. CORPUS may be a folder written by `framing score`.")
    corpus_args(p, score_dir=True)
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder")
    p.set_defaults(func=cmd_compare)


def cmd_compare(args) -> int:
    out = Path(args.out)
    if args.corpus and Path(args.corpus).is_dir() and (Path(args.corpus) / "mentions.csv").exists():
        mentions, documents = load_score_dir(Path(args.corpus))
        cats = refs = None
        if (Path(args.corpus) / "categories.csv").exists():
            c = pd.read_csv(Path(args.corpus) / "categories.csv", dtype=str, keep_default_na=False)
            cats = list(zip(c["lexicon"], c["category"]))
        if (Path(args.corpus) / "referents.csv").exists():
            refs = pd.read_csv(Path(args.corpus) / "referents.csv", dtype=str, keep_default_na=False)["referent"].tolist()
        tables = compare(mentions, documents, categories=cats, referents=refs)
        summary = f"{len(mentions)} mentions in {len(documents)} documents from {args.corpus}"
    else:
        source, lexicons = source_and_lexicons(args)
        result = score(source, lexicons, sentences=False, **read_options(args))
        tables = compare(result)
        summary = (f"{len(result.mentions)} mentions in {len(result.documents)} documents "
                   f"({len(result.skipped)} skipped) from {'the demo corpus' if args.demo else args.corpus}")
    written = []
    for name, table in tables.items():
        written += write_table(table, out / name)
    print(summary)
    oc = tables["outlet_category"]
    oc = oc[oc["category"] != "referent"]
    if len(oc):
        wide = oc.pivot_table(index=["lexicon", "category"], columns="outlet", values="rate_per_1k", aggfunc="sum",
                              sort=False)
        print("\nMentions per 1,000 tokens, by category and outlet:")
        print(to_markdown(wide.round(2).reset_index()))
    labels = tables["referent_labels"]
    if len(labels):
        top = labels.sort_values(["referent", "outlet", "count"], ascending=[True, True, False]).groupby(
            ["referent", "outlet"]).head(3)
        print("Top labels per referent and outlet:")
        print(to_markdown(top[["referent", "outlet", "term", "count", "share"]].round(3)))
    print(f"wrote {len(written)} files to {out}/")
    return 0
