"""Readers for published media-bias datasets, and a verified download of their original files.

Every reader takes the folder that holds the original published files (as they sit in the
dataset's GitHub repository) and returns a documented DataFrame. When no folder is given, the
default is ``../shared/data/<folder>`` beside the repository (or beside the working directory),
where the project keeps a staged copy for tests and benchmarks.

=========  ===========================  =========================================================
name       folder                       what
=========  ===========================  =========================================================
babe       ``babe``                     BABE (Spinde et al. 2021): expert-labelled sentences
mbic       ``mbic``                     MBIC (Spinde et al. 2021): crowd-labelled sentences
basil      ``basil``                    BASIL (Fan et al. 2019): 300 articles with bias spans
newswcl50  ``newswcl50``                NewsWCL50 (Hamborg et al. 2019): 50 articles, mentions
abp        ``article-bias-prediction``  Baly et al. (2020): AllSides articles, left/center/right
=========  ===========================  =========================================================

:func:`download` fetches the original files from the public GitHub repositories at the commits
listed in :data:`SOURCES`, checks each file's SHA-256 (or, for folders of many files, the SHA-256
of the sorted list of file hashes) and only then moves them into place. Nothing here touches the
network at import time or in a reader.

The article texts in BASIL, NewsWCL50 and Article-Bias-Prediction belong to their publishers:
use them for research, and do not redistribute them.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .manifest import sha256_file
from .errors import FramingError

__all__ = [
    "DATASETS",
    "SOURCES",
    "Source",
    "default_path",
    "load_dataset",
    "load_babe",
    "load_mbic",
    "load_basil",
    "load_basil_spans",
    "load_newswcl50",
    "load_newswcl50_annotations",
    "load_article_bias",
    "download",
    "verify",
    "tree_digest",
]

#: Dataset name -> folder name under ``../shared/data`` (and under a download target).
DATASETS: dict[str, str] = {
    "babe": "babe",
    "mbic": "mbic",
    "basil": "basil",
    "newswcl50": "newswcl50",
    "abp": "article-bias-prediction",
}
_ALIASES = {"article-bias-prediction": "abp", "article_bias_prediction": "abp", "newswcl": "newswcl50"}


class DatasetError(FramingError):
    """A dataset folder is missing, incomplete or fails its checksum."""


def _name(name: str) -> str:
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in DATASETS:
        raise DatasetError(f"unknown dataset '{name}'; datasets: {', '.join(DATASETS)}")
    return key


def default_path(name: str) -> Path | None:
    """``../shared/data/<folder>`` beside the repository or the working directory, if it exists."""
    folder = DATASETS[_name(name)]
    repo = Path(__file__).resolve().parents[1]
    for base in (repo / ".." / "shared" / "data", Path.cwd() / ".." / "shared" / "data"):
        cand = (base / folder).resolve()
        if cand.is_dir():
            return cand
    return None


def _folder(name: str, path) -> Path:
    if path is None:
        found = default_path(name)
        if found is None:
            raise DatasetError(f"no folder given for {name} and ../shared/data/{DATASETS[_name(name)]} does not exist; "
                               f"pass the folder (--from PATH) or fetch it with `framing datasets download {name}`")
        return found
    p = Path(path)
    if not p.is_dir():
        raise DatasetError(f"{p}: not a folder; give the folder holding the {name} files")
    return p


def _need(folder: Path, rel: str, name: str) -> Path:
    p = folder / rel
    if not p.exists():
        raise DatasetError(f"{p}: missing; the {name} folder must hold the original files "
                           f"(`framing datasets download {name}` fetches them)")
    return p


def _read_excel(path: Path, **kw) -> pd.DataFrame:
    try:
        import openpyxl  # noqa: F401
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise DatasetError(f"{path}: reading .xlsx files needs openpyxl; pip install openpyxl") from err
    return pd.read_excel(path, **kw)


def _word_list(value) -> list[str]:
    """A ``biased_words`` cell (a Python-list string) as a list of str."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    text = str(value).strip()
    if not text or text == "[]":
        return []
    try:
        out = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        out = [w.strip(" '\"") for w in text.strip("[]").split(",")]
    return [str(v) for v in out if str(v).strip()]


