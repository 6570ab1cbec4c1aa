"""One figure style for every page of the book.

Every figure in the book is drawn through this module so that all pages share
fonts, sizes and colours. The style is built to stay readable in both the light
and the dark mode of the book's theme:

* figures are drawn on an opaque, off-white card (``FACE``) with dark ink
  (``INK``), so text never vanishes against a dark page;
* lines and markers use the hues of the Okabe-Ito palette (``PALETTE``), which
  stay distinguishable under the common forms of colour blindness; orange,
  reddish purple, sky blue and yellow are darkened so that every colour has a
  contrast ratio of at least 3:1 against the card (WCAG 2.1, non-text contrast);
* every data series should also differ by marker or line style where colour
  alone would carry meaning.

Typical use on a page::

    from dlbook import plots
    fig, ax = plots.figure()
    ax.plot(t, u, color=plots.color("blue"))
    plots.finish(fig)

Alt text is given in the page's cell metadata (``mystnb: image: alt:``), one
figure per cell.

Used on the pages :doc:`/book/nature/brain`, :doc:`/book/nature/plasticity`, :doc:`/book/nature/hebbian`,
:doc:`/book/nature/hebbian-further`, :doc:`/book/history/index`, :doc:`/book/history/mcculloch-pitts`,
:doc:`/book/history/backpropagation`, :doc:`/book/history/representations`, :doc:`/book/history/cnn`,
:doc:`/book/history/gpus`, :doc:`/book/concepts/tpe` and :doc:`/book/concepts/dl-vs-ml`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Background of every figure, an opaque off-white card.
FACE = "#fbfbf8"
#: Colour of text, axes and ticks (contrast ratio above 12 to 1 on ``FACE``).
INK = "#1f2328"
#: Colour of grid lines.
GRID = "#d0d4d9"

#: Okabe-Ito hues by name, the light ones darkened to a contrast of three to one or more on ``FACE``.
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#B86E00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#B0528A",
    "sky": "#2B8CC4",
    "yellow": "#8A7A00",
    "black": "#000000",
}

#: Order in which series take colours (the dark yellow, closest to the others in lightness, last).
CYCLE: tuple[str, ...] = ("blue", "vermillion", "green", "orange", "purple", "sky", "black", "yellow")

#: Default figure size in inches (width, height), which renders at page width.
FIGSIZE: tuple[float, float] = (6.4, 3.6)

STYLE: dict[str, object] = {
    "figure.facecolor": FACE,
    "figure.edgecolor": FACE,
    "axes.facecolor": FACE,
    "savefig.facecolor": FACE,
    "savefig.transparent": False,
    "figure.figsize": FIGSIZE,
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "figure.constrained_layout.use": True,
    "font.size": 10.5,
    "axes.titlesize": 11.5,
    "axes.labelsize": 10.5,
    "legend.fontsize": 9.5,
    "legend.frameon": False,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": INK,
    "axes.titlecolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "lines.linewidth": 2.0,
    "lines.markersize": 5.0,
    "image.cmap": "viridis",
    "axes.prop_cycle": mpl.cycler(color=[PALETTE[name] for name in CYCLE]),
}


def color(name: str) -> str:
    """Hex colour of a palette entry, e.g. ``color("blue")``.

    Raises:
        ValueError: if ``name`` is not in :data:`PALETTE`.
    """
    try:
        return PALETTE[name]
    except KeyError:
        allowed = ", ".join(sorted(PALETTE))
        raise ValueError(f"color: name must be one of {allowed}; got {name!r}") from None


def use_style() -> None:
    """Make the book's style the default for all later figures."""
    mpl.rcParams.update(STYLE)


@contextmanager
def style() -> Iterator[None]:
    """Apply the book's style inside a ``with`` block only."""
    with mpl.rc_context(STYLE):
        yield


def figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    width: float | None = None,
    height: float | None = None,
    **subplot_kw: object,
) -> tuple[Figure, Axes | list[Axes]]:
    """Create a figure in the book's style.

    Args:
        nrows, ncols: grid of axes (each at least 1).
        width, height: size in inches; default :data:`FIGSIZE`, with the
            height grown by rows.
        **subplot_kw: passed to :func:`matplotlib.pyplot.subplots`
            (e.g. ``sharex=True``).

    Returns:
        ``(fig, ax)`` for a single axes, else ``(fig, axes)`` with ``axes`` a
        flat list in row-major order.
    """
    if nrows < 1 or ncols < 1:
        raise ValueError(f"figure: nrows and ncols must be >= 1; got nrows={nrows}, ncols={ncols}")
    use_style()
    w = FIGSIZE[0] if width is None else width
    h = FIGSIZE[1] * (1 if nrows == 1 else 0.8 * nrows) if height is None else height
    if w <= 0 or h <= 0:
        raise ValueError(f"figure: width and height must be > 0 inches; got width={w}, height={h}")
    fig, axes = plt.subplots(nrows, ncols, figsize=(w, h), squeeze=False, **subplot_kw)
    flat = [ax for row in axes for ax in row]
    return fig, (flat[0] if len(flat) == 1 else flat)


def finish(fig: Figure, *, title: str | None = None) -> Figure:
    """Final touches shared by every figure: an optional super-title.

    Returns the figure, so that a page cell may end with ``plots.finish(fig)``
    and Jupyter shows it once.
    """
    if title:
        fig.suptitle(title, color=INK, fontsize=STYLE["axes.titlesize"])
    plt.close(fig)
    return fig
