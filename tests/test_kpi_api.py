"""The KPI registry, units, air quality and figure endpoints through the real ASGI app over the
demo store, the KPI commands through the CLI, and the docstring examples."""

from __future__ import annotations

import doctest
import importlib
import json

import pytest
from click.testing import CliRunner

from regioatlas.analytics.kpis import LANGUAGES, SDM_FREQUENCIES, STANDINGS, registry
from regioatlas.cli import main
from regioatlas.model.units import UnitError, convert, parse_unit
from regioatlas.sources.eea_aq import bundled_berlin_files


def test_every_kpi_is_complete_and_maps_to_the_smart_data_model():
    assert len(registry()) >= 15
    for k in registry().values():
        assert set(k.names) == set(LANGUAGES) and all(k.names.values())
        parse_unit(k.unit)  # every unit is known to pint
        assert k.direction in ("higher_is_better", "lower_is_better")
        assert k.source["publisher"] and k.source["attribution"]
        assert k.details["sdm"]["calculationFrequency"] in SDM_FREQUENCIES
        assert set(k.details["sdm"]["category"]) <= {
            "quantitative",
            "qualitative",
            "leading",
            "lagging",
        }
        if k.standing:
            assert list(k.standing) == list(STANDINGS[:-1])


def test_units_through_pint():
    assert convert(25.0, "µg/m3", "mg/m3") == pytest.approx(0.025)
    assert convert(100.0, "ppb", "µg/m3", pollutant="O3") == pytest.approx(
        100 * 47.9982 / 24.055, abs=0.01
    )
    back = convert(convert(40.0, "ppb", "µg/m3", pollutant="SO2"), "µg/m3", "ppb", pollutant="SO2")
    assert back == pytest.approx(40.0)
    with pytest.raises(UnitError, match="needs a gas"):
        convert(1.0, "ppb", "µg/m3")
    with pytest.raises(UnitError, match="different quantities"):
        convert(1.0, "persons", "µg/m3")
    with pytest.raises(UnitError, match="unknown unit"):
        parse_unit("wibbles")


def test_kpi_endpoints(app_client):
    r = app_client.get("/api/kpis", params={"lang": "fi"})
    assert r.status_code == 200
    names = {k["id"]: k["name"] for k in r.json()["items"]}
    assert names["aq_pm25_annual_mean"] == "PM2.5, vuosikeskiarvo"
    r = app_client.get("/api/kpis/aq_pm25_annual_mean", params={"unit": "mg/m3"})
    assert r.json()["thresholds"][0]["value"] == pytest.approx(0.005)
    e = app_client.get(
        "/api/kpis/aq_pm25_annual_mean/entity",
        params={"value": "12.5", "area": "DE300", "from": "2021-01-01", "to": "2021-12-31"},
    ).json()
    assert e["type"] == "KeyPerformanceIndicator" and e["kpiValue"] == 12.5
    assert e["currentStanding"] == "fair" and e["calculationPeriod"]["to"] == "2021-12-31"
    r = app_client.get(
        "/api/units/convert",
        params={
            "value": "100",
            "from": "ppb",
            "to": "µg/m3",
            "pollutant": "NO2",
            "temperature_k": "298.15",
        },
    )
    assert r.json()["result"] == pytest.approx(188.04, abs=0.01)


