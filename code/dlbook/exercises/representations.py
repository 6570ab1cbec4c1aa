r"""Answer keys of the exercises on the page "Learning representations and the second AI winter".

Every expected value is computed when the answer is checked: from the XOR data and threshold units of
:mod:`dlbook.autodiff` and :mod:`dlbook.neurons`, and, for a trained recurrent network, by testing it on
fresh sequences of :func:`dlbook.recurrent.delayed_recall`.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from dlbook import autodiff, neurons

if TYPE_CHECKING:
    from torch import nn

# torch and dlbook.recurrent are imported inside the functions that use them: every page that checks
# an answer loads all answer keys, and most of those pages never touch torch.
from dlbook.exercises import Verdict, answer_key, expect_equal

#: Exercise representations-1: the number of one-hot patterns the encoder must pass through its code.
ENCODER_PATTERNS = 1000

#: Exercise representations-3: the delay to learn, the length of the test sequences (the page's training
#: length), the share of bits that must be recalled, and the seed of the test bits.
RECALL_DELAY, RECALL_LENGTH, RECALL_TARGET, RECALL_TEST_SEED = 15, 24, 0.95, 2024

#: Exercise representations-4: the recurrent weight of the one-unit linear network and the fraction of
#: the lag-0 gradient below which the gradient counts as vanished.
LINEAR_WEIGHT, VANISHED = 0.5, 1e-3


def best_single_unit_on_xor(values: np.ndarray | None = None) -> int:
    r"""The most XOR patterns that one threshold unit gets right, by exhaustive search.

    Every unit :math:`[w_1 x_1 + w_2 x_2 \ge \theta]` with weights and threshold from ``values`` is tried,
    and so is its negation (an output layer can flip a unit's vote). A network whose only hidden unit
    feeds the output makes the same kind of decision, a threshold on :math:`w \cdot x`, whatever the
    monotone activation in between.
    """
    x, y = autodiff.xor_data()
    grid = np.arange(-3.0, 3.5, 0.5) if values is None else np.asarray(values, dtype=float)
    best = 0
    for w1 in grid:
        for w2 in grid:
            for theta in grid:
                out = neurons.mcculloch_pitts(x, np.array([w1, w2]), float(theta))
                right = int((out == y).sum())
                best = max(best, right, len(y) - right)
    return best


def recall_score(model: nn.Module, delay: int = RECALL_DELAY, length: int = RECALL_LENGTH) -> float:
    """The share of bits ``model`` recalls on 1024 fresh test sequences of the delayed-recall task."""
    import torch

    from dlbook import recurrent

    x, y = recurrent.delayed_recall(1024, length, delay, torch.Generator().manual_seed(RECALL_TEST_SEED))
    return recurrent.recall_accuracy(model, x, y)


def vanishing_lag(weight: float = LINEAR_WEIGHT, fraction: float = VANISHED) -> int:
    r"""The smallest lag :math:`k` with :math:`|w|^k < \text{fraction}`: the gradient of the linear unit
    :math:`h_t = w h_{t-1} + x_t` with respect to an input :math:`k` steps back is :math:`w^k`."""
    if not 0 < abs(weight) < 1:
        raise ValueError(f"weight must satisfy 0 < |weight| < 1 for the gradient to vanish; got {weight}")
    return math.floor(math.log(fraction) / math.log(abs(weight))) + 1


def _whole_number(answer: Any, what: str) -> Verdict | None:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        return Verdict(False, f"Answer with a whole number of {what}.")
    return None


@answer_key("representations-1")
def _code_units(answer: Any) -> Verdict:
    n_patterns = autodiff.encoder_data(ENCODER_PATTERNS)[0].shape[0]
    return _whole_number(answer, "hidden units") or expect_equal(
        int(answer),
        math.ceil(math.log2(n_patterns)),
        describe="number of units",
        hint="k binary units have 2**k different on/off patterns; you need one per input pattern.",
    )


@answer_key("representations-2")
def _one_hidden_unit(answer: Any) -> Verdict:
    return _whole_number(answer, "patterns (0 to 4)") or expect_equal(
        int(answer),
        best_single_unit_on_xor(),
        describe="number of patterns",
        hint="train MLP((2, 1, 2), activation='sigmoid', seed=s) for a few seeds; count the right answers.",
    )


@answer_key("representations-3")
def _delay_15(answer: Any) -> Verdict:
    from torch import nn

    if not isinstance(answer, nn.Module):
        return Verdict(False, "Pass the trained network itself (the model that train_recall returns).")
    score = recall_score(answer)
    if score >= RECALL_TARGET:
        return Verdict(True, f"Correct: your network recalls {score:.1%} of the bits.")
    return Verdict(
        False,
        f"Not yet: your network recalls {score:.1%} of the bits {RECALL_DELAY} steps back, "
        f"below {RECALL_TARGET:.0%}. Hint: keep the delay and the number of steps; give the network "
        "more hidden units.",
    )


@answer_key("representations-4")
def _vanishing_lag(answer: Any) -> Verdict:
    return _whole_number(answer, "steps") or expect_equal(
        int(answer),
        vanishing_lag(),
        describe="lag",
        hint="the gradient through k steps is w**k; find the first k at which it drops below 1/1000.",
    )
