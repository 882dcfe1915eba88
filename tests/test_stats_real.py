"""Statistics on real corpora (../shared/data): BASIL, Article-Bias-Prediction, NewsWCL50.

Nothing from the datasets is written into the repository: corpora are assembled in temporary
folders, and the NewsWCL50 lexicon is built in memory from the dataset's annotations at run time.
Run with ``-s`` to see the tables.
"""

import json
import re

import numpy as np
import pandas as pd

import framing
from framing import stats
from framing.cli import main
from framing.lexicon import Category, Entry, Lexicon, Referent
from framing.tables import to_markdown
from framing.text import normalize_term

from conftest import _need



def _show(title, table):
    print(f"\n{title}\n{to_markdown(table)}")


def _top(path, value, n=8):
    t = pd.read_csv(path, keep_default_na=False, na_values=[""])
    return t.sort_values(["group", "reference", value], ascending=[True, True, False]).groupby(
        ["group", "reference"], sort=False).head(n)


def _check_log_odds_and_keyness(out, groups):
    lo = pd.read_csv(out / "log_odds.csv", keep_default_na=False, na_values=[""])
    assert list(lo.columns[:8]) == ["term", "group", "reference", "count", "count_reference", "delta", "variance", "z"]
    assert set(lo["group"]) == set(groups) and lo["z"].notna().all()
    ky = pd.read_csv(out / "keyness.csv", keep_default_na=False, na_values=[""])
    assert set(ky["group"]) == set(groups) and ky["p_adj"].between(0, 1).all()
    for g in groups:  # every group has terms it uses distinctively, after FDR control
        assert (ky[(ky["group"] == g) & (ky["g2"] > 0)]["p_adj"] < 0.05).any()
        assert lo[lo["group"] == g]["z"].max() > 3
    for ext in ("md", "tex"):
        assert (out / f"log_odds.{ext}").stat().st_size > 0 and (out / f"keyness.{ext}").stat().st_size > 0
    return lo, ky


def test_basil_distinctive_terms_by_outlet(basil, tmp_path):
    path = tmp_path / "basil.csv"
    basil.to_csv(path, index=False)
    out = tmp_path / "ngrams"
    assert main(["compare", str(path), "--out", str(out), "--stat", "log-odds,keyness", "--terms", "ngrams",
                 "--min-count", "10", "--by", "outlet"]) == 0
    _check_log_odds_and_keyness(out, {"fox", "hpo", "nyt"})
    _show("BASIL: log-odds (uniform prior 0.01, one vs rest), top words by z",
          _top(out / "log_odds.csv", "z", 6)[["group", "term", "count", "count_reference", "delta", "z"]].round(3))
    _show("BASIL: keyness (G2, BH over the family), top words",
          _top(out / "keyness.csv", "g2", 6)[["group", "term", "count", "count_reference", "g2", "p_adj"]]
          .round(4))
    # lexicon terms (the loaded_language lexicon) between outlets, informative prior
    lex = tmp_path / "lexicon"
    assert main(["compare", str(path), "--lexicon", "loaded_language", "--out", str(lex), "--stat",
                 "log-odds,keyness,rates", "--prior", "informative", "--replicates", "500"]) == 0
    lo = pd.read_csv(lex / "log_odds.csv")
    assert set(lo["group"]) == {"fox", "hpo", "nyt"}
    _show("BASIL: loaded_language terms, log-odds (informative prior from the pooled counts), top z",
          _top(lex / "log_odds.csv", "z", 4)[["group", "term", "count", "count_reference", "z"]].round(3))
    rates = pd.read_csv(lex / "rates.csv")
    assert (rates["ci_low"] <= rates["rate_per_1k"] + 1e-9).all()


def _abp(shared) -> pd.DataFrame:
    folder = _need(shared / "data" / "article-bias-prediction" / "jsons")
    rows = []
    for p in sorted(folder.glob("*.json")):
        art = json.loads(p.read_text(encoding="utf-8"))
        rows.append({"doc_id": art["ID"], "outlet": art["source"], "bias_text": art["bias_text"],
                     "date": art.get("date"), "text": art["content_original"]})
    return pd.DataFrame(rows)


