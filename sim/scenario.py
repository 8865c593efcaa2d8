"""Scenario files: a world, a starting policy, locked levers, scheduled events, a win
condition and the words a player reads before and after.

Scenarios are TOML files in `scenarios/` (or anywhere, by path). Loading checks every
key: an unknown key, a wrong type or a bad value is reported with the file, the key and
what is allowed. `validate_scenario_file` returns every problem at once, for authors.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import PartnersimError
from sim.events import SHOCKS, ScheduledEvent
from sim.model import PartnerProgramModel
from sim.policy import LEVERS, Policy
from sim.world import WORLD_KEYS, WORLD_RANGES, World


class ScenarioError(PartnersimError):
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
    "fix": "table: the fix the debrief recommends (summary = \"...\" and [fix.levers])",
    "reference": "boolean: true if the starting policy is itself the answer (best_practice)",
}
FIX_KEYS: dict[str, str] = {
    "summary": "string: the fix in one or two sentences, shown in the debrief",
    "levers": "table: lever = value, the player's changes (unlocked levers only)",
}
REQUIRED_KEYS = ("name", "title", "briefing")
@dataclass(frozen=True)
class WinCondition:
    """One clause of a win condition: a key in a scenario's [win] table.

    Attributes:
        key: The key in [win].
        kind: "int", "float", "money" (a float in USD) or "bool".
        low: Smallest allowed value.
        high: Largest allowed value.
        metric: The quarterly metric it reads.
        over: "quarter" (the at_quarter row), "max" or "sum" (all quarters up to at_quarter),
            or "year" (partner share over the four quarters ending at at_quarter).
        at_least: True: the value must be >= the target; False: <=.
        words: The goal in plain words, with {v} for the target.
    """

    key: str
    kind: str
    low: float
    high: float
    metric: str
    over: str
    at_least: bool
    words: str

    def actual(self, frame: Any, q: int) -> float:
        """The value this clause judges, read off a quarterly frame up to quarter `q`."""
        upto = frame[frame["quarter"] <= q]
        if self.over == "year":
            from sim.metrics import partner_share_over

            return partner_share_over(frame, q)
        if self.over == "max":
            return float(upto[self.metric].max())
        if self.over == "sum":
            return float(upto[self.metric].sum())
        return float(upto[upto["quarter"] == q][self.metric].iloc[0])

    def met(self, value: float, target: Any) -> bool:
        if self.kind == "bool":
            return (not target) or value == 0
        return value >= target if self.at_least else value <= target

    def describe(self, target: Any) -> str:
        return self.words.format(v=_show(self.kind, target, self.metric))

    def show(self, value: float) -> str:
        return _show(self.kind, value, self.metric)


def _show(kind: str, v: Any, metric: str = "") -> str:
    if kind == "money":
        sign = "-" if v < 0 else ""
        return f"{sign}${abs(v) / 1e6:,.2f}M" if abs(v) >= 1e6 else f"{sign}${abs(v) / 1e3:,.0f}k"
    if "share" in metric or "/" in metric:   # shares and mindshare read as percentages
        return f"{v:.0%}"
    if kind == "float":
        return f"{v:.2f}"
    return f"{v:.0f}" if isinstance(v, (int, float)) else str(v)


WIN_CONDITIONS: dict[str, WinCondition] = {c.key: c for c in (
    WinCondition("min_partner_share", "float", 0.0, 1.0, "partner_share", "quarter", True,
                 "partners bring at least {v} of revenue"),
    WinCondition("min_partner_share_year", "float", 0.0, 1.0, "revenue_partner/revenue_total", "year", True,
                 "partners bring at least {v} of revenue over the last four quarters"),
    WinCondition("min_partners_active", "int", 0, 10_000, "partners_active", "quarter", True,
                 "at least {v} active partners"),
    WinCondition("min_partners_productive", "int", 0, 10_000, "partners_productive", "quarter", True,
                 "at least {v} partners with a won deal in the last four quarters"),
    WinCondition("min_revenue_partner", "money", 0.0, 1e12, "revenue_partner", "quarter", True,
                 "partner revenue of at least {v} in the quarter"),
    WinCondition("min_revenue_total", "money", 0.0, 1e12, "revenue_total", "quarter", True,
                 "total revenue of at least {v} in the quarter"),
    WinCondition("min_cumulative_net_contribution", "money", -1e12, 1e12, "cumulative_net_contribution",
                 "quarter", True, "a cumulative program net contribution of at least {v}"),
    WinCondition("min_partner_satisfaction", "float", 0.0, 1.0, "partner_satisfaction_mean", "quarter", True,
                 "mean partner satisfaction of at least {v}"),
    WinCondition("min_partner_capability", "float", 0.0, 1.0, "partner_capability_mean", "quarter", True,
                 "mean partner selling capability of at least {v}"),
    WinCondition("min_partner_mindshare", "float", 0.0, 1.0, "partner_mindshare_mean", "quarter", True,
                 "partners give you at least {v} of their selling effort on average"),
    WinCondition("max_conflicts", "int", 0, 1_000_000, "conflicts", "max", False,
                 "never more than {v} conflicts in a quarter"),
    WinCondition("max_partners_churned", "int", 0, 1_000_000, "partners_churned", "sum", False,
                 "no more than {v} partners lost in all"),
    WinCondition("no_program_cut", "bool", 0, 1, "program_cut", "quarter", True,
                 "the program still funded"),
)}
WIN_KEYS: tuple[str, ...] = ("at_quarter", *WIN_CONDITIONS)


@dataclass(frozen=True)
class Clause:
    """How one game did against one clause of the win condition."""

    key: str
    goal: str        # the clause in words
    target: Any
    actual: float
    shown: str       # the actual value, formatted
    met: bool


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
    fix: dict[str, Any] = field(default_factory=dict)
    fix_summary: str = ""
    reference: bool = False
    path: str = ""

    def build_model(self, seed: int | None = None, *, policy_events: bool = True,
                    **overrides: Any) -> PartnerProgramModel:
        """The one way to build a model from a scenario: its world, its starting policy and its
        scheduled events, with `overrides` (levers or world settings) applied.

        Args:
            seed: World seed (None: the scenario's own seed).
            policy_events: False drops the scheduled policy pressure and keeps the shocks (the
                best-practice run on the same world does what a well-run program would do).
            **overrides: Any lever (researchers may set locked ones too) or world setting.

        Raises:
            ScenarioError: an override that is neither a lever nor a world setting.
            PolicyError, WorldError: a value that is not allowed, naming the key and the range.
        """
        unknown = [k for k in overrides if k not in LEVERS and k not in WORLD_KEYS]
        if unknown:
            raise ScenarioError(f"unknown lever or world setting '{unknown[0]}' "
                                f"(levers: {', '.join(LEVERS)}; world: {', '.join(WORLD_KEYS)})")
        world = {k: v for k, v in overrides.items() if k in WORLD_KEYS}
        levers = {k: v for k, v in overrides.items() if k in LEVERS}
        world_settings = dataclasses.replace(self.world, **world).validate() if world else self.world
        policy = self.policy.replace(**levers) if levers else self.policy
        events = self.events if policy_events else tuple(e for e in self.events if e.kind != "policy")
        return PartnerProgramModel(seed=self.seed if seed is None else seed, **world_settings.as_dict(),
                                   **policy.as_dict(), events=events)

    @property
    def at_quarter(self) -> int:
        """The quarter the win condition is judged at."""
        return int(self.win.get("at_quarter", self.quarters))

    def judge(self, frame: Any) -> list[Clause]:
        """Each clause of the win condition against a quarterly frame (empty: no goal, or
        the frame does not reach the judged quarter)."""
        q = self.at_quarter
        if not self.win or frame.empty or int(frame["quarter"].max()) < q:
            return []
        out = []
        for key, target in self.win.items():
            if key not in WIN_CONDITIONS:
                continue
            cond = WIN_CONDITIONS[key]
            value = cond.actual(frame, q)
            out.append(Clause(key, cond.describe(target), target, value, cond.show(value),
                              cond.met(value, target)))
        return out

    def won(self, frame: Any) -> bool:
        """Whether a quarterly frame meets every clause of this scenario's win condition."""
        clauses = self.judge(frame)
        return bool(clauses) and all(c.met for c in clauses)

    def goal_text(self) -> str:
        """The win condition in plain words, as the briefing shows it."""
        parts = [WIN_CONDITIONS[k].describe(v) for k, v in self.win.items() if k in WIN_CONDITIONS
                 and not (WIN_CONDITIONS[k].kind == "bool" and not v)]
        if not parts:
            return "No fixed goal: explore."
        return f"By quarter {self.at_quarter}: " + "; ".join(parts) + "."


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
    fix, fix_summary = _fix(raw.get("fix", {}), locked, bad)
    reference = raw.get("reference", False)
    if not isinstance(reference, bool):
        bad("reference", f"{reference!r} is not allowed (allowed: true | false)")
        reference = False
    if win and "at_quarter" in win and win["at_quarter"] > quarters:
        bad("win.at_quarter", f"{win['at_quarter']} is after the game ends (allowed: 1 to quarters = {quarters})")

    if problems:
        return None, problems
    return Scenario(
        name=name, title=title, briefing=briefing, difficulty=difficulty, teaches=teaches,
        claims=tuple(claims), debrief=debrief, quarters=quarters, seed=seed, world=world,
        policy=policy, locked=locked, win=win, events=events, fix=fix, fix_summary=fix_summary,
        reference=reference, path=str(path),
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
        if k == "at_quarter":
            kind, low, high = "int", 1, 40
        else:
            cond = WIN_CONDITIONS[k]
            kind, low, high = cond.kind, cond.low, cond.high
        if kind == "bool":
            if not isinstance(v, bool):
                bad(f"win.{k}", f"{v!r} is not allowed (allowed: true | false)")
                continue
        elif isinstance(v, bool) or not isinstance(v, (int, float)) or (kind == "int" and not float(v).is_integer()) \
                or not low <= v <= high:
            word = "integer" if kind == "int" else "number"
            bad(f"win.{k}", f"{v!r} is not allowed (allowed: {word} from {_fmt(low)} to {_fmt(high)})")
            continue
        out[k] = v
    return out


def _fmt(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else str(x)


def _fix(value: Any, locked: dict[str, str], bad) -> tuple[dict[str, Any], str]:
    table = _table(value, "fix", bad)
    for k in table:
        if k not in FIX_KEYS:
            bad(f"fix.{k}", f"unknown key (allowed: {', '.join(FIX_KEYS)})")
    if not table:
        return {}, ""
    summary = table.get("summary", "")
    if not isinstance(summary, str) or not summary.strip():
        bad("fix.summary", f"missing or empty (allowed: {FIX_KEYS['summary']})")
        summary = ""
    levers = table.get("levers", {})
    if not isinstance(levers, dict) or not levers:
        bad("fix.levers", f"missing or empty (allowed: {FIX_KEYS['levers']})")
        return {}, summary
    out: dict[str, Any] = {}
    for k, v in levers.items():
        if k not in LEVERS:
            bad(f"fix.levers.{k}", f"unknown lever (levers: {', '.join(LEVERS)})")
        elif k in locked:
            bad(f"fix.levers.{k}", "is locked in this scenario (allowed: levers the player may change)")
        else:
            try:
                out[k] = LEVERS[k].check(v)
            except ValueError:
                bad(f"fix.levers.{k}", f"{v!r} is not allowed (allowed: {LEVERS[k].allowed()})")
    return out, summary


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
