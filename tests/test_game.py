"""The game, driven headless through real pygame events (SDL dummy driver).

Under the dummy driver the mouse stays at (0, 0), so clicks are posted as mouse events at a
widget's centre; pygame_gui's own events arrive on the next frame.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from game.app import GameApp  # noqa: E402
from game.app import main as play_main  # noqa: E402
from sim.scenario import list_scenarios  # noqa: E402


@pytest.fixture
def app(tmp_path: Path):
    a = GameApp(save_dir=tmp_path / "saves", team="Blue")
    yield a
    a.close()       # every screen closed: a debrief's replay workers stop with it


def frames(app: GameApp, n: int = 2, dt: float = 1 / 60) -> None:
    for _ in range(n):
        app.frame(dt)


def click(app: GameApp, element) -> None:
    """Press and release the left button on `element`, as a player would."""
    pos = element.rect.center
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    frames(app, 3)


def key(app: GameApp, k: int, mod: int = 0) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0))
    frames(app, 2)


def run_out_quarter(app: GameApp) -> None:
    """Let the animated quarter finish (big time steps, normal speed)."""
    for _ in range(40):
        if not app.session.animating:
            return
        app.frame(1.0)


def to_play(app: GameApp, name: str = "baseline") -> None:
    """Title -> picker (select `name` in the library list) -> briefing -> play."""
    assert app.screen.name == "title"
    click(app, app.screen.new_game)
    picker = app.screen
    assert picker.name == "picker"
    text = next(t for t, sc in picker.entries.items() if sc.name == name)
    item = next(i for i in picker.library.item_list if i["text"] == text)
    click(app, item["button_element"])
    assert picker.selected.name == name and picker.selected.title in picker.card.html_text
    click(app, picker.play)
    assert app.screen.name == "briefing"
    click(app, app.screen.start)
    assert app.screen.name == "play"


def test_play_three_quarters_save_load_debrief(app: GameApp, tmp_path: Path) -> None:
    to_play(app)
    play = app.screen
    model = app.session.model
    # move a slider: one click on its right arrow adds a partner manager
    slider = play.panel.controls["partner_team_size"]
    before = app.session.lever_value("partner_team_size")
    click(app, slider.right_button)
    assert app.session.lever_value("partner_team_size") == before + 1
    assert model.policy.partner_team_size == before          # not applied until the quarter starts
    chart = play.charts[0]
    blank = pygame.image.tobytes(chart.render((300, 200)), "RGB")
    for q in range(1, 4):
        key(app, pygame.K_SPACE)
        assert app.session.animating
        run_out_quarter(app)
        assert app.session.quarter == q
        if play.popup is not None:   # the baseline has no scheduled events
            pytest.fail("unexpected pop-up")
    assert model.policy.partner_team_size == before + 1
    assert len(model.managers) == before + 1
    assert pygame.image.tobytes(chart.render((300, 200)), "RGB") != blank   # the chart grew
    assert len(play.frame) == 3 and play.tiles()[0][1] != "-"
    # the autosave after each quarter, and Ctrl+S
    key(app, pygame.K_s, pygame.KMOD_CTRL)
    saved = app.session.last_save
    data = json.loads(saved.read_text())
    assert data["quarters_played"] == 3 and data["decisions"][0]["changes"] == {"partner_team_size": before + 1}
    # a fresh window resumes the same game, replayed to the same state
    other = GameApp(save_dir=tmp_path / "other")
    other.load_game(saved)
    assert other.screen.name == "play"
    assert other.session.model.quarterly_frame().equals(model.quarterly_frame())
    # Esc opens the menu; "Debrief now" reaches the debrief
    app.go(play)    # back to the first window's screen
    key(app, pygame.K_ESCAPE)
    button = next(b for b, action in app.screen.menu_buttons.items() if action == "debrief")
    click(app, button)
    assert app.screen.name == "debrief"
    assert any(m.claim == "C2" for m in app.screen.mistakes)          # competing comp in baseline
    assert len(app.screen.best) == 3                                  # best practice, same length
    click(app, app.screen.export_btn)
    assert list((tmp_path / "saves").glob("*-charts.png"))


def test_event_popup_must_be_acknowledged(app: GameApp, tmp_path: Path) -> None:
    src = Path(__file__).parent.parent / "scenarios" / "baseline.toml"
    text = src.read_text().replace('name = "baseline"', 'name = "shocked"')
    text += ('\n[locked]\npartner_regions = "Sales leadership will not open the home regions this year."\n'
             '\n[[events]]\nquarter = 2\nkind = "shock"\nshock = "demand"\nsize = 0.7\nduration = 2\n'
             'message = "A recession cuts buying demand by 30% for two quarters."\n')
    path = tmp_path / "shocked.toml"
    path.write_text(text)
    from sim.scenario import load_scenario

    app.new_game(load_scenario(path), 1)
    from game.screens.play import PlayScreen

    app.go(PlayScreen(app))
    play = app.screen
    assert "partner_regions" in play.panel.disabled and not play.panel.controls["partner_regions"].is_enabled
    key(app, pygame.K_SPACE)
    run_out_quarter(app)
    assert play.popup is not None and "recession" in play.popup.text_block.html_text
    key(app, pygame.K_SPACE)                      # blocked until acknowledged
    assert not app.session.animating and app.session.quarter == 1
    click(app, play.popup.dismiss_button)
    assert play.popup is None
    key(app, pygame.K_SPACE)
    assert app.session.animating


def test_first_quarter_news_pops_up_when_play_starts(app: GameApp, tmp_path: Path) -> None:
    src = Path(__file__).parent.parent / "scenarios" / "baseline.toml"
    path = tmp_path / "early.toml"
    path.write_text(src.read_text().replace('name = "baseline"', 'name = "early"') +
                    '\n[[events]]\nquarter = 1\nkind = "shock"\nshock = "reputation"\nsize = -0.2\n'
                    'message = "An analyst calls your partner program an afterthought."\n')
    from game.screens.play import PlayScreen
    from sim.scenario import load_scenario

    app.new_game(load_scenario(path), 0)
    app.go(PlayScreen(app))
    frames(app, 2)
    assert app.screen.popup is not None and "afterthought" in app.screen.popup.text_block.html_text


def test_hover_explains_partner_and_drawing_changes_nothing(app: GameApp) -> None:
    to_play(app)
    play = app.screen
    for _ in range(2):
        key(app, pygame.K_SPACE)
        run_out_quarter(app)
    i = next(i for i in play.map.slots if app.session.model.partners.stage[i] not in (0, 5))
    x, y = play.map.partner_position(i)
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(int(x), int(y)), rel=(0, 0), buttons=(0, 0, 0)))
    frames(app, 1)
    assert play.map.hovered == i
    assert play.map.tooltip_lines(i)[0] == app.session.model.partner_agents[i].name
    state = (app.session.model.steps, app.session.model.quarterly_frame().to_json())
    for _ in range(3):
        play.draw(app.window)
    assert state == (app.session.model.steps, app.session.model.quarterly_frame().to_json())


def test_bad_play_arguments_exit_with_one_line(tmp_path: Path, capsys) -> None:
    assert play_main(["--scenario", "no_such_scenario"]) == 2
    err = capsys.readouterr().err.strip()
    assert "no_such_scenario" in err and "\n" not in err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "partnersim-save", "version": 1, "scenario": "baseline",
                               "seed": 0, "decisions": [{"quarter": 1, "changes": {"enablement": 7}}]}))
    assert play_main(["--load", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert str(bad) in err and "enablement" in err and "\n" not in err


@pytest.mark.parametrize("name", [s.name for s in list_scenarios()])
def test_every_scenario_plays_to_the_end_and_shows_its_events(app: GameApp, name: str) -> None:
    """Title to debrief for every scenario: each scheduled event pops up in the quarter
    before it fires, is acknowledged, and reaches the news feed's event log."""
    to_play(app, name)
    play = app.screen
    sc = app.session.scenario
    shown: list[str] = []
    while not app.session.finished:
        key(app, pygame.K_SPACE)
        run_out_quarter(app)
        if play.popup is not None:
            shown.append(play.popup.text_block.html_text)
            click(app, play.popup.dismiss_button)
            assert play.popup is None
    assert app.session.quarter == sc.quarters == 12
    for ev in sc.events:
        assert any(html.escape(ev.message) in text for text in shown), ev.message
    logged = [e.cause for e in app.session.model.event_log if e.kind == "scenario_event"]
    assert sorted(logged) == sorted(e.message for e in sc.events)
    key(app, pygame.K_SPACE)                       # the last End quarter opens the debrief
    assert app.screen.name == "debrief"
    assert app.screen.clauses and app.screen.won == sc.won(app.session.model.quarterly_frame())


