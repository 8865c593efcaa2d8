"""partnersim's simulation core: a Mesa model of a vendor's partner program.

Public API (names are fixed; the game, scenario files and outside scripts use them):

- `PartnerProgramModel`: the `mesa.Model`; one step is one week, 13 a quarter.
- `Policy`, `LEVERS`: every lever with its range and help.
- `World`: the structural settings of a scenario's market.
- `Scenario`, `load_scenario(name_or_path)`: scenario files in `scenarios/`.
- `run(scenario="baseline", seed=0, quarters=12, **levers) -> pandas.DataFrame`.
- `sweep(spec, out=None, workers=None, scheduler=None, ...) -> pandas.DataFrame`: a policy
  sweep (`sim.sweeps`), the same as `partnersim sweep`.

Attributes are loaded lazily so `import sim` stays quick and never needs a display.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "PartnerProgramModel": "sim.model",
    "Policy": "sim.policy",
    "PolicyError": "sim.policy",
    "LEVERS": "sim.policy",
    "World": "sim.world",
    "Event": "sim.events",
    "ScheduledEvent": "sim.events",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "load_scenario": "sim.scenario",
    "list_scenarios": "sim.scenario",
    "run": "sim.api",
    "run_replications": "sim.api",
    "sweep": "sim.sweeps",
}

__all__ = [*sorted(_EXPORTS), "__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
