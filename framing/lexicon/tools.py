"""Working with lexicons as data: statistics, merging, splitting by category.

* :func:`lexicon_stats` -- entries per category, the share of multiword and wildcard terms, the
  terms that sit in several categories (exactly, or through a wildcard), and terms whose symbols
  the tokenizer drops (``a+`` matches the article ``a``);
* :func:`merge_lexicons` -- the union of two lexicons, with every conflict reported;
* :func:`split_by_category` -- one lexicon per category (so a LIWC dictionary, whose words may sit
  in several categories, can be written as native YAML files).
"""

from __future__ import annotations

import bisect
import copy
import re
from collections import defaultdict
from dataclasses import replace

import pandas as pd

from .model import Entry, Lexicon, Referent, term_key

__all__ = ["lexicon_stats", "merge_lexicons", "split_by_category"]

_DROPPED = re.compile(r"[^\w\s*'\u2019.\-\u2010-\u2015]")


def _where(lex: Lexicon, line) -> str:
    return lex.where(line)


def lexicon_stats(lexicon: Lexicon) -> dict[str, pd.DataFrame]:
    """Describe a lexicon.

    Parameters
    ----------
    lexicon : Lexicon

    Returns
    -------
    dict of DataFrame
        ``summary`` (one row: entries, distinct terms, categories, referents, aliases,
        ``multiword_share``, ``wildcard_share``, ``multi_category_terms``), ``categories`` (per
        category: ``entries``, ``multiword``, ``wildcard``, ``with_valence``, ``mean_valence``,
        ``with_referent``), ``overlaps`` (pairs of categories with the terms they share:
        ``exact`` = the same term in both, ``wildcard`` = a wildcard of one matches a term of the
        other; with up to five examples) and ``lossy`` (terms holding symbols that the tokenizer
        reads as spaces, so they match more than they say: ``a+`` matches ``a``).

    Notes
    -----
    Shares are over entries. Terms are compared in match form (case, hyphens and punctuation
    ignored), as the matcher compares them.

    Examples
    --------
    >>> from framing.lexicon import Lexicon, Category, Entry
    >>> lex = Lexicon("x", categories={"a": Category("a"), "b": Category("b")}, unique_terms=False,
    ...               entries=[Entry("kill*", "a"), Entry("killer", "b"), Entry("war crime", "a")])
    >>> lexicon_stats(lex)["overlaps"][["category_a", "category_b", "exact", "wildcard"]].values.tolist()
    [['a', 'b', 0, 1]]
    """
    rows = []
    for e in lexicon.entries:
        for s in e.surfaces:
            key = term_key(s)
            rows.append({"entry": e.id, "category": e.category, "surface": s, "key": key,
                         "multiword": len(key.split()) > 1, "wildcard": key.endswith("*"),
                         "valence": e.valence, "referent": e.referent, "is_term": s is e.term})
    df = pd.DataFrame(rows, columns=["entry", "category", "surface", "key", "multiword", "wildcard", "valence",
                                     "referent", "is_term"])
    terms = df[df["is_term"]] if len(df) else df
    n = len(lexicon.entries)
    cats_of = terms.groupby("key")["category"].agg(lambda s: sorted(set(s))) if len(terms) else pd.Series(dtype=object)
    multi_cat = int((cats_of.map(len) > 1).sum()) if len(cats_of) else 0
    summary = pd.DataFrame([{
        "lexicon": lexicon.name, "format": lexicon.attrs.get("format", ""), "entries": n,
        "distinct_terms": int(terms["key"].nunique()) if n else 0, "variants": int((~df["is_term"]).sum()),
        "categories": len(lexicon.categories), "referents": len(lexicon.referents),
        "aliases": sum(len(r.aliases) for r in lexicon.referents.values()),
        "multiword_share": float(terms["multiword"].mean()) if n else 0.0,
        "wildcard_share": float(terms["wildcard"].mean()) if n else 0.0,
        "multi_category_terms": multi_cat,
    }])
    order = list(lexicon.categories)
    per = []
    for cid in order:
        t = terms[terms["category"] == cid]
        per.append({"category": cid, "entries": len(t), "multiword": int(t["multiword"].sum()),
                    "wildcard": int(t["wildcard"].sum()), "with_valence": int(t["valence"].notna().sum()),
                    "mean_valence": float(t["valence"].mean()) if t["valence"].notna().any() else float("nan"),
                    "with_referent": int(t["referent"].notna().sum())})
    categories = pd.DataFrame(per, columns=["category", "entries", "multiword", "wildcard", "with_valence",
                                            "mean_valence", "with_referent"])
    return {"summary": summary, "categories": categories, "overlaps": _overlaps(df),
            "lossy": _lossy(lexicon)}


