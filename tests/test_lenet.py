"""Unit tests of dlbook.lenet: the lecture's LeNet-5."""

from __future__ import annotations

import pytest
import torch
from dlbook.lenet import LeNet5, build, count_parameters


def test_parameter_count_is_61706():
    assert count_parameters(LeNet5()) == 61_706


def test_layer_names_and_shapes_are_the_lecture_s():
    shapes = {name: tuple(p.shape) for name, p in LeNet5().named_parameters()}
    assert shapes == {
        "conv1.weight": (6, 1, 5, 5),
        "conv1.bias": (6,),
        "conv2.weight": (16, 6, 5, 5),
        "conv2.bias": (16,),
        "fc1.weight": (120, 400),
        "fc1.bias": (120,),
        "fc2.weight": (84, 120),
        "fc2.bias": (84,),
        "fc3.weight": (10, 84),
        "fc3.bias": (10,),
    }
    model = LeNet5()
    assert model.conv1.padding == (2, 2) and model.conv2.padding == (0, 0)


def test_output_shape_is_batch_by_ten():
    out = LeNet5()(torch.zeros(5, 1, 28, 28))
    assert out.shape == (5, 10)


@pytest.mark.parametrize("shape", [(1, 28, 28), (2, 3, 28, 28), (2, 1, 32, 32), (784,)])
def test_wrong_input_shape_says_what_was_expected(shape):
    with pytest.raises(ValueError, match=r"N×1×28×28") as info:
        LeNet5()(torch.zeros(shape))
    assert str(tuple(shape)) in str(info.value)


def test_missing_batch_dimension_hint():
    with pytest.raises(ValueError, match="unsqueeze"):
        LeNet5()(torch.zeros(1, 28, 28))


def test_build_is_seeded_and_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    a, b, c = build(0), build(0), build(1)
    after = torch.rand(3)
    assert torch.equal(before, after)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(a.conv1.weight, c.conv1.weight)
