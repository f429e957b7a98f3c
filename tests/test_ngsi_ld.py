"""NGSI-LD under /ngsi-ld/v1: real store (a subset of the demo datasets, ingested from the
shipped files), the real ASGI app, Smart Data Models JSON Schemas from ../shared/standards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regioatlas.api.ngsi_ld.errors import ETSI_ERRORS

STANDARDS = Path(__file__).resolve().parents[1].parent.parent / "shared" / "standards"
if not STANDARDS.exists():
    STANDARDS = Path("/work/shared/standards")
SDM = STANDARDS / "smart-data-models"
#: a small real store: Digital Decade (NUTS 0), regional digital, EEA Berlin, GDP per head
#: (a scorecard measure), population, the Austrian list of operations
DATASETS = [
    "eurostat-population",
    "digital-decade",
    "eurostat-regional-digital",
    "eea-aq",
    "at-efre",
]
GDP = ("eurostat-tsv", ["estat_nama_10r_3gdp_2024-05_pps_hab.tsv.gz"])
BASE = "/ngsi-ld/v1"


@pytest.fixture(scope="module")
def ngsi_store(tmp_path_factory) -> Path:
    from regioatlas.demo import DEMO_DATASETS, demo_file
    from regioatlas.ingest import ingest
    from regioatlas.store import open_store

    path = tmp_path_factory.mktemp("ngsi") / "ngsi.duckdb"
    wanted = [(s, n) for s, n in DEMO_DATASETS if s in DATASETS] + [GDP]
    with open_store(str(path)) as store:
        for source, names in wanted:
            ingest(store, source, [demo_file(n) for n in names], allow_partial=True)
    return path


@pytest.fixture(scope="module")
def client(ngsi_store):
    from starlette.testclient import TestClient

    from regioatlas.web.app import create_app

    with TestClient(create_app(str(ngsi_store)), raise_server_exceptions=False) as c:
        yield c


def _entities(client, **params):
    r = client.get(f"{BASE}/entities", params={"options": "keyValues", **params})
    assert r.status_code == 200, r.text
    return r.json()


# --- Smart Data Models: every served entity validates against its schema ---------------------
def _validator(schema_path: Path):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    local = {
        "https://smart-data-models.github.io/data-models/common-schema.json": SDM
        / "data-models/common-schema.json",
        "https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/"
        "Environment-schema.json": SDM / "dataModel.Environment/Environment-schema.json",
    }
    registry = Registry().with_resources(
        (url, Resource.from_contents(json.loads(p.read_text()))) for url, p in local.items()
    )
    return Draft202012Validator(json.loads(schema_path.read_text()), registry=registry)


SCHEMAS = {
    "KeyPerformanceIndicator": "dataModel.KeyPerformanceIndicator/KeyPerformanceIndicator/schema.json",
    "AirQualityObserved": "dataModel.Environment/AirQualityObserved/schema.json",
    "Project": "dataModel.SDG/Project/schema.json",
    "Organization": "dataModel.Organization/Organization/schema.json",
}


def _region_schema() -> dict:
    """NutsRegion: no Smart Data Model; the common schema's GSMA- and Location-Commons."""
    base = "https://smart-data-models.github.io/data-models/common-schema.json#/definitions/"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [{"$ref": base + "GSMA-Commons"}, {"$ref": base + "Location-Commons"}],
        "required": ["id", "type"],
    }


@pytest.mark.parametrize("entity_type", [*SCHEMAS, "NutsRegion"])
def test_every_entity_validates_against_its_smart_data_model(client, tmp_path, entity_type):
    if entity_type == "NutsRegion":
        path = tmp_path / "region.json"
        path.write_text(json.dumps(_region_schema()))
    else:
        path = SDM / SCHEMAS[entity_type]
    validator = _validator(path)
    entities = _entities(client, type=entity_type, limit=1000)
    assert entities, entity_type
    for e in entities:
        errors = [f"{e['id']}: {x.message}" for x in validator.iter_errors(e)]
        assert not errors, errors[:3]
    # the validator is not vacuous: a wrong standing is refused
    if entity_type == "KeyPerformanceIndicator":
        assert list(validator.iter_errors({**entities[0], "currentStanding": "great"}))


