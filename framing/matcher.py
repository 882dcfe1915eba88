"""The compiled matcher: every lexicon term found in a batch of texts in one automaton pass.

Matching semantics (the same for every lexicon format; see DESIGN.md and :mod:`framing.text`):

* case-insensitive, whole words, on the match form of the text (NFKC, typographic quotes and
  apostrophes, hyphen == space, whitespace runs and line breaks inside a paragraph == one space);
* multiword phrases; a trailing ``*`` on a word is a prefix wildcard (``militia*`` matches
  ``militias`` and ``militiamen``), and a word followed by a possessive ``'s`` matches the bare word;
* within one lexicon, entries and referent aliases form two layers: in each layer the longest match
  wins where matches overlap (then the earliest entry), and each token belongs to at most one mention
  per layer. Aliases are a separate layer so that a label containing a name ("LNA militia") and
  the name itself ("LNA") are both recorded. In a lexicon whose words may sit in several categories
  (LIWC, quanteda ...: ``Lexicon.unique_terms`` is False), a span counts once in each category;
* an entry's ``exclude`` phrases veto its matches that lie inside them (``army`` but not
  ``salvation army``).

Engine
------
All terms of all lexicons are compiled once into a single Aho-Corasick DFA over bytes, searched
over the one-byte forms of :mod:`framing.batch` (one byte per character of the text, so offsets
need no map) by a loop in C (:mod:`framing._kernels`); where that extension is not built, the
Rust ``ahocorasick-rs`` package searches the same patterns. Keys are the terms' forms preceded by a space: a key
can only match at a word start, and one pass over a batch of concatenated documents finds every
candidate. Terms with a hard or paragraph gap (``Brig. Gen.``) enter the automaton with their words
up to that gap and are matched by pattern from there. End-of-word checks, wildcard extension and
the longest-match choice are vectorised with NumPy; clusters of partly overlapping candidates (rare)
are resolved in Python, and candidates of terms with non-ASCII letters, hard gaps or inner
wildcards are confirmed on the exact match form of the original words (:mod:`framing.text`). We
measured this against a token-level trie walked in Python, one regular expression per lexicon and
pyahocorasick before choosing it (see ``benchmarks/README.md``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property, lru_cache
from itertools import chain
from dataclasses import dataclass

import ahocorasick_rs
import numpy as np

from .lexicon.model import REFERENT_CATEGORY, Lexicon
from . import _kernels
from .batch import TextBatch, encode_form
from .text import normalize_term

__all__ = ["CompiledMatcher", "Target", "MATCH_POLICY"]

#: Versioned name of the matching policy, recorded in outputs and manifests.
MATCH_POLICY = "framing.match.longest-per-layer.v2"

_SPACE = 32
_APOS = 39
_S = 115


@dataclass(frozen=True)
class Target:
    """What a compiled key stands for: one surface of one entry (or alias, or exclusion)."""

    lexicon: str
    group: int  # (lexicon, layer) group: overlaps are resolved within a group
    kind: str  # "match" or "exclude"
    unit: int  # entry number shared by all surfaces and exclusions of one entry or referent
    entry: str
    term: str
    category: str
    referent: str | None
    valence: float | None
    wildcard: bool
    tail: re.Pattern | None
    norm: str = ""  # the surface's match form (with any ``*``)


def _key_and_tail(norm: str) -> tuple[str, bool, re.Pattern | None]:
    """Automaton key for a normalised term, whether it ends in a wildcard, and a tail pattern for
    wildcards inside a phrase (``militia* leader``), over the one-byte form of :mod:`framing.batch`."""
    first = norm.find("*")
    if first < 0:
        return " " + norm, False, None
    if first == len(norm) - 1:
        return " " + norm[:-1], True, None
    rest = norm[first + 1 :]
    word = rb"[^\x00-\x20]*"  # (a word's bytes: every byte but the gaps, as _kernels.resolve reads them)
    pattern = word
    for piece in re.split(r"(\*)", rest):
        if piece == "*":
            pattern += word
        else:  # a hard or paragraph gap: any run of two or more gap bytes (then checked exactly)
            pattern += rb" {2,}".join(_literal(p) for p in re.split(r"  |\n ", piece))
    if not rest.endswith("*"):
        pattern += rb"(?=[ \x00]|'s[ \x00])"
    return " " + norm[:first], False, re.compile(pattern)


@lru_cache(maxsize=1024)
def _tail_check(norm: str) -> re.Pattern:
    """The exact (str) form of a phrase with an inner wildcard, to confirm non-ASCII candidates."""
    pattern = ""
    for piece in re.split(r"(\*)", norm):
        pattern += r"[^ \n]*" if piece == "*" else re.escape(piece)  # (a word: up to a gap)
    return re.compile(pattern)


def _gap_pattern(key: str) -> re.Pattern:
    """A term with hard or paragraph gaps, as a pattern over the one-byte form: any run of two or
    more gap characters stands for such a gap (candidates are then checked exactly)."""
    words = re.split(r"(?:  |\n )", key)
    return re.compile(rb" {2,}".join(_literal(w) for w in words))


def _literal(words: str) -> bytes:
    """Pattern for words separated by single spaces (soft gaps) in the one-byte form, where a soft
    gap of several characters may be a space followed by FILL bytes (:mod:`framing.batch`)."""
    return rb" \x1e*".join(re.escape(encode_form(w)) for w in words.split(" "))


class CompiledMatcher:
    """Lexicons compiled into one automaton.

    Parameters
    ----------
    lexicons : sequence of Lexicon
        Validated lexicons (see :func:`framing.load_lexicon`).

    Attributes
    ----------
    targets : list of Target
        One per surface form; ``find`` returns indexes into it.
    categories : list of str
        Every category that a mention can have, in lexicon order (``referent`` first if any lexicon
        has referents).
    """

    def __init__(self, lexicons: Sequence[Lexicon]):
        self.lexicons = list(lexicons)
        names = [lex.name for lex in self.lexicons]
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            from .errors import LexiconError

            raise LexiconError([f"two lexicons are both named {dup[0]!r}; give each lexicon a distinct 'name'"])
        keys: dict[str, int] = {}
        key_targets: list[list[int]] = []
        targets: list[Target] = []
        unit = 0

        def add(key: str, target: Target) -> None:
            if not key.strip(" *"):
                from .errors import LexiconError

                raise LexiconError([f"lexicon {target.lexicon!r}, {target.entry}: the term {target.term!r} has no "
                                    "letters or digits, so it can match nothing; remove it or spell it out"])
            idx = keys.setdefault(key, len(keys))
            if idx == len(key_targets):
                key_targets.append([])
            key_targets[idx].append(len(targets))
            targets.append(target)

        cats: list[str] = []
        for li, lex in enumerate(self.lexicons):
            alias_group, entry_group = 2 * li, 2 * li + 1
            for ref in lex.referents.values():
                for alias in ref.aliases:
                    norm = normalize_term(alias)
                    key, wild, tail = _key_and_tail(norm)
                    add(key, Target(lex.name, alias_group, "match", unit, f"{REFERENT_CATEGORY}/{ref.id}", alias,
                                    REFERENT_CATEGORY, ref.id, None, wild, tail, norm))
                unit += 1
            if lex.referents and REFERENT_CATEGORY not in cats:
                cats.insert(0, REFERENT_CATEGORY)
            for e in lex.entries:
                for surface in e.surfaces:
                    norm = normalize_term(surface)
                    key, wild, tail = _key_and_tail(norm)
                    add(key, Target(lex.name, entry_group, "match", unit, e.id, e.term, e.category, e.referent,
                                    e.valence, wild, tail, norm))
                for phrase in e.exclude:
                    norm = normalize_term(phrase)
                    key, wild, tail = _key_and_tail(norm)
                    add(key, Target(lex.name, entry_group, "exclude", unit, e.id, phrase, e.category, e.referent,
                                    e.valence, wild, tail, norm))
                unit += 1
            for cid in lex.categories:
                if cid not in cats:
                    cats.append(cid)
        self.targets = targets
        self.categories = cats
        self.keys = list(keys)
        ptr = np.zeros(len(key_targets) + 1, dtype=np.int64)
        ptr[1:] = np.cumsum([len(t) for t in key_targets])
        self._ptr = ptr
        self._tids = np.asarray([t for ts in key_targets for t in ts], dtype=np.int64)
        self._group = np.asarray([t.group for t in targets], dtype=np.int64)
        self._unit = np.asarray([t.unit for t in targets], dtype=np.int64)
        self._exclude = np.asarray([t.kind == "exclude" for t in targets], dtype=bool)
        self._wild = np.asarray([t.wildcard for t in targets], dtype=bool)
        self._tail = np.asarray([t.tail is not None for t in targets], dtype=bool)
        # what the C reading of the candidates (_kernels.resolve) does at a target's end
        self._kind = np.where(self._wild, 1, np.where(self._tail, 2, 0)).astype(np.uint8)
        self._any_tail = bool(self._tail.any())
        units_with_excl = {t.unit for t in targets if t.kind == "exclude"}
        self._has_excl = np.asarray([t.kind == "match" and t.unit in units_with_excl for t in targets], dtype=bool)
        self._cat_index = {c: i for i, c in enumerate(cats)}
        multi = {lex.name for lex in self.lexicons if not getattr(lex, "unique_terms", True)}
        self._multi_category = np.asarray([t.lexicon in multi for t in targets], dtype=bool)
        self.target_category = np.asarray([self._cat_index[t.category] for t in targets], dtype=np.int64)
        # Keys whose words are separated by single spaces go into the automaton; keys with hard or
        # paragraph gaps are matched by pattern where their first words occur (framing.batch).
        # Candidates of keys holding non-ASCII letters, and of gap keys, are confirmed on the
        # original text.
        self._gapped = [i for i, k in enumerate(self.keys) if "  " in k or "\n" in k]
        gapped = set(self._gapped)
        self._ac_keys = np.asarray([i for i in range(len(self.keys)) if i not in gapped], dtype=np.int64)
        confirm_key = [i in gapped or not k.isascii() for i, k in enumerate(self.keys)]
        target_key = np.zeros(len(targets), dtype=np.int64)
        for k in range(len(self.keys)):
            target_key[self._tids[self._ptr[k]:self._ptr[k + 1]]] = k
        self._confirm = np.asarray([confirm_key[target_key[i]] or (t.tail is not None and (
            not t.norm.isascii() or "  " in t.norm or "\n" in t.norm)) for i, t in enumerate(targets)], dtype=bool)
        # Words after which a term continues with a single-space gap (see TextBatch.build).
        words: set[bytes] = set()
        prefixes: set[bytes] = set()
        for key in self.keys:
            words.update(encode_form(w) for w in key.split(" ")[1:-1] if w)
        for t in targets:
            if t.tail is not None:
                prefixes.update(encode_form(w) for w in re.split(r"[ *]+", t.norm) if w)
        self._span_words = frozenset(words)
        self._span_prefixes = tuple(sorted(prefixes))
        self._build_engines()

    @cached_property
    def target_columns(self) -> dict[str, np.ndarray]:
        """Per target: ``entry``, ``term``, ``category``, ``referent`` and ``lexicon`` as object
        arrays and ``valence`` as floats (NaN where none), so that a table of mentions takes each
        column in one step (``framing.score``)."""
        cols = {k: np.array([getattr(t, k) for t in self.targets] + [None], dtype=object)[:-1]  # (never 2-D)
                for k in ("entry", "term", "category", "referent", "lexicon")}
        cols["valence"] = np.array([np.nan if t.valence is None else t.valence for t in self.targets], dtype=float)
        return cols

    def batch(self, texts: Sequence[str]) -> TextBatch:
        """The forms of ``texts`` that :meth:`find` searches (with their ``n_tokens``)."""
        return TextBatch.build(list(texts), self._span_words, self._span_prefixes)

    def _build_engines(self) -> None:
        # Automaton patterns: the keys with single-space gaps, and for each key with a hard or
        # paragraph gap its words up to that gap (the rest is matched by pattern where they occur).
        patterns: dict[bytes, int] = {}
        plain, gaps = [], []
        for i in self._ac_keys.tolist():
            pid = patterns.setdefault(encode_form(self.keys[i]), len(patterns))
            plain.append((pid, i))
        for i in self._gapped:
            pid = patterns.setdefault(encode_form(re.split(r"  |\n ", self.keys[i])[0]), len(patterns))
            gaps.append((pid, i))
        # pattern -> keys (CSR): keys whose non-ASCII letters fold to the same bytes share a pattern
        per_pid: list[list[int]] = [[] for _ in patterns]
        for pid, i in plain:
            per_pid[pid].append(i)
        self._pk_ptr = np.zeros(len(patterns) + 1, dtype=np.int64)
        self._pk_ptr[1:] = np.cumsum([len(k) for k in per_pid])
        self._pk_keys = np.asarray([i for k in per_pid for i in k], dtype=np.int64)
        self._pid_gaps: dict[int, list[tuple[int, re.Pattern]]] = {}
        for pid, i in gaps:
            self._pid_gaps.setdefault(pid, []).append((i, _gap_pattern(self.keys[i][1:])))
        self._patterns = list(patterns)
        # Two engines over the same patterns, with the same output: our own DFA scanned by the C
        # loop of framing._kernels, and the Rust package ahocorasick-rs where that is not built
        # (framing._kernels.COMPILED_MIN_CHARS; the tests run both).
        self._dfa = _kernels.build_dfa(self._patterns) if self._patterns else None
        self._ac = None

    def _rust_automaton(self):
        if self._ac is None and self._patterns:
            # (its DFA takes a little longer to build than its NFAs but searches 1.7x faster)
            self._ac = ahocorasick_rs.BytesAhoCorasick(self._patterns, matchkind=ahocorasick_rs.MatchKind.Standard,
                                                       implementation=ahocorasick_rs.Implementation.DFA)
        return self._ac

    def __getstate__(self):  # the automaton is rebuilt from its keys (for process pools that pickle)
        state = self.__dict__.copy()
        state["_ac"] = None
        return state

    # ------------------------------------------------------------------ matching
    def find(self, batch: TextBatch | list[str], *, ordered: bool = True
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Find all mentions in a batch of texts.

        Parameters
        ----------
        batch : TextBatch or list of str
            From :meth:`framing.batch.TextBatch.build` (built here from a list of texts).
        ordered : bool, default True
            Sort the mentions as described below; counting does without.

        Returns
        -------
        doc, start, end, target : numpy.ndarray
            One element per mention, sorted by text, start, end and target: the text's position in
            the batch, offsets into the ORIGINAL text, and an index into ``targets``.
        """
        if not isinstance(batch, TextBatch):
            batch = self.batch(batch)
        found = [self._find_part(batch, part) for part in batch.parts]
        found = [f for f in found if len(f[0])]
        if not found:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, empty
        doc, start, end, tid = (np.concatenate(x) for x in zip(*found))
        if not ordered:
            return doc, start, end, tid
        # Sort by (text, start, end, target), two packed keys (texts are shorter than 2**40); a
        # batch of one part without two mentions at one start comes sorted (the sort was 1 % of score)
        first = (doc << 40) + start
        if len(first) < 2 or bool((first[1:] > first[:-1]).all()):
            return doc, start, end, tid
        order = np.lexsort((((end - start) << 24) + tid, first))
        return doc[order], start[order], end[order], tid[order]

    def _scan(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``pattern, start, end`` arrays of every pattern occurrence in ``codes`` (uint8),
        overlapping ones included; ``start + 1`` is the position of the pattern's second byte, the
        first letter of its first word (``start`` is its leading space unless FILL bytes follow
        that)."""
        if self._dfa is None:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        if len(codes) >= _kernels.COMPILED_MIN_CHARS:
            return _kernels.scan(codes, self._dfa)
        raw = self._rust_automaton().find_matches_as_indexes(codes.tobytes(), overlapping=True)
        # (fromiter over the flattened tuples is twice as fast as asarray here)
        hits = np.fromiter(chain.from_iterable(raw), dtype=np.int64, count=3 * len(raw)).reshape(-1, 3)
        return hits[:, 0], hits[:, 1], hits[:, 2]

    def _candidates(self, data: bytes, pid: np.ndarray, st: np.ndarray, en: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Key index, start (of the key's first word) and end of every key occurrence in ``data``,
        given the automaton's matches (the keys of each pattern, then the keys with hard gaps)."""
        keys, starts, ends = [], [], []
        if len(pid):
            count = self._pk_ptr[pid + 1] - self._pk_ptr[pid]  # 0 for the first words of a gap key
            if (count == 1).all():
                keys.append(self._pk_keys[self._pk_ptr[pid]])
                starts.append(st + 1)  # +1: skip the key's leading space
                ends.append(en)
            else:
                rows = np.repeat(np.arange(len(pid)), count)
                offs = np.arange(len(rows)) - np.repeat(np.cumsum(count) - count, count)
                keys.append(self._pk_keys[self._pk_ptr[pid][rows] + offs])
                starts.append(st[rows] + 1)
                ends.append(en[rows])
        for x, y in zip((keys, starts, ends), self._gap_candidates(data, pid, st)):
            x.append(y)
        return np.concatenate(keys), np.concatenate(starts), np.concatenate(ends)

    def _gap_candidates(self, data: bytes, pid: np.ndarray, st: np.ndarray) -> tuple[np.ndarray, ...]:
        """Key, start and end of the keys with a hard gap: the automaton found their first words
        (patterns in ``_pid_gaps``); the rest is matched here."""
        found = []
        if self._pid_gaps and len(pid):
            at_gap = np.isin(pid, list(self._pid_gaps))
            for p, at in zip(pid[at_gap].tolist(), st[at_gap].tolist()):
                for k, pattern in self._pid_gaps[p]:
                    m = pattern.match(data, at + 1)
                    if m is not None:
                        found.append((k, at + 1, m.end()))
        arr = np.asarray(found, dtype=np.int64).reshape(-1, 3)
        return arr[:, 0], arr[:, 1], arr[:, 2]

    def _checked(self, codes: np.ndarray, key: np.ndarray, start: np.ndarray, end: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate keys as ``(target, start, end)`` rows checked at their ends: a plain term must
        end at a gap (or before a possessive 's); a final wildcard runs to the end of its word, less
        a final 's; a term with a tail is left to :meth:`_find_part`. (With NumPy: the reference for
        ``_kernels.resolve``, which does this in C.)"""
        counts = self._ptr[key + 1] - self._ptr[key]  # expand keys to their targets (most have one)
        if (counts == 1).all():
            tid = self._tids[self._ptr[key]]
        else:
            rows = np.repeat(np.arange(len(key)), counts)
            offs = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
            tid = self._tids[self._ptr[key][rows] + offs]
            start, end = start[rows], end[rows]
        # gaps are spaces, texts end at NUL: <= 32 is a gap
        last = len(codes) - 1  # the final NUL: indexes past it are clipped to it
        end = end.copy()
        ok = np.ones(len(tid), dtype=bool)
        wild = self._wild[tid]
        if wild.any():  # a wildcard runs to the end of its word: step all of them at once
            nxt = end[wild]
            active = np.flatnonzero(codes[nxt] > _SPACE)
            while len(active):
                nxt[active] += 1
                active = active[codes[nxt[active]] > _SPACE]
            poss = (codes[nxt - 1] == _S) & (codes[nxt - 2] == _APOS)
            end[wild] = np.where(poss, nxt - 2, nxt)
        plain = ~wild & ~self._tail[tid]
        pe = end[plain]
        at = codes[pe]
        possessive = (at == _APOS) & (codes[np.minimum(pe + 1, last)] == _S) & (codes[np.minimum(pe + 2, last)] <= _SPACE)
        ok[plain] = (at <= _SPACE) | possessive
        return tid[ok], start[ok], end[ok]

    def _confirmed(self, batch: TextBatch, part, tid, start, end) -> np.ndarray:
        """Whether each candidate is a match on the exact match form of the original text it covers.

        The covered words are normalised on their own (a possessive 's left out), as the reference
        semantics compare words: the term's form must equal it, or start it for a final wildcard,
        or match the whole of it for an inner wildcard.
        """
        d, s, e = part.locate(start, end)
        out = np.zeros(len(tid), dtype=bool)
        for i, (a, b, c, t) in enumerate(zip(d.tolist(), s.tolist(), e.tolist(), tid.tolist())):
            form = normalize_term(batch.texts[a][b:c])
            target = self.targets[t]
            if target.tail is not None:
                out[i] = _tail_check(target.norm).fullmatch(form) is not None
            elif target.wildcard:
                out[i] = form.startswith(target.norm[:-1])  # (the extension is one word of the search form)
            else:
                out[i] = form == target.norm
        return out

    def _find_part(self, batch: TextBatch, part) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        empty = np.zeros(0, dtype=np.int64)
        codes = part.codes
        compiled = len(codes) >= _kernels.COMPILED_MIN_CHARS
        pid, st, en = self._scan(codes)
        if compiled:  # the scan's matches as candidates, in C
            tid, start, end = _kernels.resolve(codes, pid, st, en, self._pk_ptr, self._pk_keys, self._ptr, self._tids,
                                               self._kind)
            if self._pid_gaps:
                gapped = self._checked(codes, *self._gap_candidates(part.data, pid, st))
                tid, start, end = (np.concatenate(x) for x in zip((tid, start, end), gapped))
        else:
            tid, start, end = self._checked(codes, *self._candidates(part.data, pid, st, en))
        if len(tid) == 0:
            return empty, empty, empty, empty
        tails = np.flatnonzero(self._tail[tid]) if self._any_tail else ()
        if len(tails):  # terms with an inner wildcard or a gap: the rest of the term from its first words
            big = part.data
            ok = np.ones(len(tid), dtype=bool)
            for i in tails.tolist():
                m = self.targets[tid[i]].tail.match(big, int(end[i]))
                if m is None:
                    ok[i] = False
                    continue
                e = m.end()
                # a last wildcard may have taken a possessive 's; a last literal word is the term's own
                swallowed = self.targets[tid[i]].norm.endswith("*") and big.endswith(b"'s", 0, e)
                end[i] = e - 2 if swallowed and big[e:e + 1] in (b" ", b"\x00") else e
            tid, start, end = tid[ok], start[ok], end[ok]
        confirm = np.flatnonzero(self._confirm[tid])
        if len(confirm):  # a collision of non-ASCII letters, or a gap of another class: check exactly
            good = self._confirmed(batch, part, tid[confirm], start[confirm], end[confirm])
            keep = np.ones(len(tid), dtype=bool)
            keep[confirm[~good]] = False
            tid, start, end = tid[keep], start[keep], end[keep]
        doc = part.local(start)  # text within the part

        is_excl = self._exclude[tid]
        if is_excl.any():
            keep = ~is_excl
            ex = {}
            for d, s, e, u in zip(doc[is_excl], start[is_excl], end[is_excl], self._unit[tid[is_excl]]):
                ex.setdefault((int(d), int(u)), []).append((int(s), int(e)))
            for i in np.flatnonzero(self._has_excl[tid] & keep):
                spans = ex.get((int(doc[i]), int(self._unit[tid[i]])), ())
                if any(s <= start[i] and end[i] <= e for s, e in spans):
                    keep[i] = False
            tid, start, end, doc = tid[keep], start[keep], end[keep], doc[keep]

        doc, start, end, tid = _longest(doc, self._group[tid], start, end, tid, self.target_category,
                                        self._multi_category, compiled)
        doc, start, end = part.locate(start, end, doc)  # (doc: each row's text within the part)
        return doc, start, end, tid

    def find_text(self, text: str) -> list[tuple[int, int, Target]]:
        """Mentions in one text as ``(start, end, target)`` tuples; a convenience for exploring."""
        _, s, e, t = self.find([text])
        return [(int(a), int(b), self.targets[k]) for a, b, k in zip(s, e, t)]


def _longest(doc, group, start, end, tid, cat_of, same_span_cats, compiled: bool = True):
    """Keep, per document and group, the leftmost-longest non-overlapping matches.

    ``start`` and ``end`` are positions in one searched byte string, where texts never overlap, so
    that position order is text order. Rows are sorted by (group, start, -length, target); a row is
    kept when it starts at or after the end of the last row kept in its group, or has that row's
    span. Candidates with the same span stand or fall together; of them, the earliest entry is
    kept, or the earliest of each category where ``same_span_cats`` is set for the target
    (lexicons whose words may sit in several categories). Rows come back in no particular order.
    In C where built and ``compiled`` (:func:`framing._kernels.longest`), else :func:`_longest_py`.
    """
    if len(tid) == 0:
        return doc, start, end, tid
    if not (compiled and _kernels.COMPILED):
        return _longest_py(doc, group, start, end, tid, cat_of, same_span_cats)
    order, _ = _span_order(group, start, end, tid)
    return _kernels.longest(order, doc, group, start, end, tid, cat_of, same_span_cats)


def _span_order(group, start, end, tid) -> tuple[np.ndarray, np.ndarray | None]:
    """Row order by (group, start, -length), and the packed key it sorts where it is one (rows
    that tie on it are in input order), else None (then by target too)."""
    span = int(end.max()) + 1
    s_shift = group * span + start  # groups one after the other on a single axis
    lens = end - start
    if (int(group.max()) + 1) * span < 2 ** 42 and int(lens.max()) < 2 ** 20:
        # (group, start, -length) in one key. The candidates arrive nearly in that order (by end
        # position), where a stable sort costs a fiftieth of a lexsort.
        key = (s_shift << 20) - lens
        return np.argsort(key, kind="stable"), key
    return np.lexsort((tid, -lens, s_shift)), None


def _longest_py(doc, group, start, end, tid, cat_of, same_span_cats):
    """:func:`_longest` with NumPy: candidates that start at or after the end of every earlier
    candidate of their group are kept without further thought; the rest form clusters that are
    resolved greedily in Python. (The reference for the C reading.)"""
    if len(tid) == 0:
        return doc, start, end, tid
    span = int(end.max()) + 1
    s_shift = group * span + start
    order, key = _span_order(group, start, end, tid)
    if key is not None:  # the rare rows that tie on the key are put in target order
        k = key[order]
        tie = np.flatnonzero(k[1:] == k[:-1])
        if len(tie):
            at_tie = np.zeros(len(k), dtype=bool)  # (a mask: np.unique would sort them again)
            at_tie[tie] = True
            at_tie[tie + 1] = True
            rows = np.flatnonzero(at_tie)
            order[rows] = order[rows][np.lexsort((tid[order[rows]], k[rows]))]
    doc, start, end, tid, s_shift = doc[order], start[order], end[order], tid[order], s_shift[order]
    e_shift = s_shift + (end - start)
    prev_max = np.empty_like(e_shift)
    prev_max[0] = -1
    np.maximum.accumulate(e_shift[:-1], out=prev_max[1:])
    free = s_shift >= prev_max
    keep = free.copy()
    if not free.all():
        # Clusters: a free row (the head) followed by non-free rows. Where every row of a cluster
        # lies inside its head (a shorter term nested in a longer one: nearly always), only rows
        # with the head's span survive; other clusters are resolved greedily in Python.
        bad = np.flatnonzero(~free)
        heads = np.flatnonzero(free)
        head_of = heads[np.searchsorted(heads, bad, side="right") - 1]
        inside = e_shift[bad] <= e_shift[head_of]
        keep[bad] = inside & (s_shift[bad] == s_shift[head_of]) & (e_shift[bad] == e_shift[head_of])
        for head in np.unique(head_of[~inside]).tolist():
            last_s, last_e = s_shift[head], e_shift[head]
            j = head + 1
            while j < len(free) and not free[j]:
                if s_shift[j] >= last_e or (s_shift[j] == last_s and e_shift[j] == last_e):
                    keep[j] = True
                    last_s, last_e = s_shift[j], e_shift[j]
                j += 1
        doc, start, end, tid, s_shift, e_shift = (x[keep] for x in (doc, start, end, tid, s_shift, e_shift))
    # One mention per span (the earliest entry wins: rows of a span are adjacent and sorted by
    # target), or one per span and category where the lexicon lets a word sit in several
    # categories (LIWC).
    first = np.ones(len(tid), dtype=bool)
    first[1:] = (s_shift[1:] != s_shift[:-1]) | (e_shift[1:] != e_shift[:-1])
    multi = same_span_cats[tid]
    if multi.any():
        block = np.cumsum(first)
        cat = np.where(multi, cat_of[tid], -1) + 1
        _, firsts = np.unique(block * (int(cat.max()) + 1) + cat, return_index=True)
        first = np.zeros(len(tid), dtype=bool)
        first[firsts] = True
    return doc[first], start[first], end[first], tid[first]
