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


def _history() -> list[dict]:
    """A practice with three versions (the last approved), a plan and a transfer, each with
    text a copy must keep byte for byte (HTML, accents, a KPI's observed series)."""
    plan = _version("plan-1", 1, "approved", "Action plan <i>Lahti</i>")
    plan["kind"] = "plan"
    plan["document"] = {"title": "Action plan <i>Lahti</i>", "region": "FI1C3",
                        "practices": ["p1"], "actions": [{"title": "Kierrätys", "kpis": [
                            {"measure": "tgs00007", "baseline": 1.5, "target": 3.0,
                             "observed": [{"date": "2026-06-30", "value": 2.25}]}]}]}  # fmt: skip
    transfer = _version("t-1", 1, "approved")
    transfer["kind"] = "transfer"
    transfer["document"] = {"practice": "p1", "region": "AT127", "stages": [
        {"stage": "started", "date": "2026-03-01"}], "outcome": "adopted in Wiener Neustadt"}  # fmt: skip
    return [
        _version("p1", 1),
        _version("p1", 2, "submitted", "Repair café 2 – Päijät-Häme"),
        _version("p1", 3, "approved", "Repair café 2 – Päijät-Häme"),
        plan,
        transfer,
    ]


def _practice_rows(store) -> dict[str, list[dict]]:
    return {kind: store.practice_versions(kind) for kind in ("practice", "plan", "transfer")}


def test_practices_and_their_versions_survive_migrate_and_backup_restore(pg_url, tmp_path):
    """DuckDB → `regioatlas migrate` → PostgreSQL → `backup` → `restore` → a new DuckDB file:
    every version of every item arrives unchanged, and the public one is still the latest
    approved version."""
    from click.testing import CliRunner

    from regioatlas.cli import main

    source = tmp_path / "source.duckdb"
    with open_store(str(source)) as store:
        store.add_practice_versions(_history())
        expected = _practice_rows(store)
    assert [len(v) for v in expected.values()] == [3, 1, 1]

    migrated = CliRunner().invoke(main, ["migrate", "--from", str(source), "--to", pg_url])
    assert migrated.exit_code == 0, migrated.output
    with open_store(pg_url, read_only=True) as pg:
        assert _practice_rows(pg) == expected
    backup = tmp_path / "practices.zip"
    made = CliRunner().invoke(main, ["backup", "--store", pg_url, str(backup)])
    assert made.exit_code == 0, made.output
    restored_path = tmp_path / "restored.duckdb"
    restored = CliRunner().invoke(main, ["restore", str(backup), "--store", str(restored_path)])
    assert restored.exit_code == 0, restored.output
    with open_store(str(restored_path), read_only=True) as restored_store:
        assert _practice_rows(restored_store) == expected
        latest = restored_store.practice_versions("practice", latest=True)
        assert [(v["id"], v["version"], v["status"]) for v in latest] == [("p1", 3, "approved")]
    # the copy is a store of its own: a new version appended to it leaves the source as it was
    with open_store(str(restored_path)) as restored_store:
        restored_store.add_practice_versions([_version("p1", 4)])
        assert len(restored_store.practice_versions("practice", "p1")) == 4
    with open_store(str(source), read_only=True) as store:
        assert _practice_rows(store) == expected
