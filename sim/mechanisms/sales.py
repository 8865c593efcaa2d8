"""The sales motion: opportunities opened by direct reps and partner firms, repeat
business from customers, and deals closing (or slipping) week by week."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim import randomness as rnd
from sim import units
from sim.agents import ENROLLED, PRODUCTIVE, enrolled_mask
from sim.mechanisms import coselling, enablement, incentives
from sim.mechanisms.collaboration import joint_solution_lift, relationship_owner, technology_partner_reach
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


# What each column of an opportunity's uniforms (`sim.randomness.uniforms`) decides; one
# layout for every kind of opportunity, so a column means the same thing in every run.
U_SEGMENT, U_ACCOUNT, U_VALUE, U_WIN, U_REGION, U_BOUNTY, U_ASK, U_PICK = range(8)
U_CYCLE = slice(8, 12)     # a gamma cycle length takes up to four exponentials
U_COLUMNS = 12


def _cycle_weeks(segment: np.ndarray, region_home: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Sales-cycle length in weeks: by segment, longer in new markets (C4)."""
    mean = P.SEGMENT_CYCLE[segment] * np.where(region_home, 1.0, P.NEW_MARKET_CYCLE)
    return np.maximum(1, np.rint(rnd.gamma(P.CYCLE_SHAPE, mean / P.CYCLE_SHAPE, u[:, U_CYCLE]))).astype(np.int64)


def _deal_value(segment: np.ndarray, u: np.ndarray) -> np.ndarray:
    sigma = P.VALUE_SIGMA
    return P.SEGMENT_VALUE[segment] * rnd.lognormal(-sigma * sigma / 2, sigma, u[:, U_VALUE])


