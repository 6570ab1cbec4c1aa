"""Content tests of the narrative pages: their figures, computed numbers, tables and links (built book)."""

from __future__ import annotations

import posixpath

import numpy as np
import pytest
import yaml
from conftest import ROOT, BuiltBook, article, figure_image, text_of
from dlbook import history
from dlbook.lenet import LeNet5, count_parameters

pytestmark = pytest.mark.slow


def test_history_page_has_the_timeline_and_model_size_figures(built_book: BuiltBook) -> None:
    timeline = figure_image(built_book, "book/history/index", "fig-history-timeline")
    sizes = figure_image(built_book, "book/history/index", "fig-history-model-sizes")
    assert timeline.read_bytes() != sizes.read_bytes()


def test_history_page_numbers_come_from_the_code(built_book: BuiltBook) -> None:
    text = text_of(article(built_book, "book/history/index"))
    assert f"LeNet-5 has {count_parameters(LeNet5()):,} parameters" in text
    assert f"{sum(not m.is_period for m in history.milestones())} events between 1943 and 2020" in text
    months = 12 * history.doubling_time(since=2012)
    assert f"doubles every {months:.0f} months" in text
    years = np.array([m.year for m in history.milestones() if not m.is_period])
    before, since = np.diff(years[years < 2000]).mean(), np.diff(years[years >= 2004]).mean()
    assert f"on average {before:.0f} years apart; from 2004 on they are {since:.0f} years apart" in text


def test_generative_page_tabulates_every_model_with_its_citation(built_book: BuiltBook) -> None:
    page = article(built_book, "book/history/generative")
    tables = [t for t in page.find_all("table") if "Parameters" in t.get_text()]
    assert len(tables) == 1, "expected one table of model sizes"
    rows = tables[0].find("tbody").find_all("tr")
    models = history.model_sizes()
    assert len(rows) == len(models)
    for row, m in zip(rows, models, strict=True):
        cells = [text_of(td).strip() for td in row.find_all("td")]
        assert cells[:3] == [str(m.year), m.name, history.format_count(m.parameters)]
        links = [a["href"] for a in row.find_all("a", href=True)]
        assert any("bibliography" in href for href in links), f"{m.name}: its source is not a citation link"


def test_dl_vs_ml_page_has_the_map_figure(built_book: BuiltBook) -> None:
    figure_image(built_book, "book/concepts/dl-vs-ml", "fig-ml-map")
    text = text_of(article(built_book, "book/concepts/dl-vs-ml"))
    for field in (
        "Shallow learning",
        "Supervised learning",
        "Unsupervised learning",
        "Reinforcement learning",
    ):
        assert field in text


def test_landing_page_links_every_chapter_and_section(built_book: BuiltBook) -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    wanted: set[str] = set()

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                wanted.add(entry["file"])
            walk(entry.get("sections", []))

    for part in toc["parts"]:
        walk(part["chapters"])
    base = posixpath.dirname(toc["root"])
    linked = set()
    for a in article(built_book, toc["root"]).find_all("a", href=True):
        href = a["href"].split("#")[0]
        if href.endswith(".html") and "://" not in href:
            linked.add(posixpath.normpath(posixpath.join(base, href[: -len(".html")])))
    missing = wanted - linked
    assert not missing, f"the landing page does not link to {sorted(missing)}"


def test_what_is_learning_has_the_episode_table_and_quoted_definition(built_book: BuiltBook) -> None:
    page = article(built_book, "book/nature/what-is-learning")
    table = page.find("table", id="table-learning-episodes")
    assert table is not None
    text = text_of(table)
    for phrase in ("delicious", "cold", "warm", "burning", "eat it again!", "don't touch"):
        assert phrase in text
    quote = page.find("blockquote")
    assert quote is not None and "transformative process" in text_of(quote)
    assert any("bibliography" in a["href"] for a in quote.find_all("a", href=True)), (
        "the quote is not attributed"
    )


def test_definition_page_quotes_lecun_bengio_hinton_with_citation(built_book: BuiltBook) -> None:
    quote = article(built_book, "book/introduction/definition").find("blockquote")
    assert quote is not None and "multiple processing layers" in text_of(quote)
    assert "LeCun" in text_of(quote)
