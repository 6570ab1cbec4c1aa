"""The answer keys of the page on convolutional networks (dlbook.exercises.cnn).

Each key accepts the answer the page's solution computes and rejects a plausible wrong one. Nothing here
trains: the keys only build layers and run them on a blank image.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from conftest import assert_key_decides
from dlbook.exercises import check
from dlbook.exercises.cnn import (
    no_pooling_parameters,
    plain_loss_at_floor,
    smoothed_loss_floor,
    unpadded_fc1_inputs,
    unshared_conv1_parameters,
)
from dlbook.lenet import LeNet5, count_parameters
from dlbook.train import RECIPES
from torch import nn


class NoPoolLeNet(LeNet5):
    """The solution's network: LeNet-5 without its two pooling steps, fc1 widened to fit."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(16 * 24 * 24, 120)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.flatten(F.relu(self.conv2(F.relu(self.conv1(x)))), 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        # 16 maps of 4×4, not the 5×5 of the padded network
        ("cnn-1", lambda: 16 * 4 * 4, lambda: 16 * 5 * 5),
        # the whole network without pooling, not only its fc1, nor LeNet-5 itself
        ("cnn-2", lambda: count_parameters(NoPoolLeNet()), lambda: count_parameters(NoPoolLeNet().fc1)),
        ("cnn-2", lambda: count_parameters(NoPoolLeNet()), lambda: count_parameters(LeNet5())),
        # one set of weights per unit, biases included
        ("cnn-3", lambda: 6 * 28 * 28 * 26, lambda: 6 * 28 * 28 * 25),
        # the entropy of the smoothed target, not zero nor the plain cross-entropy at the optimum
        ("cnn-4", smoothed_loss_floor, lambda: 0.0),
        ("cnn-4", smoothed_loss_floor, plain_loss_at_floor),
    ],
)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_the_keys_count_what_the_layers_build() -> None:
    model = NoPoolLeNet()
    assert model(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert no_pooling_parameters() == count_parameters(model)
    assert unpadded_fc1_inputs() == 256
    conv1 = LeNet5().conv1
    assert unshared_conv1_parameters() == 28 * 28 * count_parameters(conv1)


def test_the_smoothed_floor_is_the_entropy_of_the_target() -> None:
    eps, k = RECIPES["mnist"].label_smoothing, 10
    q = [1 - eps + eps / k] + [eps / k] * (k - 1)
    assert smoothed_loss_floor() == pytest.approx(-sum(p * math.log(p) for p in q))
    assert plain_loss_at_floor() == pytest.approx(-math.log(q[0]))
    assert smoothed_loss_floor(0.0) == pytest.approx(0.0, abs=1e-12)


def test_a_count_must_be_a_whole_number(capsys) -> None:
    assert check("cnn-2", float(no_pooling_parameters())) is False
    assert "whole number" in capsys.readouterr().out
