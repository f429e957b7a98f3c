"""``Store.data_version()``: a write counter, not a hash of every dataset row (issue 12, speed).

Every cache of the API is keyed on it, so it must change with every kind of dataset write,
stay put on a failed one, and read the same from every process on the same store.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from regioatlas.model import Dataset, RegionFigure
from regioatlas.store import StoreError, open_store

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _dataset(id_: str, files: list[str]) -> Dataset:
    return Dataset(id_, "ngsi-ld", files, "0" * 64, "lahti", "CC BY 4.0", "© Lahti", AT)


def _figures(value: float) -> list[RegionFigure]:
    return [RegionFigure("ngsi-ld/dd_5g_coverage", "FI1C3", 2024, value, "%")]


def _url(kind: str, request, tmp_path) -> str:
    if kind == "duckdb-file":
        return f"duckdb://{tmp_path / 'v.duckdb'}"
    if kind == "duckdb-memory":
        return "duckdb://:memory:"
    return request.getfixturevalue("pg_url")


@pytest.fixture(params=["duckdb-file", "duckdb-memory", "postgis"])
def store_url(request, tmp_path) -> str:
    return _url(request.param, request, tmp_path)


@pytest.fixture(params=["duckdb-file", "postgis"])
def shared_store_url(request, tmp_path) -> str:
    """A store other processes can open (a memory store lives in one process)."""
    return _url(request.param, request, tmp_path)


def test_every_kind_of_dataset_write_changes_the_version(store_url):
    with open_store(store_url) as store:
        seen = [store.data_version()]
        assert store.data_version() == seen[0]  # reading changes nothing
        store.replace_dataset(_dataset("ngsi-ld:a", ["urn:a"]), [], [], _figures(1.0))
        seen.append(store.data_version())
        # the same dataset written again with the same rows is still a write
        store.replace_dataset(_dataset("ngsi-ld:a", ["urn:a"]), [], [], _figures(1.0))
        seen.append(store.data_version())
        assert store.append_small_dataset(_dataset("ngsi-ld:b", ["urn:b"]), _figures(2.0)) == []
        seen.append(store.data_version())
        store.remove_dataset("ngsi-ld:b")
        seen.append(store.data_version())
        assert len(set(seen)) == len(seen), seen


def test_a_refused_write_leaves_the_version(store_url):
    with open_store(store_url) as store:
        store.append_small_dataset(_dataset("ngsi-ld:a", ["urn:a"]), _figures(1.0))
        before = store.data_version()
        clashes = store.append_small_dataset(_dataset("ngsi-ld:c", ["urn:a"]), _figures(3.0))
        assert clashes == ["urn:a"]
        assert store.data_version() == before
        # a token is no data: the caches keyed on the version stay valid
        store.add_token("lahti", "editor", "f" * 64, AT)
        assert store.data_version() == before
        if store.url != "duckdb://:memory:":  # a memory store has nothing read-only to refuse
            with open_store(store_url, read_only=True) as reader, pytest.raises(StoreError):
                reader.remove_dataset("ngsi-ld:a")
        assert store.data_version() == before


def test_another_process_reads_the_same_version(shared_store_url):
    store_url = shared_store_url
    with open_store(store_url) as store:
        store.append_small_dataset(_dataset("ngsi-ld:a", ["urn:a"]), _figures(1.0))
        ours = store.data_version()
        code = (
            "import sys\nfrom regioatlas.store import open_store\n"
            "with open_store(sys.argv[1], read_only=True) as s:\n    print(s.data_version())"
        )
        theirs = subprocess.run(
            [sys.executable, "-c", code, store_url], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert theirs == ours
        store.append_small_dataset(_dataset("ngsi-ld:b", ["urn:b"]), _figures(2.0))
        # a second store object on the same URL (as another worker) sees the write
        with open_store(store_url, read_only=True) as other:
            assert other.data_version() == store.data_version() != ours


def test_a_duckdb_file_from_before_the_counter_gets_it(tmp_path):
    import duckdb

    from regioatlas.store import sql

    before_counter = len(sql.MIGRATIONS) - 1  # the counter is the last step
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER, applied_at TIMESTAMP)")
    for version in range(before_counter):
        for statement in sql.MIGRATIONS[version]:
            con.execute(statement)
        con.execute("INSERT INTO schema_migrations VALUES (?, now())", [version + 1])
    con.close()
    with open_store(f"duckdb://{path}") as store:
        assert store.schema_version() == store.SCHEMA_VERSION
        before = store.data_version()
        store.append_small_dataset(_dataset("ngsi-ld:a", ["urn:a"]), _figures(1.0))
        assert store.data_version() != before
