"""PDF handouts after a classroom game: one for each team and one for the class (issue 13).

A team leaves with what its debrief page showed, on paper: the goal clause by clause, its
charts beside best practice on the same world, its decisions quarter by quarter (its own or
imposed by an event), the mistakes it made with the claim behind each, the you-vs-best table,
what each group of its decisions was worth against best practice (`sim.attribution`, the
replays `partnersim compare` and the class debrief use) and a QR that reopens the room's page.
The facilitator gets the class handout: the leaderboard, every team's key curves on one page
and the scenario's discussion questions. The class handout has one layout and two sources, a
room (`room_report`) and `partnersim compare`'s replayed save files (`saves_report`, one
section per scenario and seed), both turned into the same `ClassReport` first. Nothing here
computes an outcome: figures come from `classroom.views` (the same functions the pages use),
`sim.standing` and `sim.attribution`, and are formatted by `sim.units`, `sim.metrics.METRICS`
and `sim.policy.LEVERS`. Text stays text (reportlab Paragraphs with team names escaped), so
`pdftotext` reads every figure back.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import segno  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from classroom import views  # noqa: E402
from classroom.app import Classroom, qr_target, save_name  # noqa: E402
from classroom.room import Room, Seat  # noqa: E402
from sim import units  # noqa: E402
from sim.attribution import Attribution, AttributionError, AttributionJob, player_timeline, replay_pool  # noqa: E402
from sim.debrief import best_practice_model  # noqa: E402
from sim.metrics import METRICS, OKABE_ITO  # noqa: E402
from sim.policy import LEVER_GROUPS, LEVERS  # noqa: E402
from sim.savegame import load_game  # noqa: E402
from sim.scenario import Scenario  # noqa: E402
from sim.standing import Standing, standing  # noqa: E402

FACILITATOR_DOC = Path(__file__).resolve().parents[1] / "docs" / "facilitator.md"
WIDTH = A4[0] - 3.6 * cm          # the frame's width inside the margins
_SS = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("h-title", parent=_SS["Title"], fontSize=18, leading=22, spaceAfter=4),
    "team-title": ParagraphStyle("h-team-title", parent=_SS["Title"], fontSize=18, leading=22, spaceAfter=4,
                                 alignment=0),
    "sub": ParagraphStyle("h-sub", parent=_SS["Normal"], fontSize=10, leading=13, textColor=colors.HexColor("#444444")),
    "h2": ParagraphStyle("h-h2", parent=_SS["Heading2"], fontSize=13, leading=16, spaceBefore=10, spaceAfter=4),
    "body": ParagraphStyle("h-body", parent=_SS["Normal"], fontSize=9.5, leading=12.5),
    "cell": ParagraphStyle("h-cell", parent=_SS["Normal"], fontSize=8.5, leading=10.5),
    "small": ParagraphStyle("h-small", parent=_SS["Normal"], fontSize=8, leading=10, textColor=colors.HexColor("#555555")),
    "url": ParagraphStyle("h-url", parent=_SS["Normal"], fontSize=8, leading=10, textColor=colors.HexColor("#555555"),
                          wordWrap="CJK"),          # an address breaks anywhere, never runs off the column
}
GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BBBBBB")),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
])
MET_COLOUR, MISSED_COLOUR = OKABE_ITO[2], OKABE_ITO[5]


# ---------------------------------------------------------------------- small parts
def _p(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text: `<` and `&` in it (a team's name, say) stay characters."""
    return Paragraph(escape(str(text)), STYLES[style])


def _markdown(text: str, style: str = "body", prefix: str = "") -> Paragraph:
    """A line of the facilitator guide: escaped first, then its `**bold**`, `*italic*` and
    backticks turned into reportlab tags (the only markdown those bullets use)."""
    t = escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
    t = re.sub(r"\*(.+?)\*", r"<i>\1</i>", t)
    t = re.sub(r"`(.+?)`", r'<font face="Courier">\1</font>', t)
    return Paragraph(prefix + t, STYLES[style])


def _label(name: str) -> str:
    """A team's name as a chart legend shows it: a `$` would start matplotlib's mathtext."""
    return name.replace("$", r"\$")


