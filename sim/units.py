"""One formatter per unit: how a number reads wherever a person sees it.

The game's tiles, the debrief, the goal clauses, the CLI's tables, exported charts and
the classroom pages all format values through these functions, so "$1.23M" reads the same
on every screen. A metric's or a lever's unit is declared once (in `sim.metrics.METRICS`
and `sim.policy.LEVERS`); `fmt(unit, value)` turns it into words.
"""

from __future__ import annotations

from typing import Any

UNITS: tuple[str, ...] = ("money", "share", "count", "score", "ratio", "quarters", "text")


def money(v: float) -> str:
    """US dollars, short: $1.23M, $350k, $40, -$3.00M."""
    sign = "-" if v < 0 else ""
    v = abs(float(v))
    if v >= 1e6:
        return f"{sign}${v / 1e6:,.2f}M"
    if v >= 1e3:
        return f"{sign}${v / 1e3:,.0f}k"
    return f"{sign}${v:,.0f}"


def share(v: float, digits: int = 0) -> str:
    """A fraction as a percentage: 0.146 -> 15% (digits=1: 14.6%)."""
    return f"{float(v):.{digits}%}"


def count(v: float) -> str:
    """A whole number of things: 12, 1,200."""
    return f"{float(v):,.0f}"


def score(v: float) -> str:
    """A 0-1 level (satisfaction, capability, a lever's depth): 0.72."""
    return f"{float(v):.2f}"


def ratio(v: float) -> str:
    """A signed relative error: +25%, -4%."""
    return f"{float(v):+.0%}"


def fmt(unit: str, v: Any, digits: int | None = None) -> str:
    """`v` as a person reads a value of `unit` (one of UNITS)."""
    if unit == "money":
        return money(v)
    if unit == "share":
        return share(v, 0 if digits is None else digits)
    if unit == "count":
        return count(v)
    if unit == "quarters":
        return f"{int(v)}"
    if unit == "ratio":
        return ratio(v)
    if unit == "score":
        return score(v)
    return str(v)


def fmt_change(unit: str, d: float) -> str:
    """A change between two values of `unit`: +$120k, -3.2 pts, +4, +0.05."""
    if unit == "money":
        return ("+" if d >= 0 else "-") + money(abs(d))
    if unit in ("share", "ratio"):
        return f"{d * 100:+.1f} pts"
    if unit in ("count", "quarters"):
        return f"{d:+,.0f}"
    return f"{d:+.2f}"
