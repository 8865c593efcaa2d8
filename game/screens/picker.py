"""Scenario picker: the library as a list (easy first), the chosen scenario's card beside
it (what it teaches, the situation, the goal, what is locked), team and seed, then Play.

A list scales to however many scenarios a trainer adds; the card shows the details that
would not fit on a grid of cards.
"""

from __future__ import annotations

import html

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIButton, UILabel, UISelectionList, UITextBox, UITextEntryLine

from game import palette as C
from game.screen import Screen
from sim.policy import LEVERS
from sim.scenario import DIFFICULTIES, Scenario, list_scenarios

DIFFICULTY_MARK = {"easy": "*", "medium": "**", "hard": "***"}


def library_order(scenarios: list[Scenario]) -> list[Scenario]:
    """Teaching order: the baseline first, then by difficulty, then by title."""
    rank = {d: i for i, d in enumerate(DIFFICULTIES)}
    return sorted(scenarios, key=lambda s: (s.name != "baseline", rank.get(s.difficulty, 9), s.title))


def card_html(sc: Scenario) -> str:
    """The chosen scenario's card, as pygame_gui HTML."""
    paragraphs = [p.strip().replace("\n", " ") for p in sc.briefing.strip().split("\n\n") if p.strip()]
    parts = [f"<font color='#F0E442' size=5><b>{html.escape(sc.title)}</b></font>",
             f"<font color='#9AD3F5'>{sc.difficulty} {DIFFICULTY_MARK.get(sc.difficulty, '')}   "
             f"{sc.quarters} quarters   claims {', '.join(sc.claims) or '-'}</font>"]
    if sc.teaches:
        parts.append(f"<b>Lesson.</b> {html.escape(sc.teaches)}")
    parts.append(f"<b>Goal.</b> {html.escape(sc.goal_text())}")
    facts = []
    if sc.locked:
        facts.append("<b>Locked:</b> " + ", ".join(html.escape(LEVERS[k].label) for k in sc.locked) + ".")
    if sc.events:
        qs = sorted({e.quarter for e in sc.events})
        facts.append(f"<b>Scheduled news</b> in quarter{'s' if len(qs) > 1 else ''} {', '.join(map(str, qs))}.")
    parts.append(" ".join(facts))
    parts.append("<b>The situation.</b> " + "<br><br>".join(html.escape(p) for p in paragraphs))
    return "<br><br>".join(p for p in parts if p)