@pytest.mark.parametrize(
    "url,status,param",
    [
        ("/api/kpis/no_such_kpi", 404, None),
        ("/api/kpis?lang=xx", 400, "lang"),
        ("/api/kpis/aq_pm25_annual_mean?unit=persons", 400, "unit"),
        ("/api/units/convert?value=1&from=ppb&to=ug/m3", 400, "pollutant"),
        ("/api/units/convert?value=1&from=blorp&to=ug/m3", 400, "from"),
        ("/api/kpis/aq_pm25_annual_mean?unit=blorp", 400, "unit"),
        ("/api/units/convert?value=abc&from=ppb&to=ug/m3", 400, "value"),
        ("/api/air-quality/classify?index=eaqi_2024&pollutant=PM1&value=3", 400, "pollutant"),
        ("/api/air-quality/classify?index=eaqi_2024&pollutant=PM2.5&value=-3", 400, "value"),
        ("/api/air-quality/classify?index=us_aqi&pollutant=PM2.5&value=3", 400, "index"),
        ("/api/air-quality/datasets/nope/side-by-side", 404, None),
        ("/api/figures", 400, "indicator"),
        ("/api/figures?indicator=no_such_indicator", 404, None),
        ("/api/figures?indicator=population&version=2019", 400, "version"),
        ("/api/figures?indicator=population&kind=additive", 400, "kind"),
        ("/api/figures?indicator=population&weight=gdp", 400, "weight"),
    ],
)
def test_bad_requests_are_4xx_problems(app_client, url, status, param):
    r = app_client.get(url)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status and body["detail"]
    if param:
        assert body.get("parameter") == param


def test_berlin_side_by_side(app_client):
    r = app_client.get("/api/air-quality/datasets/eea-berlin-pm25-2021/side-by-side")
    assert r.status_code == 200
    t = r.json()
    assert [s["station"] for s in t["stations"]] == ["DEBE034", "DEBE064", "DEBE065", "DEBE125"]
    assert t["regions"][0]["code"] == "DE300" and len(t["regions"][0]["stations"]) == 4
    s = t["stations"][0]
    assert {i["index"] for i in s["indices"]} == {
        "eaqi_2024",
        "eaqi_pre2024",
        "uba_lqi",
        "caqi_hourly",
    }
    ids = {x["id"] for x in s["standards"]}
    assert {"who2021_pm25_annual", "eu2008_pm25_annual", "eu2030_pm25_daily"} <= ids
    annual = next(x for x in s["standards"] if x["id"] == "eu2030_pm25_annual")
    assert annual["status"] == "not assessable" and annual["value"] is None
    assert 14 < annual["period_mean"] < 17
    assert {i["kind"] for i in t["issues"]} == {"not valid", "gap"}


def test_posted_eea_file(app_client):
    body = bundled_berlin_files()[0].read_bytes()
    import gzip

    r = app_client.post(
        "/api/air-quality/side-by-side",
        params={"nuts": "DE300"},
        content=gzip.decompress(body),
    )
    assert r.status_code == 200 and r.json()["regions"][0]["code"] == "DE300"
    r = app_client.post("/api/air-quality/side-by-side", content=b"a,b\n1,2\n")
    # an unreadable file is an InputError: 422 with the rows at fault, like every input file
    assert r.status_code == 422 and "not an EEA" in r.json()["detail"]
    assert r.json()["errors"][0]["file"] == "posted.csv"
    r = app_client.post("/api/air-quality/side-by-side", content=b"")
    assert r.status_code == 400


