"""The play screen: levers on the left, the world and the charts in the middle, key figures
and the news on the right. "End quarter" runs 13 weeks of the model, animated.
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
from game.screens.base import Screen
from game.session import WEEKS
from game.world_map import WorldMap

SPEEDS = {"instant": 0.0, "fast": 1.0, "normal": 2.5, "slow": 5.0}   # seconds per quarter
NEWS_KINDS = {
    "conflict": C.VERMILION, "partner_churned": C.VERMILION, "partner_at_risk": C.ORANGE,
    "first_partner_deal": C.GREEN, "partner_signed": C.SKY, "manager_left": C.PURPLE,
    "program_cut": C.YELLOW, "policy_change": C.MUTED, "scenario_event": C.YELLOW,
    "account_taken_direct": C.ORANGE,
}
TOP = 52
LEFT = 330
RIGHT = 318


def _hex(c: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*c)


class PlayScreen(Screen):
    name = "play"

    def __init__(self, app) -> None:
        super().__init__(app)
        s = app.session
        self.session = s
        self.map = WorldMap(s.model)
        self.charts = play_charts(s.scenario.quarters)
        self.speed = "normal"
        self.auto = False
        self.paused = False
        self.clock = 0.0            # seconds of animation owed to the model
        self.popup = None
        self.menu: UIWindow | None = None
        self.menu_buttons: dict[object, str] = {}
        self.toast = ("", 0.0)
        self.mouse: tuple[int, int] | None = None
        self._news_seen = -1
        self._popup_shown_for = -1
        self.panel: PolicyPanel | None = None
        self._take_frame()

    # ---------------------------------------------------------------- layout
    def build(self) -> None:
        w, h = self.size
        s = self.session
        bar = self.add(UIPanel(pygame.Rect(0, 0, w, TOP), manager=self.manager,
                               object_id=ObjectID(class_id="@bar")))
        UILabel(pygame.Rect(10, 1, 520, 28), s.scenario.title, self.manager, container=bar,
                object_id=ObjectID(class_id="@heading"))
        UILabel(pygame.Rect(10, 28, 480, 20), f"Team {s.team}  -  seed {s.seed}", self.manager,
                container=bar, object_id=ObjectID(class_id="@small"))
        self.quarter_label = UILabel(pygame.Rect(w - 900, 9, 256, 32), "", self.manager, container=bar,
                                     object_id=ObjectID(class_id="@heading"))
        UILabel(pygame.Rect(w - 640, 12, 60, 28), "Speed", self.manager, container=bar)
        self.speed_menu = UIDropDownMenu(list(SPEEDS), self.speed, pygame.Rect(w - 585, 10, 110, 32),
                                         self.manager, container=bar, object_id=ObjectID(object_id="#speed"))
        self.speed_menu.set_tooltip("How long 13 weeks take on screen.")
        self.auto_btn = UIButton(pygame.Rect(w - 468, 10, 110, 32), "", self.manager, container=bar,
                                 object_id=ObjectID(object_id="#auto"))
        self.auto_btn.set_tooltip("Keep ending quarters until you pause or the game ends.")
        self.pause_btn = UIButton(pygame.Rect(w - 352, 10, 90, 32), "", self.manager, container=bar,
                                  object_id=ObjectID(object_id="#pause"))
        self.pause_btn.set_tooltip("P: pause or resume the animation.")
        self.end_btn = UIButton(pygame.Rect(w - 256, 6, 170, 40), "End quarter", self.manager,
                                container=bar, object_id=ObjectID(class_id="@primary", object_id="#end_quarter"))
        self.end_btn.set_tooltip("Space: apply your changes and run the next 13 weeks.")
        self.menu_btn = UIButton(pygame.Rect(w - 80, 10, 70, 32), "Menu", self.manager, container=bar,
                                 object_id=ObjectID(object_id="#menu"))
        self.menu_btn.set_tooltip("Esc: save, debrief, or leave the game.")
        self.panel = PolicyPanel(self.manager, pygame.Rect(0, TOP, LEFT, h - TOP), s)
        self.add(self.panel.container)
        self.news = self.add(UITextBox("", pygame.Rect(w - RIGHT + 6, TOP + 222, RIGHT - 12, h - TOP - 228),
                                       self.manager, object_id=ObjectID(class_id="@news", object_id="#news")))
        self._news_seen = -1
        self._refresh_controls()
        self._refresh_news(force=True)
        if self.popup is None:
            self._show_upcoming()       # news for the first quarter (or the next, on resuming)

    def layout(self) -> dict[str, pygame.Rect]:
        """Rectangles of what this screen draws itself."""
        w, h = self.size
        cx, cw = LEFT + 6, w - LEFT - RIGHT - 12
        map_h = int((h - TOP) * 0.42)
        out = {"map": pygame.Rect(cx, TOP + 6, cw, map_h),
               "tiles": pygame.Rect(w - RIGHT + 6, TOP + 6, RIGHT - 12, 210)}
        gy = TOP + 12 + map_h
        gh = (h - gy - 6) // 2
        gw = (cw - 12) // 3
        for k in range(6):
            row, col = divmod(k, 3)
            out[f"chart{k}"] = pygame.Rect(cx + col * (gw + 6), gy + row * (gh + 6), gw, gh)
        return out

    # --------------------------------------------------------------- helpers
    def _take_frame(self) -> None:
        self.frame = self.session.model.quarterly_frame()
        for c in self.charts:
            c.set_data(self.frame)

    def _refresh_controls(self) -> None:
        s = self.session
        q = s.quarter + (1 if s.animating else 0)
        if s.animating:
            text = f"Quarter {q} of {s.scenario.quarters} - week {s.week_in_quarter}"
        elif s.finished:
            text = f"Game over - {s.scenario.quarters} quarters"
        else:
            text = f"Planning quarter {s.quarter + 1} of {s.scenario.quarters}"
        if self.quarter_label.text != text:
            self.quarter_label.set_text(text)
        auto = "Auto: on" if self.auto else "Auto: off"
        if self.auto_btn.text != auto:
            self.auto_btn.set_text(auto)
        pause = "Resume" if self.paused else "Pause"
        if self.pause_btn.text != pause:
            self.pause_btn.set_text(pause)
        end = "Debrief" if s.finished else "End quarter"
        if self.end_btn.text != end:
            self.end_btn.set_text(end)
        busy = s.animating or self.popup is not None
        if busy:
            self.end_btn.disable()
        else:
            self.end_btn.enable()
        if self.panel is not None:
            self.panel.set_enabled(not s.animating and not s.finished)

    def _refresh_news(self, force: bool = False) -> None:
        log = self.session.model.event_log
        if not force and len(log) == self._news_seen:
            return
        self._news_seen = len(log)
        items = []
        frame = self.frame
        shown = 0
        for ev in reversed(log):
            if ev.kind not in NEWS_KINDS:
                continue
            if ev.kind == "conflict" and not ev.data.get("direct_won"):
                continue
            items.append(f"<font color='{_hex(NEWS_KINDS[ev.kind])}'>Q{ev.quarter}</font> {html.escape(ev.cause)}")
            shown += 1
            if shown >= 30:
                break
        if len(frame):
            row = frame.iloc[-1]
            items.insert(0, f"<b>Quarter {int(row.quarter)}:</b> revenue {C.money(row.revenue_total)}, "
                            f"partners {row.partner_share:.0%}, {int(row.conflicts)} conflicts, "
                            f"{int(row.partners_churned)} partners left")
        text = "<br>".join(items) or "News from the field appears here as the quarters run."
        self.news.set_text(text)

    def _show_upcoming(self) -> None:
        """Scheduled scenario events for the coming quarter, as a pop-up to acknowledge."""
        s = self.session
        if s.finished or self._popup_shown_for == s.quarter:
            return
        self._popup_shown_for = s.quarter
        msgs = s.upcoming_events()
        cut = [e for e in s.model.event_log if e.kind == "program_cut" and e.quarter == s.quarter]
        if cut:
            msgs = [cut[0].cause] + msgs
        if msgs:
            w, h = self.size
            body = "<br><br>".join(html.escape(m) for m in msgs)
            title = "The board acted" if cut else f"Quarter {s.quarter + 1}: news you must act on"
            self.popup = UIMessageWindow(pygame.Rect(w // 2 - 260, h // 2 - 150, 520, 300), body,
                                         self.manager, window_title=title,
                                         object_id=ObjectID(object_id="#event_popup"), always_on_top=True)
            self.auto = False

    def end_quarter(self) -> None:
        """Start the next quarter (or open the debrief when the game is over)."""
        s = self.session
        if self.popup is not None or s.animating:
            return
        if s.finished:
            from game.screens.debrief import DebriefScreen

            self.app.go(DebriefScreen(self.app))
            return
        s.begin_quarter()
        self.paused = False
        self.clock = 0.0
        if self.panel:
            self.panel.refresh()
        if SPEEDS[self.speed] == 0.0:
            self._advance(WEEKS)

    def _advance(self, weeks: int) -> None:
        done = self.session.advance_weeks(weeks)
        if done:
            self._take_frame()
            self._refresh_news(force=True)
            self._show_upcoming()
            if self.panel:
                self.panel.refresh()

    def save(self) -> None:
        path = self.session.save_as()
        self.toast = (f"Saved to {path}", 4.0)

    def open_menu(self) -> None:
        if self.menu is not None:
            return
        w, h = self.size
        self.menu = UIWindow(pygame.Rect(w // 2 - 170, h // 2 - 160, 340, 300), self.manager,
                             window_display_title="Menu", object_id=ObjectID(object_id="#menu_window"))
        self.menu_buttons = {}
        for k, (text, action) in enumerate((("Resume", "resume"), ("Save game", "save"),
                                            ("Debrief now", "debrief"), ("Quit to title", "title"))):
            b = UIButton(pygame.Rect(20, 14 + k * 56, 290, 44), text, self.manager, container=self.menu,
                         object_id=ObjectID(object_id=f"#menu_{action}"))
            self.menu_buttons[b] = action
        self.paused = True

    def _menu_action(self, action: str) -> None:
        if self.menu is not None:
            self.menu.kill()
        self.menu = None
        self.paused = False
        if action == "save":
            self.save()
        elif action == "debrief":
            from game.screens.debrief import DebriefScreen

            if self.session.quarter > 0:
                self.app.go(DebriefScreen(self.app))
            else:
                self.toast = ("Play at least one quarter before the debrief.", 3.0)
        elif action == "title":
            self.session.autosave()
            from game.screens.title import TitleScreen

            self.app.go(TitleScreen(self.app))

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
    def update(self, dt: float) -> None:
        s = self.session
        if s.animating and not self.paused:
            seconds = SPEEDS[self.speed]
            if seconds == 0.0:
                self._advance(WEEKS)
            else:
                self.clock += dt
                per_week = seconds / WEEKS
                weeks = int(self.clock / per_week)
                if weeks:
                    self.clock -= weeks * per_week
                    self._advance(min(weeks, WEEKS - s.week_in_quarter))
        elif self.auto and not s.animating and not s.finished and self.popup is None and not self.paused:
            self.end_quarter()
        if s.finished:
            self.auto = False
        # the feed re-lays out its text (~40 ms), so it refreshes between quarters, not per frame
        if not s.animating:
            self._refresh_news()
        self.map.rect = self.layout()["map"]
        self.map.update(dt, self.mouse)
        msg, left = self.toast
        self.toast = (msg, max(0.0, left - dt))
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
        msg, left = self.toast
        if left > 0:
            text = C.font(22).render(msg, True, C.BG)
            w, h = surface.get_size()
            box = pygame.Rect(0, 0, text.get_width() + 24, 34)
            box.midbottom = (w // 2, h - 12)
            pygame.draw.rect(surface, C.YELLOW, box, border_radius=6)
            surface.blit(text, (box.x + 12, box.y + 8))

    def tiles(self) -> list[tuple[str, str, str, int]]:
        """Key figures: (label, value, change since last quarter, direction: +1 good, -1 bad, 0)."""
        f = self.frame
        if not len(f):
            return [("Revenue", "-", "", 0), ("Partner revenue", "-", "", 0), ("Partner share", "-", "", 0),
                    ("Active partners", "-", "", 0), ("Conflicts", "-", "", 0), ("Net to date", "-", "", 0)]
        now = f.iloc[-1]
        prev = f.iloc[-2] if len(f) > 1 else None

        def delta(col: str, kind: str, good_up: bool = True) -> tuple[str, int]:
            if prev is None:
                return "", 0
            d = float(now[col] - prev[col])
            if abs(d) < 1e-9:
                return "no change", 0
            if kind == "money":
                text = ("+" if d > 0 else "-") + C.money(abs(d))
            elif kind == "share":
                text = f"{d * 100:+.1f} pts"
            else:
                text = f"{d:+.0f}"
            return text, (1 if (d > 0) == good_up else -1)

        rows = [
            ("Revenue", C.money(now.revenue_total), *delta("revenue_total", "money")),
            ("Partner revenue", C.money(now.revenue_partner), *delta("revenue_partner", "money")),
            ("Partner share", f"{now.partner_share:.0%}", *delta("partner_share", "share")),
            ("Active partners", f"{int(now.partners_active)}", *delta("partners_active", "count")),
            ("Conflicts", f"{int(now.conflicts)}", *delta("conflicts", "count", good_up=False)),
            ("Net to date", C.money(now.cumulative_net_contribution),
             *delta("cumulative_net_contribution", "money")),
        ]
        return rows

    def _draw_tiles(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        tw, th = (area.width - 6) // 2, (area.height - 12) // 3
        for k, (lab, value, change, good) in enumerate(self.tiles()):
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
                    up = change.startswith("+")
                    pts = [(tx - 5, ty + 4), (tx + 5, ty + 4), (tx, ty - 4)] if up else \
                          [(tx - 5, ty - 4), (tx + 5, ty - 4), (tx, ty + 4)]
                    pygame.draw.polygon(surface, col_c, pts)
                text = C.font(16).render(change, True, col_c)
                surface.blit(text, (r.right - 8 - text.get_width(), r.bottom - 18))
