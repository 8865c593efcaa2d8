"""What each claim says a lever does, as one table the model is held to.

`CLAIM_EFFECTS` has one row per (claim, lever, outcome): the mistake the claim describes, the
good value, the outcome it names (a key of `sim.atlas.OUTCOMES`) and the direction the outcome
moves when the mistake is replaced by the good value. The rows are read off the claims
(`partnering-claims.md`, C1-C20) and the claim table of docs/model.md (section 3.5). Every lever
that names a claim in `sim.policy.LEVERS` has a row, except those in `UNMEASURED`, whose claim is
not about a mean moving one way.

`measure_claims` plays both values of each row from the row's start scenario over paired seeds
(the lever atlas's runs, `sim.atlas.run_arms`) and says whether the effect has the claimed sign
with a 95% interval that excludes zero; `tests/test_lever_atlas.py` requires every row to hold at
world scales 1 and 2: no lever the claims name may be dead or backwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.atlas import (
    DEFAULT_QUARTERS,
    MAX_WORKERS,
    OUTCOMES,
    Effect,
    arm,
    file_value,
    paired_effect,
    run_arms,
)
from sim.policy import LEVERS

BEST = "best_practice"


@dataclass(frozen=True)
class ClaimEffect:
    """One thing a claim says a lever does.

    Attributes:
        claim: The claim(s): "C2", or "C6/C17" where two claims say the same of this lever.
        lever: The lever (`sim.policy.LEVERS`).
        mistake: The value the claim warns against (for a number, the poor end).
        good: The value the claim recommends (for a number, the good end).
        outcome: What moves (a key of `sim.atlas.OUTCOMES`).
        direction: +1 if the outcome rises from `mistake` to `good`, -1 if it falls.
        start: The scenario both values are played from (every other lever as it sets them).
        why: The claim's words for this effect, in short.
        seeds_factor: Play this row on this many times the seeds the other rows get: an
            outcome with a heavy-tailed spread between worlds (a global SI's luck, a quarter's
            forecast error) needs more worlds to tell its sign, not a weaker claim.
    """

    claim: str
    lever: str
    mistake: Any
    good: Any
    outcome: str
    direction: int
    why: str
    start: str = BEST
    seeds_factor: int = 1

    @property
    def key(self) -> str:
        """A short id: "C2 direct_comp competing->neutral: conflicts"."""
        return (f"{self.claim} {self.lever} {file_value(self.mistake)}->{file_value(self.good)}: "
                f"{self.outcome}" + ("" if self.start == BEST else f" (from {self.start})"))

    @property
    def claims(self) -> tuple[str, ...]:
        """The claim ids ("C6/C17" -> ("C6", "C17"))."""
        return tuple(self.claim.split("/"))


_E = ClaimEffect
UP, DOWN = +1, -1
CLAIM_EFFECTS: tuple[ClaimEffect, ...] = (
    # C1 disposable sales arm: takeovers cut partner trust; partners leave; partner revenue falls (SF11)
    _E("C1", "direct_takeover", True, False, "partner_revenue", UP,
       "taking partner accounts direct trades partner revenue for a short direct gain"),
    _E("C1", "direct_takeover", True, False, "partners_lost", DOWN,
       "partners whose accounts are taken lose trust and leave"),
    # C2 teams set up to compete: competing pay means conflict, lost fights, churn (SF1; CT8)
    _E("C2", "direct_comp", "competing", "neutral", "conflicts", DOWN,
       "reps credited on partner deals stop fighting partners for customers"),
    _E("C2", "direct_comp", "competing", "neutral", "partner_revenue", UP,
       "partners who stop losing fights to direct reps sell more"),
    _E("C2", "direct_comp", "competing", "neutral", "partners_lost", DOWN,
       "conflict makes partners leave, later"),
    _E("C2", "deal_registration", False, True, "conflicts", DOWN,
       "registered deals are protected from direct reps (CT8: 30-60% fewer conflicts)"),
    # C3 starved partner team: capacity and budget limits leave partners unsupported
    _E("C3", "partner_team_size", 1, 4, "partner_revenue", UP,
       "a team big enough to support the partners it signs"),
    _E("C3", "partner_budget_share", 0.05, 0.25, "partner_revenue", UP,
       "a program given a sliver of budget fails by its own starvation"),
    _E("C3", "recruits_per_quarter", 12, 3, "satisfaction", UP,
       "recruiting past the team's span leaves partners unsupported (CT7)"),
    # C4 protectionist geography: new markets only stacks unknowns (SF2)
    _E("C4", "partner_regions", "new_markets_only", "all", "partner_revenue", UP,
       "partners confined to new markets meet no awareness, no references, thin demand"),
    # C5 salesmanship instead of process; C13's enablement depth (SF3)
    _E("C5", "enablement", 0.15, 0.8, "partner_revenue", UP,
       "partners without training, certification and demo systems fail to sell"),
    _E("C5", "sales_playbook", 0.1, 0.8, "partner_revenue", UP,
       "a repeatable step-by-step process raises partner win rates"),
    # C6/C17 partners are independent firms: they sell what pays them. The vendor's revenue is net
    # of the margin, yet a partner that keeps nothing sells nothing, so a margin raises it.
    _E("C6/C17", "partner_margin", 0.0, 0.25, "partner_revenue", UP,
       "partners must earn to sell: a margin raises the vendor's net partner revenue"),
    _E("C6/C17", "partner_margin", 0.0, 0.25, "partners_lost", DOWN,
       "partners who earn nothing on the offer leave"),
    # C10 going straight to the biggest; C11 blaming the partners (type-by-offer fit) (SF8)
    _E("C10", "recruiting_focus", "biggest_first", "fit_screened", "partner_revenue", UP,
       "global names give a small vendor little mindshare for a lot of partner-team effort", seeds_factor=2),
    _E("C11", "recruiting_focus", "opportunistic", "fit_screened", "partner_revenue", UP,
       "results follow from picking partner types that fit the offer"),
    # C12 support, don't manage; C16 all push, no support (SF9)
    _E("C12", "management_style", "push", "support", "satisfaction", UP,
       "partners resist being managed to the vendor's targets"),
    _E("C16", "management_style", "push", "support", "partners_lost", DOWN,
       "push buys a burst of activity and costs trust: partners leave"),
    # C13 onboarding overload: the same content front-loaded is absorbed less (SF3b)
    _E("C13", "onboarding_pace", "front_loaded", "paced", "partner_capability_q4", UP,
       "partners absorb only so much a quarter; overload lowers learning"),
    # C14 revenue-target plans: no early warning, a social penalty when behind
    _E("C14", "partner_plan", "revenue_target", "joint_activity", "satisfaction", UP,
       "activity plans surface problems early; revenue targets breed a sense of failure"),
    # C15 forecasting through partners; C18 partner business rhythm (SF10)
    _E("C15/C18", "forecast_method", "partner_commit", "rhythm_aware", "forecast_error_partner", DOWN,
       "forecasting from partners' rhythm and track record shrinks the error of their commits", seeds_factor=3),
    # C17 blunt incentives: aligned beats a bounty at the same budget (SF4)
    _E("C17", "incentive", "referral_bounty", "aligned", "partner_revenue", UP,
       "a bounty buys attention, not lasting behaviour; aligned incentives do"),
    _E("C17", "incentive_budget", 0.0, 60_000.0, "partner_revenue", UP,
       "money for incentives tied to the partner's own goals pays back"),
    # C9 abandoning too early: a short patience cuts programs that would have paid back (SF6)
    _E("C9", "executive_patience", 3, 0, "partner_revenue", UP,
       "a board that waits (0 = never cut) keeps the revenue after the J-curve turns"),
    # C19 partner orgs that don't partner: channel insight raises offer fit
    _E("C19", "cross_org_collaboration", 0.0, 0.7, "partner_revenue", UP,
       "teams that share customer insight raise the offer's fit, and partners sell more"),
    # C20 the transfer portal (SF5)
    _E("C20", "partner_team_hiring", "transfer_portal", "professional", "partner_revenue", UP,
       "experienced partner managers make partners productive"),
    _E("C20", "partner_team_hiring", "transfer_portal", "professional", "satisfaction", UP,
       "people passing through leave partners without a contact they trust"),
    _E("C20", "partner_team_comp", "team_low_leverage", "individual_high_leverage", "partner_revenue", UP,
       "individual revenue-accountable pay drives the team to develop partners"),
    _E("C20", "partner_team_training", 0.0, 0.8, "partner_revenue", UP,
       "training in partner-management skills makes the team effective"),
)
"""Every claim's named lever, its mistake and good value, the outcome and the direction."""

