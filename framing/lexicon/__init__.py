"""Lexicons: the model, validation, and readers/writers by file format.

``load_lexicon`` picks the reader from the file extension (or ``format=``); a bare name such as
``"libya"`` loads a lexicon shipped with framing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .._resources import bundled_lexicons
from ..errors import LexiconError
from .model import REFERENT_CATEGORY, Category, Entry, Lexicon, Referent, validate
from .native import check_yaml, parse_yaml, read_yaml, write_yaml

__all__ = [
    "Lexicon",
    "Entry",
    "Referent",
    "Category",
    "REFERENT_CATEGORY",
    "load_lexicon",
    "check_lexicon",
    "validate",
    "parse_yaml",
    "write_yaml",
    "READERS",
]

#: Readers by format name; extensions map to format names in ``EXTENSIONS``.
READERS: dict[str, Callable[[Path], Lexicon]] = {"yaml": read_yaml}
CHECKERS: dict[str, Callable[[Path], list[str]]] = {"yaml": check_yaml}
EXTENSIONS: dict[str, str] = {".yaml": "yaml", ".yml": "yaml"}


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
    fmt = format or EXTENSIONS.get(path.suffix.lower())
    if fmt not in READERS:
        known = ", ".join(sorted(EXTENSIONS))
        raise LexiconError([f"{path}: unknown lexicon format '{format or path.suffix}'; known extensions: {known}"])
    return path, fmt


def load_lexicon(source: str | Path | Lexicon, *, format: str | None = None) -> Lexicon:
    """Load and validate a lexicon.

    Parameters
    ----------
    source : str, Path or Lexicon
        A lexicon file, or the name of a lexicon shipped with framing (``"libya"``,
        ``"loaded_language"``). A :class:`Lexicon` is validated and returned as is.
    format : str, optional
        Reader to use instead of the one chosen by the file extension.

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
    return READERS[fmt](path)


def check_lexicon(source: str | Path, *, format: str | None = None) -> list[str]:
    """Every problem in a lexicon file, each with ``file:line`` (an empty list when it is valid)."""
    try:
        path, fmt = _resolve(source, format)
    except LexiconError as err:
        return err.problems
    if fmt in CHECKERS:
        return CHECKERS[fmt](path)
    try:
        READERS[fmt](path)
    except LexiconError as err:
        return err.problems
    return []
