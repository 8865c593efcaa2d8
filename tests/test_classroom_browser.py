"""The classroom pages in a real browser (Playwright with Debian's chromium) against a real server.

The protocol tests speak the wire format; these press the buttons people press. One game is
played by the module fixture `game` and each test reads one thing it saw, so a failure names
the part of the pages that broke and the file costs one game. Its cast:

- the facilitator's page, opened at `/host#KEY`, presses the round buttons (Start game, Close
  round, Next quarter, End game) and schedules a policy event (the inject form) that imposes a
  lever in quarter 3;
- three teams in their own browser contexts join through the form and decide through the real
  controls: "Laptop team" (1280x800, segmented buttons; it reloads mid-round), "Phone team"
  (390x844 touch, the slider and its + button) and a team named `<b>x</b>` (1280x800, the
  on/off switch; it sits out quarter 2, which the facilitator closes without it);
- 30 network bots (`classroom.bots.run_bots`, rule random) in a thread fill the room;
- the projector page at 1920x1080.

Three quarters are played in gated rounds: a round closes when every team is in, or when the
facilitator presses Close round. Every wait is bounded (Playwright timeouts, deadlines).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:                                   # pragma: no cover - depends on the machine
    pytest.skip("playwright is not importable: pip install playwright (it drives Debian's chromium)",
                allow_module_level=True)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():                       # pragma: no cover - depends on the machine
    pytest.skip("no chromium: apt-get install chromium (the browser tests drive Debian's chromium)",
                allow_module_level=True)

from classroom.bots import BotReport, run_bots  # noqa: E402  (after the skips: a bare machine skips cleanly)
from classroom.launch import ServerProcess as Server  # noqa: E402
from classroom.launch import start_server  # noqa: E402

SCENARIO, SEED = "baseline", 7
BOTS = 30
TEAMS = BOTS + 3
QUARTERS = 12                      # the baseline scenario's length ("Quarter 1 of 12")
WAIT = 60.0                        # seconds any one step may take on a loaded 2-core machine
# one game serves every test here: with `--dist loadgroup` they all run on the worker that plays it
pytestmark = pytest.mark.xdist_group("classroom-browser")
WAIT_MS = int(WAIT * 1000)
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
ODD_NAME = "<b>x</b>"              # markup in a team name must stay text on every page
IMPOSED = "partner_budget_share"   # the facilitator's injected policy event imposes it in quarter 3
ENV = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}


class Bots:
    """`run_bots` in a daemon thread: they play until the game ends (or their deadline)."""

    def __init__(self, address: str, code: str) -> None:
        self.reports: list[BotReport] = []
        self.error: BaseException | None = None

        def main() -> None:
            try:
                self.reports = asyncio.run(run_bots(address, code, BOTS, "random", seed=SEED, deadline=4 * WAIT))
            except BaseException as e:          # noqa: BLE001 - reported by the test, not lost in a thread
                self.error = e

        self.thread = threading.Thread(target=main, name="classroom-bots", daemon=True)
        self.thread.start()


# ---------------------------------------------------------------------- what the game saw
@dataclass
class Seen:
    """What the fixture's game observed, for the tests to read."""

    code: str = ""
    key: str = ""
    prefilled: str = ""
    wrong_code_error: str = ""
    teams: dict[str, int] = field(default_factory=dict)                 # name -> team id (from its page)
    chosen: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)   # (name, quarter) -> levers
    held_open: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)  # submitted_value while open
    held_after: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)  # value in force after
    reload: dict[str, Any] = field(default_factory=dict)
    kept_last: dict[str, Any] = field(default_factory=dict)
    upcoming: str = ""
    phone: list[dict[str, Any]] = field(default_factory=list)           # one record per quarter checked
    projector: dict[str, Any] = field(default_factory=dict)
    host: dict[str, Any] = field(default_factory=dict)
    public_text: str = ""
    projector_html: str = ""
    team_html: str = ""
    ended: dict[str, Any] = field(default_factory=dict)
    page_errors: list[str] = field(default_factory=list)
    bots: list[BotReport] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)             # stage -> seconds since the start


