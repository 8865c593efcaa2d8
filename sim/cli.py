"""partnersim's command line: run a scenario, list and check scenarios, list levers, compare
saved games (the game adds `play`).

Every bad input ends in one line, `partnersim: error: ...`, naming the thing and what is
allowed, and exit code 2: a `PartnersimError` (bad levers, world settings, scenario files,
sweep specs, results folders, saved games, arguments) or a path the user gave that cannot be
read or written. Anything else is a bug and ends in a traceback. Output cut short by a closed
pipe (`partnersim levers | head -3`) ends quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sim import __version__
from sim.errors import PartnersimError
from sim.limits import MAX_QUARTERS
from sim.policy import LEVER_GROUPS, LEVERS, parse_assignment

OUT_FORMATS = (".csv", ".parquet", ".json")
TABLE_COLUMNS = {
    "quarter": "Q",
    "revenue_direct": "direct $k",
    "revenue_partner": "partner $k",
    "partner_share": "partner %",
    "conflicts": "conflicts",
    "partners_active": "active",
    "partners_recruited": "signed",
    "partners_churned": "left",
    "partner_satisfaction_mean": "satisfaction",
    "partner_net_contribution": "net $k",
    "forecast_error_partner": "fcst err",
    "program_cut": "cut",
}


class CliError(PartnersimError):
    """A user error: printed as one line, exit code 2."""


# The OSErrors that mean a path the user gave cannot be used, and what to do about each.
# Any other OSError (a full disk, a dead network share) is not the user's typo: traceback.
FILE_ERRORS: dict[type[OSError], str] = {
    FileNotFoundError: "check the path",
    PermissionError: "check its permissions or choose another path",
    IsADirectoryError: "give a file name, not a folder",
    NotADirectoryError: "part of that path is a file, not a folder",
    FileExistsError: "choose another path",
}


@contextmanager
def user_paths(flag: str = "") -> Iterator[None]:
    """Turn a path the user gave (with `flag`, e.g. "--out") that cannot be read or written
    into a one-line CliError naming the path and what to do."""
    try:
        yield
    except tuple(FILE_ERRORS) as exc:
        if exc.filename is None:          # raised by partnersim with a full message already
            raise CliError(str(exc)) from None
        hint = next(h for cls, h in FILE_ERRORS.items() if isinstance(exc, cls))
        reason = (exc.strerror or type(exc).__name__).lower()
        where = f"{flag} {exc.filename}" if flag else str(exc.filename)
        raise CliError(f"{where}: {reason}; {hint}") from None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other error
        raise CliError(message)


def _whole_number(low: int, high: int | None = None):
    """An argparse type: a whole number of at least `low` (and at most `high`)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} must be at least {low}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"{value} is not allowed (allowed: {low} to {high})")
        return value
    return parse


def _world_scale(text: str) -> float:
    """An argparse type: a world scale, in the range the world allows."""
    from sim.world import WORLD_SETTINGS, WorldError

    try:
        return float(WORLD_SETTINGS["world_scale"].parse(text))
    except WorldError as exc:
        raise argparse.ArgumentTypeError(str(exc).split(": ", 1)[-1]) from None


