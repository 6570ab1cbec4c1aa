"""Every Colab notebook runs top to bottom in an environment like Colab's.

A wheel of ``code/`` is built and installed into a fresh virtual environment (no system or project
site-packages) that holds only what Colab ships for these pages: torch, torchvision, numpy, matplotlib,
scikit-learn, ipykernel and nbclient (at the project's pins), the packages they require, and what the
wheel itself declares. Neither the editable ``dlbook`` of ``.venv`` nor ``myst_nb`` is importable there.
Each notebook is copied alone into an empty folder (Colab has no checkout beside it) and executed with
nbclient; its first cell must find ``dlbook`` installed and do nothing (``PIP_NO_INDEX=1`` makes any pip
call fail). As in the book's build, the kernels start warm (``book/_ext/warm_kernel.py``): forked from
a process of that environment that has imported torch, torchvision, NumPy and Matplotlib (not
``dlbook``), each with an empty namespace in its notebook's folder.

Those packages are not downloaded and unpacked again (over 4 GB with CUDA torch, about 90 s): the
environment reads them through one ``.pth`` file from ``_build/colab-site``, a folder of links to exactly
those distributions as installed in the project's environment, found by following their requirements.
The environment is kept in ``_build/colab-venv`` and rebuilt when its package list changes; the wheel is
rebuilt and reinstalled on every run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path

import pytest
import tomllib
from conftest import ROOT, notebooks
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.slow


VENV = ROOT / "_build" / "colab-venv"
SITE = ROOT / "_build" / "colab-site"
TORCH = ("torch", "torchvision")
COLAB = ("numpy", "matplotlib", "scikit-learn", "ipykernel", "nbclient")
#: What the wheel of code/ declares beyond those (code/pyproject.toml).
WHEEL_REQUIRES = tuple(
    Requirement(r).name
    for r in tomllib.loads((ROOT / "code" / "pyproject.toml").read_text())["project"]["dependencies"]
)


def site_packages(venv: Path) -> Path:
    (path,) = (venv / "lib").glob("python3*/site-packages")
    return path


RUNNER = textwrap.dedent(
    """
    import importlib.util, json, os, shutil, sys, tempfile
    from concurrent.futures import ProcessPoolExecutor
    from pathlib import Path

    def warm_kernels(path):
        # book/_ext/warm_kernel.py, loaded from its file (the environment has no checkout)
        spec = importlib.util.spec_from_file_location("warm_kernel", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    def run(src, zygote=None, warm_path=None):
        import nbclient, nbformat
        work = Path(tempfile.mkdtemp(prefix="colab-"))
        path = work / Path(src).name
        shutil.copy(src, path)
        nb = nbformat.read(path, as_version=4)
        result = {"notebook": src, "error": None, "stderr": [], "setup_output": []}
        extra = {}
        if zygote:
            extra["kernel_manager_class"] = warm_kernels(warm_path).warm_kernel_manager(zygote)
        try:
            nbclient.NotebookClient(
                nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(work)}}, **extra
            ).execute()
        except Exception as exc:
            result["error"] = f"{type(exc).__name__}: {exc}"[-3000:]
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []):
                if i == 0:
                    result["setup_output"].append(out.get("text") or out.get("ename") or out["output_type"])
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    result["stderr"].append(out["text"][-500:])
        shutil.rmtree(work, ignore_errors=True)
        return result

    if __name__ == "__main__":
        import dlbook
        env = {
            "prefix": sys.prefix,
            "dlbook": dlbook.__file__,
            "myst_nb": importlib.util.find_spec("myst_nb") is not None,
            "path": sys.path,
        }
        warm_path, zygote = os.environ.get("DLBOOK_WARM_KERNEL"), None
        if warm_path:  # kernels forked from a process of this environment that imported torch & co.
            proc, zygote = warm_kernels(warm_path).start_zygote(tempfile.mkdtemp(prefix="colab-zygote-"))
        notebooks = sys.argv[2:]
        with ProcessPoolExecutor(max_workers=2) as pool:
            n = len(notebooks)
            results = list(pool.map(run, notebooks, [zygote] * n, [warm_path] * n))
        if zygote:
            proc.kill()
        Path(sys.argv[1]).write_text(json.dumps({"env": env, "results": results}, indent=1))
    """
)


def pins() -> dict[str, str]:
    """Exact pins of the project's requirements.txt, by lower-case name."""
    out = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==")
            out[name.strip().lower()] = version.strip()
    return out


