"""Regenerate the classroom screenshots in docs/img/ (docs/facilitator.md shows them).

    python bench/classroom_screenshots.py [--out docs/img] [--scenario baseline] [--seed 3] [--quarters 4]

Starts `partnersim classroom start` on 127.0.0.1 with a fresh file, fills the room with twelve
teams (two played in a browser, ten network bots with team-like names and a mix of the bot
rules, so the leaderboard spreads), plays `--quarters` quarters, opens the next one and, while
it is open, saves:

- classroom-team.png: the whole team page on a laptop (a 1280x800 window, the full page so the
  charts under last quarter's results show) with one lever changed but not yet sent;
- classroom-team-phone.png: the team page on a phone (390x844) scrolled to its levers, after
  submitting a change;
- classroom-host.png: the whole facilitator page (1280 wide) with the roster and leaderboard;
- classroom-projector.png: the projector page at 1920x1080.

Needs Playwright and Debian's chromium (`apt-get install chromium`). A screenshot over
MAX_BYTES is stored with a 256-colour palette (the pages are flat colours and text, so that
looks the same at a fraction of the size).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from classroom.bots import RULES, play_bot  # noqa: E402
from classroom.cli import port_problem  # noqa: E402
from classroom.launch import start_server  # noqa: E402
from sim.scenario import load_bundled  # noqa: E402

WAIT_MS = 120_000               # any one step on a loaded machine
MAX_BYTES = 400_000             # the docs' budget per image
DOCS_IMG = Path(__file__).resolve().parent.parent / "docs" / "img"
BOT_NAMES = ["Northwind", "Blue Harbor", "Summit", "Cedar & Co", "Atlas", "Orion", "Maple Leaf", "Quartz",
             "Tidewater", "Granite"]
LAPTOP_TEAM, PHONE_TEAM = "Red Rockets", "Falcons"
MESSAGE = "Quarter {q}: before you submit, agree as a team what your partners need from you."


def start_bots(address: str, code: str, scenario: str, seed: int) -> threading.Thread:
    """Ten network bots in a daemon thread, rules in turn (random, fix, baseline ...)."""
    fix = dict(load_bundled(scenario).fix)

    async def one(i: int, name: str) -> None:
        await asyncio.sleep(0.2 * i)        # join in turn: a bot's team number seeds its draws
        await play_bot(address, code, name, RULES[(i + 2) % len(RULES)], fix=fix, seed=seed,
                       deadline=WAIT_MS / 1000 * 5)

    async def everyone() -> None:
        await asyncio.gather(*(one(i, name) for i, name in enumerate(BOT_NAMES)))

    thread = threading.Thread(target=lambda: asyncio.run(everyone()), name="bots", daemon=True)
    thread.start()
    return thread


def wait_status(page: Page, text: str) -> None:
    page.wait_for_function("t => (document.querySelector('#status')?.innerText || '').includes(t)", arg=text,
                           timeout=WAIT_MS)


def submit(page: Page) -> None:
    page.click("#submit")
    page.wait_for_function("(document.querySelector('#submit-state')?.innerText || '').includes('Submitted')"
                           " || document.querySelector('#game').dataset.phase !== 'open'", timeout=WAIT_MS)


def save(png: bytes, path: Path) -> int:
    """Write a screenshot, palettised when it is over the budget; returns the bytes written."""
    if len(png) > MAX_BYTES:
        img = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        buf = io.BytesIO()
        img.save(buf, format="PNG", optimize=True)
        png = buf.getvalue()
    path.write_bytes(png)
    return len(png)


# Each browser team's decisions, quarter by quarter: (lever, how to set it).
LAPTOP_PLAN = {1: ("direct_comp", "Neutral"), 2: ("enablement", "0.8"), 3: ("partner_team_size", "4"),
               4: ("sales_playbook", "0.8")}
PHONE_PLAN = {1: ("partner_margin", "0.3"), 2: ("recruiting_focus", "Whoever says yes"), 3: ("incentive", "Referral bounty"),
              4: ("partner_team_training", "0.7")}


# The laptop's levers panel scrolls on its own: bring the group of a lever to the panel's top.
SCROLL_PANEL_TO_GROUP = """(name) => {
  const panel = document.querySelector('#decide');
  const group = document.querySelector(`.lever[data-name="${name}"]`).closest('fieldset');
  panel.scrollTop += group.getBoundingClientRect().top - panel.getBoundingClientRect().top - 12;
}"""


def decide(page: Page, lever: str, how: str) -> None:
    """Set a lever through its control: a segmented button by its words, else the slider."""
    row = page.locator(f'.lever[data-name="{lever}"]')
    row.scroll_into_view_if_needed()
    if row.locator("input[type=range]").count():
        row.locator("input[type=range]").fill(how)
    else:
        row.locator(".seg label", has_text=how).click()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DOCS_IMG, help="folder for the PNGs (default docs/img)")
    ap.add_argument("--scenario", default="baseline", help="bundled scenario (default baseline)")
    ap.add_argument("--seed", type=int, default=3, help="the world's seed (default 3)")
    ap.add_argument("--quarters", type=int, default=4, help="quarters played before the pictures (default 4)")
    args = ap.parse_args(argv)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("no chromium: apt-get install chromium", file=sys.stderr)
        return 2
    if not 1 <= args.quarters <= 4:
        print(f"--quarters: {args.quarters} is not allowed (allowed: 1 to 4)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="partnersim-shots-") as tmp:
        # the usual classroom port when it is free: the pictures then show the usual address
        server = start_server(Path(tmp) / "room.sqlite", scenario=args.scenario, seed=args.seed,
                              port=8765 if port_problem("127.0.0.1", 8765) is None else None, wait=WAIT_MS / 1000)
        try:
            shoot(server.address, server.code, server.key, args, chromium)
        finally:
            server.stop()
    return 0


def shoot(address: str, code: str, key: str, args: argparse.Namespace, chromium: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            def page(viewport: dict[str, int], **kw) -> Page:
                ctx = browser.new_context(viewport=viewport, **kw)
                ctx.set_default_timeout(WAIT_MS)
                pg = ctx.new_page()
                pg.on("dialog", lambda d: d.accept())
                return pg

            host = page({"width": 1280, "height": 800})
            host.goto(f"{address}/host#{key}")
            laptop = page({"width": 1280, "height": 800})
            phone = page({"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
            for pg, name in ((laptop, LAPTOP_TEAM), (phone, PHONE_TEAM)):
                pg.goto(f"{address}/?room={code}")
                pg.fill("#join-name", name)
                pg.click("#join-button")
                pg.wait_for_selector("#game:not([hidden])")
            start_bots(address, code, args.scenario, args.seed)
            teams = 2 + len(BOT_NAMES)
            host.wait_for_function("n => document.querySelectorAll('#roster tbody tr').length === n", arg=teams)
            projector = page({"width": 1920, "height": 1080})
            projector.goto(f"{address}/projector")

            host.get_by_role("button", name="Start game", exact=True).click()
            for q in range(1, args.quarters + 1):
                for pg, plan in ((laptop, LAPTOP_PLAN), (phone, PHONE_PLAN)):
                    wait_status(pg, f"Quarter {q} of")
                    decide(pg, *plan[q])
                    submit(pg)
                host.wait_for_function("t => { const r = document.querySelector('#round').innerText;"
                                       " return r.includes(t) && r.includes('results'); }", arg=f"Quarter {q} of")
                host.get_by_role("button", name="Next quarter", exact=True).click()

            # the next quarter, open: the bots are in, the phone team submits, the laptop team is deciding
            q = args.quarters + 1
            for pg in (laptop, phone):
                wait_status(pg, f"Quarter {q} of")
            host.fill("#bc-text", MESSAGE.format(q=q))
            host.get_by_role("button", name="Send to all teams").click()
            phone.wait_for_selector("#messages li")
            decide(phone, "direct_comp", "Neutral")
            submit(phone)
            host.wait_for_function("n => document.querySelector('#round').innerText.includes(`${n - 1} of ${n}`)",
                                   arg=teams)
            laptop.wait_for_selector("#messages li")
            laptop.locator('.lever[data-name="partner_team_size"] button[aria-label$="more"]').click()
            laptop.evaluate("window.scrollTo(0, 0)")
            laptop.evaluate(SCROLL_PANEL_TO_GROUP, "partner_team_size")
            phone.evaluate("document.querySelector('#decide').scrollIntoView({block: 'start'})")
            for pg in (laptop, phone, host, projector):
                pg.mouse.move(1, 1)         # no button left under the pointer (hover styles) in the pictures
            projector.wait_for_function("() => document.querySelectorAll('#p-board tbody tr').length > 0")
            time.sleep(1.0)                 # the last roster flush and the countdowns settle

            shots = {
                "classroom-team.png": laptop.screenshot(full_page=True),
                "classroom-team-phone.png": phone.screenshot(),
                "classroom-host.png": host.screenshot(full_page=True),
                "classroom-projector.png": projector.screenshot(),
            }
            for name, png in shots.items():
                size = save(png, args.out / name)
                print(f"{args.out / name}: {size / 1000:.0f} kB")
        finally:
            browser.close()


if __name__ == "__main__":
    raise SystemExit(main())
