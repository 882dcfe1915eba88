"""Native YAML lexicon format: reader and writer.

The keys are a public contract (README): top level ``name``, ``version``, ``language``,
``description``, ``referents`` (id -> {``name``, ``aliases``}), ``categories`` (id ->
{``description``}), ``entries`` (a list of {``term``, ``category``, and optional ``referent``,
``valence``, ``variants``, ``exclude``, ``notes``, ``source``, ``attrs``}). ``attrs`` is a mapping of
format-specific attributes kept from other formats (MPQA parts of speech, eMFD scores, weights), so
that a conversion through YAML loses nothing. Unknown keys are errors naming file and line. The reader walks PyYAML's node tree (``yaml.compose``) instead of ``safe_load`` so that
every problem can name the line it is on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import LexiconError, closest
from .model import Category, Entry, Lexicon, Referent, validate

__all__ = ["read_yaml", "write_yaml", "dumps_yaml", "parse_yaml", "TOP_KEYS", "ENTRY_KEYS"]

TOP_KEYS = ("name", "version", "language", "description", "referents", "categories", "entries")
REFERENT_KEYS = ("name", "aliases")
CATEGORY_KEYS = ("description",)
ENTRY_KEYS = ("term", "category", "referent", "valence", "variants", "exclude", "notes", "source", "attrs")


class _Problems(list):
    def add(self, path: str, node: yaml.Node | None, msg: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.append(f"{path}:{line}: {msg}" if line else f"{path}: {msg}")


def _scalar(node: yaml.Node) -> Any:
    # Resolve a scalar with the safe constructor (ints, floats, bools, null, strings).
    return yaml.SafeLoader.construct_object(_LOADER, node, deep=True)


class _DummyLoader(yaml.SafeLoader):
    def __init__(self):  # noqa: D401 - a constructor without a stream, for construct_object
        yaml.SafeLoader.__init__(self, "")


_LOADER = _DummyLoader()
# libyaml's composer (4x faster on a 10,000-entry lexicon) where PyYAML was built with it; the nodes
# carry the same line marks.
COMPOSE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mapping(node, path, probs, what, allowed) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        probs.add(path, node, f"{what} must be a mapping (key: value lines)")
        return {}
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for k, v in node.value:
        key = _scalar(k) if isinstance(k, yaml.ScalarNode) else None
        if not isinstance(key, (str, int)):
            probs.add(path, k, f"{what} has a key that is not a plain name")
            continue
        key = str(key)
        if allowed is not None and key not in allowed:
            probs.add(path, k, f"unknown key '{key}' in {what}{closest(key, allowed)}; allowed: {', '.join(allowed)}")
            continue
        if key in out:
            probs.add(path, k, f"key '{key}' appears twice in {what}")
            continue
        out[key] = (k, v)
    return out


def _text(node, path, probs, what, *, allow_none=True):
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode):
        probs.add(path, node, f"{what} must be a single value")
        return None
    val = _scalar(node)
    if val is None:
        if not allow_none:
            probs.add(path, node, f"{what} is empty")
        return None
    if isinstance(val, bool):
        probs.add(path, node, f"{what} is read by YAML as a boolean ({val}); put it in quotes")
        return None
    return str(val)


def _text_list(node, path, probs, what) -> list[str]:
    if node is None:
        return []
    if isinstance(node, yaml.ScalarNode):
        val = _text(node, path, probs, what)
        return [val] if val is not None else []
    if not isinstance(node, yaml.SequenceNode):
        probs.add(path, node, f"{what} must be a list")
        return []
    out = []
    for item in node.value:
        val = _text(item, path, probs, what, allow_none=False)
        if val is not None:
            out.append(val)
    return out


def parse_yaml(text: str, path: str = "<string>") -> Lexicon:
    """Parse native lexicon YAML text; raise :class:`LexiconError` listing every problem."""
    lex, probs = _parse(text, path)
    if probs:
        raise LexiconError(probs)
    return lex


def _parse(text: str, path: str) -> tuple[Lexicon | None, list[str]]:
    probs = _Problems()
    try:
        root = yaml.compose(text, Loader=COMPOSE_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        reason = getattr(err, "problem", None) or str(err).splitlines()[0]
        probs.append(f"{path}{line}: invalid YAML: {reason}; check indentation and quoting on that line")
        return None, probs
    if root is None:
        probs.append(f"{path}: the file is empty; a lexicon needs at least 'name' and 'entries'")
        return None, probs
    top = _mapping(root, path, probs, "the lexicon", TOP_KEYS)
    get = lambda key: top.get(key, (None, None))[1]  # noqa: E731

    name = _text(get("name"), path, probs, "name") or ""
    lex = Lexicon(
        name=name,
        version=_text(get("version"), path, probs, "version") or "0",
        language=_text(get("language"), path, probs, "language") or "en",
        description=_text(get("description"), path, probs, "description"),
        path=path,
        attrs={"format": "yaml"},
    )
    if get("referents") is not None:
        for rid, (knode, vnode) in _mapping(get("referents"), path, probs, "referents", None).items():
            ref = _mapping(vnode, path, probs, f"referent '{rid}'", REFERENT_KEYS)
            rname = _text(ref.get("name", (None, None))[1], path, probs, f"name of referent '{rid}'")
            aliases = _text_list(ref.get("aliases", (None, None))[1], path, probs, f"aliases of referent '{rid}'")
            lex.referents[rid] = Referent(rid, rname or rid, aliases, line=knode.start_mark.line + 1)
    if get("categories") is not None:
        for cid, (knode, vnode) in _mapping(get("categories"), path, probs, "categories", None).items():
            desc = None
            if not (isinstance(vnode, yaml.ScalarNode) and _scalar(vnode) is None):
                cat = _mapping(vnode, path, probs, f"category '{cid}'", CATEGORY_KEYS)
                desc = _text(cat.get("description", (None, None))[1], path, probs, f"description of '{cid}'")
            lex.categories[cid] = Category(cid, desc, line=knode.start_mark.line + 1)
    entries = get("entries")
    if entries is not None and not isinstance(entries, yaml.SequenceNode):
        probs.add(path, entries, "'entries' must be a list of mappings, each starting with '- term:'")
    elif entries is not None:
        for item in entries.value:
            lex.entries.extend(_entry(item, path, probs))
    if not probs:
        probs.extend(validate(lex))
    return lex, list(probs)


def _entry(node, path, probs) -> list[Entry]:
    fields = _mapping(node, path, probs, "an entry", ENTRY_KEYS)
    line = node.start_mark.line + 1
    if not fields:
        return []
    for required in ("term", "category"):
        if required not in fields:
            probs.add(path, node, f"entry has no '{required}'")
    if "term" not in fields or "category" not in fields:
        return []
    val = lambda k: fields.get(k, (None, None))[1]  # noqa: E731
    term = _text(val("term"), path, probs, "term", allow_none=False)
    category = _text(val("category"), path, probs, "category", allow_none=False)
    valence = None
    if val("valence") is not None:
        raw = _scalar(val("valence")) if isinstance(val("valence"), yaml.ScalarNode) else "?"
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            if raw is not None:
                probs.add(path, val("valence"), f"valence {raw!r} of entry {term!r} is not a number; use a number from -1 to 1")
        else:
            valence = float(raw)
    attrs: dict[str, Any] = {}
    if val("attrs") is not None:
        if not isinstance(val("attrs"), yaml.MappingNode):
            probs.add(path, val("attrs"), f"attrs of entry {term!r} must be a mapping (key: value lines)")
        else:
            attrs = _LOADER.construct_object(val("attrs"), deep=True)
    if term is None or category is None:
        return []
    return [
        Entry(
            term=term,
            category=category,
            referent=_text(val("referent"), path, probs, "referent"),
            valence=valence,
            variants=_text_list(val("variants"), path, probs, "variants"),
            exclude=_text_list(val("exclude"), path, probs, "exclude"),
            notes=_text(val("notes"), path, probs, "notes"),
            source=_text(val("source"), path, probs, "source"),
            line=line,
            attrs=attrs,
        )
    ]


def read_yaml(path: str | Path) -> Lexicon:
    """Read a native YAML lexicon file, validating it.

    Raises
    ------
    LexiconError
        Listing every problem with ``file:line``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise LexiconError([f"{path}: not valid UTF-8 at byte {err.start}; save the file as UTF-8"]) from None
    return parse_yaml(text, str(path))


