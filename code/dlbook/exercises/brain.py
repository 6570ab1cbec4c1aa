r"""Answer keys of the exercises on the page "How does the brain work?".

Every expected value is computed here by :mod:`dlbook.neurons` (the leaky integrate-and-fire neuron with
the default parameters :data:`dlbook.neurons.LIF`, unless an exercise changes one of them) at the moment
the answer is checked.

Two results of the LIF model are used. A constant current :math:`I` makes the neuron fire at all only
above the rheobase :math:`I_\theta = (\theta - u_\text{rest})/R` (:func:`dlbook.neurons.rheobase`). A
pulse of current :math:`I` that lasts :math:`T`, applied at rest, charges the membrane to
:math:`u_\text{rest} + R I (1 - e^{-T/\tau_m})` at its end, so the smallest current that makes the neuron
fire before the pulse ends is

.. math::

   I_\text{min}(T) = \frac{I_\theta}{1 - e^{-T/\tau_m}},

and the pulse duration at which this is twice the rheobase (the chronaxie) is :math:`\tau_m \ln 2`.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from dlbook import neurons
from dlbook.exercises import Verdict, answer_key, expect_choice, expect_number

#: brain-1: the constant current is raised from ``LOW`` to ``HIGH`` times the rheobase.
LOW, HIGH = 1.5, 3.0

#: brain-1: the options, each a quantity that might change with the input current.
OPTIONS = {
    "A": "the height (amplitude) of each action potential",
    "B": "the firing rate",
    "C": "the threshold potential θ",
    "D": "the interval between consecutive spikes",
}

#: brain-3: the membrane time constant is doubled, and the current is the page's strong step.
SLOW_FACTOR = 2.0
STRONG = 1.5


def changes_with_current(low: float = LOW, high: float = HIGH) -> set[str]:
    """The options of brain-1 that differ between a current of ``low`` and ``high`` rheobases.

    The model decides: the rate and the interval come from :func:`dlbook.neurons.lif_rate`, the threshold
    is a parameter of the neuron (:class:`dlbook.neurons.LIFParams`), not of the input, and an action
    potential is all-or-none, so its height does not depend on the input that triggered it.
    """
    i_theta = neurons.rheobase()
    rate_low, rate_high = (float(neurons.lif_rate(f * i_theta)) for f in (low, high))
    threshold_low = threshold_high = neurons.LIF.theta  # the same neuron, whatever the input
    changed = {
        "A": False,  # all-or-none: every spike has the same size
        "B": not math.isclose(rate_low, rate_high),
        "C": threshold_low != threshold_high,
        "D": not math.isclose(1 / rate_low, 1 / rate_high),
    }
    return {option for option, differs in changed.items() if differs}


@answer_key("brain-1")
def _what_changes(answer: Any) -> Verdict:
    return expect_choice(
        answer,
        changes_with_current(),
        "".join(OPTIONS),
        hint="a spike is all-or-none; what, then, can carry the strength of the input?",
    )


@answer_key("brain-2")
def _rheobase(answer: Any) -> Verdict:
    return expect_number(
        answer,
        neurons.rheobase() * 1e9,
        rtol=1e-3,
        unit="nA",
        hint="bisect between a current that never fires and one that does, until the two are close.",
    )


def slow_membrane() -> neurons.LIFParams:
    """The default neuron with its membrane time constant multiplied by :data:`SLOW_FACTOR`."""
    return dataclasses.replace(neurons.LIF, tau_m=SLOW_FACTOR * neurons.LIF.tau_m)


def slow_rate(factor: float = STRONG) -> float:
    """brain-3: rate (Hz) of the slow neuron at ``factor`` times the default neuron's rheobase."""
    return float(neurons.lif_rate(factor * neurons.rheobase(), slow_membrane()))


@answer_key("brain-3")
def _slow_membrane_rate(answer: Any) -> Verdict:
    return expect_number(
        answer,
        slow_rate(),
        rtol=1e-2,
        unit="Hz",
        hint="make the slower neuron with dataclasses.replace(neurons.LIF, tau_m=...) and pass it as params.",
    )


def minimum_pulse_current(duration: float, params: neurons.LIFParams = neurons.LIF) -> float:
    r"""Smallest current (A) of a pulse of ``duration`` (s), applied at rest, that makes the neuron fire.

    :math:`I_\text{min}(T) = I_\theta / (1 - e^{-T/\tau_m})`, from the exact solution of the membrane
    equation (see the module docstring).

    Raises:
        ValueError: if ``duration`` is not > 0.
    """
    if not duration > 0:
        raise ValueError(f"duration must be > 0 s; got {duration}")
    return neurons.rheobase(params) / -math.expm1(-duration / params.tau_m)


def chronaxie(params: neurons.LIFParams = neurons.LIF) -> float:
    r"""The chronaxie :math:`\tau_m \ln 2` (s): the pulse length whose threshold current is 2 rheobases."""
    return params.tau_m * math.log(2)


def fires_during_pulse(current: float, duration: float, dt: float = 1e-5) -> bool:
    """Whether the simulated neuron fires for a pulse of ``current`` (A) that lasts ``duration`` (s).

    The pulse is followed by as long again without input, so that a spike after the pulse would be seen.
    """
    n_on = round(duration / dt)
    pulse = np.r_[np.full(n_on, current), np.zeros(n_on)]
    return neurons.simulate_lif(pulse, duration=2 * n_on * dt, dt=dt).spike_times.size > 0


@answer_key("brain-4")
def _chronaxie(answer: Any) -> Verdict:
    return expect_number(
        answer,
        chronaxie() * 1e3,
        rtol=1e-2,
        unit="ms",
        hint="set the smallest current that fires during a pulse of length T equal to twice the rheobase, "
        "and solve for T.",
    )
