"""Research sweeps: specs are checked, designs come from SALib, results are identical on
every backend, a dead worker or a killed sweep loses nothing, failing runs are recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from sim.sweeps import SpecError, load_spec, run_sweep, spec_from_dict, sweep
from sim.sweeps.design import design_points, runs
from sim.sweeps.runner import execute
from sim.sweeps.store import ResultStore

SMALL = {"scenario": "baseline", "quarters": 4, "replications": 2,
         "levers": {"direct_comp": ["neutral", "competing"], "enablement": {"low": 0.2, "high": 0.8, "steps": 2}}}


def write_spec(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "spec.toml"
    p.write_text(text)
    return p


def test_bad_spec_reports_every_problem(tmp_path: Path) -> None:
    path = write_spec(tmp_path, """
scenario = "baseline"
replications = 0
colour = "red"
[design]
method = "sobol"
samples = 10
[levers]
enablemnt = { low = 0, high = 1 }
direct_comp = ["neutral", "sideways"]
[fixed]
incentive = "cash"
""")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    msg = str(info.value)
    for words in ("'replications'", "'colour'", "power of 2", "levers.enablemnt", "'sideways'", "fixed.incentive"):
        assert words in msg, (words, msg)
    assert all(line.startswith(str(path)) for line in msg.splitlines())
    res = subprocess.run([sys.executable, "-m", "sim", "sweep", str(path)], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 2 and "levers.enablemnt" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize("method, extra, n_points", [
    ("grid", {}, 4),
    ("random", {"samples": 7}, 7),
    ("lhs", {"samples": 9}, 9),
    ("sobol", {"samples": 8}, 8 * (2 + 2)),
    ("morris", {"samples": 5, "levels": 4}, 5 * (2 + 1)),
])
def test_designs(method: str, extra: dict, n_points: int) -> None:
    levers = dict(SMALL["levers"])
    if method != "grid":
        levers["enablement"] = {"low": 0.2, "high": 0.8}
    spec = spec_from_dict({**SMALL, "levers": levers, "design": {"method": method, **extra}})
    points = design_points(spec)
    assert len(points) == n_points
    assert set(points["direct_comp"]) <= {"neutral", "competing"}
    assert points["enablement"].between(0.2, 0.8).all()
    assert len(runs(spec)) == n_points * 2
    assert design_points(spec).equals(points)          # the sampler is seeded


def test_results_identical_on_every_backend(tmp_path: Path) -> None:
    spec = spec_from_dict(SMALL)
    one = sweep(spec, tmp_path / "one", workers=1, quiet=True, chunk=3)
    pool = sweep(spec, tmp_path / "pool", workers=2, quiet=True, chunk=1)
    assert len(one) == 8 * 4 and one["run_id"].nunique() == 8 and (one["error"] == "").all()
    pd.testing.assert_frame_equal(one, pool)
    # the folder is one Parquet dataset to pandas (the spec kept beside it is skipped)
    assert len(pd.read_parquet(tmp_path / "one")) == len(one)
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None, processes=True) as cluster:
        dask = sweep(spec, tmp_path / "dask", scheduler=cluster.scheduler_address, quiet=True, chunk=2)
    pd.testing.assert_frame_equal(one, dask)
    # one tidy row per run per quarter: levers, scenario, seed, version, every metric
    from sim.metrics import METRIC_COLUMNS
    from sim.policy import LEVERS

    assert {"run_id", "scenario", "seed", "model_version", *LEVERS} <= set(one.columns)
    assert {c if c not in LEVERS else c + "_actual" for c in METRIC_COLUMNS} <= set(one.columns)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(c) for c in out]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


SLOW = """
scenario = "baseline"
quarters = 6
replications = 12
[levers]
direct_comp = ["neutral", "competing"]
"""


def _wait_for_parts(folder: Path, n: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    end = time.time() + timeout
    while time.time() < end and proc.poll() is None:
        if len(ResultStore(folder).parts()) >= n:
            return
        time.sleep(0.05)
    raise AssertionError("the sweep did not write results in time")


def _exactly_once(folder: Path, spec_path: Path) -> None:
    df = ResultStore(folder).read()
    expected = {r.run_id for r in runs(load_spec(spec_path))}
    per_run = df.groupby("run_id").size()
    assert set(per_run.index) == expected
    assert (per_run == 6).all()                         # six quarters each, no duplicate rows


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds worker processes through /proc")
def test_a_killed_worker_does_not_sink_the_sweep(tmp_path: Path) -> None:
    spec_path = write_spec(tmp_path, SLOW)
    out = tmp_path / "res"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(spec_path), "--out", str(out),
                             "--workers", "2", "--chunk", "1", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_parts(out, 3, proc)
    workers = [c for c in _children(proc.pid) if "spawn_main" in _cmdline(c)]
    assert workers, "no worker processes found"
    os.kill(workers[0], signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "1 pool restart" in stdout or "2 pool restart" in stdout, stdout
    _exactly_once(out, spec_path)


def test_a_killed_sweep_resumes_without_duplicates(tmp_path: Path) -> None:
    spec_path = write_spec(tmp_path, SLOW)
    out = tmp_path / "res"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(spec_path), "--out", str(out),
                             "--workers", "1", "--chunk", "1", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_parts(out, 4, proc)
    children = _children(proc.pid)
    proc.kill()                                  # the whole sweep dies at once, workers too
    for child in children:
        os.kill(child, signal.SIGKILL)
    proc.wait(timeout=60)
    partial = ResultStore(out).done_run_ids()
    assert 0 < len(partial) < 24
    again = subprocess.run([sys.executable, "-m", "sim", "sweep", str(spec_path), "--out", str(out)],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "--resume" in again.stderr           # never mixes two sweeps silently
    done = subprocess.run([sys.executable, "-m", "sim", "sweep", str(spec_path), "--out", str(out), "--resume",
                           "--quiet"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{len(partial)} already on disk" in done.stdout
    _exactly_once(out, spec_path)


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path: Path, monkeypatch) -> None:
    from sim.model import PartnerProgramModel

    real = PartnerProgramModel.run_quarters

    def flaky(self, n):
        if self.seed == 1:
            raise MemoryError("simulated out of memory")
        return real(self, n)

    monkeypatch.setattr(PartnerProgramModel, "run_quarters", flaky)
    spec = spec_from_dict(SMALL)
    store = ResultStore(tmp_path / "res")
    store.prepare(False)
    counts = execute(spec, runs(spec), lambda: ThreadPoolExecutor(2), store.write, chunk=2)
    df = store.read()
    assert counts["runs"] == 8 and counts["failed"] == 4
    failed = df[df["error"] != ""]
    assert set(failed["seed"]) == {1} and failed["error"].str.contains("MemoryError").all()
    assert len(df[df["error"] == ""]) == 4 * 4


def test_analyze_ranks_levers_and_draws(tmp_path: Path) -> None:
    spec = {"scenario": "baseline", "quarters": 4, "replications": 1, "outcome": "partner_satisfaction_mean",
            "design": {"method": "sobol", "samples": 8},
            "levers": {"management_style": ["support", "push"], "enablement": {"low": 0.1, "high": 0.9}}}
    out = tmp_path / "res"
    run_sweep(spec_from_dict(spec), out, workers=2, quiet=True)
    res = subprocess.run([sys.executable, "-m", "sim", "analyze", str(out), "--plots", str(tmp_path / "plots")],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "Sobol indices" in res.stdout and "ST" in res.stdout and "ci_low" in res.stdout
    for name in ("distributions.png", "interaction.png", "trajectories.png"):
        assert (tmp_path / "plots" / name).stat().st_size > 5_000
    bad = subprocess.run([sys.executable, "-m", "sim", "analyze", str(tmp_path)], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2 and "no sweep results" in bad.stderr


def test_model_runs_under_mesa_batch_run() -> None:
    import inspect

    import mesa

    from sim.model import PartnerProgramModel

    params: dict = {"direct_comp": ["neutral", "competing"]}
    if "rng" in inspect.signature(mesa.batch_run).parameters:     # Mesa 3.5+: seeds through rng
        extra: dict = {"rng": [0]}
    else:                                                          # Mesa 3.3: seed is a parameter
        params["seed"] = [0]
        extra = {"iterations": 1}
    rows = mesa.batch_run(PartnerProgramModel, params, max_steps=26, number_processes=1,
                          data_collection_period=-1, display_progress=False, **extra)
    df = pd.DataFrame(rows)
    assert len(df) == 2 and set(df["direct_comp"]) == {"neutral", "competing"}
    assert (df["quarter"] == 2).all() and (df["revenue_total"] > 0).all()


def test_model_runs_under_the_ema_workbench() -> None:
    ema = pytest.importorskip("ema_workbench")
    from sim.ema import OUTCOMES, model

    m = model("baseline", quarters=4, levers={"direct_comp": ["neutral", "competing"], "enablement": (0.2, 0.9)})
    assert {u.name for u in m.uncertainties} == {"seed", "demand", "partner_pool"}
    with ema.SequentialEvaluator(m) as evaluator:
        experiments, outcomes = ema.perform_experiments(m, scenarios=3, policies=2, evaluator=evaluator)
    assert len(experiments) == 6 and set(outcomes) == set(OUTCOMES)
    assert (outcomes["partner_share_year"] >= 0).all() and (outcomes["partners_active"] > 0).all()
    with pytest.raises(ValueError, match="unknown lever 'enablemnt'"):
        model(levers=["enablemnt"])


def test_analyze_morris_design(tmp_path: Path) -> None:
    from sim.sweeps.analysis import analyze_results

    spec = {"scenario": "baseline", "quarters": 2, "design": {"method": "morris", "samples": 3},
            "levers": {"enablement": {"low": 0.1, "high": 0.9}, "direct_comp": ["neutral", "competing"]}}
    run_sweep(spec_from_dict(spec), tmp_path / "res", workers=1, quiet=True)
    report = analyze_results(tmp_path / "res", plots=tmp_path / "plots")
    assert "Morris elementary effects" in report and "mu_star" in report
