"""What each viewer of a room is sent: a team's whole state, the facilitator's, the projector's.

Every message is the whole state for that viewer, never a diff, so a page that reconnects, a
second device or a reloaded tab shows exactly what the first one did. Nothing here computes an
outcome: figures are read off each team's model (its quarterly frame, its event log, the debrief
`sim.debrief` writes) and formatted by the declarations in `sim` (levers, metrics, units). A
team's state never holds another team's data, and no state holds a key.
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from classroom.room import Room, Seat
from sim import units
from sim.debrief import best_practice_model, compare, diagnose, fix_progress
from sim.events import NEWS_KINDS, SHOCK_SIZES, SHOCKS
from sim.metrics import METRICS, partner_share_over
from sim.policy import LEVER_GROUPS, LEVERS
from sim.scenario import event_table
from sim.standing import Standing, standing
from sim.tiles import tiles

# the team page's charts: (key, title, metrics, unit)
CHARTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("revenue", "Revenue by channel", ("revenue_direct", "revenue_partner")),
    ("share", "Partner share of revenue", ("partner_share",)),
    ("partners", "Active partners", ("partners_active",)),
    ("conflicts", "Channel conflicts", ("conflicts",)),
    ("net", "Net contribution to date", ("cumulative_net_contribution",)),
)
NEWS_LIMIT = 14


def _num(x: Any) -> float | None:
    return None if x is None or pd.isna(x) else round(float(x), 6)


# ---------------------------------------------------------------------- shared parts
def room_info(room: Room, join_url: str, now: float | None = None) -> dict[str, Any]:
    """The `room` object every message carries."""
    sc = room.scenario
    return {
        "code": room.code, "join_url": join_url, "phase": room.phase, "quarter": room.quarter,
        "open_quarter": room.open_quarter, "quarters": sc.quarters, "practice": room.practice,
        "paused": room.paused, "paused_left": room.left_when_paused, "deadline": room.deadline, "server_time": time.time() if now is None else now,
        "mode": room.mode, "minutes": room.minutes,
        "scenario": {"name": sc.name, "title": sc.title, "briefing": sc.briefing, "goal": sc.goal_text(),
                     "teaches": sc.teaches, "quarters": sc.quarters, "at_quarter": sc.at_quarter},
        "messages": [{"at": at, "text": text} for at, text in room.messages[-20:]],
    }


def clause_rows(clauses) -> list[dict[str, Any]]:
    return [{"goal": c.goal, "shown": c.shown, "met": bool(c.met)} for c in clauses]


_BEST: dict[tuple, pd.DataFrame] = {}


def best_frame(room: Room) -> pd.DataFrame:
    """Best practice on the room's world and seed (injected shocks included), as far as played."""
    key = (room.scenario.name, room.scenario.sha256, room.seed, tuple(room.injected), max(1, room.quarter))
    if key not in _BEST:
        if len(_BEST) > 32:
            _BEST.clear()
        _BEST[key] = best_practice_model(room.world, room.seed, key[-1]).quarterly_frame()
    return _BEST[key]


# ---------------------------------------------------------------------- a team
def lever_rows(room: Room, seat: Seat) -> list[dict[str, Any]]:
    """Every lever as the team's panel shows it: value in force, locked or imposed and why."""
    out = []
    deciding = room.phase == "open"
    for lv in LEVERS.values():
        value = seat.in_force(lv.name)
        imp = seat.model.imposed(lv.name)
        low, high, step = lv.ui_range if lv.kind in ("int", "float") else (None, None, None)
        if lv.kind in ("int", "float") and value is not None:
            high = max(high, float(value))
        choices = ([{"value": c, "label": lv.fmt(c)} for c in lv.choices] if lv.kind == "choice" else
                   [{"value": b, "label": lv.fmt(b)} for b in (True, False)] if lv.kind == "bool" else [])
        out.append({
            "name": lv.name, "label": lv.label, "group": lv.group, "kind": lv.kind, "help": lv.help,
            "unit": lv.unit, "choices": choices, "low": low, "high": high, "step": step,
            "value": value, "shown": lv.fmt(value),
            "submitted_value": seat.submitted.get(lv.name) if deciding and seat.submitted else None,
            "locked": room.scenario.locked.get(lv.name), "imposed": imp.reason() if imp else None,
        })
    return out


def upcoming(room: Room, seat: Seat) -> list[str]:
    """The events for the quarter being decided, with what they do (as the game's pop-up says)."""
    if room.phase != "open":
        return []
    q = room.open_quarter
    out = []
    for ev in seat.model.scheduled:
        if ev.quarter != q:
            continue
        if ev.kind == "policy":
            imposed = ", ".join(f"{LEVERS[k].label}: {LEVERS[k].fmt(v)}" for k, v in ev.changes)
            out.append(f"{ev.message}\n{ev.who[:1].upper() + ev.who[1:]} imposes {imposed} for quarter {q}; you may change "
                       f"it again from quarter {q + 1}.")
        else:
            out.append(f"{ev.message}\nThis hits the market when quarter {q} starts.")
    return out


