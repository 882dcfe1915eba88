"""A cache of compiled lexicons, so that a warm start with a large lexicon takes a fraction of a second.

Reading a 10,000-entry YAML lexicon, validating it and compiling its automaton takes about a second;
loading the compiled result back takes about a tenth of that. :func:`cached_matcher` keys each
compiled matcher by the bytes of its lexicon files, the reader used for each, and the source code
of the modules that define matching (so that a new version of framing never reuses an old compiled
form), and stores it with :mod:`pickle` in the user's cache folder:

* ``$FRAMING_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/framing`` or ``~/.cache/framing``;
* ``FRAMING_CACHE=0`` turns the cache off.

Files are only ever read back from that folder, which only the user writes to; a file that cannot
be read back (truncated, or from an incompatible Python) is rebuilt silently.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

__all__ = ["cache_dir", "cached_matcher"]

# Modules whose classes are pickled in a compiled matcher, or that define what it matches.
_CODE = ("matcher.py", "batch.py", "text.py", "lexicon/model.py")


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is turned off (``FRAMING_CACHE=0``)."""
    if os.environ.get("FRAMING_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    root = os.environ.get("FRAMING_CACHE_DIR")
    if root:
        return Path(root)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "framing"


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in _CODE:
        h.update((here / name).read_bytes())
    return h.digest()


def _key(sources: list[tuple[Path, str, dict]]) -> str:
    h = hashlib.sha256(_code_digest())
    for path, fmt, options in sources:
        h.update(fmt.encode() + b"\0" + repr(sorted(options.items())).encode() + b"\0")
        h.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return h.hexdigest()[:32]


def cached_matcher(sources: list[tuple[Path, str, dict]], build: Callable[[], object]):
    """The compiled matcher of ``sources`` (``(path, format, reader options)`` per lexicon), loaded
    from the cache when an identical one was compiled before, else built by ``build()`` and stored.
    """
    folder = cache_dir()
    if folder is None:
        return build()
    try:
        file = folder / "lexicons" / f"{_key(sources)}.pickle"
    except OSError:
        return build()
    if file.is_file():
        try:
            with open(file, "rb") as f:
                return pickle.load(f)
        except Exception:  # noqa: BLE001 - any unreadable cache file is simply rebuilt
            pass
    matcher = build()
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(matcher, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)  # atomic: a concurrent reader sees the old file or the whole new one
    except OSError:
        pass  # a read-only home: no cache, same results
    return matcher