# ---------------------------------------------------------------------- page helpers
def wait_status(page: Page, text: str) -> None:
    """Wait until the team page's round status reads `text`."""
    page.wait_for_function("t => (document.querySelector('#status')?.innerText || '').includes(t)", arg=text,
                           timeout=WAIT_MS)


def creds(page: Page, code: str) -> dict[str, Any]:
    """The team's stored key, as the page keeps it (localStorage, one entry per room code)."""
    return page.evaluate("code => JSON.parse(localStorage.getItem('partnersim.team.' + code) || 'null')", code)


def team_state(address: str, token: str) -> dict[str, Any]:
    r = httpx.get(f"{address}/api/team", headers={"Authorization": f"Bearer {token}"}, timeout=WAIT)
    assert r.status_code == 200, r.text
    return r.json()


def lever_values(state: dict[str, Any], key: str) -> dict[str, Any]:
    return {lv["name"]: lv[key] for lv in state["levers"]}


def round_button(host: Page, label: str) -> None:
    host.get_by_role("button", name=label, exact=True).click(timeout=WAIT_MS)


def host_round(host: Page, text: str) -> None:
    host.wait_for_function("t => (document.querySelector('#round')?.innerText || '').includes(t)", arg=text,
                           timeout=WAIT_MS)


def join(page: Page, address: str, code: str, name: str) -> None:
    page.goto(f"{address}/?room={code}")
    page.wait_for_selector("#join:not([hidden])", timeout=WAIT_MS)
    page.fill("#join-name", name)
    page.click("#join-button")
    page.wait_for_selector("#game:not([hidden])", timeout=WAIT_MS)


def submit(page: Page) -> None:
    """Press Submit and wait for the server's answer: the submitted mark, or (the last team in
    closes a gated round) the round moving on."""
    page.click("#submit")
    page.wait_for_function("(document.querySelector('#submit-state')?.innerText || '').includes('Submitted')"
                           " || document.querySelector('#game').dataset.phase !== 'open'", timeout=WAIT_MS)


# Every lever's control on the phone: scrolled to the middle of the screen, is it on screen, the
# element a finger there would touch, and enabled unless the scenario locks it or an event imposes it?
PHONE_CHECK = """() => {
  const out = [];
  for (const row of document.querySelectorAll('#levers .lever')) {
    const name = row.dataset.name;
    const inputs = [...row.querySelectorAll('input, select')];
    const targets = [...row.querySelectorAll('input[type=range], .switch input, select, .seg label, button.nudge')];
    const fixed = Boolean(row.querySelector('.lever-note'));
    const problems = [];
    if (!inputs.length || !targets.length) problems.push('no control');
    for (const t of targets) {
      t.scrollIntoView({block: 'center', inline: 'nearest'});
      const r = t.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) { problems.push(`${t.tagName} has no size`); continue; }
      if (r.left < 0 || r.right > innerWidth + 0.5 || r.top < 0 || r.bottom > innerHeight + 0.5)
        problems.push(`${t.tagName} off screen ${JSON.stringify([r.left, r.top, r.right, r.bottom])}`);
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(hit === t || t.contains(hit) || hit.contains(t) || (t.tagName === 'LABEL' && hit === t.control)))
        problems.push(`${t.tagName} covered by ${hit ? hit.tagName + '.' + hit.className : 'nothing'}`);
    }
    const disabled = inputs.some((i) => i.disabled);
    if (disabled !== fixed) problems.push(fixed ? 'locked/imposed but enabled' : 'disabled');
    out.push({name, fixed, problems});
  }
  window.scrollTo(0, 0);
  return {levers: out, scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth};
}"""


def phone_check(page: Page, quarter: int) -> dict[str, Any]:
    got = page.evaluate(PHONE_CHECK)
    got["quarter"] = quarter
    return got


