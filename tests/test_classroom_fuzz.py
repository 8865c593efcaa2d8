"""Fuzzing the classroom's HTTP API (issue 12): random JSON, random levers and values (declared and
not), random facilitator actions and events, huge strings, bytes that are not JSON and bodies over
16 kB, with good and bad keys, through starlette's TestClient on `create_app` (no sockets).

Properties, request by request: never a 5xx; every 4xx carries a JSON `error` string; a refused
request stores nothing (the actions, teams and keys tables keep their row counts). After the
whole sequence the room replays from its SQLite file to the same room (phase, quarter, each seat's
revision, decisions and results), as a restarted server would rebuild it.

The last tests pin the bugs found while writing this, one input each (they fail until fixed). The
fuzzing itself is bounded and repeatable (derandomized); `CLASSROOM_FUZZ_EXAMPLES=500 pytest
tests/test_classroom_fuzz.py` runs that many examples with fresh random draws.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from pandas.testing import assert_frame_equal

from classroom.app import create_app, open_classroom
from classroom.schemas import BOT_POLICIES, MAX_MESSAGE_BYTES
from sim.events import SHOCKS
from sim.policy import LEVERS

with warnings.catch_warnings():
    warnings.simplefilter("ignore")          # starlette 1.x asks for httpx2; httpx is what is installed
    from starlette.testclient import TestClient

SEED = 3
# a bounded, repeatable run by default; CLASSROOM_FUZZ_EXAMPLES=500 fuzzes longer, with fresh random draws
LONG = int(os.environ.get("CLASSROOM_FUZZ_EXAMPLES", "0"))
ROUND_ACTIONS = ("practice", "start", "close", "advance", "pause", "resume", "end")
OPEN, REV = "<open quarter>", "<team's revision>"     # filled in when the request is sent
KEYS = ("team1", "team2", "facilitator", "forged", "none", "empty")


# ---------------------------------------------------------------------- a fresh room per example
class Harness:
    """A classroom in a temporary file, two teams joined, and an HTTP client on its app."""

    def __init__(self, folder: Path, mode: str = "gated") -> None:
        self.path = folder / "fuzz.sqlite"
        self.cl, fac, _ = open_classroom(self.path, "baseline", SEED, mode=mode, max_teams=4)
        self.cl.join_url = "http://testserver/"
        self.http = TestClient(create_app(self.cl), raise_server_exceptions=False)
        self.keys: dict[str, str | None] = {"facilitator": fac, "forged": "x" * 22, "none": None, "empty": ""}
        for n, name in ((1, "Alpha"), (2, "Beta")):
            r = self.http.post("/api/join", json={"code": self.cl.room.code, "name": name})
            assert r.status_code == 200, r.text
            self.keys[f"team{n}"] = r.json()["token"]

    def counts(self) -> tuple[int, ...]:
        db = self.cl.store.db
        return tuple(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("actions", "teams", "keys"))

    def fill(self, body: Any, who: str) -> Any:
        """Put the open quarter and the team's revision where the strategy asked for them."""
        if not isinstance(body, dict):
            return body
        room = self.cl.room
        seat = room.seats.get(1 if who == "team1" else 2)
        out = dict(body)
        if out.get("quarter") == OPEN:
            out["quarter"] = room.open_quarter or room.quarter + 1
        if out.get("revision") == REV:
            out["revision"] = seat.revision if seat else 0
        return out

    def send(self, url: str, who: str, body: tuple[str, Any]) -> Any:
        """One request, checked: no 5xx, a 4xx says why in JSON and stores nothing."""
        token = self.keys[who]
        headers = {"content-type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        how, value = body
        content = value if how == "raw" else json.dumps(self.fill(value, who)).encode("utf-8", "surrogatepass")
        before = self.counts()
        r = self.http.post(url, content=content, headers=headers)
        if currently_in_test_context():        # the statistics only exist inside a hypothesis test
            event(f"{url} {r.status_code}")
        where = f"POST {url} as {who}: {content[:300]!r} -> {r.status_code} {r.text[:300]}"
        assert r.status_code < 500, where
        if r.status_code >= 400:
            error = r.json().get("error")
            assert isinstance(error, str) and error.strip(), where
            assert self.counts() == before, "a refused request stored something: " + where
        else:
            assert r.json().get("type") in ("state", "room") or "token" in r.json(), where
        return r

    def views_answer(self) -> None:
        """The read-only endpoints answer for every viewer."""
        for url, who in (("/api/public", "none"), ("/api/team", "team1"), ("/api/team", "team2"),
                         ("/api/host/room", "facilitator")):
            token = self.keys[who]
            r = self.http.get(url, headers={"Authorization": f"Bearer {token}"} if token else {})
            assert r.status_code == 200, f"GET {url}: {r.status_code} {r.text[:300]}"

    def assert_replays(self) -> None:
        """A restarted server rebuilds the same room from the file."""
        again, _, resumed = open_classroom(self.path)
        try:
            assert resumed
            a, b = self.cl.room, again.room
            assert (b.phase, b.quarter, b.practice, b.paused, b.injected, b.messages) == \
                   (a.phase, a.quarter, a.practice, a.paused, a.injected, a.messages)
            assert b.history[:-1] == a.history and b.history[-1][2].startswith("Server restarted")
            if a.phase == "open" and a.deadline is not None:        # a restart gives an open timed round time
                assert b.deadline >= a.deadline
            else:
                assert b.deadline == a.deadline
            assert list(b.seats) == list(a.seats)
            for i, s in a.seats.items():
                t = b.seats[i]
                assert (t.name, t.revision, t.submitted, t.locked, t.bot, t.extra, t.kept_last) == \
                       (s.name, s.revision, s.submitted, s.locked, s.bot, s.extra, s.kept_last)
                assert t.record.decisions == s.record.decisions
                assert_frame_equal(t.model.quarterly_frame(), s.model.quarterly_frame())
        finally:
            again.store.close()

    def close(self) -> None:
        self.http.close()
        self.cl.store.close()


@pytest.fixture
def harness(tmp_path: Path) -> Any:
    h = Harness(tmp_path)
    yield h
    h.close()


# ---------------------------------------------------------------------- strategies
SCALARS = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=12))
JSON = st.recursive(SCALARS, lambda kids: st.lists(kids, max_size=4)
                    | st.dictionaries(st.text(max_size=10), kids, max_size=4), max_leaves=10)
