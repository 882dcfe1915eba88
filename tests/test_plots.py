"""Plots: the data drawn matches the table (cells, bar lengths, whiskers, dots, labels), labels never
overlap, files are byte-identical across runs, and nothing touches pyplot."""

import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure

from framing import plots
from framing.plots._repel import label_boxes


def _rates_table():
    rows = []
    vals = {("A", "libya", "warlord_label"): 4.25, ("A", "libya", "militia"): 0.0, ("A", "lx2", "militia"): 12.5,
            ("B", "libya", "warlord_label"): 0.35, ("B", "libya", "militia"): 7.0, ("B", "lx2", "militia"): np.nan,
            ("C", "libya", "warlord_label"): 1.0, ("C", "libya", "militia"): 2.5, ("C", "lx2", "militia"): 3.0}
    for (g, lex, cat), v in vals.items():
        rows.append({"group": g, "category": cat, "mentions": 1, "tokens": 100, "rate_per_1k": v,
                     "ci_low": v / 2, "ci_high": v * 2, "lexicon": lex})
    for g in "ABC":  # alias occurrences: left out of the heatmap by default
        rows.append({"group": g, "category": "referent", "mentions": 9, "tokens": 100, "rate_per_1k": 90.0,
                     "ci_low": 80, "ci_high": 100, "lexicon": "libya"})
    return pd.DataFrame(rows)


