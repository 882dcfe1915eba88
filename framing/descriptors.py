"""Referent-linked labels: the descriptors an outlet attaches to each actor.

For every occurrence of a referent's alias, and every label entry tied to a referent, rules over word
tokens find the words attached to it:

``premodifier``
    words right before the name: "Libya's septuagenarian renegade general Khalifa Haftar";
``apposition``
    a noun phrase between commas right after the name: "Haftar, the self-styled field marshal,";
``possessive``
    what the name possesses: "Haftar's forces";
``loyal_to``
    "forces loyal to Haftar", "militias allied with Haftar";
``predicate``
    "Haftar is a warlord";
``compound``
    the name used as a modifier of a lexicon label: "the LNA militia", "(LNA) militia";
``label``
    a label entry whose ``referent`` is set, with its own premodifiers: "septuagenarian renegade
    general".

``descriptors`` columns: doc_id, outlet, referent, descriptor, start, end (offsets into the original
text), construction, voice, entry (the lexicon entry inside the descriptor, if any), lexicon.
Descriptors that no entry covers are candidates for new lexicon entries.

The rules are heuristics without a part-of-speech tagger (none that needs no downloaded data is in
NLTK): a word list of function words and verbs stops a phrase. Their precision and recall are
measured on NewsWCL50 (see the tests and the issue notes).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from typing import NamedTuple

import numpy as np
import pandas as pd

from .lexicon.model import REFERENT_CATEGORY

__all__ = ["extract", "DESCRIPTOR_COLUMNS", "DESCRIPTOR_POLICY"]

DESCRIPTOR_POLICY = "framing.descriptors.rules.v1"
DESCRIPTOR_COLUMNS = ["doc_id", "outlet", "referent", "descriptor", "start", "end", "construction", "voice",
                      "entry", "lexicon"]

# Function words and common verbs that end a descriptor phrase. Our own list.
STOP = set("""
a an the this that these those his her its their our my your some any each every no all both either
of to in on at by for from with without into onto over under about after before since during against
between among through toward towards upon via per than as like and or but nor so yet if while when where
whom who whose which what why how whether because although though
is was were are be been being am has have had having do does did will would shall should can could may
might must not never also only just even still already again then now there here
he she it they we i you him them us me himself herself itself themselves
said says say told tells claimed claims added says
went came took made began left fought held met saw won lost rose fell gave kept ran sent set put got
one two three four five six seven eight nine ten
""".split())
_COPULA = {"is", "was", "remains", "remained", "became", "becomes", "has been", "had been", "seems", "appears"}
_LOYAL = {("loyal", "to"), ("allied", "with"), ("aligned", "with"), ("affiliated", "with"), ("commanded", "by"),
          ("led", "by")}
_DETERMINERS = {"the", "a", "an"}
_DEMONYM_ENDINGS = ("an", "ian", "ese", "ish", "i")


class _Row(NamedTuple):
    start: int
    end: int
    category: str
    referent: str | None
    lexicon: str


_AFTER_ALL = float("inf")


def _verb_like(word: str, text: str, span: tuple[int, int]) -> bool:
    """A word that is probably a verb (past or present participle), unless part of a compound."""
    a, b = span
    hyphenated = "-" in text[max(0, a - 1):b + 1]
    return not hyphenated and len(word) > 4 and (word.endswith("ed") or word.endswith("ing"))


def extract(text: str, doc_mentions: pd.DataFrame, d, voices) -> list[tuple]:
    """Descriptors in one text.

    Parameters
    ----------
    text : str
    doc_mentions : mapping of column name to sequence
        The text's mentions (start, end, category, referent, entry, lexicon): a DataFrame or a dict
        of lists.
    d : framing.voice._Doc
        Tokens and sentences of the text.
    voices : callable
        ``voices(starts, ends) -> array of voice`` for spans.

    Returns
    -------
    list of tuple
        (referent, descriptor, start, end, construction, entry, lexicon) rows.
    """
    out: list[tuple] = []
    dm = doc_mentions
    rows = [_Row(*vals) for vals in zip(dm["start"], dm["end"], dm["category"], dm["referent"], dm["lexicon"])
            if vals[3] is not None and vals[3] == vals[3]]  # (referent None or NaN: nothing to describe)
    if not rows:
        return out  # (a text whose mentions have no referent: a tenth of ``score`` with lexicons without any)
    tok_s, tok_e, words = d.starts, d.ends, d.words  # (token i: text[tok_s[i]:tok_e[i]])
    n = len(tok_s)
    sent_bounds = d.sents
    ent_spans = [(s_, e_, id_, lx_) for s_, e_, id_, lx_, c_ in
                 zip(dm["start"], dm["end"], dm["entry"], dm["lexicon"], dm["category"]) if c_ != REFERENT_CATEGORY]
    ent_by_start = {}
    for s, e, eid, lx in ent_spans:
        ent_by_start.setdefault(s, []).append((e, eid, lx))

    def sent_of(pos):  # (sorted, disjoint sentences)
        k = bisect_right(sent_bounds, (pos, _AFTER_ALL)) - 1
        return sent_bounds[k] if k >= 0 and sent_bounds[k][0] <= pos < sent_bounds[k][1] else (0, len(text))

    def soft(i):  # tokens i-1 and i are joined by plain whitespace or a hyphen
        gap = text[tok_e[i - 1]:tok_s[i]]
        return gap == "-" or (gap.strip() == "" and gap.count("\n") < 2)

    def span_text(i, j):
        return text[tok_s[i]:tok_e[j - 1]]

    def entry_inside(a, b):
        best = None
        for s, e, eid, lx in ent_spans:
            if a <= s and e <= b and (best is None or e - s > best[1] - best[0]):
                best = (s, e, eid, lx)
        return (best[2], best[3]) if best else ("", "")

    def premods(i0, sa):
        """Token range of the premodifiers ending before token i0."""
        j = i0
        while j > 0 and i0 - j < 5 and tok_s[j - 1] >= sa and soft(j):
            w = words[j - 1]
            if w in STOP or w.endswith("'s") or w.isdigit() or _verb_like(w, text, (tok_s[j - 1], tok_e[j - 1])):
                break
            j -= 1
        # a leading demonym ("Libyan militia leader") says where, not what: drop it
        while j < i0 - 1 and text[tok_s[j]].isupper() and words[j].endswith(_DEMONYM_ENDINGS):
            j += 1
        return j

    alias_spans = [(s_, e_) for s_, e_, c_ in zip(doc_mentions["start"], doc_mentions["end"],
                                                    doc_mentions["category"]) if c_ == REFERENT_CATEGORY]

    r_start = r_end = -1

    def add(ref, i, j, construction, lexicon, end=None):
        if j <= i:
            return
        a, b = tok_s[i], (end if end is not None else tok_e[j - 1])
        if construction not in ("label", "premodifier") and any(s_ < b and a < e_ for s_, e_ in alias_spans):
            return  # another name, not a descriptor
        if construction == "label" and any(s_ <= r_start and r_end <= e_ for s_, e_ in alias_spans):
            return  # the label is itself a name of the referent
        eid, elx = entry_inside(a, b)
        out.append((ref, text[a:b], a, b, construction, eid, elx or lexicon))

    for r in rows:
        i0 = bisect_left(tok_s, r.start)
        if i0 == n or tok_s[i0] != r.start:
            continue
        j0 = bisect_left(tok_e, r.end)  # (token ends increase as their starts do)
        if j0 == n or tok_e[j0] != r.end:
            j0 = None
        if j0 is None:  # a possessive: the mention ends before 's inside the token
            j0 = next((k for k in range(i0, n) if tok_e[k] >= r.end), i0)
        j0 += 1  # exclusive
        sa, sb = sent_of(r.start)
        if r.category != REFERENT_CATEGORY:
            # a label tied to a referent: the label with its premodifiers
            p = premods(i0, sa)
            r_start, r_end = r.start, r.end
            add(r.referent, p, j0, "label", r.lexicon, end=r.end)
            continue
        # premodifiers
        p = premods(i0, sa)
        if p < i0:
            add(r.referent, p, i0, "premodifier", r.lexicon)
        # "forces loyal to Haftar"
        for pat in _LOYAL:
            k = i0 - len(pat)
            if k >= 1 and tuple(words[k:i0]) == pat and tok_s[k] >= sa:
                h = premods(k, sa)
                if h < k:
                    add(r.referent, h, k, "loyal_to", r.lexicon)
        after = text[r.end:tok_s[j0]] if j0 < n else ""
        full_tok_end = tok_e[j0 - 1]
        # possessive
        if full_tok_end > r.end and text[r.end:full_tok_end].lower().replace("\u2019", "'") == "'s":
            k = j0
            while k < n and k - j0 < 3 and tok_s[k] < sb and soft(k) and words[k] not in STOP \
                    and not _verb_like(words[k], text, (tok_s[k], tok_e[k])):
                k += 1
            if k > j0:
                add(r.referent, j0, k, "possessive", r.lexicon)
            continue
        if j0 >= n or tok_s[j0] >= sb:
            continue
        # apposition: ", (the|a) NP ,"
        if after.strip() == ",":
            k = j0
            if words[k] in _DETERMINERS:
                k += 1
                start = k
                while k < n and k - start < 6 and tok_s[k] < sb and soft(k) and words[k] not in STOP:
                    k += 1
                end_gap = text[tok_e[k - 1]:tok_s[k]] if k < n else "."
                if k > start and end_gap.strip()[:1] in (",", ".", ";", ")", "\u2014", "-") and end_gap.strip():
                    add(r.referent, start, k, "apposition", r.lexicon)
            continue
        # predicate nominal: "Haftar is a warlord"
        if after.strip() == "":
            k = j0
            cop = None
            for c in _COPULA:
                cw = c.split()
                if tuple(words[k:k + len(cw)]) == tuple(cw):
                    cop = len(cw)
                    break
            if cop:
                k += cop
                if k < n and words[k] in _DETERMINERS:
                    k += 1
                    start = k
                    while k < n and k - start < 5 and tok_s[k] < sb and soft(k) and words[k] not in STOP:
                        k += 1
                    if k > start:
                        add(r.referent, start, k, "predicate", r.lexicon)
                continue
        # compound: the alias modifies a lexicon label right after it ("the LNA militia", "(LNA) militia")
        before = words[i0 - 1] if i0 > 0 and tok_s[i0 - 1] >= sa else ""
        pe = d.prev_end(i0)  # (the token before may not be tokenised: see voice._Doc)
        lead_in = text[pe:r.start] if pe >= 0 else ""
        noun_slot = before in _DETERMINERS or before in {"his", "its", "their", "her"} or before.endswith("'s") \
            or before == "" or "(" in lead_in or after.strip() in (")", "]")
        if noun_slot and after.strip() in ("", ")", "]") and words[j0] not in STOP:
            nxt = tok_s[j0]
            for e, eid, lx in ent_by_start.get(nxt, []):
                a, b = nxt, e
                out.append((r.referent, text[a:b], a, b, "compound", eid, lx))
    return out


def link_referents(mentions: pd.DataFrame, desc: pd.DataFrame) -> pd.DataFrame:
    """Give label mentions without a referent the referent of a descriptor they stand in.

    Sets ``referent`` and ``referent_link = "construction"`` (``"lexicon"`` where the entry itself
    names the referent). A table-level reading of :func:`referent_links`.
    """
    mentions = mentions.copy(deep=False)  # (columns are replaced, never written into)
    rows = () if desc.empty else zip(desc["doc_id"].tolist(), desc["start"].tolist(), desc["end"].tolist(),
                                     desc["construction"].tolist(), desc["referent"].tolist())
    refs, links = referent_links(mentions["doc_id"].tolist(), mentions["start"].tolist(), mentions["end"].tolist(),
                                 mentions["referent"].astype(object).tolist(), mentions["category"].tolist(), rows)
    if (links == "construction").any():  # (else the referents stay as they were, dtype included)
        mentions["referent"] = pd.Series(refs, index=mentions.index, dtype=object)
    mentions["referent_link"] = pd.Series(links, index=mentions.index, dtype=object)
    return mentions


def referent_links(doc_ids: list, starts: list[int], ends: list[int], referents, categories,
                   descriptors) -> tuple[np.ndarray, np.ndarray]:
    """The referent and ``referent_link`` of each mention (:func:`link_referents` on lists).

    Parameters
    ----------
    doc_ids, starts, ends : sequence
        One item per mention (lists, or an object array of ids: read only where a document has
        descriptors other than labels).
    referents, categories : sequence
        One item per mention (lists or object arrays); a missing referent is None or NaN.
    descriptors : iterable of (doc_id, start, end, construction, referent)
        The descriptors of the same documents, in table order.

    Returns
    -------
    referents, links : numpy.ndarray
        Object arrays. A label mention (not of the referent category) without a referent takes the
        referent of the first descriptor of its document, other than a label, that holds it, with
        the link ``"construction"``; a mention whose entry names its referent has ``"lexicon"``;
        the rest ``""``.
    """
    refs = np.array(referents, dtype=object)  # (a copy: the caller's stays as it was)
    cats = np.asarray(categories, dtype=object)
    missing = pd.isna(refs)
    label = cats != REFERENT_CATEGORY
    links = np.full(len(refs), "", dtype=object)
    links[~missing & label] = "lexicon"
    free = np.flatnonzero(missing & label).tolist()
    if not free:
        return refs, links
    by_doc: dict = {}  # doc_id -> [(start, end, referent)] of its descriptors other than labels, in order
    for did, a, b, con, ref in descriptors:
        if con != "label":
            by_doc.setdefault(did, []).append((a, b, ref))
    if not by_doc:
        return refs, links
    for i in free:
        held = by_doc.get(doc_ids[i])
        if held is None:
            continue  # (most documents: no descriptor other than labels)
        s, e = starts[i], ends[i]
        # the first descriptor of the document that holds the mention
        ref = next((r for a, b, r in held if a <= s and b >= e), None)
        if ref is not None:
            refs[i] = ref
            links[i] = "construction"
    return refs, links
