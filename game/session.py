"""One game in progress: the scenario, the seed, the player's decisions and the model.

The session is the controller's memory and the screens' only way to the model. It applies
the player's lever changes between quarters, steps the model week by week while a quarter
animates, and autosaves the decision timeline after every quarter. It computes no outcome:
everything it reports is read off the model (the world as a `sim.snapshot.WorldView`, the
quarterly frame, the event log). A save that cannot be written never stops the game: the
autosave records why in `save_error`, and `save_as` raises `SaveFailed` with the reason.
No pygame here, so tests and tools can drive a game without a window.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.events import Event, Imposition, imposed_summary
from sim.model import PartnerProgramModel
from sim.params import WEEKS_PER_QUARTER
from sim.policy import LEVERS, PolicyError
from sim.savegame import Decision, GameRecord, load_game, new_model, replay
from sim.scenario import Scenario
from sim.snapshot import WorldView, snapshot

if TYPE_CHECKING:
    from game.review import Review


class SaveFailed(Exception):
    """A save that could not be written (a full disk, a pulled USB stick, a read-only folder).

    Attributes:
        path: Where the save was to go.
        reason: Why it failed, in words.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"Could not save to {path}: {reason}")
        self.path = path
        self.reason = reason


def default_save_dir() -> Path:
    """Where games autosave: ./partnersim-saves (a classroom collects the folder)."""
    return Path.cwd() / "partnersim-saves"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "team"


