"""OGC API – Features under /ogc, through the real ASGI app over the demo store."""

from __future__ import annotations

import glob
import json
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from regioatlas.api.ogc.cql2 import parse_json, parse_text
from regioatlas.geo.nuts import NutsRegistry
from regioatlas.model.query import Page, ProjectFilter

FIXTURES = Path(__file__).parent / "fixtures" / "ogc"
BLOCKS = Path(__file__).resolve().parents[1] / "src/regioatlas/data/ogc/ogcapi-features-1.json"
ITEMS = "/ogc/collections/{}/items"


def _validator(name: str) -> Draft202012Validator:
    """A validator for one schema of the OGC Part 1 building blocks (their $refs resolved)."""
    doc = json.loads(BLOCKS.read_text())
    resource = Resource.from_contents(doc, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:ogc", resource)
    return Draft202012Validator({"$ref": f"urn:ogc#/components/schemas/{name}"}, registry=registry)


@pytest.mark.parametrize(
    "path, schema",
    [("/ogc", "landingPage"), ("/ogc/conformance", "confClasses"), ("/ogc/collections", "collections"),
     ("/ogc/collections/nuts-2024-3", "collection")],
)  # fmt: skip
def test_landing_conformance_and_collections_follow_the_ogc_schemas(app_client, path, schema):
    r = app_client.get(path)
    assert r.status_code == 200, r.text[:300]
    errors = list(_validator(schema).iter_errors(r.json()))
    assert errors == [], errors[:3]


def test_the_conformance_classes_are_those_of_the_standards(app_client):
    known = {
        uri
        for uris in json.loads((FIXTURES / "conformance-classes.json").read_text()).values()
        if isinstance(uris, list)
        for uri in uris
    }
    declared = set(app_client.get("/ogc/conformance").json()["conformsTo"])
    assert declared <= known
    assert {"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
            "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text"} <= declared  # fmt: skip


def test_collections_have_extents_and_the_api_definition_is_openapi_3_0(app_client):
    collections = {c["id"]: c for c in app_client.get("/ogc/collections").json()["collections"]}
    assert {"nuts-2024-3", "nuts-2016-0", "projects", "operations", "participants",
            "aggregates-3"} <= set(collections)  # fmt: skip
    west, south, east, north = collections["nuts-2024-3"]["extent"]["spatial"]["bbox"][0]
    assert west < -20 and east > 30 and south < 30 and north > 70  # EU with outermost regions
    start, end = collections["projects"]["extent"]["temporal"]["interval"][0]
    assert start < "2015" and end > "2025"
    api = app_client.get("/ogc/api")
    assert api.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    doc = api.json()
    assert doc["openapi"].startswith("3.0")
    items = doc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    names = {p.get("name") or p["$ref"].rsplit("/", 1)[1] for p in items}
    assert {"bbox", "datetime", "limit", "filter", "filter-lang", "crs", "sortby"} <= names


def test_paging_walks_every_feature_once_with_an_exact_number_matched(app_client):
    expected = {r.code for r in NutsRegistry.default().regions(2024, 1)}
    url, seen, pages = ITEMS.format("nuts-2024-1") + "?limit=40", [], 0
    while url:
        body = app_client.get(url).json()
        assert body["numberMatched"] == len(expected)
        assert body["numberReturned"] == len(body["features"])
        seen += [f["id"] for f in body["features"]]
        links = {link["rel"]: link["href"] for link in body["links"]}
        assert ("prev" in links) == (pages > 0)
        url = links.get("next", "").replace("http://testserver", "")
        pages += 1
    assert sorted(seen) == sorted(expected) and pages == -(-len(expected) // 40)


def test_cql2_text_and_json_select_the_same_features(app_client):
    text = "country = 'FI' AND name_latin LIKE 'P%'"
    cql_json = {"op": "and", "args": [
        {"op": "=", "args": [{"property": "country"}, "FI"]},
        {"op": "like", "args": [{"property": "name_latin"}, "P%"]}]}  # fmt: skip
    a = app_client.get(ITEMS.format("nuts-2024-3"), params={"filter": text}).json()
    b = app_client.get(
        ITEMS.format("nuts-2024-3"),
        params={"filter": json.dumps(cql_json), "filter-lang": "cql2-json"},
    ).json()
    ids = sorted(f["id"] for f in a["features"])
    assert ids == sorted(f["id"] for f in b["features"])
    expected = sorted(r.code for r in NutsRegistry.default().regions(2024, 3, "FI")
                      if r.name_latin.startswith("P"))  # fmt: skip
    assert ids == expected and "FI1C6" in ids


def _pairs():
    folder = FIXTURES / "cql2-examples"
    for path in sorted(glob.glob(str(folder / "text/*.txt"))):
        stem = Path(path).stem
        other = folder / "json" / f"{stem}.json"
        if other.exists():
            yield stem, Path(path).read_text().strip(), other.read_text()


def test_the_standards_example_pairs_parse_to_the_same_tree():
    same = unsupported = 0
    for stem, text, js in _pairs():
        try:
            a = parse_text(text)
        except Exception as exc:
            assert "CQL2 error at position" in str(exc) or "ACCENTI" in str(exc), (stem, exc)
            unsupported += 1
            continue
        assert a == parse_json(js), stem
        same += 1
    assert same >= 80 and unsupported <= 25  # functions, arithmetic and arrays are not offered


@pytest.mark.parametrize(
    "query, position",
    [("code = = 'x'", 8), ("code = 'FI1C6' AND", 19), ("S_INTERSECTS(geometry, POINT(1 2)", 34),
     ("code IN ('a' 'b')", 14), ("name_latin LIKE 'x", 17)],
)  # fmt: skip
def test_bad_cql2_is_a_400_naming_the_position(app_client, query, position):
    r = app_client.get(ITEMS.format("nuts-2024-3"), params={"filter": query})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["parameter"] == "filter"
    assert f"position {position}" in r.json()["detail"]


def test_bad_cql2_json_and_unknown_queryables_are_400s(app_client):
    r = app_client.get(ITEMS.format("nuts-2024-3"),
                       params={"filter": '{"op": "=", "args": [1]}', "filter-lang": "cql2-json"})  # fmt: skip
    assert r.status_code == 400 and "CQL2 JSON" in r.json()["detail"]
    r = app_client.get(ITEMS.format("nuts-2024-3"), params={"filter": "nope = 1"})
    assert r.status_code == 400 and "'nope' is not a queryable" in r.json()["detail"]
    r = app_client.get(ITEMS.format("nuts-2024-3"), params={"nope": "1"})
    assert r.status_code == 400 and r.json()["parameter"] == "nope"


def test_unknown_collection_and_item_are_404s(app_client):
    for path in ("/ogc/collections/nope", ITEMS.format("nope"), ITEMS.format("nuts-2024-3") + "/XX999",
                 ITEMS.format("projects") + "/no:such"):  # fmt: skip
        r = app_client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("application/problem+json")


def test_an_unsupported_crs_is_a_400_listing_the_supported(app_client):
    r = app_client.get(ITEMS.format("nuts-2024-3"), params={"crs": "EPSG:4258"})
    assert r.status_code == 400
    detail = r.json()["detail"]
    for code in (
        "CRS84",
        "EPSG/0/4326",
        "EPSG/0/3035",
        "EPSG/0/3067",
        "EPSG/0/31287",
        "EPSG/0/2180",
    ):
        assert code in detail


def test_crs_answers_in_the_authority_axis_order(app_client):
    url = ITEMS.format("nuts-2024-3") + "/FI1C6"
    lonlat = app_client.get(url).json()["geometry"]["coordinates"][0][0]
    r = app_client.get(url, params={"crs": "http://www.opengis.net/def/crs/EPSG/0/4326"})
    assert r.headers["content-crs"] == "<http://www.opengis.net/def/crs/EPSG/0/4326>"
    assert r.json()["geometry"]["coordinates"][0][0] == pytest.approx(lonlat[::-1])
    northing, easting = app_client.get(url, params={"crs": "EPSG:3035"}).json()["geometry"][
        "coordinates"][0][0]  # fmt: skip
    assert 4.5e6 < easting < 5.5e6 and 4.0e6 < northing < 4.6e6
    e, n = app_client.get(url, params={"crs": "EPSG:3067"}).json()["geometry"]["coordinates"][0][0]
    assert 300_000 < e < 500_000 and 6_700_000 < n < 6_800_000  # ETRS-TM35FIN: easting first


def test_bbox_in_another_crs_selects_the_same_regions(app_client):
    a = app_client.get(ITEMS.format("nuts-2024-3"), params={"bbox": "25.5,60.9,25.7,61.0"}).json()
    b = app_client.get(ITEMS.format("nuts-2024-3"),
                       params={"bbox": "60.9,25.5,61.0,25.7", "bbox-crs": "EPSG:4326"}).json()  # fmt: skip
    assert [f["id"] for f in a["features"]] == [f["id"] for f in b["features"]] == ["FI1C6"]


def test_datetime_and_property_filters_match_the_atlas_filters(app_client, demo_store_path):
    from regioatlas.store import open_store

    r = app_client.get(ITEMS.format("projects"),
                       params={"datetime": "2019-01-01/..", "source": "fi-rakennerahastot", "limit": 1})  # fmt: skip
    with open_store(str(demo_store_path), read_only=True) as store:
        total, _ = store.query_projects(
            ProjectFilter(sources=["fi-rakennerahastot"], period_from=date(2019, 1, 1)), Page()
        )
    assert r.json()["numberMatched"] == total > 0


def test_sortby_and_properties(app_client):
    body = app_client.get(ITEMS.format("participants"), params={
        "filter": "country = 'AT'", "sortby": "-eu_contribution_eur", "properties": "name,eu_contribution_eur",
        "limit": 5}).json()  # fmt: skip
    amounts = [f["properties"]["eu_contribution_eur"] for f in body["features"]]
    assert amounts == sorted(amounts, reverse=True) and amounts[0] > 0
    assert all(set(f["properties"]) == {"name", "eu_contribution_eur"} for f in body["features"])


def test_a_spatial_filter_on_projects_finds_them_by_their_region(app_client):
    lahti = "S_INTERSECTS(geometry, POINT(25.66 60.98))"
    body = app_client.get(ITEMS.format("projects"), params={"filter": lahti, "limit": 200}).json()
    by_region = app_client.get(
        ITEMS.format("projects"), params={"region": "FI1C6,FI1C,FI1,FI", "limit": 1}
    ).json()
    assert body["numberMatched"] == by_region["numberMatched"] > 0


def test_aggregates_take_the_atlas_filters_as_queryables(app_client):
    ogc = app_client.get(ITEMS.format("aggregates-2"),
                         params={"filter": "source = 'cordis-he-sample' AND projects >= 1", "limit": 500}).json()  # fmt: skip
    api = app_client.get(
        "/api/aggregates", params={"level": 2, "source": "cordis-he-sample"}
    ).json()
    expected = {i["code"]: i["projects"] for i in api["items"] if i["projects"] >= 1}
    got = {f["id"]: f["properties"]["projects"] for f in ogc["features"]}
    assert got == expected and ogc["numberMatched"] == len(expected) > 0
    r = app_client.get(ITEMS.format("aggregates-2"), params={"filter": "source LIKE 'c%'"})
    assert r.status_code == 400 and "atlas filter source" in r.json()["detail"]


def test_the_html_encoding_is_escaped_and_has_no_script(app_client):
    for path in ("/ogc", "/ogc/collections", "/ogc/collections/projects", ITEMS.format("projects"),
                 ITEMS.format("nuts-2024-3") + "/FI1C6"):  # fmt: skip
        r = app_client.get(path, params={"f": "html"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "<script" not in r.text and "/static/app/app.css" in r.text
    browser = app_client.get("/ogc/collections", headers={"accept": "text/html,*/*"})
    assert browser.headers["content-type"].startswith("text/html")
    evil = app_client.get(ITEMS.format("nuts-2024-3"),
                          params={"f": "html", "filter": "code = '<b>x</b>'"})  # fmt: skip
    assert "<b>x</b>" not in evil.text
