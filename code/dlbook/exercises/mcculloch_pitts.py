r"""Answer keys of the exercises on the page "Artificial neurons (1943)".

Every expected value is computed here with :func:`dlbook.neurons.mcculloch_pitts` and
:func:`dlbook.neurons.find_threshold_units` at the moment the answer is checked; a function the student
writes is checked by running it on every input.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from dlbook import neurons
from dlbook.exercises import Verdict, answer_key, expect_equal

#: The four input patterns of two binary inputs, in the order of the page's truth tables.
INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])

#: mcculloch-pitts-1: the weights of the unit, and the thresholds to try.
WEIGHTS = (1, 1)
THRESHOLDS = (0, 1, 2, 3)

#: mcculloch-pitts-3: integer weights and thresholds searched for each function. Every threshold function
#: of up to three inputs has a realisation with weights and threshold in this range (the counts agree
#: with the published totals, tested in tests/test_exercises_mcculloch_pitts.py).
SEARCH_VALUES = np.arange(-4, 5)


def constant_thresholds(
    weights: tuple[int, ...] = WEIGHTS, thresholds: tuple[int, ...] = THRESHOLDS
) -> set[int]:
    """The thresholds for which the unit with ``weights`` gives the same output for every binary input."""
    patterns = np.array(list(product([0, 1], repeat=len(weights))))
    return {
        theta
        for theta in thresholds
        if len(set(neurons.mcculloch_pitts(patterns, list(weights), theta).tolist())) == 1
    }


@answer_key("mcculloch-pitts-1")
def _constant_units(answer: Any) -> Verdict:
    try:
        given = {int(a) for a in ([answer] if isinstance(answer, int | np.integer) else answer)}
    except (TypeError, ValueError):
        return Verdict(False, "Answer with a set of thresholds, e.g. {1, 2}.")
    return expect_equal(
        given,
        constant_thresholds(),
        describe="set of thresholds",
        hint="what is the smallest and the largest weighted sum the unit can see?",
    )


def xnor_targets() -> np.ndarray:
    """XNOR on :data:`INPUTS`: 1 where the two inputs are equal."""
    return (INPUTS[:, 0] == INPUTS[:, 1]).astype(int)


def _as_bit(value: Any) -> int | None:
    """``value`` as 0 or 1 when it is one (a Python or NumPy integer, a bool, a 0-d or 1-element array)."""
    array = np.asarray(value)
    if array.size != 1 or not (np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_):
        return None
    bit = int(array.reshape(()))
    return bit if bit in (0, 1) else None


@answer_key("mcculloch-pitts-2")
def _xnor(answer: Any) -> Verdict:
    if not callable(answer):
        return Verdict(False, "Answer with your function itself, e.g. check('mcculloch-pitts-2', xnor).")
    wrong = []
    for (x1, x2), target in zip(INPUTS.tolist(), xnor_targets().tolist(), strict=True):
        output = answer(x1, x2)
        bit = _as_bit(output)
        if bit is None:
            return Verdict(False, f"xnor({x1}, {x2}) returned {output!r}; a threshold unit outputs 0 or 1.")
        if bit != target:
            wrong.append(f"({x1}, {x2})")
    if wrong:
        return Verdict(
            False,
            f"Not yet: wrong output for {', '.join(wrong)}. Hint: XNOR is 1 when both inputs are on OR both "
            "are off; which single units detect each case?",
        )
    return Verdict(True, "Correct.")


def count_threshold_functions(n: int, values: np.ndarray = SEARCH_VALUES) -> int:
    """How many of the :math:`2^{2^n}` Boolean functions of ``n`` inputs one threshold unit computes.

    A function counts when :func:`dlbook.neurons.find_threshold_units` finds a unit for it with weights and
    threshold from ``values``.

    Raises:
        ValueError: if ``n`` is not 1, 2 or 3 (beyond three inputs the search grid is not known to suffice).
    """
    if n not in (1, 2, 3):
        raise ValueError(f"n must be 1, 2 or 3; got {n}")
    patterns = np.array(list(product([0, 1], repeat=n)))
    return sum(
        bool(neurons.find_threshold_units(patterns, list(targets), values))
        for targets in product([0, 1], repeat=len(patterns))
    )


@answer_key("mcculloch-pitts-3")
def _counts(answer: Any) -> Verdict:
    try:
        given = tuple(int(a) for a in answer)
    except (TypeError, ValueError):
        return Verdict(False, "Answer with a pair of counts: (for two inputs, for three inputs).")
    if len(given) != 2:
        return Verdict(False, "Answer with a pair of counts: (for two inputs, for three inputs).")
    expected = (count_threshold_functions(2), count_threshold_functions(3))
    wrong = [name for name, g, e in zip(("two", "three"), given, expected, strict=True) if g != e]
    if wrong:
        return Verdict(
            False,
            f"Not yet: the count for {' and '.join(wrong)} inputs is not right. Hint: loop over every "
            "truth table with itertools.product([0, 1], repeat=...) and ask find_threshold_units for each.",
        )
    return Verdict(True, "Correct.")


def xor_targets() -> np.ndarray:
    """XOR on :data:`INPUTS`: 1 where exactly one input is on."""
    return (INPUTS[:, 0] != INPUTS[:, 1]).astype(int)


def with_product(inputs: np.ndarray = INPUTS) -> np.ndarray:
    """The inputs with a third column, the product :math:`x_1 x_2`, shape ``(m, 3)``."""
    return np.c_[inputs, inputs[:, 0] * inputs[:, 1]]


@answer_key("mcculloch-pitts-4")
def _xor_with_product(answer: Any) -> Verdict:
    try:
        *weights, theta = (float(a) for a in answer)
    except (TypeError, ValueError):
        return Verdict(False, "Answer with four numbers (w1, w2, w3, theta).")
    if len(weights) != 3:
        return Verdict(False, "Answer with four numbers (w1, w2, w3, theta).")
    outputs = neurons.mcculloch_pitts(with_product(), weights, theta)
    return expect_equal(
        outputs,
        xor_targets(),
        describe="XOR truth table",
        hint="the product input is 1 only for (1, 1): its weight must undo what x1 and x2 add there.",
    )
