"""Crash-safe writes to a DuckDB file: build the new state in a copy, then rename it over.

Why not DuckDB's own transactions alone: DuckDB 1.5.5 replays its write-ahead log when a
killed process leaves one behind, and that replay is not reliable. Measured with
``kill -9`` during ``regioatlas demo``: the replay restored ``region_figures`` rows without
their entries in the ART index ``figures_indicator``, so the next replace of that dataset
failed for good with "Failed to delete all rows from index"; during a large ingest, 2 kills
in 105 left participations committed without their projects and dataset row.

So a store file is never written in place. A write copies the (checkpointed) file next to
itself, applies the change in one transaction there, checkpoints and closes the copy (no
log left), flushes it to disk, and renames it over the original: a kill at any moment
leaves the old file or the new one, both complete, and never a log to replay.

Live updates (several processes): no process holds the file open for writing. Readers read
a *snapshot*: the file as it was when they looked, attached read-only in a DuckDB instance of
its own (DuckDB caches instances by path, so a plain reconnect would hand back the replaced
file). A writer takes an advisory lock beside the file (``<file>.lock``, so writers queue),
builds the next version in a copy and renames it over; the next read sees a new file and opens
a new snapshot, while a reader still running on the old one keeps it alive (its cursor holds
the old instance, which holds the unlinked old file) until it finishes.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from regioatlas.store.base import StoreError, StoreNotFound, StoreUnavailable

_LOCK_HOLDER = re.compile(r"PID (\d+)")


def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file; a file held by another process is a clear StoreError.

    Example
    -------
    >>> connect(":memory:").execute("SELECT 1").fetchone()
    (1,)
    """
    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise StoreError(f"the store {path} cannot be opened: {exc}") from exc
        pid = _LOCK_HOLDER.search(str(exc))
        holder = f" (pid {pid.group(1)})" if pid else ""
        raise StoreUnavailable(
            f"the store {path} is in use by another process{holder}; stop it "
            "(for example a running `regioatlas serve` or `demo`) or use another --store"
        ) from exc


def staging_path(path: str) -> Path:
    """Where the next state of the store at ``path`` is built before it replaces it."""
    return Path(path + ".next")


def finish_log(path: str) -> None:
    """Fold a write-ahead log left beside the file (by a RegioAtlas that wrote in place, or a
    foreign writer) into it: snapshots and copies read the file alone. Call as the writer.

    Example
    -------
    >>> import tempfile
    >>> finish_log(tempfile.mkdtemp() + "/x.duckdb")  # no log: nothing to do
    """
    log = Path(f"{path}.wal")
    if log.exists() and log.stat().st_size > 0:
        con = connect(path)
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()


