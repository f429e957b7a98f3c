"""Downloads of projects, participants and region aggregates in CSV, GeoJSON, GeoPackage,
Parquet and XLSX under the atlas filters, over the demo store and the real app; GeoPackage read
by GDAL's ogrinfo; CSV and XLSX cannot run formulas."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import UTC, date, datetime

import pyarrow.parquet as pq
import pyogrio
import pytest
from openpyxl import load_workbook

from regioatlas.model import Dataset, Location, Participant, PlaceHint, Project

FILTERS = {
    "projects": "region=FI1C6&from=2016",
    "participants": "region=FI1C6&from=2016",
    "regions": "level=3&country=FI&from=2016",
}
FORMATS = ("csv", "geojson", "gpkg", "parquet", "xlsx")


def _expected(app_client, table: str) -> int:
    """How many rows the JSON API says the table has under the same filters."""
    if table == "projects":
        return app_client.get(f"/api/projects?{FILTERS[table]}&limit=1").json()["total"]
    if table == "participants":
        items = app_client.get("/api/aggregates?level=3&region=FI1C6&from=2016").json()["items"]
        return next(i["participations"] for i in items if i["code"] == "FI1C6")
    return app_client.get(f"/api/aggregates?{FILTERS[table]}").json()["count"]


def _rows(fmt: str, body: bytes, tmp_path, table: str) -> list[dict]:
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    if fmt == "geojson":
        return [f["properties"] for f in json.loads(body)["features"]]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(body), read_only=True)[table]
        head, *rest = sheet.iter_rows(values_only=True)
        return [dict(zip(head, r)) for r in rest]
    path = tmp_path / f"x.{fmt}"
    path.write_bytes(body)
    if fmt == "gpkg":
        return pyogrio.read_dataframe(path, layer=table).to_dict("records")
    return pq.read_table(path).to_pylist()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("table", list(FILTERS))
def test_every_table_in_every_format_under_the_filters(app_client, tmp_path, table, fmt):
    r = app_client.get(f"/api/export/{table}.{fmt}?{FILTERS[table]}")
    assert r.status_code == 200, r.text
    assert f'filename="regioatlas-{table}.{fmt}"' in r.headers["content-disposition"]
    rows = _rows(fmt, r.content, tmp_path, table)
    assert len(rows) == _expected(app_client, table) > 0
    key = {"projects": "id", "participants": "nuts3", "regions": "code"}[table]
    values = {str(row[key]) for row in rows}
    if table == "participants":
        assert values == {"FI1C6"}  # located in the region asked for
    if table == "regions":
        assert "FI1C6" in values and all(v.startswith("FI") and len(v) == 5 for v in values)


def test_regions_carry_their_polygons_in_every_geographic_format(app_client, tmp_path):
    q = FILTERS["regions"]
    geo = app_client.get(f"/api/export/regions.geojson?{q}").json()
    assert {f["geometry"]["type"] for f in geo["features"]} <= {"Polygon", "MultiPolygon"}
    assert any("EuroGeographics" in a for a in geo["attribution"])
    path = tmp_path / "regions.parquet"
    path.write_bytes(app_client.get(f"/api/export/regions.parquet?{q}").content)
    meta = json.loads(pq.read_schema(path).metadata[b"geo"])
    assert meta["primary_column"] == "geometry"
    assert meta["columns"]["geometry"]["encoding"] == "WKB"
    import geopandas

    frame = geopandas.read_parquet(path)
    assert frame.crs.to_epsg() == 4326 and frame.geometry.notna().all()
    lahti = frame.set_index("code").loc["FI1C6"].geometry.representative_point()
    assert 25 < lahti.x < 27 and 60.5 < lahti.y < 61.8


def test_a_geopackage_opens_in_gdal(app_client, tmp_path):
    assert shutil.which("ogrinfo"), "gdal-bin is not installed (scripts/setup.sh test)"
    path = tmp_path / "regions.gpkg"
    path.write_bytes(app_client.get(f"/api/export/regions.gpkg?{FILTERS['regions']}").content)
    out = subprocess.run(
        ["ogrinfo", "-so", str(path), "regions"], capture_output=True, text=True, check=True
    )
    expected = _expected(app_client, "regions")
    assert f"Feature Count: {expected}" in out.stdout
    assert "Multi Polygon" in out.stdout and "WGS 84" in out.stdout
    assert "Warning" not in out.stderr


def test_a_geoparquet_opens_in_gdal_where_gdal_reads_parquet(tmp_path):
    """GDAL reads GeoParquet from 3.8 with its Arrow driver; Debian 12's ogrinfo (3.6) has
    none, so there the file is checked against the GeoParquet metadata GDAL reads. (The demo's
    sources give no coordinates: a store whose participant has them.)"""
    from starlette.testclient import TestClient

    from regioatlas.web.app import create_app

    path = tmp_path / "participants.parquet"
    with TestClient(create_app(_hostile_store(tmp_path))) as client:
        path.write_bytes(client.get("/api/export/participants.parquet").content)
    meta = json.loads(pq.read_schema(path).metadata[b"geo"])
    assert meta["version"].startswith("1.") and meta["columns"]["geometry"]["encoding"] == "WKB"
    import geopandas

    points = geopandas.read_parquet(path).geometry.dropna()
    assert [(p.x, p.y) for p in points] == [(25.66, 60.98)]
    formats = subprocess.run(["ogrinfo", "--formats"], capture_output=True, text=True).stdout
    if "Parquet" in formats:
        out = subprocess.run(["ogrinfo", "-so", "-al", str(path)], capture_output=True, text=True)
        assert "Point" in out.stdout


def _hostile_store(tmp_path):
    """A real store whose project title and organisation name are formulas."""
    from regioatlas.store import open_store

    url = str(tmp_path / "hostile.duckdb")
    with open_store(url) as store:
        store.migrate()
        dataset = Dataset(
            "evil:list.csv", "evil", ["list.csv"], "0" * 64, "Somebody", "CC BY 4.0",
            "Source: somebody", datetime(2026, 1, 1, tzinfo=UTC),
            project_count=1, participant_count=1,
        )  # fmt: skip
        project = Project(
            "evil:1", "evil", "1", title='=HYPERLINK("http://x.example","click")',
            acronym="+1", start_date=date(2020, 1, 1), end_date=date(2021, 1, 1),
            eu_contribution_eur=-5.0, country="FI",
        )  # fmt: skip
        location = Location(2024, "nuts_code", 1.0, "FI", "FI1", "FI1C", "FI1C6")
        place = PlaceHint(country="FI", lat=60.98, lon=25.66)  # Lahti, as a source gives it
        participant = Participant("evil:1", 1, name="@SUM(A1:A9)", place=place, location=location)
        store.replace_dataset(dataset, [project], [participant], [])
    return url


def test_csv_and_xlsx_cannot_run_formulas(tmp_path):
    from starlette.testclient import TestClient

    from regioatlas.web.app import create_app

    with TestClient(create_app(_hostile_store(tmp_path))) as client:
        rows = list(csv.DictReader(io.StringIO(client.get("/api/export/projects.csv").text)))
        assert rows[0]["title"] == '\'=HYPERLINK("http://x.example","click")'
        assert rows[0]["acronym"] == "'+1" and rows[0]["eu_contribution_eur"] == "-5.0"
        people = list(csv.DictReader(io.StringIO(client.get("/api/export/participants.csv").text)))
        assert people[0]["name"] == "'@SUM(A1:A9)"
        book = load_workbook(io.BytesIO(client.get("/api/export/projects.xlsx").content))
        sheet = book["projects"]
        head = [c.value for c in sheet[1]]
        title = sheet.cell(2, head.index("title") + 1)
        assert title.data_type == "s" and title.value.startswith("'=")
        money = sheet.cell(2, head.index("eu_contribution_eur") + 1)
        assert money.value == -5.0  # a negative number stays a number


@pytest.mark.parametrize(
    ("path", "status", "parameter"),
    [
        ("/api/export/participants.csv?from=soon", 400, "from"),
        ("/api/export/regions.gpkg?level=7", 400, "level"),
        ("/api/export/projects.csv?sort=colour", 400, "sort"),
        ("/api/export/projects.pdf", 404, "format"),
        ("/api/export/participants.xlsx", 400, "format"),  # 149,927 rows: over the XLSX limit
    ],
)
def test_bad_downloads_are_problems_naming_the_parameter(app_client, path, status, parameter):
    r = app_client.get(path)
    assert r.status_code == status and r.headers["content-type"] == "application/problem+json"
    assert r.json()["parameter"] == parameter
