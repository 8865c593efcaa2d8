"""One-call API: run a scenario with a seed and any lever overrides, get a DataFrame."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from sim.limits import MAX_QUARTERS
from sim.model import PartnerProgramModel
from sim.scenario import Scenario, load_scenario
from sim.schema import checker, whole

_quarters = checker(whole(1, MAX_QUARTERS), "quarters")


def build_model(scenario: str | Scenario = "baseline", seed: int | None = None,
                **overrides: Any) -> PartnerProgramModel:
    """A model set up as the scenario says (`Scenario.build_model`), with `overrides` (levers
    or world settings, e.g. `world_scale=2`) applied.

    Args:
        scenario: Bundled scenario name, path to a TOML file, or a loaded Scenario.
        seed: World seed (None: the scenario's own seed).
        **overrides: Levers (researchers may set locked levers too) and world settings.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    return sc.build_model(seed, **overrides)


def run(scenario: str | Scenario = "baseline", seed: int = 0, quarters: int = 12,
        **overrides: Any) -> pd.DataFrame:
    """Run a scenario and return one row per quarter (with scenario and seed columns).

    `overrides` are levers or world settings:

    >>> df = run("baseline", seed=1, quarters=8, direct_comp="neutral", world_scale=2)
    """
    quarters = _quarters(quarters)
    model = build_model(scenario, seed, **overrides)
    model.run_quarters(quarters)
    df = model.quarterly_frame()
    name = scenario.name if isinstance(scenario, Scenario) else str(scenario)
    df.insert(0, "seed", seed)
    df.insert(0, "scenario", name)
    return df


def run_replications(scenario: str | Scenario = "baseline", seeds: Iterable[int] = range(20),
                     quarters: int = 12, **overrides: Any) -> pd.DataFrame:
    """The same policy across many seeds: plans are hypotheses, so look at the range (C7)."""
    return pd.concat([run(scenario, s, quarters, **overrides) for s in seeds], ignore_index=True)