def test_stored_figures_recoded_on_request(app_client):
    # keep.eu figures are stored in NUTS 2021; asked in 2024 they are recoded
    r = app_client.get(
        "/api/figures",
        params={"indicator": "interreg_erdf_eur", "version": "2024", "limit": "20000"},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["published_versions"] == [2021] and body["kind"] == "extensive"
    items = {i["code"]: i for i in body["items"]}
    fi = items["FI1C6"]
    assert fi["published"]["version"] == 2021 and "FI1C3" in fi["published"]["sources"]
    assert fi["method"] in ("merge", "boundary change", "recoded", "split")
    assert not any(i["code"] == "FI1C3" for i in body["items"])
    same = app_client.get(
        "/api/figures",
        params={"indicator": "interreg_erdf_eur", "version": "2021", "region": "FI1C"},
    ).json()
    assert {i["method"] for i in same["items"]} == {"as published"}
    # a total is kept by an extensive recode (apart from flagged rows)
    total_2021 = sum(
        i["value"] or 0
        for i in app_client.get(
            "/api/figures",
            params={
                "indicator": "interreg_erdf_eur",
                "version": "2021",
                "limit": "20000",
                "region": "FI",
            },
        ).json()["items"]
    )
    total_2024 = sum(
        i["value"] or 0
        for i in body["items"]
        if i["code"].startswith("FI") and not i["recode_flag"]
    )
    assert total_2024 == pytest.approx(total_2021, rel=1e-6)


def test_kpi_cli_commands(tmp_path, demo_store_path):
    r = CliRunner().invoke(main, ["kpis", "--lang", "de", "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.output)[0]["name"]
    r = CliRunner().invoke(main, ["convert", "40", "ppb", "µg/m3", "--pollutant", "NO2"])
    assert r.exit_code == 0 and "76.5" in r.output and "293.15 K" in r.output
    r = CliRunner().invoke(main, ["convert", "40", "ppb", "µg/m3"])
    assert r.exit_code != 0
    r = CliRunner().invoke(
        main, ["aq", "--berlin", "--format", "json", "--store", str(demo_store_path)]
    )
    assert r.exit_code == 0, r.output
    t = json.loads(r.output[r.output.index("{") :])
    assert t["regions"][0]["code"] == "DE300"
    r = CliRunner().invoke(main, ["aq", "--berlin", "--store", str(demo_store_path)])
    assert r.exit_code == 0 and "EAQI 2024" in r.output and "region DE300" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n")
    r = CliRunner().invoke(main, ["aq", str(bad)])
    assert r.exit_code != 0 and "not an EEA" in r.output
    r = CliRunner().invoke(main, ["aq"])
    assert r.exit_code == 2


def test_station_table_with_coordinates(tmp_path):
    # constructed station table: DEBE034 placed by a point in Berlin (13.43 E, 52.48 N)
    table = tmp_path / "stations.csv"
    table.write_text("station,lon,lat\nDEBE034,13.43,52.48\n")
    files = [str(bundled_berlin_files()[0])]
    r = CliRunner().invoke(main, ["aq", *files, "--stations", str(table), "--format", "json"])
    assert r.exit_code == 0, r.output
    t = json.loads(r.output[r.output.index("{") :])
    assert t["stations"][0]["nuts"] == "DE300"


@pytest.mark.parametrize(
    "module",
    [
        "regioatlas.model.units",
        "regioatlas.model.pollutants",
        "regioatlas.geo.stations",
        "regioatlas.analytics.aq_series",
        "regioatlas.analytics.aq_indices",
        "regioatlas.analytics.aq_standards",
        "regioatlas.analytics.air_quality",
        "regioatlas.analytics.kpis",
        "regioatlas.analytics.compass",
        "regioatlas.geo.recoding",
        "regioatlas.sources.eea_aq",
        "regioatlas.sources.region_series",
    ],
)
def test_docstring_examples_hold(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_intensive_figures_are_recoded_as_rates(app_client):
    # disposable income per inhabitant (tgs00026, PPS per inhabitant) is published in NUTS 2016
    ind = "tgs00026/PPS_HAB.B6N.BAL"
    orig = app_client.get(
        "/api/figures", params={"indicator": ind, "version": "2016", "region": "HR04"}
    ).json()
    assert orig["kind"] == "intensive" and orig["items"]
    by_year = {i["year"]: i["value"] for i in orig["items"] if i["code"] == "HR04"}
    r = app_client.get(
        "/api/figures", params={"indicator": ind, "version": "2021", "region": "HR0"}
    )
    assert r.status_code == 200
    parts = [i for i in r.json()["items"] if i["code"] in ("HR02", "HR05", "HR06")]
    assert parts and {i["method"] for i in parts} == {"split"}
    for i in parts:  # a rate is not divided among the parts of a split
        assert i["value"] == pytest.approx(by_year[i["year"]])
