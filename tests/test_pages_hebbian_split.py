"""The Hebbian page is an introduction; Oja, BCM, STDP traces and synaptic competition live on the
"Going further" page after it (built book).

Both pages must exist, follow each other in the table of contents, link to each other and show their
figures with alt text. Every glue value that moved to the new page must be there with the value the
same ``dlbook`` calls give (recomputed here in the page's order, so the shared random generator is
consumed in the same way), and the introduction's prose must stay at most about half as long as it was
before the split.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import jupytext
import numpy as np
import pytest
from conftest import ROOT, BuiltBook, article, figure_image, glue_values, notebooks, text_of
from dlbook import plasticity

pytestmark = pytest.mark.slow

INTRO = "book/nature/hebbian"
FURTHER = "book/nature/hebbian-further"

#: Words in the Markdown cells of book/nature/hebbian.md before the split (commit 3d825a4), counted by
#: ``prose_words``.
WORDS_BEFORE_SPLIT = 1574

FIGURES = {
    INTRO: ["fig-hebb-growth", "fig-stdp-windows"],
    FURTHER: [
        "fig-oja-norm",
        "fig-oja-direction",
        "fig-bcm-selectivity",
        "fig-stdp-traces",
        "fig-stdp-uncorrelated",
        "fig-sma-competition",
    ],
}


def prose_words(path) -> int:
    """Whitespace-separated words in the Markdown cells of a MyST notebook (code cells excluded), up to
    the page's closing practice (its "Try it" box, summary and exercises, which the page before the split
    did not have)."""
    words = 0
    for cell in jupytext.read(path).cells:
        if cell.cell_type != "markdown":
            continue
        text = cell.source
        for end in ("```{admonition} Try it", "## Summary"):
            if end in text:
                return words + len(text[: text.index(end)].split())
        words += len(text.split())
    return words


def further_page_values() -> dict[str, Any]:
    """The values the "Going further" page glues, computed with the page's own calls in its order."""
    v: dict[str, Any] = {}
    rng = np.random.default_rng(0)
    angle = np.deg2rad(30)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    x = rng.normal(size=(1000, 2)) * np.sqrt([4.0, 0.5]) @ rotation.T
    w0 = np.array([0.2, 0.6])
    w_hebb = plasticity.hebb(x, eta=1e-3, w0=w0, epochs=3, seed=1)
    w_oja = plasticity.oja(x, eta=1e-3, w0=w0, epochs=3, seed=1)
    pc1 = np.linalg.eigh(np.cov(x.T, bias=True))[1][:, -1]
    cosine = abs(w_oja[-1] @ pc1) / np.linalg.norm(w_oja[-1])
    v["hebb_growth"] = float(np.linalg.norm(w_hebb[-1]) / np.linalg.norm(w0))
    v["oja_norm"] = float(np.linalg.norm(w_oja[-1]))
    v["oja_cosine"] = float(cosine)
    v["oja_angle_deg"] = float(np.degrees(np.arccos(min(cosine, 1.0))))
    v["oja_updates"] = len(w_oja) - 1

    shown = rng.integers(0, 2, size=10000)
    traj = plasticity.bcm(np.eye(2)[shown], eta=0.002, w0=[0.5, 0.45], tau_theta=50.0)
    v["bcm_response_a"], v["bcm_response_b"] = (float(r) for r in traj.w[-1])

    pre_ex, post_ex = [0.020, 0.100, 0.180], [0.030, 0.090, 0.200]
    v["example_total"] = plasticity.stdp_traces(pre_ex, post_ex)
    v["example_far_ltp_ms"] = (post_ex[1] - pre_ex[0]) * 1e3
    v["example_far_ltd_ms"] = (pre_ex[2] - post_ex[1]) * 1e3

    rate, long_duration, trial_duration, n_trials = 20.0, 50.0, 10.0, 300
    pre, post = plasticity.poisson_spikes(rate, long_duration, 2, seed=3)
    trials = np.array(
        [
            plasticity.stdp_traces(*plasticity.poisson_spikes(rate, trial_duration, 2, seed=rng))
            for _ in range(n_trials)
        ]
    )
    v["trace_long_s"] = long_duration
    v["trace_pairs"] = pre.size * post.size
    v["trace_events"] = pre.size + post.size
    v["trials_n"], v["trials_rate"], v["trials_duration"] = n_trials, rate, trial_duration
    v["uncorrelated_expected"] = plasticity.expected_stdp_poisson(rate, rate, trial_duration)
    v["uncorrelated_mean"] = float(trials.mean())
    v["uncorrelated_se"] = float(trials.std(ddof=1) / np.sqrt(n_trials))

    params = plasticity.CompetitionParams(window=replace(plasticity.SONG2000, a_plus=0.005, a_minus=0.00525))
    result = plasticity.simulate_competition(600.0, params=params, seed=0, record_every=10.0)
    records = result.w_records / params.g_max
    initial = result.w_initial / params.g_max
    v["sma_minutes"] = 10.0
    v["sma_initial_edges"] = float(100 * np.mean((initial < 0.1) | (initial > 0.9)))
    v["sma_final_edges"] = 100 * result.fraction_bimodal()
    v["sma_low"] = float(100 * (records[-1] < 0.1).mean())
    v["sma_high"] = float(100 * (records[-1] > 0.9).mean())
    v["sma_rate_start"] = result.output_rate(0.0, 10.0)
    v["sma_rate_end"] = result.output_rate(540.0, 600.0)
    v["sma_n_inputs"], v["sma_rate_hz"] = params.n_inputs, params.rate
    for name in ("tau_m", "e_leak", "e_exc", "v_threshold", "v_reset", "tau_e", "dt"):
        unit = "ms" if name in ("tau_m", "tau_e", "dt") else "mv"
        v[f"sma_{name}_{unit}"] = getattr(params, name) * 1e3
    v["sma_g_max"] = params.g_max
    v["sma_a_plus"] = params.window.a_plus
    v["sma_a_ratio"] = params.window.a_minus / params.window.a_plus
    return v


