"""A page re-executes only when something it depends on changed (book/_ext/dlbook_cache.py).

The fast tests check how a page's dependencies are found: imports followed through the package, the
benchmark results a page reads, the pins, the data set variables. The slow tests build real books and
read the build log, where the extension names each page it executes and why:

* a copy of the whole project, starting from the cache of the session's build, after one edit to
  ``dlbook/plasticity.py``: exactly the pages that import that module run again;
* a two-page project: nothing runs on a no-op rebuild, an edit to ``dlbook.plots`` reaches the page that
  imports it (and only that page), and a changed pin in ``requirements.txt`` runs every page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
from conftest import ROOT, BuiltBook, load_module, notebooks

EXT_DIR = ROOT / "book" / "_ext"
cache_ext = load_module("dlbook_cache", EXT_DIR / "dlbook_cache.py")
EXECUTED_RE = re.compile(r"dlbook_cache: executing (\S+): (.+)$", re.MULTILINE)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def toy_package(root: Path) -> cache_ext.Project:
    """A package ``pkg`` of four modules: ``b`` imports ``a``; ``c`` reads results; ``d`` reads an env var."""
    pkg = root / "code" / "pkg"
    write(pkg / "__init__.py", '"""Nothing at import."""\n')
    write(pkg / "a.py", "X = 1\n")
    write(pkg / "b.py", "from . import a\nfrom .a import X\n")
    write(pkg / "c.py", 'from pathlib import Path\nRESULTS = Path("benchmarks/results")\n')
    write(pkg / "d.py", 'import os\n\ndef root():\n    return os.environ.get("PKG_DATA")\n')
    write(root / "benchmarks" / "results" / "run.json", "{}\n")
    write(root / "requirements.txt", "# pins\nnumpy==2.4.6  # arrays\ntorch==2.14.1\n-e ./code\nrequests\n")
    return cache_ext.Project(
        root=root,
        package_dir=pkg,
        results_dir=root / "benchmarks" / "results",
        requirements=(root / "requirements.txt",),
        env_names=("PKG_DATA",),
    )


def test_imported_names_reads_absolute_relative_and_magic_laden_code() -> None:
    cell = "%matplotlib inline\nimport pkg.a as alias\nfrom pkg import b, c\nimport numpy\n!ls\n"
    assert cache_ext.imported_names(cell, "pkg") == {"pkg.a", "pkg", "pkg.b", "pkg.c"}
    inner = "from . import a\nfrom .b import f\n\ndef g():\n    from pkg.c import RESULTS\n"
    assert cache_ext.imported_names(inner, "pkg", current="pkg.d") == {
        "pkg",
        "pkg.a",
        "pkg.b",
        "pkg.b.f",
        "pkg.c",
        "pkg.c.RESULTS",
    }
    assert cache_ext.imported_names("this is not python(", "pkg") == set()


def test_closure_follows_the_packages_own_imports(tmp_path: Path) -> None:
    project = toy_package(tmp_path)
    assert cache_ext.page_modules(["from pkg.b import X"], project) == {"pkg.b"}
    assert project.closure({"pkg.b"}) == {"pkg", "pkg.a", "pkg.b"}
    assert project.closure({"pkg.c"}) == {"pkg", "pkg.c"}


def test_closure_of_the_real_package_reaches_what_train_uses() -> None:
    project = cache_ext.Project(root=ROOT, package_dir=ROOT / "code" / "dlbook")
    train_imports = {
        name
        for name in cache_ext.imported_names((ROOT / "code/dlbook/train.py").read_text(), "dlbook")
        if project.module_path(name) is not None
    }
    assert "dlbook.lenet" in train_imports, (
        "dlbook.train no longer imports dlbook.lenet: pick another example"
    )
    assert train_imports | {"dlbook", "dlbook.train"} <= project.closure({"dlbook.train"})


def test_an_edit_changes_the_dependencies_of_exactly_the_pages_that_use_the_module(tmp_path: Path) -> None:
    project = toy_package(tmp_path)
    pages = {"uses_b": ["from pkg import b"], "uses_c": ["from pkg import c"], "plain": ["import pkg"]}
    before = {name: cache_ext.page_dependencies(cells, project) for name, cells in pages.items()}
    with (tmp_path / "code/pkg/a.py").open("a") as f:
        f.write("# a comment is an edit\n")
    after = {name: cache_ext.page_dependencies(cells, project) for name, cells in pages.items()}
    changed = {name for name in pages if before[name] != after[name]}
    assert changed == {"uses_b"}, "pkg.a is imported (through pkg.b) by uses_b only"
    assert cache_ext.describe_change(before["uses_b"], after["uses_b"]) == "pkg.a changed"


def test_pins_results_and_variables_are_dependencies_where_they_apply(tmp_path: Path, monkeypatch) -> None:
    project = toy_package(tmp_path)
    monkeypatch.setenv("PKG_DATA", "/data/one")
    deps = cache_ext.page_dependencies(["from pkg import c, d"], project)
    assert deps["pin numpy"] == "numpy==2.4.6" and deps["pin torch"] == "torch==2.14.1"
    assert not any(k in deps for k in ("pin requests", "pin -e")), "only exact pins count"
    assert "file benchmarks/results/run.json" in deps, "pkg.c names the results folder"
    assert deps["env PKG_DATA"] == "/data/one", "pkg.d reads PKG_DATA"

    plain = cache_ext.page_dependencies(["import pkg"], project)
    assert "env PKG_DATA" not in plain and not any(k.startswith("file ") for k in plain)
    assert plain["pin torch"] == "torch==2.14.1", "every page depends on the pins"

    write(tmp_path / "benchmarks/results/gpu.json", "{}\n")  # a result recorded later
    monkeypatch.setenv("PKG_DATA", "/data/two")
    later = cache_ext.page_dependencies(["from pkg import c, d"], project)
    assert cache_ext.describe_change(deps, later) == (
        "PKG_DATA: /data/one -> /data/two, benchmarks/results/gpu.json added"
    )


def test_a_changed_pin_is_named_in_the_reason(tmp_path: Path) -> None:
    project = toy_package(tmp_path)
    deps = cache_ext.page_dependencies(["import pkg"], project)
    req = tmp_path / "requirements.txt"
    req.write_text(req.read_text().replace("torch==2.14.1", "torch==2.15.0"))
    later = cache_ext.page_dependencies(["import pkg"], project)
    assert cache_ext.describe_change(deps, later) == "torch: torch==2.14.1 -> torch==2.15.0"
    assert cache_ext.describe_change(None, later) == "not in the cache"


def test_records_are_written_whole_and_keep_only_cached_notebooks(tmp_path: Path) -> None:
    class Record:
        def __init__(self, hashkey: str) -> None:
            self.hashkey = hashkey

    class Cache:
        def list_cache_records(self) -> list[Record]:
            return [Record("kept")]

    records = {"kept": {"page": "p", "dependencies": {"cells": "1"}}, "gone": {"page": "q"}}
    cache_ext.save_records(tmp_path, records, Cache())
    assert cache_ext.load_records(tmp_path) == {"kept": records["kept"]}
    assert [p.name for p in tmp_path.iterdir()] == [cache_ext.RECORDS], "no temporary file is left"
    (tmp_path / cache_ext.RECORDS).write_text("{half a file")
    assert cache_ext.load_records(tmp_path) == {}, "an unreadable record file means: run every page"


# --- End to end: real builds, reading which pages the extension executed ----------------------------


def jupyter_book(project: Path, *, cache: Path, out: Path | None = None) -> str:
    """Build ``project`` with its own copy of ``dlbook`` on the kernels' path; return the log."""
    env = {**os.environ, "DLBOOK_EXECUTION_CACHE": str(cache), "PYTHONPATH": str(project / "code")}
    cmd = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(project),
        "-W",
        "-n",
        "--keep-going",
    ]
    if out is not None:
        cmd += ["--path-output", str(out)]
    proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=900)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    return log


