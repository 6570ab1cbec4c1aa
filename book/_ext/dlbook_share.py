"""Sphinx extension: what a reader needs to keep the book and to share it.

Every address below is built from the one site setting, ``html.baseurl`` in ``_config.yml`` (Sphinx's
``html_baseurl``), so a fork that publishes elsewhere changes one line.

* **Link previews** (sphinxext-opengraph): ``ogp_site_url`` is the base URL, and every page's
  ``og:image`` is ``_static/preview.png``, which this extension draws when the build starts
  (:func:`link_preview`: the book's title over the spike-timing window).
* **Sitemap and robots.txt**: sphinx-sitemap writes ``sitemap.xml`` with absolute URLs; this extension
  writes ``robots.txt`` pointing at it.
* **The 404 page** (sphinx-notfound-page): its links and assets use the path of the base URL as
  prefix (``/lecture-01-introduction/`` on GitHub Pages), so they work whatever the depth of the
  missing address.
* **Executed notebooks**: MyST-NB keeps each executed page's notebook, with the outputs of this build,
  in ``jupyter_execute/`` beside ``html/``. They are copied to ``_executed/<page>.ipynb`` and offered in
  the page's download menu, next to the notebook without outputs.
* **The book as a PDF**: when ``make pdf`` has written ``dlbook_pdf`` (``_build/pdf/book.pdf``), it is
  copied to ``book.pdf`` at the top of the site and offered in every page's download menu.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

PREVIEW = "_static/preview.png"
EXECUTED = "_executed"
PDF_NAME = "book.pdf"


def base_url(config: Config) -> str:
    """``html_baseurl`` with exactly one trailing slash; the build fails without one."""
    url = (config.html_baseurl or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"html.baseurl in _config.yml must be an absolute http(s) URL, got {url!r}")
    return url.rstrip("/") + "/"


def configure(app: Sphinx, config: Config) -> None:
    """Derive the settings of the sharing extensions from the base URL."""
    url = base_url(config)
    config.html_baseurl = url
    config.ogp_site_url = url
    config.ogp_image = url + PREVIEW
    config.ogp_image_alt = "The title of the book above the spike-timing window of synaptic plasticity."
    config.ogp_site_name = config.html_title or config.project
    config.sitemap_url_scheme = "{link}"
    config.sitemap_excludes = ["search.html", "genindex.html", "404.html"]
    prefix = urlsplit(url).path
    config.notfound_urls_prefix = prefix
    config.notfound_context = {
        "title": "Page not found",
        "body": (
            "<h1>Page not found</h1>\n"
            "<p>There is no page at this address: the link may be mistyped, or the page may have moved.</p>\n"
            f'<p>Start again from the <a href="{prefix}{config.root_doc}.html">first page of the book</a>, '
            f'or <a href="{prefix}search.html">search</a> it.</p>'
        ),
    }


def pdf_source(app: Sphinx) -> Path | None:
    """The PDF that ``make pdf`` wrote, when it exists."""
    if not app.config.dlbook_pdf:
        return None
    path = Path(app.confdir, app.config.dlbook_pdf)
    return path if path.is_file() else None


#: Width and height of the link-preview image in pixels (the 1.91 to 1 shape of link previews), and dpi.
PREVIEW_PIXELS, PREVIEW_DPI = (1200, 630), 100


def link_preview(path: Path, title: str) -> Path:
    """Draw the link-preview image to ``path`` (PNG, :data:`PREVIEW_PIXELS`): ``title`` over the
    spike-timing window of Song, Miller and Abbott (``dlbook.plasticity.SONG2000``), in the book's style.
    It is drawn here, not in ``dlbook``, because no page shows it."""
    import numpy as np
    from dlbook import plasticity, plots

    fig, ax = plots.figure(width=PREVIEW_PIXELS[0] / PREVIEW_DPI, height=PREVIEW_PIXELS[1] / PREVIEW_DPI)
    fig.set_layout_engine("none")  # the title block is placed by hand above the axes
    ax.set_position((0.08, 0.14, 0.89, 0.52))
    window = plasticity.SONG2000
    dt = np.linspace(-0.1, 0.1, 801)
    dw = plasticity.stdp_window(dt, window) / window.a_plus
    ax.axhline(0, color=plots.color("black"), lw=1)
    for side, colour in ((dt > 0, "blue"), (dt < 0, "vermillion")):
        ax.fill_between(dt[side] * 1e3, dw[side], color=plots.color(colour), alpha=0.35, lw=0)
        ax.plot(dt[side] * 1e3, dw[side], color=plots.color(colour), lw=3)
    ax.set_xlabel(r"spike-time difference $t_{post} - t_{pre}$ (ms)", fontsize=16)
    ax.set_ylabel(r"$\Delta w / A_+$", fontsize=16)
    ax.tick_params(labelsize=13)
    fig.text(0.08, 0.80, title, fontsize=30, fontweight="bold", color=plots.INK, va="bottom")
    subtitle = "Executable textbook: every number and figure computed by tested code"
    fig.text(0.08, 0.72, subtitle, fontsize=17, color=plots.INK, va="bottom")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fig.savefig(tmp, dpi=PREVIEW_DPI, format="png", facecolor="white")
    plots.finish(fig)
    tmp.replace(path)
    return path


def draw_preview(app: Sphinx) -> None:
    if app.builder.name == "html":
        link_preview(Path(app.outdir, PREVIEW), app.config.html_title or app.config.project)


def executed_notebook(app: Sphinx, docname: str) -> Path | None:
    """MyST-NB's executed notebook of ``docname``, with this build's outputs, if the page executed."""
    path = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"
    return path if path.is_file() else None


def write_with_outputs(app: Sphinx, source: Path, target: Path) -> None:
    """Write the page's notebook with the outputs of its execution (figures, printed values) to ``target``.

    MyST-NB's copy in ``jupyter_execute/`` holds the page's cells; the outputs are in the execution cache,
    from which they are merged into it cell by cell (the cache matches the notebook by its code).
    """
    import nbformat
    from jupyter_cache import get_cache

    nb = nbformat.read(source, as_version=4)
    if not any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"):
        cache_path = app.config.nb_execution_cache_path
        if not cache_path or not Path(cache_path).exists():
            return
        try:
            _, nb = get_cache(str(cache_path)).merge_match_into_notebook(nb)
        except KeyError:  # not executed through the cache (e.g. execution turned off): nothing to offer
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    nbformat.write(nb, tmp)
    tmp.replace(target)


def add_downloads(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Offer the executed notebook and the whole book's PDF in the page's download menu."""
    groups = [b for b in context.get("header_buttons", []) if b.get("label") == "download-buttons"]
    if not groups:
        return
    buttons = groups[0]["buttons"]
    pathto = context["pathto"]
    if executed_notebook(app, pagename) is not None:
        position = next(
            (i + 1 for i, b in enumerate(buttons) if b.get("label") == "download-notebook-button"), 0
        )
        buttons.insert(
            position,
            {
                "type": "link",
                "url": f"{pathto(EXECUTED, 1)}/{pagename}.ipynb",
                "text": ".ipynb (with outputs)",
                "tooltip": "Download the notebook with the outputs of this build",
                "icon": "fas fa-book-open",
                "label": "download-executed-notebook-button",
            },
        )
    if pdf_source(app) is not None:
        buttons.append(
            {
                "type": "link",
                "url": pathto(PDF_NAME, 1),
                "text": "book (.pdf)",
                "tooltip": "Download the whole book as a PDF",
                "icon": "fas fa-file-pdf",
                "label": "download-book-pdf-button",
            }
        )


