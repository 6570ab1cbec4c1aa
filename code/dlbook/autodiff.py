r"""Backpropagation as reverse-mode automatic differentiation, small enough to read in one sitting.

A program that computes a number from inputs is a chain of elementary operations,
and every elementary operation knows its own local derivative. The chain rule
joins them. For a node :math:`v` whose value feeds the nodes :math:`u` (its
*parents* in the graph, the operations that use it), the gradient of the output
:math:`L` is

.. math::

   \bar v \equiv \frac{\partial L}{\partial v}
   = \sum_{u \,:\, v \to u} \frac{\partial L}{\partial u}\,\frac{\partial u}{\partial v},

which is the reverse mode of automatic differentiation
:cite:p:`linnainmaa1976taylor,griewank2008evaluating,baydin2018automatic`: one
sweep from the output back to the inputs gives :math:`\partial L/\partial x_i`
for every input at once. The forward mode carries a derivative alongside each
value instead, :math:`\dot u = \sum_v (\partial u/\partial v)\,\dot v`, and needs
one sweep per input.

The module has four ideas, one class each:

* :class:`Value` -- a scalar node of a computational graph (reverse mode), in
  the spirit of micrograd;
* :class:`Dual` -- a dual number :math:`a + b\varepsilon` with
  :math:`\varepsilon^2 = 0` (forward mode);
* :class:`Tensor` -- the same design as :class:`Value` over numpy arrays, enough
  to train a multilayer perceptron;
* :class:`MLP` and :class:`SGD` -- a network and its optimiser built on
  :class:`Tensor`.

:func:`paths_to_output` writes a derivative the other way, as the sum over the
graph's paths of the products of the local derivatives along them
(:func:`edge_derivatives`): what one reverse sweep adds up without listing the
paths.

Every operation builds its result node and a short ``_backward`` closure that
adds the node's gradient, times the local derivative, into its operands'
gradients. :meth:`Value.backward` and :meth:`Tensor.backward` order the graph
with an iterative topological sort (no recursion, so a chain of thousands of
operations is fine) and run the closures from the output back to the inputs.

Used on the pages :doc:`/book/history/backpropagation` and :doc:`/book/history/representations`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


def _topological_order(root: Any) -> list[Any]:
    """Nodes reachable from ``root`` (through ``_prev``), every node after its operands.

    Iterative depth-first search: a node is written out once all the nodes it
    was computed from have been written out. An explicit stack replaces
    recursion, so the depth of the graph is not limited by Python's recursion
    limit.
    """
    order: list[Any] = []
    visited: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, operands_done = stack.pop()
        if operands_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in node._prev if id(child) not in visited)
    return order


def _check_number(op: str, other: object) -> None:
    if isinstance(other, bool) or not isinstance(other, int | float):
        raise TypeError(
            f"{op}: the other operand must be a number or the same type; got {type(other).__name__}"
        )


# ---------------------------------------------------------------------------------------------------------
# Reverse mode on scalars
# ---------------------------------------------------------------------------------------------------------


class Value:
    r"""A scalar node of a computational graph, differentiated in reverse mode.

    ``data`` is the node's value, ``grad`` the derivative
    :math:`\partial L/\partial v` of the output :math:`L` on which
    :meth:`backward` was last called. Leaves (nodes built by hand, with no
    operands) accumulate ``grad`` across calls of :meth:`backward`, as PyTorch
    does, until :meth:`zero_grad` or ``v.grad = 0``; interior nodes hold the
    gradient of the latest call.

    Example, the lecture's graph :math:`e = (a + b)(b + 1)`::

        a, b = Value(2.0, "a"), Value(1.0, "b")
        e = (a + b) * (b + 1)
        e.backward()        # a.grad == 2.0, b.grad == 5.0
    """

    __slots__ = ("_backward", "_op", "_prev", "data", "grad", "label")

    def __init__(self, data: float, label: str = "", _prev: tuple[Value, ...] = (), _op: str = "") -> None:
        _check_number("Value", data)
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._prev = _prev
        self._op = _op
        self._backward: Callable[[], None] = lambda: None

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"

    @staticmethod
    def _lift(op: str, other: Value | float) -> Value:
        """``other`` as a node; a plain number becomes a constant leaf labelled by its value."""
        if isinstance(other, Value):
            return other
        _check_number(f"Value {op}", other)
        return Value(other, label=f"{other:g}")

    # --- the elementary operations; each returns its result with a _backward closure -------------------

    def __add__(self, other: Value | float) -> Value:
        r""":math:`u = v + w`, so :math:`\bar v \mathrel{+}= \bar u`, :math:`\bar w \mathrel{+}= \bar u`."""
        other = self._lift("+", other)
        out = Value(self.data + other.data, _prev=(self, other), _op="+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        r""":math:`u = v w`, so :math:`\bar v \mathrel{+}= w\bar u`, :math:`\bar w \mathrel{+}= v\bar u`."""
        other = self._lift("*", other)
        out = Value(self.data * other.data, _prev=(self, other), _op="*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent: float) -> Value:
        r""":math:`u = v^k` for a constant :math:`k`, so :math:`\bar v \mathrel{+}= k v^{k-1}\,\bar u`.

        Raises:
            TypeError: if the exponent is a :class:`Value` (use ``exp`` and ``log``).
            ValueError: if :math:`v \le 0` with a non-integer :math:`k`, or :math:`v = 0` with :math:`k < 0`.
        """
        if isinstance(exponent, Value):
            raise TypeError(
                "Value ** Value: the exponent must be a constant number; write (w * v.log()).exp()"
            )
        _check_number("Value **", exponent)
        k = float(exponent)
        if (self.data < 0 and not k.is_integer()) or (self.data == 0 and k < 0):
            raise ValueError(f"Value ** {k:g}: undefined for base {self.data:g}")
        out = Value(self.data**k, _prev=(self,), _op=f"**{k:g}")

        def _backward() -> None:
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def __rpow__(self, base: float) -> Value:
        r""":math:`u = c^v` for a constant :math:`c > 0`, written as :math:`e^{v \ln c}`."""
        _check_number("number ** Value", base)
        if base <= 0:
            raise ValueError(f"number ** Value: the base must be > 0; got {base}")
        return (self * math.log(base)).exp()

    def exp(self) -> Value:
        r""":math:`u = e^v`, so :math:`\bar v \mathrel{+}= e^v\,\bar u`."""
        out = Value(math.exp(self.data), _prev=(self,), _op="exp")

        def _backward() -> None:
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        r""":math:`u = \ln v` for :math:`v > 0`, so :math:`\bar v \mathrel{+}= \bar u / v`."""
        if self.data <= 0:
            raise ValueError(f"Value.log: the argument must be > 0; got {self.data:g}")
        out = Value(math.log(self.data), _prev=(self,), _op="log")

        def _backward() -> None:
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        r""":math:`u = \tanh v`, so :math:`\bar v \mathrel{+}= (1 - u^2)\,\bar u`."""
        out = Value(math.tanh(self.data), _prev=(self,), _op="tanh")

        def _backward() -> None:
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        r""":math:`u = \sigma(v) = 1/(1 + e^{-v})`, so :math:`\bar v \mathrel{+}= u(1 - u)\,\bar u`."""
        s = 0.5 * (1.0 + math.tanh(0.5 * self.data))  # the same function, without overflow in exp(-v)
        out = Value(s, _prev=(self,), _op="sigmoid")

        def _backward() -> None:
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        r""":math:`u = \max(0, v)`, so :math:`\bar v \mathrel{+}= [v > 0]\,\bar u`."""
        out = Value(max(0.0, self.data), _prev=(self,), _op="relu")

        def _backward() -> None:
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    # --- operations composed from the ones above ---------------------------------------------------------

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-self._lift("-", other))

    def __truediv__(self, other: Value | float) -> Value:
        other = self._lift("/", other)
        if other.data == 0:
            raise ZeroDivisionError("Value / Value: the divisor is 0")
        return self * other**-1

    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __rsub__(self, other: float) -> Value:
        return self._lift("-", other) + (-self)

    def __rtruediv__(self, other: float) -> Value:
        return self._lift("/", other) / self

    # --- the reverse sweep ---------------------------------------------------------------------------------

    def backward(self) -> None:
        r"""Set :math:`\bar v = \partial L/\partial v` for every node :math:`v` behind this output :math:`L`.

        One forward-ordered list of the graph, then one reverse sweep: the
        output's gradient is seeded with :math:`\partial L/\partial L = 1` and
        each node's closure pushes its gradient to its operands.
        """
        order = _topological_order(self)
        for node in order:
            if node._prev:
                node.grad = 0.0  # interior nodes start afresh; leaves accumulate
        self.grad += 1.0
        for node in reversed(order):
            node._backward()

    def zero_grad(self) -> None:
        """Set ``grad`` to 0 on every node behind this one."""
        for node in _topological_order(self):
            node.grad = 0.0

    def graph(self) -> tuple[list[GraphNode], list[tuple[int, int]]]:
        """The graph behind this node, as a listing (drawn by :func:`dlbook.figures.draw_graph`).

        Returns:
            ``(nodes, edges)``: the nodes in topological order (operands before
            results) and edges ``(i, j)`` meaning node ``i`` is an operand of node
            ``j``, as indices into ``nodes``.
        """
        order = _topological_order(self)
        index = {id(node): i for i, node in enumerate(order)}
        nodes = [GraphNode(n.label, n._op, n.data, n.grad) for n in order]
        edges = [(index[id(child)], index[id(node)]) for node in order for child in node._prev]
        return nodes, edges


@dataclass(frozen=True)
class GraphNode:
    """One node of a listed graph: label, the operation that made it ('' for a leaf), value, gradient."""

    label: str
    op: str
    data: float
    grad: float


def count_operations(output: Value) -> int:
    """Number of elementary operations (interior nodes) in the graph behind ``output``."""
    return sum(1 for node in _topological_order(output) if node._prev)


# ---------------------------------------------------------------------------------------------------------
# The chain rule as a sum over paths (what one reverse sweep adds up without listing the paths)
# ---------------------------------------------------------------------------------------------------------


def _apply(op: str, operands: list[Value]) -> Value:
    """Redo the operation ``op`` of a listed graph (:class:`GraphNode`) on ``operands``."""
    if op == "+":
        return operands[0] + operands[1]
    if op == "*":
        return operands[0] * operands[1]
    if op.startswith("**"):
        return operands[0] ** float(op[2:])
    if op in ("exp", "log", "tanh", "sigmoid", "relu"):
        return getattr(operands[0], op)()
    raise ValueError(f"op must be +, *, **k, exp, log, tanh, sigmoid or relu; got {op!r}")


def edge_derivatives(output: Value) -> tuple[list[GraphNode], list[tuple[int, int]], list[float]]:
    r"""The graph behind ``output`` with the local derivative of each edge.

    For an edge :math:`v \to u` (``v`` an operand of ``u``) the local derivative is
    :math:`\partial u/\partial v`, evaluated at the values the graph holds. It is computed by the engine
    itself: the operation of ``u`` is redone on fresh leaves holding its operands' values, and one
    reverse sweep (:meth:`Value.backward`) from that result gives each leaf's gradient.
    ``output``'s own gradients are left as they are. An exponent ``**k`` is redone with ``k`` as the
    graph lists it (six significant digits).

    Args:
        output: the node whose graph is listed (:meth:`Value.graph`).

    Returns:
        ``(nodes, edges, derivatives)``: the listing of :meth:`Value.graph` and, for each
        edge ``(i, j)``, :math:`\partial(\text{node } j)/\partial(\text{node } i)`.
    """
    nodes, edges = output.graph()
    slots: dict[int, list[int]] = {}
    for k, (_, j) in enumerate(edges):
        slots.setdefault(j, []).append(k)
    derivatives = [0.0] * len(edges)
    for j, ks in slots.items():
        leaves = [Value(nodes[edges[k][0]].data) for k in ks]
        _apply(nodes[j].op, leaves).backward()
        for k, leaf in zip(ks, leaves, strict=True):
            derivatives[k] = leaf.grad
    return nodes, edges, derivatives


@dataclass(frozen=True)
class GraphPath:
    """One path through a graph from an input to the output.

    Attributes:
        nodes: the labels of the nodes along the path (an unlabelled node by its operation), the input
            first and the output last.
        edges: the edges along the path, as indices into the edges of :meth:`Value.graph`.
        factors: the local derivative of each of those edges (:func:`edge_derivatives`).
    """

    nodes: tuple[str, ...]
    edges: tuple[int, ...]
    factors: tuple[float, ...]

    @property
    def product(self) -> float:
        """The product of the path's local derivatives, which is what the path adds to the gradient."""
        return math.prod(self.factors)


