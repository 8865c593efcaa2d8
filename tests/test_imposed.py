"""Policy events fire when planning begins and lock what they impose for that quarter (issue 10).

The model fires a quarter's policy events when planning for it begins (after the quarter
before ends; quarter 1's when the model is built), records what each imposed and by whom,
and refuses a change to an imposed lever for that quarter only. A saved game follows the same
rule (a decision that undoes an imposed value cannot be loaded), and the debrief tells the
player's quarters from the imposed ones exactly, from the model's record.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.session import GameSession
from sim.debrief import diagnose, fix_progress
from sim.events import ScheduledEvent
from sim.model import PartnerProgramModel
from sim.playtest import play
from sim.policy import LEVERS, PolicyError
from sim.savegame import SaveGameError, load_game, replay
from sim.scenario import load_scenario

FENCE_BY = ("the head of direct sales", "the CRO")     # protectionist_geography's events, Q5 and Q8


def test_imposed_lever_is_refused_for_its_quarter_and_free_the_next() -> None:
    m = load_scenario("protectionist_geography").build_model(11)
    m.set_policy(partner_regions="all")
    m.run_quarters(4)
    # planning quarter 5: the event has fired, before the player decides
    assert m.policy.partner_regions == "new_markets_only" and not m.allowed_regions.all()
    imp = m.imposed("partner_regions")
    assert imp is not None and imp.quarter == 5 and imp.by == FENCE_BY[0] and imp.value == "new_markets_only"
    with pytest.raises(PolicyError) as e:
        m.set_policy(partner_regions="all", direct_comp="neutral")
    assert "partner_regions" in str(e.value) and FENCE_BY[0] in str(e.value) and "quarter 6" in str(e.value)
    assert m.policy.direct_comp == "competing"                # a refused call changes nothing
    m.set_policy(partner_regions="new_markets_only", direct_comp="neutral")   # no change, and another lever
    m.run_quarters(1)
    assert m.imposed("partner_regions") is None
    m.set_policy(partner_regions="all")                       # quarter 6: the player may change it again
    m.run_quarters(3)
    assert [h["partner_regions"] for h in m.policy_history] == ["all"] * 4 + ["new_markets_only"] + ["all"] * 2 + \
        ["new_markets_only"]
    assert {q: i.by for q, i in m.imposed_quarters("partner_regions").items()} == {5: FENCE_BY[0], 8: FENCE_BY[1]}
    news = [e.cause for e in m.event_log if e.kind == "policy_imposed"]
    assert len(news) == 2 and news[0].startswith("The head of direct sales imposed: ") and news[1].endswith("(Q8)")


def test_quarter_one_event_fires_when_the_model_is_built() -> None:
    ev = ScheduledEvent(1, "policy", "The CEO wants a number from every partner.",
                        changes=(("partner_plan", "revenue_target"),))
    m = PartnerProgramModel(seed=3, partner_plan="joint_activity", events=(ev,))
    assert m.policy.partner_plan == "revenue_target" and m.imposed("partner_plan").by == "a scenario event"
    with pytest.raises(PolicyError, match="partner_plan"):
        m.set_policy(partner_plan="joint_activity")
    m.run_quarters(1)
    m.set_policy(partner_plan="joint_activity")
    m.run_quarters(1)
    assert [h["partner_plan"] for h in m.policy_history] == ["revenue_target", "joint_activity"]


def _repro(refence: bool) -> GameSession:
    """The issue's game: the player keeps the fence for four quarters, then at quarter 5's
    planning pays reps neutrally and opens the fence at the first quarter they may (6); with
    `refence`, they open it again after the CRO's quarter 8 too."""
    s = GameSession(load_scenario("protectionist_geography"), 11)
    for _ in range(4):
        s.play_quarter()
    with pytest.raises(PolicyError, match="head of direct sales"):
        s.set_lever("partner_regions", "all")
    assert s.imposed_reason("partner_regions").startswith("Imposed for quarter 5 by the head of direct sales")
    s.set_lever("direct_comp", "neutral")
    s.play_quarter()
    s.set_lever("partner_regions", "all")
    while not s.finished:
        s.play_quarter()
        if refence and s.quarter == 8:
            s.set_lever("partner_regions", "all")
    return s


