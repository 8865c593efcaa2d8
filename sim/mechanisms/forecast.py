"""Forecasting revenue at the start of each quarter (C15, C18; K1).

Direct reps know their deals: their forecast blends the base rate with what they can
see of each deal. Partners are a black box: under `partner_commit` the vendor takes
partners' optimistic commits and ignores that their own business rhythm will push
deals out; under `rhythm_aware` it uses each partner's track record and season.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim.mechanisms.sales import partner_rhythm

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def forecast_quarter(model: PartnerProgramModel, start_week: int) -> tuple[float, float]:
    """Forecast this quarter's direct and partner revenue (vendor's share), in USD."""
    pipe = model.pipeline
    c = pipe.cols
    end = start_week + P.WEEKS_PER_QUARTER - 1
    rows = np.array(pipe.open_rows(start_week, end), dtype=np.int64)
    direct_f = 0.0
    partner_f = 0.0
    margin = model.effective.partner_margin
    method = model.effective.forecast_method
    p = model.partners
    if len(rows):
        rows = rows[(c["close"][rows] >= start_week) & (c["close"][rows] <= end)]
        rows = np.unique(rows)
    if len(rows):
        ch = c["channel"][rows]
        value = c["value"][rows]
        pw = c["p_win"][rows]
        won = c["won"][rows].astype(float)
        d = ch < 0
        # reps see much of how their deals are going
        direct_f = float((value[d] * (0.45 * pw[d] + 0.55 * won[d])).sum())
        pr = ~d
        if pr.any():
            i = ch[pr]
            v = value[pr] * (1 - margin)
            if method == "partner_commit":
                optimism = 1.45 - 0.45 * p.capability[i]
                if model.effective.partner_plan == "revenue_target":
                    optimism = optimism * 1.1
                est = np.minimum(0.95, pw[pr] * optimism)
                partner_f = float((v * est).sum())
            else:
                closes = c["close"][rows][pr]
                rhythm = np.array([partner_rhythm(model, w)[k] for w, k in zip(closes, i, strict=False)])
                slip = P.SLIP_BASE + P.SLIP_RHYTHM * np.maximum(0.0, 1.0 - rhythm) + 0.1 * (1 - p.capability[i])
                # knowing the partner's business: its track record tells how deals really go
                hist = np.where(p.opps_total[i] >= 3, p.wins_total[i] / np.maximum(p.opps_total[i], 1), pw[pr])
                est = (0.5 * pw[pr] + 0.2 * hist + 0.3 * won[pr]) * (1 - slip)
                partner_f = float((v * est).sum())
    # deals opened and closed within the quarter: the trailing run rate
    direct_f += model.inquarter_runrate[0]
    partner_f += model.inquarter_runrate[1]
    return direct_f, partner_f


def forecast_error(forecast: float, actual: float) -> float:
    """Signed relative error (F - A) / A; positive means over-forecast.

    When nothing was booked the error is +1 if anything was forecast (a full miss),
    else 0; errors are clipped to [-1, 3] so one tiny quarter cannot dominate a mean.
    """
    if actual <= 0:
        return 1.0 if forecast > 0 else 0.0
    return float(np.clip((forecast - actual) / actual, -1.0, 3.0))