def _label(series: pd.Series) -> pd.Series:
    return series.map({"Biased": 1, "Non-biased": 0}).astype("Int8")


def _groups(links: pd.Series, prefix: str) -> pd.Series:
    """Article id for grouped splits: the link, or a per-row id where it is missing."""
    rows = pd.Series([f"{prefix}-row{i}" for i in range(len(links))], index=links.index)
    return links.where(links.notna() & (links.astype(str).str.strip() != ""), rows).astype(str)


# ------------------------------------------------------------------------------------------ BABE
def load_babe(path=None, *, subset: str = "SG2", drop_no_agreement: bool = True) -> pd.DataFrame:
    """BABE sentences with expert labels (``final_labels_SG2.csv`` or ``..._SG1.csv``).

    Parameters
    ----------
    path : str or Path, optional
        Folder holding ``final_labels_SG2.csv`` (default: ``../shared/data/babe``).
    subset : {"SG2", "SG1"}, default "SG2"
        SG2 is BABE (3,674 sentences); SG1 the 1,700 MBIC sentences labelled by experts.
    drop_no_agreement : bool, default True
        Drop sentences whose label is ``No agreement`` (1 in SG2, 154 in SG1).

    Returns
    -------
    DataFrame
        One row per sentence, in file order:

        ``row`` (int, 0-based row in the file), ``text`` (the sentence), ``news_link``,
        ``outlet``, ``topic``, ``type`` (the outlet's leaning: left / center / right, empty for
        1,000 SG2 rows), ``label_bias`` (Biased / Non-biased / No agreement), ``label_opinion``,
        ``biased_words`` (list of str), ``label`` (Int8: 1 biased, 0 non-biased, NA no
        agreement), ``group`` (article id for grouped splits: ``news_link``, or a per-row id
        where the link is missing).

    Notes
    -----
    The CSV files are semicolon-separated. Source: Spinde et al., Findings of EMNLP 2021.
    """
    if subset not in ("SG1", "SG2"):
        raise DatasetError(f"unknown BABE subset '{subset}'; use SG2 or SG1")
    folder = _folder("babe", path)
    f = _need(folder, f"final_labels_{subset}.csv", "babe")
    df = pd.read_csv(f, sep=";", dtype=str, keep_default_na=False, na_values={"news_link": [""]})
    out = pd.DataFrame({
        "row": np.arange(len(df)),
        "text": df["text"],
        "news_link": df["news_link"],
        "outlet": df["outlet"],
        "topic": df["topic"],
        "type": df["type"],
        "label_bias": df["label_bias"],
        "label_opinion": df["label_opinion"],
        "biased_words": df["biased_words"].map(_word_list),
    })
    out["label"] = _label(out["label_bias"])
    out["group"] = _groups(out["news_link"], f"babe-{subset}")
    if drop_no_agreement:
        out = out[out["label"].notna()].reset_index(drop=True)
    return out


# ------------------------------------------------------------------------------------------ MBIC
def load_mbic(path=None, *, drop_no_agreement: bool = False) -> pd.DataFrame:
    """MBIC sentences with crowd labels (``labeled_dataset.xlsx``).

    Parameters
    ----------
    path : str or Path, optional
        Folder holding ``labeled_dataset.xlsx`` (default: ``../shared/data/mbic``).
    drop_no_agreement : bool, default False
        Drop the 149 sentences labelled ``No agreement``.

    Returns
    -------
    DataFrame
        One row per sentence (1,700), in file order:

        ``row``, ``text`` (the sentence), ``news_link``, ``outlet``, ``topic``, ``type``
        (left / center / right), ``group_id``, ``num_sent``, ``label_bias``, ``label_opinion``,
        ``article`` (the article text, present for 1,600 rows), ``biased_words`` (list of str,
        from ``biased_words4``), ``label`` (Int8: 1 biased, 0 non-biased, NA no agreement),
        ``group`` (article id: ``news_link`` or a per-row id).

    Notes
    -----
    Needs openpyxl. Source: Spinde et al., iConference 2021 and IPM 58 (2021) 102505.
    """
    folder = _folder("mbic", path)
    df = _read_excel(_need(folder, "labeled_dataset.xlsx", "mbic"))
    out = pd.DataFrame({
        "row": np.arange(len(df)),
        "text": df["sentence"].astype(str),
        "news_link": df["news_link"],
        "outlet": df["outlet"],
        "topic": df["topic"],
        "type": df["type"],
        "group_id": df["group_id"],
        "num_sent": df["num_sent"],
        "label_bias": df["Label_bias"],
        "label_opinion": df["Label_opinion"],
        "article": df["article"],
        "biased_words": df["biased_words4"].map(_word_list),
    })
    out["label"] = _label(out["label_bias"])
    out["group"] = _groups(out["news_link"], "mbic")
    if drop_no_agreement:
        out = out[out["label"].notna()].reset_index(drop=True)
    return out


