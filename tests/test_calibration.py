"""CT1-CT9: the calibration targets of `partnering-claims.md`, each measured over seeds
against its published band (figures and sources in docs/model.md)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from sim import params as P
from sim.facts import GOOD_POLICY
from sim.model import PartnerProgramModel

SEEDS = range(12)
pytestmark = pytest.mark.slow


@cache
def runs(quarters: int = 16, **levers) -> tuple[tuple[PartnerProgramModel, pd.DataFrame], ...]:
    out = []
    for seed in SEEDS:
        m = PartnerProgramModel(seed=seed, **levers)
        m.run_quarters(quarters)
        out.append((m, m.quarterly_frame()))
    return tuple(out)


def good(**changes) -> tuple[tuple[PartnerProgramModel, pd.DataFrame], ...]:
    return runs(**{**GOOD_POLICY, **changes})


def partner_revenue_by_partner(m: PartnerProgramModel, first_q: int, last_q: int) -> np.ndarray:
    """Revenue per partner enrolled at any time in quarters first_q..last_q (zeros included)."""
    rev: dict[int, float] = {}
    gone: dict[int, int] = {}
    for e in m.event_log:
        if e.kind == "partner_churned":
            gone[e.data["partner"]] = e.quarter
        elif e.kind == "deal_won" and e.data["channel"] == "partner" and first_q <= e.quarter <= last_q:
            rev[e.data["partner"]] = rev.get(e.data["partner"], 0.0) + e.amount
    p = m.partners
    pop = [i for i in np.nonzero((p.signed_week >= 0) & (p.signed_week < last_q * 13))[0]
           if gone.get(int(i), 99) >= first_q]
    return np.array([rev.get(int(i), 0.0) for i in pop])


def test_ct1_partner_share_of_revenue() -> None:
    """CT1: 20-50% partner share by quarters 12-16 under good policy (A5, A8)."""
    share = np.mean([d.partner_share[11:16].mean() for _, d in good()])
    assert 0.20 <= share <= 0.50
    base = np.mean([d.partner_share[11:16].mean() for _, d in runs()])
    assert base < share


@pytest.mark.parametrize("policy", ["baseline", "good"])
def test_ct2_concentration(policy: str) -> None:
    """CT2: the top 20% of enrolled partners bring >= 75% of a year's partner revenue (B1-B3)."""
    sample = runs() if policy == "baseline" else good()
    shares = []
    for m, _ in sample:
        rev = partner_revenue_by_partner(m, 9, 12)
        k = max(1, int(np.ceil(0.2 * len(rev))))
        shares.append(np.sort(rev)[::-1][:k].sum() / rev.sum())
    assert np.mean(shares) >= 0.75


def test_ct3_few_partners_transact() -> None:
    """CT3: in a typical program 10-30% of enrolled partners close anything in a quarter (B5)."""
    share = np.mean([d.transacting_share[4:].mean() for _, d in runs()])
    assert 0.10 <= share <= 0.30


def test_ct4_first_deal_and_break_even() -> None:
    """CT4: the median partner's first deal comes 3-12 months after signing (calibration
    sheet: default 5 months, range 3-12; calibration row C1 reports a median of 4.7 months,
    low-to-medium confidence); the program breaks even after four to eight quarters (12-24
    months, calibration rows C5-C7).
    The model's median is about 4.4 months (docs/model.md, section 4.3)."""
    waits = []
    for m, _ in good():
        p = m.partners
        ok = (p.first_deal_week >= 0) & (p.signed_week >= 0)
        waits.extend((p.first_deal_week[ok] - p.signed_week[ok]).tolist())
    assert 13 <= np.median(waits) <= 52
    net = np.mean([d.partner_net_contribution.to_numpy() for _, d in good()], axis=0)
    first_positive = int(np.argmax(net > 0)) + 1
    assert net[first_positive - 1] > 0
    assert 4 <= first_positive <= 8


def test_ct5_channel_forecast_error() -> None:
    """CT5: channel forecasts miss by ~25% (median), mostly over; direct far less (K1)."""
    errs_p = np.concatenate([d.forecast_error_partner[4:].to_numpy()
                             for _, d in good(forecast_method="partner_commit")])
    errs_d = np.concatenate([d.forecast_error_direct[4:].to_numpy()
                             for _, d in good(forecast_method="partner_commit")])
    assert 0.15 <= np.median(np.abs(errs_p)) <= 0.40
    assert (errs_p > 0).mean() >= 0.55
    assert np.median(np.abs(errs_d)) <= 0.5 * np.median(np.abs(errs_p))


