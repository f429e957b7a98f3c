"""The summary rows answer the aggregates exactly as the raw participations do, on both stores.

Real lists of operations and the Horizon Europe sample (projects with many participants of
several organisation types in one region, the case a distinct count gets wrong) are ingested;
then the fast SQL (``region_summary``) and the raw SQL (join and ``count(DISTINCT ...)``) run
side by side on many filter combinations, straight on the database the store wrote.
"""

from __future__ import annotations

import math
import re
from datetime import date

import duckdb
import psycopg
import pytest

from regioatlas.demo import DEMO_DATASETS, demo_file
from regioatlas.ingest import ingest
from regioatlas.model.query import ProjectFilter
from regioatlas.store import open_store, sql, summary

SOURCES = ("cordis-he-sample", "fi-rakennerahastot", "at-efre", "pl-mapadotacji")

#: filters the summary rows answer
ANSWERED = [
    ProjectFilter(),
    ProjectFilter(countries=["FI"]),
    ProjectFilter(countries=["FI"], period_from=date(2018, 1, 1)),
    ProjectFilter(countries=["FI"], period_from=date(2016, 1, 1)),
    ProjectFilter(countries=["AT", "PL", "DE"], period_to=date(2017, 12, 31)),
    ProjectFilter(period_from=date(2025, 1, 1), period_to=date(2026, 12, 31)),
    ProjectFilter(org_types=["HES"]),
    ProjectFilter(org_types=["PRC"], countries=["DE", "IT", "ES"]),
    ProjectFilter(sources=["cordis-he-sample"], period_from=date(2024, 1, 1)),
    ProjectFilter(sources=["fi-rakennerahastot", "at-efre"]),
    ProjectFilter(programmes=["HORIZON"], org_types=["REC"]),
    ProjectFilter(funds=["ERDF"]),
    ProjectFilter(region="FI"),
    ProjectFilter(region="FI1", period_from=date(2019, 1, 1)),
    ProjectFilter(region="FI1C", org_types=["PUB"]),
    ProjectFilter(region="PL92"),
]
#: filters only the raw participations answer (the store falls back to them)
FALLBACK = [
    ProjectFilter(text="energy"),
    ProjectFilter(org_types=["HES", "REC"]),
    ProjectFilter(period_from=date(2018, 6, 1)),
    ProjectFilter(period_to=date(2020, 6, 30)),
]


def _same(fast: list[tuple], raw: list[tuple]) -> bool:
    """Same codes, counts and (up to the order doubles are added in) EU contribution."""
    return len(fast) == len(raw) and all(
        f[:3] == r[:3]
        and (f[3] == r[3] or (None not in (f[3], r[3]) and math.isclose(f[3], r[3], rel_tol=1e-9)))
        for f, r in zip(fast, raw)
    )


def _ingest_all(url: str) -> None:
    files = dict(DEMO_DATASETS)
    with open_store(url) as store:
        for source in SOURCES:
            ingest(store, source, [demo_file(n) for n in files[source]], allow_partial=True)


def _runner(url: str):
    """(run(query, params) -> rows, close) on the database itself, not through the store."""
    if url.startswith("postgresql"):
        conn = psycopg.connect(url, autocommit=True)
        return (lambda q, p: conn.execute(q.replace("?", "%s"), p).fetchall()), conn.close
    con = duckdb.connect(url.removeprefix("duckdb://"), read_only=True)
    return (lambda q, p: con.execute(q, p).fetchall()), con.close


def _compare(url: str, filters: list[ProjectFilter], answered: bool) -> int:
    run, close = _runner(url)
    compared = 0
    try:
        for flt in filters:
            for level in range(4):
                # a region finer than the level is always the participations' to answer
                expected = answered and not (flt.region and len(flt.region) - 2 > level)
                assert (summary.summary_query(level, flt) is not None) == expected, (level, flt)
                query, params = sql.aggregate_query(level, flt)
                assert ("region_summary" in query) == expected
                raw = run(*sql.raw_aggregate_query(level, flt))
                got = run(query, params)
                assert _same(got, raw), (level, flt, got[:3], raw[:3])
                compared += len(raw)
    finally:
        close()
    return compared


@pytest.fixture(scope="module", params=["duckdb", "postgis"])
def store_url(request, tmp_path_factory):
    if request.param == "duckdb":
        url = f"duckdb://{tmp_path_factory.mktemp('summary') / 'atlas.duckdb'}"
    else:
        url = request.getfixturevalue("pg_cluster").new_database()
    _ingest_all(url)
    return url


def test_summary_answers_like_the_participations(store_url):
    assert _compare(store_url, ANSWERED, answered=True) > 1000


def test_unanswerable_filters_fall_back_to_the_participations(store_url):
    assert _compare(store_url, FALLBACK, answered=False) > 100


def test_summary_follows_every_write(store_url):
    """Removing a dataset and writing it again rebuild its rows in the same transaction."""
    finland = ProjectFilter(countries=["FI"])
    with open_store(store_url) as store:
        (before,) = store.aggregate(0, finland)
        fi = next(d for d in store.datasets() if d.source == "fi-rakennerahastot")
        store.remove_dataset(fi.id)
        (after,) = store.aggregate(0, finland)
    assert after["participations"] == before["participations"] - fi.participant_count
    _compare(store_url, ANSWERED, answered=True)
    _ingest_all(store_url)  # the same files again: every dataset replaced by itself
    with open_store(store_url) as store:
        assert store.aggregate(0, finland) == [before]
    assert _compare(store_url, ANSWERED, answered=True) > 1000


def test_migration_builds_the_rows_of_an_older_store(tmp_path):
    """A store written before the summary existed gets its rows when it is migrated."""
    path = tmp_path / "old.duckdb"
    _ingest_all(f"duckdb://{path}")
    version = sql.MIGRATIONS.index(summary.MIGRATION) + 1
    with duckdb.connect(str(path)) as con:  # back to the schema before the summary
        for step in sql.MIGRATIONS[version - 1 :]:  # its table and those of later steps
            for statement in step:
                created = re.match(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", statement)
                if created:
                    con.execute(f"DROP TABLE {created.group(1)}")
                added = re.match(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", statement)
                if added:
                    con.execute(f"ALTER TABLE {added.group(1)} DROP COLUMN {added.group(2)}")
        con.execute("DELETE FROM schema_migrations WHERE version >= ?", [version])
    with open_store(f"duckdb://{path}") as store:
        assert store.schema_version() == len(sql.MIGRATIONS)
        assert store.aggregate(3, ProjectFilter(countries=["FI"]))
    assert _compare(f"duckdb://{path}", ANSWERED, answered=True) > 1000
