"""Text processing with offsets into the original text.

Three jobs live here, and nowhere else (Empath's lesson: normalise once, in one place):

* :func:`match_form` turns a text into the *match form* that the matcher searches, together with a
  map from every match-form character back to the original text, so that offsets found in the match
  form slice the original text exactly.
* :func:`word_spans` and :func:`count_words` define what a word token is (used for rates per 1,000
  tokens and for the ``n_tokens`` column).
* :func:`sentence_spans` splits a text into sentences with NLTK's Punkt tokenizer, using parameters
  we compile ourselves, so no NLTK data download is ever needed.

The match form
--------------
The match form of a text is built by these steps, each of which keeps a character-level map to the
original text:

1. Unicode NFKC and lower case (``str.lower``).
2. Typographic equivalences: curly apostrophes and primes become ``'``; every whitespace character
   becomes a space; every other non-word character (punctuation, hyphens and dashes, symbols) becomes
   a space. Hyphen and space are therefore equivalent (``self-styled`` == ``self styled``).
3. An apostrophe is kept only between two word characters (``don't``, ``haftar's``, ``o'brien``);
   elsewhere (a single quotation mark, a plural possessive ``rebels'``) it becomes a space.
4. Every gap between two words falls in one of three classes, and its match form depends only on
   the class: a *soft* gap (whitespace without a paragraph break, or punctuation without whitespace
   or apostrophes: a line break, a double space, ``self-styled``, ``U.N.-backed``) is one space; a
   *hard* gap (punctuation with whitespace: ``renegade, general``, ``Brig. Gen.``, a dash between
   spaces) is two spaces; a *paragraph* gap (two or more line breaks) is a line break and a space.
   A term matches a text only where its gaps have the same classes, so ``renegade general`` never
   matches across a comma or a full stop, ``Brig. Gen.`` matches ``Brig. Gen.``, and no phrase
   matches across a paragraph break.

Words in the match form are thus separated by spaces, and a lexicon term (normalised by the same
function) matches a text when its match form occurs there starting after a space and ending before a
space (or before a possessive ``'s``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = [
    "MatchForm",
    "match_form",
    "normalize_term",
    "word_spans",
    "count_words",
    "sentence_spans",
    "gap_class",
    "TOKEN_POLICY",
    "NORMALISATION_POLICY",
]

#: Versioned names of the policies below; the manifest records them so that a study written today
#: means the same thing next year.
NORMALISATION_POLICY = "framing.normalise.v1"
TOKEN_POLICY = "framing.tokens.word-apostrophe.v1"

# Characters that are typographic variants of the apostrophe.
_APOSTROPHES = "\u2019\u2018\u02bc\u02b9\u2032\u0060\u00b4\uff07\u201b"
# Whitespace characters (str.isspace) in the Basic Multilingual Plane; mapped to a plain space.
_SPACES = "".join(ch for ch in map(chr, range(0x3000 + 1)) if ch.isspace())
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _build_table() -> dict[int, int]:
    table: dict[int, int] = {}
    for ch in _SPACES:
        table[ord(ch)] = 0x20
    for ch in _APOSTROPHES:
        table[ord(ch)] = ord("'")
    # ASCII and Latin-1 punctuation and symbols, general punctuation block (dashes, quotes,
    # bullets, ellipsis), currency, arrows and CJK punctuation: everything that is not a word
    # character becomes a space. Rarer symbols are caught by _NONWORD_RE below.
    for cp in list(range(0x00, 0x2000)) + list(range(0x2000, 0x2070)) + list(range(0x20A0, 0x2200)) + list(
        range(0x3000, 0x3040)
    ):
        ch = chr(cp)
        if cp in table or ch == "'" or ch == "_" or ch.isalnum():
            continue
        if unicodedata.category(ch)[0] in "PSZC":
            table[cp] = 0x20
    return table


_TABLE = _build_table()
# Any character that is neither a word character, a space nor an apostrophe (after translation).
_NONWORD_RE = re.compile(r"[^\w \n']")
# An apostrophe not standing between two word characters.
_LONE_APOSTROPHE_RE = re.compile(r"(?<!\w)'|'(?!\w)")
# Gaps in the ORIGINAL text whose match form differs from their translation: whitespace runs,
# runs of punctuation between words, and gaps of three or more non-word characters between words.
_GAP_RE = re.compile(r"(?<=\w)\W{3,}(?=\w)|(?<=\w)[^\w\s']{2,}(?=\w)|\s{2,}")
_APOSTROPHE_SET = frozenset("'" + _APOSTROPHES)
_WORD_RE = re.compile(r"\w+(?:['\u2019]\w+)*")


@dataclass(frozen=True)
class MatchForm:
    """A text's match form and its map back to the original text.

    Attributes
    ----------
    text : str
        The match form (see the module docstring).
    starts, ends : numpy.ndarray or None
        ``starts[i]`` and ``ends[i]`` are the original-text offsets of the character that produced
        match-form character ``i`` (``ends[i] - starts[i]`` is 1 except where NFKC expanded or
        composed characters). ``None`` when the match form has the same length as the original and
        character ``i`` comes from original character ``i``.
    """

    text: str
    starts: np.ndarray | None = None
    ends: np.ndarray | None = None

    def to_original(self, start, end):
        """Map match-form offsets ``[start, end)`` (ints or integer arrays) to original offsets."""
        if self.starts is None:
            return start, end
        return self.starts[start], self.ends[np.asarray(end) - 1]


def gap_class(gap: str) -> str:
    """Class of a gap between two words: ``soft``, ``hard`` or ``paragraph`` (module docstring)."""
    breaks = sum(gap.count(ch) for ch in _LINE_BREAKS) - gap.count("\r\n")
    if breaks >= 2:
        return "paragraph"
    if gap.isspace():
        return "soft"
    if not any(ch.isspace() or ch in _APOSTROPHE_SET for ch in gap):
        return "soft"
    return "hard"


_GAP_FORM = {"soft": " ", "hard": "  ", "paragraph": "\n "}


def _gap_edits(text: str) -> list[tuple[int, int, str]]:
    """Edits ``(start, end, replacement)`` of the original text that give gaps their class form."""
    out = []
    for m in _GAP_RE.finditer(text):
        gap = m.group()
        form = _GAP_FORM[gap_class(gap)]
        if len(form) < len(gap) or form[0] == "\n":
            out.append((m.start(), m.end(), form))
    return out


def _finish(m: str) -> str:
    if not m.isascii() and _NONWORD_RE.search(m):
        m = _NONWORD_RE.sub(" ", m)
    if "'" in m:
        m = _LONE_APOSTROPHE_RE.sub(" ", m)
    return m


def match_form(text: str) -> MatchForm:
    """Build the match form of ``text`` with its offset map.

    Parameters
    ----------
    text : str
        Original text.

    Returns
    -------
    MatchForm

    Examples
    --------
    >>> mf = match_form("The self\u2011styled \u201cField Marshal\u201d")
    >>> mf.text
    'the self styled  field marshal '
    """
    low = text.lower()
    simple = len(low) == len(text)
    if simple:
        low = low.translate(_TABLE)
        simple = low.isascii() or unicodedata.is_normalized("NFKC", low)
    edits = _gap_edits(text) if (not simple or "  " in low) else []
    if not simple:
        return _match_form_slow(text, edits)
    if not edits:
        return MatchForm(_finish(low))
    pieces: list[str] = []
    index: list[np.ndarray] = []
    prev = 0
    for a, b, form in edits:
        pieces.append(low[prev:a])
        pieces.append(form)
        index.append(np.arange(prev, a + len(form), dtype=np.int64))
        prev = b
    pieces.append(low[prev:])
    index.append(np.arange(prev, len(text), dtype=np.int64))
    starts = np.concatenate(index)
    return MatchForm(_finish("".join(pieces)), starts, starts + 1)


def _match_form_slow(text: str, edits: list[tuple[int, int, str]]) -> MatchForm:
    # Character by character, for texts where NFKC or lower-casing changes lengths. Combining
    # sequences are normalised as a unit (a base character and its combining marks).
    at = {a: (b, form) for a, b, form in edits}
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        if i in at:
            b, form = at[i]
            pieces.append(form)
            starts.extend(range(i, i + len(form)))
            ends.extend(range(i + 1, i + len(form) + 1))
            i = b
            continue
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFKC", text[i:j]).lower().translate(_TABLE)
        pieces.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        i = j
    m = "".join(pieces)
    return MatchForm(_finish(m), np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64))


@lru_cache(maxsize=65536)
def normalize_term(term: str) -> str:
    """Normalise a lexicon term to its match form: words separated by single spaces.

    A ``*`` (prefix wildcard) is kept at the end of the word it closes.

    >>> normalize_term("Self-Styled  \u201cGeneral\u201d")
    'self styled general'
    >>> normalize_term("militia*")
    'militia*'
    """
    return "*".join(match_form(chunk).text for chunk in term.split("*")).strip(" ")


def word_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of word tokens in ``text``.

    A word token is a maximal run of word characters, with apostrophes allowed between word
    characters (``don't``, ``Haftar's``). Hyphenated compounds count as their parts, and punctuation
    is not a token. This is the unit of ``n_tokens`` and of rates per 1,000 tokens.
    """
    return [m.span() for m in _WORD_RE.finditer(text)]


