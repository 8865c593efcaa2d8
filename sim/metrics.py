"""Quarterly metrics: what a board, a player or a researcher reads off a quarter.

`compute_quarter_metrics` runs at the end of each quarter; the DataCollector reports
the latest completed quarter at every step (so `mesa.batch_run` can index any step),
and `PartnerProgramModel.quarterly_frame()` keeps one row per quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim import params as P
from sim import units
from sim.agents import ACTIVE, AT_RISK, ONBOARDING, PRODUCTIVE, enrolled_mask
from sim.mechanisms.forecast import forecast_error
from sim.mechanisms.satisfaction import partner_satisfaction

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel

@dataclass(frozen=True)
class Metric:
    """What a quarterly metric means and how a person reads it.

    Attributes:
        name: The column name.
        label: A short label for tiles, charts and tables.
        unit: One of `sim.units.UNITS` (how the value is formatted).
        good: +1 if higher is better for the program, -1 if lower is better, 0 if neither.
        help: One sentence: what it measures.
    """

    name: str
    label: str
    unit: str
    good: int
    help: str

    def fmt(self, value: float) -> str:
        """The value as a person reads it."""
        return units.fmt(self.unit, value)

    @property
    def integer(self) -> bool:
        """Whether the metric counts whole things."""
        return self.unit in ("count", "quarters")


_M = Metric
METRICS: dict[str, Metric] = {m.name: m for m in (
    _M("quarter", "Quarter", "quarters", 0, "Quarter number (1-based) the row describes."),
    _M("revenue_direct", "Direct revenue", "money", 1, "Revenue booked by the direct team this quarter (USD)."),
    _M("revenue_partner", "Partner revenue", "money", 1,
       "Vendor revenue from deals partners sold, net of partner margin (USD)."),
    _M("revenue_total", "Revenue", "money", 1, "revenue_direct + revenue_partner (USD)."),
    _M("partner_share", "Partner share", "share", 1, "revenue_partner / revenue_total (0 when nothing was booked)."),
    _M("conflicts", "Conflicts", "count", -1,
       "Channel-conflict incidents between direct reps and partners this quarter."),
    _M("conflicts_lost_by_partners", "Conflicts lost by partners", "count", -1,
       "Conflict incidents in which the deal went to the direct rep."),
    _M("partners_enrolled", "Partners enrolled", "count", 1, "Partners signed and not churned at quarter end."),
    _M("partners_onboarding", "Partners onboarding", "count", 0, "Enrolled partners still onboarding."),
    _M("partners_active", "Active partners", "count", 1,
       "Enrolled partners past onboarding (active, productive or at risk)."),
    _M("partners_productive", "Productive partners", "count", 1, "Partners with a won deal in the last four quarters."),
    _M("partners_at_risk", "Partners at risk", "count", -1, "Partners flagged at risk of leaving."),
    _M("partners_recruited", "Partners signed", "count", 1, "Partners that signed this quarter."),
    _M("partners_churned", "Partners lost", "count", -1, "Partners that left this quarter."),
    _M("partners_transacting", "Partners transacting", "count", 1, "Partners with at least one won deal this quarter."),
    _M("transacting_share", "Transacting share", "share", 1,
       "partners_transacting / partners enrolled during the quarter."),
    _M("partner_satisfaction_mean", "Partner satisfaction", "score", 1,
       "Mean satisfaction (0-1) of enrolled partners (0 if none)."),
    _M("partner_capability_mean", "Partner capability", "score", 1,
       "Mean selling capability (0-1) of enrolled partners (0 if none)."),
    _M("partner_mindshare_mean", "Partner mindshare", "share", 1,
       "Mean share of effort enrolled partners give the vendor (0-1)."),
    _M("partner_opportunities", "Partner opportunities", "count", 1, "Opportunities partners opened this quarter."),
    _M("partner_win_rate", "Partner win rate", "share", 1, "Share of partner deals closed this quarter that were won."),
    _M("direct_win_rate", "Direct win rate", "share", 1,
       "Share of direct new-business deals closed this quarter that were won."),
    _M("direct_solo_win_rate", "Direct solo win rate", "share", 1,
       "Win rate of direct new-business deals with no partner on them."),
    _M("cosell_win_rate", "Co-sell win rate", "share", 1,
       "Win rate of direct deals a partner co-sold (CT6: modest lift)."),
    _M("partner_program_cost", "Program cost", "money", -1,
       "Partner team pay + program budget + incentives + neutral-comp commission (USD)."),
    _M("incentive_spend", "Incentive spend", "money", -1, "Incentive money paid this quarter (USD)."),
    _M("partner_net_contribution", "Net contribution", "money", 1, "revenue_partner - partner_program_cost (USD)."),
    _M("cumulative_net_contribution", "Net to date", "money", 1, "Sum of partner_net_contribution to date (USD)."),
    _M("forecast_direct", "Direct forecast", "money", 0, "Direct revenue forecast at the start of the quarter (USD)."),
    _M("forecast_partner", "Partner forecast", "money", 0,
       "Partner revenue forecast at the start of the quarter (USD)."),
    _M("forecast_error_direct", "Direct forecast error", "ratio", 0,
       "(forecast - actual) / actual for direct revenue; positive = over-forecast."),
    _M("forecast_error_partner", "Partner forecast error", "ratio", 0,
       "(forecast - actual) / actual for partner revenue; positive = over-forecast."),
    _M("largest_partner_share", "Largest partner's share", "share", 0,
       "Largest single partner's share of partner revenue this quarter."),
    _M("top20_partner_share", "Top 20% partners' share", "share", 0,
       "Share of partner revenue from the top 20% of partners enrolled in the quarter."),
    _M("partner_team_size", "Partner managers", "count", 0, "Partner managers on the team at quarter end."),
    _M("partners_per_manager", "Partners per manager", "score", 0,
       "Enrolled partners per partner manager (0 with no team)."),
    _M("support_level", "Support level", "share", 1,
       "Share of needed partner support the program budget pays for (0-1)."),
    _M("reputation", "Reputation", "score", 1, "The vendor's reputation among partners (0-1)."),
    _M("offer_fit_gain", "Offer fit gain", "score", 1, "Product-fit gain from channel insight so far (C19)."),
    _M("accounts_taken_direct", "Accounts taken direct", "count", -1,
       "Partner customers moved to the direct team this quarter."),
    _M("program_cut", "Program cut", "count", -1, "1 once the board has cut the partner program, else 0."),
)}
METRIC_COLUMNS: tuple[str, ...] = tuple(METRICS)
# colour-blind-safe colours (Okabe-Ito) for charts `sim` exports; the game's palette matches
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def partner_share_over(frame: Any, quarter: int | None = None, quarters: int = 4) -> float:
    """Partner revenue / total revenue over the `quarters` quarters ending at `quarter`
    (default: the frame's last): a year's share, steadier than one quarter's."""
    q = int(frame["quarter"].max()) if quarter is None else quarter
    window = frame[(frame["quarter"] <= q) & (frame["quarter"] > q - quarters)]
    total = float(window["revenue_total"].sum())
    return float(window["revenue_partner"].sum()) / total if total > 0 else 0.0


def top_share(values: np.ndarray, fraction: float) -> float:
    """Share of the total held by the top `fraction` of entries (at least one entry)."""
    total = values.sum()
    if total <= 0 or len(values) == 0:
        return 0.0
    k = max(1, int(np.ceil(fraction * len(values))))
    return float(min(1.0, np.sort(values)[::-1][:k].sum() / total))


def compute_quarter_metrics(model: PartnerProgramModel) -> dict[str, Any]:
    """All metrics for the quarter that just ended; reads the model, changes nothing."""
    p = model.partners
    acc = model.acc
    enrolled = enrolled_mask(p.stage)
    in_quarter = model.enrolled_in_quarter
    rev_d = acc["revenue_direct"]
    rev_p = acc["revenue_partner"]
    total = rev_d + rev_p
    salaries = sum(P.MANAGER_SALARY[m.profile] for m in model.managers)
    spend = model.incentive_spend_q
    cost = salaries + model.program_budget + spend + acc["neutral_comp"]
    net = rev_p - cost
    cumulative = model.cumulative_net + net   # the model books both into the board's ledger
    per_partner = p.revenue_q[in_quarter]
    n_in = int(in_quarter.sum())
    n_team = len(model.managers)
    n_enrolled = int(enrolled.sum())

    def mean(a: np.ndarray) -> float:
        return float(a[enrolled].mean()) if n_enrolled else 0.0

    def rate(won: float, closed: float) -> float:
        return float(won / closed) if closed > 0 else 0.0

    return {
        "quarter": model.quarter,
        "revenue_direct": float(rev_d),
        "revenue_partner": float(rev_p),
        "revenue_total": float(total),
        "partner_share": float(rev_p / total) if total > 0 else 0.0,
        "conflicts": int(p.conflicts_q.sum()),
        "conflicts_lost_by_partners": int(acc["conflicts_lost"]),
        "partners_enrolled": n_enrolled,
        "partners_onboarding": int((p.stage == ONBOARDING).sum()),
        "partners_active": int(((p.stage >= ACTIVE) & (p.stage <= AT_RISK)).sum()),   # ACTIVE, PRODUCTIVE, AT_RISK
        "partners_productive": int((p.stage == PRODUCTIVE).sum()),
        "partners_at_risk": int((p.stage == AT_RISK).sum()),
        "partners_recruited": int(model.partners_recruited_q),
        "partners_churned": int(model.partners_churned_q),
        "partners_transacting": int((p.wins_q > 0).sum()),
        "transacting_share": float((p.wins_q[in_quarter] > 0).sum() / n_in) if n_in else 0.0,
        "partner_satisfaction_mean": mean(partner_satisfaction(p)),
        "partner_capability_mean": mean(p.capability),
        "partner_mindshare_mean": mean(p.mindshare),
        "partner_opportunities": int(p.opps_q.sum()),
        "partner_win_rate": rate(acc["partner_won"], acc["partner_closed"]),
        "direct_win_rate": rate(acc["direct_won"], acc["direct_closed"]),
        "direct_solo_win_rate": rate(acc["direct_won"] - acc["cosell_won"],
                                     acc["direct_closed"] - acc["cosell_closed"]),
        "cosell_win_rate": rate(acc["cosell_won"], acc["cosell_closed"]),
        "partner_program_cost": float(cost),
        "incentive_spend": float(spend),
        "partner_net_contribution": float(net),
        "cumulative_net_contribution": float(cumulative),
        "forecast_direct": float(model.forecast[0]),
        "forecast_partner": float(model.forecast[1]),
        "forecast_error_direct": forecast_error(model.forecast[0], rev_d),
        "forecast_error_partner": forecast_error(model.forecast[1], rev_p),
        "largest_partner_share": float(min(1.0, per_partner.max() / rev_p)) if rev_p > 0 else 0.0,
        "top20_partner_share": top_share(per_partner, 0.2),
        "partner_team_size": n_team,
        "partners_per_manager": float(n_enrolled / n_team) if n_team else 0.0,
        "support_level": float(model.support),
        "reputation": float(model.reputation),
        "offer_fit_gain": float(model.offer_fit_gain),
        "accounts_taken_direct": int(p.takeovers_q.sum()),
        "program_cut": int(model.program_cut),
    }


def empty_metrics() -> dict[str, Any]:
    """Metrics before the first quarter has ended: all zero."""
    return {k: 0 if m.integer else 0.0 for k, m in METRICS.items()}
