"""A sweep spec: which scenario, how many quarters and seeds, and a design over levers.

Specs are TOML. Every problem in a spec is reported at once, each naming the file, the key
and what is allowed, like scenario files:

    scenario = "baseline"
    quarters = 12
    replications = 10          # seeds per design point
    [design]
    method = "lhs"             # grid | random | lhs | sobol | morris
    samples = 64
    [levers]
    enablement = { low = 0.1, high = 0.9 }
    direct_comp = ["neutral", "competing"]
    [fixed]
    incentive = "aligned"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import PartnersimError
from sim.policy import LEVERS
from sim.scenario import ScenarioError, load_scenario

METHODS: dict[str, str] = {
    "grid": "every combination of each lever's values (numeric ranges need `steps`)",
    "random": "`samples` points drawn uniformly",
    "lhs": "`samples` points in a Latin hypercube",
    "sobol": "Saltelli's scheme for Sobol indices: `samples` x (levers + 2) points (power of 2)",
    "morris": "`samples` Morris trajectories of (levers + 1) points on `levels` levels",
}
TOP_KEYS: dict[str, str] = {
    "scenario": "string: a bundled scenario name or a path to a scenario file",
    "quarters": "integer 1-200: quarters per run (default: the scenario's)",
    "replications": "integer 1-10000: seeds per design point (default 1)",
    "seed_start": "integer >= 0: the first seed (default 0); seeds are seed_start, seed_start+1, ...",
    "design": "table: method and its settings",
    "levers": "table: lever = a range, a list of values, or { values = [...] }",
    "fixed": "table: lever = value held for every run",
    "outcome": "string: the metric `partnersim analyze` ranks levers by (default revenue_partner)",
}
DESIGN_KEYS: dict[str, str] = {
    "method": " | ".join(METHODS),
    "samples": "integer >= 1: points (random, lhs), base samples N (sobol) or trajectories (morris)",
    "levels": "integer >= 2: grid levels for morris (default 4)",
    "seed": "integer >= 0: the sampler's seed (default 0)",
    "second_order": "boolean: sobol second-order indices too (default false)",
}


class SpecError(PartnersimError):
    """A sweep spec that cannot be used; the message lists every problem."""


@dataclass(frozen=True)
class LeverAxis:
    """How one lever varies: a numeric range or a list of values."""

    name: str
    values: tuple[Any, ...] = ()      # discrete values (choices, bools, or listed numbers)
    low: float | None = None
    high: float | None = None
    steps: int | None = None          # grid points for a numeric range

    @property
    def is_range(self) -> bool:
        return self.low is not None

    def grid_values(self) -> tuple[Any, ...]:
        """The values a grid uses."""
        if not self.is_range:
            return self.values
        n = self.steps or 2
        vals = [self.low + (self.high - self.low) * i / (n - 1) for i in range(n)] if n > 1 else [self.low]
        return tuple(_as_lever(self.name, v) for v in vals)

    def from_unit(self, u: float) -> Any:
        """Map a sample in [0, 1] to a lever value (ranges scale; lists are binned)."""
        if self.is_range:
            return _as_lever(self.name, self.low + (self.high - self.low) * u)
        k = min(len(self.values) - 1, int(u * len(self.values)))
        return self.values[k]


def _as_lever(name: str, v: float) -> Any:
    lever = LEVERS[name]
    return int(round(v)) if lever.kind == "int" else float(v)


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep spec."""

    scenario: str
    quarters: int
    replications: int = 1
    seed_start: int = 0
    method: str = "grid"
    samples: int = 0
    levels: int = 4
    design_seed: int = 0
    second_order: bool = False
    axes: tuple[LeverAxis, ...] = ()
    fixed: dict[str, Any] = field(default_factory=dict)
    outcome: str = "revenue_partner"
    path: str = ""

    @property
    def seeds(self) -> range:
        return range(self.seed_start, self.seed_start + self.replications)

    def as_dict(self) -> dict[str, Any]:
        """The spec in the spec file's shape (`spec_from_dict(spec.as_dict())` gives it back)."""
        levers: dict[str, Any] = {}
        for a in self.axes:
            if a.is_range:
                levers[a.name] = {"low": a.low, "high": a.high, **({"steps": a.steps} if a.steps else {})}
            else:
                levers[a.name] = list(a.values)
        design: dict[str, Any] = {"method": self.method, "seed": self.design_seed}
        if self.method != "grid":
            design["samples"] = self.samples
        if self.method == "morris":
            design["levels"] = self.levels
        if self.method == "sobol":
            design["second_order"] = self.second_order
        return {"scenario": self.scenario, "quarters": self.quarters, "replications": self.replications,
                "seed_start": self.seed_start, "outcome": self.outcome, "design": design,
                "levers": levers, "fixed": dict(self.fixed)}


