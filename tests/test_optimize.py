"""`partnersim optimize`: Optuna searches the levers across sampled worlds.

The known answer: in `competing_comp_plans` the conflicts partners lose are fewest with neutral
comp and deal registration on, and the search finds that within a fixed budget. A search killed
mid-way carries on with `--resume` and runs no policy in a world twice. The statistics over the
worlds (mean, percentile, regret) and the Pareto front are checked on small cases.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.sweeps.objective import Objective, ObjectiveTable
from sim.sweeps.optimize import pareto_front, policy_key, sample_worlds, score
from sim.sweeps.spec import SpecError, load_spec, spec_from_dict

pytestmark = pytest.mark.xdist_group("optimize")

KNOWN = """
scenario = "competing_comp_plans"
quarters = 12
[levers]
direct_comp = ["neutral", "competing"]
deal_registration = [true, false]
direct_takeover = [true, false]
enablement = { low = 0.1, high = 0.9 }
[objective]
metric = "conflicts_lost_by_partners"
direction = "minimize"
statistic = "mean"
worlds = 8
trials = 14
"""
ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}


def partnersim(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "game", *args], capture_output=True, text=True, timeout=timeout,
                          env=ENV)


def test_it_finds_the_known_answer_within_a_fixed_budget(tmp_path: Path) -> None:
    spec = tmp_path / "known.toml"
    spec.write_text(KNOWN)
    out = tmp_path / "out.parquet"
    r = partnersim("optimize", str(spec), "--out", str(out), "--workers", "2", "--quiet")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("Best policies: 14 trials, each in the same 8 worlds")
    best = lines[2]
    assert "Neutral (partner deals count)" in best and "  On  " in best, r.stdout
    assert Path(f"{out}-search.png").stat().st_size > 5000
    rows = pd.read_parquet(out)
    # every policy tried in the same 8 worlds: the seeds are the same for every trial
    assert sorted(rows["seed"].unique()) == list(range(8))
    assert not rows.duplicated(["run_id", "quarter"]).any()


def test_a_killed_search_resumes_without_running_anything_twice(tmp_path: Path) -> None:
    spec = tmp_path / "known.toml"
    spec.write_text(KNOWN.replace("trials = 14", "trials = 8").replace("worlds = 8", "worlds = 4"))
    out = tmp_path / "out.parquet"
    proc = subprocess.Popen([sys.executable, "-m", "game", "optimize", str(spec), "--out", str(out), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                            start_new_session=True)
    try:
        end = time.monotonic() + 300
        seen = ""
        while "trial 3 of 8" not in seen:          # the progress lines: three trials finished
            assert time.monotonic() < end and proc.poll() is None, seen
            seen += proc.stderr.readline()
        os.killpg(proc.pid, signal.SIGKILL)        # the search and its workers, mid-trial
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    import optuna

    before = optuna.load_study(study_name="partnersim", storage=f"sqlite:///{out / '_optuna.db'}")
    kept = {t.number: t.params for t in before.trials if t.state == optuna.trial.TrialState.COMPLETE}
    assert len(kept) >= 3
    runs_before = set(pd.read_parquet(out)["run_id"].unique())

    r = partnersim("optimize", str(spec), "--out", str(out), "--workers", "2", "--resume", "--quiet")
    assert r.returncode == 0, r.stderr
    after = optuna.load_study(study_name="partnersim", storage=f"sqlite:///{out / '_optuna.db'}")
    done = [t for t in after.trials if t.state == optuna.trial.TrialState.COMPLETE]
    assert len(done) == 8
    assert all(after.trials[n].params == p for n, p in kept.items())      # the finished trials kept, not rerun
    rows = pd.read_parquet(out)
    assert not rows.duplicated(["run_id", "quarter"]).any()                # no policy run twice in a world
    assert runs_before <= set(rows["run_id"].unique())
    policies = {policy_key(t.params) for t in done}
    assert {r.rsplit("-w", 1)[0] for r in rows["run_id"].unique()} >= policies


def test_two_objectives_give_a_pareto_front(tmp_path: Path) -> None:
    spec = tmp_path / "two.toml"
    spec.write_text(KNOWN.replace("trials = 14", "trials = 8").replace("worlds = 8", "worlds = 3")
                    + '[objective.second]\nmetric = "partner_share"\ndirection = "maximize"\n')
    out = tmp_path / "two.parquet"
    r = partnersim("optimize", str(spec), "--out", str(out), "--workers", "2", "--quiet",
                   "--plot", str(tmp_path / "front.png"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Pareto front: 8 trials")
    assert (tmp_path / "front.png").stat().st_size > 5000


def test_statistics_over_worlds() -> None:
    v = np.array([1.0, 2.0, 3.0, 10.0])
    assert score(v, None, ("m", "maximize", "mean", 10)) == 4.0
    assert score(v, None, ("m", "maximize", "percentile", 25)) == pytest.approx(np.percentile(v, 25))
    assert score(v, None, ("m", "minimize", "percentile", 25)) == pytest.approx(np.percentile(v, 75))
    best = np.array([2.0, 2.0, 5.0, 10.0])
    assert score(v, best, ("m", "maximize", "regret", 10)) == 2.0         # falls 2 short in the third world
    assert score(v, np.array([0.5, 2.0, 3.0, 9.0]), ("m", "minimize", "regret", 10)) == 1.0


def test_the_pareto_front_keeps_only_undominated_trials() -> None:
    obj = Objective((("a", "maximize", "mean", 10), ("b", "minimize", "mean", 10)))
    df = pd.DataFrame({"trial": range(4), "objective_1": [1.0, 2.0, 2.0, 0.5], "objective_2": [1.0, 1.0, 3.0, 0.2]})
    assert sorted(pareto_front(df, obj)["trial"]) == [1, 3]


def test_the_worlds_are_the_same_for_every_trial_and_every_resume() -> None:
    spec = spec_from_dict({"levers": {"direct_comp": ["neutral", "competing"]},
                           "objective": {"metric": "partner_share", "worlds": 5}})
    assert sample_worlds(spec, spec.objective) == sample_worlds(spec, spec.objective)
    assert [w.seed for w in sample_worlds(spec, spec.objective)] == list(range(5))


def test_bad_objectives_are_refused_with_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[levers]\ndirect_comp = ["neutral", "competing"]\n[objective]\nmetric = "nope"\n'
                   'statistic = "max"\nworlds = 0\n')
    with pytest.raises(SpecError) as e:
        load_spec(bad)
    text = str(e.value)
    assert "'objective.metric': 'nope' is not allowed" in text
    assert "'objective.statistic': 'max' is not allowed (allowed: mean | percentile | regret)" in text
    assert "'objective.worlds': 0 is not allowed" in text
    no_objective = tmp_path / "plain.toml"
    no_objective.write_text('[levers]\ndirect_comp = ["neutral", "competing"]\n')
    r = partnersim("optimize", str(no_objective), "--out", str(tmp_path / "x.parquet"))
    assert r.returncode == 2
    assert r.stderr.strip().startswith("partnersim: error:") and "no [objective] table" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = partnersim("optimize", str(bad), "--out", str(tmp_path / "y.parquet"))
    assert r.returncode == 2 and "'objective.worlds'" in r.stderr
    assert not (tmp_path / "x.parquet").exists()


def test_the_objective_table_round_trips() -> None:
    t = ObjectiveTable(metric="partner_share", statistic="regret", second={"metric": "partner_program_cost",
                                                                            "direction": "minimize"})
    obj = Objective.from_table(t)
    assert obj.sampler_name == "nsga2" and obj.directions == ["maximize", "minimize"]
    assert Objective.from_table(ObjectiveTable(**obj.as_dict())) == obj
