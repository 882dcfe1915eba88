"""The matcher's loops over every character of a corpus: the one-byte forms of a batch and the
automaton pass over them, compiled from C (``framing/_ckernels.c``) when framing is installed.

Why C and not a compiler package: we first wrote these loops with Numba (same speed). Importing
Numba and loading its cached machine code took 0.4 s and 118 MiB more per process (measured:
framing count's peak went from 176 to 290 MiB on 20 MB of news), over the 250 MiB a worker may use
(``benchmarks/README.md``); the loops are short, and compiled C adds nothing at import. Where the
extension is missing (a source checkout run without installing, a platform without a compiler),
:mod:`framing.batch` and :mod:`framing.matcher` take their NumPy path and the Rust package
``ahocorasick-rs`` instead, with identical results (every matcher test runs on both paths).
"""

from __future__ import annotations

import mmap
import threading
from collections.abc import Callable

import numpy as np

from ._jsontext import InvalidLiteral, literal_text
from .text import _APOSTROPHES, _WORD_RE

from ._extension import _ckernels  # (None where not built, or built from other sources)

__all__ = ["line_ends", "forms", "scan", "resolve", "longest", "attributions", "flags", "quote_roles", "slices", "voices", "word_spans", "tokens_of", "tokens_in", "token_table", "with_nul", "quote_regions", "focus", "sentence_regions", "build_dfa", "Dfa", "COMPILED", "COMPILED_MIN_CHARS", "FILL"]

_APOSTROPHE_CHARS = "'" + _APOSTROPHES  # what joins two runs of word characters into one token

#: Whether the C loops are available.
COMPILED = _ckernels is not None

#: A byte the automaton of :func:`build_dfa` reads as nothing (every state loops on it).
FILL = 0x1E

#: Batches with at least this many characters take the compiled path (tests move it to run both).
COMPILED_MIN_CHARS = 0 if COMPILED else 2 ** 62


def line_ends(buf: bytes, start: int, n: int) -> tuple[int, int]:
    """From ``buf[start]``, the position just after the ``n``-th newline byte (or after the last
    one when there are fewer; ``start`` when none) and how many were found (``memchr`` in C)."""
    if _ckernels is not None:
        return _ckernels.line_ends(buf, start, n)
    if not 0 <= start <= len(buf) or n < 0:
        raise ValueError("line_ends: start must lie in the buffer and n be >= 0")
    if not hasattr(buf, "find"):  # (a memoryview: searched as bytes)
        buf = bytes(buf)
    rows = 0
    while rows < n:
        j = buf.find(b"\n", start)
        if j < 0:
            break
        rows, start = rows + 1, j + 1
    return start, rows


def read_lines(readinto: Callable, carry: bytes, want: int, guess: int) -> tuple[bytes, bytes, int, bool]:
    """The next ``want`` lines of a file, read once into their own bytes: ``(block, rest, lines,
    eof)``. ``carry`` holds bytes read before past the previous block's end; ``readinto`` (the
    file's method, which must not keep the buffer it is given, as a file's never does) fills the
    rest, ``guess`` bytes in all at first, the buffer growing by half once full while fewer than
    ``want`` newlines are in. ``block`` ends just after its ``want``-th newline, or at the end of the
    file (``eof``, with fewer lines); ``rest`` is what was read past it. In C, the bytes are read
    straight into the block (framing/_ckernels.c); here, through a ``bytearray``."""
    if want < 1 or guess < 0:
        raise ValueError("read_lines: want must be >= 1 and guess >= 0")
    if _ckernels is not None:
        return _ckernels.read_lines(readinto, carry, want, guess)
    buf, lines, scanned, eof = bytearray(carry), 0, 0, False
    cap = max(guess, len(carry) + 65536)
    while True:
        while lines < want:
            j = buf.find(b"\n", scanned)
            if j < 0:
                scanned = len(buf)
                break
            lines, scanned = lines + 1, j + 1
        if lines == want or eof:
            break
        if len(buf) == cap:
            cap += cap // 2
        chunk = bytearray(cap - len(buf))
        n = readinto(chunk)
        if n is None or n < 0:
            raise OSError("read_lines: readinto returned no count of bytes (a non-blocking file?)")
        if n > len(chunk):
            raise OSError(f"read_lines: readinto says it read {n} bytes into a buffer of {len(chunk)}")
        eof = n == 0
        buf += memoryview(chunk)[:n]
    end = scanned if lines == want else len(buf)
    return bytes(buf[:end]), bytes(buf[end:]), lines, eof


