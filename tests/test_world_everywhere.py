"""World settings everywhere: the market a policy acts in is set and varied the same way in
every interface (the Python API, Mesa's batch_run, `partnersim run --world`, a sweep spec's
`[uncertainties]` and `[fixed]`, `partnersim analyze`, `partnersim levers`, the EMA adapter),
each checked by `sim.world.WorldSettings`' own ranges and refused in one clear line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import format_table, main
from sim.errors import PartnersimError
from sim.policy import LEVERS
from sim.sweeps import SpecError, input_columns, load_spec, run_sweep, spec_from_dict
from sim.sweeps.design import design_points, runs
from sim.sweeps.store import ResultStore
from sim.world import WORLD_KEYS, WORLD_RANGES, WORLD_SETTINGS, WorldError, parse_world_assignment

TINY = {"scenario": "baseline", "quarters": 2, "replications": 1,
        "levers": {"direct_comp": ["neutral", "competing"]},
        "uncertainties": {"demand": {"low": 0.6, "high": 1.4}, "partner_pool": {"low": 60, "high": 280}},
        "fixed": {"world_scale": 0.5}}


# ------------------------------------------------------------------------- the Python API
def test_api_takes_world_settings_beside_levers() -> None:
    from sim import run
    from sim.api import build_model

    m = build_model("baseline", 0, world_scale=0.5, demand=0.8, partner_pool=200, direct_comp="neutral")
    assert (m.world.world_scale, m.world.demand, m.world.partner_pool) == (0.5, 0.8, 200)
    assert m.policy.direct_comp == "neutral"
    small = run("baseline", seed=1, quarters=2, world_scale=0.5, demand=0.8)
    assert list(small["quarter"]) == [1, 2]
    assert not small["revenue_total"].equals(run("baseline", seed=1, quarters=2)["revenue_total"])


@pytest.mark.parametrize("overrides, words", [
    ({"wrold_scale": 2}, ["'wrold_scale'", "levers: partner_regions", "world settings: world_scale"]),
    ({"world_scale": 100}, ["'world_scale'", "100", "number from 0.25 to 64"]),
    ({"partner_pool": 3.5}, ["'partner_pool'", "integer from 10 to 2,000"]),
    ({"demand": "high"}, ["'demand'", "number from 0.2 to 3"]),
])
def test_api_refuses_a_bad_key_or_value_in_one_line(overrides: dict, words: list[str]) -> None:
    from sim import run

    with pytest.raises(PartnersimError) as info:
        run("baseline", quarters=1, **overrides)
    msg = str(info.value)
    assert "\n" not in msg and all(w in msg for w in words), msg


def test_mesa_batch_run_sweeps_a_world_setting() -> None:
    import inspect

    import mesa

    from sim.model import PartnerProgramModel

    params: dict = {"world_scale": [0.25, 0.5]}
    if "rng" in inspect.signature(mesa.batch_run).parameters:     # Mesa 3.5+: seeds through rng
        extra: dict = {"rng": [0]}
    else:                                                          # Mesa 3.3: seed is a parameter
        params["seed"] = [0]
        extra = {"iterations": 1}
    rows = pd.DataFrame(mesa.batch_run(PartnerProgramModel, params, max_steps=13, number_processes=1,
                                       data_collection_period=-1, display_progress=False, **extra))
    assert sorted(rows["world_scale"]) == [0.25, 0.5] and (rows["quarter"] == 1).all()


# ------------------------------------------------------------------------- the command line
def test_cli_run_world_matches_the_api(capsys) -> None:
    from sim import run

    assert main(["run", "--quarters", "2", "--world", "world_scale=0.5", "--world", "demand=0.8",
                 "--set", "direct_comp=neutral"]) == 0
    expected = format_table(run("baseline", quarters=2, world_scale=0.5, demand=0.8, direct_comp="neutral"))
    assert capsys.readouterr().out.strip() == expected.strip()


@pytest.mark.parametrize("args, words", [
    (["--world", "wrold=2"], ["--world wrold=2", "unknown world setting 'wrold'", "world_scale, home_regions"]),
    (["--world", "world_scale=100"], ["--world world_scale=100", "'world_scale'", "number from 0.25 to 64"]),
    (["--world", "partner_pool=140.5"], ["--world partner_pool=140.5", "integer from 10 to 2,000"]),
    (["--world", "demand=lots"], ["--world demand=lots", "'lots'", "number from 0.2 to 3"]),
    (["--world", "demand"], ["--world demand", "SETTING=VALUE", "world_scale"]),
    (["--world", "enablement=0.5"], ["--world enablement=0.5", "is a lever", "--set enablement=0.5"]),
    (["--set", "world_scale=2"], ["--set world_scale=2", "is a world setting", "--world world_scale=2"]),
])
def test_cli_run_refuses_a_bad_world_setting(capsys, args: list[str], words: list[str]) -> None:
    assert main(["run", "--quarters", "1", *args]) == 2
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1 and err[0].startswith("partnersim: error: "), err
    assert all(w in err[0] for w in words), (words, err[0])


def test_cli_bad_world_exits_2_without_a_traceback() -> None:
    res = subprocess.run([sys.executable, "-m", "sim", "run", "--world", "world_scale=100"], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.startswith("partnersim: error: --world world_scale=100")


def test_parse_world_assignment_keeps_types() -> None:
    assert parse_world_assignment("world_scale=4") == ("world_scale", 4.0)
    assert parse_world_assignment(" partner_pool = 1e3") == ("partner_pool", 1000)
    assert isinstance(parse_world_assignment("home_regions=3")[1], int)
    with pytest.raises(WorldError, match="nan is not allowed"):
        parse_world_assignment("demand=nan")


def test_levers_lists_world_settings(capsys) -> None:
    from sim.world import WorldSettings

    assert main(["levers"]) == 0
    out = capsys.readouterr().out
    section = out[out.index("[World settings]"):]
    for name, field in WorldSettings.model_fields.items():
        setting = WORLD_SETTINGS[name]
        assert f"  {name} = " in section and setting.allowed() in section and field.description in section
    assert not any(f"  {lever} = " in section for lever in LEVERS)


# ------------------------------------------------------------------------- sweep specs
def test_spec_uncertainties_vary_by_the_rules_of_levers() -> None:
    spec = spec_from_dict({**TINY, "design": {"method": "grid"},
                           "uncertainties": {"demand": {"low": 0.6, "high": 1.4, "steps": 3},
                                             "partner_pool": [60, 280], "home_regions": {"values": [2, 4]}},
                           "fixed": {"world_scale": 0.5, "incentive": "aligned"}})
    assert [a.name for a in spec.uncertainties] == ["demand", "partner_pool", "home_regions"]
    assert spec.fixed == {"world_scale": 0.5, "incentive": "aligned"}
    points = design_points(spec)
    assert len(points) == 2 * 3 * 2 * 2
    assert sorted(points["demand"].unique()) == [0.6, 1.0, 1.4]
    assert points["partner_pool"].map(type).eq(int).all()
    run = runs(spec)[0]
    assert dict(run.levers) == {"direct_comp": "neutral"} and set(dict(run.world)) == {"demand", "partner_pool",
                                                                                       "home_regions"}
    assert spec_from_dict(spec.as_dict()) == spec                    # what the results folder keeps


@pytest.mark.parametrize("method, extra, n_points", [
    ("lhs", {"samples": 7}, 7),
    ("sobol", {"samples": 4}, 4 * (3 + 2)),           # Saltelli: N x (factors + 2); factors = 1 lever + 2 worlds
    ("morris", {"samples": 2, "levels": 4}, 2 * (3 + 1)),
])
def test_samplers_treat_levers_and_uncertainties_as_factors(method: str, extra: dict, n_points: int) -> None:
    spec = spec_from_dict({**TINY, "design": {"method": method, **extra}})
    points = design_points(spec)
    assert len(points) == n_points and list(points.columns) == ["point", "direct_comp", "demand", "partner_pool"]
    assert points["demand"].between(0.6, 1.4).all() and points["partner_pool"].between(60, 280).all()
    assert points["partner_pool"].map(type).eq(int).all()             # integers stay integers


def test_bad_uncertainties_are_all_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "spec.toml"
    path.write_text("""
