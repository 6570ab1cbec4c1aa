"""Content tests of the learning-in-nature pages and the McCulloch-Pitts page (built book).

Each page must show its figures (with alt text) and the numbers its cells computed. The numbers are read
where the page glued them (``conftest.glue_values``) and compared with the same ``dlbook`` calls made
here, or, for long simulations, checked for the property the page reports; the page must then show each
number, formatted as its text formats it, where it pastes a glued value. Nothing here depends on the
sentences around the numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BuiltBook, article, figure_image, glue_values
from dlbook import neurons, plasticity
from test_book_build import assert_shows

pytestmark = pytest.mark.slow

BRAIN = "book/nature/brain"
PLASTICITY = "book/nature/plasticity"
HEBBIAN = "book/nature/hebbian"
HEBBIAN_FURTHER = "book/nature/hebbian-further"
MCCULLOCH_PITTS = "book/history/mcculloch-pitts"

FIGURES = {BRAIN: 3, PLASTICITY: 1, HEBBIAN: 2, HEBBIAN_FURTHER: 6, MCCULLOCH_PITTS: 3}
#: Figures the text cites by name ({numref}); the Hebbian pages' are checked in their own test file.
NAMED_FIGURES = {BRAIN: ["fig-neuron-anatomy"], MCCULLOCH_PITTS: ["fig-mp-unit", "fig-mp-and"]}


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
    for figure_id in NAMED_FIGURES.get(docname, []):
        figure_image(built_book, docname, figure_id)


def test_brain_page_numbers(built_book: BuiltBook) -> None:
    v = glue_values(built_book, BRAIN)
    lif = neurons.LIF
    i_theta = neurons.rheobase()
    params = {"tau_m_ms": lif.tau_m * 1e3, "r_m_mohm": lif.r_m / 1e6, "u_rest_mv": lif.u_rest * 1e3,
              "theta_mv": lif.theta * 1e3, "u_reset_mv": lif.u_reset * 1e3,
              "t_ref_ms": lif.t_ref * 1e3}  # fmt: skip
    for name, value in params.items():
        assert v[f"lif_{name}"] == pytest.approx(value), name
    assert v["lif_rheobase_na"] == pytest.approx(i_theta * 1e9)
    # the current steps: the weak one stays below threshold, the strong one fires at the predicted rate
    threshold_gap_mv = (lif.theta - lif.u_rest) * 1e3
    assert v["lif_weak_percent"] < 100 < v["lif_strong_percent"]
    assert v["lif_sub_peak_mv"] < threshold_gap_mv
    assert v["lif_sub_peak_mv"] == pytest.approx(v["lif_weak_percent"] / 100 * threshold_gap_mv, rel=0.01)
    strong = v["lif_strong_percent"] / 100 * i_theta
    assert v["lif_step_rate"] == pytest.approx(float(neurons.lif_rate(strong)))
    assert abs(v["lif_step_spikes"] - v["lif_step_rate"] * v["lif_strong_ms"] / 1e3) <= 1
    # the f-I curve: simulation and analysis agree to rounding error, and the rate stays below 1/t_ref
    assert v["fi_worst_rel_error"] < 1e-9
    assert v["fi_ceiling"] == pytest.approx(1 / lif.t_ref)
    assert v["fi_max_rate"] == pytest.approx(float(neurons.lif_rate(v["fi_top"] * i_theta)))
    assert v["fi_max_rate"] < v["fi_ceiling"]
    assert_shows(
        built_book, BRAIN,
        *(f"{v[f'lif_{name}']:.0f}" for name in params),
        f"{v['lif_rheobase_na']:.1f}", f"{v['lif_weak_percent']:.0f}", f"{v['lif_sub_peak_mv']:.1f}",
        f"{v['lif_strong_percent']:.0f}", str(v["lif_step_spikes"]), f"{v['lif_step_rate']:.0f}",
        f"{v['fi_worst_rel_error']:.1e}", f"{v['fi_max_rate']:.0f}", f"{v['fi_ceiling']:.0f}",
    )  # fmt: skip


def test_plasticity_page_numbers(built_book: BuiltBook) -> None:
    v = glue_values(built_book, PLASTICITY)
    fit = plasticity.BI_POO1998
    assert v["bipoo_a_plus"] == pytest.approx(100 * fit.a_plus)
    assert v["bipoo_a_minus"] == pytest.approx(100 * fit.a_minus)
    assert v["bipoo_tau_plus"] == pytest.approx(1e3 * fit.tau_plus)
    assert v["bipoo_tau_minus"] == pytest.approx(1e3 * fit.tau_minus)
    # The EPSP grows with the weight, so after the pairings it is the first EPSP scaled by the fitted
    # change at the pairing delay (60 pairings 1 s apart hardly interact through the traces).
    before = (neurons.epsp(1.0).u.max() - neurons.LIF.u_rest) * 1e3
    delay = v["pair_delay_ms"] / 1e3
    ltp = 1 + fit.a_plus * np.exp(-delay / fit.tau_plus)
    ltd = 1 - fit.a_minus * np.exp(-delay / fit.tau_minus)
    assert v["pair_epsp_before"] == pytest.approx(before)
    assert v["pair_epsp_ltp"] == pytest.approx(before * ltp, rel=1e-3)
    assert v["pair_epsp_ltd"] == pytest.approx(before * ltd, rel=1e-3)
    assert v["pair_ltp_percent"] == pytest.approx(100 * (v["pair_epsp_ltp"] / before - 1))
    assert v["pair_ltd_percent"] == pytest.approx(100 * (1 - v["pair_epsp_ltd"] / before))
    assert_shows(
        built_book, PLASTICITY,
        f"{v['bipoo_a_plus']:.1f}", f"{v['bipoo_tau_plus']:.1f}", f"{v['bipoo_a_minus']:.1f}",
        f"{v['bipoo_tau_minus']:.1f}", str(v["pair_n"]), f"{v['pair_delay_ms']:.0f}",
        f"{v['pair_epsp_before']:.2f}", f"{v['pair_epsp_ltp']:.2f}", f"{v['pair_ltp_percent']:.0f}",
        f"{v['pair_epsp_ltd']:.2f}", f"{v['pair_ltd_percent']:.0f}",
    )  # fmt: skip


def test_hebbian_page_numbers(built_book: BuiltBook) -> None:
    v = glue_values(built_book, HEBBIAN)
    assert v["hebb_growth"] > 100  # Hebb's rule alone: the weights grow without bound
    bi_poo, song = plasticity.BI_POO1998, plasticity.SONG2000
    assert v["bipoo_tau_plus"] == pytest.approx(1e3 * bi_poo.tau_plus)
    assert v["bipoo_tau_minus"] == pytest.approx(1e3 * bi_poo.tau_minus)
    assert v["song_tau"] == pytest.approx(1e3 * song.tau_plus)
    assert v["song_ratio"] == pytest.approx(song.a_minus / song.a_plus)
    edges = plasticity.stdp_window([-20e-3, 20e-3], bi_poo)
    assert v["stdp_ltp_at_20"] == pytest.approx(100 * edges[1])
    assert v["stdp_ltd_at_20"] == pytest.approx(-100 * edges[0])
    # independent firing: the expected change has the sign of the window's net area
    rate, duration = v["window_rate"], v["window_duration"]
    for key, window in [("bipoo", bi_poo), ("song", song)]:
        assert v[f"{key}_ltp_area_ms"] == pytest.approx(1e3 * window.a_plus * window.tau_plus)
        assert v[f"{key}_ltd_area_ms"] == pytest.approx(1e3 * window.a_minus * window.tau_minus)
        expected = plasticity.expected_stdp_poisson(rate, rate, duration, window)
        assert v[f"{key}_uncorrelated_expected"] == pytest.approx(expected)
    assert v["bipoo_uncorrelated_expected"] > 0 > v["song_uncorrelated_expected"]
    assert_shows(
        built_book, HEBBIAN,
        str(v["hebb_updates"]), f"{v['hebb_growth']:,.0f}", f"{v['song_tau']:.0f}", f"{v['song_ratio']:.2f}",
        f"{v['stdp_ltp_at_20']:.0f}", f"{v['stdp_ltd_at_20']:.0f}", f"{v['bipoo_ltp_area_ms']:.1f}",
        f"{v['bipoo_ltd_area_ms']:.1f}", f"{v['bipoo_uncorrelated_expected']:.1f}",
        f"{v['song_uncorrelated_expected']:.3f}",
    )  # fmt: skip


def test_hebbian_further_page_numbers(built_book: BuiltBook) -> None:
    v = glue_values(built_book, HEBBIAN_FURTHER)
    # Oja's rule: unit norm, along the first principal component; BCM: selective for one pattern
    assert abs(v["oja_norm"] - 1) < 0.02 and v["oja_cosine"] > 0.99
    assert v["oja_angle_deg"] == pytest.approx(np.degrees(np.arccos(min(v["oja_cosine"], 1.0))))
    assert abs(v["bcm_response_a"] - v["bcm_response_b"]) > 0.5
    # the worked example of the traces and the analytic expectation for independent trains
    pre, post = [0.020, 0.100, 0.180], [0.030, 0.090, 0.200]
    assert v["example_total"] == pytest.approx(plasticity.stdp_traces(pre, post))
    assert (v["example_far_ltp_ms"], v["example_far_ltd_ms"]) == pytest.approx((70.0, 90.0))
    assert v["trace_difference"] < 1e-9 and v["trace_pairs"] > v["trace_events"]
    rate, duration = v["trials_rate"], v["trials_duration"]
    assert v["uncorrelated_expected"] == pytest.approx(plasticity.expected_stdp_poisson(rate, rate, duration))
    assert abs(v["uncorrelated_mean"] - v["uncorrelated_expected"]) < 4 * v["uncorrelated_se"]
    # ten simulated minutes of competition: the weights end near the two bounds, the output rate falls
    assert abs(v["sma_initial_edges"] - 20) < 5  # a uniform start: 20 % within 10 % of a bound
    assert v["sma_final_edges"] > 60 and v["sma_low"] > 20 and v["sma_high"] > 20
    assert v["sma_low"] + v["sma_high"] == pytest.approx(v["sma_final_edges"])
    assert v["sma_rate_end"] < v["sma_rate_start"]
    assert_shows(
        built_book, HEBBIAN_FURTHER,
        str(v["oja_updates"]), f"{v['oja_norm']:.3f}", f"{v['oja_cosine']:.4f}", f"{v['oja_angle_deg']:.1f}",
        f"{v['bcm_response_a']:.2f}", f"{v['bcm_response_b']:.2f}", f"{v['example_total']:.4f}",
        f"{v['uncorrelated_mean']:.4f}", f"{v['uncorrelated_se']:.4f}", f"{v['uncorrelated_expected']:.4f}",
        f"{v['trace_difference']:.1e}", f"{v['sma_initial_edges']:.0f}", f"{v['sma_final_edges']:.0f}",
        f"{v['sma_low']:.0f}", f"{v['sma_high']:.0f}", f"{v['sma_rate_start']:.0f}",
        f"{v['sma_rate_end']:.0f}",
    )  # fmt: skip


def test_mcculloch_pitts_page_tables_and_search(built_book: BuiltBook) -> None:
    v = glue_values(built_book, MCCULLOCH_PITTS)
    values = np.arange(v["search_low"], v["search_high"] + 1)
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    tables = {"and": [0, 0, 0, 1], "xor": [0, 1, 1, 0], "xnor": [1, 0, 0, 1]}
    found = {name: len(neurons.find_threshold_units(inputs, table, values)) for name, table in tables.items()}
    assert v["xor_units_tried"] == len(values) ** 3
    assert (v["and_found"], v["xor_found"], v["xnor_found"]) == (found["and"], 0, 0)
    assert found["and"] > 0
    assert_shows(
        built_book, MCCULLOCH_PITTS,
        f"{v['xor_units_tried']:,}", str(v["and_found"]), str(v["xor_found"]), str(v["xnor_found"]),
    )  # fmt: skip
    page = article(built_book, MCCULLOCH_PITTS)
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