def test_rates_heatmap_draws_the_table_and_writes_each_value():
    fig = plots.rates(_rates_table())
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    M = ax.images[0].get_array()
    expected = np.array([[4.25, 0.0, 12.5], [0.35, 7.0, np.nan], [1.0, 2.5, 3.0]])
    np.testing.assert_allclose(np.ma.filled(M, np.nan), expected)
    # columns: categories in table order, the lexicon added where a name occurs in two lexicons
    assert [t.get_text() for t in ax.get_xticklabels()] == ["warlord_label", "militia (libya)", "militia (lx2)"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C"]
    cells = [t.get_text() for t in ax.texts if t.get_gid() == "cell"]
    assert cells == ["4.2", "0", "12", "0.35", "7.0", "–", "1.0", "2.5", "3.0"]
    assert cells == [plots.format_value(v) for v in expected.ravel()]
    # positions of the written values are the cells
    pos = [t.get_position() for t in ax.texts if t.get_gid() == "cell"]
    assert pos[5] == (2, 1)


def test_rates_heatmap_accepts_outlet_category_and_filters():
    t = _rates_table().rename(columns={"group": "outlet"})
    fig = plots.rates(t, lexicon="libya", groups=["C", "A"], include_referent=True)
    ax = fig.axes[0]
    assert [x.get_text() for x in ax.get_xticklabels()] == ["warlord_label", "militia", "referent"]
    np.testing.assert_allclose(ax.images[0].get_array(), [[1.0, 2.5, 90.0], [4.25, 0.0, 90.0]])
    assert ax.get_title(loc="left").endswith("lexicon libya")


def _label_table():
    rows = [
        # referent, group, term, count, share, lo, hi, lexicon, valence, group_labels
        ("haftar", "A", "warlord", 3, 0.6, 0.4, 0.8, "lx", -0.8, 5),
        ("haftar", "A", "field marshal", 1, 0.2, 0.0, 0.5, "lx", 0.5, 5),
        ("haftar", "A", "general", 1, 0.2, 0.1, 0.3, "lx", 0.0, 5),
        ("haftar", "B", "field marshal", 4, 0.8, 0.6, 1.0, "lx", 0.5, 5),
        ("haftar", "B", "warlord", 0, 0.0, 0.0, 0.1, "lx", -0.8, 5),
        ("haftar", "B", "general", 1, 0.2, 0.0, 0.4, "lx", 0.0, 5),
        ("lna", "A", "militia", 2, 1.0, 1.0, 1.0, "lx", -0.6, 2),
    ]
    cols = ["referent", "group", "term", "count", "share", "ci_low", "ci_high", "lexicon", "valence", "group_labels"]
    t = pd.DataFrame(rows, columns=cols)
    t["category"] = "leader_label"
    t.attrs = {"level": 0.9, "interval": "percentile"}
    return t


def _bars(ax):
    return {c.get_label(): c for c in ax.containers if isinstance(c, BarContainer)}


def test_label_shares_bar_lengths_positions_and_whiskers():
    fig = plots.label_shares(_label_table(), referent="haftar")
    ax = fig.axes[0]
    bars = _bars(ax)
    # segments ordered from the most negative valence to the most positive
    assert list(bars) == ["warlord (-0.8)", "general (+0.0)", "field marshal (+0.5)"]
    widths = {k: [p.get_width() for p in c.patches] for k, c in bars.items()}
    lefts = {k: [p.get_x() for p in c.patches] for k, c in bars.items()}
    assert widths["warlord (-0.8)"] == pytest.approx([0.6, 0.0])
    assert widths["general (+0.0)"] == pytest.approx([0.2, 0.2])
    assert widths["field marshal (+0.5)"] == pytest.approx([0.2, 0.8])
    assert lefts["field marshal (+0.5)"] == pytest.approx([0.8, 0.2])
    # every bar (group) sums to 1
    total = np.sum([w for w in widths.values()], axis=0)
    assert total == pytest.approx([1.0, 1.0])
    # whiskers span left + ci_low .. left + ci_high of each segment
    eb = {c.get_label(): c for c in ax.containers if isinstance(c, ErrorbarContainer)}
    seg = eb["_ci:field marshal (+0.5)"].lines[2][0].get_segments()
    assert [(s[0][0], s[1][0]) for s in seg] == [pytest.approx((0.8, 1.3)), pytest.approx((0.8, 1.2))]
    seg = eb["_ci:warlord (-0.8)"].lines[2][0].get_segments()
    assert [(s[0][0], s[1][0]) for s in seg] == [pytest.approx((0.4, 0.8)), pytest.approx((0.0, 0.1))]
    # n = labels per group, and the interval level in the axis label
    assert [t.get_text() for t in ax.texts if t.get_gid() == "n"] == ["n=5", "n=5"]
    assert "90% percentile" in ax.get_xlabel()


def test_label_shares_other_segment_and_panels():
    fig = plots.label_shares(_label_table(), referent="haftar", top=1, ci=False)
    bars = _bars(fig.axes[0])
    assert list(bars) == ["field marshal (+0.5)", "other labels (2)"]
    assert [p.get_width() for p in bars["other labels (2)"].patches] == pytest.approx([0.8, 0.2])
    assert not [c for c in fig.axes[0].containers if isinstance(c, ErrorbarContainer)]
    both = plots.label_shares(_label_table())  # one panel per referent, most labelled first
    assert [a.get_title(loc="left") for a in both.axes] == ["Labels given to haftar", "Labels given to lna"]
    # a referent_labels table (outlet, no intervals) works too
    t = _label_table().rename(columns={"group": "outlet", "group_labels": "outlet_labels"}).drop(
        columns=["ci_low", "ci_high"])
    assert len(_bars(plots.label_shares(t, referent="lna").axes[0])) == 1


def test_valence_index_dots_and_whiskers_match_the_table():
    t = pd.DataFrame({"referent": ["haftar", "haftar", "haftar", "lna"], "group": ["A", "B", "C", "A"],
                      "labels": [5, 4, 1, 2], "valence_mean": [-0.6, 0.3, 0.5, -0.7],
                      "ci_low": [-0.8, 0.1, np.nan, -0.9], "ci_high": [-0.4, 0.6, np.nan, -0.5],
                      "valence_sum": [-3, 1.2, 0.5, -1.4]})
    fig = plots.valence_index(t)
    axes = [a for a in fig.axes if a.get_visible()]
    assert [a.get_title(loc="left") for a in axes] == ["haftar", "lna"]
    eb = [c for c in axes[0].containers if isinstance(c, ErrorbarContainer)][0]
    assert eb.get_label() == "haftar"
    x, y = eb.lines[0].get_data()
    assert list(x) == pytest.approx([-0.6, 0.3, 0.5]) and list(y) == [0, 1, 2]
    segs = eb.lines[2][0].get_segments()
    assert [(s[0][0], s[1][0]) for s in segs] == [pytest.approx((-0.8, -0.4)), pytest.approx((0.1, 0.6)),
                                                  pytest.approx((0.5, 0.5))]
    assert [tx.get_text() for tx in axes[0].texts if tx.get_gid() == "n"] == [" n=5", " n=4", " n=1"]
    assert axes[0].get_xlim() == pytest.approx((-1.05, 1.05))


def _log_odds_table(n=60, seed=3):
    rng = np.random.default_rng(seed)
    words = [f"term{i:02d}" for i in range(n)]
    count = rng.integers(1, 80, n)
    ref = rng.integers(1, 80, n)
    z = rng.normal(0, 2.2, n)
    t = pd.DataFrame({"term": words, "group": "Outlet A", "reference": "(rest)", "count": count,
                      "count_reference": ref, "delta": z / 3, "variance": 0.1, "z": z})
    other = t.assign(group="Outlet B", z=-z)
    return pd.concat([t, other], ignore_index=True)


def test_a_plot_with_nothing_to_label_draws_no_legend_and_no_warning():
    """With no term on either side (every z is 0), matplotlib warned that no artist has a label: an
    error under ``python -W error``, which stopped `framing report` with a traceback (helper-47)."""
    import warnings

    table = _log_odds_table().assign(z=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.log_odds(table, group="Outlet A")
    assert fig.axes[0].get_legend() is None
    fig = plots.log_odds(_log_odds_table(), group="Outlet A")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["more in Outlet A", "more in (rest)"]


def test_log_odds_labels_top_terms_without_overlap():
    table = _log_odds_table()
    fig = plots.log_odds(table, group="Outlet A", top=8)
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_gid() == "label"]
    a = table[table["group"] == "Outlet A"]
    top_hi = set(a.nlargest(8, "z")["term"])
    top_lo = set(a.nsmallest(8, "z")["term"])
    assert {t.get_text() for t in labels} == top_hi | top_lo
    # points are at (frequency, z)
    pts = ax.collections[0].get_offsets()
    np.testing.assert_allclose(np.sort(pts[:, 1]), np.sort(a["z"].to_numpy()))
    np.testing.assert_allclose(np.sort(pts[:, 0]), np.sort((a["count"] + a["count_reference"]).to_numpy()))
    # no two labels overlap, and none covers a labelled point
    fig.canvas.draw()
    boxes = label_boxes(ax, labels)
    assert plots.overlapping_pairs(boxes) == []
    pts_disp = ax.transData.transform([[a.set_index("term").loc[t.get_text(), "count"]
                                        + a.set_index("term").loc[t.get_text(), "count_reference"],
                                        a.set_index("term").loc[t.get_text(), "z"]] for t in labels])
    for b in boxes:
        inside = (pts_disp[:, 0] > b[0] + 1) & (pts_disp[:, 0] < b[2] - 1) & (pts_disp[:, 1] > b[1] + 1) & (
            pts_disp[:, 1] < b[3] - 1)
        assert not inside.any()
    # deterministic placement
    again = plots.log_odds(table, group="Outlet A", top=8)
    assert [t.get_position() for t in again.axes[0].texts if t.get_gid() == "label"] == \
        [t.get_position() for t in labels]


def test_log_odds_needs_one_comparison():
    with pytest.raises(ValueError, match="2 comparisons.*pass group="):
        plots.log_odds(_log_odds_table())


def test_repel_labels_separates_labels_stacked_on_one_point():
    from framing.plots._base import new_figure

    fig = new_figure(5, 4)
    ax = fig.add_subplot()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    pts = np.array([[5.0, 5.0]] * 6 + [[5.2, 5.1]] * 4)
    texts = [ax.text(x, y, f"label number {i}", ha="center", va="center") for i, (x, y) in enumerate(pts)]
    assert plots.repel_labels(ax, texts, pts) == 0
    fig.canvas.draw()
    assert plots.overlapping_pairs(label_boxes(ax, texts)) == []
    bb = ax.get_window_extent()
    for b in label_boxes(ax, texts):
        assert bb.x0 - 1 <= b[0] and b[2] <= bb.x1 + 1 and bb.y0 - 1 <= b[1] and b[3] <= bb.y1 + 1


def test_label_divergence_matrix_is_symmetric_with_values():
    t = pd.DataFrame({"referent": "haftar", "group": ["A", "A", "B"], "reference": ["B", "C", "C"],
                      "jsd": [0.25, 0.5, 0.125], "ci_low": [0.1, 0.3, 0.0], "ci_high": [0.4, 0.7, 0.3]})
    fig = plots.label_divergence(t)
    ax = fig.axes[0]
    M = np.ma.filled(ax.images[0].get_array(), np.nan)
    np.testing.assert_allclose(M, [[np.nan, 0.25, 0.5], [0.25, np.nan, 0.125], [0.5, 0.125, np.nan]])
    assert sorted(t.get_text() for t in ax.texts if t.get_gid() == "cell") == sorted(
        ["0.25", "0.25", "0.50", "0.50", "0.12", "0.12"])
    with pytest.raises(ValueError, match="pass referent="):
        plots.label_divergence(pd.concat([t, t.assign(referent="lna")]))


def _time_table(groups):
    periods = pd.date_range("2018-01-01", periods=4, freq="MS")
    rows = []
    for k, g in enumerate(groups):
        for i, p in enumerate(periods):
            rate = np.nan if (k == 0 and i == 2) else float(k + i)
            rows.append({"group": g, "period": p, "category": "militia", "lexicon": "lx", "rate_per_1k": rate,
                         "ci_low": rate - 0.5, "ci_high": rate + 0.5})
    return pd.DataFrame(rows)


def test_rates_over_time_lines_and_bands():
    t = _time_table(["A", "B"])
    fig = plots.rates_over_time(t.sample(frac=1, random_state=1))  # order of rows does not matter
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines() if ln.get_gid() == "series"}
    assert set(lines) == {"A", "B"}
    y = lines["A"].get_ydata()
    assert np.isnan(y[2]) and list(np.delete(y, 2)) == [0.0, 1.0, 3.0]
    assert list(lines["B"].get_ydata()) == [1.0, 2.0, 3.0, 4.0]
    bands = [c for c in ax.collections if c.get_label() == "_band:B"]
    ys = bands[0].get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(0.5) and ys.max() == pytest.approx(4.5)


