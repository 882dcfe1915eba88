"""Empath-style category files (``.tsv``): one line per category, ``category<TAB>term<TAB>term...``.

This is how Empath stores its categories (``empath/data/categories.tsv``) and how many tools export
seed-word lists. Rules: the first field is the category, every further non-empty field a term
(phrases keep their spaces); blank lines and lines starting with ``#`` are skipped; a trailing
``*`` is a prefix wildcard (Empath itself has none: its terms are single words); a term under
several categories is several entries. A category may span several lines.

A ``.tsv`` file whose first line is a header ``term<TAB>category...`` is a table, read by
:mod:`framing.lexicon.table` instead.
"""

from __future__ import annotations

from pathlib import Path

from ._base import (
    Builder,
    category_id,
    glob_term,
    numbered_lines,
    parse_file,
    stem_name,
    surfaces_by_category,
)
from .model import Lexicon

__all__ = ["read_empath", "parse_empath", "dumps_empath", "write_empath"]


def parse_empath(text: str, path: str = "<string>", *, name: str | None = None,
                 unsupported: str = "error") -> tuple[Lexicon, list[str]]:
    """Parse Empath-style TSV text; return the lexicon and every problem (see :func:`read_empath`)."""
    b = Builder(path, name or stem_name(path), "empath", unique_terms=False, unsupported=unsupported)
    for no, raw in numbered_lines(text):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in raw.split("\t")]
        label, terms = fields[0], [f for f in fields[1:] if f]
        cid = category_id(label)
        if not cid:
            b.problem(no, f"category {label!r} (the first field) has no letters or digits; put the category "
                          "name first, then its terms, separated by tabs")
            continue
        if not terms:
            b.problem(no, f"category {label!r} has no terms; list them after the name, separated by tabs")
        b.category(cid, None if cid == label else f"Empath category '{label}'", line=no)
        for t in terms:
            term, why = glob_term(t)
            if why:
                b.cannot_match(no, f"term {t!r} of {label!r} {why}")
                continue
            b.entry(" ".join(term.split()), cid, no)
    return b.result()


def read_empath(path: str | Path, *, name: str | None = None, encoding: str = "utf-8",
                unsupported: str = "error") -> Lexicon:
    """Read an Empath-style TSV file (rules in the module docstring).

    Parameters
    ----------
    path : str or Path
    name : str, optional
        Lexicon name (default: the file name).
    encoding : str, default "utf-8"
    unsupported : {"error", "skip"}
        Report terms framing cannot match, or skip them.

    Raises
    ------
    LexiconError
        With every problem, each starting ``file:line:``.
    """
    return parse_file(parse_empath, path, encoding, name=name, unsupported=unsupported)


def dumps_empath(lexicon: Lexicon) -> str:
    """Empath-style TSV: one line per category (in lexicon order) with its surfaces."""
    return "".join(f"{c}\t" + "\t".join(ts) + "\n" for c, ts in surfaces_by_category(lexicon).items() if ts)


def write_empath(lexicon: Lexicon, path: str | Path) -> None:
    """Write an Empath-style TSV file (see :func:`dumps_empath`)."""
    Path(path).write_text(dumps_empath(lexicon), encoding="utf-8")
