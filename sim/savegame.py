"""A game is a scenario, a seed and a timeline of decisions: that triple replays it exactly.

A saved game is small, readable JSON, so a crash loses at most the current quarter and a
trainer can collect every team's file and compare them fairly. This module has no pygame:
the game, the CLI and a trainer's notebook all replay games the same way.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.errors import PartnersimError
from sim.model import PartnerProgramModel
from sim.policy import LEVERS, PolicyError
from sim.scenario import Scenario, ScenarioError, load_scenario

SAVE_FORMAT = "partnersim-save"
SAVE_VERSION = 1
SAVE_KEYS = {
    "format": f"the string \"{SAVE_FORMAT}\"",
    "version": f"integer {SAVE_VERSION}",
    "sim_version": "string: the partnersim version that wrote the file",
    "scenario": "string: a bundled scenario name or a path to a scenario file",
    "seed": "integer >= 0",
    "team": "string: the team's name",
    "quarters_played": "integer >= 0",
    "decisions": "list of {\"quarter\": int, \"changes\": {lever: value}}",
    "saved_at": "string: ISO time the file was written",
}


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


def new_model(scenario: Scenario, seed: int) -> PartnerProgramModel:
    """The model a game on `scenario` with `seed` starts from."""
    return scenario.build_model(seed)


def replay(record: GameRecord, scenario: Scenario | None = None,
           quarters: int | None = None) -> PartnerProgramModel:
    """Rebuild the model a record describes, quarter by quarter, with its decisions.

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
        SaveGameError: one message naming the file, the key and what is allowed.
    """
    path = Path(path)

    def bad(key: str, msg: str) -> SaveGameError:
        return SaveGameError(f"{path}: '{key}': {msg}")

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
    unknown = [k for k in data if k not in SAVE_KEYS]
    if unknown:
        raise bad(unknown[0], f"unknown key (allowed: {', '.join(SAVE_KEYS)})")
    for key in ("format", "version", "scenario", "seed", "decisions"):
        if key not in data:
            raise bad(key, f"missing (expected {SAVE_KEYS[key]})")
    if data["format"] != SAVE_FORMAT:
        raise bad("format", f"{data['format']!r} is not allowed (allowed: {SAVE_KEYS['format']})")
    if data["version"] != SAVE_VERSION:
        raise bad("version", f"{data['version']!r} is not allowed (allowed: {SAVE_KEYS['version']})")
    if not isinstance(data["scenario"], str) or not data["scenario"]:
        raise bad("scenario", f"{data['scenario']!r} is not allowed (allowed: {SAVE_KEYS['scenario']})")
    seed = data["seed"]
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise bad("seed", f"{seed!r} is not allowed (allowed: {SAVE_KEYS['seed']})")
    team = data.get("team", "Team")
    if not isinstance(team, str):
        raise bad("team", f"{team!r} is not allowed (allowed: {SAVE_KEYS['team']})")
    try:
        scenario = load_scenario(_scenario_ref(data["scenario"], path))
    except ScenarioError as e:
        raise bad("scenario", str(e)) from None
    played = data.get("quarters_played", 0)
    if isinstance(played, bool) or not isinstance(played, int) or not 0 <= played <= scenario.quarters:
        raise bad("quarters_played",
                  f"{played!r} is not allowed (allowed: integer from 0 to {scenario.quarters}, the scenario's length)")
    decisions = _decisions(data["decisions"], scenario, played, bad)
    record = GameRecord(data["scenario"], seed, team, decisions, played)
    return record, scenario


def _scenario_ref(ref: str, save_path: Path) -> str:
    """A scenario path written relative to the save file still resolves."""
    if ref.endswith(".toml") and not Path(ref).is_absolute():
        beside = save_path.parent / ref
        if beside.exists():
            return str(beside)
    return ref


def _decisions(value: Any, scenario: Scenario, played: int, bad) -> list[Decision]:
    if not isinstance(value, list):
        raise bad("decisions", f"{type(value).__name__} is not allowed (allowed: {SAVE_KEYS['decisions']})")
    out: list[Decision] = []
    for n, item in enumerate(value):
        key = f"decisions[{n}]"
        if not isinstance(item, dict) or set(item) != {"quarter", "changes"}:
            raise bad(key, f"{item!r} is not allowed (allowed: {{\"quarter\": int, \"changes\": {{lever: value}}}})")
        q = item["quarter"]
        if isinstance(q, bool) or not isinstance(q, int) or not 1 <= q <= max(1, played + 1):
            raise bad(f"{key}.quarter", f"{q!r} is not allowed (allowed: integer from 1 to {max(1, played + 1)})")
        changes = item["changes"]
        if not isinstance(changes, dict):
            raise bad(f"{key}.changes", f"{changes!r} is not allowed (allowed: a table of lever = value)")
        clean: dict[str, Any] = {}
        for lever, v in changes.items():
            if lever not in LEVERS:
                raise bad(f"{key}.changes.{lever}", f"unknown lever (levers: {', '.join(LEVERS)})")
            if lever in scenario.locked:
                raise bad(f"{key}.changes.{lever}",
                          f"this scenario locks the lever ({scenario.locked[lever]})")
            try:
                clean[lever] = LEVERS[lever].check(v)
            except PolicyError as e:
                raise bad(f"{key}.changes.{lever}", str(e)) from None
        out.append(Decision(q, clean))
    return out
