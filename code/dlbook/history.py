r"""A brief history of neural networks, as data with a source for every row.

The lecture's history of deep learning is kept here as two small tables:

* :func:`milestones` -- the dated events the lecture names (plus the perceptron,
  its critique by Minsky and Papert, and ImageNet), from the artificial
  neuron of 1943 to GPT-3 in 2020, each a :class:`Milestone`, and the two AI
  winters as periods (:func:`ai_winters`);
* :func:`model_sizes` -- the number of trainable parameters of landmark models,
  each a :class:`ModelSize`.

Every row carries ``cite``, a key of ``book/references.bib``, naming the work
that states the date or the count. Two counts are not copied from a paper but
computed here from the architecture: LeNet-5 by counting the parameters of
:class:`dlbook.lenet.LeNet5`, and ResNet with :func:`resnet_parameters` from the
layer table of :cite:t:`he2016deep`.

Growth in model size is summarised by a least-squares line through
:math:`(t_i, \log_2 n_i)`, year :math:`t_i` and parameter count :math:`n_i`:

.. math::

   \log_2 n \approx a + b\,t, \qquad T_2 = \frac{1}{b},

where :math:`T_2` is the doubling time in years (:func:`doubling_time`).

Used on the pages :doc:`/book/introduction/examples`, :doc:`/book/history/index` and
:doc:`/book/history/generative`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: The threads of research the milestones belong to, in the order of the timeline's legend.
THEMES: tuple[str, ...] = (
    "neurons and learning rules",
    "backpropagation",
    "convolutional networks",
    "GPUs and benchmarks",
    "generative and language models",
)


@dataclass(frozen=True)
class Milestone:
    """One dated event in the history of neural networks.

    Attributes:
        year: year of the event (for a period, its first year).
        label: short description shown on the timeline.
        cite: key in ``book/references.bib`` of the work that documents it.
        theme: one of :data:`THEMES`, or ``"AI winter"`` for a period.
        end_year: last year of a period; ``None`` for a single event.
    """

    year: int
    label: str
    cite: str
    theme: str
    end_year: int | None = None

    @property
    def is_period(self) -> bool:
        """True for a span of years such as an AI winter."""
        return self.end_year is not None


@dataclass(frozen=True)
class ModelSize:
    """Size of one landmark model.

    Attributes:
        name: the model's usual name.
        year: year the model was first made public (as a preprint or a paper).
        parameters: number of trainable parameters (a count, dimensionless).
        cite: key in ``book/references.bib`` of the work that introduced the model.
        family: ``"vision"`` or ``"language"``.
        counted: True if ``parameters`` was computed by this package from the
            architecture, False if it is the figure stated in ``cite``.
    """

    name: str
    year: int
    parameters: int
    cite: str
    family: str
    counted: bool = False


_MILESTONES: tuple[Milestone, ...] = (
    Milestone(
        1943, "McCulloch & Pitts: the artificial neuron", "mcculloch1943logical", "neurons and learning rules"
    ),
    Milestone(
        1949,
        "Hebb: joint firing strengthens a synapse",
        "hebb1949organization",
        "neurons and learning rules",
    ),
    Milestone(1958, "Rosenblatt: the perceptron", "rosenblatt1958perceptron", "neurons and learning rules"),
    Milestone(
        1969, "Minsky & Papert: limits of perceptrons", "minsky1969perceptrons", "neurons and learning rules"
    ),
    Milestone(
        1970, "Linnainmaa: reverse-mode differentiation", "linnainmaa1970representation", "backpropagation"
    ),
    Milestone(1974, "Werbos: backpropagation in neural networks", "werbos1974beyond", "backpropagation"),
    Milestone(1974, "1st AI winter", "crevier1993ai", "AI winter", end_year=1980),
    Milestone(1980, "Fukushima: the neocognitron", "fukushima1980neocognitron", "convolutional networks"),
    Milestone(
        1986,
        "Rumelhart, Hinton & Williams: learning representations",
        "rumelhart1986learning",
        "backpropagation",
    ),
    Milestone(1987, "2nd AI winter", "russell2010artificial", "AI winter", end_year=1993),
    Milestone(
        1989,
        "LeCun et al.: a CNN trained by backpropagation",
        "lecun1989backpropagation",
        "convolutional networks",
    ),
    Milestone(1998, "LeCun et al.: LeNet-5", "lecun1998gradient", "convolutional networks"),
    Milestone(2004, "Oh & Jung: first neural network on a GPU", "oh2004gpu", "GPUs and benchmarks"),
    Milestone(2006, "Chellapilla et al.: first CNN on a GPU", "chellapilla2006high", "GPUs and benchmarks"),
    Milestone(2009, "Deng et al.: the ImageNet dataset", "deng2009imagenet", "GPUs and benchmarks"),
    Milestone(2012, "Krizhevsky et al.: AlexNet", "krizhevsky2012imagenet", "GPUs and benchmarks"),
    Milestone(
        2014,
        "Goodfellow et al.: generative adversarial nets",
        "goodfellow2014generative",
        "generative and language models",
    ),
    Milestone(2015, "He et al.: residual networks, over 100 layers", "he2016deep", "GPUs and benchmarks"),
    Milestone(
        2017, "Vaswani et al.: the Transformer", "vaswani2017attention", "generative and language models"
    ),
    Milestone(2019, "Radford et al.: GPT-2", "radford2019language", "generative and language models"),
    Milestone(2020, "Brown et al.: GPT-3", "brown2020language", "generative and language models"),
)


def milestones() -> list[Milestone]:
    """The lecture's milestones, plus three it takes for granted, sorted by year."""
    return sorted(_MILESTONES, key=lambda m: (m.year, m.end_year or m.year))


