"""Managing partners: support versus push (C12, C16; calibration rows M1, M2).

Pressure from the top, passed on to partners, buys a burst of activity that fatigues
quarter by quarter, while it costs trust (`update_satisfaction`) and adds to the exit
hazard (`partner_churn_hazard`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim.mechanisms.incentives import incentive_effort_multiplier

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def push_burst(model: PartnerProgramModel) -> np.ndarray:
    """Extra effort pushed partners give: PUSH_BOOST at first, fading with each quarter of
    push (C16: a short burst of activity)."""
    return 1.0 + P.PUSH_BOOST * np.exp(-P.PUSH_FATIGUE * model.partners.push_quarters)


def partner_effort_multiplier(model: PartnerProgramModel) -> np.ndarray:
    """Short-term selling effort from the incentive in force and push management (C16, C17)."""
    mult = incentive_effort_multiplier(model)
    if model.effective.management_style == "push":
        mult = mult * push_burst(model)
    return mult


def count_push_quarters(model: PartnerProgramModel, enrolled: np.ndarray) -> None:
    """At quarter end: enrolled partners pushed another quarter; support resets the count."""
    p = model.partners
    if model.effective.management_style == "push":
        p.push_quarters += enrolled
    else:
        p.push_quarters[:] = 0
