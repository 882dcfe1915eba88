"""``framing compare``: comparison tables of outlets (or any documents column), with statistics."""

from __future__ import annotations

import argparse

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .. import stats
from ..comparison import compare, outlet_category
from ..corpus import read_corpus
from ..errors import FramingError
from ..score import score
from ..tables import FORMATS, to_markdown, write_table
from .._resources import bundled_lexicons, demo_corpus
from ..score import POLICIES
from ._common import (DEFAULT_DEMO_LEXICONS, corpus_args, is_score_dir, load_score_dir, read_options, record_run,
                      source_and_lexicons)

#: ``--stat`` values and the tables each writes.
STATS = {
    "tables": ("outlet_category", "referent_labels", "referent_attention"),
    "rates": ("rates",),
    "labels": ("labels",),
    "log-odds": ("log_odds",),
    "keyness": ("keyness",),
    "divergence": ("divergence", "label_tests", "term_divergence"),
    "time": ("rates_time", "labels_time"),
    "valence": ("valence",),
}
#: Statistics that need no lexicon when their terms are n-grams of the text.
TEXT_STATS = {"log-odds", "keyness"}
#: Statistics that use neither voices nor labels tied to referents by descriptors.
NO_VOICE_STATS = {"rates", "log-odds", "keyness"}


def _comma_list(values) -> list[str]:
    out = []
    for v in values or []:
        out += [x.strip() for x in str(v).split(",") if x.strip()]
    return out


def register(sub) -> None:
    p = sub.add_parser("compare", help="compare outlets: rates, labels, distinctive terms, divergence, time",
                       description="Compare outlets (or any documents column, --by). Without --stat: the "
                                   "outlet_category, referent_labels and referent_attention tables. With --stat: "
                                   "statistics with bootstrap intervals over documents, distinctive terms "
                                   "(log-odds ratio with a Dirichlet prior, keyness with FDR control), label "
                                   "divergence and tests, time series. Tables are written as CSV, Markdown and "
                                   "LaTeX. CORPUS may be a folder written by `framing score`.")
    corpus_args(p, score_dir=True)
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder")
    s = p.add_argument_group("statistics")
    s.add_argument("--stat", action="append", metavar="STAT",
                   help="one or more of " + ", ".join(STATS) + " (repeat or comma list; default: tables)")
    s.add_argument("--by", default="outlet", metavar="COLUMN",
                   help="documents column to group by (default outlet; e.g. a leaning column)")
    s.add_argument("--voice", action="append", metavar="VOICE",
                   help="only mentions in these voices (author, quoted, attributed, scare_quoted); default all "
                        "(rates, log-odds and keyness skip voice attribution unless --voice is given)")
    s.add_argument("--referent", action="append", metavar="ID", help="only these referents (labels, divergence)")
    s.add_argument("--groups", metavar="G,G", help="only these groups, in this order (comma list); for log-odds "
                                                   "and keyness the targets, the others still count as reference")
    s.add_argument("--versus", metavar="G,G", help="with --contrast group_vs_group: the reference groups; "
                                                   "--groups are the target groups")
    s.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    s.add_argument("--replicates", type=int, default=2000,
                   help="bootstrap replicates and permutations (default 2000)")
    s.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
    s.add_argument("--interval", choices=stats.INTERVALS, default="bca", help="bootstrap interval (default bca)")
    t = p.add_argument_group("distinctive terms (log-odds, keyness)")
    t.add_argument("--terms", choices=["lexicon", "ngrams"], default="lexicon",
                   help="lexicon terms from the mentions, or every word n-gram of the text (default lexicon)")
    t.add_argument("--ngram", default="1", metavar="LOW,HIGH", help="n-gram range with --terms ngrams (default 1)")
    t.add_argument("--min-count", type=int, default=None,
                   help="keep terms counted at least N times (default 1 for lexicon terms, 5 for n-grams)")
    t.add_argument("--contrast", choices=stats.CONTRASTS, default="one_vs_rest",
                   help="comparison design (default one_vs_rest)")
    t.add_argument("--prior", choices=["uniform", "informative"], default="uniform",
                   help="Dirichlet prior of the log-odds ratio (default uniform)")
    t.add_argument("--alpha", type=float, default=0.01, help="uniform prior pseudo-count per term (default 0.01)")
    t.add_argument("--alpha0", type=float, default=None,
                   help="informative prior mass (default: the background counts themselves)")
    t.add_argument("--prior-scale", choices=["fixed", "group"], default="fixed",
                   help="informative prior: fixed mass, or a multiple of each side's size (default fixed)")
    t.add_argument("--background", metavar="CSV", help="background counts (columns term, count) for the "
                                                       "informative prior (default: the pooled corpus)")
    t.add_argument("--variance", choices=["approx", "full"], default="approx",
                   help="variance of the log-odds ratio (default approx, as in Monroe et al. 2008)")
    t.add_argument("--measure", choices=stats.MEASURES, default="g2", help="keyness test statistic (default g2)")
    t.add_argument("--top", type=int, default=25,
                   help="rows per comparison in the Markdown and LaTeX files of long tables (default 25)")
    w = p.add_argument_group("time")
    w.add_argument("--period", choices=list(stats.PERIODS), default="month", help="time period (default month)")
    w.add_argument("--window", type=int, default=1, help="rolling window of periods (default 1: none)")
    w.add_argument("--center", action="store_true", help="centre the rolling window (default: trailing)")
    p.add_argument("--formats", default="csv,md,tex", help=f"table formats, comma list of {', '.join(FORMATS)} "
                                                           "(default all)")
    p.set_defaults(func=cmd_compare, _parser=p)


