"""Content tests of the LeNet-5 pages: CNN history, GPUs, and task/performance/experience."""

from __future__ import annotations

import json
import os
import re

import pytest
import torch
from conftest import ROOT, BuiltBook, article, figure_image, text_of
from dlbook.lenet import LeNet5

CNN = "book/history/cnn"
GPUS = "book/history/gpus"
TPE = "book/concepts/tpe"
GPU_JSON = ROOT / "benchmarks" / "results" / "lenet-gpu.json"


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
