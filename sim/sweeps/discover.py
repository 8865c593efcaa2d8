"""Scenario discovery: the boxes of inputs where a sweep's outcome falls below (or above) a
threshold, found by PRIM (the EMA Workbench's `ema_workbench.analysis.prim`).

A researcher asks "under which market conditions does the program fail?": each run of a sweep
is a case, of interest when its outcome is below the threshold (`above=True`: above it). PRIM
peels thin slices off the box of all runs, one input at a time, keeping the slice whose removal
raises the share of cases of interest inside most, until the box is small; it then pastes back
what helps. Each box on this peeling trajectory trades *coverage* (the share of all cases of
interest it holds) against *density* (the share of the runs it holds that are of interest);
*mass* is the share of all runs it holds. The step reported is, among those whose density
reaches `min_density` (default 0.8, after Bryant and Lempert 2010), the best trade-off: the
largest coverage + density. It reads "in this region the program fails at least 80% of the
time, and 9 in 10 of its failures are here". A restriction PRIM peeled by chance (its
quasi-p value above 0.05: dropping it would not lower the density significantly) is then
dropped, weakest first, as long as the box stays that dense, so the box names only inputs that
matter. Further boxes (`boxes=N`) are sought among the runs the earlier boxes leave out.

Inputs are the levers and uncertainties (world settings) the sweep varied, read from the
results folder's metadata (`sim.sweeps.store.input_columns`); numbers are ranges, choices and
switches are sets of allowed values (PRIM peels one value at a time). The outcome of a run is
read as `partnersim analyze` reads it (`sim.sweeps.analysis.run_outcomes`): the metric's mean
over the four quarters ending at the chosen quarter.

The EMA Workbench is an optional extra: `pip install 'partnersim[ema]'`.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import units
from sim.errors import PartnersimError
from sim.metrics import METRIC_COLUMNS, METRICS
from sim.policy import LEVERS
from sim.sweeps.analysis import _varied, load_results, run_outcomes
from sim.sweeps.runner import CLASH_SUFFIX
from sim.sweeps.store import ResultStore, input_columns
from sim.world import WORLD_SETTINGS

INSTALL = "pip install 'partnersim[ema]' (ema_workbench 2.5.x on Python 3.11, 3.x on 3.12+)"
MIN_DENSITY = 0.8     # Bryant & Lempert (2010): a box where cases of interest are the rule
MASS_MIN = 0.05       # EMA's default: no box smaller than 5% of the runs
PEEL_ALPHA = 0.05     # EMA's default: peel 5% of the box's runs at a time
WEAK_QP = 0.05       # a restriction's quasi-p above this: likely peeled by chance
SHOWN_STEPS = 16      # trajectory rows printed per box (the plot shows every step)


class DiscoverError(PartnersimError):
    """Results or options discovery cannot use; the message names the thing and what is allowed."""


@dataclass(frozen=True)
class Limit:
    """One input a box restricts.

    Attributes:
        name: The lever or world setting.
        kind: "lever" or "uncertainty".
        low, high: The box's range of a numeric input (None for a choice or switch).
        values: The values a choice or switch may take in the box (() for a numeric input).
        full: The input's range over all runs, (low, high), or every value it took.
        qp: Quasi-p value of the restriction (Bryant & Lempert 2010): the chance of a box this
            dense if the restriction were dropped; small is significant (-1 when undefined).
    """

    name: str
    kind: str
    low: float | None
    high: float | None
    values: tuple[Any, ...]
    full: tuple[Any, ...]
    qp: float

    def text(self) -> str:
        """The restriction in words: "at most 0.79", "0.4 to 0.9", "competing"."""
        if self.values:
            return ", ".join(str(v) for v in self.values)
        if self.high is not None and self.low is not None and self.low > self.full[0] and self.high < self.full[1]:
            return f"{fmt_input(self.name, self.low)} to {fmt_input(self.name, self.high)}"
        if self.high is not None and self.high < self.full[1]:
            return f"at most {fmt_input(self.name, self.high)}"
        return f"at least {fmt_input(self.name, self.low)}"

    def full_text(self) -> str:
        """The input's range over all runs, in the same words."""
        if self.values:
            return ", ".join(str(v) for v in self.full)
        return f"{fmt_input(self.name, self.full[0])} to {fmt_input(self.name, self.full[1])}"


