"""Whose words: quotations, attributions, scare quotes, negation and hedging.

:func:`segments` returns the regions of a text that are not in the outlet's own voice:

``quoted``
    Inside quotation marks (curly, straight, single and guillemets), including newspaper-style
    multi-paragraph quotations (a paragraph that opens a quotation and does not close it, followed by
    a paragraph that opens with a quotation mark again).
``scare_quoted``
    A short quotation (one to four words, no sentence-final punctuation inside) used as a label in the
    outlet's own sentence, not introduced by a verb of saying or naming: only a few dozen "remnant"
    fighters.
``attributed``
    Reported speech and attribution frames outside quotation marks: "X said (that) ...",
    "..., X said.", "According to X, ...", "X called/described/branded Y (as) Z", "what X calls Z",
    "X has cast himself as Z", and headline-style "X: ...".

Everything else is ``author``. The rules run over word tokens (``framing.text.word_spans``) and
sentences (``framing.sentences.sentence_spans``) with the word lists of
``lexicons/attribution.yaml`` (verbs of saying and naming, attribution phrases, negators, hedges):
no downloaded model.

A trailing "..., according to X." is deliberately *not* an attribution of wording: the outlet is
paraphrasing, and the descriptors it uses in that sentence are its own choice (in "a handful of
fighters loyal to the warlord hold the port, according to army officers", the officers would not
call their enemy's patron a warlord). A sentence-initial "According to X, ..." introduces reported
content and is attributed.

The policy has a versioned name, :data:`VOICE_POLICY`, recorded with results.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import compress
from operator import itemgetter

import numpy as np
import pandas as pd

from . import _kernels
from .sentences import _BLOCK_RE
from .text import _APOSTROPHES, _WORD_RE, sentence_spans

__all__ = ["segments", "voice_of", "VOICE_POLICY", "VOICES", "Attribution", "flags"]

# v2: hedges and negators written with hyphens ("so-called", "would-be", "self-described") match
# where the text writes them so (in v1 they never matched: the tokens split at hyphens)
VOICE_POLICY = "framing.voice.rules.v2"
VOICES = ("author", "quoted", "attributed", "scare_quoted")

_OPEN_DOUBLE = "\u201c\u00ab\u201e\u201f"
_CLOSE_DOUBLE = "\u201d\u00bb"
_OPEN_SINGLE = "\u2018\u2039"
_CLOSE_SINGLE = "\u2019\u203a"
_QUOTE_CHARS = _OPEN_DOUBLE + _CLOSE_DOUBLE + '"' + _OPEN_SINGLE + _CLOSE_SINGLE + "'"
_LINE_RE = _BLOCK_RE  # lines: what sentence splitting and quotation pairing work within
_CLAUSE_PUNCT = set(",;:()[]\u2014\u2013") | {"--"}
# punctuation sets the rules look for in the gap between two tokens
_CLAUSE_OR_DOUBLE = frozenset(_CLAUSE_PUNCT) | frozenset('"\u201c\u201d')
_CLAUSE_CHARS = "".join(sorted(c for c in _CLAUSE_OR_DOUBLE if len(c) == 1))  # ("--" is two of them)
_CLAUSE_OR_QUOTE = frozenset(_CLAUSE_PUNCT) | frozenset(_QUOTE_CHARS)
_QUOTE_SET = frozenset(_QUOTE_CHARS)
_COMMA_COLON = frozenset(",;:")
_NAMING_STOPS = frozenset(",;:()\u2014")
_TAG_STOPS = frozenset(",;:.()")
_SPEAKER_STOPS = frozenset(",.;")
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}
_PARTICLES = {"on", "for", "off", "in", "up", "out", "back", "upon"}
_AUXILIARIES = {"has", "have", "had", "is", "was", "were", "are", "be", "been", "being", "will", "would", "also",
                "shall", "should", "could", "can", "may", "might", "must", "did", "does", "do", "not", "never",
                "then", "later", "once", "again", "previously", "today", "yesterday"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our"}
_ORG_WORDS = {"army", "government", "council", "forces", "force", "brigades", "brigade", "group", "state",
              "party", "nations", "union", "ministry", "parliament", "house", "court", "agency", "committee",
              "organization", "organisation", "front", "movement", "coalition", "alliance", "office", "assembly"}


@dataclass(frozen=True)
class Attribution:
    """Word lists from the attribution lexicon, lower-cased, as tuples of words."""

    speech: frozenset
    naming: frozenset
    phrases: frozenset
    negators: frozenset
    hedges: frozenset
    # negators and hedges written with hyphens between their words ("so-called", "would-be"): as
    # a text's tokens, two words, that count only where the text joins them by hyphens too ("it
    # would be" hedges nothing)
    hyphenated: frozenset = frozenset()

    def __hash__(self) -> int:
        # Computed once and kept: a frozen dataclass hashes its six sets on every call. Not pickled
        # (:meth:`__getstate__`): str hashes differ from process to process.
        h = self.__dict__.get("_hash")
        if h is None:
            h = hash((self.speech, self.naming, self.phrases, self.negators, self.hedges, self.hyphenated))
            object.__setattr__(self, "_hash", h)
        return h

    def __getstate__(self) -> dict:
        # (the hash and the tables kept by _kept_on are made again where unpickled)
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> "Attribution":
        from .lexicon import load_lexicon

        return cls.from_lexicon(load_lexicon("attribution"))

    @classmethod
    def from_lexicon(cls, lex) -> "Attribution":
        groups: dict[str, set] = {c: set() for c in ("speech_verb", "naming_verb", "attribution_phrase", "negator", "hedge")}
        hyphenated = set()
        for e in lex.entries:
            for s in e.surfaces:
                # the words of a text's tokens (framing.text.word_spans): "so-called" is two words
                words = tuple(_norm(w) for w in _WORD_RE.findall(s))
                groups.setdefault(e.category, set()).add(words)
                if e.category in ("negator", "hedge") and len(words) > 1 and _HYPHENATED_RE.fullmatch(s.strip()):
                    hyphenated.add(words)
        hedges = groups["hedge"] | {("alleged",)}
        return cls(frozenset(groups["speech_verb"]), frozenset(groups["naming_verb"]),
                   frozenset(groups["attribution_phrase"]), frozenset(groups["negator"]), frozenset(hedges),
                   frozenset(hyphenated))


_HYPHENATED_RE = re.compile(rf"(?:{_WORD_RE.pattern})(?:-(?:{_WORD_RE.pattern}))+")


def _kept_on(fn):
    """``fn(att)`` made once for each :class:`Attribution` and kept in its ``__dict__``: the rules
    read these tables for every text, and an ``lru_cache`` keyed by the Attribution called its
    ``__hash__``, a Python method, each time (32,000 calls in 20 MB of news, 2 % of ``framing
    score``). Equal Attributions make equal tables."""
    key = "_kept_" + fn.__name__

    def kept(att):
        try:
            return att.__dict__[key]
        except KeyError:
            value = fn(att)
            att.__dict__[key] = value  # (a frozen dataclass: its __dict__ is still a dict)
            return value

    kept.__wrapped__ = fn
    kept.__name__, kept.__qualname__, kept.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    return kept


_FIRST_WORDS: dict[frozenset, frozenset] = {}


@_kept_on
def _rule_firsts(att: "Attribution") -> frozenset:
    """First words of every phrase that starts an attribution rule."""
    return _first_words(att.phrases) | _first_words(att.naming) | _first_words(att.speech)


@_kept_on
def _source_verbs(att: "Attribution") -> frozenset:
    """One-word verbs of saying, naming and denial: a speaker's noun phrase ends before them."""
    return frozenset(p[0] for p in att.speech | att.naming | att.negators if len(p) == 1)


_SHAPES: dict[frozenset, tuple[frozenset, tuple[int, ...], frozenset, frozenset]] = {}


