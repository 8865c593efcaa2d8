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
from sim.agents import (
    ACTIVE,
    AT_RISK,
    CHURNED,
    ONBOARDING,
    PRODUCTIVE,
    enrolled_mask,
)

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def satisfaction(model: PartnerProgramModel) -> np.ndarray:
    """Overall satisfaction per partner: the mean of economic and social."""
    p = model.partners
    return 0.5 * p.s_econ + 0.5 * p.s_soc


def update_satisfaction(model: PartnerProgramModel) -> None:
    """End-of-quarter update of economic and social satisfaction for enrolled partners."""
    pol = model.effective
    p = model.partners
    enrolled = enrolled_mask(p.stage)
    from sim.mechanisms.incentives import incentive_satisfaction

    econ_signal = (
        0.22 + 1.2 * (pol.partner_margin - 0.15)
        + 0.5 * np.tanh(p.income_q / P.INCOME_REF)
        + incentive_satisfaction(model)
    )
    # partners still onboarding judge the economics on promise, not yet on income
    econ_signal = np.where(p.quarters_enrolled < 2, np.maximum(econ_signal, 0.45), econ_signal)
    econ_signal = np.clip(econ_signal, 0.0, 1.0)
    skill = model.manager_skill_per_partner()
    soc_signal = 0.25 + 0.4 * p.attention * skill + 0.2 * model.support
    soc_signal = soc_signal + (0.08 if pol.management_style == "support" else -0.12)
    if pol.partner_plan == "joint_activity":
        soc_signal = soc_signal + 0.04
    else:
        behind = p.revenue_q < 0.5 * np.maximum(p.revenue_prev_q, 20_000.0)
        soc_signal = soc_signal - np.where(behind & (p.quarters_enrolled >= 1), 0.08, 0.0)
    soc_signal = soc_signal + 0.1 * (model.reputation - P.REPUTATION_START)
    soc_signal = np.clip(soc_signal, 0.0, 1.0)
    s_econ = p.s_econ + 0.35 * (econ_signal - p.s_econ)
    s_soc = (
        p.s_soc + 0.3 * (soc_signal - p.s_soc)
        - 0.15 * p.takeovers_q
        - 0.05 * model.takeovers_heard
        - 0.06 * np.minimum(p.overload, 2.0)
    )
    p.s_econ = np.where(enrolled, np.clip(s_econ, 0, 1), p.s_econ)
    p.s_soc = np.where(enrolled, np.clip(s_soc, 0, 1), p.s_soc)


def partner_mindshare(model: PartnerProgramModel) -> None:
    """Move each partner's effort toward what fit and satisfaction justify.

    Effort falls fast and recovers slowly (hysteresis: loyalty moves at a glacial pace).
    """
    p = model.partners
    enrolled = enrolled_mask(p.stage)
    s = satisfaction(model)
    target = (P.MINDSHARE_FLOOR + (1 - P.MINDSHARE_FLOOR) * model.effective_fit()) / (1.0 + np.exp(-7.0 * (s - 0.42)))
    target = target * (1.0 - model.poach)
    rate = np.where(target > p.mindshare, P.MINDSHARE_UP, P.MINDSHARE_DOWN)
    new = p.mindshare + rate * (target - p.mindshare)
    p.mindshare = np.where(enrolled, np.clip(new, 0.0, 1.0), p.mindshare)


def partner_churn_hazard(model: PartnerProgramModel) -> np.ndarray:
    """Quarterly probability each enrolled partner leaves the program.

    c0 * exp(-lambda * S) gives ~10% a year for a content partner and ~25% for an
    embattled one (D1, F3); partners that have earned nothing for over a year also prune
    the vendor (D2; Taylor's zero-profit exit rule).
    """
    p = model.partners
    s = satisfaction(model)
    h = P.CHURN_C0 * np.exp(-P.CHURN_LAMBDA * s)
    idle = (p.quarters_since_deal >= P.ZERO_PROFIT_QUARTERS) & (p.quarters_enrolled >= P.ZERO_PROFIT_QUARTERS)
    h = h + np.where(idle, P.ZERO_PROFIT_HAZARD, 0.0)
    h = h + P.CONFLICT_EXIT * p.deals_lost_to_direct + 2 * P.CONFLICT_EXIT * p.takeovers_recent
    h = h + P.PUSH_EXIT * np.minimum(p.push_quarters, 4)
    return np.where(enrolled_mask(p.stage), np.clip(h, 0.0, 0.9), 0.0)


