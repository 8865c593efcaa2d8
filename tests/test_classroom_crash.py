"""A classroom server killed with SIGKILL carries on from its file as if nothing happened.

Five scripted teams play a 12-quarter gated game over websockets, reconnecting by themselves
(backoff 0.5 s doubling to 5 s, hello again, as the team page does). The server is killed three
times and restarted on the same --db and port:

- in quarter KILL_OPEN_Q, after three of the five teams submitted: their submissions are still
  there after the restart (submitted, same values, same revision), the other two submit after it;
- in quarter KILL_CLOSE_Q, the moment the round's close is in the file (the quarter is being
  resolved, or about to be): the restart plays that quarter once, from the same decisions;
- in quarter KILL_ALL_IN_Q, between the last team's submission reaching the file and the round's
  close reaching it (two writes a few milliseconds apart; the test writes the submission into
  the file itself, as the server would have): the restarted room has every team in, so the
  round should close by itself as a gated round does.

The file then holds one close per quarter, and every team's results equal `sim` playing the same
decisions without a server at all (the uninterrupted game).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
import websockets

from classroom.launch import free_port, start_server
from sim.metrics import METRICS
from sim.scenario import load_scenario

SCENARIO, SEED = "baseline", 5
TEAMS = 5
QUARTERS = 12
KILL_OPEN_Q = 4            # killed after teams 0-2 submitted, teams 3-4 not yet
KILL_CLOSE_Q = 8           # killed as soon as the close is logged
KILL_ALL_IN_Q = 10         # killed with the last submission logged and the close not yet
WAIT = 90.0                # seconds any one step may take on a loaded 2-core machine
# a new connection per request: a pooled one the server closed while idle would fail the next request
FRESH_CONNECTIONS = httpx.Limits(max_keepalive_connections=0)
# one game serves every test here: with `--dist loadgroup` they all run on the worker that plays it
pytestmark = pytest.mark.xdist_group("classroom-crash")
ENV = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}

CYCLE = (("partner_margin", (0.2, 0.25, 0.3, 0.35)), ("enablement", (0.4, 0.6, 0.8)),
         ("direct_comp", ("neutral", "competing")), ("partner_team_size", (2, 3, 4, 5)),
         ("incentive", ("none", "aligned", "referral_bounty")), ("sales_playbook", (0.3, 0.5, 0.8)))


def plan(team: int, q: int) -> dict[str, Any]:
    """Team `team`'s decision for quarter `q` (two levers, different every quarter)."""
    out = {}
    for k in (team + q, team + 2 * q + 1):
        name, values = CYCLE[k % len(CYCLE)]
        out[name] = values[(team * 7 + q * 3 + k) % len(values)]
    return out


