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
    """The teams' seats on one laptop.

    Args:
        game: The in-process room.
        save_dir: Where each team's game autosaves.
    """

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

    def next_team(self) -> int | None:
        """The team whose turn it is (the first the open round still awaits), or None."""
        waiting = self.game.waiting()
        return waiting[0] if waiting else None

    def close(self) -> None:
        self.game.close()
