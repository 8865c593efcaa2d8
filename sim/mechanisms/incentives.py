"""Partner incentives: blunt bounties versus incentives aligned with the partner's own
goals (C17; E6, E12 on SPIFF behaviour).

A referral bounty gets attention at once, a burst of referrals of mixed quality, and
fades as novelty wears off; an aligned incentive (co-marketing and margin tied to the
partner's goals) raises effort less at first but lastingly, and builds capability.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim.agents import enrolled_mask

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def _enrolled(model: PartnerProgramModel) -> np.ndarray:
    return enrolled_mask(model.partners.stage)


def generosity(model: PartnerProgramModel) -> float:
    """How large the incentive budget is for the enrolled base (0-1.5)."""
    pol = model.effective
    n = max(1, int(_enrolled(model).sum()))
    per = P.BOUNTY_PER_PARTNER if pol.incentive == "referral_bounty" else P.ALIGNED_PER_PARTNER
    return float(min(P.GENEROSITY_MAX, pol.incentive_budget / (per * n)))


def bounty_running(model: PartnerProgramModel) -> bool:
    """Whether a referral bounty is on offer: the incentive chosen and money behind it (a
    bounty with no budget pays nothing, so no partner claims it)."""
    pol = model.effective
    return pol.incentive == "referral_bounty" and pol.incentive_budget > 0


def refresh_incentives(model: PartnerProgramModel, previous: str) -> None:
    """At the start of a quarter: a newly launched bounty is news; novelty then fades."""
    p = model.partners
    pol = model.effective
    if pol.incentive == "referral_bounty":
        if previous != "referral_bounty":
            p.bounty_novelty[:] = 1.0
        else:
            p.bounty_novelty *= P.BOUNTY_DECAY
    else:
        p.bounty_novelty[:] = 0.0


def incentive_effort_multiplier(model: PartnerProgramModel) -> np.ndarray:
    """Multiplier on partner selling effort from the incentive in force."""
    pol = model.effective
    p = model.partners
    if pol.incentive == "referral_bounty" and pol.incentive_budget > 0:
        return 1.0 + P.BOUNTY_SPIKE * p.bounty_novelty * min(1.0, generosity(model))
    if pol.incentive == "aligned" and pol.incentive_budget > 0:
        return np.full(p.n, 1.0 + P.ALIGNED_EFFORT * min(1.0, generosity(model)))
    return np.ones(p.n)


def incentive_satisfaction(model: PartnerProgramModel) -> np.ndarray:
    """Economic-satisfaction bonus from the incentive."""
    pol = model.effective
    p = model.partners
    if pol.incentive == "aligned" and pol.incentive_budget > 0:
        return np.full(p.n, P.ALIGNED_SATISFACTION * min(1.0, generosity(model)))
    if pol.incentive == "referral_bounty" and pol.incentive_budget > 0:
        return P.BOUNTY_SATISFACTION * p.bounty_novelty
    return np.zeros(p.n)


def aligned_capability(model: PartnerProgramModel) -> None:
    """Aligned co-marketing and joint selling build capability a little each quarter."""
    pol = model.effective
    if pol.incentive != "aligned" or pol.incentive_budget <= 0:
        return
    p = model.partners
    g = min(1.0, generosity(model))
    p.capability += np.where(_enrolled(model), P.ALIGNED_CAPABILITY * g * (1 - p.capability), 0.0)


def incentive_spend(model: PartnerProgramModel, bounty_owed: float) -> float:
    """Money spent on incentives this quarter: the aligned budget, or the bounties earned
    (capped at the budget)."""
    pol = model.effective
    if pol.incentive == "aligned":
        return float(pol.incentive_budget) if _enrolled(model).any() else 0.0
    if pol.incentive == "referral_bounty":
        return float(min(pol.incentive_budget, bounty_owed))
    return 0.0


def bounty_owed(model: PartnerProgramModel, value: np.ndarray | float) -> np.ndarray | float:
    """Referral bounty owed on a new partner deal of `value` (or on each of an array of them)
    while a bounty runs.

    Every new deal is claimed as a referral, including those that would have happened
    anyway: much of a bounty is deadweight (calibration rows E6, E12).
    """
    if bounty_running(model):
        return P.BOUNTY_RATE * value
    return 0.0
