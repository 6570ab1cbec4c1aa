r"""Answer keys of the exercises on the page "How deep learning differs from machine learning".

The overlaps of the map are measured with :func:`dlbook.figures.overlap` on the regions of
:func:`dlbook.figures.map_regions` when the answer is checked. The gap between training and test
accuracy of a network that has memorised random labels follows from the number of classes: whatever
it predicts for a test image is independent of the image's true class, so it is right with probability
:math:`1/K` for :math:`K` balanced classes, and the gap is :math:`100\,(1 - 1/K)` percentage points.
"""

from __future__ import annotations

import numbers
from itertools import combinations
from typing import Any

from dlbook.exercises import Verdict, answer_key, expect_choice, expect_equal, expect_number

# --- dl-vs-ml-1: the eight priorities -----------------------------------------------------------------

#: The item of the page's list of eight priorities that each technique serves, in the exercise's order:
#: dropout, the Fisher information metric, convolutions, MAML.
PRIORITY_OF: tuple[int, ...] = (5, 3, 4, 7)


@answer_key("dl-vs-ml-1")
def _priorities(answer: Any) -> Verdict:
    try:
        given = tuple(int(a) for a in answer)
    except (TypeError, ValueError):
        return Verdict(False, f"Answer with a tuple of {len(PRIORITY_OF)} item numbers from 1 to 8.")
    if len(given) != len(PRIORITY_OF) or not all(1 <= g <= 8 for g in given):
        return Verdict(False, f"Answer with {len(PRIORITY_OF)} item numbers, each from 1 to 8, in order.")
    return expect_equal(
        given, PRIORITY_OF, describe="items", hint="reread what each item of the list says it is for."
    )


# --- dl-vs-ml-2: which methods are deep learning ------------------------------------------------------

#: The methods of the exercise that lie inside the deep-learning ellipse: the GAN, the network that
#: learns a video game from its score, and MAML adapting a convolutional network.
DEEP_METHODS = frozenset({"B", "C", "E"})


@answer_key("dl-vs-ml-2")
def _deep_methods(answer: Any) -> Verdict:
    return expect_choice(
        answer,
        DEEP_METHODS,
        "ABCDEF",
        hint="a method is deep learning when its model has several layers whose features are learnt "
        "by gradients, whatever it is trained to do.",
    )


# --- dl-vs-ml-3: do the four fields overlap one another? -----------------------------------------------

#: The four fields around deep learning on the map.
FIELDS: tuple[str, ...] = (
    "Reinforcement learning",
    "Unsupervised learning",
    "Meta learning",
    "Supervised learning",
)


def overlapping_pairs() -> list[tuple[str, str]]:
    """The pairs of the four fields whose regions share area on the map (:func:`dlbook.figures.overlap`)."""
    from dlbook import figures  # imported here: loading the keys should not need matplotlib

    regions = [figures.map_region(name) for name in FIELDS]
    return [(a.name, b.name) for a, b in combinations(regions, 2) if figures.overlap(a, b) > 0]


@answer_key("dl-vs-ml-3")
def _overlapping_pairs(answer: Any) -> Verdict:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or answer != int(answer):
        return Verdict(False, "Answer with one whole number: how many pairs of fields overlap.")
    return expect_equal(
        int(answer),
        len(overlapping_pairs()),
        describe="number of pairs",
        hint="there are six pairs of the four fields; test each with figures.overlap(a, b) > 0.",
    )


# --- dl-vs-ml-4: memorising random labels -------------------------------------------------------------

#: Classes of CIFAR-10, each with the same number of test images.
N_CLASSES = 10


@answer_key("dl-vs-ml-4")
def _random_label_gap(answer: Any) -> Verdict:
    return expect_number(
        answer,
        100 * (1 - 1 / N_CLASSES),
        rtol=0.01,
        unit="percentage points",
        hint="the training accuracy is 100 %; how often does a guess that knows nothing about the "
        "true class hit it, with 10 equally frequent classes?",
    )
