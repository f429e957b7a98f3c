"""`regioatlas migrate`: DuckDB → PostGIS → DuckDB on real ingested files, verified equal."""

from __future__ import annotations

import math
from datetime import date

import pytest
from click.testing import CliRunner

from regioatlas.cli import main
from regioatlas.ingest import ingest
from regioatlas.model import Participant, PlaceHint, Project
from regioatlas.model.query import Page, ProjectFilter
from regioatlas.store import StoreError, open_store
from regioatlas.store.migrate import copy_store, store_digests
from tests.test_backup import add_server_rows, server_rows

FILTERS = [
    ProjectFilter(),
    ProjectFilter(countries=["AT"]),
    ProjectFilter(region="AT13"),
    ProjectFilter(org_types=["HES"], text="health"),
    ProjectFilter(period_from=date(2026, 1, 1), period_to=date(2027, 12, 31)),
]


@pytest.fixture(scope="module")
def source_path(tmp_path_factory, fixtures):
    """A DuckDB store of four real datasets: Horizon Europe, Austrian ERDF, population, and
    EEA hourly PM2.5 of four Berlin stations (stations and station values)."""
    from regioatlas.sources.eea_aq import bundled_berlin_files

    path = tmp_path_factory.mktemp("migrate") / "source.duckdb"
    with open_store(str(path)) as store:
        cordis, cohesion = fixtures / "cordis", fixtures / "cohesion"
        ingest(store, "auto", [cordis / "he_projects.csv", cordis / "he_organizations.csv"])
        ingest(store, "at-efre", [cohesion / "AT_ERDF_2014-2020_Vorhabensliste.csv"])
        ingest(store, "auto", [fixtures / "kpi/eurostat_tgs00096_population_nuts2016_subset.csv"])
        ingest(store, "eea-aq", bundled_berlin_files())
        add_server_rows(store)
    return path


def _answers(store) -> dict:
    """What the atlas asks a store, under several filters."""
    out: dict = {"datasets": store.datasets(), "facets": store.facets()}
    for i, flt in enumerate(FILTERS):
        out[f"aggregate{i}"] = [store.aggregate(level, flt) for level in range(4)]
        out[f"breakdown{i}"] = [store.breakdown(by, flt) for by in ("year", "org_type", "method")]
        out[f"projects{i}"] = store.query_projects(
            flt, Page(limit=25, sort="eu_contribution_eur", descending=True)
        )
    out["search"] = [store.search(text) for text in ("care", "universit", "wien")]
    out["figures"] = store.figures("population")
    out["records"] = store.project_records()
    out["project"] = store.project("cordis-he-sample:101226563")
    eea = next(d.id for d in store.datasets() if d.source == "eea-aq")
    out["stations"] = store.stations(eea)
    out["station_values"] = store.station_values(eea, "PM2.5")
    return out


def _close(a, b) -> bool:
    # sums of doubles in another order may differ in the last bits between the databases
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return a == b


def test_duckdb_to_postgis_and_back_gives_the_same_answers(source_path, pg_url, tmp_path):
    result = CliRunner().invoke(main, ["migrate", "--from", str(source_path), "--to", pg_url])
    assert result.exit_code == 0, result.output
    assert "copied 4 dataset(s); verified equal" in result.output
    back = tmp_path / "back.duckdb"
    with open_store(str(source_path), read_only=True) as source, open_store(pg_url) as pg:
        with open_store(f"duckdb://{back}") as duck:
            report = copy_store(pg, duck)
            assert report.tables["participants"].rows == 248
            assert report.tables["region_figures"].rows == 108
            assert report.tables["stations"].rows == 4
            assert report.tables["station_values"].rows == 8736  # Jan-Apr 2021, 4 stations
            expected = _answers(source)
            assert expected["aggregate0"][0] and expected["projects0"][0] == 69
            for copy in (pg, duck):
                assert server_rows(copy) == server_rows(source)
                assert store_digests(copy) == store_digests(source)
                answers = _answers(copy)
                assert [k for k in expected if not _close(expected[k], answers[k])] == []


def test_a_non_empty_target_is_refused_unless_replace(source_path, pg_url, tmp_path):
    with open_store(str(source_path), read_only=True) as source, open_store(pg_url) as pg:
        copy_store(source, pg)
        before = store_digests(pg)
        with pytest.raises(StoreError, match="not empty"):
            copy_store(source, pg)
        assert store_digests(pg) == before
    other = tmp_path / "other.duckdb"
    with open_store(str(other)) as store:
        store.replace_dataset(*_small_dataset())
    args = ["migrate", "--from", str(other), "--to", pg_url]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 4 and "error: the target store is not empty" in refused.output
    replaced = CliRunner().invoke(main, [*args, "--replace"])
    assert replaced.exit_code == 0, replaced.output
    with open_store(pg_url) as pg, open_store(str(other), read_only=True) as store:
        assert [d.id for d in pg.datasets()] == ["src:a.csv"]
        assert store_digests(pg) == store_digests(store)


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match=r"cannot reach PostgreSQL at 127\.0\.0\.1:9"):
        open_store("postgres://postgres@127.0.0.1:9/atlas")
    open_store(str(tmp_path / "empty.duckdb")).close()
    result = CliRunner().invoke(
        main,
        ["migrate", "--from", str(tmp_path / "empty.duckdb"), "--to", "postgresql://127.0.0.1:9/x"],
    )
    assert result.exit_code == 5  # unavailable
    assert "error: cannot reach PostgreSQL at 127.0.0.1:9" in result.output
    assert "Traceback" not in result.output


def test_a_missing_source_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "missing.duckdb"
    result = CliRunner().invoke(
        main, ["migrate", "--from", str(missing), "--to", str(tmp_path / "t.duckdb")]
    )
    assert result.exit_code != 0 and f"error: no store at {missing}" in result.output
    assert "Traceback" not in result.output


def test_located_participants_get_a_point_with_a_spatial_index(pg_url):
    with open_store(pg_url) as store:
        store.replace_dataset(*_small_dataset())
    import psycopg

    with psycopg.connect(pg_url) as conn:
        points = conn.execute(
            "SELECT seq, ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM participants ORDER BY seq"
        ).fetchall()
        assert points == [(1, 25.66, 60.98, 4326), (2, None, None, None)]
        near_lahti = conn.execute(
            "SELECT count(*) FROM participants WHERE ST_DWithin(geom, "
            "ST_SetSRID(ST_MakePoint(25.6, 61.0), 4326), 0.1)"
        ).fetchone()
        assert near_lahti == (1,)
        index = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'participants_geom'"
        ).fetchone()
        assert index is not None and "USING gist (geom)" in index[0]


def test_a_read_only_store_refuses_writes(pg_url):
    open_store(pg_url).close()
    with open_store(pg_url, read_only=True) as store, pytest.raises(StoreError, match="read-only"):
        store.replace_dataset(*_small_dataset())


def _small_dataset():
    from datetime import UTC, datetime

    from regioatlas.model import Dataset

    dataset = Dataset(
        "src:a.csv",
        "src",
        ["a.csv"],
        "0" * 64,
        "p",
        "CC BY 4.0",
        "a",
        datetime(2026, 1, 1, tzinfo=UTC),
    )
    project = Project("src:1", "src", "1", title="Lahti project")
    participants = [
        Participant("src:1", 1, "Lahti org", place=PlaceHint(country="FI", lat=60.98, lon=25.66)),
        Participant("src:1", 2, "Somewhere", place=PlaceHint(country="FI")),
    ]
    return dataset, [project], participants, []
