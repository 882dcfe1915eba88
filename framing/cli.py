"""The ``framing`` command line: nouns and verbs mirror the Python API.

Exit codes: 0 success, 1 a check failed (``lexicon validate`` found problems), 2 bad input (a
one-line reason on standard error).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from . import __version__
from ._resources import bundled_lexicons, demo_corpus
from .comparison import compare
from .errors import FramingError
from .kwic import format_kwic, kwic
from .lexicon import check_lexicon
from .score import compile_lexicons, iter_count, iter_score, score
from .tables import to_markdown, write_table

DEFAULT_DEMO_LEXICONS = ["libya", "loaded_language"]


# ------------------------------------------------------------------------------------------ parsers
def _corpus_args(p: argparse.ArgumentParser, *, score_dir: bool = False) -> None:
    what = "corpus file or folder, or a folder written by `framing score`" if score_dir else "corpus file or folder"
    p.add_argument("corpus", nargs="?", help=f"{what} (.csv .tsv .jsonl .json .parquet, or a folder of .txt files "
                                             "in one sub-folder per outlet)")
    p.add_argument("--demo", action="store_true", help="use the bundled synthetic demo corpus (and, unless "
                                                       "--lexicon is given, the bundled lexicons)")
    p.add_argument("--lexicon", "-l", action="append", default=[], metavar="L",
                   help=f"lexicon file or bundled name ({', '.join(bundled_lexicons())}); repeat for several")
    g = p.add_argument_group("reading the corpus")
    g.add_argument("--text-col", help="column holding the article text (default: auto-detect text/content/body/article)")
    g.add_argument("--outlet-col", help="column holding the outlet (default: auto-detect outlet/source/publisher/media)")
    g.add_argument("--date-col", help="column holding the date (default: auto-detect date/published)")
    g.add_argument("--id-col", help="column holding a document id (default: auto-detect doc_id/id/uuid, else generated)")
    g.add_argument("--title-col", help="column holding the title (default: auto-detect title/headline)")
    g.add_argument("--outlet-value", dest="outlet_value", metavar="NAME", help="one outlet for every document (a single-outlet file)")
    g.add_argument("--format", choices=["csv", "tsv", "jsonl", "json", "parquet"], help="override the file extension")
    g.add_argument("--encoding", default="utf-8", help="text encoding of the corpus (default utf-8)")
    g.add_argument("--metadata", help="sidecar CSV for a folder of .txt files (default: metadata.csv in the folder)")
    g.add_argument("--max-chars", type=int, default=1_000_000, help="skip longer texts (default 1,000,000)")


def _read_options(args) -> dict:
    return dict(text_col=args.text_col, outlet_col=args.outlet_col, date_col=args.date_col, id_col=args.id_col,
                title_col=args.title_col, outlet=args.outlet_value, format=args.format, encoding=args.encoding,
                metadata=args.metadata, max_chars=args.max_chars)


def _source_and_lexicons(args):
    if args.demo:
        if args.corpus:
            raise FramingError("give either a corpus or --demo, not both")
        return demo_corpus(), args.lexicon or DEFAULT_DEMO_LEXICONS
    if not args.corpus:
        raise FramingError("no corpus given; pass a corpus file or folder, or --demo")
    if not args.lexicon:
        raise FramingError("no lexicon given; pass --lexicon FILE (bundled: " + ", ".join(bundled_lexicons()) + ")")
    return args.corpus, args.lexicon


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="Measure how news outlets label actors and events.")
    parser.add_argument("--version", action="version", version=f"framing {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("score", help="find every mention; write mentions.csv, documents.csv, skipped.csv",
                       description="Find every mention of every lexicon term and referent alias. Writes "
                                   "DIR/mentions.csv, DIR/documents.csv (without text) and DIR/skipped.csv.")
    _corpus_args(p)
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder")
    p.add_argument("--no-sentences", action="store_true", help="skip sentence splitting (faster; sentence = 0)")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("count", help="document x category counts (LIWC-style): DIR/counts.csv",
                       description="The fast path: one row per document, one count column per category.")
    _corpus_args(p)
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder")
    p.set_defaults(func=cmd_count)

    p = sub.add_parser("compare", help="outlet x category rates and the labels each outlet gives each referent",
                       description="Write outlet_category, referent_labels and referent_attention tables as "
                                   "CSV and Markdown. CORPUS may be a folder written by `framing score`.")
    _corpus_args(p, score_dir=True)
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("kwic", help="print key-word-in-context lines",
                       description="Print each mention with its context, sliced from the original text.")
    _corpus_args(p)
    p.add_argument("--term", help="only this term (case, hyphens and quotes ignored)")
    p.add_argument("--outlet", dest="only_outlet", metavar="OUTLET", help="only this outlet")
    p.add_argument("--category", help="only this category")
    p.add_argument("--referent", help="only labels and aliases of this referent id")
    p.add_argument("--width", type=int, default=40, help="context characters on each side (default 40)")
    p.add_argument("--limit", type=int, default=None, help="at most N lines")
    p.set_defaults(func=cmd_kwic)

    p = sub.add_parser("lexicon", help="lexicon tools: validate", description="Lexicon tools.")
    lsub = p.add_subparsers(dest="lexicon_command", metavar="ACTION")
    lsub.required = True
    v = lsub.add_parser("validate", help="check lexicon files; print every problem with file:line",
                        description="Check lexicon files. Exit 0 when valid, 1 when problems were found.")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.set_defaults(func=cmd_lexicon_validate)
    return parser


# ------------------------------------------------------------------------------------------ commands
def cmd_score(args) -> int:
    source, lexicons = _source_and_lexicons(args)
    matcher = compile_lexicons(lexicons)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / f"{name}.csv" for name in ("mentions", "documents", "skipped")}
    n_docs = n_ment = n_skip = 0
    first = True
    outlets: dict[str, int] = {}
    for docs, ments, skipped in iter_score(source, matcher, sentences=not args.no_sentences, **_read_options(args)):
        mode = "w" if first else "a"
        ments.to_csv(paths["mentions"], mode=mode, header=first, index=False, lineterminator="\n")
        docs.drop(columns=["text"]).to_csv(paths["documents"], mode=mode, header=first, index=False,
                                           lineterminator="\n", date_format="%Y-%m-%d %H:%M:%S")
        skipped.to_csv(paths["skipped"], mode=mode, header=first, index=False, lineterminator="\n")
        first = False
        n_docs += len(docs)
        n_ment += len(ments)
        n_skip += len(skipped)
        for o, c in docs["outlet"].value_counts().items():
            outlets[o] = outlets.get(o, 0) + int(c)
    _write_lexicon_tables(matcher.lexicons, out)
    lex = ", ".join(f"{x.name} {x.version}" for x in matcher.lexicons)
    print(f"read {n_docs + n_skip} documents: {n_docs} scored, {n_skip} skipped"
          f"{' (see skipped.csv)' if n_skip else ''}; {len(outlets)} outlets")
    print(f"{n_ment} mentions with lexicons {lex}")
    print(f"wrote {', '.join(str(p) for p in paths.values())}")
    return 0


def cmd_count(args) -> int:
    source, lexicons = _source_and_lexicons(args)
    matcher = compile_lexicons(lexicons)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    first = True
    n_docs = n_skip = 0
    for counts, skipped in iter_count(source, matcher, **_read_options(args)):
        mode = "w" if first else "a"
        counts.to_csv(out / "counts.csv", mode=mode, header=first, index=False, lineterminator="\n")
        skipped.to_csv(out / "skipped.csv", mode=mode, header=first, index=False, lineterminator="\n")
        first = False
        n_docs += len(counts)
        n_skip += len(skipped)
    print(f"read {n_docs + n_skip} documents: {n_docs} counted, {n_skip} skipped; "
          f"{len(matcher.categories)} categories; wrote {out / 'counts.csv'}")
    return 0


def _write_lexicon_tables(lexicons, out: Path) -> None:
    """``categories.csv`` and ``referents.csv``: what the lexicons could have matched (for zero rows)."""
    cats, refs = [], []
    for lex in lexicons:
        if lex.referents:
            cats.append((lex.name, lex.version, "referent", "occurrences of a referent's aliases"))
        cats += [(lex.name, lex.version, c.id, c.description or "") for c in lex.categories.values()]
        refs += [(lex.name, r.id, r.name) for r in lex.referents.values()]
    pd.DataFrame(cats, columns=["lexicon", "version", "category", "description"]).to_csv(
        out / "categories.csv", index=False, lineterminator="\n")
    pd.DataFrame(refs, columns=["lexicon", "referent", "name"]).to_csv(out / "referents.csv", index=False,
                                                                       lineterminator="\n")


def _load_score_dir(folder: Path):
    mentions = pd.read_csv(folder / "mentions.csv", dtype={"doc_id": str, "outlet": str, "referent": str},
                           keep_default_na=False, na_values={"referent": [""], "valence": [""]})
    documents = pd.read_csv(folder / "documents.csv", dtype={"doc_id": str, "outlet": str}, keep_default_na=False)
    mentions["referent"] = mentions["referent"].replace("", None)
    return mentions, documents


def cmd_compare(args) -> int:
    out = Path(args.out)
    if args.corpus and Path(args.corpus).is_dir() and (Path(args.corpus) / "mentions.csv").exists():
        mentions, documents = _load_score_dir(Path(args.corpus))
        cats = refs = None
        if (Path(args.corpus) / "categories.csv").exists():
            c = pd.read_csv(Path(args.corpus) / "categories.csv", dtype=str, keep_default_na=False)
            cats = list(zip(c["lexicon"], c["category"]))
        if (Path(args.corpus) / "referents.csv").exists():
            refs = pd.read_csv(Path(args.corpus) / "referents.csv", dtype=str, keep_default_na=False)["referent"].tolist()
        tables = compare(mentions, documents, categories=cats, referents=refs)
        summary = f"{len(mentions)} mentions in {len(documents)} documents from {args.corpus}"
    else:
        source, lexicons = _source_and_lexicons(args)
        result = score(source, lexicons, sentences=False, **_read_options(args))
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


def cmd_kwic(args) -> int:
    source, lexicons = _source_and_lexicons(args)
    result = score(source, lexicons, sentences=False, **_read_options(args))
    table = kwic(result.mentions, result.documents, term=args.term, outlet=args.only_outlet,
                 category=args.category, referent=args.referent, width=args.width, limit=args.limit)
    if table.empty:
        print("no mentions match these filters", file=sys.stderr)
        return 0
    print(format_kwic(table, args.width))
    return 0


def cmd_lexicon_validate(args) -> int:
    bad = 0
    for f in args.files:
        problems = check_lexicon(f)
        if problems:
            bad += 1
            for p in problems:
                print(p)
        else:
            print(f"{f}: ok")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except FramingError as err:
        print(f"framing: error: {str(err).splitlines()[0]}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `framing kwic ... | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
