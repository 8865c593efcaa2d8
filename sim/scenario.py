"""Scenario files: a world, a starting policy, locked levers, scheduled events, a win
condition and the words a player reads before and after.

Scenarios are TOML files in `scenarios/` (or anywhere, by path). Loading checks every
key: an unknown key, a wrong type or a bad value is reported with the file, the key and
what is allowed. `validate_scenario_file` returns every problem at once, for authors.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.events import SHOCKS, ScheduledEvent
from sim.policy import LEVERS, Policy
from sim.world import WORLD_RANGES, World


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names the file and the key."""


DIFFICULTIES = ("easy", "medium", "hard")
TOP_KEYS: dict[str, str] = {
    "name": "string: the scenario's short name (letters, digits, underscores)",
    "title": "string: the title on the scenario card",
    "difficulty": "easy | medium | hard",
    "teaches": "string: one line, the lesson",
    "claims": "list of claim ids, e.g. [\"C4\"]",
    "briefing": "string: one screen, situation, goal and what the player controls",
    "debrief": "string: what happened, why, and what good looks like",
    "quarters": "integer 1-40: quarters a game lasts",
    "seed": "integer: the world's default seed",
    "world": "table of world settings",
    "policy": "table of starting lever values",
    "locked": "table: lever = \"reason shown to the player\"",
    "win": "table: the win condition",
    "events": "array of tables [[events]]",
}
REQUIRED_KEYS = ("name", "title", "briefing")
WIN_KEYS: dict[str, tuple[str, Any, Any]] = {
    "at_quarter": ("int", 1, 40),
    "min_partner_share": ("float", 0.0, 1.0),
    "min_partners_active": ("int", 0, 10_000),
    "min_revenue_partner": ("float", 0.0, 1e12),
    "min_cumulative_net_contribution": ("float", -1e12, 1e12),
    "max_conflicts": ("int", 0, 1_000_000),
    "no_program_cut": ("bool", None, None),
}
EVENT_KEYS = ("quarter", "kind", "message", "changes", "shock", "size", "duration")


@dataclass(frozen=True)
class Scenario:
    """A loaded, validated scenario."""

    name: str
    title: str
    briefing: str
    difficulty: str = "medium"
    teaches: str = ""
    claims: tuple[str, ...] = ()
    debrief: str = ""
    quarters: int = 12
    seed: int = 0
    world: World = field(default_factory=World)
    policy: Policy = field(default_factory=Policy)
    locked: dict[str, str] = field(default_factory=dict)
    win: dict[str, Any] = field(default_factory=dict)
    events: tuple[ScheduledEvent, ...] = ()
    path: str = ""

    def model_kwargs(self, **levers: Any) -> dict[str, Any]:
        """Keyword arguments for `PartnerProgramModel`: world, policy (overridden by
        `levers`) and events."""
        pol = self.policy.replace(**levers) if levers else self.policy
        return {**self.world.as_dict(), **pol.as_dict(), "events": self.events}

    def won(self, frame: Any) -> bool:
        """Whether a quarterly frame meets this scenario's win condition."""
        if not self.win:
            return False
        q = int(self.win.get("at_quarter", self.quarters))
        rows = frame[frame["quarter"] == q]
        if rows.empty:
            return False
        row = rows.iloc[0]
        checks = {
            "min_partner_share": lambda v: row["partner_share"] >= v,
            "min_partners_active": lambda v: row["partners_active"] >= v,
            "min_revenue_partner": lambda v: row["revenue_partner"] >= v,
            "min_cumulative_net_contribution": lambda v: row["cumulative_net_contribution"] >= v,
            "max_conflicts": lambda v: frame[frame["quarter"] <= q]["conflicts"].max() <= v,
            "no_program_cut": lambda v: (not v) or int(row["program_cut"]) == 0,
        }
        return all(checks[k](v) for k, v in self.win.items() if k in checks)


