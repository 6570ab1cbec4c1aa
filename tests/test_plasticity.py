"""Tests of dlbook.plasticity: Hebbian rules, STDP and the Song-Miller-Abbott competition.

The ten simulated minutes of competition that end in a bimodal distribution are marked ``slow``; a short
stretch of the same simulation, and the single-neuron rules (Hebb, Oja, BCM, pairing), are quick.
"""

from __future__ import annotations

import math
from dataclasses import FrozenInstanceError, replace

import numpy as np
import pytest
from dlbook import plasticity as pl
from hypothesis import given, settings
from hypothesis import strategies as st


def gaussian_data(variances, n=2000, seed=0):
    """Zero-mean Gaussian samples with the given variances along a random rotation."""
    rng = np.random.default_rng(seed)
    d = len(variances)
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return rng.normal(size=(n, d)) * np.sqrt(variances) @ q.T


def top_eigenvector(x):
    _, vectors = np.linalg.eigh(x.T @ x / len(x))
    return vectors[:, -1]


# ---------------------------------------------------------------------------------------- Hebb, Oja, BCM


def test_hebb_weight_norm_grows_without_bound():
    x = gaussian_data([3.0, 0.5])
    traj = pl.hebb(x, eta=1e-3, w0=[0.1, 0.1], epochs=3, seed=0)
    norms = np.linalg.norm(traj, axis=1)
    per_epoch = norms[:: len(x)]
    assert np.all(np.diff(per_epoch) > 0)
    assert norms[-1] > 1e3 * norms[0]


@pytest.mark.parametrize("variances", [[3.0, 0.5], [5.0, 2.0, 1.5, 1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2]])
def test_oja_converges_to_unit_first_principal_component(variances):
    x = gaussian_data(variances)
    w0 = np.full(len(variances), 0.3)
    traj = pl.oja(x, eta=2e-3, w0=w0, epochs=10, seed=1)
    w = traj[-1]
    assert abs(np.linalg.norm(w) - 1.0) < 0.02
    cos = w @ top_eigenvector(x) / np.linalg.norm(w)
    assert abs(cos) > 0.99


def test_oja_and_hebb_shapes_and_order():
    x = gaussian_data([1.0, 1.0], n=50)
    traj = pl.oja(x, eta=0.01, w0=[1.0, 0.0], epochs=2)
    assert traj.shape == (101, 2)
    np.testing.assert_array_equal(traj[0], [1.0, 0.0])
    np.testing.assert_array_equal(
        pl.hebb(x, eta=0.01, w0=[1.0, 0.0], seed=3), pl.hebb(x, eta=0.01, w0=[1, 0], seed=3)
    )


def test_bcm_becomes_selective_to_one_pattern():
    patterns = np.eye(2)
    x = patterns[np.random.default_rng(0).integers(0, 2, size=4000)]
    res = pl.bcm(x, eta=0.02, w0=[0.5, 0.45], tau_theta=20.0)
    responses = patterns @ res.w[-1]
    assert responses.max() > 1.5
    assert abs(responses.min()) < 0.1
    assert res.theta.shape == (4001,)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"eta": 0.0}, "eta"), ({"w0": [1.0]}, "w0"), ({"epochs": 0}, "epochs")],
)
def test_rules_reject_bad_input(kwargs, name):
    args = {"eta": 0.01, "w0": [1.0, 0.0], **kwargs}
    with pytest.raises(ValueError, match=name):
        pl.oja(np.ones((5, 2)), **args)
    with pytest.raises(ValueError, match="x must"):
        pl.hebb(np.ones(5), eta=0.1, w0=[1.0])


# ---------------------------------------------------------------------------------------- STDP


@given(st.floats(min_value=-0.2, max_value=0.2, allow_nan=False))
def test_window_sign_equals_sign_of_delta_t(delta_t):
    for params in (pl.SONG2000, pl.BI_POO1998):
        assert np.sign(pl.stdp_window(delta_t, params)) == np.sign(delta_t)


def test_window_decays_exponentially():
    window = replace(pl.SONG2000, tau_plus=20e-3, tau_minus=20e-3)
    w10, w20 = pl.stdp_window([10e-3, 20e-3], window)
    assert w20 / w10 == pytest.approx(math.exp(-0.5), rel=1e-12)
    m10, m20 = pl.stdp_window([-10e-3, -20e-3], window)
    assert m20 / m10 == pytest.approx(math.exp(-0.5), rel=1e-12)


