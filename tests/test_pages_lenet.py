"""Content tests of the LeNet-5 pages: CNN history, GPUs, and task/performance/experience."""

from __future__ import annotations

import json
import os
import re

import jupytext
import pytest
import torch
from conftest import ROOT, BuiltBook, article, figure_image, text_of
from dlbook.lenet import LeNet5

CNN = "book/history/cnn"
GPUS = "book/history/gpus"
TPE = "book/concepts/tpe"
GPU_JSON = ROOT / "benchmarks" / "results" / "lenet-gpu.json"
CPU_JSON = ROOT / "benchmarks" / "results" / "lenet-cpu.json"


def listing_source() -> str:
    """The lecture's listing as shown on the CNN page (the code cell defining ``class LeNet``)."""
    page = (ROOT / f"{CNN}.md").read_text(encoding="utf-8")
    cells = re.findall(r"```\{code-cell\} ipython3\n(.*?)```", page, flags=re.DOTALL)
    found = [c for c in cells if "class LeNet(nn.Module):" in c]
    assert len(found) == 1, "the CNN page must show the lecture's listing in exactly one code cell"
    return found[0]


def test_listing_restores_the_transcript_and_matches_dlbook_lenet():
    source = listing_source()
    for restored in (
        "def __init__(self):",
        "super(LeNet, self).__init__()",
        "F.max_pool2d(",
        "torch.flatten(x, 1)",
    ):
        assert restored in source
    assert "flatten(x)\n" not in source
    namespace: dict = {}
    exec(compile(source, "cnn.md listing", "exec"), namespace)
    listing, package = namespace["LeNet"](), LeNet5()
    assert [(n, p.shape) for n, p in listing.named_parameters()] == [
        (n, p.shape) for n, p in package.named_parameters()
    ]
    package.load_state_dict(listing.state_dict())
    x = torch.randn(3, 1, 28, 28)
    assert torch.equal(listing(x), package(x))


@pytest.mark.slow
def test_cnn_page_trains_to_99_percent_and_says_on_what(built_book: BuiltBook):
    text = text_of(article(built_book, CNN))
    match = re.search(r"classifies ([\d.]+) ?% of the test digits", text)
    assert match, "the CNN page must state the test accuracy it reached"
    accuracy = float(match.group(1))
    if "This build trained on MNIST" in text:
        assert accuracy >= 99.0, f"LeNet-5 reached only {accuracy} % on MNIST in the build"
    else:
        assert "did not find the MNIST files" in text
        assert not os.environ.get("CI"), "CI builds must train on MNIST (set DLBOOK_DATA)"
    for fig in ("fig-cnn-curves", "fig-cnn-confusion", "fig-cnn-wrong", "fig-cnn-filters"):
        figure_image(built_book, CNN, fig)
    assert "61,706" in text


@pytest.mark.slow
def test_gpu_page_shows_only_recorded_gpu_numbers(built_book: BuiltBook):
    text = text_of(article(built_book, GPUS))
    figure_image(built_book, GPUS, "fig-gpu-cpu-rates")
    assert re.search(r"training runs at [\d,]+ images per second", text)
    if GPU_JSON.is_file():
        recorded = json.loads(GPU_JSON.read_text())
        assert recorded["device"] in text and recorded["date"][:10] in text
    else:
        assert "No GPU result has been recorded yet" in text
        assert "recorded GPU run: none has been recorded yet" in text


@pytest.mark.slow
def test_tpe_page_has_mitchell_and_the_learning_curve(built_book: BuiltBook):
    text = text_of(article(built_book, TPE))
    assert "learn from experience E with respect to some class of tasks T and performance measure P" in text
    figure_image(built_book, TPE, "fig-tpe-curve")
    deep = re.search(r"LeNet-5 is at ([\d.]+) ?%", text)
    shallow = re.search(r"logistic regression is at ([\d.]+) ?%", text)
    assert deep and shallow
    assert float(deep.group(1)) > float(shallow.group(1))


# --- the GPU page's wording of the recorded results, run on results built here in memory ------------------
# The GPU branch of the page runs for the first time when a real GPU result is committed; these tests
# exercise it now (device "Test Accelerator"). Nothing here reaches benchmarks/results/.


def gpu_page_wording() -> dict:
    """The names defined by the GPU page's hidden cell that words the results (``def gpu_sentence``)."""
    cells = [c.source for c in jupytext.read(ROOT / f"{GPUS}.md").cells if c.cell_type == "code"]
    found = [c for c in cells if "def gpu_sentence(" in c]
    assert len(found) == 1, "the GPU page must define its sentences in exactly one code cell"
    namespace: dict = {}
    exec(compile(found[0], "gpus.md wording", "exec"), namespace)
    return namespace


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


def test_describe_lists_device_variants_failures_and_ratios():
    text = gpu_page_wording()["describe"](result("Test Accelerator", 200_000.0, 10_000.0))
    assert text.splitlines()[0].startswith("Test Accelerator, 2026-01-02, torch 2.x, commit 0123456789ab")
    assert "fit [plain]: 200,000 images/s, 1.00 s to 99.0% (2 of 2 seeds), 60.0x faster" in text
    assert "fit [graphs]: failed (RuntimeError: no compiler)" in text
    assert "classic loop: 10,000 images/s, 60.0 s to 99.0%" in text
    assert "fit / classic, images per second: 20.0x" in text


def test_no_gpu_result_gives_the_sentence_that_says_so():
    page = gpu_page_wording()
    assert page["gpu_sentence"](None, None, {128: 1000.0}, "CPU") == page["NO_GPU_SENTENCE"]


def test_gpu_sentence_compares_with_the_recorded_and_the_live_cpu():
    gpu_sentence = gpu_page_wording()["gpu_sentence"]
    gpu = result("Test Accelerator", 300_000.0, 20_000.0)
    cpu = result("Test CPU (2 threads)", 15_000.0, 6_000.0)
    text = gpu_sentence(gpu, cpu, {32: 1.0, 128: 10_000.0}, "Live CPU (1 thread)")
    assert text.startswith("On Test Accelerator, recorded on 2026-01-02,")
    assert "300,000 images per second" in text
    assert "20 times the 15,000 recorded by the same benchmark on Test CPU (2 threads)" in text
    assert "30 times the rate measured above on Live CPU (1 thread)" in text
    # without a live rate at the GPU's batch size, and without a CPU record, only what exists is compared
    alone = gpu_sentence(result("Test Accelerator", 300_000.0, 20_000.0, batch=512), None, {128: 1.0}, "x")
    assert "times" not in alone.split("processed")[1].split(".")[0]


def test_cpu_sentence_counts_passes_from_the_runs():
    cpu_sentence = gpu_page_wording()["cpu_sentence"]
    text = cpu_sentence(result("Test CPU", 15_000.0, 6_000.0))
    assert "2.5 times as many training images per second" in text
    assert "7.5 times sooner: after 2 passes over the training set against the classic loop's 3" in text
    assert cpu_sentence(None).startswith("No CPU benchmark has been recorded yet")


@pytest.mark.skipif(not CPU_JSON.is_file(), reason="no recorded CPU benchmark in benchmarks/results/")
def test_the_recorded_cpu_result_can_be_described():
    page = gpu_page_wording()
    recorded = json.loads(CPU_JSON.read_text())
    text = page["describe"](recorded)
    assert recorded["device"] in text and recorded["date"][:10] in text
    assert "fit [plain]" in text and "classic loop" in text
    assert recorded["device"] in page["cpu_sentence"](recorded)
