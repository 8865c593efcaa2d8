"""The world map: regions, direct reps and partner firms, drawn from a snapshot.

Home markets (direct territory) and new markets differ in fill and label. Reps are squares;
partners are marked by life-cycle stage in both colour and shape (ring, dot, big dot,
diamond), with an arc for satisfaction; a partner at risk by its exit hazard alone keeps its
stage's marker and carries a small diamond flag. Conflicts flash as a line between the rep and the
partner involved; partners that leave fade out. Everything shown comes from a
`sim.snapshot.WorldView`; the map only keeps layout and animation state (where a marker
sits, what is flashing, what is fading).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

from game import palette as C
from sim import units
from sim.snapshot import PartnerView, WorldView

FLASH_SECONDS = 1.4
FADE_SECONDS = 2.5


@dataclass
class Flash:
    rep: int
    partner: int
    ttl: float
    direct_won: bool


class WorldMap:
    """Draws a world's regions, reps and partners into a rectangle.

    Args:
        view: The world as it stands when the map opens (its conflicts do not flash).
    """

    def __init__(self, view: WorldView) -> None:
        self.view = view
        self.rect = pygame.Rect(0, 0, 600, 300)
        self.flashes: list[Flash] = []
        self.fade: dict[int, float] = {}          # partner that left -> seconds of fade left
        self.slots: dict[int, tuple[int, int]] = {}   # partner -> (region, slot)
        self._slot_count: dict[int, int] = {}
        self._seen_week = view.week - 1           # conflicts up to this week have flashed
        self.hovered: int | None = None
        self._enrolled: set[int] = {p.index for p in view.partners if p.enrolled}
        self._place(view)

    # --------------------------------------------------------------- layout
    def region_rects(self) -> list[pygame.Rect]:
        n = len(self.view.regions)
        cols = max(1, math.ceil(n / 2))
        rows = 1 if n <= 3 else 2
        cols = n if rows == 1 else cols
        gap = 6
        w = (self.rect.width - gap * (cols + 1)) / cols
        h = (self.rect.height - gap * (rows + 1)) / rows
        out = []
        for r in range(n):
            row, col = divmod(r, cols)
            out.append(pygame.Rect(self.rect.x + gap + col * (w + gap), self.rect.y + gap + row * (h + gap), w, h))
        return out

    def rep_positions(self) -> dict[int, tuple[float, float]]:
        rects = self.region_rects()
        out = {}
        placed: dict[int, int] = {}
        for rep in self.view.reps:
            j = placed.get(rep.region, 0)
            placed[rep.region] = j + 1
            rect = rects[rep.region]
            out[rep.index] = (rect.x + 14 + j * 16, rect.y + 38)
        return out

    def partner_position(self, i: int) -> tuple[float, float] | None:
        if i not in self.slots:
            return None
        region, slot = self.slots[i]
        rect = self.region_rects()[region]
        cell = 20
        per_row = max(1, int((rect.width - 16) // cell))
        row, col = divmod(slot, per_row)
        y = rect.y + 62 + row * cell
        if y > rect.bottom - 8:      # more partners than fit: overlap onto the last rows
            y = rect.bottom - 8 - (row % 2) * cell
        return (rect.x + 14 + col * cell, y)

    def _place(self, view: WorldView) -> None:
        """A slot for each newly signed partner, in the first region it may sell in, in signing
        order: the layout depends on the world only, never on which weeks this map was shown."""
        for p in sorted(view.partners, key=lambda p: (p.signed_week, p.index)):
            if p.index in self.slots:
                continue
            allowed = [r for r in p.regions if view.regions[r].open_to_partners]
            region = (allowed or list(p.regions) or [0])[0]
            n = self._slot_count.get(region, 0)
            self.slots[p.index] = (region, n)
            self._slot_count[region] = n + 1

    # --------------------------------------------------------------- update
    def update(self, dt: float, view: WorldView, mouse: tuple[int, int] | None = None) -> None:
        """Take the world as it now stands, age animations, find the hover."""
        self.view = view
        self._place(view)
        enrolled = {p.index for p in view.partners if p.enrolled}
        for i in self._enrolled - enrolled:
            self.fade[i] = FADE_SECONDS
        self._enrolled = enrolled
        for c in view.conflicts:
            if c.week > self._seen_week and c.rep >= 0:
                self.flashes.append(Flash(c.rep, c.partner, FLASH_SECONDS, c.direct_won))
        self._seen_week = max(self._seen_week, view.week - 1)
        self.flashes = [f for f in self.flashes if f.ttl - dt > 0]
        for f in self.flashes:
            f.ttl -= dt
        self.fade = {i: t - dt for i, t in self.fade.items() if t - dt > 0}
        self.hovered = self.partner_at(mouse) if mouse else None

    def partner_at(self, pos: tuple[int, int]) -> int | None:
        """The enrolled partner whose marker is under `pos`, if any."""
        if not self.rect.collidepoint(pos):
            return None
        best, dist = None, 11.0
        for i in self._enrolled:
            xy = self.partner_position(i)
            if xy is None:
                continue
            d = math.hypot(xy[0] - pos[0], xy[1] - pos[1])
            if d < dist or (d == dist and best is not None and i < best):
                best, dist = i, d
        return best

    # ----------------------------------------------------------------- draw
    def draw(self, surface: pygame.Surface) -> None:
        """Draw the map (reads state only)."""
        pygame.draw.rect(surface, C.BG, self.rect)
        for region, rect in zip(self.view.regions, self.region_rects(), strict=True):
            home = region.home
            pygame.draw.rect(surface, C.HOME_REGION if home else C.NEW_REGION, rect, border_radius=8)
            if not home:   # new markets: hatched, so the difference is not colour alone
                clip = surface.get_clip()
                surface.set_clip(rect)
                for x in range(rect.x - rect.height, rect.right, 14):
                    pygame.draw.line(surface, (62, 54, 78), (x, rect.bottom), (x + rect.height, rect.y), 1)
                surface.set_clip(clip)
            pygame.draw.rect(surface, C.GRID, rect, 1, border_radius=8)
            surface.blit(C.font(20, True).render(region.name, True, C.TEXT), (rect.x + 8, rect.y + 6))
            tag = f"home market, {units.count(region.reps)} reps" if home else "new market, no direct team"
            if not region.open_to_partners:
                tag += " - closed to partners"
            surface.blit(C.font(15).render(tag, True, C.MUTED), (rect.x + 8, rect.y + 22))
        reps = self.rep_positions()
        for x, y in reps.values():
            pygame.draw.rect(surface, C.DIRECT, (x - 5, y - 5, 10, 10))
        flags = self._draw_partners(surface)
        for f in self.flashes:
            a, b = reps.get(f.rep), self.partner_position(f.partner)
            if a is None or b is None:
                continue
            width = 3 if f.ttl % 0.35 > 0.12 else 1
            pygame.draw.line(surface, C.VERMILION, a, b, width)
            pygame.draw.circle(surface, C.YELLOW if f.direct_won else C.VERMILION, b, 12, 2)
        self._draw_flags(surface, flags)
        self._draw_legend(surface)
        if self.hovered is not None:
            self._draw_tooltip(surface, self.hovered)

    def _draw_partners(self, surface: pygame.Surface) -> list[tuple[float, float]]:
        """Draw each partner's marker; return where the at-risk flags go."""
        flags: list[tuple[float, float]] = []
        for p in self.view.partners:
            xy = self.partner_position(p.index)
            if xy is None:
                continue
            x, y = xy
            name = p.stage
            if name == "churned":
                t = self.fade.get(p.index, 0.0)
                if t <= 0:
                    continue
                g = int(60 + 60 * t / FADE_SECONDS)
                pygame.draw.circle(surface, (g, g, g), (x, y), 6, 2)
                continue
            col = C.STAGE_COLOURS.get(name, C.GREY)
            if name == "onboarding":
                pygame.draw.circle(surface, col, (x, y), 6, 2)
            elif name == "active":
                pygame.draw.circle(surface, col, (x, y), 6)
            elif name == "productive":
                pygame.draw.circle(surface, col, (x, y), 8)
                pygame.draw.circle(surface, C.TEXT, (x, y), 8, 1)
            elif name == "at_risk":
                pygame.draw.polygon(surface, col, [(x, y - 8), (x + 8, y), (x, y + 8), (x - 8, y)])
            # satisfaction arc: a full ring is a content partner
            rect = pygame.Rect(x - 10, y - 10, 20, 20)
            pygame.draw.arc(surface, C.YELLOW, rect, math.pi / 2, math.pi / 2 + 2 * math.pi * p.satisfaction, 2)
            if p.at_risk and name != "at_risk":
                flags.append((x + 7, y - 9))
            if p.index == self.hovered:
                pygame.draw.circle(surface, C.TEXT, (x, y), 12, 2)
        return flags

    def _draw_flags(self, surface: pygame.Surface, flags: list[tuple[float, float]]) -> None:
        """Small diamonds on partners at risk by exit hazard alone, over everything else."""
        for bx, by in flags:
            flag = [(bx, by - 6), (bx + 6, by), (bx, by + 6), (bx - 6, by)]
            pygame.draw.polygon(surface, C.VERMILION, flag)
            pygame.draw.polygon(surface, C.TEXT, flag, 1)

    def _draw_legend(self, surface: pygame.Surface) -> None:
        x, y = self.rect.x + 8, self.rect.bottom - 18
        items = [("rep", C.DIRECT, "square")] + [(C.STAGE_LABELS[s], C.STAGE_COLOURS[s], s)
                                                   for s in ("onboarding", "active", "productive", "at_risk")]
        items.append(("conflict", C.VERMILION, "line"))
        bar = pygame.Surface((self.rect.width - 12, 16), pygame.SRCALPHA)
        bar.fill((10, 14, 20, 200))
        surface.blit(bar, (x - 2, y - 2))
        for label, col, shape in items:
            cx, cy = x + 6, y + 6
            if shape == "square":
                pygame.draw.rect(surface, col, (cx - 4, cy - 4, 8, 8))
            elif shape == "onboarding":
                pygame.draw.circle(surface, col, (cx, cy), 5, 2)
            elif shape == "at_risk":
                pygame.draw.polygon(surface, col, [(cx, cy - 6), (cx + 6, cy), (cx, cy + 6), (cx - 6, cy)])
            elif shape == "line":
                pygame.draw.line(surface, col, (cx - 6, cy), (cx + 6, cy), 3)
            else:
                pygame.draw.circle(surface, col, (cx, cy), 6 if shape == "productive" else 5)
            text = C.font(15).render(label, True, C.MUTED)
            surface.blit(text, (x + 15, y))
            x += 24 + text.get_width()
        text = C.font(15).render("yellow arc = satisfaction", True, C.MUTED)
        if x + text.get_width() < self.rect.right - 4:
            surface.blit(text, (x, y))

    def tooltip_lines(self, i: int) -> list[str]:
        """What hovering partner `i` tells the player (read from the snapshot)."""
        p = self.view.partner(i)
        if p is None:
            return []
        return tooltip_lines(p)

    def _draw_tooltip(self, surface: pygame.Surface, i: int) -> None:
        xy = self.partner_position(i)
        if xy is None:
            return
        lines = self.tooltip_lines(i)
        f = C.font(18)
        w = max(f.size(s)[0] for s in lines) + 16
        h = len(lines) * 19 + 10
        x = min(xy[0] + 14, self.rect.right - w - 2)
        y = min(xy[1] + 10, self.rect.bottom - h - 2)
        x = max(self.rect.x + 2, x)
        y = max(self.rect.y + 2, y)
        pygame.draw.rect(surface, (8, 12, 16), (x, y, w, h), border_radius=6)
        pygame.draw.rect(surface, C.SKY, (x, y, w, h), 1, border_radius=6)
        for k, s in enumerate(lines):
            surface.blit(f.render(s, True, C.TEXT if k else C.YELLOW), (x + 8, y + 6 + 19 * k))


def tooltip_lines(p: PartnerView) -> list[str]:
    """A partner's hover card: who it is, how it does, and whether it is at risk and why."""
    lines = [
        p.name,
        f"{p.type_label}, {p.stage_label}",
        f"fit {units.score(p.fit)}   capability {units.score(p.capability)}",
        f"satisfaction {units.score(p.satisfaction)}   effort on you {units.share(p.mindshare)}",
        f"revenue to date {units.money(p.revenue_total)}   wins {units.count(p.wins)}",
    ]
    if p.at_risk:
        reasons = list(p.risk_reasons) or ["the model gives no reason"]
        lines.append("at risk: " + reasons[0])
        lines.extend("  " + r for r in reasons[1:3])
    else:
        lines.append("not at risk")
    return lines
