r"""Answer keys of the exercises on the page "Going further: stable Hebbian learning and synaptic
competition".

Every expected value is computed here when the answer is checked: the largest eigenvalue of the
covariance of the page's data (:func:`dlbook.exercises.hebbian.cloud`), which is the mean squared
output of a neuron that has learned with Oja's rule; the sum of the STDP window over every spike pair,
:func:`dlbook.plasticity.stdp_pair_sum`; and a short run of :func:`dlbook.plasticity.simulate_competition`
with depression weaker than potentiation. For the BCM rule with two orthogonal unit patterns, the
preferred one shown with probability :math:`p` and the other answered with :math:`y = 0`, the sliding
threshold is :math:`\theta_M = \langle y^2\rangle = p\,y^2`, and the response stops changing where
:math:`y = \theta_M`:

.. math::

   y = p\,y^2 \quad\Longrightarrow\quad y = 1/p .

Used on the page :doc:`/book/nature/hebbian-further`.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np

from dlbook import plasticity
from dlbook.exercises import Verdict, answer_key, expect_equal, expect_number
from dlbook.exercises.hebbian import largest_eigenvalue

# --- hebbian-further-1: which rule does what ----------------------------------------------------------

#: The rule behind each behaviour of hebbian-further-1, in the exercise's order: the weights settle at
#: unit length along the first principal component; the neuron answers one pattern and not the other;
#: the weights grow without bound.
RULES: tuple[str, ...] = ("oja", "bcm", "hebb")


@answer_key("hebbian-further-1")
def _rules(answer: Any) -> Verdict:
    names = sorted(set(RULES))
    shape = f"Answer with a tuple of {len(RULES)} rule names, each one of {', '.join(map(repr, names))}."
    if isinstance(answer, str):
        return Verdict(False, shape)
    try:
        given = tuple(str(a).strip().lower() for a in answer)
    except TypeError:
        return Verdict(False, shape)
    if len(given) != len(RULES) or not set(given) <= set(RULES):
        return Verdict(False, shape)
    return expect_equal(
        given,
        RULES,
        describe="rules",
        hint="which rule has a term that shrinks the weights, and which one a threshold that moves?",
    )


# --- hebbian-further-2: the output of Oja's neuron ----------------------------------------------------


@answer_key("hebbian-further-2")
def _oja_output(answer: Any) -> Verdict:
    return expect_number(
        answer,
        largest_eigenvalue(),
        rtol=0.01,
        hint="square the output y = w·x of the final weights for every point of x, then average.",
    )


# --- hebbian-further-3: the BCM neuron's response to its preferred pattern ----------------------------

#: Probability with which the preferred pattern is shown in hebbian-further-3.
PREFERRED_PROBABILITY = 0.25


def bcm_selective_response(p: float = PREFERRED_PROBABILITY) -> float:
    """Response to the preferred pattern at BCM's selective fixed point, ``1/p`` (module docstring)."""
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1]; got {p}")
    return 1.0 / p


@answer_key("hebbian-further-3")
def _bcm_fixed_point(answer: Any) -> Verdict:
    return expect_number(
        answer,
        bcm_selective_response(),
        rtol=0.01,
        hint="the response stops changing when y = θ_M; write θ_M = ⟨y²⟩ as an average over both patterns, "
        "weighted by how often each is shown.",
    )


# --- hebbian-further-4: every pair counts -------------------------------------------------------------

#: Spike times (s) of hebbian-further-4: two presynaptic spikes and a burst of three postsynaptic ones.
PRE, POST = (0.0, 25e-3), (10e-3, 20e-3, 30e-3)


def total_change() -> float:
    """The window of Song et al. summed over every pair of a spike in PRE and one in POST."""
    return plasticity.stdp_pair_sum(PRE, POST, plasticity.SONG2000)


@answer_key("hebbian-further-4")
def _all_pairs(answer: Any) -> Verdict:
    return expect_number(
        answer,
        total_change(),
        rtol=0.01,
        unit="g_max",
        hint="there are six pairs, with Δt = t_post − t_pre; a pair with the presynaptic spike last "
        "depresses.",
    )


# --- hebbian-further-5: competition without a bias towards depression ---------------------------------

#: The page's window (half the amplitudes of SONG2000), and the one of hebbian-further-5, whose depression
#: is WEAK_RATIO times its potentiation.
HALF = replace(plasticity.SONG2000, a_plus=0.005, a_minus=0.00525)
WEAK_RATIO = 0.9
#: Simulated time (s) and seed of hebbian-further-5, and how close to g_max a weight counts as "at g_max".
WEAK_DURATION, WEAK_SEED, NEAR_MAX = 30.0, 0, 0.9


@cache
def fraction_near_max() -> float:
    """Fraction of the weights above NEAR_MAX · g_max after WEAK_DURATION s with the weak-depression window.

    Cached: the run takes a few seconds.
    """
    params = plasticity.CompetitionParams(window=replace(HALF, a_minus=WEAK_RATIO * HALF.a_plus))
    result = plasticity.simulate_competition(WEAK_DURATION, params=params, seed=WEAK_SEED)
    return float(np.mean(result.w / params.g_max > NEAR_MAX))


@answer_key("hebbian-further-5")
def _no_competition(answer: Any) -> Verdict:
    return expect_number(
        answer,
        fraction_near_max(),
        atol=0.02,
        hint="pass CompetitionParams(window=...) with a_minus = 0.9 * a_plus to simulate_competition, and "
        "give a fraction between 0 and 1.",
    )
