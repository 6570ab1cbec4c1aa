"""Forward + backward of a 784-256-256-10 MLP (batch 512, float32): dlbook.autodiff.Tensor vs torch.autograd.

Both run in the same process on one thread. After warm-up passes the two engines
take turns for ``--repeats`` timed passes each; the best and the median are printed,
and the ratio is engine time / torch time of the medians (below 2 is the target).

    .venv/bin/python benchmarks/autodiff.py [--repeats 30] [--warmup 5]

Wall-clock timings: run it on an otherwise idle machine.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # before numpy is imported

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from dlbook.autodiff import MLP, Tensor, cross_entropy  # noqa: E402

SIZES = (784, 256, 256, 10)
BATCH = 512


def time_passes(steps: list[Callable[[], None]], warmup: int, repeats: int) -> list[list[float]]:
    """Seconds taken by each of ``repeats`` calls of every step, after ``warmup`` untimed calls.

    The steps take turns, so that a load that comes and goes on the machine hits them alike.
    """
    for _ in range(warmup):
        for step in steps:
            step()
    times: list[list[float]] = [[] for _ in steps]
    for _ in range(repeats):
        for step, record in zip(steps, times, strict=True):
            start = time.perf_counter()
            step()
            record.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()

    torch.set_num_threads(1)
    try:
        from threadpoolctl import threadpool_limits

        limiter = threadpool_limits(limits=1)
    except ImportError:  # the environment variables above already ask for one thread
        limiter = None

    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], BATCH)

    model = MLP(SIZES, activation="relu", seed=0, dtype=np.float32)
    x_tensor = Tensor(x)

    def engine_step() -> None:
        for p in model.parameters():
            p.grad = None
        cross_entropy(model(x_tensor), y).backward()

    layers = []
    for w, b in zip(model.weights, model.biases, strict=True):
        layer = torch.nn.Linear(*w.shape)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(w.data.T))
            layer.bias.copy_(torch.from_numpy(b.data))
        layers += [layer, torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers[:-1])
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def torch_step() -> None:
        net.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(net(xt), yt).backward()

    engine_step()
    torch_step()
    gap = np.abs(model.weights[0].grad - net[0].weight.grad.numpy().T).max()
    assert model.weights[0].grad.dtype == np.float32

    engine, reference = time_passes([engine_step, torch_step], args.warmup, args.repeats)
    if limiter is not None:
        limiter.restore_original_limits()

    print(f"MLP {'-'.join(map(str, SIZES))}, batch {BATCH}, float32, one thread, {args.repeats} repeats")
    print(f"largest difference of the first layer's weight gradient: {gap:.2e}")
    for name, times in (("dlbook.autodiff", engine), ("torch.autograd", reference)):
        print(f"{name:>16}: median {statistics.median(times) * 1e3:7.2f} ms, best {min(times) * 1e3:7.2f} ms")
    ratio = statistics.median(engine) / statistics.median(reference)
    print(f"ratio engine / torch (medians): {ratio:.2f}  (best: {min(engine) / min(reference):.2f})")
    load = os.getloadavg()[0]
    print(f"load average (1 min): {load:.1f} on {os.cpu_count()} CPUs; trust an idle machine only")


if __name__ == "__main__":
    main()
