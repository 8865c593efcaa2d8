"""What each group of decisions was worth: the gap between a game and best practice on the
same world, split over the policy panel's lever groups by exact Shapley values.

A lever's *timeline* is its value in each played quarter. The player's timeline is
`model.policy_history` (the policy in force each quarter, values imposed by scenario events
included); best practice's is best_practice.toml's policy every quarter, which is what
`sim.debrief.best_practice_model` plays. A group (`sim.policy.LEVER_GROUPS`; its levers are
the `LEVERS` entries of that group) *differs* when any of its levers' timelines differs; only
those levers are listed, and a group that does not differ is left out: its value is exactly
zero. For every coalition S of the k groups that differ, the game is replayed on the same
world and seed with S's timelines taken from best practice and the others' from the player:
2^k replays, each run once and kept, in a pool of at most two worker processes. A group's
value is its Shapley value over those 2^k results (the mean of what adding it to a coalition
changes, over every order of adding groups), so the values add up exactly to best practice's
result minus the player's, and a group's value does not depend on the order groups are listed.

How a replay is run (`replay_timeline`): `Scenario.build_model(seed, policy_events=False)`
builds the world as the player's game was built, with the scenario's starting policy (the
weeks of warm-up before launch read the budget share, so the start is part of the world);
then before each quarter that quarter's policy is set whole and the quarter is run. Scheduled
shocks are kept; scheduled policy events are dropped because their values are already in the
player's timeline. `best_practice_model` builds its world the same way and switches to best
practice from quarter 1 (it used to build with best practice's levers, so its weeks before
launch read a different budget share and no coalition could reproduce it). So the empty
coalition replays the player's game and the full coalition best practice's, exactly
(`tests/test_attribution.py` checks both). Every coalition starts from the same built world,
so a worker builds it once and replays copies of it.

Decisions the player did not make are swapped like any other (decided here, not by a flag):
- a lever the scenario locks and a value a scenario event imposed are part of the player's
  timeline; best practice plays without them, so leaving them out would break the sum to the
  gap. `Attribution.locked` lists the differing levers the scenario locks, so the debrief
  marks the groups holding a lever the player could not change (an imposed value shows in
  the lever's timeline with its quarters);
- a program cut is not a lever: in each replay the board decides again from what that
  coalition's timeline did, so a group whose levers led the board to cut carries that cost.

Two measures: the scenario's goal (the first clause of its [win] table that is a number,
not a yes/no clause, judged at its quarter or at the last played one if the game stopped
before; `Measure.label` says which) and partner revenue over the game
(`METRICS["revenue_partner"]`).
"""

from __future__ import annotations

import copy
import hashlib
import math
import multiprocessing as mp
import queue
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations
from typing import Any

import pandas as pd

from sim import units
from sim.errors import PartnersimError
from sim.metrics import METRICS
from sim.model import PartnerProgramModel
from sim.policy import LEVER_GROUPS, LEVERS
from sim.scenario import Scenario, load_scenario
from sim.win import WIN_CONDITIONS

MAX_WORKERS = 2
REVENUE = "revenue_partner"

Timeline = tuple[dict[str, Any], ...]


class AttributionError(PartnersimError):
    """An attribution that cannot be computed (no quarter played, a replay that failed)."""