def test_bi_poo_fit_values():
    assert float(pl.stdp_window(1e-12, pl.BI_POO1998)) == pytest.approx(0.777)
    assert float(pl.stdp_window(-1e-12, pl.BI_POO1998)) == pytest.approx(-0.273)
    ratio = pl.stdp_window(-33.7e-3, pl.BI_POO1998) / pl.stdp_window(-1e-12, pl.BI_POO1998)
    assert ratio == pytest.approx(math.exp(-1))


spike_lists = st.lists(st.floats(min_value=0.0, max_value=0.5, allow_nan=False), max_size=25)


@settings(max_examples=100, deadline=None)
@given(pre=spike_lists, post=spike_lists, shared=st.lists(st.floats(0.0, 0.5), max_size=3))
def test_traces_equal_pair_sum(pre, post, shared):
    pre, post = pre + shared, post + shared  # include exactly simultaneous pre/post spikes
    for params in (pl.SONG2000, pl.BI_POO1998):
        online = pl.stdp_traces(pre, post, params)
        assert online == pytest.approx(pl.stdp_pair_sum(pre, post, params), abs=1e-12)


def test_independent_poisson_trains_depress_as_predicted():
    rng = np.random.default_rng(7)
    rate, duration, trials = 20.0, 10.0, 300
    changes = np.array(
        [pl.stdp_traces(*pl.poisson_spikes(rate, duration, 2, seed=rng), pl.SONG2000) for _ in range(trials)]
    )
    expected = pl.expected_stdp_poisson(rate, rate, duration, pl.SONG2000)
    se = changes.std(ddof=1) / math.sqrt(trials)
    assert expected < 0
    assert changes.mean() < 0
    assert abs(changes.mean() - expected) < 3 * se


def test_pairing_protocol_potentiates_causal_and_depresses_anticausal():
    ltp = pl.pairing_protocol(10e-3, n_pairings=60)
    ltd = pl.pairing_protocol(-10e-3, n_pairings=60)
    assert np.all(np.diff(ltp) > 0) and np.all(np.diff(ltd) < 0)
    assert ltp[-1] - 1 == pytest.approx(60 * float(pl.stdp_window(10e-3)), rel=1e-9)


def test_published_windows_in_seconds():
    assert (pl.SONG2000.a_plus, pl.SONG2000.a_minus, pl.SONG2000.tau_plus, pl.SONG2000.tau_minus) == (
        0.01, 0.0105, 20e-3, 20e-3
    )  # fmt: skip
    assert (pl.BI_POO1998.tau_plus, pl.BI_POO1998.tau_minus) == (16.8e-3, 33.7e-3)
    with pytest.raises(FrozenInstanceError):
        pl.SONG2000.a_plus = 1.0  # type: ignore[misc]
    # every function defaults to the Song, Miller & Abbott window
    assert float(pl.stdp_window(10e-3)) == float(pl.stdp_window(10e-3, pl.SONG2000))
    assert pl.CompetitionParams().window == pl.SONG2000


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("a_plus", -0.1, "a_plus must be >= 0"),
        ("a_minus", -1.0, "a_minus must be >= 0"),
        ("tau_plus", 0.0, r"tau_plus must be > 0 s"),
        ("tau_minus", float("nan"), r"tau_minus must be > 0 s"),
    ],
)
def test_window_rejects_values_out_of_range_naming_the_field(field, value, message):
    with pytest.raises(ValueError, match=message):
        replace(pl.SONG2000, **{field: value})


@pytest.mark.parametrize(
    "call",
    [
        lambda: pl.stdp_window(0.01, {"a_plus": 0.01}),
        lambda: pl.stdp_traces([0.0], [0.01], None),
        lambda: pl.pairing_protocol(10e-3, window=(0.01, 0.0105, 0.02, 0.02)),
        lambda: pl.CompetitionParams(window={"a_plus": 0.01}),
    ],
)
def test_functions_take_only_an_stdp_window(call):
    with pytest.raises(ValueError, match="window must be an STDPWindow"):
        call()


# ---------------------------------------------------------------------------------------- Poisson input


def test_poisson_spikes_rate_and_order():
    trains = pl.poisson_spikes([5.0, 50.0], 100.0, 2, seed=1)
    assert all(np.all(np.diff(t) >= 0) for t in trains)
    assert all(t.min() >= 0 and t.max() < 100.0 for t in trains)
    for train, rate in zip(trains, [5.0, 50.0], strict=True):
        assert abs(len(train) - rate * 100.0) < 5 * math.sqrt(rate * 100.0)
    again = pl.poisson_spikes([5.0, 50.0], 100.0, 2, seed=1)
    np.testing.assert_array_equal(trains[1], again[1])


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((-1.0, 1.0, 3), "rate"),
        (([1.0, 2.0], 1.0, 3), "rate"),
        ((1.0, 0.0, 3), "duration"),
        ((1.0, 1.0, 0), "n"),
    ],
)
def test_poisson_spikes_rejects_bad_input(args, name):
    with pytest.raises(ValueError, match=name):
        pl.poisson_spikes(*args, seed=0)


