"""A pygame_gui UI manager that does not look for hover when nothing can have moved.

pygame_gui's `UIManager.update` checks every widget against the mouse each frame to find the
hovered one (about 2 ms on the play screen, most of an idle frame). When the mouse has not
moved since that check and no hovered widget is counting down to its tooltip, the answer
cannot have changed, so `QuietUIManager` skips the check; everything else in the update (a
widget rebuilt after `set_text`, a caret's blink, a progress bar) runs as before. A full check
still runs at least every HOVER_RECHECK seconds (a window opened under a still mouse).
"""

from __future__ import annotations

import pygame_gui

HOVER_RECHECK = 1.0


class QuietUIManager(pygame_gui.UIManager):
    """`pygame_gui.UIManager` with the hover check skipped while it cannot change."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._hover_mouse: tuple[int, int] | None = None    # the mouse at the last hover check
        self._since_hover = 0.0                            # seconds since that check
        self.hover_checks = 0                              # checks run (the tests count them)

    def _handle_hovering(self, time_delta: float) -> None:
        mouse = self.get_mouse_position()
        self._since_hover += time_delta
        if mouse == self._hover_mouse and self._since_hover < HOVER_RECHECK and not self._tooltip_due():
            return
        self._hover_mouse, self._since_hover = mouse, 0.0
        self.hover_checks += 1
        super()._handle_hovering(time_delta)

    def _tooltip_due(self) -> bool:
        """A hovered widget with a tooltip not shown yet: its delay counts in the hover check."""
        return any(getattr(e, "hovered", False) and getattr(e, "tool_tip_text", None)
                   and getattr(e, "tool_tip", None) is None
                   for e in self.get_sprite_group().sprites())
