"""Deterministic label placement: put each label near its point where it overlaps nothing.

Greedy placement in display (pixel) coordinates, in the order the labels are given (most important
first): each label tries candidate positions around its point — above, below, right, left, then the
diagonals, at growing distances — and takes the first one whose box stays inside the axes and
overlaps neither a label already placed nor any labelled point. No randomness and no iteration to
convergence, so the same input always gives the same layout, and a free position, when one exists
within ``max_distance``, is always found.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Text

__all__ = ["repel_labels", "overlapping_pairs", "label_boxes"]

# Candidate directions, tried in this order at every distance.
_DIRECTIONS = [(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1)]


def label_boxes(ax: Axes, texts: Sequence[Text]) -> np.ndarray:
    """Display-coordinate boxes ``(x0, y0, x1, y1)`` of ``texts`` as drawn now."""
    renderer = ax.figure.canvas.get_renderer()
    out = np.zeros((len(texts), 4))
    for i, t in enumerate(texts):
        bb = t.get_window_extent(renderer=renderer)
        out[i] = (bb.x0, bb.y0, bb.x1, bb.y1)
    return out


def overlapping_pairs(boxes: np.ndarray, pad: float = 0.0) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of boxes ``(x0, y0, x1, y1)`` closer than ``pad`` pixels
    (with ``pad=0``: boxes whose interiors overlap)."""
    pairs = []
    n = len(boxes)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = boxes[i], boxes[j]
            if min(a[2], b[2]) - max(a[0], b[0]) > -pad and min(a[3], b[3]) - max(a[1], b[1]) > -pad:
                pairs.append((i, j))
    return pairs


def _hits(box: np.ndarray, boxes: np.ndarray) -> int:
    if not len(boxes):
        return 0
    ox = np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0])
    oy = np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1])
    return int(np.sum((ox > 0) & (oy > 0)))


def repel_labels(ax: Axes, texts: Sequence[Text], points: np.ndarray, *, pad: float = 2.0,
                 point_radius: float = 3.5, step: float = 4.0, max_distance: float = 160.0,
                 leader: bool = True, leader_colour: str = "#777777") -> int:
    """Move ``texts`` near their ``points`` so that no label overlaps another label or a labelled point.

    Parameters
    ----------
    ax : Axes
        The axes holding the labels; its figure must be on a canvas (the layout is computed by
        drawing once, and the axis limits are frozen).
    texts : sequence of Text
        Labels, created with ``ha="center", va="center"`` in data coordinates, most important
        first (they get the closest free positions).
    points : ndarray, shape (n, 2)
        Data coordinates of the point each label belongs to.
    pad : float, default 2
        Pixels of free space around each label.
    point_radius : float, default 3.5
        Pixels around each labelled point that labels keep clear of.
    step : float, default 4
        Pixels between candidate distances.
    max_distance : float, default 160
        Farthest a label moves from its point; beyond it the position with the fewest overlaps is
        taken.
    leader : bool, default True
        Draw a thin line from a point to its label when the label sits away from it.

    Returns
    -------
    int
        Labels that could not be placed free of overlaps (0 when the layout succeeded).

    Notes
    -----
    Labels are excluded from the constrained layout (``set_in_layout(False)``) and kept inside the
    axes, so placing them cannot change the layout they were placed in. Positions are stored in
    data coordinates, so the layout holds at any dpi.
    """
    n = len(texts)
    if n == 0:
        return 0
    fig = ax.figure
    for t in texts:
        t.set_in_layout(False)
    fig.canvas.draw()
    ax.set_autoscale_on(False)  # leader lines must not move the limits the layout was computed in
    boxes = label_boxes(ax, texts)
    half_w = (boxes[:, 2] - boxes[:, 0]) / 2 + pad
    half_h = (boxes[:, 3] - boxes[:, 1]) / 2 + pad
    anchor = ax.transData.transform(np.asarray(points, dtype=float).reshape(-1, 2))
    r = point_radius
    point_boxes = np.column_stack([anchor[:, 0] - r, anchor[:, 1] - r, anchor[:, 0] + r, anchor[:, 1] + r])
    bb = ax.get_window_extent()
    placed = np.zeros((0, 4))
    centres = np.zeros((n, 2))
    failed = 0
    for i in range(n):
        hw, hh = half_w[i], half_h[i]
        best, best_hits = None, None
        d = 0.0
        while d <= max_distance:
            for ux, uy in _DIRECTIONS:
                cx = anchor[i, 0] + ux * ((hw + r + d) if ux else 0.0)
                cy = anchor[i, 1] + uy * ((hh + r + d) if uy else 0.0)
                if not ux and not uy:
                    continue
                box = np.array([cx - hw, cy - hh, cx + hw, cy + hh])
                inside = box[0] >= bb.x0 and box[2] <= bb.x1 and box[1] >= bb.y0 and box[3] <= bb.y1
                if not inside:
                    continue
                hits = _hits(box, placed) + _hits(box, point_boxes)
                if hits == 0:
                    best, best_hits = (cx, cy), 0
                    break
                if best_hits is None or hits < best_hits:
                    best, best_hits = (cx, cy), hits
            if best_hits == 0:
                break
            d += step
        if best is None:  # nowhere inside the axes: keep it on its point, clamped into the axes
            best = (min(max(anchor[i, 0], bb.x0 + hw), bb.x1 - hw), min(max(anchor[i, 1], bb.y0 + hh), bb.y1 - hh))
            best_hits = 1
        failed += best_hits > 0
        centres[i] = best
        placed = np.vstack([placed, [best[0] - hw, best[1] - hh, best[0] + hw, best[1] + hh]])
    inv = ax.transData.inverted()
    data = inv.transform(centres)
    for k, t in enumerate(texts):
        t.set_position((data[k, 0], data[k, 1]))
        if leader:
            gap = np.hypot(*(centres[k] - anchor[k]))
            if gap > half_h[k] + r + step * 1.5:
                ex = np.clip(anchor[k, 0], centres[k, 0] - half_w[k] + pad, centres[k, 0] + half_w[k] - pad)
                ey = np.clip(anchor[k, 1], centres[k, 1] - half_h[k] + pad, centres[k, 1] + half_h[k] - pad)
                end = inv.transform([[ex, ey]])[0]
                p = np.asarray(points[k], dtype=float)
                ax.plot([p[0], end[0]], [p[1], end[1]], color=leader_colour, lw=0.6, zorder=t.get_zorder() - 0.5,
                        gid="leader")
    return int(failed)
