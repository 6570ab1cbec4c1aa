r"""Where deep learning sits inside machine learning: the lecture's map, as data.

The map is a set of :class:`Region` s in a plane of 10 by 6.4 (arbitrary units).
Machine learning is the enclosing rectangle; deep learning an ellipse in its
middle; reinforcement, unsupervised, meta and supervised learning four ellipses
that each straddle the rim of deep learning, because each of them has a deep
part and a shallow part. *Shallow learning* is everything in machine learning
outside the deep-learning ellipse.

A point :math:`(x, y)` lies inside an ellipse with centre :math:`(x_0, y_0)`,
width :math:`w` and height :math:`h` when

.. math::

   \left(\frac{x - x_0}{w/2}\right)^2 + \left(\frac{y - y_0}{h/2}\right)^2 \le 1,

which :func:`contains` tests and :func:`overlap` uses to measure, on a grid,
the area two regions share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Ellipse, Rectangle

from dlbook import plots

#: Width and height of the map's machine-learning rectangle (arbitrary units).
EXTENT: tuple[float, float] = (10.0, 6.4)


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


_REGIONS: tuple[Region, ...] = (
    Region(
        "Machine learning",
        ("shallow learning: everything outside", "deep learning, often hand-engineered"),
        "rectangle",
        (EXTENT[0] / 2, EXTENT[1] / 2),
        EXTENT,
        "black",
        (0.2, EXTENT[1] - 0.2),
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


def regions() -> list[Region]:
    """The regions of the map, the enclosing machine-learning rectangle first and deep learning last."""
    return list(_REGIONS)


def region(name: str) -> Region:
    """The region called ``name``.

    Args:
        name: a region's name, e.g. ``"Deep learning"``.

    Returns:
        That :class:`Region`.

    Raises:
        ValueError: if no region has that name.
    """
    for r in _REGIONS:
        if r.name == name:
            return r
    raise ValueError(f"name must be one of {', '.join(r.name for r in _REGIONS)}; got {name!r}")


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
    xs = np.linspace(0.0, EXTENT[0], n)
    ys = np.linspace(0.0, EXTENT[1], n)
    x, y = np.meshgrid(xs, ys)
    cell = (xs[1] - xs[0]) * (ys[1] - ys[0])
    return float(np.count_nonzero(contains(a, x, y) & contains(b, x, y)) * cell)


def draw_map(ax: Axes, items: list[Region] | None = None) -> None:
    """Draw the map: translucent, outlined regions with their names and the lecture's keywords.

    Args:
        ax: axes to draw on (e.g. from ``plots.figure(height=4.4)``); its grid and
            ticks are switched off and its aspect set equal.
        items: regions to draw, back to front; default :func:`regions`.
    """
    items = regions() if items is None else items
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
    ax.set_xlim(-0.05, EXTENT[0] + 0.05)
    ax.set_ylim(-0.05, EXTENT[1] + 0.05)
    ax.set_aspect("equal")
    ax.axis("off")
