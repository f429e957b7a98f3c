"""The embedded default store: one DuckDB file, zero configuration."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from regioatlas.model import Dataset, NotFound, RegionFigure
from regioatlas.model.errors import BadInput
from regioatlas.model.query import Page, ProjectFilter
from regioatlas.model.stations import Station, StationValue
from regioatlas.store import duckdb_append, duckdb_file, feature_sql, outputs, records, sql, summary
from regioatlas.store.base import DatasetTail, Store, StoreError, StoreNotFound
from regioatlas.store.duckdb_server import ServerRows, dicts, scalar
from regioatlas.store.records import TOPIC_SEP

MEMORY = ":memory:"
MEMORY_URL = "duckdb://:memory:"


def duckdb_path(url: str) -> str:
    """The file path (or ``:memory:``) of a DuckDB store URL or bare path.

    Example
    -------
    >>> duckdb_path("duckdb:///data/atlas.duckdb"), duckdb_path("duckdb://data/atlas.duckdb")
    ('/data/atlas.duckdb', 'data/atlas.duckdb')
    >>> duckdb_path("atlas.duckdb"), duckdb_path("duckdb://:memory:")
    ('atlas.duckdb', ':memory:')
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        rest = url
    elif scheme.lower() != "duckdb":
        raise BadInput(f"not a DuckDB store URL: {url!r}", parameter="store")
    if not rest.strip():
        raise BadInput(
            f"the store URL {url!r} names no file (duckdb:///abs/path.duckdb)", parameter="store"
        )
    return rest


_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "INTEGER": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}


def _arrow(columns: dict[str, list], spec) -> pa.Table:
    types = {n: _ARROW_TYPES[t.split()[0]] for n, t in spec}
    return pa.table({n: pa.array(v, type=types[n]) for n, v in columns.items()})


