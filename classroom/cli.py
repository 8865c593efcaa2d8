"""`partnersim classroom start | bots`: run a classroom, or fill one with bot teams.

`start` opens (or carries on) a classroom file, prints where teams join (the LAN address, the
room code and a QR code in the terminal) and the facilitator's address with its key, opens the
facilitator page on this machine and serves until Ctrl+C. Started again on the same `--db`
after a crash, it replays the file and carries on where the room was.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from classroom.room import MODES
from classroom.schemas import BOT_POLICIES
from sim.errors import PartnersimError

DEFAULT_PORT = 8765
PING_SECONDS = 5.0       # a closed laptop shows as disconnected within about two pings
KEEP_ALIVE_SECONDS = 75  # an idle HTTP connection stays open longer than a facilitator's pause between clicks


# `classroom` subcommands from outside the package (the game adds `dashboard`; the classroom never
# imports the game): name -> (help, add_arguments, handler)
Extra = dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]]
COMMANDS = ("start", "bots", "handouts")


class ClassroomCliError(PartnersimError):
    """A bad option; the message names it and what is allowed."""


def add_arguments(parser: argparse.ArgumentParser, extra: Extra | None = None) -> None:
    """The `classroom` subcommands, and the `extra` ones after them."""
    sub = parser.add_subparsers(dest="classroom_command", metavar="{" + ",".join([*COMMANDS, *(extra or {})]) + "}")
    s = sub.add_parser("start", help="start a classroom server (or carry one on from its --db file)",
                       description="Start a classroom: teams join from any browser on the network by the "
                                   "address, room code or QR code printed here; the facilitator page opens "
                                   "on this machine. Started again with the same --db, it carries the room on.")
    s.add_argument("--scenario", help="bundled scenario name or a .toml file (new classrooms)")
    s.add_argument("--seed", type=int, help="the world's seed, the same for every team (default: the scenario's)")
    s.add_argument("--db", default=None,
                   help="the classroom file (SQLite; default: ./partnersim-classroom-SCENARIO-seedN.sqlite)")
    s.add_argument("--host", default="0.0.0.0",
                   help="address to listen on (default 0.0.0.0: every network of this machine, so teams on the "
                        "LAN can reach it; 127.0.0.1 keeps it on this machine)")
    s.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    s.add_argument("--rounds", default=None, help=f"{' | '.join(MODES)}: gated rounds close when every team "
                   "is in or the facilitator closes them; timed rounds also close when the clock runs out "
                   "(default gated)")
    s.add_argument("--minutes", type=float, default=None, help="length of a timed round (default 5)")
    s.add_argument("--max-teams", type=int, default=None, help="seats in the room (default 60)")
    s.add_argument("--no-browser", action="store_true", help="do not open the facilitator page")
    p = sub.add_parser("handouts", help="write a classroom's PDF handouts: one per team and one for the class",
                       description="Write the PDF handouts of a classroom file (during or after the game): "
                                   "class.pdf and one PDF per team. The file is only read.")
    p.add_argument("--db", required=True, help="the classroom file")
    p.add_argument("--out", required=True, help="folder for the PDFs (created if missing)")
    p.add_argument("--address", default="", help="the join address printed at start, for each team's rejoin QR "
                   "(e.g. http://192.168.1.20:8765/; left out: no QR)")
    b = sub.add_parser("bots", help="join bot teams to a classroom (rehearsals, network checks, tests)",
                       description="Join N bot teams to a running classroom; each plays by a rule until the "
                                   "game ends. Prints what each saw and the submit latencies.")
    b.add_argument("address", help="the classroom's address, e.g. http://192.168.1.20:8765")
    b.add_argument("--code", required=True, help="the room code")
    b.add_argument("--teams", type=int, default=10, help="how many bots (default 10)")
    b.add_argument("--policy", default="random", help=f"{' | '.join(BOT_POLICIES)} (default random)")
    b.add_argument("--prefix", default="Bot", help="bot names start with this (default Bot)")
    b.add_argument("--minutes", type=float, default=60.0, help="give up after this many minutes (default 60)")
    for name, (help_text, add, _) in (extra or {}).items():
        add(sub.add_parser(name, help=help_text, description=help_text))


def run(args: argparse.Namespace, extra: Extra | None = None) -> int:
    """Dispatch `partnersim classroom ...` (`extra`: the handlers of the extra subcommands)."""
    if extra and args.classroom_command in extra:
        return extra[args.classroom_command][2](args)
    if args.classroom_command == "start":
        return start(args)
    if args.classroom_command == "bots":
        return bots(args)
    if args.classroom_command == "handouts":
        return handouts(args)
    print(f"usage: partnersim classroom {{{','.join([*COMMANDS, *(extra or {})])}}} ... "
          "(see partnersim classroom start --help)", file=sys.stderr)
    return 2


def lan_address() -> str:
    """This machine's address on the LAN (no packet is sent), or 127.0.0.1 without a network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def default_db(scenario: str, seed: int | None) -> str:
    """./partnersim-classroom-SCENARIO-seedN.sqlite (the scenario's own seed if none given)."""
    from sim.scenario import ScenarioError, load_scenario

    try:
        sc = load_scenario(scenario)
    except ScenarioError as e:
        raise ClassroomCliError(str(e)) from None
    return f"partnersim-classroom-{sc.name}-seed{sc.seed if seed is None else seed}.sqlite"


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on (host, port), or None if it can."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            return e.strerror or str(e)
    return None


