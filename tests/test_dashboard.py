"""The facilitator's projector view in pygame (`partnersim classroom dashboard ADDRESS`, issue 13).

What the window shows is read from `Dashboard.shown()` (the texts of the scene it draws), so no
test needs OCR. Against real servers on 127.0.0.1 (`classroom.launch.start_server`, driven over
HTTP with the facilitator's key it printed): the room code and the phase follow the joins and
the facilitator's actions, the leaderboard is the server's order, and a server stopped and
started again on the same --db and port leaves the last state on screen under a "reconnecting"
banner, then comes back. Without a server: the phase words, the countdown corrected by the
server's clock, the drawn QR code module by module, what fits at several window sizes, the
quiet idle loop, and the one-line errors. Every wait is bounded (`game.net.wait_for`); windows
use the SDL dummy driver.
"""

from __future__ import annotations

import argparse
import http.server
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import httpx  # noqa: E402
import pygame  # noqa: E402

from classroom.app import qr_target as server_qr_target  # noqa: E402
from classroom.launch import ServerProcess, free_port, start_server  # noqa: E402
from game import dashboard as dash_module  # noqa: E402
from game.dashboard import Dashboard, qr_matrix, run_dashboard  # noqa: E402
from game.net import wait_for  # noqa: E402

pytestmark = pytest.mark.xdist_group("dashboard")

SCENARIO, SEED = "baseline", 5
WAIT = 60.0             # seconds any one wait may take on a loaded 2-core machine
TEAMS = ["Northwind", "Maple Leaf", "Atlas"]
ENV = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}


# ---------------------------------------------------------------------- helpers
def host(srv: ServerProcess, action: str, **body: Any) -> dict[str, Any]:
    r = httpx.post(f"{srv.address}/api/host/action", json={"action": action, **body},
                   headers={"Authorization": f"Bearer {srv.key}"}, timeout=WAIT)
    assert r.status_code == 200, r.text
    return r.json()


def join(srv: ServerProcess, name: str) -> dict[str, Any]:
    r = httpx.post(f"{srv.address}/api/join", json={"code": srv.code, "name": name}, timeout=WAIT)
    assert r.status_code == 200, r.text
    return r.json()


def public(srv: ServerProcess) -> dict[str, Any]:
    return httpx.get(f"{srv.address}/api/public", timeout=WAIT).json()


def until(d: Dashboard, condition: Callable[[dict[str, Any]], bool], seconds: float = WAIT) -> dict[str, Any]:
    """Run the dashboard's loop until what it shows meets `condition` (bounded); what it shows."""
    ok = wait_for(lambda: (d.step(), condition(d.shown()))[1], seconds)
    shown = d.shown()
    assert ok, f"not shown within {seconds} s: {shown}"
    return shown


@pytest.fixture
def open_dashboards() -> Iterator[list[Dashboard]]:
    """Dashboards a test opens, closed after it (feed thread and window)."""
    opened: list[Dashboard] = []
    yield opened
    for d in opened:
        d.close()


def dashboard_on(srv: ServerProcess, opened: list[Dashboard], size: tuple[int, int] = (1280, 720)) -> Dashboard:
    d = Dashboard(srv.address, public(srv), size=size)
    opened.append(d)
    return d


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    """A room with timed rounds of 5 minutes (long enough that the clock never closes one here)."""
    srv = start_server(tmp_path_factory.mktemp("dash") / "room.db", scenario=SCENARIO, seed=SEED,
                       extra=("--rounds", "timed", "--minutes", "5"), wait=WAIT)
    yield srv
    srv.stop()


class FakeFeed:
    """Stands in for `game.net.Feed`: the test decides what arrives and whether the line is up."""

    def __init__(self, connected: bool = True) -> None:
        self.connected = connected
        self.connects = 1 if connected else 0
        self.status = "connected" if connected else "connecting"
        self.inbox: list[dict[str, Any]] = []

    def poll(self) -> list[dict[str, Any]]:
        out, self.inbox = self.inbox, []
        return out

    def close(self) -> None:
        self.connected = False


