"""The answer keys of the page "The current AI spring: GPUs and large benchmarks" (dlbook.exercises.gpus).

Each key accepts the answer the page's solution computes and rejects a plausible wrong one. The solutions
that use the page's measurements are run here on made-up rates, of a CPU and of a GPU, so that both
branches are checked on a machine without a GPU; nothing here trains.
"""

from __future__ import annotations

import math
import re

import jupytext
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import ROOT, assert_key_decides
from dlbook import lenet
from dlbook.exercises import check
from dlbook.exercises import gpus as keys

PAGE = ROOT / "book" / "history" / "gpus.md"
BATCHES = (8, 32, 128, 512, 2048)
CPU_LIKE, GPU_LIKE = (1.4e-3, 1.1e-4), (1e-3, 2e-7)  # (fixed cost per step, cost per image), in s


def rates_of(t0: float, c: float, batches=BATCHES) -> dict[int, float]:
    """Images per second at each batch size B for a step that takes exactly t0 + c B seconds."""
    return {b: b / (t0 + c * b) for b in batches}


def conv2_multiply_adds() -> int:
    """The solution's count: conv2 unrolled with F.unfold on six 14×14 maps."""
    conv2 = lenet.build(seed=0).conv2
    patches = F.unfold(torch.rand(1, 6, 14, 14), kernel_size=5)
    return conv2.out_channels * patches.shape[1] * patches.shape[2]


def fitted_gain(t0: float, c: float) -> float:
    """R(2 B½) / R(B½) from the line fitted to the rates of a step of t0 + c B, as the solution does."""
    b = np.array(BATCHES, dtype=float)
    t = b / np.array(list(rates_of(t0, c).values()))
    c_fit, t0_fit = np.polyfit(b, t, 1, w=1 / t)
    half = t0_fit / c_fit
    return (2 * half / (t0_fit + 2 * c_fit * half)) / (half / (t0_fit + c_fit * half))


def bound(t0: float, c: float, batch: float) -> float:
    """The solution's bound on the speed-up of a step: the step time over its fixed cost."""
    return (t0 + c * batch) / t0


RIGHT_AND_WRONG = [
    # the straightforward CPU code; not the optimised BLAS version, which was the GPU's real rival
    ("gpus-1", lambda: "B", lambda: "A"),
    ("gpus-1", lambda: "b", lambda: "D"),
    # multiply-adds; not FLOPs, which count the multiplication and the addition separately
    ("gpus-2", conv2_multiply_adds, lambda: 2 * conv2_multiply_adds()),
    # each filter spans all six input maps: not 16 × 25 × 100, a filter over one map
    ("gpus-2", conv2_multiply_adds, lambda: 16 * 25 * 10 * 10),
    # conv2 does not pad: not 14 × 14 positions
    ("gpus-2", conv2_multiply_adds, lambda: 16 * 150 * 14 * 14),
    # a third more, whatever the costs; not twice, which holds only while the fixed cost is all there is
    ("gpus-3", lambda: fitted_gain(*CPU_LIKE), lambda: 2.0),
    ("gpus-3", lambda: fitted_gain(*GPU_LIKE), lambda: 3 / 4),  # the ratio upside down
    # the step time over the fixed cost; not the arithmetic's share c B / t0 without the 1
    ("gpus-4", lambda: bound, lambda: lambda t0, c, batch: c * batch / t0),
    # nor the fixed cost's share of a step, the inverse of the bound
    (
        "gpus-4",
        lambda: lambda t0, c, batch: 1 + batch * c / t0,
        lambda: lambda t0, c, batch: t0 / (t0 + c * batch),
    ),
]


@pytest.mark.parametrize(("name", "right", "wrong"), RIGHT_AND_WRONG)
def test_each_key_accepts_the_solution_and_rejects_a_wrong_answer(name, right, wrong, capsys) -> None:
    assert_key_decides(name, right(), wrong(), capsys)


