"""Content tests of the backpropagation and learning-representations pages (built book).

The numbers are read where the pages glued them (``conftest.glue_values``) or, for what a page only
prints, from its executed cells' output (``printed_lines``); they are compared with ``dlbook.autodiff``
run here, or checked for the property the page reports, and the page must show each glued number where
it pastes it. Nothing here depends on the sentences around the numbers.
"""

from __future__ import annotations

import math
import re

import pytest
from conftest import BuiltBook, article, figure_image, glue_values, text_of
from dlbook.autodiff import Value
from dlbook.recurrent import CHANCE_LOSS
from test_book_build import assert_shows, printed_lines

pytestmark = pytest.mark.slow

BACKPROP = "book/history/backpropagation"
REPRESENTATIONS = "book/history/representations"
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")


def numbers(line: str) -> list[float]:
    """The numbers in a printed line, in order (thousands separators allowed)."""
    return [float(n.replace(",", "")) for n in NUMBER.findall(line)]


def lecture_graph() -> dict[str, Value]:
    """The lecture's e = (a + b)(b + 1) at a = 2, b = 1, after one reverse sweep, by node name."""
    a, b = Value(2.0, label="a"), Value(1.0, label="b")
    c, d = a + b, b + 1
    e = c * d
    e.backward()
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_backpropagation_page_has_its_figures(built_book: BuiltBook) -> None:
    graph = figure_image(built_book, BACKPROP, "fig-bp-graph")
    sweeps = figure_image(built_book, BACKPROP, "fig-bp-sweeps")
    assert graph.read_bytes() != sweeps.read_bytes()


def test_backpropagation_page_numbers_come_from_the_engine(built_book: BuiltBook) -> None:
    v = glue_values(built_book, BACKPROP)
    nodes = lecture_graph()
    for name, node in nodes.items():
        assert (v[f"bp-{name}"], v[f"bp-grad-{name}"]) == pytest.approx((node.data, node.grad)), name
    # the engine's printout: one line per node with its value and gradient
    printed = printed_lines(built_book, BACKPROP)
    listing = [numbers(line.split(":", 1)[1]) for line in printed if re.match(r"[a-e]: ", line)]
    assert listing == [[n.data, n.grad] for n in nodes.values()]
    # the four implementations agree on e and (de/da, de/db)
    modes = [line for line in printed if "(de/da, de/db)" in line]
    assert len(modes) == 4
    for line in modes:
        assert numbers(line.split(":", 1)[1]) == [nodes["e"].data, nodes["a"].grad, nodes["b"].grad], line
    # n inputs: n forward sweeps against one evaluation and one backward sweep over the same graph
    n, forward, reverse = v["bp-n"], v["bp-forward-ops"], v["bp-reverse-ops"]
    assert forward * 2 == reverse * n
    assert v["bp-op-ratio"] == pytest.approx(n / 2)
    assert v["bp-torch-gap"] < 1e-12
    assert_shows(
        built_book, BACKPROP,
        *(f"{v[f'bp-grad-{name}']:g}" for name in "abcd"), f"{v['bp-c']:g}", f"{v['bp-d']:g}",
        str(n), f"{forward:,.0f}", f"{reverse:,.0f}", f"{v['bp-op-ratio']:.0f}", f"{v['bp-torch-gap']:.1e}",
    )  # fmt: skip
    text = text_of(article(built_book, BACKPROP))
    for key in ("Linnainmaa", "Werbos", "Griewank"):  # the cited sources of the history
        assert key in text


def test_representations_page_has_its_figures(built_book: BuiltBook) -> None:
    images = [
        figure_image(built_book, REPRESENTATIONS, name).read_bytes()
        for name in ("fig-rep-xor", "fig-rep-encoder", "fig-rep-bptt", "fig-rep-sensitivity")
    ]
    assert len(set(images)) == 4


def test_representations_page_numbers_come_from_training(built_book: BuiltBook) -> None:
    v = glue_values(built_book, REPRESENTATIONS)
    # XOR: the hidden layer solves it, a single layer cannot, and not every start finds the solution
    assert v["xor-accuracy"] == 100.0 and v["xor-loss"] < 0.05
    assert v["xor-single-correct"] < 4
    assert 0 < v["xor-solved"] <= v["xor-seeds"]
    printed = printed_lines(built_book, REPRESENTATIONS)
    targets = [line for line in printed if line.startswith("targets:")]
    predicted = [line for line in printed if line.startswith("predicted:")]
    assert len(targets) == len(predicted) == 1
    assert numbers(predicted[0])[:4] == numbers(targets[0]) == [0, 1, 1, 0]
    # the 8-3-8 encoder: every pattern comes back, through 8 distinct, clearly binary hidden codes
    assert v["enc-reproduced"] == v["enc-distinct"] == 8
    assert v["enc-margin"] > 0.25 and v["enc-loss"] < 0.01
    assert 0 < v["enc-binary"] <= v["enc-copied"] <= v["enc-seeds"]
    # recall through time: learned for a delay of 5, longer delays take longer, 15 is not learned
    assert v["rnn-acc5"] > 99.0
    assert v["rnn-steps2"] < v["rnn-steps5"] < v["rnn-steps10"]
    assert v["rnn-chance"] == pytest.approx(CHANCE_LOSS) and CHANCE_LOSS == pytest.approx(math.log(2))
    assert 0.1 < v["rnn-loss15"] < v["rnn-chance"] + 0.05
    assert v["rnn-peak"] == 5 and v["rnn-decay"] > 10
    assert_shows(
        built_book, REPRESENTATIONS,
        f"{v['xor-accuracy']:.0f}", f"{v['xor-loss']:.4f}", str(v["xor-single-correct"]),
        str(v["xor-seeds"]), str(v["xor-solved"]), str(v["enc-reproduced"]), f"{v['enc-loss']:.4f}",
        str(v["enc-distinct"]), f"{v['enc-margin']:.2f}", str(v["enc-binary"]), f"{v['rnn-acc5']:.1f}",
        str(v["rnn-steps2"]), str(v["rnn-steps5"]), str(v["rnn-steps10"]), f"{v['rnn-loss15']:.2f}",
        f"{v['rnn-chance']:.3f}", str(v["rnn-peak"]), f"{v['rnn-decay']:.0f}",
    )  # fmt: skip
    # the XOR section links to the McCulloch-Pitts page, and the winter section cites its sources
    page = article(built_book, REPRESENTATIONS)
    assert any(a.get("href", "").endswith("mcculloch-pitts.html") for a in page.find_all("a"))
    text = text_of(page)
    for name in ("Crevier", "Russell", "Hochreiter", "Bengio", "Elman"):
        assert name in text
