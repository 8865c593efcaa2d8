"""The partner team: who staffs it, how far it stretches, and where attention goes
(C3, C20; capacity-limited growth after Forrester's market-growth model)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim import randomness as rnd
from sim.agents import PartnerManager, enrolled_mask
from sim.state import PartnerArrays

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def manager_capacity(manager: PartnerManager) -> float:
    """Partner-attention units a manager gives per quarter (a normal partner needs 1, a GSI 3):
    span x effectiveness (skill x comp-plan drive), less while a new hire ramps up (C3, C20)."""
    return P.MANAGER_SPAN * manager.effectiveness * manager.ramp


# the "managers" stream's draws, keyed by (completed quarters, seat on the team, what happens)
HIRE, REPLACE, LEAVE = 0, 1, 2


def hire_manager(model: PartnerProgramModel, seat: int, replacing: bool = False) -> PartnerManager:
    """Hire one partner manager for `seat` (their place on the team) from the current
    hiring profile (C20). The skill is keyed by quarter and seat, so the same seat filled in
    the same quarter gets the same person's luck in every run."""
    profile = model.effective.partner_team_hiring
    mean, sd = P.MANAGER_SKILL[profile]
    u = rnd.unit(model.randomness.key("managers", model.quarter, seat, REPLACE if replacing else HIRE))[0]
    skill = float(np.clip(mean + sd * rnd.normal(u), P.MANAGER_SKILL_MIN, P.MANAGER_SKILL_MAX))
    return PartnerManager(model, skill, profile)


def staff_partner_team(model: PartnerProgramModel) -> None:
    """Grow or shrink the team to `partner_team_size`; departures free their partners."""
    target = model.effective.partner_team_size
    managers = model.managers
    while len(managers) < target:
        managers.append(hire_manager(model, len(managers)))
    while len(managers) > target:
        m = managers.pop()
        m.remove()


def manager_departure_hazard(model: PartnerProgramModel, manager: PartnerManager) -> float:
    """Quarterly chance a partner manager leaves: people passing through move on, and a
    team-based low-leverage plan keeps no one (C20; calibration row J5)."""
    return P.MANAGER_TURNOVER[manager.profile] + P.COMP_TURNOVER_ADD[model.effective.partner_team_comp]


def partner_manager_turnover(model: PartnerProgramModel) -> None:
    """People passing through leave; their partners lose the relationship they had (C20)."""
    team = list(model.managers)
    u = rnd.unit(model.randomness.key("managers", model.quarter, np.arange(len(team)), LEAVE))
    for k, m in enumerate(team):
        m.quarters += 1
        m.ramp = 1.0 if m.quarters >= P.MANAGER_RAMP_QUARTERS else m.ramp
        if u[k] < manager_departure_hazard(model, m):
            partners_lose_contact(model, m)
            model.log(
                "manager_left", (m.unique_id,),
                f"A partner manager left the team; {len(m.portfolio)} partners lose their contact",
                data={"portfolio": list(m.portfolio)},
            )
            m.remove()
            model.managers[k] = hire_manager(model, k, replacing=True)


def partners_lose_contact(model: PartnerProgramModel, manager: PartnerManager) -> None:
    """A manager leaves: each partner in the portfolio loses the relationship it had with
    that person, and some social satisfaction with it (C20; calibration row J5)."""
    p = model.partners
    for i in manager.portfolio:
        p.s_soc[i] = max(0.0, p.s_soc[i] - P.MANAGER_LOSS_SOC_HIT)


def attention_need(p: PartnerArrays, idx: np.ndarray) -> np.ndarray:
    """Manager attention a partner needs: big firms have many people to reach, so they
    take more of a manager's time per dollar they bring a small vendor (C10)."""
    return P.TYPE_ATTENTION_NEED[p.ptype[idx]] * (
        1.0 + P.SIZE_ATTENTION * np.maximum(0.0, p.size[idx] - P.SIZE_ATTENTION_FROM))


def allocate_partner_attention(model: PartnerProgramModel) -> None:
    """Spread each manager's capacity over the partners in their portfolio.

    Revenue-accountable managers put attention where revenue is (support flows to
    those already producing: the rich get richer, CT2); joint activity plans flag
    partners whose activity lags so they get help early (C14). Past the team's span,
    attention per partner thins out (CT7).
    """
    p = model.partners
    pol = model.effective
    p.attention[:] = 0.0
    p.manager[:] = -1
    enrolled = np.nonzero(enrolled_mask(p.stage))[0]
    for m in model.managers:
        m.portfolio = []
    if not model.managers or len(enrolled) == 0:
        return
    # assign partners to managers, biggest revenue first, to the least-loaded manager
    order = enrolled[np.argsort(-p.revenue_prev_q[enrolled], kind="stable")]
    loads = [0.0] * len(model.managers)
    team = range(len(loads))
    for i, need in zip(order.tolist(), attention_need(p, order).tolist(), strict=True):
        k = min(team, key=loads.__getitem__)     # the least-loaded manager (the first of equals)
        model.managers[k].portfolio.append(i)
        loads[k] += need
        p.manager[i] = k
    fit = model.effective_fit() if pol.partner_team_comp == "individual_high_leverage" else None
    for m in model.managers:
        idx = np.array(m.portfolio, dtype=np.int64)
        if len(idx) == 0:
            continue
        need = attention_need(p, idx)
        rev = p.revenue_prev_q[idx]
        share = rev / rev.sum() if rev.sum() > 0 else np.zeros(len(idx))
        if pol.partner_team_comp == "individual_high_leverage":
            weight = need * (P.REVENUE_FOCUS_BASE + P.REVENUE_FOCUS_SHARE * share
                             + P.REVENUE_FOCUS_FIT * fit[idx])
        else:
            weight = need * 1.0
        if pol.partner_plan == "joint_activity":
            lagging = (p.opps_q[idx] == 0) & (p.quarters_enrolled[idx] >= 1)
            weight = weight * np.where(lagging, P.JOINT_PLAN_LAGGING_WEIGHT, 1.0)
        cap = manager_capacity(m)
        alloc = cap * weight / weight.sum()
        att = np.minimum(1.0, alloc / need)
        # capacity freed by partners capped at 1 goes to the rest, once
        spare = cap - (att * need).sum()
        if spare > 1e-9:
            room = (att < 1.0)
            if room.any():
                extra = spare * weight * room / (weight * room).sum()
                att = np.minimum(1.0, att + extra / need)
        p.attention[idx] = att
