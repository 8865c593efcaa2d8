"""The world a scenario is set in: regions, the direct team's size and the partner pool.

`world_scale` multiplies accounts, direct reps and the addressable partner pool together,
so a larger world is the same market, only bigger (regions stay the same). Each setting's
range is written once, in `WorldSettings` (the scenario file's [world] table); `World` is the
same settings as the model holds them, checked when built.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from annotated_types import Ge, Le
from pydantic import Field, ValidationError

from sim import params as P
from sim.errors import PartnersimError
from sim.schema import FileModel, explain, number, whole


class WorldError(PartnersimError):
    """A world setting that is not allowed. The message names the key and the range."""


class WorldSettings(FileModel):
    """Structural settings of the market, fixed for a run; omitted keys keep their defaults."""

    world_scale: number(0.25, 64) = Field(
        1.0, description="Multiplies accounts, direct reps and the partner pool together: the same market, "
                         "larger or smaller.")
    home_regions: whole(1, 8) = Field(4, description="Regions the direct team covers.")
    new_regions: whole(0, 8) = Field(2, description="New markets with no direct presence yet.")
    reps_per_region: whole(1, 20) = Field(3, description="Direct reps per home region, at scale 1.")
    accounts_per_region: whole(20, 2000) = Field(150, description="Target accounts per region, at scale 1.")
    partner_pool: whole(10, 2000) = Field(140, description="Partner firms that could be recruited, at scale 1.")
    demand: number(0.2, 3.0) = Field(1.0, description="Multiplier on how often accounts start buying.")
    offer_fit: number(0.3, 1.5) = Field(
        1.0, description="How well the offer fits partners' customers at launch (multiplies each partner's fit; "
                         "channel insight raises it as the teams collaborate, C19).")
    reseller_share: number(0.0, 0.9) = Field(
        float(P.TYPE_SHARE[P.RESELLER]),
        description="Share of resellers in the partner pool (the other types keep their proportions): a "
                    "reseller-heavy pool lives on margin, a services-heavy one on projects.")

    def as_dict(self) -> dict[str, Any]:
        """The settings as a plain dict."""
        return {name: getattr(self, name) for name in type(self).model_fields}


class World(WorldSettings):
    """The world settings a model runs on: `World(**settings)` checks them on the spot.

    Raises:
        WorldError: naming the first bad setting and its allowed range.
    """

    def __init__(self, **settings: Any) -> None:
        try:
            super().__init__(**settings)
        except ValidationError as exc:
            key, message = explain(exc, WorldSettings)[0]
            raise WorldError(f"world '{key}': {message}") from None

    def validate(self) -> World:  # type: ignore[override]  # pydantic's deprecated classmethod
        """The settings, already checked when built (kept for `World(...).validate()` callers)."""
        return self


def type_shares(reseller_share: float) -> np.ndarray:
    """The partner pool's mix by type (`sim.agents.PARTNER_TYPES`) for a reseller share: the
    other types keep their default proportions to each other."""
    rest = np.delete(P.TYPE_SHARE, P.RESELLER)
    mix = np.insert(rest / rest.sum() * (1.0 - reseller_share), P.RESELLER, reseller_share)
    return mix if reseller_share != P.TYPE_SHARE[P.RESELLER] else P.TYPE_SHARE


WORLD_KEYS: tuple[str, ...] = tuple(WorldSettings.model_fields)


def _bounds(name: str) -> tuple[float, float, type]:
    field = WorldSettings.model_fields[name]
    low = next(m.ge for m in field.metadata if isinstance(m, Ge))
    high = next(m.le for m in field.metadata if isinstance(m, Le))
    return low, high, field.annotation


WORLD_RANGES: dict[str, tuple[float, float, type]] = {name: _bounds(name) for name in WORLD_KEYS}
"""(low, high, int or float) per setting, read off `WorldSettings`."""
