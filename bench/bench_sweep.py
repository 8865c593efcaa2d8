"""Benchmark: sweep throughput (runs per second) for baseline runs of 40 quarters, on one
worker, on all local cores, and on a Dask LocalCluster with the same number of workers
(a benchmark, not a test: run it by hand on a quiet machine).

    python bench/bench_sweep.py [--runs 200] [--quarters 40] [--repeats 3]

Reports the median over repeats and two ratios: all cores against (one worker x cores),
the aim being within 10%, and Dask against the local pool, the aim being within 15%.
Each measurement is a fresh sweep into a temporary folder (results written to Parquet, as
in real use); process start-up is included, as a researcher would see it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.sweeps import run_sweep, spec_from_dict  # noqa: E402


def spec(runs: int, quarters: int):
    """`runs` baseline runs: one design point per seed pair, varying a lever that barely
    changes the cost of a run."""
    return spec_from_dict({"scenario": "baseline", "quarters": quarters, "replications": runs // 2,
                           "levers": {"deal_registration": [True, False]}})


def rate(make_spec, **options) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        counts = run_sweep(make_spec(), Path(tmp) / "res", quiet=True, **options)
    return counts["total"] / counts["seconds"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--quarters", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args(argv)
    cores = os.cpu_count() or 1
    make = lambda: spec(args.runs, args.quarters)            # noqa: E731
    one = statistics.median(rate(make, workers=1) for _ in range(args.repeats))
    print(f"one worker:        {one:6.2f} runs/s")
    pool = statistics.median(rate(make, workers=cores) for _ in range(args.repeats))
    print(f"{cores} local workers:  {pool:6.2f} runs/s   = {pool / (one * cores):.0%} of one worker x {cores}")
    if not args.no_dask:
        from distributed import LocalCluster

        rates = []
        for _ in range(args.repeats):
            with LocalCluster(n_workers=cores, threads_per_worker=1, host="127.0.0.1",
                              dashboard_address=None) as cluster:
                t0 = time.perf_counter()
                rates.append(rate(make, scheduler=cluster.scheduler_address))
                _ = time.perf_counter() - t0
        dask = statistics.median(rates)
        print(f"Dask, {cores} workers:   {dask:6.2f} runs/s   = {dask / pool:.0%} of the local pool")
    return 0


if __name__ == "__main__":
    sys.exit(main())
