"""The play screen: levers on the left, the world and the charts in the middle, key figures
and the news on the right. "End quarter" runs a quarter's weeks of the model, animated.

Everything shown is read through the session: the world as a snapshot, the quarterly frame,
the event log. Figures are labelled and formatted by their metric's declaration
(`sim.metrics.METRICS`), so the tiles say what the model means. A save that fails (a pulled
USB stick) is reported and the game goes on.
"""

from __future__ import annotations

import html

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIButton, UIDropDownMenu, UILabel, UIPanel, UITextBox, UIWindow
from pygame_gui.windows import UIMessageWindow

from game import palette as C
from game.charts import play_charts
from game.policy_panel import PolicyPanel
from game.popups import fit_to_content, message_window
from game.screen import Screen
from game.session import SaveFailed
from game.world_map import WorldMap
from sim import events as sim_events
from sim.metrics import METRICS
from sim.params import WEEKS_PER_QUARTER
from sim.tiles import TILE_METRICS, Tile, tiles

SPEEDS = {"instant": 0.0, "fast": 1.0, "normal": 2.5, "slow": 5.0}   # seconds per quarter
NEWS_COLOURS = {
    "conflict": C.VERMILION, "partner_churned": C.VERMILION, "partner_at_risk": C.ORANGE,
    "first_partner_deal": C.GREEN, "partner_signed": C.SKY, "manager_left": C.PURPLE,
    "program_cut": C.YELLOW, "policy_change": C.MUTED, "scenario_event": C.YELLOW, "policy_imposed": C.YELLOW,
    "account_taken_direct": C.ORANGE,
}
NEWS_KINDS = {kind: NEWS_COLOURS[kind] for kind in sim_events.NEWS_KINDS}   # the news feed's kinds, coloured
TOP = 52
STATUS = 26        # a classroom seat's status strip under the bar
LEFT = 330
RIGHT = 318


def _hex(c: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*c)


