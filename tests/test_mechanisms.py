"""Each mechanism, called directly on a small state, moves the way its claim says.

One model is built and run for four quarters at import; every test works on a throwaway
`scratch` view of it (its own partner, market and ledger state, the levers under test, and
BASE's keyed random streams, which keep no state), calls one mechanism function and asserts a strict direction. No
test runs the model, so each takes a few milliseconds.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import numpy as np
import pytest

from sim import params as P
from sim.agents import AT_RISK, PRODUCTIVE, enrolled_mask
from sim.events import ScheduledEvent
from sim.mechanisms import (
    collaboration,
    conflict,
    coselling,
    enablement,
    executive,
    forecast,
    incentives,
    management,
    partner_team,
    recruiting,
    sales,
    satisfaction,
    shocks,
)
from sim.metrics import compute_quarter_metrics
from sim.model import PartnerProgramModel
from sim.state import DIRECT, NO_OWNER, Pipeline

BASE = PartnerProgramModel(seed=0)
BASE.run_quarters(4)
HOME, NEW = 0, BASE.market.n_regions - 1   # a home region and a new market


def scratch(**levers) -> PartnerProgramModel:
    """A throwaway view of BASE with `levers` in force; BASE itself is never changed."""
    m = copy.copy(BASE)
    m.partners = copy.deepcopy(BASE.partners)
    m.market = copy.deepcopy(BASE.market)
    m.event_log = list(BASE.event_log)
    m.net_history = list(BASE.net_history)
    m.managers = list(BASE.managers)
    m.acc = copy.deepcopy(BASE.acc)
    m.policy = m.effective = BASE.policy.replace(**levers)
    return m


def enrolled(m: PartnerProgramModel) -> np.ndarray:
    return np.nonzero(enrolled_mask(m.partners.stage))[0]


def first(m: PartnerProgramModel, mask: np.ndarray) -> int:
    return int(np.nonzero(mask)[0][0])


# --- conflict (C1, C2) ------------------------------------------------------------------
@pytest.mark.parametrize("registration", [False, True])
def test_c2_neutral_comp_lowers_conflict_probability(registration: bool) -> None:
    i = int(enrolled(BASE)[0])
    def prob(comp: str) -> float:
        return conflict.conflict_probability(scratch(direct_comp=comp, deal_registration=registration), i, 0)

    competing, neutral = prob("competing"), prob("neutral")
    assert neutral < competing


def test_c2_deal_registration_lowers_conflict_probability() -> None:
    i = int(enrolled(BASE)[0])
    without = conflict.conflict_probability(scratch(deal_registration=False), i, 1)
    with_reg = conflict.conflict_probability(scratch(deal_registration=True), i, 1)
    assert with_reg < without


def test_c1_direct_takeover_raises_conflict_probability() -> None:
    """Reps override registrations once management takes accounts direct (CT8)."""
    i = int(enrolled(BASE)[0])
    honoured = conflict.conflict_probability(scratch(deal_registration=True, direct_takeover=False), i, 1)
    overridden = conflict.conflict_probability(scratch(deal_registration=True, direct_takeover=True), i, 1)
    assert overridden > honoured


def test_c1_takeovers_heard_cost_every_partner_trust() -> None:
    quiet, loud = scratch(), scratch()
    victim = int(enrolled(loud)[0])
    loud.partners.takeovers_q[victim] = 2
    for m in (quiet, loud):
        conflict.hear_of_takeovers(m)
        satisfaction.update_satisfaction(m)
    bystanders = enrolled(loud)[1:]
    assert loud.takeovers_heard > quiet.takeovers_heard == 0.0
    assert (loud.partners.s_soc[bystanders] < quiet.partners.s_soc[bystanders]).all()
    assert loud.partners.s_soc[victim] < quiet.partners.s_soc[victim]


# --- co-selling (C2) --------------------------------------------------------------------
def test_c2_neutral_comp_brings_cosellers_at_a_commission() -> None:
    neutral, competing = scratch(direct_comp="neutral"), scratch(direct_comp="competing")
    coselling.refresh_cosell_pairs(neutral)
    coselling.refresh_cosell_pairs(competing)
    assert coselling.cosell_candidates(neutral) and not coselling.cosell_candidates(competing)
    assert coselling.neutral_comp_commission(neutral, 10_000.0, HOME) > 0.0
    assert coselling.neutral_comp_commission(neutral, 10_000.0, NEW) == 0.0
    assert coselling.neutral_comp_commission(competing, 10_000.0, HOME) == 0.0


# --- sales (C4, C5) ---------------------------------------------------------------------
def test_c4_new_markets_have_thinner_demand_and_lower_win_rates() -> None:
    m = scratch()
    demand = sales.region_demand(m)
    assert demand[NEW] < demand[HOME]
    i = np.array([int(enrolled(m)[0])] * 2)
    home, new = sales.partner_win_probability(m, i, np.array([1, 1]), np.array([HOME, NEW]))
    assert new < home


def test_c5_playbook_raises_partner_win_probability() -> None:
    i, seg, reg = np.array([int(enrolled(BASE)[0])]), np.array([1]), np.array([HOME])
    none = sales.partner_win_probability(scratch(sales_playbook=0.0), i, seg, reg)[0]
    full = sales.partner_win_probability(scratch(sales_playbook=1.0), i, seg, reg)[0]
    assert full > none


def test_c4_references_build_awareness_in_new_markets() -> None:
    m = scratch()
    before = m.market.awareness[NEW]
    m.market.references[NEW] += P.REFERENCES_FOR_AWARENESS / 2
    sales.build_awareness(m)
    assert m.market.awareness[NEW] > before
    assert m.market.awareness[HOME] == 1.0


# --- enablement (C3, C5, C13) -----------------------------------------------------------
def _onboard(m: PartnerProgramModel, quarters: int) -> np.ndarray:
    """Onboard the enrolled partners from scratch for `quarters`; their capability after."""
    p, idx = m.partners, enrolled(m)
    p.quarters_enrolled[idx] = 0
    p.content_delivered[idx] = p.content_backlog[idx] = p.overload[idx] = 0.0
    p.capability[idx] = 0.15
    for _ in range(quarters):
        enablement.deliver_onboarding_content(m)
        enablement.absorb_enablement(m, np.ones(p.n))
        p.quarters_enrolled[idx] += 1
    return p.capability[idx]


def test_c5_c13_deeper_enablement_builds_more_capability() -> None:
    thin = _onboard(scratch(enablement=0.2), 1)
    deep = _onboard(scratch(enablement=0.8), 1)
    assert deep.mean() > thin.mean()


def test_c5_playbook_makes_learning_usable() -> None:
    without = _onboard(scratch(sales_playbook=0.0), 2)
    with_playbook = _onboard(scratch(sales_playbook=1.0), 2)
    assert with_playbook.mean() > without.mean()


def test_c13_paced_onboarding_beats_front_loaded() -> None:
    paced = scratch(enablement=1.0, onboarding_pace="paced")
    dumped = scratch(enablement=1.0, onboarding_pace="front_loaded")
    assert _onboard(paced, 4).mean() > _onboard(dumped, 4).mean()
    # the overload of a front-loaded first quarter is what costs the learning (and goodwill)
    _onboard(paced, 1)
    _onboard(dumped, 1)
    idx = enrolled(paced)
    assert dumped.partners.overload[idx].mean() > paced.partners.overload[idx].mean()


def test_c3_a_starved_budget_cannot_support_partners() -> None:
    m = scratch()
    m.program_budget = 1_000.0
    starved = enablement.support_level(m)
    m.program_budget = 1_000_000.0
    funded = enablement.support_level(m)
    assert starved < funded
    assert enablement.marketing_boost(m) > 1.0


# --- management (C16) -------------------------------------------------------------------
def test_c16_push_buys_a_burst_of_effort_that_fatigues() -> None:
    pushed, supported = scratch(management_style="push"), scratch(management_style="support")
    idx = enrolled(pushed)
    pushed.partners.push_quarters[:] = 0
    fresh = management.partner_effort_multiplier(pushed)[idx]
    pushed.partners.push_quarters[:] = 4
    tired = management.partner_effort_multiplier(pushed)[idx]
    calm = management.partner_effort_multiplier(supported)[idx]
    assert (fresh > tired).all() and (tired > calm).all()


def test_c16_push_adds_exit_hazard() -> None:
    m = scratch(management_style="push")
    idx = enrolled(m)
    m.partners.push_quarters[:] = 0
    before = satisfaction.partner_churn_hazard(m)[idx]
    m.partners.push_quarters[idx] = 3
    after = satisfaction.partner_churn_hazard(m)[idx]
    assert (after > before).all()


def test_c16_push_quarters_count_only_under_push() -> None:
    pushed, supported = scratch(management_style="push"), scratch(management_style="support")
    for m in (pushed, supported):
        management.count_push_quarters(m, enrolled_mask(m.partners.stage))
    idx = enrolled(pushed)
    assert (pushed.partners.push_quarters[idx] > 0).all() and (supported.partners.push_quarters == 0).all()


# --- incentives (C17) -------------------------------------------------------------------
def test_c17_bounty_spikes_then_decays_while_aligned_lasts() -> None:
    m = scratch(incentive="referral_bounty", incentive_budget=60_000.0)
    idx = enrolled(m)
    incentives.refresh_incentives(m, "none")
    spike = incentives.incentive_effort_multiplier(m)[idx].mean()
    incentives.refresh_incentives(m, "referral_bounty")
    incentives.refresh_incentives(m, "referral_bounty")
    later = incentives.incentive_effort_multiplier(m)[idx].mean()
    assert spike > later > 1.0
    aligned = scratch(incentive="aligned", incentive_budget=60_000.0)
    incentives.refresh_incentives(aligned, "none")
    start = incentives.incentive_effort_multiplier(aligned)[idx].mean()
    incentives.refresh_incentives(aligned, "aligned")
    assert incentives.incentive_effort_multiplier(aligned)[idx].mean() == start > 1.0


def test_c17_bounty_is_owed_only_while_it_runs() -> None:
    assert incentives.bounty_owed(scratch(incentive="referral_bounty", incentive_budget=50_000.0), 10_000.0) > 0.0
    assert incentives.bounty_owed(scratch(incentive="aligned", incentive_budget=50_000.0), 10_000.0) == 0.0
    # a bounty with no money behind it pays nothing, so no partner claims it
    assert incentives.bounty_owed(scratch(incentive="referral_bounty"), 10_000.0) == 0.0


# --- satisfaction and churn (C6, C12; calibration rows D1, D2, F3) -----------------------
def test_churn_hazard_falls_with_satisfaction() -> None:
    m = scratch()
    idx = enrolled(m)
    m.partners.s_econ[idx] = m.partners.s_soc[idx] = 0.3
    unhappy = satisfaction.partner_churn_hazard(m)[idx]
    m.partners.s_econ[idx] = m.partners.s_soc[idx] = 0.7
    content = satisfaction.partner_churn_hazard(m)[idx]
    assert (content < unhappy).all()


def test_f3_deals_lost_to_direct_raise_churn_hazard() -> None:
    m = scratch()
    idx = enrolled(m)
    m.partners.deals_lost_to_direct[idx] = 0.0
    calm = satisfaction.partner_churn_hazard(m)[idx]
    m.partners.deals_lost_to_direct[idx] = 2.0
    assert (satisfaction.partner_churn_hazard(m)[idx] > calm).all()


def test_c12_support_beats_push_for_social_satisfaction() -> None:
    supported, pushed = scratch(management_style="support"), scratch(management_style="push")
    for m in (supported, pushed):
        satisfaction.update_satisfaction(m)
    idx = enrolled(supported)
    assert (supported.partners.s_soc[idx] > pushed.partners.s_soc[idx]).all()


def test_c6_mindshare_follows_satisfaction() -> None:
    happy, unhappy = scratch(), scratch()
    idx = enrolled(happy)
    happy.partners.s_econ[idx] = happy.partners.s_soc[idx] = 0.8
    unhappy.partners.s_econ[idx] = unhappy.partners.s_soc[idx] = 0.2
    for m in (happy, unhappy):
        satisfaction.partner_mindshare(m)
    assert (happy.partners.mindshare[idx] > unhappy.partners.mindshare[idx]).all()


def test_partner_satisfaction_is_one_formula() -> None:
    p = BASE.partners
    i = int(enrolled(BASE)[0])
    everyone = satisfaction.partner_satisfaction(p)
    assert satisfaction.partner_satisfaction(p, i) == everyone[i] == BASE.partner_agents[i].satisfaction
    w = P.SATISFACTION_ECON_WEIGHT
    assert everyone[i] == w * p.s_econ[i] + (1 - w) * p.s_soc[i]


def test_risk_reasons_are_real_and_empty_for_a_content_partner() -> None:
    m = scratch()
    p = m.partners
    i = first(m, p.stage == PRODUCTIVE)
    p.s_econ[i] = p.s_soc[i] = 0.8
    p.deals_lost_to_direct[i] = p.takeovers_recent[i] = 0.0
    p.push_quarters[i] = p.quarters_since_deal[i] = 0
    assert satisfaction.risk_reasons(m, i) == []
    assert satisfaction.churn_reasons(m, i)   # a leaving partner still names a reason
    p.deals_lost_to_direct[i] = 3.0
    reasons = satisfaction.risk_reasons(m, i)
    assert reasons and "lost to direct reps" in reasons[0]
    p.deals_lost_to_direct[i] = 0.0
    p.s_econ[i] = p.s_soc[i] = 0.25
    p.stage[i] = AT_RISK
    assert satisfaction.risk_reasons(m, i)[0].startswith("low satisfaction (0.25)")


# --- partner team (C3, C20) -------------------------------------------------------------
def _hires(profile: str, n: int = 30) -> tuple[float, float, float]:
    """Mean skill, capacity and departure hazard of `n` hires from `profile`."""
    m = scratch(partner_team_hiring=profile)
    hires = [partner_team.hire_manager(m, seat) for seat in range(n)]
    try:
        return (float(np.mean([h.skill for h in hires])),
                float(np.mean([partner_team.manager_capacity(h) for h in hires])),
                float(np.mean([partner_team.manager_departure_hazard(m, h) for h in hires])))
    finally:
        for h in hires:
            h.remove()


def test_c20_transfer_portal_managers_have_less_skill_and_leave_more() -> None:
    pro_skill, pro_capacity, pro_hazard = _hires("professional")
    portal_skill, portal_capacity, portal_hazard = _hires("transfer_portal")
    assert portal_skill < pro_skill and portal_capacity < pro_capacity and portal_hazard > pro_hazard


def test_c20_a_departing_manager_costs_partners_their_contact() -> None:
    m = scratch()
    manager = copy.copy(m.managers[0])
    manager.portfolio = [int(i) for i in enrolled(m)[:3]]
    before = m.partners.s_soc[manager.portfolio].copy()
    partner_team.partners_lose_contact(m, manager)
    assert (m.partners.s_soc[manager.portfolio] < before).all()


# --- collaboration (C19) ----------------------------------------------------------------
def test_c19_collaboration_raises_fit_gain() -> None:
    apart, together = scratch(cross_org_collaboration=0.0), scratch(cross_org_collaboration=1.0)
    for m in (apart, together):
        m.offer_fit_gain = 0.0
        collaboration.channel_insight_to_product(m)
    assert together.offer_fit_gain > apart.offer_fit_gain


def test_c19_isvs_without_collaboration_win_one_off_deals() -> None:
    isv = first(BASE, BASE.partners.ptype == P.ISV)
    other = first(BASE, BASE.partners.ptype != P.ISV)
    apart, together = scratch(cross_org_collaboration=0.2), scratch(cross_org_collaboration=0.8)
    assert collaboration.relationship_owner(apart, isv, HOME) == DIRECT
    assert collaboration.relationship_owner(apart, isv, NEW) == NO_OWNER
    assert collaboration.relationship_owner(together, isv, HOME) == isv
    assert collaboration.relationship_owner(apart, other, HOME) == other


# --- forecasting (C15, C18) -------------------------------------------------------------
def test_c15_c18_rhythm_aware_forecast_is_more_accurate() -> None:
    """200 partner deals due next quarter: partner commits over-forecast (calibration row
    K1); knowing the partner's rhythm and track record lands closer to what will book."""
    start = BASE.steps
    i = int(enrolled(BASE)[0])
    rng = np.random.default_rng(0)
    n = 200
    weeks = start + rng.integers(0, P.WEEKS_PER_QUARTER, n)
    won = rng.random(n) < 0.3
    estimates = {}
    for method in ("partner_commit", "rhythm_aware"):
        m = scratch(forecast_method=method)
        m.pipeline = Pipeline()
        m.pipeline.add_many(weeks, channel=np.full(n, i), rep=-1, region=HOME, account=0, segment=1,
                            value=np.full(n, 40_000.0), p_win=np.full(n, 0.3), won=won, created=start - 5,
                            cosell=-1, kind=0)
        m.inquarter_runrate = (0.0, 0.0)
        estimates[method] = forecast.forecast_quarter(m, start)[1]
    rhythm = np.array([sales.partner_rhythm(BASE, w)[i] for w in weeks])
    will_book = (40_000.0 * (1 - BASE.effective.partner_margin) * won
                 * (1 - sales.slip_probability(rhythm, BASE.partners.capability[i]))).sum()
    assert estimates["partner_commit"] > will_book
    assert abs(estimates["rhythm_aware"] - will_book) < abs(estimates["partner_commit"] - will_book)


