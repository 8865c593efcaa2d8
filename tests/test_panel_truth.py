"""The policy panel shows what is in force (issue 10): after every quarter, event, load and
change, each drop-down, slider and value label shows `session.lever_value`, a value a policy
event imposed reads "imposed" (disabled, the event and who imposed it in the tooltip) for that
quarter only, and a value picked again after an event reaches the model.

Widgets are driven headless through the events pygame_gui itself posts (the mouse stays at
(0, 0) under the dummy driver, and most controls sit below the panel's visible area): a
drop-down is opened and an option picked by posting UI_BUTTON_PRESSED for its own buttons; a
slider is moved with its own `set_current_value` and the UI_HORIZONTAL_SLIDER_MOVED event it
posts when moved. The app's frame hands every event to the UI manager, then to the screen.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
import pygame_gui  # noqa: E402

from game.app import GameApp  # noqa: E402
from game.policy_panel import PolicyPanel, _option_id, shown_on_slider  # noqa: E402
from game.session import GameSession  # noqa: E402
from sim.policy import LEVERS  # noqa: E402
from sim.scenario import list_scenarios, load_scenario  # noqa: E402

WITH_POLICY_EVENTS = [s.name for s in list_scenarios() if any(e.kind == "policy" for e in s.events)]


@pytest.fixture
def app(tmp_path: Path):
    a = GameApp(save_dir=tmp_path / "saves", team="Blue")
    yield a
    a.close()       # every screen closed: a debrief's replay workers stop with it


def frames(app: GameApp, n: int = 1) -> None:
    for _ in range(n):
        app.frame(1 / 60)


def post(kind: int, **data: Any) -> None:
    pygame.event.post(pygame.event.Event(kind, data))


def pick(app: GameApp, panel: PolicyPanel, name: str, value: Any) -> None:
    """Open a lever's drop-down and pick `value`, as pygame_gui does for a click on each."""
    dd = panel.controls[name]
    assert dd.is_enabled, name
    post(pygame_gui.UI_BUTTON_PRESSED, ui_element=dd.current_state.selected_option_button,
         ui_object_id=dd.most_specific_combined_id, mouse_button=1)
    frames(app)                                            # the drop-down expands on update
    items = dd.current_state.options_selection_list.item_list
    item = next(i for i in items if i["object_id"] == _option_id(LEVERS[name], value))
    post(pygame_gui.UI_BUTTON_PRESSED, ui_element=item["button_element"],
         ui_object_id=item["button_element"].most_specific_combined_id, mouse_button=1)
    frames(app, 3)     # selection list -> drop-down's change event -> the panel, one frame each


def slide(app: GameApp, panel: PolicyPanel, name: str, value: float) -> None:
    """Move a lever's slider to `value` and post the event the slider posts when moved."""
    slider = panel.controls[name]
    assert slider.is_enabled, name
    slider.set_current_value(value)
    post(pygame_gui.UI_HORIZONTAL_SLIDER_MOVED, ui_element=slider, value=slider.get_current_value(),
         ui_object_id=slider.most_specific_combined_id)
    frames(app, 2)


def choose(app: GameApp, panel: PolicyPanel, name: str, value: Any) -> None:
    if LEVERS[name].kind in ("choice", "bool"):
        pick(app, panel, name, value)
    else:
        slide(app, panel, name, value)


def assert_shows_what_is_in_force(panel: PolicyPanel, s: GameSession, planning: bool = True) -> None:
    """Every control shows the value in force for the coming quarter, and why it is fixed."""
    for name, ctrl in panel.controls.items():
        lv = LEVERS[name]
        value = s.lever_value(name)
        label = panel.values[name].text
        if lv.kind in ("choice", "bool"):
            assert ctrl.selected_option == (lv.fmt(value), _option_id(lv, value)), (name, value)
        else:
            assert ctrl.get_current_value() == pytest.approx(shown_on_slider(lv, value)), (name, value)
        imposed = s.imposition(name)
        if imposed is not None:
            assert label == "imposed" and not ctrl.is_enabled, name
            assert imposed.message in ctrl.tool_tip_text and imposed.by in ctrl.tool_tip_text, name
            assert value == imposed.value
        elif name in s.scenario.locked:
            assert label == "locked" and not ctrl.is_enabled, name
        else:
            assert ctrl.is_enabled == planning, name
            if lv.kind in ("int", "float"):
                assert label.lstrip("* ") == lv.fmt(value), (name, label)
            marked = label.startswith("* ") or label == "changed"
            assert marked == (name in s.pending), (name, label)


