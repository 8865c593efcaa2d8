"""The classroom engine (issue 12): a room of 40 bot teams plays a 12-quarter game in-process, and
every team's results are the model's own (a `sim` replay of its save equals it), survive a restart
(the SQLite file replays to the same room) and rank as `partnersim compare` ranks them. Then the
round flow and every refusal at the room level, on one or two teams and a few quarters: a refused
request stores nothing (the actions table has as many rows after as before). The last tests pin
bugs these tests found; they fail until the bug is fixed.

Time: the 40-team game is 40 x 12 model quarters, and proving it plays each of them three more
times (a replay of each save, the reopened file, `compare_saves` of the exported saves).
"""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pandas.testing import assert_frame_equal

import classroom.app as app_module
from classroom.app import Classroom, open_classroom
from classroom.bots import bot_rng, choose
from classroom.room import Seat
from classroom.schemas import MAX_NAME, Refused
from sim.compare import compare_saves
from sim.policy import LEVERS
from sim.savegame import load_game, replay
from sim.scenario import Scenario, event_from_table

with warnings.catch_warnings():
    warnings.simplefilter("ignore")          # starlette 1.x asks for httpx2; httpx is what is installed
    from starlette.testclient import TestClient

SEED = 11
TEAMS = 40
QUARTERS = 12
SERVER_BOTS = {**{i: "baseline" for i in (1, 2, 3, 4, 5)}, **{i: "fix" for i in (6, 7, 8, 9, 10)},
               **{i: "random" for i in (11, 12, 13, 14, 15)}}     # seats the facilitator hands to a bot
BOT_FOR_A_WHILE = (20, 5, 8)        # team 20 is played by a "random" bot from Q5 until Q8's decision
SKIPPERS = (18, 27, 36)              # these teams submit nothing in the quarters below
SKIPPED = (3, 6, 9)


def rule_of(team: int) -> str:
    """The rule a submitting team plays by (teams 16..40)."""
    return ("fix", "random", "baseline")[team % 3]


# ---------------------------------------------------------------------- helpers
def run(coro: Any) -> Any:
    return asyncio.run(coro)


def action_rows(cl: Classroom) -> int:
    return cl.store.db.execute("SELECT COUNT(*) FROM actions").fetchone()[0]


def new_classroom(path: Path, scenario: str = "baseline", seed: int = SEED, **kw: Any) -> tuple[Classroom, str]:
    cl, key, resumed = open_classroom(path, scenario, seed, **kw)
    assert not resumed
    cl.join_url = "http://testserver/"
    return cl, key


def join(cl: Classroom, name: str) -> tuple[Seat, str]:
    out = run(cl.join(cl.room.code, name))
    return cl.room.seats[out["team"]], out["token"]


def act(cl: Classroom, action: str, **kw: Any) -> dict[str, Any]:
    return run(cl.act({"action": action, **kw}))


def submit(cl: Classroom, seat: Seat, levers: dict[str, Any], quarter: int | None = None,
           revision: int | None = None) -> dict[str, Any]:
    q = cl.room.open_quarter if quarter is None else quarter
    r = seat.revision if revision is None else revision
    return run(cl.submit(seat, {"quarter": q, "revision": r, "levers": levers}))


def refused(cl: Classroom, call: Any, status: int, *words: str) -> str:
    """`call()` is refused with `status` and a reason holding `words`, and nothing is stored."""
    before = action_rows(cl), cl.room.version
    with pytest.raises(Refused) as info:
        call()
    assert info.value.status == status, info.value.reason
    for w in words:
        assert w in info.value.reason, (w, info.value.reason)
    assert (action_rows(cl), cl.room.version) == before, "a refused request stored or applied something"
    return info.value.reason


def fresh_frame(sc: Scenario, decisions: dict[int, dict[str, Any]], quarters: int, seed: int = SEED):
    """A game played straight on `sim` (no classroom): `decisions` by quarter."""
    model = sc.build_model(seed)
    for q in range(1, quarters + 1):
        if decisions.get(q):
            model.set_policy(**decisions[q])
        model.run_quarters(1)
    return model.quarterly_frame()


def free_levers(sc: Scenario, seat: Seat) -> dict[str, tuple[Any, bool]]:
    """What a team's page shows a bot: each lever's value and whether it may change now."""
    m = seat.model
    return {k: (getattr(m.policy, k), k not in sc.locked and m.imposed(k) is None) for k in LEVERS}


