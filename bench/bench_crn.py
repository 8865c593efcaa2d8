"""Benchmark: how much a small, one-lever change moves one world's result (common random
numbers). A benchmark, not a test: run it by hand.

    python bench/bench_crn.py [--seeds 40] [--quarters 12] [--scale 1] [--workers 1]

For each seed the baseline scenario is run twice on the same world, once as given and once
with one lever changed, and 12-quarter partner revenue is compared. When every source of
randomness draws the same numbers in both runs, the paired difference shows the lever's
effect; when a change reshuffles later draws, it shows luck as well. Printed per change:
the mean effect, the standard deviation of the paired difference, and the median, 90th
percentile ("one world in ten") and largest absolute percentage change of a single world.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.scenario import load_scenario  # noqa: E402

# the base every change is paired against: the baseline scenario with enablement set explicitly
BASE: dict[str, object] = {"enablement": 0.60}
CHANGES: list[tuple[str, dict[str, object]]] = [
    ("enablement 0.60 -> 0.61", {"enablement": 0.61}),
    ("partner_margin 0.25 -> 0.26", {"partner_margin": 0.26}),
    ("management_style support -> push", {"management_style": "push"}),
    ("deal_registration on -> off", {"deal_registration": False}),
]


def partner_revenue(args: tuple[int, int, float, dict[str, object]]) -> float:
    """Partner revenue over the run for one seed and one set of overrides (USD)."""
    seed, quarters, scale, overrides = args
    model = load_scenario("baseline").build_model(seed, world_scale=scale, **{**BASE, **overrides})
    model.run_quarters(quarters)
    return float(model.quarterly_frame()["revenue_partner"].sum())


def summarise(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """Mean effect, paired-difference SD and the spread of single-world % changes."""
    diff = b - a
    pct = np.abs(b / a - 1.0) * 100.0
    return {
        "mean_effect_pct": 100.0 * diff.mean() / a.mean(),
        "sd_diff": float(diff.std(ddof=1)),
        "median_abs_pct": float(np.median(pct)),
        "p90_abs_pct": float(np.percentile(pct, 90)),
        "max_abs_pct": float(pct.max()),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=40)
    ap.add_argument("--quarters", type=int, default=12)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(argv)
    seeds = list(range(args.seeds))
    jobs = [(s, args.quarters, args.scale, {}) for s in seeds]
    for _, change in CHANGES:
        jobs += [(s, args.quarters, args.scale, change) for s in seeds]
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            results = list(pool.map(partner_revenue, jobs, chunksize=4))
    else:
        results = [partner_revenue(j) for j in jobs]
    n = len(seeds)
    base = np.array(results[:n])
    print(f"baseline scenario, {args.quarters} quarters, scale {args.scale:g}, {n} paired seeds; "
          f"12-quarter partner revenue, base mean ${base.mean():,.0f} (SD across worlds ${base.std(ddof=1):,.0f})")
    print(f"{'change':<36} {'mean effect':>11} {'paired SD':>12} {'median |%|':>10} {'p90 |%|':>8} {'max |%|':>8}")
    for k, (label, _) in enumerate(CHANGES):
        other = np.array(results[(k + 1) * n:(k + 2) * n])
        s = summarise(base, other)
        print(f"{label:<36} {s['mean_effect_pct']:>+10.1f}% {s['sd_diff']:>12,.0f} {s['median_abs_pct']:>9.1f}% "
              f"{s['p90_abs_pct']:>7.1f}% {s['max_abs_pct']:>7.1f}%")
    print(f"(median run: {statistics.median(base):,.0f}; |%| = |b / a - 1| of one world; "
          "p90 = the change one world in ten exceeds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