def word_spans(text: str, start: int, end: int, tokens: list | None = None) -> list[tuple[int, int]]:
    """Word tokens of ``text[start:end]`` as ``(start, end)`` offsets into ``text``: the spans of
    ``framing.text.word_spans`` (runs of word characters joined by apostrophes), found in C when the
    extension is built (2.3x the regular expression with its match objects), else by the same
    regular expression; appended to ``tokens`` (a new list by default), which is returned."""
    if tokens is None:
        tokens = []
    if _ckernels is not None:
        return _ckernels.word_spans(text, start, end, _APOSTROPHE_CHARS, tokens)
    tokens += [m.span() for m in _WORD_RE.finditer(text, start, end)]
    return tokens


def tokens_of(text: str, start: int, end: int, starts: list, ends: list, low: str | None = None,
              words: list | None = None, first: dict | None = None, marks: frozenset | None = None,
              hits: list | None = None) -> None:
    """The tokens of :func:`word_spans` appended as two lists of offsets, ``starts`` and ``ends``
    (voice attribution tokenises every sentence that holds a mention: no tuple per token). With
    ``low`` (``text`` lower-cased, of the same length) and ``words``, also each token's span of
    ``low`` to ``words``; ``low`` may instead be a callable ``low(start, end) -> word``, called (in
    C) only for tokens with a character other than ASCII and the apostrophes, the others' words
    being made directly (ASCII lower-cased, apostrophes "'"); with ``first`` (a dict) and ``start`` > 0, ``first[len(starts)]`` is set
    first to the end of the last token before ``start`` (-1: none), as ``framing.voice._Doc``
    records where a region starts; with the set ``marks`` and the list ``hits``, the index of every
    token whose word is in ``marks`` to ``hits`` (one set lookup per word as it is made); ``words``
    None with ``marks``: the hits alone, no word kept (a ``_Doc`` makes its words when they are read:
    :func:`token_words`). In C when the extension is built, else by the regular expression."""
    if _ckernels is not None:
        _ckernels.tokens_of(text, start, end, _APOSTROPHE_CHARS, starts, ends, low, words, first, marks, hits)
        return
    # (the C function's checks, with its messages)
    lazy = callable(low)
    if low is not None and ((not lazy and (not isinstance(low, str) or len(low) != len(text)))
                            or not (isinstance(words, list) or (words is None and marks is not None))):
        raise TypeError("tokens_of: low must be a str as long as text (or a callable), words a list (or None with marks)")
    if marks is not None and (low is None or not isinstance(marks, (set, frozenset)) or not isinstance(hits, list)):
        raise TypeError("tokens_of: marks must be a set and hits a list, with low")
    if first is not None and start > 0 and not isinstance(first, dict):
        raise TypeError("tokens_of: first must be a dict")
    if first is not None and start > 0:
        first[len(starts)] = token_end_before(text, start)
    n0 = len(starts)
    spans = [m.span() for m in _WORD_RE.finditer(text, start, end)]
    starts += [a for a, _ in spans]
    ends += [b for _, b in spans]
    if low is not None:
        new = [low(a, b) if lazy else low[a:b] for a, b in spans]
        if words is not None:
            words += new
        if marks is not None:
            hits += [n0 + k for k, w in enumerate(new) if w in marks]