def _phrase_shape(phrases: frozenset) -> tuple[frozenset, tuple[int, ...], frozenset, frozenset]:
    """How a set of phrases is matched (cached, as :func:`_first_words`): their first words; the
    lengths of those of two to four words (the rules read no longer ones: see
    ``_LOOKAHEAD_TOKENS``), longest first; the second words of those of two or more; the words of
    those of one. The C readings of the rules look a first word's next word up in the second
    words before they make a tuple of words for each length (a tuple made and looked up for each
    length was a third of reading the rules)."""
    got = _SHAPES.get(phrases)
    if got is None:
        got = _SHAPES[phrases] = (_first_words(phrases),
                                  tuple(sorted({len(p) for p in phrases if 1 < len(p) <= 4}, reverse=True)),
                                  frozenset(p[1] for p in phrases if len(p) > 1),
                                  frozenset(p[0] for p in phrases if len(p) == 1))
    return got


def _first_words(phrases: frozenset) -> frozenset:
    """First words of a set of phrases (cached): most tokens are rejected by one set lookup."""
    got = _FIRST_WORDS.get(phrases)  # a frozenset caches its hash: the lookup is cheap
    if got is None:
        got = _FIRST_WORDS[phrases] = frozenset(p[0] for p in phrases)
    return got




_TO_APOSTROPHE = str.maketrans(dict.fromkeys(_APOSTROPHES, "'"))


def _norm(word: str) -> str:
    """``word`` lower-cased, every apostrophe "'" (one ``translate`` where the word has a
    character other than ASCII or a "`": a ``replace`` per apostrophe for every word was half of
    cleaning a source, which ``framing score`` does 20,000 times per 20 MB of news)."""
    w = word.lower()
    return w if w.isascii() and "`" not in w else w.translate(_TO_APOSTROPHE)


class _Words:
    """``words(start, end)``: the word of the token ``text[start:end]``, lower-cased with every
    apostrophe "'": a slice of the text lower-cased once, or, where lower case changes the text's
    length ("İ"), of the token alone. Only a capital sigma's lower case depends on the characters
    around it (final "ς" or "σ"), so the text is lower-cased (on the first call for a token with
    one) only for such a token: lower-casing a whole text for one word with an "é" cost 1 % of
    ``framing score``."""

    __slots__ = ("text", "low")

    def __init__(self, text: str):
        self.text = text
        self.low: str | None | bool = False  # (False: not made yet)

    def __call__(self, start: int, end: int) -> str:
        if self.low is False:
            token = self.text[start:end]
            if "\u03a3" not in token:
                return _norm(token)
            low = self.text.lower()
            if len(low) == len(self.text):
                for a in _APOSTROPHES:  # one pass per apostrophe variant present (str.replace is C)
                    if a in low:
                        low = low.replace(a, "'")
                self.low = low
            else:
                self.low = None
        return self.low[start:end] if self.low is not None else _norm(self.text[start:end])


class _Doc:
    """Tokens and sentences of one text, with helpers for the rules.

    Parameters
    ----------
    text : str
    att : Attribution
    around : list of int, optional
        Offsets of the first, middle and last character of every mention to attribute. When given,
        only the lines that the rules read for them are split into sentences (:func:`_focus`), and
        only the sentences that the rules read are tokenised (:func:`_sentence_regions`): every
        rule stays within the sentence of a mention or of a quotation's end (and looks at most
        three tokens past its end), so the voices found are those of the whole text. None: the
        whole text.
    sents : list of (int, int), optional
        The sentence spans of the whole text, when already computed (the sentence index).
    """

    def __init__(self, text: str, att: Attribution, around: list[int] | None = None,
                 sents: list[tuple[int, int]] | None = None):
        self.text = text
        self.att = att
        self._quotes: list[tuple[int, int]] | None = None
        self._first: dict[int, int] = {}  # token index -> end of the token before it, where that
        # token was not tokenised (the first token of a region); -1: no token before it
        if around is not None and not isinstance(around, list):
            around = list(around)
        focus = None if around is None else _focus(text, self.quotes, around)
        if focus is not None:
            points, lines = focus
            self.sents = _starting_in(sents, lines) if sents is not None else sentence_spans(text, points)
            if not _all_inside(self.sents, points):
                focus = None  # a quotation's end between two sentences: the rules read on there
        self._words: list[str] | None = None  # (made when first read: :attr:`words`)
        self._low = _Words(text)
        # indexes of the tokens whose word may start a negator, a hedge or an attribution rule (the
        # flags and the rules read only those)
        self.marks = _mark_firsts(att)
        self.hits: list[int] = []
        if focus is None:  # the whole text
            self.regions = None
            spans = [(0, len(text))]
            self.sents = sents if sents is not None else sentence_spans(text)
        else:
            self.regions = spans = _sentence_regions(text, self.sents, around, self.quotes)
        # A word is its token lower-cased, every apostrophe "'": made in C for tokens of ASCII
        # characters and apostrophes, by _Words (the text lower-cased once, when first needed) for
        # the rest (24 of 328,000 tokens of news text: most texts are never lower-cased). Here only
        # the hits are found; the words are made where read (:attr:`words`, :meth:`_words_arg`).
        # (and the end of the token before each region, where it starts after 0, into _first)
        # Token i is text[starts[i]:ends[i]], its word words[i]: two sequences of offsets, not a tuple
        # per token (a tuple each was a twentieth of score); in C, views of one bytes object that the
        # C readings of the rules read in place, else lists.
        self.starts, self.ends = _kernels.token_table(text, spans, self._low, self._first, self.marks, self.hits)

    @property
    def words(self) -> list[str]:
        """The word of every token (made on first read: the C readings of the rules make only the
        words they read, and making them all was a third of tokenising)."""
        if self._words is None:
            self._words = _kernels.token_words(self.text, self.starts, self.ends, self._low)
        return self._words

    def _words_arg(self):
        """The words as the C readings of the rules take them: the list once made (a caller may
        have changed it), else what they need to make each word they read."""
        return self._words if self._words is not None else _kernels.lazy_words(self._low)

    @property
    def tokens(self) -> list[tuple[int, int]]:
        """The ``(start, end)`` of every token (made on each call: the rules read ``starts`` and ``ends``)."""
        return list(zip(self.starts, self.ends))

    def prev_end(self, i: int) -> int:
        """End offset of the token before token ``i`` in the text (-1: none), whether tokenised or not."""
        if i in self._first:
            return self._first[i]
        return self.ends[i - 1] if i > 0 else -1

    @property
    def quotes(self) -> list[tuple[int, int]]:
        """Quotation regions of the text (computed once)."""
        if self._quotes is None:
            self._quotes = _quote_regions(self.text)
        return self._quotes

    def tok_index(self, pos: int) -> int:
        """Index of the first token starting at or after ``pos``."""
        return bisect_right(self.starts, pos - 1)

    def match_at(self, i: int, phrases, hyphenated: frozenset = frozenset()) -> int:
        """Length in tokens of the longest phrase of ``phrases`` starting at token ``i`` (0: none).

        A word that is the second part of a hyphenated compound ("self-styled") never matches; a
        phrase of ``hyphenated`` matches only where hyphens join its words in the text.
        """
        words = self.words
        if i >= len(words):
            return 0
        firsts, lengths = _phrase_shape(phrases)[:2]
        w = words[i]
        if w not in firsts:
            return 0  # (most calls)
        if i > 0 and self.text[self.starts[i] - 1] == "-" and self.gap_before(i) == "-":
            return 0
        for n in lengths:  # the longest first; a phrase must not run across punctuation
            if i + n <= len(words) and (p := tuple(words[i:i + n])) in phrases and all(self._joined(i + k) for k in range(1, n)):
                if p in hyphenated and not all(self.gap_before(i + k) == "-" for k in range(1, n)):
                    continue
                return n
        return 1 if (w,) in phrases else 0

    def _joined(self, i: int) -> bool:
        if i in self._first:  # the token before it was not tokenised: a phrase never runs over it
            return False
        gap = self.text[self.ends[i - 1]:self.starts[i]]
        return gap.strip() == "" or gap == "-"

    def gap_before(self, i: int) -> str:
        """The text between token ``i`` and the token before it (from the start of the text when
        there is none)."""
        a = self._first[i] if i in self._first else (self.ends[i - 1] if i > 0 else 0)
        return self.text[a if a > 0 else 0:self.starts[i]]


