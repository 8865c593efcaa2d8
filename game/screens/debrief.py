"""Debrief: your run beside best practice on the same seed, the mistakes your decisions made,
the scenario's notes, and buttons to save and export. A second tab shows what each group of
decisions was worth (`game.waterfall`), replayed in worker processes while the screen stays
responsive; leaving the debrief stops them."""

from __future__ import annotations

import html

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIButton, UILabel, UITextBox

from game import palette as C
from game.charts import Chart, Series
from game.review import start_attribution
from game.screen import Screen
from game.session import SaveFailed
from game.waterfall import WorthView
from sim import units


class DebriefScreen(Screen):
    """Pushed over the play screen: "Back to game" returns to it as it was left."""

    name = "debrief"

    def __init__(self, app) -> None:
        super().__init__(app)
        r = self.session.review()
        self.review = r
        self.player, self.best = r.player, r.best
        self.mistakes, self.table = r.mistakes, r.table
        self.won, self.clauses = r.won, r.clauses     # clauses: empty until the judged quarter is played
        both = self.player[["quarter", "revenue_partner", "partner_net_contribution"]].copy()
        both["best_partner"] = self.best["revenue_partner"].to_numpy()[: len(both)]
        both["best_net"] = self.best["partner_net_contribution"].to_numpy()[: len(both)]
        self.charts = [
            Chart("Partner revenue: you vs best practice",
                  [Series("revenue_partner", "you", C.SKY), Series("best_partner", "best", C.ORANGE, dashed=True)],
                  unit="money", quarters=max(len(both), 1)),
            Chart("Program net contribution",
                  [Series("partner_net_contribution", "you", C.SKY), Series("best_net", "best", C.ORANGE, dashed=True)],
                  unit="money", quarters=max(len(both), 1), zero_line=True),
        ]
        for c in self.charts:
            c.set_data(both)
        # what each group of decisions was worth: replays run in worker processes from now on,
        # polled in `update`; the left column shows it on its own tab
        self.worth = WorthView(start_attribution(self.session))
        self.tab = "compare"

    def build(self) -> None:
        w, h = self.size
        s = self.session
        if s.quarter < s.scenario.quarters:
            verdict = f"after {s.quarter} of {s.scenario.quarters} quarters"
        else:
            verdict = "goal met" if self.won else "goal missed"
        self.add(UILabel(pygame.Rect(30, 12, w - 60, 40),
                         f"Debrief - {s.scenario.title} - team {s.team} - {verdict}", self.manager,
                         object_id=ObjectID(class_id="@heading", object_id="#verdict")))
        col_w = (w - 90) // 2
        rows = "".join(
            f"<b>{html.escape(r.measure)}</b>: {units.fmt(r.kind, r.player)} "
            f"<font color='#E69F00'>(best practice {units.fmt(r.kind, r.best)})</font><br>"
            for r in self.table.itertuples())
        self.compare_tab = self.add(UIButton(pygame.Rect(30, 60, 230, 26), "Your run vs best practice",
                                             self.manager, object_id=ObjectID(object_id="#compare_tab")))
        self.worth_tab = self.add(UIButton(pygame.Rect(266, 60, col_w - 236, 26), self.worth.tab_label(),
                                           self.manager, object_id=ObjectID(object_id="#worth_tab")))
        (self.worth_tab if self.tab == "worth" else self.compare_tab).select()
        if self.tab == "worth":
            self.worth.build(self.add, self.manager, pygame.Rect(30, 90, col_w, h - 80 - 90))
        else:
            self.add(UITextBox(f"<b>Your run beside best practice, same world, seed {s.seed}, "
                               f"{len(self.player)} quarters</b><br>{rows}",
                               pygame.Rect(30, 90, col_w, 262), self.manager, object_id=ObjectID(object_id="#compare")))
        if self.mistakes:
            items = []
            for m in self.mistakes:
                # who decided which quarters, from the model's record (sim.debrief.Mistake.when)
                items.append(f"<font color='#F0E442'><b>{m.claim} {html.escape(m.title)}</b></font>, "
                             f"{html.escape(m.when())}<br>{html.escape(m.lesson)}<br>"
                             f"<font color='#9AD3F5'>In your game: {html.escape(m.evidence)}</font>")
            mistakes = "<br><br>".join(items)
        else:
            mistakes = "None of the classic mistakes: your levers match what experienced channel leaders do."
        self.add(UITextBox(f"{self.goal_html()}<br><br><b>What your decisions did</b><br><br>{mistakes}",
                           pygame.Rect(30 + col_w + 30, 60, col_w, h - 80 - 200 - 70), self.manager,
                           object_id=ObjectID(object_id="#mistakes")))
        notes = html.escape(s.scenario.debrief.strip()).replace("\n\n", "<br><br>").replace("\n", " ")
        fix = self.fix_html()
        self.add(UITextBox(f"{fix}<b>Notes from the scenario</b><br>{notes or '-'}",
                           pygame.Rect(30 + col_w + 30, h - 80 - 200, col_w, 200), self.manager,
                           object_id=ObjectID(object_id="#notes")))
        y = h - 66
        self.save_btn = self.add(UIButton(pygame.Rect(30, y, 170, 44), "Save game", self.manager,
                                          object_id=ObjectID(object_id="#save")))
        self.export_btn = self.add(UIButton(pygame.Rect(210, y, 200, 44), "Export charts (PNG)", self.manager,
                                            object_id=ObjectID(object_id="#export")))
        self.back_btn = self.add(UIButton(pygame.Rect(420, y, 170, 44), "Back to game", self.manager,
                                          object_id=ObjectID(object_id="#back")))
        self.title_btn = self.add(UIButton(pygame.Rect(w - 230, y, 200, 44), "New game", self.manager,
                                           object_id=ObjectID(class_id="@primary", object_id="#title")))
        self.status = self.add(UILabel(pygame.Rect(600, y + 8, w - 850, 30), "", self.manager,
                                       object_id=ObjectID(class_id="@small", object_id="#status")))

    def fix_html(self) -> str:
        """The lesson of the scenario first (its levers with the values the fix sets), then the
        rest of the fix, then the fix in words, never recommending what the player already did:
        a lever the game already follows is named with the quarter it was set from."""
        summary = html.escape(" ".join(self.session.scenario.fix_summary.split()))
        if not summary:
            return ""
        steps = self.review.fix       # sim.debrief.fix_progress: the lesson's levers first

        def listed(group: list) -> str:
            return "; ".join(html.escape(f"{st.text()} ({st.progress()})") for st in group)

        lesson = [st for st in steps if st.lesson]
        rest = [st for st in steps if not st.lesson]
        lines = []
        if lesson:
            lines.append(f"<font color='#56B4E9'><b>The lesson of this scenario:</b></font> {listed(lesson)}.")
        if rest:
            lines.append(f"{'The rest of the fix' if lesson else 'The fix'}: {listed(rest)}.")
        done = bool(steps) and all(st.since for st in steps)
        head = "You made the fix this scenario recommends" if done else "The fix this scenario recommends"
        lines.append(f"<font color='#56B4E9'><b>{head}:</b></font> {summary}")
        return "<br>".join(lines) + "<br><br>"

    def goal_html(self) -> str:
        """The goal, clause by clause: met or missed, with what this game reached."""
        sc = self.session.scenario
        if not self.clauses:
            return f"<b>The goal</b> (judged at quarter {sc.at_quarter})<br>{html.escape(sc.goal_text())}"
        lines = []
        for c in self.clauses:
            mark = ("<font color='#009E73'><b>met</b></font>" if c.met
                    else "<font color='#D55E00'><b>missed</b></font>")
            value = "" if c.key == "no_program_cut" else f" (you: {html.escape(c.shown)})"
            lines.append(f"{mark}: {html.escape(c.goal)}{value}")
        head = "goal met" if self.won else "goal missed"
        return f"<b>The goal at quarter {sc.at_quarter}: {head}</b><br>" + "<br>".join(lines)

    def chart_rects(self) -> list[pygame.Rect]:
        w, h = self.size
        col_w = (w - 90) // 2
        top, bottom = 358, h - 80
        gh = max(60, (bottom - top - 6) // 2)
        return [pygame.Rect(30, top, col_w, gh), pygame.Rect(30, top + gh + 6, col_w, gh)]

    def save(self) -> None:
        try:
            self.status.set_text(f"Saved to {self.session.save_as()}")
        except SaveFailed as e:
            self.status.set_text(str(e))
            self.status.set_tooltip(str(e))

    def export(self) -> None:
        from game.export import export_charts

        s = self.session
        path = self.app.save_dir / f"{s.save_path().stem if s.save_path() else 'game'}-charts.png"
        try:
            export_charts(self.player, self.best, path, f"{s.scenario.title} - team {s.team}")
        except OSError as e:
            self.status.set_text(f"Could not write the charts to {path}: {e.strerror or e}")
            return
        self.status.set_text(f"Charts written to {path}")

    def show_tab(self, tab: str) -> None:
        """Show "compare" (your run beside best practice) or "worth" (the waterfall)."""
        if tab != self.tab:
            self.tab = tab
            self.rebuild()

    def update(self, dt: float) -> None:
        """Take in finished replays without waiting; show the waterfall when they are all in."""
        if self.worth.update() and self.tab == "worth":
            self.rebuild()
        label = self.worth.tab_label()
        if self.worth_tab.text != label:
            self.worth_tab.set_text(label)

    def rebuild(self) -> None:
        """New widgets (a resize, a tab switch); the replays go on."""
        Screen.teardown(self)
        self.build()

    def suspend(self) -> None:
        Screen.teardown(self)

    def teardown(self) -> None:
        """Leaving the debrief (back to the game, a new game, quitting): stop the replays."""
        self.worth.close()
        super().teardown()

    def handle_event(self, event: pygame.event.Event) -> None:
        if self.tab == "worth":
            self.worth.handle_event(event)
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            if event.type == pygame.KEYDOWN and event.key == pygame.K_s and event.mod & pygame.KMOD_CTRL:
                self.save()
            return
        el = event.ui_element
        if el is self.save_btn:
            self.save()
        elif el is self.export_btn:
            self.export()
        elif el is self.back_btn:
            self.app.back(fallback="play")
        elif el is self.title_btn:
            self.app.reset("picker")
        elif el is self.compare_tab:
            self.show_tab("compare")
        elif el is self.worth_tab:
            self.show_tab("worth")

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(C.BG)
        if self.tab == "worth":
            self.worth.draw(surface)
            return
        for chart, r in zip(self.charts, self.chart_rects(), strict=True):
            surface.blit(chart.render(r.size), r.topleft)