HUGE_TEXT = st.integers(200, 20_000).map(lambda n: "é" * n)


def good_value(name: str) -> st.SearchStrategy[Any]:
    """A value the lever's declaration allows (what a team's page sends)."""
    lv = LEVERS[name]
    if lv.kind == "choice":
        return st.sampled_from(lv.choices)
    if lv.kind == "bool":
        return st.booleans()
    if lv.kind == "int":
        return st.integers(int(lv.low), int(lv.high))
    return st.floats(lv.low, lv.high) | st.sampled_from([lv.low, lv.high])


def lever_value(name: str) -> st.SearchStrategy[Any]:
    """Allowed values, values just outside the range, and values of any kind."""
    lv = LEVERS[name]
    if lv.kind in ("int", "float"):
        span = lv.high - lv.low
        below = st.floats(lv.low - span / 4, lv.low, exclude_max=True)
        above = st.floats(lv.high, lv.high + span / 4, exclude_min=True)
        near = below | above | st.sampled_from([lv.low - 1, lv.high + 1])
    else:
        near = st.text(max_size=12)
    return st.one_of(good_value(name), good_value(name), near, SCALARS)


GOOD_PAIRS = st.sampled_from(list(LEVERS)).flatmap(lambda n: st.tuples(st.just(n), good_value(n)))
LEVER_PAIRS = st.sampled_from(list(LEVERS)).flatmap(lambda n: st.tuples(st.just(n), lever_value(n)))
GOOD_LEVERS = st.lists(GOOD_PAIRS, max_size=3).map(dict)
LEVER_TABLES = st.one_of(st.lists(LEVER_PAIRS | st.tuples(st.text(max_size=14), SCALARS), max_size=4).map(dict),
                         JSON)
SUBMITS = st.one_of(
    st.fixed_dictionaries({"quarter": st.just(OPEN), "revision": st.just(REV), "levers": GOOD_LEVERS}),
    st.fixed_dictionaries({"quarter": st.just(OPEN), "revision": st.just(REV), "levers": GOOD_LEVERS}),
    st.fixed_dictionaries({"quarter": st.just(OPEN) | st.integers(-1, 14) | SCALARS,
                           "revision": st.just(REV) | st.integers(-1, 5) | SCALARS,
                           "levers": GOOD_LEVERS | LEVER_TABLES},
                          optional={"type": st.just("submit") | SCALARS, "extra": JSON}))