# Quotation marks that can count: every double mark, and a single mark unless it stands between
# two letters or digits (an apostrophe inside a word; [^\W_] is what str.isalnum() accepts). The
# pattern starts with the marks themselves, so the regular expression engine skips to them.
_DOUBLES = re.escape(_OPEN_DOUBLE + _CLOSE_DOUBLE + '"')
_MARK_RE = re.compile(f"[{re.escape(_QUOTE_CHARS)}](?:(?<=[{_DOUBLES}])|(?<![^\\W_].)|(?![^\\W_]))")
# a line that is not blank (what sentence splitting and quotation pairing work within)
_TEXT_LINE_RE = re.compile(r"[^\S\n\r\u2028\u2029]*\S[^\n\r\u2028\u2029]*")


def _mark(text: str, q: int, la: int, lb: int) -> tuple[int, str, str] | None:
    """The quotation mark at ``text[q]``, in the line ``text[la:lb]``, as ``(position in the line,
    "open"|"close", "d"|"s")``, or None for an apostrophe.

    Curly marks and guillemets say which they are; a straight mark opens when it follows a space or
    an opening bracket and precedes a non-space, and closes otherwise. Single marks count only where
    they cannot be an apostrophe (not between two letters, not after a letter when opening).
    """
    ch, p = text[q], q - la
    prev = text[q - 1] if q > la else " "
    nxt = text[q + 1] if q + 1 < lb else " "
    if ch in _OPEN_DOUBLE:
        return p, "open", "d"
    if ch in _CLOSE_DOUBLE:
        return p, "close", "d"
    if ch == '"':
        opening = (prev.isspace() or prev in _BEFORE_DOUBLE_OPEN) and not nxt.isspace()
        return p, "open" if opening else "close", "d"
    if prev.isalnum() and nxt.isalnum():
        return None  # an apostrophe inside a word
    if ch in _OPEN_SINGLE or (ch == "'" and (prev.isspace() or prev in _BEFORE_SINGLE_OPEN) and nxt.isalnum()):
        return p, "open", "s"
    if (ch in _CLOSE_SINGLE or ch == "'") and not prev.isspace() and not nxt.isalnum():
        return p, "close", "s"
    return None


_BEFORE_DOUBLE_OPEN = "([{\u2014\u2013-/"  # what may stand before a straight double mark that opens
_BEFORE_SINGLE_OPEN = "([\u201c\""  # ... and before a straight single mark that opens


def _quote_regions(text: str) -> list[tuple[int, int]]:
    """Quotation regions ``[start, end)`` including their quotation marks (outermost only): see
    :func:`_quote_regions_py`, which the C function of ``framing._ckernels`` follows (tests compare
    both) and which runs where the extension is not built."""
    got = _kernels.quote_regions(text, _OPEN_DOUBLE, _CLOSE_DOUBLE, _OPEN_SINGLE, _CLOSE_SINGLE,
                                 _BEFORE_DOUBLE_OPEN, _BEFORE_SINGLE_OPEN)
    return got if got is not None else _quote_regions_py(text)


def _quote_regions_py(text: str) -> list[tuple[int, int]]:
    """Quotation regions ``[start, end)`` including their quotation marks (outermost only).

    Marks pair up within a paragraph (nested quotations inside). A double quotation left open at the
    end of a paragraph runs on into the next paragraphs when a later paragraph opens with a quotation
    mark (newspaper convention) or closes it before opening another; otherwise it ends with its
    paragraph. A closing mark with no opening one closes a quotation that began at the paragraph
    start or after the last closed quotation.

    The marks are found in the whole text at once and handed to their paragraphs; only paragraphs
    with marks, and those after a quotation left open, are looked at (most have none).
    """
    regions: list[tuple[int, int]] = []
    lines = [m.span() for m in _TEXT_LINE_RE.finditer(text)]
    marks: dict[int, list] = {}  # paragraph index -> its marks, in order
    n = 0
    for m in _MARK_RE.finditer(text):
        q = m.start()
        while lines[n][1] <= q:
            n += 1
        got = _mark(text, q, *lines[n])
        if got is not None:
            marks.setdefault(n, []).append(got)

    def lead(n: int) -> int:  # the paragraph's leading spaces
        a, b = lines[n]
        return len(text[a:b]) - len(text[a:b].lstrip())

    def continues(n: int) -> bool:
        for j in range(n + 1, min(n + 5, len(lines))):
            doubles = [x for x in marks.get(j, ()) if x[2] == "d"]
            if doubles:
                return doubles[0][1] == "close" or (doubles[0][0] == lead(j) and doubles[0][1] == "open")
        return False

    pending = None  # start of a double quotation running on from an earlier paragraph
    todo = iter(sorted(marks))
    n = -1
    while True:
        if pending is not None:  # the next paragraph, marks or not
            n += 1
            if n == len(lines):
                break
        else:  # the next paragraph with marks
            n = next((k for k in todo if k > n), None)
            if n is None:
                break
        la, lb = lines[n]
        mk = marks.get(n, ())
        stack: list[tuple[int, str]] = []
        if pending is not None:
            if mk and mk[0] == (lead(n), "open", "d"):  # the paragraph reopens the quotation
                regions.append((pending, la))
            else:
                stack = [(pending, "d")]
            pending = None
        last_close = la
        for p, kind, q in mk:
            pos = la + p
            if kind == "open":
                stack.append((pos, q))
                continue
            idx = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][1] == q), None)
            if idx is not None:
                start = stack[idx][0]
                del stack[idx:]
                if not stack:
                    regions.append((start, pos + 1))
                    last_close = pos + 1
            elif q == "d" and not stack:
                regions.append((last_close, pos + 1))
                last_close = pos + 1
            # an unmatched single closing mark is an apostrophe (rebels'): ignored
        doubles = [st for st, sq in stack if sq == "d"]
        if doubles:
            if continues(n):
                pending = doubles[0]
            else:
                regions.append((doubles[0], lb))
    if pending is not None:
        regions.append((pending, lines[-1][1]))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(regions):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _clause_start(d: _Doc, i: int, sent_start: int) -> int:
    """Token index where the clause holding token ``i`` starts: after the last gap between two
    tokens of its sentence, up to token ``i``, that holds clause punctuation or a double quotation
    mark; the sentence's first token when none does.

    (The gaps are the text between tokens, where all punctuation is: the last such character
    before token ``i`` is found in the text, not by walking back a token at a time.)
    """
    first = d.tok_index(sent_start)  # the sentence's first token
    if i <= first:
        return i
    lo, hi = d.ends[first], d.starts[i]
    at = max(d.text.rfind(c, lo, hi) for c in _CLAUSE_CHARS)
    return bisect_right(d.starts, at) if at >= 0 else first


_NP_LEAD = frozenset({"and", "but", "as", "which", "who", "that", "while", "when", "what"})  # not a subject's first word
_LEAD_CONJ = frozenset({"but", "and", "yet"})  # may stand before "according to" at a sentence's start


