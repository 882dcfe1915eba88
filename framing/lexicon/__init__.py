"""Lexicons: the model, validation, and readers/writers by file format.

``load_lexicon`` picks the reader from the file extension (or ``format=``); a bare name such as
``"libya"`` loads a lexicon shipped with framing. ``write_lexicon`` writes any lexicon in any
writable format and says what the format could not hold.

Formats (``FORMATS``; one module each, readers and writers in symmetric pairs):

=========  ==================  ==============================================================
format     extensions          what it is
=========  ==================  ==============================================================
yaml       .yaml .yml          framing's native format (:mod:`~framing.lexicon.native`)
liwc       .dic                LIWC 2001-2015 and the Moral Foundations Dictionaries
liwc22     .dicx               LIWC-22 CSV dictionaries, weighted or not
quanteda   .yaml .yml          quanteda YAML dictionaries (nested keys, glob/regex/fixed values)
lexicoder  .lc3                Lexicoder dictionaries (LSD2015)
wordstat   .cat                WordStat category dictionaries
empath     .tsv                Empath-style ``category<TAB>term<TAB>term`` lines
mpqa       .tff                MPQA subjectivity clues
csv        .csv (.tsv)         a table: term, category, valence, referent, variants, ...
wordlist   .txt                one term per line (Hu & Liu, Recasens, Lexicoder word lists)
emfd       .csv                the eMFD scoring table (word, *_p, *_sent)
=========  ==================  ==============================================================

Where two formats share an extension the file is sniffed: a YAML file with top-level ``name`` or
``entries`` is native, otherwise quanteda; a CSV whose header has ``word`` and the eMFD score
columns is eMFD; a TSV whose first field is ``term`` is a table, otherwise Empath-style.
"""

from __future__ import annotations

import csv
import inspect
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from .._resources import bundled_lexicons
from ..errors import LexiconError
from . import (
    emfd,
    empath,
    lexicoder,
    liwc,
    liwc22,
    mpqa,
    quanteda,
    table,
    wordlist,
    wordstat,
)
from .model import (
    REFERENT_CATEGORY,
    Category,
    Entry,
    Lexicon,
    Referent,
    term_key,
    validate,
)
from .native import COMPOSE_LOADER, check_yaml, dumps_yaml, parse_yaml, read_yaml, write_yaml

__all__ = [
    "Lexicon",
    "Entry",
    "Referent",
    "Category",
    "REFERENT_CATEGORY",
    "load_lexicon",
    "check_lexicon",
    "write_lexicon",
    "dumps_lexicon",
    "detect_format",
    "validate",
    "parse_yaml",
    "write_yaml",
    "READERS",
    "WRITERS",
    "FORMATS",
    "Format",
]


@dataclass(frozen=True)
class Format:
    """A lexicon file format: its reader and writer, and what it can hold.

    Attributes
    ----------
    name : str
        The ``format=`` / ``--format`` / ``--to`` value.
    extensions : tuple of str
        File extensions (the first is used when writing by format name).
    read : callable
        ``read(path, **options) -> Lexicon``; raises :class:`LexiconError` with every problem.
    dumps : callable
        ``dumps(lexicon) -> str``; raises :class:`LexiconError` when the lexicon cannot be written.
    keeps : frozenset of str
        What survives a write: ``valence``, ``referents``, ``variants``, ``exclude``, ``notes``,
        ``source``, ``attrs``, ``descriptions`` (of categories), ``header`` (lexicon description
        and version), ``categories`` (free category ids), ``multi`` (a term in several categories).
    description : str
    """

    name: str
    extensions: tuple[str, ...]
    read: Callable[..., Lexicon]
    dumps: Callable[[Lexicon], str]
    keeps: frozenset
    description: str

    @property
    def options(self) -> list[str]:
        """Keyword options of the reader."""
        return [p.name for p in list(inspect.signature(self.read).parameters.values())[1:]
                if p.kind is inspect.Parameter.KEYWORD_ONLY]


_ALL = frozenset({"valence", "referents", "variants", "exclude", "notes", "source", "attrs", "descriptions",
                  "header", "categories", "multi"})