def paths_to_output(output: Value, source: str) -> list[GraphPath]:
    r"""Every path from the node labelled ``source`` to ``output``, with its local derivatives.

    The chain rule says that the derivative of the output :math:`L` with respect to an input :math:`x`
    is a sum over the paths :math:`p` from :math:`x` to :math:`L` of the product of the local derivatives
    along each path,

    .. math::

       \frac{\partial L}{\partial x} = \sum_{p} \prod_{(v \to u) \in p} \frac{\partial u}{\partial v},

    which is what one reverse sweep adds up, node by node, without listing the paths.

    Args:
        output: the graph's output.
        source: the label of exactly one node of the graph, e.g. ``"b"``.

    Returns:
        The paths, sorted by the labels along them.

    Raises:
        ValueError: if no node, or more than one, is labelled ``source``.
    """
    nodes, edges, derivatives = edge_derivatives(output)
    matches = [i for i, node in enumerate(nodes) if node.label == source]
    if len(matches) != 1:
        labels = sorted({node.label for node in nodes if node.label})
        raise ValueError(f"source must be the label of exactly one node, one of {labels}; got {source!r}")
    target = len(nodes) - 1  # the output comes last in the topological order
    outgoing: dict[int, list[int]] = {}
    for k, (i, _) in enumerate(edges):
        outgoing.setdefault(i, []).append(k)
    found: list[GraphPath] = []
    stack: list[tuple[int, tuple[int, ...]]] = [(matches[0], ())]  # a node and the edges that led to it
    while stack:
        node, taken = stack.pop()
        if node == target:
            names = [nodes[matches[0]]] + [nodes[edges[k][1]] for k in taken]
            factors = tuple(derivatives[k] for k in taken)
            found.append(GraphPath(tuple(n.label or n.op for n in names), taken, factors))
            continue
        for k in outgoing.get(node, []):
            stack.append((edges[k][1], (*taken, k)))
    return sorted(found, key=lambda path: (path.nodes, path.edges))