def _noun_phrase_before(d: _Doc, i: int, sent_start: int, max_words: int = 6) -> tuple[int, int] | None:
    """Token range of the subject-like phrase ending before token ``i`` (a speech verb)."""
    j = i
    while j > 0 and i - j < max_words and d.starts[j - 1] >= sent_start:
        gap = d.gap_before(j)
        if not _CLAUSE_OR_QUOTE.isdisjoint(gap):
            break
        j -= 1
    while j < i and d.words[j] in _NP_LEAD:
        j += 1
    k = i
    while k > j and (d.words[k - 1] in _AUXILIARIES or d.words[k - 1].endswith("ly")):
        k -= 1
    return (j, k) if j < k else None


def _phrase_text(d: _Doc, rng: tuple[int, int] | None) -> str:
    if rng is None:
        return ""
    a, b = rng
    return d.text[d.starts[a]:d.ends[b - 1]]


def _attributions(d: _Doc, quotes: list[tuple[int, int]], sents: list[tuple[int, int]] | None = None
                  ) -> list[tuple[int, int, str, str]]:
    """Attributed regions ``(start, end, source, rule)`` outside quotation marks, found in the
    sentences ``sents`` (default: all of ``d``'s). A region lies within the sentence whose rules
    found it. The rules run in C where the extension is built (a fifth of ``framing score`` in
    Python), else as :func:`_attributions_py`, which is what they do and the reference the tests
    compare the C reading with."""
    got = _kernels.attributions(d.text, d.starts, d.ends, d._words_arg(), d._first, list(quotes),
                                list(d.sents if sents is None else sents), _rule_tables(d.att),
                                d.hits if d.marks is _mark_firsts(d.att) else None)
    return _attributions_py(d, quotes, sents) if got is _kernels.NOT_BUILT else got


def _single_chars(chars) -> str:
    """The one-character members of a set of marks as one str, the C readings' character sets
    ("--" is never one character)."""
    return "".join(sorted(c for c in chars if len(c) == 1))


@_kept_on
def _rule_tables(att: Attribution) -> tuple:
    """The word sets and character sets the C reading of the rules looks words and gaps up in."""
    shapes = [(p, *_phrase_shape(p)) for p in (att.phrases, att.naming, att.speech)]
    return (*[x for shape in shapes for x in shape], _rule_firsts(att), frozenset(_PARTICLES), frozenset(_PRONOUNS),
            frozenset(_AUXILIARIES), _NP_LEAD, _LEAD_CONJ, _single_chars(_CLAUSE_OR_QUOTE), _CLAUSE_CHARS,
            _single_chars(_COMMA_COLON), _single_chars(_NAMING_STOPS), _single_chars(_QUOTE_SET))


def _attributions_py(d: _Doc, quotes: list[tuple[int, int]], sents: list[tuple[int, int]] | None = None
                     ) -> list[tuple[int, int, str, str]]:
    """:func:`_attributions` in Python."""
    out = []
    att = d.att
    in_quote = np.zeros(len(d.starts), dtype=bool)
    for qa, qb in quotes:
        in_quote[d.tok_index(qa):d.tok_index(qb)] = True
    firsts = _rule_firsts(att)
    cands = list(compress(range(len(d.words)), map(firsts.__contains__, d.words)))  # (C loops)
    # (a candidate is tried by each rule whose phrases its word can start: most start one of them)
    phrase_firsts, naming_firsts, speech_firsts = (_first_words(x) for x in (att.phrases, att.naming, att.speech))
    for sa, sb in d.sents if sents is None else sents:
        ti, tj = d.tok_index(sa), d.tok_index(sb)
        if ti >= tj:
            continue
        # headline style "X: ..." at the start of a line (only where a colon follows among its
        # first words: the gaps between them lie in that stretch of text)
        last = min(ti + 5, tj - 1)
        at_line_start = (sa == 0 or d.text[sa - 1] in "\n\r") and last > ti
        for k in range(ti, last if at_line_start and ":" in d.text[d.ends[ti]:d.starts[last]] else ti):
            gap = d.gap_before(k + 1)
            if gap.strip() == ":":
                if d.text[d.starts[ti]].isupper():
                    out.append((d.starts[k + 1], sb, _phrase_text(d, (ti, k + 1)), "headline"))
                break
            if gap.strip():
                break
        i = ti
        last_subject = ""
        # only tokens that can start a rule's phrase (found once per text) are looked at: what the
        # rules skip over is every other token, one at a time
        for cand in cands[bisect_left(cands, ti):bisect_left(cands, tj)]:
            if cand < i:
                continue  # inside a phrase matched before
            i = cand
            if in_quote[i]:
                continue
            w = d.words[i]
            n = d.match_at(i, att.phrases) if w in phrase_firsts else 0
            if n:  # "According to X, CLAUSE" at the start of a sentence
                if i == ti or (i == ti + 1 and d.words[ti] in _LEAD_CONJ):
                    k = i + n
                    while k < tj and _COMMA_COLON.isdisjoint(d.gap_before(k)):
                        k += 1
                    if k < tj:
                        out.append((d.starts[k], sb, _phrase_text(d, (i + n, k)), "according_to"))
                i += n
                continue
            n = d.match_at(i, att.naming) if w in naming_firsts else 0
            if n and i + n < tj and d.words[i + n] in _PARTICLES:
                n = 0  # "called on", "called for": not naming
            if n:  # "X called Y (as) Z", "calling Y as Z", "what X calls Z": to the end of the clause
                k = i + n
                while k < tj and _NAMING_STOPS.isdisjoint(d.gap_before(k)) and not in_quote[k]:
                    k += 1
                if k > i + n:
                    subj = _noun_phrase_before(d, i, sa)
                    src = _phrase_text(d, subj)
                    if (subj is None or "," in d.gap_before(i)) and d.words[i].endswith("ing"):
                        src = last_subject or (d.text[d.starts[ti]:d.ends[ti]]
                                               if d.words[ti] in _PRONOUNS else src)
                    out.append((d.starts[i + n], d.ends[k - 1], src, "naming"))
                    last_subject = src or last_subject
                i += n
                continue
            n = d.match_at(i, att.speech) if w in speech_firsts else 0
            if n:
                subj = _noun_phrase_before(d, i, sa)
                after = i + n
                gap_after = d.gap_before(after) if after < tj else ""
                trailing_tag = i > ti and "," in d.gap_before(subj[0] if subj else i) and (
                    after >= tj or gap_after.strip() in (".", "")) and tj - i <= 8
                if trailing_tag or (subj is None and i > ti and "," in d.gap_before(i)):
                    # "CLAUSE, X said." / "CLAUSE, said X.": the clause before the tag
                    tag_start = subj[0] if subj else i
                    clause = _clause_start(d, tag_start - 1, sa) if tag_start > ti else ti
                    while clause > ti and not in_quote[clause - 1]:
                        clause = _clause_start(d, clause - 1, sa)
                    if tag_start > clause:
                        src = subj if subj else ((after, tj) if after < tj else None)
                        out.append((d.starts[clause], d.ends[tag_start - 1], _phrase_text(d, src), "speech_tag"))
                elif after < tj and _QUOTE_SET.isdisjoint(gap_after) and subj is not None:
                    # "X said (that) CLAUSE": to the end of the sentence
                    if not in_quote[after]:
                        body = after + 1 if d.words[after] == "that" and after + 1 < tj else after
                        out.append((d.starts[body], sb, _phrase_text(d, subj), "reported_speech"))
                i += n
                continue
            i += 1
    return out


