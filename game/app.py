"""Start the game, or say clearly why it cannot start here.

The play screens (title, picker, briefing, play, debrief) are the game issue's work;
until they land, `partnersim play` checks for a display and points at `partnersim run`.
"""

from __future__ import annotations

import os
import sys


def has_display() -> bool:
    """Whether a window can be opened (an X11/Wayland display, or a non-Linux desktop)."""
    if os.environ.get("SDL_VIDEODRIVER") == "dummy":
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def main(argv: list[str] | None = None) -> int:
    """Entry point of `partnersim play`."""
    if not has_display():
        print("partnersim: no display found (DISPLAY/WAYLAND_DISPLAY unset), so the game cannot "
              "open a window; run the simulation in the terminal instead: partnersim run "
              "--scenario baseline --quarters 12", file=sys.stderr)
        return 2
    print("partnersim: the game's screens are not built yet; meanwhile run the simulation "
          "with: partnersim run --scenario baseline --quarters 12", file=sys.stderr)
    return 2
