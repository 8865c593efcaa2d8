"""What a debrief says: which of the known partnering mistakes a game made, and how the
same world went under the best-practice program.

The mistakes are read off the levers in force each quarter (`model.policy_history`) with the
model's own metrics as evidence; nothing here re-simulates the player's game. Which quarters
were the player's choice and which were imposed comes from the model's own record of what
policy events imposed (`model.impositions`) and the scenario's locks, so the debrief says
exactly who decided each quarter, and it says when the player already made a fix instead of
recommending it. The best-practice run is a second model on the same world and seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim import params as P
from sim import units
from sim.metrics import METRICS
from sim.model import PartnerProgramModel
from sim.policy import LEVERS
from sim.scenario import Scenario, load_scenario

LOCKED_BY = "the scenario"     # who decides a lever the scenario locks


@dataclass(frozen=True)
class Span:
    """Consecutive quarters a mistake was in force, all decided by the same party."""

    first: int
    last: int
    by: str = ""        # "": the player's choice; else who imposed it ("the CRO", LOCKED_BY)

    def text(self) -> str:
        """"Q1-Q4 your choice", "Q5 imposed by the head of direct sales"."""
        qs = f"Q{self.first}" if self.first == self.last else f"Q{self.first}-Q{self.last}"
        return f"{qs} your choice" if not self.by else f"{qs} imposed by {self.by}"


@dataclass(frozen=True)
class Mistake:
    """One known partnering mistake the game made."""

    claim: str          # claim id in partnering-claims.md, e.g. "C2"
    title: str
    quarters: tuple[int, ...]   # quarters it was in force
    lesson: str         # why it hurts, in plain words
    evidence: str       # what the model shows for this game
    imposed: bool = False       # never the player's choice: every quarter locked or imposed
    spans: tuple[Span, ...] = ()        # the quarters in runs, each with who decided it
    fixed_from: int | None = None       # the player ended it from this quarter on (imposed quarters aside)
    of_the_lesson: bool = False         # about a lever of the scenario's lesson ([fix] lesson): listed first

    @property
    def chosen(self) -> tuple[int, ...]:
        """The quarters it was in force by the player's own choice."""
        return tuple(q for s in self.spans if not s.by for q in range(s.first, s.last + 1))

    def when(self) -> str:
        """Who decided which quarters, exactly: "Q1-Q4 your choice; Q5 imposed by the head of
        direct sales; Q8 imposed by the CRO", then "you fixed this from Q6" if the player did."""
        text = "; ".join(s.text() for s in self.spans)
        return f"{text}; you fixed this from Q{self.fixed_from}" if self.fixed_from else text


@dataclass(frozen=True)
class FixStep:
    """One lever of the scenario's fix and whether the player's game already follows it."""

    lever: str
    value: Any
    since: int | None       # followed from this quarter to the last one played (imposed quarters
                            # aside); None: the last quarter played does not follow it
    lesson: bool = False    # one of the levers the scenario's lesson is about ([fix] lesson)
    ended_on: Any = None    # the player's own value in the last quarter it was theirs (None: none yet)

    def text(self) -> str:
        """"Where partners may sell: All", as the panel words it."""
        lv = LEVERS[self.lever]
        return f"{lv.label}: {lv.fmt(self.value)}"

    def progress(self) -> str:
        """Where the player stands on this step: "you did this from Q6", or what the player
        chose instead ("your last choice: 5"), so a team with 5 partner managers against a fix
        of 4 reads what it did, not only that it did something else."""
        if self.since:
            return f"you did this from Q{self.since}"
        if self.ended_on is None:
            return "not followed"
        return f"your last choice: {LEVERS[self.lever].fmt(self.ended_on)}"


@dataclass(frozen=True)
class _Rule:
    claim: str
    title: str
    levers: tuple[str, ...]
    applies: Callable[[dict[str, Any]], bool]
    lesson: str
    evidence: Callable[[pd.DataFrame], str]
    # quarters judged from the metrics instead of the levers (e.g. partners per manager)
    in_metrics: Callable[[pd.DataFrame], pd.Series] | None = None


def _sum(df: pd.DataFrame, col: str) -> float:
    return float(df[col].sum())


