"""Research sweeps: many policy combinations across seeds, streamed to disk, resumable.

`run_sweep` is what `partnersim sweep` calls; `sweep` is the same from Python and returns
a DataFrame. The design comes from `sim.sweeps.design` (a grid or SALib's samplers), the
execution from `sim.sweeps.runner` (any `concurrent.futures.Executor`), the results folder
from `sim.sweeps.store`, the analysis from `sim.sweeps.analysis`.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pandas as pd

from sim.sweeps.design import design_points, runs
from sim.sweeps.runner import Job, chunk_size_for, execute, local_executor, run_chunk
from sim.sweeps.spec import SpecError, SweepSpec, load_spec, spec_from_dict
from sim.sweeps.store import SPEC_FILE, ResultStore, input_columns

__all__ = ["SpecError", "SweepSpec", "load_spec", "spec_from_dict", "run_sweep", "sweep", "design_points",
           "input_columns"]


def run_sweep(spec: SweepSpec, out: str | os.PathLike, workers: int | None = None,
              scheduler: str | None = None, resume: bool = False, quiet: bool = False,
              chunk: int | None = None) -> dict[str, Any]:
    """Run every run of `spec` not yet in `out`, streaming results there.

    Args:
        spec: A validated spec.
        out: Results folder (a Parquet dataset of part files).
        workers: Local worker processes (default: all cores). Ignored with `scheduler`.
        scheduler: Address of a Dask scheduler (tcp://HOST:PORT) to run on instead.
        resume: Continue a sweep whose results are in `out`, skipping runs already there.
        quiet: No progress bar.
        chunk: Runs per task (default: measured so that a task takes about half a second).

    Returns:
        Counts: total runs, skipped (already on disk), run, failed, pool restarts, seconds.

    Raises:
        FileExistsError: `out` holds results and `resume` is False.
    """
    store = ResultStore(out)
    done = store.prepare(resume)
    _record_spec(spec, Path(out), resume)
    all_runs = runs(spec)
    todo = [r for r in all_runs if r.run_id not in done]
    started = time.perf_counter()
    counts = {"total": len(all_runs), "skipped": len(all_runs) - len(todo), "runs": 0, "failed": 0,
              "restarts": 0}
    if todo:
        if chunk is None:
            # one run here measures the cost of a run (and is kept: runs are deterministic)
            t0 = time.perf_counter()
            first = run_chunk(Job(spec.scenario, spec.quarters, tuple(spec.fixed.items()), (todo[0],)))
            chunk = chunk_size_for(time.perf_counter() - t0)
            store.write(first)
            counts["runs"] += 1
            counts["failed"] += int((first["error"] != "").any())
            todo = todo[1:]
        client = None
        if scheduler:
            from distributed import Client  # optional extra: pip install 'partnersim[dask]'

            client = Client(scheduler)
            make, parallelism = client.get_executor, 2 * max(1, sum(client.nthreads().values()))
        else:
            n = workers or os.cpu_count() or 1
            make, parallelism = local_executor(n), 2 * n
        bar = nullcontext(None)
        if not quiet:
            from tqdm import tqdm

            bar = tqdm(total=counts["total"], initial=counts["skipped"] + counts["runs"], unit="run",
                       desc="sweep", smoothing=0.1)
        try:
            with bar as progress:
                more = execute(spec, todo, make, store.write, chunk, progress, parallelism)
        finally:
            if client is not None:
                client.close()
        for k in ("runs", "failed", "restarts"):
            counts[k] += more[k]
    counts["seconds"] = round(time.perf_counter() - started, 2)
    counts["chunk"] = chunk or 0
    return counts


def _record_spec(spec: SweepSpec, folder: Path, resume: bool) -> None:
    """Keep the spec beside the results (analysis reads it); refuse to resume a different sweep."""
    from sim import __version__

    store = ResultStore(folder)
    current = spec.as_dict()
    if resume and (folder / SPEC_FILE).exists():
        stored = store.meta()
        if stored.get("spec") != json.loads(json.dumps(current)):
            raise FileExistsError(f"{folder}: holds results of a different sweep spec ({stored.get('source')}); "
                                  f"resume it with that spec, or choose another --out")
        return
    store.write_meta({"source": spec.path, "model_version": __version__, "spec": current,
                      "inputs": {"levers": [a.name for a in spec.axes],
                                 "uncertainties": [a.name for a in spec.uncertainties]}})


def sweep(spec: SweepSpec | dict[str, Any] | str | os.PathLike, out: str | os.PathLike | None = None,
          **options: Any) -> pd.DataFrame:
    """Run a sweep from Python and return its tidy results (one row per run per quarter).

    >>> df = sweep({"scenario": "baseline", "quarters": 8, "replications": 3,
    ...             "levers": {"direct_comp": ["neutral", "competing"]}}, quiet=True)

    Args:
        spec: A SweepSpec, a dict in the spec file's shape, or a path to a spec file.
        out: Results folder to keep (default: a temporary one, removed afterwards).
        **options: As `run_sweep` (workers, scheduler, resume, quiet, chunk).
    """
    if isinstance(spec, dict):
        spec = spec_from_dict(spec)
    elif not isinstance(spec, SweepSpec):
        spec = load_spec(spec)
    if out is not None:
        run_sweep(spec, out, **options)
        return ResultStore(out).read()
    with tempfile.TemporaryDirectory(prefix="partnersim-sweep-") as tmp:
        folder = Path(tmp) / "results.parquet"
        run_sweep(spec, folder, **options)
        return ResultStore(folder).read()