@dataclass(frozen=True)
class Box:
    """A box PRIM found, at the step of its peeling trajectory that was chosen.

    Attributes:
        number: 1 for the first box, 2 for the one found among the runs the first leaves out, ...
        step: The chosen step of `trajectory`.
        coverage: Share of all runs of interest inside the box.
        density: Share of the runs inside the box that are of interest.
        mass: Share of all runs inside the box.
        n: Runs inside the box.
        k: Runs of interest inside the box.
        limits: The inputs it restricts; an input not listed may take any value.
        trajectory: Every step: coverage, density, mass, res_dim (inputs restricted), n, k.
        reaches: Whether the box's density reaches the minimum asked for (else it is the
            densest box on the trajectory, reported so the reader sees how far it falls short).
        dropped: Restrictions PRIM had peeled that were then dropped as not significant (each
            drop is a step of `trajectory`, after the peeling and pasting).
    """

    number: int
    step: int
    coverage: float
    density: float
    mass: float
    n: int
    k: int
    limits: tuple[Limit, ...]
    trajectory: pd.DataFrame
    reaches: bool
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Discovery:
    """What `discover` found: the question, the runs, and the boxes."""

    outcome: str
    threshold: float
    above: bool
    runs: int
    of_interest: int
    inputs: dict[str, str]
    min_density: float
    boxes: tuple[Box, ...]
    asked: int = 1

    def question(self) -> str:
        """The cases of interest in words: "partner_share below 15%"."""
        return f"{self.outcome} {'above' if self.above else 'below'} {fmt_outcome(self.outcome, self.threshold)}"


# ----------------------------------------------------------------------------- formatting
def fmt_input(name: str, value: Any) -> str:
    """A value of a lever or world setting as `sim.units` writes its unit (a share's limit with
    a decimal more: 23.7%); a world setting has no unit: whole ones as counts, others to 3
    significant digits."""
    lever = LEVERS.get(name)
    if lever is not None and lever.unit != "text":
        return units.fmt(lever.unit, value, extra=1 if lever.unit == "share" else 0)
    setting = WORLD_SETTINGS.get(name)
    if setting is not None and setting.kind == "int":
        return units.count(value)
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return f"{float(value):.3g}"
    return str(value)


def fmt_outcome(outcome: str, value: float) -> str:
    """A value of the outcome in its metric's unit, with the fewest decimals that read the
    number itself (0.15 -> "15%", 0.125 -> "12.5%")."""
    metric = METRICS.get(outcome.removesuffix(CLASH_SUFFIX))
    if metric is None or metric.unit not in ("money", "share", "count", "score"):
        return f"{value:.4g}"
    shown = units.fmt(metric.unit, value)
    for extra in range(5):
        shown = units.fmt(metric.unit, value, extra=extra)
        if abs(units.value_of(shown) - value) <= 1e-9 * max(1.0, abs(value)):
            break
    return shown


# ----------------------------------------------------------------------------- PRIM
def prim_module() -> Any:
    """The EMA Workbench's PRIM module.

    Raises:
        DiscoverError: the EMA Workbench is not installed, saying how to install it.
    """
    try:
        with warnings.catch_warnings():     # its import warns about optional parallel back-ends
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import prim
    except ImportError:
        raise DiscoverError(f"discover needs the EMA Workbench's PRIM: {INSTALL}") from None
    return prim


def _as_cases(runs: pd.DataFrame, inputs: list[str]) -> pd.DataFrame:
    """The inputs as PRIM reads them: numbers as float columns, switches as "true" / "false"
    and choices as strings (PRIM treats every non-number as a category)."""
    x = pd.DataFrame(index=range(len(runs)))
    for name in inputs:
        col = runs[name].reset_index(drop=True)
        if col.dtype == bool or (col.dtype == object and col.map(type).eq(bool).all()):
            x[name] = col.map({True: "true", False: "false"}).astype(object)
        elif pd.api.types.is_numeric_dtype(col):
            # whole numbers go in as floats too: EMA 2.5's pasting writes a float limit into an
            # int column, which pandas 3 refuses; `_limits` rounds their limits back inwards
            x[name] = col.astype(np.float64)
        else:
            x[name] = col.astype(str).astype(object)
    return x


def _ordered(name: str, values: set[Any]) -> tuple[Any, ...]:
    """A choice's or switch's values in the lever's own order (else sorted)."""
    lever = LEVERS.get(name)
    order = [str(v).lower() if isinstance(v, bool) else str(v) for v in (lever.choices or (True, False))] \
        if lever is not None and lever.kind in ("choice", "bool") else []
    return tuple(sorted(values, key=lambda v: (order.index(v) if v in order else len(order), str(v))))


