"""Comparing teams: replay every collected save game and line the results up.

In a workshop each team's game autosaves to its save folder. The facilitator copies the
folders (or just the .json files) into one place and runs `partnersim compare FOLDER`:
every game is replayed from its scenario (bundled, or embedded in the save: a save never
names a file to open), seed and decisions (so the numbers are the model's, not whatever a
file claims), judged against its scenario's goal, and shown beside
the best-practice program on the same world and seed. What each team's decisions were worth,
group by group, against best practice (`sim.attribution`: 2^groups replays a game, in a pool
of two workers shared by every game) is a second table; `attribution=False` skips it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path

import pandas as pd

from sim import units
from sim.attribution import ReplayPool, decision_values, player_timeline, replay_pool
from sim.debrief import best_practice_model, diagnose
from sim.metrics import METRICS, OKABE_ITO, partner_share_over
from sim.policy import LEVER_GROUPS
from sim.savegame import SaveGameError, load_game, replay
from sim.standing import standing
from sim.win import WIN_CONDITIONS

COLUMNS = {
    "team": "team",
    "scenario": "scenario",
    "seed": "seed",
    "quarters": "Q",
    "goal": "goal",
    "clauses_met": "clauses met",
    "revenue_partner": "partner $k",
    "partner_share_year": "partner % (last 4Q)",
    "partners_active": "active",
    "partners_churned": "lost",
    "conflicts": "conflicts",
    "satisfaction": "satisfaction",
    "cumulative_net": "net $k",
    "best_revenue_partner": "best-practice partner $k",
    "mistake_count": "mistakes",
}


# the order teams are ranked in, best first: the same as `sim.standing.Standing.rank_key`
RANK_BY = ("clauses_met", "cumulative_net", "revenue_partner")


def find_saves(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The .json files named, and every .json file under the folders named (sorted).

    Raises:
        FileNotFoundError: a path that does not exist.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.json") if q.is_file()))
        elif p.is_file():
            out.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    return out


# what each group of decisions was worth: a column per measure and group ("worth.goal.executive"),
# 0.0 for a group whose levers matched best practice's in every quarter
WORTH_MEASURES = {"goal": "goal", "revenue_partner": "partner revenue"}


def worth_column(measure: str, group: str) -> str:
    """The column holding a group's value for a measure ("goal" or "revenue_partner")."""
    return f"worth.{measure}.{group}"


def summarise_game(path: str | os.PathLike, with_best: bool = True,
                   pool: ReplayPool | None = None) -> tuple[dict, pd.DataFrame]:
    """Replay one save game: its summary row and its quarterly frame.

    Args:
        path: The save game.
        with_best: Add best practice's partner revenue on the same world and seed.
        pool: A `sim.attribution.replay_pool` to work out what each group of decisions was
            worth (None: skip it).

    Raises:
        SaveGameError: the file is not a loadable save game (names file and key).
    """
    record, scenario = load_game(path)
    model = replay(record, scenario)
    frame = model.quarterly_frame()
    row: dict = {"team": record.team, "scenario": scenario.name, "seed": record.seed,
                 "quarters": record.quarters_played, "file": str(path)}
    if frame.empty:
        row.update(goal="not started")
        return row, frame
    player_mistakes = [m for m in diagnose(model, scenario) if not m.imposed]
    finished = record.quarters_played >= scenario.at_quarter
    row.update(
        goal=("met" if scenario.won(frame) else "missed") if finished else "in progress",
        clauses_met=standing(scenario.win, scenario.at_quarter, frame).clauses_met,
        revenue_partner=float(frame["revenue_partner"].sum()),
        partner_share_year=partner_share_over(frame),
        partners_active=int(frame["partners_active"].iloc[-1]),
        partners_churned=int(frame["partners_churned"].sum()),
        conflicts=int(frame["conflicts"].sum()),
        satisfaction=float(frame["partner_satisfaction_mean"].iloc[-1]),
        cumulative_net=float(frame["cumulative_net_contribution"].iloc[-1]),
        mistakes="; ".join(f"{m.claim} {m.title}" for m in player_mistakes),
        mistake_count=len(player_mistakes),
    )
    if with_best:
        best = best_practice_model(scenario, record.seed, len(frame)).quarterly_frame()
        row["best_revenue_partner"] = float(best["revenue_partner"].sum())
        frame = frame.assign(best_revenue_partner=best["revenue_partner"].to_numpy())
    if pool is not None:
        row.update(_worth_columns(decision_values(scenario, record.seed, player_timeline(model), pool=pool)))
    return row, frame


def _worth_columns(attribution) -> dict:
    """The attribution as flat columns (they go to --out as they are)."""
    out: dict = {"goal_measure": "", "worth_replays": attribution.replays}
    for m in attribution.measures:
        key = "revenue_partner" if m.key == "revenue_partner" else "goal"
        if key == "goal":
            out["goal_measure"] = m.key
        out[f"worth.{key}.you"], out[f"worth.{key}.best"] = m.player, m.best
        for g in LEVER_GROUPS:
            out[worth_column(key, g)] = m.values.get(g, 0.0)
    return out


