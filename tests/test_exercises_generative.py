"""The answer keys of the page on GANs, Transformers and GPT (dlbook.exercises.generative).

Each key accepts the answer the page's solution computes and rejects a plausible wrong one.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import assert_key_decides
from dlbook import history
from dlbook.exercises.generative import (
    GPT3_LAYERS,
    GPT3_WIDTH,
    block_parameters,
    gpt3_block_parameters,
    training_memory_gb,
)


def measured_spread(d_k: int = 64, seed: int = 0) -> float:
    """The solution's measurement: the standard deviation of q·k for 10,000 random pairs."""
    q, k = np.random.default_rng(seed).standard_normal((2, 10_000, d_k))
    return float((q * k).sum(axis=1).std())


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        # the 96 blocks, not the stated total, nor 12 d^2 per block with the feed-forward layer d wide
        ("generative-1", lambda: GPT3_LAYERS * (12 * GPT3_WIDTH**2 + 13 * GPT3_WIDTH), lambda: 175e9),
        ("generative-1", gpt3_block_parameters, lambda: GPT3_LAYERS * 6 * GPT3_WIDTH**2),
        # the spread of the unscaled scores, not of the scaled ones, nor the variance
        ("generative-2", measured_spread, lambda: measured_spread() / 8),
        ("generative-2", measured_spread, lambda: measured_spread() ** 2),
        # -ln 4, not the value of a discriminator that is always right (0) or ln 4
        ("generative-3", lambda: -math.log(4), lambda: 0.0),
        ("generative-3", lambda: -math.log(4), lambda: math.log(4)),
        # weights, gradients and two averages in 32 bits, not the 16-bit weights alone
        ("generative-4", lambda: 16 * history.model("GPT-3").parameters / 1e9, lambda: 350.0),
    ],
)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_a_block_counted_by_pytorch_matches_the_formula() -> None:
    for width, heads in ((64, 4), (GPT3_WIDTH, 96)):
        assert block_parameters(width, heads) == 12 * width**2 + 13 * width
    stated = history.model("GPT-3").parameters
    assert 0.99 < gpt3_block_parameters() / stated < 1.0  # the embeddings make up the rest


def test_training_memory_scales_with_the_model() -> None:
    assert training_memory_gb("GPT-3") == pytest.approx(2800.0)
    assert training_memory_gb("GPT-2", bytes_per_parameter=2) == pytest.approx(
        2 * history.model("GPT-2").parameters / 1e9
    )
