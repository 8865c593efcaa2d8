"""A game is a scenario, a seed and a timeline of decisions: that triple replays it exactly.

A saved game is small, readable JSON, so a crash loses at most the current quarter and a
trainer can collect every team's file and compare them fairly. `SaveFile` is its schema
(`partnersim schema save` prints it as JSON Schema). This module has no pygame: the game, the
CLI and a trainer's notebook all replay games the same way.

A save never names a file to open: it names a bundled scenario, or embeds a custom scenario's
TOML text with its sha256 (so a save collected from a team, or planted, cannot make the CLI
read an arbitrary path, and a game on a deleted or edited scenario file still replays).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.errors import PartnersimError
from sim.events import ScheduledEvent, impositions
from sim.model import PartnerProgramModel
from sim.policy import LEVERS, lever_table
from sim.scenario import (
    NAME_PATTERN,
    EventTable,
    Scenario,
    ScenarioError,
    bundled_names,
    event_table,
    load_bundled,
    load_scenario_text,
    scheduled_event,
)
from sim.schema import Allowed, FileModel, explain, fail, in_given_order, optional, text, whole

SAVE_FORMAT = "partnersim-save"
SAVE_VERSION = 2
READ_VERSIONS = (1, 2)
"""Versions `load_game` reads: 1 (before scenarios were embedded; it must name a bundled
scenario) and 2."""


class SaveGameError(PartnersimError):
    """A saved game that cannot be loaded; the message names the file and the key."""


@dataclass
class Decision:
    """Lever changes a player made before quarter `quarter` started."""

    quarter: int
    changes: dict[str, Any]


@dataclass
class GameRecord:
    """Everything needed to replay a game."""

    scenario: str
    seed: int
    team: str = "Team"
    decisions: list[Decision] = field(default_factory=list)
    quarters_played: int = 0
    scenario_source: str = ""           # a custom scenario's TOML text ("" for a bundled one)
    injected: list[ScheduledEvent] = field(default_factory=list)   # a facilitator's, after the scenario's own

    def decide(self, quarter: int, changes: dict[str, Any]) -> None:
        """Record changes made before `quarter`; several calls for one quarter merge."""
        if not changes:
            return
        if self.decisions and self.decisions[-1].quarter == quarter:
            self.decisions[-1].changes.update(changes)
        else:
            self.decisions.append(Decision(quarter, dict(changes)))

    def changes_before(self, quarter: int) -> dict[str, Any]:
        """The changes the player made before `quarter` (empty if none)."""
        out: dict[str, Any] = {}
        for d in self.decisions:
            if d.quarter == quarter:
                out.update(d.changes)
        return out

    def to_json(self) -> dict[str, Any]:
        """The record as the JSON object written to disk."""
        from sim import __version__

        out: dict[str, Any] = {
            "format": SAVE_FORMAT,
            "version": SAVE_VERSION,
            "sim_version": __version__,
            "scenario": self.scenario,
        }
        if self.scenario_source:
            out["scenario_toml"] = self.scenario_source
            out["scenario_sha256"] = _sha256(self.scenario_source)
        out.update({
            "seed": self.seed,
            "team": self.team,
            "quarters_played": self.quarters_played,
            "decisions": [{"quarter": d.quarter, "changes": d.changes} for d in self.decisions],
        })
        if self.injected:
            out["events"] = [event_table(ev) for ev in self.injected]
        out["saved_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        return out

    def scenario_of(self) -> Scenario:
        """The scenario this record plays, with the injected events after its own: the embedded
        text if there is one, else the bundled scenario it names (never a path).

        Raises:
            ScenarioError: the embedded text is not a valid scenario, or the name is not bundled.
        """
        base = (load_scenario_text(self.scenario_source, f"saved game of {self.team}: scenario_toml")
                if self.scenario_source else load_bundled(self.scenario))
        return base.with_events(self.injected)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the record atomically (a crash mid-write never leaves half a file)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        return path


DecisionChanges = lever_table("DecisionChanges", defaults=False, doc="Lever = value: the player's changes.")


class SavedDecision(FileModel):
    """Lever changes a player made before a quarter started."""

    quarter: whole(1) = Field(description="integer >= 1: the quarter the changes were made before")
    changes: in_given_order(DecisionChanges) = Field(description="table of lever = value")


EMBED = ("embeds it (scenario_toml: the scenario's TOML text, with scenario_sha256: that text's sha256); games "
         "played with `partnersim play --scenario FILE` are saved that way, so re-save the game from there")


class SaveFile(FileModel):
    """A partnersim saved game: a scenario, a seed and a timeline of decisions replay it exactly.

    The scenario is a bundled one named by `scenario`, or embedded (`scenario_toml` with its
    `scenario_sha256`); nothing in the file names a path, and nothing in it is ever opened.
    """

    model_config = ConfigDict(title="partnersim saved game")

    format: Annotated[Literal[SAVE_FORMAT], Allowed(f"the string \"{SAVE_FORMAT}\"")] = Field(
        description=f"the string \"{SAVE_FORMAT}\"")
    version: Annotated[Literal[READ_VERSIONS], Allowed(" | ".join(map(str, READ_VERSIONS)))] = Field(
        description=f"integer {SAVE_VERSION} (files of version 1, which name a bundled scenario, still load)")
    sim_version: str = Field("", description="string: the partnersim version that wrote the file")
    scenario: text(pattern=NAME_PATTERN) = Field(
        description="string: the scenario's name (letters, digits, underscores): a bundled scenario, or, "
                    "with scenario_toml, the name the embedded scenario gives itself")
    scenario_toml: str = optional(
        "string: a custom scenario's TOML text, embedded so the save never names a file (needs scenario_sha256)")
    scenario_sha256: text("64 lowercase hex digits: the sha256 of scenario_toml (UTF-8)",
                          pattern=r"^[0-9a-f]{64}$") = optional(
        "string: the sha256 (hex) of scenario_toml encoded UTF-8; a mismatch means the file was edited or damaged")
    seed: whole(0) = Field(description="integer >= 0")
    team: str = Field("Team", description="string: the team's name")
    quarters_played: whole(0) = Field(0, description="integer >= 0")
    decisions: list[SavedDecision] = Field(description="list of {\"quarter\": int, \"changes\": {lever: value}}")
    events: list[EventTable] = Field(
        [], description="list of event tables (as a scenario's [[events]]): events a classroom facilitator "
                        "injected, replayed after the scenario's own")
    saved_at: str = Field("", description="string: ISO time the file was written")
    _scenario: Scenario | None = PrivateAttr(None)
    _events: list[ScheduledEvent] = PrivateAttr(default_factory=list)

    @field_validator("scenario", mode="before")
    @classmethod
    def _a_name_not_a_path(cls, value: Any) -> Any:
        """A value that is not a name gets the reason saves changed, not just the pattern."""
        if isinstance(value, str) and not re.fullmatch(NAME_PATTERN, value):
            raise fail(((), f"{value!r} is not allowed: a save never names a scenario file; it names a bundled "
                            f"scenario ({', '.join(bundled_names())}) or {EMBED}"))
        return value

    @field_validator("decisions")
    @classmethod
    def _decided_before_played(cls, decisions: list[SavedDecision], info: ValidationInfo) -> list[SavedDecision]:
        played = info.data.get("quarters_played")
        last = max(1, (played or 0) + 1)
        found = [((n, "quarter"), f"{d.quarter!r} is not allowed (allowed: integer from 1 to {last})")
                 for n, d in enumerate(decisions) if played is not None and d.quarter > last]
        if found:
            raise fail(*found)
        return decisions

    @model_validator(mode="after")
    def _fits_its_scenario(self, info: ValidationInfo) -> SaveFile:
        """Get the scenario (bundled by name, or the embedded text once its hash matches; never a
        path) and check the game against it: its length, its locked levers and what its events
        and the injected ones impose."""
        where = (info.context or {}).get("save_path") or "saved game"
        if self.scenario_toml is not None:
            scenario = _embedded(self, where)
        elif self.scenario_sha256 is not None:
            raise fail((("scenario_sha256",), "not allowed without scenario_toml (it is the hash of the "
                                              "embedded scenario)"))
        elif self.scenario not in bundled_names():
            raise fail((("scenario",), f"{self.scenario!r} is not a bundled scenario (allowed: "
                                       f"{', '.join(bundled_names())}); for another scenario the save {EMBED}"))
        else:
            try:
                scenario = load_bundled(self.scenario)
            except ScenarioError as e:     # a bundled file that does not load: name it
                raise fail((("scenario",), str(e))) from None
        # the tables passed the scenario file's event schema (EventTable), as event_from_table checks them
        self._events = [scheduled_event(ev) for ev in self.events]
        scenario = scenario.with_events(self._events)
        found: list[tuple[tuple[str | int, ...], str]] = []
        if self.quarters_played > scenario.quarters:
            found.append((("quarters_played",), f"{self.quarters_played!r} is not allowed (allowed: integer from "
                                                 f"0 to {scenario.quarters}, the scenario's length)"))
        found += [(("decisions", n, "changes", lever), f"this scenario locks the lever ({scenario.locked[lever]})")
                  for n, d in enumerate(self.decisions) for lever in d.changes if lever in scenario.locked]
        # a decision for quarter q is applied after q's policy events fired: it may not undo them
        imposed = impositions(scenario.events)
        found += [(("decisions", n, "changes", lever),
                   f"{value!r} is not allowed in quarter {d.quarter}: {imp.by} imposes "
                   f"{LEVERS[lever].fmt(imp.value)} for that quarter (\"{imp.message}\"); allowed: "
                   f"{imp.value!r} in quarter {d.quarter}, any value from quarter {d.quarter + 1}")
                  for n, d in enumerate(self.decisions) for lever, value in d.changes.items()
                  if (imp := imposed.get((d.quarter, lever))) is not None and value != imp.value]
        if found:
            raise fail(*found)
        self._scenario = scenario
        return self


SAVE_KEYS: dict[str, str] = {k: f.description or "" for k, f in SaveFile.model_fields.items()}


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _embedded(save: SaveFile, where: str) -> Scenario:
    """The scenario embedded in `save`, once its hash matches and it names itself `scenario`."""
    assert save.scenario_toml is not None
    if save.scenario_sha256 is None:
        raise fail((("scenario_sha256",), "missing (required with scenario_toml: the sha256 of its text, "
                                          "so an edited or damaged copy is refused)"))
    if _sha256(save.scenario_toml) != save.scenario_sha256:
        raise fail((("scenario_sha256",), "the hash does not match the content of scenario_toml: the file was "
                                          "edited or damaged (allowed: the sha256 of scenario_toml as written)"))
    scenario = load_scenario_text(save.scenario_toml, f"{where}: scenario_toml")   # ScenarioError: a ValueError
    if scenario.name != save.scenario:
        raise fail((("scenario",), f"{save.scenario!r} is not allowed (allowed: {scenario.name!r}, the name the "
                                   "embedded scenario gives itself)"))
    return scenario


def new_model(scenario: Scenario, seed: int) -> PartnerProgramModel:
    """The model a game on `scenario` with `seed` starts from."""
    return scenario.build_model(seed)


def replay(record: GameRecord, scenario: Scenario | None = None,
           quarters: int | None = None) -> PartnerProgramModel:
    """Rebuild the model a record describes, quarter by quarter, with its decisions.

    A decision for quarter q is applied when planning for q has begun, after q's policy
    events fired, exactly as the game applied it (the model refuses to undo an imposed value).

    Args:
        record: The game record.
        scenario: The scenario with any injected events already appended, as `load_game`
            returns it (None: `record.scenario_of()`, the embedded text or the bundled name,
            plus `record.injected`).
        quarters: Quarters to replay (default: all the record has played).
    """
    sc = scenario or record.scenario_of()
    model = new_model(sc, record.seed)
    for q in range(1, (record.quarters_played if quarters is None else quarters) + 1):
        changes = record.changes_before(q)
        if changes:
            model.set_policy(**changes)
        model.run_quarters(1)
    return model


def load_game(path: str | os.PathLike) -> tuple[GameRecord, Scenario]:
    """Read and check a saved game.

    Nothing named inside the file is opened: the scenario is bundled (by name) or embedded.

    Returns:
        The record (with `scenario_source` and `injected` filled) and the scenario with the
        injected events appended, ready for `replay(record, scenario)`.

    Raises:
        SaveGameError: one message naming the file, the key and what is allowed (the first
            problem found; an embedded scenario's problems all, one per line).
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SaveGameError(f"{path}: no such saved game") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SaveGameError(f"{path}: cannot read the file ({e})") from None
    except json.JSONDecodeError as e:
        raise SaveGameError(f"{path}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    if not isinstance(data, dict):
        raise SaveGameError(f"{path}: a saved game is a JSON object with keys {', '.join(SAVE_KEYS)}")
    try:
        save = SaveFile.model_validate(data, context={"save_path": str(path)})
    except ValidationError as exc:
        key, message = explain(exc, SaveFile, first=0)[0]
        if key:
            message = f"{path}: '{key}': {message}"
        elif not message.startswith(f"{path}: "):      # an embedded scenario's problems name the file
            message = f"{path}: {message}"
        raise SaveGameError(message) from None
    assert save._scenario is not None
    decisions = [Decision(d.quarter, dict(d.changes)) for d in save.decisions]
    record = GameRecord(save.scenario, save.seed, save.team, decisions, save.quarters_played,
                        scenario_source=save.scenario_toml or "", injected=list(save._events))
    return record, save._scenario