def test_debrief_says_exactly_who_decided_each_quarter() -> None:
    s = _repro(refence=False)
    mistakes = {m.claim + " " + m.title: m for m in diagnose(s.model, s.scenario)}
    fence = mistakes["C4 Partners kept to new markets"]
    assert fence.quarters == (1, 2, 3, 4, 5, 8, 9, 10, 11, 12)
    assert fence.when() == ("Q1-Q4 your choice; Q5 imposed by the head of direct sales; Q8 imposed by the CRO; "
                            "Q9-Q12 your choice")
    assert not fence.imposed and fence.fixed_from is None and fence.chosen == (1, 2, 3, 4, 9, 10, 11, 12)
    comp = mistakes["C2 Direct reps paid to compete with partners"]
    assert comp.when() == "Q1-Q4 your choice; you fixed this from Q5" and comp.fixed_from == 5
    assert {f.lever: f.since for f in fix_progress(s.model, s.scenario)} == {"partner_regions": None, "direct_comp": 5}
    # the fence was imposed in Q8 and the player's own choice in Q9-Q12: that choice is what it ended on
    fence_step = next(f for f in fix_progress(s.model, s.scenario) if f.lever == "partner_regions")
    assert fence_step.ended_on == s.model.policy_history[-1]["partner_regions"] != fence_step.value
    assert fence_step.progress() == f"your last choice: {LEVERS['partner_regions'].fmt(fence_step.ended_on)}"

    s = _repro(refence=True)
    fence = next(m for m in diagnose(s.model, s.scenario) if m.claim == "C4")
    assert fence.when() == ("Q1-Q4 your choice; Q5 imposed by the head of direct sales; Q8 imposed by the CRO; "
                            "you fixed this from Q6")
    # the fix is already made: the debrief names it instead of recommending it
    assert {f.lever: f.since for f in fix_progress(s.model, s.scenario)} == {"partner_regions": 6, "direct_comp": 5}


def test_imposed_only_mistake_is_not_the_players() -> None:
    sc = load_scenario("push_not_support")
    model = play(sc, 3, fix=True)
    push = next(m for m in diagnose(model, sc) if m.claim == "C16")
    assert push.imposed and push.when() == "Q4 imposed by the CEO; Q7 imposed by the CEO; Q10 imposed by the board"


def test_save_and_replay_reproduce_an_imposed_game(tmp_path: Path) -> None:
    s = _repro(refence=True)
    path = s.save_as(tmp_path / "fence.json")
    record, scenario = load_game(path)
    again = replay(record, scenario)
    assert again.quarterly_frame().equals(s.model.quarterly_frame())
    assert again.impositions == s.model.impositions and again.policy_history == s.model.policy_history
    # resumed mid-game at quarter 8's planning: the CRO's value is imposed again, and locked
    s2 = GameSession(load_scenario("protectionist_geography"), 11)
    for _ in range(7):
        s2.play_quarter()
    resumed = GameSession.load(s2.save_as(tmp_path / "q8.json"))
    assert resumed.imposition("partner_regions").by == "the CRO"
    assert resumed.lever_value("partner_regions") == "new_markets_only"


def test_save_that_undoes_an_imposed_value_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cheat.json"
    path.write_text(json.dumps({
        "format": "partnersim-save", "version": 1, "scenario": "protectionist_geography", "seed": 11,
        "quarters_played": 5,
        "decisions": [{"quarter": 1, "changes": {"direct_comp": "neutral"}},
                      {"quarter": 5, "changes": {"partner_regions": "all"}}]}))
    with pytest.raises(SaveGameError) as e:
        load_game(path)
    msg = str(e.value)
    assert str(path) in msg and "decisions[1].changes.partner_regions" in msg and "\n" not in msg
    assert "the head of direct sales" in msg and "quarter 6" in msg


def test_debrief_lists_the_lessons_mistake_first() -> None:
    """The scenario's lesson ([fix] lesson) comes first in "what your decisions did", even
    when another mistake lasted as long (issue 11)."""
    sc = load_scenario("orgs_that_dont_partner")
    mistakes = diagnose(play(sc, 3), sc)
    assert [m.claim for m in mistakes][:1] == ["C19"] and mistakes[0].of_the_lesson
    assert not any(m.of_the_lesson for m in mistakes[1:])
    assert [m.claim for m in diagnose(play(sc, 3))][0] != "C19" or len(mistakes) == 1