def risk_lines(lines: list[str]) -> tuple[list[str], bool]:
    """The hover card's "at risk: ..." lines, and whether it says "not at risk"."""
    return [s for s in lines if s.startswith("at risk:")], "not at risk" in lines


@pytest.mark.parametrize(("name", "seed"), [("baseline", 0), ("competing_comp_plans", 2)])
def test_hover_says_at_risk_only_when_the_partner_is(app: GameApp, name: str, seed: int) -> None:
    """Every partner's hover card says "at risk" (with its reasons) exactly when the model says it
    is (flagged by the life cycle, or a high exit hazard), and "not at risk" otherwise: no
    partner is called at risk for want of a reason."""
    from sim.scenario import load_scenario

    app.new_game(load_scenario(name), seed)
    app.go("play")
    play = app.screen
    play.speed = "instant"
    seen = {True: 0, False: 0}
    for _ in range(4):
        play.end_quarter()
        frames(app, 1)
        if play.popup is not None:
            click(app, play.popup.dismiss_button)
        view = app.session.snapshot()
        assert view.quarter == app.session.quarter
        for p in view.partners:
            if not p.enrolled:
                continue
            at_risk, not_at_risk = risk_lines(play.map.tooltip_lines(p.index))
            assert p.at_risk or p.stage != "at_risk"       # the life cycle's flag always counts
            if p.at_risk:
                assert p.risk_reasons and at_risk == [f"at risk: {p.risk_reasons[0]}"] and not not_at_risk, p
            else:
                assert not p.risk_reasons and not at_risk and not_at_risk, p
            seen[p.at_risk] += 1
    assert seen[False] > 0


