"""The HTML report: contract of the output folder, self-contained escaped HTML, audit snippets, and
rendering in headless Chromium with JavaScript disabled (demo corpus, injected markup, 20+ outlets).

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``), with script
execution disabled for the page (``Emulation.setScriptExecutionDisabled``): Chromium's own
``--dump-dom`` and ``--screenshot`` print nothing when scripts are off through
``--blink-settings=scriptEnabled=false``. Screenshots go to ``$FRAMING_SCREENSHOTS`` when set, else
to the test's temporary folder.
"""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

import framing
import framing.report
from framing.cli import main
from framing.manifest import read_manifest, sha256_file

INJECTED = ('Officials said the <script>document.title="pwned"</script> militia '
            '<img src=x onerror="document.body.innerHTML=\'pwned\'"> attacked & "withdrew".')


# ------------------------------------------------------------------------------------ chromium
def chromium_or_skip() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    msg = "headless Chromium not found (Debian: apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(msg + "; CI must have it", pytrace=False)
    pytest.skip(msg)


def screenshot_dir(tmp_path: Path) -> Path:
    d = Path(os.environ.get("FRAMING_SCREENSHOTS") or tmp_path)
    d.mkdir(parents=True, exist_ok=True)
    return d


class _DevTools:
    """A minimal DevTools-protocol client over Chromium's pipe (fd 3 in, fd 4 out)."""

    def __init__(self, binary: str, width: int, height: int, timeout: float = 90.0):
        self.r_cmd, self.w_cmd = os.pipe()
        self.r_out, self.w_out = os.pipe()
        self.profile = tempfile.mkdtemp(prefix="framing-chromium-")
        cmd_fd, out_fd = self.r_cmd, self.w_out

        def child_fds():
            a, b = os.dup(cmd_fd), os.dup(out_fd)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                "--blink-settings=scriptEnabled=false", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
                "--disable-default-apps", "--mute-audio", f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}", "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=child_fds, close_fds=False)
        os.close(self.r_cmd)
        os.close(self.w_out)
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []
        self.deadline = time.monotonic() + timeout

    def _read(self) -> dict:
        while b"\0" not in self.buf:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self.r_out], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.r_out, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w_cmd, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event: str) -> dict:
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == event:
                    return self.events.pop(i)
            self.events.append(self._read())

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:
            pass
        for fd in (self.w_cmd, self.r_out):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def open_page(index: Path, shots: dict[str, Path], *, width: int = 1400, height: int = 4000,
              expand: bool = False) -> dict:
    """Load ``index`` by file URL with JavaScript disabled; return the DOM, facts and screenshots.

    ``shots`` maps ``"top"`` (the first ``width`` × ``height`` pixels) or a CSS selector (a
    ``height``-pixel band starting at that element) to PNG paths. ``expand`` opens every
    ``<details>`` block before the screenshots (through DevTools, as a reader clicking them would;
    the page's own scripts stay disabled). ``text`` is the text content of the whole page, collapsed
    blocks included.
    """
    binary = chromium_or_skip()
    dt = _DevTools(binary, width, height)
    try:
        target = dt.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        sid = dt.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        dt.send("Emulation.setScriptExecutionDisabled", {"value": True}, sid)
        dt.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                       "mobile": False}, sid)
        dt.send("Page.enable", {}, sid)
        dt.send("Page.navigate", {"url": index.resolve().as_uri()}, sid)
        dt.wait_for("Page.loadEventFired")

        def evaluate(expr: str):
            return dt.send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, sid)["result"]["value"]

        facts = {
            "images": evaluate("JSON.stringify(Array.from(document.images).map(i => "
                               "[i.complete, i.naturalWidth, i.naturalHeight, i.getAttribute('src').slice(0, 22)]))"),
            "scripts": evaluate("document.querySelectorAll('script').length"),
            "onerror": evaluate("document.querySelectorAll('[onerror]').length"),
            "title": evaluate("document.title"),
            "text": evaluate("document.body.textContent"),
            "height": evaluate("document.documentElement.scrollHeight"),
        }
        facts["images"] = json.loads(facts["images"])
        root = dt.send("DOM.getDocument", {"depth": -1}, sid)["root"]["nodeId"]
        facts["dom"] = dt.send("DOM.getOuterHTML", {"nodeId": root}, sid)["outerHTML"]
        if expand:
            evaluate("document.querySelectorAll('details').forEach(d => d.open = true); true")
        for where, path in shots.items():
            params = {"format": "png"}
            if where != "top":
                top = evaluate(f"document.querySelector({json.dumps(where)}).getBoundingClientRect().top + scrollY")
                params.update(captureBeyondViewport=True, clip={"x": 0, "y": top, "width": width, "height": height,
                                                                "scale": 1})
            data = dt.send("Page.captureScreenshot", params, sid)["data"]
            Path(path).write_bytes(base64.b64decode(data))
        return facts
    finally:
        dt.close()