def _limits(box: Any, step: int, kinds: dict[str, str], whole: set[str]) -> tuple[Limit, ...]:
    """The inputs the box restricts at `step`, most significant first (`whole`: inputs whose
    values are whole numbers, whose limits are rounded inwards to the values they admit)."""
    lims, init = box.box_lims[step], box.box_lims[0]
    qp = (box.qp if hasattr(box, "qp") else box.p_values)[step]   # renamed p_values in ema_workbench 3
    out = []
    for name in lims.columns:
        low, high = lims[name].iloc[0], lims[name].iloc[1]
        f_low, f_high = init[name].iloc[0], init[name].iloc[1]
        if isinstance(low, (set, frozenset)):
            if set(low) == set(f_low):
                continue
            limit = Limit(name, kinds.get(name, "input"), None, None, _ordered(name, set(low)),
                          _ordered(name, set(f_low)), _qp(qp.get(name)))
        else:
            if low == f_low and high == f_high:
                continue
            if name in whole:
                low, high = float(np.ceil(low)), float(np.floor(high))
            limit = Limit(name, kinds.get(name, "input"), float(low), float(high), (),
                          (float(f_low), float(f_high)), _qp(qp.get(name)))
        out.append(limit)
    return tuple(sorted(out, key=lambda lim: (lim.qp < 0, lim.qp)))


def _qp(values: Any) -> float:
    """The smaller defined quasi-p value of a restriction's two sides (-1 when neither is)."""
    defined = [float(v) for v in (values or []) if v is not None and float(v) >= 0]
    return min(defined) if defined else -1.0


def _choose(trajectory: pd.DataFrame, min_density: float) -> tuple[int, bool]:
    """The step to report: among those with density >= min_density, the best trade-off, the
    largest coverage + density (fewer restricted inputs, then more coverage, among equals);
    if no step is that dense, the densest. Returns the step and whether it reaches min_density."""
    t = trajectory.reset_index(drop=True).assign(score=lambda d: d["coverage"] + d["density"])
    ok = t[t["density"] >= min_density - 1e-12]
    if ok.empty:
        return int(t.sort_values(["density", "coverage"], ascending=False).index[0]), False
    best = ok.assign(score=ok["score"].round(9)).sort_values(["score", "res_dim", "coverage"],
                                                             ascending=[False, True, False]).index[0]
    return int(best), True


def _trajectory(box: Any) -> pd.DataFrame:
    """A PRIM box's trajectory: coverage, density, mass, res_dim, n, k per step."""
    t = box.peeling_trajectory[["coverage", "density", "mass", "res_dim", "n", "k"]].reset_index(drop=True)
    return t.astype({"res_dim": int, "n": int, "k": int})


def _drop_weak(box: Any, step: int, floor: float, kinds: dict[str, str],
               whole: set[str]) -> tuple[int, tuple[str, ...], dict[int, str]]:
    """Drop the box's restrictions that do not matter, weakest first: those with a quasi-p
    above WEAK_QP, as long as the density stays at least `floor` (Bryant & Lempert 2010: a box
    is read by people, and each restriction peeled by chance is one more thing to explain).
    Each drop is a new step of the trajectory (EMA's `drop_restriction`).

    Returns:
        The step that is the box now, the inputs dropped, and a note for each step added.
    """
    dropped: list[str] = []
    notes: dict[int, str] = {}
    while True:
        limits = _limits(box, step, kinds, whole)
        weak = sorted((lim for lim in limits if lim.qp > WEAK_QP), key=lambda lim: -lim.qp)
        if not weak or len(limits) == 1:
            return step, tuple(dropped), notes
        box.drop_restriction(weak[0].name)           # appended to the trajectory, and selected
        new = len(box.peeling_trajectory) - 1
        if float(box.peeling_trajectory["density"].iloc[new]) < floor - 1e-12:
            box.select(step)                         # it mattered for the density after all
            notes[new] = f"without {weak[0].name}: below the density asked, kept"
            return step, tuple(dropped), notes
        notes[new] = f"{weak[0].name} dropped (quasi-p {weak[0].qp:.2g})"
        step = new
        dropped.append(weak[0].name)


