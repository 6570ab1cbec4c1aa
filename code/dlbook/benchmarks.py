r"""Reading the LeNet-5 benchmark results that ``benchmarks/lenet.py`` records.

``benchmarks/lenet.py`` writes one JSON file per machine kind (``lenet-cpu.json``, ``lenet-gpu.json``)
with the device, date, software versions, command, per-seed runs of :func:`dlbook.train.fit` for each
variant, one run of the classic PyTorch-example loop, and the ratios

.. math::

   \text{throughput ratio} = \frac{\text{images/s of fit}}{\text{images/s of the classic loop}},
   \qquad
   \text{time-to-target ratio} = \frac{t_\text{classic}(a^\ast)}{\bar t_\text{fit}(a^\ast)},

where :math:`t(a^\ast)` is the training time in s until the test accuracy first reaches the target
:math:`a^\ast` (99.0 % on MNIST) and :math:`\bar t` its mean over seeds. The functions here read such
a file and compute from it; they never invent a number: a missing file gives ``None``. How a page
words the numbers is up to the page.

Used on the page :doc:`/book/history/gpus`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

#: A benchmark result as read from its JSON file.
Result = dict[str, Any]


def read_result(folder: str | os.PathLike[str], name: str) -> Result | None:
    """The benchmark result ``folder/name`` as a dict, or ``None`` if that file does not exist."""
    path = Path(folder) / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def epochs_to_target(accuracies: list[float], target: float) -> int | None:
    """Number of epochs until the first one whose test accuracy is >= ``target`` (``None``: never)."""
    return next((i for i, a in enumerate(accuracies, start=1) if a >= target), None)


def passes_to_target(result: Result, variant: str = "plain") -> list[int]:
    """The distinct numbers of passes over the training set after which the runs of ``variant`` first
    reached the result's target accuracy, in increasing order (runs that never reached it are left out).

    Raises:
        ValueError: if ``result`` has no variant ``variant``.
    """
    if variant not in result["fast"]:
        raise ValueError(f"variant must be one of {', '.join(result['fast'])}; got {variant!r}")
    target = result["target_accuracy"]
    runs = result["fast"][variant].get("runs", [])
    return sorted(
        {epochs_to_target(r["test_accuracy"], target) for r in runs if r["seconds_to_target"] is not None}
    )
