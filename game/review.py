"""What the debrief shows, gathered from `sim.debrief` in one place.

The debrief screen draws this and computes nothing: best practice on the same seed, the
comparison table, the mistakes and the goal's clauses all come from `sim`, and so does what
each group of decisions was worth (`start_attribution`: `sim.attribution`'s replays, run in
worker processes while the screen stays responsive).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.debrief import best_practice_model, compare, diagnose, fix_progress

if TYPE_CHECKING:
    from game.session import GameSession
    from sim.attribution import AttributionJob


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
        fix: `sim.debrief.fix_progress`: each lever of the scenario's fix (the lesson's levers
            first, flagged) and since when the game follows it.
    """

    player: pd.DataFrame
    best: pd.DataFrame
    table: pd.DataFrame
    mistakes: list[Any]
    won: bool
    clauses: list[Any]
    fix: list[Any] = field(default_factory=list)


def review(session: GameSession) -> Review:
    """Judge the session's game as it stands."""
    sc = session.scenario
    player = session.frame()
    best = best_practice_model(sc, session.seed, max(1, session.quarter)).quarterly_frame()
    return Review(player=player, best=best, table=compare(player, best),
                  mistakes=diagnose(session.model, sc), won=sc.won(player), clauses=sc.judge(player),
                  fix=fix_progress(session.model, sc))


def start_attribution(session: GameSession) -> AttributionJob | None:
    """Start `sim.attribution`'s replays of this game in worker processes (None before the
    first quarter is played); the debrief polls the job and draws its result."""
    from sim.attribution import AttributionJob, player_timeline

    if session.quarter < 1:
        return None
    return AttributionJob(session.scenario, session.seed, player_timeline(session.model))
