r"""Synaptic plasticity: rate-based Hebbian rules, spike-timing-dependent plasticity (STDP), and the
synaptic competition of Song, Miller & Abbott (2000).

**Rate-based rules.** A linear neuron with weights :math:`\mathbf{w}\in\mathbb{R}^n` answers an input
:math:`\mathbf{x}` with :math:`y = \mathbf{w}\cdot\mathbf{x}`. After each sample the weights change by
Hebb's rule :cite:p:`hebb1949organization`, Oja's rule :cite:p:`oja1982simplified` or the BCM rule
:cite:p:`bienenstock1982theory`:

.. math::

   \text{Hebb:}\quad \Delta\mathbf{w} = \eta\, y\, \mathbf{x}, \qquad
   \text{Oja:}\quad \Delta\mathbf{w} = \eta\, y\, (\mathbf{x} - y\,\mathbf{w}),

.. math::

   \text{BCM:}\quad
   \Delta\mathbf{w} = \eta\, \mathbf{x}\, y\, (y - \theta_M), \qquad
   \Delta\theta_M = (y^2 - \theta_M) / \tau_\theta .

Hebb's rule grows :math:`\|\mathbf{w}\|` without bound; Oja's rule keeps it near 1 and turns
:math:`\mathbf{w}` towards the first principal component of zero-mean data; BCM's sliding threshold
:math:`\theta_M` (a running mean of :math:`y^2` over :math:`\tau_\theta` samples) makes the neuron
selective to one input pattern.

**STDP window** :cite:p:`markram1997regulation,bi1998synaptic,song2000competitive`. A pair of a
presynaptic spike at :math:`t_\text{pre}` and a postsynaptic spike at :math:`t_\text{post}`, with
:math:`\Delta t = t_\text{post} - t_\text{pre}` (s), changes the weight by

.. math::

   W(\Delta t) = \begin{cases}
   A_+\, e^{-\Delta t/\tau_+} & \Delta t > 0 \text{ (pre before post: potentiation)}\\
   -A_-\, e^{\Delta t/\tau_-} & \Delta t < 0 \text{ (post before pre: depression)}\\
   0 & \Delta t = 0.
   \end{cases}

:math:`A_\pm, \tau_\pm` travel together as one :class:`STDPWindow`. :data:`SONG2000` is the window of the
:cite:t:`song2000competitive` model (the default of every function here; :math:`A_\pm` in units of the
maximal weight); :data:`BI_POO1998` the exponential fit to the hippocampal data of :cite:t:`bi1998synaptic`
reported by :cite:t:`bi2001synaptic` (:math:`A_\pm` as the fractional change of the EPSC after 60 pairings
at 1 Hz).

**Traces** (the online form). Every presynaptic spike bumps a trace :math:`x`, every postsynaptic spike
a trace :math:`y`; both decay between spikes:

.. math::

   \tau_+ \frac{dx}{dt} = -x + \sum_f \delta(t - t^f_\text{pre}), \qquad
   \tau_- \frac{dy}{dt} = -y + \sum_f \delta(t - t^f_\text{post}),

and the weight jumps by :math:`A_+ x(t^-)` at each postsynaptic spike and by :math:`-A_- y(t^-)` at each
presynaptic spike. Summed over a run this equals :math:`\sum_{\text{pairs}} W(t_\text{post} - t_\text{pre})`
over all pre/post pairs, with a cost linear, not quadratic, in the number of spikes.

**Synaptic competition.** :func:`simulate_competition` reproduces the central result of
:cite:t:`song2000competitive`: a conductance-based integrate-and-fire neuron with membrane potential
:math:`v` (V) and excitatory conductance :math:`g` (in units of the leak conductance),

.. math::

   \tau_m \frac{dv}{dt} = (E_L - v) + g\,(E_e - v), \qquad
   \tau_e \frac{dg}{dt} = -g + \tau_e \sum_i w_i \sum_f \delta(t - t_i^f),

driven by :math:`N` excitatory Poisson inputs whose weights :math:`w_i \in [0, g_\max]` follow
additive STDP (:math:`A_\pm` times :math:`g_\max`, clipped to the interval). Because depression slightly
outweighs potentiation (:math:`A_-\tau_- > A_+\tau_+`) only inputs that often fire just before the
neuron keep their weight, and the weights split into two groups, near 0 and near :math:`g_\max`.

Used on the pages :doc:`/book/nature/plasticity`, :doc:`/book/nature/hebbian` and
:doc:`/book/nature/hebbian-further`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class STDPWindow:
    r"""The STDP window :math:`W(\Delta t)` of the module docstring, one set of its four parameters.

    The published windows are :data:`SONG2000` and :data:`BI_POO1998`; vary one with, e.g.,
    ``dataclasses.replace(SONG2000, a_plus=0.005, a_minus=0.00525)``.

    Attributes:
        a_plus: amplitude of potentiation :math:`A_+`, >= 0 (in the units of the weight change).
        a_minus: amplitude of depression :math:`A_-`, >= 0.
        tau_plus: decay time :math:`\tau_+` of the potentiation side (s), > 0.
        tau_minus: decay time :math:`\tau_-` of the depression side (s), > 0.

    Raises:
        ValueError: naming the field and its allowed range, if a value lies outside it.
    """

    a_plus: float
    a_minus: float
    tau_plus: float
    tau_minus: float

    def __post_init__(self) -> None:
        for name in ("a_plus", "a_minus"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be >= 0; got {getattr(self, name)}")
        for name in ("tau_plus", "tau_minus"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0 s; got {getattr(self, name)}")


#: STDP window of the model of :cite:t:`song2000competitive` (equal time constants of 20 ms, depression
#: 5 % stronger than potentiation), with the amplitudes of the Brian 2 reproduction
#: :cite:p:`stimberg2019brian` in units of the maximal weight.
SONG2000 = STDPWindow(a_plus=0.01, a_minus=0.0105, tau_plus=20e-3, tau_minus=20e-3)
#: Exponential fit to the data of :cite:t:`bi1998synaptic` reported by :cite:t:`bi2001synaptic`, with
#: amplitudes as the fractional change after 60 pairings at 1 Hz.
BI_POO1998 = STDPWindow(a_plus=0.777, a_minus=0.273, tau_plus=16.8e-3, tau_minus=33.7e-3)

Rng = int | np.random.Generator | None


def _rng(seed: Rng) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _check_window(window: object) -> None:
    if not isinstance(window, STDPWindow):
        raise ValueError(
            f"window must be an STDPWindow, e.g. dlbook.plasticity.SONG2000; got {type(window).__name__}"
        )


# ----------------------------------------------------------------------------------------------------
# Spike trains


def poisson_spikes(rate: float | ArrayLike, duration: float, n: int, *, seed: Rng) -> list[np.ndarray]:
    """``n`` independent homogeneous Poisson spike trains on ``[0, duration)``.

    Args:
        rate: firing rate (Hz), >= 0: one for all trains, or one per train, shape ``(n,)``.
        duration: length of the trains (s), > 0.
        n: number of trains, >= 1.
        seed: an ``int`` seed or a :class:`numpy.random.Generator`.

    Returns:
        A list of ``n`` sorted arrays of spike times (s).

    Raises:
        ValueError: for a negative ``rate``, a ``rate`` of the wrong shape, or a bad ``duration``/``n``.
    """
    if not duration > 0:
        raise ValueError(f"duration must be > 0 s; got {duration}")
    if n < 1:
        raise ValueError(f"n must be >= 1; got {n}")
    rates = (
        np.broadcast_to(np.asarray(rate, dtype=float), (n,))
        if np.ndim(rate) == 0
        else np.asarray(rate, float)
    )
    if rates.shape != (n,):
        raise ValueError(f"rate must be a scalar or have shape ({n},); got {rates.shape}")
    if np.any(rates < 0) or not np.all(np.isfinite(rates)):
        raise ValueError(f"rate must be finite and >= 0 Hz; got min {rates.min()}")
    rng = _rng(seed)
    counts = rng.poisson(rates * duration)
    return [np.sort(rng.uniform(0.0, duration, size=c)) for c in counts]


# ----------------------------------------------------------------------------------------------------
# Rate-based Hebbian rules


def _check_data(x: ArrayLike, w0: ArrayLike, eta: float, epochs: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    w0 = np.asarray(w0, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (samples, inputs); got {x.shape}")
    if w0.shape != (x.shape[1],):
        raise ValueError(f"w0 must have shape ({x.shape[1]},) to match x's inputs; got {w0.shape}")
    if not eta > 0:
        raise ValueError(f"eta must be > 0; got {eta}")
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1; got {epochs}")
    return x, w0


def _sample_order(m: int, epochs: int, seed: Rng) -> np.ndarray:
    """Sample indices for ``epochs`` passes: in order when ``seed`` is None, else shuffled per epoch."""
    if seed is None:
        return np.tile(np.arange(m), epochs)
    rng = _rng(seed)
    return np.concatenate([rng.permutation(m) for _ in range(epochs)])


def _trajectory(
    x: np.ndarray,
    w0: np.ndarray,
    epochs: int,
    seed: Rng,
    update: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    order = _sample_order(len(x), epochs, seed)
    traj = np.empty((len(order) + 1, len(w0)))
    traj[0] = w = w0.copy()
    for step, i in enumerate(order, start=1):
        w = update(w, x[i])
        traj[step] = w
    return traj


def hebb(x: ArrayLike, *, eta: float, w0: ArrayLike, epochs: int = 1, seed: Rng = None) -> np.ndarray:
    r"""Plain Hebbian learning, :math:`\Delta\mathbf{w} = \eta\,y\,\mathbf{x}` for output :math:`y`.

    Args:
        x: data, shape ``(samples, inputs)``.
        eta: learning rate, > 0.
        w0: initial weights, shape ``(inputs,)``.
        epochs: passes over the data, >= 1.
        seed: None to present samples in order, else an ``int`` or Generator to shuffle each epoch.

    Returns:
        Weight trajectory, shape ``(epochs * samples + 1, inputs)``; row 0 is ``w0``.

    Raises:
        ValueError: if ``x`` is not 2-D, ``w0`` does not match its columns, ``eta`` <= 0 or ``epochs`` < 1.
    """
    x, w0 = _check_data(x, w0, eta, epochs)
    return _trajectory(x, w0, epochs, seed, lambda w, xi: w + eta * (w @ xi) * xi)


def oja(x: ArrayLike, *, eta: float, w0: ArrayLike, epochs: int = 1, seed: Rng = None) -> np.ndarray:
    r"""Oja's rule, :math:`\Delta\mathbf{w} = \eta\,y\,(\mathbf{x} - y\,\mathbf{w})`.

    For zero-mean data and small ``eta`` the weights converge to the unit-norm eigenvector of the
    covariance :math:`E[\mathbf{x}\mathbf{x}^\top]` with the largest eigenvalue (up to sign).

    Args:
        x: data, shape ``(samples, inputs)``.
        eta: learning rate, > 0.
        w0: initial weights, shape ``(inputs,)``.
        epochs: passes over the data, >= 1.
        seed: None to present samples in order, else an ``int`` or Generator to shuffle each epoch.

    Returns:
        Weight trajectory, shape ``(epochs * samples + 1, inputs)``; row 0 is ``w0``.

    Raises:
        ValueError: if ``x`` is not 2-D, ``w0`` does not match its columns, ``eta`` <= 0 or ``epochs`` < 1.
    """
    x, w0 = _check_data(x, w0, eta, epochs)

    def update(w: np.ndarray, xi: np.ndarray) -> np.ndarray:
        y = w @ xi
        return w + eta * y * (xi - y * w)

    return _trajectory(x, w0, epochs, seed, update)


@dataclass(frozen=True)
class BCMTrajectory:
    """What :func:`bcm` returns.

    Attributes:
        w: weights after each sample, shape ``(epochs * samples + 1, inputs)``.
        theta: sliding threshold after each sample, shape ``(epochs * samples + 1,)``.
    """

    w: np.ndarray
    theta: np.ndarray


def bcm(
    x: ArrayLike,
    *,
    eta: float,
    w0: ArrayLike,
    tau_theta: float = 10.0,
    theta0: float = 0.0,
    epochs: int = 1,
    seed: Rng = None,
) -> BCMTrajectory:
    r"""The BCM rule with a sliding threshold.

    .. math::

       \Delta\mathbf{w} = \eta\,\mathbf{x}\,y\,(y - \theta_M), \qquad
       \Delta\theta_M = (y^2 - \theta_M)/\tau_\theta .

    Args:
        x, eta, w0, epochs, seed: as in :func:`hebb`.
        tau_theta: averaging time of the threshold, in samples, >= 1.
        theta0: initial threshold.

    Returns:
        A :class:`BCMTrajectory` with the weights and thresholds after each sample.

    Raises:
        ValueError: for bad data or ``eta``/``epochs`` (as in :func:`hebb`), or ``tau_theta`` < 1.
    """
    x, w0 = _check_data(x, w0, eta, epochs)
    if not tau_theta >= 1:
        raise ValueError(f"tau_theta must be >= 1 sample; got {tau_theta}")
    order = _sample_order(len(x), epochs, seed)
    w_traj = np.empty((len(order) + 1, len(w0)))
    theta_traj = np.empty(len(order) + 1)
    w, theta = w0.copy(), float(theta0)
    w_traj[0], theta_traj[0] = w, theta
    for step, i in enumerate(order, start=1):
        y = w @ x[i]
        w = w + eta * x[i] * y * (y - theta)
        theta += (y * y - theta) / tau_theta
        w_traj[step], theta_traj[step] = w, theta
    return BCMTrajectory(w=w_traj, theta=theta_traj)


# ----------------------------------------------------------------------------------------------------
# Spike-timing-dependent plasticity


def stdp_window(delta_t: float | ArrayLike, window: STDPWindow = SONG2000) -> np.ndarray:
    r"""Weight change :math:`W(\Delta t)` for one spike pair, :math:`\Delta t = t_\text{post} - t_\text{pre}`.

    .. math::

       W(\Delta t) = A_+ e^{-\Delta t/\tau_+}\ (\Delta t > 0), \quad
       -A_- e^{\Delta t/\tau_-}\ (\Delta t < 0), \quad 0\ (\Delta t = 0).

    Args:
        delta_t: time difference(s) (s), any shape.
        window: the window's parameters; default :data:`SONG2000`, pass :data:`BI_POO1998` for the fit
            to :cite:t:`bi1998synaptic`.

    Returns:
        Weight changes, same shape as ``delta_t``.
    """
    _check_window(window)
    d = np.asarray(delta_t, dtype=float)
    ltp = window.a_plus * np.exp(-np.abs(d) / window.tau_plus)
    ltd = -window.a_minus * np.exp(-np.abs(d) / window.tau_minus)
    return np.where(d > 0, ltp, np.where(d < 0, ltd, 0.0))


def stdp_pair_sum(pre_spikes: ArrayLike, post_spikes: ArrayLike, window: STDPWindow = SONG2000) -> float:
    r"""Total change over all pairs, :math:`\sum_\text{pre}\sum_\text{post} W(t_\text{post} - t_\text{pre})`.

    The direct definition: cost proportional to ``len(pre) * len(post)``.

    Args:
        pre_spikes, post_spikes: spike times (s), each 1-D.
        window: as in :func:`stdp_window`.

    Returns:
        The summed weight change (units of the amplitudes).
    """
    pre = np.asarray(pre_spikes, dtype=float)
    post = np.asarray(post_spikes, dtype=float)
    return float(np.sum(stdp_window(np.subtract.outer(post, pre), window)))


def stdp_traces(pre_spikes: ArrayLike, post_spikes: ArrayLike, window: STDPWindow = SONG2000) -> float:
    r"""Total weight change computed online with a presynaptic and a postsynaptic trace.

    Walks through the spikes in time order. Between spikes the traces decay,
    :math:`x \leftarrow x\,e^{-\delta/\tau_+}`, :math:`y \leftarrow y\,e^{-\delta/\tau_-}`; at a
    postsynaptic spike the weight changes by :math:`A_+ x`, at a presynaptic spike by :math:`-A_- y`,
    each read just before the spikes at that instant are added to the traces. The result equals
    :func:`stdp_pair_sum` (pairs at equal times contribute 0, as in :func:`stdp_window`).

    Args:
        pre_spikes, post_spikes: spike times (s), each 1-D (any order).
        window: as in :func:`stdp_window`.

    Returns:
        The summed weight change.
    """
    _check_window(window)
    a_plus, a_minus, tau_plus, tau_minus = window.a_plus, window.a_minus, window.tau_plus, window.tau_minus
    pre = np.sort(np.asarray(pre_spikes, dtype=float).ravel())
    post = np.sort(np.asarray(post_spikes, dtype=float).ravel())
    times = np.union1d(pre, post)
    n_pre = np.searchsorted(pre, times, side="right") - np.searchsorted(pre, times, side="left")
    n_post = np.searchsorted(post, times, side="right") - np.searchsorted(post, times, side="left")
    x = y = 0.0
    last = -math.inf
    dw = 0.0
    for t, k_pre, k_post in zip(times.tolist(), n_pre.tolist(), n_post.tolist(), strict=True):
        x *= math.exp(-(t - last) / tau_plus)
        y *= math.exp(-(t - last) / tau_minus)
        dw += a_plus * x * k_post - a_minus * y * k_pre
        x += k_pre
        y += k_post
        last = t
    return dw


@dataclass(frozen=True)
class TraceHistory:
    """What :func:`stdp_trace_history` returns; every array has the shape of ``t``.

    Attributes:
        t: the evaluation times (s).
        x: presynaptic trace (dimensionless).
        y: postsynaptic trace (dimensionless).
        w: summed weight change up to each time.
    """

    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    w: np.ndarray


def stdp_trace_history(
    pre_spikes: ArrayLike,
    post_spikes: ArrayLike,
    t: ArrayLike,
    window: STDPWindow = SONG2000,
) -> TraceHistory:
    r"""The traces and the accumulated weight change as functions of time, for plotting small examples.

    .. math::

       x(t) = \sum_{t^f_\text{pre} \le t} e^{-(t - t^f_\text{pre})/\tau_+}, \qquad
       y(t) = \sum_{t^f_\text{post} \le t} e^{-(t - t^f_\text{post})/\tau_-}, \qquad
       w(t) = \sum_{t^f_\text{pre},\, t^g_\text{post} \le t} W(t^g_\text{post} - t^f_\text{pre}).

    Computed directly from these sums (cost proportional to ``len(t)`` times the number of pairs), so it
    checks :func:`stdp_traces`: ``w`` at the last spike equals its total.

    Args:
        pre_spikes, post_spikes: spike times (s), each 1-D.
        t: evaluation times (s), any 1-D array.
        window: as in :func:`stdp_window`.

    Returns:
        A :class:`TraceHistory` evaluated at ``t``.
    """
    _check_window(window)
    pre = np.asarray(pre_spikes, dtype=float).ravel()
    post = np.asarray(post_spikes, dtype=float).ravel()
    t = np.asarray(t, dtype=float).ravel()

    def trace(spikes: np.ndarray, tau: float) -> np.ndarray:
        lag = t[:, None] - spikes[None, :]
        return np.where(lag >= 0, np.exp(-np.clip(lag, 0, None) / tau), 0.0).sum(axis=1)

    pair_w = stdp_window(np.subtract.outer(post, pre), window)  # (n_post, n_pre)
    done = np.maximum.outer(post, pre)  # a pair counts once both of its spikes have happened
    w = np.array([pair_w[done <= ti].sum() for ti in t])
    return TraceHistory(t=t, x=trace(pre, window.tau_plus), y=trace(post, window.tau_minus), w=w)


def expected_stdp_poisson(
    rate_pre: float,
    rate_post: float,
    duration: float,
    window: STDPWindow = SONG2000,
) -> float:
    r"""Expected total change for independent Poisson trains on :math:`[0, T]`.

    .. math::

       E[\Delta w] = r_\text{pre}\,r_\text{post}\Bigl[A_+\bigl(\tau_+ T - \tau_+^2(1 - e^{-T/\tau_+})\bigr)
       - A_-\bigl(\tau_- T - \tau_-^2(1 - e^{-T/\tau_-})\bigr)\Bigr],

    which is negative for long :math:`T` when :math:`A_-\tau_- > A_+\tau_+`: uncorrelated firing weakens the
    synapse.

    Args:
        rate_pre, rate_post: firing rates :math:`r_\text{pre}`, :math:`r_\text{post}` (Hz), >= 0.
        duration: length :math:`T` of both trains (s), > 0.
        window: as in :func:`stdp_window`.

    Returns:
        The expected summed weight change (units of the amplitudes).

    Raises:
        ValueError: for a negative rate or a ``duration`` that is not > 0.
    """
    _check_window(window)
    if not (rate_pre >= 0 and rate_post >= 0):
        raise ValueError(f"rate_pre and rate_post must be >= 0 Hz; got {rate_pre}, {rate_post}")
    if not duration > 0:
        raise ValueError(f"duration must be > 0 s; got {duration}")

    def side(a: float, tau: float) -> float:
        return a * (tau * duration - tau**2 * (1.0 - math.exp(-duration / tau)))

    return (
        rate_pre * rate_post * (side(window.a_plus, window.tau_plus) - side(window.a_minus, window.tau_minus))
    )


def pairing_protocol(
    delta_t: float,
    *,
    n_pairings: int = 60,
    frequency: float = 1.0,
    w0: float = 1.0,
    window: STDPWindow = SONG2000,
) -> np.ndarray:
    r"""Weight after each of ``n_pairings`` pre/post pairings at ``frequency`` Hz, additive STDP.

    Pairing :math:`k` puts a presynaptic spike at :math:`k/f` and a postsynaptic one at
    :math:`k/f + \Delta t`. The weight after :math:`k` pairings is
    :math:`w_0\,(1 + \Delta_k)`, with :math:`\Delta_k` the trace-based total (:func:`stdp_traces`) of the
    first :math:`k` pairings, so the window's amplitudes are fractional changes per pairing.

    Args:
        delta_t: :math:`\Delta t = t_\text{post} - t_\text{pre}` within each pairing (s).
        n_pairings: number of pairings, >= 1.
        frequency: pairing frequency :math:`f` (Hz), > 0.
        w0: initial weight.
        window: as in :func:`stdp_window`, amplitudes per pairing.

    Returns:
        Weights, shape ``(n_pairings + 1,)``; entry 0 is ``w0``.

    Raises:
        ValueError: if ``n_pairings`` < 1 or ``frequency`` is not > 0.
    """
    _check_window(window)
    if n_pairings < 1:
        raise ValueError(f"n_pairings must be >= 1; got {n_pairings}")
    if not frequency > 0:
        raise ValueError(f"frequency must be > 0 Hz; got {frequency}")
    pre = np.arange(n_pairings) / frequency
    post = pre + delta_t
    changes = [stdp_traces(pre[:k], post[:k], window) for k in range(n_pairings + 1)]
    return w0 * (1.0 + np.asarray(changes))


# ----------------------------------------------------------------------------------------------------
# Song, Miller & Abbott (2000): synaptic competition


@dataclass(frozen=True)
class CompetitionParams:
    r"""Parameters of :func:`simulate_competition` (SI units; conductances relative to the leak).

    Defaults are those of the STDP example of the Brian 2 simulator :cite:p:`stimberg2019brian`, which
    reproduces :cite:t:`song2000competitive` with excitatory inputs only.

    Attributes:
        n_inputs: number of excitatory Poisson inputs :math:`N`.
        rate: input rate (Hz).
        tau_m: membrane time constant (s).
        e_leak, e_exc: leak and excitatory reversal potentials (V).
        v_threshold, v_reset: threshold and reset (V).
        tau_e: decay time of the excitatory conductance (s).
        g_max: maximal weight (peak conductance per spike, relative to the leak).
        window: the STDP window, amplitudes in units of ``g_max``; default :data:`SONG2000`.
        dt: time step (s).
    """

    n_inputs: int = 1000
    rate: float = 15.0
    tau_m: float = 10e-3
    e_leak: float = -74e-3
    e_exc: float = 0.0
    v_threshold: float = -54e-3
    v_reset: float = -60e-3
    tau_e: float = 5e-3
    g_max: float = 0.01
    window: STDPWindow = SONG2000
    dt: float = 1e-4

    def __post_init__(self) -> None:
        if self.n_inputs < 1:
            raise ValueError(f"n_inputs must be >= 1; got {self.n_inputs}")
        if not self.rate >= 0:
            raise ValueError(f"rate must be >= 0 Hz; got {self.rate}")
        for name in ("tau_m", "tau_e", "g_max"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0; got {getattr(self, name)}")
        if not (self.dt > 0 and self.dt <= min(self.tau_m, self.tau_e)):
            raise ValueError(f"dt must be > 0 s and <= min(tau_m, tau_e); got {self.dt}")
        if not self.e_leak < self.v_threshold < self.e_exc:
            raise ValueError("v_threshold must lie between e_leak and e_exc")
        if not self.e_leak <= self.v_reset < self.v_threshold:
            raise ValueError(f"v_reset must be in [e_leak, v_threshold); got {self.v_reset}")
        _check_window(self.window)


@dataclass(frozen=True)
class CompetitionResult:
    """What :func:`simulate_competition` returns.

    Attributes:
        params: the parameters used.
        duration: simulated time (s).
        w_initial: weights at time 0, shape ``(n_inputs,)``.
        w: final weights, shape ``(n_inputs,)``, in ``[0, g_max]``.
        record_times: times (s) of the weight snapshots, shape ``(n_records,)``.
        w_records: weight snapshots, shape ``(n_records, n_inputs)``.
        post_spike_times: output spike times (s), shape ``(n_spikes,)``.
    """

    params: CompetitionParams
    duration: float
    w_initial: np.ndarray
    w: np.ndarray
    record_times: np.ndarray
    w_records: np.ndarray
    post_spike_times: np.ndarray = field(repr=False)

    def fraction_bimodal(self, edge: float = 0.1) -> float:
        """Fraction of final weights within ``edge * g_max`` of 0 or of ``g_max``.

        Args:
            edge: width of each band as a fraction of ``g_max``, in (0, 0.5].

        Returns:
            A fraction in [0, 1].

        Raises:
            ValueError: if ``edge`` is outside (0, 0.5].
        """
        if not 0 < edge <= 0.5:
            raise ValueError(f"edge must be in (0, 0.5]; got {edge}")
        r = self.w / self.params.g_max
        return float(np.mean((r < edge) | (r > 1.0 - edge)))

    def output_rate(self, start: float, stop: float) -> float:
        """Mean output firing rate (Hz) over ``[start, stop)``.

        Args:
            start, stop: the window (s), ``start < stop``.

        Returns:
            Number of output spikes in the window divided by its length (Hz).

        Raises:
            ValueError: if ``stop`` <= ``start``.
        """
        if not stop > start:
            raise ValueError(f"stop must be > start ({start} s); got {stop}")
        s = self.post_spike_times
        return float(np.count_nonzero((s >= start) & (s < stop)) / (stop - start))


def input_events(p: CompetitionParams, duration: float, *, seed: Rng) -> tuple[np.ndarray, np.ndarray]:
    """Poisson input spikes on the time grid, as two arrays ``(step, synapse)`` sorted by step.

    Each train from :func:`poisson_spikes` is put on the grid of ``p.dt``; two spikes of one input in the
    same step count once (the usual discrete-time Poisson input, a Bernoulli draw per step).

    Args:
        p: the model parameters (``n_inputs``, ``rate``, ``dt``).
        duration: length of the trains (s), > 0.
        seed: an ``int`` seed or a :class:`numpy.random.Generator`.

    Returns:
        ``(steps, synapses)``: integer arrays of equal length, the grid step and input index of each event.

    Raises:
        ValueError: if ``duration`` is not > 0 (from :func:`poisson_spikes`).
    """
    trains = poisson_spikes(p.rate, duration, p.n_inputs, seed=seed)
    steps = np.concatenate([np.floor(t / p.dt).astype(np.int64) for t in trains])
    syn = np.repeat(np.arange(p.n_inputs), [len(t) for t in trains])
    key = np.sort(steps * p.n_inputs + syn)  # by step, then synapse
    key = key[np.r_[True, key[1:] != key[:-1]]]  # drop repeats of one input within a step
    return key // p.n_inputs, key % p.n_inputs


def _setup(p: CompetitionParams, duration: float, record_every: float, seed: Rng):
    if not duration > 0:
        raise ValueError(f"duration must be > 0 s; got {duration}")
    if not record_every > 0:
        raise ValueError(f"record_every must be > 0 s; got {record_every}")
    rng = _rng(seed)
    w = rng.uniform(0.0, p.g_max, size=p.n_inputs)
    steps, syn = input_events(p, duration, seed=rng)
    n_steps = round(duration / p.dt)
    every = max(1, round(record_every / p.dt))
    return w, steps, syn, n_steps, every


def simulate_competition(
    duration: float,
    *,
    params: CompetitionParams | None = None,
    record_every: float = 1.0,
    seed: Rng = 0,
    chunk: int = 400,
) -> CompetitionResult:
    r"""Song-Miller-Abbott synaptic competition, simulated fast (vectorised between output spikes).

    The time grid has step ``dt``. In step :math:`k` the inputs spiking at :math:`t_k` add their weights to
    :math:`g` (then depress by the postsynaptic trace), :math:`v` relaxes exactly towards
    :math:`v_\infty = (E_L + g E_e)/(1 + g)` with rate :math:`(1 + g)/\tau_m` for :math:`g` held over the
    step, and :math:`g` decays by :math:`e^{-\Delta t/\tau_e}`. When :math:`v \ge v_\text{th}` the neuron
    spikes, :math:`v` is reset and every weight is potentiated by its presynaptic trace.

    Between two output spikes nothing depends on the future, so this function computes a whole stretch of
    ``chunk`` steps at once with array operations: conductances and the membrane's linear recurrence by
    cumulative sums, weights by per-input sums of depressions. It then finds the first threshold crossing,
    keeps what happened before it, applies the spike, and continues from there. Traces are updated only at
    events. :func:`simulate_competition_loop` is the same model written as a plain per-step loop; both give
    the same weights for the same ``seed``.

    Args:
        duration: simulated time (s).
        params: model parameters; default :class:`CompetitionParams`.
        record_every: interval (s) between weight snapshots.
        seed: ``int`` seed or Generator for the initial weights (uniform on ``[0, g_max]``) and the inputs.
        chunk: steps computed per block, >= 1 (affects speed only).

    Returns:
        A :class:`CompetitionResult`.

    Raises:
        ValueError: if ``duration`` or ``record_every`` is not > 0, or ``chunk`` < 1.
    """
    p = params or CompetitionParams()
    if chunk < 1:
        raise ValueError(f"chunk must be >= 1 step; got {chunk}")
    w, ev_step, ev_syn, n_steps, every = _setup(p, duration, record_every, seed)
    w_initial = w.copy()
    dt, amp_plus, amp_minus = p.dt, p.window.a_plus * p.g_max, p.window.a_minus * p.g_max
    decay_e = math.exp(-dt / p.tau_e)
    x_span = p.e_exc - p.e_leak

    x = p.v_reset - p.e_leak  # membrane potential relative to E_L (never negative)
    g = 0.0  # conductance at the start of step k, before that step's input
    apre = np.zeros(p.n_inputs)  # presynaptic traces at step k (from inputs before k), times amp_plus
    last_post, apost_last = (
        -(10**12),
        0.0,
    )  # step of the latest output spike; postsynaptic trace just after it
    post_steps: list[int] = []
    records, record_steps = [], []
    k = 0
    while k < n_steps:
        if k % every == 0 and (not record_steps or record_steps[-1] != k):
            records.append(w.copy())
            record_steps.append(k)
        end = min(k + chunk, n_steps, (k // every + 1) * every)
        a, b = np.searchsorted(ev_step, [k, end])
        s, i = ev_step[a:b], ev_syn[a:b]

        # Depression at each input spike: the postsynaptic trace at its step (an output spike in the same
        # step does not count), and each weight as it is just before its own spike.
        trace_now = np.where(s == last_post, apost_last + amp_minus, apost_last)
        dep = trace_now * np.exp(-(s - last_post) * dt / p.window.tau_minus)
        w_before = np.maximum(w[i] + _cumsum_before_per_input(i, dep), 0.0)

        # Conductance during each step, g_j = g d^(j-k) + sum_{r<=j} inc_r d^(j-r), and the membrane.
        n = end - k
        inc = np.bincount(s - k, weights=w_before, minlength=n)
        powers = decay_e ** np.arange(n)
        g_steps = powers * (g + np.cumsum(inc / powers))
        log_a = -(1.0 + g_steps) * dt / p.tau_m
        c = g_steps * x_span / (1.0 + g_steps) * -np.expm1(log_a)
        log_p = np.cumsum(log_a)
        x_next = np.exp(log_p) * (x + np.cumsum(c * np.exp(-log_p)))  # x at steps k+1 .. end

        crossed = np.flatnonzero(x_next >= p.v_threshold - p.e_leak)
        m = end if crossed.size == 0 else k + 1 + int(crossed[0])  # first step not yet kept
        keep = s < m
        w = np.maximum(w + np.bincount(i[keep], weights=dep[keep], minlength=p.n_inputs), 0.0)
        apre = apre * math.exp(-(m - k) * dt / p.window.tau_plus) + amp_plus * np.bincount(
            i[keep], weights=np.exp(-(m - s[keep]) * dt / p.window.tau_plus), minlength=p.n_inputs
        )
        g = g_steps[m - k - 1] * decay_e
        x = x_next[m - k - 1]
        if crossed.size:  # output spike at step m
            post_steps.append(m)
            x = p.v_reset - p.e_leak
            w = np.minimum(w + apre, p.g_max)
            apost_last = apost_last * math.exp(-(m - last_post) * dt / p.window.tau_minus) - amp_minus
            last_post = m
        k = m
    records.append(w.copy())
    record_steps.append(n_steps)
    return _result(p, duration, w_initial, w, record_steps, records, post_steps)


def _cumsum_before_per_input(i: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each event, the sum of ``values`` over earlier events (in array order) of the same input."""
    order = np.argsort(i, kind="stable")
    v = values[order]
    csum = np.cumsum(v)
    first = np.ones(len(v), dtype=bool)
    first[1:] = i[order][1:] != i[order][:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(len(v)), 0))
    out = np.empty_like(values)
    out[order] = (csum - v) - (csum[start] - v[start])
    return out