def load_spec(path: str | os.PathLike) -> SweepSpec:
    """Read and check a spec file.

    Raises:
        SpecError: every problem, one per line, each naming the file and key.
    """
    p = Path(path)
    if not p.is_file():
        raise SpecError(f"{p}: no such sweep spec file")
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{p}: not valid TOML: {exc}") from None
    return spec_from_dict(raw, str(p))


def spec_from_dict(raw: dict[str, Any], where: str = "<spec>") -> SweepSpec:
    """Check a spec given as a dict (as `sim.sweep` accepts)."""
    problems: list[str] = []

    def bad(key: str, msg: str) -> None:
        problems.append(f"{where}: '{key}': {msg}")

    for k in raw:
        if k not in TOP_KEYS:
            bad(k, f"unknown key (allowed: {', '.join(TOP_KEYS)})")
    scenario = raw.get("scenario", "baseline")
    quarters_default = 12
    if not isinstance(scenario, str):
        bad("scenario", f"expected {TOP_KEYS['scenario']}")
    else:
        looks_like_path = "/" in scenario or scenario.endswith(".toml")
        if where != "<spec>" and looks_like_path and not Path(scenario).is_absolute():
            scenario = str((Path(where).parent / scenario).resolve())   # relative to the spec file
        try:
            quarters_default = load_scenario(scenario).quarters
        except ScenarioError as exc:
            bad("scenario", str(exc).splitlines()[0])

    def integer(key: str, default: int, low: int, high: int, table: dict | None = None, name: str = "") -> int:
        src = raw if table is None else table
        v = src.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            bad(name or key, f"{v!r} is not allowed (allowed: integer from {low} to {high})")
            return default
        return v

    quarters = integer("quarters", quarters_default, 1, 200)
    replications = integer("replications", 1, 1, 10_000)
    seed_start = integer("seed_start", 0, 0, 2**31 - 1)
    outcome = raw.get("outcome", "revenue_partner")
    from sim.metrics import METRIC_COLUMNS

    if outcome not in METRIC_COLUMNS:
        bad("outcome", f"{outcome!r} is not a metric (allowed: {', '.join(METRIC_COLUMNS)})")

    design = raw.get("design", {})
    if not isinstance(design, dict):
        bad("design", "expected a table [design]")
        design = {}
    for k in design:
        if k not in DESIGN_KEYS:
            bad(f"design.{k}", f"unknown key (allowed: {', '.join(DESIGN_KEYS)})")
    method = design.get("method", "grid")
    if method not in METHODS:
        bad("design.method", f"{method!r} is not allowed (allowed: {' | '.join(METHODS)})")
    samples = integer("samples", 0 if method == "grid" else -1, 0 if method == "grid" else 1, 1_000_000,
                      design, "design.samples")
    levels = integer("levels", 4, 2, 100, design, "design.levels")
    design_seed = integer("seed", 0, 0, 2**31 - 1, design, "design.seed")
    second_order = design.get("second_order", False)
    if not isinstance(second_order, bool):
        bad("design.second_order", f"{second_order!r} is not allowed (allowed: true | false)")
        second_order = False
    if method == "sobol" and samples > 0 and samples & (samples - 1):
        bad("design.samples", f"{samples} is not allowed for sobol (allowed: a power of 2, e.g. 64, 128)")

    axes = _axes(raw.get("levers", {}), method, bad)
    fixed = _fixed(raw.get("fixed", {}), {a.name for a in axes}, bad)
    if not axes and not problems:
        bad("levers", "no lever varies (add at least one lever under [levers])")
    if method in ("sobol", "morris") and any(not a.is_range and len(a.values) < 2 for a in axes):
        bad("levers", f"{method} needs every lever to vary over at least two values")
    if problems:
        raise SpecError("\n".join(problems))
    return SweepSpec(scenario=scenario, quarters=quarters, replications=replications, seed_start=seed_start,
                     method=method, samples=samples, levels=levels, design_seed=design_seed,
                     second_order=second_order, axes=tuple(axes), fixed=fixed, outcome=outcome,
                     path=where)


