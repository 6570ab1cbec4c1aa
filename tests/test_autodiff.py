"""Tests of dlbook.autodiff: exact small cases, random expressions against torch, and training.

Training to a result (``train`` over hundreds or thousands of steps) is marked ``slow``; one step of
``train``, checked against a step computed by hand, is quick.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from dlbook.autodiff import (
    MLP,
    SGD,
    Dual,
    Tensor,
    Value,
    count_operations,
    cross_entropy,
    edge_derivatives,
    encoder_data,
    gradient_forward,
    gradient_reverse,
    paths_to_output,
    torch_gradient_forward,
    torch_gradient_reverse,
    train,
    xor_data,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# --- the lecture's graph ------------------------------------------------------------------------------------


def lecture_graph() -> tuple[Value, ...]:
    a, b = Value(2.0, "a"), Value(1.0, "b")
    c = a + b
    c.label = "c"
    d = b + 1
    d.label = "d"
    e = c * d
    e.label = "e"
    return a, b, c, d, e


def test_lecture_example_exact() -> None:
    a, b, c, d, e = lecture_graph()
    e.backward()
    assert e.data == 6.0
    assert (a.grad, b.grad, c.grad, d.grad, e.grad) == (2.0, 5.0, 2.0, 3.0, 1.0)


def test_lecture_example_dual_agrees() -> None:
    def f(x):
        return (x[0] + x[1]) * (x[1] + 1)

    value, grad = gradient_forward(f, [2.0, 1.0])
    assert value == 6.0 and grad == [2.0, 5.0]
    assert gradient_reverse(f, [2.0, 1.0]) == (6.0, [2.0, 5.0])
    # de/dc and de/dd by seeding the intermediate nodes directly
    c, d = Dual(3.0, 1.0), Dual(2.0, 0.0)
    assert (c * d).tangent == 2.0
    c, d = Dual(3.0, 0.0), Dual(2.0, 1.0)
    assert (c * d).tangent == 3.0


def test_graph_listing_has_values_and_grads() -> None:
    *_, e = lecture_graph()
    e.backward()
    nodes, edges = e.graph()
    by_label = {n.label: n for n in nodes}
    assert {k: (by_label[k].data, by_label[k].grad) for k in "abcde"} == {
        "a": (2.0, 2.0),
        "b": (1.0, 5.0),
        "c": (3.0, 2.0),
        "d": (2.0, 3.0),
        "e": (6.0, 1.0),
    }
    index = {n.label: i for i, n in enumerate(nodes)}
    named = {(nodes[i].label, nodes[j].label) for i, j in edges}
    assert {("a", "c"), ("b", "c"), ("b", "d"), ("1", "d"), ("c", "e"), ("d", "e")} == named
    assert all(i < j for i, j in edges)  # topological order
    assert index["e"] == len(nodes) - 1
    assert count_operations(e) == 3


# --- random expression trees against torch --------------------------------------------------------------

UNARY = ("exp", "log", "tanh", "sigmoid", "relu", "neg", "pow", "rpow")
BINARY = ("add", "sub", "mul", "div", "radd", "rsub", "rmul", "rdiv")


@st.composite
def expression(draw: st.DrawFn, leaves: int = 3, max_depth: int = 6):
    """Build one random expression in the engine and in torch at once; guards keep every op in its domain."""
    values = [draw(st.floats(-2.0, 2.0, allow_nan=False)) for _ in range(leaves)]
    xs = [Value(v) for v in values]
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]

    def build(depth: int):
        if depth == 0 or draw(st.integers(0, 5)) == 5:
            i = draw(st.integers(0, leaves - 1))
            return xs[i], ts[i]
        if draw(st.booleans()):
            op = draw(st.sampled_from(UNARY))
            v, t = build(depth - 1)
            if op in ("exp", "rpow") and abs(v.data) > 3:
                v, t = v.tanh(), t.tanh()
            if op == "log" or op == "pow":
                v, t = v * v + 0.5, t * t + 0.5  # a positive argument
            if op == "exp":
                return v.exp(), t.exp()
            if op == "log":
                return v.log(), t.log()
            if op == "tanh":
                return v.tanh(), t.tanh()
            if op == "sigmoid":
                return v.sigmoid(), t.sigmoid()
            if op == "relu":
                return v.relu(), t.relu()
            if op == "neg":
                return -v, -t
            if op == "pow":
                k = draw(st.sampled_from([-2.0, -1.0, -0.5, 0.5, 1.5, 2.0, 3.0]))
                return v**k, t**k
            c = draw(st.floats(0.5, 3.0))
            return c**v, c**t
        op = draw(st.sampled_from(BINARY))
        (v, t), (w, u) = build(depth - 1), build(depth - 1)
        c = draw(st.floats(-3.0, 3.0).filter(lambda z: abs(z) > 0.25))
        if op in ("div", "rdiv") and abs(w.data if op == "div" else v.data) < 0.25:
            w, u = (w * w + 1, u * u + 1) if op == "div" else (w, u)
            v, t = (v * v + 1, t * t + 1) if op == "rdiv" else (v, t)
        return {
            "add": lambda: (v + w, t + u),
            "sub": lambda: (v - w, t - u),
            "mul": lambda: (v * w, t * u),
            "div": lambda: (v / w, t / u),
            "radd": lambda: (c + v, c + t),
            "rsub": lambda: (c - v, c - t),
            "rmul": lambda: (c * v, c * t),
            "rdiv": lambda: (c / v, c / t),
        }[op]()

    out, out_t = build(max_depth)
    return xs, ts, out, out_t


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(expression())
def test_random_expressions_match_torch(case) -> None:
    xs, ts, out, out_t = case
    assert close(out.data, out_t.item())
    if not out_t.requires_grad:  # the expression is a single leaf
        return
    out.backward()
    out_t.backward()
    for x, t in zip(xs, ts, strict=True):
        expected = 0.0 if t.grad is None else t.grad.item()
        assert close(x.grad, expected), (x.grad, expected)


def test_dual_matches_value_on_all_ops() -> None:
    def f(x):
        y = x[0] * x[1] - x[2] / x[0] + 2 ** x[1] + (x[2] ** 1.5).log()
        z = y.tanh() + y.sigmoid() * x[0].exp() + (1 - x[1]).relu() + 3 / (x[2] + 1) - 1 + (-x[0])
        return 2 * z + (0.5 + x[1]) * x[2].relu()

    point = [0.7, -0.4, 1.3]
    vf, gf = gradient_forward(f, point)
    vr, gr = gradient_reverse(f, point)
    assert close(vf, vr)
    assert all(close(a, b) for a, b in zip(gf, gr, strict=True))


# --- structure of the reverse sweep ---------------------------------------------------------------------


def test_fan_out() -> None:
    x = Value(3.0)
    y = x * x + x
    y.backward()
    assert y.data == 12.0 and x.grad == 7.0  # dy/dx = 2x + 1


def test_gradients_accumulate_until_zeroed() -> None:
    x = Value(3.0)
    y = x * x + x
    y.backward()
    y.backward()
    assert x.grad == 14.0
    y.zero_grad()
    y.backward()
    assert x.grad == 7.0

    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    loss = (w * w).sum()
    loss.backward()
    loss.backward()
    np.testing.assert_array_equal(w.grad, [4.0, 8.0])
    loss.zero_grad()
    loss.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])


def test_long_chain_has_no_recursion_limit() -> None:
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.backward()
    assert count_operations(y) == 5000
    assert math.isclose(x.grad, 1.0001**5000, rel_tol=1e-9)

    t = Tensor(np.ones(3), requires_grad=True)
    u = t
    for _ in range(5000):
        u = u + 0.0
    u.sum().backward()
    np.testing.assert_array_equal(t.grad, np.ones(3))


def test_errors_name_operands() -> None:
    with pytest.raises(TypeError, match="str"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="> 0"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match="undefined"):
        Value(-1.0) ** 0.5
    with pytest.raises(TypeError, match="Dual"):
        Dual(1.0) * [1]
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(4,\)"):
        Tensor(np.ones((2, 3))) + Tensor(np.ones(4))
    with pytest.raises(ValueError, match=r"\(2, 3\) @ \(2, 3\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3)))
    with pytest.raises(TypeError, match="ndarray"):
        Tensor(np.ones((2, 2))) @ np.ones((2, 2))
    with pytest.raises(ValueError, match="axis"):
        Tensor(np.ones(3)).sum(axis=1)
    with pytest.raises(ValueError, match="non-scalar"):
        Tensor(np.ones(3), requires_grad=True).backward()
    with pytest.raises(ValueError, match="targets"):
        cross_entropy(Tensor(np.ones((2, 3))), np.array([0, 3]))
    with pytest.raises(TypeError, match="dtype"):
        Tensor(np.array(["a"]))


# --- Tensor against torch -------------------------------------------------------------------------------


def torch_copy(model: MLP) -> list[torch.Tensor]:
    return [torch.tensor(p.data, requires_grad=True) for p in model.parameters()]


def torch_forward(params: list[torch.Tensor], x: torch.Tensor, activation: str) -> torch.Tensor:
    h = x
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i < len(params) - 2:
            h = getattr(torch, activation)(h)
    return h


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_mlp_cross_entropy_matches_torch(activation: str) -> None:
    rng = np.random.default_rng(1)
    model = MLP((5, 7, 6, 4), activation=activation, seed=2, dtype=np.float64)
    for b in model.biases:  # non-zero biases, so that their gradients are tested too
        b.data[:] = rng.normal(size=b.shape)
    x = rng.normal(size=(9, 5))
    y = rng.integers(0, 4, 9)
    loss = cross_entropy(model(x), y)
    loss.backward()

    params = torch_copy(model)
    loss_t = torch.nn.functional.cross_entropy(
        torch_forward(params, torch.tensor(x), activation), torch.tensor(y)
    )
    loss_t.backward()
    assert abs(float(loss.data) - loss_t.item()) <= 1e-10
    for p, t in zip(model.parameters(), params, strict=True):
        assert p.grad.shape == p.shape
        np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_tensor_ops_match_torch() -> None:
    rng = np.random.default_rng(3)
    a_np, b_np = rng.uniform(0.5, 2.0, (4, 3)), rng.normal(size=(1, 3))
    a, b = Tensor(a_np, requires_grad=True), Tensor(b_np, requires_grad=True)
    at, bt = (torch.tensor(v, requires_grad=True) for v in (a_np, b_np))
    out = ((a.log() * b - a.exp() + 2.0 - b).tanh() + (1.0 - a).relu() * 3.0).log_softmax(axis=0).mean(axis=1)
    out = (out * out).sum()
    ref = (
        ((at.log() * bt - at.exp() + 2.0 - bt).tanh() + (1.0 - at).relu() * 3.0)
        .log_softmax(dim=0)
        .mean(dim=1)
    )
    ref = (ref * ref).sum()
    out.backward()
    ref.backward()
    assert abs(float(out.data) - ref.item()) < 1e-12
    np.testing.assert_allclose(a.grad, at.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b.grad, bt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_broadcast_gradients_have_input_shape() -> None:
    x = Tensor(np.ones((4, 3)), requires_grad=True)
    row = Tensor(np.arange(3.0), requires_grad=True)
    col = Tensor(np.arange(4.0).reshape(4, 1), requires_grad=True)
    scalar = Tensor(np.array(2.0), requires_grad=True)
    ((x + row) * col - scalar).sum().backward()
    assert row.grad.shape == (3,) and col.grad.shape == (4, 1) and scalar.grad.shape == ()
    np.testing.assert_array_equal(row.grad, [6.0, 6.0, 6.0])  # sum of col over 4 rows
    np.testing.assert_array_equal(col.grad.ravel(), [6.0, 6.0, 6.0, 6.0])  # sum of (1 + row)
    assert scalar.grad == -12.0


def test_float32_stays_float32() -> None:
    model = MLP((3, 5, 2), activation="tanh", seed=0, dtype=np.float32)
    x = np.ones((4, 3), dtype=np.float32)
    logits = model(x)
    loss = cross_entropy(logits, np.array([0, 1, 0, 1]))
    loss = loss + (logits.exp().log().sigmoid().relu() * 0.5 - 1.0).mean() * 0.1
    loss.backward()
    assert loss.dtype == np.float32 and logits.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in model.parameters())
    SGD(model.parameters(), lr=0.1, momentum=0.5).step()
    assert all(p.data.dtype == np.float32 for p in model.parameters())


def test_central_finite_differences_agree() -> None:
    rng = np.random.default_rng(4)
    model = MLP((3, 4, 3), activation="tanh", seed=5, dtype=np.float64)
    x = rng.normal(size=(6, 3))
    y = rng.integers(0, 3, 6)

    def loss_value() -> float:
        return float(cross_entropy(model(x), y).data)

    cross_entropy(model(x), y).backward()
    h = 1e-6
    for p in model.parameters():
        numeric = np.zeros_like(p.data)
        for idx in np.ndindex(p.shape):
            saved = p.data[idx]
            p.data[idx] = saved + h
            up = loss_value()
            p.data[idx] = saved - h
            down = loss_value()
            p.data[idx] = saved
            numeric[idx] = (up - down) / (2 * h)
        np.testing.assert_allclose(p.grad, numeric, rtol=1e-6, atol=1e-9)


def test_log_softmax_is_stable() -> None:
    z = Tensor(np.array([[1000.0, 0.0, -1000.0]], dtype=np.float32), requires_grad=True)
    logp = z.log_softmax(axis=1)
    assert np.isfinite(logp.data).all()
    assert logp.data[0, 0] == 0.0
    loss = cross_entropy(z, np.array([1]))
    loss.backward()
    np.testing.assert_allclose(z.grad, [[1.0, -1.0, 0.0]], atol=1e-6)


# --- learning ---------------------------------------------------------------------------------------------


def test_one_training_step_is_gradient_descent_on_the_cross_entropy() -> None:
    x, y = xor_data()
    model = MLP((2, 4, 2), activation="tanh", seed=0)
    before = [p.data.copy() for p in model.parameters()]
    loss = cross_entropy(model(x), y)
    loss.backward()
    grads = [p.grad.copy() for p in model.parameters()]
    for p in model.parameters():
        p.grad = None
    losses = train(model, x, y, steps=1, lr=0.5)
    assert losses == [pytest.approx(float(loss.data))]  # the loss before the step
    for p, b, g in zip(model.parameters(), before, grads, strict=True):
        np.testing.assert_allclose(p.data, b - 0.5 * g, rtol=1e-5, atol=1e-7)
    assert float(cross_entropy(model(x), y).data) < losses[0]
    with pytest.raises(ValueError, match="steps must be >= 1"):
        train(model, x, y, steps=0, lr=0.5)


@pytest.mark.slow
def test_xor_is_learned() -> None:
    x, y = xor_data()
    model = MLP((2, 4, 2), activation="tanh", seed=0)
    losses = train(model, x, y, steps=300, lr=0.5)
    assert (model(x).data.argmax(axis=1) == y).all()
    assert losses[-1] < 0.05 < losses[0]


@pytest.mark.slow
def test_smallest_xor_network_of_the_book_is_learned() -> None:
    x, y = xor_data()
    model = MLP((2, 2, 2), activation="sigmoid", seed=2)
    train(model, x, y, steps=1000, lr=1.0)
    assert (model(x).data.argmax(axis=1) == y).all()


@pytest.mark.slow
def test_single_layer_cannot_learn_xor() -> None:
    x, y = xor_data()
    model = MLP((2, 2), seed=0)
    train(model, x, y, steps=300, lr=0.5)
    assert (model(x).data.argmax(axis=1) == y).sum() < 4


@pytest.mark.slow
def test_encoder_learns_a_code() -> None:
    x, y = encoder_data(8)
    model = MLP((8, 3, 8), activation="sigmoid", seed=4)
    losses = train(model, x, y, steps=2000, lr=1.0)
    outputs = model(x).data
    assert (outputs.argmax(axis=1) == y).all()  # every pattern reproduced at the output
    assert losses[-1] < 0.01
    code = model.hidden(x)[0].data
    assert code.shape == (8, 3)
    assert np.abs(code - 0.5).min() > 0.25  # every hidden unit clearly on or off
    assert len({tuple(row) for row in (code > 0.5).astype(int)}) == 8  # eight distinct 3-bit codes


def test_torch_modes_agree_with_ours() -> None:
    def f(x):
        h = 0.0
        for i in range(len(x)):
            h = (h + x[i] * x[(i + 1) % len(x)]).tanh() + (x[i] * x[i] + 1).log()
        return h

    point = [0.3, -0.7, 1.1, 0.4]
    value, grad = gradient_reverse(f, point)
    for other in (gradient_forward, torch_gradient_forward, torch_gradient_reverse):
        v, g = other(f, point)
        assert close(v, value)
        assert all(close(a, b) for a, b in zip(g, grad, strict=True))
    assert grad != [0.0] * 4


# --- the chain rule as a sum over paths -------------------------------------------------------------------


def test_local_derivatives_of_the_lecture_graph():
    a, b, c, d, e = lecture_graph()
    e.backward()
    nodes, edges, derivatives = edge_derivatives(e)
    local = {(nodes[i].label, nodes[j].label): g for (i, j), g in zip(edges, derivatives, strict=True)}
    # a sum passes 1 to each operand, a product the other factor
    assert local == {("a", "c"): 1, ("b", "c"): 1, ("b", "d"): 1, ("1", "d"): 1, ("c", "e"): 2, ("d", "e"): 3}
    assert (a.grad, b.grad, c.grad, d.grad, e.grad) == (2, 5, 2, 3, 1)  # the graph's gradients are untouched


def test_the_sum_over_paths_is_the_reverse_sweep():
    a, b, _, _, e = lecture_graph()
    e.backward()
    paths = paths_to_output(e, "b")
    assert [p.nodes for p in paths] == [("b", "c", "e"), ("b", "d", "e")]
    assert [p.factors for p in paths] == [(1, 2), (1, 3)]
    assert sum(p.product for p in paths) == b.grad == 5
    (only,) = paths_to_output(e, "a")
    assert only.nodes == ("a", "c", "e") and only.product == a.grad == 2


def test_sum_over_paths_on_every_operation():
    x, y = Value(0.7, "x"), Value(-1.3, "y")
    s = x * y + x.tanh() - y.exp() / 3.0
    t = (s * s + 2.0).log() + x.sigmoid() * (y**2) + (x - y).relu() + x * x
    t.label = "t"
    t.backward()
    for leaf in (x, y):
        paths = paths_to_output(t, leaf.label)
        assert len(paths) > 3
        assert sum(p.product for p in paths) == pytest.approx(leaf.grad, rel=1e-12)
        _, edges, _ = edge_derivatives(t)
        for p in paths:
            assert len(p.edges) == len(p.factors) == len(p.nodes) - 1
            assert all(edges[k0][1] == edges[k1][0] for k0, k1 in itertools.pairwise(p.edges))


def test_paths_bad_source():
    *_, e = lecture_graph()
    with pytest.raises(ValueError, match="source must be the label of exactly one node"):
        paths_to_output(e, "z")
    x = Value(1.0, "x")
    twin = Value(2.0, "x")
    with pytest.raises(ValueError, match="source must be the label of exactly one node"):
        paths_to_output(x * twin, "x")