def simulate_competition_loop(
    duration: float,
    *,
    params: CompetitionParams | None = None,
    record_every: float = 1.0,
    seed: Rng = 0,
) -> CompetitionResult:
    """The same model as :func:`simulate_competition`, written as a straightforward per-step loop.

    Every step decays all traces and updates the neuron, as a clock-driven simulator would. It is the
    readable reference (and the baseline of ``benchmarks/plasticity.py``).

    Args:
        duration, params, record_every, seed: as in :func:`simulate_competition`.

    Returns:
        A :class:`CompetitionResult`, equal to that of :func:`simulate_competition` for the same arguments.

    Raises:
        ValueError: if ``duration`` or ``record_every`` is not > 0.
    """
    p = params or CompetitionParams()
    w, ev_step, ev_syn, n_steps, every = _setup(p, duration, record_every, seed)
    w_initial = w.copy()
    dt, amp_plus, amp_minus = p.dt, p.window.a_plus * p.g_max, p.window.a_minus * p.g_max
    decay_e, decay_plus, decay_minus = (
        math.exp(-dt / tau) for tau in (p.tau_e, p.window.tau_plus, p.window.tau_minus)
    )
    bounds = np.searchsorted(ev_step, np.arange(n_steps + 1))

    v, g = p.v_reset, 0.0
    apre, apost = np.zeros(p.n_inputs), 0.0
    post_pending = False
    post_steps: list[int] = []
    records, record_steps = [], []
    for k in range(n_steps):
        if k % every == 0:
            records.append(w.copy())
            record_steps.append(k)
        idx = ev_syn[bounds[k] : bounds[k + 1]]
        g += w[idx].sum()  # inputs arrive
        w[idx] = np.maximum(w[idx] + apost, 0.0)  # depression by the postsynaptic trace
        apre[idx] += amp_plus
        if post_pending:  # the output spike of this step counts only for later inputs
            apost -= amp_minus
            post_pending = False
        v_inf = (p.e_leak + g * p.e_exc) / (1.0 + g)
        v = v_inf + (v - v_inf) * math.exp(-(1.0 + g) * dt / p.tau_m)
        g *= decay_e
        apre *= decay_plus
        apost *= decay_minus
        if v >= p.v_threshold:  # output spike at step k + 1
            v = p.v_reset
            w = np.minimum(w + apre, p.g_max)
            post_steps.append(k + 1)
            post_pending = True
    records.append(w.copy())
    record_steps.append(n_steps)
    return _result(p, duration, w_initial, w, record_steps, records, post_steps)


def _result(p, duration, w_initial, w, record_steps, records, post_steps) -> CompetitionResult:
    return CompetitionResult(
        params=p,
        duration=duration,
        w_initial=w_initial,
        w=w,
        record_times=np.asarray(record_steps) * p.dt,
        w_records=np.asarray(records),
        post_spike_times=np.asarray(post_steps, dtype=float) * p.dt,
    )
