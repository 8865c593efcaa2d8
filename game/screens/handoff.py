"""Hot-seat, between turns: whose turn it is, and the leaderboard between quarters.

While a round is open the screen names the next team to decide (the others look away); once
every team is in, the room has played the quarter and the screen shows the leaderboard, read
from the room (`classroom.views.leaderboard`, the ranking a classroom projector shows), with a
button to open the next quarter. At the end each team opens its own debrief.
"""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIButton, UILabel

from game import palette as C
from game.screen import Screen

COLUMNS = (("rank", "#", 50), ("team", "Team", 260), ("goal", "Goal clauses met", 190),
           ("share", "Partner share (4Q)", 190), ("net", "Net contribution", 180), ("conflicts", "Conflicts", 130),
           ("lost", "Partners lost", 140))


class HandoffScreen(Screen):
    name = "handoff"

    @property
    def hotseat(self):
        return self.app.hotseat

    def build(self) -> None:
        w, h = self.size
        turns = self.hotseat
        room = turns.room()
        self.buttons: dict[object, tuple[str, int | None]] = {}
        self._shown = self._key()
        self._fresh = 0.3
        team = turns.next_team()
        names = dict(turns.teams())
        if room["phase"] == "open" and team is not None:
            heading = f"{names[team]}: your turn"
            done = len(names) - len(turns.waiting())
            sub = (f"Quarter {room['open_quarter']} of {room['quarters']}. Pass the laptop to {names[team]}; "
                   f"the other teams look away. {done} of {len(names)} teams on this laptop have decided.")
            self._button(pygame.Rect(w // 2 - 170, 150, 340, 56), f"{names[team]}: play", ("play", team), "@big")
        elif room["phase"] == "ended":
            heading = "Game over"
            sub = "Each team's debrief: its last quarter animates, then its Debrief button opens."
            for k, (tid, name) in enumerate(turns.teams()):
                self._button(pygame.Rect(40 + (k % 4) * 300, 140 + (k // 4) * 50, 290, 44), f"Debrief: {name}",
                             ("play", tid), None)
        elif room["phase"] == "results" and turns.can_advance:
            heading = f"Quarter {room['quarter']} played"
            sub = ("Every team has decided and the quarter is played. Each team sees its quarter animate at the "
                   "start of its next turn.")
            self._button(pygame.Rect(w // 2 - 170, 150, 340, 56), f"Open quarter {room['quarter'] + 1}",
                         ("advance", None), "@big")
        else:
            heading = {"lobby": "Waiting for the facilitator to start",
                       "results": f"Quarter {room['quarter']} played",
                       "resolving": "The room is playing the quarter"}.get(room["phase"], "Waiting for the other teams")
            sub = ("Every team on this laptop has decided; the facilitator closes the round and opens the next."
                   if room["phase"] == "open" else "The facilitator opens the next quarter.")
        self.add(UILabel(pygame.Rect(40, 14, w - 80, 70), heading, self.manager,
                         object_id=ObjectID(class_id="@title")))
        self.add(UILabel(pygame.Rect(40, 84, w - 80, 28), sub, self.manager, object_id=ObjectID(class_id="@small")))
        self._button(pygame.Rect(w - 200, h - 60, 170, 42), "Quit to title", ("title", None), None)

    def _key(self) -> tuple:
        """What the buttons depend on: a change rebuilds them."""
        t = self.hotseat
        return (tuple(sorted(t.room().items(), key=lambda kv: kv[0])), tuple(t.waiting()))

    @property
    def animating(self) -> bool:
        """Draw every frame for a moment after the room's news (the leaderboard is drawn, not a widget)."""
        return self._fresh > 0

    def update(self, dt: float) -> None:
        self._fresh = max(0.0, getattr(self, "_fresh", 0.0) - dt)
        if self.hotseat.poll():
            self._fresh = 0.3
        if self._key() != self._shown:
            self.rebuild()

    def _button(self, rect: pygame.Rect, text: str, action: tuple[str, int | None], cls: str | None) -> None:
        b = self.add(UIButton(rect, text, self.manager,
                              object_id=ObjectID(class_id=cls, object_id=f"#handoff_{action[0]}")))
        self.buttons[b] = action

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element in self.buttons:
            self.act(*self.buttons[event.ui_element])
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_RETURN:
            first = next(iter(self.buttons.values()), None)
            if first is not None:
                self.act(*first)

    def act(self, action: str, team: int | None) -> None:
        """Hand the laptop to a team, open the next quarter, or leave (the file keeps the game)."""
        if action == "play" and team is not None:
            self.app.session = self.hotseat.sessions[team]
            self.app.team = self.app.session.team
            self.app.go("play")
        elif action == "advance":
            self.hotseat.advance()
            self.rebuild()
        elif action == "title":
            self.app.leave_hotseat()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(C.BG)
        w, h = surface.get_size()
        rows = self.hotseat.leaderboard()
        room = self.hotseat.room()
        y = 240
        if not room["quarter"]:
            text = "The leaderboard appears here after the first quarter."
            surface.blit(C.font(22).render(text, True, C.MUTED), (40, y))
            return
        surface.blit(C.font(24, True).render(f"Leaderboard after quarter {room['quarter']}", True, C.TEXT), (40, y))
        y += 44
        head = C.font(20, True)
        x = 40
        for _key, label, width in COLUMNS:
            surface.blit(head.render(label, True, C.MUTED), (x, y))
            x += width
        pygame.draw.line(surface, C.GRID, (40, y + 30), (w - 40, y + 30), 1)
        body = C.font(24)
        for k, r in enumerate(rows):
            ry = y + 40 + k * 40
            if ry > h - 80:
                break
            goal = f"{r['clauses_met']} of {len(r['clauses'])}" if r["clauses"] else "-"
            cells = {"rank": str(r["rank"]), "team": r["team"], "goal": goal,
                     "share": r["figures"]["share"], "net": r["figures"]["net"],
                     "conflicts": r["figures"]["conflicts"], "lost": r["figures"]["lost"]}
            x = 40
            for key, _label, width in COLUMNS:
                text = cells[key]
                font = body
                while font.size(text)[0] > width - 12 and len(text) > 3:
                    text = text[:-2] + "\u2026" if not text.endswith("\u2026") else text[:-2] + "\u2026"
                colour = C.YELLOW if key == "team" and k == 0 else C.TEXT
                surface.blit(font.render(text, True, colour), (x, ry))
                x += width
