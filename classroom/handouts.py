"""PDF handouts after a classroom game: one for each team and one for the class (issue 13).

A team leaves with what its debrief page showed, on paper: the goal clause by clause, its
charts beside best practice on the same world, its decisions quarter by quarter (its own or
imposed by an event), the mistakes it made with the claim behind each, the you-vs-best table
and a QR that reopens the room's page. The facilitator gets the leaderboard, every team's key
curves on one page and the scenario's discussion questions. Nothing here computes an outcome:
figures come from `classroom.views` (the same functions the pages use) and are formatted by
`sim.units`, `sim.metrics.METRICS` and `sim.policy.LEVERS`. Text stays text (reportlab
Paragraphs with team names escaped), so `pdftotext` reads every figure back.
"""

from __future__ import annotations

import io
import re
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
from sim.metrics import METRICS, OKABE_ITO  # noqa: E402
from sim.policy import LEVERS  # noqa: E402

FACILITATOR_DOC = Path(__file__).resolve().parents[1] / "docs" / "facilitator.md"
WIDTH = A4[0] - 3.6 * cm          # the frame's width inside the margins
_SS = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("h-title", parent=_SS["Title"], fontSize=18, leading=22, spaceAfter=4),
    "sub": ParagraphStyle("h-sub", parent=_SS["Normal"], fontSize=10, leading=13, textColor=colors.HexColor("#444444")),
    "h2": ParagraphStyle("h-h2", parent=_SS["Heading2"], fontSize=13, leading=16, spaceBefore=10, spaceAfter=4),
    "body": ParagraphStyle("h-body", parent=_SS["Normal"], fontSize=9.5, leading=12.5),
    "cell": ParagraphStyle("h-cell", parent=_SS["Normal"], fontSize=8.5, leading=10.5),
    "small": ParagraphStyle("h-small", parent=_SS["Normal"], fontSize=8, leading=10, textColor=colors.HexColor("#555555")),
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


def _axis(ax: plt.Axes, metric: str, title: str) -> None:
    unit = METRICS[metric].unit
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("Quarter", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: units.fmt(unit, v)))
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


def team_story(cl: Classroom, seat: Seat) -> list[Any]:
    """The flowables of one team's handout."""
    room = cl.room
    sc = room.scenario
    debrief = views.team_debrief(room, seat)
    played = seat.model.quarter
    out: list[Any] = [
        _p(f"{seat.name}: {sc.title}", "title"),
        _p(f"Scenario {sc.name}, seed {room.seed}, room {room.code}; {played} of {sc.quarters} quarters played.", "sub"),
        Spacer(1, 6), _p(debrief["headline"]),
    ]
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
        out.append(_p("The fix, and when you followed it", "h2"))
        out.append(_table([["Fix", "You"]] + [[f["text"], f["since"]] for f in debrief["fix"]],
                          [WIDTH * 0.7, WIDTH * 0.3]))
    if cl.join_url:
        target = qr_target(cl)
        qr = Image(_qr_png(target), width=3.2 * cm, height=3.2 * cm)
        note = Table([[qr, [_p("Scan to reopen the room's page", "body"), _p(target, "small"),
                            _p(f"Room code {room.code}; join again with your team name.", "small")]]],
                     colWidths=[3.6 * cm, WIDTH - 3.6 * cm], hAlign="LEFT")
        note.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        out += [Spacer(1, 10), KeepTogether(note)]
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


def team_pdf(cl: Classroom, seat: Seat, path: str | Path) -> Path:
    """Write one team's handout to `path`: what its debrief showed, to take home and discuss.

    Args:
        cl: The classroom (its room, and the join address the QR encodes).
        seat: The team.
        path: Where the PDF goes (its folder is made).

    Returns:
        The path written.
    """
    sc = cl.room.scenario
    return _build(Path(path), team_story(cl, seat), f"{seat.name}: {sc.title}",
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


def class_charts(cl: Classroom) -> Image | None:
    """Every team's partner share and cumulative net on one page, best practice dashed."""
    room = cl.room
    frames = [(s.name, s.model.quarterly_frame()) for s in room.seats.values()]
    frames = [(n, f) for n, f in frames if not f.empty]
    if not frames:
        return None
    best = _played(room, max((f for _, f in frames), key=len))
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


def class_story(cl: Classroom) -> list[Any]:
    """The flowables of the class handout."""
    room = cl.room
    sc = room.scenario
    board = cl.leaderboard()
    out: list[Any] = [
        _p(f"Class results: {sc.title}", "title"),
        _p(f"Scenario {sc.name}, seed {room.seed}, room {room.code}; {room.quarter} of {sc.quarters} quarters "
           f"played by {len(room.seats)} teams.", "sub"),
        Spacer(1, 4), _p(f"The goal: {sc.goal_text()}"),
        _p("Leaderboard", "h2"),
    ]
    if board:
        rows: list[list[Any]] = [["#", "Team", "Goal", "Partner share (last 4Q)", "Net contribution",
                                  "Conflicts", "Partners lost"]]
        for r in board:
            goal = f"{r['clauses_met']}/{len(r['clauses'])} met" if r["clauses"] else "n/a"
            f = r["figures"]
            rows.append([str(r["rank"]), r["team"], goal, f["share"], f["net"], f["conflicts"], f["lost"]])
        w = WIDTH
        out.append(_table(rows, [w * 0.06, w * 0.3, w * 0.1, w * 0.16, w * 0.14, w * 0.11, w * 0.13]))
        best_st = views.standing(sc.win, sc.at_quarter, views.best_frame(room))
        bf = views.figures(best_st)
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
    chart = class_charts(cl)
    if chart is not None:
        out += [PageBreak(), _p("Every team's key curves", "h2"),
                _p("Each team's line in its own colour; best practice dashed in black.", "small"), chart]
    return out


def class_pdf(cl: Classroom, path: str | Path) -> Path:
    """Write the class handout to `path`: the leaderboard, every team's curves, the questions.

    Args:
        cl: The classroom.
        path: Where the PDF goes (its folder is made).

    Returns:
        The path written.
    """
    sc = cl.room.scenario
    return _build(Path(path), class_story(cl), f"Class results: {sc.title}",
                  f"partnersim · {sc.name} · seed {cl.room.seed} · room {cl.room.code}")


def write_handouts(cl: Classroom, out_dir: str | Path) -> list[Path]:
    """Write class.pdf and one PDF per team (named as its save file) into `out_dir`.

    Args:
        cl: The classroom, usually after `end` (a game in progress prints as far as played).
        out_dir: The folder (made if missing).

    Returns:
        The paths written, class.pdf first.
    """
    out = Path(out_dir)
    paths = [class_pdf(cl, out / "class.pdf")]
    for seat in cl.room.seats.values():
        paths.append(team_pdf(cl, seat, out / f"{save_name(seat)}.pdf"))
    return paths
