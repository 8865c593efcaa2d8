"""The room: every team's game on one scenario and seed, and the round it is in.

A room changes only by actions (`classroom.store.ActionRow`): a team joins, a team submits, the
facilitator acts, the clock closes a round. `check_*` says whether an action may happen now and
what exactly will be logged (or raises `Refused` with the reason, storing nothing); `apply` makes
a logged action happen. `apply` reads nothing but the action (its time included), so replaying
the log rebuilds the room exactly, which is how a crashed server carries on. Closing a round is
logged once and then resolved (`resolve`, the models' quarter, run off the event loop by the
server); a replay resolves it again from the same decisions, so no quarter is ever played twice
with different results.

Round flow: lobby -> open (teams decide) -> resolving -> results -> open next ... -> ended.
A practice round is quarter 1 played and then reset to quarter 0 on the same world.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from classroom.bots import bot_changes
from classroom.schemas import Refused
from classroom.store import ActionRow
from sim.events import ScheduledEvent
from sim.model import PartnerProgramModel
from sim.policy import LEVERS
from sim.savegame import GameRecord
from sim.scenario import Scenario, ScenarioError, event_from_table, event_table

PHASES = ("lobby", "open", "resolving", "results", "ended")
MODES = ("gated", "timed")


@dataclass
class Seat:
    """One team: its game and where it stands in the round.

    Attributes:
        id: The team's number in the room.
        name: Its cleaned name.
        record: Its decisions (a save file's timeline).
        model: Its model, at the quarters the room has played.
        revision: Bumped by every accepted submission: a decision made on an older revision is a
            resend or a second tab, answered with the current state.
        submitted: The changes submitted for the open quarter (None: nothing submitted yet).
        locked: The facilitator locked its decision for this round.
        bot: The bot rule playing the seat, or None.
        extra: Seconds of extra time in this round (timed rounds).
        kept_last: It did not submit last round and kept its policy.
    """

    id: int
    name: str
    record: GameRecord
    model: PartnerProgramModel
    revision: int = 0
    submitted: dict[str, Any] | None = None
    locked: bool = False
    bot: str | None = None
    extra: float = 0.0
    kept_last: bool = False

    @property
    def decided(self) -> bool:
        """Nothing more is awaited from this seat this round."""
        return self.submitted is not None or self.locked or self.bot is not None

    def in_force(self, lever: str) -> Any:
        """The value the seat's coming quarter will use: its submission, else the model's."""
        if self.submitted and lever in self.submitted:
            return self.submitted[lever]
        return getattr(self.model.policy, lever)


@dataclass
class Room:
    """A classroom game.

    Args:
        scenario: The room's scenario (every team plays it).
        seed: The world's seed (every team plays the same world).
        code: The room code.
        mode: "gated" (the facilitator or the last submission closes a round) or "timed"
            (the clock closes it too).
        minutes: A timed round's length.
        max_teams: Seats in the room.
    """

    scenario: Scenario
    seed: int
    code: str
    mode: str = "gated"
    minutes: float = 5.0
    max_teams: int = 60
    seats: dict[int, Seat] = field(default_factory=dict)
    phase: str = "lobby"
    quarter: int = 0                       # quarters played (the practice quarter counts until reset)
    practice: bool = False                 # the round open or shown is the practice round
    practiced: bool = False
    paused: bool = False
    deadline: float | None = None          # when the open round closes (timed, not paused)
    left_when_paused: float | None = None
    injected: list[ScheduledEvent] = field(default_factory=list)
    messages: list[tuple[float, str]] = field(default_factory=list)
    history: list[tuple[int, float, str]] = field(default_factory=list)   # the facilitator's log
    version: int = 0                       # bumped by every applied action
    generation: int = 0                    # bumped by the reset after a practice round

    # ------------------------------------------------------------------ reading
    @property
    def world(self) -> Scenario:
        """The scenario with the facilitator's injected events: what every seat's model plays."""
        return self.scenario.with_events(tuple(self.injected)) if self.injected else self.scenario

    @property
    def open_quarter(self) -> int | None:
        return self.quarter + 1 if self.phase == "open" else None

    @property
    def next_quarter(self) -> int:
        """The first quarter no team has begun: where an injected event lands."""
        return self.quarter + (2 if self.phase in ("open", "resolving") else 1)

    def seat_deadline(self, seat: Seat) -> float | None:
        return None if self.deadline is None else self.deadline + seat.extra

    def all_in(self) -> bool:
        """Every seat has decided (and there is at least one)."""
        return bool(self.seats) and all(s.decided for s in self.seats.values())

    def overdue(self, now: float) -> bool:
        """A timed round whose clock ran out for every seat still deciding."""
        if self.phase != "open" or self.deadline is None:
            return False
        waiting = [s for s in self.seats.values() if not s.decided]
        return all(now >= self.seat_deadline(s) for s in waiting)

    def can(self) -> dict[str, bool]:
        """Which round controls apply now (the facilitator page enables these)."""
        p = self.phase
        return {"practice": p == "lobby" and not self.practiced and self.quarter == 0,
                "start": (p == "lobby" and self.quarter == 0) or (p == "results" and self.practice),
                "close": p == "open",
                "advance": p == "results" and not self.practice,
                "pause": p == "open" and not self.paused and self.mode == "timed",
                "resume": p == "open" and self.paused,
                "end": p not in ("ended", "resolving") and self.quarter >= 1 and not self.practice}

    def team_by_name(self, name: str) -> Seat | None:
        low = name.casefold()
        return next((s for s in self.seats.values() if s.name.casefold() == low), None)

    # ------------------------------------------------------------------ checks
    def check_join(self, name: str) -> None:
        """Raises Refused: the room is full, ended, or the name is taken."""
        if self.phase == "ended":
            raise Refused("the game has ended: no new teams", 409)
        if len(self.seats) >= self.max_teams:
            raise Refused(f"the room is full ({self.max_teams} teams)", 409)
        if self.team_by_name(name):
            raise Refused(f"'name': a team called '{name}' has joined already: pick another name "
                          f"(or rejoin from that team's device)", 409)

    def check_submit(self, seat: Seat, quarter: int, revision: int, levers: dict[str, Any]) -> dict[str, Any] | None:
        """The changes a submission makes, or None for a resend or a decision from a second tab
        made on an older revision (answered with the current state, not an error).

        Raises:
            Refused: no round open, a closed or past quarter, a locked seat, a locked or imposed
                lever set to another value.
        """
        if self.phase != "open":
            raise Refused(f"no round is open (the room is {self._phase_words()}): decisions are taken "
                          f"when the facilitator opens the next quarter", 409)
        q = self.open_quarter
        if quarter != q:
            raise Refused(f"'quarter': {quarter} is not the quarter being decided (allowed: {q})", 409)
        if revision < seat.revision:
            return None
        if revision > seat.revision:
            raise Refused(f"'revision': {revision} is ahead of this team's revision {seat.revision}: "
                          f"reload the page", 409)
        if seat.bot:
            raise Refused("a bot is playing this seat: ask the facilitator to give it back", 409)
        if seat.locked:
            raise Refused("the facilitator has locked your decision for this quarter", 409)
        changes = {}
        for name, value in levers.items():
            now = getattr(seat.model.policy, name)
            if value == now:
                continue
            why = self.scenario.locked.get(name)
            imp = seat.model.imposed(name)
            if why or imp:
                reason = why or imp.reason()
                raise Refused(f"'levers.{name}': {LEVERS[name].label} cannot change this quarter "
                              f"({reason}; allowed: {now!r})", 422)
            changes[name] = value
        return changes

    def check_action(self, action: Any, now: float) -> dict[str, Any]:
        """What a facilitator action will log (its body), if it may happen now.

        Raises:
            Refused: the action does not apply in this phase, names no team of the room, or
                carries an event the scenario vocabulary does not allow.
        """
        body = action.model_dump()
        kind = body["action"]
        if kind in ("practice", "start", "close", "advance", "pause", "resume", "end"):
            if not self.can()[kind]:
                raise Refused(f"'{kind}' does not apply now: the room is {self._phase_words()}", 409)
            return body
        if kind == "broadcast":
            return body
        if kind == "inject":
            if self.phase == "ended":
                raise Refused("the game has ended: no more events", 409)
            q = self.next_quarter
            if q > self.scenario.quarters:
                raise Refused(f"the game ends after quarter {self.scenario.quarters}: there is no quarter "
                              f"left for an event", 409)
            table = {**body["event"], "quarter": q}
            try:
                event = event_from_table(table, "event")
            except ScenarioError as e:
                raise Refused(str(e), 422) from None
            return {"action": "inject", "event": event_table(event)}
        seat = self.seats.get(body["team"])
        if seat is None:
            raise Refused(f"'team': {body['team']} is not a team of this room (teams: "
                          f"{', '.join(str(i) for i in self.seats) or 'none yet'})", 422)
        if kind == "extend":
            if self.phase != "open" or self.mode != "timed":
                raise Refused("more time applies to an open timed round", 409)
        elif kind == "lock":
            if self.phase != "open" or seat.locked:
                raise Refused(f"'{seat.name}' cannot be locked now (the round must be open and the team unlocked)", 409)
        elif kind == "reopen":
            if self.phase != "open" or not seat.locked:
                raise Refused(f"'{seat.name}' is not locked", 409)
        elif kind == "bot":
            if self.phase == "ended":
                raise Refused("the game has ended", 409)
        elif kind == "unbot" and not seat.bot:
            raise Refused(f"'{seat.name}' is not played by a bot", 409)
        return body

    # ------------------------------------------------------------------ applying
    def apply(self, row: ActionRow) -> bool:
        """Make a logged action happen. Returns True when a round was closed and must now be
        resolved (`resolve`)."""
        self.version += 1
        b = row.body
        if row.kind == "join":
            self._seat(row.team, b["name"])
            return False
        if row.kind == "submit":
            seat = self.seats[row.team]
            seat.submitted = dict(b["changes"])
            seat.revision += 1
            return False
        kind = b["action"]
        text = getattr(self, f"_do_{kind}")(row)
        if text:
            self.history.append((row.seq, row.at, text))
        return kind == "close"

    def resolve(self) -> None:
        """Play the closed quarter for every seat: its submission, its bot's rule, or last
        quarter's policy kept."""
        q = self.quarter + 1
        for seat in self.seats.values():
            changes = seat.submitted
            if changes is None and seat.bot:
                changes = bot_changes(seat.bot, self.scenario, seat.model, seed=self.seed, team=seat.id, quarter=q)
            seat.kept_last = changes is None and seat.bot is None
            self._play(seat, q, changes or {})
            seat.submitted, seat.locked, seat.extra = None, False, 0.0
        self.quarter = q
        self.deadline = self.left_when_paused = None
        self.paused = False
        self.phase = "ended" if q >= self.scenario.quarters and not self.practice else "results"
        self.version += 1

    def replay(self, rows: list[ActionRow]) -> None:
        """Apply logged actions in order, resolving each closed round at once."""
        for row in rows:
            if self.apply(row):
                self.resolve()

    # ------------------------------------------------------------------ one per action
    def _do_practice(self, row: ActionRow) -> str:
        self.practice = self.practiced = True
        self._open(row.at)
        return "Practice round open (quarter 1, reset afterwards)"

    def _do_start(self, row: ActionRow) -> str:
        if self.practiced and self.quarter > 0:
            self._reset()
        self.practice = False
        self._open(row.at)
        return "Game started: quarter 1 open" + (" (practice reset: every team back at quarter 0)"
                                                if self.practiced else "")

    def _do_close(self, row: ActionRow) -> str:
        waiting = [s.name for s in self.seats.values() if not s.decided]
        self.phase = "resolving"
        why = {"time": "time is up", "all_in": "every team is in"}.get(row.body.get("reason", ""),
                                                                        "by the facilitator")
        kept = f"; {len(waiting)} kept last quarter's policy" if waiting else ""
        return f"Q{self.quarter + 1} closed: {why}{kept}"

    def _do_advance(self, row: ActionRow) -> str:
        self._open(row.at)
        return f"Q{self.quarter + 1} open"

    def _do_pause(self, row: ActionRow) -> str:
        self.paused = True
        self.left_when_paused = max(0.0, (self.deadline or row.at) - row.at)
        self.deadline = None
        return "Round paused"

    def _do_resume(self, row: ActionRow) -> str:
        self.paused = False
        if self.left_when_paused is not None and self.mode == "timed":
            self.deadline = row.at + self.left_when_paused
        self.left_when_paused = None
        return "Round resumed"

    def _do_end(self, row: ActionRow) -> str:
        if self.phase == "open":
            for seat in self.seats.values():
                seat.submitted, seat.locked = None, False
        self.phase = "ended"
        self.deadline = None
        return f"Game ended by the facilitator after quarter {self.quarter}"

    def _do_extend(self, row: ActionRow) -> str:
        seat = self.seats[row.body["team"]]
        seat.extra += 60.0 * row.body["minutes"]
        return f"{seat.name}: {row.body['minutes']:g} more minutes"

    def _do_lock(self, row: ActionRow) -> str:
        seat = self.seats[row.body["team"]]
        seat.locked = True
        return f"{seat.name}: decision locked"

    def _do_reopen(self, row: ActionRow) -> str:
        seat = self.seats[row.body["team"]]
        seat.locked = False
        return f"{seat.name}: reopened"

    def _do_bot(self, row: ActionRow) -> str:
        seat = self.seats[row.body["team"]]
        seat.bot = row.body["policy"]
        return f"{seat.name}: played by a bot ({seat.bot})"

    def _do_unbot(self, row: ActionRow) -> str:
        seat = self.seats[row.body["team"]]
        seat.bot = None
        return f"{seat.name}: seat given back to the team"

    def _do_inject(self, row: ActionRow) -> str:
        event = event_from_table(row.body["event"], "event")
        self.injected.append(event)
        for seat in self.seats.values():
            seat.model.schedule_event(event)
        return f"Event for Q{event.quarter}: {event.message}"

    def _do_restart(self, row: ActionRow) -> str:
        """The server came back after a stop: an open timed round gets at least `grace` seconds
        more, since teams could not submit while it was down."""
        grace = float(row.body.get("grace", 60.0))
        if self.phase == "open" and self.deadline is not None and self.deadline < row.at + grace:
            self.deadline = row.at + grace
            return f"Server restarted: the round's clock now ends {grace:g} s from the restart"
        return "Server restarted"

    def _do_broadcast(self, row: ActionRow) -> str:
        self.messages.append((row.at, row.body["message"]))
        return f"Message: {row.body['message']}"

    # ------------------------------------------------------------------ helpers
    def _phase_words(self) -> str:
        q = self.quarter + 1
        return {"lobby": "in the lobby", "open": f"deciding quarter {q}", "resolving": f"playing quarter {q}",
                "results": f"showing quarter {self.quarter}'s results", "ended": "at the end of the game"}[self.phase]

    def _open(self, at: float) -> None:
        self.phase = "open"
        self.paused = False
        self.left_when_paused = None
        self.deadline = at + 60.0 * self.minutes if self.mode == "timed" else None
        for seat in self.seats.values():
            seat.submitted, seat.locked, seat.extra = None, False, 0.0

    def _new_model(self) -> PartnerProgramModel:
        return self.world.build_model(self.seed)

    def _seat(self, team: int, name: str) -> Seat:
        """A new seat, caught up with the quarters already played (keeping its starting policy)."""
        record = GameRecord(self.scenario.name, self.seed, name)
        seat = Seat(team, name, record, self._new_model())
        for q in range(1, self.quarter + 1):
            self._play(seat, q, {})
            seat.kept_last = False
        self.seats[team] = seat
        return seat

    def _play(self, seat: Seat, q: int, changes: dict[str, Any]) -> None:
        if changes:
            seat.model.set_policy(**changes)
            seat.record.decide(q, changes)
        seat.model.run_quarters(1)
        seat.record.quarters_played = q

    def _reset(self) -> None:
        """Back to quarter 0 on the same world: the practice round's decisions and events go."""
        self.injected.clear()
        self.generation += 1
        for seat in self.seats.values():
            seat.record = GameRecord(self.scenario.name, self.seed, seat.name)
            seat.model = self._new_model()
            seat.kept_last = False
        self.quarter = 0

    def save_record(self, seat: Seat) -> GameRecord:
        """The seat's game as a save file's record: `partnersim compare` and `play --load` read it."""
        rec = dataclasses.replace(seat.record, decisions=list(seat.record.decisions))
        if not self.scenario.bundled:
            rec.scenario_source = self.scenario.source
        rec.injected = list(self.injected)
        return rec
