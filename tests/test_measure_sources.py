"""Handlers never read files: the Digital Compass and air-quality inputs are sources, ingested
like every other dataset, listed with their licence, and read by the API from the store."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from regioatlas.ingest import ingest
from regioatlas.store import open_store
from regioatlas.web.app import create_app

# constructed: Finland's basic digital skills in two editions, gigabit coverage in one
DESI = """file,indicator,breakdown,unit,country,period,value,flag
desi_2022_edition,desi_hc_bds,ind_total,pc_ind,FI,2021,0.5,
desi_2026_country_profile,desi_dsk_bab,ind_total,pc_ind,FI,desi_2026,60.0,
desi_2026_country_profile,desi_vhcn,total_pophh,pc_hh,FI,desi_2026,90.0,
desi_2026_country_profile,desi_dsk_bab,dd_target_2030,pc_ind,EU,2030,80,
"""


@pytest.fixture()
def client_over(tmp_path):
    """The real app over a fresh store holding only what the test ingests."""

    def make(*datasets: tuple[str, str, str]) -> TestClient:
        path = tmp_path / "atlas.duckdb"
        with open_store(str(path)) as store:
            for source, name, text in datasets:
                (tmp_path / name).write_text(text, encoding="utf-8")
                ingest(store, source, [tmp_path / name])
        return TestClient(create_app(str(path)), raise_server_exceptions=False)

    return make


def test_the_compass_reads_the_stored_digital_decade_figures(client_over):
    with client_over(("digital-decade", "desi.csv", DESI)) as client:
        plan = client.get("/api/compass/FI").json()
        skills = next(t for t in plan["targets"] if t["id"] == "basic_digital_skills")
        assert [(o["year"], o["value"]) for o in skills["series"]] == [(2020, 50.0), (2025, 60.0)]
        assert skills["trend_per_year"] == 2.0 and skills["year_reached"] == 2035
        gigabit = next(t for t in plan["targets"] if t["id"] == "gigabit_coverage")
        assert gigabit["current"]["value"] == 90.0
        # no population and no regional statistics stored: said, not invented
        assert plan["population"] is None and gigabit["gap"] is None
        assert gigabit["regional_context"][0]["value"] is None
        assert client.get("/api/compass/targets").json()["countries"] == ["FI"]
        # the country values of a country the store lacks: 404 naming it
        r = client.get("/api/compass/SE")
        assert r.status_code == 404 and "SE" in r.json()["detail"]
        items = client.get("/api/datasets").json()["items"]
        desi = next(d for d in items if d["source"] == "digital-decade")
        assert "Decision 2011/833/EU" in desi["licence"] and "DESI" in desi["attribution"]


def test_a_store_without_the_dataset_names_it(client_over):
    regional = "table,unit,geo,year,value\ntgs00049,PC_HH_IACC,FI1C,2019,97.0\n"
    with client_over(("eurostat-regional-digital", "regional.csv", regional)) as client:
        for url in ("/api/compass/FI1C3", "/api/compass/targets"):
            r = client.get(url)
            assert r.status_code == 503, (url, r.text)
            body = r.json()
            assert "digital-decade" in body["detail"] and body["dataset"] == "digital-decade"


def test_digital_inputs_are_registered_demo_sources(app_client):
    by_source = {d["source"]: d for d in app_client.get("/api/datasets").json()["items"]}
    assert by_source["digital-decade"]["files"] == ["desi_country_kpis.csv"]
    assert by_source["eurostat-regional-digital"]["attribution"] == "Source: Eurostat"
