"""The cheap write of a DuckDB store: a new small dataset appended in place, in one transaction.

Every other write of a DuckDB store copies the file, changes the copy and renames it over the
original (``duckdb_file``), because DuckDB's replay of its write-ahead log after a ``kill -9``
once restored rows without their ART index entries. That copy costs about a second on a
realistic store (it is the whole file), which capped NGSI-LD publications near one per second.

A publication only *adds* rows (a dataset row, its few figures, its audit entry) to tables that
have no secondary ART index (the migrations drop them): the same kind of write as the token,
job and audit rows, which already commit in place. DuckDB's log then holds the transaction
whole or not at all, so a kill leaves the store before or after it. Replacements and removals,
which delete rows, and bulk ingests keep the copy and rename.
"""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa

from regioatlas.model import Dataset, RegionFigure
from regioatlas.store import records, sql

_STAGED = "new_small_figures"


def append_small_dataset(
    cur: duckdb.DuckDBPyConnection,
    dataset: Dataset,
    figures: list[RegionFigure],
    audit: dict | None = None,
) -> list[str]:
    """Add ``dataset`` with its ``figures`` (and ``audit`` entry) in one transaction on ``cur``.

    Returns the clashing names, writing nothing, when the dataset id exists or one of its
    files is a file of another dataset of the same source; ``[]`` when it was written. The
    caller holds the store's write lock.

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
    names = [n for n, _ in sql.FIGURE_COLUMNS]
    staged = pa.table(
        records.figure_columns(figures, dataset.id),
        schema=pa.schema([(n, _TYPES.get(n, pa.string())) for n in names]),
    )
    clash_query, clash_params = sql.small_dataset_clash_query(
        dataset.id, dataset.source, dataset.files
    )
    cur.execute("BEGIN TRANSACTION")
    try:
        clashes = [json.loads(n) for (n,) in cur.execute(clash_query, clash_params).fetchall()]
        if clashes:
            cur.execute("ROLLBACK")
            return clashes
        cur.register(_STAGED, staged)
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
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    return []


_TYPES = {
    "nuts_version": pa.int64(),
    "year": pa.int64(),
    "value": pa.float64(),
    "source_line": pa.int64(),
}
