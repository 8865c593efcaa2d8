"""Win conditions: the clauses a scenario's [win] table may set, how each is judged, and the
goal in plain words.

Each clause is declared once in `WIN_CONDITIONS`; the [win] table's schema (`WinTable`), the
judging (`judge`) and the briefing's goal text (`goal_text`) all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import create_model

from sim import units
from sim.limits import MAX_QUARTERS
from sim.schema import FLAG, FileModel, number, optional, show, whole


@dataclass(frozen=True)
class WinCondition:
    """One clause of a win condition: a key in a scenario's [win] table.

    Attributes:
        key: The key in [win].
        kind: "int", "float", "money" (a float in USD) or "bool".
        low: Smallest allowed value.
        high: Largest allowed value.
        metric: The quarterly metric it reads.
        over: "quarter" (the at_quarter row), "max" or "sum" (all quarters up to at_quarter),
            or "year" (partner share over the four quarters ending at at_quarter).
        at_least: True: the value must be >= the target; False: <=.
        words: The goal in plain words, with {v} for the target.
    """

    key: str
    kind: str
    low: float
    high: float
    metric: str
    over: str
    at_least: bool
    words: str

    def actual(self, frame: Any, q: int) -> float:
        """The value this clause judges, read off a quarterly frame up to quarter `q`."""
        upto = frame[frame["quarter"] <= q]
        if self.over == "year":
            from sim.metrics import partner_share_over

            return partner_share_over(frame, q)
        if self.over == "max":
            return float(upto[self.metric].max())
        if self.over == "sum":
            return float(upto[self.metric].sum())
        return float(upto[upto["quarter"] == q][self.metric].iloc[0])

    def met(self, value: float, target: Any) -> bool:
        if self.kind == "bool":
            return (not target) or value == 0
        return value >= target if self.at_least else value <= target

    def describe(self, target: Any, shown: str | None = None) -> str:
        """The clause in words, with the target as `shown` (default: in its unit's usual digits)."""
        return self.words.format(v=self.show(target) if shown is None else shown)

    def show(self, value: Any) -> str:
        """`value` in the clause's unit (`sim.units`); a yes/no clause shows its flag as is."""
        if self.kind == "bool":
            return units.count(value) if isinstance(value, (int, float)) else str(value)
        return units.fmt(self.unit, value)

    def judged(self, value: float, target: Any) -> tuple[str, str]:
        """(value, target) as a clause line shows them: with enough digits that a missed goal
        never reads as met (14.6% against 15% reads "14.6%", not "15%"); see `units.fmt_judged`."""
        if self.kind == "bool":         # the flag's metric is 0 while all is well ("still funded": yes)
            return ("yes" if value == 0 else "no"), self.show(target)
        return units.fmt_judged(self.unit, value, float(target), self.met)

    @property
    def unit(self) -> str:
        """How the clause's value reads (`sim.units`): its metric's unit (a share for "year")."""
        from sim.metrics import METRICS

        return "share" if self.over == "year" else METRICS[self.metric].unit

    @property
    def label(self) -> str:
        """What the clause measures, as a short label for tables and charts."""
        from sim.metrics import METRICS

        if self.over == "year":
            return "Partner share of revenue, last four quarters"
        base = METRICS[self.metric].label
        return {"max": f"{base}, worst quarter", "sum": f"{base}, all quarters"}.get(self.over, base)

    @property
    def annotation(self) -> Any:
        """The clause's target as a pydantic type, for the [win] table's schema."""
        if self.kind == "bool":
            return FLAG
        if self.kind == "int":
            return whole(int(self.low), int(self.high), f"integer from {show(self.low)} to {show(self.high)}")
        return number(self.low, self.high, f"number from {show(self.low)} to {show(self.high)}")


WIN_CONDITIONS: dict[str, WinCondition] = {c.key: c for c in (
    WinCondition("min_partner_share", "float", 0.0, 1.0, "partner_share", "quarter", True,
                 "partners bring at least {v} of revenue"),
    WinCondition("min_partner_share_year", "float", 0.0, 1.0, "revenue_partner/revenue_total", "year", True,
                 "partners bring at least {v} of revenue over the last four quarters"),
    WinCondition("min_partners_active", "int", 0, 10_000, "partners_active", "quarter", True,
                 "at least {v} active partners"),
    WinCondition("min_partners_productive", "int", 0, 10_000, "partners_productive", "quarter", True,
                 "at least {v} partners with a won deal in the last four quarters"),
    WinCondition("min_revenue_partner", "money", 0.0, 1e12, "revenue_partner", "quarter", True,
                 "partner revenue of at least {v} in the quarter"),
    WinCondition("min_revenue_total", "money", 0.0, 1e12, "revenue_total", "quarter", True,
                 "total revenue of at least {v} in the quarter"),
    WinCondition("min_cumulative_net_contribution", "money", -1e12, 1e12, "cumulative_net_contribution",
                 "quarter", True, "a cumulative program net contribution of at least {v}"),
    WinCondition("min_partner_satisfaction", "float", 0.0, 1.0, "partner_satisfaction_mean", "quarter", True,
                 "mean partner satisfaction of at least {v}"),
    WinCondition("min_partner_capability", "float", 0.0, 1.0, "partner_capability_mean", "quarter", True,
                 "mean partner selling capability of at least {v}"),
    WinCondition("min_partner_mindshare", "float", 0.0, 1.0, "partner_mindshare_mean", "quarter", True,
                 "partners give you at least {v} of their selling effort on average"),
    WinCondition("max_conflicts", "int", 0, 1_000_000, "conflicts", "max", False,
                 "never more than {v} conflicts in a quarter"),
    WinCondition("max_partners_churned", "int", 0, 1_000_000, "partners_churned", "sum", False,
                 "no more than {v} partners lost in all"),
    WinCondition("no_program_cut", "bool", 0, 1, "program_cut", "quarter", True,
                 "the program still funded"),
)}
WIN_KEYS: tuple[str, ...] = ("at_quarter", *WIN_CONDITIONS)

WinTable = create_model(
    "WinTable", __base__=FileModel,
    __doc__="The goal: the player wins if every clause is met at `at_quarter`.",
    at_quarter=(whole(1, MAX_QUARTERS), optional("The quarter the goal is judged at (default: the last).")),
    **{c.key: (c.annotation, optional("Goal: " + c.words.format(v="N") + ".")) for c in WIN_CONDITIONS.values()},
)


@dataclass(frozen=True)
class Clause:
    """How one game did against one clause of the win condition."""

    key: str
    goal: str        # the clause in words
    target: Any
    actual: float
    shown: str       # the actual value, formatted (never reading as the target when it misses it)
    met: bool


def judge(win: dict[str, Any], at_quarter: int, frame: Any) -> list[Clause]:
    """Each clause of `win` against a quarterly frame at `at_quarter` (empty: no goal, or the
    frame does not reach that quarter)."""
    if not win or frame.empty or int(frame["quarter"].max()) < at_quarter:
        return []
    out = []
    for key, target in win.items():
        if key not in WIN_CONDITIONS:
            continue
        cond = WIN_CONDITIONS[key]
        value = cond.actual(frame, at_quarter)
        shown, target_shown = cond.judged(value, target)
        out.append(Clause(key, cond.describe(target, target_shown), target, value, shown, cond.met(value, target)))
    return out


def goal_text(win: dict[str, Any], at_quarter: int) -> str:
    """The win condition in plain words, as the briefing shows it."""
    parts = [WIN_CONDITIONS[k].describe(v) for k, v in win.items() if k in WIN_CONDITIONS
             and not (WIN_CONDITIONS[k].kind == "bool" and not v)]
    if not parts:
        return "No fixed goal: explore."
    return f"By quarter {at_quarter}: " + "; ".join(parts) + "."