def scenarios_dir() -> Path:
    """Where bundled scenarios live (env PARTNERSIM_SCENARIOS overrides)."""
    env = os.environ.get("PARTNERSIM_SCENARIOS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "scenarios"


def list_scenarios() -> list[Scenario]:
    """Every bundled scenario, loaded, sorted by name."""
    return [load_scenario(p) for p in sorted(scenarios_dir().glob("*.toml"))]


def _resolve(name_or_path: str | os.PathLike) -> Path:
    text = str(name_or_path)
    path = Path(text)
    if path.suffix == ".toml" or os.sep in text or "/" in text:
        if not path.exists():
            raise ScenarioError(f"{path}: no such scenario file")
        return path
    candidate = scenarios_dir() / f"{text}.toml"
    if not candidate.exists():
        names = sorted(p.stem for p in scenarios_dir().glob("*.toml"))
        raise ScenarioError(
            f"unknown scenario '{text}' (available: {', '.join(names) or 'none'}; or give a path to a .toml file)"
        )
    return candidate


def load_scenario(name_or_path: str | os.PathLike) -> Scenario:
    """Load and validate a scenario by bundled name or file path.

    Raises:
        ScenarioError: naming the file, the key and what is allowed (all problems, one per line).
    """
    path = _resolve(name_or_path)
    scenario, problems = _parse(path)
    if problems:
        raise ScenarioError("\n".join(problems))
    assert scenario is not None
    return scenario


def validate_scenario_file(path: str | os.PathLike) -> list[str]:
    """Every problem in a scenario file, each naming the file, key and what is allowed."""
    p = Path(path)
    if not p.exists():
        return [f"{p}: no such file"]
    return _parse(p)[1]


def _type_name(v: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string",
            list: "array", dict: "table"}.get(type(v), type(v).__name__)


def _parse(path: Path) -> tuple[Scenario | None, list[str]]:
    problems: list[str] = []
    where = str(path)

    def bad(key: str, msg: str) -> None:
        problems.append(f"{where}: '{key}': {msg}")

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{where}: not valid TOML: {exc}"]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{where}: cannot read: {exc}"]

    for key in raw:
        if key not in TOP_KEYS:
            bad(key, f"unknown key (allowed: {', '.join(TOP_KEYS)})")
    for key in REQUIRED_KEYS:
        if key not in raw:
            bad(key, f"missing (required: {TOP_KEYS[key]})")

    def text(key: str, default: str = "") -> str:
        v = raw.get(key, default)
        if not isinstance(v, str):
            bad(key, f"is {_type_name(v)}, expected {TOP_KEYS[key]}")
            return default
        return v

    name = text("name", path.stem)
    if name and not name.replace("_", "").isalnum():
        bad("name", f"{name!r} is not allowed ({TOP_KEYS['name']})")
    title = text("title")
    briefing = text("briefing")
    debrief = text("debrief")
    teaches = text("teaches")
    difficulty = text("difficulty", "medium")
    if difficulty not in DIFFICULTIES:
        bad("difficulty", f"{difficulty!r} is not allowed (allowed: {' | '.join(DIFFICULTIES)})")
    claims = raw.get("claims", [])
    if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
        bad("claims", f"expected {TOP_KEYS['claims']}")
        claims = []
    quarters = raw.get("quarters", 12)
    if isinstance(quarters, bool) or not isinstance(quarters, int) or not 1 <= quarters <= 40:
        bad("quarters", f"{quarters!r} is not allowed (allowed: {TOP_KEYS['quarters']})")
        quarters = 12
    seed = raw.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        bad("seed", f"{seed!r} is not allowed (allowed: integer >= 0)")
        seed = 0

    world = _world(raw.get("world", {}), bad)
    policy = _policy(raw.get("policy", {}), bad)
    locked = _locked(raw.get("locked", {}), bad)
    win = _win(raw.get("win", {}), bad)
    events = _events(raw.get("events", []), bad)

    if problems:
        return None, problems
    return Scenario(
        name=name, title=title, briefing=briefing, difficulty=difficulty, teaches=teaches,
        claims=tuple(claims), debrief=debrief, quarters=quarters, seed=seed, world=world,
        policy=policy, locked=locked, win=win, events=events, path=str(path),
    ), problems


def _table(value: Any, key: str, bad) -> dict[str, Any]:
    if not isinstance(value, dict):
        bad(key, f"is {_type_name(value)}, expected a table [{key}]")
        return {}
    return value


def _world(value: Any, bad) -> World:
    table = _table(value, "world", bad)
    clean: dict[str, Any] = {}
    for k, v in table.items():
        if k not in WORLD_RANGES:
            bad(f"world.{k}", f"unknown key (allowed: {', '.join(WORLD_RANGES)})")
            continue
        low, high, kind = WORLD_RANGES[k]
        ok = isinstance(v, (int, float)) and not isinstance(v, bool)
        if ok and kind is int and isinstance(v, float):
            ok = v.is_integer()
        if not ok or not low <= v <= high:
            word = "integer" if kind is int else "number"
            bad(f"world.{k}", f"{v!r} is not allowed (allowed: {word} from {low} to {high})")
            continue
        clean[k] = int(v) if kind is int else float(v)
    return World(**clean)