# ------------------------------------------------------------------------------------------ BASIL
def _basil_files(folder: Path) -> list[Path]:
    files = sorted((folder / "articles").glob("*/*.json"))
    if not files:
        raise DatasetError(f"{folder / 'articles'}: no article files; the basil folder must hold articles/<year>/*.json")
    return files


def _basil_text(art: dict) -> tuple[str, list[tuple[int, int, int, int]]]:
    """Article text (paragraphs joined by blank lines, sentences by spaces) and sentence offsets."""
    parts: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    pos = 0
    for pi, para in enumerate(art["body-paragraphs"]):
        if pi:
            parts.append("\n\n")
            pos += 2
        for si, sent in enumerate(para):
            if si:
                parts.append(" ")
                pos += 1
            spans.append((pi, si, pos, pos + len(sent)))
            parts.append(sent)
            pos += len(sent)
    return "".join(parts), spans


def load_basil(path=None, *, annotations: str = "v2") -> pd.DataFrame:
    """BASIL articles as a corpus table (one row per article) with their article-level labels.

    Parameters
    ----------
    path : str or Path, optional
        Folder holding ``articles/<year>/*.json`` and ``annotations/<year>/*_ann.json`` (default:
        ``../shared/data/basil``).
    annotations : {"v2", "v1"}, default "v2"
        The corrected second release (``annotations/``) or the paper's (``annotations_v1/``).

    Returns
    -------
    DataFrame
        ``doc_id`` (file stem, ``<triplet-uuid>_<n>``), ``outlet`` (``fox``, ``nyt``, ``hpo``,
        lower-cased), ``triplet`` (the event shared by the three outlets), ``date``, ``title``,
        ``url``, ``main_event``, ``relative_stance`` (lower-cased; center / left / liberal /
        right / conservative), ``n_spans``, ``n_lexical``, ``n_informational``, ``text``
        (paragraphs joined by a blank line, sentences by a space; readable by
        :func:`framing.read_corpus`).
    """
    folder = _folder("basil", path)
    ann_dir = {"v2": "annotations", "v1": "annotations_v1"}.get(annotations)
    if ann_dir is None:
        raise DatasetError(f"unknown BASIL annotations '{annotations}'; use v2 or v1")
    rows = []
    for f in _basil_files(folder):
        art = json.loads(f.read_text(encoding="utf-8"))
        text, _ = _basil_text(art)
        ann_path = folder / ann_dir / f.parent.name / f"{f.stem}_ann.json"
        ann = json.loads(ann_path.read_text(encoding="utf-8")) if ann_path.exists() else {}
        spans = ann.get("phrase-level-annotations", [])
        rows.append({
            "doc_id": f.stem, "outlet": str(art.get("source", "")).lower(), "triplet": art.get("triplet-uuid"),
            "date": art.get("date"), "title": art.get("title"), "url": art.get("url"),
            "main_event": art.get("main-event"),
            "relative_stance": str(ann.get("article-level-annotations", {}).get("relative_stance", "")).lower() or None,
            "n_spans": len(spans), "n_lexical": sum(s.get("bias") == "lex" for s in spans),
            "n_informational": sum(s.get("bias") == "inf" for s in spans), "text": text,
        })
    return pd.DataFrame(rows)


