"""Which PostgreSQL server a read goes to: a streaming replica when one is fit, else the primary.

A replica is fit for a read when it answered its last health check (at most
``CHECK_EVERY_S`` old), lags the primary by at most the ``replica_max_lag`` setting, and has
replayed every write this process made (its replay position is at or past the primary's WAL
position recorded after that write: a writer reads its own writes). A replica that fails
while a read runs is marked down and the read runs again on the primary, so a lagging or
stopped replica costs time, never an error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import psycopg
from psycopg import conninfo, pq

from regioatlas.store.base import StoreError

T = TypeVar("T")

#: how old a replica's health may be before a read checks it again
CHECK_EVERY_S = 1.0
#: how long a replica found down is left alone before it is tried again
DOWN_FOR_S = 5.0
#: a health check gives up on a replica after this long
CONNECT_TIMEOUT_S = 2


def lsn(text: str | None) -> int:
    """A PostgreSQL WAL position (``16/B374D848``) as a number, comparable.

    Example
    -------
    >>> lsn("0/3000060") < lsn("1/0")
    True
    """
    if not text:
        return 0
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


@dataclass
class Health:
    """What the last check of a replica found."""

    checked_at: float = float("-inf")
    up: bool = False
    replayed: int = 0  # WAL position replayed
    lag_s: float = float("inf")


class Replicas:
    """The replicas of one primary and their health, shared by the threads of a process.

    Example
    -------
    >>> Replicas([], max_lag_s=10).pick(primary_lsn=lambda: 0, written=0) is None
    True
    """

    def __init__(self, urls: list[str], max_lag_s: float):
        for url in urls:
            try:
                conninfo.conninfo_to_dict(url)
            except psycopg.ProgrammingError as exc:
                raise StoreError(
                    f"read_replicas: not a PostgreSQL URL: {str(exc).splitlines()[0]}",
                    parameter="read_replicas",
                ) from exc
        self.urls = list(urls)
        self.max_lag_s = max_lag_s
        self._health = {url: Health() for url in urls}
        self._lock = threading.Lock()

    def pick(self, primary_lsn, written: int) -> str | None:
        """The URL of a replica fit to read from, or None (read from the primary).

        ``primary_lsn`` gives the primary's current WAL position (asked only when a replica
        is checked); ``written`` is the position after this process's last write.
        """
        now = time.monotonic()
        for url in self.urls:
            health = self._health[url]
            stale = now - health.checked_at > (CHECK_EVERY_S if health.up else DOWN_FOR_S)
            behind = health.up and health.replayed < written
            if stale or behind:
                health = self._check(url, primary_lsn)
            if health.up and health.lag_s <= self.max_lag_s and health.replayed >= written:
                return url
        return None

    def mark_down(self, url: str) -> None:
        """A replica that failed a read: left alone for DOWN_FOR_S."""
        with self._lock:
            self._health[url] = Health(checked_at=time.monotonic(), up=False)

    def health(self, url: str) -> Health:
        return self._health[url]

    def _check(self, url: str, primary_lsn) -> Health:
        health = Health(checked_at=time.monotonic())
        try:
            with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, autocommit=True) as conn:
                recovering, replayed, since_replay = conn.execute(
                    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
                    "extract(epoch FROM now() - pg_last_xact_replay_timestamp())"
                ).fetchone()  # type: ignore[misc]
            current = primary_lsn()
        except psycopg.Error:
            with self._lock:
                self._health[url] = health
            return health
        health.up = bool(recovering)  # a promoted replica is no replica: writes would split
        health.replayed = lsn(replayed)
        # caught up: no lag, however long ago the last write was; else the time since the
        # last transaction it replayed
        health.lag_s = 0.0 if health.replayed >= current else float(since_replay or 0.0)
        with self._lock:
            self._health[url] = health
        return health


class ReadRouting:
    """Routes a PostgreSQL store's reads (mixed into ``PostGISStore``): ``self.replicas``,
    ``self._written``, ``self._local``, ``self._all`` and ``self._conn()`` come from it."""

    replicas: Replicas | None
    _written: int
    _local: threading.local
    _all: list
    _all_lock: threading.Lock

    def _conn(self) -> psycopg.Connection:
        raise NotImplementedError

    def _replica_conn(self, url: str) -> psycopg.Connection:
        """This thread's connection to the replica at ``url`` (OperationalError if down)."""
        conns = self._local.__dict__.setdefault("replicas", {})
        conn = conns.get(url)
        if conn is None or conn.closed:
            conn = psycopg.connect(url, autocommit=True, connect_timeout=2)
            conns[url] = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    def _note_write(self, conn: psycopg.Connection) -> None:
        """Remember where the primary's log is after a commit: reads of this process wait
        for a replica to have replayed that far (a writer reads its own writes)."""
        if self.replicas is not None and conn.info.transaction_status == pq.TransactionStatus.IDLE:
            row = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()
            self._written = max(self._written, lsn(row[0] if row else None))

    def _read(self, body: Callable[[], T]) -> T:
        """Run ``body``'s reads as one snapshot on a fit replica, else on the primary.

        A replica that fails meanwhile is marked down and ``body`` runs again on the primary:
        a replica costs time, never an error. Inside a transaction of this thread on the
        primary (a write, ``snapshot()``, ``atomic()``) reads stay on the primary.
        """
        if getattr(self._local, "reading", None) is not None:
            return body()  # nested in a read already
        primary = self._conn()
        url = None
        if (
            self.replicas is not None
            and primary.info.transaction_status == pq.TransactionStatus.IDLE
        ):
            url = self.replicas.pick(self._primary_lsn, self._written)
        if url is not None:
            try:
                return self._read_on(self._replica_conn(url), body)
            except psycopg.OperationalError:  # down, gone, or a conflict with its recovery
                self.replicas.mark_down(url)  # type: ignore[union-attr]
                broken = self._local.__dict__.get("replicas", {}).pop(url, None)
                if broken is not None:
                    broken.close()
        if primary.info.transaction_status != pq.TransactionStatus.IDLE:
            self._local.reading = primary
            try:
                return body()
            finally:
                self._local.reading = None
        return self._read_on(primary, body)

    def _read_on(self, conn: psycopg.Connection, body: Callable[[], T]) -> T:
        self._local.reading = conn
        try:
            with conn.transaction():  # the statements of one read see one snapshot
                return body()
        finally:
            self._local.reading = None

    def _primary_lsn(self) -> int:
        row = self._conn().execute("SELECT pg_current_wal_lsn()::text").fetchone()
        return lsn(row[0] if row else None)

    def _reader(self) -> psycopg.Connection:
        return getattr(self._local, "reading", None) or self._conn()