# ---------------------------------------------------------------------------------------------------------
# Forward mode on scalars
# ---------------------------------------------------------------------------------------------------------


class Dual:
    r"""A dual number :math:`a + b\varepsilon` with :math:`\varepsilon^2 = 0`: forward-mode differentiation.

    Evaluating :math:`f` on :math:`x + 1\varepsilon` gives
    :math:`f(x) + f'(x)\varepsilon`, because every operation applies the chain
    rule to the tangent, :math:`\dot u = f'(v)\,\dot v`. ``value`` is :math:`a`,
    ``tangent`` is :math:`b`. A function of :math:`n` inputs needs :math:`n`
    evaluations (sweeps) for its full gradient, seeding one input's tangent
    with 1 each time.
    """

    __slots__ = ("tangent", "value")

    def __init__(self, value: float, tangent: float = 0.0) -> None:
        _check_number("Dual", value)
        _check_number("Dual", tangent)
        self.value = float(value)
        self.tangent = float(tangent)

    def __repr__(self) -> str:
        return f"Dual({self.value:.6g}, tangent={self.tangent:.6g})"

    @staticmethod
    def _lift(op: str, other: Dual | float) -> Dual:
        if isinstance(other, Dual):
            return other
        _check_number(f"Dual {op}", other)
        return Dual(other)

    def __add__(self, other: Dual | float) -> Dual:
        r""":math:`(a + b\varepsilon) + (c + d\varepsilon) = (a + c) + (b + d)\varepsilon`."""
        other = self._lift("+", other)
        return Dual(self.value + other.value, self.tangent + other.tangent)

    def __mul__(self, other: Dual | float) -> Dual:
        r""":math:`(a + b\varepsilon)(c + d\varepsilon) = ac + (ad + bc)\varepsilon`."""
        other = self._lift("*", other)
        return Dual(self.value * other.value, self.value * other.tangent + self.tangent * other.value)

    def __pow__(self, exponent: float) -> Dual:
        r""":math:`(a + b\varepsilon)^k = a^k + k a^{k-1} b\,\varepsilon` for a constant :math:`k`."""
        if isinstance(exponent, Dual):
            raise TypeError("Dual ** Dual: the exponent must be a constant number; write (w * v.log()).exp()")
        _check_number("Dual **", exponent)
        k = float(exponent)
        if (self.value < 0 and not k.is_integer()) or (self.value == 0 and k < 0):
            raise ValueError(f"Dual ** {k:g}: undefined for base {self.value:g}")
        return Dual(self.value**k, k * self.value ** (k - 1) * self.tangent)

    def __rpow__(self, base: float) -> Dual:
        _check_number("number ** Dual", base)
        if base <= 0:
            raise ValueError(f"number ** Dual: the base must be > 0; got {base}")
        return (self * math.log(base)).exp()

    def exp(self) -> Dual:
        e = math.exp(self.value)
        return Dual(e, e * self.tangent)

    def log(self) -> Dual:
        if self.value <= 0:
            raise ValueError(f"Dual.log: the argument must be > 0; got {self.value:g}")
        return Dual(math.log(self.value), self.tangent / self.value)

    def tanh(self) -> Dual:
        t = math.tanh(self.value)
        return Dual(t, (1.0 - t * t) * self.tangent)

    def sigmoid(self) -> Dual:
        s = 0.5 * (1.0 + math.tanh(0.5 * self.value))
        return Dual(s, s * (1.0 - s) * self.tangent)

    def relu(self) -> Dual:
        return Dual(max(0.0, self.value), (self.value > 0) * self.tangent)

    def __neg__(self) -> Dual:
        return self * -1.0

    def __sub__(self, other: Dual | float) -> Dual:
        return self + (-self._lift("-", other))

    def __truediv__(self, other: Dual | float) -> Dual:
        other = self._lift("/", other)
        if other.value == 0:
            raise ZeroDivisionError("Dual / Dual: the divisor is 0")
        return self * other**-1

    def __radd__(self, other: float) -> Dual:
        return self + other

    def __rmul__(self, other: float) -> Dual:
        return self * other

    def __rsub__(self, other: float) -> Dual:
        return self._lift("-", other) + (-self)

    def __rtruediv__(self, other: float) -> Dual:
        return self._lift("/", other) / self


