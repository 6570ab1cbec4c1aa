"""Tests of the command line ``python -m dlbook`` on the digits data set.

The end-to-end run (a subprocess that trains for several epochs, then evaluates) is marked ``slow``;
the quick tests call ``main`` in this process, training for one epoch of a few large batches.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from dlbook.__main__ import main
from dlbook.data import load_dataset


@pytest.mark.slow
def test_train_then_evaluate_end_to_end(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dlbook",
            "train",
            "--dataset",
            "digits",
            "--device",
            "cpu",
            "--epochs",
            "2",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "test accuracy" in proc.stdout and "digits" in proc.stdout
    assert "step" in proc.stderr  # the tqdm progress bar
    ckpt = out / "lenet5.pt"
    assert ckpt.is_file()
    history = json.loads((out / "history.json").read_text())
    assert len(history["test_accuracy"]) == 2

    proc = subprocess.run(
        [sys.executable, "-m", "dlbook", "evaluate", str(ckpt), "--device", "cpu"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    reported = f"{history['test_accuracy'][-1]:.2%}"
    assert f"test accuracy {reported}" in proc.stdout
    assert "confusion matrix" in proc.stdout


def test_evaluate_a_truncated_checkpoint_fails_cleanly(tmp_path, capsys):
    bad = tmp_path / "lenet5.pt"
    bad.write_bytes(b"PK\x03\x04 not really a checkpoint")
    assert main(["evaluate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dlbook: error:") and "truncated or corrupt" in err
    assert "Traceback" not in err


def test_missing_mnist_is_reported_not_raised(tmp_path, capsys):
    code = main(
        [
            "train",
            "--dataset",
            "mnist",
            "--no-download",
            "--data-root",
            str(tmp_path),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 2
    assert "MNIST not found" in capsys.readouterr().err


def test_train_flags_vary_the_books_recipe_and_evaluate_reads_the_checkpoint(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["train", "--dataset", "digits", "--device", "cpu", "--no-progress", "--out", str(out)]
    flags = ["--epochs", "1", "--batch-size", "512", "--lr", "0.002", "--label-smoothing", "0.05"]
    assert main([*args, *flags, "--optimizer", "sgd"]) == 0
    history = json.loads((out / "history.json").read_text())
    expected = {"epochs": 1, "batch_size": 512, "lr": 0.002, "label_smoothing": 0.05, "optimizer": "sgd"}
    assert {k: history[k] for k in expected} == expected
    capsys.readouterr()
    assert main(["evaluate", str(out / "lenet5.pt"), "--device", "cpu"]) == 0
    printed = capsys.readouterr().out
    assert f"{history['test_accuracy'][-1]:.2%}" in printed  # the accuracy fit recorded, recomputed
    rows = [line.split() for line in printed.splitlines()[-10:]]  # the confusion matrix: digit, 10 counts
    assert [int(r[0]) for r in rows] == list(range(10))
    n_test = load_dataset("digits").n_test
    assert sum(int(c) for r in rows for c in r[1:]) == n_test  # every test image counted once


def test_a_bad_flag_names_the_field_and_its_range(tmp_path, capsys):
    args = ["train", "--dataset", "digits", "--device", "cpu", "--out", str(tmp_path / "out")]
    assert main([*args, "--epochs", "0"]) == 2
    assert "dlbook: error: epochs must be an integer >= 1; got 0" in capsys.readouterr().err
    assert main([*args, "--label-smoothing", "1.5"]) == 2
    assert "label_smoothing must be in [0, 1); got 1.5" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