FORMATS: dict[str, Format] = {f.name: f for f in [
    Format("yaml", (".yaml", ".yml"), read_yaml, dumps_yaml, _ALL - {"multi"},
           "framing's native YAML: referents, categories, entries with valence, variants, exclusions"),
    Format("liwc", (".dic",), liwc.read_dic, liwc.dumps_dic, frozenset({"categories", "multi"}),
           "LIWC .dic (2001-2015) and the Moral Foundations Dictionaries"),
    Format("liwc22", (".dicx",), liwc22.read_dicx, liwc22.dumps_dicx, frozenset({"categories", "multi", "attrs"}),
           "LIWC-22 .dicx: a CSV with one column per category, X or a weight"),
    Format("quanteda", (".yml", ".yaml"), quanteda.read_quanteda, quanteda.dumps_quanteda,
           frozenset({"categories", "multi"}), "quanteda YAML dictionary: nested keys, glob/regex/fixed values"),
    Format("lexicoder", (".lc3",), lexicoder.read_lc3, lexicoder.dumps_lc3, frozenset({"categories", "multi"}),
           "Lexicoder .lc3 (LSD2015): +category lines, then terms"),
    Format("wordstat", (".cat",), wordstat.read_cat, wordstat.dumps_cat, frozenset({"categories", "multi", "attrs"}),
           "WordStat .cat: indented categories, terms with weights"),
    Format("empath", (".tsv",), empath.read_empath, empath.dumps_empath, frozenset({"categories", "multi"}),
           "Empath-style TSV: category<TAB>term<TAB>term per line"),
    Format("mpqa", (".tff",), mpqa.read_tff, mpqa.dumps_tff, frozenset({"multi", "attrs", "valence"}),
           "MPQA subjectivity clues .tff: polarity categories, type/pos/stemmed attributes"),
    Format("csv", (".csv", ".tsv"), table.read_table, table.dumps_table,
           _ALL - {"descriptions", "header"}, "a table: term, category, valence, referent, variants, exclude, ..."),
    Format("wordlist", (".txt",), wordlist.read_wordlist, wordlist.dumps_wordlist,
           frozenset({"header", "categories"}), "one term per line, # or ; comments, one category"),
    Format("emfd", (".csv",), emfd.read_emfd, emfd.dumps_emfd, frozenset({"attrs", "valence"}),
           "eMFD scoring table: word, five foundation probabilities and sentiments"),
]}

#: Readers and writers by format name (``READERS[name](path, **options)``).
READERS: dict[str, Callable[..., Lexicon]] = {name: f.read for name, f in FORMATS.items()}
WRITERS: dict[str, Callable[[Lexicon, Path], list[str]]] = {}
CHECKERS: dict[str, Callable[[Path], list[str]]] = {"yaml": check_yaml}
#: Extension -> format; shared extensions are sniffed (``detect_format``).
EXTENSIONS: dict[str, str] = {".yaml": "yaml", ".yml": "yaml", ".dic": "liwc", ".dicx": "liwc22", ".lc3": "lexicoder",
                              ".cat": "wordstat", ".tsv": "empath", ".tff": "mpqa", ".csv": "csv", ".txt": "wordlist"}


def _head(path: Path, n: int = 65536) -> str:
    with open(path, "rb") as fh:
        return fh.read(n).decode("utf-8-sig", errors="replace")


def detect_format(path: str | Path) -> str | None:
    """The format of a lexicon file, from its extension and, where extensions are shared, its content.

    Returns None when the extension is unknown.
    """
    path = Path(path)
    fmt = EXTENSIONS.get(path.suffix.lower())
    try:
        if fmt == "yaml":
            try:
                root = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=COMPOSE_LOADER)
            except (yaml.YAMLError, UnicodeDecodeError):
                return "yaml"  # the native reader reports the problem with its line
            if isinstance(root, yaml.MappingNode):
                keys = {k.value for k, _ in root.value if isinstance(k, yaml.ScalarNode)}
                if not keys & {"name", "entries", "referents"}:
                    return "quanteda"
            return "yaml"
        if fmt == "csv" and path.suffix.lower() == ".csv":
            for row in csv.reader(io.StringIO(_head(path))):
                if any(c.strip() for c in row):
                    return "emfd" if emfd.looks_like_emfd(row) else "csv"
        if fmt == "empath":
            for line in _head(path).splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    first = line.split("\t")[0].strip().lower()
                    return "csv" if first in table.COLUMNS["term"] else "empath"
    except OSError:
        return fmt
    return fmt


