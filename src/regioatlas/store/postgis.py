"""The multi-user store: PostgreSQL with PostGIS, the same schema and SQL as DuckDB.

The generic SQL of ``store/sql.py`` runs here unchanged except for its placeholders and
``sql.POSTGRES`` functions; what only PostgreSQL has (a point geometry per located participant,
indexes for the filters, a write counter) is added to the schema by ``_POSTGIS_STEPS``.
Orderings of text equal DuckDB's when the database collates by code point (``C.UTF-8``).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg
from psycopg import conninfo, pq

from regioatlas import settings
from regioatlas.model import Dataset, NotFound, RegionFigure
from regioatlas.model.query import Page, ProjectFilter
from regioatlas.model.stations import Station, StationValue
from regioatlas.store import feature_sql, outputs, records, sql, summary
from regioatlas.store.base import DatasetTail, Store, StoreError, StoreUnavailable
from regioatlas.store.replicas import ReadRouting, Replicas

#: statements added to generic migration step N (index N - 1) for PostgreSQL
_POSTGIS_STEPS: dict[int, list[str]] = {
    2: [
        # generated, so every writer (COPY, migrate, restore) gets the point for free
        "ALTER TABLE participants ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS "
        "(CASE WHEN lon IS NOT NULL AND lat IS NOT NULL "
        "THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326) END) STORED",
        "CREATE INDEX participants_geom ON participants USING GIST (geom)",
        # PostgreSQL replaces keys in a transaction quickly (unlike DuckDB, see sql.MIGRATIONS)
        "CREATE UNIQUE INDEX projects_id ON projects (id)",
        "CREATE UNIQUE INDEX participants_key ON participants (project_id, seq)",
        "CREATE INDEX projects_dataset ON projects (dataset_id)",
        "CREATE INDEX projects_period ON projects (start_date, end_date)",
        "CREATE INDEX participants_dataset ON participants (dataset_id)",
        *(f"CREATE INDEX participants_nuts{n} ON participants (nuts{n})" for n in range(4)),
        "CREATE INDEX figures_dataset ON region_figures (dataset_id)",
        # bumped by every write: data_version() changes even when a write repeats a dataset
        "CREATE TABLE store_writes (n BIGINT NOT NULL)",
        "INSERT INTO store_writes VALUES (0)",
    ],
    3: ["CREATE INDEX stations_dataset ON stations (dataset_id, id)"],
    # the audit log is append-only in the database itself: no role changes it through SQL
    # either (a superuser can still drop the triggers; that is outside the product)
    5: [
        "CREATE FUNCTION regioatlas_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the RegioAtlas audit log is append-only'; END $$",
        "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit "
        "FOR EACH ROW EXECUTE FUNCTION regioatlas_audit_append_only()",
        "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION regioatlas_audit_append_only()",
    ],
    6: [
        "CREATE INDEX region_summary_dataset ON region_summary (dataset_id)",
        "CREATE INDEX region_summary_level ON region_summary (level, nuts0)",
    ],
    # every version of a practice is kept: the database refuses to change or remove one
    7: [
        "CREATE FUNCTION regioatlas_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'RegioAtlas practice versions are append-only'; END $$",
        "CREATE TRIGGER practice_versions_no_change BEFORE UPDATE OR DELETE ON practice_versions "
        "FOR EACH ROW EXECUTE FUNCTION regioatlas_versions_append_only()",
        "CREATE INDEX practice_versions_status ON practice_versions (kind, status)",
    ],
    # appends count their writes in 64 rows, one per publication lock bucket: an append
    # already holds its bucket's lock, so counting adds no wait (one row for all would queue
    # every publication behind the one before); data_version() sums them
    9: [
        "CREATE TABLE store_append_writes (bucket INTEGER PRIMARY KEY, n BIGINT NOT NULL)",
        "INSERT INTO store_append_writes SELECT b, 0 FROM generate_series(0, 63) AS b",
    ],
    # a project page reads its outputs by number and programme; a dataset's are deleted by
    # its id on every re-ingest and removal
    10: [
        "CREATE INDEX outputs_project ON outputs (project_number, programme)",
        "CREATE INDEX outputs_dataset ON outputs (dataset_id)",
    ],
}
# DuckDB upper-cases ß to ẞ, glibc leaves it: the organisation keys must agree between stores
_UPPER_NAME = "upper(replace(name, 'ß', 'ẞ'))"
_COPY_TABLES = (
    ("projects", records.PROJECT_NAMES),
    ("participants", records.PARTICIPANT_NAMES),
    ("region_figures", records.FIGURE_NAMES),
    ("stations", records.STATION_NAMES),
    ("station_values", records.STATION_VALUE_NAMES),
    ("outputs", records.OUTPUT_NAMES),
)
_COPY_NAMES = dict(_COPY_TABLES)


def _pg(query: str) -> str:
    """The generic SQL's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return query.replace("%", "%%").replace("?", "%s")