def _is_score_dir(corpus) -> bool:
    return is_score_dir(corpus)


def _load(args, stat_names: list[str]):
    """(mentions, documents, categories, referents, summary, unreadable dates) from a score folder
    (whose manifest has the count of documents scored with an unreadable date, if it was written by
    this version) or a corpus."""
    if _is_score_dir(args.corpus):
        folder = Path(args.corpus)
        mentions, documents = load_score_dir(folder)
        cats = refs = None
        if (folder / "categories.csv").exists():
            c = pd.read_csv(folder / "categories.csv", dtype=str, keep_default_na=False)
            cats = list(zip(c["lexicon"], c["category"]))
        if (folder / "referents.csv").exists():
            refs = pd.read_csv(folder / "referents.csv", dtype=str, keep_default_na=False)["referent"].tolist()
        summary = f"{len(mentions)} mentions in {len(documents)} documents from {args.corpus}"
        unreadable = None
        if (folder / "manifest.json").is_file():
            try:
                unreadable = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["counts"].get(
                    "unreadable_dates")
            except (ValueError, KeyError, TypeError, AttributeError):  # (a manifest of another shape: no count)
                unreadable = None
        return mentions, documents, cats, refs, summary, unreadable
    text_only = args.terms == "ngrams" and set(stat_names) <= TEXT_STATS and not args.lexicon and not args.demo
    if text_only:
        if not args.corpus:
            raise FramingError("no corpus given; pass a corpus file or folder, or --demo")
        corpus = read_corpus(args.corpus, **read_options(args))
        summary = f"{len(corpus.documents)} documents ({len(corpus.skipped)} skipped) from {args.corpus}"
        return None, corpus.documents, None, None, summary, corpus.unreadable_dates
    source, lexicons = source_and_lexicons(args)
    # voice attribution (which also ties descriptors to referents) is the costly step: skip it for
    # statistics that use neither voices nor referent-linked labels
    voice = bool(args.voice) or not set(stat_names) <= NO_VOICE_STATS
    result = score(source, lexicons, sentences=False, voice=voice, **read_options(args))
    cats = []
    for lex in result.lexicons:
        if lex.referents:
            cats.append((lex.name, "referent"))
        cats.extend((lex.name, c) for c in lex.categories)
    refs = [r for lex in result.lexicons for r in lex.referents]
    summary = (f"{len(result.mentions)} mentions in {len(result.documents)} documents "
               f"({len(result.skipped)} skipped) from {'the demo corpus' if args.demo else args.corpus}")
    return result.mentions, result.documents, cats or None, refs or None, summary, result.unreadable_dates