# ------------------------------------------------------------------------- the result
@dataclass(frozen=True)
class Measure:
    """One measure of a game: the player's value, best practice's, and each group's share
    of the gap.

    Attributes:
        key: The win clause's key ("min_partner_share_year") or the metric's name.
        label: What it measures, in words (with the quarter it is judged at).
        short: One or two words for tight places ("goal", "partner revenue").
        unit: How a value reads (`sim.units`).
        good: +1 if higher is better, -1 if lower is.
        player: The player's result (the empty coalition's replay).
        best: Best practice's result (the full coalition's replay).
        values: Group -> its Shapley value: what taking best practice's decisions in that
            group adds; the values add up to `best - player`.
        target: The goal's target, for the goal measure (None for the others): its results
            read with the digits the goal's clause line shows, so a missed goal never reads as
            met (9.5% against 10% reads "9.5%", as on the leaderboard, not "10%").
    """

    key: str
    label: str
    short: str
    unit: str
    good: int
    player: float
    best: float
    values: dict[str, float]
    target: float | None = None

    @property
    def gap(self) -> float:
        """Best practice's result minus the player's."""
        return self.best - self.player

    def fmt(self, value: float) -> str:
        """A result of this measure as a person reads it (beside the goal's target, with the
        digits that keep the judgement true: `sim.win.WinCondition.judged`)."""
        if self.target is not None:
            return WIN_CONDITIONS[self.key].judged(value, self.target)[0]
        return units.fmt(self.unit, value)

    def fmt_change(self, change: float) -> str:
        """A change in this measure as a person reads it (+$120k, +3.2 pts)."""
        return units.fmt_change(self.unit, change)

    def improves(self, change: float) -> bool:
        """Whether a change is for the better (colours and words follow this, not the sign)."""
        return change * self.good > 0


@dataclass(frozen=True)
class Attribution:
    """What the player's decisions were worth, group by group, against best practice.

    Attributes:
        scenario: The scenario's name.
        seed: The world's seed.
        quarters: Quarters played (and replayed).
        groups: The groups whose timelines differ from best practice's, in the panel's order.
        levers: Group -> the levers in it whose timelines differ.
        player_timeline: Lever -> its value in each quarter, as the player had it (differing
            levers only).
        best_timeline: Lever -> its value in each quarter under best practice.
        locked: The differing levers the scenario locks (the player could not change them).
        measures: The goal measure (if the scenario has a numeric goal) and partner revenue.
        replays: How many games were replayed (2^len(groups)).
    """

    scenario: str
    seed: int
    quarters: int
    groups: tuple[str, ...]
    levers: dict[str, tuple[str, ...]]
    player_timeline: dict[str, tuple[Any, ...]]
    best_timeline: dict[str, tuple[Any, ...]]
    locked: tuple[str, ...]
    measures: tuple[Measure, ...]
    replays: int

    def measure(self, key: str) -> Measure:
        """The measure called `key`."""
        return next(m for m in self.measures if m.key == key)

    def lever_lines(self, group: str) -> list[str]:
        """The group's differing levers, each as "Label: yours -> best practice's" (with the
        quarters when a value changed during the game), locked ones marked."""
        out = []
        for name in self.levers.get(group, ()):
            lever = LEVERS[name]
            lock = " (locked by the scenario)" if name in self.locked else ""
            out.append(f"{lever.label}: {describe_timeline(name, self.player_timeline[name])} -> "
                       f"{describe_timeline(name, self.best_timeline[name])}{lock}")
        return out


def describe_timeline(lever: str, values: Sequence[Any]) -> str:
    """A lever's values over the quarters in words: "0.60" or "0.60 (Q1-Q4), 0.80 (Q5-Q12)"."""
    lv = LEVERS[lever]
    runs: list[tuple[Any, int, int]] = []
    for q, v in enumerate(values, start=1):
        if runs and runs[-1][0] == v:
            runs[-1] = (v, runs[-1][1], q)
        else:
            runs.append((v, q, q))
    if len(runs) == 1:
        return lv.fmt(runs[0][0])
    return ", ".join(f"{lv.fmt(v)} ({f'Q{a}' if a == b else f'Q{a}-Q{b}'})" for v, a, b in runs)