UNMEASURED: dict[str, str] = {
    # C8 is a claim about spread, not a mean: a 3-partner pilot's outcomes vary far more across
    # seeds than a 25-partner program's (SF7), while its mean revenue per partner can be higher.
    # A mean paired effect cannot say it; tests/test_stylized_facts.py holds SF7.
    "initial_partners": "C8 is about the spread of outcomes across seeds (SF7), not a mean moving one way",
}
"""Levers that name a claim but have no row, and why."""


def check_rows(rows: Iterable[ClaimEffect] = CLAIM_EFFECTS) -> list[str]:
    """Every problem in the table, in words (empty: none): an unknown lever or outcome, a value
    the lever does not allow, a claim the lever does not name, equal values, a bad direction."""
    out = []
    for r in rows:
        if r.lever not in LEVERS:
            out.append(f"{r.key}: unknown lever")
            continue
        lever = LEVERS[r.lever]
        for what, value in (("mistake", r.mistake), ("good", r.good)):
            try:
                lever.check(value)
            except ValueError as exc:
                out.append(f"{r.key}: {what} {exc}")
        if r.mistake == r.good:
            out.append(f"{r.key}: mistake and good value are the same")
        if r.outcome not in OUTCOMES:
            out.append(f"{r.key}: unknown outcome (allowed: {', '.join(OUTCOMES)})")
        if r.direction not in (UP, DOWN):
            out.append(f"{r.key}: direction must be +1 or -1")
        missing = [c for c in r.claims if c not in lever.claims]
        if missing:
            out.append(f"{r.key}: lever {r.lever} does not name {', '.join(missing)} "
                       f"(its claims: {', '.join(lever.claims)})")
    return out


