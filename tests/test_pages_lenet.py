"""Content tests of the LeNet-5 pages: CNN history, GPUs, and task/performance/experience."""

from __future__ import annotations

import ast
import json
import os
import re

import jupytext
import pytest
import torch
from conftest import ROOT, BuiltBook, article, figure_image, glue_values, text_of
from dlbook.data import load_dataset
from dlbook.lenet import LeNet5, count_parameters
from dlbook.train import RECIPES, logistic_regression
from test_book_build import assert_shows
from test_train import MNIST_ONE_SEED_FLOOR

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
def test_cnn_page_trains_lenet5_and_says_on_what(built_book: BuiltBook):
    """The page's own training run: its glued accuracy, mistakes and data set, and the figures.

    The page trains one seed of the book's recipe, so on MNIST its accuracy is held to the floor that the
    spread over seeds justifies (``test_train.MNIST_ONE_SEED_FLOOR``, the 12-seed mean less 4 standard
    deviations, about 98.9 %), not to 99.0 % itself; the page words its result from the number it got.
    """
    v = glue_values(built_book, CNN)
    dataset = v["cnn_dataset"]
    assert dataset in ("mnist", "digits")
    recipe = RECIPES[dataset]
    assert v["cnn_epochs"] == recipe.epochs and v["cnn_smoothing"] == recipe.label_smoothing
    model = LeNet5()
    assert v["cnn_params"] == count_parameters(model)
    assert v["cnn_conv_params"] == sum(p.numel() for n, p in model.named_parameters() if n.startswith("conv"))
    accuracy = v["cnn_accuracy"]
    if dataset == "mnist":
        assert accuracy >= MNIST_ONE_SEED_FLOOR, f"LeNet-5 reached only {accuracy:.2f} % on MNIST"
    else:
        assert accuracy >= 95.0, f"LeNet-5 reached only {accuracy:.2f} % on the digits"
        assert not os.environ.get("CI"), "CI builds must train on MNIST (set DLBOOK_DATA)"
    n_test = load_dataset(dataset, download=False).n_test
    assert v["cnn_errors"] == round((100 - accuracy) / 100 * n_test)
    # the most frequent confusion is one of the mistakes
    assert v["cnn_top_true"] != v["cnn_top_pred"] and 0 < v["cnn_top_count"] <= v["cnn_errors"]
    assert v["cnn_seconds"] > 0 and v["cnn_rate"] > 0
    # The page says which data set it trained on, in the sentence it glues for that.
    assert ("MNIST" if dataset == "mnist" else "digit") in v["cnn_dataset_sentence"]
    assert f"{accuracy:.2f}" in v["cnn_curve_result"]  # the figure's caption states the same number
    assert_shows(
        built_book, CNN,
        v["cnn_dataset_sentence"], v["cnn_curve_result"], f"{v['cnn_params']:,d}",
        f"{v['cnn_conv_params']:,d}", f"{v['cnn_smoothing']:.2g}", str(v["cnn_epochs"]), f"{accuracy:.2f}",
        str(v["cnn_errors"]),
        f"{v['cnn_seconds']:.1f}", v["cnn_device"], f"{v['cnn_rate']:,.0f}", str(v["cnn_top_true"]),
        str(v["cnn_top_pred"]), str(v["cnn_top_count"]),
    )  # fmt: skip
    for fig in ("fig-cnn-curves", "fig-cnn-confusion", "fig-cnn-wrong", "fig-cnn-filters"):
        figure_image(built_book, CNN, fig)