def _top(table: pd.DataFrame, by_cols: list[str], value: str, n: int) -> pd.DataFrame:
    """The ``n`` rows with the highest ``value`` per comparison (for Markdown and LaTeX), comparisons
    in the order of the table."""
    if table.empty:
        return table
    order = table[by_cols].drop_duplicates().reset_index(drop=True)
    order["_o"] = np.arange(len(order))
    t = table.merge(order, on=by_cols, how="left")
    t = t.sort_values(["_o", value], ascending=[True, False], kind="stable", na_position="last")
    return t.groupby("_o", sort=False).head(n).drop(columns="_o").reset_index(drop=True)


def _round(df: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    return out


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    return str(obj)


def _groups_arg(args):
    groups = _comma_list([args.groups]) if args.groups else None
    if args.contrast == "group_vs_group":
        versus = _comma_list([args.versus]) if args.versus else None
        if not groups or not versus:
            raise FramingError("--contrast group_vs_group needs --groups G,G (targets) and --versus G,G (reference)")
        return (groups, versus)
    if args.versus:
        raise FramingError("--versus goes with --contrast group_vs_group")
    return groups


def _term_table(args, mentions, documents, cache: dict):
    """Counts per group × term, and the totals keyness compares them with (computed once per run)."""
    if "terms" not in cache:
        cache["terms"] = _count_terms(args, mentions, documents)
    return cache["terms"]


def _count_terms(args, mentions, documents):
    by = args.by
    if args.terms == "ngrams":
        if "text" not in documents.columns:
            raise FramingError("--terms ngrams needs the article text; pass the corpus, not a folder written by "
                               "`framing score`")
        min_count = 5 if args.min_count is None else args.min_count
        counts = stats.term_counts(documents, by=by, ngram_range=args.ngram, min_count=min_count)
        totals = counts.attrs["totals"]
    else:
        min_count = 1 if args.min_count is None else args.min_count
        counts = stats.mention_counts(mentions, documents, by=by, voice=args.voice)
        if min_count > 1:
            tot = counts.groupby("term")["count"].transform("sum")
            counts = counts[tot >= min_count]
        tok = documents.assign(_t=pd.to_numeric(documents["n_tokens"], errors="coerce")).groupby(by)["_t"].sum()
        totals = {str(k): float(v) for k, v in tok.items()}
        present = set(map(str, counts["group"]))
        totals = {k: v for k, v in totals.items() if k in present}
    return counts, totals


def cmd_compare(args) -> int:
    as_given = argparse.Namespace(**vars(args))  # for the manifest, before options are parsed further
    out = Path(args.out)
    stat_names = _comma_list(args.stat) or ["tables"]
    unknown = [s for s in stat_names if s not in STATS]
    if unknown:
        raise FramingError(f"unknown --stat {unknown[0]!r}; choose from {', '.join(STATS)}")
    stat_names = list(dict.fromkeys(stat_names))
    formats = tuple(_comma_list([args.formats]))
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise FramingError(f"unknown --formats {bad[0] if bad else ''!r}; choose from {', '.join(FORMATS)}")
    args.voice = _comma_list(args.voice) or None
    referents = _comma_list(args.referent) or None
    if not 0 < args.level < 1:
        raise FramingError(f"--level must be between 0 and 1 (e.g. 0.95), not {args.level}")
    if args.replicates < 0:
        raise FramingError(f"--replicates must be a non-negative integer, not {args.replicates}")
    if {"log-odds", "keyness"} & set(stat_names):
        _groups_arg(args)  # check --groups / --versus before the corpus is read
    mentions, documents, cats, refs, summary, unreadable = _load(args, stat_names)
    by = args.by
    if by not in documents.columns:
        cols = ", ".join(c for c in documents.columns if c != "text")
        raise FramingError(f"--by {by}: no such documents column; columns: {cols}")
    boot = {"replicates": args.replicates, "level": args.level, "interval": args.interval, "seed": args.seed}
    only = _comma_list([args.groups]) if args.groups else None
    written: list[Path] = []
    cache: dict = {}
    params: dict[str, dict] = {}
    printed: list[str] = [summary]

    def emit(name: str, table: pd.DataFrame, readable: pd.DataFrame | None = None) -> None:
        written.extend(write_table(table, out / name, formats,
                                   summary=None if readable is None else _round(readable)))
        if table.attrs:
            params[name] = _jsonable(dict(table.attrs))

    for stat in stat_names:
        if stat == "tables":
            tables = compare(mentions, documents, voice=args.voice, categories=cats, referents=refs)
            if by != "outlet":
                tables["outlet_category"] = outlet_category(mentions, documents, categories=cats, by=by,
                                                            voice=args.voice)
            for name, table in tables.items():
                emit(name, table)
            oc = tables["outlet_category"]
            oc = oc[oc["category"] != "referent"]
            if len(oc):
                wide = oc.pivot_table(index=["lexicon", "category"], columns=by, values="rate_per_1k",
                                      aggfunc="sum", sort=False)
                printed.append("Mentions per 1,000 tokens, by category and " + by + ":\n"
                               + to_markdown(wide.round(2).reset_index()))
            labels = tables["referent_labels"]
            if len(labels):
                top = labels.sort_values(["referent", "outlet", "count"], ascending=[True, True, False]).groupby(
                    ["referent", "outlet"]).head(3)
                printed.append("Top labels per referent and outlet:\n"
                               + to_markdown(top[["referent", "outlet", "term", "count", "share"]].round(3)))
        elif stat == "rates":
            t = stats.rates(mentions, documents, by=by, categories=cats, voice=args.voice, groups=only, **boot)
            emit("rates", t)
            shown = t[t["category"] != "referent"].sort_values("rate_per_1k", ascending=False).head(10)
            printed.append(f"Highest rates per 1,000 tokens ({args.level:.0%} {args.interval} intervals):\n"
                           + to_markdown(_round(shown[["group", "lexicon", "category", "mentions", "rate_per_1k",
                                                       "ci_low", "ci_high"]], 3)))
        elif stat == "labels":
            t = stats.label_shares(mentions, documents, by=by, referent=referents, voice=args.voice, groups=only,
                                   **boot)
            emit("labels", t)
            shown = t.groupby(["referent", "group"], sort=False).head(2)
            printed.append("Top labels per referent and group:\n"
                           + to_markdown(_round(shown[["referent", "group", "term", "count", "share", "ci_low",
                                                       "ci_high"]], 3)))
        elif stat == "valence":
            t = stats.valence_index(mentions, documents, by=by, referent=referents, voice=args.voice, groups=only,
                                    **boot)
            emit("valence", t)
            printed.append("Mean valence of labels per referent and group:\n"
                           + to_markdown(_round(t[["referent", "group", "labels", "valence_mean", "ci_low",
                                                   "ci_high"]], 3)))
        elif stat in ("log-odds", "keyness"):
            counts, totals = _term_table(args, mentions, documents, cache)
            groups = _groups_arg(args)
            if stat == "log-odds":
                background = None
                if args.background:
                    background = pd.read_csv(args.background, dtype={"term": str}, keep_default_na=False)
                t = stats.log_odds(counts, contrast=args.contrast, groups=groups, prior=args.prior,
                                   alpha=args.alpha, background=background, alpha0=args.alpha0,
                                   variance=args.variance, prior_scale=args.prior_scale)
                t.attrs["terms"] = args.terms
                t.attrs["ngram_range"] = args.ngram if args.terms == "ngrams" else None
                readable = _top(t, ["group", "reference"], "z", args.top)
                emit("log_odds", t, readable)
                shown = _top(t, ["group", "reference"], "z", 8)
                printed.append(f"Distinctive terms (log-odds ratio, {args.prior} prior, {args.contrast}; top z):\n"
                               + to_markdown(_round(shown[["group", "reference", "term", "count",
                                                           "count_reference", "delta", "z"]], 3)))
            else:
                t = stats.keyness(counts, contrast=args.contrast, groups=groups, measure=args.measure,
                                  totals=totals)
                t.attrs["terms"] = args.terms
                readable = _top(t, ["group", "reference"], args.measure, args.top)
                emit("keyness", t, readable)
                shown = _top(t, ["group", "reference"], args.measure, 8)
                printed.append(f"Key terms ({args.measure}, Benjamini-Hochberg over {t.attrs.get('family_size')} "
                               "tests):\n" + to_markdown(_round(shown[["group", "reference", "term", "count",
                                                                        "count_reference", args.measure,
                                                                        "p_adj"]], 4)))
        elif stat == "divergence":
            d = stats.label_divergence(mentions, documents, by=by, referent=referents, voice=args.voice,
                                       groups=only, replicates=args.replicates, level=args.level,
                                       interval=args.interval, seed=args.seed)
            emit("divergence", d)
            lt = stats.label_test(mentions, documents, by=by, referent=referents, voice=args.voice,
                                  groups=only, permutations=args.replicates, seed=args.seed)
            emit("label_tests", lt)
            td = stats.term_divergence(mentions, documents, by=by, voice=args.voice, groups=only,
                                       replicates=args.replicates, level=args.level, interval=args.interval,
                                       seed=args.seed)
            emit("term_divergence", td)
            for ref in d["referent"].unique()[:5]:
                m = stats.divergence_matrix(d, referent=ref, value="interval")
                printed.append(f"Jensen-Shannon divergence of label distributions for {ref} "
                               f"({args.level:.0%} bootstrap intervals):\n" + to_markdown(m.reset_index()))
        elif stat == "time":
            t = stats.rates_over_time(mentions, documents, by=by, period=args.period, window=args.window,
                                      center=args.center, categories=cats, voice=args.voice, groups=only,
                                      **boot)
            emit("rates_time", t)
            lt = stats.label_shares_over_time(mentions, documents, by=by, period=args.period, window=args.window,
                                              center=args.center, referent=referents, voice=args.voice,
                                              groups=only, **boot)
            emit("labels_time", lt)
            printed.append(f"Rates per {args.period} (window {args.window}): {len(t)} rows in rates_time; "
                           f"label shares: {len(lt)} rows in labels_time")
    out.mkdir(parents=True, exist_ok=True)
    if params:
        path = out / "parameters.json"
        path.write_text(json.dumps(params, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    source = args.corpus if args.corpus else (str(demo_corpus()) if args.demo else None)
    lex_inputs = [] if _is_score_dir(args.corpus) else [
        str(bundled_lexicons().get(x, x)) for x in (args.lexicon or (DEFAULT_DEMO_LEXICONS if args.demo else []))]
    record_run(as_given, out, command="compare", inputs=[source, *lex_inputs],
               parameters={"stat": stat_names, "by": by, **boot},
               counts={"mentions": 0 if mentions is None else len(mentions), "documents": len(documents),
                       **({} if unreadable is None else {"unreadable_dates": unreadable})},
               policies=POLICIES)
    print("\n\n".join(printed))
    print(f"wrote {len(written)} files and manifest.json to {out}/")
    return 0
