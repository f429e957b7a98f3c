"""Measuring stations and their hourly values (EEA air quality): pure data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Station:
    """A measuring station and where it is placed on NUTS (``nuts_code`` None when unplaced).

    ``method`` says how it was placed: a station table naming its NUTS code, a point in polygon
    from its coordinates, or a code given by the caller.
    """

    id: str
    name: str | None = None
    nuts_code: str | None = None
    nuts_version: int | None = None
    lon: float | None = None
    lat: float | None = None
    method: str = ""


@dataclass(slots=True)
class StationValue:
    """One hourly value of a station as published: ``begin`` is ISO 8601 with its UTC offset
    (the offset counts: days are counted in the series' own offset), ``value`` in µg/m³ and
    None for an hour the publisher marks not valid (``validity`` <= 0)."""

    station: str
    pollutant: str
    begin: str
    value: float | None
    validity: int
