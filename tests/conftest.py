"""Shared fixtures: the repository layout and one build of the whole book per test session."""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

# Threads that wait passively: on a busy 2-core machine, PyTorch's spinning OpenMP threads slow
# training by an order of magnitude. Set before any test imports torch (dlbook itself sets nothing).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# Under pytest-xdist the workers share the CPUs: each worker's PyTorch (and the kernels and builds it
# starts) gets its share of threads, not all of them, so that they do not oversubscribe the machine.
if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
    _share = (os.cpu_count() or 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"])
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, _share)))

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def load_module(name: str, path: Path):
    """Import a script that is not in a package (tools/, book/_ext/) as module ``name``, once."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses in the module look themselves up here
    spec.loader.exec_module(module)
    return module


#: tools/notebooks.py: the table of contents, the executable pages and every launch link.
notebooks = load_module("notebooks", ROOT / "tools" / "notebooks.py")

# The tests train on the real MNIST files beside the checkout when they are there.
if "DLBOOK_DATA" not in os.environ and (SHARED_DATA / "MNIST" / "raw").is_dir():
    os.environ["DLBOOK_DATA"] = str(SHARED_DATA)


@dataclass(frozen=True)
class BuiltBook:
    """A book built from a clean execution cache into a temporary folder."""

    html: Path  # the _build/html folder
    cache: Path  # the execution cache it was built with (jupyter-cache database and dependency records)
    log: str  # everything jupyter-book printed (stdout and stderr)
    seconds: float  # wall time of the build
    returncode: int

    def to_json(self) -> str:
        fields = dataclasses.asdict(self)
        return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in fields.items()})

    @classmethod
    def from_json(cls, text: str) -> BuiltBook:
        fields = json.loads(text)
        return cls(**{**fields, "html": Path(fields["html"]), "cache": Path(fields["cache"])})


def build_book(out: Path, *, cache: Path, extra_env: dict[str, str] | None = None) -> BuiltBook:
    """Run ``jupyter-book build`` over the repository with warnings as errors."""
    env = {**os.environ, "DLBOOK_EXECUTION_CACHE": str(cache), **(extra_env or {})}
    cmd = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(ROOT),
        "--path-output",
        str(out),
        "-W",
        "-n",
        "--keep-going",
    ]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - start
    return BuiltBook(out / "_build" / "html", cache, proc.stdout + proc.stderr, seconds, proc.returncode)


def shared_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this session that every pytest-xdist worker shares (without xdist: its own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_lock(tmp_path_factory: pytest.TempPathFactory, name: str):
    """A lock that the pytest-xdist workers of this session share: whoever makes ``name`` holds it."""
    from filelock import FileLock

    return FileLock(str(shared_temp(tmp_path_factory) / f"{name}.lock"))


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """The whole book, built once per session from a clean cache; fails if the build fails.

    Under pytest-xdist (``make test``) the workers share one build: the first to need it builds it in
    the session's common temporary folder, holding a file lock; the others wait for the lock and read
    the result.
    """
    base = shared_temp(tmp_path_factory)
    out, record = base / "book", base / "book.json"
    with shared_lock(tmp_path_factory, "book"):
        if record.exists():
            book = BuiltBook.from_json(record.read_text())
        else:
            out.mkdir()
            book = build_book(out, cache=out / "jupyter_cache")
            (out / "build.log").write_text(book.log)
            record.write_text(book.to_json())
    if book.returncode != 0:
        tail = "\n".join(book.log.splitlines()[-60:])
        pytest.fail(f"jupyter-book build failed (exit {book.returncode}); log tail:\n{tail}")
    return book


def article(book: BuiltBook, docname: str) -> BeautifulSoup:
    """The main content (``<article>`` or ``<main>``) of a built page, e.g. ``book/nature/brain``."""
    soup = BeautifulSoup((book.html / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")
    main = soup.find("article") or soup.find("main")
    assert main is not None, f"{docname}: no <article>/<main>"
    return main


def text_of(node: BeautifulSoup) -> str:
    """Visible text with runs of white space collapsed and Sphinx's curly apostrophes made straight."""
    return re.sub(r"\s+", " ", node.get_text(" ")).replace("\u2019", "'")


def glue_values(book: BuiltBook, docname: str) -> dict[str, Any]:
    """The values a page glued into its text (``glue("name", value)``), from its executed notebook.

    They are read from the build's execution cache, so a test checks what the page computed, not the
    sentence around it. Values are Python literals where their ``repr`` is one (numbers, strings,
    tuples), else the ``repr`` text.
    """
    from jupyter_cache import get_cache

    cache = get_cache(str(book.cache))
    uri = str(ROOT / f"{docname}.md")
    records = [r for r in cache.list_cache_records() if r.uri == uri]
    assert records, f"{docname}: no executed notebook in the build's cache"
    nb = cache.get_cache_bundle(max(records, key=lambda r: r.created).pk).nb
    values: dict[str, Any] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            scrap = output.get("metadata", {}).get("scrapbook")
            if not scrap:
                continue
            text = output["data"].get(scrap.get("mime_prefix", "") + "text/plain", "")
            try:
                values[scrap["name"]] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[scrap["name"]] = text
    return values


def figure_image(book: BuiltBook, docname: str, figure_id: str) -> Path:
    """The image in ``<figure id=figure_id>`` of a page; asserts it exists, is not empty, has alt text."""
    fig = article(book, docname).find("figure", id=figure_id)
    assert fig is not None, f"{docname}: no figure with id {figure_id}"
    img = fig.find("img")
    assert img is not None, f"{docname}#{figure_id}: the figure has no image"
    assert img.get("alt", "").strip(), f"{docname}#{figure_id}: image without alt text"
    path = (book.html / docname).parent / img["src"]
    assert path.is_file() and path.stat().st_size > 1000, (
        f"{docname}#{figure_id}: {img['src']} missing or empty"
    )
    return path


def assert_key_decides(name: str, right: Any, wrong: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """The answer key of exercise ``name`` accepts ``right`` and rejects ``wrong``, printing ✓ and ✗."""
    from dlbook.exercises import check

    assert check(name, right) is True, f"{name}: the key rejects the solution's answer"
    assert check(name, wrong) is False, f"{name}: the key accepts a wrong answer"
    out = capsys.readouterr().out
    assert "✓" in out and "✗" in out


#: Test modules that take longest, longest first. Started early in their group, they do not hold up the
#: end of a parallel run.
LONGEST = (
    "test_notebooks_colab.py",
    "test_pdf.py",
    "test_execution_cache.py",
    "test_site_browser.py",
    "test_benchmarks.py",
    "test_train.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the tests so that the workers of pytest-xdist stay busy (the order of a single process
    does not matter). ``make test`` hands them out in this order, two to each worker at the start, then
    one at a time as workers finish (``--maxschedchunk=1``): one test that needs the book first, so that
    its build starts at once; then the slow tests that do not need it (they run on the other workers
    during the build); then the rest that need the book; the quick tests last, to fill the gaps at the
    end. Within each group the longest modules go first."""

    def needs_book(item: pytest.Item) -> bool:
        return "built_book" in getattr(item, "fixturenames", ())

    first = next((item for item in items if needs_book(item)), None)

    def rank(item: pytest.Item) -> tuple[int, int]:
        if item is first:
            group = 0
        elif needs_book(item):
            group = 2
        else:
            group = 1 if item.get_closest_marker("slow") else 3
        name = item.path.name
        return group, LONGEST.index(name) if name in LONGEST else len(LONGEST)

    items.sort(key=rank)  # stable: the file order is kept within each rank
