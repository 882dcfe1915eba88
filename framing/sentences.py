"""Sentence boundaries with offsets into the original text.

:func:`sentence_spans` splits every line of a text into sentences by the decision rules of Punkt
(Kiss & Strunk 2006) as NLTK applies them with parameters that were not trained: a full stop, ``?``
or ``!`` ends a sentence when a token follows it on the line, except where

* the word before a full stop is one of our abbreviations (:data:`ABBREVIATIONS`: titles, ranks,
  months, a few Latin forms), also as the last part of a hyphenated word (``ex-Gen.``);
* the full stop belongs to an ellipsis (``...``) or to a word ending in two full stops;
* the word before it is an initial (one letter: ``J. Smith``) followed by a word that starts with a
  letter, or by ``; : , . ! ?``;
* the word before it is a number (``2018.``) followed by a lower-case word or by ``; : , . ! ?``.

Closing quotation marks and brackets right after a boundary stay with the sentence they close
(``He left." She ...``). A line break always ends a sentence, so headlines, datelines and
paragraphs written one per line are sentences of their own.

Why our own code and not ``nltk.tokenize.punkt``: NLTK's implementation tokenises the words around
every candidate boundary again through layers of generators (on 2 MB of news text 0.36 s, against
0.046 s for this module's Python reading and 0.011 s for the same rules in C,
``framing._ckernels.sentence_spans``, which :func:`sentence_spans` uses where the extension is
built; the Python reading is the fallback and the reference it is tested against), importing it
costs about 100 MiB (``import nltk`` loads
scikit-learn and SciPy), and its output changes between NLTK releases (3.9.1 splits 3.8 % of the
lines of the benchmark corpus differently from 3.10.4, mostly at curly quotation marks), so results
depended on the installed NLTK. This module makes the decisions of NLTK 3.10's
``PunktSentenceTokenizer`` with our abbreviation list (tests compare both on real news text and on
generated edge cases) and keeps them fixed under the versioned name :data:`SENTENCE_POLICY`.
Whitespace between tokens is Unicode's White_Space property (the information separators
U+001C..U+001F are not whitespace here, as in NLTK 3.10). Letters that Python's Unicode database
does not know yet (NLTK's ``regex`` engine may be built on a newer Unicode version) can be read
differently as initials.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache

from ._extension import _ckernels  # the same rules in C (5x faster), where framing is installed with its extension

__all__ = ["sentence_spans", "SENTENCE_POLICY", "ABBREVIATIONS"]

SENTENCE_POLICY = "framing.sentences.punkt-rules.v1"

#: Abbreviations after which a full stop does not end a sentence: titles and ranks common in news,
#: months, and a few Latin forms. Our own list; lower case, without the final full stop.
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof rev hon sr jr st gen lt col maj capt cpt cmdr adm sgt cpl pvt brig
gov sen rep pres supt insp det fr messrs mme mlle
jan feb mar apr jun jul aug sep sept oct nov dec
no nos vol p pp e.g i.e etc vs approx est dept univ corp inc ltd co
u.s u.k u.n e.u u.s.a u.a.e
""".split())

# Unicode White_Space (what counts as a space between tokens)
_WS = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_S = f"[^{_WS}]"  # one non-space character
_SP = f"[{_WS}]"
# characters that end a word: brackets, quotation marks, * : @ and the sentence ends ? !
_ENDS_WORD = re.escape(")\";}]*:@'({[\u2018\u2019\u201c\u201d\u00ab\u00bb?!")
_NW = f"[{_ENDS_WORD}]"
# multi-character punctuation: dashes, runs of full stops, spaced-out ellipses ". . ."
_MULTI = rf"(?:-{{2,}}|\.{{2,}}|(?:\.{_SP}){{2,}}\.)"
# characters a word never starts with
_NO_START = re.escape("(\"`{[:;&#*@)}]-,")
# a token: multi-character punctuation, or a word up to the next space or word-ending character
# (a comma ends it only when followed by a space, the end or punctuation), or one other character
_TOKEN_RE = re.compile(
    rf"{_MULTI}|[^{_WS}{_NO_START}]{_S}*?(?={_SP}|$|{_NW}|{_MULTI}|,(?=$|{_SP}|{_NW}|{_MULTI}))|{_S}")
