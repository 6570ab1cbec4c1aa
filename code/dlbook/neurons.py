r"""Model neurons: the McCulloch-Pitts threshold unit and the leaky integrate-and-fire neuron.

**Threshold unit** :cite:p:`mcculloch1943logical`. A unit with weights
:math:`\mathbf{w}\in\mathbb{R}^n` and threshold :math:`\theta` outputs

.. math::

   y = \begin{cases} 1 & \mathbf{w}\cdot\mathbf{x} \ge \theta \\ 0 & \text{otherwise.} \end{cases}

**Leaky integrate-and-fire (LIF)** :cite:p:`lapicque1907recherches,gerstner2014neuronal`. The
membrane potential :math:`u(t)` (V) of a neuron with membrane time constant :math:`\tau_m` (s) and
membrane resistance :math:`R` (Ω), driven by an input current :math:`I(t)` (A), obeys

.. math::

   \tau_m \frac{du}{dt} = -(u - u_\text{rest}) + R\,I(t).

When :math:`u` reaches the threshold :math:`\theta` the neuron emits a spike, and :math:`u` is held at
:math:`u_\text{reset}` for the absolute refractory period :math:`t_\text{ref}`. For a current that is
constant over a step of length :math:`\Delta t` the equation is solved exactly,

.. math::

   u(t + \Delta t) = u_\infty + \bigl(u(t) - u_\infty\bigr)\, e^{-\Delta t/\tau_m},
   \qquad u_\infty = u_\text{rest} + R\,I,

so :func:`simulate_lif` has no discretisation error for piecewise-constant input: spike times are
found inside a step by inverting the exponential, and the refractory period ends between grid
points where it must. For a constant current the inter-spike interval follows in closed form,
giving the firing rate (Hz) computed by :func:`lif_rate`,

.. math::

   f(I) = \left[t_\text{ref} + \tau_m \ln
   \frac{R I - (u_\text{reset} - u_\text{rest})}{R I - (\theta - u_\text{rest})}\right]^{-1}
   \quad\text{for } R I > \theta - u_\text{rest}, \qquad f(I) = 0 \text{ otherwise.}

The parameters :math:`\tau_m, R, u_\text{rest}, u_\text{reset}, \theta, t_\text{ref}` travel together as
one :class:`LIFParams`; :data:`LIF` holds the published defaults.

Used on the pages :doc:`/book/nature/brain`, :doc:`/book/nature/plasticity` and
:doc:`/book/history/mcculloch-pitts`.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass, replace

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class LIFParams:
    r"""Parameters of the leaky integrate-and-fire neuron, in SI units.

    The defaults are those of the LIF exercise of :cite:t:`gerstner2014neuronal`:
    :math:`\tau_m = 8` ms, :math:`R = 10` MΩ, :math:`u_\text{rest} = -70` mV,
    :math:`u_\text{reset} = -65` mV, :math:`\theta = -50` mV, :math:`t_\text{ref} = 2` ms, so the
    threshold current (the rheobase) is :math:`(\theta - u_\text{rest})/R = 2` nA. Vary one of them with
    ``dataclasses.replace(LIF, tau_m=10e-3)``.

    Attributes:
        tau_m: membrane time constant :math:`\tau_m` (s), > 0.
        r_m: membrane resistance :math:`R` (Ω), > 0.
        u_rest: resting potential :math:`u_\text{rest}` (V).
        u_reset: potential after a spike :math:`u_\text{reset}` (V), below ``theta``.
        theta: firing threshold :math:`\theta` (V), above ``u_rest``.
        t_ref: absolute refractory period :math:`t_\text{ref}` (s), >= 0.

    Raises:
        ValueError: naming the field and its allowed range, if a value lies outside it.
    """

    tau_m: float = 8e-3
    r_m: float = 10e6
    u_rest: float = -70e-3
    u_reset: float = -65e-3
    theta: float = -50e-3
    t_ref: float = 2e-3

    def __post_init__(self) -> None:
        if not self.tau_m > 0:
            raise ValueError(f"tau_m must be > 0 s; got {self.tau_m}")
        if not self.r_m > 0:
            raise ValueError(f"r_m must be > 0 Ω; got {self.r_m}")
        if not self.theta > self.u_rest:
            raise ValueError(f"theta must be > u_rest ({self.u_rest} V); got {self.theta}")
        if not self.u_reset < self.theta:
            raise ValueError(f"u_reset must be < theta ({self.theta} V); got {self.u_reset}")
        if not self.t_ref >= 0:
            raise ValueError(f"t_ref must be >= 0 s; got {self.t_ref}")


#: The published default parameters (see :class:`LIFParams`).
LIF = LIFParams()


def _check_params(params: object) -> None:
    if not isinstance(params, LIFParams):
        raise ValueError(f"params must be a LIFParams, e.g. dlbook.neurons.LIF; got {type(params).__name__}")


def mcculloch_pitts(x: ArrayLike, w: ArrayLike, theta: float) -> np.ndarray:
    """Output of a McCulloch-Pitts threshold unit: ``1`` where ``w·x >= theta``, else ``0``.

    Args:
        x: one input vector, shape ``(n,)``, or a batch of them, shape ``(m, n)`` (one per row).
        w: weights, shape ``(n,)``.
        theta: threshold.

    Returns:
        Integer array of 0s and 1s, shape ``()`` for one input and ``(m,)`` for a batch.

    Raises:
        ValueError: if ``w`` is not a vector or ``x`` does not have ``n`` columns.
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if w.ndim != 1:
        raise ValueError(f"w must be a vector of shape (n,); got shape {w.shape}")
    if x.ndim not in (1, 2) or x.shape[-1] != w.shape[0]:
        raise ValueError(f"x must have shape ({w.shape[0]},) or (m, {w.shape[0]}) to match w; got {x.shape}")
    return (x @ w >= theta).astype(int)


