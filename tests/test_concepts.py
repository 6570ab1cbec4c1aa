"""Unit tests of dlbook.concepts: the geometry of the map of machine learning and its drawing."""

from __future__ import annotations

import numpy as np
import pytest
from dlbook import concepts, plots

FIELDS = ["Reinforcement learning", "Unsupervised learning", "Meta learning", "Supervised learning"]


def test_the_map_names_every_field_of_the_lecture():
    names = [r.name for r in concepts.regions()]
    assert names[0] == "Machine learning" and names[-1] == "Deep learning"
    assert set(FIELDS) <= set(names)
    assert any("shallow learning" in note for note in concepts.region("Machine learning").notes)


def test_every_region_lies_inside_machine_learning():
    ml = concepts.region("Machine learning")
    for r in concepts.regions():
        assert concepts.overlap(r, ml) == pytest.approx(concepts.overlap(r, r), rel=1e-9), r.name


@pytest.mark.parametrize("name", FIELDS)
def test_each_field_straddles_deep_learning(name):
    deep, field = concepts.region("Deep learning"), concepts.region(name)
    shared = concepts.overlap(field, deep)
    assert 0 < shared < concepts.overlap(field, field)  # a deep part and a shallow part
    assert not concepts.contains(deep, *field.label_at)  # its name is written in its shallow part


def test_labels_sit_inside_their_own_region():
    for r in concepts.regions():
        assert concepts.contains(r, *r.label_at), r.name


def test_contains_broadcasts_and_overlap_of_a_disc_is_its_area():
    deep = concepts.region("Deep learning")
    x0, y0 = deep.center
    inside = concepts.contains(deep, np.array([x0, x0 + 10.0]), y0)
    assert inside.tolist() == [True, False]
    w, h = deep.size
    assert concepts.overlap(deep, deep, n=800) == pytest.approx(np.pi * w * h / 4, rel=0.01)


def test_bad_arguments():
    with pytest.raises(ValueError, match="name must be one of"):
        concepts.region("Quantum learning")
    with pytest.raises(ValueError, match="n must be >= 10"):
        concepts.overlap(concepts.region("Deep learning"), concepts.region("Meta learning"), n=3)
    odd = concepts.Region("Odd", (), "triangle", (1, 1), (1, 1), "blue", (1, 1))
    with pytest.raises(ValueError, match="shape must be"):
        concepts.contains(odd, 0.0, 0.0)


def test_draw_map_writes_every_name_and_keyword():
    fig, ax = plots.figure(height=4.4)
    concepts.draw_map(ax)
    texts = "\n".join(t.get_text() for t in ax.texts)
    for r in concepts.regions():
        assert r.name in texts
        for note in r.notes:
            assert note in texts
    assert len(ax.patches) >= len(concepts.regions())
    assert ax.get_aspect() == 1.0
    plots.finish(fig)
