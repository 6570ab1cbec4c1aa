r"""Answer keys of the exercises on the page "Backpropagation (1970)".

Every expected value is computed here by the reverse-mode engine :class:`dlbook.autodiff.Value` at the
moment the answer is checked. A ``sin`` operation the student adds to the engine is checked against central
finite differences of :func:`math.sin`,

.. math::

   f'(x) \approx \frac{f(x + h) - f(x - h)}{2h},

whose error is of order :math:`h^2`, inside the graphs that reveal the usual mistakes: a gradient that
is set (``=``) instead of added (``+=``), and a local derivative not multiplied by the gradient arriving
from the output (the chain rule).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from dlbook.autodiff import Value
from dlbook.exercises import Verdict, _as_number, answer_key

#: backpropagation-1: the point at which the lecture's graph is differentiated by hand.
POINT = (3.0, 2.0)

#: backpropagation-4: width k and depth L of the layered graph.
WIDTH, DEPTH = 3, 10


def lecture_graph(a: float, b: float) -> tuple[Value, Value, Value]:
    """The lecture's :math:`e = (a + b)(b + 1)` as ``(a, b, e)``, before any backward sweep."""
    a_node, b_node = Value(a, label="a"), Value(b, label="b")
    return a_node, b_node, (a_node + b_node) * (b_node + 1)


def gradient_at(a: float, b: float) -> tuple[float, float]:
    r""":math:`(\partial e/\partial a, \partial e/\partial b)` by one reverse sweep of the engine."""
    a_node, b_node, e = lecture_graph(a, b)
    e.backward()
    return a_node.grad, b_node.grad


def gradient_after_sweeps(n_sweeps: int, a: float = 2.0, b: float = 1.0) -> tuple[float, float]:
    """``(a.grad, b.grad)`` after calling ``e.backward()`` ``n_sweeps`` times on one lecture graph."""
    a_node, b_node, e = lecture_graph(a, b)
    for _ in range(n_sweeps):
        e.backward()
    return a_node.grad, b_node.grad


def _expect_pair(answer: Any, expected: tuple[float, float], hint: str) -> Verdict:
    """The verdict on a pair of numbers ``(x, y)``, each within 1e-6 of the expected one."""
    try:
        given = [_as_number(a) for a in answer]
    except TypeError:
        given = []
    if len(given) != 2 or None in given:
        return Verdict(False, "Answer with a pair of numbers, e.g. (1.0, 2.0).")
    names = ("first", "second")
    wrong = [name for name, g, e in zip(names, given, expected, strict=True) if abs(g - e) > 1e-6]
    if wrong:
        return Verdict(False, f"Not yet: the {' and '.join(wrong)} number is not right. Hint: {hint}")
    return Verdict(True, "Correct.")


@answer_key("backpropagation-1")
def _by_hand(answer: Any) -> Verdict:
    return _expect_pair(
        answer,
        gradient_at(*POINT),
        "write down c and d at the new point first; de/db is the sum of the two paths from b.",
    )


@answer_key("backpropagation-2")
def _twice(answer: Any) -> Verdict:
    return _expect_pair(
        answer,
        gradient_after_sweeps(2),
        "backward() adds into the grad of a leaf (a node built by hand); it does not overwrite it.",
    )


#: backpropagation-3: the points at which the student's sin is checked.
SIN_POINTS = (-2.0, 0.3, 1.2)


def finite_difference(f: Callable[[float], float], x: float, h: float = 1e-5) -> float:
    """Central difference :math:`(f(x + h) - f(x - h)) / 2h`, accurate to about :math:`h^2 |f'''|`."""
    return (f(x + h) - f(x - h)) / (2 * h)