RULES: tuple[_Rule, ...] = (
    _Rule("C2", "Direct reps paid to compete with partners", ("direct_comp",),
          lambda p: p["direct_comp"] == "competing",
          "Reps paid only on their own deals fight partners for the same customers; partners "
          "lose most of those fights and quietly move their effort elsewhere.",
          lambda d: f"{_sum(d, 'conflicts'):.0f} conflicts, {_sum(d, 'conflicts_lost_by_partners'):.0f} "
                    f"lost by partners"),
    _Rule("C2", "No deal registration", ("deal_registration",),
          lambda p: not p["deal_registration"],
          "Without registration a partner has no protection for the opportunities it finds.",
          lambda d: f"{_sum(d, 'conflicts'):.0f} conflicts"),
    _Rule("C1", "Partner accounts taken direct", ("direct_takeover",),
          lambda p: p["direct_takeover"],
          "Taking partner-opened customers direct books revenue once and teaches every partner "
          "not to bring you the next one; your reputation among partners falls.",
          lambda d: f"{_sum(d, 'accounts_taken_direct'):.0f} accounts taken, reputation "
                    f"{d['reputation'].iloc[-1]:.2f}"),
    _Rule("C4", "Partners kept to new markets", ("partner_regions",),
          lambda p: p["partner_regions"] == "new_markets_only",
          "New to partnering plus new to the market stacks the unknowns: no brand, no "
          "references, thinner demand, longer cycles.",
          lambda d: f"partner share of revenue {units.share(d['partner_share'].iloc[-1])} in the last quarter"),
    _Rule("C3", "Partner team starved of budget", ("partner_budget_share",),
          lambda p: p["partner_budget_share"] < 0.10,
          "A program asked to prove itself on a sliver of budget cannot support the partners it "
          "signs, so it fails and seems to prove the doubters right.",
          lambda d: f"support level {units.share(d['support_level'].mean())} of what partners needed"),
    _Rule("C3", "Too many partners per manager", ("partner_team_size", "recruits_per_quarter"),
          lambda p: False,
          f"Past about {P.MANAGER_SPAN:.0f} partners per manager, attention per partner thins out "
          "and activation falls.",
          lambda d: f"up to {d['partners_per_manager'].max():.0f} partners per manager",
          in_metrics=lambda d: d.partners_per_manager > P.MANAGER_SPAN),
    _Rule("C5", "No repeatable sales process", ("sales_playbook",),
          lambda p: p["sales_playbook"] < 0.35,
          "Without a step-by-step playbook partner sellers improvise, fail, and get blamed.",
          lambda d: f"partner win rate {units.share(d['partner_win_rate'].mean())}"),
    _Rule("C13", "Thin enablement", ("enablement",),
          lambda p: p["enablement"] < 0.35,
          "Partners who never learn the offer never sell it.",
          lambda d: f"mean partner capability {units.score(d['partner_capability_mean'].iloc[-1])}"),
    _Rule("C13", "Onboarding dumped all at once", ("onboarding_pace",),
          lambda p: p["onboarding_pace"] == "front_loaded",
          "Partners absorb only so much a quarter; the rest is lost and the overload costs goodwill.",
          lambda d: f"mean partner capability {d['partner_capability_mean'].iloc[-1]:.2f}"),
    _Rule("C16", "Pushing partners instead of supporting them", ("management_style",),
          lambda p: p["management_style"] == "push",
          "Pressure buys a short burst of activity and costs trust; pushed partners leave.",
          lambda d: f"satisfaction {d['partner_satisfaction_mean'].iloc[-1]:.2f}, "
                    f"{_sum(d, 'partners_churned'):.0f} partners left"),
    _Rule("C14", "Revenue-target plans", ("partner_plan",),
          lambda p: p["partner_plan"] == "revenue_target",
          "Asking 'how much will you sell?' up front measures nothing you can act on; joint "
          "activity plans show problems while they can still be fixed.",
          lambda d: f"partner forecast error {units.share(d['forecast_error_partner'].abs().mean())}"),
    _Rule("C17", "A blunt referral bounty", ("incentive",),
          lambda p: p["incentive"] == "referral_bounty",
          "A bounty buys attention for a quarter or two, then fades; incentives tied to the "
          "partner's own goals last.",
          lambda d: f"{units.money(_sum(d, 'incentive_spend'))} spent on incentives"),
    _Rule("C6", "Margins too thin to be worth selling", ("partner_margin",),
          lambda p: p["partner_margin"] < 0.15,
          "Partners sell the vendor whose deals pay them: below what the other vendors on their "
          "line card pay, partners sign up and sell someone else's product.",
          lambda d: f"partner mindshare {units.share(d['partner_mindshare_mean'].iloc[-1])}"),
    _Rule("C10", "Courting the biggest names first", ("recruiting_focus",),
          lambda p: p["recruiting_focus"] == "biggest_first",
          "Global integrators take long to sign, give a small vendor a sliver of attention and "
          "eat manager time; mid-size specialists that fit pay back sooner.",
          lambda d: f"{d['partners_transacting'].mean():.1f} partners transacting per quarter"),
    _Rule("C11", "Recruiting whoever says yes", ("recruiting_focus",),
          lambda p: p["recruiting_focus"] == "opportunistic",
          "Results come from picking partner types that fit the offer, not from the partners' effort.",
          lambda d: f"{d['partners_transacting'].mean():.1f} partners transacting per quarter"),
    _Rule("C8", "A pilot too small to prove anything", ("initial_partners",),
          lambda p: p["initial_partners"] <= 4,
          "Two or three partners prove nothing either way: the first partners are often there by chance.",
          lambda d: f"{d['partners_enrolled'].iloc[0]:.0f} partners at launch"),
    _Rule("C9", "An impatient board", ("executive_patience",),
          lambda p: 0 < p["executive_patience"] <= 4,
          "Partner revenue follows a J-curve: cost first, revenue a year or two later. A short "
          "runway cuts programs that would have paid back.",
          lambda d: "program cut" if d["program_cut"].iloc[-1] else
                    f"cumulative net {units.money(d['cumulative_net_contribution'].iloc[-1])}"),
    _Rule("C15", "Forecasting from partner commits", ("forecast_method",),
          lambda p: p["forecast_method"] == "partner_commit",
          "Partners commit optimistically and sell to their own rhythm; forecasts built on their "
          "business rhythm and track record miss far less.",
          lambda d: f"partner forecast error {units.share(d['forecast_error_partner'].abs().mean())} vs direct "
                    f"{units.share(d['forecast_error_direct'].abs().mean())}"),
    _Rule("C19", "Partner organisations that don't talk", ("cross_org_collaboration",),
          lambda p: p["cross_org_collaboration"] < 0.3,
          "What the channel learns about customers never reaches product and technology "
          "partnerships, so the offer's fit stops improving.",
          lambda d: f"offer fit gain {d['offer_fit_gain'].iloc[-1]:.3f}"),
    _Rule("C20", "A partner team of people passing through", ("partner_team_hiring",),
          lambda p: p["partner_team_hiring"] == "transfer_portal",
          "Managers hired without a profile for the job lack partnering skills and leave soon, "
          "taking the relationships with them.",
          lambda d: f"satisfaction {d['partner_satisfaction_mean'].iloc[-1]:.2f}"),
    _Rule("C20", "Partner managers never trained for the job", ("partner_team_training",),
          lambda p: p["partner_team_training"] < 0.3,
          "Partnering is a skill of its own (joint plans, business development, negotiation); "
          "untrained managers get less from every partner they look after.",
          lambda d: f"partner revenue {units.money(_sum(d, 'revenue_partner'))}"),
    _Rule("C20", "Team pay with low leverage for partner managers", ("partner_team_comp",),
          lambda p: p["partner_team_comp"] == "team_low_leverage",
          "Without individual accountability, attention does not follow the partners who produce.",
          lambda d: f"partner revenue {units.money(_sum(d, 'revenue_partner'))}"),
)