# ------------------------------------------------------------------------- Shapley values
def shapley_values(players: Sequence[str], value: Mapping[frozenset[str], float]) -> dict[str, float]:
    """Exact Shapley values of `players` under the coalition values `value`.

    Each player's value is the weighted mean, over every coalition S without it, of
    `value[S | {player}] - value[S]`, with weight |S|! (n - |S| - 1)! / n!: the average of
    its marginal contribution over every order in which players could join.

    Args:
        players: The players (groups).
        value: Every coalition of `players` (frozensets, the empty one included) -> its value.

    Returns:
        Player -> Shapley value; they add up to value[all] - value[empty].
    """
    n = len(players)
    weight = [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    out = {}
    for p in players:
        others = [q for q in players if q != p]
        total = 0.0
        for size in range(n):
            for combo in combinations(others, size):
                s = frozenset(combo)
                total += weight[size] * (value[s | {p}] - value[s])
        out[p] = total
    return out


# ------------------------------------------------------------------------- timelines
def player_timeline(model: PartnerProgramModel) -> Timeline:
    """The policy in force in each played quarter of a game (`model.policy_history`)."""
    return tuple(dict(p) for p in model.policy_history)


def best_practice_timeline(quarters: int) -> Timeline:
    """Best practice's policy in each of `quarters` quarters: best_practice.toml's, throughout
    (`sim.debrief.best_practice_model` drops the scenario's policy events)."""
    best = load_scenario("best_practice").policy.as_dict()
    return tuple(dict(best) for _ in range(quarters))


def differing_levers(player: Timeline, best: Timeline) -> dict[str, tuple[str, ...]]:
    """Group -> its levers whose timelines differ, for the groups with any (panel order)."""
    out = {}
    for group in LEVER_GROUPS:
        names = tuple(n for n, lv in LEVERS.items() if lv.group == group
                      and any(p[n] != b[n] for p, b in zip(player, best, strict=True)))
        if names:
            out[group] = names
    return out


def coalition_timeline(player: Timeline, best: Timeline, levers: Sequence[str]) -> Timeline:
    """The player's timeline with `levers` taken from best practice's, quarter by quarter."""
    return tuple({**p, **{n: b[n] for n in levers}} for p, b in zip(player, best, strict=True))


def replay_timeline(scenario: Scenario, seed: int, timeline: Timeline) -> PartnerProgramModel:
    """The scenario's world on `seed` played with `timeline`'s policy each quarter.

    The model is built as the player's game was (the scenario's starting policy, shocks kept,
    policy events dropped: their values are in the timeline), and each quarter's policy is set
    whole before the quarter runs.
    """
    return play_timeline(scenario.build_model(seed, policy_events=False), timeline)


def play_timeline(model: PartnerProgramModel, timeline: Timeline) -> PartnerProgramModel:
    """Run `model` a quarter per entry of `timeline`, setting that quarter's policy whole first."""
    for policy in timeline:
        model.set_policy(**policy)
        model.run_quarters(1)
    return model


# ------------------------------------------------------------------------- measures
def goal_clause(scenario: Scenario) -> str | None:
    """The [win] clause the goal measure reads: the first that is a number (a yes/no clause,
    such as no_program_cut, has no size to split), or None if there is none."""
    return next((k for k in scenario.win if k in WIN_CONDITIONS and WIN_CONDITIONS[k].kind != "bool"), None)


def judged_quarter(scenario: Scenario, quarters: int) -> int:
    """The quarter the goal is judged at: the scenario's, or the last played if earlier."""
    return max(1, min(scenario.at_quarter, quarters))


def measure_values(frame: pd.DataFrame, goal: str | None, judged: int) -> tuple[float, ...]:
    """A game's measures from its quarterly frame: (goal value, if any; partner revenue)."""
    revenue = float(frame[REVENUE].sum())
    if goal is None:
        return (revenue,)
    return (WIN_CONDITIONS[goal].actual(frame, judged), revenue)


@dataclass(frozen=True)
class Replay:
    """What a worker needs to replay one coalition (picklable).

    Attributes:
        coalition: The groups taken from best practice.
        scenario: The scenario (sent whole: a file may have changed since it was loaded).
        world: Names the built world (scenario and seed), so a worker builds it once.
        seed: The world's seed.
        timeline: The policy for each quarter.
        goal: The goal clause (None: no goal measure).
        judged: The quarter the goal is judged at.
    """

    coalition: frozenset[str]
    scenario: Scenario
    world: str
    seed: int
    timeline: Timeline
    goal: str | None
    judged: int


_built: dict[str, PartnerProgramModel] = {}    # a worker's last built world, before quarter 1


def run_replay(job: Replay) -> tuple[frozenset[str], tuple[float, ...]]:
    """Replay one coalition (in a worker) and return its measures.

    Every coalition starts from the same built world (the replays differ from quarter 1 on),
    so a worker builds it once and plays a copy (about 5 ms instead of 20-40 ms a build).
    """
    if job.world not in _built:
        _built.clear()
        _built[job.world] = job.scenario.build_model(job.seed, policy_events=False)
    model = copy.deepcopy(_built[job.world])
    frame = play_timeline(model, job.timeline).quarterly_frame()
    return job.coalition, measure_values(frame, job.goal, job.judged)


# ------------------------------------------------------------------------- running
def worker_context() -> Any:
    """Worker processes forked from a clean server process that imported the model once
    ("forkserver"): after the first pool they start in milliseconds, and they never inherit
    the game's window or threads. Where there is no forkserver they are spawned."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["sim.attribution"])
        return ctx
    return mp.get_context("spawn")


def start_worker_server() -> None:
    """Start the clean process that replay workers are forked from, without waiting for it
    (it imports the model: a second or more), so the first debrief's workers start at once
    instead of the window freezing while it loads. Call it when a game starts; it does
    nothing if it already runs or where workers are spawned."""
    if worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _serve(tasks: Any, results: Any) -> None:
    """A worker: replay each (job id, Replay) from `tasks` and put (job id, outcome) on
    `results`, where the outcome is (coalition, measures) or the error in words."""
    parent = mp.parent_process()
    while True:
        try:
            item = tasks.get(timeout=2.0)
        except queue.Empty:         # a parent killed outright (kill -9) never says stop: look
            if parent is not None and not parent.is_alive():
                return
            continue
        if item is None:
            return
        job_id, replay = item
        try:
            results.put((job_id, run_replay(replay)))
        except Exception as exc:      # told to the job, which reports it: one bad replay ends it
            results.put((job_id, f"{type(exc).__name__}: {exc}"))


class ReplayPool:
    """At most MAX_WORKERS worker processes that replay coalitions: replays go in through one
    queue, finished ones come back through another, which the caller drains without waiting.
    `close` terminates the workers, and so does dropping the pool (a screen left without
    being closed, the end of the program). A worker that dies is noticed (`dead`), so a job
    fails with a message instead of waiting forever.

    Args:
        workers: How many worker processes (1 to MAX_WORKERS).
    """

    def __init__(self, workers: int = MAX_WORKERS) -> None:
        ctx = worker_context()
        self._tasks = ctx.Queue()
        self._results = ctx.Queue()
        self._procs = [ctx.Process(target=_serve, args=(self._tasks, self._results), daemon=True,
                                   name=f"partnersim-replay-{i + 1}")
                       for i in range(max(1, min(MAX_WORKERS, workers)))]
        for proc in self._procs:
            proc.start()
        self._next_id = 0
        self._finalizer = weakref.finalize(self, _stop_workers, self._procs, self._tasks, self._results)

    def new_job_id(self) -> int:
        """A number that tags one job's replays (results of a cancelled job are ignored)."""
        self._next_id += 1
        return self._next_id

    def submit(self, job_id: int, replay: Replay) -> None:
        """Queue a replay for the workers."""
        self._tasks.put((job_id, replay))

    def get(self, timeout: float | None) -> tuple[int, Any] | None:
        """One finished replay (waiting up to `timeout` seconds; 0: not at all), or None."""
        try:
            if timeout == 0:
                return self._results.get_nowait()
            return self._results.get(timeout=timeout)
        except queue.Empty:
            return None

    def dead(self) -> str | None:
        """Why the pool cannot go on (a worker has stopped), or None."""
        for proc in self._procs:
            if proc.exitcode is not None:
                return f"replay worker {proc.name} stopped (exit code {proc.exitcode})"
        return None

    @property
    def workers(self) -> tuple[Any, ...]:
        """The worker processes (a benchmark reads their CPU time)."""
        return tuple(self._procs)

    def alive(self) -> int:
        """How many workers are running."""
        return sum(proc.is_alive() for proc in self._procs)

    def close(self) -> None:
        """Terminate the workers and wait for them to go."""
        self._finalizer()

    def __enter__(self) -> ReplayPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stop_workers(procs: list, tasks: Any, results: Any) -> None:
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=5)
    tasks.cancel_join_thread()     # replays never sent stay behind: do not wait on them
    tasks.close()
    results.close()