# --- the board (C9) ---------------------------------------------------------------------
def _board(patience: int, net: float) -> bool:
    m = scratch(executive_patience=patience)
    m.quarter = 4
    m.net_history = [net] * 4
    executive.board_review(m)
    return m.program_cut


def test_c9_board_cuts_an_impatient_program_that_does_not_pay_back() -> None:
    assert _board(patience=2, net=-100_000.0)
    assert not _board(patience=8, net=-100_000.0)   # a patient board waits out the J-curve
    assert not _board(patience=2, net=100_000.0)    # a program that pays back stays


def test_c9_a_cut_program_leaves_partners_unsupported() -> None:
    m = scratch()
    idx = enrolled(m)
    before = m.partners.s_soc[idx].copy()
    executive.cut_program(m, -1.0)
    assert m.program_cut and (m.partners.s_soc[idx] < before).all()


# --- recruiting (C1, C10, C11) ----------------------------------------------------------
def _recruited(focus: str, field: str) -> float:
    m = scratch(recruiting_focus=focus)
    order = recruiting.recruiting_order(m)[:10]
    values = m.effective_fit() if field == "fit" else m.partners.size
    return float(values[order].mean())


def test_c10_c11_fit_screened_recruiting_finds_better_fit_than_opportunistic() -> None:
    assert _recruited("fit_screened", "fit") > _recruited("opportunistic", "fit")
    assert _recruited("biggest_first", "size") > _recruited("fit_screened", "size")


