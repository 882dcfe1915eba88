"""Text processing with offsets into the original text.

Three jobs live here, and nowhere else (Empath's lesson: normalise once, in one place):

* :func:`match_form` turns a text into the *match form* that the matcher searches, together with a
  map from every match-form character back to the original text, so that offsets found in the match
  form slice the original text exactly.
* :func:`word_spans` and :func:`count_words` define what a word token is (used for rates per 1,000
  tokens and for the ``n_tokens`` column).
* :func:`sentence_spans` (from :mod:`framing.sentences`, re-exported here) splits a text into
  sentences by Punkt's rules with our own abbreviation list, so no NLTK data download is needed.

The match form
--------------
The match form of a text is built by these steps, each of which keeps a character-level map to the
original text:

1. Unicode NFKC and lower case (``str.lower``; the Greek final sigma, whose lower case depends on
   the letters around it, is folded into sigma, as ``str.casefold`` does). Words are those of the
   original text: where NFKC turns one word character into several, they all stay inside its word,
   punctuation included ("2\u00bd" is the one word "21\u20442", "\u2474" is "(1)"), and where it
   turns a character that is no word character into letters, they stay a gap ("\u2122" is not "tm").
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

from .sentences import sentence_spans

__all__ = [
    "MatchForm",
    "FormBatch",
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
# v2: Greek final sigma folded; v3: what NFKC makes of one character keeps that character's place in
# the words ("\u00bd", one word character, is "1\u20442" inside its word; "\u2122", none, is a gap)
NORMALISATION_POLICY = "framing.normalise.v3"
# v2: the apostrophes that Unicode calls letters (U+02BC, U+02B9) join words and are none, as in
# the match form (a word of its own before: "a \u02b9 b" was three tokens)
TOKEN_POLICY = "framing.tokens.word-apostrophe.v2"

# Characters that are typographic variants of the apostrophe.
_APOSTROPHES = "\u2019\u2018\u02bc\u02b9\u2032\u0060\u00b4\uff07\u201b"
# Whitespace characters (str.isspace) in the Basic Multilingual Plane; mapped to a plain space.
_SPACES = "".join(ch for ch in map(chr, range(0x3000 + 1)) if ch.isspace())
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _build_table() -> dict[int, int]:
    table: dict[int, int] = {0: 0}  # NUL separates documents in a batch (texts never hold one)
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
# The ASCII part of the table as a byte table. It is applied to UTF-8 bytes (every byte of a
# multi-byte character is >= 0x80 and left alone), then apostrophe variants are unified; any other
# non-word character becomes a space in _finish. Much faster than str.translate with a dict.
_BYTE_TABLE = bytes(_TABLE.get(i, i) for i in range(128)) + bytes(range(128, 256))


def _translate(low: str) -> str:
    """Typographic translation of lower-cased text: ASCII punctuation to spaces, apostrophes unified.

    Lengths are kept (one character for one character).
    """
    if low.isascii():
        return low.encode("ascii").translate(_BYTE_TABLE).decode("ascii")
    out = low.encode("utf-8", "surrogatepass").translate(_BYTE_TABLE).decode("utf-8", "surrogatepass")
    for ch in _APOSTROPHES:
        if ch in out:
            out = out.replace(ch, "'")
    if "\u03c2" in out:  # final sigma is sigma (as str.casefold has it): its lower case depends on context
        out = out.replace("\u03c2", "\u03c3")
    return out


_NONWORD_RE = re.compile(r"[^\w \n'\x00]")
# An apostrophe not standing between two word characters.
_LONE_APOSTROPHE_RE = re.compile(r"'(?:(?!\w)|(?<!\w.))")  # starts with a literal: fast scan
# Gaps between words are the runs of spaces of the finished translation (every non-word character,
# lone apostrophes included, is a space there); only runs of two or more can need an edit.
_SPACE_RUN_RE = re.compile(r"  +")
_APOSTROPHE_SET = frozenset("'" + _APOSTROPHES)
_WORD_CHAR = r"[^\W\u02bc\u02b9]"  # \w less the apostrophes among its letters
_WORD_RE = re.compile(_WORD_CHAR + r"+(?:['" + _APOSTROPHES + r"]" + _WORD_CHAR + r"+)*")


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


@lru_cache(maxsize=4096)  # (gaps repeat: ", ", quotation marks, dashes)
def gap_class(gap: str) -> str:
    """Class of a gap between two words: ``soft``, ``hard`` or ``paragraph`` (module docstring)."""
    breaks = gap.count("\n") + gap.count("\r") - gap.count("\r\n")
    if not gap.isascii():
        breaks += sum(gap.count(ch) for ch in _LINE_BREAKS[2:])
    if breaks >= 2:
        return "paragraph"
    if gap.isspace():
        return "soft"
    if not any(ch.isspace() or ch in _APOSTROPHE_SET for ch in gap):
        return "soft"
    return "hard"


_GAP_FORM = {"soft": " ", "hard": "  ", "paragraph": "\n "}


def _apply_gaps(m0: str, text: str, starts: np.ndarray | None, ends: np.ndarray | None) -> MatchForm:
    """Give every gap between words its class form (module docstring, step 4).

    ``m0`` is the finished translation of ``text``; ``starts``/``ends`` map its characters to the
    original (None: identity).
    """
    n = len(m0)
    edits = []
    runs = [m.span() for m in _SPACE_RUN_RE.finditer(m0)]
    if starts is None or not runs:
        orig = runs
    else:  # (mapped all at once: a NumPy scalar per run cost most of this function)
        ab = np.asarray(runs, dtype=np.int64)
        orig = zip(starts[ab[:, 0]].tolist(), ends[ab[:, 1] - 1].tolist())
    for (a, b), (oa, ob) in zip(runs, orig):
        if a == 0 or b == n:  # not between two words: no phrase can use it
            continue
        gap = text[oa:ob]
        if len(gap) == 2 and gap[0].isspace() != gap[1].isspace() and b - a == 2:
            continue  # ", " or " (": a hard gap already in its form
        form = _GAP_FORM[gap_class(gap)]
        if form != m0[a:b]:
            edits.append((a, b, form))
    if not edits:
        return MatchForm(m0, starts, ends)
    pieces, first, size = [], [], []  # the form's characters kept: ranges [first, first + size)
    prev = 0
    for a, b, form in edits:
        pieces.append(m0[prev:a])
        pieces.append(form)
        first.append(prev)
        size.append(a + len(form) - prev)
        prev = b
    pieces.append(m0[prev:])
    first.append(prev)
    size.append(n - prev)
    size_arr = np.asarray(size, dtype=np.int64)
    keep = np.repeat(np.asarray(first, dtype=np.int64) - np.cumsum(size_arr) + size_arr, size_arr) + np.arange(
        int(size_arr.sum()), dtype=np.int64)
    if starts is None:
        return MatchForm("".join(pieces), keep, keep + 1)
    return MatchForm("".join(pieces), starts[keep], ends[keep])


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
    batch = FormBatch.build([text])
    return batch.form(0)


# Per-code-point flags of the ORIGINAL text used to classify gaps (code points >= 65536 are none).
def _flags(chars: str) -> np.ndarray:
    out = np.zeros(0x10000, dtype=bool)
    out[[ord(c) for c in chars]] = True
    return out


_IS_SPACE = _flags(_SPACES)
_IS_BREAK = _flags(_LINE_BREAKS)
_IS_APOS = _flags("'" + _APOSTROPHES)
_SEPARATORS = (0, 10, 32)


def _needs_slow_path(ch: str) -> bool:
    """A character whose lower case or NFKC form changes lengths, or that may compose with others."""
    low = ch.lower()
    return (len(low) != 1 or unicodedata.category(ch).startswith("M") or ch in _COMPOSES_BACK
            or not unicodedata.is_normalized("NFKC", _finish(_translate(low))))


def _codes(s: str) -> np.ndarray:
    """One byte per character of ``s``: its code if ASCII, else ``?`` (63). Indexable by position."""
    return np.frombuffer(s.encode("ascii", "replace"), dtype=np.uint8)


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")




@dataclass
class FormBatch:
    """The match forms of many texts in one string, as the matcher searches them.

    Layout: for every text, a NUL, a space, its match form and a space; then a final NUL. Gaps are
    classified for the whole batch at once with NumPy, so the cost per text is a few string
    operations in C. Texts whose length changes under lower-casing or NFKC (rare) take a slower
    character-by-character path and are appended after the others.

    Attributes
    ----------
    text : str
        The concatenated match forms.
    starts, ends : numpy.ndarray
        Text ``d``'s match form is ``text[starts[d]:ends[d]]``.
    n_tokens : numpy.ndarray
        Word tokens of each text (see :func:`count_words`).
    """

    text: str
    starts: np.ndarray
    ends: np.ndarray
    n_tokens: np.ndarray
    _keep: np.ndarray | None  # batch position -> position in the concatenated originals (fast texts)
    _orig_base: np.ndarray  # start of each fast text in the concatenated originals, by text
    _slow: dict[int, MatchForm]
    _fast_end: int  # batch positions before this belong to fast texts

    @classmethod
    def build(cls, texts: list[str]) -> "FormBatch":
        """Match forms of ``texts`` (NUL characters in a text are read as spaces)."""
        texts = [t.replace("\x00", " ") if "\x00" in t else t for t in texts]
        n_docs = len(texts)
        big_o = "".join(["\x00 " + t + " " for t in texts]) + "\x00"
        lengths = np.fromiter((len(t) + 3 for t in texts), dtype=np.int64, count=n_docs)
        orig_base = np.concatenate(([0], np.cumsum(lengths)[:-1])) + 2 if n_docs else np.zeros(0, np.int64)
        low = big_o.lower()
        slow_ids: list[int] = []
        if len(low) != len(big_o):
            slow_ids = [i for i, t in enumerate(texts) if len(t.lower()) != len(t)]
            low = "".join(["\x00 " + (t.lower() if i not in slow_ids else " " * len(t)) + " "
                           for i, t in enumerate(texts)]) + "\x00"
        translated = _translate(low)
        low = _finish(translated)
        if not translated.isascii() and (not unicodedata.is_normalized("NFKC", translated)
                                         or _mark_re().search(translated)):
            # texts holding a character whose NFKC form differs, or a combining mark, take the slow
            # path (checked before _finish, which would turn the marks into spaces)
            bad_chars = [c for c in set(_NON_ASCII_RE.findall(translated)) if _needs_slow_path(c)]
            # (looked up in the lower-cased text: "Ｗ" lower-cases to "ｗ", which NFKC changes)
            slow_set = set(slow_ids)
            more = [i for i, t in enumerate(texts) if i not in slow_set and not t.isascii()
                    and any(c in low_t for low_t in (t.lower(),) for c in bad_chars)]
            if more:
                pieces, prev = [], 0
                for i in more:  # blank the slow texts out of the batch; they are appended below
                    a = int(orig_base[i])
                    pieces += [low[prev:a], " " * len(texts[i])]
                    prev = a + len(texts[i])
                pieces.append(low[prev:])
                low = "".join(pieces)
                slow_ids = sorted(slow_ids + more)
        final, keep = _classify_gaps(low, big_o)
        fast_end = len(final) - 1
        slow = {i: _match_form_slow(texts[i]) for i in slow_ids}
        if slow:
            final = final[:-1] + "".join("\x00 " + slow[i].text + " " for i in slow_ids) + "\x00"
        codes = _codes(final)
        nul = np.flatnonzero(codes == 0)
        seg_starts, seg_ends = nul[:-1] + 2, nul[1:] - 1
        starts, ends = seg_starts[:n_docs].copy(), seg_ends[:n_docs].copy()
        starts[slow_ids], ends[slow_ids] = seg_starts[n_docs:], seg_ends[n_docs:]
        is_word = (codes != 0) & (codes != 10) & (codes != 32)
        first = np.flatnonzero(is_word[1:] & ~is_word[:-1]) + 1  # positions where a word starts
        n_tokens = np.searchsorted(first, ends) - np.searchsorted(first, starts)
        return cls(final, starts, ends, n_tokens.astype(np.int64), keep, orig_base,
                   slow, fast_end)

    def __len__(self) -> int:
        return len(self.starts)

    def to_original(self, doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Map batch positions ``[start, end)`` in texts ``doc`` to offsets into those texts."""
        doc = np.asarray(doc, dtype=np.int64)
        start = np.asarray(start, dtype=np.int64)
        end = np.asarray(end, dtype=np.int64)
        o_start, o_end = start.copy(), end.copy()
        fast = start < self._fast_end
        if fast.any():
            s, e = start[fast], end[fast]
            if self._keep is not None:
                s, e = self._keep[s], self._keep[e - 1] + 1
            base = self._orig_base[doc[fast]]
            o_start[fast], o_end[fast] = s - base, e - base
        for i in np.flatnonzero(~fast):
            d = int(doc[i])
            a, b = int(start[i] - self.starts[d]), int(end[i] - self.starts[d])
            o_start[i], o_end[i] = self._slow[d].to_original(a, b)
        return o_start, o_end

    def form(self, d: int) -> MatchForm:
        """The :class:`MatchForm` of text ``d``."""
        if d in self._slow:
            return self._slow[d]
        a, b = int(self.starts[d]), int(self.ends[d])
        text = self.text[a:b]
        if self._keep is None:
            return MatchForm(text)
        idx = self._keep[a:b] - self._orig_base[d]
        if np.array_equal(idx, np.arange(b - a)):
            return MatchForm(text)
        return MatchForm(text, idx, idx + 1)