def state(phase: str = "results", quarter: int = 3, teams: int = 3, **room: Any) -> dict[str, Any]:
    """A public state as the server sends it (`classroom.views.public_state`), made up."""
    now = time.time()
    names = [f"Team {k:02d}" for k in range(1, teams + 1)]
    board = [{"rank": k + 1, "team": n, "id": k + 1, "clauses_met": k % 3,
              "clauses": [{"goal": "g", "shown": "s", "met": j < k % 3} for j in range(3)],
              "share": 0.1, "net": -1e5 * k, "conflicts": k, "lost": 1,
              "figures": {"share": f"{10 - k * 0.1:.1f}%", "net": f"-${100 + k}k", "conflicts": str(k), "lost": "1"},
              "spark": {"share": [0.1] * quarter, "net": [-1e4 * q * (k + 1) for q in range(quarter)]}}
             for k, n in enumerate(names)] if quarter else []
    base = {"code": "QZ7KD", "join_url": "http://10.0.0.5:8765/", "phase": phase, "quarter": quarter,
            "open_quarter": quarter + 1 if phase == "open" else None, "quarters": 12, "practice": False,
            "paused": False, "paused_left": None, "deadline": None, "server_time": now, "mode": "gated",
            "minutes": 5, "scenario": {"name": "baseline", "title": "Launching a partner program",
                                       "goal": "By quarter 12: partners bring at least 15% of revenue.",
                                       "quarters": 12},
            "messages": []}
    base.update(room)
    return {"type": "public", "room": base,
            "roster": [{"name": n, "connected": k % 4 != 3, "submitted": k % 2 == 0, "bot": k % 5 == 4}
                       for k, n in enumerate(names)],
            "leaderboard": board}


def offline(st: dict[str, Any], size: tuple[int, int] = (1280, 720), feed: FakeFeed | None = None) -> Dashboard:
    return Dashboard("http://10.0.0.5:8765", st, feed=feed or FakeFeed(), size=size)


# ---------------------------------------------------------------------- a real server
def test_follows_the_room_from_lobby_to_results(server, open_dashboards) -> None:
    """Room code, join address and QR at once; teams as they join; the phase and the countdown
    after `start`; the leaderboard in the server's order after `close`."""
    d = dashboard_on(server, open_dashboards)
    shown = until(d, lambda s: s["status"] == "live")
    assert shown["code"] == server.code
    assert shown["phase"].startswith("Lobby")
    room = public(server)["room"]
    assert shown["qr"] == server_qr_target(SimpleNamespace(join_url=room["join_url"], room=SimpleNamespace(code=server.code)))
    assert shown["join"] == room["join_url"]
    for name in TEAMS:
        join(server, name)
    shown = until(d, lambda s: s["roster_count"] == f"{len(TEAMS)} teams joined")
    assert [e.split(":")[0] for e in shown["roster"]] == TEAMS
    assert "leaderboard" not in shown           # the lobby: the QR code has the room

    host(server, "start")
    shown = until(d, lambda s: s["phase"] == "Quarter 1 of 12 – deciding")
    assert shown["roster_count"] == f"0 of {len(TEAMS)} submitted"
    assert re.fullmatch(r"[45]:\d\d", shown["clock"]), shown["clock"]      # 5-minute rounds
    assert shown["leaderboard_title"] == "The leaderboard appears after the first quarter."

    host(server, "broadcast", message="Two minutes to agree on your partner margin")
    shown = until(d, lambda s: s["message"].endswith("Two minutes to agree on your partner margin"))
    assert re.match(r"\d\d:\d\d  ", shown["message"])

    host(server, "close")
    shown = until(d, lambda s: s["phase"] == "Quarter 1 of 12 – results")
    assert shown["clock"] == ""
    board = public(server)["leaderboard"]
    assert [r["team"] for r in shown["leaderboard"]] == [r["team"] for r in board][:len(shown["leaderboard"])]
    assert len(shown["leaderboard"]) + shown["leaderboard_hidden"] == len(board) == len(TEAMS)
    for row, want in zip(shown["leaderboard"], board, strict=False):     # the server's strings, as sent
        assert (row["rank"], row["share"], row["net"], row["conflicts"]) == \
            (str(want["rank"]), want["figures"]["share"], want["figures"]["net"], want["figures"]["conflicts"])
        assert row["goal"] == f"{want['clauses_met']}/{len(want['clauses'])}"

    host(server, "advance")
    until(d, lambda s: s["phase"] == "Quarter 2 of 12 – deciding")
    host(server, "pause")
    shown = until(d, lambda s: "paused" in s["badges"])
    assert shown["clock"].endswith("(paused)")
    host(server, "resume")
    until(d, lambda s: not s["badges"])


