"""Launching the book: Colab notebooks, Binder configuration, Thebe, and links built from one place.

The repository URL, branch and book path live in ``_config.yml`` (``repository:``); every link is
built from them by ``tools/notebooks.py``. These tests check the configuration files statically and
the launch links of the built pages.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import tomllib
from bs4 import BeautifulSoup
from conftest import ROOT, BuiltBook, load_module, notebooks
from packaging.requirements import Requirement

REPO = notebooks.repository()
CONFIG = notebooks.load_config()
BINDER = ROOT / "binder"
GITHUB_RE = re.compile(r"github(?:usercontent)?\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?(?=[/@#?)\"'\s]|$)")


def pins(path: Path) -> dict[str, Requirement]:
    """The requirements of a pip requirements file, by normalised name (options and -e skipped)."""
    reqs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        req = Requirement(line)
        reqs[req.name.lower().replace("_", "-")] = req
    return reqs


def exact(req: Requirement) -> str:
    (spec_,) = req.specifier
    assert spec_.operator == "==", f"{req} is not an exact pin"
    return spec_.version


# ---- one place for the repository ----------------------------------------------------------------


def test_repository_is_configured_once() -> None:
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", REPO.url)
    assert REPO.branch
    theme = CONFIG["repository"]
    assert (theme["url"].rstrip("/"), theme["branch"]) == (REPO.url, REPO.branch)


def test_bad_repository_url_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("repository:\n  url: https://gitlab.com/a/b\n  branch: main\n")
    with pytest.raises(ValueError, match=r"repository\.url"):
        notebooks.repository(tmp_path)


def test_every_repository_link_in_the_sources_derives_from_config() -> None:
    """Every github.com/<org>/<repo> of ours in README, binder/, workflows and pages is the configured one."""
    files = [
        ROOT / "README.md",
        ROOT / "CONTRIBUTING.md",
        *BINDER.glob("*"),
        *ROOT.glob(".github/workflows/*"),
    ]
    files += [
        *(ROOT / "book").rglob("*.md"),
        *(ROOT / "book").rglob("*.ipynb"),
        ROOT / "code" / "pyproject.toml",
    ]
    ours = []
    for path in files:
        if not path.is_file():
            continue
        for org, name in GITHUB_RE.findall(path.read_text(encoding="utf-8")):
            if org.lower() == REPO.org.lower() or name.lower() == REPO.name.lower():
                ours.append((path.relative_to(ROOT), f"{org}/{name}"))
    wrong = [(p, r) for p, r in ours if r != f"{REPO.org}/{REPO.name}"]
    assert wrong == []


def test_readme_launch_links_use_configured_branch() -> None:
    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("no README.md")
    text = readme.read_text(encoding="utf-8")
    for url in re.findall(r"https://colab\.research\.google\.com/github/[^\s)\"']+", text):
        assert url.startswith(
            f"https://colab.research.google.com/github/{REPO.org}/{REPO.name}/blob/{REPO.branch}/"
        )
        assert url.endswith(".ipynb")
    for url in re.findall(r"https://mybinder\.org/v2/gh/[^\s)\"']+", text):
        assert url.startswith(f"https://mybinder.org/v2/gh/{REPO.org}/{REPO.name}/{REPO.branch}")


def test_link_builders_have_the_documented_form() -> None:
    nb = "book/intro/page.ipynb"
    assert REPO.colab_url(nb) == (
        f"https://colab.research.google.com/github/{REPO.org}/{REPO.name}/blob/{REPO.branch}/{nb}"
    )
    assert REPO.binder_url(nb) == (
        f"https://mybinder.org/v2/gh/{REPO.org}/{REPO.name}/{REPO.branch}?urlpath=lab/tree/{nb}"
    )
    nested = notebooks.Repository(REPO.url, REPO.branch, "docs/")
    assert nested.colab_url(nb).endswith(f"/blob/{REPO.branch}/docs/{nb}")
    assert nested.raw_url("book/a.png").endswith(f"/{REPO.branch}/docs/book/a.png")


# ---- launch configuration ----------------------------------------------------------------------


def test_launch_buttons_are_configured() -> None:
    launch = CONFIG["launch_buttons"]
    assert launch["colab_url"] == "https://colab.research.google.com"
    assert launch["binderhub_url"] == "https://mybinder.org"
    assert launch["notebook_interface"] == "jupyterlab"
    assert launch["thebe"] is True


def test_notebooks_are_not_pages_of_their_own() -> None:
    from sphinx.util.matching import Matcher

    matcher = Matcher(CONFIG["exclude_patterns"])
    for page in notebooks.executable_pages():
        rel = page.relative_to(ROOT)
        assert matcher(rel.with_suffix(".ipynb").as_posix()), f"{rel.with_suffix('.ipynb')} is not excluded"
        assert not matcher(rel.as_posix()), f"{rel} itself is excluded"


# ---- Colab notebooks ---------------------------------------------------------------------------


def test_there_are_executable_pages() -> None:
    assert notebooks.executable_pages(), "no page of the toc has a kernelspec"


def test_committed_notebooks_match_their_pages() -> None:
    """Fails when a page changed and `make notebooks` was not run (or a notebook was edited by hand)."""
    assert notebooks.check() == []


def test_drift_is_detected(tmp_path: Path) -> None:
    for name in ("_config.yml", "_toc.yml"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "pyproject.toml").write_text((ROOT / "code" / "pyproject.toml").read_text())
    page = notebooks.executable_pages()[0].relative_to(ROOT)
    (tmp_path / page).parent.mkdir(parents=True)
    (tmp_path / page).write_text((ROOT / page).read_text())
    notebook = page.with_suffix(".ipynb")
    assert notebooks.check(tmp_path) == [f"{notebook}: missing"]
    notebooks.write(tmp_path, with_values=False)  # there is no build here: glued values as placeholders
    assert notebooks.check(tmp_path, require_values=False) == []
    [problem] = notebooks.check(tmp_path)
    assert problem.startswith(f"{notebook}: written without the build's values")
    (tmp_path / page).write_text((ROOT / page).read_text() + "\nA new paragraph.\n")
    assert notebooks.check(tmp_path, require_values=False) == [f"{notebook}: differs from its page {page}"]
    (tmp_path / page.with_name("gone.ipynb")).write_text("{}")
    assert f"{page.with_name('gone.ipynb')}: no executable page of that name" in notebooks.check(tmp_path)


def test_package_version_is_the_install_tag() -> None:
    import dlbook

    assert notebooks.package_version() == dlbook.__version__
    assert notebooks.install_ref() == f"v{dlbook.__version__}"


@pytest.mark.parametrize("page", notebooks.executable_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_starts_with_hidden_install_cell(page: Path) -> None:
    nb = nbformat.read(page.with_suffix(".ipynb"), as_version=4)
    nbformat.validate(nb)
    first = nb.cells[0]
    assert first.cell_type == "code" and first.id == notebooks.SETUP_CELL_ID
    assert "remove-cell" in first.metadata["tags"]
    requirement = f"dlbook @ git+{REPO.url}@{notebooks.install_ref()}#subdirectory=code"
    assert repr(requirement) in first.source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    page_code = [c.source for c in notebooks.jupytext.read(page).cells if c.cell_type == "code"]
    assert [c.source for c in nb.cells[1:] if c.cell_type == "code"] == page_code


def run_setup(source: str, monkeypatch: pytest.MonkeyPatch, missing: set[str]) -> list[list[str]]:
    """Execute a setup cell with some modules reported missing; returns the commands it ran."""
    calls: list[list[str]] = []
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name in missing else real_find_spec(name, *a)
    )
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    for name in missing:
        monkeypatch.delitem(sys.modules, name, raising=False)
    exec(compile(source, "setup-cell", "exec"), {})
    return calls


def test_install_cell_does_nothing_when_dlbook_is_present(monkeypatch: pytest.MonkeyPatch) -> None:
    source = notebooks.setup_source(REPO.requirement("v0"), needs_glue=True)
    assert run_setup(source, monkeypatch, missing=set()) == []


def test_install_cell_installs_pinned_package_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    source = notebooks.setup_source(REPO.requirement("v9.9.9"), needs_glue=False)
    calls = run_setup(source, monkeypatch, missing={"dlbook"})
    assert calls == [
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            f"dlbook @ git+{REPO.url}@v9.9.9#subdirectory=code",
        ]
    ]


def test_install_cell_provides_glue_without_myst_nb(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda value: shown.append(value))
    source = notebooks.setup_source(REPO.requirement("v0"), needs_glue=True)
    run_setup(source, monkeypatch, missing={"myst_nb"})
    from myst_nb import glue

    glue("hidden", 1.5, display=False)
    glue("shown", 2.5)
    assert shown == [2.5]


def test_relative_images_become_raw_github_urls() -> None:
    text = "![a](fig/x.png) ![b](https://example.org/y.png)\n```{figure} ../img/z.svg\n:alt: z\n```"
    out = notebooks.absolute_images(text, "book/nature", REPO)
    raw = f"https://raw.githubusercontent.com/{REPO.org}/{REPO.name}/{REPO.branch}"
    assert f"![a]({raw}/book/nature/fig/x.png)" in out
    assert "![b](https://example.org/y.png)" in out
    assert f"```{{figure}} {raw}/book/img/z.svg" in out


def test_myst_roles_become_plain_markdown() -> None:
    text = (
        "A {term}`synapse` and {term}`synapses <synapse>` [{cite:p}`hebb1949organization, bi1998synaptic`]; "
        "{cite:t}`hebb1949organization` found {glue:text}`rate:.1f` Hz; see {doc}`the brain <brain>`, "
        "{func}`~dlbook.plasticity.stdp` and {math}`x^2`."
    )
    assert notebooks.plain_roles(text) == (
        "A synapse and synapses [[hebb1949organization, bi1998synaptic]]; "
        f"hebb1949organization found {notebooks.glue_span('rate', None)} Hz; see the brain, "
        "`dlbook.plasticity.stdp` and $x^2$."
    )


def test_glued_values_become_the_numbers_of_the_build_formatted_as_on_the_page() -> None:
    links = notebooks.Links(site="https://example.org/", citations={}, values={"rate": "12.345", "n": "7"})
    out = notebooks.plain_roles("{glue:text}`rate:.1f` Hz, {glue:text}`n` runs", links)
    assert out == f"{notebooks.glue_span('rate', '12.3')} Hz, {notebooks.glue_span('n', '7')} runs"


# ---- Binder ------------------------------------------------------------------------------------


def test_binder_pins_match_requirements() -> None:
    root = pins(ROOT / "requirements.txt")
    binder = pins(BINDER / "requirements.txt")
    for name in ("torch", "torchvision", "numpy", "matplotlib", "scikit-learn", "jupytext", "myst-nb"):
        assert name in binder, f"binder/requirements.txt lacks {name}"
    shared = sorted(set(root) & set(binder))
    assert {n: exact(binder[n]) for n in shared} == {n: exact(root[n]) for n in shared}
    assert exact(binder["jupyterlab"])


def test_binder_covers_the_package_dependencies() -> None:
    project = tomllib.loads((ROOT / "code" / "pyproject.toml").read_text())["project"]
    binder = pins(BINDER / "requirements.txt")
    for dep in project["dependencies"]:
        name = Requirement(dep).name.lower()
        assert name in binder, f"binder/requirements.txt lacks {name}, a dependency of dlbook"
        assert binder[name].specifier.contains(exact(binder[name])) and Requirement(dep).specifier.contains(
            exact(binder[name])
        ), f"{binder[name]} does not satisfy dlbook's {dep}"


def test_binder_uses_cpu_torch() -> None:
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines


def test_binder_python_matches_the_project() -> None:
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}"


def test_binder_opens_markdown_as_notebooks() -> None:
    overrides = json.loads((BINDER / "overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}


def test_binder_postbuild_is_valid_bash_and_installs_settings() -> None:
    post = BINDER / "postBuild"
    assert post.stat().st_mode & 0o111, "postBuild must be executable"
    subprocess.run(["bash", "-n", str(post)], check=True)
    text = post.read_text()
    assert "pip install --no-deps --no-cache-dir ./code" in text
    assert "share/jupyter/lab/settings" in text and "binder/overrides.json" in text


# ---- the built site ----------------------------------------------------------------------------


@pytest.mark.slow
def test_built_pages_launch_their_notebooks(built_book: BuiltBook) -> None:
    assert (built_book.html / ".nojekyll").is_file()
    for page in notebooks.executable_pages():
        rel = page.relative_to(ROOT).with_suffix("")
        soup = BeautifulSoup((built_book.html / f"{rel}.html").read_text(encoding="utf-8"), "html.parser")
        links = {
            a.get_text(strip=True): a["href"] for a in soup.select("a.btn-launch, a[href]") if a.get("href")
        }
        hrefs = set(links.values())
        nb = f"{rel}.ipynb"
        assert REPO.colab_url(nb) in hrefs, f"{rel}: no Colab link to {nb}"
        assert REPO.binder_url(nb) in hrefs, f"{rel}: no Binder link to {nb}"
        assert soup.select_one('button[onclick="initThebeSBT()"]') is not None, f"{rel}: no Live Code button"
        config = soup.find("script", type="text/x-thebe-config")
        assert config is not None, f"{rel}: no Thebe configuration"
        assert f'repo: "{REPO.org}/{REPO.name}"' in config.text and f'ref: "{REPO.branch}"' in config.text


@pytest.mark.slow
def test_built_site_loads_mathjax_locally(built_book: BuiltBook) -> None:
    scripts = set()
    for html in built_book.html.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        scripts |= {s["src"] for s in soup.find_all("script", src=True) if "mathjax" in s["src"].lower()}
    if not scripts:
        pytest.skip("no page has math")
    assert all("://" not in s for s in scripts), sorted(scripts)
    assert (built_book.html / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_readme_badges_are_built_from_config() -> None:
    text = notebooks.badges()
    assert f"(https://mybinder.org/v2/gh/{REPO.org}/{REPO.name}/{REPO.branch}?urlpath=lab/tree/book)" in text
    first = notebooks.executable_pages()[0].relative_to(ROOT).with_suffix(".ipynb").as_posix()
    assert f"({REPO.colab_url(first)})" in text


# ---- corrections to the theme's HTML (book/_ext/dlbook_site.py) ------------------------------

dlbook_site = load_module("dlbook_site", ROOT / "book" / "_ext" / "dlbook_site.py")


def test_site_extension_is_configured() -> None:
    assert CONFIG["sphinx"]["local_extensions"]["dlbook_site"] == "book/_ext"
    assert "sphinx-mathjax-offline" in CONFIG["sphinx"]["extra_extensions"]


def test_repeated_inline_scripts_are_dropped() -> None:
    from sphinx.builders.html._assets import _JavaScript

    body = 'const THEBE_JS_URL = "x"'
    scripts = [
        _JavaScript(None, body=body),
        _JavaScript("a.js"),
        _JavaScript("", body=body),
        _JavaScript("a.js"),
    ]
    context = {"script_files": scripts}
    dlbook_site.drop_repeated_inline_scripts(context)
    assert [s.filename for s in context["script_files"]] == [None, "a.js", "a.js"]


def test_navigation_summaries_get_names() -> None:
    html = (
        '<ul><li><a class="reference" href="x.html">Learning in nature</a><details><summary>'
        '<span class="toctree-toggle" role="presentation"><i class="fa-solid"></i></span></summary>'
        "</details></li></ul>"
    )
    context = {"generate_toctree_html": lambda kind, **kw: BeautifulSoup(html, "html.parser")}
    dlbook_site.label_navigation(context)
    soup = context["generate_toctree_html"]("sidebar", startdepth=0)
    assert soup.summary["aria-label"] == "Show or hide the sections of Learning in nature"


def test_bibliography_entries_are_list_items() -> None:
    body = '<div role="list" class="citation-list"><div class="citation" id="id1" role="doc-biblioentry">'
    context = {"body": body}
    dlbook_site.bibliography_list_items(context)
    assert context["body"].endswith('<div class="citation" id="id1" role="listitem">')
