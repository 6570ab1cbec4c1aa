"""Sphinx extension: a page re-executes only when something it depends on changed.

MyST-NB's ``cache`` execution mode stores each executed page in a jupyter-cache database, keyed on the
source of its code cells. That alone misses what a page *uses*: an edit to ``dlbook`` or a new pin of
torch would leave stale outputs in the book. This extension adds the rest of a page's dependencies and
runs the pages that need it in parallel.

**A page's dependencies** (:func:`page_dependencies`), each recorded as a name and a fingerprint:

* its code cells (jupyter-cache's own key);
* ``module dlbook.x``: the source of every ``dlbook`` module the page imports, followed through the
  package's own imports (``dlbook/__init__.py`` always, since importing a module runs it);
* ``file benchmarks/results/<name>``: every file in the results folder, when the page's cells or one of
  those modules mention the folder (a file added later counts too);
* ``pin <name>``: every exact pin of ``requirements.txt`` (``dlbook_cache_requirements``), and
  ``python``: the interpreter's version;
* ``env <NAME>``: the data set variables (``dlbook_cache_env``), for pages whose cells or modules read them.

They are stored beside the database in ``dlbook-dependencies.json``, by the jupyter-cache key of the
executed notebook. A cached page is reused only when its recorded dependencies equal today's.

**When pages run.** On ``env-get-outdated`` every page whose dependencies changed is handed back to Sphinx
to be read again (Sphinx itself only notices edits to the page's own file). On ``env-before-read-docs``
every page about to be read that has no up-to-date record starts executing in a pool of
``dlbook_execute_workers`` processes (default: one per CPU), the longest first by its last recorded run,
because Jupyter Book reads documents one at a time. Sphinx meanwhile reads the pages that execute
nothing, then the executed ones, each as soon as its run is done (``source-read`` waits for it). The log
says, for each executed page, why it ran, e.g. ``dlbook_cache: executing book/nature/hebbian:
dlbook.plasticity changed``. MyST-NB then finds every page in the cache. A page whose execution fails is
left to MyST-NB, which executes it again and reports the error with its traceback.

**Threads.** Each worker's kernels get ``OMP_NUM_THREADS`` = CPUs // workers (two pages training LeNet-5
with two threads each on two cores ran 1.5 to 3.5 times slower than with one thread each), and
``OMP_WAIT_POLICY=PASSIVE``: PyTorch's OpenMP threads otherwise spin while they wait, and pages that
run side by side starve each other. Values already set in the environment win.

``DLBOOK_EXECUTION_CACHE=/some/folder`` replaces the configured cache folder (the tests build from a
clean one so).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
RECORDS = "dlbook-dependencies.json"
#: An exact pin in a requirements file: ``name==version`` (extras and markers kept in the value).
PIN_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*===?\s*\S")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _parse(source: str) -> ast.Module | None:
    """The syntax tree of a code cell or module; IPython magics and shell lines are dropped first."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def imported_names(source: str, package: str, *, current: str | None = None) -> set[str]:
    """Dotted names that ``source`` imports from ``package``, absolute or (inside it) relative.

    ``from dlbook import plots`` gives ``{"dlbook", "dlbook.plots"}``: the caller keeps the names that
    are modules. ``current`` is the module that holds ``source`` (for relative imports).
    """
    tree = _parse(source)
    if tree is None:
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level and current is not None:
                parent = current.split(".")[: -node.level] if node.level else []
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name == package or name.startswith(package + ".")}


