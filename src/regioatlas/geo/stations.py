"""Measuring stations placed on NUTS regions: by a NUTS code of any version, or by lon/lat.

The one way the CLI and the API place stations (air quality today): a station table row
gives ``nuts`` (+ ``nuts_version``) or ``lon`` and ``lat``; codes go through the region door
(:func:`regioatlas.geo.regions.resolve_region`), points through point-in-polygon on NUTS 3.
"""

from __future__ import annotations

from regioatlas.geo.regions import resolve_region
from regioatlas.model.errors import BadInput
from regioatlas.model.regions import ATLAS_VERSION


def place_stations(table: dict[str, dict], registry=None) -> dict[str, dict]:
    """Station -> ``{"nuts", "name", "method"}`` in the atlas NUTS version.

    Parameters
    ----------
    table : dict station -> row
        Rows with ``nuts`` (and optionally ``nuts_version``; without it the code is read as
        the region door reads it) or ``lon`` and ``lat`` (WGS 84), and optionally ``name``.
    registry : NutsRegistry, optional
        The NUTS registry (the shipped one by default).

    Returns
    -------
    dict station -> place
        A row whose code has no single atlas region, or whose point lies in no region, is
        ``BadInput`` naming the station.

    Example
    -------
    >>> place_stations({"DEBE034": {"nuts": "DE300", "nuts_version": "2021"}})["DEBE034"]
    {'nuts': 'DE300', 'name': None, 'method': 'station table (NUTS 2021 DE300)'}
    """
    out: dict[str, dict] = {}
    points: list[tuple[str, float, float]] = []
    for station, row in table.items():
        if row.get("nuts"):
            found = resolve_region(
                row["nuts"], row.get("nuts_version"), registry, parameter=f"station {station}"
            )
            out[station] = {
                "nuts": found.code,
                "name": row.get("name"),
                "method": f"station table (NUTS {found.asked_version} {found.asked})",
            }
            continue
        try:
            points.append((station, float(row["lon"]), float(row["lat"])))
        except (KeyError, TypeError, ValueError):
            raise BadInput(
                f"station {station}: give nuts, or lon and lat as numbers", parameter="stations"
            ) from None
    if points:
        from regioatlas.geo.points import PointLocator

        codes = PointLocator().locate([p[1] for p in points], [p[2] for p in points]).tolist()
        for (station, lon, lat), code in zip(points, codes):
            if code is None:
                raise BadInput(
                    f"station {station}: ({lon}, {lat}) lies in no NUTS 3 region",
                    parameter="stations",
                )
            out[station] = {
                "nuts": code,
                "name": table[station].get("name"),
                "method": f"point in polygon (NUTS {ATLAS_VERSION})",
            }
    return out


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
