"""Limits that more than one input shares, so a scenario, a sweep spec and `sim.api.run` agree."""

from __future__ import annotations

MAX_QUARTERS = 40
"""The longest game or run, in quarters (ten years): a scenario's `quarters`, its `win.at_quarter`
and event quarters, a sweep spec's `quarters` and `sim.api.run(quarters=...)`."""
