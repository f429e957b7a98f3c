"""Publishing KPI values through the NGSI-LD handlers (a principal with the editor role; the
routes add the role check): each batch a dataset with provenance, atomic, on a real DuckDB."""

from __future__ import annotations

import json

import pytest

from regioatlas.api.atlas import Atlas
from regioatlas.api.ngsi_ld.errors import ETSI_ERRORS
from regioatlas.api.ngsi_ld.handlers import NgsiLdApi
from regioatlas.model.errors import Forbidden, RegioAtlasError, Unauthorized

EID = "urn:ngsi-ld:KeyPerformanceIndicator:lahti:dd_5g_coverage:FI1C6:2025-01-01"
BASE = "http://127.0.0.1"


@pytest.fixture()
def api(store):
    return NgsiLdApi(Atlas(store))


def _kv(api, **query):
    return api.entities({"options": "keyValues", **query}, None, BASE)[2]


def test_create_query_update_delete_a_published_kpi(api, store):
    body = json.dumps({"id": EID, "type": "KeyPerformanceIndicator", "kpiValue": 91.5}).encode()
    status, headers, _ = api.create_entity(body, "lahti", BASE)
    assert status == 201 and headers["Location"].endswith(EID)
    (dataset,) = [d for d in store.datasets() if d.source == "ngsi-ld"]
    assert dataset.publisher == "lahti" and dataset.files == [EID] and len(dataset.sha256) == 64
    (e,) = _kv(api, type="KeyPerformanceIndicator", q="kpiValue==91.5")
    assert e["id"] == EID and e["calculatedBy"] == "lahti" and e["dataset"] == dataset.id
    with pytest.raises(RegioAtlasError) as exc:
        api.create_entity(body, "lahti", BASE)
    assert exc.value.extra["type"] == ETSI_ERRORS + "AlreadyExists"
    api.update_attributes(EID, b'{"kpiValue": {"type": "Property", "value": 93}}', "lahti")
    assert _kv(api, id=EID)[0]["kpiValue"] == 93
    with pytest.raises(Forbidden):
        api.delete_entity(EID, "hollola")
    assert api.delete_entity(EID, "lahti")[0] == 204
    assert not _kv(api, id=EID) and not [d for d in store.datasets() if d.source == "ngsi-ld"]


def test_a_batch_is_one_dataset_and_deleting_one_keeps_the_rest(api, store):
    ids = [EID.replace("FI1C6", code) for code in ("FI1C6", "FI1C5", "FI1B1")]
    batch = [{"id": i, "type": "KeyPerformanceIndicator", "kpiValue": n} for n, i in enumerate(ids)]
    assert api.create_batch(json.dumps(batch).encode(), "lahti")[2] == ids
    api.delete_entity(ids[1], "lahti")
    left = {e["id"]: e["kpiValue"] for e in _kv(api, type="KeyPerformanceIndicator")}
    assert left == {ids[0]: 0, ids[2]: 2}


@pytest.mark.parametrize(
    ("body", "etsi", "parameter"),
    [
        (b"{not json", "InvalidRequest", None),
        (b"[]", "InvalidRequest", None),
        (json.dumps({"id": EID, "type": "Building", "kpiValue": 1}).encode(), "BadRequestData", "type"),
        (json.dumps({"id": EID, "type": "KeyPerformanceIndicator"}).encode(), "BadRequestData", "kpiValue"),
        (json.dumps({"id": EID, "type": "KeyPerformanceIndicator", "kpiValue": "high"}).encode(),
         "BadRequestData", "kpiValue"),
        (json.dumps({"id": EID.replace("FI1C6", "FI1C3"), "type": "KeyPerformanceIndicator",
                     "kpiValue": 1}).encode(), "BadRequestData", "id"),
        (json.dumps({"id": EID.replace("dd_5g", "dd_6g"), "type": "KeyPerformanceIndicator",
                     "kpiValue": 1}).encode(), "BadRequestData", "id"),
        (json.dumps({"id": EID, "type": "KeyPerformanceIndicator", "kpiValue": 1,
                     "colour": "red"}).encode(), "BadRequestData", "colour"),
    ],
)  # fmt: skip
def test_a_malformed_payload_is_400_and_writes_nothing(api, store, body, etsi, parameter):
    before = store.data_version()
    with pytest.raises(RegioAtlasError) as exc:
        api.create_entity(body, "lahti", BASE)
    assert exc.value.extra["type"] == ETSI_ERRORS + etsi
    assert exc.value.parameter == parameter
    assert store.data_version() == before


