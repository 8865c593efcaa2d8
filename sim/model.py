"""PartnerProgramModel: a vendor's direct team, partner team and partner firms.

One step is one week; 13 weeks make a quarter. Each week reps and partners open
opportunities, conflicts are resolved, customers buy again and deals close. At the
start of a quarter the vendor staffs its partner team, recruits, delivers onboarding
and allocates attention; at its end partners learn, judge the quarter, decide how much
effort to give and whether to stay, and the board reviews the program.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim import params as P
from sim.agents import DirectRep, PartnerFirm, PartnerManager, enrolled_mask
from sim.events import (
    Event,
    EventBatch,
    EventLog,
    Imposition,
    ScheduledEvent,
    Sentence,
    check_scheduled,
    imposed_summary,
    impositions,
)
from sim.mechanisms import (
    collaboration,
    conflict,
    coselling,
    enablement,
    executive,
    forecast,
    incentives,
    management,
    partner_team,
    recruiting,
    sales,
    satisfaction,
    shocks,
)
from sim.metrics import METRIC_COLUMNS, compute_quarter_metrics, empty_metrics
from sim.names import partner_names, region_names
from sim.policy import LEVERS, Policy, PolicyError
from sim.randomness import Randomness
from sim.state import Market, PartnerArrays, Pipeline, RepArrays, remembered
from sim.world import WORLD_KEYS, World, neither_lever_nor_setting, type_shares

WEEKS = P.WEEKS_PER_QUARTER


class PartnerProgramModel(mesa.Model):
    """A tech vendor running (or starting) a partner program.

    All arguments are flat keywords so `mesa.batch_run` can sweep any of them.

    Args:
        seed: Seed for the model's random generators (None: fresh entropy).
        events: Scheduled scenario events (`ScheduledEvent`): policy events fire when planning
            for their quarter begins (quarter 1's when the model is built), shocks at its start.
        **settings: Any world setting (`sim.world.WorldSettings`: world_scale, home_regions,
            new_regions, reps_per_region, accounts_per_region, partner_pool, demand,
            offer_fit, reseller_share) and any lever in `sim.policy.LEVERS`; missing ones take their defaults.

    Raises:
        PolicyError: An unknown lever or a bad lever value.
        WorldError: A bad world setting.
    """

    def __init__(self, seed: int | None = None, events: Sequence[ScheduledEvent] = (), **settings: Any) -> None:
        super().__init__(rng=seed)   # Mesa's own generator; no mechanism draws from it
        self.seed = seed
        # every draw comes from a stream keyed by what it is about (sim/randomness.py)
        self.randomness = Randomness(seed)
        self.world = World(**{k: settings.pop(k) for k in WORLD_KEYS if k in settings})
        unknown = [k for k in settings if k not in LEVERS]
        if unknown:
            raise PolicyError(neither_lever_nor_setting(unknown[0]))
        self.policy: Policy = Policy.from_mapping(settings)
        self.effective: Policy = self.policy
        self.scheduled: tuple[ScheduledEvent, ...] = tuple(sorted(events, key=lambda e: e.quarter))
        for ev in self.scheduled:
            check_scheduled(ev)
        # every lever value a policy event imposed, in the order they fired (the debrief reads it)
        self.impositions: list[Imposition] = []
        self.event_log: EventLog = EventLog()
        self.quarter = 0          # completed quarters
        self.program_cut = False
        self.reputation = P.REPUTATION_START
        self.offer_fit_gain = 0.0
        self.demand_shock = 1.0
        self.demand_shock_left = 0    # quarters a demand shock still lasts
        self.poach = 0.0
        self.takeovers_heard = 0.0
        self.net_history: list[float] = []
        # the levers in force in each completed quarter, as chosen (before a program cut)
        self.policy_history: list[dict[str, Any]] = []
        self.cumulative_net = 0.0
        self.forecast = (0.0, 0.0)
        self.inquarter_runrate = (0.0, 0.0)
        self.metrics: dict[str, Any] = empty_metrics()
        self.first_partner_deal_week = -1
        self.partner_references = 0.0   # enterprise customers won with partners since launch
        self._silent = False
        self._build_world()
        self.managers: list[PartnerManager] = []
        self._reset_quarter()
        self._warm_up()
        self._fire_policy_events(1)     # planning for quarter 1 begins now
        self.datacollector = QuarterlyCollector()
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ world
    def _build_world(self) -> None:
        w = self.world
        draws = self.randomness.draws
        s = w.world_scale
        self.region_labels = region_names(w.home_regions, w.new_regions)
        self.market = Market(draws("world", 0), w.home_regions, w.new_regions,
                             max(P.MIN_ACCOUNTS_PER_REGION, round(w.accounts_per_region * s)))
        n_reps = max(w.home_regions, round(w.reps_per_region * w.home_regions * s))
        skill = np.clip(draws("world", 1).normal(P.REP_SKILL_MEAN, P.REP_SKILL_SD, n_reps), P.REP_SKILL_MIN, 1.0)
        self.reps = RepArrays(
            region=np.arange(n_reps) % w.home_regions,
            skill=skill,
            quota=np.full(n_reps, P.REP_QUOTA),
            capacity=P.DIRECT_OPP_RATE * (P.REP_SKILL_BASE + P.REP_SKILL_WEIGHT * skill),
            bookings_q=np.zeros(n_reps),
        )
        self.reps_by_region = [np.nonzero(self.reps.region == r)[0] for r in range(self.market.n_regions)]
        # the same, padded into a table, for picking many reps at once (`reps_for_regions`)
        self._reps_in_region = np.array([len(r) for r in self.reps_by_region], dtype=np.int64)
        self._rep_table = np.zeros((len(self.reps_by_region), max(1, int(self._reps_in_region.max()))), dtype=np.int64)
        for r, reps in enumerate(self.reps_by_region):
            self._rep_table[r, :len(reps)] = reps
        self.rep_agents = [DirectRep(self, k) for k in range(n_reps)]

        n = max(P.MIN_PARTNER_POOL, round(w.partner_pool * s))
        rng = draws("world", 2)
        ptype = rng.choice(len(P.TYPE_SHARE), size=n, p=type_shares(w.reseller_share))
        sigma = P.TYPE_SIZE_SIGMA[ptype]
        size = P.TYPE_SIZE_MEAN[ptype] * rng.lognormal(-sigma**2 / 2, sigma)
        fit = np.clip(P.TYPE_FIT[ptype] * rng.lognormal(-P.FIT_SIGMA**2 / 2, P.FIT_SIGMA, n) * w.offer_fit,
                      P.FIT_MIN, 1.0)
        n_reg = self.market.n_regions
        regions = np.zeros((n, n_reg), dtype=bool)
        primary = rng.integers(n_reg, size=n)
        regions[np.arange(n), primary] = True
        extra = (size > P.SECOND_REGION_SIZE).astype(int) + (size > P.THIRD_REGION_SIZE).astype(int)
        for i in np.nonzero(extra)[0]:
            regions[i, rng.choice(n_reg, size=min(n_reg, 1 + extra[i]), replace=False)] = True
        regions[ptype == P.GSI, :] = True
        self.partners = PartnerArrays(
            ptype=ptype, size=size, fit=fit, regions=regions,
            rhythm_phase=rng.random(n), rhythm_amp=rng.uniform(P.RHYTHM_AMP_MIN, P.RHYTHM_AMP_MAX, n),
        )
        names = partner_names(draws("world", 3), n)
        self.partner_agents = [PartnerFirm(self, i, names[i]) for i in range(n)]
        self.pipeline = Pipeline()
        self.market_open = self.market.is_home.copy()

    def _warm_up(self, weeks: int = P.WARM_UP_WEEKS) -> None:
        """Run the direct team alone before launch, so the program starts in a going
        concern: a full direct pipeline and an installed base of direct customers."""
        self._silent = True
        for week in range(-weeks, 0):
            sales.generate_direct_pipeline(self, week)
            sales.generate_expansion_pipeline(self, week)
            sales.close_deals(self, week)
        self._silent = False
        for w in [w for w in self.pipeline.due if w < 0]:
            del self.pipeline.due[w]
        self._reset_quarter()

    # ---------------------------------------------------------------- helpers
    @property
    def week(self) -> int:
        """Weeks completed so far."""
        return self.steps

    @property
    def allowed_regions(self) -> np.ndarray:
        """Regions where partners may sell under the current policy (C4)."""
        if self.effective.partner_regions == "new_markets_only":
            return ~self.market.is_home
        return np.ones(self.market.n_regions, dtype=bool)

    def effective_fit(self) -> np.ndarray:
        """Each partner's fit, raised by channel insight fed back into the product (C19).

        Read-only: it changes once a quarter at most, so it is worked out again only when
        the gain, the fit or the partners' types (`integration_weight`) change."""
        p = self.partners
        return remembered(self, "effective_fit", (self.offer_fit_gain, p.fit.tobytes(), p.ptype.tobytes()),
                          self._effective_fit)

    def _effective_fit(self) -> np.ndarray:
        gain = self.offer_fit_gain * collaboration.integration_weight(self)
        return np.minimum(np.maximum(self.partners.fit + gain, 0.0), 1.0)   # clipped to 0-1

    def rep_for_region(self, region: int, u: float) -> int:
        """The direct rep working `region` that uniform `u` picks, or -1 in a new market."""
        reps = self.reps_by_region[region] if region < len(self.reps_by_region) else ()
        if len(reps) == 0:
            return -1
        return int(reps[min(int(u * len(reps)), len(reps) - 1)])

    def reps_for_regions(self, region: np.ndarray, u: np.ndarray) -> np.ndarray:
        """`rep_for_region` for many regions and uniforms at once (-1 in a new market)."""
        count = self._reps_in_region[region]
        pick = np.minimum((u * count).astype(np.int64), np.maximum(count - 1, 0))
        return np.where(count > 0, self._rep_table[region, pick], -1)

    def region_name(self, region: int) -> str:
        return self.region_labels[region]

    def manager_effectiveness(self) -> np.ndarray:
        """The effectiveness of each partner's manager (`PartnerManager.effectiveness`; 0 for
        a partner without one). Read-only, worked out again when a portfolio or an
        effectiveness changes."""
        key = (self.partners.n, *((tuple(m.portfolio), m.effectiveness) for m in self.managers))
        return remembered(self, "manager_effectiveness", key, self._manager_effectiveness)

    def _manager_effectiveness(self) -> np.ndarray:
        out = np.zeros(self.partners.n)
        for m in self.managers:
            if m.portfolio:
                out[m.portfolio] = m.effectiveness
        return out

    def partner_satisfaction(self, i: int) -> float:
        """Partner `i`'s overall satisfaction, for its agent's view (agents do not import
        mechanisms; see `satisfaction.partner_satisfaction`)."""
        return satisfaction.partner_satisfaction(self.partners, i)

    def risk_reasons(self, i: int) -> list[str]:
        """Why partner `i` is at risk of leaving, most important first; empty when it is not
        (see `satisfaction.risk_reasons`)."""
        return satisfaction.risk_reasons(self, i)

    def log(self, kind: str, agents: tuple[int, ...], cause: str | Sentence, amount: float = 0.0,
            week: int | None = None, data: dict | None = None) -> None:
        """Append a structured event to the event log (`cause` may be a `Sentence`, written
        when it is first read)."""
        if self._silent:
            return
        wk = self.steps - 1 if week is None else week
        self.event_log.append(Event(wk // WEEKS + 1, wk, kind, tuple(agents), cause, float(amount), data or {}))

    def log_batch(self, batch: EventBatch) -> None:
        """Append a batch of events (a week's closed deals), in order; the log builds them
        when it is read (`sim.events.EventLog`)."""
        if self._silent:
            return
        if isinstance(self.event_log, EventLog):
            self.event_log.add_batch(batch)
        else:   # a plain list put in its place
            self.event_log.extend(batch.events())

    # ----------------------------------------------------------------- policy
    def set_policy(self, **changes: Any) -> Policy:
        """Change levers between quarters, as a player does; validated.

        Changes take effect from the next quarter's start. After the board has cut the
        program, partner-program levers stay at zero (a cut is final). A value a policy event
        imposed for the coming quarter cannot be changed until the quarter after.

        Raises:
            PolicyError: naming the lever, the value and what is allowed, or the lever and the
                event that imposed its value for this quarter.
        """
        new = self.policy.replace(**changes)
        q = self.quarter + 1
        for k in changes:
            imp = self.imposed(k, q)
            if imp is not None and getattr(new, k) != imp.value:
                raise PolicyError(
                    f"lever '{k}' is imposed for quarter {q} by {imp.by} (\"{imp.message}\"): it stays "
                    f"{LEVERS[k].fmt(imp.value)} this quarter; change it again from quarter {q + 1}")
        diff = self._change_policy(new)
        if diff:
            text = "; ".join(f"{LEVERS[k].label}: {LEVERS[k].fmt(v)}" for k, v in diff.items())
            self.log("policy_change", (), f"Policy changed: {text}", week=self._planning_week(),
                     data={"changes": diff})
        return new

    def _change_policy(self, new: Policy) -> dict[str, Any]:
        """Put `new` in force; returns the levers that changed (lever -> new value)."""
        old = self.policy.as_dict()
        diff = {k: v for k, v in new.as_dict().items() if old[k] != v}
        self.policy = new
        self._apply_effective()
        return diff

    def _planning_week(self) -> int:
        """The week a change made now is logged in: between quarters it belongs to the quarter
        about to start."""
        return max(0, self.steps if self.steps % WEEKS == 0 else self.steps - 1)

    def imposed(self, lever: str, quarter: int | None = None) -> Imposition | None:
        """The value a policy event imposed on `lever` for `quarter` (default: the coming or
        running quarter), or None if the player's choice stands."""
        q = self.quarter + 1 if quarter is None else quarter
        return next((i for i in reversed(self.impositions) if i.lever == lever and i.quarter == q), None)

    def imposed_quarters(self, lever: str) -> dict[int, Imposition]:
        """Every quarter a policy event imposed `lever`'s value, with what and by whom."""
        return {i.quarter: i for i in self.impositions if i.lever == lever}

    def _apply_effective(self) -> None:
        if self.program_cut:
            self.effective = self.policy.replace(
                partner_team_size=0, partner_budget_share=0.0, incentive="none",
                incentive_budget=0.0, recruits_per_quarter=0, enablement=0.0,
            )
        else:
            self.effective = self.policy

    # ------------------------------------------------------------------- step
    def step(self) -> None:
        """Advance one week."""
        week = self.steps - 1
        if week % WEEKS == 0:
            self._start_quarter(week)
        now = sales.this_week(self, week)
        sales.generate_direct_pipeline(self, week, now)
        sales.generate_partner_pipeline(self, week, now=now)
        sales.generate_first_deal_pipeline(self, week, now)
        sales.generate_expansion_pipeline(self, week)
        sales.close_deals(self, week, now.rhythm)
        if week % WEEKS == WEEKS - 1:
            self._end_quarter(week)
        self.datacollector.collect(self)

    def run_quarters(self, n: int) -> None:
        """Run `n` whole quarters (from a quarter boundary)."""
        for _ in range(n * WEEKS):
            self.step()

    # --------------------------------------------------------------- quarters
    def _start_quarter(self, week: int) -> None:
        q = week // WEEKS + 1
        self._fire_scheduled(q)
        self._apply_effective()
        pol = self.effective
        self._reset_quarter()
        incentives.refresh_incentives(self, self._incentive_prev)
        self._incentive_prev = pol.incentive
        partner_team.staff_partner_team(self)
        if q == 1:
            recruiting.recruit_partners(self, week, pol.initial_partners, certain=True)
        elif pol.recruits_per_quarter > 0 and pol.partner_team_size > 0:
            recruiting.recruit_partners(self, week, pol.recruits_per_quarter)
        p = self.partners
        self.program_budget = pol.partner_budget_share * P.GTM_BUDGET * self.world.world_scale
        enablement.deliver_onboarding_content(self)
        partner_team.allocate_partner_attention(self)
        self.support = enablement.support_level(self)
        # training runs in the first weeks of the quarter, at the partner's own rhythm
        enablement.absorb_enablement(self, sales.partner_rhythm(self, week + WEEKS / 2))
        self.marketing_boost = enablement.marketing_boost(self)
        self.enrolled_in_quarter = enrolled_mask(p.stage)
        coselling.refresh_cosell_pairs(self)
        self.forecast = forecast.forecast_quarter(self, week)

    def _end_quarter(self, week: int) -> None:
        self.quarter = week // WEEKS + 1
        p = self.partners
        pol = self.effective
        incentives.aligned_capability(self)
        if pol.direct_takeover:
            conflict.take_accounts_direct(self)
            conflict.take_deals_direct(self, week)
        conflict.hear_of_takeovers(self)
        satisfaction.update_satisfaction(self)
        satisfaction.partner_mindshare(self)
        satisfaction.update_lifecycle(self)
        partner_team.partner_manager_turnover(self)
        collaboration.channel_insight_to_product(self)
        sales.build_awareness(self)
        self.incentive_spend_q = incentives.incentive_spend(self, self.acc["bounty_owed"])
        self.metrics = compute_quarter_metrics(self)
        # the board's ledger, which its review reads
        self.net_history.append(self.metrics["partner_net_contribution"])
        self.cumulative_net = self.metrics["cumulative_net_contribution"]
        self.policy_history.append(self.policy.as_dict())
        executive.board_review(self)
        if self.program_cut:
            self.metrics["program_cut"] = 1
        # bookkeeping for next quarter
        enrolled = enrolled_mask(p.stage)
        p.quarters_enrolled += enrolled
        p.quarters_since_deal = np.where(p.wins_q > 0, 0, p.quarters_since_deal + enrolled)
        management.count_push_quarters(self, enrolled)
        p.revenue_prev_q = p.revenue_q.copy()
        rev_created = self.acc["inquarter"]
        self.inquarter_runrate = (rev_created[0], rev_created[1])
        self.reputation += P.REPUTATION_RECOVERY * (P.REPUTATION_START - self.reputation)
        shocks.poaching_fades(self)
        self._fire_policy_events(self.quarter + 1)    # planning for the next quarter begins now

    def _reset_quarter(self) -> None:
        p = self.partners
        for name in ("revenue_q", "income_q"):
            getattr(p, name)[:] = 0.0
        for name in ("wins_q", "opps_q", "conflicts_q", "takeovers_q"):
            getattr(p, name)[:] = 0
        self.reps.bookings_q[:] = 0.0
        self.partners_recruited_q = 0
        self.partners_churned_q = 0
        self.incentive_spend_q = 0.0
        self.acc: dict[str, Any] = {
            "revenue_direct": 0.0, "revenue_partner": 0.0, "neutral_comp": 0.0,
            "bounty_owed": 0.0, "conflicts_lost": 0, "partner_won": 0, "partner_closed": 0,
            "direct_won": 0, "direct_closed": 0, "cosell_won": 0, "cosell_closed": 0,
            "inquarter": [0.0, 0.0],
        }
        if not hasattr(self, "_incentive_prev"):
            self._incentive_prev = "none"
            self.program_budget = 0.0
            self.support = 0.0
            self.marketing_boost = 1.0
            self.cosell_pool: dict[int, np.ndarray] = {}   # co-sell partners by home region
            self.enrolled_in_quarter = np.zeros(p.n, dtype=bool)

    def _fire_scheduled(self, q: int) -> None:
        """Hit the market with the shocks scheduled for quarter `q`, at its start, and log each
        (the game announced them when planning began; policy events fired then)."""
        shocks.demand_shock_wears_off(self)
        for ev in self.scheduled:
            if ev.quarter != q or ev.kind == "policy":
                continue
            shocks.apply_shock(self, ev)
            self.log("scenario_event", (), ev.message, week=(q - 1) * WEEKS,
                     data={"kind": ev.kind, "shock": ev.shock, "changes": {}, "by": ev.by})

    def _fire_policy_events(self, q: int) -> None:
        """Fire the policy events for quarter `q` as planning for it begins (after quarter q-1
        ends; for q = 1 when the model is built), before the player decides: their values are
        in force and locked for quarter `q` (`imposed`), and the log says what and by whom."""
        imposed = impositions(ev for ev in self.scheduled if ev.quarter == q)
        for ev in self.scheduled:
            if ev.quarter == q and ev.kind == "policy":
                self._impose(ev)
        self.impositions.extend(imposed.values())

    def _impose(self, ev: ScheduledEvent) -> None:
        """Put a policy event's levers in force and log what it imposed and who did."""
        q, week, changes = ev.quarter, (ev.quarter - 1) * WEEKS, dict(ev.changes)
        self._change_policy(self.policy.replace(**changes))
        self.log("scenario_event", (), ev.message, week=week,
                 data={"kind": ev.kind, "shock": "", "changes": changes, "by": ev.by})
        self.log("policy_imposed", (), f"{imposed_summary(ev.who, changes)} (Q{q})", week=week,
                 data={"changes": changes, "by": ev.who, "message": ev.message})

    def schedule_event(self, event: ScheduledEvent) -> None:
        """Add an event after the model was built, as a classroom facilitator injects one for a
        quarter not yet played. It ends up exactly where a model built with the event would
        have it: a policy event for the coming quarter fires at once (planning for that quarter
        has begun), anything later waits for its quarter.

        Raises:
            PolicyError: a bad event, or one for a quarter already begun.
        """
        check_scheduled(event)
        if event.quarter <= self.quarter or self.steps % WEEKS != 0:
            raise PolicyError(f"an event for quarter {event.quarter} comes too late: quarter "
                              f"{self.quarter + 1} is the first not yet begun")
        self.scheduled = tuple(sorted((*self.scheduled, event), key=lambda e: e.quarter))
        if event.kind == "policy" and event.quarter == self.quarter + 1:
            self._impose(event)
            self.impositions.extend(impositions([event]).values())

    # ---------------------------------------------------------------- outputs
    def quarterly_frame(self) -> pd.DataFrame:
        """One row per completed quarter, read from the DataCollector."""
        df = self.datacollector.get_model_vars_dataframe()
        df = df[df["quarter"] > 0].drop_duplicates("quarter", keep="first")
        return df[list(METRIC_COLUMNS)].reset_index(drop=True)

    def events_frame(self) -> pd.DataFrame:
        """The event log as a table."""
        return pd.DataFrame(
            [(e.quarter, e.week, e.kind, e.agents, e.cause, e.amount) for e in self.event_log],
            columns=["quarter", "week", "kind", "agents", "cause", "amount"],
        )

    def partner_table(self) -> pd.DataFrame:
        """A row per partner firm that ever signed: type, stage, fit, revenue..."""
        rows = []
        p = self.partners
        fit = self.effective_fit()
        for a in self.partner_agents:
            i = a.idx
            if p.signed_week[i] < 0:
                continue
            rows.append({
                "name": a.name, "type": a.partner_type, "stage": a.stage,
                "size": float(p.size[i]), "fit": float(fit[i]), "capability": float(p.capability[i]),
                "mindshare": float(p.mindshare[i]), "satisfaction": a.satisfaction,
                "signed_week": int(p.signed_week[i]), "first_deal_week": int(p.first_deal_week[i]),
                "revenue_total": float(p.revenue_total[i]), "wins": int(p.wins_total[i]),
            })
        return pd.DataFrame(rows)


def _reporters() -> dict[str, Any]:
    reps: dict[str, Any] = {
        col: (lambda m, c=col: m.metrics[c]) for col in METRIC_COLUMNS
    }
    reps["week"] = lambda m: m.steps
    reps["revenue_direct_qtd"] = lambda m: m.acc["revenue_direct"]
    reps["revenue_partner_qtd"] = lambda m: m.acc["revenue_partner"]
    return reps


class QuarterlyCollector(mesa.DataCollector):
    """Mesa's DataCollector with the model's reporters (`_reporters`), a value per reporter
    per step as Mesa keeps them (so `mesa.batch_run` can index any step), but the quarter's
    metrics are read and copied once a quarter, when the model replaces `model.metrics` at a
    quarter's end (it never changes them in place after that); each step appends the same
    values again, and reads only the week and the quarter-to-date revenue.
    """

    def __init__(self) -> None:
        super().__init__(model_reporters=_reporters())
        self._metrics_read: dict[str, Any] | None = None
        self._metric_values: list[Any] = []
        self._metric_lists = [self.model_vars[c] for c in METRIC_COLUMNS]

    def collect(self, model: PartnerProgramModel) -> None:   # type: ignore[override]
        """Record the step: the latest completed quarter's metrics, the week, revenue so far."""
        if hasattr(self, "_collection_steps"):      # Mesa 3.5+: the steps `mesa.batch_run` looks up
            self._collection_steps.append(model.time)
        if model.metrics is not self._metrics_read:
            self._metrics_read = model.metrics
            self._metric_values = [deepcopy(model.metrics[c]) for c in METRIC_COLUMNS]
        for values, v in zip(self._metric_lists, self._metric_values, strict=True):
            values.append(v)
        self.model_vars["week"].append(model.steps)
        self.model_vars["revenue_direct_qtd"].append(model.acc["revenue_direct"])
        self.model_vars["revenue_partner_qtd"].append(model.acc["revenue_partner"])
