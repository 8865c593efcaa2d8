"""Run a classroom server as a child process and stop it cleanly.

For what drives a real server from Python: the benchmark, the docs' screenshots, the protocol,
crash and browser tests, a scripted rehearsal. `start_server` runs `partnersim classroom start`
on 127.0.0.1, reads the room code and the facilitator's key from what it prints and waits until
it answers; `ServerProcess.stop` ends it as Ctrl+C does (or as `kill -9` does), then kills by
PID anything it started that is left (the class debrief's replay workers). Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

# a server started for a script never opens a browser window, whatever the display
ENV = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class ServerProcess:
    """A `partnersim classroom start` child process on 127.0.0.1.

    Attributes:
        proc: The process.
        port: Its port.
        code: The room code it printed.
        key: The facilitator's key it printed.
        db: The classroom file.
        out: Where its standard output went.
        err: Where its standard error went.
    """

    proc: subprocess.Popen
    port: int
    code: str
    key: str
    db: Path
    out: Path
    err: Path

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, hard: bool = False) -> None:
        """Ctrl+C (or `kill -9` when `hard`), then SIGKILL by PID to whatever it started."""
        stop_process(self.proc, hard=hard)


def descendants(pid: int) -> list[int]:
    """The processes `pid` started, and theirs (read from /proc; empty where there is none)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def stop_process(proc: subprocess.Popen, *, hard: bool = False) -> None:
    """SIGINT (SIGKILL when `hard`) to a server by its PID, then SIGKILL by PID to anything of
    it left."""
    family = descendants(proc.pid)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL if hard else signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)
    for pid in family:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def start_server(db: str | Path, *, scenario: str = "baseline", seed: int = 1, port: int | None = None,
                 logs: str | Path | None = None, extra: Sequence[str] = (), wait: float = 90.0,
                 name: str = "server") -> ServerProcess:
    """Start `partnersim classroom start` on 127.0.0.1 and wait until it answers.

    Args:
        db: The classroom file (a new one, or one to carry on).
        scenario: Its scenario (left out when carrying a file on).
        seed: Its seed (left out when carrying a file on).
        port: The port (default: a free one).
        logs: Folder for the server's output (default: beside `db`).
        extra: More options, e.g. ("--rounds", "timed", "--minutes", "1").
        wait: Seconds it may take to answer.
        name: Names its output files (NAME.out, NAME.err).

    Raises:
        RuntimeError: it exited, printed no facilitator address or never answered in time.
    """
    db = Path(db)
    port = free_port() if port is None else port
    logs = Path(logs) if logs is not None else db.parent
    out, err = logs / f"{name}.out", logs / f"{name}.err"
    carry_on = db.exists() and db.stat().st_size > 0
    world = [] if carry_on else ["--scenario", scenario, "--seed", str(seed)]
    with open(out, "w") as o, open(err, "w") as e:
        proc = subprocess.Popen([sys.executable, "-m", "game", "classroom", "start", *world, "--host", "127.0.0.1",
                                 "--port", str(port), "--db", str(db), "--no-browser", *extra],
                                stdout=o, stderr=e, env=ENV)
    try:
        end = time.monotonic() + wait
        code = key = None
        while key is None:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited: {err.read_text()[-2000:]}")
            if time.monotonic() > end:
                raise RuntimeError(f"no facilitator address printed: {out.read_text()[-2000:]}")
            text = out.read_text()
            code = (m := re.search(r"room code\s+(\w+)", text)) and m.group(1)
            key = (m := re.search(r"/host#(\S+)", text)) and m.group(1)
            time.sleep(0.1)
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited: {err.read_text()[-2000:]}")
            if time.monotonic() > end:
                raise RuntimeError("the server never answered")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/api/public", timeout=5).status_code == 200:
                    break
            time.sleep(0.1)
    except BaseException:
        stop_process(proc, hard=True)
        raise
    return ServerProcess(proc, port, code, key, db, out, err)