def _classify_gaps(m0: str, orig: str) -> tuple[str, np.ndarray | None]:
    """Give every gap between words its class form, for a whole batch (module docstring, step 4).

    Returns the new string and, where it changed, the map from its positions to ``m0``'s.
    """
    mc = _codes(m0)
    n = len(mc)
    sp = mc == 32
    edges = np.flatnonzero(sp[1:] != sp[:-1]) + 1  # run starts and ends alternate (text ends in NUL)
    a, b = edges[0::2], edges[1::2]
    length = b - a
    sel = (length >= 2) & (a > 0) & (b < n)
    a, b, length = a[sel], b[sel], length[sel]
    sel = (mc[a - 1] != 0) & (mc[b] != 0)  # runs touching a separator are not between two words
    a, b, length = a[sel], b[sel], length[sel]
    if len(a) == 0:
        return m0, None
    oc = _codes(orig)
    # Count whitespace, line breaks (CRLF as one) and apostrophes in each gap by gathering the gap's
    # characters position by position: gaps are short, so this touches few characters. Non-ASCII
    # characters (a "?" in ``oc``) are looked up in the string itself.
    width = int(min(length.max(), 16))
    n_ws = np.zeros(len(a), dtype=np.int64)
    n_br = np.zeros(len(a), dtype=np.int64)
    n_ap = np.zeros(len(a), dtype=np.int64)
    prev_cr = np.zeros(len(a), dtype=bool)
    for k in range(width):
        valid = k < length
        pos = np.minimum(a + k, n - 1)
        c = oc[pos]
        ws, br, ap = _IS_SPACE[c], _IS_BREAK[c], _IS_APOS[c]
        other = np.flatnonzero(valid & (c == 63))
        if len(other):
            chars = [orig[p] for p in pos[other].tolist()]
            codes = np.asarray([ord(ch) if ord(ch) < 0x10000 else 0 for ch in chars], dtype=np.int64)
            ws[other], br[other], ap[other] = _IS_SPACE[codes], _IS_BREAK[codes], _IS_APOS[codes]
        n_ws += valid & ws
        n_ap += valid & ap
        n_br += valid & br & ~(prev_cr & (c == 10))
        prev_cr = valid & (c == 13)
    for i in np.flatnonzero(length > width):  # long runs: count in Python
        gap = orig[a[i]:b[i]]
        n_ws[i] = sum(ch.isspace() for ch in gap)
        n_ap[i] = sum(ch in _APOSTROPHE_SET for ch in gap)
        n_br[i] = sum(gap.count(ch) for ch in _LINE_BREAKS) - gap.count("\r\n")
    para = n_br >= 2
    soft = ~para & ((n_ws == length) | ((n_ws == 0) & (n_ap == 0)))
    form_len = np.where(soft, 1, 2)
    edit = (form_len < length) | para
    a, b, form_len, para = a[edit], b[edit], form_len[edit], para[edit]
    if len(a) == 0:
        return m0, None
    cut_from = a + form_len
    cut_len = b - cut_from
    total = int(cut_len.sum())
    cut = np.repeat(cut_from - np.concatenate(([0], np.cumsum(cut_len)[:-1])), cut_len) + np.arange(total)
    mask = np.ones(n, dtype=bool)
    mask[cut] = False
    keep = np.flatnonzero(mask)
    pieces, prev = [], 0
    for x, y, f, p in zip(a.tolist(), b.tolist(), form_len.tolist(), para.tolist()):
        pieces.append(m0[prev:x])
        pieces.append("\n " if p else " " * f)
        prev = y
    pieces.append(m0[prev:])
    return "".join(pieces), keep


