"""Enablement and support: how partners become able to sell (C3, C5, C13).

A partner absorbs only so much per quarter; content beyond that is overload, which
lowers both what is learned and how the partner feels (an inverted U in pace). Support
capacity comes from the partner program's budget: a starved program cannot support the
partners it signs (C3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim.agents import enrolled_mask

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def support_level(model: PartnerProgramModel) -> float:
    """Share of the support enrolled partners need that the budget can pay for (0-1)."""
    n = int(enrolled_mask(model.partners.stage).sum())
    if n == 0:
        return 1.0 if model.program_budget > 0 else 0.0
    need = n * P.SUPPORT_COST * (1.0 + model.effective.enablement)
    return float(min(1.0, model.program_budget / need))


def marketing_boost(model: PartnerProgramModel) -> float:
    """Budget left after support funds partner marketing, which brings partners leads."""
    n = int(enrolled_mask(model.partners.stage).sum())
    need = n * P.SUPPORT_COST * (1.0 + model.effective.enablement)
    excess = max(0.0, model.program_budget - need)
    scale = P.MARKETING_SPEND_SCALE * model.world.world_scale
    return float(1.0 + P.MARKETING_BOOST_MAX * np.tanh(excess / scale))


def deliver_onboarding_content(model: PartnerProgramModel) -> None:
    """Queue this quarter's onboarding content for each partner in its first quarters."""
    pol = model.effective
    p = model.partners
    enrolled = enrolled_mask(p.stage)
    total = P.CURRICULUM * pol.enablement
    q = p.quarters_enrolled
    if pol.onboarding_pace == "paced":
        share = np.where(q < P.PACED_QUARTERS, 1.0 / P.PACED_QUARTERS, 0.0)
    else:
        share = np.select([q == 0, q == 1], list(P.FRONT_LOADED_SPLIT), 0.0)
    # content not yet delivered (a lever change mid-course does not re-deliver)
    add = np.minimum(share * total, np.maximum(total - p.content_delivered, 0.0))
    add = np.where(enrolled, add, 0.0)
    p.content_delivered += add
    p.content_backlog += add


def absorb_enablement(model: PartnerProgramModel, rhythm: np.ndarray) -> None:
    """Partners learn from the content in front of them, up to what they can absorb.

    Absorption capacity depends on the partner's own rhythm this quarter (C18), the
    attention its partner manager gives it and the support the budget pays for. Content
    beyond capacity is overload: less is learned and satisfaction drops (C13). A sales
    playbook makes what is learned usable (C5).
    """
    pol = model.effective
    p = model.partners
    enrolled = enrolled_mask(p.stage)
    cap = (
        P.ABSORB_PER_QUARTER * P.TYPE_ABSORB[p.ptype] / (1.0 + P.ABSORB_SIZE_DRAG * p.size) * P.ABSORB_SCALE
        * np.clip(rhythm, P.ABSORB_RHYTHM_MIN, P.ABSORB_RHYTHM_MAX)
        * (P.ABSORB_ATTENTION_BASE + P.ABSORB_ATTENTION_WEIGHT * p.attention)
        * (P.ABSORB_SUPPORT_BASE + P.ABSORB_SUPPORT_WEIGHT * model.support)
    )
    cap = np.maximum(cap, 1e-6)   # a guard against dividing by zero, not a model choice
    x = p.content_backlog / cap
    falling = np.clip(1.0 - P.OVERLOAD_EFFICIENCY_LOSS * (x - 1.0), P.OVERLOAD_EFFICIENCY_MIN, 1.0)
    efficiency = np.where(x <= 1.0, 1.0, falling)
    absorbed = np.minimum(p.content_backlog, cap) * efficiency
    absorbed = np.where(enrolled, absorbed, 0.0)
    p.overload = np.where(enrolled, np.clip(x - 1.0, 0.0, P.OVERLOAD_MAX), 0.0)
    # unabsorbed content fades: the binder sits on the shelf
    p.content_backlog = np.maximum(p.content_backlog - absorbed, 0.0) * P.BACKLOG_KEEP
    usable = P.PLAYBOOK_USABLE_BASE + P.PLAYBOOK_USABLE_WEIGHT * pol.sales_playbook
    p.capability += absorbed * usable * (1.0 - p.capability) * P.ABSORB_TO_CAPABILITY
    # joint activity plans keep partners practising with their manager (C14)
    if pol.partner_plan == "joint_activity":
        p.capability += np.where(enrolled, P.JOINT_PLAN_PRACTICE * p.attention * (1 - p.capability), 0.0)
    np.clip(p.capability, 0.0, 1.0, out=p.capability)


def learn_by_doing(model: PartnerProgramModel, i: int) -> None:
    """Each won deal teaches the partner a little of what it still has to learn."""
    p = model.partners
    p.capability[i] += P.LEARN_PER_WIN * (1.0 - p.capability[i])
