"""The practice versions on every store (the store contract for issue 13): appended, never
changed, read back alike by DuckDB and PostGIS."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from regioatlas.store import StoreError, open_store

STORE_KINDS = ["duckdb", "postgis"]


@pytest.fixture(params=STORE_KINDS)
def any_store(request, tmp_path):
    if request.param == "duckdb":
        s = open_store(f"duckdb://{tmp_path / 'practices.duckdb'}")
    else:
        s = open_store(request.getfixturevalue("pg_url"))
    yield s
    s.close()


def _version(item_id: str, version: int, status: str = "draft", title: str = "Repair café"):
    return {
        "kind": "practice",
        "id": item_id,
        "version": version,
        "status": status,
        "owner": "alice",
        "saved_by": "alice" if status != "approved" else "rita",
        "saved_at": datetime(2026, 12, 1, 10, version, tzinfo=UTC),
        "comment": None,
        "document": {"title": title, "region": "FI1C3", "themes": ["reuse", "<b>x</b>"]},
    }


def test_every_version_is_kept_and_the_latest_is_read(any_store):
    before = any_store.practice_data_version()
    any_store.add_practice_versions([_version("p1", 1), _version("p2", 1)])
    any_store.add_practice_versions([_version("p1", 2, "submitted", "Repair café 2")])
    any_store.add_practice_versions([_version("p1", 3, "approved", "Repair café 2")])
    assert any_store.practice_data_version() != before
    history = any_store.practice_versions("practice", "p1")
    assert [v["version"] for v in history] == [1, 2, 3]
    assert [v["status"] for v in history] == ["draft", "submitted", "approved"]
    assert history[0]["document"]["themes"] == ["reuse", "<b>x</b>"]
    assert history[0]["saved_at"] == datetime(2026, 12, 1, 10, 1, tzinfo=UTC)
    latest = any_store.practice_versions("practice", latest=True)
    assert [(v["id"], v["version"]) for v in latest] == [("p1", 3), ("p2", 1)]
    assert any_store.practice_versions("plan") == []


def test_a_version_saved_twice_is_refused_and_nothing_is_appended(any_store):
    any_store.add_practice_versions([_version("p1", 1)])
    with pytest.raises(StoreError, match="saved meanwhile"):
        any_store.add_practice_versions([_version("p2", 1), _version("p1", 1, title="other")])
    assert [v["id"] for v in any_store.practice_versions("practice")] == ["p1"]
    assert any_store.practice_versions("practice", "p1")[0]["document"]["title"] == "Repair café"


def test_the_store_has_no_method_to_change_a_version(any_store):
    names = [m for m in dir(any_store) if "practice" in m]
    assert sorted(names) == ["add_practice_versions", "practice_data_version", "practice_versions"]


def test_postgresql_refuses_to_change_a_version(pg_url):
    import psycopg

    with open_store(pg_url) as store:
        store.add_practice_versions([_version("p1", 1)])
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for statement in (
            "UPDATE practice_versions SET owner = 'mallory'",
            "DELETE FROM practice_versions",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT owner FROM practice_versions").fetchall() == [("alice",)]