def _share_above_zero(text: str) -> float:
    """An argparse type: a share in (0, 1] (discover's --min-density)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not allowed (allowed: above 0, at most 1)")
    return value


_positive_int = _whole_number(1)
_seed = _whole_number(0)
seed_type = _seed   # public: the game's `play` command parses --seed the same way

# Extra subcommands from outside `sim` (the game adds `play`): name -> (help, add_arguments, handler).
Extra = dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]]
# `compare --pdf`'s writer, from outside `sim` (the class handout is the classroom's layout):
# (compare's table, its quarterly frames by file, the PDF's path) -> the path written.
PdfWriter = Callable[[Any, dict[str, Any], Path], Path]


def build_parser(extra: Extra | None = None) -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per job (plus `extra` ones)."""
    p = _Parser(prog="partnersim", description="A partner-program simulation: model, CLI and game.")
    p.add_argument("--version", action="version", version=f"partnersim {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    r = sub.add_parser("run", help="run a scenario and print the quarterly table",
                       description="Run a scenario for some quarters and print a table; "
                                   "--out writes every metric to CSV, Parquet or JSON.")
    r.add_argument("--scenario", default="baseline", help="scenario name or path to a .toml file")
    r.add_argument("--seed", type=_seed, default=0, help="world seed (default 0)")
    r.add_argument("--quarters", type=_positive_int, default=12, help="quarters to run (default 12)")
    r.add_argument("--set", dest="sets", action="append", default=[], metavar="LEVER=VALUE",
                   help="override a lever (repeatable); see `partnersim levers`")
    r.add_argument("--world", dest="world", action="append", default=[], metavar="SETTING=VALUE",
                   help="override a world setting (repeatable), e.g. --world world_scale=4 --world demand=0.8; "
                        "see `partnersim levers`")
    r.add_argument("--out", help="write all metrics to FILE.csv, FILE.parquet or FILE.json")

    s = sub.add_parser("scenarios", help="list scenarios, validate a file, or check what they teach",
                       description="List bundled scenarios with their titles; --validate FILE reports every "
                                   "problem in a scenario file; --check plays each scenario as given, "
                                   "with its recommended fix and with its lesson's levers alone over many "
                                   "seeds and prints the win rates.")
    s.add_argument("--validate", metavar="FILE", help="report every problem in a scenario file")
    s.add_argument("--check", nargs="*", metavar="SCENARIO",
                   help="win rate as given, with the fix and with the lesson alone, for the named scenarios "
                        "(default: all bundled)")
    s.add_argument("--seeds", type=_positive_int, default=20, help="seeds per scenario for --check (default 20)")
    s.add_argument("--workers", type=_positive_int, default=None,
                   help="processes for --check (default: all cores)")

    w = sub.add_parser("sweep", help="run a policy sweep from a spec file (resumable)",
                       description="Run every design point of a sweep spec at every seed on all local cores "
                                   "(or a Dask cluster), streaming one row per run per quarter to a Parquet folder.")
    w.add_argument("spec", metavar="SPEC.toml", help="the sweep spec (see docs/research.md)")
    w.add_argument("--workers", type=_positive_int, default=None, help="local worker processes (default: all cores)")
    w.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask scheduler instead")
    w.add_argument("--out", default="results.parquet", help="results folder (default results.parquet)")
    w.add_argument("--resume", action="store_true", help="continue a sweep: skip runs already in --out")
    w.add_argument("--quiet", action="store_true", help="no progress bar")
    w.add_argument("--chunk", type=_positive_int, default=None,
                   help="runs per task (default: about half a second of work each)")

    o = sub.add_parser("optimize", help="search the levers for the policy that does best across sampled worlds",
                       description="Search a spec's [levers] for its [objective] (the mean, a low percentile or "
                                   "the regret of a metric over worlds drawn from its [uncertainties] and seeds) with "
                                   "Optuna: TPE for one objective, NSGA-II for two. Trials stream to a Parquet "
                                   "folder as a sweep's runs do; --resume carries a killed search on.")
    o.add_argument("spec", metavar="SPEC.toml", help="a sweep spec with an [objective] table (see docs/research.md)")
    o.add_argument("--out", default="optimize.parquet", help="results folder (default optimize.parquet)")
    o.add_argument("--trials", type=_positive_int, default=None, help="policies to try (default: the spec's)")
    o.add_argument("--workers", type=_positive_int, default=None, help="local worker processes (default: all cores)")
    o.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run the worlds on this Dask scheduler instead")
    o.add_argument("--resume", action="store_true", help="continue the search stored in --out")
    o.add_argument("--plot", metavar="FILE.png", default=None,
                   help="the trade-off (two objectives) or the search's progress (default: OUT-search.png)")
    o.add_argument("--quiet", action="store_true", help="no progress lines")

    a = sub.add_parser("analyze", help="summarise sweep results: means with CIs, lever ranking, plots",
                       description="Per-design-point means with 95% confidence intervals across seeds, the "
                                   "levers and uncertainties (world settings) ranked side by side by effect on "
                                   "an outcome (Sobol or Morris indices when the design supports them), and PNG "
                                   "plots.")
    a.add_argument("results", metavar="RESULTS", help="a results folder written by `partnersim sweep`")
    a.add_argument("--outcome", default=None, help="metric to analyse (default: the spec's, else revenue_partner)")
    a.add_argument("--quarter", type=_positive_int, default=None,
                   help="quarter the outcome is read at (default: the last; the outcome is the metric's "
                        "mean over the four quarters ending there)")
    a.add_argument("--plots", metavar="FOLDER", default=None, help="folder for the PNG plots (default: RESULTS-plots)")
    a.add_argument("--pair", nargs=2, metavar=("INPUT", "INPUT"),
                   help="the two levers or uncertainties of the interaction heat-map")

    d = sub.add_parser("discover", help="scenario discovery (PRIM): where in the inputs an outcome falls below a threshold",
                       description="Find the boxes of levers and uncertainties (world settings) where a sweep's "
                                   "outcome falls below (--above: above) a threshold, with PRIM (the EMA Workbench: "
                                   "pip install 'partnersim[ema]'): each box's peeling trajectory, its limits, "
                                   "coverage, density and mass, and a coverage-density trade-off plot.")
    d.add_argument("results", metavar="RESULTS", help="a results folder written by `partnersim sweep`")
    d.add_argument("--outcome", required=True, help="the metric (e.g. partner_share)")
    d.add_argument("--threshold", type=float, required=True,
                   help="a run is of interest when its outcome is below this (e.g. 0.15 for 15%%)")
    d.add_argument("--above", action="store_true", help="look for runs above the threshold instead")
    d.add_argument("--quarter", type=_positive_int, default=None,
                   help="quarter the outcome is read at, as `analyze` reads it: its mean over the four "
                        "quarters ending there (default: the last)")
    d.add_argument("--plot", metavar="FILE.png", default=None, help="the trade-off plot (default: RESULTS-discover.png)")
    d.add_argument("--boxes", type=_whole_number(1, 10), default=1,
                   help="boxes to seek, each among the runs the earlier ones leave out (default 1)")
    d.add_argument("--min-density", type=_share_above_zero, default=0.8,
                   help="density a box must reach, 0 to 1 (default 0.8)")

    c = sub.add_parser("compare", help="replay teams' saved games and compare them",
                       description="Replay every saved game in the files and folders given (a workshop's "
                                   "collected partnersim-saves folders), judge each against its scenario's "
                                   "goal and print one row per team, best-practice revenue beside it.")
    c.add_argument("paths", nargs="+", metavar="SAVE_OR_FOLDER", help="save-game .json files or folders of them")
    c.add_argument("--out", help="also write the table to FILE.csv, FILE.parquet or FILE.json")
    c.add_argument("--chart", metavar="FILE.png", help="also draw partner revenue per team per quarter")
    c.add_argument("--pdf", metavar="FILE.pdf", help="also write the class handout: the leaderboard, every team's "
                   "key curves and the scenario's discussion questions, a section per scenario and seed")
    c.add_argument("--no-attribution", action="store_true",
                   help="skip what each group of decisions was worth (it replays each game once per "
                        "combination of the lever groups that differ from best practice: up to 64 replays)")

    lv = sub.add_parser("levers", help="list every lever with its range and help; --effects: the lever atlas",
                        description="Every lever, grouped, with allowed values, default and meaning, then the "
                                    "world settings (the market: `run --world`, a spec's [uncertainties]). --effects "
                                    "prints the lever atlas instead: each lever's effect, one at a time, on partner "
                                    "revenue, conflicts, partners lost, satisfaction and program cost, from each "
                                    "start scenario, with 95% intervals over paired seeds (sim/atlas.py).")
    lv.add_argument("--effects", action="store_true", help="measure every lever's effect (the lever atlas)")
    lv.add_argument("--from", dest="starts", nargs="+", metavar="SCENARIO", default=None,
                    help="start scenario(s) for --effects (default: baseline best_practice)")
    lv.add_argument("--seeds", type=_whole_number(2), default=None, help="paired seeds 0..N-1 (default 20)")
    lv.add_argument("--quarters", type=_whole_number(1, MAX_QUARTERS), default=None,
                    help="quarters per run (default 12, the scenarios' length)")
    lv.add_argument("--scale", type=_world_scale, default=None,
                    help="world scale; the program grows with it (default 1)")
    lv.add_argument("--workers", type=_whole_number(1, 2), default=None,   # 2: sim.attribution.MAX_WORKERS
                    help="worker processes, 1 or 2 (default 2)")
    lv.add_argument("--out", help="also write the atlas to FILE.csv, FILE.parquet or FILE.json")
    lv.add_argument("--markdown", action="store_true", help="print the table as docs/model.md carries it")

    sc = sub.add_parser("schema", help="print the JSON Schema of a scenario, sweep spec or saved game",
                        description="Print the JSON Schema of a file kind, so an editor can complete keys and "
                                    "flag mistakes as you type (see docs/scenarios.md): "
                                    "partnersim schema scenario > partnersim-scenario.schema.json")
    sc.add_argument("kind", choices=list(SCHEMAS), help="the file kind")

    for name, (help_text, add_arguments, _) in (extra or {}).items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return p


