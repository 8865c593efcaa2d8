"""The facilitator's projector view in a pygame window: `partnersim classroom dashboard ADDRESS`.

For a projector laptop without a browser at hand: it shows what the projector page shows
(`classroom/static/projector.html`), drawn large enough to read from the back of a room. It
listens to the server's public feed (`/ws/public`, no key, nothing secret in it) and draws:

- the room code, the join address and a big QR code of `{join_url}/?room={code}` (what
  `classroom.app.qr_target` encodes, so phones land on the join page with the code filled in);
- the phase in words ("Quarter 3 of 12 – deciding"), the practice and paused marks, and the
  countdown of a timed round, corrected by the server's clock (`server_time`), so a laptop
  whose clock is wrong still counts the server's seconds;
- who is in (submitted, still deciding, offline, bots), the leaderboard (rank, team, goal clauses
  met as marks, partner share, net contribution with its sparkline, conflicts, lost), the
  facilitator's newest message, and whether the feed is live.

In the lobby the QR code dominates; once the game runs the leaderboard does and the QR code
moves to a corner. Every figure is the server's formatted string: the dashboard never computes
an outcome. When the feed drops it keeps the last state on screen under a "reconnecting" banner
(`game.net.Feed` reconnects by itself).

Each look (LOOKS a second) composes a `Scene`, the list of what to draw; the window is drawn only
when the scene differs from the one on screen (a new state, the countdown's second, the banner),
so a dashboard left open all afternoon keeps the laptop quiet. `Dashboard.shown` returns the
scene's texts, so tests read what the screen shows without OCR.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

SIZE = (1280, 720)          # the default window; everything scales with min(w / 1280, h / 720)
LOOKS = 10                  # looks a second: a countdown's second shows within 0.1 s
FRESH_MESSAGE = 15 * 60     # seconds a facilitator message stays up (a stale "ten minutes left" misleads)
BANNER_AFTER = 3.0          # seconds without a live feed before the first connection says "connecting"
QUIET_ZONE = 4              # modules of white around the QR code (the standard's quiet zone)
URGENT = 30                 # seconds left when the countdown turns yellow

# what makes the window worth drawing again (the rest, e.g. the mouse moving, changes nothing)
_REDRAW_EVENTS = ("VIDEORESIZE", "VIDEOEXPOSE", "WINDOWEXPOSED", "WINDOWSHOWN", "WINDOWRESTORED",
                  "WINDOWSIZECHANGED", "WINDOWMAXIMIZED")


# ---------------------------------------------------------------- the room in words
def quarter_words(room: dict[str, Any]) -> str:
    """The quarter the room is on, in words: "Quarter 3 of 12" ("Practice quarter 1"), or "".

    While a round is open it is the quarter being decided; while one resolves, the quarter being
    played; otherwise the last one played.
    """
    phase = room.get("phase")
    quarter = room.get("quarter") or 0
    q = room.get("open_quarter") if phase == "open" else quarter + 1 if phase == "resolving" else quarter
    if not q:
        return ""
    if room.get("practice"):
        return f"Practice quarter {q}"
    total = room.get("quarters") or (room.get("scenario") or {}).get("quarters")
    return f"Quarter {q} of {total}" if total else f"Quarter {q}"


def phase_words(room: dict[str, Any]) -> str:
    """The room's phase as the projector says it ("Quarter 3 of 12 – deciding")."""
    phase = room.get("phase")
    qw = quarter_words(room)
    if phase == "lobby":
        return "Lobby – join now, the game starts soon"
    if phase == "ended":
        return "Game over – final standings"
    doing = {"open": "deciding", "resolving": "being played", "results": "results"}.get(phase)
    if doing is None:
        return str(phase or "")
    return f"{qw} – {doing}" if qw else doing.capitalize()


def badges(room: dict[str, Any]) -> list[str]:
    """The marks beside the phase: a practice round, a paused clock."""
    out = []
    if room.get("practice") and room.get("phase") not in ("lobby", "ended"):
        out.append("practice round")
    if room.get("paused") and room.get("phase") != "ended":
        out.append("paused")
    return out


def mmss(seconds: float) -> str:
    """Seconds as m:ss, rounded up (the projector page's countdown does the same)."""
    t = max(0, math.ceil(seconds))
    return f"{t // 60}:{t % 60:02d}"


def clock_text(room: dict[str, Any], now: float, skew: float) -> tuple[str, float | None]:
    """The countdown of an open timed round and its seconds left ("", None without one).

    Args:
        room: The room object of the public state.
        now: This machine's clock (`time.time()`).
        skew: The server's clock minus this machine's, from the last message's `server_time`.
    """
    if room.get("phase") != "open":
        return "", None
    if room.get("paused"):
        left = room.get("paused_left")
        return (f"{mmss(left)} (paused)", float(left)) if isinstance(left, (int, float)) else ("", None)
    deadline = room.get("deadline")
    if not isinstance(deadline, (int, float)):
        return "", None
    left = max(0.0, deadline - (now + skew))
    return mmss(left), left


