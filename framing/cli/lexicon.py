"""``framing lexicon ...``: lexicon tools.

``validate`` (every problem with file:line; exit 1 if any), ``convert`` (any format to any format),
``stats`` (categories, multiword and wildcard shares, overlaps), ``merge`` (with conflicts),
``formats`` (what can be read and written), ``coverage`` (how each entry is used in a corpus) and
``suggest`` (candidate terms from the corpus, as a YAML fragment for a human to review).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

from ..errors import FramingError, LexiconError
from ..lexicon import FORMATS, load_lexicon, write_lexicon
from ..tables import to_markdown, write_table


def _reader_args(p, *, with_format: bool = True) -> None:
    g = p.add_argument_group("reading lexicon files (options apply where the format takes them)")
    if with_format:
        g.add_argument("--format", "-f", choices=list(FORMATS), help="input format (default: from the extension "
                                                                     "and content)")
    g.add_argument("--category", help="word lists and tables: category of terms without one (default: file name)")
    g.add_argument("--name", help="lexicon name (default: file name)")
    g.add_argument("--comment", action="append", metavar="PREFIX",
                   help="word lists: comment prefix (repeat; default '#' and ';')")
    g.add_argument("--asterisk", choices=["wildcard", "literal"],
                   help="word lists: '*' is a prefix wildcard (default) or a censoring mark (Hu & Liu's 'sh*t')")
    g.add_argument("--valence", type=float, help="word lists: valence of every term")
    g.add_argument("--valuetype", choices=["glob", "regex", "fixed"], help="quanteda: how values are written "
                                                                           "(default glob)")
    g.add_argument("--weight-as-valence", action="store_true", default=None,
                   help="LIWC-22 .dicx: use the weights as valences")
    g.add_argument("--lexicon-encoding", dest="lex_encoding", metavar="ENC",
                   help="text encoding of the lexicon file (default utf-8; older LIWC/WordStat files: cp1252)")
    g.add_argument("--skip-unsupported", action="store_true",
                   help="skip entries framing cannot match (LIWC <of> rules, globs such as '*deceit*'), listing "
                        "each, instead of failing")


def _options(args) -> dict:
    opts = {"category": getattr(args, "category", None), "name": getattr(args, "name", None),
            "comment": tuple(args.comment) if getattr(args, "comment", None) else None,
            "asterisk": getattr(args, "asterisk", None), "valence": getattr(args, "valence", None),
            "valuetype": getattr(args, "valuetype", None),
            "weight_as_valence": getattr(args, "weight_as_valence", None),
            "encoding": getattr(args, "lex_encoding", None),
            "unsupported": "skip" if getattr(args, "skip_unsupported", False) else None}
    return {k: v for k, v in opts.items() if v is not None}


def _load(path, args, fmt=None):
    opts = _options(args)
    fmt = fmt or getattr(args, "format", None)
    from ..lexicon import detect_format

    chosen = fmt or detect_format(path)
    if chosen in FORMATS:  # options that do not apply to this format are dropped for merge inputs
        allowed = FORMATS[chosen].options
        opts = {k: v for k, v in opts.items() if k in allowed} if getattr(args, "lenient", False) else opts
    with warnings.catch_warnings():  # skipped lines are printed as notes below
        warnings.simplefilter("ignore")
        lex = load_lexicon(path, format=fmt, **opts)
    for note in lex.attrs.get("skipped", []):
        print(f"note: {note}", file=sys.stderr)
    return lex


def register(sub) -> None:
    p = sub.add_parser("lexicon", help="lexicon tools: validate, convert, stats, merge, coverage, suggest",
                       description="Lexicon tools: read and write LIWC, quanteda, Lexicoder, WordStat, Empath, "
                                   "MPQA, CSV, word lists and framing's YAML; check, describe and merge lexicons; "
                                   "see how they cover a corpus; find candidate terms.")
    lsub = p.add_subparsers(dest="lexicon_command", metavar="ACTION")
    lsub.required = True

    v = lsub.add_parser("validate", help="check lexicon files; print every problem with file:line",
                        description="Check lexicon files in any format. Exit 0 when valid, 1 when problems were found.")
    v.add_argument("files", nargs="+", metavar="FILE")
    _reader_args(v)
    v.set_defaults(func=cmd_lexicon_validate)

    c = lsub.add_parser("convert", help="convert a lexicon between formats",
                        description="Read IN in any format and write OUT; the output format comes from --to or "
                                    "OUT's extension. Prints what the output format cannot hold.")
    c.add_argument("input", metavar="IN")
    c.add_argument("output", metavar="OUT", help="output file, or a folder with --split")
    c.add_argument("--to", "-t", choices=list(FORMATS), help="output format (default: from OUT's extension)")
    c.add_argument("--split", action="store_true", help="write one file per category into the folder OUT "
                                                        "(native YAML gives a term one category; LIWC does not)")
    _reader_args(c)
    c.set_defaults(func=cmd_lexicon_convert)

    s = lsub.add_parser("stats", help="entries per category, multiword and wildcard shares, overlaps",
                        description="Describe a lexicon: entries per category, the share of multiword and wildcard "
                                    "terms, terms shared by categories (exactly or through a wildcard), and terms "
                                    "whose symbols the tokenizer drops.")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--out", "-o", metavar="DIR", help="also write the tables as CSV and Markdown")
    _reader_args(s)
    s.set_defaults(func=cmd_lexicon_stats)

    m = lsub.add_parser("merge", help="merge two lexicons, reporting conflicts",
                        description="Merge A and B into C. Conflicts (a term with two valences, referents or "
                                    "categories; a category or referent described differently; an alias claimed "
                                    "by two referents) are printed; the --prefer lexicon wins them.")
    m.add_argument("first", metavar="A")
    m.add_argument("second", metavar="B")
    m.add_argument("--out", "-o", required=True, metavar="C")
    m.add_argument("--to", "-t", choices=list(FORMATS), help="output format (default: from C's extension)")
    m.add_argument("--prefer", choices=["first", "second"], default="first", help="whose value wins a conflict")
    m.add_argument("--merged-name", help="name of the merged lexicon (default: A's)")
    m.add_argument("--strict", action="store_true", help="exit 1 without writing when there are conflicts")
    _reader_args(m)
    m.set_defaults(func=cmd_lexicon_merge, lenient=True)

    f = lsub.add_parser("formats", help="list the lexicon formats framing reads and writes")
    f.set_defaults(func=cmd_lexicon_formats)

    from ._common import corpus_args

    cv = lsub.add_parser("coverage", help="mentions and documents per entry and outlet; entries that never match",
                         description="Score CORPUS with the lexicons and show, per entry, mentions and documents "
                                     "overall and per outlet, the entries that never match, and the entries that "
                                     "match mostly inside quotations.")
    corpus_args(cv)
    cv.add_argument("--out", "-o", metavar="DIR", help="write coverage.csv/.md")
    cv.add_argument("--quoted-share", type=float, default=0.5,
                    help="flag entries with more than this share of quoted mentions (default 0.5)")
    cv.add_argument("--min-mentions", type=int, default=3, help="... and at least this many mentions (default 3)")
    cv.add_argument("--top", type=int, default=30, help="entries printed (default 30; all are written with --out)")
    cv.set_defaults(func=cmd_lexicon_coverage)

    sg = lsub.add_parser("suggest", help="candidate terms from the corpus, as a YAML fragment to review",
                         description="Find terms the lexicons do not have yet: descriptors next to a referent's "
                                     "aliases, terms distinctive of an outlet (log-odds z), and neighbours of a "
                                     "category's terms in an embedding learned from CORPUS. Writes a YAML "
                                     "fragment of candidate entries with their evidence; nothing is changed.")
    corpus_args(sg)
    sg.add_argument("--referent", help="referent id for descriptors (default: every referent)")
    sg.add_argument("--category", dest="target_category", metavar="CATEGORY",
                    help="category to extend (its terms seed the neighbours method) and to give the candidates")
    sg.add_argument("--method", action="append", choices=["descriptors", "distinctive", "neighbours"],
                    help="repeat for several (default: every method that applies)")
    sg.add_argument("--top", type=int, default=20, help="candidates per referent, outlet or category (default 20)")
    sg.add_argument("--seed", type=int, default=0, help="random seed of the embedding (default 0)")
    sg.add_argument("--out", "-o", metavar="FILE", help="write the YAML fragment here (default: standard output)")
    sg.set_defaults(func=cmd_lexicon_suggest)


def cmd_lexicon_validate(args) -> int:
    bad = 0
    opts = _options(args)
    for f in args.files:
        try:
            with warnings.catch_warnings():  # skipped lines are printed below
                warnings.simplefilter("ignore")
                lex = load_lexicon(f, format=args.format, **opts)
        except LexiconError as err:
            bad += 1
            for p in err.problems:
                print(p)
            continue
        skipped = lex.attrs.get("skipped", [])
        for note in skipped:
            print(note)
        print(f"{f}: ok ({len(lex.entries)} entries in {len(lex.categories)} categories, "
              f"{len(lex.referents)} referents; format {lex.attrs.get('format', '?')}"
              f"{f'; {len(skipped)} unsupported lines skipped' if skipped else ''})")
    return 1 if bad else 0


def _out_format(path: Path, to: str | None) -> str:
    from ..lexicon import EXTENSIONS

    fmt = to or EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise FramingError(f"{path}: cannot tell the output format from '{path.suffix}'; give --to "
                           f"({', '.join(FORMATS)})")
    return fmt


def cmd_lexicon_convert(args) -> int:
    lex = _load(args.input, args)
    out = Path(args.output)
    if args.split:
        from ..lexicon.tools import split_by_category

        fmt = args.to or "yaml"
        out.mkdir(parents=True, exist_ok=True)
        ext = FORMATS[fmt].extensions[0]
        notes: list[str] = []
        parts = split_by_category(lex)
        for cid, part in parts.items():
            notes += write_lexicon(part, out / f"{cid.replace('/', '_')}{ext}", format=fmt)
        for n in dict.fromkeys(notes):
            print(f"note: {n}", file=sys.stderr)
        print(f"wrote {len(parts)} {fmt} files ({len(lex.entries)} entries) to {out}/")
        return 0
    fmt = _out_format(out, args.to)
    notes = write_lexicon(lex, out, format=fmt)
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    print(f"wrote {out} ({fmt}): {len(lex.entries)} entries in {len(lex.categories)} categories, "
          f"{len(lex.referents)} referents, from {args.input} ({lex.attrs.get('format', '?')})")
    return 0


def cmd_lexicon_stats(args) -> int:
    from ..lexicon.tools import lexicon_stats

    lex = _load(args.file, args)
    tables = lexicon_stats(lex)
    s = tables["summary"].iloc[0]
    print(f"{args.file}: {s['entries']} entries ({s['distinct_terms']} distinct terms, {s['variants']} variants) in "
          f"{s['categories']} categories; {s['referents']} referents with {s['aliases']} aliases; format "
          f"{s['format']}")
    print(f"multiword {s['multiword_share']:.1%}, wildcard {s['wildcard_share']:.1%}; "
          f"{s['multi_category_terms']} terms in several categories\n")
    print(to_markdown(tables["categories"].round(3)))
    ov = tables["overlaps"]
    if len(ov):
        print(f"Categories sharing terms ({len(ov)} pairs; 'wildcard' = a wildcard of one matches a term of the other):")
        print(to_markdown(ov.head(20)))
    lossy = tables["lossy"]
    if len(lossy):
        print(f"Terms holding symbols the tokenizer reads as spaces ({len(lossy)}; they match as shown):")
        print(to_markdown(lossy.head(20)))
    if args.out:
        for name, t in tables.items():
            write_table(t, Path(args.out) / f"lexicon_{name}")
        print(f"wrote {len(tables) * 2} files to {args.out}/")
    return 0


def cmd_lexicon_merge(args) -> int:
    from ..lexicon.tools import merge_lexicons

    a = _load(args.first, args)
    b = _load(args.second, args)
    merged, conflicts = merge_lexicons(a, b, name=args.merged_name, prefer=args.prefer)
    for c in conflicts:
        print(f"conflict: {c}")
    if conflicts and args.strict:
        print(f"{len(conflicts)} conflict(s); nothing written (--strict)", file=sys.stderr)
        return 1
    out = Path(args.out)
    notes = write_lexicon(merged, out, format=_out_format(out, args.to))
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    print(f"wrote {out}: {len(merged.entries)} entries ({len(a.entries)} + {len(b.entries)} read), "
          f"{len(merged.categories)} categories, {len(merged.referents)} referents; {len(conflicts)} conflict(s)")
    return 0


def cmd_lexicon_formats(args) -> int:
    import pandas as pd

    rows = [{"format": f.name, "extensions": " ".join(f.extensions), "keeps": ", ".join(sorted(f.keeps)) or "terms",
             "reader options": ", ".join(f.options), "what": f.description} for f in FORMATS.values()]
    print(to_markdown(pd.DataFrame(rows)))
    return 0


def cmd_lexicon_coverage(args) -> int:
    from ..discovery import coverage
    from ..score import compile_lexicons, score
    from ._common import read_options, source_and_lexicons

    source, lexicons = source_and_lexicons(args)
    matcher = compile_lexicons(lexicons)
    result = score(source, matcher, sentences=False, **read_options(args))
    table = coverage(result.mentions, result.documents, matcher.lexicons, quoted_share=args.quoted_share,
                     min_mentions=args.min_mentions)
    n = len(table)
    unmatched = table[~table["matched"]]
    quoted = table[table["mostly_quoted"]]
    print(f"{len(result.documents)} documents, {len(result.mentions)} mentions; {n} entries and referents: "
          f"{n - len(unmatched)} match, {len(unmatched)} never match, {len(quoted)} match mostly inside quotations")
    show = ["lexicon", "entry", "mentions", "documents", "outlets", "quoted_share"] + \
        [c for c in table.columns if c.startswith("mentions:")]
    print(to_markdown(table.sort_values("mentions", ascending=False)[show].head(args.top).round(2)))
    if len(quoted):
        print("Mostly inside quotations (they measure the sources more than the outlet's own words):")
        print(to_markdown(quoted[["lexicon", "entry", "mentions", "quoted_share"]].round(2)))
    if len(unmatched):
        listed = ", ".join(unmatched["entry"].head(40))
        print(f"Never match ({len(unmatched)}): {listed}{' ...' if len(unmatched) > 40 else ''}")
    if args.out:
        write_table(table, Path(args.out) / "coverage")
        print(f"wrote {args.out}/coverage.csv and coverage.md")
    return 0


def cmd_lexicon_suggest(args) -> int:
    from ..discovery import candidates_yaml, suggest
    from ..corpus import read_corpus
    from ..score import compile_lexicons
    from ._common import read_options, source_and_lexicons

    source, lexicons = source_and_lexicons(args)
    matcher = compile_lexicons(lexicons)
    corpus = read_corpus(source, **read_options(args))
    cands = suggest(corpus, matcher.lexicons, referent=args.referent, category=args.target_category,
                    methods=args.method, top=args.top, seed=args.seed)
    text = candidates_yaml(cands)
    summary = ", ".join(f"{m} {c}" for m, c in cands["method"].value_counts(sort=False).items()) or "none"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"{len(cands)} candidates ({summary}) from {len(corpus.documents)} documents; wrote {args.out}")
    else:
        sys.stdout.write(text)
        print(f"{len(cands)} candidates ({summary}) from {len(corpus.documents)} documents", file=sys.stderr)
    return 0