def load_basil_spans(path=None, *, annotations: str = "v2") -> pd.DataFrame:
    """BASIL bias spans, located in the article text of :func:`load_basil`.

    BASIL gives a span's offsets within its sentence but not the sentence; the span is placed in
    the first sentence whose characters at those offsets are the span text.

    Returns
    -------
    DataFrame
        ``doc_id``, ``outlet``, ``triplet``, ``span_id``, ``txt``, ``bias`` (``lex`` lexical /
        ``inf`` informational), ``polarity``, ``aim``, ``target``, ``quote`` (``yes``/``no``),
        ``speaker``, ``paragraph`` and ``sentence`` (indexes, -1 when not located), ``start``
        and ``end`` (offsets into the article text: ``text[start:end] == txt``; -1 when not
        located), ``located`` (bool).
    """
    folder = _folder("basil", path)
    ann_dir = {"v2": "annotations", "v1": "annotations_v1"}[annotations]
    rows = []
    for f in _basil_files(folder):
        art = json.loads(f.read_text(encoding="utf-8"))
        text, sents = _basil_text(art)
        ann_path = folder / ann_dir / f.parent.name / f"{f.stem}_ann.json"
        if not ann_path.exists():
            continue
        ann = json.loads(ann_path.read_text(encoding="utf-8"))
        for sp in ann.get("phrase-level-annotations", []):
            a, b, txt = int(sp["start"]), int(sp["end"]), sp["txt"]
            where = next(((pi, si, s0 + a, s0 + b) for pi, si, s0, s1 in sents
                          if s0 + b <= s1 and text[s0 + a:s0 + b] == txt), None)
            pi, si, start, end = where if where else (-1, -1, -1, -1)
            rows.append({"doc_id": f.stem, "outlet": str(art.get("source", "")).lower(),
                         "triplet": art.get("triplet-uuid"), "span_id": sp.get("id"), "txt": txt,
                         "bias": sp.get("bias"), "polarity": sp.get("polarity"), "aim": sp.get("aim"),
                         "target": sp.get("target"), "quote": sp.get("quote"), "speaker": sp.get("speaker"),
                         "paragraph": pi, "sentence": si, "start": start, "end": end, "located": where is not None})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------ NewsWCL50
#: NewsWCL50 outlet codes.
NEWSWCL50_OUTLETS = {"LL": "HuffPost", "L": "New York Times", "M": "USA Today", "R": "Fox News", "RR": "Breitbart"}


def load_newswcl50(path=None) -> pd.DataFrame:
    """NewsWCL50 article texts (one row per article; 50 = 10 events x 5 outlets).

    Returns
    -------
    DataFrame
        ``doc_id`` (``<event>_<code>``), ``event`` (int), ``outlet_code`` (LL, L, M, R, RR),
        ``outlet`` (HuffPost, New York Times, USA Today, Fox News, Breitbart), ``url``, ``text``
        (the file as written, one paragraph per line).
    """
    folder = _folder("newswcl50", path)
    files = sorted((folder / "articles_text").glob("*.txt"))
    if not files:
        raise DatasetError(f"{folder / 'articles_text'}: no article texts")
    urls = {}
    if (folder / "urls.tsv").exists():
        u = pd.read_csv(folder / "urls.tsv", sep="\t", dtype=str)
        urls = {(r[0].strip(), r[1].strip()): r[2] for r in u.itertuples(index=False)}
    rows = []
    for f in files:
        event, code = f.stem.split("_", 1)
        rows.append({"doc_id": f.stem, "event": int(event), "outlet_code": code,
                     "outlet": NEWSWCL50_OUTLETS.get(code, code), "url": urls.get((event, code)),
                     "text": f.read_bytes().decode("utf-8")})
    return pd.DataFrame(rows)


def load_newswcl50_annotations(path=None) -> pd.DataFrame:
    """NewsWCL50 concept-mention annotations (``Annotations.csv``, 8,694 rows).

    Returns
    -------
    DataFrame
        ``id``, ``code_type`` (ACTOR, ACTOR-I, GROUP, COUNTRY, OBJECT, EVENT, ACTION, MISC,
        PROPERTY), ``code_name``, ``code_mention``, ``target_concept``, ``event_id``,
        ``publisher_id``, ``paragraph``, ``sentence``, ``start``, ``end`` (token positions),
        ``doc_id`` (``<event>_<publisher>``, as in :func:`load_newswcl50`).
    """
    folder = _folder("newswcl50", path)
    f = _need(folder, "Annotations.csv", "newswcl50")
    with open(f, encoding="utf-8-sig") as fh:
        skip = 1 if fh.readline().strip().lower().startswith("sep=") else 0
    df = pd.read_csv(f, skiprows=skip, dtype={"id": str, "publisher_id": str})
    df["doc_id"] = df["event_id"].astype(str) + "_" + df["publisher_id"].astype(str)
    return df