class DuckDBStore(ServerRows, Store):
    """A Store in one DuckDB file (``":memory:"`` for a throw-away one).

    Example
    -------
    >>> store = DuckDBStore(":memory:")
    >>> store.schema_version() == len(sql.MIGRATIONS)
    True
    """

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = str(path)
        read_only = read_only and self.path != MEMORY  # DuckDB has no read-only memory store
        self.read_only = read_only
        self.url = MEMORY_URL if self.path == MEMORY else f"duckdb://{Path(self.path).absolute()}"
        if self.path != MEMORY and read_only and not Path(self.path).is_file():
            raise StoreNotFound(
                f"no store at {self.path}; ingest something first, or run `regioatlas demo`",
                parameter="store",
            )
        self._lock = threading.Lock()
        self._progress_written: dict[str, tuple[float, str | None]] = {}
        self._file_backed = self.path != MEMORY
        if not self._file_backed:
            self._con = duckdb_file.connect(MEMORY)
            self.migrate()
            return
        self._snapshots = duckdb_file.Snapshots(self.path)
        if not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            with duckdb_file.writing(self.path):
                duckdb_file.discard_staging(self.path)
                duckdb_file.finish_log(self.path)
                if not Path(self.path).exists():
                    duckdb_file.rewrite(self.path, self._apply_migrations)
            self.migrate()
        self._snapshots.current()  # fail here, not on the first read, when the file is held

    @classmethod
    def from_url(cls, url: str, read_only: bool = False) -> DuckDBStore:
        """Open ``duckdb:///abs/path``, ``duckdb://rel/path``, ``duckdb://:memory:`` or a path."""
        return cls(duckdb_path(url), read_only=read_only)

    @classmethod
    def exists_at(cls, url: str) -> bool:
        path = duckdb_path(url)
        return path != MEMORY and Path(path).is_file()

    def cache_dir(self) -> Path | None:
        """``<file>.cache/`` beside the store file; None (memory) for ``:memory:``."""
        if self.path == MEMORY:
            return None
        path = Path(self.path).absolute()
        return path.with_name(path.name + ".cache")

    # a cursor per call: DuckDB connections must not be shared between threads. A file store
    # reads the file's current snapshot (see duckdb_file: a write elsewhere shows up here on
    # the next call, and a call running on the previous snapshot finishes on it)
    def _cur(self) -> duckdb.DuckDBPyConnection:
        if not self._file_backed:
            return self._con.cursor()
        return self._snapshots.current().cursor()

    def _write(self, change) -> None:
        """Run ``change(cursor)`` as one all-or-nothing write, safe against ``kill -9``.

        A file store is written by building the next version in a copy (duckdb_file.rewrite)
        while holding the writers' lock and a snapshot of the current version: the snapshot
        keeps any foreign process from opening the file for writing meanwhile.
        """
        with self._lock:
            if not self._file_backed:
                cur = self._cur()
                cur.execute("BEGIN TRANSACTION")
                try:
                    change(cur)
                    cur.execute("COMMIT")
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                return
            if self.read_only:
                raise StoreError(f"the store {self.path} is opened read-only")
            with duckdb_file.writing(self.path):
                held = self._snapshots.current() if Path(self.path).exists() else None
                duckdb_file.rewrite(self.path, change)
                del held  # the version it read is replaced; readers still on it keep it

    def schema_version(self) -> int:
        return _schema_version(self._cur())

    def migrate(self) -> int:
        if _schema_version(self._cur()) < len(sql.MIGRATIONS) or _art_indexes(self._cur()):
            # several workers may start at once: each migrates only what is still to do
            self._write(self._apply_migrations)
        return len(sql.MIGRATIONS)

    def _apply_migrations(self, cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER, applied_at TIMESTAMP)"
        )
        current = _schema_version(cur)
        if current > len(sql.MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {current} is newer than this RegioAtlas "
                f"({len(sql.MIGRATIONS)}); upgrade RegioAtlas"
            )
        for version in range(current, len(sql.MIGRATIONS)):
            for statement in sql.MIGRATIONS[version]:
                cur.execute(statement)
            cur.execute(
                "INSERT INTO schema_migrations VALUES (?, ?)",
                [version + 1, datetime.now(UTC).replace(tzinfo=None)],
            )
        # DuckDB-only: secondary ART indexes go. Their log replay after a crash is what broke
        # stores for good (see duckdb_file); dropping one also repairs a store so broken.
        for (name,) in _art_indexes(cur):
            cur.execute(f'DROP INDEX "{name}"')

    def integrity_problems(self, cur: duckdb.DuckDBPyConnection | None = None) -> list[str]:
        """What is inconsistent in the store: rows of no dataset, counts that differ.

        Example
        -------
        >>> DuckDBStore(":memory:").integrity_problems()
        []
        """
        cur = cur or self._cur()
        problems = []
        for table in sql.DATASET_TABLES:
            for (orphan,) in cur.execute(
                f"SELECT DISTINCT dataset_id FROM {table} "
                "WHERE dataset_id NOT IN (SELECT id FROM datasets) ORDER BY 1"
            ).fetchall():
                problems.append(f"{table} of dataset {orphan}, which has no dataset row")
        for ds, column, stored, actual in cur.execute(
            "SELECT d.id, c.name, c.stored, c.actual FROM datasets d, LATERAL (VALUES "
            "('projects', d.project_count, "
            "(SELECT count(*) FROM projects p WHERE p.dataset_id = d.id)), "
            "('participants', d.participant_count, "
            "(SELECT count(*) FROM participants p WHERE p.dataset_id = d.id))) "
            "AS c(name, stored, actual) WHERE c.stored <> c.actual ORDER BY 1, 2"
        ).fetchall():
            problems.append(f"dataset {ds} records {stored} {column} but has {actual}")
        return problems

    def _refuse_inconsistent(self, cur: duckdb.DuckDBPyConnection, dataset_id: str) -> None:
        """Checked before a write builds on the store; the dataset being replaced is exempt
        (replacing it repairs it), so is removing a dataset (which is how others are repaired)."""
        own = (f"dataset {dataset_id},", f"dataset {dataset_id} records")
        problems = [p for p in self.integrity_problems(cur) if not any(o in p for o in own)]
        if problems:
            raise StoreError(
                f"the store {self.path} is inconsistent: "
                + "; ".join(problems[:3])
                + "; remove those datasets (`regioatlas datasets remove ID`) and ingest them again"
            )

    def replace_dataset(self, dataset, projects, participants, figures, **rest) -> None:
        tail = DatasetTail(dataset, figures, **rest)  # stations, station_values, outputs
        self.write_dataset(dataset.id, [(projects, participants)], lambda: tail)

    def write_dataset(self, dataset_id, batches, finish) -> None:
        """Stream the batches into the new state of the file (one Arrow table per batch), then
        check keys in SQL: memory holds one batch, never the whole dataset."""

        def change(cur: duckdb.DuckDBPyConnection) -> None:
            self._refuse_inconsistent(cur, dataset_id)
            _delete_dataset_rows(cur, dataset_id)
            written = self._append_batches(cur, dataset_id, batches)
            tail = finish()
            if tail.dataset.id != dataset_id:
                raise StoreError(f"dataset {tail.dataset.id} written as {dataset_id}")
            for table, columns in (
                ("region_figures", records.figure_columns(tail.figures, dataset_id)),
                ("stations", records.station_columns(tail.stations, dataset_id)),
                ("station_values", records.station_value_columns(tail.station_values, dataset_id)),
                ("outputs", records.output_columns(tail.outputs, dataset_id)),
            ):
                _append(cur, table, columns)
            for table in sql.KEYS:
                dup = cur.execute(sql.duplicate_keys_query(table), [dataset_id]).fetchall()
                if dup:
                    raise StoreError(
                        f"dataset {dataset_id} repeats the key(s) {dup[0][:-1]} of {table}; "
                        "nothing was written"
                    )
            clash = cur.execute(sql.CLASHING_PROJECTS, [dataset_id, dataset_id]).fetchall()
            if clash:
                raise StoreError(
                    "project id(s) "
                    + ", ".join(c[0] for c in clash)
                    + f" already come from dataset {clash[0][1]}; remove that dataset first "
                    "(`regioatlas datasets remove ID`)"
                )
            cur.execute(
                f"INSERT INTO datasets VALUES ({', '.join('?' for _ in sql.DATASET_COLUMNS)})",
                records.dataset_row(
                    tail.dataset, len(tail.figures), written["projects"], written["participants"]
                ),
            )
            if self._file_backed:
                # the batches' memory is not all given back (Python's and DuckDB's allocators
                # keep some): the summary's hash tables get less, so that the whole ingest stays
                # under 2 GB (docs/benchmarks.md, Kohesio scale)
                cur.execute(f"SET memory_limit = '{duckdb_file.SUMMARY_MEMORY_LIMIT}'")
            _refresh_summary(cur, dataset_id)
            cur.execute(sql.COUNT_WRITE)

        try:
            self._write(change)
        except duckdb.ConstraintException as exc:
            raise StoreError(f"dataset {dataset_id} breaks a store constraint: {exc}") from exc

    def _append_batches(self, cur, dataset_id: str, batches) -> dict[str, int]:
        """Append every batch; the rows written per table. A function of its own so that the
        last batch (100,000 projects as objects) is freed before the checks and the summary."""
        written = {"projects": 0, "participants": 0}
        for projects, participants in batches:
            _append(cur, "projects", records.project_columns(projects, dataset_id))
            _append(cur, "participants", records.participant_columns(participants, dataset_id))
            written["projects"] += len(projects)
            written["participants"] += len(participants)
            if self._file_backed:
                # the change is built in a copy of the file that nobody reads and that is
                # thrown away on failure (duckdb_file.rewrite): a commit per batch is safe,
                # and it lets DuckDB write the batch out and free its memory. One
                # transaction for 1.5 million rows peaked at 8.4 GB (docs/benchmarks.md)
                cur.execute("COMMIT")
                cur.execute("BEGIN TRANSACTION")
        return written

    def remove_dataset(self, dataset_id: str) -> None:
        # a dataset id found only on rows (a store broken before writes were crash-safe)
        # can be removed too, which is how such a store is repaired
        on_rows = " UNION ALL ".join(f"SELECT dataset_id FROM {t}" for t in sql.DATASET_TABLES)
        known = self._cur().execute(
            "SELECT 1 FROM datasets WHERE id = ? UNION ALL "
            f"SELECT 1 FROM ({on_rows}) WHERE dataset_id = ? LIMIT 1",
            [dataset_id, dataset_id],
        )
        if not known.fetchone():
            raise NotFound(f"no dataset {dataset_id!r}")

        def change(cur: duckdb.DuckDBPyConnection) -> None:
            _delete_dataset_rows(cur, dataset_id)
            _refresh_summary(cur, dataset_id)
            cur.execute(sql.COUNT_WRITE)

        self._write(change)

    def append_small_dataset(self, dataset, figures, audit=None) -> list[str]:
        # appends arriving together share one write (one new version of the file, as every
        # write of a file store: no process holds the file open for writing, see duckdb_file)
        if self.read_only:
            raise StoreError(
                f"the store {self.path} is opened read-only (a DuckDB file served by several "
                "workers); publish through a server with one worker, or a PostgreSQL store"
            )
        group = self.__dict__.get("_appends")
        if group is None:
            group = self.__dict__.setdefault("_appends", duckdb_append.GroupCommit(self._append))
        return group.submit((dataset, figures, audit))

    def _append(self, appends: list) -> list[list[str]]:
        outcome: list[list[list[str]]] = []

        def change(cur: duckdb.DuckDBPyConnection) -> None:
            outcome.append(duckdb_append.append_small_datasets(cur, appends))
            if all(outcome[0]):  # every append refused: no new version of the file
                raise _NothingWritten
            cur.execute(sql.COUNT_WRITE)

        try:
            self._write(change)
        except _NothingWritten:
            pass
        return outcome[0]

    def figures_of_source(self, source: str) -> list[tuple[str, RegionFigure]]:
        rows = self._cur().execute(sql.SOURCE_FIGURES, [source]).fetchall()
        return [(r[0], RegionFigure(*r[1:])) for r in rows]

    def export_dataset(self, dataset_id: str):
        cur = self._cur()
        row = cur.execute(
            f"SELECT {', '.join(records.DATASET_NAMES)} FROM datasets WHERE id = ?", [dataset_id]
        ).fetchone()
        if row is None:
            raise NotFound(f"no dataset {dataset_id!r}")

        def rows(table: str, names: list[str]) -> list:
            return cur.execute(sql.dataset_rows_query(table, names), [dataset_id]).fetchall()

        return (
            records.dataset_from_row(row),
            [records.project_from_row(r) for r in rows("projects", records.PROJECT_NAMES)],
            [
                records.participant_from_row(r)
                for r in rows("participants", records.PARTICIPANT_NAMES)
            ],
            [records.figure_from_row(r) for r in rows("region_figures", records.FIGURE_NAMES)],
            [records.station_from_row(r) for r in rows("stations", records.STATION_NAMES)],
            [
                records.station_value_from_row(r)
                for r in rows("station_values", records.STATION_VALUE_NAMES)
            ],
            [records.output_from_row(r) for r in rows("outputs", records.OUTPUT_NAMES)],
        )

    def datasets(self) -> list[Dataset]:
        rows = (
            self._cur()
            .execute(
                f"SELECT {', '.join(n for n, _ in sql.DATASET_COLUMNS)} FROM datasets ORDER BY source, id"
            )
            .fetchall()
        )
        return [records.dataset_from_row(r) for r in rows]

    def query_projects(self, flt: ProjectFilter, page: Page) -> tuple[int, list[dict]]:
        count_sql, page_sql, cparams, pparams = sql.projects_query(flt, page)
        cur = self._cur()
        total = int(scalar(cur, count_sql, cparams))
        return total, dicts(cur.execute(page_sql, pparams))

    def features(self, collection, where=None, sortby=(), limit=10, offset=0, count=True):
        q = feature_sql.features_query(
            collection, self._feature_columns(collection), where, sortby, limit, offset
        )
        cur = self._cur()
        if "ST_" in q.count_sql:
            self._load_spatial(cur)
        total = int(scalar(cur, q.count_sql, q.count_params)) if count else None
        rows = dicts(cur.execute(q.page_sql, q.page_params))
        for row in rows:
            row.pop("_row", None)  # the order of the participants' pages, not a property
        if not q.located and rows:
            places = dicts(cur.execute(*feature_sql.locations_query([r["id"] for r in rows])))
            rows = feature_sql.add_locations(rows, places)
        return total, rows

    def _feature_columns(self, collection: str) -> set[str]:
        if collection not in feature_sql.FEATURE_SOURCES:
            raise feature_sql.FeatureFilterError(f"no feature collection {collection!r}")
        cache = self.__dict__.setdefault("_columns", {})
        if collection not in cache:
            cur = self._cur().execute(feature_sql.feature_columns_query(collection))
            cache[collection] = {d[0] for d in cur.description or []}
        return cache[collection]

    def _load_spatial(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Load DuckDB's spatial extension from its wheel (never downloaded) for ST_ functions,
        into the instance of ``cur`` (a snapshot's: each has its own; loading again is a no-op)."""
        import duckdb_extension_spatial

        folder = Path(duckdb_extension_spatial.__file__).parent / "extensions"
        found = sorted(folder.glob(f"v{duckdb.__version__}/spatial.duckdb_extension"))
        if not found:
            raise StoreError(f"no DuckDB spatial extension for DuckDB {duckdb.__version__}")
        cur.execute(f"LOAD '{found[0]}'")

    def project(self, project_id: str) -> dict | None:
        cur = self._cur()
        rows = dicts(cur.execute("SELECT * FROM projects WHERE id = ?", [project_id]))
        if not rows:
            return None
        project = rows[0]
        project["topics"] = project["topics"].split(TOPIC_SEP) if project["topics"] else []
        project["participants"] = dicts(
            cur.execute(
                "SELECT * FROM participants WHERE project_id = ? ORDER BY seq", [project_id]
            )
        )
        return project

    def project_outputs(self, project_id: str, limit: int = 200) -> tuple[int, list[dict]]:
        fetch = self._cur().execute
        return outputs.read_project_outputs(lambda q, p: fetch(q, p).fetchall(), project_id, limit)

    def participants(self, flt: ProjectFilter) -> list[dict]:
        query, params = sql.participants_query(flt)
        return dicts(self._cur().execute(query, params))

    def aggregate(self, level: int, flt: ProjectFilter) -> list[dict]:
        query, params = sql.aggregate_query(level, flt)
        return dicts(self._cur().execute(query, params))

    def breakdown(self, by: str, flt: ProjectFilter) -> list[dict]:
        query, params = sql.breakdown_query(by, flt)
        return dicts(self._cur().execute(query, params))

    def search(self, text: str, limit: int = 10) -> dict[str, list[dict]]:
        (pq, pp), (oq, op) = sql.search_queries(text, limit)
        cur = self._cur()
        return {
            "projects": dicts(cur.execute(pq, pp)),
            "organisations": dicts(cur.execute(oq, op)),
        }

    def figures(self, indicator, version=None, year=None, codes=None) -> list[RegionFigure]:
        where, params = ["1 = 1"], []
        if indicator is not None:
            where.append("indicator = ?")
            params.append(indicator)
        if version is not None:
            where.append("nuts_version = ?")
            params.append(version)
        if year is not None:
            where.append("year = ?")
            params.append(year)
        if codes:
            where.append(f"nuts_code IN ({', '.join('?' for _ in codes)})")
            params.extend(codes)
        rows = (
            self._cur()
            .execute(
                "SELECT indicator, nuts_code, nuts_version, value, unit, year, flag, source_line "
                f"FROM region_figures WHERE {' AND '.join(where)} ORDER BY nuts_code, year",
                params,
            )
            .fetchall()
        )
        return [RegionFigure(*r) for r in rows]

    def stations(self, dataset_id: str) -> list[Station]:
        rows = (
            self._cur()
            .execute(
                "SELECT id, name, nuts_code, nuts_version, lon, lat, method FROM stations "
                "WHERE dataset_id = ? ORDER BY id",
                [dataset_id],
            )
            .fetchall()
        )
        return [Station(*r) for r in rows]

    def station_values(self, dataset_id: str, pollutant: str | None = None) -> list[StationValue]:
        where, params = "dataset_id = ?", [dataset_id]
        if pollutant is not None:
            where += " AND pollutant = ?"
            params.append(pollutant)
        rows = (
            self._cur()
            .execute(
                "SELECT station, pollutant, begin_time, value, validity FROM station_values "
                f"WHERE {where} ORDER BY station, pollutant, begin_time",
                params,
            )
            .fetchall()
        )
        return [StationValue(*r) for r in rows]

    def project_records(self) -> list[dict]:
        rows = dicts(
            self._cur().execute(
                "SELECT p.id, p.source, p.programme, p.fund, p.title, p.acronym, p.objective, "
                "p.topics, p.start_date, p.end_date, p.country, p.language, p.eu_contribution_eur, "
                "list(DISTINCT coalesce(pa.nuts3, pa.nuts2, pa.nuts1, pa.nuts0)) "
                "FILTER (WHERE pa.nuts0 IS NOT NULL) AS regions, "
                "list(DISTINCT pa.nuts0) FILTER (WHERE pa.nuts0 IS NOT NULL) AS countries, "
                "list(DISTINCT coalesce(pa.org_id, upper(pa.name))) "
                "FILTER (WHERE coalesce(pa.org_id, pa.name) IS NOT NULL) AS organisations "
                "FROM projects p LEFT JOIN participants pa ON pa.project_id = p.id "
                "GROUP BY ALL ORDER BY p.id"
            )
        )
        for r in rows:
            r["topics"] = r["topics"].split(TOPIC_SEP) if r["topics"] else []
            for key in ("regions", "countries", "organisations"):
                r[key] = sorted(r[key] or [])
        return rows

    @property
    def local_data_version(self) -> bool:  # a file's snapshot read its count when it opened
        return self._file_backed

    def data_version(self) -> str:
        # the count of dataset writes (sql.COUNT_WRITE), not the file's identity: writes of
        # tokens, jobs and audit entries make new files too but change no data. A file store's
        # snapshot read the count when it opened: no query per call
        if not self._file_backed:
            return f"w{scalar(self._cur(), 'SELECT n FROM store_writes')}"
        snapshot = self._snapshots.current()
        if snapshot.writes is None:  # a file older than schema 8, opened read-only
            return hashlib.sha256(repr(snapshot.version).encode()).hexdigest()[:16]
        return f"w{snapshot.writes}"

    def facets(self) -> dict[str, list]:
        cur = self._cur()

        def distinct(q: str) -> list:
            return [r[0] for r in cur.execute(q).fetchall() if r[0] is not None]

        return {
            "sources": distinct("SELECT DISTINCT source FROM projects ORDER BY 1"),
            "programmes": distinct("SELECT DISTINCT programme FROM projects ORDER BY 1"),
            "funds": distinct("SELECT DISTINCT fund FROM projects ORDER BY 1"),
            "countries": distinct("SELECT DISTINCT nuts0 FROM participants ORDER BY 1"),
            "org_types": distinct("SELECT DISTINCT org_type FROM participants ORDER BY 1"),
        }

    def close(self) -> None:
        if self._file_backed:
            self._snapshots.close()
        else:
            self._con.close()


class _NothingWritten(Exception):
    """Rolls back a write that turned out to change nothing (the store stays as it was)."""


#: each dataset table's columns, in the order Arrow tables are built for it
_TABLE_COLUMNS = {
    "projects": sql.PROJECT_COLUMNS,
    "participants": sql.PARTICIPANT_COLUMNS,
    "region_figures": sql.FIGURE_COLUMNS,
    "stations": sql.STATION_COLUMNS,
    "station_values": sql.STATION_VALUE_COLUMNS,
    "outputs": outputs.COLUMNS,
}


def _append(cur: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list]) -> None:
    """Insert one batch of a table's rows (column name → values) through Arrow, not row by row."""
    if not next(iter(columns.values()), None):
        return
    cur.register("new_rows", _arrow(columns, _TABLE_COLUMNS[table]))
    try:
        cur.execute(f"INSERT INTO {table} SELECT * FROM new_rows")
    finally:
        cur.unregister("new_rows")


def _delete_dataset_rows(cur: duckdb.DuckDBPyConnection, dataset_id: str) -> None:
    for table in sql.DATASET_TABLES:
        cur.execute(f"DELETE FROM {table} WHERE dataset_id = ?", [dataset_id])
    cur.execute("DELETE FROM datasets WHERE id = ?", [dataset_id])


def _refresh_summary(cur: duckdb.DuckDBPyConnection, dataset_id: str) -> None:
    for query, params in summary.refresh_statements(dataset_id):
        cur.execute(query, params)


def _schema_version(cur: duckdb.DuckDBPyConnection) -> int:
    exists = scalar(
        cur,
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'",
    )
    if not exists:
        return 0
    return int(scalar(cur, "SELECT coalesce(max(version), 0) FROM schema_migrations"))


def _art_indexes(cur: duckdb.DuckDBPyConnection) -> list[tuple[str]]:
    """Explicit (CREATE INDEX) indexes; key constraints are not listed here."""
    return cur.execute("SELECT index_name FROM duckdb_indexes() ORDER BY 1").fetchall()
