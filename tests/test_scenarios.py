"""The scenario library teaches what it claims.

For every bundled scenario, over 20 seeds: played as given it misses its win condition in
most seeds, played with the fix its debrief recommends it meets it in most, and so it does
with the lesson's levers alone (`[fix] lesson`); the reference scenario, best_practice, must
meet it as given. Each scenario is also a complete piece of teaching material: a briefing,
locked levers with reasons, scheduled events, a numeric win condition, debrief notes, a fix
and the levers its lesson is about.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from sim import playtest
from sim.playtest import check_scenario, play, plays
from sim.scenario import WIN_CONDITIONS, Scenario, list_scenarios, load_scenario

LIBRARY = (
    "baseline", "best_practice", "protectionist_geography", "competing_comp_plans", "thin_enablement",
    "transfer_portal", "bounty_hunting", "biggest_first", "impatient_board", "push_not_support",
    "orgs_that_dont_partner",
)
LESSONS = [n for n in LIBRARY if n not in ("baseline", "best_practice")]
CLAIMS = {f"C{i}" for i in range(1, 21)}   # partnering-claims.md: C1-C20


def test_library_is_complete() -> None:
    names = {s.name for s in list_scenarios()}
    assert set(LIBRARY) <= names


def test_facilitator_guide_covers_every_scenario() -> None:
    guide = (Path(__file__).parent.parent / "docs" / "facilitator.md").read_text()
    for sc in list_scenarios():
        assert f"### `{sc.name}`: {sc.title}" in guide, sc.name


@pytest.mark.parametrize("name", LIBRARY)
def test_scenario_is_complete_teaching_material(name: str) -> None:
    sc = load_scenario(name)
    assert sc.title and sc.teaches and sc.briefing.strip() and sc.debrief.strip()
    assert sc.difficulty in ("easy", "medium", "hard")
    assert sc.claims and set(sc.claims) <= CLAIMS
    clauses = [k for k in sc.win if k in WIN_CONDITIONS and k != "no_program_cut"]
    assert clauses, "a win condition in numbers"
    assert "Goal" not in sc.briefing, "the game writes the goal from [win]; do not repeat numbers by hand"
    if sc.reference:
        assert not sc.fix
    else:
        assert sc.fix and sc.fix_summary.strip()
        assert not set(sc.fix) & set(sc.locked)
        assert sc.lesson and set(sc.lesson) <= set(sc.fix), "[fix] lesson: the levers the lesson is about"
    if name in LESSONS:
        assert sc.locked and all(why.strip() for why in sc.locked.values())
        assert sc.events and all(e.message.strip() for e in sc.events)
        assert sc.difficulty != "easy"


@pytest.mark.parametrize("name", LIBRARY)
def test_scenario_teaches_its_lesson(name: str) -> None:
    result = check_scenario(load_scenario(name), range(20))
    if result.reference:
        assert result.rate_as_given > 0.5, result
    else:
        assert result.rate_as_given < 0.5, f"{name}: as given wins {result.rate_as_given:.0%} of seeds"
        assert result.rate_with_fix > 0.5, f"{name}: the fix wins only {result.rate_with_fix:.0%} of seeds"
        assert result.rate_with_lesson > 0.5, (f"{name}: the lesson's levers alone ({', '.join(load_scenario(name).lesson)}) "
                                               f"win only {result.rate_with_lesson:.0%} of seeds")


def test_check_plays_each_game_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """As given, fix and lesson in one call; a lesson that is the whole fix is not played again."""
    calls: list[str] = []

    def counted(kind: str, player: Callable[[Scenario, int], pd.DataFrame]) -> Callable[[Scenario, int], pd.DataFrame]:
        def counting(sc: Scenario, seed: int) -> pd.DataFrame:
            calls.append(kind)
            return player(sc, seed)
        return counting

    for kind, player in list(playtest._PLAYERS.items()):
        monkeypatch.setitem(playtest._PLAYERS, kind, counted(kind, player))
    whole = dataclasses.replace(load_scenario("push_not_support"), quarters=1)
    assert set(whole.lesson) == set(whole.fix) and plays(whole) == ["given", "fix"]
    result = check_scenario(whole, range(2))
    assert sorted(calls) == ["fix", "fix", "given", "given"] and result.won_with_lesson == result.won_with_fix
    calls.clear()
    part = dataclasses.replace(load_scenario("impatient_board"), quarters=1)
    assert set(part.lesson) < set(part.fix)
    check_scenario(part, range(1))
    assert sorted(calls) == ["fix", "given", "lesson"]


def test_lesson_is_played_alone() -> None:
    """The lesson play holds the lesson's levers and leaves the rest of the fix as the scenario starts."""
    sc = dataclasses.replace(load_scenario("impatient_board"), quarters=2)
    assert sc.rest_of_fix
    held = play(sc, 0, levers=sc.lesson_fix).policy_history
    for lever, value in sc.lesson_fix.items():
        assert all(q[lever] == value for q in held), lever
    for lever in sc.rest_of_fix:
        assert all(q[lever] == getattr(sc.policy, lever) for q in held), lever


def test_fix_is_played_back_after_pressure() -> None:
    """A scheduled policy event overrides the player's lever for one quarter; the fix
    sets it back for the next, as a player following the debrief would."""
    sc = load_scenario("push_not_support")
    pressure = [e.quarter for e in sc.events if e.kind == "policy"]
    model = play(sc, seed=3, fix=True)
    pushed = [q for q, pol in enumerate(model.policy_history, start=1) if pol["management_style"] == "push"]
    assert pushed == pressure
    assert play(sc, seed=3).policy_history[-1]["management_style"] == "push"   # as given: never set back


def test_cli_check_prints_the_table() -> None:
    res = subprocess.run([sys.executable, "-m", "sim", "scenarios", "--check", "thin_enablement",
                          "--seeds", "4", "--workers", "1"], capture_output=True, text=True, timeout=300)
    header = res.stdout.splitlines()[0].split()
    assert header == ["scenario", "seeds", "as", "given", "with", "fix", "lesson", "only", "teaches"], res.stdout
    row = res.stdout.splitlines()[1].split()
    assert row[0] == "thin_enablement" and row[1] == "4"
    assert res.returncode in (0, 1)


def test_cli_check_unknown_scenario_is_one_line() -> None:
    res = subprocess.run([sys.executable, "-m", "sim", "scenarios", "--check", "no_such"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert "no_such" in res.stderr and res.stderr.count("\n") == 1
