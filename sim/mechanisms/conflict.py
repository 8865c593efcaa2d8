"""Channel conflict: direct reps and partners meeting on the same customer (C1, C2).

The hazard follows Sa Vinhas & Anderson (2005): overlap of territories, comp that pays
only one side, and rules of engagement (deal registration) that are or are not honoured.
What an incident costs the partner depends on how often it happens, not on the deal's
size (Webb & Hogan 2002): effort drops at once and recovers slowly; churn comes later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim import randomness as rnd
from sim.agents import enrolled_mask
from sim.state import DIRECT

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def conflict_probability(model: PartnerProgramModel, i: np.ndarray | int,
                         segment: np.ndarray | int) -> np.ndarray | float:
    """Chance a partner opportunity on direct territory turns into a conflict incident (one
    opportunity of partner `i`, or arrays of them).

    Overlap by segment times the comp plan's pressure (C2), less what deal registration
    protects, more under push management (C16; calibration row M1).
    """
    pol = model.effective
    prob = P.OVERLAP[segment] * P.COMP_CONFLICT[pol.direct_comp]
    if pol.deal_registration:
        prob = prob * (1.0 - deal_registration_protection(model, i))
    if pol.management_style == "push":
        prob = prob * P.PUSH_CONFLICT
    return np.minimum(1.0, prob)


def deal_registration_protection(model: PartnerProgramModel, i: np.ndarray | int) -> np.ndarray | float:
    """Share of conflict risk that deal registration removes for partner `i`.

    Partners register only as far as they trust the vendor (F6), and reps override
    registrations when they are not paid on partner deals or management takes accounts
    direct (CT8: 30-60% fewer incidents, most of it lost under override).
    """
    pol = model.effective
    registers = P.REGISTER_BASE + P.REGISTER_TRUST * model.partners.s_soc[i]
    honor = P.REG_HONOR[pol.direct_comp]
    if pol.direct_takeover:
        honor *= P.TAKEOVER_HONOR_MULT
    return registers * honor * (1.0 - P.REG_RESIDUAL)


# which draw of an opportunity's "conflict" sequence decides what
INCIDENT, CONTEST, REP, REWIN = 1, 2, 3, 4
_FEW = 8      # batches up to this size are resolved one by one in Python (cheaper than numpy calls)


def resolve_channel_conflict(model: PartnerProgramModel, row: int, week: int) -> None:
    """Decide whether partner opportunity `row` meets a direct rep, and who wins.

    Direct wins most internal fights (it brings proven, faster revenue); the deal then
    moves to the rep. Either way the partner remembers the incident. The draws are keyed by
    the opportunity (the "conflict" stream), so the same deal meets the same luck in every run.
    """
    c = model.pipeline.cols
    i = int(c["channel"][row])
    key = int(c["key"][row]) ^ model.randomness.salt("conflict")
    draws = [rnd.draw(key, j) for j in (INCIDENT, CONTEST, REP, REWIN)]
    if draws[INCIDENT - 1] < conflict_probability(model, i, int(c["segment"][row])):
        _incident(model, row, week, i, draws)


def resolve_channel_conflicts(model: PartnerProgramModel, rows: np.ndarray, week: int) -> None:
    """`resolve_channel_conflict` for partner opportunities `rows`, one after the other, with
    their draws and chances worked out at once. An incident costs the partner trust, which
    deal registration depends on, so a partner's later opportunity in the batch has its
    chance worked out again after one."""
    if len(rows) == 0:
        return
    c = model.pipeline.cols
    salt = model.randomness.salt("conflict")
    if len(rows) <= _FEW:
        # a week's few: one at a time in Python (`rnd.draw` gives `uniforms`' numbers); a
        # partner's chance depends only on its own trust, so working it out when its turn
        # comes is what the batch below does
        for row, i, seg, key in zip(rows.tolist(), c["channel"][rows].tolist(), c["segment"][rows].tolist(),
                                    c["key"][rows].tolist(), strict=True):
            key ^= salt
            if rnd.draw(key, INCIDENT) < conflict_probability(model, i, seg):
                _incident(model, row, week, i, [rnd.draw(key, j) for j in (INCIDENT, CONTEST, REP, REWIN)])
        return
    who, segment = c["channel"][rows], c["segment"][rows]
    draws = rnd.uniforms(c["key"][rows] ^ np.uint64(salt), REWIN)
    chances = np.broadcast_to(conflict_probability(model, who, segment), (len(rows),))
    met: set[int] = set()      # partners that had an incident in this batch
    for row, i, seg, u, chance in zip(rows.tolist(), who.tolist(), segment.tolist(), draws.tolist(),
                                      chances.tolist(), strict=True):
        if i in met:
            chance = conflict_probability(model, i, seg)
        if u[INCIDENT - 1] < chance:
            _incident(model, row, week, i, u)
            met.add(i)


def _incident(model: PartnerProgramModel, row: int, week: int, i: int, draws: list[float]) -> None:
    """Partner `i`'s opportunity `row` met a direct rep: who wins (`draws`, the opportunity's
    uniforms INCIDENT..REWIN in the "conflict" stream), and what the partner remembers."""
    c = model.pipeline.cols
    segment = int(c["segment"][row])
    pol = model.effective
    p = model.partners
    region = int(c["region"][row])
    rep = model.rep_for_region(region, draws[REP - 1])
    c["conflict"][row] = True
    p.conflicts_q[i] += 1
    p.last_conflict_region[i] = region
    p_direct = P.DIRECT_WINS_CONTEST["takeover" if pol.direct_takeover else pol.direct_comp]
    direct_wins = rep >= 0 and draws[CONTEST - 1] < p_direct
    keep, kept = P.CONFLICT_MINDSHARE_KEEP, P.KEPT_DEAL_MINDSHARE_SHARE
    p.mindshare[i] *= keep if direct_wins else 1.0 - kept + kept * keep
    p.s_soc[i] = max(0.0, p.s_soc[i] - (P.CONFLICT_SOC_HIT if direct_wins
                                        else P.KEPT_DEAL_SOC_SHARE * P.CONFLICT_SOC_HIT))
    if direct_wins:
        c["channel"][row] = -1
        c["rep"][row] = rep
        p.deals_lost_to_direct[i] += 1
        model.acc["conflicts_lost"] += 1
        # a rep who took it over closes at the direct rate
        skill = model.reps.skill[rep]
        c["p_win"][row] = P.SEGMENT_WIN[segment] * (P.REP_SKILL_BASE + P.REP_SKILL_WEIGHT * skill)
        c["won"][row] = draws[REWIN - 1] < c["p_win"][row]
    name, where = model.partner_agents[i].name, model.region_name(region)
    model.log(
        "conflict", (model.rep_agents[rep].unique_id if rep >= 0 else -1, model.partner_agents[i].unique_id),
        (f"{name} lost a deal to a direct rep in {where}" if direct_wins
         else f"{name} clashed with a direct rep in {where} and kept the deal"),
        amount=float(c["value"][row]),
        week=week,
        data={"region": region, "direct_won": direct_wins, "partner": i},
    )


def take_deals_direct(model: PartnerProgramModel, week: int) -> None:
    """Under a takeover policy, reps also take over partner deals in flight on their
    territory: the fastest way to book a partner's work as direct revenue (C1)."""
    c = model.pipeline.cols
    horizon = P.TAKEOVER_DEAL_HORIZON_QUARTERS * P.WEEKS_PER_QUARTER
    rows = np.array(model.pipeline.open_rows(week + 1, week + horizon), dtype=np.int64)
    if len(rows) == 0:
        return
    rows = np.unique(rows)
    mask = (c["channel"][rows] >= 0) & model.market.is_home[c["region"][rows]] & (c["close"][rows] > week)
    rows = rows[mask]
    # keyed by the deal and the quarter: a deal in flight over two quarter ends gets two chances
    u = rnd.uniforms(model.randomness.rekey("takeover", c["key"][rows], model.quarter), 2)
    chosen = u[:, 0] < P.TAKEOVER_DEAL_PROB
    p = model.partners
    for row, u_rep in zip(rows[chosen].tolist(), u[chosen, 1].tolist(), strict=True):
        i = int(c["channel"][row])
        rep = model.rep_for_region(int(c["region"][row]), u_rep)
        if rep < 0:
            continue
        c["channel"][row] = -1
        c["rep"][row] = rep
        p.takeovers_q[i] += 1
        p.deals_lost_to_direct[i] += 1


