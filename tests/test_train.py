"""Unit tests of dlbook.train: the tensor-resident training loop, evaluation helpers, checkpoints."""

from __future__ import annotations

import json
import statistics
from dataclasses import FrozenInstanceError, asdict, replace

import pytest
import torch
import torch.nn.functional as F
from conftest import ROOT
from dlbook.data import load_dataset
from dlbook.lenet import build
from dlbook.train import (
    RECIPES,
    CheckpointError,
    Recipe,
    accuracy,
    bf16_supported,
    confidently_wrong,
    confusion_matrix,
    fit,
    learning_curve,
    load_checkpoint,
    logistic_regression,
    predict,
    save_checkpoint,
    smoothed_cross_entropy,
)
from test_data import mnist_root


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits")


def mean_loss(model, data) -> float:
    x = (data.train_images.float() / 255 - data.mean) / data.std
    with torch.no_grad():
        return float(F.cross_entropy(model.eval()(x), data.train_labels))


def test_one_epoch_on_a_small_subset_lowers_the_loss(digits):
    small = digits.subset(256, seed=0)
    model = build(0)
    before = mean_loss(model, small)
    history = fit(model, small, Recipe(epochs=1, batch_size=16, lr=1e-2), device="cpu", progress=False)
    after = mean_loss(model, small)
    assert after < 0.8 * before, f"loss {before:.3f} -> {after:.3f}"
    assert len(history.train_loss) == 1 and len(history.step_loss) == 16


def test_history_records_every_epoch(digits):
    history = fit(
        build(0), digits.subset(128, seed=0), Recipe(epochs=2, batch_size=64, lr=1e-2), progress=False
    )
    assert len(history.test_accuracy) == len(history.train_loss) == len(history.train_seconds) == 2
    assert all(0.0 <= a <= 1.0 for a in history.test_accuracy)
    assert history.final_accuracy == history.test_accuracy[-1]
    assert history.train_seconds == sorted(history.train_seconds) and history.images_per_second > 0
    assert history.dataset == "digits" and history.epochs == 2


@pytest.mark.slow
def test_fit_reaches_95_percent_on_digits(digits):
    history = fit(build(0), digits, RECIPES["digits"], device="cpu", progress=False)
    assert history.final_accuracy >= 0.95
    assert len(history.test_accuracy) == RECIPES["digits"].epochs
    assert history.train_loss[-1] < history.train_loss[0]


# The spread of the MNIST recipe's test accuracy over seeds, in percent: ``fit`` with RECIPES["mnist"] on
# the CPU reached 99.05 to 99.29 %, mean 99.18 %, for seeds 0 to 11 (the comment at RECIPES in
# code/dlbook/train.py). Only the extremes of that check were kept, so the standard deviation is estimated
# from the range: for 12 draws from a normal distribution the expected range is 3.26 standard deviations.
# (benchmarks/results/lenet-cpu.json holds only 3 seeds, too few to estimate a spread; the test below
# checks that they agree with this one.)
MNIST_SEEDS = 12
MNIST_MEAN, MNIST_LOWEST, MNIST_HIGHEST = 99.18, 99.05, 99.29
MNIST_SD = (MNIST_HIGHEST - MNIST_LOWEST) / 3.26  # about 0.074 points
#: What one seed must reach: the mean less 4 standard deviations (about 98.88 %). A run below it is not
#: an unlucky seed (one in 30,000 under a normal spread) but a recipe, model or loop that got worse.
MNIST_ONE_SEED_FLOOR = MNIST_MEAN - 4 * MNIST_SD
RECORDED_CPU = ROOT / "benchmarks" / "results" / "lenet-cpu.json"


@pytest.mark.skipif(not RECORDED_CPU.is_file(), reason="no recorded CPU benchmark in benchmarks/results/")
def test_recorded_mnist_seeds_agree_with_the_spread_the_tests_assume():
    result = json.loads(RECORDED_CPU.read_text())
    plain = result["fast"]["plain"]
    assert result["dataset"] == "mnist"
    assert plain["recipe"] == {k: v for k, v in asdict(RECIPES["mnist"]).items() if k in plain["recipe"]}
    finals = [100 * run["test_accuracy"][-1] for run in plain["runs"]]
    assert len(finals) >= 2 and min(finals) >= MNIST_ONE_SEED_FLOOR, finals
    assert statistics.mean(finals) >= 99.0  # the book's claim holds on average over the recorded seeds
    assert abs(statistics.mean(finals) - MNIST_MEAN) < 3 * MNIST_SD / len(finals) ** 0.5


