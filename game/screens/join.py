"""Join a classroom: the server's address, the room code and the team's name, as the projector
shows them; or rejoin a room whose key this laptop kept.

Joining takes a few requests, so it runs in a worker thread while the screen stays live; a
refusal (a wrong code, a name taken, no server at that address) is shown as the server said it.
"""

from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIButton, UILabel, UITextBox, UITextEntryLine

from game import palette as C
from game.screen import Screen

_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="partnersim-join")


class JoinScreen(Screen):
    name = "join"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.job: Future | None = None
        self.error = ""
        prefill = getattr(app, "join_prefill", None) or {}
        self.values = {"address": prefill.get("address", ""), "code": prefill.get("code", ""),
                       "team": prefill.get("team", app.team if app.team != "Team" else "")}
        self.auto = bool(prefill.get("auto"))      # `play --join`: join at once
        self.kept = self._kept_keys()
        self.rejoin: dict[object, dict[str, str]] = {}

    def _kept_keys(self) -> list[dict[str, str]]:
        """Rooms this laptop joined before (their keys in the save folder), newest first."""
        folder = self.app.save_dir / "classroom-keys"
        try:
            files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return []
        out = []
        for path in files:
            if path.name.endswith(".save.json"):
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                out.append({k: str(data[k]) for k in ("address", "code", "team")})
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return out[:4]

    def build(self) -> None:
        w, h = self.size
        cx = w // 2
        self.add(UILabel(pygame.Rect(cx - 400, 40, 800, 50), "Join a classroom", self.manager,
                         object_id=ObjectID(class_id="@heading")))
        self.add(UILabel(pygame.Rect(cx - 400, 88, 800, 26),
                         "Type what the projector shows. The facilitator's server plays the quarters; "
                         "this laptop shows them.", self.manager, object_id=ObjectID(class_id="@small")))
        self.entries: dict[str, UITextEntryLine] = {}
        y = 140
        for key, label, hint in (("address", "Server address", "e.g. 192.168.1.20:8000"),
                                 ("code", "Room code", "five letters and digits"),
                                 ("team", "Team name", "as it will show on the leaderboard; several teams "
                                  "taking turns on this laptop: their names separated by commas")):
            self.add(UILabel(pygame.Rect(cx - 330, y, 170, 36), label, self.manager))
            entry = self.add(UITextEntryLine(pygame.Rect(cx - 150, y, 330, 36), self.manager,
                                             object_id=ObjectID(object_id=f"#join_{key}")))
            entry.set_text(self.values[key])
            entry.set_tooltip(hint)
            self.entries[key] = entry
            y += 50
        self.join_btn = self.add(UIButton(pygame.Rect(cx - 150, y + 6, 200, 46), "Join", self.manager,
                                          object_id=ObjectID(class_id="@primary", object_id="#join")))
        self.back = self.add(UIButton(pygame.Rect(cx + 60, y + 10, 120, 40), "Back", self.manager,
                                      object_id=ObjectID(object_id="#join_back")))
        self.message = self.add(UITextBox("", pygame.Rect(cx - 330, y + 64, 660, 90), self.manager,
                                          object_id=ObjectID(object_id="#join_message")))
        self.rejoin = {}
        y += 170
        if self.kept:
            self.add(UILabel(pygame.Rect(cx - 330, y, 660, 26), "Rejoin a room this laptop joined before:",
                             self.manager, object_id=ObjectID(class_id="@small")))
            for k, kept in enumerate(self.kept):
                b = self.add(UIButton(pygame.Rect(cx - 330, y + 30 + k * 44, 660, 38),
                                      f"{kept['team']}  -  room {kept['code']} at {kept['address']}", self.manager,
                                      object_id=ObjectID(object_id=f"#rejoin_{k}")))
                self.rejoin[b] = kept
        self._show_message()
        if self.auto and self.job is None:
            self.auto = False
            self.start_join()

    def _show_message(self) -> None:
        if self.job is not None:
            text = "Joining..."
        else:
            text = f"<font color='#E69F00'>{self.error}</font>" if self.error else ""
        if self.message.html_text != text:
            self.message.set_text(text)
        if text and not self.message.visible:
            self.message.show()
        elif not text and self.message.visible:
            self.message.hide()                   # no empty box under the form
        if self.job is not None and self.join_btn.is_enabled:
            self.join_btn.disable()
        elif self.job is None and not self.join_btn.is_enabled:
            self.join_btn.enable()

    def start_join(self) -> None:
        """Join (or rejoin) in the worker thread with what the fields hold."""
        import html

        from game.room_session import join_room

        if self.job is not None:
            return
        self.values = {k: e.get_text().strip() for k, e in self.entries.items()}
        missing = [label for key, label in (("address", "the server address"), ("code", "the room code"),
                                            ("team", "a team name")) if not self.values[key]]
        if missing:
            self.error = html.escape("Fill in " + " and ".join(missing) + ".")
            self._show_message()
            return
        self.error = ""
        if "," in self.values["team"]:            # several teams on this laptop: hot-seat in the classroom
            from game.hotseat import join_turns, parse_teams

            try:
                names = parse_teams(self.values["team"])
            except ValueError as e:
                self.error = html.escape(f"Team names: {e}.")
                self._show_message()
                return
            self.job = _POOL.submit(join_turns, self.values["address"], self.values["code"], names,
                                    self.app.save_dir)
        else:
            self.job = _POOL.submit(join_room, self.values["address"], self.values["code"], self.values["team"],
                                    self.app.save_dir)
        self._show_message()

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.join_btn:
                self.start_join()
            elif event.ui_element is self.back and self.job is None:
                self.app.go("title")
            elif event.ui_element in self.rejoin and self.job is None:
                kept = self.rejoin[event.ui_element]
                for key in ("address", "code", "team"):
                    self.entries[key].set_text(kept[key])
                self.start_join()
        elif event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            self.start_join()

    @property
    def animating(self) -> bool:
        return self.job is not None        # look at the worker every frame until it answers

    def update(self, dt: float) -> None:
        import html

        if self.job is None or not self.job.done():
            return
        job, self.job = self.job, None
        from game.net import NetError
        from sim.errors import PartnersimError

        try:
            session = job.result()
        except (NetError, PartnersimError, OSError) as e:     # a refusal, a room's game this version cannot read, a full disk
            self.error = html.escape(getattr(e, "reason", None) or str(e))
            self._show_message()
            return
        if hasattr(session, "sessions"):           # several teams: the turn screen first
            self.app.start_turns(session)
        else:
            self.app.start_room_session(session)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(C.BG)