def test_keeps_the_last_state_while_the_server_is_down_and_comes_back(tmp_path, open_dashboards) -> None:
    """The server stopped: the last state stays, under a "reconnecting" banner. Started again on
    the same --db and port, the feed reconnects by itself and follows the room again."""
    db, port = tmp_path / "room.db", free_port()
    srv = start_server(db, scenario=SCENARIO, seed=SEED, port=port, wait=WAIT)
    try:
        for name in TEAMS[:2]:
            join(srv, name)
        host(srv, "start")
        d = dashboard_on(srv, open_dashboards)
        before = until(d, lambda s: s["status"] == "live" and s["phase"] == "Quarter 1 of 12 – deciding")
    finally:
        srv.stop()
    down = until(d, lambda s: s["status"] == "reconnecting")
    assert down["banner"].startswith(f"Reconnecting to the classroom at 127.0.0.1:{port}")
    assert "showing what it last sent" in down["banner"]
    for key in ("code", "phase", "roster", "roster_count", "title", "qr"):
        assert down[key] == before[key], key
    srv = start_server(db, port=port, wait=WAIT, name="server2")
    try:
        back = until(d, lambda s: s["status"] == "live")
        assert back["banner"] == "" and back["code"] == before["code"] and back["phase"] == before["phase"]
        host(srv, "close")
        until(d, lambda s: s["phase"] == "Quarter 1 of 12 – results" and len(s["leaderboard"]) == 2)
    finally:
        srv.stop()


def test_a_feed_closed_during_its_handshake_stops(server) -> None:
    """`Feed.close` while the websocket is still opening: the thread ends and the socket closes
    (before the fix, about half of these kept a thread and a connection open for good)."""
    from game.net import Feed, ws_url

    feeds = []
    for k in range(12):
        feed = Feed(ws_url(server.address, "/ws/public")).start()
        time.sleep(0.002 * (k % 4))
        feed.close(wait=5.0)
        feeds.append(feed)
    assert [f for f in feeds if f._thread.is_alive()] == []
    assert {f.status for f in feeds} == {"closed"}