@pytest.mark.slow
def test_tpe_page_has_mitchell_and_the_learning_curve(built_book: BuiltBook):
    page = article(built_book, TPE)
    quote = page.find("blockquote")
    assert quote is not None and "experience E" in text_of(quote)
    assert any("bibliography" in a["href"] for a in quote.find_all("a", href=True)), "no citation"
    figure_image(built_book, TPE, "fig-tpe-curve")
    v = glue_values(built_book, TPE)
    assert v["tpe_lenet_params"] == count_parameters(LeNet5())
    assert v["tpe_logistic_params"] == count_parameters(logistic_regression(0))
    assert v["tpe_pixels"] == 28 * 28
    assert v["tpe_n_small"] < v["tpe_n_large"]
    # P rises with E for both models, and the deep one is ahead with the most experience
    assert v["tpe_deep_large"] > v["tpe_deep_small"] and v["tpe_shallow_large"] > v["tpe_shallow_small"]
    assert v["tpe_deep_large"] > v["tpe_shallow_large"]
    assert v["tpe_err_deep"] == pytest.approx(100 - v["tpe_deep_large"])
    assert v["tpe_err_shallow"] == pytest.approx(100 - v["tpe_shallow_large"])
    assert v["tpe_err_ratio"] == pytest.approx(v["tpe_err_shallow"] / v["tpe_err_deep"])
    small = (100 - v["tpe_shallow_small"]) / (100 - v["tpe_deep_small"])
    assert v["tpe_err_ratio_small"] == pytest.approx(small)
    # the word for how the ratio of the error rates changed agrees with the two ratios (10 % counts as none)
    ratio, ratio_small = v["tpe_err_ratio"], v["tpe_err_ratio_small"]
    if ratio > 1.1 * ratio_small:
        assert v["tpe_gap_trend"] == "grown"
    elif ratio < ratio_small / 1.1:
        assert v["tpe_gap_trend"] == "shrunk"
    else:
        assert v["tpe_gap_trend"] not in ("grown", "shrunk")
    assert ("MNIST" in v["tpe_dataset"]) == (v["tpe_n_test"] == 10_000)
    assert_shows(
        built_book, TPE,
        v["tpe_dataset"], v["tpe_gap_trend"], f"{v['tpe_n_test']:,d}", f"{v['tpe_n_small']:,d}",
        f"{v['tpe_n_large']:,d}", f"{v['tpe_lenet_params']:,d}", f"{v['tpe_pixels']:,d}",
        f"{v['tpe_logistic_params']:,d}", f"{v['tpe_deep_small']:.1f}", f"{v['tpe_shallow_small']:.1f}",
        f"{v['tpe_err_ratio_small']:.1f}", f"{v['tpe_deep_large']:.1f}", f"{v['tpe_shallow_large']:.1f}",
        f"{v['tpe_err_shallow']:.1f}", f"{v['tpe_err_ratio']:.1f}", f"{v['tpe_err_deep']:.1f}",
    )  # fmt: skip


# --- the GPU page: what it measured and what it recorded --------------------------------------------------
# The page's hidden cells fit the step-time model and word the results. Their functions are run here on
# made-up measurements and results (device "Test Accelerator"), so the GPU branch is checked on machines
# without one; the checks look for the numbers each function must state, not for its wording. Nothing
# here reaches benchmarks/results/.


def gpu_page_functions(marker: str) -> dict:
    """The constants and functions defined by the GPU page's code cell that contains ``marker``.

    Only the cell's imports, assignments and definitions are run: its ``glue`` calls need the page's
    measurements, which a test does not have.
    """
    cells = [c.source for c in jupytext.read(ROOT / f"{GPUS}.md").cells if c.cell_type == "code"]
    found = [c for c in cells if marker in c]
    assert len(found) == 1, f"the GPU page must define {marker!r} in exactly one code cell"
    kinds = (ast.Import, ast.ImportFrom, ast.Assign, ast.FunctionDef)
    tree = ast.parse(found[0])
    tree.body = [node for node in tree.body if isinstance(node, kinds)]
    namespace: dict = {}
    exec(compile(tree, f"{GPUS}.md", "exec"), namespace)
    return namespace


def rates_of(t0: float, c: float, batches=(8, 32, 128, 512, 2048)) -> dict[int, float]:
    """Images per second at each batch size B for a step that takes exactly t0 + c B seconds."""
    return {b: b / (t0 + c * b) for b in batches}


def test_step_model_recovers_the_fixed_cost_and_the_cost_per_image():
    step_model = gpu_page_functions("def step_model(")["step_model"]
    t0, c = step_model(rates_of(2e-3, 5e-6))
    assert (t0, c) == pytest.approx((2e-3, 5e-6), rel=1e-6)


def test_model_sentence_states_the_fitted_costs_ceiling_and_half_point():
    page = gpu_page_functions("def step_model(")
    t0, c = 2e-3, 5e-6
    sentence = page["model_sentence"]("Test CPU", rates_of(t0, c))
    for number in ("Test CPU", f"{t0 * 1e3:.2f}", f"{c * 1e6:.1f}", f"{1 / c:,.0f}", f"{t0 / c:,.0f}"):
        assert number in sentence
    for batch in (8, 2048):  # the share of a step taken by the fixed cost, at the smallest and largest
        assert f"{t0 / (t0 + c * batch):.0%}" in sentence
    # step times on a line with a negative fixed cost (the rate falls with the batch size): no ceiling
    falling = {b: b / (-1e-3 + 1e-4 * b) for b in (32, 128, 512)}
    t0_falling, c_falling = page["step_model"](falling)
    assert t0_falling < 0 < c_falling
    stated = page["model_sentence"]("Test CPU", falling)
    assert "Test CPU" in stated and f"{1 / c_falling:,.0f}" not in stated


