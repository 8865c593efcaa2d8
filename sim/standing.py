"""Where a game stands against its scenario's goal: the one ranking of teams.

The classroom's live leaderboard and `partnersim compare` rank teams by this, so the room sees
the same order the facilitator's comparison prints: first the goal's clauses met (judged at
the goal's quarter, or at the last quarter played while the game is still short of it), then
the program's net contribution to date (what the board weighs), then partner revenue.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.metrics import partner_share_over
from sim.win import Clause, judge


@dataclass(frozen=True)
class Standing:
    """A game's standing after the quarters it has played.

    Attributes:
        quarters: Quarters played.
        clauses: The goal's clauses, judged at min(goal quarter, quarters played).
        clauses_met: How many are met.
        share: Partner share of revenue over the last four quarters played.
        net: The program's net contribution to date.
        revenue_partner: Partner revenue over every quarter played.
        conflicts: Channel conflicts, all quarters.
        lost: Partners lost, all quarters.
    """

    quarters: int
    clauses: tuple[Clause, ...]
    clauses_met: int
    share: float
    net: float
    revenue_partner: float
    conflicts: int
    lost: int

    @property
    def rank_key(self) -> tuple[float, float, float]:
        """Sorts best first."""
        return (-self.clauses_met, -self.net, -self.revenue_partner)


def standing(win: dict, at_quarter: int, frame: pd.DataFrame) -> Standing:
    """A game's standing from its quarterly frame (`Scenario.win`, `Scenario.at_quarter`)."""
    if frame.empty:
        return Standing(0, (), 0, 0.0, 0.0, 0.0, 0, 0)
    played = int(frame["quarter"].max())
    clauses = tuple(judge(win, min(at_quarter, played), frame))
    return Standing(played, clauses, sum(c.met for c in clauses), partner_share_over(frame),
                    float(frame["cumulative_net_contribution"].iloc[-1]), float(frame["revenue_partner"].sum()),
                    int(frame["conflicts"].sum()), int(frame["partners_churned"].sum()))