@dataclass(frozen=True)
class LIFResult:
    """What :func:`simulate_lif` returns.

    Attributes:
        t: grid times (s), shape ``(n_steps + 1,)``, from 0 to ``duration``.
        u: membrane potential (V) at the grid times, shape ``(n_steps + 1,)``; held at
            ``u_reset`` during refractoriness.
        spike_times: times (s) at which ``u`` reached ``theta``, shape ``(n_spikes,)``, exact
            for piecewise-constant current.
    """

    t: np.ndarray
    u: np.ndarray
    spike_times: np.ndarray

    @property
    def rate(self) -> float:
        """Firing rate (Hz) from the mean inter-spike interval; 0 with fewer than two spikes."""
        if self.spike_times.size < 2:
            return 0.0
        return 1.0 / float(np.mean(np.diff(self.spike_times)))


def simulate_lif(
    current: float | ArrayLike,
    *,
    duration: float,
    dt: float = 1e-4,
    params: LIFParams = LIF,
) -> LIFResult:
    r"""Simulate a leaky integrate-and-fire neuron, starting at rest at :math:`t = 0`.

    Integrates :math:`\tau_m\,du/dt = -(u - u_\text{rest}) + R\,I(t)` exactly for input held
    constant over each step (see the module docstring), with threshold, reset and refractoriness.

    Args:
        current: input current (A): a constant, or an array of shape ``(n_steps,)`` whose entry
            ``k`` holds over ``[k dt, (k + 1) dt)``, with ``n_steps = round(duration / dt)``.
        duration: simulated time (s), > 0.
        dt: time step (s), > 0 and <= ``params.tau_m``.
        params: the neuron's parameters; default :data:`LIF`.

    Returns:
        An :class:`LIFResult` with ``t``, ``u`` and ``spike_times``.

    Raises:
        ValueError: for a bad ``dt`` or ``duration``, or a ``current`` array of the wrong shape.
    """
    _check_params(params)
    tau_m, r_m, u_rest, u_reset, theta, t_ref = astuple(params)
    if not (dt > 0 and dt <= tau_m):
        raise ValueError(f"dt must be > 0 s and <= tau_m ({tau_m} s); got {dt}")
    if not duration > 0:
        raise ValueError(f"duration must be > 0 s; got {duration}")
    n_steps = round(duration / dt)
    current = np.asarray(current, dtype=float)
    if current.ndim == 0:
        current = np.full(n_steps, float(current))
    if current.shape != (n_steps,):
        raise ValueError(
            f"current must be a scalar or have shape ({n_steps},) = duration/dt; got {current.shape}"
        )

    u = np.empty(n_steps + 1)
    u[0] = u_rest
    spikes: list[float] = []
    refractory_until = -math.inf
    for k in range(n_steps):
        t0, t1 = k * dt, (k + 1) * dt
        if t1 <= refractory_until:  # the whole step is refractory
            u[k + 1] = u_reset
            continue
        start = max(t0, refractory_until)  # integration may begin inside the step
        v = u_reset if start > t0 else u[k]
        u_inf = u_rest + r_m * current[k]
        while True:
            v_end = u_inf + (v - u_inf) * math.exp(-(t1 - start) / tau_m)
            if v_end < theta:
                break
            # Exact crossing time: theta = u_inf + (v - u_inf) exp(-(t_s - start) / tau_m).
            t_spike = start + tau_m * math.log((v - u_inf) / (theta - u_inf)) if v < theta else start
            spikes.append(t_spike)
            refractory_until = t_spike + t_ref
            if refractory_until >= t1:
                v_end = u_reset
                break
            start, v = refractory_until, u_reset  # a further spike may follow within this step
        u[k + 1] = v_end
    return LIFResult(t=np.arange(n_steps + 1) * dt, u=u, spike_times=np.asarray(spikes))


