"""What the debrief shows, gathered from `sim.debrief` in one place.

The debrief screen draws this and computes nothing: best practice on the same seed, the
comparison table, the mistakes and the goal's clauses all come from `sim`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.debrief import best_practice_model, compare, diagnose

if TYPE_CHECKING:
    from game.session import GameSession


@dataclass(frozen=True)
class Review:
    """A game beside best practice.

    Attributes:
        player: The player's quarterly frame.
        best: Best practice's quarterly frame over as many quarters, same world and seed.
        table: `sim.debrief.compare` rows (measure, kind = unit, player, best).
        mistakes: `sim.debrief.diagnose` findings, in the order the model found them.
        won: The scenario's goal is met.
        clauses: The goal's clauses as judged (empty until the judged quarter is played).
    """

    player: pd.DataFrame
    best: pd.DataFrame
    table: pd.DataFrame
    mistakes: list[Any]
    won: bool
    clauses: list[Any]


def review(session: GameSession) -> Review:
    """Judge the session's game as it stands."""
    sc = session.scenario
    player = session.frame()
    best = best_practice_model(sc, session.seed, max(1, session.quarter)).quarterly_frame()
    return Review(player=player, best=best, table=compare(player, best),
                  mistakes=diagnose(session.model, sc), won=sc.won(player), clauses=sc.judge(player))
