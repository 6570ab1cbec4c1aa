r"""Reading and describing the LeNet-5 benchmark results that the GPU page shows.

``benchmarks/lenet.py`` writes one JSON file per machine kind (``lenet-cpu.json``, ``lenet-gpu.json``)
with the device, date, software versions, command, per-seed runs of :func:`dlbook.train.fit` for each
variant, one run of the classic PyTorch-example loop, and the ratios

.. math::

   \text{throughput ratio} = \frac{\text{images/s of fit}}{\text{images/s of the classic loop}},
   \qquad
   \text{time-to-target ratio} = \frac{t_\text{classic}(a^\ast)}{\bar t_\text{fit}(a^\ast)},

where :math:`t(a^\ast)` is the training time in s until the test accuracy first reaches the target
:math:`a^\ast` (99.0 % on MNIST) and :math:`\bar t` its mean over seeds. The functions here turn
such a result into the text of the page; they compute, they never invent: a missing file gives a
sentence saying so.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

Result = dict[str, Any]

NO_GPU_SENTENCE = (
    "No GPU result has been recorded yet: the file benchmarks/results/lenet-gpu.json does not "
    "exist, so this page shows no GPU number and computes no speed-up. One appears here once "
    "the benchmark's GPU mode has been run on a machine with a GPU and its result committed."
)


def read_result(folder: str | os.PathLike[str], name: str) -> Result | None:
    """The benchmark result ``folder/name`` as a dict, or ``None`` if that file does not exist."""
    path = Path(folder) / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def epochs_to_target(accuracies: list[float], target: float) -> int | None:
    """Number of epochs until the first one whose test accuracy is >= ``target`` (``None``: never)."""
    return next((i for i, a in enumerate(accuracies, start=1) if a >= target), None)


def describe(result: Result) -> str:
    """A few lines: device, date, versions, command, each variant of ``fit``, the classic loop, ratios."""
    classic = result["classic"]
    target = f"{result['target_accuracy']:.1%}"
    lines = [
        f"{result['device']}, {result['date'][:10]}, torch {result['torch']}, "
        f"commit {result['git_commit'][:12]}",
        f"  command: {result['command']}",
    ]
    for name, v in result["fast"].items():
        if not v.get("runs"):
            lines.append(f"  fit [{name}]: failed ({v.get('error', 'no runs')})")
            continue
        to_target = (
            f", {v['mean_seconds_to_target']:.2f} s to {target}"
            f" ({v['seeds_reaching_target']} of {v['seeds']} seeds)"
            if "mean_seconds_to_target" in v
            else f", {target} not reached"
        )
        ratio = result.get("variant_ratios", {}).get(name, {}).get("time_to_target")
        versus = f", {ratio:.1f}x faster than the classic loop" if ratio else ""
        lines.append(f"  fit [{name}]: {v['mean_images_per_second']:,.0f} images/s{to_target}{versus}")
    if classic.get("images_per_second"):
        to_target = (
            f", {classic['seconds_to_target']:.1f} s to {target}"
            if classic["seconds_to_target"] is not None
            else f", {target} not reached"
        )
        lines.append(f"  classic loop: {classic['images_per_second']:,.0f} images/s{to_target}")
    elif classic.get("error"):
        lines.append(f"  classic loop: failed ({classic['error']})")
    for key, value in result["ratios"].items():
        lines.append(f"  fit / classic, {key.replace('_', ' ')}: {value:.1f}x")
    return "\n".join(lines)


def cpu_sentence(cpu: Result | None) -> str:
    """What the recorded CPU run says about ``fit`` against the classic loop."""
    if cpu is None or "images_per_second" not in cpu["ratios"]:
        return "No CPU benchmark has been recorded yet (benchmarks/results/lenet-cpu.json is missing)."
    ratios = cpu["ratios"]
    sentence = (
        f"On the CPU, the recorded run on {cpu['device']} processed {ratios['images_per_second']:.1f} "
        f"times as many training images per second with the data set held as one tensor as with the "
        f"classic per-image loop."
    )
    if "time_to_target" not in ratios:
        return sentence
    target = cpu["target_accuracy"]
    runs = cpu["fast"]["plain"]["runs"]
    passes = sorted(
        {epochs_to_target(r["test_accuracy"], target) for r in runs if r["seconds_to_target"] is not None}
    )
    span = f"{passes[0]}" if len(passes) == 1 else f"{passes[0]} to {passes[-1]}"
    return sentence + (
        f" It reached {target:.1%} test accuracy {ratios['time_to_target']:.1f} times sooner: after "
        f"{span} passes over the training set against the classic loop's "
        f"{epochs_to_target(cpu['classic']['test_accuracy'], target)}, because its recipe (Adam, a "
        f"one-cycle schedule and label smoothing) learns more from each pass."
    )


def gpu_sentence(
    gpu: Result | None, cpu: Result | None, live_rates: dict[int, float], live_device: str
) -> str:
    """The recorded GPU throughput set against the recorded CPU run and this build's CPU.

    Args:
        gpu, cpu: the recorded results (``None`` where none exists).
        live_rates: images/s measured during the build, by batch size.
        live_device: the name of the device those were measured on.
    """
    if gpu is None or not gpu["fast"].get("plain", {}).get("runs"):
        return NO_GPU_SENTENCE
    rate = gpu["fast"]["plain"]["mean_images_per_second"]
    batch = gpu["fast"]["plain"]["recipe"]["batch_size"]
    sentence = (
        f"On {gpu['device']}, recorded on {gpu['date'][:10]}, the same training loop with batches of "
        f"{batch} processed {rate:,.0f} images per second"
    )
    comparisons = []
    if cpu is not None and cpu["fast"].get("plain", {}).get("runs"):
        cpu_rate = cpu["fast"]["plain"]["mean_images_per_second"]
        comparisons.append(
            f"{rate / cpu_rate:,.0f} times the {cpu_rate:,.0f} recorded by the same benchmark on "
            f"{cpu['device']}"
        )
    if batch in live_rates:
        comparisons.append(
            f"{rate / live_rates[batch]:,.0f} times the rate measured above on {live_device} while the "
            f"book was built"
        )
    if comparisons:
        sentence += ": " + ", and ".join(comparisons)
    return sentence + (
        ". Against the lecture's 'just 4 times faster' of 2006, that is the measured gap between one "
        "GPU and a CPU today."
    )