def _find_boxes(prim: Any, x: pd.DataFrame, y: np.ndarray, inputs: dict[str, str], whole: set[str],
                boxes: int, min_density: float, mass_min: float, peel_alpha: float) -> list[Box]:
    """Run PRIM for up to `boxes` boxes; stop early when no case of interest is left outside
    the boxes or a box falls short of `min_density` (the first is kept even so: the densest
    step, so the reader sees how far it falls short)."""
    # binary mode: y is 1 for a case of interest (the density asked for is applied when choosing a
    # step). The EMA Workbench 3.x Prim is binary only; 2.5.x asks for a threshold, and a tiny one
    # counts exactly the cases of interest and keeps every box PRIM finds.
    if hasattr(prim, "ABOVE"):
        p = prim.Prim(x, y, threshold=1e-9, threshold_type=prim.ABOVE, peel_alpha=peel_alpha, mass_min=mass_min)
    else:
        p = prim.Prim(x, y, peel_alpha=peel_alpha, mass_min=mass_min)
    found: list[Box] = []
    remaining = int(y.sum())
    while len(found) < boxes and remaining > 0:
        box = p.find_box()
        if box is None or len(box.peeling_trajectory) < 2:
            break
        t = _trajectory(box)
        step, reaches = _choose(t, min_density)
        if found and not reaches:       # a later box only counts when it is as dense as asked
            break
        box.select(step)
        step, dropped, notes = _drop_weak(box, step, min_density if reaches else 0.0, inputs, whole)
        t = _trajectory(box)
        t["note"] = [notes.get(i, "") for i in range(len(t))]
        row = t.iloc[step]
        found.append(Box(len(found) + 1, step, float(row["coverage"]), float(row["density"]),
                         float(row["mass"]), int(row["n"]), int(row["k"]), _limits(box, step, inputs, whole), t,
                         reaches, dropped))
        remaining -= int(row["k"])
        if not reaches:
            break
    return found


def discover(runs: pd.DataFrame, outcome: str, threshold: float, *, above: bool = False,
             inputs: dict[str, str] | None = None, boxes: int = 1, min_density: float = MIN_DENSITY,
             mass_min: float = MASS_MIN, peel_alpha: float = PEEL_ALPHA) -> Discovery:
    """Find the boxes of inputs where `outcome` falls below `threshold` (or above, `above=True`).

    Args:
        runs: One row per run: the inputs and the outcome.
        outcome: The outcome column.
        threshold: A run is of interest when its outcome is strictly below it (above: strictly above).
        above: Look for runs above the threshold instead.
        inputs: The input columns, each with its kind ("lever" or "uncertainty"); default: every
            lever and world-setting column of `runs` that takes more than one value.
        boxes: How many boxes to seek, each among the runs the earlier ones leave out; fewer are
            returned when no runs of interest remain or a box falls short of `min_density`.
        min_density: The density a reported box must reach (the best trade-off among steps that do).
        mass_min: The smallest box PRIM peels down to, as a share of all runs.
        peel_alpha: The share of a box's runs PRIM peels off at a step.

    Raises:
        DiscoverError: an input or the outcome is not a column, no input varies, the threshold
            selects no run or every run, or the EMA Workbench is missing.
    """
    if inputs is None:
        inputs = {name: "lever" for name in LEVERS if name in runs.columns}
        inputs.update({name: "uncertainty" for name in WORLD_SETTINGS if name in runs.columns})
    if not np.isfinite(threshold):
        raise DiscoverError(f"--threshold {threshold} is not allowed (allowed: a finite number, in the outcome's "
                            f"own terms: 0.15 for a 15% share)")
    missing = [name for name in [*inputs, outcome] if name not in runs.columns]
    if missing:
        raise DiscoverError(f"the runs have no column {', '.join(map(repr, missing))} "
                            f"(columns: {', '.join(map(str, runs.columns))})")
    inputs = {name: kind for name, kind in inputs.items() if runs[name].nunique(dropna=False) > 1}
    if not inputs:
        raise DiscoverError("the results vary no lever or world setting, so there is nothing to discover")
    y = (runs[outcome] > threshold) if above else (runs[outcome] < threshold)
    k = int(y.sum())
    if k in (0, len(runs)):
        which = "no run" if k == 0 else "every run"
        lo, hi = fmt_outcome(outcome, float(runs[outcome].min())), fmt_outcome(outcome, float(runs[outcome].max()))
        raise DiscoverError(f"--threshold {fmt_outcome(outcome, threshold)} selects {which} "
                            f"({outcome} {'above' if above else 'below'} it in {k} of {len(runs)} runs; "
                            f"it ranges from {lo} to {hi}): choose a threshold inside that range")
    prim = prim_module()
    x = _as_cases(runs, list(inputs))
    with warnings.catch_warnings():     # pandas deprecations inside the EMA Workbench, not ours
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        whole = {n for n in inputs if pd.api.types.is_integer_dtype(runs[n]) and runs[n].dtype != bool}
        found = _find_boxes(prim, x, y.to_numpy().astype(int), inputs, whole, boxes, min_density, mass_min,
                            peel_alpha)
    return Discovery(outcome, float(threshold), above, len(runs), k, dict(inputs), min_density, tuple(found), boxes)


