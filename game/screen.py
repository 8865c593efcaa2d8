"""What every screen does: build its widgets, handle events, update, draw, and clean up.

The main loop calls `handle_event` for each event, then `update(dt)` once, then `draw`;
drawing never changes state. A screen that moves by itself (a quarter running, a progress bar)
says so with `animating`; otherwise the loop sleeps and draws only when something changed. Screens never import each other: they ask the app for the
next one by name (`app.go`, `app.push`, `app.back`), so each screen stands on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

if TYPE_CHECKING:
    from game.app import GameApp


class Screen:
    """A screen of the game. Subclasses create widgets in `build` (called again on resize).

    Args:
        app: The app whose window, UI manager and session the screen uses.
    """

    name = "screen"

    def __init__(self, app: GameApp) -> None:
        self.app = app
        self.elements: list = []

    @property
    def manager(self):
        return self.app.manager

    @property
    def session(self):
        """The game in progress (None before one starts)."""
        return self.app.session

    @property
    def animating(self) -> bool:
        """Whether the screen moves by itself (a quarter running, a flash fading, a worker's
        progress): the main loop then draws every frame. Idle screens are drawn only when input,
        a widget or a timer changes something, so the game stays quiet when left open."""
        return False

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

    def suspend(self) -> None:
        """Another screen goes on top: drop the widgets, keep the state (see `resume`)."""
        self.teardown()

    def resume(self) -> None:
        """The screen on top was popped: show this one again, as it was."""
        self.build()

    def handle_event(self, event: pygame.event.Event) -> None:
        """React to one event (pygame or pygame_gui)."""

    def update(self, dt: float) -> None:
        """Advance animations and the model by `dt` seconds of wall time."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw what pygame_gui does not (background, charts, map). Reads state only."""
        surface.fill((17, 24, 32))
