"""The extended Moral Foundations Dictionary scoring table (eMFD; Hopp et al. 2021): ``emfd_scoring.csv``.

Layout: a CSV with a ``word`` column, five foundation probabilities (``care_p``, ``fairness_p``,
``loyalty_p``, ``authority_p``, ``sanctity_p``: how often annotators tagged the word with that
foundation) and five sentiment scores (``care_sent`` ...: the mean sentiment of the contexts in
which it was tagged, in [-1, 1]).

Mapping (our decision): **one entry per word**, in the category of its most probable foundation
(ties go to the first in the order care, fairness, loyalty, authority, sanctity, and are flagged in
``attrs["tie"]``), with that foundation's sentiment as valence. This is eMFD's own ``single``
probability mapping (emfdscore's ``PROB_MAP='single'``) and keeps counts honest: each occurrence of
a word is one mention. All ten scores are kept in ``attrs``, so a weighted analysis (eMFD's ``all``
mapping: every foundation, weighted by probability) can be computed from the mentions joined to
the entries. The alternative, one entry per foundation with the probability as weight, would turn
every word into five mentions and make plain counts meaningless.

The writer writes the ten columns back from ``attrs`` where present; an entry without them gets
probability 1 for its category's foundation and its valence as that foundation's sentiment.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from ..errors import LexiconError
from ._base import Builder, parse_file, stem_name
from .model import Lexicon

__all__ = ["read_emfd", "parse_emfd", "dumps_emfd", "write_emfd", "FOUNDATIONS", "looks_like_emfd"]

FOUNDATIONS = ("care", "fairness", "loyalty", "authority", "sanctity")
_COLS = [f"{f}_p" for f in FOUNDATIONS] + [f"{f}_sent" for f in FOUNDATIONS]


def looks_like_emfd(header: list[str]) -> bool:
    """Whether a CSV header is an eMFD scoring table's."""
    names = {h.strip().lower() for h in header}
    return "word" in names and set(_COLS) <= names


def parse_emfd(text: str, path: str = "<string>", *, name: str | None = None,
               unsupported: str = "error") -> tuple[Lexicon, list[str]]:
    """Parse an eMFD scoring table; return the lexicon and every problem (see :func:`read_emfd`)."""
    b = Builder(path, name or stem_name(path), "emfd", unique_terms=False, unsupported=unsupported)
    for f in FOUNDATIONS:
        b.category(f, f"eMFD foundation '{f}': the word's most probable foundation")
    reader = csv.reader(io.StringIO(text, newline=""))
    prev = 0
    header = None
    for row in reader:
        no = prev + 1
        prev = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if header is None:
            header = [h.strip().lower() for h in row]
            if not looks_like_emfd(header):
                missing = [c for c in ["word", *_COLS] if c not in header]
                b.problem(no, f"not an eMFD scoring table: the header lacks {', '.join(missing)}")
                return b.result()
            idx = {c: header.index(c) for c in ["word", *_COLS]}
            continue
        word = row[idx["word"]].strip() if idx["word"] < len(row) else ""
        if not word:
            b.problem(no, "row has no word; fill the word column or remove the row")
            continue
        scores = {}
        for c in _COLS:
            raw = row[idx[c]].strip() if idx[c] < len(row) else ""
            try:
                scores[c] = float(raw)
            except ValueError:
                b.problem(no, f"{c}={raw!r} of {word!r} is not a number; fill it")
                scores = None
                break
        if scores is None:
            continue
        probs = [scores[f"{f}_p"] for f in FOUNDATIONS]
        best = max(probs)
        top = FOUNDATIONS[probs.index(best)]
        sent = scores[f"{top}_sent"]
        valence = None if math.isnan(sent) else max(-1.0, min(1.0, sent))
        e = b.entry(word, top, no, valence=valence, attrs=scores)
        if e is not None and probs.count(best) > 1:
            e.attrs["tie"] = [f for f, p in zip(FOUNDATIONS, probs) if p == best]
    if header is None:
        b.problem(None, "the file is empty; an eMFD table has a header (word,care_p,...) and one row per word")
    return b.result()


def read_emfd(path: str | Path, *, name: str | None = None, encoding: str = "utf-8",
              unsupported: str = "error") -> Lexicon:
    """Read an eMFD scoring table (mapping in the module docstring).

    Parameters
    ----------
    path : str or Path
    name : str, optional
        Lexicon name (default: the file name).
    encoding : str, default "utf-8"
    unsupported : {"error", "skip"}
        Report words framing cannot match, or skip them.

    Raises
    ------
    LexiconError
        With every problem, each starting ``file:line:``.
    """
    return parse_file(parse_emfd, path, encoding, name=name, unsupported=unsupported)


def dumps_emfd(lexicon: Lexicon) -> str:
    """eMFD scoring table text (module docstring); categories must be the five foundations."""
    problems = []
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["word", *_COLS])
    for e in lexicon.entries:
        if e.category not in FOUNDATIONS:
            problems.append(f"{lexicon.where(e.line)}: entry {e.term!r} has category {e.category!r}; an eMFD table "
                            f"holds the foundations {', '.join(FOUNDATIONS)}: write csv or yaml instead")
            continue
        for s in e.surfaces:
            if any(c in e.attrs for c in _COLS):
                vals = [e.attrs.get(c, 0.0) for c in _COLS]
            else:
                vals = [1.0 if f == e.category else 0.0 for f in FOUNDATIONS]
                vals += [(e.valence or 0.0) if f == e.category else 0.0 for f in FOUNDATIONS]
            w.writerow([s, *(repr(float(v)) for v in vals)])
    if problems:
        raise LexiconError(problems)
    return buf.getvalue()


def write_emfd(lexicon: Lexicon, path: str | Path) -> None:
    """Write an eMFD scoring table (see :func:`dumps_emfd`)."""
    Path(path).write_text(dumps_emfd(lexicon), encoding="utf-8")