def gradient_forward(f: Callable[[list[Dual]], Dual], x: Sequence[float]) -> tuple[float, list[float]]:
    r"""Value and gradient of :math:`f:\mathbb{R}^n \to \mathbb{R}` by forward mode: :math:`n` sweeps.

    Sweep :math:`i` evaluates :math:`f` with tangent 1 on input :math:`i` and 0
    elsewhere, which yields :math:`\partial f/\partial x_i`.
    """
    grad = []
    value = math.nan
    for i in range(len(x)):
        out = f([Dual(xj, 1.0 if j == i else 0.0) for j, xj in enumerate(x)])
        value = out.value
        grad.append(out.tangent)
    return value, grad


def gradient_reverse(f: Callable[[list[Value]], Value], x: Sequence[float]) -> tuple[float, list[float]]:
    r"""Value and gradient of :math:`f:\mathbb{R}^n \to \mathbb{R}` by reverse mode: one forward and one
    backward sweep, whatever :math:`n`."""
    inputs = [Value(xi, label=f"x{i}") for i, xi in enumerate(x)]
    out = f(inputs)
    out.backward()
    return out.data, [v.grad for v in inputs]


# ---------------------------------------------------------------------------------------------------------
# Reverse mode on arrays
# ---------------------------------------------------------------------------------------------------------