# ------------------------------------------------------------------------------------------ Article-Bias-Prediction
def load_article_bias(path=None, *, ids=None) -> pd.DataFrame:
    """Article-Bias-Prediction (Baly et al. 2020) articles from ``jsons/<ID>.json``.

    Parameters
    ----------
    path : str or Path, optional
        Folder holding ``jsons/`` and ``splits/{media,random}/{train,valid,test}.tsv``
        (default: ``../shared/data/article-bias-prediction``).
    ids : iterable of str, optional
        Read only these article ids (default: every JSON file in the folder).

    Returns
    -------
    DataFrame
        One row per article, sorted by id: ``doc_id`` (the ``ID``), ``outlet`` (``source``),
        ``source_url``, ``url``, ``date`` (as written; mixed formats), ``authors``, ``title``,
        ``topic``, ``text`` (``content_original``), ``label`` (``bias_text``: left / center /
        right), ``bias`` (0 left, 1 center, 2 right), ``split_media``, ``split_random``
        (train / valid / test from the split files, empty when in none).
    """
    folder = _folder("abp", path)
    jdir = _need(folder, "jsons", "abp")
    files = sorted(jdir.glob("*.json")) if ids is None else [jdir / f"{i}.json" for i in sorted(set(ids))]
    rows = []
    for f in files:
        d = json.loads(f.read_text(encoding="utf-8"))
        rows.append({"doc_id": d["ID"], "outlet": d.get("source"), "source_url": d.get("source_url"),
                     "url": d.get("url"), "date": d.get("date"), "authors": d.get("authors"),
                     "title": d.get("title"), "topic": d.get("topic"), "text": d.get("content_original") or "",
                     "label": d.get("bias_text"), "bias": int(d["bias"]) if d.get("bias") is not None else -1})
    out = pd.DataFrame(rows)
    for kind in ("media", "random"):
        split = {}
        for part in ("train", "valid", "test"):
            p = folder / "splits" / kind / f"{part}.tsv"
            if p.exists():
                for i in pd.read_csv(p, sep="\t", dtype=str)["ID"]:
                    split[i] = part
        out[f"split_{kind}"] = out["doc_id"].map(split).fillna("") if len(out) else []
    return out


_LOADERS: dict[str, Callable[..., pd.DataFrame]] = {
    "babe": load_babe, "mbic": load_mbic, "basil": load_basil, "newswcl50": load_newswcl50, "abp": load_article_bias,
}


def load_dataset(name: str, path=None, **options) -> pd.DataFrame:
    """Read a dataset by name (``babe``, ``mbic``, ``basil``, ``newswcl50``, ``abp``); see the readers."""
    return _LOADERS[_name(name)](path, **options)


# ------------------------------------------------------------------------------------------ download
@dataclass(frozen=True)
class Source:
    """One original file, or one folder of files, in a public GitHub repository.

    Attributes
    ----------
    repo, commit : str
        ``owner/name`` and the full commit the files are taken from.
    remote : str
        Path in the repository (a file), or a regular expression matched against every path of the
        commit's tree (a folder of files; its first group is the local relative path).
    local : str
        Path under the dataset folder (a file), or a prefix for the matched files.
    sha256 : str
        SHA-256 of the file, or :func:`tree_digest` of the matched files.
    many : bool
        True when ``remote`` is a pattern.
    """

    repo: str
    commit: str
    remote: str
    local: str
    sha256: str
    many: bool = False


_BABE = ("Media-Bias-Group/Neural-Media-Bias-Detection-Using-Distant-Supervision-With-BABE",
         "fb79f646dcabf1746f5ebedc06ed8dd61ba78188")
_MBIC = ("Media-Bias-Group/Automated-Identification-of-Bias-Inducing-Words-in-News-Articles",
         "66ee5d1ba6d831ef85cb0cbf3b98979f19441f8b")