def check_images_decode(html: str) -> int:
    """Every <img> has a data: URI that decodes as a PNG; returns how many."""
    from PIL import Image
    import io

    srcs = re.findall(r'<img\b[^>]*\bsrc="([^"]*)"', html)
    for src in srcs:
        assert src.startswith("data:image/png;base64,"), src[:60]
        with Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))) as im:
            im.verify()
            assert im.format == "PNG"
    return len(srcs)


# ------------------------------------------------------------------------------------ demo report
@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "demo-report"
    t0 = time.perf_counter()
    code = main(["report", "--demo", "--out", str(out), "--replicates", "100", "--dpi", "100"])
    assert code == 0
    return out, time.perf_counter() - t0


def test_demo_report_folder_contract(demo_report):
    out, _ = demo_report
    assert (out / "index.html").is_file()
    tables = {p.name for p in (out / "tables").iterdir()}
    for name in ("groups", "rates", "labels", "valence", "voice_shares", "log_odds", "divergence", "rates_time"):
        assert {f"{name}.csv", f"{name}.md", f"{name}.tex"} <= tables, name
    figures = sorted(p.name for p in (out / "figures").iterdir())
    stems = {Path(f).stem for f in figures}
    assert {"rates_libya", "rates_loaded_language", "voice_shares", "labels_haftar", "valence"} <= stems
    assert all(f"{s}.png" in figures and f"{s}.svg" in figures for s in stems)
    doc = read_manifest(out)
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert set(doc["files"]) == on_disk
    assert all(doc["files"][f] == sha256_file(out / f) for f in on_disk)
    demo_files = [p for p in framing.demo_corpus().rglob("*") if p.is_file()]
    assert sum(k.startswith("framing:examples/derna_demo/") for k in doc["inputs"]) == len(demo_files)
    assert "framing:lexicons/libya.yaml" in doc["inputs"] and "framing:lexicons/loaded_language.yaml" in doc["inputs"]
    assert [(x["name"], x["version"]) for x in doc["lexicons"]] == [("libya", "1.0.0"), ("loaded_language", "1.0.0")]
    assert doc["counts"]["read"] == doc["counts"]["scored"] + doc["counts"]["skipped"] == 32
    assert doc["parameters"]["report"]["seed"] == 0 and doc["parameters"]["report"]["replicates"] == 100
    assert doc["parameters"]["statistics"]["rates"]["resampling"].startswith("documents")
    assert doc["policies"]["match"].startswith("framing.match")
    assert doc["command"]["argv"][:3] == ["framing", "report", "--demo"]
    rates = pd.read_csv(out / "tables" / "rates.csv")
    assert {"group", "category", "rate_per_1k", "ci_low", "ci_high"} <= set(rates.columns)
    assert (out / "tables" / "rates.tex").read_text().startswith("\\begin{tabular}")


