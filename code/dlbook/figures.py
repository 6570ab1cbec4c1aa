r"""The drawings of the book's page-specific figures, with their layout.

The science modules (:mod:`dlbook.history`, :mod:`dlbook.autodiff`, ...) hold models, simulations and
data; this module turns some of them into figures that need more than a few lines of plotting on the
page: the history timeline and the growth of model sizes (from the tables of :mod:`dlbook.history`),
the lecture's map of machine learning, the computational graph of a :class:`dlbook.autodiff.Value`
(with its node values and gradients, or with the local derivative on every edge and a gradient written
as the sum over paths that :func:`dlbook.autodiff.paths_to_output` lists), and the lecture's diagrams of
a neuron, a synapse and the artificial neuron.
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

Used on the pages :doc:`/book/introduction/examples`, :doc:`/book/nature/brain`, :doc:`/book/history/index`,
:doc:`/book/history/mcculloch-pitts`, :doc:`/book/history/backpropagation` and
:doc:`/book/concepts/dl-vs-ml`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.patches import Arc, Circle, Ellipse, FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, NullLocator

from dlbook import history, plots
from dlbook.autodiff import GraphNode, Value, edge_derivatives, paths_to_output

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


# ----------------------------------------------------------------------------------------------------
# A neuron and a synapse (book/nature/brain)

#: Where :func:`draw_neuron` writes each label, ``(x, y)`` in the panel's units (the drawing spans about 0 to
#: 21 across and -3.4 to 3.4 up); each label's leader line ends on the part it names.
NEURON_LABELS: dict[str, tuple[float, float]] = {
    "dendrites": (1.2, 3.0),
    "soma (cell body)": (6.0, -2.7),
    "axon hillock": (6.4, 2.3),
    "myelin sheath": (10.6, 2.3),
    "axon": (8.6, -1.6),
    "node of Ranvier": (13.2, -2.4),
    "axon terminals": (18.6, 3.0),
}

#: Where :func:`draw_synapse` writes each label, ``(x, y)`` in the panel's units (as for the neuron); labels
#: left of the synapse end at their ``x``, labels right of it start there.
SYNAPSE_LABELS: dict[str, tuple[float, float]] = {
    "axon of the sending neuron": (8.6, 2.9),
    "synaptic vesicles": (6.6, 0.9),
    "synaptic cleft": (6.6, -0.8),
    "dendrite of the receiving neuron": (6.6, -2.5),
    "presynaptic terminal": (14.6, 1.7),
    "neurotransmitter": (14.6, -0.45),
    "receptors": (14.6, -1.4),
    "postsynaptic membrane": (14.6, -2.5),
}

_SOMA = ((4.2, 0.0), 1.0)  # centre (x, y) and radius of the cell body
_HILLOCK = (5.05, 6.3, 0.55, 0.14)  # from x, to x, half-width at the soma, half-width at the axon
_MYELIN = (6.8, 1.6, 0.4, 5, 0.3)  # first segment's start, segment length, gap (node), segments, half-height
_TERMINAL_FORK = (16.9, 18.2)  # x where the axon branches, x of the second fork
_BOUTONS = (19.7, (1.6, 0.55, -0.55, -1.6), 0.24)  # x of the terminal boutons, their y, their radius


def _tint(name: str, amount: float) -> tuple[float, float, float]:
    """Palette colour ``name`` mixed with the card, ``amount`` of it: opaque, so overlaps stay flat."""
    ink, card = np.array(to_rgb(plots.color(name))), np.array(to_rgb(plots.FACE))
    return tuple(amount * ink + (1.0 - amount) * card)


def _leader(ax: Axes, text: str, anchor: tuple[float, float], at: tuple[float, float], ha: str) -> Text:
    """A label at ``at`` with a thin leader line to ``anchor`` (both in data units)."""
    return ax.annotate(
        text,
        anchor,
        xytext=at,
        ha=ha,
        va="center",
        fontsize=8.5,
        color=plots.INK,
        arrowprops={"arrowstyle": "-", "color": plots.INK, "lw": 0.7, "shrinkA": 2, "shrinkB": 1},
        zorder=6,
    )


def _dendrite(
    ax: Axes, start: tuple[float, float], angle: float, length: float, depth: int
) -> tuple[float, float]:
    """Draw a dendrite that forks in two, ``depth`` levels deep (angle in degrees); return its first fork."""
    x0, y0 = start
    x1 = x0 + length * np.cos(np.radians(angle))
    y1 = y0 + length * np.sin(np.radians(angle))
    ax.plot([x0, x1], [y0, y1], color=plots.color("blue"), lw=0.9 + 0.8 * depth, solid_capstyle="round")
    if depth > 1:
        for turn in (-27.0, 27.0):
            _dendrite(ax, (x1, y1), angle + turn, 0.65 * length, depth - 1)
    return (x1, y1)


def draw_neuron(ax: Axes) -> dict[str, Text]:
    """Draw a neuron: dendrites, soma, axon hillock, myelinated axon with nodes of Ranvier, axon terminals.

    The signal runs from left to right: the dendrites on the left collect inputs, the soma sums them, the
    axon leaves the soma at the axon hillock, and the axon, wrapped in segments of myelin separated by the
    nodes of Ranvier, branches at its end into terminals. The drawing is a diagram, not to scale. Labels
    are placed by :data:`NEURON_LABELS`.

    Args:
        ax: axes to draw on; its axis is switched off and its aspect set equal.

    Returns:
        The label of each part, by the part's name (the keys of :data:`NEURON_LABELS`).
    """
    blue, orange, vermillion = plots.color("blue"), plots.color("orange"), plots.color("vermillion")
    (sx, sy), r = _SOMA
    anchors: dict[str, tuple[float, float]] = {}
    for k, angle in enumerate((122.0, 154.0, 185.0, 216.0, 246.0)):
        start = (sx + r * np.cos(np.radians(angle)), sy + r * np.sin(np.radians(angle)))
        tip = _dendrite(ax, start, angle, 1.05, 3)
        if k == 1:
            anchors["dendrites"] = tip
    ax.add_patch(Circle((sx, sy), r, facecolor=_tint("blue", 0.25), edgecolor=blue, lw=1.6, zorder=3))
    ax.add_patch(
        Circle((sx - 0.15, sy + 0.1), 0.33, facecolor=_tint("blue", 0.6), edgecolor="none", zorder=3)
    )
    anchors["soma (cell body)"] = (sx + 0.55 * r, sy - 0.8 * r)
    x0, x1, h0, h1 = _HILLOCK
    hillock = Polygon([(x0 - 0.3, h0 + 0.1), (x1, h1), (x1, -h1), (x0 - 0.3, -h0 - 0.1)], closed=True)
    hillock.set(facecolor=_tint("blue", 0.25), edgecolor="none", zorder=4)
    ax.add_patch(hillock)
    ax.plot([x0, x1], [h0, h1], color=blue, lw=1.6, zorder=4)
    ax.plot([x0, x1], [-h0, -h1], color=blue, lw=1.6, zorder=4)
    anchors["axon hillock"] = ((x0 + x1) / 2, (h0 + h1) / 2)
    start, length, gap, count, half = _MYELIN
    fork, fork2 = _TERMINAL_FORK
    ax.plot([x1, fork], [0.0, 0.0], color=blue, lw=2.4, zorder=4)
    anchors["axon"] = ((x1 + start) / 2, 0.0)
    for k in range(count):
        left = start + k * (length + gap)
        sheath = FancyBboxPatch(
            (left, -half),
            length,
            2 * half,
            boxstyle="round,pad=0,rounding_size=0.25",
            facecolor=_tint("orange", 0.35),
            edgecolor=orange,
            lw=1.3,
            zorder=3,
        )
        ax.add_patch(sheath)
        if k == 1:
            anchors["myelin sheath"] = (left + length / 2, half)
        if k == 3:
            anchors["node of Ranvier"] = (left - gap / 2, 0.0)
    bx, ys, br = _BOUTONS
    for pair in (ys[:2], ys[2:]):
        mid = sum(pair) / 2
        ax.plot([fork, fork2], [0.0, mid], color=blue, lw=1.8, solid_capstyle="round")
        for y in pair:
            ax.plot([fork2, bx - br], [mid, y], color=blue, lw=1.3, solid_capstyle="round")
            ax.add_patch(
                Circle((bx, y), br, facecolor=_tint("vermillion", 0.35), edgecolor=vermillion, lw=1.2)
            )
    anchors["axon terminals"] = (bx - 0.1, ys[0] + br)
    labels = {}
    for name, at in NEURON_LABELS.items():
        labels[name] = _leader(ax, name, anchors[name], at, "center")
    ax.set_xlim(-0.2, 21.0)
    ax.set_ylim(-3.4, 3.4)
    ax.set_aspect("equal")
    ax.axis("off")
    return labels


def draw_synapse(ax: Axes) -> dict[str, Text]:
    """Draw a chemical synapse, enlarged: an axon terminal above, the cleft, the receiving membrane below.

    The presynaptic terminal holds vesicles filled with neurotransmitter; one vesicle has fused with the
    membrane and released its contents into the synaptic cleft, where the molecules drift across and bind
    to receptors on the postsynaptic membrane. Labels are placed by :data:`SYNAPSE_LABELS`.

    Args:
        ax: axes to draw on; its axis is switched off and its aspect set equal.

    Returns:
        The label of each part, by the part's name (the keys of :data:`SYNAPSE_LABELS`).
    """
    blue, green = plots.color("blue"), plots.color("green")
    vermillion, purple = plots.color("vermillion"), plots.color("purple")
    pre_bottom, post_top = -0.35, -1.25  # the two membranes facing each other across the cleft (y)
    pre = _tint("vermillion", 0.15)
    bulb = FancyBboxPatch(
        (7.6, pre_bottom),
        5.8,
        2.45,
        boxstyle="round,pad=0,rounding_size=1.1",
        facecolor=pre,
        edgecolor=vermillion,
        lw=1.6,
    )
    ax.add_patch(bulb)
    top = pre_bottom + 2.45
    ax.add_patch(Rectangle((9.9, top - 0.2), 1.2, 3.4 - top + 0.2, facecolor=pre, edgecolor="none"))
    ax.plot([9.9, 9.9], [top, 3.4], color=vermillion, lw=1.6)
    ax.plot([11.1, 11.1], [top, 3.4], color=vermillion, lw=1.6)
    vesicles = [(8.7, 0.9), (9.7, 1.5), (10.2, 0.5), (11.3, 1.2), (12.3, 0.65), (9.1, 0.05)]
    for vx, vy in vesicles:
        ax.add_patch(Circle((vx, vy), 0.34, facecolor=plots.FACE, edgecolor=vermillion, lw=1.2, zorder=3))
        for dx, dy in ((-0.1, 0.08), (0.11, 0.05), (0.0, -0.12)):
            ax.add_patch(Circle((vx + dx, vy + dy), 0.06, facecolor=green, edgecolor="none", zorder=4))
    # one vesicle fused with the membrane, opening into the cleft
    ax.add_patch(Arc((11.4, pre_bottom), 0.7, 0.7, theta1=0, theta2=180, color=vermillion, lw=1.2, zorder=3))
    ax.add_patch(
        FancyBboxPatch(
            (6.6, -3.4),
            7.8,
            3.4 + post_top,
            boxstyle="round,pad=0,rounding_size=0.6",
            facecolor=_tint("blue", 0.15),
            edgecolor="none",
        )
    )
    ax.plot([6.6, 14.4], [post_top, post_top], color=blue, lw=1.6)
    receptors = [8.4, 9.5, 10.6, 11.7, 12.8]
    for x in receptors:
        ax.add_patch(
            Rectangle((x - 0.17, post_top), 0.12, 0.32, facecolor=purple, edgecolor="none", zorder=3)
        )
        ax.add_patch(
            Rectangle((x + 0.05, post_top), 0.12, 0.32, facecolor=purple, edgecolor="none", zorder=3)
        )
    transmitter = [(11.0, -0.6), (11.55, -0.75), (11.25, -0.95), (11.8, -0.55), (10.55, -1.05), (11.7, -1.08)]
    for mx, my in transmitter:
        ax.add_patch(Circle((mx, my), 0.07, facecolor=green, edgecolor="none", zorder=4))
    anchors = {
        "axon of the sending neuron": (9.9, 2.9),
        "synaptic vesicles": (8.36, 0.9),
        "synaptic cleft": (8.0, (pre_bottom + post_top) / 2),
        "dendrite of the receiving neuron": (7.4, -2.5),
        "presynaptic terminal": (13.4, 1.3),
        "neurotransmitter": (11.88, -0.62),
        "receptors": (12.95, post_top + 0.22),
        "postsynaptic membrane": (13.3, post_top),
    }
    labels = {}
    for name, at in SYNAPSE_LABELS.items():
        labels[name] = _leader(ax, name, anchors[name], at, "right" if at[0] < anchors[name][0] else "left")
    ax.set_xlim(-0.2, 21.0)
    ax.set_ylim(-3.4, 3.4)
    ax.set_aspect("equal")
    ax.axis("off")
    return labels


# ----------------------------------------------------------------------------------------------------
# The artificial neuron (book/history/mcculloch-pitts)

#: Layout of :func:`draw_threshold_unit` in its units (about 0 to 10 across): x of the inputs, of the sum,
#: of the threshold and of the output; the radii of the input and sum circles; the half-size of the
#: threshold box; how far along an edge (0 at the input, 1 at the sum) its weight is written; and y of the
#: captions under the parts; and how far below them the equation is written.
UNIT_LAYOUT: dict[str, float] = {
    "input_x": 0.9,
    "sum_x": 4.6,
    "step_x": 6.6,
    "output_x": 8.9,
    "input_r": 0.34,
    "sum_r": 0.55,
    "step_half": 0.5,
    "weight_at": 0.42,
    "caption_y": -1.05,
    "equation_gap": 1.05,
}


def _number(value: float) -> str:
    """A number for a mathtext label: ``2``, ``-1``, ``0.5``."""
    return f"{value:g}"


def _weighted_sum(weights: Sequence[float]) -> str:
    r"""``1\,x_1 + 1\,x_2``, with minus signs written as such, in mathtext."""
    terms = []
    for i, w in enumerate(weights, start=1):
        sign = "-" if w < 0 else "+"
        body = rf"{_number(abs(w))}\,x_{{{i}}}"
        terms.append((sign, body))
    text = ("-" if terms[0][0] == "-" else "") + terms[0][1]
    for sign, body in terms[1:]:
        text += f" {sign} {body}"
    return text


def draw_threshold_unit(
    ax: Axes, weights: Sequence[float] | None = None, theta: float | None = None, *, n: int = 3
) -> dict[str, Text]:
    r"""Draw a McCulloch-Pitts threshold unit: inputs, weighted edges, a sum, a threshold step, the output.

    The unit computes :math:`y = 1` if :math:`\sum_i w_i x_i \ge \theta`, else :math:`y = 0`
    (:func:`dlbook.neurons.mcculloch_pitts`). Without ``weights`` it is drawn in symbols: inputs
    :math:`x_1, x_2, \dots, x_n`, weights :math:`w_1, w_2, \dots, w_n` and threshold :math:`\theta`. With
    ``weights`` and ``theta`` it is drawn with those numbers, one input per weight, and the equation
    under it spells out the weighted sum for up to three inputs. Layout: :data:`UNIT_LAYOUT`.

    Args:
        ax: axes to draw on; its axis is switched off and its aspect set equal.
        weights: the unit's weights, 1 to 5 of them; ``None`` for the symbolic unit.
        theta: the threshold; required with ``weights``, must be ``None`` without.
        n: number of input rows of the symbolic unit, 2 to 5 (the last one is :math:`x_n`,
            after a row of dots when ``n`` >= 3).

    Returns:
        Every label, keyed by its role; ``"x1"``, ... (inputs), ``"w1"``, ... (weights), ``"sum"``,
        ``"theta"``, ``"output"``, the captions ``"inputs"``, ``"weights"``, ``"weighted sum"``,
        ``"threshold"``, ``"output caption"``, and ``"equation"``.

    Raises:
        ValueError: if ``weights`` has fewer than 1 or more than 5 entries, if ``theta`` is missing (or
            given without weights), or if ``n`` is outside 2 to 5.
    """
    lay = UNIT_LAYOUT
    if weights is None:
        if theta is not None:
            raise ValueError(f"theta must be None when weights is None (the symbolic unit); got {theta}")
        if not 2 <= n <= 5:
            raise ValueError(f"n must be from 2 to 5 input rows; got {n}")
        names = [f"$x_{{{i}}}$" for i in range(1, n)] + ["$x_n$"]
        wnames = [f"$w_{{{i}}}$" for i in range(1, n)] + ["$w_n$"]
        rows = list(range(n))
        dots_row = n - 1.5 if n >= 3 else None
        span = n - 1 + (0.5 if dots_row is not None else 0)
        theta_text = r"$\theta$"
        equation = r"$y = 1$  if  $\sum_i\, w_i x_i \geq \theta$,  otherwise  $y = 0$"
    else:
        weights = [float(w) for w in weights]
        if not 1 <= len(weights) <= 5:
            raise ValueError(f"weights must have 1 to 5 entries; got {len(weights)}")
        if theta is None:
            raise ValueError("theta must be a number when weights are given; got None")
        names = [f"$x_{{{i}}}$" for i in range(1, len(weights) + 1)]
        wnames = [f"$w_{{{i}}} = {_number(w)}$" for i, w in enumerate(weights, start=1)]
        rows = list(range(len(weights)))
        dots_row = None
        span = len(weights) - 1
        theta_text = rf"$\theta = {_number(theta)}$"
        total = (
            _weighted_sum(weights) if len(weights) <= 3 else r"\sum_i\, w_i x_i"
        )  # kept short enough to fit
        equation = rf"$y = 1$  if  ${total} \geq {_number(theta)}$,  otherwise  $y = 0$"
    pitch = 1.05 if len(rows) <= 3 else 0.8
    top = pitch * span / 2

    def row_y(row: float) -> float:
        shift = 0.5 if dots_row is not None and row > dots_row else 0.0
        return top - pitch * (row + shift)

    ink, blue = plots.INK, plots.color("blue")
    labels: dict[str, Text] = {}
    sx, r_sum = lay["sum_x"], lay["sum_r"]
    ix, r_in = lay["input_x"], lay["input_r"]
    for k, (name, wname) in enumerate(zip(names, wnames, strict=True)):
        y = row_y(rows[k])
        ax.add_patch(
            Circle((ix, y), r_in, facecolor=_tint("orange", 0.2), edgecolor=plots.color("orange"), lw=1.4)
        )
        labels[f"x{k + 1}"] = ax.text(ix, y, name, ha="center", va="center", fontsize=10)
        dx, dy = sx - ix, 0.0 - y
        length = float(np.hypot(dx, dy))
        ux, uy = dx / length, dy / length
        ax.add_patch(
            FancyArrowPatch(
                (ix + r_in * ux, y + r_in * uy),
                (sx - r_sum * ux, -r_sum * uy),
                arrowstyle="-|>",
                mutation_scale=11,
                color=ink,
                lw=1.1,
                shrinkA=0,
                shrinkB=0,
            )
        )
        t = lay["weight_at"]
        wx, wy = ix + t * dx, y + t * dy
        labels[f"w{k + 1}"] = ax.text(
            wx,
            wy,
            wname,
            ha="center",
            va="center",
            fontsize=9,
            color=blue,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": plots.FACE, "edgecolor": "none"},
            zorder=4,
        )
    if dots_row is not None:
        ax.text(ix, row_y(dots_row) + 0.04, r"$\vdots$", ha="center", va="center", fontsize=11)
    ax.add_patch(Circle((sx, 0.0), r_sum, facecolor=_tint("blue", 0.15), edgecolor=blue, lw=1.6))
    labels["sum"] = ax.text(sx, 0.0, r"$\Sigma$", ha="center", va="center", fontsize=15)
    px, h = lay["step_x"], lay["step_half"]
    ax.add_patch(
        FancyArrowPatch(
            (sx + r_sum, 0.0),
            (px - h, 0.0),
            arrowstyle="-|>",
            mutation_scale=11,
            color=ink,
            lw=1.1,
            shrinkA=0,
            shrinkB=0,
        )
    )
    ax.add_patch(
        Rectangle(
            (px - h, -h),
            2 * h,
            2 * h,
            facecolor=_tint("vermillion", 0.1),
            edgecolor=plots.color("vermillion"),
            lw=1.6,
        )
    )
    step = 0.62 * h
    ax.plot(
        [px - step, px, px, px + step], [-step, -step, step, step], color=plots.color("vermillion"), lw=1.8
    )
    labels["theta"] = ax.text(px, h + 0.12, theta_text, ha="center", va="bottom", fontsize=10)
    ox = lay["output_x"]
    ax.add_patch(
        FancyArrowPatch(
            (px + h, 0.0),
            (ox - 0.35, 0.0),
            arrowstyle="-|>",
            mutation_scale=11,
            color=ink,
            lw=1.1,
            shrinkA=0,
            shrinkB=0,
        )
    )
    labels["output"] = ax.text(ox, 0.0, "$y$", ha="center", va="center", fontsize=12)
    cy = lay["caption_y"]
    grey = {"ha": "center", "va": "top", "fontsize": 8.5, "color": plots.INK}
    low = row_y(rows[-1])
    labels["inputs"] = ax.text(ix, low - r_in - 0.12, "inputs", **grey)
    labels["weights"] = ax.text((ix + sx) / 2 + 0.1, top + 0.55, "weights", **grey)
    labels["weighted sum"] = ax.text(sx, cy, "weighted sum", **grey)
    labels["threshold"] = ax.text(px, cy, "threshold", **grey)
    labels["output caption"] = ax.text(ox, cy, "output\n(0 or 1)", **grey)
    eq_y = min(cy - lay["equation_gap"], low - r_in - 0.8)
    labels["equation"] = ax.text((ix + ox) / 2, eq_y, equation, ha="center", va="center", fontsize=10.5)
    ax.set_xlim(0.2, 9.7)
    ax.set_ylim(eq_y - 0.45, top + 0.85)
    ax.set_aspect("equal")
    ax.axis("off")
    return labels


# ----------------------------------------------------------------------------------------------------
# Reverse mode as a sum over paths (book/history/backpropagation)

#: Colour and line style of the first, second, ... path that :func:`draw_path_sum` highlights.
PATH_STYLES: tuple[tuple[str, str], ...] = (
    ("blue", "-"),
    ("vermillion", "--"),
    ("green", ":"),
    ("purple", "-."),
)

#: Layout of :func:`draw_path_sum` (graph units): distance between the columns of the graph and between the
#: nodes of a column, the x where the sums are written, the room they are given and the distance between
#: their lines.
PATH_LAYOUT: dict[str, float] = {"column": 3.0, "row": 1.6, "sums_x": 7.0, "sums_width": 4.2, "line": 0.62}


def _mathname(label: str) -> str:
    """A node's label as mathtext: single letters in italics, anything else upright."""
    return label if len(label) == 1 and label.isalpha() else rf"\mathrm{{{label}}}"


