"""`python -m sim` is the `partnersim` command."""

import sys

from sim.cli import main

sys.exit(main())
