"""Handlers never read files: the Digital Compass and air-quality inputs are sources, ingested
like every other dataset, listed with their licence, and read by the API from the store."""

from __future__ import annotations

from pathlib import Path

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


def test_the_air_quality_table_reads_the_stored_series_and_stations(tmp_path):
    # the real Berlin series, with a constructed station table of the same name placing
    # DEBE034 by a point in Vienna (16.37 E, 48.21 N): the answer follows the store
    import shutil

    from regioatlas.sources.eea_aq import bundled_berlin_files

    files = [Path(shutil.copy(p, tmp_path)) for p in bundled_berlin_files()]
    table = tmp_path / "berlin_stations.csv"
    table.write_text(
        "station,name,nuts,nuts_version,lon,lat\n"
        "DEBE034,moved,,,16.37,48.21\n"
        "DEBE064,Berlin Karl-Marx-Straße,DE300,2021,,\n",
        encoding="utf-8",
    )
    path = tmp_path / "atlas.duckdb"
    with open_store(str(path)) as store:
        report = ingest(store, "auto", [*files, table])
        assert report.dataset.source == "eea-aq" and not report.rejected
        assert len(store.station_values(report.dataset.id)) == 8736
    with TestClient(create_app(str(path)), raise_server_exceptions=False) as client:
        r = client.get("/api/air-quality/datasets/eea-berlin-pm25-2021/side-by-side")
        assert r.status_code == 200, r.text
        t = r.json()
        regions = {g["code"]: g for g in t["regions"]}
        assert set(regions) == {"AT130", "DE300"}
        moved = next(s for s in t["stations"] if s["station"] == "DEBE034")
        assert (
            moved["nuts"] == "AT130" and moved["location_method"] == "point in polygon (NUTS 2024)"
        )
        assert {i["kind"] for i in t["issues"]} == {"not valid", "gap"}
        items = client.get("/api/datasets").json()["items"]
        eea = next(d for d in items if d["source"] == "eea-aq")
        assert eea["attribution"] == "© European Environment Agency (EEA)" and eea["licence"]


def test_a_store_without_the_air_quality_series_names_it(client_over):
    with client_over(("digital-decade", "desi.csv", DESI)) as client:
        r = client.get("/api/air-quality/datasets/eea-berlin-pm25-2021/side-by-side")
        assert r.status_code == 503
        assert r.json()["dataset"] == "eea-aq" and "regioatlas ingest eea-aq" in r.json()["detail"]


def test_a_station_table_row_that_places_nothing_is_a_row_error(tmp_path):
    from regioatlas.sources.eea_aq import EeaAirQuality, bundled_berlin_files

    table = tmp_path / "stations.csv"
    table.write_text("station,nuts,nuts_version\nDEBE034,ZZ999,2021\n", encoding="utf-8")
    result = EeaAirQuality().read([bundled_berlin_files()[0], table])
    (error,) = result.errors
    assert (error.file, error.line, error.column, error.value) == (str(table), 2, "nuts", "ZZ999")
    assert result.stations[0].nuts_code is None and result.stations[0].method == "not placed"
