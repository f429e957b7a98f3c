"""Stores behind one interface; one registry of store kinds (name → dotted path)."""

from __future__ import annotations

import importlib

from regioatlas.store.base import Store, StoreError

STORES: dict[str, str] = {
    "duckdb": "regioatlas.store.duckdb_:DuckDBStore",
    "postgresql": "regioatlas.store.postgis:PostGISStore",
}
#: other spellings of a scheme
SCHEME_ALIASES = {"postgres": "postgresql"}


def open_store(url: str, read_only: bool = False) -> Store:
    """Open a store from a URL or path: ``duckdb:///path/atlas.duckdb``, ``atlas.duckdb``,
    ``postgresql://user@host:5432/dbname`` (also ``postgres://``).

    A DuckDB store gets the path; any other store the whole URL.

    Example
    -------
    >>> open_store(":memory:").schema_version()
    2
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "duckdb", url
    scheme = SCHEME_ALIASES.get(scheme, scheme)
    if scheme not in STORES:
        raise StoreError(f"unknown store kind {scheme!r}; available: {', '.join(STORES)}")
    module, _, cls = STORES[scheme].partition(":")
    store_cls = getattr(importlib.import_module(module), cls)
    return store_cls(rest if scheme == "duckdb" else url, read_only=read_only)


__all__ = ["SCHEME_ALIASES", "STORES", "Store", "StoreError", "open_store"]
