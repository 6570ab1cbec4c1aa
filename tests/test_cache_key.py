"""The execution cache follows the companion code (book/_ext/dlbook_cache.py).

MyST-NB keys its cache on the code cells alone; these tests show that an edit to a
function in ``dlbook`` changes the built output, and that an unchanged rebuild reuses
the cache instead of executing again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, load_module

EXT_DIR = ROOT / "book" / "_ext"


def load_extension():
    return load_module("dlbook_cache", EXT_DIR / "dlbook_cache.py")


def test_digest_changes_with_code_and_env_but_not_with_bytecode(tmp_path: Path, monkeypatch) -> None:
    ext = load_extension()
    pkg = tmp_path / "code" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "mod.py").write_text("def f():\n    return 1\n")
    monkeypatch.setenv("DLBOOK_DATA", "/data/a")
    first = ext.source_digest([tmp_path / "code"], ["DLBOOK_DATA"])
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0bytecode")
    assert ext.source_digest([tmp_path / "code"], ["DLBOOK_DATA"]) == first
    (pkg / "mod.py").write_text("def f():\n    return 2\n")
    edited = ext.source_digest([tmp_path / "code"], ["DLBOOK_DATA"])
    assert edited != first
    monkeypatch.setenv("DLBOOK_DATA", "/data/b")
    assert ext.source_digest([tmp_path / "code"], ["DLBOOK_DATA"]) != edited


PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
# Probe

```{code-cell} ipython3
from dlbook import plots
print("probe:", plots.color("blue"))
```
"""


def make_project(tmp_path: Path) -> Path:
    """A one-page book that uses the real extension and a private copy of ``code/``."""
    project = tmp_path / "project"
    (project / "pages").mkdir(parents=True)
    shutil.copytree(
        ROOT / "code", project / "code", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__")
    )
    (project / "pages" / "probe.md").write_text(PAGE)
    (project / "_toc.yml").write_text("format: jb-book\nroot: pages/probe\n")
    (project / "_config.yml").write_text(
        "title: probe\nonly_build_toc_files: true\nexclude_patterns: [code, _build]\n"
        "execute:\n  execute_notebooks: cache\n  cache: _build/.jupyter_cache\n"
        "sphinx:\n  local_extensions:\n    dlbook_cache: " + str(EXT_DIR) + "\n"
        "  config:\n    nb_execution_raise_on_error: true\n    dlbook_cache_sources: [code]\n"
        "    dlbook_cache_env: []\n"
    )
    return project


def build(project: Path) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DLBOOK_EXECUTION_CACHE"}
    # the kernel imports dlbook from the project's private copy, not from the installed package
    env["PYTHONPATH"] = str(project / "code")
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(project), "-W", "--keep-going"]
    proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    html = (project / "_build" / "html" / "pages" / "probe.html").read_text(encoding="utf-8")
    return html, proc.stdout + proc.stderr


@pytest.mark.slow
def test_editing_a_dlbook_function_changes_the_built_output(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    html, _ = build(project)
    assert "probe: #0072B2" in html

    _, log = build(project)  # nothing changed: nothing is executed again
    assert "Executing notebook" not in log

    plots_py = project / "code" / "dlbook" / "plots.py"
    source = plots_py.read_text()
    edited = source.replace("return PALETTE[name]", "return PALETTE[name].lower()")
    assert edited != source, "plots.color() changed shape; update this test"
    plots_py.write_text(edited)
    html, log = build(project)
    assert "probe: #0072b2" in html, "the edit to dlbook.plots.color did not reach the built page"
    assert "Using cached notebook" not in log

    plots_py.write_text(source)  # changing back finds the first cache folder again
    html, log = build(project)
    assert "probe: #0072B2" in html
    assert "Using cached notebook" in log
