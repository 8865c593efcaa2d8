"""partnersim's command line: run a scenario, list and check scenarios, list levers, compare
saved games (the game adds `play`).

Every bad input ends in one line, `partnersim: error: ...`, naming the thing and what is
allowed, and a non-zero exit; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.policy import LEVER_GROUPS, LEVERS, PolicyError, parse_assignment
from sim.scenario import ScenarioError
from sim.world import WorldError

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


class CliError(Exception):
    """A user error: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other error
        raise CliError(message)


def _whole_number(low: int):
    """An argparse type: a whole number of at least `low`."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} must be at least {low}")
        return value
    return parse


_positive_int = _whole_number(1)
_seed = _whole_number(0)
seed_type = _seed   # public: the game's `play` command parses --seed the same way

# Extra subcommands from outside `sim` (the game adds `play`): name -> (help, add_arguments, handler).
Extra = dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]]


def build_parser(extra: Extra | None = None) -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per job (plus `extra` ones)."""
    p = _Parser(prog="partnersim", description="A partner-program simulation: model, CLI and game.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    r = sub.add_parser("run", help="run a scenario and print the quarterly table",
                       description="Run a scenario for some quarters and print a table; "
                                   "--out writes every metric to CSV, Parquet or JSON.")
    r.add_argument("--scenario", default="baseline", help="scenario name or path to a .toml file")
    r.add_argument("--seed", type=_seed, default=0, help="world seed (default 0)")
    r.add_argument("--quarters", type=_positive_int, default=12, help="quarters to run (default 12)")
    r.add_argument("--set", dest="sets", action="append", default=[], metavar="LEVER=VALUE",
                   help="override a lever (repeatable); see `partnersim levers`")
    r.add_argument("--out", help="write all metrics to FILE.csv, FILE.parquet or FILE.json")

    s = sub.add_parser("scenarios", help="list scenarios, validate a file, or check what they teach",
                       description="List bundled scenarios with their titles; --validate FILE reports every "
                                   "problem in a scenario file; --check plays each scenario as given and "
                                   "with its recommended fix over many seeds and prints the win rates.")
    s.add_argument("--validate", metavar="FILE", help="report every problem in a scenario file")
    s.add_argument("--check", nargs="*", metavar="SCENARIO",
                   help="win rate as given and with the fix, for the named scenarios (default: all bundled)")
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

    a = sub.add_parser("analyze", help="summarise sweep results: means with CIs, lever ranking, plots",
                       description="Per-design-point means with 95%% confidence intervals across seeds, the "
                                   "levers ranked by effect on an outcome (Sobol or Morris indices when the "
                                   "design supports them), and PNG plots.")
    a.add_argument("results", metavar="RESULTS", help="a results folder written by `partnersim sweep`")
    a.add_argument("--outcome", default=None, help="metric to analyse (default: the spec's, else revenue_partner)")
    a.add_argument("--quarter", type=_positive_int, default=None,
                   help="quarter the outcome is read at (default: the last; the outcome is summed over "
                        "the last four quarters for flows such as revenue)")
    a.add_argument("--plots", metavar="FOLDER", default=None, help="folder for the PNG plots (default: RESULTS-plots)")
    a.add_argument("--pair", nargs=2, metavar=("LEVER", "LEVER"), help="the two levers of the interaction heat-map")

    c = sub.add_parser("compare", help="replay teams' saved games and compare them",
                       description="Replay every saved game in the files and folders given (a workshop's "
                                   "collected partnersim-saves folders), judge each against its scenario's "
                                   "goal and print one row per team, best-practice revenue beside it.")
    c.add_argument("paths", nargs="+", metavar="SAVE_OR_FOLDER", help="save-game .json files or folders of them")
    c.add_argument("--out", help="also write the table to FILE.csv, FILE.parquet or FILE.json")
    c.add_argument("--chart", metavar="FILE.png", help="also draw partner revenue per team per quarter")

    sub.add_parser("levers", help="list every lever with its range and help",
                   description="Every lever, grouped, with allowed values, default and meaning.")

    for name, (help_text, add_arguments, _) in (extra or {}).items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return p


