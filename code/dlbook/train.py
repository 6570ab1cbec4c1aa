r"""Training and evaluating a classifier with the whole data set resident on the device.

The training loop behind the book's pages, the command line and the benchmark. Unlike the classic
PyTorch loop (a :class:`~torch.utils.data.DataLoader` that converts and normalises one image at a
time), the training and test images are moved to the device once, as ``uint8`` tensors, and each
mini-batch is an index into them:

1. every epoch draws a permutation of the :math:`N` training images with ``torch.randperm`` on the
   device;
2. each mini-batch :math:`B` of images is standardised on the fly,
   :math:`\tilde x = (x/255 - \mu)/\sigma`;
3. the network's logits :math:`z \in \mathbb{R}^{|B|\times 10}` give the log-probabilities
   :math:`\ell_{ik} = z_{ik} - \log\sum_{j=0}^{9} e^{z_{ij}}` and the mean cross-entropy
   :math:`L_\text{CE} = -\frac{1}{|B|}\sum_{i\in B} \ell_{i,y_i}`; with label smoothing
   :math:`\varepsilon` :cite:p:`szegedy2016rethinking` the target puts :math:`\varepsilon/10` on every
   class and the rest on the true one, and the loss minimised is

   .. math::

      L = (1-\varepsilon)\,L_\text{CE} - \frac{\varepsilon}{|B|}\sum_{i\in B}
      \frac{1}{10}\sum_{k=0}^{9} \ell_{ik},

   by Adam :cite:p:`kingma2015adam` (or SGD with Nesterov momentum). The history records
   :math:`L_\text{CE}` (in nats), comparable between recipes whatever :math:`\varepsilon`;
4. the learning rate follows the one-cycle schedule of :cite:t:`smith2019superconvergence`: it
   rises from ``lr/25`` to ``lr`` over the first 30 % of the steps, then anneals (cosine) to
   ``lr/25e4``.

After each epoch the test accuracy is measured; training time excludes this evaluation. On a
CUDA device the time is measured with CUDA events, elsewhere with ``time.perf_counter``.
With the same ``seed``, model initialisation and number of threads, training on the CPU is
deterministic.

Checkpoints are written atomically (a temporary file in the same folder, flushed to disk, then
renamed over the target) and read back with ``torch.load(..., weights_only=True)``.

Used on the pages :doc:`/book/history/cnn`, :doc:`/book/history/gpus` and :doc:`/book/concepts/tpe`.
"""

from __future__ import annotations

import math
import os
import platform
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from dlbook.data import Dataset
from dlbook.lenet import LeNet5

#: Optimisers accepted by :func:`fit`.
OPTIMIZERS: tuple[str, ...] = ("adam", "sgd")

#: Identifies the checkpoints written by :func:`save_checkpoint`.
CHECKPOINT_FORMAT = "dlbook-lenet5-v1"

# Test images per forward pass when evaluating. Small batches stay in the CPU's caches: on one CPU thread
# LeNet-5 classifies 10,000 images in about 0.3 s in batches of 256 against 0.5 s in batches of 2048
# (both with the channels-last layout of _cpu_layout).
_EVAL_BATCH = 256


def _check_label_smoothing(label_smoothing: float) -> None:
    if not 0.0 <= label_smoothing < 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1); got {label_smoothing!r}")


