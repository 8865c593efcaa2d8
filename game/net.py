"""The game's line to a classroom server: JSON over HTTP, and a websocket that stays up.

A `Feed` keeps one websocket open in a background thread: it connects, says hello with the
key, queues every message the server sends and, when the line drops (a laptop lid closed, the
server restarted, the Wi-Fi hiccuped), connects again by itself, waiting 0.5 s doubling to 5 s.
A key the room does not know (close code 4401) stops it with the server's reason: retrying
cannot help. Nothing here blocks the window: the screens read `poll()` once a frame.
No pygame here, so tests drive it without a window.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

BAD_KEY = 4401          # the server's close code for a key it does not know (classroom.app)
TIMEOUT = 5.0           # seconds for a connection or a request
BACKOFF = (0.5, 5.0)    # first and longest wait between reconnection attempts


class NetError(Exception):
    """A request the server refused or could not answer, with the reason in words."""

    def __init__(self, reason: str, status: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def base_url(address: str) -> str:
    """The server's base URL from what a player types ("192.168.1.20:8000", "http://host:8000/",
    a join address with `?room=CODE`).

    Raises:
        NetError: the address has no host.
    """
    text = address.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NetError(f"'{address}' is not a server address (allowed: HOST:PORT as the projector shows it, "
                       f"e.g. 192.168.1.20:8000)")
    return urlunsplit((parts.scheme, parts.netloc, "", "", "")).rstrip("/")


def ws_url(base: str, path: str) -> str:
    """The websocket URL of `path` on the server at `base`."""
    parts = urlsplit(base)
    return urlunsplit(("wss" if parts.scheme == "https" else "ws", parts.netloc, path, "", ""))


def request(base: str, method: str, path: str, body: Any = None, token: str | None = None,
            timeout: float = TIMEOUT) -> Any:
    """One JSON request; the answer's JSON.

    Raises:
        NetError: the server refused (its reason and status) or could not be reached (why).
    """
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        r = httpx.request(method, base + path, json=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as e:
        raise NetError(f"cannot reach the classroom at {base} ({type(e).__name__}: {e or 'no answer'}); "
                       f"check the address and that this laptop is on the room's network") from None
    try:
        data = r.json()
    except ValueError:
        data = None
    if r.status_code >= 400:
        reason = data.get("error") if isinstance(data, dict) else None
        raise NetError(reason or f"the server answered {r.status_code}", r.status_code)
    return data


class Feed:
    """A websocket kept open in a background thread; messages queue up for `poll`.

    Args:
        url: The websocket URL (`ws_url`).
        hello: The first message to send on every connection (None: send nothing).
    """

    def __init__(self, url: str, hello: dict[str, Any] | None = None) -> None:
        self.url = url
        self.hello = hello
        self.status = "connecting"           # connecting | connected | reconnecting: why | refused: why
        self.problem: str | None = None      # set when retrying cannot help (a bad key)
        self.connects = 0                    # connections made so far
        self._queue: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self._ws: ClientConnection | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="partnersim-feed", daemon=True)

    def start(self) -> Feed:
        self._thread.start()
        return self

    @property
    def connected(self) -> bool:
        return self._ws is not None

    def poll(self) -> list[dict[str, Any]]:
        """The messages received since the last call, oldest first."""
        out = []
        while True:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                return out

    def send(self, message: dict[str, Any]) -> bool:
        """Send a message now; False when the line is down (the caller says so and may retry)."""
        ws = self._ws
        if ws is None:
            return False
        try:
            ws.send(json.dumps(message))
            return True
        except (ConnectionClosed, OSError):
            return False

    def close(self, wait: float = 2.0) -> None:
        """Stop reconnecting and close the line."""
        self._stop.set()
        ws = self._ws
        if ws is not None:
            try:
                ws.close()
            except Exception:                     # noqa: BLE001 - closing a broken socket
                pass
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(wait)

    def _run(self) -> None:
        delay = BACKOFF[0]
        while not self._stop.is_set():
            try:
                with connect(self.url, open_timeout=TIMEOUT, close_timeout=1.0, max_size=2 ** 23) as ws:
                    if self.hello is not None:
                        ws.send(json.dumps(self.hello))
                    self._ws = ws
                    if self._stop.is_set():     # close() ran during the handshake and saw no socket to close
                        break
                    self.status = "connected"
                    self.connects += 1
                    delay = BACKOFF[0]
                    for raw in ws:
                        try:
                            msg = json.loads(raw)
                        except ValueError:
                            continue
                        if isinstance(msg, dict):
                            self._queue.put(msg)
                self.status = "reconnecting: the server closed the connection"
            except ConnectionClosed as e:
                if e.rcvd is not None and e.rcvd.code == BAD_KEY:
                    self.problem = e.rcvd.reason or "the server does not know this key"
                    self.status = f"refused: {self.problem}"
                    self._ws = None
                    return
                self.status = "reconnecting: the connection dropped"
            except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as e:
                self.status = f"reconnecting: {type(e).__name__}"
            except Exception as e:                  # noqa: BLE001 - anything else the line throws
                # the feed must not die silently while the screen still says "connected": name
                # the failure where the status strip shows it, and try again
                self.status = f"reconnecting: {type(e).__name__}: {e}"[:160]
            finally:
                self._ws = None
            if self._stop.wait(delay):
                break
            delay = min(BACKOFF[1], delay * 2)
        self.status = "closed"


def wait_for(predicate, seconds: float, step: float = 0.02) -> bool:
    """Poll `predicate` until it is true or `seconds` pass (tests and tools; bounded)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
