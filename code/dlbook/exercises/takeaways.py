r"""Answer keys of the exercises on the page "Take-away points".

The baseline of exercise takeaways-3 is computed from the labels of :func:`dlbook.data.load_dataset`
``("auto")``, the data set the student loads: the fraction of test images whose label is the most
frequent label of the training set. A fully connected layer from :math:`m` to :math:`k` numbers applied
to a batch of :math:`B` inputs computes :math:`Bk` dot products of length :math:`m`, none of which needs
another's result: :math:`Bkm` multiply-adds.
"""

from __future__ import annotations

import numbers
from typing import Any

from dlbook.exercises import Verdict, answer_key, expect_choice, expect_equal, expect_number

#: The problems of exercise takeaways-1 that suit deep learning: transcribing speech and finding tumours
#: in scans.
SUITED = frozenset({"B", "D"})


@answer_key("takeaways-1")
def _suited(answer: Any) -> Verdict:
    return expect_choice(
        answer,
        SUITED,
        "ABCDE",
        hint="look for problems that are easy to show by examples but hard to write down as rules.",
    )


#: Exercise takeaways-2: batch size, inputs and outputs of the layer.
BATCH, N_IN, N_OUT = 128, 784, 256


@answer_key("takeaways-2")
def _parallel_work(answer: Any) -> Verdict:
    expected = (BATCH * N_OUT, BATCH * N_OUT * N_IN)
    try:
        given = tuple(answer)
    except TypeError:
        given = ()
    whole = all(isinstance(g, numbers.Real) and not isinstance(g, bool) and g == int(g) for g in given)
    if len(given) != 2 or not whole:
        return Verdict(False, "Answer with two whole numbers: (dot products, multiply-adds).")
    return expect_equal(
        tuple(int(g) for g in given),
        expected,
        describe="pair of counts",
        hint="each output of each image is one dot product of the 784 inputs with a row of weights.",
    )


def majority_baseline() -> float:
    """Test accuracy of always answering the most frequent training label (``load_dataset("auto")``)."""
    import torch

    from dlbook.data import load_dataset

    data = load_dataset("auto")
    most_frequent = int(torch.bincount(data.train_labels).argmax())
    return float((data.test_labels == most_frequent).float().mean())


@answer_key("takeaways-3")
def _baseline(answer: Any) -> Verdict:
    return expect_number(
        answer,
        majority_baseline(),
        rtol=1e-3,
        hint="the accuracy is a fraction of the test images, between 0 and 1; count the most frequent "
        "training label among the test labels.",
    )
