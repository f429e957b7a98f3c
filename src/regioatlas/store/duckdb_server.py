"""The server-mode rows of a DuckDB store (tokens, write jobs and their locks, the audit log,
versions of good practices),
mixed into ``DuckDBStore``: each write goes through its ``_write`` (a new version of the file)."""

from __future__ import annotations

import threading
import time

import duckdb

from regioatlas.model import NotFound
from regioatlas.store import sql
from regioatlas.store.base import StoreError

#: how often a job's progress (not its start or end) is written into a store file
PROGRESS_WRITE_EVERY_S = 2.0


class ServerRows:
    """Tokens, jobs and the audit log over ``self._write`` and ``self._cur`` of a DuckDB store."""

    _file_backed: bool
    _lock: threading.Lock
    _progress_written: dict[str, tuple[float, str | None]]

    def _cur(self) -> duckdb.DuckDBPyConnection:
        raise NotImplementedError

    def _write(self, change) -> None:
        raise NotImplementedError

    def _write_rows(self, statements: list[tuple[str, list]]) -> None:
        """Run small row writes (tokens, jobs, audit) as one all-or-nothing write: like every
        write, through a new version of the file (no process holds it open for writing)."""

        def change(cur: duckdb.DuckDBPyConnection) -> None:
            for query, params in statements:
                cur.execute(query, [sql.to_db(p) for p in params])

        self._write(change)

    def add_token(self, name, role, token_sha256, created_at) -> None:
        query = sql.insert_query("tokens", sql.TOKEN_COLUMNS)
        try:
            self._write_rows([(query, [name, role, token_sha256, created_at, None])])
        except duckdb.ConstraintException as exc:
            raise StoreError(sql.token_name_taken(name), parameter="name") from exc

    def tokens(self) -> list[dict]:
        cur = self._cur().execute(
            "SELECT name, role, created_at, revoked_at FROM tokens ORDER BY name"
        )
        return [sql.from_db(r, "tokens") for r in dicts(cur)]

    def token_by_hash(self, token_sha256: str) -> dict | None:
        cur = self._cur().execute(
            "SELECT name, role, token_sha256, created_at FROM tokens "
            "WHERE token_sha256 = ? AND revoked_at IS NULL",
            [token_sha256],
        )
        rows = dicts(cur)
        return sql.from_db(rows[0], "tokens") if rows else None

    def revoke_token(self, name: str, at) -> None:
        def change(cur: duckdb.DuckDBPyConnection) -> None:
            if not cur.execute(
                "SELECT 1 FROM tokens WHERE name = ? AND revoked_at IS NULL", [name]
            ).fetchone():
                raise NotFound(f"no unrevoked token named {name!r}", parameter="name")
            cur.execute("UPDATE tokens SET revoked_at = ? WHERE name = ?", [sql.to_db(at), name])

        self._write(change)

    def begin_job(self, job: dict, stale_before) -> None:
        now, stale = sql.to_db(job["created_at"]), sql.to_db(stale_before)
        row = [sql.to_db(job.get(n)) for n, _ in sql.JOB_COLUMNS]

        def change(cur: duckdb.DuckDBPyConnection) -> None:
            cur.execute(sql.ABANDON_JOBS, [now, stale])
            cur.execute(sql.DROP_STALE_LOCKS, [stale])
            cur.execute(sql.TAKE_LOCK, [job["target"], job["id"], now])
            holder = cur.execute(sql.LOCK_HOLDER, [job["target"]]).fetchone()
            if holder is None or holder[0] != job["id"]:
                raise StoreError(
                    f"{job['target']} is being written by job {holder[0] if holder else '?'}; "
                    "try again when it has finished",
                    job=holder[0] if holder else None,
                )
            cur.execute(sql.insert_query("jobs", sql.JOB_COLUMNS), row)

        self._write(change)

    def update_job(self, job_id: str, **fields) -> None:
        # every write of a file store is a new version of the file (copied and flushed): within
        # a stage, a job's progress is written at most every PROGRESS_WRITE_EVERY_S (a new
        # stage and a stage's end always are)
        if set(fields) <= {"stage", "done", "total"} and self._file_backed:
            now, stage = time.monotonic(), fields.get("stage")
            last, last_stage = self._progress_written.get(job_id, (float("-inf"), None))
            ended = fields.get("done") is not None and fields.get("done") == fields.get("total")
            if stage == last_stage and not ended and now - last < PROGRESS_WRITE_EVERY_S:
                return
            self._progress_written[job_id] = (now, stage)
        names = list(fields)
        statements = [(sql.job_update_query(names), [*fields.values(), job_id])]
        if fields.get("status") in sql.JOB_FINAL:
            statements.append(("DELETE FROM write_locks WHERE job_id = ?", [job_id]))
        self._write_rows(statements)

    def job(self, job_id: str) -> dict | None:
        names = ", ".join(n for n, _ in sql.JOB_COLUMNS)
        rows = dicts(self._cur().execute(f"SELECT {names} FROM jobs WHERE id = ?", [job_id]))
        return sql.from_db(rows[0], "jobs") if rows else None

    def append_audit(self, entry: dict) -> None:
        row = [entry.get(n) for n, _ in sql.AUDIT_COLUMNS]
        self._write_rows([(sql.insert_query("audit", sql.AUDIT_COLUMNS), row)])

    def audit_entries(self, limit: int = 100, offset: int = 0) -> tuple[int, list[dict]]:
        cur = self._cur()
        total = int(scalar(cur, "SELECT count(*) FROM audit"))
        names = ", ".join(n for n, _ in sql.AUDIT_COLUMNS)
        rows = dicts(
            cur.execute(
                f"SELECT {names} FROM audit ORDER BY happened_at DESC, id DESC LIMIT ? OFFSET ?",
                [limit, offset],
            )
        )
        return total, [sql.from_db(r, "audit") for r in rows]

    def server_rows(self, table: str) -> list[tuple]:
        select, _ = sql.server_rows_queries(table)
        return self._cur().execute(select).fetchall()

    def add_server_rows(self, table: str, rows: list[tuple]) -> None:
        _, insert = sql.server_rows_queries(table)
        if rows:
            self._write(lambda cur: cur.executemany(insert, [list(r) for r in rows]))

    # --- the good-practice exchange: versions are appended, never changed ------------------
    def add_practice_versions(self, rows) -> None:
        query = sql.insert_query("practice_versions", sql.PRACTICE_VERSION_COLUMNS)
        values = [[r.get(n) for n, _ in sql.PRACTICE_VERSION_COLUMNS] for r in rows]
        try:
            self._write_rows([(query, v) for v in values])
        except duckdb.ConstraintException as exc:
            raise StoreError(sql.practice_version_taken(rows), parameter="version") from exc

    def practice_versions(self, kind, item_id=None, latest=False) -> list[dict]:
        query, params = sql.practice_versions_query(kind, item_id, latest)
        rows = dicts(self._cur().execute(query, params))
        return [sql.from_db(r, "practice_versions") for r in rows]

    def practice_data_version(self) -> str:
        return str(self._cur().execute(sql.PRACTICE_DATA_VERSION).fetchone())


def scalar(cur: duckdb.DuckDBPyConnection, query: str, params: list | None = None):
    """The first column of the first row of an aggregate query (which always has a row).

    Example
    -------
    >>> scalar(duckdb.connect(), "SELECT count(*) FROM range(3)")
    3
    """
    row = cur.execute(query, params or []).fetchone()
    assert row is not None, query
    return row[0]


def dicts(cursor) -> list[dict]:
    """The rows of an executed DuckDB cursor as dicts by column name.

    Example
    -------
    >>> dicts(duckdb.connect().execute("SELECT 1 AS a"))
    [{'a': 1}]
    """
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
