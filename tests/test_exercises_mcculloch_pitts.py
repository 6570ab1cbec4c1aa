"""The answer keys of the McCulloch-Pitts page's exercises (dlbook.exercises.mcculloch_pitts).

Each key accepts the answer its solution on the page computes and rejects a plausible wrong one. The
counts of functions a single threshold unit computes, found by the key's grid search, are the published
numbers of threshold functions of two and three inputs (OEIS A000609: 14 and 104).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_key_decides
from dlbook import neurons
from dlbook.exercises import check
from dlbook.exercises import mcculloch_pitts as keys


def xnor_two_layers(x1, x2):
    """The page's solution of mcculloch-pitts-2: OR of AND and NOR."""
    both_on = neurons.mcculloch_pitts([x1, x2], [1, 1], 2)
    both_off = neurons.mcculloch_pitts([x1, x2], [-1, -1], 0)
    return neurons.mcculloch_pitts([both_on, both_off], [1, 1], 1)


def xnor_negated_xor(x1, x2):
    """The page's XOR network with its output unit negated (NAND of OR and NAND)."""
    hidden = [neurons.mcculloch_pitts([x1, x2], [1, 1], 1), neurons.mcculloch_pitts([x1, x2], [-1, -1], -1)]
    return neurons.mcculloch_pitts(hidden, [-1, -1], -1)


def xor_two_layers(x1, x2):
    """The page's XOR network: a plausible wrong answer to the XNOR exercise."""
    hidden = [neurons.mcculloch_pitts([x1, x2], [1, 1], 1), neurons.mcculloch_pitts([x1, x2], [-1, -1], -1)]
    return neurons.mcculloch_pitts(hidden, [1, 1], 2)


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        ("mcculloch-pitts-1", {0, 3}, {3}),  # a threshold of 0 fires even with no input
        ("mcculloch-pitts-1", [3, 0], {1, 2}),
        ("mcculloch-pitts-2", xnor_two_layers, xor_two_layers),
        ("mcculloch-pitts-2", xnor_negated_xor, lambda x1, x2: neurons.mcculloch_pitts([x1, x2], [1, 1], 2)),
        ("mcculloch-pitts-3", (14, 104), (14, 128)),
        ("mcculloch-pitts-3", [14, 104], (16, 104)),
        ("mcculloch-pitts-4", (1, 1, -2, 1), (1, 1, 0, 1)),  # without the product input: OR
        ("mcculloch-pitts-4", (2.0, 2.0, -3.0, 1.5), (1, 1, -1, 1)),
    ],
)
def test_each_exercise_accepts_its_answer_and_rejects_a_wrong_one(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right, wrong, capsys)


def test_the_search_finds_the_published_numbers_of_threshold_functions() -> None:
    # OEIS A000609: 2, 4, 14, 104, ... threshold functions of n = 0, 1, 2, 3 or fewer inputs
    assert [keys.count_threshold_functions(n) for n in (1, 2, 3)] == [4, 14, 104]
    assert keys.count_threshold_functions(3, np.arange(-3, 4)) == 104, "the page's grid suffices"
    assert keys.count_threshold_functions(3, np.arange(-2, 3)) < 104, "a smaller grid misses some"
    with pytest.raises(ValueError, match="n must be"):
        keys.count_threshold_functions(4)


def test_truth_tables_and_the_product_input() -> None:
    assert keys.xnor_targets().tolist() == [1, 0, 0, 1]
    assert keys.xor_targets().tolist() == [0, 1, 1, 0]
    assert keys.with_product()[:, 2].tolist() == [0, 0, 0, 1]
    assert keys.constant_thresholds() == {0, 3}
    assert keys.constant_thresholds((1, 1, 1), (0, 1, 2, 3, 4)) == {0, 4}


def test_a_function_that_returns_nonsense_gets_a_message_not_a_crash(capsys) -> None:
    assert check("mcculloch-pitts-2", lambda x1, x2: None) is False
    assert "returned None" in capsys.readouterr().out
    assert check("mcculloch-pitts-2", lambda x1, x2: 2) is False
    assert check("mcculloch-pitts-2", "not a function") is False
    assert check("mcculloch-pitts-4", (1, 1)) is False
    assert check("mcculloch-pitts-3", 14) is False