def test_rates_over_time_small_multiples_beyond_seven_groups():
    groups = [f"Outlet {i:02d}" for i in range(22)]
    fig = plots.rates_over_time(_time_table(groups))
    visible = [a for a in fig.axes if a.get_visible()]
    assert len(visible) == 22
    assert [a.get_title(loc="left") for a in visible] == groups
    for a, g in zip(visible, groups):
        own = [ln for ln in a.get_lines() if ln.get_gid() == "series"]
        assert len(own) == 1 and own[0].get_label() == g
        assert len([ln for ln in a.get_lines() if ln.get_gid() == "context"]) == 21


def test_voice_shares_bars_match_shares_and_sort():
    from framing.comparison import voice_shares

    m = pd.DataFrame({"doc_id": ["d1"] * 5 + ["d2"] * 3, "outlet": ["X"] * 5 + ["Y"] * 3,
                      "category": "label", "voice": ["author", "author", "quoted", "attributed", "scare_quoted",
                                                     "author", "author", "author"]})
    vs = voice_shares(m)
    fig = plots.voice_shares(vs, sort="author")
    ax = fig.axes[0]
    bars = _bars(ax)
    assert list(bars) == ["own voice (author)", "quoted", "attributed", "scare-quoted"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Y", "X"]
    assert [p.get_width() for p in bars["own voice (author)"].patches] == pytest.approx([1.0, 0.4])
    assert [p.get_width() for p in bars["quoted"].patches] == pytest.approx([0.0, 0.2])
    assert [p.get_x() for p in bars["scare-quoted"].patches] == pytest.approx([1.0, 0.8])
    assert [t.get_text() for t in ax.texts if t.get_gid() == "n"] == ["n=3", "n=5"]


def test_many_outlets_stay_readable():
    groups = [f"A rather long outlet name number {i:02d}" for i in range(26)]
    rows = [{"group": g, "lexicon": "lx", "category": f"category_{c:02d}", "rate_per_1k": (i * c) % 17 / 3}
            for i, g in enumerate(groups) for c in range(14)]
    fig = plots.rates(pd.DataFrame(rows))
    fig.canvas.draw()
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    ylab = np.array([[b.x0, b.y0, b.x1, b.y1] for b in (t.get_window_extent(renderer)
                                                         for t in ax.get_yticklabels())])
    assert len(ylab) == 26 and plots.overlapping_pairs(ylab) == []
    # the figure grows with the number of outlets instead of squeezing them
    assert fig.get_size_inches()[1] > 8


def _build(kind):
    if kind == "heatmap":
        return plots.rates(_rates_table())
    return plots.log_odds(_log_odds_table(), group="Outlet A")


@pytest.mark.parametrize("kind", ["heatmap", "log_odds"])
def test_figure_files_are_byte_identical_and_valid(tmp_path, kind):
    a = plots.save_figure(_build(kind), tmp_path / "a", ("png", "svg", "pdf"), dpi=80)
    b = plots.save_figure(_build(kind), tmp_path / "b", ("png", "svg", "pdf"), dpi=80)
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    from PIL import Image

    with Image.open(a[0]) as im:
        assert im.format == "PNG" and im.size[0] > 300
        assert "Software" not in im.info
    svg = a[1].read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<dc:date>" not in svg
    pdf = a[2].read_bytes()
    assert pdf.startswith(b"%PDF") and b"/CreationDate" not in pdf
    # saving again from the same figure, at another dpi in between, gives the same bytes
    fig = _build(kind)
    first = plots.figure_bytes(fig, "png", dpi=80)
    plots.figure_bytes(fig, "png", dpi=120)
    assert plots.figure_bytes(fig, "png", dpi=80) == first == a[0].read_bytes()


def test_plots_never_touch_pyplot():
    code = ("import sys, pandas as pd; import framing.plots as p; "
            "f = p.rates(pd.DataFrame({'group': ['a'], 'lexicon': ['l'], 'category': ['c'], 'rate_per_1k': [1.0]})); "
            "p.figure_bytes(f, 'png'); f._repr_png_(); "
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'")
    env = {"MPLBACKEND": "TkAgg", "PATH": "/usr/bin:/bin"}  # an interactive backend would need a display
    import os

    env = {**os.environ, **env}
    env.pop("DISPLAY", None)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr


def test_repr_png_for_notebooks():
    fig = plots.rates(_rates_table())
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG")
    from PIL import Image

    assert Image.open(io.BytesIO(png)).size[0] > 100
