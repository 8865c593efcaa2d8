"""A team's seat in a classroom, played with the game's own screens.

The classroom server (`classroom.app`, or the same room engine in-process for hot-seat play) is
the authority: it takes the team's decisions, closes each round and plays every team's quarter.
This session sends the decisions and replays the same timeline on a model of its own, so the
play screen can animate the quarter week by week as in a local game: the decisions as played
(the team's, a bot's, or last quarter's policy kept), the facilitator's injected events, a
practice round's reset. After every quarter it checks its figures against the server's
(`classroom.views.CHECKED`) and says so if they differ; a client that lags more than one quarter
behind (a laptop that was shut, a restart) replays to where the room is at once, without
animation. The screens talk to this session exactly as to a `GameSession`, never to the network.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from pathlib import Path
from typing import Any, Protocol

from game.session import GameSession
from sim.model import PartnerProgramModel
from sim.savegame import GameRecord, load_game, replay
from sim.scenario import Scenario, event_from_table, event_table, load_bundled, load_scenario_text

CHECKED = ("revenue_direct", "revenue_partner", "conflicts", "partners_active", "partners_churned",
           "partner_net_contribution")     # classroom.views.CHECKED: the game never imports the classroom


class SeatLink(Protocol):
    """How a seat reaches its room: a network line (`NetLink`) or the room in-process (hot-seat)."""

    status: str
    problem: str | None

    def poll(self) -> list[dict[str, Any]]:
        """The messages the room sent since the last call (whole states, refusals)."""

    def submit(self, quarter: int, revision: int, levers: dict[str, Any]) -> bool:
        """Send a decision; False if it could not be sent now (the answer comes via `poll`)."""

    def close(self) -> None:
        """Stop listening."""


class NetLink:
    """A team's websocket to a classroom server (`game.net.Feed`: it reconnects by itself)."""

    def __init__(self, base: str, token: str) -> None:
        from game.net import Feed, ws_url

        self.feed = Feed(ws_url(base, "/ws/team"), {"type": "hello", "token": token}).start()

    @property
    def status(self) -> str:
        return self.feed.status

    @property
    def problem(self) -> str | None:
        return self.feed.problem

    def poll(self) -> list[dict[str, Any]]:
        return self.feed.poll()

    def submit(self, quarter: int, revision: int, levers: dict[str, Any]) -> bool:
        return self.feed.send({"type": "submit", "quarter": quarter, "revision": revision, "levers": levers})

    def close(self) -> None:
        self.feed.close()


def _same(a: float | None, b: Any) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and float(b) == a


