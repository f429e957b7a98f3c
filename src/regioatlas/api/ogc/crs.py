"""Coordinate reference systems by reference (OGC API – Features Part 2): URIs and transforms.

Features are kept in CRS84 (longitude, latitude). A ``crs`` answers in another CRS with the
axis order its authority defines (EPSG:4326 is latitude, longitude; EPSG:3035, 31287 and 2180
are northing, easting), as Part 2 asks; ``bbox-crs`` and ``filter-crs`` read coordinates the
same way. pyproj carries the PROJ data in its wheel: nothing is downloaded.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import shapely
from pyproj import CRS, Transformer

from regioatlas.model.errors import BadInput

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
#: the CRS a client may ask for: URI -> pyproj name
SUPPORTED: dict[str, str] = {
    CRS84: "OGC:CRS84",
    _EPSG + "4326": "EPSG:4326",
    _EPSG + "3035": "EPSG:3035",
    _EPSG + "3067": "EPSG:3067",
    _EPSG + "31287": "EPSG:31287",
    _EPSG + "2180": "EPSG:2180",
    _EPSG + "3857": "EPSG:3857",
}


def parse_crs(value: str | None, parameter: str = "crs") -> str:
    """The CRS URI of a parameter (default CRS84); ``[EPSG:3035]`` safe CURIEs are accepted.

    Example
    -------
    >>> parse_crs("[EPSG:3067]")
    'http://www.opengis.net/def/crs/EPSG/0/3067'
    >>> parse_crs("EPSG:9999")
    Traceback (most recent call last):
    ...
    regioatlas.model.errors.BadInput: crs EPSG:9999 is not supported; one of http://www.opengis.net/def/crs/OGC/1.3/CRS84, ...
    """
    if value is None or not value.strip():
        return CRS84
    text = value.strip().strip("<>")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text.upper().startswith("EPSG:"):
        text = _EPSG + text[5:]
    elif text.upper() in ("CRS84", "OGC:CRS84"):
        text = CRS84
    text = text.replace("https://", "http://")
    if text not in SUPPORTED:
        supported = ", ".join(SUPPORTED)
        raise BadInput(
            f"{parameter} {value} is not supported; one of {supported}", parameter=parameter
        )
    return text


@cache
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(
        CRS.from_user_input(SUPPORTED[source]), CRS.from_user_input(SUPPORTED[target])
    )


def transform(geometry: shapely.Geometry, source: str, target: str) -> shapely.Geometry:
    """A shapely geometry from one supported CRS to another (authority axis order).

    Example
    -------
    >>> transform(shapely.Point(25.66, 60.98), CRS84, parse_crs("EPSG:4326")).wkt
    'POINT (60.98 25.66)'
    """
    if source == target:
        return geometry
    t = _transformer(source, target)

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = t.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, move)


def bbox_to_crs84(bbox: tuple[float, float, float, float], crs: str) -> tuple[float, ...]:
    """A bbox given in ``crs`` (its axis order) as CRS84 (west, south, east, north)."""
    if crs == CRS84:
        return bbox
    return tuple(_transformer(crs, CRS84).transform_bounds(*bbox, densify_pts=21))


def storage_crs_bbox() -> list[float]:
    """The area of use of the data: Europe with its outermost regions, CRS84."""
    return [-63.2, -21.4, 55.9, 71.2]
