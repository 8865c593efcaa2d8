"""Benchmark: a 40-quarter baseline run at several world scales beside Mesa's own
BoltzmannWealth example model, in the same process (a benchmark, not a test).

    python bench/bench_model.py [--repeats 5] [--quarters 40] [--scales 1,4,16,64]

Seconds on a shared machine drift with its load, so BoltzmannWealth (Mesa's benchmark
"large" configuration: 10,000 agents on a 100 x 100 grid, 10 steps, as in Mesa's
`benchmarks/configurations.py`) runs right before and right after each run of this model,
and the figures that matter are ratios: this model's agent-steps per second over
BoltzmannWealth's (their mean around it; the median of the repeats) and each scale's cost
over scale 1's. Agent-steps are agents x steps; both models' times include building them and
are the process's CPU seconds (waiting for a core on a shared machine is not counted; heap
garbage is collected before each run).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannWealth  # noqa: E402

from sim.scenario import load_scenario  # noqa: E402

#: Mesa's own benchmark configuration for BoltzmannWealth ("large").
BOLTZMANN = {"n": 10_000, "width": 100, "height": 100}
BOLTZMANN_STEPS = 10


def time_boltzmann(seed: int) -> tuple[float, int]:
    """Seconds for one BoltzmannWealth run (built and stepped) and its agent-steps."""
    gc.collect()    # each run starts on a clean heap, not paying for the last one's garbage
    start = time.process_time()
    model = BoltzmannWealth(seed=seed, **BOLTZMANN)
    for _ in range(BOLTZMANN_STEPS):
        model.step()
    return time.process_time() - start, BOLTZMANN["n"] * BOLTZMANN_STEPS


def time_run(scale: float, quarters: int, seed: int) -> tuple[float, int]:
    """Seconds for one baseline run (built and run) and the agent-steps it made (agents x weeks)."""
    sc = load_scenario("baseline")
    gc.collect()
    start = time.process_time()
    model = sc.build_model(seed, world_scale=scale)
    model.run_quarters(quarters)
    elapsed = time.process_time() - start
    return elapsed, len(model.agents) * model.steps


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quarters", type=int, default=40)
    ap.add_argument("--scales", default="1,4,16,64")
    args = ap.parse_args(argv)
    scales = [float(s) for s in args.scales.split(",")]
    time_run(scales[0], 1, seed=0)      # imports and first-call costs stay out of the figures
    time_boltzmann(0)
    seconds: dict[float, list[float]] = {s: [] for s in scales}
    ratios: dict[float, list[float]] = {s: [] for s in scales}
    rates: dict[float, list[float]] = {s: [] for s in scales}
    boltzmann: list[float] = []
    steps = dict.fromkeys(scales, 0)
    for r in range(args.repeats):
        # Boltzmann runs bracket each run of this model, and its ratio is to their mean rate
        tb, nb = time_boltzmann(seed=r)
        before = nb / tb
        for scale in scales:
            t, steps[scale] = time_run(scale, args.quarters, seed=r)
            tb, nb = time_boltzmann(seed=r)
            after = nb / tb
            boltzmann.append(after)
            seconds[scale].append(t)
            rates[scale].append(steps[scale] / t)
            ratios[scale].append((steps[scale] / t) / ((before + after) / 2))
            before = after
    base = statistics.median(seconds[scales[0]])
    print(f"baseline scenario, {args.quarters} quarters, {args.repeats} repeats (Python {sys.version.split()[0]}); "
          f"BoltzmannWealth {BOLTZMANN['n']:,} agents x {BOLTZMANN_STEPS} steps: "
          f"median {statistics.median(boltzmann):,.0f} agent-steps/s")
    print(f"{'scale':>6} {'agents':>7} {'median s':>9} {'min s':>7} {'agent-steps/s':>14} {'x Boltzmann':>12} "
          f"{'cost/scale-1':>13} {'per unit scale':>15}")
    for scale in scales:
        med = statistics.median(seconds[scale])
        ratio = med / base
        print(f"{scale:>6g} {steps[scale] // (args.quarters * 13):>7,} {med:>9.3f} {min(seconds[scale]):>7.3f} "
              f"{statistics.median(rates[scale]):>14,.0f} {statistics.median(ratios[scale]):>12.2f} "
              f"{ratio:>13.2f} {ratio / (scale / scales[0]):>15.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