scenario = "baseline"
[levers]
direct_comp = ["neutral", "competing"]
[uncertainties]
demnd = { low = 0.6, high = 1.4 }
partner_pool = { low = 60.5, high = 5000 }
world_scale = [0.1, 1.0]
offer_fit = { low = 1.2, high = 0.8 }
home_regions = [2, 2.5]
[fixed]
reseller_shar = 0.3
""")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    lines = str(info.value).splitlines()
    expected = [
        ("'uncertainties.demnd'", "unknown world setting (world settings: world_scale"),
        ("'uncertainties.partner_pool.low'", "integer from 10 to 2,000"),
        ("'uncertainties.partner_pool.high'", "5000 is not allowed"),
        ("'uncertainties.world_scale[1]'", "number from 0.25 to 64"),
        ("'uncertainties.offer_fit'", "low (1.2) must be below high (0.8)"),
        ("'uncertainties.home_regions[2]'", "integer from 1 to 8"),
        ("'fixed.reseller_shar'", "unknown lever or world setting"),
    ]
    for key, words in expected:
        assert any(key in ln and words in ln for ln in lines), (key, words, lines)
    assert all(ln.startswith(f"{path}: ") for ln in lines)


@pytest.mark.parametrize("raw, words", [
    ({"uncertainties": {"demand": [1.0]}, "fixed": {"demand": 1.2}}, "'fixed.demand': is also under [uncertainties]"),
    ({"uncertainties": {"demand": {"low": 0.6, "high": 1.4}}, "design": {"method": "grid"}},
     "'uncertainties.demand': a grid over a range needs steps"),
    ({"uncertainties": {"demand": [1.0]}, "design": {"method": "sobol", "samples": 4}},
     "sobol needs every world setting to vary over at least two values"),
    ({"uncertainties": {}, "levers": {}}, "nothing varies"),
    ({"uncertainties": {"enablement": [0.2, 0.4]}}, "'uncertainties.enablement': unknown world setting"),
])
def test_spec_rules_for_uncertainties(raw: dict, words: str) -> None:
    with pytest.raises(SpecError) as info:
        spec_from_dict({"scenario": "baseline", "levers": {"direct_comp": ["neutral", "competing"]}, **raw}, "s.toml")
    assert words in str(info.value), str(info.value)


def test_an_uncertainty_alone_may_vary() -> None:
    spec = spec_from_dict({"scenario": "best_practice", "uncertainties": {"demand": [0.6, 1.4]}})
    assert spec.axes == () and len(design_points(spec)) == 2


def test_spec_schema_shows_the_uncertainties(capsys) -> None:
    import json

    assert main(["schema", "spec"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "uncertainties" in schema["properties"]
    assert set(schema["$defs"]["Uncertainties"]["properties"]) == set(WORLD_KEYS)
    assert set(WORLD_KEYS) <= set(schema["$defs"]["Fixed"]["properties"])


# ------------------------------------------------------------------------- results and analysis
def test_a_sweep_over_uncertainties_records_ranks_and_resumes(tmp_path: Path, capsys) -> None:
    spec = spec_from_dict({**TINY, "design": {"method": "sobol", "samples": 2}})
    out = tmp_path / "res"
    counts = run_sweep(spec, out, workers=1, quiet=True, chunk=1)
    assert counts["runs"] == 2 * (3 + 2) and counts["failed"] == 0
    store = ResultStore(out)
    df = store.read()
    assert input_columns(store.meta()) == (["direct_comp"], ["demand", "partner_pool"])
    assert set(WORLD_KEYS) <= set(df.columns) and set(LEVERS) <= set(df.columns)
    assert (df["world_scale"] == 0.5).all() and df["demand"].between(0.6, 1.4).all()
    assert df["partner_pool"].dtype == "int64" and df["home_regions"].eq(4).all()
    # a lost part is run again on --resume, nothing else
    store.parts()[0].unlink()
    again = run_sweep(spec, out, workers=1, quiet=True, chunk=1, resume=True)
    assert again["runs"] == 1 and again["skipped"] == counts["runs"] - 1
    pd.testing.assert_frame_equal(store.read(), df)
    assert main(["analyze", str(out), "--plots", str(tmp_path / "plots"), "--pair", "demand", "direct_comp"]) == 0
    report = capsys.readouterr().out
    assert "Levers and uncertainties ranked by effect on revenue_partner (Sobol indices" in report
    table = report[report.index("Levers and uncertainties ranked"):report.index("plot:")].splitlines()
    kinds = {ln.split()[0]: ln.split()[1] for ln in table[2:] if ln.strip()}
    assert kinds == {"direct_comp": "lever", "demand": "uncertainty", "partner_pool": "uncertainty"}
    assert (tmp_path / "plots" / "interaction.png").exists()


def test_input_columns_of_older_results() -> None:
    old = {"spec": {"levers": {"direct_comp": ["neutral", "competing"]}}}
    assert input_columns(old) == (["direct_comp"], [])
    assert input_columns({}) == ([], [])


# ------------------------------------------------------------------------- the EMA Workbench
def test_ema_declares_the_world_settings() -> None:
    ema = pytest.importorskip("ema_workbench")
    from sim.ema import DEFAULT_UNCERTAINTIES, OUTCOMES, model

    default = model("baseline", quarters=1, levers=["direct_comp"])
    assert {u.name for u in default.uncertainties} == {"seed", *DEFAULT_UNCERTAINTIES}
    every = {u.name: u for u in model(levers=["direct_comp"], uncertainties="all").uncertainties}
    assert set(every) == {"seed", *WORLD_KEYS}
    for name, (low, high, tp) in WORLD_RANGES.items():
        u = every[name]
        assert (u.lower_bound, u.upper_bound) == (low, high)
        assert isinstance(u, ema.IntegerParameter if tp is int else ema.RealParameter), name
    m = model("baseline", quarters=1, levers={"direct_comp": ["neutral", "competing"]},
              uncertainties={"world_scale": (0.25, 0.5), "home_regions": [2, 4], "reseller_share": None})
    with ema.SequentialEvaluator(m) as evaluator:
        experiments, outcomes = ema.perform_experiments(m, scenarios=2, policies=1, evaluator=evaluator)
    assert experiments["world_scale"].between(0.25, 0.5).all() and set(experiments["home_regions"]) <= {2, 4}
    assert len(experiments) == 2 and set(outcomes) == set(OUTCOMES)
    assert (outcomes["partner_share_year"] >= 0).all() and (outcomes["partners_active"] >= 0).all()
    for bad, words in [({"wrold": (1, 2)}, "unknown world setting 'wrold'"),
                       ({"demand": (0.1, 1.0)}, "number from 0.2 to 3"),
                       ({"partner_pool": (100, 50)}, "low (100) must be below high (50)"),
                       (["enablement"], "'enablement' is a lever")]:
        with pytest.raises(WorldError) as info:
            model(uncertainties=bad)
        assert words in str(info.value)
