"""Hot-seat: several teams on one laptop, through the same room engine as a classroom, no network.

A small workshop often has one laptop and one projector. Teams take turns on the same world,
each with its own game: the room (`classroom.room`, logged in its SQLite file by
`classroom.store`) takes each team's decision, closes the round when every team is in and
plays every team's quarter, exactly as the classroom server does; the laptop plays the
facilitator (it starts the game and opens each next quarter). Each team's state is the message
the server would send it, so the game's classroom seat shows it unchanged. A laptop that dies
carries on from its file (`HotSeat.open` on the same file replays every action).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from classroom.app import Classroom, open_classroom
from classroom.schemas import Refused

MAX_TEAMS = 8


class HotSeat:
    """A room played in turns on one laptop.

    Args:
        classroom: The room and its file (`open_classroom`).
        resumed: The room was carried on from its file.
    """

    def __init__(self, classroom: Classroom, resumed: bool) -> None:
        self.cl = classroom
        self.resumed = resumed
        self._loop = asyncio.new_event_loop()

    @classmethod
    def open(cls, db: str | Path, scenario: str | None = None, seed: int | None = None,
             teams: list[str] | None = None) -> HotSeat:
        """Start a hot-seat game in a new file (its teams joined and quarter 1 open), or carry
        on the one in `db`.

        Raises:
            ClassroomError: the file or the scenario cannot be used.
            Refused: a team name is empty or taken (the file then holds the teams before it).
        """
        cl, _key, resumed = open_classroom(db, scenario, seed, mode="gated", max_teams=MAX_TEAMS)
        game = cls(cl, resumed)
        if not resumed:
            for name in teams or []:
                game._run(cl.join(cl.room.code, name))
            game.act("start")
        return game

    def _run(self, coro: Any) -> Any:
        return self._loop.run_until_complete(coro)

    # ------------------------------------------------------------------ reading
    @property
    def room(self):
        return self.cl.room

    def teams(self) -> list[tuple[int, str]]:
        """(id, name) of every team, in turn order."""
        return [(s.id, s.name) for s in self.room.seats.values()]

    def state(self, team: int) -> dict[str, Any]:
        """The team's whole state, as the server would send it over the wire (JSON and back)."""
        return json.loads(json.dumps(self.cl.team_state(self.room.seats[team])))

    def state_key(self, team: int) -> tuple:
        """Changes whenever the team's state does (cheap: no state is built)."""
        return self.cl._team_key(self.room.seats[team])

    def waiting(self) -> list[int]:
        """Teams whose decision the open round still awaits, in turn order."""
        if self.room.phase != "open":
            return []
        return [s.id for s in self.room.seats.values() if not s.decided]

    def leaderboard(self) -> list[dict[str, Any]]:
        return self.cl.leaderboard()

    # ------------------------------------------------------------------ changing
    def submit(self, team: int, quarter: int, revision: int, levers: dict[str, Any]) -> dict[str, Any]:
        """A team's decision (the last one in closes the round and plays it).

        Raises:
            Refused: as the server refuses it, with the reason.
        """
        seat = self.room.seats[team]
        return self._run(self.cl.submit(seat, {"type": "submit", "quarter": quarter, "revision": revision,
                                               "levers": levers}))

    def act(self, action: str) -> None:
        """The laptop's facilitator actions: start, advance (the next quarter), end.

        Raises:
            Refused: the action does not apply now.
        """
        self._run(self.cl.act({"action": action}))

    def close(self) -> None:
        """Close the file (the game carries on from it with `open`)."""
        self.cl.store.close()
        self._loop.close()


class HotSeatLink:
    """One team's line to a hot-seat room: the `game.room_session.SeatLink` a network seat has,
    in-process. A refusal comes back as the server's `refused` message would."""

    status = "connected"
    problem: str | None = None

    def __init__(self, game: HotSeat, team: int) -> None:
        self.game = game
        self.team = team
        self._sent: tuple | None = None
        self._out: list[dict[str, Any]] = []

    def poll(self) -> list[dict[str, Any]]:
        out, self._out = self._out, []
        key = self.game.state_key(self.team)
        if key != self._sent:
            self._sent = key
            out.append(self.game.state(self.team))
        return out

    def submit(self, quarter: int, revision: int, levers: dict[str, Any]) -> bool:
        try:
            self.game.submit(self.team, quarter, revision, levers)
        except Refused as e:
            self._out.append({"type": "refused", "reason": e.reason, "state": self.game.state(self.team)})
        self._sent = None          # the answer is the current state, as over the wire
        return True

    def close(self) -> None:
        """The room stays open for the other teams."""