def _table(rows: list[list[Any]], widths: list[float], extra: list[tuple] | None = None) -> Table:
    """A grid whose cells are paragraphs (so long text wraps) with a shaded header row."""
    cells = [[c if isinstance(c, Paragraph) else _p(c, "cell") for c in row] for row in rows]
    t = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    t.setStyle(GRID)
    if extra:
        t.setStyle(TableStyle(extra))
    return t


def _figure(fig: plt.Figure, width: float) -> Image:
    """A matplotlib figure as a PNG image in memory, `width` points wide."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    w, h = fig.get_size_inches()
    plt.close(fig)
    buf.seek(0)
    return Image(buf, width=width, height=width * h / w)


class UnitTicks(matplotlib.ticker.Formatter):
    """Tick labels in a unit's words (`sim.units`) with as many decimals as the ticks need to
    read true: 12.5% is not labelled "13%", nor $1.125M "$1.13M"."""

    def __init__(self, unit: str) -> None:
        self.unit, self.extra = unit, 0

    def set_locs(self, locs: Any) -> None:
        super().set_locs(locs)

        def true(v: float, extra: int) -> bool:
            return abs(units.value_of(units.fmt(self.unit, v, extra=extra)) - v) <= 1e-6 * max(1.0, abs(v))
        self.extra = next((e for e in range(4) if all(true(float(v), e) for v in locs)), 3)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return units.fmt(self.unit, x, extra=self.extra)


def _axis(ax: plt.Axes, metric: str, title: str) -> None:
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("Quarter", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.yaxis.set_major_formatter(UnitTicks(METRICS[metric].unit))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False)


def _played(room: Room, frame: pd.DataFrame) -> pd.DataFrame:
    """Best practice cut to the quarters the team played."""
    best = views.best_frame(room)
    last = int(frame["quarter"].iloc[-1]) if not frame.empty else 0
    return best[best["quarter"] <= last]


def _qr_png(target: str) -> io.BytesIO:
    buf = io.BytesIO()
    segno.make(target, error="m").save(buf, kind="png", scale=6, border=2)
    buf.seek(0)
    return buf


# ---------------------------------------------------------------------- a team
def team_charts(room: Room, seat: Seat) -> Image | None:
    """Partner revenue per quarter and cumulative net, the team solid beside best practice dashed."""
    frame = seat.model.quarterly_frame()
    if frame.empty:
        return None
    best = _played(room, frame)
    fig, axes = plt.subplots(1, 2, figsize=(8.2, 2.9))
    for ax, metric in zip(axes, ("revenue_partner", "cumulative_net_contribution"), strict=True):
        ax.plot(frame["quarter"], frame[metric], color=OKABE_ITO[0], lw=2, marker="o", ms=3, label=_label(seat.name))
        ax.plot(best["quarter"], best[metric], color=OKABE_ITO[1], lw=2, ls="--", label="Best practice")
        if metric == "cumulative_net_contribution":
            ax.axhline(0, color="#888888", lw=0.8)
        _axis(ax, metric, METRICS[metric].label)
    fig.tight_layout()
    return _figure(fig, WIDTH)


def decision_rows(seat: Seat) -> list[tuple[int, str, str, str]]:
    """(quarter, lever label, value, "chosen" or "imposed by WHO") for every change the team made
    and every value a policy event imposed, quarter by quarter, up to the quarters played."""
    played = seat.model.quarter
    rows = [(d.quarter, LEVERS[k].label, LEVERS[k].fmt(v), "chosen")
            for d in seat.record.decisions if d.quarter <= played for k, v in d.changes.items()]
    rows += [(i.quarter, LEVERS[i.lever].label, LEVERS[i.lever].fmt(i.value), f"imposed by {i.by}")
             for i in seat.model.impositions if i.quarter <= played]
    return sorted(rows, key=lambda r: (r[0], r[3] != "chosen", r[1]))


# ---------------------------------------------------------------------- what each group was worth
# Seconds `write_handouts` may spend on replays unless told otherwise: the facilitator page's
# download holds the room while it writes, so a large class gets its handouts in bounded time
# (a team not worked out by then says so; `partnersim classroom handouts` works out every team).
WORTH_BUDGET = 90.0

Worth = Attribution | str        # what a team's decisions were worth, or why the handout cannot say


def group_title(group: str) -> str:
    """A lever group as a row label: "direct sales" -> "Direct sales"."""
    return group[:1].upper() + group[1:]


def worth_meaning(a: Attribution) -> str:
    """The one line under the worth table saying what it means: the group whose decisions cost
    the team most on the lead measure (the goal, else partner revenue) and what best practice's
    would have added there on every measure, and the groups where the team did better."""
    lead = a.measures[0]
    top = max(a.groups, key=lambda g: lead.values[g] * lead.good)
    if lead.improves(lead.values[top]):
        adds = " and ".join(f"{m.fmt_change(m.values[top])} ({m.short})" for m in a.measures)
        line = (f"What it means: your {top} decisions cost you most; best practice's would have added {adds}.")
    else:
        line = f"What it means: no group of your decisions fell behind best practice's on the {lead.short}."
    better = [g for g in a.groups if lead.values[g] and not lead.improves(lead.values[g])]
    if better:
        line += f" Your {', '.join(better)} decisions did better than best practice's ({lead.short})."
    return line


def worth_story(worth: Worth) -> list[Any]:
    """The "what each decision group was worth" section: per lever group that differs from best
    practice, what best practice's decisions in it would have added to the team's result (its
    exact Shapley value, `sim.attribution`), so the rows add up from the team's result to best
    practice's; then one line saying what it means."""
    heading = _p("What each decision group was worth", "h2")
    if not isinstance(worth, Attribution):
        return [KeepTogether([heading, _markdown(f"Not worked out for this handout: {worth}.")])]
    a = worth
    if not a.groups:
        return [KeepTogether([heading, _p("Your decisions matched best practice's in every quarter: "
                                          "there is no gap to split.")])]
    note = _p(f"Each value: what taking best practice's decisions in that group adds to your result, its exact "
              f"Shapley value over {a.replays} replays of your game on the same world (seed {a.seed}, {a.quarters} "
              "quarters), one for every combination of the groups where your decisions differ. The rows add up "
              "from your result to best practice's; a minus means yours did better there.", "small")
    def bold(text: str) -> Paragraph:
        return Paragraph(f"<b>{escape(text)}</b>", STYLES["cell"])

    rows: list[list[Any]] = [
        ["Decision group", "Your levers -> best practice's", *[m.label for m in a.measures]],
        [bold("Your result"), "", *[bold(m.fmt(m.player)) for m in a.measures]]]
    for g in a.groups:
        locked = any(n in a.locked for n in a.levers[g])
        levers = Paragraph("<br/>".join(escape(line) for line in a.lever_lines(g)), STYLES["cell"])
        rows.append([group_title(g) + (" *" if locked else ""), levers, *[m.fmt_change(m.values[g]) for m in a.measures]])
    rows.append([bold("Best practice"), "", *[bold(m.fmt(m.best)) for m in a.measures]])
    n = len(a.measures)
    value_w = WIDTH * (0.36 if n > 1 else 0.22) / n
    table = _table(rows, [WIDTH * 0.16, WIDTH * 0.84 - value_w * n] + [value_w] * n)
    same = [g for g in LEVER_GROUPS if g not in a.groups]
    foot = []
    if same:
        foot.append(f"Not listed, because your decisions matched best practice's in every quarter (worth "
                    f"nothing either way): {', '.join(same)}.")
    if any(n in a.locked for g in a.groups for n in a.levers[g]):
        foot.append("* includes a lever the scenario locks (you could not change it).")
    return [KeepTogether([heading, note, Spacer(1, 3), table, Spacer(1, 3), _p(worth_meaning(a)),
                          *[_p(f, "small") for f in foot]])]


