"""The game's classroom seat (issue 13): a team plays a classroom room through the game's own
screens, and one laptop plays several teams in turns (hot-seat).

The server is the authority; the seat (`game.room_session.RoomSession`) sends its decisions and
replays the room's timeline on a model of its own to animate each quarter. Every test holds the
seat to the server: the figures it shows equal the server's unrounded `timeline.check` and
`sim.savegame.replay` of the game the server exports (`GET /api/team/save`).

Real servers (`classroom.launch.start_server` on 127.0.0.1): one shared by the tests that bring
the room to an open round from whatever phase they find it in (`open_round`), and fresh ones
for the tests that need a lobby or restart the server. Every wait is bounded
(`game.net.wait_for`). Windows run under the SDL dummy driver; widgets are driven as in
tests/test_game.py (mouse clicks at a button's centre) and tests/test_panel_truth.py (a
drop-down's own UI_BUTTON_PRESSED events, a slider's own move event).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import httpx  # noqa: E402
import pandas as pd  # noqa: E402
import pygame  # noqa: E402
import pygame_gui  # noqa: E402

from classroom.launch import ServerProcess, free_port, start_server  # noqa: E402
from game.app import GameApp  # noqa: E402
from game.hotseat import last_file  # noqa: E402
from game.net import NetError, wait_for  # noqa: E402
from game.policy_panel import PolicyPanel, _option_id, shown_on_slider  # noqa: E402
from game.room_session import CHECKED, RoomSession, join_room, key_path  # noqa: E402
from sim.params import WEEKS_PER_QUARTER  # noqa: E402
from sim.policy import LEVERS, PolicyError  # noqa: E402
from sim.savegame import Decision, load_game, replay  # noqa: E402

pytestmark = pytest.mark.xdist_group("game_classroom")

SCENARIO, SEED = "baseline", 3
WAIT = 30.0             # seconds any one wait may take (a quarter is resolved in well under one)
LEGAL = "Legal pauses deal registration while it reviews the contracts"


# ---------------------------------------------------------------------- servers
@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    """The shared room: tests join their own teams and take it from whatever phase it is in."""
    tmp = tmp_path_factory.mktemp("shared")
    srv = start_server(tmp / "room.db", scenario=SCENARIO, seed=SEED)
    join_http(srv, "Absent")             # never submits: every round waits for the facilitator to close it
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """New rooms in the lobby (or a room carried on from its file), stopped after the test."""
    started: list[ServerProcess] = []

    def start(db: Path | None = None, port: int | None = None, name: str = "server") -> ServerProcess:
        srv = start_server(db or tmp_path / f"room{len(started)}.db", scenario=SCENARIO, seed=SEED, port=port,
                           name=name)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        if srv.proc.poll() is None:      # a server the test stopped itself is not stopped again (its PID may be reused)
            srv.stop(hard=True)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def act(srv: ServerProcess, **body: Any) -> dict[str, Any]:
    """A facilitator action over HTTP (the facilitator's key)."""
    r = httpx.post(srv.address + "/api/host/action", json=body, headers=_auth(srv.key), timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def host_room(srv: ServerProcess) -> dict[str, Any]:
    r = httpx.get(srv.address + "/api/host/room", headers=_auth(srv.key), timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def join_http(srv: ServerProcess, name: str) -> dict[str, Any]:
    """Another team, joined as a browser joins (it never submits: the facilitator closes)."""
    r = httpx.post(srv.address + "/api/join", json={"code": srv.code, "name": name}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def open_round(srv: ServerProcess) -> int:
    """Bring the room to an open round from whatever phase it is in; the quarter being decided."""
    assert wait_for(lambda: host_room(srv)["room"]["phase"] != "resolving", WAIT)
    room = host_room(srv)["room"]
    if room["phase"] == "lobby":
        act(srv, action="start")
    elif room["phase"] == "results":
        act(srv, action="advance")
    room = host_room(srv)["room"]
    assert room["phase"] == "open", room
    return room["open_quarter"]


def token_of(save_dir: Path, srv: ServerProcess, team: str) -> dict[str, Any]:
    """The key file the seat keeps in its save folder."""
    return json.loads(key_path(save_dir, srv.address, srv.code, team).read_text(encoding="utf-8"))


def team_state(srv: ServerProcess, token: str) -> dict[str, Any]:
    r = httpx.get(srv.address + "/api/team", headers=_auth(token), timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


# ---------------------------------------------------------------------- following a seat
def follow(s: RoomSession, until: Callable[[], bool], seconds: float = WAIT) -> bool:
    """Poll the seat (as the play screen does every frame) until `until` holds."""
    return wait_for(lambda: (s.poll(), until())[1], seconds)


def animate(s: RoomSession) -> int:
    """Run the quarter the seat animates, a week at a time; the weeks it took."""
    weeks = 0
    while s.animating:
        s.advance_weeks(1)
        weeks += 1
        assert weeks <= WEEKS_PER_QUARTER, "a quarter animates 13 weeks, no more"
    s.poll()
    return weeks


def play_closed_quarter(s: RoomSession) -> None:
    """After the facilitator closes: the seat animates exactly the one quarter the room played."""
    before = s.quarter
    assert follow(s, lambda: s.animating), s.round_text()
    assert s.quarter == before and s.week_in_quarter == 0
    assert animate(s) == WEEKS_PER_QUARTER
    assert s.quarter == before + 1 and s.caught_up


def checked(frame: pd.DataFrame) -> dict[str, list[float | None]]:
    """A frame's CHECKED figures as the server sends them (NaN as None)."""
    return {name: [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in frame[name]]
            for name in CHECKED}


def assert_seat_equals_room(s: RoomSession, srv: ServerProcess, token: str, tmp: Path) -> dict[str, Any]:
    """The seat's quarterly frame equals the server's unrounded figures and a sim replay of the
    game the server exports; the decisions the seat replayed are the server's."""
    state = team_state(srv, token)
    tl = state["timeline"]
    frame = s.frame()
    assert tl["played"] == s.quarter == len(frame) > 0
    assert checked(frame) == tl["check"]
    assert [{"quarter": d.quarter, "changes": d.changes} for d in s.record.decisions] == tl["decisions"]
    path = tmp / f"export-{s.team}-{s.quarter}.json"
    r = httpx.get(srv.address + "/api/team/save", headers=_auth(token), timeout=30)
    assert r.status_code == 200, r.text
    path.write_text(r.text, encoding="utf-8")
    record, scenario = load_game(path)
    assert record.quarters_played == s.quarter
    pd.testing.assert_frame_equal(replay(record, scenario).quarterly_frame(), frame)
    assert s.mismatch is None
    return state


# ---------------------------------------------------------------------- 1. a quarter, as the room plays it
def test_a_seat_plays_a_quarter_exactly_as_the_room(fresh_server, tmp_path: Path) -> None:
    """Join -> the lobby in words; start; a lever that differs from the model's, submitted,
    shows on the server; the facilitator closes; the seat animates exactly one quarter, whose
    figures equal the server's check and a replay of the exported save."""
    srv = fresh_server()
    saves = tmp_path / "saves"
    s = join_room(srv.address, srv.code, "Blue", saves)
    try:
        join_http(srv, "Other")          # a second team, so the round waits for the facilitator
        assert follow(s, lambda: s.state is not None)
        assert s.round_text().startswith("Lobby") and "facilitator" in s.status_text()
        assert not s.can_decide and not s.can_end and s.end_label() == "Waiting"
        with pytest.raises(PolicyError, match="deal_registration"):
            s.set_lever("deal_registration", False)
        act(srv, action="start")
        assert follow(s, lambda: s.can_decide)
        assert "quarter 1 of 12" in s.round_text() and s.end_label() == "Submit decisions"
        assert s.model.policy.deal_registration is True and s.model.policy.partner_margin != 0.3
        s.set_lever("deal_registration", False)
        s.set_lever("partner_margin", 0.3)
        s.end_turn()
        assert follow(s, lambda: s.submitted), s.status_text()
        assert s.end_label() == "Submitted" and not s.can_end
        token = token_of(saves, srv, "Blue")["token"]
        state = team_state(srv, token)
        rows = {lv["name"]: lv for lv in state["levers"]}
        assert state["team"]["submitted"]
        assert rows["deal_registration"]["submitted_value"] is False and rows["partner_margin"]["submitted_value"] == 0.3
        assert s.model.policy.deal_registration is True      # nothing applied before the room plays it
        act(srv, action="close")
        play_closed_quarter(s)
        assert s.record.decisions == [Decision(1, {"deal_registration": False, "partner_margin": 0.3})]
        assert s.model.policy_history[0]["deal_registration"] is False
        assert s.round_text().startswith("Quarter 1 of 12 played") and not s.can_decide
        assert_seat_equals_room(s, srv, token, tmp_path)
    finally:
        s.close()


# ---------------------------------------------------------------------- 2. an injected event
def test_an_injected_policy_event_reaches_the_local_model(server: ServerProcess, tmp_path: Path) -> None:
    """The facilitator injects a policy event between rounds: the seat's model imposes it for
    the next quarter (the panel reads `imposition`), the pop-up's text has its message, a change
    to the imposed lever is refused, and the quarter played with it replays equal."""
    saves = tmp_path / "saves"
    s = join_room(server.address, server.code, "Inject", saves)
    try:
        open_round(server)
        assert follow(s, lambda: s.can_decide)
        act(server, action="close")
        play_closed_quarter(s)
        q = s.quarter + 1
        act(server, action="inject", event={"kind": "policy", "changes": {"deal_registration": False},
                                            "by": "Legal", "message": LEGAL})
        assert follow(s, lambda: any(ev.message == LEGAL for ev in s.record.injected))
        imp = s.imposition("deal_registration")
        assert imp is not None and imp.quarter == q and imp.value is False and imp.by == "Legal"
        assert s.lever_value("deal_registration") is False and s.locked_reason("deal_registration")
        assert any(m.startswith(LEGAL) and f"quarter {q}" in m for m in s.upcoming_events())
        token = token_of(saves, server, "Inject")["token"]
        assert open_round(server) == q
        assert follow(s, lambda: s.can_decide)
        assert s.imposition("deal_registration") is not None          # still imposed as the round opens
        rows = {lv["name"]: lv for lv in team_state(server, token)["levers"]}
        assert LEGAL in rows["deal_registration"]["imposed"]
        with pytest.raises(PolicyError, match="cannot change"):
            s.set_lever("deal_registration", True)
        s.set_lever("enablement", 0.8)
        s.end_turn()
        assert follow(s, lambda: s.submitted), s.status_text()
        act(server, action="close")
        play_closed_quarter(s)
        assert s.model.policy_history[q - 1]["deal_registration"] is False
        assert s.model.policy_history[q - 1]["enablement"] == 0.8
        assert s.imposition("deal_registration") is None               # for that quarter only
        assert_seat_equals_room(s, server, token, tmp_path)
    finally:
        s.close()


# ---------------------------------------------------------------------- 3. a bot, and a team that never submits
def test_a_bot_seat_and_a_silent_seat_replay_equal(server: ServerProcess, tmp_path: Path) -> None:
    """A seat the facilitator hands to a bot shows the bot's decisions and lets nobody decide;
    a seat that does not submit keeps its policy; both replay equal to the room."""
    saves = tmp_path / "saves"
    bot = join_room(server.address, server.code, "Robo", saves)
    idle = join_room(server.address, server.code, "Idle", saves)
    try:
        bot_id = token_of(saves, server, "Robo")["id"]
        act(server, action="bot", team=bot_id, policy="random")
        open_round(server)
        assert follow(bot, lambda: bot.caught_up and bot.phase == "open" and bool(bot.seat.get("bot")))
        assert follow(idle, lambda: idle.can_decide)
        assert not bot.can_decide and bot.end_label() == "Bot playing" and "bot (random)" in bot.status_text()
        with pytest.raises(PolicyError):
            bot.set_lever("enablement", 0.9)
        policy_before = idle.model.policy
        act(server, action="close")
        play_closed_quarter(bot)
        play_closed_quarter(idle)
        q = bot.quarter
        assert [d.quarter for d in bot.record.decisions] == [q] and bot.record.decisions[0].changes
        assert idle.record.decisions == [] and idle.model.policy == policy_before
        assert idle.seat["kept_last"] and not bot.seat["kept_last"]
        assert_seat_equals_room(bot, server, token_of(saves, server, "Robo")["token"], tmp_path)
        assert_seat_equals_room(idle, server, token_of(saves, server, "Idle")["token"], tmp_path)
        open_round(server)
        assert follow(idle, lambda: idle.can_decide)
        assert idle.status_text().startswith("You did not submit last round: your policy was kept")
    finally:
        bot.close()
        idle.close()
        act(server, action="unbot", team=bot_id)


# ---------------------------------------------------------------------- 4. figures that differ
class Tamper:
    """A seat's link that adds 1 to one figure of one quarter in every state it passes on, as a
    server on another partnersim version would differ."""

    def __init__(self, link: Any, metric: str, index: int) -> None:
        self.link, self.metric, self.index = link, metric, index

    @property
    def status(self) -> str:
        return self.link.status

    @property
    def problem(self) -> str | None:
        return self.link.problem

    def poll(self) -> list[dict[str, Any]]:
        msgs = self.link.poll()
        for msg in msgs:
            state = msg if msg.get("type") == "state" else msg.get("state") or {}
            figures = ((state.get("timeline") or {}).get("check") or {}).get(self.metric) or []
            if len(figures) > self.index:
                figures[self.index] = (figures[self.index] or 0.0) + 1.0
        return msgs

    def submit(self, quarter: int, revision: int, levers: dict[str, Any]) -> bool:
        return self.link.submit(quarter, revision, levers)

    def close(self) -> None:
        self.link.close()


def test_a_replay_that_differs_from_the_server_says_which_quarter_and_figure(
        server: ServerProcess, tmp_path: Path) -> None:
    """One tampered figure in the server's check: on joining (a replay at once) and after an
    animated quarter, the seat's `mismatch` names the quarter and the figure; untampered, None."""
    saves = tmp_path / "saves"
    open_round(server)
    act(server, action="close")                  # at least one quarter played for the join-time check
    assert wait_for(lambda: host_room(server)["room"]["phase"] == "results", WAIT)
    played = host_room(server)["room"]["quarter"]
    sessions = [join_room(server.address, server.code, name, saves) for name in ("Clean", "Early", "Late")]
    clean, early, late = sessions
    try:
        early.link = Tamper(early.link, "revenue_partner", 0)       # quarter 1
        late.link = Tamper(late.link, "conflicts", played)          # the quarter about to be played
        for s in sessions:
            assert follow(s, lambda s=s: s.caught_up and s.quarter == played)
        assert clean.mismatch is None and late.mismatch is None
        assert early.mismatch is not None and early.mismatch.startswith("Quarter 1:")
        assert "revenue_partner" in early.mismatch and early.status_text() == early.mismatch
        assert any(title == "Figures differ from the server's" for title, _ in early.notices)
        open_round(server)
        for s in sessions:
            assert follow(s, lambda s=s: s.can_decide)
        act(server, action="close")
        for s in sessions:
            play_closed_quarter(s)
        assert clean.mismatch is None
        assert late.mismatch is not None and late.mismatch.startswith(f"Quarter {played + 1}:")
        assert "conflicts" in late.mismatch
        assert early.mismatch.startswith("Quarter 1:")                  # the first that differs
        assert_seat_equals_room(clean, server, token_of(saves, server, "Clean")["token"], tmp_path)
    finally:
        for s in sessions:
            s.close()


# ---------------------------------------------------------------------- 5. a laptop killed mid-round
def test_a_killed_laptop_rejoins_with_its_key_and_its_unsent_choices(server: ServerProcess, tmp_path: Path) -> None:
    """Levers chosen, the laptop dies before submitting; joining again from the same save folder
    reuses the kept key (no second team), replays to the room's quarter without animating,
    shows the unsent choices again, and after submitting the results equal the room's."""
    saves = tmp_path / "saves"
    s = join_room(server.address, server.code, "Phoenix", saves)
    key_file = key_path(saves, server.address, server.code, "Phoenix")
    kept = json.loads(key_file.read_text(encoding="utf-8"))
    q = open_round(server)
    assert follow(s, lambda: s.can_decide)
    choices = {"deal_registration": not s.model.policy.deal_registration, "enablement": 0.85}
    for name, value in choices.items():
        s.set_lever(name, value)
    s.close()                                     # the lid shuts: nothing sent
    teams = len(host_room(server)["roster"])
    s2 = join_room(server.address, server.code, "Phoenix", saves)
    try:
        assert json.loads(key_file.read_text(encoding="utf-8")) == kept
        roster = host_room(server)["roster"]
        assert len(roster) == teams and [r["name"] for r in roster].count("Phoenix") == 1
        assert s2.rejoined and not s.rejoined
        animated = []
        assert follow(s2, lambda: (animated.append(s2.animating), s2.caught_up)[1])
        assert not any(animated) and s2.quarter == q - 1
        assert follow(s2, lambda: s2.can_decide)
        assert s2.pending == choices and s2.saved_choices is None
        assert not s2.submitted and s2.end_label() == "Submit decisions"
        s2.end_turn()
        assert follow(s2, lambda: s2.submitted), s2.status_text()
        act(server, action="close")
        play_closed_quarter(s2)
        assert s2.record.changes_before(q) == choices
        assert_seat_equals_room(s2, server, kept["token"], tmp_path)
    finally:
        s2.close()


def test_each_team_on_one_laptop_keeps_its_own_key(server: ServerProcess, tmp_path: Path) -> None:
    """Teams whose names make the same slug (two names in a non-Latin script; "Red Team" and
    "red-team") are two teams with two keys and two autosaves; a name the server shortens finds
    its key again."""
    saves = tmp_path / "saves"
    long = "The Extraordinarily Long Team Name Of Doom"
    names = ["\u7ea2\u961f", "\u84dd\u961f", "Red Team", "red-team", long]
    sessions = [join_room(server.address, server.code, name, saves) for name in names]
    try:
        assert [s.team for s in sessions] == [*names[:4], long[:32]]
        assert len({s.save_path() for s in sessions}) == len(names)
        assert len(list((saves / "classroom-keys").glob("*.save.json"))) == len(names)
        again = join_room(server.address, server.code, long, saves)
        again.close()
        assert again.team == long[:32]
        roster = [r["name"] for r in host_room(server)["roster"]]
        assert all(roster.count(s.team) == 1 for s in sessions)
    finally:
        for s in sessions:
            s.close()


def test_every_message_pops_up_however_many(server: ServerProcess, tmp_path: Path) -> None:
    """The room sends its last 20 messages: the 21st and later still reach the seat."""
    s = join_room(server.address, server.code, "Herald", tmp_path / "saves")
    try:
        assert follow(s, lambda: s.state is not None)
        s.notices.clear()
        for k in range(1, 24):
            act(server, action="broadcast", message=f"Note {k}")
            assert follow(s, lambda k=k: ("Message from the facilitator", f"Note {k}") in s.notices, 10), k
        assert [text for _, text in s.notices] == [f"Note {k}" for k in range(1, 24)]
    finally:
        s.close()


# ---------------------------------------------------------------------- 6. the server restarted
def test_the_seat_reconnects_by_itself_after_a_server_restart(fresh_server, tmp_path: Path) -> None:
    """The server is killed (kill -9) and started again on the same file and port: the seat says
    it is offline, reconnects by itself, and follows the next quarter."""
    srv = fresh_server()
    saves = tmp_path / "saves"
    s = join_room(srv.address, srv.code, "Blue", saves)
    try:
        join_http(srv, "Other")
        act(srv, action="start")
        assert follow(s, lambda: s.can_decide)
        s.set_lever("partner_margin", 0.3)
        s.end_turn()
        assert follow(s, lambda: s.submitted)
        act(srv, action="close")
        play_closed_quarter(s)
        assert s.link.feed.connects == 1
        srv.stop(hard=True)
        assert follow(s, lambda: s.link.status != "connected", 10)
        assert s.status_text().startswith("Offline, reconnecting by itself")
        srv2 = fresh_server(db=srv.db, port=srv.port, name="server2")
        assert srv2.code == srv.code
        assert follow(s, lambda: s.link.status == "connected" and s.link.feed.connects == 2)
        act(srv2, action="advance")
        assert follow(s, lambda: s.can_decide), s.status_text()
        s.set_lever("deal_registration", False)
        s.end_turn()
        assert follow(s, lambda: s.submitted)
        act(srv2, action="close")
        play_closed_quarter(s)
        assert s.quarter == 2
        assert_seat_equals_room(s, srv2, token_of(saves, srv, "Blue")["token"], tmp_path)
    finally:
        s.close()


# ---------------------------------------------------------------------- 7. refusals
def test_refusals_carry_the_servers_reason(server: ServerProcess, tmp_path: Path) -> None:
    """A wrong code, a name taken and an address with no server are refused with the reason,
    and leave no key behind."""
    saves = tmp_path / "saves"
    with pytest.raises(NetError, match="not this room's code") as e:
        join_room(server.address, "ZZZZZ" if server.code != "ZZZZZ" else "YYYYY", "Lost", saves)
    assert e.value.status == 403
    join_http(server, "Taken")
    with pytest.raises(NetError, match="'taken' has joined already|'Taken' has joined already") as e:
        join_room(server.address, server.code, "taken", saves)
    assert e.value.status == 409
    with pytest.raises(NetError, match="cannot reach the classroom"):
        join_room(f"127.0.0.1:{free_port()}", server.code, "Nowhere", saves)
    with pytest.raises(NetError, match="is not a server address"):
        join_room("http://", server.code, "Nowhere", saves)
    assert not (saves / "classroom-keys").exists() or not list((saves / "classroom-keys").iterdir())


def test_play_join_errors_are_one_line_and_exit_2(server: ServerProcess, tmp_path: Path) -> None:
    """`python -m game play --join ...`: options missing or clashing, and a wrong room code (a
    display set, so the join is tried before any window opens) -> one line, exit 2."""
    base = [sys.executable, "-m", "game", "play", "--save-dir", str(tmp_path / "saves")]
    headless = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    # the display check comes before the join (a laptop that cannot show the game joins no team);
    # a display that is set but never opened lets the wrong code be found first
    shown = {**headless, "DISPLAY": ":99"}
    shown.pop("SDL_VIDEODRIVER", None)
    wrong = "ZZZZZ" if server.code != "ZZZZZ" else "YYYYY"
    cases = [
        (["--join", server.address], headless, "--join needs --code ROOM and --team NAME"),
        (["--join", server.address, "--code", server.code, "--team", "X", "--load", "x.json"], headless,
         "leave out --load"),
        (["--code", server.code, "--team", "X"], headless, "--code needs --join"),
        (["--join", server.address, "--code", wrong, "--team", "Wrong"], shown, "not this room's code"),
    ]
    procs = [subprocess.Popen(base + args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=tmp_path) for args, env, _ in cases]
    for proc, (args, _env, said) in zip(procs, cases, strict=True):
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 2, (args, err)
        assert err.startswith("partnersim: error:") and err.strip().count("\n") == 0, (args, err)
        assert said in err, (args, err)
    assert "Wrong" not in [r["name"] for r in host_room(server)["roster"]]


# ---------------------------------------------------------------------- 8. the window
def frames(app: GameApp, n: int = 1, dt: float = 1 / 60) -> None:
    for _ in range(n):
        app.frame(dt)


def frames_until(app: GameApp, until: Callable[[], bool], seconds: float = WAIT, dt: float = 1 / 60) -> bool:
    return wait_for(lambda: (app.frame(dt), until())[1], seconds, step=0.01)


def click(app: GameApp, element) -> None:
    """Press and release the left button on `element`, as a player would (tests/test_game.py)."""
    pos = element.rect.center
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    frames(app, 3)


def post(kind: int, **data: Any) -> None:
    pygame.event.post(pygame.event.Event(kind, data))


def pick(app: GameApp, panel: PolicyPanel, name: str, value: Any) -> None:
    """Open a lever's drop-down and pick `value` through its own buttons (tests/test_panel_truth.py)."""
    dd = panel.controls[name]
    assert dd.is_enabled, name
    post(pygame_gui.UI_BUTTON_PRESSED, ui_element=dd.current_state.selected_option_button,
         ui_object_id=dd.most_specific_combined_id, mouse_button=1)
    frames(app)
    items = dd.current_state.options_selection_list.item_list
    item = next(i for i in items if i["object_id"] == _option_id(LEVERS[name], value))
    post(pygame_gui.UI_BUTTON_PRESSED, ui_element=item["button_element"],
         ui_object_id=item["button_element"].most_specific_combined_id, mouse_button=1)
    frames(app, 3)


def slide(app: GameApp, panel: PolicyPanel, name: str, value: float) -> None:
    slider = panel.controls[name]
    assert slider.is_enabled, name
    slider.set_current_value(value)
    post(pygame_gui.UI_HORIZONTAL_SLIDER_MOVED, ui_element=slider, value=slider.get_current_value(),
         ui_object_id=slider.most_specific_combined_id)
    frames(app, 2)


def dismiss(app: GameApp) -> str:
    """Acknowledge the pop-up shown; its text."""
    popup = app.screen.popup
    assert popup is not None
    text = popup.text_block.html_text
    click(app, popup.dismiss_button)
    assert app.screen.popup is None
    return text


def assert_panel_in_force(panel: PolicyPanel, s: RoomSession) -> None:
    """Every control shows the value in force for the coming quarter, imposed ones as imposed,
    and can be used exactly when the seat may decide."""
    for name, ctrl in panel.controls.items():
        lv = LEVERS[name]
        value = s.lever_value(name)
        if lv.kind in ("choice", "bool"):
            assert ctrl.selected_option == (lv.fmt(value), _option_id(lv, value)), (name, value)
        else:
            assert ctrl.get_current_value() == pytest.approx(shown_on_slider(lv, value)), (name, value)
        imposed = s.imposition(name)
        if imposed is not None:
            assert panel.values[name].text == "imposed" and not ctrl.is_enabled, name
            assert value == imposed.value
        else:
            assert ctrl.is_enabled == s.can_decide, name


def run_out(app: GameApp, s: RoomSession) -> int:
    """Frames (a quarter-second each) until the animated quarter ends; how many it took."""
    n = 0
    while s.animating:
        app.frame(0.25)
        n += 1
        assert n < 200
    frames(app, 2)
    return n


def test_the_window_plays_a_classroom_seat(fresh_server, tmp_path: Path) -> None:
    """The game's own screens: briefing -> play; the levers picked on the panel and the main
    button submit; after the facilitator closes, frames animate the quarter to its end; the panel
    shows what is in force (an imposed value as imposed); a facilitator's message pops up."""
    srv = fresh_server()
    app = GameApp(save_dir=tmp_path / "saves", team="Blue")
    s = join_room(srv.address, srv.code, "Blue", app.save_dir)
    try:
        join_http(srv, "Other")
        app.start_room_session(s)
        assert app.screen.name == "briefing" and app.session is s
        click(app, app.screen.start)
        play = app.screen
        assert play.name == "play"
        assert frames_until(app, lambda: s.state is not None)
        assert play.quarter_label.text == s.round_text() and s.round_text().startswith("Lobby")
        assert not play.end_btn.is_enabled and not play.panel.enabled
        act(srv, action="start")
        assert frames_until(app, lambda: s.can_decide and play.end_btn.is_enabled)
        assert play.end_btn.text == "Submit decisions" and play.panel.enabled
        assert_panel_in_force(play.panel, s)
        pick(app, play.panel, "deal_registration", False)
        slide(app, play.panel, "partner_margin", 0.3)
        assert s.pending == {"deal_registration": False, "partner_margin": 0.3}
        click(app, play.end_btn)
        assert frames_until(app, lambda: s.submitted and play.end_btn.text == "Submitted")
        assert not play.end_btn.is_enabled
        token = token_of(app.save_dir, srv, "Blue")["token"]
        rows = {lv["name"]: lv for lv in team_state(srv, token)["levers"]}
        assert rows["deal_registration"]["submitted_value"] is False and rows["partner_margin"]["submitted_value"] == 0.3
        act(srv, action="close")
        assert frames_until(app, lambda: s.animating)
        assert run_out(app, s) > 1                  # animated over several frames, not at once
        assert s.quarter == 1 and s.model.policy_history[0]["deal_registration"] is False
        assert len(play.frame) == 1 and play.quarter_label.text == s.round_text()
        assert play.status_label.text == s.status_text() and "quarter 2" in s.status_text()
        assert_panel_in_force(play.panel, s)        # the drop-down shows the value played, not the default
        assert play.panel.controls["deal_registration"].selected_option[1] == "off"
        assert_seat_equals_room(s, srv, token, tmp_path)
        # an event the facilitator injects: imposed on the panel, and a pop-up as the round opens
        act(srv, action="inject", event={"kind": "policy", "changes": {"deal_registration": True}, "by": "Legal",
                                         "message": LEGAL})
        assert frames_until(app, lambda: s.imposition("deal_registration") is not None)
        act(srv, action="advance")
        assert frames_until(app, lambda: s.can_decide and play.popup is not None)
        assert LEGAL in dismiss(app)
        assert play.panel.values["deal_registration"].text == "imposed"
        assert play.panel.controls["deal_registration"].selected_option[1] == "on"
        assert_panel_in_force(play.panel, s)
        # a message from the facilitator pops up
        act(srv, action="broadcast", message="Two minutes left")
        assert frames_until(app, lambda: play.popup is not None)
        assert "Two minutes left" in dismiss(app)
        # quarter 2 played with the imposed value; at quarter 3 the player may pick "off" again
        click(app, play.end_btn)
        assert frames_until(app, lambda: s.submitted)
        act(srv, action="close")
        assert frames_until(app, lambda: s.animating)
        run_out(app, s)
        assert frames_until(app, lambda: s.quarter == 2 and not s.animating)
        assert s.model.policy_history[1]["deal_registration"] is True
        act(srv, action="advance")
        assert frames_until(app, lambda: s.can_decide and play.panel.controls["deal_registration"].is_enabled)
        assert play.popup is None
        assert_panel_in_force(play.panel, s)
        assert play.panel.controls["deal_registration"].selected_option[1] == "on"
        pick(app, play.panel, "deal_registration", False)
        assert s.pending == {"deal_registration": False}
    finally:
        s.close()
        app.close()


# ---------------------------------------------------------------------- 9. hot-seat
def handoff_button(app: GameApp, action: str, team: int | None = None):
    screen = app.screen
    assert screen.name == "handoff", screen.name
    return next(b for b, a in screen.buttons.items() if a == (action, team))


def take_turn(app: GameApp, team: int, levers: dict[str, Any]) -> None:
    """The team's turn: play it from the handoff screen, watch the last quarter animate, pick
    levers on the panel, press the main button; the laptop goes back to the handoff screen."""
    click(app, handoff_button(app, "play", team))
    play, s = app.screen, app.session
    assert play.name == "play" and s is app.hotseat.sessions[team]
    assert frames_until(app, lambda: s.animating or s.can_decide)
    run_out(app, s)
    assert frames_until(app, lambda: s.can_decide and play.end_btn.is_enabled), (s.round_text(), s.status_text())
    while play.popup is not None:
        dismiss(app)
    for name, value in levers.items():
        (pick if LEVERS[name].kind in ("choice", "bool") else slide)(app, play.panel, name, value)
    assert s.pending == {k: v for k, v in levers.items() if v != getattr(s.model.policy, k)}
    click(app, play.end_btn)
    assert frames_until(app, lambda: app.screen.name == "handoff"), s.status_text()


def test_hot_seat_three_teams_take_turns_and_carry_on_from_the_file(tmp_path: Path) -> None:
    """Three teams, three quarters, through the handoff and play screens; each team's results
    equal a replay of its save and the room's; the game carries on from its file at the same
    quarter and open round."""
    app = GameApp(save_dir=tmp_path / "saves")
    try:
        app.start_hotseat(SCENARIO, 5, ["Red", "Blue", "Green"])
        hs = app.hotseat
        assert app.screen.name == "handoff" and hs is not None
        plans = {1: lambda q: {}, 2: lambda q: {"deal_registration": q % 2 == 0},
                 3: lambda q: {"partner_margin": (0.3, 0.35, 0.2)[q - 1]}}
        for q in (1, 2, 3):
            for team in (1, 2, 3):
                assert hs.next_team() == team
                take_turn(app, team, plans[team](q))
            assert hs.room()["phase"] == "results" and hs.room()["quarter"] == q
            assert [r["team"] for r in hs.leaderboard()] and hs.next_team() is None
            click(app, handoff_button(app, "advance"))
            assert hs.room()["phase"] == "open" and hs.room()["open_quarter"] == q + 1
        for team, s in hs.sessions.items():
            s.poll()
            animate(s)
            assert s.quarter == 3 and s.mismatch is None
            record, scenario = load_game(s.save_path())
            frame = s.frame()
            pd.testing.assert_frame_equal(replay(record, scenario).quarterly_frame(), frame)
            pd.testing.assert_frame_equal(hs.game.room.seats[team].model.quarterly_frame(), frame)
        assert hs.sessions[2].record.decisions == [Decision(1, {"deal_registration": False}),
                                                   Decision(2, {"deal_registration": True}),
                                                   Decision(3, {"deal_registration": False})]
        # Red decides quarter 4; the laptop dies; the file carries the game on
        take_turn(app, 1, {"enablement": 0.9})
        assert hs.next_team() == 2
        path = last_file(app.save_dir)
        assert path is not None
        app.leave_hotseat()
        assert app.screen.name == "title" and app.hotseat is None
        app.resume_hotseat(path)
        hs2 = app.hotseat
        assert app.screen.name == "handoff" and hs2 is not None and hs2 is not hs
        assert hs2.room()["phase"] == "open" and hs2.room()["open_quarter"] == 4 and hs2.next_team() == 2
        assert hs2.game.room.seats[1].submitted == {"enablement": 0.9}
        take_turn(app, 2, {})
        take_turn(app, 3, {})
        assert hs2.room()["phase"] == "results" and hs2.room()["quarter"] == 4
        for team, s in hs2.sessions.items():
            s.poll()
            animate(s)
            assert s.quarter == 4 and s.mismatch is None
            pd.testing.assert_frame_equal(hs2.game.room.seats[team].model.quarterly_frame(), s.frame())
        assert hs2.sessions[1].model.policy_history[3]["enablement"] == 0.9
    finally:
        app.close()