class PlayScreen(Screen):
    name = "play"

    def __init__(self, app) -> None:
        super().__init__(app)
        s = self.session
        self.map = WorldMap(s.snapshot())
        self.charts = play_charts(s.scenario.quarters)
        self.speed = "normal"
        self.auto = False
        self.paused = False
        self.clock = 0.0            # seconds of animation owed to the model
        self.popup = None
        self.menu: UIWindow | None = None
        self.menu_buttons: dict[object, str] = {}
        self.save_alert: UIMessageWindow | None = None
        self.mouse: tuple[int, int] | None = None
        self._news_seen = -1
        self._popup_shown_for: tuple[int, int] | None = None
        self._seen_change = -1      # the session's `changed` count last taken (a classroom seat)
        self.panel: PolicyPanel | None = None
        self._take_frame()

    # ---------------------------------------------------------------- layout
    @property
    def top(self) -> int:
        """Where the panels start: under the bar, and under the status strip of a classroom seat."""
        return TOP + (STATUS if self.session.room_mode else 0)

    def build(self) -> None:
        w, h = self.size
        s = self.session
        top = self.top
        bar = self.add(UIPanel(pygame.Rect(0, 0, w, TOP), manager=self.manager,
                               object_id=ObjectID(class_id="@bar")))
        UILabel(pygame.Rect(10, 1, 520, 28), s.scenario.title, self.manager, container=bar,
                object_id=ObjectID(class_id="@heading"))
        where = f"{s.where}" if s.room_mode else f"seed {s.seed}"
        UILabel(pygame.Rect(10, 28, 480, 20), f"Team {s.team}  -  {where}", self.manager,
                container=bar, object_id=ObjectID(class_id="@small"))
        self.status_label = None
        if s.room_mode:
            self.status_label = self.add(UILabel(pygame.Rect(10, TOP, w - 20, STATUS), "", self.manager,
                                                 object_id=ObjectID(class_id="@status", object_id="#room_status")))
        self.quarter_label = UILabel(pygame.Rect(w - 900, 9, 256, 32), "", self.manager, container=bar,
                                     object_id=ObjectID(class_id="@heading"))
        UILabel(pygame.Rect(w - 640, 12, 60, 28), "Speed", self.manager, container=bar)
        self.speed_menu = UIDropDownMenu(list(SPEEDS), self.speed, pygame.Rect(w - 585, 10, 110, 32),
                                         self.manager, container=bar, object_id=ObjectID(object_id="#speed"))
        self.speed_menu.set_tooltip(f"How long a quarter ({WEEKS_PER_QUARTER} weeks) takes on screen.")
        self.auto_btn = UIButton(pygame.Rect(w - 468, 10, 110, 32), "", self.manager, container=bar,
                                 object_id=ObjectID(object_id="#auto"))
        self.auto_btn.set_tooltip("Keep ending quarters until you pause or the game ends.")
        self.pause_btn = UIButton(pygame.Rect(w - 352, 10, 90, 32), "", self.manager, container=bar,
                                  object_id=ObjectID(object_id="#pause"))
        self.pause_btn.set_tooltip("P: pause or resume the animation.")
        self.end_btn = UIButton(pygame.Rect(w - 256, 6, 170, 40), "End quarter", self.manager,
                                container=bar, object_id=ObjectID(class_id="@primary", object_id="#end_quarter"))
        self.end_btn.set_tooltip(f"Space: apply your changes and run the next {WEEKS_PER_QUARTER} weeks.")
        self.menu_btn = UIButton(pygame.Rect(w - 80, 10, 70, 32), "Menu", self.manager, container=bar,
                                 object_id=ObjectID(object_id="#menu"))
        self.menu_btn.set_tooltip("Esc: save, debrief, or leave the game.")
        if s.room_mode:
            self.auto_btn.hide()          # the room closes rounds, not this laptop
        self.panel = PolicyPanel(self.manager, pygame.Rect(0, top, LEFT, h - top), s)
        self.add(self.panel.container)
        self.news = self.add(UITextBox("", pygame.Rect(w - RIGHT + 6, top + 222, RIGHT - 12, h - top - 228),
                                       self.manager, object_id=ObjectID(class_id="@news", object_id="#news")))
        self._news_seen = -1
        self._refresh_controls()
        self._refresh_news(force=True)
        if self.popup is None:
            self._show_upcoming()       # news for the first quarter (or the next, on resuming)

    def teardown(self) -> None:
        """Remove the widgets and the windows over them; a pop-up not yet acknowledged shows
        again when the screen is built again (after a resize, or back from the debrief)."""
        super().teardown()
        if self.popup is not None:
            self.popup.kill()
            self.popup = None
            self._popup_shown_for = None
        if self.menu is not None:
            self.menu.kill()
            self.menu = None
            self.paused = False
        if self.save_alert is not None:
            self.save_alert.kill()
            self.save_alert = None

    def layout(self) -> dict[str, pygame.Rect]:
        """Rectangles of what this screen draws itself."""
        w, h = self.size
        top = self.top
        cx, cw = LEFT + 6, w - LEFT - RIGHT - 12
        map_h = int((h - top) * 0.42)
        out = {"map": pygame.Rect(cx, top + 6, cw, map_h),
               "tiles": pygame.Rect(w - RIGHT + 6, top + 6, RIGHT - 12, 210)}
        gy = top + 12 + map_h
        gh = (h - gy - 6) // 2
        gw = (cw - 12) // 3
        for k in range(6):
            row, col = divmod(k, 3)
            out[f"chart{k}"] = pygame.Rect(cx + col * (gw + 6), gy + row * (gh + 6), gw, gh)
        return out

    # --------------------------------------------------------------- helpers
    def _take_frame(self) -> None:
        self.frame = self.session.frame()
        for c in self.charts:
            c.set_data(self.frame)

    def _refresh_controls(self) -> None:
        s = self.session
        text = s.round_text()
        if self.quarter_label.text != text:
            self.quarter_label.set_text(text)
        auto = "Auto: on" if self.auto else "Auto: off"
        if self.auto_btn.text != auto:
            self.auto_btn.set_text(auto)
        pause = "Resume" if self.paused else "Pause"
        if self.pause_btn.text != pause:
            self.pause_btn.set_text(pause)
        end = s.end_label()
        if self.end_btn.text != end:
            self.end_btn.set_text(end)
        busy = not s.can_end or self.popup is not None
        if busy and self.end_btn.is_enabled:
            self.end_btn.disable()
        elif not busy and not self.end_btn.is_enabled:
            self.end_btn.enable()
        if self.status_label is not None:
            status = s.status_text()
            if self.status_label.text != status:
                self.status_label.set_text(status)
        if self.panel is not None:
            self.panel.set_enabled(s.can_decide)

    def _refresh_news(self, force: bool = False) -> None:
        s = self.session
        if not force and s.event_count == self._news_seen:
            return
        self._news_seen = s.event_count
        items = []
        frame = self.frame
        # conflicts a partner kept are many and minor: the feed tells the deals partners lost
        news = s.recent_events(NEWS_KINDS, 30, keep=lambda ev: ev.kind != "conflict" or ev.data.get("direct_won"))
        for ev in news:
            items.append(f"<font color='{_hex(NEWS_KINDS[ev.kind])}'>Q{ev.quarter}</font> {html.escape(ev.cause)}")
        if len(frame):
            row = frame.iloc[-1]
            M = METRICS
            left = M["partners_churned"].fmt(row.partners_churned)
            items.insert(0, f"<b>Quarter {int(row.quarter)}:</b> revenue {M['revenue_total'].fmt(row.revenue_total)}, "
                            f"partner share {M['partner_share'].fmt(row.partner_share)}, "
                            f"{M['conflicts'].fmt(row.conflicts)} conflicts, "
                            f"{left} partner{'' if left == '1' else 's'} left")
        text = "<br>".join(items) or "News from the field appears here as the quarters run."
        self.news.set_text(text)

    def _show_upcoming(self) -> None:
        """Scheduled scenario events for the coming quarter, as a pop-up to acknowledge: a policy
        event has already fired (the panel shows what it imposed), a shock hits at the start. In
        a classroom an event the facilitator injects while the round is open pops up too."""
        s = self.session
        if s.finished or (s.room_mode and not s.can_decide):
            return
        msgs = s.upcoming_events()
        seen = self._popup_shown_for
        if seen is not None and seen[0] == s.quarter:
            if len(msgs) <= seen[1]:
                return
            fresh, cut = msgs[seen[1]:], None
        else:
            fresh, cut = msgs, s.board_cut_news()
        self._popup_shown_for = (s.quarter, len(msgs))
        if cut:
            fresh = [cut] + fresh
        if fresh:
            body = "<br><br>".join(html.escape(m).replace("\n", "<br>") for m in fresh)
            title = "The board acted" if cut else f"Quarter {s.quarter + 1}: news you must act on"
            self.popup = message_window(self.manager, self.size, body, title, ObjectID(object_id="#event_popup"))
            self.auto = False

    def end_quarter(self) -> None:
        """Start the next quarter (or open the debrief when the game is over)."""
        s = self.session
        if self.popup is not None or s.animating:
            return
        if s.finished:
            self.app.push("debrief")
            return
        if s.room_mode:
            s.end_turn()                 # the room plays the quarter when the round closes
            return
        s.begin_quarter()
        self.paused = False
        self.clock = 0.0
        if self.panel:
            self.panel.refresh()
        if SPEEDS[self.speed] == 0.0:
            self._advance(WEEKS_PER_QUARTER)

    def _advance(self, weeks: int) -> None:
        s = self.session
        done = s.advance_weeks(weeks)
        if done:
            self._take_frame()
            self._refresh_news(force=True)
            self._show_upcoming()
            if self.panel:
                self.panel.refresh()
            if s.save_error:              # the autosave after the quarter failed
                self.report_save_error(s.save_error)

    def save(self) -> None:
        try:
            path = self.session.save_as()
        except SaveFailed as e:
            self.report_save_error(str(e))
            return
        self.app.notify(f"Saved to {path}")

    def report_save_error(self, message: str) -> None:
        """Tell the player a save failed, without stopping the game: a window the first time,
        a line at the bottom while that window is still open."""
        text = f"{message}; the game goes on."
        if self.save_alert is not None and self.save_alert.alive():
            self.app.notify(text, 6.0)
            return
        self.save_alert = message_window(
            self.manager, self.size,
            html.escape(text) + "<br><br>Check the save folder (is the USB stick in?); the next quarter's "
            "autosave tries again, and Ctrl+S saves at once.",
            "Could not save", ObjectID(object_id="#save_error"))

    def open_menu(self) -> None:
        if self.menu is not None:
            return
        w, h = self.size
        self.menu = UIWindow(pygame.Rect(w // 2 - 170, h // 2 - 160, 340, 300), self.manager,
                             window_display_title="Menu", object_id=ObjectID(object_id="#menu_window"))
        self.menu_buttons = {}
        items = (("Resume", "resume"), ("Save game", "save"), ("Debrief now", "debrief"), ("Quit to title", "title"))
        if getattr(self.session, "hands_over", False):       # hot-seat: back to the turn screen
            items = (("Resume", "resume"), ("Debrief now", "debrief"), ("Teams and leaderboard", "handoff"),
                     ("Quit to title", "title"))
        for k, (text, action) in enumerate(items):
            b = UIButton(pygame.Rect(20, 14 + k * 56, 290, 44), text, self.manager, container=self.menu,
                         object_id=ObjectID(object_id=f"#menu_{action}"))
            self.menu_buttons[b] = action
        fit_to_content(self.menu, (330, 14 + len(items) * 56), self.size)     # the buttons, and no more
        self.paused = True

    def _menu_action(self, action: str) -> None:
        if self.menu is not None:
            self.menu.kill()
        self.menu = None
        self.paused = False
        if action == "save":
            self.save()
        elif action == "debrief":
            if self.session.quarter > 0:
                self.app.push("debrief")
            else:
                self.app.notify("Play at least one quarter before the debrief.", 3.0)
        elif action == "handoff":
            self.app.go("handoff")
        elif action == "title":
            self.session.autosave()
            self.session.close()
            if self.app.hotseat is not None:
                self.app.leave_hotseat()        # its file keeps the game: "Resume last hot-seat"
            else:
                self.app.reset("title")

    # ---------------------------------------------------------------- events
    def handle_event(self, event: pygame.event.Event) -> None:
        if self.panel is not None and self.panel.handle_event(event):
            return
        if event.type == pygame.MOUSEMOTION:
            self.mouse = event.pos
        elif event.type == pygame_gui.UI_BUTTON_PRESSED:
            el = event.ui_element
            if el is self.end_btn:
                self.end_quarter()
            elif el is self.auto_btn:
                self.auto = not self.auto
                if self.auto and not self.session.animating:
                    self.end_quarter()
            elif el is self.pause_btn:
                self.paused = not self.paused
            elif el is self.menu_btn:
                self.open_menu()
            elif el in self.menu_buttons:
                self._menu_action(self.menu_buttons[el])
        elif event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED and event.ui_element is self.speed_menu:
            self.speed = event.text
        elif event.type == pygame_gui.UI_WINDOW_CLOSE:
            if event.ui_element is self.popup:
                self.popup = None
            elif event.ui_element is self.save_alert:
                self.save_alert = None
            elif event.ui_element is self.menu:
                self.menu = None
                self.paused = False
        elif event.type == pygame.KEYDOWN:
            if self.manager.get_focus_set():
                focused = self.manager.get_focus_set()
                if any(type(e).__name__ == "UITextEntryLine" for e in focused):
                    return
            if event.key == pygame.K_SPACE:
                self.end_quarter()
            elif event.key == pygame.K_p:
                self.paused = not self.paused
            elif event.key == pygame.K_ESCAPE:
                if self.menu is not None:
                    self._menu_action("resume")
                else:
                    self.open_menu()
            elif event.key == pygame.K_s and event.mod & pygame.KMOD_CTRL:
                self.save()

    # ---------------------------------------------------------------- update
    @property
    def animating(self) -> bool:
        """A quarter running (not paused), or a conflict flash or a departing partner still
        fading on the map: the main loop draws every frame until they end."""
        return (self.session.animating and not self.paused) or bool(self.map.flashes or self.map.fade)

    def _follow_room(self) -> None:
        """A classroom seat: take what the room sent; a quarter it played starts animating, a
        catch-up replay or a new decision shows at once, a message pops up."""
        s = self.session
        s.poll()
        if s.changed != self._seen_change:
            self._seen_change = s.changed
            self._take_frame()
            self._refresh_news(force=True)
            if self.panel:
                self.panel.refresh()      # the controls show what is in force, whatever changed it
            if s.animating:
                self.clock = 0.0
                self.paused = False
                if self.popup is not None and "#event_popup" in self.popup.get_object_ids():
                    self.popup.kill()          # the round closed: that quarter's news is now being played
                    self.popup = None
            else:
                self._show_upcoming()
        if s.notices and self.popup is None and self.menu is None:
            title, text = s.notices.pop(0)
            self.popup = message_window(self.manager, self.size, html.escape(text).replace("\n", "<br>"), title,
                                        ObjectID(object_id="#room_notice"))

    def update(self, dt: float) -> None:
        s = self.session
        if s.room_mode:
            self._follow_room()
            if s.turn_done:               # hot-seat: the decision is in, the next team's turn
                s.turn_done = False
                self.app.go("handoff")
                return
        elif s.notices and self.popup is None:
            title, text = s.notices.pop(0)
            self.popup = message_window(self.manager, self.size, html.escape(text), title,
                                        ObjectID(object_id="#notice"))
        if s.animating and not self.paused:
            seconds = SPEEDS[self.speed]
            if seconds == 0.0:
                self._advance(WEEKS_PER_QUARTER)
            else:
                self.clock += dt
                per_week = seconds / WEEKS_PER_QUARTER
                weeks = int(self.clock / per_week)
                if weeks:
                    self.clock -= weeks * per_week
                    self._advance(min(weeks, WEEKS_PER_QUARTER - s.week_in_quarter))
        elif self.auto and not s.animating and not s.finished and self.popup is None and not self.paused:
            self.end_quarter()
        if s.finished:
            self.auto = False
        # the feed re-lays out its text (~40 ms), so it refreshes between quarters, not per frame
        if not s.animating:
            self._refresh_news()
        self.map.rect = self.layout()["map"]
        self.map.update(dt, s.snapshot(), self.mouse)
        self._refresh_controls()

    # ------------------------------------------------------------------ draw
    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(C.BG)
        rects = self.layout()
        self.map.draw(surface)
        for k, chart in enumerate(self.charts):
            r = rects[f"chart{k}"]
            surface.blit(chart.render(r.size), r.topleft)
        self._draw_tiles(surface, rects["tiles"])

    def tiles(self) -> list[Tile]:
        """Key figures with their change since last quarter (see `sim.tiles`)."""
        return tiles(self.frame, TILE_METRICS)

    def _draw_tiles(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        tw, th = (area.width - 6) // 2, (area.height - 12) // 3
        for k, (lab, value, change, good, rising) in enumerate(self.tiles()):
            row, col = divmod(k, 2)
            r = pygame.Rect(area.x + col * (tw + 6), area.y + row * (th + 6), tw, th)
            pygame.draw.rect(surface, C.PANEL, r, border_radius=6)
            pygame.draw.rect(surface, C.GRID, r, 1, border_radius=6)
            surface.blit(C.font(17).render(lab, True, C.MUTED), (r.x + 8, r.y + 5))
            surface.blit(C.font(28, True).render(value, True, C.TEXT), (r.x + 8, r.y + 22))
            if change:
                col_c = C.SKY if good > 0 else (C.ORANGE if good < 0 else C.MUTED)
                # direction also as a triangle, so colour is not the only cue
                tx, ty = r.right - 12, r.y + 12
                if good != 0:
                    pts = [(tx - 5, ty + 4), (tx + 5, ty + 4), (tx, ty - 4)] if rising else \
                          [(tx - 5, ty - 4), (tx + 5, ty - 4), (tx, ty + 4)]
                    pygame.draw.polygon(surface, col_c, pts)
                text = C.font(16).render(change, True, col_c)
                surface.blit(text, (r.right - 8 - text.get_width(), r.bottom - 18))