@dataclass
class WorthPlan:
    """What `team_worth` needs from the room, read at once (under the server's lock): the
    attributions already worked out, and for every other team its world, seed and timeline, so
    the replays (seconds a team) run while the room carries on."""

    teams: int
    known: dict[int, Worth]
    todo: dict[int, tuple[Any, int, Any]]        # team -> (world, seed, timeline) to replay
    keep: bool                                   # the room has ended: keep the results in cl.attribution


LATE = ("the replays ran out of the time a download allows (they take about ten seconds a team); "
        "`partnersim classroom handouts --db FILE --out DIR` works out every team")


def wait_for_debrief(cl: Classroom, budget: float | None = WORTH_BUDGET) -> bool:
    """Wait (within `budget`) for the class debrief's background replays rather than run them
    twice on the same cores; True if they are still running. Needs no lock: it only waits."""
    thread = cl._attribution_thread
    if thread is not None and thread.is_alive():
        thread.join(budget)
    return thread is not None and thread.is_alive()


def worth_plan(cl: Classroom, seats: list[Seat] | None = None, background: bool = False) -> WorthPlan:
    """Read what the replays need off the room (quick; the caller holds the lock in a server)."""
    room = cl.room
    seats = list(room.seats.values()) if seats is None else seats
    known: dict[int, Worth] = {}
    todo: dict[int, tuple[Any, int, Any]] = {}
    for seat in seats:
        a = cl.attribution.get(seat.id)
        if isinstance(a, Attribution) and a.quarters == seat.model.quarter and a.seed == room.seed:
            known[seat.id] = a
        elif seat.model.quarter == 0:
            known[seat.id] = "no quarter played yet"
        elif background:
            known[seat.id] = f"the class debrief is still replaying the games, and {LATE}"
        else:
            todo[seat.id] = (room.world, room.seed, player_timeline(seat.model))
    return WorthPlan(len(seats), known, todo, room.phase == "ended")


