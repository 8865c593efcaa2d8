"""A sweep spec: which scenario, how many quarters and seeds, and a design over levers and
the world they act in.

Specs are TOML. `SpecFile` is the file's schema (`partnersim schema spec` prints it as JSON
Schema); every problem in a spec is reported at once, each naming the file, the key and what is
allowed, like scenario files:

    scenario = "baseline"
    quarters = 12
    replications = 10          # seeds per design point
    [design]
    method = "lhs"             # grid | random | lhs | sobol | morris
    samples = 64
    [levers]
    enablement = { low = 0.1, high = 0.9 }
    direct_comp = ["neutral", "competing"]
    [uncertainties]            # world settings varied by the same rules (sim.world.WorldSettings)
    demand = { low = 0.6, high = 1.4 }
    partner_pool = [60, 140, 280]
    [fixed]                    # levers and world settings held for every run
    incentive = "aligned"
    world_scale = 2.0

The design samples levers and uncertainties together: each is a factor of the design (and of
Sobol and Morris indices), a column of the results, and ranked by `partnersim analyze`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from sim.errors import PartnersimError
from sim.limits import MAX_QUARTERS
from sim.metrics import METRIC_COLUMNS
from sim.policy import LEVERS, Lever, lever_table
from sim.scenario import ScenarioError, load_scenario
from sim.schema import (
    FLAG,
    Allowed,
    FileModel,
    choice,
    fail,
    in_given_order,
    no_default,
    optional,
    problems,
    whole,
)
from sim.sweeps.objective import Objective, ObjectiveTable
from sim.world import WORLD_SETTINGS, Setting, world_table

Declared = Lever | Setting          # what may vary in a spec: a lever, or a world setting

METHODS: dict[str, str] = {
    "grid": "every combination of each lever's values (numeric ranges need `steps`)",
    "random": "`samples` points drawn uniformly",
    "lhs": "`samples` points in a Latin hypercube",
    "sobol": "Saltelli's scheme for Sobol indices: `samples` x (factors + 2) points (power of 2); "
             "factors: the levers and uncertainties that vary",
    "morris": "`samples` Morris trajectories of (factors + 1) points on `levels` levels",
}
SEEDS = whole(0, 2**31 - 1)
MAX_SAMPLES = 1_000_000


class SpecError(PartnersimError):
    """A sweep spec that cannot be used; the message lists every problem."""


# ------------------------------------------------------------------------- the file's schema
def _distinct(values: list[Any]) -> list[Any]:
    if len(set(values)) != len(values):
        raise fail(((), "a value is listed twice"))
    return values


def _values(lever: Declared) -> Any:
    return Annotated[list[lever.annotation], Field(min_length=1), AfterValidator(_distinct),
                     Allowed(f"a list of distinct values ({lever.allowed()})")]


def _range_table(lever: Declared) -> type[FileModel]:
    """{ low, high, steps } for a numeric lever or world setting, bounds of its own type."""
    def ordered(table: FileModel) -> FileModel:
        if not table.low < table.high:
            raise fail(((), f"low ({table.low}) must be below high ({table.high})"))
        return table
    return create_model(
        f"{lever.name}_range", __base__=FileModel, __doc__=f"A range of {lever.name}.",
        __validators__={"ordered": model_validator(mode="after")(ordered)},
        low=(lever.annotation, Field(description="The smallest value.")),
        high=(lever.annotation, Field(description="The largest value.")),
        steps=(whole(2), optional("Grid points over the range (a grid needs it).")),
    )


def _shape(value: Any) -> str | None:
    """Which form an axis is written in: a list, { values = [...] }, a range, or "both"."""
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "values" if "values" in value else "range"
    return "both" if value == "both" else None


def _axis(lever: Declared) -> Any:
    """How one lever or world setting may vary: a list of values, { values = [...] }, a range
    { low, high, steps } (numbers), or "both" (switches)."""
    values = create_model(f"{lever.name}_values", __base__=FileModel, __doc__=f"Values of {lever.name}.",
                          values=(_values(lever), Field(description="The values to try.")))
    forms: dict[str, Any] = {"list": _values(lever), "values": values}
    allowed = f"a list of values ({lever.allowed()})"
    if lever.kind in ("int", "float"):
        forms["range"] = _range_table(lever)
        allowed = f"a list of values or a range {{ low, high, steps }} ({lever.allowed()})"
    if lever.kind == "bool":
        forms["both"] = Literal["both"]
        allowed = f"a list of values, or \"both\" ({lever.allowed()})"
    union = Union[tuple(Annotated[tp, Tag(name)] for name, tp in forms.items())]  # noqa: UP007
    return Annotated[union, Discriminator(_shape), Allowed(allowed)]


class Design(FileModel):
    """How the design points are drawn."""

    method: choice(METHODS) = Field("grid", description=" | ".join(METHODS))
    samples: whole(0, MAX_SAMPLES) = optional(
        "integer >= 1: points (random, lhs), base samples N (sobol) or trajectories (morris)")
    levels: whole(2, 100) = Field(4, description="integer >= 2: grid levels for morris (default 4)")
    seed: SEEDS = Field(0, description="integer >= 0: the sampler's seed (default 0)")
    second_order: FLAG = Field(False, description="boolean: sobol second-order indices too (default false)")

    @model_validator(mode="after")
    def _samples_fit_method(self) -> Design:
        if self.method == "grid":
            return self
        if not self.samples:
            allowed = f"for {self.method}: integer from 1 to {MAX_SAMPLES}"
            raise fail((("samples",), f"missing (required {allowed})" if self.samples is None
                        else f"{self.samples} is not allowed (allowed {allowed})"))
        if self.method == "sobol" and self.samples & (self.samples - 1):
            raise fail((("samples",), f"{self.samples} is not allowed for sobol "
                                      "(allowed: a power of 2, e.g. 64, 128)"))
        return self


AxesTable = lever_table("Levers", _axis, defaults=False,
                        doc="The levers that vary: lever = a range, a list of values, or { values = [...] }.")
UncertaintiesTable = world_table(
    "Uncertainties", _axis, doc="The world settings that vary: setting = a range, a list of values, or { values = [...] }.")
FixedTable = create_model(
    "Fixed", __base__=lever_table("FixedLevers", defaults=False), __doc__="Lever or world setting = value held "
    "for every run.", **{s.name: (s.annotation, Field(None, description=s.help, json_schema_extra=no_default))
                         for s in WORLD_SETTINGS.values()})
FixedTable.unknown = "unknown lever or world setting (allowed: {keys})"


class SpecFile(FileModel):
    """A partnersim sweep spec: a scenario, seeds, and a design over levers and world settings."""

    model_config = ConfigDict(title="partnersim sweep spec")

    scenario: str = Field("baseline", description="string: a bundled scenario name or a path to a scenario file")
    quarters: whole(1, MAX_QUARTERS) = optional(
        f"integer 1-{MAX_QUARTERS}: quarters per run (default: the scenario's)")
    replications: whole(1, 10_000) = Field(1, description="integer 1-10000: seeds per design point (default 1)")
    seed_start: SEEDS = Field(
        0, description="integer >= 0: the first seed (default 0); seeds are seed_start, seed_start+1, ...")
    objective: ObjectiveTable = optional(
        "table: what `partnersim optimize` searches the levers for (metric, direction, statistic, worlds, "
        "trials, second); a sweep ignores it; with it, a numeric range needs no steps")
    design: Design = Field(Design(), description="table: method and its settings")
    levers: in_given_order(AxesTable) = Field(
        {}, description="table: lever = a range, a list of values, or { values = [...] }")
    uncertainties: in_given_order(UncertaintiesTable) = Field(
        {}, validate_default=True,
        description="table: world setting = a range, a list of values, or { values = [...] }: the market the "
                    "levers are tried in, sampled with them (see `partnersim levers`)")
    fixed: in_given_order(FixedTable) = Field(
        {}, description="table: lever or world setting = value held for every run")
    outcome: choice(METRIC_COLUMNS, ", ".join(METRIC_COLUMNS)) = Field(
        "revenue_partner", description="string: the metric `partnersim analyze` ranks levers and "
                                       "uncertainties by (default revenue_partner)")

    @field_validator("scenario")
    @classmethod
    def _scenario_loads(cls, scenario: str, info: ValidationInfo) -> str:
        where = (info.context or {}).get("where", "<spec>")
        if where != "<spec>" and ("/" in scenario or scenario.endswith(".toml")) and not Path(scenario).is_absolute():
            scenario = str((Path(where).parent / scenario).resolve())   # relative to the spec file
        try:
            load_scenario(scenario)
        except ScenarioError as exc:
            raise fail(((), str(exc).splitlines()[0])) from None
        return scenario

    @field_validator("levers")
    @classmethod
    def _levers_vary(cls, levers: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        found = _axis_problems(levers, info, "lever")
        if found:
            raise fail(*found)
        return levers

    @field_validator("uncertainties")
    @classmethod
    def _uncertainties_vary(cls, uncertainties: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        found = _axis_problems(uncertainties, info, "world setting")
        if not uncertainties and info.data.get("levers") == {}:      # [levers] checked, and empty
            found.append(((), "nothing varies (add a lever under [levers] or a world setting under "
                              "[uncertainties])"))
        if found:
            raise fail(*found)
        return uncertainties

    @field_validator("fixed")
    @classmethod
    def _fixed_not_varied(cls, fixed: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        found = [((name,), f"is also under [{table}]; a {what} is either varied or fixed") for name in fixed
                 for table, what in (("levers", "lever"), ("uncertainties", "world setting"))
                 if name in (info.data.get(table) or {})]
        if found:
            raise fail(*found)
        return fixed


def _axis_problems(table: dict[str, Any], info: ValidationInfo, what: str) -> list[tuple[tuple[str, ...], str]]:
    """What a design cannot do with a [levers] or [uncertainties] table: a grid needs steps
    over a range; Sobol and Morris need every factor to take at least two values."""
    design = info.data.get("design")
    method = design.method if design else ""
    if info.data.get("objective") is not None:
        method = "optimize"           # `partnersim optimize` samples a range itself: no steps needed
    axes = [_lever_axis(name, v) for name, v in table.items()]
    found: list[tuple[tuple[str, ...], str]] = [
        ((a.name,), "a grid over a range needs steps = integer >= 2, or list the values")
        for a in axes if method == "grid" and a.is_range and a.steps is None]
    if method in ("sobol", "morris") and any(not a.is_range and len(a.values) < 2 for a in axes):
        found.append(((), f"{method} needs every {what} to vary over at least two values"))
    return found


TOP_KEYS: dict[str, str] = {k: f.description or "" for k, f in SpecFile.model_fields.items()}
DESIGN_KEYS: dict[str, str] = {k: f.description or "" for k, f in Design.model_fields.items()}


# ------------------------------------------------------------------------- the checked spec
@dataclass(frozen=True)
class LeverAxis:
    """How one lever or world setting varies: a numeric range or a list of values."""

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
        """Map a sample in [0, 1] to a value (ranges scale; lists are binned)."""
        if self.is_range:
            return _as_lever(self.name, self.low + (self.high - self.low) * u)
        k = min(len(self.values) - 1, int(u * len(self.values)))
        return self.values[k]


def _as_lever(name: str, v: float) -> Any:
    """A point of a range as the lever's or world setting's type: integers stay integers."""
    declared = LEVERS.get(name) or WORLD_SETTINGS[name]
    return int(round(v)) if declared.kind == "int" else float(v)


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
    axes: tuple[LeverAxis, ...] = ()              # [levers]
    fixed: dict[str, Any] = field(default_factory=dict)   # levers and world settings
    uncertainties: tuple[LeverAxis, ...] = ()     # [uncertainties]: world settings
    outcome: str = "revenue_partner"
    path: str = ""
    objective: Objective | None = None

    @property
    def seeds(self) -> range:
        return range(self.seed_start, self.seed_start + self.replications)

    @property
    def factors(self) -> tuple[LeverAxis, ...]:
        """Everything the design varies: the levers, then the uncertainties."""
        return self.axes + self.uncertainties

    def as_dict(self) -> dict[str, Any]:
        """The spec in the spec file's shape (`spec_from_dict(spec.as_dict())` gives it back)."""
        def table(axes: tuple[LeverAxis, ...]) -> dict[str, Any]:
            return {a.name: {"low": a.low, "high": a.high, **({"steps": a.steps} if a.steps else {})}
                    if a.is_range else list(a.values) for a in axes}

        levers = table(self.axes)
        design: dict[str, Any] = {"method": self.method, "seed": self.design_seed}
        if self.method != "grid":
            design["samples"] = self.samples
        if self.method == "morris":
            design["levels"] = self.levels
        if self.method == "sobol":
            design["second_order"] = self.second_order
        out = {"scenario": self.scenario, "quarters": self.quarters, "replications": self.replications,
               "seed_start": self.seed_start, "outcome": self.outcome, "design": design,
               "levers": levers, "fixed": dict(self.fixed)}
        if self.uncertainties:            # left out when empty: results of older specs still resume
            out["uncertainties"] = table(self.uncertainties)
        if self.objective is not None:
            out["objective"] = self.objective.as_dict()
        return out


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
    """Check a spec given as a dict (as `sim.sweep` accepts).

    Raises:
        SpecError: every problem, one per line, each naming `where` and the key.
    """
    try:
        checked = SpecFile.model_validate(raw, context={"where": where})
    except ValidationError as exc:
        raise SpecError("\n".join(problems(exc, SpecFile, where))) from None
    design = checked.design
    return SweepSpec(scenario=checked.scenario,
                     quarters=checked.quarters or load_scenario(checked.scenario).quarters,
                     replications=checked.replications, seed_start=checked.seed_start, method=design.method,
                     samples=design.samples or 0, levels=design.levels, design_seed=design.seed,
                     second_order=design.second_order,
                     axes=tuple(_lever_axis(name, v) for name, v in checked.levers.items()),
                     uncertainties=tuple(_lever_axis(name, v) for name, v in checked.uncertainties.items()),
                     fixed=dict(checked.fixed), outcome=checked.outcome, path=where,
                     objective=Objective.from_table(checked.objective) if checked.objective else None)


def _lever_axis(name: str, value: Any) -> LeverAxis:
    """A checked [levers] or [uncertainties] entry as the axis the design uses."""
    if isinstance(value, list):
        return LeverAxis(name, values=tuple(value))
    if value == "both":
        return LeverAxis(name, values=(False, True))
    if "values" in type(value).model_fields:
        return LeverAxis(name, values=tuple(value.values))
    return LeverAxis(name, low=float(value.low), high=float(value.high), steps=value.steps)
