"""``framing report``: one self-contained HTML page, tables, figures and a manifest."""

from __future__ import annotations

from pathlib import Path

from ..errors import FramingError
from ..manifest import argv_from_namespace
from ..tables import FORMATS
from ._common import corpus_args, read_options, source_and_lexicons


#: Figure formats (as :data:`framing.plots.FIGURE_FORMATS`, without importing matplotlib for --help).
FIGURE_FORMATS = ("png", "svg", "pdf")


def _comma_list(values) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out += [x.strip() for x in str(v).split(",") if x.strip()]
    return out


def register(sub) -> None:
    p = sub.add_parser("report", help="HTML report with figures, tables, audit snippets and a manifest",
                       description="Score CORPUS and write OUT/index.html (what was analysed, key findings with "
                                   "bootstrap intervals, every figure embedded, and a deterministic sample of "
                                   "snippets behind every number, voice marked), OUT/tables/ (.csv .md .tex), "
                                   "OUT/figures/ (.png .svg) and OUT/manifest.json (SHA-256 of every input and "
                                   "output, parameters, seed, versions). `framing study verify OUT` re-runs it.")
    corpus_args(p)
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder")
    p.add_argument("--title", help="title of the page (default: 'Framing report: CORPUS')")
    s = p.add_argument_group("statistics")
    s.add_argument("--by", default="outlet", metavar="COLUMN",
                   help="documents column that defines the groups (default outlet)")
    s.add_argument("--voice", action="append", metavar="VOICE",
                   help="only mentions in these voices (author, quoted, attributed, scare_quoted); default all")
    s.add_argument("--referent", action="append", metavar="ID", help="only these referents' labels (default all)")
    s.add_argument("--seed", type=int, default=0, help="seed of the bootstraps and the audit sample (default 0)")
    s.add_argument("--replicates", type=int, default=1000, help="bootstrap replicates (default 1000)")
    s.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
    s.add_argument("--interval", choices=["bca", "percentile"], default="bca", help="bootstrap interval (default bca)")
    s.add_argument("--period", default="auto", choices=["auto", "day", "week", "month", "quarter", "year"],
                   help="period of the time series (default: from the span of the dates)")
    o = p.add_argument_group("output")
    o.add_argument("--formats", default="csv,md,tex", help=f"table formats, comma list of {', '.join(FORMATS)} "
                                                           "(default all)")
    o.add_argument("--figures", default="png,svg", help=f"figure formats, comma list of {', '.join(FIGURE_FORMATS)}, "
                                                        "or 'none' (default png,svg)")
    o.add_argument("--dpi", type=int, default=150, help="resolution of the PNG files (default 150)")
    o.add_argument("--snippets", type=int, default=3, help="audit snippets per cell (default 3)")
    o.add_argument("--context", type=int, default=60, help="characters of context around a snippet (default 60)")
    o.add_argument("--no-html", action="store_true", help="tables, figures and manifest only")
    p.set_defaults(func=cmd_report, _parser=p)


def options_from_args(args) -> dict:
    figures = [] if str(args.figures).strip().lower() == "none" else _comma_list([args.figures])
    return dict(title=args.title, by=args.by, voice=_comma_list(args.voice) or None,
                referents=_comma_list(args.referent) or None, seed=args.seed, replicates=args.replicates,
                level=args.level, interval=args.interval, period=args.period,
                tables=tuple(_comma_list([args.formats])), figures=tuple(figures), dpi=args.dpi,
                snippets=args.snippets, context=args.context, html=not args.no_html)


def cmd_report(args) -> int:
    from ..report import ReportOptions, write

    source, lexicons = source_and_lexicons(args)
    options = ReportOptions(**options_from_args(args))
    if not options.tables:
        raise FramingError("--formats is empty; give at least one of " + ", ".join(FORMATS))
    argv = argv_from_namespace(args._parser, args, prefix=["framing", "report"])
    command = {"argv": argv, "cwd": Path.cwd().as_posix()}
    ropts = {k: v for k, v in read_options(args).items() if v is not None and not (k == "encoding" and v == "utf-8")
             and not (k == "max_chars" and v == 1_000_000)}
    rep = write(source, lexicons, out=args.out, options=options, read_options=ropts, command=command)
    res = rep.result
    print(f"read {len(res.documents) + len(res.skipped)} documents: {len(res.documents)} scored, "
          f"{len(res.skipped)} skipped; {res.documents[options.by].nunique()} {options.by} groups; "
          f"{len(res.mentions)} mentions")
    out = Path(args.out)
    print(f"wrote {out / 'index.html' if rep.index else out}: {len(rep.tables)} tables, {len(rep.figures)} figures, "
          f"{len(rep.files)} files and {out / 'manifest.json'}")
    return 0
