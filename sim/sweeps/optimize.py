"""`partnersim optimize`: search the levers for the policy that does best across sampled worlds.

The spec is a sweep spec (scenario, quarters, `[levers]` as the search space, `[fixed]`,
`[uncertainties]` as the worlds to sample) plus an `[objective]` table
(`sim.sweeps.objective`). Every policy Optuna proposes is tried in the same worlds (common
random numbers: the k-th world has the same seed and the same market for every policy, so
policies are compared on equal terms), its score per world read as `partnersim analyze` reads
an outcome, and summed up over the worlds (mean, a low percentile, or regret). One objective:
TPE; two: NSGA-II and the Pareto front.

Trials stream to the sweep results layout (a folder of Parquet parts: one row per run per
quarter; a run's `point` is its trial's number). The Optuna study lives beside them in
`_optuna.db` (SQLite), so `--resume` carries a killed search on: finished trials are kept, and a
policy already run in a world is never run again (its rows are read back by run id).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import PartnersimError
from sim.sweeps.design import Run
from sim.sweeps.objective import Objective
from sim.sweeps.runner import Job, run_chunk
from sim.sweeps.spec import SweepSpec
from sim.sweeps.store import ResultStore

STUDY_FILE = "_optuna.db"     # "_": pandas and pyarrow read the folder as Parquet and skip it
STUDY_NAME = "partnersim"


class OptimizeError(PartnersimError):
    """A search that cannot run; the message names the spec or folder and why."""


@dataclass(frozen=True)
class World:
    """One sampled world: its seed and the world settings drawn for it."""

    index: int
    seed: int
    settings: tuple[tuple[str, Any], ...] = ()


def sample_worlds(spec: SweepSpec, objective: Objective) -> list[World]:
    """The worlds every policy is tried in: seeds from the spec's `seed_start`, and the
    `[uncertainties]` drawn by Latin hypercube from the objective's seed (the same worlds for
    every trial and every resume)."""
    axes = tuple(getattr(spec, "uncertainties", ()) or ())
    n = objective.worlds
    rng = np.random.default_rng(objective.seed)
    cols = []
    for _ in axes:                       # Latin hypercube: one stratum per world, shuffled per axis
        u = (rng.permutation(n) + rng.random(n)) / n
        cols.append(u)
    out = []
    for k in range(n):
        settings = tuple((a.name, a.from_unit(float(cols[j][k]))) for j, a in enumerate(axes))
        out.append(World(k, spec.seed_start + k, settings))
    return out


def policy_key(policy: dict[str, Any]) -> str:
    """A policy's id: the same levers give the same id, on every run and every resume."""
    text = json.dumps(sorted(policy.items()), default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def suggest(trial: Any, spec: SweepSpec) -> dict[str, Any]:
    """The levers Optuna proposes for a trial, from the spec's `[levers]`: a list of values is a
    categorical choice, a numeric range a float (or an integer for whole-number levers)."""
    from sim.policy import LEVERS

    policy: dict[str, Any] = {}
    for a in spec.axes:
        if a.is_range:
            if LEVERS[a.name].kind == "int":
                policy[a.name] = trial.suggest_int(a.name, int(round(a.low)), int(round(a.high)))
            else:
                policy[a.name] = trial.suggest_float(a.name, a.low, a.high)
        else:
            policy[a.name] = trial.suggest_categorical(a.name, list(a.values))
    return policy


def score(values: np.ndarray, best: np.ndarray | None, goal: tuple[str, str, str, float]) -> float:
    """One goal's statistic over the worlds (`values`, one per world; `best`: the best value
    seen in each world, for regret)."""
    _metric, direction, statistic, pct = goal
    if statistic == "mean":
        return float(np.mean(values))
    if statistic == "percentile":
        return float(np.percentile(values, pct if direction == "maximize" else 100 - pct))
    assert best is not None
    short = best - values if direction == "maximize" else values - best
    return float(np.max(short))


class Search:
    """A search in progress: the spec, the objective, the worlds, the results folder.

    Args:
        spec: The sweep spec (its `[levers]` are the search space).
        objective: The `[objective]` table.
        out: The results folder.
        make_executor: Returns the executor the worlds of a trial run on.
        resume: Carry on the search stored in `out`.
    """

    def __init__(self, spec: SweepSpec, objective: Objective, out: str | os.PathLike,
                 make_executor: Callable[[], Executor], resume: bool = False) -> None:
        if not spec.axes:
            raise OptimizeError(f"{spec.path}: [levers] is empty: name the levers to search (a range or a list each)")
        self.spec, self.objective = spec, objective
        self.store = ResultStore(out)
        self.done = self.store.prepare(resume)
        self.worlds = sample_worlds(spec, objective)
        self.make_executor = make_executor
        self._executor: Executor | None = None
        self.values: dict[str, np.ndarray] = {}     # policy key -> goal values per world (goals x worlds)
        if resume and self.done:
            self._read_back()

    # ------------------------------------------------------------------ the study
    def study(self) -> Any:
        """The Optuna study in the results folder (created, or loaded on resume)."""
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        sampler = {"tpe": lambda: optuna.samplers.TPESampler(seed=self.objective.seed),
                   "nsga2": lambda: optuna.samplers.NSGAIISampler(seed=self.objective.seed),
                   "random": lambda: optuna.samplers.RandomSampler(seed=self.objective.seed)}[self.objective.sampler_name]()
        storage = f"sqlite:///{(self.store.path / STUDY_FILE).resolve()}"
        study = optuna.create_study(study_name=STUDY_NAME, storage=storage, sampler=sampler, load_if_exists=True,
                                    directions=self.objective.directions)
        for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
            study.tell(t.number, state=optuna.trial.TrialState.FAIL)     # killed mid-trial: its runs are kept
        return study

    def run(self, progress: Callable[[int, int], Any] | None = None) -> Any:
        """Run trials until the objective's count is reached; returns the study."""
        import optuna

        study = self.study()
        finished = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        try:
            while len(finished) < self.objective.trials:
                trial = study.ask()
                policy = suggest(trial, self.spec)
                goals = self.evaluate(trial.number, policy)
                study.tell(trial, self.scores(policy, goals))
                finished.append(trial)
                if progress is not None:
                    progress(len(finished), self.objective.trials)
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None
        return study

    def scores(self, policy: dict[str, Any], goals: np.ndarray) -> list[float]:
        """The objective values of a policy (regret against the best seen so far in each world)."""
        out = []
        for g, goal in enumerate(self.objective.goals):
            best = None
            if goal[2] == "regret":
                every = np.stack([v[g] for v in self.values.values()])
                best = every.max(axis=0) if goal[1] == "maximize" else every.min(axis=0)
            out.append(score(goals[g], best, goal))
        return out

    # ------------------------------------------------------------------ running policies
    def evaluate(self, number: int, policy: dict[str, Any]) -> np.ndarray:
        """Run a policy in every world not yet run for it (in parallel) and store the rows;
        returns its goal values, goals x worlds."""
        key = policy_key(policy)
        if key in self.values:
            return self.values[key]
        todo = [w for w in self.worlds if f"{key}-w{w.index}" not in self.done]
        rows = []
        if len(todo) < len(self.worlds):                # some worlds ran before a kill: read them back
            old = self.store.read()
            rows.append(old[old["run_id"].str.startswith(f"{key}-w")])
        if todo:
            runs = [Run(f"{key}-w{w.index}", number, w.seed, tuple(policy.items()), w.settings) for w in todo]
            new = self._execute(runs)
            bad = new.loc[new["error"] != "", "error"]
            if len(bad):
                raise OptimizeError(f"a run of trial {number} failed: {bad.iloc[0]}")
            self.store.write(new)
            self.done.update(new["run_id"].unique())
            rows.append(new)
        self.values.update(self._goal_values(pd.concat(rows, ignore_index=True)))
        if key not in self.values:
            raise OptimizeError(f"trial {number}: the runs gave no {' or '.join(g[0] for g in self.objective.goals)} "
                                f"in some of the {len(self.worlds)} worlds (a missing or NaN value), so the policy "
                                f"cannot be scored; its rows are in the results folder")
        return self.values[key]

    def _execute(self, runs: list[Run]) -> pd.DataFrame:
        from concurrent.futures.process import BrokenProcessPool

        spec = self.spec
        workers = max(1, min(len(runs), os.cpu_count() or 1))
        size = math.ceil(len(runs) / workers)
        jobs = [Job(spec.scenario, spec.quarters, tuple(spec.fixed.items()), tuple(runs[i:i + size]))
                for i in range(0, len(runs), size)]
        for attempt in range(3):
            if self._executor is None:
                self._executor = self.make_executor()
            try:
                return pd.concat([f.result() for f in [self._executor.submit(run_chunk, j) for j in jobs]],
                                 ignore_index=True)
            except BrokenProcessPool:        # a worker died: a new pool, the same runs again
                self._executor.shutdown(wait=False)
                self._executor = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _read_back(self) -> None:
        """Every stored policy's goal values (a resumed search)."""
        df = self.store.read()
        if not df.empty:
            self.values.update(self._goal_values(df[df["error"] == ""]))

    def _goal_values(self, df: pd.DataFrame) -> dict[str, np.ndarray]:
        """Goal values per policy (goals x worlds) from tidy rows whose run ids are `policy-wK`;
        a policy missing a world is left out."""
        from sim.sweeps.analysis import run_outcomes

        parts = df["run_id"].str.rsplit("-w", n=1)
        df = df.assign(policy=parts.str[0], world=parts.str[1].astype(int))
        n = len(self.worlds)
        out = {}
        for key, part in df.groupby("policy"):
            goals = np.full((len(self.objective.goals), n), np.nan)
            world_of = part.drop_duplicates("run_id").set_index("run_id")["world"]
            for g, goal in enumerate(self.objective.goals):
                per = run_outcomes(part, goal[0], self.objective.quarter)
                for run_id, value in zip(per["run_id"], per[goal[0]], strict=True):
                    if int(world_of[run_id]) < n:
                        goals[g, int(world_of[run_id])] = value
            if not np.isnan(goals).any():
                out[str(key)] = goals
        return out


def trials_table(study: Any, objective: Objective, search: Search | None = None) -> pd.DataFrame:
    """Every finished trial: its levers and its objective values, best first (regret recomputed
    against the best policy of every trial, now that all are known)."""
    import optuna

    rows = []
    for t in study.trials:
        if t.state != optuna.trial.TrialState.COMPLETE:
            continue
        rows.append({"trial": t.number, **t.params, **{f"objective_{k + 1}": v for k, v in enumerate(t.values)}})
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    if search is not None:
        for g, goal in enumerate(objective.goals):
            if goal[2] != "regret":
                continue
            every = {k: v[g] for k, v in search.values.items()}
            stack = np.stack(list(every.values()))
            best = stack.max(axis=0) if goal[1] == "maximize" else stack.min(axis=0)
            df[f"objective_{g + 1}"] = [score(search.values[policy_key({a.name: r[a.name] for a in search.spec.axes})][g],
                                              best, goal) for r in df.to_dict("records")]
    first = objective.goals[0]
    return df.sort_values("objective_1", ascending=first[1] == "minimize").reset_index(drop=True)


def pareto_front(df: pd.DataFrame, objective: Objective) -> pd.DataFrame:
    """The trials no other trial beats on both objectives (two objectives)."""
    if len(objective.goals) < 2 or df.empty:
        return df.head(1)
    sign = [1 if g[1] == "maximize" else -1 for g in objective.goals]
    vals = df[["objective_1", "objective_2"]].to_numpy() * np.array(sign)
    keep = []
    for v in vals:
        dominated = np.any(np.all(vals >= v, axis=1) & np.any(vals > v, axis=1))
        keep.append(not dominated)
    return df[keep].sort_values("objective_1", ascending=objective.goals[0][1] == "minimize")


def run_optimize(spec: SweepSpec, out: str | os.PathLike, *, workers: int | None = None,
                 scheduler: str | None = None, resume: bool = False, trials: int | None = None,
                 progress: Callable[[int, int], Any] | None = None) -> tuple[Any, Search]:
    """Search the levers of `spec` for its `[objective]`; trials stream to `out`.

    Args:
        spec: A sweep spec with an `[objective]` table.
        out: The results folder (Parquet parts and `_optuna.db`).
        workers: Local worker processes (default: all cores); ignored with `scheduler`.
        scheduler: A Dask scheduler's address (tcp://HOST:PORT) to run the worlds on instead.
        resume: Carry on the search stored in `out`.
        trials: Overrides the objective's trial count (a longer or shorter search).
        progress: Called with (trials finished, trials in all).

    Raises:
        OptimizeError: the spec has no `[objective]` or no levers to search.
        FileExistsError: `out` holds results and `resume` is False.
    """
    import dataclasses

    from sim.sweeps.runner import local_executor

    if spec.objective is None:
        raise OptimizeError(f"{spec.path}: no [objective] table: say what to optimise (metric, direction, "
                            f"statistic, worlds, trials; see docs/research.md)")
    objective = spec.objective if trials is None else dataclasses.replace(spec.objective, trials=trials)
    client = None
    if scheduler:
        from distributed import Client  # optional extra: pip install 'partnersim[dask]'

        client = Client(scheduler)
        make = client.get_executor
    else:
        make = local_executor(workers or os.cpu_count() or 1)
    try:
        search = Search(spec, objective, out, make, resume=resume)
        study = search.run(progress)
    finally:
        if client is not None:
            client.close()
    return study, search


def plot_search(df: pd.DataFrame, objective: Objective, path: str | os.PathLike) -> Path:
    """The search as a picture: two objectives, every trial and the Pareto front; one, the
    score of each trial and the best so far."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from sim.metrics import METRICS

    path = Path(path)
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    stat = {"mean": "mean", "regret": "regret"}
    label = [f"{METRICS[g[0]].label}: " + stat.get(g[2], f"{g[3]:g}th pct.") for g in objective.goals]
    ax.set_title("; ".join(f"{g[1]} {METRICS[g[0]].label.lower()} ("
                           + {"mean": "mean over the worlds", "regret": "worst shortfall against the best policy "
                              "in each world"}.get(g[2], f"{g[3]:g}th percentile of its bad tail over the worlds")
                           + ")" for g in objective.goals), fontsize=9)
    shares = [METRICS[g[0]].unit == "share" for g in objective.goals]
    if len(objective.goals) > 1:
        front = pareto_front(df, objective).sort_values("objective_1")
        ax.scatter(df["objective_1"], df["objective_2"], s=18, color="#999999", label="trials")
        ax.plot(front["objective_1"], front["objective_2"], "o-", color="#D55E00", label="Pareto front")
        ax.set_xlabel(label[0])
        ax.set_ylabel(label[1])
        if shares[0]:
            ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        if shares[1]:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    else:
        by_trial = df.sort_values("trial")
        best = by_trial["objective_1"].cummax() if objective.goals[0][1] == "maximize" else by_trial["objective_1"].cummin()
        ax.scatter(by_trial["trial"], by_trial["objective_1"], s=18, color="#999999", label="trials")
        ax.step(by_trial["trial"], best, where="post", color="#0072B2", label="best so far")
        ax.set_xlabel("trial")
        ax.set_ylabel(label[0])
        if shares[0]:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