def test_c1_a_bad_reputation_lowers_the_sign_probability() -> None:
    m = scratch()
    i = first(m, (m.partners.stage == 0) & (m.partners.ptype != P.GSI))
    good = recruiting.sign_probability(m, i)
    m.reputation = 0.2
    assert recruiting.sign_probability(m, i) < good


# --- shocks ---------------------------------------------------------------------------
def test_a_demand_shock_lowers_demand_and_wears_off() -> None:
    m = scratch()
    normal = sales.region_demand(m)[HOME]
    shocks.apply_shock(m, ScheduledEvent(5, "shock", "Recession", shock="demand", size=0.5, duration=2))
    assert sales.region_demand(m)[HOME] < normal
    shocks.demand_shock_wears_off(m)
    shocks.demand_shock_wears_off(m)
    assert sales.region_demand(m)[HOME] == normal


def test_a_competitor_poach_cuts_mindshare() -> None:
    m = scratch()
    idx = enrolled(m)
    before = m.partners.mindshare[idx].copy()
    shocks.apply_shock(m, ScheduledEvent(5, "shock", "Poach", shock="competitor_poach", size=0.3))
    assert (m.partners.mindshare[idx] < before).all() and m.poach > 0
    shocks.poaching_fades(m)
    assert m.poach < 0.3


# --- structure ------------------------------------------------------------------------
def test_quarter_metrics_have_no_side_effects() -> None:
    m = scratch()
    history, cumulative = list(m.net_history), m.cumulative_net
    a, b = compute_quarter_metrics(m), compute_quarter_metrics(m)
    assert a == b and m.net_history == history and m.cumulative_net == cumulative
    assert a["cumulative_net_contribution"] == pytest.approx(cumulative + a["partner_net_contribution"])


@pytest.mark.parametrize("module", ["agents.py", "state.py", "params.py"])
def test_lower_layers_never_import_mechanisms(module: str) -> None:
    tree = ast.parse((Path(__file__).parent.parent / "sim" / module).read_text())
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [name for name in imported if name.startswith("sim.mechanisms")]
