"""Gazetteers and the locate cascade against the real package data (no mocks)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from regioatlas.geo.gazetteer import (
    LauRecord,
    fold,
    geonames_place,
    lau_by_code,
    lau_by_name,
    normalise_country,
    nuts3_for_postcode,
)
from regioatlas.geo.locate import Locator, location_report
from regioatlas.geo.points import detailed_geometry_file
from regioatlas.model import Location, PlaceHint


@pytest.fixture(scope="module")
def loc() -> Locator:
    return Locator()


# --------------------------------------------------------------------------- gazetteers


def test_fold_and_country_codes():
    assert fold("  Sankt Pölten / St. Pölten ") == "sankt polten st polten"
    assert fold("Łódź") == "lodz" and fold("Straße") == "strasse"
    assert normalise_country("GR") == normalise_country("el") == normalise_country("Greece") == "EL"
    assert normalise_country("GB") == normalise_country("GBR") == "UK"
    assert normalise_country("Österreich") == normalise_country("AUT") == "AT"
    assert normalise_country("The Netherlands") == "NL"
    assert normalise_country("Atlantis") is None and normalise_country("") is None


@pytest.mark.parametrize(
    ("country", "postcode", "nuts3"),
    [
        ("FI", "15110", "FI1C6"),  # Lahti; TERCET file row FI,15110,FI1C6
        ("FI", "FI-00100", "FI1B1"),
        ("fi", " 00100 ", "FI1B1"),
        ("AT", "1010 Wien", "AT130"),
        ("AT", "A-1010", "AT130"),
        ("Austria", "Wien 1010", "AT130"),
        ("DE", "1067", "DED21"),  # leading zero lost in a spreadsheet: 01067 Dresden
        ("DE", "D-01067", "DED21"),
        ("SE", "114 55", "SE110"),
        ("CZ", "110 00", "CZ010"),
        ("IE", "D02 X285", "IE061"),
    ],
)
def test_postcodes(country, postcode, nuts3):
    assert nuts3_for_postcode(country, postcode) == nuts3


def test_unknown_postcodes():
    assert nuts3_for_postcode("FI", "12345") is None
    assert nuts3_for_postcode("FI", "abc") is None
    assert nuts3_for_postcode("FI", "123456") is None
    assert nuts3_for_postcode("NL", "1012 AB") is None  # NL is not in the table
    assert nuts3_for_postcode("XX", "1010") is None


def test_lau_by_code():
    linz = lau_by_code("AT", "40101")
    assert linz == LauRecord("AT", "40101", "Linz", "Linz", 205726, "AT312")
    assert lau_by_code("AT", "AT_40101") == linz
    assert lau_by_code("FI", "91").name_national == "Helsinki"  # zero-padded to 091
    assert lau_by_code("DE", "09 162 000").nuts3_2016 == "DE212"
    assert lau_by_code("AT", "99999") is None
    assert lau_by_code("XX", "40101") is None


def test_lau_by_name():
    assert [r.nuts3_2016 for r in lau_by_name("FI", "LAHTI")] == ["FI1C3"]
    assert [r.lau_code for r in lau_by_name("DE", "München")] == [
        "09162000"
    ]  # ", Landeshauptstadt"
    assert [r.lau_code for r in lau_by_name("DE", "Kiel, Landeshauptstadt")] == ["01002000"]
    assert [r.lau_code for r in lau_by_name("ES", "El Ejido")] == ["04902"]  # "Ejido, El"
    assert [r.lau_code for r in lau_by_name("CH", "Bienne")] == ["CH0371"]  # "Biel/Bienne"
    assert [r.name_national for r in lau_by_name("FI", "Helsingfors")] == ["Helsinki"]  # Latin
    bochnia = lau_by_name("PL", "Bochnia")
    assert len(bochnia) == 2 and {r.nuts3_2016 for r in bochnia} == {"PL214"}
    assert lau_by_name("DE", "Neustadt") == []  # "Neustadt/Vogtl." is not a bilingual name
    assert lau_by_name("FI", "Nowhere") == [] and lau_by_name("FI", "  ") == []


def test_geonames_place():
    assert geonames_place("AT", "Vienna") == pytest.approx((48.20849, 16.37208))
    lat, lon = geonames_place("gr", "Athens")
    assert 37.9 < lat < 38.1 and 23.6 < lon < 23.8
    assert geonames_place("FR", "Saint-Denis")[0] < 0  # Réunion, the most populous one
    assert geonames_place("FI", "Atlantis") is None


# --------------------------------------------------------------------------- cascade


def test_nuts_code_valid_in_target(loc):
    r = loc.locate(PlaceHint(nuts_code="AT130"))
    assert (r.method, r.confidence, r.level) == ("nuts_code", 1.0, 3)
    assert (r.nuts0, r.nuts1, r.nuts2, r.nuts3) == ("AT", "AT1", "AT13", "AT130")
    assert r.version == 2024


def test_nuts_code_recoded(loc):
    r = loc.locate(PlaceHint(nuts_code="FI1C3", nuts_version=2021))
    assert (r.method, r.nuts3, r.confidence) == ("nuts_code_recoded", "FI1C6", 1.0)
    assert "FI1C3 (NUTS 2021)" in r.detail
    r = loc.locate(PlaceHint(nuts_code="fi1c3"))  # version detected
    assert (r.method, r.nuts3) == ("nuts_code_recoded", "FI1C6")
    r = loc.locate(PlaceHint(nuts_code="FI1C4", nuts_version=2021))  # 96 % of it is in FI1C7
    assert (r.method, r.nuts3) == ("nuts_code_recoded", "FI1C7")
    assert 0.95 <= r.confidence < 1


def test_split_codes_go_up_to_an_unambiguous_level(loc):
    r = loc.locate(PlaceHint(nuts_code="LV007", nuts_version=2021))  # 63/25/12 % in 2024
    assert (r.nuts2, r.nuts3, r.level) == ("LV00", None, 2)
    assert "splits" in r.detail
    r = loc.locate(PlaceHint(nuts_code="PT170", nuts_version=2021))  # Lisbon: PT1A0 + PT1B0
    assert (r.nuts1, r.nuts2, r.level) == ("PT1", None, 1)


def test_code_with_the_wrong_version_still_resolves(loc):
    r = loc.locate(PlaceHint(nuts_code="FI1C6", nuts_version=2021))
    assert (r.method, r.nuts3) == ("nuts_code", "FI1C6")
    assert "not a NUTS 2021 code" in r.detail


def test_unknown_code_falls_through(loc):
    r = loc.locate(PlaceHint(nuts_code="XX999", country="AT", postcode="1010"))
    assert (r.method, r.nuts3) == ("postcode", "AT130")
    assert "unknown NUTS code 'XX999'" in r.detail


def test_coordinates(loc):
    r = loc.locate(PlaceHint(lat=48.21, lon=16.37))
    assert (r.method, r.nuts3, r.confidence) == ("coordinates", "AT130", 0.95)
    r = loc.locate(PlaceHint(lat=2808000.0, lon=4796000.0, crs="EPSG:3035"))
    assert (r.method, r.nuts3) == ("coordinates", "AT130")
    r = loc.locate(PlaceHint(lat=60.13, lon=24.94))  # 300 m off the generalised coast
    assert (r.method, r.nuts3, r.confidence) == ("coordinates", "FI1B1", 0.85)
    assert "snapped" in r.detail


def test_swapped_coordinates_are_recognised_with_the_country(loc):
    r = loc.locate(PlaceHint(lat=16.37, lon=48.21, country="AT"))
    assert (r.nuts3, r.confidence) == ("AT130", 0.8)
    assert "swapped" in r.detail


def test_uk_places_get_their_newest_codes_nuts_2021(loc):
    # NUTS 2024 has no UK regions: every clue is read in NUTS 2021, the newest with UK codes
    hints = [
        PlaceHint(country="UK"),
        PlaceHint(nuts_code="UKI31", nuts_version=2021),
        PlaceHint(country="UK", lat=55.93495, lon=-3.13804),  # Edinburgh
        PlaceHint(country="UK", city="Edinburgh"),
    ]
    out = loc.locate_many(hints)
    assert [(r.version, r.method) for r in out] == [
        (2021, "country"), (2021, "nuts_code"), (2021, "coordinates"), (2021, "municipality_name"),
    ]  # fmt: skip
    assert [r.nuts3 for r in out] == [None, "UKI31", "UKM75", "UKM75"]
    assert all("no NUTS 2024 regions in UK: NUTS 2021 codes" in r.detail for r in out)
    report = location_report(out)
    assert report["by_level"]["none"] == 0
    assert report["warnings"] == [
        "rows in countries without NUTS 2024 regions keep older codes (NUTS 2021: 4)"
    ]


def test_location_report_warns_above_five_percent_unlocated(loc):
    hints = [PlaceHint(country="AT")] * 94 + [PlaceHint(country="ZZ")] * 6
    report = location_report(loc.locate_many(hints))
    [warning] = report["warnings"]
    assert warning.startswith("6 of 100 rows (6.0%) stay unlocated, more than 5%")
    hints = [PlaceHint(country="AT")] * 95 + [PlaceHint(country="ZZ")] * 5
    assert location_report(loc.locate_many(hints))["warnings"] == []


def test_bad_coordinates_never_raise(loc):
    hints = [
        PlaceHint(lat=math.nan, lon=math.nan, country="FI"),
        PlaceHint(lat=999, lon=16.0, country="AT"),
        PlaceHint(lat=0.0, lon=0.0, country="AT"),
        PlaceHint(lat="north", lon="east", country="AT"),
        PlaceHint(lat=48.2, lon=None, country="AT"),
        PlaceHint(lat=1.0, lon=1.0, crs="EPSG:99999", country="AT"),
        PlaceHint(lat=55.0, lon=3.0, country="DE"),  # North Sea
    ]
    out = loc.locate_many(hints)
    assert [r.method for r in out] == ["country"] * 7
    details = [r.detail for r in out]
    assert "not finite" in details[0]
    assert "out of range" in details[1]
    assert "(0, 0) ignored" in details[2]
    assert "not numbers" in details[3]
    assert "only one coordinate" in details[4]
    assert "EPSG:99999" in details[5]
    assert "outside every NUTS region" in details[6]


def test_postcode(loc):
    r = loc.locate(PlaceHint(country="FI", postcode="15110"))
    assert (r.method, r.nuts3, r.confidence) == ("postcode", "FI1C6", 0.9)
    assert r.detail == "postcode FI 15110 (TERCET) in FI1C6"
    r = loc.locate(PlaceHint(postcode="FI-00100"))  # the country from the prefix
    assert (r.method, r.nuts3) == ("postcode", "FI1B1")
    r = Locator(version=2021).locate(PlaceHint(country="FI", postcode="15110"))
    assert (r.method, r.nuts3, r.version) == ("postcode", "FI1C3", 2021)


def test_lau_code_linz(loc):
    r = loc.locate(PlaceHint(country="AT", lau_code="40101"))
    assert (r.method, r.nuts3, r.confidence) == ("lau_code", "AT312", 0.95)
    assert "Linz" in r.detail and "AT312 (2016)" in r.detail


def test_city_names(loc):
    r = loc.locate(PlaceHint(country="FI", city="Lahti"))
    assert (r.method, r.nuts3, r.confidence) == ("municipality_name", "FI1C6", 0.8)
    assert r.nuts2 == "FI1C"
    r = loc.locate(PlaceHint(country="PL", city="Bochnia"))  # two LAUs, one NUTS 3
    assert (r.method, r.nuts3, r.confidence) == ("municipality_name", "PL214", 0.6)
    r = loc.locate(PlaceHint(country="AT", city="1010 Wien"))
    assert (r.method, r.nuts3) == ("municipality_name", "AT130")
    r = loc.locate(PlaceHint(country="DE", city="Munich"))  # English: GeoNames, not LAU
    assert (r.method, r.nuts3, r.confidence) == ("geonames_place", "DE212", 0.6)
    r = loc.locate(PlaceHint(country="FI", city="Atlantis"))
    assert r.method == "country" and "Atlantis" in r.detail


def test_intermediate_body(loc):
    r = loc.locate(PlaceHint(body_region="AT31", body_region_version=2016))
    assert (r.method, r.nuts2, r.nuts3, r.confidence) == ("intermediate_body", "AT31", None, 0.5)
    r = loc.locate(PlaceHint(body_region="FI1C3", body_region_version=2021))
    assert (r.method, r.nuts3, r.confidence) == ("intermediate_body", "FI1C6", 0.5)


def test_country_only(loc):
    r = loc.locate(PlaceHint(country="AT"))
    assert (r.method, r.confidence, r.nuts0, r.level) == ("country", 0.3, "AT", 0)
    assert loc.locate(PlaceHint(country="GR")).nuts0 == "EL"
    assert loc.locate(PlaceHint(country="Deutschland")).nuts0 == "DE"
    assert Locator(version=2021).locate(PlaceHint(country="GB")).nuts0 == "UK"
    assert Locator(version=2006).locate(PlaceHint(country="EL")).nuts0 == "GR"


def test_nothing_usable(loc):
    r = loc.locate(PlaceHint(country="ZZ"))
    assert (r.method, r.confidence, r.level) == ("none", 0.0, None)
    assert "unknown country 'ZZ'" in r.detail
    assert loc.locate(PlaceHint()).detail == "no location clue"


def test_locate_many_memoises_without_sharing_objects(loc):
    hints = [PlaceHint(country="FI", city="Lahti"), PlaceHint(country="FI", city="Lahti")]
    a, b = loc.locate_many(hints)
    assert a == b and a is not b
    a.nuts3 = "changed"
    assert loc.locate(hints[0]).nuts3 == "FI1C6"


def test_many_country_hints_are_located_alike(loc):
    # speed is measured in bench/bench_locate.py, not here
    hints = [PlaceHint(country=("AT", "FI", "DE", "EL")[i % 4]) for i in range(150_000)]
    out = loc.locate_many(hints)
    assert len(out) == 150_000 and out[3].nuts0 == "EL" and out[4].nuts0 == "AT"
    assert {o.method for o in out} == {"country"}


def test_location_report_shares_sum_to_one(loc):
    hints = [
        PlaceHint(nuts_code="AT130"),
        PlaceHint(country="FI", postcode="15110"),
        PlaceHint(country="AT"),
        PlaceHint(body_region="AT31", body_region_version=2016),
        PlaceHint(country="ZZ"),
    ]
    report = location_report([*loc.locate_many(hints), None])
    assert report["total"] == 6
    assert sum(report["by_level"].values()) == pytest.approx(1.0)
    assert sum(report["by_method"].values()) == pytest.approx(1.0)
    assert report["counts"]["by_level"] == {"0": 1, "1": 0, "2": 1, "3": 2, "none": 2}
    assert report["counts"]["by_method"]["none"] == 2
    assert report["by_level"]["3"] == pytest.approx(2 / 6)
    assert location_report([])["total"] == 0
    one = location_report([Location(2024, "country", 0.3, nuts0="AT")])
    assert one["by_method"] == {"country": 1.0} and one["mean_confidence"] == 0.3


@pytest.mark.parametrize(
    ("country", "city", "nuts3"),
    [
        ("ES", "Eibar Guipuzcoa", "ES212"),  # province appended
        ("DK", "Odense M", "DK031"),  # postal district letter
        ("IT", "Rozzano (Mi)", "ITC4C"),
        ("FR", "Rennes Cedex", "FRH03"),
        ("DE", "Muenchen", "DE212"),  # umlaut written out
        ("BE", "Bruxelles / Brussel", "BE100"),
    ],
)
def test_city_fields_as_written_in_real_addresses(loc, country, city, nuts3):
    r = loc.locate(PlaceHint(country=country, city=city))
    assert r.nuts3 == nuts3 and r.method == "municipality_name"


def test_shortened_city_names_do_not_guess(loc):
    r = loc.locate(PlaceHint(country="AT", city="HALL IN TYROL"))  # not Hall in Styria
    assert (r.method, r.level) == ("country", 0)


def test_split_region_refined_by_the_municipality_point(loc):
    # Mikkeli's NUTS 3 of 2016 (FI1D1) was split in 2024; the town itself is in FI1DA.
    r = loc.locate(PlaceHint(country="FI", lau_code="491"))
    assert (r.method, r.nuts3) == ("lau_code", "FI1DA")
    assert "splits" in r.detail and "GeoNames place Mikkeli" in r.detail
    assert r.confidence < 0.95


def test_a_coarse_nuts_code_gives_way_to_a_finer_clue_inside_it(loc):
    hint = PlaceHint(nuts_code="AT13", country="AT", postcode="1010")
    for _ in range(2):  # memoised results must not change between calls
        r = loc.locate(hint)
        assert (r.method, r.nuts3) == ("postcode", "AT130")
        assert r.detail == "postcode AT 1010 (TERCET) in AT130, inside NUTS code AT13"
    r = loc.locate(PlaceHint(nuts_code="AT1", lat=48.21, lon=16.37))
    assert (r.method, r.nuts3) == ("coordinates", "AT130")
    r = loc.locate(PlaceHint(nuts_code="FI1C", country="FI", postcode="00100"))  # Helsinki
    assert (r.method, r.nuts2, r.nuts3) == ("nuts_code", "FI1C", None)
    assert "outside FI1C: ignored" in r.detail


# --------------------------------------------------------------------------- snapping, 1:1M

#: Real places the 1:20M outlines miss: (name, lat, lon, country, NUTS 3, metres off the outline)
OFF_THE_OUTLINE = [
    ("Rome, Vatican hole", 41.9029, 12.4534, "IT", "ITI43", 1835),
    ("Reykjavík", 64.1466, -21.9426, "IS", "IS001", 1313),
    ("Cayenne", 4.9372, -52.3260, "FR", "FRY30", 2093),
    ("Karlskrona", 56.1612, 15.5869, "SE", "SE221", 2956),
    ("Vlissingen", 51.4426, 3.5736, "NL", "NL342", 5167),
    ("Santander", 43.4623, -3.8100, "ES", "ES130", 1601),
]


@pytest.mark.parametrize(("name", "lat", "lon", "cc", "nuts3", "metres"), OFF_THE_OUTLINE)
def test_places_off_the_1_20m_outline_are_snapped_within_10_km(
    loc, name, lat, lon, cc, nuts3, metres
):
    r = loc.locate(PlaceHint(lat=lat, lon=lon, country=cc))
    assert (r.method, r.nuts3, r.confidence) == ("coordinates", nuts3, 0.85), name
    assert f"snapped {metres} m to the nearest region" in r.detail
    assert "within 10000 m of the NUTS 1:20M polygons" in r.detail


def test_snapping_distance_is_stated_and_respected():
    strict = Locator(snap_metres=2000)
    near, far = strict.locate_many(
        [PlaceHint(lat=41.9029, lon=12.4534, country="IT"), PlaceHint(lat=51.4426, lon=3.5736)]
    )
    assert (near.nuts3, near.method) == ("ITI43", "coordinates")
    assert (far.method, far.level) == ("none", None)
    assert "outside every NUTS region (1:20M polygons) and farther than 2000 m" in far.detail


def test_a_1_1m_geometry_file_is_used_when_present():
    folder = Path(__file__).parent / "fixtures" / "geo"
    assert detailed_geometry_file(2024, folder=folder).name.startswith("NUTS_RG_01M_2024")
    assert detailed_geometry_file(2021, folder=folder) is None
    detailed = Locator(geometry_dir=folder)
    assert detailed.snap_metres == 1000
    r = detailed.locate(PlaceHint(lat=51.4426, lon=3.5736, country="NL"))  # Vlissingen
    assert (r.method, r.nuts3, r.confidence) == ("coordinates", "NL342", 0.95)
    assert detailed.points.scale == "1:1M"
    # the shipped polygons stay the default
    assert Locator().geometry_file is None and Locator().snap_metres == 10_000
