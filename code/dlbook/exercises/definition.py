r"""Answer keys of the exercises on the page "What is deep learning?".

The parameter counts are counted with :func:`dlbook.lenet.count_parameters` on the PyTorch layers the
exercises describe (a layer :math:`\mathbb{R}^{m} \to \mathbb{R}^{k}` has :math:`km + k` parameters),
and the receptive field is measured, not computed from a formula: the gradient of one output unit of a
stack of convolutions with respect to the input is non-zero exactly on the input pixels that the unit
sees.
"""

from __future__ import annotations

import numbers
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from dlbook.exercises import Verdict, answer_key, expect_equal

if TYPE_CHECKING:  # torch is imported when a key runs, so that loading the keys stays fast
    from torch import nn

#: The widths of the fully connected network of exercises definition-2 and definition-3.
WIDTHS: tuple[int, ...] = (784, 256, 256, 10)


def stacked_layers(widths: tuple[int, ...] = WIDTHS, *, relu: bool = True) -> nn.Sequential:
    """Fully connected layers ``widths[0] → widths[1] → …``, with a ReLU between them if ``relu``."""
    from torch import nn

    layers: list[nn.Module] = []
    for i, (m, k) in enumerate(pairwise(widths)):
        if i and relu:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(m, k))
    return nn.Sequential(*layers)


def _whole_number(answer: Any) -> int | None:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or answer != int(answer):
        return None
    return int(answer)


def count_parameters(model: nn.Module) -> int:
    """Trainable parameters of ``model`` (:func:`dlbook.lenet.count_parameters`)."""
    from dlbook.lenet import count_parameters as count

    return count(model)


@answer_key("definition-2")
def _linear_stack(answer: Any) -> Verdict:
    from dlbook.train import logistic_regression

    expected = (
        count_parameters(stacked_layers(relu=False)),
        count_parameters(logistic_regression(0)),  # one linear layer 784 → 10, the same function class
    )
    try:
        given = tuple(_whole_number(a) for a in answer)
    except TypeError:
        given = ()
    if len(given) != 2 or None in given:
        return Verdict(
            False, "Answer with two whole numbers: (parameters of the stack, of one equivalent layer)."
        )
    return expect_equal(
        given,
        expected,
        describe="pair of parameter counts",
        hint="a linear layer from m to k numbers has a k×m matrix and k biases; the product of the "
        "three matrices maps 784 numbers to 10.",
    )


@answer_key("definition-3")
def _finite_differences(answer: Any) -> Verdict:
    n = _whole_number(answer)
    if n is None:
        return Verdict(False, "Answer with one whole number of forward passes.")
    return expect_equal(
        n,
        count_parameters(stacked_layers()) + 1,
        describe="number of forward passes",
        hint="one pass at the current parameters, then one more for each parameter that you nudge.",
    )


def receptive_field(layers: int, kernel: int = 3) -> int:
    """Width in pixels of the input seen by one unit after ``layers`` convolutions ``kernel``×``kernel``.

    Measured with a gradient: ``layers`` stride-1 convolutions with all weights 1 are applied to a zero
    image, and the gradient of the centre output unit is non-zero on exactly the pixels it sees.
    """
    import torch
    from torch import nn

    if layers < 1 or kernel < 1 or kernel % 2 == 0:
        raise ValueError(f"layers must be >= 1 and kernel odd and >= 1; got layers={layers}, kernel={kernel}")
    size = 2 * layers * kernel + 1
    convs = nn.Sequential(*[nn.Conv2d(1, 1, kernel, padding=kernel // 2, bias=False) for _ in range(layers)])
    for conv in convs:
        nn.init.ones_(conv.weight)
    x = torch.zeros(1, 1, size, size, requires_grad=True)
    convs(x)[0, 0, size // 2, size // 2].backward()
    return int((x.grad[0, 0, size // 2] != 0).sum())


#: The number of 3×3 convolutions of exercise definition-4.
RF_LAYERS = 5


@answer_key("definition-4")
def _receptive_field(answer: Any) -> Verdict:
    n = _whole_number(answer)
    if n is None:
        return Verdict(False, "Answer with one whole number: the width in pixels.")
    return expect_equal(
        n,
        receptive_field(RF_LAYERS),
        describe="width",
        hint="each 3×3 convolution lets a unit see one more pixel on every side than the layer below.",
    )