def dismiss(app: GameApp) -> None:
    play = app.screen
    if play.popup is not None:
        post(pygame_gui.UI_BUTTON_PRESSED, ui_element=play.popup.dismiss_button,
             ui_object_id=play.popup.dismiss_button.most_specific_combined_id, mouse_button=1)
        frames(app, 2)
        assert play.popup is None


def play_quarter(app: GameApp) -> None:
    play = app.screen
    quarter = app.session.quarter
    play.speed = "instant"
    play.end_quarter()
    frames(app)
    assert app.session.quarter == quarter + 1 and not app.session.animating


@pytest.mark.parametrize("name", WITH_POLICY_EVENTS)
def test_panel_shows_what_is_in_force_through_every_event(app: GameApp, name: str) -> None:
    """A player follows the fix through the real controls, at every planning where they may;
    after each quarter every control shows the value in force, an imposed value is shown as
    imposed for its quarter, and the fix picked again the quarter after reaches the model."""
    sc = load_scenario(name)
    app.new_game(sc, 0)
    app.go("play")
    play, s = app.screen, app.session
    frames(app)
    policy_quarters = sorted({e.quarter for e in sc.events if e.kind == "policy"})
    last = min(sc.quarters, policy_quarters[-1] + 1)
    fix = {k: LEVERS[k].check(v) for k, v in sc.fix.items()}
    while s.quarter < last:
        q = s.quarter + 1
        dismiss(app)
        assert_shows_what_is_in_force(play.panel, s)
        imposed_now = {k for k in LEVERS if s.imposition(k)}
        assert imposed_now == {lv for e in sc.events if e.kind == "policy" and e.quarter == q for lv in dict(e.changes)}
        for lever, value in fix.items():
            if lever not in imposed_now and s.lever_value(lever) != value:
                choose(app, play.panel, lever, value)
                assert s.lever_value(lever) == value, lever
                assert_shows_what_is_in_force(play.panel, s)
        play_quarter(app)
        assert_shows_what_is_in_force(play.panel, s)
        in_force = s.model.policy_history[q - 1]
        for lever, value in fix.items():
            imp = s.model.imposed(lever, q)
            assert in_force[lever] == (imp.value if imp else value), (q, lever)
    for q in policy_quarters:
        if q <= last:
            news = [e.cause for e in s.model.event_log if e.kind == "policy_imposed" and e.quarter == q]
            by = {e.who for e in sc.events if e.kind == "policy" and e.quarter == q}
            assert news and all(any(w[:1].upper() + w[1:] in n for w in by) for n in news), news


def test_picking_the_fix_again_after_an_event_reaches_the_model(app: GameApp, tmp_path: Path) -> None:
    """The issue's repro (protectionist_geography, seed 11): the fence the head of direct sales
    puts back up in quarter 5 shows in the panel as imposed; at quarter 6's planning the
    drop-down shows "new markets only", so picking "all" again sends a change that reaches
    the model. A saved game resumed at quarter 5's planning shows the imposed value too."""
    app.new_game(load_scenario("protectionist_geography"), 11)
    app.go("play")
    play, s = app.screen, app.session
    pick(app, play.panel, "partner_regions", "all")
    pick(app, play.panel, "direct_comp", "neutral")
    for _ in range(4):
        dismiss(app)
        play_quarter(app)
    assert s.model.policy_history[3]["partner_regions"] == "all"
    # planning quarter 5: the event has fired, the pop-up says so, the panel and the map agree
    assert play.popup is not None
    imposed = f"The head of direct sales imposed: {LEVERS['partner_regions'].label}: "
    assert imposed in play.popup.text_block.html_text and "again from quarter 6" in play.popup.text_block.html_text
    assert imposed in play.news.html_text                     # the news feed says it too
    assert s.lever_value("partner_regions") == "new_markets_only"
    assert play.panel.values["partner_regions"].text == "imposed"
    assert not play.panel.controls["partner_regions"].is_enabled
    assert not any(r.open_to_partners for r in s.snapshot().regions if r.home)     # the map's view
    assert_shows_what_is_in_force(play.panel, s)
    saved = s.save_as(tmp_path / "q5.json")
    dismiss(app)
    play_quarter(app)
    assert s.model.policy_history[4]["partner_regions"] == "new_markets_only"
    # planning quarter 6: the player may change it again, and the pick reaches the model
    assert s.imposition("partner_regions") is None
    assert play.panel.controls["partner_regions"].selected_option[1] == "new_markets_only"
    pick(app, play.panel, "partner_regions", "all")
    assert s.pending == {"partner_regions": "all"}
    play_quarter(app)
    assert s.model.policy_history[5]["partner_regions"] == "all"
    assert all(r.open_to_partners for r in s.snapshot().regions)
    # a fresh window resuming the save at quarter 5's planning shows the value imposed
    other = GameApp(save_dir=tmp_path / "other")
    other.load_game(saved)
    frames(other)
    assert other.session.quarter == 4
    assert other.screen.panel.values["partner_regions"].text == "imposed"
    assert_shows_what_is_in_force(other.screen.panel, other.session)


