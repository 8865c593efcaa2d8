"""Render every screen to PNG without a display, so anyone can look at the game.

    python -m game.screenshot [--out docs/img] [--scenario baseline] [--seed 0] [--size 1280x720]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def render_all(out: Path, scenario: str = "baseline", seed: int = 0,
               size: tuple[int, int] = (1280, 720), quarters: int = 4, wait: float = 300.0) -> list[Path]:
    """Walk title -> picker -> briefing -> play (after `quarters` quarters) -> debrief (at the end),
    then the debrief's "what your decisions were worth" tab once its replays are in (up to
    `wait` seconds), a group's row hovered. play-start.png is quarter 0 (empty charts); event.png
    the first scenario pop-up, if the scenario has scheduled news (e.g. protectionist_geography)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from game.app import GameApp
    from sim.scenario import load_scenario

    out.mkdir(parents=True, exist_ok=True)
    saves = Path(tempfile.mkdtemp(prefix="partnersim-shots-"))
    app = GameApp(size=size, save_dir=saves, team="Blue")
    shots = []

    def shot(name: str, frames: int = 2) -> None:
        for _ in range(frames):
            app.frame(1 / 60, events=[])
        shots.append(app.screenshot(out / f"{name}.png"))

    shot("title")
    app.go("picker")
    shot("picker")
    app.new_game(load_scenario(scenario), seed)
    app.go("briefing")
    shot("briefing")
    app.go("play")
    play = app.screen
    if play.popup is None:
        shot("play-start")            # quarter 0: empty charts, the panel's starting choices
    play.speed = "instant"
    news = play.popup is not None

    def dismiss() -> None:
        """Close a scenario pop-up; the first one is shot as event.png."""
        nonlocal news
        if play.popup is not None:
            if not news:
                shot("event", frames=1)
                news = True
            play.popup.kill()
            play.popup = None

    for _ in range(quarters):
        play.end_quarter()
        app.frame(1 / 60, events=[])
        dismiss()
    # a quarter in motion: conflicts flash, a partner is hovered
    app.session.set_lever("enablement", 0.8) if not app.session.locked_reason("enablement") else None
    play.speed = "normal"
    play.end_quarter()
    for _ in range(40):
        app.frame(1 / 60, events=[])
    view = app.session.snapshot()
    target = next((p.index for p in view.partners if p.at_risk), None)
    target = target if target is not None else next((p.index for p in view.partners if p.enrolled), None)
    if target is not None:
        xy = play.map.partner_position(target)
        app.frame(1 / 60, events=[pygame.event.Event(pygame.MOUSEMOTION, pos=(int(xy[0]), int(xy[1])),
                                                     rel=(0, 0), buttons=(0, 0, 0))])
    shot("play", frames=1)
    while app.session.animating:
        app.frame(0.5, events=[])
    play.speed = "instant"            # finish the game: the debrief judges the goal at the end
    while not app.session.finished:
        play.end_quarter()
        app.frame(1 / 60, events=[])
        dismiss()
    app.push("debrief")
    shot("debrief")
    debrief = app.screen
    debrief.show_tab("worth")
    shot("debrief-worth-progress")
    deadline = time.monotonic() + wait
    while debrief.worth.running and time.monotonic() < deadline:
        app.frame(0.05, events=[])
        time.sleep(0.05)
    wf = debrief.worth.waterfall
    if wf is not None and wf.attribution.groups:    # hover the biggest bar: its levers show
        m = wf.attribution.measures[-1]
        group = max(wf.attribution.groups, key=lambda g: abs(m.values[g]))
        r = debrief.worth.waterfall_rect()
        row = wf.row_rects(r.size)[group].move(r.topleft)
        xy = (r.x + 60, row.centery)
        for _ in range(2):
            app.frame(1 / 60, events=[pygame.event.Event(pygame.MOUSEMOTION, pos=xy, rel=(0, 0),
                                                         buttons=(0, 0, 0))])
        app.frame(1.0, events=[])         # the tooltip shows after its delay
    shot("debrief-worth")
    app.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/img", help="folder for the PNGs")
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", default="1280x720", help="window size, WIDTHxHEIGHT")
    ap.add_argument("--quarters", type=int, default=4, help="quarters to play before the play shot")
    args = ap.parse_args(argv)
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"screenshot: --size {args.size!r} is not allowed (allowed: WIDTHxHEIGHT, e.g. 1280x720)",
              file=sys.stderr)
        return 2
    for p in render_all(Path(args.out), args.scenario, args.seed, (w, h), args.quarters):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