def server_address(url: str) -> str:
    """``host:port`` of a PostgreSQL URL, for messages (never the password).

    Example
    -------
    >>> server_address("postgresql://atlas:secret@db.example.org:5433/atlas")
    'db.example.org:5433'
    """
    try:
        params = conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise StoreError(f"not a PostgreSQL URL: {str(exc).splitlines()[0]}") from exc
    return f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"


class PostGISStore(ReadRouting, Store):
    """A Store in a PostgreSQL database with the PostGIS extension.

    One connection per thread (the web server answers requests in a thread pool); reads see
    committed data only, so a dataset being replaced is served whole until its commit. Reads
    go to a streaming replica of the ``read_replicas`` setting when one is fit (see
    ``store/replicas.py``), writes and the reads inside them to the primary.

    Example
    -------
    >>> store = PostGISStore("postgresql://postgres@127.0.0.1:5432/atlas")  # doctest: +SKIP
    >>> store.schema_version()  # doctest: +SKIP
    3
    """

    def __init__(
        self,
        url: str,
        read_only: bool = False,
        read_replicas: list[str] | None = None,
        replica_max_lag_s: float | None = None,
    ):
        self.url = url
        self.address = server_address(url)
        self._read_only = self.read_only = read_only
        if read_replicas is None:
            read_replicas = settings.get_list("read_replicas")
        if replica_max_lag_s is None:
            replica_max_lag_s = settings.get_int("replica_max_lag")
        self.replicas = Replicas(read_replicas, replica_max_lag_s) if read_replicas else None
        self._written = 0  # the primary's WAL position after this process's last write
        self._local = threading.local()
        self._all: list[psycopg.Connection] = []
        self._all_lock = threading.Lock()
        self._conn()  # an unreachable server is an error now, not at the first query
        if not read_only:
            try:
                self.migrate()
            except Exception:
                self.close()
                raise

    def _conn(self) -> psycopg.Connection:
        """This thread's connection to the primary."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and not conn.closed:
            return conn
        url = self.url
        if "connect_timeout" not in conninfo.conninfo_to_dict(url):
            url = conninfo.make_conninfo(url, connect_timeout=10)
        try:
            conn = psycopg.connect(url, autocommit=True)
        except psycopg.OperationalError as exc:
            reason = " ".join(str(exc).split())
            raise StoreUnavailable(f"cannot reach PostgreSQL at {self.address}: {reason}") from exc
        if self._read_only:
            conn.execute("SET default_transaction_read_only = on")
        self._local.conn = conn
        with self._all_lock:
            self._all.append(conn)
        return conn

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Cursor]:
        """A write transaction on the primary (its reads too)."""
        conn = self._conn()
        with conn.transaction(), conn.cursor() as cur:
            yield cur
        self._note_write(conn)

    def _rows(self, query: str, params: list | tuple = ()) -> list[tuple]:
        return self._read(lambda: self._reader().execute(_pg(query), params).fetchall())

    def _dicts(self, query: str, params: list | tuple = ()) -> list[dict]:
        def read() -> list[dict]:
            cur = self._reader().execute(_pg(query), params)
            names = [d.name for d in cur.description or []]
            return [dict(zip(names, row)) for row in cur.fetchall()]

        return self._read(read)

    def schema_version(self) -> int:
        if not self._rows("SELECT to_regclass('schema_migrations')")[0][0]:
            return 0
        return int(self._rows("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0])

    def _ensure_postgis(self) -> None:
        if self._rows("SELECT 1 FROM pg_extension WHERE extname = 'postgis'"):
            return
        try:
            self._conn().execute("CREATE EXTENSION postgis")
        except psycopg.Error as exc:
            raise StoreError(
                f"PostgreSQL at {self.address} has no PostGIS extension and it cannot be "
                f"created ({' '.join(str(exc).split())}); as a superuser run "
                "CREATE EXTENSION postgis in that database"
            ) from exc

    def migrate(self) -> int:
        self._ensure_postgis()
        with self._transaction() as cur:
            # two processes opening a new store at once: one migrates, the other waits
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('regioatlas-migrate'))")
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER, applied_at TIMESTAMP)"
            )
            cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations")
            current = int(cur.fetchone()[0])  # type: ignore[index]
            if current > len(sql.MIGRATIONS):
                raise StoreError(
                    f"PostgreSQL at {self.address}: schema version {current} is newer than this "
                    f"RegioAtlas ({len(sql.MIGRATIONS)}); upgrade RegioAtlas"
                )
            for version in range(current, len(sql.MIGRATIONS)):
                for statement in (*sql.MIGRATIONS[version], *_POSTGIS_STEPS.get(version + 1, [])):
                    cur.execute(statement)
                cur.execute(
                    "INSERT INTO schema_migrations VALUES (%s, %s)",
                    [version + 1, datetime.now(UTC).replace(tzinfo=None)],
                )
        return len(sql.MIGRATIONS)

    def _writable(self) -> None:
        if self._read_only:
            raise StoreError(f"the store at PostgreSQL {self.address} is opened read-only")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads of this thread inside see one snapshot of the store (a REPEATABLE READ
        transaction), whatever other connections commit meanwhile: a backup or an export
        gets all of a dataset or none.

        Example
        -------
        >>> with store.snapshot():  # doctest: +SKIP
        ...     rows = [store.export_dataset(d.id) for d in store.datasets()]
        """
        conn = self._conn()
        if conn.info.transaction_status != pq.TransactionStatus.IDLE:
            yield  # inside a transaction already: its snapshot holds
            return
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Writes of this thread inside commit together or not at all (one transaction; each
        ``replace_dataset`` or ``remove_dataset`` inside is a savepoint of it).

        Example
        -------
        >>> with store.atomic():  # doctest: +SKIP
        ...     store.remove_dataset("src:a.csv")
        ...     store.replace_dataset(dataset, projects, participants, figures)
        """
        self._writable()
        conn = self._conn()
        with conn.transaction():
            yield
        self._note_write(conn)

    def replace_dataset(self, dataset, projects, participants, figures, **rest) -> None:
        tail = DatasetTail(dataset, figures, **rest)  # stations, station_values, outputs
        self.write_dataset(dataset.id, [(projects, participants)], lambda: tail)

    def write_dataset(self, dataset_id, batches, finish) -> None:
        """COPY the batches in one transaction as they come; keys are checked per batch before
        they are sent, so a repeated or foreign key is named, not a constraint error."""
        self._writable()
        seen: dict[str, set] = {table: set() for table in sql.KEYS}
        written = {"projects": 0, "participants": 0}
        try:
            with self._transaction() as cur:
                cur.execute("UPDATE store_writes SET n = n + 1")  # also queues other writers
                for table in sql.DATASET_TABLES:
                    cur.execute(f"DELETE FROM {table} WHERE dataset_id = %s", [dataset_id])
                cur.execute("DELETE FROM datasets WHERE id = %s", [dataset_id])
                for projects, participants in batches:
                    columns = {
                        "projects": records.project_columns(projects, dataset_id),
                        "participants": records.participant_columns(participants, dataset_id),
                    }
                    for table, keys in sql.KEYS.items():
                        _refuse_repeated(dataset_id, table, columns[table], keys, seen[table])
                    _refuse_foreign_projects(cur, dataset_id, columns["projects"]["id"])
                    for table in ("projects", "participants"):
                        _copy(cur, table, _COPY_NAMES[table], columns[table])
                    written["projects"] += len(projects)
                    written["participants"] += len(participants)
                seen.clear()
                tail = finish()
                if tail.dataset.id != dataset_id:
                    raise StoreError(f"dataset {tail.dataset.id} written as {dataset_id}")
                rest = {
                    "region_figures": records.figure_columns(tail.figures, dataset_id),
                    "stations": records.station_columns(tail.stations, dataset_id),
                    "station_values": records.station_value_columns(
                        tail.station_values, dataset_id
                    ),
                    "outputs": records.output_columns(tail.outputs, dataset_id),
                }
                for table, table_columns in rest.items():
                    _copy(cur, table, _COPY_NAMES[table], table_columns)
                cur.execute(
                    f"INSERT INTO datasets VALUES ({', '.join('%s' for _ in records.DATASET_NAMES)})",
                    records.dataset_row(
                        tail.dataset,
                        len(tail.figures),
                        written["projects"],
                        written["participants"],
                    ),
                )
                _refresh_summary(cur, dataset_id, written["participants"])
        except psycopg.errors.IntegrityError as exc:
            reason = " ".join(str(exc).split())
            raise StoreError(f"dataset {dataset_id} breaks a store constraint: {reason}") from exc

    def append_small_dataset(self, dataset, figures, audit=None) -> list[str]:
        """One publication in two round trips: the lock, then one statement that checks the
        clashes and, when there are none, inserts everything and counts the write.

        Publications of the same names queue on the lock (so two cannot both pass the clash
        check), others commit side by side and share log flushes: no store-wide lock. Names
        map to 64 lock buckets, taken in order (no deadlock, few locks per batch). The lock is
        a statement of its own: the clash check must read after it is held. Sent through a
        pipeline, BEGIN, the lock and the statement travel together (a round trip cost about
        as much as the work on the loaded 2-core machine: 10 per publication were 80 ms).
        """
        self._writable()
        query, params = _append_statement(dataset, figures, audit)
        conn = self._conn()
        with conn.pipeline(), conn.transaction():
            conn.execute(_APPEND_LOCK, [[dataset.id, *dataset.files]])
            clashes = [json.loads(n) for (n,) in conn.execute(query, params).fetchall()]
        self._note_write(conn)
        return clashes

    def remove_dataset(self, dataset_id: str) -> None:
        self._writable()
        with self._transaction() as cur:
            cur.execute("UPDATE store_writes SET n = n + 1")
            cur.execute("DELETE FROM datasets WHERE id = %s", [dataset_id])
            if cur.rowcount == 0:
                raise NotFound(f"no dataset {dataset_id!r}")
            for table in sql.DATASET_TABLES:
                cur.execute(f"DELETE FROM {table} WHERE dataset_id = %s", [dataset_id])
            _refresh_summary(cur, dataset_id)

    def figures_of_source(self, source: str) -> list[tuple[str, RegionFigure]]:
        rows = self._rows(sql.SOURCE_FIGURES, [source])
        return [(r[0], RegionFigure(*r[1:])) for r in rows]

    def export_dataset(self, dataset_id: str):
        with self.snapshot():  # consistent while another connection writes

            def rows(query: str) -> list[tuple]:
                return self._rows(query, [dataset_id])

            found = rows(f"SELECT {', '.join(records.DATASET_NAMES)} FROM datasets WHERE id = ?")
            if not found:
                raise NotFound(f"no dataset {dataset_id!r}")
            projects, participants, figures, stations, values, produced = (
                rows(sql.dataset_rows_query(table, names)) for table, names in _COPY_TABLES
            )
        return (
            records.dataset_from_row(found[0]),
            [records.project_from_row(r) for r in projects],
            [records.participant_from_row(r) for r in participants],
            [records.figure_from_row(r) for r in figures],
            [records.station_from_row(r) for r in stations],
            [records.station_value_from_row(r) for r in values],
            [records.output_from_row(r) for r in produced],
        )

    def datasets(self) -> list[Dataset]:
        rows = self._rows(
            f"SELECT {', '.join(records.DATASET_NAMES)} FROM datasets ORDER BY source, id"
        )
        return [records.dataset_from_row(r) for r in rows]

    def query_projects(self, flt: ProjectFilter, page: Page) -> tuple[int, list[dict]]:
        count_sql, page_sql, cparams, pparams = sql.projects_query(flt, page)

        def read() -> tuple[int, list[dict]]:  # the count and the page from one snapshot
            return int(self._rows(count_sql, cparams)[0][0]), self._dicts(page_sql, pparams)

        return self._read(read)

    def features(self, collection, where=None, sortby=(), limit=10, offset=0, count=True):
        columns = self._feature_columns(collection)
        row_key = feature_sql.ROW_KEYS["postgres"]
        q = feature_sql.features_query(collection, columns, where, sortby, limit, offset, row_key)

        def read() -> tuple[int | None, list[dict]]:  # the count and the page from one snapshot
            total = int(self._rows(q.count_sql, q.count_params)[0][0]) if count else None
            rows = self._dicts(q.page_sql, q.page_params)
            for row in rows:
                row.pop("_row", None)  # the order of the participants' pages, not a property
            if not q.located and rows:
                places = self._dicts(*feature_sql.locations_query([r["id"] for r in rows]))
                rows = feature_sql.add_locations(rows, places)
            return total, rows

        return self._read(read)

    def _feature_columns(self, collection: str) -> set[str]:
        if collection not in feature_sql.FEATURE_SOURCES:
            raise feature_sql.FeatureFilterError(f"no feature collection {collection!r}")
        cache = self.__dict__.setdefault("_columns", {})
        if collection not in cache:
            cur = self._conn().execute(feature_sql.feature_columns_query(collection))
            cache[collection] = {d.name for d in cur.description or []}
        return cache[collection]

    def project(self, project_id: str) -> dict | None:
        def read() -> dict | None:
            rows = self._dicts(
                f"SELECT {', '.join(records.PROJECT_NAMES)} FROM projects WHERE id = ?",
                [project_id],
            )
            if not rows:
                return None
            found = rows[0]
            found["participants"] = self._dicts(
                f"SELECT {', '.join(records.PARTICIPANT_NAMES)} FROM participants "
                "WHERE project_id = ? ORDER BY seq",
                [project_id],
            )
            return found

        project = self._read(read)
        if project is None:
            return None
        topics = project["topics"]
        project["topics"] = topics.split(records.TOPIC_SEP) if topics else []
        return project

    def project_outputs(self, project_id: str, limit: int = 200) -> tuple[int, list[dict]]:
        # the count and the rows from one snapshot
        return self._read(lambda: outputs.read_project_outputs(self._rows, project_id, limit))

    def participants(self, flt: ProjectFilter) -> list[dict]:
        return self._dicts(*sql.participants_query(flt))

    def aggregate(self, level: int, flt: ProjectFilter) -> list[dict]:
        return self._dicts(*sql.aggregate_query(level, flt))

    def breakdown(self, by: str, flt: ProjectFilter) -> list[dict]:
        return self._dicts(*sql.breakdown_query(by, flt))

    def search(self, text: str, limit: int = 10) -> dict[str, list[dict]]:
        projects, organisations = sql.search_queries(text, limit, sql.POSTGRES)
        return {"projects": self._dicts(*projects), "organisations": self._dicts(*organisations)}

    def figures(self, indicator, version=None, year=None, codes=None) -> list[RegionFigure]:
        where, params = ["TRUE"], []
        for column, value in (("indicator", indicator), ("nuts_version", version), ("year", year)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if codes:
            where.append("nuts_code = ANY(?)")
            params.append(list(codes))
        rows = self._rows(
            "SELECT indicator, nuts_code, nuts_version, value, unit, year, flag, source_line "
            f"FROM region_figures WHERE {' AND '.join(where)} ORDER BY nuts_code, year",
            params,
        )
        return [RegionFigure(*r) for r in rows]

    def stations(self, dataset_id: str) -> list[Station]:
        rows = self._rows(
            "SELECT id, name, nuts_code, nuts_version, lon, lat, method FROM stations "
            "WHERE dataset_id = ? ORDER BY id",
            [dataset_id],
        )
        return [Station(*r) for r in rows]

    def station_values(self, dataset_id: str, pollutant: str | None = None) -> list[StationValue]:
        where, params = "dataset_id = ?", [dataset_id]
        if pollutant is not None:
            where += " AND pollutant = ?"
            params.append(pollutant)
        rows = self._rows(
            "SELECT station, pollutant, begin_time, value, validity FROM station_values "
            f"WHERE {where} ORDER BY station, pollutant, begin_time",
            params,
        )
        return [StationValue(*r) for r in rows]

    def project_records(self) -> list[dict]:
        rows = self._dicts(
            "SELECT p.id, p.source, p.programme, p.fund, p.title, p.acronym, p.objective, "
            "p.topics, p.start_date, p.end_date, p.country, p.language, p.eu_contribution_eur, "
            "a.regions, a.countries, a.organisations "
            "FROM projects p LEFT JOIN ("
            "  SELECT project_id, "
            "  array_agg(DISTINCT coalesce(nuts3, nuts2, nuts1, nuts0)) "
            "  FILTER (WHERE nuts0 IS NOT NULL) AS regions, "
            "  array_agg(DISTINCT nuts0) FILTER (WHERE nuts0 IS NOT NULL) AS countries, "
            f"  array_agg(DISTINCT coalesce(org_id, {_UPPER_NAME})) "
            "  FILTER (WHERE coalesce(org_id, name) IS NOT NULL) AS organisations "
            "  FROM participants GROUP BY project_id"
            ") a ON a.project_id = p.id ORDER BY p.id"
        )
        for r in rows:
            r["topics"] = r["topics"].split(records.TOPIC_SEP) if r["topics"] else []
            for key in ("regions", "countries", "organisations"):
                r[key] = sorted(r[key] or [])
        return rows

    def data_version(self) -> str:
        # one statement, so both counters come from the same committed state
        counts = self._rows(
            "SELECT (SELECT n FROM store_writes), (SELECT sum(n) FROM store_append_writes)"
        )
        return hashlib.sha256(repr(counts).encode()).hexdigest()[:16]

    def facets(self) -> dict[str, list]:
        def distinct(column: str, table: str) -> list:
            query = f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY 1"
            return [r[0] for r in self._rows(query)]

        return {
            "sources": distinct("source", "projects"),
            "programmes": distinct("programme", "projects"),
            "funds": distinct("fund", "projects"),
            "countries": distinct("nuts0", "participants"),
            "org_types": distinct("org_type", "participants"),
        }

    # --- server mode ----------------------------------------------------------------------
    def _execute(self, cur: psycopg.Cursor, query: str, params: list) -> psycopg.Cursor:
        return cur.execute(_pg(query), [sql.to_db(p) for p in params])

    def add_token(self, name, role, token_sha256, created_at) -> None:
        self._writable()
        try:
            with self._transaction() as cur:
                self._execute(
                    cur,
                    sql.insert_query("tokens", sql.TOKEN_COLUMNS),
                    [name, role, token_sha256, created_at, None],
                )
        except psycopg.errors.UniqueViolation as exc:
            raise StoreError(sql.token_name_taken(name), parameter="name") from exc

    def tokens(self) -> list[dict]:
        rows = self._dicts("SELECT name, role, created_at, revoked_at FROM tokens ORDER BY name")
        return [sql.from_db(r, "tokens") for r in rows]

    def token_by_hash(self, token_sha256: str) -> dict | None:
        with self.snapshot():  # on the primary: a token revoked a moment ago is refused at once
            rows = self._dicts(
                "SELECT name, role, token_sha256, created_at FROM tokens "
                "WHERE token_sha256 = ? AND revoked_at IS NULL",
                [token_sha256],
            )
        return sql.from_db(rows[0], "tokens") if rows else None

    def revoke_token(self, name: str, at) -> None:
        self._writable()
        with self._transaction() as cur:
            self._execute(
                cur,
                "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                [at, name],
            )
            if cur.rowcount == 0:
                raise NotFound(f"no unrevoked token named {name!r}", parameter="name")

    def begin_job(self, job: dict, stale_before) -> None:
        self._writable()
        now = job["created_at"]
        with self._transaction() as cur:
            self._execute(cur, sql.ABANDON_JOBS, [now, stale_before])
            self._execute(cur, sql.DROP_STALE_LOCKS, [stale_before])
            self._execute(cur, sql.TAKE_LOCK, [job["target"], job["id"], now])
            holder = self._execute(cur, sql.LOCK_HOLDER, [job["target"]]).fetchone()
            if holder is None or holder[0] != job["id"]:
                raise StoreError(
                    f"{job['target']} is being written by job {holder[0] if holder else '?'}; "
                    "try again when it has finished",
                    job=holder[0] if holder else None,
                )
            self._execute(
                cur,
                sql.insert_query("jobs", sql.JOB_COLUMNS),
                [job.get(n) for n, _ in sql.JOB_COLUMNS],
            )

    def update_job(self, job_id: str, **fields) -> None:
        self._writable()
        with self._transaction() as cur:
            self._execute(cur, sql.job_update_query(list(fields)), [*fields.values(), job_id])
            if fields.get("status") in sql.JOB_FINAL:
                self._execute(cur, "DELETE FROM write_locks WHERE job_id = ?", [job_id])

    def job(self, job_id: str) -> dict | None:
        names = ", ".join(n for n, _ in sql.JOB_COLUMNS)
        rows = self._dicts(f"SELECT {names} FROM jobs WHERE id = ?", [job_id])
        return sql.from_db(rows[0], "jobs") if rows else None

    def append_audit(self, entry: dict) -> None:
        self._writable()
        with self._transaction() as cur:
            self._execute(
                cur,
                sql.insert_query("audit", sql.AUDIT_COLUMNS),
                [entry.get(n) for n, _ in sql.AUDIT_COLUMNS],
            )

    def audit_entries(self, limit: int = 100, offset: int = 0) -> tuple[int, list[dict]]:
        names = ", ".join(n for n, _ in sql.AUDIT_COLUMNS)
        total, rows = self._read(
            lambda: (
                int(self._rows("SELECT count(*) FROM audit")[0][0]),
                self._dicts(
                    f"SELECT {names} FROM audit ORDER BY happened_at DESC, id DESC "
                    "LIMIT ? OFFSET ?",
                    [limit, offset],
                ),
            )
        )
        return total, [sql.from_db(r, "audit") for r in rows]

    def server_rows(self, table: str) -> list[tuple]:
        select, _ = sql.server_rows_queries(table)
        return self._rows(select)

    def add_server_rows(self, table: str, rows: list[tuple]) -> None:
        self._writable()
        _, insert = sql.server_rows_queries(table)
        with self._transaction() as cur:
            cur.executemany(_pg(insert), rows)

    def add_practice_versions(self, rows) -> None:
        self._writable()
        query = sql.insert_query("practice_versions", sql.PRACTICE_VERSION_COLUMNS)
        try:
            with self._transaction() as cur:
                for row in rows:
                    self._execute(cur, query, [row.get(n) for n, _ in sql.PRACTICE_VERSION_COLUMNS])
        except psycopg.errors.UniqueViolation as exc:
            raise StoreError(sql.practice_version_taken(rows), parameter="version") from exc

    def practice_versions(self, kind, item_id=None, latest=False) -> list[dict]:
        query, params = sql.practice_versions_query(kind, item_id, latest)
        return [sql.from_db(r, "practice_versions") for r in self._dicts(query, params)]

    def practice_data_version(self) -> str:
        return str(tuple(self._rows(sql.PRACTICE_DATA_VERSION)[0]))

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                conn.close()
            self._all.clear()


#: rows written above which the summary refresh first gives the planner fresh statistics
ANALYZE_AFTER_ROWS = 50_000
#: memory per sort or hash for the summary refresh, in the writing transaction only: grouping
#: participations per project took 209 MB of hash table at 300,000 (EXPLAIN ANALYZE), so about
#: 1 GB at 1.5 million
SUMMARY_WORK_MEM = "1GB"


def _refresh_summary(cur: psycopg.Cursor, dataset_id: str, written: int = 0) -> None:
    """Rebuild the dataset's summary rows in the writing transaction.

    Each statement joins the dataset's participations to their projects and groups them per
    project. With PostgreSQL's default 4 MB per sort or hash they spilled to disk, and freshly
    loaded tables had no statistics for the planner: 177 s of a 1.5-million-row ingest. With
    256 MB the eight statements took 128 s, with 1 GB 48 s (docs/benchmarks.md).
    """
    # ANALYZE counts the transaction's own new rows; SET LOCAL ends with the transaction
    if written > ANALYZE_AFTER_ROWS:
        cur.execute("ANALYZE projects")
        cur.execute("ANALYZE participants")
    cur.execute(f"SET LOCAL work_mem = '{SUMMARY_WORK_MEM}'")
    for query, params in summary.refresh_statements(dataset_id):
        cur.execute(_pg(query), params)


def _refuse_repeated(dataset_id: str, table: str, columns: dict, keys: tuple, seen: set) -> None:
    """StoreError naming a key that occurs twice in the dataset (this batch or an earlier one)."""
    for key in zip(*(columns[k] for k in keys)):
        if key in seen:
            raise StoreError(
                f"dataset {dataset_id} repeats the key(s) {key} of {table}; nothing was written"
            )
        seen.add(key)


def _refuse_foreign_projects(cur: psycopg.Cursor, dataset_id: str, ids: list[str]) -> None:
    """StoreError naming project ids that another dataset already holds."""
    if not ids:
        return
    cur.execute(
        "SELECT id, dataset_id FROM projects WHERE id = ANY(%s) AND dataset_id <> %s "
        "ORDER BY id LIMIT 3",
        [ids, dataset_id],
    )
    clash = cur.fetchall()
    if clash:
        raise StoreError(
            "project id(s) "
            + ", ".join(c[0] for c in clash)
            + f" already come from dataset {clash[0][1]}; remove that dataset first "
            "(`regioatlas datasets remove ID`)"
        )


_APPEND_LOCK = (
    "SELECT pg_advisory_xact_lock(7213, b) FROM (SELECT DISTINCT "
    "mod(abs(hashtext(x)), 64) AS b FROM unnest(%s::text[]) AS x) AS buckets ORDER BY b"
)
_PG_TYPES = {"VARCHAR": "text", "INTEGER": "integer", "DOUBLE": "double precision"}


def _append_statement(dataset, figures, audit) -> tuple[str, list]:
    """The clash check and, unless it finds one, the inserts of a publication: one statement
    (its parts see one snapshot and commit together) answering the clashing names."""
    clash_query, clash_params = sql.small_dataset_clash_query(
        dataset.id, dataset.source, dataset.files
    )
    unless = "WHERE NOT EXISTS (SELECT 1 FROM clash)"
    columns = records.figure_columns(figures, dataset.id)
    arrays = ", ".join(
        f"CAST(? AS {_PG_TYPES[t.split()[0]]}[])" for n, t in sql.FIGURE_COLUMNS if n in columns
    )
    parts = [
        f"clash AS ({clash_query})",
        "counted AS (UPDATE store_append_writes SET n = n + 1 "
        "WHERE bucket = mod(abs(hashtext(CAST(? AS text))), 64) AND NOT EXISTS "
        "(SELECT 1 FROM clash))",
        f"figures AS (INSERT INTO region_figures ({', '.join(columns)}) "
        f"SELECT * FROM unnest({arrays}) {unless})",
        f"dataset AS (INSERT INTO datasets ({', '.join(records.DATASET_NAMES)}) "
        f"SELECT {_casts(sql.DATASET_COLUMNS)} {unless})",
    ]
    params = [*clash_params, dataset.id, *columns.values()]
    params += records.dataset_row(dataset, len(figures), 0, 0)
    if audit is not None:
        names = [n for n, _ in sql.AUDIT_COLUMNS]
        parts.append(
            f"logged AS (INSERT INTO audit ({', '.join(names)}) "
            f"SELECT {_casts(sql.AUDIT_COLUMNS)} {unless})"
        )
        params += [sql.to_db(audit.get(n)) for n in names]
    return _pg(f"WITH {', '.join(parts)} SELECT name FROM clash"), params


def _casts(columns) -> str:
    return ", ".join(f"CAST(? AS {t.split()[0]})" for _, t in columns)


def _copy(cur: psycopg.Cursor, table: str, names: list[str], columns: dict[str, list]) -> None:
    """Bulk-load one table's new rows with COPY: one stream, not a round trip per row."""
    with cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in zip(*(columns[n] for n in names)):
            copy.write_row(row)
