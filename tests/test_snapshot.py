"""`sim.snapshot`: the read-only picture of the world the game draws."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from sim.agents import AT_RISK, PROSPECT
from sim.params import WEEKS_PER_QUARTER
from sim.scenario import load_scenario
from sim.snapshot import snapshot


@pytest.fixture(scope="module")
def model():
    m = load_scenario("baseline").build_model(0)
    for _ in range(3 * WEEKS_PER_QUARTER + 5):      # mid-quarter 4
        m.step()
    return m


def _state(m) -> tuple:
    arrays = tuple(np.asarray(v).tobytes() for v in vars(m.partners).values() if isinstance(v, np.ndarray))
    return (m.steps, len(m.event_log), str(m.rng.bit_generator.state), arrays, m.reputation)


def test_snapshot_changes_nothing(model) -> None:
    before = _state(model)
    for _ in range(3):
        snapshot(model)
    assert _state(model) == before


def test_snapshot_describes_the_world_in_force(model) -> None:
    view = snapshot(model)
    p = model.partners
    assert view.week == model.steps and view.quarter == model.quarter == 3
    signed = [int(i) for i in np.nonzero((p.stage != PROSPECT) & (p.signed_week >= 0))[0]]
    assert [v.index for v in view.partners] == signed
    assert [r.reps for r in view.regions] == [int((model.reps.region == r).sum()) for r in range(len(view.regions))]
    assert [r.open_to_partners for r in view.regions] == [bool(x) for x in model.allowed_regions]
    for v in view.partners:
        assert view.partner(v.index) is v
        assert 0 <= v.satisfaction <= 1 and v.name == model.partner_agents[v.index].name
        assert v.at_risk == bool(v.risk_reasons) and (v.at_risk or v.stage != "at_risk")
    # this quarter's conflicts only, each naming a real rep and partner
    start = (model.steps - 1) // WEEKS_PER_QUARTER * WEEKS_PER_QUARTER
    logged = [e for e in model.event_log if e.kind == "conflict" and e.week >= start]
    assert len(view.conflicts) == len(logged)
    for c in view.conflicts:
        assert start <= c.week < model.steps and view.partner(c.partner) is not None
        assert c.rep == -1 or view.reps[c.rep].region == c.region


def test_closing_home_markets_shows_at_once() -> None:
    m = load_scenario("baseline").build_model(0)
    m.set_policy(partner_regions="new_markets_only")
    view = snapshot(m)
    assert [r.open_to_partners for r in view.regions] == [not r.home for r in view.regions]


def test_a_partner_at_risk_carries_its_real_reasons() -> None:
    m = load_scenario("baseline").build_model(0)
    for _ in range(2 * WEEKS_PER_QUARTER):
        m.step()
    view = snapshot(m)
    calm = next(v for v in view.partners if v.enrolled and not v.at_risk)
    assert not calm.at_risk and calm.risk_reasons == ()
    # three deals lost to direct reps, and the model's own lifecycle flag
    i = calm.index
    m.partners.conflicts_recent[i] = 3.0
    m.partners.deals_lost_to_direct[i] = 3.0
    m.partners.stage[i] = AT_RISK
    hot = snapshot(m).partner(i)
    assert hot.at_risk and hot.stage_label == "at risk"
    assert hot.risk_reasons and "direct" in hot.risk_reasons[0]


def test_snapshot_needs_no_pygame() -> None:
    code = ("import sys, sim.snapshot; "
            "bad = [m for m in sys.modules if m == 'pygame' or m.startswith(('pygame.', 'game.'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
