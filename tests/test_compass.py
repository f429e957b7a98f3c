"""Digital Compass arithmetic on published values (the EU and Finland in the shipped DESI /
Digital Decade files), and the planner for Päijät-Häme through the API and the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from regioatlas.analytics.compass import Observation, plan_target, trend_per_year, year_reached
from regioatlas.api.compass import compass_spec, country_observations
from regioatlas.cli import main
from regioatlas.sources.digital_decade import shipped_file
from regioatlas.store import open_store


def _spec(target_id):
    return next(t for t in compass_spec()["targets"] if t["id"] == target_id)


def _eu_observations(spec) -> list[Observation]:
    """The EU-27 aggregate as published (not a NUTS region, so the store does not hold it)."""
    text = shipped_file("desi_country_kpis.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    obs = []
    for s in spec["series"]:
        for r in rows:
            if (r["file"], r["indicator"], r["country"]) == (s["file"], s["indicator"], "EU"):
                edition = r["period"].removeprefix("desi_")
                if edition != "2030" and r["value"]:
                    value = float(r["value"]) * s["scale"]
                    obs.append(Observation(int(edition) + s["year_offset"], value, r["file"]))
    return sorted(obs, key=lambda o: o.year)


def test_eu_basic_digital_skills_from_the_published_values():
    obs = _eu_observations(_spec("basic_digital_skills"))
    # DESI 2022 edition: 53.92 % (reference year 2021); Digital Decade 2026: 60.39 % (2025)
    assert [(o.year, round(o.value, 2)) for o in obs] == [(2021, 53.92), (2025, 60.39)]
    baseline = {"unit": "persons", "low": 1_000_000, "high": 1_000_000, "basis": "test"}
    p = plan_target(_spec("basic_digital_skills"), obs, baseline, estimated_from_national=False)
    assert p["trend_per_year"] == pytest.approx((60.39 - 53.9195) / 4, abs=1e-4)
    assert p["gap_points"] == pytest.approx(80 - 60.39)
    assert p["needed_per_year"] == pytest.approx((80 - 60.39) / 5, abs=1e-4)
    assert p["year_reached"] == 2038  # 60.39 + 1.6176 x 13 = 81.4 >= 80; x 12 = 79.8
    assert p["on_track"] is False
    assert p["gap"]["low"] == round((80 - 60.39) / 100 * 1_000_000)
    assert p["current"]["label"] == "observed (national)"
    assert p["required_path"][-1] == {"year": 2030, "value": 80.0}


def test_finland_from_the_stored_figures(demo_store_path):
    with open_store(str(demo_store_path), read_only=True) as store:
        obs = country_observations(store, "FI", _spec("basic_digital_skills"))
    assert obs[-1].year == 2025 and obs[-1].value == pytest.approx(80.98)
    assert "Digital Decade 2026" in obs[-1].source and len(obs) >= 2


def test_trend_and_year_reached_edge_cases():
    assert trend_per_year([Observation(2025, 50.0, "x")]) is None
    pts = [Observation(2019, 10.0, "a"), Observation(2020, 12.0, "b"), Observation(2021, 14.0, "c")]
    assert trend_per_year(pts) == 2.0
    assert year_reached(50.0, 2025, 80.0, None) is None
    assert year_reached(50.0, 2025, 80.0, -1.0) is None
    assert year_reached(50.0, 2025, 80.0, 0.1) == "after 2100"
    assert year_reached(50.0, 2025, 80.0, 6.0) == 2030


def test_paijat_hame_through_the_api(app_client):
    r = app_client.get("/api/compass/FI1C3")
    assert r.status_code == 200
    plan = r.json()
    assert plan["region"]["code"] == "FI1C6" and plan["region"]["asked"]["version"] == 2021
    assert plan["population"]["groups"]["TOTAL"] == 204_635  # Eurostat, 1 January 2025
    skills = next(t for t in plan["targets"] if t["id"] == "basic_digital_skills")
    assert skills["current"]["label"] == "estimated from national"
    assert skills["current"]["value"] == pytest.approx(80.98)  # Finland, DD 2026
    assert skills["year_reached"] == "reached" and skills["gap"]["low"] == 0
    assert skills["baseline"]["low"] < skills["baseline"]["high"]  # 16-74 as a range
    gigabit = next(t for t in plan["targets"] if t["id"] == "gigabit_coverage")
    assert gigabit["gap"]["low"] == round((100 - 84.849034) / 100 * 204_635)
    ctx = gigabit["regional_context"][0]
    assert ctx["code"] == "FI1C" and ctx["observed"] == "regional" and ctx["year"] == 2019
    ai = next(t for t in plan["targets"] if t["id"] == "ai_takeup")
    assert ai["gap"] is None and "enterprises" in ai["gap_note"]


def test_country_level_is_observed(app_client):
    plan = app_client.get("/api/compass/FI").json()
    assert plan["region"]["level"] == 0
    assert {t["current"]["label"] for t in plan["targets"]} == {"observed (national)"}


@pytest.mark.parametrize(
    "url,status",
    [
        ("/api/compass/XX99", 404),
        ("/api/compass/FI1C3?version=2024", 404),
        ("/api/compass/FI1C3?version=1999", 400),
        ("/api/compass/UKC11", 400),
        ("/api/compass/NO011", 404),
    ],
)
def test_compass_bad_regions(app_client, url, status):
    r = app_client.get(url)
    assert r.status_code == status and r.json()["detail"]


def test_compass_cli(demo_store_path):
    store = ["--store", str(demo_store_path)]
    r = CliRunner().invoke(main, ["compass", "FI1C3", *store])
    assert r.exit_code == 0, r.output
    assert "Päijät-Häme (FI1C6" in r.output and "estimated from national" in r.output
    assert "31,004" in r.output  # persons without gigabit coverage
    r = CliRunner().invoke(main, ["compass", "FI1C3", "--format", "json", *store])
    assert json.loads(r.output)["region"]["code"] == "FI1C6"
    r = CliRunner().invoke(main, ["compass", "ZZ123", *store])
    assert r.exit_code == 3 and "no NUTS region" in r.output