@lru_cache(maxsize=1)
def _mark_re() -> re.Pattern:
    """Any combining mark (Unicode category M)."""
    return re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in _mark_ranges()) + "]")


def _compute_mark_ranges() -> list[tuple[int, int]]:
    """Ranges of combining marks in the planes that hold them (0, 1 and 14): 0.08 s of asking
    ``unicodedata`` about 130,000 code points."""
    ranges, start, prev = [], None, None
    for cp in [*range(0x300, 0x20000), *range(0xE0000, 0xE1000)]:
        if unicodedata.category(chr(cp)).startswith("M"):
            if start is None:
                start = cp
            elif cp != prev + 1:
                ranges.append((start, prev))
                start = cp
            prev = cp
    if start is not None:
        ranges.append((start, prev))
    return ranges


def _mark_ranges() -> list[tuple[int, int]]:
    """:func:`_compute_mark_ranges`, kept in framing's cache folder per Unicode version (the first
    text that needs the exact match form in a process would otherwise pay for it)."""
    import json
    import os

    from .cache import cache_dir

    folder = cache_dir()
    file = folder / f"unicode-marks-{unicodedata.unidata_version}.json" if folder is not None else None
    if file is not None and file.is_file():
        try:
            return [(int(a), int(b)) for a, b in json.loads(file.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            pass  # unreadable: compute it again
    ranges = _compute_mark_ranges()
    if file is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(ranges), encoding="utf-8")
            os.replace(tmp, file)
        except OSError:
            pass  # a read-only cache folder: compute it each time
    return ranges


def _letters(piece: str) -> str:
    """A normalised base character with the combining marks NFKC could not compose dropped (the
    dot of Turkish "İ" lower-cased, Devanagari vowel signs): marks never split a word, and the
    mention's offsets still cover them (they map to the whole base-and-marks group)."""
    if len(piece) > 1 and piece[0] != " ":
        kept = piece[0] + "".join(c for c in piece[1:] if not unicodedata.category(c).startswith("M"))
        return kept
    return piece


_WORD_CHAR_RE = re.compile(_WORD_CHAR)
_IN_WORD_SPACE = "\ufdd0"  # (a noncharacter: no text's form holds one otherwise)


# Characters that NFKC may compose with the letter before them although they are no combining
# marks: the halfwidth katakana voiced sound marks (NFKC makes them marks: "\uff76\uff9e" is
# "\u30ac"), and the Hangul vowels and final consonants (the conjoining jamo, and the compatibility
# and halfwidth jamo that NFKC makes them: "\u1100\u1161" and "\u3131\u314f" are "\uac00"). After
# a letter they belong to it, as marks do; elsewhere they are letters of their own (words are read
# in the original text). tests/test_text.py derives the list from unicodedata.
_COMPOSES_BACK = frozenset("\uff9e\uff9f" + "".join(chr(c) for a, b in (
    (0x1161, 0x1175), (0x11A8, 0x11C2), (0x3133, 0x3133), (0x3135, 0x3136), (0x313A, 0x313F), (0x314F, 0x3163),
    (0xFFA3, 0xFFA3), (0xFFA5, 0xFFA6), (0xFFAA, 0xFFAF), (0xFFC2, 0xFFC7), (0xFFCA, 0xFFCF), (0xFFD2, 0xFFD7),
    (0xFFDA, 0xFFDC)) for c in range(a, b + 1)))


def _joins_base(ch: str, base: str) -> bool:
    """Whether ``ch`` belongs to the group of the character ``base`` before it (and the marks after
    that): a combining mark does, one of ``_COMPOSES_BACK`` does after a letter."""
    if ch in _COMPOSES_BACK:
        return _is_letter(base)
    return unicodedata.category(ch).startswith("M")


def _is_letter(ch: str) -> bool:
    """Whether ``ch`` (one character, or none) is a word character (no apostrophe is)."""
    return _WORD_CHAR_RE.match(ch) is not None


def _one_word(group: str, piece: str, at: int, kept: list[tuple[int, str]], before: str = "",
              after: str = "") -> str:
    """The form of one character with the marks that follow it, ``group`` (NFKC and lower-cased:
    ``piece``), as the words of the original text have it (tests/reference_matcher.py): words are
    read in the original text, then normalised; ``before`` and ``after`` are the characters around
    the group. So a word character stays one piece of its word whatever NFKC makes of it:
    "\u00bd" is "1\u20442", "\u0149" is "\u02bcn", "\u2474" is "(1)", all inside the word; the
    characters of ``piece`` that the form would make gaps (or lone apostrophes) are listed in
    ``kept`` with their place (``at`` is the piece's) and the character the form has there: an
    apostrophe for an apostrophe, ``_IN_WORD_SPACE`` for a space, else the character itself; the
    piece gets a letter in their place until then. A character that is no word character stays a
    gap whatever NFKC makes of it ("\u2122" is "tm", a circled "a" is "a"), and an apostrophe stays
    one."""
    char = group[0]
    if char in _APOSTROPHE_SET:  # ("\u00b4" is " \u0301" to NFKC; with a mark, no apostrophe between
        return "'" if len(group) == 1 else "  "  # two letters: a gap of two, as "' " is)
    if not _WORD_CHAR_RE.match(char):  # a gap as wide as in the text, whatever NFKC's width ("\u2122"
        return " " * len(group)  # is one space, not two), so that _apply_gaps classes it from the text
    if len(piece) == 1 and _WORD_CHAR_RE.match(piece):
        return piece
    out = []
    for ch in piece:
        if unicodedata.category(ch).startswith("M"):  # (marks are dropped, as _letters does)
            continue
        if not _WORD_CHAR_RE.match(ch):
            kept.append((at + len(out), "'" if ch in _APOSTROPHE_SET else _IN_WORD_SPACE if ch.isspace() else ch))
            ch = "a"
        out.append(ch)
    if not out and not (_is_letter(before) or _is_letter(after)):
        # (only marks, "\uff9e" being "\u3099" to NFKC, and no letter on either side to hold
        # the word together: the word still holds a character)
        kept.append((at, _IN_WORD_SPACE))
        out.append("a")
    return "".join(out)


def _simple(c: str) -> bool:
    """Whether ``c`` is its own normalised form in every context: NFKC and lower-casing keep it one
    character (and NFKC keeps its lower case), and it is not a combining mark."""
    low = c.lower()
    return (unicodedata.normalize("NFKC", c) == c and len(low) == 1 and unicodedata.normalize("NFKC", low) == low
            and not unicodedata.category(c).startswith("M") and low != "\u03c3")  # (sigma: by context)


# Runs that _match_form_slow lower-cases in bulk: ASCII, and the characters of Latin-1, Latin
# Extended-A/B, general punctuation and currency signs that are simple (curly quotes, dashes,
# accented letters: one at a time they cost most of the slow path on news text).
_SIMPLE_RUN_RE = re.compile("[\x00-\x7f" + "".join(
    re.escape(chr(c)) for r in ((0x80, 0x250), (0x2000, 0x2070), (0x20A0, 0x20D0)) for c in range(*r)
    if _simple(chr(c))) + "]+")


def _match_form_slow(text: str) -> MatchForm:
    # For texts where NFKC or lower-casing changes lengths: runs of simple characters (ASCII, and the
    # common others of _SIMPLE_RUN_RE) in bulk, every other character
    # (with the combining marks that follow it) normalised on its own. Each piece of the form maps
    # back to the text: an ASCII run character by character, a group's characters all to the group.
    pieces: list[str] = []
    seg: list[tuple[int, int, int, bool]] = []  # (start, end, length in the form, ASCII run) per piece
    kept: list[tuple[int, str]] = []  # (place in the form, character) that _finish must not make a gap
    empty: list[tuple[int, int]] = []  # (place in the form, start in the text) of groups with no form
    i, n = 0, len(text)
    size = 0  # characters in pieces so far

    def groups(i: int, stop: int) -> int:
        """Normalise characters ``i`` to ``stop`` one base-and-marks group at a time."""
        nonlocal size
        while i < stop:
            j = i + 1
            while j < stop and _joins_base(text[j], text[i]):
                j += 1
            piece = _letters(unicodedata.normalize("NFKC", text[i:j]).lower())
            piece = _one_word(text[i:j], piece, size, kept, text[i - 1:i], text[j:j + 1])
            if not piece:  # (the next character of the form starts here: it begins its word)
                empty.append((size, i))
            pieces.append(piece)
            seg.append((i, j, len(piece), False))
            size += len(piece)
            i = j
        return i

    for m in _SIMPLE_RUN_RE.finditer(text):
        a, b = m.span()
        if b < n and _joins_base(text[b], text[b - 1]):  # (text[b - 1]: the base of its group)
            b -= 1  # the run's last letter carries the marks that follow: keep them together
        if b <= a:
            continue
        groups(i, a)  # the non-ASCII characters before this run
        pieces.append(text[a:b].lower())
        seg.append((a, b, b - a, True))
        size += b - a
        i = b
    groups(i, n)
    m0 = _finish(_translate("".join(pieces)))  # translation keeps lengths: one call for the text
    if kept:
        chars = list(m0)
        for at, ch in kept:
            chars[at] = ch
        m0 = "".join(chars)
    # (the maps built at once from the pieces: an array per piece cost 1.5 ms per news article)
    if seg:
        a, b, size, run = (np.asarray(x) for x in zip(*seg))
        size = size.astype(np.int64)
        within = np.arange(int(size.sum()), dtype=np.int64) - np.repeat(np.cumsum(size) - size, size)
        run = np.repeat(run.astype(bool), size)
        starts = np.repeat(a.astype(np.int64), size) + np.where(run, within, 0)
        ends = np.where(run, starts + 1, np.repeat(b.astype(np.int64), size))
        for at, start in empty:
            if at < len(starts):
                starts[at] = min(starts[at], start)
    else:
        starts = ends = np.zeros(0, dtype=np.int64)
    return _apply_gaps(m0, text, starts, ends)


@lru_cache(maxsize=65536)
def normalize_term(term: str) -> str:
    """Normalise a lexicon term to its match form: words separated by single spaces.

    A ``*`` (prefix wildcard) is kept at the end of the word it closes.

    >>> normalize_term("Self-Styled  \u201cGeneral\u201d")
    'self styled general'
    >>> normalize_term("militia*")
    'militia*'
    """
    forms = []
    for k, chunk in enumerate(term.split("*")):
        form = match_form(chunk)
        text = form.text
        lead = len(text) - len(text.lstrip(" "))
        if k and 0 < lead < len(text):  # the gap after a wildcard: classed from the term's text, as
            # the gaps between two words of a chunk are (its form's width could be NFKC's: "\u2122")
            gap = chunk[:int(form.to_original(lead, lead + 1)[0])]
            text = _GAP_FORM[gap_class(gap)] + text[lead:]
        forms.append(text)
    return "*".join(forms).strip(" ")


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
