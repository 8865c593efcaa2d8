"""The command line: readable output, files written, and one-line errors with exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

ENV = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "game", *args], capture_output=True, text=True,
                          env=env or ENV, timeout=120)


def assert_one_line_error(res: subprocess.CompletedProcess, *words: str) -> None:
    assert res.returncode != 0
    assert "Traceback" not in res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


def test_run_prints_table() -> None:
    res = cli("run", "--scenario", "baseline", "--seed", "2", "--quarters", "3")
    assert res.returncode == 0, res.stderr
    assert "partner $k" in res.stdout and "conflicts" in res.stdout
    assert len(res.stdout.strip().splitlines()) == 4


@pytest.mark.parametrize("ext", ["csv", "parquet", "json"])
def test_run_writes_file(tmp_path, ext: str) -> None:
    out = tmp_path / f"run.{ext}"
    res = cli("run", "--quarters", "2", "--set", "direct_comp=neutral", "--out", str(out))
    assert res.returncode == 0, res.stderr
    if ext == "csv":
        df = pd.read_csv(out)
    elif ext == "parquet":
        df = pd.read_parquet(out)
    else:
        df = pd.DataFrame(json.loads(out.read_text()))
    assert list(df.quarter) == [1, 2]
    assert {"revenue_total", "scenario", "seed"} <= set(df.columns)


def test_run_matches_python_api(tmp_path) -> None:
    from sim.api import run

    out = tmp_path / "cli.csv"
    assert cli("run", "--quarters", "2", "--seed", "5", "--out", str(out)).returncode == 0
    py = run("baseline", seed=5, quarters=2)
    pd.testing.assert_series_equal(pd.read_csv(out)["revenue_total"], py["revenue_total"])


@pytest.mark.parametrize(
    "args, words",
    [
        (["run", "--scenario", "atlantis"], ["unknown scenario 'atlantis'", "baseline"]),
        (["run", "--scenario", "missing/file.toml"], ["missing/file.toml"]),
        (["run", "--set", "enablement=high"], ["enablement", "'high'", "0 to 1"]),
        (["run", "--set", "comp=neutral"], ["unknown lever 'comp'"]),
        (["run", "--set", "direct_comp"], ["LEVER=VALUE"]),
        (["run", "--quarters", "0"], ["--quarters", "at least 1"]),
        (["run", "--quarters", "ten"], ["--quarters", "'ten'"]),
        (["run", "--seed", "-1"], ["--seed"]),
        (["run", "--out", "result.xlsx"], [".xlsx", ".csv, .parquet, .json"]),
        (["run", "--out", "/no/such/dir/x.csv"], ["/no/such/dir"]),
        (["fly"], ["invalid choice"]),
    ],
)
def test_bad_input_one_line_nonzero(args: list[str], words: list[str]) -> None:
    assert_one_line_error(cli(*args), *words)


def test_listings() -> None:
    res = cli("scenarios")
    assert res.returncode == 0 and "baseline" in res.stdout and "best_practice" in res.stdout
    res = cli("levers")
    assert res.returncode == 0
    from sim.policy import LEVERS

    for name in LEVERS:
        assert name in res.stdout


def test_play_without_display_says_so() -> None:
    env = {**ENV, "SDL_VIDEODRIVER": "dummy"}
    res = cli("play", env=env)
    assert res.returncode == 2
    assert "no display" in res.stderr and "partnersim run" in res.stderr
    assert "Traceback" not in res.stderr


def test_sim_never_imports_pygame_or_game() -> None:
    """`sim` runs without a display: none of its modules pull in pygame or the game."""
    code = ("import sys, sim.cli, sim.api, sim.savegame, sim.debrief, sim.facts, sim.model; "
            "bad = [m for m in sys.modules if m == 'pygame' or m == 'game' or m.startswith(('pygame.', 'game.'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr


def test_version() -> None:
    from sim import __version__

    res = cli("--version")
    assert res.returncode == 0, res.stderr
    assert res.stdout == f"partnersim {__version__}\n" and __version__ == "0.1.0"


def test_closed_pipe_ends_quietly() -> None:
    """`partnersim levers | head -1`: a reader that goes away is no error worth a message."""
    # the reader closes before the first line arrives: every write meets a closed pipe
    proc = subprocess.Popen([sys.executable, "-m", "game", "levers"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=ENV)
    proc.stdout.close()
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert err == b"" and proc.returncode == 1
    # and through a shell, the way people write it
    res = subprocess.run(f"'{sys.executable}' -m game levers | head -1", shell=True, capture_output=True,
                         text=True, env=ENV, timeout=120)
    assert res.stdout == "[direct sales]\n" and res.stderr == ""


def test_unusable_output_path_is_one_line(tmp_path) -> None:
    folder = tmp_path / "taken.csv"
    folder.mkdir()
    assert_one_line_error(cli("run", "--quarters", "1", "--out", str(folder)), str(folder), "not a folder")
    res = cli("compare", str(tmp_path / "nowhere"))
    assert res.returncode == 2
    assert_one_line_error(res, "partnersim: error:", "nowhere")


def test_every_user_error_is_a_partnersim_error_and_a_bug_is_not_hidden(monkeypatch) -> None:
    """The CLI prints PartnersimErrors as one line; anything else is a bug and raises."""
    from sim import cli as sim_cli
    from sim.errors import PartnersimError

    assert issubclass(sim_cli.CliError, PartnersimError)

    def broken(args):
        raise ValueError("a genuine bug in numpy or pandas")

    monkeypatch.setattr(sim_cli, "cmd_levers", broken)
    with pytest.raises(ValueError, match="genuine bug"):
        sim_cli.main(["levers"])
    assert sim_cli.main(["run", "--quarters", "0"]) == 2