class RoomSession(GameSession):
    """A GameSession whose decisions go to a room, and whose model replays what the room played.

    Args:
        scenario: The room's scenario (without injected events).
        seed: The room's seed.
        team: The team's name in the room.
        link: The line to the room.
        save_dir: Folder for the autosave (the room's timeline, as the server exports it).
        where: Words naming the room ("room ABCDE at 192.168.1.20:8000"), for messages.
    """

    room_mode = True

    def __init__(self, scenario: Scenario, seed: int, team: str, link: SeatLink,
                 save_dir: Path | None = None, where: str = "the classroom") -> None:
        super().__init__(scenario, seed, team, save_dir=save_dir)
        self.base = scenario
        self.link = link
        self.where = where
        self.state: dict[str, Any] | None = None    # the room's latest whole state for this team
        self.generation: int | None = None
        self.skew = 0.0                             # server clock minus ours, seconds
        self.mismatch: str | None = None            # the first quarter whose figures differ from the server's
        self.notices: list[tuple[str, str]] = []    # (title, text) for the screen to show, oldest first
        self.message_at = -math.inf                 # when the newest facilitator broadcast shown was sent
        self.dirty = False                          # choices changed since the last submission
        self.sent_at: float | None = None           # a submission awaits its answer since then
        self.changed = 0                            # bumped whenever the state shown changes
        self.saved_choices: tuple[int, dict[str, Any]] | None = None   # unsent choices from the autosave
        self.state_count = 0                        # states received
        self.rejoined = False                       # this laptop had joined the room before (its key was kept)
        self._save_due = False                      # a replay to write once the unsent choices are back
        self.hands_over = False                     # hot-seat: a submission ends this team's turn
        self.turn_done = False                      # hot-seat: the turn just ended (the screen hands over)

    # ------------------------------------------------------------------ the room
    @property
    def room(self) -> dict[str, Any]:
        return (self.state or {}).get("room") or {}

    @property
    def seat(self) -> dict[str, Any]:
        return (self.state or {}).get("team") or {}

    @property
    def phase(self) -> str:
        return self.room.get("phase", "connecting")

    @property
    def caught_up(self) -> bool:
        """The local model has played every quarter the room has (and none is animating)."""
        return (self.state is not None and not self.animating
                and self.model.quarter == (self.state.get("timeline") or {}).get("played", -1))

    @property
    def finished(self) -> bool:
        return self.phase == "ended" and self.caught_up

    @property
    def can_decide(self) -> bool:
        """The team may change levers now: a round is open, the seat is its own, and the screen
        shows the world as the room has it."""
        s = self.seat
        return (self.phase == "open" and self.caught_up and not s.get("bot") and not s.get("locked")
                and self.link.problem is None)

    @property
    def submitted(self) -> bool:
        """The room holds this team's decision for the open round, as the panel shows it."""
        return bool(self.seat.get("submitted")) and not self.dirty

    def set_lever(self, name: str, value: Any) -> None:
        if not self.can_decide:
            from sim.policy import PolicyError

            raise PolicyError(f"lever '{name}' cannot change now: {self.round_text()}")
        before = dict(self.pending)
        super().set_lever(name, value)
        if self.pending != before:
            self.dirty = True
            self.autosave()

    # ------------------------------------------------------------------ what the screens show
    def round_text(self) -> str:
        """Where the room stands, in words (the play screen's heading)."""
        if self.link.problem:
            return "Not in the room"
        if self.state is None:
            return "Connecting to the classroom..."
        r = self.room
        n = r.get("quarters", self.scenario.quarters)
        if self.animating:
            return f"Quarter {self.quarter + 1} of {n} - week {self.week_in_quarter}"
        practice = "Practice: " if r.get("practice") else ""
        phase = r.get("phase")
        if phase == "lobby":
            return "Lobby"
        if phase == "open":
            left = self.seconds_left()
            clock = "" if left is None else f" - {int(left) // 60}:{int(left) % 60:02d}"
            if r.get("paused"):
                clock = " - paused"
            return f"{practice}Decide quarter {r['open_quarter']}{clock}" if practice or clock else \
                f"Decide quarter {r['open_quarter']} of {n}"
        if phase == "resolving":
            return f"{practice}Playing quarter {r['quarter'] + 1}"
        if phase == "results":
            return f"{practice}Quarter {r['quarter']} of {n} played"
        return "Game over"

    def seconds_left(self) -> float | None:
        """Seconds left for this team's decision in a timed round (None: no clock)."""
        deadline = self.seat.get("deadline") or self.room.get("deadline")
        if deadline is None or self.phase != "open":
            return None
        return max(0.0, deadline - (time.time() + self.skew))

    def end_label(self) -> str:
        if self.finished:
            return "Debrief"
        if self.can_decide:
            return "Submitted" if self.submitted else ("Submit again" if self.seat.get("submitted") else "Submit decisions")
        if self.seat.get("bot"):
            return "Bot playing"
        return "Waiting"

    @property
    def can_end(self) -> bool:
        return self.finished or (self.can_decide and not self.submitted and self.sent_at is None)

    def status_text(self) -> str:
        """A line under the heading: the team's standing in the round and the line's state."""
        if self.link.problem:
            return f"The room refused this team's key: {self.link.problem}"
        if self.link.status != "connected":
            return f"Offline, reconnecting by itself ({self.link.status})"
        s = self.seat
        if self.mismatch:
            return self.mismatch
        if s.get("bot"):
            return f"A bot ({s['bot']}) is playing this seat: ask the facilitator to give it back"
        if s.get("locked"):
            return "The facilitator locked your decision for this quarter"
        if self.phase == "open":
            if self.sent_at is not None:
                return "Sending your decision..."
            if self.submitted:
                return "Your decision is in: change a lever to submit again before the round closes"
            if s.get("kept_last"):
                return "You did not submit last round: your policy was kept. Decide, then submit"
            if self.hands_over:
                return "Choose your levers, then submit: the laptop then goes to the next team"
            closes = "or time is up" if self.room.get("mode") == "timed" else "or the facilitator closes it"
            return f"Choose your levers, then submit: the round closes when every team is in {closes}"
        q = self.room.get("quarter", 0)
        if self.animating:
            return f"The round closed: the room played quarter {self.quarter + 1}, and here it is week by week"
        return {"lobby": "You are in the room: the facilitator starts the game",
                "resolving": "The round closed: the room is playing the quarter",
                "results": f"Quarter {q} played: the facilitator opens quarter {q + 1} next",
                "ended": "The game is over: open your debrief"}.get(self.phase, self.where)

    # ------------------------------------------------------------------ turns
    def end_turn(self) -> None:
        """Send the choices for the open round (the play screen's main button)."""
        if not self.can_end or self.finished:
            return
        r = self.room
        if self.link.submit(r["open_quarter"], self.seat.get("revision", 0), dict(self.pending)):
            self.dirty = False
            self.sent_at = time.monotonic()
            self.turn_done = self.hands_over
        else:
            self.notices.append(("Not sent", "The line to the classroom is down: it reconnects by itself; "
                                              "submit again in a moment."))

    def begin_quarter(self) -> None:
        """A room plays quarters when it closes a round (`poll`), never at the player's word."""

    def advance_weeks(self, n: int) -> bool:
        if not self.animating:
            return True
        return super().advance_weeks(n)

    def close(self) -> None:
        self.link.close()

    def save_path(self) -> Path | None:
        """The autosave, one per team as the room tells teams apart (`team_tag`): several teams
        on one laptop never write (or restore the unsent choices of) each other's."""
        if self.save_dir is None:
            return None
        return self.save_dir / f"{team_tag(self.team)}-{_slug(self.base.name)}-seed{self.seed}.json"

    def restore_choices(self) -> None:
        """Read the choices this laptop had made for the coming quarter but not sent (the
        autosave keeps them), to show them again once the room confirms that quarter is open."""
        path = self.save_path()
        if path is None or not path.is_file():
            return
        try:
            record, _ = load_game(path)
        except Exception:                       # noqa: BLE001 - an unreadable autosave only loses unsent choices
            return
        upcoming = record.quarters_played + 1
        changes = record.changes_before(upcoming)
        if changes:
            self.saved_choices = (upcoming, changes)

    # ------------------------------------------------------------------ following the room
    def poll(self) -> bool:
        """Take what the room sent; start the quarter it played (animated) when the screen is
        ready. Returns whether anything shown changed."""
        changed = False
        for msg in self.link.poll():
            if msg.get("type") == "refused":
                self.notices.append(("The room refused", str(msg.get("reason", ""))))
                self.turn_done = False         # hot-seat: the team decides again
                self.sent_at = None
                self.dirty = True
                msg = msg.get("state") or {}
            if msg.get("type") == "state":
                self._take(msg)
                changed = True
        if self.state is not None and not self.animating and not self.turn_done:
            changed = self._follow() or changed
            if changed:
                self._adopt_choices()
        if self.sent_at is not None and time.monotonic() - self.sent_at > 10.0:
            self.sent_at = None          # no answer: the line dropped; the button works again
            self.dirty = True
            changed = True
        if changed:
            self.changed += 1
        return changed

    def _take(self, state: dict[str, Any]) -> None:
        self.state = state
        self.sent_at = None
        room = state.get("room") or {}
        if isinstance(room.get("server_time"), (int, float)):
            self.skew = room["server_time"] - time.time()
        # the room sends its last 20 messages: new ones are told by their time, not their count
        messages = [m for m in room.get("messages") or [] if isinstance(m.get("at"), (int, float))]
        if self.state_count == 0 and len(messages) > 1:
            self.message_at = messages[-2]["at"]      # joining: the newest message only, not the whole log
        self.state_count += 1
        for m in messages:
            if m["at"] > self.message_at:
                self.notices.append(("Message from the facilitator", str(m.get("text", ""))))
                self.message_at = m["at"]

    def _adopt_choices(self) -> None:
        """Once the model shows the room's world: the panel shows the decision the room holds
        (this device's or another of the team's), or the unsent choices the autosave kept."""
        if not self.caught_up:
            return
        room, seat = self.room, self.seat
        if self.saved_choices and room.get("phase") == "open":
            quarter, changes = self.saved_choices
            self.saved_choices = None
            if quarter == room.get("open_quarter") and not seat.get("submitted"):
                self.pending = {k: v for k, v in changes.items() if not self.locked_reason(k)}
                self.dirty = bool(self.pending)
        if self._save_due and not self.saved_choices:
            self._save_due = False
            self.autosave()
        if seat.get("submitted") and not self.dirty and room.get("phase") == "open":
            self.pending = {lv["name"]: lv["submitted_value"] for lv in self.state.get("levers", [])
                            if lv.get("submitted_value") is not None
                            and lv["submitted_value"] != getattr(self.model.policy, lv["name"])}

    def _follow(self) -> bool:
        """Bring the local model to the room's timeline: schedule new events, animate the one
        quarter just played, or replay at once when more than one behind or the story differs."""
        tl = self.state.get("timeline") or {}
        if not tl:
            return False
        played = int(tl["played"])
        decisions = {int(d["quarter"]): dict(d["changes"]) for d in tl.get("decisions", [])}
        tables = list(tl.get("events", []))
        known = [event_table(e) for e in self.record.injected]
        local = self.model.quarter
        consistent = (tl.get("generation") == self.generation and tables[:len(known)] == known
                      and played >= local
                      and all(self.record.changes_before(q) == decisions.get(q, {}) for q in range(1, local + 1)))
        new_events = [event_from_table(t, "event") for t in tables[len(known):]] if consistent else []
        if consistent and any(ev.quarter <= local for ev in new_events):
            consistent = False
        if not consistent:
            self._rebuild(tl, decisions, tables, played)
            return True
        for ev in new_events:
            self.model.schedule_event(ev)
            self.record.injected.append(ev)
        if new_events:
            self.scenario = self.base.with_events(tuple(self.record.injected))
        if played == local + 1:
            changes = decisions.get(played, {})
            if changes:
                self.model.set_policy(**changes)
                self.record.decide(played, changes)
            self.pending = {}
            self.dirty = False
            self.week_in_quarter = 0
            self._running = True
            return True
        if played > local + 1:
            self._rebuild(tl, decisions, tables, played)
            return True
        return bool(new_events)

    def _rebuild(self, tl: dict[str, Any], decisions: dict[int, dict[str, Any]], tables: list[dict[str, Any]],
                 played: int) -> None:
        """Replay the room's timeline from the start to `played` quarters (no animation)."""
        events = [event_from_table(t, "event") for t in tables]
        self.generation = tl.get("generation")
        self.scenario = self.base.with_events(tuple(events)) if events else self.base
        record = GameRecord(self.base.name, self.seed, self.team,
                            scenario_source="" if self.base.bundled else self.base.source)
        for q in sorted(decisions):
            if q <= played:
                record.decide(q, decisions[q])
        record.quarters_played = played
        record.injected = events
        self.record = record
        self.model: PartnerProgramModel = replay(record, self.scenario)
        self.pending = {}
        self.dirty = False
        self._running = False
        self.week_in_quarter = 0
        self._view = self._frame = None
        self._check()
        self._save_due = played > 0          # written once the unsent choices are back (`_adopt_choices`)

    def _check(self) -> None:
        """Compare every quarter played here with the room's figures; remember the first that differs."""
        check = ((self.state or {}).get("timeline") or {}).get("check") or {}
        if not check:
            return
        frame = self.frame()
        for name in CHECKED:
            theirs = check.get(name, [])
            for k in range(min(len(frame), len(theirs))):
                mine = float(frame[name].iloc[k])
                if not _same(theirs[k], mine):
                    q = int(frame["quarter"].iloc[k])
                    self.mismatch = (f"Quarter {q}: this laptop's replay differs from the classroom's ({name}: "
                                     f"{mine:g} here, {theirs[k]:g} on the server); the server's results count. "
                                     f"Is this laptop's partnersim the same version as the server's?")
                    self.notices.append(("Figures differ from the server's", self.mismatch))
                    return
        self.mismatch = None

    def _quarter_done(self) -> None:
        super()._quarter_done()
        self._check()