def replay_pool(workers: int = MAX_WORKERS) -> ReplayPool:
    """A pool of at most MAX_WORKERS replay workers to share between games (`partnersim
    compare`); use it in a `with` block so the workers end with it."""
    return ReplayPool(workers)


@dataclass
class _Plan:
    scenario: Scenario
    seed: int
    quarters: int
    levers: dict[str, tuple[str, ...]]
    player: Timeline
    best: Timeline
    goal: str | None
    judged: int
    coalitions: list[frozenset[str]] = field(default_factory=list)

    @cached_property
    def world(self) -> str:
        return f"{self.seed}:" + hashlib.sha1(repr(self.scenario).encode()).hexdigest()

    def job(self, coalition: frozenset[str]) -> Replay:
        swapped = [n for g in coalition for n in self.levers[g]]
        return Replay(coalition, self.scenario, self.world, self.seed, coalition_timeline(self.player, self.best, swapped),
                      self.goal, self.judged)


def _plan(scenario: Scenario, seed: int, timeline: Sequence[Mapping[str, Any]]) -> _Plan:
    player = tuple(dict(p) for p in timeline)
    if not player:
        raise AttributionError("no quarter played yet: play a quarter to see what your decisions were worth")
    best = best_practice_timeline(len(player))
    levers = differing_levers(player, best)
    groups = tuple(levers)
    plan = _Plan(scenario, seed, len(player), levers, player, best, goal_clause(scenario),
                 judged_quarter(scenario, len(player)))
    plan.coalitions = [frozenset(c) for size in range(len(groups) + 1) for c in combinations(groups, size)]
    return plan