# ---------------------------------------------------------------------- a team page
@dataclass
class Player:
    """A team page: keeps a socket open (reconnecting with backoff, hello again) and submits its
    plan for each open quarter it has not submitted, unless the test holds it back."""

    address: str
    index: int
    team: int
    token: str
    hold: set[tuple[int, int]]
    connections: int = 0
    firsts: list[dict[str, Any]] = field(default_factory=list)       # first state of each connection
    acks: dict[int, dict[str, Any]] = field(default_factory=dict)    # quarter -> state after its submit
    last: dict[str, Any] | None = None
    done: bool = False
    ws: Any = None
    _sent: set[tuple[int, int, int]] = field(default_factory=set)   # (connection, quarter, revision)

    async def run(self, deadline: float) -> None:
        backoff = 0.5
        url = self.address.replace("http", "ws", 1) + "/ws/team"
        while not self.done and time.monotonic() < deadline:
            try:
                async with websockets.connect(url, max_size=2 ** 24, open_timeout=10, ping_interval=None) as ws:
                    await ws.send(json.dumps({"type": "hello", "token": self.token}))
                    first = True
                    while time.monotonic() < deadline:
                        msg = json.loads(await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic())))
                        if first:
                            self.connections += 1
                            self.firsts.append(msg)
                            self.ws, first, backoff = ws, False, 0.5
                        self.last = msg
                        await self._decide(msg)
                        if msg["room"]["phase"] == "ended":
                            self.done = True
                            return
            except (OSError, TimeoutError, websockets.ConnectionClosed, websockets.InvalidHandshake):
                pass
            self.ws = None
            await asyncio.sleep(backoff)
            backoff = min(5.0, backoff * 2)

    async def _decide(self, msg: dict[str, Any]) -> None:
        if msg.get("type") == "refused":
            msg = msg["state"]
        room, team = msg["room"], msg["team"]
        q = room["open_quarter"]
        if room["phase"] == "open" and team["submitted"] and q is not None and q not in self.acks:
            self.acks[q] = msg
        if room["phase"] != "open" or team["submitted"] or (self.index, q) in self.hold:
            return
        key = (self.connections, q, team["revision"])
        if key not in self._sent:
            self._sent.add(key)
            await self.ws.send(json.dumps({"type": "submit", "quarter": q, "revision": team["revision"],
                                           "levers": plan(self.index, q)}))

    async def nudge(self) -> None:
        """Look at the last state again (the test let this team go)."""
        if self.ws is not None and self.last is not None:
            with contextlib.suppress(websockets.ConnectionClosed):
                await self._decide(self.last)


def chosen(state: dict[str, Any], names) -> dict[str, Any]:
    """The values in force for the quarter being decided (a submission's, else the policy's)."""
    return {lv["name"]: lv["value"] for lv in state["levers"] if lv["name"] in names}


# ---------------------------------------------------------------------- the game
@dataclass
class Seen:
    after_open_kill: list[dict[str, Any]] = field(default_factory=list)      # first state per team
    acked_before_kill: dict[int, dict[str, Any]] = field(default_factory=dict)
    after_close_kill: list[dict[str, Any]] = field(default_factory=list)
    old_key_works: bool = False
    resolved_before_kill: bool = False       # a team had seen KILL_CLOSE_Q's results before the kill
    all_in_closed_itself: bool | None = None     # KILL_ALL_IN_Q closed with no facilitator action
    connections: list[int] = field(default_factory=list)
    quarters_csv: str = ""
    actions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    seconds: float = 0.0


