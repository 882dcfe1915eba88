"""``framing datasets list|show|verify|download``: the published media-bias datasets."""

from __future__ import annotations

from ..errors import FramingError


def register(sub) -> None:
    p = sub.add_parser("datasets", help="published media-bias datasets: list, show, verify, download",
                       description="Read, check and fetch BABE, MBIC, BASIL, NewsWCL50 and Article-Bias-Prediction.")
    verbs = p.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True
    v = verbs.add_parser("list", help="the datasets, their sources and whether a local copy is found")
    v.set_defaults(func=cmd_list)
    for name, hlp, func in (("show", "read a dataset and print its size and columns", cmd_show),
                            ("verify", "check a dataset folder against the published SHA-256 sums", cmd_verify)):
        v = verbs.add_parser(name, help=hlp)
        v.add_argument("dataset", help="babe, mbic, basil, newswcl50 or abp")
        v.add_argument("--from", dest="source", metavar="PATH", help="dataset folder (default ../shared/data/<name>)")
        v.set_defaults(func=func)
    v = verbs.add_parser("download", help="fetch the original files from GitHub, verify SHA-256 and cache them")
    v.add_argument("dataset")
    v.add_argument("--to", metavar="DIR", help="cache folder (default ~/.cache/framing/datasets or $FRAMING_DATA)")
    v.add_argument("--force", action="store_true", help="download again even if the cached copy verifies")
    v.set_defaults(func=cmd_download)


def cmd_list(args) -> int:
    from .. import datasets

    for name, folder in datasets.DATASETS.items():
        repos = sorted({f"{s.repo}@{s.commit[:7]}" for s in datasets.SOURCES[name]})
        local = datasets.default_path(name)
        print(f"{name:10s} {folder:25s} {'local: ' + str(local) if local else 'not found locally'}")
        for r in repos:
            print(f"{'':10s}   from {r}")
    return 0


def cmd_show(args) -> int:
    from .. import datasets

    df = datasets.load_dataset(args.dataset, args.source)
    print(f"{args.dataset}: {len(df)} rows; columns: {', '.join(map(str, df.columns))}")
    if "label_bias" in df:
        print(df["label_bias"].value_counts().to_string())
    elif "label" in df:
        print(df["label"].value_counts().to_string())
    return 0


def cmd_verify(args) -> int:
    from .. import datasets

    problems = datasets.verify(args.dataset, args.source)
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"{args.dataset}: every original file matches its published SHA-256")
    return 0


def cmd_download(args) -> int:
    from .. import datasets

    try:
        path = datasets.download(args.dataset, args.to, force=args.force)
    except OSError as err:
        raise FramingError(f"download of {args.dataset} failed: {err}") from err
    print(f"{args.dataset}: verified and cached in {path}")
    return 0
