"""Compiled loops of the matcher: the one-byte forms of a batch and the automaton pass over them.

These are the only loops that touch every character of a corpus, so they are compiled with Numba
(wheels for Linux, macOS on Apple silicon and Windows; machine code cached next to this file, or in
the user's cache folder where that is read-only). NumPy alone needs a dozen passes and temporary
arrays for what one loop does here, and a per-match Python object is what made the Rust automaton
we used before cost more than the scan itself (``benchmarks/README.md``).

Numba is imported on the first call, not with :mod:`framing`: loading it and the cached machine code
takes about 0.2 s, which a short run (a notebook cell over a few texts) need not pay.
:mod:`framing.batch` and :mod:`framing.matcher` keep a NumPy path for batches below
``COMPILED_MIN_CHARS`` characters; both paths give identical results (``tests/test_kernels.py``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["forms", "scan", "build_dfa", "COMPILED_MIN_CHARS", "FILL"]

#: A byte the automaton of :func:`build_dfa` reads as nothing (every state loops on it).
FILL = 0x1E

#: Batches with fewer characters than this take the NumPy path (no Numba import, no compilation).
COMPILED_MIN_CHARS = 200_000

_compiled: dict[str, object] = {}


def _kernels() -> dict[str, object]:
    """The compiled functions (compiled, or loaded from Numba's cache, on first use)."""
    if _compiled:
        return _compiled
    import numba
    from numba.cpython.unicode import _get_code_point

    @numba.njit(cache=True, nogil=True)
    def forms_kernel(big, table, known, is_word, to_search, flags, n_seps, out, search,
                     cand, rare, unknown, n_tokens):  # pragma: no cover - compiled
        n = len(big)
        n_unknown = 0
        nuls = 0
        for i in range(n):
            cp = _get_code_point(big, i)
            if cp >= 128:
                if not known[cp]:
                    if n_unknown < unknown.shape[0]:
                        unknown[n_unknown] = cp
                    n_unknown += 1
            elif cp == 0:
                nuls += 1
            out[i] = table[cp]
        if n_unknown or nuls != n_seps:
            return n_unknown, nuls, 0, 0
        # One pass for the rest, without data-dependent branches where words begin and end (they
        # cost three times the work here).
        n_cand = 0
        n_rare = 0
        seg = 0  # count k: the words between the k-th NUL and the next
        count = 0
        prev_word = 0
        prev_flag = 0
        for i in range(n):
            c = out[i]
            if c == 0x27:  # an apostrophe is part of a word only between two word characters
                if 0 < i < n - 1 and not (is_word[out[i - 1]] and is_word[out[i + 1]]):
                    c = 0x02
                    out[i] = c
            f = flags[c]
            if prev_flag & f:
                cand[n_cand] = i - 1
                n_cand += 1
            prev_flag = f
            x = to_search[c]
            search[i] = x
            w = np.int64(x > 32)
            count += w & (1 - prev_word)
            prev_word = w
            if x < 32:
                if x == 0:
                    n_tokens[seg] = count
                    seg += 1
                    count = 0
                elif c == 0x1F:
                    rare[n_rare] = i
                    n_rare += 1
        return 0, nuls, n_cand, n_rare

    @numba.njit(cache=True, nogil=True)
    def scan_kernel(data, cls, delta, k, start, stay, n_out, own, link, plen, fill, pid, st, en):  # pragma: no cover
        # States are premultiplied by the number of byte classes; the n_out states with output come
        # first. A match's start is its end minus the pattern's length, unless FILL bytes (which
        # the automaton skips) lie inside it: then count the pattern's bytes back from its end.
        n = 0
        last_fill = -1
        cap = pid.shape[0]
        s = start
        limit = n_out * k
        for i in range(data.shape[0]):
            c = data[i]
            if s == start and stay[c]:
                continue  # at the root on a byte that starts no pattern (a word's letters, for framing's)
            if fill and c == fill:
                last_fill = i
                continue
            s = delta[s + cls[c]]
            if s < limit:
                t = s // k
                while t >= 0:
                    p = own[t]
                    if p >= 0:
                        if n < cap:
                            b = i + 1 - plen[p]
                            if last_fill >= b:  # (start: the byte before the pattern's second)
                                j = i
                                left = plen[p] - 1
                                while left > 0:
                                    if data[j] != fill:
                                        left -= 1
                                    j -= 1
                                b = j
                            pid[n] = p
                            st[n] = b
                            en[n] = i + 1
                        n += 1
                    t = link[t]
        return n

    _compiled.update(forms=forms_kernel, scan=scan_kernel)
    return _compiled


def forms(big: str, table: np.ndarray, known: np.ndarray, is_word: np.ndarray, to_search: np.ndarray,
          flags: np.ndarray, seps: np.ndarray):
    """The class-preserving and search forms of ``big`` (texts joined by NUL separators).

    Returns ``None`` when ``big`` holds code points missing from ``table`` (their array is returned
    instead, to be filled and the call repeated) or NUL characters inside a text (``False``).
    Otherwise ``(u0, search, cand, rare, n_tokens)``: the forms as uint8 arrays, positions ``i``
    where ``flags[u0[i]] & flags[u0[i + 1]]``, positions of the byte 0x1F, and the word count of
    each text between consecutive separators ``seps``.
    """
    k = _kernels()
    n = len(big)
    out = np.empty(n, dtype=np.uint8)
    search = np.empty(n, dtype=np.uint8)
    cand = np.empty(max(n, 1), dtype=np.int64)
    rare = np.empty(max(n, 1), dtype=np.int64)
    unknown = np.empty(4096, dtype=np.int64)
    n_tokens = np.zeros(len(seps) + 1, dtype=np.int64)
    n_unknown, nuls, n_cand, n_rare = k["forms"](big, table, known, is_word, to_search, flags, len(seps), out,
                                                 search, cand, rare, unknown, n_tokens)
    if n_unknown:
        if n_unknown > len(unknown):  # more new code points than the buffer held: take them all
            u = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32)
            return np.unique(u[(u >= 128) & ~known[u]]).astype(np.int64)
        return np.unique(unknown[:n_unknown])
    if nuls != len(seps):
        return False
    return out, search, cand[:n_cand].copy(), rare[:n_rare].copy(), n_tokens[1:-1]