def _axes(value: Any, method: str, bad) -> list[LeverAxis]:
    if not isinstance(value, dict):
        bad("levers", "expected a table [levers]")
        return []
    axes = []
    for name, v in value.items():
        key = f"levers.{name}"
        if name not in LEVERS:
            bad(key, f"unknown lever (levers: {', '.join(LEVERS)})")
            continue
        lever = LEVERS[name]
        if isinstance(v, dict) and "values" not in v:
            extra = set(v) - {"low", "high", "steps"}
            if extra:
                bad(key, f"unknown key {sorted(extra)[0]!r} (allowed: low, high, steps; or values)")
                continue
            if lever.kind not in ("int", "float"):
                bad(key, f"a range needs a numeric lever; give a list of values ({lever.allowed()})")
                continue
            try:
                low, high = lever.check(v.get("low")), lever.check(v.get("high"))
            except ValueError:
                bad(key, f"low and high must both be allowed values ({lever.allowed()})")
                continue
            if not low < high:
                bad(key, f"low ({low}) must be below high ({high})")
                continue
            steps = v.get("steps")
            if method == "grid" and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 2):
                bad(key, f"a grid over a range needs steps = integer >= 2 (got {steps!r}), or list the values")
                continue
            axes.append(LeverAxis(name, low=float(low), high=float(high), steps=steps))
            continue
        values = v.get("values") if isinstance(v, dict) else v
        if isinstance(v, dict) and set(v) - {"values"}:
            bad(key, "give either values = [...] or low/high(/steps), not both")
            continue
        if lever.kind == "bool" and values == "both":
            values = [False, True]
        if not isinstance(values, list) or not values:
            bad(key, f"expected a list of values or a range {{ low, high }} (allowed: {lever.allowed()})")
            continue
        clean = []
        for item in values:
            try:
                clean.append(lever.check(item))
            except ValueError:
                bad(key, f"{item!r} is not allowed (allowed: {lever.allowed()})")
        if len(clean) == len(values):
            if len(set(clean)) != len(clean):
                bad(key, "a value is listed twice")
                continue
            axes.append(LeverAxis(name, values=tuple(clean)))
    return axes


def _fixed(value: Any, varied: set[str], bad) -> dict[str, Any]:
    if not isinstance(value, dict):
        bad("fixed", "expected a table [fixed]")
        return {}
    out = {}
    for name, v in value.items():
        key = f"fixed.{name}"
        if name not in LEVERS:
            bad(key, f"unknown lever (levers: {', '.join(LEVERS)})")
        elif name in varied:
            bad(key, "is also under [levers]; a lever is either varied or fixed")
        else:
            try:
                out[name] = LEVERS[name].check(v)
            except ValueError:
                bad(key, f"{v!r} is not allowed (allowed: {LEVERS[name].allowed()})")
    return out
