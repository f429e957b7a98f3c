"""Copy a whole store into another (DuckDB → PostGIS and back) and prove the copy equal.

Every dataset goes through the stores' own doors (``export_dataset`` → ``replace_dataset``),
so each dataset lands atomically. Equality is checked three ways: row counts per table, an
order-independent checksum of every table's rows, and the same ``aggregate()`` answers.
The server-mode tables (tokens with their hashes, jobs, the audit log) are copied too
(``copy_server_rows``): the audit log is only appended to, so a target keeps its own entries.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from regioatlas.model import Dataset, Participant, Project, RegionFigure
from regioatlas.model.outputs import ProjectOutput
from regioatlas.model.query import ProjectFilter
from regioatlas.model.stations import Station, StationValue
from regioatlas.store import records, sql
from regioatlas.store.base import Progress, Store, StoreError

#: every table a copy carries: the datasets and every table whose rows belong to one
TABLES = ("datasets", *sql.DATASET_TABLES)
_MOD = 2**256


@dataclass
class TableDigest:
    """Rows of one table and their order-independent checksum (sum of row sha256 mod 2^256)."""

    rows: int = 0
    checksum: int = 0

    def add(self, row: tuple) -> None:
        self.rows += 1
        digest = hashlib.sha256(repr(row).encode()).digest()
        self.checksum = (self.checksum + int.from_bytes(digest, "big")) % _MOD

    @property
    def hex(self) -> str:
        return f"{self.checksum:064x}"


@dataclass
class CopyReport:
    """What ``copy_store`` copied and how it was verified."""

    datasets: list[str]
    tables: dict[str, TableDigest] = field(default_factory=dict)
    aggregates_compared: int = 0


def digest_dataset(
    dataset: Dataset,
    projects: list[Project],
    participants: list[Participant],
    figures: list[RegionFigure],
    stations: Sequence[Station] = (),
    station_values: Sequence[StationValue] = (),
    outputs: Sequence[ProjectOutput] = (),
    *,
    into: dict[str, TableDigest],
) -> None:
    """Add one dataset's rows, as a store writes them, to the per-table digests ``into``.

    Example
    -------
    >>> from datetime import datetime
    >>> d = Dataset("s:f", "s", ["f.csv"], "0" * 64, "p", "CC BY 4.0", "a", datetime(2026, 1, 1))
    >>> digests = {t: TableDigest() for t in TABLES}
    >>> digest_dataset(d, [Project("s:1", "s", "1")], [], [], into=digests)
    >>> digests["projects"].rows, digests["participants"].rows
    (1, 0)
    """
    into["datasets"].add(tuple(records.dataset_row(dataset, len(figures))))
    for table, columns in (
        ("projects", records.project_columns(projects, dataset.id)),
        ("participants", records.participant_columns(participants, dataset.id)),
        ("region_figures", records.figure_columns(figures, dataset.id)),
        ("stations", records.station_columns(stations, dataset.id)),
        ("station_values", records.station_value_columns(station_values, dataset.id)),
        ("outputs", records.output_columns(outputs, dataset.id)),
    ):
        for row in zip(*columns.values()):
            into[table].add(row)


def write_dataset(store: Store, rows: tuple) -> None:
    """Write one dataset as ``export_dataset`` gives it (dataset, projects, participants,
    figures, stations, station values, outputs) into ``store``.

    Example
    -------
    >>> from regioatlas.store import open_store
    >>> source, target = open_store(":memory:"), open_store(":memory:")
    >>> [write_dataset(target, source.export_dataset(d.id)) for d in source.datasets()]
    []
    """
    dataset, projects, participants, figures, stations, station_values, outputs = rows
    store.replace_dataset(
        dataset,
        projects,
        participants,
        figures,
        stations=stations,
        station_values=station_values,
        outputs=outputs,
    )


def store_digests(store: Store) -> dict[str, TableDigest]:
    """Row count and checksum of every table of ``store``.

    Example
    -------
    >>> from regioatlas.store import open_store
    >>> store_digests(open_store(":memory:"))["projects"].rows
    0
    """
    digests = {t: TableDigest() for t in TABLES}
    for d in store.datasets():
        digest_dataset(*store.export_dataset(d.id), into=digests)
    return digests


def copy_store(
    source: Store, target: Store, replace: bool = False, progress: Progress | None = None
) -> CopyReport:
    """Copy every dataset of ``source`` into ``target``, then verify the two stores equal.

    Refuses a target that holds datasets unless ``replace``; then the target's datasets are
    removed first. Raises StoreError when the verification finds a difference.

    Example
    -------
    >>> from regioatlas.store import open_store
    >>> copy_store(open_store(":memory:"), open_store(":memory:")).datasets
    []
    """
    tick = progress or (lambda stage, done, total: None)
    existing = target.datasets()
    if existing and not replace:
        raise StoreError(
            f"the target store is not empty ({len(existing)} dataset(s), e.g. {existing[0].id}); "
            "pass --replace to replace its contents"
        )
    for d in existing:
        target.remove_dataset(d.id)
    ids = [d.id for d in source.datasets()]
    copied = {t: TableDigest() for t in TABLES}
    for done, dataset_id in enumerate(ids):
        tick("copy", done, len(ids))
        rows = source.export_dataset(dataset_id)
        write_dataset(target, rows)
        digest_dataset(*rows, into=copied)
    tick("copy", len(ids), len(ids))
    tick("verify", 0, 2)
    written = store_digests(target)
    for table in TABLES:
        if (copied[table].rows, copied[table].checksum) != (
            written[table].rows,
            written[table].checksum,
        ):
            raise StoreError(
                f"the copy differs in table {table}: {copied[table].rows} rows copied, "
                f"{written[table].rows} read back (checksums {copied[table].hex[:12]} vs "
                f"{written[table].hex[:12]})"
            )
    copy_server_rows(source.server_rows, target)
    tick("verify", 1, 2)
    compared = _compare_aggregates(source, target)
    tick("verify", 2, 2)
    return CopyReport(ids, written, compared)


def copy_server_rows(rows_of, target: Store) -> dict[str, int]:
    """Add the tokens, jobs and audit entries ``rows_of(table)`` gives to ``target``, then
    raise StoreError unless the target holds every one of them unchanged; count them.

    A row whose key the target has already is kept as the target has it (the audit log is
    never rewritten): when it differs from the copied one, that is the error.

    Example
    -------
    >>> from regioatlas.store import open_store
    >>> copy_server_rows(open_store(":memory:").server_rows, open_store(":memory:"))
    {'tokens': 0, 'jobs': 0, 'audit': 0}
    """
    counts = {}
    for table in sql.SERVER_TABLES:
        rows = [tuple(r) for r in rows_of(table)]
        target.add_server_rows(table, rows)
        held = {tuple(r) for r in target.server_rows(table)}
        lost = [r for r in rows if r not in held]
        if lost:
            raise StoreError(
                f"the copy differs in table {table}: {len(lost)} of {len(rows)} rows are not in "
                f"the target as in the source (first key {lost[0][0]!r}: the target already had "
                "another row with that key)"
            )
        counts[table] = len(rows)
    return counts


def _compare_aggregates(source: Store, target: Store) -> int:
    """Raise StoreError unless both stores give the same aggregates at NUTS 0-3; count them."""
    compared = 0
    for level in range(4):
        a, b = source.aggregate(level, ProjectFilter()), target.aggregate(level, ProjectFilter())
        if len(a) != len(b) or any(not _same_row(x, y) for x, y in zip(a, b)):
            raise StoreError(f"the copy gives other aggregates at NUTS level {level}")
        compared += len(a)
    return compared


def _same_row(a: dict, b: dict) -> bool:
    # sums of doubles added in another order may differ in the last bits between databases
    return a.keys() == b.keys() and all(
        math.isclose(a[k], b[k], rel_tol=1e-12)
        if isinstance(a[k], float) and isinstance(b[k], float)
        else a[k] == b[k]
        for k in a
    )
