r"""Answer keys of the exercises on the page "Convolutional neural networks".

Every expected value is computed when the answer is checked, from the layers of
:class:`dlbook.lenet.LeNet5` (their shapes, run on a blank image) and from the loss of
:func:`dlbook.train.smoothed_cross_entropy` with the book's MNIST recipe.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

from dlbook.exercises import Verdict, answer_key, expect_equal, expect_number

if TYPE_CHECKING:
    import torch

# torch and the modules built on it (lenet, train) are imported inside the functions that use them:
# every page that checks an answer loads all answer keys, and most of those pages never touch torch.


def _blank() -> torch.Tensor:
    import torch

    from dlbook import lenet

    return torch.zeros(1, *lenet.INPUT_SHAPE)


def no_pooling_parameters() -> int:
    """Trainable parameters of LeNet-5 with both max-pooling steps removed (``fc1`` widened to fit)."""
    import torch

    from dlbook import lenet

    model = lenet.LeNet5()
    with torch.no_grad():
        features = model.conv2(model.conv1(_blank())).flatten(1).shape[1]
    fc1 = features * model.fc1.out_features + model.fc1.out_features
    return lenet.count_parameters(model) - lenet.count_parameters(model.fc1) + fc1


def unpadded_fc1_inputs() -> int:
    """The inputs ``fc1`` would need if ``conv1`` did not pad the image (both pooling steps kept)."""
    import torch
    import torch.nn.functional as F

    from dlbook import lenet

    model = lenet.LeNet5()
    with torch.no_grad():
        x = F.max_pool2d(F.relu(F.conv2d(_blank(), model.conv1.weight, model.conv1.bias, padding=0)), 2)
        x = F.max_pool2d(F.relu(model.conv2(x)), 2)
    return x.flatten(1).shape[1]


def unshared_conv1_parameters() -> int:
    """Parameters of a layer wired like ``conv1`` (same 5×5 windows, same output maps) in which every
    output unit has its own weights and bias instead of sharing them across positions."""
    import torch

    from dlbook import lenet

    conv1 = lenet.LeNet5().conv1
    with torch.no_grad():
        units = conv1(_blank()).numel()  # maps × height × width
    per_unit = conv1.weight[0].numel() + 1  # one 5×5 window of the input channel, and a bias
    return units * per_unit


def smoothed_loss_floor(label_smoothing: float | None = None, classes: int = 10) -> float:
    r"""The smallest value of the label-smoothed loss, reached when the predicted probabilities equal the
    smoothed target :math:`q` (the loss is then the entropy of :math:`q`), in nats."""
    import torch

    from dlbook import train

    eps = train.RECIPES["mnist"].label_smoothing if label_smoothing is None else label_smoothing
    q = torch.full((1, classes), eps / classes, dtype=torch.float64)
    q[0, 0] += 1 - eps
    loss, _ = train.smoothed_cross_entropy(torch.log(q), torch.tensor([0]), eps)
    return float(loss)


def plain_loss_at_floor(label_smoothing: float | None = None, classes: int = 10) -> float:
    """The plain cross-entropy (nats) of a prediction equal to the smoothed target: -ln q_true."""
    from dlbook import train

    eps = train.RECIPES["mnist"].label_smoothing if label_smoothing is None else label_smoothing
    return -math.log(1 - eps + eps / classes)


def _whole_number(answer: Any) -> Verdict | None:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        return Verdict(False, "Answer with a whole number (an int).")
    return None


@answer_key("cnn-1")
def _unpadded(answer: Any) -> Verdict:
    return _whole_number(answer) or expect_equal(
        int(answer),
        unpadded_fc1_inputs(),
        describe="number of inputs",
        hint="a 5×5 convolution without padding shrinks each side by 4; 2×2 pooling halves it.",
    )


@answer_key("cnn-2")
def _no_pooling(answer: Any) -> Verdict:
    return _whole_number(answer) or expect_equal(
        int(answer),
        no_pooling_parameters(),
        describe="parameter count",
        hint="without pooling conv2's maps stay large: run the two convolutions on a blank 1×1×28×28 "
        "image to see their shape, widen fc1 to match, and count with count_parameters.",
    )


@answer_key("cnn-3")
def _unshared(answer: Any) -> Verdict:
    return _whole_number(answer) or expect_equal(
        int(answer),
        unshared_conv1_parameters(),
        describe="parameter count",
        hint="count the output units (maps × positions) and give each its own 5×5 weights and a bias.",
    )


@answer_key("cnn-4")
def _loss_floor(answer: Any) -> Verdict:
    return expect_number(
        answer,
        smoothed_loss_floor(),
        rtol=1e-3,
        unit="nats",
        hint="the loss is smallest when the predicted probabilities equal the smoothed target; "
        "compute the entropy of that target.",
    )