def scan(data: np.ndarray, dfa: "Dfa", fill: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every occurrence of every pattern of ``dfa`` in ``data``, overlapping ones included, as
    ``(pattern, start, end)`` arrays in order of end position. With ``fill``, bytes ``FILL`` are
    read as absent (a pattern may span them; patterns never hold that byte), and ``start + 1`` is
    the position of a pattern's second byte: ``start`` is the position of its first byte where
    no FILL byte follows that (the patterns of :mod:`framing.matcher` start with a space)."""
    k = _kernels()
    cap = 1024 + len(data) // 8  # (news with 10,000 terms: one candidate per 20 bytes)
    while True:
        pid = np.empty(cap, dtype=np.int64)
        st = np.empty(cap, dtype=np.int64)
        en = np.empty(cap, dtype=np.int64)
        n = k["scan"](data, dfa.classes, dfa.delta, dfa.n_classes, dfa.start, dfa.stay, dfa.n_out, dfa.own, dfa.link, dfa.lengths,
                      FILL if fill else 0, pid, st, en)
        if n <= cap:
            return pid[:n], st[:n], en[:n]
        cap = n


class Dfa:
    """A deterministic Aho-Corasick automaton over bytes, as arrays.

    Attributes
    ----------
    classes : numpy.ndarray
        Byte -> byte class (0: a byte no pattern holds); ``n_classes`` of them.
    delta : numpy.ndarray
        Transitions, ``delta[state + class]``, states premultiplied by the number of classes.
    start : int
        The root state (premultiplied).
    stay : numpy.ndarray
        Byte -> whether the root's transition on it is the root.
    n_out : int
        States ``0 .. n_out - 1`` end at least one pattern (their own or a suffix's).
    own, link : numpy.ndarray
        For each state with output: the pattern it ends (-1 for none) and the next state with output
        on its failure chain (-1 for none).
    lengths : numpy.ndarray
        Length of each pattern.
    """

    def __init__(self, classes, delta, start, n_out, own, link, lengths):
        self.classes, self.delta, self.start, self.n_out = classes, delta, start, n_out
        self.n_classes = int(classes.max()) + 1
        # bytes on which the root stays the root: the scan skips them without a table lookup
        self.stay = delta[start + classes] == start
        self.own, self.link, self.lengths = own, link, lengths


def build_dfa(patterns: list[bytes]) -> Dfa:
    """The automaton of ``patterns`` (distinct, non-empty byte strings).

    The textbook construction (Aho & Corasick 1975): a trie, failure links in breadth-first order,
    every missing transition filled from the failure state's row. We build it ourselves rather than
    with a package because the scan must run inside the compiled loop of :func:`scan`.
    """
    used = sorted({b for p in patterns for b in p})
    classes = np.zeros(256, dtype=np.int32)
    classes[used] = np.arange(1, len(used) + 1, dtype=np.int32)
    k = len(used) + 1
    children: list[dict[int, int]] = [{}]
    own = [-1]
    for pid, p in enumerate(patterns):
        s = 0
        for c in classes[list(p)].tolist():
            nxt = children[s].get(c)
            if nxt is None:
                nxt = len(children)
                children[s][c] = nxt
                children.append({})
                own.append(-1)
            s = nxt
        own[s] = pid
    n = len(children)
    delta = np.zeros((n, k), dtype=np.int64)
    fail = np.zeros(n, dtype=np.int64)
    out_link = np.full(n, -1, dtype=np.int64)  # nearest proper suffix state that ends a pattern
    own_arr = np.asarray(own, dtype=np.int64)
    order = [0]
    head = 0
    while head < len(order):
        s = order[head]
        head += 1
        row = delta[fail[s]].copy() if s else np.zeros(k, dtype=np.int64)
        for c, child in children[s].items():
            f = delta[fail[s], c] if s else 0
            fail[child] = f
            out_link[child] = f if own_arr[f] >= 0 else out_link[f]
            row[c] = child
            order.append(child)
        delta[s] = row
    # Renumber: states with output (their own or on their failure chain) first.
    has_out = (own_arr >= 0) | (out_link >= 0)
    new_order = np.concatenate([np.flatnonzero(has_out), np.flatnonzero(~has_out)])
    new_id = np.empty(n, dtype=np.int64)
    new_id[new_order] = np.arange(n)
    n_out = int(has_out.sum())
    dtype = np.int32 if n * k < 2 ** 31 else np.int64
    delta = (new_id[delta[new_order]] * k).astype(dtype).ravel()
    own_out = own_arr[new_order[:n_out]].astype(np.int32)
    link = out_link[new_order[:n_out]]
    link = np.where(link >= 0, new_id[np.maximum(link, 0)], -1).astype(np.int32)
    lengths = np.asarray([len(p) for p in patterns], dtype=np.int64)
    return Dfa(classes, delta, int(new_id[0]) * k, n_out, own_out, link, lengths)
