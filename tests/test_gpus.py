"""Unit tests of dlbook.gpus: reading and describing benchmark results.

The GPU branch of the GPU page runs for the first time when a real GPU result is committed; these tests
exercise it now on results built here in memory (device "Test Accelerator"), which never reach
benchmarks/results/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dlbook import gpus

ROOT = Path(__file__).resolve().parents[1]
RECORDED_CPU = ROOT / "benchmarks" / "results" / "lenet-cpu.json"


def result(device: str, rate: float, classic_rate: float, *, seconds: float = 1.0, batch: int = 128) -> dict:
    """A result in the layout benchmarks/lenet.py writes, with one variant ("plain") and two seeds."""
    runs = [
        {"seed": s, "test_accuracy": [0.985, 0.9915], "train_seconds": [seconds / 2, seconds],
         "images_per_second": rate, "seconds_to_target": seconds}
        for s in (0, 1)
    ]  # fmt: skip
    ratios = {"images_per_second": rate / classic_rate, "time_to_target": 3 * rate / classic_rate}
    return {
        "device": device,
        "date": "2026-01-02T03:04:05+00:00",
        "torch": "2.x",
        "git_commit": "0123456789abcdef",
        "command": "python benchmarks/lenet.py",
        "target_accuracy": 0.99,
        "fast": {
            "plain": {
                "recipe": {"epochs": 2, "batch_size": batch, "lr": 0.01},
                "runs": runs,
                "seeds": 2,
                "seeds_reaching_target": 2,
                "mean_images_per_second": rate,
                "mean_seconds_to_target": seconds,
            },
            "graphs": {"recipe": {}, "runs": [], "error": "RuntimeError: no compiler"},
        },
        "classic": {
            "test_accuracy": [0.98, 0.985, 0.991],
            "images_per_second": classic_rate,
            "seconds_to_target": 3 * seconds * rate / classic_rate,
        },
        "ratios": ratios,
        "variant_ratios": {"plain": ratios},
    }  # fmt: skip


def test_read_result_returns_none_for_a_missing_file(tmp_path):
    assert gpus.read_result(tmp_path, "lenet-gpu.json") is None
    (tmp_path / "lenet-gpu.json").write_text(json.dumps({"device": "x"}))
    assert gpus.read_result(tmp_path, "lenet-gpu.json") == {"device": "x"}


def test_epochs_to_target():
    assert gpus.epochs_to_target([0.97, 0.99, 0.995], 0.99) == 2
    assert gpus.epochs_to_target([0.97, 0.98], 0.99) is None


def test_describe_lists_device_variants_failures_and_ratios():
    text = gpus.describe(result("Test Accelerator", 200_000.0, 10_000.0))
    assert text.splitlines()[0].startswith("Test Accelerator, 2026-01-02, torch 2.x, commit 0123456789ab")
    assert "fit [plain]: 200,000 images/s, 1.00 s to 99.0% (2 of 2 seeds), 60.0x faster" in text
    assert "fit [graphs]: failed (RuntimeError: no compiler)" in text
    assert "classic loop: 10,000 images/s, 60.0 s to 99.0%" in text
    assert "fit / classic, images per second: 20.0x" in text


def test_no_gpu_result_gives_the_sentence_that_says_so():
    assert gpus.gpu_sentence(None, None, {128: 1000.0}, "CPU") == gpus.NO_GPU_SENTENCE


def test_gpu_sentence_compares_with_the_recorded_and_the_live_cpu():
    gpu = result("Test Accelerator", 300_000.0, 20_000.0)
    cpu = result("Test CPU (2 threads)", 15_000.0, 6_000.0)
    text = gpus.gpu_sentence(gpu, cpu, {32: 1.0, 128: 10_000.0}, "Live CPU (1 thread)")
    assert text.startswith("On Test Accelerator, recorded on 2026-01-02,")
    assert "300,000 images per second" in text
    assert "20 times the 15,000 recorded by the same benchmark on Test CPU (2 threads)" in text
    assert "30 times the rate measured above on Live CPU (1 thread)" in text
    # without a live rate at the GPU's batch size, and without a CPU record, only what exists is compared
    alone = gpus.gpu_sentence(
        result("Test Accelerator", 300_000.0, 20_000.0, batch=512), None, {128: 1.0}, "x"
    )
    assert "times" not in alone.split("processed")[1].split(".")[0]


def test_cpu_sentence_counts_passes_from_the_runs():
    text = gpus.cpu_sentence(result("Test CPU", 15_000.0, 6_000.0))
    assert "2.5 times as many training images per second" in text
    assert "7.5 times sooner: after 2 passes over the training set against the classic loop's 3" in text
    assert gpus.cpu_sentence(None).startswith("No CPU benchmark has been recorded yet")


@pytest.mark.skipif(not RECORDED_CPU.is_file(), reason="no recorded CPU benchmark in benchmarks/results/")
def test_the_recorded_cpu_result_can_be_described():
    recorded = gpus.read_result(RECORDED_CPU.parent, RECORDED_CPU.name)
    text = gpus.describe(recorded)
    assert recorded["device"] in text and recorded["date"][:10] in text
    assert "fit [plain]" in text and "classic loop" in text
    assert recorded["device"] in gpus.cpu_sentence(recorded)
