"""The sales motion: opportunities opened by direct reps and partner firms, repeat
business from customers, and deals closing (or slipping) week by week."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim import units
from sim.agents import ENROLLED, PRODUCTIVE, enrolled_mask
from sim.mechanisms import coselling, enablement, incentives
from sim.mechanisms.collaboration import relationship_owner
from sim.mechanisms.conflict import resolve_channel_conflict
from sim.mechanisms.management import partner_effort_multiplier
from sim.state import DIRECT, NO_OWNER

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def region_demand(model: PartnerProgramModel) -> np.ndarray:
    """Buying demand per region: thinner in new markets until references build (C4)."""
    m = model.market
    known = P.AWARENESS_DEMAND_BASE + P.AWARENESS_DEMAND_WEIGHT * m.awareness
    base = np.where(m.is_home, 1.0, P.NEW_MARKET_DEMAND * known)
    return base * model.world.demand * model.demand_shock


def partner_rhythm(model: PartnerProgramModel, week: float) -> np.ndarray:
    """Each partner's own capacity this week, from its fiscal year and seasonality (C18)."""
    p = model.partners
    return 1.0 + p.rhythm_amp * np.cos(2 * np.pi * (week / P.WEEKS_PER_YEAR - p.rhythm_phase))


def _cycle_weeks(model: PartnerProgramModel, segment: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Sales-cycle length in weeks: by segment, longer in new markets (C4)."""
    mean = P.SEGMENT_CYCLE[segment] * np.where(model.market.is_home[region], 1.0, P.NEW_MARKET_CYCLE)
    return np.maximum(1, np.rint(model.rng.gamma(P.CYCLE_SHAPE, mean / P.CYCLE_SHAPE))).astype(np.int64)


def _deal_value(model: PartnerProgramModel, segment: np.ndarray) -> np.ndarray:
    sigma = P.VALUE_SIGMA
    return P.SEGMENT_VALUE[segment] * model.rng.lognormal(-sigma * sigma / 2, sigma, len(segment))


def _draw_segments(rng: np.random.Generator, mix: np.ndarray) -> np.ndarray:
    """One segment per row of `mix` (rows are probability vectors)."""
    cum = np.cumsum(mix, axis=-1)
    u = rng.random(cum.shape[0])
    return np.minimum((u[:, None] > cum).sum(axis=1), 2)


def generate_direct_pipeline(model: PartnerProgramModel, week: int) -> None:
    """Direct reps open opportunities in their home region's named accounts.

    A partner may be asked to co-sell (neutral comp only: a rep paid either way welcomes
    help); a partner on the deal lifts its win rate modestly (CT6).
    """
    reps = model.reps
    rng = model.rng
    demand = region_demand(model)
    drain = 1.0 - P.DIRECT_BUDGET_DRAIN * model.effective.partner_budget_share
    lam = reps.capacity * demand[reps.region] * drain
    counts = rng.poisson(lam)
    n = int(counts.sum())
    if n == 0:
        return
    rep = np.repeat(np.arange(len(counts)), counts)
    region = reps.region[rep]
    segment = _draw_segments(rng, np.broadcast_to(P.DIRECT_SEGMENT_MIX, (n, 3)))
    account = model.market.draw_accounts(rng, region, segment)
    p_win = P.SEGMENT_WIN[segment] * (P.REP_SKILL_BASE + P.REP_SKILL_WEIGHT * reps.skill[rep])
    cosell = np.full(n, -1, dtype=np.int64)
    cosellers = coselling.cosell_candidates(model)
    if cosellers:
        ask = rng.random(n) < P.COSELL_PROB
        for k in np.nonzero(ask)[0]:
            pool = cosellers.get(int(region[k]))
            if pool is not None:
                cosell[k] = pool[rng.integers(len(pool))]
        has = cosell >= 0
        p_win = np.where(has, p_win * (1.0 + P.COSELL_LIFT * model.partners.capability[cosell]), p_win)
    model.pipeline.add_many(
        week + _cycle_weeks(model, segment, region),
        channel=-1, rep=rep, region=region, account=account, segment=segment,
        value=_deal_value(model, segment), p_win=p_win, won=rng.random(n) < p_win,
        created=week, cosell=cosell, kind=0, bounty=False, slipped=False, conflict=False,
    )


def partner_reach(size: np.ndarray) -> np.ndarray:
    """Selling capacity a firm of this size can point at a small vendor: grows with size
    but with diminishing returns, since big firms spread effort over many vendors (C10)."""
    return size / (1.0 + P.SIZE_MINDSHARE_DAMPING * size) * (1.0 + P.SIZE_MINDSHARE_DAMPING)


def partner_opportunity_rate(model: PartnerProgramModel, week: int) -> np.ndarray:
    """Opportunities per week each partner opens for the vendor.

    Size x mindshare x fit x readiness x demand x the partner's own rhythm: a partner
    sells the offer only as far as it is worth its while (C6), and the vendor's push or
    bounty adds a burst on top (C16, C17).
    """
    p = model.partners
    enrolled = enrolled_mask(p.stage)
    ready = np.clip((p.capability - P.CAPABILITY_TO_SELL) / (1 - P.CAPABILITY_TO_SELL), 0, 1)
    demand = region_demand(model)
    access = p.regions & model.allowed_regions[None, :]
    reach = (access * demand[None, :]).sum(axis=1) / np.maximum(p.regions.sum(axis=1), 1)
    gsi = p.ptype == P.GSI
    if gsi.any():
        refs = model.partner_references
        referenced = min(1.0, refs / P.GSI_REFERENCES_NEEDED) ** P.GSI_REFERENCE_EXPONENT
        reach = np.where(gsi, reach * referenced, reach)
    effort = partner_effort_multiplier(model)
    share = P.MANAGER_SELLING_SHARE
    managed = 1.0 - share + share * p.attention * model.manager_skill_per_partner()
    lam = (
        P.PARTNER_OPP_RATE * partner_reach(p.size) * p.mindshare * model.effective_fit() * managed
        * np.sqrt(ready) * reach * partner_rhythm(model, week) * effort * model.marketing_boost
    )
    # leads the vendor's marketing routes to partners go to last quarter's producers
    rev = np.where(enrolled, p.revenue_prev_q, 0.0)
    if rev.sum() > 0 and model.marketing_boost > 1.0:
        leads = (P.LEADS_PER_WEEK * model.world.world_scale * (model.marketing_boost - 1.0)
                 / P.MARKETING_BOOST_MAX)
        lam = lam + leads * rev / rev.sum() * p.mindshare
    return np.where(enrolled, lam, 0.0)


def generate_partner_pipeline(model: PartnerProgramModel, week: int,
                              counts: np.ndarray | None = None) -> None:
    """Partner firms open opportunities; those on direct territory may meet a rep (C2).

    Args:
        model: The model.
        week: Current week.
        counts: Opportunities per partner; drawn from `partner_opportunity_rate` if None.
    """
    p = model.partners
    rng = model.rng
    if counts is None:
        counts = rng.poisson(partner_opportunity_rate(model, week))
    n = int(counts.sum())
    if n == 0:
        return
    who = np.repeat(np.arange(p.n), counts)
    # region: among the partner's allowed regions, weighted by demand
    weights = (p.regions[who] & model.allowed_regions[None, :]) * region_demand(model)[None, :]
    cum = np.cumsum(weights, axis=1)
    u = rng.random(n) * cum[:, -1]
    region = np.minimum((u[:, None] >= cum).sum(axis=1), model.market.n_regions - 1)
    segment = _draw_segments(rng, P.TYPE_SEGMENT_MIX[p.ptype[who]])
    account = model.market.draw_accounts(rng, region, segment)
    solution = np.where(p.ptype[who] == P.GSI, P.GSI_DEAL_MULT, P.PARTNER_DEAL_MULT)
    value = _deal_value(model, segment) * solution
    p_win = partner_win_probability(model, who, segment, region)
    bounty = np.zeros(n, dtype=bool)
    if model.effective.incentive == "referral_bounty":
        claimed = np.minimum(1.0, P.BOUNTY_CLAIM_NOVELTY * p.bounty_novelty[who] + P.BOUNTY_CLAIM_BASE)
        bounty = rng.random(n) < claimed
        p_win = np.where(bounty, p_win * P.BOUNTY_QUALITY, p_win)
    np.add.at(p.opps_q, who, 1)
    np.add.at(p.opps_total, who, 1)
    cycle = (np.maximum(1, np.rint(_cycle_weeks(model, segment, region) * P.PARTNER_CYCLE)).astype(np.int64)
             + P.RESALE_LAG_WEEKS)
    rows = model.pipeline.add_many(
        week + cycle, channel=who, rep=-1, region=region, account=account,
        segment=segment, value=value, p_win=p_win, won=rng.random(n) < p_win,
        created=week, cosell=-1, kind=0, bounty=bounty, slipped=False, conflict=False,
    )
    for row in rows[model.market.is_home[region]]:
        resolve_channel_conflict(model, int(row), week)


def partner_win_probability(model: PartnerProgramModel, i: np.ndarray, segment: np.ndarray,
                             region: np.ndarray) -> np.ndarray:
    """Win rate of partner-run deals: capability, made repeatable by a playbook (C5),
    and brand awareness in the region (C4)."""
    playbook = model.effective.sales_playbook
    cap = model.partners.capability[i] * (P.PLAYBOOK_WIN_BASE + P.PLAYBOOK_WIN_WEIGHT * playbook)
    awareness = model.market.awareness[region]
    return (P.SEGMENT_WIN[segment] * (P.PARTNER_WIN_BASE + P.PARTNER_WIN_CAPABILITY * cap)
            * (P.AWARENESS_WIN_BASE + P.AWARENESS_WIN_WEIGHT * awareness))


def generate_expansion_pipeline(model: PartnerProgramModel, week: int) -> None:
    """Customers buy again through whoever owns the relationship (repeat business)."""
    m = model.market
    rng = model.rng
    cust = np.nonzero(m.customer)[0]
    if len(cust) == 0:
        return
    owner = m.owner[cust]
    rate = P.EXPANSION_RATE * m.expansion_mult[cust] * model.world.demand * model.demand_shock
    partner_owned = owner >= 0
    if partner_owned.any():
        ms = model.partners.mindshare[np.where(partner_owned, owner, 0)]
        cares = P.EXPANSION_MINDSHARE_BASE + P.EXPANSION_MINDSHARE_WEIGHT * ms
        rate = np.where(partner_owned, rate * cares, rate)
    hits = cust[rng.random(len(cust)) < rate]
    if len(hits) == 0:
        return
    own = m.owner[hits]
    seg = m.segment[hits]
    region = m.region[hits]
    spread = rng.lognormal(P.EXPANSION_VALUE_MU, P.EXPANSION_VALUE_SIGMA, len(hits))
    value = P.SEGMENT_VALUE[seg] * P.EXPANSION_VALUE * spread
    p = model.partners
    gsi = (own >= 0) & (p.ptype[np.maximum(own, 0)] == P.GSI)
    value = np.where(gsi, value * P.GSI_DEAL_MULT, value)
    rep = np.array([model.rep_for_region(int(r)) if o < 0 else -1 for o, r in zip(own, region, strict=False)],
                   dtype=np.int64)
    keep = (own >= 0) | (rep >= 0)
    if not keep.all():
        hits, own, seg, region, value, rep = (a[keep] for a in (hits, own, seg, region, value, rep))
    k = len(hits)
    if k == 0:
        return
    model.pipeline.add_many(
        week + np.maximum(1, rng.gamma(P.EXPANSION_CYCLE_SHAPE, P.EXPANSION_CYCLE / P.EXPANSION_CYCLE_SHAPE,
                                       k).astype(np.int64)),
        channel=np.where(own >= 0, own, -1), rep=rep, region=region, account=hits, segment=seg,
        value=value, p_win=P.EXPANSION_WIN, won=rng.random(k) < P.EXPANSION_WIN,
        created=week, cosell=-1, kind=1, bounty=False, slipped=False, conflict=False,
    )


def close_deals(model: PartnerProgramModel, week: int) -> None:
    """Deals due this week close, or slip when the partner's own business is busy (C18)."""
    rows = model.pipeline.due.pop(week, [])
    if not rows:
        return
    c = model.pipeline.cols
    p = model.partners
    rng = model.rng
    rhythm = None
    for row in rows:
        if c["close"][row] != week:
            continue  # rescheduled
        ch = int(c["channel"][row])
        if ch >= 0:
            if p.stage[ch] not in ENROLLED:
                continue  # the partner left; the opportunity dies with the relationship
            if not c["slipped"][row]:
                if rhythm is None:
                    rhythm = partner_rhythm(model, week)
                if rng.random() < slip_probability(rhythm[ch], p.capability[ch]):
                    c["slipped"][row] = True
                    model.pipeline.reschedule(row, week + int(rng.integers(*P.SLIP_WEEKS)))
                    continue
        book_deal(model, row, week, bool(c["won"][row]))


def slip_probability(rhythm: np.ndarray | float, capability: np.ndarray | float) -> np.ndarray | float:
    """Chance a partner deal due now slips: more in the partner's busy season (its rhythm
    below 1) and for a partner still learning the offer (C18; calibration row K1)."""
    busy = np.maximum(0.0, 1.0 - rhythm)
    return P.SLIP_BASE + P.SLIP_RHYTHM * busy + P.SLIP_INEXPERIENCE * (1 - capability)


def first_deal(model: PartnerProgramModel, i: int, week: int) -> bool:
    """Record a partner's first deal; True if this was it."""
    p = model.partners
    if p.first_deal_week[i] >= 0:
        return False
    p.first_deal_week[i] = week
    if p.stage[i] in ENROLLED:
        p.stage[i] = PRODUCTIVE
    return True


def release_accounts(model: PartnerProgramModel, i: int) -> None:
    """A churned partner's customers go to direct at home; in new markets they drift off."""
    m = model.market
    owned = m.owner == i
    home = m.is_home[m.region]
    m.owner[owned & home] = DIRECT
    m.owner[owned & ~home] = NO_OWNER
    m.customer[owned & ~home] = False


def build_awareness(model: PartnerProgramModel) -> None:
    """In new markets, brand awareness grows with the customers won there (C4)."""
    m = model.market
    new = ~m.is_home
    m.awareness[new] = P.AWARENESS_START + P.AWARENESS_FROM_REFERENCES * np.minimum(
        1.0, m.references[new] / P.REFERENCES_FOR_AWARENESS)


# ------------------------------------------------------------------------------ bookings
def book_deal(model: PartnerProgramModel, row: int, week: int, won: bool) -> None:
    """Book closed opportunity `row` through the channel that sold it."""
    if int(model.pipeline.cols["channel"][row]) < 0:
        book_direct_deal(model, row, week, won)
    else:
        book_partner_deal(model, row, week, won)


def record_customer(model: PartnerProgramModel, account: int, region: int, owner: int,
                    partner_reference: bool) -> None:
    """A won deal makes `account` a customer; the customer relationship goes to `owner`
    unless someone already holds it.

    A first purchase adds a reference in its region (awareness in new markets, C4); an
    enterprise customer won with a partner is a reference global SIs wait for (C10;
    calibration row L1).
    """
    m = model.market
    if partner_reference:
        model.partner_references += 1
    if not m.customer[account]:
        m.customer[account] = True
        m.references[region] += 1
    if m.owner[account] == NO_OWNER:
        m.owner[account] = owner


def book_direct_deal(model: PartnerProgramModel, row: int, week: int, won: bool) -> None:
    """A direct deal closed: the rep's bookings, win rates with and without a co-selling
    partner (CT6), and the co-seller's services income (C2)."""
    c = model.pipeline.cols
    acc = model.acc
    value = float(c["value"][row])
    region = int(c["region"][row])
    kind = int(c["kind"][row])
    cos = int(c["cosell"][row])
    if kind == 0:
        acc["direct_closed"] += 1
        acc["direct_won"] += won
        if cos >= 0:
            acc["cosell_closed"] += 1
            acc["cosell_won"] += won
    rep = int(c["rep"][row])
    if won:
        acc["revenue_direct"] += value
        if rep >= 0:
            model.reps.bookings_q[rep] += value
        if _created_this_quarter(model, row, week):
            acc["inquarter"][0] += value
        if cos >= 0:
            coselling.pay_cosell_partner(model, cos, value)
        record_customer(model, int(c["account"][row]), region, DIRECT,
                        partner_reference=cos >= 0 and int(c["segment"][row]) == 0)
    model.log("deal_won" if won else "deal_lost",
              (model.rep_agents[rep].unique_id,) if rep >= 0 else (),
              f"Direct {'won' if won else 'lost'} a {units.money(value)} deal in {model.region_name(region)}",
              amount=value, week=week,
              data={"channel": "direct", "region": region, "kind": kind, "cosell": cos})


def book_partner_deal(model: PartnerProgramModel, row: int, week: int, won: bool) -> None:
    """A partner deal closed: the vendor books the price net of the partner's margin, the
    partner earns margin and services (calibration row E5) and learns from the win; a
    bounty or a neutral rep commission may be owed (C17, C2); who keeps the customer
    depends on the partner (C19)."""
    c = model.pipeline.cols
    p = model.partners
    acc = model.acc
    ch = int(c["channel"][row])
    value = float(c["value"][row])
    region = int(c["region"][row])
    kind = int(c["kind"][row])
    margin = model.effective.partner_margin
    if kind == 0:
        acc["partner_closed"] += 1
        acc["partner_won"] += won
    agent = model.partner_agents[ch]
    if won:
        net = value * (1.0 - margin)
        acc["revenue_partner"] += net
        if _created_this_quarter(model, row, week):
            acc["inquarter"][1] += net
        p.revenue_q[ch] += net
        p.revenue_total[ch] += net
        p.income_q[ch] += value * (margin + P.TYPE_SERVICES_ATTACH[p.ptype[ch]])
        p.wins_q[ch] += 1
        p.wins_total[ch] += 1
        enablement.learn_by_doing(model, ch)
        if kind == 0:
            acc["bounty_owed"] += incentives.bounty_owed(model, value)
        acc["neutral_comp"] += coselling.neutral_comp_commission(model, value, region)
        record_customer(model, int(c["account"][row]), region, relationship_owner(model, ch, region),
                        partner_reference=int(c["segment"][row]) == 0)
        if first_deal(model, ch, week):
            signed = int(p.signed_week[ch])
            model.log("first_partner_deal", (agent.unique_id,),
                      f"{agent.name} closed its first deal, {week - signed} weeks after signing",
                      amount=net, week=week, data={"partner": ch, "weeks_since_signing": week - signed})
            if model.first_partner_deal_week < 0:
                model.first_partner_deal_week = week
    model.log("deal_won" if won else "deal_lost", (agent.unique_id,),
              f"{agent.name} {'won' if won else 'lost'} a {units.money(value)} deal "
              f"in {model.region_name(region)}",
              amount=value * (1 - margin) if won else value, week=week,
              data={"channel": "partner", "partner": ch, "region": region, "kind": kind})


def _created_this_quarter(model: PartnerProgramModel, row: int, week: int) -> bool:
    """Whether opportunity `row` was opened in the quarter it closes in (the run rate)."""
    return bool(model.pipeline.cols["created"][row] >= week - (week % P.WEEKS_PER_QUARTER))

