"""One schema per file kind: pydantic models checked with one error formatter, and the same
models printed as JSON Schema by `partnersim schema` for editors."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from sim import cli
from sim.limits import MAX_QUARTERS
from sim.policy import LEVERS, Policy, PolicyError, lever_table
from sim.scenario import (
    EVENT_KEYS,
    FIX_KEYS,
    TOP_KEYS,
    ScenarioFile,
    load_scenario,
    scenarios_dir,
    validate_scenario_file,
)
from sim.schema import json_schema
from sim.world import WORLD_KEYS, World, WorldError

ROOT = Path(__file__).resolve().parent.parent
GOOD = '''name = "mine"
title = "My scenario"
briefing = "Text"
quarters = 12
[policy]
enablement = 0
partner_team_size = 4.0
[locked]
direct_comp = "Signed for the year"
[win]
at_quarter = 8
min_partner_share = 0.1
[[events]]
quarter = 3
kind = "policy"
message = "The CEO wants numbers"
changes = { enablement = 1 }
[[events]]
quarter = 4
kind = "shock"
message = "A competitor courts your partners"
shock = "competitor_poach"
size = 0.3
[fix]
summary = "Enable partners."
lesson = ["enablement"]
[fix.levers]
enablement = 1
'''


def lines(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "s.toml"
    path.write_text(text)
    return [line.removeprefix(f"{path}: ") for line in validate_scenario_file(path)]


def test_loaded_values_keep_their_lever_types(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(GOOD)
    sc = load_scenario(path)
    assert sc.policy.enablement == 0.0 and type(sc.policy.enablement) is float      # TOML 0 for a number
    assert sc.policy.partner_team_size == 4 and type(sc.policy.partner_team_size) is int
    assert sc.fix == {"enablement": 1.0} and type(sc.fix["enablement"]) is float
    assert sc.lesson == ("enablement",) and sc.lesson_fix == {"enablement": 1.0} and sc.rest_of_fix == {}
    assert sc.events[0].changes == (("enablement", 1),)                              # events: as written
    assert sc.events[1].size == 0.3 and sc.events[1].duration == 1
    assert sc.world == World() and sc.win == {"at_quarter": 8, "min_partner_share": 0.1}


@pytest.mark.parametrize("edit, expected", [
    (("enablement = 0\n", "enablement = 1.5\n"),
     "'policy.enablement': 1.5 is not allowed (allowed: number from 0 to 1)"),
    (("enablement = 0\n", "enablement = true\n"),
     "'policy.enablement': True is not allowed (allowed: number from 0 to 1)"),
    (("enablement = 0\n", "enablemnt = 0\n"),
     "'policy.enablemnt': unknown lever (levers: " + ", ".join(LEVERS) + ")"),
    (('title = "My scenario"\n', 'title = "My scenario"\ncolour = "red"\n'),
     "'colour': unknown key (allowed: " + ", ".join(TOP_KEYS) + ")"),
    (('briefing = "Text"\n', ""), "'briefing': missing (required: " + TOP_KEYS["briefing"] + ")"),
    (("quarters = 12", f"quarters = {MAX_QUARTERS + 1}"),
     f"'quarters': {MAX_QUARTERS + 1} is not allowed (allowed: integer from 1 to {MAX_QUARTERS})"),
    (("quarter = 4", "quarter = 4.5"), "'events[2].quarter': 4.5 is not allowed (allowed: integer from 1 to 40)"),
    (('kind = "policy"', 'kind = "party"'), "'events[1].kind': 'party' is not allowed (allowed: policy | shock)"),
    (('kind = "policy"\n', ""), "'events[1].kind': missing (required: policy | shock)"),
    (("size = 0.3", "size = 0.3\nchanges = {}"),
     "'events[2].changes': unknown key (allowed: quarter, kind, message, shock, size, duration)"),
    (("changes = { enablement = 1 }", "changes = {}"),
     "'events[1].changes': a policy event needs a table of lever = value"),
    (("at_quarter = 8", "at_quarter = 13"), "'win.at_quarter': 13 is after the game ends (allowed: 1 to quarters = 12)"),
    (("[fix.levers]\n", "[fix.levers]\ndirect_comp = \"neutral\"\n"),
     "'fix.levers.direct_comp': is locked in this scenario (allowed: levers the player may change)"),
    (('lesson = ["enablement"]\n', ""), "'fix.lesson': missing (required: " + FIX_KEYS["lesson"] + ")"),
    (('lesson = ["enablement"]', "lesson = []"),
     "'fix.lesson': [] is not allowed (allowed: a non-empty list of levers of [fix.levers]: enablement)"),
    (('lesson = ["enablement"]', 'lesson = ["sales_playbook"]'),
     "'fix.lesson[1]': 'sales_playbook' is not in [fix.levers] (allowed: a non-empty list of levers of "
     "[fix.levers]: enablement)"),
    (('lesson = ["enablement"]', 'lesson = ["enablement", "enablemnt"]'),
     "'fix.lesson[2]': 'enablemnt' is not a lever (allowed: a non-empty list of levers of [fix.levers]: enablement)"),
    (('lesson = ["enablement"]', 'lesson = ["enablement", "enablement"]'),
     "'fix.lesson[2]': 'enablement' is named twice (allowed: each lever once)"),
    (('lesson = ["enablement"]', "lesson = [1]"),
     "'fix.lesson[1]': 1 is not allowed (allowed: a lever of [fix.levers], as a string)"),
    (('direct_comp = "Signed for the year"', 'direct_comp = " "'),
     "'locked.direct_comp': ' ' is not allowed (allowed: a non-empty string: the reason shown to the player)"),
    (("min_partner_share = 0.1", "max_conflicts = 2000000"),
     "'win.max_conflicts': 2000000 is not allowed (allowed: integer from 0 to 1,000,000)"),
])
def test_one_formatter_names_key_and_what_is_allowed(tmp_path: Path, edit: tuple[str, str], expected: str) -> None:
    assert edit[0] in GOOD
    assert lines(tmp_path, GOOD.replace(*edit, 1)) == [expected]


def test_every_problem_at_once_unknown_keys_first(tmp_path: Path) -> None:
    text = GOOD.replace("quarters = 12", "quarters = 0\ncolour = 1").replace("enablement = 0\n", "enablement = 2\n")
    found = lines(tmp_path, text)
    assert [f.split("'")[1] for f in found] == ["colour", "quarters", "policy.enablement"]


def test_one_quarter_limit_everywhere(tmp_path: Path) -> None:
    from sim.api import run
    from sim.errors import PartnersimError
    from sim.sweeps import SpecError, spec_from_dict

    assert lines(tmp_path, GOOD.replace("quarters = 12", f"quarters = {MAX_QUARTERS}")) == []
    with pytest.raises(PartnersimError, match=f"quarters: {MAX_QUARTERS + 1} is not allowed .*1 to {MAX_QUARTERS}"):
        run("baseline", quarters=MAX_QUARTERS + 1)
    with pytest.raises(SpecError, match=f"'quarters': {MAX_QUARTERS + 1} .*1 to {MAX_QUARTERS}"):
        spec_from_dict({"quarters": MAX_QUARTERS + 1, "levers": {"enablement": [0.1, 0.2]}})


def test_lever_types_are_generated_from_levers() -> None:
    props = lever_table("T").model_json_schema()["properties"]
    assert list(props) == list(LEVERS)
    for name, lever in LEVERS.items():
        p = props[name]
        assert p["description"] == lever.help and p["default"] == lever.default
        if lever.kind == "choice":
            assert p["enum"] == list(lever.choices)
        elif lever.kind == "bool":
            assert p["type"] == "boolean"
        else:
            assert p["type"] == ("integer" if lever.kind == "int" else "number")
            assert (p["minimum"], p["maximum"]) == (lever.low, lever.high)
    assert LEVERS["partner_team_size"].check(3.0) == 3 and LEVERS["incentive_budget"].check(5) == 5.0
    for bad in (True, "3", 2.5, 201, float("nan")):
        with pytest.raises(PolicyError, match="lever 'partner_team_size'"):
            LEVERS["partner_team_size"].check(bad)
    assert Policy(enablement=1).validate().enablement == 1.0


def test_world_is_checked_when_built() -> None:
    assert World(world_scale=2).world_scale == 2.0 and World(home_regions=4.0).home_regions == 4
    assert World().validate() == World() and tuple(World().as_dict()) == WORLD_KEYS
    with pytest.raises(WorldError, match=r"world 'home_regions': True is not allowed \(allowed: integer from 1 to 8\)"):
        World(home_regions=True)


def test_save_indices_count_from_zero(tmp_path: Path) -> None:
    from sim.savegame import SaveGameError, load_game

    path = tmp_path / "g.json"
    path.write_text(json.dumps({"format": "partnersim-save", "version": 1, "scenario": "baseline", "seed": 0,
                                "decisions": [{"quarter": 1, "changes": {}}, {"quarter": 1, "changes": {"x": 1}}]}))
    with pytest.raises(SaveGameError, match=r"'decisions\[1\]\.changes\.x': unknown lever"):
        load_game(path)


@pytest.mark.parametrize("kind, model_path", [("scenario", "sim.scenario:ScenarioFile"),
                                              ("spec", "sim.sweeps.spec:SpecFile"),
                                              ("save", "sim.savegame:SaveFile")])
def test_schema_command_prints_json_schema(capsys: pytest.CaptureFixture[str], kind: str, model_path: str) -> None:
    assert cli.main(["schema", kind]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema") and schema["additionalProperties"] is False
    module, name = model_path.split(":")
    model = getattr(__import__(module, fromlist=[name]), name)
    assert list(schema["properties"]) == list(model.model_fields)
    assert all(p.get("description") for p in schema["properties"].values())


def test_scenario_schema_has_the_help_and_validates_files(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["schema", "scenario"])
    schema = json.loads(capsys.readouterr().out)
    assert {k: p["description"] for k, p in schema["properties"].items()} == TOP_KEYS
    assert set(EVENT_KEYS) == {k for d in ("PolicyEvent", "ShockEvent") for k in schema["$defs"][d]["properties"]}
    fix = schema["$defs"]["FixTable"]
    assert {k: p["description"] for k, p in fix["properties"].items()} == FIX_KEYS and "lesson" in fix["required"]
    assert fix["properties"]["lesson"]["items"]["enum"] == list(LEVERS)
    assert json_schema(ScenarioFile) == schema
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(schema)
    guide = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    example = re.search(r"^```toml\n(.*?)^```", guide, flags=re.S | re.M).group(1)
    for text in [example, *(p.read_text(encoding="utf-8") for p in sorted(scenarios_dir().glob("*.toml")))]:
        assert list(validator.iter_errors(tomllib.loads(text))) == []
    bad = tomllib.loads(example)
    bad["policy"]["enablement"], bad["colour"] = 1.5, "red"
    assert len(list(validator.iter_errors(bad))) == 2
