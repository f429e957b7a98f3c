"""The practice model's rules, the shipped sources and the pure search/recommendation functions."""

from __future__ import annotations

import pytest

from regioatlas.analytics.practices import PracticeIndex, RegionContext, rank_regions, recommend
from regioatlas.model.errors import BadInput
from regioatlas.model.practices import check_plan, check_practice, check_transfer, current_stage
from regioatlas.sources.practices_base import PRACTICE_SOURCES, country_code
from regioatlas.sources.practices_ecesp import (
    EcespGoodPractices,
    JrcPublicServiceCases,
    shipped_file,
)


def test_a_practice_keeps_html_as_given_and_names_the_bad_field():
    doc = check_practice(
        {"title": "<b>Bold</b>", "region": "fi1c6", "themes": "a; b", "start_date": "2019"}
    )
    assert (
        doc["title"] == "<b>Bold</b>" and doc["region"] == "FI1C6" and doc["themes"] == ["a", "b"]
    )
    assert doc["start_date"] == "2019-01-01" and doc["country"] == "FI"
    for body, field in (({"region": "FI1C6"}, "title"), ({"title": "x"}, "region"),
                        ({"title": "x", "region": "FI1C6", "end_date": "soon"}, "end_date"),
                        ({"title": "x", "region": "FI1C6", "themes": [1]}, "themes")):  # fmt: skip
        with pytest.raises(BadInput) as caught:
            check_practice(body)
        assert caught.value.parameter == field


def test_a_plan_refuses_an_unknown_measure_and_sorts_observations():
    plan = {"title": "P", "region": "FI1C2", "actions": [{"title": "A", "kpis": [
        {"measure": "m", "baseline": "1", "target": 3, "observed": [{"date": "2026-02-01", "value": 2},
                                                                    {"date": "2026", "value": 1.5}]}]}]}  # fmt: skip
    kpi = check_plan(plan, lambda m: m == "m")["actions"][0]["kpis"][0]
    assert kpi["baseline"] == 1.0 and [o["date"] for o in kpi["observed"]] == [
        "2026-01-01",
        "2026-02-01",
    ]
    with pytest.raises(BadInput) as caught:
        check_plan(plan, lambda m: False)
    assert caught.value.parameter == "actions[0].kpis[0].measure"


def test_a_transfer_has_known_stages():
    t = check_transfer({"practice": "p1", "region": "AT127", "stages": [
        {"stage": "started", "date": "2019-01-01"}, {"stage": "implemented", "date": "2021-06-01"}]})  # fmt: skip
    assert current_stage(t) == "implemented"
    with pytest.raises(BadInput, match="stage must be one of"):
        check_transfer({"practice": "p1", "region": "AT127", "stages": [{"stage": "done"}]})


def test_the_shipped_sources_are_read_and_located_with_the_method_recorded():
    assert set(PRACTICE_SOURCES.names()) >= {"ecesp", "jrc-ipso", "urbact"}
    assert country_code("Other (Norway)") == "NO" and country_code("EU") is None
    ecesp = EcespGoodPractices().read([shipped_file("ecesp")])
    assert len(ecesp.practices) > 140
    methods = {p["location"]["method"] for p in ecesp.practices}
    assert methods <= {"country", "organisation_place"} and "organisation_place" in methods
    assert all(p["licence"] and p["attribution"] for p in ecesp.practices)
    jrc = JrcPublicServiceCases().read([shipped_file("jrc-ipso")])
    located = [p for p in jrc.practices if len(p["region"]) == 5]
    assert located and all(p["location"]["confidence"] < 1 for p in located)


def _index():
    return PracticeIndex.build([
        {"id": "a", "title": "Repair cafés against waste", "region": "AT127", "themes": ["Waste"], "language": "en"},
        {"id": "b", "title": "Kiertotalous ja korjaamot", "region": "FI1C2", "themes": ["Waste"], "language": "fi"},
        {"id": "c", "title": "School canteens buy local food", "region": "FRL04", "themes": ["Food"], "language": "fr"},
        {"id": "own", "title": "Waste repair in Lahti", "region": "FI1C6", "language": "fi"},
    ])  # fmt: skip


def test_search_filters_by_facets_and_counts_them():
    ix = _index()
    r = ix.search("waste repair", {"language": ["en"]}, method="lexical")
    assert [i["id"] for i in r["items"]] == ["a"] and r["facets"]["language"] == {"en": 1}
    assert ix.search("", {"theme": ["Waste"]})["total"] == 2


def test_recommendations_leave_out_the_region_and_give_reasons():
    ctx = RegionContext(
        "FI1C6",
        "next_to_metropolis",
        {"FI1C2": 0.5},
        {"FI1C2": "next_to_metropolis", "AT127": "other"},
    )
    items = recommend(_index(), ctx, "repair waste", {"a": ["SE110", "DK011"]})
    ids = [i["practice"]["id"] for i in items]
    assert "own" not in ids and ids[0] == "a"
    assert (
        items[0]["reasons"]["transfers"] == ["SE110", "DK011"]
        and items[0]["reasons"]["shared_terms"]
    )
    b = items[ids.index("b")]
    assert (
        b["reasons"]["peer"] == {"region": "FI1C2", "distance": 0.5} and b["reasons"]["same_type"]
    )


def test_regions_are_ranked_for_a_practice_by_the_same_parts():
    ranked = rank_regions(
        "FI1C6",
        {"AT127": 0.1, "SE110": 0.1},
        lambda a, b: 0.2 if b == "SE110" else None,
        {},
        ["AT127", "SE110"],
    )
    assert [c for c, _ in ranked] == ["SE110", "AT127"]
