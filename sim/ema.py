"""The model for the EMA Workbench (exploratory modelling and analysis), for researchers who
already use it: levers and uncertainties declared, outcomes returned.

    from ema_workbench import perform_experiments
    from sim.ema import model
    experiments, outcomes = perform_experiments(model(), scenarios=50, policies=10)

Uncertainties are what the player does not control: the world settings
(`sim.world.WorldSettings`, the same set `partnersim run --world` and a sweep spec's
`[uncertainties]` take, with the ranges its schema allows; whole-number settings are
`IntegerParameter`s) and the seed (the world's luck). By default the adapter varies demand and
the partner pool over a plausible market around the baseline (`DEFAULT_UNCERTAINTIES`);
`uncertainties="all"` varies every world setting over its full range, or name the ones to vary.
Levers are the player's (`sim.policy.LEVERS`), all of them by default or the ones named, over
their full range or a narrower one.
EMA Workbench is an optional extra (`pip install 'partnersim[ema]'`): 2.5.x on Python 3.11,
3.x on Python 3.12+.
"""

from __future__ import annotations

from typing import Any

from sim.policy import LEVERS, PolicyError
from sim.world import WORLD_SETTINGS, WorldError, unknown_setting

OUTCOMES: dict[str, str] = {
    "partner_share_year": "partner revenue / total revenue over the last four quarters",
    "revenue_partner_year": "partner revenue over the last four quarters (USD)",
    "cumulative_net_contribution": "the program's net contribution to date at the last quarter (USD)",
    "partners_active": "active partners at the last quarter",
    "partner_satisfaction": "mean partner satisfaction at the last quarter (0-1)",
    "conflicts_total": "channel conflicts over the whole run",
    "partners_churned_total": "partners lost over the whole run",
    "program_cut": "1 if the board cut the program, else 0",
}
SEEDS: tuple[int, int] = (0, 100_000)
"""The seeds an experiment may draw (an integer uncertainty: the world's luck)."""
DEFAULT_UNCERTAINTIES: dict[str, tuple[float, float]] = {
    "demand": (0.6, 1.4),
    "partner_pool": (60, 280),
}
"""The world settings `model()` varies unless told otherwise: a plausible market around the
baseline (each range inside the one `WorldSettings` allows)."""
UNCERTAINTIES: dict[str, tuple[float, float]] = {**DEFAULT_UNCERTAINTIES, "seed": SEEDS}
"""The default uncertainties with the seed, as earlier versions declared them."""


def simulate(scenario: str = "baseline", quarters: int = 12, **values: Any) -> dict[str, float]:
    """One experiment: the scenario's world and policy, overridden by `values` (levers and
    uncertainties), run for `quarters`; returns every outcome in OUTCOMES."""
    from sim.metrics import partner_share_over
    from sim.scenario import load_scenario

    sc = load_scenario(scenario)
    seed = int(values.pop("seed", sc.seed))
    overrides = {k: _plain(k, v) for k, v in values.items()}
    m = sc.build_model(seed, **overrides)
    m.run_quarters(quarters)
    f = m.quarterly_frame()
    return {
        "partner_share_year": partner_share_over(f),
        "revenue_partner_year": float(f["revenue_partner"].tail(4).sum()),
        "cumulative_net_contribution": float(f["cumulative_net_contribution"].iloc[-1]),
        "partners_active": float(f["partners_active"].iloc[-1]),
        "partner_satisfaction": float(f["partner_satisfaction_mean"].iloc[-1]),
        "conflicts_total": float(f["conflicts"].sum()),
        "partners_churned_total": float(f["partners_churned"].sum()),
        "program_cut": float(f["program_cut"].iloc[-1]),
    }


def _plain(name: str, value: Any) -> Any:
    """A value EMA hands over (numpy scalars, 0/1 for a switch) as the lever or world setting
    takes it: whole numbers as int, numbers as float, switches as bool."""
    value = value.item() if hasattr(value, "item") else value
    declared = LEVERS.get(name) or WORLD_SETTINGS.get(name)
    if declared is None or isinstance(value, str):
        return value
    if declared.kind == "bool":
        return bool(value)
    if declared.kind == "int":
        return int(round(value))
    return float(value) if declared.kind == "float" else value


