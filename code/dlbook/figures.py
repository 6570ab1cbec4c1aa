r"""The drawings of the book's page-specific figures, with their layout.

The science modules (:mod:`dlbook.history`, :mod:`dlbook.autodiff`, ...) hold models, simulations and
data; this module turns some of them into figures that need more than a few lines of plotting on the
page: the history timeline and the growth of model sizes (from the tables of :mod:`dlbook.history`),
the lecture's map of machine learning, and the computational graph of a :class:`dlbook.autodiff.Value`.
Every drawing uses the style of :mod:`dlbook.plots`; this module adds only what is particular to one
figure (positions, label offsets, which colour and marker stands for what).

**The map of machine learning** is a set of :class:`Region` s in a plane of 10 by 6.4 (arbitrary units).
Machine learning is the enclosing rectangle; deep learning an ellipse in its middle; reinforcement,
unsupervised, meta and supervised learning four ellipses that each straddle the rim of deep learning,
because each of them has a deep part and a shallow part. *Shallow learning* is everything in machine
learning outside the deep-learning ellipse. A point :math:`(x, y)` lies inside an ellipse with centre
:math:`(x_0, y_0)`, width :math:`w` and height :math:`h` when

.. math::

   \left(\frac{x - x_0}{w/2}\right)^2 + \left(\frac{y - y_0}{h/2}\right)^2 \le 1,

which :func:`contains` tests and :func:`overlap` uses to measure, on a grid, the area two regions share,
so that the tests can check that the drawing says what the page does.

Used on the pages :doc:`/book/history/index`, :doc:`/book/history/backpropagation` and
:doc:`/book/concepts/dl-vs-ml`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle
from matplotlib.ticker import FixedLocator, NullLocator

from dlbook import history, plots
from dlbook.autodiff import GraphNode, Value

# ----------------------------------------------------------------------------------------------------
# The history of neural networks (book/history/index)

#: Palette colour and marker of each theme of :data:`dlbook.history.THEMES`, in the order of the timeline's
#: legend.
THEME_STYLES: dict[str, tuple[str, str]] = {
    "neurons and learning rules": ("purple", "o"),
    "backpropagation": ("vermillion", "s"),
    "convolutional networks": ("blue", "D"),
    "GPUs and benchmarks": ("green", "^"),
    "generative and language models": ("orange", "v"),
}


#: Where :func:`draw_model_sizes` puts a model's name, as an offset (points) from its marker; default (8, 0).
MODEL_LABEL_OFFSETS: dict[str, tuple[float, float]] = {
    "AlexNet": (-8, 0),
    "VGG-16": (-8, 0),
    "ResNet-50": (8, -3),
    "ResNet-152": (-8, -4),
    "Transformer (big)": (-8, 3),
    "Transformer (base)": (8, -3),
}


def draw_timeline(ax: Axes, items: Sequence[history.Milestone] | None = None) -> None:
    """Draw the milestones as a timeline: one row per event, year on the x axis.

    Events are markers coloured and shaped by theme (:data:`THEME_STYLES`); periods
    such as the two AI winters are shaded bands across all rows, each labelled above the
    first row with its name over its years (two short lines, so neighbouring periods' labels
    stay apart).

    Args:
        ax: axes to draw on (e.g. from ``plots.figure(height=6.5)``).
        items: milestones to draw; default :func:`dlbook.history.milestones`.
    """
    items = history.milestones() if items is None else list(items)
    events = [m for m in items if not m.is_period]
    first = min(m.year for m in items)
    last = max(m.end_year or m.year for m in items)
    for m in items:
        if m.is_period:
            ax.axvspan(m.year, m.end_year, color=plots.GRID, alpha=0.7, lw=0, zorder=0)
            ax.text(
                (m.year + m.end_year) / 2,
                -1.1,
                f"{m.label}\n{m.year}–{m.end_year}",
                ha="center",
                va="center",
                fontsize=8.5,
                color=plots.INK,
            )
    seen: set[str] = set()
    middle = (first + last) / 2 - 7  # labels of later events go left, where the early rows leave room
    for row, m in enumerate(events):
        colour, marker = THEME_STYLES[m.theme]
        ax.plot(
            [m.year],
            [row],
            marker=marker,
            linestyle="none",
            markersize=7,
            color=plots.color(colour),
            label=None if m.theme in seen else m.theme,
            zorder=3,
        )
        seen.add(m.theme)
        right = m.year < middle
        ax.annotate(
            f"{m.year}  {m.label}" if right else f"{m.label}  {m.year}",
            (m.year, row),
            xytext=(7 if right else -7, 0),
            textcoords="offset points",
            ha="left" if right else "right",
            va="center",
            fontsize=8.5,
        )
    ax.set_ylim(len(events) - 0.4, -1.8)
    ax.set_xlim(first - 4, last + 3)
    ax.yaxis.set_major_locator(NullLocator())
    ax.spines["left"].set_visible(False)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("year")
    ax.figure.legend(loc="outside lower center", ncols=3, fontsize=8.5)


def draw_model_sizes(ax: Axes, models: Sequence[history.ModelSize] | None = None) -> None:
    """Draw parameter count (log scale) against year, one labelled marker per model.

    Vision models are blue circles and language models vermillion squares;
    counted rows (see :class:`dlbook.history.ModelSize`) are drawn hollow; names are placed by
    :data:`MODEL_LABEL_OFFSETS`.

    Args:
        ax: axes to draw on.
        models: rows to draw; default :func:`dlbook.history.model_sizes`.
    """
    models = history.model_sizes() if models is None else list(models)
    styles = {"vision": ("blue", "o"), "language": ("vermillion", "s")}
    for m in models:
        colour, marker = styles[m.family]
        c = plots.color(colour)
        ax.plot(
            [m.year],
            [m.parameters],
            marker=marker,
            linestyle="none",
            markersize=7,
            color=c,
            markerfacecolor=plots.FACE if m.counted else c,
            markeredgewidth=1.6,
            zorder=3,
        )
        dx, dy = MODEL_LABEL_OFFSETS.get(m.name, (8, 0))
        ax.annotate(
            m.name,
            (m.year, m.parameters),
            xytext=(dx, dy),
            textcoords="offset points",
            ha="left" if dx > 0 else ("right" if dx < 0 else "center"),
            va="center" if dy == 0 else ("bottom" if dy > 0 else "top"),
            fontsize=8.5,
        )
    for family, (colour, marker) in styles.items():
        ax.plot([], [], marker=marker, linestyle="none", color=plots.color(colour), label=f"{family} models")
    ax.plot(
        [],
        [],
        marker="o",
        linestyle="none",
        color=plots.INK,
        markerfacecolor=plots.FACE,
        label="counted here",
    )
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(FixedLocator([1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12]))
    ax.set_ylim(1e4, 1e12)
    lo = min(m.year for m in models)
    hi = max(m.year for m in models)
    ax.set_xlim(lo - 2, hi + 3)
    ax.set_xlabel("year")
    ax.set_ylabel("trainable parameters")
    ax.legend(loc="upper left")


# ----------------------------------------------------------------------------------------------------
# The map of machine learning (book/concepts/dl-vs-ml)

#: Width and height of the map's machine-learning rectangle (arbitrary units).
MAP_EXTENT: tuple[float, float] = (10.0, 6.4)


@dataclass(frozen=True)
class Region:
    """One area of the map.

    Attributes:
        name: the field of machine learning, e.g. ``"Deep learning"``.
        notes: the lecture's keywords for it, one per line on the map.
        shape: ``"ellipse"`` or ``"rectangle"``.
        center: centre ``(x, y)`` in map units.
        size: ``(width, height)`` in map units.
        color: name of a colour of :data:`dlbook.plots.PALETTE`.
        label_at: where the name and notes are written, ``(x, y)`` in map units.
    """

    name: str
    notes: tuple[str, ...]
    shape: str
    center: tuple[float, float]
    size: tuple[float, float]
    color: str
    label_at: tuple[float, float]


_MAP_REGIONS: tuple[Region, ...] = (
    Region(
        "Machine learning",
        ("shallow learning: everything outside", "deep learning, often hand-engineered"),
        "rectangle",
        (MAP_EXTENT[0] / 2, MAP_EXTENT[1] / 2),
        MAP_EXTENT,
        "black",
        (0.2, MAP_EXTENT[1] - 0.2),
    ),
    Region(
        "Reinforcement learning",
        ("bad gradients", "dynamic, not IID", "optimising future reward"),
        "ellipse",
        (2.55, 4.2),
        (4.6, 2.5),
        "vermillion",
        (1.75, 4.35),
    ),
    Region(
        "Unsupervised learning",
        ("generative models", "learning the data distribution"),
        "ellipse",
        (7.45, 4.2),
        (4.6, 2.5),
        "green",
        (8.0, 4.35),
    ),
    Region(
        "Meta learning",
        ("learning the task distribution",),
        "ellipse",
        (2.55, 1.55),
        (4.6, 2.2),
        "purple",
        (1.75, 1.4),
    ),
    Region(
        "Supervised learning",
        ("learning one task", "discriminative models:", "classifying data, regression"),
        "ellipse",
        (7.45, 1.55),
        (4.6, 2.2),
        "orange",
        (8.05, 1.4),
    ),
    Region(
        "Deep learning",
        ("multiple layers", "gradients", "mostly IID"),
        "ellipse",
        (5.0, 2.9),
        (3.3, 2.5),
        "blue",
        (5.0, 2.9),
    ),
)


def map_regions() -> list[Region]:
    """The regions of the map, the enclosing machine-learning rectangle first and deep learning last."""
    return list(_MAP_REGIONS)


def map_region(name: str) -> Region:
    """The region called ``name``.

    Args:
        name: a region's name, e.g. ``"Deep learning"``.

    Returns:
        That :class:`Region`.

    Raises:
        ValueError: if no region has that name.
    """
    for r in _MAP_REGIONS:
        if r.name == name:
            return r
    raise ValueError(f"name must be one of {', '.join(r.name for r in _MAP_REGIONS)}; got {name!r}")


def contains(r: Region, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
    r"""Whether the points ``(x, y)`` (map units, any broadcastable shapes) lie inside ``r``.

    Args:
        r: the region; an ellipse uses the inequality of the module docstring, a rectangle
            :math:`|x - x_0| \le w/2` and :math:`|y - y_0| \le h/2`.
        x, y: coordinates of the points (map units).

    Returns:
        Boolean array of the broadcast shape of ``x`` and ``y``.

    Raises:
        ValueError: if ``r.shape`` is neither ``"ellipse"`` nor ``"rectangle"``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    (x0, y0), (w, h) = r.center, r.size
    if r.shape == "ellipse":
        return ((x - x0) / (w / 2)) ** 2 + ((y - y0) / (h / 2)) ** 2 <= 1.0
    if r.shape == "rectangle":
        return (np.abs(x - x0) <= w / 2) & (np.abs(y - y0) <= h / 2)
    raise ValueError(f"shape must be 'ellipse' or 'rectangle'; got {r.shape!r}")


