"""Study files: a whole analysis described in YAML, run with ``framing study run`` and checked with
``framing study verify``.

A study file names the corpus (path and column mapping), filters by outlet and date, the lexicons,
the voices counted, the statistics with their parameters and seed, and the outputs. Paths are
relative to the study file. :data:`TEMPLATE` (``framing study init``) documents every key; unknown
keys are errors that name the line and the closest known key.

Running a study writes a report (:mod:`framing.report`) whose ``manifest.json`` records the study
file's text and SHA-256, every input's SHA-256 and every output's SHA-256. :func:`verify` re-runs
the study from the manifest into a temporary folder and compares, file by file, the inputs and the
outputs with those recorded.

>>> import pathlib, tempfile
>>> path = init_study(pathlib.Path(tempfile.mkdtemp()) / "study.yaml")
>>> study = load_study(path)
>>> study.lexicons, study.statistics["seed"]
(['libya', 'loaded_language'], 0)
"""

from __future__ import annotations

import copy
import hashlib
import os
import shutil
import tempfile
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .errors import FramingError, UnreadableDateWarning, closest
from .manifest import Clock, compare_hashes, display_path, hash_inputs, read_manifest, sha256_file

__all__ = ["TEMPLATE", "Study", "StudyError", "load_study", "parse_study", "run_study", "init_study", "verify",
           "Verification", "DEFAULTS"]


class StudyError(FramingError):
    """A study file is invalid (the message names the file and line)."""


#: The commented template written by ``framing study init``: every key, with its default.
TEMPLATE = """\
# A framing study: one analysis, described completely, so that anyone can re-run it.
#   framing study run study.yaml          run it (writes the outputs below)
#   framing study verify OUT              re-run it from OUT/manifest.json and compare every output
# Paths are relative to this file. Delete what you do not need: every key has the default shown.

name: derna-demo                      # a short name for the study
title: Labels of the 2018 Derna campaign in five outlets   # title of the HTML report (optional)

corpus:
  demo: true                          # true: framing's bundled demo corpus (synthetic); set false and give path
  path: null                          # a .csv .tsv .jsonl .json .parquet file, or a folder of .txt files
  format: null                        # override the file extension: csv, tsv, jsonl, json or parquet
  columns:                            # which input columns hold what (null: auto-detect common names)
    text: null                        # e.g. body, content
    outlet: null                      # e.g. source, publisher
    date: null                        # e.g. published
    id: null                          # e.g. uuid
    title: null                       # e.g. headline
  outlet_value: null                  # one outlet for every document (a single-outlet file)
  metadata: null                      # sidecar CSV for a folder of .txt files (default: its metadata.csv)
  encoding: utf-8
  max_chars: 1000000                  # longer texts are skipped, with the reason recorded

filters:                              # applied after reading, before scoring
  outlets: []                         # keep only these outlets (empty: all)
  exclude_outlets: []                 # drop these outlets
  date_from: null                     # YYYY-MM-DD, inclusive
  date_to: null                       # YYYY-MM-DD, inclusive
  undated: drop                       # with a date filter: drop or keep documents without a date

lexicons: [libya, loaded_language]    # bundled names or paths to lexicon files (any supported format)

voice: null                           # null: every voice; author: the outlet's own words only; or a list,
                                      # e.g. [author, scare_quoted]

statistics:
  seed: 0                             # seed of every bootstrap and of the audit sample
  by: outlet                          # documents column that defines the groups (e.g. a leaning column)
  replicates: 1000                    # bootstrap replicates (resampling documents within each group)
  level: 0.95                         # confidence level
  interval: bca                       # bca or percentile
  referents: []                       # actors whose labels are reported (empty: all with labels)
  period: auto                        # time series: auto, day, week, month, quarter or year
  window: 1                           # rolling window of periods
  time_categories: 3                  # categories drawn over time (the most mentioned)
  log_odds:                           # distinctive terms (Monroe, Colaresi & Quinn 2008)
    prior: uniform                    # uniform or informative
    alpha: 0.01                       # pseudo-count per term of the uniform prior
    top_terms: 10                     # terms labelled on each side of a plot
  max_referents: 6                    # actors with a label figure
  max_comparisons: 8                  # groups with a distinctive-terms figure

outputs:
  dir: study-output                   # output folder, relative to this file
  html: true                          # index.html: findings, figures, audit snippets
  tables: [csv, md, tex]
  figures: [png, svg]                 # png, svg, pdf; [] for none
  dpi: 150                            # resolution of the PNG files
  snippets: 3                         # audit snippets per cell
  context: 60                         # characters of context on each side of a snippet
  max_snippets: 5000                  # bound on all snippets (the report never embeds the corpus)
"""