def executed(log: str) -> dict[str, str]:
    """The pages the extension executed, with the reason it gave."""
    return dict(EXECUTED_RE.findall(log))


def code_cells(page: Path) -> list[str]:
    return [c.source for c in jupytext.read(page).cells if c.cell_type == "code"]


@pytest.mark.slow
def test_editing_one_module_reexecutes_exactly_the_pages_that_import_it(
    built_book: BuiltBook, tmp_path: Path
) -> None:
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".git", ".venv", "_build", ".*_cache", "*.egg-info", "__pycache__"),
    )
    cache = tmp_path / "cache"
    shutil.copytree(built_book.cache, cache)  # the session's build: every page is up to date in it

    module = copy / "code" / "dlbook" / "plasticity.py"
    module.write_text(module.read_text() + "\n# An edit that changes no behaviour still counts.\n")
    log = jupyter_book(copy, cache=cache, out=tmp_path / "out")

    # Independently of the extension: the pages whose code imports dlbook.plasticity by name.
    imports = re.compile(
        r"^\s*(from (dlbook|\.)(\.?plasticity)? import .*\bplasticity\b|from \.plasticity import"
        r"|from dlbook\.plasticity import|import dlbook\.plasticity)",
        re.M,
    )
    importing = {p for p in notebooks.toc_files() if imports.search("\n".join(code_cells(ROOT / f"{p}.md")))}
    modules = [
        m for m in (ROOT / "code/dlbook").rglob("*.py") if imports.search(m.read_text()) and m != module
    ]
    others = [m.name for m in modules if m.parent.name != "exercises"]
    assert others == [], f"{others} import dlbook.plasticity: their pages would run too; extend this test"
    for key in (m for m in modules if m.parent.name == "exercises"):
        # a page's answer keys import it: the pages that import those keys run too
        uses_key = re.compile(rf"^\s*import dlbook\.exercises\.{key.stem}\b", re.M)
        importing |= {
            p for p in notebooks.toc_files() if uses_key.search("\n".join(code_cells(ROOT / f"{p}.md")))
        }
    runs = executed(log)
    assert set(runs) == importing, f"executed {sorted(runs)}, expected {sorted(importing)}"
    assert 0 < len(importing) < len(notebooks.executable_pages())
    assert set(runs.values()) == {"dlbook.plasticity changed"}


