"""Running a sweep on any `concurrent.futures.Executor`: a local process pool by default,
a Dask cluster's executor with `--scheduler`.

Runs are sent in chunks worth about half a second each, so per-task overhead (about 0.5 ms
in a process pool, 3-8 ms in Dask) stays small. Every run is independent and deterministic:
its rows depend only on the scenario, quarters, levers and seed, never on which worker or
backend ran it. A process pool breaks when one of its workers dies (killed, out of memory):
the runner then starts a new pool and resubmits every chunk that was in flight; Dask reruns
lost tasks itself. A run that raises is recorded with its error and the sweep goes on.
"""

from __future__ import annotations

import math
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from typing import Any

import numpy as np
import pandas as pd

from sim.metrics import METRIC_COLUMNS
from sim.sweeps.design import Run
from sim.sweeps.spec import SweepSpec

CHUNK_SECONDS = 0.5
# metrics named like a lever (partner_team_size: managers actually on the team at quarter end)
# or a world setting get this suffix in sweep results, so each input and metric has its own column
CLASH_SUFFIX = "_actual"
MAX_POOL_RESTARTS = 20


@dataclass(frozen=True)
class Job:
    """What a worker needs for a chunk: the scenario, quarters, fixed levers and world settings,
    and the runs."""

    scenario: str
    quarters: int
    fixed: tuple[tuple[str, Any], ...]
    runs: tuple[Run, ...]


@lru_cache(maxsize=8)
def _scenario(ref: str):
    from sim.scenario import load_scenario

    return load_scenario(ref)


def inputs(scenario: str, fixed: dict[str, Any], run: Run) -> tuple[dict[str, Any], dict[str, Any]]:
    """A run's every lever and every world setting: the scenario's, then `fixed`, then the
    run's own (levers and world settings told apart by name)."""
    from sim.world import WORLD_KEYS

    sc = _scenario(scenario)
    given = {**fixed, **dict(run.levers), **dict(run.world)}
    pol = sc.policy.replace(**{k: v for k, v in given.items() if k not in WORLD_KEYS}).as_dict()
    world = {**sc.world.as_dict(), **{k: v for k, v in given.items() if k in WORLD_KEYS}}
    return pol, world


def simulate(scenario: str, quarters: int, fixed: dict[str, Any], run: Run) -> pd.DataFrame:
    """One run's tidy rows: run id, point, scenario, seed, model version, every lever, every
    world setting, every metric."""
    sc = _scenario(scenario)
    pol, world = inputs(scenario, fixed, run)
    try:
        model = sc.build_model(run.seed, **pol, **world)
        model.run_quarters(quarters)
    except Exception as exc:    # recorded, not raised: one bad run must not sink the sweep
        return _rows(sc.name, run, {**pol, **world}, None, f"{type(exc).__name__}: {exc}")
    return _rows(sc.name, run, {**pol, **world}, model.quarterly_frame(), "")


def _rows(scenario_name: str, run: Run, given: dict[str, Any], frame: pd.DataFrame | None,
          error: str) -> pd.DataFrame:
    """The tidy rows of a run: one per quarter, or one with empty metrics (quarter 0) for a
    run that failed with `error`. `given`: every lever and world setting of the run."""
    from sim import __version__

    if frame is None:
        metrics = pd.DataFrame([dict.fromkeys(METRIC_COLUMNS, np.nan)])
    else:
        metrics = frame[list(METRIC_COLUMNS)]
    metrics = metrics.astype("float64").rename(columns={c: c + CLASH_SUFFIX for c in METRIC_COLUMNS if c in given})
    head = {"run_id": run.run_id, "point": run.point, "scenario": scenario_name, "seed": run.seed,
            "model_version": __version__, **given}
    out = pd.concat([pd.DataFrame(head, index=range(len(metrics))), metrics.reset_index(drop=True)], axis=1)
    out["quarter"] = out["quarter"].fillna(0).astype("int64")
    out["error"] = error
    return out