#: Defaults of every key (the template's values, except that the corpus is not the demo).
DEFAULTS: dict[str, Any] = {
    "name": None,
    "title": None,
    "corpus": {"demo": False, "path": None, "format": None,
               "columns": {"text": None, "outlet": None, "date": None, "id": None, "title": None},
               "outlet_value": None, "metadata": None, "encoding": "utf-8", "max_chars": 1_000_000},
    "filters": {"outlets": [], "exclude_outlets": [], "date_from": None, "date_to": None, "undated": "drop"},
    "lexicons": [],
    "voice": None,
    "statistics": {"seed": 0, "by": "outlet", "replicates": 1000, "level": 0.95, "interval": "bca", "referents": [],
                   "period": "auto", "window": 1, "time_categories": 3,
                   "log_odds": {"prior": "uniform", "alpha": 0.01, "top_terms": 10},
                   "max_referents": 6, "max_comparisons": 8},
    "outputs": {"dir": "study-output", "html": True, "tables": ["csv", "md", "tex"], "figures": ["png", "svg"],
                "dpi": 150, "snippets": 3, "context": 60, "max_snippets": 5000},
}

# Expected types of the leaves (checked after merging with the defaults).
_TYPES: dict[str, tuple] = {
    "name": (str, type(None)), "title": (str, type(None)),
    "corpus.demo": (bool,), "corpus.path": (str, type(None)), "corpus.format": (str, type(None)),
    "corpus.outlet_value": (str, type(None)), "corpus.metadata": (str, type(None)), "corpus.encoding": (str,),
    "corpus.max_chars": (int,),
    "filters.outlets": (list,), "filters.exclude_outlets": (list,), "filters.undated": (str,),
    "lexicons": (list,), "voice": (str, list, type(None)),
    "statistics.seed": (int,), "statistics.by": (str,), "statistics.replicates": (int,),
    "statistics.level": (float, int), "statistics.interval": (str,), "statistics.referents": (list,),
    "statistics.period": (str,), "statistics.window": (int,), "statistics.time_categories": (int,),
    "statistics.log_odds.prior": (str,), "statistics.log_odds.alpha": (float, int),
    "statistics.log_odds.top_terms": (int,), "statistics.max_referents": (int,),
    "statistics.max_comparisons": (int,),
    "outputs.dir": (str,), "outputs.html": (bool,), "outputs.tables": (list,), "outputs.figures": (list,),
    "outputs.dpi": (int,), "outputs.snippets": (int,), "outputs.context": (int,), "outputs.max_snippets": (int,),
}


@dataclass
class Study:
    """A parsed, validated study file.

    Attributes
    ----------
    path : Path or None
        The study file (None when parsed from text).
    base : Path
        Folder that relative paths in the study are resolved against.
    text : str
        The study file's text as read (recorded in the manifest).
    name, title, corpus, filters, lexicons, voice, statistics, outputs
        The study's settings, with defaults filled in.
    """

    path: Path | None
    base: Path
    text: str
    name: str | None
    title: str | None
    corpus: dict[str, Any]
    filters: dict[str, Any]
    lexicons: list[str]
    voice: list[str] | None
    statistics: dict[str, Any]
    outputs: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def where(self, key: str) -> str:
        """``file:line`` of a dotted key (or of the file)."""
        name = str(self.path) if self.path else "<study>"
        line = self.lines.get(key)
        return f"{name}:{line}" if line else name

    def resolve(self, path: str | None) -> Path | None:
        if path is None:
            return None
        p = Path(os.path.expanduser(path))
        return p if p.is_absolute() else self.base / p

    def out_dir(self) -> Path:
        return self.resolve(self.outputs["dir"])


