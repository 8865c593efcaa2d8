"""The model's contract: determinism, validation, bookkeeping, Mesa compatibility."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings

import mesa
import numpy as np
import pandas as pd
import pytest

from sim.events import ScheduledEvent
from sim.metrics import METRIC_COLUMNS
from sim.model import WEEKS, PartnerProgramModel
from sim.policy import LEVERS, Policy, PolicyError
from sim.world import WorldError

REQUIRED = [
    "quarter", "revenue_direct", "revenue_partner", "revenue_total", "conflicts",
    "partners_active", "partners_recruited", "partners_churned", "partner_satisfaction_mean",
    "partner_capability_mean", "partner_program_cost", "partner_net_contribution",
    "forecast_error_direct", "forecast_error_partner", "largest_partner_share",
    "top20_partner_share", "partners_transacting", "program_cut",
]


def run(quarters: int = 8, **kw) -> pd.DataFrame:
    m = PartnerProgramModel(**kw)
    m.run_quarters(quarters)
    return m.quarterly_frame()


def test_required_columns_present() -> None:
    df = run(2, seed=0)
    for col in REQUIRED:
        assert col in df.columns
    assert list(df.quarter) == [1, 2]


def test_same_seed_same_metrics() -> None:
    a, b = run(seed=7), run(seed=7)
    pd.testing.assert_frame_equal(a, b)


def test_different_seeds_differ() -> None:
    assert not run(seed=1).equals(run(seed=2))


def test_deterministic_across_processes_and_hash_seeds() -> None:
    code = (
        "from sim.model import PartnerProgramModel;"
        "m=PartnerProgramModel(seed=3, direct_comp='competing');m.run_quarters(6);"
        "print(m.quarterly_frame().to_json())"
    )
    outs = []
    for hashseed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        outs.append(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                   text=True, check=True).stdout)
    assert outs[0] == outs[1]
    here = PartnerProgramModel(seed=3, direct_comp="competing")
    here.run_quarters(6)
    assert json.loads(outs[0]) == json.loads(here.quarterly_frame().to_json())


@pytest.mark.parametrize("scale", [0.5, 1.0, 3.0])
def test_metrics_add_up(scale: float) -> None:
    for seed in range(3):
        df = run(12, seed=seed, world_scale=scale, direct_takeover=seed == 1,
                 incentive="referral_bounty" if seed == 2 else "aligned", incentive_budget=50_000)
        assert not df.isna().any().any()
        np.testing.assert_allclose(df.revenue_total, df.revenue_direct + df.revenue_partner)
        np.testing.assert_allclose(df.partner_net_contribution,
                                   df.revenue_partner - df.partner_program_cost)
        np.testing.assert_allclose(df.cumulative_net_contribution, df.partner_net_contribution.cumsum())
        for col in ("revenue_direct", "revenue_partner", "partner_program_cost", "conflicts",
                    "partners_active", "partners_churned", "partners_recruited"):
            assert (df[col] >= 0).all(), col
        for col in ("partner_share", "largest_partner_share", "top20_partner_share",
                    "partner_satisfaction_mean", "partner_capability_mean", "transacting_share"):
            assert df[col].between(0, 1).all(), col
        assert (df.largest_partner_share <= df.top20_partner_share + 1e-12).all()
        assert (df.partners_transacting <= df.partners_enrolled + df.partners_churned).all()


def test_bad_lever_values_are_named() -> None:
    with pytest.raises(PolicyError, match="direct_comp.*'sometimes'.*neutral \\| competing"):
        PartnerProgramModel(direct_comp="sometimes")
    with pytest.raises(PolicyError, match="enablement.*1.5.*0 to 1"):
        PartnerProgramModel(enablement=1.5)
    with pytest.raises(PolicyError, match="unknown lever or world setting 'enablemnt' "
                                          r"\(levers: partner_regions, .*; world settings: world_scale, "):
        PartnerProgramModel(enablemnt=0.5)
    with pytest.raises(PolicyError, match="deal_registration.*true \\| false"):
        PartnerProgramModel(deal_registration="yes")
    with pytest.raises(WorldError, match="world_scale.*0.25 to 64"):
        PartnerProgramModel(world_scale=0)


def test_every_lever_default_validates() -> None:
    assert Policy().validate() == Policy()
    assert set(Policy().as_dict()) == set(LEVERS)


def test_set_policy_between_quarters_and_log() -> None:
    m = PartnerProgramModel(seed=0)
    m.run_quarters(2)
    m.set_policy(management_style="push", enablement=0.9)
    assert m.policy.management_style == "push"
    assert m.event_log[-1].kind == "policy_change"
    with pytest.raises(PolicyError):
        m.set_policy(partner_margin=0.9)
    assert m.policy.partner_margin == LEVERS["partner_margin"].default
    m.run_quarters(1)
    assert m.quarter == 3


def test_event_log_explains_itself() -> None:
    m = PartnerProgramModel(seed=4, direct_comp="competing", direct_takeover=True)
    m.run_quarters(12)
    kinds = {e.kind for e in m.event_log}
    assert {"deal_won", "deal_lost", "conflict", "first_partner_deal", "partner_signed",
            "partner_churned"} <= kinds
    for e in m.event_log:
        assert 1 <= e.quarter <= 12 and e.cause
    churned = [e for e in m.event_log if e.kind == "partner_churned"]
    assert all(e.data["reasons"] for e in churned)
    assert any("direct" in e.cause for e in churned)
    won = [e for e in m.event_log if e.kind == "deal_won" and e.data["channel"] == "partner"]
    assert won and all(e.amount > 0 for e in won)


def test_scheduled_events_fire() -> None:
    events = (
        ScheduledEvent(quarter=3, kind="policy", message="The CEO wants targets",
                       changes=(("management_style", "push"),)),
        ScheduledEvent(quarter=4, kind="shock", message="Recession", shock="demand",
                       size=0.5, duration=2),
    )
    m = PartnerProgramModel(seed=1, events=events)
    m.run_quarters(6)
    msgs = [e for e in m.event_log if e.kind == "scenario_event"]
    assert [e.quarter for e in msgs] == [3, 4]
    assert m.policy.management_style == "push"
    assert m.demand_shock == 1.0  # the shock lasted two quarters
    with pytest.raises(PolicyError, match="shock 'meteor'"):
        PartnerProgramModel(events=(ScheduledEvent(2, "shock", "x", shock="meteor"),))


def test_program_cut_is_final() -> None:
    m = PartnerProgramModel(seed=0, executive_patience=2)
    m.run_quarters(8)
    df = m.quarterly_frame()
    assert df.program_cut.iloc[-1] == 1
    cut_q = int(df.quarter[df.program_cut == 1].iloc[0])
    later = df[df.quarter > cut_q]
    assert (later.partner_team_size == 0).all()
    assert (later.partners_recruited == 0).all()
    assert any(e.kind == "program_cut" for e in m.event_log)


def test_agents_are_mesa_agents_with_readable_state() -> None:
    from sim.agents import DirectRep, PartnerFirm, PartnerManager

    m = PartnerProgramModel(seed=2, partner_team_size=3)
    m.run_quarters(4)
    firms = list(m.agents_by_type[PartnerFirm])
    signed = [f for f in firms if f.stage != "prospect"]
    assert signed
    f = signed[0]
    assert f.partner_type in ("reseller", "system_integrator", "msp", "isv", "global_si")
    assert 0 <= f.fit <= 1 and 0 <= f.capability <= 1 and 0 <= f.satisfaction <= 1
    assert isinstance(f.risk_reasons(), list)
    assert len(m.agents_by_type[PartnerManager]) == 3
    assert all(0 <= r.region < m.world.home_regions for r in m.agents_by_type[DirectRep])


def _batch(**kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mesa.batch_run(PartnerProgramModel, number_processes=1, display_progress=False, **kw)


def test_batch_run_unchanged() -> None:
    steps = 26
    if "rng" in mesa.batch_run.__code__.co_varnames:  # Mesa 3.5+: seeds go through rng=
        rows = _batch(parameters={"direct_comp": ["neutral", "competing"]}, rng=[0, 1],
                      max_steps=steps, data_collection_period=13)
    else:
        rows = _batch(parameters={"direct_comp": ["neutral", "competing"], "seed": [0, 1]},
                      iterations=1, max_steps=steps, data_collection_period=13)
    df = pd.DataFrame(rows)
    assert set(df.direct_comp) == {"neutral", "competing"}
    last = df[df.Step == df.Step.max()]
    assert len(last) == 4
    # batch_run's rows match a direct run with the same seed at the same step
    m = PartnerProgramModel(seed=0, direct_comp="competing")
    for _ in range(int(last.Step.max())):
        m.step()
    row = last[(last.direct_comp == "competing") & (last.get("seed", last.get("rng")) == 0)].iloc[0]
    assert row.revenue_total == m.metrics["revenue_total"]
    for col in METRIC_COLUMNS:
        assert col in df.columns


@pytest.mark.parametrize("scenario,scale", [("baseline", 1.0), ("impatient_board", 2.0)])
def test_quarterly_collector_records_what_mesa_datacollector_would(scenario: str, scale: float) -> None:
    """The model's collector copies a quarter's metrics once a quarter, yet records, step by
    step, exactly the table Mesa's own DataCollector with the same reporters records (so
    `mesa.batch_run` reads the same rows at any step), through a mid-quarter policy change."""
    from sim.api import build_model
    from sim.model import _reporters

    m = build_model(scenario, 5, world_scale=scale)
    plain = mesa.DataCollector(model_reporters=_reporters())
    plain.collect(m)
    for week in range(WEEKS * 7):
        if week == WEEKS * 3 + 5:
            m.set_policy(direct_comp="competing", enablement=0.1)
        m.step()
        plain.collect(m)
    got = m.datacollector.get_model_vars_dataframe()
    want = plain.get_model_vars_dataframe()
    assert len(got) == WEEKS * 7 + 1
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    # Mesa 3.5+ also keeps the steps it collected at, which `mesa.batch_run` looks rows up by
    assert getattr(m.datacollector, "_collection_steps", None) == getattr(plain, "_collection_steps", None)
    # a later quarter's metrics never leak into an earlier step's row
    assert got.revenue_total.iloc[WEEKS] != got.revenue_total.iloc[WEEKS * 2]


def test_event_log_reads_the_same_whenever_it_is_read() -> None:
    """The log writes a week's deals as events only when read: a log read every week (as the
    game's news feed does) and one read once at the end hold the same events, sentences and
    order, and its length counts unread deals without building them."""
    watched, unread = (PartnerProgramModel(seed=8, direct_comp="competing") for _ in range(2))
    seen = 0
    for _ in range(WEEKS * 6):
        watched.step()
        unread.step()
        new = watched.event_log[seen:]
        assert len(new) == len(watched.event_log) - seen
        seen = len(watched.event_log)
    assert len(unread.event_log) == len(watched.event_log) > 1000
    assert [(e.quarter, e.week, e.kind, e.agents, e.cause, e.amount, e.data) for e in unread.event_log] == \
        [(e.quarter, e.week, e.kind, e.agents, e.cause, e.amount, e.data) for e in watched.event_log]
    assert list(reversed(unread.event_log))[0] == unread.event_log[-1]
    kinds = {e.kind for e in unread.event_log}
    assert {"deal_won", "deal_lost", "first_partner_deal", "conflict"} <= kinds
    assert any(e.cause.startswith("Direct won a $") for e in unread.event_log)


def test_conflicts_lost_by_partners_counted() -> None:
    """Deals partners lose to direct reps are a subset of conflicts, and happen under
    competing comp (C2)."""
    m = PartnerProgramModel(seed=3, direct_comp="competing")
    m.run_quarters(6)
    d = m.quarterly_frame()
    assert (d.conflicts_lost_by_partners <= d.conflicts).all()
    assert d.conflicts_lost_by_partners.sum() > 0


def test_docs_cover_every_lever_and_metric() -> None:
    """docs/model.md names every lever and every metric column (so the docs cannot drift)."""
    from pathlib import Path

    from sim.metrics import METRIC_COLUMNS
    from sim.policy import LEVERS

    text = (Path(__file__).parent.parent / "docs" / "model.md").read_text()
    missing = [n for n in [*LEVERS, *METRIC_COLUMNS] if f"`{n}`" not in text]
    assert not missing
