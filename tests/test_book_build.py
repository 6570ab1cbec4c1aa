"""Content tests of the whole book, built once from a clean execution cache (see conftest.py).

The tests that take the ``built_book`` fixture are marked ``slow`` (they build the book); the checks of
the sources alone (table of contents, API page, references.bib) are quick and are not.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, BuiltBook, article, notebooks, text_of

CITE_RE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
BIBKEY_RE = re.compile(r"^@\w+\{([^,\s]+),", re.MULTILINE)


def toc_files() -> list[str]:
    """Every page named in _toc.yml, as a path without suffix (e.g. ``book/index``)."""
    return notebooks.toc_files()


def shown_glue(book: BuiltBook, docname: str) -> list[str]:
    """What a page shows where its text pastes a glued value (``{glue:text}`name:format```), in page order.

    The page tests compare these formatted numbers with the glued values (``conftest.glue_values``), so
    they check that the page shows what it computed without depending on the sentence around it.
    """
    return [text_of(span).strip() for span in article(book, docname).select("span.pasted-text")]


def assert_shows(book: BuiltBook, docname: str, *formatted: str) -> None:
    """Assert that the page pastes each of the ``formatted`` values (``f"{value:.2f}"``) into its text."""
    shown = shown_glue(book, docname)
    missing = [f for f in formatted if f not in shown]
    assert not missing, f"{docname} does not show {missing} in its text; it pastes {shown}"


def printed_lines(book: BuiltBook, docname: str) -> list[str]:
    """Every line the page's code cells printed (their stdout), read from the build's executed notebook.

    For what a page shows only as a cell's output, not as a glued value.
    """
    from jupyter_cache import get_cache

    cache = get_cache(str(book.cache))
    records = [r for r in cache.list_cache_records() if r.uri == str(ROOT / f"{docname}.md")]
    assert records, f"{docname}: no executed notebook in the build's cache"
    nb = cache.get_cache_bundle(max(records, key=lambda r: r.created).pk).nb
    return [
        line
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stdout"
        for line in "".join(output["text"]).splitlines()
    ]


def page_html(book: BuiltBook, docname: str) -> BeautifulSoup:
    return BeautifulSoup((book.html / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def test_toc_lists_every_page_once_and_each_source_exists() -> None:
    files = toc_files()
    assert len(files) == len(set(files)), "a page is listed twice in _toc.yml"
    for name in files:
        assert (ROOT / f"{name}.md").is_file(), f"_toc.yml names {name} but {name}.md is missing"
    pages = {p.relative_to(ROOT).with_suffix("").as_posix() for p in (ROOT / "book").rglob("*.md")}
    assert pages == set(files), f"pages not in the toc: {sorted(pages - set(files))}"


@pytest.mark.slow
def test_build_has_no_warnings(built_book: BuiltBook) -> None:
    warnings = [line for line in built_book.log.splitlines() if re.search(r"\bWARNING\b", line)]
    # The ipykernel banner about TCP transport is printed by kernels, not by Sphinx.
    warnings = [w for w in warnings if "Kernel is running over TCP" not in w]
    assert warnings == []


@pytest.mark.slow
def test_one_html_page_per_toc_entry(built_book: BuiltBook) -> None:
    for name in toc_files():
        path = built_book.html / f"{name}.html"
        assert path.is_file(), f"no HTML for {name}"
        title = page_html(built_book, name).find("h1")
        assert title is not None and title.get_text(strip=True), f"{name} has no title"


@pytest.mark.slow
@pytest.mark.parametrize("docname", toc_files())
def test_no_error_traceback_or_stderr_in_cells(built_book: BuiltBook, docname: str) -> None:
    main = article(built_book, docname)
    for cls in ("stderr", "traceback", "error"):
        bad = main.select(f"div.output.{cls}, div.cell_output .{cls}")
        assert not bad, f"{docname}: a cell shows {cls} output: {bad[0].get_text()[:300]}"
    text = main.get_text()
    for marker in ("Traceback (most recent call last)", "Warning:", "DeprecationWarning"):
        outputs = " ".join(o.get_text() for o in main.select("div.cell_output"))
        assert marker not in outputs, f"{docname}: cell output contains {marker!r}"
    assert "(Being written.)" not in text, f"{docname} still has the skeleton's stub text"


@pytest.mark.slow
@pytest.mark.parametrize("docname", toc_files())
def test_images_exist_and_have_alt_text(built_book: BuiltBook, docname: str) -> None:
    page = built_book.html / f"{docname}.html"
    for img in article(built_book, docname).find_all("img"):
        src = img.get("src", "")
        assert src and not src.startswith("data:"), f"{docname}: image without a file: {src[:60]}"
        if urlsplit(src).scheme:
            continue  # an external badge; not built here
        target = (page.parent / unquote(urlsplit(src).path)).resolve()
        assert target.is_file() and target.stat().st_size > 0, f"{docname}: {src} is missing or empty"
        assert img.get("alt", "").strip(), f"{docname}: image {src} has no alt text"


@pytest.mark.slow
@pytest.mark.parametrize("docname", toc_files())
def test_every_figure_of_a_page_is_numbered_and_captioned(built_book: BuiltBook, docname: str) -> None:
    """Every image a page's code draws sits in a numbered figure with a caption, on the built page."""
    for img in article(built_book, docname).select(".cell_output img"):
        figure = img.find_parent("figure")
        assert figure is not None and figure.get("id"), (
            f"{docname}: {img.get('src')} is not in a named figure"
        )
        caption = figure.find("figcaption")
        number = caption.find(class_="caption-number") if caption else None
        assert number is not None and number.get_text().strip().startswith("Fig."), (
            f"{docname}: figure {figure['id']} has no numbered caption"
        )
        text = caption.get_text(" ", strip=True).removeprefix(number.get_text(" ", strip=True)).strip()
        assert len(text) >= 20, f"{docname}: figure {figure['id']} has a caption too short to describe it"


