"""What every screen does: build its widgets, handle events, update, draw, and clean up.

The main loop calls `handle_event` for each event, then `update(dt)` once, then `draw`;
drawing never changes state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

if TYPE_CHECKING:
    from game.app import GameApp


class Screen:
    """A screen of the game. Subclasses create widgets in `build` (called again on resize)."""

    name = "screen"

    def __init__(self, app: GameApp) -> None:
        self.app = app
        self.elements: list = []

    @property
    def manager(self):
        return self.app.manager

    @property
    def size(self) -> tuple[int, int]:
        return self.app.window.get_size()

    def add(self, element):
        """Register a widget so `teardown` removes it."""
        self.elements.append(element)
        return element

    def build(self) -> None:
        """Create widgets for the current window size."""

    def teardown(self) -> None:
        """Remove this screen's widgets."""
        for e in self.elements:
            e.kill()
        self.elements = []

    def rebuild(self) -> None:
        self.teardown()
        self.build()

    def handle_event(self, event: pygame.event.Event) -> None:
        """React to one event (pygame or pygame_gui)."""

    def update(self, dt: float) -> None:
        """Advance animations and the model by `dt` seconds of wall time."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw what pygame_gui does not (background, charts, map). Reads state only."""
        surface.fill((17, 24, 32))