# ---------------------------------------------------------------------- joining a room
def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "team"


def team_tag(team: str) -> str:
    """A file name's part for a team, one per team as the room tells them apart: the name as the
    server cleans it (`classroom.schemas.clean_name`: spaces collapsed, 32 characters), compared
    without case, as a readable slug plus a short hash. A slug alone would give "Red Team" and
    "red-team", or any two names in a non-Latin script, one file (one key: the second team would
    rejoin as the first), and a name the server shortened would never find its key again."""
    from classroom.schemas import Refused, clean_name

    try:
        name = clean_name(team)
    except Refused:
        name = team
    return f"{_slug(name)}-{hashlib.sha256(name.casefold().encode('utf-8')).hexdigest()[:8]}"


def key_path(save_dir: Path, base: str, code: str, team: str) -> Path:
    """Where a team's key for a room is kept (the save folder: a restarted laptop rejoins)."""
    host = _slug(re.sub(r"^\w+://", "", base))
    return save_dir / "classroom-keys" / f"{team_tag(team)}-{code.upper()}-{host}.json"


def join_room(address: str, code: str, team: str, save_dir: Path) -> RoomSession:
    """Join (or rejoin, with the key kept in `save_dir`) a classroom and return the seat's session,
    already replayed to where the room is. Blocking (a few requests): call it off the main loop.

    Raises:
        NetError: the address, the code or the name was refused, with the server's reason.
        SaveGameError: the room's game could not be read (another partnersim version).
    """
    from game.net import NetError, base_url, request

    base = base_url(address)
    code = code.strip().upper()
    if not code:
        raise NetError("the room code is missing (it is on the projector)")
    path = key_path(save_dir, base, code, team)
    token = None
    if path.is_file():
        try:
            token = json.loads(path.read_text(encoding="utf-8"))["token"]
        except (OSError, ValueError, KeyError, TypeError):
            token = None
    save = None
    if token:
        try:
            save = request(base, "GET", "/api/team/save", token=token)
        except NetError as e:
            if e.status not in (401, 403):
                raise
            token = None                  # the room does not know this key (a new room file): join afresh
    kept = bool(token)
    if not token:
        joined = request(base, "POST", "/api/join", {"code": code, "name": team})
        token = joined["token"]
        team = joined["name"]
        path = key_path(save_dir, base, code, team)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps({"address": base, "code": code, "team": team, "id": joined["team"],
                                   "token": token}, indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)
        save = request(base, "GET", "/api/team/save", token=token)
    # the room's game, checked as any save file is (scenario bundled by name or embedded with its hash)
    copy = path.with_suffix(".save.json")
    copy.write_text(json.dumps(save), encoding="utf-8")
    record, _ = load_game(copy)
    base_scenario = (load_scenario_text(record.scenario_source, f"room {code}: scenario") if record.scenario_source
                     else load_bundled(record.scenario))         # the room's own, before injected events
    session = RoomSession(base_scenario, record.seed, record.team, NetLink(base, token), save_dir=save_dir,
                          where=f"room {code} at {base}")
    session.restore_choices()
    session.rejoined = kept
    return session
