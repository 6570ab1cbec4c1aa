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
* then the page's title, a line saying where the page is published and that the numbers in its text are
  those of the book's build, and the page's cells, without outputs, with relative image paths in
  Markdown made absolute (raw files on GitHub), because a Colab notebook has no checkout beside it.
  MyST roles and directives, which plain Markdown cannot show, are written as Markdown with links to the
  published book (``html.baseurl``): a citation as author-year text linked to its bibliography entry, a
  glossary term linked to its entry, a glued value as the number the build computed (read from the
  execution cache of ``make book``), admonitions as block quotes, exercises as headings and solutions
  collapsed (see :func:`plain_roles` and :func:`plain_directives`).

Everything that names the repository (Colab, Binder, the install requirement, README badges) is built
here from ``repository:`` in ``_config.yml`` (url, branch, path_to_book) and nowhere else.

Usage::

    python tools/notebooks.py           # after `make book`: write every notebook, delete stale ones
    python tools/notebooks.py --check   # exit 1 if a notebook is missing, stale or drifted
    python tools/notebooks.py --badges  # print the README badges (Markdown)
"""

from __future__ import annotations

import argparse
import ast
import functools
import os
import posixpath
import re
import sys
import unicodedata
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Links:
    """What a notebook's Markdown links to: the published site, the bibliography and the build's values."""

    site: str  # the book's published URL, ending in "/"
    citations: dict[str, str]  # cite key -> "Author (year)" text, "Bi & Poo (1998)"
    values: dict[str, str] | None  # glue name -> its value as the page's build showed it (None: unknown)
    terms: dict[str, str] = field(default_factory=dict)  # glossary term, lower case -> as defined

    def page(self, docname: str, anchor: str = "") -> str:
        return f"{self.site}{docname.strip('/')}.html" + (f"#{anchor}" if anchor else "")


def site_url(root: Path = ROOT) -> str:
    """The published book's URL, ``html.baseurl`` of ``_config.yml`` (with a trailing slash)."""
    url = str((load_config(root).get("html") or {}).get("baseurl") or "")
    if not re.fullmatch(r"https://[\w.-]+/([\w.-]+/)*", url):
        raise ValueError(f"html.baseurl must be the book's https URL ending in '/'; got {url!r}")
    return url


