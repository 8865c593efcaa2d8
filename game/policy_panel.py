"""The policy panel: every lever, grouped, as pygame_gui sliders and drop-downs.

Each control shows the value in force for the coming quarter (`session.lever_value`) and
carries the lever's help as a tooltip. Names, slider ranges and how a value reads come from
the lever's declaration (`sim.policy.LEVERS`), so the panel says what the model means. Levers
the scenario locks are shown disabled and read "locked"; a value a policy event imposed for the
coming quarter is shown disabled and reads "imposed", with the event's message and who imposed
it in the tooltip, for that quarter only. Choices go to the session as pending changes for the
coming quarter; the model is not touched until the player ends the quarter.

`refresh` (after every quarter, event, load and change) puts every control back on the value in
force: a slider is moved with `set_current_value`; a pygame_gui 0.6 `UIDropDownMenu` has no
setter for its selection, so a drop-down showing another value is rebuilt in place (same rect,
object id and tooltip). Otherwise a drop-down left on a stale value would send no change
event when the player picks that value again, and the pick would never reach the model.
"""

from __future__ import annotations

from typing import Any

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIDropDownMenu, UIHorizontalSlider, UILabel, UIScrollingContainer

from game.session import GameSession
from sim.policy import LEVER_GROUPS, LEVERS, Lever, PolicyError


def _options(lever: Lever) -> list[tuple[str, str]]:
    """A drop-down's (shown text, option id) pairs: the lever's words, its own values as ids."""
    values = [True, False] if lever.kind == "bool" else list(lever.choices)
    return [(lever.fmt(v), _option_id(lever, v)) for v in values]


def _option_id(lever: Lever, value: Any) -> str:
    return ("on" if value else "off") if lever.kind == "bool" else str(value)


def shown_on_slider(lever: Lever, value: Any) -> float:
    """Where a numeric lever's slider sits for `value`: clamped to the slider's range (a
    scenario may set more than the slider offers; the value label still says the value)."""
    lo, hi, _ = lever.ui_range
    return min(max(value, lo), hi)


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
        self.names: dict[str, UILabel] = {}
        self.disabled: set[str] = set()        # levers the player may not change for the coming quarter
        self.enabled = True                     # False while a quarter runs and after the game ends
        self._rects: dict[str, pygame.Rect] = {}
        self._tips: dict[str, str] = {}
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
        name = UILabel(pygame.Rect(8, y, width - 90, 22), lv.label, self.manager,
                       container=self.container, object_id=ObjectID(class_id="@lever"))
        self.names[lv.name] = name
        self.values[lv.name] = UILabel(pygame.Rect(width - 96, y, 92, 22), "", self.manager,
                                       container=self.container, object_id=ObjectID(class_id="@value"))
        self._rects[lv.name] = pygame.Rect(8, y + 23, width - 12, 28)
        value = self.session.lever_value(lv.name)
        if lv.kind in ("choice", "bool"):
            self.controls[lv.name] = self._drop_down(lv, value)
        else:
            lo, hi, step = lv.ui_range
            ctrl = UIHorizontalSlider(self._rects[lv.name], shown_on_slider(lv, value), (lo, hi), self.manager,
                                      container=self.container, click_increment=step,
                                      object_id=ObjectID(object_id=f"#lever_{lv.name}"))
            ctrl.lever_step = step
            ctrl.lever_name = lv.name
            self.controls[lv.name] = ctrl

    def _drop_down(self, lv: Lever, value: Any) -> UIDropDownMenu:
        """A lever's drop-down showing `value` (built anew to change what it shows)."""
        options = _options(lv)
        start = next(o for o in options if o[1] == _option_id(lv, value))
        ctrl = UIDropDownMenu(options, start, self._rects[lv.name], self.manager, container=self.container,
                              object_id=ObjectID(object_id=f"#lever_{lv.name}"))
        ctrl.lever_name = lv.name
        self._tips.pop(lv.name, None)          # `refresh` gives the new control its tooltip
        return ctrl

    def refresh(self) -> None:
        """Put every control on the value in force for the coming quarter: the drop-down's
        selection or the slider's position, the value label ("* " or "changed" for the player's
        pending change, "imposed" for a value an event imposed on this quarter, "locked" for a
        scenario lock), the tooltip saying why, and whether the control can be used."""
        s = self.session
        self.disabled = set()
        for name, ctrl in list(self.controls.items()):
            lv = LEVERS[name]
            value = s.lever_value(name)
            imposed, locked = s.imposition(name), s.scenario.locked.get(name)
            slider = lv.kind in ("int", "float")
            if imposed is not None:
                text = "imposed"
                why = f"<br><b>Imposed by {imposed.by} for quarter {imposed.quarter}:</b> {imposed.message}"
            elif locked:
                text, why = "locked", f"<br><b>Locked:</b> {locked}"
            else:
                text = lv.fmt(value) if slider else ""
                if name in s.pending:
                    text = ("* " + text) if slider else "changed"
                why = ""
            if imposed is not None or locked:
                self.disabled.add(name)
            tip = lv.help + why
            if slider:
                if abs(ctrl.get_current_value() - shown_on_slider(lv, value)) > 1e-9:
                    ctrl.set_current_value(shown_on_slider(lv, value), warn=False)
            elif ctrl.selected_option[1] != _option_id(lv, value):
                ctrl.kill()
                ctrl = self.controls[name] = self._drop_down(lv, value)
            if self._tips.get(name) != tip:
                self._tips[name] = tip
                for element in (self.names[name], self.values[name], ctrl):
                    element.set_tooltip(tip)
            lab = self.values[name]
            if lab.text != text:
                lab.set_text(text)
        self._apply_enabled()

    def set_enabled(self, enabled: bool) -> None:
        """Controls are frozen while a quarter runs and after the game ends."""
        if enabled != self.enabled:
            self.enabled = enabled
            self._apply_enabled()

    def _apply_enabled(self) -> None:
        for name, ctrl in self.controls.items():
            usable = self.enabled and name not in self.disabled
            if usable and not ctrl.is_enabled:
                ctrl.enable()
            elif not usable and ctrl.is_enabled:
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
        elif event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            chosen = event.selected_option_id
            value: Any = chosen == "on" if lv.kind == "bool" else chosen
        else:
            return False
        try:
            self.session.set_lever(name, value)
        except PolicyError:
            pass        # a change that arrived after the lever was imposed: the control snaps back
        self.refresh()
        return True

    def kill(self) -> None:
        self.container.kill()