_BASIL2 = ("launchnlp/BASIL", "4fdbc4f68d5ddae648990063cb6dd11424d96222")
_BASIL1 = ("marshallwhiteorg/emnlp19-media-bias", "4a8865347588648ae14e63344c9686d2b0a4930e")
_WCL = ("fhamborg/NewsWCL50", "f9513ae78648aa4b1c59da8003f1989867ccaf20")
_WCL_TEXT = ("Luisgarchi/NewsWCL50", "23dad019b72cf854b6765e757ba5399a815c0033")
_WCL_CONLL = ("anastasia-zhukova/Diverse_CDCR_datasets", "9dfb46284593bdd35d1a5b5c758c9aa71cb43f1a")
_ABP = ("ramybaly/Article-Bias-Prediction", "ced8111a720948e6a410e52031ace99c4e53f096")

#: The original files of every dataset: where they come from and their SHA-256.
SOURCES: dict[str, list[Source]] = {
    "babe": [
        Source(*_BABE, "data/final_labels_SG2.csv", "final_labels_SG2.csv",
               "c02ebe82a8411f15e9dc63afed27826d61b84df56b5e1511f0f40bf8a688aeaf"),
        Source(*_BABE, "data/final_labels_SG1.csv", "final_labels_SG1.csv",
               "aa9c30d3a2ce8836552564424229df182f73ff10fcbe1572a663154f0ace18e8"),
        Source(*_BABE, "data/raw_labels_SG1.xlsx", "raw_labels_SG1.xlsx",
               "caae4cd2417241ba1ccf85a418814275997f10d927d01de421153fdad62ebeb6"),
        Source(*_BABE, "data/raw_labels_SG2.xlsx", "raw_labels_SG2.xlsx",
               "21de6b109be6cfe7c7ee4647befa84d7cdf7799d0f265fd6140a0f117edf64a8"),
        Source(*_BABE, "data/bias_word_lexicon.xlsx", "bias_word_lexicon.xlsx",
               "b863262b9d92771e41e2b2ed4cc36a67278065f0c4f8f288a90fdae787f41daa"),
        Source(*_BABE, "annotator_demographics.csv", "annotator_demographics.csv",
               "15f6fd2b21075f495928b6b68e45b15b8632c87b5a4b2f28224b24ae7fced804"),
        Source(*_BABE, "topics_keywords_platforms.txt", "topics_keywords_platforms.txt",
               "7ec75329ae01e125474e507e40a720c889d391afc0a9a344d42bd3575722c15d"),
    ],
    "mbic": [
        Source(*_MBIC, "data/labeled_dataset.xlsx", "labeled_dataset.xlsx",
               "aa477212ac702b2ac283ca3b094055bb9ec8ec22ecdc6e9ad2985213237347ec"),
        Source(*_MBIC, "data/annotators.csv", "annotators.csv",
               "aac81ee83bbb35cd5d1d2c97c735cd86fa16ff84afda1ae4cd3aea3050d5920f"),
        Source(*_MBIC, "data/seed_biased_words.xlsx", "seed_biased_words.xlsx",
               "66b307df45e876791da9df40a7620e6550103756039edff3da7b3a71ba9fdf7d"),
        Source(*_BABE, "data/raw_labels_MBIC.xlsx", "raw_labels_MBIC.xlsx",
               "3d0386dbdf8c982f9d3a2e6cfd2e2eb82c6b1295cf5749bf5ff4f670da6ab959"),
    ],
    "basil": [
        Source(*_BASIL2, r"articles/(\d{4}/[^/]+\.json)", "articles/",
               "aa7d20cba867599d5f08f14a431570977892d7ea2f605b3388c34f1668a39866", many=True),
        Source(*_BASIL2, r"annotations/(\d{4}/[^/]+_ann\.json)", "annotations/",
               "9165c92c56b470c8650eda7d15df7c33882629afc9a89d46751391294c835332", many=True),
        Source(*_BASIL1, r"data/annotations/resolved/(\d{4}/[^/]+_ann\.json)", "annotations_v1/",
               "8b6424776fef72aab27260a89e538543617eba6bddc7a2b0cb9321730911fd45", many=True),
        Source(*_BASIL2, "annotation_changes.txt", "annotation_changes.txt",
               "208ad160f636bf1587aa4eeaa309fdd8cde96bde76f9fd0a136d489c515136d0"),
    ],
    "newswcl50": [
        Source(*_WCL, "Annotations.csv", "Annotations.csv",
               "50ee5104a62ce2c294f42cf8ba512b0ed5ea38b46546ec0d331237b57d9310eb"),
        Source(*_WCL, "urls.tsv", "urls.tsv", "6b1790049fe375eeb4d9947e5aaf84ac0a063faa9ef614fcd6e40e61cf4ab421"),
        Source(*_WCL, "LICENSE", "LICENSE.txt", "7abe19ec9bb73b36141b999b861d24ad855e808bafe0f81e84cce28556f6c297"),
        # event 4's files are named *.txt.txt at the source; they are stored as *.txt
        Source(*_WCL_TEXT, r"1-raw-articles/event_\d+/(\d+_[A-Z]+\.txt)(?:\.txt)?", "articles_text/",
               "708f3e7b77a058a5cf26ad94a8634c71fee9e6e758444ea518fd0e03c516867c", many=True),
        Source(*_WCL_CONLL, "NewsWCL50-prep/output_data/NewsWCL50.conll", "NewsWCL50.conll",
               "7518a16bb6399890a5e8a1c92ae510043c35238b847a4a5bad4ae16fc65bedaa"),
    ],
    "abp": [
        *[Source(*_ABP, f"data/splits/{k}/{p}.tsv", f"splits/{k}/{p}.tsv", h) for k, p, h in [
            ("media", "train", "79e56e281afbf9c04661e113536ade2ba42d6dba7a0ea936f6d09b5a4db0d9d1"),
            ("media", "valid", "49b6a2e282ad6c6419ae5ad6fcfde19c034ae0afc39f7b06d66c16b60e3901b6"),
            ("media", "test", "99dc183e1c5a16dba288e75009307292d521cc889a6ed78828333dc1fc16ed0f"),
            ("random", "train", "4854d1cf756874298db9cae914b8b90920121229dd743dd3cc5836810231b80d"),
            ("random", "valid", "042b577a54caaba4e401c1575a9bb64b99a801001be8704a65beb82148516d5d"),
            ("random", "test", "2ba1feaba0ba56919b4f697e17eb21fb094ed47833434425de71a0a5e8affaa9")]],
        # the articles of the media-based validation and test sets (3,656 of 37,554 JSON files)
        Source(*_ABP, r"data/jsons/([A-Za-z0-9]+\.json)", "jsons/",
               "247273b30d2cb150c4be8abb9d19c6b8c358f788ab4b6b09c77c8c9f1c902cbf", many=True),
    ],
}


