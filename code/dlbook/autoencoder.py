r"""A small autoencoder for digits, and interpolation through its latent space.

The executable counterpart of the lecture's first demonstration (faces and paintings that morph into
one another): walk from one digit to another through the *latent space* of an autoencoder and compare
the path with a plain cross-fade of the pixels.

**The model.** An autoencoder is two networks trained together. The *encoder* :math:`f` squeezes an
image :math:`x \in [0, 1]^{784}` (a :math:`28\times 28` digit, grey level 0 for background and 1 for
ink) into a short *latent code* :math:`z \in \mathbb{R}^d`; the *decoder* :math:`g` turns the code
back into an image. Here both are fully connected with one hidden layer of :math:`h` ReLU units:

.. math::

   z = f(x) = W_2\,\mathrm{relu}(W_1 x + b_1) + b_2, \qquad
   \hat x = g(z) = \sigma\big(W_4\,\mathrm{relu}(W_3 z + b_3) + b_4\big),

with the logistic function :math:`\sigma(u) = 1/(1 + e^{-u})` keeping every output pixel in
:math:`(0, 1)`. Shapes: :math:`N{\times}1{\times}28{\times}28 \xrightarrow{f} N{\times}d
\xrightarrow{g} N{\times}1{\times}28{\times}28`.

**Training** minimises the binary cross-entropy between each image and its reconstruction, averaged
over the :math:`B` images of a mini-batch and their 784 pixels (in nats),

.. math::

   L = -\frac{1}{784\,B} \sum_{i=1}^{B} \sum_{k=1}^{784}
       \big[x_{ik} \log \hat x_{ik} + (1 - x_{ik}) \log(1 - \hat x_{ik})\big],

by Adam :cite:p:`kingma2015adam` (:func:`adam_step`). Because :math:`d` is much smaller than 784, the
network cannot copy pixels: it has to learn a code that captures what digits have in common.

**Two ways from** :math:`x_a` **to** :math:`x_b`, for :math:`t` from 0 to 1 in ``steps`` equal steps:

.. math::

   \text{latent path: } x(t) = g\big((1-t)\,f(x_a) + t\,f(x_b)\big), \qquad
   \text{cross-fade: } x(t) = (1-t)\,x_a + t\,x_b .

The latent path starts and ends at the reconstructions :math:`g(f(x_a))` and :math:`g(f(x_b))`; the
cross-fade blends the pixels of its two end images.

**How digit-like an image is** is measured by its distance to the nearest of a set of real digits,
the root-mean-square difference per pixel on the 0-to-1 grey scale,

.. math::

   D(x) = \min_j \sqrt{\frac{1}{784} \sum_{k=1}^{784} (x_k - r_{jk})^2},

which :func:`nearest_distance` computes and :func:`compare_paths` averages along both paths.

Everything runs on the CPU unless a device is given; with the same seed, configuration and number of
threads, training is deterministic.

Used on the page :doc:`/book/introduction/examples`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from dlbook.data import Dataset

#: The shape of one image, one channel of 28×28 pixels.
IMAGE_SHAPE: tuple[int, int, int] = (1, 28, 28)
_PIXELS = 28 * 28


@dataclass(frozen=True)
class AutoencoderConfig:
    """The sizes of the autoencoder and how :func:`train_autoencoder` trains it.

    The defaults train in a few seconds on one CPU thread, on MNIST and on scikit-learn's digits alike:
    training runs for a fixed number of mini-batch steps, whatever the size of the data set.

    Attributes:
        latent_dim: :math:`d`, the length of the latent code, an integer >= 1.
        hidden: :math:`h`, ReLU units in the hidden layer of the encoder and of the decoder, an integer >= 1.
        n_train: at most this many training images are used (drawn at random with the seed), an integer >= 1.
        steps: Adam steps, each on one mini-batch, an integer >= 1.
        batch_size: images per step, an integer >= 1.
        learning_rate: Adam's step size, finite and > 0.

    Raises:
        ValueError: naming the field and its allowed range, if a value lies outside it.
    """

    latent_dim: int = 8
    hidden: int = 256
    n_train: int = 10_000
    steps: int = 250
    batch_size: int = 128
    learning_rate: float = 2e-3

    def __post_init__(self) -> None:
        for name in ("latent_dim", "hidden", "n_train", "steps", "batch_size"):
            value = getattr(self, name)
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
                raise ValueError(f"{name} must be an integer >= 1; got {value!r}")
        lr = self.learning_rate
        if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
            raise ValueError(f"learning_rate must be a finite number > 0; got {lr!r}")


class Autoencoder(nn.Module):
    """Encoder :math:`f` and decoder :math:`g` of the module docstring, one hidden layer each.

    Args:
        latent_dim: :math:`d`, the length of the latent code (>= 1).
        hidden: :math:`h`, hidden ReLU units of the encoder and of the decoder (>= 1).
    """

    def __init__(self, latent_dim: int = 8, hidden: int = 256) -> None:
        super().__init__()
        AutoencoderConfig(latent_dim=latent_dim, hidden=hidden)  # validates both
        self.latent_dim = latent_dim
        self.encoder = nn.Sequential(
            nn.Flatten(), nn.Linear(_PIXELS, hidden), nn.ReLU(), nn.Linear(hidden, latent_dim)
        )
        self.decoder = nn.Sequential(nn.Linear(latent_dim, hidden), nn.ReLU(), nn.Linear(hidden, _PIXELS))

    def decoder_logits(self, z: torch.Tensor) -> torch.Tensor:
        """The decoder before its logistic output, ``N×d`` -> ``N×1×28×28`` (used by the loss)."""
        return self.decoder(z).view(-1, *IMAGE_SHAPE)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruct images ``N×1×28×28`` (grey levels 0 to 1) as ``N×1×28×28`` in (0, 1)."""
        return torch.sigmoid(self.decoder_logits(self.encoder(x)))