def cmd_run(args: argparse.Namespace) -> int:
    from sim.api import run
    from sim.world import WORLD_KEYS, WorldError, parse_world_assignment

    out = _out_path("--out", args.out, OUT_FORMATS)
    levers: dict[str, Any] = {}
    for text in args.sets:
        name = text.partition("=")[0].strip()
        if name in WORLD_KEYS:
            raise CliError(f"--set {text}: '{name}' is a world setting, not a lever: use --world {text}")
        name, value = parse_assignment(text)
        levers[name] = value
    world: dict[str, Any] = {}
    for text in args.world:
        name = text.partition("=")[0].strip()
        if name in LEVERS:
            raise CliError(f"--world {text}: '{name}' is a lever, not a world setting: use --set {text}")
        try:
            name, value = parse_world_assignment(text)
        except WorldError as exc:
            raise CliError(f"--world {text}: {exc}") from None
        world[name] = value
    df = run(args.scenario, seed=args.seed, quarters=args.quarters, **levers, **world)
    print(format_table(df))
    if out is not None:
        with user_paths("--out"):
            write_frame(df, out)
        print(f"\nwrote {len(df)} rows x {len(df.columns)} columns to {out}")
    return 0


def format_table(df) -> str:
    """A readable quarterly table: money in $k, shares in %."""
    t = df[list(TABLE_COLUMNS)].copy()
    for col in ("revenue_direct", "revenue_partner", "partner_net_contribution"):
        t[col] = (t[col] / 1000).round(0).astype(int)
    t["partner_share"] = (t["partner_share"] * 100).round(1)
    t["forecast_error_partner"] = (t["forecast_error_partner"] * 100).round(0).astype(int).astype(str) + "%"
    t["partner_satisfaction_mean"] = t["partner_satisfaction_mean"].round(2)
    t = t.rename(columns=TABLE_COLUMNS)
    return t.to_string(index=False)