def overlap(a: Region, b: Region, *, n: int = 400) -> float:
    """Area (map units squared) that regions ``a`` and ``b`` share, counted on an ``n`` by ``n`` grid.

    Args:
        a, b: the two regions.
        n: grid points per side of the map, >= 10; the error of the area shrinks as ``n`` grows.

    Returns:
        The shared area (map units squared).

    Raises:
        ValueError: if ``n`` < 10.
    """
    if n < 10:
        raise ValueError(f"n must be >= 10 grid points per side; got {n}")
    xs = np.linspace(0.0, MAP_EXTENT[0], n)
    ys = np.linspace(0.0, MAP_EXTENT[1], n)
    x, y = np.meshgrid(xs, ys)
    cell = (xs[1] - xs[0]) * (ys[1] - ys[0])
    return float(np.count_nonzero(contains(a, x, y) & contains(b, x, y)) * cell)


def draw_map(ax: Axes, items: list[Region] | None = None) -> None:
    """Draw the map: translucent, outlined regions with their names and the lecture's keywords.

    Args:
        ax: axes to draw on (e.g. from ``plots.figure(height=4.4)``); its grid and
            ticks are switched off and its aspect set equal.
        items: regions to draw, back to front; default :func:`map_regions`.
    """
    items = map_regions() if items is None else items
    for r in items:
        c = plots.color(r.color)
        (x0, y0), (w, h) = r.center, r.size
        if r.shape == "rectangle":
            patch = Rectangle((x0 - w / 2, y0 - h / 2), w, h, facecolor=plots.FACE, edgecolor=c, lw=1.5)
        else:
            patch = Ellipse((x0, y0), w, h, facecolor=c, alpha=0.13, edgecolor="none")
            ax.add_patch(Ellipse((x0, y0), w, h, facecolor="none", edgecolor=c, lw=1.8))
        ax.add_patch(patch)
    for r in items:
        is_box = r.shape == "rectangle"
        ha = "left" if is_box else "center"
        # The name in bold, then the keywords below it; an ellipse's block is centred on label_at.
        name_dy, notes_dy = (0, -12) if is_box else (5.5 * len(r.notes) + 1, 5.5 * len(r.notes) - 11)
        ax.annotate(
            r.name,
            r.label_at,
            xytext=(0, name_dy),
            textcoords="offset points",
            ha=ha,
            va="top",
            fontsize=8.5,
            fontweight="bold",
        )
        ax.annotate(
            "\n".join(r.notes),
            r.label_at,
            xytext=(0, notes_dy),
            textcoords="offset points",
            ha=ha,
            va="top",
            fontsize=8,
            linespacing=1.25,
        )
    ax.set_xlim(-0.05, MAP_EXTENT[0] + 0.05)
    ax.set_ylim(-0.05, MAP_EXTENT[1] + 0.05)
    ax.set_aspect("equal")
    ax.axis("off")


