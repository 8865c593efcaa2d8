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
from sim.mechanisms.sales import partner_rhythm, slip_probability

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
        seen = P.DIRECT_FORECAST_BASE_RATE * pw[d] + P.DIRECT_FORECAST_VISIBILITY * won[d]
        direct_f = float((value[d] * seen).sum())
        pr = ~d
        if pr.any():
            i = ch[pr]
            v = value[pr] * (1 - margin)
            if method == "partner_commit":
                optimism = P.COMMIT_OPTIMISM - P.COMMIT_OPTIMISM_LEARNING * p.capability[i]
                if model.effective.partner_plan == "revenue_target":
                    optimism = optimism * P.REVENUE_TARGET_OPTIMISM
                est = np.minimum(P.COMMIT_MAX, pw[pr] * optimism)
                partner_f = float((v * est).sum())
            else:
                closes = c["close"][rows][pr]
                rhythm = np.array([partner_rhythm(model, w)[k] for w, k in zip(closes, i, strict=False)])
                slip = slip_probability(rhythm, p.capability[i])
                # knowing the partner's business: its track record tells how deals really go
                hist = np.where(p.opps_total[i] >= P.TRACK_RECORD_MIN_OPPS,
                                p.wins_total[i] / np.maximum(p.opps_total[i], 1), pw[pr])
                est = (P.FORECAST_PWIN_WEIGHT * pw[pr] + P.FORECAST_HISTORY_WEIGHT * hist
                       + P.FORECAST_KNOWN_WEIGHT * won[pr]) * (1 - slip)
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
    return float(np.clip((forecast - actual) / actual, P.FORECAST_ERROR_MIN, P.FORECAST_ERROR_MAX))
