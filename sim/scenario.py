"""Scenario files: a world, a starting policy, locked levers, scheduled events, a win
condition and the words a player reads before and after.

Scenarios are TOML files in `scenarios/` (or anywhere, by path). `ScenarioFile` is the file's
schema (`partnersim schema scenario` prints it as JSON Schema for editors); loading checks
every key against it, and every problem is reported at once with the file, the key and what
is allowed (`sim.schema.problems`). `Scenario` is the loaded scenario the rest of the code uses.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.errors import PartnersimError
from sim.events import DEFAULT_BY, SHOCK_SIZES, SHOCKS, ScheduledEvent, shock_size_problem
from sim.limits import MAX_QUARTERS
from sim.model import PartnerProgramModel
from sim.policy import LEVERS, Policy, lever_table
from sim.schema import (
    FLAG,
    FileModel,
    Keys,
    as_given,
    choice,
    fail,
    in_given_order,
    keyed,
    number,
    optional,
    problems,
    text,
    whole,
)
from sim.win import WIN_CONDITIONS, WIN_KEYS, Clause, WinCondition, WinTable, goal_text, judge
from sim.world import WORLD_KEYS, World, WorldSettings, neither_lever_nor_setting

__all__ = [
    "DIFFICULTIES", "EVENT_KEYS", "FIX_KEYS", "REQUIRED_KEYS", "TOP_KEYS", "WIN_CONDITIONS", "WIN_KEYS",
    "NAME_PATTERN", "Clause", "EventTable", "Scenario", "ScenarioError", "ScenarioFile", "WinCondition",
    "bundled_names", "event_from_table", "event_table", "list_scenarios", "load_bundled", "load_scenario",
    "load_scenario_text", "scenarios_dir", "scheduled_event", "validate_scenario_file",
]


class ScenarioError(PartnersimError):
    """A scenario that cannot be loaded; the message names the file and the key."""


DIFFICULTIES = ("easy", "medium", "hard")
NONBLANK = r"\S"
NAME_PATTERN = r"^[A-Za-z0-9_]+$"
"""A scenario's name: letters, digits, underscores (so a name can never be a path)."""

# ------------------------------------------------------------------------- the file's schema
PolicyTable = lever_table("Policy", doc="Starting lever values; omitted levers keep their defaults.")
LockedTable = lever_table("Locked", lambda lever: text("a non-empty string: the reason shown to the player",
                                                       NONBLANK),
                          defaults=False, doc="Levers the player may not change: lever = the reason shown.")
ChangesTable = lever_table("Changes", defaults=False, doc="Lever = value: the levers the event sets.")
FixLevers = lever_table("FixLevers", defaults=False,
                        doc="Lever = value: the changes a player following the debrief makes (unlocked levers).")

EVENT_QUARTER = Field(description="The quarter the event is for: a policy event fires when planning for it begins, "
                                  "a shock at its start.")
EVENT_MESSAGE = Field(description="What the player is told, in the pop-up and the news feed.")


class PolicyEvent(FileModel):
    """An [[events]] entry that sets levers, as pressure from above does."""

    quarter: whole(1, MAX_QUARTERS) = EVENT_QUARTER
    kind: Literal["policy"] = Field(description="\"policy\": the event sets levers.")
    message: text("the text the player sees", NONBLANK) = EVENT_MESSAGE
    changes: as_given(ChangesTable) = Field(description="table of lever = value, the levers the event sets")
    by: text("a non-empty string: who imposes it, e.g. \"the CRO\"", NONBLANK) = Field(
        "", description=f"Who imposes the levers (\"the CRO\"), named in the panel, the news and the debrief; "
                        f"left out it reads as \"{DEFAULT_BY}\".")

    @field_validator("changes")
    @classmethod
    def _sets_something(cls, changes: dict[str, Any]) -> dict[str, Any]:
        if not changes:
            raise fail(((), "a policy event needs a table of lever = value"))
        return changes


class ShockEvent(FileModel):
    """An [[events]] entry that changes the market, not the levers."""

    quarter: whole(1, MAX_QUARTERS) = EVENT_QUARTER
    kind: Literal["shock"] = Field(description="\"shock\": the event changes the market.")
    message: text("the text the player sees", NONBLANK) = EVENT_MESSAGE
    shock: choice(SHOCKS) = Field(description="Which shock: " + "; ".join(f"{k}: {v}" for k, v in SHOCKS.items()))
    size: number(allowed="a number") = Field(0.0, description="How big; the meaning depends on the shock: " + "; ".join(
        f"{k} {lo:g} to {hi:g}" for k, (lo, hi) in SHOCK_SIZES.items()))
    duration: whole(1, MAX_QUARTERS) = Field(1, description="Quarters a demand shock lasts; the other shocks "
                                                           "ignore it.")

    @model_validator(mode="after")
    def _size_fits_the_shock(self) -> ShockEvent:
        problem = shock_size_problem(self.shock, self.size)
        if problem:
            raise fail((("size",), problem))
        return self