def test_debrief_screen_separates_chosen_from_imposed(app: GameApp) -> None:
    """The debrief shows who decided each quarter of a mistake, from the model's record, and
    names a fix the player already made instead of recommending it."""
    s = GameSession(load_scenario("protectionist_geography"), 11)
    for q in range(1, 13):
        if q in (1, 6, 9):                      # open the fence whenever the player may
            s.set_lever("partner_regions", "all")
        if q == 1:
            s.set_lever("direct_comp", "neutral")
        s.play_quarter()
    app.session = s
    app.go("debrief")
    mistakes = app.screen.review.mistakes
    fence = next(m for m in mistakes if m.claim == "C4")
    assert fence.when() == "Q5 imposed by the head of direct sales; Q8 imposed by the CRO"
    boxes = {el.most_specific_combined_id.split(".")[-1]: el for el in app.screen.elements
             if hasattr(el, "html_text")}
    assert html.escape(fence.when()) in boxes["#mistakes"].html_text
    notes = boxes["#notes"].html_text
    assert "You made the fix this scenario recommends" in notes and "from Q1" in notes
    assert "The fix this scenario recommends:" not in notes


def test_debrief_names_the_lesson_first(app: GameApp) -> None:
    """The debrief's fix names the scenario's lesson levers first, with the values the fix
    sets (as the panel words them), then the rest of the fix; a lever the player already
    follows is named with the quarter it was set from."""
    sc = load_scenario("impatient_board")
    assert sc.rest_of_fix, "a scenario whose lesson is part of its fix"
    s = GameSession(sc, 0)
    first = sc.lesson[0]
    s.set_lever(first, sc.fix[first])
    s.play_quarter()
    s.play_quarter()
    app.session = s
    app.go("debrief")
    steps = app.screen.review.fix
    assert [st.lever for st in steps] == [*sc.lesson, *sc.rest_of_fix]
    assert [st.lesson for st in steps] == [lv in sc.lesson for lv in [*sc.lesson, *sc.rest_of_fix]]
    notes = next(el for el in app.screen.elements
                 if getattr(el, "most_specific_combined_id", "").endswith("#notes")).html_text
    lesson_at, rest_at = notes.index("The lesson of this scenario:"), notes.index("The rest of the fix:")
    assert lesson_at < rest_at < notes.index("The fix this scenario recommends:")
    for lever in sc.lesson:
        named = html.escape(f"{LEVERS[lever].label}: {LEVERS[lever].fmt(LEVERS[lever].check(sc.fix[lever]))}")
        assert lesson_at < notes.index(named) < rest_at, named
    for lever in sc.rest_of_fix:
        assert rest_at < notes.index(html.escape(LEVERS[lever].label)), lever
    assert "(you did this from Q1)" in notes
    # a step not followed names what the player chose instead, as the panel words it
    for st in steps:
        if not st.since:
            mine = s.model.policy_history[-1][st.lever]
            assert html.escape(f"{st.text()} (your last choice: {LEVERS[st.lever].fmt(mine)})") in notes
