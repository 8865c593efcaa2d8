"""The sales motion: opportunities opened by direct reps and partner firms, repeat
business from customers, and deals closing (or slipping) week by week."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim import randomness as rnd
from sim import units
from sim.agents import ENROLLED, PRODUCTIVE, enrolled_mask
from sim.events import Event
from sim.mechanisms import coselling, enablement, incentives
from sim.mechanisms.collaboration import joint_solution_lift, relationship_owner, technology_partner_reach
from sim.mechanisms.conflict import resolve_channel_conflicts
from sim.mechanisms.management import partner_effort_multiplier
from sim.state import DIRECT, NO_OWNER, remembered

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def region_demand(model: PartnerProgramModel) -> np.ndarray:
    """Buying demand per region: thinner in new markets until references build (C4).
    Read-only, worked out again when awareness, the world's demand or a shock changes it."""
    m = model.market
    key = (m.awareness.tobytes(), m.is_home.tobytes(), model.world.demand, model.demand_shock)
    return remembered(model, "region_demand", key, lambda: _region_demand(model))


def _region_demand(model: PartnerProgramModel) -> np.ndarray:
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


# the gamma scale of a cycle by segment in a new market (row 0) or at home (row 1), flattened:
# the mean cycle over the shape, one table lookup per opportunity
_CYCLE_SCALE = (np.stack([P.SEGMENT_CYCLE * P.NEW_MARKET_CYCLE, P.SEGMENT_CYCLE * 1.0]) / P.CYCLE_SHAPE).ravel()
_N_SEGMENTS = len(P.SEGMENT_CYCLE)
_DIRECT_SEGMENT_CUM = np.cumsum(P.DIRECT_SEGMENT_MIX)


def _cycle_weeks(segment: np.ndarray, region_home: np.ndarray | None, u: np.ndarray) -> np.ndarray:
    """Sales-cycle length in weeks: by segment, longer in new markets (C4). `region_home`
    None: every opportunity is at home (a direct rep's)."""
    scale = _CYCLE_SCALE[segment + _N_SEGMENTS if region_home is None else segment + _N_SEGMENTS * region_home]
    return np.maximum(1, np.rint(rnd.gamma(P.CYCLE_SHAPE, scale, u[:, U_CYCLE]))).astype(np.int64)


def _deal_value(segment: np.ndarray, u: np.ndarray) -> np.ndarray:
    sigma = P.VALUE_SIGMA
    return P.SEGMENT_VALUE[segment] * rnd.lognormal(-sigma * sigma / 2, sigma, u[:, U_VALUE])


