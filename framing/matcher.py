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
All terms of all lexicons are compiled once into a single Aho-Corasick automaton (the Rust
``ahocorasick-rs`` package), whose keys are the terms' match forms preceded by a space: since the
match form of a text has a space before every word, a key can only match at a word start, and a
single pass over a batch of concatenated documents finds every candidate. End-of-word checks,
wildcard extension and the longest-match choice are then vectorised with NumPy; only clusters of
overlapping candidates (rare) are resolved in Python. We measured this against a token-level trie
walked in Python and against one regular expression per lexicon before choosing it (see
``benchmarks/README.md``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick_rs
import numpy as np

from .lexicon.model import REFERENT_CATEGORY, Lexicon
from .text import FormBatch, _codes, normalize_term

__all__ = ["CompiledMatcher", "Target", "MATCH_POLICY"]

#: Versioned name of the matching policy, recorded in outputs and manifests.
MATCH_POLICY = "framing.match.longest-per-layer.v2"

_SPACE = 32
_NL = 10
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


def _key_and_tail(norm: str) -> tuple[str, bool, re.Pattern | None]:
    """Automaton key for a normalised term, whether it ends in a wildcard, and a tail pattern for
    wildcards inside a phrase (``militia* leader``)."""
    first = norm.find("*")
    if first < 0:
        return " " + norm, False, None
    if first == len(norm) - 1:
        return " " + norm[:-1], True, None
    rest = norm[first + 1 :]
    pattern = r"[\w']*"
    for piece in re.split(r"(\*)", rest):
        pattern += r"[\w']*" if piece == "*" else re.escape(piece)
    if not rest.endswith("*"):
        pattern += r"(?=[ \n]|'s[ \n])"
    return " " + norm[:first], False, re.compile(pattern)


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
                                    REFERENT_CATEGORY, ref.id, None, wild, tail))
                unit += 1
            if lex.referents and REFERENT_CATEGORY not in cats:
                cats.insert(0, REFERENT_CATEGORY)
            for e in lex.entries:
                for surface in e.surfaces:
                    key, wild, tail = _key_and_tail(normalize_term(surface))
                    add(key, Target(lex.name, entry_group, "match", unit, e.id, e.term, e.category, e.referent,
                                    e.valence, wild, tail))
                for phrase in e.exclude:
                    key, wild, tail = _key_and_tail(normalize_term(phrase))
                    add(key, Target(lex.name, entry_group, "exclude", unit, e.id, phrase, e.category, e.referent,
                                    e.valence, wild, tail))
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
        units_with_excl = {t.unit for t in targets if t.kind == "exclude"}
        self._has_excl = np.asarray([t.kind == "match" and t.unit in units_with_excl for t in targets], dtype=bool)
        self._cat_index = {c: i for i, c in enumerate(cats)}
        multi = {lex.name for lex in self.lexicons if not getattr(lex, "unique_terms", True)}
        self._multi_category = np.asarray([t.lexicon in multi for t in targets], dtype=bool)
        self.target_category = np.asarray([self._cat_index[t.category] for t in targets], dtype=np.int64)
        self._ac = ahocorasick_rs.AhoCorasick(self.keys, matchkind=ahocorasick_rs.MatchKind.Standard) if self.keys else None

    def __getstate__(self):  # the automaton is rebuilt from its keys (for process pools that pickle)
        state = self.__dict__.copy()
        state["_ac"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self.keys:
            self._ac = ahocorasick_rs.AhoCorasick(self.keys, matchkind=ahocorasick_rs.MatchKind.Standard)

    # ------------------------------------------------------------------ matching
    def find(self, batch: FormBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Find all mentions in a batch of texts.

        Parameters
        ----------
        batch : FormBatch
            From :meth:`framing.text.FormBatch.build`.

        Returns
        -------
        doc, start, end, target : numpy.ndarray
            One element per mention, sorted by text, start, end and target: the text's position in
            the batch, offsets into the ORIGINAL text, and an index into ``targets``.
        """
        empty = np.zeros(0, dtype=np.int64)
        if len(batch) == 0 or self._ac is None:
            return empty, empty, empty, empty
        big = batch.text
        raw = self._ac.find_matches_as_indexes(big, overlapping=True)
        if not raw:
            return empty, empty, empty, empty
        hits = np.asarray(raw, dtype=np.int64)
        key, start, end = hits[:, 0], hits[:, 1] + 1, hits[:, 2]  # +1: skip the key's leading space
        # Expand keys to their targets.
        counts = self._ptr[key + 1] - self._ptr[key]
        rows = np.repeat(np.arange(len(key)), counts)
        offs = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
        tid = self._tids[self._ptr[key][rows] + offs]
        start, end = start[rows], end[rows]

        codes = np.concatenate((_codes(big), np.zeros(3, dtype=np.uint8)))  # room to look past the end
        end = end.copy()
        ok = np.ones(len(tid), dtype=bool)
        wild = self._wild[tid]
        sep = (codes == _SPACE) | (codes == _NL) | (codes == 0)
        if wild.any():
            seps = np.flatnonzero(sep)
            nxt = seps[np.searchsorted(seps, end[wild])]
            poss = (codes[nxt - 1] == _S) & (codes[nxt - 2] == _APOS)
            end[wild] = np.where(poss, nxt - 2, nxt)
        plain = ~wild & ~self._tail[tid]
        pe = end[plain]
        possessive = (codes[pe] == _APOS) & (codes[pe + 1] == _S) & sep[pe + 2]
        ok[plain] = sep[pe] | possessive
        for i in np.flatnonzero(self._tail[tid]):
            m = self.targets[tid[i]].tail.match(big, int(end[i]))
            if m is None:
                ok[i] = False
            else:
                e = m.end()
                end[i] = e - 2 if big.endswith("'s", 0, e) and big[e:e + 1] in (" ", "\n", "\x00") else e
        tid, start, end = tid[ok], start[ok], end[ok]
        order = np.argsort(batch.starts, kind="stable")
        seg = np.searchsorted(batch.starts[order], start, side="right") - 1
        doc = order[seg]

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
                                        self._multi_category)
        start, end = batch.to_original(doc, start, end)
        return doc, start, end, tid

    def find_text(self, text: str) -> list[tuple[int, int, Target]]:
        """Mentions in one text as ``(start, end, target)`` tuples; a convenience for exploring."""
        _, s, e, t = self.find(FormBatch.build([text]))
        return [(int(a), int(b), self.targets[k]) for a, b, k in zip(s, e, t)]


def _longest(doc, group, start, end, tid, cat_of, same_span_cats):
    """Keep, per document and group, the leftmost-longest non-overlapping matches.

    Sorted by (doc, group, start, -length, target). A candidate that starts at or after the end of
    every earlier candidate of its segment is kept without further thought; the rest form clusters
    that are resolved greedily in Python. Candidates with the same span stand or fall together; of
    them, the earliest entry is kept, or the earliest of each category where ``same_span_cats`` is
    set for the target (lexicons whose words may sit in several categories).
    """
    if len(tid) == 0:
        return doc, start, end, tid
    order = np.lexsort((tid, -(end - start), start, group, doc))
    doc, group, start, end, tid = doc[order], group[order], start[order], end[order], tid[order]
    seg = np.concatenate(([True], (doc[1:] != doc[:-1]) | (group[1:] != group[:-1])))
    seg_id = np.cumsum(seg) - 1
    span = int(end.max()) + 1
    s_shift = start + seg_id * span
    e_shift = end + seg_id * span
    prev_max = np.concatenate(([-1], np.maximum.accumulate(e_shift)[:-1]))
    free = s_shift >= prev_max
    keep = free.copy()
    if not free.all():
        # Clusters: a free row followed by non-free rows.
        bad = np.flatnonzero(~free)
        heads = np.flatnonzero(free)
        for head in np.unique(heads[np.searchsorted(heads, bad, side="right") - 1]):
            last_s, last_e = s_shift[head], e_shift[head]
            j = head + 1
            while j < len(free) and not free[j]:
                if s_shift[j] >= last_e or (s_shift[j] == last_s and e_shift[j] == last_e):
                    keep[j] = True
                    last_s, last_e = s_shift[j], e_shift[j]
                j += 1
    doc, group, start, end, tid = doc[keep], group[keep], start[keep], end[keep], tid[keep]
    # One mention per span (the earliest entry wins), or one per span and category where the
    # lexicon lets a word sit in several categories (LIWC): rows are sorted by target already.
    cat = np.where(same_span_cats[tid], cat_of[tid], -1)
    order = np.lexsort((tid, cat, end, start, group, doc))
    doc, group, start, end, tid, cat = doc[order], group[order], start[order], end[order], tid[order], cat[order]
    first = np.concatenate(([True], (doc[1:] != doc[:-1]) | (group[1:] != group[:-1]) | (start[1:] != start[:-1])
                            | (end[1:] != end[:-1]) | (cat[1:] != cat[:-1])))
    doc, start, end, tid = doc[first], start[first], end[first], tid[first]
    order = np.lexsort((tid, end, start, doc))
    return doc[order], start[order], end[order], tid[order]