@pytest.mark.slow
def test_fit_reaches_99_percent_on_mnist():
    """One seed of the book's MNIST recipe reaches the floor that the recorded spread over seeds justifies.

    LeNet-5 reaches 99 % on average over seeds (mean 99.18 % over 12; see ``MNIST_ONE_SEED_FLOOR``), but a
    single seed asserted against 99.0 % itself would have a margin of a few standard deviations of the
    spread between seeds. Training a second seed to assert the mean would cost another 8-15 s; instead
    this one seed is held to the mean less 4 standard deviations, and
    ``test_recorded_mnist_seeds_agree_with_the_spread_the_tests_assume`` checks the 99 % mean on the
    recorded seeds.
    """
    data = load_dataset("mnist", root=mnist_root(), download=False)
    history = fit(build(0), data, RECIPES["mnist"], device="cpu", progress=False)
    assert history.dataset == "mnist"
    accuracy = 100 * history.final_accuracy
    assert accuracy >= MNIST_ONE_SEED_FLOOR, f"test accuracy {accuracy:.2f} % < {MNIST_ONE_SEED_FLOOR:.2f} %"


def test_same_seed_same_weights_on_cpu(digits):
    small = digits.subset(300, seed=1)
    models = []
    for seed in (7, 7, 8):
        model = build(0)
        fit(model, small, Recipe(epochs=1, batch_size=50, lr=3e-3), device="cpu", seed=seed, progress=False)
        models.append(model)
    assert all(torch.equal(p, q) for p, q in zip(models[0].parameters(), models[1].parameters(), strict=True))
    assert not torch.equal(models[0].fc3.weight, models[2].fc3.weight)  # another shuffling, other weights


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"epochs": 0}, r"epochs must be an integer >= 1; got 0"),
        ({"epochs": 1.5}, r"epochs must be an integer >= 1"),
        ({"batch_size": 0}, r"batch_size must be an integer >= 1; got 0"),
        ({"lr": -1.0}, r"lr must be a finite number > 0; got -1.0"),
        ({"lr": float("inf")}, r"lr must be a finite number > 0"),
        ({"optimizer": "rmsprop"}, r"optimizer must be one of adam, sgd; got 'rmsprop'"),
        ({"weight_decay": -1e-4}, r"weight_decay must be a finite number >= 0"),
        ({"label_smoothing": 1.0}, r"label_smoothing must be in \[0, 1\); got 1.0"),
        ({"label_smoothing": -0.1}, r"label_smoothing must be in \[0, 1\)"),
    ],
)
def test_recipe_rejects_values_out_of_range_naming_the_field(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Recipe(**{"epochs": 1, "batch_size": 8, "lr": 1e-3, **kwargs})
    with pytest.raises(ValueError, match=match):  # also when varied from a published recipe
        replace(RECIPES["mnist"], **kwargs)


def test_recipes_are_frozen_and_hold_the_books_settings():
    mnist = RECIPES["mnist"]
    assert (mnist.epochs, mnist.batch_size, mnist.lr, mnist.label_smoothing) == (2, 128, 1e-2, 0.1)
    assert (mnist.optimizer, mnist.weight_decay) == ("adam", 0.0)
    assert set(RECIPES) == {"mnist", "digits"}
    with pytest.raises(FrozenInstanceError):
        mnist.epochs = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("recipe", "options", "match"),
    [
        (Recipe(epochs=1, batch_size=8, lr=1e-3), {"device": "tpu"}, "device"),
        ({"epochs": 1, "batch_size": 8, "lr": 1e-3}, {}, "recipe must be a Recipe"),
    ],
)
def test_fit_rejects_bad_arguments(digits, recipe, options, match):
    with pytest.raises(ValueError, match=match):
        fit(build(0), digits.subset(16), recipe, progress=False, **options)


