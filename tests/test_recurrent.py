"""Tests of dlbook.recurrent: the delayed-recall task and an Elman network trained through time.

Training a network to a result (hundreds of steps) is marked ``slow``; a few steps of ``train_recall``
are quick and check that it updates the weights and reports the loss of every step.
"""

from __future__ import annotations

import math

import pytest
import torch
from dlbook.recurrent import (
    CHANCE_LOSS,
    ElmanRNN,
    delayed_recall,
    one_thread,
    recall_accuracy,
    recall_loss,
    sensitivity_through_time,
    train_recall,
)


def test_targets_are_the_delayed_inputs() -> None:
    x, y = delayed_recall(5, 12, 3, torch.Generator().manual_seed(0))
    assert x.shape == (5, 12, 1) and y.shape == (5, 9)
    assert y.dtype == torch.int64
    torch.testing.assert_close(y, x[:, :9, 0].long())
    x2, _ = delayed_recall(5, 12, 3, torch.Generator().manual_seed(0))
    torch.testing.assert_close(x, x2)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="length > delay"):
        delayed_recall(2, 3, 3, torch.Generator())
    with pytest.raises(ValueError, match="hidden"):
        ElmanRNN(0)
    with pytest.raises(ValueError, match=r"\(batch, length, 1\)"):
        ElmanRNN(4)(torch.zeros(2, 5))


def test_untrained_network_is_at_chance() -> None:
    assert CHANCE_LOSS == pytest.approx(math.log(2))
    torch.manual_seed(0)
    x, y = delayed_recall(256, 20, 4, torch.Generator().manual_seed(1))
    assert recall_loss(ElmanRNN(8), x, y).item() == pytest.approx(CHANCE_LOSS, abs=0.05)


def test_gradient_reaches_the_recurrent_weights_through_time() -> None:
    torch.manual_seed(0)
    model = ElmanRNN(6)
    x, y = delayed_recall(4, 10, 3, torch.Generator().manual_seed(2))
    recall_loss(model, x, y).backward()
    assert model.cell.weight_hh.grad.abs().sum() > 0
    # the first input influences later outputs only through the recurrent weights
    x = x.clone().requires_grad_(True)
    model(x)[:, -1].sum().backward()
    assert x.grad[:, 0].abs().sum() > 0


def test_a_few_steps_of_train_recall_update_the_weights() -> None:
    torch.manual_seed(0)
    untrained = ElmanRNN(16)  # what train_recall starts from with seed 0
    model, losses = train_recall(delay=5, steps=3, seed=0)
    assert len(losses) == 3 and all(math.isfinite(v) for v in losses)
    assert losses[0] == pytest.approx(CHANCE_LOSS, abs=0.1)
    assert not torch.equal(model.cell.weight_hh, untrained.cell.weight_hh)
    with pytest.raises(ValueError, match="steps >= 1"):
        train_recall(steps=0)


@pytest.mark.slow
def test_delayed_recall_is_learned() -> None:
    model, losses = train_recall(delay=5, steps=250, seed=0)
    assert losses[0] > 0.6
    assert losses[-1] < 0.05
    x, y = delayed_recall(256, 30, 5, torch.Generator().manual_seed(123))
    assert recall_accuracy(model, x, y) > 0.99
    # the trained network attends to the input five steps back more than to any other
    assert int(sensitivity_through_time(model, x).argmax()) == 5


def test_untrained_sensitivity_vanishes_with_lag() -> None:
    torch.manual_seed(0)
    x, _ = delayed_recall(128, 30, 5, torch.Generator().manual_seed(3))
    s = sensitivity_through_time(ElmanRNN(16), x)
    assert s.shape == (30,)
    assert s[12:].max() < 1e-2 * s[:2].max()


@pytest.mark.slow
def test_memoryless_network_stays_at_chance() -> None:
    model, _ = train_recall(delay=5, steps=60, seed=0)
    with torch.no_grad():
        model.cell.weight_hh.zero_()  # cut the loop: the state forgets everything at each step
    x, y = delayed_recall(512, 30, 5, torch.Generator().manual_seed(7))
    assert 0.4 < recall_accuracy(model, x, y) < 0.6


def test_one_thread_restores_the_thread_count() -> None:
    before = torch.get_num_threads()
    with one_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
