"""Tests of the lecture's diagrams in dlbook.figures: a neuron and a synapse, the artificial neuron, and
reverse mode as a sum over paths; and, on the built book, that each page shows its diagram as a numbered
figure with a caption and alt text.

Each drawing must write every label it promises, keep the labels apart (their extents on the canvas must
not overlap) and keep everything inside its axes. The sums over paths are checked against the engine's
own reverse sweep.
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import pytest
from conftest import BuiltBook, article, figure_image, glue_values, text_of
from dlbook import figures, plots
from dlbook.autodiff import Value, paths_to_output
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

NEURON_PARTS = {
    "dendrites",
    "soma (cell body)",
    "axon hillock",
    "myelin sheath",
    "node of Ranvier",
    "axon terminals",
}
SYNAPSE_PARTS = {
    "presynaptic terminal",
    "synaptic vesicles",
    "synaptic cleft",
    "neurotransmitter",
    "receptors",
    "postsynaptic membrane",
}


def lecture_graph() -> tuple[Value, Value, Value, Value, Value]:
    """The lecture's e = (a + b)(b + 1) at a = 2, b = 1, after one reverse sweep."""
    a, b = Value(2.0, "a"), Value(1.0, "b")
    c = a + b
    c.label = "c"
    d = b + 1
    d.label = "d"
    e = c * d
    e.label = "e"
    e.backward()
    return a, b, c, d, e


