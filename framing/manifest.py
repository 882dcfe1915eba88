"""``manifest.json``: what a run read, how it was configured, and what it wrote, so it can be re-run
and checked byte for byte (``framing study verify``).

Every command that writes outputs writes a manifest into its output folder:

.. code-block:: text

    manifest_version   1
    framing            framing's version
    command            {"argv": [...], "cwd": "..."} (or the study that was run)
    study              the study file: path, SHA-256 and its full text (study runs only)
    inputs             input file -> SHA-256 (every file of a folder corpus; lexicon files too)
    lexicons           [{name, version, path, sha256}]
    parameters         every parameter and seed
    counts             documents read / scored / skipped (and filtered out; and unreadable_dates: those
                       scored with no date because theirs could not be read)
    policies           versioned names of the matching, tokenising and voice policies
    environment        Python, platform and dependency versions
    files              output file (relative to the folder) -> SHA-256
    nondeterministic   start and end time and duration: the only part that changes between
                       identical runs; ``framing study verify`` ignores it

Paths of inputs are written relative to a base folder (the working directory, or the study file's
folder) when they are inside it, bundled files of ``framing`` as ``framing:lexicons/libya.yaml``, and
other paths as given. The file is JSON with sorted keys and two-space indentation, so identical
runs give identical bytes apart from ``nondeterministic``.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> _ = (out / "table.csv").write_text("a,b\\n1,2\\n")
>>> path = write_manifest(out, command=["framing", "example"], inputs={}, parameters={"seed": 0},
...                       counts={"read": 1, "scored": 1, "skipped": 0})
>>> read_manifest(out)["files"]
{'table.csv': '492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470'}
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import platform
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["MANIFEST_NAME", "MANIFEST_VERSION", "DEPENDENCIES", "sha256_file", "hash_inputs", "hash_outputs",
           "display_path", "environment", "write_manifest", "read_manifest", "compare_hashes", "FileCheck",
           "lexicon_records", "argv_from_namespace", "Clock", "jsonable"]

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1

#: Distributions whose versions the manifest records (``framing``'s dependencies).
DEPENDENCIES = ("numpy", "pandas", "scipy", "scikit-learn", "nltk", "matplotlib", "pyyaml", "tqdm", "tabulate",
                "pyarrow", "ahocorasick-rs", "orjson", "pillow")

_CHUNK = 1 << 20


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _bundled_roots() -> list[tuple[Path, str]]:
    from ._resources import demo_corpus, lexicons_dir

    roots = []
    for getter, name in ((lexicons_dir, "lexicons"), (lambda: demo_corpus().parent, "examples")):
        try:
            roots.append((getter().resolve(), name))
        except FileNotFoundError:  # pragma: no cover - broken install
            pass
    return roots


def display_path(path: str | Path, base: str | Path | None = None) -> str:
    """How a path is written in a manifest: ``framing:...`` for bundled files, relative to ``base``
    (default: the working directory) when inside it, else absolute; always with ``/``."""
    p = Path(path)
    resolved = p.resolve()
    for root, name in _bundled_roots():
        if resolved == root or root in resolved.parents:
            return f"framing:{name}/" + resolved.relative_to(root).as_posix() if resolved != root else f"framing:{name}"
    base_dir = Path(base).resolve() if base is not None else Path.cwd().resolve()
    try:
        return resolved.relative_to(base_dir).as_posix() or "."
    except ValueError:
        return resolved.as_posix()


def _files_under(folder: Path) -> list[Path]:
    return sorted((p for p in folder.rglob("*") if p.is_file()), key=lambda p: p.relative_to(folder).as_posix())


def hash_inputs(paths: Iterable[str | Path], *, base: str | Path | None = None) -> dict[str, str]:
    """``{display path: SHA-256}`` of input files; a folder contributes every file in it (recursively).

    Parameters
    ----------
    paths : iterable of str or Path
        Files or folders. Missing paths are an error.
    base : path, optional
        Folder that paths are written relative to (default: the working directory).
    """
    out: dict[str, str] = {}
    for path in paths:
        p = Path(path)
        if p.is_dir():
            for f in _files_under(p):
                out[display_path(f, base)] = sha256_file(f)
        elif p.is_file():
            out[display_path(p, base)] = sha256_file(p)
        else:
            from .errors import FramingError

            raise FramingError(f"{p}: no such input file or folder")
    return dict(sorted(out.items()))


def hash_outputs(out_dir: str | Path, files: Iterable[str | Path] | None = None) -> dict[str, str]:
    """``{path relative to out_dir: SHA-256}`` of ``files`` (default: every file in ``out_dir`` except
    the manifest itself)."""
    out_dir = Path(out_dir)
    if files is None:
        files = [p for p in _files_under(out_dir) if p.relative_to(out_dir).as_posix() != MANIFEST_NAME]
    result = {}
    for f in files:
        f = Path(f)
        full = f if f.is_absolute() or f.exists() else out_dir / f
        rel = full.resolve().relative_to(out_dir.resolve()).as_posix()
        result[rel] = sha256_file(full)
    return dict(sorted(result.items()))


def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def environment() -> dict[str, Any]:
    """Python version, platform and the versions of ``framing``'s dependencies."""
    return {"python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": f"{sys.platform}-{platform.machine()}",
            "dependencies": {d: _version(d) for d in DEPENDENCIES}}


