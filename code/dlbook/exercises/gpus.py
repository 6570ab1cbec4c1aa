r"""Answer keys of the exercises on the page "The current AI spring: GPUs and large benchmarks".

Every expected value is computed when the answer is checked: the multiply-adds of a LeNet-5 layer from
the shapes of :class:`dlbook.lenet.LeNet5`, its convolutions unrolled with ``torch.nn.functional.unfold``
as on the page; the effects of the batch size from the page's step-time model

.. math::

   t_\text{step}(B) = t_0 + c\,B, \qquad R(B) = \frac{B}{t_\text{step}(B)},

evaluated at made-up costs, because what the exercises ask does not depend on their values. No key
reads the page's measurements, so the keys hold on a machine with a GPU and on one without.

Used on the page :doc:`/book/history/gpus`.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from dlbook.exercises import Verdict, answer_key, expect_choice, expect_equal, expect_number

#: Exercise gpus-1: "just 4 times faster" than A. the same networks on the CPU with unrolled convolutions
#: computed by BLAS, B. a straightforward CPU implementation of the same networks, C. the first neural
#: network on a GPU (2004), D. LeNet-5 on a CPU of 1998. Chellapilla et al. (2006) measured both of their
#: speed-ups against B.
BASELINE_2006 = "B"

#: Exercise gpus-2: the layer whose convolution is written as one matrix product.
LAYER = "conv2"

#: Made-up costs (fixed cost per step in s, cost per image in s) at which the keys of gpus-3 and gpus-4
#: evaluate the step-time model; the answers do not depend on them.
COSTS = ((1e-3, 1e-5), (2e-3, 5e-6), (1.4e-3, 1.1e-4))
#: Batch sizes at which a student's speed-up bound (gpus-4) is compared with the key's.
BATCHES = (1, 8, 2048)


def _lenet_and_inputs() -> tuple[Any, dict[str, Any]]:
    """A LeNet-5 and the input each of its layers with weights receives for one blank image, by name."""
    import torch  # here, not at the top: most pages that load the answer keys never use torch
    import torch.nn.functional as F

    from dlbook import lenet

    model = lenet.LeNet5()
    x = torch.zeros(1, *lenet.INPUT_SHAPE)
    inputs = {}
    with torch.no_grad():
        inputs["conv1"] = x
        x = F.max_pool2d(F.relu(model.conv1(x)), 2)
        inputs["conv2"] = x
        x = torch.flatten(F.max_pool2d(F.relu(model.conv2(x)), 2), 1)
        for name in ("fc1", "fc2", "fc3"):
            inputs[name] = x
            x = F.relu(getattr(model, name)(x))
    return model, inputs


def layers() -> tuple[str, ...]:
    """The names of LeNet-5's layers that have weights, in order."""
    return tuple(_lenet_and_inputs()[1])


def patch_matrix_shape(layer: str = LAYER) -> tuple[int, int]:
    """Rows and columns of the patch matrix of convolution ``layer`` ("conv1" or "conv2") for one image:
    one row per weight of a filter (input maps × kernel height × width), one column per output position."""
    import torch.nn.functional as F

    model, inputs = _lenet_and_inputs()
    conv = getattr(model, layer)
    patches = F.unfold(inputs[layer], conv.kernel_size, padding=conv.padding, stride=conv.stride)
    return int(patches.shape[1]), int(patches.shape[2])


def multiply_adds(layer: str = LAYER) -> int:
    r"""Multiply-adds of one LeNet-5 layer for one image, biases aside: for a convolution written as the
    product of its filter matrix (output maps × rows) with its patch matrix (rows × columns), output maps
    × rows × columns; for a fully connected layer, inputs × outputs."""
    module = getattr(_lenet_and_inputs()[0], layer)
    if layer.startswith("conv"):
        rows, columns = patch_matrix_shape(layer)
        return module.out_channels * rows * columns
    return module.in_features * module.out_features


def step_time(batch: float, t0: float, c: float) -> float:
    """:math:`t_0 + c B`, the time (s) of a training step on ``batch`` images."""
    return t0 + c * batch


def throughput(batch: float, t0: float, c: float) -> float:
    """:math:`R(B) = B / (t_0 + c B)`, images per second."""
    return batch / step_time(batch, t0, c)


def half_ceiling_batch(t0: float, c: float) -> float:
    r""":math:`B_{1/2} = t_0 / c`, the batch size at which :math:`R` is half its ceiling :math:`1/c`."""
    return t0 / c


def doubling_gain(t0: float = COSTS[0][0], c: float = COSTS[0][1]) -> float:
    r""":math:`R(2B_{1/2}) / R(B_{1/2})`: how much doubling the batch from :math:`B_{1/2}` raises the rate."""
    b = half_ceiling_batch(t0, c)
    return throughput(2 * b, t0, c) / throughput(b, t0, c)


def speedup(batch: float, t0: float, c: float, k: float) -> float:
    """How many times faster a step gets when the cost per image is divided by ``k`` (math.inf allowed)
    and the fixed cost stays."""
    return step_time(batch, t0, c) / step_time(batch, t0, c / k)


@answer_key("gpus-1")
def _baseline(answer: Any) -> Verdict:
    return expect_choice(
        answer,
        BASELINE_2006,
        "ABCD",
        hint="three implementations of the same networks were timed; against which one were both "
        "speed-ups measured?",
    )


@answer_key("gpus-2")
def _multiply_adds(answer: Any) -> Verdict:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        return Verdict(False, "Answer with a whole number (an int).")
    return expect_equal(
        int(answer),
        multiply_adds(LAYER),
        describe="number of multiply-adds",
        hint="each output value is one row of the filter matrix times one column of the patch matrix; "
        "count the outputs (maps × positions) and the multiplications in each.",
    )


@answer_key("gpus-3")
def _doubling(answer: Any) -> Verdict:
    return expect_number(
        answer,
        doubling_gain(),
        rtol=1e-3,
        hint="evaluate R(B) = B / (t0 + c B) at B = t0 / c and at twice that, and divide.",
    )


@answer_key("gpus-4")
def _bound(answer: Any) -> Verdict:
    if not callable(answer):
        return Verdict(False, "Answer with a function max_speedup(t0, c, batch) that returns a number.")
    for t0, c in COSTS:
        for batch in BATCHES:
            value = answer(t0, c, batch)
            if value is None:
                return Verdict(False, "Your function returned None: fill in the formula.")
            verdict = expect_number(
                value,
                speedup(batch, t0, c, math.inf),
                rtol=1e-6,
                hint="write the new step time with c / k in place of c, divide the old step time by it, "
                "and let k grow without bound.",
            )
            if not verdict.correct:
                return Verdict(False, f"At t0 = {t0:g} s, c = {c:g} s, batch = {batch}: {verdict.message}")
    return Verdict(True, "Correct.")
