"""Stores open from a URL everywhere; sources and stores register through the one plug-in door."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from regioatlas.cli import main
from regioatlas.model import BadInput, NotFound
from regioatlas.plugins import UnknownPlugin
from regioatlas.sources import registry as sources
from regioatlas.store import (
    STORE_KINDS,
    STORES,
    StoreNotFound,
    UnknownStoreKind,
    open_store,
    register_store,
    store_exists,
    store_kind,
)
from regioatlas.store.duckdb_ import DuckDBStore


@pytest.mark.parametrize("form", ["absolute", "relative", "bare"])
def test_every_url_form_opens_the_same_file(tmp_path, monkeypatch, form):
    monkeypatch.chdir(tmp_path)
    url = {
        "absolute": f"duckdb://{tmp_path / 'data' / 'atlas.duckdb'}",
        "relative": "duckdb://data/atlas.duckdb",
        "bare": "data/atlas.duckdb",
    }[form]
    assert not store_exists(url)
    with open_store(url) as store:
        assert store.url == f"duckdb://{tmp_path / 'data' / 'atlas.duckdb'}"
        assert store.cache_dir() == tmp_path / "data" / "atlas.duckdb.cache"
    assert (tmp_path / "data" / "atlas.duckdb").is_file() and store_exists(url)


def test_memory_store_has_no_cache_and_does_not_exist():
    with open_store("duckdb://:memory:") as store:
        assert store.url == "duckdb://:memory:" and store.cache_dir() is None
    assert not store_exists(":memory:")


def test_reading_a_missing_store_is_not_found_and_creates_nothing(tmp_path):
    url = f"duckdb://{tmp_path / 'missing' / 'atlas.duckdb'}"
    with pytest.raises(StoreNotFound, match="no store at") as caught:
        open_store(url, read_only=True)
    assert isinstance(caught.value, NotFound) and caught.value.parameter == "store"
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("url", ["", "duckdb://", "  "])
def test_an_empty_url_is_bad_input(url):
    with pytest.raises(BadInput, match="store URL"):
        open_store(url)


def test_an_unknown_kind_names_the_available_ones():
    with pytest.raises(UnknownStoreKind, match="unknown store kind 'nosuch'.*available: duckdb"):
        open_store("nosuch://host/db")
    assert store_kind("PostgreSQL://atlas@db/atlas") == "postgresql"


def test_a_registered_store_kind_opens_through_the_same_door(tmp_path):
    # a third-party kind: registered by dotted path, opened from its URL, reported as its URL
    register_store("filedb", "regioatlas.store.duckdb_:DuckDBStore")
    try:
        assert "filedb" in STORE_KINDS.names() and "filedb" not in STORES
        # DuckDBStore.from_url only reads duckdb URLs: the door passes the URL through unchanged
        with pytest.raises(BadInput, match="not a DuckDB store URL: 'filedb://x'"):
            open_store("filedb://x")
    finally:
        STORE_KINDS._registered.pop("filedb")  # noqa: SLF001 - undo the test's registration


def test_sources_use_the_plugin_registry():
    assert sources.SOURCES.names()[: len(sources.BUILTIN_SOURCES)] == list(sources.BUILTIN_SOURCES)
    # a dotted path is accepted wherever a name is
    assert type(sources.get_source("regioatlas.sources.keep_eu:KeepEuNuts3")).__name__ == (
        "KeepEuNuts3"
    )
    with pytest.raises(UnknownPlugin, match="unknown source 'nosuch'; available: .*cordis"):
        sources.get_source("nosuch")


def test_a_broken_registered_source_fails_loudly():
    sources.register("broken", "regioatlas.sources.no_such_module:Reader")
    try:
        with pytest.raises(ModuleNotFoundError):
            sources.get_source("broken")
    finally:
        sources.SOURCES._registered.pop("broken")  # noqa: SLF001 - undo the test's registration


def test_serve_asks_the_store_not_the_file_system(tmp_path):
    # a relative duckdb:// URL: the old check stripped "duckdb://" and looked for the file,
    # a server URL it could never find; now the store package answers
    missing = CliRunner().invoke(main, ["serve", "--store", f"duckdb://{tmp_path}/none.duckdb"])
    assert missing.exit_code != 0 and "no store at duckdb://" in missing.output
    unknown = CliRunner().invoke(main, ["serve", "--store", "nosuch://host/db"])
    assert unknown.exit_code != 0 and "unknown store kind 'nosuch'" in unknown.output
    assert not list(tmp_path.iterdir())


def test_duckdb_store_constructor_still_takes_a_path(tmp_path):
    with DuckDBStore(tmp_path / "a.duckdb") as store:
        assert store.url.startswith("duckdb:///") and store.url.endswith("/a.duckdb")


def test_a_server_store_caches_under_the_cache_setting_without_its_password(monkeypatch, tmp_path):
    from types import SimpleNamespace

    from regioatlas.store.base import Store

    monkeypatch.setenv("REGIOATLAS_CACHE", str(tmp_path))
    one = Store.cache_dir(SimpleNamespace(url="postgresql://atlas:secret@db.example/atlas"))
    same = Store.cache_dir(SimpleNamespace(url="postgresql://atlas:other@db.example/atlas"))
    other = Store.cache_dir(SimpleNamespace(url="postgresql://atlas@db.example/other"))
    assert one == same != other  # keyed by the URL, the password left out
    assert one is not None and one.parent == tmp_path and one.name.startswith("postgresql-")
    assert "secret" not in str(one)
