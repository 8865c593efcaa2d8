"""Plain words on screen (issue 10, part 5): every choice a player sees reads as a manager would
say it, files and the CLI keep the machine values, and a goal clause never prints its
threshold as the player's value when the goal was missed.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from sim import units  # noqa: E402
from sim.model import PartnerProgramModel  # noqa: E402
from sim.policy import LEVERS, Lever, Policy, PolicyError, parse_assignment  # noqa: E402
from sim.scenario import ScenarioError, load_scenario  # noqa: E402
from sim.win import WIN_CONDITIONS, judge  # noqa: E402

WORDED = [lv for lv in LEVERS.values() if lv.kind in ("choice", "bool")]


# ------------------------------------------------------------------ labels on the levers
@pytest.mark.parametrize("lever", [lv for lv in WORDED if lv.kind == "choice"], ids=lambda lv: lv.name)
def test_every_choice_has_a_label(lever: Lever) -> None:
    assert set(lever.choice_labels) == set(lever.choices)
    words = [lever.fmt(v) for v in lever.choices]
    assert len(set(words)) == len(words), f"{lever.name}: two choices read alike: {words}"
    for value, text in zip(lever.choices, words, strict=True):
        assert text.strip() and "_" not in text and text[0].isupper(), (lever.name, value, text)


@pytest.mark.parametrize("lever", [lv for lv in WORDED if lv.kind == "bool"], ids=lambda lv: lv.name)
def test_switches_read_as_words(lever: Lever) -> None:
    on, off = lever.fmt(True), lever.fmt(False)
    assert on != off and on[0].isupper() and off[0].isupper()
    assert lever.fmt(np.bool_(True)) == on          # numpy's bools from a frame read the same


def test_a_choice_without_a_label_is_refused_at_declaration() -> None:
    with pytest.raises(ValueError, match="missing"):
        Lever("x", "choice", "a", "help", "executive", choices=("a", "b"), choice_labels={"a": "A"})
    with pytest.raises(ValueError, match="not a value"):
        Lever("x", "choice", "a", "help", "executive", choices=("a",), choice_labels={"a": "A", "c": "C"})


def test_files_and_the_cli_keep_the_machine_values(tmp_path: Path) -> None:
    lever = LEVERS["partner_regions"]
    assert lever.check("new_markets_only") == "new_markets_only"
    with pytest.raises(PolicyError, match="all | new_markets_only"):
        lever.check(lever.fmt("new_markets_only"))                 # "New markets only" is a label
    with pytest.raises(PolicyError):
        parse_assignment("incentive=Referral bounty")
    assert parse_assignment("incentive=referral_bounty") == ("incentive", "referral_bounty")
    with pytest.raises(PolicyError):
        Policy.from_mapping({"recruiting_focus": "Fit-screened"})
    path = tmp_path / "labelled.toml"
    path.write_text('name = "labelled"\ntitle = "Labelled"\n[policy]\npartner_plan = "Joint activity plan"\n',
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match="partner_plan"):
        load_scenario(path)


def test_the_news_says_a_policy_change_in_words_and_keeps_the_values() -> None:
    m = PartnerProgramModel(seed=0)
    m.run_quarters(1)
    m.set_policy(partner_regions="new_markets_only", direct_takeover=True)
    ev = m.event_log[-1]
    assert ev.kind == "policy_change"
    assert "Where partners may sell: New markets only" in ev.cause
    assert f"{LEVERS['direct_takeover'].label}: {LEVERS['direct_takeover'].fmt(True)}" in ev.cause
    assert "new_markets_only" not in ev.cause and "True" not in ev.cause
    assert ev.data["changes"] == {"partner_regions": "new_markets_only", "direct_takeover": True}


def test_sweep_plots_word_choices_and_switches() -> None:
    from sim.sweeps.plots import _name, _words

    assert _words("incentive", "referral_bounty") == "Referral bounty"
    assert _words("deal_registration", "False") == LEVERS["deal_registration"].fmt(False)
    assert _words("enablement", "(0.2, 0.4]") == "(0.2, 0.4]"         # number ranges stay
    assert _name("partner_plan") == "Partner plans" and _name("world_scale") == "world_scale"


# ------------------------------------------------------------------ goal clauses tell the truth
def test_a_missed_clause_shows_the_digits_that_miss() -> None:
    at_least = WIN_CONDITIONS["min_partner_share"]
    assert at_least.judged(0.146, 0.15) == ("14.6%", "15%")
    assert at_least.judged(0.1499, 0.15) == ("14.99%", "15%")
    assert at_least.judged(0.152, 0.15) == ("15%", "15%")          # met: the usual digits
    assert at_least.judged(0.20, 0.15) == ("20%", "15%")
    money = WIN_CONDITIONS["min_revenue_partner"]
    assert money.judged(249_700.0, 250_000.0) == ("$249.7k", "$250k")
    assert money.judged(999_600.0, 1_000_000.0) == ("$999.6k", "$1.00M")
    score = WIN_CONDITIONS["min_partner_satisfaction"]
    assert score.judged(0.598, 0.6) == ("0.598", "0.60")
    # a target with more digits than the usual shows them too, so the pair reads right
    assert at_least.judged(0.154, 0.1549) == ("15.4%", "15.5%")


def test_shown_values_always_compare_as_the_true_ones() -> None:
    rng = np.random.default_rng(7)
    for key in ("min_partner_share", "min_revenue_total", "min_partner_satisfaction", "max_conflicts"):
        cond = WIN_CONDITIONS[key]
        scale = {"share": 1.0, "money": 3e6, "score": 1.0, "count": 40.0}[cond.unit]
        for _ in range(400):
            target = round(float(rng.uniform(0.05, 0.9)) * scale, 2)
            value = target * float(1 + rng.normal(0, 0.02))
            shown, target_shown = cond.judged(value, target)
            assert cond.met(units.value_of(shown), units.value_of(target_shown)) == cond.met(value, target), \
                (key, value, target, shown, target_shown)


def test_judge_prints_the_players_value_not_the_threshold() -> None:
    frame = pd.DataFrame({"quarter": [1, 2], "partner_share": [0.10, 0.146]})
    (clause,) = judge({"min_partner_share": 0.15}, 2, frame)
    assert not clause.met
    assert clause.shown == "14.6%" and "at least 15% of revenue" in clause.goal