def count_words(form: MatchForm | str) -> int:
    """Number of word tokens, counted on a match form (fast) or a text."""
    if isinstance(form, MatchForm):
        return len(form.text.split())
    return len(_WORD_RE.findall(form))


# Abbreviations after which a full stop does not end a sentence: titles and ranks common in news,
# months, and a few Latin forms. Our own list. Punkt stores them lower-cased without the final dot.
_ABBREVIATIONS = """
mr mrs ms dr prof rev hon sr jr st gen lt col maj capt cpt cmdr adm sgt cpl pvt brig
gov sen rep pres supt insp det fr messrs mme mlle
jan feb mar apr jun jul aug sep sept oct nov dec
no nos vol p pp e.g i.e etc vs approx est dept univ corp inc ltd co
u.s u.k u.n e.u u.s.a u.a.e
""".split()


@lru_cache(maxsize=1)
def _punkt():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(_ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


_BLOCK_RE = re.compile(r"[^\n\r\u2028\u2029]+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence offsets in ``text``.

    Every line is split into sentences by NLTK's Punkt tokenizer with our own abbreviation list (no
    downloaded model); a line break always ends a sentence, so headlines, datelines and paragraphs
    written one per line are sentences of their own.

    Returns
    -------
    list of (start, end)
        Offsets into ``text``; ``text[start:end]`` is the sentence without surrounding whitespace.
    """
    tok = _punkt()
    out = []
    for block in _BLOCK_RE.finditer(text):
        seg = block.group()
        if not seg.strip():
            continue
        base = block.start()
        for a, b in tok.span_tokenize(seg):
            out.append((base + a, base + b))
    return out
