"""Co-selling: direct reps and partners working a deal together instead of fighting over it
(C2; Sa Vinhas & Anderson 2005, calibration row G1).

Only comp neutrality makes it happen: a rep paid on partner deals in the territory welcomes
a productive partner on a deal (a modest win-rate lift, CT6), and the vendor pays the rep a
commission on partner deals there, the cost of cooperation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim.agents import PRODUCTIVE, enrolled_mask

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def refresh_cosell_pairs(model: PartnerProgramModel) -> None:
    """At the start of a quarter: the productive partners reps may bring onto their deals,
    by home region. Reps on competing comp bring none; a global SI does not co-sell mid-size
    deals (calibration row L1)."""
    model.cosell_pool = {}
    if model.effective.direct_comp != "neutral" or model.program_cut:
        return
    p = model.partners
    ok = (p.stage == PRODUCTIVE) & (p.ptype != P.GSI)
    for r in range(model.market.n_home):
        idx = np.nonzero(ok & p.regions[:, r])[0]
        if len(idx):
            model.cosell_pool[r] = idx


def cosell_candidates(model: PartnerProgramModel) -> dict[int, np.ndarray]:
    """Partners reps may ask to co-sell this quarter, by home region (empty: none)."""
    return model.cosell_pool


def pay_cosell_partner(model: PartnerProgramModel, partner: np.ndarray | int,
                       value: np.ndarray | float) -> np.ndarray:
    """What co-sold direct deals of `value` that were won pay their co-selling `partner`s: its
    share of the services on each, if it is still enrolled, else 0 (calibration row E5).
    The booking adds it to the partner's income (`sim.mechanisms.sales.book_deal`)."""
    p = model.partners
    share = value * P.TYPE_SERVICES_ATTACH[p.ptype[partner]] * P.COSELL_SERVICES_SHARE
    return np.where(enrolled_mask(p.stage[partner]), share, 0.0)


def neutral_comp_commission(model: PartnerProgramModel, value: np.ndarray | float,
                            region: np.ndarray | int) -> np.ndarray:
    """Commission owed to direct reps on partner deals of `value` won in `region` (one deal or
    an array of them): paid under neutral comp on direct territory only (calibration row G1:
    compensate both sides)."""
    if model.effective.direct_comp != "neutral":
        return np.zeros(np.shape(value))
    return np.where(model.market.is_home[region], P.NEUTRAL_COMP_RATE * value, 0.0)
