"""The policy panel: every lever, grouped, as pygame_gui sliders and drop-downs.

Each control shows its current value and carries the lever's help as a tooltip. Names,
slider ranges and how a value reads come from the lever's declaration (`sim.policy.LEVERS`),
so the panel says what the model means. Levers the scenario locks are shown disabled, with
the scenario's reason in the tooltip. Choices go to the session as pending changes for the
coming quarter; the model is not touched until the player ends the quarter.
"""

from __future__ import annotations

from typing import Any

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIDropDownMenu, UIHorizontalSlider, UILabel, UIScrollingContainer

from game.session import GameSession
from sim.policy import LEVER_GROUPS, LEVERS, Lever


def _options(lever: Lever) -> list[tuple[str, str]]:
    """A drop-down's (shown text, option id) pairs: the lever's words, its own values as ids."""
    values = [True, False] if lever.kind == "bool" else list(lever.choices)
    return [(lever.fmt(v), _option_id(lever, v)) for v in values]


def _option_id(lever: Lever, value: Any) -> str:
    return ("on" if value else "off") if lever.kind == "bool" else str(value)


class PolicyPanel:
    """All lever controls in a scrolling container.

    Args:
        manager: The UI manager.
        rect: Where the panel goes.
        session: The game session whose pending choices the panel edits.
    """

    ROW = 58

    def __init__(self, manager: pygame_gui.UIManager, rect: pygame.Rect, session: GameSession) -> None:
        self.manager = manager
        self.session = session
        self.container = UIScrollingContainer(rect, manager, object_id=ObjectID(class_id="@bar"))
        self.controls: dict[str, Any] = {}
        self.values: dict[str, UILabel] = {}
        self.disabled: set[str] = set()
        width = rect.width - 22
        y = 4
        for group in LEVER_GROUPS:
            levers = [lv for lv in LEVERS.values() if lv.group == group]
            if not levers:
                continue
            UILabel(pygame.Rect(6, y, width, 24), group.upper(), manager, container=self.container,
                    object_id=ObjectID(class_id="@group"))
            y += 26
            for lv in levers:
                self._row(lv, y, width)
                y += self.ROW
            y += 6
        self.container.set_scrollable_area_dimensions((rect.width - 20, y + 4))
        self.refresh()

    def _row(self, lv: Lever, y: int, width: int) -> None:
        reason = self.session.locked_reason(lv.name)
        tip = lv.help + (f"<br><b>Locked:</b> {reason}" if reason else "")
        name = UILabel(pygame.Rect(8, y, width - 90, 22), lv.label, self.manager,
                       container=self.container, object_id=ObjectID(class_id="@lever"))
        name.set_tooltip(tip)
        val = UILabel(pygame.Rect(width - 96, y, 92, 22), "", self.manager, container=self.container,
                      object_id=ObjectID(class_id="@value"))
        val.set_tooltip(tip)
        self.values[lv.name] = val
        rect = pygame.Rect(8, y + 23, width - 12, 28)
        value = self.session.lever_value(lv.name)
        if lv.kind in ("choice", "bool"):
            options = _options(lv)
            start = next(o for o in options if o[1] == _option_id(lv, value))
            ctrl = UIDropDownMenu(options, start, rect, self.manager, container=self.container,
                                  object_id=ObjectID(object_id=f"#lever_{lv.name}"))
        else:
            lo, hi, step = lv.ui_range
            start = min(max(value, lo), hi)
            ctrl = UIHorizontalSlider(rect, start, (lo, hi), self.manager, container=self.container,
                                      click_increment=step, object_id=ObjectID(object_id=f"#lever_{lv.name}"))
            ctrl.lever_step = step
        ctrl.set_tooltip(tip)
        ctrl.lever_name = lv.name
        if reason:
            ctrl.disable()
            self.disabled.add(lv.name)
        self.controls[lv.name] = ctrl

    def refresh(self) -> None:
        """Show each lever's value for the coming quarter; pending changes are marked."""
        for name, lab in self.values.items():
            lv = LEVERS[name]
            slider = lv.kind in ("int", "float")
            text = lv.fmt(self.session.lever_value(name)) if slider else ""
            if name in self.session.pending:
                text = ("* " + text) if slider else "changed"
            if name in self.disabled:
                text = "locked"
            if lab.text != text:
                lab.set_text(text)

    def set_enabled(self, enabled: bool) -> None:
        """Controls are frozen while a quarter runs and after the game ends."""
        for name, ctrl in self.controls.items():
            if name in self.disabled:
                continue
            if enabled:
                ctrl.enable()
            else:
                ctrl.disable()

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Apply a control's change to the session; True if the event was ours."""
        element = getattr(event, "ui_element", None)
        name = getattr(element, "lever_name", None)
        if name is None:
            return False
        lv = LEVERS[name]
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
            step = element.lever_step
            value = round(round(event.value / step) * step, 6)
            value = int(value) if lv.kind == "int" else float(value)
            self.session.set_lever(name, value)
        elif event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            chosen = event.selected_option_id
            value: Any = chosen == "on" if lv.kind == "bool" else chosen
            self.session.set_lever(name, value)
        else:
            return False
        self.refresh()
        return True

    def kill(self) -> None:
        self.container.kill()