def test_demo_report_html_is_self_contained_and_bounded(demo_report):
    out, _ = demo_report
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert not re.search(r'\b(?:src|href)="(?:https?:)?//', page)  # no network
    n = check_images_decode(page)
    assert n == len(list((out / "figures").glob("*.png")))
    assert len(page) < 6_000_000
    for section in ("What was analysed", "Key findings", "Figures", "Audit", "Reproduce"):
        assert section in page
    # what was analysed: corpus, counts, lexicons with versions, date range
    assert "32 read, 32 scored, 0 skipped" in page
    assert "2018-05-02 to 2018-07-14" in page
    assert re.search(r"<td>libya</td><td>1\.0\.0</td>", page)
    # the page never shows the output folder (so a re-run elsewhere gives the same bytes)
    assert str(out) not in page and "--out OUT" in page


def test_demo_audit_samples_every_cell(demo_report):
    out, _ = demo_report
    page = (out / "index.html").read_text(encoding="utf-8")
    res = framing.score(framing.demo_corpus(), ["libya", "loaded_language"], sentences=False)
    m = res.mentions[res.mentions["category"] != "referent"]
    audit = page[page.index('<section id="audit">'):page.index('<section id="reproduce">')]
    blocks = re.findall(r"<details(?: open)?><summary>(.*?) <span class=\"meta\">(.*?) · (\d+) mentions?.*?</summary>"
                        r"(.*?)</details>", audit, flags=re.S)
    expected = m.groupby(["lexicon", "category"]).size()
    assert {(lex, cat) for cat, lex, _, _ in blocks} == set(expected.index)
    surfaces = set(m["surface"])
    for cat, lex, n, body in blocks:
        assert int(n) == expected[(lex, cat)]
        outlets = re.findall(r"<h4>(.*?) <span class=\"meta\">(\d+) mentions?</span></h4>", body)
        cell = m[(m["lexicon"] == lex) & (m["category"] == cat)].groupby("outlet").size()
        assert {o: int(k) for o, k in outlets} == cell.to_dict()
        for ul in re.findall(r'<ul class="kwic">(.*?)</ul>', body, flags=re.S):
            items = re.findall(r"<li>(.*?)</li>", ul, flags=re.S)
            assert 1 <= len(items) <= 3
            for li in items:
                voice = re.search(r'class="voice v-(\w+)"', li).group(1)
                assert voice in ("author", "quoted", "attributed", "scare_quoted")
                mark = re.search(r'<mark class="v-(\w+)">(.*?)</mark>', li)
                assert mark.group(1) == voice
                import html as _html

                assert _html.unescape(mark.group(2)) in surfaces
    # the label audit has a block per referent with labels
    assert "By actor and label" in audit and "Khalifa Haftar" in audit


def test_demo_report_renders_in_chromium(demo_report, tmp_path):
    out, seconds = demo_report
    shots = screenshot_dir(tmp_path)
    facts = open_page(out / "index.html", {"top": shots / "demo-report-top.png",
                                           "#figures": shots / "demo-report-figures.png",
                                           "#audit": shots / "demo-report-audit.png"})
    images = facts["images"]
    assert len(images) == len(list((out / "figures").glob("*.png")))
    assert all(complete and w > 300 and h > 100 and src.startswith("data:image/png") for complete, w, h, src in images)
    assert facts["scripts"] == 0 and facts["onerror"] == 0
    assert "What was analysed" in facts["text"] and "The Coastal Herald" in facts["text"]
    assert check_images_decode(facts["dom"]) == len(images)
    for name in ("demo-report-top.png", "demo-report-figures.png", "demo-report-audit.png"):
        assert (shots / name).stat().st_size > 20_000
    print(f"demo report in {seconds:.1f}s; screenshots in {shots}")


# ----------------------------------------------------------------------- escaping injected markup
def _injected_corpus() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["a1", "a2", "<b>b1</b>", "b2"],
        "outlet": ["Alpha <i>News</i>", "Alpha <i>News</i>", "Beta & Co", "Beta & Co"],
        "date": ["2018-05-01", "2018-05-20", "2018-05-03", "2018-06-01"],
        "text": ["The renegade general Khalifa Haftar ordered the siege. " + INJECTED,
                 "Haftar's militia shelled the city, residents said.",
                 "Field Marshal Khalifa Haftar liberated the district from terrorists. " + INJECTED,
                 "The army advanced; the terrorists fled, the army said."],
    })


