"""What each group of decisions was worth (sim.attribution): exact Shapley values over lever
groups, replays that reproduce the player's game and best practice's exactly, bars that add
up to the gap, the debrief's progress bar then waterfall, and the comparison's table.

The games here are short and differ from best practice in few groups (2^groups replays), so
each test runs in seconds.
"""

from __future__ import annotations

import dataclasses
import html
import math
import os
import time
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from sim.attribution import (  # noqa: E402
    AttributionError,
    AttributionJob,
    Measure,
    best_practice_timeline,
    decision_values,
    describe_timeline,
    differing_levers,
    measure_values,
    player_timeline,
    replay_timeline,
    shapley_values,
)
from sim.debrief import best_practice_model  # noqa: E402
from sim.errors import PartnersimError  # noqa: E402
from sim.events import ScheduledEvent  # noqa: E402
from sim.policy import LEVER_GROUPS, LEVERS  # noqa: E402
from sim.scenario import Scenario, load_scenario  # noqa: E402
from sim.win import WIN_CONDITIONS  # noqa: E402

QUARTERS = 3
SEED = 4


def pressured_board() -> Scenario:
    """impatient_board (a locked budget share, a demand shock at Q2, a board that may cut)
    with a policy event too: the CRO imposes pushing partners for quarter 2."""
    sc = load_scenario("impatient_board")
    push = ScheduledEvent(quarter=2, kind="policy", message="Push them to the number this quarter.",
                          changes=(("management_style", "push"),))
    return dataclasses.replace(sc, events=(*sc.events, push))


def play_game(sc: Scenario, seed: int, quarters: int, keep: tuple[str, ...] = ()):
    """A game that takes best practice's levers in Q1, except the groups in `keep` (left as the
    scenario starts them) and locked levers; an imposed value is undone when it may be."""
    best = best_practice_timeline(1)[0]
    model = sc.build_model(seed)
    for q in range(1, quarters + 1):
        if q == 1:
            model.set_policy(**{n: v for n, v in best.items()
                                if LEVERS[n].group not in keep and n not in sc.locked})
        elif q == 3:
            model.set_policy(management_style=best["management_style"])
        model.run_quarters(1)
    return model


# ------------------------------------------------------------------------- Shapley values
def test_shapley_values_are_symmetric_efficient_and_ignore_dummies() -> None:
    """The glove game (a left glove and two right ones: a pair is worth 1) has the textbook
    values 2/3, 1/6, 1/6; a player who adds nothing gets 0; interchangeable players get the
    same; the values add up to the grand coalition's worth."""
    def glove(s: frozenset[str]) -> float:
        return 1.0 if "L" in s and ({"R1", "R2"} & s) else 0.0

    players = ["L", "R1", "R2", "dummy"]
    value = {frozenset(c): glove(frozenset(c)) for c in _subsets(players)}
    phi = shapley_values(players, value)
    assert phi["L"] == pytest.approx(2 / 3) and phi["R1"] == pytest.approx(1 / 6)
    assert phi["R1"] == phi["R2"]
    assert phi["dummy"] == 0.0
    assert sum(phi.values()) == pytest.approx(value[frozenset(players)] - value[frozenset()])
    # order of listing changes nothing; an additive game gives each player its own part
    assert shapley_values(players[::-1], value) == pytest.approx(phi)
    own = {"a": 3.0, "b": -1.5, "c": 0.25}
    additive = {frozenset(c): 10.0 + sum(own[p] for p in c) for c in _subsets(list(own))}
    assert shapley_values(list(own), additive) == pytest.approx(own)


def _subsets(players: list[str]) -> list[tuple[str, ...]]:
    from itertools import combinations

    return [c for k in range(len(players) + 1) for c in combinations(players, k)]


