"""What a sweep says: per-design-point means with confidence intervals across seeds, the
levers and uncertainties ranked by their effect on an outcome, and plots.

The outcome of a run is a metric averaged over the four quarters ending at the chosen
quarter (a year, so one lucky deal does not decide it). The inputs a sweep varied, its levers
and its uncertainties (world settings), are ranked side by side, each marked with its kind:
by Sobol indices (SALib) when the design is Saltelli's, by Morris mu* when it is Morris, and
otherwise by the correlation ratio eta^2: the share of the outcome's variance across runs
explained by the input's values (numeric ones cut into quintiles).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import PartnersimError
from sim.metrics import METRIC_COLUMNS
from sim.sweeps.spec import SpecError, spec_from_dict
from sim.sweeps.store import SPEC_FILE, ResultStore, input_columns

ID_COLUMNS = ("run_id", "point", "scenario", "seed", "model_version", "quarter", "error")


class AnalysisError(PartnersimError):
    """Results that cannot be analysed; the message names the folder and what is wrong."""


def run_outcomes(df: pd.DataFrame, outcome: str, quarter: int | None = None) -> pd.DataFrame:
    """One row per successful run: point, seed, the varied levers and the outcome (the
    metric's mean over the four quarters ending at `quarter`, default the last)."""
    ok = df[df["error"] == ""]
    q = int(ok["quarter"].max()) if quarter is None else quarter
    window = ok[(ok["quarter"] <= q) & (ok["quarter"] > q - 4)]
    return window.groupby(["run_id", "point", "seed"], as_index=False)[outcome].mean()


def point_means(runs: pd.DataFrame, outcome: str, levers: list[str], points: pd.DataFrame) -> pd.DataFrame:
    """Mean, 95% confidence interval and n per design point, with the point's lever values."""
    from scipy import stats

    g = runs.groupby("point")[outcome]
    out = pd.DataFrame({"n": g.size(), "mean": g.mean(), "sd": g.std(ddof=1)}).reset_index()
    tcrit = stats.t.ppf(0.975, np.maximum(out["n"] - 1, 1))
    half = np.where(out["n"] > 1, tcrit * out["sd"] / np.sqrt(out["n"]), np.nan)
    out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
    return points[["point", *levers]].merge(out, on="point").sort_values("mean", ascending=False)


def lever_groups(values: pd.Series) -> pd.Series:
    """A lever's values as groups: themselves if few, quintiles if many (numeric ranges)."""
    if values.nunique() <= 6 or not pd.api.types.is_numeric_dtype(values) or values.dtype == bool:
        return values.astype(str)
    return pd.qcut(values, 5, duplicates="drop").astype(str)


def eta_squared(runs: pd.DataFrame, outcome: str, lever_values: pd.Series) -> float:
    """Share of the outcome's variance explained by the lever's (binned) values."""
    y = runs[outcome]
    total = float(((y - y.mean()) ** 2).sum())
    if total <= 0:
        return 0.0
    groups = y.groupby(lever_groups(lever_values).to_numpy())
    between = float(sum(len(g) * (g.mean() - y.mean()) ** 2 for _, g in groups))
    return between / total


def rank_levers(runs: pd.DataFrame, outcome: str, levers: list[str], points: pd.DataFrame,
                spec: Any = None, uncertainties: list[str] | None = None) -> tuple[pd.DataFrame, str]:
    """The levers and uncertainties ranked by effect on the outcome, and the name of the method
    used. The table's `input` column names each, `kind` says whether it is a lever or an
    uncertainty (a world setting); for Sobol and Morris, `levers + uncertainties` must be the
    spec's factors in its order."""
    merged = runs.merge(points, on="point")
    rows = []
    for kind, names in (("lever", levers), ("uncertainty", uncertainties or [])):
        for name in names:
            groups = merged.groupby(lever_groups(merged[name]).to_numpy())[outcome].mean()
            rows.append({"input": name, "kind": kind, "eta2": eta_squared(merged, outcome, merged[name]),
                         "effect_range": float(groups.max() - groups.min()),
                         "highest_at": str(groups.idxmax())})
    table = pd.DataFrame(rows)
    method = "eta^2 (variance explained)"
    if spec is not None and spec.method in ("sobol", "morris"):
        y = runs.groupby("point")[outcome].mean().reindex(points["point"])
        if y.isna().any():
            method += f"; {spec.method} indices need every design point (some runs failed)"
        else:
            from sim.sweeps.design import salib_problem, unit_sample

            problem = salib_problem(spec)
            if spec.method == "sobol":
                from SALib.analyze import sobol

                si = sobol.analyze(problem, y.to_numpy(), calc_second_order=spec.second_order,
                                   seed=spec.design_seed)
                table["S1"], table["S1_conf"] = si["S1"], si["S1_conf"]
                table["ST"], table["ST_conf"] = si["ST"], si["ST_conf"]
                table = table.sort_values("ST", ascending=False)
                return table.reset_index(drop=True), "Sobol indices (SALib, Saltelli design)"
            from SALib.analyze import morris

            si = morris.analyze(problem, unit_sample(spec), y.to_numpy(), num_levels=spec.levels,
                                seed=spec.design_seed)
            table["mu_star"], table["mu_star_conf"], table["sigma"] = si["mu_star"], si["mu_star_conf"], si["sigma"]
            table = table.sort_values("mu_star", ascending=False)
            return table.reset_index(drop=True), "Morris elementary effects (SALib)"
    return table.sort_values("eta2", ascending=False).reset_index(drop=True), method


def load_results(folder: str | os.PathLike) -> tuple[pd.DataFrame, Any]:
    """The results and the spec they were run from (None if the spec file is missing).

    Raises:
        AnalysisError: no results in the folder.
    """
    store = ResultStore(folder)
    if not store.parts():
        raise AnalysisError(f"{folder}: no sweep results here (expected part-*.parquet files "
                            f"written by `partnersim sweep`)")
    df = store.read()
    spec = None
    spec_path = Path(folder) / SPEC_FILE
    if spec_path.exists():
        try:
            spec = spec_from_dict(store.meta()["spec"], str(spec_path))
        except (SpecError, KeyError, ValueError) as exc:
            raise AnalysisError(f"{spec_path}: cannot be read: {str(exc).splitlines()[0]}") from None
    return df, spec


def analyze_results(folder: str | os.PathLike, outcome: str | None = None, quarter: int | None = None,
                    plots: str | os.PathLike | None = None, pair: tuple[str, str] | None = None) -> str:
    """The `partnersim analyze` report (plots written to `plots`)."""
    df, spec = load_results(folder)
    outcome = outcome or (spec.outcome if spec else "revenue_partner")
    if outcome not in METRIC_COLUMNS and outcome not in df.columns:
        raise AnalysisError(f"--outcome {outcome!r} is not a metric (allowed: {', '.join(METRIC_COLUMNS)})")
    if spec is not None:
        levers, uncertainties = input_columns(ResultStore(folder).meta())
    else:
        levers, uncertainties = _varied(df)
    factors = levers + uncertainties
    ok = df[df["error"] == ""]
    if ok.empty:
        raise AnalysisError(f"{folder}: every run failed; see the 'error' column")
    last = int(ok["quarter"].max())
    if quarter is not None and not 1 <= quarter <= last:
        raise AnalysisError(f"--quarter {quarter} is not allowed (allowed: 1 to {last})")
    runs = run_outcomes(df, outcome, quarter)
    points = df.drop_duplicates("point")[["point", *factors]].sort_values("point")
    means = point_means(runs, outcome, factors, points)
    ranking, method = rank_levers(runs, outcome, levers, points, spec, uncertainties)
    q = quarter or last
    failed = df.loc[df["error"] != "", "run_id"].nunique()
    lines = [f"{folder}: {df['run_id'].nunique()} runs ({failed} failed), {len(points)} design points, "
             f"{runs.groupby('point').size().max()} seeds per point, {last} quarters",
             f"outcome: {outcome}, mean over quarters {max(1, q - 3)}-{q}", "",
             "Design points, highest mean first (mean and 95% confidence interval across seeds):",
             _fmt(means.head(10)), ""]
    if len(means) > 10:
        lines += ["... worst five:", _fmt(means.tail(5)), ""]
    what = "Levers and uncertainties" if uncertainties else "Levers"
    lines += [f"{what} ranked by effect on {outcome} ({method}):", _fmt(ranking), ""]
    folder_plots = Path(plots) if plots else Path(str(folder).rstrip("/") + "-plots")
    pair = pair or (tuple(ranking["input"].head(2)) if len(factors) >= 2 else None)
    for p in (pair or ()):
        if p not in factors:
            raise AnalysisError(f"--pair {p!r} is not a lever or uncertainty this sweep varied "
                                f"(varied: {', '.join(factors)})")
    from sim.sweeps.plots import write_plots

    for path in write_plots(df, runs, points, factors, outcome, list(ranking["input"]), pair, folder_plots):
        lines.append(f"plot: {path}")
    return "\n".join(lines)


def _varied(df: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(levers, world settings) whose column takes more than one value (results without a spec)."""
    from sim.policy import LEVERS
    from sim.world import WORLD_KEYS

    def varied(names: Any) -> list[str]:
        return [c for c in names if c in df.columns and df[c].nunique() > 1]
    return varied(LEVERS), varied(WORLD_KEYS)


def _fmt(df: pd.DataFrame) -> str:
    return df.to_string(index=False, float_format=lambda v: f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}")