@dataclass
class Project:
    """Where a page's dependencies live: the package, the results folder, the pins, the variables."""

    root: Path
    package_dir: Path  # e.g. <root>/code/dlbook; its folder name is the import name
    results_dir: Path | None = None  # e.g. <root>/benchmarks/results
    requirements: tuple[Path, ...] = ()
    env_names: tuple[str, ...] = ()

    @property
    def package(self) -> str:
        return self.package_dir.name

    def module_path(self, name: str) -> Path | None:
        """The file of module ``name`` (``dlbook.x`` → ``<package_dir>/x.py`` or ``x/__init__.py``)."""
        parts = name.split(".")[1:]
        base = self.package_dir.joinpath(*parts)
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file():
                return candidate
        return None

    def source(self, name: str) -> str:
        return self.module_path(name).read_text(encoding="utf-8")

    def modules(self, names: Iterable[str]) -> set[str]:
        """The modules among ``names``, with the packages above them (importing runs their ``__init__``)."""
        out: set[str] = set()
        for name in names:
            if self.module_path(name) is None:
                continue
            parts = name.split(".")
            out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        return out

    def closure(self, direct: Iterable[str]) -> set[str]:
        """``direct`` and every module they import from the package, transitively."""
        seen: set[str] = set()
        todo = list(self.modules(direct))
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            is_package = self.module_path(name).name == "__init__.py"
            current = f"{name}.__init__" if is_package else name
            todo.extend(self.modules(imported_names(self.source(name), self.package, current=current)))
        return seen

    def pins(self) -> dict[str, str]:
        """``pin <name>`` → the requirement line, for every exact pin of the requirement files."""
        out: dict[str, str] = {}
        for path in self.requirements:
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.split("#", 1)[0].strip()
                match = PIN_RE.match(line)
                if match:
                    out[f"pin {match.group(1).lower().replace('_', '-')}"] = line
        return out

    def results(self) -> dict[str, str]:
        """``file <path>`` → fingerprint, for every file in the results folder."""
        if self.results_dir is None or not self.results_dir.is_dir():
            return {}
        return {
            f"file {p.relative_to(self.root).as_posix()}": _digest(p.read_bytes())
            for p in sorted(self.results_dir.rglob("*"))
            if p.is_file() and not p.name.startswith(".")
        }


def page_modules(cells: Iterable[str], project: Project) -> set[str]:
    """The package's modules that a page's code cells import directly (e.g. ``{"dlbook.plots"}``)."""
    names: set[str] = set()
    for cell in cells:
        names |= imported_names(cell, project.package)
    return {name for name in names if project.module_path(name) is not None and name != project.package}


def page_dependencies(cells: list[str], project: Project) -> dict[str, str]:
    """Every dependency of a page with the given code cells, as ``{name: fingerprint}`` (see above)."""
    modules = project.closure(page_modules(cells, project) | ({project.package} if cells else set()))
    deps = {"cells": _digest("\0".join(cells).encode())}
    for name in sorted(modules):
        deps[f"module {name}"] = _digest(project.module_path(name).read_bytes())
    texts = [*cells, *(project.source(name) for name in modules)]
    if project.results_dir is not None:
        folder = project.results_dir.relative_to(project.root).as_posix()
        if any(folder in text for text in texts):
            deps[f"folder {folder}"] = "read"
            deps.update(project.results())
    deps.update(project.pins())
    deps["python"] = ".".join(map(str, sys.version_info[:3]))
    for name in project.env_names:
        if any(name in text for text in texts):
            deps[f"env {name}"] = os.environ.get(name, "")
    return deps


def describe_change(old: Mapping[str, str] | None, new: Mapping[str, str]) -> str:
    """Why a page runs again, in a few words: what differs between two dependency records."""
    if old is None:
        return "not in the cache"
    reasons = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        kind, _, name = key.partition(" ")
        if key == "cells":
            reasons.append("its code cells changed")
        elif kind == "pin" or kind == "env" or key == "python":
            reasons.append(f"{name or key}: {before or '(none)'} -> {after or '(none)'}")
        elif before is None:
            reasons.append(f"{name} added" if kind == "file" else f"now uses {name}")
        elif after is None:
            reasons.append(f"{name} removed" if kind == "file" else f"no longer uses {name}")
        else:
            reasons.append(f"{name} changed")
    return ", ".join(reasons) or "unchanged"


# --- The records: which dependencies each cached notebook was executed with -----------------------