def _key_lines(text: str) -> dict[str, int]:
    """1-based line of every mapping key, as dotted paths."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    out: dict[str, int] = {}

    def walk(n, prefix: str) -> None:
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    path = f"{prefix}{k.value}"
                    out[path] = k.start_mark.line + 1
                    walk(v, path + ".")

    walk(node, "")
    return out


def _merge(defaults: dict, given: Any, where, prefix: str = "") -> dict:
    if not isinstance(given, Mapping):
        raise StudyError(f"{where(prefix.rstrip('.'))}: '{prefix.rstrip('.') or 'the study'}' must be a mapping "
                         f"of keys ({', '.join(defaults)})")
    out = copy.deepcopy(defaults)
    for k, v in given.items():
        key = f"{prefix}{k}"
        if k not in defaults:
            raise StudyError(f"{where(key)}: unknown key '{key}'{closest(str(k), defaults)}; known keys here: "
                             f"{', '.join(defaults)}")
        if isinstance(defaults[k], dict):
            out[k] = _merge(defaults[k], v if v is not None else {}, where, key + ".")
        else:
            out[k] = v
    return out


def _check_types(data: dict, where) -> None:
    for key, types in _TYPES.items():
        v: Any = data
        for part in key.split("."):
            v = v[part]
        if isinstance(v, bool) and bool not in types:
            ok = False
        else:
            ok = isinstance(v, types)
        if not ok:
            names = " or ".join("null" if t is type(None) else {"str": "text", "int": "a whole number",
                                                               "float": "a number", "bool": "true or false",
                                                               "list": "a list"}[t.__name__] for t in types)
            raise StudyError(f"{where(key)}: '{key}' must be {names}, not {v!r}")


def parse_study(text: str, *, base: str | Path = ".", path: str | Path | None = None) -> Study:
    """A :class:`Study` from YAML text (``base``: folder of relative paths; ``path``: for messages)."""
    lines = _key_lines(text)
    name = str(path) if path else "<study>"

    def where(key: str) -> str:
        line = lines.get(key)
        return f"{name}:{line}" if line else name

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f"{name}:{mark.line + 1}" if mark is not None else name
        raise StudyError(f"{at}: invalid YAML ({getattr(err, 'problem', None) or err})") from None
    if data is None:
        raise StudyError(f"{name}: the study file is empty; start from `framing study init`")
    data = _merge(DEFAULTS, data, where)
    _check_types(data, where)
    if isinstance(data["voice"], str):
        data["voice"] = [data["voice"]]
    c = data["corpus"]
    if not c["demo"] and not c["path"]:
        raise StudyError(f"{where('corpus')}: the corpus needs a path (or demo: true)")
    if c["demo"] and c["path"]:
        raise StudyError(f"{where('corpus.path')}: give either corpus.path or corpus.demo: true, not both")
    lex = data["lexicons"]
    if not lex and not c["demo"]:
        raise StudyError(f"{where('lexicons')}: no lexicons; list bundled names or lexicon files")
    if not all(isinstance(x, str) for x in lex):
        raise StudyError(f"{where('lexicons')}: lexicons must be names or paths (text)")
    if data["filters"]["undated"] not in ("drop", "keep"):
        raise StudyError(f"{where('filters.undated')}: undated must be drop or keep")
    for key in ("date_from", "date_to"):
        v = data["filters"][key]
        if v is not None:
            try:
                data["filters"][key] = pd.Timestamp(str(v)).strftime("%Y-%m-%d")
            except (ValueError, TypeError):
                raise StudyError(f"{where('filters.' + key)}: '{v}' is not a date (use YYYY-MM-DD)") from None
    study = Study(path=Path(path) if path else None, base=Path(base), text=text, name=data["name"],
                  title=data["title"], corpus=c, filters=data["filters"], lexicons=list(lex) or
                  (["libya", "loaded_language"] if c["demo"] else []), voice=data["voice"],
                  statistics=data["statistics"], outputs=data["outputs"], lines=lines)
    try:
        _options(study)
    except StudyError:
        raise
    except FramingError as err:
        raise StudyError(f"{name}: {err}") from None
    return study


def load_study(path: str | Path) -> Study:
    """Read and validate a study file."""
    p = Path(path)
    if not p.is_file():
        raise StudyError(f"{p}: no such study file; write one with `framing study init {p}`")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise StudyError(f"{p}: not UTF-8 text (byte {err.start})") from None
    return parse_study(text, base=p.resolve().parent, path=p)


def init_study(path: str | Path = "study.yaml", *, force: bool = False) -> Path:
    """Write the commented :data:`TEMPLATE` to ``path`` (refusing to overwrite unless ``force``)."""
    p = Path(path)
    if p.exists() and not force:
        raise StudyError(f"{p} exists; pass --force to overwrite it")
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(TEMPLATE, encoding="utf-8")
    return p


def _options(study: Study):
    from .report import ReportOptions

    s, o = study.statistics, study.outputs
    return ReportOptions(title=study.title, by=s["by"], voice=study.voice, referents=s["referents"] or None,
                         seed=s["seed"], replicates=s["replicates"], level=float(s["level"]),
                         interval=s["interval"], period=s["period"], window=s["window"],
                         time_categories=s["time_categories"], prior=s["log_odds"]["prior"],
                         alpha=float(s["log_odds"]["alpha"]), top_terms=s["log_odds"]["top_terms"],
                         max_referents=s["max_referents"], max_comparisons=s["max_comparisons"],
                         snippets=o["snippets"], context=o["context"], max_snippets=o["max_snippets"],
                         tables=tuple(o["tables"]), figures=tuple(o["figures"]), dpi=o["dpi"], html=o["html"])


def _lexicon_sources(study: Study) -> list:
    from ._resources import bundled_lexicons

    bundled = bundled_lexicons()
    out = []
    for name in study.lexicons:
        p = study.resolve(name)
        if name in bundled and not (p is not None and p.exists()):
            out.append(name)
        elif p is not None and p.exists():
            out.append(p)
        else:
            raise StudyError(f"{study.where('lexicons')}: lexicon '{name}' is neither a bundled lexicon "
                             f"({', '.join(bundled)}) nor a file next to the study")
    return out


def _filter(documents: pd.DataFrame, filters: Mapping[str, Any]) -> pd.DataFrame:
    keep = pd.Series(True, index=documents.index)
    if filters["outlets"]:
        keep &= documents["outlet"].isin([str(x) for x in filters["outlets"]])
    if filters["exclude_outlets"]:
        keep &= ~documents["outlet"].isin([str(x) for x in filters["exclude_outlets"]])
    if filters["date_from"] or filters["date_to"]:
        dates = pd.to_datetime(documents["date"], errors="coerce") if "date" in documents else pd.Series(
            pd.NaT, index=documents.index)
        ok = pd.Series(True, index=documents.index)
        if filters["date_from"]:
            ok &= dates >= pd.Timestamp(filters["date_from"])
        if filters["date_to"]:
            ok &= dates < pd.Timestamp(filters["date_to"]) + pd.Timedelta(days=1)
        undated = dates.isna()
        keep &= ok | (undated if filters["undated"] == "keep" else False)
    return documents[keep].reset_index(drop=True)


def run_study(study: Study | str | Path, *, out: str | Path | None = None, progress: bool | None = None):
    """Run a study: read, filter, score, and write the report with its manifest.

    Parameters
    ----------
    study : Study, str or Path
        A study or the path of a study file.
    out : path, optional
        Output folder (default: the study's ``outputs.dir``, relative to the study file).
    progress : bool, optional
        Progress bar while scoring.

    Returns
    -------
    framing.report.Report
    """
    from ._resources import demo_corpus
    from .corpus import Corpus, read_corpus
    from .report import write
    from .score import score

    clock = Clock()
    if not isinstance(study, Study):
        study = load_study(study)
    c = study.corpus
    source = demo_corpus() if c["demo"] else study.resolve(c["path"])
    if not source.exists():
        raise StudyError(f"{study.where('corpus.path')}: corpus {source} not found")
    cols = c["columns"]
    read_options = dict(text_col=cols["text"], outlet_col=cols["outlet"], date_col=cols["date"],
                        id_col=cols["id"], title_col=cols["title"], outlet=c["outlet_value"], format=c["format"],
                        encoding=c["encoding"], metadata=str(study.resolve(c["metadata"])) if c["metadata"] else None,
                        max_chars=c["max_chars"])
    corpus = read_corpus(source, **read_options)
    docs = _filter(corpus.documents, study.filters)
    filtered_out = len(corpus.documents) - len(docs)
    if docs.empty:
        raise StudyError(f"{study.where('filters')}: no document is left after the filters "
                         f"({len(corpus.documents)} read)")
    lexicons = _lexicon_sources(study)
    # (its unreadable dates: those of the documents the filters left)
    result = score(Corpus(docs, corpus.skipped, str(source), unreadable_ids=corpus.unreadable_ids), lexicons,
                   progress=progress)
    inputs = [source]
    if c["metadata"]:
        inputs.append(study.resolve(c["metadata"]))
    input_map = hash_inputs(inputs, base=study.base)
    study_record = {"path": study.path.name if study.path else None,
                    "file": study.path.resolve().as_posix() if study.path else None,
                    "base": study.base.resolve().as_posix(), "sha256": study.sha256, "text": study.text,
                    "name": study.name}
    if study.path is not None and study.path.is_file():  # the file as it is on disk now
        input_map[display_path(study.path, study.base)] = sha256_file(study.path)
    out_dir = Path(out) if out is not None else study.out_dir()
    corpus_name = "the framing demo corpus (synthetic)" if c["demo"] else display_path(source, study.base)
    report = write(result, out=out_dir, options=_options(study), read_options={k: v for k, v in read_options.items()
                                                                                if v is not None},
                   command={"study": study.path.name if study.path else None, "argv": None},
                   inputs=input_map, counts={"read": corpus.n_read, "filtered_out": filtered_out},
                   study=study_record, corpus_name=corpus_name, base=study.base, clock=clock)
    return report


# ------------------------------------------------------------------------------------------ verify
@dataclass
class Verification:
    """The outcome of :func:`verify`: ``ok`` and one line per input and output file."""

    ok: bool
    inputs: list
    outputs: list
    on_disk: list
    notes: list[str]
    rerun_dir: Path | None = None

    def lines(self) -> list[str]:
        out = []
        for c in self.inputs:
            if not c.ok:
                out.append(c.line("input  "))
        for c in self.outputs:
            out.append(c.line("output "))
        for c in self.on_disk:
            if not c.ok:
                what = {"differs": "edited since the run", "missing": "deleted since the run",
                        "new": "not in the manifest"}[c.status]
                out.append(f"{c.line('on disk ')}  [{what}]")
        return out + [f"note: {n}" for n in self.notes]

    def summary(self) -> str:
        bad_in = sum(not c.ok for c in self.inputs)
        n_out = len(self.outputs)
        same = sum(c.ok for c in self.outputs)
        if self.ok:
            return f"reproduced: all {n_out} outputs are byte-identical; {len(self.inputs)} inputs unchanged"
        parts = [f"{same} of {n_out} outputs identical"]
        if bad_in:
            parts.append(f"{bad_in} input file(s) changed, missing or new")
        edited = sum(not c.ok for c in self.on_disk)
        if edited:
            parts.append(f"{edited} output file(s) changed on disk since the run")
        return "NOT reproduced: " + "; ".join(parts)


@contextmanager
def _cwd(path: str | None):
    old = os.getcwd()
    if path and Path(path).is_dir():
        os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def _rerun(doc: Mapping[str, Any], target: Path) -> dict[str, Any]:
    """Re-run what the manifest records into ``target``; returns the new manifest."""
    study = doc.get("study")
    if study:
        st = parse_study(study["text"], base=study["base"], path=study.get("file") or study.get("path"))
        run_study(st, out=target)
        return read_manifest(target)
    cmd = doc.get("command") or {}
    argv = cmd.get("argv")
    if not argv or argv[0] != "framing":
        raise FramingError("the manifest records neither a study nor a framing command line; nothing to re-run")
    args = list(argv[1:])
    for i, a in enumerate(args):
        if a in ("--out", "-o") and i + 1 < len(args):
            args[i + 1] = str(target)
        elif a.startswith("--out="):
            args[i] = f"--out={target}"
    if str(target) not in args and f"--out={target}" not in args:
        raise FramingError("the recorded command has no --out; cannot re-run it into a temporary folder")
    import contextlib
    import io

    from .cli import main

    with _cwd(cmd.get("cwd")), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    if code != 0:
        raise FramingError(f"re-running `framing {' '.join(args)}` exited with {code}")
    return read_manifest(target)


def verify(out_dir: str | Path, *, keep: str | Path | None = None) -> Verification:
    """Re-run the study (or command) recorded in ``out_dir/manifest.json`` and compare file by file.

    Parameters
    ----------
    out_dir : path
        A folder written by ``framing study run`` or ``framing report``.
    keep : path, optional
        Write the re-run here instead of a temporary folder that is removed afterwards.

    Returns
    -------
    Verification
        ``ok`` is True when every input is unchanged and every output of the re-run is
        byte-identical to the recorded one and to the file in ``out_dir``. The run's ``nondeterministic`` section (times) is
        ignored; differences of environment (Python, dependency versions) are reported as notes.
    """
    out_dir = Path(out_dir)
    doc = read_manifest(out_dir)
    notes: list[str] = []
    on_disk = compare_hashes(doc["files"], {p: h for p, h in _hash_existing(out_dir, doc["files"]).items()})
    target = Path(keep) if keep is not None else Path(tempfile.mkdtemp(prefix="framing-verify-"))
    try:
        with warnings.catch_warnings():  # (the run being verified reported its corpus's dates already)
            warnings.simplefilter("ignore", UnreadableDateWarning)
            new = _rerun(doc, target)
    except FramingError as err:
        notes.append(f"the re-run failed: {err}")
        inputs = compare_hashes(doc.get("inputs", {}), _current_inputs(doc))
        return Verification(False, inputs, compare_hashes(doc["files"], {}), on_disk, notes, None)
    finally:
        if keep is None:  # (whatever happened: no folder left behind; helper-47)
            shutil.rmtree(target, ignore_errors=True)
    inputs = compare_hashes(doc.get("inputs", {}), new.get("inputs", {}))
    outputs = compare_hashes(doc["files"], new["files"])
    from .manifest import environment

    env_then, env_now = doc.get("environment", {}), environment()
    if env_then.get("python") != env_now.get("python"):
        notes.append(f"Python {env_then.get('python')} then, {env_now.get('python')} now")
    for dist, v in (env_then.get("dependencies") or {}).items():
        if env_now["dependencies"].get(dist) != v:
            notes.append(f"{dist} {v} then, {env_now['dependencies'].get(dist)} now")
    if doc.get("framing") != new.get("framing"):
        notes.append(f"framing {doc.get('framing')} then, {new.get('framing')} now")
    ok = all(c.ok for c in inputs) and all(c.ok for c in outputs) and all(c.ok for c in on_disk)
    return Verification(ok, inputs, outputs, on_disk, notes, Path(keep) if keep is not None else None)


def _hash_existing(out_dir: Path, files: Mapping[str, str]) -> dict[str, str]:
    return {p: sha256_file(out_dir / p) for p in files if (out_dir / p).is_file()}


def _current_inputs(doc: Mapping[str, Any]) -> dict[str, str]:
    """Hashes of the recorded inputs as they are now (where they can be found)."""
    base = Path((doc.get("study") or {}).get("base") or (doc.get("command") or {}).get("cwd") or ".")
    out = {}
    for key in doc.get("inputs", {}):
        if key.startswith("framing:"):
            from ._resources import demo_corpus, lexicons_dir

            kind, _, rest = key[len("framing:"):].partition("/")
            root = lexicons_dir() if kind == "lexicons" else demo_corpus().parent
            p = root / rest
        else:
            p = Path(key) if Path(key).is_absolute() else base / key
        if p.is_file():
            out[key] = sha256_file(p)
    return out
