"""Saved games: small JSON that replays exactly, and one clear message for a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.debrief import diagnose
from sim.savegame import GameRecord, SaveGameError, load_game, replay


def _write(tmp_path: Path, **over) -> Path:
    data = {"format": "partnersim-save", "version": 1, "scenario": "baseline", "seed": 2,
            "team": "Red", "quarters_played": 2,
            "decisions": [{"quarter": 1, "changes": {"direct_comp": "neutral"}}]}
    data.update(over)
    path = tmp_path / "game.json"
    path.write_text(json.dumps(data))
    return path


def test_save_load_replay_round_trip(tmp_path: Path) -> None:
    rec = GameRecord("baseline", 4, "Green")
    rec.decide(1, {"enablement": 0.9})
    rec.decide(3, {"management_style": "push"})
    rec.quarters_played = 3
    model = replay(rec)
    loaded, scenario = load_game(rec.save(tmp_path / "g.json"))
    assert loaded.decisions == rec.decisions and scenario.name == "baseline"
    assert replay(loaded).quarterly_frame().equals(model.quarterly_frame())
    assert [m.claim for m in diagnose(model, scenario) if m.title.startswith("Pushing")] == ["C16"]
    assert model.policy_history[0]["enablement"] == 0.9 and model.policy_history[2]["management_style"] == "push"


@pytest.mark.parametrize("over, words", [
    ({"colour": "red"}, ["'colour'", "unknown key"]),
    ({"version": 9}, ["'version'", "9"]),
    ({"seed": -1}, ["'seed'", "integer >= 0"]),
    ({"scenario": "atlantis"}, ["'scenario'", "atlantis"]),
    ({"quarters_played": 99}, ["'quarters_played'", "0 to 12"]),
    ({"decisions": [{"quarter": 1, "changes": {"warp_drive": 1}}]}, ["warp_drive", "unknown lever"]),
    ({"decisions": [{"quarter": 1, "changes": {"enablement": 3}}]}, ["enablement", "0 to 1"]),
    ({"decisions": [{"quarter": 7, "changes": {}}]}, ["decisions[0].quarter", "1 to 3"]),
    ({"decisions": "none"}, ["'decisions'"]),
])
def test_bad_save_names_file_and_key(tmp_path: Path, over: dict, words: list[str]) -> None:
    path = _write(tmp_path, **over)
    with pytest.raises(SaveGameError) as e:
        load_game(path)
    msg = str(e.value)
    assert str(path) in msg and "\n" not in msg
    for w in words:
        assert w in msg


def test_not_json_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(SaveGameError, match="not valid JSON"):
        load_game(path)
    with pytest.raises(SaveGameError, match="no such saved game"):
        load_game(tmp_path / "missing.json")


def test_locked_lever_in_save_is_refused(tmp_path: Path) -> None:
    src = Path(__file__).parent.parent / "scenarios" / "baseline.toml"
    scen = tmp_path / "locked.toml"
    scen.write_text(src.read_text().replace('name = "baseline"', 'name = "locked"')
                    + '\n[locked]\npartner_regions = "not this year"\n')
    path = _write(tmp_path, scenario="locked.toml",
                  decisions=[{"quarter": 1, "changes": {"partner_regions": "new_markets_only"}}])
    with pytest.raises(SaveGameError, match="locks the lever"):
        load_game(path)
