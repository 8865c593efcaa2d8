"""Render every screen to PNG without a display, so anyone can look at the game.

    python -m game.screenshot [--out docs/img] [--scenario baseline] [--seed 0] [--size 1280x720]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def render_all(out: Path, scenario: str = "baseline", seed: int = 0,
               size: tuple[int, int] = (1280, 720), quarters: int = 4) -> list[Path]:
    """Walk title -> picker -> briefing -> play (after `quarters` quarters) -> debrief (at the end)."""
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
    play.speed = "instant"
    for _ in range(quarters):
        play.end_quarter()
        app.frame(1 / 60, events=[])
        if play.popup is not None:
            play.popup.kill()
            play.popup = None
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
        if play.popup is not None:
            play.popup.kill()
            play.popup = None
    app.push("debrief")
    shot("debrief")
    pygame.quit()
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