def _device(device: str | torch.device) -> torch.device:
    try:
        return torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must be a torch device such as 'cpu' or 'cuda'; got {device!r}") from None


def _as_images(images: torch.Tensor, name: str) -> torch.Tensor:
    """Images ``N×1×28×28`` as float32 on the 0-to-1 scale (``uint8`` grey levels are divided by 255)."""
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or tuple(images.shape[1:]) != IMAGE_SHAPE:
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"{name} must be a tensor of images N×1×28×28; got {shape}")
    if images.dtype == torch.uint8:
        return images.float() / 255.0
    if not images.is_floating_point():
        raise ValueError(
            f"{name} must hold uint8 grey levels or floats from 0 to 1; got dtype {images.dtype}"
        )
    return images.float()


def _as_pair(x: torch.Tensor, name: str) -> tuple[torch.Tensor, bool]:
    """One image ``1×28×28`` or a batch ``P×1×28×28``, as a batch, and whether it was a single image."""
    if isinstance(x, torch.Tensor) and x.ndim == 3:
        if tuple(x.shape) != IMAGE_SHAPE:
            raise ValueError(f"{name} must be an image 1×28×28 or a batch P×1×28×28; got {tuple(x.shape)}")
        return _as_images(x.unsqueeze(0), name), True
    return _as_images(x, name), False


def _as_pairs(x_a: torch.Tensor, x_b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, bool]:
    """The end images as two batches of the same shape, and whether they were single images."""
    a, single = _as_pair(x_a, "x_a")
    b, _ = _as_pair(x_b, "x_b")
    if a.shape != b.shape:
        raise ValueError(
            f"x_a and x_b must have the same shape; got {tuple(x_a.shape)} and {tuple(x_b.shape)}"
        )
    return a, b, single


def _check_steps(steps: int) -> None:
    if not (isinstance(steps, int) and not isinstance(steps, bool) and steps >= 2):
        raise ValueError(f"steps must be an integer >= 2 (the two end images included); got {steps!r}")


def path_times(steps: int) -> torch.Tensor:
    r"""The times :math:`t_k = k/(S-1)`, :math:`k = 0, \dots, S-1`, of a path of :math:`S` = ``steps`` images.

    Raises:
        ValueError: if ``steps`` is not an integer >= 2.
    """
    _check_steps(steps)
    return torch.arange(steps, dtype=torch.float32) / (steps - 1)