def _attribution(plan: _Plan, values: Mapping[frozenset[str], tuple[float, ...]]) -> Attribution:
    groups = tuple(plan.levers)
    empty, full = frozenset(), frozenset(groups)
    specs: list[tuple[str, str, str, str, int, float | None]] = []
    if plan.goal is not None:
        cond = WIN_CONDITIONS[plan.goal]
        specs.append((plan.goal, f"{cond.label}, Q{plan.judged} (the goal)", "goal", cond.unit,
                      1 if cond.at_least else -1, float(plan.scenario.win[plan.goal])))
    rev = METRICS[REVENUE]
    specs.append((REVENUE, f"{rev.label}, all {plan.quarters} quarters", rev.label.lower(), rev.unit, rev.good,
                  None))
    measures = tuple(
        Measure(key, label, short, unit, good, values[empty][i], values[full][i],
                shapley_values(groups, {c: v[i] for c, v in values.items()}), target)
        for i, (key, label, short, unit, good, target) in enumerate(specs))
    names = [n for g in groups for n in plan.levers[g]]
    return Attribution(
        scenario=plan.scenario.name, seed=plan.seed, quarters=plan.quarters, groups=groups,
        levers=dict(plan.levers),
        player_timeline={n: tuple(p[n] for p in plan.player) for n in names},
        best_timeline={n: tuple(b[n] for b in plan.best) for n in names},
        locked=tuple(n for n in names if n in plan.scenario.locked),
        measures=measures, replays=len(values))


