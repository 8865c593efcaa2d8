"""Live charts drawn with pygame: they grow a quarter at a time.

Redrawing a matplotlib figure costs ~45 ms, drawing the same lines with pygame ~1 ms, so the
play screen draws its charts here and matplotlib is kept for exported images. A chart
re-renders its surface only when its data changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pygame

from game import palette as C
from sim import units
from sim.metrics import METRICS


@dataclass(frozen=True)
class Series:
    """One line (or stacked band) of a chart."""

    column: str
    label: str
    colour: tuple[int, int, int]
    dashed: bool = False


class Chart:
    """A small-multiple chart: title, y-axis ticks, quarters on x, a legend.

    Args:
        title: Shown above the plot.
        series: What to draw, read from columns of the quarterly frame.
        kind: "line" or "stacked" (areas stacked in series order).
        unit: How the axis reads (`sim.units.UNITS`); default: the first series' metric's unit.
        quarters: Length of the x axis (the scenario's length).
        zero_line: Draw y = 0 (for the J-curve).
    """

    def __init__(self, title: str, series: Sequence[Series], kind: str = "line",
                 unit: str | None = None, quarters: int = 12, zero_line: bool = False) -> None:
        self.title = title
        self.series = tuple(series)
        self.kind = kind
        self.unit = unit or METRICS[self.series[0].column].unit
        self.quarters = quarters
        self.zero_line = zero_line
        self.values: dict[str, list[float]] = {s.column: [] for s in self.series}
        self.surface: pygame.Surface | None = None
        self._size = (0, 0)
        self._dirty = True

    def set_data(self, frame) -> None:
        """Take the columns this chart shows from the model's quarterly frame."""
        new = {s.column: [float(v) for v in frame[s.column]] for s in self.series} if len(frame) else \
            {s.column: [] for s in self.series}
        if new != self.values:
            self.values = new
            self._dirty = True

    def _label(self, v: float) -> str:
        return units.fmt(self.unit, v)

    def axis(self, plot_height: int = 200) -> tuple[float, float, list[tuple[float, str]]]:
        """The y axis: its range and its ticks as (value, label). Ticks only over a real range
        (no data yet: none; a flat line, such as no conflicts at all: one at its value), at round
        values, and never two that read alike."""
        n = max((len(v) for v in self.values.values()), default=0)
        if self.kind == "stacked":
            totals = [sum(self.values[s.column][i] for s in self.series) for i in range(n)]
            lo, hi = 0.0, max(totals, default=0.0)
        else:
            flat = [v for vals in self.values.values() for v in vals]
            lo, hi = min(flat + [0.0]), max(flat + [0.0])
        if n and self.unit == "share":
            hi = max(hi, 0.5)
        if n and self.unit == "score":
            lo, hi = 0.0, 1.0
        flat_line = hi - lo < 1e-9      # no data yet, or every value the same (all zero)
        if flat_line:
            values = [lo] if n else []
            hi = lo + 1.0
        else:
            pad = (hi - lo) * 0.08
            hi += pad
            if lo < 0:
                lo -= pad
            values = nice_ticks(lo, hi, 3 if plot_height >= 60 else 2, whole=self.unit in ("count", "quarters"))
        ticks: list[tuple[float, str]] = []
        for v in values:
            text = self._label(v)
            if all(text != t for _, t in ticks):
                ticks.append((v, text))
        return lo, hi, ticks

    def render(self, size: tuple[int, int]) -> pygame.Surface:
        """The chart as a surface of `size` (cached until data or size change)."""
        if self.surface is not None and not self._dirty and size == self._size:
            return self.surface
        w, h = size
        surf = pygame.Surface(size)
        surf.fill(C.PANEL)
        surf.blit(C.font(19, True).render(self.title, True, C.TEXT), (8, 4))
        # legend on its own row under the title
        x = 8
        for s in self.series:
            _swatch(surf, s, x, 30)
            text = C.font(16).render(s.label, True, C.MUTED)
            surf.blit(text, (x + 18, 23))
            x += 28 + text.get_width()
        left, top, right, bottom = 50, 46, w - 10, h - 20
        plot = pygame.Rect(left, top, max(10, right - left), max(10, bottom - top))
        n = max((len(v) for v in self.values.values()), default=0)
        lo, hi, ticks = self.axis(plot.height)

        def ypix(v: float) -> float:
            return plot.bottom - (v - lo) / (hi - lo) * plot.height

        def xpix(i: int) -> float:
            return plot.left + (i + 0.5) / self.quarters * plot.width

        for v, text in ticks:
            y = ypix(v)
            pygame.draw.line(surf, C.GRID, (plot.left, y), (plot.right, y), 1)
            lab = C.font(15).render(text, True, C.MUTED)
            surf.blit(lab, (plot.left - 4 - lab.get_width(), y - lab.get_height() / 2))
        pygame.draw.line(surf, C.GRID, (plot.left, plot.top), (plot.left, plot.bottom), 1)
        pygame.draw.line(surf, C.GRID, (plot.left, plot.bottom), (plot.right, plot.bottom), 1)
        if not n:
            empty = C.font(16).render("no data yet", True, C.MUTED)
            surf.blit(empty, empty.get_rect(center=plot.center))
        if self.zero_line and lo < 0 < hi:
            pygame.draw.line(surf, C.MUTED, (plot.left, ypix(0)), (plot.right, ypix(0)), 2)
        label_w = C.font(15).size(f"Q{self.quarters}")[0] + 8
        step = 1
        while self.quarters / step * label_w > plot.width:
            step += 1
        for q in range(0, self.quarters, step):
            lab = C.font(15).render(f"Q{q + 1}", True, C.MUTED)
            surf.blit(lab, (xpix(q) - lab.get_width() / 2, plot.bottom + 2))
        if n:
            if self.kind == "stacked":
                base = [0.0] * n
                bw = max(3, plot.width / self.quarters * 0.7)
                for s in self.series:
                    top_v = [base[i] + self.values[s.column][i] for i in range(n)]
                    for i in range(n):
                        r = pygame.Rect(0, 0, bw, max(0, ypix(base[i]) - ypix(top_v[i])))
                        r.midbottom = (xpix(i), ypix(base[i]))
                        pygame.draw.rect(surf, s.colour, r)
                    base = top_v
            else:
                for s in self.series:
                    pts = [(xpix(i), ypix(v)) for i, v in enumerate(self.values[s.column])]
                    if len(pts) >= 2:
                        if s.dashed:
                            _dashed(surf, s.colour, pts)
                        else:
                            pygame.draw.lines(surf, s.colour, False, pts, 3)
                    for p in pts:
                        if s.dashed:   # squares for the dashed series: shape, not only colour
                            pygame.draw.rect(surf, s.colour, (p[0] - 4, p[1] - 4, 8, 8))
                        else:
                            pygame.draw.circle(surf, s.colour, p, 4)
        pygame.draw.rect(surf, C.GRID, surf.get_rect(), 1)
        self.surface, self._size, self._dirty = surf, size, False
        return surf


def nice_ticks(lo: float, hi: float, most: int = 3, whole: bool = False) -> list[float]:
    """Round tick values within [lo, hi]: steps of 1, 2 or 5 times a power of ten, two to `most`
    of them where the range allows (a whole-number axis steps by at least 1), so labels read
    $0 / $500k / $1.00M rather than repeating after rounding."""
    span = hi - lo
    if span <= 0 or not math.isfinite(span):
        return [lo]
    mag = 10.0 ** math.floor(math.log10(span))
    steps = sorted(m * p for p in (mag / 100, mag / 10, mag) for m in (1, 2, 5))
    if whole:
        steps = [st for st in steps if st >= 1] or [1.0]

    def at(step: float) -> list[float]:
        first = math.ceil(lo / step - 1e-9)
        last = math.floor(hi / step + 1e-9)
        return [float(k * step) + 0.0 for k in range(first, last + 1)]

    fitting = [at(st) for st in steps if 2 <= len(at(st)) <= most]
    return fitting[0] if fitting else at(steps[0])[:most]


def _swatch(surf: pygame.Surface, s: Series, x: int, y: int) -> None:
    if s.dashed:
        pygame.draw.line(surf, s.colour, (x, y), (x + 5, y), 3)
        pygame.draw.line(surf, s.colour, (x + 9, y), (x + 14, y), 3)
    else:
        pygame.draw.rect(surf, s.colour, (x, y - 4, 14, 8))


def _dashed(surf: pygame.Surface, colour: tuple[int, int, int], pts: list[tuple[float, float]],
            dash: float = 7.0, gap: float = 5.0) -> None:
    """A dashed polyline (dash pattern carried across segments)."""
    on, left = True, dash
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:], strict=False):
        length = max(1e-6, ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)
        t = 0.0
        while t < length:
            run = min(left, length - t)
            if on:
                a = (x0 + (x1 - x0) * t / length, y0 + (y1 - y0) * t / length)
                b = (x0 + (x1 - x0) * (t + run) / length, y0 + (y1 - y0) * (t + run) / length)
                pygame.draw.line(surf, colour, a, b, 3)
            t += run
            left -= run
            if left <= 1e-9:
                on = not on
                left = dash if on else gap


def play_charts(quarters: int) -> list[Chart]:
    """The six charts of the play screen."""
    return [
        Chart("Revenue per quarter", [Series("revenue_direct", "direct", C.DIRECT),
                                      Series("revenue_partner", "partner", C.PARTNER)],
              kind="stacked", quarters=quarters),
        Chart("Program net contribution", [Series("partner_net_contribution", "net", C.YELLOW)],
              quarters=quarters, zero_line=True),
        Chart("Partners", [Series("partners_active", "active", C.GREEN),
                           Series("partners_recruited", "joined", C.SKY, dashed=True),
                           Series("partners_churned", "left", C.VERMILION)],
              quarters=quarters),
        Chart("Channel conflicts", [Series("conflicts", "incidents", C.VERMILION),
                                    Series("conflicts_lost_by_partners", "lost by partner", C.PURPLE, dashed=True)],
              quarters=quarters),
        Chart("Partner health",
              [Series("partner_satisfaction_mean", "satisfaction", C.SKY),
               Series("partner_capability_mean", "capability", C.ORANGE, dashed=True)],
              quarters=quarters),
        Chart("Partner share of revenue", [Series("partner_share", "share", C.ORANGE)],
              quarters=quarters),
    ]