def tokens_in(text: str, spans: list, starts: list, ends: list, low=None, words: list | None = None,
              first: dict | None = None, marks: frozenset | None = None, hits: list | None = None) -> None:
    """:func:`tokens_of` for each ``(start, end)`` of the list ``spans`` in turn (in C, one call
    for all: a call per region of a text cost a twelfth of voice attribution)."""
    if _ckernels is not None:
        _ckernels.tokens_in(text, spans, _APOSTROPHE_CHARS, starts, ends, low, words, first, marks, hits)
        return
    for a, b in spans:
        tokens_of(text, a, b, starts, ends, low, words, first, marks, hits)


def token_table(text: str, spans: list, low, first: dict, marks: frozenset, hits: list):
    """The tokens of :func:`tokens_in` (``low`` a callable, no words kept) as ``(starts, ends)``:
    in C, two memoryviews of one ``bytes`` object (the C readings of the rules read them in place:
    two lists of ints made here and read back by every reading were a tenth of voice attribution),
    else two lists. ``first`` and ``hits`` are filled as :func:`tokens_in` fills them."""
    if _ckernels is not None:
        view = memoryview(_ckernels.token_table(text, spans, _APOSTROPHE_CHARS, low, first, marks, hits)).cast("n")
        n = len(view) // 2
        return view[:n], view[n:]
    starts: list[int] = []
    ends: list[int] = []
    tokens_in(text, spans, starts, ends, low, None, first, marks, hits)
    return starts, ends


def token_words(text: str, starts: list, ends: list, low) -> list[str]:
    """The word of every token ``text[starts[k]:ends[k]]``: ``low(start, end)`` (a
    ``framing.voice._Words``), in C for the tokens of ASCII characters and apostrophes (made there
    as :func:`tokens_of` makes them) when the extension is built."""
    if _ckernels is not None:
        return _ckernels.token_words(text, starts, ends, _APOSTROPHE_CHARS, low)
    return [low(a, b) for a, b in zip(starts, ends)]


def lazy_words(low) -> tuple:
    """What the C readings of the voice rules (:func:`attributions`, :func:`flags`,
    :func:`quote_roles`) take instead of a list of words, to make each word they read from the
    text (ASCII words in C, the rest by ``low(start, end)``) and no other."""
    return (_APOSTROPHE_CHARS, low)


def token_end_before(text: str, pos: int) -> int:
    """End of the last word token ending at or before ``pos`` (-1: none). A word token ends with a
    word character (``framing.text.word_spans``), so it is one past the last one before ``pos``."""
    k = min(pos, len(text)) - 1
    while k >= 0 and not ((text[k].isalnum() and text[k] not in "\u02bc\u02b9") or text[k] == "_"):
        k -= 1  # (U+02BC and U+02B9 are apostrophes: framing.text._WORD_RE)
    return k + 1 if k >= 0 else -1


def quote_regions(text: str, *marks: str) -> list[tuple[int, int]] | None:
    """Quotation regions of ``text`` by the C function (``marks``: the sets of quotation marks of
    ``framing.voice``), or None where the extension is not built (``framing.voice`` then reads them
    in Python; 5-10 % of ``framing score`` in Python, measured on news text)."""
    if _ckernels is None:
        return None
    return _ckernels.quote_regions(text, *marks)


#: What the C helpers of framing.voice return where the extension is not built.
NOT_BUILT = object()


def focus(text: str, quotes: list, around: list):
    """``framing.voice._focus`` in C (``(points, lines)``, or None for the whole text), or
    :data:`NOT_BUILT`."""
    if _ckernels is None:
        return NOT_BUILT
    return _ckernels.focus(text, quotes, around)


def sentence_regions(text: str, sents: list, points: list, quotes: list, lookahead: int):
    """``framing.voice._sentence_regions`` in C, or :data:`NOT_BUILT`."""
    if _ckernels is None:
        return NOT_BUILT
    return _ckernels.sentence_regions(text, sents, points, quotes, _APOSTROPHE_CHARS, lookahead)


