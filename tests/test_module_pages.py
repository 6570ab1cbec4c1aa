"""Every module of dlbook says which pages use it, and says it truthfully.

The last paragraph of each module's docstring (rendered on book/api.md) names the pages whose code cells
import the module directly, in the fixed form ``Used on the page(s) :doc:`/book/...` [, ... and ...].``,
or, for a module no page imports, ``Used by :mod:`dlbook.<other>`; no page imports it directly.``. The
pages that import a module are found by the execution cache's own reading of the code cells
(``book/_ext/dlbook_cache.py``, ``page_modules``). code/README.md lists every module with the same pages.
"""

from __future__ import annotations

import ast
import re
from functools import cache

import jupytext
import pytest
from conftest import ROOT, load_module, notebooks

PACKAGE_DIR = ROOT / "code" / "dlbook"
MODULES = sorted(
    [p.stem for p in PACKAGE_DIR.glob("*.py") if p.stem not in ("__init__", "__main__")]
    + [p.parent.name for p in PACKAGE_DIR.glob("*/__init__.py")]  # subpackages, e.g. dlbook.exercises
)
DOC = r":doc:`/([^`]+)`"
USED_ON = re.compile(rf"^Used on the (page|pages) ({DOC}(?:(?:, | and ){DOC})*)\.$")
MOD = r":mod:`dlbook\.\w+`"
NOT_ON_A_PAGE = re.compile(rf"^Used by {MOD}(?:(?:, | and ){MOD})*; no page imports it directly\.$")


@cache
def importing_pages() -> dict[str, set[str]]:
    """Module name (``plots``) -> the pages (``book/nature/brain``) whose code cells import it directly."""
    dlbook_cache = load_module("dlbook_cache", ROOT / "book" / "_ext" / "dlbook_cache.py")
    project = dlbook_cache.Project(root=ROOT, package_dir=PACKAGE_DIR)
    found: dict[str, set[str]] = {name: set() for name in MODULES}
    for page in notebooks.toc_files():
        path = ROOT / f"{page}.md"
        if not path.is_file():
            continue
        cells = [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]
        for module in dlbook_cache.page_modules(cells, project):
            # a page importing dlbook.exercises.hebbian imports (a part of) dlbook.exercises
            found[module.removeprefix("dlbook.").split(".")[0]].add(page)
    return found


def last_paragraph(module: str) -> str:
    path = PACKAGE_DIR / f"{module}.py"
    source = (path if path.is_file() else PACKAGE_DIR / module / "__init__.py").read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(source))
    assert docstring, f"dlbook.{module} has no module docstring"
    paragraphs = [p for p in re.split(r"\n\s*\n", docstring.strip()) if p.strip()]
    return " ".join(paragraphs[-1].split())


def test_some_pages_import_some_modules():
    # guards the test below against a reader of code cells that finds nothing
    pages = importing_pages()
    assert pages["plasticity"] == {
        "book/nature/plasticity",
        "book/nature/hebbian",
        "book/nature/hebbian-further",
    }
    assert len(pages["plots"]) >= 5


@pytest.mark.parametrize("module", MODULES)
def test_docstring_names_exactly_the_pages_that_import_the_module(module):
    paragraph = last_paragraph(module)
    used = USED_ON.match(paragraph)
    expected = importing_pages()[module]
    if not expected:
        assert NOT_ON_A_PAGE.match(paragraph), (
            f"no page imports dlbook.{module}; its docstring must end with 'Used by :mod:`dlbook.<module>`; "
            f"no page imports it directly.', not {paragraph!r}"
        )
        return
    assert used, f"dlbook.{module}: the docstring does not end with 'Used on the page(s) ...': {paragraph!r}"
    named = re.findall(DOC, used.group(2))
    assert (used.group(1) == "page") == (len(named) == 1), f"dlbook.{module}: 'page' or 'pages'?"
    assert len(named) == len(set(named)), f"dlbook.{module} names a page twice"
    assert set(named) == expected, (
        f"dlbook.{module}: the docstring names {sorted(named)}, the pages importing it are {sorted(expected)}"
    )
    assert all((ROOT / f"{page}.md").is_file() for page in named)


def readme_rows() -> dict[str, str]:
    """Module name -> its row in code/README.md's table of modules."""
    readme = (ROOT / "code" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `dlbook\.(\w+)` \|(.*)\|$", readme, flags=re.MULTILINE)
    names = [name for name, _ in rows]
    assert len(names) == len(set(names)), "code/README.md lists a module twice"
    return dict(rows)


def test_readme_lists_every_module_with_the_pages_that_use_it():
    rows = readme_rows()
    assert sorted(rows) == MODULES, "code/README.md must list exactly the modules of code/dlbook/"
    for module, row in rows.items():
        listed = set(re.findall(r"`(book/[\w/-]+)`", row))
        assert listed == importing_pages()[module], (
            f"code/README.md: dlbook.{module} lists {sorted(listed)}, "
            f"the pages importing it are {sorted(importing_pages()[module])}"
        )
