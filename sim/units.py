"""One formatter per unit: how a number reads wherever a person sees it.

The game's tiles, the debrief, the goal clauses, the CLI's tables, exported charts and
the classroom pages all format values through these functions, so "$1.23M" reads the same
on every screen. A metric's or a lever's unit is declared once (in `sim.metrics.METRICS`
and `sim.policy.LEVERS`); `fmt(unit, value)` turns it into words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

UNITS: tuple[str, ...] = ("money", "share", "count", "score", "ratio", "quarters", "text")


def money(v: float, extra: int = 0) -> str:
    """US dollars, short: $1.23M, $350k, $40, -$3.00M (`extra` more decimals: $349.6k)."""
    sign = "-" if v < 0 else ""
    v = abs(float(v))
    if v >= 1e6:
        return f"{sign}${v / 1e6:,.{2 + extra}f}M"
    if v >= 1e3:
        return f"{sign}${v / 1e3:,.{extra}f}k"
    return f"{sign}${v:,.{extra}f}"


def share(v: float, digits: int = 0) -> str:
    """A fraction as a percentage: 0.146 -> 15% (digits=1: 14.6%)."""
    return f"{float(v):.{digits}%}"


def count(v: float, extra: int = 0) -> str:
    """A whole number of things: 12, 1,200 (a mean with `extra` decimals: 9.6)."""
    return f"{float(v):,.{extra}f}"


def score(v: float, extra: int = 0) -> str:
    """A 0-1 level (satisfaction, capability, a lever's depth): 0.72 (`extra` decimals more: 0.718)."""
    return f"{float(v):.{2 + extra}f}"


def ratio(v: float, extra: int = 0) -> str:
    """A signed relative change or error: +25%, -4% (`extra` decimals: +12.3%)."""
    return f"{float(v):+.{extra}%}"


def fmt(unit: str, v: Any, digits: int | None = None, extra: int = 0) -> str:
    """`v` as a person reads a value of `unit` (one of UNITS); `extra` decimals beyond the
    unit's usual ones (money, share, count, score), where a value must be told apart from a
    close one (see `fmt_judged`)."""
    if unit == "money":
        return money(v, extra)
    if unit == "share":
        return share(v, (0 if digits is None else digits) + extra)
    if unit == "count":
        return count(v, extra)
    if unit == "quarters":
        return f"{int(v)}"
    if unit == "ratio":
        return ratio(v, extra)
    if unit == "score":
        return score(v, extra)
    return str(v)


def value_of(text: str) -> float:
    """The number a person reads in a value formatted by `fmt` for money, share, count or
    score: "$1.23M" -> 1230000, "-$350k" -> -350000, "14.6%" -> 0.146, "1,200" -> 1200."""
    t = text.strip().replace(",", "").replace("$", "")
    scale = {"%": 100.0, "M": 1e-6, "k": 1e-3}.get(t[-1:], 1.0)
    return float(t.rstrip("%Mk")) / scale


def fmt_judged(unit: str, value: float, target: float, holds: Callable[[float, float], bool],
               most: int = 6) -> tuple[str, str]:
    """`value` beside the `target` it is judged against, so the numbers shown tell the truth.

    Rounded alike, a value just short of its target can read as the target itself (14.6% for a
    15% goal reads "15%"). This adds digits to both, up to `most`, until `holds` (the judgement,
    e.g. value >= target) gives the same answer for the numbers as shown as for the true ones;
    the target keeps its shortest form that reads the same number ("15%", not "15.0%").

    Returns:
        (value, target) as shown: ("14.6%", "15%").
    """
    truth = holds(value, target)
    extra = 0
    while extra < most and holds(value_of(fmt(unit, value, extra=extra)),
                                 value_of(fmt(unit, target, extra=extra))) != truth:
        extra += 1
    shown_target = fmt(unit, target, extra=extra)
    short = next(fmt(unit, target, extra=e) for e in range(extra + 1)
                 if value_of(fmt(unit, target, extra=e)) == value_of(shown_target))
    return fmt(unit, value, extra=extra), short


def fmt_change(unit: str, d: float, extra: int = 0) -> str:
    """A change between two values of `unit`: +$120k, -3.2 pts, +4, +0.05 (`extra` decimals
    more, for a mean change over seeds: +3.5, +0.052)."""
    if unit == "money":
        return ("+" if d >= 0 else "-") + money(abs(d), extra)
    if unit in ("share", "ratio"):
        return f"{d * 100:+.{1 + extra}f} pts"
    if unit in ("count", "quarters"):
        return f"{d:+,.{extra}f}"
    return f"{d:+.{2 + extra}f}"