@torch.no_grad()
def adam_step(
    params: list[torch.Tensor],
    grads: tuple[torch.Tensor, ...] | list[torch.Tensor],
    moments: list[tuple[torch.Tensor, torch.Tensor]],
    *,
    step: int,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> None:
    r"""One step of Adam :cite:p:`kingma2015adam`, updating ``params`` and their ``moments`` in place.

    For each parameter :math:`\theta` with gradient :math:`g` at step :math:`s = 1, 2, \dots`, the running
    averages of the gradient and of its square and the update are

    .. math::

       m \leftarrow \beta_1 m + (1-\beta_1)\,g, \qquad v \leftarrow \beta_2 v + (1-\beta_2)\,g^2, \qquad
       \theta \leftarrow \theta - \eta\,\frac{m / (1-\beta_1^{s})}{\sqrt{v / (1-\beta_2^{s})} + \epsilon},

    element by element, with the learning rate :math:`\eta` = ``lr``: every weight gets its own step size.

    Args:
        params: the parameters, any shapes.
        grads: the gradient of the loss with respect to each parameter, same shapes.
        moments: ``(m, v)`` for each parameter, zeros before the first step.
        step: :math:`s`, the number of this step, an integer >= 1.
        lr: :math:`\eta` > 0.
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1).
        eps: :math:`\epsilon` > 0, which keeps the division finite.

    Raises:
        ValueError: if ``step`` < 1 or the lists differ in length.
    """
    if not (isinstance(step, int) and step >= 1):
        raise ValueError(f"step must be an integer >= 1; got {step!r}")
    if not len(params) == len(grads) == len(moments):
        raise ValueError(
            f"params, grads and moments must have one entry per parameter; "
            f"got {len(params)}, {len(grads)} and {len(moments)}"
        )
    b1, b2 = betas
    for p, g, (m, v) in zip(params, grads, moments, strict=True):
        m.mul_(b1).add_(g, alpha=1 - b1)
        v.mul_(b2).addcmul_(g, g, value=1 - b2)
        p.sub_(lr * (m / (1 - b1**step)) / ((v / (1 - b2**step)).sqrt() + eps))


def train_autoencoder(
    data: Dataset | torch.Tensor,
    config: AutoencoderConfig | None = None,
    *,
    seed: int,
    device: str | torch.device = "cpu",
) -> Autoencoder:
    """Train an :class:`Autoencoder` on digit images by minimising the cross-entropy :math:`L`.

    Up to ``config.n_train`` training images are drawn at random; each of the ``config.steps`` Adam steps
    takes the next ``config.batch_size`` of them in a random order that is redrawn after every pass.

    Args:
        data: a :class:`dlbook.data.Dataset` (its training images are used) or a tensor of images
            ``N×1×28×28``, ``uint8`` grey levels 0 to 255 or floats 0 to 1.
        config: sizes and training recipe; default :class:`AutoencoderConfig`.
        seed: seed of the initial weights, the choice of images and their order.
        device: where to train, e.g. ``"cpu"`` (default) or ``"cuda"``.

    Returns:
        The trained model, in evaluation mode, on ``device``.

    Raises:
        ValueError: if ``data`` is not a batch of 28×28 images, ``config`` not an
            :class:`AutoencoderConfig`, ``seed`` not an integer, or ``device`` not a device.
    """
    config = AutoencoderConfig() if config is None else config
    if not isinstance(config, AutoencoderConfig):
        raise ValueError(f"config must be an AutoencoderConfig; got {type(config).__name__}")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"seed must be an integer; got {seed!r}")
    images = data.train_images if isinstance(data, Dataset) else data
    images = _as_images(images, "data")
    dev = _device(device)
    g = torch.Generator().manual_seed(seed)
    n = min(config.n_train, images.shape[0])
    x = images[torch.randperm(images.shape[0], generator=g)[:n]].to(dev)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = Autoencoder(config.latent_dim, config.hidden)
    model.to(dev).train()
    params = list(model.parameters())
    moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
    order, start = torch.randperm(n, generator=g), 0
    for step in range(1, config.steps + 1):
        if start >= n:
            order, start = torch.randperm(n, generator=g), 0
        batch = x[order[start : start + config.batch_size].to(dev)]
        start += config.batch_size
        logits = model.decoder_logits(model.encoder(batch))
        loss = F.binary_cross_entropy_with_logits(logits, batch)
        grads = torch.autograd.grad(loss, params)
        adam_step(params, grads, moments, step=step, lr=config.learning_rate)
    return model.eval()


def _model_device(model: Autoencoder) -> torch.device:
    if not isinstance(model, Autoencoder):
        raise ValueError(f"model must be an Autoencoder; got {type(model).__name__}")
    return next(model.parameters()).device


@torch.no_grad()
def encode(model: Autoencoder, images: torch.Tensor) -> torch.Tensor:
    """Latent codes :math:`z = f(x)` of images ``N×1×28×28`` (``uint8`` or 0 to 1), as ``N×d`` on the CPU.

    Raises:
        ValueError: if ``images`` is not a batch of 28×28 images or ``model`` not an :class:`Autoencoder`.
    """
    dev = _model_device(model)
    return model.encoder(_as_images(images, "images").to(dev)).cpu()


