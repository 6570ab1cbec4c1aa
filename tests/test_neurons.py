"""Tests of dlbook.neurons: threshold units and the leaky integrate-and-fire neuron."""

from __future__ import annotations

import math
from dataclasses import FrozenInstanceError, replace

import numpy as np
import pytest
from dlbook import neurons
from hypothesis import given, settings
from hypothesis import strategies as st

X2 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
I_TH = neurons.rheobase()


@pytest.mark.parametrize(
    ("w", "theta", "table"),
    [
        ((1, 1), 2, [0, 0, 0, 1]),  # AND
        ((1, 1), 1, [0, 1, 1, 1]),  # OR
        ((-1, -1), -1, [1, 1, 1, 0]),  # NAND
    ],
)
def test_mcculloch_pitts_truth_tables(w, theta, table):
    assert neurons.mcculloch_pitts(X2, w, theta).tolist() == table
    assert [int(neurons.mcculloch_pitts(x, w, theta)) for x in X2] == table


def test_mcculloch_pitts_not():
    assert neurons.mcculloch_pitts([[0], [1]], [-1], 0).tolist() == [1, 0]


def test_mcculloch_pitts_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="x must"):
        neurons.mcculloch_pitts([[0, 1, 1]], [1, 1], 1)
    with pytest.raises(ValueError, match="w must"):
        neurons.mcculloch_pitts([0, 1], [[1, 1]], 1)


def test_xor_search_finds_nothing_but_and_search_succeeds():
    values = np.arange(-5, 6)
    assert neurons.find_threshold_units(X2, [0, 1, 1, 0], values) == []
    assert neurons.find_threshold_units(X2, [1, 0, 0, 1], values) == []  # XNOR
    found = neurons.find_threshold_units(X2, [0, 0, 0, 1], values)
    assert ((1.0, 1.0), 2.0) in found
    for w, theta in found:
        assert neurons.mcculloch_pitts(X2, w, theta).tolist() == [0, 0, 0, 1]


def test_no_spikes_just_below_threshold():
    res = neurons.simulate_lif(0.99 * I_TH, duration=0.5, dt=1e-4)
    assert res.spike_times.size == 0
    assert res.u.max() < neurons.LIF.theta


@pytest.mark.parametrize("factor", [1.001, 1.01, 1.1, 1.5, 2.0, 4.0, 10.0, 25.0])
def test_simulated_rate_matches_analytic(factor):
    current = factor * I_TH
    res = neurons.simulate_lif(current, duration=0.5, dt=1e-4)
    expected = float(neurons.lif_rate(current))
    assert res.spike_times.size >= 3
    assert res.rate == pytest.approx(expected, rel=0.01)


def test_subthreshold_charging_is_exact():
    current = 0.8 * I_TH
    res = neurons.simulate_lif(current, duration=0.1, dt=1e-4)
    expected = neurons.LIF.u_rest + neurons.LIF.r_m * current * (1 - np.exp(-res.t / neurons.LIF.tau_m))
    np.testing.assert_allclose(res.u, expected, rtol=0, atol=1e-9)


def test_current_array_matches_constant():
    a = neurons.simulate_lif(3 * I_TH, duration=0.1, dt=1e-4)
    b = neurons.simulate_lif(np.full(1000, 3 * I_TH), duration=0.1, dt=1e-4)
    np.testing.assert_array_equal(a.spike_times, b.spike_times)


def test_lif_rate_zero_below_threshold():
    assert neurons.lif_rate([0.0, 0.5 * I_TH, I_TH]).tolist() == [0.0, 0.0, 0.0]


@settings(max_examples=40, deadline=None)
@given(
    factor=st.floats(min_value=0.0, max_value=500.0),
    t_ref=st.floats(min_value=1e-4, max_value=5e-3),
)
def test_rate_never_exceeds_one_over_t_ref(factor, t_ref):
    current = factor * I_TH
    params = replace(neurons.LIF, t_ref=t_ref)
    assert float(neurons.lif_rate(current, params)) < 1 / t_ref
    res = neurons.simulate_lif(current, duration=0.05, dt=1e-4, params=params)
    assert res.rate < 1 / t_ref
    if res.spike_times.size >= 2:
        assert np.diff(res.spike_times).min() > t_ref


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"dt": -1.0}, "dt"),
        ({"dt": 0.0}, "dt"),
        ({"dt": 0.1}, "dt"),  # larger than tau_m
        ({"duration": -0.1}, "duration"),
        ({"params": {"tau_m": 8e-3}}, "params must be a LIFParams"),
    ],
)
def test_simulate_lif_rejects_bad_arguments(kwargs, name):
    args = {"duration": 0.1, "dt": 1e-4, **kwargs}
    with pytest.raises(ValueError, match=name):
        neurons.simulate_lif(I_TH, **args)