def pip(venv: Path, *args: str, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "--disable-pip-version-check",
            "install",
            "--quiet",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def clean_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def requirements_closure(names: Iterable[str]) -> dict[str, metadata.Distribution]:
    """The installed distributions ``names`` and every distribution they require (markers evaluated for
    this machine, no extras), by canonical name."""
    found: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # required only on another platform, or an optional import
        found[name] = dist
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return found


def link_site(dists: dict[str, metadata.Distribution], site: Path) -> None:
    """Fill ``site`` with links to the top-level files and folders of ``dists`` (and nothing else)."""
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    for dist in dists.values():
        base = Path(dist.locate_file(""))
        for top in {f.parts[0] for f in dist.files or [] if f.parts and f.parts[0] != ".."}:
            if top.endswith(".pth") or top == "__pycache__" or (site / top).exists():
                continue
            if (base / top).exists():
                (site / top).symlink_to(base / top)


@pytest.fixture
def colab_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The Colab-like virtual environment, with whatever ``dlbook`` the last test left in it.

    It lives in ``_build/``, and tests install their own ``dlbook`` into it: a file lock gives it to
    one test at a time (pytest-xdist runs tests side by side).
    """
    from filelock import FileLock

    VENV.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(VENV.parent / "colab-venv.lock")):
        yield make_colab_venv()


@pytest.fixture
def colab_venv(colab_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Colab-like virtual environment with the freshly built wheel of ``code/`` installed."""
    install_wheel(colab_base, tmp_path_factory)
    return colab_base


def make_colab_venv() -> Path:
    versions = pins()
    dists = requirements_closure([*TORCH, *COLAB, *WHEEL_REQUIRES])
    for name in (*TORCH, *COLAB):
        assert dists[name].version.split("+")[0] == versions[name].split("+")[0], (
            f"{name} {dists[name].version} is installed; requirements.txt pins {versions[name]}"
        )
    stamp = "\n".join([sys.version, *sorted(f"{n}=={d.version}" for n, d in dists.items())])
    if not (VENV / "stamp").is_file() or (VENV / "stamp").read_text() != stamp:
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        (VENV / "stamp").write_text(stamp)
    link_site(dists, SITE)
    (site_packages(VENV) / "colab-site.pth").write_text(f"{SITE}\n")
    return VENV


def install_wheel(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Install a wheel of the package as it is now into ``venv``, built from a copy of ``code/`` (so that no
    build/ or egg-info is left in it)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "code"
    shutil.copytree(
        ROOT / "code", src, ignore=shutil.ignore_patterns("*.egg-info", "build", "dist", "__pycache__")
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", str(src)],
        cwd=tmp,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp.glob("dlbook-*.whl")
    env = clean_env(venv)
    pip(venv, str(wheel), env=env)  # with the dependencies the wheel declares
    pip(venv, "--no-deps", "--force-reinstall", str(wheel), env=env)  # this build, whatever the version


def test_every_notebook_runs_in_a_colab_like_environment(colab_venv: Path, tmp_path: Path) -> None:
    paths = [str(p.with_suffix(".ipynb")) for p in notebooks.executable_pages()]
    assert paths, "no notebooks to run"
    missing = [p for p in paths if not Path(p).is_file()]
    assert missing == [], f"run `make notebooks`: missing {missing}"
    runner = tmp_path / "run_notebooks.py"
    runner.write_text(RUNNER)
    report = tmp_path / "report.json"
    env = clean_env(colab_venv)
    env["PIP_NO_INDEX"] = "1"  # the install cell must not reach for the network
    env["DLBOOK_WARM_KERNEL"] = str(ROOT / "book" / "_ext" / "warm_kernel.py")
    proc = subprocess.run(
        [str(colab_venv / "bin" / "python"), str(runner), str(report), *paths],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads(report.read_text())

    # The kernel's environment is the fresh one, with the wheel and without the book's tools.
    assert Path(data["env"]["prefix"]).resolve() == colab_venv.resolve()
    assert Path(data["env"]["dlbook"]).resolve().is_relative_to(colab_venv.resolve())
    assert data["env"]["myst_nb"] is False
    assert not any(str(ROOT / ".venv") in p for p in data["env"]["path"])

    results = {Path(r["notebook"]).relative_to(ROOT).as_posix(): r for r in data["results"]}
    assert len(results) == len(paths)
    errors = {name: r["error"] for name, r in results.items() if r["error"]}
    assert errors == {}, json.dumps(errors, indent=1)
    stderr = {name: r["stderr"] for name, r in results.items() if r["stderr"]}
    assert stderr == {}, json.dumps(stderr, indent=1)
    setup = {name: r["setup_output"] for name, r in results.items() if r["setup_output"]}
    assert setup == {}, f"the install cell printed (it should find dlbook installed): {setup}"


def test_install_cell_installs_dlbook_from_a_git_tag(colab_base: Path, tmp_path: Path) -> None:
    """The install cell's pip command, run for real against a local clone tagged like a release.

    Colab fetches ``git+https://github.com/...@v<version>#subdirectory=code``; here the same requirement
    points at a local repository holding ``code/`` at the tag, so the ``#subdirectory`` install runs
    without the network (pip still takes the build backend, setuptools, from the configured index).
    Afterwards dlbook is uninstalled; the other test installs a fresh wheel on every run.
    """
    repo = tmp_path / "repo"
    shutil.copytree(
        ROOT / "code",
        repo / "code",
        ignore=shutil.ignore_patterns("*.egg-info", "build", "dist", "__pycache__"),
    )
    git = ["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@localhost"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "code"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "release"], check=True)
    subprocess.run([*git, "tag", notebooks.install_ref()], check=True)
    requirement = f"dlbook @ git+file://localhost{repo}@{notebooks.install_ref()}#subdirectory=code"
    source = notebooks.setup_source(requirement, needs_glue=True)

    python = str(colab_base / "bin" / "python")
    env = clean_env(colab_base)
    subprocess.run([python, "-m", "pip", "uninstall", "--quiet", "-y", "dlbook"], env=env, check=True)
    try:
        check = "import importlib.util, sys; assert importlib.util.find_spec('dlbook') is None"
        subprocess.run([python, "-c", check], env=env, check=True)
        script = (
            source + "\nimport dlbook\nfrom myst_nb import glue\nprint(dlbook.__version__, dlbook.__file__)\n"
        )
        proc = subprocess.run([python, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        version, path = proc.stdout.split()[-2:]
        assert version == notebooks.package_version()
        assert Path(path).resolve().is_relative_to(colab_base.resolve())
    finally:
        subprocess.run([python, "-m", "pip", "uninstall", "--quiet", "-y", "dlbook"], env=env, check=False)
