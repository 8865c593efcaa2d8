"""Colours and fonts for what the game draws itself (charts, map, tiles).

Colours are the Okabe-Ito palette, which stays distinguishable under the common forms of
colour blindness; meaning is never carried by red versus green alone (stages also differ in
shape, series in line style and legend order).
"""

from __future__ import annotations

from functools import cache

import pygame

BG = (17, 24, 32)
PANEL = (26, 35, 45)
GRID = (52, 66, 79)
TEXT = (235, 238, 240)
MUTED = (160, 170, 180)

BLACK = (0, 0, 0)
ORANGE = (230, 159, 0)
SKY = (86, 180, 233)
GREEN = (0, 158, 115)
YELLOW = (240, 228, 66)
BLUE = (0, 114, 178)
VERMILION = (213, 94, 0)
PURPLE = (204, 121, 167)
GREY = (120, 128, 136)

DIRECT = SKY
PARTNER = ORANGE
HOME_REGION = (38, 56, 74)
NEW_REGION = (52, 44, 66)

STAGE_COLOURS = {
    "onboarding": SKY,
    "active": BLUE,
    "productive": GREEN,
    "at_risk": VERMILION,
    "churned": GREY,
}
STAGE_LABELS = {
    "onboarding": "onboarding (ring)",
    "active": "active (dot)",
    "productive": "productive (big dot)",
    "at_risk": "at risk (diamond)",
    "churned": "left (fading)",
}


def _font_file(bold: bool) -> str | None:
    """Noto Sans as shipped with pygame_gui, so drawn text matches the widgets."""
    from pathlib import Path

    import pygame_gui

    path = Path(pygame_gui.__file__).parent / "data" / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")
    return str(path) if path.exists() else None


@cache
def font(size: int, bold: bool = False) -> pygame.font.Font:
    """Noto Sans at roughly `size` pixels of line height (pygame's default font if absent)."""
    path = _font_file(bold)
    if path is None:
        f = pygame.font.Font(None, size)
        f.set_bold(bold)
        return f
    return pygame.font.Font(path, max(8, round(size * 0.68)))


def wrap(text: str, font: pygame.font.Font, width: int) -> list[str]:
    """`text` broken into lines no wider than `width` pixels in `font`, words kept whole (a word
    longer than a line, such as a file path, is cut between characters)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while font.size(word)[0] > width and len(word) > 1:     # a long path: break inside it
            cut = next((k for k in range(len(word) - 1, 0, -1) if font.size(word[:k])[0] <= width), 1)
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if line and font.size(candidate)[0] > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line] if line else lines or [""]
