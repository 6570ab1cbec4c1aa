"""The answer keys of the page "Take-away points" (dlbook.exercises.takeaways).

Each key accepts the answer the page's solution derives and rejects a plausible wrong one. The key of
takeaways-3 reads the labels of the data set (no training).
"""

from __future__ import annotations

import re

import pytest
import torch
from conftest import ROOT, assert_key_decides
from dlbook.data import load_dataset
from dlbook.exercises import check
from dlbook.exercises import takeaways as keys

PAGE = ROOT / "book" / "takeaways.md"


def majority_baseline() -> float:
    data = load_dataset("auto")
    most_frequent = torch.bincount(data.train_labels).argmax()
    return (data.test_labels == most_frequent).float().mean().item()


RIGHT_AND_WRONG = [
    # speech and scans; not sorting, which an exact algorithm does
    ("takeaways-1", lambda: "BD", lambda: "ABD"),
    ("takeaways-1", lambda: ["d", "b"], lambda: "D"),
    # dot products and multiply-adds; not the multiply-adds of one image
    ("takeaways-2", lambda: (128 * 256, 128 * 256 * 784), lambda: (128 * 256, 256 * 784)),
    ("takeaways-2", lambda: [32_768, 25_690_112], lambda: (256, 25_690_112)),
    # the share of the most frequent training label among the test labels; not one in ten
    ("takeaways-3", majority_baseline, lambda: 0.1),
    ("takeaways-3", majority_baseline, lambda: 100 * majority_baseline()),
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_the_solution_states_what_the_data_give() -> None:
    data = load_dataset("auto")
    if data.name == "mnist":  # the solution describes MNIST: the ones, a little more than a tenth
        assert int(torch.bincount(data.train_labels).argmax()) == 1
        assert 0.1 < keys.majority_baseline() < 0.12


def test_the_solution_states_the_counts_of_the_key() -> None:
    text = PAGE.read_text(encoding="utf-8")
    dots, madds = keys.BATCH * keys.N_OUT, keys.BATCH * keys.N_OUT * keys.N_IN
    assert f"{dots:,}".replace(",", "{,}") in text and f"{madds:,}".replace(",", "{,}") in text
    assert f"all {dots:,} could run at once" in text


def test_answers_of_the_wrong_shape_get_a_message_not_a_crash(capsys) -> None:
    assert check("takeaways-2", 25_690_112) is False
    assert check("takeaways-2", (32_768.5, 1)) is False
    assert "two whole numbers" in capsys.readouterr().out


def test_every_exercise_of_the_page_has_a_label_and_a_solution() -> None:
    text = PAGE.read_text(encoding="utf-8")
    labels = re.findall(r"^:label: (\S+)$", text, flags=re.MULTILINE)
    assert labels == [f"takeaways-{n}" for n in range(1, len(labels) + 1)] and 3 <= len(labels) <= 5
    for label in labels:
        assert re.search(rf"\{{solution\}} {label}\n:class: dropdown", text), label
    assert "Predict, then run" in text
