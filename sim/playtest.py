"""Playtesting a scenario: does it teach what it claims?

A scenario teaches its lesson if playing it as given (the starting policy, the scheduled
pressure accepted) misses its win condition in most worlds, while playing the fix its
debrief recommends meets it in most worlds, and so does playing the lesson's levers alone
(`[fix] lesson`: the levers the lesson is about, without the rest of the fix). The third
play catches a scenario whose other starting mistakes stop the lesson from winning on its
own: a player who learns the lesson should win. `check_scenario` measures all three over
many seeds; `partnersim scenarios --check` prints the table and `tests/test_scenarios.py`
holds every bundled scenario to it.

The fix (or the lesson) is played the way a player would follow the debrief's advice: at
every planning (between quarters, as the game applies a player's changes) its levers are
set wherever the player may set them. A value a scheduled policy event imposes stays in
force for the quarter it is imposed on (the model refuses to change it, as the game's panel
does), and the player's value comes back at the next planning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.model import PartnerProgramModel
from sim.scenario import Scenario, ScenarioError

# what a play follows, in the words the --check table and progress line use
PLAYS = {"given": "as given", "fix": "with fix", "lesson": "lesson only"}


def play(scenario: Scenario, seed: int, fix: bool = False, *,
         levers: Mapping[str, Any] | None = None) -> PartnerProgramModel:
    """Play a whole scenario headless: as given (the player changes nothing), with its fix,
    or holding any other set of levers.

    Args:
        scenario: The scenario to play.
        seed: World seed.
        fix: Follow the scenario's whole fix (shorthand for `levers=scenario.fix`).
        levers: Lever = value the player sets at every planning where the player may (an
            imposed value stays for its quarter, as in the game): e.g. `scenario.lesson_fix`.

    Raises:
        ScenarioError: `fix` is asked for and the scenario has none, or both `fix` and
            `levers` are given.
    """
    if fix and levers is not None:
        raise ScenarioError("play: give fix=True or levers=..., not both")
    if fix and not scenario.fix:
        raise ScenarioError(f"scenario '{scenario.name}' has no [fix] to play")
    held = dict(scenario.fix if fix else levers or {})
    model = scenario.build_model(seed)
    for _ in range(scenario.quarters):
        if held:
            drifted = {k: v for k, v in held.items()
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


def play_lesson(scenario: Scenario, seed: int) -> pd.DataFrame:
    """The quarterly frame of a game played with the lesson's levers alone (the rest of the
    fix left as the scenario starts).

    Raises:
        ScenarioError: the scenario declares no lesson.
    """
    if not scenario.lesson:
        raise ScenarioError(f"scenario '{scenario.name}' declares no [fix] lesson to play")
    return play(scenario, seed, levers=scenario.lesson_fix).quarterly_frame()


def plays(scenario: Scenario) -> list[str]:
    """The plays `check_scenario` makes of a scenario (keys of `PLAYS`), none twice: a lesson
    that names every lever of the fix is the fix, so it is not played again."""
    out = ["given"]
    if scenario.fix:
        out.append("fix")
        if scenario.lesson and set(scenario.lesson) != set(scenario.fix):
            out.append("lesson")
    return out


@dataclass(frozen=True)
class CheckResult:
    """How often a scenario's goal is met as given, with the fix and with the lesson alone."""

    name: str
    seeds: int
    reference: bool
    won_as_given: int
    won_with_fix: int | None      # None: the scenario has no fix
    won_with_lesson: int | None = None      # None: no lesson declared

    @property
    def rate_as_given(self) -> float:
        return self.won_as_given / self.seeds

    @property
    def rate_with_fix(self) -> float | None:
        return None if self.won_with_fix is None else self.won_with_fix / self.seeds

    @property
    def rate_with_lesson(self) -> float | None:
        return None if self.won_with_lesson is None else self.won_with_lesson / self.seeds

    @property
    def teaches(self) -> bool:
        """Most seeds miss as given, and most meet the goal with the fix and with the lesson's
        levers alone (a reference scenario, whose starting policy is the answer, must meet it
        as given)."""
        if self.reference:
            return self.rate_as_given > 0.5
        return (self.rate_as_given < 0.5 and (self.rate_with_fix or 0.0) > 0.5
                and (self.rate_with_lesson or 0.0) > 0.5)


_PLAYERS = {"given": play_as_given, "fix": play_fix, "lesson": play_lesson}


def check_scenario(scenario: Scenario, seeds: Iterable[int] = range(20)) -> CheckResult:
    """Play a scenario as given, with its fix and with its lesson alone over `seeds`; count
    the wins. Each game is played once: a lesson that is the whole fix reuses the fix's count."""
    seeds = list(seeds)
    won = {kind: sum(scenario.won(_PLAYERS[kind](scenario, s)) for s in seeds) for kind in plays(scenario)}
    lesson = won.get("lesson", won.get("fix")) if scenario.lesson else None
    return CheckResult(scenario.name, len(seeds), scenario.reference, won["given"], won.get("fix"), lesson)


def check_table(results: Iterable[CheckResult]) -> str:
    """The `scenarios --check` table: scenario, seeds, win rate as given, with the fix and
    with the lesson's levers alone, and whether it teaches."""
    def rate(r: float | None) -> str:
        return "-" if r is None else f"{r:.0%}"

    rows = [("scenario", "seeds", PLAYS["given"], PLAYS["fix"], PLAYS["lesson"], "teaches")]
    for r in results:
        verdict = "yes" if r.teaches else "NO"
        if r.reference:
            verdict += " (reference)"
        rows.append((r.name, str(r.seeds), rate(r.rate_as_given), rate(r.rate_with_fix),
                     rate(r.rate_with_lesson), verdict))
    last = len(rows[0]) - 1
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) if i < last else cell
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True))) for row in rows]
    return "\n".join(lines)