async def play(tmp: Path) -> Seen:
    seen = Seen()
    started = time.monotonic()
    db, port = tmp / "room.sqlite", free_port()
    address = f"http://127.0.0.1:{port}"
    server = start_server(db, scenario=SCENARIO, seed=SEED, port=port, logs=tmp, wait=WAIT, name="server1")
    key = server.key
    fh = {"Authorization": f"Bearer {key}"}
    hold = {(3, KILL_OPEN_Q), (4, KILL_OPEN_Q), (4, KILL_CLOSE_Q), (4, KILL_ALL_IN_Q)}
    players: list[Player] = []
    tasks: list[asyncio.Task] = []
    deadline = time.monotonic() + 6 * WAIT
    log = sqlite3.connect(db)
    try:
        async with httpx.AsyncClient(base_url=address, timeout=WAIT, limits=FRESH_CONNECTIONS) as http:

            async def room(pred, timeout: float = WAIT) -> dict[str, Any]:
                """Poll the facilitator's room state until `pred` holds (a failed read is retried)."""
                end, r = time.monotonic() + timeout, None
                while time.monotonic() < end:
                    with contextlib.suppress(httpx.TransportError, ValueError):
                        r = await http.get("/api/host/room", headers=fh)
                        if r.status_code == 200 and pred(state := r.json()):
                            return state
                    await asyncio.sleep(0.1)
                raise AssertionError(f"timed out waiting for the room; last answer: {r and r.text[:400]}")

            async def act(body: dict[str, Any]) -> None:
                r = await http.post("/api/host/action", json=body, headers=fh)
                assert r.status_code == 200, (body, r.status_code, r.text)

            async def reconnected(before: list[int]) -> list[dict[str, Any]]:
                """Every team's first state on a new connection."""
                end = time.monotonic() + WAIT
                while any(p.connections <= n for p, n in zip(players, before, strict=True)):
                    assert time.monotonic() < end, [p.connections for p in players]
                    await asyncio.sleep(0.05)
                return [p.firsts[-1] for p in players]

            def closes() -> int:
                return log.execute("SELECT count(*) FROM actions WHERE json_extract(body, '$.action') = 'close'"
                                   ).fetchone()[0]

            for i in range(TEAMS):
                r = await http.post("/api/join", json={"code": server.code, "name": f"Team {i}"})
                assert r.status_code == 200, r.text
                players.append(Player(address, i, r.json()["team"], r.json()["token"], hold))
            tasks = [asyncio.create_task(p.run(deadline)) for p in players]
            await room(lambda s: all(t["connected"] for t in s["roster"]) and len(s["roster"]) == TEAMS)

            for q in range(1, QUARTERS + 1):
                await act({"action": "start" if q == 1 else "advance"})
                if q == KILL_OPEN_Q:
                    await room(lambda s: sum(t["submitted"] for t in s["roster"]) == 3)
                    end = time.monotonic() + WAIT
                    while not all(q in p.acks for p in players[:3]):
                        assert time.monotonic() < end
                        await asyncio.sleep(0.05)
                    seen.acked_before_kill = {p.index: p.acks[q] for p in players[:3]}
                    before = [p.connections for p in players]
                    server.stop(hard=True)
                    server = start_server(db, scenario=SCENARIO, seed=SEED, port=port, logs=tmp, wait=WAIT, name="server2")
                    seen.old_key_works = (await http.get("/api/host/room", headers=fh)).status_code == 200
                    seen.after_open_kill = await reconnected(before)
                    hold.discard((3, q))
                    hold.discard((4, q))
                    for p in players[3:]:
                        await p.nudge()
                elif q == KILL_CLOSE_Q:
                    await room(lambda s: sum(t["submitted"] for t in s["roster"]) == 4)
                    before = [p.connections for p in players]
                    hold.discard((4, q))
                    await players[4].nudge()
                    end = time.monotonic() + WAIT
                    while closes() < q:                  # the moment the close is in the file
                        assert time.monotonic() < end, "the round never closed"
                        await asyncio.sleep(0.002)
                    server.stop(hard=True)
                    seen.resolved_before_kill = any(p.last["room"]["quarter"] == q for p in players)
                    server = start_server(db, scenario=SCENARIO, seed=SEED, port=port, logs=tmp, wait=WAIT, name="server3")
                    seen.after_close_kill = await reconnected(before)
                elif q == KILL_ALL_IN_Q:
                    await room(lambda s: sum(t["submitted"] for t in s["roster"]) == 4)
                    last = players[4].last
                    server.stop(hard=True)
                    now = chosen(last, plan(4, q))
                    body = {"changes": {k: v for k, v in plan(4, q).items() if now[k] != v}, "quarter": q,
                            "revision": last["team"]["revision"]}
                    with log:                   # what the server writes for a submission (store.Store.log)
                        log.execute("INSERT INTO actions (at, kind, team, body) VALUES (?, 'submit', ?, ?)",
                                    (time.time(), players[4].team, json.dumps(body, sort_keys=True)))
                    hold.discard((4, q))
                    server = start_server(db, scenario=SCENARIO, seed=SEED, port=port, logs=tmp, wait=WAIT, name="server4")
                    try:
                        await room(lambda s: s["room"]["quarter"] == q, timeout=15)
                        seen.all_in_closed_itself = True
                    except AssertionError:
                        seen.all_in_closed_itself = False
                        await act({"action": "close"})     # the facilitator notices, so the game goes on
                await room(lambda s: s["room"]["quarter"] == q
                           and s["room"]["phase"] == ("ended" if q == QUARTERS else "results"))
            await asyncio.wait_for(asyncio.gather(*tasks), WAIT)
            seen.connections = [p.connections for p in players]
            r = await http.get("/api/host/export/quarters.csv", headers=fh)
            assert r.status_code == 200, r.text
            seen.quarters_csv = r.text
            seen.actions = [(kind, json.loads(body)) for kind, body in
                            log.execute("SELECT kind, body FROM actions ORDER BY seq")]
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        log.close()
        server.stop()         # the game is over: stop it as Ctrl+C does
    seen.seconds = time.monotonic() - started
    return seen