def test_no_principal_is_unauthorized_and_others_values_are_forbidden(api):
    body = json.dumps({"id": EID, "type": "KeyPerformanceIndicator", "kpiValue": 1}).encode()
    with pytest.raises(Unauthorized):
        api.create_entity(body, None, BASE)
    with pytest.raises(Forbidden):
        api.create_entity(body, "hollola", BASE)


@pytest.fixture(params=["duckdb", "postgis"])
def any_store(request, tmp_path):
    from regioatlas.store import open_store

    url = tmp_path / "w.duckdb" if request.param == "duckdb" else request.getfixturevalue("pg_url")
    s = open_store(str(url))
    yield s
    s.close()


def test_creations_append_in_place_with_an_audit_entry_and_refuse_a_taken_id(any_store):
    api = NgsiLdApi(Atlas(any_store))
    ids = [EID.replace("FI1C6", code) for code in ("FI1C6", "FI1C5")]
    for n, i in enumerate(ids):
        body = json.dumps({"id": i, "type": "KeyPerformanceIndicator", "kpiValue": n}).encode()
        assert api.create_entity(body, "lahti", BASE)[0] == 201
    published = [d for d in any_store.datasets() if d.source == "ngsi-ld"]
    assert sorted(f for d in published for f in d.files) == sorted(ids)
    assert all(d.publisher == "lahti" and len(d.sha256) == 64 for d in published)
    assert len(any_store.figures("ngsi-ld/dd_5g_coverage")) == 2
    _, entries = any_store.audit_entries()
    assert [(e["action"], e["result"], e["actor"]) for e in entries] == [
        ("ngsi-ld.create", "succeeded", "lahti")
    ] * 2
    assert entries[0]["details"]["entities"] == 1
    before = any_store.data_version()
    # a batch naming one taken id writes nothing of the batch, and says which id is taken
    batch = [
        {"id": EID.replace("FI1C6", "FI1B1"), "type": "KeyPerformanceIndicator", "kpiValue": 5},
        {"id": ids[1], "type": "KeyPerformanceIndicator", "kpiValue": 6},
    ]
    with pytest.raises(RegioAtlasError) as exc:
        api.create_batch(json.dumps(batch).encode(), "lahti")
    assert exc.value.extra["type"] == ETSI_ERRORS + "AlreadyExists"
    assert exc.value.extra["entityId"] == ids[1]
    assert len([d for d in any_store.datasets() if d.source == "ngsi-ld"]) == 2
    assert any_store.data_version() == before
    assert any_store.audit_entries()[1][0]["result"] == "conflict"
    values = {e["id"]: e["kpiValue"] for e in _kv(api, type="KeyPerformanceIndicator")}
    assert values == {ids[0]: 0, ids[1]: 1}


def test_concurrent_creations_share_commits_and_each_id_is_created_once(any_store):
    """8 threads publish 40 values, every id twice: 40 creations succeed, 40 AlreadyExists,
    and the store holds each value once (on DuckDB the appends share group commits)."""
    from concurrent.futures import ThreadPoolExecutor

    api = NgsiLdApi(Atlas(any_store))
    codes = [r.code for r in api.atlas.registry.regions(2024, 3)][:40]
    bodies = [
        json.dumps(
            {"id": EID.replace("FI1C6", c), "type": "KeyPerformanceIndicator", "kpiValue": n}
        ).encode()
        for n, c in enumerate(codes)
    ]

    def create(body):
        try:
            return api.create_entity(body, "lahti", BASE)[0]
        except RegioAtlasError as exc:
            return exc.extra["type"].rsplit("/", 1)[-1]

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(create, bodies + bodies))
    assert outcomes.count(201) == 40 and outcomes.count("AlreadyExists") == 40
    stored = [f for d in any_store.datasets() if d.source == "ngsi-ld" for f in d.files]
    assert sorted(stored) == sorted(EID.replace("FI1C6", c) for c in codes)
    assert len(any_store.figures("ngsi-ld/dd_5g_coverage")) == 40


def test_a_read_only_duckdb_store_refuses_a_creation_clearly(tmp_path):
    from regioatlas.store import StoreError, open_store

    open_store(str(tmp_path / "r.duckdb")).close()
    with open_store(str(tmp_path / "r.duckdb"), read_only=True) as store:
        body = json.dumps({"id": EID, "type": "KeyPerformanceIndicator", "kpiValue": 1}).encode()
        with pytest.raises(StoreError, match="read-only"):
            NgsiLdApi(Atlas(store)).create_entity(body, "lahti", BASE)
