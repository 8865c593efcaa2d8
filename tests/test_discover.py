"""Scenario discovery (`partnersim discover`, sim/sweeps/discover.py): PRIM finds a box planted
in synthetic sweep results, the CLI prints its table and draws the trade-off plot, and bad
input is refused in one line."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.sweeps.discover import DiscoverError, discover
from sim.sweeps.spec import spec_from_dict
from sim.sweeps.store import ResultStore

PLANT = 0.8       # partner share falls below 15% exactly when demand < PLANT and direct_comp is "competing"
SPEC = {"scenario": "best_practice", "quarters": 4, "replications": 1,
        "design": {"method": "random", "samples": 400},
        "levers": {"direct_comp": ["neutral", "competing"], "deal_registration": "both"},
        "uncertainties": {"demand": {"low": 0.4, "high": 1.6}, "partner_pool": {"low": 40, "high": 280},
                          "offer_fit": {"low": 0.4, "high": 1.3}}}


def planted_runs(n: int = 400, seed: int = 1) -> pd.DataFrame:
    """One row per run: inputs drawn at random, the outcome a step function of two of them."""
    rng = np.random.default_rng(seed)
    runs = pd.DataFrame({
        "demand": rng.uniform(0.4, 1.6, n),
        "partner_pool": rng.integers(40, 281, n),
        "offer_fit": rng.uniform(0.4, 1.3, n),
        "direct_comp": rng.choice(["neutral", "competing"], n),
        "deal_registration": rng.choice([True, False], n),
    })
    fail = (runs["demand"] < PLANT) & (runs["direct_comp"] == "competing")
    runs["partner_share"] = np.where(fail, 0.10, 0.30)
    return runs


KINDS = {"direct_comp": "lever", "deal_registration": "lever", "demand": "uncertainty",
         "partner_pool": "uncertainty", "offer_fit": "uncertainty"}


def test_planted_box_is_found() -> None:
    runs = planted_runs()
    found = discover(runs, "partner_share", 0.15, inputs=KINDS)
    assert found.of_interest == int((runs["partner_share"] < 0.15).sum())
    box = found.boxes[0]
    limits = {lim.name: lim for lim in box.limits}
    assert set(limits) == {"demand", "direct_comp"}, box.limits
    assert limits["demand"].low == pytest.approx(runs["demand"].min())       # not cut from below
    assert limits["demand"].high == pytest.approx(PLANT, abs=0.05)
    assert limits["direct_comp"].values == ("competing",)
    assert limits["demand"].kind == "uncertainty" and limits["direct_comp"].kind == "lever"
    assert box.coverage >= 0.95 and box.density >= 0.95 and box.reaches
    assert box.mass == pytest.approx(box.n / len(runs))
    t = box.trajectory
    assert t["coverage"].iloc[0] == 1.0 and t["res_dim"].iloc[0] == 0 and len(t) > 5


def test_above_with_a_whole_number_and_a_switch() -> None:
    runs = planted_runs(seed=2)
    runs["partner_share"] = np.where((runs["partner_pool"] >= 200) & runs["deal_registration"], 0.4, 0.2)
    found = discover(runs, "partner_share", 0.3, above=True, inputs=KINDS)
    limits = {lim.name: lim for lim in found.boxes[0].limits}
    assert set(limits) == {"partner_pool", "deal_registration"}, found.boxes[0].limits
    assert limits["partner_pool"].low == pytest.approx(200, abs=12) and limits["deal_registration"].values == ("true",)
    assert found.boxes[0].density >= 0.95 and found.boxes[0].coverage >= 0.9


def test_two_planted_boxes_are_found_in_turn() -> None:
    runs = planted_runs(n=600, seed=4)
    second = (runs["offer_fit"] > 1.0) & (runs["partner_pool"] < 120)
    runs.loc[second, "partner_share"] = 0.05
    found = discover(runs, "partner_share", 0.15, inputs=KINDS, boxes=3)
    assert len(found.boxes) >= 2
    # PRIM peels demand on the way to the second box by chance; its quasi-p shows it, so it is dropped
    named = [{lim.name for lim in box.limits} for box in found.boxes[:2]]
    assert {"demand", "direct_comp"} in named and {"offer_fit", "partner_pool"} in named, named
    assert sum(b.coverage for b in found.boxes[:2]) >= 0.9 and all(b.density >= 0.8 for b in found.boxes)
    assert all(lim.qp < 0.05 for b in found.boxes for lim in b.limits)


def write_results(folder: Path, runs: pd.DataFrame, meta: bool = True, quarters: int = 4) -> Path:
    """`runs` as a sweep's results folder: one row per run per quarter, and its metadata."""
    rows = []
    for i, run in runs.reset_index(drop=True).iterrows():
        for q in range(1, quarters + 1):
            rows.append({"run_id": f"r{i}", "point": i, "scenario": "best_practice", "seed": 0, "model_version": "t",
                         "quarter": q, "error": "", **run.to_dict(), "revenue_partner": 1e5 * run["partner_share"]})
    store = ResultStore(folder)
    store.prepare(resume=False)
    store.write(pd.DataFrame(rows))
    if meta:
        store.write_meta({"source": "spec.toml", "model_version": "t", "spec": spec_from_dict(SPEC).as_dict(),
                          "inputs": {"levers": list(SPEC["levers"]), "uncertainties": list(SPEC["uncertainties"])}})
    return folder


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_results(tmp_path_factory.mktemp("disc") / "results.parquet", planted_runs())


