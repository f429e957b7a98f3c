"""The small writes of a DuckDB store (NGSI-LD publications): appends grouped into one write.

Every write of a DuckDB file store builds a new version of the file and renames it over the
old one (``duckdb_file``): no process holds the file open for writing, so the CLI can ingest
while the server serves, and a ``kill -9`` leaves the old or the new version. That costs a copy
of the file per write. :class:`GroupCommit` lets publications that arrive together share one
write, the way PostgreSQL groups commits; a team that publishes at high rates uses the
PostgreSQL store, where a publication is one short INSERT transaction.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import duckdb
import pyarrow as pa

from regioatlas.model import Dataset, RegionFigure
from regioatlas.store import records, sql

#: up to this many figures go in as one parameterised INSERT; more through an Arrow table
_FEW = 64
_STAGED = "new_small_figures"
_ARROW = {
    "nuts_version": pa.int64(),
    "year": pa.int64(),
    "value": pa.float64(),
    "source_line": pa.int64(),
}
Append = tuple[Dataset, list[RegionFigure], dict | None]


def append_small_datasets(cur: duckdb.DuckDBPyConnection, appends: list[Append]) -> list[list[str]]:
    """Add each ``(dataset, figures, audit)`` through ``cur``, inside the caller's one write;
    per append, the names it clashes with (it is then skipped: nothing of it is written) or
    ``[]``.

    A clash is a dataset id that exists or a file already listed by another dataset of the
    same source (for NGSI-LD, an entity id); appends earlier in the list count. An error
    rolls back the whole write.

    Example
    -------
    >>> from datetime import UTC, datetime
    >>> from regioatlas.store.duckdb_ import DuckDBStore
    >>> store = DuckDBStore(":memory:")
    >>> d = Dataset("s:1", "s", ["urn:a"], "0" * 64, "p", "CC BY 4.0", "p", datetime.now(UTC))
    >>> store.append_small_dataset(d, [RegionFigure("x", "FI1C3", 2024, 1.0, "%")])
    []
    >>> store.append_small_dataset(d, [])
    ['s:1', 'urn:a']
    """
    out: list[list[str]] = []
    for dataset, figures, audit in appends:
        query, params = sql.small_dataset_clash_query(dataset.id, dataset.source, dataset.files)
        clashes = [json.loads(n) for (n,) in cur.execute(query, params).fetchall()]
        out.append(clashes)
        if not clashes:
            _insert(cur, dataset, figures, audit)
    return out


def _insert(cur, dataset: Dataset, figures: list[RegionFigure], audit: dict | None) -> None:
    columns = records.figure_columns(figures, dataset.id)
    names = list(columns)
    if len(figures) <= _FEW:
        if figures:
            row = f"({', '.join('?' for _ in names)})"
            cur.execute(
                f"INSERT INTO region_figures ({', '.join(names)}) VALUES "
                + ", ".join(row for _ in figures),
                [v for r in zip(*columns.values(), strict=True) for v in r],
            )
    else:
        schema = pa.schema([(n, _ARROW.get(n, pa.string())) for n in names])
        cur.register(_STAGED, pa.table(columns, schema=schema))
        try:
            cur.execute(
                f"INSERT INTO region_figures ({', '.join(names)}) "
                f"SELECT {', '.join(names)} FROM {_STAGED}"
            )
        finally:
            cur.unregister(_STAGED)
    cur.execute(
        sql.insert_query("datasets", sql.DATASET_COLUMNS),
        records.dataset_row(dataset, len(figures), 0, 0),
    )
    if audit is not None:
        cur.execute(
            sql.insert_query("audit", sql.AUDIT_COLUMNS),
            [sql.to_db(audit.get(n)) for n, _ in sql.AUDIT_COLUMNS],
        )


class GroupCommit:
    """Requests that arrive while a commit is under way share the next one.

    ``run(items)`` does the work of many items in one transaction and returns one result per
    item. A caller puts its item in the queue and takes the leader's turn: the leader runs
    everything queued so far (its own item and those of the callers waiting behind it), and a
    caller whose item a leader already ran just returns its result. When a shared run fails,
    each item runs again alone, so one bad item fails only its own caller.

    Example
    -------
    >>> group = GroupCommit(lambda items: [x * 2 for x in items])
    >>> group.submit(21)
    42
    """

    def __init__(self, run: Callable[[list[Any]], list[Any]]):
        self._run = run
        self._queue_lock = threading.Lock()
        self._leader = threading.Lock()
        self._queue: list[_Slot] = []

    def submit(self, item: Any) -> Any:
        slot = _Slot(item)
        with self._queue_lock:
            self._queue.append(slot)
        with self._leader:
            if not slot.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._lead(batch)
        return slot.outcome()

    def _lead(self, batch: list[_Slot]) -> None:
        try:
            results = self._run([s.item for s in batch])
            for s, r in zip(batch, results, strict=True):
                s.finish(result=r)
        except BaseException as exc:
            if len(batch) == 1:
                batch[0].finish(error=exc)
                return
            for s in batch:  # one bad item must not fail the others
                self._lead([s])


class _Slot:
    def __init__(self, item: Any):
        self.item, self.done = item, False
        self._result: Any = None
        self._error: BaseException | None = None

    def finish(self, result: Any = None, error: BaseException | None = None) -> None:
        self._result, self._error, self.done = result, error, True

    def outcome(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._result
