"""Benchmark: seconds per 40-quarter baseline run and agent-steps per second, at world
scale 1, 4 and 16 (a benchmark, not a test: run it by hand on a quiet machine).

    python bench/bench_model.py [--repeats 5] [--quarters 40]

Reports the median of several runs and the cost ratio to scale 1, so growth with scale
can be read as a ratio rather than as absolute seconds on a noisy shared machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.scenario import load_scenario  # noqa: E402


def time_run(scale: float, quarters: int, seed: int) -> tuple[float, int]:
    """Seconds for one run and the agent-steps it made (agents x weeks)."""
    sc = load_scenario("baseline")
    start = time.perf_counter()
    model = sc.build_model(seed, world_scale=scale)
    model.run_quarters(quarters)
    elapsed = time.perf_counter() - start
    return elapsed, len(model.agents) * model.steps


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quarters", type=int, default=40)
    ap.add_argument("--scales", default="1,4,16")
    args = ap.parse_args(argv)
    rows = []
    for scale in (float(s) for s in args.scales.split(",")):
        times, steps = [], 0
        for r in range(args.repeats):
            t, steps = time_run(scale, args.quarters, seed=r)
            times.append(t)
        rows.append((scale, statistics.median(times), min(times), max(times), steps))
    base = rows[0][1]
    print(f"baseline scenario, {args.quarters} quarters, median of {args.repeats} runs "
          f"(Python {sys.version.split()[0]})")
    print(f"{'scale':>6} {'median s':>9} {'min s':>7} {'max s':>7} {'agent-steps/s':>14} {'cost/scale-1':>13} {'per unit scale':>15}")
    for scale, med, lo, hi, steps in rows:
        ratio = med / base
        print(f"{scale:>6g} {med:>9.3f} {lo:>7.3f} {hi:>7.3f} {steps / med:>14,.0f} {ratio:>13.2f} {ratio / scale:>15.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
