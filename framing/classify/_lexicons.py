"""The lexicons the classifiers use as features: ours plus the published bias-related lists.

:func:`bias_lexicons` gathers, as :class:`~framing.lexicon.Lexicon` objects,

* ``loaded_language`` (shipped with framing);
* the Recasens, Danescu-Niculescu-Mizil & Jurafsky (2013) bias lexicon and its companion lists
  (Hooper's assertives and factives, Hyland's hedges, Karttunen's implicatives, report verbs);
* the MPQA subjectivity clues (Wilson et al. 2005), as one category per strength and polarity
  (``strongsubj_negative`` ...), since strong versus weak subjectivity is what Recasens et al.
  found predictive;
* the Hu & Liu (2004) opinion lexicon (``positive``, ``negative``; censored spellings such as
  ``f**k`` read literally).

The published lists are not shipped with framing (their licences are unstated); they are read
from a folder laid out like ``../shared/data/lexicons`` (``recasens2013/``,
``mpqa-subjectivity/``, ``huliu-opinion/``). Lists missing there are left out, and the names of
the lexicons used are recorded in every model card.
"""

from __future__ import annotations

from pathlib import Path

from ..lexicon import Category, Entry, Lexicon, load_lexicon

__all__ = ["bias_lexicons", "default_lexicon_dir", "RECASENS_LISTS"]

#: Recasens et al. (2013) lists: lexicon name -> file under ``recasens2013/``.
RECASENS_LISTS = {
    "recasens_bias": "bias-lexicon.txt",
    "assertives": "assertives_hooper1975.txt",
    "factives": "factives_hooper1975.txt",
    "hedges": "hedges_hyland2005.txt",
    "implicatives": "implicatives_karttunen1971.txt",
    "report_verbs": "report_verbs.txt",
}


def default_lexicon_dir() -> Path | None:
    """``../shared/data/lexicons`` beside the repository or the working directory, if present."""
    repo = Path(__file__).resolve().parents[2]
    for base in (repo / ".." / "shared" / "data" / "lexicons", Path.cwd() / ".." / "shared" / "data" / "lexicons"):
        if base.is_dir():
            return base.resolve()
    return None


def _renamed(lex: Lexicon, name: str, category: str) -> Lexicon:
    entries = [Entry(e.term, category, valence=e.valence, line=e.line) for e in lex.entries]
    return Lexicon(name=name, version=lex.version, language=lex.language, description=lex.description,
                   categories={category: Category(category)}, entries=entries, unique_terms=False)


def _mpqa(path: Path) -> Lexicon:
    lex = load_lexicon(path)
    cats: dict[str, Category] = {}
    entries = []
    seen = set()
    for e in lex.entries:
        for clue in e.attrs.get("clues") or [{"type": e.attrs.get("type", "weaksubj")}]:
            cat = f"{clue.get('type', 'weaksubj')}_{e.category}"
            if (e.term, cat) in seen:
                continue
            seen.add((e.term, cat))
            cats.setdefault(cat, Category(cat))
            entries.append(Entry(e.term, cat, valence=e.valence, line=e.line))
    return Lexicon(name="mpqa", version="2005", language="en", description="MPQA subjectivity clues by strength "
                   "and prior polarity (Wilson, Wiebe & Hoffmann 2005)", categories=cats, entries=entries,
                   unique_terms=False)


def _huliu(folder: Path) -> Lexicon | None:
    parts = []
    for cat, fname, kw in (("positive", "positive-words.txt", {}),
                           ("negative", "negative-words-UTF8.txt", {"asterisk": "literal"})):
        p = folder / fname
        if not p.exists() and cat == "negative":
            p = folder / "negative-words.txt"
        if p.exists():
            parts.append(_renamed(load_lexicon(p, **kw), "huliu", cat))
    if not parts:
        return None
    cats = {c: v for lex in parts for c, v in lex.categories.items()}
    return Lexicon(name="huliu", version="2004", language="en", description="Hu & Liu (2004) opinion lexicon",
                   categories=cats, entries=[e for lex in parts for e in lex.entries], unique_terms=False)


def bias_lexicons(root: str | Path | None = None, *, include_loaded_language: bool = True) -> list[Lexicon]:
    """The feature lexicons (module docstring), read from ``root``.

    Parameters
    ----------
    root : str or Path, optional
        Folder laid out like ``../shared/data/lexicons`` (default: that folder when it exists;
        otherwise only ``loaded_language`` is returned).
    include_loaded_language : bool, default True

    Returns
    -------
    list of Lexicon
    """
    out = [load_lexicon("loaded_language")] if include_loaded_language else []
    root = Path(root) if root is not None else default_lexicon_dir()
    if root is None or not root.is_dir():
        return out
    rec = root / "recasens2013"
    for name, fname in RECASENS_LISTS.items():
        if (rec / fname).exists():
            out.append(_renamed(load_lexicon(rec / fname), name, name))
    tff = root / "mpqa-subjectivity" / "subjclueslen1-HLTEMNLP05.tff"
    if tff.exists():
        out.append(_mpqa(tff))
    hl = _huliu(root / "huliu-opinion")
    if hl is not None:
        out.append(hl)
    return out