def lif_rate(current: float | ArrayLike, params: LIFParams = LIF) -> np.ndarray:
    r"""Analytic firing rate (Hz) of the LIF neuron for constant current(s) (A).

    .. math::

       f(I) = \left[t_\text{ref} + \tau_m \ln
       \frac{R I - (u_\text{reset} - u_\text{rest})}{R I - (\theta - u_\text{rest})}\right]^{-1},

    and 0 where :math:`R I \le \theta - u_\text{rest}` (the neuron never reaches threshold).

    Args:
        current: one current or an array of them (A), any shape.
        params: the neuron's parameters; default :data:`LIF`.

    Returns:
        Rates (Hz), same shape as ``current``; always below ``1 / params.t_ref``.
    """
    _check_params(params)
    tau_m, r_m, u_rest, u_reset, theta, t_ref = astuple(params)
    drive = r_m * np.asarray(current, dtype=float)
    above = drive > theta - u_rest
    safe = np.where(above, drive, theta - u_rest + 1.0)  # avoids log of non-positive numbers below threshold
    isi = t_ref + tau_m * np.log((safe - (u_reset - u_rest)) / (safe - (theta - u_rest)))
    return np.where(above, 1.0 / isi, 0.0)


def rheobase(params: LIFParams = LIF) -> float:
    r"""Threshold current (A) :math:`I_\theta = (\theta - u_\text{rest}) / R` of the LIF neuron.

    The smallest constant current that ever makes the neuron fire: below it the membrane settles at
    :math:`u_\infty = u_\text{rest} + R I < \theta`.

    Args:
        params: the neuron's parameters; default :data:`LIF`.

    Returns:
        The threshold current (A).
    """
    _check_params(params)
    return (params.theta - params.u_rest) / params.r_m


def find_threshold_units(
    inputs: ArrayLike, targets: ArrayLike, values: ArrayLike
) -> list[tuple[tuple[float, ...], float]]:
    """Every threshold unit with weights and threshold drawn from ``values`` that computes ``targets``.

    An exhaustive search: each of the ``n`` weights and the threshold ranges over ``values``, so
    ``len(values) ** (n + 1)`` units are tried.

    Args:
        inputs: the input patterns, shape ``(m, n)``.
        targets: the wanted outputs (0 or 1), shape ``(m,)``.
        values: candidate values for each weight and the threshold, shape ``(k,)``.

    Returns:
        A list of ``(weights, theta)`` pairs, empty when no unit computes ``targets``.

    Raises:
        ValueError: if ``inputs`` is not 2-D or ``targets`` does not have one entry per input pattern.
    """
    inputs = np.asarray(inputs, dtype=float)
    targets = np.asarray(targets)
    values = np.asarray(values, dtype=float).ravel()
    if inputs.ndim != 2:
        raise ValueError(f"inputs must have shape (m, n); got {inputs.shape}")
    if targets.shape != (inputs.shape[0],):
        raise ValueError(f"targets must have shape ({inputs.shape[0]},) to match inputs; got {targets.shape}")
    n = inputs.shape[1]
    grids = np.meshgrid(*([values] * (n + 1)), indexing="ij")
    candidates = np.stack([g.ravel() for g in grids], axis=1)  # (k^(n+1), n+1): weights, then theta
    outputs = (inputs @ candidates[:, :n].T >= candidates[:, n]).astype(int)  # (m, k^(n+1))
    match = np.all(outputs == targets[:, None], axis=0)
    return [(tuple(c[:n].tolist()), float(c[n])) for c in candidates[match]]


def epsp(
    weight: float,
    *,
    i_peak: float = 1e-9,
    tau_s: float = 2e-3,
    duration: float = 0.05,
    dt: float = 1e-4,
    params: LIFParams = LIF,
) -> LIFResult:
    r"""Excitatory postsynaptic potential: the LIF membrane's answer to one input spike at :math:`t = 0`.

    The synapse injects :math:`I(t) = w\, I_\text{peak}\, e^{-t/\tau_s}`, sampled at the start of each step,
    into a LIF neuron at rest (threshold and reset far away, so it stays subthreshold for
    the weights used in the book). The peak of :math:`u - u_\text{rest}` grows in proportion to the weight.

    Args:
        weight: synaptic weight :math:`w` (dimensionless), >= 0.
        i_peak: current (A) injected at :math:`t = 0` by a synapse of weight 1.
        tau_s: decay time of the synaptic current (s), > 0.
        duration, dt: as in :func:`simulate_lif`.
        params: the neuron's parameters; default :data:`LIF`. Only ``tau_m``, ``r_m`` and ``u_rest`` are
            used: the threshold is moved to 0 V and the reset to rest, so that no spike interferes.

    Returns:
        The :class:`LIFResult` of the response (no spikes).

    Raises:
        ValueError: for a negative ``weight``, or a ``tau_s``, ``dt`` or ``duration`` that is not > 0.
    """
    if not weight >= 0:
        raise ValueError(f"weight must be >= 0; got {weight}")
    if not tau_s > 0:
        raise ValueError(f"tau_s must be > 0 s; got {tau_s}")
    if not dt > 0:
        raise ValueError(f"dt must be > 0 s; got {dt}")
    if not duration > 0:
        raise ValueError(f"duration must be > 0 s; got {duration}")
    n_steps = round(duration / dt)
    current = weight * i_peak * np.exp(-np.arange(n_steps) * dt / tau_s)
    _check_params(params)
    far = replace(params, theta=0.0, u_reset=params.u_rest)  # a threshold the response never reaches
    return simulate_lif(current, duration=duration, dt=dt, params=far)