EventTable = keyed("kind", {"policy": PolicyEvent, "shock": ShockEvent})
"""One [[events]] table: the schema a scenario file's events, a save's injected events and a
facilitator's injected event are all checked with."""
_EVENT = TypeAdapter(EventTable)


# a lesson names levers; which ones are allowed depends on [fix.levers], so the check is
# FixTable's validator (it lists them), and editors get every lever name as completion
LESSON_LEVER = Annotated[text("a lever of [fix.levers], as a string"), Field(json_schema_extra={"enum": list(LEVERS)})]


class FixTable(FileModel):
    """The fix the debrief recommends; `--check` plays it to see whether the scenario teaches.

    `lesson` names the levers the scenario's lesson is about: the debrief names them first and
    `--check` plays them alone too, so a scenario whose lesson cannot win without the rest of
    the fix (other starting mistakes in the way) shows up as not teaching.
    """

    summary: text(pattern=NONBLANK) = Field(
        description="string: the fix in one or two sentences, shown in the debrief")
    lesson: list[LESSON_LEVER] = Field(
        description="list of lever names, a subset of [fix.levers] written before it: the levers the "
                    "lesson is about; the debrief names them first and --check plays them alone")
    levers: in_given_order(FixLevers) = Field(
        description="table: lever = value, the player's changes (unlocked levers only)")

    @field_validator("levers")
    @classmethod
    def _changes_something(cls, levers: dict[str, Any]) -> dict[str, Any]:
        if not levers:
            raise fail(((), "{} is not allowed (allowed: table: lever = value, at least one lever)"))
        return levers

    @model_validator(mode="after")
    def _lesson_in_fix(self) -> FixTable:
        allowed = f"allowed: a non-empty list of levers of [fix.levers]: {', '.join(self.levers)}"
        if not self.lesson:
            raise fail((("lesson",), f"[] is not allowed ({allowed})"))
        found: list[tuple[Keys, str]] = []
        for i, name in enumerate(self.lesson):
            if name not in self.levers:
                why = "is not in [fix.levers]" if name in LEVERS else "is not a lever"
                found.append((("lesson", i), f"{name!r} {why} ({allowed})"))
            elif name in self.lesson[:i]:
                found.append((("lesson", i), f"{name!r} is named twice (allowed: each lever once)"))
        if found:
            raise fail(*found)
        return self


