"""Ingest at scale: streamed batches, exact money sums, real files' quirks (issues 10 and 14).

Real files from the package and tests/fixtures, real DuckDB files and a real PostGIS.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from regioatlas.ingest import ingest
from regioatlas.model import InputError
from regioatlas.model.query import ProjectFilter
from regioatlas.sources.cordis import activity_type
from regioatlas.sources.profile import find_profile
from regioatlas.sources.profile_reader import read_batches_with_profile
from regioatlas.store import open_store

FI_SAMPLE = "cohesion/FI_ERDF_ESF_2014-2020_projektilista_sample.csv"


def _copy_fi(fixtures: Path, folder: Path, edit=None) -> Path:
    """The real Finnish sample under the name the demo uses, rows changed by ``edit``."""
    lines = (fixtures / FI_SAMPLE).read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines))
    if edit:
        rows = edit(rows)
    path = folder / "FI_ERDF_ESF_2014-2020_projektilista.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return path


def _without_time(dataset):
    return replace(dataset, ingested_at=None)


def test_batches_cover_the_file_in_order(fixtures):
    batches = list(
        read_batches_with_profile(find_profile("fi-rakennerahastot"), [fixtures / FI_SAMPLE], 40)
    )
    assert [len(b.projects) for b in batches] == [40, 40, 40, 29]
    lines = [p.source_line for b in batches for p in b.projects]
    assert lines == sorted(lines) and lines[0] == 2 and lines[-1] == 150


def test_streamed_ingest_writes_what_one_batch_writes(fixtures, tmp_path):
    path = _copy_fi(fixtures, tmp_path)
    stored = []
    for batch_rows in (7, 100_000):
        with open_store(str(tmp_path / f"b{batch_rows}.duckdb")) as store:
            report = ingest(store, "fi-rakennerahastot", [path], batch_rows=batch_rows)
            stored.append((report, store.export_dataset(report.dataset.id)))
    (small, rows_small), (whole, rows_whole) = stored
    assert small.dataset.project_count == whole.dataset.project_count == 149
    assert small.dataset.location_report == whole.dataset.location_report
    assert _without_time(rows_small[0]) == _without_time(rows_whole[0])
    assert rows_small[1:] == rows_whole[1:]  # projects, participants (with locations), ...


@pytest.mark.parametrize("kind", ["duckdb", "postgis"])
def test_bad_row_in_a_later_batch_leaves_the_store_unchanged(fixtures, tmp_path, kind, request):
    url = str(tmp_path / "atlas.duckdb") if kind == "duckdb" else request.getfixturevalue("pg_url")
    good = _copy_fi(fixtures, tmp_path)
    with open_store(url) as store:
        before = ingest(store, "fi-rakennerahastot", [good], batch_rows=10).dataset

    def break_last_row(rows):
        rows[-1][6] = "31.2.2016"  # Aloituspvm: no 31 February
        return rows

    _copy_fi(fixtures, tmp_path, break_last_row)
    with open_store(url) as store:
        with pytest.raises(InputError) as err:
            ingest(store, "fi-rakennerahastot", [good], batch_rows=10)
        (e,) = err.value.errors
        assert (Path(e.file).name, e.line, e.column) == (good.name, 150, "Aloituspvm")
        assert "31.2.2016" in str(e)
        (after,) = store.datasets()
        assert (after.sha256, after.project_count) == (before.sha256, before.project_count)


@pytest.mark.parametrize("kind", ["duckdb", "postgis"])
def test_money_sums_are_exact_decimal_sums(fixtures, tmp_path, kind, request):
    # 0.1 + 0.2 + 0.3 is 0.6000000000000001 in floats; the atlas must say 0.6
    amounts = ["0.10", "0.20", "0.30"]

    def three_rows_one_body(rows):
        body = rows[1][4]
        kept = [r for r in rows[1:] if r[4] == body][:3]
        for row, amount in zip(kept, amounts):
            row[9] = amount  # Myönnetty EU- ja valtion rahoitus: public funding
        return [rows[0], *kept]

    path = _copy_fi(fixtures, tmp_path, three_rows_one_body)
    url = str(tmp_path / "atlas.duckdb") if kind == "duckdb" else request.getfixturevalue("pg_url")
    with open_store(url) as store:
        ingest(store, "fi-rakennerahastot", [path])
        (row,) = [r for r in store.aggregate(0, ProjectFilter()) if r["code"] == "FI"]
    assert row["projects"] == 3
    assert row["public_funding_eur"] == 0.6
    assert isinstance(row["participations"], int)


def test_public_funding_is_in_the_aggregates_api(app_client, demo_store_path):
    # the Finnish list gives EU + national public funding: /api/aggregates shows it per region
    r = app_client.get("/api/aggregates?level=3&country=FI&source=fi-rakennerahastot").json()
    by = {i["code"]: i for i in r["items"]}
    assert by["FI1C6"]["eu_contribution_eur"] is None
    with open_store(str(demo_store_path), read_only=True) as store:
        rows = store.participants(ProjectFilter(region="FI1C6", sources=["fi-rakennerahastot"]))
        expected = sum(
            Decimal(repr(store.project(pid)["public_funding_eur"] or 0))
            for pid in {r["project_id"] for r in rows}
        )
    assert by["FI1C6"]["projects"] == len({r["project_id"] for r in rows}) > 0
    assert Decimal(repr(by["FI1C6"]["public_funding_eur"])) == expected


def test_activity_types_repeated_or_combined_are_normalised():
    assert activity_type("PRC;PRC") == "PRC"
    assert activity_type(" prc ; prc ") == "PRC"
    assert activity_type("HES;PRC") == "HES"
    assert activity_type("") is None
    with pytest.raises(ValueError, match="unknown activity type 'XYZ'"):
        activity_type("PRC;XYZ")


def test_official_cordis_file_with_repeated_activity_type_ingests(fixtures, tmp_path):
    official = fixtures / "cordis" / "official"
    with (official / "organization.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    col = rows[0].index("activityType")
    rows[1][col] = "PRC;PRC"  # quoted when written, as in the real exports
    rows[2][col] = "REC;XYZ"
    prc_project = rows[1][0]
    with (tmp_path / "organization.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\n").writerows(rows)
    (tmp_path / "project.csv").write_bytes((official / "project.csv").read_bytes())
    files = [tmp_path / "organization.csv", tmp_path / "project.csv"]
    with open_store(str(tmp_path / "atlas.duckdb")) as store:
        with pytest.raises(InputError) as err:
            ingest(store, "auto", files)
        (e,) = err.value.errors
        assert (e.line, e.column, e.value) == (3, "activityType", "REC;XYZ")
        report = ingest(store, "auto", files, allow_partial=True)
        assert report.rejected_rows == 1
        first = store.project(f"{report.dataset.source}:{prc_project}")
        assert "PRC" in {p["org_type"] for p in first["participants"]}
