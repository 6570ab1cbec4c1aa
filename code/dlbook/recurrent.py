r"""A small recurrent network trained by backpropagation through time, in PyTorch.

An Elman network :cite:p:`elman1990finding` keeps a hidden state that it feeds
back to itself at the next time step:

.. math::

   h_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h), \qquad z_t = W_{hy} h_t + b_y,
   \qquad h_0 = 0.

Unrolled over a sequence of length :math:`T` it is a feedforward network of
depth :math:`T` whose layers share their weights, so the reverse mode applies
unchanged. That is backpropagation through time :cite:p:`werbos1990backpropagation`:
the gradient of the loss reaches :math:`W_{hh}` through every step,

.. math::

   \frac{\partial L}{\partial h_{t}} = \frac{\partial L_t}{\partial h_t}
   + \left(\frac{\partial h_{t+1}}{\partial h_t}\right)^{\!\top} \frac{\partial L}{\partial h_{t+1}},

and the weight gradients are sums over time. Here ``loss.backward()`` does the
sweep over the unrolled graph.

The task is *delayed recall*: a stream of random bits :math:`x_t`, and the
target at step :math:`t` is the bit seen :math:`d` steps earlier,
:math:`y_t = x_{t-d}` (for :math:`t \ge d`). A network without memory sees only
:math:`x_t`, which is independent of :math:`y_t`, so it cannot do better than
guessing: a cross-entropy of :math:`\ln 2 \approx 0.693` nats per step.

Used on the page :doc:`/book/history/representations`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn

#: The best cross-entropy a memoryless model can reach on delayed recall, ln 2 nats per step.
CHANCE_LOSS = math.log(2.0)


@contextmanager
def one_thread() -> Iterator[None]:
    """Run PyTorch on one thread inside the block: the tensors here are so small that more threads
    cost more in synchronisation than they save."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def delayed_recall(
    batch: int, length: int, delay: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch of the delayed-recall task.

    Args:
        batch: number of sequences (>= 1).
        length: steps per sequence; must exceed ``delay``.
        delay: how many steps back the target looks (>= 1).
        generator: source of the random bits.

    Returns:
        ``(x, y)``: inputs of shape ``(batch, length, 1)`` (float, 0 or 1) and
        targets of shape ``(batch, length - delay)`` (int64), with
        ``y[:, t] = x[:, t, 0]`` for the input ``delay`` steps before output step
        ``t + delay``.
    """
    if batch < 1 or delay < 1 or length <= delay:
        raise ValueError(
            f"delayed_recall: need batch >= 1, delay >= 1 and length > delay; "
            f"got batch={batch}, length={length}, delay={delay}"
        )
    bits = torch.randint(0, 2, (batch, length), generator=generator)
    return bits.unsqueeze(-1).float(), bits[:, : length - delay]


class ElmanRNN(nn.Module):
    """The Elman network above, unrolled by an explicit loop over time steps.

    Args:
        hidden: size of the hidden state (>= 1).
        inputs: size of each input :math:`x_t`.
        classes: number of output classes per step.
    """

    def __init__(self, hidden: int = 16, inputs: int = 1, classes: int = 2) -> None:
        super().__init__()
        if hidden < 1:
            raise ValueError(f"ElmanRNN: hidden must be >= 1; got {hidden}")
        self.cell = nn.RNNCell(inputs, hidden, nonlinearity="tanh")
        self.readout = nn.Linear(hidden, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of shape ``(batch, length, classes)`` for inputs of shape ``(batch, length, inputs)``."""
        if x.dim() != 3 or x.shape[2] != self.cell.input_size:
            raise ValueError(
                f"ElmanRNN: x must have shape (batch, length, {self.cell.input_size}); got {tuple(x.shape)}"
            )
        h = x.new_zeros(x.shape[0], self.cell.hidden_size)
        states = []
        for t in range(x.shape[1]):  # the unrolled loop: one copy of the cell per time step
            h = self.cell(x[:, t], h)
            states.append(h)
        return self.readout(torch.stack(states, dim=1))  # z_t for every t at once


def recall_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy (nats per step) over the steps that have a target."""
    delay = x.shape[1] - y.shape[1]
    logits = model(x)[:, delay:]
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def recall_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of steps whose recalled bit is right."""
    delay = x.shape[1] - y.shape[1]
    with torch.no_grad(), one_thread():
        return (model(x)[:, delay:].argmax(-1) == y).float().mean().item()


def train_recall(
    delay: int = 3,
    *,
    hidden: int = 16,
    length: int = 20,
    batch: int = 64,
    steps: int = 300,
    lr: float = 0.01,
    seed: int = 0,
) -> tuple[ElmanRNN, list[float]]:
    """Train an :class:`ElmanRNN` on delayed recall with Adam, a fresh batch every step.

    Returns:
        The trained model and the training loss (nats per step) at every update.
    """
    if steps < 1 or not lr > 0:
        raise ValueError(f"train_recall: need steps >= 1 and lr > 0; got steps={steps}, lr={lr}")
    torch.manual_seed(seed)
    model = ElmanRNN(hidden)
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    with one_thread():
        for _ in range(steps):
            x, y = delayed_recall(batch, length, delay, generator)
            loss = recall_loss(model, x, y)
            optimiser.zero_grad()
            loss.backward()  # backpropagation through time over the unrolled loop
            optimiser.step()
            losses.append(loss.item())
    return model, losses


def sensitivity_through_time(model: ElmanRNN, x: torch.Tensor) -> torch.Tensor:
    r"""How strongly the last output depends on each earlier input, :math:`|\partial z_T / \partial x_t|`.

    The gradient of the difference of the two logits at the last step :math:`T` with
    respect to every input :math:`x_t`, averaged in absolute value over the batch.
    By the chain rule it is a product of :math:`T - t` Jacobians
    :math:`\partial h_{s+1}/\partial h_s = \mathrm{diag}(1 - h_{s+1}^2)\,W_{hh}`, so it
    shrinks (or grows) roughly geometrically with the lag :math:`T - t`
    :cite:p:`hochreiter1991untersuchungen,bengio1994learning`.

    Args:
        model: a two-class :class:`ElmanRNN`.
        x: inputs of shape ``(batch, length, 1)``.

    Returns:
        Shape ``(length,)``: entry ``k`` is the sensitivity to the input ``k`` steps before the last one
        (``k = 0`` is the last input itself).
    """
    x = x.detach().clone().requires_grad_(True)
    with one_thread():
        logits = model(x)[:, -1]
        (logits[:, 1] - logits[:, 0]).sum().backward()
    return x.grad.abs().mean(dim=(0, 2)).flip(0)
