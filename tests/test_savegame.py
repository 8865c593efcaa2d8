"""Saved games: small JSON that replays exactly, and one clear message for a bad file."""

from __future__ import annotations

import hashlib
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
    text = BASELINE.read_text().replace('name = "baseline"', 'name = "locked"') + \
        '\n[locked]\npartner_regions = "not this year"\n'
    path = _write(tmp_path, version=2, scenario="locked", **_embed(text),
                  decisions=[{"quarter": 1, "changes": {"partner_regions": "new_markets_only"}}])
    with pytest.raises(SaveGameError, match="locks the lever"):
        load_game(path)


# ---------------------------------------------------------------- a save never names a path to open
BASELINE = Path(__file__).parent.parent / "scenarios" / "baseline.toml"


def _embed(text: str) -> dict[str, str]:
    return {"scenario_toml": text, "scenario_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def _custom(tmp_path: Path, name: str = "mine") -> Path:
    """A valid custom scenario file outside the bundled folder (baseline renamed, one shock)."""
    path = tmp_path / f"{name}.toml"
    path.write_text(BASELINE.read_text().replace('name = "baseline"', f'name = "{name}"') +
                    '\n[[events]]\nquarter = 2\nkind = "shock"\nshock = "demand"\nsize = 0.8\n'
                    'message = "A soft quarter."\n')
    return path


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("ref", ["../../etc/passwd", "/etc/hostname", "scenarios/baseline.toml",
                                 "/tmp/x/evil.toml", "evil.toml", "planted"])
def test_save_naming_a_path_is_refused_and_nothing_is_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             version: int, ref: str) -> None:
    planted = _custom(tmp_path, "evil")             # a file that would load fine if a save could name it
    (tmp_path / "planted.toml").write_text(planted.read_text())
    ref = ref.replace("/tmp/x/evil.toml", str(planted))
    path = _write(tmp_path, version=version, scenario=ref)
    opened: list[str] = []
    real_read, real_open = Path.read_text, open

    def read_text(self: Path, *a, **k) -> str:
        opened.append(str(self))
        return real_read(self, *a, **k)

    def spy_open(file, *a, **k):  # noqa: ANN001, ANN202
        opened.append(str(file))
        return real_open(file, *a, **k)

    monkeypatch.setattr(Path, "read_text", read_text)
    monkeypatch.setattr("builtins.open", spy_open)
    with pytest.raises(SaveGameError) as e:
        load_game(path)
    msg = str(e.value)
    assert opened == [str(path)]                    # the save itself, nothing it names
    assert str(path) in msg and "'scenario'" in msg and "\n" not in msg
    assert "bundled scenario" in msg and "baseline" in msg and "scenario_toml" in msg
    if ref != "planted":
        assert "never names a scenario file" in msg and "partnersim play --scenario FILE" in msg


def test_custom_scenario_round_trips_without_its_file(tmp_path: Path) -> None:
    from game.session import GameSession
    from sim.scenario import load_scenario

    scen = _custom(tmp_path)
    sc = load_scenario(scen)
    assert not sc.bundled and load_scenario("baseline").bundled
    s = GameSession(sc, 5, "Red")
    s.set_lever("enablement", 0.9)
    s.play_quarter()
    s.play_quarter()
    saved = s.save_as(tmp_path / "saves" / "red.json")
    scen.unlink()                                   # the team's copy of the file is gone
    data = json.loads(saved.read_text())
    assert data["version"] == 2 and data["scenario"] == "mine" and data["scenario_toml"] == sc.source
    assert data["scenario_sha256"] == sc.sha256 and "events" not in data
    record, scenario = load_game(saved)
    assert record.scenario_source == sc.source and scenario.events == sc.events
    assert replay(record, scenario).quarterly_frame().equals(s.model.quarterly_frame())
    assert replay(record).quarterly_frame().equals(s.model.quarterly_frame())
    resumed = GameSession.load(saved)
    assert resumed.model.quarterly_frame().equals(s.model.quarterly_frame())
    assert resumed.save_as(tmp_path / "again.json") and json.loads((tmp_path / "again.json").read_text())[
        "scenario_toml"] == sc.source                 # re-saved, still embedded
    # a bundled game names its scenario and embeds nothing
    plain = json.loads(GameSession(load_scenario("baseline"), 1).save_as(tmp_path / "b.json").read_text())
    assert plain["scenario"] == "baseline" and "scenario_toml" not in plain and "scenario_sha256" not in plain


