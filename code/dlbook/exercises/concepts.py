r"""Answer keys of the exercises on the chapter page "Key concepts".

LeNet-5's parameters are counted with :func:`dlbook.lenet.count_parameters` on the convolution layers
of :class:`dlbook.lenet.LeNet5`.
"""

from __future__ import annotations

import numbers
from typing import Any

from dlbook.exercises import Verdict, answer_key, expect_equal

#: The field of the map for each of Mitchell's three problems (checkers, handwriting, robot car):
#: R reinforcement, S supervised, U unsupervised, M meta-learning.
MITCHELL_FIELDS: tuple[str, ...] = ("R", "S", "S")


@answer_key("concepts-1")
def _fields(answer: Any) -> Verdict:
    try:
        given = tuple(str(a).strip().upper() for a in answer)
    except TypeError:
        given = ()
    if isinstance(answer, str) or len(given) != 3 or not set(given) <= set("RSUM"):
        return Verdict(False, "Answer with a tuple of three letters, each 'R', 'S', 'U' or 'M', in order.")
    return expect_equal(
        given,
        MITCHELL_FIELDS,
        describe="fields",
        hint="look at each problem's experience E: does it come with the right action, or only with a "
        "score after the fact?",
    )


def convolution_parameters() -> int:
    """Parameters of LeNet-5's convolution layers (its weights and biases), the layers that learn features."""
    from torch import nn

    from dlbook.lenet import LeNet5, count_parameters

    return sum(count_parameters(m) for m in LeNet5().modules() if isinstance(m, nn.Conv2d))


@answer_key("concepts-3")
def _convolutions(answer: Any) -> Verdict:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or answer != int(answer):
        return Verdict(False, "Answer with one whole number of parameters.")
    return expect_equal(
        int(answer),
        convolution_parameters(),
        describe="count",
        hint="add count_parameters(layer) over the layers of LeNet5() that are nn.Conv2d.",
    )
