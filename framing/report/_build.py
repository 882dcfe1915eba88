"""The analysis behind a report: tables with intervals, figures and the audit sample, from a
:class:`~framing.score.ScoreResult`; and writing them (tables, figures, HTML, manifest)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import plots, stats
from ..comparison import referent_attention, voice_shares
from ..corpus import score_output
from ..errors import FramingError
from ..lexicon.model import REFERENT_CATEGORY
from ..manifest import Clock, display_path, hash_inputs, lexicon_records, write_manifest
from ..score import ScoreResult, score
from ..tables import FORMATS, write_table
from ._audit import audit_cells

__all__ = ["ReportOptions", "Report", "FigureEntry", "analyse", "write", "auto_period"]

VOICES = ("author", "quoted", "attributed", "scare_quoted")


@dataclass
class ReportOptions:
    """Every setting of a report (recorded in its manifest).

    Attributes
    ----------
    title : str, optional
        Title of the HTML page (default: "Framing report: <corpus>").
    by : str, default "outlet"
        Documents column that defines the groups compared.
    voice : list of str, optional
        Only mentions in these voices (``["author"]``: the outlet's own words); default all.
    referents : list of str, optional
        Referents whose labels are reported (default: every referent with labels).
    seed : int, default 0
        Seed of every bootstrap and of the audit sample.
    replicates : int, default 1000
        Bootstrap replicates (0: no intervals).
    level : float, default 0.95
    interval : {"bca", "percentile"}, default "bca"
    period : {"auto", "day", "week", "month", "quarter", "year"}, default "auto"
        Period of the time series (``auto``: from the span of the dates).
    window : int, default 1
        Rolling window of periods in the time series.
    time_categories : int, default 3
        Time series are drawn for this many categories (the most mentioned).
    prior : {"uniform", "informative"}, default "uniform"
        Dirichlet prior of the log-odds ratio of distinctive terms.
    alpha : float, default 0.01
        Pseudo-count of the uniform prior.
    top_terms : int, default 10
        Terms labelled on each side of a distinctive-terms plot.
    max_referents : int, default 6
        Referents with label figures (the most labelled).
    max_comparisons : int, default 8
        Groups with a distinctive-terms figure (the largest); the table holds all.
    snippets : int, default 3
        Audit snippets per cell.
    context : int, default 60
        Characters of context on each side of a snippet.
    max_snippets : int, default 5000
        Bound on all audit snippets.
    tables : tuple of str, default ("csv", "md", "tex")
    figures : tuple of str, default ("png", "svg")
    dpi : int, default 150
        Resolution of the PNG files.
    html_dpi : int, default 100
        Resolution of the figures embedded in the HTML page.
    html : bool, default True
        Write ``index.html``.
    """

    title: str | None = None
    by: str = "outlet"
    voice: list[str] | None = None
    referents: list[str] | None = None
    seed: int = 0
    replicates: int = 1000
    level: float = 0.95
    interval: str = "bca"
    period: str = "auto"
    window: int = 1
    time_categories: int = 3
    prior: str = "uniform"
    alpha: float = 0.01
    top_terms: int = 10
    max_referents: int = 6
    max_comparisons: int = 8
    snippets: int = 3
    context: int = 60
    max_snippets: int = 5000
    tables: tuple[str, ...] = ("csv", "md", "tex")
    figures: tuple[str, ...] = ("png", "svg")
    dpi: int = 150
    html_dpi: int = 100
    html: bool = True

    def __post_init__(self):
        if isinstance(self.voice, str):
            self.voice = [self.voice]
        if isinstance(self.referents, str):
            self.referents = [self.referents]
        self.tables = tuple(self.tables)
        self.figures = tuple(self.figures)
        bad = [f for f in self.tables if f not in FORMATS]
        if bad:
            raise FramingError(f"unknown table format {bad[0]!r}; choose from {', '.join(FORMATS)}")
        bad = [f for f in self.figures if f not in plots.FIGURE_FORMATS]
        if bad:
            raise FramingError(f"unknown figure format {bad[0]!r}; choose from {', '.join(plots.FIGURE_FORMATS)}")
        if self.voice is not None:
            bad = [v for v in self.voice if v not in VOICES]
            if bad:
                raise FramingError(f"unknown voice {bad[0]!r}; choose from {', '.join(VOICES)}")
        if self.interval not in stats.INTERVALS:
            raise FramingError(f"interval must be one of {', '.join(stats.INTERVALS)}, not {self.interval!r}")
        if self.period != "auto" and self.period not in stats.PERIODS:
            raise FramingError(f"period must be auto or one of {', '.join(stats.PERIODS)}, not {self.period!r}")
        for name in ("replicates", "snippets", "context", "max_snippets", "top_terms", "max_referents",
                     "max_comparisons", "time_categories", "seed"):
            if int(getattr(self, name)) < 0:
                raise FramingError(f"{name} must be zero or more, not {getattr(self, name)}")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ReportOptions:
        known = {f.name for f in fields(cls)}
        unknown = [k for k in settings if k not in known]
        if unknown:
            from ..errors import closest

            raise FramingError(f"unknown report setting '{unknown[0]}'{closest(unknown[0], known)}")
        return cls(**dict(settings))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tables"] = list(self.tables)
        d["figures"] = list(self.figures)
        return d


@dataclass
class FigureEntry:
    """A figure of the report: file name stem, heading, caption, and the figure itself."""

    name: str
    heading: str
    caption: str
    figure: Any
    paths: list[Path] = field(default_factory=list)
    png: bytes = b""


@dataclass
class Report:
    """What :func:`write` returns: the output folder, the tables, the figure files and the manifest."""

    out: Path
    tables: dict[str, pd.DataFrame]
    figures: dict[str, list[Path]]
    files: list[Path]
    index: Path | None
    manifest: Path | None
    result: ScoreResult
    options: ReportOptions

    def __repr__(self) -> str:
        return (f"Report({self.out}: {len(self.tables)} tables, {len(self.figures)} figures, "
                f"{len(self.files)} files{', index.html' if self.index else ''})")


# ------------------------------------------------------------------------------------------ analysis
def auto_period(dates: pd.Series) -> str | None:
    """A period for time series from the span of the dates: None when fewer than two dates differ."""
    d = pd.to_datetime(dates, errors="coerce").dropna()
    if d.nunique() < 2:
        return None
    span = (d.max() - d.min()).days
    if span > 3 * 366:
        return "year"
    if span > 366:
        return "quarter"
    if span > 60:
        return "month"
    if span > 14:
        return "week"
    return "day"


def _categories(result: ScoreResult) -> list[tuple[str, str]] | None:
    cats: list[tuple[str, str]] = []
    for lex in result.lexicons:
        if lex.referents:
            cats.append((lex.name, REFERENT_CATEGORY))
        cats.extend((lex.name, c) for c in lex.categories)
    return cats or None


def _with_group(mentions: pd.DataFrame, documents: pd.DataFrame, by: str) -> pd.DataFrame:
    if by == "outlet":
        return mentions
    if by not in documents.columns:
        cols = ", ".join(c for c in documents.columns if c != "text")
        raise FramingError(f"by={by!r}: no such documents column; columns: {cols}")
    return mentions.drop(columns=[by], errors="ignore").merge(documents[["doc_id", by]], on="doc_id", how="left")


def _filter_voice(mentions: pd.DataFrame, voice) -> pd.DataFrame:
    return mentions if voice is None else mentions[mentions["voice"].isin(list(voice))]


def _group_summary(result: ScoreResult, mentions: pd.DataFrame, by: str) -> pd.DataFrame:
    d = result.documents
    g = d.groupby(by, sort=True)
    out = pd.DataFrame({"documents": g.size(), "tokens": g["n_tokens"].sum()})
    if "date" in d.columns:
        dates = pd.to_datetime(d["date"], errors="coerce")
        first = dates.groupby(d[by]).min()
        last = dates.groupby(d[by]).max()
        out["first_date"] = [("" if pd.isna(v) else v.strftime("%Y-%m-%d")) for v in first.reindex(out.index)]
        out["last_date"] = [("" if pd.isna(v) else v.strftime("%Y-%m-%d")) for v in last.reindex(out.index)]
    loaded = mentions[mentions["category"] != REFERENT_CATEGORY]
    out["mentions"] = loaded.groupby(by).size().reindex(out.index, fill_value=0).astype(np.int64)
    labels = loaded[loaded["referent"].notna() & (loaded["referent"].astype(str) != "")]
    out["labels"] = labels.groupby(by).size().reindex(out.index, fill_value=0).astype(np.int64)
    out["rate_per_1k"] = 1000.0 * out["mentions"] / out["tokens"].where(out["tokens"] > 0)
    out.index.name = "group"
    return out.reset_index()


def analyse(result: ScoreResult, options: ReportOptions | None = None) -> dict[str, pd.DataFrame]:
    """The report's tables from a scored corpus.

    Parameters
    ----------
    result : ScoreResult
    options : ReportOptions, optional

    Returns
    -------
    dict of DataFrame
        ``groups`` (documents, tokens, dates and mentions per group), ``rates``
        (:func:`framing.stats.rates`), ``labels`` (:func:`framing.stats.label_shares`),
        ``valence`` (:func:`framing.stats.valence_index`), ``attention``
        (:func:`framing.referent_attention`, when grouping by outlet), ``voice_shares``
        (:func:`framing.comparison.voice_shares`), ``log_odds`` (:func:`framing.stats.log_odds`, each
        group against the rest), ``divergence`` (:func:`framing.stats.label_divergence`),
        ``rates_time`` (:func:`framing.stats.rates_over_time`, when documents have dates) and
        ``skipped`` (when records were skipped). Each table's ``attrs`` hold its parameters.
    """
    o = options or ReportOptions()
    docs = result.documents
    by = o.by
    if by not in docs.columns:
        cols = ", ".join(c for c in docs.columns if c != "text")
        raise FramingError(f"by={by!r}: no such documents column; columns: {cols}")
    mentions = _with_group(result.mentions, docs, by)
    voice = list(o.voice) if o.voice else None
    m = _filter_voice(mentions, voice)
    boot = {"replicates": o.replicates, "level": o.level, "interval": o.interval, "seed": o.seed}
    tables: dict[str, pd.DataFrame] = {}
    tables["groups"] = _group_summary(result, m, by)
    tables["rates"] = stats.rates(mentions, docs, by=by, categories=_categories(result), voice=voice, **boot)
    tables["labels"] = stats.label_shares(mentions, docs, by=by, referent=o.referents, voice=voice, **boot)
    tables["valence"] = stats.valence_index(mentions, docs, by=by, referent=o.referents, voice=voice, **boot)
    if by == "outlet":
        refs = [r for lex in result.lexicons for r in lex.referents] or None
        tables["attention"] = referent_attention(mentions, docs, referents=refs, voice=voice)
    vs = voice_shares(mentions, by=by)
    vs = vs.rename(columns={by: "group"})
    vs.attrs = {"statistic": "voice_shares", "voice": "all (this table compares the voices)"}
    tables["voice_shares"] = vs
    n_groups = docs[by].nunique()
    if n_groups >= 2:
        counts = stats.mention_counts(mentions, docs, by=by, voice=voice)
        if len(counts):
            tables["log_odds"] = stats.log_odds(counts, contrast="one_vs_rest", prior=o.prior, alpha=o.alpha)
            tables["log_odds"].attrs["voice"] = voice
        tables["divergence"] = stats.label_divergence(mentions, docs, by=by, referent=o.referents, voice=voice,
                                                      replicates=o.replicates, level=o.level, seed=o.seed)
    period = auto_period(docs["date"]) if o.period == "auto" and "date" in docs.columns else (
        o.period if o.period != "auto" else None)
    if period is not None:
        rt = tables["rates"]
        top = (rt[rt["category"] != REFERENT_CATEGORY].groupby(["lexicon", "category"], sort=False)["mentions"].sum()
               .sort_values(ascending=False, kind="stable"))
        top = [k for k, v in top.items() if v > 0][: o.time_categories]
        if top:
            tables["rates_time"] = stats.rates_over_time(mentions, docs, by=by, period=period, window=o.window,
                                                         categories=top, voice=voice, **boot)
    if len(result.skipped):
        tables["skipped"] = result.skipped
    for name, t in tables.items():
        t.attrs.setdefault("table", name)
    return tables


def _referent_names(result: ScoreResult) -> dict[str, str]:
    return {r.id: r.name for lex in result.lexicons for r in lex.referents.values()}


def _top_referents(labels: pd.DataFrame, o: ReportOptions) -> list[str]:
    if labels.empty:
        return []
    tot = labels.groupby("referent")["count"].sum()
    tot = tot[tot > 0]
    return sorted(tot.index, key=lambda r: (-tot[r], str(r)))[: o.max_referents]


def figures(tables: dict[str, pd.DataFrame], result: ScoreResult, o: ReportOptions) -> list[FigureEntry]:
    """The report's figures (built, not yet saved)."""
    names = _referent_names(result)
    out: list[FigureEntry] = []
    level = f"{o.level:.0%} {o.interval} bootstrap intervals over documents ({o.replicates} replicates)"
    rt = tables["rates"]
    for lex in dict.fromkeys(rt["lexicon"].astype(str)):
        sub = rt[(rt["lexicon"] == lex) & (rt["category"] != REFERENT_CATEGORY)]
        if sub.empty:
            continue
        out.append(FigureEntry(f"rates_{plots._base.slug(lex)}", f"Rates per 1,000 tokens: lexicon {lex}",
                               "Mentions of each category per 1,000 word tokens of each group (all its scored "
                               "documents). The intervals are in tables/rates.csv.",
                               plots.rates(sub, lexicon=lex)))
    vs = tables["voice_shares"]
    if len(vs) and vs["total"].sum() > 0:
        out.append(FigureEntry("voice_shares", "Whose words: own voice and quoted speech",
                               "Share of each group's loaded-language mentions in its own voice (author), inside "
                               "quotations, in attributed speech and in scare quotes; n = mentions.",
                               plots.voice_shares(vs, by="group")))
    labels = tables["labels"]
    for ref in _top_referents(labels, o):
        name = names.get(ref, ref)
        out.append(FigureEntry(f"labels_{plots._base.slug(ref)}", f"Labels given to {name}",
                               f"Share of each label among the labels each group gives {name} ({ref}); whiskers: "
                               f"{level}; n = labels.",
                               plots.label_shares(labels, referent=ref)))
    val = tables["valence"]
    if len(val):
        refs = [r for r in _top_referents(labels, o) if r in set(val["referent"])]
        if refs:
            out.append(FigureEntry("valence", "Valence of the labels",
                                   f"Mean valence of the labels each group gives each referent (-1 delegitimising, "
                                   f"+1 legitimising), with {level}; n = labels with a valence.",
                                   plots.valence_index(val, referent=refs)))
    lo = tables.get("log_odds")
    if lo is not None and len(lo):
        sizes = tables["groups"].sort_values(["documents", "group"], ascending=[False, True], kind="stable")
        chosen = [g for g in sizes["group"] if str(g) in set(lo["group"].astype(str))][: o.max_comparisons]
        for g in sorted(chosen, key=str):
            sub = lo[lo["group"].astype(str) == str(g)]
            out.append(FigureEntry(f"log_odds_{plots._base.slug(g)}", f"Distinctive terms: {g}",
                                   f"Lexicon terms {g} uses more (up) or less (down) than the other groups pooled: "
                                   f"z-score of the log-odds ratio with a {o.prior} Dirichlet prior (Monroe, "
                                   "Colaresi & Quinn 2008) against frequency; dashed lines at |z| = 1.96. Word uses "
                                   "cluster in articles, so read z as a ranking.",
                                   plots.log_odds(sub, group=g, top=o.top_terms)))
    dv = tables.get("divergence")
    if dv is not None and len(dv):
        refs = [r for r in _top_referents(labels, o) if r in set(dv["referent"])][:3]
        for ref in refs:
            name = names.get(ref, ref)
            out.append(FigureEntry(f"divergence_{plots._base.slug(ref)}", f"How differently groups label {name}",
                                   "Jensen-Shannon divergence (base 2: 0 identical, 1 disjoint) between the label "
                                   f"distributions of each pair of groups for {name}; intervals in "
                                   "tables/divergence.csv. Small samples inflate it.",
                                   plots.label_divergence(dv, referent=ref)))
    rtt = tables.get("rates_time")
    if rtt is not None and len(rtt):
        for lex, cat in dict.fromkeys(zip(rtt["lexicon"].astype(str), rtt["category"].astype(str))):
            sub = rtt[(rtt["lexicon"] == lex) & (rtt["category"] == cat)]
            out.append(FigureEntry(f"rates_time_{plots._base.slug(lex)}_{plots._base.slug(cat)}",
                                   f"Over time: {cat} ({lex})",
                                   f"Mentions per 1,000 tokens per {rtt.attrs.get('period', 'period')}, with "
                                   f"{level}; gaps where a group published nothing.",
                                   plots.rates_over_time(sub, category=cat, lexicon=lex)))
    return out


# ---------------------------------------------------------------------------------------- writing
def _readable(name: str, t: pd.DataFrame) -> pd.DataFrame | None:
    """A shorter table for the Markdown and LaTeX files of long tables (the CSV stays whole)."""
    if name == "log_odds" and len(t):
        return (t.sort_values(["group", "reference", "z"], ascending=[True, True, False], kind="stable")
                .groupby(["group", "reference"], sort=False).head(25).reset_index(drop=True))
    return None


def _rounded(t: pd.DataFrame | None) -> pd.DataFrame | None:
    if t is None:
        return None
    out = t.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(4)
    return out


def _prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO text so CSV bytes do not depend on pandas' datetime formatting."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = [("" if pd.isna(v) else (v.strftime("%Y-%m-%d") if v == v.normalize() else v.isoformat()))
                      for v in out[c]]
    return out


