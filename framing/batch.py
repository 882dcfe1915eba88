"""The matcher's input: the match forms of a batch of texts, one byte per character.

:mod:`framing.text` defines the *match form* of a text (NFKC, lower case, punctuation as spaces,
gaps between words in three classes) and builds it exactly, with a map back to the original text.
Building it that way for every text costs several times the Aho-Corasick pass itself, so the
matcher searches a cheaper form that gives the same mentions:

* Every character of the lower-cased text becomes ONE byte: ASCII word characters stay as they are,
  a non-ASCII word character becomes ``0x80 | (code point & 0x7f)`` (lexicon terms are encoded the
  same way; a collision is ruled out by checking the candidate against the original text), an
  apostrophe between two word characters stays ``'``, and every other character (whitespace, line
  breaks, punctuation, lone apostrophes) becomes a space. Offsets in this form are offsets in the
  original text: no map is needed.
* The form keeps the gap between two words at its original length, where the exact match form gives
  a *soft* gap one space, a *hard* gap two and a paragraph break a line break and a space. The two
  agree wherever it matters for terms whose words are separated by single spaces (nearly all): a
  one-character gap is always soft, and a gap of two or more characters never matches a single
  space. They disagree only on soft gaps of two or more characters (a double space, ``\\r\\n``,
  ``--``, ``.-`` as in ``U.S.-backed``). On the compiled path (:mod:`framing._kernels`, whenever
  its C extension is built) the second and later characters of such a gap become ``FILL`` bytes,
  which its automaton reads as absent: the gap is then one space, as in the exact form. On the
  NumPy path (without the extension), texts holding one after a word that some phrase continues
  from get their exact match form from :mod:`framing.text` instead. On both, so do texts whose length changes
  under lower-casing or NFKC, or that hold a rare line-break character (found with a cheap scan):
  on the compiled path only the paragraphs that hold such a character (:func:`_paragraphs_around`).
* Terms whose words are separated by a hard or paragraph gap (``Brig. Gen.``) are searched with a
  regular expression that accepts any run of two or more gap characters there, and every candidate
  is checked against the exact match form of the original text it covers.

The result is tested to be identical to searching the exact match forms (``tests/test_matcher.py``
against an independent reference matcher; ``benchmarks/bench_score.py`` on 20 MB of news).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import _kernels
from ._jsontext import JsonText, as_str
from .text import _APOSTROPHES, FormBatch, _needs_slow_path

__all__ = ["TextBatch", "encode_form"]

# Bytes of the class-preserving form (before gaps become spaces). Word characters are ASCII
# [0-9a-z_] or >= 0x80; NUL separates texts.
_PUNCT, _LONE_APOS, _BREAK, _CR, _SPACE, _RARE = 0x01, 0x02, 0x0A, 0x0D, 0x20, 0x1F
#: In the form the compiled scan searches, the second and later characters of a soft gap.
FILL = _kernels.FILL
_SIGMAS = (0x3A3, 0x3C2, 0x3C3)
_RARE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # counted as line breaks only next to non-ASCII


def _ascii_table() -> bytes:
    table = bytearray(256)
    for c in range(128):
        ch = chr(c)
        if c == 0:
            code = 0
        elif ch.isalnum() or ch == "_":
            code = ord(ch.lower())
        elif ch in _RARE_BREAKS:
            code = _RARE
        elif ch == "\r":
            code = _CR
        elif ch == "\n":
            code = _BREAK
        elif ch.isspace():
            code = _SPACE
        elif ch in "'" + _APOSTROPHES:
            code = 0x27
        else:
            code = _PUNCT
        table[c] = code
    for c in range(128, 256):
        table[c] = _RARE
    return bytes(table)


_ASCII = _ascii_table()
# Gap bytes -> space, for the form the automaton searches.
_TO_SEARCH = bytes(_SPACE if c in (_PUNCT, _LONE_APOS, _BREAK, _CR) else c for c in range(256))
_GAP_SET = frozenset((_PUNCT, _LONE_APOS, _BREAK, _CR, _SPACE))


class _CodeTable:
    """Code point -> byte of the class-preserving form, filled lazily for the non-ASCII code points
    a corpus actually holds (a few hundred), so that importing framing costs nothing."""

    def __init__(self) -> None:
        self.table = np.zeros(0x110000, dtype=np.uint8)
        self.table[:128] = np.frombuffer(_ASCII[:128], dtype=np.uint8)
        self.known = np.zeros(0x110000, dtype=bool)
        self.known[:128] = True

    @staticmethod
    def _code(cp: int) -> int:
        ch = chr(cp)
        if len(ch.lower()) != 1:  # U+0130, dotted capital I
            return _RARE
        if cp in _SIGMAS:  # lower case depends on the context: one byte for all three
            return 0x80 | (0x3C3 & 0x7F)
        ch = ch.lower()
        cp = ord(ch)
        if ch in _APOSTROPHES:
            return 0x27
        if ch in _RARE_BREAKS or _needs_slow_path(ch):
            return _RARE
        if ch.isspace():
            return _SPACE
        if ch.isalnum():  # (the Kelvin sign's lower case is the ASCII "k")
            return cp if cp < 128 else 0x80 | (cp & 0x7F)
        return _PUNCT

    def fill_one(self, cp: int) -> None:
        """Enter code point ``cp`` (called by the C loop of :func:`framing._kernels.forms`, which
        also takes a code point whose code reads 0 as missing: a loop in another thread may see
        ``known`` set before the code, where the processor reorders stores)."""
        self.table[cp] = self._code(cp)
        self.known[cp] = True

    def fill(self, cps: np.ndarray) -> None:
        """Enter code points ``cps`` into the table."""
        new = cps[~self.known[cps]]
        for cp in new.tolist():
            self.table[cp] = self._code(cp)
        self.known[new] = True

    def encode(self, s: str) -> np.ndarray:
        """One byte per character of ``s``, lower-cased (for ASCII, ``_ASCII`` is faster)."""
        u = np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        self.fill(np.unique(u[u >= 128]))
        return self.table[u]


_CODES = _CodeTable()


def encode_form(form: str) -> bytes:
    """A match form (or a lexicon term's) in the one-byte encoding the automaton searches.

    Spaces and line breaks become spaces, NUL stays, every other character is a word character:
    ASCII as it is, other code points ``0x80 | (code point & 0x7f)``.
    """
    if form.isascii():
        return form.replace("\n", " ").encode("ascii")
    u = np.frombuffer(form.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    out = np.where(u < 128, u, 0x80 | (u & 0x7F)).astype(np.uint8)
    out[u == 10] = _SPACE
    return out.tobytes()


@dataclass
class _Part:
    """Texts searched as one byte string: ``codes[seg_start[i]:seg_end[i]]`` is the form of text
    ``doc[i]`` of the batch."""

    codes: np.ndarray  # uint8 (the searches read the array; regular expressions read ``data``)
    doc: np.ndarray
    seg_start: np.ndarray
    seg_end: np.ndarray
    exact: FormBatch | None  # the exact forms these bytes encode (fallback texts), else None
    offset: np.ndarray | None = None  # where each exact form's piece starts in its text (None: at 0)

    @cached_property
    def data(self) -> bytes:
        """The bytes of ``codes`` (made when first asked for: most batches never need them)."""
        return self.codes.tobytes()

    def __post_init__(self) -> None:
        # texts in position order (the exact path appends some texts after the others)
        self._order = np.argsort(self.seg_start, kind="stable")
        self._sorted_start = self.seg_start[self._order]

    def local(self, pos: np.ndarray) -> np.ndarray:
        """Index (into ``doc``) of the text holding each form position."""
        return self._order[np.searchsorted(self._sorted_start, pos, side="right") - 1]

    def locate(self, start: np.ndarray, end: np.ndarray, local: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Batch text, and offsets in that text, of form positions ``[start, end)`` (``local``:
        their :meth:`local` indexes, where already known)."""
        if local is None:
            local = self.local(start)
        if self.exact is None:
            base = self.seg_start[local]
            return self.doc[local], start - base, end - base
        s, e = self.exact.to_original(local, start, end)
        if self.offset is not None:
            s, e = s + self.offset[local], e + self.offset[local]
        return self.doc[local], s, e


@dataclass
class TextBatch:
    """The forms of a batch of texts, as :meth:`framing.matcher.CompiledMatcher.find` searches them.

    Attributes
    ----------
    texts : list of str
        The original texts (NUL characters read as spaces); for ``framing count``, texts of a JSON
        Lines file may be :class:`framing._jsontext.JsonText`, which reads like a ``str``.
    parts : list
        The byte strings searched, each covering some of the texts.
    n_tokens : numpy.ndarray
        Word tokens of each text (see :func:`framing.text.count_words`).
    n_exact : int
        Texts that needed the exact match form (see the module docstring).
    """

    texts: list[str]
    parts: list[_Part]
    n_tokens: np.ndarray
    n_exact: int

    def __len__(self) -> int:
        return len(self.texts)

    @classmethod
    def build(cls, texts: list[str], span_words: frozenset[bytes] | None = None,
              span_prefixes: tuple[bytes, ...] = (), *, exact: bool = False) -> "TextBatch":
        """Forms of ``texts``.

        Parameters
        ----------
        texts : list of str
        span_words, span_prefixes : optional
            The words (in the one-byte encoding) after which some lexicon phrase continues with a
            single-space gap, and prefixes of such words for phrases with an inner wildcard. A
            text whose only unfaithful gaps follow other words keeps its fast form, since no term
            can span them. ``None``: every such gap sends its text to the exact path.
        exact : bool, default False
            Give every text its exact match form (slower; the reference the fast path is tested
            against).
        """
        n = len(texts)
        if n == 0:
            return cls(texts, [], np.zeros(0, dtype=np.int64), 0)
        lengths = np.fromiter((len(t) + 3 if type(t) is str else t.literal[3] + 3 for t in texts), dtype=np.int64,
                              count=n)  # (a JsonText's length without a call)
        base = np.zeros(n, dtype=np.int64)
        base[1:] = np.cumsum(lengths)[:-1]
        base += 3  # texts are joined as " NUL text1 NUL text2 ... NUL ": a space on each side
        seps = np.append(base - 2, base[-1] + lengths[-1] - 2)  # the NULs
        # Lower-casing is folded into the code table (a character at a time; str.lower's one
        # context rule, Greek final sigma, is handled there).
        size = int(seps[-1]) + 2
        got = None
        if size >= _kernels.COMPILED_MIN_CHARS:
            texts = list(texts)
            got = _compiled_forms(texts, size)
            if got is False:  # NUL characters inside texts: read as spaces
                texts = [as_str(t).replace("\x00", " ") for t in texts]
                got = _compiled_forms(texts, size)
        elif not all(type(t) is str for t in texts):
            texts = list(map(as_str, texts))
        if got is not None:
            u0_arr, data_arr, cand, rare, n_tokens = got
            u0 = memoryview(u0_arr)  # (read a few bytes at a time: no copy)
        else:
            big = " \x00 ".join(["", *texts, ""])
            if big.count("\x00") != n + 1:
                texts = [t.replace("\x00", " ") for t in texts]
                big = " \x00 ".join(["", *texts, ""])
            if big.isascii():
                arr = np.frombuffer(big.encode("ascii").translate(_ASCII), dtype=np.uint8).copy()
            else:
                arr = _CODES.encode(big)
            apos = np.flatnonzero(arr == 0x27)
            if len(apos):  # an apostrophe is part of a word only between two word characters
                word = _IS_WORD[arr[apos - 1]] & _IS_WORD[arr[np.minimum(apos + 1, len(arr) - 1)]]
                arr[apos[~word]] = _LONE_APOS
            u0 = arr.tobytes()
            data_arr = None
            cand = rare = None
        if exact:
            flagged = []
        elif got is None:
            flagged = _flag_positions(u0, span_words, span_prefixes)
        else:
            # The compiled scan reads FILL as nothing: a soft gap of several characters becomes a
            # space and FILL bytes, which its automaton sees as the exact form's one space.
            flagged = rare.tolist()
            a, b = _kernels.soft_runs(u0, cand, _IS_WORD_U8)
            if len(a):
                width = b - a - 1
                data_arr[np.repeat(a + 1 - np.cumsum(width) + width, width) + np.arange(int(width.sum()))] = FILL
        flagged = np.asarray(flagged, dtype=np.int64)
        slow = np.searchsorted(base, flagged, side="right") - 1
        exact_ids = list(range(n)) if exact else sorted({int(i) for i in slow})
        if data_arr is None:
            data_arr = np.frombuffer(u0.translate(_TO_SEARCH), dtype=np.uint8).copy()
        # The exact texts, or (compiled path) only their paragraphs that hold a flagged character:
        # (batch text, start, end) of each piece, blanked out of the fast form
        pieces = []
        for i in exact_ids:
            if got is None or exact:
                pieces.append((i, 0, len(texts[i])))
                continue
            texts[i] = as_str(texts[i])
            pieces += [(i, a, b) for a, b in _paragraphs_around(texts[i], flagged[slow == i] - base[i])]
        fast_words = []  # word starts of the fast form in each piece (replaced by the exact count)
        for i, a, b in pieces:
            a, b = a + int(base[i]), b + int(base[i])
            seg = data_arr[a - 1:b] > _SPACE
            fast_words.append(int(np.count_nonzero(seg[1:] & ~seg[:-1])))
            data_arr[a:b] = _SPACE
        if got is None:
            # Word tokens: each text's segment (from the space before it to the space after it)
            # holds as many word starts as word ends, so tokens = changes between word and gap / 2.
            is_word = data_arr > _SPACE  # gaps are spaces, texts end at NUL
            change = is_word[1:] ^ is_word[:-1]
            bounds = np.append(base - 2, len(change)).tolist()
            n_tokens = np.fromiter((np.count_nonzero(change[a:b]) for a, b in zip(bounds[:-1], bounds[1:])),
                                   dtype=np.int64, count=n) // 2
        parts = [_Part(data_arr, np.arange(n), base, base + lengths - 3, None)]
        if pieces:
            fb = FormBatch.build([as_str(texts[i])[a:b] for i, a, b in pieces])
            ids = np.asarray([i for i, _, _ in pieces], dtype=np.int64)
            offset = np.asarray([a for _, a, _ in pieces], dtype=np.int64)
            parts.append(_Part(np.frombuffer(encode_form(fb.text), dtype=np.uint8), ids, fb.starts, fb.ends, fb,
                               offset if offset.any() else None))
            if got is None or exact:
                n_tokens[ids] = fb.n_tokens
            else:
                np.add.at(n_tokens, ids, fb.n_tokens - np.asarray(fast_words, dtype=np.int64))
        return cls(texts, parts, n_tokens, len(exact_ids))


def _paragraphs_around(text: str, positions: np.ndarray) -> list[tuple[int, int]]:
    """The pieces ``(start, end)`` of ``text`` that hold ``positions``: each from just after a
    paragraph break ("\\n\\n") to just before the next one, or the text's ends. No match crosses a
    paragraph break (framing.text, step 4), so a piece's exact match form finds what the whole text's
    does there, and the rest of the text keeps its fast form (a news article with one "½" cost its
    whole text the exact path: 5 ms of 20 MB). A break counts only with ASCII on its side of the
    piece (no mark or NFKC change reaches across it)."""
    n, out = len(text), []
    for r in sorted(set(positions.tolist())):
        if out and r < out[-1][1]:
            continue
        a = text.rfind("\n\n", 0, r)
        while a >= 0 and a + 2 < n and not text[a + 2].isascii():
            a = text.rfind("\n\n", 0, a)
        a = 0 if a < 0 else a + 2
        b = text.find("\n\n", r)
        while b > 0 and not text[b - 1].isascii():
            b = text.find("\n\n", b + 1)
        b = n if b < 0 else b
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


_IS_WORD = np.zeros(256, dtype=bool)
_IS_WORD[[c for c in range(128) if chr(c).isalnum() or c == ord("_")]] = True
_IS_WORD[128:] = True
# Bit flags of the class-preserving form's bytes: 1 punctuation, 2 whitespace. Two neighbours that
# share a flag may start a gap the one-byte form does not represent faithfully: two punctuation
# characters (a soft gap if nothing else is in the gap), or two whitespace characters (a soft gap
# unless they are two line breaks, CR LF excepted).
_FLAGS = bytes(1 if c == _PUNCT else 2 if c in (_SPACE, _BREAK, _CR) else 0 for c in range(256))
_FLAGS_ARR = np.frombuffer(_FLAGS, dtype=np.uint8)
_IS_WORD_U8 = _IS_WORD.astype(np.uint8)  # (as the C loops read it)
_TO_SEARCH_ARR = np.frombuffer(_TO_SEARCH, dtype=np.uint8)


def _compiled_forms(texts: list, size: int):
    """:func:`framing._kernels.forms` with the code table filled as needed (a JsonText read from its
    bytes)."""
    if not all(type(t) is str for t in texts):
        texts = [t.literal if type(t) is JsonText else t for t in texts]
    while True:
        got = _kernels.forms(texts, _CODES.table, _CODES.known, _IS_WORD, _TO_SEARCH_ARR, _FLAGS_ARR, size,
                             _CODES.fill_one)
        if not isinstance(got, np.ndarray):
            return got
        _CODES.fill(got)


def _soft_runs(u0: bytes | memoryview, cand: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of every gap of two or more characters between two words that the exact match
    form makes ONE space (a soft gap), which the one-byte form does not represent faithfully (module
    docstring). ``cand``: positions ``i`` where ``u0[i]`` and ``u0[i + 1]`` share a flag of
    ``_FLAGS`` (computed here unless given)."""
    arr = np.frombuffer(u0, dtype=np.uint8)
    if cand is None:
        flags = np.frombuffer(u0.translate(_FLAGS), dtype=np.uint8)
        cand = np.flatnonzero(flags[:-1] & flags[1:])
    if len(cand) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    x, y = arr[cand], arr[cand + 1]
    n = len(arr)
    # Runs of punctuation alone between two words (``U.S.-backed``, ``https://``) are soft gaps.
    a = cand[(x == _PUNCT) & (cand > 0)]
    a = a[_IS_WORD[arr[a - 1]]]  # right after a word
    b = a + 2
    while len(b):
        more = (b < n) & (arr[np.minimum(b, n - 1)] == _PUNCT)
        if not more.any():
            break
        b = b + more
    soft = (b < n) & _IS_WORD[arr[np.minimum(b, n - 1)]]
    starts, ends = a[soft].tolist(), b[soft].tolist()
    # Whitespace runs with fewer than two line breaks (CR LF counts as one) are soft gaps.
    ws = (x != _PUNCT) & ~((x == _BREAK) & (y == _BREAK)) & ~((x == _CR) & (y == _CR)) & ~((x == _BREAK) & (y == _CR))
    runs: set[tuple[int, int]] = set()
    for i in cand[ws].tolist():
        a_, b_ = _run(u0, i, i + 2)
        if (a_, b_) in runs or not _between_words(u0, a_, b_):
            continue
        runs.add((a_, b_))
        run = bytes(u0[a_:b_])
        if run.strip(b" \n\r"):
            continue  # holds punctuation or an apostrophe: hard (or a paragraph)
        if run.count(b"\n") + run.count(b"\r") - run.count(b"\r\n") < 2:
            starts.append(a_)
            ends.append(b_)
    return np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


def _rare_positions(u0: bytes) -> list[int]:
    """Positions of the byte 0x1F: a character that NFKC changes in length, or a rare line break."""
    out = []
    i = u0.find(b"\x1f")
    while i >= 0:
        out.append(i)
        i = u0.find(b"\x1f", i + 1)
    return out


def _flag_positions(u0: bytes, span_words: frozenset[bytes] | None, span_prefixes: tuple[bytes, ...]) -> list[int]:
    """Positions of gaps that the one-byte form does not represent faithfully (module docstring)
    and that a lexicon phrase could span, and of characters it cannot represent."""
    out = _rare_positions(u0) + _soft_runs(u0)[0].tolist()
    if span_words is None or not out:
        return out
    kept = []
    for a in out:
        if u0[a] == _RARE:
            kept.append(a)
            continue
        w = a
        while w > 0 and u0[w - 1] not in _GAP_SET and u0[w - 1] != 0:
            w -= 1
        word = u0[w:a]
        if word in span_words or (span_prefixes and word.startswith(span_prefixes)):
            kept.append(a)
    return kept


def _run(u0: bytes, a: int, b: int) -> tuple[int, int]:
    while a > 0 and u0[a - 1] in _GAP_SET:
        a -= 1
    n = len(u0)
    while b < n and u0[b] in _GAP_SET:
        b += 1
    return a, b


def _between_words(u0: bytes, a: int, b: int) -> bool:
    if a == 0 or b >= len(u0):
        return False
    left, right = u0[a - 1], u0[b]
    return left not in _GAP_SET and right not in _GAP_SET and left not in (0, _RARE) and right not in (0, _RARE)

