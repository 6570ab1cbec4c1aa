"""The answer keys of the page "What is learning?" (dlbook.exercises.what_is_learning).

Each key accepts the answer the page's solution gives and rejects a plausible wrong one.
"""

from __future__ import annotations

import math
import re

import pytest
from conftest import ROOT, assert_key_decides
from dlbook.exercises import check
from dlbook.exercises import what_is_learning as keys

PAGE = ROOT / "book" / "nature" / "what-is-learning.md"


def burns_from_the_closed_form(alpha: float = 0.1) -> int:
    """Q_k = -1 + 2 (1 - alpha)^k > 0 while k < ln 2 / ln(1 / (1 - alpha)): the first k where it is not."""
    return math.floor(math.log(2) / math.log(1 / (1 - alpha))) + 1


RIGHT_AND_WRONG = [
    # the child and the retrained filter; not the thermostat, which only responds to feedback
    ("what-is-learning-1", lambda: "BC", lambda: "ABC"),
    ("what-is-learning-1", lambda: ["c", "b"], lambda: "B"),
    # seven burns; not the ten that a step of 1/10 of the way "obviously" needs
    ("what-is-learning-3", burns_from_the_closed_form, lambda: 10),
    ("what-is-learning-3", lambda: 7.0, lambda: 6),
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_the_simulation_agrees_with_the_closed_form() -> None:
    for alpha in (0.05, 0.1, 0.2, 0.3):
        assert keys.burns_until_stop(alpha=alpha) == burns_from_the_closed_form(alpha)
    assert keys.burns_until_stop(alpha=1.0) == 1
    with pytest.raises(ValueError, match="alpha"):
        keys.burns_until_stop(alpha=0.0)
    with pytest.raises(ValueError, match="outcome"):
        keys.burns_until_stop(outcome=0.0)


def test_the_solution_loop_counts_what_the_key_expects() -> None:
    text = PAGE.read_text(encoding="utf-8")
    setup = re.search(r"`(q, burns = 1\.0, 0)`", text).group(1)
    loop = re.search(r"`(while q > 0: [^`]+)`", text).group(1)
    namespace: dict = {}
    exec(f"{setup}\n{loop}", namespace)
    assert check("what-is-learning-3", namespace["burns"], quiet=True)


def test_the_solution_states_the_count_of_the_key() -> None:
    text = PAGE.read_text(encoding="utf-8")
    words = {7: "Seven"}
    assert f"{words[keys.burns_until_stop()]}. After" in text
    assert f"\\approx {math.log(2) / math.log(1 / (1 - keys.ALPHA)):.1f}" in text


def test_every_exercise_of_the_page_has_a_label_and_a_solution() -> None:
    text = PAGE.read_text(encoding="utf-8")
    labels = re.findall(r"^:label: (\S+)$", text, flags=re.MULTILINE)
    assert labels == [f"what-is-learning-{n}" for n in range(1, len(labels) + 1)] and 3 <= len(labels) <= 5
    for label in labels:
        assert re.search(rf"\{{solution\}} {label}\n:class: dropdown", text), label
    assert "Predict, then run" in text
