"""A mixed room plays a whole game: every kind of seat at once against one real server.

Two teams in real browsers (Playwright, Debian's chromium), one team in the pygame game
(`partnersim play --join`, driven through its real window under the dummy video driver and its
real buttons), a hot-seat laptop with two teams taking turns (`game.hotseat.ClassroomTurns`) and
twenty network bots finish the 12 quarters of a scenario whose CRO imposes levers twice. Then
every team's results must equal `sim` replays of its exported save, the game's and the hot-seat
laptop's own replays must equal the server's frame for frame, and the leaderboard must hold the
replayed figures. Everything talks to 127.0.0.1 and every wait is bounded.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - the CI installs it
    pytest.skip("playwright is not importable", allow_module_level=True)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():  # pragma: no cover
    pytest.skip("no chromium: apt-get install chromium", allow_module_level=True)

import pygame  # noqa: E402

from classroom.bots import BotReport, run_bots  # noqa: E402
from classroom.launch import start_server  # noqa: E402
from game.app import GameApp  # noqa: E402
from game.hotseat import join_turns  # noqa: E402
from game.room_session import RoomSession, join_room  # noqa: E402
from sim.metrics import METRIC_COLUMNS  # noqa: E402
from sim.savegame import load_game, replay  # noqa: E402
from sim.standing import standing  # noqa: E402

pytestmark = pytest.mark.xdist_group("classroom_mixed")

SCENARIO, SEED, QUARTERS = "competing_comp_plans", 13, 12
BOTS = 20
WAIT = 90.0
BROWSERS = ("Browser Amber", "Browser Sky")
PYGAME = "Pygame Teal"
HOTSEAT = ("Hot Red", "Hot Blue")


def wait(predicate, what: str, seconds: float = WAIT, step: float = 0.05, pump=None) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pump is not None:
            pump()
        if predicate():
            return
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


class Bots:
    def __init__(self, address: str, code: str) -> None:
        self.reports: list[BotReport] = []
        self.error: BaseException | None = None

        def main() -> None:
            try:
                self.reports = asyncio.run(run_bots(address, code, BOTS, "random", seed=SEED, deadline=600))
            except BaseException as e:  # noqa: BLE001 - reported by the test
                self.error = e

        self.thread = threading.Thread(target=main, daemon=True)
        self.thread.start()


def public(address: str) -> dict[str, Any]:
    return httpx.get(f"{address}/api/public", timeout=30).json()


def act(address: str, key: str, **body: Any) -> None:
    r = httpx.post(f"{address}/api/host/action", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=60)
    assert r.status_code == 200, r.text


# ---------------------------------------------------------------------- the pygame client
def pump(app: GameApp, n: int = 2) -> None:
    for _ in range(n):
        app.frame(0.05)


def click(app: GameApp, element) -> None:
    pos = element.rect.center
    for ev in (pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)),
               pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
               pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)):
        pygame.event.post(ev)
    pump(app, 3)


def dismiss_popups(app: GameApp) -> None:
    screen = app.screen
    while getattr(screen, "popup", None) is not None:
        screen.popup.kill()
        screen.popup = None
        pump(app, 2)


def catch_up(turns, s: RoomSession) -> bool:
    """The hot-seat laptop takes the room's news; a team's quarter plays out at once (no screen)."""
    turns.poll()
    while s.animating:
        s.advance_weeks(13)
        s.poll()
    return True


# ---------------------------------------------------------------------- browsers
def browser_join(page: Page, address: str, code: str, name: str) -> None:
    page.goto(f"{address}/?room={code}")
    page.wait_for_selector("#join:not([hidden])", timeout=WAIT * 1000)
    page.fill("#join-name", name)
    page.click("#join-button")
    page.wait_for_selector("#game:not([hidden])", timeout=WAIT * 1000)


def browser_token(page: Page, code: str) -> str:
    return page.evaluate("code => JSON.parse(localStorage.getItem('partnersim.team.' + code)).token", code)


def team_state(address: str, token: str) -> dict[str, Any]:
    return httpx.get(f"{address}/api/team", headers={"Authorization": f"Bearer {token}"}, timeout=30).json()


def browser_turn(page: Page, address: str, token: str, q: int, flip: bool) -> None:
    """Wait for quarter q to open on the page, maybe flip deal registration, submit."""
    page.wait_for_function("q => document.querySelector('#game').dataset.phase === 'open' && "
                           "(document.querySelector('#status')?.innerText || '').includes('Quarter ' + q + ' of')",
                           arg=q, timeout=WAIT * 1000)
    if flip:
        box = page.locator("#levers .lever[data-name='deal_registration'] input[role=switch]")
        if box.count() and box.first.is_enabled():
            box.first.click()
    page.click("#submit")
    wait(lambda: (lambda s: s["team"]["submitted"] or s["room"]["phase"] != "open")(team_state(address, token)),
         f"{page} submitted Q{q}")


# ---------------------------------------------------------------------- the test
def test_a_mixed_room_plays_twelve_quarters_and_every_result_equals_its_replay(tmp_path: Path) -> None:
    server = start_server(tmp_path / "room.db", scenario=SCENARIO, seed=SEED)
    address, code = server.address, server.code
    app: GameApp | None = None
    turns = None
    try:
        bots = Bots(address, code)
        # the pygame team, through its real window and buttons
        app = GameApp(save_dir=tmp_path / "pygame-saves")
        session = join_room(address, code, PYGAME, app.save_dir)
        app.start_room_session(session)
        click(app, app.screen.start)                  # the briefing's "Start playing"
        assert app.screen.name == "play"
        app.screen.speed = "instant"
        # the hot-seat laptop: two teams, one laptop, taking turns
        turns = join_turns(address, code, list(HOTSEAT), tmp_path / "hotseat-saves")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            pages = [browser.new_page() for _ in BROWSERS]
            for page, name in zip(pages, BROWSERS, strict=True):
                browser_join(page, address, code, name)
            tokens = [browser_token(page, code) for page in pages]
            everyone = BOTS + len(BROWSERS) + 1 + len(HOTSEAT)
            wait(lambda: len(public(address)["roster"]) == everyone, "every team joined")
            act(address, server.key, action="start")
            for q in range(1, QUARTERS + 1):
                # the pygame team: catch up (its last quarter animates), decide, press Submit
                play = app.screen
                wait(lambda: session.can_decide and session.room.get("open_quarter") == q, f"pygame Q{q} open",
                     pump=lambda: pump(app))
                dismiss_popups(app)
                if q % 3 == 1 and not session.locked_reason("direct_comp"):
                    session.set_lever("direct_comp", "neutral" if q % 2 else "competing")
                    play.panel.refresh()
                assert play.end_btn.text == "Submit decisions"
                click(app, play.end_btn)
                # the hot-seat laptop: each team in turn
                for k, s in turns.sessions.items():
                    wait(lambda s=s: catch_up(turns, s) and s.can_decide and s.room.get("open_quarter") == q,
                         f"hot-seat {s.team} Q{q} open")
                    if q % 4 == k and not s.locked_reason("deal_registration"):
                        s.set_lever("deal_registration", not s.lever_value("deal_registration"))
                    s.end_turn()
                    assert s.turn_done
                    s.turn_done = False
                # the browsers
                for i, (page, token) in enumerate(zip(pages, tokens, strict=True)):
                    browser_turn(page, address, token, q, flip=(q + i) % 5 == 0)
                wait(lambda: public(address)["room"]["phase"] in ("results", "ended"), f"Q{q} played",
                     pump=lambda: pump(app, 1))
                if q < QUARTERS:
                    act(address, server.key, action="advance")
            wait(lambda: public(address)["room"]["phase"] == "ended", "the game ended")
            browser.close()
        # the clients catch up with the last quarter
        wait(lambda: session.finished, "the pygame client caught up", pump=lambda: pump(app))
        for s in turns.sessions.values():
            wait(lambda s=s: catch_up(turns, s) and s.finished, f"hot-seat {s.team} caught up")
        bots.thread.join(WAIT)
        assert bots.error is None
        assert all(r.quarters == QUARTERS and not r.refused for r in bots.reports), bots.reports

        # every team's exported save replays to the server's results
        r = httpx.get(f"{address}/api/host/export/saves.zip", headers={"Authorization": f"Bearer {server.key}"},
                      timeout=120)
        assert r.status_code == 200
        folder = tmp_path / "saves"
        zipfile.ZipFile(io.BytesIO(r.content)).extractall(folder)
        frames: dict[str, pd.DataFrame] = {}
        for path in sorted(folder.glob("*.json")):
            record, scenario = load_game(path)
            assert record.quarters_played == QUARTERS
            frames[record.team] = replay(record, scenario).quarterly_frame()
        assert len(frames) == BOTS + len(BROWSERS) + 1 + len(HOTSEAT)
        board = public(address)["leaderboard"]
        sc = scenario
        for row in board:
            st = standing(sc.win, sc.at_quarter, frames[row["team"]])
            assert (row["clauses_met"], row["net"], row["conflicts"], row["lost"]) == \
                (st.clauses_met, st.net, st.conflicts, st.lost), row["team"]
            assert row["share"] == pytest.approx(st.share, abs=0, rel=1e-12)
        # the game's and the hot-seat laptop's own replays equal the server's, every metric, every quarter
        for s in [session, *turns.sessions.values()]:
            assert isinstance(s, RoomSession) and s.mismatch is None
            pd.testing.assert_frame_equal(s.model.quarterly_frame()[list(METRIC_COLUMNS)],
                                          frames[s.team][list(METRIC_COLUMNS)], check_exact=True)
        # the browsers' teams: the figures their pages were sent are the replay's
        for token, name in zip(tokens, BROWSERS, strict=True):
            check = team_state(address, token)["timeline"]["check"]
            for metric, values in check.items():
                assert values == [float(v) for v in frames[name][metric]], (name, metric)
        # decisions made in every kind of seat reached the model: not everyone played the same game
        assert frames[PYGAME]["revenue_partner"].sum() != frames[HOTSEAT[0]]["revenue_partner"].sum()
    finally:
        if turns is not None:
            turns.close()
        if app is not None:
            app.session and app.session.close()
            app.close()
        server.stop()
