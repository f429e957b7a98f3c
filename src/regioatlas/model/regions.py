"""NUTS regions as plain values."""

from __future__ import annotations

from dataclasses import dataclass

#: NUTS versions whose codes RegioAtlas knows; polygons ship for 2016, 2021 and 2024.
NUTS_VERSIONS: tuple[int, ...] = (2006, 2010, 2013, 2016, 2021, 2024)
#: Versions with polygons (and so with names, parents and neighbours) inside the package.
MAPPED_VERSIONS: tuple[int, ...] = (2016, 2021, 2024)
#: The version every location is stated in unless the caller asks for another.
ATLAS_VERSION = 2024


@dataclass(frozen=True, slots=True)
class Region:
    """A NUTS region of one NUTS version.

    Example
    -------
    >>> Region("FI1C3", 2021, 3, "FI", "Päijät-Häme", "Päijät-Häme", "FI1C")
    Region(code='FI1C3', version=2021, level=3, country='FI', ...)
    """

    code: str
    version: int
    level: int
    country: str
    name_latin: str
    name_national: str
    parent: str | None
