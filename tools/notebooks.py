"""Colab notebooks beside the book's executable pages, and the launch links built from one place.

The book's pages are MyST Markdown notebooks (``book/**/*.md``). Google Colab opens only ``.ipynb``
files, fetched from GitHub at the branch named in ``_config.yml``; sphinx-book-theme points its
Colab and Binder buttons at ``<page>.ipynb`` only when that file sits beside the page at build time.
So every executable page (a page whose front matter has a ``kernelspec``, the test the theme itself
uses to show launch buttons) gets a committed notebook made from it by jupytext:

* cell 1 (``setup``, tagged ``remove-cell``) installs the companion package ``dlbook`` when the kernel
  lacks it, from the repository at the release tag ``v<version>`` of ``code/pyproject.toml``. A tag,
  not a commit: a file cannot name the commit that contains it, and the tag names the released code
  that the pages of that release were executed with. The deploy workflow checks that the tag exists.
  Where ``myst_nb`` is missing (Colab), the same cell gives ``myst_nb.glue`` its notebook meaning
  (show the value when asked to), since the book uses glue only to pass numbers to its prose;
* then the page's cells, without outputs, with relative image paths in Markdown made absolute (raw
  files on GitHub), because a Colab notebook has no checkout beside it, and MyST roles, which plain
  Markdown cannot show, written as text: ``{term}`x``` as x, ``{cite:p}`key``` as [key],
  ``{glue:text}`rate:.1f``` as `rate` (the variable the page computes), ``{func}`f``` as `f`.

Everything that names the repository (Colab, Binder, the install requirement, README badges) is built
here from ``repository:`` in ``_config.yml`` (url, branch, path_to_book) and nowhere else.

Usage::

    python tools/notebooks.py           # write every notebook, delete stale ones
    python tools/notebooks.py --check   # exit 1 if a notebook is missing, stale or drifted
    python tools/notebooks.py --badges  # print the README badges (Markdown)
"""

from __future__ import annotations

import argparse
import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jupytext
import nbformat
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]
SETUP_CELL_ID = "setup"
SETUP_TAGS = ["remove-cell"]
NBFORMAT_MINOR = 5

# ![alt](path "title") and the argument of a {figure}/{image} directive
MD_IMAGE_RE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)")
ROLE_RE = re.compile(r"\{([a-z]+(?::[a-z]+)*)\}`([^`]+)`")
DIRECTIVE_IMAGE_RE = re.compile(r"^(\s*(?:```|:::)\{(?:figure|image)\}\s+)(\S+)", re.MULTILINE)
# The opening fence of a MyST directive: ```{name} argument (or more backticks, or colons)
FENCE_RE = re.compile(r"^(`{3,}|:{3,})\{([a-z][\w-]*)\}[ \t]*(.*)$")
OPTION_RE = re.compile(r"^:([\w-]+):[ \t]*(.*)$")
ADMONITIONS = {
    "note",
    "tip",
    "hint",
    "important",
    "warning",
    "caution",
    "attention",
    "seealso",
    "danger",
    "error",
}


@dataclass(frozen=True)
class Repository:
    """Where the book's sources live on GitHub: the one place every link is built from."""

    url: str  # https://github.com/<org>/<name>
    branch: str
    path_to_book: str  # folder of _config.yml inside the repository ("" for the root)

    @property
    def org(self) -> str:
        return urlsplit(self.url).path.strip("/").split("/")[0]

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.strip("/").split("/")[1]

    def repo_path(self, path: str) -> str:
        """Path inside the repository of ``path`` (relative to the book's root folder)."""
        prefix = self.path_to_book.strip("/")
        return f"{prefix}/{path}" if prefix else path

    def colab_url(self, notebook: str) -> str:
        """Colab link of a notebook, given relative to the book's root folder."""
        return (
            f"https://colab.research.google.com/github/{self.org}/{self.name}/blob/{self.branch}/"
            f"{self.repo_path(notebook)}"
        )

    def binder_url(self, notebook: str, binderhub: str = "https://mybinder.org") -> str:
        """Binder link that opens a notebook in JupyterLab."""
        return (
            f"{binderhub.rstrip('/')}/v2/gh/{self.org}/{self.name}/{self.branch}"
            f"?urlpath=lab/tree/{self.repo_path(notebook)}"
        )

    def raw_url(self, path: str) -> str:
        """URL of a file's raw bytes on GitHub (path relative to the book's root folder)."""
        return (
            f"https://raw.githubusercontent.com/{self.org}/{self.name}/{self.branch}/{self.repo_path(path)}"
        )

    def requirement(self, ref: str) -> str:
        """pip requirement of the companion package from git at ``ref``."""
        return f"dlbook @ git+{self.url}@{ref}#subdirectory=code"