def lexicon_records(lexicons: Iterable, *, base: str | Path | None = None) -> list[dict[str, Any]]:
    """``[{name, version, path, sha256, entries}]`` of loaded lexicons (path and hash when from a file)."""
    out = []
    for lex in lexicons:
        path = getattr(lex, "path", None)
        rec = {"name": lex.name, "version": getattr(lex, "version", None), "entries": len(getattr(lex, "entries", [])),
               "path": None, "sha256": None}
        if path and Path(path).is_file():
            rec["path"] = display_path(path, base)
            rec["sha256"] = sha256_file(path)
        out.append(rec)
    return out


def jsonable(obj: Any) -> Any:
    """``obj`` with numpy scalars, paths, tuples, sets, timestamps and NaN turned into JSON values."""
    import math

    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted(jsonable(v) for v in obj)
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return None if math.isnan(obj) else obj
    if isinstance(obj, Path):
        return obj.as_posix()
    try:
        import numpy as np

        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            return None if np.isnan(obj) else float(obj)
        if isinstance(obj, np.ndarray):
            return [jsonable(v) for v in obj.tolist()]
    except ImportError:  # pragma: no cover
        pass
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return str(obj)


class Clock:
    """Start and end time of a run, for the manifest's ``nondeterministic`` section."""

    def __init__(self):
        self.started = _dt.datetime.now(_dt.timezone.utc)
        self._t0 = time.perf_counter()

    def section(self) -> dict[str, Any]:
        end = _dt.datetime.now(_dt.timezone.utc)
        return {"started_at": self.started.isoformat(timespec="seconds"),
                "finished_at": end.isoformat(timespec="seconds"),
                "seconds": round(time.perf_counter() - self._t0, 3),
                "note": "differs between identical runs; ignored by `framing study verify`"}


def _command(command) -> dict[str, Any]:
    if command is None:
        return {"argv": ["framing", *sys.argv[1:]], "cwd": Path.cwd().as_posix()}
    if isinstance(command, str):
        return {"line": command, "cwd": Path.cwd().as_posix()}
    if isinstance(command, Mapping):
        return jsonable(dict(command))
    return {"argv": [str(a) for a in command], "cwd": Path.cwd().as_posix()}