def qr_target(room: dict[str, Any], fallback: str = "") -> str:
    """What the join QR encodes: `{join_url}/?room={code}`, as `classroom.app.qr_target` does
    (the join address this machine reached the server on if the server has none)."""
    join = (room.get("join_url") or fallback).rstrip("/")
    return f"{join}/?room={room.get('code', '')}"


def roster_entry(team: dict[str, Any], open_round: bool) -> tuple[str, str]:
    """A team of the roster as (mark, words): the mark is how it is drawn (submitted, waiting,
    online, offline, bot), the words what it says beside the name."""
    bot = bool(team.get("bot"))
    if open_round and team.get("submitted"):
        return "submitted", "bot, submitted" if bot else "submitted"
    if bot:
        return "bot", "bot"
    if not team.get("connected"):
        return "offline", "offline"
    return ("waiting", "deciding") if open_round else ("online", "ready")


# ---------------------------------------------------------------- what one look draws
@dataclass
class Scene:
    """What the window shows: drawing operations (hashable tuples, compared between looks) and
    the same content as texts (`Dashboard.shown`)."""

    ops: list[tuple] = field(default_factory=list)
    texts: dict[str, Any] = field(default_factory=dict)

    def fill(self, colour: tuple, rect: tuple, radius: int = 0) -> None:
        self.ops.append(("fill", colour, _r(rect), radius))

    def frame(self, colour: tuple, rect: tuple, width: int, radius: int = 0) -> None:
        self.ops.append(("frame", colour, _r(rect), width, radius))

    def text(self, text: str, px: int, bold: bool, colour: tuple, pos: tuple, anchor: str = "topleft") -> None:
        if text:
            self.ops.append(("text", text, px, bold, colour, (round(pos[0]), round(pos[1])), anchor))

    def mark(self, kind: str, rect: tuple, colour: tuple) -> None:
        self.ops.append(("mark", kind, _r(rect), colour))


def _r(rect: tuple) -> tuple[int, int, int, int]:
    return tuple(round(v) for v in rect)


@lru_cache(maxsize=8)
def qr_matrix(target: str) -> tuple[bytes, ...]:
    """The QR modules of `target` (error correction M, as the server's /qr.svg), rows of 0/1."""
    import segno

    return tuple(bytes(row) for row in segno.make(target, error="m").matrix)


def _font(px: int, bold: bool = False):
    from game import palette as C

    return C.font(px, bold)


