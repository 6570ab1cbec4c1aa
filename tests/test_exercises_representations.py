"""The answer keys of the page on learning representations (dlbook.exercises.representations).

Each key accepts the answer the page's solution computes and rejects a plausible wrong one; the one test
that trains a recurrent network is marked slow.
"""

from __future__ import annotations

import math

import pytest
import torch
from conftest import assert_key_decides
from dlbook.autodiff import MLP, train, xor_data
from dlbook.exercises import check
from dlbook.exercises.representations import (
    RECALL_TARGET,
    best_single_unit_on_xor,
    recall_score,
    vanishing_lag,
)
from dlbook.recurrent import ElmanRNN, train_recall


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        ("representations-1", 10, 1000),  # a binary code for 1000 patterns, not a one-hot one
        ("representations-1", 10, 9),  # 2**9 = 512 codes are too few
        ("representations-2", 3, 4),  # one hidden unit never solves XOR
        ("representations-4", 10, 9),  # 0.5**9 is still above 1/1000
    ],
)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right, wrong, capsys)


def test_one_threshold_unit_gets_three_of_four_xor_patterns_at_best() -> None:
    assert best_single_unit_on_xor() == 3
    x, y = xor_data()
    net = MLP((2, 1, 2), activation="sigmoid", seed=0)
    train(net, x, y, steps=300, lr=1.0)
    assert int((net(x).data.argmax(axis=1) == y).sum()) <= best_single_unit_on_xor()


def test_the_vanishing_lag_is_the_first_below_the_fraction() -> None:
    k = vanishing_lag(0.5, 1e-3)
    assert 0.5**k < 1e-3 <= 0.5 ** (k - 1)
    assert vanishing_lag(0.9, 0.01) == math.floor(math.log(0.01) / math.log(0.9)) + 1
    with pytest.raises(ValueError, match="weight"):
        vanishing_lag(1.5)


def test_an_untrained_or_missing_network_is_rejected(capsys) -> None:
    torch.manual_seed(0)
    assert recall_score(ElmanRNN(16)) < 0.6  # chance is one half
    assert check("representations-3", ElmanRNN(16)) is False
    assert "Not yet" in capsys.readouterr().out
    assert check("representations-3", 0.99) is False
    assert "trained network" in capsys.readouterr().out


@pytest.mark.slow
def test_the_solutions_wider_network_recalls_fifteen_steps_back() -> None:
    model, _ = train_recall(delay=15, hidden=64, steps=300, length=24, seed=0)
    assert recall_score(model) >= RECALL_TARGET
    assert check("representations-3", model, strict=True, quiet=True)