def test_debrief_goes_back_to_the_same_play_screen(app: GameApp) -> None:
    """The debrief is pushed over the play screen: "Back to game" pops back to the same screen,
    with its speed and auto-play as they were and the quarter still running."""
    to_play(app)
    play = app.screen
    key(app, pygame.K_SPACE)
    run_out_quarter(app)
    play.speed = "slow"
    click(app, play.auto_btn)                      # auto-play on: the next quarter starts
    assert play.auto and app.session.animating
    key(app, pygame.K_ESCAPE)
    button = next(b for b, action in play.menu_buttons.items() if action == "debrief")
    click(app, button)
    debrief = app.screen
    assert debrief.name == "debrief" and app.stack == [play, debrief]
    week = app.session.week_in_quarter
    frames(app, 5, dt=1.0)                          # nothing runs under the debrief
    assert app.session.week_in_quarter == week
    click(app, debrief.back_btn)
    assert app.screen is play and app.stack == [play]
    assert play.speed == "slow" and play.auto and play.speed_menu.selected_option[0] == "slow"
    assert play.panel.controls and play.map is not None
    run_out_quarter(app)
    assert app.session.quarter >= 2


def test_unwritable_save_folder_never_stops_the_game(tmp_path: Path) -> None:
    """A save folder that cannot exist (a path under a regular file, like a pulled USB stick):
    the autosave after each quarter and Ctrl+S report the failure, and the game goes on."""
    blocker = tmp_path / "stick"
    blocker.write_text("not a folder")
    app = GameApp(save_dir=blocker / "saves", team="Blue")
    try:
        to_play(app)
        play = app.screen
        for q in (1, 2):
            key(app, pygame.K_SPACE)
            run_out_quarter(app)
            assert app.session.quarter == q and not app.session.animating
            assert app.session.save_error and str(blocker / "saves") in app.session.save_error
            assert play.save_alert is not None
            assert "Could not save to" in play.save_alert.text_block.html_text
            assert "the game goes on" in play.save_alert.text_block.html_text
            if q == 2:                                # the window is still open: a line says it again
                assert "the game goes on" in app.toast[0] and app.toast[1] > 0
        click(app, play.save_alert.dismiss_button)
        assert play.save_alert is None
        key(app, pygame.K_s, pygame.KMOD_CTRL)        # Ctrl+S: the same message, no crash
        assert play.save_alert is not None and "Not a directory" in play.save_alert.text_block.html_text
        key(app, pygame.K_F12)                        # a screenshot cannot be written either
        assert "Could not save the screenshot" in app.toast[0]
        key(app, pygame.K_SPACE)                      # the game goes on
        run_out_quarter(app)
        assert app.session.quarter == 3
        app.push("debrief")
        click(app, app.screen.save_btn)
        assert "Could not save to" in app.screen.status.text
        click(app, app.screen.export_btn)
        assert "Could not write the charts" in app.screen.status.text
    finally:
        app.close()
