"""Scenario picker: a card per scenario (title, difficulty, what it teaches), team and seed."""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIButton, UILabel, UIPanel, UITextBox, UITextEntryLine

from game import palette as C
from game.screens.base import Screen
from sim.scenario import Scenario, list_scenarios

DIFFICULTY_MARK = {"easy": "*", "medium": "**", "hard": "***"}


class PickerScreen(Screen):
    name = "picker"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.scenarios: list[Scenario] = list_scenarios()
        self.choose: dict[object, Scenario] = {}

    def build(self) -> None:
        w, h = self.size
        self.add(UILabel(pygame.Rect(30, 16, 600, 40), "Choose a scenario", self.manager,
                         object_id=ObjectID(class_id="@heading")))
        self.add(UILabel(pygame.Rect(w - 520, 20, 70, 30), "Team", self.manager))
        self.team = self.add(UITextEntryLine(pygame.Rect(w - 450, 18, 200, 34), self.manager,
                                             object_id=ObjectID(object_id="#team")))
        self.team.set_text(self.app.team)
        self.add(UILabel(pygame.Rect(w - 240, 20, 50, 30), "Seed", self.manager))
        self.seed = self.add(UITextEntryLine(pygame.Rect(w - 190, 18, 90, 34), self.manager,
                                             object_id=ObjectID(object_id="#seed")))
        self.seed.set_allowed_characters("numbers")
        self.seed.set_text("" if self.app.seed is None else str(self.app.seed))
        self.seed.set_tooltip("Same seed, same world: every team in a class faces the same market. "
                              "Empty: the scenario's own seed.")
        self.back = self.add(UIButton(pygame.Rect(w - 90, 18, 70, 34), "Back", self.manager))
        cols = 3 if w >= 1100 else 2
        gap = 20
        cw = (w - 60 - gap * (cols - 1)) // cols
        ch = 250
        self.choose = {}
        for k, sc in enumerate(self.scenarios):
            row, col = divmod(k, cols)
            x, y = 30 + col * (cw + gap), 70 + row * (ch + gap)
            card = self.add(UIPanel(pygame.Rect(x, y, cw, ch), manager=self.manager,
                                    object_id=ObjectID(class_id="@card")))
            UILabel(pygame.Rect(12, 8, cw - 24, 30), sc.title, self.manager, container=card,
                    object_id=ObjectID(class_id="@heading"))
            UILabel(pygame.Rect(12, 38, cw - 24, 22),
                    f"{sc.difficulty} {DIFFICULTY_MARK.get(sc.difficulty, '')}   {sc.quarters} quarters   "
                    f"claims {', '.join(sc.claims) or '-'}", self.manager, container=card,
                    object_id=ObjectID(class_id="@small"))
            UITextBox(sc.teaches or sc.briefing.strip().split("\n")[0], pygame.Rect(8, 62, cw - 20, ch - 118),
                      self.manager, container=card)
            btn = UIButton(pygame.Rect(12, ch - 50, cw - 28, 38), f"Play '{sc.name}'", self.manager,
                           container=card, object_id=ObjectID(class_id="@primary", object_id=f"#choose_{sc.name}"))
            self.choose[btn] = sc

    def _seed(self, sc: Scenario) -> int:
        text = self.seed.get_text().strip()
        return int(text) if text.isdigit() else sc.seed

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.back:
                from game.screens.title import TitleScreen

                self.app.go(TitleScreen(self.app))
            elif event.ui_element in self.choose:
                sc = self.choose[event.ui_element]
                self.app.team = self.team.get_text().strip() or "Team"
                from game.screens.briefing import BriefingScreen

                self.app.new_game(sc, self._seed(sc))
                self.app.go(BriefingScreen(self.app))

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(C.BG)