#: backpropagation-3: graphs built from the student's sin, the same function with math.sin, and the
#: mistake each one reveals when only it fails.
SIN_GRAPHS: tuple[tuple[str, Callable[[Any, Any], Any], Callable[[float], float], str], ...] = (
    (
        "sin(x)",
        lambda sin, x: sin(x),
        math.sin,
        "add the local derivative of sin at v.data to v.grad; and record v as the operand (_prev=(v,)) so "
        "that the reverse sweep reaches it.",
    ),
    (
        "3 * sin(x)",
        lambda sin, x: 3 * sin(x),
        lambda x: 3 * math.sin(x),
        "multiply the local derivative by out.grad, the gradient arriving from the output (the chain rule).",
    ),
    (
        "sin(x) + sin(x) * x",
        lambda sin, x: sin(x) + sin(x) * x,
        lambda x: math.sin(x) + math.sin(x) * x,
        "x feeds several operations here: add to v.grad with +=, so that the paths are summed.",
    ),
)


@answer_key("backpropagation-3")
def _sin(answer: Any) -> Verdict:
    if not callable(answer):
        return Verdict(False, "Answer with your function itself, e.g. check('backpropagation-3', sin).")
    for x in SIN_POINTS:
        out = answer(Value(x))
        if not isinstance(out, Value):
            return Verdict(False, f"sin(Value({x:g})) returned {type(out).__name__}; it must return a Value.")
        if not math.isclose(out.data, math.sin(x), rel_tol=1e-12, abs_tol=1e-12):
            return Verdict(False, f"sin(Value({x:g})).data is not the sine of {x:g}.")
    for name, build, reference, hint in SIN_GRAPHS:
        for x in SIN_POINTS:
            node = Value(x, label="x")
            build(answer, node).backward()
            expected = finite_difference(reference, x)
            if not math.isclose(node.grad, expected, rel_tol=1e-6, abs_tol=1e-8):
                return Verdict(False, f"Not yet: the gradient of {name} at x = {x:g} is wrong. Hint: {hint}")
    return Verdict(True, "Correct.")


def layered_graph(width: int = WIDTH, depth: int = DEPTH, weight: float = 0.5) -> tuple[Value, Value]:
    r"""``(x, y)`` for the layered graph of backpropagation-4.

    :math:`h^{(0)} = x`; layer :math:`j = 1, \dots, L` has ``width`` units
    :math:`h^{(j)}_i = \tanh\bigl(\sum_{i'} w\, h^{(j-1)}_{i'}\bigr)`, each fed by every unit of the layer
    before (layer 1 by :math:`x` alone); :math:`y = \sum_i h^{(L)}_i`. The weights are constants.

    Raises:
        ValueError: if ``width`` or ``depth`` is not >= 1.
    """
    if width < 1 or depth < 1:
        raise ValueError(f"width and depth must be >= 1; got width={width}, depth={depth}")
    x = Value(1.0, label="x")
    layer = [x]
    for _ in range(depth):
        layer = [sum((h * weight for h in layer), Value(0.0)).tanh() for _ in range(width)]
    return x, sum(layer, Value(0.0))


def count_paths(source: Value, output: Value) -> int:
    """Number of paths from ``source`` to ``output`` in the engine's graph (:meth:`Value.graph`).

    Counted forwards in topological order: the number of paths to a node is the sum over its operands.
    """
    nodes, edges = output.graph()
    start = next(i for i, node in enumerate(nodes) if node.label == source.label)
    paths = [0] * len(nodes)
    paths[start] = 1
    for i, j in sorted(edges, key=lambda edge: edge[1]):  # operands come before results in `nodes`
        paths[j] += paths[i]
    return paths[-1]


@answer_key("backpropagation-4")
def _paths(answer: Any) -> Verdict:
    x, y = layered_graph()
    expected = count_paths(x, y)
    given = _as_number(answer)
    if given is None or not float(given).is_integer():
        return Verdict(False, "Answer with a whole number of paths.")
    if int(given) == expected:
        return Verdict(True, "Correct.")
    direction = "too large" if given > expected else "too small"
    hint = "a path picks one unit in every layer; how many choices are there per layer?"
    return Verdict(False, f"Not yet: your count is {direction}. Hint: {hint}")
