"""Speed of the plasticity simulations in ``dlbook.plasticity``.

Prints, for the Song-Miller-Abbott competition run shown on the Hebbian-theory page, how many simulated
seconds the vectorised simulator covers per wall-clock second, and compares it in the same process with
two baselines:

1. the same model as a straightforward per-step loop (``simulate_competition_loop``), on a shorter run
   (both simulators give identical spikes and weights, which is checked here too);
2. the total STDP change of two long spike trains by the direct sum over all pairs (``stdp_pair_sum``)
   versus the online trace form (``stdp_traces``).

Run: ``.venv/bin/python benchmarks/plasticity.py [--out FILE]``. The result, with the device, date,
versions, git commit, command and the load average before and after (wall times depend on the machine
and its load), is written as JSON to ``benchmarks/results/plasticity.json``, or to ``--out``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from dlbook import plasticity as pl
from dlbook.benchmarks import cpu_model, load_average, provenance, write_result

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "plasticity.json"
# as on book/nature/hebbian.md
PAGE_PARAMS = pl.CompetitionParams(window=replace(pl.SONG2000, a_plus=0.005, a_minus=0.00525))
PAGE_DURATION = 600.0  # s
LOOP_DURATION = 20.0  # s
TRAIN_RATE, TRAIN_DURATION = 20.0, 200.0  # Hz, s: the two spike trains of the STDP comparison


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"JSON file to write (default {OUT})")
    args = parser.parse_args(argv)

    load_before = load_average()
    print(f"load average before: {load_before} on {os.cpu_count()} CPUs (high load: slow timings)")
    page, wall = timed(pl.simulate_competition, PAGE_DURATION, params=PAGE_PARAMS, seed=0, record_every=60.0)
    print(f"page run: {PAGE_DURATION:.0f} s simulated in {wall:.2f} s wall")
    print(f"  {PAGE_DURATION / wall:.1f} simulated s per wall s; {page.post_spike_times.size} output spikes")
    print(f"  fraction of weights within 10 % of 0 or g_max: {page.fraction_bimodal():.3f}")

    fast, t_fast = timed(pl.simulate_competition, LOOP_DURATION, params=PAGE_PARAMS, seed=1)
    loop, t_loop = timed(pl.simulate_competition_loop, LOOP_DURATION, params=PAGE_PARAMS, seed=1)
    same = bool(
        np.array_equal(fast.post_spike_times, loop.post_spike_times)
        and np.allclose(fast.w, loop.w, atol=1e-12)
    )
    print(f"\n{LOOP_DURATION:.0f} s simulated, same model (identical results: {same})")
    print(f"  vectorised simulate_competition: {LOOP_DURATION / t_fast:8.1f} simulated s per wall s")
    print(f"  per-step loop (baseline):         {LOOP_DURATION / t_loop:8.1f} simulated s per wall s")
    print(f"  speed-up: {t_loop / t_fast:.1f}x")

    pre, post = pl.poisson_spikes(TRAIN_RATE, TRAIN_DURATION, 2, seed=2)
    traces, t_traces = timed(pl.stdp_traces, pre, post)
    pairs, t_pairs = timed(pl.stdp_pair_sum, pre, post)
    print(f"\nSTDP total change, {pre.size} pre x {post.size} post spikes")
    print(f"  |trace form - pair sum| = {abs(traces - pairs):.1e}")
    print(f"  trace form: {t_traces * 1e3:8.2f} ms;  pair sum (baseline): {t_pairs * 1e3:8.2f} ms")
    print(f"  speed-up: {t_pairs / t_traces:.1f}x")
    load_after = load_average()
    print(f"\nload average after: {load_after}")

    result = {
        "benchmark": "plasticity-simulation",
        "device": f"{cpu_model()} (CPU)",
        "device_type": "cpu",
        "timer": "time.perf_counter",
        "page_run": {
            "simulated_seconds": PAGE_DURATION,
            "wall_seconds": wall,
            "simulated_per_wall_second": PAGE_DURATION / wall,
            "output_spikes": int(page.post_spike_times.size),
            "fraction_bimodal": float(page.fraction_bimodal()),
        },
        "competition": {
            "simulated_seconds": LOOP_DURATION,
            "vectorised_seconds": t_fast,
            "loop_seconds": t_loop,
            "identical_results": same,
            "speedup": t_loop / t_fast,
        },
        "stdp_sum": {
            "rate_hz": TRAIN_RATE,
            "duration_seconds": TRAIN_DURATION,
            "pre_spikes": int(pre.size),
            "post_spikes": int(post.size),
            "traces_seconds": t_traces,
            "pair_sum_seconds": t_pairs,
            "abs_difference": float(abs(traces - pairs)),
            "speedup": t_pairs / t_traces,
        },
        "load_average_before": load_before,
        "load_average_after": load_after,
        **provenance(ROOT, argv=None if argv is None else ["benchmarks/plasticity.py", *argv]),
    }
    print(f"wrote {write_result(result, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
