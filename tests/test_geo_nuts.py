"""NUTS registry and point locator against the real package data (no mocks)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import shapely

from regioatlas.geo.nuts import NutsRegistry, UnknownVersion, zoom_column
from regioatlas.geo.points import PointLocator, to_lonlat
from regioatlas.model import NotFound, RegioAtlasError
from regioatlas.model.regions import MAPPED_VERSIONS, NUTS_VERSIONS


@pytest.fixture(scope="module")
def reg() -> NutsRegistry:
    return NutsRegistry.default()


@pytest.fixture(scope="module")
def points(reg) -> PointLocator:
    return PointLocator(reg)


# --------------------------------------------------------------------------- codes


def test_default_is_a_singleton():
    assert NutsRegistry.default() is NutsRegistry.default()


def test_validity_follows_the_2024_revision_in_finland(reg):
    assert reg.is_valid("FI1C3", 2021)
    assert not reg.is_valid("FI1C3", 2024)
    assert reg.is_valid("FI1C6", 2024)
    assert not reg.is_valid("FI1C6", 2021)
    assert reg.is_valid(" fi1c6 ", 2024)  # normalised


def test_versions_of(reg):
    assert reg.versions_of("FI1C3") == [2010, 2013, 2016, 2021]
    assert reg.versions_of("FI1C6") == [2024]
    assert reg.versions_of("AT130") == list(NUTS_VERSIONS)
    assert reg.versions_of("GR3") == [2006]  # Greece was GR in NUTS 2006, EL since
    assert reg.versions_of("EL3") == [2010, 2013, 2016, 2021, 2024]
    assert reg.versions_of("XX999") == []


def test_level_0_and_extra_regio_codes_are_valid(reg):
    for version in NUTS_VERSIONS:
        assert reg.is_valid("AT", version)
        assert reg.is_valid("ATZZZ", version)
    assert reg.is_valid("UK", 2021) and not reg.is_valid("UK", 2024)


def test_get_returns_region_with_names(reg):
    r = reg.get("FI1C6")
    assert (r.code, r.version, r.level, r.country, r.parent) == ("FI1C6", 2024, 3, "FI", "FI1C")
    assert r.name_latin == "Päijät-Häme"
    assert reg.get("BG", 2024).name_national == "България"  # trailing blank stripped
    # 2016 countries are upper-case with a trailing blank in GISCO; the 2021 list's name wins.
    assert reg.get("ES", 2016).name_latin == "España"
    assert reg.get("AT13", 2006).name_latin == "Wien"


def test_get_errors_say_where_the_code_is_valid(reg):
    with pytest.raises(NotFound, match=r"valid in NUTS 2010, 2013, 2016, 2021"):
        reg.get("FI1C3", 2024)
    with pytest.raises(NotFound, match="unknown NUTS code 'XX999'"):
        reg.get("XX999")
    with pytest.raises(NotFound, match="did you mean 'EL64'"):
        reg.get("GR64", 2021)
    with pytest.raises(UnknownVersion, match="known versions"):
        reg.get("AT13", 2019)
    assert issubclass(UnknownVersion, RegioAtlasError) and issubclass(UnknownVersion, ValueError)


def test_ancestors(reg):
    assert reg.ancestors("FI1C3", 2021) == {0: "FI", 1: "FI1", 2: "FI1C", 3: "FI1C3"}
    assert reg.ancestors("AT13") == {0: "AT", 1: "AT1", 2: "AT13"}
    assert reg.ancestors("AT") == {0: "AT"}
    with pytest.raises(NotFound):
        reg.ancestors("FI1C3", 2024)


def test_children_of_at1(reg):
    assert [r.code for r in reg.children("AT1")] == ["AT11", "AT12", "AT13"]
    assert [r.code for r in reg.children("AT13")] == ["AT130"]
    assert "ATZ" in [r.code for r in reg.children("AT")]


def test_regions_filters(reg):
    at3 = reg.regions(2024, level=3, country="AT")
    assert len(at3) == 36 and all(r.level == 3 and r.country == "AT" for r in at3)
    assert [r.code for r in at3] == sorted(r.code for r in at3)
    assert {r.country for r in reg.regions(2024, 0, "GR")} == {"EL"}
    assert not reg.regions(2024, 0, "UK")
    assert len(reg.regions(2021, 0)) == 37


def test_neighbours(reg):
    assert [r.code for r in reg.neighbours("AT13")] == ["AT12"]
    assert "FI1C2" in [r.code for r in reg.neighbours("FI1B1", 2021)]
    assert "FI1C2" in [r.code for r in reg.neighbours("FI1B1", 2024)]
    assert "FI1C6" in [r.code for r in reg.neighbours("FI1B1", 2024)]
    assert "FI1C3" in [r.code for r in reg.neighbours("FI1B1", 2021)]
    at = {r.code for r in reg.neighbours("AT")}
    assert {"DE", "CH", "IT", "SI", "HU", "SK", "CZ", "LI"} == at
    # Neighbourhood is symmetric, same level, same version.
    for code in ("AT312", "FI1C6", "DE212"):
        for n in reg.neighbours(code):
            assert n.level == 3 and n.version == 2024
            assert code in [m.code for m in reg.neighbours(n.code)]
    assert reg.neighbours("AT13", 2013) == []  # no polygons before 2016


# --------------------------------------------------------------------------- recoding


def test_recode(reg):
    assert reg.recode("FI1C3", 2021, 2024) == [("FI1C6", 1.0)]
    split = reg.recode("FI1C4", 2021, 2024)
    assert [c for c, _ in split] == ["FI1C7", "FI1C6"]
    assert sum(s for _, s in split) == pytest.approx(1.0)
    assert split[0][1] > split[1][1]
    by_area = reg.recode("FI1C4", 2021, 2024, weight="area")
    assert by_area[0][0] == "FI1C7" and by_area[0][1] != split[0][1]
    assert reg.recode("AT130", 2016, 2024) == [("AT130", 1.0)]  # identity when unchanged
    assert reg.recode("AT130", 2024, 2024) == [("AT130", 1.0)]
    assert reg.recode("UKI31", 2021, 2024) == []  # no UK in NUTS 2024
    assert reg.recode("FI1C3", 2024, 2021) == []  # not a 2024 code
    assert reg.recode("GR", 2006, 2024) == [("EL", 1.0)]
    assert reg.recode("AL011", 2021, 2024) == [("AL011", 1.0)]  # outside the JRC tables
    with pytest.raises(ValueError):
        reg.recode("AT130", 2016, 2024, weight="votes")


def test_recode_backwards_and_across_many_versions(reg):
    back = reg.recode("FI1C6", 2024, 2021)  # FI1C6 took a corner of FI1C4 in 2024
    assert back[0][0] == "FI1C3" and back[0][1] > 0.95 and back[1][0] == "FI1C4"
    targets = reg.recode("FI196", 2006, 2024)
    assert targets and targets[0][0].startswith("FI19")


# --------------------------------------------------------------------------- shapes


def test_geometry_is_geojson_and_zoom_bands_simplify(reg):
    full = reg.geometry("AT13")
    assert full["type"] == "Polygon"
    assert json.loads(json.dumps(full)) == full
    coarse = reg.geometry("FI1C6", zoom=4)
    fine = reg.geometry("FI1C6", zoom=12)
    assert len(json.dumps(coarse)) < len(json.dumps(fine))
    assert reg.geometry("ATZZZ") is None  # Extra-Regio has no polygon
    assert reg.geometry("AT13", 2013) is None
    with pytest.raises(NotFound):
        reg.geometry("FI1C3", 2024)
    assert [zoom_column(z) for z in (None, 3, 6, 8, 9, 14)] == [
        "wkb",
        "wkb_t0100",
        "wkb_t0020",
        "wkb_t0005",
        "wkb",
        "wkb",
    ]


@pytest.mark.parametrize("version", MAPPED_VERSIONS)
@pytest.mark.parametrize("zoom", [None, 3, 6, 8])
def test_every_band_is_valid_and_not_empty(reg, version, zoom):
    for level in range(4):
        shapes = reg.geometries(version, level, zoom)
        assert len(shapes) == sum(
            reg.has_geometry(r.code, version) for r in reg.regions(version, level)
        )
        geoms = shapely.from_geojson([json.dumps(g) for g in shapes.values()])
        assert shapely.is_valid(geoms).all()
        assert not shapely.is_empty(geoms).any()


def test_geometries_are_cached(reg):
    assert reg.geometries(2024, 3, 5) is reg.geometries(2024, 3, 6)
    assert reg.geometries(2013, 3) == {}


def test_extent(reg):
    ext = reg.extent("AT13")
    lon, lat = ext.centroid
    minx, miny, maxx, maxy = ext.bbox
    assert minx < lon < maxx and miny < lat < maxy
    assert 16.2 < lon < 16.6 and 48.1 < lat < 48.3
    assert reg.extent("ATZZZ") is None and not reg.has_geometry("ATZZZ")


# --------------------------------------------------------------------------- points


def test_point_in_vienna(points):
    assert points.locate([16.37], [48.21]).tolist() == ["AT130"]


def test_point_in_etrs_laea(points):
    x, y = 4796000.0, 2808000.0  # Vienna in EPSG:3035 (easting, northing)
    lon, lat = to_lonlat([x], [y], "EPSG:3035")
    assert abs(lon[0] - 16.4) < 0.05 and abs(lat[0] - 48.2) < 0.05
    assert points.locate([x], [y], crs="EPSG:3035").tolist() == ["AT130"]


def test_sea_nonfinite_and_out_of_range_points_give_none(points):
    lon = [3.0, math.nan, 16.37, 999.0, -170.0, math.inf]
    lat = [55.0, 48.21, math.nan, 48.0, 10.0, 48.0]
    assert points.locate(lon, lat).tolist() == [None] * 6


def test_points_agree_with_shapely_within(reg, points):
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(-11, 32, 20_000), rng.uniform(35, 70, 20_000)
    codes, geoms = reg.shapes(2024, 3)
    p, g = shapely.STRtree(geoms).query(shapely.points(lon, lat), predicate="within")
    expected = np.full(len(lon), None, dtype=object)
    expected[p] = np.array(codes, dtype=object)[g]
    assert (points.locate(lon, lat) == expected).all()


def test_other_levels_and_versions(reg):
    assert PointLocator(reg, 2021, 3).locate([25.66], [60.98]).tolist() == ["FI1C3"]
    assert PointLocator(reg, 2024, 0).locate([25.66], [60.98]).tolist() == ["FI"]
    with pytest.raises(UnknownVersion):
        PointLocator(reg, 2019)
    with pytest.raises(ValueError, match="no NUTS 2013 polygons"):
        PointLocator(reg, 2013)


def test_locate_near_snaps_coastal_points_only(points):
    # Helsinki harbour: in the sea of the generalised coastline, a few hundred metres out.
    lon, lat = [24.93, 3.0], [60.12, 55.0]
    assert points.locate(lon, lat).tolist() == [None, None]
    codes, dist = points.locate_near(lon, lat, max_distance_m=3000)
    assert codes.tolist() == ["FI1B1", None]
    assert 0 < dist[0] <= 3000 and math.isnan(dist[1])
    codes, dist = points.locate_near([16.37], [48.21])
    assert codes.tolist() == ["AT130"] and dist[0] == 0


@pytest.mark.parametrize(
    "module",
    [
        "regioatlas.geo.nuts",
        "regioatlas.geo.points",
        "regioatlas.geo.gazetteer",
        "regioatlas.geo.locate",
    ],
)
def test_docstring_examples_hold(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
