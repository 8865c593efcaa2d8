"""PDF handouts (issue 13): a small room plays 4 quarters and ends; every PDF renders page by page
with poppler's `pdftoppm`, and each team's PDF text holds its name, its net contribution as the
leaderboard formats it and each goal clause's shown value (the figures the room's models hold,
which the engine tests prove equal a `sim` replay). One team's name is markup, to prove text is
escaped; a policy event is injected, to prove imposed values are marked as such.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from classroom import views
from classroom.app import Classroom, open_classroom, save_name
from classroom.handouts import decision_rows, discussion_questions, write_handouts

NAMES = ("Alpha", "<b>x</b> & co", "Gamma")
QUARTERS = 4
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext") and shutil.which("pdfinfo")


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def play_room(tmp: Path) -> Classroom:
    cl, _key, _resumed = open_classroom(tmp / "c.sqlite", "baseline", 3)
    cl.join_url = "http://testserver/"
    seats = [cl.room.seats[run(cl.join(cl.room.code, n))["team"]] for n in NAMES]
    run(cl.act({"action": "start"}))
    choices = {1: [{"enablement": 0.8, "partner_team_size": 6}, {"direct_comp": "neutral"}, {}],
               3: [{"enablement": 0.9}, {"partner_team_size": 5}, {}]}
    for q in range(1, QUARTERS + 1):
        for seat, levers in zip(seats, choices.get(q, [{}] * len(seats)), strict=True):
            run(cl.submit(seat, {"quarter": cl.room.open_quarter, "revision": seat.revision, "levers": levers}))
        if q == 1:                          # after Q1's results: binds Q2
            run(cl.act({"action": "inject", "event": {
                "kind": "policy", "by": "the CRO", "message": "The CRO takes the big accounts direct",
                "changes": {"direct_takeover": True}}}))
        run(cl.act({"action": "advance" if q < QUARTERS else "end"}))
    assert cl.room.phase == "ended" and cl.room.quarter == QUARTERS
    return cl


# one game serves every test here: with `--dist loadgroup` they all run on one worker
pytestmark = pytest.mark.xdist_group("classroom-handouts")


@pytest.fixture(scope="module")
def handouts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Classroom, list[Path]]:
    tmp = tmp_path_factory.mktemp("handouts")
    cl = play_room(tmp)
    return cl, write_handouts(cl, tmp / "out")


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())          # wrapped lines and layout spacing do not split a figure


def test_files_are_named_class_and_one_per_team(handouts: tuple[Classroom, list[Path]]) -> None:
    cl, paths = handouts
    assert [p.name for p in paths] == ["class.pdf", *[f"{save_name(s)}.pdf" for s in cl.room.seats.values()]]
    assert all(p.read_bytes()[:5] == b"%PDF-" for p in paths)


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftoppm, pdftotext, pdfinfo) is not installed")
def test_every_page_renders_and_the_page_counts_are_sane(handouts: tuple[Classroom, list[Path]], tmp_path: Path) -> None:
    _cl, paths = handouts
    for pdf in paths:
        n = pages(pdf)
        assert 2 <= n <= 4, (pdf.name, n)        # class: board + questions, then the curves; team: 2-3 pages
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / pdf.stem)], check=True)
        pngs = sorted(tmp_path.glob(f"{pdf.stem}*.png"))
        assert len(pngs) == n and all(p.stat().st_size > 1000 for p in pngs), pdf.name


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) is not installed")
def test_each_team_pdf_holds_its_own_figures(handouts: tuple[Classroom, list[Path]]) -> None:
    cl, paths = handouts
    board = {r["id"]: r for r in cl.leaderboard()}
    by_name = {p.name: p for p in paths}
    for seat in cl.room.seats.values():
        text = text_of(by_name[f"{save_name(seat)}.pdf"])
        row = board[seat.id]
        assert seat.name in text, seat.name                     # escaped, so the markup shows as typed
        assert row["figures"]["net"] in text
        debrief = views.team_debrief(cl.room, seat)
        assert debrief["clauses"]
        for clause in debrief["clauses"]:
            assert clause["shown"] in text, clause
        assert "imposed by the CRO" in text and "Scan to reopen the room's page" in text
        for mistake in debrief["mistakes"]:
            assert f"Claim {mistake['claim']}" in text


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) is not installed")
def test_class_pdf_holds_the_board_and_the_questions(handouts: tuple[Classroom, list[Path]]) -> None:
    cl, paths = handouts
    text = text_of(paths[0])
    for r in cl.leaderboard():
        assert r["team"] in text and r["figures"]["net"] in text and r["figures"]["share"] in text
    _title, questions = discussion_questions("baseline")
    assert questions and "Which of your changes made the biggest difference" in text


def test_decisions_mark_chosen_and_imposed(handouts: tuple[Classroom, list[Path]]) -> None:
    cl, _ = handouts
    alpha = next(s for s in cl.room.seats.values() if s.name == "Alpha")
    rows = decision_rows(alpha)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert {(r[0], r[3]) for r in rows} == {(1, "chosen"), (3, "chosen"), (2, "imposed by the CRO")}


def test_missing_guide_or_section_gives_no_questions(tmp_path: Path) -> None:
    assert discussion_questions("baseline", tmp_path / "nope.md") == ("", [])
    doc = tmp_path / "f.md"
    doc.write_text("### `other`: Else\n- a question\n", encoding="utf-8")
    assert discussion_questions("baseline", doc) == ("", [])
    assert discussion_questions("other", doc) == ("Else", ["a question"])


def test_the_cli_writes_the_handouts_and_leaves_the_file_alone(handouts: tuple[Classroom, list[Path]],
                                                               tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """`partnersim classroom handouts --db FILE --out DIR` only reads the classroom file."""
    from game.cli import main

    cl, _ = handouts
    db = cl.store.path
    before = cl.store.db.execute("SELECT COUNT(*) FROM actions").fetchone()[0]
    keys = cl.store.db.execute("SELECT COUNT(*) FROM keys").fetchone()[0]
    assert main(["classroom", "handouts", "--db", str(db), "--out", str(tmp_path / "cli")]) == 0
    assert sorted(p.name for p in (tmp_path / "cli").glob("*.pdf")) == sorted(p.name for p in handouts[1])
    assert cl.store.db.execute("SELECT COUNT(*) FROM actions").fetchone()[0] == before
    assert cl.store.db.execute("SELECT COUNT(*) FROM keys").fetchone()[0] == keys
    assert main(["classroom", "handouts", "--db", str(tmp_path / "none.sqlite"), "--out", str(tmp_path)]) == 2
    assert "no such classroom file" in capsys.readouterr().err


def test_the_facilitator_page_downloads_them_zipped(handouts: tuple[Classroom, list[Path]]) -> None:
    import io
    import zipfile

    cl, files = handouts
    with zipfile.ZipFile(io.BytesIO(cl.export_handouts_zip())) as z:
        assert sorted(z.namelist()) == sorted(p.name for p in files)
        assert all(z.read(name).startswith(b"%PDF-") for name in z.namelist())