def load_records(cache_path: Path) -> dict[str, dict[str, Any]]:
    """``{jupyter-cache hashkey: {"page": docname, "dependencies": {...}}}`` (empty when missing)."""
    path = cache_path / RECORDS
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def save_records(cache_path: Path, records: Mapping[str, Any], cache: Any) -> None:
    """Write the records of notebooks still in ``cache`` atomically (temporary file, then rename)."""
    kept = {r.hashkey for r in cache.list_cache_records()}
    records = {key: value for key, value in records.items() if key in kept}
    path = cache_path / RECORDS
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(records, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


@dataclass
class Page:
    docname: str
    path: Path
    nb: Any  # the notebook as MyST-NB reads it
    dependencies: dict[str, str]


def project_of(app: Sphinx) -> Project:
    root = Path(app.confdir)
    config = app.config
    results = config.dlbook_cache_results
    return Project(
        root=root,
        package_dir=root / config.dlbook_cache_package,
        results_dir=(root / results) if results else None,
        requirements=tuple(root / r for r in config.dlbook_cache_requirements),
        env_names=tuple(config.dlbook_cache_env),
    )


def read_page(app: Sphinx, env: BuildEnvironment, docname: str, project: Project) -> Page | None:
    """The page as a notebook with its dependencies, or ``None`` when it has no code to execute."""
    from myst_nb.core.read import create_nb_reader

    path = Path(env.doc2path(docname))
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
    if reader is None:
        return None
    nb = reader.read(text)
    cells = [c["source"] for c in nb.cells if c["cell_type"] == "code"]
    if not cells:
        return None
    return Page(docname, path, nb, page_dependencies(cells, project))


def record_of(page: Page) -> dict[str, Any]:
    return {"page": page.docname, "dependencies": page.dependencies, "time": time.time()}


def cached_record(cache: Any, page: Page) -> Any | None:
    try:
        return cache.match_cache_notebook(page.nb)
    except KeyError:
        return None


def why_stale(cache: Any, records: Mapping[str, Any], page: Page) -> str | None:
    """``None`` when the cache holds this page executed with today's dependencies, else the reason."""
    record = cached_record(cache, page)
    if record is not None:
        stored = records.get(record.hashkey)
        old = stored["dependencies"] if stored else None
        if old == page.dependencies:
            return None
        return (
            "executed with dependencies that were not recorded"
            if old is None
            else describe_change(old, page.dependencies)
        )
    # No notebook with these cells: compare with the last recorded run of the same page.
    runs = [r for r in records.values() if r.get("page") == page.docname]
    last = max(runs, key=lambda r: r.get("time", 0.0), default=None)
    return describe_change(last["dependencies"] if last else None, page.dependencies)


def _cache_path(app: Sphinx) -> Path:
    return Path(app.env.mystnb_config.execution_cache_path)


def set_cache_path(app: Sphinx, config: Config) -> None:
    """Use ``DLBOOK_EXECUTION_CACHE`` when set; make relative cache paths relative to the book."""
    base = os.environ.get("DLBOOK_EXECUTION_CACHE") or config.nb_execution_cache_path
    base_path = Path(base or Path(app.outdir).parent / ".jupyter_cache")
    if not base_path.is_absolute():
        base_path = Path(app.confdir) / base_path
    base_path.mkdir(parents=True, exist_ok=True)
    config.nb_execution_cache_path = str(base_path)


def _active(app: Sphinx) -> bool:
    return app.env.mystnb_config.execution_mode == "cache"


def find_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages whose file is unchanged but whose dependencies changed: Sphinx must read them again."""
    if not _active(app):
        return []
    from jupyter_cache import get_cache

    project = project_of(app)
    cache = get_cache(str(_cache_path(app)))
    records = load_records(_cache_path(app))
    outdated = []
    for docname in sorted(env.found_docs - added - changed - removed):
        page = read_page(app, env, docname, project)
        if page is not None and why_stale(cache, records, page) is not None:
            outdated.append(docname)
    if outdated:
        LOGGER.info(f"dlbook_cache: {len(outdated)} pages depend on something that changed")
    return outdated


#: The socket of this worker process's warm-kernel zygote (``warm_kernel``), once it is started.
_ZYGOTE: str | None = None


def _start_worker(threads: int, warm: bool) -> None:
    """Worker initialiser: the thread budget and passive waiting for its kernels, and their zygote."""
    global _ZYGOTE
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if not warm:
        return
    import multiprocessing.util
    import tempfile

    import warm_kernel

    try:
        proc, _ZYGOTE = warm_kernel.start_zygote(tempfile.mkdtemp(prefix="dlbook-kernels-"))
    except (OSError, RuntimeError) as exc:  # pages then start ordinary kernels
        LOGGER.info(f"dlbook_cache: no warm kernels ({exc})")
        return
    multiprocessing.util.Finalize(None, proc.kill, exitpriority=10)  # when the pool shuts the worker down


def _execute(nb: Any, cwd: str, timeout: int, allow_errors: bool) -> tuple[Any, float, str | None]:
    """Run one notebook in a worker process (what MyST-NB's cache client runs), in a warm kernel."""
    from jupyter_cache.executors.utils import single_nb_execution

    extra = {}
    if _ZYGOTE is not None and nb.metadata.get("kernelspec", {}).get("name", "python3") == "python3":
        import warm_kernel

        extra["kernel_manager_class"] = warm_kernel.warm_kernel_manager(_ZYGOTE)
    result = single_nb_execution(
        nb, cwd=cwd, allow_errors=allow_errors, timeout=timeout, meta_override=True, **extra
    )
    return nb, result.time, (result.exc_string if result.err is not None else None)


class Running:
    """The pages executing in the worker pool while Sphinx reads the others (kept on the app, not the env)."""

    def __init__(self, app: Sphinx, cache: Any, records: dict[str, Any], pool: ProcessPoolExecutor) -> None:
        self.cache, self.records, self.pool = cache, records, pool
        self.cache_path = _cache_path(app)
        self.futures: dict[str, tuple[Page, Any]] = {}
        self.start = time.perf_counter()

    def collect(self, app: Sphinx, docname: str) -> None:
        """Wait for ``docname``'s execution and store the notebook in the cache (MyST-NB reads it there)."""
        from jupyter_cache.base import CacheBundleIn

        page, future = self.futures.pop(docname)
        try:
            nb, seconds, error = future.result()
        except Exception as exc:  # the worker died: MyST-NB will execute the page and report
            error = f"worker failed ({exc})"
        if error is not None:
            LOGGER.info(f"dlbook_cache: {page.docname} failed; MyST-NB will execute it and report")
            app.env.dlbook_left_to_mystnb.append(page.docname)
        else:
            record = self.cache.cache_notebook_bundle(
                CacheBundleIn(nb, str(page.path), data={"execution_seconds": seconds}),
                check_validity=False,
                overwrite=True,
            )
            self.records[record.hashkey] = record_of(page)
            LOGGER.info(f"dlbook_cache: {page.docname} executed in {seconds:.1f} s")
        if not self.futures:
            self.finish()

    def finish(self) -> None:
        for docname in list(self.futures):  # pages Sphinx did not read after all: let them finish
            self.futures.pop(docname)[1].result()
        self.pool.shutdown()
        save_records(self.cache_path, self.records, self.cache)
        LOGGER.info(f"dlbook_cache: executing took {time.perf_counter() - self.start:.1f} s")


def previous_seconds(cache: Any, records: Mapping[str, Any]) -> dict[str, float]:
    """How long each page's last cached execution took, by page (used to start the longest first)."""
    out: dict[str, float] = {}
    pages = {key: value.get("page") for key, value in records.items()}
    for record in cache.list_cache_records():
        page = pages.get(record.hashkey)
        if page is not None and record.data:
            out[page] = float(record.data.get("execution_seconds", 0.0))
    return out


def execute_stale(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Start executing every page about to be read whose cached run is missing or out of date.

    The pages run in a pool of worker processes while Sphinx reads the pages that need no execution:
    ``docnames`` is reordered in place so that those come first, then the executed pages in the order
    they were started, the longest (by their last recorded run) first. :func:`wait_for_page` makes
    Sphinx wait for a page's execution just before it reads the page.
    """
    app.env.dlbook_left_to_mystnb = []
    if not _active(app):
        return
    from jupyter_cache import get_cache

    nb_config = env.mystnb_config
    project = project_of(app)
    cache_path = _cache_path(app)
    cache = get_cache(str(cache_path))
    records = load_records(cache_path)
    todo: list[tuple[Page, str]] = []
    for docname in sorted(docnames):
        page = read_page(app, env, docname, project)
        if page is None:
            continue
        reason = why_stale(cache, records, page)
        if reason is None:
            continue
        stale = cached_record(cache, page)
        if stale is not None:  # executed with other dependencies: MyST-NB must not reuse it
            cache.remove_cache(stale.pk)
            records.pop(stale.hashkey, None)
        todo.append((page, reason))
    if not todo:
        return
    last = previous_seconds(cache, records)
    todo.sort(key=lambda item: -last.get(item[0].docname, float("inf")))  # unknown first, then longest
    workers = min(app.config.dlbook_execute_workers or os.cpu_count() or 1, len(todo))
    threads = max(1, (os.cpu_count() or 1) // workers)
    LOGGER.info(f"dlbook_cache: executing {len(todo)} pages, {workers} at a time, {threads} threads each")
    warm = bool(app.config.dlbook_warm_kernels)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(threads, warm))
    running = Running(app, cache, records, pool)
    for page, reason in todo:
        LOGGER.info(f"dlbook_cache: executing {page.docname}: {reason}")
        args = (page.nb, str(page.path.parent), nb_config.execution_timeout, nb_config.execution_allow_errors)
        running.futures[page.docname] = (page, pool.submit(_execute, *args))
    app.dlbook_running = running
    executed = [page.docname for page, _ in todo]
    others = [name for name in docnames if name not in running.futures]
    docnames[:] = others + executed


def wait_for_page(app: Sphinx, docname: str, source: list[str]) -> None:
    """Before Sphinx reads an executed page: wait until its execution is done and cached."""
    running = getattr(app, "dlbook_running", None)
    if running is not None and docname in running.futures:
        running.collect(app, docname)
        if not running.futures:
            app.dlbook_running = None


def finish_running(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: nothing may be left running (e.g. a page Sphinx skipped after an error)."""
    running = getattr(app, "dlbook_running", None)
    if running is not None:
        running.finish()
        app.dlbook_running = None


def record_fallbacks(app: Sphinx, exception: Exception | None) -> None:
    """Record the dependencies of pages that MyST-NB executed itself (after a worker failed)."""
    left = getattr(app.env, "dlbook_left_to_mystnb", None)
    if exception is not None or not left or not _active(app):
        return
    from jupyter_cache import get_cache

    project = project_of(app)
    cache_path = _cache_path(app)
    cache = get_cache(str(cache_path))
    records = load_records(cache_path)
    for docname in left:
        page = read_page(app, app.env, docname, project)
        record = cached_record(cache, page) if page is not None else None
        if record is not None:
            records[record.hashkey] = record_of(page)
    save_records(cache_path, records, cache)
    app.env.dlbook_left_to_mystnb = []


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("dlbook_cache_package", "code/dlbook", "env")
    app.add_config_value("dlbook_cache_results", "benchmarks/results", "env")
    app.add_config_value("dlbook_cache_requirements", ["requirements.txt"], "env")
    app.add_config_value("dlbook_cache_env", ["DLBOOK_DATA", "DLBOOK_DATASET"], "env")
    app.add_config_value("dlbook_execute_workers", 0, "env")
    app.add_config_value("dlbook_warm_kernels", True, "env")
    app.connect("config-inited", set_cache_path)
    app.connect("env-get-outdated", find_outdated)
    app.connect("env-before-read-docs", execute_stale, priority=900)
    app.connect("source-read", wait_for_page, priority=100)
    app.connect("env-updated", finish_running)
    app.connect("build-finished", record_fallbacks)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