# a candidate boundary: ., ? or ! followed by a word-ending character, or by space and a token
_CANDIDATE_RE = re.compile(rf"[.?!](?=({_NW})|{_SP}+({_S}+))")
# (only ASCII whitespace separates the words before a candidate, as in NLTK; a space apart)
_ASCII_SPACES = "\t\n\r\x0b\x0c"
# closing marks at the start of the next sentence that belong to the one before
_CLOSING_RE = re.compile(rf"[\"')\]}}\u2018\u2019\u201c\u201d\u00ab\u00bb]+?(?:{_SP}+|(?=--)|$)")
_NUMBER_RE = re.compile(r"-?[.,]?\d[\d,.-]*\.?\Z")
_SENT_END_RE = re.compile(r"[.?!]")
_ASCII_WORD_RE = re.compile(r"[A-Za-z]+")
_BLOCK_RE = re.compile(r"[^\n\r\u2028\u2029]+")
_PUNCT_TOKENS = frozenset(";:,.!?")


@lru_cache(maxsize=4096)
def _letterlike(ch: str) -> bool:
    """Whether ``ch`` can be an initial: a word character that is not a digit (letters, letter
    numbers such as Roman numerals, combining marks, connector punctuation), as Unicode defines
    word characters."""
    if ch.isalpha() or unicodedata.category(ch) in ("Mn", "Mc", "Me", "Nl", "Pc") or ch in "\u200c\u200d":
        return True
    # symbols that Unicode counts as alphabetic: circled and squared Latin letters
    o = ord(ch)
    return 0x24B6 <= o <= 0x24E9 or 0x1F130 <= o <= 0x1F149 or 0x1F150 <= o <= 0x1F169 or 0x1F170 <= o <= 0x1F189


def _is_break(tok: str, nxt: str) -> bool:
    """Whether the token ``tok``, followed by the token ``nxt``, ends a sentence."""
    if tok in ("." , "?", "!"):
        return True
    if tok[-1:] != "." or tok.endswith(".."):
        return False  # no full stop, or an ellipsis
    low = tok[:-1].lower()
    if low in ABBREVIATIONS or low.rsplit("-", 1)[-1] in ABBREVIATIONS:
        return False
    initial = len(tok) == 2 and _letterlike(tok[0])
    if initial or _NUMBER_RE.match(tok.lower()) or low == "##number##":
        # an initial or a number: no break before punctuation or a lower-case word; after an
        # initial, none before an upper-case word either
        if nxt in _PUNCT_TOKENS or nxt[0].islower() or (initial and nxt[0].isupper()):
            return False
    return True


@lru_cache(maxsize=4096)  # (the same contexts recur: "Mr. Smith", "U.S. forces", "2018. The")
def _contains_break(context: str) -> bool:
    """Whether a boundary falls between two tokens of ``context`` (the words around a candidate)."""
    toks = _TOKEN_RE.findall(context)
    return any(_is_break(toks[i], toks[i + 1]) for i in range(len(toks) - 1))


