"""One-screen briefing: the situation, the goal, what is locked, then play."""

from __future__ import annotations

import html

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIButton, UILabel, UITextBox

from game import palette as C
from game.screen import Screen
from sim.policy import LEVERS


class BriefingScreen(Screen):
    name = "briefing"

    def build(self) -> None:
        w, h = self.size
        s = self.session
        sc = s.scenario
        self.add(UILabel(pygame.Rect(40, 20, w - 80, 44), sc.title, self.manager,
                         object_id=ObjectID(class_id="@heading")))
        self.add(UILabel(pygame.Rect(40, 60, w - 80, 24),
                         f"Team {s.team}   {s.where if s.room_mode else f'seed {s.seed}'}   {sc.quarters} quarters   "
                         f"difficulty {sc.difficulty}",
                         self.manager, object_id=ObjectID(class_id="@small")))
        body = "<br>".join(html.escape(p.strip()).replace("\n", " ")
                           for p in sc.briefing.strip().split("\n\n"))
        body = body.replace("<br>", "<br><br>")
        body += f"<br><br><b>Goal.</b> {html.escape(sc.goal_text())}"
        if sc.locked:
            body += "<br><br><b>Locked by the scenario:</b>"
            for k, why in sc.locked.items():
                body += f"<br>- {html.escape(LEVERS[k].label)}: {html.escape(why)}"
        upcoming = sorted({e.quarter for e in sc.events})
        if upcoming:
            body += ("<br><br><b>Expect the unexpected:</b> something will happen in quarter"
                     f"{'s' if len(upcoming) > 1 else ''} {', '.join(map(str, upcoming))}.")
        self.add(UITextBox(body, pygame.Rect(40, 92, w - 80, h - 180), self.manager,
                           object_id=ObjectID(object_id="#briefing_text")))
        self.start = self.add(UIButton(pygame.Rect(w - 290, h - 72, 250, 50), "Start playing", self.manager,
                                       object_id=ObjectID(class_id="@big", object_id="#start")))
        self.back = self.add(UIButton(pygame.Rect(40, h - 68, 160, 42), "Back", self.manager))

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.start:
                self.app.go("play")
            elif event.ui_element is self.back:
                if self.session.room_mode:           # a classroom seat: leave the room (its key is kept)
                    self.session.close()
                    self.app.go("title")
                else:
                    self.app.go("picker")
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_RETURN:
            self.app.go("play")

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(C.BG)
