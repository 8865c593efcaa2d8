"""A game is a scenario, a seed and a timeline of decisions: that triple replays it exactly.

A saved game is small, readable JSON, so a crash loses at most the current quarter and a
trainer can collect every team's file and compare them fairly. `SaveFile` is its schema
(`partnersim schema save` prints it as JSON Schema). This module has no pygame: the game, the
CLI and a trainer's notebook all replay games the same way.
"""

from __future__ import annotations

import json
import os
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
from sim.events import impositions
from sim.model import PartnerProgramModel
from sim.policy import LEVERS, lever_table
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.schema import Allowed, FileModel, explain, fail, in_given_order, text, whole

SAVE_FORMAT = "partnersim-save"
SAVE_VERSION = 1


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

        return {
            "format": SAVE_FORMAT,
            "version": SAVE_VERSION,
            "sim_version": __version__,
            "scenario": self.scenario,
            "seed": self.seed,
            "team": self.team,
            "quarters_played": self.quarters_played,
            "decisions": [{"quarter": d.quarter, "changes": d.changes} for d in self.decisions],
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }

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


class SaveFile(FileModel):
    """A partnersim saved game: a scenario, a seed and a timeline of decisions replay it exactly."""

    model_config = ConfigDict(title="partnersim saved game")

    format: Annotated[Literal[SAVE_FORMAT], Allowed(f"the string \"{SAVE_FORMAT}\"")] = Field(
        description=f"the string \"{SAVE_FORMAT}\"")
    version: Annotated[Literal[SAVE_VERSION], Allowed(f"integer {SAVE_VERSION}")] = Field(
        description=f"integer {SAVE_VERSION}")
    sim_version: str = Field("", description="string: the partnersim version that wrote the file")
    scenario: text(pattern=r"\S") = Field(
        description="string: a bundled scenario name or a path to a scenario file")
    seed: whole(0) = Field(description="integer >= 0")
    team: str = Field("Team", description="string: the team's name")
    quarters_played: whole(0) = Field(0, description="integer >= 0")
    decisions: list[SavedDecision] = Field(description="list of {\"quarter\": int, \"changes\": {lever: value}}")
    saved_at: str = Field("", description="string: ISO time the file was written")
    _scenario: Scenario | None = PrivateAttr(None)

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
        """Load the scenario (a path relative to the save file resolves beside it) and check the
        game against it: its length and its locked levers."""
        path = (info.context or {}).get("save_path")
        try:
            scenario = load_scenario(_scenario_ref(self.scenario, Path(path)) if path else self.scenario)
        except ScenarioError as e:
            raise fail((("scenario",), str(e))) from None
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
        scenario: The loaded scenario (loaded from `record.scenario` if None).
        quarters: Quarters to replay (default: all the record has played).
    """
    sc = scenario or load_scenario(record.scenario)
    model = new_model(sc, record.seed)
    for q in range(1, (record.quarters_played if quarters is None else quarters) + 1):
        changes = record.changes_before(q)
        if changes:
            model.set_policy(**changes)
        model.run_quarters(1)
    return model


def load_game(path: str | os.PathLike) -> tuple[GameRecord, Scenario]:
    """Read and check a saved game.

    Raises:
        SaveGameError: one message naming the file, the key and what is allowed (the first
            problem found).
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
        raise SaveGameError(f"{path}: '{key}': {message}") from None
    assert save._scenario is not None
    decisions = [Decision(d.quarter, dict(d.changes)) for d in save.decisions]
    return GameRecord(save.scenario, save.seed, save.team, decisions, save.quarters_played), save._scenario


def _scenario_ref(ref: str, save_path: Path) -> str:
    """A scenario path written relative to the save file still resolves."""
    if ref.endswith(".toml") and not Path(ref).is_absolute():
        beside = save_path.parent / ref
        if beside.exists():
            return str(beside)
    return ref
