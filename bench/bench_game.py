"""Benchmark: frame times of the play screen while quarters animate, start-up time to an
interactive title screen, and what an idle window costs (headless; a benchmark, not a test).

    python bench/bench_game.py [--scale 4] [--quarters 4] [--speed normal] [--repeats 3]
                               [--idle-seconds 3] [--idle-samples 3] [--only idle]

Reports the median and 95th percentile frame time over every animated frame, the median
start-up time over several fresh processes, and for the title, briefing, play (between
quarters) and debrief screens left alone: the share of a core the main loop uses (process CPU
time / wall time, median of several samples), beside the loop before issue 10 that drew every
frame at 60 fps; and how soon a hovered button lights up and its tooltip shows.

Measured on the shared 2-core dev box under the SDL dummy driver (issue 10, part 6), share of a
core, median of 3 x 3 s: before, the loop drew every frame at 60 fps: title 5.5%, briefing 5.8%,
play between quarters 28%, debrief 8.7%. After (idle loop): title 0.9%, briefing 1.0%, play 3.2%
(pygame_gui's per-widget update at 20 looks a second; its hover pass is skipped while the mouse
rests), debrief 2.1% while its replays still run. A hovered button lights up about 50 ms after
the mouse arrives and a tooltip shows within about 90 ms of its delay. A real display adds the
cost of presenting each frame (about 60% of a core on the debrief, as reported), which the idle
loop no longer pays.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

STARTUP = """
import time, os
t0 = time.perf_counter()
from game.app import GameApp
app = GameApp(save_dir={save!r})
app.frame(1 / 60, events=[])
print(time.perf_counter() - t0)
"""


def frame_times(scale: float, quarters: int, speed: str) -> list[float]:
    """Seconds per frame for every frame while `quarters` quarters animate at 60 fps."""
    import numpy as np  # noqa: F401  (imported before timing)

    from game.app import GameApp
    from game.screens.play import PlayScreen
    from sim.scenario import load_scenario

    sc = load_scenario("baseline")
    sc = dataclasses.replace(sc, world=sc.world.model_copy(update={"world_scale": scale}))
    app = GameApp(save_dir=Path(tempfile.mkdtemp()))
    app.new_game(sc, 0)
    app.go(PlayScreen(app))
    play = app.screen
    play.speed = speed
    times: list[float] = []
    for _ in range(quarters):
        play.end_quarter()
        while app.session.animating:
            app.frame_times.clear()
            app.frame(1 / 60, events=[])
            times.append(app.frame_times[-1])
        app.frame(1 / 60, events=[])    # the frame that shows the finished quarter
        times.append(app.frame_times[-1])
    return times


def _always_draw(app, seconds: float) -> None:
    """The main loop before issue 10: every frame drawn at 60 fps (the reference)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.frame(app.clock.tick(60) / 1000.0)


def _cpu_share(run, seconds: float, samples: int) -> list[float]:
    """Process CPU time over wall time while `run(seconds)` runs, once per sample."""
    out = []
    for _ in range(samples):
        cpu, wall = time.process_time(), time.perf_counter()
        run(seconds)
        out.append((time.process_time() - cpu) / (time.perf_counter() - wall))
    return out


def idle_cpu(seconds: float, samples: int) -> dict[str, tuple[list[float], list[float], int]]:
    """For each screen left alone: (idle loop's CPU shares, always-drawing loop's, frames the
    idle loop drew in its samples)."""
    from game.app import GameApp
    from sim.scenario import load_scenario

    app = GameApp(save_dir=Path(tempfile.mkdtemp()))
    out = {}

    def measure(name: str) -> None:
        while app.animating:                 # a worker or a quarter still running: let it end
            app.frame(1 / 60)
        app.frame(1 / 60)
        drawn = app.draws
        idle = _cpu_share(app.loop, seconds, samples)
        drawn = app.draws - drawn
        out[name] = (idle, _cpu_share(lambda s: _always_draw(app, s), seconds, samples), drawn)

    measure("title")
    app.new_game(load_scenario("baseline"), 0)
    app.go("briefing")
    measure("briefing")
    app.go("play")
    play = app.screen
    play.speed = "instant"

    def close_popup() -> None:
        app.frame(1 / 60)
        if play.popup is not None:
            play.popup.kill()
            play.popup = None

    close_popup()
    play.end_quarter()
    close_popup()
    measure("play (between quarters)")
    while not app.session.finished:
        play.end_quarter()
        close_popup()
    app.push("debrief")
    measure("debrief")
    app.close()                          # the debrief's replay workers stop with it
    return out


