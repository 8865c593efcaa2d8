"""The `partnersim` console script: the simulation's commands plus `play`.

It lives in `game` because `sim` never imports the game or the classroom: `sim.cli` takes
their subcommands (`play`, `classroom`) as extras.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Any

from classroom import cli as classroom_cli
from game.app import add_play_arguments, play
from game.dashboard import add_dashboard_arguments, run_dashboard
from sim import cli as sim_cli

# the classroom never imports the game: the game adds its own `classroom` subcommands
CLASSROOM_EXTRA: classroom_cli.Extra = {
    "dashboard": ("show the projector view in a window: a projector laptop without a browser (needs a display)",
                  add_dashboard_arguments, run_dashboard),
}
EXTRA: sim_cli.Extra = {
    "play": ("start the game (needs a display)", add_play_arguments, play),
    "classroom": ("run a classroom: teams play live from their browsers (start, bots, handouts, dashboard)",
                  partial(classroom_cli.add_arguments, extra=CLASSROOM_EXTRA),
                  partial(classroom_cli.run, extra=CLASSROOM_EXTRA)),
}


def compare_pdf(df: Any, frames: dict[str, Any], path: Path) -> Path:
    """`partnersim compare --pdf`: the classroom's class handout (imported only when asked for:
    it loads ReportLab and matplotlib)."""
    from classroom.handouts import compare_pdf as write

    return write(df, frames, path)


def main(argv: list[str] | None = None) -> int:
    """Entry point of `partnersim`."""
    return sim_cli.main(argv, extra=EXTRA, pdf=compare_pdf)


if __name__ == "__main__":
    sys.exit(main())
