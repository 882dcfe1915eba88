"""Where the bundled lexicons and the demo corpus live.

In a wheel they are copied into ``framing/_bundled/`` (see ``pyproject.toml``); in a source checkout
or an editable install they are read from the repository's ``lexicons/`` and ``examples/`` folders.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PKG / "_bundled" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder '{name}' not found next to the framing package; reinstall framing")


def lexicons_dir() -> Path:
    """Folder holding the lexicons shipped with framing."""
    return _find("lexicons")


def demo_corpus() -> Path:
    """Folder of the synthetic demo corpus (one sub-folder per fictional outlet)."""
    return _find("examples") / "derna_demo"


def bundled_lexicons() -> dict[str, Path]:
    """Shipped lexicon names mapped to their files."""
    return {p.stem: p for p in sorted(lexicons_dir().glob("*.yaml"))}
