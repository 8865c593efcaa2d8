"""The lever atlas: what each lever does on its own, from a starting scenario, over paired seeds.

For a start (a scenario: `baseline`, `best_practice`, ...) and each lever, the *contrasts* are
the values the lever is moved to, one lever at a time (`contrasts`): a switch flipped, a choice
set to each other choice, a number set to the low and the high end of the game's slider
(`Lever.ui_range`), a value equal to the start's skipped. Each contrast and the start itself are
run on the same seeds (`Scenario.build_model(seed, policy_events=False, ...)`: scheduled
pressure is dropped so the lever is the only difference; shocks stay). The model draws its
random numbers keyed by what each draw is about (common random numbers), so a seed's contrast
run differs from its start run only where the lever reaches, and the paired differences are
tight: a handful of seeds tells a real effect from none.

Each run is read through `OUTCOMES` (each defined once, from the quarterly frame); the atlas
reports `ATLAS_OUTCOMES`: partner revenue, conflicts, partners lost, satisfaction and program
cost. An effect is the mean over seeds of (contrast - start) with a 95% t interval over
seeds (`paired_effect`); revenue and cost are relative to the start's mean, the others absolute.

At a world scale other than 1 the program grows with the world as the stylized facts grow it
(`sim.facts.scale_program`: team, partner counts and incentive budget), for the start and the
contrast alike, so "the same program in a bigger market" is compared, not a starved one; the
`value` column keeps the lever's value as given (for a scale-1 world).

Runs go to a pool of at most two worker processes (`sim.attribution.MAX_WORKERS`), started the
way the debrief's replay workers are, or run in this process with `workers=1`.

    >>> from sim.atlas import lever_atlas, atlas_markdown
    >>> df = lever_atlas(["best_practice"], seeds=20)
    >>> print(atlas_markdown(df))
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from sim import units
from sim.attribution import MAX_WORKERS, worker_context
from sim.errors import PartnersimError
from sim.facts import scale_program
from sim.limits import MAX_QUARTERS
from sim.metrics import METRICS
from sim.policy import LEVERS, Lever
from sim.scenario import Scenario, load_scenario
from sim.world import World

DEFAULT_STARTS: tuple[str, ...] = ("baseline", "best_practice")
DEFAULT_SEEDS = 20
DEFAULT_QUARTERS = 12      # the scenarios' length
CONFIDENCE = 0.95


class AtlasError(PartnersimError):
    """Atlas settings that cannot be run (too few seeds, a bad scale); the message says which."""


# ------------------------------------------------------------------------- outcomes
@dataclass(frozen=True)
class Outcome:
    """One number read off a run's quarterly frame.

    Attributes:
        name: The outcome's key.
        label: Its name in a table header.
        metric: The `METRICS` column it reads (its unit and good direction are the metric's).
        read: How the column becomes one number: "sum" over the run, "last" quarter's value,
            "at" quarter `quarter`'s value, or "abs_mean_from" (mean absolute value from quarter
            `quarter` on, for a signed error whose first quarters swing widely).
        relative: Report effects relative to the start's mean (money), or absolute.
        quarter: The quarter "at" and "abs_mean_from" read from.
    """

    name: str
    label: str
    metric: str
    read: str
    relative: bool = False
    quarter: int = 1

    def value(self, frame: pd.DataFrame) -> float:
        """This outcome of one run."""
        col = frame[self.metric]
        if self.read == "sum":
            return float(col.sum())
        if self.read == "last":
            return float(col.iloc[-1])
        if self.read == "at":           # NaN when the run is shorter
            at = col[frame["quarter"] == self.quarter]
            return float(at.iloc[0]) if len(at) else math.nan
        if self.read == "abs_mean_from":
            return float(col[frame["quarter"] >= self.quarter].abs().mean())   # NaN when shorter
        raise ValueError(f"outcome {self.name!r}: unknown read {self.read!r}")

    @property
    def unit(self) -> str:
        """The unit a value of this outcome reads in (its metric's)."""
        return METRICS[self.metric].unit

    @property
    def good(self) -> int:
        """+1 if more is better for the program, -1 if less is (its metric's)."""
        if self.read == "abs_mean_from":     # a smaller error is better, whatever its sign
            return -1
        return METRICS[self.metric].good

    @property
    def effect_unit(self) -> str:
        """The unit an effect reads in: "ratio" (+12.3%) when relative, else the value's."""
        return "ratio" if self.relative else self.unit

    def fmt_effect(self, d: float) -> str:
        """An effect as a person reads it: +12.3% (relative), +3.5 (count), +0.021 (score)."""
        if not math.isfinite(d):
            return "n/a"
        if self.relative:
            return units.fmt("ratio", d, extra=1)
        return units.fmt_change(self.unit, d, extra=1)


_O = Outcome
OUTCOMES: dict[str, Outcome] = {o.name: o for o in (
    _O("partner_revenue", "Partner revenue", "revenue_partner", "sum", relative=True),
    _O("conflicts", "Conflicts", "conflicts", "sum"),
    _O("partners_lost", "Partners lost", "partners_churned", "sum"),
    _O("satisfaction", "Satisfaction (last Q)", "partner_satisfaction_mean", "last"),
    _O("program_cost", "Program cost", "partner_program_cost", "sum", relative=True),
    # read by claims about something other than the five above (sim.claims)
    _O("forecast_error_partner", "Partner forecast error (mean |error|, Q5 on)", "forecast_error_partner",
       "abs_mean_from", quarter=5),
    _O("partner_capability_q4", "Partner capability, Q4", "partner_capability_mean", "at", quarter=4),
    _O("partner_mindshare", "Partner mindshare (last Q)", "partner_mindshare_mean", "last"),
    _O("revenue_total", "Total revenue", "revenue_total", "sum", relative=True),
)}
"""Every outcome a run is read for: the atlas's five and those the claim table reads."""

ATLAS_OUTCOMES: tuple[str, ...] = ("partner_revenue", "conflicts", "partners_lost", "satisfaction", "program_cost")
"""The outcomes the atlas reports, in its columns' order."""


# ------------------------------------------------------------------------- contrasts
def contrasts(policy: Mapping[str, Any], levers: Iterable[str] | None = None) -> list[tuple[str, Any]]:
    """Every one-lever change the atlas makes from a start's `policy`, as (lever, value).

    A switch is flipped; a choice is set to each other choice; a number is set to the low and
    the high end of the game's slider (`Lever.ui_range`), skipping an end equal to the start's
    value: those are the moves a player can make, so they bound what a player can see.

    Args:
        policy: The start's lever values (`Scenario.policy.as_dict()`).
        levers: Which levers (default: all, in `LEVERS` order).
    """
    out: list[tuple[str, Any]] = []
    for name in LEVERS if levers is None else levers:
        lever = LEVERS[name]
        now = policy[name]
        if lever.kind == "bool":
            values: list[Any] = [not now]
        elif lever.kind == "choice":
            values = [c for c in lever.choices if c != now]
        else:
            low, high, _ = lever.ui_range
            ends = [int(v) if lever.kind == "int" else float(v) for v in (low, high)]
            values = [v for i, v in enumerate(ends) if v != now and v not in ends[:i]]
        out.extend((name, v) for v in values)
    return out


# ------------------------------------------------------------------------- interval arithmetic
@dataclass(frozen=True)
class Effect:
    """A paired effect: the mean over seeds of (contrast - start) and its 95% t interval.

    Attributes:
        mean: The mean paired difference (relative to `base` if `relative`).
        low: The interval's lower end.
        high: The interval's upper end.
        n: Seeds.
        base: The start's mean outcome over the same seeds.
        relative: Whether mean, low and high are fractions of `base`.
    """

    mean: float
    low: float
    high: float
    n: int
    base: float
    relative: bool = False

    @property
    def sign(self) -> int:
        """+1 or -1 if the interval excludes zero on that side, 0 if it holds zero."""
        if self.low > 0:
            return 1
        if self.high < 0:
            return -1
        return 0


def t_interval(diffs: Sequence[float], confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """(mean, low, high): the mean of `diffs` and its two-sided t interval.

    With identical differences (a lever that changes nothing on these seeds) the interval is
    the mean itself; with one difference there is no interval (NaN ends).
    """
    from scipy import stats

    d = np.asarray(diffs, dtype=float)
    n = len(d)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(d.mean())
    if n < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * d.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half


def paired_effect(start: Sequence[float], contrast: Sequence[float], relative: bool = False) -> Effect:
    """The effect of a contrast over paired seeds (`start[i]` and `contrast[i]` share seed i).

    Relative effects divide the mean difference and its interval by the start's mean (the
    denominator's own spread is left out: it changes the interval's width a little, never its
    sign). A start mean of zero makes a relative effect undefined (NaN).
    """
    a = np.asarray(start, dtype=float)
    b = np.asarray(contrast, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired runs differ in number: {len(a)} start vs {len(b)} contrast")
    mean, low, high = t_interval(b - a)
    base = float(a.mean()) if len(a) else math.nan
    if relative:
        scale = abs(base) if base else math.nan
        mean, low, high = mean / scale, low / scale, high / scale
    return Effect(mean, low, high, len(a), base, relative)


# ------------------------------------------------------------------------- running
Levers = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Run:
    """One run (picklable, hashable): a start, the levers moved from it, a seed, a length, a
    world scale and other world settings moved from the start's (`sim.world`)."""

    start: str
    levers: Levers
    seed: int
    quarters: int
    scale: float
    world: Levers = ()


@cache
def _scenario(name: str) -> Scenario:
    return load_scenario(name)


def arm(start: str, **levers: Any) -> Levers:
    """The levers of a run from `start`, without those equal to the start's own values (so a
    contrast that sets a lever to its start value is the start run itself, run once)."""
    policy = _scenario(start).policy.as_dict()
    unknown = [k for k in levers if k not in LEVERS]
    if unknown:
        raise AtlasError(f"unknown lever '{unknown[0]}' (levers: {', '.join(LEVERS)})")
    checked = {k: LEVERS[k].check(v) for k, v in levers.items()}
    return tuple(sorted((k, v) for k, v in checked.items() if policy[k] != v))


def run_one(run: Run) -> dict[str, float]:
    """Play one run and read every outcome of `OUTCOMES` off its quarterly frame."""
    scenario = _scenario(run.start)
    levers = {**scenario.policy.as_dict(), **dict(run.levers)}
    if run.scale != 1.0:
        levers = scale_program(levers, run.scale)
    model = scenario.build_model(run.seed, policy_events=False, world_scale=run.scale, **dict(run.world), **levers)
    model.run_quarters(run.quarters)
    frame = model.quarterly_frame()
    return {name: o.value(frame) for name, o in OUTCOMES.items()}


def check_settings(seeds: int, quarters: int, scale: float, workers: int) -> None:
    """Raise AtlasError (or WorldError for the scale) naming a setting that cannot be run."""
    if seeds < 2:
        raise AtlasError(f"seeds {seeds}: an interval needs at least 2 seeds (allowed: 2 or more)")
    if not 1 <= quarters <= MAX_QUARTERS:
        raise AtlasError(f"quarters {quarters} is not allowed (allowed: 1 to {MAX_QUARTERS})")
    World(world_scale=scale)
    if not 1 <= workers <= MAX_WORKERS:
        raise AtlasError(f"workers {workers} is not allowed (allowed: 1 to {MAX_WORKERS})")


def run_arms(arms: Iterable[tuple[str, Levers]], seeds: int, quarters: int = DEFAULT_QUARTERS,
             scale: float = 1.0, workers: int = MAX_WORKERS,
             progress: Callable[[int, int], Any] | None = None,
             world: Mapping[str, Any] | None = None) -> dict[tuple[str, Levers], pd.DataFrame]:
    """Run each arm (start, levers) on seeds 0..seeds-1; return arm -> one row per seed (index:
    seed), one column per outcome. Each distinct arm is run once, whoever asks for it.

    Args:
        arms: (start scenario, levers moved from it) pairs; build the levers with `arm`.
        seeds: Paired seeds 0..seeds-1.
        quarters: Quarters per run.
        scale: World scale (the program grows with it, see the module docstring).
        workers: Worker processes (1: in this process; at most MAX_WORKERS).
        progress: Called with (runs done, runs in all) as runs finish.
        world: World settings for every run besides the scale (e.g. the pool's `reseller_share`).
    """
    wanted = list(dict.fromkeys(arms))
    settings = tuple(sorted((world or {}).items()))
    runs = [Run(start, levers, seed, quarters, float(scale), settings)
            for start, levers in wanted for seed in range(seeds)]
    results: dict[Run, dict[str, float]] = {}
    if workers <= 1:
        for run in runs:
            results[run] = run_one(run)
            if progress is not None:
                progress(len(results), len(runs))
    else:
        pool = ProcessPoolExecutor(min(workers, MAX_WORKERS), mp_context=worker_context())
        try:
            futures = {pool.submit(run_one, run): run for run in runs}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if progress is not None:
                    progress(len(results), len(runs))
        finally:        # interrupted or failed: drop the runs not started instead of playing them all
            pool.shutdown(wait=True, cancel_futures=True)
    return {a: pd.DataFrame([results[Run(*a, s, quarters, float(scale), settings)] for s in range(seeds)],
                            index=pd.RangeIndex(seeds, name="seed"))
            for a in wanted}


def stderr_progress(label: str) -> Callable[[int, int], None]:
    """A progress callback writing "label: done/total runs" to stderr, on one line."""
    shown = [-1]

    def show(done: int, total: int) -> None:
        step = done * 50 // max(1, total)          # at most ~50 updates (a log file stays short)
        if step == shown[0] and done != total:
            return
        shown[0] = step
        end = "\n" if done == total else ""
        print(f"\r{label}: {done}/{total} runs", end=end, file=sys.stderr, flush=True)
    return show


# ------------------------------------------------------------------------- the atlas
ATLAS_COLUMNS = ("start", "lever", "from_value", "value", "outcome", "mean", "low", "high", "n",
                 "relative", "start_mean", "scale", "quarters")


def lever_atlas(starts: Sequence[str] = DEFAULT_STARTS, seeds: int = DEFAULT_SEEDS,
                quarters: int = DEFAULT_QUARTERS, scale: float = 1.0, workers: int = MAX_WORKERS,
                levers: Iterable[str] | None = None, outcomes: Sequence[str] = ATLAS_OUTCOMES,
                progress: bool = True) -> pd.DataFrame:
    """Every lever's effect, one at a time, from each start, over paired seeds.

    Args:
        starts: Scenario names (or paths) to start from.
        seeds: Paired seeds 0..seeds-1 (at least 2).
        quarters: Quarters per run.
        scale: World scale.
        workers: Worker processes (1 to MAX_WORKERS; 1 runs here).
        levers: Which levers (default: all).
        outcomes: Which `OUTCOMES` to report.
        progress: Write a progress line to stderr.

    Returns:
        One row per (start, lever, value, outcome): `ATLAS_COLUMNS`. `from_value` and `value`
        are the lever's values as files and the CLI write them (`true`, `new_markets_only`,
        `0.05`); `mean`, `low` and `high` are fractions of `start_mean` where `relative`.

    Raises:
        AtlasError, WorldError, ScenarioError: a setting or start that cannot be run.
    """
    check_settings(seeds, quarters, scale, workers)
    unknown = [o for o in outcomes if o not in OUTCOMES]
    if unknown:
        raise AtlasError(f"unknown outcome '{unknown[0]}' (allowed: {', '.join(OUTCOMES)})")
    plan: list[tuple[str, str, Any, Levers]] = []
    for start in starts:
        policy = _scenario(start).policy.as_dict()
        plan.append((start, "", None, ()))
        plan.extend((start, name, value, arm(start, **{name: value})) for name, value in contrasts(policy, levers))
    label = f"lever atlas ({', '.join(starts)}; {seeds} seeds, scale {scale:g})"
    frames = run_arms([(s, lv) for s, _, _, lv in plan], seeds, quarters, scale, workers,
                      stderr_progress(label) if progress else None)
    rows = []
    for start, name, value, lv in plan:
        if not name:
            continue
        base, other = frames[(start, ())], frames[(start, lv)]
        for key in outcomes:
            o = OUTCOMES[key]
            e = paired_effect(base[key], other[key], o.relative)
            rows.append({"start": start, "lever": name, "from_value": file_value(_scenario(start).policy.as_dict()[name]),
                         "value": file_value(value), "outcome": key, "mean": e.mean, "low": e.low, "high": e.high,
                         "n": e.n, "relative": o.relative, "start_mean": e.base, "scale": float(scale),
                         "quarters": quarters})
    return pd.DataFrame(rows, columns=list(ATLAS_COLUMNS))


def file_value(value: Any) -> str:
    """A lever value as files and the CLI write it: true, new_markets_only, 0.05, 4."""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def lever_value(name: str, text: str) -> Any:
    """A lever value back from its `file_value` text."""
    return LEVERS[name].parse(text)


# ------------------------------------------------------------------------- tables
def _cell(o: Outcome, mean: float, low: float, high: float, bold: str) -> str:
    text = f"{o.fmt_effect(mean)} ({o.fmt_effect(low)} to {o.fmt_effect(high)})"
    clear = math.isfinite(low) and math.isfinite(high) and (low > 0 or high < 0)
    return f"{bold}{text}{bold}" if clear and bold else text


def _rows(df: pd.DataFrame, bold: str) -> tuple[list[str], list[list[str]]]:
    outcomes = list(dict.fromkeys(df["outcome"]))
    header = ["From", "Lever", "Change", *(OUTCOMES[o].label for o in outcomes)]
    body = []
    for (start, name, from_value, value), g in df.groupby(["start", "lever", "from_value", "value"], sort=False):
        lever: Lever = LEVERS[name]
        change = f"{lever.fmt(lever_value(name, from_value))} → {lever.fmt(lever_value(name, value))}"
        by = g.set_index("outcome")
        body.append([start, lever.label, change,
                     *(_cell(OUTCOMES[o], *by.loc[o, ["mean", "low", "high"]], bold) for o in outcomes)])
    return header, body


def atlas_markdown(df: pd.DataFrame) -> str:
    """The atlas as the Markdown table docs/model.md carries: one row per start, lever and
    value; each cell the mean effect and its 95% interval, in bold where the interval
    excludes zero."""
    header, body = _rows(df, "**")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def atlas_text(df: pd.DataFrame) -> str:
    """The atlas as an aligned plain-text table for a terminal (effects whose interval
    excludes zero marked with *)."""
    header, body = _rows(df, "*")
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in [header, *body])


def atlas_caption(df: pd.DataFrame) -> str:
    """One sentence saying what the table's figures are (seeds, scale, quarters)."""
    if df.empty:
        return "No contrasts."
    n, scale, quarters = int(df["n"].iloc[0]), float(df["scale"].iloc[0]), int(df["quarters"].iloc[0])
    rel = ", ".join(OUTCOMES[o].label.lower() for o in dict.fromkeys(df.loc[df["relative"], "outcome"]))
    return (f"Mean paired effect of moving one lever (contrast − start) over seeds 0–{n - 1}, "
            f"{quarters} quarters, world scale {scale:g}, scheduled pressure off; "
            f"95% t interval in parentheses; {rel or 'no outcome'} relative to the start, the rest absolute.")