def tree_digest(root: str | Path, files: list[str]) -> str:
    """SHA-256 of the sorted lines ``<sha256 of file>  <relative path>`` (one per file, with a
    final newline): the checksum of a folder of many files."""
    root = Path(root)
    lines = [f"{sha256_file(root / rel)}  {rel}" for rel in sorted(files)]
    return hashlib.sha256(("\n".join(lines) + "\n").encode("utf-8")).hexdigest()


def verify(name: str, path=None) -> list[str]:
    """Check a dataset folder against :data:`SOURCES`; return one problem per mismatching file
    (an empty list when every original file is there with its published SHA-256).

    Files the download adds beyond the recorded ones (such as ``metadata_all.csv``) are ignored.
    """
    key = _name(name)
    folder = _folder(key, path)
    problems = []
    for src in SOURCES[key]:
        if src.many:
            base = folder / src.local
            rels = sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()) \
                if base.is_dir() else []
            if key == "abp":
                staged = _abp_staged_names(folder)
                rels = [r for r in rels if r in staged]
            got = tree_digest(base, rels) if rels else "missing"
            if got != src.sha256:
                problems.append(f"{base}: {len(rels)} files, digest {got[:12]} != {src.sha256[:12]}")
        else:
            p = folder / src.local
            got = sha256_file(p) if p.exists() else "missing"
            if got != src.sha256:
                problems.append(f"{p}: SHA-256 {got[:12]} != {src.sha256[:12]}")
    return problems


