"""The policy panel: every lever, grouped, as pygame_gui sliders and drop-downs.

Each control shows its current value and carries the lever's help as a tooltip. Levers the
scenario locks are shown disabled, with the scenario's reason in the tooltip. Choices go to
the session as pending changes for the coming quarter; the model is not touched until the
player ends the quarter.
"""

from __future__ import annotations

from typing import Any

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIDropDownMenu, UIHorizontalSlider, UILabel, UIScrollingContainer

from game.session import GameSession
from sim.policy import LEVER_GROUPS, LEVERS, Lever

# Slider ranges a player needs; the model accepts wider ones (a scenario may set them).
UI_RANGE: dict[str, tuple[float, float, float]] = {
    "partner_team_size": (0, 20, 1),
    "initial_partners": (0, 60, 1),
    "recruits_per_quarter": (0, 20, 1),
    "incentive_budget": (0, 400_000, 10_000),
    "executive_patience": (0, 16, 1),
    "partner_margin": (0, 0.5, 0.01),
}
LABELS = {
    "partner_regions": "Where partners may sell",
    "deal_registration": "Deal registration",
    "direct_comp": "Direct reps' comp plan",
    "direct_takeover": "Take partner accounts direct",
    "partner_team_size": "Partner managers",
    "partner_team_hiring": "Partner team hiring",
    "partner_team_comp": "Partner team pay",
    "partner_team_training": "Partner team training",
    "partner_budget_share": "Program budget share",
    "enablement": "Enablement depth",
    "onboarding_pace": "Onboarding pace",
    "sales_playbook": "Sales playbook",
    "management_style": "Management style",
    "partner_plan": "Partner plans",
    "incentive": "Incentive",
    "incentive_budget": "Incentive budget / qtr",
    "partner_margin": "Partner margin",
    "recruiting_focus": "Recruiting focus",
    "initial_partners": "Launch partners (Q1)",
    "recruits_per_quarter": "Prospects per quarter",
    "forecast_method": "Forecast method",
    "executive_patience": "Board patience (quarters)",
    "cross_org_collaboration": "Cross-org collaboration",
}


def label(name: str) -> str:
    """The player-facing name of a lever."""
    return LABELS.get(name, name.replace("_", " ").capitalize())


def format_value(lever: Lever, value: Any) -> str:
    """A lever value as the player reads it."""
    if lever.kind == "bool":
        return "on" if value else "off"
    if lever.kind == "choice":
        return str(value).replace("_", " ")
    if lever.name in ("incentive_budget",):
        return f"${value / 1000:,.0f}k"
    if lever.name in ("partner_budget_share", "partner_margin"):
        return f"{value:.0%}"
    if lever.name == "executive_patience" and value == 0:
        return "never cut"
    if lever.kind == "int":
        return f"{int(value)}"
    return f"{value:.2f}"


def _option(lever: Lever, value: Any) -> str:
    if lever.kind == "bool":
        return "on" if value else "off"
    return str(value)


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
        name = UILabel(pygame.Rect(8, y, width - 90, 22), label(lv.name), self.manager,
                       container=self.container, object_id=ObjectID(class_id="@lever"))
        name.set_tooltip(tip)
        val = UILabel(pygame.Rect(width - 96, y, 92, 22), "", self.manager, container=self.container,
                      object_id=ObjectID(class_id="@value"))
        val.set_tooltip(tip)
        self.values[lv.name] = val
        rect = pygame.Rect(8, y + 23, width - 12, 28)
        value = self.session.lever_value(lv.name)
        if lv.kind in ("choice", "bool"):
            options = ["on", "off"] if lv.kind == "bool" else list(lv.choices)
            ctrl = UIDropDownMenu(options, _option(lv, value), rect, self.manager, container=self.container,
                                  object_id=ObjectID(object_id=f"#lever_{lv.name}"))
        else:
            lo, hi, step = UI_RANGE.get(lv.name, (lv.low, lv.high, 1 if lv.kind == "int" else 0.05))
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
            text = format_value(lv, self.session.lever_value(name)) if slider else ""
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
            value: Any = event.text == "on" if lv.kind == "bool" else event.text
            self.session.set_lever(name, value)
        else:
            return False
        self.refresh()
        return True

    def kill(self) -> None:
        self.container.kill()