def _scare(d: _Doc, qa: int, qb: int) -> bool:
    """Whether the quotation ``[qa, qb)`` is a scare quote (see the module docstring)."""
    inner = d.text[qa + 1:qb - 1].strip()
    if _SCARE_WORDS_RE.fullmatch(inner) is None:  # (1 to 4 words, else not a scare quote)
        return False
    if _PARTIAL_END_RE.search(inner.rstrip("\u201d\"'\u2019 ")) or qb - 1 < qa + 1:
        return False  # a quotation ending in a full stop or comma is a partial quotation of a source
    i = d.tok_index(qa)
    sent = _sentence_at(d.sents, qa) or (0, len(d.text))
    # a whole sentence or line in quotation marks is a quotation
    before = d.text[sent[0]:qa].strip()
    after = d.text[qb:sent[1]].strip(" .,;:!?")
    if not before and not after:
        return False
    # introduced by a verb of saying or naming (or "as") earlier in the sentence: a partial quote
    speech_firsts, naming_firsts = _first_words(d.att.speech), _first_words(d.att.naming)
    for k in range(max(0, i - 12), i):
        if d.starts[k] < sent[0]:
            continue
        w = d.words[k]
        if ((w in speech_firsts and d.match_at(k, d.att.speech)) or (w in naming_firsts and d.match_at(k, d.att.naming))
                or (w == "as" and k >= i - 3)):
            return False
    # followed by a speech tag (""X," said Y")
    j = d.tok_index(qb)
    for k in range(j, min(j + 6, len(d.starts))):
        if d.starts[k] >= sent[1] or (k > j and not _TAG_STOPS.isdisjoint(d.gap_before(k))):
            break
        if d.match_at(k, d.att.speech):
            return False
    return True


# One to four words (runs of word characters joined by apostrophes; tests count them with finditer):
# possessive, so that a long quotation fails at its fifth word without backtracking into its words.
_SCARE_WORDS_RE = re.compile(r"\W*+(?:\w++(?:['\u2019]\w++)*+\W*+){1,4}+")
_PARTIAL_END_RE = re.compile(r"[.!?,]$")


def _quote_roles(d: _Doc, quotes: list[tuple[int, int]], held: list[bool]) -> tuple[list[bool], list[str]]:
    """Whether each quotation is a scare quote (:func:`_scare`), and the speaker of each other one
    whose ``held`` is true (:func:`_quote_source`; "" for the rest): in C where the extension is
    built (:func:`framing._kernels.quote_roles`; a sixth of ``framing score`` with 2,000 terms in
    Python), else :func:`_quote_roles_py`, the reference the tests compare the C reading with."""
    got = _kernels.quote_roles(d.text, d.starts, d.ends, d._words_arg(), d._first, list(d.sents), list(quotes), held,
                               _quote_tables(d.att))
    return _quote_roles_py(d, quotes, held) if got is _kernels.NOT_BUILT else got


def _quote_roles_py(d: _Doc, quotes: list[tuple[int, int]], held: list[bool]) -> tuple[list[bool], list[str]]:
    """:func:`_quote_roles` in Python."""
    scare = [_scare(d, *q) for q in quotes]
    return scare, [_quote_source(d, *q) if h and not x else "" for q, x, h in zip(quotes, scare, held)]


@_kept_on
def _quote_tables(att: Attribution) -> tuple:
    """The phrase and word sets and the character sets the C reading of :func:`_quote_roles_py` uses."""
    return (att.speech, *_phrase_shape(att.speech), att.naming, *_phrase_shape(att.naming), _single_chars(_TAG_STOPS),
            _single_chars(_SPEAKER_STOPS), _single_chars(_CLAUSE_OR_QUOTE), _NP_LEAD, frozenset(_AUXILIARIES))


