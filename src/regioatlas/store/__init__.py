"""Stores behind one interface, opened from a URL; one registry of store kinds.

A store URL names its kind by its scheme, and the kind is looked up on the plug-in door
(:mod:`regioatlas.plugins`): the built-ins in :data:`STORES`, the ``regioatlas.stores``
entry-point group, or :func:`register_store`. Accepted URLs:

- ``duckdb:///abs/path/atlas.duckdb`` (three slashes: an absolute path),
- ``duckdb://rel/path/atlas.duckdb`` (a path relative to the working directory),
- ``duckdb://:memory:`` (a throw-away store),
- a bare path (``atlas.duckdb``, ``/data/atlas.duckdb``), kept for convenience: a DuckDB file,
- ``postgresql://user@host/db`` once that store kind is registered.

Nothing outside this package assumes a store is a file: ask :func:`store_exists`,
``Store.url`` and ``Store.cache_dir()``.
"""

from __future__ import annotations

from regioatlas.model.errors import BadInput
from regioatlas.plugins import Registry
from regioatlas.store.base import Store, StoreError, StoreNotFound

#: the built-in store kinds, URL scheme → "module:Class" (one line per kind: add yours here)
STORES: dict[str, str] = {
    "duckdb": "regioatlas.store.duckdb_:DuckDBStore",
    "postgresql": "regioatlas.store.postgis:PostGISStore",
}
#: other spellings of a scheme
SCHEME_ALIASES = {"postgres": "postgresql"}

#: every store kind: the built-ins, the ``regioatlas.stores`` entry points, ``register_store()``
STORE_KINDS = Registry("store", STORES, group="regioatlas.stores")


class UnknownStoreKind(BadInput, StoreError):
    """A store URL whose scheme no registered store kind handles."""


def register_store(scheme: str, target: str) -> None:
    """Register a store class for URLs of ``scheme`` (``"package.module:Class"``).

    The class is opened with ``Class.from_url(url, read_only=...)`` (by default
    ``Class(url, read_only=...)``) and must pass the contract suite,
    ``tests/test_store_contract.py``.

    Example
    -------
    >>> register_store("mystore", "my_package.stores:MyStore")  # doctest: +SKIP
    """
    STORE_KINDS.register(scheme, target)


def store_kind(url: str) -> str:
    """The kind (scheme) of a store URL; a bare path is a DuckDB file.

    Example
    -------
    >>> store_kind("duckdb:///data/atlas.duckdb"), store_kind("atlas.duckdb")
    ('duckdb', 'duckdb')
    >>> store_kind("postgresql://atlas@db.example/atlas")
    'postgresql'
    """
    if not url or not url.strip():
        raise BadInput("the store URL is empty", parameter="store")
    scheme, sep, _ = url.partition("://")
    scheme = scheme.lower()
    return SCHEME_ALIASES.get(scheme, scheme) if sep else "duckdb"


def _store_class(url: str) -> type[Store]:
    kind = store_kind(url)
    if kind not in STORE_KINDS.entries():
        raise UnknownStoreKind(
            f"unknown store kind {kind!r} in {url!r}; available: "
            f"{', '.join(sorted(STORE_KINDS.entries()))}",
            parameter="store",
        )
    cls: type[Store] = STORE_KINDS.load(kind)
    return cls


def open_store(url: str, read_only: bool = False) -> Store:
    """Open a store from its URL (or a bare DuckDB file path).

    Parameters
    ----------
    url : str
        ``duckdb:///abs/path.duckdb``, ``duckdb://rel/path.duckdb``, a bare path,
        ``duckdb://:memory:``, or the URL of another registered store kind.
    read_only : bool
        Open for reading only; a store that does not exist then raises ``StoreNotFound``
        (opening for writing creates it).

    Example
    -------
    >>> store = open_store("duckdb://:memory:")
    >>> store.url, store.schema_version() > 0
    ('duckdb://:memory:', True)
    """
    return _store_class(url).from_url(url, read_only=read_only)


def store_exists(url: str) -> bool:
    """True when there is a store at ``url`` to read (without creating one).

    Example
    -------
    >>> store_exists("duckdb:///nowhere/atlas.duckdb")
    False
    """
    return _store_class(url).exists_at(url)


__all__ = [
    "SCHEME_ALIASES",
    "STORES",
    "STORE_KINDS",
    "Store",
    "StoreError",
    "StoreNotFound",
    "UnknownStoreKind",
    "open_store",
    "register_store",
    "store_exists",
    "store_kind",
]