@pytest.mark.parametrize("epsilon", [0.0, 0.1, 0.5])
def test_smoothed_cross_entropy_matches_torch(epsilon):
    logits = torch.randn(32, 10, generator=torch.Generator().manual_seed(0), requires_grad=True)
    targets = torch.randint(0, 10, (32,), generator=torch.Generator().manual_seed(1))
    loss, ce = smoothed_cross_entropy(logits, targets, epsilon)
    torch.testing.assert_close(loss, F.cross_entropy(logits, targets, label_smoothing=epsilon))
    torch.testing.assert_close(ce, F.cross_entropy(logits, targets))
    (grad,) = torch.autograd.grad(loss, logits)
    (expected,) = torch.autograd.grad(F.cross_entropy(logits, targets, label_smoothing=epsilon), logits)
    torch.testing.assert_close(grad, expected)


def test_history_records_the_plain_cross_entropy_under_label_smoothing(digits):
    small = digits.subset(200, seed=0)
    model = build(0)
    fit(model, small, Recipe(epochs=3, batch_size=32, lr=1e-2), progress=False)  # confident: losses differ
    plain = mean_loss(model, small)
    x = (small.train_images.float() / 255 - small.mean) / small.std
    with torch.no_grad():
        smoothed = float(F.cross_entropy(model.eval()(x), small.train_labels, label_smoothing=0.5))
    assert abs(smoothed - plain) > 1e-2  # the two losses differ, so the check below can fail
    # One step over the whole set: the recorded loss is that of the weights before the step.
    history = fit(
        model, small, Recipe(epochs=1, batch_size=200, lr=1e-3, label_smoothing=0.5), progress=False
    )
    assert history.label_smoothing == 0.5
    assert history.train_loss[0] == pytest.approx(plain, rel=1e-4)


def test_channels_last_gives_the_same_training_and_a_contiguous_model(digits):
    small = digits.subset(256, seed=0)
    models = []
    for layout in (True, False):
        model = build(0)
        fit(
            model,
            small,
            Recipe(epochs=1, batch_size=32, lr=3e-3),
            channels_last=layout,
            device="cpu",
            progress=False,
        )
        assert all(p.is_contiguous() for p in model.parameters())
        models.append(model)
    for p, q in zip(models[0].parameters(), models[1].parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=1e-3, atol=1e-4)


def test_bf16_on_the_cpu_trains(digits):
    small = digits.subset(256, seed=0)
    model = build(0)
    before = mean_loss(model, small)
    fit(model, small, Recipe(epochs=1, batch_size=16, lr=1e-2), bf16=True, device="cpu", progress=False)
    assert mean_loss(model, small) < 0.8 * before
    assert isinstance(bf16_supported("cpu"), bool)


def test_one_epoch_of_sgd_lowers_the_loss(digits):
    small = digits.subset(256, seed=0)
    model = build(0)
    before = mean_loss(model, small)
    history = fit(
        model, small, Recipe(epochs=1, batch_size=16, lr=0.05, optimizer="sgd"), device="cpu", progress=False
    )
    assert mean_loss(model, small) < before and history.optimizer == "sgd"


@pytest.mark.slow
def test_sgd_option_trains(digits):
    history = fit(
        build(0),
        digits,
        Recipe(epochs=3, batch_size=64, lr=0.05, optimizer="sgd"),
        device="cpu",
        progress=False,
    )
    assert history.final_accuracy > 0.5 and history.optimizer == "sgd"


def test_confusion_matrix_counts():
    labels = torch.tensor([0, 0, 1, 2, 2, 2])
    preds = torch.tensor([0, 1, 1, 2, 0, 2])
    cm = confusion_matrix(labels, preds, n_classes=3)
    assert cm.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    with pytest.raises(ValueError, match="labels and predictions"):
        confusion_matrix(labels, preds[:3])