def write_frame(df, out: Path) -> None:
    """Write a frame by extension."""
    suffix = out.suffix.lower()
    if suffix == ".csv":
        df.to_csv(out, index=False)
    elif suffix == ".parquet":
        df.to_parquet(out, index=False)
    else:
        df.to_json(out, orient="records", indent=1)


def cmd_scenarios(args: argparse.Namespace) -> int:
    from sim.scenario import list_scenarios, validate_scenario_file

    if args.validate:
        problems = validate_scenario_file(args.validate)
        for line in problems:
            print(line)
        if problems:
            print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {args.validate}")
            return 1
        print(f"{args.validate}: ok")
        return 0
    if args.check is not None:
        return check_scenarios(args.check, args.seeds, args.workers)
    rows = list_scenarios()
    width = max((len(s.name) for s in rows), default=4)
    for s in rows:
        print(f"{s.name:<{width}}  {s.difficulty:<6}  {s.title}")
    return 0


def check_scenarios(names: list[str], seeds: int, workers: int | None) -> int:
    """Print the --check table; exit 1 if a scenario does not teach what it claims."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    from sim.playtest import check_scenario, check_table, plays
    from sim.scenario import list_scenarios, load_scenario

    scenarios = [load_scenario(n) for n in names] if names else list_scenarios()
    workers = min(workers or os.cpu_count() or 1, len(scenarios))
    games = seeds * sum(len(plays(sc)) for sc in scenarios)
    print(f"playing {len(scenarios)} scenario(s) x {seeds} seeds as given, with the fix and with the "
          f"lesson's levers alone (a lesson that is the whole fix is not played twice): {games} games "
          f"({workers} process{'es' if workers != 1 else ''})...", file=sys.stderr)
    if workers == 1:
        results = [check_scenario(sc, range(seeds)) for sc in scenarios]
    else:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(check_scenario, scenarios, [range(seeds)] * len(scenarios)))
    print(check_table(results))
    failing = [r.name for r in results if not r.teaches]
    if failing:
        print(f"\n{len(failing)} scenario(s) do not teach what they claim: {', '.join(failing)}")
        return 1
    return 0


def _out_path(flag: str, text: str | None, allowed: tuple[str, ...]) -> Path | None:
    if not text:
        return None
    out = Path(text)
    if out.suffix.lower() not in allowed:
        raise CliError(f"{flag} {out}: unknown format '{out.suffix}' (allowed: {', '.join(allowed)})")
    if not out.parent.exists():
        raise CliError(f"{flag} {out}: folder '{out.parent}' does not exist")
    return out


def cmd_compare(args: argparse.Namespace, pdf_writer: PdfWriter | None = None) -> int:
    from sim.compare import compare_saves, format_comparison, plot_comparison

    if args.pdf and pdf_writer is None:
        raise CliError("--pdf is not available here: the class handout is drawn by the classroom package; "
                       "run the `partnersim` command the game installs")
    out = _out_path("--out", args.out, OUT_FORMATS)
    chart = _out_path("--chart", args.chart, (".png",))
    pdf = _out_path("--pdf", args.pdf, (".pdf",))
    with user_paths():
        df, problems, frames = compare_saves(args.paths, attribution=not args.no_attribution)
    print(format_comparison(df))
    if out is not None and not df.empty:
        with user_paths("--out"):
            write_frame(df, out)
        print(f"\nwrote {len(df)} games to {out}")
    if chart is not None and not df.empty:
        with user_paths("--chart"):
            written = plot_comparison(df, frames, chart)
        print(f"chart written to {written}")
    if pdf is not None and pdf_writer is not None and not df.empty:
        with user_paths("--pdf"):
            written = pdf_writer(df, frames, pdf)
        print(f"class handout written to {written}")
    for line in problems:
        print(f"partnersim: skipped {line}", file=sys.stderr)
    if df.empty:
        return 2 if not problems else 1
    return 1 if problems else 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.sweeps import SpecError, load_spec, run_sweep

    try:
        with user_paths():
            spec = load_spec(args.spec)
    except SpecError as exc:
        for line in str(exc).splitlines():
            print(line, file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        raise CliError(f"{args.spec}: not a text file (a sweep spec is TOML; see docs/research.md)") from None
    if args.scheduler:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise CliError("--scheduler needs Dask: pip install 'partnersim[dask]'") from None
    with user_paths("--out"):
        counts = run_sweep(spec, args.out, workers=args.workers, scheduler=args.scheduler,
                           resume=args.resume, quiet=args.quiet, chunk=args.chunk)
    rate = counts["runs"] / counts["seconds"] if counts["seconds"] else 0.0
    print(f"{counts['total']} runs: {counts['runs']} run now ({rate:.1f} runs/s, {counts['chunk']} per task), "
          f"{counts['skipped']} already on disk, {counts['failed']} failed (see the 'error' column), "
          f"{counts['restarts']} pool restart(s)")
    print(f"results in {args.out} (pandas.read_parquet('{args.out}'); then `partnersim analyze {args.out}`)")
    return 1 if counts["failed"] else 0


def cmd_optimize(args: argparse.Namespace) -> int:
    """`partnersim optimize`: the search, then the best policies (and the Pareto front) and a plot."""
    from sim import units
    from sim.metrics import METRICS
    from sim.sweeps import SpecError, load_spec
    from sim.sweeps.optimize import pareto_front, plot_search, run_optimize, trials_table

    try:
        with user_paths():
            spec = load_spec(args.spec)
    except SpecError as exc:
        for line in str(exc).splitlines():
            print(line, file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        raise CliError(f"{args.spec}: not a text file (a spec is TOML; see docs/research.md)") from None
    plot = _out_path("--plot", args.plot, (".png",)) or Path(f"{str(args.out).rstrip('/')}-search.png")
    if args.scheduler:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise CliError("--scheduler needs Dask: pip install 'partnersim[dask]'") from None

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(f"trial {done} of {total}", file=sys.stderr, flush=True)

    with user_paths("--out"):
        study, search = run_optimize(spec, args.out, workers=args.workers, scheduler=args.scheduler,
                                     resume=args.resume, trials=args.trials, progress=progress)
    objective = search.objective
    table = trials_table(study, objective, search)
    shown = pareto_front(table, objective) if len(objective.goals) > 1 else table.head(10)

    def show(goal: tuple, v: float) -> str:
        unit = METRICS[goal[0]].unit
        return units.fmt(unit, v, extra=2 if unit in ("count", "score") else 1)

    names = [a.name for a in spec.axes]
    head = ["trial", *names, *[f"{g[0]} ({g[2]}, {g[1]})" for g in objective.goals]]
    rows = [[str(r["trial"]), *[LEVERS[n].fmt(r[n]) for n in names],
             *[show(g, r[f"objective_{k + 1}"]) for k, g in enumerate(objective.goals)]] for r in shown.to_dict("records")]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)] if rows else [len(h) for h in head]
    title = "Pareto front" if len(objective.goals) > 1 else "Best policies"
    print(f"{title}: {len(table)} trials, each in the same {objective.worlds} worlds ({spec.scenario}, "
          f"{spec.quarters} quarters)")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    with user_paths("--plot"):
        written = plot_search(table, objective, plot)
    print(f"results in {args.out} (the Optuna study in {args.out}/_optuna.db); plot written to {written}")
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    from sim.sweeps.discover import discover_results

    if args.plot is not None and Path(args.plot).suffix.lower() != ".png":
        raise CliError(f"--plot {args.plot}: give a .png file name")
    with user_paths("--plot"):
        _, report = discover_results(args.results, args.outcome, args.threshold, above=args.above,
                                     quarter=args.quarter, plot=args.plot, boxes=args.boxes,
                                     min_density=args.min_density)
    print(report)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from sim.sweeps.analysis import analyze_results

    with user_paths():
        report = analyze_results(args.results, outcome=args.outcome, quarter=args.quarter,
                                 plots=args.plots, pair=tuple(args.pair) if args.pair else None)
    print(report)
    return 0


# The schema of each file kind partnersim reads: `partnersim schema KIND`.
SCHEMAS: dict[str, tuple[str, str]] = {
    "scenario": ("sim.scenario", "ScenarioFile"),
    "spec": ("sim.sweeps.spec", "SpecFile"),
    "save": ("sim.savegame", "SaveFile"),
}


def cmd_schema(args: argparse.Namespace) -> int:
    """Print a file kind's JSON Schema, generated from the same schema that checks the files."""
    import importlib
    import json

    from sim.schema import json_schema

    module, name = SCHEMAS[args.kind]
    print(json.dumps(json_schema(getattr(importlib.import_module(module), name)), indent=2))
    return 0


