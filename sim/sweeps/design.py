"""Design points from a spec: a full grid, or SALib's samplers (random, Latin hypercube,
Saltelli for Sobol indices, Morris trajectories) mapped from [0, 1] onto the factors: the
levers of `[levers]` and the world settings of `[uncertainties]`, sampled together.

Numeric ranges scale linearly; lists of values (choices, booleans, listed numbers) are cut
into equal bins, so a sampler treats a two-valued lever as a coin.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.sweeps.spec import SweepSpec


@dataclass(frozen=True)
class Run:
    """One simulation to run: a design point and a seed.

    `levers` are the point's levers; `world` its world settings (a spec's uncertainties). The
    runner tells them apart by name, so a caller may also pass world settings in `levers`.
    """

    run_id: str
    point: int
    seed: int
    levers: tuple[tuple[str, Any], ...]
    world: tuple[tuple[str, Any], ...] = ()


def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem: every factor (varied lever, then uncertainty) on [0, 1], mapped to
    its values later."""
    factors = spec.factors
    return {"num_vars": len(factors), "names": [a.name for a in factors], "bounds": [[0.0, 1.0]] * len(factors)}


def unit_sample(spec: SweepSpec) -> np.ndarray | None:
    """The sampler's points in [0, 1]^k (None for a grid)."""
    problem = salib_problem(spec)
    n, seed = spec.samples, spec.design_seed
    if spec.method == "grid":
        return None
    if spec.method == "random":
        return np.random.default_rng(seed).random((n, problem["num_vars"]))
    if spec.method == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, n, seed=seed)
    if spec.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=spec.second_order, seed=seed)
    if spec.method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=spec.levels, seed=seed)
    raise ValueError(f"unknown design method {spec.method!r}")


def design_points(spec: SweepSpec) -> pd.DataFrame:
    """One row per design point: `point` and the value of every factor (varied lever, then
    uncertainty)."""
    factors = spec.factors
    names = [a.name for a in factors]
    if spec.method == "grid":
        rows = list(itertools.product(*(a.grid_values() for a in factors)))
    else:
        sample = unit_sample(spec)
        rows = [tuple(a.from_unit(float(u)) for a, u in zip(factors, row, strict=True)) for row in sample]
    df = pd.DataFrame(rows, columns=names)
    df.insert(0, "point", range(len(df)))
    return df


def runs(spec: SweepSpec) -> list[Run]:
    """Every run of the sweep: each design point at each seed, with a stable id."""
    points = design_points(spec)
    levers = [a.name for a in spec.axes]
    world = [a.name for a in spec.uncertainties]
    out = []
    for row in points.to_dict("records"):
        lv = tuple((n, _plain(row[n])) for n in levers)
        wd = tuple((n, _plain(row[n])) for n in world)
        for seed in spec.seeds:
            out.append(Run(f"p{row['point']}-s{seed}", int(row["point"]), seed, lv, wd))
    return out


def _plain(v: Any) -> Any:
    """numpy scalars to Python (lever checks want plain bool/int/float/str)."""
    return v.item() if hasattr(v, "item") else v