@torch.no_grad()
def decode(model: Autoencoder, z: torch.Tensor) -> torch.Tensor:
    r"""Images :math:`\hat x = g(z)` of latent codes ``N×d``, as ``N×1×28×28`` in (0, 1) on the CPU.

    Raises:
        ValueError: if ``z`` is not a float tensor ``N×d`` with the model's ``d``.
    """
    dev = _model_device(model)
    if not (isinstance(z, torch.Tensor) and z.ndim == 2 and z.shape[1] == model.latent_dim):
        shape = tuple(z.shape) if isinstance(z, torch.Tensor) else type(z).__name__
        raise ValueError(f"z must be a tensor N×{model.latent_dim} of latent codes; got {shape}")
    if not z.is_floating_point():
        raise ValueError(f"z must be a float tensor; got dtype {z.dtype}")
    return torch.sigmoid(model.decoder_logits(z.float().to(dev))).cpu()


def reconstruct(model: Autoencoder, images: torch.Tensor) -> torch.Tensor:
    """The reconstructions :math:`g(f(x))` of images ``N×1×28×28``, as ``N×1×28×28`` in (0, 1)."""
    return decode(model, encode(model, images))


def interpolate_latent(model: Autoencoder, x_a: torch.Tensor, x_b: torch.Tensor, steps: int) -> torch.Tensor:
    r"""The latent path :math:`x(t) = g\big((1-t) f(x_a) + t f(x_b)\big)` at :math:`t = 0, 1/(S-1), \dots, 1`.

    Args:
        model: a trained :class:`Autoencoder`.
        x_a, x_b: the end images, each ``1×28×28``, or two batches ``P×1×28×28`` of ``P`` pairs
            (``uint8`` grey levels or floats 0 to 1).
        steps: :math:`S`, the number of images on the path, both ends included (>= 2).

    Returns:
        ``S×1×28×28`` for one pair, ``P×S×1×28×28`` for a batch; the first and last images are the
        reconstructions of ``x_a`` and ``x_b``.

    Raises:
        ValueError: if ``steps`` < 2 or the images are not 28×28 or their shapes differ.
    """
    t = path_times(steps)
    a, b, single = _as_pairs(x_a, x_b)
    z_a, z_b = encode(model, a), encode(model, b)
    tt = t.view(1, steps, 1)
    z = (1 - tt) * z_a[:, None] + tt * z_b[:, None]
    path = decode(model, z.reshape(-1, z.shape[-1])).view(a.shape[0], steps, *IMAGE_SHAPE)
    return path[0] if single else path


def crossfade(x_a: torch.Tensor, x_b: torch.Tensor, steps: int) -> torch.Tensor:
    r"""The pixel cross-fade :math:`x(t) = (1-t)\,x_a + t\,x_b` at :math:`t = 0, 1/(S-1), \dots, 1`.

    Args:
        x_a, x_b: the end images, each ``1×28×28``, or two batches ``P×1×28×28`` (``uint8`` grey levels
            are divided by 255 first; floats are used as they are).
        steps: :math:`S`, the number of images, both ends included (>= 2).

    Returns:
        ``S×1×28×28`` for one pair, ``P×S×1×28×28`` for a batch; the first image equals ``x_a`` and the
        last equals ``x_b`` exactly.

    Raises:
        ValueError: if ``steps`` < 2 or the images are not 28×28 or their shapes differ.
    """
    t = path_times(steps)
    a, b, single = _as_pairs(x_a, x_b)
    tt = t.view(1, steps, 1, 1, 1)
    path = (1 - tt) * a[:, None] + tt * b[:, None]
    return path[0] if single else path


def nearest_distance(images: torch.Tensor, reference: torch.Tensor, *, chunk: int = 2048) -> torch.Tensor:
    """:math:`D(x)`: the root-mean-square pixel difference between each image and its nearest reference image.

    Grey levels are on the 0-to-1 scale, so :math:`D` runs from 0 (identical to a reference image) to 1.

    Args:
        images: images ``…×1×28×28`` with any leading dimensions (``uint8`` or floats 0 to 1).
        reference: the real images ``M×1×28×28`` to compare with.
        chunk: images compared at a time (>= 1), to bound memory at ``chunk × M`` distances.

    Returns:
        The distances, with the leading shape of ``images``.

    Raises:
        ValueError: if the images are not 28×28, ``reference`` is empty or ``chunk`` < 1.
    """
    if not (isinstance(chunk, int) and chunk >= 1):
        raise ValueError(f"chunk must be an integer >= 1; got {chunk!r}")
    if not isinstance(images, torch.Tensor) or images.ndim < 3 or tuple(images.shape[-3:]) != IMAGE_SHAPE:
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"images must be a tensor of images …×1×28×28; got {shape}")
    ref = _as_images(reference, "reference").reshape(-1, _PIXELS)
    if ref.shape[0] == 0:
        raise ValueError("reference must hold at least one image; got 0")
    lead = images.shape[:-3]
    flat = _as_images(images.reshape(-1, *IMAGE_SHAPE), "images").reshape(-1, _PIXELS)
    ref_sq = (ref * ref).sum(1)
    out = []
    for part in flat.split(chunk):
        # |x - r|^2 = |x|^2 - 2 x.r + |r|^2, with rounding below zero clipped
        sq = (part * part).sum(1, keepdim=True) - 2 * part @ ref.T + ref_sq
        out.append(sq.clamp_min(0).min(1).values)
    d2 = torch.cat(out) if out else torch.zeros(0)
    return (d2 / _PIXELS).sqrt().view(lead)