class ScenarioFile(FileModel):
    """A partnersim scenario file: one game set up around one partnering mistake."""

    model_config = ConfigDict(title="partnersim scenario")

    name: text(pattern=NAME_PATTERN) = Field(
        description="string: the scenario's short name (letters, digits, underscores)")
    title: str = Field(description="string: the title on the scenario card")
    difficulty: choice(DIFFICULTIES) = Field("medium", description=" | ".join(DIFFICULTIES))
    teaches: str = Field("", description="string: one line, the lesson")
    claims: list[str] = Field([], description="list of claim ids, e.g. [\"C4\"]")
    briefing: str = Field(description="string: one screen, situation, goal and what the player controls")
    debrief: str = Field("", description="string: what happened, why, and what good looks like")
    quarters: whole(1, MAX_QUARTERS) = Field(12, description=f"integer 1-{MAX_QUARTERS}: quarters a game lasts")
    seed: whole(0) = Field(0, description="integer: the world's default seed")
    world: WorldSettings = Field(WorldSettings(), description="table of world settings")
    policy: in_given_order(PolicyTable) = Field({}, description="table of starting lever values")
    locked: in_given_order(LockedTable) = Field({}, description="table: lever = \"reason shown to the player\"")
    win: as_given(WinTable) = Field({}, description="table: the win condition")
    events: list[EventTable] = Field(
        [], description="array of tables [[events]]")
    fix: FixTable = optional(  # None when the file has no [fix]
        "table: the fix the debrief recommends (summary = \"...\", lesson = [...] and [fix.levers])")
    reference: FLAG = Field(
        False, description="boolean: true if the starting policy is itself the answer (best_practice)")

    @field_validator("win")
    @classmethod
    def _judged_in_game(cls, win: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        quarters, at = info.data.get("quarters"), win.get("at_quarter")
        if quarters is not None and at is not None and at > quarters:
            raise fail((("at_quarter",), f"{at} is after the game ends (allowed: 1 to quarters = {quarters})"))
        return win

    @field_validator("fix")
    @classmethod
    def _uses_unlocked_levers(cls, fix: FixTable | None, info: ValidationInfo) -> FixTable | None:
        locked = info.data.get("locked") or {}
        found = [(("levers", k), "is locked in this scenario (allowed: levers the player may change)")
                 for k in (fix.levers if fix else {}) if k in locked]
        if found:
            raise fail(*found)
        return fix

    def scenario(self, path: str = "", source: str = "") -> Scenario:
        """The checked file as the `Scenario` the game and the CLI use (`source`: the TOML text
        it was read from)."""
        return Scenario(
            name=self.name, title=self.title, briefing=self.briefing, difficulty=self.difficulty,
            teaches=self.teaches, claims=tuple(self.claims), debrief=self.debrief, quarters=self.quarters,
            seed=self.seed, world=World(**self.world.as_dict()), policy=Policy(**self.policy),
            locked=dict(self.locked), win=dict(self.win), events=tuple(scheduled_event(e) for e in self.events),
            fix=dict(self.fix.levers) if self.fix else {}, fix_summary=self.fix.summary if self.fix else "",
            lesson=tuple(self.fix.lesson) if self.fix else (),
            reference=self.reference, path=path, source=source,
        )


def scheduled_event(event: PolicyEvent | ShockEvent) -> ScheduledEvent:
    """A checked [[events]] table as the event the model schedules."""
    if isinstance(event, PolicyEvent):
        return ScheduledEvent(quarter=event.quarter, kind="policy", message=event.message,
                              changes=tuple(event.changes.items()), by=event.by)
    return ScheduledEvent(quarter=event.quarter, kind="shock", message=event.message, shock=event.shock,
                          size=event.size, duration=event.duration)


def event_table(ev: ScheduledEvent) -> dict[str, Any]:
    """The [[events]] table for `ev` (the inverse of `scheduled_event`): only the keys its kind has,
    so a save or a classroom message carries an event in the same words a scenario file does.

    `by` is left out when the event names nobody (a file that leaves it out reads the same).
    """
    if ev.kind == "policy":
        table: dict[str, Any] = {"quarter": ev.quarter, "kind": "policy", "message": ev.message,
                                 "changes": dict(ev.changes)}
        if ev.by:
            table["by"] = ev.by
        return table
    return {"quarter": ev.quarter, "kind": ev.kind, "message": ev.message, "shock": ev.shock,
            "size": ev.size, "duration": ev.duration}


def event_from_table(table: Any, where: str) -> ScheduledEvent:
    """Check one [[events]] table with the scenario file's schema and return the event.

    Lever names and values, the shock, and the quarter (1 to `sim.limits.MAX_QUARTERS`) are
    checked exactly as in a scenario file, so an event from outside (a save, a facilitator)
    can never be one a scenario could not declare.

    Args:
        table: The table as read (JSON or TOML).
        where: What names it in messages, e.g. "save.json: events[0]".

    Raises:
        ScenarioError: every problem, one per line, naming `where`, the key and what is allowed.
    """
    if not isinstance(table, dict):
        raise ScenarioError(f"{where}: {table!r} is not allowed (allowed: a table with kind = "
                            f"\"policy\" | \"shock\", quarter, message and the kind's keys)")
    try:
        checked = _EVENT.validate_python(table)
    except ValidationError as exc:
        raise ScenarioError("\n".join(problems(exc, EventTable, where))) from None
    return scheduled_event(checked)


TOP_KEYS: dict[str, str] = {k: f.description or "" for k, f in ScenarioFile.model_fields.items()}
FIX_KEYS: dict[str, str] = {k: f.description or "" for k, f in FixTable.model_fields.items()}
REQUIRED_KEYS: tuple[str, ...] = tuple(k for k, f in ScenarioFile.model_fields.items() if f.is_required())
EVENT_KEYS: tuple[str, ...] = tuple(dict.fromkeys([*PolicyEvent.model_fields, *ShockEvent.model_fields]))


# ------------------------------------------------------------------------- the loaded scenario
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
    lesson: tuple[str, ...] = ()        # the fix's levers the lesson is about ([fix] lesson)
    reference: bool = False
    path: str = ""
    source: str = field(default="", repr=False)    # the TOML text it was loaded from (a save embeds a custom one)

    @property
    def sha256(self) -> str:
        """The hex sha256 of `source` (UTF-8): a save embedding the scenario carries it, so an
        edited or damaged copy is refused rather than replayed as a different game."""
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    @property
    def bundled(self) -> bool:
        """Whether it was loaded from the bundled scenarios folder: a save then names it,
        where a custom scenario is embedded in the save instead."""
        return bool(self.path) and Path(self.path).resolve().parent == scenarios_dir().resolve()

    def with_events(self, events: Iterable[ScheduledEvent]) -> Scenario:
        """A copy with `events` scheduled after its own (a facilitator's injected events).

        `source` stays the file's text: the extra events travel separately (a save's `events`).
        """
        extra = tuple(events)
        return replace(self, events=self.events + extra) if extra else self

    @property
    def lesson_fix(self) -> dict[str, Any]:
        """The lesson's levers with their fix values, in the lesson's order: what `--check`
        plays alone and the debrief names first."""
        return {k: self.fix[k] for k in self.lesson}

    @property
    def rest_of_fix(self) -> dict[str, Any]:
        """The fix's levers the lesson does not name, in the fix's order."""
        return {k: v for k, v in self.fix.items() if k not in self.lesson}

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
            raise ScenarioError(neither_lever_nor_setting(unknown[0]))
        world = {k: v for k, v in overrides.items() if k in WORLD_KEYS}
        levers = {k: v for k, v in overrides.items() if k in LEVERS}
        world_settings = World(**{**self.world.as_dict(), **world}) if world else self.world
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
        return judge(self.win, self.at_quarter, frame)

    def won(self, frame: Any) -> bool:
        """Whether a quarterly frame meets every clause of this scenario's win condition."""
        clauses = self.judge(frame)
        return bool(clauses) and all(c.met for c in clauses)

    def goal_text(self) -> str:
        """The win condition in plain words, as the briefing shows it."""
        return goal_text(self.win, self.at_quarter)


# ------------------------------------------------------------------------- finding and loading
def scenarios_dir() -> Path:
    """Where bundled scenarios live (env PARTNERSIM_SCENARIOS overrides)."""
    env = os.environ.get("PARTNERSIM_SCENARIOS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "scenarios"


def bundled_names() -> list[str]:
    """The names of the bundled scenarios, sorted: what a save or a message may name."""
    return sorted(p.stem for p in scenarios_dir().glob("*.toml"))


def load_bundled(name: str) -> Scenario:
    """Load a bundled scenario by name only, never by path: what a save or a message from
    outside may ask for.

    Raises:
        ScenarioError: a name that is not a bundled scenario, listing the ones that are.
    """
    names = bundled_names()
    if not isinstance(name, str) or not re.fullmatch(NAME_PATTERN, name) or name not in names:
        raise ScenarioError(f"unknown scenario {name!r} (allowed: a bundled scenario: {', '.join(names) or 'none'})")
    return load_scenario(name)


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
    scenario, found = _parse(path)
    if found:
        raise ScenarioError("\n".join(found))
    assert scenario is not None
    return scenario


def load_scenario_text(text: str, origin: str) -> Scenario:
    """Load and validate a scenario from its TOML text (a save's embedded copy), with the same
    checks and messages as a file.

    Args:
        text: The TOML text.
        origin: What names it in messages, in place of a file name ("save.json: scenario_toml").

    Raises:
        ScenarioError: naming `origin`, the key and what is allowed (all problems, one per line).
    """
    scenario, found = _parse_text(text, origin)
    if found:
        raise ScenarioError("\n".join(found))
    assert scenario is not None
    return scenario


def validate_scenario_file(path: str | os.PathLike) -> list[str]:
    """Every problem in a scenario file, each naming the file, key and what is allowed."""
    p = Path(path)
    if not p.exists():
        return [f"{p}: no such file"]
    return _parse(p)[1]


def _parse(path: Path) -> tuple[Scenario | None, list[str]]:
    where = str(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{where}: cannot read: {exc}"]
    return _parse_text(source, where, where)


def _parse_text(source: str, where: str, path: str = "") -> tuple[Scenario | None, list[str]]:
    """Check TOML text against the scenario schema; `where` names it in messages, `path` is the
    file it came from ("" for text from a save)."""
    try:
        raw = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{where}: not valid TOML: {exc}"]
    try:
        checked = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        return None, problems(exc, ScenarioFile, where)
    return checked.scenario(path, source), []
