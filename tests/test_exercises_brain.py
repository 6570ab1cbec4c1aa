"""The answer keys of the brain page's exercises (dlbook.exercises.brain).

Each key accepts the answer its solution on the page computes and rejects a plausible wrong one, with a
message that does not give the expected value away; the LIF results the keys rely on (the threshold
current of a pulse, the chronaxie) agree with the simulation.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from conftest import assert_key_decides
from dlbook import neurons
from dlbook.exercises import brain as keys
from dlbook.exercises import check


def bisect_rheobase(observe: float = 0.2, dt: float = 1e-4) -> float:
    """The page's solution of brain-2: bisection on simulate_lif, in nA."""
    silent, firing = 0.0, 10e-9
    while firing - silent > 1e-6 * firing:
        middle = (silent + firing) / 2
        if neurons.simulate_lif(middle, duration=observe, dt=dt).spike_times.size:
            firing = middle
        else:
            silent = middle
    return firing * 1e9


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        ("brain-1", lambda: "BD", lambda: "ABD"),  # a spike's height does not grow with the input
        ("brain-1", lambda: ["d", "b"], lambda: "B"),
        ("brain-2", bisect_rheobase, lambda: bisect_rheobase() * 1.1),
        ("brain-2", lambda: neurons.rheobase() * 1e9, lambda: neurons.rheobase()),  # amperes, not nA
        (
            "brain-3",
            lambda: (
                neurons.simulate_lif(1.5 * neurons.rheobase(), duration=1.0, params=keys.slow_membrane()).rate
            ),
            lambda: float(neurons.lif_rate(1.5 * neurons.rheobase())) / 2,  # "the rate halves"
        ),
        ("brain-4", lambda: 1e3 * neurons.LIF.tau_m * math.log(2), lambda: 1e3 * neurons.LIF.tau_m),
    ],
)
def test_each_exercise_accepts_its_answer_and_rejects_a_wrong_one(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_brain_1_is_decided_by_the_model() -> None:
    assert keys.changes_with_current() == {"B", "D"}
    assert set(keys.OPTIONS) == {"A", "B", "C", "D"}
    assert keys.changes_with_current(1.5, 1.5) == set(), "nothing changes when the current does not"


def test_the_bisection_finds_the_rheobase() -> None:
    assert bisect_rheobase() == pytest.approx(neurons.rheobase() * 1e9, rel=2e-6)


def test_a_slower_membrane_keeps_its_threshold_current_and_fires_less_but_not_half_as_often() -> None:
    slow = keys.slow_membrane()
    assert slow.tau_m == 2 * neurons.LIF.tau_m
    assert dataclasses.replace(slow, tau_m=neurons.LIF.tau_m) == neurons.LIF
    assert neurons.rheobase(slow) == neurons.rheobase()
    default = float(neurons.lif_rate(keys.STRONG * neurons.rheobase()))
    assert default / 2 < keys.slow_rate() < default


def test_minimum_pulse_current_is_the_threshold_of_the_simulation() -> None:
    i_theta = neurons.rheobase()
    assert keys.minimum_pulse_current(keys.chronaxie()) == pytest.approx(2 * i_theta)
    assert keys.minimum_pulse_current(1.0) == pytest.approx(i_theta)  # long pulses: the rheobase
    for duration in (1e-3, 4e-3, 20e-3):
        threshold = keys.minimum_pulse_current(duration)
        assert keys.fires_during_pulse(1.02 * threshold, duration)
        assert not keys.fires_during_pulse(0.98 * threshold, duration)
    # short pulses need a fixed charge: C (theta - u_rest) = I_theta tau_m
    assert keys.minimum_pulse_current(1e-6) * 1e-6 == pytest.approx(i_theta * neurons.LIF.tau_m, rel=1e-3)
    with pytest.raises(ValueError, match="duration"):
        keys.minimum_pulse_current(0.0)


def test_messages_do_not_give_the_value_away(capsys) -> None:
    check("brain-4", 1.0)
    out = capsys.readouterr().out
    assert "too small" in out and f"{keys.chronaxie() * 1e3:.2f}" not in out and "5.5" not in out
    assert np.isfinite(keys.chronaxie())