def test_report_escapes_article_text_and_names(tmp_path):
    rep = framing.report(_injected_corpus(), ["libya", "loaded_language"], out=tmp_path / "r", replicates=20,
                         figures=(), max_referents=1, max_comparisons=1, time_categories=1, html_dpi=60)
    assert rep.index is not None and rep.manifest is not None
    page = rep.index.read_text(encoding="utf-8")
    assert "<script" not in page and "onerror=" not in page.replace("onerror=&quot;", "")
    assert "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;document.body.innerHTML=&#x27;pwned&#x27;&quot;&gt;" in page
    assert "Alpha &lt;i&gt;News&lt;/i&gt;" in page and "Beta &amp; Co" in page and "&lt;b&gt;b1&lt;/b&gt;" in page
    assert "<i>News</i>" not in page
    # inputs of an in-memory corpus cannot be hashed: the manifest says so by an empty map
    doc = read_manifest(rep.out)
    assert doc["command"]["python"] == "framing.report.write"
    assert {k for k in doc["inputs"]} == {"framing:lexicons/libya.yaml", "framing:lexicons/loaded_language.yaml"}


def test_injected_markup_shows_as_text_in_chromium(tmp_path):
    rep = framing.report(_injected_corpus(), ["libya", "loaded_language"], out=tmp_path / "r", replicates=20,
                         figures=(), max_referents=1, max_comparisons=1, time_categories=1, html_dpi=60)
    shots = screenshot_dir(tmp_path)
    facts = open_page(rep.index, {"#audit": shots / "injected-audit.png"}, height=1600, expand=True)
    assert facts["scripts"] == 0 and facts["onerror"] == 0
    assert facts["title"].startswith("Framing report") and "pwned" != facts["title"]
    assert '<script>document.title="pwned"</script>' in facts["text"]
    assert "<img src=x onerror=" in facts["text"]
    assert "Alpha <i>News</i>" in facts["text"]
    assert all(c and w > 0 for c, w, _, _ in facts["images"])


# ------------------------------------------------------------------------- Python API, determinism
def test_python_api_is_deterministic(tmp_path):
    res = framing.score(framing.demo_corpus(), ["libya", "loaded_language"], sentences=False)
    kw = dict(replicates=50, seed=5, figures=("png",), dpi=60, html_dpi=60, max_referents=1, max_comparisons=1,
              time_categories=1, voice="author")
    a = framing.report.write(res, out=tmp_path / "a", **kw)
    b = framing.report.write(res, out=tmp_path / "b", **kw)
    files_a = {p.relative_to(a.out).as_posix(): p.read_bytes() for p in a.out.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b.out).as_posix(): p.read_bytes() for p in b.out.rglob("*") if p.is_file()}
    assert files_a.keys() == files_b.keys()
    for name in files_a:
        if name != "manifest.json":
            assert files_a[name] == files_b[name], name
    ma, mb = json.loads(files_a["manifest.json"]), json.loads(files_b["manifest.json"])
    ma.pop("nondeterministic"), mb.pop("nondeterministic")
    assert ma == mb
    # the voice restriction is applied and recorded
    assert ma["parameters"]["report"]["voice"] == ["author"]
    assert a.tables["rates"].attrs["voice"] == ["author"]
    own = res.mentions[(res.mentions["voice"] == "author") & (res.mentions["category"] != "referent")]
    assert a.tables["rates"].query("category != 'referent'")["mentions"].sum() == len(own)
    # a second write into the same folder replaces the first one's files
    c = framing.report.write(res, out=tmp_path / "a", **{**kw, "figures": ()})
    assert not list((c.out / "figures").glob("*.png")) and set(read_manifest(c.out)["files"]) == {
        p.relative_to(c.out).as_posix() for p in c.out.rglob("*") if p.is_file() and p.name != "manifest.json"}