def work_out(plan: WorthPlan, budget: float | None = WORTH_BUDGET,
             progress: Callable[[int, int], Any] | None = None) -> dict[int, Worth]:
    """Replay what the plan lists on one shared pool, giving up at `budget` seconds (reads no room)."""
    deadline = None if budget is None else time.monotonic() + budget
    out = dict(plan.known)
    if progress is not None:
        progress(len(out), plan.teams)
    if plan.todo and (deadline is None or time.monotonic() < deadline):
        with replay_pool() as pool:
            for team, inputs in plan.todo.items():
                out[team] = _one_worth(inputs, pool, deadline)
                if progress is not None:
                    progress(len(out), plan.teams)
    for team in plan.todo:
        out.setdefault(team, LATE)
    return out


def team_worth(cl: Classroom, seats: list[Seat] | None = None, budget: float | None = WORTH_BUDGET,
               progress: Callable[[int, int], Any] | None = None) -> dict[int, Worth]:
    """What each team's decisions were worth (`sim.attribution`), reusing what the class
    debrief already worked out (`cl.attribution`, when it is for the quarters the team played)
    and replaying the rest on one shared pool of workers, as `partnersim compare` does. In one
    go, for a caller that owns the room (the CLI, tests); the server runs the three steps
    (`wait_for_debrief`, `worth_plan` under its lock, `work_out` without it) itself.

    Args:
        cl: The classroom.
        seats: The teams (default: every team in the room).
        budget: Seconds to spend at most (None: no limit); a team not worked out in time gets
            the reason instead.
        progress: Called with (teams done, teams in all) as teams are done.

    Returns:
        Team id -> its attribution, or why there is none (no quarter played, out of time, a
        replay failed).
    """
    start = time.monotonic()
    background = wait_for_debrief(cl, budget)
    left = None if budget is None else max(0.0, budget - (time.monotonic() - start))
    plan = worth_plan(cl, seats, background)
    out = work_out(plan, left, progress)
    remember(cl, plan, out)
    return out


def remember(cl: Classroom, plan: WorthPlan, worth: dict[int, Worth]) -> None:
    """Keep an ended room's results, so the next download is immediate."""
    if plan.keep:
        cl.attribution.update({i: w for i, w in worth.items() if isinstance(w, Attribution)})


