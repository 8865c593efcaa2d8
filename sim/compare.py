"""Comparing teams: replay every collected save game and line the results up.

In a workshop each team's game autosaves to its save folder. The facilitator copies the
folders (or just the .json files) into one place and runs `partnersim compare FOLDER`:
every game is replayed from its scenario, seed and decisions (so the numbers are the
model's, not whatever a file claims), judged against its scenario's goal, and shown beside
the best-practice program on the same world and seed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from sim.debrief import best_practice_model, diagnose
from sim.metrics import OKABE_ITO, partner_share_over
from sim.savegame import SaveGameError, load_game, replay

COLUMNS = {
    "team": "team",
    "scenario": "scenario",
    "seed": "seed",
    "quarters": "Q",
    "goal": "goal",
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


def summarise_game(path: str | os.PathLike, with_best: bool = True) -> tuple[dict, pd.DataFrame]:
    """Replay one save game: its summary row and its quarterly frame.

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
    return row, frame


def compare_saves(paths: Iterable[str | os.PathLike],
                  with_best: bool = True) -> tuple[pd.DataFrame, list[str], dict[str, pd.DataFrame]]:
    """Replay every save game found under `paths`.

    When a team saved the same game more than once (the autosave and a "Save game"), only
    the copy that got furthest is kept. Files that are not loadable save games are
    reported, not silently skipped.

    Returns:
        One row per game (sorted by scenario, goal, partner revenue); one problem message
        per file that could not be read; each kept game's quarterly frame, by file.
    """
    rows, problems, frames = [], [], {}
    for path in find_saves(paths):
        try:
            row, frame = summarise_game(path, with_best)
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
            .assign(_won=lambda d: d["goal"].eq("met"))
            .sort_values(["scenario", "_won", "revenue_partner"], ascending=[True, False, False],
                         na_position="last")
            .drop(columns="_won")
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
