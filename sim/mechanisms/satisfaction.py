"""Partner satisfaction, mindshare and churn (C6, C12, C16; Geyskens et al. 1999).

Satisfaction has an economic side (margin, income, incentives) and a social side
(support, fairness, conflict, pressure). Mindshare, the effort the firm gives the
vendor among the other vendors on its line card, follows satisfaction and fit; it
drops at once after conflict and recovers slowly. Exit is a hazard that rises as
satisfaction falls, plus the prune of vendors that earn the partner nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim import randomness as rnd
from sim.agents import (
    ACTIVE,
    AT_RISK,
    CHURNED,
    ONBOARDING,
    PRODUCTIVE,
    enrolled_mask,
)
from sim.mechanisms.economics import economic_pull, margin_too_thin, profit_gap
from sim.mechanisms.incentives import incentive_satisfaction
from sim.mechanisms.sales import release_accounts
from sim.state import PartnerArrays

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def partner_satisfaction(partners: PartnerArrays, idx: int | np.ndarray | None = None) -> np.ndarray | float:
    """Overall satisfaction S of partners: economic and social satisfaction, weighed equally.

    The two sides have different causes (calibration row M3), but it is S that sets a
    partner's effort and its exit hazard. This is the one place S is computed.

    Args:
        partners: The partner arrays (`model.partners`).
        idx: None for every partner (an array), one row (a float) or an array of rows.
    """
    w = P.SATISFACTION_ECON_WEIGHT
    if idx is None:
        return w * partners.s_econ + (1.0 - w) * partners.s_soc
    s = w * partners.s_econ[idx] + (1.0 - w) * partners.s_soc[idx]
    return float(s) if np.ndim(s) == 0 else s


def satisfaction(model: PartnerProgramModel) -> np.ndarray:
    """Overall satisfaction of every partner in `model` (see `partner_satisfaction`)."""
    return partner_satisfaction(model.partners)


def update_satisfaction(model: PartnerProgramModel) -> None:
    """End-of-quarter update of economic and social satisfaction for enrolled partners.

    The take against the partner's alternatives (`economics.profit_gap`) and income drive
    the economic side; support, attention, management style, plans
    and reputation the social side, which takeovers and overload hit directly (C1, C12-C14).
    """
    pol = model.effective
    p = model.partners
    enrolled = enrolled_mask(p.stage)
    econ_signal = (
        P.ECON_BASE + P.ECON_PROFIT_WEIGHT * np.tanh(profit_gap(model) / P.PROFIT_GAP_SCALE)
        + P.ECON_INCOME_WEIGHT * np.tanh(p.income_q / P.INCOME_REF)
        + incentive_satisfaction(model)
    )
    # partners still onboarding judge the economics on promise, not yet on income
    econ_signal = np.where(p.quarters_enrolled < P.PROMISE_QUARTERS, np.maximum(econ_signal, P.PROMISE_ECON),
                           econ_signal)
    econ_signal = np.clip(econ_signal, 0.0, 1.0)
    skill = model.manager_effectiveness()
    soc_signal = P.SOC_BASE + P.SOC_ATTENTION * p.attention * skill + P.SOC_SUPPORT * model.support
    style = P.SUPPORT_STYLE_SOC if pol.management_style == "support" else -P.PUSH_STYLE_SOC_HIT
    soc_signal = soc_signal + style
    if pol.partner_plan == "joint_activity":
        soc_signal = soc_signal + P.JOINT_PLAN_SOC
    else:
        behind = p.revenue_q < P.BEHIND_SHARE * np.maximum(p.revenue_prev_q, P.REVENUE_TARGET_FLOOR)
        soc_signal = soc_signal - np.where(behind & (p.quarters_enrolled >= 1), P.REVENUE_TARGET_SOC_HIT, 0.0)
    soc_signal = soc_signal + P.SOC_REPUTATION * (model.reputation - P.REPUTATION_START)
    soc_signal = np.clip(soc_signal, 0.0, 1.0)
    s_econ = p.s_econ + P.ECON_SMOOTHING * (econ_signal - p.s_econ)
    s_soc = (
        p.s_soc + P.SOC_SMOOTHING * (soc_signal - p.s_soc)
        - P.TAKEOVER_SOC_HIT * p.takeovers_q
        - P.TAKEOVERS_HEARD_SOC_HIT * model.takeovers_heard
        - P.OVERLOAD_SOC_HIT * np.minimum(p.overload, P.OVERLOAD_MAX)
    )
    p.s_econ = np.where(enrolled, np.clip(s_econ, 0, 1), p.s_econ)
    p.s_soc = np.where(enrolled, np.clip(s_soc, 0, 1), p.s_soc)


def partner_mindshare(model: PartnerProgramModel) -> None:
    """Move each partner's effort toward what fit, satisfaction and economics justify.

    The target is the effort the offer's fit justifies, times a logistic in satisfaction,
    times the economic pull of the vendor's take against the partner's other vendors
    (`economics.economic_pull`; calibration mechanism note 8). Effort falls fast and
    recovers slowly (hysteresis: loyalty moves at a glacial pace).
    """
    p = model.partners
    enrolled = enrolled_mask(p.stage)
    s = satisfaction(model)
    target = ((P.MINDSHARE_FLOOR + (1 - P.MINDSHARE_FLOOR) * model.effective_fit())
              / (1.0 + np.exp(-P.MINDSHARE_STEEPNESS * (s - P.MINDSHARE_MIDPOINT))))
    target = target * economic_pull(model) * (1.0 - model.poach)
    rate = np.where(target > p.mindshare, P.MINDSHARE_UP, P.MINDSHARE_DOWN)
    new = p.mindshare + rate * (target - p.mindshare)
    p.mindshare = np.where(enrolled, np.clip(new, 0.0, 1.0), p.mindshare)


def satisfaction_hazard(s: np.ndarray | float) -> np.ndarray | float:
    """Quarterly exit hazard from satisfaction alone: c0 * exp(-lambda * S) (calibration rows D1, F3)."""
    return P.CHURN_C0 * np.exp(-P.CHURN_LAMBDA * s)


def churn_hazard_terms(model: PartnerProgramModel) -> dict[str, np.ndarray]:
    """Each partner's quarterly exit hazard, term by term, before the cap.

    "satisfaction": c0 * exp(-lambda * S); "idle": the zero-profit prune (calibration row D2);
    "conflict": deals recently lost to direct reps; "takeover": customers recently taken
    direct (calibration row F3); "push": quarters of being pushed (calibration row M2; C16).
    """
    p = model.partners
    idle = (p.quarters_since_deal >= P.ZERO_PROFIT_QUARTERS) & (p.quarters_enrolled >= P.ZERO_PROFIT_QUARTERS)
    return {
        "satisfaction": satisfaction_hazard(satisfaction(model)),
        "idle": np.where(idle, P.ZERO_PROFIT_HAZARD, 0.0),
        "conflict": P.CONFLICT_EXIT * p.deals_lost_to_direct,
        "takeover": P.TAKEOVER_EXIT * p.takeovers_recent,
        "push": P.PUSH_EXIT * np.minimum(p.push_quarters, P.PUSH_EXIT_QUARTERS),
    }


def partner_churn_hazard(model: PartnerProgramModel) -> np.ndarray:
    """Quarterly probability each enrolled partner leaves the program.

    c0 * exp(-lambda * S) gives ~10% a year for a content partner and ~25% for an
    embattled one (D1, F3); partners that have earned nothing for over a year also prune
    the vendor (D2; Taylor's zero-profit exit rule).
    """
    p = model.partners
    t = churn_hazard_terms(model)
    h = t["satisfaction"]
    h = h + t["idle"]
    h = h + t["conflict"] + t["takeover"]
    h = h + t["push"]
    return np.where(enrolled_mask(p.stage), np.clip(h, 0.0, P.CHURN_HAZARD_MAX), 0.0)


def risk_reasons(model: PartnerProgramModel, i: int) -> list[str]:
    """Why partner `i` is at risk of leaving, most important first; empty when it is not.

    A partner is at risk when the life cycle flags it, or when its exit hazard reaches
    `RISK_HAZARD_MULT` times a content partner's. The reasons are the terms of its hazard
    (`churn_hazard_terms`) that raise it, ranked by how much each adds: deals lost to direct
    reps, customers taken direct, a year without a deal, being pushed, and satisfaction once
    it is lukewarm or worse (named by what drags it down). Read-only: it changes nothing
    and draws no random number, so a snapshot for the game can call it.
    """
    p = model.partners
    if not enrolled_mask(p.stage[i]):
        return []
    terms = {k: float(v[i]) for k, v in churn_hazard_terms(model).items()}
    content = float(satisfaction_hazard(P.CONTENT_SATISFACTION))
    if p.stage[i] != AT_RISK and sum(terms.values()) < P.RISK_HAZARD_MULT * content:
        return []
    s = partner_satisfaction(p, i)
    # what each term adds to a content partner's hazard
    adds = dict(terms, satisfaction=terms["satisfaction"] - content if s < P.LUKEWARM_SATISFACTION else 0.0)
    ranked = sorted((k for k, v in adds.items() if v > 0.0), key=lambda k: -adds[k])
    return [_risk_words(model, i, k, s) for k in ranked]


def _risk_words(model: PartnerProgramModel, i: int, term: str, s: float) -> str:
    """One hazard term of partner `i`, in plain words."""
    p = model.partners
    if term == "satisfaction":
        return f"low satisfaction ({s:.2f}): {_unhappy_about(model, i)}"
    if term == "conflict":
        n = max(1, int(round(p.deals_lost_to_direct[i])))
        where = model.region_name(int(p.last_conflict_region[i])) if p.last_conflict_region[i] >= 0 else ""
        what = f"{_count(n)} deal{'s' if n != 1 else ''} lost to direct reps"
        return f"{what} in {where}" if where else what
    if term == "takeover":
        return "customers it opened were taken direct"
    if term == "idle":
        return f"no deal for {_quarters(int(p.quarters_since_deal[i]))}"
    return f"pushed to vendor targets for {_quarters(int(p.push_quarters[i]))}"


def _thin_words(model: PartnerProgramModel, i: int) -> str:
    """Why the vendor's economics do not pay partner `i`, in its own terms."""
    if model.partners.ptype[i] == P.RESELLER:
        return "margins too thin to be worth selling"
    return "earns less on your deals than on its other vendors'"


def _quarters(n: int) -> str:
    return f"{n} quarter{'s' if n != 1 else ''}"


def _unhappy_about(model: PartnerProgramModel, i: int) -> str:
    """What drags partner `i`'s satisfaction down: its weaker side, in the partner's words."""
    p = model.partners
    if p.s_econ[i] < p.s_soc[i]:
        if p.income_q[i] <= 0:
            return "it earns nothing from the vendor"
        if margin_too_thin(model)[i]:
            return _thin_words(model, i)
        return "it earns too little from the vendor"
    if model.program_cut:
        return "the vendor cut its partner program"
    if p.attention[i] < P.REASON_LOW_ATTENTION:
        return "hardly any support from the partner team"
    if model.effective.management_style == "push":
        return "pushed to vendor targets instead of supported"
    if p.overload[i] > P.REASON_OVERLOAD:
        return "overwhelmed by onboarding"
    if model.takeovers_heard > 0:
        return "heard the vendor takes partners' customers direct"
    return "it feels the vendor does not understand its business"


def _conflict_words(model: PartnerProgramModel, i: int) -> str:
    """Partner `i`'s recent conflicts with direct reps, in plain words."""
    p = model.partners
    where = model.region_name(int(p.last_conflict_region[i])) if p.last_conflict_region[i] >= 0 else ""
    n = int(round(p.deals_lost_to_direct[i]))
    what = (f"{_count(n)} deal{'s' if n != 1 else ''} lost to direct reps" if n > 0
            else f"{_count(int(round(p.conflicts_recent[i])))} clashes with direct reps")
    return f"{what} in {where}" if where else what


def churn_reasons(model: PartnerProgramModel, i: int) -> list[str]:
    """The reasons partner `i` gives when it leaves or is flagged at risk, for the event log.

    Most important first. Unlike `risk_reasons` it always gives a reason: a partner that
    leaves without a grievance still says why (the vendor was too small a part of its
    business, or did not understand it).
    """
    p = model.partners
    pol = model.effective
    rank = P.REASON_PRIORITY
    reasons: list[tuple[float, str]] = []
    if p.conflicts_recent[i] >= P.REASON_CONFLICTS:
        reasons.append((rank["conflict"] + p.conflicts_recent[i], _conflict_words(model, i)))
    if p.takeovers_recent[i] > 0:
        reasons.append((rank["takeover"] + p.takeovers_recent[i], "customers it opened were taken direct"))
    if p.income_q[i] <= 0 and p.quarters_since_deal[i] >= P.REASON_NO_INCOME_QUARTERS:
        quarters = int(p.quarters_since_deal[i])
        reasons.append((rank["no_income"], f"no income from the vendor for {quarters} quarters"))
    elif margin_too_thin(model)[i]:
        reasons.append((rank["thin_margin"], _thin_words(model, i)))
    if p.attention[i] < P.REASON_LOW_ATTENTION:
        reasons.append((rank["no_support"], "hardly any support from the partner team"))
    if p.overload[i] > P.REASON_OVERLOAD:
        reasons.append((rank["overload"], "overwhelmed by onboarding"))
    if pol.management_style == "push":
        reasons.append((rank["pushed"], "pushed to vendor targets instead of supported"))
    if model.takeovers_heard > 0 and p.takeovers_recent[i] == 0:
        reasons.append((rank["heard_takeovers"], "heard the vendor takes partners' customers direct"))
    if model.program_cut:
        reasons.append((rank["program_cut"], "the vendor cut its partner program"))
    if not reasons:
        if p.s_econ[i] < p.s_soc[i]:
            reasons.append((rank["fallback"], "the vendor was too small a part of its own business"))
        else:
            reasons.append((rank["fallback"], "it felt the vendor did not understand its business"))
    reasons.sort(key=lambda r: -r[0])
    return [r for _, r in reasons]


def _count(n: int) -> str:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return words[n] if 0 <= n < len(words) else str(n)


def update_lifecycle(model: PartnerProgramModel) -> None:
    """Move partners through onboarding -> active -> productive -> at risk -> churned."""
    p = model.partners
    s = satisfaction(model)
    hazard = partner_churn_hazard(model)
    # whether partner i leaves this quarter is keyed by (quarter, partner): common random numbers
    leave_u = rnd.unit(model.randomness.key("churn", model.quarter, np.arange(p.n)))
    # decay memories of conflict and takeovers (a year's half-life)
    p.conflicts_recent = p.conflicts_recent * P.MEMORY_DECAY + p.conflicts_q
    p.takeovers_recent = p.takeovers_recent * P.MEMORY_DECAY + p.takeovers_q
    p.deals_lost_to_direct = p.deals_lost_to_direct * P.MEMORY_DECAY
    idx = np.flatnonzero(enrolled_mask(p.stage))
    # each partner's own numbers, read once (a partner's move changes no other partner's)
    for i, u, h, st, capability, s_i, since_deal, first_week in zip(
            idx.tolist(), leave_u[idx].tolist(), hazard[idx].tolist(), p.stage[idx].tolist(),
            p.capability[idx].tolist(), s[idx].tolist(), p.quarters_since_deal[idx].tolist(),
            p.first_deal_week[idx].tolist(), strict=True):
        if u < h:
            churn_partner(model, i)
            continue
        if st == ONBOARDING and capability >= P.CAPABILITY_ACTIVE:
            st = ACTIVE
        if st in (ACTIVE, PRODUCTIVE, AT_RISK):
            idle = since_deal >= P.PRODUCTIVE_QUARTERS and first_week >= 0
            if s_i < P.AT_RISK_SATISFACTION or (idle and s_i < P.LUKEWARM_SATISFACTION):
                if st != AT_RISK:
                    reasons = churn_reasons(model, i)
                    model.log(
                        "partner_at_risk", (model.partner_agents[i].unique_id,),
                        f"{model.partner_agents[i].name} is at risk: "
                        + (reasons[0] if reasons else "low satisfaction"),
                        data={"partner": i, "reasons": reasons},
                    )
                st = AT_RISK
            elif since_deal < P.PRODUCTIVE_QUARTERS and first_week >= 0:
                st = PRODUCTIVE
            else:
                st = ACTIVE
        p.stage[i] = st


def churn_partner(model: PartnerProgramModel, i: int) -> None:
    """Partner `i` leaves; its reasons go into the event log."""
    p = model.partners
    reasons = churn_reasons(model, i)
    p.stage[i] = CHURNED
    p.mindshare[i] = 0.0
    p.attention[i] = 0.0
    model.partners_churned_q += 1
    if p.conflicts_recent[i] >= 1 or p.takeovers_recent[i] > 0:
        model.reputation = max(0.0, model.reputation - P.CHURN_REPUTATION_HIT)
    release_accounts(model, i)
    name = model.partner_agents[i].name
    model.log(
        "partner_churned", (model.partner_agents[i].unique_id,),
        f"{name} left the program: " + ("; ".join(reasons[:2]) if reasons else "it drifted away"),
        data={"partner": i, "reasons": reasons},
    )