def _abp_staged_names(folder: Path) -> set[str]:
    """JSON names of the media-split validation and test articles (the staged subset)."""
    names = set()
    for part in ("valid", "test"):
        p = folder / "splits" / "media" / f"{part}.tsv"
        if p.exists():
            names |= {f"{i}.json" for i in pd.read_csv(p, sep="\t", dtype=str)["ID"]}
    return names


def _http_get(url: str) -> bytes:  # pragma: no cover - network
    req = urllib.request.Request(url, headers={"User-Agent": "framing-datasets"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return resp.read()


def _raw_url(repo: str, commit: str, path: str) -> str:
    return f"https://raw.githubusercontent.com/{repo}/{commit}/{path}"


def _tree_url(repo: str, commit: str) -> str:
    return f"https://api.github.com/repos/{repo}/git/trees/{commit}?recursive=1"


def download(name: str, to=None, *, fetch: Callable[[str], bytes] | None = None, force: bool = False) -> Path:
    """Fetch a dataset's original files from their GitHub repositories, verify and cache them.

    Parameters
    ----------
    name : str
        ``babe``, ``mbic``, ``basil``, ``newswcl50`` or ``abp``.
    to : str or Path, optional
        Cache folder; the dataset goes to ``to/<folder>`` (default:
        ``~/.cache/framing/datasets``, or ``$FRAMING_DATA``).
    fetch : callable, optional
        ``fetch(url) -> bytes``; the default uses :mod:`urllib`. Tests pass a local stand-in.
    force : bool, default False
        Download again even when the folder already verifies.

    Returns
    -------
    Path
        The dataset folder, ready for the readers (``load_dataset(name, path)``).

    Raises
    ------
    DatasetError
        When a file's SHA-256 (or a folder's :func:`tree_digest`) differs from :data:`SOURCES`;
        nothing is moved into place then.

    Notes
    -----
    Files are written to a temporary folder beside the target and moved into place only after
    every checksum matched. For Article-Bias-Prediction only the 3,656 articles of the media-split
    validation and test sets are fetched (the JSON files of the other 33,898 articles are not
    needed by the readers' evaluations and are 430 MB).
    """
    key = _name(name)
    fetch = fetch or _http_get
    root = Path(to) if to is not None else Path(os.environ.get("FRAMING_DATA", Path.home() / ".cache" / "framing" / "datasets"))
    target = root / DATASETS[key]
    if target.is_dir() and not force and not verify(key, target):
        return target
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{DATASETS[key]}-", dir=root))
    try:
        trees: dict[tuple[str, str], list[str]] = {}
        for src in SOURCES[key]:
            if not src.many:
                _fetch_file(fetch, _raw_url(src.repo, src.commit, src.remote), tmp / src.local, src.sha256)
                continue
            if (src.repo, src.commit) not in trees:
                listing = json.loads(fetch(_tree_url(src.repo, src.commit)).decode("utf-8"))
                if listing.get("truncated"):
                    raise DatasetError(f"the file listing of {src.repo}@{src.commit[:7]} came back truncated; try again")
                trees[(src.repo, src.commit)] = [t["path"] for t in listing.get("tree", []) if t.get("type") == "blob"]
            pattern = re.compile(src.remote + "$")
            wanted = None
            if key == "abp":
                wanted = _abp_staged_names(tmp)
            rels = []
            for remote in trees[(src.repo, src.commit)]:
                m = pattern.fullmatch(remote)
                if not m or (wanted is not None and m.group(1) not in wanted):
                    continue
                rel = m.group(1)
                out = tmp / src.local / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(fetch(_raw_url(src.repo, src.commit, remote)))
                rels.append(rel)
            got = tree_digest(tmp / src.local, rels) if rels else "no files"
            if got != src.sha256:
                raise DatasetError(f"{src.repo}@{src.commit[:7]}:{src.remote}: {len(rels)} files with digest "
                                   f"{got[:12]}, expected {src.sha256[:12]}; nothing was installed")
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _fetch_file(fetch, url: str, out: Path, sha: str) -> None:
    data = fetch(url)
    got = hashlib.sha256(data).hexdigest()
    if got != sha:
        raise DatasetError(f"{url}: SHA-256 {got[:12]} != expected {sha[:12]} (changed or truncated); nothing was installed")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
