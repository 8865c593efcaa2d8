"""Benchmark: frame times of the play screen while quarters animate, and start-up time to an
interactive title screen (headless; a benchmark, not a test).

    python bench/bench_game.py [--scale 4] [--quarters 4] [--speed normal] [--repeats 3]

Reports the median and 95th percentile frame time over every animated frame, and the
median start-up time over several fresh processes.
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
    sc = dataclasses.replace(sc, world=dataclasses.replace(sc.world, world_scale=scale))
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
    args = ap.parse_args(argv)
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
