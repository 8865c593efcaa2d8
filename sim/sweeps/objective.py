"""A spec's `[objective]` table: what `partnersim optimize` searches the levers for.

    [objective]
    metric = "conflicts_lost_by_partners"   # any metric (sim.metrics.METRICS)
    direction = "minimize"                  # or "maximize"
    statistic = "mean"                      # mean | percentile | regret, over the sampled worlds
    worlds = 8                              # worlds each policy is tried in (a seed and the
                                            # [uncertainties] drawn, the same for every policy)
    trials = 40                             # policies tried
    [objective.second]                      # a second objective: NSGA-II finds the trade-off
    metric = "partner_program_cost"
    direction = "minimize"

A policy's score in one world is the metric's mean over the four quarters ending at `quarter`
(the last by default), as `partnersim analyze` reads an outcome. Over the worlds: the mean; a low
percentile for a robust policy (the bad tail: the p-th percentile when maximising, the
(100-p)-th when minimising); or the regret, the most the policy falls short of the best policy
tried in any one world (minimax regret, as the EMA Workbench defines it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from sim.metrics import METRIC_COLUMNS
from sim.schema import FileModel, choice, number, optional, whole

STATISTICS: dict[str, str] = {
    "mean": "the mean over the worlds",
    "percentile": "a low percentile over the worlds (robust: the bad tail)",
    "regret": "the largest shortfall against the best policy tried in each world (minimax regret)",
}
SAMPLERS: dict[str, str] = {
    "auto": "TPE for one objective, NSGA-II for two",
    "tpe": "Optuna's tree-structured Parzen estimator (one objective)",
    "nsga2": "Optuna's NSGA-II (two objectives: the Pareto front)",
    "random": "uniform random search (a baseline)",
}
METRICS_ALLOWED = ", ".join(METRIC_COLUMNS)


class Goal(FileModel):
    """One objective: a metric, its direction and how the worlds are summed up."""

    metric: choice(METRIC_COLUMNS, METRICS_ALLOWED) = Field(description="string: the metric to optimise")
    direction: choice(("maximize", "minimize"), "maximize | minimize") = Field(
        "maximize", description="string: maximize or minimize (default maximize)")
    statistic: choice(STATISTICS, " | ".join(STATISTICS)) = Field(
        "mean", description="string: " + "; ".join(f"{k}: {v}" for k, v in STATISTICS.items()))
    percentile: number(1, 50) = Field(
        10, description="number 1-50: with statistic = percentile, how far into the bad tail (default 10)")


class ObjectiveTable(Goal):
    """The `[objective]` table of a spec read by `partnersim optimize`."""

    worlds: whole(1, 1000) = Field(8, description="integer 1-1000: worlds each policy is tried in (default 8)")
    trials: whole(1, 100_000) = Field(40, description="integer 1-100000: policies to try (default 40)")
    quarter: whole(1, 200) = optional("integer: the quarter the outcome is read at (default: the last)")
    sampler: choice(SAMPLERS, " | ".join(SAMPLERS)) = Field(
        "auto", description="string: " + "; ".join(f"{k}: {v}" for k, v in SAMPLERS.items()))
    seed: whole(0) = Field(0, description="integer >= 0: seeds the sampler and the worlds drawn (default 0)")
    second: Goal = optional("table: a second objective (metric, direction, statistic): NSGA-II's trade-off")


@dataclass(frozen=True)
class Objective:
    """A checked `[objective]` table."""

    goals: tuple[tuple[str, str, str, float], ...]    # (metric, direction, statistic, percentile)
    worlds: int = 8
    trials: int = 40
    quarter: int | None = None
    sampler: str = "auto"
    seed: int = 0

    @classmethod
    def from_table(cls, t: ObjectiveTable) -> Objective:
        goals = [(t.metric, t.direction, t.statistic, float(t.percentile))]
        if t.second is not None:
            s = t.second
            goals.append((s.metric, s.direction, s.statistic, float(s.percentile)))
        return cls(tuple(goals), t.worlds, t.trials, t.quarter, t.sampler, t.seed)

    @property
    def directions(self) -> list[Literal["maximize", "minimize"]]:
        return [g[1] for g in self.goals]  # type: ignore[misc]

    @property
    def sampler_name(self) -> str:
        if self.sampler != "auto":
            return self.sampler
        return "nsga2" if len(self.goals) > 1 else "tpe"

    def as_dict(self) -> dict:
        first = dict(zip(("metric", "direction", "statistic", "percentile"), self.goals[0], strict=True))
        out = {**first, "worlds": self.worlds, "trials": self.trials, "sampler": self.sampler, "seed": self.seed}
        if self.quarter is not None:
            out["quarter"] = self.quarter
        if len(self.goals) > 1:
            out["second"] = dict(zip(("metric", "direction", "statistic", "percentile"), self.goals[1], strict=True))
        return out