def _sentence_at(sents: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    """The sentence of the sorted, disjoint ``sents`` that holds ``pos`` (None: none does)."""
    k = bisect_right(sents, (pos, _AFTER_ALL)) - 1
    return sents[k] if k >= 0 and sents[k][0] <= pos < sents[k][1] else None


_AFTER_ALL = float("inf")


def _person_referent(name: str) -> bool:
    words = name.split()
    return len(words) >= 2 and all(w[:1].isupper() for w in words) and not any(w.lower() in _ORG_WORDS for w in words)


def segments(text: str, *, attribution: Attribution | None = None, referents: list[tuple[int, str]] | None = None) -> pd.DataFrame:
    """Regions of ``text`` that are not in the outlet's own voice.

    Parameters
    ----------
    text : str
    attribution : Attribution, optional
        Word lists; by default those of the shipped ``attribution`` lexicon.
    referents : list of (offset, name), optional
        Offsets of person names mentioned in the text; a pronoun source ("he said") is resolved to
        the last one before it.

    Returns
    -------
    DataFrame
        Columns ``start``, ``end`` (offsets into ``text``), ``voice`` (``quoted``, ``attributed`` or
        ``scare_quoted``) and ``source`` (the speaker read from the attribution, or empty). Regions
        do not overlap and are sorted; quotations take precedence over attributions.

    Examples
    --------
    >>> segments('Only "remnant" fighters remain, the army said.').values.tolist()
    [[0, 30, 'attributed', 'the army'], [5, 14, 'scare_quoted', '']]
    """
    att = attribution or Attribution.default()
    d = _Doc(text, att)
    df = pd.DataFrame(_segments(d, referents), columns=["start", "end", "voice", "source"])
    return df.astype({"start": np.int64, "end": np.int64})


def _focus(text: str, quotes: list[tuple[int, int]], around) -> tuple[list[int], list] | None:
    """:func:`_focus_py` in C where the extension is built (tests compare both)."""
    got = _kernels.focus(text, quotes, list(around))
    return _focus_py(text, quotes, around) if got is _kernels.NOT_BUILT else got


def _focus_py(text: str, quotes: list[tuple[int, int]], around) -> tuple[list[int], list] | None:
    """The lines voice attribution must split into sentences for mentions covering the offsets
    ``around`` (each mention's first, middle and last character): ``(points, lines)``, the sorted
    points with the quotation ends added, or None when only the whole text gives the same voices.

    The lines are those holding a point, and the first and last character of every quotation that
    holds a point or overlaps one of those lines (its speaker is read around its ends, and whether it
    is a scare quote from the sentence it opens in). A quotation that ends on a line break (a
    paragraph that runs on into a reopened quotation) has an end outside every sentence, where the
    rules read on regardless of lines: then the whole text is read (:class:`_Doc` also reads the
    whole text when an end falls between two sentences of a line).
    """
    points = set(map(int, around))
    blocks = [m.span() for m in _LINE_RE.finditer(text)]
    while True:
        srt = sorted(points)
        lines = _holding(blocks, srt)
        added = set()
        for qa, qb in quotes:
            if qb <= qa:
                continue  # (an empty span holds and overlaps nothing)
            k = bisect_left(srt, qa)
            if (k < len(srt) and srt[k] < qb) or _overlaps(lines, qa, qb):
                added.update((qa, qb - 1))
        if added <= points:
            break
        points |= added
    if not _all_inside(lines, srt):
        return None  # a quotation's end (or a mention's middle) on a line break
    return srt, lines


def _holding(blocks: list[tuple[int, int]], points: list[int]) -> list[tuple[int, int]]:
    """The blocks (sorted, disjoint) that hold one of the sorted ``points``: in C where the
    extension is built, else :func:`_holding_py`."""
    if _kernels._ckernels is not None and type(blocks) is list and type(points) is list:
        return _kernels._ckernels.holding(blocks, points)
    return _holding_py(blocks, points)


def _holding_py(blocks: list[tuple[int, int]], points: list[int]) -> list[tuple[int, int]]:
    """:func:`_holding` in Python."""
    out, k = [], 0
    for a, b in blocks:
        k = bisect_left(points, a, k)
        if k == len(points):
            break
        if points[k] < b:
            out.append((a, b))
    return out


_LOOKAHEAD_TOKENS = 3  # a phrase of the attribution lexicon has at most 4 words


def _sentence_regions(text: str, sents: list[tuple[int, int]], points: list[int],
                      quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """:func:`_sentence_regions_py` in C where the extension is built (tests compare both);
    ``points`` in any order, repeated or not (the C reading sorts them)."""
    got = _kernels.sentence_regions(text, sents, points, quotes, _LOOKAHEAD_TOKENS)
    return _sentence_regions_py(text, sents, sorted(set(points)), quotes) if got is _kernels.NOT_BUILT else got


def _sentence_regions_py(text: str, sents: list[tuple[int, int]], points: list[int],
                         quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``text`` to tokenise for mentions covering the sorted ``points``: the sentences
    (of ``sents``) that hold a point, and those that hold an end of a quotation that holds a point
    or overlaps one of those sentences (a quotation's speaker is read around its ends, and whether it
    is a scare quote in the sentence it opens in); each with the first tokens after it (the rules
    match phrases of up to four words that may start at a sentence's last word), overlapping parts
    merged. These are all the sentences that :func:`_segments`, :func:`flags` and
    ``framing.descriptors.extract`` read for those mentions."""
    held = _holding(sents, points)
    ends = sorted({e for qa, qb in quotes if qb > qa and (_holds((qa, qb), points) or _overlaps(held, qa, qb))
                   for e in (qa, qb - 1)})
    chosen = sorted(set(held) | set(_holding(sents, ends))) if ends else held
    regions: list[tuple[int, int]] = []
    for a, b in chosen:
        end, got = len(text), 0
        for m in _WORD_RE.finditer(text, b):
            got += 1
            if got == _LOOKAHEAD_TOKENS:
                end = m.end()
                break
        if regions and a <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(end, regions[-1][1]))
        else:
            regions.append((a, end))
    return regions


def _all_inside(spans: list[tuple[int, int]], points: list[int]) -> bool:
    """Whether every one of the sorted ``points`` falls in one of the sorted, disjoint ``spans``
    (one walk over both: a bisection per point cost more than the rules of some texts; in C where
    the extension is built)."""
    if _kernels._ckernels is not None:
        return _kernels._ckernels.all_inside(spans, points)
    return _all_inside_py(spans, points)


def _all_inside_py(spans: list[tuple[int, int]], points: list[int]) -> bool:
    """:func:`_all_inside` in Python."""
    k, n = 0, len(spans)
    for p in points:
        while k < n and spans[k][1] <= p:
            k += 1
        if k == n or p < spans[k][0]:
            return False
    return True


def _starting_in(spans: list[tuple[int, int]], within: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sorted ``spans`` that start inside one of the sorted, disjoint spans ``within``: in C
    where the extension is built (a twentieth of ``framing score`` with 2,000 terms in Python),
    else :func:`_starting_in_py`."""
    if _kernels._ckernels is not None and type(spans) is list and type(within) is list:
        return _kernels._ckernels.starting_in(spans, within)
    return _starting_in_py(spans, within)


def _starting_in_py(spans: list[tuple[int, int]], within: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """:func:`_starting_in` in Python."""
    out, k, n = [], 0, len(within)
    for a, b in spans:
        while k < n and within[k][1] <= a:
            k += 1
        if k == n:
            break
        if within[k][0] <= a:
            out.append((a, b))
    return out


def _overlaps(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    """Whether ``[a, b)`` overlaps one of the sorted, disjoint ``spans``."""
    k = bisect_right(spans, (a, _AFTER_ALL))
    return (k > 0 and spans[k - 1][1] > a) or (k < len(spans) and spans[k][0] < b)


def _holds(span: tuple[int, int], points: list[int]) -> bool:
    """Whether ``[a, b)`` holds one of the sorted ``points``."""
    k = bisect_left(points, span[0])
    return k < len(points) and points[k] < span[1]


def _segments(d: _Doc, referents=None, points: list[int] | None = None) -> list[tuple[int, int, str, str]]:
    """The segment rows of :func:`segments`; with ``points`` (sorted offsets), only those that can
    hold one of them, and their sources: the voices and sources that :func:`voice_of` gives for
    spans whose middle characters are ``points`` are those of all rows.

    An attributed region lies within the sentence whose rules found it, so only the sentences
    holding a point are read; a quotation changes those sentences' regions (it stops them, and
    is cut out of them) or holds a point itself, or changes nothing; and a source (a quotation's
    speaker, an attribution's source) is read and cleaned only for rows holding a point (the
    others have an empty source).
    """
    quotes = d.quotes
    sents = None
    if points is not None:
        sents = _holding(d.sents, points)
        quotes, held = _near_quotes(quotes, sents, points)
    else:
        if d.regions is not None:  # quotations away from every mention change no voice
            quotes = [q for q in quotes if _overlaps(d.regions, *q)]
        held = [True] * len(quotes)
    is_scare, speakers = _quote_roles(d, quotes, held)
    real = [q for q, x in zip(quotes, is_scare) if not x]
    rows = _segment_rows(quotes, is_scare, speakers, _attributions(d, real, sents), points, d.att)
    if referents:  # a pronoun as the source: the person mentioned last before the row
        starts = [o for o, _ in referents]
        rows = [(a, b, v, _resolve(src, a, starts, referents)) if src else (a, b, v, src) for a, b, v, src in rows]
    return rows


def _near_quotes(quotes: list[tuple[int, int]], sents: list[tuple[int, int]], points: list[int]
                 ) -> tuple[list[tuple[int, int]], list[bool]]:
    """The quotations that overlap one of the sorted, disjoint ``sents`` or hold one of the sorted
    ``points`` (the others change no voice there), and whether each holds a point: in C where the
    extension is built, else :func:`_near_quotes_py`."""
    if _kernels._ckernels is not None and type(quotes) is list and type(sents) is list and type(points) is list:
        return _kernels._ckernels.near_quotes(quotes, sents, points)
    return _near_quotes_py(quotes, sents, points)


def _near_quotes_py(quotes: list[tuple[int, int]], sents: list[tuple[int, int]], points: list[int]
                    ) -> tuple[list[tuple[int, int]], list[bool]]:
    """:func:`_near_quotes` in Python."""
    kept = [q for q in quotes if _overlaps(sents, *q) or _holds(q, points)]
    return kept, [_holds(q, points) for q in kept]


def _segment_rows(quotes: list[tuple[int, int]], is_scare: list[bool], speakers: list[str],
                  attributed: list[tuple[int, int, str, str]], points: list[int] | None,
                  att: Attribution) -> list[tuple[int, int, str, str]]:
    """Segment rows ``(start, end, voice, source)`` sorted by span: the quotations that are not
    scare quotes (``quoted``, their speaker), the ``attributed`` regions less those quotations
    (quotations take precedence), the scare quotes; a source is cleaned (:func:`_clean_source`)
    where its row holds one of the sorted ``points`` (None: every row), else empty. In C where the
    extension is built (a fifth of ``framing score`` with 2,000 terms in Python), else
    :func:`_segment_rows_py`."""
    if _kernels._ckernels is not None and all(type(x) is list for x in (quotes, is_scare, speakers, attributed)) \
            and (points is None or type(points) is list):
        return _kernels._ckernels.segment_rows(quotes, is_scare, speakers, attributed, points, _cleaner(att))
    return _segment_rows_py(quotes, is_scare, speakers, attributed, points, att)


def _segment_rows_py(quotes: list[tuple[int, int]], is_scare: list[bool], speakers: list[str],
                     attributed: list[tuple[int, int, str, str]], points: list[int] | None,
                     att: Attribution) -> list[tuple[int, int, str, str]]:
    """:func:`_segment_rows` in Python."""
    rows = []
    for (qa, qb), x, src in zip(quotes, is_scare, speakers):
        if not x:
            rows.append((qa, qb, "quoted", src))
    # attributed regions minus quotations (quotations take precedence)
    real = [q for q, x in zip(quotes, is_scare) if not x]
    real_starts = [qa for qa, _ in real]  # (sorted and disjoint: the quotations a region overlaps are a slice)
    for a, b, src, _rule in attributed:
        holes = real[max(bisect_right(real_starts, a) - 1, 0):bisect_left(real_starts, b)]
        if not holes:  # (most regions)
            if b > a:
                rows.append((a, b, "attributed", src))
            continue
        for piece in _subtract((a, b), holes):
            rows.append((piece[0], piece[1], "attributed", src))
    for (qa, qb), x in zip(quotes, is_scare):
        if x:
            rows.append((qa, qb, "scare_quoted", ""))
    # a source is read only where a segment holds a point, then cleaned
    for k, (a, b, v, src) in enumerate(rows):
        if src:
            rows[k] = (a, b, v, _clean_source(src, att) if points is None or _holds((a, b), points) else "")
        elif src != "":  # (None: no source)
            rows[k] = (a, b, v, "")
    return sorted(rows, key=_SPAN_KEY)


_SPAN_KEY = itemgetter(0, 1)  # (start, end) of a row


_LEAD_DROP = {"and", "but", "or", "that", "as", "in", "on", "to", "for", "against", "with", "by", "from", "of",
              "statement", "while", "when", "so", "then", "also"}
_RELATIVE = {"who", "whose", "which", "that", "whom"}
_NOT_SOURCES = {"a", "an", "the", "one", "it", "this", "there", "many", "some", "all", "none"}


_EDGE_WORDS = frozenset(_LEAD_DROP | _AUXILIARIES | _PARTICLES | {"into", "at", "about", "over", "after", "before", "long"})
_NOT_IN_SOURCES = frozenset(_QUOTE_CHARS.replace("'", "").replace("\u2019", ""))  # quotation marks, not apostrophes
_RESOLVED_PRONOUNS = frozenset(_PRONOUNS - {"it", "we", "i", "you", "they"})


@_kept_on
def _cleaner(att: Attribution):
    """:func:`_clean_source` for one Attribution as a function of the source alone, with its own
    cache keyed by the str (whose hash is kept): hashing the Attribution for every source was 3 %
    of ``framing score``. In C for the sources of ASCII characters where the extension is built
    (:func:`_clean_tables`): a single pass cleans each of 20,000 distinct sources per 20 MB of news
    once, and in Python that was a twentieth of its time."""
    clean = partial(_clean_source.__wrapped__, att=att)
    if _kernels._ckernels is not None:
        clean = partial(_kernels._ckernels.clean_source, _clean_tables(att, clean))
    return lru_cache(maxsize=65536)(clean)


# the bits of the word sets of _clean_source in the C cleaning's table of words
_CLEAN_SETS = {"relative": 1, "verb": 2, "lead": 4, "edge": 8, "aux": 16, "det": 32, "not_source": 64}


def _clean_tables(att: Attribution, fallback) -> tuple[dict[str, int], str, object]:
    """What the C cleaning of sources takes: every word of the sets :func:`_clean_source` looks
    words up in, with the bits of the sets holding it; the characters no source holds; the
    Python cleaning, for the sources it leaves (those with characters other than ASCII)."""
    bits: dict[str, int] = {}
    for name, words in (("relative", _RELATIVE), ("verb", _source_verbs(att)), ("lead", _LEAD_DROP),
                        ("edge", _EDGE_WORDS), ("aux", _AUXILIARIES), ("det", _DETERMINERS),
                        ("not_source", _NOT_SOURCES)):
        for w in words:
            bits[w] = bits.get(w, 0) | _CLEAN_SETS[name]
    return bits, "".join(sorted(_NOT_IN_SOURCES)), fallback


@lru_cache(maxsize=65536)  # (speakers repeat: "officials", "he", "the army")
def _clean_source(src: str, att: Attribution | None = None) -> str:
    """The noun phrase of a speaker, or empty when the words read are not one.

    Leading and trailing conjunctions, prepositions and auxiliaries go; the phrase is cut at a
    relative pronoun ("a man whose family ..." -> "a man") or a verb of saying, naming or denial
    ("The General Command denied" -> "The General Command"); phrases with quotation marks, more than
    eight words, a first word that is a participle or an auxiliary ("Having", "contacted by ...",
    "has begun") or nothing but a function word are dropped.
    """
    words = src.split()
    verbs = _source_verbs(att) if att is not None else frozenset()
    for k in range(1, len(words)):
        lw = words[k].strip(".,;:").lower()  # (_norm, inline: this loop is most of the cleaning)
        if not lw.isascii() or "`" in lw:
            lw = lw.translate(_TO_APOSTROPHE)
        if lw in _RELATIVE or lw in verbs:
            words = words[:k]
            break
    edge = _EDGE_WORDS
    while words and words[0].lower() in _LEAD_DROP:
        words = words[1:]
    while words and words[-1].lower().strip(".,;:") in edge:
        words = words[:-1]
    if not words or len(words) > 8 or not _NOT_IN_SOURCES.isdisjoint(src):
        return ""
    first = words[0]
    if first.lower() in _AUXILIARIES or (first.lower().endswith(("ing", "ed")) and len(first) > 4):
        return ""
    if first[:1].islower() and len(words) > 1 and first.lower() not in _DETERMINERS and words[1].lower() in edge:
        return ""  # "came as residents ...", "demolition of houses ...": a clause, not a speaker
    if len(words) == 1 and first.lower() in _NOT_SOURCES:
        return ""
    return " ".join(words)


def _resolve(src: str, at: int, starts: list[int], referents) -> str:
    if src.lower() in _RESOLVED_PRONOUNS:
        k = bisect_right(starts, at) - 1
        while k >= 0:
            if _person_referent(referents[k][1]):
                return referents[k][1]
            k -= 1
    return src


def _subtract(span: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The non-empty pieces of ``span`` outside every hole, in order; ``holes`` sorted by start
    (they may overlap). One pass (splitting the pieces hole by hole cost a seventh of
    :func:`_segments` with the benchmark lexicon)."""
    a, b = span
    out = []
    for ha, hb in holes:
        if ha >= b:
            break
        if hb <= a:
            continue
        if a < ha:
            out.append((a, ha))
        a = hb
    if a < b:
        out.append((a, b))
    return out


def _quote_source(d: _Doc, qa: int, qb: int) -> str:
    """Speaker of a quotation from a speech tag right after it (", X said") or before it ("X said: ")."""
    sent_end = (_sentence_at(d.sents, qb - 1) or (0, len(d.text)))[1]
    i = d.tok_index(qb)
    j = i
    while j < len(d.starts) and d.starts[j] < sent_end and j - i < 8:
        if j > i and not _TAG_STOPS.isdisjoint(d.gap_before(j)):
            break
        if d.match_at(j, d.att.speech):
            if j > i:
                return _phrase_text(d, (i, j))
            if j + 1 < len(d.words) and d.words[j + 1] == "that":
                return ""  # "said that ...": reported speech follows, not a speaker
            # "said X": up to the clause end
            k = j + 1
            while k < len(d.starts) and d.starts[k] < sent_end and _SPEAKER_STOPS.isdisjoint(d.gap_before(k)) and k - j < 7:
                k += 1
            return _phrase_text(d, (j + 1, k)) if k > j + 1 else ""
        j += 1
    # "X said: "...""
    i = d.tok_index(qa) - 1
    sent_start = (_sentence_at(d.sents, qa) or (0, 0))[0]
    for j in range(i, max(-1, i - 3), -1):
        if j >= 0 and d.starts[j] >= sent_start and d.match_at(j, d.att.speech):
            return _phrase_text(d, _noun_phrase_before(d, j, sent_start))
    return ""


_AT_ONCE = 4_000_000  # rows x spans that voice_of compares in one array
_IN_PYTHON = 2_000  # ... and at most in a Python loop (half the time of the arrays on news text)


def voice_of(segs, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Voice and source of spans ``[starts, ends)`` from a segments table (or its rows).

    A span takes the voice of the innermost segment holding its middle character (a scare quote
    inside an attributed clause is ``scare_quoted``); ``author`` where none does.
    """
    voice = np.full(len(starts), "author", dtype=object)
    source = np.full(len(starts), "", dtype=object)
    rows = list(segs.itertuples(index=False, name=None)) if isinstance(segs, pd.DataFrame) else segs
    if not rows or len(starts) == 0:
        return voice, source
    mid = (np.asarray(starts) + np.asarray(ends) - 1) // 2
    rows = sorted(rows, key=lambda r: _RANK[r[2]])  # (stable: the last row holding a span wins)
    if len(rows) * len(mid) <= _IN_PYTHON:  # (a text's few rows and mentions: NumPy's fixed cost is the larger)
        _take_innermost(rows[::-1], mid.tolist(), voice, source)
        return voice, source
    if len(rows) * len(mid) > _AT_ONCE:  # (a text with very many of both: row by row)
        for a, b, v, src in rows:
            inside = (mid >= a) & (mid < b)
            voice[inside] = v
            source[inside] = src
        return voice, source
    lo = np.asarray([r[0] for r in rows], dtype=np.int64)[:, None]
    hi = np.asarray([r[1] for r in rows], dtype=np.int64)[:, None]
    inside = (mid >= lo) & (mid < hi)  # rows x spans, at once
    held = inside.any(axis=0)
    last = len(rows) - 1 - np.argmax(inside[::-1], axis=0)
    voice[held] = np.asarray([r[2] for r in rows] + [None], dtype=object)[:-1][last[held]]
    source[held] = np.asarray([r[3] for r in rows] + [None], dtype=object)[:-1][last[held]]
    return voice, source


_RANK = {"attributed": 0, "quoted": 1, "scare_quoted": 2}


def _voices(rows: list[tuple], starts: list[int], ends: list[int]) -> tuple[list[str], list[str]]:
    """:func:`voice_of` as lists, for equally long lists of int offsets, as ``framing.score`` has
    them: in C when built (:func:`framing._kernels.voices`), else :func:`_voices_py`."""
    got = _kernels.voices(rows, starts, ends, _RANK)
    return _voices_py(rows, starts, ends) if got is _kernels.NOT_BUILT else got


def _voices_py(rows: list[tuple], starts: list[int], ends: list[int]) -> tuple[list[str], list[str]]:
    """:func:`_voices` in Python (a text's few rows and mentions: NumPy's fixed cost per call is
    the larger; the arrays of :func:`voice_of` for many of both)."""
    if len(rows) * len(starts) > _IN_PYTHON:
        voice, source = voice_of(rows, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64))
        return voice.tolist(), source.tolist()
    voice, source = ["author"] * len(starts), [""] * len(starts)
    if not rows:
        return voice, source
    last_first = sorted(rows, key=lambda r: _RANK[r[2]])[::-1]  # (the last row holding a span wins)
    _take_innermost(last_first, [(s + e - 1) // 2 for s, e in zip(starts, ends)], voice, source)
    return voice, source


def _take_innermost(last_first: list[tuple], mids: list[int], voice, source) -> None:
    """Voice and source (into ``voice[k]``, ``source[k]``) of the first of the rows ``last_first``
    (sorted by rank, then reversed) that holds ``mids[k]``, for every k (none: left as they are)."""
    for k, m in enumerate(mids):
        for r in last_first:
            if r[0] <= m < r[1]:
                voice[k] = r[2]
                source[k] = r[3]
                break


@_kept_on
def _flag_firsts(att: Attribution) -> frozenset:
    """First words of every negator and hedge."""
    return _first_words(att.negators) | _first_words(att.hedges)


@_kept_on
def _mark_firsts(att: Attribution) -> frozenset:
    """First words of every negator, hedge and attribution rule: a _Doc's ``hits`` are the tokens
    of these words (one set lookup per token, as it is made)."""
    return _flag_firsts(att) | _rule_firsts(att)


def flags(text: str, starts, *, attribution: Attribution | None = None, doc: _Doc | None = None,
          window: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """``negated`` and ``hedged`` flags for mentions starting at ``starts``.

    A mention is negated when a negator (not, no, never, n't forms, deny, reject ...) and hedged when
    a hedge (alleged, reportedly, so-called, purported, what appears to be ...) stands among the
    ``window`` words before it in the same clause.
    """
    att = attribution or Attribution.default()
    d = doc or _Doc(text, att)
    neg, hedge = _flags(d, np.asarray(starts, dtype=np.int64).tolist(), att, window)
    return np.asarray(neg, dtype=bool), np.asarray(hedge, dtype=bool)


@_kept_on
def _flag_tables(att: Attribution) -> tuple:
    """The phrase sets, first words and lengths the C reading of :func:`_flags_py` looks words up in."""
    return (att.negators, *_phrase_shape(att.negators), att.hedges, *_phrase_shape(att.hedges), att.hyphenated,
            _CLAUSE_CHARS)


def _flags(d: _Doc, starts: list[int], att: Attribution, window: int = 6) -> tuple[list[bool], list[bool]]:
    """:func:`flags` as lists, for a list of mention starts: in C where the extension is built
    (:func:`framing._kernels.flags`; 7 % of ``framing score`` with 2,000 terms in Python), else
    :func:`_flags_py`, the reference the tests compare the C reading with."""
    if window < 0:
        raise ValueError(f"window must be >= 0 words, got {window}")
    firsts = _flag_firsts(att)
    # (the C reading skips a hit whose word starts no negator or hedge: the _Doc's hits will do)
    hits = d.hits if d.marks is _mark_firsts(att) else list(compress(range(len(d.words)), map(firsts.__contains__, d.words)))
    got = _kernels.flags(d.text, d.starts, d.ends, d._words_arg(), d._first, hits, starts, d.sents, window,
                         _flag_tables(att))
    return _flags_py(d, starts, att, window) if got is _kernels.NOT_BUILT else got


def _flags_py(d: _Doc, starts: list[int], att: Attribution, window: int = 6) -> tuple[list[bool], list[bool]]:
    """:func:`_flags` in Python."""
    neg, hedge = [False] * len(starts), [False] * len(starts)
    firsts = _flag_firsts(att)
    # Most mentions have no word among the ``window`` before them that can start a negator or a
    # hedge: such a word, token h, is among them for the mentions starting after token h and not
    # after token h + window (``tok_index``): only the mentions with one are looked at.
    words = d.words
    hits = ([h for h in d.hits if words[h] in firsts] if d.marks is _mark_firsts(att)
            else list(compress(range(len(words)), map(firsts.__contains__, words))))
    if not hits or not starts:
        return neg, hedge
    at, n_tok = d.starts, len(d.starts)
    lo = [at[h] for h in hits]
    # (the last such word starting before a mention reaches furthest: the reach grows with h)
    reach = [at[h + window] if h + window < n_tok else _AFTER_ALL for h in hits]
    # Only those words can match (match_at is 0 elsewhere), and whether one does depends on the
    # word alone: each is read once, and the clause is found only for mentions that have one.
    found: dict[int, tuple[bool, bool]] = {}
    for m, s in enumerate(starts):
        k = bisect_left(lo, s) - 1  # the last such word starting before the mention
        if k < 0 or s > reach[k]:
            continue
        i = d.tok_index(s)
        near_hits = hits[bisect_left(hits, i - window):bisect_left(hits, i)]
        for h in near_hits:
            if h not in found:
                found[h] = (d.match_at(h, att.negators, att.hyphenated) > 0, d.match_at(h, att.hedges, att.hyphenated) > 0)
        near_hits = [h for h in near_hits if found[h][0] or found[h][1]]
        if not near_hits or i >= len(d.starts):
            continue
        k = bisect_right(d.sents, (s, _AFTER_ALL)) - 1  # the last sentence starting at or before s
        sa = d.sents[k][0] if k >= 0 else 0
        c = _clause_start(d, i, sa)
        for h in near_hits:
            if h >= c:
                neg[m] |= found[h][0]
                hedge[m] |= found[h][1]
    return neg, hedge