def measure_claims(rows: Sequence[ClaimEffect] = CLAIM_EFFECTS, seeds: int = 8, scale: float = 1.0,
                   quarters: int = DEFAULT_QUARTERS, workers: int = MAX_WORKERS,
                   progress: Callable[[int, int], Any] | None = None) -> pd.DataFrame:
    """Play each row's mistake and good value over paired seeds; one row per claim effect.

    Runs shared between rows (the same start and values, such as a good value equal to the
    start's) are played once.

    Returns:
        Columns: key, claim, lever, outcome, direction, mean, low, high, n, relative, holds
        (the interval excludes zero on the claimed side) and text (the effect and its interval
        as a person reads them).
    """
    arms = {r: ((r.start, arm(r.start, **{r.lever: r.mistake})), (r.start, arm(r.start, **{r.lever: r.good})))
            for r in rows}
    frames: dict[int, dict] = {}
    for factor in sorted({r.seeds_factor for r in rows}):
        group = [a for r, pair in arms.items() if r.seeds_factor == factor for a in pair]
        frames[factor] = run_arms(group, seeds * factor, quarters, scale, workers, progress)
    out = []
    for r, (bad, good) in arms.items():
        o = OUTCOMES[r.outcome]
        runs = frames[r.seeds_factor]
        e = paired_effect(runs[bad][r.outcome], runs[good][r.outcome], o.relative)
        out.append({"key": r.key, "claim": r.claim, "lever": r.lever, "outcome": r.outcome,
                    "direction": r.direction, "mean": e.mean, "low": e.low, "high": e.high, "n": e.n,
                    "relative": e.relative, "holds": e.sign == r.direction, "text": _effect_text(r, e)})
    return pd.DataFrame(out)


def _effect_text(row: ClaimEffect, e: Effect) -> str:
    o = OUTCOMES[row.outcome]
    return f"{o.fmt_effect(e.mean)} ({o.fmt_effect(e.low)} to {o.fmt_effect(e.high)})"
