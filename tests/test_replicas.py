"""Read replicas (issue 14 part 8): a real primary and a real streaming replica
(``pg_basebackup -R``) on loopback ports. Reads go to the replica, writes to the primary, a
writer reads its own writes, and a lagging or stopped replica sends reads to the primary
without an error (also through the real app)."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest
from starlette.testclient import TestClient

from regioatlas.geo.locate import Locator
from regioatlas.ingest import ingest
from regioatlas.store import open_store
from regioatlas.store.postgis import PostGISStore
from regioatlas.web.app import create_app

CORDIS = Path(__file__).parent / "fixtures" / "cordis"
HE_FILES = [CORDIS / "he_projects.csv", CORDIS / "he_organizations.csv"]
AUSTRIA = Path(__file__).parent / "fixtures" / "cohesion" / "AT_ERDF_2014-2020_Vorhabensliste.csv"


@pytest.fixture(scope="module")
def replica(pg_cluster):
    standby = pg_cluster.start_replica()
    yield standby
    standby.stop()


@pytest.fixture()
def primary_url(pg_cluster, replica) -> str:
    url = pg_cluster.new_database()
    open_store(url).close()  # the schema, written on the primary
    replica.wait_for(url.rsplit("/", 1)[1])
    return url


def _dbname(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _queries_seen_by(server_url: str, dbname: str) -> list[str]:
    """The last statement of every other client of ``dbname`` on that server."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT query FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [dbname],
        ).fetchall()
    return [r[0] for r in rows]


def test_reads_go_to_the_replica_and_writes_to_the_primary(primary_url, replica):
    dbname = _dbname(primary_url)
    with open_store(primary_url) as writer:
        ingest(writer, "auto", HE_FILES, locator=Locator())
    replica.wait_for(dbname)
    with PostGISStore(primary_url, read_replicas=[replica.url(dbname)]) as reader:
        assert [d.project_count for d in reader.datasets()] == [20]
        # the reader's connection on the replica (its last statement ends the read's snapshot)
        assert _queries_seen_by(replica.url(dbname), dbname) == ["COMMIT"]
        assert not any("FROM datasets" in q for q in _queries_seen_by(primary_url, dbname))
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):  # a replica takes no write
            with psycopg.connect(replica.url(dbname), autocommit=True) as conn:
                conn.execute("CREATE TABLE nope (a int)")


def test_a_writer_reads_its_own_writes_and_a_lagging_replica_is_skipped(primary_url, replica):
    dbname = _dbname(primary_url)
    replica_url = replica.url(dbname)
    with psycopg.connect(replica_url, autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
    try:
        with PostGISStore(primary_url, read_replicas=[replica_url]) as writer:
            assert writer.datasets() == []
            ingest(writer, "auto", HE_FILES, locator=Locator())
            # the replica has not replayed the write: this process's reads go to the primary
            assert [d.project_count for d in writer.datasets()] == [20]
        with psycopg.connect(replica_url, autocommit=True) as conn:
            assert conn.execute("SELECT count(*) FROM datasets").fetchone() == (0,)
        time.sleep(1.5)
        # another process (no write of its own) accepts at most 1 s of lag: the primary answers
        with PostGISStore(primary_url, read_replicas=[replica_url], replica_max_lag_s=1) as other:
            assert [d.project_count for d in other.datasets()] == [20]
            assert other.replicas is not None
            assert other.replicas.health(replica_url).lag_s > 1
    finally:
        with psycopg.connect(replica_url, autocommit=True) as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
    replica.wait_for(dbname)
    with PostGISStore(primary_url, read_replicas=[replica_url], replica_max_lag_s=1) as caught_up:
        assert [d.project_count for d in caught_up.datasets()] == [20]
        assert caught_up.replicas is not None
        assert caught_up.replicas.health(replica_url).lag_s == 0


def test_a_stopped_replica_sends_reads_to_the_primary_without_an_error(
    primary_url, replica, monkeypatch
):
    dbname = _dbname(primary_url)
    with open_store(primary_url) as writer:
        ingest(writer, "auto", HE_FILES, locator=Locator())
    replica.wait_for(dbname)
    monkeypatch.setenv("REGIOATLAS_READ_REPLICAS", replica.url(dbname))
    with TestClient(create_app(primary_url), raise_server_exceptions=False) as client:
        store = client.app.state.atlas.store  # type: ignore[attr-defined]
        assert store.replicas is not None and store.replicas.urls == [replica.url(dbname)]
        before = client.get("/api/projects", params={"limit": 5})
        assert before.status_code == 200 and before.json()["total"] == 20
        assert store.replicas.health(replica.url(dbname)).up
        replica.stop()
        try:
            for _ in range(3):  # the first read finds it gone, the next ones skip it
                after = client.get("/api/projects", params={"limit": 5})
                assert after.status_code == 200, after.text
                assert after.json() == before.json()
                assert client.get("/api/aggregates", params={"level": 0}).status_code == 200
            assert not store.replicas.health(replica.url(dbname)).up
            # a write lands on the primary and the next read sees it
            with open_store(primary_url) as writer:
                ingest(writer, "at-efre", [AUSTRIA], locator=Locator())
            assert client.get("/api/projects", params={"limit": 1}).json()["total"] > 20
        finally:
            replica.start()