@dataclass(frozen=True)
class Recipe:
    r"""How :func:`fit` trains: passes, mini-batches, optimiser and loss (the steps of the module docstring).

    The optimiser is Adam :cite:p:`kingma2015adam` or SGD with Nesterov momentum, its learning rate follows
    the one-cycle schedule of :cite:t:`smith2019superconvergence` peaking at ``lr``, and the loss is the
    cross-entropy with label smoothing :cite:p:`szegedy2016rethinking`. :data:`RECIPES` holds the book's
    recipe for each data set; vary one with ``dataclasses.replace(RECIPES["mnist"], epochs=4)``.

    Attributes:
        epochs: passes over the training set, an integer >= 1.
        batch_size: images per step, an integer >= 1; the last step of an epoch takes the remainder.
        lr: peak learning rate of the one-cycle schedule, finite and > 0.
        optimizer: ``"adam"`` or ``"sgd"`` (momentum 0.9, Nesterov); see :data:`OPTIMIZERS`.
        weight_decay: L2 penalty coefficient passed to the optimiser, >= 0.
        label_smoothing: :math:`\varepsilon` in [0, 1), the probability mass of the target spread
            evenly over the classes (0: plain cross-entropy).

    Raises:
        ValueError: naming the field and its allowed range, if a value lies outside it.
    """

    epochs: int
    batch_size: int
    lr: float
    optimizer: str = "adam"
    weight_decay: float = 0.0
    label_smoothing: float = 0.0

    def __post_init__(self) -> None:
        if not (isinstance(self.epochs, int) and self.epochs >= 1):
            raise ValueError(f"epochs must be an integer >= 1; got {self.epochs!r}")
        if not (isinstance(self.batch_size, int) and self.batch_size >= 1):
            raise ValueError(f"batch_size must be an integer >= 1; got {self.batch_size!r}")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise ValueError(f"lr must be a finite number > 0; got {self.lr!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {self.optimizer!r}")
        if not (self.weight_decay >= 0 and math.isfinite(self.weight_decay)):
            raise ValueError(f"weight_decay must be a finite number >= 0; got {self.weight_decay!r}")
        _check_label_smoothing(self.label_smoothing)


#: The book's training recipe per data set, used by the pages, the command line and the benchmark:
#: Adam with a one-cycle schedule peaking at ``lr``. With :func:`fit` on the CPU (2 threads), the
#: MNIST recipe reached 99.05 to 99.29 % test accuracy (mean 99.18 %) for seeds 0 to 11; without
#: label smoothing, the same two epochs fell below 99.0 % for 2 of 6 seeds.
RECIPES: dict[str, Recipe] = {
    "mnist": Recipe(epochs=2, batch_size=128, lr=1e-2, label_smoothing=0.1),
    "digits": Recipe(epochs=15, batch_size=64, lr=5e-3, label_smoothing=0.0),
}

#: The default of :func:`learning_curve`: at least 2 epochs per training-set size, mini-batches of at
#: most 128 images, Adam peaking at 5e-3.
CURVE_RECIPE = Recipe(epochs=2, batch_size=128, lr=5e-3)


class CheckpointError(ValueError):
    """A checkpoint file cannot be read: missing, truncated, corrupt or not a dlbook checkpoint."""


@dataclass
class History:
    """What :func:`fit` measured.

    Attributes:
        dataset: name of the data set trained on.
        device: human-readable name of the device (e.g. the GPU's or CPU's model).
        epochs, batch_size, lr, optimizer, seed, label_smoothing: the training settings.
        n_train: number of training images per epoch.
        train_loss: mean training cross-entropy (nats, without label smoothing) over each epoch,
            length ``epochs``.
        test_accuracy: fraction of test images classified correctly after each epoch.
        train_seconds: cumulative training time in s at the end of each epoch (evaluation excluded).
        step_loss: cross-entropy (without label smoothing) of every mini-batch, in order.
    """

    dataset: str
    device: str
    epochs: int
    batch_size: int
    lr: float
    optimizer: str
    seed: int
    n_train: int
    label_smoothing: float = 0.0
    train_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    train_seconds: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)

    @property
    def images_per_second(self) -> float:
        """Training throughput, in images processed per second of training time."""
        if not self.train_seconds or self.train_seconds[-1] <= 0:
            return float("nan")
        return len(self.train_seconds) * self.n_train / self.train_seconds[-1]

    @property
    def final_accuracy(self) -> float:
        """Test accuracy after the last epoch."""
        return self.test_accuracy[-1] if self.test_accuracy else float("nan")

    def seconds_to(self, target: float) -> float | None:
        """Training time in s until the end of the first epoch whose test accuracy is >= ``target``.

        Returns ``None`` if no epoch reached ``target`` (a fraction, e.g. 0.99).
        """
        for acc, sec in zip(self.test_accuracy, self.train_seconds, strict=False):
            if acc >= target:
                return sec
        return None

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types only (for JSON and for ``weights_only`` checkpoints)."""
        d = asdict(self)
        d["images_per_second"] = self.images_per_second
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        """Inverse of :meth:`to_dict`."""
        names = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in names})


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``"auto"`` picks CUDA, then Apple's MPS, then the CPU; other values are checked and returned.

    Raises:
        ValueError: if the device is unknown or not available on this machine.
    """
    if isinstance(device, torch.device):
        dev = device
    elif device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    else:
        try:
            dev = torch.device(device)
        except RuntimeError:
            raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'mps'; got {device!r}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} asked for, but CUDA is not available on this machine")
    if dev.type == "mps" and not (
        getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    ):
        raise ValueError(f"device {device!r} asked for, but MPS is not available on this machine")
    return dev


