"""The scripts in benchmarks/ run end to end, compare against their baseline and write what the book reads;
dlbook.benchmarks reads it back.

Timings are never asserted (they depend on the machine); what is checked is that each script runs, that
it measures both sides of its comparison and prints the ratio, and that the LeNet-5 result file holds
what the GPU page needs (device, date, versions, command, ratios). The reading functions are tested on
results built here in memory, in the layout the LeNet-5 script writes.

Every run of a benchmark script is marked ``slow``; the LeNet-5 script's check of its arguments is called
in this process (it fails before anything is trained), and the reading functions are quick.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from dataclasses import replace

import pytest
from conftest import ROOT, load_module
from dlbook import benchmarks
from dlbook.train import RECIPES, fit

BENCH = ROOT / "benchmarks"
RECORDED_CPU = BENCH / "results" / "lenet-cpu.json"


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
        "--epochs", "5", "--out", str(out),
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


def test_lenet_benchmark_rejects_an_unknown_variant(tmp_path, capsys):
    lenet = load_module("benchmark_lenet", BENCH / "lenet.py")  # run in this process: nothing is trained
    with pytest.raises(SystemExit) as exit_:
        lenet.main(["--dataset", "digits", "--variants", "plain,turbo", "--out", str(tmp_path / "x")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--variants must be from" in err and "turbo" in err
    assert not (tmp_path / "x").exists()


def test_lenet_benchmark_variants_are_valid_recipes_and_fit_options():
    lenet = load_module("benchmark_lenet", BENCH / "lenet.py")
    options_of_fit = set(inspect.signature(fit).parameters)
    for name, (changes, options) in lenet.VARIANTS.items():
        recipe = replace(RECIPES["mnist"], **changes)  # a bad value raises ValueError naming the field
        assert set(options) <= options_of_fit, f"{name}: {sorted(set(options) - options_of_fit)}"
        assert name != "plain" or (recipe, options) == (RECIPES["mnist"], {})
    assert lenet.VARIANTS["large-batch"][0]["batch_size"] == 512


@pytest.mark.slow
def test_autodiff_benchmark_compares_with_torch():
    proc = run_script("autodiff.py", "--repeats", "3", "--warmup", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "dlbook.autodiff" in proc.stdout and "torch.autograd" in proc.stdout
    assert "ratio" in proc.stdout


@pytest.mark.slow
def test_plasticity_benchmark_checks_its_baseline_gives_identical_results(tmp_path):
    # --out: the committed result in benchmarks/results/ is a measurement, not something a test rewrites
    proc = run_script("plasticity.py", "--out", str(tmp_path / "plasticity.json"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "identical results: True" in proc.stdout
    assert proc.stdout.count("speed-up:") == 2
    assert (tmp_path / "plasticity.json").is_file()


@pytest.mark.slow
def test_lenet_benchmark_gpu_mode_runs_its_variants_on_the_cpu(tmp_path):
    """The --gpu code path (the one prepared for a GPU machine), exercised here on the CPU with digits."""
    out = tmp_path / "gpu.json"
    proc = run_script(
        "lenet.py", "--gpu", "--device", "cpu", "--dataset", "digits", "--variants", "plain,large-batch",
        "--seeds", "1", "--classic-epochs", "1", "--epochs", "1", "--out", str(out),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["mode"] == "gpu" and result["device_type"] == "cpu"
    assert set(result["fast"]) == {"plain", "large-batch"}
    assert result["fast"]["large-batch"]["recipe"]["batch_size"] == 512
    assert set(result["variant_ratios"]) == {"plain", "large-batch"}


# --- dlbook.benchmarks: reading the results -------------------------------------------------------------


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
    assert benchmarks.read_result(tmp_path, "lenet-gpu.json") is None
    (tmp_path / "lenet-gpu.json").write_text(json.dumps({"device": "x"}))
    assert benchmarks.read_result(tmp_path, "lenet-gpu.json") == {"device": "x"}


def test_epochs_to_target():
    assert benchmarks.epochs_to_target([0.97, 0.99, 0.995], 0.99) == 2
    assert benchmarks.epochs_to_target([0.97, 0.98], 0.99) is None


def test_passes_to_target_counts_the_runs_that_reached_it():
    r = result("Test CPU", 15_000.0, 6_000.0)
    assert benchmarks.passes_to_target(r) == [2]
    r["fast"]["plain"]["runs"][1]["test_accuracy"] = [0.995, 0.996]
    assert benchmarks.passes_to_target(r) == [1, 2]
    r["fast"]["plain"]["runs"][0]["seconds_to_target"] = None  # never reached: left out
    assert benchmarks.passes_to_target(r) == [1]
    assert benchmarks.passes_to_target(r, "graphs") == []  # a failed variant has no runs
    with pytest.raises(ValueError, match="variant must be one of plain, graphs"):
        benchmarks.passes_to_target(r, "turbo")


@pytest.mark.skipif(not RECORDED_CPU.is_file(), reason="no recorded CPU benchmark in benchmarks/results/")
def test_the_recorded_cpu_result_reaches_the_target():
    recorded = benchmarks.read_result(RECORDED_CPU.parent, RECORDED_CPU.name)
    assert recorded["device"] and recorded["date"]
    passes = benchmarks.passes_to_target(recorded)
    assert passes and all(1 <= n <= recorded["fast"]["plain"]["recipe"]["epochs"] for n in passes)
