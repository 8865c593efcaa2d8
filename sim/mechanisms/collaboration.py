"""Partner organisations that do or don't partner with each other (C19).

The channel sees customer needs first. When channel, technology-partner and alliance
teams share that insight, the offer fits partners' customers better (integrations,
packaging), channel partners sell joint solutions with the technology partners'
integrations, and those integrations bring repeat business instead of one-off deals.
Kept apart, the value in the seams is missed.

Evidence: joining a platform's partner ecosystem raises a small ISV's sales by ~26%
(Ceccagnoli et al. 2012; calibration row H3, section 3.10); partner-involved deals win
~12% more often (calibration row H1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim.agents import PRODUCTIVE
from sim.state import DIRECT, NO_OWNER

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def channel_insight_to_product(model: PartnerProgramModel) -> None:
    """Each quarter, channel insight raises the offer's fit, as far as teams collaborate."""
    collab = model.effective.cross_org_collaboration
    producing = int((model.partners.stage == PRODUCTIVE).sum())
    producers_needed = P.INSIGHT_PRODUCERS * model.world.world_scale ** P.INSIGHT_SCALE_EXPONENT
    insight = min(1.0, producing / producers_needed)
    gain = P.FIT_GAIN_PER_QUARTER * collab * insight
    model.offer_fit_gain = float(min(P.MAX_FIT_GAIN, model.offer_fit_gain + gain))


def joint_solution_lift(model: PartnerProgramModel) -> float:
    """Win-rate multiplier on partner deals from joint solutions: the integrations built so
    far (the fit gained from channel insight, as a share of what there is to gain), sold
    together with the technology partners as far as the teams collaborate (C19; calibration
    rows H1, H3)."""
    built = model.offer_fit_gain / P.MAX_FIT_GAIN
    return 1.0 + P.JOINT_SOLUTION_WIN_LIFT * built * model.effective.cross_org_collaboration


def technology_partner_reach(model: PartnerProgramModel) -> np.ndarray:
    """Multiplier on each partner's opportunities from joint selling with the technology
    partners: an ISV whose integration the channel and alliance teams take to market finds
    more buyers (calibration row H3: +26% ISV sales); other partners are unchanged."""
    out = np.ones(model.partners.n)
    out[model.partners.ptype == P.ISV] = 1.0 + P.ISV_JOINT_SELLING * model.effective.cross_org_collaboration
    return out


def integration_weight(model: PartnerProgramModel) -> np.ndarray:
    """How much a partner type benefits from better product fit (ISVs most)."""
    w = np.ones(model.partners.n)
    w[model.partners.ptype == P.ISV] = P.ISV_INTEGRATION_WEIGHT
    return w


def relationship_owner(model: PartnerProgramModel, i: np.ndarray | int, region: np.ndarray | int) -> np.ndarray:
    """Who keeps the customer relationship when partner `i` wins a new customer in `region`
    (one deal or an array of them).

    Normally the partner. A technology partner (ISV) whose work is not joined up with the
    vendor's other partner teams chases one-off deals (C19): at home the customer ends up
    with the direct team, in a new market with no one, so the ISV gets no repeat business.
    """
    if model.effective.cross_org_collaboration >= P.ISV_ONE_OFF_COLLABORATION:
        return np.asarray(i)
    isv_one_off = model.partners.ptype[i] == P.ISV
    return np.where(isv_one_off, np.where(model.market.is_home[region], DIRECT, NO_OWNER), i)
