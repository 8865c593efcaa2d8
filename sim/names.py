"""Names for regions and partner firms, so the news feed reads like a story."""

from __future__ import annotations

import numpy as np

HOME_REGIONS = (
    "North America", "UK & Ireland", "DACH", "Nordics", "France", "Benelux", "Japan", "ANZ",
)
NEW_REGIONS = (
    "Latin America", "India", "Southeast Asia", "Middle East", "Iberia", "Eastern Europe",
    "Africa", "Korea",
)
_FIRST = (
    "Northwind", "Bluepeak", "Ironbridge", "Silverline", "Cedar", "Harbor", "Summit", "Keystone",
    "Redwood", "Brightpath", "Granite", "Lakeside", "Clearview", "Evergreen", "Falcon", "Meridian",
    "Oakridge", "Pinnacle", "Quarry", "Riverbend", "Stonegate", "Tidewater", "Upland", "Vantage",
    "Westgate", "Copperfield", "Driftwood", "Foxglove", "Highmoor", "Juniper", "Kestrel", "Larkspur",
    "Moorland", "Nettle", "Orchard", "Palisade", "Quill", "Rookery", "Saltmarsh", "Thornbury",
)
_SECOND = (
    "Systems", "Solutions", "Consulting", "Partners", "Digital", "Technologies", "Networks",
    "Integration", "Cloud", "Data", "Group", "IT", "Labs", "Services", "Software",
)


def region_names(n_home: int, n_new: int) -> list[str]:
    """Names for home regions then new markets."""
    return list(HOME_REGIONS[:n_home]) + list(NEW_REGIONS[:n_new])


def partner_names(rng: np.random.Generator, n: int) -> list[str]:
    """`n` distinct firm names drawn with the model's generator."""
    combos = [f"{a} {b}" for a in _FIRST for b in _SECOND]
    order = rng.permutation(len(combos))
    names = [combos[k] for k in order[: min(n, len(combos))]]
    k = 2
    while len(names) < n:  # very large worlds: add a numeral
        names.extend(f"{combos[j]} {k}" for j in order[: n - len(names)])
        k += 1
    return names
