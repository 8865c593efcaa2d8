"""Hot-seat play on one laptop: each team's seat in the in-process room (`classroom.hotseat`).

Teams take turns: the handoff screen names the team whose turn it is and shows the leaderboard
between quarters; each team plays its turn on the play screen through its own classroom seat
(`game.room_session.RoomSession`), which animates the quarter the room played for it and sends
its decision. The room's file sits in the save folder, so a laptop that dies carries on.
"""

from __future__ import annotations

import time
from pathlib import Path

from classroom.hotseat import HotSeat, HotSeatLink
from game.room_session import RoomSession

SUFFIX = ".hotseat.db"


def new_file(save_dir: Path, scenario: str) -> Path:
    """A new hot-seat file in the save folder, named by scenario and time."""
    save_dir.mkdir(parents=True, exist_ok=True)
    return save_dir / f"{scenario}-{time.strftime('%Y%m%d-%H%M%S')}{SUFFIX}"


def last_file(save_dir: Path) -> Path | None:
    """The newest hot-seat file in the save folder, if any."""
    try:
        files = sorted(save_dir.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime)
    except OSError:
        return None
    return files[-1] if files else None


def parse_teams(text: str) -> list[str]:
    """Team names typed as "Red, Blue, Green" (2 to `classroom.hotseat.MAX_TEAMS`).

    Raises:
        ValueError: fewer than two names or too many, with what is allowed.
    """
    from classroom.hotseat import MAX_TEAMS

    names = [n.strip() for n in text.replace(";", ",").split(",") if n.strip()]
    if not 2 <= len(names) <= MAX_TEAMS:
        raise ValueError(f"type 2 to {MAX_TEAMS} team names separated by commas (got {len(names)})")
    return names


class HotSeatGame:
    """The teams' seats on one laptop, in a room run in-process (the laptop opens each quarter).

    Args:
        game: The in-process room.
        save_dir: Where each team's game autosaves.
    """

    can_advance = True

    def __init__(self, game: HotSeat, save_dir: Path | None) -> None:
        self.game = game
        room = game.room
        self.sessions: dict[int, RoomSession] = {}
        for team, name in game.teams():
            s = RoomSession(room.scenario, room.seed, name, HotSeatLink(game, team), save_dir=save_dir,
                            where="hot-seat on this laptop")
            s.hands_over = True
            self.sessions[team] = s

    @classmethod
    def start(cls, db: Path, scenario: str, seed: int | None, teams: list[str], save_dir: Path | None) -> HotSeatGame:
        return cls(HotSeat.open(db, scenario, seed, teams), save_dir)

    @classmethod
    def resume(cls, db: Path, save_dir: Path | None) -> HotSeatGame:
        return cls(HotSeat.open(db), save_dir)

    def room(self) -> dict:
        """Where the room stands: phase, quarter, open_quarter, quarters."""
        r = self.game.room
        return {"phase": r.phase, "quarter": r.quarter, "open_quarter": r.open_quarter, "quarters": r.scenario.quarters}

    def teams(self) -> list[tuple[int, str]]:
        return self.game.teams()

    def waiting(self) -> list[int]:
        """Teams the open round still awaits, in turn order."""
        return self.game.waiting()

    def next_team(self) -> int | None:
        """The team whose turn it is (the first the open round still awaits), or None."""
        waiting = self.waiting()
        return waiting[0] if waiting else None

    def leaderboard(self) -> list[dict]:
        return self.game.leaderboard()

    def advance(self) -> None:
        """Open the next quarter (the laptop is the facilitator)."""
        self.game.act("advance")

    def poll(self) -> bool:
        return False

    def close(self) -> None:
        self.game.close()


class ClassroomTurns:
    """Several teams on one laptop in a classroom on the network: each team its own seat (and
    key) in the facilitator's room, taking turns at the keyboard; the facilitator opens quarters,
    and the leaderboard comes from the projector's feed.

    Args:
        base: The server's base URL.
        sessions: Each team's seat, joined (`game.room_session.join_room`).
    """

    can_advance = False

    def __init__(self, base: str, sessions: list[RoomSession]) -> None:
        from game.net import Feed, ws_url

        self.sessions = {k: s for k, s in enumerate(sessions, 1)}
        for s in sessions:
            s.hands_over = True
        self.public: dict = {}
        self.feed = Feed(ws_url(base, "/ws/public")).start()

    def poll(self) -> bool:
        """Take the projector's news, and each seat's (a seat not on screen keeps up too)."""
        changed = False
        for msg in self.feed.poll():
            if msg.get("type") == "public":
                self.public = msg
                changed = True
        for s in self.sessions.values():
            changed = s.poll() or changed
        return changed

    def room(self) -> dict:
        r = self.public.get("room") or next((s.room for s in self.sessions.values() if s.room), {})
        return {"phase": r.get("phase", "lobby"), "quarter": r.get("quarter", 0), "open_quarter": r.get("open_quarter"),
                "quarters": r.get("quarters", 0)}

    def teams(self) -> list[tuple[int, str]]:
        return [(k, s.team) for k, s in self.sessions.items()]

    def waiting(self) -> list[int]:
        return [k for k, s in self.sessions.items()
                if s.phase == "open" and not s.seat.get("submitted") and not s.seat.get("bot")
                and not s.seat.get("locked")]

    def next_team(self) -> int | None:
        waiting = self.waiting()
        return waiting[0] if waiting else None

    def leaderboard(self) -> list[dict]:
        return list(self.public.get("leaderboard") or [])

    def advance(self) -> None:
        """The facilitator opens quarters in a classroom."""

    def close(self) -> None:
        self.feed.close()
        for s in self.sessions.values():
            s.close()


def join_turns(address: str, code: str, names: list[str], save_dir: Path) -> ClassroomTurns:
    """Join (or rejoin) a classroom with several teams on this laptop. Blocking: off the main loop.

    Raises:
        NetError: as `join_room` (a team already joined stays joined: its key is kept).
    """
    from game.net import base_url
    from game.room_session import join_room

    sessions = []
    try:
        for name in names:
            sessions.append(join_room(address, code, name, save_dir))
    except BaseException:
        for s in sessions:
            s.close()
        raise
    return ClassroomTurns(base_url(address), sessions)