# ----------------------------------------------------------------------------- results folders
def results_runs(folder: str | os.PathLike, outcome: str,
                 quarter: int | None = None) -> tuple[pd.DataFrame, dict[str, str], str]:
    """One row per successful run of a results folder: its inputs and its outcome (read as
    `partnersim analyze` reads it), the inputs with their kinds, and a line saying what the
    outcome is and how many runs failed.

    Raises:
        DiscoverError: an unknown outcome, a quarter outside the runs, or every run failed.
        AnalysisError: no results in the folder, or metadata that cannot be read.
    """
    df, spec = load_results(folder)
    metrics = [c for c in df.columns if c != "quarter" and c not in LEVERS and c not in WORLD_SETTINGS
               and c.removesuffix(CLASH_SUFFIX) in METRIC_COLUMNS]
    if outcome not in metrics:
        raise DiscoverError(f"--outcome {outcome!r} is not a metric of these results (allowed: {', '.join(metrics)})")
    ok = df[df["error"] == ""]
    if ok.empty:
        raise DiscoverError(f"{folder}: every run failed; see the 'error' column")
    last = int(ok["quarter"].max())
    if quarter is not None and not 1 <= quarter <= last:
        raise DiscoverError(f"--quarter {quarter} is not allowed (allowed: 1 to {last})")
    levers, uncertainties = input_columns(ResultStore(folder).meta()) if spec is not None else ([], [])
    if not levers and not uncertainties:
        levers, uncertainties = _varied(df)
    kinds = {**{name: "lever" for name in levers}, **{name: "uncertainty" for name in uncertainties}}
    runs = run_outcomes(df, outcome, quarter)
    firsts = ok.drop_duplicates("run_id").set_index("run_id")[list(kinds)]
    runs = runs.join(firsts, on="run_id")
    missing = int(runs[outcome].isna().sum())
    runs = runs.dropna(subset=[outcome]).reset_index(drop=True)
    q = quarter or last
    failed = df.loc[df["error"] != "", "run_id"].nunique()
    note = (f"{folder}: {len(runs)} runs ({failed} failed{f', {missing} without a value' if missing else ''}); "
            f"outcome {outcome}: its mean over quarters {max(1, q - 3)}-{q}")
    return runs, kinds, note


def discover_results(folder: str | os.PathLike, outcome: str, threshold: float, *, above: bool = False,
                     quarter: int | None = None, plot: str | os.PathLike | None = None, boxes: int = 1,
                     min_density: float = MIN_DENSITY) -> tuple[Discovery, str]:
    """The `partnersim discover` report: the runs, each box's peeling trajectory and limits,
    and the trade-off plot written to `plot` (default: RESULTS-discover.png beside the results).

    Raises:
        DiscoverError, AnalysisError: inputs discovery cannot use (see `results_runs`, `discover`).
    """
    runs, kinds, note = results_runs(folder, outcome, quarter)
    found = discover(runs, outcome, threshold, above=above, inputs=kinds, boxes=boxes, min_density=min_density)
    path = Path(plot) if plot else Path(str(folder).rstrip("/\\") + "-discover.png")
    written = plot_tradeoff(found, path, title_extra=f"quarter {quarter}" if quarter else "")
    return found, report(found, note) + f"\nplot: {written}"