def ai_winters() -> list[Milestone]:
    """The periods of the timeline, in order: the first AI winter (about 1974-1980), then the second.

    The lecture names the second and dates it 1987-1993; the first is the one that name implies, from
    the cuts in research funding that followed the Lighthill report of 1973 to the commercial boom of
    expert systems around 1980 (:cite:t:`crevier1993ai`, :cite:t:`russell2010artificial`).
    """
    return [m for m in milestones() if m.is_period]


def resnet_parameters(
    blocks: Sequence[int] = (3, 4, 6, 3), *, bottleneck: bool = True, classes: int = 1000
) -> int:
    r"""Trainable parameters of an ImageNet ResNet, from the layer table of He et al. (2016).

    The network is a :math:`7\times 7` stem convolution with 64 channels, four
    stages of residual blocks of widths 64, 128, 256 and 512, global average
    pooling and a fully connected classifier. A *basic* block is two
    :math:`3\times 3` convolutions; a *bottleneck* block is :math:`1\times 1`,
    :math:`3\times 3`, :math:`1\times 1` with the output widened 4 times. Every
    convolution has no bias and is followed by batch normalisation with 2
    parameters per channel; the first block of a stage whose input and output
    widths differ has a :math:`1\times 1` projection shortcut. For a convolution
    with :math:`c_\mathrm{in}` inputs, :math:`c_\mathrm{out}` outputs and a
    :math:`k\times k` kernel, plus its normalisation,

    .. math::

       n = k^2 c_\mathrm{in} c_\mathrm{out} + 2 c_\mathrm{out}.

    Args:
        blocks: number of blocks in each of the four stages, e.g. ``(3, 4, 6, 3)``
            for ResNet-50 and ``(3, 8, 36, 3)`` for ResNet-152.
        bottleneck: bottleneck blocks (ResNet-50 and deeper) or basic blocks
            (ResNet-18 and 34).
        classes: number of output classes (1000 for ImageNet).

    Returns:
        The number of trainable parameters.

    Raises:
        ValueError: if ``blocks`` does not hold four counts >= 1, or ``classes`` < 1.
    """
    if len(blocks) != 4 or any(int(b) < 1 for b in blocks):
        raise ValueError(f"blocks must be 4 stage counts, each >= 1; got {tuple(blocks)}")
    if classes < 1:
        raise ValueError(f"classes must be >= 1; got {classes}")

    def conv(k: int, c_in: int, c_out: int) -> int:
        return k * k * c_in * c_out + 2 * c_out

    expansion = 4 if bottleneck else 1
    total = conv(7, 3, 64)
    c_in = 64
    for width, count in zip((64, 128, 256, 512), blocks, strict=True):
        c_out = width * expansion
        for i in range(int(count)):
            if bottleneck:
                total += conv(1, c_in, width) + conv(3, width, width) + conv(1, width, c_out)
            else:
                total += conv(3, c_in, width) + conv(3, width, width)
            # The first block of stages 2-4 halves the resolution, so it needs a projection shortcut.
            if i == 0 and (c_in != c_out or width != 64):
                total += conv(1, c_in, c_out)
            c_in = c_out
    return total + c_in * classes + classes