def test_ct6_partner_lift_is_modest() -> None:
    """CT6: a partner on a deal lifts win rate 1.1-1.5x, not 2-3x (H1: +11.7%)."""
    cosell = np.mean([d.cosell_win_rate[4:].mean() for _, d in good()])
    solo = np.mean([d.direct_solo_win_rate[4:].mean() for _, d in good()])
    assert 1.1 <= cosell / solo <= 1.5


def test_ct7_recruiting_past_span_stops_paying() -> None:
    """CT7: past the team's span (~7-10 partners a manager), more recruits lower
    activation and partner revenue plateaus or falls (J1; Schaffernicht 2021)."""
    def measure(recruits: int) -> tuple[float, float, float]:
        sample = runs(quarters=12, **{**GOOD_POLICY, "partner_team_size": 2,
                                       "recruits_per_quarter": recruits})
        signed = np.mean([(m.partners.signed_week >= 0).sum() for m, _ in sample])
        active = np.mean([(m.partners.first_deal_week[m.partners.signed_week >= 0] >= 0).mean()
                          for m, _ in sample])
        revenue = np.mean([d.revenue_partner[8:12].sum() for _, d in sample])
        return signed, active, revenue

    s_lo, a_lo, r_lo = measure(2)
    s_hi, a_hi, r_hi = measure(8)
    assert s_hi >= 2.0 * s_lo
    assert a_hi <= 0.8 * a_lo
    assert r_hi <= 1.1 * r_lo


def test_ct8_deal_registration() -> None:
    """CT8: deal registration cuts conflict 30-60%, and loses most of its value when
    direct reps can override it (F5, F6)."""
    def reduction(**kw) -> float:
        with_reg = np.mean([d.conflicts.sum() for _, d in good(deal_registration=True, **kw)])
        without = np.mean([d.conflicts.sum() for _, d in good(deal_registration=False, **kw)])
        return 1.0 - with_reg / without

    honoured = reduction()
    overridden = reduction(direct_takeover=True)
    assert 0.30 <= honoured <= 0.60
    assert overridden <= 0.5 * honoured


def test_ct9_conflict_erodes_effort_first_frequency_over_size() -> None:
    """CT9: an incident cuts effort at once, effort recovers slowly, churn comes later;
    how often incidents happen matters, not how big the deal was (Webb & Hogan 2002)."""
    from sim.mechanisms import conflict, satisfaction

    def setup(value: float, incidents: int) -> tuple[PartnerProgramModel, int]:
        m = PartnerProgramModel(seed=0, **{**GOOD_POLICY, "direct_comp": "competing"})
        m.run_quarters(4)
        i = int(np.nonzero(m.partners.stage == 3)[0][0])  # a productive partner
        before = m.partners.mindshare[i]
        for _ in range(incidents):
            row = m.pipeline.add(m.steps + 5, channel=i, rep=-1, region=0, account=0, segment=0,
                                 value=value, p_win=0.3, won=False, created=m.steps, cosell=-1, kind=0)
            m.pipeline.cols["conflict"][row] = False
            # force the incident: the conflict probability is 1 for this test
            orig = conflict.conflict_probability
            conflict.conflict_probability = lambda *a, **k: 1.0
            try:
                conflict.resolve_channel_conflict(m, row, m.steps)
            finally:
                conflict.conflict_probability = orig
        return m, i, before

    small, i, before = setup(10_000.0, 1)
    big, j, _ = setup(1_000_000.0, 1)
    assert small.partners.mindshare[i] < before              # effort drops at once
    assert small.partners.s_soc[i] == pytest.approx(big.partners.s_soc[j])   # size doesn't matter
    many, k, _ = setup(10_000.0, 3)
    assert many.partners.s_soc[k] < small.partners.s_soc[i]  # frequency does
    assert many.partners.stage[k] != 5                       # no instant exit
    # recovery is slow: one quarter later, effort is still below where it was
    s = satisfaction.satisfaction(many)
    assert s[k] > 0
    dropped = many.partners.mindshare[k]
    satisfaction.partner_mindshare(many)
    assert many.partners.mindshare[k] < before
    assert many.partners.mindshare[k] - dropped < P.MINDSHARE_UP * (before - dropped) + 1e-9 or \
        many.partners.mindshare[k] < before
