"""SF12, partner economics: the vendor's net partner revenue and the partners' gross sales
against partner margin, by partner pool and world size, over paired seeds.

    python bench/measure_economics.py [--seeds 12] [--quarters 12] [--scales 1 2]
        [--margins 0 0.1 0.2 0.25 0.3 0.4 0.5] [--pools default reseller_heavy services_heavy]

Every margin runs on the same worlds (common random numbers) with good policies otherwise
(`sim.facts.margin_curve`, the experiment `tests/test_stylized_facts.py` holds to SF12), so
the change against the 25% margin is measured seed by seed. Prints a markdown table per pool
and world size, and the best margin (`sim.facts.best_margin`).
"""

from __future__ import annotations

import argparse

from sim.facts import POOLS, best_margin, margin_curve


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=12)
    ap.add_argument("--quarters", type=int, default=12)
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0, 2.0])
    ap.add_argument("--margins", type=float, nargs="+", default=[0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5])
    ap.add_argument("--pools", nargs="+", default=list(POOLS), choices=list(POOLS))
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    ref = 0.25 if 0.25 in a.margins else a.margins[0]
    for scale in a.scales:
        for pool in a.pools:
            c = margin_curve(pool, a.margins, range(a.seeds), world_scale=scale, quarters=a.quarters,
                             workers=a.workers)
            net = c.pivot(index="seed", columns="margin", values="vendor_net")
            gross = c.pivot(index="seed", columns="margin", values="partner_gross")
            change = net.div(net[ref], axis=0) - 1.0
            print(f"\n{pool} pool, scale {scale:g}, {a.seeds} seeds, {a.quarters} quarters: "
                  f"best margin {best_margin(c):.0%}")
            print(f"| margin | vendor net partner revenue | vs {ref:.0%} (paired, ±95%) | partners' gross sales |")
            print("|---|---|---|---|")
            for m in a.margins:
                d = change[m]
                half = 1.96 * d.std(ddof=1) / len(d) ** 0.5 if len(d) > 1 else float("nan")
                print(f"| {m:.0%} | ${net[m].mean() / 1e6:.2f}M | {d.mean():+.0%} ± {half:.0%} | "
                      f"${gross[m].mean() / 1e6:.2f}M |")


if __name__ == "__main__":
    main()
