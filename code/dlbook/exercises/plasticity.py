r"""Answer keys of the exercises on the page "Synaptic plasticity".

Every expected value is computed here by the same :mod:`dlbook` functions the pages use, at the moment
the answer is checked.

Used on the page :doc:`/book/nature/plasticity`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlbook import neurons, plasticity
from dlbook.exercises import Verdict, answer_key, expect_equal, expect_number

#: The pairing experiment of the plasticity page: 60 pairings at 1 Hz with the Bi & Poo window.
N_PAIRINGS = 60


def _epsp_peak_mv(weight: float) -> float:
    """Peak of the EPSP above rest (mV) evoked by one spike through a synapse of ``weight``."""
    response = neurons.epsp(weight)
    return float((response.u.max() - neurons.LIF.u_rest) * 1e3)


def epsp_change_percent(delta_t: float, n_pairings: int = N_PAIRINGS) -> float:
    """Change (%) of the EPSP after ``n_pairings`` pairings at ``delta_t`` (s), Bi & Poo's total window."""
    bi_poo = plasticity.BI_POO1998
    per_pairing = plasticity.STDPWindow(
        a_plus=bi_poo.a_plus / n_pairings,
        a_minus=bi_poo.a_minus / n_pairings,
        tau_plus=bi_poo.tau_plus,
        tau_minus=bi_poo.tau_minus,
    )
    w = plasticity.pairing_protocol(delta_t, n_pairings=n_pairings, frequency=1.0, window=per_pairing)
    return 100 * (_epsp_peak_mv(float(w[-1])) / _epsp_peak_mv(float(w[0])) - 1)


#: The delays (s) of exercise plasticity-1, Δt = t_post − t_pre.
SIGN_DELAYS = (-15e-3, -2e-3, 3e-3, 40e-3)


@answer_key("plasticity-1")
def _signs(answer: Any) -> Verdict:
    expected = tuple(
        int(s) for s in np.sign(plasticity.stdp_window(np.array(SIGN_DELAYS), plasticity.BI_POO1998))
    )
    try:
        given = tuple(int(a) for a in answer)
    except (TypeError, ValueError):
        return Verdict(False, f"Answer with a tuple of {len(SIGN_DELAYS)} signs, +1 or -1, one per delay.")
    if len(given) != len(SIGN_DELAYS) or not set(given) <= {-1, 1}:
        return Verdict(
            False, f"Answer with {len(SIGN_DELAYS)} signs, each +1 or -1, in the order of the delays."
        )
    return expect_equal(
        given, expected, describe="signs", hint="Δt = t_post − t_pre: is the input before the output?"
    )


@answer_key("plasticity-2")
def _epsp_at_30ms(answer: Any) -> Verdict:
    return expect_number(
        answer,
        epsp_change_percent(30e-3),
        rtol=0.02,
        unit="%",
        hint="run the pairing protocol with delta_t = 30e-3 and compare the last EPSP with the first.",
    )


@answer_key("plasticity-3")
def _linearity(answer: Any) -> Verdict:
    expected = _epsp_peak_mv(2.0) / _epsp_peak_mv(1.0)
    return expect_number(
        answer, expected, rtol=1e-6, hint="divide the peak for weight 2 by the peak for weight 1."
    )


@answer_key("plasticity-4")
def _half_life(answer: Any) -> Verdict:
    expected_ms = 1e3 * plasticity.BI_POO1998.tau_plus * math.log(2)
    return expect_number(
        answer, expected_ms, rtol=0.01, unit="ms", hint="solve exp(-Δt/τ₊) = 1/2 for Δt, and give it in ms."
    )
