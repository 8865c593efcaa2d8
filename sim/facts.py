"""Stylized facts SF1-SF12 as paired-seed experiments.

Each experiment runs the same worlds (same seeds) twice, changing one lever, and
returns the per-seed measures both arms produced. The tests assert the direction and
a minimum effect on the mean; `docs/model.md` reports the measured effects; a
researcher can rerun any of them at other world sizes:

    >>> from sim.facts import run_fact
    >>> run_fact("SF1", seeds=range(20), world_scale=2.0).summary()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.model import PartnerProgramModel
from sim.scenario import load_scenario

# The "good policies" every experiment starts from: every lever as the best_practice scenario
# (scenarios/best_practice.toml) sets it, so the facts and that scenario cannot drift apart.
GOOD_POLICY: dict[str, Any] = load_scenario("best_practice").policy.as_dict()


@dataclass
class Arm:
    """One arm of a paired experiment: levers from quarter 1, and changes from a later quarter."""

    levers: dict[str, Any]
    switch_at: int = 0                      # quarter after which `switch` applies (0 = never)
    switch: dict[str, Any] = field(default_factory=dict)


SCALED_LEVERS = ("partner_team_size", "initial_partners", "recruits_per_quarter", "incentive_budget")


def scale_program(levers: dict[str, Any], world_scale: float) -> dict[str, Any]:
    """The same program for a bigger (or smaller) world: team, partner counts and the
    incentive budget grow with the world (budget shares already do)."""
    out = dict(levers)
    for k in SCALED_LEVERS:
        if k in out:
            v = out[k] * world_scale
            out[k] = float(v) if k == "incentive_budget" else max(1 if out[k] else 0, round(v))
    return out


def run_arm(arm: Arm, seed: int, quarters: int, world_scale: float,
            scaled: bool = True) -> tuple[pd.DataFrame, PartnerProgramModel]:
    """Run one arm for one seed (the program scaled to the world unless `scaled` is
    False); returns the quarterly frame and the model."""
    factor = world_scale if scaled else 1.0
    model = PartnerProgramModel(seed=seed, world_scale=world_scale, **scale_program(arm.levers, factor))
    if arm.switch_at:
        model.run_quarters(arm.switch_at)
        model.set_policy(**scale_program(arm.switch, factor))
        model.run_quarters(quarters - arm.switch_at)
    else:
        model.run_quarters(quarters)
    return model.quarterly_frame(), model


@dataclass
class FactResult:
    """Per-seed measures for both arms of a stylized-fact experiment."""

    fact: str
    claim: str
    measures: pd.DataFrame  # one row per seed; columns "<measure>_a" and "<measure>_b"

    def mean(self, measure: str, arm: str) -> float:
        return float(self.measures[f"{measure}_{arm}"].mean())

    def summary(self) -> pd.DataFrame:
        """Mean of each measure in each arm, and the relative change b vs a."""
        names = sorted({c[:-2] for c in self.measures.columns if c[-2:] in ("_a", "_b")})
        rows = []
        for n in names:
            a, b = self.mean(n, "a"), self.mean(n, "b")
            rows.append({"measure": n, "a": a, "b": b,
                         "change": (b - a) / abs(a) if a else float("nan")})
        return pd.DataFrame(rows)


def _q(df: pd.DataFrame, col: str, first: int, last: int) -> float:
    """Sum of `col` over quarters first..last (1-based, inclusive)."""
    return float(df.loc[(df.quarter >= first) & (df.quarter <= last), col].sum())


def _first_deal_weeks(model: PartnerProgramModel) -> float:
    """Median weeks from signing to first deal over partners who signed in quarter 1
    (partners with no deal yet count as the weeks they have waited)."""
    p = model.partners
    signed = p.signed_week
    cohort = (signed >= 0) & (signed < 13)
    if not cohort.any():
        return float("nan")
    first = np.where(p.first_deal_week >= 0, p.first_deal_week, model.steps)
    return float(np.median(first[cohort] - signed[cohort]))


def _never_active_share(model: PartnerProgramModel) -> float:
    """Share of partners signed by Q8 that never closed a deal (signed, never active)."""
    p = model.partners
    cohort = (p.signed_week >= 0) & (p.signed_week < 8 * 13)
    if not cohort.any():
        return float("nan")
    return float((p.first_deal_week[cohort] < 0).mean())


Measure = Callable[..., float]   # (frame, model) or (frame, model, reference_frame)


@dataclass
class Fact:
    """A stylized fact: two arms and the measures to compare."""

    claim: str
    a: Arm
    b: Arm
    quarters: int
    measures: dict[str, Measure]
    reference: Arm | None = None   # a third arm some measures compare against (per seed)
    scaled: bool = True            # grow the program with the world (False: absolute counts)


def _good(**changes: Any) -> dict[str, Any]:
    return {**GOOD_POLICY, **changes}


FACTS: dict[str, Fact] = {
    "SF1": Fact(
        "Competing comp vs neutral comp: more conflict, more partner churn, less partner revenue.",
        Arm(_good(direct_comp="neutral")), Arm(_good(direct_comp="competing")), 12,
        {"conflicts": lambda d, m: _q(d, "conflicts", 1, 12),
         "churned": lambda d, m: _q(d, "partners_churned", 1, 12),
         "revenue_partner": lambda d, m: _q(d, "revenue_partner", 1, 12)},
    ),
    "SF2": Fact(
        "Partners confined to new markets vs all regions with deal registration: less partner "
        "revenue by Q12, longer time to first partner deal.",
        Arm(_good(partner_regions="all")), Arm(_good(partner_regions="new_markets_only")), 12,
        {"revenue_partner_q9_12": lambda d, m: _q(d, "revenue_partner", 9, 12),
         "weeks_to_first_deal": lambda d, m: _first_deal_weeks(m)},
    ),
    "SF3": Fact(
        "Thin enablement vs full: less partner revenue, more inactive partners.",
        Arm(_good(enablement=0.8)), Arm(_good(enablement=0.15)), 12,
        {"revenue_partner": lambda d, m: _q(d, "revenue_partner", 1, 12),
         "never_active_share": lambda d, m: _never_active_share(m)},
    ),
    "SF3b": Fact(
        "Front-loaded onboarding vs paced at equal spend: lower partner capability at Q4.",
        Arm(_good(onboarding_pace="paced")), Arm(_good(onboarding_pace="front_loaded")), 4,
        {"capability_q4": lambda d, m: float(d.partner_capability_mean.iloc[3])},
    ),
    "SF4": Fact(
        "Referral bounty (from Q4) vs aligned incentive: activity spikes for a quarter or two "
        "then decays; less partner revenue per unit of incentive spend.",
        Arm(_good(incentive="none", incentive_budget=0.0), 4,
            {"incentive": "aligned", "incentive_budget": 80_000.0}),
        Arm(_good(incentive="none", incentive_budget=0.0), 4,
            {"incentive": "referral_bounty", "incentive_budget": 80_000.0}),
        12,
        {"opps_q5_6": lambda d, m, r: _q(d, "partner_opportunities", 5, 6),
         "opps_q11_12": lambda d, m, r: _q(d, "partner_opportunities", 11, 12),
         "opps_lift_q5_6": lambda d, m, r: _q(d, "partner_opportunities", 5, 6)
            / max(1.0, _q(r, "partner_opportunities", 5, 6)) - 1.0,
         "opps_lift_q11_12": lambda d, m, r: _q(d, "partner_opportunities", 11, 12)
            / max(1.0, _q(r, "partner_opportunities", 11, 12)) - 1.0,
         "revenue_per_spend": lambda d, m, r: (_q(d, "revenue_partner", 5, 12) - _q(r, "revenue_partner", 5, 12))
            / max(1.0, _q(d, "incentive_spend", 5, 12))},
        reference=Arm(_good(incentive="none", incentive_budget=0.0)),
    ),
    "SF5": Fact(
        "Transfer-portal staffing on team low-leverage comp vs professional hiring on "
        "individual high-leverage comp: lower partner satisfaction and revenue.",
        Arm(_good(partner_team_hiring="professional", partner_team_comp="individual_high_leverage")),
        Arm(_good(partner_team_hiring="transfer_portal", partner_team_comp="team_low_leverage")), 12,
        {"satisfaction_q12": lambda d, m: float(d.partner_satisfaction_mean.iloc[-1]),
         "revenue_partner": lambda d, m: _q(d, "revenue_partner", 1, 12)},
    ),
    "SF6": Fact(
        "J-curve under good policies; a two-to-three-quarter patience cuts programs that "
        "would have paid back.",
        Arm(_good(executive_patience=0)), Arm(_good(executive_patience=3)), 12,
        {"net_q1_2": lambda d, m: _q(d, "partner_net_contribution", 1, 2),
         "net_q11_12": lambda d, m: _q(d, "partner_net_contribution", 11, 12),
         "cut": lambda d, m: float(d.program_cut.iloc[-1])},
    ),
    "SF7": Fact(
        "A 3-partner pilot has a far wider spread of outcomes across seeds than a 25-partner program.",
        Arm(_good(initial_partners=25, recruits_per_quarter=0)),
        Arm(_good(initial_partners=3, recruits_per_quarter=0)), 8,
        {"revenue_per_partner": lambda d, m: _q(d, "revenue_partner", 1, 8)
            / max(1, int((m.partners.signed_week >= 0).sum()))},
        scaled=False,
    ),
    "SF8": Fact(
        "Biggest-first recruiting vs fit-screened: later first deal, less revenue per "
        "partner-manager hour.",
        Arm(_good(recruiting_focus="fit_screened")), Arm(_good(recruiting_focus="biggest_first")), 12,
        {"weeks_to_first_deal": lambda d, m: _first_deal_weeks(m),
         "revenue_per_manager_hour": lambda d, m: _q(d, "revenue_partner", 1, 12)
            / max(1.0, float(d.partner_team_size.sum()) * 13 * 40)},
    ),
    "SF9": Fact(
        "Push management (from Q4) vs support: short-term activity up, satisfaction down, churn up.",
        Arm(_good(management_style="support")),
        Arm(_good(management_style="support"), 4, {"management_style": "push"}), 12,
        {"opps_q5": lambda d, m: _q(d, "partner_opportunities", 5, 5),
         "satisfaction_q12": lambda d, m: float(d.partner_satisfaction_mean.iloc[-1]),
         "churned_q5_12": lambda d, m: _q(d, "partners_churned", 5, 12)},
    ),
    "SF10": Fact(
        "Partner forecast error well above direct; smaller with rhythm-aware forecasting.",
        Arm(_good(forecast_method="partner_commit")), Arm(_good(forecast_method="rhythm_aware")), 12,
        {"abs_error_partner": lambda d, m: float(d.forecast_error_partner.iloc[4:].abs().mean()),
         "abs_error_direct": lambda d, m: float(d.forecast_error_direct.iloc[4:].abs().mean()),
         "bias_partner": lambda d, m: float(d.forecast_error_partner.iloc[4:].mean())},
    ),
    "SF11": Fact(
        "Direct takeover of partner accounts: direct revenue up in the short run, total revenue "
        "down over three years.",
        Arm(_good(direct_takeover=False)), Arm(_good(direct_takeover=True)), 12,
        {"revenue_direct_q4_7": lambda d, m: _q(d, "revenue_direct", 4, 7),
         "revenue_total": lambda d, m: _q(d, "revenue_total", 1, 12)},
    ),
}


# SF12's partner pools: world settings (the reseller share of the pool, `sim.world`).
POOLS: dict[str, dict[str, Any]] = {"default": {},
                                    "reseller_heavy": {"reseller_share": 0.7},
                                    "services_heavy": {"reseller_share": 0.1}}
MARGINS: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5)


def margin_curve(pool: str, margins: Iterable[float] = MARGINS, seeds: Iterable[int] = range(12),
                 world_scale: float = 1.0, quarters: int = 12, workers: int = 1) -> pd.DataFrame:
    """SF12: the vendor's net partner revenue and the partners' gross sales against partner
    margin, good policies otherwise (the `best_practice` scenario), on the same worlds (paired
    seeds) for every margin. Runs through the lever atlas's runner (`sim.atlas.run_arms`).

    Args:
        pool: A key of POOLS (a reseller-heavy or a services-heavy partner pool).
        margins: Partner margins to run.
        seeds: Paired seeds 0..n-1 (only their count is used).
        world_scale: World size (the program grows with it, as in every fact).
        quarters: Quarters per run.
        workers: Processes (1: in this process).

    Returns:
        One row per (margin, seed): vendor_net, partner_gross.
    """
    from sim.atlas import arm, run_arms  # the atlas imports this module

    margins = [float(m) for m in margins]
    n = len(list(seeds))
    arms = {m: ("best_practice", arm("best_practice", partner_margin=m)) for m in margins}
    runs = run_arms(arms.values(), n, quarters, world_scale, workers, world=POOLS[pool])
    rows = [{"pool": pool, "margin": m, "seed": s, "vendor_net": net, "partner_gross": net / (1 - m)}
            for m, a in arms.items() for s, net in runs[a]["partner_revenue"].items()]
    return pd.DataFrame(rows)


def best_margin(curve: pd.DataFrame) -> float:
    """The margin at which the mean vendor net peaks: the vertex of the parabola through the
    best grid point and its neighbours (the grid point itself at an end of the grid)."""
    mean = curve.groupby("margin").vendor_net.mean()
    x, y = mean.index.to_numpy(), mean.to_numpy()
    k = int(np.argmax(y))
    if k == 0 or k == len(x) - 1:
        return float(x[k])
    a, b, _ = np.polyfit(x[k - 1:k + 2], y[k - 1:k + 2], 2)
    return float(-b / (2 * a)) if a < 0 else float(x[k])


def run_fact(fact_id: str, seeds: Iterable[int] = range(20), world_scale: float = 1.0) -> FactResult:
    """Run both arms of a stylized fact on the same seeds.

    Args:
        fact_id: A key of FACTS.
        seeds: Paired seeds (each seed is one world, run once per arm).
        world_scale: World size.

    Returns:
        FactResult with a row per seed.
    """
    return run_facts([fact_id], seeds, world_scale)[fact_id]


def _arm_key(arm: Arm, fact: Fact) -> tuple:
    """What makes two arms the same run: their levers, their switch and the fact's length."""
    return (tuple(sorted(arm.levers.items())), arm.switch_at, tuple(sorted(arm.switch.items())),
            fact.quarters, fact.scaled)