TWO_PAGE_TOC = "format: jb-book\nroot: pages/colour\nchapters:\n  - file: pages/version\n"
FRONT = (
    "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
    "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n"
)


def two_page_project(root: Path) -> Path:
    """Two pages with the real extension and a private copy of ``dlbook`` and ``requirements.txt``."""
    shutil.copytree(ROOT / "code", root / "code", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    shutil.copy(ROOT / "requirements.txt", root / "requirements.txt")
    write(
        root / "pages/colour.md",
        FRONT + "# Colour\n\n```{code-cell} ipython3\nfrom dlbook import plots\n"
        'print("colour:", plots.color("blue"))\n```\n',
    )
    write(
        root / "pages/version.md",
        FRONT + "# Version\n\n```{code-cell} ipython3\nimport dlbook\n"
        'print("version:", dlbook.__version__)\n```\n',
    )
    write(root / "_toc.yml", TWO_PAGE_TOC)
    write(
        root / "_config.yml",
        "title: two pages\nonly_build_toc_files: true\nexclude_patterns: [code, _build]\n"
        "execute:\n  execute_notebooks: cache\n  cache: _build/.jupyter_cache\n"
        f"sphinx:\n  local_extensions:\n    dlbook_cache: {EXT_DIR}\n"
        "  config:\n    nb_execution_raise_on_error: true\n    dlbook_cache_results: ''\n"
        # Cold kernels: a warm-kernel zygote imports PyTorch, which these pages never use (its cost
        # is larger than the cold start of two small pages).
        "    dlbook_warm_kernels: false\n",
    )
    return root


@pytest.mark.slow
def test_code_edits_reach_only_their_pages_and_a_changed_pin_reruns_every_page(tmp_path: Path) -> None:
    project = two_page_project(tmp_path / "project")
    cache = tmp_path / "cache"
    runs = executed(jupyter_book(project, cache=cache))
    assert runs == {"pages/colour": "not in the cache", "pages/version": "not in the cache"}

    assert executed(jupyter_book(project, cache=cache)) == {}, "nothing changed, nothing runs"

    plots_py = project / "code" / "dlbook" / "plots.py"
    source = plots_py.read_text()
    edited = source.replace("return PALETTE[name]", "return PALETTE[name].lower()")
    assert edited != source, "plots.color() changed shape; update this test"
    plots_py.write_text(edited)
    assert executed(jupyter_book(project, cache=cache)) == {"pages/colour": "dlbook.plots changed"}
    html = (project / "_build/html/pages/colour.html").read_text(encoding="utf-8")
    assert "colour: #0072b2" in html, "the edit to dlbook.plots.color did not reach the built page"

    requirements = project / "requirements.txt"
    pin = re.search(r"^numpy==(\S+)$", requirements.read_text(), re.MULTILINE)
    assert pin, "requirements.txt no longer pins numpy exactly"
    requirements.write_text(requirements.read_text().replace(pin.group(0), "numpy==0.0.1"))
    reason = f"numpy: {pin.group(0)} -> numpy==0.0.1"
    assert executed(jupyter_book(project, cache=cache)) == {"pages/colour": reason, "pages/version": reason}