def start(args: argparse.Namespace) -> int:
    import uvicorn

    from classroom.app import create_app, open_classroom

    if not 0 < args.port < 65536:
        raise ClassroomCliError(f"--port: {args.port} is not allowed (allowed: 1 to 65535)")
    if args.minutes is not None and not 0.25 <= args.minutes <= 120:
        raise ClassroomCliError(f"--minutes: {args.minutes:g} is not allowed (allowed: 0.25 to 120)")
    if args.max_teams is not None and not 1 <= args.max_teams <= 500:
        raise ClassroomCliError(f"--max-teams: {args.max_teams} is not allowed (allowed: 1 to 500)")
    db = args.db
    if db is None:
        if not args.scenario:
            raise ClassroomCliError("give --scenario NAME|PATH for a new classroom, or --db FILE to carry one on")
        db = default_db(args.scenario, args.seed)
    problem = port_problem(args.host, args.port)
    if problem:                 # said before any file is created
        raise ClassroomCliError(f"--port {args.port}: {problem} (give another --port)")
    cl, key, resumed = open_classroom(db, args.scenario, args.seed, mode=args.rounds, minutes=args.minutes,
                                      max_teams=args.max_teams)
    cl.attribute = True                 # the class debrief says which decisions separated the teams
    local = args.host in ("127.0.0.1", "localhost", "::1")
    shown_host = "127.0.0.1" if local else (lan_address() if args.host in ("0.0.0.0", "::") else args.host)
    cl.join_url = f"http://{shown_host}:{args.port}/"
    facilitator = f"http://127.0.0.1:{args.port}/host#{key}"
    room = cl.room
    print(f"partnersim classroom: {room.scenario.title} ({room.scenario.name}), seed {room.seed}, "
          f"{room.mode} rounds" + (f" of {room.minutes:g} min" if room.mode == "timed" else ""))
    print(("Carried on from " if resumed else "Classroom file: ") + str(Path(db).resolve())
          + (f" (quarter {room.quarter}, {len(room.seats)} teams, {room.phase})" if resumed else ""))
    print()
    print(f"  Teams join at   {cl.join_url}   room code  {room.code}")
    try:
        import segno

        segno.make(f"{cl.join_url}?room={room.code}", error="m").terminal(compact=True)
    except Exception:               # a terminal that cannot draw it still has the address
        pass
    print(f"  Projector page  {cl.join_url}projector")
    print(f"  Facilitator     {facilitator}")
    print("                  (keep this address to yourself: it runs the room)")
    print()
    print("  Listening on 127.0.0.1 only: teams on other machines cannot reach it." if local else
          f"  Listening on the LAN ({args.host}): any device on this network can open the join address.")
    print("  Ctrl+C stops the server; the classroom file keeps everything, start again with --db to carry on.")
    sys.stdout.flush()
    if not args.no_browser:
        import webbrowser

        try:
            webbrowser.open(facilitator)
        except Exception:
            pass
    config = uvicorn.Config(create_app(cl), host=args.host, port=args.port, log_level="warning",
                            ws_ping_interval=PING_SECONDS, ws_ping_timeout=PING_SECONDS, ws_max_size=16384,
                            timeout_keep_alive=KEEP_ALIVE_SECONDS, lifespan="on")
    try:
        uvicorn.Server(config).run()
    finally:
        cl.store.close()
    return 0