def attributions(text: str, starts: list, ends: list, words: list, first: dict, quotes: list, sents: list,
                 tables: tuple, hits: list | None = None):
    """``framing.voice._attributions_py`` in C (the attributed regions of the sentences ``sents``
    of a ``_Doc``'s tokens (``starts``, ``ends``), words and first-token map), or :data:`NOT_BUILT`.
    ``hits``: the increasing indexes of the tokens among which every token whose word starts a
    rule lies (None: all tokens)."""
    if _ckernels is None:
        return NOT_BUILT
    return _ckernels.attributions(text, starts, ends, words, first, quotes, sents, tables, hits)


def flags(text: str, starts: list, ends: list, words: list, first: dict, hits: list, mentions: list, sents: list,
          window: int, tables: tuple):
    """``framing.voice._flags_py`` in C (the negated and hedged flags of mentions starting at
    ``mentions``, over a ``_Doc``'s tokens, first-token map and sentences, ``hits`` the tokens
    whose word may start a negator or a hedge), or :data:`NOT_BUILT`."""
    if _ckernels is None:
        return NOT_BUILT
    return _ckernels.flags(text, starts, ends, words, first, hits, mentions, sents, window, tables)


def quote_roles(text: str, starts: list, ends: list, words: list, first: dict, sents: list, quotes: list,
                held: list, tables: tuple):
    """``framing.voice._quote_roles_py`` in C (whether each quotation is a scare quote, and the
    speaker of the others that are ``held``, over a ``_Doc``'s tokens, first-token map and
    sentences), or :data:`NOT_BUILT`."""
    if _ckernels is None:
        return NOT_BUILT
    return _ckernels.quote_roles(text, starts, ends, words, first, sents, quotes, held, tables)


