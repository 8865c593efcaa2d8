"""PDF handouts (issue 13): a small room plays 4 quarters and ends; every PDF renders page by page
with poppler's `pdftoppm`, and each team's PDF text holds its name, its net contribution as the
leaderboard formats it and each goal clause's shown value. Each team's exported save is replayed
with `sim.savegame.replay`: the PDF's figures and its "what each decision group was worth"
section equal that replay's, formatted by the same formatters, and `partnersim compare --pdf` on
the exported saves writes the class handout in compare's order. One team's name is markup, to
prove text is escaped; a policy event is injected, to prove imposed values are marked as such.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from classroom import handouts as handouts_module
from classroom import views
from classroom.app import Classroom, open_classroom, save_name
from classroom.handouts import decision_rows, discussion_questions, group_title, team_worth, write_handouts
from sim import units
from sim.attribution import Attribution, decision_values, player_timeline
from sim.debrief import best_practice_model, compare
from sim.savegame import load_game, replay
from sim.standing import standing

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
    return cl, write_handouts(cl, tmp / "out", budget=None)


@pytest.fixture(scope="module")
def saves(handouts: tuple[Classroom, list[Path]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The room's saves as the facilitator page exports them (saves.zip), unzipped."""
    cl, _ = handouts
    folder = tmp_path_factory.mktemp("saves")
    with zipfile.ZipFile(io.BytesIO(cl.export_saves_zip())) as z:
        z.extractall(folder)
    return folder


@pytest.fixture(scope="module")
def replayed(handouts: tuple[Classroom, list[Path]], saves: Path) -> dict[int, tuple[Any, Any, Attribution | None]]:
    """Each team's exported save replayed by `sim`: team id -> (model, scenario, attribution). What
    each group of decisions was worth is worked out from the replay for the first team (its
    timeline holds chosen and imposed values; 64 replays a team, so one stands for all: the
    others' replayed timelines are checked equal to the room's)."""
    cl, _ = handouts
    out = {}
    for n, seat in enumerate(cl.room.seats.values()):
        record, scenario = load_game(saves / f"{save_name(seat)}.json")
        model = replay(record, scenario)
        worth = decision_values(scenario, record.seed, player_timeline(model)) if n == 0 else None
        out[seat.id] = (model, scenario, worth)
    return out


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
        if pdf.name == "class.pdf":
            assert n == 2                           # board and questions, then the curves
        else:
            assert 2 <= n <= 3, (pdf.name, n)       # the debrief, the worth table, the QR
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
                                                               tmp_path: Path, capsys: pytest.CaptureFixture,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`partnersim classroom handouts --db FILE --out DIR` only reads the classroom file."""
    from game.cli import main

    cl, _ = handouts
    monkeypatch.setattr(handouts_module, "team_worth",          # the replays are tested above; here, the files
                        lambda cl, seats, **kw: {s.id: "not needed in this test" for s in seats})
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


def pdf_of(paths: list[Path], seat: Any) -> Path:
    return next(p for p in paths if p.name == f"{save_name(seat)}.pdf")


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) is not installed")
def test_each_team_pdf_equals_its_replayed_save(handouts: tuple[Classroom, list[Path]],
                                                replayed: dict[int, tuple[Any, Any, Attribution | None]]) -> None:
    """The figures in a team's PDF are its save's replay, formatted as the handout formats them."""
    cl, paths = handouts
    for seat in cl.room.seats.values():
        model, scenario, _ = replayed[seat.id]
        frame = model.quarterly_frame()
        assert frame.equals(seat.model.quarterly_frame())
        text = text_of(pdf_of(paths, seat))
        st = standing(scenario.win, scenario.at_quarter, frame)
        assert views.figures(st)["net"] in text
        for clause in st.clauses:
            assert clause.shown in text, clause
        best = best_practice_model(scenario, model.seed, model.quarter).quarterly_frame()
        for r in compare(frame, best).itertuples():
            assert f"{r.measure} {units.fmt(r.kind, r.player)} {units.fmt(r.kind, r.best)}" in text, r.measure


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) is not installed")
def test_the_worth_section_equals_sim_attribution(handouts: tuple[Classroom, list[Path]],
                                                  replayed: dict[int, tuple[Any, Any, Attribution | None]]) -> None:
    """Per lever group, what best practice's decisions add, as `sim.attribution` works it out from the
    replayed save (the same timeline, scenario and seed give the same replays); the room keeps it
    for the class debrief."""
    cl, paths = handouts
    for seat in cl.room.seats.values():
        model, scenario, from_save = replayed[seat.id]
        assert player_timeline(model) == player_timeline(seat.model) and scenario == cl.room.world
        a = cl.attribution[seat.id]
        if from_save is not None:
            assert from_save.groups == a.groups and from_save.replays == a.replays
            assert [m.values for m in from_save.measures] == [m.values for m in a.measures]
            assert [(m.player, m.best) for m in from_save.measures] == [(m.player, m.best) for m in a.measures]
        text = text_of(pdf_of(paths, seat))
        section = text[text.index("What each decision group was worth"):text.index("Mistakes and the claim")]
        assert a.groups and f"over {a.replays} replays" in section
        at = [section.index(group_title(g)) for g in a.groups]
        assert at == sorted(at)                                   # the panel's order
        for m in a.measures:
            assert m.fmt(m.player) in section and m.fmt(m.best) in section
            for g in a.groups:
                assert m.fmt_change(m.values[g]) in section, (seat.name, m.key, g)
        assert "What it means:" in section


def test_worth_is_bounded_in_time(handouts: tuple[Classroom, list[Path]], tmp_path: Path) -> None:
    """Out of time, a team's handout says why the section is missing instead of waiting."""
    cl, _ = handouts
    fresh = dataclasses.replace(cl, attribution={})
    worth = team_worth(fresh, budget=0)
    assert set(worth) == set(cl.room.seats)
    assert all(isinstance(w, str) and "partnersim classroom handouts" in w for w in worth.values())
    if POPPLER:
        seat = next(iter(cl.room.seats.values()))
        from classroom.handouts import team_pdf

        text = text_of(team_pdf(cl, seat, tmp_path / "t.pdf", worth[seat.id]))
        assert "What each decision group was worth Not worked out for this handout" in text


@pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")
def test_compare_pdf_ranks_as_compare_does(handouts: tuple[Classroom, list[Path]], saves: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture) -> None:
    """`partnersim compare --pdf` on the exported saves: the class handout, its leaderboard in
    compare's order with the room's figures; a save on another seed gets a section of its own."""
    from game.cli import main
    from sim.compare import compare_saves

    cl, _ = handouts
    folder = tmp_path / "saves"
    shutil.copytree(saves, folder)
    other = json.loads((folder / f"{save_name(next(iter(cl.room.seats.values())))}.json").read_text())
    other.update(team="Delta", seed=cl.room.seed + 1)
    (folder / "99-delta.json").write_text(json.dumps(other))
    pdf = tmp_path / "class.pdf"
    assert main(["compare", str(folder), "--no-attribution", "--pdf", str(pdf)]) == 0
    assert "class handout written to" in capsys.readouterr().out
    df, problems, _ = compare_saves([folder], attribution=False)
    assert not problems
    assert pages(pdf) == 4                                  # two worlds: board, then curves, each
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p*.png"))) == 4
    text = text_of(pdf)
    room_part, other_part = text.split(f"seed {cl.room.seed + 1};")
    assert f"seed {cl.room.seed};" in room_part and "Delta" in other_part and "Delta" not in room_part
    board = room_part[room_part.index("Leaderboard"):room_part.index("Best practice on this world")]
    order = [t for t in df["team"] if t != "Delta"]
    assert sorted(order, key=board.index) == order == [r["team"] for r in cl.leaderboard()]
    for r in cl.leaderboard():
        assert f"{r['team']} {r['clauses_met']}/{len(r['clauses'])} met {r['figures']['share']} {r['figures']['net']}" in board


def test_bad_pdf_paths_give_one_line_and_exit_2(saves: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from game.cli import main
    from sim.cli import main as sim_main

    (tmp_path / "folder.pdf").mkdir()
    cases = {"x.txt": "unknown format '.txt' (allowed: .pdf)", "nofolder/x.pdf": "does not exist",
             "folder.pdf": "is a directory"}
    for given, says in cases.items():
        assert main(["compare", str(saves), "--no-attribution", "--pdf", str(tmp_path / given)]) == 2, given
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("partnersim: error: --pdf") and says in err[0], err
    assert sim_main(["compare", str(saves), "--pdf", str(tmp_path / "x.pdf")]) == 2   # no writer given: sim alone
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--pdf is not available here" in err[0]
