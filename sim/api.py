"""One-call API: run a scenario with a seed and any lever overrides, get a DataFrame."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from sim.model import PartnerProgramModel
from sim.scenario import Scenario, load_scenario


def build_model(scenario: str | Scenario = "baseline", seed: int | None = None,
                **levers: Any) -> PartnerProgramModel:
    """A model set up as the scenario says, with `levers` overriding its starting policy.

    Args:
        scenario: Bundled scenario name, path to a TOML file, or a loaded Scenario.
        seed: World seed (None: the scenario's own seed).
        **levers: Lever overrides (researchers may set locked levers too).
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    return PartnerProgramModel(seed=sc.seed if seed is None else seed, **sc.model_kwargs(**levers))


def run(scenario: str | Scenario = "baseline", seed: int = 0, quarters: int = 12,
        **levers: Any) -> pd.DataFrame:
    """Run a scenario and return one row per quarter (with scenario and seed columns).

    >>> df = run("baseline", seed=1, quarters=8, direct_comp="neutral")
    """
    if isinstance(quarters, bool) or not isinstance(quarters, int) or not 1 <= quarters <= 200:
        raise ValueError(f"quarters: {quarters!r} is not allowed (allowed: integer from 1 to 200)")
    model = build_model(scenario, seed, **levers)
    model.run_quarters(quarters)
    df = model.quarterly_frame()
    name = scenario.name if isinstance(scenario, Scenario) else str(scenario)
    df.insert(0, "seed", seed)
    df.insert(0, "scenario", name)
    return df


def run_replications(scenario: str | Scenario = "baseline", seeds: Iterable[int] = range(20),
                     quarters: int = 12, **levers: Any) -> pd.DataFrame:
    """The same policy across many seeds: plans are hypotheses, so look at the range (C7)."""
    return pd.concat([run(scenario, s, quarters, **levers) for s in seeds], ignore_index=True)
