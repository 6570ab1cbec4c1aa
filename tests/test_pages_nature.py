"""Content tests of the learning-in-nature pages and the McCulloch-Pitts page (built book).

Each page must show its figures (with alt text) and the numbers its cells glue into the prose. The
expected numbers are recomputed here with the same ``dlbook`` calls, so a page that stopped executing
its simulation, or showed stale numbers, fails.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from conftest import BuiltBook, article, text_of
from dlbook import neurons, plasticity

pytestmark = pytest.mark.slow

FIGURES = {
    "book/nature/brain": 2,
    "book/nature/plasticity": 1,
    "book/nature/hebbian": 7,
    "book/history/mcculloch-pitts": 1,
}


@pytest.mark.parametrize(("docname", "count"), FIGURES.items())
def test_page_shows_its_figures_with_alt_text(built_book: BuiltBook, docname: str, count: int) -> None:
    images = article(built_book, docname).find_all("img")
    assert len(images) == count, f"{docname}: expected {count} figures, found {len(images)}"
    for img in images:
        assert len(img.get("alt", "").strip()) > 40, (
            f"{docname}: figure {img.get('src')} lacks a real alt text"
        )
        path = (built_book.html / docname).parent / img["src"]
        assert path.is_file() and path.stat().st_size > 5000, f"{docname}: {img['src']} missing or empty"


def test_brain_page_numbers(built_book: BuiltBook) -> None:
    text = text_of(article(built_book, "book/nature/brain"))
    i_theta = neurons.rheobase()
    assert f"{i_theta * 1e9:.1f} nA to fire" in text
    assert f"rate {float(neurons.lif_rate(1.5 * i_theta)):.0f} Hz predicted" in text
    assert f"ceiling of {1 / neurons.LIF.t_ref:.0f} Hz" in text
    worst = re.search(r"at most a relative (\S+)", text)
    assert worst is not None and float(worst.group(1).rstrip(":,")) < 1e-9


def test_plasticity_page_numbers(built_book: BuiltBook) -> None:
    text = text_of(article(built_book, "book/nature/plasticity"))
    before = (neurons.epsp(1.0).u.max() - neurons.LIF.u_rest) * 1e3
    ltp = 1 + plasticity.BI_POO1998.a_plus * np.exp(-10e-3 / plasticity.BI_POO1998.tau_plus)
    ltd = 1 - plasticity.BI_POO1998.a_minus * np.exp(-10e-3 / plasticity.BI_POO1998.tau_minus)
    assert f"raises the membrane by {before:.2f} mV" in text
    assert f"evokes {before * ltp:.2f} mV, {100 * (ltp - 1):.0f} %" in text
    assert f"only {before * ltd:.2f} mV, {100 * (1 - ltd):.0f} % less" in text


def test_hebbian_page_numbers(built_book: BuiltBook) -> None:
    text = text_of(article(built_book, "book/nature/hebbian"))
    cosine = re.search(r"numpy.linalg.eigh is (\d\.\d+)", text)
    assert cosine is not None and float(cosine.group(1)) > 0.99
    norm = re.search(r"Oja's weights have norm (\d\.\d+)", text)
    assert norm is not None and abs(float(norm.group(1)) - 1) < 0.02
    edges = plasticity.stdp_window([-20e-3, 20e-3], plasticity.BI_POO1998)
    assert f"fallen to {100 * edges[1]:.0f} % (pre 20 ms before post)" in text
    assert f"{-100 * edges[0]:.0f} % (pre 20 ms after post)" in text
    assert f"analytic {plasticity.expected_stdp_poisson(20.0, 20.0, 10.0):.4f}" in text
    total = plasticity.stdp_traces([0.020, 0.100, 0.180], [0.030, 0.090, 0.200])
    assert f"the weight has changed by {total:.4f}" in text
    assert "small steps come from pairs 70 and 90 ms apart" in text  # 90 ms - 20 ms and 180 ms - 90 ms

    params = plasticity.CompetitionParams(window=replace(plasticity.SONG2000, a_plus=0.005, a_minus=0.00525))
    result = plasticity.simulate_competition(600.0, params=params, seed=0, record_every=10.0)
    assert f"after 10 simulated minutes {100 * result.fraction_bimodal():.0f} % do" in text
    assert "in the last minute" in text and f"{result.output_rate(540.0, 600.0):.0f} Hz in the last" in text


def test_mcculloch_pitts_page_tables_and_search(built_book: BuiltBook) -> None:
    page = article(built_book, "book/history/mcculloch-pitts")
    text = text_of(page)
    assert "Of the 1,331 units tried" in text
    assert "but 0 compute XOR and 0 compute its negation XNOR" in text
    tables = page.find_all("table")
    assert len(tables) >= 4
    rows = [[c.get_text(strip=True) for c in tr.find_all(["td", "th"])] for tr in tables[0].find_all("tr")]
    assert rows[1:] == [
        ["0", "0", "0", "0", "1"],
        ["0", "1", "0", "1", "1"],
        ["1", "0", "0", "1", "1"],
        ["1", "1", "1", "1", "0"],
    ]
    last = [[c.get_text(strip=True) for c in tr.find_all("td")] for tr in tables[-1].find_all("tr")][1:]
    assert [row[-1] for row in last] == ["0", "1", "1", "0"]