def slices(texts: list, doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> list:
    """``[texts[d][s:e] for d, s, e in zip(doc, start, end)]`` (in C when built: the surfaces of a
    chunk's mentions)."""
    doc, start, end = (np.ascontiguousarray(x, dtype=np.int64) for x in (doc, start, end))
    if _ckernels is not None:
        return _ckernels.slices(texts, doc, start, end)
    return [texts[d][s:e] for d, s, e in zip(doc.tolist(), start.tolist(), end.tolist())]


def voices(rows: list, starts: list, ends: list, ranks: dict):
    """``framing.voice._voices_py`` in C (the voice and source of spans ``starts``, ``ends`` from a
    text's segment rows, the voices ranked by ``ranks``), or :data:`NOT_BUILT`."""
    if _ckernels is None:
        return NOT_BUILT
    return _ckernels.voices(rows, starts, ends, ranks)


def with_nul(values: list) -> list[int]:
    """Indexes of the items of ``values`` that are strings holding a NUL character (in C when
    built: ``"\\x00" in text`` for every text of a chunk cost 6 % of ``framing count``)."""
    if _ckernels is not None:
        return _ckernels.with_nul(values)
    return [i for i, v in enumerate(values) if isinstance(v, str) and "\x00" in v]


def soft_runs(u0, cand: np.ndarray, is_word: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the soft gaps of a one-byte form, given the candidate positions of
    :func:`forms`, in C (:func:`framing.batch._soft_runs` is the NumPy reading and the reference:
    it cost a thirtieth of ``framing count``)."""
    cand = np.ascontiguousarray(cand, dtype=np.int64)
    a = np.empty(len(cand), dtype=np.int64)
    b = np.empty(len(cand), dtype=np.int64)
    k = _ckernels.soft_runs(u0, cand, np.ascontiguousarray(is_word, dtype=np.uint8), a, b)  # (no copy: uint8)
    return a[:k], b[:k]


def forms(texts: list, table: np.ndarray, known: np.ndarray, is_word: np.ndarray, to_search: np.ndarray,
          flags: np.ndarray, size: int, fill: Callable[[int], None] | None = None):
    """The class-preserving and search forms of ``texts`` laid out as ``" NUL text1 NUL text2 ...
    NUL "`` (``size`` characters in all). A text is a ``str``, or the ``literal`` of a
    :class:`framing._jsontext.JsonText`, read from its bytes.

    ``fill(cp)``, where given, enters a code point missing from ``table`` (and sets ``known[cp]``):
    the C loop calls it as it meets one, so the batch is read once (the first blocks of news
    bring a few new code points each: emoji, CJK; calling again after entering them cost 5 ms per
    block of 4 MB).

    Returns an array of code points missing from ``table`` when the texts hold some that ``fill``
    did not enter (to be entered and the call repeated), ``False`` when they hold NUL characters,
    and otherwise
    ``(u0, search, cand, rare, n_tokens)``: the forms as uint8 arrays, positions ``i`` where
    ``flags[u0[i]] & flags[u0[i + 1]]``, positions of the byte 0x1F, and each text's word count.
    """
    out = np.empty(size, dtype=np.uint8)
    search = np.empty(size, dtype=np.uint8)
    cand = _scratch("forms.cand", size)
    rare = _scratch("forms.rare", size)
    unknown = _scratch("forms.unknown", 4096)
    n_tokens = np.zeros(len(texts) + 2, dtype=np.int64)
    n, n_unknown, nuls, n_cand, n_rare = _ckernels.forms(texts, table, known, is_word, to_search, flags, out, search,
                                                         cand, rare, unknown, n_tokens, fill)
    if n == -1:
        raise InvalidLiteral("a text left in its JSON Lines bytes is not valid UTF-8")
    assert n == size
    if n_unknown:
        if n_unknown > len(unknown):  # more new code points than the buffer held: take them all
            whole = "".join(t if type(t) is str else literal_text(t) for t in texts)
            u = np.frombuffer(whole.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            return np.unique(u[(u >= 128) & ~known[u]]).astype(np.int64)
        return np.unique(unknown[:n_unknown])  # (a copy)
    if nuls:
        return False
    return out, search, cand[:n_cand].copy(), rare[:n_rare].copy(), n_tokens[1:-1]


_LOCAL = threading.local()


def _anonymous(nbytes: int) -> mmap.mmap:
    """``nbytes`` of zeroed memory of this process alone (MAP_PRIVATE: an anonymous map is shared
    with forked children by default, and ``--jobs`` workers are forked) in pages of 4 KiB that the
    system maps only when first written. NumPy asks for huge pages for arrays of 4 MiB or more,
    which the system zeroes 2 MiB at a time wherever a row lands: the scan's sparse output regions
    then cost 35 ms more in the first chunks a process reads."""
    if hasattr(mmap, "MAP_PRIVATE"):
        return mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE)
    return mmap.mmap(-1, nbytes)  # (Windows: private to the process already)


_HEAP_READY = False


def keep_chunks_on_the_heap() -> None:
    """Have the C library's allocator serve buffers of a chunk's size (the bytes of a block of JSON
    Lines, the form arrays: 4-5 MB each on news) from its heap, once per process.

    glibc's ``malloc`` maps a fresh region for any block above its threshold (128 KiB at first)
    and unmaps it when it is freed, so each chunk's buffers come as new pages that the system
    faults in and zeroes: 10,000 page faults, 15-20 ms per 20 MB of news, a tenth of ``framing
    count``. As documented in mallopt(3), it raises that threshold to the size of the largest mapped
    block freed so far (at most 32 MiB) and keeps free heap memory up to twice the threshold: one
    array of 16 MiB allocated and freed untouched (two system calls) puts every chunk buffer
    below the threshold. (A global setting such as ``mallopt`` would also stop the threshold from
    adapting for the rest of the process.) With other allocators, or where the environment sets
    glibc's thresholds (``MALLOC_TRIM_THRESHOLD_``, as Dask does for its workers), this costs the
    one allocation and changes nothing.
    """
    global _HEAP_READY
    if not _HEAP_READY:
        _HEAP_READY = True
        np.empty(16 << 20, dtype=np.uint8)  # (freed at once: never written, never in memory)


def _scratch(name: str, n: int) -> np.ndarray:
    """A reusable int64 work array of ``n`` elements for the C loops' outputs, one per name and
    thread (callers copy out what they keep). The loops are given room for the most rows they
    could write, which they seldom use: a fresh array per call cost page faults on memory that
    the kernel zeroes a huge page (2 MiB) at a time wherever a row lands (the scan's output took
    a sixth longer that way: 37.8 against 31.1 ms per 20 MB). They stay for the thread's life:
    address space of about 22 bytes per character of the largest batch (16 for forms, 6 for the
    scan), of which only the pages written are memory (17 MB after 20 MB of news; see
    :func:`_anonymous`)."""
    bufs = getattr(_LOCAL, "bufs", None)
    if bufs is None:
        bufs = _LOCAL.bufs = {}
    buf = bufs.get(name)
    if buf is None or len(buf) < n:  # (an eighth more than asked: chunks differ a little in size)
        buf = bufs[name] = np.frombuffer(_anonymous(8 * max(1, n + n // 8)), dtype=np.int64)
    return buf[:n]


_SCAN_STREAMS = 8  # pieces the C scan reads side by side (STREAMS in framing/_ckernels.c)


def scan(data: np.ndarray, dfa: "Dfa", fill: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every occurrence of every pattern of ``dfa`` in ``data``, overlapping ones included, as
    ``(pattern, start, end)`` arrays in order of end position. Bytes ``FILL`` are read as absent
    (a pattern may span them). With ``fill``, ``start + 1`` is the position of a pattern's second
    byte: ``start`` is the position of its first byte where no FILL byte follows that (the patterns
    of :mod:`framing.matcher` start with a space); without, ``start`` is ``end`` minus the
    pattern's length (for data without FILL bytes)."""
    if data.dtype != np.uint8:
        raise TypeError(f"scan reads bytes (uint8), not {data.dtype}")
    if dfa.delta.dtype != (np.int32 if dfa.shift is None else np.uint16):  # (the C loop reads it as told)
        raise TypeError(f"scan: transitions of {dfa.delta.dtype} do not match the layout (shift {dfa.shift})")
    # per piece of eight, as for four before: a text that is most of the batch makes one piece most of
    # the data (10,000 terms on news: a candidate per 20-45 bytes); more means a second pass
    cap = 1024 + len(data) // 32
    counts = np.zeros(_SCAN_STREAMS, dtype=np.int64)
    while True:
        pid, st, en = (_scratch(k, _SCAN_STREAMS * cap) for k in ("scan.pid", "scan.st", "scan.en"))
        _ckernels.scan(data, dfa.classes, dfa.delta, dfa.n_classes, dfa.start, dfa.n_out, dfa.own, dfa.link,
                       dfa.lengths, FILL if fill else 0, pid, st, en, counts, -1 if dfa.shift is None else dfa.shift)
        if counts.max() <= cap:  # (the C loop then put the pieces' rows one after the other)
            n = int(counts.sum())
            return pid[:n].copy(), st[:n].copy(), en[:n].copy()
        cap = int(counts.max())


def resolve(data: np.ndarray, pid: np.ndarray, st: np.ndarray, en: np.ndarray, pk_ptr: np.ndarray,
            pk_keys: np.ndarray, ptr: np.ndarray, tids: np.ndarray, kind: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The matches of :func:`scan` as candidate mentions ``(target, start, end)``, checked at
    their ends: what ``framing.matcher.CompiledMatcher._checked`` computes with NumPy (the
    reference the tests compare this with), in one C pass (the NumPy steps cost 15 % of ``framing
    count``). ``pk_ptr``/``pk_keys`` and ``ptr``/``tids`` map patterns to keys and keys to targets
    (CSR, int64); ``kind`` (uint8, per target) is 0 for a plain term, 1 for a final wildcard, 2 for
    a term whose tail the caller matches."""
    arrays = (pid, st, en, pk_ptr, pk_keys, ptr, tids)
    if data.dtype != np.uint8 or kind.dtype != np.uint8 or any(a.dtype != np.int64 for a in arrays):
        raise TypeError("resolve reads bytes (uint8) and int64 arrays")
    room = len(pid) + len(pid) // 4 + 16  # (most patterns stand for one key of one target)
    while True:
        tid, start, end = (np.empty(room, dtype=np.int64) for _ in range(3))
        n = _ckernels.resolve(data, pid, st, en, len(pid), pk_ptr, pk_keys, ptr, tids, kind, tid, start, end)
        if n <= room:
            return tid[:n], start[:n], end[:n]
        room = n



def longest(order: np.ndarray, doc: np.ndarray, group: np.ndarray, start: np.ndarray, end: np.ndarray,
            tid: np.ndarray, cat_of: np.ndarray, same_span_cats: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``framing.matcher._longest_py`` in C (the reference the tests compare it with): the
    leftmost-longest candidates, read in ``order`` (by group, start and decreasing length), as
    ``(doc, start, end, tid)`` in that order. Its NumPy steps cost 7 % of ``framing count``."""
    arrays = (order, doc, group, start, end, tid, cat_of)
    if any(a.dtype != np.int64 for a in arrays) or same_span_cats.dtype != np.bool_:
        raise TypeError("longest reads int64 arrays and a bool array")
    out = [np.empty(len(order), dtype=np.int64) for _ in range(4)]
    n = _ckernels.longest(order, doc, group, start, end, tid, cat_of, same_span_cats.view(np.uint8), *out)
    return tuple(x[:n] for x in out)

class Dfa:
    """A deterministic Aho-Corasick automaton over bytes, as arrays.

    Attributes
    ----------
    classes : numpy.ndarray
        Byte -> byte class (0: a byte no pattern holds); ``n_classes`` of them.
    delta : numpy.ndarray
        Transitions in one of two layouts. Where ``shift`` is None: int32, ``delta[state + class]``,
        states premultiplied by ``n_classes``. Otherwise (at most 65,536 states, nearly every
        lexicon): uint16 state numbers in rows of ``2 ** shift`` (the power of two at or above
        ``n_classes``), ``delta[(state << shift) + class]``: half the memory, and a scan about a
        tenth faster (23.5 against 26.7 ms per 20 MB of news with 2,000 terms).
    shift : int or None
        The layout of ``delta``.
    start : int
        The root state (premultiplied where ``shift`` is None).
    n_out : int
        States ``0 .. n_out - 1`` end at least one pattern (their own or a suffix's).
    own, link : numpy.ndarray
        For each state with output: the pattern it ends (-1 for none) and the next state with output
        on its failure chain (-1 for none).
    lengths : numpy.ndarray
        Length of each pattern.
    """

    def __init__(self, classes, delta, start, n_out, own, link, lengths):
        """``delta`` and ``start`` in the premultiplied int32 layout (the narrow one is made here)."""
        self.classes, self.delta, self.start, self.n_out = classes, delta, start, n_out
        self.n_classes = k = int(classes.max()) + 1
        self.shift = None
        n = len(delta) // k
        if n <= 2 ** 16:
            self.shift = (k - 1).bit_length()
            narrow = np.zeros((n, 1 << self.shift), dtype=np.uint16)
            narrow[:, :k] = delta.reshape(n, k) // k
            self.delta, self.start = narrow.ravel(), start // k
        self.own, self.link, self.lengths = own, link, lengths
        # the dtypes the C scan reads (it checks sizes, not types)
        assert classes.dtype == delta.dtype == own.dtype == link.dtype == np.int32 and lengths.dtype == np.int64
        assert len(own) == 0 or int(own.max()) < len(lengths)


def build_dfa(patterns: list[bytes]) -> Dfa:
    """The automaton of ``patterns`` (distinct, non-empty byte strings without NUL or FILL bytes:
    :func:`scan` cuts texts at NUL, and reads FILL as absent).

    The textbook construction (Aho & Corasick 1975): a trie, failure links in breadth-first order,
    every missing transition filled from the failure state's row. We build it ourselves rather than
    with a package because the scan runs in our own compiled loop (:func:`scan`), which returns
    arrays: a package's Python object per match cost more than its whole scan.
    """
    used = sorted({b for p in patterns for b in p})
    if FILL in used or 0 in used:
        raise ValueError("patterns may not hold the bytes NUL or FILL (0x1E)")
    classes = np.zeros(256, dtype=np.int32)
    classes[used] = np.arange(1, len(used) + 1, dtype=np.int32)
    k = len(used) + 2
    classes[FILL] = k - 1  # every state loops on FILL (set below)
    # The trie: node 0 is the root; each other node has a parent and the class of its edge.
    children: list[dict[int, int]] = [{}]
    parent, label, depth, own = [-1], [0], [0], [-1]
    for pid, p in enumerate(patterns):
        s = 0
        for c in classes[list(p)].tolist():
            nxt = children[s].get(c)
            if nxt is None:
                nxt = len(children)
                children[s][c] = nxt
                children.append({})
                parent.append(s)
                label.append(c)
                depth.append(depth[s] + 1)
                own.append(-1)
            s = nxt
        own[s] = pid
    del children
    n = len(parent)
    if n * k >= 2 ** 31:
        raise ValueError(f"lexicons too large for one automaton ({n:,} states x {k} byte classes)")
    parent_a, label_a, depth_a = (np.asarray(x, dtype=np.int64) for x in (parent, label, depth))
    own_arr = np.asarray(own, dtype=np.int32)
    by_depth = np.argsort(depth_a, kind="stable")
    level_start = np.searchsorted(depth_a[by_depth], np.arange(int(depth_a.max()) + 2))
    # Failure links and transitions a level at a time (a node's failure state is shallower, so
    # its row is complete when the node's row is copied from it).
    delta = np.zeros((n, k), dtype=np.int32)
    fail = np.zeros(n, dtype=np.int64)
    out_link = np.full(n, -1, dtype=np.int64)  # nearest proper suffix state that ends a pattern
    for d in range(len(level_start) - 1):
        nodes = by_depth[level_start[d]:level_start[d + 1]]
        if d:
            delta[nodes] = delta[fail[nodes]]
        delta[nodes, k - 1] = nodes
        kids = by_depth[level_start[d + 1]:level_start[d + 2]] if d + 2 < len(level_start) else by_depth[:0]
        if len(kids):
            par, lab = parent_a[kids], label_a[kids]
            f = delta[fail[par], lab] if d else np.zeros(len(kids), dtype=np.int64)
            fail[kids] = f
            out_link[kids] = np.where(own_arr[f] >= 0, f, out_link[f])
            delta[par, lab] = kids
    # Renumber: states with output (their own or on their failure chain) first; premultiply.
    has_out = (own_arr >= 0) | (out_link >= 0)
    new_order = np.concatenate([np.flatnonzero(has_out), np.flatnonzero(~has_out)])
    new_id = np.empty(n, dtype=np.int64)
    new_id[new_order] = np.arange(n)
    n_out = int(has_out.sum())
    np.take((new_id * k).astype(np.int32), delta, out=delta, mode="wrap")  # in place (unbuffered)
    delta = delta[new_order].ravel()
    own_out = own_arr[new_order[:n_out]]
    link = out_link[new_order[:n_out]]
    link = np.where(link >= 0, new_id[np.maximum(link, 0)], -1).astype(np.int32)
    lengths = np.asarray([len(p) for p in patterns], dtype=np.int64)
    return Dfa(classes, delta, int(new_id[0]) * k, n_out, own_out, link, lengths)


def json_literals(data: bytes, min_len: int) -> tuple[bytes, list[tuple]]:
    """Each line's longest string value of at least ``min_len`` bytes cut out of a block of JSON
    Lines: ``(the block without them, cuts)``, ``cuts`` holding for each line None or ``(data,
    start, end, n_chars, flags, key, line_start, line_end)`` (see ``json_literals`` in
    ``framing/_ckernels.c``). C only: callers check :data:`COMPILED`."""
    return _ckernels.json_literals(data, min_len)


def literal_valid(data: bytes, start: int, end: int) -> bool:
    """Whether ``data[start:end]`` is the inside of a valid JSON string (valid UTF-8 included). C only."""
    return _ckernels.literal_valid(data, start, end)
