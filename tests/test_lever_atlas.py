"""The lever atlas (`sim.atlas`) and the claims' levers held to their directions (`sim.claims`).

(a) Millisecond tests of the contrasts, the interval arithmetic, the outcome readings, the
claim table's consistency, the tables and the CLI's wiring and errors.
(b) The claim-direction test: every row of `CLAIM_EFFECTS`, played from its start over paired
seeds at world scales 1 and 2, must move its outcome the claimed way with a 95% interval that
excludes zero. Nothing is marked xfail: a row that fails is a dead or backwards lever.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim import atlas
from sim.atlas import (
    ATLAS_OUTCOMES,
    OUTCOMES,
    AtlasError,
    arm,
    atlas_markdown,
    atlas_text,
    contrasts,
    lever_atlas,
    paired_effect,
    t_interval,
)
from sim.claims import CLAIM_EFFECTS, UNMEASURED, check_rows, measure_claims
from sim.cli import main as cli_main
from sim.metrics import METRICS
from sim.policy import LEVERS
from sim.scenario import load_scenario

# Paired seeds for the claim-direction test. Common random numbers make paired differences
# tight: most rows clear zero at 3-4 seeds, and 8 leaves a margin. Two outcomes spread between
# worlds with a heavy tail (biggest-first recruiting's partner revenue turns on a global SI's
# luck; partner forecast error on a few quarters): their rows play 2x and 3x the seeds
# (`ClaimEffect.seeds_factor`). About 400 runs of 12 quarters at two scales.
CLAIM_SEEDS = 8
SCALES = [1.0, 2.0]


# ------------------------------------------------------------------------- (a) contrasts
def test_contrasts_flip_switches_try_other_choices_and_slider_ends() -> None:
    policy = load_scenario("best_practice").policy.as_dict()
    got = contrasts(policy)
    by: dict[str, list] = {}
    for name, value in got:
        by.setdefault(name, []).append(value)
    assert list(by) == [n for n in LEVERS if by.get(n)]            # LEVERS order, each lever once
    for name, lever in LEVERS.items():
        now = policy[name]
        if lever.kind == "bool":
            assert by[name] == [not now]
        elif lever.kind == "choice":
            assert by[name] == [c for c in lever.choices if c != now]
        else:
            low, high, _ = lever.ui_range
            assert by.get(name, []) == [v for v in (low, high) if v != now]
            assert all(isinstance(v, int if lever.kind == "int" else float) for v in by.get(name, []))
    assert all(v != policy[n] for n, v in got)                     # never the start's own value


def test_contrasts_skip_an_end_equal_to_the_start_and_read_the_game_slider() -> None:
    policy = {**load_scenario("baseline").policy.as_dict(), "incentive_budget": 0.0, "partner_team_size": 3}
    assert contrasts(policy, ["incentive_budget"]) == [("incentive_budget", LEVERS["incentive_budget"].ui_range[1])]
    # the slider's top, not the lever's: a player cannot set 200 partner managers in the game
    assert contrasts(policy, ["partner_team_size"]) == [("partner_team_size", 0), ("partner_team_size", 20)]


def test_arm_drops_values_equal_to_the_start_and_names_unknown_levers() -> None:
    assert arm("best_practice", direct_comp="neutral") == ()
    assert arm("best_practice", direct_comp="competing", enablement=0.8) == (("direct_comp", "competing"),)
    with pytest.raises(AtlasError, match="unknown lever 'nope'"):
        arm("best_practice", nope=1)
    with pytest.raises(ValueError, match="enablement"):
        arm("best_practice", enablement=2.0)


# ------------------------------------------------------------------------- (a) intervals
def test_t_interval_is_the_mean_plus_minus_t_times_the_standard_error() -> None:
    mean, low, high = t_interval([1.0, 2.0, 3.0])
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)
    assert mean == pytest.approx(2.0)
    assert (low, high) == (pytest.approx(2.0 - half), pytest.approx(2.0 + half))
    assert t_interval([0.5, 0.5, 0.5]) == (0.5, 0.5, 0.5)         # a lever that changes nothing here
    m, lo, hi = t_interval([4.0])
    assert m == 4.0 and math.isnan(lo) and math.isnan(hi)


def test_paired_effect_differences_seed_by_seed_and_scales_relative_effects() -> None:
    start, contrast = [10.0, 20.0, 30.0], [12.0, 21.8, 32.2]      # differences 2, 1.8, 2.2
    e = paired_effect(start, contrast)
    assert (e.mean, e.n, e.base, e.relative) == (pytest.approx(2.0), 3, pytest.approx(20.0), False)
    assert e.sign == 1
    r = paired_effect(start, contrast, relative=True)
    assert r.mean == pytest.approx(0.1)                            # 2 / 20
    assert (r.low, r.high) == (pytest.approx(e.low / 20), pytest.approx(e.high / 20))
    # pairing matters: the same values unpaired would hold zero, paired they do not
    assert paired_effect([1.0, 5.0, 9.0], [1.5, 5.4, 9.6]).sign == 1
    assert math.isnan(paired_effect([0.0, 0.0], [1.0, 2.0], relative=True).mean)   # no base to divide by
    assert paired_effect([1.0, 2.0], [2.0, 1.0]).sign == 0
    with pytest.raises(ValueError, match="paired"):
        paired_effect([1.0], [1.0, 2.0])


# ------------------------------------------------------------------------- (a) outcomes
def _frame() -> pd.DataFrame:
    q = np.arange(1, 7)
    cols = {name: np.zeros(6) for name in METRICS}
    cols.update(quarter=q, revenue_partner=q * 100.0, conflicts=np.array([1, 0, 2, 0, 0, 3]),
                partners_churned=np.array([0, 1, 0, 0, 1, 1]), partner_satisfaction_mean=q / 10,
                partner_program_cost=np.full(6, 50.0), forecast_error_partner=np.array([3, 3, 3, 3, -0.2, 0.4]),
                partner_capability_mean=q / 20)
    return pd.DataFrame(cols)


def test_outcomes_read_the_quarterly_frame_as_declared() -> None:
    f = _frame()
    got = {name: o.value(f) for name, o in OUTCOMES.items()}
    assert got["partner_revenue"] == 2100.0
    assert got["conflicts"] == 6 and got["partners_lost"] == 3
    assert got["satisfaction"] == pytest.approx(0.6)               # the last quarter
    assert got["program_cost"] == 300.0
    assert got["forecast_error_partner"] == pytest.approx(0.3)     # mean |error| from Q5
    assert got["partner_capability_q4"] == pytest.approx(0.2)
    assert set(ATLAS_OUTCOMES) <= set(OUTCOMES)
    assert all(o.metric in METRICS for o in OUTCOMES.values())
    assert [OUTCOMES[o].relative for o in ATLAS_OUTCOMES] == [True, False, False, False, True]
    assert OUTCOMES["forecast_error_partner"].good == -1


# ------------------------------------------------------------------------- (a) the claim table
def test_claim_table_is_consistent_with_the_levers() -> None:
    assert check_rows() == []
    assert len({r.key for r in CLAIM_EFFECTS}) == len(CLAIM_EFFECTS)


def test_every_lever_that_names_a_claim_has_a_row_or_a_reason() -> None:
    named = {n for n, lv in LEVERS.items() if lv.claims}
    rows = {r.lever for r in CLAIM_EFFECTS}
    assert named - rows == set(UNMEASURED)
    assert not set(UNMEASURED) & rows


@pytest.mark.parametrize(("claim", "lever"), [
    ("C1", "direct_takeover"), ("C2", "direct_comp"), ("C2", "deal_registration"), ("C3", "partner_team_size"),
    ("C3", "partner_budget_share"), ("C4", "partner_regions"), ("C5", "enablement"), ("C5", "sales_playbook"),
    ("C6", "partner_margin"), ("C17", "partner_margin"), ("C10", "recruiting_focus"), ("C11", "recruiting_focus"),
    ("C12", "management_style"), ("C16", "management_style"), ("C13", "onboarding_pace"), ("C14", "partner_plan"),
    ("C17", "incentive"), ("C19", "cross_org_collaboration"), ("C20", "partner_team_hiring"),
    ("C20", "partner_team_comp"), ("C20", "partner_team_training"),
])
def test_claim_table_covers(claim: str, lever: str) -> None:
    assert any(claim in r.claims and r.lever == lever for r in CLAIM_EFFECTS)


def test_margin_row_says_partners_must_earn_to_sell() -> None:
    row = next(r for r in CLAIM_EFFECTS if r.lever == "partner_margin" and r.outcome == "partner_revenue")
    assert (row.mistake, row.good, row.direction) == (0.0, 0.25, +1)


# ------------------------------------------------------------------------- (a) tables and CLI
def _fake_atlas() -> pd.DataFrame:
    rows = []
    for lever, frm, to in (("direct_comp", "neutral", "competing"), ("deal_registration", "true", "false")):
        for i, o in enumerate(ATLAS_OUTCOMES):
            mean = -0.4 if OUTCOMES[o].relative else 5.0 - i
            rows.append({"start": "best_practice", "lever": lever, "from_value": frm, "value": to, "outcome": o,
                         "mean": mean, "low": mean - 1.0, "high": mean + 0.5, "n": 3,
                         "relative": OUTCOMES[o].relative, "start_mean": 1.0, "scale": 1.0, "quarters": 12})
    return pd.DataFrame(rows, columns=list(atlas.ATLAS_COLUMNS))


def test_markdown_table_has_a_row_per_contrast_and_bolds_clear_effects() -> None:
    md = atlas_markdown(_fake_atlas()).splitlines()
    assert md[0].startswith("| From | Lever | Change | Partner revenue |")
    assert len(md) == 2 + 2 and all(line.count("|") == 9 for line in md)
    assert "Neutral (partner deals count) → Competing (own deals only)" in md[2]
    assert "**-40.0% (-140.0% to +10.0%)**" not in md[2]          # holds zero: not bold
    assert "-40.0% (-140.0% to +10.0%)" in md[2]
    assert "**+4.0 (+3.0 to +4.5)**" in md[2]                      # conflicts: clear of zero
    assert "On → Off" in md[3]
    assert "*+4.0 (+3.0 to +4.5)*" in atlas_text(_fake_atlas())


def test_levers_effects_cli_prints_and_writes(monkeypatch: pytest.MonkeyPatch, tmp_path, capsys) -> None:
    seen = {}

    def fake(starts, **kw):
        seen.update(kw, starts=starts)
        return _fake_atlas()

    monkeypatch.setattr(atlas, "lever_atlas", fake)
    out = tmp_path / "atlas.parquet"
    assert cli_main(["levers", "--effects", "--from", "best_practice", "--seeds", "3", "--scale", "2",
                     "--workers", "1", "--quarters", "8", "--out", str(out), "--markdown"]) == 0
    assert seen == {"starts": ["best_practice"], "seeds": 3, "quarters": 8, "scale": 2.0, "workers": 1}
    text = capsys.readouterr().out
    assert "| From | Lever |" in text and "wrote 10 rows" in text
    assert len(pd.read_parquet(out)) == 10
    assert cli_main(["levers", "--effects"]) == 0
    assert seen["starts"] == ["baseline", "best_practice"] and seen["seeds"] == 20 and seen["workers"] == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--effects", "--seeds", "1"], "--seeds: 1 must be at least 2"),
    (["--effects", "--scale", "100"], "--scale: 100 is not allowed (allowed: number from 0.25 to 64)"),
    (["--effects", "--workers", "3"], "--workers: 3 is not allowed (allowed: 1 to 2)"),
    (["--effects", "--quarters", "41"], "--quarters: 41 is not allowed (allowed: 1 to 40)"),
    (["--effects", "--out", "atlas.txt"], "unknown format '.txt'"),
    (["--effects", "--from", "nosuch"], "unknown scenario 'nosuch'"),
    (["--seeds", "3"], "--seeds is an option of --effects"),
])
def test_levers_effects_cli_errors_are_one_line(args: list[str], message: str, capsys) -> None:
    assert cli_main(["levers", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("partnersim: error: ") and message in err and "\n" not in err


def test_plain_levers_listing_is_unchanged(capsys) -> None:
    assert cli_main(["levers"]) == 0
    assert capsys.readouterr().out.startswith("[direct sales]\n  partner_regions = all")


def test_atlas_runs_paired_seeds_in_process() -> None:
    df = lever_atlas(["best_practice"], seeds=2, quarters=2, workers=1, levers=["direct_comp"], progress=False)
    assert list(df.columns) == list(atlas.ATLAS_COLUMNS)
    assert list(df["outcome"]) == list(ATLAS_OUTCOMES)
    assert set(df["value"]) == {"competing"} and set(df["from_value"]) == {"neutral"} and set(df["n"]) == {2}
    assert df[["mean", "low", "high"]].notna().all().all()
    assert (df["low"] <= df["mean"]).all() and (df["mean"] <= df["high"]).all()


# ------------------------------------------------------------------------- (b) claim directions
@pytest.fixture(scope="module", params=SCALES, ids=lambda s: f"scale{s:g}")
def claims_measured(request: pytest.FixtureRequest) -> pd.DataFrame:
    return measure_claims(seeds=CLAIM_SEEDS, scale=request.param, workers=2)


def test_every_claimed_lever_moves_its_outcome_the_claimed_way(claims_measured: pd.DataFrame) -> None:
    table = claims_measured
    print(table[["key", "text", "holds"]].to_string())          # shown when the test fails
    failing = table[~table["holds"]]
    assert failing.empty, (
        f"{len(failing)} of {len(table)} claim effects are dead or backwards (mistake -> good value, "
        f"mean paired effect and 95% interval over {CLAIM_SEEDS} seeds, claimed sign in brackets):\n"
        + "\n".join(f"  {k}: {t} [{'+' if d > 0 else '-'}]"
                    for k, t, d in zip(failing["key"], failing["text"], failing["direction"], strict=True)))