# ---------------------------------------------------------------------- the game
def play(server: Server, seen: Seen) -> None:
    address, code = server.address, server.code
    seen.code, seen.key = code, server.key
    t0 = time.monotonic()

    def stage(name: str) -> None:
        seen.stages[name] = round(time.monotonic() - t0, 1)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            def page(viewport: dict[str, int], label: str, **kw: Any) -> Page:
                ctx = browser.new_context(viewport=viewport, **kw)
                ctx.set_default_timeout(WAIT_MS)
                pg = ctx.new_page()
                pg.on("pageerror", lambda e: seen.page_errors.append(f"{label}: {e}"))
                pg.on("dialog", lambda d: d.accept())        # End game asks "are you sure?"
                return pg

            stage("browser")
            host = page(LAPTOP, "host")
            host.goto(f"{address}/host#{server.key}")
            host.wait_for_selector("#console:not([hidden])")
            laptop = page(LAPTOP, "laptop")
            phone = page(PHONE, "phone", is_mobile=True, has_touch=True)
            odd = page(LAPTOP, "odd")
            projector = page(PROJECTOR, "projector")

            # joining: the code comes prefilled from ?room=; a wrong code is refused in words
            laptop.goto(f"{address}/?room={code}")
            laptop.wait_for_selector("#join:not([hidden])")
            seen.prefilled = laptop.input_value("#join-code")
            laptop.fill("#join-code", "NOPE9")
            laptop.fill("#join-name", "Laptop team")
            laptop.click("#join-button")
            laptop.wait_for_selector("#join-error:not([hidden])")
            seen.wrong_code_error = laptop.inner_text("#join-error")
            laptop.fill("#join-code", code)
            laptop.click("#join-button")
            laptop.wait_for_selector("#game:not([hidden])")
            join(phone, address, code, "Phone team")
            join(odd, address, code, ODD_NAME)
            names = {"Laptop team": laptop, "Phone team": phone, ODD_NAME: odd}
            stage("browser teams")
            keys = {name: creds(pg, code) for name, pg in names.items()}
            seen.teams = {name: k["team"] for name, k in keys.items()}
            token = {name: k["token"] for name, k in keys.items()}

            bots = Bots(address, code)
            host.wait_for_function("n => document.querySelectorAll('#roster tbody tr').length === n", arg=TEAMS)
            stage("bots")
            projector.goto(f"{address}/projector")

            # ---------------------------------------------------------------- quarter 1
            stage('joined')
            round_button(host, "Start game")
            for pg in names.values():
                wait_status(pg, f"Quarter 1 of {QUARTERS}: decide")
            seen.phone.append(phone_check(phone, 1))
            # a segmented button, a slider (dragged to a value), a switch
            laptop.locator('.lever[data-name="direct_comp"] .seg label', has_text="Neutral").click()
            phone.locator('.lever[data-name="enablement"] input[type=range]').fill("0.85")
            odd.locator('.lever[data-name="deal_registration"] .switch input').click()
            seen.chosen[("Laptop team", 1)] = {"direct_comp": "neutral"}
            seen.chosen[("Phone team", 1)] = {"enablement": 0.85}
            seen.chosen[(ODD_NAME, 1)] = {"deal_registration": False}
            for name in ("Laptop team", "Phone team"):
                submit(names[name])
                seen.held_open[(name, 1)] = lever_values(team_state(address, token[name]), "submitted_value")
            submit(odd)                 # the last team in: a gated round closes by itself
            host_round(host, f"Quarter 1 of {QUARTERS}: results")
            for name, pg in names.items():
                wait_status(pg, f"Quarter 1 of {QUARTERS}: results")
                seen.held_after[(name, 1)] = lever_values(team_state(address, token[name]), "value")

            # ---------------------------------------------------------------- quarter 2
            stage('q1')
            round_button(host, "Next quarter")
            for pg in names.values():
                wait_status(pg, f"Quarter 2 of {QUARTERS}: decide")
            laptop.locator('.lever[data-name="partner_regions"] .seg label', has_text="New markets only").click()
            seen.chosen[("Laptop team", 2)] = {"partner_regions": "new_markets_only"}
            submit(laptop)
            before = creds(laptop, code)
            laptop.reload()
            laptop.wait_for_selector("#game:not([hidden])")
            wait_status(laptop, f"Quarter 2 of {QUARTERS}: submitted")
            row = laptop.locator('.lever[data-name="partner_regions"]')
            seen.reload = {
                "before": before, "after": creds(laptop, code), "who": laptop.inner_text("#who"),
                "join_hidden": laptop.locator("#join").is_hidden(),
                "row_class": row.get_attribute("class") or "", "mark": row.locator(".lever-mark").inner_text(),
                "checked": row.locator("input:checked + label").inner_text(),
                "submit_state": laptop.inner_text("#submit-state"),
            }
            seen.held_open[("Laptop team", 2)] = lever_values(team_state(address, token["Laptop team"]),
                                                              "submitted_value")
            phone.locator('.lever[data-name="partner_margin"] button[aria-label$="more"]').click()
            phone.locator('.lever[data-name="partner_margin"] button[aria-label$="more"]').click()
            seen.chosen[("Phone team", 2)] = {"partner_margin": 0.27}
            seen.phone.append(phone_check(phone, 2))
            submit(phone)
            # the facilitator imposes a lever for quarter 3 through the inject form
            host.check("#inj-kind-policy")
            host.select_option("#inj-lever", IMPOSED)
            host.fill("#inj-value", "0.05")
            host.fill("#inj-by", "the CFO")
            host.fill("#inj-message", "Budget freeze: the CFO cuts the program budget")
            host.get_by_role("button", name="Schedule for the next quarter").click()
            host.wait_for_function("() => document.querySelector('#log').innerText.includes('Budget freeze')")
            # the odd team sits this one out: the facilitator closes the round without it
            host.wait_for_function("n => (document.querySelector('#round')?.innerText || '').includes(`${n} of ${n + 1}`)",
                                   arg=TEAMS - 1)
            round_button(host, "Close round")
            host_round(host, f"Quarter 2 of {QUARTERS}: results")
            for name, pg in names.items():
                wait_status(pg, f"Quarter 2 of {QUARTERS}: results")
                seen.held_after[(name, 2)] = lever_values(team_state(address, token[name]), "value")
            odd.wait_for_selector("#notes .notice")
            seen.kept_last = {"note": odd.inner_text("#notes"),
                              "api": team_state(address, token[ODD_NAME])["team"]["kept_last"]}

            # ---------------------------------------------------------------- quarter 3
            stage('q2')
            round_button(host, "Next quarter")
            for pg in names.values():
                wait_status(pg, f"Quarter 3 of {QUARTERS}: decide")
            seen.upcoming = phone.inner_text("#upcoming")
            seen.phone.append(phone_check(phone, 3))
            laptop.locator('.lever[data-name="direct_takeover"] .seg label', has_text="Take them direct").click()
            phone.locator('.lever[data-name="recruits_per_quarter"] input[type=range]').fill("6")
            odd.locator('.lever[data-name="deal_registration"] .switch input').click()
            seen.chosen[("Laptop team", 3)] = {"direct_takeover": True}
            seen.chosen[("Phone team", 3)] = {"recruits_per_quarter": 6}
            seen.chosen[(ODD_NAME, 3)] = {"deal_registration": True}
            for pg in names.values():
                submit(pg)
            host_round(host, f"Quarter 3 of {QUARTERS}: results")
            for name, pg in names.items():
                wait_status(pg, f"Quarter 3 of {QUARTERS}: results")
                seen.held_after[(name, 3)] = lever_values(team_state(address, token[name]), "value")

            # ---------------------------------------------------------------- the read-only pages
            stage('q3')
            projector.wait_for_function("n => document.querySelectorAll('#p-board tbody tr').length > 0", arg=0)
            projector.wait_for_function("t => document.querySelector('#p-head').innerText.includes(t)",
                                        arg=f"Quarter 3 of {QUARTERS}: results")
            seen.projector = projector.evaluate("""() => ({
              chips: [...document.querySelectorAll('#p-chips .chip-name')].map((e) => e.textContent),
              more: (document.querySelector('#p-chips .chip.more') || {}).textContent || '',
              board: [...document.querySelectorAll('#p-board td.team')].map((e) => e.textContent),
              bold: document.querySelectorAll('b').length,
              text: document.body.innerText,
              scroll: [document.scrollingElement.scrollWidth, innerWidth,
                       document.scrollingElement.scrollHeight, innerHeight],
            })""")
            seen.projector_html = projector.content()
            seen.public_text = httpx.get(f"{address}/api/public", timeout=WAIT).text
            seen.host = host.evaluate("""() => ({
              roster: [...document.querySelectorAll('#roster td.name')].map((e) => e.textContent),
              board: [...document.querySelectorAll('#board td.name')].map((e) => e.textContent),
              bold: document.querySelectorAll('b').length,
              url: location.href,
            })""")
            seen.team_html = odd.content()
            seen.host["odd_bold"] = odd.evaluate("document.querySelectorAll('#who b, #game b').length")

            # ---------------------------------------------------------------- the end
            stage('pages')
            round_button(host, "End game")
            for pg in names.values():
                wait_status(pg, "Game over")
            laptop.wait_for_selector("#debrief:not([hidden])")
            seen.ended = {"debrief": laptop.inner_text("#debrief")}
            bots.thread.join(timeout=WAIT)
            assert bots.error is None, f"the bots failed: {bots.error!r}"
            seen.bots = bots.reports
            stage("ended")
        finally:
            browser.close()