def cmd_run(args: argparse.Namespace) -> int:
    from sim.api import run

    out = _out_path("--out", args.out, OUT_FORMATS)
    levers: dict[str, Any] = {}
    for text in args.sets:
        name, value = parse_assignment(text)
        levers[name] = value
    df = run(args.scenario, seed=args.seed, quarters=args.quarters, **levers)
    print(format_table(df))
    if out is not None:
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

    from sim.playtest import check_scenario, check_table
    from sim.scenario import list_scenarios, load_scenario

    scenarios = [load_scenario(n) for n in names] if names else list_scenarios()
    workers = min(workers or os.cpu_count() or 1, len(scenarios))
    print(f"playing {len(scenarios)} scenario(s) x {seeds} seeds, as given and with the fix "
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


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.compare import compare_saves, format_comparison, plot_comparison

    out = _out_path("--out", args.out, OUT_FORMATS)
    chart = _out_path("--chart", args.chart, (".png",))
    df, problems, frames = compare_saves(args.paths)
    print(format_comparison(df))
    if out is not None and not df.empty:
        write_frame(df, out)
        print(f"\nwrote {len(df)} games to {out}")
    if chart is not None and not df.empty:
        print(f"chart written to {plot_comparison(df, frames, chart)}")
    for line in problems:
        print(f"partnersim: skipped {line}", file=sys.stderr)
    if df.empty:
        return 2 if not problems else 1
    return 1 if problems else 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.sweeps import SpecError, load_spec, run_sweep

    try:
        spec = load_spec(args.spec)
    except SpecError as exc:
        for line in str(exc).splitlines():
            print(line, file=sys.stderr)
        return 2
    if args.scheduler:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise CliError("--scheduler needs Dask: pip install 'partnersim[dask]'") from None
    try:
        counts = run_sweep(spec, args.out, workers=args.workers, scheduler=args.scheduler,
                           resume=args.resume, quiet=args.quiet, chunk=args.chunk)
    except FileExistsError as exc:
        raise CliError(str(exc)) from None
    rate = counts["runs"] / counts["seconds"] if counts["seconds"] else 0.0
    print(f"{counts['total']} runs: {counts['runs']} run now ({rate:.1f} runs/s, {counts['chunk']} per task), "
          f"{counts['skipped']} already on disk, {counts['failed']} failed (see the 'error' column), "
          f"{counts['restarts']} pool restart(s)")
    print(f"results in {args.out} (pandas.read_parquet('{args.out}'); then `partnersim analyze {args.out}`)")
    return 1 if counts["failed"] else 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from sim.sweeps.analysis import analyze_results

    report = analyze_results(args.results, outcome=args.outcome, quarter=args.quarter,
                             plots=args.plots, pair=tuple(args.pair) if args.pair else None)
    print(report)
    return 0


def cmd_levers(args: argparse.Namespace) -> int:
    for group in LEVER_GROUPS:
        print(f"[{group}]")
        for lever in LEVERS.values():
            if lever.group != group:
                continue
            default = str(lever.default).lower() if isinstance(lever.default, bool) else lever.default
            print(f"  {lever.name} = {default}   ({lever.allowed()})")
            print(f"      {lever.help}")
    return 0


def main(argv: list[str] | None = None, extra: Extra | None = None) -> int:
    """The `partnersim` command: `run`, `scenarios`, `levers`, and any `extra` subcommands
    (the console script passes the game's `play`; `sim` itself never imports the game)."""
    parser = build_parser(extra)
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        handlers = {"run": cmd_run, "scenarios": cmd_scenarios, "levers": cmd_levers, "compare": cmd_compare,
                    "sweep": cmd_sweep, "analyze": cmd_analyze}
        handlers.update({name: spec[2] for name, spec in (extra or {}).items()})
        handler = handlers[args.command]
        return handler(args)
    except (CliError, PolicyError, WorldError, ScenarioError, ValueError, OSError) as exc:
        message = str(exc).replace("\n", "; ")
        print(f"partnersim: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("partnersim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