def compare_saves(paths: Iterable[str | os.PathLike], with_best: bool = True,
                  attribution: bool = True) -> tuple[pd.DataFrame, list[str], dict[str, pd.DataFrame]]:
    """Replay every save game found under `paths`.

    When a team saved the same game more than once (the autosave and a "Save game"), only
    the copy that got furthest is kept. Files that are not loadable save games are
    reported, not silently skipped. With `attribution`, each game also gets what each group
    of its decisions was worth against best practice (2^groups replays; the worker pool is
    shared by every game).

    Returns:
        One row per game (by scenario, then ranked as the classroom's leaderboard ranks teams,
        `sim.standing`: goal clauses met, net contribution, partner revenue); one problem message
        per file that could not be read; each kept game's quarterly frame, by file.
    """
    rows, problems, frames = [], [], {}
    saves = find_saves(paths)
    with ExitStack() as stack:
        pool = stack.enter_context(replay_pool()) if attribution and saves else None
        for path in saves:
            try:
                row, frame = summarise_game(path, with_best, pool)
            except SaveGameError as exc:
                problems.append(str(exc))
                continue
            rows.append(row)
            frames[row["file"]] = frame
    if not rows:
        return pd.DataFrame(columns=["file", *COLUMNS]), problems, {}
    df = pd.DataFrame(rows)
    df = (df.sort_values("quarters", ascending=False)
            .drop_duplicates(["team", "scenario", "seed"])
            .assign(_name=lambda d: d["team"].str.casefold())
            .sort_values(["scenario", *RANK_BY, "_name"], ascending=[True, *(False,) * len(RANK_BY), True],
                         na_position="last")
            .drop(columns="_name")
            .reset_index(drop=True))
    return df, problems, {f: frames[f] for f in df["file"]}


def format_comparison(df: pd.DataFrame) -> str:
    """The comparison as a readable table: money in $k, shares in %."""
    if df.empty:
        return "no save games found"
    t = df[[c for c in COLUMNS if c in df.columns]].copy()
    for col in ("revenue_partner", "cumulative_net", "best_revenue_partner"):
        if col in t:
            t[col] = (t[col] / 1000).round(0).astype("Int64")
    if "partner_share_year" in t:
        t["partner_share_year"] = (t["partner_share_year"] * 100).round(1)
    if "satisfaction" in t:
        t["satisfaction"] = t["satisfaction"].round(2)
    t = t.rename(columns=COLUMNS).fillna("-")
    lines = [t.to_string(index=False)]
    if "mistakes" in df.columns:
        lines.append("\nThe classic mistakes each team made (imposed ones left out):")
        for r in df.itertuples():
            lines.append(f"  {r.team} ({r.scenario}): {r.mistakes if isinstance(r.mistakes, str) and r.mistakes else 'none'}")
    if "goal_measure" in df.columns:
        lines.append(format_worth(df))
    return "\n".join(lines)


def format_worth(df: pd.DataFrame) -> str:
    """What each team's decisions were worth, a block per scenario: a row per team and measure,
    the team's result, then per lever group what best practice's decisions in it add (exact
    Shapley values, adding up to best practice's result; "-": the group matched best practice),
    then best practice's result."""
    lines = ["\nWhat each team's decisions were worth against best practice on the same world: per lever "
             "group, what best practice's\ndecisions in it add (exact Shapley values over the groups that "
             "differ; they add up to the gap; -: same as best practice)."]
    games = df[df["goal_measure"].notna()] if "goal_measure" in df else df.iloc[0:0]
    for name in dict.fromkeys(games["scenario"]):
        block = games[games["scenario"] == name]
        goals = {k for k in block["goal_measure"] if k}
        goal_words = ", ".join(f"goal = {WIN_CONDITIONS[k].label}" for k in sorted(goals))
        lines.append(f"\n{name}" + (f" ({goal_words})" if goal_words else ""))
        table = []
        for r in block.to_dict("records"):
            for key, short in WORTH_MEASURES.items():
                if key == "goal" and not r["goal_measure"]:
                    continue
                unit = WIN_CONDITIONS[r["goal_measure"]].unit if key == "goal" else METRICS[key].unit
                cells = {"team": r["team"], "measure": short, "you": units.fmt(unit, r[f"worth.{key}.you"])}
                for g in LEVER_GROUPS:
                    v = r[worth_column(key, g)]
                    cells[g] = units.fmt_change(unit, v) if v else "-"
                cells["best practice"] = units.fmt(unit, r[f"worth.{key}.best"])
                table.append(cells)
        lines.append(pd.DataFrame(table).to_string(index=False))
    return "\n".join(lines)


def plot_comparison(df: pd.DataFrame, frames: dict[str, pd.DataFrame], path: str | os.PathLike) -> Path:
    """A PNG for the projector, one row per scenario: partner revenue per quarter and the
    program's cumulative net contribution, one line per team (colour-blind-safe colours,
    the goal's verdict in the legend), best practice on the same world dashed in grey."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    scenarios = list(dict.fromkeys(df["scenario"]))
    fig, axes = plt.subplots(len(scenarios), 2, figsize=(13, 3.8 * len(scenarios)), squeeze=False)
    for (ax_rev, ax_net), name in zip(axes, scenarios, strict=True):
        games = df[df["scenario"] == name]
        best_drawn: set[int] = set()
        for i, g in enumerate(games.itertuples()):
            frame = frames[g.file]
            if frame.empty:
                continue
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            label = f"{g.team} (goal {g.goal})"
            ax_rev.plot(frame["quarter"], frame["revenue_partner"] / 1e3, color=colour, marker="o", label=label)
            ax_net.plot(frame["quarter"], frame["cumulative_net_contribution"] / 1e6, color=colour, marker="o",
                        label=label)
            if "best_revenue_partner" in frame and g.seed not in best_drawn:
                best_drawn.add(g.seed)
                ax_rev.plot(frame["quarter"], frame["best_revenue_partner"] / 1e3, color="#777777", ls="--",
                            label=f"best practice, seed {g.seed}")
        ax_rev.set_title(f"{name}: partner revenue per quarter ($k)")
        ax_net.set_title(f"{name}: program's cumulative net contribution ($M)")
        ax_net.axhline(0, color="#999999", lw=0.8)
        for ax in (ax_rev, ax_net):
            ax.set_xlabel("quarter")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
        ax_rev.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out
