r"""Answer keys of the exercises on the chapter page "Introduction".

AlexNet's parameter count comes from :func:`dlbook.history.model` (the count its paper states), the sizes
of the images and of the layer from the exercises' statements.
"""

from __future__ import annotations

from typing import Any

from dlbook import history
from dlbook.exercises import Verdict, answer_key, expect_choice, expect_number

#: The example of exercise introduction-1 that learnt from rewards: Wayve's car.
FROM_REWARDS = "B"


@answer_key("introduction-1")
def _rewards(answer: Any) -> Verdict:
    return expect_choice(
        answer,
        FROM_REWARDS,
        "ABCD",
        hint="which example was never shown the right output, only told how well it had done?",
    )


#: Exercise introduction-2: a colour face image (pixels per side, colour channels) and an MNIST digit.
FACE_SIDE, FACE_CHANNELS, DIGIT_SIDE = 1024, 3, 28


@answer_key("introduction-2")
def _dimensions(answer: Any) -> Verdict:
    return expect_number(
        answer,
        FACE_SIDE**2 * FACE_CHANNELS / DIGIT_SIDE**2,
        rtol=1e-3,
        hint="count the numbers in each image (pixels times colour channels) and divide.",
    )


#: Exercise introduction-3: units of a fully connected layer on the face image of introduction-2.
LAYER_UNITS = 1_000


def layer_parameters(side: int = FACE_SIDE, channels: int = FACE_CHANNELS, units: int = LAYER_UNITS) -> int:
    """Weights and biases of a fully connected layer from a ``side``×``side`` image to ``units`` units."""
    return (side * side * channels + 1) * units


@answer_key("introduction-3")
def _one_layer(answer: Any) -> Verdict:
    return expect_number(
        answer,
        layer_parameters() / history.model("AlexNet").parameters,
        rtol=1e-3,
        hint="each of the 1,000 units has one weight per input number and one bias; divide by "
        "history.model('AlexNet').parameters.",
    )
