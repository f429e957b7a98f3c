"""Backup and restore of a whole store: one portable file, verified before anything is restored.

A backup is a zip of ``manifest.json`` and one Parquet file per table (``datasets``, every
table whose rows belong to a dataset, ``sql.DATASET_TABLES``, and the server-mode tables
``tokens``, ``jobs`` and ``audit``, ``sql.SERVER_TABLES``; a backup without them restores none). The manifest names the format,
the schema version, the RegioAtlas version, the creation time (ISO 8601, UTC), the kind of the
store it was taken from, the datasets, and per member its table, row count and SHA-256.

Rows go through the stores' own doors (``export_dataset`` → ``replace_dataset``), so a backup
of a DuckDB store restores into PostGIS and back. Reading is consistent while the store serves
and is written: a store that offers ``snapshot()`` (PostGIS: one REPEATABLE READ transaction) is
read inside it; any other store's ``data_version()`` is compared before and after reading, and
a write in between means reading again (a DuckDB file opened read-only by another process
cannot be written meanwhile at all; this catches writers sharing the store in the process). Restoring is all or nothing: one transaction on PostgreSQL
(``atomic()``); a DuckDB file is built beside the target and renamed over it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from regioatlas import __version__
from regioatlas.model.errors import BadInput, Unprocessable
from regioatlas.store import (
    duckdb_file,
    open_store,
    outputs,
    records,
    sql,
    store_exists,
    store_kind,
)
from regioatlas.store.base import Progress, Store, StoreError
from regioatlas.store.duckdb_ import MEMORY, duckdb_path
from regioatlas.store.migrate import (
    TABLES,
    TableDigest,
    copy_server_rows,
    digest_dataset,
    store_digests,
    write_dataset,
)

FORMAT = "regioatlas-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: times a backup reads the store again when a write landed while it read
READ_ATTEMPTS = 5

#: per table: its schema columns and the model ⇄ row functions of ``records``
_SPECS = {
    "datasets": sql.DATASET_COLUMNS,
    "projects": sql.PROJECT_COLUMNS,
    "participants": sql.PARTICIPANT_COLUMNS,
    "region_figures": sql.FIGURE_COLUMNS,
    "stations": sql.STATION_COLUMNS,
    "station_values": sql.STATION_VALUE_COLUMNS,
    "outputs": outputs.COLUMNS,
    **sql.SERVER_TABLES,
}
_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "INTEGER": pa.int64(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}
#: the schema version that added a table (a backup of an older store has no member for it)
_TABLE_SINCE = {"stations": 3, "station_values": 3, "outputs": 10}


class BackupError(Unprocessable):
    """A backup file that cannot be restored: damaged, incomplete, or of a newer schema."""


@dataclass
class BackupReport:
    """What ``backup_store`` wrote (``manifest`` as in the file) or ``restore_store`` restored."""

    path: Path
    manifest: dict
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def datasets(self) -> list[str]:
        return list(self.manifest["datasets"])


def backup_store(store: Store, path: str | Path, progress: Progress | None = None) -> BackupReport:
    """Write every dataset of ``store`` to one backup file at ``path``, from one consistent state.

    The file appears whole or not at all (written beside ``path``, then renamed).

    Example
    -------
    >>> import tempfile
    >>> from regioatlas.store import open_store
    >>> folder = tempfile.mkdtemp()
    >>> report = backup_store(open_store(":memory:"), f"{folder}/atlas.zip")
    >>> report.manifest["format"], report.tables["projects"]
    ('regioatlas-backup', 0)
    """
    tick = progress or (lambda stage, done, total: None)
    exports, server = _read_consistently(store, tick)
    columns = _table_columns(exports)
    for table, rows in server.items():
        names = [n for n, _ in _SPECS[table]]
        columns[table] = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    members: dict[str, dict] = {}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w", zipfile.ZIP_STORED) as archive:
            for done, table in enumerate((*TABLES, *sql.SERVER_TABLES)):
                tick("write", done, len(TABLES))
                data = _parquet(columns[table], _SPECS[table])
                member = f"{table}.parquet"
                archive.writestr(member, data)
                members[member] = {
                    "table": table,
                    "rows": len(next(iter(columns[table].values()), [])),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema_version": store.schema_version(),
                "regioatlas_version": __version__,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "source_store": store_kind(store.url) if store.url else "unknown",
                "datasets": [rows[0].id for rows in exports],
                "members": members,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        os.replace(tmp_name, path)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    tick("write", len(TABLES), len(TABLES))
    return BackupReport(path, manifest, {m["table"]: m["rows"] for m in members.values()})


def _read_consistently(store: Store, tick: Progress) -> tuple[list[tuple], dict[str, list]]:
    """Every dataset's export and the server-mode rows, all from one state of the store (see
    the module docstring)."""
    snapshot = getattr(store, "snapshot", None)  # offered by stores with transactions
    if snapshot is not None:
        with snapshot():
            return _export_all(store, tick), _server_rows(store)
    for _ in range(READ_ATTEMPTS):
        before = store.data_version()
        exports, server = _export_all(store, tick), _server_rows(store)
        if store.data_version() == before:
            return exports, server
    raise StoreError(
        f"the store was written to during each of {READ_ATTEMPTS} attempts to back it up; "
        "run the backup again at a quieter time"
    )


def _server_rows(store: Store) -> dict[str, list]:
    return {table: store.server_rows(table) for table in sql.SERVER_TABLES}


def _export_all(store: Store, tick: Progress) -> list[tuple]:
    ids = [d.id for d in store.datasets()]
    exports = []
    for done, dataset_id in enumerate(ids):
        tick("read", done, len(ids))
        exports.append(store.export_dataset(dataset_id))
    tick("read", len(ids), len(ids))
    return exports


def _table_columns(exports: list[tuple]) -> dict[str, dict[str, list]]:
    """The backup's tables as columns (name → values), rows in the stores' export order."""
    out: dict[str, dict[str, list]] = {t: {n: [] for n, _ in _SPECS[t]} for t in TABLES}
    for dataset, projects, participants, figures, stations, values, made in exports:
        parts = {
            "datasets": {
                n: [v]
                for n, v in zip(records.DATASET_NAMES, records.dataset_row(dataset, len(figures)))
            },
            "projects": records.project_columns(projects, dataset.id),
            "participants": records.participant_columns(participants, dataset.id),
            "region_figures": records.figure_columns(figures, dataset.id),
            "stations": records.station_columns(stations, dataset.id),
            "station_values": records.station_value_columns(values, dataset.id),
            "outputs": records.output_columns(made, dataset.id),
        }
        for table, cols in parts.items():
            for name, vals in cols.items():
                out[table][name].extend(vals)
    return out


def _parquet_table(columns: dict[str, list], spec) -> pa.Table:
    return pa.table({n: pa.array(columns[n], type=_ARROW_TYPES[t.split()[0]]) for n, t in spec})


def _parquet(columns: dict[str, list], spec) -> bytes:
    out = io.BytesIO()
    pq.write_table(_parquet_table(columns, spec), out, compression="zstd")
    return out.getvalue()


# --- restore ------------------------------------------------------------------------------
def read_backup(path: str | Path, progress: Progress | None = None) -> tuple[dict, list[tuple]]:
    """Verify a backup file and give its manifest and datasets (as ``export_dataset`` gives them).

    Checks, before anything is restored: a zip with a manifest of this format, a schema not
    newer than this RegioAtlas, every member present, its SHA-256 and row count as in the
    manifest. Raises BackupError naming the file and the member at fault.

    Example
    -------
    >>> import tempfile
    >>> from regioatlas.store import open_store
    >>> path = f"{tempfile.mkdtemp()}/atlas.zip"
    >>> _ = backup_store(open_store(":memory:"), path)
    >>> manifest, datasets = read_backup(path)
    >>> manifest["schema_version"], datasets
    (3, [])
    """
    manifest, datasets, _ = _read(path, progress)
    return manifest, datasets


def _read(path: str | Path, progress: Progress | None) -> tuple[dict, list[tuple], dict]:
    """``read_backup`` and the server-mode rows (table → rows; none in an older backup)."""
    tick = progress or (lambda stage, done, total: None)
    name = Path(path).name
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"no backup file at {path}", parameter="FILE") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{name}: not a RegioAtlas backup (not a zip file: {exc})") from exc
    with archive:
        manifest = _manifest(archive, name)
        tables: dict[str, pa.Table] = {}
        members = manifest["members"]
        for done, table in enumerate(TABLES):
            tick("verify", done, len(TABLES))
            if manifest["schema_version"] < _TABLE_SINCE.get(table, 1):
                tables[table] = _parquet_table({n: [] for n, _ in _SPECS[table]}, _SPECS[table])
                continue
            tables[table] = _member_table(archive, name, f"{table}.parquet", members, table)
        server = {
            table: list(_rows(_member_table(archive, name, f"{table}.parquet", members, table)))
            if f"{table}.parquet" in members
            else []
            for table in sql.SERVER_TABLES
        }
        tick("verify", len(TABLES), len(TABLES))
    return manifest, _datasets_of(tables, name), server


def _manifest(archive: zipfile.ZipFile, name: str) -> dict:
    where = f"{name}: member {MANIFEST}"
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(f"{where} is missing: not a RegioAtlas backup") from None
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise BackupError(f"{where} is damaged: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{where}: not a RegioAtlas backup manifest (format {FORMAT!r})")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"{where}: backup format version {version!r} is newer than this RegioAtlas "
            f"reads ({FORMAT_VERSION}); upgrade RegioAtlas"
        )
    schema = manifest.get("schema_version")
    if not isinstance(schema, int) or schema < 1:
        raise BackupError(f"{where}: no schema version")
    if schema > Store.SCHEMA_VERSION:
        raise BackupError(
            f"{where}: schema version {schema} is newer than this RegioAtlas "
            f"({Store.SCHEMA_VERSION}); upgrade RegioAtlas to restore it"
        )
    if not isinstance(manifest.get("members"), dict):
        raise BackupError(f"{where}: no list of members")
    return manifest


def _member_table(
    archive: zipfile.ZipFile, name: str, member: str, members: dict, table: str
) -> pa.Table:
    where = f"{name}: member {member}"
    expected = members.get(member)
    if not isinstance(expected, dict):
        raise BackupError(f"{where} is not in the manifest")
    try:
        data = archive.read(member)
    except KeyError:
        raise BackupError(f"{where} is missing") from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:  # a bad CRC, a broken stream
        raise BackupError(f"{where} is damaged: {exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected.get("sha256"):
        raise BackupError(
            f"{where} is damaged: its SHA-256 {digest[:16]}… differs from the manifest's "
            f"{str(expected.get('sha256'))[:16]}…"
        )
    try:
        read = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError) as exc:
        raise BackupError(f"{where} is not a readable Parquet file: {exc}") from exc
    names = [n for n, _ in _SPECS[table]]
    if read.column_names != names:
        raise BackupError(f"{where}: columns {read.column_names} are not those of {table}")
    if read.num_rows != expected.get("rows"):
        raise BackupError(
            f"{where} has {read.num_rows} rows, the manifest says {expected.get('rows')}"
        )
    return read


_FROM_ROW = {
    "projects": records.project_from_row,
    "participants": records.participant_from_row,
    "region_figures": records.figure_from_row,
    "stations": records.station_from_row,
    "station_values": records.station_value_from_row,
    "outputs": records.output_from_row,
}


def _datasets_of(tables: dict[str, pa.Table], name: str) -> list[tuple]:
    """The backup's tables as one ``export_dataset`` tuple per dataset, in backup order."""
    by_dataset: dict[str, dict[str, list]] = {}
    for row in _rows(tables["datasets"]):
        by_dataset[row[0]] = {"datasets": [records.dataset_from_row(row)]}
        by_dataset[row[0]].update({t: [] for t in _FROM_ROW})
    for table, from_row in _FROM_ROW.items():
        owner_column = [n for n, _ in _SPECS[table]].index("dataset_id")
        for row in _rows(tables[table]):
            owner = by_dataset.get(row[owner_column])
            if owner is None:
                raise BackupError(
                    f"{name}: member {table}.parquet has rows of dataset {row[owner_column]!r}, "
                    "which the backup does not hold"
                )
            owner[table].append(from_row(row))
    return [(parts["datasets"][0], *(parts[t] for t in _FROM_ROW)) for parts in by_dataset.values()]