def test_a_feed_names_an_unexpected_failure_and_keeps_trying(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure the feed does not expect (here the websocket library raising RuntimeError) is
    named in its status, where the status strip shows it, and the feed tries again: it must
    not die silently while the screen still says the line is up."""
    import game.net as net

    tries = []

    def broken(*args: Any, **kwargs: Any) -> None:
        tries.append(1)
        raise RuntimeError("the library broke")

    monkeypatch.setattr(net, "connect", broken)
    monkeypatch.setattr(net, "BACKOFF", (0.01, 0.02))
    feed = net.Feed("ws://127.0.0.1:9/ws/public").start()
    try:
        assert net.wait_for(lambda: len(tries) >= 3, 10.0), "the feed stopped trying"
        assert feed.status == "reconnecting: RuntimeError: the library broke"
        assert feed._thread.is_alive() and not feed.connected
    finally:
        feed.close(wait=5.0)
    assert not feed._thread.is_alive() and feed.status == "closed"


def test_cli_without_a_display_says_so_in_one_line(server) -> None:
    """The console script wires `classroom dashboard`; without a display: one line, exit 2."""
    r = subprocess.run([sys.executable, "-m", "game", "classroom", "dashboard", f"127.0.0.1:{server.port}"],
                       capture_output=True, text=True, timeout=WAIT, env={**ENV, "SDL_VIDEODRIVER": "dummy"})
    assert r.returncode == 2, r
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("partnersim: no display found")
    assert f"{server.address}/projector" in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------------- bad input
class _NotAClassroom(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:       # noqa: N802 - the stdlib's name
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize("case", ["no host", "nobody listens", "not a classroom"])
def test_a_bad_address_is_one_line_and_exit_2(case, capsys) -> None:
    other = None
    if case == "no host":
        address = "http://"
    elif case == "nobody listens":
        address = f"127.0.0.1:{free_port()}"
    else:
        other = http.server.HTTPServer(("127.0.0.1", 0), _NotAClassroom)
        threading.Thread(target=other.serve_forever, daemon=True).start()
        address = f"127.0.0.1:{other.server_address[1]}"
    try:
        code = run_dashboard(argparse.Namespace(address=address, fullscreen=False))
    finally:
        if other is not None:
            other.shutdown()
            other.server_close()
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"partnersim: error: dashboard {address}: "), err
    assert {"no host": "is not a server address", "nobody listens": "cannot reach the classroom",
            "not a classroom": "is this a partnersim classroom"}[case] in err


# ---------------------------------------------------------------------- what it shows, without a server
@pytest.mark.parametrize(("room", "phase", "marks"), [
    ({"phase": "lobby", "quarter": 0}, "Lobby – join now, the game starts soon", []),
    ({"phase": "open", "quarter": 2}, "Quarter 3 of 12 – deciding", []),
    ({"phase": "resolving", "quarter": 3}, "Quarter 4 of 12 – being played", []),
    ({"phase": "results", "quarter": 4}, "Quarter 4 of 12 – results", []),
    ({"phase": "open", "quarter": 0, "practice": True}, "Practice quarter 1 – deciding", ["practice round"]),
    ({"phase": "open", "quarter": 5, "paused": True, "paused_left": 75.2}, "Quarter 6 of 12 – deciding", ["paused"]),
    ({"phase": "ended", "quarter": 12}, "Game over – final standings", []),
])
def test_phase_words(room, phase, marks) -> None:
    d = offline(state(**room))
    try:
        shown = d.shown()
        assert (shown["phase"], shown["badges"]) == (phase, marks)
        if room.get("paused"):
            assert shown["clock"] == "1:16 (paused)"
        if room["phase"] == "ended":
            assert shown["leaderboard_title"] == "Final leaderboard"
    finally:
        d.close()


def test_the_countdown_counts_the_servers_seconds() -> None:
    """A laptop an hour behind the server still shows the round's 1:31 left, not 61:31."""
    server_now = time.time() + 3600
    d = offline(state("open", 2, mode="timed", server_time=server_now, deadline=server_now + 90.5))
    try:
        assert d.shown()["clock"] == "1:31"
        assert d.shown(now=time.time() + 80)["clock"] == "0:11"
        assert d.shown(now=time.time() + 500)["clock"] == "0:00"
        # the line drops: the clock runs on from the last deadline heard, and says so
        d.feed.connected = False
        assert d.shown(now=time.time() + 80)["clock"] == "0:11 (not live)"
        d.feed.connected = True
        assert d.shown(now=time.time() + 80)["clock"] == "0:11"
    finally:
        d.close()


def test_the_drawn_qr_code_is_the_join_address_module_by_module() -> None:
    """The QR code drawn on the window holds segno's matrix of `{join_url}/?room={code}` (as the
    server's /qr.svg encodes it), with a white quiet zone, in the lobby and during play."""
    for phase in ("lobby", "results"):
        d = offline(state(phase, 0 if phase == "lobby" else 3))
        try:
            d.frame(force=True)
            target = d.shown()["qr"]
            assert target == server_qr_target(SimpleNamespace(join_url="http://10.0.0.5:8765/",
                                                              room=SimpleNamespace(code="QZ7KD")))
            (_, drawn, (x, y), module), = [op for op in d.compose().ops if op[0] == "qr"]
            assert drawn == target and module >= (12 if phase == "lobby" else 5)
            matrix = qr_matrix(target)
            zone = dash_module.QUIET_ZONE
            for r in range(-zone, len(matrix) + zone):
                for c in range(-zone, len(matrix) + zone):
                    dark = 0 <= r < len(matrix) and 0 <= c < len(matrix) and matrix[r][c]
                    px = d.window.get_at((x + (zone + c) * module + module // 2, y + (zone + r) * module + module // 2))
                    assert tuple(px)[:3] == ((0, 0, 0) if dark else (255, 255, 255)), (phase, r, c)
        finally:
            d.close()


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (1024, 768), (800, 600)])
def test_what_is_drawn_fits_the_window(size) -> None:
    """Forty teams at several window sizes: every text lies inside the window, the rows that do
    not fit are counted ("top N of 40", "+N more"), and the lobby's QR code is the biggest thing."""
    for phase in ("lobby", "open", "results"):
        d = offline(state(phase, 0 if phase == "lobby" else 4, teams=40, messages=[
            {"at": time.time() - 60, "text": "Quarter 5: before you submit, agree as a team what your partners "
                                              "need from you, and write down why you think it will work."}]),
                    size=size)
        try:
            scene = d.compose()
            w, h = size
            for op in scene.ops:
                if op[0] != "text":
                    continue
                _, text, px, bold, _, pos, anchor = op
                img = dash_module._font(px, bold).size(text)
                rect = pygame.Rect((0, 0), img)
                setattr(rect, anchor, pos)
                assert rect.left >= 0 and rect.top >= 0 and rect.right <= w and rect.bottom <= h, (phase, text, rect)
            shown = scene.texts
            assert len(shown["roster"]) + shown["roster_hidden"] == 40
            if phase != "lobby":
                assert len(shown["leaderboard"]) + shown["leaderboard_hidden"] == 40
                assert shown["leaderboard_title"].endswith(f"top {len(shown['leaderboard'])} of 40")
                assert [r["team"] for r in shown["leaderboard"]] == [f"Team {k:02d}" for k in range(1, 41)][
                    :len(shown["leaderboard"])]
                assert len(shown["leaderboard"]) >= 7
            (_, _, _, module), = [op for op in scene.ops if op[0] == "qr"]
            side = module * (len(qr_matrix(shown["qr"])) + 2 * dash_module.QUIET_ZONE)
            if phase == "lobby":            # the lobby's QR code takes most of the height or half the width
                assert side >= min(0.7 * h, 0.45 * w), (phase, side)
            else:
                assert side >= 0.3 * 720 * min(w / 1280, h / 720), (phase, side)      # 216 px at 1280x720
        finally:
            d.close()


def test_the_idle_loop_draws_only_when_something_changes() -> None:
    """A results screen left alone is drawn once; a new state draws again; a running countdown
    draws once a second, not at the loop's rate; a dropped feed draws the banner once."""
    feed = FakeFeed()
    d = offline(state("results", 3), feed=feed)
    try:
        t = time.time()
        assert d.frame(now=t)
        assert not any(d.frame(now=t + k * 0.1) for k in range(1, 30))
        feed.inbox.append(state("open", 3, mode="timed", server_time=time.time(), deadline=time.time() + 120))
        d.update()
        t = time.time()
        drawn = sum(d.frame(now=t + k * 0.1) for k in range(0, 30))      # three seconds of looks
        assert 3 <= drawn <= 4, drawn
        feed.connected = False
        assert d.frame(now=t + 3.05) and d.shown(now=t + 3.05)["banner"].startswith("Reconnecting")
        assert not d.frame(now=t + 3.06)
    finally:
        d.close()


def test_who_is_in_deciding_teams_first_and_bots_marked() -> None:
    """While a round is open the teams still deciding come first; seats played by a bot say so."""
    d = offline(state("open", 2, teams=6))
    try:
        shown = d.shown()
        assert shown["roster_count"] == "3 of 6 submitted"
        assert shown["roster"] == ["Team 02: deciding", "Team 04: offline", "Team 06: deciding",
                                   "Team 01: submitted", "Team 03: submitted", "Team 05: bot, submitted"]
    finally:
        d.close()


def test_a_message_goes_stale_and_names_fit() -> None:
    """A message older than 15 minutes leaves the screen; a long team name is cut with an ellipsis
    where it would spill into the next column."""
    old = time.time() - 16 * 60
    st = state("results", 3, messages=[{"at": old, "text": "Ten minutes left"}])
    st["roster"][0]["name"] = st["leaderboard"][0]["team"] = "The Extremely Long Team Name of 32"
    d = offline(st)
    try:
        shown = d.shown()
        assert shown["message"] == ""
        assert shown["leaderboard"][0]["team"].endswith("…")
        assert re.fullmatch(r"The Extremely Long Te.*…: ready", shown["roster"][0]), shown["roster"][0]
    finally:
        d.close()
