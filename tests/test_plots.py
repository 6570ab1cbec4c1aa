"""Unit tests of dlbook.plots: the one figure style of the book stays readable on light and dark pages."""

from __future__ import annotations

import io

import matplotlib as mpl
import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import numpy as np
import pytest
from dlbook import plots
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio, from 1 (same luminance) to 21 (black on white)."""
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_on_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_ink_reads_at_aaa_contrast_on_the_card():
    assert contrast(plots.INK, plots.FACE) >= 7.0


def test_every_palette_colour_has_non_text_contrast_on_the_card():
    below = {name for name, hex_ in plots.PALETTE.items() if contrast(hex_, plots.FACE) < 3.0}
    assert below == set(), "WCAG 2.1 asks 3:1 for graphical objects"
    assert plots.CYCLE[-1] == "yellow"
    assert set(plots.CYCLE) == set(plots.PALETTE)


def test_figure_applies_the_style():
    mpl.rcdefaults()
    fig, _ = plots.figure()
    assert to_rgb(mpl.rcParams["axes.facecolor"]) == to_rgb(plots.FACE)
    assert to_rgb(mpl.rcParams["text.color"]) == to_rgb(plots.INK)
    assert tuple(fig.get_size_inches()) == pytest.approx(plots.FIGSIZE)
    plots.finish(fig)


def test_style_context_is_undone_on_exit():
    mpl.rcdefaults()
    with plots.style():
        assert to_rgb(mpl.rcParams["figure.facecolor"]) == to_rgb(plots.FACE)
    assert to_rgb(mpl.rcParams["figure.facecolor"]) == to_rgb("white")


def test_saved_background_is_opaque_and_the_card_colour():
    fig, ax = plots.figure(width=2.0, height=1.5)
    ax.plot([0, 1], [0, 1], color=plots.color("blue"))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plots.finish(fig)
    buf.seek(0)
    pixels = mpimg.imread(buf, format="png")
    assert pixels.shape[2] == 4 and np.all(pixels[..., 3] == 1.0)
    corner = pixels[0, 0, :3]
    assert corner == pytest.approx(np.array(to_rgb(plots.FACE)), abs=1 / 255)


def test_color_names_and_bad_name():
    assert plots.color("blue") == plots.PALETTE["blue"]
    with pytest.raises(ValueError, match="name must be one of"):
        plots.color("magenta")


def test_figure_grid_shapes():
    fig, ax = plots.figure()
    assert isinstance(ax, Axes)
    plots.finish(fig)
    fig, axes = plots.figure(2, 3)
    assert isinstance(axes, list) and len(axes) == 6
    assert fig.get_size_inches()[1] == pytest.approx(plots.FIGSIZE[1] * 0.8 * 2)
    plots.finish(fig)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((0, 1), {}, "nrows and ncols"),
        ((1, -2), {}, "nrows and ncols"),
        ((), {"width": 0.0}, "width and height"),
        ((), {"height": -1.0}, "width and height"),
    ],
)
def test_figure_bad_arguments(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.figure(*args, **kwargs)


def test_finish_returns_a_closed_figure_with_its_title():
    fig, _ = plots.figure()
    assert plt.fignum_exists(fig.number)
    out = plots.finish(fig, title="A title")
    assert out is fig
    assert not plt.fignum_exists(fig.number)
    assert fig.get_suptitle() == "A title"
