"""Print the whole book to one PDF: ``_build/pdf/book.pdf``.

``make pdf`` first builds the book as a single HTML page (``jupyter-book build . --builder singlehtml``,
with the same execution cache as ``make book``, so nothing is executed again), then runs this script,
which opens that page in Chromium (the browser of the tests: ``$DLBOOK_CHROMIUM``, else the one
tools/browser.py finds or installs) and prints it. Before printing it:

* waits until MathJax has typeset every formula and every image has loaded;
* adds a title page and a table of contents whose entries link to their chapters;
* numbers the chapters and sections in the order of ``_toc.yml`` (1, 1.1, ...; the reference part gets
  letters: Appendix A, ...), the numbers the table of contents shows too;
* shows every solution (a printed book cannot unfold one) and leaves out the code that only draws or
  styles a figure (the cells hidden on the web pages), keeping its output;
* hides the site's navigation, buttons and search.

Chromium then writes an A4 PDF with page numbers in the footer, the document outline (bookmarks) and
the links inside the book. The PDF is written to a temporary file and renamed, so an interrupted run
never leaves half a PDF where the old one was.

Usage: ``python tools/pdf.py [--html _build/singlehtml] [--out _build/pdf/book.pdf]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import importlib.util
import json
import os
import sys
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: Which Chromium to use (tools/browser.py).
browser = _load("browser")


def outline(root: Path = ROOT) -> list[dict]:
    """The toc's documents in order, with their printed number: ``{"doc", "number", "level"}``.

    The landing page is unnumbered (level 0); chapters of the first part are 1, 2, ... and their
    sections 1.1, 1.2, ...; chapters of later parts (the reference) are appendices A, B, ...
    """
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    entries = [{"doc": toc["root"], "number": "", "level": 0}]
    parts = toc.get("parts") or [{"chapters": toc.get("chapters", [])}]
    for p, part in enumerate(parts):
        for c, chapter in enumerate(part.get("chapters", []), start=1):
            number = str(c) if p == 0 else chr(ord("A") + c - 1)
            entries.append({"doc": chapter["file"], "number": number, "level": 1, "appendix": p > 0})
            for s, section in enumerate(chapter.get("sections", []), start=1):
                entries.append({"doc": section["file"], "number": f"{number}.{s}", "level": 2})
    return entries


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


PREPARE = """
([entries, meta]) => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  // The title of each document: the first heading after its marker (the landing page has none).
  const headingAfter = (node) => {
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_ELEMENT);
    walker.currentNode = node;
    while (walker.nextNode()) {
      if (/^H[1-6]$/.test(walker.currentNode.tagName)) return walker.currentNode;
    }
    return null;
  };
  const toc = [];
  for (const entry of entries) {
    const marker = entry.level === 0 ? article : document.getElementById('document-' + entry.doc);
    if (!marker) throw new Error('document not in the single page: ' + entry.doc);
    const heading = entry.level === 0 ? article.querySelector('h1') : headingAfter(marker);
    if (!heading) throw new Error('no heading for ' + entry.doc);
    const section = heading.closest('section');
    const id = (section && section.id) || heading.id || ('doc-' + toc.length);
    if (section && !section.id) section.id = id;
    const title = heading.textContent.replace(/[#¶]\\s*$/, '').trim();
    if (entry.number) {
      const label = document.createElement('span');
      label.className = 'dlbook-number';
      label.textContent = (entry.appendix ? 'Appendix ' : '') + entry.number + ' ';
      heading.prepend(label);
    }
    heading.classList.add(entry.level === 1 ? 'dlbook-chapter' : 'dlbook-section');
    toc.push({id, title, number: entry.number, level: entry.level, appendix: !!entry.appendix});
  }

  // The title page and the table of contents go before everything else.
  const front = document.createElement('div');
  front.className = 'dlbook-front';
  const title = document.createElement('section');
  title.className = 'dlbook-title-page';
  title.innerHTML = '<p class="dlbook-title"></p><p class="dlbook-author"></p><p class="dlbook-date"></p>';
  title.querySelector('.dlbook-title').textContent = meta.title;
  title.querySelector('.dlbook-author').textContent = meta.author;
  title.querySelector('.dlbook-date').textContent = meta.date;
  const contents = document.createElement('nav');
  contents.className = 'dlbook-contents';
  contents.innerHTML = '<p class="dlbook-contents-title">Contents</p><ol></ol>';
  for (const item of toc.filter((t) => t.level > 0)) {
    const li = document.createElement('li');
    li.className = 'dlbook-toc-' + item.level;
    const a = document.createElement('a');
    a.href = '#' + item.id;
    a.textContent = (item.number ? (item.appendix ? 'Appendix ' : '') + item.number + '  ' : '') + item.title;
    li.append(a);
    contents.querySelector('ol').append(li);
  }
  front.append(title, contents);
  article.prepend(front);

  // A printed book shows its solutions; the cells that only draw a figure keep just their output.
  document.querySelectorAll('.toggle-hidden').forEach((el) => el.classList.remove('toggle-hidden'));
  document.querySelectorAll('button.toggle-button').forEach((el) => el.remove());
  document.querySelectorAll('details.hide.above-input').forEach((el) => el.remove());
  document.querySelectorAll('details').forEach((el) => { el.open = true; });
  document.querySelectorAll('img').forEach((img) => { img.loading = 'eager'; });
  return toc.length;
}
"""

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
.bd-header, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer,
.bd-footer-article, .prev-next-area, .headerlink, .toggle-button, .search-button-field,
.theme-switch-button, .skip-link, .bd-search, #pst-back-to-top, .header-article-main,
.dropdown-source-buttons, .dropdown-launch-buttons, .thebe-launch-button, #jb-print-docs-body,
#searchbox, .prev-next-footer { display: none !important; }
.bd-main, .bd-content, .bd-article-container, .bd-article { max-width: none !important;
  width: 100% !important; margin: 0 !important; padding: 0 !important; }
body { font-size: 10.5pt; }
.dlbook-title-page { height: 225mm; display: flex; flex-direction: column; justify-content: center;
  break-after: page; }
.dlbook-title { font-size: 28pt; font-weight: 700; margin-bottom: 12mm; }
.dlbook-author { font-size: 14pt; }
.dlbook-date { font-size: 12pt; color: #444; }
.dlbook-contents { break-after: page; }
.dlbook-contents-title { font-size: 20pt; font-weight: 700; }
.dlbook-contents ol { list-style: none; padding-left: 0; }
.dlbook-contents a { color: inherit; text-decoration: none; }
.dlbook-toc-1 { font-weight: 700; margin-top: 3mm; }
.dlbook-toc-2 { padding-left: 8mm; }
.dlbook-chapter { break-before: page; }
.dlbook-number { margin-right: 0.4em; }
figure, .cell_output img, table { break-inside: avoid; }
pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
h1, h2, h3, h4 { break-after: avoid; }
a { color: #0a4fa3; }
"""

FOOTER = (
    '<div style="font-size:8pt;width:100%;text-align:center;color:#444;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def print_pdf(html_dir: Path, out: Path, *, chromium: str, timeout_s: float = 300) -> dict:
    """Print the single-page build in ``html_dir`` to ``out``; return what was printed."""
    from playwright.sync_api import sync_playwright

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    page_path = f"{toc['root']}.html"
    if not (html_dir / page_path).is_file():
        raise FileNotFoundError(
            f"{html_dir / page_path} does not exist: run `jupyter-book build . --builder singlehtml` first"
        )
    meta = {
        "title": config["title"],
        "author": config["author"],
        "date": f"Built on {dt.date.today():%d %B %Y}",
    }
    # Sphinx's single-page builder writes the page at the root document's path (book/index.html) but
    # with links relative to the top folder (_static/, _images/): it is served from the top, as print.html.
    (html_dir / "print.html").write_bytes((html_dir / page_path).read_bytes())
    handler = functools.partial(_Quiet, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/print.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    start = time.perf_counter()
    try:
        with sync_playwright() as pw:
            chrome = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
            page = chrome.new_page(viewport={"width": 1000, "height": 1400})
            page.set_default_timeout(timeout_s * 1000)
            page.goto(url, wait_until="load")
            page.emulate_media(media="print")
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.evaluate("MathJax.startup.promise")
            entries = page.evaluate(PREPARE, [outline(), meta])
            page.add_style_tag(content=PRINT_CSS)
            page.wait_for_function("Array.from(document.images).every((img) => img.complete)")
            math = page.evaluate(
                "document.querySelectorAll('mjx-container').length"
                " + document.querySelectorAll('mjx-merror').length * 1000000"
            )
            page.pdf(
                path=str(tmp),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"},
                outline=True,
                tagged=True,
            )
            chrome.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    if math >= 1_000_000:
        tmp.unlink(missing_ok=True)
        raise RuntimeError("MathJax reported errors in the single-page build; see the browser console")
    tmp.replace(out)
    from pypdf import PdfReader  # a tool of requirements-dev.txt, like Playwright

    pages = len(PdfReader(out).pages)
    seconds = round(time.perf_counter() - start, 1)
    return {"pdf": str(out), "pages": pages, "entries": entries, "formulas": math, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "singlehtml")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "book.pdf")
    args = parser.parse_args(argv)
    chromium = os.environ.get("DLBOOK_CHROMIUM") or str(browser.here())
    result = print_pdf(args.html, args.out, chromium=chromium)
    print(json.dumps(result))
    pages, formulas, seconds = result["pages"], result["formulas"], result["seconds"]
    print(f"tools/pdf.py: {pages} pages, {formulas} formulas, printed in {seconds} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