def bots(args: argparse.Namespace) -> int:
    from classroom.bots import run_bots

    if args.policy not in BOT_POLICIES:
        raise ClassroomCliError(f"--policy: {args.policy!r} is not allowed (allowed: {' | '.join(BOT_POLICIES)})")
    if not 1 <= args.teams <= 500:
        raise ClassroomCliError(f"--teams: {args.teams} is not allowed (allowed: 1 to 500)")
    if not args.address.startswith(("http://", "https://")):
        raise ClassroomCliError(f"address: {args.address!r} is not allowed (allowed: http://HOST:PORT)")
    fix = None
    if args.policy == "fix":
        fix = _room_fix(args.address)
    print(f"{args.teams} bots ({args.policy}) joining {args.address} room {args.code} ...", flush=True)
    reports = asyncio.run(run_bots(args.address, args.code, args.teams, args.policy, fix=fix, prefix=args.prefix,
                                   deadline=60 * args.minutes))
    lat = sorted(x for r in reports for x in r.latencies)
    for r in reports:
        note = f"; refused: {r.refused[-1]}" if r.refused else ""
        print(f"  {r.name}: team {r.team}, {r.submitted} decisions, {r.reconnects} reconnects, "
              f"ended at Q{r.quarters} ({r.last_phase or 'never connected'}){note}")
    if lat:
        p = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))] * 1000
        print(f"submit latency: median {p(0.5):.0f} ms, 95th percentile {p(0.95):.0f} ms over {len(lat)} decisions")
    return 0 if all(r.team for r in reports) else 1


def _room_fix(address: str) -> dict:
    """The scenario's fix for `--policy fix`: read from the bundled scenario the room plays."""
    import httpx

    from sim.scenario import ScenarioError, load_bundled

    try:
        name = httpx.get(address.rstrip("/") + "/api/public", timeout=10).json()["room"]["scenario"]["name"]
        return dict(load_bundled(name).fix)
    except ScenarioError as e:
        raise ClassroomCliError(f"--policy fix needs a bundled scenario: {e}") from None
    except (httpx.HTTPError, KeyError, ValueError) as e:
        raise ClassroomCliError(f"{address}: cannot read the room's scenario ({e})") from None


def handouts(args: argparse.Namespace) -> int:
    from classroom.app import open_classroom
    from classroom.handouts import write_handouts

    if args.address and not args.address.startswith(("http://", "https://")):
        raise ClassroomCliError(f"--address: {args.address!r} is not allowed (allowed: http://HOST:PORT/)")
    cl, _, _ = open_classroom(args.db, read_only=True)
    cl.join_url = args.address
    try:
        out = Path(args.out)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ClassroomCliError(f"--out {out}: cannot create the folder ({e.strerror or e})") from None
        def progress(done: int, total: int) -> None:   # the replays take about ten seconds a team
            print(f"what each team's decisions were worth: {done} of {total} teams worked out", file=sys.stderr,
                  flush=True)
        paths = write_handouts(cl, out, budget=None, progress=progress)
    finally:
        cl.store.close()
    print(f"{len(paths)} PDFs in {out}: {', '.join(p.name for p in paths)}")
    return 0