#: Glue names that moved from the Hebbian page to the "Going further" page.
MOVED = [
    "oja_norm",
    "oja_cosine",
    "oja_angle_deg",
    "oja_updates",
    "bcm_response_a",
    "bcm_response_b",
    "example_total",
    "example_far_ltp_ms",
    "example_far_ltd_ms",
    "trace_long_s",
    "trace_pairs",
    "trace_events",
    "trace_difference",
    "trials_n",
    "trials_rate",
    "trials_duration",
    "uncorrelated_expected",
    "uncorrelated_mean",
    "uncorrelated_se",
    "sma_minutes",
    "sma_initial_edges",
    "sma_final_edges",
    "sma_low",
    "sma_high",
    "sma_rate_start",
    "sma_rate_end",
    "sma_n_inputs",
    "sma_rate_hz",
    "sma_tau_m_ms",
    "sma_e_leak_mv",
    "sma_e_exc_mv",
    "sma_v_threshold_mv",
    "sma_v_reset_mv",
    "sma_tau_e_ms",
    "sma_dt_ms",
    "sma_g_max",
    "sma_a_plus",
    "sma_a_ratio",
]


def test_both_pages_exist_and_follow_each_other_in_the_toc(built_book: BuiltBook) -> None:
    toc = list(notebooks.toc_files())
    assert toc.index(FURTHER) == toc.index(INTRO) + 1
    for docname in (INTRO, FURTHER):
        assert (built_book.html / f"{docname}.html").is_file(), f"{docname} was not built"


def test_pages_link_to_each_other(built_book: BuiltBook) -> None:
    def links(docname: str) -> set[str]:
        return {a.get("href", "").split("#")[0] for a in article(built_book, docname).find_all("a")}

    assert "hebbian-further.html" in links(INTRO)
    assert "hebbian.html" in links(FURTHER)


