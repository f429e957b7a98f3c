"""Shared fixtures: real files, real DuckDB stores, the real ASGI app."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory) -> Path:
    """The full demo store, built once per test run from the data shipped in the package.

    Under pytest-xdist the workers share one store (and so its similarity cache, which
    takes a minute to embed): the first worker builds it while the others wait on a file
    lock. Tests only read it; a test that writes works on a copy.
    """
    from regioatlas.demo import build_demo

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
        build_demo(path)
        return path
    shared = tmp_path_factory.getbasetemp().parent / "demo"  # the run's, not the worker's
    shared.mkdir(exist_ok=True)
    path, built = shared / "demo.duckdb", shared / "built"
    with open(shared / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            build_demo(path)
            built.touch()
    return path


@pytest.fixture(scope="session")
def app_client(demo_store_path):
    """The real ASGI app over the demo store, driven through httpx (Starlette's TestClient)."""
    from starlette.testclient import TestClient

    from regioatlas.web.app import create_app

    with TestClient(create_app(str(demo_store_path)), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="session")
def contract_schema(demo_store_path):
    """The OpenAPI schema of the real app over the demo store, as schemathesis loads it.

    One app per worker for the contract's parts (tests/test_contract_part*.py): what an app
    builds on first use (the NGSI-LD catalogue, the organisation and similarity indexes) is
    built once, not once per part.
    """
    import schemathesis

    from regioatlas.geo import towns
    from regioatlas.web.app import create_app

    # the app builds the town index in a thread; a search before it is ready waits for it,
    # and hypothesis reads a first call much slower than its replay as a flaky test
    towns.warm()
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(str(demo_store_path)))


@pytest.fixture()
def store(tmp_path):
    from regioatlas.store import open_store

    s = open_store(str(tmp_path / "atlas.duckdb"))
    yield s
    s.close()


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL + PostGIS cluster on a free loopback port (tests/pg.py).

    Skips when PostgreSQL is not installed, except under CI, where it fails: CI never skips.
    """
    import os

    from tests.pg import Cluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL is not installed (scripts/setup.sh test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cluster = Cluster(bindir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture()
def pg_url(pg_cluster) -> str:
    """The URL of a fresh, empty PostGIS database."""
    return pg_cluster.new_database()
