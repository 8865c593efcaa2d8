"""Common random numbers: every draw is keyed by what it is about (`sim.randomness`), so
runs that differ in one decision share the luck of everything that decision does not touch."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim import randomness as rnd
from sim.mechanisms import sales
from sim.model import PartnerProgramModel


def test_a_key_depends_only_on_seed_stream_and_ids() -> None:
    r = rnd.Randomness(5)
    many = r.key("partner", 30, np.arange(50))
    alone = r.key("partner", 30, np.array([7]))
    assert many[7] == alone[0]                                  # partner 7 ignores the others
    assert (rnd.extend(many, 2) == r.key("partner", 30, np.arange(50), 2)).all()
    assert (rnd.Randomness(5).key("partner", 30, np.arange(50)) == many).all()
    for other in (rnd.Randomness(6).key("partner", 30, np.arange(50)), r.key("direct", 30, np.arange(50)),
                  r.key("partner", 31, np.arange(50))):
        assert not np.isin(other, many).any()
    for week in (-39, 0, 12, 13, 30):                          # the memo is the same numbers
        assert (r.keys_by_id("partner", week, 50) == r.key("partner", week, np.arange(50))).all()
    assert rnd.draw(int(many[3]), 2) == rnd.uniforms(many, 2)[3, 1]   # one item in a loop, the same
    g1, g2 = r.draws("world", 1), rnd.Randomness(5).draws("world", 1)
    assert (g1.random(5) == g2.random(5)).all()
    assert not np.isin(r.draws("world", 2).random(5), r.draws("world", 1).random(5)).any()
    with pytest.raises(ValueError):
        r.draws("world", 1, 2, 3, 4)


def test_keyed_uniforms_are_uniform_and_independent() -> None:
    u = rnd.uniforms(rnd.Randomness(0).key("deals", np.arange(100_000)), 4)
    assert np.abs(u.mean(axis=0) - 0.5).max() < 0.005
    assert np.abs(u.var(axis=0) - 1 / 12).max() < 0.002
    corr = np.corrcoef(np.column_stack([u, rnd.unit(rnd.Randomness(0).key("deals", np.arange(100_000)))]).T)
    assert np.abs(corr - np.eye(5)).max() < 0.02
    assert stats.kstest(u[:, 0], "uniform").pvalue > 0.001


def test_distributions_from_uniforms_are_exact_and_monotone() -> None:
    u = rnd.uniforms(rnd.Randomness(1).key("direct", np.arange(50_000)), 5)
    for lam in (0.05, 0.7, 3.0, 12.0):
        counts = rnd.poisson(np.full(len(u), lam), u[:, 0])
        assert (counts == stats.poisson.ppf(u[:, 0], lam)).all()
    mixed = np.linspace(0.01, 3.0, 200)                  # many items at once, or one at a time
    assert (rnd.poisson(mixed, u[:200, 0]) == [rnd.poisson(mixed[i:i + 1], u[i:i + 1, 0])[0] for i in range(200)]).all()
    low, high = rnd.poisson(np.full(len(u), 0.70), u[:, 0]), rnd.poisson(np.full(len(u), 0.71), u[:, 0])
    assert (high >= low).all() and 0 < (high > low).sum() < 0.02 * len(u)   # a small change, rarely
    erlang, inverse = rnd.gamma(4.0, 2.0, u[:, 1:5]), rnd.gamma(3.5, 2.0, u[:, 1:5])
    assert erlang.mean() == pytest.approx(8.0, rel=0.02) and erlang.var() == pytest.approx(16.0, rel=0.05)
    assert inverse.mean() == pytest.approx(7.0, rel=0.02)
    assert stats.kstest((np.log(rnd.lognormal(0.1, 0.5, u[:, 0])) - 0.1) / 0.5, "norm").pvalue > 0.001


def test_a_partners_opportunities_do_not_depend_on_other_partners() -> None:
    """Partner 3's opportunities in a week are the same whether or not others sell."""
    m = PartnerProgramModel(seed=2)
    lam = np.zeros(m.partners.n)
    lam[3] = 2.5
    alone = sales.open_opportunities(m, "partner", 40, lam)
    lam[:20] = 2.5
    crowd = sales.open_opportunities(m, "partner", 40, lam)
    mine = crowd[0] == 3
    assert (alone[0] == 3).all() and mine.sum() == len(alone[0])
    assert (crowd[1][mine] == alone[1]).all() and (crowd[2][mine] == alone[2]).all()


def test_partner_decisions_leave_the_direct_teams_own_deals_alone() -> None:
    """Pushing partners changes how many deals they open from quarter 1; the direct team's
    own opportunities (none converted from a partner conflict) stay the same, deal for deal."""
    def direct_deals(**levers) -> list[tuple]:
        m = PartnerProgramModel(seed=4, **levers)
        m.run_quarters(4)
        c, n = m.pipeline.cols, m.pipeline.n
        own = (c["channel"][:n] == -1) & (c["kind"][:n] == 0) & ~c["conflict"][:n] & (c["created"][:n] >= 0)
        return sorted(zip(c["created"][:n][own].tolist(), c["rep"][:n][own].tolist(),
                          c["value"][:n][own].tolist(), c["won"][:n][own].tolist(), strict=True))

    support, push = direct_deals(), direct_deals(management_style="push")
    assert len(support) > 100 and support == push


def test_no_mechanism_draws_from_mesas_generator() -> None:
    class Refuse:
        def __getattr__(self, name: str):
            raise AssertionError(f"a mechanism used Mesa's generator ({name})")

    m = PartnerProgramModel(seed=1, direct_takeover=True, incentive="referral_bounty", incentive_budget=50_000.0,
                            partner_team_hiring="transfer_portal", recruiting_focus="opportunistic")
    m.rng = m.random = Refuse()
    m.run_quarters(6)
    assert m.quarterly_frame()["revenue_partner"].sum() > 0