EFFECTS_OPTIONS = ("starts", "seeds", "quarters", "scale", "workers", "out", "markdown")


def cmd_levers(args: argparse.Namespace) -> int:
    if args.effects:
        return lever_effects(args)
    given = [name for name in EFFECTS_OPTIONS if getattr(args, name) not in (None, False)]
    if given:
        flag = "--from" if given[0] == "starts" else f"--{given[0]}"
        raise CliError(f"{flag} is an option of --effects (partnersim levers --effects {flag} ...)")
    for group in LEVER_GROUPS:
        print(f"[{group}]")
        for lever in LEVERS.values():
            if lever.group != group:
                continue
            default = str(lever.default).lower() if isinstance(lever.default, bool) else lever.default
            print(f"  {lever.name} = {default}   ({lever.allowed()})")
            print(f"      {lever.help}")
            if lever.kind in ("choice", "bool"):     # the words the game shows for each value
                words = ", ".join(f"{str(v).lower() if isinstance(v, bool) else v} = \"{lever.fmt(v)}\""
                                  for v in lever.choices or (True, False))
                print(f"      in the game: {words}")
    print_world_settings()
    return 0


def print_world_settings() -> None:
    """`partnersim levers`' last section: the market the levers act in (`sim.world.WorldSettings`),
    set with `run --world`, a scenario's [world], a spec's [uncertainties] or [fixed]."""
    from sim.schema import show
    from sim.world import WORLD_SETTINGS

    print("\n[World settings]   (not levers: the market; `run --world SETTING=VALUE`, a spec's [uncertainties])")
    for setting in WORLD_SETTINGS.values():
        print(f"  {setting.name} = {show(setting.default)}   ({setting.allowed()})")
        print(f"      {setting.help}")