def load_config(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))


def repository(root: Path = ROOT) -> Repository:
    """The ``repository:`` block of ``_config.yml``.

    Raises:
        ValueError: if the url is not ``https://github.com/<org>/<name>`` or the branch is missing.
    """
    repo = load_config(root).get("repository") or {}
    url = str(repo.get("url", "")).rstrip("/")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"repository.url must be https://github.com/<org>/<name>; got {url!r}")
    branch = str(repo.get("branch") or "")
    if not branch:
        raise ValueError("repository.branch must be set in _config.yml; got nothing")
    return Repository(url=url, branch=branch, path_to_book=str(repo.get("path_to_book") or ""))


def package_version(root: Path = ROOT) -> str:
    """Version of the companion package, from ``code/pyproject.toml``."""
    project = tomllib.loads((root / "code" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return str(project["version"])


def install_ref(root: Path = ROOT) -> str:
    """Git ref the notebooks install ``dlbook`` from: the release tag ``v<version>``."""
    return f"v{package_version(root)}"


def toc_files(root: Path = ROOT) -> list[str]:
    """Every file named in ``_toc.yml``, in order, without suffix (e.g. ``book/index``)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    for key in ("parts", "chapters", "sections"):
        walk(toc.get(key, []))
    return [str(Path(f).with_suffix("")) if f.endswith(".md") else f for f in files]


def front_matter(path: Path) -> dict:
    """The YAML front matter of a Markdown page ({} when it has none)."""
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


def is_executable(page: Path) -> bool:
    """True for a MyST notebook page: its front matter names a kernel (as the theme checks)."""
    return "kernelspec" in front_matter(page)


def executable_pages(root: Path = ROOT) -> list[Path]:
    """The toc's MyST pages that are notebooks, in toc order."""
    pages = [root / f"{name}.md" for name in toc_files(root)]
    return [page for page in pages if page.is_file() and is_executable(page)]


def setup_source(requirement: str, needs_glue: bool) -> str:
    """Source of the first cell: install ``dlbook`` when missing (and a glue for Colab)."""
    lines = [
        "# Set-up for Colab and other fresh kernels; this cell is not shown in the book.",
        "# It installs the book's companion package `dlbook` (at this book's release) when it is missing.",
        "import importlib",
        "import importlib.util",
        "import subprocess",
        "import sys",
        "",
        'if importlib.util.find_spec("dlbook") is None:',
        f"    requirement = {requirement!r}",
        '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", requirement], check=True)',
        "    importlib.invalidate_caches()",
    ]
    if needs_glue:
        lines += [
            "",
            "# The book passes computed numbers to its text with myst_nb.glue; in a plain notebook",
            "# glue(name, value) only has to show the value when display=True.",
            'if importlib.util.find_spec("myst_nb") is None:',
            "    import types",
            "",
            "    from IPython.display import display as _display",
            "",
            "    def glue(name, variable, display=True):",
            "        if display:",
            "            _display(variable)",
            "",
            '    sys.modules["myst_nb"] = types.ModuleType("myst_nb")',
            '    sys.modules["myst_nb"].glue = glue',
        ]
    return "\n".join(lines)


def absolute_images(source: str, page_dir: str, repo: Repository) -> str:
    """Make relative image paths in Markdown absolute (raw files on GitHub)."""

    def fix(match: re.Match[str]) -> str:
        target = match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^/|^#", target):
            return match.group(0)
        path = posixpath.normpath(posixpath.join(page_dir, target))
        return match.group(1) + repo.raw_url(path)

    return DIRECTIVE_IMAGE_RE.sub(fix, MD_IMAGE_RE.sub(fix, source))


def plain_roles(source: str) -> str:
    """Write the MyST roles of a Markdown cell as plain Markdown (see the module docstring)."""

    def plain(match: re.Match[str]) -> str:
        role, content = match.group(1), match.group(2).strip()
        titled = re.fullmatch(r"(.*?)\s*<([^>]+)>", content, re.DOTALL)
        text, target = (titled.group(1), titled.group(2)) if titled else ("", content)
        if role.startswith("cite"):
            keys = ", ".join(k.strip() for k in target.split(","))
            return keys if role == "cite:t" else f"[{keys}]"
        if role.startswith("glue"):
            return f"`{target.split(':')[0]}`"
        if role == "math":
            return f"${content}$"
        if role in ("term", "doc", "ref", "numref", "eq", "abbr"):
            return (text.replace("%s", "").strip() or target) if role != "term" else (text or target)
        return f"`{text or target.lstrip('~.')}`"

    return ROLE_RE.sub(plain, source)


def _directives(source: str) -> list[tuple[str, str, dict[str, str], str] | str]:
    """Split Markdown into plain lines and directives ``(name, argument, options, body)``."""
    lines = source.split("\n")
    out: list[tuple[str, str, dict[str, str], str] | str] = []
    i = 0
    while i < len(lines):
        match = FENCE_RE.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        fence, name, argument = match.groups()
        j = i + 1
        options: dict[str, str] = {}
        while j < len(lines) and (option := OPTION_RE.match(lines[j])):
            options[option.group(1)] = option.group(2).strip()
            j += 1
        body = []
        while j < len(lines) and lines[j].strip() != fence:
            body.append(lines[j])
            j += 1
        out.append((name, argument.strip(), options, "\n".join(body).strip("\n")))
        i = j + 1
    return out


def plain_directives(source: str) -> str:
    """Write the MyST directives of a Markdown cell that Jupyter cannot show as plain Markdown.

    Admonitions become block quotes with a bold title; an exercise a heading with its label (the name
    that ``dlbook.exercises.check`` takes); a solution a collapsed ``<details>`` block, or, for the
    gated form whose code cells follow, a "Solution" heading. Other directives are left as they are.
    """
    parts = []
    for item in _directives(source):
        if isinstance(item, str):
            parts.append(item)
            continue
        name, argument, options, body = item
        body = plain_directives(body)
        if name == "admonition" or name in ADMONITIONS:
            title = argument if name == "admonition" else name.capitalize()
            quoted = "\n".join(f"> {line}".rstrip() for line in body.split("\n"))
            parts.append(f"> **{title}**\n>\n{quoted}")
        elif name in ("exercise", "exercise-start"):
            label = options.get("label", "")
            heading = f"### Exercise {label}" + (f": {argument}" if argument else "")
            parts.append(heading + (f"\n\n{body}" if body else ""))
        elif name == "solution":
            parts.append(f"<details>\n<summary>Solution to {argument}</summary>\n\n{body}\n\n</details>")
        elif name == "solution-start":
            parts.append(f"#### Solution to {argument}\n\nTry the exercise first: the cells below solve it.")
        elif name in ("exercise-end", "solution-end"):
            continue
        else:
            fence = "````" if "```" in body else "```"
            head = f"{fence}{{{name}}}" + (f" {argument}" if argument else "")
            opts = "".join(f"\n:{k}: {v}" for k, v in options.items())
            parts.append(f"{head}{opts}\n{body}\n{fence}")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(parts)).strip("\n")


def make_notebook(page: Path, root: Path = ROOT) -> nbformat.NotebookNode:
    """The Colab notebook of one MyST page (no outputs, deterministic cell ids)."""
    repo = repository(root)
    text = page.read_text(encoding="utf-8")
    page_nb = jupytext.reads(text, fmt="md:myst")
    code = "\n".join(c.source for c in page_nb.cells if c.cell_type == "code")
    needs_glue = re.search(r"\bmyst_nb\b", code) is not None
    page_dir = page.parent.relative_to(root).as_posix()

    nb = nbformat.v4.new_notebook()
    nb.nbformat_minor = NBFORMAT_MINOR
    nb.metadata = {
        "kernelspec": page_nb.metadata.get(
            "kernelspec", {"display_name": "Python 3", "language": "python", "name": "python3"}
        ),
        "language_info": {"name": "python"},
    }
    setup = nbformat.v4.new_code_cell(
        setup_source(repo.requirement(install_ref(root)), needs_glue),
        metadata={"tags": list(SETUP_TAGS)},
    )
    setup.id = SETUP_CELL_ID
    nb.cells.append(setup)
    in_solution = False  # between {solution-start} and {solution-end}: the code cells are collapsed
    for i, cell in enumerate(page_nb.cells, start=1):
        metadata = dict(cell.metadata)
        if cell.cell_type == "code":
            if in_solution:
                metadata["jupyter"] = {**metadata.get("jupyter", {}), "source_hidden": True}
            new = nbformat.v4.new_code_cell(cell.source, metadata=metadata)
        elif cell.cell_type == "markdown":
            for line in cell.source.split("\n"):
                fence = FENCE_RE.match(line)
                if fence and fence.group(2) in ("solution-start", "solution-end"):
                    in_solution = fence.group(2) == "solution-start"
            source = plain_roles(plain_directives(absolute_images(cell.source, page_dir, repo)))
            if not source.strip():
                continue
            new = nbformat.v4.new_markdown_cell(source, metadata=metadata)
        else:
            new = nbformat.v4.new_raw_cell(cell.source, metadata=metadata)
        new.id = f"cell-{i}"
        nb.cells.append(new)
    nbformat.validate(nb)
    return nb


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """The exact text written to disk (nbformat's JSON, one trailing newline)."""
    return nbformat.writes(nb, version=4) + "\n"


def expected_notebooks(root: Path = ROOT) -> dict[Path, str]:
    """Every notebook that should exist beside a page, with its text."""
    return {
        page.with_suffix(".ipynb"): notebook_text(make_notebook(page, root))
        for page in executable_pages(root)
    }


def stale_notebooks(root: Path = ROOT) -> list[Path]:
    """Notebooks under book/ that belong to no executable page any more."""
    wanted = set(expected_notebooks(root))
    return sorted(
        p for p in (root / "book").rglob("*.ipynb") if p not in wanted and ".ipynb_checkpoints" not in p.parts
    )


def check(root: Path = ROOT) -> list[str]:
    """Problems with the committed notebooks (empty when they match their pages)."""
    problems = []
    for path, text in expected_notebooks(root).items():
        rel = path.relative_to(root)
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{rel}: differs from its page {rel.with_suffix('.md')}")
    problems += [f"{p.relative_to(root)}: no executable page of that name" for p in stale_notebooks(root)]
    return problems


def write(root: Path = ROOT) -> list[Path]:
    """Write every notebook that changed and delete stale ones; returns the paths touched."""
    touched = []
    for path, text in expected_notebooks(root).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            touched.append(path)
    for path in stale_notebooks(root):
        path.unlink()
        touched.append(path)
    return touched


def badges(root: Path = ROOT) -> str:
    """README badges (Markdown): the book's folder in Binder's JupyterLab, its first notebook in Colab."""
    repo = repository(root)
    pages = executable_pages(root)
    lines = [f"[![Binder](https://mybinder.org/badge_logo.svg)]({repo.binder_url('book')})"]
    if pages:
        first = pages[0].relative_to(root).with_suffix(".ipynb").as_posix()
        badge = "https://colab.research.google.com/assets/colab-badge.svg"
        lines.append(f"[![Open In Colab]({badge})]({repo.colab_url(first)})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report drift instead of writing")
    parser.add_argument("--badges", action="store_true", help="print the README badges")
    args = parser.parse_args(argv)
    if args.badges:
        print(badges())
        return 0
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("run `make notebooks` to regenerate them", file=sys.stderr)
        return 1 if problems else 0
    for path in write():
        print(("wrote " if path.exists() else "deleted ") + str(path.relative_to(ROOT)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
