"""Unit tests of dlbook.figures: the history figures, the map of machine learning (its geometry and its
drawing) and the drawing of a computational graph."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from dlbook import figures, history, plots
from dlbook.autodiff import Value

FIELDS = ["Reinforcement learning", "Unsupervised learning", "Meta learning", "Supervised learning"]


def test_the_map_names_every_field_of_the_lecture():
    names = [r.name for r in figures.map_regions()]
    assert names[0] == "Machine learning" and names[-1] == "Deep learning"
    assert set(FIELDS) <= set(names)
    assert any("shallow learning" in note for note in figures.map_region("Machine learning").notes)


def test_every_region_lies_inside_machine_learning():
    ml = figures.map_region("Machine learning")
    for r in figures.map_regions():
        assert figures.overlap(r, ml) == pytest.approx(figures.overlap(r, r), rel=1e-9), r.name


@pytest.mark.parametrize("name", FIELDS)
def test_each_field_straddles_deep_learning(name):
    deep, field = figures.map_region("Deep learning"), figures.map_region(name)
    shared = figures.overlap(field, deep)
    assert 0 < shared < figures.overlap(field, field)  # a deep part and a shallow part
    assert not figures.contains(deep, *field.label_at)  # its name is written in its shallow part


def test_labels_sit_inside_their_own_region():
    for r in figures.map_regions():
        assert figures.contains(r, *r.label_at), r.name


def test_contains_broadcasts_and_overlap_of_a_disc_is_its_area():
    deep = figures.map_region("Deep learning")
    x0, y0 = deep.center
    inside = figures.contains(deep, np.array([x0, x0 + 10.0]), y0)
    assert inside.tolist() == [True, False]
    w, h = deep.size
    assert figures.overlap(deep, deep, n=800) == pytest.approx(np.pi * w * h / 4, rel=0.01)


def test_bad_arguments():
    with pytest.raises(ValueError, match="name must be one of"):
        figures.map_region("Quantum learning")
    with pytest.raises(ValueError, match="n must be >= 10"):
        figures.overlap(figures.map_region("Deep learning"), figures.map_region("Meta learning"), n=3)
    odd = figures.Region("Odd", (), "triangle", (1, 1), (1, 1), "blue", (1, 1))
    with pytest.raises(ValueError, match="shape must be"):
        figures.contains(odd, 0.0, 0.0)


def test_draw_map_writes_every_name_and_keyword():
    fig, ax = plots.figure(height=4.4)
    figures.draw_map(ax)
    texts = "\n".join(t.get_text() for t in ax.texts)
    for r in figures.map_regions():
        assert r.name in texts
        for note in r.notes:
            assert note in texts
    assert len(ax.patches) >= len(figures.map_regions())
    assert ax.get_aspect() == 1.0
    plots.finish(fig)


# --- the history figures -------------------------------------------------------------------------------


def test_every_theme_of_the_history_has_a_style():
    assert set(figures.THEME_STYLES) == set(history.THEMES)
    assert list(figures.THEME_STYLES) == list(history.THEMES)  # the legend's order


def test_timeline_draws_one_marker_and_label_per_event():
    fig, ax = plots.figure(height=6.5)
    figures.draw_timeline(ax)
    events = [m for m in history.milestones() if not m.is_period]
    texts = [t.get_text() for t in ax.texts]
    for m in events:
        assert any(m.label in t and str(m.year) in t for t in texts), m.label
    markers = [line for line in ax.lines if len(line.get_xdata()) == 1]
    assert len(markers) == len(events)
    assert any("1987–1993" in t for t in texts)
    plots.finish(fig)
    assert not plt.fignum_exists(fig.number)


def test_model_size_figure_is_log_scale_with_every_model():
    fig, ax = plots.figure()
    figures.draw_model_sizes(ax)
    assert ax.get_yscale() == "log"
    names = {t.get_text() for t in ax.texts}
    assert names == {m.name for m in history.model_sizes()}
    lo, hi = ax.get_ylim()
    assert all(lo <= m.parameters <= hi for m in history.model_sizes())
    plots.finish(fig)


def test_model_label_offsets_name_only_known_models():
    assert set(figures.MODEL_LABEL_OFFSETS) <= {m.name for m in history.model_sizes()}


# --- a computational graph -------------------------------------------------------------------------------


def test_draw_graph_shows_every_node_with_value_and_gradient():
    a, b = Value(2.0, "a"), Value(1.0, "b")
    c = a + b
    c.label = "c"
    d = b + 1
    d.label = "d"
    e = c * d
    e.label = "e"
    e.backward()
    fig = figures.draw_graph(e, height=3.2)
    texts = [t.get_text() for t in fig.axes[0].texts]
    for node, value, grad in (("a", 2, 2), ("b", 1, 5), ("c (+)", 3, 2), ("d (+)", 2, 3), ("e (*)", 6, 1)):
        assert any(t == f"{node}\nvalue {value}\ngrad {grad}" for t in texts), node
    assert "1" in texts  # the constant, drawn small
    assert len(fig.axes[0].patches) == 6  # one arrow per edge
    plots.finish(fig)
    assert not plt.fignum_exists(fig.number)