@pytest.mark.slow
def test_internal_links_and_anchors_resolve(built_book: BuiltBook) -> None:
    ids: dict[Path, set[str]] = {}

    def anchors(path: Path) -> set[str]:
        if path not in ids:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids[path] = {t["id"] for t in soup.find_all(id=True)} | {
                t["name"] for t in soup.find_all("a", attrs={"name": True})
            }
        return ids[path]

    broken = []
    for name in toc_files():
        page = built_book.html / f"{name}.html"
        for a in article(built_book, name).find_all("a", href=True):
            href = a["href"]
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "//")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{name}: {href} (no file)")
            elif (
                parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in anchors(target)
            ):
                broken.append(f"{name}: {href} (no anchor)")
    assert broken == []


def cited_keys() -> set[str]:
    keys: set[str] = set()
    for path in (ROOT / "book").rglob("*.md"):
        for group in CITE_RE.findall(path.read_text(encoding="utf-8")):
            keys.update(k.strip() for k in group.split(","))
    return keys


def test_api_page_documents_every_module_of_the_package() -> None:
    package = ROOT / "code" / "dlbook"
    subpackages = {p.parent.name for p in package.glob("*/__init__.py")}  # dlbook.exercises
    modules = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")} | subpackages
    api = (ROOT / "book" / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\.\. automodule:: dlbook\.(\w+)$", api, flags=re.MULTILINE))
    assert modules <= documented, f"modules missing from book/api.md: {sorted(modules - documented)}"
    assert documented <= modules, (
        f"book/api.md documents modules that do not exist: {sorted(documented - modules)}"
    )


def test_every_citation_is_in_references_bib() -> None:
    bib = set(BIBKEY_RE.findall((ROOT / "book" / "references.bib").read_text(encoding="utf-8")))
    missing = cited_keys() - bib
    assert not missing, f"cited but not in references.bib: {sorted(missing)}"


def test_references_bib_has_no_duplicate_keys() -> None:
    keys = BIBKEY_RE.findall((ROOT / "book" / "references.bib").read_text(encoding="utf-8"))
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    assert dupes == []


@pytest.mark.slow
def test_bibliography_lists_each_cited_work(built_book: BuiltBook) -> None:
    soup = page_html(built_book, "book/bibliography")
    entries = soup.select('[role="doc-biblioentry"], div.citation')
    entry_ids = {e.get("id") for e in entries}
    assert len(entry_ids) == len(cited_keys()), "the bibliography must list exactly the cited works"
    # every citation link in the pages points at one of those entries
    for name in toc_files():
        for a in article(built_book, name).select("a[href*='bibliography.html#']"):
            fragment = a["href"].split("#", 1)[1]
            assert fragment in entry_ids, f"{name}: citation {a.get_text()!r} points nowhere"


@pytest.mark.slow
def test_landing_page_and_glossary_exist(built_book: BuiltBook) -> None:
    glossary = article(built_book, "book/glossary")
    assert len(glossary.select("dl.glossary dt")) >= 10, "the glossary should define the book's core terms"
    assert (built_book.html / "index.html").is_file()