# ---------------------------------------------------------------------- the 40-team game
def forty_team_game(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """40 teams, 12 quarters, gated: 15 server-side bots (baseline, fix, random), 25 teams
    submitting through `Classroom.submit` by the same rules, three of which skip quarters 3, 6
    and 9 (the facilitator closes those rounds), and one team handed to a bot for a while."""
    folder = tmp_path_factory.mktemp("engine")
    db = folder / "class.sqlite"
    started = time.perf_counter()
    cl, key = new_classroom(db)
    sc = cl.room.scenario
    closes: dict[int, str] = {}

    async def play() -> dict[int, str]:
        tokens = {}
        for i in range(1, TEAMS + 1):
            out = await cl.join(cl.room.code, f"Team {i:02d}")
            assert out["team"] == i
            tokens[i] = out["token"]
        for team, rule in SERVER_BOTS.items():
            await cl.act({"action": "bot", "team": team, "policy": rule})
        await cl.act({"action": "start"})
        for q in range(1, QUARTERS + 1):
            room = cl.room
            assert (room.phase, room.open_quarter) == ("open", q)
            if q == BOT_FOR_A_WHILE[1]:
                await cl.act({"action": "bot", "team": BOT_FOR_A_WHILE[0], "policy": "random"})
            if q == BOT_FOR_A_WHILE[2]:
                await cl.act({"action": "unbot", "team": BOT_FOR_A_WHILE[0]})
            for seat in list(room.seats.values()):
                if seat.bot or (seat.id in SKIPPERS and q in SKIPPED):
                    continue
                changes = choose(rule_of(seat.id), free_levers(sc, seat), sc.fix, bot_rng(SEED, seat.id, q))
                state = await cl.submit(seat, {"quarter": q, "revision": seat.revision, "levers": changes})
                assert state["team"]["submitted"] or room.phase != "open"
            if room.phase == "open":
                await cl.act({"action": "close"})
                closes[q] = "facilitator"
            else:
                closes[q] = "all in"
            assert room.phase == ("ended" if q == QUARTERS else "results")
            assert room.quarter == q
            if q < QUARTERS:
                await cl.act({"action": "advance"})
        return tokens

    tokens = run(play())
    return {"cl": cl, "key": key, "db": db, "folder": folder, "tokens": tokens, "closes": closes,
            "seconds": time.perf_counter() - started}


def test_forty_teams_play_twelve_quarters(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One test, so the game is played once whatever the number of test workers: the play, then
    the reopened file, then the exported saves against `partnersim compare` (whose replay of each
    save must equal the team's game, figure for figure)."""
    game = forty_team_game(tmp_path_factory)
    check_the_play(game)
    check_reopening_the_file_replays_the_same_room(game)
    check_exported_saves_rank_like_the_leaderboard(game)


def check_the_play(game: dict[str, Any]) -> None:
    cl: Classroom = game["cl"]
    room = cl.room
    assert (room.phase, room.quarter, len(room.seats)) == ("ended", QUARTERS, TEAMS)
    assert all(s.model.quarter == QUARTERS and s.record.quarters_played == QUARTERS for s in room.seats.values())
    # the last submission closes a round; a round with a team missing is closed by the facilitator
    assert {q for q, how in game["closes"].items() if how == "facilitator"} == set(SKIPPED)
    assert sum(how == "all in" for how in game["closes"].values()) == QUARTERS - len(SKIPPED)
    for team in SKIPPERS:
        decided = {d.quarter for d in room.seats[team].record.decisions}
        assert not decided & set(SKIPPED), "a team that did not submit has no decision for that quarter"
    # a server bot's decisions are in its record like anyone's: the fix bot changed levers in Q1
    fixed = room.seats[6].record.changes_before(1)
    assert fixed and all(fixed[k] == v for k, v in room.scenario.fix.items() if k in fixed)
    assert not room.seats[1].record.decisions                       # the baseline bot never changes
    assert room.seats[BOT_FOR_A_WHILE[0]].bot is None
    texts = [t for _, _, t in room.history]
    assert "Team 20: played by a bot (random)" in texts and "Team 20: seat given back to the team" in texts
    assert sum("closed: every team is in" in t for t in texts) == QUARTERS - len(SKIPPED)
    assert sum("3 kept last quarter's policy" in t for t in texts) == len(SKIPPED)
    print(f"\n40 teams x 12 quarters in-process: {game['seconds']:.1f} s")


def check_reopening_the_file_replays_the_same_room(game: dict[str, Any]) -> None:
    cl: Classroom = game["cl"]
    again, key, resumed = open_classroom(game["db"])
    try:
        assert resumed and key != game["key"]
        a, b = cl.room, again.room
        assert (b.phase, b.quarter, b.code, b.practice) == (a.phase, a.quarter, a.code, a.practice)
        assert b.history[:-1] == a.history and b.history[-1][2] == "Server restarted"   # the restart is logged
        assert b.version == a.version + 1
        assert list(b.seats) == list(a.seats)
        for i, seat in a.seats.items():
            other = b.seats[i]
            assert (other.name, other.revision, other.bot, other.kept_last) == \
                   (seat.name, seat.revision, seat.bot, seat.kept_last)
            assert other.record.decisions == seat.record.decisions
            assert_frame_equal(other.model.quarterly_frame(), seat.model.quarterly_frame(), obj=seat.name)
        # every key issued before the restart still works after it
        assert all(again.seat_for(tok).id == i for i, tok in game["tokens"].items())
        again.check_facilitator(game["key"])
    finally:
        again.store.close()


def check_exported_saves_rank_like_the_leaderboard(game: dict[str, Any]) -> None:
    cl: Classroom = game["cl"]
    folder = game["folder"] / "saves"
    with zipfile.ZipFile(io.BytesIO(cl.export_saves_zip())) as z:
        z.extractall(folder)
    files = sorted(folder.glob("*.json"))
    assert len(files) == TEAMS
    # `partnersim compare` on one save of each kind of seat (server bots of each rule, the team a bot
    # played for a while, a team that skipped quarters, submitting teams of each rule): the command
    # adds a best-practice run and a diagnosis per save (~0.8 s each), so all 40 would double this
    # file's time for nothing the in-process comparison of all 40 below does not show (it reads
    # every file the same way). It runs beside that comparison.
    kinds = (1, 6, 11, BOT_FOR_A_WHILE[0], SKIPPERS[0], 16, 17, 19)
    picked = [f for f in files if int(f.name[:2]) in kinds]
    cli = subprocess.Popen([sys.executable, "-m", "sim", "compare", *map(str, picked), "--no-attribution"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        df, problems, frames = compare_saves([folder], with_best=False, attribution=False)
        assert problems == []
        board = cl.leaderboard()
        assert list(df["team"]) == [r["team"] for r in board]
        by_name = {s.name: s for s in cl.room.seats.values()}
        for _, row in df.iterrows():        # the file's replay is the team's game, figure for figure
            assert_frame_equal(frames[row["file"]], by_name[row["team"]].model.quarterly_frame(), obj=row["team"])
        record, _ = load_game(files[0])
        assert record.quarters_played == QUARTERS and record.scenario == "baseline" and record.seed == SEED
        out, err = cli.communicate(timeout=600)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
    assert cli.returncode == 0, err
    table = out.split("\n\n")[0].splitlines()[1:]                                 # the table, no header
    shown = [line for line in table if line.strip()]
    ranked = [r["team"] for r in board if r["id"] in kinds]
    assert [next(t for t in ranked if t in line) for line in shown] == ranked     # in the leaderboard's order


# ---------------------------------------------------------------------- round flow (a few teams)
def reopened(cl: Classroom) -> Classroom:
    """The classroom a restarted server rebuilds from the same file."""
    again, _, resumed = open_classroom(cl.store.path)
    assert resumed
    again.join_url = cl.join_url
    return again


def assert_same_room(a: Classroom, b: Classroom) -> None:
    """`b`, reopened from `a`'s file, is `a` plus the restart it logged (an open timed round's
    clock then ends at least `RESTART_GRACE` seconds after the restart)."""
    ra, rb = a.room, b.room
    assert (rb.phase, rb.quarter, rb.practice, rb.paused, rb.injected, rb.messages) == \
           (ra.phase, ra.quarter, ra.practice, ra.paused, ra.injected, ra.messages)
    seq, at, text = rb.history[-1]
    assert rb.history[:-1] == ra.history and text.startswith("Server restarted")
    if ra.phase == "open" and ra.deadline is not None:
        assert rb.deadline == max(ra.deadline, at + app_module.RESTART_GRACE)
    else:
        assert rb.deadline == ra.deadline
    for i, s in ra.seats.items():
        t = rb.seats[i]
        assert (t.name, t.revision, t.submitted, t.locked, t.bot, t.extra, t.kept_last) == \
               (s.name, s.revision, s.submitted, s.locked, s.bot, s.extra, s.kept_last)
        assert t.record.decisions == s.record.decisions
        assert_frame_equal(t.model.quarterly_frame(), s.model.quarterly_frame())


def test_practice_round_then_start_resets_every_team_to_a_fresh_game(tmp_path: Path) -> None:
    cl, _ = new_classroom(tmp_path / "practice.sqlite")
    room = cl.room
    a, _ = join(cl, "Alpha")
    b, _ = join(cl, "Beta")
    assert room.can()["practice"] and room.can()["start"]
    act(cl, "practice")
    assert (room.phase, room.open_quarter, room.practice) == ("open", 1, True)
    act(cl, "inject", event={"kind": "shock", "shock": "demand", "size": 0.5, "duration": 2,
                             "message": "Practice slump"})
    submit(cl, a, {"enablement": 0.95, "partner_team_size": 8})
    submit(cl, b, {"direct_comp": "neutral"})                      # the last one in closes the round
    assert (room.phase, room.quarter, room.practice) == ("results", 1, True)
    assert {k for k, v in room.can().items() if v} == {"start"}    # no advance, no end, no second practice
    practice_board = [r["net"] for r in cl.leaderboard()]
    act(cl, "start")
    assert (room.phase, room.quarter, room.open_quarter, room.practice) == ("open", 0, 1, False)
    assert room.injected == [] and all(s.model.quarter == 0 and not s.record.decisions and not s.kept_last
                                       for s in room.seats.values())
    assert "practice reset" in room.history[-1][2]
    decisions = {1: {"sales_playbook": 0.7}, 2: {"partner_margin": 0.3}}
    submit(cl, a, decisions[1])
    submit(cl, b, {})
    assert [r["net"] for r in cl.leaderboard()] != practice_board     # the board is the real game's
    act(cl, "advance")
    submit(cl, a, decisions[2])
    submit(cl, b, {})
    sc = room.scenario
    assert_frame_equal(a.model.quarterly_frame(), fresh_frame(sc, decisions, 2))
    assert_frame_equal(b.model.quarterly_frame(), fresh_frame(sc, {}, 2))
    assert [(d.quarter, d.changes) for d in a.record.decisions] == list(decisions.items())
    assert_same_room(cl, reopened(cl))


def test_a_team_that_does_not_submit_keeps_last_quarters_policy(tmp_path: Path) -> None:
    cl, _ = new_classroom(tmp_path / "kept.sqlite")
    room = cl.room
    a, _ = join(cl, "Alpha")
    b, _ = join(cl, "Beta")
    act(cl, "start")
    submit(cl, a, {"enablement": 0.9})
    submit(cl, b, {"partner_team_size": 5})
    refused(cl, lambda: submit(cl, a, {"enablement": 0.2}, quarter=1), 409, "no round is open")   # closed
    act(cl, "advance")
    refused(cl, lambda: submit(cl, a, {"enablement": 0.2}, quarter=1), 409, "'quarter': 1", "allowed: 2")  # past
    submit(cl, b, {"partner_team_size": 6})
    host = act(cl, "close")                                        # Alpha never submitted for Q2
    assert room.phase == "results" and host["room"]["quarter"] == 2
    assert a.kept_last and not b.kept_last
    assert cl.team_state(a)["team"]["kept_last"] is True and cl.team_state(b)["team"]["kept_last"] is False
    assert {r["name"]: r["kept_last"] for r in host["roster"]} == {"Alpha": True, "Beta": False}
    assert a.model.policy.enablement == 0.9 and a.record.quarters_played == 2
    assert [d.quarter for d in a.record.decisions] == [1]          # no decision for the quarter it sat out
    assert room.history[-1][2].startswith("Q2 closed") and room.history[-1][2].endswith("; 1 kept last quarter's policy")
    act(cl, "advance")
    submit(cl, a, {"enablement": 0.7})
    submit(cl, b, {})
    assert not a.kept_last and not b.kept_last                    # an empty submission is a decision
    assert_frame_equal(a.model.quarterly_frame(), fresh_frame(room.scenario, {1: {"enablement": 0.9},
                                                                              3: {"enablement": 0.7}}, 3))


def test_lock_reopen_bot_unbot(tmp_path: Path) -> None:
    cl, _ = new_classroom(tmp_path / "seats.sqlite")
    room = cl.room
    a, _ = join(cl, "Alpha")
    b, _ = join(cl, "Beta")
    act(cl, "start")
    act(cl, "lock", team=a.id)
    assert a.locked and room.phase == "open"                     # Beta still deciding
    refused(cl, lambda: submit(cl, a, {"enablement": 0.9}), 409, "locked")
    refused(cl, lambda: act(cl, "lock", team=a.id), 409, "cannot be locked")
    act(cl, "reopen", team=a.id)
    refused(cl, lambda: act(cl, "reopen", team=a.id), 409, "not locked")
    submit(cl, a, {"enablement": 0.9})
    refused(cl, lambda: act(cl, "extend", team=a.id, minutes=1), 409, "timed")   # gated room
    refused(cl, lambda: act(cl, "unbot", team=b.id), 409, "not played by a bot")
    act(cl, "bot", team=b.id, policy="fix")                        # the last seat decided: the round closes
    assert room.phase == "results" and b.bot == "fix"
    fix = {k: v for k, v in room.scenario.fix.items() if getattr(room.scenario.policy, k) != v}
    assert b.record.changes_before(1) == fix and not b.kept_last
    act(cl, "advance")
    refused(cl, lambda: submit(cl, b, {"enablement": 0.2}), 409, "a bot is playing")
    act(cl, "unbot", team=b.id)
    assert b.bot is None and room.phase == "open"
    submit(cl, b, {"enablement": 0.2})
    act(cl, "lock", team=a.id)                                     # Alpha locked without a decision: all in
    assert room.phase == "results" and a.kept_last and not a.locked
    assert_same_room(cl, reopened(cl))


def test_injected_events_change_results_exactly_as_a_scenario_with_them(tmp_path: Path) -> None:
    cl, key = new_classroom(tmp_path / "inject.sqlite")
    room = cl.room
    a, _ = join(cl, "Alpha")
    act(cl, "start")
    shock = {"kind": "shock", "shock": "demand", "size": 0.6, "duration": 2, "message": "A recession hits"}
    act(cl, "inject", event=shock)                  # during Q1's decisions: lands on Q2
    submit(cl, a, {"enablement": 0.8})
    policy = {"kind": "policy", "by": "the CRO", "message": "The CRO takes the big accounts direct",
              "changes": {"direct_takeover": True, "management_style": "push"}}
    act(cl, "inject", event=policy)                 # after Q1's results: Q2, binding at once
    assert [e.quarter for e in room.injected] == [2, 2]
    act(cl, "advance")
    state = cl.team_state(a)
    assert [u.split("\n")[0] for u in state["upcoming"]] == [shock["message"], policy["message"]]
    imposed = {lv["name"]: lv["imposed"] for lv in state["levers"] if lv["imposed"]}
    assert set(imposed) == {"direct_takeover", "management_style"} and "the CRO" in imposed["direct_takeover"]
    refused(cl, lambda: submit(cl, a, {"direct_takeover": False}), 422, "levers.direct_takeover", "the CRO")
    submit(cl, a, {"direct_takeover": True, "sales_playbook": 0.9})   # the imposed value itself is fine
    act(cl, "advance")
    submit(cl, a, {"direct_takeover": False, "management_style": "support"})   # free again from Q3
    decisions = {1: {"enablement": 0.8}, 2: {"sales_playbook": 0.9},
                 3: {"direct_takeover": False, "management_style": "support"}}
    assert [(d.quarter, d.changes) for d in a.record.decisions] == list(decisions.items())
    with_events = room.scenario.with_events([event_from_table({**shock, "quarter": 2}, "shock"),
                                             event_from_table({**policy, "quarter": 2}, "policy")])
    frame = a.model.quarterly_frame()
    assert_frame_equal(frame, fresh_frame(with_events, decisions, 3))
    assert not frame.equals(fresh_frame(room.scenario, decisions, 3))       # the events did change it
    assert_frame_equal(frame, replay(room.save_record(a)).quarterly_frame())
    with zipfile.ZipFile(io.BytesIO(cl.export_saves_zip())) as z:
        z.extractall(tmp_path / "saves")
    record, scenario = load_game(next((tmp_path / "saves").glob("*.json")))
    assert len(record.injected) == 2
    assert_frame_equal(frame, replay(record, scenario).quarterly_frame())
    assert_same_room(cl, reopened(cl))


def test_end_early_and_late_join(tmp_path: Path) -> None:
    cl, _ = new_classroom(tmp_path / "end.sqlite")
    room = cl.room
    a, _ = join(cl, "Alpha")
    act(cl, "start")
    submit(cl, a, {"enablement": 0.85})
    b, _ = join(cl, "Beta")                           # joins at Q1's results: played Q1 on the starting policy
    assert (b.model.quarter, b.record.quarters_played, b.record.decisions) == (1, 1, [])
    assert_frame_equal(b.model.quarterly_frame(), fresh_frame(room.scenario, {}, 1))
    act(cl, "advance")
    c, _ = join(cl, "Gamma")                          # joins while Q2 is being decided
    assert c.model.quarter == 1 and cl.team_state(c)["room"]["open_quarter"] == 2
    submit(cl, c, {"partner_margin": 0.3})
    submit(cl, a, {"enablement": 0.5})
    refused(cl, lambda: act(cl, "practice"), 409, "does not apply")
    act(cl, "end")                                    # Beta still deciding: the open quarter is dropped
    assert (room.phase, room.quarter) == ("ended", 1)
    assert all(s.submitted is None and s.model.quarter == 1 for s in room.seats.values())
    assert [d.quarter for d in a.record.decisions] == [1] and c.record.decisions == []
    assert not any(room.can().values())
    state = cl.team_state(a)
    assert state["debrief"] is not None and state["room"]["phase"] == "ended"
    for seat in (a, b, c):
        assert room.save_record(seat).quarters_played == 1
        assert_frame_equal(seat.model.quarterly_frame(), replay(room.save_record(seat)).quarterly_frame())
    refused(cl, lambda: join(cl, "Delta"), 409, "ended")
    refused(cl, lambda: act(cl, "bot", team=a.id, policy="fix"), 409, "ended")
    refused(cl, lambda: act(cl, "inject", event={"kind": "shock", "shock": "demand", "size": 0.5,
                                                 "duration": 1, "message": "x"}), 409, "ended")
    refused(cl, lambda: act(cl, "advance"), 409, "does not apply")
    assert_same_room(cl, reopened(cl))


# ---------------------------------------------------------------------- refusals
def test_refusals_say_why_and_store_nothing(tmp_path: Path) -> None:
    cl, key = new_classroom(tmp_path / "refuse.sqlite", max_teams=3)
    room = cl.room
    refused(cl, lambda: run(cl.join("WRONG", "Alpha")), 403, "'code'")
    a, ta = join(cl, "Blue Team")
    run(cl.join(f" {room.code.lower()} ", "Red"))                 # a typed code forgives case and spaces
    refused(cl, lambda: join(cl, "  blue   TEAM "), 409, "has joined already")
    refused(cl, lambda: join(cl, "   "), 422, "'name'")
    join(cl, "Green")
    refused(cl, lambda: join(cl, "Yellow"), 409, "full", "3 teams")
    refused(cl, lambda: act(cl, "close"), 409, "'close' does not apply", "lobby")
    refused(cl, lambda: act(cl, "advance"), 409, "does not apply")
    refused(cl, lambda: act(cl, "end"), 409, "does not apply")
    refused(cl, lambda: act(cl, "pause"), 409, "does not apply")     # gated: no clock to pause
    refused(cl, lambda: submit(cl, a, {}, quarter=1), 409, "no round is open")
    refused(cl, lambda: act(cl, "fly"), 422, "'action'")
    refused(cl, lambda: act(cl, "lock", team=99), 422, "'team': 99")
    refused(cl, lambda: act(cl, "bot", team=a.id, policy="genius"), 422, "'policy'")
    refused(cl, lambda: act(cl, "inject", event={"kind": "shock", "shock": "meteor", "size": 0.5, "duration": 1,
                                                 "message": "x"}), 422, "shock")
    refused(cl, lambda: act(cl, "inject", event={"kind": "policy", "changes": {"warp_drive": True},
                                                 "message": "x"}), 422, "warp_drive")
    refused(cl, lambda: act(cl, "inject", event={"kind": "policy", "changes": {"enablement": 7},
                                                 "message": "x"}), 422, "enablement")
    act(cl, "start")
    refused(cl, lambda: submit(cl, a, {"warp_drive": 1}), 422, "'levers.warp_drive'", "unknown lever")
    refused(cl, lambda: submit(cl, a, {"enablement": 1.5}), 422, "'levers.enablement'", "from 0 to 1")
    refused(cl, lambda: submit(cl, a, {"direct_comp": "ruthless"}), 422, "'levers.direct_comp'", "neutral")
    refused(cl, lambda: submit(cl, a, {}, quarter=2), 409, "'quarter': 2", "allowed: 1")
    refused(cl, lambda: submit(cl, a, {}, revision=5), 409, "'revision': 5", "ahead")
    refused(cl, lambda: act(cl, "start"), 409, "does not apply")
    # a resend of the same decision, or a second tab's decision on an older revision: the state, nothing stored
    before = action_rows(cl)
    first = submit(cl, a, {"enablement": 0.9}, revision=0)
    assert action_rows(cl) == before + 1
    for levers in ({"enablement": 0.9}, {"enablement": 0.1}):
        again = submit(cl, a, levers, revision=0)
        assert action_rows(cl) == before + 1 and again["team"]["revision"] == 1
        assert {lv["name"]: lv["submitted_value"] for lv in again["levers"]}["enablement"] == 0.9
        assert again["team"] == first["team"]
    # keys
    refused(cl, lambda: cl.seat_for("not-a-key"), 401, "not valid in this room")
    refused(cl, lambda: cl.seat_for(None), 401, "not valid in this room")
    refused(cl, lambda: cl.seat_for(key), 401, "not valid in this room")        # the facilitator is no team
    refused(cl, lambda: cl.check_facilitator(ta), 403, "facilitator")
    refused(cl, lambda: cl.check_facilitator(None), 403, "facilitator")
    cl.check_facilitator(key)
    http = TestClient(app_module.create_app(cl), raise_server_exceptions=False)
    before = action_rows(cl)
    for url, token, body, status in (
            ("/api/host/action", ta, {"action": "close"}, 403),
            ("/api/host/action", None, {"action": "close"}, 403),
            ("/api/submit", "forged", {"quarter": 1, "revision": 1, "levers": {}}, 401),
            ("/api/submit", None, {"quarter": 1, "revision": 1, "levers": {}}, 401),
            ("/api/submit", key, {"quarter": 1, "revision": 1, "levers": {}}, 401)):
        r = http.post(url, json=body, headers={"Authorization": f"Bearer {token}"} if token else {})
        assert r.status_code == status and isinstance(r.json()["error"], str), (url, r.text)
    assert action_rows(cl) == before


def test_locked_and_imposed_levers_are_refused(tmp_path: Path) -> None:
    cl, _ = new_classroom(tmp_path / "comp.sqlite", "competing_comp_plans", seed=0)
    room = cl.room
    a, _ = join(cl, "Alpha")
    act(cl, "start")
    size = room.scenario.policy.partner_team_size
    refused(cl, lambda: submit(cl, a, {"partner_team_size": size + 2}), 422, "'levers.partner_team_size'",
            "Headcount is frozen")
    submit(cl, a, {"partner_team_size": size, "enablement": 0.8})   # the locked value itself is no change
    assert a.record.changes_before(1) == {"enablement": 0.8}
    for _ in (2, 3):
        act(cl, "advance")
        submit(cl, a, {})
    act(cl, "advance")
    assert room.open_quarter == 4 and a.model.imposed("direct_takeover") is not None
    refused(cl, lambda: submit(cl, a, {"direct_takeover": False}), 422, "'levers.direct_takeover'", "the CRO")
    submit(cl, a, {"direct_takeover": True})
    act(cl, "advance")
    submit(cl, a, {"direct_takeover": False})
    assert a.record.changes_before(5) == {"direct_takeover": False}


# ---------------------------------------------------------------------- names and secrets
def test_team_names_are_cleaned_capped_and_plain_text(tmp_path: Path) -> None:
    cl, _ = new_classroom(tmp_path / "names.sqlite")
    script = "<img src=x onerror=alert(1)>"
    seat, _ = join(cl, script)
    assert seat.name == script                     # kept as text: the pages never parse it as HTML
    for page in Path(app_module.STATIC).glob("*.js"):
        assert ".innerHTML" not in page.read_text(), page.name
    seat, _ = join(cl, "Red\x00\x1b[31m\tteam\u202e\u200b  \r\nnorth")
    assert seat.name == "Red [31m team north"
    assert all(ch.isprintable() for ch in seat.name)
    seat, _ = join(cl, "A" * 100)
    assert seat.name == "A" * MAX_NAME
    refused(cl, lambda: join(cl, " \t \u00a0 "), 422, "'name'")
    seat, _ = join(cl, "=HYPERLINK(1)")             # a spreadsheet never runs it as a formula
    act(cl, "start")
    for s in list(cl.room.seats.values()):
        submit(cl, s, {})
    assert "'=HYPERLINK(1)" in cl.export_leaderboard_csv() and "'=HYPERLINK(1)" in cl.export_quarters_csv()


def test_no_state_leaks_a_key_or_another_teams_name(tmp_path: Path) -> None:
    cl, key = new_classroom(tmp_path / "leaks.sqlite")
    names = ["Quokka Alpha", "Narwhal Beta", "Axolotl Gamma"]
    seats = [join(cl, n) for n in names]
    secrets = [key, *(t for _, t in seats)]

    def check() -> None:
        public = json.dumps(cl.public_state())
        host = json.dumps(cl.room_state())
        assert not any(s in public or s in host for s in secrets)
        for (seat, _), name in zip(seats, names, strict=True):
            text = json.dumps(cl.team_state(seat))
            assert name in text
            assert not any(s in text for s in secrets)
            assert not any(other in text for other in names if other != name)

    check()
    act(cl, "start")
    act(cl, "broadcast", message="Two minutes left")
    check()
    for seat, _ in seats:
        submit(cl, seat, {"enablement": 0.7})
    check()
    act(cl, "end")
    check()


# ---------------------------------------------------------------------- timed rounds on a fake clock
@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The server's clock, set by the test (`clock[0] = ...`)."""
    now = [1_000_000.0]
    monkeypatch.setattr(app_module, "time", SimpleNamespace(time=lambda: now[0]))
    return now


def test_a_timed_round_closes_by_itself_and_waits_for_a_team_given_more_time(tmp_path: Path,
                                                                              clock: list[float]) -> None:
    cl, _ = new_classroom(tmp_path / "timed.sqlite", mode="timed", minutes=0.25)
    room = cl.room
    a, _ = join(cl, "Alpha")
    b, _ = join(cl, "Beta")
    t0 = clock[0]
    act(cl, "start")
    assert room.deadline == t0 + 15 and cl.team_state(a)["team"]["deadline"] == t0 + 15
    submit(cl, a, {"enablement": 0.9})
    clock[0] = t0 + 14.9
    run(cl.tick())
    assert room.phase == "open"
    clock[0] = t0 + 15.0
    run(cl.tick())
    assert room.phase == "results" and b.kept_last and not a.kept_last
    last = cl.store.actions()[-1]
    assert (last.kind, last.body) == ("clock", {"action": "close", "reason": "time"})
    assert room.history[-1][2] == "Q1 closed: time is up; 1 kept last quarter's policy"
    # Q2: Beta gets a minute more; the round waits for Beta's own deadline
    t1 = clock[0] = t0 + 100
    act(cl, "advance")
    act(cl, "extend", team=b.id, minutes=1)
    assert cl.team_state(b)["team"]["deadline"] == t1 + 75 and cl.team_state(a)["team"]["deadline"] == t1 + 15
    submit(cl, a, {})
    clock[0] = t1 + 60
    run(cl.tick())
    assert room.phase == "open"
    clock[0] = t1 + 75
    run(cl.tick())
    assert room.phase == "results" and b.kept_last
    # a team given more time does not hold the round for a team without it
    t2 = clock[0] = t1 + 200
    act(cl, "advance")
    act(cl, "extend", team=a.id, minutes=2)
    submit(cl, a, {})
    clock[0] = t2 + 15
    run(cl.tick())
    assert room.phase == "results"
    assert_same_room(cl, reopened(cl))


def test_pause_and_resume_keep_the_time_left(tmp_path: Path, clock: list[float]) -> None:
    cl, _ = new_classroom(tmp_path / "pause.sqlite", mode="timed", minutes=0.25)
    room = cl.room
    join(cl, "Alpha")
    t0 = clock[0]
    act(cl, "start")
    clock[0] = t0 + 5
    host = act(cl, "pause")
    assert room.paused and room.deadline is None and host["room"]["deadline"] is None
    assert host["can"]["resume"] and not host["can"]["pause"]
    clock[0] = t0 + 500
    run(cl.tick())
    assert room.phase == "open"                      # a paused round never closes by the clock
    act(cl, "resume")
    assert room.deadline == t0 + 510 and not room.paused
    mid = reopened(cl)                               # a restart mid-round: at least a minute more
    assert (mid.room.deadline, mid.room.paused) == (t0 + 500 + app_module.RESTART_GRACE, False)
    assert_same_room(cl, mid)
    mid.store.close()
    clock[0] = t0 + 509.9
    run(cl.tick())
    assert room.phase == "open"
    clock[0] = t0 + 510
    run(cl.tick())
    assert room.phase == "results"


# ---------------------------------------------------------------------- what these tests found
def test_best_practice_line_is_the_real_games_after_a_practice_round_with_an_event(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`views.best_frame` caches best practice by the NUMBER of injected events: a practice round
    with one injected event, then one event injected in the real game, share a key, and the real
    game's best-practice line (charts, debrief, class debrief) is the practice world's."""
    from classroom import views
    from sim.debrief import best_practice_model

    monkeypatch.setattr(views, "_BEST", {})          # the cache is per process: start it empty
    cl, _ = new_classroom(tmp_path / "best.sqlite")
    room = cl.room
    a, _ = join(cl, "Alpha")
    act(cl, "inject", event={"kind": "shock", "shock": "demand", "size": 0.4, "duration": 2,
                             "message": "Practice recession"})           # lands on Q1: the practice quarter
    act(cl, "practice")
    submit(cl, a, {})
    assert room.practice and room.phase == "results"
    act(cl, "start")                                                    # the practice's event goes
    act(cl, "inject", event={"kind": "shock", "shock": "demand", "size": 1.5, "duration": 1,
                             "message": "A boom"})                      # lands on Q2
    state = submit(cl, a, {})
    assert room.quarter == 1 and len(room.injected) == 1
    best = best_practice_model(room.world, room.seed, 1).quarterly_frame()
    shown = next(c for c in state["charts"] if c["key"] == "partners")["series"][-1]["values"]
    assert_frame_equal(views.best_frame(room), best)
    assert shown == [float(v) for v in best["partners_active"]]


def test_exporting_the_chart_of_an_empty_room_is_refused_not_a_crash(tmp_path: Path) -> None:
    """`plot_comparison` of no team asks matplotlib for 0 rows of axes: a 500 on
    /api/host/export/chart.png before anyone joined."""
    cl, key = new_classroom(tmp_path / "empty.sqlite")
    http = TestClient(app_module.create_app(cl), raise_server_exceptions=False)
    for name in ("leaderboard.csv", "quarters.csv", "saves.zip", "chart.png"):
        r = http.get(f"/api/host/export/{name}", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code < 500, (name, r.status_code, r.text)
        if r.status_code >= 400:
            assert isinstance(r.json()["error"], str)


@pytest.mark.parametrize("size", [float("nan"), float("inf")])
def test_an_injected_shock_of_no_finite_size_is_refused_and_the_file_stays_replayable(tmp_path: Path,
                                                                                     size: float) -> None:
    """The event schema takes any float as a shock's size (sim/scenario.py ShockEvent.size); a
    `manager_departures` shock of NaN or infinity is logged, then `int(size)` raises while the
    quarter resolves: the room stays 'resolving' for good and reopening the file raises the same
    error (not even a ClassroomError)."""
    cl, _ = new_classroom(tmp_path / "nan.sqlite")
    a, _ = join(cl, "Alpha")
    act(cl, "start")
    refused(cl, lambda: act(cl, "inject", event={"kind": "shock", "shock": "manager_departures", "size": size,
                                                 "duration": 1, "message": "The partner team walks out"}),
            422, "size")


def test_leaderboard_after_a_practice_round_is_the_real_games(tmp_path: Path) -> None:
    """`Classroom.leaderboard` caches by (quarter, teams, ended, each model's quarter): the real Q1
    has the practice Q1's key. When the start's own cascade plays Q1 (every seat a bot: a rehearsal)
    nothing reads the board in between, and the practice's board is served for the real game."""
    from sim.standing import standing

    cl, _ = new_classroom(tmp_path / "board.sqlite")
    a, _ = join(cl, "Alpha")
    act(cl, "bot", team=a.id, policy="baseline")
    act(cl, "inject", event={"kind": "shock", "shock": "demand", "size": 0.3, "duration": 2, "message": "Slump"})
    act(cl, "practice")                            # every seat a bot: the practice quarter plays at once
    assert cl.room.practice and cl.room.phase == "results"
    host = act(cl, "start")                        # reset, open Q1, every seat decided: Q1 plays at once
    assert (cl.room.phase, cl.room.quarter, cl.room.practice) == ("results", 1, False)
    sc = cl.room.scenario
    truth = standing(sc.win, sc.at_quarter, a.model.quarterly_frame())
    assert host["leaderboard"][0]["net"] == truth.net