def discard_staging(path: str) -> None:
    """Remove a half-built next state left by a killed write (it never became the store),
    with the folder DuckDB spills to while it builds one (``<next>.tmp``, its default)."""
    staging = staging_path(path)
    for leftover in (staging, Path(f"{staging}.wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(f"{staging}.tmp", ignore_errors=True)


#: DuckDB's memory while it builds the next version of a store (its buffers, not Python's)
WRITE_MEMORY_LIMIT = "768MB"
#: ... and while it refreshes the summary rows of a large dataset (DuckDBStore.write_dataset)
SUMMARY_MEMORY_LIMIT = "512MB"


def rewrite(path: str, change: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """Apply ``change`` to a copy of the store at ``path`` and rename the copy over it.

    The caller holds :func:`writing` (no other writer) and, while the file exists, a snapshot
    of it (so that no foreign process has it open for writing while it is copied). When
    ``change`` raises, the store is untouched.

    Example
    -------
    >>> import tempfile
    >>> p = tempfile.mkdtemp() + "/x.duckdb"
    >>> rewrite(p, lambda con: con.execute("CREATE TABLE t (a INTEGER)"))
    >>> connect(p).execute("SELECT count(*) FROM t").fetchone()
    (0,)
    """
    discard_staging(path)
    staging = staging_path(path)
    if Path(path).exists():
        shutil.copyfile(path, staging)
    con = connect(str(staging))
    try:
        con.execute("SET enable_progress_bar = false")  # a server's log is no terminal
        # DuckDB's default (80 % of the machine) let a 1.5-million-row ingest grow to 4 GB; the
        # writer's data is committed per batch (DuckDBStore.write_dataset), so DuckDB can write
        # it out and spill its sorts and hashes to a temporary folder beside the file instead
        con.execute(f"SET memory_limit = '{WRITE_MEMORY_LIMIT}'")
        con.execute("BEGIN TRANSACTION")
        change(con)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        discard_staging(path)
        raise
    con.close()
    Path(f"{staging}.wal").unlink(missing_ok=True)  # checkpointed: an empty log at most
    _fsync(staging)
    os.replace(staging, path)
    _fsync(Path(path).parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: how long a writer waits for another writer of the same store before giving up
WRITER_WAIT_S = 600.0


@contextmanager
def writing(path: str, wait_s: float = WRITER_WAIT_S) -> Iterator[None]:
    """Be the only writer of the store at ``path`` (across processes) while inside.

    The lock is ``flock`` on ``<path>.lock``, which holds the writer's process id while it
    writes and is removed when it is done (a waiter that then finds another file, or none,
    locks again). The kernel releases a lock when its holder dies, so a killed writer never
    blocks the next one. A writer that waits longer than ``wait_s`` gets a StoreUnavailable
    naming the holder's process id.

    Example
    -------
    >>> import tempfile
    >>> with writing(tempfile.mkdtemp() + "/x.duckdb"):
    ...     pass
    """
    name = path + ".lock"
    deadline = time.monotonic() + wait_s
    while True:
        lock = open(name, "a+")
        try:
            if _try_lock(lock, name):
                break
        except BaseException:
            lock.close()
            raise
        lock.close()
        if time.monotonic() >= deadline:
            holder = Path(name).read_text().strip() if Path(name).exists() else "?"
            raise StoreUnavailable(
                f"the store {path} is being written by another process (pid {holder or '?'}) "
                f"for more than {wait_s:.0f} s; try again when it has finished"
            )
        time.sleep(0.05)
    try:
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        yield
    finally:
        Path(name).unlink(missing_ok=True)  # while still locked: no one holds a lost file
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def _try_lock(lock, name: str) -> bool:
    """Lock ``lock``; False when another holds it or it is no longer the file at ``name``."""
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    try:
        same = os.stat(name).st_ino == os.fstat(lock.fileno()).st_ino
    except FileNotFoundError:
        same = False
    if not same:  # its last holder removed it after we opened it
        fcntl.flock(lock, fcntl.LOCK_UN)
    return same


def _file_version(path: str) -> tuple[int, ...]:
    """What tells one version of the file from the next: each write renames a new file in."""
    st = os.stat(path)
    return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size)


class Snapshot:
    """One version of a store file, attached read-only in a DuckDB instance of its own.

    A thread reuses its cursor (switching a new cursor to the attached database costs a
    statement); the instance lives while this object or any cursor of it does.
    """

    ALIAS = "snapshot"

    def __init__(self, path: str, version: tuple[int, ...]):
        self.version = version
        self.spatial = False
        self._con = duckdb.connect(":memory:")
        try:
            self._con.execute(f"ATTACH '{_quoted(path)}' AS {self.ALIAS} (READ_ONLY)")
        except duckdb.IOException as exc:
            self._con.close()
            connect(path, read_only=True).close()  # raises the clear error (held, unreadable)
            raise StoreError(f"the store {path} cannot be opened: {exc}") from exc
        self._con.execute(f"USE {self.ALIAS}")
        self._local = threading.local()
        # read once: the file of a snapshot never changes, so neither does its write count
        self.writes = _write_count(self._con)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            cur.execute(f"USE {self.ALIAS}")
            self._local.cursor = cur
        return cur

    def execute(self, statement: str) -> None:
        """Run an instance-wide statement (LOAD an extension) on the snapshot's connection."""
        self._con.execute(statement)

    def close(self) -> None:
        self._con.close()


class Snapshots:
    """The current snapshot of a store file, opened anew when the file has been replaced.

    Example
    -------
    >>> import tempfile
    >>> p = tempfile.mkdtemp() + "/x.duckdb"
    >>> rewrite(p, lambda con: con.execute("CREATE TABLE t AS SELECT 1 AS a"))
    >>> snapshots = Snapshots(p)
    >>> snapshots.current().cursor().execute("SELECT a FROM t").fetchone()
    (1,)
    """

    def __init__(self, path: str):
        self.path = path
        self._lock = threading.Lock()
        self._current: Snapshot | None = None

    def current(self) -> Snapshot:
        """The snapshot of the file as it is now (the previous one lives on in its readers)."""
        try:  # before opening: a race costs a reopen, not staleness
            version = _file_version(self.path)
        except FileNotFoundError:
            raise StoreNotFound(f"no store at {self.path}", parameter="store") from None
        with self._lock:
            if self._current is None or self._current.version != version:
                # no close() of the old one: closing would cut the cursors still reading it
                self._current = Snapshot(self.path, version)
            return self._current

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.close()
                self._current = None


def _write_count(con: duckdb.DuckDBPyConnection) -> int | None:
    """The store's count of dataset writes (None in a file older than schema version 9)."""
    try:
        row = con.execute("SELECT n FROM store_writes").fetchone()
    except duckdb.CatalogException:
        return None
    return None if row is None else int(row[0])


def _quoted(path: str) -> str:
    return path.replace("'", "''")
