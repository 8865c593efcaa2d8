"""Measure every stylized fact (SF1-SF11) on paired seeds and print a Markdown table.

This is how the figures in docs/model.md were produced. It is a measurement, not a
test: tests/test_stylized_facts.py asserts the minimum effects.

    python bench/measure_facts.py --seeds 20 --scales 1 2 > facts.md
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.facts import FACTS, run_fact  # noqa: E402


def _measure(job: tuple[str, int, float]) -> pd.DataFrame:
    fact, n_seeds, scale = job
    out = run_fact(fact, seeds=range(n_seeds), world_scale=scale).summary()
    out.insert(0, "scale", scale)
    out.insert(0, "fact", fact)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20, help="paired seeds per fact")
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0, 2.0], help="world scales")
    ap.add_argument("--workers", type=int, default=2, help="worker processes")
    args = ap.parse_args()
    jobs = [(f, args.seeds, s) for s in args.scales for f in FACTS]
    with ProcessPoolExecutor(args.workers) as pool:
        table = pd.concat(list(pool.map(_measure, jobs)), ignore_index=True)
    table["change"] = (100 * table["change"]).map(lambda v: f"{v:+.0f}%")
    for col in ("a", "b"):
        table[col] = table[col].map(lambda v: f"{v:,.3g}")
    print(f"Means over {args.seeds} paired seeds; a = reference arm, b = the changed lever.\n")
    print("| " + " | ".join(table.columns) + " |")
    print("|" + "---|" * len(table.columns))
    for row in table.itertuples(index=False):
        print("| " + " | ".join(str(v) for v in row) + " |")


if __name__ == "__main__":
    main()