def test_report_groups_by_any_documents_column(tmp_path):
    df = _injected_corpus().assign(leaning=["left", "left", "right", "right"])
    rep = framing.report(df, ["libya", "loaded_language"], out=tmp_path / "r", by="leaning", replicates=20,
                         figures=("png",), dpi=50, html_dpi=50, max_referents=1, max_comparisons=1,
                         time_categories=1)
    assert list(rep.tables["groups"]["group"]) == ["left", "right"]
    assert set(rep.tables["rates"]["group"]) == {"left", "right"} and "attention" not in rep.tables
    assert set(rep.tables["voice_shares"]["group"]) == {"left", "right"}
    page = rep.index.read_text(encoding="utf-8")
    assert "Groups (leaning)" in page and "<h4>left <span" in page


def test_report_command_line_errors(tmp_path, capsys):
    assert main(["report", "--out", str(tmp_path)]) == 2
    assert "no corpus given" in capsys.readouterr().err
    assert main(["report", "--demo", "--out", str(tmp_path), "--figures", "gif"]) == 2
    assert "unknown figure format 'gif'" in capsys.readouterr().err
    assert main(["report", "--demo", "--out", str(tmp_path), "--voice", "narrator"]) == 2
    assert "unknown voice 'narrator'" in capsys.readouterr().err
    (tmp_path / "scored").mkdir()
    (tmp_path / "scored" / "mentions.csv").write_text("doc_id\n")
    assert main(["report", str(tmp_path / "scored"), "--lexicon", "libya", "--out", str(tmp_path / "o")]) == 2
    assert "folder written by `framing score`" in capsys.readouterr().err
    with pytest.raises(framing.FramingError, match="did you mean 'replicates'"):
        framing.report.write(framing.demo_corpus(), ["libya"], out=tmp_path / "x", replicate=5)


# ------------------------------------------------------------------------------- 20+ outlets (ABP)
@pytest.mark.slow
def test_report_for_twenty_plus_outlets_stays_readable(shared, tmp_path):
    folder = shared / "data" / "article-bias-prediction" / "jsons"
    if not folder.is_dir():
        msg = f"Article-Bias-Prediction articles not found at {folder}"
        if os.environ.get("CI"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    rows = []
    for path in sorted(folder.glob("*.json")):
        art = json.loads(path.read_text(encoding="utf-8"))
        rows.append({"doc_id": art["ID"], "outlet": art["source"], "date": art.get("date"), "title": art.get("title"),
                     "text": art["content_original"]})
    df = pd.DataFrame(rows)
    big = df["outlet"].value_counts()
    outlets = sorted(big[big >= 20].index)[:24]
    assert len(outlets) >= 20
    sub = pd.concat([df[df["outlet"] == o].sort_values("doc_id").head(3) for o in outlets], ignore_index=True)
    rep = framing.report(sub, ["libya", "loaded_language"], out=tmp_path / "abp", replicates=50, figures=("png",),
                         dpi=90, html_dpi=90, max_comparisons=2, time_categories=1, max_referents=2,
                         title="Article-Bias-Prediction: 24 outlets")
    groups = rep.tables["groups"]
    assert len(groups) == len(outlets) >= 20
    page = rep.index.read_text(encoding="utf-8")
    import html as _html

    for o in outlets:
        assert _html.escape(o) in page
    shots = screenshot_dir(tmp_path)
    facts = open_page(rep.index, {"top": shots / "abp-24-outlets-top.png",
                                  "#figures": shots / "abp-24-outlets-figures.png"})
    assert facts["images"] and all(c and w > 300 for c, w, _, _ in facts["images"])
    # the heatmap grows with the outlets: at least ~0.3 inch per outlet row
    from PIL import Image

    with Image.open(rep.out / "figures" / "rates_loaded_language.png") as im:
        assert im.size[1] >= 0.28 * 90 * len(outlets)
