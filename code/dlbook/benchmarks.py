r"""Benchmark results: recording them with their provenance, reading them back, and comparing.

Each script in ``benchmarks/`` times one part of the book against a named baseline in the same run on
the same machine, and writes its result as JSON to ``benchmarks/results/`` (:func:`write_result`), with
the provenance that makes a timing meaningful (:func:`provenance`): device, date, software versions,
git commit, command and the machine's load average before and after the run. The results are

* ``lenet-cpu.json``, ``lenet-gpu.json`` (``benchmarks/lenet.py``): LeNet-5 trained by
  :func:`dlbook.train.fit` against the loop of the PyTorch MNIST example;
* ``autodiff.json`` (``benchmarks/autodiff.py``): a forward and backward pass of an MLP with
  :mod:`dlbook.autodiff` against ``torch.autograd``;
* ``plasticity.json`` (``benchmarks/plasticity.py``): the vectorised Song-Miller-Abbott simulation
  against a per-step loop, and the trace form of STDP against the sum over all spike pairs.

Every comparison is reduced to one speed ratio (:func:`comparisons`),

.. math::

   s = \frac{\text{speed of the subject}}{\text{speed of the baseline}}
     = \frac{t_\text{baseline}}{t_\text{subject}},

where :math:`t` is the wall time in s of the same work (or, for LeNet-5, the training time until the
test accuracy first reaches the target, and images per second for throughput); :math:`s > 1` means
the subject is faster. Both sides run in the same process, so the ratio is far less sensitive to the
machine than either time.

Where there is no checkout (a notebook opened in Colab), :func:`read_result` reads the results of the
release the installed package belongs to, from the tag ``v<version>`` of the repository named in the
package's metadata (:func:`raw_url`); without a network it raises :class:`ResultsUnavailable` after a
few seconds. A file that does not exist gives ``None``: nothing here invents a number.

Used on the pages :doc:`/book/history/gpus` and :doc:`/book/benchmarks`.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlbook import __version__

#: A benchmark result as read from its JSON file.
Result = dict[str, Any]

#: Where the scripts write their results, relative to the repository's root (and in its raw URLs).
RESULTS_FOLDER = "benchmarks/results"

#: The result files the scripts in ``benchmarks/`` write, in the order the book shows them.
RECORDED = ("lenet-cpu.json", "lenet-gpu.json", "autodiff.json", "plasticity.json")

#: The provenance every result file holds (see :func:`provenance` and :func:`write_result`).
PROVENANCE = (
    "benchmark",
    "device",
    "date",
    "command",
    "git_commit",
    "python",
    "numpy",
    "platform",
    "cpu_count",
    "load_average_before",
    "load_average_after",
)

#: Seconds to wait for the repository when reading results without a checkout.
FETCH_TIMEOUT = 5.0


class ResultsUnavailable(OSError):
    """The recorded results could not be read: no checkout here, and the repository did not answer."""


# --- recording ------------------------------------------------------------------------------------------


def cpu_model() -> str:
    """The processor's model name (from ``/proc/cpuinfo`` where there is one), e.g. ``"AMD EPYC"``."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def load_average() -> list[float]:
    """The machine's load average over 1, 5 and 15 min: runnable processes, to compare with its CPUs."""
    try:
        return list(os.getloadavg())
    except (AttributeError, OSError):  # not on every platform
        return []