def test_confidently_wrong_orders_by_confidence():
    labels = torch.tensor([0, 1, 2, 0])
    probs = torch.tensor([[0.9, 0.1, 0.0], [0.7, 0.3, 0.0], [0.0, 0.05, 0.95], [0.4, 0.6, 0.0]])
    assert confidently_wrong(labels, probs, k=5).tolist() == [1, 3]
    assert confidently_wrong(labels, probs, k=1).tolist() == [1]


def test_checkpoint_round_trip(digits, tmp_path):
    model = build(3)
    history = fit(
        model, digits.subset(200), Recipe(epochs=1, batch_size=50, lr=3e-3), device="cpu", progress=False
    )
    path = save_checkpoint(tmp_path / "run" / "lenet5.pt", model, digits, history)
    assert sorted(p.name for p in path.parent.iterdir()) == ["lenet5.pt"]  # no temporary file left
    loaded, meta = load_checkpoint(path)
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), loaded.parameters(), strict=True))
    assert meta["dataset"] == "digits" and meta["history"].test_accuracy == history.test_accuracy
    assert torch.allclose(predict(model, digits, device="cpu"), predict(loaded, digits, device="cpu"))


def test_truncated_checkpoint_gives_a_clear_error(digits, tmp_path):
    model = build(0)
    history = fit(
        model, digits.subset(64), Recipe(epochs=1, batch_size=64, lr=1e-3), device="cpu", progress=False
    )
    path = save_checkpoint(tmp_path / "lenet5.pt", model, digits, history)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="truncated or corrupt") as info:
        load_checkpoint(path)
    assert info.value.__cause__ is None and str(path) in str(info.value)
    with pytest.raises(CheckpointError, match="not found"):
        load_checkpoint(tmp_path / "absent.pt")
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(3)}, other)
    with pytest.raises(CheckpointError, match="not a dlbook checkpoint"):
        load_checkpoint(other)


@pytest.mark.slow
def test_learning_curve_rises_with_experience(digits):
    sizes = [40, 1000]
    acc = learning_curve(build, digits, sizes, images_per_run=4000, device="cpu")
    assert len(acc) == 2 and all(0.0 <= a <= 1.0 for a in acc)
    assert acc[1] > acc[0] + 0.05


def test_learning_curve_rejects_bad_sizes_and_epochs_before_training(digits):
    with pytest.raises(ValueError, match="sizes"):
        learning_curve(build, digits, [0], device="cpu")
    with pytest.raises(ValueError, match="sizes"):
        learning_curve(build, digits, [digits.n_train + 1], device="cpu")
    with pytest.raises(ValueError, match=r"max_epochs must be >= recipe.epochs \(2\); got 1"):
        learning_curve(build, digits, [40], max_epochs=1, device="cpu")


def test_learning_curve_varies_epochs_and_batch_size_within_the_recipe(digits, monkeypatch):
    import dlbook.train as train

    seen = []
    monkeypatch.setattr(
        train, "fit", lambda model, data, recipe, **options: seen.append((data.n_train, recipe))
    )
    recipe = Recipe(epochs=3, batch_size=64, lr=2e-3, label_smoothing=0.1)
    train.learning_curve(build, digits, [40, 1000], recipe=recipe, images_per_run=12_000, device="cpu")
    assert seen == [
        (40, replace(recipe, epochs=50, batch_size=16)),  # 12,000 // 40 = 300 epochs, capped at max_epochs
        (
            1000,
            replace(recipe, epochs=12, batch_size=62),
        ),  # 12,000 // 1000 = 12 epochs, batches of 1000 // 16
    ]
    assert train.CURVE_RECIPE == Recipe(epochs=2, batch_size=128, lr=5e-3)


def test_logistic_regression_is_one_linear_layer():
    model = logistic_regression(0)
    assert sum(p.numel() for p in model.parameters()) == 7850  # 784 weights and a bias per class
    assert model(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    again = logistic_regression(0)  # seeded
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), again.parameters(), strict=True))


@pytest.mark.slow
def test_logistic_regression_is_a_shallow_baseline(digits):
    model = logistic_regression(0)
    fit(model, digits, Recipe(epochs=5, batch_size=64, lr=5e-3), device="cpu", progress=False, evaluate=False)
    assert accuracy(model, digits, device="cpu") > 0.85
