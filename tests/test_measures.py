"""The one measure catalogue: every measure complete, and a new KPI is one registry entry."""

from __future__ import annotations

import pytest

from regioatlas.analytics import measures as catalogue
from regioatlas.analytics.indicators import catalogue as scorecard_catalogue
from regioatlas.analytics.kpis import registry
from regioatlas.model import BadInput, NotFound
from regioatlas.model.measures import LANGUAGES, Measure

PLUGIN = """
from regioatlas.model.measures import Measure

NOISE = Measure(
    "noise_lden_above_55",
    "kpi",
    "environment",
    {"en": "Population exposed to road noise above 55 dB Lden",
     "fi": "Yli 55 dB Lden tieliikennemelulle altistuva väestö",
     "de": "Straßenlärm über 55 dB Lden ausgesetzte Bevölkerung",
     "it": "Popolazione esposta a rumore stradale oltre 55 dB Lden",
     "fr": "Population exposée au bruit routier au-delà de 55 dB Lden"},
    "Share of inhabitants exposed to road traffic noise of Lden 55 dB or more.",
    "%",
    "lower_is_better",
    {"publisher": "European Environment Agency (EEA)", "dataset": "END noise exposure",
     "licence": "EEA re-use policy, acknowledgement",
     "attribution": "© European Environment Agency (EEA)"},
    thresholds=[{"label": "Zero Pollution Action Plan 2030 (-30 %)", "value": 14}],
    details={"sdm": {"category": ["quantitative"], "calculationFrequency": "yearly"}},
)
BROKEN = "not a measure"
"""


@pytest.fixture()
def plugin(tmp_path, monkeypatch):
    """A third-party package with one measure, importable; registrations undone afterwards."""
    (tmp_path / "noise_plugin.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(catalogue.MEASURES, "_registered", {})
    return "noise_plugin"


def test_every_measure_is_named_in_five_languages_with_source_and_licence():
    all_measures = catalogue.measures()
    kinds = {m.kind for m in all_measures}
    assert kinds == {"scorecard indicator", "kpi"}
    assert len(all_measures) == len({m.id for m in all_measures}) == 35
    for m in all_measures:
        assert set(m.names) == set(LANGUAGES) and all(m.names.values()), m.id
        assert m.source["licence"] and m.source["attribution"], m.id
    # the scorecard reads its indicators from the catalogue, translated
    assert [i.id for i in scorecard_catalogue()] == [
        m.id for m in catalogue.measures("scorecard indicator")
    ]
    gdp = next(i for i in scorecard_catalogue() if i.id == "gdp_per_head_pps")
    assert gdp.names["fi"] == "BKT asukasta kohti" and gdp.direction == 1
    # the compass targets are targets of the KPIs they are measured by
    skills = catalogue.get_measure("dd_basic_digital_skills")
    assert skills.targets[0]["year"] == 2030 and skills.targets[0]["value"] == 80
    assert skills.details["compass"]["id"] == "basic_digital_skills"


def test_scorecard_indicators_carry_their_names(app_client):
    items = app_client.get("/api/indicators").json()["items"]
    old_age = next(i for i in items if i["id"] == "old_age_share")
    assert old_age["names"]["de"] == "Bevölkerung ab 65 Jahren"
    assert old_age["direction"] == -1


def test_a_new_kpi_is_one_registry_entry(plugin, app_client):
    assert "noise_lden_above_55" not in registry()
    catalogue.register_measure("noise_lden_above_55", f"{plugin}:NOISE")
    assert catalogue.get_measure("noise_lden_above_55").unit == "%"
    assert "noise_lden_above_55" in registry()
    r = app_client.get("/api/kpis", params={"lang": "fr", "area": "environment"})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    assert body["items"][0]["name"] == "Population exposée au bruit routier au-delà de 55 dB Lden"
    r = app_client.get("/api/kpis/noise_lden_above_55", params={"unit": "percent"})
    assert r.status_code == 200 and r.json()["thresholds"][0]["value"] == 14
    entity = app_client.get(
        "/api/kpis/noise_lden_above_55/entity",
        params={"value": "9", "area": "FI1C6", "from": "2022-01-01", "to": "2022-12-31"},
    )
    assert entity.status_code == 200 and entity.json()["provider"].startswith("European")


def test_a_broken_measure_plugin_fails_loudly(plugin):
    catalogue.register_measure("broken", f"{plugin}:BROKEN")
    with pytest.raises(BadInput, match="not a regioatlas.model.measures.Measure"):
        catalogue.measures()
    catalogue.register_measure("missing", f"{plugin}:NOPE")
    with pytest.raises(AttributeError):
        catalogue.get_measure("missing")
    with pytest.raises(NotFound, match="unknown measure 'nope'"):
        catalogue.get_measure("nope")


def test_a_measure_without_all_five_names_is_refused():
    source = {"publisher": "p", "dataset": "d", "licence": "l", "attribution": "a"}
    with pytest.raises(BadInput, match="no name in it, fr"):
        Measure(
            "x", "kpi", "a", {"en": "X", "fi": "X", "de": "X"}, "d", "%", "higher_is_better", source
        )
    with pytest.raises(BadInput, match="direction"):
        Measure("x", "kpi", "a", dict.fromkeys(LANGUAGES, "X"), "d", "%", "up", source)


SCORECARD_PLUGIN = """
from dataclasses import replace

from regioatlas.analytics.measures import get_measure

# the same derivation as GDP per head in PPS, under another id: a scorecard indicator plug-in
GDP_AGAIN = replace(get_measure("gdp_per_head_pps"), id="gdp_per_head_pps_again")
"""


def test_a_scorecard_indicator_registered_by_a_plugin_reaches_the_scorecard(
    plugin, tmp_path, app_client
):
    (tmp_path / "gdp_plugin.py").write_text(SCORECARD_PLUGIN, encoding="utf-8")
    r = app_client.get("/api/indicators/gdp_per_head_pps_again")
    assert (r.status_code, r.json()["parameter"]) == (404, "indicator")
    catalogue.register_measure("gdp_per_head_pps_again", "gdp_plugin:GDP_AGAIN")
    ids = [i["id"] for i in app_client.get("/api/indicators").json()["items"]]
    assert ids[-1] == "gdp_per_head_pps_again"
    again = app_client.get("/api/indicators/gdp_per_head_pps_again", params={"level": 2})
    gdp = app_client.get("/api/indicators/gdp_per_head_pps", params={"level": 2})
    assert again.status_code == gdp.status_code == 200, again.text
    assert again.json()["items"] == gdp.json()["items"] and gdp.json()["items"]
