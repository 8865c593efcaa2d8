"""Structured events: what happened, to whom, and why.

The event log is how the model explains itself: the game's news feed and the debrief
read it, and a churned partner's event names the incidents that drove it away.
Scheduled scenario events (policy pressure or market shocks) are declared here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.policy import LEVERS, PolicyError

EVENT_KINDS: tuple[str, ...] = (
    "deal_won",
    "deal_lost",
    "conflict",
    "first_partner_deal",
    "partner_signed",
    "partner_churned",
    "partner_at_risk",
    "account_taken_direct",
    "manager_left",
    "program_cut",
    "policy_change",
    "scenario_event",
)

SHOCKS: dict[str, str] = {
    "demand": "multiply market demand by `size` for `duration` quarters",
    "reputation": "add `size` (-1 to 1) to the vendor's reputation among partners",
    "manager_departures": "`size` partner managers leave at once",
    "competitor_poach": "a competitor courts partners: each loses `size` (0-1) of its mindshare",
}


@dataclass(frozen=True)
class Event:
    """One thing that happened in the simulation.

    Attributes:
        quarter: 1-based quarter in which it happened.
        week: Global week number (0-based) in which it happened.
        kind: One of EVENT_KINDS.
        agents: unique_ids of the agents involved (rep, partner, manager).
        cause: Plain-words reason, written for a player.
        amount: Money involved, if any (USD), else 0.
        data: Extra structured detail (channel, region, reasons...).
    """

    quarter: int
    week: int
    kind: str
    agents: tuple[int, ...]
    cause: str
    amount: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScheduledEvent:
    """A scenario event fired at the start of a quarter.

    Attributes:
        quarter: 1-based quarter at whose start it fires.
        kind: "policy" (changes levers) or "shock" (changes the world).
        message: What the player is told.
        changes: For "policy": lever -> value.
        shock: For "shock": one of SHOCKS.
        size: Shock size (meaning depends on the shock).
        duration: Quarters a demand shock lasts.
    """

    quarter: int
    kind: str
    message: str
    changes: tuple[tuple[str, Any], ...] = ()
    shock: str = ""
    size: float = 0.0
    duration: int = 1


def check_scheduled(ev: ScheduledEvent) -> None:
    """Check a scheduled event before a run starts.

    Raises:
        PolicyError: An unknown kind, shock or lever, or a bad lever value, naming the quarter.
    """
    if ev.kind == "policy":
        for k, v in ev.changes:
            if k not in LEVERS:
                raise PolicyError(f"scheduled event in quarter {ev.quarter}: unknown lever '{k}'")
            LEVERS[k].check(v)
    elif ev.kind == "shock":
        if ev.shock not in SHOCKS:
            raise PolicyError(
                f"scheduled event in quarter {ev.quarter}: shock '{ev.shock}' is not allowed "
                f"(allowed: {' | '.join(SHOCKS)})"
            )
    else:
        raise PolicyError(f"scheduled event in quarter {ev.quarter}: kind '{ev.kind}' is not allowed "
                          "(allowed: policy | shock)")
