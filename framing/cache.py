"""A cache of compiled lexicons, so that a warm start with a large lexicon takes a fraction of a second.

Reading a 10,000-entry YAML lexicon, validating it and compiling its automaton takes about a second;
loading the compiled result back takes about a tenth of that. :func:`cached_matcher` keys each
compiled matcher by the path and bytes of its lexicon files, the reader used for each, and
framing's source code (so that another version of framing never reuses an old compiled form), and
stores it with :mod:`pickle` in the user's cache folder:

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
    """SHA-256 of framing's source, Python's and NumPy's versions: a compiled matcher is reused only
    by the code that made it (its classes are pickled, and every reader decides what a lexicon
    holds)."""
    import sys

    import numpy

    here = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{sys.version}\0{numpy.__version__}\0".encode())  # (pickles of arrays)
    for file in sorted([*here.rglob("*.py"), *here.rglob("*.c")]):  # (the C loops read pickled arrays)
        h.update(file.relative_to(here).as_posix().encode() + b"\0" + file.read_bytes())
    return h.digest()


def _key(sources: list[tuple[Path, str]]) -> str:
    h = hashlib.sha256(_code_digest())
    for path, fmt in sources:
        # the path too: readers take a lexicon's name and categories from its file name
        h.update(f"{fmt}\0{path}\0{Path(path).resolve()}\0".encode())
        h.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return h.hexdigest()[:32]


def cached_matcher(sources: list[tuple[Path, str]], build: Callable[[], object]):
    """The compiled matcher of ``sources`` (``(path, format)`` per lexicon file), loaded from the cache
    when an identical one was compiled before, else built by ``build()`` and stored.
    """
    folder = cache_dir()
    if folder is None:
        return build()
    try:
        key = _key(sources)
    except OSError:
        return build()
    file = folder / "lexicons" / f"{key}.pickle"
    if file.is_file():
        try:
            with open(file, "rb") as f:
                return pickle.load(f)
        except Exception:  # noqa: BLE001 - any unreadable cache file is simply rebuilt
            pass
    matcher = build()
    try:
        if _key(sources) != key:
            return matcher  # a file changed while it was read: do not store under the old bytes
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(matcher, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, file)  # atomic: a concurrent reader sees the old file or the whole new one
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only home: no cache, same results
    return matcher