def fit(text: str, px: int, bold: bool, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` pixels (a long team name, a long address)."""
    f = _font(px, bold)
    if f.size(text)[0] <= width:
        return text
    while text and f.size(text + "…")[0] > width:
        text = text[:-1]
    return text.rstrip() + "…" if text else ""


def fit_size(text: str, px: int, bold: bool, width: float, smallest: int) -> int:
    """The largest size from `px` down to `smallest` at which `text` fits `width` pixels."""
    while px > smallest and _font(px, bold).size(text)[0] > width:
        px -= 1
    return px


# ---------------------------------------------------------------- the window
class Dashboard:
    """The projector view: a window fed by the classroom's public feed.

    Args:
        base: The server's base URL (`game.net.base_url`).
        state: The public state already read (`GET /api/public`), shown until the feed speaks.
        feed: Where states come from (default: a `game.net.Feed` on `/ws/public`); anything
            with `poll()`, `connected`, `status` and `close()`.
        size: Window size in pixels.
        fullscreen: Start in full screen.
    """

    def __init__(self, base: str, state: dict[str, Any] | None = None, feed: Any = None,
                 size: tuple[int, int] = SIZE, fullscreen: bool = False) -> None:
        import pygame

        from game import palette
        from game.net import Feed, ws_url

        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        pygame.display.init()
        pygame.font.init()
        palette.font.cache_clear()       # fonts die with pygame.quit(); a new window needs new ones
        self.base = base
        self.state: dict[str, Any] | None = None
        self.skew = 0.0                  # the server's clock minus this machine's, seconds
        self.received_at: float | None = None   # this machine's time of the last state
        self.started = time.time()
        self.fullscreen = fullscreen
        flags = pygame.RESIZABLE | (pygame.FULLSCREEN if fullscreen else 0)
        self.window = pygame.display.set_mode((0, 0) if fullscreen else size, flags)
        pygame.display.set_caption("partnersim · projector")
        self.clock = pygame.time.Clock()
        self.running = True
        self.draws = 0                   # frames drawn so far
        self._drawn: list[tuple] | None = None   # the ops on screen
        if state is not None:
            self.receive(state)
        self.feed = feed if feed is not None else Feed(ws_url(base, "/ws/public")).start()

    # ------------------------------------------------------------ state
    @property
    def size(self) -> tuple[int, int]:
        return self.window.get_size()

    def receive(self, message: dict[str, Any]) -> None:
        """Take a public state from the server (other messages are ignored)."""
        if not isinstance(message, dict) or message.get("type") != "public" or not isinstance(message.get("room"), dict):
            return
        self.state = message
        self.received_at = time.time()
        server_time = message["room"].get("server_time")
        if isinstance(server_time, (int, float)):
            self.skew = server_time - self.received_at

    def update(self) -> None:
        """Read what the feed brought since the last look (the newest state wins)."""
        for message in self.feed.poll():
            self.receive(message)
        room = (self.state or {}).get("room") or {}
        if room.get("code"):
            import pygame

            caption = f"partnersim · room {room['code']} · projector"
            if pygame.display.get_caption()[0] != caption:
                pygame.display.set_caption(caption)

    def connection(self, now: float) -> tuple[str, str]:
        """(status, banner): "live", "connecting" or "reconnecting", and what the banner says
        ("" while live, or in the first seconds of the first connection)."""
        address = self.base.split("://", 1)[-1]
        if self.feed.connected:
            return "live", ""
        if getattr(self.feed, "connects", 0) == 0:
            if now - self.started < BANNER_AFTER:
                return "connecting", ""
            banner = f"Connecting to the classroom at {address}…"
        else:
            banner = f"Reconnecting to the classroom at {address}…"
        if self.state is not None and self.received_at is not None:
            banner += f" showing what it last sent, at {time.strftime('%H:%M:%S', time.localtime(self.received_at))}"
        return ("reconnecting" if getattr(self.feed, "connects", 0) else "connecting"), banner

    # ------------------------------------------------------------ compose
    def compose(self, now: float | None = None) -> Scene:
        """What the window shows now, from the last state, the clock and the feed's status."""
        from game import palette as C

        now = time.time() if now is None else now
        w, h = self.size
        s = min(w / SIZE[0], h / SIZE[1])
        sc = Scene()
        sc.fill(C.BG, (0, 0, w, h))
        status, banner = self.connection(now)
        sc.texts.update(status=status, banner=banner)
        top = 0
        if banner:
            bh = round(46 * s)
            sc.fill(C.YELLOW, (0, 0, w, bh))
            sc.text(fit(banner, round(26 * s), True, w - 40 * s), round(26 * s), True, C.BG, (w / 2, bh / 2), "center")
            top = bh
        if self.state is None:
            sc.text(f"Waiting for the classroom at {self.base}…", round(32 * s), True, C.TEXT, (w / 2, h / 2), "center")
            return sc
        room = self.state["room"]
        scenario = room.get("scenario") or {}
        clock, left = clock_text(room, now, self.skew)
        # while the line is down a running countdown goes on from the last deadline heard, and
        # says so: a restarted server gives the round more time, so "0:00" could read as over
        note = "not live" if clock and status != "live" and not room.get("paused") else ""
        message = self._message(room, now)
        sc.texts.update(code=str(room.get("code", "")), join=room.get("join_url") or self.base + "/",
                        qr=qr_target(room, self.base), phase=phase_words(room), badges=badges(room),
                        clock=f"{clock} ({note})" if note else clock, clock_time=clock, clock_note=note,
                        title=scenario.get("title") or scenario.get("name") or "", message=message)
        if room.get("phase") == "lobby":
            self._lobby(sc, s, (0, top, w, h - top))
        else:
            self._play(sc, s, (0, top, w, h - top), left)
        if status == "live":            # top right, where nothing else is drawn in either layout
            px = round(18 * s)
            sc.text("live", px, False, C.MUTED, (w - 20 * s, top + 14 * s), "topright")
            lw = _font(px).size("live")[0]
            sc.mark("online", (w - 20 * s - lw - 18 * s, top + 14 * s + (_font(px).get_linesize() - 11 * s) / 2,
                               11 * s, 11 * s), C.GREEN)
        return sc

    def _message(self, room: dict[str, Any], now: float) -> str:
        """The facilitator's newest message while it is fresh, with its time ("14:05  text")."""
        messages = room.get("messages") or []
        last = messages[-1] if messages else None
        if not isinstance(last, dict) or not isinstance(last.get("at"), (int, float)):
            return ""
        if now + self.skew - last["at"] > FRESH_MESSAGE:
            return ""
        return f"{time.strftime('%H:%M', time.localtime(last['at'] - self.skew))}  {last.get('text', '')}"

    def _qr(self, sc: Scene, x: float, y: float, side: float) -> float:
        """The join QR code in a white square of about `side` pixels at (x, y); its real side
        (whole pixels a module, so every module is crisp)."""
        matrix = qr_matrix(sc.texts["qr"])
        n = len(matrix) + 2 * QUIET_ZONE
        module = max(1, int(side // n))
        sc.ops.append(("qr", sc.texts["qr"], (round(x), round(y)), module))
        return module * n

    def _lobby(self, sc: Scene, s: float, area: tuple) -> None:
        """The lobby: the QR code fills the left, the address, code and who joined the right."""
        from game import palette as C

        ax, ay, aw, ah = area
        m = 28 * s
        label = round(30 * s)
        side = min(ah - 2 * m - label * 1.3, aw * 0.5)
        real = self._qr_side(sc, side)
        sc.text("Scan to join", label, True, C.TEXT, (ax + m + real / 2, ay + m), "midtop")
        self._qr(sc, ax + m, ay + m + label * 1.3, side)
        x = ax + m + real + 48 * s
        width = ax + aw - m - x
        y = ay + m
        sc.text("Open in a browser", round(24 * s), False, C.MUTED, (x, y))
        y += 30 * s
        join = sc.texts["join"]
        px = fit_size(join, round(46 * s), True, width, round(22 * s))
        sc.text(fit(join, px, True, width), px, True, C.SKY, (x, y))
        y += _font(px, True).get_linesize() + 10 * s
        sc.text("Room code", round(24 * s), False, C.MUTED, (x, y))
        y += 24 * s
        self._code(sc, sc.texts["code"], round(124 * s), (x, y), width)
        y += _font(round(124 * s), True).get_linesize() + 4 * s
        y = self._heading(sc, s, x, y, width, round(34 * s))
        goal = (self.state["room"].get("scenario") or {}).get("goal")
        if sc.texts["title"]:
            sc.text(fit(sc.texts["title"], round(26 * s), True, width), round(26 * s), True, C.TEXT, (x, y))
            y += 34 * s
        if goal:
            y = self._wrapped(sc, f"Goal: {goal}", round(22 * s), False, C.MUTED, x, y, width, 3) + 8 * s
        sc.texts["goal"] = goal or ""
        y = self._message_box(sc, s, x, y, width)
        self._roster(sc, s, (x, y + 6 * s, width, ay + ah - m - y - 6 * s), lobby=True)

    def _qr_side(self, sc: Scene, side: float) -> float:
        n = len(qr_matrix(sc.texts["qr"])) + 2 * QUIET_ZONE
        return max(1, int(side // n)) * n

    def _play(self, sc: Scene, s: float, area: tuple, left: float | None) -> None:
        """During the game: the QR code, address and code in the left column with who is in;
        the phase, the clock, the message and the leaderboard on the right."""
        from game import palette as C

        ax, ay, aw, ah = area
        m = 24 * s
        col = 250 * s
        x, y = ax + m, ay + m
        real = self._qr_side(sc, col)
        self._qr(sc, x + (col - real) / 2, y, col)
        y += real + 8 * s
        join = sc.texts["join"]
        px = fit_size(join, round(22 * s), False, col, round(15 * s))
        sc.text(fit(join, px, False, col), px, False, C.MUTED, (x + col / 2, y), "midtop")
        y += _font(px).get_linesize() + 2 * s
        sc.text("Room code", round(20 * s), False, C.MUTED, (x + col / 2, y), "midtop")
        y += 22 * s
        code_px = round(64 * s)
        self._code(sc, sc.texts["code"], code_px, (x + col / 2, y), col, centre=True)
        y += _font(code_px, True).get_linesize() + 6 * s
        self._roster(sc, s, (x, y, col, ay + ah - m - y), lobby=False)
        rx = x + col + 32 * s
        rw = ax + aw - m - rx
        ry = ay + m
        if sc.texts["title"]:
            sc.text(fit(sc.texts["title"], round(24 * s), False, rw), round(24 * s), False, C.MUTED, (rx, ry))
            ry += 32 * s
        ry = self._heading(sc, s, rx, ry, rw, round(48 * s), left)
        ry = self._message_box(sc, s, rx, ry, rw)
        self._board(sc, s, (rx, ry + 4 * s, rw, ay + ah - m - ry - 4 * s))

    def _code(self, sc: Scene, code: str, px: int, pos: tuple, width: float, centre: bool = False) -> None:
        """The room code, letters spaced apart so each one reads from the back of the room."""
        f = _font(px, True)
        gap = px * 0.12
        while px > 12 and sum(f.size(c)[0] for c in code) + gap * (len(code) - 1) > width:
            px -= 2
            f, gap = _font(px, True), px * 0.12
        total = sum(f.size(c)[0] for c in code) + gap * max(0, len(code) - 1)
        x = pos[0] - total / 2 if centre else pos[0]
        from game import palette as C

        for c in code:
            sc.text(c, px, True, C.TEXT, (x, pos[1]))
            x += f.size(c)[0] + gap

    def _heading(self, sc: Scene, s: float, x: float, y: float, width: float, px: int,
                 left: float | None = None) -> float:
        """The phase in words, its badges and the countdown (right-aligned); the y under it."""
        from game import palette as C

        clock, note = sc.texts["clock_time"], sc.texts["clock_note"]     # the note drawn small and muted
        note = f"({note})" if note else ""
        note_px = round(px * 0.5)
        note_w = _font(note_px, False).size(" " + note)[0] if note else 0
        clock_w = _font(px, True).size(clock)[0] + note_w + 24 * s if clock else 0
        chips = [(b, _font(round(20 * s), True).size(b)[0] + 20 * s) for b in sc.texts["badges"]]
        chips_w = sum(cw + 10 * s for _, cw in chips)
        room_for_phase = width - clock_w - chips_w
        phase = sc.texts["phase"]
        size = fit_size(phase, px, True, room_for_phase, round(px * 0.6))
        sc.text(fit(phase, size, True, room_for_phase), size, True, C.TEXT, (x, y))
        line = _font(px, True).get_linesize()
        bx = x + min(_font(size, True).size(phase)[0], room_for_phase) + 16 * s
        for word, cw in chips:
            ch = 30 * s
            rect = (bx, y + (line - ch) / 2, cw, ch)
            sc.fill(C.ORANGE, rect, round(ch / 2))
            sc.text(word, round(20 * s), True, C.BG, (bx + cw / 2, y + line / 2), "center")
            bx += cw + 10 * s
        if clock:
            urgent = left is not None and left <= URGENT and not self.state["room"].get("paused")
            sc.text(clock, px, True, C.YELLOW if urgent else C.TEXT, (x + width - note_w, y), "topright")
            if note:        # small and muted beside the time, on the same baseline
                base = y + _font(px, True).get_ascent()
                sc.text(note, note_px, False, C.MUTED, (x + width, base - _font(note_px, False).get_ascent()),
                        "topright")
        return y + line + 4 * s

    def _wrapped(self, sc: Scene, text: str, px: int, bold: bool, colour: tuple, x: float, y: float,
                 width: float, most: int) -> float:
        """`text` wrapped to `width`, at most `most` lines (the last cut with an ellipsis); the y under it."""
        from game import palette as C

        f = _font(px, bold)
        lines = C.wrap(text, f, width)
        if len(lines) > most:
            lines = lines[:most - 1] + [fit(" ".join(lines[most - 1:]), px, bold, width)]
        for line in lines:
            sc.text(line, px, bold, colour, (x, y))
            y += f.get_linesize()
        return y

    def _message_box(self, sc: Scene, s: float, x: float, y: float, width: float) -> float:
        """The facilitator's newest message in a panel with an accent bar; the y under it."""
        from game import palette as C

        message = sc.texts["message"]
        if not message:
            return y
        px = round(26 * s)
        f = _font(px)
        lines = C.wrap(message, f, width - 36 * s)
        if len(lines) > 2:
            lines = [lines[0], fit(" ".join(lines[1:]), px, False, width - 36 * s)]
        height = f.get_linesize() * len(lines) + 16 * s
        sc.fill(C.PANEL, (x, y + 4 * s, width, height), round(6 * s))
        sc.fill(C.SKY, (x, y + 4 * s, 6 * s, height))
        ty = y + 12 * s
        for line in lines:
            sc.text(line, px, False, C.TEXT, (x + 20 * s, ty))
            ty += f.get_linesize()
        return y + height + 14 * s

    def _roster(self, sc: Scene, s: float, rect: tuple, lobby: bool) -> None:
        """Who is in: a count, then one line a team (a mark, the name, what it is doing); while a
        round is open the teams still deciding come first, since the room waits for them."""
        from game import palette as C

        x, y, width, height = rect
        roster = self.state.get("roster") or []
        open_round = self.state["room"].get("phase") == "open"
        if open_round:
            count = f"{sum(1 for t in roster if t.get('submitted'))} of {len(roster)} submitted"
            roster = sorted(roster, key=lambda t: bool(t.get("submitted")))
        else:
            count = f"{len(roster)} team{'' if len(roster) == 1 else 's'} joined" if roster else "No team has joined yet"
        hpx = round((26 if lobby else 22) * s)
        sc.text(count, hpx, True, C.TEXT, (x, y))
        y += _font(hpx, True).get_linesize() + 2 * s
        px = round((28 if lobby else 20) * s)
        line = _font(px).get_linesize() + 4 * s
        columns = 2 if lobby and width > 420 * s else 1
        cw = width / columns
        per_column = max(0, int(height - (_font(hpx, True).get_linesize() + 2 * s)) // int(line)) if height > 0 else 0
        capacity = per_column * columns
        shown = roster if len(roster) <= capacity else roster[:max(0, capacity - 1)]
        entries = []
        for k, team in enumerate(shown):
            mark, words = roster_entry(team, open_round)
            cx = x + (k // per_column) * cw if per_column else x
            cy = y + (k % per_column) * line if per_column else y
            box = 14 * s
            sc.mark(mark, (cx, cy + (line - 4 * s - box) / 2, box, box),
                    {"submitted": C.GREEN, "waiting": C.YELLOW, "online": C.GREEN, "offline": C.GREY,
                     "bot": C.PURPLE}[mark])
            tag = "bot" if team.get("bot") else "offline" if mark == "offline" else ""
            tag_w = _font(round(px * 0.8)).size(tag)[0] + 8 * s if tag else 0
            name = fit(str(team.get("name", "")), px, False, cw - box - 18 * s - tag_w - 8 * s)
            colour = C.MUTED if mark == "offline" else C.TEXT
            sc.text(name, px, False, colour, (cx + box + 10 * s, cy))
            if tag:
                sc.text(tag, round(px * 0.8), False, C.MUTED,
                        (cx + box + 10 * s + _font(px).size(name)[0] + 8 * s, cy + line / 2 - 2 * s), "midleft")
            entries.append(f"{name}: {words}")
        hidden = len(roster) - len(shown)
        if hidden:
            k = len(shown)
            cx = x + (k // per_column) * cw if per_column else x
            cy = y + (k % per_column) * line if per_column else y
            sc.text(f"+{hidden} more", px, True, C.MUTED, (cx, cy))
        sc.texts.update(roster_count=count, roster=entries, roster_hidden=hidden)

    def _board(self, sc: Scene, s: float, rect: tuple) -> None:
        """The leaderboard as the server ranked it: as many rows as fit, the rest counted."""
        from game import palette as C

        x, y, width, height = rect
        room = self.state["room"]
        rows = self.state.get("leaderboard") or []
        sc.texts.update(leaderboard_title="", leaderboard=[], leaderboard_hidden=0)
        if not rows or not room.get("quarter"):
            sc.text("The leaderboard appears after the first quarter.", round(28 * s), False, C.MUTED,
                    (x, y + 20 * s))
            sc.texts["leaderboard_title"] = "The leaderboard appears after the first quarter."
            return
        tpx = round(28 * s)
        title = "Final leaderboard" if room.get("phase") == "ended" else "Leaderboard"
        hpx, rpx = round(17 * s), round(29 * s)
        head_h = _font(hpx).get_linesize() * 2 + 6 * s
        rh = round(42 * s)
        top = y + _font(tpx, True).get_linesize() + 4 * s
        fits = max(1, int((y + height - top - head_h) // rh))
        shown = rows[:fits]
        more = f"  top {len(shown)} of {len(rows)}" if len(shown) < len(rows) else ""
        sc.text(title, tpx, True, C.TEXT, (x, y))
        if more:
            sc.text(more, round(22 * s), False, C.MUTED, (x + _font(tpx, True).size(title)[0], y + 5 * s))
        n_clauses = max((len(r.get("clauses") or []) for r in shown), default=0)
        sq = 20 * s
        # (key, head, sub-head, width, align); the team's column takes what is left
        cols = [("rank", "#", "", 40 * s, "right"), ("team", "Team", "", 0, "left"),
                ("goal", "Goal", "clauses met", 48 * s + n_clauses * (sq + 5 * s), "left"),
                ("share", "Partner", "share, last 4Q", 118 * s, "right"),
                ("spark", "Net", "contribution", 80 * s, "left"), ("net", "", "", 112 * s, "right"),
                ("conflicts", "Conflicts", "", 100 * s, "right"), ("lost", "Lost", "partners", 66 * s, "right")]
        gap = 14 * s
        fixed = lambda cs: sum(c[3] for c in cs) + gap * (len(cs) - 1)     # noqa: E731
        if width - fixed(cols) < 180 * s:            # narrow window: drop the partners lost first
            cols = [c for c in cols if c[0] != "lost"]
        team_w = max(120 * s, width - fixed(cols))
        xs, cx = {}, x
        for key, head, sub, cw, align in cols:
            cw = team_w if key == "team" else cw
            xs[key] = (cx, cw, align)
            for k, word in enumerate((head.upper(), sub)):
                if word:
                    pos = (cx + cw, top + k * _font(hpx).get_linesize()) if align == "right" else \
                        (cx, top + k * _font(hpx).get_linesize())
                    sc.text(word, hpx, k == 0, C.MUTED, pos, "topright" if align == "right" else "topleft")
            cx += cw + gap
        ty = top + head_h
        sc.fill(C.GRID, (x, ty - 3 * s, width, max(1, round(s))))
        texts = []
        for k, row in enumerate(shown):
            ry = ty + k * rh
            mid = ry + rh / 2
            if k % 2:
                sc.fill(C.PANEL, (x - 8 * s, ry, width + 16 * s, rh))
            fig = row.get("figures") or {}
            clauses = row.get("clauses") or []
            met = row.get("clauses_met", sum(1 for c in clauses if c.get("met")))
            cells = {"rank": str(row.get("rank", "")), "team": str(row.get("team", "")),
                     "goal": f"{met}/{len(clauses)}", "share": fig.get("share", "–"), "net": fig.get("net", "–"),
                     "conflicts": fig.get("conflicts", "–"), "lost": fig.get("lost", "–")}
            for key, (cx, cw, align) in xs.items():
                if key == "spark":
                    self._spark(sc, (row.get("spark") or {}).get("net") or [], (cx, ry + 8 * s, cw, rh - 16 * s))
                    continue
                bold = key in ("team", "rank")
                colour = C.MUTED if key == "rank" else C.TEXT
                text = fit(cells[key], rpx, True, cw) if key == "team" else cells[key]
                if key == "goal":
                    sc.text(text, rpx, False, colour, (cx, mid), "midleft")
                    gx = cx + 46 * s
                    for c in clauses:
                        sc.mark("met" if c.get("met") else "missed", (gx, mid - sq / 2, sq, sq),
                                C.GREEN if c.get("met") else C.VERMILION)
                        gx += sq + 5 * s
                elif align == "right":
                    sc.text(text, rpx, bold, colour, (cx + cw, mid), "midright")
                else:
                    sc.text(text, rpx, bold, colour, (cx, mid), "midleft")
            cells["team"] = fit(cells["team"], rpx, True, xs["team"][1])
            texts.append({k: cells[k] for k in xs if k != "spark"})
        sc.texts.update(leaderboard_title=title + more, leaderboard=texts, leaderboard_hidden=len(rows) - len(shown))

    def _spark(self, sc: Scene, values: list, rect: tuple) -> None:
        """A sparkline of `values` (None breaks nothing: it is skipped), zero line included."""
        from game import palette as C

        nums = [(k, v) for k, v in enumerate(values) if isinstance(v, (int, float)) and math.isfinite(v)]
        if not nums:
            return
        x, y, w, h = rect
        lo, hi = min(0.0, min(v for _, v in nums)), max(0.0, max(v for _, v in nums))
        if hi - lo < 1e-12:
            lo, hi = lo - 1, hi + 1
        n = max(len(values), 2)
        pts = tuple((round(x + k / (n - 1) * w), round(y + h - (v - lo) / (hi - lo) * h)) for k, v in nums)
        zero = round(y + h - (0 - lo) / (hi - lo) * h)
        sc.ops.append(("spark", pts, (round(x), zero, round(x + w)), C.SKY))

    # ------------------------------------------------------------ draw
    def draw(self, scene: Scene) -> None:
        """Paint `scene` on the window. Reads the scene only."""
        import pygame

        from game import palette as C

        surface = self.window
        for op in scene.ops:
            kind = op[0]
            if kind == "fill":
                pygame.draw.rect(surface, op[1], op[2], border_radius=op[3])
            elif kind == "frame":
                pygame.draw.rect(surface, op[1], op[2], op[3], border_radius=op[4])
            elif kind == "text":
                _, text, px, bold, colour, pos, anchor = op
                image = _font(px, bold).render(text, True, colour)
                surface.blit(image, image.get_rect(**{anchor: pos}))
            elif kind == "mark":
                _draw_mark(surface, *op[1:])
            elif kind == "qr":
                _, target, (x, y), module = op
                matrix = qr_matrix(target)
                n = len(matrix) + 2 * QUIET_ZONE
                pygame.draw.rect(surface, (255, 255, 255), (x, y, n * module, n * module))
                for r, row in enumerate(matrix):
                    for c, dark in enumerate(row):
                        if dark:
                            surface.fill(C.BLACK, ((QUIET_ZONE + c) * module + x, (QUIET_ZONE + r) * module + y,
                                                   module, module))
            elif kind == "spark":
                _, pts, (x0, zero, x1), colour = op
                pygame.draw.line(surface, C.GRID, (x0, zero), (x1, zero), 1)
                if len(pts) >= 2:
                    pygame.draw.lines(surface, colour, False, pts, 2)
                pygame.draw.circle(surface, colour, pts[-1], 4)

    def frame(self, force: bool = False, now: float | None = None) -> bool:
        """Compose a look and draw it if it differs from what is on screen (or `force`).

        Returns:
            Whether the window was drawn.
        """
        import pygame

        scene = self.compose(now)
        if not force and scene.ops == self._drawn:
            return False
        self.draw(scene)
        pygame.display.flip()
        self._drawn = scene.ops
        self.draws += 1
        return True

    def shown(self, now: float | None = None) -> dict[str, Any]:
        """What the window shows, as texts: status, banner, code, join, qr, phase, badges, clock (with
        its parts clock_time and clock_note, "not live" while the line is down),
        title, message, roster_count, roster, roster_hidden, leaderboard_title, leaderboard
        (a dict of cells a row drawn, in the server's order), leaderboard_hidden."""
        return self.compose(now).texts

    def handle(self, event) -> bool:
        """One event: Esc or closing quits, F11 toggles full screen. Returns whether the window
        needs drawing again (resized, uncovered)."""
        import pygame

        if event.type == pygame.QUIT or (event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE):
            self.running = False
            return False
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F11:
            self.toggle_fullscreen()
            return True
        if event.type == pygame.VIDEORESIZE:
            self.window = pygame.display.get_surface()
            return True
        return any(event.type == getattr(pygame, name, None) for name in _REDRAW_EVENTS)

    def toggle_fullscreen(self) -> None:
        import pygame

        self.fullscreen = not self.fullscreen
        flags = pygame.RESIZABLE | (pygame.FULLSCREEN if self.fullscreen else 0)
        self.window = pygame.display.set_mode((0, 0) if self.fullscreen else SIZE, flags)

    def step(self) -> bool:
        """One look: wait for the next of LOOKS a second, handle events, read the feed, and draw
        if what is shown changed. Returns whether it drew."""
        import pygame

        self.clock.tick(LOOKS)
        force = False
        for event in pygame.event.get():
            force = self.handle(event) or force
        self.update()
        return self.frame(force or self._drawn is None)

    def run(self) -> None:
        """Until Esc or the window closes."""
        while self.running:
            self.step()

    def close(self) -> None:
        """Stop the feed and close the window."""
        import pygame

        self.feed.close()
        pygame.display.quit()


def _draw_mark(surface, kind: str, rect: tuple, colour: tuple) -> None:
    """A mark drawn as a shape, so it never hangs on colour alone or on a font's symbols: a tick
    (submitted), a hollow ring (deciding), a dot (online), a grey ring (offline), a diamond (a
    bot), a filled square (a goal clause met) or a hollow one (missed)."""
    import pygame

    x, y, w, h = rect
    cx, cy = x + w / 2, y + h / 2
    r = min(w, h) / 2
    thick = max(2, round(r / 3))
    if kind == "submitted":
        pygame.draw.lines(surface, colour, False, [(x, cy), (x + w * 0.4, y + h), (x + w, y)], thick + 1)
    elif kind in ("waiting", "offline"):
        pygame.draw.circle(surface, colour, (cx, cy), r, thick)
    elif kind == "online":
        pygame.draw.circle(surface, colour, (cx, cy), r)
    elif kind == "bot":
        pygame.draw.polygon(surface, colour, [(cx, y), (x + w, cy), (cx, y + h), (x, cy)])
    elif kind == "met":
        pygame.draw.rect(surface, colour, rect, border_radius=max(1, round(r / 4)))
    elif kind == "missed":
        pygame.draw.rect(surface, colour, rect, thick, border_radius=max(1, round(r / 4)))


# ---------------------------------------------------------------- the command
def add_dashboard_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `partnersim classroom dashboard`."""
    parser.add_argument("address", help="the classroom's address as `partnersim classroom start` prints it "
                                        "(e.g. 192.168.1.20:8765 or http://192.168.1.20:8765/)")
    parser.add_argument("--fullscreen", action="store_true", help="start in full screen (F11 toggles, Esc quits)")


def run_dashboard(args: argparse.Namespace) -> int:
    """Check the address and that the classroom answers, then show the projector view until
    the window closes. A bad address, a server that does not answer or no display is one line
    on stderr and exit code 2, before any window opens."""
    from game.app import has_display
    from game.net import NetError, base_url, request

    try:
        base = base_url(args.address)
        state = request(base, "GET", "/api/public")
    except NetError as e:
        hint = " (is this a partnersim classroom's address and port?)" if e.status else ""
        print(f"partnersim: error: dashboard {args.address}: {e.reason}{hint}", file=sys.stderr)
        return 2
    if not (isinstance(state, dict) and state.get("type") == "public" and isinstance(state.get("room"), dict)):
        print(f"partnersim: error: dashboard {args.address}: {base}/api/public did not answer as a partnersim "
              f"classroom does (is this the address `partnersim classroom start` printed?)", file=sys.stderr)
        return 2
    if not has_display():
        print("partnersim: no display found (DISPLAY/WAYLAND_DISPLAY unset), so the dashboard cannot open a "
              f"window; open the projector page in a browser instead: {base}/projector", file=sys.stderr)
        return 2
    dashboard = Dashboard(base, state, fullscreen=args.fullscreen)
    try:
        dashboard.run()
    finally:
        dashboard.close()
    return 0