def _draw_segments(mix: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A segment per uniform in `u`, from one probability vector `mix` or one per row."""
    if mix.ndim == 1:
        return np.minimum(np.searchsorted(np.cumsum(mix), u, side="right"), len(mix) - 1)
    return rnd.categorical(np.cumsum(mix, axis=-1), u)


def open_opportunities(model: PartnerProgramModel, stream: str, week: int, lam: np.ndarray | None = None,
                       counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """How many opportunities each rep or partner opens this week, and their random keys.

    Owner i's count is Poisson(`lam[i]`) by inversion of a uniform keyed by (`stream`, week,
    i), and its k-th opportunity takes the k-th block of draws from that key: what one owner
    opens does not depend on how many others exist or what they opened (common random
    numbers), and a slightly higher rate adds an opportunity after the ones it had.

    Args:
        model: The model.
        stream: The random stream (`sim.randomness.STREAMS`).
        week: Current week.
        lam: Expected opportunities per owner (reps or partners).
        counts: Opportunities per owner, when already decided (then `lam` is ignored).

    Returns:
        (owner of each opportunity, its key, its uniforms by the `U_*` columns), or None if none.
    """
    r = model.randomness
    if counts is None:
        owners = np.nonzero(lam > 0)[0]
        keys = r.keys_by_id(stream, week, len(lam))[owners]
        n_each = rnd.poisson(lam[owners], rnd.unit(keys))
    else:
        owners = np.nonzero(counts)[0]
        keys = r.key(stream, week, owners)
        n_each = counts[owners]
    n = int(n_each.sum())
    if n == 0:
        return None
    pos = np.repeat(np.arange(len(owners)), n_each)
    k = np.arange(n) - (np.cumsum(n_each) - n_each)[pos]
    # U_COLUMNS uniforms and the opportunity's own key (for later draws about it)
    raw = rnd.sequence(keys[pos], U_COLUMNS + 1, start=k * (U_COLUMNS + 1))
    return owners[pos], raw[:, U_COLUMNS], rnd.unit(raw[:, :U_COLUMNS])


def generate_direct_pipeline(model: PartnerProgramModel, week: int) -> None:
    """Direct reps open opportunities in their home region's named accounts.

    A partner may be asked to co-sell (neutral comp only: a rep paid either way welcomes
    help); a partner on the deal lifts its win rate modestly (CT6).
    """
    reps = model.reps
    demand = region_demand(model)
    drain = 1.0 - P.DIRECT_BUDGET_DRAIN * model.effective.partner_budget_share
    lam = reps.capacity * demand[reps.region] * drain
    opened = open_opportunities(model, "direct", week, lam)
    if opened is None:
        return
    rep, keys, u = opened
    n = len(rep)
    region = reps.region[rep]
    segment = _draw_segments(np.asarray(P.DIRECT_SEGMENT_MIX), u[:, U_SEGMENT])
    account = model.market.draw_accounts(u[:, U_ACCOUNT], region, segment)
    p_win = P.SEGMENT_WIN[segment] * (P.REP_SKILL_BASE + P.REP_SKILL_WEIGHT * reps.skill[rep])
    cosell = np.full(n, -1, dtype=np.int64)
    cosellers = coselling.cosell_candidates(model)
    if cosellers:
        ask = u[:, U_ASK] < P.COSELL_PROB
        for k in np.nonzero(ask)[0]:
            pool = cosellers.get(int(region[k]))
            if pool is not None:
                cosell[k] = pool[rnd.index(len(pool), u[k, U_PICK])]
        has = cosell >= 0
        p_win = np.where(has, p_win * (1.0 + P.COSELL_LIFT * model.partners.capability[cosell]), p_win)
    model.pipeline.add_many(
        week + _cycle_weeks(segment, model.market.is_home[region], u),
        channel=-1, rep=rep, region=region, account=account, segment=segment,
        value=_deal_value(segment, u), p_win=p_win, won=u[:, U_WIN] < p_win,
        created=week, cosell=cosell, kind=0, bounty=False, slipped=False, conflict=False, key=keys,
    )


def partner_reach(size: np.ndarray) -> np.ndarray:
    """Selling capacity a firm of this size can point at a small vendor: grows with size
    but with diminishing returns, since big firms spread effort over many vendors (C10)."""
    return size / (1.0 + P.SIZE_MINDSHARE_DAMPING * size) * (1.0 + P.SIZE_MINDSHARE_DAMPING)


def market_reach(model: PartnerProgramModel) -> np.ndarray:
    """The demand each partner can reach: buying demand in the regions it covers where it may
    sell (C4), and for a global SI only once the vendor has enterprise references with
    partners (calibration row L1: nothing happens without a client)."""
    p = model.partners
    access = p.regions & model.allowed_regions[None, :]
    reach = (access * region_demand(model)[None, :]).sum(axis=1) / np.maximum(p.regions.sum(axis=1), 1)
    gsi = p.ptype == P.GSI
    if gsi.any():
        referenced = min(1.0, model.partner_references / P.GSI_REFERENCES_NEEDED) ** P.GSI_REFERENCE_EXPONENT
        reach = np.where(gsi, reach * referenced, reach)
    return reach


def partner_opportunity_rate(model: PartnerProgramModel, week: int) -> np.ndarray:
    """Opportunities per week each partner opens for the vendor.

    Size x mindshare x fit x readiness x demand x the partner's own rhythm: a partner
    sells the offer only as far as it is worth its while (C6), and the vendor's push or
    bounty adds a burst on top (C16, C17). Marketing leads go to last quarter's producers
    (CT2).
    """
    p = model.partners
    enrolled = enrolled_mask(p.stage)
    ready = np.clip((p.capability - P.CAPABILITY_TO_SELL) / (1 - P.CAPABILITY_TO_SELL), 0, 1)
    reach = market_reach(model)
    effort = partner_effort_multiplier(model)
    share = P.MANAGER_SELLING_SHARE
    managed = 1.0 - share + share * p.attention * model.manager_effectiveness()
    lam = (
        P.PARTNER_OPP_RATE * partner_reach(p.size) * p.mindshare * model.effective_fit() * managed
        * np.sqrt(ready) * reach * partner_rhythm(model, week) * effort * model.marketing_boost
        * technology_partner_reach(model)
    )
    # leads the vendor's marketing routes to partners go to last quarter's producers
    rev = np.where(enrolled, p.revenue_prev_q, 0.0)
    if rev.sum() > 0 and model.marketing_boost > 1.0:
        leads = (P.LEADS_PER_WEEK * model.world.world_scale * (model.marketing_boost - 1.0)
                 / P.MARKETING_BOOST_MAX)
        lam = lam + leads * rev / rev.sum() * p.mindshare
    return np.where(enrolled, lam, 0.0)


def first_deal_assist(model: PartnerProgramModel) -> np.ndarray:
    """Opportunities per week a partner manager brings a new partner to walk it through its
    first deal: a shared lead, a joint call (C20; calibration rows C1, C3, C4: structured
    onboarding gets partners to a first deal within 90 days, and those who close one early
    keep producing). It takes the manager's attention and effectiveness; a joint activity
    plan makes the first deal a milestone both sides work to (C14). The deal is found where the
    partner has customers the offer fits, so partners with more fit and reach get there first
    and the skew of partner revenue (CT2) stays. It stops at the first win, or after
    FIRST_DEAL_QUARTERS quarters."""
    p = model.partners
    new = (p.first_deal_week < 0) & (p.quarters_enrolled < P.FIRST_DEAL_QUARTERS) & enrolled_mask(p.stage)
    if not new.any():
        return np.zeros(p.n)
    plan = P.FIRST_DEAL_PLAN[model.effective.partner_plan]
    # a first deal is found where the partner has customers the offer fits (fit x the firm's reach)
    prospects = model.effective_fit() * partner_reach(p.size)
    return np.where(new, P.FIRST_DEAL_ASSIST * plan * prospects * p.attention * model.manager_effectiveness(), 0.0)


def generate_first_deal_pipeline(model: PartnerProgramModel, week: int) -> None:
    """Partner managers walk new partners through a first deal: a small land deal, run
    jointly, so it needs the partner able to run a sales cycle at all, not yet skilled (C20;
    calibration rows C1, C3, C4). Rate from `first_deal_assist`."""
    p = model.partners
    lam = first_deal_assist(model)
    if not lam.any():
        return
    ready = p.capability >= P.CAPABILITY_TO_SELL
    generate_partner_pipeline(model, week, stream="first_deal", lam=lam * ready * market_reach(model),
                              value_scale=P.FIRST_DEAL_VALUE)


def generate_partner_pipeline(model: PartnerProgramModel, week: int, counts: np.ndarray | None = None,
                              stream: str = "partner", lam: np.ndarray | None = None,
                              value_scale: float = 1.0) -> None:
    """Partner firms open opportunities; those on direct territory may meet a rep (C2).

    Args:
        model: The model.
        week: Current week.
        counts: Opportunities per partner, when already decided.
        stream: The random stream the opportunities are keyed in ("launch" for the deals new
            partners bring when they sign, "first_deal" for those their managers bring them).
        lam: Expected opportunities per partner, if `counts` is None (default
            `partner_opportunity_rate`).
        value_scale: Multiplier on the deals' value (a first deal is a small one).
    """
    p = model.partners
    if counts is None:
        rate = partner_opportunity_rate(model, week) if lam is None else lam
        opened = open_opportunities(model, stream, week, lam=rate)
    else:
        opened = open_opportunities(model, stream, week, counts=counts)
    if opened is None:
        return
    who, keys, u = opened
    n = len(who)
    # region: among the partner's allowed regions, weighted by demand
    weights = (p.regions[who] & model.allowed_regions[None, :]) * region_demand(model)[None, :]
    region = rnd.categorical(np.cumsum(weights, axis=1), u[:, U_REGION])
    segment = _draw_segments(P.TYPE_SEGMENT_MIX[p.ptype[who]], u[:, U_SEGMENT])
    account = model.market.draw_accounts(u[:, U_ACCOUNT], region, segment)
    solution = np.where(p.ptype[who] == P.GSI, P.GSI_DEAL_MULT, P.PARTNER_DEAL_MULT)
    value = _deal_value(segment, u) * solution * value_scale
    p_win = partner_win_probability(model, who, segment, region)
    bounty = np.zeros(n, dtype=bool)
    if incentives.bounty_running(model):
        claimed = np.minimum(1.0, P.BOUNTY_CLAIM_NOVELTY * p.bounty_novelty[who] + P.BOUNTY_CLAIM_BASE)
        bounty = u[:, U_BOUNTY] < claimed
        p_win = np.where(bounty, p_win * P.BOUNTY_QUALITY, p_win)
    np.add.at(p.opps_q, who, 1)
    np.add.at(p.opps_total, who, 1)
    home = model.market.is_home[region]
    cycle = (np.maximum(1, np.rint(_cycle_weeks(segment, home, u) * P.PARTNER_CYCLE)).astype(np.int64)
             + P.RESALE_LAG_WEEKS)
    rows = model.pipeline.add_many(
        week + cycle, channel=who, rep=-1, region=region, account=account,
        segment=segment, value=value, p_win=p_win, won=u[:, U_WIN] < p_win,
        created=week, cosell=-1, kind=0, bounty=bounty, slipped=False, conflict=False, key=keys,
    )
    for row in rows[home].tolist():
        resolve_channel_conflict(model, row, week)


def partner_win_probability(model: PartnerProgramModel, i: np.ndarray, segment: np.ndarray,
                             region: np.ndarray) -> np.ndarray:
    """Win rate of partner-run deals: capability, made repeatable by a playbook (C5),
    brand awareness in the region (C4) and joint solutions with technology partners (C19)."""
    playbook = model.effective.sales_playbook
    cap = model.partners.capability[i] * (P.PLAYBOOK_WIN_BASE + P.PLAYBOOK_WIN_WEIGHT * playbook)
    awareness = model.market.awareness[region]
    return (P.SEGMENT_WIN[segment] * (P.PARTNER_WIN_BASE + P.PARTNER_WIN_CAPABILITY * cap)
            * (P.AWARENESS_WIN_BASE + P.AWARENESS_WIN_WEIGHT * awareness) * joint_solution_lift(model))


def generate_expansion_pipeline(model: PartnerProgramModel, week: int) -> None:
    """Customers buy again through whoever owns the relationship (repeat business)."""
    m = model.market
    cust = np.nonzero(m.customer)[0]
    if len(cust) == 0:
        return
    keys = model.randomness.keys_by_id("expansion", week, len(m.region))[cust]   # (week, account)
    owner = m.owner[cust]
    rate = P.EXPANSION_RATE * m.expansion_mult[cust] * model.world.demand * model.demand_shock
    partner_owned = owner >= 0
    if partner_owned.any():
        ms = model.partners.mindshare[np.where(partner_owned, owner, 0)]
        cares = P.EXPANSION_MINDSHARE_BASE + P.EXPANSION_MINDSHARE_WEIGHT * ms
        rate = np.where(partner_owned, rate * cares, rate)
    hit = rnd.unit(keys) < rate
    hits = cust[hit]
    if len(hits) == 0:
        return
    keys = keys[hit]
    u = rnd.uniforms(keys, U_COLUMNS)
    own = m.owner[hits]
    seg = m.segment[hits]
    region = m.region[hits]
    spread = rnd.lognormal(P.EXPANSION_VALUE_MU, P.EXPANSION_VALUE_SIGMA, u[:, U_VALUE])
    value = P.SEGMENT_VALUE[seg] * P.EXPANSION_VALUE * spread
    p = model.partners
    gsi = (own >= 0) & (p.ptype[np.maximum(own, 0)] == P.GSI)
    value = np.where(gsi, value * P.GSI_DEAL_MULT, value)
    rep = np.array([model.rep_for_region(int(r), float(v)) if o < 0 else -1
                    for o, r, v in zip(own, region, u[:, U_PICK], strict=True)], dtype=np.int64)
    keep = (own >= 0) | (rep >= 0)
    if not keep.all():
        hits, own, seg, region, value, rep, keys, u = (
            a[keep] for a in (hits, own, seg, region, value, rep, keys, u))
    k = len(hits)
    if k == 0:
        return
    cycle = rnd.gamma(P.EXPANSION_CYCLE_SHAPE, P.EXPANSION_CYCLE / P.EXPANSION_CYCLE_SHAPE, u[:, U_CYCLE])
    model.pipeline.add_many(
        week + np.maximum(1, cycle.astype(np.int64)),
        channel=np.where(own >= 0, own, -1), rep=rep, region=region, account=hits, segment=seg,
        value=value, p_win=P.EXPANSION_WIN, won=u[:, U_WIN] < P.EXPANSION_WIN,
        created=week, cosell=-1, kind=1, bounty=False, slipped=False, conflict=False, key=keys,
    )


def close_deals(model: PartnerProgramModel, week: int) -> None:
    """Deals due this week close, or slip when the partner's own business is busy (C18)."""
    rows = model.pipeline.due.pop(week, [])
    if not rows:
        return
    c = model.pipeline.cols
    p = model.partners
    rhythm = None
    # whether a partner deal slips, and by how long, is keyed by the deal (the "deals" stream)
    salt = model.randomness.salt("deals")
    lo, hi = P.SLIP_WEEKS
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
                key = int(c["key"][row]) ^ salt
                if rnd.draw(key, 1) < slip_probability(rhythm[ch], p.capability[ch]):
                    c["slipped"][row] = True
                    model.pipeline.reschedule(row, week + lo + int(rnd.draw(key, 2) * (hi - lo)))
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