@pytest.fixture(scope="module")
def game(tmp_path_factory) -> Seen:
    tmp = tmp_path_factory.mktemp("classroom_browser")
    server = start_server(tmp / "room.sqlite", scenario=SCENARIO, seed=SEED, logs=tmp, wait=WAIT)
    seen = Seen()
    t0 = time.monotonic()
    try:
        play(server, seen)
    except BaseException:
        print(f"server stderr:\n{server.err.read_text()[-3000:]}")
        raise
    finally:
        server.stop()
    seen.seconds = time.monotonic() - t0
    return seen


# ---------------------------------------------------------------------- the tests
def test_teams_join_through_the_form(game: Seen) -> None:
    assert game.prefilled == game.code, "?room=CODE should prefill the room code"
    assert game.wrong_code_error.strip(), "a wrong room code should be refused in words"
    assert sorted(game.teams.values()) == [1, 2, 3], game.teams
    assert not game.page_errors, game.page_errors


def test_submitted_levers_are_what_the_server_holds(game: Seen) -> None:
    for (name, q), levers in game.chosen.items():
        if (name, q) in game.held_open:
            held = game.held_open[(name, q)]
            assert {k: held[k] for k in levers} == pytest.approx(levers), f"{name} Q{q} submitted"
        held = game.held_after[(name, q)]
        assert {k: held[k] for k in levers} == pytest.approx(levers), f"{name} Q{q} in force after the round"


