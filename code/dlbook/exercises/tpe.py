r"""Answer keys of the exercises on the page "Task, performance and experience".

Every expected value is computed here when the answer is checked: the costs of the two spam filters
from the rates the exercise states, the learning curve of logistic regression by training it with
:func:`dlbook.train.learning_curve` exactly as the page does (a few seconds on a CPU), and the
:math:`1/\sqrt{n}` law by solving

.. math::

   \varepsilon(n) = \varepsilon_0 \sqrt{n_0 / n} \quad\Longrightarrow\quad
   n = n_0 \left(\frac{\varepsilon_0}{\varepsilon}\right)^2 .
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from dlbook.exercises import Verdict, answer_key, expect_choice, expect_equal, expect_number

# --- tpe-1: naming T, P and E -------------------------------------------------------------------------

#: What each item of the music service is, in the order of the exercise: the listening histories of
#: past users, choosing ten songs for a user's next playlist, the fraction of recommended songs that
#: users play to the end, last month's presses of the skip button.
SERVICE_ROLES: tuple[str, ...] = ("E", "T", "P", "E")


@answer_key("tpe-1")
def _roles(answer: Any) -> Verdict:
    try:
        given = tuple(str(a).strip().upper() for a in answer)
    except TypeError:
        return Verdict(False, f"Answer with a tuple of {len(SERVICE_ROLES)} letters, each 'T', 'P' or 'E'.")
    if isinstance(answer, str) or len(given) != len(SERVICE_ROLES) or not set(given) <= {"T", "P", "E"}:
        return Verdict(
            False, f"Answer with a tuple of {len(SERVICE_ROLES)} letters, each 'T', 'P' or 'E', in order."
        )
    return expect_equal(
        given,
        SERVICE_ROLES,
        describe="roles",
        hint="E is what the program learns from, T what it must do, P how doing it is scored.",
    )


# --- tpe-2: a performance measure is a choice ---------------------------------------------------------

#: Fraction of all incoming messages that are spam.
SPAM_FRACTION = 0.5
#: Cost of losing one real message to the spam folder, in units of the cost of reading one spam.
LOST_MESSAGE_COST = 20.0
#: Each filter's (fraction of real messages marked as spam, fraction of spam let through).
FILTERS: dict[str, tuple[float, float]] = {"A": (0.01, 0.05), "B": (0.001, 0.10)}


def error_rate(name: str) -> float:
    """Fraction of all messages that filter ``name`` classifies wrongly (1 − accuracy)."""
    false_positive, false_negative = FILTERS[name]
    return (1 - SPAM_FRACTION) * false_positive + SPAM_FRACTION * false_negative


def expected_cost(name: str) -> float:
    """Expected cost per message of filter ``name``, in units of the cost of reading one spam."""
    false_positive, false_negative = FILTERS[name]
    return (1 - SPAM_FRACTION) * false_positive * LOST_MESSAGE_COST + SPAM_FRACTION * false_negative


@answer_key("tpe-2")
def _spam_filters(answer: Any) -> Verdict:
    by_accuracy = min(FILTERS, key=error_rate)
    by_cost = min(FILTERS, key=expected_cost)
    if isinstance(answer, str) or not isinstance(answer, Sequence) or len(answer) != 2:
        return Verdict(False, "Answer with two letters: (best by accuracy, best by cost), e.g. ('A', 'A').")
    first = expect_choice(answer[0], by_accuracy, "".join(FILTERS))
    second = expect_choice(answer[1], by_cost, "".join(FILTERS))
    if first.correct and second.correct:
        return Verdict(True, "Correct.")
    wrong = "the first letter (accuracy)" if not first.correct else "the second letter (cost)"
    return Verdict(
        False,
        f"Not yet: {wrong} is not right. Hint: weight each kind of mistake by how often it happens, "
        "and, for the cost, by what it costs.",
    )


# --- tpe-3 and tpe-4: the learning curve of logistic regression ---------------------------------------

#: The page's training budget (its first code cell): the recipe's fields and the images per run.
RECIPE_FIELDS: dict[str, Any] = {"epochs": 2, "batch_size": 64, "lr": 5e-3}
IMAGES_PER_RUN = 12_000
SEED = 0
#: The training-set sizes of exercise tpe-3: error(400) / error(1600).
RATIO_SIZES: tuple[int, int] = (400, 1_600)


@lru_cache(maxsize=8)
def logistic_errors(sizes: tuple[int, ...]) -> tuple[float, ...]:
    """Test error (%) of logistic regression trained as on the page on the first ``n`` images, per size.

    The data set is :func:`dlbook.data.load_dataset` ``("auto")``, as on the page; a size larger than
    its training set is replaced by the whole training set.
    """
    from dlbook.data import load_dataset
    from dlbook.train import Recipe, learning_curve, logistic_regression

    data = load_dataset("auto")
    sizes = tuple(min(n, data.n_train) for n in sizes)
    accuracies = learning_curve(
        logistic_regression,
        data,
        list(sizes),
        recipe=Recipe(**RECIPE_FIELDS),
        images_per_run=IMAGES_PER_RUN,
        seed=SEED,
    )
    return tuple(100 * (1 - a) for a in accuracies)


@answer_key("tpe-3")
def _diminishing_returns(answer: Any) -> Verdict:
    small, large = logistic_errors(RATIO_SIZES)
    return expect_number(
        answer,
        small / large,
        rtol=0.03,
        hint="divide the test error with 400 images by the test error with 1,600 images "
        "(learning_curve returns accuracies: the error is 1 − accuracy).",
    )


def images_needed(n0: float, err0: float, target: float) -> float:
    r"""Training images for the error to fall from ``err0`` (with ``n0`` images) to ``target``, if
    :math:`\varepsilon \propto 1/\sqrt{n}`: :math:`n = n_0 (\varepsilon_0/\varepsilon)^2`."""
    return n0 * (err0 / target) ** 2


#: (n0, err0, target) at which tpe-4's function is tried, errors as fractions or in %.
SQRT_LAW_CASES: tuple[tuple[float, float, float], ...] = (
    (100, 0.28, 0.14),
    (1_000, 0.10, 0.05),
    (300, 16.0, 4.0),
    (100, 0.2, 0.2),
    (2_000, 0.05, 0.08),
)


@answer_key("tpe-4")
def _sqrt_law(answer: Any) -> Verdict:
    if not callable(answer):
        return Verdict(False, "Answer with a function images_needed(n0, err0, target) that returns a number.")
    for n0, err0, target in SQRT_LAW_CASES:
        got = answer(n0, err0, target)
        verdict = expect_number(got, images_needed(n0, err0, target), rtol=1e-6)
        if not verdict.correct:
            return Verdict(
                False,
                f"Not yet: images_needed({n0}, {err0}, {target}) is "
                f"{'not a number' if verdict.message.startswith('Expected') else 'wrong'}. "
                "Hint: write the law as err(n) = err0 * sqrt(n0 / n) and solve err(n) = target for n.",
            )
    return Verdict(True, "Correct.")


__all__ = [
    "FILTERS",
    "IMAGES_PER_RUN",
    "RATIO_SIZES",
    "RECIPE_FIELDS",
    "SERVICE_ROLES",
    "error_rate",
    "expected_cost",
    "images_needed",
    "logistic_errors",
]