def lever_effects(args: argparse.Namespace) -> int:
    """`partnersim levers --effects`: the lever atlas (`sim.atlas`), printed and optionally written."""
    from sim import atlas
    from sim.scenario import load_scenario

    out = _out_path("--out", args.out, OUT_FORMATS)
    starts = args.starts or list(atlas.DEFAULT_STARTS)
    for start in starts:                # an unknown start fails now, not after the first runs
        load_scenario(start)
    df = atlas.lever_atlas(starts, seeds=args.seeds or atlas.DEFAULT_SEEDS,
                           quarters=args.quarters or atlas.DEFAULT_QUARTERS, scale=args.scale or 1.0,
                           workers=args.workers or atlas.MAX_WORKERS)
    print(atlas.atlas_caption(df) + "\n")
    print(atlas.atlas_markdown(df) if args.markdown else atlas.atlas_text(df))
    if out is not None:
        with user_paths("--out"):
            write_frame(df, out)
        print(f"\nwrote {len(df)} rows x {len(df.columns)} columns to {out}")
    return 0


def main(argv: list[str] | None = None, extra: Extra | None = None, pdf: PdfWriter | None = None) -> int:
    """The `partnersim` command: `run`, `scenarios`, `levers`, and any `extra` subcommands
    (the console script passes the game's `play`; `sim` itself never imports the game).
    `pdf` writes `compare --pdf`'s class handout (the console script passes the classroom's;
    without it `--pdf` says it is not available)."""
    try:
        try:
            return _dispatch(argv, extra, pdf)
        finally:
            sys.stdout.flush()          # a reader that went away shows up here, not at exit
    except BrokenPipeError:
        _quiet_closed_stdout()
        return 1


def _dispatch(argv: list[str] | None, extra: Extra | None, pdf: PdfWriter | None = None) -> int:
    parser = build_parser(extra)
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        handlers = {"run": cmd_run, "scenarios": cmd_scenarios, "levers": cmd_levers,
                    "compare": lambda a: cmd_compare(a, pdf), "sweep": cmd_sweep, "analyze": cmd_analyze,
                    "optimize": cmd_optimize, "discover": cmd_discover,
                    "schema": cmd_schema}
        handlers.update({name: spec[2] for name, spec in (extra or {}).items()})
        handler = handlers[args.command]
        return handler(args)
    except PartnersimError as exc:      # CliError and every bad-input error of sim
        message = str(exc).replace("\n", "; ")
        print(f"partnersim: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("partnersim: interrupted", file=sys.stderr)
        return 130


def _quiet_closed_stdout() -> None:
    """The reader of stdout went away (`partnersim levers | head -3`): say nothing. Python
    flushes stdout again at exit, so point it at devnull first, as the Python docs advise
    (library/signal.html, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):       # stdout is not a file (captured in a test): nothing to flush
        pass


if __name__ == "__main__":
    sys.exit(main())
