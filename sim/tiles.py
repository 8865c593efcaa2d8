"""Key figures (the game's play screen, the classroom's team page): a metric's latest value and its change since last quarter.

Labels, formats and which direction is good come from the metric's declaration
(`sim.metrics.METRICS`) and `sim.units`, so a tile never decides what a number means.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd

from sim import units
from sim.metrics import METRICS

TILE_METRICS: tuple[str, ...] = ("revenue_total", "revenue_partner", "partner_share", "partners_active",
                                 "conflicts", "cumulative_net_contribution")


class Tile(NamedTuple):
    """One key figure.

    Attributes:
        label: The metric's label.
        value: Its latest value, formatted ("-" before the first quarter).
        change: The change since last quarter ("" with one quarter or none, "no change").
        good: +1 if the change is good for the program, -1 if bad, 0 if neither or none.
        rising: The value went up.
    """

    label: str
    value: str
    change: str
    good: int
    rising: bool


def tiles(frame: pd.DataFrame, names: Sequence[str] = TILE_METRICS) -> list[Tile]:
    """A tile per metric in `names`, read from the last two rows of the quarterly frame."""
    out = []
    for name in names:
        m = METRICS[name]
        if not len(frame):
            out.append(Tile(m.label, "-", "", 0, False))
            continue
        now = float(frame[name].iloc[-1])
        if len(frame) < 2:
            out.append(Tile(m.label, m.fmt(now), "", 0, False))
            continue
        d = now - float(frame[name].iloc[-2])
        if abs(d) < 1e-9:
            out.append(Tile(m.label, m.fmt(now), "no change", 0, False))
            continue
        good = m.good if d > 0 else -m.good
        out.append(Tile(m.label, m.fmt(now), units.fmt_change(m.unit, d), good, d > 0))
    return out