def copy_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Write robots.txt; copy the executed notebooks and the PDF into the site."""
    if exception is not None or app.builder.name != "html":
        return
    out = Path(app.outdir)
    (out / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\n\nSitemap: {app.config.html_baseurl}{app.config.sitemap_filename}\n",
        encoding="utf-8",
    )
    for docname in sorted(app.env.found_docs):
        source = executed_notebook(app, docname)
        if source is not None:
            write_with_outputs(app, source, out / EXECUTED / f"{docname}.ipynb")
    pdf = pdf_source(app)
    if pdf is not None:
        shutil.copyfile(pdf, out / PDF_NAME)
        logger.info(f"dlbook_share: {PDF_NAME} copied from {pdf}")


def pdf_state(app: Sphinx) -> str:
    """What the site says about the PDF: nothing, or the PDF's size and time (pages link to it)."""
    pdf = pdf_source(app)
    return "" if pdf is None else f"{pdf.stat().st_size}:{pdf.stat().st_mtime_ns}"


def relink_when_the_pdf_changes(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """Every page's download menu names the PDF: write them all again when it appears or changes."""
    state = pdf_state(app)
    if getattr(env, "dlbook_pdf_state", "") == state:
        return []
    env.dlbook_pdf_state = state
    return sorted(env.found_docs - added - changed - removed)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("dlbook_pdf", "", "html", types=frozenset({str}))
    # MyST-NB renders its "show code" toggles for the html builder only; the PDF is printed from the
    # single-page build, so the same HTML is registered for that builder too.
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput

    app.add_node(HideCodeCellNode, override=True, singlehtml=(visit_HideCellInput, depart_HideCellInput))
    app.connect("env-get-outdated", relink_when_the_pdf_changes)
    app.connect("config-inited", configure, priority=100)  # before the extensions read their settings
    app.connect("builder-inited", draw_preview)
    app.connect("html-page-context", add_downloads, priority=950)  # after the theme built its menu
    app.connect("build-finished", copy_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
