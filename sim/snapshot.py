"""A read-only picture of the world, for whatever draws it (the game's map, a report).

The game must show only what is in force and compute no outcome, so it never reads the
model's arrays: it reads a `WorldView` built here. Building one changes nothing in the model
(no writes, no random draws), and nothing here imports pygame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim import params as P
from sim.agents import AT_RISK, PARTNER_TYPES, PROSPECT, STAGES, TYPE_LABELS
from sim.mechanisms.satisfaction import partner_satisfaction, risk_reasons

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel

STAGE_LABELS: dict[str, str] = {
    "prospect": "prospect",
    "onboarding": "onboarding",
    "active": "active",
    "productive": "productive",
    "at_risk": "at risk",
    "churned": "left the program",
}


@dataclass(frozen=True)
class RegionView:
    """One region of the market.

    Attributes:
        index: The region's number.
        name: Its name.
        home: A home market (direct territory), else a new market with no direct team.
        open_to_partners: Partners may sell here under the policy in force.
        reps: Direct reps working it.
    """

    index: int
    name: str
    home: bool
    open_to_partners: bool
    reps: int


@dataclass(frozen=True)
class RepView:
    """One direct rep: where it sells."""

    index: int
    region: int


@dataclass(frozen=True)
class PartnerView:
    """One partner firm that has signed (it may have left since).

    Attributes:
        index: The partner's row in the model.
        name: The firm's name.
        type_label: Its kind of business, in words.
        stage: One of `sim.agents.STAGES`.
        stage_label: The stage in words.
        regions: Regions it sells in.
        fit: How much of its business the vendor's offer could become (0-1).
        capability: Its selling capability (0-1).
        satisfaction: Its satisfaction with the vendor (0-1).
        mindshare: Share of its selling effort it gives the vendor (0-1).
        revenue_total: Vendor revenue from its deals to date (USD).
        wins: Deals it has won to date.
        at_risk: At risk of leaving: the life cycle flags it, or its exit hazard is high
            (`sim.mechanisms.satisfaction.risk_reasons`).
        risk_reasons: Why it is at risk, most important first; empty when it is not.
        signed_week: The week it signed (the map places partners in signing order, so a map drawn
            afresh, after a rejoin, lays them out as one that watched every week).
    """

    index: int
    name: str
    type_label: str
    stage: str
    stage_label: str
    regions: tuple[int, ...]
    fit: float
    capability: float
    satisfaction: float
    mindshare: float
    revenue_total: float
    wins: int
    at_risk: bool
    risk_reasons: tuple[str, ...]
    signed_week: int = 0

    @property
    def enrolled(self) -> bool:
        """Signed and not gone."""
        return self.stage != "churned"


@dataclass(frozen=True)
class ConflictView:
    """One channel conflict: a direct rep and a partner after the same deal.

    Attributes:
        week: Week it happened (0-based).
        rep: The rep's index, or -1 where no rep was involved.
        partner: The partner's index.
        region: Where it happened.
        direct_won: The rep took the deal.
    """

    week: int
    rep: int
    partner: int
    region: int
    direct_won: bool


@dataclass(frozen=True)
class WorldView:
    """The world as it stands after `week` weeks.

    Attributes:
        week: Weeks run so far.
        quarter: Quarters completed.
        regions: Every region, by index.
        reps: Every direct rep, by index.
        partners: Every partner that ever signed, by index.
        conflicts: The conflicts of the quarter the latest week belongs to, oldest first.
    """

    week: int
    quarter: int
    regions: tuple[RegionView, ...]
    reps: tuple[RepView, ...]
    partners: tuple[PartnerView, ...]
    conflicts: tuple[ConflictView, ...]
    _by_index: dict[int, PartnerView] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_index.update((p.index, p) for p in self.partners)

    def partner(self, index: int) -> PartnerView | None:
        """The partner with row `index`, if it ever signed."""
        return self._by_index.get(index)


def snapshot(model: PartnerProgramModel) -> WorldView:
    """What `model` shows a player now; reads the model and changes nothing."""
    m = model.market
    open_ = model.allowed_regions
    reps = model.reps
    regions = tuple(
        RegionView(r, model.region_name(r), bool(m.is_home[r]), bool(open_[r]), int((reps.region == r).sum()))
        for r in range(m.n_regions))
    rep_views = tuple(RepView(k, int(reps.region[k])) for k in range(len(model.rep_agents)))
    return WorldView(week=int(model.steps), quarter=int(model.quarter), regions=regions, reps=rep_views,
                     partners=_partners(model), conflicts=_conflicts(model))


def _partners(model: PartnerProgramModel) -> tuple[PartnerView, ...]:
    p = model.partners
    signed = (p.stage != PROSPECT) & (p.signed_week >= 0)
    if not signed.any():
        return ()
    fit = model.effective_fit()
    sat = partner_satisfaction(p)
    out = []
    for i in signed.nonzero()[0]:
        i = int(i)
        stage = STAGES[int(p.stage[i])]
        reasons = tuple(risk_reasons(model, i))
        out.append(PartnerView(
            index=i, name=model.partner_agents[i].name, type_label=TYPE_LABELS[PARTNER_TYPES[int(p.ptype[i])]],
            stage=stage, stage_label=STAGE_LABELS[stage],
            regions=tuple(int(r) for r in p.regions[i].nonzero()[0]),
            fit=float(fit[i]), capability=float(p.capability[i]), satisfaction=float(sat[i]),
            mindshare=float(p.mindshare[i]), revenue_total=float(p.revenue_total[i]), wins=int(p.wins_total[i]),
            at_risk=bool(reasons) or int(p.stage[i]) == AT_RISK, risk_reasons=reasons,
            signed_week=int(p.signed_week[i])))
    return tuple(out)


def _conflicts(model: PartnerProgramModel) -> tuple[ConflictView, ...]:
    """Conflicts logged in the quarter of the latest week (the log is in week order, give or
    take a quarter, so the scan stops a quarter before that quarter begins)."""
    if model.steps <= 0:
        return ()
    weeks = P.WEEKS_PER_QUARTER
    start = (model.steps - 1) // weeks * weeks
    rep_index = {a.unique_id: k for k, a in enumerate(model.rep_agents)}
    out = []
    for ev in reversed(model.event_log):
        if ev.week < start - weeks:
            break
        if ev.kind != "conflict" or ev.week < start:
            continue
        rep = rep_index.get(ev.agents[0], -1) if ev.agents else -1
        out.append(ConflictView(int(ev.week), rep, int(ev.data["partner"]), int(ev.data.get("region", -1)),
                                bool(ev.data.get("direct_won"))))
    out.reverse()
    out.sort(key=lambda c: c.week)
    return tuple(out)
