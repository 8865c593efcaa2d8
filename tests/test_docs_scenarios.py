"""docs/scenarios.md, the scenario-authoring guide, stays in step with the loader.

Every key the loader accepts is documented (in backticks), and the guide's annotated
example (its first ```toml block) is a valid scenario file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.events import SHOCKS
from sim.scenario import (
    EVENT_KEYS,
    FIX_KEYS,
    TOP_KEYS,
    WIN_CONDITIONS,
    load_scenario,
    validate_scenario_file,
)
from sim.world import WORLD_RANGES

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "scenarios.md"
DOCUMENTED = sorted({*TOP_KEYS, *FIX_KEYS, *WIN_CONDITIONS, "at_quarter", *EVENT_KEYS, *SHOCKS,
                     *WORLD_RANGES})


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def _in_backticks(text: str) -> set[str]:
    return {span.strip() for span in re.findall(r"`([^`\n]+)`", text)}


@pytest.mark.parametrize("key", DOCUMENTED)
def test_every_key_is_documented(guide: str, key: str) -> None:
    assert key in _in_backticks(guide), f"docs/scenarios.md does not mention `{key}`"


def test_example_is_a_valid_scenario(guide: str, tmp_path: Path) -> None:
    match = re.search(r"^```toml\n(.*?)^```", guide, flags=re.S | re.M)
    assert match, "docs/scenarios.md has no ```toml block"
    path = tmp_path / "example.toml"
    path.write_text(match.group(1), encoding="utf-8")
    assert validate_scenario_file(path) == []
    scenario = load_scenario(path)
    assert scenario.win and scenario.fix and scenario.briefing.strip()