TEAMS = st.integers(0, 5) | SCALARS
EVENTS = st.one_of(
    st.fixed_dictionaries({"kind": st.just("shock"), "shock": st.sampled_from(list(SHOCKS)) | st.text(max_size=10),
                           "size": st.floats(-2, 3) | SCALARS, "duration": st.integers(-1, 4) | SCALARS,
                           "message": st.text(max_size=40) | SCALARS},
                          optional={"quarter": SCALARS, "extra": JSON}),
    st.fixed_dictionaries({"kind": st.just("policy"), "changes": LEVER_TABLES,
                           "message": st.text(max_size=40) | SCALARS},
                          optional={"by": st.text(max_size=20) | SCALARS, "quarter": SCALARS}),
    JSON)
ACTIONS = st.one_of(
    st.sampled_from(ROUND_ACTIONS).map(lambda a: {"action": a}),
    st.sampled_from(ROUND_ACTIONS).map(lambda a: {"action": a}),
    st.fixed_dictionaries({"action": st.sampled_from(("lock", "reopen", "unbot")), "team": TEAMS}),
    st.fixed_dictionaries({"action": st.just("extend"), "team": TEAMS, "minutes": st.floats(0, 70) | SCALARS}),
    st.fixed_dictionaries({"action": st.just("bot"), "team": TEAMS,
                           "policy": st.sampled_from(BOT_POLICIES) | st.text(max_size=10)}),
    st.fixed_dictionaries({"action": st.just("inject"), "event": EVENTS}),
    st.fixed_dictionaries({"action": st.just("broadcast"), "message": st.text(max_size=600) | HUGE_TEXT | SCALARS}),
    st.fixed_dictionaries({"action": st.text(max_size=12) | SCALARS}, optional={"team": TEAMS, "type": SCALARS}),
    JSON)
JOINS = st.fixed_dictionaries(
    {"code": st.sampled_from(("<code>", "<code lower>", "WRONG")) | st.text(max_size=70),
     "name": st.sampled_from(("Gamma", "gamma ", "ALPHA", "Delta", "   ", "<b>x</b>", "a\x00b"))
     | st.text(max_size=40) | HUGE_TEXT | SCALARS},
    optional={"extra": JSON})
RAW = st.one_of(
    st.binary(max_size=40),
    st.integers(MAX_MESSAGE_BYTES + 1, MAX_MESSAGE_BYTES + 4000).map(lambda n: b'{"name": "' + b"x" * n + b'"}'),
    st.integers(2, 40).map(lambda n: b"[" * n + b"]" * n),
    st.sampled_from([b"", b"null", b"[]", b'"text"', b"NaN", b"{", b"\xff\xfe{}", b'{"action": "start"}']))


def bodies(json_bodies: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[str, Any]]:
    shaped = json_bodies.map(lambda b: ("json", b))
    return st.one_of(shaped, shaped, shaped, shaped, JSON.map(lambda b: ("json", b)), RAW.map(lambda b: ("raw", b)))


REQUESTS = st.one_of(
    st.tuples(st.just("/api/join"), st.sampled_from(KEYS), bodies(JOINS)),
    st.tuples(st.just("/api/submit"), st.sampled_from(("team1", "team2")), bodies(SUBMITS)),
    st.tuples(st.just("/api/submit"), st.sampled_from(KEYS), bodies(SUBMITS)),
    st.tuples(st.just("/api/host/action"), st.just("facilitator"), bodies(ACTIONS)),
    st.tuples(st.just("/api/host/action"), st.just("facilitator"), bodies(ACTIONS)),
    st.tuples(st.just("/api/host/action"), st.sampled_from(KEYS), bodies(ACTIONS)))


def with_code(h: Harness, body: tuple[str, Any]) -> tuple[str, Any]:
    how, value = body
    if how == "json" and isinstance(value, dict) and value.get("code") in ("<code>", "<code lower>"):
        code = h.cl.room.code
        value = {**value, "code": code if value["code"] == "<code>" else f" {code.lower()} "}
    return how, value


