"""Partner economics: a partner sells the vendor's offer as far as it pays (C6, C17;
calibration rows E1-E5, mechanism note 8).

A partner firm earns on each dollar of the vendor's product it sells: the margin the vendor
leaves it, plus the services the deal brings (resellers live on margin, integrators and
managed service providers on services; calibration row E5). Its effort on the vendor
follows that take against what a dollar of another vendor's product on its line card earns
it (calibration row D3: 5-12 vendors per line card). A reseller offered a thin margin signs
up and does nothing (calibration row E3); a services-heavy partner needs less margin, since
the project is where it earns. The vendor's net partner revenue is therefore hump-shaped in
the margin (stylized fact SF12): too little and partners sell someone else's product, too
much and the vendor gives away what they would have sold anyway.

After Tsay & Agrawal (2004): the partner's effort maximises margin x P(win | effort) x deal
value - cost(effort); here as a logistic response to the profit gap per dollar sold, the
form calibration.md section 3.6 proposes for mindshare (w_alt x attractiveness of the other
vendors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def partner_take(model: PartnerProgramModel) -> np.ndarray:
    """What each partner earns per dollar of the vendor's product it sells: the margin plus
    its type's services attach (calibration rows E2, E5)."""
    return model.effective.partner_margin + P.TYPE_SERVICES_ATTACH[model.partners.ptype]


def line_card_take(model: PartnerProgramModel) -> np.ndarray:
    """What each partner earns per dollar of another vendor's product on its line card: its
    alternative (calibration rows E2, E5, D3)."""
    return P.TYPE_LINE_CARD_TAKE[model.partners.ptype]


def profit_gap(model: PartnerProgramModel) -> np.ndarray:
    """Each partner's take on the vendor's product less its take on its alternatives, per
    dollar sold (0 = as good as the rest of its line card)."""
    return partner_take(model) - line_card_take(model)


def economic_pull(model: PartnerProgramModel) -> np.ndarray:
    """The share of its fit-justified effort a partner gives the vendor on economics alone:
    a logistic in the profit gap, half at parity, near 1 when the vendor clearly pays better,
    near 0 when selling it earns far less than the alternatives (calibration row E3)."""
    return 1.0 / (1.0 + np.exp(-P.PROFIT_STEEPNESS * profit_gap(model)))


def margin_too_thin(model: PartnerProgramModel) -> np.ndarray:
    """Partners for whom the vendor's product earns less than the rest of their line card."""
    return profit_gap(model) < 0.0
