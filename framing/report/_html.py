"""The report page: one self-contained HTML file, no JavaScript, no network, every text escaped."""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__
from ..lexicon.model import REFERENT_CATEGORY
from ..plots import VOICE_COLOURS
from ._audit import Cell

__all__ = ["render", "esc"]

VOICE_TEXT = {"author": "author", "quoted": "quoted", "attributed": "attributed", "scare_quoted": "scare-quoted"}

CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 -apple-system, "Segoe UI", "DejaVu Sans",
       Helvetica, Arial, sans-serif; }
header, main, footer { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; border-bottom: 1px solid var(--line); padding-bottom: 14px; }
h1 { font-size: 28px; margin: 0 0 6px; }
h2 { font-size: 22px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 17px; margin: 24px 0 8px; }
h4 { font-size: 15px; margin: 14px 0 4px; }
p.lead { color: var(--muted); margin: 0; max-width: 960px; }
nav { max-width: 1240px; margin: 0 auto; padding: 10px 24px; }
nav ol { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 6px 18px; }
nav a { color: var(--accent); text-decoration: none; }
a { color: var(--accent); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0 12px; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 6px 0 8px; font-size: 13px; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
.scroll { overflow-x: auto; max-width: 100%; }
p.note { color: var(--muted); font-size: 13px; margin: 2px 0 10px; }
figure { margin: 18px 0 26px; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 13px; max-width: 1000px; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
pre { background: var(--soft); padding: 10px; overflow-x: auto; font-size: 13px; }
details { border: 1px solid var(--line); border-radius: 4px; margin: 6px 0; padding: 4px 10px; }
details > summary { cursor: pointer; font-weight: 600; }
details details { border-color: #e6eaef; }
ul.kwic { list-style: none; padding: 0; margin: 4px 0 8px; }
ul.kwic li { font-size: 13px; padding: 2px 0; border-bottom: 1px dotted #e6eaef; }
ul.kwic .ctx { color: #3d444d; }
ul.kwic mark { padding: 0 2px; border-radius: 2px; font-weight: 600; color: #000; }
.voice { display: inline-block; min-width: 86px; font-size: 11px; font-weight: 600; color: #fff; border-radius: 3px;
         padding: 0 5px; margin-right: 6px; text-align: center; }
.meta { color: var(--muted); font-size: 11px; margin-left: 6px; }
.badge-row span.voice { margin-right: 10px; }
footer { color: var(--muted); font-size: 12px; padding: 24px; border-top: 1px solid var(--line); margin-top: 40px; }
"""


def esc(value: Any) -> str:
    """HTML-escaped text (``&``, ``<``, ``>``, both quotes); missing values become empty text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def _voice_css() -> str:
    rules = []
    for v, colour in VOICE_COLOURS.items():
        rules.append(f".voice.v-{v} {{ background: {colour}; }}")
        rules.append(f"mark.v-{v} {{ background: {colour}33; border-bottom: 2px solid {colour}; }}")
    return "\n".join(rules)


def _num(v, digits: int = 3) -> str:
    if v is None or isinstance(v, str):
        return esc(v)
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v)).lower()
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    try:
        f = float(v)
    except (TypeError, ValueError):
        return esc(v)
    if not math.isfinite(f):
        return ""
    if f == 0:
        return "0"
    if abs(f) >= 1000:
        return f"{f:,.0f}"
    return f"{f:.{digits}g}"


def _ci(est, lo, hi, pct: bool = False) -> str:
    def f(x):
        if x is None or not np.isfinite(float(x)):
            return "–"
        return f"{float(x):.0%}" if pct else f"{float(x):.3g}"
    if lo is None or hi is None or not (np.isfinite(float(lo)) and np.isfinite(float(hi))):
        return f(est)
    return f"{f(est)} [{f(lo)}, {f(hi)}]"


def _table(df: pd.DataFrame, *, numeric: Sequence[str] = (), max_rows: int | None = None,
           formats: Mapping[str, Any] | None = None) -> str:
    """An HTML table of ``df`` (every cell escaped)."""
    formats = formats or {}
    rows = df if max_rows is None else df.head(max_rows)
    head = "".join(f"<th>{esc(c)}</th>" for c in rows.columns)
    body = []
    for rec in rows.itertuples(index=False, name=None):
        cells = []
        for col, v in zip(rows.columns, rec):
            if col in formats:
                text = formats[col](v)
            elif col in numeric or isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
                text = _num(v)
            else:
                text = esc(v)
            cls = ' class="num"' if col in numeric or isinstance(v, (int, float, np.integer, np.floating)) else ""
            cells.append(f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>' + "".join(body)
            + "</tbody></table></div>")


def _n(n: int, word: str) -> str:
    """``1 mention``, ``2 mentions``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _more(n_shown: int, n_all: int, file: str) -> str:
    if n_all > n_shown:
        return f'<p class="note">{n_shown} of {n_all} rows; the whole table is in <a href="tables/{esc(file)}.csv">tables/{esc(file)}.csv</a>.</p>'
    return f'<p class="note">Also in <a href="tables/{esc(file)}.csv">tables/{esc(file)}.csv</a> (and .md, .tex).</p>'


# ------------------------------------------------------------------------------------------ sections
def _analysed(result, tables, options, corpus_name: str, counts: Mapping[str, Any], inputs: Mapping[str, str],
              corpus_hashed: bool) -> str:
    docs = result.documents
    by = options.by
    parts = ['<section id="analysed"><h2>1. What was analysed</h2><dl class="facts">']
    parts.append(f"<dt>Corpus</dt><dd>{esc(corpus_name)}</dd>")
    read, scored, skipped = counts.get("read"), counts.get("scored"), counts.get("skipped")
    line = f"{_num(read)} read, {_num(scored)} scored, {_num(skipped)} skipped"
    if counts.get("filtered_out"):
        line += f", {_num(counts['filtered_out'])} left out by the study's filters (before scoring)"
    if skipped:
        line += ' (reasons in <a href="tables/skipped.csv">tables/skipped.csv</a>)'
    parts.append(f"<dt>Documents</dt><dd>{line}</dd>")
    groups = tables["groups"]
    label = "Outlets" if by == "outlet" else f"Groups ({esc(by)})"
    parts.append(f"<dt>{label}</dt><dd>{len(groups)}: " + ", ".join(esc(g) for g in groups["group"]) + "</dd>")
    if "date" in docs.columns:
        d = pd.to_datetime(docs["date"], errors="coerce")
        bad = min(counts.get("unreadable_dates") or 0, int(d.isna().sum()))  # (never more than are undated)
        unread = f"; {_num(bad)} of them with a date that could not be read" if bad else ""
        if d.notna().any():
            parts.append(f"<dt>Dates</dt><dd>{d.min():%Y-%m-%d} to {d.max():%Y-%m-%d} "
                         f"({int(d.isna().sum())} documents undated{unread})</dd>")
        else:
            parts.append(f"<dt>Dates</dt><dd>none {'could be read' if bad else 'given'}"
                         f"{f' ({_num(bad)} documents with a date that could not be read)' if bad else ''}</dd>")
    parts.append(f"<dt>Tokens</dt><dd>{_num(int(docs['n_tokens'].sum()))} word tokens</dd>")
    parts.append(f"<dt>Mentions</dt><dd>{_num(len(result.mentions))} (all voices, referent names included)</dd>")
    voice = ", ".join(options.voice) if options.voice else "all voices (author, quoted, attributed, scare-quoted)"
    parts.append(f"<dt>Voices counted</dt><dd>{esc(voice)}</dd>")
    parts.append(f"<dt>Uncertainty</dt><dd>{options.level:.0%} {esc(options.interval)} bootstrap intervals, "
                 f"{options.replicates} replicates resampling documents within each group; seed {options.seed}</dd>")
    pol = "; ".join(f"{esc(k)}: <code>{esc(v)}</code>" for k, v in result.policies.items())
    parts.append(f"<dt>Policies</dt><dd>{pol}</dd>")
    note = "" if corpus_hashed else "; the corpus was given in memory, so only the lexicon files are"
    parts.append(f"<dt>Input files</dt><dd>{_n(len(inputs), 'file')} hashed (SHA-256) in manifest.json{note}</dd>")
    parts.append("</dl>")
    lex_rows = []
    for lex in result.lexicons:
        lex_rows.append({"lexicon": lex.name, "version": lex.version, "entries": len(lex.entries),
                         "categories": len(lex.categories), "referents": len(lex.referents),
                         "description": (lex.description or "")[:220] + ("…" if len(lex.description or "") > 220 else "")})
    parts.append("<h3>Lexicons</h3>" + _table(pd.DataFrame(lex_rows), numeric=("entries", "categories", "referents")))
    g = groups.rename(columns={"group": by})
    parts.append(f"<h3>{label} </h3>" + _table(g, numeric=("documents", "tokens", "mentions", "labels", "rate_per_1k"),
                                               formats={"rate_per_1k": lambda v: _num(v)}))
    parts.append('<p class="note">mentions: loaded-language mentions (referent names left out); labels: mentions '
                 'that label a referent; rate_per_1k: mentions per 1,000 tokens. '
                 '<a href="tables/groups.csv">tables/groups.csv</a></p>')
    parts.append("</section>")
    return "".join(parts)


def _findings(result, tables, options, names: Mapping[str, str]) -> str:
    by = options.by
    parts = ['<section id="findings"><h2>2. Key findings</h2>']
    rt = tables["rates"]
    rt = rt[(rt["category"] != REFERENT_CATEGORY) & (rt["mentions"] > 0)]
    top = rt.sort_values(["rate_per_1k", "group", "category"], ascending=[False, True, True], kind="stable").head(15)
    show = pd.DataFrame({by: top["group"], "lexicon": top["lexicon"], "category": top["category"],
                         "mentions": top["mentions"],
                         "rate per 1,000 tokens [CI]": [_ci(a, b, c) for a, b, c in
                                                        zip(top["rate_per_1k"], top["ci_low"], top["ci_high"])],
                         "share of documents [CI]": [_ci(a, b, c, pct=True) for a, b, c in
                                                     zip(top["doc_share"], top["doc_share_low"], top["doc_share_high"])]})
    parts.append("<h3>Highest rates of loaded language</h3>")
    parts.append('<p class="note">The group × category cells with the most mentions per 1,000 tokens. Intervals '
                 'resample whole documents, because mentions in one article are not independent.</p>')
    parts.append(_table(show, numeric=("mentions",)) + _more(len(show), len(tables["rates"]), "rates"))
    labels = tables["labels"]
    if len(labels):
        parts.append("<h3>Which labels each group gives each actor</h3>")
        tot = labels.groupby("referent")["count"].sum()
        refs = sorted(tot[tot > 0].index, key=lambda r: (-tot[r], str(r)))[: options.max_referents]
        for ref in refs:
            sub = labels[(labels["referent"] == ref) & (labels["count"] > 0)]
            rows = []
            dup = set(sub.groupby("term")["lexicon"].nunique().loc[lambda x: x > 1].index)
            for grp, gsub in sub.groupby("group", sort=True):
                gsub = gsub.sort_values(["count", "term"], ascending=[False, True], kind="stable").head(4)
                cells = [f"{esc(t)}{f' [{esc(lx)}]' if t in dup else ''} {_ci(s, lo, hi, pct=True)}"
                         for t, lx, s, lo, hi in zip(gsub["term"], gsub["lexicon"], gsub["share"], gsub["ci_low"],
                                                     gsub["ci_high"])]
                n = int(gsub["group_labels"].iloc[0])
                rows.append((grp, n, "; ".join(cells)))
            t = pd.DataFrame(rows, columns=[by, "labels", "most used labels: share of its labels [CI]"])
            parts.append(f"<h4>{esc(names.get(ref, ref))} <span class=\"meta\">{esc(ref)}</span></h4>")
            parts.append(_table(t, numeric=("labels",),
                                formats={"most used labels: share of its labels [CI]": lambda v: v}))
        parts.append(_more(0, 0, "labels"))
    val = tables["valence"]
    if len(val):
        v = val.sort_values(["referent", "valence_mean"], kind="stable")
        t = pd.DataFrame({"referent": [names.get(r, r) for r in v["referent"]], by: v["group"], "labels": v["labels"],
                          "mean valence [CI]": [_ci(a, b, c) for a, b, c in
                                                zip(v["valence_mean"], v["ci_low"], v["ci_high"])]})
        parts.append("<h3>Valence of the labels</h3><p class=\"note\">Mean valence of the labels each group gives "
                     "each actor: -1 most delegitimising, +1 most legitimising (the lexicon's judgement).</p>")
        parts.append(_table(t, numeric=("labels",), max_rows=40) + _more(min(len(t), 40), len(t), "valence"))
    lo = tables.get("log_odds")
    if lo is not None and len(lo):
        rows = []
        for grp, gsub in lo.groupby("group", sort=True):
            up = gsub[gsub["z"] > 0].sort_values(["z", "term"], ascending=[False, True]).head(6)
            down = gsub[gsub["z"] < 0].sort_values(["z", "term"], ascending=[True, True]).head(4)
            rows.append((grp, ", ".join(f"{t} ({z:.1f})" for t, z in zip(up["term"], up["z"])),
                         ", ".join(f"{t} ({z:.1f})" for t, z in zip(down["term"], down["z"]))))
        t = pd.DataFrame(rows, columns=[by, "used more than the others (z)", "used less (z)"])
        parts.append("<h3>Distinctive terms</h3><p class=\"note\">Log-odds ratio with a Dirichlet prior, each group "
                     "against all others pooled (Monroe, Colaresi &amp; Quinn 2008); |z| &gt; 1.96 is conventionally "
                     "notable, but uses cluster within articles, so read z as a ranking.</p>")
        parts.append(_table(t) + _more(0, 0, "log_odds"))
    vs = tables["voice_shares"]
    if len(vs):
        t = pd.DataFrame({by: vs["group"], "mentions": vs["total"],
                          "own voice": [_ci(x, None, None, pct=True) for x in vs["author_share"]],
                          "quoted": [_ci(x, None, None, pct=True) for x in vs["quoted_share"]],
                          "attributed": [_ci(x, None, None, pct=True) for x in vs["attributed_share"]],
                          "scare-quoted": [_ci(x, None, None, pct=True) for x in vs["scare_quoted_share"]]})
        parts.append("<h3>Whose words</h3><p class=\"note\">How much of each group's loaded language is its own "
                     "(author) and how much it quotes or attributes to sources (all voices; referent names left "
                     "out).</p>")
        parts.append(_table(t, numeric=("mentions", "own voice", "quoted", "attributed", "scare-quoted"))
                     + _more(0, 0, "voice_shares"))
    dv = tables.get("divergence")
    if dv is not None and len(dv):
        d = dv.sort_values(["jsd", "referent", "group", "reference"], ascending=[False, True, True, True],
                           kind="stable").head(10)
        t = pd.DataFrame({"referent": [names.get(r, r) for r in d["referent"]], "group": d["group"],
                          "reference": d["reference"],
                          "Jensen-Shannon divergence [CI]": [_ci(a, b, c) for a, b, c in
                                                             zip(d["jsd"], d["ci_low"], d["ci_high"])],
                          "labels": [f"{a} / {b}" for a, b in zip(d["labels_group"], d["labels_reference"])]})
        parts.append("<h3>Most different label choices</h3><p class=\"note\">Pairs of groups whose label "
                     "distributions for an actor differ most (0 identical, 1 no label in common). Few labels inflate "
                     "the divergence: look at the interval and the label counts.</p>")
        parts.append(_table(t) + _more(len(t), len(dv), "divergence"))
    parts.append("</section>")
    return "".join(parts)


def _figures(entries) -> str:
    parts = ['<section id="figures"><h2>3. Figures</h2>']
    for e in entries:
        data = base64.b64encode(e.png).decode("ascii")
        files = ", ".join(f'<a href="figures/{esc(p.name)}">{esc(p.suffix.lstrip("."))}</a>' for p in e.paths)
        parts.append(f'<figure id="fig-{esc(e.name)}"><h3>{esc(e.heading)}</h3>'
                     f'<img src="data:image/png;base64,{data}" alt="{esc(e.heading)}">'
                     f"<figcaption>{esc(e.caption)}{' Files: ' + files + '.' if files else ''}</figcaption></figure>")
    if not entries:
        parts.append('<p class="note">No figure: nothing was matched.</p>')
    parts.append("</section>")
    return "".join(parts)


def _snippet(s) -> str:
    v = s.voice if s.voice in VOICE_TEXT else "author"
    src = f' <span class="meta">source: {esc(s.source)}</span>' if s.source else ""
    date = f" {esc(s.date)}" if s.date else ""
    return (f'<li><span class="voice v-{v}">{esc(VOICE_TEXT.get(s.voice, s.voice))}</span>'
            f'<span class="ctx">{esc(s.left)}</span><mark class="v-{v}">{esc(s.match)}</mark>'
            f'<span class="ctx">{esc(s.right)}</span><span class="meta">{esc(s.doc_id)}{date}</span>{src}</li>')


def _audit(cells: list[Cell], capped: bool, options, names: Mapping[str, str]) -> str:
    by = options.by
    legend = " ".join(f'<span class="voice v-{v}">{t}</span>' for v, t in VOICE_TEXT.items())
    parts = ['<section id="audit"><h2>4. Audit: the sentences behind the numbers</h2>',
             f'<p class="note">For every {esc(by)} × category cell and every {esc(by)} × label of an actor: up to '
             f'{options.snippets} mentions in context, chosen by a hash of the seed and the mention (deterministic, '
             'not the first ones), so you can check by eye that the matches mean what the lexicon says. The count is '
             'every mention in the cell. The badge is the voice the mention was attributed to:</p>',
             f'<p class="badge-row">{legend}</p>']
    if capped:
        parts.append(f'<p class="note">The sample stops at {options.max_snippets} snippets (max_snippets); later '
                     'cells show counts only.</p>')
    cat_cells = [c for c in cells if c.section == "category"]
    lab_cells = [c for c in cells if c.section == "label"]
    parts.append("<h3>By category</h3>")
    first = True
    for key in dict.fromkeys(c.key for c in cat_cells):
        group = [c for c in cat_cells if c.key == key]
        n = sum(c.mentions for c in group)
        lex, cat = key
        parts.append(f'<details{" open" if first else ""}><summary>{esc(cat)} <span class="meta">{esc(lex)} · '
                     f"{_n(n, 'mention')} in {_n(len(group), 'outlet' if by == 'outlet' else 'group')}</span></summary>")
        first = False
        for c in group:
            parts.append(f"<h4>{esc(c.group)} <span class=\"meta\">{_n(c.mentions, 'mention')}</span></h4>")
            if c.snippets:
                parts.append('<ul class="kwic">' + "".join(_snippet(s) for s in c.snippets) + "</ul>")
        parts.append("</details>")
    if lab_cells:
        parts.append("<h3>By actor and label</h3>")
        for ref in dict.fromkeys(c.key[0] for c in lab_cells):
            rc = [c for c in lab_cells if c.key[0] == ref]
            n = sum(c.mentions for c in rc)
            parts.append(f'<details><summary>{esc(names.get(ref, ref))} <span class="meta">{esc(ref)} · {_n(n, "label")}'
                         "</span></summary>")
            for key in dict.fromkeys(c.key for c in rc):
                lc = [c for c in rc if c.key == key]
                _, lex, term = key
                parts.append(f'<details><summary>{esc(term)} <span class="meta">{esc(lex)} · '
                             f"{_n(sum(c.mentions for c in lc), 'use')}</span></summary>")
                for c in lc:
                    parts.append(f"<h4>{esc(c.group)} <span class=\"meta\">{_n(c.mentions, 'use')}</span></h4>")
                    if c.snippets:
                        parts.append('<ul class="kwic">' + "".join(_snippet(s) for s in c.snippets) + "</ul>")
                parts.append("</details>")
            parts.append("</details>")
    parts.append("</section>")
    return "".join(parts)


def _command_text(command, study) -> str:
    if study:
        return f"framing study run {study.get('path', 'study.yaml')}"
    if isinstance(command, Mapping) and "argv" in command:
        argv = list(command["argv"])
        for i, a in enumerate(argv):  # the output folder is wherever this page is
            if a in ("--out", "-o") and i + 1 < len(argv):
                argv[i + 1] = "OUT"
        return " ".join(_shell_quote(a) for a in argv)
    if isinstance(command, (list, tuple)):
        return " ".join(_shell_quote(str(a)) for a in command)
    return "framing.report.write(...) from Python"


def _shell_quote(a: str) -> str:
    import shlex

    return shlex.quote(a)


def _reproduce(tables, figures, command, study) -> str:
    parts = ['<section id="reproduce"><h2>5. Reproduce</h2>']
    parts.append(f"<p>This report was made with framing {esc(__version__)} by:</p><pre>{esc(_command_text(command, study))}</pre>")
    parts.append("<p><code>manifest.json</code> beside this page records the SHA-256 of every input file and "
                 "lexicon, every parameter and seed, the versions of Python and of every dependency, the counts "
                 "of documents read, scored and skipped, and the SHA-256 of every file written. "
                 "<code>framing study verify OUT</code> re-runs it and reports, file by file, whether the outputs "
                 "are identical.</p>")
    names = sorted(tables)
    parts.append("<p>Tables (CSV, Markdown, LaTeX): " + ", ".join(
        f'<a href="tables/{esc(n)}.csv">{esc(n)}</a>' for n in names) + ".</p>")
    parts.append("</section>")
    return "".join(parts)


def render(*, result, tables, figures, cells, capped, options, corpus_name: str, counts, command, study,
           inputs, corpus_hashed: bool = True) -> str:
    """The whole page as text."""
    names = {r.id: r.name for lex in result.lexicons for r in lex.referents.values()}
    title = options.title or f"Framing report: {corpus_name}"
    lead = (f"How {len(tables['groups'])} {'outlets' if options.by == 'outlet' else 'groups'} word their coverage: "
            "the rates of loaded language per category, the labels each gives each actor with bootstrap "
            "intervals, distinctive terms, whose voice the words are in, and a sample of the sentences behind "
            "every number. Made with framing " + __version__ + ".")
    nav = ('<nav><ol><li><a href="#analysed">1. What was analysed</a></li><li><a href="#findings">2. Key findings'
           '</a></li><li><a href="#figures">3. Figures</a></li><li><a href="#audit">4. Audit</a></li>'
           '<li><a href="#reproduce">5. Reproduce</a></li></ol></nav>')
    body = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="framing {esc(__version__)}">',
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}{_voice_css()}</style></head><body>",
        f"<header><h1>{esc(title)}</h1><p class=\"lead\">{esc(lead)}</p></header>",
        nav,
        "<main>",
        _analysed(result, tables, options, corpus_name, counts, inputs, corpus_hashed),
        _findings(result, tables, options, names),
        _figures(figures),
        _audit(cells, capped, options, names),
        _reproduce(tables, figures, command, study),
        "</main>",
        f"<footer>framing {esc(__version__)} · report of {esc(corpus_name)} · every article text on this page is "
        "quoted from the corpus for checking, HTML-escaped; the page needs no network and no script.</footer>",
        "</body></html>",
    ]
    return "\n".join(body) + "\n"
