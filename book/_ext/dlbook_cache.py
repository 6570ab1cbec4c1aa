"""Sphinx extension: an execution cache that follows the companion code.

MyST-NB's ``cache`` execution mode keys each page on the source of its code
cells only, so an edit to ``dlbook`` (which the pages import) would leave stale
outputs in the book. This extension fixes that in two steps.

1. **Keyed cache folder** (``config-inited``). The configured
   ``nb_execution_cache_path`` gets a sub-folder named after a SHA-256 over every
   source file in ``dlbook_cache_sources`` (default ``["code"]``) and the values
   of the environment variables in ``dlbook_cache_env`` (default
   ``["DLBOOK_DATA"]``). Any edit to the package therefore starts a fresh cache;
   changing back reuses the old one. The newest ``dlbook_cache_keep`` folders are
   kept, older ones deleted. The environment variable ``DLBOOK_EXECUTION_CACHE``
   replaces the configured base folder (the tests build from a clean cache so).

2. **Parallel execution** (``env-before-read-docs``). Sphinx reads documents one
   at a time when the table of contents is external, so pages would execute
   serially. Before reading, every page that Sphinx is about to read and that
   has no match in the cache is executed in a pool of
   ``dlbook_execute_workers`` processes (default: the number of CPUs), and the
   results are stored in the cache, exactly as MyST-NB would have stored them.
   MyST-NB then finds every page in the cache. A page whose execution fails is
   left for MyST-NB to execute again, which reports the error as usual.
   So that the workers do not fight over the cores, each worker's kernels get
   ``OMP_NUM_THREADS`` = CPUs // workers (at least 1) unless it is already set:
   with two pages training LeNet-5 at once on two cores, two threads each made
   both pages 1.5 to 3.5 times slower than one thread each.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
SUFFIXES = {".py", ".toml", ".cfg", ".json", ".typed", ".txt", ".md"}
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".ruff_cache", "build", "dist"}


def source_digest(roots: list[Path], env_names: list[str]) -> str:
    """SHA-256 over the files under ``roots`` (path and bytes) and the named env vars."""
    h = hashlib.sha256()
    for root in roots:
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            parts = set(path.relative_to(root).parts) if path != root else set()
            if not path.is_file() or path.suffix not in SUFFIXES:
                continue
            if parts & SKIP_DIRS or any(p.endswith(".egg-info") for p in parts):
                continue
            h.update(str(path.relative_to(root.parent)).encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    for name in env_names:
        h.update(f"{name}={os.environ.get(name, '')}\0".encode())
    return h.hexdigest()[:16]


def key_cache_path(app: Sphinx, config: Config) -> None:
    """Point ``nb_execution_cache_path`` at a folder keyed on the companion code."""
    base = (
        os.environ.get("DLBOOK_EXECUTION_CACHE")
        or config.nb_execution_cache_path
        or str(Path(app.outdir).parent / ".jupyter_cache")
    )
    base_path = Path(base)
    if not base_path.is_absolute():
        base_path = Path(app.confdir) / base_path
    roots = [Path(app.confdir) / src for src in config.dlbook_cache_sources]
    missing = [str(r) for r in roots if not r.exists()]
    if missing:
        raise ValueError(f"dlbook_cache_sources: no such file or folder: {', '.join(missing)}")
    digest = source_digest(roots, list(config.dlbook_cache_env))
    keyed = base_path / f"code-{digest}"
    keyed.mkdir(parents=True, exist_ok=True)
    os.utime(keyed)
    config.nb_execution_cache_path = str(keyed)
    LOGGER.info(f"dlbook_cache: execution cache keyed on the companion code: {keyed}")
    olds = sorted(
        (p for p in base_path.glob("code-*") if p.is_dir() and p != keyed),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in olds[max(config.dlbook_cache_keep - 1, 0) :]:
        shutil.rmtree(stale, ignore_errors=True)


def _limit_threads(threads: int) -> None:
    """Worker initialiser: the kernels it starts inherit this thread budget."""
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))


def _execute(nb: Any, cwd: str, timeout: int, allow_errors: bool) -> tuple[Any, float, str | None]:
    """Run one notebook in a worker process (what MyST-NB's cache client runs)."""
    from jupyter_cache.executors.utils import single_nb_execution

    result = single_nb_execution(nb, cwd=cwd, allow_errors=allow_errors, timeout=timeout, meta_override=True)
    return nb, result.time, (result.exc_string if result.err is not None else None)


def execute_in_parallel(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Execute, in parallel, every page about to be read that the cache lacks."""
    nb_config = env.mystnb_config
    workers = app.config.dlbook_execute_workers or os.cpu_count() or 1
    if nb_config.execution_mode != "cache" or workers < 2:
        return
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from myst_nb.core.read import create_nb_reader

    cache = get_cache(nb_config.execution_cache_path)
    todo = []
    for docname in sorted(docnames):
        path = Path(env.doc2path(docname))
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), env.myst_config, nb_config, text)
        if reader is None:
            continue
        nb = reader.read(text)
        if not any(c["cell_type"] == "code" for c in nb.cells):
            continue
        try:
            cache.match_cache_notebook(nb)
            continue
        except KeyError:
            todo.append((docname, path, nb))
    if len(todo) < 2:
        return
    LOGGER.info(f"dlbook_cache: executing {len(todo)} pages with {min(workers, len(todo))} workers")
    start = time.perf_counter()
    timeout = nb_config.execution_timeout
    n_workers = min(workers, len(todo))
    threads = max(1, (os.cpu_count() or 1) // n_workers)
    with ProcessPoolExecutor(max_workers=n_workers, initializer=_limit_threads, initargs=(threads,)) as pool:
        futures = {
            docname: (
                path,
                pool.submit(_execute, nb, str(path.parent), timeout, nb_config.execution_allow_errors),
            )
            for docname, path, nb in todo
        }
        for docname, (path, future) in futures.items():
            try:
                nb, seconds, error = future.result()
            except Exception as exc:  # the worker died: MyST-NB will retry and report
                LOGGER.info(f"dlbook_cache: {docname}: worker failed ({exc}); MyST-NB will execute it")
                continue
            if error is not None:
                LOGGER.info(f"dlbook_cache: {docname} failed; MyST-NB will execute it and report")
                continue
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, str(path), data={"execution_seconds": seconds}),
                check_validity=False,
                overwrite=True,
            )
            LOGGER.info(f"dlbook_cache: {docname} executed in {seconds:.1f} s")
    LOGGER.info(f"dlbook_cache: parallel execution took {time.perf_counter() - start:.1f} s")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("dlbook_cache_sources", ["code"], "env")
    app.add_config_value("dlbook_cache_env", ["DLBOOK_DATA"], "env")
    app.add_config_value("dlbook_cache_keep", 3, "env")
    app.add_config_value("dlbook_execute_workers", 0, "env")
    app.connect("config-inited", key_cache_path)
    app.connect("env-before-read-docs", execute_in_parallel, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
