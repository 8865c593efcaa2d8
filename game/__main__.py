"""`python -m game` is the `partnersim` command, `play` included."""

import sys

from game.cli import main

sys.exit(main())
