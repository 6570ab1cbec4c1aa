"""Forward + backward of a 784-256-256-10 MLP (batch 512, float32): dlbook.autodiff.Tensor vs torch.autograd.

Both run in the same process on one thread. After warm-up passes the two engines
take turns for ``--repeats`` timed passes each; the best and the median are printed,
and the ratio is engine time / torch time of the medians (below 2 is the target).

    .venv/bin/python benchmarks/autodiff.py [--repeats 30] [--warmup 5] [--out FILE]

The result, with the device, date, versions, git commit, command and the load average before and
after, is written as JSON to ``benchmarks/results/autodiff.json``, or to ``--out``. A shorter run than
the standard ``--repeats 30`` is a quick check, not a record: it writes a file only when ``--out``
names one. Wall-clock timings: the load average in the result says how busy the machine was.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # before numpy is imported

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from dlbook.autodiff import MLP, Tensor, cross_entropy  # noqa: E402
from dlbook.benchmarks import cpu_model, load_average, provenance, write_result  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "autodiff.json"
SIZES = (784, 256, 256, 10)
BATCH = 512
REPEATS = 30  # the standard run, the one recorded


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


def timing(name: str, times: list[float]) -> dict:
    return {
        "name": name,
        "median_seconds": statistics.median(times),
        "best_seconds": min(times),
        "seconds": times,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS, help=f"timed passes each (default {REPEATS})")
    parser.add_argument("--warmup", type=int, default=5, help="untimed passes each first (default 5)")
    parser.add_argument("--out", type=Path, default=None, help=f"JSON file to write (default {OUT})")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.warmup < 0:
        parser.error(f"--repeats must be >= 1 and --warmup >= 0; got {args.repeats} and {args.warmup}")
    load_before = load_average()

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
    load_after = load_average()
    print(f"load average (1, 5, 15 min) before: {load_before}, after: {load_after}; {os.cpu_count()} CPUs")

    out = args.out or (OUT if args.repeats >= REPEATS else None)
    if out is None:
        print(f"not recorded: fewer than {REPEATS} repeats (pass --out to write the result anyway)")
        return 0
    result = {
        "benchmark": "autodiff-mlp",
        "device": f"{cpu_model()} (CPU, 1 thread)",
        "device_type": "cpu",
        "sizes": list(SIZES),
        "activation": "relu",
        "batch_size": BATCH,
        "dtype": "float32",
        "threads": 1,
        "warmup": args.warmup,
        "repeats": args.repeats,
        "timer": "time.perf_counter",
        "max_gradient_difference": float(gap),
        "engine": timing("dlbook.autodiff", engine),
        "baseline": timing("torch.autograd", reference),
        "ratio_engine_to_baseline": ratio,
        "load_average_before": load_before,
        "load_average_after": load_after,
        **provenance(ROOT, argv=None if argv is None else ["benchmarks/autodiff.py", *argv]),
    }
    print(f"wrote {write_result(result, out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