def take_accounts_direct(model: PartnerProgramModel) -> None:
    """Management moves partner-opened customers to the direct team (C1).

    Short-term direct revenue rises (the repeat business now books direct); the partner
    and every partner who hears of it trusts the vendor less, and the account buys
    less without the partner's services around it.
    """
    m = model.market
    open_market = m.is_home | (m.awareness > P.TAKEOVER_AWARENESS)
    cand = (m.owner >= 0) & m.customer & open_market[m.region]
    idx = cand.nonzero()[0]
    # keyed by (quarter, account): the same customer is at the same risk in every run
    taken = idx[rnd.unit(model.randomness.key("takeover", model.quarter, 0, idx)) < P.TAKEOVER_PROB]
    p = model.partners
    for acct in taken:
        i = int(m.owner[acct])
        m.owner[acct] = DIRECT
        m.expansion_mult[acct] *= P.TAKEOVER_EXPANSION_MULT
        p.takeovers_q[i] += 1
        model.reputation = max(0.0, model.reputation - P.TAKEOVER_REPUTATION_HIT)
        model.log(
            "account_taken_direct", (model.partner_agents[i].unique_id,),
            f"Management moved {model.partner_agents[i].name}'s customer in "
            f"{model.region_name(int(m.region[acct]))} to the direct team",
            data={"partner": i, "account": int(acct)},
        )


def hear_of_takeovers(model: PartnerProgramModel) -> None:
    """At quarter end, partners hear how many accounts were taken from partners this quarter:
    every partner trusts a vendor that does it less, not only the one it was done to (C1)."""
    p = model.partners
    n_enrolled = max(P.TAKEOVER_NEWS_MIN_AUDIENCE, int(enrolled_mask(p.stage).sum()))
    heard = float(p.takeovers_q.sum()) * P.TAKEOVER_NEWS_REACH / n_enrolled
    model.takeovers_heard = min(P.TAKEOVER_NEWS_MAX, heard)
