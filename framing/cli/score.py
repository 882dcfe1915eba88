"""``framing score``, ``framing count`` and ``framing kwic``."""

from __future__ import annotations

import sys
from pathlib import Path

from ..comparison import labels_by_voice
from ..errors import FramingError
from ..kwic import format_kwic, kwic
from ..outputs import ChunkWriter
from ..tables import to_markdown, write_table
from ..corpus import CHUNK_ROWS, _DateNotes
from ..score import COUNT_CHUNK_ROWS, POLICIES, _count_chunks, _score_chunks, compile_lexicons, score
from ._common import corpus_args, output_dir, read_options, record_run, source_and_lexicons, write_lexicon_tables


def register(sub) -> None:
    p = sub.add_parser("score", help="find every mention; write mentions.csv, documents.csv, skipped.csv",
                       description="Find every mention of every lexicon term and referent alias. Writes "
                                   "DIR/mentions.csv, DIR/documents.csv (without text) and DIR/skipped.csv.")
    corpus_args(p)
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder")
    p.add_argument("--no-sentences", action="store_true",
                   help="no sentence index (sentence and n_sentences are -1); voice attribution then splits "
                        "only the lines that hold mentions (faster)")
    p.add_argument("--no-voice", action="store_true",
                   help="skip voice attribution and descriptors (voice = author everywhere)")
    p.add_argument("--jobs", "-j", type=int, default=1, help="processes (0: all cores); same rows as one process")
    p.add_argument("--output-format", choices=["csv", "parquet"], default="csv",
                   help="format of mentions/documents/skipped/descriptors (default csv)")
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="dask: read and score each file of the corpus (a file, folder or glob pattern) on a "
                        "Dask worker, with the local engine's code, and write Parquet parts (a part per file)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: a Dask scheduler address "
                   "(default: a local cluster)")
    p.set_defaults(func=cmd_score, _parser=p)

    p = sub.add_parser("labels", help="the labels each outlet gives a referent, own voice apart from quotes",
                       description="Print, for one referent, every label each outlet applies to it, with counts "
                                   "in the outlet's own voice (author) and in quoted, attributed and scare-quoted "
                                   "text, and the descriptors found next to its names.")
    corpus_args(p)
    p.add_argument("--referent", required=True, help="referent id (e.g. haftar)")
    p.add_argument("--out", "-o", metavar="DIR", help="also write labels.csv and descriptors.csv here")
    p.set_defaults(func=cmd_labels)

    p = sub.add_parser("count", help="document x category counts (LIWC-style): DIR/counts.csv",
                       description="The fast path: one row per document, one count column per category.")
    corpus_args(p)
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder")
    p.add_argument("--jobs", "-j", type=int, default=1, help="processes (0: all cores); same rows as one process")
    p.set_defaults(func=cmd_count, _parser=p)

    p = sub.add_parser("kwic", help="print key-word-in-context lines",
                       description="Print each mention with its context, sliced from the original text.")
    corpus_args(p)
    p.add_argument("--term", help="only this term (case, hyphens and quotes ignored)")
    p.add_argument("--outlet", dest="only_outlet", metavar="OUTLET", help="only this outlet")
    p.add_argument("--category", help="only this category")
    p.add_argument("--referent", help="only labels and aliases of this referent id")
    p.add_argument("--width", type=int, default=40, help="context characters on each side (default 40)")
    p.add_argument("--limit", type=int, default=None, help="at most N lines")
    p.set_defaults(func=cmd_kwic)


def cmd_score(args) -> int:
    source, lexicons = source_and_lexicons(args)
    matcher = compile_lexicons(lexicons)
    out = output_dir(args.out, replace=("mentions", "documents", "skipped", "descriptors"))
    if args.engine == "dask":
        return _score_with_dask(args, source, matcher, out)
    fmt = args.output_format
    writers = {name: ChunkWriter(out / name, fmt) for name in ("mentions", "documents", "skipped", "descriptors")}
    paths = {name: w.path for name, w in writers.items()}
    n_docs = n_ment = n_skip = 0
    outlets: dict[str, int] = {}
    notes = _DateNotes()  # (warned after the manifest is written)
    for docs, ments, skipped, desc in _score_chunks(source, matcher, notes, sentences=not args.no_sentences,
                                                    voice=not args.no_voice, progress=None, chunk_rows=CHUNK_ROWS,
                                                    jobs=args.jobs, text=False, **read_options(args)):
        writers["descriptors"].write(desc)
        writers["mentions"].write(ments)
        writers["documents"].write(docs)
        writers["skipped"].write(skipped)
        n_docs += len(docs)
        n_ment += len(ments)
        n_skip += len(skipped)
        for o, c in docs["outlet"].value_counts().items():
            outlets[o] = outlets.get(o, 0) + int(c)
    for w in writers.values():
        w.close()
    write_lexicon_tables(matcher.lexicons, out)
    lex = ", ".join(f"{x.name} {x.version}" for x in matcher.lexicons)
    print(f"read {n_docs + n_skip} documents: {n_docs} scored, {n_skip} skipped"
          f"{' (see skipped.csv)' if n_skip else ''}; {len(outlets)} outlets")
    print(f"{n_ment} mentions with lexicons {lex}")
    record_run(args, out, command="score", inputs=[source], lexicons=matcher.lexicons,
               parameters={"sentences": not args.no_sentences, "voice": not args.no_voice,
                           "output_format": fmt, **read_options(args)},
               counts={"read": n_docs + n_skip, "scored": n_docs, "skipped": n_skip, "mentions": n_ment,
                       "unreadable_dates": notes.count}, policies=POLICIES)
    print(f"wrote {', '.join(str(p) for p in paths.values())} and {out / 'manifest.json'}")
    notes.warn()
    return 0