def _unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    r"""Sum ``grad`` over the axes that broadcasting added or stretched, back to ``shape``.

    If :math:`u = v + w` broadcasts :math:`v` of shape ``shape``, each element of
    :math:`v` fed several elements of :math:`u`, and the chain rule adds their
    gradients: :math:`\bar v_j = \sum_{i \text{ broadcast from } j} \bar u_i`.
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    return np.add.reduce(grad, axis=axes, keepdims=True).reshape(shape)


class Tensor:
    r"""An array node of a computational graph, differentiated in reverse mode.

    The same design as :class:`Value` over a numpy array ``data``. Only tensors
    with ``requires_grad=True`` (parameters), and results computed from them,
    get a ``grad`` (an array of ``data``'s shape and dtype, ``None`` until
    :meth:`backward` reaches them); no work is spent on gradients of data.
    Leaves accumulate ``grad`` across calls of :meth:`backward` until
    :meth:`zero_grad`.

    The dtype of ``data`` is kept: float32 in, float32 values and gradients out.
    Integer or boolean input is converted to float32 (``Tensor([1, 2])``).
    """

    __slots__ = ("_backward", "_op", "_prev", "data", "grad", "requires_grad")

    def __init__(self, data: Any, requires_grad: bool = False, _prev: tuple[Tensor, ...] = (), _op: str = ""):
        array = np.asarray(data)
        if not np.issubdtype(array.dtype, np.floating):
            if not (np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_):
                raise TypeError(f"Tensor: data must be numeric; got dtype {array.dtype}")
            array = array.astype(np.float32)
        self.data: np.ndarray = array
        self.grad: np.ndarray | None = None
        self.requires_grad = requires_grad
        self._prev = _prev
        self._op = _op
        self._backward: Callable[[], None] = lambda: None

    def __repr__(self) -> str:
        return f"Tensor(shape={self.shape}, dtype={self.dtype}, op={self._op or 'leaf'!r})"

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    def _accumulate(self, grad: np.ndarray, owned: bool = False) -> None:
        """``self.grad += grad``, in place; ``owned`` says ``grad`` is a fresh array nobody else holds.

        A fresh array becomes ``self.grad`` as it is; a shared one is copied first,
        so that later in-place additions cannot change another node's gradient.
        """
        if self.grad is None:
            self.grad = grad if owned else grad.copy()
        else:
            self.grad += grad

    def _lift(self, op: str, other: Tensor | float | np.ndarray) -> Tensor:
        if isinstance(other, Tensor):
            return other
        if isinstance(other, np.ndarray):
            return Tensor(other.astype(self.dtype, copy=False))
        _check_number(f"Tensor {op}", other)
        return Tensor(np.asarray(other, dtype=self.dtype))

    def _result(self, data: np.ndarray, prev: tuple[Tensor, ...], op: str) -> Tensor:
        return Tensor(data, requires_grad=any(p.requires_grad for p in prev), _prev=prev, _op=op)

    def _broadcast_shape(self, op: str, other: Tensor) -> None:
        try:
            np.broadcast_shapes(self.shape, other.shape)
        except ValueError:
            raise ValueError(
                f"Tensor {op}: shapes {self.shape} and {other.shape} do not broadcast "
                "(trailing sizes must match or be 1)"
            ) from None

    # --- elementwise operations with broadcasting ----------------------------------------------------------

    def __add__(self, other: Tensor | float | np.ndarray) -> Tensor:
        r""":math:`u = v + w`; :math:`\bar v \mathrel{+}= \bar u` and :math:`\bar w \mathrel{+}= \bar u`,
        each summed back to its operand's shape."""
        other = self._lift("+", other)
        self._broadcast_shape("+", other)
        out = self._result(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            if self.requires_grad:
                g = _unbroadcast(out.grad, self.shape)
                self._accumulate(g, owned=g is not out.grad)
            if other.requires_grad:
                g = _unbroadcast(out.grad, other.shape)
                other._accumulate(g, owned=g is not out.grad)

        out._backward = _backward
        return out

    def __mul__(self, other: Tensor | float | np.ndarray) -> Tensor:
        r""":math:`u = v \odot w`; :math:`\bar v \mathrel{+}= w \odot \bar u`,
        :math:`\bar w \mathrel{+}= v \odot \bar u`, each summed back to its operand's shape."""
        other = self._lift("*", other)
        self._broadcast_shape("*", other)
        out = self._result(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            if self.requires_grad:
                g = _unbroadcast(other.data * out.grad, self.shape)
                self._accumulate(g, owned=True)
            if other.requires_grad:
                g = _unbroadcast(self.data * out.grad, other.shape)
                other._accumulate(g, owned=True)

        out._backward = _backward
        return out

    def __neg__(self) -> Tensor:
        return self * -1.0

    def __sub__(self, other: Tensor | float | np.ndarray) -> Tensor:
        return self + (-self._lift("-", other))

    def __radd__(self, other: float | np.ndarray) -> Tensor:
        return self + other

    def __rmul__(self, other: float | np.ndarray) -> Tensor:
        return self * other

    def __rsub__(self, other: float | np.ndarray) -> Tensor:
        return self._lift("-", other) + (-self)

    def _unary(self, data: np.ndarray, op: str, local: Callable[[np.ndarray], np.ndarray]) -> Tensor:
        r"""An elementwise :math:`u = f(v)` with :math:`\bar v \mathrel{+}= f'(v) \odot \bar u`;
        ``local(out_data)`` returns :math:`f'(v)`."""
        out = self._result(data, (self,), op)

        def _backward() -> None:
            if self.requires_grad:
                self._accumulate(local(out.data) * out.grad, owned=True)

        out._backward = _backward
        return out

    def relu(self) -> Tensor:
        r""":math:`u = \max(0, v)`, :math:`f'(v) = [v > 0]`."""
        return self._unary(np.maximum(self.data, 0), "relu", lambda u: u > 0)

    def tanh(self) -> Tensor:
        r""":math:`u = \tanh v`, :math:`f'(v) = 1 - u^2`."""
        return self._unary(np.tanh(self.data), "tanh", lambda u: 1 - u * u)

    def sigmoid(self) -> Tensor:
        r""":math:`u = \sigma(v)`, :math:`f'(v) = u (1 - u)`."""
        s = 0.5 * (1 + np.tanh(0.5 * self.data))
        return self._unary(s, "sigmoid", lambda u: u * (1 - u))

    def exp(self) -> Tensor:
        r""":math:`u = e^v`, :math:`f'(v) = u`."""
        return self._unary(np.exp(self.data), "exp", lambda u: u)

    def log(self) -> Tensor:
        r""":math:`u = \ln v` for :math:`v > 0`, :math:`f'(v) = 1/v`."""
        if np.any(self.data <= 0):
            raise ValueError(f"Tensor.log: every element must be > 0; got min {self.data.min():g}")
        return self._unary(np.log(self.data), "log", lambda u: 1 / self.data)

    # --- matrix product and reductions ---------------------------------------------------------------------

    def __matmul__(self, other: Tensor) -> Tensor:
        r""":math:`U = V W` for :math:`V` of shape ``(n, k)`` and :math:`W` of shape ``(k, m)``:
        :math:`\bar V \mathrel{+}= \bar U W^\top` and :math:`\bar W \mathrel{+}= V^\top \bar U`.

        Raises:
            ValueError: unless both operands are 2-d with matching inner sizes.
        """
        if not isinstance(other, Tensor):
            raise TypeError(f"Tensor @ {type(other).__name__}: both operands must be Tensors")
        if self.data.ndim != 2 or other.data.ndim != 2 or self.shape[1] != other.shape[0]:
            raise ValueError(f"Tensor @: needs shapes (n, k) @ (k, m); got {self.shape} @ {other.shape}")
        out = self._result(self.data @ other.data, (self, other), "@")

        def _backward() -> None:
            if self.requires_grad:
                self._accumulate(out.grad @ other.data.T, owned=True)
            if other.requires_grad:
                other._accumulate(self.data.T @ out.grad, owned=True)

        out._backward = _backward
        return out

    def sum(self, axis: int | None = None) -> Tensor:
        r""":math:`u = \sum_i v_i` over ``axis`` (all if ``None``); :math:`\bar v_i \mathrel{+}= \bar u`."""
        self._check_axis("sum", axis)
        out = self._result(np.add.reduce(self.data, axis=axis), (self,), "sum")

        def _backward() -> None:
            if self.requires_grad:
                g = out.grad if axis is None else np.expand_dims(out.grad, axis)
                self._accumulate(np.broadcast_to(g, self.shape), owned=False)

        out._backward = _backward
        return out

    def mean(self, axis: int | None = None) -> Tensor:
        r""":math:`u = \frac{1}{n}\sum_i v_i` over ``axis``; :math:`\bar v_i \mathrel{+}= \bar u / n`."""
        self._check_axis("mean", axis)
        n = self.data.size if axis is None else self.shape[axis]
        return self.sum(axis) * (1.0 / n)

    def log_softmax(self, axis: int = -1) -> Tensor:
        r"""Log-probabilities :math:`u_i = v_i - \log \sum_j e^{v_j}` along ``axis``, computed stably.

        The maximum is subtracted before exponentiating,
        :math:`\log\sum_j e^{v_j} = m + \log\sum_j e^{v_j - m}` with
        :math:`m = \max_j v_j`, so large logits do not overflow. Backward:
        :math:`\bar v_i \mathrel{+}= \bar u_i - \mathrm{softmax}(v)_i \sum_j \bar u_j`.
        """
        self._check_axis("log_softmax", axis)
        shifted = self.data - self.data.max(axis=axis, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        out = self._result(logp, (self,), "log_softmax")

        def _backward() -> None:
            if self.requires_grad:
                g = out.grad - np.exp(out.data) * out.grad.sum(axis=axis, keepdims=True)
                self._accumulate(g, owned=True)

        out._backward = _backward
        return out

    def _check_axis(self, op: str, axis: int | None) -> None:
        if axis is not None and not -self.data.ndim <= axis < self.data.ndim:
            raise ValueError(
                f"Tensor.{op}: axis must be in [{-self.data.ndim}, {self.data.ndim}); got {axis}"
            )

    # --- the reverse sweep ---------------------------------------------------------------------------------

    def backward(self, grad: np.ndarray | None = None) -> None:
        r"""Fill ``grad`` of every tensor behind this output that requires a gradient.

        Args:
            grad: :math:`\partial L/\partial \text{self}`, of this tensor's shape; by default 1, which
                needs a tensor with a single element (a loss).
        """
        if not self.requires_grad:
            raise ValueError(
                "Tensor.backward: this tensor does not depend on any tensor with requires_grad=True"
            )
        if grad is None:
            if self.data.size != 1:
                raise ValueError(f"Tensor.backward: give grad for a non-scalar output; shape is {self.shape}")
            grad = np.ones_like(self.data)
        elif np.shape(grad) != self.shape:
            raise ValueError(f"Tensor.backward: grad has shape {np.shape(grad)}, the tensor {self.shape}")
        order = _topological_order(self)
        for node in order:
            if node._prev:
                node.grad = None  # interior nodes start afresh; leaves accumulate
        self._accumulate(np.asarray(grad, dtype=self.dtype))
        for node in reversed(order):
            if node.grad is not None:
                node._backward()

    def zero_grad(self) -> None:
        """Forget the gradients of this tensor and every tensor behind it."""
        for node in _topological_order(self):
            node.grad = None


def cross_entropy(logits: Tensor, targets: np.ndarray) -> Tensor:
    r"""Mean cross-entropy of class ``targets`` under ``softmax(logits)``.

    .. math::

       L = -\frac{1}{N}\sum_{n=1}^{N} \log \mathrm{softmax}(z_n)_{y_n},
       \qquad
       \frac{\partial L}{\partial z_{nk}} = \frac{\mathrm{softmax}(z_n)_k - [k = y_n]}{N}.

    Args:
        logits: shape ``(N, K)``.
        targets: integer class indices, shape ``(N,)``, each in ``[0, K)``.

    Returns:
        A scalar :class:`Tensor` (shape ``()``).
    """
    targets = np.asarray(targets)
    if logits.data.ndim != 2 or targets.shape != (logits.shape[0],):
        raise ValueError(
            f"cross_entropy: needs logits (N, K) and targets (N,); got {logits.shape} and {targets.shape}"
        )
    if not np.issubdtype(targets.dtype, np.integer) or targets.min() < 0 or targets.max() >= logits.shape[1]:
        raise ValueError(f"cross_entropy: targets must be integers in [0, {logits.shape[1]}); got {targets}")
    n = logits.shape[0]
    logp = logits.log_softmax(axis=1)
    picked = logp.data[np.arange(n), targets]
    out = logits._result(np.asarray(-picked.mean(), dtype=logits.dtype), (logits,), "cross_entropy")

    def _backward() -> None:
        if logits.requires_grad:
            g = np.exp(logp.data)
            g[np.arange(n), targets] -= 1
            g *= out.grad / n
            logits._accumulate(g, owned=True)

    out._backward = _backward
    return out


# ---------------------------------------------------------------------------------------------------------
# A network and its optimiser
# ---------------------------------------------------------------------------------------------------------


class MLP:
    r"""A multilayer perceptron: layers :math:`h_{l+1} = f(h_l W_l + b_l)`, the last one without :math:`f`.

    Weights start uniform in :math:`\pm\sqrt{6/(n_\text{in} + n_\text{out})}` (Glorot), biases at 0.

    Args:
        sizes: layer widths, input first, e.g. ``(784, 256, 256, 10)``; at least two.
        activation: ``"tanh"``, ``"relu"`` or ``"sigmoid"``.
        seed: seed of the initial weights.
        dtype: ``np.float32`` or ``np.float64``.
    """

    ACTIVATIONS = ("tanh", "relu", "sigmoid")

    def __init__(
        self, sizes: Sequence[int], activation: str = "tanh", seed: int = 0, dtype: type = np.float32
    ) -> None:
        if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
            raise ValueError(f"MLP: sizes needs at least two widths, each >= 1; got {tuple(sizes)}")
        if activation not in self.ACTIVATIONS:
            raise ValueError(f"MLP: activation must be one of {self.ACTIVATIONS}; got {activation!r}")
        rng = np.random.default_rng(seed)
        self.sizes = tuple(int(s) for s in sizes)
        self.activation = activation
        self.weights: list[Tensor] = []
        self.biases: list[Tensor] = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            bound = math.sqrt(6.0 / (n_in + n_out))
            self.weights.append(
                Tensor(rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype), requires_grad=True)
            )
            self.biases.append(Tensor(np.zeros(n_out, dtype=dtype), requires_grad=True))

    def parameters(self) -> list[Tensor]:
        """Weights and biases, layer by layer."""
        return [p for wb in zip(self.weights, self.biases, strict=True) for p in wb]

    def hidden(self, x: Tensor | np.ndarray) -> list[Tensor]:
        """Activations of every hidden layer for a batch ``x`` of shape ``(N, sizes[0])``."""
        return self._forward(x)[:-1]

    def __call__(self, x: Tensor | np.ndarray) -> Tensor:
        """Outputs (logits) of shape ``(N, sizes[-1])`` for inputs of shape ``(N, sizes[0])``."""
        return self._forward(x)[-1]

    def _forward(self, x: Tensor | np.ndarray) -> list[Tensor]:
        h = x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=self.weights[0].dtype))
        if h.data.ndim != 2 or h.shape[1] != self.sizes[0]:
            raise ValueError(f"MLP: input must have shape (N, {self.sizes[0]}); got {h.shape}")
        layers = []
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = h @ w + b
            if i < len(self.weights) - 1:
                h = getattr(h, self.activation)()
            layers.append(h)
        return layers


