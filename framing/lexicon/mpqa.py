"""MPQA subjectivity clues (``.tff``; Wilson, Wiebe & Hoffmann 2005).

Layout: one clue per line, ``key=value`` fields separated by spaces::

    type=weaksubj len=1 word1=abandoned pos1=adj stemmed1=n priorpolarity=negative

Mapping:

* the category is the prior polarity (``positive``, ``negative``, ``neutral``, ``both``, and the
  one ``weakneg`` clue); the valence follows it: positive 1, negative -1, weakneg -0.5,
  neutral 0, both none (ambivalent);
* ``type``, ``pos1`` and ``stemmed1`` (and any other key, such as the ``polarity`` and
  ``mpqapolarity`` that two clues carry) are kept in ``attrs``. framing has no part-of-speech
  tagger and no stemmer, so they do not change matching: a ``stemmed1=y`` clue matches its written
  form only;
* the file has 8,222 clues for 6,886 words. A word listed for several parts of speech with the
  same polarity (``abandon`` as verb and noun) is **one entry**, since the matcher cannot tell the
  parts of speech apart and would otherwise count each occurrence twice; all its clues are kept in
  ``attrs["clues"]`` (with their lines), and the first clue's ``type``, ``pos`` and ``stemmed`` in
  ``attrs`` directly. A word with two polarities (``boast``: negative and positive) is two entries;
* clues with ``len`` > 1 join ``word1``, ``word2`` ... into a phrase.

The writer writes every clue back (one line per clue in ``attrs["clues"]``, else one line per
surface with ``type=weaksubj pos1=anypos stemmed1=n``). It can only write polarity categories and
no wildcards; other lexicons raise an error naming the entry.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import LexiconError
from ._base import Builder, numbered_lines, parse_file, stem_name
from .model import Lexicon

__all__ = ["read_tff", "parse_tff", "dumps_tff", "write_tff", "POLARITY_VALENCE"]

#: Valence of each prior polarity.
POLARITY_VALENCE: dict[str, float | None] = {"positive": 1.0, "negative": -1.0, "weakneg": -0.5,
                                             "neutral": 0.0, "both": None}
_CORE = ("type", "len", "priorpolarity")


def parse_tff(text: str, path: str = "<string>", *, name: str | None = None,
              unsupported: str = "error") -> tuple[Lexicon, list[str]]:
    """Parse MPQA ``.tff`` text; return the lexicon and every problem (see :func:`read_tff`)."""
    b = Builder(path, name or stem_name(path), "mpqa", unique_terms=False, unsupported=unsupported)
    n_clues = 0
    for no, raw in numbered_lines(text):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields: dict[str, str] = {}
        bad = [tok for tok in line.split() if "=" not in tok]
        if bad:
            b.problem(no, f"field {bad[0]!r} is not key=value; MPQA clues are lines of key=value fields")
            continue
        for tok in line.split():
            k, _, v = tok.partition("=")
            fields[k] = v
        try:
            n = int(fields.get("len", "1"))
        except ValueError:
            b.problem(no, f"len={fields['len']!r} is not a number; use the number of words")
            continue
        words = [fields.get(f"word{i}") for i in range(1, n + 1)]
        polarity = fields.get("priorpolarity")
        if any(w is None or not w for w in words) or polarity is None:
            missing = [f"word{i}" for i, w in enumerate(words, 1) if not w] + ([] if polarity else ["priorpolarity"])
            b.problem(no, f"clue lacks {', '.join(missing)}; every clue needs word1..wordN and priorpolarity")
            continue
        if polarity not in POLARITY_VALENCE:
            b.problem(no, f"priorpolarity={polarity!r} is not one of {', '.join(POLARITY_VALENCE)}; fix the value")
            continue
        n_clues += 1
        clue = {"line": no}
        for k, v in fields.items():
            if k in _CORE or (k.startswith("word") and k[4:].isdigit()):
                if k == "type":
                    clue["type"] = v
                continue
            key = k[:-1] if k[-1:] == "1" and k in ("pos1", "stemmed1") else k
            clue[key] = v
        b.category(polarity)
        e = b.entry(" ".join(words), polarity, no, valence=POLARITY_VALENCE[polarity])
        if e is None:
            continue
        clues = e.attrs.setdefault("clues", [])
        clues.append(clue)
        if len(clues) == 1:
            for k in ("type", "pos", "stemmed"):
                if k in clue:
                    e.attrs[k] = clue[k]
    b.lexicon.attrs["clues"] = n_clues
    return b.result()


def read_tff(path: str | Path, *, name: str | None = None, encoding: str = "utf-8",
             unsupported: str = "error") -> Lexicon:
    """Read MPQA subjectivity clues (mapping in the module docstring).

    Parameters
    ----------
    path : str or Path
    name : str, optional
        Lexicon name (default: the file name).
    encoding : str, default "utf-8"
    unsupported : {"error", "skip"}
        Report clues framing cannot match, or skip them.

    Returns
    -------
    Lexicon
        ``attrs["clues"]`` is the number of clue lines read.

    Raises
    ------
    LexiconError
        With every problem, each starting ``file:line:``.
    """
    return parse_file(parse_tff, path, encoding, name=name, unsupported=unsupported)


def dumps_tff(lexicon: Lexicon) -> str:
    """``.tff`` text, one line per clue (module docstring)."""
    problems, out = [], []
    for e in lexicon.entries:
        if e.category not in POLARITY_VALENCE:
            problems.append(f"{lexicon.where(e.line)}: entry {e.term!r} has category {e.category!r}; MPQA .tff files "
                            f"hold the polarities {', '.join(POLARITY_VALENCE)}: write csv or yaml instead")
            continue
        for s in e.surfaces:
            words = s.split()
            if any("*" in w for w in words):
                problems.append(f"{lexicon.where(e.line)}: term {s!r} has a wildcard, which MPQA .tff files cannot "
                                "hold; write csv or yaml instead")
                continue
            clues = e.attrs.get("clues") if s == e.term else None
            for clue in clues or [{"type": e.attrs.get("type", "weaksubj"), "pos": e.attrs.get("pos", "anypos"),
                                   "stemmed": e.attrs.get("stemmed", "n")}]:
                parts = [f"type={clue.get('type', 'weaksubj')}", f"len={len(words)}"]
                parts += [f"word{i}={w}" for i, w in enumerate(words, 1)]
                parts += [f"pos1={clue.get('pos', 'anypos')}", f"stemmed1={clue.get('stemmed', 'n')}"]
                parts += [f"{k}={v}" for k, v in clue.items() if k not in ("type", "pos", "stemmed", "line")]
                parts.append(f"priorpolarity={e.category}")
                out.append(" ".join(parts))
    if problems:
        raise LexiconError(problems)
    return "\n".join(out) + "\n"


def write_tff(lexicon: Lexicon, path: str | Path) -> None:
    """Write MPQA ``.tff`` clues (see :func:`dumps_tff`)."""
    Path(path).write_text(dumps_tff(lexicon), encoding="utf-8")