def _clean(out: Path) -> None:
    """Remove what an earlier report wrote here (tables, figures, page, manifest)."""
    for sub, exts in (("tables", FORMATS), ("figures", plots.FIGURE_FORMATS)):
        folder = out / sub
        if folder.is_dir():
            for p in folder.iterdir():
                if p.is_file() and p.suffix.lstrip(".") in exts:
                    p.unlink()
    for name in ("index.html", "manifest.json"):
        if (out / name).is_file():
            (out / name).unlink()


def _source_name(source) -> str:
    from .._resources import demo_corpus

    if isinstance(source, (str, Path)):
        try:
            if Path(source).resolve() == demo_corpus().resolve():
                return "the framing demo corpus (synthetic)"
        except FileNotFoundError:  # pragma: no cover
            pass
        return display_path(source)
    if isinstance(source, pd.DataFrame):
        return "a DataFrame"
    return type(source).__name__


def write(source, lexicons=None, *, out: str | Path, options: ReportOptions | None = None,
          read_options: Mapping[str, Any] | None = None, manifest: bool = True, command=None,
          inputs: Mapping[str, str] | Sequence[str | Path] | None = None, counts: Mapping[str, Any] | None = None,
          study: Mapping[str, Any] | None = None, corpus_name: str | None = None, base: str | Path | None = None,
          progress: bool | None = None, clock: Clock | None = None, **settings) -> Report:
    """Write a report: ``out/index.html``, ``out/tables/``, ``out/figures/`` and ``out/manifest.json``.

    Parameters
    ----------
    source : ScoreResult, Corpus, DataFrame, str or Path
        A scored corpus, or a corpus to score (anything :func:`framing.read_corpus` reads).
    lexicons : lexicon(s), optional
        Needed unless ``source`` is a :class:`~framing.ScoreResult`.
    out : str or Path
        Output folder (created; files of an earlier report in it are replaced).
    options : ReportOptions, optional
        All settings at once; or give them as keyword arguments (``seed=1, replicates=500,
        voice="author", tables=("csv",), figures=("png", "svg", "pdf"), dpi=300`` ...; see
        :class:`ReportOptions`).
    read_options : mapping, optional
        Passed to :func:`framing.read_corpus` (``text_col=`` ...).
    manifest : bool, default True
        Write ``manifest.json``.
    command : optional
        The command line or study recorded in the manifest (default: the Python call).
    inputs : mapping or list of paths, optional
        Input files recorded in the manifest (default: ``source`` when it is a path).
    counts : mapping, optional
        Counts recorded in the manifest in addition to read, scored and skipped (e.g. documents
        filtered out by a study).
    study : mapping, optional
        The study file recorded in the manifest.
    corpus_name : str, optional
        How the page names the corpus (default: its path).
    base : path, optional
        Folder relative to which input paths are recorded (default: the working directory).
    progress : bool, optional
        Progress bar while scoring.
    clock : framing.manifest.Clock, optional
        When the run started (for the manifest's run time; default: now).

    Returns
    -------
    Report

    Notes
    -----
    Deterministic: the same inputs, settings and seed give byte-identical tables, figures, page and
    manifest entries (all but the manifest's ``nondeterministic`` section). The page embeds its
    figures as PNG (``data:`` URIs), needs no network and no JavaScript, escapes every piece of
    article text, and shows a bounded sample of snippets (``snippets`` per cell, ``max_snippets`` in
    all), never the corpus.

    Examples
    --------
    >>> import framing, tempfile
    >>> rep = framing.report.write(framing.demo_corpus(), ["libya", "loaded_language"],
    ...                            out=tempfile.mkdtemp(), replicates=50)  # doctest: +SKIP
    """
    clock = clock or Clock()
    o = options if options is not None else ReportOptions.from_settings(settings)
    if options is not None and settings:
        o = ReportOptions.from_settings({**o.to_dict(), **settings})
    out = Path(out)
    if isinstance(source, ScoreResult):
        result = source
    else:
        if isinstance(source, (str, Path)) and score_output(Path(source)):
            raise FramingError(f"{source} is a folder written by `framing score` (no article text); a report "
                               "needs the text for its snippets: pass the corpus itself")
        if lexicons is None:
            raise FramingError("no lexicon given; pass lexicons (e.g. ['libya', 'loaded_language'])")
        result = score(source, lexicons, progress=progress, **dict(read_options or {}))
    if result.documents.empty:
        raise FramingError("no document was scored (all were skipped or filtered out); nothing to report")
    if inputs is None:
        inputs = [source] if isinstance(source, (str, Path)) else {}
    input_map = dict(inputs) if isinstance(inputs, Mapping) else hash_inputs(list(inputs), base=base)
    corpus_hashed = bool(input_map)
    for rec in lexicon_records(result.lexicons, base=base):
        if rec["path"]:
            input_map[rec["path"]] = rec["sha256"]
    tables = analyse(result, o)
    entries = figures(tables, result, o) if (o.figures or o.html) else []
    out.mkdir(parents=True, exist_ok=True)
    _clean(out)
    written: list[Path] = []
    for name, t in tables.items():
        readable = _readable(name, t)
        written += write_table(_prepare(t), out / "tables" / name, o.tables,
                               summary=_rounded(_prepare(readable)) if readable is not None else None)
    from ..plots._base import figure_bytes, save_figure

    for e in entries:
        if o.figures:
            e.paths = save_figure(e.figure, out / "figures" / e.name, o.figures, dpi=o.dpi)
            written += e.paths
        if o.html:
            png = [p for p in e.paths if p.suffix == ".png"]
            e.png = png[0].read_bytes() if png and o.dpi == o.html_dpi else figure_bytes(e.figure, "png",
                                                                                          dpi=o.html_dpi)
    index = None
    count_map = {"read": len(result.documents) + len(result.skipped), "scored": len(result.documents),
                 "skipped": len(result.skipped), "mentions": len(result.mentions),
                 "unreadable_dates": result.unreadable_dates}
    count_map.update(dict(counts or {}))
    if o.html:
        from ._html import render

        m = _filter_voice(_with_group(result.mentions, result.documents, o.by), o.voice)
        cells, capped = audit_cells(m, result.documents, group_col=o.by, seed=o.seed, per_cell=o.snippets,
                                    width=o.context, max_snippets=o.max_snippets, referents=o.referents,
                                    categories=_categories(result))
        page = render(result=result, tables=tables, figures=entries, cells=cells, capped=capped, options=o,
                      corpus_name=corpus_name or _source_name(source), counts=count_map, command=command,
                      study=study, inputs=input_map, corpus_hashed=corpus_hashed)
        index = out / "index.html"
        index.write_text(page, encoding="utf-8", newline="\n")
        written.append(index)
    for e in entries:
        e.figure.clear()
    manifest_path = None
    if manifest:
        params = {"report": o.to_dict(), "read_options": dict(read_options or {}),
                  "statistics": {name: dict(t.attrs) for name, t in tables.items()}}
        manifest_path = write_manifest(out, command=command if command is not None else
                                       {"python": "framing.report.write", "cwd": Path.cwd().as_posix()},
                                       inputs=input_map, parameters=params, counts=count_map,
                                       policies=result.policies, lexicons=result.lexicons, files=written,
                                       study=study, clock=clock, base=base)
    return Report(out=out, tables=tables, figures={e.name: e.paths for e in entries}, files=written, index=index,
                  manifest=manifest_path, result=result, options=o)