def run_chunk(job: Job) -> pd.DataFrame:
    """Run every run of a chunk (in a worker)."""
    fixed = dict(job.fixed)
    return pd.concat([simulate(job.scenario, job.quarters, fixed, r) for r in job.runs], ignore_index=True)


def chunk_size_for(seconds_per_run: float) -> int:
    """Runs per chunk so that a chunk takes about CHUNK_SECONDS."""
    return max(1, math.ceil(CHUNK_SECONDS / max(seconds_per_run, 1e-3)))


def local_executor(workers: int) -> Callable[[], Executor]:
    """A factory of local process pools (spawned workers: safe with threads, as Mesa needs)."""
    return lambda: ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))


def execute(spec: SweepSpec, todo: Sequence[Run], make_executor: Callable[[], Executor],
            write: Callable[[pd.DataFrame], Any], chunk: int, progress: Any = None,
            parallelism: int | None = None) -> dict[str, int]:
    """Run `todo` in chunks on executors from `make_executor`, handing each finished chunk
    to `write` at once.

    Args:
        spec: The sweep spec (scenario, quarters, fixed levers).
        todo: Runs still to do.
        make_executor: Returns a fresh executor; called again if a process pool breaks.
        write: Stores a finished chunk's rows.
        chunk: Runs per chunk.
        progress: Anything with `update(n)` (a tqdm bar), or None.
        parallelism: Chunks kept in flight (default: twice the CPU count).

    Returns:
        Counts: runs done, runs failed (recorded with their error), pool restarts.
    """
    fixed = tuple(spec.fixed.items())
    pending = deque(Job(spec.scenario, spec.quarters, fixed, tuple(todo[i:i + chunk]))
                    for i in range(0, len(todo), chunk))
    in_flight_max = parallelism or 2 * (os.cpu_count() or 1)
    counts = {"runs": 0, "failed": 0, "restarts": 0}
    executor = make_executor()
    in_flight: dict[Any, Job] = {}
    try:
        while pending or in_flight:
            broken = False
            while pending and len(in_flight) < in_flight_max:
                job = pending.popleft()
                try:
                    in_flight[executor.submit(run_chunk, job)] = job
                except BrokenProcessPool:       # the pool noticed a dead worker first
                    pending.appendleft(job)
                    broken = True
                    break
            done = set()
            if in_flight and not broken:
                done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for fut in done:
                job = in_flight.pop(fut)
                try:
                    rows = fut.result()
                except BrokenProcessPool:
                    pending.appendleft(job)
                    broken = True
                    continue
                except Exception as exc:       # e.g. Dask gave up on a task: record, go on
                    rows = pd.concat([_failed(spec, r, exc) for r in job.runs], ignore_index=True)
                write(rows)
                n_failed = int(rows.loc[rows["error"] != "", "run_id"].nunique())
                counts["runs"] += len(job.runs)
                counts["failed"] += n_failed
                if progress is not None:
                    progress.update(len(job.runs))
            if broken:
                # a dead worker breaks the whole pool: every chunk in flight is lost
                pending.extendleft(reversed(list(in_flight.values())))
                in_flight.clear()
                _shutdown(executor, wait=False)
                counts["restarts"] += 1
                if counts["restarts"] > MAX_POOL_RESTARTS:
                    raise RuntimeError(f"workers died {counts['restarts']} times; giving up "
                                       f"({len(pending)} chunks not run; --resume continues)")
                time.sleep(0.2)
                executor = make_executor()
    finally:
        _shutdown(executor, wait=True)
    return counts


def _shutdown(executor: Executor, wait: bool) -> None:
    """Shut an executor down, cancelling what has not started (Dask's executor takes no
    `cancel_futures`)."""
    try:
        executor.shutdown(wait=wait, cancel_futures=True)
    except TypeError:
        executor.shutdown(wait=wait)


def _failed(spec: SweepSpec, run: Run, exc: BaseException) -> pd.DataFrame:
    """The row recording a run that could not be run at all (its worker failed)."""
    pol, world = inputs(spec.scenario, spec.fixed, run)
    return _rows(_scenario(spec.scenario).name, run, {**pol, **world}, None, f"{type(exc).__name__}: {exc}")