def cmd_count(args) -> int:
    source, lexicons = source_and_lexicons(args)
    matcher = compile_lexicons(lexicons)
    out = output_dir(args.out, replace=("counts", "skipped"))
    first = True
    n_docs = n_skip = 0
    notes = _DateNotes()  # (warned after the manifest is written)
    for counts, skipped in _count_chunks(source, matcher, notes, progress=None, chunk_rows=COUNT_CHUNK_ROWS,
                                         jobs=args.jobs, **read_options(args)):
        mode = "w" if first else "a"
        counts.to_csv(out / "counts.csv", mode=mode, header=first, index=False, lineterminator="\n")
        skipped.to_csv(out / "skipped.csv", mode=mode, header=first, index=False, lineterminator="\n")
        first = False
        n_docs += len(counts)
        n_skip += len(skipped)
    record_run(args, out, command="count", inputs=[source], lexicons=matcher.lexicons,
               parameters=read_options(args),
               counts={"read": n_docs + n_skip, "scored": n_docs, "skipped": n_skip,
                       "unreadable_dates": notes.count}, policies=POLICIES)
    print(f"read {n_docs + n_skip} documents: {n_docs} counted, {n_skip} skipped; "
          f"{len(matcher.categories)} categories; wrote {out / 'counts.csv'}")
    notes.warn()
    return 0



def cmd_kwic(args) -> int:
    source, lexicons = source_and_lexicons(args)
    result = score(source, lexicons, sentences=False, **read_options(args))
    table = kwic(result.mentions, result.documents, term=args.term, outlet=args.only_outlet,
                 category=args.category, referent=args.referent, width=args.width, limit=args.limit)
    if table.empty:
        print("no mentions match these filters", file=sys.stderr)
        return 0
    print(format_kwic(table, args.width))
    return 0


def cmd_labels(args) -> int:
    source, lexicons = source_and_lexicons(args)
    result = score(source, lexicons, sentences=False, **read_options(args))
    known = {r for lex in result.lexicons for r in lex.referents}
    if args.referent not in known:
        raise FramingError(f"unknown referent '{args.referent}'; the lexicons define: {', '.join(sorted(known))}")
    table = labels_by_voice(result.mentions, referent=args.referent)
    desc = result.descriptors[result.descriptors["referent"] == args.referent]
    print(f"Labels of '{args.referent}' by outlet; 'own' = the outlet's own voice (author), "
          "the rest quoted, attributed or scare-quoted:\n")
    print(to_markdown(table.drop(columns=["referent"])) if len(table) else "no labels found\n")
    free = desc[desc["entry"] == ""]
    if len(free):
        top = (free.assign(descriptor=free["descriptor"].str.lower())
               .groupby(["outlet", "descriptor"]).size().rename("count").reset_index()
               .sort_values(["outlet", "count", "descriptor"], ascending=[True, False, True])
               .groupby("outlet").head(5))
        print("Descriptors next to its names that no lexicon entry covers (candidates):\n")
        print(to_markdown(top))
    if args.out:
        write_table(table, Path(args.out) / "labels")
        write_table(desc, Path(args.out) / "descriptors")
    return 0


def _score_with_dask(args, source, matcher, out: Path) -> int:
    try:
        from ..distributed import _score_dask, corpus_files
    except ImportError as err:  # dask is an optional extra
        raise FramingError(f"--engine dask needs dask ({err.name} is missing): pip install 'framing[dask]'") from None
    opts = read_options(args)
    if opts.get("metadata") is not None:
        raise FramingError("--metadata is not supported with --engine dask (it reads CSV, TSV, JSON Lines, JSON and "
                           "Parquet files, not folders of .txt files)")
    notes = _DateNotes()  # (warned after the manifest is written)
    counts = _score_dask(source, matcher, notes, out=out, scheduler=args.scheduler, format=opts["format"],
                         encoding=opts["encoding"], chunk_rows=CHUNK_ROWS, sentences=not args.no_sentences,
                         voice=not args.no_voice,
                         text_col=opts["text_col"], outlet_col=opts["outlet_col"], date_col=opts["date_col"],
                         id_col=opts["id_col"], title_col=opts["title_col"], outlet=opts["outlet"],
                         max_chars=opts["max_chars"], client=None)
    write_lexicon_tables(matcher.lexicons, out)
    # (a glob pattern is no file: the manifest hashes the files it matched)
    inputs = [source] if Path(source).exists() else corpus_files(source, opts["format"], exclude=out)[0]
    record_run(args, out, command="score", inputs=inputs, lexicons=matcher.lexicons,
               parameters={"engine": "dask", "sentences": not args.no_sentences, "voice": not args.no_voice, **opts},
               counts=counts, policies=POLICIES)
    print(f"read {counts['read']} documents from {counts['files']} file(s): {counts['scored']} scored, "
          f"{counts['skipped']} skipped; {counts['mentions']} mentions; wrote Parquet parts to {out}/")
    notes.warn()
    return 0
