"""The game's window and main loop: events, then update, then draw.

`partnersim play [--scenario NAME|PATH] [--seed N] [--team NAME] [--fullscreen] [--load SAVE.json]`
opens a resizable window (1280x720 by default). Without a display it says so and points at
`partnersim run`. The game is a stack of screens (title, picker, briefing, play, debrief),
each owning its widgets and found by name in SCREENS: `go` replaces the screen shown,
`push` puts one on top (the debrief over the play screen) and `back` returns to the one
under it as it was left. The game reads the model through the session and never computes
an outcome itself.

The main loop runs at FPS while something moves (a quarter running: `Screen.animating`) and
for a moment after input; otherwise it looks at the screen IDLE_FPS times a second (input,
hover, a tooltip's or caret's timer, a message running out) and draws only when what is shown
changed, so a game left open on the debrief during a workshop keeps the laptop quiet.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.screen import Screen

SIZE = (1280, 720)
THEME = Path(__file__).with_name("theme.json")
FPS = 60               # frames a second while something moves
IDLE_FPS = 20          # looks a second at an idle screen: hover and tooltips show within 50 ms
AWAKE_SECONDS = 0.5    # full frame rate this long after the last input (dragging a slider)


# The screens, by name: screens ask for each other by name, so none imports another.
SCREENS: dict[str, str] = {
    "title": "game.screens.title:TitleScreen",
    "picker": "game.screens.picker:PickerScreen",
    "briefing": "game.screens.briefing:BriefingScreen",
    "play": "game.screens.play:PlayScreen",
    "debrief": "game.screens.debrief:DebriefScreen",
    "join": "game.screens.join:JoinScreen",
    "handoff": "game.screens.handoff:HandoffScreen",
}


def screen_class(name: str) -> type:
    """The screen class registered as `name` in SCREENS (imported on first use)."""
    import importlib

    if name not in SCREENS:
        raise KeyError(f"no screen named {name!r} (screens: {', '.join(SCREENS)})")
    module, cls = SCREENS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def has_display() -> bool:
    """Whether a window can be opened (an X11/Wayland display, or a non-Linux desktop)."""
    if os.environ.get("SDL_VIDEODRIVER") == "dummy":
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


class GameApp:
    """The window, the UI manager, the current screen and the game session.

    Args:
        size: Window size in pixels.
        fullscreen: Start in full screen.
        save_dir: Folder for autosaves, saves, screenshots and exported charts.
        team: Team name to start with.
        seed: World seed (None: each scenario's own).
    """

    def __init__(self, size: tuple[int, int] = SIZE, fullscreen: bool = False,
                 save_dir: Path | None = None, team: str | None = None, seed: int | None = None) -> None:
        import pygame

        from game.quiet_ui import QuietUIManager

        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        pygame.init()
        from game import palette

        palette.font.cache_clear()   # fonts die with pygame.quit(); a new window needs new ones
        pygame.display.set_caption("partnersim")
        flags = pygame.RESIZABLE | (pygame.FULLSCREEN if fullscreen else 0)
        self.window = pygame.display.set_mode(size, flags)
        self.manager = QuietUIManager(self.window.get_size(), str(THEME))
        # bold at the text-box size (HTML <b>), which the theme itself does not load
        self.manager.preload_fonts([{"name": "noto_sans", "point_size": size, "style": "bold"}
                                    for size in (15,)])
        self.clock = pygame.time.Clock()
        self.save_dir = Path(save_dir) if save_dir else Path.cwd() / "partnersim-saves"
        self.team = team or "Team"
        self.seed = seed
        self.session = None
        self.join_prefill: dict | None = None   # `play --join`: the join screen's fields
        self.hotseat = None                   # several teams on this laptop (`game.hotseat.HotSeatGame`)
        self.hotseat_picking = False          # the picker sets up a hot-seat game
        self.hotseat_teams = "Red, Blue, Green"
        self.stack: list[Screen] = []     # screens, the one shown last
        self.toast: tuple[str, float] = ("", 0.0)    # a short message and its seconds left
        self.running = True
        self.fullscreen = fullscreen
        self.frame_times: deque[float] = deque(maxlen=2000)   # seconds per drawn frame, the latest
        self.draws = 0                   # frames drawn so far
        self._shown: tuple | None = None   # what the last drawn frame showed (see `_look`)
        self._moving = True              # the last frame animated: draw once more when it stops
        self._since_input = 0.0          # seconds since the last event
        self.go("title")

    # ------------------------------------------------------------- screens
    @property
    def screen(self) -> Screen | None:
        """The screen shown (the top of the stack), or None."""
        return self.stack[-1] if self.stack else None

    def _make(self, screen: str | Screen) -> Screen:
        return screen if not isinstance(screen, str) else screen_class(screen)(self)

    def go(self, screen: str | Screen) -> None:
        """Replace the screen shown with `screen` (a name from SCREENS, or a screen)."""
        screen = self._make(screen)
        if self.stack:
            self.stack.pop().teardown()
        self.stack.append(screen)
        screen.build()

    def push(self, screen: str | Screen) -> None:
        """Show `screen` on top of the current one, which keeps its state for `back`."""
        screen = self._make(screen)
        if self.stack:
            self.stack[-1].suspend()
        self.stack.append(screen)
        screen.build()

    def back(self, fallback: str | None = None) -> None:
        """Close the screen shown and return to the one under it, as it was left (with
        nothing under it: go to `fallback`, if given)."""
        if len(self.stack) < 2:
            if fallback is not None:
                self.go(fallback)
            return
        self.stack.pop().teardown()
        self.stack[-1].resume()

    def reset(self, screen: str | Screen) -> None:
        """Close every screen and show `screen` (leaving a game for the title or picker)."""
        while self.stack:
            self.stack.pop().teardown()
        self.go(screen)

    def new_game(self, scenario, seed: int) -> None:
        """Start a session on `scenario` with `seed` (autosaving to `save_dir`)."""
        from game.session import GameSession
        from sim.attribution import start_worker_server

        self.session = GameSession(scenario, seed, self.team, save_dir=self.save_dir)
        start_worker_server()      # ready by the debrief, whose replays are forked from it

    def load_game(self, path: str | Path) -> None:
        """Resume a saved game at the play screen."""
        from game.session import GameSession
        from sim.attribution import start_worker_server

        self.session = GameSession.load(path, save_dir=self.save_dir)
        self.team = self.session.team
        start_worker_server()      # ready by the debrief, whose replays are forked from it
        self.reset("play")

    def start_room_session(self, session) -> None:
        """Play a classroom seat (`game.room_session.RoomSession`): the briefing for a room
        joined before it started, else straight to the play screen, which catches up."""
        from sim.attribution import start_worker_server

        if self.session is not None and self.session is not session:
            self.session.close()
        self.session = session
        self.team = session.team
        start_worker_server()
        if session.rejoined:
            self.reset("play")
        else:
            self.go("briefing")

    def start_hotseat(self, scenario: str, seed: int, teams: list[str]) -> None:
        """Start a hot-seat game in a new file in the save folder, and hand over to the first team."""
        from classroom.app import ClassroomError
        from classroom.schemas import Refused
        from game.hotseat import HotSeatGame, new_file

        try:
            self._open_hotseat(HotSeatGame.start(new_file(self.save_dir, scenario), scenario, seed, teams,
                                                 self.save_dir))
        except Refused as e:
            self.notify(f"Teams: {e.reason}", 6.0)
        except (ClassroomError, OSError) as e:
            self.notify(f"Could not start the hot-seat game: {e}", 6.0)

    def resume_hotseat(self, path: Path) -> None:
        """Carry on the hot-seat game in `path` (every action replayed)."""
        from classroom.app import ClassroomError
        from game.hotseat import HotSeatGame

        try:
            self._open_hotseat(HotSeatGame.resume(path, self.save_dir))
        except (ClassroomError, OSError) as e:
            self.notify(f"Could not resume {path.name}: {e}", 6.0)

    def start_turns(self, turns) -> None:
        """Several teams of a classroom on this laptop (`game.hotseat.ClassroomTurns`): the turn screen."""
        self._open_hotseat(turns)

    def _open_hotseat(self, game) -> None:
        from sim.attribution import start_worker_server

        self.leave_hotseat(to_title=False)
        self.hotseat = game
        self.session = None
        start_worker_server()
        self.reset("handoff")

    def leave_hotseat(self, to_title: bool = True) -> None:
        """Close the hot-seat game (its file keeps it) and go to the title."""
        if self.hotseat is not None:
            self.hotseat.close()
            self.hotseat = None
            self.session = None
        if to_title:
            self.reset("title")

    def last_autosave(self) -> Path | None:
        """The most recently written save in `save_dir`, if any (None if it cannot be read)."""
        try:
            if not self.save_dir.is_dir():
                return None
            saves = sorted(self.save_dir.glob("*.json"), key=lambda p: p.stat().st_mtime)
        except OSError:
            return None
        return saves[-1] if saves else None

    def notify(self, message: str, seconds: float = 4.0) -> None:
        """Show a short message at the bottom of the window for `seconds`."""
        self.toast = (message, seconds)

    # ---------------------------------------------------------------- loop
    def screenshot(self, path: Path | None = None) -> Path:
        """Save the window as a PNG (F12)."""
        import pygame

        path = path or self.save_dir / "screenshots" / f"partnersim-{time.strftime('%Y%m%d-%H%M%S')}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.window, str(path))
        return path

    def toggle_fullscreen(self) -> None:
        import pygame

        self.fullscreen = not self.fullscreen
        flags = pygame.RESIZABLE | (pygame.FULLSCREEN if self.fullscreen else 0)
        self.window = pygame.display.set_mode(SIZE if not self.fullscreen else (0, 0), flags)
        self.resized()

    def resized(self) -> None:
        """Fit the UI to a new window size; each screen rebuilds its widgets."""
        import pygame

        self.window = pygame.display.get_surface()
        self.manager.set_window_resolution(self.window.get_size())
        if self.screen is not None:
            self.screen.rebuild()

    def handle(self, event) -> None:
        """One event: the UI manager first, then the app's keys, then the screen."""
        import pygame

        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type == pygame.VIDEORESIZE:
            self.resized()
            return
        self.manager.process_events(event)
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_F11:
                self.toggle_fullscreen()
                return
            if event.key == pygame.K_F12:
                try:
                    self.notify(f"Screenshot saved to {self.screenshot()}")
                except (OSError, pygame.error) as e:
                    self.notify(f"Could not save the screenshot: {getattr(e, 'strerror', None) or e}")
                return
        self.screen.handle_event(event)

    @property
    def animating(self) -> bool:
        """Something on screen moves by itself (`Screen.animating`): draw every frame."""
        return self.screen is not None and self.screen.animating

    def frame(self, dt: float, events=None, force: bool = True) -> bool:
        """Run one frame: handle events, update, draw. Drawing never changes state.

        Args:
            dt: Seconds since the last frame.
            events: The events to handle (default: the queue's).
            force: Draw even if nothing changed (screenshots, tests); the main loop passes
                False and draws only after input, while animating, or when what is shown
                changed (a widget, a tooltip, a caret, a message).

        Returns:
            Whether the frame was drawn.
        """
        import pygame

        start = time.perf_counter()
        events = pygame.event.get() if events is None else list(events)
        for event in events:
            self.handle(event)
        self.screen.update(dt)
        self.manager.update(dt)
        msg, left = self.toast
        self.toast = (msg, max(0.0, left - dt))
        was_moving, self._moving = self._moving, self.animating
        look = self._look()
        if not (force or events or self._moving or was_moving or look != self._shown):
            return False
        self.screen.draw(self.window)
        self.manager.draw_ui(self.window)
        self._draw_toast(self.window)        # over the widgets: a message must be seen
        pygame.display.flip()
        self._shown = look
        self.draws += 1
        self.frame_times.append(time.perf_counter() - start)
        return True

    def _look(self) -> tuple:
        """What the window shows besides the screen's own drawing, cheaply: which widget
        images sit where (a hover, a tooltip, a new text swap the image), the carets of focused
        text fields, and the message at the bottom. The screen's drawing changes only with
        input or while it animates, which `frame` checks itself. It holds the images themselves,
        not their ids, so a new image can never pass for a freed one at the same address."""
        sprites = tuple((data[0], tuple(data[1]), tuple(data[2]) if data[2] else None)
                        for data in self.manager.get_sprite_group().visible)
        focus = sorted(self.manager.get_focus_set() or (), key=id)
        carets = tuple((e, bool(getattr(e, "cursor_on", False))) for e in focus)
        msg, left = self.toast
        return self.screen, self.window.get_size(), sprites, carets, msg if left > 0 else ""

    def step(self) -> bool:
        """One pass of the main loop: at FPS while something moves or input is recent, else a
        sleep to the next of IDLE_FPS looks; then a frame, drawn only if something changed.
        Returns whether it drew."""
        import pygame

        awake = self._moving or self.animating or self._since_input < AWAKE_SECONDS
        dt = self.clock.tick(FPS if awake else IDLE_FPS) / 1000.0
        events = pygame.event.get()
        self._since_input = 0.0 if events else self._since_input + dt
        return self.frame(dt, events, force=False)

    def loop(self, seconds: float | None = None) -> None:
        """Run the main loop until the window closes (or for `seconds`: benchmarks)."""
        end = None if seconds is None else time.perf_counter() + seconds
        while self.running and (end is None or time.perf_counter() < end):
            self.step()

    def _draw_toast(self, surface) -> None:
        import pygame

        from game import palette as C

        msg, left = self.toast
        if left <= 0 or not msg:
            return
        w, h = surface.get_size()
        f = C.font(22)
        lines = C.wrap(msg, f, w - 44)         # a long path wraps rather than running off
        lh = f.get_linesize()
        box = pygame.Rect(0, 0, max(f.size(s)[0] for s in lines) + 24, lh * len(lines) + 14)
        box.midbottom = (w // 2, h - 12)
        pygame.draw.rect(surface, C.YELLOW, box, border_radius=6)
        for k, line in enumerate(lines):
            surface.blit(f.render(line, True, C.BG), (box.x + 12, box.y + 7 + k * lh))

    def run(self) -> None:
        """The main loop, until the window closes."""
        self.loop()
        if self.session is not None:
            self.session.autosave()
            self.session.close()
        if self.hotseat is not None:
            self.hotseat.close()
        self.close()

    def close(self) -> None:
        """Close every screen (a debrief stops its replay workers), then pygame."""
        import pygame

        while self.stack:
            self.stack.pop().teardown()
        pygame.quit()


def add_play_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `partnersim play` (shared by the console script and `python -m game`)."""
    from sim.cli import seed_type

    parser.add_argument("--scenario", default=None, help="scenario name or path to a .toml file")
    parser.add_argument("--seed", type=seed_type, default=None, help="world seed (default: the scenario's)")
    parser.add_argument("--team", default=None, help="team name shown on screen and in the save")
    parser.add_argument("--fullscreen", action="store_true", help="start in full screen (F11 toggles)")
    parser.add_argument("--load", default=None, metavar="SAVE.json", help="resume a saved game")
    parser.add_argument("--save-dir", default=None, help="folder for saves, screenshots and charts")
    parser.add_argument("--join", default=None, metavar="ADDRESS",
                        help="join a classroom at ADDRESS (HOST:PORT, as the projector shows it); needs --code and --team")
    parser.add_argument("--code", default=None, metavar="ROOM",
                        help="the classroom's room code (with --join); with --team \"Red, Blue\" several teams "
                             "take turns on this laptop")


def play(args: argparse.Namespace) -> int:
    """Check the inputs, then open the window and run the game until it closes."""
    # check inputs before opening a window, so a typo gets one line, not a blank screen
    scenario = record = None
    if args.join is not None or args.code is not None:
        return _join_check(args)
    if args.load:
        from sim.savegame import SaveGameError, load_game

        try:
            record, scenario = load_game(args.load)
        except SaveGameError as e:
            print(f"partnersim: {e}", file=sys.stderr)
            return 2
    elif args.scenario:
        from sim.scenario import ScenarioError, load_scenario

        try:
            scenario = load_scenario(args.scenario)
        except ScenarioError as e:
            print(f"partnersim: {e}", file=sys.stderr)
            return 2
    if not has_display():
        print("partnersim: no display found (DISPLAY/WAYLAND_DISPLAY unset), so the game cannot "
              "open a window; run the simulation in the terminal instead: partnersim run "
              "--scenario baseline --quarters 12", file=sys.stderr)
        return 2
    app = GameApp(fullscreen=args.fullscreen, team=args.team, seed=args.seed,
                  save_dir=Path(args.save_dir) if args.save_dir else None)
    if record is not None:
        app.load_game(args.load)
    elif scenario is not None:
        app.new_game(scenario, scenario.seed if args.seed is None else args.seed)
        app.go("briefing")
    app.run()
    return 0


def _join_check(args: argparse.Namespace) -> int:
    """`play --join ADDRESS --code ROOM --team NAME`: join (or rejoin with the kept key) before
    opening the window, so a wrong code or a name taken is one line, not a blank screen."""
    from game.net import NetError, base_url
    from game.room_session import join_room
    from sim.errors import PartnersimError

    if args.join is None:
        print("partnersim: error: --code needs --join ADDRESS (the classroom's server)", file=sys.stderr)
        return 2
    clash = [flag for flag, value in (("--load", args.load), ("--scenario", args.scenario), ("--seed", args.seed))
             if value is not None]
    if clash:
        print(f"partnersim: error: --join plays the classroom's scenario and seed: leave out {', '.join(clash)}",
              file=sys.stderr)
        return 2
    if not args.code or not args.team:
        print("partnersim: error: --join needs --code ROOM and --team NAME (both are on the projector's "
              "join page)", file=sys.stderr)
        return 2
    if not has_display():
        print("partnersim: no display found (DISPLAY/WAYLAND_DISPLAY unset), so the game cannot open a window; "
              "teams without one join from a browser at the address the projector shows", file=sys.stderr)
        return 2
    save_dir = Path(args.save_dir) if args.save_dir else Path.cwd() / "partnersim-saves"
    try:
        base_url(args.join)
        if "," in args.team:          # several teams on this laptop, taking turns
            from game.hotseat import join_turns, parse_teams

            try:
                names = parse_teams(args.team)
            except ValueError as e:
                print(f"partnersim: error: --team: {e}", file=sys.stderr)
                return 2
            turns = join_turns(args.join, args.code, names, save_dir)
            app = GameApp(fullscreen=args.fullscreen, save_dir=save_dir)
            app.start_turns(turns)
            app.run()
            return 0
        session = join_room(args.join, args.code, args.team, save_dir)
    except NetError as e:
        print(f"partnersim: error: --join {args.join}: {e.reason}", file=sys.stderr)
        return 2
    except (PartnersimError, OSError) as e:
        print(f"partnersim: error: --join {args.join}: {e}", file=sys.stderr)
        return 2
    app = GameApp(fullscreen=args.fullscreen, team=session.team, save_dir=save_dir)
    app.start_room_session(session)
    app.run()
    return 0


def main(argv: list[str] | None = None) -> int:
    """`partnersim play` on its own: parse the play options and start the game."""
    from sim.cli import _Parser
    from sim.errors import PartnersimError

    parser = _Parser(prog="partnersim play", description="Start the game.")
    add_play_arguments(parser)
    try:
        return play(parser.parse_args(argv))
    except PartnersimError as e:        # a bad argument (CliError) or any other bad input
        message = str(e).replace("\n", "; ")
        print(f"partnersim: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