class PickerScreen(Screen):
    name = "picker"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.scenarios: list[Scenario] = library_order(list_scenarios())
        self.entries: dict[str, Scenario] = {}
        for sc in self.scenarios:
            text = f"{sc.title}   {DIFFICULTY_MARK.get(sc.difficulty, '')}"
            if text in self.entries:           # two scenarios with one title: tell them apart
                text = f"{text} ({sc.name})"
            self.entries[text] = sc
        self.selected: Scenario | None = self.scenarios[0] if self.scenarios else None

    def build(self) -> None:
        w, h = self.size
        hot = self.hotseat
        self.add(UILabel(pygame.Rect(30, 16, 600, 40), "Hot-seat: choose a scenario" if hot else "Choose a scenario",
                         self.manager, object_id=ObjectID(class_id="@heading")))
        tw = 330 if hot else 200          # hot-seat: every team's name, separated by commas
        self.add(UILabel(pygame.Rect(w - 320 - tw, 20, 70, 30), "Teams" if hot else "Team", self.manager))
        self.team = self.add(UITextEntryLine(pygame.Rect(w - 250 - tw, 18, tw, 34), self.manager,
                                             object_id=ObjectID(object_id="#team")))
        self.team.set_text(self.app.hotseat_teams if hot else self.app.team)
        if hot:
            self.team.set_tooltip("Two to eight team names, separated by commas: Red, Blue, Green")
        self.add(UILabel(pygame.Rect(w - 240, 20, 50, 30), "Seed", self.manager))
        self.seed = self.add(UITextEntryLine(pygame.Rect(w - 190, 18, 90, 34), self.manager,
                                             object_id=ObjectID(object_id="#seed")))
        self.seed.set_allowed_characters("numbers")
        self.seed.set_text("" if self.app.seed is None else str(self.app.seed))
        self.seed.set_tooltip("Same seed, same world: every team in a class faces the same market. "
                              "Empty: the scenario's own seed.")
        self.back = self.add(UIButton(pygame.Rect(w - 90, 18, 70, 34), "Back", self.manager))
        list_w = min(440, w // 3)
        current = next((t for t, sc in self.entries.items() if sc is self.selected), None)
        self.library = self.add(UISelectionList(
            pygame.Rect(30, 70, list_w, h - 100), list(self.entries), self.manager,
            allow_double_clicks=True, default_selection=current,
            object_id=ObjectID(object_id="#library")))
        x = 30 + list_w + 20
        self.card = self.add(UITextBox(card_html(self.selected) if self.selected else "No scenarios found.",
                                       pygame.Rect(x, 70, w - x - 30, h - 160), self.manager,
                                       object_id=ObjectID(object_id="#card")))
        self.play = self.add(UIButton(pygame.Rect(w - 280, h - 78, 250, 50),
                                      "Play hot-seat" if hot else "Play this scenario", self.manager,
                                      object_id=ObjectID(class_id="@big", object_id="#play")))
        self.resume_hot = None
        if hot:
            from game.hotseat import last_file

            last = last_file(self.app.save_dir)
            self.resume_hot = self.add(UIButton(pygame.Rect(w - 560, h - 72, 260, 42), "Resume last hot-seat",
                                                self.manager, object_id=ObjectID(object_id="#resume_hotseat")))
            if last is None:
                self.resume_hot.disable()
                self.resume_hot.set_tooltip(f"No hot-seat game in {self.app.save_dir}")
            else:
                self.resume_hot.set_tooltip(f"Carry on {last.name}")
        self.play.set_tooltip("Double-click a scenario in the list to play it at once.")
        if self.selected is None:
            self.play.disable()

    @property
    def hotseat(self) -> bool:
        """Setting up a hot-seat game (several teams, one laptop) rather than one team's."""
        return getattr(self.app, "hotseat_picking", False)

    def select(self, sc: Scenario) -> None:
        """Show a scenario's card (the list's selection follows)."""
        self.selected = sc
        self.card.set_text(card_html(sc))

    def _seed(self, sc: Scenario) -> int:
        text = self.seed.get_text().strip()
        return int(text) if text.isdigit() else sc.seed

    def start(self) -> None:
        """Start the selected scenario with the team and seed typed in."""
        sc = self.selected
        if sc is None:
            return
        if self.hotseat:
            from game.hotseat import parse_teams

            self.app.hotseat_teams = self.team.get_text().strip()
            try:
                names = parse_teams(self.app.hotseat_teams)
            except ValueError as e:
                self.app.notify(f"Teams: {e}.", 5.0)
                return
            self.app.start_hotseat(sc.name, self._seed(sc), names)
            return
        self.app.team = self.team.get_text().strip() or "Team"
        self.app.new_game(sc, self._seed(sc))
        self.app.go("briefing")

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.back:
                self.app.go("title")
            elif event.ui_element is self.play:
                self.start()
            elif self.resume_hot is not None and event.ui_element is self.resume_hot:
                from game.hotseat import last_file

                last = last_file(self.app.save_dir)
                if last is not None:
                    self.app.resume_hotseat(last)
        elif event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.library:
            if event.text in self.entries:
                self.select(self.entries[event.text])
        elif event.type == pygame_gui.UI_SELECTION_LIST_DOUBLE_CLICKED_SELECTION \
                and event.ui_element is self.library:
            if event.text in self.entries:
                self.select(self.entries[event.text])
                self.start()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(C.BG)