def test_a_team_that_sits_out_keeps_its_last_policy(game: Seen) -> None:
    assert game.kept_last["api"] is True
    assert "last quarter's policy was kept" in game.kept_last["note"], game.kept_last["note"]
    kept = game.held_after[(ODD_NAME, 2)]
    assert kept["deal_registration"] is False, "quarter 1's switch should still be in force"


def test_a_reload_keeps_the_team_and_its_submitted_mark(game: Seen) -> None:
    r = game.reload
    assert r["join_hidden"], "the reloaded page asked to join again"
    assert r["after"] == r["before"], "the stored key changed on reload"
    assert "Laptop team" in r["who"]
    assert "submitted" in r["row_class"].split(), r["row_class"]
    assert "submitted" in r["mark"], r["mark"]
    assert r["checked"] == "New markets only"
    assert "Submitted" in r["submit_state"], r["submit_state"]


def test_the_phone_page_fits_and_every_lever_is_reachable(game: Seen) -> None:
    assert [c["quarter"] for c in game.phone] == [1, 2, 3]
    for check in game.phone:
        assert check["scrollWidth"] <= check["innerWidth"], f"horizontal scrolling on the phone: {check}"
        assert len(check["levers"]) >= 20, "every lever of the baseline scenario should be on the page"
        bad = {lv["name"]: lv["problems"] for lv in check["levers"] if lv["problems"]}
        assert not bad, f"Q{check['quarter']}: {bad}"
    fixed = [[lv["name"] for lv in c["levers"] if lv["fixed"]] for c in game.phone]
    assert fixed == [[], [], [IMPOSED]], f"levers shown as locked/imposed in Q1..Q3: {fixed}"