def git_commit(root: str | os.PathLike[str]) -> str:
    """The commit checked out in ``root``, with ``-dirty`` appended if tracked files differ from it."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git repository here)"


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def provenance(root: str | os.PathLike[str], argv: list[str] | None = None) -> Result:
    """Where and how a result was measured: date (UTC), command, git commit of ``root``, versions.

    Args:
        root: the repository the script runs from (for the git commit).
        argv: the script's command line, ``sys.argv`` by default; recorded as ``python <argv...>``.

    Returns:
        A dict with ``date``, ``command``, ``git_commit``, ``python``, ``dlbook``, the versions of
        ``numpy``, ``torch`` and ``torchvision`` where the run imported them, ``platform``,
        ``cpu_count``, ``cpu_model``, ``omp_wait_policy``, ``dlbook_data``, and ``torch_threads`` when
        torch has been imported.
    """
    out: Result = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": shlex.join(["python", *(sys.argv if argv is None else argv)]),
        "git_commit": git_commit(root),
        "python": platform.python_version(),
        "dlbook": __version__,
    }
    for package in ("numpy", "torch", "torchvision"):  # the version of each one the run imported
        module = sys.modules.get(package)
        if module is not None:
            out[package] = getattr(module, "__version__", None) or _version(package)
    out.update(
        platform=platform.platform(),
        cpu_count=os.cpu_count(),
        cpu_model=cpu_model(),
        omp_wait_policy=os.environ.get("OMP_WAIT_POLICY"),
        dlbook_data=os.environ.get("DLBOOK_DATA"),
    )
    if "torch" in sys.modules:
        out["torch_threads"] = sys.modules["torch"].get_num_threads()
    return out


def write_result(result: Result, path: str | os.PathLike[str]) -> Path:
    """Write ``result`` as JSON to ``path`` (through a temporary file, renamed once complete).

    Raises:
        ValueError: if ``result`` lacks one of the fields of :data:`PROVENANCE`.
    """
    missing = [key for key in PROVENANCE if key not in result]
    if missing:
        raise ValueError(f"result must hold the provenance fields; missing {', '.join(missing)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


# --- reading --------------------------------------------------------------------------------------------


def repository_url() -> str:
    """The repository's URL, ``https://github.com/<owner>/<name>``, from the installed package's metadata.

    Raises:
        ResultsUnavailable: if the metadata names no ``Repository`` URL (an out-of-date installation).
    """
    try:
        entries = importlib.metadata.metadata("dlbook").get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:
        entries = []
    for entry in entries:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "repository":
            return url.strip().rstrip("/")
    raise ResultsUnavailable(
        "the installed dlbook names no Repository URL in its metadata; reinstall it (pip install ./code)"
    )


def release_tag() -> str:
    """The git tag of the release this package belongs to, ``v<version>`` (e.g. ``v0.3.0``)."""
    return f"v{__version__}"


def raw_url(name: str, *, repository: str | None = None, tag: str | None = None) -> str:
    """URL of the raw result file ``name`` at ``tag`` of ``repository`` (defaults: this release's).

    ``https://github.com/<owner>/<repo>`` gives
    ``https://raw.githubusercontent.com/<owner>/<repo>/<tag>/benchmarks/results/<name>``.

    Raises:
        ValueError: if ``repository`` is not ``https://github.com/<owner>/<name>``.
    """
    repository = (repository or repository_url()).rstrip("/")
    prefix = "https://github.com/"
    parts = repository.removeprefix(prefix).split("/")
    if not repository.startswith(prefix) or len(parts) != 2 or not all(parts):
        raise ValueError(f"repository must be https://github.com/<owner>/<name>; got {repository!r}")
    owner, repo = parts
    return f"https://raw.githubusercontent.com/{owner}/{repo}/{tag or release_tag()}/{RESULTS_FOLDER}/{name}"


def fetch(url: str, timeout: float) -> bytes | None:
    """The bytes at ``url``, or ``None`` if the server says it has no such file (HTTP 404).

    Raises:
        OSError: (``urllib.error.URLError``, ``TimeoutError``) if the server cannot be reached in
            ``timeout`` s or answers with another error.
    """
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as err:
        if err.code == 404:
            return None
        raise


def read_result(
    folder: str | os.PathLike[str], name: str, *, timeout: float = FETCH_TIMEOUT
) -> Result | None:
    """The benchmark result ``folder/name`` as a dict, or ``None`` if it was never recorded.

    If ``folder`` exists (a checkout), only that file is read. If it does not (a notebook run without
    the repository, as in Colab), the file is read from the release tag on GitHub (:func:`raw_url`),
    waiting at most ``timeout`` s.

    Raises:
        ResultsUnavailable: if ``folder`` does not exist and the repository cannot be reached.
    """
    path = Path(folder) / name
    if Path(folder).is_dir():
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    url = raw_url(name)
    try:
        data = fetch(url, timeout)
    except OSError as err:
        timed_out = isinstance(err, TimeoutError) or isinstance(getattr(err, "reason", None), TimeoutError)
        reason = f"no answer within {timeout:g} s" if timed_out else str(err)
        raise ResultsUnavailable(
            f"The recorded benchmark results are not here ({Path(folder)} does not exist) and could not be "
            f"downloaded from {url}: {reason}. Are you offline? In a checkout of the repository they are "
            f"in {RESULTS_FOLDER}/."
        ) from err
    return None if data is None else json.loads(data.decode("utf-8"))


def read_results(
    folder: str | os.PathLike[str], *, timeout: float = FETCH_TIMEOUT
) -> dict[str, Result | None]:
    """Every result: ``{file name: result or None}`` for the files of :data:`RECORDED` (``None`` where one
    was never recorded), then any other ``*.json`` file in ``folder``.

    Raises:
        ResultsUnavailable: as :func:`read_result` (on the first file that cannot be fetched).
    """
    names = list(RECORDED)
    if Path(folder).is_dir():
        names += sorted(p.name for p in Path(folder).glob("*.json") if p.name not in RECORDED)
    return {name: read_result(folder, name, timeout=timeout) for name in names}


def source(folder: str | os.PathLike[str]) -> str:
    """Where :func:`read_result` reads from: ``folder`` if it exists, else the release's URL on GitHub."""
    return str(Path(folder)) if Path(folder).is_dir() else raw_url("").rstrip("/")


# --- computing from results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One comparison of a benchmark: ``subject`` against ``baseline`` on ``measure``.

    Attributes:
        subject, baseline: what was timed, e.g. ``"dlbook.autodiff"`` and ``"torch.autograd"``.
        measure: what the ratio is computed from, e.g. ``"median time of a forward and backward pass"``.
        speedup: speed of the subject over speed of the baseline (> 1: the subject is faster).
    """

    subject: str
    baseline: str
    measure: str
    speedup: float


def comparisons(result: Result) -> list[Comparison]:
    """The comparisons a result holds, headline first (empty where a run failed).

    Raises:
        ValueError: if ``result["benchmark"]`` is not one of the benchmarks of ``benchmarks/``.
    """
    kind = result.get("benchmark")
    out: list[Comparison] = []
    if kind == "lenet5-training":
        fit, classic = "dlbook.train.fit", "PyTorch MNIST example loop"
        target = f"{result['target_accuracy']:.1%}"
        ratios = result.get("ratios", {})
        if "time_to_target" in ratios:
            out.append(
                Comparison(fit, classic, f"training time to {target} test accuracy", ratios["time_to_target"])
            )
        if "images_per_second" in ratios:
            out.append(Comparison(fit, classic, "training images per second", ratios["images_per_second"]))
    elif kind == "autodiff-mlp":
        engine, torch = result["engine"], result["baseline"]
        out.append(
            Comparison(
                engine["name"],
                torch["name"],
                "median time of a forward and backward pass",
                torch["median_seconds"] / engine["median_seconds"],
            )
        )
    elif kind == "plasticity-simulation":
        competition, stdp = result["competition"], result["stdp_sum"]
        out.append(
            Comparison(
                "vectorised simulate_competition",
                "per-step loop",
                f"wall time of {competition['simulated_seconds']:g} s of simulated time",
                competition["loop_seconds"] / competition["vectorised_seconds"],
            )
        )
        out.append(
            Comparison(
                "stdp_traces (trace form)",
                "stdp_pair_sum (all pairs)",
                "wall time of the total STDP change",
                stdp["pair_sum_seconds"] / stdp["traces_seconds"],
            )
        )
    else:
        raise ValueError(
            "result['benchmark'] must be lenet5-training, autodiff-mlp or plasticity-simulation; "
            f"got {kind!r}"
        )
    return out


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
