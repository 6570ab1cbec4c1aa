"""The built site is ready to be shared and kept: link previews, sitemap, robots.txt, executed notebooks.

Everything is read from the book the session built (``built_book``); the addresses must all derive from
``html.baseurl`` in ``_config.yml``. The 404 page is checked in the browser (``test_site_browser.py``).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, BuiltBook, notebooks
from PIL import Image

pytestmark = pytest.mark.slow

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
BASE = CONFIG["html"]["baseurl"].rstrip("/") + "/"
PAGES = notebooks.toc_files()
EXECUTABLE = [p.relative_to(ROOT).with_suffix("").as_posix() for p in notebooks.executable_pages()]


def meta(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {
        tag.get("property") or tag.get("name"): tag.get("content", "")
        for tag in soup.find_all("meta")
        if tag.get("property") or tag.get("name")
    }


def local(url: str, built_book: BuiltBook):
    """The file of the built site that an absolute URL of the published site points at."""
    assert url.startswith(BASE), f"{url} is not under {BASE}"
    return built_book.html / url[len(BASE) :]


@pytest.mark.parametrize("docname", PAGES)
def test_every_page_has_absolute_link_preview_tags(built_book: BuiltBook, docname: str) -> None:
    tags = meta((built_book.html / f"{docname}.html").read_text(encoding="utf-8"))
    assert tags["og:url"] == urljoin(BASE, f"{docname}.html")
    assert tags["og:title"].strip() and tags["og:site_name"] == CONFIG["title"]
    assert len(tags["og:description"]) >= 40 and tags["description"] == tags["og:description"]
    image = tags["og:image"]
    assert urlsplit(image).scheme == "https" and local(image, built_book).is_file()
    assert tags["og:image:alt"].strip()


def test_the_preview_image_is_drawn_at_the_size_link_previews_use(built_book: BuiltBook) -> None:
    tags = meta((built_book.html / "book/index.html").read_text(encoding="utf-8"))
    with Image.open(local(tags["og:image"], built_book)) as image:
        assert image.size == (1200, 630)
        pixels = image.convert("L").getextrema()
    assert pixels[1] - pixels[0] > 100, "the preview image is blank"


def test_sitemap_lists_every_page_with_absolute_urls_and_robots_points_at_it(built_book: BuiltBook) -> None:
    tree = ET.parse(built_book.html / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in tree.getroot().findall("s:url/s:loc", ns)]
    assert len(urls) == len(set(urls))
    assert {urljoin(BASE, f"{d}.html") for d in PAGES} <= set(urls)
    for url in urls:
        assert local(url, built_book).is_file(), url
    assert not any(u.endswith(("search.html", "genindex.html", "404.html")) for u in urls)
    robots = (built_book.html / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {BASE}sitemap.xml" in robots


@pytest.mark.parametrize("docname", EXECUTABLE)
def test_executed_notebook_is_offered_with_the_builds_outputs(built_book: BuiltBook, docname: str) -> None:
    page = built_book.html / f"{docname}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in soup.find_all("a", href=True) if "_executed/" in a["href"]]
    assert len(links) == 1, links
    path = (page.parent / links[0]).resolve()
    assert path == (built_book.html / "_executed" / f"{docname}.ipynb").resolve() and path.is_file()
    nb = json.loads(path.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert outputs, "the executed notebook has no outputs"
    assert not [o for o in outputs if o.get("output_type") == "error"]
    figures = (ROOT / f"{docname}.md").read_text(encoding="utf-8").count(":  figure:")
    images = sum("image/png" in o.get("data", {}) for o in outputs)
    assert images >= figures, f"{images} images for {figures} figures"