def test_article_bias_prediction_distinctive_terms_by_leaning(shared, tmp_path):
    abp = _abp(shared)
    assert set(abp["bias_text"]) == {"left", "center", "right"}
    path = tmp_path / "abp.csv"
    abp.to_csv(path, index=False)
    out = tmp_path / "ngrams"
    assert main(["compare", str(path), "--out", str(out), "--stat", "log-odds,keyness", "--terms", "ngrams",
                 "--min-count", "20", "--by", "bias_text"]) == 0
    _check_log_odds_and_keyness(out, {"left", "center", "right"})
    _show("Article-Bias-Prediction (outlets grouped left/center/right): log-odds, top words by z",
          _top(out / "log_odds.csv", "z", 8)[["group", "term", "count", "count_reference", "delta", "z"]].round(3))
    _show("Article-Bias-Prediction: keyness (G2, BH over the family), top words",
          _top(out / "keyness.csv", "g2", 8)[["group", "term", "count", "count_reference", "g2", "p_adj"]]
          .round(4))
    # lexicon terms: loaded_language, keyness relative to all tokens of each leaning
    lex = tmp_path / "lexicon"
    assert main(["compare", str(path), "--lexicon", "loaded_language", "--out", str(lex), "--stat",
                 "log-odds,keyness", "--by", "bias_text", "--prior", "informative"]) == 0
    _check_log_odds_and_keyness(lex, {"left", "center", "right"})
    _show("Article-Bias-Prediction: loaded_language terms, log-odds (informative prior), top z",
          _top(lex / "log_odds.csv", "z", 5)[["group", "term", "count", "count_reference", "z"]].round(3))
    _show("Article-Bias-Prediction: loaded_language terms, keyness against all tokens (G2, BH)",
          _top(lex / "keyness.csv", "g2", 5)[["group", "term", "count", "count_reference", "n_group", "g2",
                                             "p_adj"]].round(4))
    # pairwise: left against right directly, and the two directions agree
    pw = tmp_path / "pairwise"
    assert main(["compare", str(path), "--out", str(pw), "--stat", "log-odds", "--terms", "ngrams",
                 "--min-count", "20", "--by", "bias_text", "--contrast", "pairwise", "--groups", "left,right"]) == 0
    p = pd.read_csv(pw / "log_odds.csv", keep_default_na=False, na_values=[""])
    lr = p[p["group"] == "left"].set_index("term")["z"]
    rl = p[p["group"] == "right"].set_index("term")["z"]
    np.testing.assert_allclose(lr, -rl.loc[lr.index])
    _show("Article-Bias-Prediction: left vs right (pairwise), top words each way",
          pd.concat([lr.sort_values(ascending=False).head(8).rename("z_left_vs_right").reset_index(),
                     rl.sort_values(ascending=False).head(8).rename("z_right_vs_left").reset_index()], axis=1).round(2))


def _newswcl_lexicon(shared, n_actors=4):
    """Actors of NewsWCL50 and the phrases annotators marked as mentions of them, as a Lexicon.

    The actors are the ACTOR concepts with the most annotations; each phrase goes to the concept
    (of any type) it was annotated as most often; pronouns and phrases of fewer than three
    characters are left out; the concept's last name part is its alias.
    """
    a = pd.read_csv(_need(shared / "data" / "newswcl50" / "Annotations.csv"), skiprows=1)
    a["form"] = a["code_mention"].astype(str).map(lambda x: " ".join(normalize_term(x).replace("*", " ").split()))
    pronouns = {"he", "him", "his", "she", "her", "they", "them", "their", "who", "its", "it", "we", "our", "you",
                "your", "himself", "themselves", "the two"}
    a = a[(a["form"].str.len() >= 3) & ~a["form"].isin(pronouns)]
    actors = a[a["code_type"] == "ACTOR"]["code_name"].value_counts().head(n_actors).index.tolist()
    # a phrase belongs to the concept (of any type: "Iran" is mostly the country) it was annotated as most
    owner = (a.groupby(["form", "code_name"]).size().reset_index(name="n")
             .sort_values(["form", "n", "code_name"], ascending=[True, False, True]).drop_duplicates("form"))
    owner = owner[owner["code_name"].isin(actors)]

    def rid(name):
        return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()

    referents = {rid(n): Referent(rid(n), n, aliases=[n.split("\\")[-1]]) for n in actors}
    entries = [Entry(term=f, category="label", referent=rid(n)) for f, n in zip(owner["form"], owner["code_name"])]
    return Lexicon(name="newswcl50_actors", categories={"label": Category("label")}, referents=referents,
                   entries=entries), actors


def test_newswcl50_label_divergence_between_five_outlets(newswcl, shared):
    lexicon, _ = _newswcl_lexicon(shared)
    res = framing.score(newswcl, lexicon, sentences=False)
    assert set(res.documents["outlet"]) == {"LL", "L", "M", "R", "RR"}
    shares = stats.label_shares(res.mentions, res.documents, replicates=1000, seed=0)
    div = stats.label_divergence(res.mentions, res.documents, replicates=1000, seed=0)
    tests = stats.label_test(res.mentions, res.documents, permutations=1000, seed=0)
    complete = div.groupby("referent").size()
    complete = complete[complete == 10].index.tolist()  # all 10 pairs of the 5 outlets
    assert len(complete) >= 3
    assert div["jsd"].between(0, 1).all() and (div["ci_low"] <= div["ci_high"] + 1e-12).all()
    assert set(tests["referent"]) == set(div["referent"])
    again = stats.label_divergence(res.mentions, res.documents, replicates=1000, seed=0)
    pd.testing.assert_frame_equal(div, again)
    for ref in complete:
        top = shares[shares["referent"] == ref].groupby("group", sort=False).head(3)
        _show(f"NewsWCL50 {ref}: top labels per outlet (share, 95% BCa interval over documents)",
              top[["group", "term", "count", "share", "ci_low", "ci_high"]].round(3))
        _show(f"NewsWCL50 {ref}: Jensen-Shannon divergence between outlets' label distributions [95% CI]",
              stats.divergence_matrix(div, referent=ref, value="interval").reset_index())
        t = tests[tests["referent"] == ref]
        _show(f"NewsWCL50 {ref}: chi-squared vs document-permutation tests",
              t[["group", "reference", "chi2", "dof", "p_chi2", "p_perm", "p_adj", "documents"]].round(4))
    _show("NewsWCL50: labelled documents per outlet pair",
          div[["referent", "group", "reference", "documents_group", "documents_reference"]])