@pytest.fixture(scope="module")
def game(tmp_path_factory) -> Seen:
    return asyncio.run(play(tmp_path_factory.mktemp("crash")))


def uninterrupted(team: int) -> pd.DataFrame:
    """The team's game played by `sim` alone, no server: the same decisions, quarter by quarter."""
    model = load_scenario(SCENARIO).build_model(SEED)
    for q in range(1, QUARTERS + 1):
        changes = {k: v for k, v in plan(team, q).items() if getattr(model.policy, k) != v}
        if changes:
            model.set_policy(**changes)
        model.run_quarters(1)
    return model.quarterly_frame()


# ---------------------------------------------------------------------- the checks
def test_submissions_made_before_the_kill_are_kept(game: Seen) -> None:
    after = game.after_open_kill
    for i, acked in game.acked_before_kill.items():
        state = after[i]
        assert state["room"]["phase"] == "open" and state["room"]["open_quarter"] == KILL_OPEN_Q
        want = plan(i, KILL_OPEN_Q)
        assert state["team"]["submitted"] and chosen(state, want) == chosen(acked, want) == want
        assert state["team"]["revision"] == acked["team"]["revision"]
    for state in after[3:]:
        assert not state["team"]["submitted"] and state["room"]["phase"] == "open"
    assert game.old_key_works                     # the facilitator's page keeps working after a restart


def test_a_quarter_closed_before_the_kill_is_played_once(game: Seen) -> None:
    for state in game.after_close_kill:
        assert state["room"]["phase"] == "results" and state["room"]["quarter"] == KILL_CLOSE_Q
    rounds = [b["action"] for kind, b in game.actions if kind != "submit" and b.get("action") in
              ("start", "advance", "close")]
    assert rounds == ["start", "close"] + ["advance", "close"] * (QUARTERS - 1)
    submits = [(b["quarter"], b["revision"]) for kind, b in game.actions if kind == "submit"]
    assert len(submits) == TEAMS * QUARTERS
    assert [kind for kind, b in game.actions if b.get("action") == "restart"] == ["clock"] * 3


def test_a_round_every_team_is_in_closes_after_a_restart(game: Seen) -> None:
    """Killed between logging the last submission and logging the close, the restarted room has
    every team in and an open gated round: it should close it, as it does when the last team
    submits, instead of waiting for the facilitator."""
    assert game.all_in_closed_itself, f"Q{KILL_ALL_IN_Q} stayed open with every team in after the restart"


def test_teams_reconnected_by_themselves(game: Seen) -> None:
    assert all(n >= 4 for n in game.connections), game.connections


def test_results_equal_an_uninterrupted_game(game: Seen) -> None:
    csv = pd.read_csv(io.StringIO(game.quarters_csv))
    for team in range(TEAMS):
        rows = csv[csv["team"] == f"Team {team}"][list(METRICS)].reset_index(drop=True)
        pd.testing.assert_frame_equal(rows, uninterrupted(team), check_dtype=False, check_exact=True,
                                      obj=f"Team {team}")
    print(f"\n{TEAMS} teams, {QUARTERS} quarters, three kills: {game.seconds:.1f} s (Q{KILL_CLOSE_Q} "
          f"{'had' if game.resolved_before_kill else 'had not'} reached the teams when it was killed)")
