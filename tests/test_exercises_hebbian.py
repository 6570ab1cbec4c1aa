"""The answer keys of the page "Hebbian theory" (dlbook.exercises.hebbian).

Each key accepts the answer the page's solution derives and rejects a plausible wrong one; the keys use
the givens the page states (its cloud of points, learning rate, window, rates and durations).
"""

from __future__ import annotations

import math
import re

import jupytext
import numpy as np
import pytest
from conftest import ROOT, assert_key_decides
from dlbook import plasticity
from dlbook.exercises import check
from dlbook.exercises import hebbian as keys

PAGE = ROOT / "book" / "nature" / "hebbian.md"
SONG = plasticity.SONG2000


def closed_form_removal_time() -> float:
    """The solution's T = 1 / (r² (A₋τ₋ − A₊τ₊)), from the long-train approximation."""
    return 1 / (keys.REMOVAL_RATE**2 * (SONG.a_minus * SONG.tau_minus - SONG.a_plus * SONG.tau_plus))


def measured_updates_tenfold() -> float:
    """Updates per tenfold growth read off the simulated curve, as the solution of hebbian-2 measures it."""
    w = plasticity.hebb(keys.cloud(), eta=keys.ETA, w0=[0.2, 0.6], epochs=3, seed=1)
    log_norm = np.log10(np.linalg.norm(w, axis=1))
    steps = np.arange(len(w))
    return 1 / np.polyfit(steps[1000:], log_norm[1000:], 1)[0]


RIGHT_AND_WRONG = [
    # the input and the output only; not an error signal, which Hebb's rule does not have
    ("hebbian-1", lambda: "AB", lambda: "ABD"),
    ("hebbian-1", lambda: ["b", "a"], lambda: "A"),  # forgets that the rule reads the output
    # ln 10 / ln(1 + ηλ₁); not 1 / ln(1 + ηλ₁), the updates for growth by a factor e
    ("hebbian-2", keys.updates_tenfold, lambda: 1 / math.log1p(keys.ETA * keys.largest_eigenvalue())),
    # the slope measured on the simulated curve is right too; tenfold growth of the *squared* length is not
    ("hebbian-2", measured_updates_tenfold, lambda: keys.updates_tenfold() / 2),
    # the window of the exercise; not Song et al.'s, which expected_stdp_poisson uses when none is passed
    (
        "hebbian-3",
        lambda: plasticity.expected_stdp_poisson(20.0, 20.0, 10.0, keys.WINDOW),
        lambda: plasticity.expected_stdp_poisson(20.0, 20.0, 10.0),
    ),
    # the sign decides as much as the size: not the change of a window with the two sides swapped
    ("hebbian-3", keys.expected_change, lambda: -keys.expected_change()),
    # T = 1 / (r² ΔA); not 1 / (r ΔA), which forgets one of the two rates
    ("hebbian-4", closed_form_removal_time, lambda: closed_form_removal_time() * keys.REMOVAL_RATE),
    ("hebbian-4", keys.removal_time, lambda: closed_form_removal_time() / 60),  # minutes, not seconds
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_answers_of_the_wrong_shape_get_a_message_not_a_crash(capsys) -> None:
    assert check("hebbian-1", 3) is False
    assert check("hebbian-2", "555") is False
    assert check("hebbian-3", keys.WINDOW) is False  # the window itself, not the change it gives
    assert check("hebbian-4", [250.0, 260.0]) is False
    out = capsys.readouterr().out
    assert "Answer with a letter" in out and out.count("Expected one number") == 3


def test_the_keys_follow_the_closed_forms() -> None:
    lambda_1 = keys.largest_eigenvalue()
    assert keys.VARIANCES[0] * 0.9 < lambda_1 < keys.VARIANCES[0] * 1.1  # the sample's, near the recipe's
    assert keys.updates_tenfold() == pytest.approx(math.log(10) / (keys.ETA * lambda_1), rel=5e-3)
    assert keys.removal_time() == pytest.approx(closed_form_removal_time(), rel=1e-3)
    assert plasticity.expected_stdp_poisson(20.0, 20.0, keys.removal_time()) == pytest.approx(-1.0)
    window = keys.WINDOW
    net_area = window.a_plus * window.tau_plus - window.a_minus * window.tau_minus
    assert window.a_minus > window.a_plus and net_area > 0  # stronger depression, yet net potentiation
    assert keys.expected_change() == pytest.approx(keys.RATE**2 * keys.DURATION * net_area, rel=0.01)


def code_cells() -> list[str]:
    return [c.source for c in jupytext.read(PAGE).cells if c.cell_type == "code"]


def test_the_page_states_the_givens_of_the_keys() -> None:
    first = code_cells()[0]
    namespace: dict = {}
    exec(first, namespace)
    np.testing.assert_array_equal(namespace["x"], keys.cloud())
    assert "plasticity.hebb(x, eta=1e-3," in first and keys.ETA == 1e-3
    rates = next(c for c in code_cells() if c.startswith("rate, duration = "))
    exec(rates.splitlines()[0], namespace)
    assert (namespace["rate"], namespace["duration"]) == (keys.RATE, keys.DURATION)
    solution = next(c for c in code_cells() if "my_window = plasticity.STDPWindow(" in c)
    built = re.search(r"my_window = (plasticity\.STDPWindow\([^)]*\))", solution).group(1)
    assert eval(built, {"plasticity": plasticity}) == keys.WINDOW
    text = PAGE.read_text(encoding="utf-8")
    assert f"two independent {keys.REMOVAL_RATE:.0f} Hz neurons" in text