@pytest.mark.parametrize("docname", FIGURES)
def test_figures_have_ids_captions_and_alt_text(built_book: BuiltBook, docname: str) -> None:
    page = article(built_book, docname)
    images = page.find_all("img")
    assert len(images) == len(FIGURES[docname]), f"{docname}: {len(images)} images"
    for figure_id in FIGURES[docname]:
        figure_image(built_book, docname, figure_id)
        fig = page.find("figure", id=figure_id)
        assert fig.find("figcaption") is not None, f"{docname}#{figure_id}: no caption"
        assert len(fig.find("img")["alt"].strip()) > 40, f"{docname}#{figure_id}: alt text too short"


def test_moved_glue_values_are_on_the_new_page(built_book: BuiltBook) -> None:
    glued = glue_values(built_book, FURTHER)
    expected = further_page_values()
    for name in MOVED:
        assert name in glued, f"{FURTHER} does not glue {name}"
        if name == "trace_difference":
            assert 0 <= glued[name] < 1e-9  # rounding error between two exact computations
        else:
            assert glued[name] == pytest.approx(expected[name], rel=1e-9, abs=1e-12), name
    assert glued["hebb_growth"] == pytest.approx(expected["hebb_growth"], rel=1e-9)
    assert glued["oja_cosine"] > 0.99 and abs(glued["oja_norm"] - 1) < 0.02
    assert glued["uncorrelated_expected"] < 0  # the Song et al. window weakens independent neurons


def test_moved_glue_values_are_not_on_the_introduction(built_book: BuiltBook) -> None:
    glued = glue_values(built_book, INTRO)
    assert not set(MOVED) & set(glued), sorted(set(MOVED) & set(glued))


def test_introduction_keeps_the_rate_rule_and_the_stdp_window(built_book: BuiltBook) -> None:
    glued = glue_values(built_book, INTRO)
    further = glue_values(built_book, FURTHER)
    assert (
        glued["hebb_growth"] == pytest.approx(further["hebb_growth"], rel=1e-12)
        and glued["hebb_growth"] > 100
    )
    edges = plasticity.stdp_window([-20e-3, 20e-3], plasticity.BI_POO1998)
    assert glued["stdp_ltp_at_20"] == pytest.approx(100 * edges[1])
    assert glued["stdp_ltd_at_20"] == pytest.approx(-100 * edges[0])
    assert glued["bipoo_tau_plus"] == pytest.approx(16.8) and glued["bipoo_tau_minus"] == pytest.approx(33.7)


def test_introduction_says_which_window_weakens_uncoordinated_firing(built_book: BuiltBook) -> None:
    glued = glue_values(built_book, INTRO)
    for key, window in [("bipoo", plasticity.BI_POO1998), ("song", plasticity.SONG2000)]:
        assert glued[f"{key}_ltp_area_ms"] == pytest.approx(1e3 * window.a_plus * window.tau_plus)
        assert glued[f"{key}_ltd_area_ms"] == pytest.approx(1e3 * window.a_minus * window.tau_minus)
        expected = plasticity.expected_stdp_poisson(
            glued["window_rate"], glued["window_rate"], glued["window_duration"], window
        )
        assert glued[f"{key}_uncorrelated_expected"] == pytest.approx(expected)
    assert glued["bipoo_uncorrelated_expected"] > 0  # the fit to Bi & Poo's data: net strengthening
    assert glued["song_uncorrelated_expected"] < 0  # the model of Song et al.: net weakening


def test_introduction_prose_is_at_most_about_half_as_long() -> None:
    words = prose_words(ROOT / f"{INTRO}.md")
    assert words <= WORDS_BEFORE_SPLIT / 2, f"{INTRO}.md has {words} words of prose"


def test_pages_show_no_notes_for_maintainers(built_book: BuiltBook) -> None:
    for docname in (INTRO, FURTHER):
        text = text_of(article(built_book, docname))
        for phrase in ("benchmarks/", "simulate_competition_loop", "test", "TODO"):
            assert not re.search(rf"\b{re.escape(phrase)}", text), f"{docname} mentions {phrase!r}"