def test_kpi_values_come_from_the_store_figures(client):
    # DESI 2026 country profile: 5G coverage of Finland, year offset -1 (the catalogue's series)
    e = client.get(
        f"{BASE}/entities/urn:ngsi-ld:KeyPerformanceIndicator:regioatlas:dd_5g_coverage:FI:2025-01-01",
        params={"options": "keyValues"},
    ).json()
    from regioatlas.store import open_store

    r = client.app.state.atlas.store.figures("desi_2026_country_profile/desi_5gcov", codes=["FI"])
    assert e["kpiValue"] == r[0].value and e["area"] == "FI" and e["unit"] == "%"
    assert e["calculationPeriod"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert open_store  # imported for the type only
    # a scorecard measure (GDP per head, NUTS 2024) is served per region and year
    gdp = _entities(
        client, type="KeyPerformanceIndicator", q='measure=="gdp_per_head_pps";area=="FI1C"'
    )
    assert len({g["calculationPeriod"]["from"] for g in gdp}) > 5


def test_query_by_q_geo_and_count(client):
    # within 60 km of Lahti (25.66 E, 60.98 N): Päijät-Häme's and neighbours' centroids
    params = {
        "type": "NutsRegion",
        "georel": "near;maxDistance==60000",
        "geometry": "Point",
        "coordinates": "[25.66,60.98]",
        "q": "nutsLevel==3",
        "count": "true",
        "limit": 1,
    }
    r = client.get(f"{BASE}/entities", params={**params, "options": "keyValues"})
    assert r.status_code == 200
    total = int(r.headers["NGSILD-Results-Count"])
    assert len(r.json()) == 1 and total >= 1
    codes = {e["nutsCode"] for e in _entities(client, **{**params, "limit": 100})}
    assert "FI1C6" in codes and "FI1B1" not in codes  # Helsinki-Uusimaa's centroid is farther
    within = _entities(
        client,
        type="NutsRegion",
        georel="within",
        geometry="Polygon",
        coordinates="[[[24,60],[27,60],[27,62],[24,62],[24,60]]]",
        q="nutsLevel==3",
        limit=100,
    )
    assert "FI1C6" in {e["nutsCode"] for e in within}
    assert all(24 <= e["location"]["coordinates"][0] <= 27 for e in within)
    # idPattern, attrs projection, ranges, or
    kpis = _entities(
        client,
        type="KeyPerformanceIndicator",
        idPattern=r":dd_5g_coverage:(FI|AT):",
        attrs="kpiValue,area",
        q="kpiValue==0..100|kpiValue<0",
    )
    assert {e["area"] for e in kpis} == {"FI", "AT"}
    assert all(set(e) == {"id", "type", "kpiValue", "area"} for e in kpis)


def test_normalized_ld_json_link_header_and_geojson(client):
    eid = "urn:ngsi-ld:NutsRegion:FI1C6"
    r = client.get(f"{BASE}/entities/{eid}")
    assert r.headers["content-type"].startswith("application/json")
    assert 'rel="http://www.w3.org/ns/json-ld#context"' in r.headers["link"]
    body = r.json()
    assert body["name"] == {"type": "Property", "value": "Päijät-Häme"}
    assert body["location"]["type"] == "GeoProperty"
    assert body["refParent"] == {"type": "Relationship", "object": "urn:ngsi-ld:NutsRegion:FI1C"}
    ld = client.get(f"{BASE}/entities/{eid}", headers={"Accept": "application/ld+json"})
    assert ld.headers["content-type"].startswith("application/ld+json") and "link" not in ld.headers
    context = ld.json()["@context"]
    core = client.get(context[1])  # served offline, the ETSI core context 1.8
    assert core.status_code == 200 and "ngsi-ld" in json.dumps(core.json())
    user = client.get(context[0]).json()["@context"]
    assert user["kpiValue"].startswith("https://smartdatamodels.org/")
    geo = client.get(
        f"{BASE}/entities", params={"type": "AirQualityObserved"},
        headers={"Accept": "application/geo+json"},
    ).json()  # fmt: skip
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 4
    assert geo["features"][0]["geometry"]["type"] == "Point"
    assert client.get(f"{BASE}/types", headers={"Accept": "text/html"}).status_code == 406


def test_types_attributes_and_temporal(client):
    types = client.get(f"{BASE}/types").json()["typeList"]
    assert {"KeyPerformanceIndicator", "AirQualityObserved", "Project"} <= set(types)
    info = client.get(f"{BASE}/types/AirQualityObserved").json()
    assert info["entityCount"] == 4 and "pm25" in info["attributeNames"]
    assert "kpiValue" in client.get(f"{BASE}/attributes").json()["attributeList"]
    assert client.get(f"{BASE}/attributes/pm25").json()["attributeCount"] == 4
    eid = "urn:ngsi-ld:AirQualityObserved:eea:DEBE034"
    t = client.get(
        f"{BASE}/temporal/entities/{eid}",
        params={"timerel": "between", "timeAt": "2021-01-01T00:00:00Z",
                "endTimeAt": "2021-01-02T00:00:00Z", "attrs": "pm25"},
    ).json()  # fmt: skip
    hours = t["pm25"]
    assert 0 < len(hours) <= 24 and all("observedAt" in h for h in hours)
    many = client.get(
        f"{BASE}/temporal/entities",
        params={"type": "AirQualityObserved", "lastN": 3, "options": "keyValues"},
    ).json()
    assert len(many) == 4 and all(len(m["pm25"]["values"]) == 3 for m in many)


@pytest.mark.parametrize(
    ("path", "params", "status", "etsi", "parameter"),
    [
        ("/entities/urn:ngsi-ld:NutsRegion:XX999", {}, 404, "ResourceNotFound", "entityId"),
        ("/entities", {"type": "KeyPerformanceIndicator", "q": "kpiValue>>1"}, 400, "BadRequestData", "q"),
        ("/entities", {"type": "NutsRegion", "q": "(nutsLevel==1"}, 400, "BadRequestData", "q"),
        ("/entities", {"type": "NutsRegion", "georel": "near;maxDistance==1000"}, 400,
         "BadRequestData", "geometry"),
        ("/entities", {"type": "NutsRegion", "georel": "near"}, 400, "BadRequestData", "georel"),
        ("/entities", {"type": "NutsRegion", "georel": "within", "geometry": "Polygon",
                       "coordinates": "[1,2"}, 400, "BadRequestData", "coordinates"),
        ("/entities", {"idPattern": "(", "type": "NutsRegion"}, 400, "BadRequestData", "idPattern"),
        ("/entities", {}, 400, "BadRequestData", "type"),
        ("/types/Nope", {}, 404, "ResourceNotFound", "type"),
        ("/temporal/entities", {"type": "AirQualityObserved", "timerel": "during"}, 400,
         "BadRequestData", "timerel"),
    ],
)  # fmt: skip
def test_bad_input_is_an_etsi_problem(client, path, params, status, etsi, parameter):
    r = client.get(BASE + path, params=params)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["type"] == ETSI_ERRORS + etsi and body["parameter"] == parameter


def test_a_write_without_the_role_is_refused_and_changes_nothing(client):
    store = client.app.state.atlas.store
    before = store.data_version()
    entity = {
        "id": "urn:ngsi-ld:KeyPerformanceIndicator:lahti:dd_5g_coverage:FI1C6:2025-01-01",
        "type": "KeyPerformanceIndicator",
        "kpiValue": 91.5,
    }
    r = client.post(f"{BASE}/entities", json=entity)
    assert r.status_code in (401, 403)
    assert client.delete(f"{BASE}/entities/{entity['id']}").status_code in (401, 403)
    assert store.data_version() == before
