"""Exported images: the game's charts as a PNG, drawn with matplotlib (not live).

Titles and axis numbers come from the metrics' declarations (`sim.metrics.METRICS`) and
`sim.units`, so the PNG reads like the screen.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim import units
from sim.metrics import METRICS

PANELS: tuple[str, ...] = ("revenue_total", "revenue_partner", "partner_net_contribution", "conflicts",
                           "partners_active", "partner_satisfaction_mean")


def export_charts(player: pd.DataFrame, best: pd.DataFrame, path: str | Path, title: str = "") -> Path:
    """Six panels, the player's run (solid) beside best practice on the same seed (dashed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    fig, axes = plt.subplots(2, 3, figsize=(13, 7), constrained_layout=True)
    for ax, col in zip(axes.flat, PANELS, strict=True):
        metric = METRICS[col]
        ax.plot(player["quarter"], player[col], "-o", color="#0072B2", label="your program")
        ax.plot(best["quarter"], best[col], "--s", color="#E69F00", label="best practice")
        if col == "partner_net_contribution":
            ax.axhline(0, color="grey", lw=1)
        ax.set_title(metric.label)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos, unit=metric.unit: units.fmt(unit, v)))
        ax.set_xlabel("quarter")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    axes.flat[0].legend()
    if title:
        fig.suptitle(title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
