r"""Answer keys of the exercises on the chapter page "Learning in nature".

The spike-timing window is :func:`dlbook.plasticity.stdp_window` with the parameters of
:data:`dlbook.plasticity.SONG2000`, and the runaway growth of plain Hebbian learning is computed by
:func:`dlbook.plasticity.hebb`; for one input :math:`x` presented again and again,

.. math::

   w_{k+1} = w_k + \eta\,(w_k x)\,x = (1 + \eta x^2)\,w_k
   \quad\Longrightarrow\quad w_k = (1 + \eta x^2)^k\,w_0 .
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook import plasticity
from dlbook.exercises import Verdict, answer_key, expect_choice, expect_number

#: What the artificial neuron keeps of the biological one, among the options of exercise nature-1:
#: a weighted sum of the inputs and a threshold.
KEPT = frozenset({"A", "B"})


@answer_key("nature-1")
def _kept(answer: Any) -> Verdict:
    return expect_choice(
        answer,
        KEPT,
        "ABCDE",
        hint="the artificial neuron's output is a function of its inputs and weights only, computed in "
        "one step.",
    )


#: The delay (s) of exercise nature-2.
DELAY = 20e-3


def remaining_fraction(delta_t: float = DELAY) -> float:
    """Potentiation of a causal pair at ``delta_t`` (s) relative to its maximum, Song et al.'s window."""
    window = plasticity.SONG2000
    return float(plasticity.stdp_window(delta_t, window) / window.a_plus)


@answer_key("nature-2")
def _window_at_20ms(answer: Any) -> Verdict:
    return expect_number(
        answer,
        remaining_fraction(),
        rtol=0.01,
        hint="divide stdp_window(20e-3) by the window's a_plus (a fraction, not a percentage).",
    )


#: Exercise nature-3: one input x = 1 presented STEPS times with learning rate ETA from weight W0.
X, ETA, W0, STEPS = 1.0, 0.1, 0.1, 50


def hebb_weight(steps: int = STEPS) -> float:
    """The weight after ``steps`` presentations of the input ``X`` under plain Hebbian learning."""
    trajectory = plasticity.hebb(np.full((1, 1), X), eta=ETA, w0=[W0], epochs=steps)
    return float(trajectory[-1, 0])


@answer_key("nature-3")
def _hebb_growth(answer: Any) -> Verdict:
    return expect_number(
        answer,
        hebb_weight(),
        rtol=1e-3,
        hint="each presentation multiplies the weight by the same factor; find it from Δw = η y x with "
        "y = w x.",
    )
