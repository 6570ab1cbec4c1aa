"""The answer keys of the chapter page "Key concepts" (dlbook.exercises.concepts).

Each key accepts the answer the page's solution derives and rejects a plausible wrong one.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, assert_key_decides
from dlbook.exercises import check
from dlbook.exercises import concepts as keys
from dlbook.lenet import LeNet5, count_parameters
from dlbook.train import logistic_regression

PAGE = ROOT / "book" / "concepts" / "index.md"

RIGHT_AND_WRONG = [
    # checkers by reinforcement, handwriting and the imitating car by supervision; not the car by rewards
    ("concepts-1", lambda: ("R", "S", "S"), lambda: ("R", "S", "R")),
    ("concepts-1", lambda: ["r", "s", "s"], lambda: ("S", "S", "S")),
    # the two convolutions with their biases; not their weights alone, not conv2 alone
    ("concepts-3", lambda: 156 + 2_416, lambda: 150 + 2_400),
    ("concepts-3", lambda: keys.convolution_parameters(), lambda: 2_416),
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_the_solution_counts_follow_the_model() -> None:
    model = LeNet5()
    assert count_parameters(model.conv1) == 156 and count_parameters(model.conv2) == 2_416
    assert count_parameters(model.fc1) == 48_120
    assert keys.convolution_parameters() < count_parameters(logistic_regression(0)) == 7_850


def test_the_solution_states_the_counts_of_the_model() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert f"{keys.convolution_parameters():,} together" in text
    for n in (156, "2{,}416", "7{,}850", "48{,}120"):
        assert f"{n}$" in text


def test_answers_of_the_wrong_shape_get_a_message_not_a_crash(capsys) -> None:
    assert check("concepts-1", "RSS") is False
    assert check("concepts-3", 2572.5) is False
    out = capsys.readouterr().out
    assert "three letters" in out and "whole number" in out


def test_every_exercise_of_the_page_has_a_label_and_a_solution() -> None:
    text = PAGE.read_text(encoding="utf-8")
    labels = re.findall(r"^:label: (\S+)$", text, flags=re.MULTILINE)
    assert labels == [f"concepts-{n}" for n in range(1, len(labels) + 1)] and 3 <= len(labels) <= 5
    for label in labels:
        assert re.search(rf"\{{solution\}} {label}\n:class: dropdown", text), label
    assert "Predict, then run" in text
