"""Safe model files: skops (no code runs on load) plus a JSON card.

A model folder holds

* ``model.skops``: the fitted objects, written with :func:`skops.io.dump`. Loading it never
  unpickles arbitrary code: skops rebuilds only the types it is told to trust;
* ``card.json``: what the model is and how it was made: ``framing_version``, versions of
  scikit-learn, skops, numpy and Python, ``created`` (UTC), ``task``, ``dataset`` (name, folder,
  SHA-256 of the training data files and of the training table), ``params``, ``scores``,
  ``lexicons`` (name and version of every feature lexicon), ``model_file`` and ``model_sha256``.

:func:`load_model` refuses a folder whose ``model.skops`` does not have the SHA-256 recorded in its
card (tampered or swapped), and a file that asks for any type outside :data:`TRUSTED_TYPES` (the
types framing's models are made of), so an unknown or hostile file fails with a clear message
instead of running.
"""

from __future__ import annotations

import datetime as _dt
import json
import platform
import zipfile
from pathlib import Path

from ..manifest import sha256_file
from ..errors import FramingError

__all__ = ["save_model", "load_model", "read_card", "ModelError", "TRUSTED_TYPES", "MODEL_FILE", "CARD_FILE"]

MODEL_FILE = "model.skops"
CARD_FILE = "card.json"

#: Types a framing model file may contain beyond what skops trusts by default. Everything else is
#: refused at load time.
TRUSTED_TYPES = [
    "framing.classify._sentences.SentenceBiasClassifier",
    "framing.classify._sentences.WordBiasPrior",
    "framing.classify._sentences._Scaler",
    "framing.classify._words.BiasedWordDetector",
    "framing.features.LexiconVectorizer",
    "framing.lexicon.model.Lexicon",
    "framing.lexicon.model.Entry",
    "framing.lexicon.model.Category",
    "framing.lexicon.model.Referent",
    "builtins.frozenset",
    "builtins.set",
    "numpy.dtype",
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "numpy.int32",
    "numpy.str_",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction._dict_vectorizer.DictVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
]


class ModelError(FramingError):
    """A model folder is missing, unknown, tampered with, or asks for untrusted types."""


def _skops():
    try:
        import skops.io as sio
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ModelError("saving and loading models needs skops; pip install skops") from err
    return sio


def _versions() -> dict:
    import numpy
    import sklearn

    from .. import __version__

    out = {"framing_version": __version__, "sklearn_version": sklearn.__version__, "numpy_version": numpy.__version__,
           "python_version": platform.python_version()}
    try:
        import skops

        out["skops_version"] = skops.__version__
    except ImportError:  # pragma: no cover
        pass
    return out


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "item") and callable(value.item):
        try:
            return value.item()
        except (ValueError, TypeError):
            pass
    if hasattr(value, "name") and hasattr(value, "version"):  # a Lexicon
        return f"{value.name} {value.version}"
    return repr(value)


def save_model(model, folder: str | Path, *, card: dict | None = None) -> Path:
    """Write ``model`` (any object made of :data:`TRUSTED_TYPES`) and its card to ``folder``.

    Parameters
    ----------
    model : object
        Typically a dict ``{"sentences": SentenceBiasClassifier, "words": BiasedWordDetector}``.
    folder : str or Path
        Created if needed; ``model.skops`` and ``card.json`` are overwritten.
    card : dict, optional
        Extra card fields (``task``, ``dataset``, ``params``, ``scores``, ``lexicons`` ...).

    Returns
    -------
    Path
        The card file.
    """
    sio = _skops()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MODEL_FILE
    sio.dump(model, path, compression=zipfile.ZIP_DEFLATED)
    unknown = [t for t in sio.get_untrusted_types(file=path) if t not in TRUSTED_TYPES]
    if unknown:
        path.unlink()
        raise ModelError(f"the model holds types outside framing's trusted list ({', '.join(unknown[:5])}); "
                         "it was not saved")
    info = {"format": "framing-model/1", **_versions(),
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            **_jsonable(card or {}), "model_file": MODEL_FILE, "model_sha256": sha256_file(path)}
    out = folder / CARD_FILE
    out.write_text(json.dumps(info, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return out


def read_card(folder: str | Path) -> dict:
    """The card of a model folder."""
    p = Path(folder) / CARD_FILE
    if not p.exists():
        raise ModelError(f"{Path(folder)}: no {CARD_FILE}; not a framing model folder (train one with "
                         "`framing classify train`)")
    try:
        card = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ModelError(f"{p}: not valid JSON ({err.msg} at line {err.lineno})") from err
    if not isinstance(card, dict) or card.get("format") != "framing-model/1":
        raise ModelError(f"{p}: not a framing model card (format {card.get('format') if isinstance(card, dict) else None!r})")
    return card


def load_model(folder: str | Path, *, trusted: list[str] | None = None):
    """Load a model folder written by :func:`save_model`, after checking it.

    Parameters
    ----------
    folder : str or Path
    trusted : list of str, optional
        Extra type names to trust (for models of your own that hold other estimators).

    Returns
    -------
    (model, card)

    Raises
    ------
    ModelError
        No card, a card of another format, a model file missing or whose SHA-256 differs from the
        card (tampered), or a file that asks for types outside the trusted list.
    """
    sio = _skops()
    folder = Path(folder)
    card = read_card(folder)
    path = folder / card.get("model_file", MODEL_FILE)
    if not path.exists():
        raise ModelError(f"{path}: missing; the card names it")
    got = sha256_file(path)
    if got != card.get("model_sha256"):
        raise ModelError(f"{path}: SHA-256 {got[:12]} differs from the card's {str(card.get('model_sha256'))[:12]}; "
                         "the file was changed after it was saved, refusing to load it")
    allowed = set(TRUSTED_TYPES) | set(trusted or [])
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as err:  # a corrupt archive
        raise ModelError(f"{path}: not a readable skops file ({err})") from err
    unknown = [t for t in untrusted if t not in allowed]
    if unknown:
        raise ModelError(f"{path}: asks for types framing does not trust ({', '.join(unknown[:5])}); refusing to load")
    return sio.load(path, trusted=untrusted), card
