"""The world a scenario is set in: regions, the direct team's size and the partner pool.

`world_scale` multiplies accounts, direct reps and the addressable partner pool together,
so a larger world is the same market, only bigger (regions stay the same). Each setting's
range is written once, in `WorldSettings` (the scenario file's [world] table); `World` is the
same settings as the model holds them, checked when built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

import numpy as np
from annotated_types import Ge, Le
from pydantic import Field, ValidationError, create_model

from sim import params as P
from sim.errors import PartnersimError
from sim.schema import Allowed, FileModel, explain, no_default, number, whole


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


# ------------------------------------------------------------------------- one setting at a time
@dataclass(frozen=True)
class Setting:
    """One world setting as the CLI, sweep specs and the EMA adapter see it: a view on its
    `WorldSettings` field (range, default, meaning), so the field stays the one declaration.

    It answers to what sweep specs ask of a lever (`name`, `kind`, `annotation`, `allowed()`),
    so a world setting varies in a spec's `[uncertainties]` by the same rules as a lever in
    `[levers]`, and `World` is still the one check of its values.
    """

    name: str
    kind: str          # "int" | "float"
    default: Any
    help: str
    low: float
    high: float

    @property
    def annotation(self) -> Any:
        """The field's own pydantic type (strict, bounded, with its words for what is allowed)."""
        field = WorldSettings.model_fields[self.name]
        return Annotated[(field.annotation, *field.metadata)]

    def allowed(self) -> str:
        """What the setting allows, in words ("integer from 10 to 2,000")."""
        field = WorldSettings.model_fields[self.name]
        return next(m.text for m in field.metadata if isinstance(m, Allowed))

    def check(self, value: Any) -> Any:
        """`value` as the world holds it (checked by `World`).

        Raises:
            WorldError: naming the setting, the value and the range.
        """
        return getattr(World(**{self.name: value}), self.name)

    def parse(self, text: str) -> Any:
        """A command-line string ("4", "0.8", "1e3") as a checked value.

        Raises:
            WorldError: naming the setting, the value and the range.
        """
        raw: Any = text.strip()
        for kind in (int, float):
            try:
                raw = kind(raw)
                break
            except ValueError:
                pass
        return self.check(raw)


def _setting(name: str) -> Setting:
    low, high, tp = _bounds(name)
    field = WorldSettings.model_fields[name]
    return Setting(name, "int" if tp is int else "float", field.default, field.description or "", low, high)


WORLD_SETTINGS: dict[str, Setting] = {name: _setting(name) for name in WORLD_KEYS}
"""Every world setting, in `WorldSettings`' order: what `partnersim levers` lists under "World
settings", what a spec's `[uncertainties]` may vary and what the EMA adapter declares."""


def unknown_setting(name: str) -> WorldError:
    """The error for a name that is not a world setting, listing those that are (and saying so
    when the name is a lever)."""
    from sim.policy import LEVERS

    what = f"'{name}' is a lever, not a world setting" if name in LEVERS else f"unknown world setting '{name}'"
    return WorldError(f"{what} (world settings: {', '.join(WORLD_KEYS)})")


def neither_lever_nor_setting(name: str) -> str:
    """The message for a keyword that is neither a lever nor a world setting, listing both
    (the model's and a scenario's `build_model` say it alike)."""
    from sim.policy import LEVERS

    return (f"unknown lever or world setting '{name}' "
            f"(levers: {', '.join(LEVERS)}; world settings: {', '.join(WORLD_KEYS)})")


def parse_world_assignment(text: str) -> tuple[str, Any]:
    """Parse 'SETTING=VALUE' from the command line (`--world`) into a checked (name, value)
    pair, as `sim.policy.parse_assignment` does for levers.

    Raises:
        WorldError: not SETTING=VALUE, an unknown setting, or a value out of its range.
    """
    if "=" not in text:
        raise WorldError(f"'{text}' is not SETTING=VALUE (world settings: {', '.join(WORLD_KEYS)})")
    name, _, value = text.partition("=")
    name = name.strip()
    if name not in WORLD_SETTINGS:
        raise unknown_setting(name)
    return name, WORLD_SETTINGS[name].parse(value)


class WorldTable(FileModel):
    """Base of every table keyed by world-setting names (a sweep spec's [uncertainties])."""

    unknown: ClassVar[str] = "unknown world setting (world settings: {keys})"


def world_table(name: str, value: Callable[[Setting], Any] | None = None, *, doc: str = "") -> type[WorldTable]:
    """A file-schema table with one optional key per world setting, generated from
    `WorldSettings` as `sim.policy.lever_table` is from the levers.

    Args:
        name: The model's name (its title in the JSON schema).
        value: The type of a setting's value in this table (default: the setting's own type).
        doc: The table's description.
    """
    fields = {s.name: ((value or (lambda st: st.annotation))(s),
                       Field(None, description=s.help, json_schema_extra=no_default))
              for s in WORLD_SETTINGS.values()}
    return create_model(name, __base__=WorldTable, __doc__=doc or None, **fields)
