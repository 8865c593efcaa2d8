"""The world a scenario is set in: regions, the direct team's size and the partner pool.

`world_scale` multiplies accounts, direct reps and the addressable partner pool together,
so a larger world is the same market, only bigger (regions stay the same).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sim.errors import PartnersimError


class WorldError(PartnersimError):
    """A world setting that is not allowed. The message names the key and the range."""


@dataclass(frozen=True)
class World:
    """Structural settings of the market, fixed for a run.

    Attributes:
        world_scale: Multiplies accounts, direct reps and partner pool (0.25-64).
        home_regions: Regions the direct team covers (1-8).
        new_regions: New markets with no direct presence yet (0-8).
        reps_per_region: Direct reps per home region at scale 1 (1-20).
        accounts_per_region: Target accounts per region at scale 1 (20-2000).
        partner_pool: Partner firms that could be recruited, at scale 1 (10-2000).
        demand: Multiplier on how often accounts start buying (0.2-3).
    """

    world_scale: float = 1.0
    home_regions: int = 4
    new_regions: int = 2
    reps_per_region: int = 3
    accounts_per_region: int = 150
    partner_pool: int = 140
    demand: float = 1.0

    def validate(self) -> World:
        """Check every setting; raise WorldError naming the key and allowed range."""
        for f in fields(self):
            low, high, kind = WORLD_RANGES[f.name]
            value = getattr(self, f.name)
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if ok and kind is int and isinstance(value, float):
                ok = value.is_integer()
            if not ok or not (low <= value <= high):
                word = "integer" if kind is int else "number"
                raise WorldError(
                    f"world '{f.name}': {value!r} is not allowed (allowed: {word} from {low} to {high})"
                )
        return self

    def as_dict(self) -> dict[str, Any]:
        """The settings as a plain dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


WORLD_RANGES: dict[str, tuple[float, float, type]] = {
    "world_scale": (0.25, 64, float),
    "home_regions": (1, 8, int),
    "new_regions": (0, 8, int),
    "reps_per_region": (1, 20, int),
    "accounts_per_region": (20, 2000, int),
    "partner_pool": (10, 2000, int),
    "demand": (0.2, 3.0, float),
}

WORLD_KEYS: tuple[str, ...] = tuple(WORLD_RANGES)
