"""The plots `partnersim analyze` writes (matplotlib, PNG): the outcome's distribution per
lever value, an interaction heat-map of two levers, and quarterly trajectories with bands."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.metrics import METRICS, OKABE_ITO
from sim.policy import LEVERS
from sim.sweeps.analysis import lever_groups


def write_plots(df: pd.DataFrame, runs: pd.DataFrame, points: pd.DataFrame, levers: list[str], outcome: str,
                ranked: list[str], pair: tuple[str, str] | None, folder: Path) -> list[Path]:
    """Write the three plots; return their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    merged = runs.merge(points, on="point")
    out = []

    # 1. distributions per lever value
    n = len(levers)
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.6 * rows), squeeze=False)
    for ax, lever in zip(axes.flat, ranked, strict=False):
        groups = lever_groups(merged[lever])
        labels = sorted(groups.unique())
        ax.boxplot([merged.loc[groups == g, outcome] for g in labels],
                   tick_labels=[_words(lever, g) for g in labels], showfliers=False)
        ax.set_title(_name(lever), fontsize=10)
        ax.tick_params(axis="x", labelrotation=20, labelsize=8)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle(f"{outcome} (mean of the last four quarters) by input value")
    fig.tight_layout()
    out.append(_save(fig, folder / "distributions.png", plt))

    # 2. interaction heat-map
    if pair:
        a, b = pair
        table = merged.assign(_a=lever_groups(merged[a]), _b=lever_groups(merged[b])).pivot_table(
            index="_a", columns="_b", values=outcome, aggfunc="mean")
        fig, ax = plt.subplots(figsize=(7, 5))
        im = ax.imshow(table.to_numpy(), cmap="viridis", aspect="auto")
        ax.set_xticks(range(len(table.columns)), [_words(b, g) for g in table.columns], rotation=20, fontsize=8)
        ax.set_yticks(range(len(table.index)), [_words(a, g) for g in table.index], fontsize=8)
        ax.set_xlabel(_name(b))
        ax.set_ylabel(_name(a))
        grid = table.to_numpy()
        mid = np.nanmin(grid) + 0.5 * (np.nanmax(grid) - np.nanmin(grid))
        for (i, j), v in np.ndenumerate(grid):
            if not np.isnan(v):
                ax.text(j, i, _short(outcome, v), ha="center", va="center", fontsize=10,
                        color="black" if v > mid else "white")
        fig.colorbar(im, ax=ax, label=f"mean {outcome}")
        ax.set_title(f"{_name(a)} x {_name(b)}: mean {outcome}")
        fig.tight_layout()
        out.append(_save(fig, folder / "interaction.png", plt))

    # 3. quarterly trajectories with bands, one line per value of the most influential lever
    top = ranked[0]
    ok = df[df["error"] == ""]
    traj = ok.assign(_g=lever_groups(ok[top]))
    fig, ax = plt.subplots(figsize=(9, 5))
    for i, (g, part) in enumerate(traj.groupby("_g")):
        by_q = part.groupby("quarter")[outcome]
        mean, lo, hi = by_q.mean(), by_q.quantile(0.1), by_q.quantile(0.9)
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        ax.plot(mean.index, mean.to_numpy(), color=colour, label=f"{_name(top)}: {_words(top, g)}")
        ax.fill_between(mean.index, lo.to_numpy(), hi.to_numpy(), color=colour, alpha=0.18)
    ax.set_xlabel("quarter")
    ax.set_ylabel(outcome)
    ax.set_title(f"{outcome} per quarter: mean and 10-90% band across runs, by {_name(top)}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out.append(_save(fig, folder / "trajectories.png", plt))
    return out


def _name(lever: str) -> str:
    """A lever as a chart names it: its label (the game's words), or the column name."""
    return LEVERS[lever].label if lever in LEVERS else lever


def _words(lever: str, group: str) -> str:
    """A group of a lever's values (`lever_groups`) as the game words it: a choice or a
    switch by its label ("Referral bounty", "On"); numbers and ranges as they are."""
    lv = LEVERS.get(lever)
    if lv is None or lv.kind not in ("choice", "bool"):
        return group
    if lv.kind == "bool":
        return lv.fmt(group == "True") if group in ("True", "False") else group
    return lv.fmt(group)


def _short(outcome: str, v: float) -> str:
    """A heat-map cell in the outcome's own unit ($376k, 15%, 0.62); a derived outcome that is
    not a metric reads as a plain number."""
    metric = METRICS.get(outcome)
    return metric.fmt(v) if metric else f"{v:,.3g}"


def _save(fig, path: Path, plt) -> Path:
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