def _policy(value: Any, bad) -> Policy:
    table = _table(value, "policy", bad)
    clean: dict[str, Any] = {}
    for k, v in table.items():
        if k not in LEVERS:
            bad(f"policy.{k}", f"unknown lever (levers: {', '.join(LEVERS)})")
            continue
        try:
            clean[k] = LEVERS[k].check(v)
        except ValueError:
            bad(f"policy.{k}", f"{v!r} is not allowed (allowed: {LEVERS[k].allowed()})")
    return Policy(**clean)


def _locked(value: Any, bad) -> dict[str, str]:
    table = _table(value, "locked", bad)
    out: dict[str, str] = {}
    for k, v in table.items():
        if k not in LEVERS:
            bad(f"locked.{k}", f"unknown lever (levers: {', '.join(LEVERS)})")
        elif not isinstance(v, str) or not v.strip():
            bad(f"locked.{k}", "expected a non-empty string: the reason shown to the player")
        else:
            out[k] = v
    return out


def _win(value: Any, bad) -> dict[str, Any]:
    table = _table(value, "win", bad)
    out: dict[str, Any] = {}
    for k, v in table.items():
        if k not in WIN_KEYS:
            bad(f"win.{k}", f"unknown key (allowed: {', '.join(WIN_KEYS)})")
            continue
        kind, low, high = WIN_KEYS[k]
        if kind == "bool":
            if not isinstance(v, bool):
                bad(f"win.{k}", f"{v!r} is not allowed (allowed: true | false)")
                continue
        elif isinstance(v, bool) or not isinstance(v, (int, float)) or (kind == "int" and not float(v).is_integer()) \
                or not low <= v <= high:
            word = "integer" if kind == "int" else "number"
            bad(f"win.{k}", f"{v!r} is not allowed (allowed: {word} from {low} to {high})")
            continue
        out[k] = v
    return out


def _events(value: Any, bad) -> tuple[ScheduledEvent, ...]:
    if not isinstance(value, list):
        bad("events", "expected an array of tables [[events]]")
        return ()
    out: list[ScheduledEvent] = []
    for n, ev in enumerate(value, start=1):
        key = f"events[{n}]"
        if not isinstance(ev, dict):
            bad(key, "expected a table")
            continue
        ok = True
        for k in ev:
            if k not in EVENT_KEYS:
                bad(f"{key}.{k}", f"unknown key (allowed: {', '.join(EVENT_KEYS)})")
                ok = False
        q = ev.get("quarter")
        if isinstance(q, bool) or not isinstance(q, int) or not 1 <= q <= 40:
            bad(f"{key}.quarter", f"{q!r} is not allowed (allowed: integer from 1 to 40)")
            ok = False
        msg = ev.get("message")
        if not isinstance(msg, str) or not msg.strip():
            bad(f"{key}.message", "missing or empty (allowed: the text the player sees)")
            ok = False
        kind = ev.get("kind")
        changes: tuple[tuple[str, Any], ...] = ()
        shock, size, duration = "", 0.0, 1
        if kind == "policy":
            ch = ev.get("changes")
            if not isinstance(ch, dict) or not ch:
                bad(f"{key}.changes", "a policy event needs a table of lever = value")
                ok = False
            else:
                for k, v in ch.items():
                    if k not in LEVERS:
                        bad(f"{key}.changes.{k}", f"unknown lever (levers: {', '.join(LEVERS)})")
                        ok = False
                        continue
                    try:
                        LEVERS[k].check(v)
                    except ValueError:
                        bad(f"{key}.changes.{k}", f"{v!r} is not allowed (allowed: {LEVERS[k].allowed()})")
                        ok = False
                changes = tuple(ch.items())
        elif kind == "shock":
            shock = ev.get("shock")
            if shock not in SHOCKS:
                bad(f"{key}.shock", f"{shock!r} is not allowed (allowed: {' | '.join(SHOCKS)})")
                ok = False
            size = ev.get("size", 0.0)
            if isinstance(size, bool) or not isinstance(size, (int, float)):
                bad(f"{key}.size", f"{size!r} is not allowed (allowed: a number)")
                ok = False
            duration = ev.get("duration", 1)
            if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
                bad(f"{key}.duration", f"{duration!r} is not allowed (allowed: integer >= 1)")
                ok = False
        else:
            bad(f"{key}.kind", f"{kind!r} is not allowed (allowed: policy | shock)")
            ok = False
        if ok:
            out.append(ScheduledEvent(quarter=q, kind=kind, message=msg, changes=changes,
                                      shock=shock or "", size=float(size), duration=int(duration)))
    return tuple(out)