def run_facts(fact_ids: Iterable[str], seeds: Iterable[int] = range(20),
              world_scale: float = 1.0) -> dict[str, FactResult]:
    """Run several stylized facts on the same seeds, playing each distinct arm once per seed.

    Most facts compare the good policy with one lever changed, so their "a" arms are the
    same 12-quarter run; a seed's runs are kept only while that seed is measured.

    Args:
        fact_ids: Keys of FACTS.
        seeds: Paired seeds (each seed is one world, run once per distinct arm).
        world_scale: World size.

    Returns:
        A FactResult per fact, with a row per seed.
    """
    facts = {f: FACTS[f] for f in fact_ids}
    rows: dict[str, list[dict[str, float]]] = {f: [] for f in facts}
    for seed in seeds:
        played: dict[tuple, tuple[pd.DataFrame, PartnerProgramModel]] = {}     # this seed's runs, by arm
        for fid, fact in facts.items():
            row: dict[str, float] = {"seed": seed}
            for arm in (fact.reference, fact.a, fact.b):
                if arm is not None and _arm_key(arm, fact) not in played:
                    played[_arm_key(arm, fact)] = run_arm(arm, seed, fact.quarters, world_scale, fact.scaled)
            ref = played[_arm_key(fact.reference, fact)][0] if fact.reference is not None else None
            for name, arm in (("a", fact.a), ("b", fact.b)):
                df, model = played[_arm_key(arm, fact)]
                for mname, fn in fact.measures.items():
                    row[f"{mname}_{name}"] = fn(df, model, ref) if fact.reference is not None else fn(df, model)
            rows[fid].append(row)
    return {fid: FactResult(fid, fact.claim, pd.DataFrame(rows[fid])) for fid, fact in facts.items()}