def world_uncertainties(uncertainties: dict[str, Any] | list[str] | str | None = None) -> dict[str, Any]:
    """Which world settings an EMA model varies, and over what: name -> (low, high), a list of
    values, or None for the setting's full range.

    Args:
        uncertainties: None for `DEFAULT_UNCERTAINTIES`; "all" for every world setting over its
            full range; a list of names (full ranges); or a dict of name -> (low, high), a list
            of values, or None. "seed" may be given a narrower (low, high) too.

    Raises:
        WorldError: a name that is not a world setting, or a range outside the one it allows.
    """
    if uncertainties is None:
        chosen: dict[str, Any] = dict(DEFAULT_UNCERTAINTIES)
    elif uncertainties == "all":
        chosen = dict.fromkeys(WORLD_SETTINGS)
    elif isinstance(uncertainties, (list, tuple)):
        chosen = dict.fromkeys(uncertainties)
    elif isinstance(uncertainties, dict):
        chosen = dict(uncertainties)
    else:
        raise WorldError(f"uncertainties {uncertainties!r} is not allowed (allowed: None, \"all\", a list of "
                         f"world settings or a dict of setting -> (low, high) or values)")
    for key, spec in chosen.items():
        if key == "seed":
            continue
        if key not in WORLD_SETTINGS:
            raise unknown_setting(key)
        setting = WORLD_SETTINGS[key]
        if isinstance(spec, list):
            chosen[key] = [setting.check(v) for v in spec]
        elif spec is not None:
            low, high = (setting.check(v) for v in spec)
            if not low < high:
                raise WorldError(f"world '{key}': low ({low}) must be below high ({high})")
            chosen[key] = (low, high)
    return chosen


def model(scenario: str = "baseline", quarters: int = 12,
          levers: dict[str, Any] | list[str] | None = None, name: str = "partnersim",
          uncertainties: dict[str, Any] | list[str] | str | None = None):
    """An `ema_workbench.Model` of a scenario.

    Args:
        scenario: Bundled scenario name or path to a scenario file.
        quarters: Quarters each experiment runs.
        levers: Which levers EMA may set: None for all of them over their full range, a list
            of names, or a dict of name -> (low, high) for numbers or a list of values.
        name: The model's name in EMA (letters, digits, underscores).
        uncertainties: Which world settings vary (see `world_uncertainties`): None for demand
            and the partner pool around the baseline, "all", a list of names, or a dict. The
            seed is always an uncertainty.

    Raises:
        PolicyError: an unknown lever.
        WorldError: an unknown world setting, or a range outside the one it allows.
    """
    from ema_workbench import (
        BooleanParameter,
        CategoricalParameter,
        Constant,
        IntegerParameter,
        Model,
        RealParameter,
        ScalarOutcome,
    )

    from sim.scenario import load_scenario

    load_scenario(scenario)          # fail early, with the scenario loader's message

    def parameter(lever: str, spec: Any = None):
        decl = LEVERS[lever]
        if decl.kind == "choice" or isinstance(spec, list):
            return CategoricalParameter(lever, list(spec) if isinstance(spec, list) else list(decl.choices))
        if decl.kind == "bool":
            return BooleanParameter(lever)
        low, high = spec if spec is not None else (decl.low, decl.high)
        if decl.kind == "int":
            return IntegerParameter(lever, int(low), int(high))
        return RealParameter(lever, float(low), float(high))

    if levers is None:
        chosen: dict[str, Any] = dict.fromkeys(LEVERS)
    elif isinstance(levers, list):
        chosen = dict.fromkeys(levers)
    else:
        chosen = dict(levers)
    unknown = [k for k in chosen if k not in LEVERS]
    if unknown:
        raise PolicyError(f"unknown lever '{unknown[0]}' (levers: {', '.join(LEVERS)})")
    world = world_uncertainties(uncertainties)

    def uncertainty(key: str, spec: Any = None):
        setting = WORLD_SETTINGS[key]
        if isinstance(spec, list):
            return CategoricalParameter(key, spec)
        low, high = spec if spec is not None else (setting.low, setting.high)
        if setting.kind == "int":
            return IntegerParameter(key, int(low), int(high))
        return RealParameter(key, float(low), float(high))

    m = Model(name, function=simulate)
    seeds = world.pop("seed", None) or SEEDS
    m.uncertainties = [IntegerParameter("seed", int(seeds[0]), int(seeds[1])),
                       *(uncertainty(k, v) for k, v in world.items())]
    m.levers = [parameter(k, v) for k, v in chosen.items()]
    m.constants = [Constant("scenario", scenario), Constant("quarters", quarters)]
    m.outcomes = [ScalarOutcome(k) for k in OUTCOMES]
    return m
