"""Ingest through the library: atomic, idempotent, auto-recognising, located, partial on request."""

from __future__ import annotations

import pytest

from regioatlas.ingest import ingest
from regioatlas.model import InputError
from regioatlas.model.query import Page, ProjectFilter


def _snapshot(store):
    total, rows = store.query_projects(ProjectFilter(), Page(limit=500))
    return total, rows, store.aggregate(3, ProjectFilter()), store.aggregate(0, ProjectFilter())


def test_auto_ingest_of_he_sample_locates_and_reports(store, fixtures):
    d = fixtures / "cordis"
    report = ingest(store, "auto", [d / "he_projects.csv", d / "he_organizations.csv"])
    ds = report.dataset
    assert ds.source == "cordis-he-sample"
    assert "Horizon Europe" in ds.recognised_as
    assert (ds.project_count, ds.participant_count) == (20, 199)
    assert ds.licence == "CC BY 4.0" and ds.attribution == "© European Union, CORDIS"
    assert len(ds.sha256) == 64
    rep = ds.location_report
    assert rep["total"] == 199
    assert sum(rep["by_level"].values()) == pytest.approx(1.0)
    assert sum(rep["by_method"].values()) == pytest.approx(1.0)
    # organisations give a city: most European ones reach NUTS 3 through the gazetteers
    assert rep["by_level"].get("3", 0) > 0.5
    # Amsterdam (VU) must be located in Groot-Amsterdam (NL32B in NUTS 2024, NL329 before)
    project = store.project("cordis-he-sample:101226563")
    vu = next(p for p in project["participants"] if p["name"] == "STICHTING VU")
    assert vu["nuts3"] == "NL32B" and vu["loc_method"] in ("municipality_name", "geonames_place")
    ghana = next(p for p in project["participants"] if p["name"] == "UNIVERSITY OF GHANA")
    assert ghana["nuts0"] is None and ghana["loc_method"] == "none"


def test_same_files_twice_give_the_same_store(store, fixtures):
    files = [fixtures / "cordis" / "h2020_participations_head.csv"]
    ingest(store, "cordis-h2020", files)
    first = _snapshot(store)
    ingest(store, "cordis-h2020", files)
    assert _snapshot(store) == first
    assert len(store.datasets()) == 1


def test_failing_file_leaves_the_store_unchanged(store, fixtures, tmp_path):
    ingest(store, "cordis-h2020", [fixtures / "cordis" / "h2020_participations_head.csv"])
    before = _snapshot(store)
    bad = tmp_path / "h2020_participations_head.csv"  # same name: it would replace the dataset
    text = (fixtures / "cordis" / "h2020_participations_head.csv").read_text()
    bad.write_text(text.replace(",317625,", ",three hundred,", 1))
    with pytest.raises(InputError) as exc:
        ingest(store, "cordis-h2020", [bad])
    assert "contribution" in str(exc.value) and "line 2" in str(exc.value)
    assert _snapshot(store) == before


def test_allow_partial_keeps_valid_rows_and_reports_the_rest(store, fixtures, tmp_path):
    bad = tmp_path / "h2020.csv"
    text = (fixtures / "cordis" / "h2020_participations_head.csv").read_text()
    bad.write_text(text.replace(",317625,", ",three hundred,", 1))
    report = ingest(store, "cordis-h2020", [bad], allow_partial=True)
    assert report.dataset.participant_count == 2999
    assert [(e.line, e.column) for e in report.rejected] == [(2, "contribution")]
    assert report.dataset.rejected_count == 1


def test_h2020_is_located_by_country(store, fixtures):
    report = ingest(store, "cordis-h2020", [fixtures / "cordis" / "h2020_participations_head.csv"])
    rep = report.dataset.location_report
    # only the country is known; countries outside NUTS (US, CN, ...) stay unlocated
    assert set(rep["by_method"]) <= {"country", "none"}
    assert rep["by_method"]["country"] > 0.85
    countries = {r["code"] for r in store.aggregate(0, ProjectFilter())}
    assert {"BE", "ES", "DE", "FI", "AT"} <= countries


def test_unrecognised_layout_asks_for_a_profile(store, tmp_path):
    f = tmp_path / "something.csv"
    f.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InputError) as exc:
        ingest(store, "auto", [f])
    assert "profile suggest" in str(exc.value)


def test_missing_file(store, tmp_path):
    with pytest.raises(InputError) as exc:
        ingest(store, "auto", [tmp_path / "nope.csv"])
    assert "not found" in str(exc.value)


def test_the_garbage_collector_is_paused_during_an_ingest_and_back_after(store, fixtures):
    """Ingests pause Python's cyclic collector (speed) and must leave it as they found it,
    also after a failed ingest and when two run at once."""
    import gc
    import threading

    from regioatlas.ingest import collector_paused

    seen = []
    official = fixtures / "cordis" / "official"
    ingest(store, "auto", [official / "project.csv", official / "organization.csv"],
           progress=lambda *a: seen.append(gc.isenabled()))  # fmt: skip
    assert seen and not any(seen) and gc.isenabled()
    with pytest.raises(InputError):
        ingest(store, "auto", [official / "project.csv"])
    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(10)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the other one still runs
    release.set()
    thread.join()
    assert gc.isenabled()