@pytest.mark.parametrize("over, words", [
    ({"scenario_toml": "x"}, ["'scenario_sha256'", "does not match", "edited or damaged"]),
    ({"scenario_sha256": "0" * 64}, ["'scenario_sha256'", "does not match"]),
    ({"scenario_sha256": None}, ["'scenario_sha256'"]),
    ({"scenario": "other"}, ["'scenario'", "'mine'"]),
])
def test_tampered_embedded_scenario_is_refused(tmp_path: Path, over: dict, words: list[str]) -> None:
    good = _embed(_custom(tmp_path).read_text())
    if "scenario_toml" in over:
        over = {"scenario_toml": good["scenario_toml"].replace("size = 0.8", "size = 2.0")}
    fields = {"scenario": "mine", **good, **over}
    path = _write(tmp_path, version=2, **{k: v for k, v in fields.items() if v is not None})
    with pytest.raises(SaveGameError) as e:
        load_game(path)
    assert str(path) in str(e.value)
    for w in words:
        assert w in str(e.value)


def test_bad_embedded_scenario_names_the_save_and_key(tmp_path: Path) -> None:
    text = _custom(tmp_path).read_text().replace("quarters = 12", "quarters = 99")
    path = _write(tmp_path, version=2, scenario="mine", **_embed(text))
    with pytest.raises(SaveGameError, match=r"game\.json: scenario_toml: 'quarters': 99 is not allowed"):
        load_game(path)


def test_injected_events_round_trip_and_replay(tmp_path: Path) -> None:
    from sim.events import ScheduledEvent
    from sim.scenario import event_from_table, event_table, load_scenario

    injected = [ScheduledEvent(quarter=2, kind="policy", message="The CRO wants accounts direct.",
                               changes=(("direct_takeover", True),), by="the CRO"),
                ScheduledEvent(quarter=3, kind="shock", message="A soft quarter.", shock="demand", size=0.7,
                               duration=2)]
    assert [event_from_table(event_table(ev), "x") for ev in injected] == injected
    rec = GameRecord("baseline", 4, "Red", quarters_played=4, injected=injected)
    rec.decide(3, {"enablement": 0.9})
    data = rec.to_json()
    assert data["events"] == [event_table(ev) for ev in injected] and "scenario_toml" not in data
    record, scenario = load_game(rec.save(tmp_path / "g.json"))
    assert record.injected == injected and scenario.events[-2:] == tuple(injected)
    direct = load_scenario("baseline").with_events(injected).build_model(4)
    direct.run_quarters(2)
    direct.set_policy(enablement=0.9)
    direct.run_quarters(2)
    assert replay(record, scenario).quarterly_frame().equals(direct.quarterly_frame())
    assert replay(rec).quarterly_frame().equals(direct.quarterly_frame())
    assert not replay(GameRecord("baseline", 4, quarters_played=4, decisions=rec.decisions)
                      ).quarterly_frame().equals(direct.quarterly_frame())     # the events matter
    # a decision that undoes an injected imposition is refused, as a scenario's own would be
    bad = _write(tmp_path, version=2, quarters_played=3, events=data["events"],
                 decisions=[{"quarter": 2, "changes": {"direct_takeover": False}}])
    with pytest.raises(SaveGameError, match=r"'decisions\[0\]\.changes\.direct_takeover'.*the CRO imposes"):
        load_game(bad)


@pytest.mark.parametrize("event, words", [
    ({"quarter": 41, "kind": "shock", "message": "m", "shock": "demand"}, ["events[0].quarter", "1 to 40"]),
    ({"quarter": 2, "kind": "policy", "message": "m", "changes": {"warp": 1}}, ["events[0].changes.warp",
                                                                              "unknown lever"]),
    ({"quarter": 2, "kind": "meteor", "message": "m"}, ["events[0].kind", "policy | shock"]),
])
def test_bad_injected_event_is_refused(tmp_path: Path, event: dict, words: list[str]) -> None:
    from sim.scenario import ScenarioError, event_from_table

    with pytest.raises(SaveGameError) as e:
        load_game(_write(tmp_path, version=2, events=[event]))
    for w in words:
        assert w in str(e.value)
    with pytest.raises(ScenarioError, match=r"^ev\.json: '"):
        event_from_table(event, "ev.json")


def test_version_1_bundled_save_still_loads(tmp_path: Path) -> None:
    record, scenario = load_game(_write(tmp_path))                # version 1, as issue 11 wrote them
    assert scenario.name == "baseline" and scenario.bundled and record.scenario_source == "" and not record.injected
    assert record.to_json()["version"] == 2