def test_lif_params_hold_the_published_defaults_in_si_units():
    assert neurons.LIF == neurons.LIFParams()
    lif = neurons.LIF
    assert (lif.tau_m, lif.r_m, lif.u_rest, lif.u_reset, lif.theta, lif.t_ref) == (
        8e-3, 10e6, -70e-3, -65e-3, -50e-3, 2e-3
    )  # fmt: skip
    assert neurons.rheobase() == pytest.approx(2e-9)
    with pytest.raises(FrozenInstanceError):
        lif.tau_m = 1.0  # type: ignore[misc]
    slower = replace(lif, tau_m=16e-3)  # how a page varies one parameter
    assert slower.tau_m == 16e-3 and lif.tau_m == 8e-3
    assert float(neurons.lif_rate(3 * I_TH, slower)) < float(neurons.lif_rate(3 * I_TH))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tau_m", 0.0, r"tau_m must be > 0 s"),
        ("tau_m", float("nan"), r"tau_m must be > 0 s"),
        ("r_m", -1.0, r"r_m must be > 0 Ω"),
        ("theta", -0.08, r"theta must be > u_rest \(-0.07 V\)"),
        ("u_reset", -0.04, r"u_reset must be < theta \(-0.05 V\)"),
        ("t_ref", -1e-3, r"t_ref must be >= 0 s"),
    ],
)
def test_lif_params_reject_values_out_of_range_naming_the_field(field, value, message):
    with pytest.raises(ValueError, match=message):
        replace(neurons.LIF, **{field: value})


def test_simulate_lif_rejects_mismatched_current():
    with pytest.raises(ValueError, match="current"):
        neurons.simulate_lif(np.zeros(999), duration=0.1, dt=1e-4)


def test_spike_times_are_exact_for_constant_current():
    current = 3 * I_TH
    res = neurons.simulate_lif(current, duration=0.1, dt=1e-4)
    lif = neurons.LIF
    u_inf = lif.u_rest + lif.r_m * current
    first = lif.tau_m * math.log((lif.u_rest - u_inf) / (lif.theta - u_inf))
    assert res.spike_times[0] == pytest.approx(first, abs=1e-12)
    isi = 1 / float(neurons.lif_rate(current))
    np.testing.assert_allclose(np.diff(res.spike_times), isi, atol=1e-12)


def test_epsp_scales_with_weight_and_stays_subthreshold():
    small, large = neurons.epsp(1.0), neurons.epsp(2.0)
    assert small.spike_times.size == 0 and large.spike_times.size == 0
    peak = small.u.max() - neurons.LIF.u_rest
    assert peak > 1e-4
    assert large.u.max() - neurons.LIF.u_rest == pytest.approx(2 * peak, rel=1e-9)
    np.testing.assert_array_equal(neurons.epsp(0.0).u, neurons.LIF.u_rest)
    with pytest.raises(ValueError, match="weight"):
        neurons.epsp(-1.0)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: neurons.epsp(1.0, dt=0.0), "dt"),
        (lambda: neurons.epsp(1.0, duration=-0.01), "duration"),
        (lambda: neurons.epsp(1.0, tau_s=0.0), "tau_s"),
        (lambda: neurons.rheobase({"r_m": 0.0}), "params"),
        (lambda: neurons.lif_rate(I_TH, None), "params"),
        (lambda: neurons.find_threshold_units([0, 1], [0, 1], [0, 1]), "inputs"),
        (lambda: neurons.find_threshold_units([[0], [1]], [0, 1, 1], [0, 1]), "targets"),
    ],
)
def test_helpers_reject_bad_input_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