def charts(frame: pd.DataFrame, best: pd.DataFrame) -> list[dict[str, Any]]:
    """The team's charts: its own lines, and best practice's dashed on the same world."""
    if frame.empty:
        return []
    quarters = [int(q) for q in frame["quarter"]]
    best = best[best["quarter"] <= quarters[-1]]
    out = []
    for key, title, names in CHARTS:
        series = [{"label": METRICS[n].label, "values": [_num(v) for v in frame[n]], "dashed": False}
                  for n in names]
        if len(names) == 1:
            series.append({"label": "Best practice", "values": [_num(v) for v in best[names[0]]], "dashed": True})
        else:
            series.append({"label": f"{METRICS[names[-1]].label}, best practice",
                           "values": [_num(v) for v in best[names[-1]]], "dashed": True})
        out.append({"key": key, "title": title, "unit": METRICS[names[0]].unit, "quarters": quarters,
                    "series": series})
    return out


def news(seat: Seat) -> list[dict[str, Any]]:
    """The quarter just played's news, with causes, newest first."""
    q = seat.model.quarter
    out = []
    for ev in reversed(seat.model.event_log):
        if ev.quarter < q:
            break
        if ev.kind in NEWS_KINDS and (ev.kind != "conflict" or ev.data.get("direct_won")):
            out.append({"quarter": ev.quarter, "kind": ev.kind, "text": ev.cause})
            if len(out) >= NEWS_LIMIT:
                break
    return out


def team_debrief(room: Room, seat: Seat) -> dict[str, Any]:
    """The team's debrief at the end: the goal, its mistakes, the fix, it beside best practice."""
    sc = room.world
    frame = seat.model.quarterly_frame()
    best = best_frame(room)
    mistakes = diagnose(seat.model, sc)
    st = standing(sc.win, sc.at_quarter, frame)       # judged at the last quarter played if the game ended early
    won = bool(st.clauses) and st.clauses_met == len(st.clauses)
    early = st.quarters < sc.at_quarter
    verdict = (f"The game ended after quarter {st.quarters}, before the goal's quarter {sc.at_quarter}: as things "
               f"stood, you {'met' if won else 'did not meet'} the goal." if early else
               "You met the goal." if won else "You missed the goal.")
    table = compare(frame, best) if not frame.empty else pd.DataFrame()
    return {
        "won": won,
        "headline": verdict + (f" The lesson of this scenario: {sc.teaches}" if sc.teaches else ""),
        "clauses": clause_rows(st.clauses),
        "mistakes": [{"claim": m.claim, "title": m.title, "when": m.when(), "lesson": m.lesson,
                      "evidence": m.evidence, "lesson_lever": m.of_the_lesson} for m in mistakes],
        "fix": [{"text": f.text(), "lesson": f.lesson, "since": f.progress()} for f in fix_progress(seat.model, sc)],
        "fix_summary": sc.fix_summary,
        "table": [{"measure": r.measure, "you": units.fmt(r.kind, r.player), "best": units.fmt(r.kind, r.best)}
                  for r in table.itertuples()],
    }


def seat_decision(room: Room, seat: Seat, connected: bool) -> dict[str, Any]:
    """The part of a team's state a submission changes: where it stands in the round, its levers."""
    return {
        "team": {"id": seat.id, "name": seat.name, "revision": seat.revision,
                 "submitted": seat.submitted is not None, "locked": seat.locked, "bot": seat.bot,
                 "kept_last": seat.kept_last, "deadline": room.seat_deadline(seat), "connected": connected},
        "groups": list(LEVER_GROUPS),
        "levers": lever_rows(room, seat),
        "upcoming": upcoming(room, seat),
    }


# the figures a game client checks its own replay against, quarter by quarter (`timeline`)
CHECKED = ("revenue_direct", "revenue_partner", "conflicts", "partners_active", "partners_churned",
           "partner_net_contribution")


def _exact(x: Any) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def timeline(room: Room, seat: Seat, frame: pd.DataFrame) -> dict[str, Any]:
    """What a game client needs to replay this team's game itself and check it: the world's
    generation (a practice reset starts a new one), the quarters played, the decisions as played
    (the team's, its bot's, or none), the facilitator's injected events, and the CHECKED figures
    of every quarter unrounded (JSON carries a float exactly)."""
    return {"generation": room.generation, "played": seat.model.quarter,
            "decisions": [{"quarter": d.quarter, "changes": d.changes} for d in seat.record.decisions],
            "events": [event_table(ev) for ev in room.injected],
            "check": {name: [_exact(v) for v in frame[name]] for name in CHECKED} if not frame.empty else {}}