def _draw_segments(mix: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A segment per uniform in `u`, from one probability vector `mix` or one per row."""
    if mix.ndim == 1:
        cum = _DIRECT_SEGMENT_CUM if mix is P.DIRECT_SEGMENT_MIX else np.cumsum(mix)
        return np.minimum(np.searchsorted(cum, u, side="right"), len(mix) - 1)
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
        if len(owners) == 0:
            return None
        opening, n_each = rnd.poisson_positive(lam[owners], r.units_by_id(stream, week, len(lam))[owners])
        if len(opening) == 0:
            return None
        owners = owners[opening]
        keys = r.keys_by_id(stream, week, len(lam))[owners]
    else:
        owners = np.nonzero(counts)[0]
        if len(owners) == 0:
            return None
        keys = r.key(stream, week, owners)
        n_each = counts[owners]
    n = int(n_each.sum())
    if n == len(owners):    # one each (the usual week): block 0 of each owner's draws
        raw = rnd.sequence(keys, U_COLUMNS + 1)
    else:
        if len(owners) <= 64:     # a small scale's few owners: the same positions, in Python
            each = n_each.tolist()
            pos = np.array([j for j, c in enumerate(each) for _ in range(c)], dtype=np.int64)
            k = np.array([b for c in each for b in range(c)], dtype=np.int64)
        else:
            pos = np.repeat(np.arange(len(owners)), n_each)
            k = np.arange(n) - (np.cumsum(n_each) - n_each)[pos]
        owners, keys = owners[pos], keys[pos]
        raw = rnd.sequence(keys, U_COLUMNS + 1, start=k * (U_COLUMNS + 1))
    # U_COLUMNS uniforms and the opportunity's own key (for later draws about it)
    return owners, raw[:, U_COLUMNS], rnd.unit(raw)[:, :U_COLUMNS]


@dataclass(frozen=True)
class Conditions:
    """What the week's selling works with, worked out once a week (`this_week`) and shared
    by the week's pipeline generation, during which none of it changes (deals booked at the
    week's end change partners' reach for the next week).

    Attributes:
        week: The week.
        demand: `region_demand`.
        reach: `market_reach`.
        fit: `model.effective_fit()`.
        managers: `model.manager_effectiveness()`.
        capacity: `partner_reach` of each partner's size.
        rhythm: `partner_rhythm` this week.
        enrolled: Which partners are enrolled (`enrolled_mask`; a stage changes only as deals
            close and at a quarter's turn).
    """

    week: int
    demand: np.ndarray
    reach: np.ndarray
    fit: np.ndarray
    managers: np.ndarray
    capacity: np.ndarray
    rhythm: np.ndarray
    enrolled: np.ndarray


def this_week(model: PartnerProgramModel, week: int) -> Conditions:
    """This week's `Conditions` (call it after the quarter's start, before the week's pipeline)."""
    p = model.partners
    demand = region_demand(model)
    capacity = remembered(model, "partner_reach", (p.size.tobytes(),), lambda: partner_reach(p.size))
    return Conditions(week, demand, market_reach(model, demand), model.effective_fit(), model.manager_effectiveness(),
                      capacity, partner_rhythm(model, week), enrolled_mask(p.stage))


def generate_direct_pipeline(model: PartnerProgramModel, week: int, now: Conditions | None = None) -> None:
    """Direct reps open opportunities in their home region's named accounts.

    A partner may be asked to co-sell (neutral comp only: a rep paid either way welcomes
    help); a partner on the deal lifts its win rate modestly (CT6). `now`: this week's
    conditions, if already worked out.
    """
    reps = model.reps
    demand = region_demand(model) if now is None else now.demand
    drain = 1.0 - P.DIRECT_BUDGET_DRAIN * model.effective.partner_budget_share
    # read-only, worked out again when demand, the budget's drain or the team changes
    key = (demand.tobytes(), drain, reps.capacity.tobytes(), reps.region.tobytes())
    lam = remembered(model, "direct_rate", key, lambda: reps.capacity * demand[reps.region] * drain)
    opened = open_opportunities(model, "direct", week, lam)
    if opened is None:
        return
    rep, keys, u = opened
    n = len(rep)
    region = reps.region[rep]
    segment = _draw_segments(P.DIRECT_SEGMENT_MIX, u[:, U_SEGMENT])
    account = model.market.draw_accounts(u[:, U_ACCOUNT], region, segment)
    skilled = remembered(model, "rep_skill", (reps.skill.tobytes(),),
                         lambda: P.REP_SKILL_BASE + P.REP_SKILL_WEIGHT * reps.skill)
    p_win = P.SEGMENT_WIN[segment] * skilled[rep]
    cosell: np.ndarray | int = -1
    cosellers = coselling.cosell_candidates(model)
    if cosellers:
        cosell = np.full(n, -1, dtype=np.int64)
        asked = False
        for k, (u_ask, u_pick, g) in enumerate(zip(u[:, U_ASK].tolist(), u[:, U_PICK].tolist(), region.tolist(),
                                                   strict=True)):
            pool = cosellers.get(g) if u_ask < P.COSELL_PROB else None
            if pool is not None:
                cosell[k] = pool[min(int(u_pick * len(pool)), len(pool) - 1)]    # `rnd.index`, in Python
                asked = True
        if asked:
            has = cosell >= 0
            p_win = np.where(has, p_win * (1.0 + P.COSELL_LIFT * model.partners.capability[cosell]), p_win)
    model.pipeline.add_many(
        week + _cycle_weeks(segment, None, u),     # reps work home regions
        channel=-1, rep=rep, region=region, account=account, segment=segment,
        value=_deal_value(segment, u), p_win=p_win, won=u[:, U_WIN] < p_win,
        created=week, cosell=cosell, kind=0, bounty=False, slipped=False, conflict=False, key=keys,
    )


def partner_reach(size: np.ndarray) -> np.ndarray:
    """Selling capacity a firm of this size can point at a small vendor: grows with size
    but with diminishing returns, since big firms spread effort over many vendors (C10)."""
    return size / (1.0 + P.SIZE_MINDSHARE_DAMPING * size) * (1.0 + P.SIZE_MINDSHARE_DAMPING)


def market_reach(model: PartnerProgramModel, demand: np.ndarray | None = None) -> np.ndarray:
    """The demand each partner can reach: buying demand in the regions it covers where it may
    sell (C4), and for a global SI only once the vendor has enterprise references with
    partners (calibration row L1: nothing happens without a client). `demand`: this week's
    `region_demand`, if already worked out."""
    p = model.partners
    demand = region_demand(model) if demand is None else demand
    allowed = model.allowed_regions
    # read-only, worked out again when demand, the regions partners cover or may sell in, or
    # the references global SIs wait for change
    key = (demand.tobytes(), allowed.tobytes(), p.regions.tobytes(), p.ptype.tobytes(), model.partner_references)
    return remembered(model, "market_reach", key, lambda: _market_reach(model, demand, allowed))


def _market_reach(model: PartnerProgramModel, demand: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    p = model.partners
    # worked out once per combination of regions partners cover (a handful), the same sums
    patterns, which = _region_patterns(model)
    access = patterns & allowed[None, :]
    reach = ((access * demand[None, :]).sum(axis=1) / np.maximum(patterns.sum(axis=1), 1))[which]
    gsi = p.ptype == P.GSI
    if np.count_nonzero(gsi):
        referenced = min(1.0, model.partner_references / P.GSI_REFERENCES_NEEDED) ** P.GSI_REFERENCE_EXPONENT
        reach = np.where(gsi, reach * referenced, reach)
    return reach


def _region_patterns(model: PartnerProgramModel) -> tuple[np.ndarray, np.ndarray]:
    """The distinct combinations of regions partners cover (rows of `partners.regions`) and
    which one each partner has; kept on the model, as partners' regions never change."""
    regions = model.partners.regions
    memo = getattr(model, "_region_patterns", None)
    if memo is None or memo[0] is not regions:
        patterns, which = np.unique(regions, axis=0, return_inverse=True)
        memo = model._region_patterns = (regions, patterns, which.reshape(-1))
    return memo[1], memo[2]


def partner_opportunity_rate(model: PartnerProgramModel, week: int, now: Conditions | None = None) -> np.ndarray:
    """Opportunities per week each partner opens for the vendor.

    Size x mindshare x fit x readiness x demand x the partner's own rhythm: a partner
    sells the offer only as far as it is worth its while (C6), and the vendor's push or
    bounty adds a burst on top (C16, C17). Marketing leads go to last quarter's producers
    (CT2). `now`: this week's conditions, if already worked out.
    """
    p = model.partners
    now = this_week(model, week) if now is None else now
    enrolled = now.enrolled
    ready = np.minimum(np.maximum((p.capability - P.CAPABILITY_TO_SELL) / (1 - P.CAPABILITY_TO_SELL), 0), 1)
    effort = partner_effort_multiplier(model)
    share = P.MANAGER_SELLING_SHARE
    managed = 1.0 - share + share * p.attention * now.managers
    lam = (
        P.PARTNER_OPP_RATE * now.capacity * p.mindshare * now.fit * managed
        * np.sqrt(ready) * now.reach * now.rhythm * effort * model.marketing_boost
        * technology_partner_reach(model)
    )
    # leads the vendor's marketing routes to partners go to last quarter's producers
    if model.marketing_boost > 1.0:
        rev = np.where(enrolled, p.revenue_prev_q, 0.0)
        total = rev.sum()
        if total > 0:
            leads = (P.LEADS_PER_WEEK * model.world.world_scale * (model.marketing_boost - 1.0)
                     / P.MARKETING_BOOST_MAX)
            lam = lam + leads * rev / total * p.mindshare
    return np.where(enrolled, lam, 0.0)


def first_deal_assist(model: PartnerProgramModel, now: Conditions | None = None) -> np.ndarray:
    """Opportunities per week a partner manager brings a new partner to walk it through its
    first deal: a shared lead, a joint call (C20; calibration rows C1, C3, C4: structured
    onboarding gets partners to a first deal within 90 days, and those who close one early
    keep producing). It takes the manager's attention and effectiveness; a joint activity
    plan makes the first deal a milestone both sides work to (C14). The deal is found where the
    partner has customers the offer fits, so partners with more fit and reach get there first
    and the skew of partner revenue (CT2) stays. It stops at the first win, or after
    FIRST_DEAL_QUARTERS quarters. `now`: this week's conditions, if already worked out."""
    p = model.partners
    enrolled = enrolled_mask(p.stage) if now is None else now.enrolled
    new = (p.first_deal_week < 0) & (p.quarters_enrolled < P.FIRST_DEAL_QUARTERS) & enrolled
    if not np.count_nonzero(new):
        return np.zeros(p.n)
    plan = P.FIRST_DEAL_PLAN[model.effective.partner_plan]
    fit, capacity, managers = ((model.effective_fit(), partner_reach(p.size), model.manager_effectiveness())
                               if now is None else (now.fit, now.capacity, now.managers))
    # a first deal is found where the partner has customers the offer fits (fit x the firm's reach)
    prospects = fit * capacity
    return np.where(new, P.FIRST_DEAL_ASSIST * plan * prospects * p.attention * managers, 0.0)


def generate_first_deal_pipeline(model: PartnerProgramModel, week: int, now: Conditions | None = None) -> None:
    """Partner managers walk new partners through a first deal: a small land deal, run
    jointly, so it needs the partner able to run a sales cycle at all, not yet skilled (C20;
    calibration rows C1, C3, C4). Rate from `first_deal_assist`. `now`: this week's
    conditions, if already worked out."""
    p = model.partners
    lam = first_deal_assist(model, now)
    if not np.count_nonzero(lam):
        return
    ready = p.capability >= P.CAPABILITY_TO_SELL
    reach = market_reach(model) if now is None else now.reach
    generate_partner_pipeline(model, week, stream="first_deal", lam=lam * ready * reach,
                              value_scale=P.FIRST_DEAL_VALUE, now=now)


def generate_partner_pipeline(model: PartnerProgramModel, week: int, counts: np.ndarray | None = None,
                              stream: str = "partner", lam: np.ndarray | None = None,
                              value_scale: float = 1.0, now: Conditions | None = None) -> None:
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
        now: This week's conditions, if already worked out.
    """
    p = model.partners
    if counts is None:
        rate = partner_opportunity_rate(model, week, now) if lam is None else lam
        opened = open_opportunities(model, stream, week, lam=rate)
    else:
        opened = open_opportunities(model, stream, week, counts=counts)
    if opened is None:
        return
    who, keys, u = opened
    ptype = p.ptype[who]
    # region: among the partner's allowed regions, weighted by demand
    demand = region_demand(model) if now is None else now.demand
    region = rnd.categorical(_region_weights(model, demand)[who], u[:, U_REGION])
    segment = rnd.categorical(_TYPE_SEGMENT_CUM[ptype], u[:, U_SEGMENT])     # `_draw_segments`
    account = model.market.draw_accounts(u[:, U_ACCOUNT], region, segment)
    value = _deal_value(segment, u) * _SOLUTION_MULT[ptype]
    if value_scale != 1.0:
        value = value * value_scale
    p_win = partner_win_probability(model, who, segment, region)
    bounty: np.ndarray | bool = False
    if incentives.bounty_running(model):
        claimed = np.minimum(1.0, P.BOUNTY_CLAIM_NOVELTY * p.bounty_novelty[who] + P.BOUNTY_CLAIM_BASE)
        bounty = u[:, U_BOUNTY] < claimed
        p_win = np.where(bounty, p_win * P.BOUNTY_QUALITY, p_win)
    if len(who) <= 8:      # a few: cheaper one by one than `np.add.at`
        for i in who.tolist():
            p.opps_q[i] += 1
            p.opps_total[i] += 1
    else:
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
    resolve_channel_conflicts(model, rows[home], week)


# deal size by partner type: a global SI sells a bigger solution around the offer
_SOLUTION_MULT = np.where(np.arange(len(P.TYPE_SEGMENT_MIX)) == P.GSI, P.GSI_DEAL_MULT, P.PARTNER_DEAL_MULT)
_TYPE_SEGMENT_CUM = np.cumsum(P.TYPE_SEGMENT_MIX, axis=-1)


def _region_weights(model: PartnerProgramModel, demand: np.ndarray) -> np.ndarray:
    """Each partner's cumulative weights over regions for where its opportunity is: demand in
    the regions it covers where it may sell. Read-only, worked out again when those change."""
    p = model.partners
    allowed = model.allowed_regions
    return remembered(model, "region_weights", (demand.tobytes(), allowed.tobytes(), p.regions.tobytes()),
                      lambda: np.cumsum((p.regions & allowed[None, :]) * demand[None, :], axis=1))


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
    if np.count_nonzero(partner_owned):
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
    rep = np.where(own < 0, model.reps_for_regions(region, u[:, U_PICK]), -1)
    keep = (own >= 0) | (rep >= 0)
    if np.count_nonzero(keep) < len(keep):
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


def close_deals(model: PartnerProgramModel, week: int, rhythm: np.ndarray | None = None) -> None:
    """Deals due this week close, or slip when the partner's own business is busy (C18).

    They close in the order they fell due and are booked together (`book_deal`). `rhythm`:
    this week's `partner_rhythm`, if already worked out.
    """
    due = model.pipeline.due.pop(week, [])
    if not due:
        return
    c = model.pipeline.cols
    rows = np.array(due, dtype=np.int64)
    rows = rows[c["close"][rows] == week]          # a rescheduled deal closes later
    ch = c["channel"][rows]
    mine = np.nonzero(ch >= 0)[0]
    if len(mine):
        rows = rows[_partner_deals_closing(model, rows, ch, mine, week, rhythm)]
    book_deal(model, rows, week)


def _partner_deals_closing(model: PartnerProgramModel, rows: np.ndarray, ch: np.ndarray, mine: np.ndarray,
                           week: int, rhythm: np.ndarray | None) -> np.ndarray:
    """Which of the due `rows` close (a mask): the partner deals at positions `mine` die with
    a partner that left, and slip when its business is busy (C18).

    Whether a deal slips depends on the partner's capability, which each deal it wins raises
    at once (`learn_by_doing`), so its next deal due this week meets what it learned.
    """
    c = model.pipeline.cols
    p = model.partners
    closing = np.ones(len(rows), dtype=bool)
    who = ch[mine]
    alive = enrolled_mask(p.stage[who])    # the partner left: the opportunity dies with the relationship
    closing[mine[~alive]] = False
    mine, who = mine[alive], who[alive]
    if len(mine) == 0:
        return closing
    due = rows[mine]
    rhythm = partner_rhythm(model, week) if rhythm is None else rhythm
    # whether a partner deal slips, and by how long, is keyed by the deal (the "deals" stream)
    u = rnd.uniforms(c["key"][due] ^ np.uint64(model.randomness.salt("deals")), 2)
    odds = slip_probability(rhythm[who], p.capability[who])
    lo, hi = P.SLIP_WEEKS
    learned: set[int] = set()      # partners a win this week has taught already
    for j, i, row, slipped, won, u_slip, u_when, chance in zip(
            mine.tolist(), who.tolist(), due.tolist(), c["slipped"][due].tolist(), c["won"][due].tolist(),
            u[:, 0].tolist(), u[:, 1].tolist(), odds.tolist(), strict=True):
        if not slipped:
            if i in learned:
                chance = slip_probability(rhythm[i], p.capability[i])
            if u_slip < chance:
                c["slipped"][row] = True
                model.pipeline.reschedule(row, week + lo + int(u_when * (hi - lo)))
                closing[j] = False
                continue
        if won:
            enablement.learn_by_doing(model, i)
            learned.add(i)
    return closing


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
def book_deal(model: PartnerProgramModel, rows: np.ndarray, week: int) -> None:
    """Book the closed opportunities `rows`, in the order they closed, each through the
    channel that sold it (`book_direct_deal`, `book_partner_deal`).

    One batch of array operations for the week, with the same result as booking the deals
    one by one: money adds up deal by deal in that order, the first deal to win an account
    makes it a customer and gives the relationship to its owner, and the event log lists the
    deals in that order.
    """
    if len(rows) == 0:
        return
    c = model.pipeline.cols
    deal = {name: c[name][rows] for name in ("channel", "won", "value", "kind", "cosell")}
    ch, won, value = deal["channel"], deal["won"], deal["value"]
    direct = ch < 0
    deal["new"] = deal["kind"] == 0
    deal["in_quarter"] = c["created"][rows] >= week - (week % P.WEEKS_PER_QUARTER)   # counts in the run rate
    deal["rep"] = c["rep"][rows]
    deal["region"] = c["region"][rows]
    # by channel, new business and outcome: code 1 + 2 won + 4 partner (0: not new business)
    n = np.bincount(deal["new"] * (1 + 2 * won + 4 * ~direct), minlength=8).tolist()
    book_direct_deal(model, deal, direct, n[1] + n[3], n[3])
    by_partners = np.count_nonzero(direct) < len(rows)
    firsts = book_partner_deal(model, deal, ~direct, week, n[5] + n[7], n[7]) if by_partners else []
    # the partner on each deal: the one that sold it, or a direct deal's co-seller (-1: none)
    partner = np.where(direct, deal["cosell"], ch)
    paid = won & (partner >= 0)
    if np.count_nonzero(paid):
        # services income, in closing order: partners' own wins and direct wins they co-sold
        to, v, d = partner[paid], value[paid], direct[paid]
        margin = model.effective.partner_margin
        income = np.where(d, coselling.pay_cosell_partner(model, to, v),
                          v * (margin + P.TYPE_SERVICES_ATTACH[model.partners.ptype[to]]))
        np.add.at(model.partners.income_q, to, income)
    rows_won = rows[won]
    region_won = deal["region"][won]
    owner = np.where(direct[won], DIRECT, relationship_owner(model, np.maximum(ch[won], 0), region_won))
    # an enterprise customer won with a partner (selling or co-selling) is a partner reference
    reference = paid[won] & (c["segment"][rows_won] == 0)
    record_customer(model, c["account"][rows_won], region_won, owner, reference)
    model.log_batch(DealBatch(model, deal, direct, week, firsts))


def book_direct_deal(model: PartnerProgramModel, deal: dict[str, np.ndarray], mine: np.ndarray,
                     closed: int, won: int) -> None:
    """Direct deals closed (the `mine` ones of a week's `deal` columns; `closed` and `won`
    new-business deals among them): the reps' bookings, and win rates with and without a
    co-selling partner (CT6). `book_deal` pays the co-sellers their services income (C2)."""
    acc = model.acc
    acc["direct_closed"] += closed
    acc["direct_won"] += won
    cosold = (deal["cosell"] >= 0) & mine
    if np.count_nonzero(cosold):
        new_cosold = deal["new"] & cosold
        acc["cosell_closed"] += int(np.count_nonzero(new_cosold))
        acc["cosell_won"] += int(np.count_nonzero(new_cosold & deal["won"]))
    booked = deal["won"] & mine
    value = deal["value"][booked]
    acc["revenue_direct"] = _add_in_order(acc["revenue_direct"], value)
    rep = deal["rep"][booked]
    if np.count_nonzero(rep < 0):
        value, rep = value[rep >= 0], rep[rep >= 0]
    np.add.at(model.reps.bookings_q, rep, value)
    acc["inquarter"][0] = _add_in_order(acc["inquarter"][0], deal["value"][booked & deal["in_quarter"]])


def book_partner_deal(model: PartnerProgramModel, deal: dict[str, np.ndarray], mine: np.ndarray, week: int,
                      closed: int, won: int) -> list[int]:
    """Partner deals closed (the `mine` ones of a week's `deal` columns; `closed` and `won`
    new-business deals among them): the vendor books the price net of the partner's margin,
    the partner earns margin and services (calibration row E5; `book_deal` pays them) and
    has learned from each win (`close_deals`); a bounty or a neutral rep commission may be
    owed (C17, C2); who keeps the customer depends on the partner (C19, `book_deal`).

    Returns the positions of the deals that were their partner's first win.
    """
    p = model.partners
    acc = model.acc
    acc["partner_closed"] += closed
    acc["partner_won"] += won
    booked = deal["won"] & mine
    who = deal["channel"][booked]
    value = deal["value"][booked]
    net = value * (1.0 - model.effective.partner_margin)
    acc["revenue_partner"] = _add_in_order(acc["revenue_partner"], net)
    acc["inquarter"][1] = _add_in_order(acc["inquarter"][1], net[deal["in_quarter"][booked]])
    for arr, amount in ((p.revenue_q, net), (p.revenue_total, net), (p.wins_q, 1), (p.wins_total, 1)):
        np.add.at(arr, who, amount)
    acc["bounty_owed"] = _add_in_order(acc["bounty_owed"], incentives.bounty_owed(model, value[deal["new"][booked]]))
    acc["neutral_comp"] = _add_in_order(acc["neutral_comp"],
                                        coselling.neutral_comp_commission(model, value, deal["region"][booked]))
    # a win by a partner without one yet is its first (a second win that week is not)
    new_winner = p.first_deal_week[who] < 0
    firsts = []
    if np.count_nonzero(new_winner):
        at = np.nonzero(booked)[0][new_winner]
        firsts = [k for k, i in zip(at.tolist(), who[new_winner].tolist(), strict=True) if first_deal(model, i, week)]
    if firsts and model.first_partner_deal_week < 0:
        model.first_partner_deal_week = week
    return firsts


class DealBatch:
    """A week's closed deals as the event log keeps them until it is read (`EventBatch`):
    the deals' columns, turned into `deal_won` / `deal_lost` events in closing order, each
    partner's first win (`first_partner_deal`) just before its deal. Sentences are written
    when read (`deal_sentence`)."""

    def __init__(self, model: PartnerProgramModel, deal: dict[str, np.ndarray], direct: np.ndarray, week: int,
                 firsts: list[int]) -> None:
        self._deal, self._direct, self._week, self._firsts = deal, direct, week, firsts
        self._keep = 1 - model.effective.partner_margin
        self._reps, self._partners, self._labels = model.rep_agents, model.partner_agents, model.region_labels
        self._signed = [int(model.partners.signed_week[int(deal["channel"][k])]) for k in firsts]

    def __len__(self) -> int:
        return len(self._direct) + len(self._firsts)

    def events(self) -> list[Event]:
        """The deals as events, in order."""
        deal, week, keep, labels, agents = self._deal, self._week, self._keep, self._labels, self._partners
        rep_ids = [a.unique_id for a in self._reps]
        quarter = week // P.WEEKS_PER_QUARTER + 1
        out = [
            Event(quarter, week, "deal_won" if w else "deal_lost", (rep_ids[r],) if r >= 0 else (),
                  (deal_sentence, "Direct", w, v, labels[g]), v,
                  {"channel": "direct", "region": g, "kind": k, "cosell": s})
            if d else
            Event(quarter, week, "deal_won" if w else "deal_lost", (agents[i].unique_id,),
                  (deal_sentence, agents[i].name, w, v, labels[g]), v * keep if w else v,
                  {"channel": "partner", "partner": i, "region": g, "kind": k})
            for d, w, v, g, k, r, s, i in zip(
                self._direct.tolist(), deal["won"].tolist(), deal["value"].tolist(), deal["region"].tolist(),
                deal["kind"].tolist(), deal["rep"].tolist(), deal["cosell"].tolist(), deal["channel"].tolist(),
                strict=True)
        ]
        for k, signed in reversed(list(zip(self._firsts, self._signed, strict=True))):
            i = int(deal["channel"][k])
            agent = agents[i]
            out.insert(k, Event(quarter, week, "first_partner_deal", (agent.unique_id,),
                                f"{agent.name} closed its first deal, {week - signed} weeks after signing",
                                out[k].amount, {"partner": i, "weeks_since_signing": week - signed}))
        return out


def record_customer(model: PartnerProgramModel, account: np.ndarray, region: np.ndarray, owner: np.ndarray,
                    partner_reference: np.ndarray) -> None:
    """Won deals (in the order they closed) make their accounts customers; a customer
    relationship goes to the first of them with an `owner` unless someone already holds it.

    A first purchase adds a reference in its region (awareness in new markets, C4); an
    enterprise customer won with a partner is a reference global SIs wait for (C10;
    calibration row L1).
    """
    m = model.market
    refs = np.count_nonzero(partner_reference)
    if refs:
        model.partner_references += int(refs)
    new = ~m.customer[account]
    if np.count_nonzero(new):
        first = _first_of_each(account[new])
        m.customer[account[new][first]] = True
        np.add.at(m.references, region[new][first], 1)
    claims = (owner != NO_OWNER) & (m.owner[account] == NO_OWNER)
    if np.count_nonzero(claims):
        first = _first_of_each(account[claims])
        m.owner[account[claims][first]] = owner[claims][first]


def _first_of_each(ids: np.ndarray) -> np.ndarray | list[int]:
    """Positions of the first occurrence of each distinct id in `ids` (a dict is quicker
    than sorting for the few a week brings at small scale)."""
    if len(ids) > 64:
        return np.unique(ids, return_index=True)[1]
    first: dict[int, int] = {}
    for j, a in enumerate(ids.tolist()):
        first.setdefault(a, j)
    return list(first.values())


def _add_in_order(total: float, amounts: np.ndarray | float) -> float:
    """`total` plus `amounts` one at a time, left to right, as `+=` deal by deal adds them
    (`sum` would add pairwise and round differently)."""
    for a in np.atleast_1d(amounts).tolist():
        total += a
    return total


def deal_sentence(who: str, won: bool, value: float, where: str) -> str:
    """A closed deal as the news feed says it ("Direct won a $120K deal in North"); an
    event's `cause`, written when read."""
    return f"{who} {'won' if won else 'lost'} a {units.money(value)} deal in {where}"
