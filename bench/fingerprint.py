"""A fingerprint of the model's results, to prove a refactor changed none of them.

Plays every bundled scenario as given and with its fix on a few seeds, plus direct model
runs at two world sizes, and prints one SHA-256 per run of its quarterly frame and event
log (every number written at full precision). Run it before and after a change and diff:

    python bench/fingerprint.py > before.txt  ...  python bench/fingerprint.py | diff before.txt -
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.model import PartnerProgramModel  # noqa: E402
from sim.playtest import play  # noqa: E402
from sim.scenario import list_scenarios  # noqa: E402

DIRECT_RUNS = [
    {"seed": 3, "direct_comp": "competing"},
    {"seed": 1, "world_scale": 2.0, "direct_takeover": True, "incentive": "referral_bounty",
     "incentive_budget": 50_000.0},
    {"seed": 2, "world_scale": 0.5, "incentive": "aligned", "incentive_budget": 80_000.0,
     "management_style": "push", "executive_patience": 4, "partner_team_hiring": "transfer_portal"},
    {"seed": 4, "partner_regions": "new_markets_only", "recruiting_focus": "biggest_first",
     "forecast_method": "rhythm_aware", "partner_plan": "revenue_target", "onboarding_pace": "front_loaded"},
]


def digest(model: PartnerProgramModel) -> str:
    """Two hashes: the numbers (metrics, and each event's quarter, week, kind, agents and
    amount) and the words (each event's cause), so a reworded message shows apart."""
    events = model.events_frame()
    numbers = hashlib.sha256(model.quarterly_frame().to_json(double_precision=15).encode())
    numbers.update(events.drop(columns="cause").to_json(double_precision=15).encode())
    words = hashlib.sha256("\n".join(events["cause"]).encode())
    return f"numbers {numbers.hexdigest()[:16]} words {words.hexdigest()[:12]}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3, help="seeds per scenario")
    args = ap.parse_args()
    for sc in list_scenarios():
        for seed in range(args.seeds):
            print(sc.name, seed, "given", digest(play(sc, seed)))
            if sc.fix:
                print(sc.name, seed, "fix", digest(play(sc, seed, fix=True)))
    for kw in DIRECT_RUNS:
        m = PartnerProgramModel(**kw)
        m.run_quarters(12)
        print("model", sorted(kw.items()), digest(m))


if __name__ == "__main__":
    main()
