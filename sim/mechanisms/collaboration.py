"""Partner organisations that do or don't partner with each other (C19).

The channel sees customer needs first. When channel, technology-partner and alliance
teams share that insight, the offer fits partners' customers better (integrations,
packaging) and technology partners' integrations bring repeat business instead of
one-off deals. Kept apart, the value in the seams is missed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents import PRODUCTIVE

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel

MAX_FIT_GAIN = 0.15


def channel_insight_to_product(model: PartnerProgramModel) -> None:
    """Each quarter, channel insight raises the offer's fit, as far as teams collaborate."""
    collab = model.effective.cross_org_collaboration
    producing = int((model.partners.stage == PRODUCTIVE).sum())
    insight = min(1.0, producing / (5.0 * model.world.world_scale ** 0.5))
    gain = 0.012 * collab * insight
    model.offer_fit_gain = float(min(MAX_FIT_GAIN, model.offer_fit_gain + gain))


def integration_weight(model: PartnerProgramModel) -> np.ndarray:
    """How much a partner type benefits from better product fit (ISVs most)."""
    from sim import params as P

    w = np.ones(model.partners.n)
    w[model.partners.ptype == P.ISV] = 2.0
    return w