# ----------------------------------------------------------------------------------------------------
# A computational graph (book/history/backpropagation)


def _is_constant(node: GraphNode) -> bool:
    """A leaf made from a plain number (labelled by its own value)."""
    return not node.op and node.label == f"{node.data:g}"


def draw_graph(output: Value, *, width: float = 6.4, height: float = 3.4) -> Any:
    r"""Draw the graph behind ``output`` with each node's value and gradient.

    Nodes are placed in columns by depth (longest path from a leaf), operands
    on the left, the output on the right. Leaves made from plain numbers are
    drawn as small grey constants.

    Returns:
        The matplotlib figure (end a page cell with ``plots.finish(fig)``).
    """
    nodes, edges = output.graph()
    depth = [0] * len(nodes)
    for i, j in edges:  # edges come in topological order of their target
        depth[j] = max(depth[j], depth[i] + 1)
    columns: dict[int, list[int]] = {}
    for i, d in enumerate(depth):
        columns.setdefault(d, []).append(i)
    for members in columns.values():  # named nodes top down by name, constants at the bottom
        members.sort(key=lambda i: (_is_constant(nodes[i]), nodes[i].label))
    pos: dict[int, tuple[float, float]] = {}
    for d, members in columns.items():
        for k, i in enumerate(members):
            pos[i] = (float(d), (len(members) - 1) / 2 - k)

    fig, ax = plots.figure(width=width, height=height)
    ax.set_axis_off()
    for i, j in edges:
        arrow = FancyArrowPatch(
            pos[i],
            pos[j],
            arrowstyle="-|>",
            mutation_scale=12,
            color=plots.INK,
            shrinkA=30,
            shrinkB=30,
            lw=1.2,
        )
        ax.add_patch(arrow)
    for i, node in enumerate(nodes):
        x, y = pos[i]
        if _is_constant(node):
            ax.text(x, y, node.label, ha="center", va="center", color="#5a6169", fontsize=10)
            continue
        name = node.label or node.op
        formula = f"{name} ({node.op})" if node.op and node.label else name
        text = f"{formula}\nvalue {node.data:g}\ngrad {node.grad:g}"
        face = plots.color("sky") if node.op else plots.color("orange")
        box = {"boxstyle": "round,pad=0.4", "facecolor": face, "alpha": 0.35, "edgecolor": plots.INK}
        ax.text(x, y, text, ha="center", va="center", fontsize=9, bbox=box)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    return fig