@functools.lru_cache(maxsize=8)
def citations(root: Path = ROOT) -> dict[str, str]:
    """Author-year text of every entry of book/references.bib: one, two (A & B) or three+ (A et al.)."""
    path = root / "book" / "references.bib"
    if not path.is_file():
        return {}
    import latexcodec  # noqa: F401  (registers the 'latex' codec)
    from pybtex.database import parse_file

    out = {}
    for key, entry in parse_file(str(path)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        # LaTeX accents to Unicode with latexcodec (fast; pybtex's renderer scans plugins on every call)
        names = [" ".join(p.last_names).encode().decode("latex") for p in people]
        names = [name.replace("{", "").replace("}", "") for name in names]
        who = names[0] if len(names) == 1 else " & ".join(names) if len(names) == 2 else f"{names[0]} et al."
        out[key] = f"{who or key} ({entry.fields.get('year', 'n.d.')})"
    return out


@functools.lru_cache(maxsize=8)
def glossary_terms(root: Path = ROOT) -> dict[str, str]:
    """The terms ``book/glossary.md`` defines, by lower case (a ``{term}`` role may differ in case)."""
    path = root / "book" / "glossary.md"
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    block = text[text.index("{glossary}") :] if "{glossary}" in text else ""
    terms = re.findall(r"^([^\s:`][^\n]*)\n  \S", block, re.MULTILINE)
    return {term.strip().lower(): term.strip() for term in terms}


def anchor_id(text: str) -> str:
    """The id Sphinx gives a glossary term (as ``sphinx.util.nodes._make_id`` does for plain text)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"^[-0-9_.]+|[-.]+$", "", re.sub(r"[^a-zA-Z0-9._]+", "-", " ".join(ascii_text.split())))


def cite_anchor(key: str) -> str:
    """The id of a work's entry on the bibliography page (``bibtex_cite_id: "cite-{key}"``)."""
    return "cite-" + anchor_id(key).lower()


def glue_span(name: str, value: str | None) -> str:
    """A glued value in a notebook: the build's value, marked so that a drift check can ignore it."""
    return f'<span title="computed by the book\'s build: {name}">{value if value is not None else "…"}</span>'


# Matches a glued value in Markdown and in a notebook's JSON text, where the quotes are escaped.
GLUE_SPAN_RE = re.compile(r'(<span title=\\?"computed by the book\'s build: [^"\\]+\\?">)[^<]*(</span>)')


def plain_roles(source: str, links: Links | None = None) -> str:
    """Write the MyST roles of a Markdown cell as plain Markdown with links to the published book.

    A citation becomes author-year text linked to its bibliography entry, a glossary term a link to its
    entry, a page reference a link to the page, an API name a link to its documentation, and a glued
    value the value the book's build computed (see :func:`glue_span`).
    """

    def plain(match: re.Match[str]) -> str:
        role, content = match.group(1), match.group(2).strip()
        titled = re.fullmatch(r"(.*?)\s*<([^>]+)>", content, re.DOTALL)
        text, target = (titled.group(1), titled.group(2)) if titled else ("", content)
        if role.startswith("cite"):
            keys = [k.strip() for k in target.split(",")]
            if links is None:
                return ", ".join(keys) if role == "cite:t" else f"[{', '.join(keys)}]"
            bib = "book/bibliography"
            cited = [f"[{links.citations.get(k, k)}]({links.page(bib, cite_anchor(k))})" for k in keys]
            return "; ".join(cited) if role == "cite:t" else f"({'; '.join(cited)})"
        if role.startswith("glue"):
            name, _, spec = target.partition(":")
            value = None
            if links is not None and links.values is not None:
                if name not in links.values:
                    raise KeyError(f"glue value {name!r} is not in the build's executed notebook")
                value = format_value(links.values[name], spec)
            return glue_span(name, value)
        if role == "math":
            return f"${content}$"
        if role == "term":
            shown = text or target
            if links is None:
                return shown
            defined = links.terms.get(target.strip().lower(), target)
            return f"[{shown}]({links.page('book/glossary', 'term-' + anchor_id(defined))})"
        if role == "doc":
            shown = text or target
            return f"[{shown}]({links.page(target)})" if links and target.startswith("/") else shown
        if role in ("ref", "numref", "eq", "abbr"):
            return text.replace("%s", "").strip() or target
        name = (text or target).lstrip("~.")
        if links and re.fullmatch(r"dlbook(\.\w+)+", target.lstrip("~.")):
            anchor = ("module-" if role in ("mod", "py:mod") else "") + target.lstrip("~.")
            return f"[`{name}`]({links.page('book/api', anchor)})"
        return f"`{name}`"

    return ROLE_RE.sub(plain, source)


def format_value(text: str, spec: str) -> str:
    """A glued value (its ``repr``) formatted with the page's format spec, as MyST-NB shows it."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text.strip("'\"")
    if isinstance(value, str):
        return value
    return format(value, spec) if spec else str(value)


def build_values(page: Path, cache_dir: Path, root: Path = ROOT) -> dict[str, str]:
    """The glue values of ``page``'s executed notebook in the execution cache (their ``repr`` text).

    Raises:
        LookupError: if the cache holds no run of the page with its current code cells.
    """
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    # Any run of a page at the same place in a book (the cache may come from a copy of the project);
    # only a run with the page's current code cells counts.
    tail = "/" + page.resolve().relative_to(root.resolve()).as_posix()
    runs = [r for r in cache.list_cache_records() if Path(r.uri).as_posix().endswith(tail)]
    cells = [c.source for c in jupytext.read(page).cells if c.cell_type == "code"]
    for record in sorted(runs, key=lambda r: r.created, reverse=True):
        nb = cache.get_cache_bundle(record.pk).nb
        if [c["source"] for c in nb.cells if c["cell_type"] == "code"] != cells:
            continue
        values = {}
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                scrap = output.get("metadata", {}).get("scrapbook")
                if scrap:
                    values[scrap["name"]] = output["data"].get(
                        scrap.get("mime_prefix", "") + "text/plain", ""
                    )
        return values
    raise LookupError(f"{page}: the execution cache {cache_dir} has no run of this page as it is now")


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


def make_notebook(
    page: Path, root: Path = ROOT, values: dict[str, str] | None = None
) -> nbformat.NotebookNode:
    """The Colab notebook of one MyST page (no outputs, deterministic cell ids).

    ``values`` are the page's glue values from the book's build (:func:`build_values`); without them a
    glued value is written as a placeholder, which is how :func:`check` compares notebooks.
    """
    repo = repository(root)
    links = Links(site=site_url(root), citations=citations(root), terms=glossary_terms(root), values=values)
    docname = page.relative_to(root).with_suffix("").as_posix()
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
            source = plain_roles(plain_directives(absolute_images(cell.source, page_dir, repo)), links)
            if not source.strip():
                continue
            new = nbformat.v4.new_markdown_cell(source, metadata=metadata)
            if not any(c.cell_type == "markdown" for c in nb.cells):  # after the title: where it comes from
                new.id = f"cell-{i}"
                nb.cells.append(new)
                about = nbformat.v4.new_markdown_cell(
                    f"*A page of the executable textbook, online at <{links.page(docname)}>. The numbers in "
                    "the text are those the book's build computed; running the cells computes them again "
                    "on your machine.*"
                )
                about.id = "about"
                nb.cells.append(about)
                continue
        else:
            new = nbformat.v4.new_raw_cell(cell.source, metadata=metadata)
        new.id = f"cell-{i}"
        nb.cells.append(new)
    nbformat.validate(nb)
    return nb


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """The exact text written to disk (nbformat's JSON, one trailing newline)."""
    return nbformat.writes(nb, version=4) + "\n"


def default_cache(root: Path = ROOT) -> Path:
    """The execution cache of ``make book``: ``$DLBOOK_EXECUTION_CACHE`` or ``_build/.jupyter_cache``."""
    env = os.environ.get("DLBOOK_EXECUTION_CACHE")
    return Path(env) if env else root / "_build" / ".jupyter_cache"


def expected_notebooks(root: Path = ROOT, cache_dir: Path | None = None) -> dict[Path, str]:
    """Every notebook that should exist beside a page, with its text (values from ``cache_dir``)."""
    return {
        page.with_suffix(".ipynb"): notebook_text(
            make_notebook(page, root, build_values(page, cache_dir, root) if cache_dir else None)
        )
        for page in executable_pages(root)
    }


def stale_notebooks(root: Path = ROOT) -> list[Path]:
    """Notebooks under book/ that belong to no executable page any more."""
    wanted = set(expected_notebooks(root))
    return sorted(
        p for p in (root / "book").rglob("*.ipynb") if p not in wanted and ".ipynb_checkpoints" not in p.parts
    )


def without_values(text: str) -> str:
    """A notebook's text with the build's glued values replaced by the placeholder."""
    return GLUE_SPAN_RE.sub(lambda m: f"{m.group(1)}…{m.group(2)}", text)


def check(root: Path = ROOT, *, require_values: bool = True) -> list[str]:
    """Problems with the committed notebooks (empty when they match their pages).

    The glued values are not compared: they are whatever the build that wrote the notebooks computed;
    with ``require_values`` a notebook written without them is a problem.
    """
    problems = []
    for path, text in expected_notebooks(root).items():
        rel = path.relative_to(root)
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif without_values(path.read_text(encoding="utf-8")) != text:
            problems.append(f"{rel}: differs from its page {rel.with_suffix('.md')}")
        elif require_values and "…</span>" in path.read_text(encoding="utf-8"):
            problems.append(
                f"{rel}: written without the build's values (run `make notebooks` after `make book`)"
            )
    problems += [f"{p.relative_to(root)}: no executable page of that name" for p in stale_notebooks(root)]
    return problems


def write(root: Path = ROOT, cache_dir: Path | None = None, *, with_values: bool = True) -> list[Path]:
    """Write every notebook that changed and delete stale ones; returns the paths touched.

    The glued values come from the execution cache of the last build (:func:`default_cache`); without
    ``with_values`` they are written as placeholders (for tests of the notebooks' structure).

    Raises:
        FileNotFoundError: if there is no execution cache (run ``make book`` first).
        LookupError: if the cache holds no run of a page as it is now.
    """
    cache = (cache_dir or default_cache(root)) if with_values else None
    if cache is not None and not cache.is_dir():
        raise FileNotFoundError(f"no execution cache at {cache}: build the book first (make book)")
    touched = []
    for path, text in expected_notebooks(root, cache).items():
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
    try:
        touched = write()
    except (FileNotFoundError, LookupError) as exc:
        print(f"notebooks: {exc}", file=sys.stderr)
        return 1
    for path in touched:
        print(("wrote " if path.exists() else "deleted ") + str(path.relative_to(ROOT)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