def device_name(device: str | torch.device = "auto") -> str:
    """A readable name: the GPU's model, or the CPU's model and the number of threads torch uses."""
    dev = resolve_device(device)
    if dev.type == "cuda":
        return torch.cuda.get_device_name(dev)
    if dev.type == "mps":
        return "Apple MPS"
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    threads = torch.get_num_threads()
    return f"{model} (CPU, {threads} thread{'s' if threads != 1 else ''})"


def bf16_supported(device: str | torch.device = "auto") -> bool:
    """Whether ``device`` computes in bfloat16 natively, so that ``fit(..., bf16=True)`` pays off.

    True for a CUDA GPU that supports bfloat16, and for a CPU whose oneDNN convolutions have native
    bfloat16 instructions (AVX-512 BF16 or AMX); False otherwise (including Apple's MPS).
    """
    dev = resolve_device(device)
    if dev.type == "cuda":
        return bool(torch.cuda.is_bf16_supported())
    if dev.type == "cpu":
        try:  # a private oneDNN query: treat its absence in another torch release as "no"
            return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
        except (AttributeError, RuntimeError):
            return False
    return False


def smoothed_cross_entropy(
    logits: torch.Tensor, targets: torch.Tensor, label_smoothing: float = 0.0
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The loss :math:`L` that :func:`fit` minimises, and the plain cross-entropy :math:`L_\text{CE}`.

    With log-probabilities :math:`\ell_{ik}` of the ``B×C`` ``logits``,

    .. math::

       L_\text{CE} = -\frac{1}{B}\sum_i \ell_{i,y_i}, \qquad
       L = (1-\varepsilon)\,L_\text{CE} - \frac{\varepsilon}{B}\sum_i \frac{1}{C}\sum_k \ell_{ik},

    the same as ``F.cross_entropy(logits, targets, label_smoothing=ε)``; both are scalars, in nats.
    """
    _check_label_smoothing(label_smoothing)
    logp = F.log_softmax(logits, dim=1)
    cross_entropy = F.nll_loss(logp, targets)
    if not label_smoothing:
        return cross_entropy, cross_entropy
    return (1.0 - label_smoothing) * cross_entropy - label_smoothing * logp.mean(1).mean(), cross_entropy


class Timer:
    """Seconds between ``start()`` and ``stop()``: CUDA events on a CUDA device (asynchronous), else
    ``time.perf_counter``. Used by :func:`fit` and by ``benchmarks/lenet.py``."""

    def __init__(self, dev: torch.device) -> None:
        self.cuda = dev.type == "cuda"

    def start(self) -> None:
        if self.cuda:
            self._begin = torch.cuda.Event(enable_timing=True)
            self._end = torch.cuda.Event(enable_timing=True)
            self._begin.record()
        else:
            self._t0 = time.perf_counter()

    def stop(self) -> float:
        if self.cuda:
            self._end.record()
            self._end.synchronize()
            return self._begin.elapsed_time(self._end) / 1000.0
        return time.perf_counter() - self._t0


def fit(
    model: nn.Module,
    data: Dataset,
    recipe: Recipe,
    *,
    device: str | torch.device = "auto",
    seed: int = 0,
    progress: bool = True,
    bf16: bool = False,
    channels_last: bool | None = None,
    compile: bool | str = False,
    evaluate: bool = True,
) -> History:
    r"""Train ``model`` on ``data`` with mini-batches drawn from tensors resident on the device.

    Args:
        model: a classifier mapping ``B×1×28×28`` float images to ``B×10`` logits (moved to the
            device in place).
        data: the :class:`~dlbook.data.Dataset`; its ``mean`` and ``std`` standardise the pixels.
        recipe: epochs, batch size, learning rate, optimiser, weight decay and label smoothing, e.g.
            ``RECIPES[data.name]``.
        device: ``"auto"``, ``"cpu"``, ``"cuda"``, ``"mps"`` or a :class:`torch.device`.
        seed: seeds the shuffling (the model's initial weights are the caller's, see
            :func:`dlbook.lenet.build`).
        progress: show a tqdm progress bar (on standard error).
        bf16: compute the forward pass in bfloat16 autocast (CUDA or CPU). On a CPU this is fast only
            where oneDNN has native bfloat16 instructions (see :func:`bf16_supported`); elsewhere it
            is emulated and slower than float32.
        channels_last: store the convolution weights (and so the activations) in the
            ``N×H×W×C`` memory layout, which oneDNN's CPU convolutions and pooling run faster on.
            ``None`` (the default) means yes on a CPU and no elsewhere. The model is returned in the
            usual contiguous layout either way.
        compile: run the model through :func:`torch.compile` (a string is passed as its ``mode``,
            e.g. ``"reduce-overhead"`` for CUDA graphs).
        evaluate: measure the test accuracy after every epoch; if ``False``, ``test_accuracy``
            stays empty (use :func:`accuracy` once at the end).

    Returns:
        The :class:`History`: per-epoch loss, test accuracy and cumulative training time.

    Raises:
        ValueError: if ``recipe`` is not a :class:`Recipe`, or ``bf16`` is asked for on another device.
    """
    if not isinstance(recipe, Recipe):
        raise ValueError(f"recipe must be a Recipe, e.g. RECIPES[data.name]; got {type(recipe).__name__}")
    epochs, batch_size, lr = recipe.epochs, recipe.batch_size, recipe.lr
    optimizer, weight_decay, label_smoothing = recipe.optimizer, recipe.weight_decay, recipe.label_smoothing
    dev = resolve_device(device)
    if bf16 and dev.type not in ("cuda", "cpu"):
        raise ValueError(f"bf16=True needs a CUDA device or the CPU; got device {dev.type!r}")
    if channels_last is None:
        channels_last = dev.type == "cpu"
    model.to(dev, memory_format=torch.channels_last if channels_last else torch.contiguous_format)
    x_train, y_train = data.train_images.to(dev), data.train_labels.to(dev)
    x_test, y_test = data.test_images.to(dev), data.test_labels.to(dev)
    scale, shift = 1.0 / (255.0 * data.std), data.mean / data.std
    n = data.n_train
    steps_per_epoch = math.ceil(n / batch_size)
    total_steps = epochs * steps_per_epoch

    params = [p for p in model.parameters() if p.requires_grad]
    # One fused kernel per step for all parameters (on the CPU as well as on CUDA).
    extra = {"fused": True} if dev.type in ("cuda", "cpu") else {}
    if optimizer == "adam":
        opt: torch.optim.Optimizer = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay, **extra)
    else:
        opt = torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True, weight_decay=weight_decay, **extra)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=total_steps)
    if isinstance(compile, str):
        forward = torch.compile(model, mode=compile)
    else:
        forward = torch.compile(model) if compile else model
    gen = torch.Generator(device=dev).manual_seed(seed)
    step_losses = torch.zeros(total_steps, device=dev)
    history = History(
        data.name, device_name(dev), epochs, batch_size, float(lr), optimizer, seed, n, float(label_smoothing)
    )
    timer = Timer(dev)
    elapsed = 0.0
    bar = tqdm(total=total_steps, disable=not progress, unit="step", desc=f"{data.name} on {dev.type}")
    k = 0
    for _ in range(epochs):
        model.train()
        timer.start()
        perm = torch.randperm(n, generator=gen, device=dev)
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size]
            xb = x_train[idx].float().mul_(scale).sub_(shift)
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=bf16):
                logits = forward(xb)
            loss, cross_entropy = smoothed_cross_entropy(logits.float(), y_train[idx], label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step_losses[k] = cross_entropy.detach()
            k += 1
            bar.update(1)
        elapsed += timer.stop()
        epoch_losses = step_losses[k - steps_per_epoch : k]
        history.train_seconds.append(elapsed)
        history.train_loss.append(float(epoch_losses.mean()))
        if evaluate:
            correct = _count_correct(forward, x_test, y_test, scale, shift, bf16)
            history.test_accuracy.append(correct / data.n_test)
            bar.set_postfix(loss=f"{history.train_loss[-1]:.3f}", test_acc=f"{history.test_accuracy[-1]:.2%}")
    bar.close()
    history.step_loss = step_losses.tolist()
    model.to(memory_format=torch.contiguous_format)
    model.eval()
    return history


@contextmanager
def _cpu_layout(model: nn.Module, dev: torch.device) -> Iterator[None]:
    """On a CPU, hold the convolution weights channels-last (``N×H×W×C``) while evaluating, as fit does.

    oneDNN's CPU convolutions run about 2.5 times faster in that layout; the model is returned in the
    usual contiguous layout.
    """
    if dev.type != "cpu":
        yield
        return
    model.to(memory_format=torch.channels_last)
    try:
        yield
    finally:
        model.to(memory_format=torch.contiguous_format)


@torch.no_grad()
def _count_correct(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, scale: float, shift: float, bf16: bool = False
) -> int:
    model.eval()
    correct = torch.zeros((), dtype=torch.int64, device=x.device)
    for start in range(0, x.shape[0], _EVAL_BATCH):
        xb = x[start : start + _EVAL_BATCH].float().mul_(scale).sub_(shift)
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=bf16):
            logits = model(xb)
        correct += (logits.argmax(1) == y[start : start + _EVAL_BATCH]).sum()
    return int(correct)


def accuracy(model: nn.Module, data: Dataset, *, device: str | torch.device = "auto") -> float:
    """Fraction of the test images of ``data`` that ``model`` classifies correctly."""
    dev = resolve_device(device)
    model.to(dev)
    scale, shift = 1.0 / (255.0 * data.std), data.mean / data.std
    x, y = data.test_images.to(dev), data.test_labels.to(dev)
    with _cpu_layout(model, dev):
        return _count_correct(model, x, y, scale, shift) / data.n_test


@torch.no_grad()
def predict_proba(
    model: nn.Module, images: torch.Tensor, *, mean: float, std: float, device: str | torch.device = "auto"
) -> torch.Tensor:
    """Class probabilities ``softmax(model(x̃))`` of ``uint8`` images ``N×1×28×28``.

    Returns:
        ``N×10`` float tensor on the CPU; each row sums to 1.
    """
    if images.dtype != torch.uint8:
        raise ValueError(f"images must be uint8 grey levels 0..255; got dtype {images.dtype}")
    if std <= 0:
        raise ValueError(f"std must be > 0; got {std}")
    dev = resolve_device(device)
    model.to(dev).eval()
    scale, shift = 1.0 / (255.0 * std), mean / std
    out = []
    with _cpu_layout(model, dev):
        for start in range(0, images.shape[0], _EVAL_BATCH):
            xb = images[start : start + _EVAL_BATCH].to(dev).float().mul_(scale).sub_(shift)
            out.append(torch.softmax(model(xb).float(), dim=1).cpu())
    return torch.cat(out) if out else torch.zeros(0, 10)


def predict(model: nn.Module, data: Dataset, *, device: str | torch.device = "auto") -> torch.Tensor:
    """Class probabilities ``N×10`` for the test images of ``data``."""
    return predict_proba(model, data.test_images, mean=data.mean, std=data.std, device=device)


def confusion_matrix(labels: torch.Tensor, predictions: torch.Tensor, n_classes: int = 10) -> torch.Tensor:
    """Counts ``C[i, j]`` of images of true class ``i`` predicted as class ``j``.

    Returns an ``n_classes×n_classes`` int64 tensor. The diagonal holds the correct
    predictions; the sum over all entries is ``len(labels)``.
    """
    if labels.shape != predictions.shape or labels.ndim != 1:
        raise ValueError(
            f"labels and predictions must be 1-D of equal length; got {tuple(labels.shape)} "
            f"and {tuple(predictions.shape)}"
        )
    if n_classes < 1:
        raise ValueError(f"n_classes must be >= 1; got {n_classes}")
    flat = labels.to(torch.int64) * n_classes + predictions.to(torch.int64)
    return torch.bincount(flat, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def confidently_wrong(labels: torch.Tensor, probabilities: torch.Tensor, k: int = 12) -> torch.Tensor:
    """Indices of the (at most) ``k`` misclassified images whose wrong prediction had the highest probability.

    Args:
        labels: true classes, ``N``.
        probabilities: predicted class probabilities, ``N×C``.
        k: how many to return (>= 1), most confident first.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1; got {k}")
    if probabilities.ndim != 2 or probabilities.shape[0] != labels.shape[0]:
        raise ValueError(
            f"probabilities must be N×C with N = len(labels) = {labels.shape[0]}; "
            f"got {tuple(probabilities.shape)}"
        )
    conf, pred = probabilities.max(dim=1)
    wrong = torch.nonzero(pred != labels).flatten()
    order = torch.argsort(conf[wrong], descending=True, stable=True)
    return wrong[order[:k]]


def logistic_regression(seed: int = 0) -> nn.Module:
    r"""A shallow baseline: multinomial logistic regression on the 784 raw pixels.

    .. math::

       p(y = k \mid x) = \operatorname{softmax}_k(W x + b), \qquad W \in \mathbb{R}^{10\times 784},

    7,850 parameters, initial weights drawn from ``seed``. It takes the same ``N×1×28×28`` input
    as :class:`~dlbook.lenet.LeNet5`, so :func:`fit` trains it unchanged.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 10))


def learning_curve(
    make_model: Callable[[int], nn.Module],
    data: Dataset,
    sizes: Sequence[int],
    *,
    recipe: Recipe = CURVE_RECIPE,
    images_per_run: int = 12_000,
    max_epochs: int = 50,
    seed: int = 0,
    device: str | torch.device = "auto",
) -> list[float]:
    """Test accuracy after training on the first ``n`` images of a random order, for each ``n`` in ``sizes``.

    Each run trains a fresh model ``make_model(seed)`` on a random subset of ``n`` training images
    (nested: the subset for a smaller ``n`` is part of the one for a larger ``n``) for
    ``clip(images_per_run // n, recipe.epochs, max_epochs)`` epochs in mini-batches of
    ``min(recipe.batch_size, max(16, n // 16))`` images, so that small training sets still get enough
    steps, and measures the accuracy on the whole test set.

    Args:
        make_model: builds a model from a seed, e.g. :func:`dlbook.lenet.build`.
        data: the data set; its test set is used whole.
        sizes: training-set sizes, each in ``[1, data.n_train]``.
        recipe: the training recipe of every run, except that its ``epochs`` is the fewest epochs of
            a run and its ``batch_size`` the largest mini-batch (see above); default
            :data:`CURVE_RECIPE`.
        images_per_run, max_epochs: training budget per size, see above.
        seed, device: passed to :func:`fit`.

    Returns:
        The test accuracy (fraction) for each size, in the order of ``sizes``.

    Raises:
        ValueError: if a size is out of range or ``max_epochs`` < ``recipe.epochs``.
    """
    if not sizes or any(not 1 <= n <= data.n_train for n in sizes):
        raise ValueError(f"sizes must be non-empty, each in [1, {data.n_train}]; got {list(sizes)}")
    if not max_epochs >= recipe.epochs:
        raise ValueError(f"max_epochs must be >= recipe.epochs ({recipe.epochs}); got {max_epochs}")
    order = torch.randperm(data.n_train, generator=torch.Generator().manual_seed(seed))
    accuracies = []
    for n in sizes:
        idx = order[:n]
        part = Dataset(
            data.name,
            data.train_images[idx],
            data.train_labels[idx],
            data.test_images,
            data.test_labels,
            data.mean,
            data.std,
        )
        epochs = int(min(max(images_per_run // n, recipe.epochs), max_epochs))
        model = make_model(seed)
        fit(
            model,
            part,
            replace(recipe, epochs=epochs, batch_size=min(recipe.batch_size, max(16, n // 16))),
            device=device,
            seed=seed,
            progress=False,
            evaluate=False,
        )
        accuracies.append(accuracy(model, data, device=device))
    return accuracies


def save_checkpoint(path: str | os.PathLike[str], model: nn.Module, data: Dataset, history: History) -> Path:
    """Write the model's weights, the normalisation and the history to ``path``, atomically.

    The file is first written to a temporary file in the same folder, flushed to disk
    (``fsync``) and then renamed over ``path`` (``os.replace``), so a crash never leaves a
    half-written checkpoint under the final name.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": CHECKPOINT_FORMAT,
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "dataset": data.name,
        "mean": float(data.mean),
        "std": float(data.std),
        "history": history.to_dict(),
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            torch.save(payload, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def load_checkpoint(path: str | os.PathLike[str]) -> tuple[LeNet5, dict[str, Any]]:
    """Read a checkpoint written by :func:`save_checkpoint` (with ``weights_only=True``).

    Returns:
        ``(model, meta)``: a :class:`~dlbook.lenet.LeNet5` in eval mode with the saved weights,
        and a dict with ``dataset``, ``mean``, ``std`` and ``history`` (a :class:`History`).

    Raises:
        CheckpointError: if the file is missing, truncated, corrupt or not a dlbook checkpoint.
    """
    p = Path(path)
    if not p.is_file():
        raise CheckpointError(f"checkpoint not found: {p}")
    try:
        payload = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as err:
        first = (str(err).strip().splitlines() or [type(err).__name__])[0].split(". ")[0]
        raise CheckpointError(
            f"cannot read checkpoint {p} ({p.stat().st_size} bytes): the file is truncated or corrupt "
            f"({type(err).__name__}: {first}). Train again to write a new one."
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{p} is not a dlbook checkpoint (expected format {CHECKPOINT_FORMAT!r})")
    model = LeNet5()
    try:
        model.load_state_dict(payload["state_dict"])
    except (KeyError, RuntimeError) as err:
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise CheckpointError(f"{p} does not hold LeNet-5 weights: {first}") from None
    model.eval()
    meta = {
        "dataset": payload.get("dataset", "unknown"),
        "mean": float(payload["mean"]),
        "std": float(payload["std"]),
        "history": History.from_dict(payload["history"]),
    }
    return model, meta