def report(found: Discovery, note: str = "") -> str:
    """The discovery as text: the cases of interest, each box's trajectory (thinned) and limits."""
    lev = [n for n, k in found.inputs.items() if k == "lever"]
    unc = [n for n, k in found.inputs.items() if k != "lever"]
    lines = [note] if note else []
    lines += [f"runs of interest: {found.question()}: {found.of_interest} of {found.runs} "
              f"({units.share(found.of_interest / found.runs)})",
              f"inputs: {len(unc)} uncertainties ({', '.join(unc) or '-'}), {len(lev)} levers ({', '.join(lev) or '-'})",
              f"PRIM (EMA Workbench); a box is the step of its peeling trajectory with the largest "
              f"coverage + density among those with density at least {units.share(found.min_density)}", ""]
    if not found.boxes:
        lines.append("PRIM found no box.")
    for box in found.boxes:
        lines += _trajectory_lines(box) + [""]
        head = (f"Box {box.number}: coverage {units.share(box.coverage)}, density {units.share(box.density)}, "
                f"mass {units.share(box.mass)} ({box.k} of the {box.n} runs inside are of interest)")
        if not box.reaches:
            densest = float(box.trajectory["density"].max())
            head += (f"; no step of its trajectory reaches density {units.share(found.min_density)} (the densest: "
                     f"{units.share(densest)}), so this is the densest step"
                     + (", less the restrictions that are not significant" if box.dropped else ""))
        lines.append(head)
        if box.dropped:
            lines.append(f"  (restrictions PRIM peeled and then dropped as not significant, quasi-p above "
                         f"{WEAK_QP:g}: {', '.join(box.dropped)})")
        rows = [("input", "kind", "in the box", "over all runs", "quasi-p")]
        rows += [(lim.name, lim.kind, lim.text(), lim.full_text(), f"{lim.qp:.2g}" if lim.qp >= 0 else "-")
                 for lim in box.limits]
        if len(rows) == 1:
            lines.append("  (restricts no input)")
        else:
            widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
            lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
            weak = [lim.name for lim in box.limits if lim.qp > WEAK_QP]
            if weak:
                lines.append(f"  ({', '.join(weak)}: quasi-p above {WEAK_QP:g}: dropping it would not "
                             f"lower the density significantly; PRIM may have peeled it by chance)")
        lines.append("")
    if 0 < len(found.boxes) < found.asked and found.boxes[-1].reaches:
        left = found.of_interest - sum(b.k for b in found.boxes)
        lines.append(f"No further box reaches density {units.share(found.min_density)}" +
                     (f" among the {left} run{'s' if left != 1 else ''} of interest outside the boxes." if left else
                      ": every run of interest is in a box."))
    return "\n".join(lines).rstrip()


def _trajectory_lines(box: Box) -> list[str]:
    t = box.trajectory
    steps = list(range(len(t)))
    if len(steps) > SHOWN_STEPS:
        every = int(np.ceil(len(steps) / (SHOWN_STEPS - 1)))
        noted = [i for i in steps if "note" in t and t["note"].iloc[i]]
        steps = sorted({*steps[::every], len(t) - 1, box.step, *noted})
        title = f"{len(steps)} of its {len(t)} steps shown, the plot shows all"
    else:
        title = f"{len(t)} steps"
    lines = [f"Peeling trajectory of box {box.number} ({title}; * the box chosen):",
             "   step  coverage  density  mass  restricted"]
    for i in steps:
        r = t.iloc[i]
        note = r.get("note", "")
        lines.append((f" {'*' if i == box.step else ' '} {i:>4}  {units.share(r['coverage']):>8}  "
                      f"{units.share(r['density']):>7}  {units.share(r['mass']):>4}  {int(r['res_dim']):>10}  "
                      f"{note}").rstrip())
    return lines


def plot_tradeoff(found: Discovery, path: Path, title_extra: str = "") -> Path:
    """Coverage against density for every step of each box's peeling trajectory, coloured by
    the number of inputs restricted, the chosen boxes ringed; written as a PNG.

    Raises:
        OSError: the file cannot be written (the CLI names the path).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    fig, ax = plt.subplots(figsize=(7, 5))
    top = max([int(b.trajectory["res_dim"].max()) for b in found.boxes] + [1])
    markers = "os^Dv"
    for box in found.boxes:
        t = box.trajectory
        points = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", vmin=0, vmax=top,
                            marker=markers[(box.number - 1) % len(markers)], s=28, label=f"box {box.number}")
        ax.scatter([box.coverage], [box.density], s=180, facecolors="none", edgecolors="#D55E00", linewidths=2)
        ax.annotate(f"box {box.number}", (box.coverage, box.density), textcoords="offset points",
                    xytext=(-48, -18) if box.coverage > 0.85 else (10, 8), color="#D55E00")
    if found.boxes:
        bar = fig.colorbar(points, ax=ax, ticks=MaxNLocator(integer=True))
        bar.set_label("inputs restricted")
    ax.axhline(found.min_density, color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel("coverage (share of the runs of interest inside the box)")
    ax.set_ylabel("density (share of the box's runs that are of interest)")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    if len(found.boxes) > 1:
        ax.legend(loc="lower left")
    extra = f", {title_extra}" if title_extra else ""
    ax.set_title(f"PRIM peeling trajectory: {found.question()}{extra}", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