def check_layout(fig: Figure, ax: Axes, labels: dict[str, Text]) -> None:
    """Labels are in the axes, do not overlap one another, and nothing drawn leaves the axes."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    assert all(t in ax.texts for t in labels.values()), "a label is not a text of the axes"
    # the extent of the words alone (an annotation's own extent would include its leader line)
    extents = {name: Text.get_window_extent(t, renderer) for name, t in labels.items()}
    for (one, a), (two, b) in itertools.combinations(extents.items(), 2):
        assert not a.overlaps(b), f"label {one!r} overlaps label {two!r}"
    tolerance = 1.0  # pixels
    for artist in [*ax.texts, *ax.patches, *ax.lines]:
        box = artist.get_window_extent(renderer)
        assert box.x0 >= frame.x0 - tolerance and box.x1 <= frame.x1 + tolerance, f"{artist} leaves the axes"
        assert box.y0 >= frame.y0 - tolerance and box.y1 <= frame.y1 + tolerance, f"{artist} leaves the axes"
    for t in ax.texts:  # leader lines end inside the axes too
        if hasattr(t, "xy"):
            x, y = t.xy
            assert ax.get_xlim()[0] <= x <= ax.get_xlim()[1] and ax.get_ylim()[0] <= y <= ax.get_ylim()[1]


# --- a neuron and a synapse ------------------------------------------------------------------------------


def test_neuron_names_every_part_of_the_lecture():
    fig, ax = plots.figure(height=2.6)
    labels = figures.draw_neuron(ax)
    assert set(labels) == set(figures.NEURON_LABELS) >= NEURON_PARTS
    for name, text in labels.items():
        assert text.get_text() == name
    assert ax.get_aspect() == 1.0
    assert len(ax.patches) >= 5 + 1  # at least the myelin segments and the soma
    check_layout(fig, ax, labels)
    plots.finish(fig)
    assert not plt.fignum_exists(fig.number)


def test_synapse_names_every_part_of_the_lecture():
    fig, ax = plots.figure(height=2.6)
    labels = figures.draw_synapse(ax)
    assert set(labels) == set(figures.SYNAPSE_LABELS) >= SYNAPSE_PARTS
    for name, text in labels.items():
        assert text.get_text() == name
    check_layout(fig, ax, labels)
    plots.finish(fig)


def test_neuron_and_synapse_share_a_figure_as_on_the_page():
    fig, (top, bottom) = plots.figure(2, 1, height=5.0)
    neuron, synapse = figures.draw_neuron(top), figures.draw_synapse(bottom)
    top.set_title("A neuron", loc="left")
    bottom.set_title("A chemical synapse, enlarged", loc="left")
    check_layout(fig, top, neuron)
    check_layout(fig, bottom, synapse)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for label in synapse.values():  # the synapse's labels stay clear of the neuron panel
        assert not label.get_window_extent(renderer).overlaps(top.get_window_extent(renderer))
    plots.finish(fig)


# --- the artificial neuron -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_symbolic_threshold_unit(n):
    fig, ax = plots.figure(height=2.9)
    labels = figures.draw_threshold_unit(ax, n=n)
    texts = {name: t.get_text() for name, t in labels.items()}
    assert texts["x1"] == "$x_{1}$" and texts[f"x{n}"] == "$x_n$"
    assert texts["w1"] == "$w_{1}$" and texts[f"w{n}"] == "$w_n$"
    assert texts["sum"] == r"$\Sigma$" and texts["theta"] == r"$\theta$" and texts["output"] == "$y$"
    assert r"\sum_i" in texts["equation"] and r"\geq \theta" in texts["equation"]
    assert (r"$\vdots$" in [t.get_text() for t in ax.texts]) == (n >= 3)
    check_layout(fig, ax, labels)
    plots.finish(fig)


@pytest.mark.parametrize(
    ("weights", "theta", "condition"),
    [
        ([1, 1], 2, r"1\,x_{1} + 1\,x_{2} \geq 2"),  # AND
        ([-1, -1], -1, r"-1\,x_{1} - 1\,x_{2} \geq -1"),  # NAND
        ([-1], 0, r"-1\,x_{1} \geq 0"),  # NOT
        ([0.5, -2, 1], 1.5, r"0.5\,x_{1} - 2\,x_{2} + 1\,x_{3} \geq 1.5"),
        ([0.5, -2, 1, 3, 1], 1.5, r"\sum_i\, w_i x_i \geq 1.5"),  # five terms would not fit
    ],
)
def test_threshold_unit_with_numbers(weights, theta, condition):
    fig, ax = plots.figure(height=2.5)
    labels = figures.draw_threshold_unit(ax, weights, theta)
    for i, w in enumerate(weights, start=1):
        assert labels[f"w{i}"].get_text() == f"$w_{{{i}}} = {w:g}$"
        assert labels[f"x{i}"].get_text() == f"$x_{{{i}}}$"
    assert f"x{len(weights) + 1}" not in labels
    assert labels["theta"].get_text() == rf"$\theta = {theta:g}$"
    assert condition in labels["equation"].get_text()
    check_layout(fig, ax, labels)
    plots.finish(fig)


def test_threshold_unit_bad_arguments():
    fig, ax = plots.figure()
    with pytest.raises(ValueError, match="weights must have 1 to 5 entries"):
        figures.draw_threshold_unit(ax, [], 0)
    with pytest.raises(ValueError, match="weights must have 1 to 5 entries"):
        figures.draw_threshold_unit(ax, [1] * 6, 1)
    with pytest.raises(ValueError, match="theta must be a number"):
        figures.draw_threshold_unit(ax, [1, 1])
    with pytest.raises(ValueError, match="theta must be None"):
        figures.draw_threshold_unit(ax, None, 2)
    for n in (1, 6):
        with pytest.raises(ValueError, match="n must be from 2 to 5"):
            figures.draw_threshold_unit(ax, n=n)
    plots.finish(fig)


# --- reverse mode as a sum over paths ---------------------------------------------------------------------


def test_draw_path_sum_labels_every_edge_and_writes_the_sum():
    *_, e = lecture_graph()
    fig, ax = plots.figure(height=2.9)
    labels = figures.draw_path_sum(ax, e, "b")
    texts = {name: t.get_text() for name, t in labels.items()}
    for name, value in (("a", 2), ("b", 1), ("c", 3), ("d", 2), ("e", 6)):
        assert texts[f"node {name}"] == f"${name} = {value}$"
    assert texts["node 1"] == "1"  # the constant, without a box
    edge_texts = sorted(t for name, t in texts.items() if name.startswith("edge"))
    assert edge_texts == sorted(
        [
            r"$\partial c/\partial a = 1$",
            r"$\partial c/\partial b = 1$",
            r"$\partial d/\partial b = 1$",
            r"$\partial e/\partial c = 2$",
            r"$\partial e/\partial d = 3$",
        ]
    )  # every edge but the one from the constant
    assert texts["path 1"] == r"$b \to c \to e$:  $1 \times 2 = 2$"
    assert texts["path 2"] == r"$b \to d \to e$:  $1 \times 3 = 3$"
    assert texts["sum"] == r"$\partial e/\partial b = 2 + 3 = 5$"
    assert len(ax.patches) == 6  # one arrow per edge
    colours = {labels["path 1"].get_color(), labels["path 2"].get_color()}
    assert colours == {plots.color(PATH[0]) for PATH in figures.PATH_STYLES[:2]}
    check_layout(fig, ax, labels)
    plots.finish(fig)


def test_draw_path_sum_refuses_more_paths_than_styles():
    x = Value(1.0, "x")
    out = x
    for _ in range(len(figures.PATH_STYLES)):
        out = out + x  # every addition is one more path from x
    out.label = "out"
    assert len(paths_to_output(out, "x")) == len(figures.PATH_STYLES) + 1
    fig, ax = plots.figure()
    with pytest.raises(ValueError, match="paths can be drawn"):
        figures.draw_path_sum(ax, out, "x")
    plots.finish(fig)


# --- the built book ----------------------------------------------------------------------------------------

DIAGRAMS = [
    ("book/nature/brain", "fig-neuron-anatomy"),
    ("book/history/mcculloch-pitts", "fig-mp-unit"),
    ("book/history/mcculloch-pitts", "fig-mp-and"),
    ("book/history/backpropagation", "fig-bp-paths"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("docname", "figure_id"), DIAGRAMS)
def test_built_page_shows_the_diagram_with_caption_and_alt_text(
    built_book: BuiltBook, docname: str, figure_id: str
) -> None:
    figure_image(built_book, docname, figure_id)  # the image exists, is not empty and has alt text
    fig = article(built_book, docname).find("figure", id=figure_id)
    caption = fig.find("figcaption")
    assert caption is not None, f"{docname}#{figure_id}: no caption"
    text = text_of(caption).strip()
    assert text.startswith("Fig. ") and len(text) > 40, f"{docname}#{figure_id}: caption {text!r}"


@pytest.mark.slow
def test_built_backpropagation_page_sums_the_paths(built_book: BuiltBook) -> None:
    values = glue_values(built_book, "book/history/backpropagation")
    assert values["bp-path-c"] + values["bp-path-d"] == values["bp-path-sum"] == values["bp-grad-b"]
    assert values["bp-path-c"] == values["bp-path-c-1"] * values["bp-path-c-2"]
    assert values["bp-path-d"] == values["bp-path-d-1"] * values["bp-path-d-2"]
    assert 0 <= values["bp-tensor-gap"] < 1e-12
    assert "Olah" in text_of(article(built_book, "book/history/backpropagation"))


@pytest.mark.slow
def test_built_mcculloch_pitts_page_glues_the_and_unit(built_book: BuiltBook) -> None:
    values = glue_values(built_book, "book/history/mcculloch-pitts")
    assert values["and_sum_both"] >= values["and_theta"] > values["and_sum_one"]
