"""Measuring stations placed on NUTS regions: by a NUTS code of any version, or by lon/lat.

The one way the CLI and the API place stations (air quality today): a station table row
gives ``nuts`` (+ ``nuts_version``) or ``lon`` and ``lat``; codes go through the region door
(:func:`regioatlas.geo.regions.resolve_region`), points through point-in-polygon on NUTS 3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from regioatlas.geo.regions import parse_nuts_version, resolve_region
from regioatlas.model.errors import BadInput, InputError, RegioAtlasError, RowError
from regioatlas.model.regions import ATLAS_VERSION
from regioatlas.model.stations import Station

if TYPE_CHECKING:
    from regioatlas.geo.points import PointLocator


@dataclass(frozen=True)
class StationPlace:
    """Where one station is: its atlas NUTS 3 region, how it was placed, and its point if given."""

    nuts: str
    method: str
    lon: float | None = None
    lat: float | None = None

    def as_dict(self, name: str | None = None) -> dict:
        """The place as the side-by-side table reads it (``nuts``, ``name``, ``method``)."""
        return {"nuts": self.nuts, "name": name, "method": self.method}


def place_station(
    station: str,
    row: Mapping[str, object],
    registry=None,
    *,
    locator: PointLocator | None = None,
) -> StationPlace:
    """Place one station-table row on its atlas region: the rules every station table follows.

    A row with ``nuts`` (and optionally ``nuts_version``; without it the code is read as the
    region door reads it, any version 2006-2024) is mapped to its one atlas region; a row with
    ``lon`` and ``lat`` (WGS 84) is placed by point in polygon on NUTS 3.

    Parameters
    ----------
    station : str
        The station's code, named in errors.
    row : mapping
        The row: ``nuts`` (+ ``nuts_version``) or ``lon`` and ``lat``.
    registry : NutsRegistry, optional
        The NUTS registry (the shipped one by default).
    locator : PointLocator, optional
        Reused across rows (loading the polygons is the slow part); made when needed.

    Raises
    ------
    RegioAtlasError
        ``BadInput`` or ``NotFound`` whose ``parameter`` is the row's column at fault
        (``nuts``, ``nuts_version``, ``lon``): a bad version, a code of no NUTS version or
        without one atlas region, coordinates that are not numbers or lie in no region.

    Example
    -------
    >>> place_station("DEBE034", {"nuts": "DE300", "nuts_version": "2021"})
    StationPlace(nuts='DE300', method='station table (NUTS 2021 DE300)', lon=None, lat=None)
    """
    if row.get("nuts"):
        version = parse_nuts_version(row.get("nuts_version") or None, "nuts_version")
        found = resolve_region(row["nuts"], version, registry, parameter="nuts")
        return StationPlace(found.code, f"station table (NUTS {found.asked_version} {found.asked})")
    try:
        lon, lat = float(str(row["lon"])), float(str(row["lat"]))
    except (KeyError, ValueError):
        raise BadInput(
            f"station {station}: give nuts, or lon and lat as numbers", parameter="lon"
        ) from None
    if locator is None:
        from regioatlas.geo.points import PointLocator

        locator = PointLocator()
    code = locator.locate([lon], [lat]).tolist()[0]
    if code is None:
        raise BadInput(
            f"station {station}: ({lon}, {lat}) lies in no NUTS 3 region", parameter="lon"
        )
    return StationPlace(code, f"point in polygon (NUTS {ATLAS_VERSION})", lon, lat)


def place_station_table(
    table: Mapping[str, Mapping[str, object]], name: str = "station table", registry=None
) -> tuple[dict[str, StationPlace], list[RowError]]:
    """Every row of a station table placed by :func:`place_station`, and a ``RowError`` (table,
    line, column, reason, value) for each row that cannot be placed.

    Rows are numbered as in the file, the header being line 1.

    Example
    -------
    >>> places, errors = place_station_table({"A": {"nuts": "XX999"}}, "stations.csv")
    >>> places, str(errors[0])
    ({}, "stations.csv, line 2, column 'nuts': no NUTS region 'XX999' in any version 2006-2024 (value: 'XX999')")
    """
    places: dict[str, StationPlace] = {}
    errors: list[RowError] = []
    locator: PointLocator | None = None
    for line, (station, row) in enumerate(table.items(), start=2):
        if not row.get("nuts") and locator is None:
            from regioatlas.geo.points import PointLocator

            locator = PointLocator()
        try:
            places[station] = place_station(station, row, registry, locator=locator)
        except RegioAtlasError as exc:  # collected: the reader reports every row at once
            column = exc.parameter or "nuts"
            value = row.get(column)
            errors.append(
                RowError(name, line, column, str(exc), None if value is None else str(value))
            )
    return places, errors


def place_stations(
    table: Mapping[str, Mapping[str, object]], registry=None, *, name: str = "station table"
) -> dict[str, dict]:
    """Station -> ``{"nuts", "name", "method"}`` in the atlas NUTS version (the CLI's door).

    Parameters
    ----------
    table : dict station -> row
        Rows as :func:`place_station` reads them, and optionally ``name``.
    registry : NutsRegistry, optional
        The NUTS registry (the shipped one by default).
    name : str
        The table's name in errors.

    Returns
    -------
    dict station -> place
        Rows that cannot be placed are one ``InputError`` listing each (line, column, reason).

    Example
    -------
    >>> place_stations({"DEBE034": {"nuts": "DE300", "nuts_version": "2021"}})["DEBE034"]
    {'nuts': 'DE300', 'name': None, 'method': 'station table (NUTS 2021 DE300)'}
    """
    places, errors = place_station_table(table, name, registry)
    if errors:
        raise InputError(errors)
    return {s: p.as_dict(_text(table[s].get("name"))) for s, p in places.items()}


def _text(value: object) -> str | None:
    return str(value) if value else None


def stations_in_region(
    stations, code: str, version=None, registry=None, *, parameter: str = "nuts"
) -> dict[str, dict]:
    """Every station placed in one region given by the caller (a code of any NUTS version).

    Example
    -------
    >>> stations_in_region(["DEBE034"], "DE300")["DEBE034"]["nuts"]
    'DE300'
    """
    found = resolve_region(code, version, registry, parameter=parameter)
    method = f"given by the caller ({found.asked}, NUTS {found.asked_version})"
    return {s: {"nuts": found.code, "name": None, "method": method} for s in stations}


def station_places(stations: list[Station]) -> dict[str, dict]:
    """Station → place as the side-by-side table reads it (placed stations only)."""
    return {
        s.id: {"name": s.name, "nuts": s.nuts_code, "method": s.method}
        for s in stations
        if s.nuts_code
    }
