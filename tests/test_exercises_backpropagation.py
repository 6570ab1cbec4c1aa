"""The answer keys of the backpropagation page's exercises (dlbook.exercises.backpropagation).

Each key accepts the answer its solution on the page computes and rejects a plausible wrong one. The key
of the ``sin`` exercise tells the usual mistakes apart (no gradient, no chain rule, ``=`` instead of
``+=``), and the path count of the layered graph is :math:`k^L`.
"""

from __future__ import annotations

import math

import pytest
from conftest import assert_key_decides
from dlbook.autodiff import Value, count_operations
from dlbook.exercises import backpropagation as keys
from dlbook.exercises import check


def make_sin(backward: str):
    """A student's ``sin`` whose closure does ``backward``: right, or one of the usual mistakes."""

    def sin(v):
        out = Value(math.sin(v.data), _prev=(v,), _op="sin")

        def _backward():
            if backward == "right":
                v.grad += math.cos(v.data) * out.grad
            elif backward == "no chain rule":
                v.grad += math.cos(v.data)
            elif backward == "overwrites":
                v.grad = math.cos(v.data) * out.grad
            elif backward == "wrong derivative":
                v.grad += -math.cos(v.data) * out.grad

        out._backward = _backward
        return out

    return sin


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        ("backpropagation-1", (3.0, 8.0), (3.0, 5.0)),  # only the path through d
        ("backpropagation-2", (4.0, 10.0), (2.0, 5.0)),  # as if backward() overwrote the leaves
        ("backpropagation-3", make_sin("right"), make_sin("overwrites")),
        ("backpropagation-4", 3**10, 3 * 10),
    ],
)
def test_each_exercise_accepts_its_answer_and_rejects_a_wrong_one(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right, wrong, capsys)


def test_the_by_hand_answers_come_from_the_engine() -> None:
    a, b = keys.POINT
    assert keys.gradient_at(a, b) == (b + 1, a + 2 * b + 1)
    assert keys.gradient_after_sweeps(1) == (2.0, 5.0)  # the page's graph
    assert keys.gradient_after_sweeps(3) == (6.0, 15.0)


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ("missing", "record v as the operand"),
        ("no chain rule", "out.grad"),
        ("overwrites", "+="),
        ("wrong derivative", "gradient of sin(x)"),
    ],
)
def test_the_sin_key_names_the_mistake(mistake, message, capsys) -> None:
    assert check("backpropagation-3", make_sin(mistake)) is False
    assert message in capsys.readouterr().out


def test_the_sin_key_rejects_what_is_not_a_value_operation(capsys) -> None:
    assert check("backpropagation-3", lambda v: math.sin(v.data)) is False  # a float, not a node
    assert "must return a Value" in capsys.readouterr().out
    assert check("backpropagation-3", math.sin) is False  # raises inside the key: a message, no crash
    assert "raised TypeError" in capsys.readouterr().out
    assert check("backpropagation-3", lambda v: Value(math.cos(v.data))) is False
    assert check("backpropagation-3", 0.5) is False


def test_finite_differences_are_accurate_enough_for_the_key() -> None:
    for x in keys.SIN_POINTS:
        assert keys.finite_difference(math.sin, x) == pytest.approx(math.cos(x), abs=1e-9)


@pytest.mark.parametrize(("width", "depth"), [(1, 1), (2, 3), (3, 4), (4, 2)])
def test_paths_of_the_layered_graph(width, depth) -> None:
    x, y = keys.layered_graph(width, depth)
    assert keys.count_paths(x, y) == width**depth
    # every operation of the graph is visited once by the reverse sweep: a number linear in depth
    assert count_operations(y) < 4 * width * width * depth + 2 * width + 2


def test_layered_graph_rejects_empty_layers() -> None:
    with pytest.raises(ValueError, match="width and depth"):
        keys.layered_graph(0, 3)


def test_a_path_count_that_is_not_a_whole_number_is_refused(capsys) -> None:
    assert check("backpropagation-4", 59049.5) is False
    assert check("backpropagation-4", "59049") is False
    assert "whole number" in capsys.readouterr().out
