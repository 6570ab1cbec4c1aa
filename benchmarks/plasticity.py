"""Speed of the plasticity simulations in ``dlbook.plasticity``.

Prints, for the Song-Miller-Abbott competition run shown on the Hebbian-theory page, how many simulated
seconds the vectorised simulator covers per wall-clock second, and compares it in the same process with
two baselines:

1. the same model as a straightforward per-step loop (``simulate_competition_loop``), on a shorter run
   (both simulators give identical spikes and weights, which is checked here too);
2. the total STDP change of two long spike trains by the direct sum over all pairs (``stdp_pair_sum``)
   versus the online trace form (``stdp_traces``).

Run: ``.venv/bin/python benchmarks/plasticity.py`` (wall times depend on the machine and its load).
"""

from __future__ import annotations

import os
import time
from dataclasses import replace

import numpy as np
from dlbook import plasticity as pl

# as on book/nature/hebbian.md
PAGE_PARAMS = pl.CompetitionParams(window=replace(pl.SONG2000, a_plus=0.005, a_minus=0.00525))
PAGE_DURATION = 600.0  # s
LOOP_DURATION = 20.0  # s


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (high load: slow timings)")
    page, wall = timed(pl.simulate_competition, PAGE_DURATION, params=PAGE_PARAMS, seed=0, record_every=60.0)
    print(f"page run: {PAGE_DURATION:.0f} s simulated in {wall:.2f} s wall")
    print(f"  {PAGE_DURATION / wall:.1f} simulated s per wall s; {page.post_spike_times.size} output spikes")
    print(f"  fraction of weights within 10 % of 0 or g_max: {page.fraction_bimodal():.3f}")

    fast, t_fast = timed(pl.simulate_competition, LOOP_DURATION, params=PAGE_PARAMS, seed=1)
    loop, t_loop = timed(pl.simulate_competition_loop, LOOP_DURATION, params=PAGE_PARAMS, seed=1)
    same = np.array_equal(fast.post_spike_times, loop.post_spike_times) and np.allclose(
        fast.w, loop.w, atol=1e-12
    )
    print(f"\n{LOOP_DURATION:.0f} s simulated, same model (identical results: {same})")
    print(f"  vectorised simulate_competition: {LOOP_DURATION / t_fast:8.1f} simulated s per wall s")
    print(f"  per-step loop (baseline):         {LOOP_DURATION / t_loop:8.1f} simulated s per wall s")
    print(f"  speed-up: {t_loop / t_fast:.1f}x")

    pre, post = pl.poisson_spikes(20.0, 200.0, 2, seed=2)
    traces, t_traces = timed(pl.stdp_traces, pre, post)
    pairs, t_pairs = timed(pl.stdp_pair_sum, pre, post)
    print(f"\nSTDP total change, {pre.size} pre x {post.size} post spikes")
    print(f"  |trace form - pair sum| = {abs(traces - pairs):.1e}")
    print(f"  trace form: {t_traces * 1e3:8.2f} ms;  pair sum (baseline): {t_pairs * 1e3:8.2f} ms")
    print(f"  speed-up: {t_pairs / t_traces:.1f}x")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
