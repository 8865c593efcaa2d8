"""Bots: teams that play by a rule, for rehearsals, on-site network checks and tests.

One rule serves both kinds of bot: a seat the facilitator hands to a bot (the server plays it,
`bot_changes`) and a bot team joining over the network (`partnersim classroom bots`, `run_bots`),
which sees only what a team's page sees. Rules:

- `baseline`: changes nothing (keeps the scenario's starting policy, as a team that never
  submits would, but on time).
- `fix`: sets the scenario's recommended fix wherever it may (what a team that learnt the
  lesson does).
- `random`: changes one or two levers it may change to random allowed values each quarter; its
  draws come from a generator seeded by (room seed, team, quarter), so a replay plays it again
  exactly.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.model import PartnerProgramModel
from sim.policy import LEVERS
from sim.scenario import Scenario

RULES = ("baseline", "fix", "random")


def choose(rule: str, levers: Mapping[str, tuple[Any, bool]], fix: Mapping[str, Any],
           rng: np.random.Generator) -> dict[str, Any]:
    """A bot's changes for the quarter being decided.

    Args:
        rule: One of RULES.
        levers: Lever -> (value in force, whether the team may change it this quarter).
        fix: The scenario's recommended changes (rule "fix").
        rng: The bot's seeded generator (rule "random").
    """
    if rule == "baseline":
        return {}
    if rule == "fix":
        return {k: v for k, v in fix.items() if k in levers and levers[k][1] and levers[k][0] != v}
    free = [k for k, (_, ok) in levers.items() if ok]
    if not free:
        return {}
    picked = rng.choice(len(free), size=min(len(free), int(rng.integers(1, 3))), replace=False)
    return {free[i]: _random_value(free[i], rng) for i in sorted(picked)}


def _random_value(name: str, rng: np.random.Generator) -> Any:
    lever = LEVERS[name]
    if lever.kind == "choice":
        return lever.choices[int(rng.integers(len(lever.choices)))]
    if lever.kind == "bool":
        return bool(rng.integers(2))
    low, high, step = lever.ui_range
    steps = int(round((high - low) / step))
    value = low + step * int(rng.integers(steps + 1))
    return int(round(value)) if lever.kind == "int" else round(min(high, value), 6)


def bot_rng(seed: int, team: int, quarter: int) -> np.random.Generator:
    """The generator of a bot's draws in one quarter (replays draw the same)."""
    return np.random.default_rng([seed, team, quarter, 0xB07])


def bot_changes(rule: str, scenario: Scenario, model: PartnerProgramModel, *, seed: int, team: int,
                quarter: int) -> dict[str, Any]:
    """A server-side bot's changes for `quarter`, from its seat's model."""
    levers = {k: (getattr(model.policy, k), k not in scenario.locked and model.imposed(k) is None)
              for k in LEVERS}
    return choose(rule, levers, scenario.fix, bot_rng(seed, team, quarter))


# ---------------------------------------------------------------------- bots over the network
@dataclass
class BotReport:
    """What a network bot saw: for rehearsals and load checks."""

    name: str
    team: int = 0
    submitted: int = 0
    reconnects: int = 0
    latencies: list[float] = field(default_factory=list)   # seconds from submit to the server's answer
    refused: list[str] = field(default_factory=list)
    last_phase: str = ""
    quarters: int = 0


async def play_bot(address: str, code: str, name: str, rule: str, *, fix: Mapping[str, Any] | None = None,
                   seed: int = 0, deadline: float = 600.0, drop_after: int | None = None) -> BotReport:
    """Join a room as a team and play by `rule` until the game ends or `deadline` seconds pass.

    Args:
        address: The server, e.g. "http://192.168.1.20:8765".
        code: The room code.
        name: The team's name.
        rule: One of RULES.
        fix: The scenario's fix (rule "fix").
        seed: Seeds the rule "random".
        deadline: Give up after this many seconds.
        drop_after: Close the socket after this many submissions and reconnect (a dropped laptop).
    """
    import httpx
    import websockets

    report = BotReport(name)
    start = time.monotonic()
    try:
        async with httpx.AsyncClient(base_url=address, timeout=120) as http:
            r = await http.post("/api/join", json={"code": code, "name": name})
    except httpx.HTTPError as e:
        report.refused.append(f"could not join: {type(e).__name__} {e}")
        return report
    if r.status_code != 200:
        report.refused.append(r.json().get("error", r.text) if r.headers.get("content-type", "").startswith(
            "application/json") else r.text)
        return report
    joined = r.json()
    report.team, token = joined["team"], joined["token"]
    ws_url = address.replace("http", "ws", 1).rstrip("/") + "/ws/team"
    done_rounds: set[tuple[bool, int]] = set()      # (practice, quarter): the practice Q1 is not the real one
    backoff = 0.2
    while time.monotonic() - start < deadline:
        try:
            async with websockets.connect(ws_url, max_size=2 ** 22, open_timeout=10) as ws:
                await ws.send(json.dumps({"type": "hello", "token": token}))
                backoff = 0.2
                sent_at: float | None = None
                while time.monotonic() - start < deadline:
                    left = deadline - (time.monotonic() - start)
                    msg = json.loads(await asyncio.wait_for(ws.recv(), timeout=max(0.1, left)))
                    if sent_at is not None:
                        report.latencies.append(time.monotonic() - sent_at)
                        sent_at = None
                    if msg.get("type") == "refused":
                        report.refused.append(msg.get("reason", ""))
                        msg = msg.get("state", {})
                    room, team = msg.get("room", {}), msg.get("team", {})
                    report.last_phase, report.quarters = room.get("phase", ""), room.get("quarter", 0)
                    if report.last_phase == "ended":
                        return report
                    q = room.get("open_quarter")
                    round_ = (bool(room.get("practice")), q)
                    if room.get("phase") == "open" and q and not team.get("submitted") and round_ not in done_rounds \
                            and not team.get("locked") and not team.get("bot"):
                        levers = {lv["name"]: (lv["value"], not lv["locked"] and not lv["imposed"])
                                  for lv in msg["levers"]}
                        changes = choose(rule, levers, fix or {}, bot_rng(seed, report.team, q))
                        values = {k: v for k, (v, _) in levers.items() if k in changes}
                        values.update(changes)
                        await ws.send(json.dumps({"type": "submit", "quarter": q, "revision": team["revision"],
                                                  "levers": values}))
                        sent_at = time.monotonic()
                        done_rounds.add(round_)
                        report.submitted += 1
                        if drop_after is not None and report.submitted == drop_after:
                            drop_after = None
                            raise ConnectionResetError("dropped on purpose")
        except (TimeoutError, OSError, websockets.ConnectionClosed) as e:
            if isinstance(e, websockets.ConnectionClosed) and e.rcvd and e.rcvd.code == 4401:
                report.refused.append(e.rcvd.reason)
                return report
            report.reconnects += 1
            await asyncio.sleep(backoff)
            backoff = min(5.0, backoff * 2)
    return report


async def run_bots(address: str, code: str, teams: int, rule: str, *, fix: Mapping[str, Any] | None = None,
                   prefix: str = "Bot", seed: int = 0, deadline: float = 600.0) -> list[BotReport]:
    """`teams` bots playing at once, named "Bot 01", "Bot 02", ..."""
    width = len(str(teams))
    return list(await asyncio.gather(*(
        play_bot(address, code, f"{prefix} {i:0{width}d}", rule, fix=fix, seed=seed, deadline=deadline)
        for i in range(1, teams + 1))))
