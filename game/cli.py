"""The `partnersim` console script: the simulation's commands plus `play`.

It lives in `game` because `sim` never imports the game: `sim.cli` takes the game's
subcommand as an extra.
"""

from __future__ import annotations

import sys

from game.app import add_play_arguments, play
from sim import cli as sim_cli

EXTRA: sim_cli.Extra = {"play": ("start the game (needs a display)", add_play_arguments, play)}


def main(argv: list[str] | None = None) -> int:
    """Entry point of `partnersim`."""
    return sim_cli.main(argv, extra=EXTRA)


if __name__ == "__main__":
    sys.exit(main())