def _resolve(source: str | Path, format: str | None) -> tuple[Path, str]:
    path = Path(source)
    if not path.exists():
        bundled = bundled_lexicons()
        if isinstance(source, str) and source in bundled:
            path = bundled[source]
        else:
            names = ", ".join(bundled) or "none"
            raise LexiconError([f"{source}: lexicon file not found; give a path or a bundled name ({names})"])
    if path.is_dir():
        raise LexiconError([f"{path}: is a folder; give a lexicon file"])
    if format is not None and format not in FORMATS:
        raise LexiconError([f"{path}: unknown lexicon format '{format}'; formats: {', '.join(FORMATS)}"])
    fmt = format or detect_format(path)
    if fmt not in FORMATS:
        known = ", ".join(sorted(EXTENSIONS))
        raise LexiconError([f"{path}: unknown lexicon format '{path.suffix}'; known extensions: {known} "
                            f"(or give format=, one of {', '.join(FORMATS)})"])
    return path, fmt


def _options(fmt: str, options: dict[str, Any]) -> dict[str, Any]:
    allowed = FORMATS[fmt].options
    given = {k: v for k, v in options.items() if v is not None}
    for k in given:
        if k not in allowed:
            raise LexiconError([f"option '{k}' does not apply to the {fmt} format; its options: "
                                f"{', '.join(allowed) or 'none'}"])
    return given


def load_lexicon(source: str | Path | Lexicon, *, format: str | None = None, **options: Any) -> Lexicon:
    """Load and validate a lexicon.

    Parameters
    ----------
    source : str, Path or Lexicon
        A lexicon file in any format of ``FORMATS``, or the name of a lexicon shipped with framing
        (``"libya"``, ``"loaded_language"``). A :class:`Lexicon` is validated and returned as is.
    format : str, optional
        Reader to use instead of the one chosen by the file extension (``yaml``, ``liwc``,
        ``liwc22``, ``quanteda``, ``lexicoder``, ``wordstat``, ``empath``, ``mpqa``, ``csv``,
        ``wordlist``, ``emfd``).
    **options
        Reader options, such as ``category=``, ``comment=`` and ``asterisk=`` for word lists,
        ``valuetype=`` for quanteda, ``encoding=``, ``unsupported="skip"``; an option the format
        does not take is an error. Options set to None are ignored.

    Returns
    -------
    Lexicon

    Raises
    ------
    LexiconError
        With every problem, each naming file and line.

    Examples
    --------
    >>> lex = load_lexicon("libya")
    >>> lex.referents["haftar"].name
    'Khalifa Haftar'
    """
    if isinstance(source, Lexicon):
        problems = validate(source)
        if problems:
            raise LexiconError(problems)
        return source
    path, fmt = _resolve(source, format)
    return FORMATS[fmt].read(path, **_options(fmt, options))