# ---------------------------------------------------------------------- the fuzzing
@settings(max_examples=LONG or 30, deadline=None, derandomize=not LONG,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(opening=st.sampled_from(((), ("start",), ("practice",), ("start", "close"))),
       requests=st.lists(REQUESTS, min_size=1, max_size=12), timed=st.booleans())
def test_any_sequence_of_requests(opening: tuple[str, ...], requests: list[tuple[str, str, tuple[str, Any]]],
                                  timed: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        h = Harness(Path(tmp), mode="timed" if timed else "gated")
        try:
            for action in opening:
                h.send("/api/host/action", "facilitator", ("json", {"action": action}))
            for url, who, body in requests:
                h.send(url, who, with_code(h, body))
            event(f"ended in phase {h.cl.room.phase}, quarter {h.cl.room.quarter}")
            h.views_answer()
            h.assert_replays()
        finally:
            h.close()


@settings(max_examples=LONG // 3 or 10, deadline=None, derandomize=not LONG,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rounds=st.lists(st.tuples(GOOD_LEVERS | LEVER_TABLES, GOOD_LEVERS | LEVER_TABLES, st.lists(ACTIONS, max_size=2)),
                      min_size=1, max_size=3))
def test_rounds_with_random_decisions_replay(rounds: list[tuple[dict, dict, list]]) -> None:
    """Quarters actually played: both teams submit random levers each round, with random facilitator
    actions in between; whatever was accepted replays to the same results."""
    with tempfile.TemporaryDirectory() as tmp:
        h = Harness(Path(tmp))
        try:
            h.send("/api/host/action", "facilitator", ("json", {"action": "start"}))
            for one, two, actions in rounds:
                for action in actions:
                    h.send("/api/host/action", "facilitator", ("json", action))
                for who, levers in (("team1", one), ("team2", two)):
                    h.send("/api/submit", who, ("json", {"quarter": OPEN, "revision": REV, "levers": levers}))
                room = h.cl.room
                if room.phase == "open":
                    h.send("/api/host/action", "facilitator", ("json", {"action": "close"}))
                if room.phase == "results" and not room.practice:
                    h.send("/api/host/action", "facilitator", ("json", {"action": "advance"}))
            h.views_answer()
            h.assert_replays()
        finally:
            h.close()


# ---------------------------------------------------------------------- bugs found on the way
def test_deeply_nested_json_is_a_400_not_a_crash(harness: Harness) -> None:
    """json.loads raises RecursionError (not JSONDecodeError) past ~1000 levels; 16 kB holds 8000."""
    for url, who in (("/api/join", "none"), ("/api/submit", "team1"), ("/api/host/action", "facilitator")):
        for raw in (b"[" * 5000 + b"]" * 5000, b'{"a":' * 3000 + b"1" + b"}" * 3000):
            r = harness.send(url, who, ("raw", raw))
            assert r.status_code in (400, 413)       # not JSON, or too large: refused, never a crash
    harness.assert_replays()


@pytest.mark.parametrize("size", ["NaN", "Infinity", "-Infinity"])
def test_an_injected_shock_without_a_finite_size_is_refused(harness: Harness, size: str) -> None:
    """Python's json reads NaN and Infinity, and the event schema takes any float as a shock's size:
    `manager_departures` of NaN is logged, then crashes the quarter's resolution (int(nan)),
    leaving the room 'resolving' for good, and every restart replays the same crash."""
    harness.send("/api/host/action", "facilitator", ("json", {"action": "start"}))
    shock = '{"kind": "shock", "shock": "manager_departures", "size": SIZE, "duration": 1, "message": "Walkout"}'
    body = ('{"action": "inject", "event": ' + shock.replace("SIZE", size) + "}").encode()
    r = harness.send("/api/host/action", "facilitator", ("raw", body))
    assert r.status_code == 400, "a shock of no finite size was accepted"     # NaN is not JSON
    for bad in (-1, 1.5, 51):           # JSON numbers the shock does not allow
        r = harness.send("/api/host/action", "facilitator", ("raw", body.replace(size.encode(), str(bad).encode())))
        assert r.status_code == 422 and "manager_departures" in r.json()["error"], r.text
    for who in ("team1", "team2"):
        harness.send("/api/submit", who, ("json", {"quarter": OPEN, "revision": REV, "levers": {}}))
    harness.send("/api/host/action", "facilitator", ("json", {"action": "advance"}))
    for who in ("team1", "team2"):
        harness.send("/api/submit", who, ("json", {"quarter": OPEN, "revision": REV, "levers": {}}))
    assert (harness.cl.room.phase, harness.cl.room.quarter) == ("results", 2)
    harness.assert_replays()
