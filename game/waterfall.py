"""The "what your decisions were worth" waterfall, drawn with pygame like `game.charts`.

It draws an `sim.attribution.Attribution` as it is and computes nothing: a row for the
player's result, one per group of decisions that differs from best practice (its Shapley
value, as a bar from the running total), and one for best practice's result, which the bars
reach exactly. One column per measure (the goal, partner revenue). A bar's colour says
whether that group's change is for the better (green) or the worse (vermilion); the value
beside it carries the sign, so colour is never the only cue. `group_at` tells the screen
which group a point is on; `WorthView` lists that group's levers in a tooltip.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pygame
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIProgressBar, UITextBox, UITooltip

from game import palette as C
from sim.attribution import Attribution, AttributionJob, Measure

TITLE = "What your decisions were worth"
YOU, BEST = "Your result", "Best practice"
LABEL_W = 124        # the row labels' column
VALUE_W = 66         # each measure's value column


def group_title(group: str) -> str:
    """A lever group as a row label: "direct sales" -> "Direct sales"."""
    return group[:1].upper() + group[1:]


class Waterfall:
    """The attribution as horizontal waterfalls, one per measure, sharing the row labels.

    Args:
        attribution: What `sim.attribution.decision_values` returned.
    """

    def __init__(self, attribution: Attribution) -> None:
        self.attribution = attribution
        self.rows = (YOU, *attribution.groups, BEST)
        self.surface: pygame.Surface | None = None
        self._key: tuple | None = None
        self._row_rects: dict[str, pygame.Rect] = {}

    # ------------------------------------------------------------------ layout
    def _layout(self, size: tuple[int, int]) -> tuple[int, int, int]:
        """(top of the first row, row height, header height) for `size`."""
        w, h = size
        head = 58 + 36          # title and note, then the measures' headers
        row_h = max(18, min(30, (h - head - 8) // max(1, len(self.rows))))
        return head, row_h, 36

    def row_rects(self, size: tuple[int, int]) -> dict[str, pygame.Rect]:
        """Each row's rectangle (full width) on a surface of `size`."""
        top, row_h, _ = self._layout(size)
        return {name: pygame.Rect(0, top + i * row_h, size[0], row_h) for i, name in enumerate(self.rows)}

    def group_at(self, pos: tuple[int, int], size: tuple[int, int]) -> str | None:
        """The group whose row holds `pos` (relative to the surface), or None."""
        for name, rect in self.row_rects(size).items():
            if name in self.attribution.levers and rect.collidepoint(pos):
                return name
        return None

    # ------------------------------------------------------------------ drawing
    def render(self, size: tuple[int, int], hover: str | None = None) -> pygame.Surface:
        """The waterfall as a surface of `size`, the `hover` row highlighted (cached)."""
        key = (size, hover)
        if self.surface is not None and key == self._key:
            return self.surface
        a = self.attribution
        w, h = size
        surf = pygame.Surface(size)
        surf.fill(C.PANEL)
        surf.blit(C.font(19, True).render(TITLE, True, C.TEXT), (8, 4))
        small = C.font(15)
        if any(n in a.locked for g in a.groups for n in a.levers[g]):
            foot = small.render("* includes a lever the scenario locks", True, C.MUTED)
            surf.blit(foot, (w - 8 - foot.get_width(), 8))
        note = (f"From your result to best practice's on the same world (seed {a.seed}, {a.quarters} "
                f"quarters). Each bar: what taking best practice's decisions in that group adds, its "
                f"exact Shapley value over {a.replays} replay{'s' if a.replays != 1 else ''}. Hover a row "
                f"for its levers.")
        for i, line in enumerate(C.wrap(note, small, w - 16)[:2]):
            surf.blit(small.render(line, True, C.MUTED), (8, 28 + i * 16))
        rows = self.row_rects(size)
        if hover in rows:
            pygame.draw.rect(surf, C.GRID, rows[hover])
        for name, rect in rows.items():
            text = name if name in (YOU, BEST) else group_title(name)
            if name in a.levers and any(n in a.locked for n in a.levers[name]):
                text += " *"
            lab = C.font(16, name in (YOU, BEST)).render(text, True, C.TEXT)
            surf.blit(lab, (8, rect.centery - lab.get_height() // 2))
        if not a.groups:
            msg = "Your decisions matched best practice's in every quarter: nothing to split."
            surf.blit(small.render(msg, True, C.TEXT), (8, rows[BEST].bottom + 8))
        n = len(a.measures)
        col_w = (w - LABEL_W - 8) // max(1, n)
        for i, m in enumerate(a.measures):
            self._column(surf, m, pygame.Rect(LABEL_W + i * col_w, 58, col_w - 8, h - 58), rows)
        pygame.draw.rect(surf, C.GRID, surf.get_rect(), 1)
        self.surface, self._key = surf, key
        return surf

    def _column(self, surf: pygame.Surface, m: Measure, area: pygame.Rect,
                rows: dict[str, pygame.Rect]) -> None:
        """One measure's waterfall in `area` (header on top), aligned with `rows`."""
        head = C.font(15, True)
        for i, line in enumerate(C.wrap(m.label, head, area.width)[:2]):
            surf.blit(head.render(line, True, C.TEXT), (area.x, area.y + i * 16))
        a = self.attribution
        # running totals: where each bar starts and ends
        spans = {YOU: (0.0, m.player)}
        run = m.player
        for g in a.groups:
            spans[g] = (run, run + m.values[g])
            run += m.values[g]
        spans[BEST] = (0.0, m.best)
        ends = [v for s in spans.values() for v in s]
        lo, hi = min(ends + [0.0]), max(ends + [0.0])
        if hi - lo < 1e-12:
            hi = lo + 1.0
        bar_x0, bar_x1 = area.x, area.right - VALUE_W

        def xpix(v: float) -> int:
            return round(bar_x0 + (v - lo) / (hi - lo) * (bar_x1 - bar_x0))

        top, bottom = rows[YOU].top, rows[BEST].bottom
        if lo < 0:
            pygame.draw.line(surf, C.MUTED, (xpix(0), top), (xpix(0), bottom), 1)
        values = C.font(15)
        prev: tuple[int, int] | None = None      # (x where the last bar ended, its row's bottom)
        for name, rect in rows.items():
            start, end = spans[name]
            change = end - start
            if name == YOU:
                colour, text = C.SKY, m.fmt(end)
            elif name == BEST:
                colour, text = C.ORANGE, m.fmt(end)
            else:
                colour = _colour(m, change)
                text = m.fmt_change(change)
            x0, x1 = sorted((xpix(start), xpix(end)))
            bar = pygame.Rect(x0, rect.y + 4, max(2, x1 - x0), rect.height - 8)
            pygame.draw.rect(surf, colour, bar)
            if prev is not None and name != BEST:   # the step from the last bar's end
                pygame.draw.line(surf, C.MUTED, (prev[0], prev[1] - 4), (xpix(start), rect.y + 4), 1)
            prev = (xpix(end), rect.bottom)
            lab = values.render(text, True, C.TEXT)
            surf.blit(lab, (area.right - lab.get_width(), rect.centery - lab.get_height() // 2))
        # best practice's bar ends where the steps ended: mark it, so the sum can be seen
        pygame.draw.line(surf, C.MUTED, (prev[0], rows[BEST].y), (prev[0], rows[BEST].bottom), 1)


def _colour(m: Measure, change: float) -> tuple[int, int, int]:
    """Green for a change for the better, vermilion for the worse, grey for none."""
    return C.GREEN if m.improves(change) else C.VERMILION if change else C.GREY


def _hex(colour: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*colour)


HOW = ("<b>How this works</b><br>Your game is played again on the same world and seed, with one or "
       "more groups of levers switched to best practice's, quarter by quarter: once for every "
       "combination of the groups that differ from best practice. A group's bar is the average of what "
       "switching it adds, over every order in which the groups could be switched (its Shapley value), "
       "so the bars add up exactly to the gap between your result and best practice's, and no group "
       "gets credit just for being switched first.")


class ReplayBar(UIProgressBar):
    """A progress bar that reads "12 of 64 replays"."""

    def show(self, done: int, total: int) -> None:
        """Show `done` of `total` replays."""
        self.maximum_progress, self.current_progress = float(max(1, total)), float(done)
        self.percent_full = done / max(1, total)     # a fraction: pygame_gui reads 1 as 100%
        self.status_changed = True                   # the text changes even when the bar does not

    def status_text(self) -> str:
        return f"{self.current_progress:.0f} of {self.maximum_progress:.0f} replays"


class WorthView:
    """The debrief's "what your decisions were worth" tab: a progress bar while
    `sim.attribution`'s replays run in worker processes, then the waterfall and a table.

    The view polls the job in `update` (never waits), so the window stays responsive; `close`
    terminates the workers. It shows only what the job returned.

    Args:
        job: The running `sim.attribution.AttributionJob`, or None if there is nothing to
            attribute yet (no quarter played).
    """

    def __init__(self, job: AttributionJob | None) -> None:
        self.job = job
        self.waterfall: Waterfall | None = None
        self.error: str | None = None if job is not None else "Play a quarter first: there is nothing to split yet."
        self.bar = self.progress = None
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.hover: str | None = None
        self.tooltip = None
        self.manager = None

    @property
    def running(self) -> bool:
        """Replays are still running."""
        return self.job is not None and self.job.running

    def tab_label(self) -> str:
        """The tab's label, with the replays' progress while they run."""
        if self.running:
            done, total = self.job.done, self.job.total
            return f"What your decisions were worth ({done}/{total})"
        return "What your decisions were worth"

    def waterfall_rect(self) -> pygame.Rect:
        """Where the waterfall is drawn: the top of the view."""
        return pygame.Rect(self.rect.x, self.rect.y, self.rect.width, min(312, self.rect.height))

    def build(self, add: Callable[[Any], Any], manager: Any, rect: pygame.Rect) -> None:
        """Create the view's widgets in `rect` (registered through the screen's `add`)."""
        if self.tooltip is not None:
            self.tooltip.kill()
        self.rect, self.manager = rect, manager
        self.bar = self.progress = self.tooltip = None
        self.hover = None
        panel = self.waterfall_rect()
        top = panel.bottom + 6
        if self.waterfall is None:
            text = self.error or ("<b>Replaying your game</b> on the same world, with each combination of "
                                  "groups of decisions switched to best practice's.")
            self.progress = add(UITextBox(text, pygame.Rect(panel.x + 20, panel.centery - 84, panel.width - 40, 78),
                                          manager, object_id=ObjectID(object_id="#worth_status")))
            if self.error is None:
                self.bar = add(ReplayBar(pygame.Rect(panel.x + 20, panel.centery, panel.width - 40, 30), manager,
                                         object_id=ObjectID(object_id="#worth_progress")))
                self._show_progress()
            add(UITextBox(HOW, pygame.Rect(rect.x, top, rect.width, rect.bottom - top), manager,
                          object_id=ObjectID(object_id="#worth_how")))
            return
        add(UITextBox(self.table_html(), pygame.Rect(rect.x, top, rect.width, rect.bottom - top), manager,
                      object_id=ObjectID(object_id="#worth_table")))

    def _show_progress(self) -> None:
        if self.bar is not None and self.job is not None:
            self.bar.show(self.job.done, self.job.total)

    def update(self) -> bool:
        """Take in finished replays (without waiting); True when the view must be rebuilt
        (the result or an error has just arrived)."""
        if not self.running:
            return False
        before = self.job.done
        self.job.poll(0.0)
        if self.job.result is not None:
            self.waterfall = Waterfall(self.job.result)
            return True
        if self.job.error is not None:
            self.error = f"Could not work out what your decisions were worth: {self.job.error}"
            return True
        if self.job.done != before:
            self._show_progress()
        return False

    def table_html(self) -> str:
        """Each group's values and levers (yours -> best practice's), as the table shows them."""
        a = self.waterfall.attribution
        if not a.groups:
            return "Your levers matched best practice's in every quarter."
        rows = []
        for g in a.groups:
            vals = ", ".join(
                f"<font color='{_hex(_colour(m, m.values[g]))}'>{html.escape(m.fmt_change(m.values[g]))}</font> "
                f"{html.escape(m.short)}" for m in a.measures)
            levers = "<br>".join(f"&nbsp;&nbsp;{html.escape(line)}" for line in a.lever_lines(g))
            rows.append(f"<b>{html.escape(group_title(g))}</b>: {vals}<br>{levers}")
        return "<b>Group: what best practice's decisions add; your levers -> best practice's</b><br>" + \
            "<br>".join(rows)

    def handle_event(self, event: pygame.event.Event) -> None:
        """Follow the mouse: hovering a group's row lists its levers in a tooltip."""
        if event.type != pygame.MOUSEMOTION or self.waterfall is None:
            return
        r = self.waterfall_rect()
        group = self.waterfall.group_at((event.pos[0] - r.x, event.pos[1] - r.y), r.size)
        if group != self.hover and self.tooltip is not None:
            self.tooltip.kill()
            self.tooltip = None
        self.hover = group
        if group is not None and self.tooltip is None and self.manager is not None:
            self.tooltip = UITooltip(self.tooltip_html(group), (0, 16), self.manager, wrap_width=520)
        if self.tooltip is not None:
            self.tooltip.find_valid_position(pygame.Vector2(event.pos))

    def tooltip_html(self, group: str) -> str:
        """The hovered group: what best practice's decisions in it add, and its levers."""
        a = self.waterfall.attribution
        head = ", ".join(f"{m.fmt_change(m.values[group])} {m.short}" for m in a.measures)
        lines = "<br>".join(html.escape(line) for line in a.lever_lines(group))
        return f"<b>{html.escape(group_title(group))}</b>: {html.escape(head)}<br>{lines}"

    def draw(self, surface: pygame.Surface) -> None:
        """The waterfall, its hovered row highlighted (or an empty panel under the progress bar)."""
        r = self.waterfall_rect()
        if self.waterfall is None:
            pygame.draw.rect(surface, C.PANEL, r)
            pygame.draw.rect(surface, C.GRID, r, 1)
            return
        surface.blit(self.waterfall.render(r.size, self.hover), r.topleft)

    def close(self) -> None:
        """Stop the replays (leaving the debrief): the worker processes are terminated."""
        if self.tooltip is not None:
            self.tooltip.kill()
            self.tooltip = None
        if self.job is not None:
            self.job.cancel()