class SGD:
    r"""Stochastic gradient descent with momentum: :math:`v \leftarrow \mu v + g`,
    :math:`\theta \leftarrow \theta - \eta v`.

    Args:
        params: the tensors to update.
        lr: learning rate :math:`\eta > 0`.
        momentum: :math:`\mu \in [0, 1)`.
    """

    def __init__(self, params: Iterable[Tensor], lr: float, momentum: float = 0.0) -> None:
        if not lr > 0:
            raise ValueError(f"SGD: lr must be > 0; got {lr}")
        if not 0 <= momentum < 1:
            raise ValueError(f"SGD: momentum must be in [0, 1); got {momentum}")
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self._velocity = [np.zeros_like(p.data) for p in self.params]

    def step(self) -> None:
        """Update every parameter in place from its ``grad`` (parameters without one are skipped)."""
        for p, v in zip(self.params, self._velocity, strict=True):
            if p.grad is None:
                continue
            if self.momentum:
                v *= self.momentum
                v += p.grad
                p.data -= self.lr * v
            else:
                p.data -= self.lr * p.grad

    def zero_grad(self) -> None:
        """Forget every parameter's gradient."""
        for p in self.params:
            p.grad = None


def train(
    model: MLP, inputs: np.ndarray, targets: np.ndarray, *, steps: int, lr: float, momentum: float = 0.9
) -> list[float]:
    """Full-batch gradient descent on the cross-entropy of ``model(inputs)`` against class ``targets``.

    Returns:
        The loss (nats) before each of the ``steps`` updates.
    """
    if steps < 1:
        raise ValueError(f"train: steps must be >= 1; got {steps}")
    x = Tensor(np.asarray(inputs, dtype=model.weights[0].dtype))
    optimiser = SGD(model.parameters(), lr=lr, momentum=momentum)
    losses = []
    for _ in range(steps):
        loss = cross_entropy(model(x), targets)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(float(loss.data))
    return losses