def churn_reasons(model: PartnerProgramModel, i: int) -> list[str]:
    """Why partner `i` is unhappy, in plain words, most important first."""
    p = model.partners
    pol = model.effective
    reasons: list[tuple[float, str]] = []
    lost = p.deals_lost_to_direct[i]
    if p.conflicts_recent[i] >= 0.5:
        where = model.region_name(int(p.last_conflict_region[i])) if p.last_conflict_region[i] >= 0 else ""
        n = int(round(lost))
        what = (f"{_count(n)} deal{'s' if n != 1 else ''} lost to direct reps" if n > 0
                else f"{_count(int(round(p.conflicts_recent[i])))} clashes with direct reps")
        reasons.append((1.0 + p.conflicts_recent[i], f"{what} in {where}" if where else what))
    if p.takeovers_recent[i] > 0:
        reasons.append((2.0 + p.takeovers_recent[i], "customers it opened were taken direct"))
    if p.income_q[i] <= 0 and p.quarters_since_deal[i] >= 3:
        reasons.append((0.9, f"no income from the vendor for {int(p.quarters_since_deal[i])} quarters"))
    elif pol.partner_margin < 0.15:
        reasons.append((0.6, "margins too thin to be worth selling"))
    if p.attention[i] < 0.3:
        reasons.append((0.7, "hardly any support from the partner team"))
    if p.overload[i] > 0.5:
        reasons.append((0.5, "overwhelmed by onboarding"))
    if pol.management_style == "push":
        reasons.append((0.6, "pushed to vendor targets instead of supported"))
    if model.takeovers_heard > 0 and p.takeovers_recent[i] == 0:
        reasons.append((0.4, "heard the vendor takes partners' customers direct"))
    if model.program_cut:
        reasons.append((3.0, "the vendor cut its partner program"))
    if not reasons:
        if p.s_econ[i] < p.s_soc[i]:
            reasons.append((0.1, "the vendor was too small a part of its own business"))
        else:
            reasons.append((0.1, "it felt the vendor did not understand its business"))
    reasons.sort(key=lambda r: -r[0])
    return [r for _, r in reasons]


def _count(n: int) -> str:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return words[n] if 0 <= n < len(words) else str(n)


def update_lifecycle(model: PartnerProgramModel) -> None:
    """Move partners through onboarding -> active -> productive -> at risk -> churned."""
    p = model.partners
    rng = model.rng
    s = satisfaction(model)
    hazard = partner_churn_hazard(model)
    # decay memories of conflict and takeovers (a year's half-life)
    p.conflicts_recent = p.conflicts_recent * 0.84 + p.conflicts_q
    p.takeovers_recent = p.takeovers_recent * 0.84 + p.takeovers_q
    p.deals_lost_to_direct = p.deals_lost_to_direct * 0.84
    for i in np.nonzero(enrolled_mask(p.stage))[0]:
        if rng.random() < hazard[i]:
            churn_partner(model, int(i))
            continue
        st = p.stage[i]
        if st == ONBOARDING and p.capability[i] >= P.CAPABILITY_ACTIVE:
            st = ACTIVE
        if st in (ACTIVE, PRODUCTIVE, AT_RISK):
            if s[i] < 0.33 or (p.quarters_since_deal[i] >= 4 and p.first_deal_week[i] >= 0 and s[i] < 0.45):
                if st != AT_RISK:
                    reasons = churn_reasons(model, int(i))
                    model.log(
                        "partner_at_risk", (model.partner_agents[i].unique_id,),
                        f"{model.partner_agents[i].name} is at risk: "
                        + (reasons[0] if reasons else "low satisfaction"),
                        data={"partner": int(i), "reasons": reasons},
                    )
                st = AT_RISK
            elif p.quarters_since_deal[i] < 4 and p.first_deal_week[i] >= 0:
                st = PRODUCTIVE
            else:
                st = ACTIVE
        p.stage[i] = st


def churn_partner(model: PartnerProgramModel, i: int) -> None:
    """Partner `i` leaves; its reasons go into the event log."""
    from sim.mechanisms.sales import release_accounts

    p = model.partners
    reasons = churn_reasons(model, i)
    p.stage[i] = CHURNED
    p.mindshare[i] = 0.0
    p.attention[i] = 0.0
    model.partners_churned_q += 1
    if p.conflicts_recent[i] >= 1 or p.takeovers_recent[i] > 0:
        model.reputation = max(0.0, model.reputation - 0.01)
    release_accounts(model, i)
    name = model.partner_agents[i].name
    model.log(
        "partner_churned", (model.partner_agents[i].unique_id,),
        f"{name} left the program: " + ("; ".join(reasons[:2]) if reasons else "it drifted away"),
        data={"partner": i, "reasons": reasons},
    )
