"""Market shocks a scenario schedules: a demand drop, a reputation hit, managers leaving
at once, a competitor poaching partners (`sim.events.SHOCKS`).

The model fires them at the start of the quarter they are scheduled for and logs them;
what each does to the world is here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim.events import ScheduledEvent
from sim.mechanisms.partner_team import partners_lose_contact

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def apply_shock(model: PartnerProgramModel, event: ScheduledEvent) -> None:
    """Apply scheduled shock `event` to the world.

    demand: buying demand is multiplied by `size` for `duration` quarters (calibration row
    D5: a downturn). reputation: `size` is added to the vendor's reputation among partners.
    manager_departures: `size` partner managers leave, and their partners lose their contact
    (C20). competitor_poach: each partner loses `size` of its mindshare, and its target
    effort stays lower while the courting fades (calibration row D3: partners multi-home).
    """
    if event.shock == "demand":
        model.demand_shock = float(event.size)
        model.demand_shock_left = int(event.duration)
    elif event.shock == "reputation":
        model.reputation = float(np.clip(model.reputation + event.size, 0.0, 1.0))
    elif event.shock == "manager_departures":
        for _ in range(min(int(event.size), len(model.managers))):
            m = model.managers.pop()
            partners_lose_contact(model, m)
            m.remove()
    elif event.shock == "competitor_poach":
        model.poach = float(event.size)
        model.partners.mindshare *= 1.0 - float(event.size)


def demand_shock_wears_off(model: PartnerProgramModel) -> None:
    """At a quarter start: a demand shock runs down its quarters, then demand is back."""
    if model.demand_shock_left > 0:
        model.demand_shock_left -= 1
        if model.demand_shock_left == 0:
            model.demand_shock = 1.0


def poaching_fades(model: PartnerProgramModel) -> None:
    """At a quarter end: a competitor's courting loses its pull."""
    model.poach *= P.POACH_DECAY
