r"""Answer keys of the exercises on the page "A brief history".

Every expected value is computed here from the tables of :mod:`dlbook.history` at the moment the answer
is checked, so the keys follow the tables when a row is added or corrected.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from dlbook import history
from dlbook.exercises import Verdict, answer_key, expect_equal, expect_number


def doublings(first: str = "LeNet-5", last: str = "GPT-3") -> float:
    r"""How many times the parameter count doubles from model ``first`` to model ``last``,
    :math:`\log_2(n_\text{last} / n_\text{first})`."""
    return math.log2(history.model(last).parameters / history.model(first).parameters)


def milestones_in_winters() -> int:
    """How many single events of :func:`dlbook.history.milestones` fall within an AI winter, end years
    included."""
    winters = history.ai_winters()
    return sum(
        any(w.year <= m.year <= w.end_year for w in winters) for m in history.milestones() if not m.is_period
    )


def doubling_months_without(name: str = "GPT-3", since: int = 2012) -> float:
    """The doubling time (months) fitted to the models since ``since`` once the model ``name`` is left out."""
    rows = [m for m in history.model_sizes() if m.name != name]
    return 12 * history.doubling_time(rows, since=since)


@answer_key("history-1")
def _doublings(answer: Any) -> Verdict:
    return expect_number(
        answer,
        doublings(),
        rtol=0.01,
        hint="a doubling multiplies the count by 2: take log2 of GPT-3's count divided by LeNet-5's.",
    )


@answer_key("history-2")
def _doubling_since_1998(answer: Any) -> Verdict:
    return expect_number(
        answer,
        12 * history.doubling_time(since=1998),
        rtol=0.01,
        unit="months",
        hint="history.doubling_time returns years; since=1998 keeps every row of the table.",
    )


@answer_key("history-3")
def _winter_milestones(answer: Any) -> Verdict:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        return Verdict(False, "Answer with a whole number of milestones, e.g. 4.")
    return expect_equal(
        int(answer),
        milestones_in_winters(),
        describe="count",
        hint="leave out the two winters themselves (is_period) and include the first and last year of each.",
    )


@answer_key("history-4")
def _without_gpt3(answer: Any) -> Verdict:
    return expect_number(
        answer,
        doubling_months_without("GPT-3"),
        rtol=0.01,
        unit="months",
        hint="pass doubling_time a list of the rows of history.model_sizes() without GPT-3, and since=2012.",
    )