# ------------------------------------------------------------------------- replays
def test_empty_and_full_coalitions_reproduce_player_and_best_practice_exactly() -> None:
    """Replaying the player's timeline gives the player's game, and best practice's timeline
    gives `best_practice_model`, frame for frame: through a locked lever that differs, a
    shock, a policy event's imposed quarter and a board that may cut the program."""
    sc = pressured_board()
    for keep in ((), ("recruiting", "executive")):
        model = play_game(sc, SEED, QUARTERS, keep)
        timeline = player_timeline(model)
        assert timeline[1]["management_style"] == "push"            # the imposed quarter is in it
        pd.testing.assert_frame_equal(replay_timeline(sc, SEED, timeline).quarterly_frame(),
                                      model.quarterly_frame())
    best = replay_timeline(sc, SEED, best_practice_timeline(QUARTERS)).quarterly_frame()
    pd.testing.assert_frame_equal(best, best_practice_model(sc, SEED, QUARTERS).quarterly_frame())
    # the lock differs from best practice (0.2 against 0.25): it is swapped, not left out
    assert "partner_budget_share" in differing_levers(timeline, best_practice_timeline(QUARTERS))["executive"]


def test_bars_add_up_to_the_gap_and_equal_groups_get_zero() -> None:
    """Through the worker pool: one bar per group that differs (the imposed push in partner
    team, incentives kept at none, the locked budget in executive), each measure's bars add up
    to best practice's result minus the player's, and the ends are the real games' results."""
    sc = pressured_board()
    model = play_game(sc, SEED, QUARTERS, keep=("incentives",))
    a = decision_values(sc, SEED, player_timeline(model))
    assert a.groups == ("partner team", "incentives", "executive")
    assert a.levers["partner team"] == ("management_style",)
    assert a.locked == ("partner_budget_share",)
    assert a.replays == 2 ** 3
    player = measure_values(model.quarterly_frame(), "min_partner_share_year", QUARTERS)
    best = measure_values(best_practice_model(sc, SEED, QUARTERS).quarterly_frame(),
                          "min_partner_share_year", QUARTERS)
    assert [m.key for m in a.measures] == ["min_partner_share_year", "revenue_partner"]
    assert "Q3" in a.measures[0].label                  # judged at the last quarter played
    for i, m in enumerate(a.measures):
        assert (m.player, m.best) == (player[i], best[i])
        assert math.isclose(sum(m.values.values()), m.gap, rel_tol=1e-9, abs_tol=1e-9)
        for g in set(LEVER_GROUPS) - set(a.groups):    # equal to best practice: exactly zero, no bar
            assert m.values.get(g, 0.0) == 0.0 and g not in m.values
    goal = a.measures[0]
    assert goal.target == sc.win["min_partner_share_year"] and a.measures[1].target is None
    assert goal.fmt(goal.player) == WIN_CONDITIONS[goal.key].judged(goal.player, goal.target)[0]
    lines = a.lever_lines("executive")
    assert any("Program budget share" in line and "locked by the scenario" in line for line in lines)
    assert any("Push" in line or "push" in line for line in a.lever_lines("partner team"))


def test_no_quarter_played_is_one_clear_error() -> None:
    with pytest.raises(AttributionError, match="no quarter played") as err:
        decision_values(load_scenario("baseline"), 0, [])
    assert isinstance(err.value, PartnersimError)


def test_cancel_terminates_the_workers() -> None:
    sc = load_scenario("baseline")
    model = play_game(sc, 1, 2, keep=("direct sales", "incentives"))
    job = AttributionJob(sc, 1, player_timeline(model))
    pool = job.pool
    assert pool is not None and job.running
    job.cancel()
    assert pool.alive() == 0 and job.error == "cancelled" and not job.running


def test_a_goal_just_missed_never_reads_as_met() -> None:
    """The goal measure's results read with the digits the goal's clause line uses: 9.5%
    against a 10% goal reads "9.5%" (as on the leaderboard), never "10%"; other measures keep
    their unit's usual digits."""
    def goal(player: float, target: float | None) -> Measure:
        return Measure("min_partner_share_year", "Partner share", "goal", "share", 1, player, 0.2, {}, target)

    assert goal(0.095, 0.10).fmt(0.095) == "9.5%"
    assert goal(0.0999, 0.10).fmt(0.0999) == "9.99%"
    assert goal(0.12, 0.10).fmt(0.12) == "12%"
    assert goal(0.095, None).fmt(0.095) == "10%"          # no target: the unit's usual digits


def test_a_timeline_reads_in_quarters() -> None:
    assert describe_timeline("enablement", [0.6] * 4) == "0.60"
    assert describe_timeline("enablement", [0.6] * 4 + [0.8] * 8) == "0.60 (Q1-Q4), 0.80 (Q5-Q12)"
    assert describe_timeline("incentive", ["none", "aligned", "none"]).count("(Q") == 3