class GameSession:
    """A game: scenario + seed + decision timeline, and the model they produce.

    Args:
        scenario: The loaded scenario.
        seed: The world's seed.
        team: The team's name (shown on screen and written to the save).
        save_dir: Folder for the autosave (None: no autosave).
        scenario_ref: The name the save gives the scenario (default and only allowed value: the
            scenario's own name; a save never names a path). A custom (not bundled) scenario's
            TOML text is embedded in the save, so the game replays without its file.
        record: The record of a loaded game (its scenario, seed, decisions and injected events).
    """

    def __init__(self, scenario: Scenario, seed: int, team: str = "Team",
                 save_dir: Path | None = None, scenario_ref: str | None = None,
                 record: GameRecord | None = None) -> None:
        self.scenario = scenario
        if scenario_ref is not None and scenario_ref != scenario.name:
            raise ValueError(f"scenario_ref {scenario_ref!r}: a save names the scenario by its own name "
                             f"({scenario.name!r}), never a path")
        self.record = record or GameRecord(scenario.name, seed, team,
                                           scenario_source="" if scenario.bundled else scenario.source)
        self.save_dir = save_dir
        self.model: PartnerProgramModel = replay(self.record, scenario) if record else new_model(scenario, seed)
        self.pending: dict[str, Any] = {}     # changes for the coming quarter, not yet applied
        if record is not None:
            # changes saved for a quarter not yet played come back as the player's choices
            upcoming = self.quarter + 1
            self.pending = record.changes_before(upcoming)
            record.decisions = [d for d in record.decisions if d.quarter != upcoming]
        self.week_in_quarter = 0               # weeks of the current quarter already run
        self._running = False                  # a quarter has begun and not yet ended
        self.last_save: Path | None = None
        self.save_error: str | None = None     # why the last save failed (None: it worked)
        self._view: tuple[tuple, WorldView] | None = None
        self._frame: tuple[int, pd.DataFrame] | None = None
        self.notices: list[tuple[str, str]] = []   # (title, text) the screen shows and clears

    # ------------------------------------------------------------------ the turn (a room's seat differs)
    room_mode = False        # a classroom seat (`game.room_session.RoomSession`) says True

    def poll(self) -> bool:
        """Take news from outside the laptop (a room's); a local game has none."""
        return False

    def round_text(self) -> str:
        """Where the game stands, in words (the play screen's heading)."""
        if self.animating:
            return f"Quarter {self.quarter + 1} of {self.scenario.quarters} - week {self.week_in_quarter}"
        if self.finished:
            return f"Game over - {self.scenario.quarters} quarters"
        return f"Planning quarter {self.quarter + 1} of {self.scenario.quarters}"

    def status_text(self) -> str:
        """A line under the heading (a room's state of play; nothing in a local game)."""
        return ""

    def end_label(self) -> str:
        """The main button's words."""
        return "Debrief" if self.finished else "End quarter"

    @property
    def can_end(self) -> bool:
        """The main button applies now."""
        return not self.animating

    @property
    def can_decide(self) -> bool:
        """Levers may change now."""
        return not self.animating and not self.finished

    def end_turn(self) -> None:
        """The main button: apply the choices and start the quarter."""
        self.begin_quarter()

    def close(self) -> None:
        """Leave the game (a room's seat stops listening)."""

    # ------------------------------------------------------------------ reading
    @property
    def seed(self) -> int:
        return self.record.seed

    @property
    def team(self) -> str:
        return self.record.team

    @property
    def quarter(self) -> int:
        """Completed quarters."""
        return self.model.quarter

    @property
    def finished(self) -> bool:
        return self.quarter >= self.scenario.quarters and not self.animating

    @property
    def animating(self) -> bool:
        """A quarter has begun and its weeks are not all run yet."""
        return self._running

    def snapshot(self) -> WorldView:
        """The world as it stands (regions, reps, partners, this quarter's conflicts)."""
        m = self.model
        key = (m.steps, len(m.event_log), id(m.effective))
        if self._view is None or self._view[0] != key:
            self._view = (key, snapshot(m))
        return self._view[1]

    def frame(self) -> pd.DataFrame:
        """The quarterly metrics so far, a row per completed quarter (`sim.metrics.METRICS`)."""
        if self._frame is None or self._frame[0] != self.quarter:
            self._frame = (self.quarter, self.model.quarterly_frame())
        return self._frame[1]

    @property
    def event_count(self) -> int:
        """Events logged so far (it grows as the game runs)."""
        return len(self.model.event_log)

    def recent_events(self, kinds: Collection[str], limit: int,
                      keep: Callable[[Event], bool] | None = None) -> list[Event]:
        """The latest `limit` events of `kinds` (and for which `keep` is true), newest first."""
        out = []
        for ev in reversed(self.model.event_log):
            if ev.kind in kinds and (keep is None or keep(ev)):
                out.append(ev)
                if len(out) >= limit:
                    break
        return out

    def board_cut_news(self) -> str | None:
        """What the board said if it cut the program in the quarter just played, else None."""
        q = self.quarter
        return next((e.cause for e in reversed(self.model.event_log)
                     if e.kind == "program_cut" and e.quarter == q), None)

    def review(self) -> Review:
        """The debrief: this game beside best practice on the same seed, and its mistakes."""
        from game.review import review

        return review(self)

    def lever_value(self, name: str) -> Any:
        """The value in force for the coming quarter: the player's pending choice, else the
        model's (which already holds any value a policy event imposed on that quarter)."""
        return self.pending.get(name, getattr(self.model.policy, name))

    def imposition(self, name: str) -> Imposition | None:
        """The value a policy event imposed on this lever for the coming (or running) quarter,
        with the event's message and who imposed it; None if the player's choice stands."""
        return self.model.imposed(name)

    def imposed_reason(self, name: str) -> str | None:
        """Why a policy event fixes this lever for the coming quarter, or None."""
        imp = self.imposition(name)
        return imp.reason() if imp else None

    def locked_reason(self, name: str) -> str | None:
        """Why the player may not change a lever for the coming quarter (a value imposed for this
        quarter, or the scenario's lock), or None if they may."""
        return self.imposed_reason(name) or self.scenario.locked.get(name)

    def upcoming_events(self) -> list[str]:
        """The scenario events for the coming quarter, for the pop-up at planning: each message,
        then what a policy event (which has already fired) imposed and until when, or when a
        shock hits."""
        q = self.quarter + 1
        out = []
        for ev in self.model.scheduled:
            if ev.quarter != q:
                continue
            if ev.kind == "policy":
                imposed = {i.lever: i.value for i in self.model.impositions
                           if i.quarter == q and i.message == ev.message}
                note = (f"{imposed_summary(ev.who, imposed)} for quarter {q}; the panel marks it "
                        f"\"imposed\" and you may change it again from quarter {q + 1}.")
            else:
                note = f"This hits the market when quarter {q} starts."
            out.append(f"{ev.message}\n{note}")
        return out

    # ----------------------------------------------------------------- changing
    def set_lever(self, name: str, value: Any) -> None:
        """Choose a lever value for the coming quarter (validated; locked and imposed levers
        refuse, as the model would when the quarter begins).

        Raises:
            PolicyError: naming the lever and why it cannot change, or what is allowed.
        """
        if self.locked_reason(name):
            raise PolicyError(f"lever '{name}' cannot change this quarter: {self.locked_reason(name)}")
        value = LEVERS[name].check(value)
        if value == getattr(self.model.policy, name):
            self.pending.pop(name, None)
        else:
            self.pending[name] = value

    def begin_quarter(self) -> None:
        """Apply the pending changes and start the next quarter (at its week 0)."""
        if self.animating or self.quarter >= self.scenario.quarters:
            return
        q = self.quarter + 1
        if self.pending:
            self.model.set_policy(**self.pending)
            self.record.decide(q, self.pending)
            self.pending = {}
        self.week_in_quarter = 0
        self._running = True

    def advance_weeks(self, n: int) -> bool:
        """Run up to `n` weeks of the quarter in progress; True when the quarter is done."""
        if self.quarter >= self.scenario.quarters and not self.animating:
            return True
        if not self.animating:
            self.begin_quarter()
        for _ in range(max(0, n)):
            self.model.step()
            self.week_in_quarter += 1
            if self.week_in_quarter >= WEEKS_PER_QUARTER:
                self.week_in_quarter = 0
                self._running = False
                self._quarter_done()
                return True
        return False

    def _quarter_done(self) -> None:
        """A quarter has run: record it and autosave."""
        self.record.quarters_played = self.quarter
        self.autosave()

    def play_quarter(self) -> None:
        """Run the next quarter at once (no animation)."""
        self.begin_quarter()
        self.advance_weeks(WEEKS_PER_QUARTER)

    # ------------------------------------------------------------------ saving
    def save_path(self) -> Path | None:
        if self.save_dir is None:
            return None
        return self.save_dir / f"{_slug(self.team)}-{_slug(self.scenario.name)}-seed{self.seed}.json"

    def _record_to_save(self) -> GameRecord:
        """The record plus the choices made for the coming quarter, so nothing is lost."""
        rec = replace(self.record, decisions=[Decision(d.quarter, dict(d.changes)) for d in self.record.decisions],
                      injected=list(self.record.injected))
        if self.pending and not self.animating:
            rec.decide(self.quarter + 1, self.pending)
        return rec

    def autosave(self) -> Path | None:
        """Write the decision timeline (called after every quarter); never raises.

        A failure leaves the game running and says why in `save_error`; the next autosave
        tries again (the stick may be back).
        """
        path = self.save_path()
        if path is None:
            return None
        try:
            return self._write(path)
        except SaveFailed:
            return None

    def save_as(self, path: str | Path | None = None) -> Path:
        """Save the timeline to `path` (default: the autosave file, or ./partnersim-saves).

        Raises:
            SaveFailed: naming the path and the reason; the game goes on.
        """
        target = Path(path) if path else (self.save_path() or default_save_dir() / "game.json")
        return self._write(target)

    def _write(self, path: Path) -> Path:
        try:
            self.last_save = self._record_to_save().save(path)
        except OSError as e:
            err = SaveFailed(path, e.strerror or str(e))
            self.save_error = str(err)
            raise err from e
        self.save_error = None
        return self.last_save

    @classmethod
    def load(cls, path: str | Path, save_dir: Path | None = None) -> GameSession:
        """Resume a saved game, replaying it to the same state.

        Raises:
            SaveGameError: naming the file and the bad key.
        """
        record, scenario = load_game(path)
        return cls(scenario, record.seed, record.team, save_dir=save_dir, record=record)
