"""Benchmark: seconds for the debrief's "what your decisions were worth" on a 12-quarter game
at world scale 1, worst case (all six lever groups differ from best practice, so 2^6 = 64
replays), in a pool of two workers (a benchmark, not a test: run it by hand on a quiet machine).

    python bench/bench_attribution.py [--repeats 5] [--quarters 12] [--workers 2]

The first run includes starting the worker server (it imports the model once); the median
of the runs after it is what a debrief costs once the server is up. One replay timed in this
process gives the floor: replays x one replay / workers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.attribution import (  # noqa: E402
    best_practice_timeline,
    decision_values,
    differing_levers,
    player_timeline,
    replay_pool,
    replay_timeline,
)
from sim.scenario import load_scenario  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def played_game(quarters: int, seed: int):
    """The baseline played as it starts (it differs from best practice in every group), with
    one change at mid-game so the timelines are not constant."""
    sc = load_scenario("baseline")
    model = sc.build_model(seed)
    for q in range(1, quarters + 1):
        if q == quarters // 2 + 1:
            model.set_policy(enablement=0.7)
        model.run_quarters(1)
    return sc, model


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5, help="runs after the first (median reported)")
    ap.add_argument("--quarters", type=int, default=12)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    load = os.getloadavg()
    sc, model = played_game(args.quarters, seed=0)
    timeline = player_timeline(model)
    groups = differing_levers(timeline, best_practice_timeline(args.quarters))
    start, cpu = time.perf_counter(), time.process_time()
    replay_timeline(sc, 0, timeline)
    one, one_cpu = time.perf_counter() - start, time.process_time() - cpu

    start = time.perf_counter()
    result = decision_values(sc, 0, timeline, workers=args.workers)
    first = time.perf_counter() - start
    times = []
    for r in range(args.repeats):
        sc_r, model_r = played_game(args.quarters, seed=r + 1)
        start = time.perf_counter()
        decision_values(sc_r, r + 1, player_timeline(model_r), workers=args.workers)
        times.append(time.perf_counter() - start)
    with replay_pool(args.workers) as pool:     # a pool kept across games (partnersim compare)
        decision_values(sc, 0, timeline, pool=pool)
        before = [cpu_seconds(p.pid) for p in pool.workers]
        start = time.perf_counter()
        decision_values(sc, 0, timeline, pool=pool)
        shared = time.perf_counter() - start
        busy = [cpu_seconds(p.pid) - b for p, b in zip(pool.workers, before, strict=True)]
    print(f"baseline, {args.quarters} quarters, scale 1, {len(groups)} groups differ "
          f"({', '.join(groups)}): {result.replays} replays, {args.workers} workers "
          f"(Python {sys.version.split()[0]})")
    print(f"load average before/after: {load[0]:.1f} / {os.getloadavg()[0]:.1f} (2 idle cores: below 1)")
    print(f"one replay in this process:        {one:7.2f} s   ({one_cpu:.2f} s CPU; floor: replays x CPU / "
          f"workers = {result.replays * one_cpu / args.workers:.1f} s)")
    print(f"first run (starts worker server):  {first:7.2f} s")
    print(f"median of {args.repeats} more runs:          {statistics.median(times):7.2f} s   "
          f"(min {min(times):.2f}, max {max(times):.2f})")
    print(f"on a pool kept across games:       {shared:7.2f} s")
    if all(v == v for v in busy):
        print(f"  its workers' CPU: {', '.join(f'{v:.2f} s' for v in busy)}: on {args.workers} idle cores "
              f"it would take about {max(busy):.1f} s (the busiest worker)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
