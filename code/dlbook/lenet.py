r"""LeNet-5, exactly as in the lecture.

The network of :cite:t:`lecun1998gradient`, in the modern form shown in the
lecture: two convolution + ReLU + :math:`2\times 2` max-pooling stages followed by
three fully connected layers.

Shapes, for a batch of :math:`N` grey-scale :math:`28\times 28` images:

.. math::

   N{\times}1{\times}28{\times}28
   \xrightarrow{\text{conv1, pool}} N{\times}6{\times}14{\times}14
   \xrightarrow{\text{conv2, pool}} N{\times}16{\times}5{\times}5
   \xrightarrow{\text{flatten}} N{\times}400
   \xrightarrow{\text{fc1, fc2, fc3}} N{\times}10

Used on the pages :doc:`/book/history/cnn`, :doc:`/book/history/gpus` and :doc:`/book/concepts/tpe`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

#: The shape of one input image, one channel of 28×28 pixels.
INPUT_SHAPE: tuple[int, int, int] = (1, 28, 28)


class LeNet5(nn.Module):
    """The lecture's LeNet-5: 61,706 trainable parameters, logits for 10 classes."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map images ``N×1×28×28`` to class logits ``N×10``.

        Raises:
            ValueError: if ``x`` is not a batch of one-channel 28×28 images.
        """
        if x.ndim != 4 or tuple(x.shape[1:]) != INPUT_SHAPE:
            raise ValueError(
                f"LeNet5 expects input of shape N×1×28×28 (a batch of grey-scale 28×28 images); "
                f"got shape {tuple(x.shape)}"
                + (" (add a batch dimension with x.unsqueeze(0))" if x.ndim == 3 else "")
            )
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), (2, 2))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters of ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def build(seed: int = 0) -> LeNet5:
    """A :class:`LeNet5` whose initial weights are drawn from ``seed`` (the global RNG is left untouched)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return LeNet5()
