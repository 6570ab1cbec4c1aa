r"""Answer keys of the exercises on the page "Hebbian theory".

Every expected value is computed here, when the answer is checked, from the givens of the exercise: the
two-dimensional cloud of points the page draws (:func:`cloud`), the windows
:class:`dlbook.plasticity.STDPWindow` and :data:`dlbook.plasticity.SONG2000`, and the expected change of
a synapse between independent Poisson neurons, :func:`dlbook.plasticity.expected_stdp_poisson`. Averaged
over the data, Hebb's rule multiplies the component of the weights along the leading eigenvector of the
covariance (eigenvalue :math:`\lambda_1`) by :math:`1 + \eta\lambda_1` per update, so the weights grow
tenfold in

.. math::

   n_{10} = \frac{\ln 10}{\ln(1 + \eta\lambda_1)}

updates; for long independent trains the expected change is about
:math:`r_\text{pre}\,r_\text{post}\,T\,(A_+\tau_+ - A_-\tau_-)`.

Used on the page :doc:`/book/nature/hebbian`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlbook import plasticity
from dlbook.exercises import Verdict, answer_key, expect_choice, expect_number

# --- hebbian-1: what the rule reads -------------------------------------------------------------------

#: What Hebb's rule Δw_i = η y x_i uses, among the options of hebbian-1: the input at the synapse (A)
#: and the neuron's output (B); no target (C), error (D) or gradient of a loss (E).
LOCAL = frozenset({"A", "B"})


@answer_key("hebbian-1")
def _local(answer: Any) -> Verdict:
    return expect_choice(
        answer,
        LOCAL,
        "ABCDE",
        hint="read the rule Δw_i = η y x_i term by term: which quantities appear in it?",
    )


# --- hebbian-2: how fast Hebb's rule grows ------------------------------------------------------------

#: The cloud of points on both Hebbian pages: N_POINTS zero-mean points with VARIANCES along two
#: axes rotated by ANGLE_DEG, drawn from numpy.random.default_rng(SEED).
N_POINTS, VARIANCES, ANGLE_DEG, SEED = 1000, (4.0, 0.5), 30.0, 0
#: The learning rate of Hebb's rule on the page.
ETA = 1e-3


def cloud() -> np.ndarray:
    """The page's data, shape ``(N_POINTS, 2)``, drawn exactly as the page's first code cell draws it."""
    rng = np.random.default_rng(SEED)
    angle = np.deg2rad(ANGLE_DEG)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return rng.normal(size=(N_POINTS, 2)) * np.sqrt(VARIANCES) @ rotation.T


def largest_eigenvalue() -> float:
    """The largest eigenvalue :math:`\\lambda_1` of the covariance of :func:`cloud`."""
    return float(np.linalg.eigvalsh(np.cov(cloud().T, bias=True))[-1])


def updates_tenfold(eta: float = ETA) -> float:
    """Updates of Hebb's rule that multiply the weights' length by 10, predicted from :math:`\\lambda_1`."""
    return math.log(10) / math.log1p(eta * largest_eigenvalue())


@answer_key("hebbian-2")
def _tenfold(answer: Any) -> Verdict:
    # 2 %: np.cov with or without bias, or ln(1 + ηλ) ≈ ηλ, all agree within a fraction of a percent,
    # and so does the slope measured on the simulated curve once the leading direction dominates.
    return expect_number(
        answer,
        updates_tenfold(),
        rtol=0.02,
        unit="updates",
        hint="each update multiplies the weights' component along the leading eigenvector by 1 + ηλ₁; "
        "solve (1 + ηλ₁)^n = 10 for n, with λ₁ from the covariance of the data x.",
    )


# --- hebbian-3: a window of your own ------------------------------------------------------------------

#: The window of hebbian-3: depression 50 % stronger than potentiation but half as long.
WINDOW = plasticity.STDPWindow(a_plus=0.01, a_minus=0.015, tau_plus=20e-3, tau_minus=10e-3)
#: Rate (Hz) of both independent neurons and length (s) of their trains, as on the page.
RATE, DURATION = 20.0, 10.0


def expected_change(window: plasticity.STDPWindow = WINDOW) -> float:
    """Expected total change of the synapse between two independent RATE Hz neurons over DURATION s."""
    return plasticity.expected_stdp_poisson(RATE, RATE, DURATION, window)


@answer_key("hebbian-3")
def _own_window(answer: Any) -> Verdict:
    return expect_number(
        answer,
        expected_change(),
        rtol=0.01,
        hint="build the window with plasticity.STDPWindow (times in seconds) and pass it to "
        "expected_stdp_poisson; without it the function uses Song et al.'s window.",
    )


# --- hebbian-4: how long uncoordinated firing takes to remove a synapse -------------------------------

#: Rate (Hz) of the two independent neurons of hebbian-4, and the change that removes a synapse at
#: g_max (the window's amplitudes are in units of g_max).
REMOVAL_RATE, REMOVAL_CHANGE = 20.0, -1.0


def removal_time(rate: float = REMOVAL_RATE, window: plasticity.STDPWindow = plasticity.SONG2000) -> float:
    """Time (s) after which the expected change between independent neurons reaches REMOVAL_CHANGE.

    Solved on :func:`dlbook.plasticity.expected_stdp_poisson` itself by the secant method, which converges
    in a few steps because the expectation is a straight line in the duration once it exceeds τ±.
    """

    def excess(duration: float) -> float:
        return plasticity.expected_stdp_poisson(rate, rate, duration, window) - REMOVAL_CHANGE

    t0, t1 = 1.0, 10.0
    for _ in range(50):
        f0, f1 = excess(t0), excess(t1)
        if f1 == f0:
            break
        t0, t1 = t1, t1 - f1 * (t1 - t0) / (f1 - f0)
        if abs(t1 - t0) < 1e-9 * abs(t1):
            break
    return t1


@answer_key("hebbian-4")
def _removal(answer: Any) -> Verdict:
    return expect_number(
        answer,
        removal_time(),
        rtol=0.01,
        unit="s",
        hint="the expected change grows like r_pre · r_post · T · (A₊τ₊ − A₋τ₋); set it to −1 (one g_max) "
        "and solve for T, with both rates in Hz and τ± in seconds.",
    )
