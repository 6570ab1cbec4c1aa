"""The scripts in benchmarks/ run end to end, compare against their baseline and write what the book reads.

Timings are never asserted (they depend on the machine); what is checked is that each script runs, that
it measures both sides of its comparison and prints the ratio, and that the LeNet-5 result file holds
what the GPU page needs (device, date, versions, command, ratios).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"


def run_script(name: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "code")}
    return subprocess.run(
        [sys.executable, str(BENCH / name), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.slow
def test_lenet_benchmark_on_digits_writes_a_complete_result(tmp_path):
    out = tmp_path / "lenet.json"
    proc = run_script(
        "lenet.py", "--dataset", "digits", "--variants", "plain", "--seeds", "2", "--classic-epochs", "3",
        "--out", str(out),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(out.read_text())
    for key in ("device", "date", "command", "git_commit", "torch", "python", "dataset", "timer"):
        assert result[key], key
    assert result["dataset"] == "digits" and result["mode"] == "cpu"
    assert "--dataset digits" in result["command"]
    plain = result["fast"]["plain"]
    assert plain["seeds"] == 2 and len(plain["runs"]) == 2
    assert {r["seed"] for r in plain["runs"]} == {0, 1}
    assert all(r["images_per_second"] > 0 for r in plain["runs"])
    classic = result["classic"]
    assert 1 <= len(classic["test_accuracy"]) <= 3 and classic["images_per_second"] > 0
    ratios = result["ratios"]
    assert ratios == result["variant_ratios"]["plain"]
    assert ratios["images_per_second"] == pytest.approx(
        plain["mean_images_per_second"] / classic["images_per_second"]
    )
    assert "ratio fast[plain]/classic, images per second" in proc.stdout
    assert not list(tmp_path.glob("*.tmp")), "the result is written to a temporary file, then renamed"


def test_lenet_benchmark_rejects_an_unknown_variant(tmp_path):
    proc = run_script(
        "lenet.py", "--dataset", "digits", "--variants", "plain,turbo", "--out", str(tmp_path / "x")
    )
    assert proc.returncode == 2
    assert "--variants must be from" in proc.stderr and "turbo" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_autodiff_benchmark_compares_with_torch():
    proc = run_script("autodiff.py", "--repeats", "3", "--warmup", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "dlbook.autodiff" in proc.stdout and "torch.autograd" in proc.stdout
    assert "ratio" in proc.stdout


@pytest.mark.slow
def test_plasticity_benchmark_checks_its_baseline_gives_identical_results():
    proc = run_script("plasticity.py")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "identical results: True" in proc.stdout
    assert proc.stdout.count("speed-up:") == 2


def test_lenet_benchmark_gpu_mode_runs_its_variants_on_the_cpu(tmp_path):
    """The --gpu code path (the one prepared for a GPU machine), exercised here on the CPU with digits."""
    out = tmp_path / "gpu.json"
    proc = run_script(
        "lenet.py", "--gpu", "--device", "cpu", "--dataset", "digits", "--variants", "plain,large-batch",
        "--seeds", "1", "--classic-epochs", "1", "--epochs", "2", "--out", str(out),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["mode"] == "gpu" and result["device_type"] == "cpu"
    assert set(result["fast"]) == {"plain", "large-batch"}
    assert result["fast"]["large-batch"]["recipe"]["batch_size"] == 512
    assert set(result["variant_ratios"]) == {"plain", "large-batch"}
