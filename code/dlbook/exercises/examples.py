r"""Answer keys of the exercises on the page "Examples".

Every expected value is computed when the answer is checked, without training a network or reading a
data set: the cross-fade by :func:`dlbook.autoencoder.crossfade` on two random images (where it lies
between its ends does not depend on the images), the parameters by counting those of a freshly built
:class:`dlbook.autoencoder.Autoencoder` with the sizes of :class:`dlbook.autoencoder.AutoencoderConfig`,
the settings the page trains with. They hold for MNIST and for the digits fallback alike.

Used on the page :doc:`/book/introduction/examples`.
"""

from __future__ import annotations

import numbers
from typing import Any

from dlbook.exercises import Verdict, answer_key, expect_choice, expect_number

#: Exercise examples-1: A. the faces and paintings of StyleGAN and its successors, B. deepfakes,
#: C. Wayve's car, D. GPT-3, E. Jukebox. All but the car produce new data (images, video, text, audio);
#: the car produces actions.
GENERATIVE = "ABDE"
EXAMPLES = "ABCDE"

#: Exercise examples-2: images on the page's paths (both ends included) and the time of the midpoint.
STEPS = 9
MIDPOINT = 0.5


def _rms(u: Any) -> float:
    """Root-mean-square of the entries of a tensor (pixels of an image, or of a difference of two)."""
    return float(u.pow(2).mean().sqrt())


def crossfade_fraction(t: float = MIDPOINT, steps: int = STEPS, seed: int = 0) -> float:
    r"""How far the cross-fade image at time ``t`` lies from its first end, as a fraction of the distance
    between its two ends, both distances root-mean-square pixel differences:
    :math:`\mathrm{rms}(x(t) - x_a) / \mathrm{rms}(x_b - x_a)`, measured on two random images.

    ``t`` must be one of the path's times :math:`k/(S-1)`.
    """
    import torch  # here, not at the top: most pages that load the answer keys never use torch

    from dlbook import autoencoder

    g = torch.Generator().manual_seed(seed)
    x_a, x_b = torch.rand(2, *autoencoder.IMAGE_SHAPE, generator=g)
    path = autoencoder.crossfade(x_a, x_b, steps)
    times = autoencoder.path_times(steps)
    k = int(torch.argmin((times - t).abs()))
    if abs(float(times[k]) - t) > 1e-6:
        raise ValueError(f"t must be one of the {steps} times of the path; got {t}")
    return _rms(path[k] - path[0]) / _rms(path[-1] - path[0])


def _autoencoder(latent_dim: int | None = None, hidden: int | None = None):
    """A freshly built autoencoder with the page's sizes (or those given); weights are not trained."""
    from dlbook import autoencoder

    config = autoencoder.AutoencoderConfig()
    return autoencoder.Autoencoder(
        config.latent_dim if latent_dim is None else latent_dim, config.hidden if hidden is None else hidden
    )


def _count(module: Any) -> int:
    return sum(p.numel() for p in module.parameters())


def autoencoder_parameters(latent_dim: int | None = None, hidden: int | None = None) -> int:
    """Weights and biases of the page's autoencoder (default sizes of ``AutoencoderConfig``)."""
    return _count(_autoencoder(latent_dim, hidden))


def pixel_layer_parameters(latent_dim: int | None = None, hidden: int | None = None) -> int:
    """Weights and biases of the two layers that touch the pixels: the encoder's first, the decoder's last."""
    from torch import nn

    model = _autoencoder(latent_dim, hidden)
    first = next(m for m in model.encoder if isinstance(m, nn.Linear))
    last = [m for m in model.decoder if isinstance(m, nn.Linear)][-1]
    return _count(first) + _count(last)


def pixel_layer_share(latent_dim: int | None = None, hidden: int | None = None) -> float:
    """The fraction of the autoencoder's parameters that lie in the two layers touching the pixels."""
    return pixel_layer_parameters(latent_dim, hidden) / autoencoder_parameters(latent_dim, hidden)


@answer_key("examples-1")
def _generative(answer: Any) -> Verdict:
    return expect_choice(
        answer,
        set(GENERATIVE),
        EXAMPLES,
        hint="for each example, is its output new data that looks like its training data (an image, a "
        "video, a text, a song), or a decision about what to do?",
    )


@answer_key("examples-2")
def _halfway(answer: Any) -> Verdict:
    return expect_number(
        answer,
        crossfade_fraction(),
        rtol=1e-3,
        hint="measure the midpoint from the first image of the path, relative to the distance between "
        "the two ends, both as root-mean-square differences (not mean squares).",
    )


# Exercise examples-3 asks for an explanation; its solution gives it, and it has no key.


@answer_key("examples-4")
def _pixel_layers(answer: Any) -> Verdict:
    if isinstance(answer, numbers.Real) and not isinstance(answer, bool) and 1 < answer <= 100:
        return Verdict(False, "Answer with a fraction between 0 and 1 (not a percentage).")
    return expect_number(
        answer,
        pixel_layer_share(),
        rtol=1e-4,
        hint="count the weights and the biases of the encoder's first layer and of the decoder's last, "
        "and divide by the count over the whole network.",
    )
