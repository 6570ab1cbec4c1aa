"""The answer keys of the page "Going further: stable Hebbian learning and synaptic competition"
(dlbook.exercises.hebbian_further).

Each key accepts the answer the page's solution derives and rejects a plausible wrong one. The key of
hebbian-further-5 simulates half a minute of synaptic competition (a second or two), so its test is
marked slow.
"""

from __future__ import annotations

from dataclasses import replace

import jupytext
import numpy as np
import pytest
from conftest import ROOT, assert_key_decides
from dlbook import plasticity
from dlbook.exercises import check
from dlbook.exercises import hebbian as hebbian_keys
from dlbook.exercises import hebbian_further as keys

PAGE = ROOT / "book" / "nature" / "hebbian-further.md"


def oja_mean_square_output() -> float:
    """The mean of y² over the page's data for the final weights of Oja's rule, as the solution computes."""
    x = hebbian_keys.cloud()
    w = plasticity.oja(x, eta=1e-3, w0=[0.2, 0.6], epochs=3, seed=1)[-1]
    return float(np.mean((x @ w) ** 2))


def causal_pairs_only() -> float:
    """The window summed over the pairs with the presynaptic spike first only: depression forgotten."""
    delta_t = np.subtract.outer(keys.POST, keys.PRE)
    return float(plasticity.stdp_window(delta_t[delta_t > 0]).sum())


RIGHT_AND_WRONG = [
    # Oja, BCM, Hebb; not Oja's and BCM's behaviours swapped
    ("hebbian-further-1", lambda: ("oja", "bcm", "hebb"), lambda: ("bcm", "oja", "hebb")),
    ("hebbian-further-1", lambda: ["Oja", " BCM ", "Hebb"], lambda: ("oja", "bcm", "bcm")),
    # λ₁; not the total variance λ₁ + λ₂ of the inputs
    (
        "hebbian-further-2",
        oja_mean_square_output,
        lambda: np.linalg.eigvalsh(np.cov(hebbian_keys.cloud().T, bias=True)).sum(),
    ),
    ("hebbian-further-2", hebbian_keys.largest_eigenvalue, lambda: 1.0),  # the squared length of w
    # 1/p; not the page's 2, which is 1/p for p = 1/2 (and also sqrt(1/p) for p = 1/4)
    ("hebbian-further-3", lambda: 1 / 0.25, lambda: 2.0),
    ("hebbian-further-3", lambda: 4, lambda: 1.0),  # θ_M = y², the threshold without the probability
    # all six pairs; not the causal ones only, nor the nearest pre/post pair alone
    ("hebbian-further-4", lambda: plasticity.stdp_traces(keys.PRE, keys.POST), causal_pairs_only),
    ("hebbian-further-4", keys.total_change, lambda: float(plasticity.stdp_window(10e-3))),
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_answers_of_the_wrong_shape_get_a_message_not_a_crash(capsys) -> None:
    assert check("hebbian-further-1", "oja bcm hebb") is False
    assert check("hebbian-further-1", ("oja", "bcm")) is False
    assert check("hebbian-further-1", 3) is False
    assert check("hebbian-further-1", ("oja", "pca", "hebb")) is False
    assert check("hebbian-further-2", "4.16") is False
    assert check("hebbian-further-4", plasticity.SONG2000) is False
    out = capsys.readouterr().out
    assert out.count("Answer with a tuple of 3 rule names") == 4 and out.count("Expected one number") == 2


def test_the_bcm_fixed_point_is_where_the_simulation_settles() -> None:
    rng = np.random.default_rng(1)
    patterns = np.eye(2)
    for p in (0.5, keys.PREFERRED_PROBABILITY):
        shown = (rng.random(20_000) >= p).astype(int)  # pattern 0, the preferred one, with probability p
        traj = plasticity.bcm(patterns[shown], eta=0.002, w0=[0.6, 0.3], tau_theta=50.0)
        responses = traj.w[-5000:] @ patterns.T
        assert responses[:, 1].max() < 1e-2, "the neuron must have stopped answering the other pattern"
        assert responses[:, 0].mean() == pytest.approx(keys.bcm_selective_response(p), rel=0.05)
    with pytest.raises(ValueError, match="p must be"):
        keys.bcm_selective_response(0.0)


def test_the_traces_and_the_pair_sum_agree_on_the_exercise() -> None:
    assert keys.total_change() == pytest.approx(plasticity.stdp_traces(keys.PRE, keys.POST), rel=1e-12)
    assert causal_pairs_only() > keys.total_change() > 0  # the two depressing pairs matter, but less


def code_cells() -> list[str]:
    return [c.source for c in jupytext.read(PAGE).cells if c.cell_type == "code"]


def test_the_page_states_the_givens_of_the_keys() -> None:
    namespace: dict = {}
    exec(code_cells()[0], namespace)
    np.testing.assert_array_equal(namespace["x"], hebbian_keys.cloud())
    competition = next(c for c in code_cells() if c.startswith("from dataclasses import replace"))
    half_line = next(line for line in competition.splitlines() if line.startswith("half = "))
    exec("from dataclasses import replace\n" + half_line, namespace)
    assert namespace["half"] == keys.HALF
    student = next(c for c in code_cells() if 'check("hebbian-further-4"' in c)
    exec(next(line for line in student.splitlines() if line.startswith("pre_spikes")), namespace)
    assert tuple(namespace["pre_spikes"]) == keys.PRE and tuple(namespace["post_spikes"]) == keys.POST
    solution = next(c for c in code_cells() if 'check("hebbian-further-5", fraction_near_max, strict' in c)
    assert f"a_minus={keys.WEAK_RATIO} * half.a_plus" in solution
    assert f"simulate_competition({keys.WEAK_DURATION}," in solution and f"seed={keys.WEAK_SEED}" in solution
    assert f"> {keys.NEAR_MAX})" in solution


@pytest.mark.slow
def test_competition_fails_without_a_bias_towards_depression(capsys) -> None:
    assert keys.fraction_near_max() > 0.98  # every synapse wins: no competition
    assert check("hebbian-further-5", keys.fraction_near_max()) is True
    # the page's window, with depression slightly stronger: a_minus left unchanged
    params = plasticity.CompetitionParams(window=keys.HALF)
    unchanged = plasticity.simulate_competition(keys.WEAK_DURATION, params=params, seed=keys.WEAK_SEED)
    assert check("hebbian-further-5", float(np.mean(unchanged.w / params.g_max > keys.NEAR_MAX))) is False
    assert check("hebbian-further-5", 100 * keys.fraction_near_max()) is False  # a percentage
    out = capsys.readouterr().out
    assert "✓" in out and "10^2" in out


def test_the_weak_window_depresses_less_than_it_potentiates() -> None:
    weak = replace(keys.HALF, a_minus=keys.WEAK_RATIO * keys.HALF.a_plus)
    assert weak.a_minus * weak.tau_minus < weak.a_plus * weak.tau_plus
    assert keys.HALF.a_minus * keys.HALF.tau_minus > keys.HALF.a_plus * keys.HALF.tau_plus