def _one_worth(inputs: tuple[Any, int, Any], pool: Any, deadline: float | None) -> Worth:
    """One team's attribution on the shared `pool`, given up at `deadline`."""
    if deadline is not None and time.monotonic() >= deadline:
        return LATE
    world, seed, timeline = inputs
    try:
        job = AttributionJob(world, seed, timeline, pool=pool)
    except AttributionError as exc:
        return str(exc)
    while job.running:
        job.poll(timeout=0.5)
        if job.running and deadline is not None and time.monotonic() >= deadline:
            job.cancel()
            return LATE
    return job.result if job.result is not None else f"the replays failed ({job.error})"


def team_story(cl: Classroom, seat: Seat, worth: Worth) -> list[Any]:
    """The flowables of one team's handout (`worth`: what its decisions were worth, `team_worth`)."""
    room = cl.room
    sc = room.scenario
    debrief = views.team_debrief(room, seat)
    played = seat.model.quarter
    head: list[Any] = [
        _p(f"{seat.name}: {sc.title}", "team-title"),
        _p(f"Scenario {sc.name}, seed {room.seed}, room {room.code}; {played} of {sc.quarters} quarters played.", "sub"),
        Spacer(1, 6), _p(debrief["headline"]),
    ]
    out: list[Any] = head
    if cl.join_url:                     # the rejoin QR beside the title: the handout ends where its content does
        target = qr_target(cl)
        head.append(_p(f"Scan to reopen the room's page ({target}), room code {room.code}; join again with "
                       "your team name.", "url"))
        top = Table([[head, Image(_qr_png(target), width=2.8 * cm, height=2.8 * cm)]],
                    colWidths=[WIDTH - 3.2 * cm, 3.2 * cm], hAlign="LEFT")
        top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0)]))
        out = [top]
    out.append(_p("The goal, clause by clause", "h2"))
    rows: list[list[Any]] = [["Clause", "Yours", "Met?"]]
    marks = []
    for n, c in enumerate(debrief["clauses"], 1):
        rows.append([c["goal"], c["shown"], "met" if c["met"] else "missed"])
        marks.append(("TEXTCOLOR", (2, n), (2, n), colors.HexColor(MET_COLOUR if c["met"] else MISSED_COLOUR)))
    if len(rows) > 1:
        out.append(_table(rows, [WIDTH * 0.6, WIDTH * 0.25, WIDTH * 0.15], marks))
    else:
        out.append(_p("This scenario sets no goal."))
    chart = team_charts(room, seat)
    if chart is not None:
        out += [_p("Your results beside best practice", "h2"),
                _p("Solid: your team. Dashed: best practice on the same world and seed.", "small"), chart]
    if debrief["table"]:
        rows = [["Measure", "You", "Best practice"]] + [[r["measure"], r["you"], r["best"]] for r in debrief["table"]]
        out += [KeepTogether([_p("You and best practice", "h2"),
                              _table(rows, [WIDTH * 0.5, WIDTH * 0.25, WIDTH * 0.25])])]
    out.append(_p("Your decisions, quarter by quarter", "h2"))
    drows = decision_rows(seat)
    if drows:
        out.append(_table([["Quarter", "Lever", "Set to", "How"]] + [[f"Q{q}", lab, val, how] for q, lab, val, how in drows],
                          [WIDTH * 0.12, WIDTH * 0.4, WIDTH * 0.24, WIDTH * 0.24]))
    else:
        out.append(_p("You kept the starting policy all game, and no event imposed a value."))
    out += worth_story(worth)
    heading = _p("Mistakes and the claim behind each", "h2")
    if debrief["mistakes"]:
        for n, m in enumerate(debrief["mistakes"]):
            out.append(KeepTogether([heading] * (n == 0) + [          # the heading never ends a page alone
                Paragraph(f"<b>{escape(m['title'])}</b> ({escape(m['when'])})", STYLES["body"]),
                _p(f"Claim {m['claim']}: {m['lesson']}", "cell"),
                _p(f"Evidence: {m['evidence']}", "small") if m.get("evidence") else Spacer(1, 0),
                Spacer(1, 5)]))
    else:
        out += [heading, _p("None of the mistakes this debrief looks for.")]
    if debrief["fix"]:
        out.append(KeepTogether([_p("The fix, and when you followed it", "h2"),
                                 _table([["Fix", "You"]] + [[f["text"], f["since"]] for f in debrief["fix"]],
                                        [WIDTH * 0.7, WIDTH * 0.3])]))
    return out