def _rows(table: pa.Table) -> Iterator[tuple]:
    return zip(*(table.column(i).to_pylist() for i in range(table.num_columns)))


def restore_store(
    path: str | Path, url: str, replace: bool = False, progress: Progress | None = None
) -> BackupReport:
    """Restore the backup at ``path`` into the store at ``url``, all or nothing, verified.

    The backup is verified first (``read_backup``); a target holding datasets is refused unless
    ``replace``. PostgreSQL: one transaction. DuckDB: a new file built beside the target and
    renamed over it. Afterwards the store's row counts and checksums of every table must equal
    the backup's, else nothing is restored.

    Example
    -------
    >>> import tempfile
    >>> from regioatlas.store import open_store
    >>> folder = tempfile.mkdtemp()
    >>> _ = backup_store(open_store(":memory:"), f"{folder}/atlas.zip")
    >>> restore_store(f"{folder}/atlas.zip", f"{folder}/atlas.duckdb").datasets
    []
    """
    tick = progress or (lambda stage, done, total: None)
    manifest, datasets, server = _read(path, tick)
    expected = {t: TableDigest() for t in TABLES}
    for rows in datasets:
        digest_dataset(*rows, into=expected)
    if store_exists(url):
        with open_store(url, read_only=True) as current:
            existing = current.datasets()
        if existing and not replace:
            raise StoreError(
                f"the target store is not empty ({len(existing)} dataset(s), e.g. "
                f"{existing[0].id}); pass --replace to replace its contents"
            )
    if store_kind(url) == "duckdb":
        _restore_duckdb_file(url, datasets, server, expected, tick)
    else:
        with open_store(url) as target:
            atomic = getattr(target, "atomic", None)  # offered by stores with transactions
            if atomic is None:
                raise StoreError(f"a {store_kind(url)} store offers no atomic restore")
            with atomic():
                for d in target.datasets():
                    target.remove_dataset(d.id)
                _write_all(target, datasets, expected, tick)
                copy_server_rows(server.__getitem__, target)
    counts = {t: expected[t].rows for t in TABLES}
    return BackupReport(Path(path), manifest, counts)