def lenet5_parameters() -> int:
    """Trainable parameters of the lecture's LeNet-5, counted from :class:`dlbook.lenet.LeNet5` (61,706)."""
    from dlbook.lenet import LeNet5, count_parameters

    return count_parameters(LeNet5())


def model_sizes() -> list[ModelSize]:
    """Landmark models and their parameter counts, sorted by year then size.

    LeNet-5 and the ResNets are counted by this package; every other count is
    the one stated in the cited paper: AlexNet 60 million (Sec. 1 of
    Krizhevsky et al.), VGG-16 138 million (Table 2 of Simonyan & Zisserman),
    Transformer base 65 million and big 213 million (Table 3 of Vaswani et
    al.), BERT-large 340 million (Sec. 3 of Devlin et al.), GPT-2 1542 million
    (Table 2 of Radford et al.) and GPT-3 175 billion (Table 2.1 of Brown et al.).
    """
    rows = [
        ModelSize("LeNet-5", 1998, lenet5_parameters(), "lecun1998gradient", "vision", counted=True),
        ModelSize("AlexNet", 2012, 60_000_000, "krizhevsky2012imagenet", "vision"),
        ModelSize("VGG-16", 2014, 138_000_000, "simonyan2015very", "vision"),
        ModelSize("ResNet-50", 2015, resnet_parameters((3, 4, 6, 3)), "he2016deep", "vision", counted=True),
        ModelSize("ResNet-152", 2015, resnet_parameters((3, 8, 36, 3)), "he2016deep", "vision", counted=True),
        ModelSize("Transformer (base)", 2017, 65_000_000, "vaswani2017attention", "language"),
        ModelSize("Transformer (big)", 2017, 213_000_000, "vaswani2017attention", "language"),
        ModelSize("BERT-large", 2018, 340_000_000, "devlin2019bert", "language"),
        ModelSize("GPT-2", 2019, 1_542_000_000, "radford2019language", "language"),
        ModelSize("GPT-3", 2020, 175_000_000_000, "brown2020language", "language"),
    ]
    return sorted(rows, key=lambda m: (m.year, m.parameters))


def model(name: str) -> ModelSize:
    """The row of :func:`model_sizes` called ``name``.

    Args:
        name: a model's name as in :func:`model_sizes`, e.g. ``"GPT-3"``.

    Returns:
        That model's :class:`ModelSize`.

    Raises:
        ValueError: if no model has that name.
    """
    rows = {m.name: m for m in model_sizes()}
    if name not in rows:
        raise ValueError(f"name must be one of {', '.join(rows)}; got {name!r}")
    return rows[name]


def doubling_time(models: Sequence[ModelSize] | None = None, *, since: int = 2012) -> float:
    r"""Doubling time of model size in years, from a least-squares fit of :math:`\log_2 n` on year.

    Args:
        models: rows to fit; default :func:`model_sizes`.
        since: use only models published in or after this year.

    Returns:
        :math:`T_2 = 1/b` in years, where :math:`b` is the fitted slope in
        doublings per year.

    Raises:
        ValueError: if fewer than two models from at least two distinct years remain,
            or the fitted size does not grow.
    """
    rows = [m for m in (model_sizes() if models is None else models) if m.year >= since]
    years = np.array([m.year for m in rows], dtype=float)
    if len(rows) < 2 or np.unique(years).size < 2:
        raise ValueError(f"since must leave models from at least 2 distinct years; got since={since}")
    slope, _ = np.polyfit(years, np.log2([float(m.parameters) for m in rows]), 1)
    if slope <= 0:
        raise ValueError(
            f"models must grow in size over the years to have a doubling time; slope={slope:.3g}"
        )
    return float(1.0 / slope)


def cite_keys() -> set[str]:
    """Every bibliography key used by the data of this module."""
    return {m.cite for m in milestones()} | {m.cite for m in model_sizes()}


def format_count(n: int) -> str:
    """A parameter count in words a reader can scan: ``61,706``, ``60 M``, ``1.54 B``, ``175 B``.

    Counts below a million are written in full with thousands separators; larger ones to three
    significant figures in millions (M) or billions (B).

    Args:
        n: a parameter count, >= 0.

    Returns:
        The formatted count.

    Raises:
        ValueError: if ``n`` < 0.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0; got {n}")
    if n < 1_000_000:
        return f"{n:,}"
    if n < 1_000_000_000:
        return f"{n / 1e6:.3g} M"
    return f"{n / 1e9:.3g} B"