def check_yaml(path: str | Path) -> list[str]:
    """Every problem in a native YAML lexicon file (empty when valid)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        return [f"{path}: not valid UTF-8 at byte {err.start}; save the file as UTF-8"]
    return _parse(text, str(path))[1]


def to_dict(lexicon: Lexicon) -> dict:
    """The native YAML structure of a lexicon as plain Python objects."""
    out: dict[str, Any] = {"name": lexicon.name, "version": lexicon.version, "language": lexicon.language}
    if lexicon.description:
        out["description"] = lexicon.description
    if lexicon.referents:
        out["referents"] = {r.id: {"name": r.name, "aliases": list(r.aliases)} for r in lexicon.referents.values()}
    out["categories"] = {
        c.id: ({"description": c.description} if c.description else {}) for c in lexicon.categories.values()
    }
    entries = []
    for e in lexicon.entries:
        d: dict[str, Any] = {"term": e.term, "category": e.category}
        if e.referent is not None:
            d["referent"] = e.referent
        if e.valence is not None:
            d["valence"] = e.valence
        for key in ("variants", "exclude"):
            if getattr(e, key):
                d[key] = list(getattr(e, key))
        for key in ("notes", "source"):
            if getattr(e, key):
                d[key] = getattr(e, key)
        if e.attrs:
            d["attrs"] = dict(e.attrs)
        entries.append(d)
    out["entries"] = entries
    return out


def dumps_yaml(lexicon: Lexicon) -> str:
    """The native YAML text of a lexicon (keys in contract order)."""
    return yaml.safe_dump(to_dict(lexicon), sort_keys=False, allow_unicode=True, width=100)


def write_yaml(lexicon: Lexicon, path: str | Path) -> None:
    """Write a lexicon in the native YAML format (UTF-8, keys in contract order)."""
    Path(path).write_text(dumps_yaml(lexicon), encoding="utf-8")
