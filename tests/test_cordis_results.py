"""What a project produced: the CORDIS Horizon Europe deliverables and periodic reports, read
(source ``cordis-he-results``), stored with their dataset and served on the project's answer."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from regioatlas.ingest import ingest
from regioatlas.model import InputError
from regioatlas.sources.registry import get_source, recognise

DELIVERABLES = "horizon_europe_project_deliverables_2025-03_sample.csv.gz"
REPORTS = "horizon_europe_report_summaries_titles_2025-03_sample.csv"
#: INTERCEPT-T2D: 5 deliverables and a periodic report in the CORDIS files
PROJECT = "101095433"


def _files(fixtures: Path) -> list[Path]:
    return [fixtures / "cordis" / DELIVERABLES, fixtures / "cordis" / REPORTS]


def test_reads_deliverables_gzip_and_reports_plain(fixtures):
    source, found = recognise(_files(fixtures))
    assert source.name == "cordis-he-results"
    assert found == "CORDIS Horizon Europe deliverables and periodic reports (comma-separated)"
    read = source.read(_files(fixtures))
    assert read.errors == []
    kinds = [o.kind for o in read.outputs]
    assert (kinds.count("deliverable"), kinds.count("periodic report")) == (22, 3)
    report = next(o for o in read.outputs if o.id == f"{PROJECT}_PSHORIZON")
    assert (report.project, report.programme, report.date) == (PROJECT, "HORIZON", "2024-12-02")
    assert report.url == f"https://cordis.europa.eu/project/id/{PROJECT}/reporting"
    assert report.type is None
    deliverables = [o for o in read.outputs if o.project == PROJECT and o.kind == "deliverable"]
    assert len(deliverables) == 5
    assert all(
        o.url.startswith("https://ec.europa.eu/research/participants/") for o in deliverables
    )
    assert all(o.type and len(o.date) == 10 for o in deliverables)


def _bad_copy(fixtures: Path, tmp_path: Path) -> Path:
    """The deliverables fixture with three rows broken the ways a page must not get them."""
    with gzip.open(fixtures / "cordis" / DELIVERABLES, "rt", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows[0]["url"] = "javascript:alert(1)"
    rows[1]["projectID"] = ""
    rows[2]["contentUpdateDate"] = "31/01/2024"
    path = tmp_path / "deliverables.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_bad_rows_are_named_and_refused_unless_partial(fixtures, tmp_path, store):
    path = _bad_copy(fixtures, tmp_path)
    read = get_source("cordis-he-results").read([path])
    named = {(e.line, e.column): e.reason for e in read.errors}
    assert set(named) == {(2, "url"), (3, "projectID"), (4, "contentUpdateDate")}
    assert "http(s)" in named[(2, "url")]
    assert all(e.file == str(path) for e in read.errors)
    assert len(read.outputs) == 22 - 3
    with pytest.raises(InputError) as refused:
        ingest(store, "cordis-he-results", [path])
    assert "javascript:alert(1)" in str(refused.value)
    assert store.datasets() == []  # nothing written
    report = ingest(store, "cordis-he-results", [path], allow_partial=True)
    assert report.rejected_rows == 3
    assert (report.outputs, report.dataset.project_count) == (19, 0)
    # the dataset covers the years its outputs were updated in
    assert (report.dataset.first_year, report.dataset.last_year) == (2024, 2025)


def test_a_file_of_another_layout_is_not_recognised(fixtures):
    other = fixtures / "cordis" / "he_projects.csv"
    with pytest.raises(InputError) as refused:
        get_source("cordis-he-results").read([other])
    error = refused.value.errors[0]
    assert error.file == str(other)
    assert "not recognised as CORDIS Horizon Europe deliverables" in error.reason


def test_the_project_answer_lists_its_outputs_with_their_attribution(app_client):
    # the demo ships the sample projects' outputs (the session's demo store: no build of its own)
    project = app_client.get(f"/api/projects/cordis-he-sample:{PROJECT}").json()
    assert project["outputs_total"] == 6
    dates = [o["date"] for o in project["outputs"]]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert [o["kind"] for o in project["outputs"]].count("periodic report") == 1
    (credit,) = project["outputs_sources"]
    assert credit["licence"] == "CC BY 4.0"
    assert credit["attribution"] == "© European Union, CORDIS"
    assert credit["dataset_id"] == project["outputs"][0]["dataset_id"]
    without = app_client.get("/api/projects/cordis-he-sample:101083671").json()
    assert (without["outputs"], without["outputs_total"], without["outputs_sources"]) == ([], 0, [])
    # a project answer starts the organisation matching in the background: let it end here,
    # not while the session's app closes its store under it
    app_client.app.state.atlas.organisations.current()