def write_manifest(out_dir: str | Path, *, command=None, inputs: Mapping[str, str] | Iterable[str | Path] = (),
                   parameters: Mapping[str, Any] | None = None, counts: Mapping[str, Any] | None = None,
                   policies: Mapping[str, str] | None = None, lexicons: Iterable | None = None,
                   files: Iterable[str | Path] | Mapping[str, str] | None = None, study: Mapping[str, Any] | None = None,
                   clock: Clock | None = None, base: str | Path | None = None,
                   extra: Mapping[str, Any] | None = None) -> Path:
    """Write ``out_dir/manifest.json`` and return its path.

    Parameters
    ----------
    out_dir : path
        The output folder (created if needed).
    command : sequence of str, str or mapping, optional
        The command line, e.g. ``["framing", "score", "corpus.csv", "--lexicon", "libya", "--out",
        "out"]`` (recorded with the working directory, so ``framing study verify`` can re-run it),
        or a mapping written as is. Default: ``sys.argv``.
    inputs : mapping or iterable of paths
        ``{display path: SHA-256}`` (from :func:`hash_inputs`), or paths of input files and
        folders to hash (every file of a folder).
    parameters : mapping, optional
        Every parameter and seed of the run.
    counts : mapping, optional
        E.g. ``{"read": 320, "scored": 300, "skipped": 20}``.
    policies : mapping, optional
        ``ScoreResult.policies``.
    lexicons : iterable of Lexicon, optional
        Recorded with name, version, path and SHA-256; their files are added to ``inputs``.
    files : iterable of paths or mapping, optional
        The outputs (default: every file in ``out_dir`` but the manifest).
    study : mapping, optional
        The study file that was run (path, sha256, text, base).
    clock : Clock, optional
        When the run started (default: now, so the duration is 0).
    base : path, optional
        Folder relative to which input paths are written (default: the working directory).
    extra : mapping, optional
        More deterministic entries to record.

    Returns
    -------
    Path
        ``out_dir/manifest.json``.

    Examples
    --------
    From a command that wrote ``mentions.csv`` and ``documents.csv`` into ``out``::

        write_manifest(out, command=["framing", "score", "corpus.csv", "-l", "libya", "--out", "out"],
                       inputs=["corpus.csv"], lexicons=result.lexicons,
                       parameters={"sentences": True, "voice": True},
                       counts={"read": n_read, "scored": n_docs, "skipped": n_skip},
                       policies=result.policies)
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if isinstance(inputs, Mapping):
        input_map = dict(inputs)
    else:
        input_map = hash_inputs(list(inputs), base=base)
    lex_records = lexicon_records(lexicons or [], base=base)
    for rec in lex_records:
        if rec["path"]:
            input_map[rec["path"]] = rec["sha256"]
    if isinstance(files, Mapping):
        file_map = dict(files)
    else:
        file_map = hash_outputs(out_dir, files)
    from . import __version__

    doc = {
        "manifest_version": MANIFEST_VERSION,
        "framing": __version__,
        "command": _command(command),
        "study": jsonable(dict(study)) if study is not None else None,
        "inputs": dict(sorted(input_map.items())),
        "lexicons": lex_records,
        "parameters": jsonable(dict(parameters or {})),
        "counts": jsonable(dict(counts or {})),
        "policies": jsonable(dict(policies or {})),
        "environment": environment(),
        "files": dict(sorted(file_map.items())),
        "nondeterministic": (clock or Clock()).section(),
    }
    if extra:
        doc["extra"] = jsonable(dict(extra))
    path = out_dir / MANIFEST_NAME
    path.write_text(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_manifest(out_dir: str | Path) -> dict[str, Any]:
    """The manifest of an output folder (or a path to a ``manifest.json``)."""
    from .errors import FramingError

    p = Path(out_dir)
    path = p if p.is_file() else p / MANIFEST_NAME
    if not path.exists():
        raise FramingError(f"{path}: no manifest here; give a folder written by `framing report` or "
                           "`framing study run`")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise FramingError(f"{path}:{err.lineno}: not valid JSON ({err.msg})") from None
    if not isinstance(doc, dict) or "files" not in doc:
        raise FramingError(f"{path}: not a framing manifest (no 'files' map)")
    return doc


@dataclass(frozen=True)
class FileCheck:
    """One file compared between a recorded and a new hash map."""

    path: str
    status: str  # "identical", "differs", "missing" (recorded, not produced now), "new" (not recorded)
    recorded: str | None
    actual: str | None

    @property
    def ok(self) -> bool:
        return self.status == "identical"

    def line(self, what: str = "") -> str:
        short = {None: "-"}
        rec = short.get(self.recorded, (self.recorded or "")[:12])
        act = short.get(self.actual, (self.actual or "")[:12])
        label = {"identical": "identical", "differs": "DIFFERS", "missing": "MISSING", "new": "NEW"}[self.status]
        detail = "" if self.ok else f"  (recorded {rec}, now {act})"
        return f"{label:<9} {what}{self.path}{detail}"


def compare_hashes(recorded: Mapping[str, str], actual: Mapping[str, str]) -> list[FileCheck]:
    """File-by-file comparison of two ``{path: sha256}`` maps, in path order."""
    out = []
    for path in sorted(set(recorded) | set(actual)):
        r, a = recorded.get(path), actual.get(path)
        if r is None:
            status = "new"
        elif a is None:
            status = "missing"
        else:
            status = "identical" if r == a else "differs"
        out.append(FileCheck(path, status, r, a))
    return out


def argv_from_namespace(parser: argparse.ArgumentParser, args: argparse.Namespace,
                        prefix: Sequence[str] = ()) -> list[str]:
    """A canonical command line that parses back to ``args`` with ``parser`` (for the manifest).

    Positional arguments come first, then every option whose value differs from its default, under
    its longest name. Options of ``--out`` style are kept, so a re-run can replace them.
    """
    pos: list[str] = []
    opts: list[str] = []
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)):
            continue
        if not hasattr(args, action.dest):
            continue
        value = getattr(args, action.dest)
        if not action.option_strings:
            if value is None:
                continue
            pos += [str(v) for v in value] if isinstance(value, list) else [str(value)]
            continue
        if value == action.default:
            continue
        name = max(action.option_strings, key=len)
        if isinstance(action, argparse._StoreTrueAction):
            if value:
                opts.append(name)
        elif isinstance(action, argparse._StoreFalseAction):
            if not value:
                opts.append(name)
        elif isinstance(action, argparse._AppendAction):
            for v in value or []:
                opts += [name, str(v)]
        elif isinstance(action, argparse._StoreAction):
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                opts += [name, *map(str, value)]
            else:
                opts += [name, str(value)]
    return [*prefix, *pos, *opts]
