"""The game says things plainly and stays quiet when idle (issue 10, parts 5 and 6).

Headless (SDL dummy driver). The idle loop is driven through `GameApp.step` with a fake clock
that never sleeps: what is checked is how many frames are drawn, never how long anything takes
(speed is measured in bench/bench_game.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from game import app as app_module  # noqa: E402
from game.app import GameApp  # noqa: E402
from game.charts import Chart, Series, nice_ticks, play_charts  # noqa: E402
from sim.policy import LEVERS  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402


class FakeClock:
    """A clock that returns the frame time it was asked for at once, and remembers the rates."""

    def __init__(self) -> None:
        self.rates: list[int] = []
        self.speedup = 1.0            # fake seconds per real frame time (to let flashes run out)

    def tick(self, fps: int = 0) -> int:
        self.rates.append(fps)
        return int(self.speedup * 1000 / fps) if fps else 16


@pytest.fixture
def app(tmp_path: Path):
    a = GameApp(save_dir=tmp_path / "saves", team="Blue")
    a.clock = FakeClock()
    yield a
    a.close()       # every screen closed: a debrief's replay workers stop with it


def settle(app: GameApp, n: int = 40) -> int:
    """Step the loop until it has been idle a while; return the frames drawn meanwhile."""
    drawn = app.draws
    for _ in range(n):
        app.step()
    return app.draws - drawn


def to_play(app: GameApp, scenario: str = "baseline") -> None:
    app.new_game(load_scenario(scenario), 0)
    app.go("play")
    app.frame(1 / 60)
    if app.screen.popup is not None:
        app.screen.popup.kill()
        app.screen.popup = None


# ------------------------------------------------------------------ quiet when idle
def test_an_idle_screen_is_not_redrawn(app: GameApp) -> None:
    settle(app)
    drawn, checks = app.draws, app.manager.hover_checks
    for _ in range(300):                  # 15 s of fake time at the idle rate
        assert not app.step()
    assert app.draws == drawn
    assert app.clock.rates[-1] == app_module.IDLE_FPS
    # the widgets' hover check runs about once a second, not at every look
    assert app.manager.hover_checks - checks <= 15 + 1


def test_input_a_widget_or_a_message_draws_once(app: GameApp) -> None:
    settle(app)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_a, mod=0, unicode="a", scancode=0))
    assert app.step()                                   # input: drawn
    assert settle(app) == 0                             # and then quiet again
    app.screen.quit.set_text("Leave")                   # a widget changed without input
    assert app.step()
    assert settle(app) == 0
    app.notify("Saved", 0.2)
    assert app.step()                                   # the message shows...
    assert settle(app, 10) == 1                         # ...and is drawn away once when it runs out
    assert settle(app) == 0


def test_a_tooltip_still_appears_on_an_idle_screen(app: GameApp, monkeypatch: pytest.MonkeyPatch) -> None:
    settle(app)
    button = app.screen.new_game
    button.set_tooltip("Start a new game.")
    monkeypatch.setattr(pygame.mouse, "get_pos", lambda: button.rect.center)   # the dummy mouse stays at (0, 0)
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=button.rect.center, rel=(1, 1), buttons=(0, 0, 0)))
    assert app.step() and button.hovered                # the hover is drawn with the motion
    waited = 0.0
    while button.tool_tip is None and waited < 3.0:
        app.step()
        waited += 1 / app.clock.rates[-1]
    assert button.tool_tip is not None
    assert waited <= button.tool_tip_delay + 2 / app_module.IDLE_FPS   # within a look or two of its delay
    assert app.draws and app._shown is not None and any(
        data[0] is button.tool_tip.image for data in app.manager.get_sprite_group().visible)
    assert settle(app) == 0                             # shown, then quiet


def test_a_running_quarter_draws_every_frame_then_stops(app: GameApp) -> None:
    to_play(app)
    play = app.screen
    settle(app)
    assert not play.animating
    play.speed = "fast"
    play.end_quarter()
    frames = 0
    while app.session.animating and frames < 500:
        assert play.animating and app.step()
        assert app.clock.rates[-1] == app_module.FPS
        frames += 1
    assert app.session.quarter == 1 and frames > 10
    app.clock.speedup = 10.0
    settle(app, 30)                                     # flashes fade, the last frame is drawn
    assert not play.animating and settle(app) == 0


def test_a_paused_quarter_is_quiet(app: GameApp) -> None:
    to_play(app)
    play = app.screen
    play.speed = "slow"
    play.end_quarter()
    app.step()
    play.paused = True
    app.clock.speedup = 10.0
    settle(app, 30)                                     # conflict flashes run out
    assert app.session.animating and not play.animating
    assert settle(app) == 0


# ------------------------------------------------------------------ plain words in the panel
def test_the_panel_drop_downs_show_labels(app: GameApp) -> None:
    to_play(app)
    panel = app.screen.panel
    for lever in (lv for lv in LEVERS.values() if lv.kind in ("choice", "bool")):
        dd = panel.controls[lever.name]
        values = lever.choices or (True, False)
        assert [text for text, _ in dd.options_list] == [lever.fmt(v) for v in values], lever.name
        assert dd.selected_option[0] == lever.fmt(app.session.lever_value(lever.name))


# ------------------------------------------------------------------ charts without data
def test_charts_without_data_have_no_ticks(app: GameApp) -> None:    # app: pygame and its fonts
    empty = pd.DataFrame({c: [] for c in ("quarter", "revenue_direct", "revenue_partner", "partner_share",
                                          "partner_net_contribution", "partners_active", "partners_recruited",
                                          "partners_churned", "conflicts", "conflicts_lost_by_partners",
                                          "partner_satisfaction_mean", "partner_capability_mean")})
    for chart in play_charts(12):
        chart.set_data(empty)
        assert chart.axis()[2] == [], chart.title
        chart.render((300, 200))
    calm = Chart("Channel conflicts", [Series("conflicts", "incidents", (200, 80, 0))])
    calm.set_data(pd.DataFrame({"conflicts": [0, 0, 0]}))
    assert [t for _, t in calm.axis()[2]] == ["0"]          # a flat line: one tick at its value
    money = Chart("Revenue", [Series("revenue_partner", "partner", (0, 0, 200))])
    money.set_data(pd.DataFrame({"revenue_partner": [0.0, 0.4]}))
    labels = [t for _, t in money.axis()[2]]
    assert len(labels) == len(set(labels)) >= 1                # never "$1 / $1 / $0"
    money.set_data(pd.DataFrame({"revenue_partner": [200_000.0, 1_000_000.0]}))
    assert [t for _, t in money.axis()[2]] == ["$0", "$500k", "$1.00M"]


def test_nice_ticks() -> None:
    assert nice_ticks(0, 1.08e6) == [0.0, 500_000.0, 1_000_000.0]
    assert nice_ticks(0, 1.08, whole=True) == [0.0, 1.0]
    assert nice_ticks(0, 12.96, whole=True) == [0.0, 5.0, 10.0]
    assert nice_ticks(-3.2e6, 0.5e6) == [-2e6, 0.0]
    assert nice_ticks(1.0, 1.0) == [1.0]


# ------------------------------------------------------------------ pop-ups fit their text
def test_event_pop_up_fits_its_message(app: GameApp) -> None:
    from game.popups import message_window

    size = app.window.get_size()
    sentence = ("The head of direct sales reminds the executive team of last year's deal: partners stay "
                "out of the home regions. The fence goes back up this quarter.")
    short = message_window(app.manager, size, sentence, "News")
    long = message_window(app.manager, size, "<br><br>".join([sentence] * 5), "News")
    app.frame(1 / 60)
    for win in (short, long):
        assert win.text_block.scroll_bar is None                  # nothing cut off, no scrolling
        assert app.window.get_rect().contains(win.rect)
    assert long.rect.height > short.rect.height
    assert short.rect.height < 300                                 # no longer the fixed 520x300 box


def test_menu_fits_its_buttons(app: GameApp) -> None:
    to_play(app)
    play = app.screen
    play.open_menu()
    app.frame(1 / 60)
    inside = play.menu.get_container().get_rect()
    last = max(b.rect.bottom for b in play.menu_buttons)
    assert inside.bottom - 40 <= last <= inside.bottom


def test_a_long_message_wraps_inside_the_window(app: GameApp) -> None:
    from game import palette as C

    f = C.font(22)
    text = "Saved to /home/trainer/partnersim-saves/" + "Blue-protectionist_geography-seed0-q4" * 3 + ".json"
    lines = C.wrap(text, f, 300)
    assert len(lines) > 2 and all(f.size(line)[0] <= 300 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")          # nothing lost