def diagnose(model: PartnerProgramModel, scenario: Scenario | None = None) -> list[Mistake]:
    """The known mistakes in force during the game: those about the scenario's lesson levers
    first, then the most persistent.

    Args:
        model: The played model (its `policy_history` and quarterly metrics are read).
        scenario: The scenario, to tell locked (imposed) levers from the player's choices.
    """
    history = model.policy_history
    if not history:
        return []
    frame = model.quarterly_frame()
    locked = scenario.locked if scenario else {}
    played = len(history)
    out: list[Mistake] = []
    for rule in RULES:
        if rule.in_metrics is not None:
            qs = tuple(int(q) for q in frame.loc[rule.in_metrics(frame), "quarter"])
        else:
            qs = tuple(q for q, pol in enumerate(history, start=1) if rule.applies(pol))
        if not qs:
            continue
        # who decided each quarter: a policy event that imposed one of the rule's levers on it
        # (the model's record), the scenario's lock, or the player
        imposed_on = {q: imp.by for lv in rule.levers for q, imp in model.imposed_quarters(lv).items()}
        all_locked = all(lv in locked for lv in rule.levers)
        spans = _spans(qs, lambda q: imposed_on.get(q) or (LOCKED_BY if all_locked else ""))
        chosen = [q for s in spans if not s.by for q in range(s.first, s.last + 1)]
        ended = [q for q in range(max(chosen) + 1, played + 1) if q not in qs] if chosen else []
        of_lesson = scenario is not None and bool(set(rule.levers) & set(scenario.lesson))
        out.append(Mistake(rule.claim, rule.title, qs, rule.lesson, rule.evidence(frame), imposed=not chosen,
                           spans=spans, fixed_from=ended[0] if ended else None, of_the_lesson=of_lesson))
    out.sort(key=lambda m: (not m.of_the_lesson, m.imposed, m.fixed_from is not None, -len(m.quarters)))
    return out


