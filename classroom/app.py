"""The classroom server: one ASGI process, one lock, one SQLite file.

Every change goes the same way: check it against the room (`Room.check_*`, refusing with a
reason and storing nothing), log it in one transaction (`Store`), apply it to the room, and
push the new state to whoever it concerns. One `asyncio.Lock` serialises changes; a quarter's
resolution runs in a worker thread while the lock is held, so pings, page loads and the
projector stay live while every team's model plays its quarter. Closing a round by the clock
and by the last submission are actions in the log too, so a replay needs no clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from classroom import tokens, views
from classroom.room import MODES, Room, Seat
from classroom.schemas import (
    MAX_MESSAGE_BYTES,
    Hello,
    JoinRequest,
    Refused,
    Submit,
    check,
    check_action,
    clean_name,
    parse_json,
)
from classroom.store import ActionRow, RoomRow, Store, StoreError
from sim.errors import PartnersimError
from sim.metrics import METRICS
from sim.scenario import ScenarioError, load_bundled, load_scenario, load_scenario_text

STATIC = Path(__file__).resolve().parent / "static"
TICK = 0.25                 # seconds between looks at the round's clock
BAD_KEY = 4401              # websocket close code: a key this room does not know
HELLO_TIMEOUT = 10.0
FLUSH = 0.1                 # seconds between the facilitator's (and projector's) state updates, at most
RESTART_GRACE = 60.0        # seconds an open timed round has at least after the server restarts


class ClassroomError(PartnersimError):
    """A classroom that cannot start; the message names the file or option and why."""


@dataclass
class Classroom:
    """A running room: its state, its file and who is connected.

    Attributes:
        room: The room (changed only under `lock`).
        store: Its SQLite file.
        join_url: The address teams open (the QR encodes it with the room code).
        facilitator_url: The facilitator page, with its key in the fragment.
    """

    room: Room
    store: Store
    join_url: str = ""
    facilitator_url: str = ""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    team_sockets: dict[int, set[WebSocket]] = field(default_factory=dict)
    host_sockets: set[WebSocket] = field(default_factory=set)
    public_sockets: set[WebSocket] = field(default_factory=set)
    _seat_cache: dict[int, tuple[tuple, dict[str, Any]]] = field(default_factory=dict)
    _results_cache: dict[int, tuple[tuple, dict[str, Any]]] = field(default_factory=dict)
    _board_cache: tuple[tuple, list[dict[str, Any]]] | None = None
    _standing_cache: dict[int, tuple[tuple, Any]] = field(default_factory=dict)
    _sent: dict[WebSocket, tuple] = field(default_factory=dict)
    _outboxes: dict[WebSocket, Outbox] = field(default_factory=dict)
    _viewers_due: asyncio.Event = field(default_factory=asyncio.Event)
    attribute: bool = False          # work out the class debrief's attribution (the CLI turns it on)
    attribution: dict[int, Any] = field(default_factory=dict)
    attribution_total: int = 0
    _attribution_thread: threading.Thread | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)

    # ------------------------------------------------------------------ keys
    def who(self, token: str | None) -> tuple[bool, int | None]:
        """(known, team) for a key; team None is the facilitator."""
        if not token or len(token) > 200:
            return False, None
        return self.store.key_owner(tokens.hash_token(token))

    def seat_for(self, token: str | None) -> Seat:
        known, team = self.who(token)
        if not known or team is None or team not in self.room.seats:
            raise Refused("this team's key is not valid in this room: join again with the room code", 401)
        return self.room.seats[team]

    def check_facilitator(self, token: str | None) -> None:
        known, team = self.who(token)
        if not known or team is not None:
            raise Refused("the facilitator's key is missing or wrong", 403)

    # ------------------------------------------------------------------ states
    def connected(self) -> dict[int, int]:
        return {t: len(s) for t, s in self.team_sockets.items()}

    def team_state(self, seat: Seat) -> dict[str, Any]:
        """A team's whole state: its decision part is rebuilt on every change, its results part
        only when a quarter was played (a submission costs a millisecond, not a quarterly frame)."""
        room = self.room
        connected = bool(self.team_sockets.get(seat.id))
        key = self._seat_key(seat)
        cached = self._seat_cache.get(seat.id)
        if cached is None or cached[0] != key:
            rkey = (room.generation, seat.model.quarter, len(seat.model.event_log), len(room.injected),
                    room.phase == "ended", room.phase == "lobby")
            results = self._results_cache.get(seat.id)
            if results is None or results[0] != rkey:
                results = (rkey, views.seat_results(room, seat))
                self._results_cache[seat.id] = results
            cached = (key, {**views.seat_decision(room, seat, connected), **results[1]})
            self._seat_cache[seat.id] = cached
        return {"type": "state", "room": views.room_info(room, self.join_url), **cached[1]}

    def _seat_key(self, seat: Seat) -> tuple:
        """Everything a team's own part of its state depends on."""
        room = self.room
        return (room.generation, seat.revision, seat.submitted is not None, seat.locked, seat.bot, seat.kept_last,
                seat.extra, seat.model.quarter, room.phase, room.quarter, len(room.injected), room.deadline,
                bool(self.team_sockets.get(seat.id)))

    def _warm(self) -> None:
        """Build each connected team's state and the leaderboard (a worker thread; lock held)."""
        for team in list(self.team_sockets):
            if team in self.room.seats and self.team_sockets[team]:
                self.team_state(self.room.seats[team])
        self.leaderboard()

    def leaderboard(self) -> list[dict[str, Any]]:
        room = self.room
        key = (room.generation, room.quarter, len(room.seats), room.phase == "ended",
               tuple(s.model.quarter for s in room.seats.values()))
        if self._board_cache is None or self._board_cache[0] != key:
            self._board_cache = (key, views.leaderboard(room, self._standing_cache))
        return self._board_cache[1]

    def room_state(self) -> dict[str, Any]:
        room = self.room
        return {"type": "room", "room": views.room_info(room, self.join_url), "facilitator_url": "",
                "roster": views.roster(room, self.connected()), "leaderboard": self.leaderboard(),
                "actions": [{"seq": s, "at": at, "text": t} for s, at, t in room.history[-30:]],
                "inject": views.inject_vocabulary(), "can": room.can(),
                "debrief": self.class_debrief() if room.phase == "ended" else None}

    def public_state(self) -> dict[str, Any]:
        return views.public_state(self.room, self.join_url, self.connected(), self.leaderboard())

    def class_debrief(self) -> dict[str, Any]:
        """Every team beside best practice, and what separated the top from the bottom."""
        room = self.room
        best = views.best_frame(room)
        best_st = views.standing(room.scenario.win, room.scenario.at_quarter, best)
        board = self.leaderboard()
        return {"best": {"figures": views.figures(best_st), "clauses": views.clause_rows(best_st.clauses),
                         "clauses_met": best_st.clauses_met},
                "teams": [{"team": r["team"], "figures": r["figures"], "clauses_met": r["clauses_met"],
                           "won": bool(r["clauses"]) and all(c["met"] for c in r["clauses"])} for r in board],
                "separating": separating(board, self.attribution),
                "attribution_done": len(self.attribution), "attribution_total": self.attribution_total,
                "attribution_on": self.attribute}

    # ------------------------------------------------------------------ changes
    async def commit(self, kind: str, team: int | None, body: dict[str, Any], at: float | None = None) -> None:
        """Log an action, apply it, resolve a closed round off the event loop; caller holds the lock."""
        at = time.time() if at is None else at
        seq = self.store.log(at, kind, team, body)
        if self.room.apply(ActionRow(seq, at, kind, team, body)):
            await self.push(viewers_now=True)       # everyone sees "resolving" while the quarter plays
            await asyncio.to_thread(self.room.resolve)
            await asyncio.to_thread(self._warm)     # every team's new figures, built off the event loop
        if self.room.phase == "ended":
            self.start_attribution()
        elif self.room.phase == "open" and self.room.all_in():
            await self.commit("clock", None, {"action": "close", "reason": "all_in"})
            return
        await self.push()

    async def join(self, code: str, name: str) -> dict[str, Any]:
        if not tokens.same_code(code, self.room.code):
            raise Refused("'code': that is not this room's code (it is on the projector)", 403)
        name = clean_name(name)
        async with self.lock:
            self.room.check_join(name)
            token = tokens.new_token()
            at = time.time()
            team = self.store.join(name, tokens.hash_token(token), at)
            self.room.apply(ActionRow(0, at, "join", team, {"name": name}))
            await self.push()
        return {"team": team, "name": name, "token": token}

    async def submit(self, seat: Seat, data: Any) -> dict[str, Any]:
        msg = check(Submit, data)
        levers = {k: getattr(msg.levers, k) for k in msg.levers.model_fields_set}
        async with self.lock:
            changes = self.room.check_submit(seat, msg.quarter, msg.revision, levers)
            if changes is not None:
                await self.commit("submit", seat.id, {"quarter": msg.quarter, "revision": msg.revision,
                                                      "changes": changes})
            return self.team_state(seat)

    async def act(self, data: Any) -> dict[str, Any]:
        action = check_action(data)
        async with self.lock:
            body = self.room.check_action(action, time.time())
            await self.commit("facilitator", None, body)
            return self.room_state()

    async def tick(self) -> None:
        """Close a timed round whose clock ran out (logged, like any action)."""
        if self.room.phase == "open" and self.room.overdue(time.time()):
            async with self.lock:
                if self.room.phase == "open" and self.room.overdue(time.time()):
                    await self.commit("clock", None, {"action": "close", "reason": "time"})

    # ------------------------------------------------------------------ pushing
    async def push(self, viewers_now: bool = False) -> None:
        """Queue each team its state if it changed since the last one sent, and mark the
        facilitator's and the projector's for the next flush, or queue them now (`viewers_now`:
        a round about to resolve, which holds the lock while it plays). The caller holds the
        lock; sending happens in each socket's own writer, never under the lock."""
        for team, sockets in list(self.team_sockets.items()):
            seat = self.room.seats.get(team)
            if seat is None or not sockets:
                continue
            key = self._team_key(seat)
            waiting = [ws for ws in sockets if self._sent.get(ws) != key]
            if not waiting:
                continue
            text = json.dumps(self.team_state(seat))
            for ws in waiting:
                self._sent[ws] = key
                self.send(ws, text)
        if viewers_now:
            self._send_viewers()
        elif self.host_sockets or self.public_sockets:
            self._viewers_due.set()

    def _send_viewers(self) -> None:
        if self.host_sockets:
            text = json.dumps(self.room_state())
            for ws in list(self.host_sockets):
                self.send(ws, text)
        if self.public_sockets:
            text = json.dumps(self.public_state())
            for ws in list(self.public_sockets):
                self.send(ws, text)

    async def flush_viewers(self) -> None:
        """The facilitator's and the projector's states, at most every FLUSH seconds: a burst of
        forty submissions costs one leaderboard, not forty."""
        while True:
            await self._viewers_due.wait()
            await asyncio.sleep(FLUSH)
            self._viewers_due.clear()
            async with self.lock:
                self._send_viewers()

    def send(self, ws: WebSocket, text: str, whole_state: bool = True) -> None:
        """Queue a message for a socket; a state replaces a state still waiting (each is whole)."""
        box = self._outboxes.get(ws)
        if box is not None:
            box.put(text, whole_state)

    def open_outbox(self, ws: WebSocket) -> Outbox:
        box = Outbox(ws)
        self._outboxes[ws] = box
        return box

    def close_outbox(self, ws: WebSocket) -> None:
        box = self._outboxes.pop(ws, None)
        if box is not None:
            box.close()

    def _team_key(self, seat: Seat) -> tuple:
        """What a team's message is built from: resend only when it changes."""
        return (self._room_key(), self._seat_key(seat))

    def _room_key(self) -> tuple:
        r = self.room
        return (r.phase, r.quarter, r.paused, r.deadline, len(r.messages), len(r.injected), r.practice)

    # ------------------------------------------------------------------ the class debrief's replays
    def start_attribution(self) -> None:
        """Work out what each team's decisions were worth (`sim.attribution`) in the background;
        the facilitator's debrief fills in as teams are done."""
        if not self.attribute or self._attribution_thread is not None or not self.room.seats \
                or self.room.quarter < 1:
            return
        loop = asyncio.get_running_loop()
        seats = list(self.room.seats.values())
        self.attribution_total = len(seats)

        def work() -> None:
            from sim.attribution import AttributionError, decision_values, player_timeline, replay_pool

            with replay_pool() as pool:
                for seat in seats:
                    if self._stopping.is_set():
                        return
                    try:
                        self.attribution[seat.id] = decision_values(self.room.world, self.room.seed,
                                                                    player_timeline(seat.model), pool=pool)
                    except AttributionError:
                        self.attribution[seat.id] = None
                    with contextlib.suppress(RuntimeError):
                        asyncio.run_coroutine_threadsafe(self._push_locked(), loop)

        self._attribution_thread = threading.Thread(target=work, name="class-attribution", daemon=True)
        self._attribution_thread.start()

    async def _push_locked(self) -> None:
        async with self.lock:
            await self.push()

    # ------------------------------------------------------------------ exports
    def export_leaderboard_csv(self) -> str:
        out = io.StringIO()
        w = csv.writer(out)
        clauses = [c.goal for c in views.standing(self.room.scenario.win, self.room.scenario.at_quarter,
                                                  views.best_frame(self.room)).clauses]
        w.writerow(["rank", "team", "clauses_met", *clauses, "partner_share_last_4q", "net_contribution",
                    "conflicts", "partners_lost"])
        for r in self.leaderboard():
            w.writerow([r["rank"], _cell(r["team"]), r["clauses_met"], *[c["shown"] for c in r["clauses"]],
                        round(r["share"], 4), round(r["net"], 2), r["conflicts"], r["lost"]])
        return out.getvalue()

    def export_quarters_csv(self) -> str:
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["team", "scenario", "seed", *METRICS])
        for seat in self.room.seats.values():
            for row in seat.model.quarterly_frame().itertuples(index=False):
                w.writerow([_cell(seat.name), self.room.scenario.name, self.room.seed, *row])
        best = views.best_frame(self.room)
        for row in best.itertuples(index=False):
            w.writerow(["best practice", self.room.scenario.name, self.room.seed, *row])
        return out.getvalue()

    def export_png(self) -> bytes:
        import tempfile

        import pandas as pd

        from sim.compare import plot_comparison

        if not self.room.seats:
            raise Refused("no team has joined yet: nothing to draw", 409)
        best = views.best_frame(self.room)
        rows, frames = [], {}
        for r in self.leaderboard():
            seat = self.room.seats[r["id"]]
            frame = seat.model.quarterly_frame()
            if not frame.empty:
                frame = frame.assign(best_revenue_partner=best["revenue_partner"].to_numpy()[:len(frame)])
            key = f"team-{seat.id}"
            goal = f"{r['clauses_met']}/{len(r['clauses'])} met" if r["clauses"] else "n/a"
            rows.append({"team": seat.name, "scenario": self.room.scenario.name, "seed": self.room.seed,
                         "goal": goal, "file": key})
            frames[key] = frame
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "class.png"
            plot_comparison(pd.DataFrame(rows, columns=["team", "scenario", "seed", "goal", "file"]), frames, path)
            return path.read_bytes()

    def export_handouts_zip(self, worth: dict[int, Any] | None = None) -> bytes:
        """The PDF handouts (`classroom.handouts`): class.pdf and one per team, zipped (`worth`:
        what each team's decisions were worth, worked out beforehand outside the lock)."""
        import tempfile

        from classroom.handouts import write_handouts

        if not self.room.seats:
            raise Refused("no team has joined yet: no handouts to write", 409)
        with tempfile.TemporaryDirectory() as tmp:
            write_handouts(self, Path(tmp), worth=worth)
            return _zip_folder(Path(tmp))

    async def handouts_zip(self) -> bytes:
        """The handouts for a download: the replays behind "what each decision group was worth"
        (up to a minute and a half) run without the lock, so the room plays on meanwhile; only
        reading the timelines and writing the PDFs (seconds) hold it."""
        from classroom import handouts

        if not self.room.seats:
            raise Refused("no team has joined yet: no handouts to write", 409)
        start = time.monotonic()
        background = await asyncio.to_thread(handouts.wait_for_debrief, self)
        async with self.lock:
            plan = handouts.worth_plan(self, background=background)
        left = max(0.0, handouts.WORTH_BUDGET - (time.monotonic() - start))
        worth = await asyncio.to_thread(handouts.work_out, plan, left)
        async with self.lock:
            handouts.remember(self, plan, worth)
            return await asyncio.to_thread(self.export_handouts_zip, worth)

    def export_saves_zip(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for seat in self.room.seats.values():
                rec = self.room.save_record(seat)
                z.writestr(f"{save_name(seat)}.json", json.dumps(rec.to_json(), indent=2) + "\n")
        return out.getvalue()


def _zip_folder(folder: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.iterdir()):
            z.write(path, path.name)
    return out.getvalue()


def save_name(seat: Seat) -> str:
    import re

    slug = re.sub(r"[^A-Za-z0-9]+", "-", seat.name).strip("-").lower() or "team"
    return f"{seat.id:02d}-{slug}"


def _cell(text: str) -> str:
    """A spreadsheet cell that cannot run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def separating(board: list[dict[str, Any]], attribution: dict[int, Any]) -> list[dict[str, str]]:
    """The decision groups whose worth differed most between the top and the bottom half of the
    class: what best practice's decisions in that group would have added to each half."""
    done = [(r, attribution.get(r["id"])) for r in board if attribution.get(r["id"]) is not None]
    if len(done) < 2:
        return []
    half = len(done) // 2
    top, bottom = done[:half] if half else done[:1], done[-half:] if half else done[-1:]
    measure = done[0][1].measures[0]
    out = []
    from sim.policy import LEVER_GROUPS

    for group in LEVER_GROUPS:
        def mean(rows: list) -> float:
            return sum(a.measure(measure.key).values.get(group, 0.0) for _, a in rows) / len(rows)
        t, b = mean(top), mean(bottom)
        if abs(b - t) < 1e-9:
            continue
        out.append({"group": group, "gap": b - t,
                    "text": f"{group.capitalize()}: best practice's decisions would have added "
                            f"{measure.fmt_change(b)} ({measure.short}) to the bottom half, "
                            f"{measure.fmt_change(t)} to the top half"})
    out.sort(key=lambda r: -abs(r["gap"]) * measure.good)
    return [{"group": r["group"], "text": r["text"]} for r in out[:4]]


class Outbox:
    """A socket's messages, sent in order by its own writer task: a slow or dead laptop never
    holds up the room. Consecutive whole states collapse to the latest."""

    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self.queue: list[tuple[str, bool]] = []
        self.ready = asyncio.Event()
        self.task = asyncio.create_task(self._write())

    def put(self, text: str, whole_state: bool = True) -> None:
        if whole_state and self.queue and self.queue[-1][1]:
            self.queue[-1] = (text, True)
        else:
            self.queue.append((text, whole_state))
        self.ready.set()

    async def _write(self) -> None:
        while True:
            await self.ready.wait()
            self.ready.clear()
            while self.queue:
                text, _ = self.queue.pop(0)
                try:
                    await asyncio.wait_for(self.ws.send_text(text), timeout=10)
                except Exception:
                    return

    def close(self) -> None:
        self.task.cancel()


# ---------------------------------------------------------------------- opening a classroom
def open_classroom(db: str | Path, scenario: str | None = None, seed: int | None = None, *,
                   mode: str | None = None, minutes: float | None = None,
                   max_teams: int | None = None, read_only: bool = False) -> tuple[Classroom, str, bool]:
    """Open a classroom file: create the room in a new file, or rebuild it by replaying an old one.

    Returns:
        The classroom, a new facilitator key, and whether the room was carried on from the file.

    Raises:
        ClassroomError: naming the file or option and what is allowed.
    """
    if mode is not None and mode not in MODES:
        raise ClassroomError(f"--rounds: {mode!r} is not allowed (allowed: {' | '.join(MODES)})")
    fresh = None
    if read_only and not Path(db).exists():
        raise ClassroomError(f"{db}: no such classroom file")
    if not Path(db).exists() or Path(db).stat().st_size == 0:
        if scenario is None:       # checked before the file is created: bad input stores nothing
            raise ClassroomError(f"{db}: no such classroom file; a new classroom needs --scenario NAME|PATH")
        try:
            fresh = load_scenario(scenario)
        except ScenarioError as e:
            raise ClassroomError(str(e)) from None
    try:
        store = Store(db)
        row = store.room()
    except StoreError as e:
        raise ClassroomError(str(e)) from None
    resumed = row is not None
    if row is None:
        if fresh is None:
            raise ClassroomError(f"{db}: this classroom file holds no room; give --scenario NAME|PATH")
        sc = fresh
        row = RoomRow(tokens.new_code(), sc.name, sc.source, sc.sha256, sc.bundled,
                      sc.seed if seed is None else seed, mode or "gated", 5.0 if minutes is None else minutes,
                      60 if max_teams is None else max_teams, time.time())
        store.create_room(row)
    else:
        try:
            sc = load_scenario_text(row.scenario_toml, f"{db}: scenario")
        except ScenarioError as e:
            raise ClassroomError(str(e)) from None
        if sc.sha256 != row.scenario_sha256:
            raise ClassroomError(f"{db}: the scenario stored in the classroom file does not match its hash "
                                 f"(the file was edited or damaged)")
        if row.bundled and _bundled_unchanged(sc):
            sc = _bundled_copy(sc)
        if scenario is not None and scenario not in (sc.name, ) and not _same_scenario(scenario, sc):
            raise ClassroomError(f"{db}: this classroom plays '{sc.name}'; leave out --scenario to carry it on, "
                                 f"or give a new --db for a new classroom")
        for option, given, kept in (("--rounds", mode, row.mode), ("--minutes", minutes, row.minutes),
                                    ("--max-teams", max_teams, row.max_teams)):
            if given is not None and given != kept:
                was = f"{kept} rounds" if option == "--rounds" else f"{option} {kept:g}"
                raise ClassroomError(f"{db}: this classroom was started with {was}; leave out {option} to carry "
                                     f"it on, or give a new --db for a new classroom")
        if seed is not None and seed != row.seed:
            raise ClassroomError(f"{db}: this classroom plays seed {row.seed}; leave out --seed to carry it on, "
                                 f"or give a new --db for a new classroom")
    room = Room(sc, row.seed, row.code, row.mode, row.minutes, row.max_teams)
    try:
        room.replay(store.actions())
    except Exception as e:   # a file this version cannot replay: say which action, never a traceback
        raise ClassroomError(f"{db}: cannot replay the classroom's actions ({type(e).__name__}: {e}); the file "
                             f"was made by another partnersim version or damaged") from None
    if read_only:       # a report (the handouts): the file gains no action and no key
        if not resumed:
            raise ClassroomError(f"{db}: no such classroom file")
        return Classroom(room, store), "", resumed
    if resumed:         # logged like any action, so a later replay sees the same clock
        at = time.time()
        body = {"action": "restart", "grace": RESTART_GRACE}
        room.apply(ActionRow(store.log(at, "clock", None, body), at, "clock", None, body))
        if room.phase == "open" and room.all_in():   # died between the last submission and the close
            body = {"action": "close", "reason": "all_in"}
            if room.apply(ActionRow(store.log(at, "clock", None, body), at, "clock", None, body)):
                room.resolve()
    key = tokens.new_token()
    store.add_facilitator_key(tokens.hash_token(key))
    return Classroom(room, store), key, resumed


def _bundled_copy(sc):
    """A bundled scenario read back from the file keeps its bundled name (saves name it)."""
    import dataclasses

    from sim.scenario import scenarios_dir

    return dataclasses.replace(sc, path=str(scenarios_dir() / f"{sc.name}.toml"))


def _bundled_unchanged(sc) -> bool:
    """The bundled file still holds what the room plays (else saves embed the room's copy)."""
    try:
        return load_bundled(sc.name).sha256 == sc.sha256
    except ScenarioError:
        return False


def _same_scenario(ref: str, sc) -> bool:
    try:
        return load_scenario(ref).sha256 == sc.sha256
    except ScenarioError:
        return False


# ---------------------------------------------------------------------- the ASGI app
def create_app(classroom: Classroom) -> FastAPI:
    """The FastAPI app serving `classroom`: pages, JSON API and websockets."""
    cl = classroom

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        async def clock() -> None:
            while True:
                await asyncio.sleep(TICK)
                with contextlib.suppress(Exception):
                    await cl.tick()
        tasks = [asyncio.create_task(clock()), asyncio.create_task(cl.flush_viewers())]
        if cl.room.phase == "ended":
            cl.start_attribution()
        yield
        cl._stopping.set()
        for task in tasks:
            task.cancel()

    app = FastAPI(title="partnersim classroom", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.classroom = classroom

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> JSONResponse:
        return JSONResponse({"error": exc.reason}, status_code=exc.status)

    async def body(request: Request) -> Any:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_MESSAGE_BYTES:
            raise Refused(f"message too large: {length} bytes (allowed: up to {MAX_MESSAGE_BYTES})", 413)
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_MESSAGE_BYTES:
                raise Refused(f"message too large (allowed: up to {MAX_MESSAGE_BYTES} bytes)", 413)
        return parse_json(raw)

    def bearer(request: Request) -> str | None:
        auth = request.headers.get("authorization", "")
        return auth[7:].strip() if auth.lower().startswith("bearer ") else None

    # pages
    @app.get("/")
    async def team_page() -> FileResponse:
        return FileResponse(STATIC / "team.html")

    @app.get("/host")
    async def host_page() -> FileResponse:
        return FileResponse(STATIC / "host.html")

    @app.get("/projector")
    async def projector_page() -> FileResponse:
        return FileResponse(STATIC / "projector.html")

    @app.get("/qr.svg")
    async def qr() -> Response:
        import segno

        buf = io.BytesIO()
        segno.make(qr_target(cl), error="m").save(buf, kind="svg", scale=8, border=2, dark="#000", light="#fff")
        return Response(buf.getvalue(), media_type="image/svg+xml")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # API
    @app.post("/api/join")
    async def join(request: Request) -> dict[str, Any]:
        msg = check(JoinRequest, await body(request))
        return await cl.join(msg.code, msg.name)

    @app.get("/api/public")
    async def public() -> dict[str, Any]:
        async with cl.lock:             # never read a model while a quarter is being played
            return cl.public_state()

    @app.get("/api/team")
    async def team(request: Request) -> dict[str, Any]:
        seat = cl.seat_for(bearer(request))
        async with cl.lock:
            return cl.team_state(seat)

    @app.get("/api/team/save")
    async def team_save(request: Request) -> dict[str, Any]:
        """The team's game as a save file (its scenario embedded if not bundled): what a game
        client replays, and keeps in its save folder."""
        async with cl.lock:
            seat = cl.seat_for(bearer(request))
            return cl.room.save_record(seat).to_json()

    @app.post("/api/submit")
    async def submit(request: Request) -> dict[str, Any]:
        seat = cl.seat_for(bearer(request))
        return await cl.submit(seat, await body(request))

    @app.get("/api/host/room")
    async def host_room(request: Request) -> dict[str, Any]:
        cl.check_facilitator(bearer(request))
        async with cl.lock:
            return cl.room_state()

    @app.post("/api/host/action")
    async def host_action(request: Request) -> dict[str, Any]:
        cl.check_facilitator(bearer(request))
        return await cl.act(await body(request))

    @app.get("/api/host/export/{name}")
    async def export(name: str, request: Request) -> Response:
        cl.check_facilitator(bearer(request))
        stem = f"partnersim-{cl.room.scenario.name}-seed{cl.room.seed}"
        makers = {"leaderboard.csv": (cl.export_leaderboard_csv, "text/csv"),
                  "quarters.csv": (cl.export_quarters_csv, "text/csv"),
                  "chart.png": (cl.export_png, "image/png"),
                  "saves.zip": (cl.export_saves_zip, "application/zip"),
                  "handouts.zip": (cl.export_handouts_zip, "application/zip")}
        if name not in makers:
            raise Refused(f"no export called '{name}' (allowed: {', '.join(makers)})", 404)
        make, media = makers[name]
        if name == "handouts.zip":
            content = await cl.handouts_zip()        # its replays run without the lock
        else:
            async with cl.lock:
                content = await asyncio.to_thread(make)
        return Response(content, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{stem}-{name}"'})

    # websockets
    async def hello(ws: WebSocket) -> str | None:
        try:
            raw = await asyncio.wait_for(ws.receive_text(), timeout=HELLO_TIMEOUT)
            return check(Hello, parse_json(raw)).token
        except (TimeoutError, Refused, WebSocketDisconnect, KeyError):
            return None

    async def admit(ws: WebSocket, check: Any) -> Any:
        """Accept a socket and read its hello; `check(key)` says who it is, or the socket is
        closed with BAD_KEY and the reason (None)."""
        await ws.accept()
        try:
            return check(await hello(ws))
        except Refused as e:
            await ws.close(code=BAD_KEY, reason=e.reason[:120])
            return None

    @app.websocket("/ws/team")
    async def ws_team(ws: WebSocket) -> None:
        seat = await admit(ws, cl.seat_for)
        if seat is None:
            return
        box = cl.open_outbox(ws)
        try:
            async with cl.lock:
                cl.team_sockets.setdefault(seat.id, set()).add(ws)
                box.put(json.dumps(cl.team_state(seat)))
                cl._sent[ws] = cl._team_key(seat)
                await cl.push()          # the roster shows it connected
            while True:
                raw = await ws.receive_text()
                try:
                    data = parse_json(raw)
                    if not isinstance(data, dict) or data.get("type") != "submit":
                        raise Refused("unknown message (allowed: {\"type\": \"submit\", ...})", 400)
                    state = await cl.submit(seat, data)
                    async with cl.lock:
                        box.put(json.dumps(state))
                        cl._sent[ws] = cl._team_key(seat)
                except Refused as e:
                    async with cl.lock:
                        box.put(json.dumps({"type": "refused", "reason": e.reason, "state": cl.team_state(seat)}),
                                whole_state=False)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            cl.close_outbox(ws)
            cl.team_sockets.get(seat.id, set()).discard(ws)
            cl._sent.pop(ws, None)
            with contextlib.suppress(Exception):
                await cl._push_locked()

    @app.websocket("/ws/host")
    async def ws_host(ws: WebSocket) -> None:
        if not await admit(ws, lambda token: cl.check_facilitator(token) or True):
            return
        box = cl.open_outbox(ws)
        try:
            async with cl.lock:
                cl.host_sockets.add(ws)
                box.put(json.dumps(cl.room_state()))
            while True:
                raw = await ws.receive_text()
                try:
                    data = parse_json(raw)
                    if not isinstance(data, dict) or data.get("type") != "action":
                        raise Refused("unknown message (allowed: {\"type\": \"action\", \"action\": ...})", 400)
                    await cl.act(data)
                except Refused as e:
                    async with cl.lock:
                        box.put(json.dumps({"type": "refused", "reason": e.reason, "state": cl.room_state()}),
                                whole_state=False)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            cl.close_outbox(ws)
            cl.host_sockets.discard(ws)

    @app.websocket("/ws/public")
    async def ws_public(ws: WebSocket) -> None:
        await ws.accept()
        box = cl.open_outbox(ws)
        try:
            async with cl.lock:
                cl.public_sockets.add(ws)
                box.put(json.dumps(cl.public_state()))
            while True:
                await ws.receive_text()         # the projector sends nothing; this waits for it to leave
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            cl.close_outbox(ws)
            cl.public_sockets.discard(ws)

    return app


def qr_target(cl: Classroom) -> str:
    """What the join QR encodes: the join address with the room code."""
    return f"{cl.join_url.rstrip('/')}/?room={cl.room.code}"
