"""The scorecard through the real ASGI app over the demo store, and through the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from regioatlas.analytics.indicators import PILLARS
from regioatlas.cli import main


def _ind(card: dict, indicator: str) -> dict:
    return next(i for i in card["indicators"] if i["id"] == indicator)


@pytest.fixture(scope="module")
def fi1c3(app_client):
    r = app_client.get("/api/scorecard/FI1C3")
    assert r.status_code == 200, r.text
    return r.json()


def test_paijat_hame_against_helsinki_uusimaa(fi1c3):
    region = fi1c3["region"]
    assert (region["code"], region["name"], region["level"]) == ("FI1C6", "Päijät-Häme", 3)
    assert region["asked"] == {"code": "FI1C3", "version": 2021}
    assert region["equivalents"] == {"2016": "FI1C3", "2021": "FI1C3", "2024": "FI1C6"}
    assert fi1c3["typology"]["type"] == "next_to_metropolis"
    assert fi1c3["metropolis"] == {
        "code": "FI1B1",
        "name": "Helsinki-Uusimaa",
        "relation": "adjacent",
    }
    gdp = _ind(fi1c3, "gdp_per_head_pps")
    # the GDP table is in NUTS 2021: the value is the one published for FI1C3
    got = {k: gdp["region"][k] for k in ("value", "year", "nuts_code", "nuts_version")}
    assert got == {"value": 28300.0, "year": 2021, "nuts_code": "FI1C3", "nuts_version": 2021}
    assert gdp["metropolis"]["value"] == 46500.0 and gdp["metropolis"]["year"] == 2021
    assert gdp["region"]["trend_10y"]["value"] == pytest.approx((28300 / 24600 - 1) * 100)
    pop = _ind(fi1c3, "population")  # the population table is in NUTS 2024: FI1C6
    assert pop["region"]["nuts_code"] == "FI1C6" and pop["region"]["year"] == 2025
    assert pop["region"]["trend_10y"]["value"] is None  # series starts 2016: said, not guessed
    tert = _ind(fi1c3, "tertiary_attainment")  # NUTS 2 only: shown through FI1C
    assert (
        tert["level"] == 2
        and tert["region"]["code"] == "FI1C"
        and tert["metropolis"]["code"] == "FI1B"
    )
    assert tert["region"]["rank_eu"] >= 1 and tert["region"]["n_eu"] > 200
    for ind in fi1c3["indicators"]:
        assert ind["source"] and ind["licence"] and ind["pillar"] in PILLARS


def test_same_region_in_nuts_2024_gives_the_same_card(app_client, fi1c3):
    card = app_client.get("/api/scorecard/FI1C6").json()
    assert card["region"]["asked"] == {"code": "FI1C6", "version": 2024}
    assert card["indicators"] == fi1c3["indicators"] and card["peers"] == fi1c3["peers"]


def test_peers_are_nearest_and_exclude_the_region(app_client, fi1c3):
    items = fi1c3["peers"]["items"]
    assert len(items) == 5 and "FI1C6" not in {p["code"] for p in items}
    assert [p["distance"] for p in items] == sorted(p["distance"] for p in items)
    three = app_client.get("/api/scorecard/FI1C6?peers=3").json()["peers"]["items"]
    assert [p["code"] for p in three] == [p["code"] for p in items[:3]]
    same = app_client.get("/api/scorecard/FI1C6?peer_scope=country").json()["peers"]["items"]
    assert all(p["code"].startswith("FI") for p in same)
    gdp = _ind(fi1c3, "gdp_per_head_pps")["peers"]
    assert gdp["codes"] == [p["code"] for p in items]


def test_niederosterreich_and_composite_summary(app_client):
    card = app_client.get("/api/scorecard/AT12").json()
    assert card["metropolis"]["code"] == "AT13" and card["region"]["level"] == 2
    comp = card["composite"]
    assert comp["status"] == "ok" and comp["rank_p05"] <= comp["median_rank"] <= comp["rank_p95"]


def test_flags_and_missing_values_through_the_api(app_client):
    r = app_client.get("/api/indicators/gdp_per_head_pps?level=0&year=2022").json()
    de = next(i for i in r["items"] if i["code"] == "DE")
    assert (de["value"], de["flag"]) == (41300.0, "p")
    r = app_client.get("/api/indicators/gdp_per_head_pps?level=3&year=2022&country=FI").json()
    fi = next(i for i in r["items"] if i["code"] == "FI1C6")
    assert fi["value"] is None and fi["flag"] == ":" and fi["nuts_code"] == "FI1C3"


def test_catalogue(app_client):
    cat = app_client.get("/api/indicators").json()
    for pillar in PILLARS:
        inds = [i for i in cat["items"] if i["pillar"] == pillar]
        with_data = [i for i in inds if any(a["regions"] for a in i["available"])]
        assert len(with_data) >= 3, pillar
        for i in inds:
            assert i["definition"] and i["unit"] and i["direction"] in (1, -1)
            assert i["source"] and i["licence"]


def test_composite_endpoint_is_reproducible(app_client):
    url = "/api/composite?level=2&runs=200&seed=5&weighting=user&weights=gdp_per_head_pps:2"
    a, b = app_client.get(url).json(), app_client.get(url).json()
    assert a["items"] == b["items"] and a["regions"] > 200
    for it in a["items"]:
        assert it["rank_p05"] <= it["median_rank"] <= it["rank_p95"]
    w = {i["id"]: i["weight"] for i in a["indicators"]}
    assert w["gdp_per_head_pps"] == pytest.approx(2 * w["employment_rate"])
    fi = app_client.get(url + "&country=FI").json()
    assert {i["code"][:2] for i in fi["items"]} == {"FI"}
    rows = list(csv.DictReader(io.StringIO(app_client.get("/api/composite/csv?runs=50").text)))
    assert rows[0]["rank"] == "1" and "rank_p95" in rows[0]


def test_downloads(app_client):
    r = app_client.get("/api/scorecard/FI1C3/csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    gdp = next(x for x in rows if x["indicator"] == "gdp_per_head_pps" and x["subject"] == "region")
    assert (gdp["value"], gdp["year"], gdp["nuts_code"]) == ("28300.0", "2021", "FI1C3")
    png = app_client.get("/api/scorecard/FI1C6/report.png")
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    pdf = app_client.get("/api/scorecard/AT12/report.pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/scorecard/XX123", 404, "no NUTS region"),
        ("/api/scorecard/FI1C3?version=2024", 404, "not a NUTS 2024 code"),
        ("/api/scorecard/FI1C6?version=1999", 400, "not known"),
        ("/api/scorecard/IE011?version=2013", 400, "no single NUTS 2024 equivalent"),
        ("/api/scorecard/UKI3", 400, "no single NUTS 2024 equivalent"),
        ("/api/scorecard/DE915", 400, "no one-to-one equivalent"),  # merged into DE91C
        ("/api/scorecard/FI1", 400, "NUTS 1"),
        ("/api/scorecard/FI1C6?peers=0", 400, "peers"),
        ("/api/scorecard/FI1C6?peers=abc", 400, "whole number"),
        ("/api/scorecard/FI1C6?as_of=1950", 404, "no indicator has a value"),
        ("/api/scorecard/FI1C6?peer_scope=world", 400, "peer_scope"),
        ("/api/scorecard/FI1C6/report.gif", 400, "png or pdf"),
        ("/api/indicators/happiness", 404, "unknown indicator"),
        ("/api/indicators/gdp_per_head_pps?year=2030", 404, "2000-2022"),
        ("/api/indicators/tertiary_attainment?level=3", 400, "published at NUTS 2"),
        ("/api/indicators/gdp_per_head_pps?country=ZZ", 400, "country"),
        ("/api/composite?normalisation=zscore&aggregation=geometric", 400, "minmax"),
        ("/api/composite?weighting=user&weights=nope:1", 400, "not in the index"),
        ("/api/composite?weights=gdp_per_head_pps", 400, "look like"),
        ("/api/composite?runs=1000000", 400, "runs"),
        ("/api/composite?level=1", 400, "level"),
        ("/api/composite?indicators=happiness", 404, "unknown indicator"),
    ],
)
def test_bad_input_is_a_clear_4xx(app_client, url, status, words):
    r = app_client.get(url)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert words in r.json()["detail"]


def test_cli_scorecard(demo_store_path):
    run = CliRunner().invoke
    out = run(main, ["scorecard", "FI1C3", "--store", str(demo_store_path), "--format", "json"])
    assert out.exit_code == 0, out.output
    card = json.loads(out.output)
    assert card["metropolis"]["code"] == "FI1B1" and card["region"]["code"] == "FI1C6"
    table = run(main, ["scorecard", "FI1C6", "--store", str(demo_store_path), "--peers", "3"])
    assert table.exit_code == 0 and "Helsinki-Uusimaa FI1B1" in table.output
    assert "GDP per inhabitant" in table.output and "28,300 (2021)" in table.output
    text = run(main, ["scorecard", "FI1C6", "--store", str(demo_store_path), "--format", "csv"])
    assert text.output.startswith("indicator,pillar,unit,direction,subject")
    bad = run(main, ["scorecard", "FI1C3", "--version", "2024", "--store", str(demo_store_path)])
    assert bad.exit_code != 0 and "not a NUTS 2024 code" in bad.output
    comp = run(main, ["composite", "--store", str(demo_store_path), "--runs", "100", "--top", "3"])
    assert comp.exit_code == 0 and len(comp.stdout.strip().splitlines()) == 4
    cat = run(main, ["indicators", "--store", str(demo_store_path), "--format", "json"])
    assert cat.exit_code == 0 and len(json.loads(cat.output)["items"]) >= 9


def test_cli_falls_back_to_the_demo_store_and_says_so(demo_store_path, tmp_path):
    env = {
        "REGIOATLAS_STORE": str(tmp_path / "none.duckdb"),  # no store there
        "REGIOATLAS_DEMO_STORE": str(demo_store_path),  # current: not rebuilt
    }
    out = CliRunner().invoke(main, ["scorecard", "AT12", "--format", "json"], env=env)
    assert out.exit_code == 0, out.output
    assert "using the demo store" in out.stderr
    assert json.loads(out.stdout)["metropolis"]["code"] == "AT13"


def test_as_of_uses_values_up_to_that_year(app_client):
    card = app_client.get("/api/scorecard/FI1C6?as_of=2015").json()
    gdp = _ind(card, "gdp_per_head_pps")["region"]
    assert (gdp["year"], gdp["value"], gdp["nuts_code"]) == (2015, 24700.0, "FI1C3")
    assert _ind(card, "population")["region"]["status"] == "no data"  # series starts 2016
    assert max(card["series"]["gdp_per_head_pps"]["years"]) == 2015


def test_user_override_of_the_metropolis(app_client):
    card = app_client.get("/api/scorecard/FI1C3?metropolis=FI1C1").json()
    assert card["metropolis"] == {
        "code": "FI1C1",
        "name": "Varsinais-Suomi",
        "relation": "override",
    }
    assert card["typology"]["source"] == "override"
    assert _ind(card, "gdp_per_head_pps")["metropolis"]["code"] == "FI1C1"
    bad = app_client.get("/api/scorecard/FI1C3?metropolis=FI1C")
    assert bad.status_code == 400 and "NUTS 2" in bad.json()["detail"]
