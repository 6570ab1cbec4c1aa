"""The answer keys of the chapter page "Introduction" (dlbook.exercises.introduction).

Each key accepts the answer the page's solution derives and rejects a plausible wrong one.
"""

from __future__ import annotations

import pytest
from conftest import ROOT, assert_key_decides
from dlbook import history

PAGE = ROOT / "book" / "introduction" / "index.md"
ALEXNET = history.model("AlexNet").parameters

RIGHT_AND_WRONG = [
    # Wayve's car; not GPT-3, which learns from text
    ("introduction-1", lambda: "B", lambda: "C"),
    # colour counts three numbers a pixel; not grey levels
    ("introduction-2", lambda: 3 * 1024**2 / 28**2, lambda: 1024**2 / 28**2),
    # weights and biases of 1,000 units over AlexNet's count; not a single unit
    ("introduction-3", lambda: (3 * 1024**2 + 1) * 1000 / ALEXNET, lambda: (3 * 1024**2 + 1) / ALEXNET),
    ("introduction-3", lambda: (3 * 1024**2 + 1) * 1000 / ALEXNET, lambda: 1024**2 * 1000 / ALEXNET),
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_the_solution_states_what_the_keys_compute() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert "about\n4,012" in text or "about 4,012" in text
    assert round((3 * 1024**2 + 1) * 1000 / ALEXNET) == 52 and "about 52" in text
    assert ALEXNET == 60_000_000 and "60 million" in text
