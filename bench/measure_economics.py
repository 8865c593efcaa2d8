"""Partner economics: the vendor's net partner revenue and the partners' gross sales against
partner margin (SF12), and the time to a partner's first deal (CT4), over paired seeds.

    python bench/measure_economics.py [--seeds 10] [--quarters 20] [--scales 1 2]
        [--margins 0 0.1 0.25 0.4] [--pools default reseller_heavy services_heavy]

Paired seeds: every margin runs on the same worlds (common random numbers), so the change
from one margin to the next is measured seed by seed. Output: a table per world size and
partner pool, with the mean over seeds and the paired change against the 0.25 margin.
"""

from __future__ import annotations

import argparse
import statistics
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from sim.scenario import load_scenario

# Partner pools as world settings (the reseller share of the addressable pool); "default"
# leaves the world as the scenario has it.
POOLS = {"default": {}, "reseller_heavy": {"reseller_share": 0.7}, "services_heavy": {"reseller_share": 0.1}}


def one(args: tuple[str, float, float, int, int, str]) -> tuple[float, float, float, float]:
    """(vendor net partner revenue, partner gross sales, median weeks to first deal, top-20% share)."""
    name, margin, scale, seed, quarters, pool = args
    sc = load_scenario(name)
    m = sc.build_model(seed, policy_events=False, partner_margin=margin, world_scale=scale, **POOLS[pool])
    m.run_quarters(quarters)
    df = m.quarterly_frame()
    net = float(df.revenue_partner.sum())
    gross = net / (1.0 - margin)
    p = m.partners
    ok = (p.first_deal_week >= 0) & (p.signed_week >= 0)
    wait = float(np.median(p.first_deal_week[ok] - p.signed_week[ok])) if ok.any() else float("nan")
    rev = np.sort(p.revenue_total[p.signed_week >= 0])[::-1]
    k = max(1, int(np.ceil(0.2 * len(rev))))
    top = float(rev[:k].sum() / rev.sum()) if rev.sum() > 0 else float("nan")
    return net, gross, wait, top


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="best_practice")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--quarters", type=int, default=20)
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0])
    ap.add_argument("--margins", type=float, nargs="+", default=[0.0, 0.1, 0.25, 0.4])
    ap.add_argument("--pools", nargs="+", default=["default"], choices=list(POOLS))
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    ref = 0.25 if 0.25 in a.margins else a.margins[0]
    with ProcessPoolExecutor(a.workers) as pool:
        for scale in a.scales:
            for pl in a.pools:
                jobs = [(a.scenario, mg, scale, s, a.quarters, pl) for mg in a.margins for s in range(a.seeds)]
                res = list(pool.map(one, jobs, chunksize=2))
                by = {mg: res[k * a.seeds:(k + 1) * a.seeds] for k, mg in enumerate(a.margins)}
                print(f"\n{a.scenario}, scale {scale:g}, pool {pl}, {a.seeds} seeds, {a.quarters} quarters")
                print(f"{'margin':>6} {'vendor net $M':>13} {'vs ' + str(ref):>14} {'partner gross $M':>16}"
                      f" {'wks to 1st deal':>15} {'top20% share':>12}")
                for mg in a.margins:
                    net = [r[0] for r in by[mg]]
                    gross = [r[1] for r in by[mg]]
                    d = [n / r[0] - 1 for n, r in zip(net, by[ref], strict=True) if r[0] > 0]
                    se = statistics.stdev(d) / len(d) ** 0.5 if len(d) > 1 else float("nan")
                    print(f"{mg:>6.2f} {np.mean(net) / 1e6:>13.2f} {np.mean(d):>+9.1%}±{1.96 * se:>4.1%}"
                          f" {np.mean(gross) / 1e6:>16.2f} {np.nanmedian([r[2] for r in by[mg]]):>15.1f}"
                          f" {np.nanmean([r[3] for r in by[mg]]):>12.2f}")


if __name__ == "__main__":
    main()
