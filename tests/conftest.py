"""Shared fixtures. Real-data tests read ../shared/data by a path relative to the repository.

When ../shared is missing the tests that need it skip with a reason, so the suite passes on a
user's machine; when the CI environment variable is set a missing folder is a failure instead, so
real-data tests can never skip silently there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
SEED = SHARED / "seeds" / "000_c1e418e0bd2aa12f.txt"


def _need(path: Path) -> Path:
    if path.exists():
        return path
    msg = f"real data not found at {path} (the ../shared folder beside the repository)"
    if os.environ.get("CI"):
        pytest.fail(msg + "; CI must have it", pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def shared() -> Path:
    return _need(SHARED)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return _need(SEED).read_text(encoding="utf-8")


def basil_articles(shared: Path) -> pd.DataFrame:
    """BASIL articles as a corpus table: paragraphs joined by blank lines, sentences by spaces."""
    rows = []
    for path in sorted((shared / "data" / "basil" / "articles").glob("*/*.json")):
        art = json.loads(path.read_text(encoding="utf-8"))
        text = "\n\n".join(" ".join(p) for p in art["body-paragraphs"])
        rows.append({"doc_id": path.stem, "outlet": art["source"].lower(), "date": art.get("date"),
                     "title": art.get("title"), "text": text})
    return pd.DataFrame(rows)


def newswcl_articles(shared: Path) -> pd.DataFrame:
    rows = []
    for path in sorted((shared / "data" / "newswcl50" / "articles_text").glob("*.txt")):
        event, outlet = path.stem.split("_", 1)
        rows.append({"doc_id": path.stem, "outlet": outlet, "event": event,
                     "text": path.read_bytes().decode("utf-8", errors="strict")})
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def basil(shared) -> pd.DataFrame:
    _need(shared / "data" / "basil")
    return basil_articles(shared)


@pytest.fixture(scope="session")
def newswcl(shared) -> pd.DataFrame:
    _need(shared / "data" / "newswcl50")
    return newswcl_articles(shared)


@pytest.fixture(autouse=True, scope="session")
def _private_lexicon_cache(tmp_path_factory):
    """Compiled lexicons are cached in a folder of this test session, never in the user's home."""
    os.environ["FRAMING_CACHE_DIR"] = str(tmp_path_factory.mktemp("framing-cache"))
    yield


def _need_compiled() -> None:
    from framing import _kernels

    if not _kernels.COMPILED:
        msg = "framing._ckernels is not built (pip install -e . compiles it)"
        if os.environ.get("CI"):
            pytest.fail(msg + "; CI must build it", pytrace=False)
        pytest.skip(msg)


@pytest.fixture(scope="module")
def compiled() -> None:
    """Tests of the C loops: skipped where they are not built, a failure in CI."""
    _need_compiled()


@pytest.fixture(scope="module", params=["numpy", "compiled"])
def engine(request):
    """Run a module's tests on both matching paths: the compiled one (framing._kernels) and the NumPy
    one taken where the C extension is missing, by moving the size threshold between them."""
    from framing import _kernels

    if request.param == "compiled":
        _need_compiled()
    old = _kernels.COMPILED_MIN_CHARS
    _kernels.COMPILED_MIN_CHARS = 0 if request.param == "compiled" else 10 ** 18
    yield request.param
    _kernels.COMPILED_MIN_CHARS = old