def test_cli_prints_the_table_and_writes_the_plot(results: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    plot = tmp_path / "tradeoff.png"
    assert main(["discover", str(results), "--outcome", "partner_share", "--threshold", "0.15",
                 "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "partner_share below 15%" in out and "Peeling trajectory of box 1" in out
    box = next(line for line in out.splitlines() if line.startswith("Box 1:"))
    assert "coverage 100%" in box or "coverage 99%" in box or "coverage 98%" in box, box
    demand = next(line for line in out.splitlines() if line.strip().startswith("demand "))
    high = re.search(r"at most (\d\.\d+)", demand)
    assert "uncertainty" in demand and high and float(high[1]) == pytest.approx(PLANT, abs=0.05), demand
    comp = next(line for line in out.splitlines() if line.strip().startswith("direct_comp "))
    assert "lever" in comp and "competing" in comp and "neutral, competing" in comp
    assert plot.stat().st_size > 5_000
    assert main(["discover", str(results), "--outcome", "partner_share", "--threshold", "0.15"]) == 0
    assert Path(str(results) + "-discover.png").stat().st_size > 5_000     # default: beside the results


def test_results_without_metadata_use_the_varied_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_results(tmp_path / "bare", planted_runs(n=300, seed=3), meta=False)
    assert main(["discover", str(folder), "--outcome", "partner_share", "--threshold", "0.15", "--quarter", "4",
                 "--plot", str(tmp_path / "p.png")]) == 0
    out = capsys.readouterr().out
    assert "mean over quarters 1-4" in out and "competing" in out


@pytest.mark.parametrize("args, words", [
    (["--outcome", "partner_share", "--threshold", "0.15"], "no sweep results"),             # folder swapped below
    (["--outcome", "partner_sahre", "--threshold", "0.15"], "'partner_sahre' is not a metric"),
    (["--outcome", "partner_share", "--threshold", "0.05"], "selects no run"),
    (["--outcome", "partner_share", "--threshold", "0.9"], "selects every run"),
    (["--outcome", "partner_share", "--threshold", "0.15", "--above", "--quarter", "9"], "--quarter 9"),
    (["--outcome", "partner_share", "--threshold", "lots"], "invalid float value"),
    (["--outcome", "partner_share", "--threshold", "0.15", "--min-density", "0"], "--min-density"),
    (["--outcome", "partner_share", "--threshold", "0.15", "--plot", "out.pdf"], ".png"),
    (["--threshold", "0.15"], "--outcome"),
])
def test_cli_refuses_bad_input(results: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               args: list[str], words: str) -> None:
    folder = tmp_path / "nothing-here" if words == "no sweep results" else results
    assert main(["discover", str(folder), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("partnersim: error:") and words in err and err.count("\n") == 1, err


def test_missing_ema_workbench_says_how_to_install(results: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for name in [m for m in sys.modules if m == "ema_workbench" or m.startswith("ema_workbench.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "ema_workbench", None)        # import ema_workbench -> ImportError
    with pytest.raises(DiscoverError, match=r"partnersim\[ema\]"):
        discover(planted_runs(n=50), "partner_share", 0.15, inputs=KINDS)
    assert main(["discover", str(results), "--outcome", "partner_share", "--threshold", "0.15"]) == 2
    assert "pip install 'partnersim[ema]'" in capsys.readouterr().err
