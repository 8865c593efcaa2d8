"""Title screen: start a new game, resume the last autosave, join a classroom, play hot-seat, or quit."""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIButton, UILabel

from game import palette as C
from game.screen import Screen


class TitleScreen(Screen):
    name = "title"

    def build(self) -> None:
        w, h = self.size
        cx = w // 2
        self.add(UILabel(pygame.Rect(cx - 400, h * 0.18, 800, 70), "partnersim", self.manager,
                         object_id=ObjectID(class_id="@title")))
        self.add(UILabel(pygame.Rect(cx - 450, h * 0.18 + 72, 900, 32),
                         "Run a partner program quarter by quarter, and see why it works or doesn't.",
                         self.manager, object_id=ObjectID(class_id="@subtitle")))
        y = int(h * 0.38)
        self.new_game = self.add(UIButton(pygame.Rect(cx - 150, y, 300, 54), "New game", self.manager,
                                          object_id=ObjectID(class_id="@big", object_id="#new_game")))
        self.resume_button = self.add(UIButton(pygame.Rect(cx - 150, y + 66, 300, 44), "Resume last game",
                                        self.manager, object_id=ObjectID(object_id="#resume")))
        last = self.app.last_autosave()
        if last is None:
            self.resume_button.disable()
            self.resume_button.set_tooltip("No saved game in " + str(self.app.save_dir))
        else:
            self.resume_button.set_tooltip(f"Load {last.name}")
        self.join = self.add(UIButton(pygame.Rect(cx - 150, y + 122, 300, 44), "Join a classroom", self.manager,
                                      object_id=ObjectID(object_id="#join_classroom")))
        self.join.set_tooltip("Play your team's seat in a facilitator's classroom, with this game's map and charts.")
        self.hotseat = self.add(UIButton(pygame.Rect(cx - 150, y + 178, 300, 44), "Several teams, one laptop",
                                         self.manager, object_id=ObjectID(object_id="#hotseat")))
        self.hotseat.set_tooltip("Hot-seat: teams take turns on the same world, each with its own game; "
                                 "the leaderboard between quarters.")
        self.quit = self.add(UIButton(pygame.Rect(cx - 150, y + 234, 300, 44), "Quit", self.manager,
                                      object_id=ObjectID(object_id="#quit")))

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.new_game:
                self.app.hotseat_picking = False
                self.app.go("picker")
            elif event.ui_element is self.resume_button:
                path = self.app.last_autosave()
                if path is not None:
                    self.app.load_game(path)
            elif event.ui_element is self.join:
                self.app.go("join")
            elif event.ui_element is self.hotseat:
                self.app.hotseat_picking = True
                self.app.go("picker")
            elif event.ui_element is self.quit:
                self.app.running = False
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_RETURN:
            self.app.hotseat_picking = False
            self.app.go("picker")

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(C.BG)
        w, h = surface.get_size()
        # a quiet motif: direct reps and partners on a horizon
        base = int(h * 0.85)
        pygame.draw.line(surface, C.GRID, (0, base), (w, base), 2)
        for k in range(24):
            x = int((k + 0.5) * w / 24)
            col = C.DIRECT if k % 3 == 0 else (C.GREEN if k % 3 == 1 else C.ORANGE)
            if k % 3 == 0:
                pygame.draw.rect(surface, col, (x - 6, base - 22, 12, 12))
            else:
                pygame.draw.circle(surface, col, (x, base - 16), 7)
        text = C.font(18).render("Space: end quarter  P: pause  F11: full screen  Ctrl+S: save  "
                                 "F12: screenshot  Esc: menu", True, C.MUTED)
        surface.blit(text, (w // 2 - text.get_width() // 2, h - 30))