def draw_path_sum(ax: Axes, output: Value, source: str) -> dict[str, Text]:
    r"""Draw the graph behind ``output``, each edge's local derivative, and a gradient as a sum over paths.

    Nodes show their label and value; every edge :math:`v \to u` is labelled with
    :math:`\partial u/\partial v` (:func:`~dlbook.autodiff.edge_derivatives`). The paths from ``source``
    to ``output`` (:func:`~dlbook.autodiff.paths_to_output`) are highlighted in the colours and line
    styles of :data:`PATH_STYLES`, and written out on the right: the product of each path's derivatives,
    and their sum, which is the gradient
    :math:`\partial(\text{output})/\partial(\text{source})`. Layout: :data:`PATH_LAYOUT`.

    Args:
        ax: axes to draw on; its axis is switched off and its aspect set equal.
        output: the graph's output; it needs a label (e.g. ``"e"``), as does every node to be named.
        source: the label of the input whose derivative is written out, e.g. ``"b"``.

    Returns:
        Every label, keyed by its role; ``"node <label>"`` for each node (``"node <label> (<i>)"``
        where labels repeat), ``"edge <i>-<j>"`` for each edge (indices into the graph's listing; none
        for an edge from a constant), ``"header"``, ``"path 1"``, ``"path 2"``, ... and ``"sum"``.

    Raises:
        ValueError: as :func:`~dlbook.autodiff.paths_to_output`, or if there are more paths than
            :data:`PATH_STYLES`.
    """
    nodes, edges, derivatives = edge_derivatives(output)
    paths = paths_to_output(output, source)
    if len(paths) > len(PATH_STYLES):
        raise ValueError(
            f"source: at most {len(PATH_STYLES)} paths can be drawn; {source!r} has {len(paths)}"
        )
    depth = [0] * len(nodes)
    for i, j in edges:  # edges come in topological order of their target
        depth[j] = max(depth[j], depth[i] + 1)
    columns: dict[int, list[int]] = {}
    for i, d in enumerate(depth):
        columns.setdefault(d, []).append(i)
    pos: dict[int, tuple[float, float]] = {}
    for d, members in columns.items():
        members.sort(key=lambda i: (_is_constant(nodes[i]), nodes[i].label))
        for k, i in enumerate(members):
            pos[i] = (d * PATH_LAYOUT["column"], ((len(members) - 1) / 2 - k) * PATH_LAYOUT["row"])
    labels: dict[str, Text] = {}
    name = {i: node.label or node.op for i, node in enumerate(nodes)}
    names = list(name.values())
    key = {i: f"node {n}" if names.count(n) == 1 else f"node {n} ({i})" for i, n in name.items()}
    style_of: dict[int, tuple[str, str]] = {}  # edge -> (colour, line style) of the first path through it
    for p, path in enumerate(paths):
        for k in path.edges:
            style_of.setdefault(k, (plots.color(PATH_STYLES[p][0]), PATH_STYLES[p][1]))
    for k, (i, j) in enumerate(edges):
        constant = _is_constant(nodes[i])
        colour, style = style_of.get(k, ("#5a6169" if constant else plots.INK, "-"))
        ax.add_patch(
            FancyArrowPatch(
                pos[i],
                pos[j],
                arrowstyle="-|>",
                mutation_scale=12,
                color=colour,
                ls=style,
                lw=2.2 if k in style_of else 1.1,
                shrinkA=10 if constant else 20,
                shrinkB=20,
                zorder=2,
            )
        )
        if constant:  # the derivative with respect to a constant is never needed
            continue
        (x0, y0), (x1, y1) = pos[i], pos[j]
        head, tail = _mathname(name[j]), _mathname(name[i])
        labels[f"edge {i}-{j}"] = ax.text(
            (x0 + x1) / 2,
            (y0 + y1) / 2,
            rf"$\partial {head}/\partial {tail} = {derivatives[k]:g}$",
            ha="center",
            va="center",
            fontsize=8.5,
            color=colour,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": plots.FACE, "edgecolor": "none"},
            zorder=3,
        )
    for i, node in enumerate(nodes):
        x, y = pos[i]
        if _is_constant(node):
            labels[key[i]] = ax.text(x, y, node.label, ha="center", va="center", color="#5a6169", fontsize=10)
            continue
        face = _tint("sky", 0.25) if node.op else _tint("orange", 0.25)
        labels[key[i]] = ax.text(
            x,
            y,
            f"${_mathname(name[i])} = {node.data:g}$",
            ha="center",
            va="center",
            fontsize=10,
            bbox={"boxstyle": "round,pad=0.35", "facecolor": face, "edgecolor": plots.INK, "lw": 1.0},
            zorder=4,
        )
    sx, line = PATH_LAYOUT["sums_x"], PATH_LAYOUT["line"]
    top = line * len(paths) / 2  # the lines of sums are centred on the output's row
    out, src = _mathname(name[len(nodes) - 1]), _mathname(source)
    labels["header"] = ax.text(
        sx, top + line, f"paths from ${src}$ to ${out}$:", fontsize=9, va="center", color=plots.INK
    )
    for p, path in enumerate(paths):
        colour, _ = PATH_STYLES[p]
        route = r" \to ".join(_mathname(label) for label in path.nodes)
        factors = r" \times ".join(f"{f:g}" for f in path.factors)
        labels[f"path {p + 1}"] = ax.text(
            sx,
            top - line * p,
            f"${route}$:  ${factors} = {path.product:g}$",
            color=plots.color(colour),
            fontsize=10,
            va="center",
        )
    terms = " + ".join(f"{path.product:g}" for path in paths)
    total = sum(path.product for path in paths)
    labels["sum"] = ax.text(
        sx,
        top - line * len(paths) - 0.15,
        rf"$\partial {out}/\partial {src} = {terms} = {total:g}$",
        fontsize=11,
        va="center",
    )
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.6, sx + PATH_LAYOUT["sums_width"])
    ax.set_ylim(min(*ys, top - line * len(paths)) - 0.5, max(*ys, top + line) + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return labels


# ----------------------------------------------------------------------------------------------------
# Interpolating between digits (book/introduction/examples)


def _digit_grid(images: Any) -> np.ndarray:
    """Images ``P×S×1×28×28`` or ``P×S×28×28`` as a float array ``P×S×28×28``."""
    grid = np.asarray(images, dtype=float)
    if grid.ndim == 5 and grid.shape[2] == 1:
        grid = grid[:, :, 0]
    if grid.ndim != 4 or grid.shape[2:] != (28, 28):
        raise ValueError(f"images must have shape P×S×1×28×28 or P×S×28×28; got {np.shape(images)}")
    return grid


def draw_digit_rows(ax: Axes, images: Any, *, row_labels: Sequence[str] | None = None, gap: int = 3) -> None:
    """Draw ``P`` rows of ``S`` digits each as one picture, ink dark on the card, ``gap`` pixels apart.

    Args:
        ax: axes to draw on.
        images: ``P×S×1×28×28`` (or ``P×S×28×28``) grey levels from 0 (background) to 1 (ink).
        row_labels: a label for each row, written left of it; none by default.
        gap: pixels of card between neighbouring digits (>= 0).
    """
    grid = _digit_grid(images)
    rows, cols = grid.shape[:2]
    if gap < 0:
        raise ValueError(f"gap must be >= 0 pixels; got {gap}")
    if row_labels is not None and len(row_labels) != rows:
        raise ValueError(f"row_labels must have one label per row ({rows}); got {len(row_labels)}")
    cell = 28 + gap
    canvas = np.full((rows * cell - gap, cols * cell - gap), np.nan)
    for i in range(rows):
        for j in range(cols):
            canvas[i * cell : i * cell + 28, j * cell : j * cell + 28] = grid[i, j]
    cmap = _card_cmap("gray_r")
    ax.imshow(canvas, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
    ends = [0, cols - 1] if cols > 1 else [0]
    marked = sorted({*ends, (cols - 1) // 2} if cols % 2 else set(ends))  # t = 0, 1/2 (odd counts) and 1
    ax.set_xticks([j * cell + 13.5 for j in marked])
    ax.set_xticklabels([f"{j / max(cols - 1, 1):g}" for j in marked], fontsize=9)
    ax.set_yticks([i * cell + 13.5 for i in range(rows)])
    ax.set_yticklabels(list(row_labels) if row_labels is not None else [], fontsize=9)
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _card_cmap(name: str) -> Any:
    """A copy of the colour map ``name`` that paints missing values (the gaps) in the card colour."""
    from matplotlib import colormaps

    return colormaps[name].with_extremes(bad=plots.FACE)


def interpolation_figure(latent: Any, crossfade: Any, *, row_labels: Sequence[str] | None = None) -> Any:
    """Two panels side by side: latent paths (left) and pixel cross-fades (right) between pairs of digits.

    Args:
        latent: ``P×S×1×28×28``, row ``i`` the latent path of pair ``i``
            (:func:`dlbook.autoencoder.interpolate_latent`).
        crossfade: the same shape, the cross-fades between the same end images
            (:func:`dlbook.autoencoder.crossfade`).
        row_labels: a label for each pair, e.g. ``"3 → 8"``.

    Returns:
        The finished figure (:func:`dlbook.plots.finish`), which a page cell may end with.
    """
    left, right = _digit_grid(latent), _digit_grid(crossfade)
    if left.shape != right.shape:
        raise ValueError(f"latent and crossfade must have the same shape; got {left.shape} and {right.shape}")
    rows, cols = left.shape[:2]
    width = 7.4
    panel = (width - 0.8) / 2  # inches of each panel's picture, less room for the row labels
    fig, (ax_l, ax_r) = plots.figure(1, 2, width=width, height=panel * rows / cols + 0.95)
    draw_digit_rows(ax_l, left, row_labels=row_labels)
    draw_digit_rows(ax_r, right)
    ax_l.set_title("through the latent space")
    ax_r.set_title("pixel cross-fade")
    for ax in (ax_l, ax_r):
        ax.set_xlabel("$t$")
    return plots.finish(fig)


def path_distance_figure(t: Any, latent: Any, crossfade: Any) -> Any:
    """The distance to the nearest real digit along both paths, the mean over all pairs.

    Args:
        t: the path times ``S``, from 0 to 1.
        latent: ``P×S`` distances along the latent paths.
        crossfade: ``P×S`` distances along the cross-fades.

    Returns:
        The finished figure (:func:`dlbook.plots.finish`).
    """
    t = np.asarray(t, dtype=float)
    fig, ax = plots.figure(width=6.4, height=3.2)
    for values, label, colour, marker in (
        (latent, "through the latent space", "blue", "o"),
        (crossfade, "pixel cross-fade", "vermillion", "s"),
    ):
        d = np.asarray(values, dtype=float)
        if d.ndim != 2 or d.shape[1] != t.shape[0]:
            raise ValueError(f"distances must have shape P×{t.shape[0]}; got {d.shape}")
        ax.plot(t, d.mean(axis=0), marker=marker, color=plots.color(colour), label=label)
    ax.set_xlabel("position along the path, $t$")
    ax.set_ylabel("distance to nearest real digit")
    ax.legend()
    return plots.finish(fig)