class AttributionJob:
    """`decision_values` running in worker processes; the caller polls, never waits.

    The job puts one replay per coalition on a pool of at most two worker processes and keeps
    each coalition's measures as they come back through the pool's queue, drained by `poll`.
    When the last one is in, `result` holds the `Attribution`. `cancel` (leaving the screen,
    quitting) terminates the workers.

    Args:
        scenario: The scenario played.
        seed: The world's seed.
        timeline: The player's policy in each played quarter (`player_timeline(model)`).
        workers: Worker processes (at most MAX_WORKERS).
        pool: A pool to use instead of starting one (it is left running).

    Raises:
        AttributionError: no quarter played.
    """

    def __init__(self, scenario: Scenario, seed: int, timeline: Sequence[Mapping[str, Any]],
                 workers: int = MAX_WORKERS, pool: ReplayPool | None = None) -> None:
        self._plan = _plan(scenario, seed, timeline)
        self.total = len(self._plan.coalitions)
        self.values: dict[frozenset[str], tuple[float, ...]] = {}   # each coalition's measures, once
        self.result: Attribution | None = None
        self.error: str | None = None
        self._own = pool is None
        self._pool: ReplayPool | None = pool if pool is not None else ReplayPool(min(workers, self.total))
        self._id = self._pool.new_job_id()
        for coalition in self._plan.coalitions:
            self._pool.submit(self._id, self._plan.job(coalition))

    @property
    def pool(self) -> ReplayPool | None:
        """The pool the replays run on (None once the job has finished or stopped)."""
        return self._pool

    @property
    def done(self) -> int:
        """Replays finished so far."""
        return len(self.values)

    @property
    def running(self) -> bool:
        """Still waiting for replays (not finished, failed or cancelled)."""
        return self.result is None and self.error is None and self._pool is not None

    def poll(self, timeout: float | None = 0.0) -> tuple[int, int]:
        """Take in the replays finished since the last call (waiting up to `timeout` seconds
        for the first; 0: do not wait) and return (done, total)."""
        wait = timeout
        while self.running:
            item = self._pool.get(wait)
            wait = 0
            if item is None:
                if (why := self._pool.dead()) is not None:
                    self._fail(why)
                break
            job_id, outcome = item
            if job_id != self._id:          # left over from a cancelled job on a shared pool
                continue
            if isinstance(outcome, str):
                self._fail(f"a replay failed: {outcome}")
                break
            coalition, measures = outcome
            self.values.setdefault(coalition, measures)
            if len(self.values) == self.total:
                self.result = _attribution(self._plan, self.values)
                self._close()
        return self.done, self.total

    def wait(self, progress: Callable[[int, int], Any] | None = None) -> Attribution:
        """Block until every replay is in; `progress(done, total)` after each.

        Raises:
            AttributionError: a replay or a worker failed (the message says how).
        """
        while self.running:
            before = self.done
            self.poll(timeout=1.0)
            if progress is not None and self.done != before:
                progress(self.done, self.total)
        if self.result is None:
            raise AttributionError(self.error or "the attribution was cancelled")
        return self.result

    def cancel(self) -> None:
        """Stop: terminate the workers (of a pool the job started) and drop what is not in."""
        if self.running:
            self.error = "cancelled"
        self._close()

    def _fail(self, why: str) -> None:
        self.error = why
        self._close()

    def _close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None and self._own:
            pool.close()


def decision_values(scenario: Scenario, seed: int, timeline: Sequence[Mapping[str, Any]], *,
                    workers: int = MAX_WORKERS, pool: ReplayPool | None = None,
                    progress: Callable[[int, int], Any] | None = None) -> Attribution:
    """What each group of the player's decisions was worth against best practice on the same
    world and seed (see the module docstring), computed in worker processes.

    Args:
        scenario: The scenario played.
        seed: The world's seed.
        timeline: The player's policy in each played quarter (`player_timeline(model)`).
        workers: Worker processes (at most MAX_WORKERS), when no `pool` is given.
        pool: A `replay_pool` to reuse (comparing many games).
        progress: Called with (replays done, replays in all) as replays finish.

    Raises:
        AttributionError: no quarter played, or a replay failed.
    """
    job = AttributionJob(scenario, seed, timeline, workers=workers, pool=pool)
    try:
        return job.wait(progress)
    finally:
        job.cancel()