def _footer(text: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#777777"))
        canvas.drawString(1.8 * cm, 1.0 * cm, text)
        canvas.drawRightString(A4[0] - 1.8 * cm, 1.0 * cm, f"page {doc.page}")
        canvas.restoreState()
    return draw


def _build(path: Path, story: list[Any], title: str, footer: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm,
                            topMargin=1.6 * cm, bottomMargin=1.8 * cm, title=title, author="partnersim")
    draw = _footer(footer)
    doc.build(story, onFirstPage=draw, onLaterPages=draw)
    return path


def team_pdf(cl: Classroom, seat: Seat, path: str | Path, worth: Worth | None = None) -> Path:
    """Write one team's handout to `path`: what its debrief showed, to take home and discuss.

    Args:
        cl: The classroom (its room, and the join address the QR encodes).
        seat: The team.
        path: Where the PDF goes (its folder is made).
        worth: What its decisions were worth (`team_worth`); None: work it out now.

    Returns:
        The path written.
    """
    sc = cl.room.scenario
    if worth is None:
        worth = team_worth(cl, [seat], budget=None)[seat.id]
    return _build(Path(path), team_story(cl, seat, worth), f"{seat.name}: {sc.title}",
                  f"partnersim · {sc.name} · seed {cl.room.seed} · {seat.name}")


# ---------------------------------------------------------------------- the class
def discussion_questions(scenario: str, doc: Path = FACILITATOR_DOC) -> tuple[str, list[str]]:
    """The scenario's section of the facilitator guide: its heading and its bullet lines
    (continuation lines joined). ("", []) if the guide or the section is missing."""
    try:
        lines = doc.read_text(encoding="utf-8").splitlines()
    except OSError:
        return "", []
    head = next((i for i, line in enumerate(lines) if line.startswith(f"### `{scenario}`")), None)
    if head is None:
        return "", []
    bullets: list[str] = []
    for line in lines[head + 1:]:
        if line.startswith("#"):
            break
        if line.startswith("- "):
            bullets.append(line[2:].strip())
        elif bullets and line.startswith("  ") and line.strip():
            bullets[-1] += " " + line.strip()
    title = lines[head].split(":", 1)[1].strip() if ":" in lines[head] else ""
    return title, bullets


# The class handout's data, whichever source it comes from: a room or replayed save files.
@dataclass(frozen=True)
class ClassTeam:
    """One team's game in the class handout.

    Attributes:
        name: The team's name.
        standing: Where it stands against the goal (`sim.standing`, the one ranking).
        frame: Its quarterly frame (the curves).
    """

    name: str
    standing: Standing
    frame: pd.DataFrame


@dataclass(frozen=True)
class ClassGroup:
    """The games played on one world (a scenario and a seed): one section of the class handout.

    Attributes:
        scenario: The scenario (its title, goal and discussion questions).
        seed: The world's seed.
        where: Where the games come from, in words (the room and quarters, or the save files).
        teams: The teams, best first, in the order the source ranks them.
        best: Best practice on the same world, as far as the longest game went.
    """

    scenario: Scenario
    seed: int
    where: str
    teams: tuple[ClassTeam, ...]
    best: pd.DataFrame


@dataclass(frozen=True)
class ClassReport:
    """The class handout: one section per world, a title and a footer line.

    Attributes:
        title: The PDF's title.
        footer: The line at the foot of every page.
        groups: The sections.
    """

    title: str
    footer: str
    groups: tuple[ClassGroup, ...]


def room_report(cl: Classroom) -> ClassReport:
    """A room as the class handout's data: its teams in leaderboard order (`cl.leaderboard`),
    best practice on its world with the events injected."""
    room = cl.room
    sc = room.scenario
    teams = []
    for r in cl.leaderboard():
        seat = room.seats[r["id"]]
        frame = seat.model.quarterly_frame()
        teams.append(ClassTeam(seat.name, standing(sc.win, sc.at_quarter, frame), frame))
    where = (f"Scenario {sc.name}, seed {room.seed}, room {room.code}; {room.quarter} of {sc.quarters} quarters "
             f"played by {len(room.seats)} teams.")
    group = ClassGroup(sc, room.seed, where, tuple(teams), views.best_frame(room))
    return ClassReport(f"Class results: {sc.title}", f"partnersim · {sc.name} · seed {room.seed} · room {room.code}",
                       (group,))


def saves_report(df: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> ClassReport:
    """`partnersim compare`'s replayed save files as the class handout's data.

    Games are grouped by (scenario, seed), one section each, sorted by scenario then seed;
    inside a section the teams keep compare's order (its ranking, `sim.compare.RANK_BY`, the
    leaderboard's). Each file's scenario (bundled or embedded, with its injected events) is read
    again from the save; best practice is drawn on the world of the section's longest game.

    Args:
        df: `sim.compare.compare_saves`'s table (a row per kept game, a `file` column).
        frames: Its quarterly frames, by file.
    """
    keyed: dict[tuple[str, int], list[tuple[str, Scenario, pd.DataFrame]]] = {}
    for row in df.to_dict("records"):
        _record, scenario = load_game(row["file"])
        frame = frames[row["file"]]
        keyed.setdefault((scenario.name, int(row["seed"])), []).append((str(row["team"]), scenario, frame))
    groups = []
    for (name, seed), games in sorted(keyed.items()):
        sc = max(games, key=lambda g: len(g[2]))[1]
        longest = max(len(g[2]) for g in games)
        played = sorted({len(g[2]) for g in games})
        quarters = f"{played[0]}" if len(played) == 1 else f"{played[0]} to {played[-1]}"
        where = (f"Scenario {name}, seed {seed}; {len(games)} saved game{'s' if len(games) != 1 else ''} "
                 f"replayed, {quarters} of {sc.quarters} quarters played.")
        teams = tuple(ClassTeam(team, standing(game_sc.win, game_sc.at_quarter, frame), frame)
                      for team, game_sc, frame in games)
        best = best_practice_model(sc, seed, max(1, longest)).quarterly_frame()
        groups.append(ClassGroup(sc, seed, where, teams, best))
    worlds = (", ".join(f"{g.scenario.name} seed {g.seed}" for g in groups) if len(groups) <= 3
              else f"{len(groups)} scenarios and seeds")
    title = f"Class results: {groups[0].scenario.title}" if len(groups) == 1 else "Class results"
    return ClassReport(title, f"partnersim compare · {len(df)} saved games · {worlds}", tuple(groups))


def class_charts(group: ClassGroup) -> Image | None:
    """Every team's partner share and cumulative net on one page, best practice dashed."""
    frames = [(t.name, t.frame) for t in group.teams if not t.frame.empty]
    if not frames:
        return None
    best = group.best
    fig, axes = plt.subplots(2, 1, figsize=(7.6, 8.6))
    for ax, metric in zip(axes, ("partner_share", "cumulative_net_contribution"), strict=True):
        for n, (name, f) in enumerate(frames):
            colour = OKABE_ITO[n % (len(OKABE_ITO) - 1)]          # black is best practice's
            ls = ("-", "-.", ":")[(n // (len(OKABE_ITO) - 1)) % 3]
            ax.plot(f["quarter"], f[metric], color=colour, lw=1.6, ls=ls, label=_label(name))
        ax.plot(best["quarter"], best[metric], color=OKABE_ITO[-1], lw=2.2, ls="--", label="Best practice")
        _axis(ax, metric, f"{METRICS[metric].label}, each quarter" if metric == "partner_share" else METRICS[metric].label)
        if len(frames) > 8:
            ax.legend(fontsize=6, frameon=False, ncol=3)
    fig.tight_layout()
    return _figure(fig, WIDTH * 0.95)


def board_rows(group: ClassGroup) -> list[list[str]]:
    """The leaderboard's rows: rank, team, goal clauses met and the figures the room's
    leaderboard shows (`classroom.views.figures`, so both sources format them alike)."""
    rows = []
    for rank, t in enumerate(group.teams, 1):
        st = t.standing
        goal = f"{st.clauses_met}/{len(st.clauses)} met" if st.clauses else "n/a"
        f = views.figures(st)
        rows.append([str(rank), t.name, goal, f["share"], f["net"], f["conflicts"], f["lost"]])
    return rows


def group_story(group: ClassGroup) -> list[Any]:
    """One world's section of the class handout: leaderboard, questions, then the curves."""
    sc = group.scenario
    out: list[Any] = [
        _p(f"Class results: {sc.title}", "title"), _p(group.where, "sub"),
        Spacer(1, 4), _p(f"The goal: {sc.goal_text()}"),
        _p("Leaderboard", "h2"),
    ]
    if group.teams:
        head = ["#", "Team", "Goal", "Partner share (last 4Q)", "Net contribution", "Conflicts", "Partners lost"]
        w = WIDTH
        out.append(_table([head, *board_rows(group)], [w * 0.06, w * 0.3, w * 0.1, w * 0.16, w * 0.14, w * 0.11, w * 0.13]))
        bf = views.figures(standing(sc.win, sc.at_quarter, group.best))
        out.append(Spacer(1, 3))
        out.append(_p(f"Best practice on this world: partner share {bf['share']}, net contribution {bf['net']}, "
                      f"{bf['conflicts']} conflicts, {bf['lost']} partners lost.", "small"))
    else:
        out.append(_p("No team joined this room."))
    title, questions = discussion_questions(sc.name)
    if questions:
        out += [_p("Discussion questions", "h2")]
        if title:
            out.append(_p(title, "sub"))
        out += [_markdown(q, prefix="• ") for q in questions]
    chart = class_charts(group)
    if chart is not None:
        out += [PageBreak(), _p("Every team's key curves", "h2"),
                _p("Each team's line in its own colour; best practice dashed in black.", "small"), chart]
    return out


def class_story(report: ClassReport) -> list[Any]:
    """The flowables of the class handout: each world's section, each from a new page."""
    out: list[Any] = []
    for n, group in enumerate(report.groups):
        out += ([PageBreak()] if n else []) + group_story(group)
    return out


def class_pdf(report: ClassReport, path: str | Path) -> Path:
    """Write the class handout to `path`: the leaderboard, every team's curves, the questions.

    Args:
        report: What to print (`room_report` or `saves_report`).
        path: Where the PDF goes (its folder is made).

    Returns:
        The path written.
    """
    return _build(Path(path), class_story(report), report.title, report.footer)


def compare_pdf(df: pd.DataFrame, frames: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """`partnersim compare --pdf FILE`: the class handout of replayed save files (the game's
    console script hands this to `sim.cli`, which never imports the classroom).

    Args:
        df: `sim.compare.compare_saves`'s table.
        frames: Its quarterly frames, by file.
        path: Where the PDF goes.

    Returns:
        The path written.
    """
    return class_pdf(saves_report(df, frames), path)


def write_handouts(cl: Classroom, out_dir: str | Path, *, budget: float | None = WORTH_BUDGET,
                   progress: Callable[[int, int], Any] | None = None,
                   worth: dict[int, Worth] | None = None) -> list[Path]:
    """Write class.pdf and one PDF per team (named as its save file) into `out_dir`.

    Args:
        cl: The classroom, usually after `end` (a game in progress prints as far as played).
        out_dir: The folder (made if missing).
        budget: Seconds the replays of "what each decision group was worth" may take at most
            (`team_worth`; None: no limit).
        progress: Called with (teams worked out, teams in all).
        worth: What each team's decisions were worth, already worked out (the server does it
            outside its lock); None: work it out here (`team_worth`).

    Returns:
        The paths written, class.pdf first.
    """
    out = Path(out_dir)
    seats = list(cl.room.seats.values())
    if worth is None:
        worth = team_worth(cl, seats, budget=budget, progress=progress)
    paths = [class_pdf(room_report(cl), out / "class.pdf")]
    for seat in seats:
        paths.append(team_pdf(cl, seat, out / f"{save_name(seat)}.pdf", worth[seat.id]))
    return paths