def _line_spans(line: str, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of one line (no line breaks), leading spaces of the line included; ``end``:
    the length of the line without its trailing spaces, when known."""
    cuts: list[tuple[int, int]] = []  # (start, end) of the sentences before realignment
    last = 0
    prev = None
    w_start = w_stop = 0  # the word (or words) before the previous candidate

    def decide(m, a: int, b: int) -> None:
        nonlocal last
        ch, nw, nxt = line[m.start()], m.group(1), m.group(2)
        if ch != ".":  # "?" or "!" is a token of its own, and a token follows it
            brk = True
        elif nw is not None or (line[m.end()] == " " and nxt[0] != "."):
            # a word of ASCII letters, its full stop, then punctuation or a space and a token
            # (the most common case): a break there unless the word is an abbreviation (then
            # the tokens after it decide)
            word = line[a:b]
            brk = ((len(word) > 1 and word.lower() not in ABBREVIATIONS and _ASCII_WORD_RE.fullmatch(word))
                   or _contains_break(word + ch + (nw if nw is not None else line[m.end():m.end(2)])))
        else:
            brk = _contains_break(line[a:b] + ch + line[m.end():m.end(2)])
        if brk:
            cuts.append((last, m.end()))
            last = m.start(2) if m.group(2) is not None else m.end()

    other_spaces = [c for c in _ASCII_SPACES if c in line]  # (tabs and the like: rare)
    for m in _CANDIDATE_RE.finditer(line):
        # the words before this candidate: from the last space after the previous candidate, or
        # (no space in between, e.g. "U.S." or "!!!") from where the previous candidate's words began
        space = line.rfind(" ", w_stop, m.start())
        for c in other_spaces:
            space = max(space, line.rfind(c, w_stop, m.start()))
        start = space + 1 if space > w_stop else w_start
        if prev is not None and w_stop <= start:
            decide(prev, w_start, w_stop)
        prev, w_start, w_stop = m, start, m.start()
    if prev is not None:
        decide(prev, w_start, w_stop)
    cuts.append((last, len(line.rstrip()) if end is None else end))

    out = []
    shift = 0
    for k, (a, b) in enumerate(cuts):
        a += shift
        if k + 1 < len(cuts):
            na, nb = cuts[k + 1]
            m = _CLOSING_RE.match(line, na, max(na, nb))
            if m:
                out.append((a, na + len(m.group().rstrip())))
                shift = m.end() - na
                continue
            shift = 0
        if b > a:
            out.append((a, b))
    return out


def sentence_spans(text: str, within: list[int] | None = None) -> list[tuple[int, int]]:
    """Sentence offsets in ``text``; see :func:`_sentence_spans_py`, which the C function of
    ``framing._ckernels`` follows (where the extension is built; tests compare both, and both with
    NLTK)."""
    if _ckernels is not None:
        return _ckernels.sentence_spans(text, None if within is None else list(within), ABBREVIATIONS,
                                        _contains_break)
    return _sentence_spans_py(text, within)


def _sentence_spans_py(text: str, within: list[int] | None = None) -> list[tuple[int, int]]:
    """Sentence offsets in ``text``.

    Every line is split into sentences by the rules in the module docstring; a line break always
    ends a sentence.

    Parameters
    ----------
    text : str
    within : list of int, optional
        Sorted offsets: split only the lines that hold one of them (the others are left out of the
        result). Voice attribution passes the offsets of a document's mentions, since its rules
        never look past the sentence of a mention.

    Returns
    -------
    list of (start, end)
        Offsets into ``text``; ``text[start:end]`` is the sentence without surrounding whitespace.

    Examples
    --------
    >>> text = 'Gen. Haftar spoke. "We will win." The U.N. envoy left.\\nNext line'
    >>> [text[a:b] for a, b in sentence_spans(text)]
    ['Gen. Haftar spoke.', '"We will win."', 'The U.N. envoy left.', 'Next line']
    """
    out = []
    for block in _BLOCK_RE.finditer(text):
        seg = block.group()
        if within is not None:
            k = bisect_left(within, block.start())
            if k == len(within) or within[k] >= block.end():
                continue
        if seg.isspace():
            continue
        base = block.start()
        last = len(seg.rstrip())
        # a boundary needs a sentence-ending character that something follows on the line: a line
        # with none before its last character is one sentence (a third of news lines)
        spans = _line_spans(seg, last) if _SENT_END_RE.search(seg, 0, last - 1) else ((0, last),)
        for a, b in spans:
            lead = 0  # a line's leading spaces are not kept
            if a < b and seg[a].isspace():
                piece = seg[a:b]
                lead = len(piece) - len(piece.lstrip())
            if b > a + lead:
                out.append((base + a + lead, base + b))
    return out
