"""NGSI-LD geo-queries with a bounding-box prefilter answer as the exact test over every point."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from regioatlas.api.ngsi_ld.query import geo_mask, haversine, parse_geo_query
from regioatlas.geo import nuts


@pytest.fixture(scope="module")
def centroids() -> tuple[np.ndarray, np.ndarray]:
    """The real NUTS 2024 level-3 centroids, a few without a location (NaN)."""
    registry = nuts.NutsRegistry.default()
    extents = [registry.extent(r.code, 2024) for r in registry.regions(2024, 3)]
    points = [e.centroid for e in extents if e is not None]
    lon, lat = (np.array(c, dtype=float) for c in zip(*points, strict=True))
    lon[::97], lat[::97] = np.nan, np.nan
    return lon, lat


def _every_point(shape, relation: str, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The answer of testing each point with shapely (what the prefilter must not change)."""
    known = ~np.isnan(lon)
    points = shapely.points(np.nan_to_num(lon), np.nan_to_num(lat))
    test = {
        "within": shapely.within(points, shape),
        "intersects": shapely.intersects(points, shape),
        "disjoint": shapely.disjoint(points, shape),
        "equals": shapely.equals(points, shape),
        "contains": shapely.contains(points, shape),
    }[relation]
    return known & test


@pytest.mark.parametrize("relation", ["within", "intersects", "disjoint", "equals", "contains"])
def test_shapes_answer_as_every_point_tested(centroids, relation):
    lon, lat = centroids
    # Päijät-Häme's centroid, a box around Vienna with a corner on a centroid, a line
    x, y = float(lon[1]), float(lat[1])
    shapes = [
        ("Point", [x, y]),
        ("Polygon", [[[x, y], [x + 2, y], [x + 2, y + 2], [x, y + 2], [x, y]]]),
        ("Polygon", [[[15.5, 47.5], [17.5, 47.5], [17.5, 48.8], [15.5, 48.8], [15.5, 47.5]]]),
        ("LineString", [[x - 1, y], [x + 1, y]]),
    ]
    for geometry, coordinates in shapes:
        query = parse_geo_query(relation, geometry, json.dumps(coordinates))
        got = geo_mask(query, lon, lat)
        assert got.tolist() == _every_point(query[2], relation, lon, lat).tolist(), geometry
    if relation in ("within", "intersects"):  # the cases are not empty answers
        query = parse_geo_query(relation, "Polygon", json.dumps(shapes[2][1]))
        assert geo_mask(query, lon, lat).sum() > 3


@pytest.mark.parametrize("bound", ["maxDistance", "minDistance"])
def test_near_answers_as_every_distance_measured(centroids, bound):
    lon, lat = centroids
    for x, y, metres in ((25.66, 60.98, 60_000), (16.37, 48.21, 250_000), (-16.0, 28.3, 1e6)):
        query = parse_geo_query(f"near;{bound}=={metres}", "Point", json.dumps([x, y]))
        distances = haversine(lon, lat, x, y)
        near = distances <= metres if bound == "maxDistance" else distances >= metres
        expected = ~np.isnan(lon) & near
        got = geo_mask(query, lon, lat)
        assert got.tolist() == expected.tolist()
        assert 0 < got.sum() < len(lon)
