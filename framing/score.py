"""Scoring: every mention of every lexicon term in a corpus, and the document × category counts.

``mentions`` columns (one row per lexicon match and one per referent alias occurrence)
--------------------------------------------------------------------------------------
doc_id, outlet : str
sentence : int, index of the sentence (within the document) holding the mention's start (-1 when scored
    with ``sentences=False``)
start, end : int, offsets into the ORIGINAL text: ``text[start:end] == surface``
surface : str, the matched text as written
entry : str, entry id (``category/term``; ``referent/<id>`` for aliases)
term : str, canonical form of the entry (the alias as listed, for aliases)
category : str (``referent`` for alias occurrences)
referent : str or empty, the actor the term labels
valence : float or empty
voice : str, ``author`` / ``quoted`` / ``attributed`` / ``scare_quoted`` (``author`` until voice
    attribution lands)
lexicon : str, lexicon name

Rows are ordered by document (input order), then start, end and lexicon order.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from . import _kernels
from ._parallel import ordered_map, resolve_jobs, start_method
from ._csvranges import IrregularRange, RangeParser
from ._rows import rows_plan
from .cache import cached_matcher
from ._frames import frame_of
from ._jsontext import InvalidLiteral
from .errors import CorpusError
from .corpus import (_NO_SKIPS, CHUNK_ROWS, Corpus, _no_documents, _blocks_plan, _corpus_chunks, _DateNotes, _Dedupe,
                     check_chunk_rows, check_metadata_source)
from .lexicon import Lexicon, load_lexicon
from .matcher import MATCH_POLICY, CompiledMatcher
from .descriptors import DESCRIPTOR_COLUMNS, DESCRIPTOR_POLICY, extract, referent_links
from .lexicon.model import REFERENT_CATEGORY
from .sentences import SENTENCE_POLICY
from .text import NORMALISATION_POLICY, TOKEN_POLICY, sentence_spans
from .voice import VOICE_POLICY, Attribution, _Doc, _flags, _segments, _voices

__all__ = ["score", "count", "iter_score", "ScoreResult", "compile_lexicons", "MENTION_COLUMNS"]

#: Versioned names of the policies behind every table (recorded in manifests).
POLICIES = {"normalise": NORMALISATION_POLICY, "tokens": TOKEN_POLICY, "sentences": SENTENCE_POLICY,
            "match": MATCH_POLICY, "voice": VOICE_POLICY, "descriptors": DESCRIPTOR_POLICY}

MENTION_COLUMNS = ["doc_id", "outlet", "sentence", "start", "end", "surface", "entry", "term", "category",
                   "referent", "valence", "voice", "lexicon", "source", "negated", "hedged", "referent_link"]

@dataclass
class ScoreResult:
    """What :func:`score` returns: ``mentions``, ``documents`` and ``skipped`` tables.

    Unpacks as ``mentions, documents = framing.score(...)``.
    """

    mentions: pd.DataFrame
    documents: pd.DataFrame
    skipped: pd.DataFrame
    lexicons: list[Lexicon] = field(default_factory=list)
    descriptors: pd.DataFrame = field(default_factory=lambda: _NO_DESCRIPTORS.copy())
    #: Documents scored whose date could not be read: their ``date`` is NaT (see
    #: :class:`~framing.errors.UnreadableDateWarning`).
    unreadable_dates: int = 0

    def __iter__(self):
        return iter((self.mentions, self.documents))

    @property
    def policies(self) -> dict[str, str]:
        """Versioned names of the policies that produced these tables."""
        return dict(POLICIES)

    def __repr__(self) -> str:
        return (f"ScoreResult({len(self.mentions)} mentions in {len(self.documents)} documents, "
                f"{len(self.skipped)} skipped)")


def compile_lexicons(lexicons) -> CompiledMatcher:
    """Load (if needed) and compile one or several lexicons into a :class:`CompiledMatcher`.

    Lexicons given as files or bundled names are compiled once and then loaded from the cache of
    :mod:`framing.cache` (a 10,000-entry lexicon: about 0.15 s instead of 1 s).
    """
    if isinstance(lexicons, CompiledMatcher):
        return lexicons
    if isinstance(lexicons, (str, Path, Lexicon)):
        lexicons = [lexicons]
    lexicons = list(lexicons)
    if not lexicons:
        from .errors import LexiconError

        raise LexiconError(["no lexicon given; pass at least one (--lexicon FILE)"])

    def build() -> CompiledMatcher:
        return CompiledMatcher([load_lexicon(x) for x in lexicons])

    if all(isinstance(x, (str, Path)) for x in lexicons):
        from .lexicon import _resolve

        return cached_matcher([_resolve(x, None) for x in lexicons], build)
    return build()


def _none_for_missing(column: pd.Series) -> np.ndarray:
    """A document column as an object array with None where a value is missing (NaN, NA)."""
    values = column.to_numpy(dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values


def _mention_columns(docs: pd.DataFrame, texts: list[str], matcher: CompiledMatcher, doc, start, end, tid) -> dict:
    """The columns of a chunk's mentions that the matcher gives (in table order; the rest are
    filled in by :func:`_score_chunk`)."""
    cols = matcher.target_columns
    return {
        "doc_id": _none_for_missing(docs["doc_id"])[doc],
        "outlet": _none_for_missing(docs["outlet"])[doc],
        "sentence": None,
        "start": start,
        "end": end,
        "surface": _kernels.slices(texts, doc, start, end),
        "entry": cols["entry"][tid],
        "term": cols["term"][tid],
        "category": cols["category"][tid],
        "referent": cols["referent"][tid],
        "valence": cols["valence"][tid],
        "voice": None,
        "lexicon": cols["lexicon"][tid],
    }


def _score_chunk(docs: pd.DataFrame, matcher: CompiledMatcher, sentences: bool, voice: bool = True,
                 keep_text: bool = True):
    texts = docs["text"].tolist()
    batch = matcher.batch(texts)
    doc, start, end, tid = matcher.find(batch)
    bounds = np.searchsorted(doc, np.arange(len(docs) + 1)).tolist()
    mcols = _mention_columns(docs, texts, matcher, doc, start, end, tid)
    n_sent = [0] * len(docs)  # (a list: setting an array's items one by one cost 0.7 % of score)
    # (a text has a dozen mentions: Python lists per text, not NumPy's fixed cost per call)
    voices, sources = ["author"] * len(doc), [""] * len(doc)
    negated, hedged = [False] * len(doc), [False] * len(doc)
    desc_rows: list[tuple] = []
    names = {r.id: r.name for lex in matcher.lexicons for r in lex.referents.values()}
    # descriptors describe mentions with a referent, and speakers resolve to referent mentions: a
    # chunk without any has none to look for (lexicons without referents), nor any use for the
    # columns they read as lists
    any_referent = not pd.isna(mcols["referent"]).all()
    any_person = bool((mcols["category"] == REFERENT_CATEGORY).any())
    cols = {k: mcols[k].tolist() for k in (("start", "end", "category", "referent", "entry", "lexicon")
                                           if any_referent or any_person else ("start", "end"))}
    starts_all, ends_all = cols["start"], cols["end"]
    # the middle and last character of every mention, for the whole chunk at once (lists per text
    # made here cost 3 % of score)
    mid_arr = (start + end - 1) // 2
    mids_all = mid_arr.tolist()
    # texts whose mentions' middles rise strictly: their distinct middles, sorted, are those middles
    # as they come (nearly every text: sorting a set of them per text was 2 % of score)
    falls = np.flatnonzero((mid_arr[1:] <= mid_arr[:-1]) & (doc[1:] == doc[:-1]))
    rising = np.ones(len(docs), dtype=bool)
    rising[doc[falls]] = False
    rising = rising.tolist()
    lasts_all = (end - 1).tolist()
    att = Attribution.default() if voice else None
    doc_ids, outlets = docs["doc_id"].tolist(), docs["outlet"].tolist()
    sent_starts: list[int] = []  # the sentence starts of the texts with mentions, text after text
    for i, text in enumerate(texts):
        a, b = bounds[i], bounds[i + 1]
        if not sentences and not (voice and b > a):
            continue
        spans = sentence_spans(text) if sentences else None
        s_, e_ = starts_all[a:b], ends_all[a:b]
        mids = mids_all[a:b]
        # voice attribution reads only the sentences around mentions (the same voices as reading all),
        # unless they hold most of the text: finding them then costs more than it saves
        if voice and b > a:
            sparse = len(text) >= _WHOLE_TEXT_CHARS * (b - a)
            d = _Doc(text, att, _points(s_, e_, mids, lasts_all[a:b]) if sparse else None, spans)
        else:
            d = None
        if sentences:
            n_sent[i] = len(spans)
            if b > a:
                sent_starts += map(_FIRST, spans)
        if d is None:
            continue
        if any_referent:
            m = {k: cols[k][a:b] for k in cols}
            rows = extract(text, m, d, None)
        else:
            rows = []
        persons = [(x, names.get(r_, "")) for x, r_, c_ in zip(s_, cols["referent"][a:b], cols["category"][a:b])
                   if c_ == REFERENT_CATEGORY] if any_person else []
        # the segments that can hold the middle of a mention or a descriptor (what voice_of reads)
        if rows:
            d_start, d_end = [r[2] for r in rows], [r[3] for r in rows]
            held = sorted(set(mids).union((x + y - 1) // 2 for x, y in zip(d_start, d_end)))
        else:
            held = mids if rising[i] else sorted(set(mids))
        segs = _segments(d, persons, held)
        voices[a:b], sources[a:b] = _voices(segs, s_, e_)
        negated[a:b], hedged[a:b] = _flags(d, s_, att)
        if rows:
            dv, _ = _voices(segs, d_start, d_end)
            did, out = doc_ids[i], outlets[i]
            desc_rows += [(did, out, r[0], r[1], r[2], r[3], r[4], v, r[5], r[6]) for r, v in zip(rows, dv)]
    # each table built once, from whole columns
    n_sent = np.fromiter(n_sent, dtype=np.int64, count=len(n_sent))
    if not keep_text:
        docs = docs.drop(columns="text")
    docs = docs.assign(n_tokens=batch.n_tokens, n_sentences=n_sent if sentences else -1,
                       n_mentions=np.bincount(doc, minlength=len(docs)).astype(np.int64))
    # (not computed without sentences: they were split only around mentions, if at all)
    mcols["sentence"] = (_sentence_of(doc, start, n_sent, bounds, sent_starts) if sentences
                         else np.full(len(doc), -1, dtype=np.int64))
    mcols["voice"] = voices
    mcols["source"] = sources
    # (fromiter: asarray reads a list's shape and types first)
    mcols["negated"] = np.fromiter(negated, dtype=bool, count=len(negated))
    mcols["hedged"] = np.fromiter(hedged, dtype=bool, count=len(hedged))
    if desc_rows:
        dcols = dict(zip(DESCRIPTOR_COLUMNS, (list(x) for x in zip(*desc_rows))))
        dcols["start"], dcols["end"] = (np.asarray(dcols[k], dtype=np.int64) for k in ("start", "end"))
        desc = frame_of(dcols, len(desc_rows))
    else:
        desc = _NO_DESCRIPTORS.copy()  # (a copy costs a twentieth of a new table)
    rows = ((r[0], r[4], r[5], r[6], r[2]) for r in desc_rows)  # doc_id, start, end, construction, referent
    mcols["referent"], mcols["referent_link"] = referent_links(mcols["doc_id"], starts_all, ends_all,
                                                               mcols["referent"], mcols["category"], rows)
    mentions = frame_of({k: mcols[k] for k in MENTION_COLUMNS}, len(doc))
    return docs, mentions, desc


# (offsets as integers, as in a table with rows; the other columns of object dtype)
_NO_DESCRIPTORS = pd.DataFrame(columns=DESCRIPTOR_COLUMNS).astype({"start": np.int64, "end": np.int64})
_FIRST = itemgetter(0)  # (a sentence's start)

# A text is read whole by voice attribution (split into sentences and tokenised whole, no lines and
# sentences chosen around its mentions) when it has a mention for every this many characters or
# fewer. In benchmarks/bench_whole_text.py (texts of 1,000-32,000 characters, sentences split
# already), reading whole took 0.73-1.04x the time of reading around mentions 100-300 characters
# apart, 0.80-1.20x at 700, 1.06-1.49x at 1,000 and 1.56-1.91x at 3,000; without the sentence
# index, score on 20 MB of news took 1/1.16 of the time with the benchmark lexicon and 1/1.08 with
# the shipped ones. The voices are the same either way.
_WHOLE_TEXT_CHARS = 700


def _sentence_of(doc: np.ndarray, start: np.ndarray, n_sent: np.ndarray, bounds: list[int],
                 sent_starts: list[int]) -> np.ndarray:
    """The index within its text of the last sentence starting at or before each mention (0 for
    none), from the sentence starts of the texts with mentions, text after text: one search for a
    chunk (a bisection per mention in Python was a twentieth of ``score``)."""
    with_mentions = np.diff(np.asarray(bounds)) > 0
    counts = np.where(with_mentions, n_sent, 0)
    first = np.concatenate([[0], np.cumsum(counts)])  # where each text's sentences begin in sent_starts
    sent = np.fromiter(sent_starts, dtype=np.int64, count=len(sent_starts))
    width = int(max(sent.max(initial=0), start.max(initial=0))) + 1  # (keys: text, then offset)
    keys = np.repeat(np.arange(len(counts), dtype=np.int64), counts) * width + sent
    at = np.searchsorted(keys, doc.astype(np.int64) * width + start.astype(np.int64), side="right") - 1
    return np.maximum(at - first[doc], 0).astype(np.int64)


def _points(start, end, mid: list[int] | None = None, last: list[int] | None = None) -> list[int]:
    """The first, middle and last character of every mention (a mention may run over a line break,
    and takes the voice of the segment holding its middle); ``start``, ``end`` as lists or arrays,
    ``mid`` and ``last`` the middles and last characters when already computed."""
    if not isinstance(start, list):
        start, end = np.asarray(start).tolist(), np.asarray(end).tolist()
    if mid is None:
        mid = [(s + e - 1) // 2 for s, e in zip(start, end)]
    return start + mid + (last if last is not None else [e - 1 for e in end])


# Threads scoring a chunk with the cyclic garbage collector paused by _score_docs (it was on before)
_PAUSED: set[int] = set()


def _score_docs(state: dict, docs: pd.DataFrame):
    # The cyclic garbage collector is paused while a chunk is scored, and switched back on after
    # (unless it was off already): scoring a chunk makes hundreds of thousands of short-lived
    # tuples and lists, none in a cycle, and each 700 of them started a collection of the young
    # objects (1.5 % of score's instructions). The switch is the process's: a score in one thread
    # pauses it for the others too. (disable() inside the try, and no context manager: an
    # interrupt between the two left it off; helper-43.)
    was = gc.isenabled()
    me = threading.get_ident()
    try:
        if was:
            _PAUSED.add(me)
        gc.disable()
        return _score_chunk(docs, state["matcher"], state["sentences"], state["voice"], state["text"])
    finally:
        if was:
            _PAUSED.discard(me)
            gc.enable()


def _collector_on_in_child() -> None:
    """A process forked while another thread scored a chunk (the caller's, or a worker of a pool
    built by a second thread) has the collector on, as it was before that chunk: that thread does
    not go on in the child to switch it back on."""
    if _PAUSED:
        _PAUSED.clear()
        gc.enable()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_collector_on_in_child)


# A text of our own with the things a first chunk meets (quotations, attributions, abbreviations,
# a paragraph break), around some of the lexicon's terms: scored once before workers are forked
_WARM_TEXT = ('The minister said on Monday that "{0} had moved into the city," according to officials. '
              "Mr. Smith, a spokesman for the U.S. embassy, told reporters that {1} and {2} were not there.\n\n"
              '"We reject it," {3} said. Analysts described {4} as {5}, {6} and {7}, citing local sources.')


def _warm(state: dict) -> None:
    """Score a small document with some of the matcher's terms and referents in it, so that what
    is built on first use (tables, caches) is built before ``--jobs`` forks its workers (see
    :func:`framing._parallel.ordered_map`)."""
    matcher = state["matcher"]
    keys = [" ".join(k.split()) for k in matcher.keys]
    names = [r.name for lex in matcher.lexicons for r in lex.referents.values()]
    picks = (names[:2] + [keys[i * len(keys) // 8] for i in range(8)] if keys else []) + ["it"] * 8
    docs = frame_of({"doc_id": ["warm"], "outlet": ["warm"], "date": pd.Series([pd.NaT], dtype="datetime64[ns]"),
                     "title": [""],
                     "text": [_WARM_TEXT.format(*picks)]}, 1)
    state["work"](state, docs)


def _drop_scored(out, keep: np.ndarray, dropped: set[str]):
    """Scored tables without the documents ``keep`` leaves out (ids repeated across blocks: those
    ids belong to no other document of the chunk)."""
    d, m, desc = out
    return (d[keep].reset_index(drop=True), m[~m["doc_id"].isin(dropped)].reset_index(drop=True),
            desc[~desc["doc_id"].isin(dropped)].reset_index(drop=True))


def _chunk_task(state: dict, item):
    """Worker side: standardised documents (or a block of JSON Lines or rows of a table to parse
    and check first) -> outputs."""
    _kernels.keep_chunks_on_the_heap()
    if isinstance(item, tuple):
        docs, skipped = item
        return state["work"](state, docs), skipped
    try:
        parsed = state["parse"](item)
        if type(parsed) is tuple:  # (a Corpus's documents, scored as they are)
            return state["work"](state, parsed[0]), None
        return state["work"](state, parsed.docs), parsed.light()
    except (InvalidLiteral, CorpusError):
        # A text left in its bytes is not valid UTF-8, or an error was found after one (whose own
        # error, when it has one, comes first): the block read again whole fails as it always has
        if not state["parse"].cut:
            raise
        parsed = state["parse"].whole(item)
        return state["work"](state, parsed.docs), parsed.light()


def _chunks(source, work, drop, state: dict, jobs: int, chunk_rows: int, read_options: dict, cut: bool = False,
            notes: _DateNotes | None = None):
    """``(work(state, documents), skipped)`` for every chunk of the corpus, in input order, computed
    in ``jobs`` processes. A JSON Lines file is cut into blocks of lines that the workers decode and
    parse themselves, so the main process only reads bytes; ids repeated across blocks are then
    skipped here, in order, and ``drop(output, keep, dropped_ids)`` removes their rows. With several
    processes, a DataFrame, CSV, TSV or Parquet source is cut into rows that the workers check
    themselves, skipped likewise (``framing/_rows.py``; a CSV or TSV file into byte ranges that the
    workers read, ``framing/_csvranges.py``). ``cut``:
    ``work`` reads texts only through :meth:`framing.batch.TextBatch.build`, so a JSON Lines file's
    texts may stay in its bytes (``framing/_jsontext.py``). ``notes`` gathers the documents kept whose
    date could not be read (a Corpus's were reported when it was read)."""
    notes = _DateNotes() if notes is None else notes
    check_metadata_source(source, read_options.get("metadata"))
    # Several processes: small blocks at the start and the end of the input, so that every process
    # is kept busy (the tables do not change)
    check_chunk_rows(chunk_rows)
    small = min(chunk_rows, 250) if jobs > 1 else None
    state = {**state, "work": work}
    plan = _blocks_plan(source, chunk_rows, read_options, small, cut)
    if plan is not None:
        blocks, parse = plan
        yield from _deduped(ordered_map(_chunk_task, blocks, state={**state, "parse": parse}, jobs=jobs,
                                        remote=_remote, local=_parsed_here, warm=_warm), drop, notes)
        return
    # Other table sources with several processes, and a Corpus always (bounded chunks): rows that
    # the workers check themselves, and of a DataFrame or Corpus, under fork, only their positions
    # travel (framing/_rows.py)
    plan = rows_plan(source, chunk_rows, read_options, small) if jobs > 1 or isinstance(source, Corpus) else None
    if plan is None:  # (JSON arrays and folders, read here: in chunks of chunk_rows with any jobs, since a
        # writer keeps the documents columns of the first chunk, which chunks of 250 made depend on jobs)
        yield from ordered_map(_chunk_task, _corpus_chunks(source, notes, chunk_rows=chunk_rows, **read_options),
                               state=state, jobs=jobs, warm=_warm)
        return
    rows, parse = plan
    remote = None if parse.frame is None or start_method() == "fork" else parse.with_rows
    results = ordered_map(_chunk_task, rows, state={**state, "parse": parse}, jobs=jobs, remote=remote, warm=_warm)
    if isinstance(parse, RangeParser):  # (byte ranges of a CSV file: numbered here, in order)
        yield from _deduped(_numbered(results, rows, parse, chunk_rows, lambda docs: work(state, docs)), drop, notes)
        return
    if not parse.documents:
        yield from _deduped(results, drop, notes)
        return
    for i, (out, _) in enumerate(results):  # (a Corpus's skipped rows: with its first chunk)
        yield out, source.skipped if i == 0 else _NO_SKIPS.copy()


def _numbered(results, rows, parse: RangeParser, chunk_rows: int, score):
    """The workers' results for byte ranges of a CSV file, their rows numbered through the file.
    After a range that could not be read on its own, the rest of the file is read and scored
    (``score(documents)``) here, in order (:meth:`framing._csvranges.RangeParser.read_on`)."""
    before = 0
    try:
        for out, parsed in results:
            yield out, parsed.renumbered(before, parse.prefix)
            before += parsed.records
    except IrregularRange:
        results.close()  # (the workers stop)
        _close(rows)  # (and the ranges' file is closed)
        for parsed in parse.read_on(before, chunk_rows):
            yield score(parsed.docs), parsed
    finally:
        _close(rows)


def _close(items) -> None:
    close = getattr(items, "close", None)  # (a generator's; an iterator of a list has none)
    if close is not None:
        close()


def _deduped(results, drop, notes: _DateNotes):
    """``(output, skipped)`` of each ``(output, parsed)`` of a worker, in order: ids repeated across
    chunks skipped, and their rows removed from the output by ``drop(output, keep, dropped_ids)``;
    the documents kept whose date could not be read added to ``notes``."""
    dedupe = _Dedupe()
    for out, parsed in results:
        keep, skipped = dedupe(parsed)
        notes.add(parsed.bad_date_locations(keep))
        if not all(keep):
            dropped = {i for i, k in zip(parsed.doc_ids, keep) if not k}
            out = drop(out, np.asarray(keep, dtype=bool), dropped)
        yield out, skipped


def _remote(block):
    """What a worker process is sent for a block: where it lies in its file."""
    return block.ref()


def _parsed_here(block) -> bool:
    """Whether the main process has parsed the block already (the first blocks, read for the column
    roles): it scores those itself while the workers start on the blocks after them, which they
    would otherwise parse again (on 20 MB with two processes, a tenth of their extra instructions)."""
    return getattr(block, "lines", None) is not None


def iter_score(source, lexicons, *, sentences: bool = True, voice: bool = True, progress: bool | None = None,
               chunk_rows: int = CHUNK_ROWS, jobs: int | None = None, text: bool = True,
               **read_options) -> Iterator[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    """Score a corpus chunk by chunk: yields ``(documents, mentions, skipped, descriptors)`` per chunk.

    Memory stays bounded by the chunk size whatever the corpus size; the command line writes each
    chunk as it comes. With ``jobs`` > 1, chunks are scored in that many processes and still come
    back in input order. Other parameters as in :func:`score`.

    Warns
    -----
    UnreadableDateWarning
        Once, at the end, when documents were scored whose date could not be read (their ``date``
        is NaT): how many, and where the first are.
    """
    notes = _DateNotes()
    yield from _score_chunks(source, lexicons, notes, sentences=sentences, voice=voice, progress=progress,
                             chunk_rows=chunk_rows, jobs=jobs, text=text, **read_options)
    notes.warn()


def _score_chunks(source, lexicons, notes: _DateNotes, *, sentences: bool, voice: bool, progress: bool | None,
                  chunk_rows: int, jobs: int | None, text: bool, **read_options):
    """:func:`iter_score`, whose documents kept with an unreadable date are added to ``notes``."""
    matcher = compile_lexicons(lexicons)
    state = {"matcher": matcher, "sentences": sentences, "voice": voice, "text": text}
    bar = tqdm(unit="doc", desc="scoring", disable=None if progress is None else not progress, leave=False)
    chunks = 0
    try:
        for (d, m, desc), skipped in _chunks(source, _score_docs, _drop_scored, state, resolve_jobs(jobs),
                                             chunk_rows, read_options, notes=notes):
            bar.update(len(d) + len(skipped))
            chunks += 1
            yield d, m, skipped, desc
    finally:
        bar.close()
    if not chunks:  # (an input of no chunk at all, as an empty JSON array: the tables of no documents,
        # typed as those of a CSV header, so that a writer has their columns to write)
        d, m, desc = _score_chunk(_no_documents(), matcher, sentences, voice, keep_text=text)
        yield d, m, _NO_SKIPS.copy(), desc


def score(corpus, lexicons, *, sentences: bool = True, voice: bool = True, progress: bool | None = None,
          jobs: int | None = None, chunk_rows: int = CHUNK_ROWS, text: bool = True, **read_options) -> ScoreResult:
    """Find every mention of every lexicon term and referent alias in a corpus.

    Parameters
    ----------
    corpus : Corpus, DataFrame, str or Path
        A :class:`~framing.corpus.Corpus`, or anything :func:`framing.read_corpus` reads (then
        ``read_options`` such as ``text_col=`` are passed on to it).
    lexicons : lexicon, name, path, or a list of them, or a CompiledMatcher
        E.g. ``"libya"`` (shipped), ``"my.yaml"``, or ``[lex1, lex2]``.
    sentences : bool, default True
        Compute the ``sentence`` of every mention and ``n_sentences`` of every document
        (:mod:`framing.sentences`). With False, ``sentence`` and ``n_sentences`` are -1 (not
        computed), and voice attribution splits only the lines that hold mentions.
    voice : bool, default True
        Attribute every mention to a voice (:mod:`framing.voice`), flag negation and hedging, and
        extract the descriptors attached to referents (:mod:`framing.descriptors`). With False,
        ``voice`` is ``author`` everywhere and no descriptors are extracted.
    progress : bool, optional
        Show a progress bar; by default only when writing to a terminal.
    jobs : int, optional
        Processes to score with (0: all cores); results are identical to one process, row order
        included. A DataFrame or Corpus must not change while it is scored: forked workers read its
        rows as they were when the workers started.
    chunk_rows : int, default 500
        Documents (JSON Lines: lines) per chunk: memory is set by one chunk. With ``jobs`` > 1 the
        chunks after the first, up to the 1,000th document, and the last four chunks of a JSON Lines,
        CSV, TSV or Parquet file or a DataFrame hold at most 250, so that every process gets work
        soon and all finish together; the tables do not depend on it. (A writer of chunks, as the
        command line's, keeps the documents columns of the first chunk, which is the same with any
        ``jobs``.)
    text : bool, default True
        Keep each document's text in ``documents``. False leaves the column out: less memory, and
        with ``jobs`` > 1 the texts are not sent back from the worker processes (on 20 MB of news
        that transfer was more than a quarter of the extra instructions of two processes over one). The
        command line, which writes documents without their texts, passes False.

    Returns
    -------
    ScoreResult
        ``mentions`` (columns in the module docstring), ``documents`` (the corpus documents with
        ``n_tokens``, ``n_sentences`` and ``n_mentions`` added; without ``text`` when ``text`` is
        False) and ``skipped``; ``unreadable_dates`` counts the documents scored whose date could
        not be read.

    Warns
    -----
    UnreadableDateWarning
        When documents were scored whose date could not be read (their ``date`` is NaT): how
        many, and where the first are. They are scored like the others.

    Examples
    --------
    >>> import framing
    >>> res = framing.score(framing.demo_corpus(), "libya")
    >>> res.mentions[["outlet", "surface", "category"]].head(3)  # doctest: +SKIP
    """
    matcher = compile_lexicons(lexicons)
    docs, ments, skips, descs = [], [], [], []
    notes = _DateNotes()
    for d, m, s, ds in _score_chunks(corpus, matcher, notes, sentences=sentences, voice=voice, progress=progress,
                                     jobs=jobs, chunk_rows=chunk_rows, text=text, **read_options):
        docs.append(d)
        ments.append(m)
        skips.append(s)
        descs.append(ds)
    documents = _concat(docs)
    mentions = _concat(ments)
    skipped = _concat(skips)
    descriptors = _concat(descs)
    notes.warn()
    # (a Corpus's unreadable dates were reported when it was read; those of its documents now)
    unreadable = corpus.unreadable_dates if isinstance(corpus, Corpus) else notes.count
    return ScoreResult(mentions, documents, skipped, matcher.lexicons, descriptors, unreadable)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)




#: Documents per chunk for :func:`count`: it keeps no mentions, only a row of counts per document, so
#: twice :data:`framing.corpus.CHUNK_ROWS` costs 24 MiB at the peak (about 190 MiB on news text) and
#: saves a tenth of the time (per-chunk work: tables, arrays); 2,000 is slower again (cache).
COUNT_CHUNK_ROWS = 1_000


def count(corpus, lexicons, *, progress: bool | None = None, jobs: int | None = None,
          chunk_rows: int = COUNT_CHUNK_ROWS, **read_options) -> pd.DataFrame:
    """The document × category count matrix (LIWC-style output): the fast path.

    Parameters
    ----------
    corpus, lexicons
        As in :func:`score`.
    chunk_rows : int, default 1,000
        Documents read and counted at a time (memory is bounded by one chunk).

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``outlet``, ``n_tokens`` and one integer column per category (in lexicon
        order; ``referent`` counts alias occurrences), one row per scored document. Mentions are
        counted with exactly the same matching as :func:`score`.
    """
    matcher = compile_lexicons(lexicons)
    frames = list(iter_count(corpus, matcher, progress=progress, jobs=jobs, chunk_rows=chunk_rows, **read_options))
    return _concat([c for c, _ in frames])


def _count_frame(docs: pd.DataFrame, matcher: CompiledMatcher) -> pd.DataFrame:
    ncat = len(matcher.categories)
    batch = matcher.batch(docs["text"].tolist())
    doc, _, _, tid = matcher.find(batch, ordered=False)
    flat = doc * ncat + matcher.target_category[tid]
    mat = np.bincount(flat, minlength=len(docs) * ncat).reshape(len(docs), ncat).astype(np.int64)
    # ids and outlets as Python objects, like the other tables (inserted into the table of counts,
    # pandas made them Arrow strings, a copy of every id)
    ids = frame_of({"doc_id": docs["doc_id"].to_numpy(dtype=object), "outlet": docs["outlet"].to_numpy(dtype=object),
                  "n_tokens": np.asarray(batch.n_tokens, dtype=np.int64)}, len(docs))
    return pd.concat([ids, pd.DataFrame(mat, columns=matcher.categories)], axis=1)


_COUNT_ID_COLUMNS = ("doc_id", "outlet", "n_tokens")  # before the categories in the count table


def _count_docs(state: dict, docs: pd.DataFrame) -> pd.DataFrame:
    return _count_frame(docs, state["matcher"])


def _drop_counted(out: pd.DataFrame, keep: np.ndarray, dropped: set[str]) -> pd.DataFrame:
    return out[keep].reset_index(drop=True)


def iter_count(source, lexicons, *, progress: bool | None = None, chunk_rows: int = COUNT_CHUNK_ROWS,
               jobs: int | None = None, **read_options) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Stream ``(counts, skipped)`` chunks; see :func:`count`. Documents counted whose date could not
    be read are reported at the end in one :class:`~framing.errors.UnreadableDateWarning`."""
    notes = _DateNotes()
    yield from _count_chunks(source, lexicons, notes, progress=progress, chunk_rows=chunk_rows, jobs=jobs,
                             **read_options)
    notes.warn()


def _count_chunks(source, lexicons, notes: _DateNotes, *, progress: bool | None, chunk_rows: int,
                  jobs: int | None, **read_options) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """:func:`iter_count`, whose documents counted with an unreadable date are added to ``notes``."""
    state = {"matcher": compile_lexicons(lexicons)}
    clash = [c for c in state["matcher"].categories if c in _COUNT_ID_COLUMNS]
    if clash:
        from .errors import LexiconError

        raise LexiconError([f"category '{clash[0]}' has the name of a column of the count table "
                            f"({', '.join(_COUNT_ID_COLUMNS)}); rename the category to count with it"])
    bar = tqdm(unit="doc", desc="counting", disable=None if progress is None else not progress, leave=False)
    chunks = 0
    try:
        for out, skipped in _chunks(source, _count_docs, _drop_counted, state, resolve_jobs(jobs), chunk_rows,
                                    read_options, cut=True, notes=notes):
            bar.update(len(out) + len(skipped))
            chunks += 1
            yield out, skipped
    finally:
        bar.close()
    if not chunks:  # (no chunk at all: the count table of no documents, typed, as for score)
        yield _count_frame(_no_documents(), state["matcher"]), _NO_SKIPS.copy()
