"""dlbook.exercises: checking a student's answer without showing the solution.

Each registered exercise accepts the answer its page's solution computes (the page itself checks that
when the book builds, with ``strict=True``) and rejects a deliberately wrong one, with a message that does
not contain the expected value.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
import torch
from dlbook import exercises, plasticity
from dlbook.exercises import WrongAnswer, check, expect_choice, expect_number
from dlbook.exercises.plasticity import SIGN_DELAYS, epsp_change_percent


def test_every_exercise_rejects_none_without_raising(capsys) -> None:
    for name in exercises.exercise_names():
        assert check(name, None) is False
        assert "No answer yet" in capsys.readouterr().out


def test_unknown_name_is_a_key_error_with_close_matches() -> None:
    with pytest.raises(KeyError, match="did you mean 'plasticity-2'"):
        check("plastcity-2", 1.0)


def test_strict_raises_on_a_wrong_answer_and_passes_a_right_one() -> None:
    right = 1e3 * plasticity.BI_POO1998.tau_plus * math.log(2)
    assert check("plasticity-4", right, strict=True, quiet=True)
    with pytest.raises(WrongAnswer, match="plasticity-4"):
        check("plasticity-4", 2 * right, strict=True, quiet=True)


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        (
            "plasticity-1",
            lambda: tuple(
                int(np.sign(plasticity.stdp_window(d, plasticity.BI_POO1998))) for d in SIGN_DELAYS
            ),
            lambda: (1, 1, 1, 1),
        ),
        ("plasticity-2", lambda: epsp_change_percent(30e-3), lambda: epsp_change_percent(10e-3) / 3),
        ("plasticity-3", lambda: 2.0, lambda: 1.5),
        (
            "plasticity-4",
            lambda: 1e3 * plasticity.BI_POO1998.tau_plus * math.log(2),
            lambda: 1e3 * plasticity.BI_POO1998.tau_plus,
        ),
    ],
)
def test_each_exercise_accepts_its_answer_and_rejects_a_wrong_one(name, right, wrong, capsys) -> None:
    assert check(name, right()) is True
    assert check(name, wrong()) is False
    out = capsys.readouterr().out
    assert "✗" in out and "✓" in out


def test_a_wrong_number_gets_a_direction_and_units_hint_but_not_the_value() -> None:
    verdict = expect_number(0.0116, 11.64, rtol=0.01, unit="ms")
    assert not verdict.correct and "too small" in verdict.message and "10^3" in verdict.message
    assert "11.6" not in verdict.message
    assert expect_number(11.7, 11.64, rtol=0.01).correct
    assert not expect_number(12.0, 11.64, rtol=0.01).correct


def test_numbers_may_come_as_numpy_or_torch_scalars_but_not_as_text() -> None:
    assert expect_number(np.float32(2.0), 2.0).correct
    assert expect_number(torch.tensor(2.0), 2.0).correct
    assert expect_number(np.array([2.0]), 2.0).correct
    wrong_type = expect_number("2.0", 2.0)
    assert not wrong_type.correct and "Expected one number" in wrong_type.message
    assert not expect_number(True, 1.0).correct, "a bool is not a number here"
    assert not expect_number(float("nan"), 1.0).correct


def test_choices_accept_letters_in_any_case_and_reject_unknown_ones() -> None:
    assert expect_choice("b", "B", "ABC").correct
    assert expect_choice(["a", "c"], {"A", "C"}, "ABC").correct
    assert not expect_choice("A", "B", "ABC").correct
    unknown = expect_choice("Z", "B", "ABC")
    assert not unknown.correct and "Z" in unknown.message
    assert not expect_choice(3, "B", "ABC").correct


def test_a_key_that_raises_is_a_wrong_answer_not_a_crash(capsys) -> None:
    @exercises.answer_key("test-raising-key")
    def _key(answer):
        return answer()

    try:
        assert check("test-raising-key", lambda: 1 / 0) is False
        assert "ZeroDivisionError" in capsys.readouterr().out
    finally:
        exercises._KEYS.pop("test-raising-key")


def test_names_and_tolerances_are_checked() -> None:
    with pytest.raises(ValueError, match="name"):
        exercises.answer_key("two words")
    with pytest.raises(ValueError, match="rtol"):
        expect_number(1.0, 1.0, rtol=-1)


def test_loading_every_answer_key_does_not_import_torch() -> None:
    # Every page that checks an answer loads all keys; pages without a network must not pay for torch.
    code = (
        "import sys\n"
        "from dlbook.exercises import exercise_names\n"
        "assert exercise_names()\n"
        "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