# ---------------------------------------------------------------------------------------- competition


def test_fast_simulation_equals_step_by_step_loop():
    fast = pl.simulate_competition(3.0, seed=5, record_every=1.0)
    loop = pl.simulate_competition_loop(3.0, seed=5, record_every=1.0)
    assert fast.post_spike_times.size > 30
    np.testing.assert_array_equal(fast.post_spike_times, loop.post_spike_times)
    np.testing.assert_allclose(fast.w, loop.w, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.w_records, loop.w_records, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(fast.record_times, [0.0, 1.0, 2.0, 3.0])


def test_competition_starts_to_push_weights_to_the_edges():
    """20 simulated seconds (of the 600 that the slow test below runs): the weights already spread out."""
    params = pl.CompetitionParams(window=replace(pl.SONG2000, a_plus=0.005, a_minus=0.00525))
    res = pl.simulate_competition(20.0, params=params, seed=0, record_every=20.0)
    ratio, start = res.w / params.g_max, res.w_initial / params.g_max
    assert np.all((ratio >= 0) & (ratio <= 1))
    assert res.fraction_bimodal() > np.mean((start < 0.1) | (start > 0.9)) + 0.03
    assert ratio.std() > start.std()


@pytest.mark.slow
def test_competition_ends_bimodal():
    params = pl.CompetitionParams(window=replace(pl.SONG2000, a_plus=0.005, a_minus=0.00525))
    res = pl.simulate_competition(600.0, params=params, seed=0, record_every=60.0)
    ratio = res.w / params.g_max
    assert np.all((ratio >= 0) & (ratio <= 1))
    initial = (res.w_initial / params.g_max < 0.1) | (res.w_initial / params.g_max > 0.9)
    assert abs(initial.mean() - 0.2) < 0.05  # uniform start: 20 % near the edges
    assert res.fraction_bimodal() > 0.6  # most weights end near 0 or near g_max
    assert np.mean((ratio > 0.3) & (ratio < 0.7)) < 0.15  # few in the middle
    assert np.mean(ratio < 0.1) > 0.2 and np.mean(ratio > 0.9) > 0.2  # both modes populated


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"dt": -1e-4}, "dt"), ({"dt": 0.1}, "dt"), ({"rate": -1.0}, "rate"), ({"n_inputs": 0}, "n_inputs")],
)
def test_competition_params_reject_bad_values(kwargs, name):
    with pytest.raises(ValueError, match=name):
        pl.CompetitionParams(**kwargs)


def test_trace_history_matches_online_total_and_jumps_at_spikes():
    pre, post = [0.02, 0.10, 0.18], [0.03, 0.09, 0.20]
    t = np.linspace(0.0, 0.3, 3001)
    hist = pl.stdp_trace_history(pre, post, t)
    assert hist.w[-1] == pytest.approx(pl.stdp_traces(pre, post), abs=1e-15)
    assert hist.w[t < 0.03].max() == 0.0  # no pair is complete before the first post spike
    k = np.searchsorted(t, 0.10)
    assert hist.x[k] - hist.x[k - 1] == pytest.approx(1.0, abs=0.01)  # a presynaptic spike adds 1 to x
    assert np.all(hist.y[t < 0.03] == 0.0)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: pl.expected_stdp_poisson(-1.0, 10.0, 1.0), "rate_pre"),
        (lambda: pl.expected_stdp_poisson(10.0, 10.0, 0.0), "duration"),
        (lambda: pl.pairing_protocol(10e-3, n_pairings=0), "n_pairings"),
        (lambda: pl.pairing_protocol(10e-3, frequency=0.0), "frequency"),
    ],
)
def test_expectation_and_pairing_reject_bad_input_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_competition_result_summaries_reject_bad_windows():
    res = pl.simulate_competition(0.5, seed=1, record_every=0.5)
    assert 0.0 <= res.fraction_bimodal(0.5) <= 1.0 and res.fraction_bimodal(0.5) == 1.0
    with pytest.raises(ValueError, match="edge"):
        res.fraction_bimodal(0.0)
    with pytest.raises(ValueError, match="stop"):
        res.output_rate(0.3, 0.3)
