"""Comparing teams' saved games: replayed, judged, deduplicated, bad files reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.compare import compare_saves, format_comparison
from sim.playtest import play
from sim.savegame import GameRecord
from sim.scenario import load_scenario


def workshop(tmp_path: Path) -> Path:
    """Two teams on push_not_support (one follows the fix), one unfinished baseline game,
    an older autosave of team Blue, and a stray file."""
    sc = load_scenario("push_not_support")
    red = GameRecord("push_not_support", 3, "Red", quarters_played=12)
    blue = GameRecord("push_not_support", 3, "Blue", quarters_played=12)
    for q in range(1, 13):
        if q == 1 or any(e.quarter == q - 1 for e in sc.events):
            blue.decide(q, dict(sc.fix))
    (tmp_path / "red").mkdir(parents=True)
    (tmp_path / "blue").mkdir()
    red.save(tmp_path / "red" / "red.json")
    blue.save(tmp_path / "blue" / "blue.json")
    early = GameRecord("push_not_support", 3, "Blue", quarters_played=2)
    early.save(tmp_path / "blue" / "blue-old.json")
    GameRecord("baseline", 0, "Green", quarters_played=3).save(tmp_path / "green.json")
    (tmp_path / "red" / "notes.json").write_text('{"hello": 1}')
    return tmp_path


def test_compare_replays_judges_and_reports(tmp_path: Path) -> None:
    df, problems, frames = compare_saves([workshop(tmp_path)], attribution=False)   # tests/test_attribution.py
    assert sorted(df["team"]) == ["Blue", "Green", "Red"]              # Blue's older autosave dropped
    blue = df[df.team == "Blue"].iloc[0]
    assert blue["quarters"] == 12
    # the replay is the model's own run: the same as playing the fix headless
    sc = load_scenario("push_not_support")
    expected = play(sc, 3, fix=True).quarterly_frame()
    assert frames[blue["file"]]["revenue_partner"].tolist() == expected["revenue_partner"].tolist()
    assert blue["goal"] == ("met" if sc.won(expected) else "missed")
    red = df[df.team == "Red"].iloc[0]
    assert red["goal"] == ("met" if sc.won(play(sc, 3).quarterly_frame()) else "missed")
    assert "C16" in red["mistakes"] and "C16" not in blue["mistakes"]   # pressure quarters are imposed
    assert df[df.team == "Green"].iloc[0]["goal"] == "in progress"
    assert len(problems) == 1 and "notes.json" in problems[0] and "'hello'" in problems[0]
    table = format_comparison(df)
    assert "Red" in table and "best-practice partner $k" in table


def test_cli_compare_writes_table_and_chart(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "saves")
    chart, out = tmp_path / "cmp.png", tmp_path / "cmp.csv"
    res = subprocess.run([sys.executable, "-m", "sim", "compare", str(folder), "--chart", str(chart),
                          "--out", str(out), "--no-attribution"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 1                      # one stray file: reported, exit non-zero
    assert "notes.json" in res.stderr and "Traceback" not in res.stderr
    assert "Blue" in res.stdout and chart.stat().st_size > 10_000 and out.read_text().count("\n") == 4
    res = subprocess.run([sys.executable, "-m", "sim", "compare", str(tmp_path / "nowhere")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "nowhere" in res.stderr and res.stderr.count("\n") == 1


def test_compare_replays_an_embedded_scenario_and_refuses_paths(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from game.session import GameSession
    from sim import cli

    src = Path(__file__).parent.parent / "scenarios" / "baseline.toml"
    scen = tmp_path / "mine.toml"
    scen.write_text(src.read_text().replace('name = "baseline"', 'name = "mine"'))
    s = GameSession(load_scenario(scen), 2, "Teal")
    s.play_quarter()
    folder = tmp_path / "round1"
    s.save_as(folder / "teal.json")
    scen.unlink()                                   # compare needs no scenario file
    for name, ref in (("passwd", "../../etc/passwd"), ("host", "/etc/hostname")):
        GameRecord(ref, 0, name.title(), quarters_played=1).save(folder / f"{name}.json")
    df, problems, frames = compare_saves([folder], attribution=False)
    assert df["team"].tolist() == ["Teal"] and df.iloc[0]["scenario"] == "mine"
    assert frames[df.iloc[0]["file"]]["revenue_partner"].tolist() == s.frame()["revenue_partner"].tolist()
    assert len(problems) == 2 and all("never names a scenario file" in p for p in problems)
    assert cli.main(["compare", str(folder), "--no-attribution"]) == 1
    out, err = capsys.readouterr()
    assert "Teal" in out and "mine" in out
    assert "host.json: 'scenario': '/etc/hostname' is not allowed" in err and "Traceback" not in err
