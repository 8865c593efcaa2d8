"""Pop-up windows sized to what they say.

A fixed-size message window cuts a long scenario message off behind a scroll bar, and leaves
a short one floating in empty space. `message_window` lays the text out first, then opens the
window as wide and tall as the text needs, within the screen; `fit_to_content` does the same
for a window of buttons (the menu).
"""

from __future__ import annotations

import pygame
from pygame_gui.core import ObjectID
from pygame_gui.elements import UITextBox, UIWindow
from pygame_gui.windows import UIMessageWindow

WIDTHS = (480, 600, 760)       # a message widens before it grows past TALL of the screen
TALL = 0.6
MARGIN = 24                    # kept free around a pop-up at the screen's edge
PROBE_HEIGHT = 300


MIN_HEIGHT = 160          # UIMessageWindow's minimum height: a one-line message asks for less


def message_window(manager, screen: tuple[int, int], html_message: str, title: str,
                   object_id: ObjectID | None = None) -> UIMessageWindow:
    """A message window, centred, sized so `html_message` shows without a scroll bar (unless it
    is taller than the screen itself).

    Args:
        manager: The UI manager.
        screen: The window's size in pixels.
        html_message: The message (pygame_gui HTML).
        title: The window's title bar.
        object_id: The window's theme id (the text is laid out with that theme).
    """
    sw, sh = screen
    most_w, most_h = max(260, sw - 2 * MARGIN), max(170, sh - 2 * MARGIN)
    width = height = 0
    for width in sorted({min(w, most_w) for w in WIDTHS}):
        height = _height_for(manager, width, html_message, title, object_id)
        if height <= TALL * sh:
            break
    height = max(MIN_HEIGHT, min(height, most_h))       # pygame_gui's own minimum for a message window
    rect = pygame.Rect(sw // 2 - width // 2, sh // 2 - height // 2, width, height)
    return UIMessageWindow(rect, html_message, manager, window_title=title,
                           object_id=object_id or ObjectID("#message_window", None), always_on_top=True)


def _height_for(manager, width: int, html_message: str, title: str, object_id: ObjectID | None) -> int:
    """The window height at `width` that fits the text: a hidden window of that width, its text
    laid out once more with no height limit, measured and thrown away."""
    probe = UIMessageWindow(pygame.Rect(0, 0, width, PROBE_HEIGHT), html_message, manager, window_title=title,
                            object_id=object_id or ObjectID("#message_window", None), visible=0)
    try:
        box = probe.text_block
        text = UITextBox(html_message, pygame.Rect(0, 0, box.relative_rect.width, -1), manager,
                         container=probe, visible=0)
        needed = text.rect.height
        text.kill()
        return PROBE_HEIGHT - box.rect.height + needed
    finally:
        probe.kill()


def fit_to_content(window: UIWindow, content: tuple[int, int], screen: tuple[int, int]) -> None:
    """Resize `window` so its inside is `content` (width, height) and centre it on `screen`."""
    inside = window.get_container().get_size()
    outer = window.rect.size
    w = min(outer[0] - inside[0] + content[0], screen[0] - 2 * MARGIN)
    h = min(outer[1] - inside[1] + content[1], screen[1] - 2 * MARGIN)
    window.set_dimensions((w, h))
    window.set_position((screen[0] // 2 - w // 2, screen[1] // 2 - h // 2))