def check_lexicon(source: str | Path, *, format: str | None = None, **options: Any) -> list[str]:
    """Every problem in a lexicon file, each with ``file:line`` (an empty list when it is valid)."""
    try:
        path, fmt = _resolve(source, format)
        opts = _options(fmt, options)
    except LexiconError as err:
        return err.problems
    if fmt in CHECKERS and not opts:
        return CHECKERS[fmt](path)
    try:
        FORMATS[fmt].read(path, **opts)
    except LexiconError as err:
        return err.problems
    return []


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def conversion_losses(lexicon: Lexicon, format: str) -> list[str]:
    """What writing ``lexicon`` in ``format`` leaves out, one note per kind of information."""
    f = FORMATS[format]
    keeps = f.keeps
    notes = []
    ents = lexicon.entries

    def note(n: int, what: str, why: str) -> None:
        if n:
            notes.append(f"{_count(n, what)} {why} ({format} cannot hold them)")

    if "valence" not in keeps:
        vals = [e.valence for e in ents if e.valence is not None]
        if format == "wordlist" and len(set(vals)) <= 1 and len(vals) in (0, len(ents)):
            vals = []
        note(len(vals), "valence", "dropped")
    if format == "mpqa":
        note(sum(e.valence is not None and e.valence != mpqa.POLARITY_VALENCE.get(e.category) for e in ents),
             "valence", "replaced by the valence of its polarity")
    if "referents" not in keeps:
        note(len(lexicon.referents), "referent", "dropped, with their aliases")
        note(sum(e.referent is not None for e in ents), "entry link", "to a referent dropped")
    if "variants" not in keeps:
        note(sum(len(e.variants) for e in ents), "variant", "written as separate terms")
    for key, what in (("exclude", "exclusion"), ("notes", "note"), ("source", "source")):
        if key not in keeps:
            n = sum(len(e.exclude) for e in ents) if key == "exclude" else sum(bool(getattr(e, key)) for e in ents)
            note(n, what, "dropped")
    if "attrs" not in keeps:
        note(sum(bool({k for k in e.attrs if k not in ("lines", "written")}) for e in ents), "entry attribute set",
             "dropped")
    if "descriptions" not in keeps:
        note(sum(bool(c.description) for c in lexicon.categories.values()), "category description", "dropped")
    if "header" not in keeps and (lexicon.description or lexicon.version not in ("0", "")):
        notes.append(f"the lexicon's description and version are dropped ({format} cannot hold them)")
    return notes


def dumps_lexicon(lexicon: Lexicon, format: str) -> str:
    """The text of ``lexicon`` in ``format``.

    Raises
    ------
    LexiconError
        When the format cannot hold the lexicon (native YAML: a term in several categories; MPQA
        and eMFD: categories other than theirs; word lists: several categories).
    """
    if format not in FORMATS:
        raise LexiconError([f"unknown lexicon format '{format}'; formats: {', '.join(FORMATS)}"])
    if format == "yaml":
        dup = [p for p in validate(lexicon, unique_terms=True) if " duplicates " in p]
        if dup:
            cats: dict[str, list[str]] = {}
            for e in lexicon.entries:
                cats.setdefault(term_key(e.term), []).append(e.category)
            multi = [f"'{k}' ({', '.join(v)})" for k, v in cats.items() if len(v) > 1]
            raise LexiconError([
                f"{lexicon.where(None)}: native YAML gives each term one category, but {_count(len(multi), 'term')} "
                f"sit in several ({'; '.join(multi[:3])}{' ...' if len(multi) > 3 else ''}); write one file per "
                "category (framing lexicon convert --split) or a format that allows it (csv, liwc, quanteda)"])
    return FORMATS[format].dumps(lexicon)


def write_lexicon(lexicon: Lexicon, path: str | Path, *, format: str | None = None) -> list[str]:
    """Write a lexicon; the format comes from ``format`` or the extension of ``path``.

    Returns
    -------
    list of str
        Notes on what the format could not hold (see :func:`conversion_losses`); empty when nothing
        was lost.

    Raises
    ------
    LexiconError
        When the format is unknown or cannot hold the lexicon (see :func:`dumps_lexicon`).
    """
    path = Path(path)
    fmt = format or EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise LexiconError([f"{path}: cannot tell the format from the extension '{path.suffix}'; give format= "
                            f"(one of {', '.join(FORMATS)})"])
    if fmt == "csv":
        text = table.dumps_table(lexicon, sep="\t" if path.suffix.lower() in (".tsv", ".tab") else ",")
    else:
        text = dumps_lexicon(lexicon, fmt)
    path.write_text(text, encoding="utf-8")
    return conversion_losses(lexicon, fmt)


for _name in FORMATS:
    WRITERS[_name] = (lambda fmt: (lambda lexicon, path: write_lexicon(lexicon, path, format=fmt)))(_name)
