"""An independent, slow and obvious reference matcher for tests.

It shares no code with ``framing.text`` or ``framing.matcher``: it tokenises the ORIGINAL text with
one regular expression and compares tokens word by word, implementing the documented semantics
directly:

* tokens are runs of word characters (``\\w`` less the apostrophes, with the combining marks that
  follow them) joined by apostrophes (any apostrophe variant) between two letters;
* tokens compare after NFKC, lower-casing and apostrophe unification;
* the gap between two consecutive words of a phrase is soft (whitespace with fewer than two line
  breaks, or punctuation without whitespace or apostrophes), hard (any other gap without a paragraph
  break) or a paragraph break; a phrase matches where the text's gaps have the classes of the term's
  gaps, and never across a paragraph break;
* the last word of a phrase also matches the word followed by a possessive ``'s`` (the mention ends
  before the ``'s``); a word ending in ``*`` matches any token starting with it;
* entry matches inside one of the entry's exclusion phrases are dropped;
* per lexicon, aliases and entries are separate layers; in each, matches are taken left to right,
  longest first, never overlapping; of several entries on one span the earliest is kept (the
  earliest of each category in a lexicon whose words may sit in several categories).
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = "'\u2019\u2018\u02bc\u02b9\u2032\u0060\u00b4\uff07\u201b"
# Combining marks belong to the word they follow ("WAR\u0301" is one word, not "WAR").
MARKS = "".join(chr(c) for c in [*range(0x300, 0x20000), *range(0xE0000, 0xE1000)]
                if unicodedata.category(chr(c)).startswith("M"))
# A word character is \w less the apostrophes: "\u02bc" and "\u02b9" are modifier letters to
# Unicode (so \w) but apostrophes here, as everywhere else.
_L = r"[^\W" + APOSTROPHES + r"]"
_W = r"(?:" + _L + r"|[" + re.escape(MARKS) + r"])"
# a mark with no letter before it is no word, and after an apostrophe a word goes on with a letter
TOKEN = re.compile(_L + _W + r"*(?:[" + APOSTROPHES + r"]" + _L + _W + r"*)*")
TERM_WORD = re.compile(r"(" + _L + _W + r"*(?:[" + APOSTROPHES + r"]" + _L + _W + r"*)*)(\*?)")  # (a term's words as a text's)
LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def norm_word(word: str) -> str:
    if len(word) > 2 and word[-2] in APOSTROPHES and word[-1] in "sS":  # a possessive: the bare word
        return norm_word(word[:-2]) + "'s"  # lower-cased alone (Greek final sigma depends on it)
    for a in APOSTROPHES[1:]:  # (before NFKC too, which makes "\u00b4" a space and a mark)
        word = word.replace(a, "'")
    word = unicodedata.normalize("NFKC", word).lower().replace("\u03c2", "\u03c3")  # final sigma folded
    # marks that NFKC could not compose with their letter (the dot of a lower-cased "İ") are dropped
    word = "".join(ch for ch in word if not unicodedata.category(ch).startswith("M"))
    for a in APOSTROPHES[1:]:
        word = word.replace(a, "'")
    return word


def _mark(ch: str) -> bool:
    """A combining mark, or a character that NFKC makes one (halfwidth katakana sound marks)."""
    norm = unicodedata.normalize("NFKC", ch)
    return all(unicodedata.category(c).startswith("M") for c in norm) and norm != ""


def original_length(token: str, took: int) -> int:
    """Characters of the original token behind the first ``took`` characters of its normal form
    (NFKC may change lengths: "\ufb01ght" is "fight")."""
    if took >= len(norm_word(token)):
        return len(token)
    for k in range(1, len(token) + 1):
        if len(norm_word(token[:k])) >= took and not _mark(token[k:k + 1] or "x"):
            return k
    return len(token)


def gap_class(gap: str) -> str:
    if len(LINE_BREAK.findall(gap)) >= 2:
        return "paragraph"
    if gap.isspace() or not any(ch.isspace() or ch in APOSTROPHES for ch in gap):
        return "soft"
    return "hard"


def term_words(term: str) -> list[tuple[str, bool]]:
    """(word, wildcard, class of the gap before the word) for each word of a term."""
    words, prev_end = [], None
    for m in TERM_WORD.finditer(term):
        gap = None if prev_end is None else gap_class(term[prev_end:m.start()])
        if gap == "paragraph":
            raise ValueError(f"reference matcher: term {term!r} spans a paragraph")
        words.append((norm_word(m.group(1)), m.group(2) == "*", gap))
        prev_end = m.end()
    return words


def word_match(word: str, wild: bool, token: str, last: bool) -> int | None:
    """Characters of the token taken by the word (None: no match)."""
    if wild:
        body = token[:-2] if last and token.endswith("'s") and len(token) > 2 else token
        return len(body) if body.startswith(word) else None
    if token == word:
        return len(token)
    if last and token == word + "'s":
        return len(word)
    return None


class ReferenceMatcher:
    def __init__(self, lexicons):
        # (lexicon, layer, kind, unit, entry, category, referent, words)
        self.patterns = []
        self.multi = {lex.name for lex in lexicons if not getattr(lex, "unique_terms", True)}
        unit = 0
        for lex in lexicons:
            for ref in lex.referents.values():
                for alias in ref.aliases:
                    self.patterns.append((lex.name, "alias", "match", unit, f"referent/{ref.id}", "referent", ref.id,
                                          term_words(alias)))
                unit += 1
            for e in lex.entries:
                for s in [e.term, *e.variants]:
                    self.patterns.append((lex.name, "entry", "match", unit, f"{e.category}/{e.term}", e.category,
                                          e.referent, term_words(s)))
                for x in e.exclude:
                    self.patterns.append((lex.name, "entry", "exclude", unit, None, None, None, term_words(x)))
                unit += 1
        self._order = {id(p): i for i, p in enumerate(self.patterns)}

    def _patterns_at(self, token: str):
        return self.patterns

    def find(self, text: str) -> list[tuple[int, int, str, str, str, str | None]]:
        """Mentions as (start, end, lexicon, entry, category, referent), sorted."""
        toks = [(m.start(), m.end(), norm_word(m.group())) for m in TOKEN.finditer(text)]
        gaps = [None] + [gap_class(text[toks[i - 1][1]:toks[i][0]]) for i in range(1, len(toks))]
        cands = []
        for i in range(len(toks)):
            for pat in self._patterns_at(toks[i][2]):
                words = pat[7]
                if i + len(words) > len(toks):
                    continue
                end = None
                for k, (w, wild, gap) in enumerate(words):
                    if k > 0 and gaps[i + k] != gap:
                        end = None
                        break
                    last = k == len(words) - 1
                    took = word_match(w, wild, toks[i + k][2], last)
                    if took is None:
                        end = None
                        break
                    end = toks[i + k][0] + original_length(text[toks[i + k][0]:toks[i + k][1]], took)
                if end is not None:
                    cands.append((toks[i][0], end, pat))
        excl = [(s, e, p[0], p[3]) for s, e, p in cands if p[2] == "exclude"]
        kept = [(s, e, p) for s, e, p in cands if p[2] == "match"
                and not any(xs <= s and e <= xe and xl == p[0] and xu == p[3] for xs, xe, xl, xu in excl)]
        out = []
        for layer in sorted({(p[0], p[1]) for _, _, p in kept}):
            # candidates in pattern order (= entry order) within each span
            group = sorted([c for c in kept if (c[2][0], c[2][1]) == layer],
                           key=lambda c: (c[0], -(c[1] - c[0]), self._order[id(c[2])]))
            last_end, last_span, taken = -1, None, set()
            for s, e, p in group:
                if s >= last_end:
                    last_end, last_span, taken = e, (s, e), set()
                elif (s, e) != last_span:
                    continue
                # one mention per span; one per span and category in multi-category lexicons
                cat_key = p[5] if p[0] in self.multi else None
                if cat_key in taken or (cat_key is None and taken):
                    continue
                taken.add(cat_key)
                out.append((s, e, p[0], p[4], p[5], p[6]))
        return sorted(set(out))


class IndexedReferenceMatcher(ReferenceMatcher):
    """The same matcher, with patterns looked up by first word so that corpora run in seconds."""

    def __init__(self, lexicons):
        super().__init__(lexicons)
        self.by_first: dict[str, list] = {}
        self.wild_first = []
        for pat in self.patterns:
            w, wild, _ = pat[7][0]
            if wild:
                self.wild_first.append(pat)
            else:
                self.by_first.setdefault(w, []).append(pat)

    def _patterns_at(self, token: str):
        out = self.by_first.get(token, []) + self.wild_first
        if token.endswith("'s"):
            out = out + self.by_first.get(token[:-2], [])
        return out