def _restore_duckdb_file(
    url: str, datasets: list[tuple], server: dict, expected: dict, tick: Progress
) -> None:
    path = duckdb_path(url)
    if path == MEMORY:
        raise BadInput("cannot restore into a throw-away :memory: store", parameter="store")
    target = Path(path).absolute()
    if Path(f"{target}.wal").exists():
        # renamed over, the new file would get the old file's unfinished log replayed into it
        raise StoreError(
            f"{target} has an unfinished write-ahead log ({target}.wal): another process may be "
            "writing it; stop it (or open the store once to finish the log) and try again"
        )
    building = target.with_name(f".{target.name}.restoring")
    for leftover in (building, Path(f"{building}.wal")):
        leftover.unlink(missing_ok=True)
    try:
        with open_store(f"duckdb://{building}") as new:
            _write_all(new, datasets, expected, tick)
            copy_server_rows(server.__getitem__, new)
        with duckdb_file.writing(str(target)):  # not under a writer of the target: after it
            os.replace(building, target)
    finally:
        building.unlink(missing_ok=True)


def _write_all(target: Store, datasets: list[tuple], expected: dict, tick: Progress) -> None:
    """Write every dataset, then raise StoreError unless the store equals the backup."""
    for done, rows in enumerate(datasets):
        tick("restore", done, len(datasets))
        write_dataset(target, rows)
    tick("restore", len(datasets), len(datasets))
    written = store_digests(target)
    for table in TABLES:
        a, b = expected[table], written[table]
        if (a.rows, a.checksum) != (b.rows, b.checksum):
            raise StoreError(
                f"the restored table {table} differs from the backup: {a.rows} rows in the "
                f"backup, {b.rows} read back; nothing was restored"
            )
