"""Typology of regions: the required results, versions, overrides, bad input."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from regioatlas.cli import main
from regioatlas.geo.typology import METROPOLIS, NEXT_TO, OTHER, Override, Typology, TypologyError


@pytest.fixture(scope="module")
def typology():
    return Typology.default()


@pytest.mark.parametrize(
    ("code", "version", "metropolis"),
    [
        ("FI1C3", 2021, "FI1B1"),  # Päijät-Häme, NUTS 2021
        ("FI1C6", 2024, "FI1B1"),  # the same region in NUTS 2024
        ("FI1C3", 2016, "FI1B1"),
        ("FI1C2", 2021, "FI1B1"),  # Kanta-Häme
        ("FI1C2", 2024, "FI1B1"),
        ("AT12", 2024, "AT13"),  # Niederösterreich next to Wien
        ("AT12", 2021, "AT13"),
        ("FI1C", 2024, "FI1B"),
    ],
)
def test_required_regions_are_next_to_their_metropolis(typology, code, version, metropolis):
    t = typology.classify(code, version)
    assert t.type == NEXT_TO and t.metropolis == metropolis and t.relation == "adjacent"
    assert any("shares a border" in r for r in t.reasons)


@pytest.mark.parametrize(("code", "version"), [("FI1B1", 2024), ("AT13", 2024), ("AT130", 2024)])
def test_capitals_are_metropolises(typology, code, version):
    t = typology.classify(code, version)
    assert t.type == METROPOLIS and t.metropolis is None


def test_commuting_belt_and_remote_regions(typology):
    belt = typology.classify("AT125", 2024)  # Weinviertel: in the Wien metro region, not adjacent
    assert belt.type == NEXT_TO and belt.metropolis == "AT130"
    assert belt.relation == "same metro region" and belt.metro_region[0] == "AT001MC"
    far = typology.classify("FI1D7", 2024)  # Lappi
    assert far.type == OTHER and far.relation == "nearest in country" and far.metropolis == "FI1B1"


def test_every_version_has_all_three_classes(typology):
    for version in (2016, 2021, 2024):
        for level in (2, 3):
            kinds = {t.type for t in typology.regions(version, level).values()}
            assert kinds == {METROPOLIS, NEXT_TO, OTHER}


def test_override(typology):
    base = typology.classify("FI1C6", 2024)
    t = typology.apply_override(base, Override(metropolis="FI1C1", note="Turku instead"))
    assert t.metropolis == "FI1C1" and t.source == "override" and t.relation == "override"
    with pytest.raises(TypologyError, match="not valid in NUTS 2024"):
        typology.apply_override(base, Override(metropolis="FI197"))  # a NUTS 2021 code
    with pytest.raises(TypologyError):
        typology.apply_override(base, Override(metropolis="FI1B"))  # wrong level
    with pytest.raises(TypologyError):
        typology.apply_override(base, Override(type="suburb"))
    with pytest.raises(TypologyError):
        typology.classify("FI1", 2024)


def test_typology_api(app_client):
    r = app_client.get("/api/typology/FI1C3").json()
    assert (r["code"], r["version"], r["type"], r["metropolis"]) == (
        "FI1C3",
        2021,
        NEXT_TO,
        "FI1B1",
    )
    assert r["metropolis_name"] == "Helsinki-Uusimaa" and r["region"]["code"] == "FI1C6"
    r = app_client.get("/api/typology/AT12?metropolis=AT13&type=next_to_metropolis").json()
    assert r["source"] == "override" and r["metropolis"] == "AT13"
    listing = app_client.get("/api/typology?level=2&country=AT").json()
    assert {i["code"]: i["type"] for i in listing["items"]}["AT13"] == METROPOLIS
    for url, status in (
        ("/api/typology/FI1C3?version=2024", 404),  # not a NUTS 2024 code
        ("/api/typology/XX123", 404),
        ("/api/typology/FI1C6?metropolis=FI1B", 400),  # other level
        ("/api/typology/FI1C6?type=suburb", 400),
        ("/api/typology?level=1", 400),
    ):
        resp = app_client.get(url)
        assert resp.status_code == status, url
        assert resp.headers["content-type"].startswith("application/problem+json")


def test_typology_cli():
    out = CliRunner().invoke(main, ["typology", "FI1C3", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert '"metropolis": "FI1B1"' in out.output and '"version": 2021' in out.output
    bad = CliRunner().invoke(main, ["typology", "FI1C3", "--version", "2024"])
    assert bad.exit_code != 0 and "valid in NUTS" in bad.output
