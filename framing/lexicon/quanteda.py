"""quanteda dictionaries in YAML (``dictionary(file = "x.yml")`` in R; ``as.yaml(dict)`` writes them).

Layout::

    economy:
      positive: [growth, boom*]
      negative:
        - recession
        - unemploy*
    christmas: [Christmas, Santa, "holiday season"]

Rules:

* keys are categories; nested keys are joined with ``/`` (``economy/positive``); a key whose value
  is a list (or a single string) holds terms; values listed under ``__`` belong to the enclosing
  key (quanteda's ``as.yaml`` writes a key that has both terms and sub-keys that way);
* key names that are not valid framing ids are rewritten (``Care Virtue`` -> ``Care_Virtue``), the
  original kept in the category's description;
* values are patterns of one ``valuetype``, as in ``tokens_lookup(valuetype=)``:

  - ``glob`` (quanteda's default): a ``*`` at the end of a word is framing's prefix wildcard
    (``unemploy*``); ``*`` at the start or inside a word and ``?`` cannot be expressed by
    framing's matcher and are **reported with their line** (or skipped with ``unsupported="skip"``).
    We chose reporting over expanding the pattern against a corpus's vocabulary: an expansion
    would depend on the corpus, so the same lexicon file would match differently in two studies;
  - ``fixed``: values are literal words (a ``*`` is reported);
  - ``regex``: quanteda's regexes search inside tokens, which framing cannot do in general; the
    forms that mean whole words or prefixes are translated (``^tax$`` -> ``tax``, ``^tax``,
    ``^tax.*`` and ``^tax\\w*`` -> ``tax*``, ``^(tax|taxes)$`` -> ``tax`` with variant ``taxes``),
    and every other regex is reported with its line;

* a space inside a value makes a phrase (quanteda's multiword values);
* a term under several keys is several entries (``unique_terms=False``).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import yaml

from .native import COMPOSE_LOADER

from ..errors import LexiconError
from ._base import Builder, category_id, glob_term, parse_file, stem_name
from .model import Lexicon

__all__ = ["read_quanteda", "parse_quanteda", "dumps_quanteda", "write_quanteda", "regex_terms"]

VALUETYPES = ("glob", "regex", "fixed")
_NULLS = {"", "~", "null", "Null", "NULL"}
_LITERAL = r"(?:[\w']|\\[-.'&])+"
_REGEX_FORMS = [
    (re.compile(rf"^\^({_LITERAL})\$$"), False),
    (re.compile(rf"^\^({_LITERAL})(?:\.\*|\\w\*|\\w\+|\.\+)?$"), True),
    (re.compile(rf"^\^\((?:\?:)?({_LITERAL}(?:\|{_LITERAL})*)\)\$$"), False),
    (re.compile(rf"^\^\((?:\?:)?({_LITERAL}(?:\|{_LITERAL})*)\)(?:\.\*|\\w\*|\\w\+|\.\+)?$"), True),
]


def regex_terms(pattern: str) -> tuple[list[str] | None, str | None]:
    """A quanteda regex as framing terms (one or several spellings), or ``(None, reason)``.

    >>> regex_terms("^tax")
    (['tax*'], None)
    >>> regex_terms("^(tax|taxes)$")
    (['tax', 'taxes'], None)
    >>> regex_terms("tax")[0] is None
    True
    """
    words = pattern.split()
    options = []
    for word in words:
        for form, wild in _REGEX_FORMS:
            m = form.match(word)
            if m:
                alts = [re.sub(r"\\(.)", r"\1", a) + ("*" if wild else "") for a in m.group(1).split("|")]
                options.append(alts)
                break
        else:
            return None, (
                f"is a regex that framing cannot match (framing matches whole words, with prefix wildcards); "
                f"write '^word$' for a word or '^prefix' for a prefix, or rewrite {word!r} as a list of spellings")
    combos = list(itertools.product(*options))
    if len(combos) > 50:
        return None, f"expands to {len(combos)} phrases; split it into several values"
    return [" ".join(c) for c in combos], None


def parse_quanteda(text: str, path: str = "<string>", *, name: str | None = None, valuetype: str = "glob",
                   unsupported: str = "error") -> tuple[Lexicon, list[str]]:
    """Parse a quanteda YAML dictionary; return the lexicon and every problem (see :func:`read_quanteda`)."""
    if valuetype not in VALUETYPES:
        raise LexiconError([f"{path}: valuetype={valuetype!r}; use one of {', '.join(VALUETYPES)}"])
    b = Builder(path, name or stem_name(path), "quanteda", unique_terms=False, unsupported=unsupported)
    try:
        root = yaml.compose(text, Loader=COMPOSE_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        reason = getattr(err, "problem", None) or str(err).splitlines()[0]
        b.problem(mark.line + 1 if mark else None, f"invalid YAML: {reason}; check indentation and quoting")
        return b.result()
    if root is None:
        b.problem(None, "the file is empty; a quanteda dictionary maps keys to lists of terms")
        return b.result()
    if not isinstance(root, yaml.MappingNode):
        b.problem(root.start_mark.line + 1, "a quanteda dictionary is a mapping of keys to lists of terms "
                                            "(key: [term, term]); the top level is not a mapping")
        return b.result()
    _walk(b, root, [], valuetype)
    return b.result()


def _walk(b: Builder, node: yaml.MappingNode, parts: list[str], valuetype: str) -> None:
    for knode, vnode in node.value:
        key = knode.value if isinstance(knode, yaml.ScalarNode) else None
        line = knode.start_mark.line + 1
        if key is None or not str(key).strip():
            b.problem(line, "a key is empty or not a plain name; name the category")
            continue
        if key == "__":
            here = parts
        else:
            part = category_id(key).replace("/", "_")
            if not part:
                b.problem(line, f"key {key!r} has no letters or digits; rename it")
                continue
            here = parts + [part]
        if not here:
            b.problem(line, "values under '__' at the top level belong to no key; move them under a key")
            continue
        cid = "/".join(here)
        if isinstance(vnode, yaml.MappingNode):
            _walk(b, vnode, here, valuetype)
            continue
        renamed = key != "__" and category_id(key) != key
        b.category(cid, f"quanteda key '{key}'" if renamed else None, line=line)
        items = vnode.value if isinstance(vnode, yaml.SequenceNode) else [vnode]
        for item in items:
            _value(b, item, cid, valuetype)


def _value(b: Builder, node: yaml.Node, cid: str, valuetype: str) -> None:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode):
        b.problem(line, f"a value of '{cid}' is a list or mapping; values are single terms (strings)")
        return
    raw = str(node.value)
    if node.style is None and raw.strip() in _NULLS:
        return
    pattern = " ".join(raw.split())
    if valuetype == "glob":
        term, why = glob_term(pattern)
        terms = [term] if term else None
    elif valuetype == "fixed":
        terms, why = ([pattern], None) if "*" not in pattern else (None, "has a '*', which a fixed value cannot hold")
    else:
        terms, why = regex_terms(pattern)
    if why:
        b.cannot_match(line, f"{valuetype} value {raw!r} of '{cid}' {why}")
        return
    e = b.entry(terms[0], cid, line)
    if e is not None:
        for v in terms[1:]:
            if v not in e.variants:
                e.variants.append(v)
        if valuetype == "regex":
            e.attrs.setdefault("pattern", raw)


def read_quanteda(path: str | Path, *, name: str | None = None, valuetype: str = "glob", encoding: str = "utf-8",
                  unsupported: str = "error") -> Lexicon:
    """Read a quanteda YAML dictionary (rules in the module docstring).

    Parameters
    ----------
    path : str or Path
    name : str, optional
        Lexicon name (default: the file name).
    valuetype : {"glob", "regex", "fixed"}, default "glob"
        How the values are written, as quanteda's ``valuetype``.
    encoding : str, default "utf-8"
    unsupported : {"error", "skip"}
        Report patterns framing cannot match, or skip them (listed in ``attrs["skipped"]``).

    Returns
    -------
    Lexicon

    Raises
    ------
    LexiconError
        With every problem, each starting ``file:line:``.
    """
    return parse_file(parse_quanteda, path, encoding, name=name, valuetype=valuetype,
                                   unsupported=unsupported)


def dumps_quanteda(lexicon: Lexicon) -> str:
    """quanteda YAML: category ids split on ``/`` into nested keys, surfaces as glob values."""
    tree: dict = {}
    for cid in list(lexicon.categories) + [e.category for e in lexicon.entries]:
        node = tree
        parts = cid.split("/")
        for p in parts[:-1]:
            child = node.setdefault(p, {})
            if isinstance(child, list):
                child = node[p] = {"__": child}
            node = child
        leaf = node.get(parts[-1])
        if leaf is None:
            node[parts[-1]] = []
    for e in lexicon.entries:
        node = tree
        parts = e.category.split("/")
        for p in parts[:-1]:
            node = node[p]
        leaf = node[parts[-1]]
        target = leaf.setdefault("__", []) if isinstance(leaf, dict) else leaf
        for s in e.surfaces:
            s = " ".join(s.split())
            if s not in target:
                target.append(s)
    return yaml.safe_dump(tree, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def write_quanteda(lexicon: Lexicon, path: str | Path) -> None:
    """Write a quanteda YAML dictionary (see :func:`dumps_quanteda`)."""
    Path(path).write_text(dumps_quanteda(lexicon), encoding="utf-8")
