"""Playtesting a scenario: does it teach what it claims?

A scenario teaches its lesson if playing it as given (the starting policy, the scheduled
pressure accepted) misses its win condition in most worlds, and playing the fix its
debrief recommends meets it in most worlds. `check_scenario` measures both over many
seeds; `partnersim scenarios --check` prints the table and `tests/test_scenarios.py`
holds every bundled scenario to it.

The fix is played the way a player would follow the debrief's advice: at every planning
(between quarters, as the game applies a player's changes) the fix's levers are set wherever
the player may set them. A value a scheduled policy event imposes stays in force for the
quarter it is imposed on (the model refuses to change it, as the game's panel does), and the
fix comes back at the next planning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from sim.model import PartnerProgramModel
from sim.scenario import Scenario, ScenarioError


def play(scenario: Scenario, seed: int, fix: bool = False) -> PartnerProgramModel:
    """Play a whole scenario headless: as given (the player changes nothing) or with its fix.

    Raises:
        ScenarioError: `fix` is asked for and the scenario has none.
    """
    if fix and not scenario.fix:
        raise ScenarioError(f"scenario '{scenario.name}' has no [fix] to play")
    model = scenario.build_model(seed)
    for _ in range(scenario.quarters):
        if fix:
            drifted = {k: v for k, v in scenario.fix.items()
                       if getattr(model.policy, k) != v and model.imposed(k) is None}
            if drifted:
                model.set_policy(**drifted)
        model.run_quarters(1)
    return model


def play_as_given(scenario: Scenario, seed: int) -> pd.DataFrame:
    """The quarterly frame of a game in which the player changes nothing."""
    return play(scenario, seed).quarterly_frame()


def play_fix(scenario: Scenario, seed: int) -> pd.DataFrame:
    """The quarterly frame of a game played with the scenario's recommended fix."""
    return play(scenario, seed, fix=True).quarterly_frame()


@dataclass(frozen=True)
class CheckResult:
    """How often a scenario's goal is met as given and with the fix."""

    name: str
    seeds: int
    reference: bool
    won_as_given: int
    won_with_fix: int | None      # None: the scenario has no fix

    @property
    def rate_as_given(self) -> float:
        return self.won_as_given / self.seeds

    @property
    def rate_with_fix(self) -> float | None:
        return None if self.won_with_fix is None else self.won_with_fix / self.seeds

    @property
    def teaches(self) -> bool:
        """Most seeds miss as given and most meet the goal with the fix (a reference
        scenario, whose starting policy is the answer, must meet it as given)."""
        if self.reference:
            return self.rate_as_given > 0.5
        return self.rate_as_given < 0.5 and (self.rate_with_fix or 0.0) > 0.5


def check_scenario(scenario: Scenario, seeds: Iterable[int] = range(20)) -> CheckResult:
    """Play a scenario as given and with its fix over `seeds`; count the wins."""
    seeds = list(seeds)
    given = sum(scenario.won(play_as_given(scenario, s)) for s in seeds)
    fixed = sum(scenario.won(play_fix(scenario, s)) for s in seeds) if scenario.fix else None
    return CheckResult(scenario.name, len(seeds), scenario.reference, given, fixed)


def check_table(results: Iterable[CheckResult]) -> str:
    """The `scenarios --check` table: scenario, seeds, win rate as given and with the fix."""
    rows = [("scenario", "seeds", "as given", "with fix", "teaches")]
    for r in results:
        fix = "-" if r.rate_with_fix is None else f"{r.rate_with_fix:.0%}"
        verdict = "yes" if r.teaches else "NO"
        if r.reference:
            verdict += " (reference)"
        rows.append((r.name, str(r.seeds), f"{r.rate_as_given:.0%}", fix, verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) if i < 4 else cell
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True))) for row in rows]
    return "\n".join(lines)