def _overlaps(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["category_a", "category_b", "exact", "wildcard", "examples"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    pairs: dict[tuple[str, str], dict] = defaultdict(lambda: {"exact": set(), "wildcard": set()})
    by_key = df.groupby("key")["category"].agg(lambda s: sorted(set(s)))
    for key, cats in by_key.items():
        for i, a in enumerate(cats):
            for b in cats[i + 1:]:
                pairs[(a, b)]["exact"].add(key)
    keys = sorted(set(df["key"]))
    cats_by_key = by_key.to_dict()
    for key in (k for k in keys if k.endswith("*")):
        prefix = key[:-1]
        lo = bisect.bisect_left(keys, prefix)
        for other in keys[lo:]:
            if not other.startswith(prefix):
                break
            if other == key or len(other.split()) != len(key.split()):
                continue
            for a in cats_by_key[key]:
                for b in cats_by_key[other]:
                    if a != b:
                        pairs[tuple(sorted((a, b)))]["wildcard"].add(f"{key} ~ {other}")
    out = [{"category_a": a, "category_b": b, "exact": len(v["exact"]), "wildcard": len(v["wildcard"]),
            "examples": "; ".join(sorted(v["exact"])[:5] + sorted(v["wildcard"])[:max(0, 5 - len(v["exact"]))])}
           for (a, b), v in pairs.items()]
    res = pd.DataFrame(out, columns=cols)
    if len(res):
        res = res.assign(_n=res["exact"] + res["wildcard"]).sort_values(["_n", "category_a", "category_b"],
                                                                        ascending=[False, True, True])
        res = res.drop(columns="_n").reset_index(drop=True)
    return res


def _lossy(lexicon: Lexicon) -> pd.DataFrame:
    rows = []
    for e in lexicon.entries:
        for s in e.surfaces:
            dropped = sorted(set(_DROPPED.findall(s)) - {"*"})
            if dropped:
                rows.append({"category": e.category, "term": s, "matches_as": term_key(s),
                             "dropped": "".join(dropped), "line": e.line})
    return pd.DataFrame(rows, columns=["category", "term", "matches_as", "dropped", "line"])


def split_by_category(lexicon: Lexicon) -> dict[str, Lexicon]:
    """One lexicon per category (named ``<lexicon>_<category>``), each with the referents the
    category's entries name. Every category of a multi-category lexicon is then a valid native
    lexicon, since a term sits at most once in a category."""
    out = {}
    for cid, cat in lexicon.categories.items():
        ents = [copy.deepcopy(e) for e in lexicon.entries if e.category == cid]
        refs = {r: copy.deepcopy(lexicon.referents[r]) for r in dict.fromkeys(e.referent for e in ents)
                if r is not None and r in lexicon.referents}
        safe = cid.replace("/", "_")
        out[cid] = Lexicon(name=f"{lexicon.name}_{safe}", version=lexicon.version, language=lexicon.language,
                           description=lexicon.description, referents=refs, categories={cid: replace(cat)},
                           entries=ents, attrs={k: v for k, v in lexicon.attrs.items() if k == "format"})
    return out


def merge_lexicons(first: Lexicon, second: Lexicon, *, name: str | None = None,
                   prefer: str = "first") -> tuple[Lexicon, list[str]]:
    """The union of two lexicons, and every conflict found.

    Parameters
    ----------
    first, second : Lexicon
    name : str, optional
        Name of the result (default: the first lexicon's name).
    prefer : {"first", "second"}
        Whose value wins a conflict.

    Returns
    -------
    (Lexicon, list of str)
        The merged lexicon, and one message per conflict, naming both files and lines:
        the same term with different valences or referents; the same term in two categories when
        the result must keep terms unique (both inputs native); a category or referent declared in
        both with different descriptions or names; an alias claimed by two referents. Entries that
        agree are merged quietly (their variants and exclusions united).

    Notes
    -----
    The result keeps terms unique (native rules) when both inputs do; otherwise a term may sit
    in several categories, as in the multi-category formats.
    """
    if prefer not in ("first", "second"):
        raise ValueError("prefer must be 'first' or 'second'")
    win, lose = (first, second) if prefer == "first" else (second, first)
    conflicts: list[str] = []
    unique = first.unique_terms and second.unique_terms
    out = Lexicon(name=name or first.name, version=first.version, language=first.language,
                  description=first.description or second.description, unique_terms=unique, attrs={})

    def both(a_lex, a_line, b_lex, b_line) -> str:
        return f"{a_lex.where(a_line)} / {b_lex.where(b_line)}"

    for src in (first, second):
        for cid, cat in src.categories.items():
            if cid not in out.categories:
                out.categories[cid] = replace(cat)
            else:
                old = out.categories[cid]
                if cat.description and old.description and cat.description != old.description:
                    keep = win.categories[cid].description
                    conflicts.append(f"{both(first, first.categories[cid].line, second, cat.line)}: category "
                                     f"'{cid}' has two descriptions; kept the {prefer} lexicon's")
                    old.description = keep
                elif not old.description:
                    old.description = cat.description
    alias_owner: dict[str, tuple[str, Lexicon, int | None]] = {}
    for src in (win, lose):
        for rid, ref in src.referents.items():
            if rid in out.referents:
                mine = out.referents[rid]
                if ref.name != mine.name:
                    conflicts.append(f"{both(win, win.referents[rid].line, lose, ref.line)}: referent '{rid}' is "
                                     f"named {mine.name!r} and {ref.name!r}; kept {mine.name!r}")
            else:
                mine = out.referents[rid] = Referent(rid, ref.name, [], line=ref.line)
            for alias in ref.aliases:
                key = term_key(alias)
                owner = alias_owner.get(key)
                if owner is None:
                    alias_owner[key] = (rid, src, ref.line)
                    mine.aliases.append(alias)
                elif owner[0] != rid:
                    conflicts.append(f"{both(owner[1], owner[2], src, ref.line)}: alias {alias!r} belongs to "
                                     f"referent '{owner[0]}' and to '{rid}'; kept it for '{owner[0]}'")
    index: dict[tuple[str, str] | str, Entry] = {}  # (category, key) or key (unique results)
    for src in (win, lose):
        for e in src.entries:
            key = term_key(e.term)
            slot = key if unique else (e.category, key)
            old = index.get(slot)
            if old is None:
                new = copy.deepcopy(e)
                new.variants = []
                index[slot] = new
                out.entries.append(new)
                _add_surfaces(new, e, index, unique, conflicts, src, win, prefer)
                continue
            old_src = win if src is lose else src
            where = both(old_src, old.line, src, e.line)
            if old.category != e.category:
                conflicts.append(f"{where}: term {e.term!r} is in category '{old.category}' and '{e.category}'; "
                                 f"native lexicons give a term one category: kept '{old.category}' ({prefer})")
                continue
            if (old.valence is None) != (e.valence is None) or (
                    old.valence is not None and abs(old.valence - e.valence) > 1e-9):
                if old.valence is None:
                    old.valence = e.valence
                elif e.valence is not None:
                    conflicts.append(f"{where}: term {e.term!r} has valence {old.valence:g} and {e.valence:g}; "
                                     f"kept {old.valence:g} ({prefer})")
            if e.referent != old.referent:
                if old.referent is None:
                    old.referent = e.referent
                elif e.referent is not None:
                    conflicts.append(f"{where}: term {e.term!r} labels referent '{old.referent}' and "
                                     f"'{e.referent}'; kept '{old.referent}' ({prefer})")
            _add_surfaces(old, e, index, unique, conflicts, src, win, prefer)
            for x in e.exclude:
                if x not in old.exclude:
                    old.exclude.append(x)
            old.notes = old.notes or e.notes
            old.source = old.source or e.source
            for k, v in e.attrs.items():
                old.attrs.setdefault(k, v)
    for e in out.entries:
        e.line = None  # lines of two files mean nothing in the result
    for r in out.referents.values():
        r.line = None
    for c in out.categories.values():
        c.line = None
    return out, conflicts


def _add_surfaces(target: Entry, e: Entry, index: dict, unique: bool, conflicts: list[str], src: Lexicon,
                  win: Lexicon, prefer: str) -> None:
    for v in e.variants:
        key = term_key(v)
        slot = key if unique else (e.category, key)
        if slot in index and index[slot] is not target:
            conflicts.append(f"{src.where(e.line)}: variant {v!r} of {e.term!r} is already the term or a variant "
                             f"of {index[slot].term!r}; dropped it")
            continue
        if slot not in index:
            index[slot] = target
        if v not in target.variants and term_key(v) != term_key(target.term):
            target.variants.append(v)
