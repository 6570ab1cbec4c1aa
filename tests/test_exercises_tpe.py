"""The answer keys of the page "Task, performance and experience" (dlbook.exercises.tpe).

Each key accepts the answer the page's solution computes and rejects a plausible wrong one. The key of
tpe-3 trains logistic regression as the page does (a few seconds), so its test is marked slow.
"""

from __future__ import annotations

import re

import jupytext
import pytest
from conftest import ROOT, assert_key_decides
from dlbook.exercises import check
from dlbook.exercises import tpe as keys
from dlbook.train import Recipe

PAGE = ROOT / "book" / "concepts" / "tpe.md"

RIGHT_AND_WRONG = [
    # the roles of the four items, not the same signal counted twice as performance
    ("tpe-1", lambda: ("E", "T", "P", "E"), lambda: ("E", "T", "P", "P")),
    ("tpe-1", lambda: ["e", "t", "p", "e"], lambda: ("T", "E", "P", "E")),
    # A by accuracy, B by cost; not the same filter for both
    ("tpe-2", lambda: ("A", "B"), lambda: ("A", "A")),
    ("tpe-2", lambda: ["a", "b"], lambda: ("B", "B")),
    # the 1/sqrt(n) law solved for n, not a law in 1/n
    (
        "tpe-4",
        lambda: lambda n0, err0, target: n0 * (err0 / target) ** 2,
        lambda: lambda n0, e0, t: n0 * e0 / t,
    ),
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_the_spam_filters_rank_differently_by_accuracy_and_by_cost() -> None:
    assert keys.error_rate("A") < keys.error_rate("B")
    assert keys.expected_cost("B") < keys.expected_cost("A")
    assert keys.error_rate("A") == pytest.approx(0.5 * 0.01 + 0.5 * 0.05)
    assert keys.expected_cost("B") == pytest.approx(0.5 * 0.001 * 20 + 0.5 * 0.10)


def test_answers_of_the_wrong_shape_get_a_message_not_a_crash(capsys) -> None:
    assert check("tpe-1", "ETPE") is False
    assert check("tpe-2", "AB") is False
    assert check("tpe-4", 400) is False
    assert check("tpe-4", lambda n0, err0, target: None) is False
    out = capsys.readouterr().out
    assert "tuple" in out and "two letters" in out and "function" in out and "not a number" in out


def test_the_page_states_the_givens_of_the_key() -> None:
    cell = next(
        c.source
        for c in jupytext.read(PAGE).cells
        if c.cell_type == "code" and "spam_fraction, lost" in c.source
    )
    givens = "\n".join(line for line in cell.splitlines() if line.startswith(("spam_fraction", "filters")))
    namespace: dict = {}
    exec(givens, namespace)
    assert namespace["spam_fraction"] == keys.SPAM_FRACTION
    assert namespace["lost_message_cost"] == keys.LOST_MESSAGE_COST
    assert namespace["filters"] == keys.FILTERS


def test_the_sqrt_law_halves_the_error_with_four_times_the_images() -> None:
    assert keys.images_needed(100, 0.3, 0.15) == pytest.approx(400)
    assert keys.images_needed(100, 0.3, 0.03) == pytest.approx(10_000)


def test_the_key_trains_with_the_budget_of_the_page() -> None:
    first_cell = next(c.source for c in jupytext.read(PAGE).cells if c.cell_type == "code")
    page_recipe = re.search(r"recipe = (Recipe\([^)]*\))", first_cell).group(1)
    assert eval(page_recipe, {"Recipe": Recipe}) == Recipe(**keys.RECIPE_FIELDS)
    assert f'"images_per_run": {keys.IMAGES_PER_RUN:_}' in first_cell
    assert f'"seed": {keys.SEED}' in first_cell
    text = PAGE.read_text(encoding="utf-8")
    small, large = keys.RATIO_SIZES
    assert f"[{small}, min({large:_}, data.n_train)]" in text, "the solution must train at the key's sizes"


@pytest.mark.slow
def test_the_learning_curve_key_accepts_the_measured_factor_and_rejects_a_halving(capsys) -> None:
    small, large = keys.logistic_errors(keys.RATIO_SIZES)
    assert small > large, "more images must give a smaller test error"
    assert check("tpe-3", small / large) is True
    assert check("tpe-3", 2.0) is False  # the factor of 1/sqrt(n): the curve has flattened
    assert check("tpe-3", large / small) is False  # the ratio upside down