def hover_latency(repeats: int = 5) -> tuple[list[float], list[float]]:
    """Seconds from the mouse arriving on the title's "New game" button until the loop draws
    it lit up, and from the tooltip's delay running out until the loop draws the tooltip. The
    dummy driver keeps the mouse at (0, 0), so the mouse position is patched and the motion
    posted, as a real mouse would report it."""
    import pygame

    from game.app import GameApp

    app = GameApp(save_dir=Path(tempfile.mkdtemp()))
    button = app.screen.new_game
    button.set_tooltip("Start a new game.")
    real_pos = pygame.mouse.get_pos
    lit, tips = [], []
    try:
        for _ in range(repeats):
            pygame.mouse.get_pos = lambda: (0, 0)
            app.loop(0.6)                                 # idle, nothing hovered
            pos = button.rect.center
            pygame.mouse.get_pos = lambda pos=pos: pos
            start = time.perf_counter()
            pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(1, 1), buttons=(0, 0, 0)))
            shown_lit = shown_tip = None
            while shown_tip is None and time.perf_counter() - start < 3:
                if app.step():
                    now = time.perf_counter() - start
                    if shown_lit is None and button.hovered:
                        shown_lit = now
                    if button.tool_tip is not None:
                        shown_tip = now
            lit.append(shown_lit if shown_lit is not None else float("nan"))
            tips.append(shown_tip - button.tool_tip_delay if shown_tip is not None else float("nan"))
            pygame.mouse.get_pos = lambda: (0, 0)
            pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(0, 0), rel=(1, 1), buttons=(0, 0, 0)))
            app.loop(0.3)
    finally:
        pygame.mouse.get_pos = real_pos
        app.close()
    return lit, tips


def startup_seconds(repeats: int) -> list[float]:
    out = []
    root = str(Path(__file__).resolve().parent.parent)
    for _ in range(repeats):
        code = STARTUP.format(save=tempfile.mkdtemp())
        start = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                             env={**os.environ, "PYTHONPATH": root}, check=True)
        total = time.perf_counter() - start
        out.append(total)
        del res
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=4.0)
    ap.add_argument("--quarters", type=int, default=4)
    ap.add_argument("--speed", default="normal", choices=["fast", "normal", "slow"])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--idle-seconds", type=float, default=3.0, help="wall seconds per idle sample")
    ap.add_argument("--idle-samples", type=int, default=3)
    ap.add_argument("--only", choices=["idle"], help="only the idle figures")
    args = ap.parse_args(argv)
    print(f"idle window, {args.idle_samples} samples of {args.idle_seconds:g} s per screen, share of one "
          f"core (median; the loop that draws every frame at 60 fps beside it):")
    for name, (idle, always, drawn) in idle_cpu(args.idle_seconds, args.idle_samples).items():
        print(f"  {name:24s} idle loop {statistics.median(idle):6.1%} (max {max(idle):.1%}, {drawn} frames "
              f"drawn)   always drawing {statistics.median(always):6.1%}")
    lit, tips = hover_latency()
    print(f"  hover: a button lights up {statistics.median(lit) * 1000:.0f} ms after the mouse arrives "
          f"(max {max(lit) * 1000:.0f}); its tooltip shows {statistics.median(tips) * 1000:.0f} ms after "
          f"its delay (max {max(tips) * 1000:.0f})")
    if args.only == "idle":
        return 0
    ts = sorted(frame_times(args.scale, args.quarters, args.speed))
    p95 = ts[int(0.95 * (len(ts) - 1))]
    print(f"play screen, baseline at world_scale {args.scale:g}, {args.quarters} quarters at "
          f"'{args.speed}' speed, {len(ts)} frames (Python {sys.version.split()[0]})")
    print(f"  frame time: median {statistics.median(ts) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
          f"max {ts[-1] * 1000:.1f} ms")
    st = startup_seconds(args.repeats)
    print(f"  start-up to an interactive title screen (fresh process): median "
          f"{statistics.median(st):.2f} s over {len(st)} runs (min {min(st):.2f}, max {max(st):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
