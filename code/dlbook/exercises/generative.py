r"""Answer keys of the exercises on the page "Cloud computing: GANs, transformers and beyond".

Every expected value is computed when the answer is checked: GPT-3's size from :mod:`dlbook.history`,
and the parameters of one of its Transformer blocks by building that block in PyTorch on the ``meta``
device (shapes only, no memory) and counting them with :func:`dlbook.lenet.count_parameters`.
"""

from __future__ import annotations

import math
from typing import Any

from dlbook import history
from dlbook.exercises import Verdict, answer_key, expect_number

#: GPT-3 175B (Brown et al. 2020, Table 2.1 and Sec. 2.1): blocks, width d_model, heads; the
#: feed-forward layer is 4 d_model wide.
GPT3_LAYERS, GPT3_WIDTH, GPT3_HEADS = 96, 12288, 96

#: The tokens of GPT-2's vocabulary (Radford et al. 2019, Sec. 2.3), which GPT-3 reuses.
GPT_VOCABULARY = 50257

#: Exercise generative-2: the length d_k of the random queries and keys.
KEY_LENGTH = 64

#: Exercise generative-4: bytes per parameter when training in 32-bit floats with Adam: the weight, its
#: gradient and Adam's two running averages, 4 bytes each.
ADAM_FP32_BYTES = 4 * (1 + 1 + 2)


def block_parameters(width: int = GPT3_WIDTH, heads: int = GPT3_HEADS) -> int:
    r"""Trainable parameters of one Transformer block of width :math:`d`: attention (queries, keys,
    values and output, :math:`4d^2 + 4d`), a feed-forward layer :math:`d \to 4d \to d`
    (:math:`8d^2 + 5d`) and two layer normalisations (:math:`4d`): :math:`12d^2 + 13d` in all."""
    import torch  # here, not at the top: most pages that load the answer keys never use torch

    from dlbook import lenet

    with torch.device("meta"):
        block = torch.nn.TransformerEncoderLayer(width, heads, dim_feedforward=4 * width)
    return lenet.count_parameters(block)


def gpt3_block_parameters() -> int:
    """Parameters in GPT-3's stack of Transformer blocks, embeddings left out."""
    return GPT3_LAYERS * block_parameters()


def training_memory_gb(name: str = "GPT-3", bytes_per_parameter: int = ADAM_FP32_BYTES) -> float:
    """Gigabytes (1e9 bytes) to hold the weights, gradients and Adam's state of model ``name``."""
    return bytes_per_parameter * history.model(name).parameters / 1e9


@answer_key("generative-1")
def _gpt3_blocks(answer: Any) -> Verdict:
    return expect_number(
        answer,
        gpt3_block_parameters(),
        rtol=1e-3,
        hint="count one block (four d×d attention matrices, d×4d and 4d×d feed-forward matrices), "
        "then multiply by the number of blocks.",
    )


@answer_key("generative-2")
def _score_spread(answer: Any) -> Verdict:
    return expect_number(
        answer,
        math.sqrt(KEY_LENGTH),
        rtol=0.05,
        hint="use many pairs of vectors with independent N(0, 1) entries, and measure the standard "
        "deviation of q·k before any scaling.",
    )


@answer_key("generative-3")
def _gan_value(answer: Any) -> Verdict:
    return expect_number(
        answer,
        2 * math.log(0.5),
        rtol=1e-3,
        unit="nats",
        hint="put D(x) = 1/2 everywhere into both expectations of the value function.",
    )


@answer_key("generative-4")
def _training_memory(answer: Any) -> Verdict:
    return expect_number(
        answer,
        training_memory_gb(),
        rtol=0.01,
        unit="GB",
        hint="count 4 bytes for the weight, 4 for its gradient and 4 for each of Adam's two averages.",
    )
