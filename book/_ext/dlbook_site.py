"""Sphinx extension: corrections to the packages that render the book.

One is for speed. **pybtex looks its plugins up again for every citation**: sphinxcontrib-bibtex calls
``pybtex.plugin.find_plugin`` for each of the book's roughly 280 citations, and each call scans the
entry points of every installed distribution (about 10 ms each, some 3 s of every build). The lookup
of an installed plugin by group and name is remembered (:func:`remember_pybtex_plugins`).

The others were found by the browser tests. ``tests/test_site_browser.py`` loads every page in
Chromium and scans it with axe-core. Three defects of the packages that render the book (not of our
pages) are corrected here, each where it is made:

* **A repeated inline script.** sphinx-thebe adds its inline configuration script
  (``const THEBE_JS_URL = ...``) after the HTML builder has started; Sphinx 7.4 then lists it twice
  on every page (once with filename ``None``, once with ``""``) and the browser logs "Identifier
  'THEBE_JS_URL' has already been declared". Repeated inline scripts (same body and attributes) are
  dropped before each page is written.
* **Nameless disclosure buttons in the navigation** (axe rule ``summary-name``, serious).
  pydata-sphinx-theme makes each chapter of the sidebar collapsible with a ``<summary>`` that holds
  only a chevron icon, so screen readers announce an unnamed control. Each such ``<summary>`` gets an
  ``aria-label`` naming the chapter whose sections it shows or hides.
* **Bibliography entries that break their list** (axe rule ``aria-required-children``, critical).
  docutils writes the references as ``<div role="list">`` whose items carry
  ``role="doc-biblioentry"``, a role that ARIA 1.2 deprecated and that is not a list item. The items
  get ``role="listitem"``; they stay ``<div class="citation">`` with their ids and back-links.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from bs4 import BeautifulSoup
from sphinx.application import Sphinx

BIBLIOENTRY_RE = re.compile(r'(<div class="citation"[^>]*?) role="doc-biblioentry"')


def drop_repeated_inline_scripts(context: dict[str, Any]) -> None:
    """Remove the second and later copies of an inline script from the page's script list."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    kept = []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        if not getattr(script, "filename", None) and attributes.get("body"):
            key = tuple(sorted(attributes.items()))
            if key in seen:
                continue
            seen.add(key)
        kept.append(script)
    scripts[:] = kept


def name_summaries(soup: BeautifulSoup) -> None:
    """Give every ``<summary>`` without text an ``aria-label`` from its chapter's link (in place)."""
    for summary in soup.find_all("summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        item = summary.find_parent("li")
        link = item.find("a") if item is not None else None
        title = link.get_text(" ", strip=True) if link is not None else ""
        summary["aria-label"] = f"Show or hide the sections of {title}" if title else "Show or hide sections"


def label_navigation(context: dict[str, Any]) -> None:
    """Wrap the theme's sidebar generator so that its disclosure buttons have names."""
    generate: Callable[..., Any] | None = context.get("generate_toctree_html")
    if generate is None:
        return

    def generate_named(*args: Any, **kwargs: Any) -> Any:
        out = generate(*args, **kwargs)
        if isinstance(out, BeautifulSoup):
            name_summaries(out)
        elif isinstance(out, str) and "<summary" in out:
            soup = BeautifulSoup(out, "html.parser")
            name_summaries(soup)
            out = str(soup)
        return out

    context["generate_toctree_html"] = generate_named


def bibliography_list_items(context: dict[str, Any]) -> None:
    """Make the entries of a citation list ARIA list items."""
    body = context.get("body")
    if isinstance(body, str) and "doc-biblioentry" in body:
        context["body"] = BIBLIOENTRY_RE.sub(r'\1 role="listitem"', body)


def correct_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    drop_repeated_inline_scripts(context)
    label_navigation(context)
    bibliography_list_items(context)


def remember_pybtex_plugins() -> None:
    """Cache pybtex's lookup of an installed plugin (entry point) by group and name, once per process."""
    import pybtex.plugin

    load = pybtex.plugin._load_entry_point
    if not hasattr(load, "cache_info"):  # a failed lookup raises, and is not remembered
        pybtex.plugin._load_entry_point = functools.lru_cache(maxsize=None)(load)


def setup(app: Sphinx) -> dict[str, Any]:
    remember_pybtex_plugins()
    # After the themes (priority 500 and 501) have put their functions into the page's context.
    app.connect("html-page-context", correct_page, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