def test_devices_sentence_compares_the_gpu_with_the_cpu_only_when_both_were_measured():
    devices_sentence = gpu_page_functions("def step_model(")["devices_sentence"]
    cpu, gpu = rates_of(2e-3, 5e-5), rates_of(5e-3, 2e-7)
    both = devices_sentence({"Test CPU": cpu, "Test Accelerator": gpu})
    assert "Test CPU" in both and "Test Accelerator" in both
    assert "2048" in both and f"{gpu[2048] / cpu[2048]:,.0f}" in both
    assert not re.search(r"\d", devices_sentence({"Test CPU": cpu}))  # one device: no number compared


def result(device: str, rate: float, *, batch: int = 128) -> dict:
    """A result in the layout benchmarks/lenet.py writes, with one variant ("plain") and two seeds."""
    runs = [
        {"seed": s, "test_accuracy": [0.985, 0.9915], "train_seconds": [0.5, 1.0], "images_per_second": rate,
         "seconds_to_target": 1.0}
        for s in (0, 1)
    ]  # fmt: skip
    return {
        "device": device,
        "date": "2026-01-02T03:04:05+00:00",
        "fast": {
            "plain": {"recipe": {"epochs": 2, "batch_size": batch, "lr": 0.01}, "runs": runs,
                      "mean_images_per_second": rate},
            "graphs": {"recipe": {}, "runs": [], "error": "RuntimeError: no compiler"},
        },
    }  # fmt: skip


def test_no_gpu_result_gives_the_sentence_that_says_so():
    page = gpu_page_functions("def gpu_sentence(")
    cpu = result("Test CPU (2 threads)", 15_000.0)
    for gpu in (None, {"device": "x", "fast": {}}):
        assert page["gpu_sentence"](gpu, cpu, {"Live CPU": {128: 1000.0}}) == page["NO_GPU_SENTENCE"]


def test_gpu_sentence_compares_with_the_recorded_and_the_live_cpu():
    gpu_sentence = gpu_page_functions("def gpu_sentence(")["gpu_sentence"]
    gpu = result("Test Accelerator", 300_000.0)
    cpu = result("Test CPU (2 threads)", 15_000.0)
    text = gpu_sentence(gpu, cpu, {"Live CPU (1 thread)": {32: 1.0, 128: 10_000.0}})
    for shown in ("Test Accelerator", "2026-01-02", "128", "300,000", "Test CPU (2 threads)", "15,000",
                  f"{300_000 / 15_000:,.0f}", "Live CPU (1 thread)", f"{300_000 / 10_000:,.0f}"):  # fmt: skip
        assert shown in text, shown
    # without a CPU record and without a live rate at the GPU's batch size, the rate stands alone
    alone = gpu_sentence(result("Test Accelerator", 300_000.0, batch=512), None, {"Live CPU": {128: 1.0}})
    assert "300,000" in alone and "Live CPU" not in alone and "15,000" not in alone


@pytest.mark.slow
def test_gpu_page_measures_throughput_and_shows_only_recorded_gpu_numbers(built_book: BuiltBook):
    figure_image(built_book, GPUS, "fig-gpu-throughput")
    v = glue_values(built_book, GPUS)
    assert v["gpu_recipe_batch"] == RECIPES["mnist"].batch_size
    assert 0 < v["gpu_subset"] <= 4096
    assert_shows(
        built_book, GPUS,
        v["gpu_dataset"], f"{v['gpu_subset']:,d}", v["gpu_model_sentence"], v["gpu_devices_sentence"],
        str(v["gpu_recipe_batch"]), v["gpu_sentence"],
    )  # fmt: skip
    if GPU_JSON.is_file():
        recorded = json.loads(GPU_JSON.read_text())
        assert recorded["device"] in v["gpu_sentence"] and recorded["date"][:10] in v["gpu_sentence"]
    else:
        assert v["gpu_sentence"] == gpu_page_functions("def gpu_sentence(")["NO_GPU_SENTENCE"]
