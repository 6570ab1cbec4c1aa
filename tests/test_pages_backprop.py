"""Content tests of the backpropagation and learning-representations pages (built book)."""

from __future__ import annotations

import re

import pytest
from conftest import BuiltBook, article, figure_image, text_of

pytestmark = pytest.mark.slow

BACKPROP = "book/history/backpropagation"
REPRESENTATIONS = "book/history/representations"


def test_backpropagation_page_has_its_figures(built_book: BuiltBook) -> None:
    graph = figure_image(built_book, BACKPROP, "fig-bp-graph")
    sweeps = figure_image(built_book, BACKPROP, "fig-bp-sweeps")
    assert graph.read_bytes() != sweeps.read_bytes()


def test_backpropagation_page_numbers_come_from_the_engine(built_book: BuiltBook) -> None:
    text = text_of(article(built_book, BACKPROP))
    # the engine's printout and the glued derivatives of e = (a + b)(b + 1) at a = 2, b = 1
    for line in (
        "a: value 2, de/da = 2",
        "b: value 1, de/db = 5",
        "c: value 3, de/dc = 2",
        "d: value 2, de/dd = 3",
    ):
        assert line in text
    assert re.search(r"that is 5\s?, as the engine found", text)
    # n = 256 inputs: n forward sweeps against 2 reverse sweeps over the same graph
    assert "256 the forward mode performs 196,608 operations" in text
    assert "a factor of 128" in text
    assert "torch forward_ad: e = 6, (de/da, de/db) = (2, 5)" in text
    for key in ("Linnainmaa", "Werbos", "Griewank"):
        assert key in text


def test_representations_page_has_its_figures(built_book: BuiltBook) -> None:
    images = [
        figure_image(built_book, REPRESENTATIONS, name).read_bytes()
        for name in ("fig-rep-xor", "fig-rep-encoder", "fig-rep-bptt", "fig-rep-sensitivity")
    ]
    assert len(set(images)) == 4


def test_representations_page_numbers_come_from_training(built_book: BuiltBook) -> None:
    page = article(built_book, REPRESENTATIONS)
    text = text_of(page)
    assert "classifies 100 % of the four patterns" in text
    assert "predicted: [0, 1, 1, 0]" in text
    assert "All 8 patterns come back at the output" in text
    assert "8 different on/off patterns" in text
    match = re.search(r"recalls (\d+\.\d) % of the bits", text)
    assert match and float(match.group(1)) > 99.0
    assert "the dependence peaks at lag 5" in text
    match = re.search(r"Of (\d+) random initial weights, (\d+) led to a network that solves XOR", text)
    assert match and 0 < int(match.group(2)) <= int(match.group(1))
    # the XOR section links to the McCulloch-Pitts page, and the winter section cites its sources
    assert any(a.get("href", "").endswith("mcculloch-pitts.html") for a in page.find_all("a"))
    for name in ("Crevier", "Russell", "Hochreiter", "Bengio", "Elman"):
        assert name in text
