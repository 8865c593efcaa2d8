"""The classroom's SQLite file: the room, its teams, their hashed keys and every action, in order.

The file is the classroom. Every change to a room is one row of `actions` (a join, a submission,
a facilitator's action, an injected event, a round closing by the clock), written in one
transaction before anyone is told about it, so a server killed at any instant restarts on the
same file, replays the actions and carries on exactly where it was (`classroom.room.Room.replay`).
WAL mode lets the pages keep reading while a write commits; `synchronous=FULL` makes a commit
survive a power cut.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import PartnersimError

STORE_FORMAT = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS room (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    format INTEGER NOT NULL,
    code TEXT NOT NULL,
    scenario_name TEXT NOT NULL,
    scenario_toml TEXT NOT NULL,       -- the scenario's content: the room never reopens a path
    scenario_sha256 TEXT NOT NULL,
    bundled INTEGER NOT NULL,          -- 1: a bundled scenario (saves name it), 0: saves embed it
    seed INTEGER NOT NULL,
    mode TEXT NOT NULL,                -- gated | timed
    minutes REAL NOT NULL,
    max_teams INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    joined_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS keys (
    hash TEXT PRIMARY KEY,             -- sha256 of the key; the key itself is never stored
    team INTEGER REFERENCES teams(id), -- NULL: a facilitator key
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS actions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    kind TEXT NOT NULL,                -- join | submit | facilitator | clock
    team INTEGER,
    body TEXT NOT NULL                 -- the action as JSON
);
"""


class StoreError(PartnersimError):
    """A classroom file that cannot be used; the message names the file and why."""


@dataclass(frozen=True)
class RoomRow:
    """The room's settings, as created."""

    code: str
    scenario_name: str
    scenario_toml: str
    scenario_sha256: str
    bundled: bool
    seed: int
    mode: str
    minutes: float
    max_teams: int
    created_at: float


@dataclass(frozen=True)
class ActionRow:
    """One logged action."""

    seq: int
    at: float
    kind: str
    team: int | None
    body: dict[str, Any]


class Store:
    """A classroom file, opened for one server process.

    Args:
        path: The SQLite file (created if missing).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not a classroom database ({e})") from None

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ the room
    def room(self) -> RoomRow | None:
        """The room this file holds, or None for a new file."""
        row = self.db.execute("SELECT format, code, scenario_name, scenario_toml, scenario_sha256, bundled, seed, "
                              "mode, minutes, max_teams, created_at FROM room WHERE id = 1").fetchone()
        if row is None:
            return None
        if row[0] != STORE_FORMAT:
            raise StoreError(f"{self.path}: classroom file format {row[0]} (this partnersim reads {STORE_FORMAT})")
        return RoomRow(row[1], row[2], row[3], row[4], bool(row[5]), row[6], row[7], row[8], row[9], row[10])

    def create_room(self, room: RoomRow) -> None:
        with self._transaction():
            self.db.execute("INSERT INTO room VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (STORE_FORMAT, room.code, room.scenario_name, room.scenario_toml, room.scenario_sha256,
                             int(room.bundled), room.seed, room.mode, room.minutes, room.max_teams, room.created_at))

    # ------------------------------------------------------------------ keys
    def add_facilitator_key(self, token_hash: str) -> None:
        with self._transaction():
            self.db.execute("INSERT INTO keys VALUES (?, NULL, ?)", (token_hash, time.time()))

    def key_owner(self, token_hash: str) -> tuple[bool, int | None]:
        """(known, team) for a key's hash: team None is the facilitator."""
        row = self.db.execute("SELECT team FROM keys WHERE hash = ?", (token_hash,)).fetchone()
        return (row is not None, row[0] if row else None)

    # ------------------------------------------------------------------ actions
    def join(self, name: str, token_hash: str, at: float) -> int:
        """Add a team, its key and its join action in one transaction; returns its id."""
        with self._transaction():
            cur = self.db.execute("INSERT INTO teams (name, joined_at) VALUES (?, ?)", (name, at))
            team = int(cur.lastrowid)
            self.db.execute("INSERT INTO keys VALUES (?, ?, ?)", (token_hash, team, at))
            self._log(at, "join", team, {"name": name})
        return team

    def log(self, at: float, kind: str, team: int | None, body: dict[str, Any]) -> int:
        """Append one action; returns its sequence number."""
        with self._transaction():
            return self._log(at, kind, team, body)

    def _log(self, at: float, kind: str, team: int | None, body: dict[str, Any]) -> int:
        cur = self.db.execute("INSERT INTO actions (at, kind, team, body) VALUES (?, ?, ?, ?)",
                              (at, kind, team, json.dumps(body, sort_keys=True)))
        return int(cur.lastrowid)

    def actions(self) -> list[ActionRow]:
        """Every action, in the order it happened."""
        return [ActionRow(seq, at, kind, team, json.loads(body)) for seq, at, kind, team, body in
                self.db.execute("SELECT seq, at, kind, team, body FROM actions ORDER BY seq")]

    def _transaction(self):
        return _Transaction(self.db)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error (nothing half-stored)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
