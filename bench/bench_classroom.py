"""Benchmark: a classroom game on loopback, N bot teams over websockets, 12 gated quarters with
the facilitator advancing as soon as a round's results are in (a benchmark, not a test: run it
by hand on a quiet machine).

    python bench/bench_classroom.py [--teams 40] [--repeats 3] [--scenario baseline] [--seed 0]

Each repeat starts `partnersim classroom start` on a free port with a fresh file, lets the bots
(`classroom.bots.play_bot`, rule "random") join one at a time, then plays the game. Reported per
repeat and as the median over repeats:

- join s: the lobby filling, first join to the last team connected;
- game s: wall time from the facilitator's "start" to the game's end;
- resolve s: median and max time per quarter from the round closing (the facilitator page
  shows "resolving") to its results arriving on the facilitator page;
- submit latency: p50, p95 and max over every bot decision, from a bot sending its decision to
  the server's reply (the aim: p95 under 200 ms with 40 teams).

The load average is printed too: on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import websockets  # noqa: E402

from classroom.bots import play_bot  # noqa: E402
from classroom.launch import start_server  # noqa: E402

STEP_TIMEOUT = 300.0           # seconds any one step may take before the run is abandoned


@dataclass
class Figures:
    """One game's measurements (seconds)."""

    join: float
    game: float
    resolve_median: float
    resolve_max: float
    p50: float
    p95: float
    worst: float
    decisions: int


def percentile(values: list[float], f: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(f * len(values)))]


async def one_game(teams: int, scenario: str, seed: int) -> Figures:
    with tempfile.TemporaryDirectory(prefix="bench-classroom-") as tmp:
        server = start_server(Path(tmp) / "room.sqlite", scenario=scenario, seed=seed, wait=STEP_TIMEOUT)
        address, code, key = server.address, server.code, server.key
        bots: list[asyncio.Task] = []
        try:
            async with websockets.connect(address.replace("http", "ws", 1) + "/ws/host", max_size=2 ** 24,
                                          open_timeout=STEP_TIMEOUT, ping_interval=None) as host:
                await host.send(json.dumps({"type": "hello", "token": key}))

                last: dict = {}

                async def room(pred, *, now: bool = False) -> dict:
                    """The next facilitator state for which `pred` holds (`now`: the latest one may
                    do; the server sends the facilitator at most one state per 0.1 s, the latest)."""
                    if now and last and pred(last):
                        return last
                    end = time.monotonic() + STEP_TIMEOUT
                    while True:
                        left = end - time.monotonic()
                        if left <= 0:
                            raise RuntimeError("timed out waiting for the room")
                        msg = json.loads(await asyncio.wait_for(host.recv(), left))
                        if msg.get("type") == "room":
                            last.clear()
                            last.update(msg)
                            if pred(msg):
                                return msg

                await room(lambda m: True)
                join_start = time.monotonic()
                for i in range(teams):      # one at a time: a bot gives up on a join slower than 30 s
                    bots.append(asyncio.create_task(play_bot(address, code, f"Bot {i:03d}", "random", seed=seed,
                                                             deadline=20 * STEP_TIMEOUT)))
                    await room(lambda m: len(m["roster"]) > i, now=True)
                await room(lambda m: len(m["roster"]) == teams and all(t["connected"] for t in m["roster"]), now=True)
                join = time.monotonic() - join_start
                start = time.monotonic()
                await host.send(json.dumps({"type": "action", "action": "start"}))
                resolves, closed, q = [], None, 1
                while True:             # a page is sent only the latest state: "resolving" may be skipped
                    msg = (await room(lambda m: True))["room"]
                    if msg["phase"] == "resolving" and closed is None:
                        closed = time.monotonic()
                    elif msg["phase"] in ("results", "ended") and msg["quarter"] == q:
                        if closed is not None:
                            resolves.append(time.monotonic() - closed)
                        if msg["phase"] == "ended":
                            break
                        closed, q = None, q + 1
                        await host.send(json.dumps({"type": "action", "action": "advance"}))
                game = time.monotonic() - start
            reports = await asyncio.wait_for(asyncio.gather(*bots), STEP_TIMEOUT)
        finally:
            for b in bots:
                b.cancel()
            await asyncio.gather(*bots, return_exceptions=True)
            server.stop()
    lat = [x for r in reports for x in r.latencies]
    return Figures(join, game, statistics.median(resolves), max(resolves), percentile(lat, 0.5),
                   percentile(lat, 0.95), max(lat), len(lat))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    runs = []
    for r in range(args.repeats):
        load = os.getloadavg()[0]
        fig = asyncio.run(one_game(args.teams, args.scenario, args.seed + r))
        runs.append((load, fig))
        print(f"  repeat {r + 1}: game {fig.game:.1f} s (load average {load:.1f} before it)", file=sys.stderr,
              flush=True)
    print(f"classroom game, {args.scenario}, {args.teams} bot teams over loopback websockets, gated rounds "
          f"(Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    print(f"{'run':>6} {'load':>5} {'join s':>7} {'game s':>7} {'resolve med s':>14} {'resolve max s':>14} "
          f"{'submit p50 ms':>14} {'p95 ms':>7} {'max ms':>7} {'decisions':>10}")
    rows = [(str(i + 1), load, f) for i, (load, f) in enumerate(runs)]
    med = Figures(*(statistics.median(getattr(f, k) for _, f in runs) for k in Figures.__dataclass_fields__))
    rows.append(("median", statistics.median(load for load, _ in runs), med))
    for name, load, f in rows:
        print(f"{name:>6} {load:>5.1f} {f.join:>7.1f} {f.game:>7.1f} {f.resolve_median:>14.2f} "
              f"{f.resolve_max:>14.2f} {1000 * f.p50:>14.0f} {1000 * f.p95:>7.0f} {1000 * f.worst:>7.0f} "
              f"{f.decisions:>10.0f}")
    verdict = "met" if med.p95 < 0.2 else "missed"
    print(f"aim p95 submit latency < 200 ms with 40 teams: {verdict} ({1000 * med.p95:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