def test_answers_of_the_wrong_type_get_a_message_not_a_crash(capsys) -> None:
    assert check("gpus-1", 2) is False
    assert check("gpus-2", float(conv2_multiply_adds())) is False
    assert check("gpus-3", "4/3") is False
    assert check("gpus-4", 1.6) is False
    assert check("gpus-4", lambda t0, c, batch: None) is False
    assert check("gpus-4", lambda t0, c: 1.0) is False  # the wrong number of arguments
    out = capsys.readouterr().out
    for message in (
        "letter",
        "whole number",
        "Expected one number",
        "a function",
        "returned None",
        "TypeError",
    ):
        assert message in out, message


def test_the_keys_count_what_the_layers_compute() -> None:
    assert keys.layers() == ("conv1", "conv2", "fc1", "fc2", "fc3")
    # the page's first layer: a 25 × 784 patch matrix; the second: 6 maps × 5 × 5 rows, 10 × 10 positions
    assert keys.patch_matrix_shape("conv1") == (25, 28 * 28)
    assert keys.patch_matrix_shape("conv2") == (6 * 5 * 5, 10 * 10)
    assert keys.multiply_adds("conv1") == 6 * 25 * 28 * 28
    assert keys.multiply_adds("conv2") == 16 * 150 * 100 == conv2_multiply_adds()
    model = lenet.build(seed=0)
    for name in ("fc1", "fc2", "fc3"):
        assert keys.multiply_adds(name) == getattr(model, name).weight.numel()


def test_the_keys_follow_the_step_time_model() -> None:
    for t0, c in (*keys.COSTS, CPU_LIKE, GPU_LIKE):
        assert keys.doubling_gain(t0, c) == pytest.approx(4 / 3)
        assert keys.throughput(keys.half_ceiling_batch(t0, c), t0, c) == pytest.approx(1 / (2 * c))
        for batch in (1, 8, 2048):
            assert keys.speedup(batch, t0, c, 1) == pytest.approx(1)
            assert keys.speedup(batch, t0, c, math.inf) == pytest.approx(1 + batch * c / t0)
            assert keys.speedup(batch, t0, c, 10) < keys.speedup(batch, t0, c, math.inf)


def test_the_page_checks_the_choice_the_key_expects() -> None:
    text = PAGE.read_text(encoding="utf-8")
    (given,) = re.findall(r'assert check\("gpus-1", "([A-D])", quiet=True\)', text)
    assert given == keys.BASELINE_2006


def solution_cells(label: str) -> tuple[str, str]:
    """The student's cell and the solution's code cell of exercise ``label``."""
    cells = [
        c.source
        for c in jupytext.read(PAGE).cells
        if c.cell_type == "code" and f'check("{label}"' in c.source
    ]
    assert len(cells) == 2, f"{label}: a cell for the student and one in the solution"
    student, solution = cells
    assert re.search(r"\bNone\b", student) and "strict=True" in solution
    return student, solution


@pytest.mark.parametrize("costs", [CPU_LIKE, GPU_LIKE], ids=["cpu-like", "gpu-like"])
def test_the_solutions_on_the_measured_rates_pass_their_checks(costs, capsys) -> None:
    rates = {"Test CPU": rates_of(*costs), "Test Accelerator": rates_of(*GPU_LIKE)}
    namespace = {
        "check": check,
        "rates": rates,
        "device_name": lambda device: "Test CPU",
        "batch_sizes": BATCHES,
    }
    for label in ("gpus-3", "gpus-4"):
        student, solution = solution_cells(label)
        exec(student, namespace)
        assert "✗" in capsys.readouterr().out  # unanswered
        exec(solution, namespace)  # raises WrongAnswer if the solution's answer is not right
        assert "✓" in capsys.readouterr().out
    assert namespace["t0"] == pytest.approx(costs[0]) and namespace["c"] == pytest.approx(costs[1])


def test_the_convolution_solution_passes_its_check(capsys) -> None:
    namespace = {"check": check, "torch": torch, "F": F, "build": lenet.build}
    for cell in solution_cells("gpus-2"):
        exec(cell, namespace)
    assert "✓" in capsys.readouterr().out
    assert float((namespace["as_matmul2"] - namespace["direct2"]).abs().max()) < 1e-5