def test_an_injected_event_reaches_the_team_page(game: Seen) -> None:
    assert "Budget freeze" in game.upcoming, game.upcoming


def test_the_projector_shows_team_names_as_text(game: Seen) -> None:
    pr = game.projector
    everyone = sorted(t["name"] for t in json.loads(game.public_text)["roster"])
    assert len(everyone) == TEAMS
    assert pr["bold"] == 0, "a team name's markup became an element on the projector"
    for name in game.teams:             # the browser teams joined first: their chips come first
        assert name in pr["chips"], f"{name!r} missing from the projector's teams: {pr['chips']}"
    assert set(pr["chips"]) <= set(everyone), pr["chips"]
    # 33 chips do not fit beside the leaderboard: the rest are counted ("+9 more"), never dropped silently
    shown = len(pr["chips"]) + int(re.sub(r"\D", "", pr["more"]) or 0)
    assert shown == TEAMS, f"{len(pr['chips'])} chips + {pr['more']!r} should count {TEAMS} teams"
    assert len(pr["board"]) == min(12, TEAMS) and set(pr["board"]) <= set(everyone), pr["board"]
    assert pr["scroll"][0] <= pr["scroll"][1] and pr["scroll"][2] <= pr["scroll"][3], f"projector scrolls: {pr['scroll']}"
    assert sorted(game.host["roster"]) == everyone, "the facilitator's roster should name every team"
    assert sorted(game.host["board"]) == everyone, "the facilitator's leaderboard should rank every team"
    assert game.host["bold"] == 0, "a team name's markup became an element on the facilitator page"
    assert game.host["odd_bold"] == 0, "the team's own name became markup on its page"


def test_the_projector_clock_says_not_live_while_the_server_is_down(tmp_path: Path) -> None:
    """A timed round's countdown keeps running from the last deadline heard while the server is
    down, marked "(not live)" (a restarted server gives the round more time, so a bare "0:00"
    would read as a round that is over); back on the same file and port, the mark goes."""
    from classroom.launch import free_port

    db, port = tmp_path / "timed.sqlite", free_port()
    extra = ("--rounds", "timed", "--minutes", "5")
    server = start_server(db, scenario=SCENARIO, seed=SEED, port=port, logs=tmp_path, extra=extra, wait=WAIT)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            httpx.post(f"{server.address}/api/join", json={"code": server.code, "name": "Solo"}, timeout=WAIT)
            httpx.post(f"{server.address}/api/host/action", json={"action": "start"},
                       headers={"Authorization": f"Bearer {server.key}"}, timeout=WAIT).raise_for_status()
            page = browser.new_page(viewport=PROJECTOR)
            page.goto(f"{server.address}/projector", timeout=WAIT_MS)
            clock = page.locator(".proj-clock")
            clock.filter(has_text=re.compile(r"^\d:\d\d$")).wait_for(timeout=WAIT_MS)
            server.stop()
            clock.filter(has_text=re.compile(r"^\d:\d\d \(not live\)$")).wait_for(timeout=WAIT_MS)
            server = start_server(db, port=port, logs=tmp_path, wait=WAIT, name="server2")
            clock.filter(has_text=re.compile(r"^\d:\d\d$")).wait_for(timeout=WAIT_MS)
        finally:
            browser.close()
            server.stop()


def test_the_facilitator_key_stays_off_the_projector(game: Seen) -> None:
    assert game.key not in game.projector_html
    assert game.key not in game.public_text
    assert game.key not in game.team_html
    assert game.key not in game.host["url"], "the key should leave the facilitator's address bar"
    public = json.loads(game.public_text)
    assert "token" not in json.dumps(public), "the public state names a token"


def test_the_game_ends_with_a_debrief_and_the_bots_played(game: Seen) -> None:
    assert "Debrief" in game.ended["debrief"]
    assert len(game.bots) == BOTS and all(r.team for r in game.bots), [r.refused for r in game.bots]
    assert all(r.submitted >= 3 for r in game.bots), [r.submitted for r in game.bots]
    assert not game.page_errors, game.page_errors
    print(f"browser game: {game.seconds:.1f} s; stages (s since the browser started): {game.stages}")