# ------------------------------------------------------------------------- the comparison
def test_compare_reports_what_each_teams_decisions_were_worth(tmp_path: Path) -> None:
    from sim.compare import compare_saves, format_comparison
    from sim.savegame import GameRecord

    sc = load_scenario("baseline")
    best = best_practice_timeline(1)[0]
    record = GameRecord("baseline", 2, "Red", quarters_played=2)
    record.decide(1, {n: v for n, v in best.items() if LEVERS[n].group not in ("direct sales", "incentives")
                      and v != getattr(sc.policy, n)})
    record.save(tmp_path / "red.json")
    df, problems, _ = compare_saves([tmp_path])
    assert not problems
    row = df.iloc[0]
    for key in ("goal", "revenue_partner"):
        total = row[f"worth.{key}.you"] + sum(row[f"worth.{key}.{g}"] for g in LEVER_GROUPS)
        assert total == pytest.approx(row[f"worth.{key}.best"], rel=1e-9, abs=1e-9)
        assert row[f"worth.{key}.enablement"] == 0.0
    table = format_comparison(df)
    assert "What each team's decisions were worth" in table and "direct sales" in table


# ------------------------------------------------------------------------- the debrief
@pytest.fixture
def app(tmp_path: Path):
    from game.app import GameApp

    a = GameApp(save_dir=tmp_path / "saves", team="Blue")
    yield a
    a.close()


def debrief_on(app, keep: tuple[str, ...], quarters: int = 2):
    from game.session import GameSession

    sc = load_scenario("baseline")
    s = GameSession(sc, 3)
    best = best_practice_timeline(1)[0]
    for n, v in best.items():
        if LEVERS[n].group not in keep:
            s.set_lever(n, v)
    for _ in range(quarters):
        s.play_quarter()
    app.session = s
    app.go("play")
    app.push("debrief")             # over the play screen, as the game opens it
    return app.screen


def test_debrief_shows_progress_then_the_waterfall_without_blocking(app) -> None:
    """The replays run in worker processes: frames go on while they do (the tab and the bar
    show k of n), then the waterfall and the table appear, and hovering a bar lists its levers."""
    import pygame

    from game.waterfall import YOU

    debrief = debrief_on(app, keep=("direct sales", "incentives", "recruiting"), quarters=8)
    debrief.show_tab("worth")
    # nothing is taken in before the screen polls: the tab opens on the progress bar
    assert debrief.worth.running and debrief.worth.bar is not None and debrief.worth.waterfall is None
    assert debrief.worth_tab.text.endswith("(0/8)")
    seen, deadline = set(), time.monotonic() + 120
    while debrief.worth.running and time.monotonic() < deadline:
        app.frame(0.05, events=[])                        # each frame polls and returns
        seen.add(debrief.worth.job.done)
        time.sleep(0.02)
    assert not debrief.worth.running and debrief.worth.error is None
    assert len(seen) >= 2 and min(seen) < 8                # frames went on while replays came in
    wf = debrief.worth.waterfall
    assert wf is not None and wf.rows == (YOU, "direct sales", "incentives", "recruiting", "Best practice")
    assert debrief.worth_tab.text == "What your decisions were worth"
    table = next(e for e in debrief.elements if e.most_specific_combined_id.endswith("#worth_table"))
    assert html.escape("Direct reps' comp plan") in table.html_text and "Enablement" not in table.html_text
    r = debrief.worth.waterfall_rect()
    row = wf.row_rects(r.size)["incentives"].move(r.topleft)
    app.frame(1 / 60, events=[pygame.event.Event(pygame.MOUSEMOTION, pos=(r.x + 60, row.centery),
                                                 rel=(0, 0), buttons=(0, 0, 0))])
    assert debrief.worth.hover == "incentives"
    assert "Incentive budget" in debrief.worth.tooltip.text_block.html_text


def test_leaving_the_debrief_stops_the_replays(app) -> None:
    debrief = debrief_on(app, keep=("direct sales", "incentives", "recruiting"))
    job = debrief.worth.job
    pool = job.pool
    assert pool is not None and job.running
    app.back(fallback="play")
    assert app.screen is not debrief and pool.alive() == 0 and not job.running
