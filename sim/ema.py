"""The model for the EMA Workbench (exploratory modelling and analysis), for researchers who
already use it: levers and uncertainties declared, outcomes returned.

    from ema_workbench import perform_experiments
    from sim.ema import model
    experiments, outcomes = perform_experiments(model(), scenarios=50, policies=10)

Uncertainties are what the player does not control: market demand, the size of the
partner pool and the seed (the world's luck). Levers are the player's (`sim.policy.LEVERS`),
all of them by default or the ones named, over their full range or a narrower one.
EMA Workbench is an optional extra (`pip install 'partnersim[ema]'`): 2.5.x on Python 3.11,
3.x on Python 3.12+.
"""

from __future__ import annotations

from typing import Any

from sim.policy import LEVERS, PolicyError

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
UNCERTAINTIES: dict[str, tuple[float, float]] = {
    "demand": (0.6, 1.4),
    "partner_pool": (60, 280),
    "seed": (0, 100_000),
}


def simulate(scenario: str = "baseline", quarters: int = 12, **values: Any) -> dict[str, float]:
    """One experiment: the scenario's world and policy, overridden by `values` (levers and
    uncertainties), run for `quarters`; returns every outcome in OUTCOMES."""
    from sim.metrics import partner_share_over
    from sim.scenario import load_scenario

    sc = load_scenario(scenario)
    seed = int(values.pop("seed", sc.seed))
    if "partner_pool" in values:
        values["partner_pool"] = int(round(values["partner_pool"]))
    overrides = {k: (bool(v) if k in LEVERS and LEVERS[k].kind == "bool" else v) for k, v in values.items()}
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


def model(scenario: str = "baseline", quarters: int = 12,
          levers: dict[str, Any] | list[str] | None = None, name: str = "partnersim"):
    """An `ema_workbench.Model` of a scenario.

    Args:
        scenario: Bundled scenario name or path to a scenario file.
        quarters: Quarters each experiment runs.
        levers: Which levers EMA may set: None for all of them over their full range, a list
            of names, or a dict of name -> (low, high) for numbers or a list of values.
        name: The model's name in EMA (letters, digits, underscores).
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
    m = Model(name, function=simulate)
    m.uncertainties = [IntegerParameter("seed", *UNCERTAINTIES["seed"]),
                       RealParameter("demand", *UNCERTAINTIES["demand"]),
                       IntegerParameter("partner_pool", *UNCERTAINTIES["partner_pool"])]
    m.levers = [parameter(k, v) for k, v in chosen.items()]
    m.constants = [Constant("scenario", scenario), Constant("quarters", quarters)]
    m.outcomes = [ScalarOutcome(k) for k in OUTCOMES]
    return m
