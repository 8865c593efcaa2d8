"""The people and firms in the model.

Direct reps and partner firms are many, so their numbers live in numpy arrays owned by
the model (`model.reps`, `model.partners`); each agent is a thin, readable view onto its
row, so a person (or the game's hover card) can still reason about one rep or one firm.
Partner managers are few and keep their state on the agent.

Agents never import mechanisms (the mechanisms import the agents): a view that needs a
mechanism's result asks the model for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim import params as P

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel

PARTNER_TYPES: tuple[str, ...] = ("reseller", "system_integrator", "msp", "isv", "global_si")
TYPE_LABELS: dict[str, str] = {
    "reseller": "reseller",
    "system_integrator": "system integrator",
    "msp": "managed service provider",
    "isv": "ISV / technology partner",
    "global_si": "global system integrator",
}
STAGES: tuple[str, ...] = (
    "prospect", "onboarding", "active", "productive", "at_risk", "churned",
)
PROSPECT, ONBOARDING, ACTIVE, PRODUCTIVE, AT_RISK, CHURNED = range(len(STAGES))
ENROLLED = (ONBOARDING, ACTIVE, PRODUCTIVE, AT_RISK)


def enrolled_mask(stage):
    """Partners signed and not churned (stage codes ONBOARDING..AT_RISK are contiguous)."""
    return (stage >= ONBOARDING) & (stage <= AT_RISK)


class DirectRep(mesa.Agent):
    """A quota-carrying seller of the vendor's direct team, in one home region.

    Attributes are read from `model.reps` row `idx`.
    """

    def __init__(self, model: PartnerProgramModel, idx: int) -> None:
        super().__init__(model)
        self.idx = idx

    @property
    def region(self) -> int:
        return int(self.model.reps.region[self.idx])

    @property
    def skill(self) -> float:
        return float(self.model.reps.skill[self.idx])

    @property
    def quota(self) -> float:
        return float(self.model.reps.quota[self.idx])

    @property
    def capacity(self) -> float:
        """Opportunities the rep can open per week."""
        return float(self.model.reps.capacity[self.idx])

    @property
    def bookings_quarter(self) -> float:
        return float(self.model.reps.bookings_q[self.idx])


class PartnerManager(mesa.Agent):
    """A member of the vendor's partner team, supporting a portfolio of partner firms.

    Args:
        model: The model.
        skill: Raw partner-management skill from the hiring profile (0-1).
        profile: "professional" or "transfer_portal".
    """

    def __init__(self, model: PartnerProgramModel, skill: float, profile: str) -> None:
        super().__init__(model)
        self.skill = skill
        self.profile = profile
        self.ramp = P.NEW_MANAGER_RAMP  # a new hire spends their first quarter learning the portfolio
        self.portfolio: list[int] = []  # partner row indices
        self.quarters = 0

    @property
    def effective_skill(self) -> float:
        """Skill after partner-management training (C20)."""
        training = self.model.policy.partner_team_training
        return self.skill + (1.0 - self.skill) * P.TRAINING_SKILL_GAIN * training

    @property
    def effectiveness(self) -> float:
        """What the manager achieves with a partner per unit of attention: skill after
        training, times the drive the comp plan gives (C20; calibration row J10: pay drives
        what channel managers do), at most 1."""
        drive = P.COMP_DRIVE[self.model.effective.partner_team_comp]
        return min(1.0, self.effective_skill * drive)


class PartnerFirm(mesa.Agent):
    """An independent partner firm: it has its own business, and sells the vendor's
    offer only as far as fit, capability and satisfaction make it worth its while.

    All state is in `model.partners` row `idx`.
    """

    def __init__(self, model: PartnerProgramModel, idx: int, name: str) -> None:
        super().__init__(model)
        self.idx = idx
        self.name = name

    def _get(self, field: str) -> float:
        return float(getattr(self.model.partners, field)[self.idx])

    @property
    def partner_type(self) -> str:
        return PARTNER_TYPES[int(self.model.partners.ptype[self.idx])]

    @property
    def stage(self) -> str:
        return STAGES[int(self.model.partners.stage[self.idx])]

    @property
    def size(self) -> float:
        return self._get("size")

    @property
    def regions(self) -> list[int]:
        return [int(r) for r in self.model.partners.regions[self.idx].nonzero()[0]]

    @property
    def fit(self) -> float:
        """Share of this firm's business the vendor's offer could become (C6, C11)."""
        return float(self.model.effective_fit()[self.idx])

    @property
    def capability(self) -> float:
        return self._get("capability")

    @property
    def engagement(self) -> float:
        """Mindshare: the share of selling effort the firm gives the vendor."""
        return self._get("mindshare")

    @property
    def satisfaction(self) -> float:
        """Overall satisfaction: economic and social, weighed equally (C6; calibration row M3)."""
        return self.model.partner_satisfaction(self.idx)

    @property
    def customer_relationships(self) -> int:
        """Customer accounts this partner owns for the vendor."""
        return int((self.model.market.owner == self.idx).sum())

    @property
    def revenue_total(self) -> float:
        return self._get("revenue_total")

    @property
    def rhythm_phase(self) -> float:
        """Where the partner's own fiscal year starts, as a fraction of a year (C18)."""
        return self._get("rhythm_phase")

    def risk_reasons(self) -> list[str]:
        """Why this partner is at risk of leaving, most important first; empty when it is not."""
        return self.model.risk_reasons(self.idx)
