"""The answer keys of the history chapter's index page (dlbook.exercises.history).

Each key accepts the answer the page's solution computes and rejects a plausible wrong one.
"""

from __future__ import annotations

import math

import pytest
from conftest import assert_key_decides
from dlbook import history
from dlbook.exercises import check
from dlbook.exercises.history import doubling_months_without, doublings, milestones_in_winters

RIGHT_AND_WRONG = [
    # the doublings from LeNet-5 to GPT-3, not the factor in powers of ten
    (
        "history-1",
        lambda: math.log2(history.model("GPT-3").parameters / history.model("LeNet-5").parameters),
        lambda: math.log10(history.model("GPT-3").parameters / history.model("LeNet-5").parameters),
    ),
    # the fit over every row, not the page's fit since 2012 (or the answer in years)
    (
        "history-2",
        lambda: 12 * history.doubling_time(since=1998),
        lambda: 12 * history.doubling_time(since=2012),
    ),
    ("history-2", lambda: 12 * history.doubling_time(since=1998), lambda: history.doubling_time(since=1998)),
    # milestones inside the winters, without counting the winters themselves
    ("history-3", lambda: 3, lambda: 3 + len(history.ai_winters())),
    # the fit without GPT-3, not the fit with it
    (
        "history-4",
        lambda: (
            12 * history.doubling_time([m for m in history.model_sizes() if m.name != "GPT-3"], since=2012)
        ),
        lambda: 12 * history.doubling_time(since=2012),
    ),
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_the_keys_follow_the_tables() -> None:
    assert doublings() == pytest.approx(21.4, abs=0.1)  # 61,706 to 175 billion
    winters = history.ai_winters()
    inside = [
        m.label
        for m in history.milestones()
        if not m.is_period and any(w.year <= m.year <= w.end_year for w in winters)
    ]
    assert milestones_in_winters() == len(inside) == 3
    assert any("Werbos" in label for label in inside) and any("neocognitron" in label for label in inside)
    # leaving GPT-3 out of the fit since 2012 roughly doubles the doubling time
    assert doubling_months_without("GPT-3") > 1.5 * 12 * history.doubling_time(since=2012)


def test_a_count_must_be_a_whole_number(capsys) -> None:
    assert check("history-3", 3.0) is False
    assert "whole number" in capsys.readouterr().out
    assert check("history-3", True) is False