def random_pairs(labels: torch.Tensor, n_pairs: int, *, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices of ``n_pairs`` pairs of distinct images that show different digits, drawn at random.

    Args:
        labels: digit labels ``N`` (``int64``).
        n_pairs: how many pairs (>= 1); no image is used twice, so at most ``N // 2``.
        seed: seed of the draw.

    Returns:
        ``(i_a, i_b)``, two ``int64`` tensors of length ``n_pairs`` with ``labels[i_a] != labels[i_b]``.

    Raises:
        ValueError: if ``n_pairs`` < 1 or there are not enough images for that many pairs.
    """
    if not (isinstance(n_pairs, int) and n_pairs >= 1):
        raise ValueError(f"n_pairs must be an integer >= 1; got {n_pairs!r}")
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(labels.shape[0], generator=g)
    i_a, i_b = order[0::2], order[1::2][: order[0::2].shape[0]]
    i_a = i_a[: i_b.shape[0]]
    keep = labels[i_a] != labels[i_b]
    i_a, i_b = i_a[keep], i_b[keep]
    if i_a.shape[0] < n_pairs:
        raise ValueError(
            f"n_pairs must be at most {i_a.shape[0]} for these {labels.shape[0]} labels; got {n_pairs}"
        )
    return i_a[:n_pairs].clone(), i_b[:n_pairs].clone()


@dataclass(frozen=True)
class PathDistances:
    """The distance :math:`D` to the nearest real digit along the two paths between each of ``P`` pairs.

    Attributes:
        t: the path times ``S``, from 0 to 1.
        latent: ``P×S``, :math:`D` of each image of the latent path.
        crossfade: ``P×S``, :math:`D` of each image of the cross-fade between the same two end images.
    """

    t: torch.Tensor
    latent: torch.Tensor
    crossfade: torch.Tensor

    @property
    def latent_mean(self) -> float:
        """Mean :math:`D` of the latent path's in-between images (ends excluded), over all pairs."""
        return float(self.latent[:, 1:-1].mean())

    @property
    def crossfade_mean(self) -> float:
        """Mean :math:`D` of the cross-fade's in-between images (ends excluded), over all pairs."""
        return float(self.crossfade[:, 1:-1].mean())

    @property
    def latent_wins(self) -> float:
        """Fraction of pairs whose latent path has the smaller mean :math:`D` over its in-between images."""
        wins = int((self.latent[:, 1:-1].mean(1) < self.crossfade[:, 1:-1].mean(1)).sum())
        return wins / self.latent.shape[0]


def compare_paths(
    model: Autoencoder, x_a: torch.Tensor, x_b: torch.Tensor, reference: torch.Tensor, steps: int
) -> PathDistances:
    """How close to real digits the latent path and the cross-fade stay, for ``P`` pairs of images.

    So that the two paths differ only in the way they go, the cross-fade runs between the same two end
    images as the latent path: the reconstructions :math:`g(f(x_a))` and :math:`g(f(x_b))`.

    Args:
        model: a trained :class:`Autoencoder`.
        x_a, x_b: two batches ``P×1×28×28`` of end images.
        reference: the real digits ``M×1×28×28`` that :math:`D` measures against (e.g. training images).
        steps: images per path, both ends included (>= 2, and >= 3 for the means of in-between images).

    Returns:
        The distances along both paths (:class:`PathDistances`).
    """
    latent = interpolate_latent(model, x_a, x_b, steps)
    if latent.ndim != 5:
        raise ValueError(f"x_a and x_b must be batches P×1×28×28; got {tuple(x_a.shape)}")
    fade = crossfade(latent[:, 0], latent[:, -1], steps)
    return PathDistances(
        path_times(steps), nearest_distance(latent, reference), nearest_distance(fade, reference)
    )