def _spans(quarters: tuple[int, ...], who: Callable[[int], str]) -> tuple[Span, ...]:
    """Runs of consecutive quarters decided by the same party."""
    spans: list[Span] = []
    for q in quarters:
        by = who(q)
        if spans and spans[-1].last == q - 1 and spans[-1].by == by:
            spans[-1] = Span(spans[-1].first, q, by)
        else:
            spans.append(Span(q, q, by))
    return tuple(spans)


def fix_progress(model: PartnerProgramModel, scenario: Scenario) -> list[FixStep]:
    """Each lever of the scenario's fix, and since when the player's game has followed it (so
    the debrief says "you did this from Q6" instead of recommending what was already done).
    A quarter a policy event imposed the lever neither breaks nor makes the run.

    The lesson's levers come first, in the lesson's order (the debrief names them as the
    lesson of the scenario), then the rest of the fix in the file's order.
    """
    history = model.policy_history
    out = []
    for lever, raw in {**scenario.lesson_fix, **scenario.rest_of_fix}.items():
        value = LEVERS[lever].check(raw)
        imposed = model.imposed_quarters(lever)
        since = None
        for q in range(len(history), 0, -1):
            if q in imposed:
                continue
            if history[q - 1][lever] != value:
                break
            since = q
        ended_on = next((history[q - 1][lever] for q in range(len(history), 0, -1) if q not in imposed), None)
        out.append(FixStep(lever, value, since, lesson=lever in scenario.lesson, ended_on=ended_on))
    return out


def best_practice_model(scenario: Scenario, seed: int, quarters: int) -> PartnerProgramModel:
    """The same world and seed run under the best-practice program (shocks kept, the
    scenario's own policy changes dropped: this is what a well-run program would do).

    The world is built with the scenario's starting policy, as the player's game was (the
    weeks before launch read the budget share, so they are part of the world), and best
    practice's levers are in force from quarter 1.
    """
    best = load_scenario("best_practice")
    model = scenario.build_model(seed, policy_events=False)
    model.set_policy(**best.policy.as_dict())
    model.run_quarters(quarters)
    return model


COMPARE_TOTALS = ("revenue_total", "revenue_partner", "partner_net_contribution", "conflicts", "partners_churned")
COMPARE_LAST = ("partner_share", "partners_active", "partner_satisfaction_mean")


def compare(player: pd.DataFrame, best: pd.DataFrame) -> pd.DataFrame:
    """Totals over the game and last-quarter state, player beside best practice; `kind` is the
    metric's unit (`sim.units`), so every screen formats it the same way."""
    rows = [{"measure": f"{METRICS[col].label}, all quarters", "kind": METRICS[col].unit,
             "player": float(player[col].sum()), "best": float(best[col].sum())} for col in COMPARE_TOTALS]
    rows += [{"measure": f"{METRICS[col].label}, last quarter", "kind": METRICS[col].unit,
              "player": float(player[col].iloc[-1]), "best": float(best[col].iloc[-1])} for col in COMPARE_LAST]
    return pd.DataFrame(rows)