def xor_data() -> tuple[np.ndarray, np.ndarray]:
    """The four inputs of XOR, shape ``(4, 2)``, and their classes ``x1 XOR x2``, shape ``(4,)``."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    return x, np.array([0, 1, 1, 0])


def encoder_data(n: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """The n-unit encoder problem: the ``n`` one-hot patterns, shape ``(n, n)``, each its own class."""
    if n < 2:
        raise ValueError(f"encoder_data: n must be >= 2; got {n}")
    return np.eye(n, dtype=np.float32), np.arange(n)


# ---------------------------------------------------------------------------------------------------------
# The same two modes in PyTorch, for comparison
# ---------------------------------------------------------------------------------------------------------


def torch_gradient_forward(f: Callable[[list[Any]], Any], x: Sequence[float]) -> tuple[float, list[float]]:
    """Value and gradient of ``f`` by PyTorch's forward mode (``forward_ad``), one sweep per input.

    ``f`` takes a list of 0-d float64 tensors and returns a 0-d tensor. PyTorch loads its
    forward-mode rules on first use through the deprecated ``torch.jit.script``; the
    ``FutureWarning`` that this raises inside PyTorch is silenced here.
    """
    import warnings

    import torch
    import torch.autograd.forward_ad as fwad

    point = torch.tensor(list(x), dtype=torch.float64)
    grad = []
    value = math.nan
    for i in range(len(x)):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*torch.jit.script.*", category=FutureWarning)
            with fwad.dual_level():
                dual = fwad.make_dual(point, torch.nn.functional.one_hot(torch.tensor(i), len(x)).double())
                out = fwad.unpack_dual(f(list(dual.unbind())))
        value = out.primal.item()
        grad.append(out.tangent.item())
    return value, grad


def torch_gradient_reverse(f: Callable[[list[Any]], Any], x: Sequence[float]) -> tuple[float, list[float]]:
    """Value and gradient of ``f`` by ``torch.autograd`` (reverse mode), one sweep for all inputs."""
    import torch

    point = torch.tensor(list(x), dtype=torch.float64, requires_grad=True)
    out = f(list(point.unbind()))
    (grad,) = torch.autograd.grad(out, point)
    return out.item(), grad.tolist()