def seat_results(room: Room, seat: Seat) -> dict[str, Any]:
    """The part of a team's state only a played quarter changes: figures, charts, news, the goal,
    and the timeline a game client replays."""
    frame = seat.model.quarterly_frame()
    played = room.phase != "lobby" and not frame.empty
    best = best_frame(room) if played else frame
    return {
        "timeline": timeline(room, seat, frame),
        "tiles": [{"label": t.label, "value": t.value, "change": t.change, "good": t.good} for t in tiles(frame)],
        "charts": charts(frame, best) if played else [],
        "news": news(seat) if played else [],
        "goal": clause_rows(room.world.judge(frame)) if played else [],
        "debrief": team_debrief(room, seat) if room.phase == "ended" and not frame.empty else None,
    }


# ---------------------------------------------------------------------- the class
def seat_standing(room: Room, seat: Seat, cache: dict | None = None) -> tuple[Standing, dict[str, list]]:
    """A team's standing and its sparklines, read off its frame once per quarter played (`cache`
    keeps them between calls: a join or a submission changes no team's figures)."""
    key = (room.generation, seat.model.quarter, len(room.injected))
    if cache is not None and seat.id in cache and cache[seat.id][0] == key:
        return cache[seat.id][1]
    frame = seat.model.quarterly_frame()
    st = standing(room.scenario.win, room.scenario.at_quarter, frame)
    # the share line is the measure the column shows: partner share over the last four quarters
    spark = {"share": [_num(partner_share_over(frame, int(q))) for q in frame["quarter"]] if not frame.empty else [],
             "net": [_num(v) for v in frame["cumulative_net_contribution"]] if not frame.empty else []}
    if cache is not None:
        cache[seat.id] = (key, (st, spark))
    return st, spark


def figures(st: Standing) -> dict[str, str]:
    return {"share": units.share(st.share, 1), "net": units.money(st.net), "conflicts": units.count(st.conflicts),
            "lost": units.count(st.lost)}


def leaderboard(room: Room, cache: dict | None = None) -> list[dict[str, Any]]:
    """Teams ranked by the scenario's goal clauses, then net contribution (`sim.standing`)."""
    table = {i: seat_standing(room, s, cache) for i, s in room.seats.items()}
    order = sorted(room.seats, key=lambda i: (table[i][0].rank_key, room.seats[i].name.casefold()))
    rows = []
    for rank, i in enumerate(order, 1):
        st, spark = table[i]
        rows.append({
            "rank": rank, "team": room.seats[i].name, "id": i, "clauses_met": st.clauses_met,
            "clauses": clause_rows(st.clauses), "share": st.share, "net": st.net, "conflicts": st.conflicts,
            "lost": st.lost, "figures": figures(st), "spark": spark,
        })
    return rows


def roster(room: Room, connected: dict[int, int]) -> list[dict[str, Any]]:
    return [{"id": s.id, "name": s.name, "connected": connected.get(s.id, 0) > 0, "submitted": s.decided,
             "locked": s.locked, "bot": s.bot, "deadline": room.seat_deadline(s), "revision": s.revision,
             "kept_last": s.kept_last} for s in room.seats.values()]


def inject_vocabulary() -> dict[str, Any]:
    """What the facilitator's inject form offers: the scenario vocabulary's shocks and levers."""
    return {"shocks": [{"value": k, "label": f"{v.replace('`', '')} (size from {SHOCK_SIZES[k][0]:g} to "
                                             f"{SHOCK_SIZES[k][1]:g})", "low": SHOCK_SIZES[k][0],
                        "high": SHOCK_SIZES[k][1]} for k, v in SHOCKS.items()],
            "levers": [{"name": lv.name, "label": lv.label, "kind": lv.kind,
                        "choices": [{"value": c, "label": lv.fmt(c)} for c in lv.choices] if lv.kind == "choice"
                        else [{"value": b, "label": lv.fmt(b)} for b in (True, False)] if lv.kind == "bool" else [],
                        "low": lv.low, "high": lv.high} for lv in LEVERS.values()]}


def public_state(room: Room, join_url: str, connected: dict[int, int], board: list[dict[str, Any]]) -> dict[str, Any]:
    """The projector's state: nothing secret in it."""
    return {"type": "public", "room": room_info(room, join_url),
            "roster": [{"name": r["name"], "connected": r["connected"], "submitted": r["submitted"], "bot": r["bot"]}
                       for r in roster(room, connected)],
            "leaderboard": board}
