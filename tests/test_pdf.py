"""``make pdf``: the whole book as one PDF, printed from the single-page build (tools/pdf.py).

The single-page build shares the session build's execution cache and doctrees, as ``make pdf`` shares
``make book``'s, so the test also shows that making the PDF executes no page again. The PDF is then read
back: its text and its first page rendered to pixels (pypdfium2), its images, links and outline (pypdf).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pypdf
import pypdfium2
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, BuiltBook, article, load_module, notebooks, shared_lock, shared_temp

pytestmark = pytest.mark.slow

pdf_tool = load_module("pdf", ROOT / "tools" / "pdf.py")
PAGES = notebooks.toc_files()
RAW_TEX = re.compile(r"\$\$|\\(frac|sum|begin|end|left|right|mathbf|mathrm|text|tau|Delta|cdot)\b")


@pytest.fixture(scope="module")
def pdf(built_book: BuiltBook, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The single-page build next to the session's build, and the PDF printed from it (made once per
    session, even if pytest-xdist sets this fixture up again)."""
    chromium = os.environ.get("DLBOOK_CHROMIUM") or str(pdf_tool.browser.find_installed() or "")
    if not chromium:
        pytest.skip("no Chromium installed: `make test` provisions one (tools/browser.py)")
    folder = shared_temp(tmp_path_factory) / "pdf"
    path, record = folder / "book.pdf", folder / "made.json"
    with shared_lock(tmp_path_factory, "pdf"):
        if not record.exists():
            folder.mkdir(exist_ok=True)
            out = built_book.html.parents[1]  # the --path-output of the session build
            env = {**os.environ, "DLBOOK_EXECUTION_CACHE": str(built_book.cache)}
            jb = str(Path(sys.executable).with_name("jupyter-book"))
            cmd = [jb, "build", str(ROOT), "--builder", "singlehtml", "--path-output", str(out)]
            proc = subprocess.run(
                [*cmd, "-W", "-n", "--keep-going"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=1200,
            )
            log = proc.stdout + proc.stderr
            assert proc.returncode == 0, log[-4000:]
            result = pdf_tool.print_pdf(out / "_build" / "singlehtml", path, chromium=chromium)
            # The text of each page, as PDFium (the engine of Chromium's viewer) extracts it: a second
            # for the whole book, where pypdf takes some 8 s.
            document = pypdfium2.PdfDocument(str(path))
            pages = [document[i].get_textpage().get_text_bounded() for i in range(len(document))]
            document.close()
            record.write_text(json.dumps({"log": log, "result": result, "pages": pages}))
        made = json.loads(record.read_text())
    reader, pages = pypdf.PdfReader(path), made["pages"]
    text = "\n".join(pages)
    size = path.stat().st_size / 1e6
    print(
        f"\nmake pdf: {len(reader.pages)} pages, {size:.1f} MB, printed in {made['result']['seconds']:.0f} s"
    )
    return {
        "path": path,
        "log": made["log"],
        "reader": reader,
        "text": text,
        "pages": pages,
        "result": made["result"],
    }


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).replace("\u2019", "'").strip()


def test_making_the_pdf_executes_nothing_again(pdf: dict) -> None:
    assert "dlbook_cache: executing" not in pdf["log"]


def test_every_chapter_and_section_title_is_in_the_pdf_in_toc_order(pdf: dict, built_book: BuiltBook) -> None:
    text = flat(pdf["text"])
    position = 0
    for docname in PAGES[1:]:
        title = flat(article(built_book, docname).find("h1").get_text(" ")).rstrip("#").strip()
        found = text.find(title, position)
        assert found >= 0, f"{docname}: title {title!r} not in the PDF after position {position}"
        position = found
    numbers = [e["number"] for e in pdf_tool.outline() if e["number"]]
    assert pdf["result"]["entries"] == len(PAGES) and numbers[:2] == ["1", "1.1"]


def test_no_raw_tex_and_the_math_is_typeset(pdf: dict) -> None:
    assert pdf["result"]["formulas"] > 100
    raw = RAW_TEX.findall(pdf["text"])
    assert raw == [], f"raw TeX in the PDF: {sorted(set(raw))}"


def test_at_least_one_embedded_image_per_figure(pdf: dict, built_book: BuiltBook) -> None:
    figures = 0
    for docname in PAGES:
        soup = BeautifulSoup((built_book.html / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")
        figures += len(soup.select("article .cell_output img, article figure img"))
    images = set()
    for page in pdf["reader"].pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
        for name, ref in xobjects.items():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                images.add(getattr(ref, "idnum", name))
    assert figures > 20 and len(images) >= figures, f"{len(images)} images in the PDF for {figures} figures"


def test_internal_links_outline_and_page_numbers(pdf: dict) -> None:
    reader = pdf["reader"]
    internal = 0
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object()
            action = a.get("/A", {})
            if "/Dest" in a or action.get("/S") == "/GoTo":
                internal += 1
    assert internal >= len(PAGES), f"only {internal} internal links"
    assert len(reader.outline) > 0, "no bookmarks"
    pages = len(reader.pages)
    assert pdf["result"]["pages"] == pages, "tools/pdf.py reports the page count"
    assert pages > 30
    assert f"{pages} / {pages}" in pdf["pages"][-1], "no page numbers in the footer"


def test_first_page_is_a_title_page_not_blank(pdf: dict) -> None:
    document = pypdfium2.PdfDocument(str(pdf["path"]))
    pixels = np.asarray(document[0].render(scale=1).to_pil().convert("L"), dtype=float)
    document.close()
    ink = (pixels < 128).mean()
    assert 0.002 < ink < 0.3, f"page 1 is blank or black ({ink:.4f} of its pixels are dark)"
    first = flat(pdf["pages"][0])
    assert "Deep Learning" in first and "Willcocks" in first
