"""Content tests of the narrative pages: their figures, computed numbers, tables and links (built book).

Computed numbers are read where the pages glued them (``conftest.glue_values``), compared with
``dlbook.history`` and ``dlbook.lenet`` called here, and looked for, formatted as the page formats them,
where the page pastes a glued value; the sentences around them are not checked. Quoted definitions are
checked by a short phrase inside the quotation and by its citation.
"""

from __future__ import annotations

import posixpath

import numpy as np
import pytest
import yaml
from conftest import ROOT, BuiltBook, article, figure_image, glue_values, text_of
from dlbook import history
from dlbook.lenet import LeNet5, count_parameters
from test_book_build import assert_shows

pytestmark = pytest.mark.slow

HISTORY = "book/history/index"
GENERATIVE = "book/history/generative"
EXAMPLES = "book/introduction/examples"


def test_history_page_has_the_timeline_and_model_size_figures(built_book: BuiltBook) -> None:
    timeline = figure_image(built_book, HISTORY, "fig-history-timeline")
    sizes = figure_image(built_book, HISTORY, "fig-history-model-sizes")
    assert timeline.read_bytes() != sizes.read_bytes()


def test_history_page_numbers_come_from_the_code(built_book: BuiltBook) -> None:
    v = glue_values(built_book, HISTORY)
    events = [m for m in history.milestones() if not m.is_period]
    winters = [m for m in history.milestones() if m.is_period]
    years = np.array([m.year for m in events])
    assert (v["n_milestones"], v["first_year"], v["last_year"]) == (len(events), years.min(), years.max())
    assert (v["winter_start"], v["winter_end"]) == (winters[-1].year, winters[-1].end_year)
    assert v["gap_before_2000"] == pytest.approx(np.diff(years[years < 2000]).mean())
    assert v["gap_since_2004"] == pytest.approx(np.diff(years[years >= 2004]).mean())
    lenet, gpt3 = history.model("LeNet-5"), history.model("GPT-3")
    assert v["lenet_params"] == lenet.parameters == count_parameters(LeNet5())
    assert v["gpt3_billions"] == pytest.approx(gpt3.parameters / 1e9)
    assert v["growth_millions"] == pytest.approx(gpt3.parameters / lenet.parameters / 1e6)
    assert (v["n_models"], v["span_years"]) == (len(history.model_sizes()), gpt3.year - lenet.year)
    assert v["doubling_months"] == pytest.approx(12 * history.doubling_time(since=2012))
    assert_shows(
        built_book, HISTORY,
        str(v["n_milestones"]), str(v["first_year"]), str(v["last_year"]), str(v["winter_start"]),
        str(v["winter_end"]), f"{v['gap_before_2000']:.0f}", f"{v['gap_since_2004']:.0f}",
        f"{v['lenet_params']:,}", str(v["span_years"]), f"{v['gpt3_billions']:.0f}",
        f"{v['growth_millions']:.1f}", f"{v['doubling_months']:.0f}", str(v["n_models"]),
    )  # fmt: skip


def test_generative_and_examples_pages_size_the_models_from_the_code(built_book: BuiltBook) -> None:
    gpt2, gpt3 = history.model("GPT-2"), history.model("GPT-3")
    v = glue_values(built_book, GENERATIVE)
    assert v["gpt2_billions"] == pytest.approx(gpt2.parameters / 1e9)
    assert v["gpt3_billions"] == pytest.approx(gpt3.parameters / 1e9)
    assert v["gpt3_over_gpt2"] == pytest.approx(gpt3.parameters / gpt2.parameters)
    assert v["base_millions"] == pytest.approx(history.model("Transformer (base)").parameters / 1e6)
    assert v["gpt3_weights_gb"] == pytest.approx(2 * gpt3.parameters / 1e9)  # 16-bit weights, in GB
    assert_shows(
        built_book, GENERATIVE,
        f"{v['base_millions']:.0f}", f"{v['gpt2_billions']:.2f}", f"{v['gpt3_over_gpt2']:.0f}",
        f"{v['gpt3_billions']:.0f}", f"{v['gpt3_weights_gb']:.0f}",
    )  # fmt: skip
    examples = glue_values(built_book, EXAMPLES)
    assert examples["gpt3_billions"] == pytest.approx(gpt3.parameters / 1e9)
    assert_shows(built_book, EXAMPLES, f"{examples['gpt3_billions']:.0f}")


def test_generative_page_tabulates_every_model_with_its_citation(built_book: BuiltBook) -> None:
    page = article(built_book, GENERATIVE)
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
