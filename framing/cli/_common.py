"""Pieces shared by the command-line modules: corpus options, the demo switch, score folders."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd

from .._resources import bundled_lexicons, demo_corpus
from ..errors import FramingError

DEFAULT_DEMO_LEXICONS = ["libya", "loaded_language"]


# ------------------------------------------------------------------------------------------ parsers
def corpus_args(p: argparse.ArgumentParser, *, score_dir: bool = False) -> None:
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


def read_options(args) -> dict:
    return dict(text_col=args.text_col, outlet_col=args.outlet_col, date_col=args.date_col, id_col=args.id_col,
                title_col=args.title_col, outlet=args.outlet_value, format=args.format, encoding=args.encoding,
                metadata=args.metadata, max_chars=args.max_chars)


def source_and_lexicons(args):
    if args.demo:
        if args.corpus:
            raise FramingError("give either a corpus or --demo, not both")
        return demo_corpus(), args.lexicon or DEFAULT_DEMO_LEXICONS
    if not args.corpus:
        raise FramingError("no corpus given; pass a corpus file or folder, or --demo")
    if not args.lexicon:
        raise FramingError("no lexicon given; pass --lexicon FILE (bundled: " + ", ".join(bundled_lexicons()) + ")")
    return args.corpus, args.lexicon



def write_lexicon_tables(lexicons, out: Path) -> None:
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


def is_score_dir(path) -> bool:
    """Whether ``path`` is a folder written by ``framing score`` (CSV or Parquet)."""
    p = Path(path) if path else None
    return bool(p) and p.is_dir() and (any((p / f"mentions.{x}").exists() for x in ("csv", "parquet"))
                                       or (p / "mentions").is_dir())


def load_score_dir(folder: Path):
    """The mentions and documents tables of a folder written by ``framing score``."""
    folder = Path(folder)
    parquet = {name: folder / f"{name}.parquet" if (folder / f"{name}.parquet").exists() else folder / name
               for name in ("mentions", "documents")}
    if all(p.exists() for p in parquet.values()):  # Parquet files, or folders of parts (dask engine)
        mentions, documents = _read_parquet(parquet["mentions"]), _read_parquet(parquet["documents"])
        mentions["referent"] = mentions["referent"].astype(object).where(mentions["referent"].notna(), None)
        return mentions, documents
    mentions = pd.read_csv(folder / "mentions.csv", dtype={"doc_id": str, "outlet": str, "referent": str,
                                                           "source": str, "referent_link": str},
                           keep_default_na=False, na_values={"referent": [""], "valence": [""]})
    documents = pd.read_csv(folder / "documents.csv", dtype={"doc_id": str, "outlet": str}, keep_default_na=False)
    mentions["referent"] = mentions["referent"].astype(object).where(mentions["referent"].notna() & (mentions["referent"] != ""), None)
    return mentions, documents


def _read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file, or a folder of parts in the order of their names, each read on its own: the
    dask engine writes a part per corpus file, and files with other columns (extra metadata) or
    other dtypes (a nullable integer column) give parts of other schemas, which one dataset read of
    the folder would refuse or cut to the first part's columns."""
    if path.is_file():
        return pd.read_parquet(path)
    # (in the order of the numbers in their names: part-100000 after part-99999)
    names = sorted(path.glob("*.parquet"),
                   key=lambda p: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p.name)])
    parts = [pd.read_parquet(p) for p in names]
    parts = [p for p in parts if len(p)] or parts[:1]
    if not parts:
        raise FramingError(f"{path}: no Parquet parts; score the corpus again into this folder")
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def record_run(args, out, *, command: str, inputs=(), lexicons=(), parameters=None, counts=None,
               policies=None) -> None:
    """Write ``out/manifest.json`` for a command run (see :mod:`framing.manifest`)."""
    from ..manifest import argv_from_namespace, write_manifest

    parser = getattr(args, "_parser", None)
    argv = argv_from_namespace(parser, args, prefix=["framing", *command.split()]) if parser else None
    write_manifest(out, command={"argv": argv, "cwd": Path.cwd().as_posix()},
                   inputs=[str(i) for i in inputs if i], lexicons=list(lexicons), parameters=parameters or {},
                   counts=counts or {}, policies=policies or {})


def output_dir(path, *, replace: tuple[str, ...] = ()) -> Path:
    """Create the output folder; remove earlier copies of the tables this run writes (any format),
    so that a folder never mixes two runs."""
    import shutil

    out = Path(path)
    if out.exists() and not out.is_dir():
        raise FramingError(f"{out}: exists and is not a folder; pass --out with a folder path")
    out.mkdir(parents=True, exist_ok=True)
    for name in replace:
        for old in (out / f"{name}.csv", out / f"{name}.parquet"):
            if old.is_file():
                old.unlink()
        if (out / name).is_dir():
            shutil.rmtree(out / name)
    return out
