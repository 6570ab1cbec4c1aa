"""The answer keys of the page "What is deep learning?" (dlbook.exercises.definition).

Each key accepts the answer the page's solution derives and rejects a plausible wrong one; the
solutions' arithmetic and code are checked against the keys.
"""

from __future__ import annotations

import re

import pytest
import torch
from conftest import ROOT, assert_key_decides
from dlbook.exercises import check
from dlbook.exercises import definition as keys
from torch import nn

PAGE = ROOT / "book" / "introduction" / "definition.md"

STACK = (784 * 256 + 256) + (256 * 256 + 256) + (256 * 10 + 10)

RIGHT_AND_WRONG = [
    # the stack and the one layer it equals; not the weights alone, not a 784→256→10 single path
    ("definition-2", lambda: (STACK, 784 * 10 + 10), lambda: (784 * 256 + 256 * 256 + 256 * 10, 7_840)),
    ("definition-2", lambda: [STACK, 7_850], lambda: (STACK, 784 * 256 + 256)),
    # one pass at the parameters and one per parameter; not two per parameter (central differences)
    ("definition-3", lambda: STACK + 1, lambda: 2 * STACK),
    ("definition-3", lambda: STACK + 1, lambda: STACK),
    # 2L + 1 pixels after L = 5 layers; not 3L
    ("definition-4", lambda: 11, lambda: 15),
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_the_receptive_field_grows_by_two_pixels_a_layer() -> None:
    assert [keys.receptive_field(n) for n in range(1, 6)] == [3, 5, 7, 9, 11]
    assert keys.receptive_field(2, kernel=5) == 9
    with pytest.raises(ValueError, match="kernel"):
        keys.receptive_field(3, kernel=4)


def test_the_solution_code_measures_what_the_key_expects() -> None:
    text = PAGE.read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, flags=re.DOTALL).group(1)
    namespace: dict = {}
    exec(code, namespace)
    assert check("definition-4", namespace["width"], quiet=True)


def test_a_linear_stack_is_one_linear_layer() -> None:
    torch.manual_seed(0)
    stack = keys.stacked_layers(relu=False)
    w, b = torch.eye(784), torch.zeros(784)
    for layer in stack:
        w, b = layer.weight @ w, layer.weight @ b + layer.bias
    x = torch.randn(5, 784)
    assert torch.allclose(stack(x), x @ w.T + b, atol=1e-5)
    assert tuple(w.shape) == (10, 784)
    assert sum(isinstance(m, nn.ReLU) for m in keys.stacked_layers().modules()) == 2


def test_answers_of_the_wrong_shape_get_a_message_not_a_crash(capsys) -> None:
    assert check("definition-2", STACK) is False
    assert check("definition-3", 2.5) is False
    assert check("definition-4", "11") is False
    assert "two whole numbers" in capsys.readouterr().out


def test_the_solutions_state_what_the_keys_compute() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert keys.count_parameters(keys.stacked_layers(relu=False)) == STACK and f"{STACK:,} in all" in text
    assert f"{STACK + 1:,} forward passes" in text
    assert f"{keys.receptive_field(keys.RF_LAYERS)} for five layers" in text
