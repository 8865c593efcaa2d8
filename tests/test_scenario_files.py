"""Scenario files: the bundled ones load; bad ones are reported with file, key and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.api import run
from sim.scenario import ScenarioError, list_scenarios, load_scenario, validate_scenario_file

GOOD = '''
name = "mine"
title = "My scenario"
briefing = "Text"
[policy]
enablement = 0.4
[locked]
enablement = "Budget is frozen this year"
[win]
at_quarter = 8
min_partner_share = 0.1
[[events]]
quarter = 3
kind = "policy"
message = "The CEO wants numbers"
changes = { management_style = "push" }
[[events]]
quarter = 4
kind = "shock"
message = "A competitor courts your partners"
shock = "competitor_poach"
size = 0.3
'''


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(text)
    return p


def test_bundled_scenarios_load_and_run() -> None:
    names = {s.name for s in list_scenarios()}
    assert {"baseline", "best_practice"} <= names
    for s in list_scenarios():
        assert s.title and s.briefing.strip() and s.debrief.strip() and s.win
        df = run(s, seed=0, quarters=2)
        assert len(df) == 2


def test_good_file_loads_with_everything(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, GOOD))
    assert s.policy.enablement == 0.4
    assert s.locked == {"enablement": "Budget is frozen this year"}
    assert [e.quarter for e in s.events] == [3, 4]
    assert s.events[0].changes == (("management_style", "push"),)
    df = run(s, seed=1, quarters=5)
    assert len(df) == 5


@pytest.mark.parametrize(
    "edit, words",
    [
        (("[policy]", "[policy]\nenablemnt = 0.5"), ["policy.enablemnt", "unknown lever"]),
        (("enablement = 0.4", "enablement = 4"), ["policy.enablement", "4", "0 to 1"]),
        (("enablement = 0.4", 'enablement = "lots"'), ["policy.enablement", "'lots'"]),
        (('title = "My scenario"', 'title = "My scenario"\ncolour = "red"'), ["'colour'", "unknown key"]),
        (('shock = "competitor_poach"', 'shock = "meteor"'), ["events[2].shock", "competitor_poach"]),
        (('kind = "policy"', 'kind = "party"'), ["events[1].kind", "policy | shock"]),
        (("[win]", "[win]\nmin_happiness = 1"), ["win.min_happiness", "min_partner_share"]),
        (("[locked]", "[locked]\nteleport = \"no\""), ["locked.teleport", "unknown lever"]),
        (("[policy]", "[world]\nworld_scale = 0\n[policy]"), ["world.world_scale", "0.25 to 64"]),
        (('briefing = "Text"', ""), ["'briefing'", "missing"]),
        (("quarter = 3", "quarter = 3.5"), ["events[1].quarter"]),
    ],
)
def test_bad_files_name_file_and_key(tmp_path: Path, edit: tuple[str, str], words: list[str]) -> None:
    path = write(tmp_path, GOOD.replace(*edit, 1))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    msg = str(info.value)
    assert str(path) in msg
    for w in words:
        assert w in msg, (w, msg)


def test_toml_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\ntitle = \n')
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(path)


def test_validate_reports_every_problem(tmp_path: Path) -> None:
    text = GOOD.replace("enablement = 0.4", "enablement = 9").replace(
        'shock = "competitor_poach"', 'shock = "meteor"').replace("[win]", "[win]\nfoo = 1")
    problems = validate_scenario_file(write(tmp_path, text))
    assert len(problems) == 3
    assert all(p.startswith(str(tmp_path)) for p in problems)


def test_cli_validate(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = write(tmp_path, GOOD.replace("enablement = 0.4", "enablement = 9"))
    res = subprocess.run([sys.executable, "-m", "sim", "scenarios", "--validate", str(bad)],
                         capture_output=True, text=True)
    assert res.returncode == 1 and "policy.enablement" in res.stdout
