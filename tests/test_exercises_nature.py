"""The answer keys of the chapter page "Learning in nature" (dlbook.exercises.nature).

Each key accepts the answer the page's solution derives and rejects a plausible wrong one.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import ROOT, assert_key_decides
from dlbook import plasticity
from dlbook.exercises import nature as keys

PAGE = ROOT / "book" / "nature" / "index.md"

RIGHT_AND_WRONG = [
    # the weighted sum and the threshold; not spike timing, which the unit has no notion of
    ("nature-1", lambda: "AB", lambda: "ABC"),
    ("nature-1", lambda: {"b", "a"}, lambda: "A"),
    # e^-1 of the largest change at one time constant; not a half, not in percent
    ("nature-2", lambda: plasticity.stdp_window(20e-3) / plasticity.SONG2000.a_plus, lambda: 0.5),
    ("nature-2", lambda: math.exp(-1), lambda: 100 * math.exp(-1)),
    # 0.1 * 1.1^50; not linear growth 0.1 * (1 + 50 * 0.1)
    ("nature-3", lambda: 0.1 * 1.1**50, lambda: 0.1 * (1 + 50 * 0.1)),
    (
        "nature-3",
        lambda: plasticity.hebb(np.ones((1, 1)), eta=0.1, w0=[0.1], epochs=50)[-1, 0],
        lambda: 0.1 * 1.1**49,
    ),
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_the_keys_follow_the_closed_forms() -> None:
    assert keys.remaining_fraction() == pytest.approx(math.exp(-20e-3 / plasticity.SONG2000.tau_plus))
    assert keys.hebb_weight(10) == pytest.approx(0.1 * 1.1**10)


def test_the_solutions_state_what_the_keys_compute() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert f"about {keys.remaining_fraction():.2f}" in text
    assert f"about {keys.hebb_weight():.1f}" in text and keys.hebb_weight() / keys.W0 > 100
    assert f"about {100 * math.exp(-3):.0f} %" in text
