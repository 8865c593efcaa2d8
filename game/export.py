"""Exported images: the game's charts as a PNG, drawn with matplotlib (not live)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def export_charts(player: pd.DataFrame, best: pd.DataFrame, path: str | Path, title: str = "") -> Path:
    """Six panels, the player's run (solid) beside best practice on the same seed (dashed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("revenue_total", "Total revenue (USD)"), ("revenue_partner", "Partner revenue (USD)"),
        ("partner_net_contribution", "Program net contribution (USD)"), ("conflicts", "Conflicts"),
        ("partners_active", "Active partners"), ("partner_satisfaction_mean", "Partner satisfaction"),
    ]
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), constrained_layout=True)
    for ax, (col, label) in zip(axes.flat, panels, strict=True):
        ax.plot(player["quarter"], player[col], "-o", color="#0072B2", label="your program")
        ax.plot(best["quarter"], best[col], "--s", color="#E69F00", label="best practice")
        if col == "partner_net_contribution":
            ax.axhline(0, color="grey", lw=1)
        ax.set_title(label)
        ax.set_xlabel("quarter")
        ax.grid(alpha=0.3)
    axes.flat[0].legend()
    if title:
        fig.suptitle(title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
