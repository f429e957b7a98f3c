"""The ``outputs`` table (schema 10): what projects produced, read per project.

Outputs belong to the dataset that published them (replaced and removed with it) and name
their project by the publisher's number and programme, not by a store's project id: the
CORDIS results files are published apart from the project files, and the same grant may be
stored from the full export (source ``cordis``) or the sample (``cordis-he-sample``).
"""

from __future__ import annotations

from collections.abc import Callable

COLUMNS = [
    ("dataset_id", "VARCHAR NOT NULL"),
    ("project_number", "VARCHAR NOT NULL"),  # the publisher's number: ``projects.native_id``
    ("programme", "VARCHAR NOT NULL"),  # with the number, names the project: ``projects.programme``
    ("kind", "VARCHAR NOT NULL"),  # deliverable, periodic report
    ("id", "VARCHAR NOT NULL"),
    ("title", "VARCHAR"),
    ("output_type", "VARCHAR"),
    ("url", "VARCHAR"),
    ("updated_on", "VARCHAR"),  # ISO date: text sorts as dates do, in both stores
]
NAMES = [n for n, _ in COLUMNS]

#: the table; its indexes are PostgreSQL's alone (``postgis._POSTGIS_STEPS``): a DuckDB store
#: keeps no secondary index (see ``DuckDBStore._apply_migrations``)
MIGRATION = ["CREATE TABLE outputs (\n  " + ",\n  ".join(f"{n} {t}" for n, t in COLUMNS) + "\n)"]

_OF_PROJECT = (
    "FROM outputs o JOIN projects p ON p.native_id = o.project_number "
    "AND p.programme = o.programme WHERE p.id = ?"
)
#: (outputs of one project, newest first; how many it has), parameters: the project id (and
#: for the first, the largest number of rows)
PROJECT_OUTPUTS = (
    "SELECT o.dataset_id, o.project_number, o.programme, o.kind, o.id, o.title, o.output_type, "
    f"o.url, o.updated_on {_OF_PROJECT} "
    "ORDER BY o.updated_on DESC NULLS LAST, o.kind, o.id LIMIT ?"
)
PROJECT_OUTPUT_COUNT = f"SELECT count(*) {_OF_PROJECT}"


def read_project_outputs(
    rows: Callable[[str, list], list[tuple]], project_id: str, limit: int
) -> tuple[int, list[dict]]:
    """``Store.project_outputs`` through ``rows`` (a store's query → rows, ``?`` placeholders).

    Example
    -------
    >>> from regioatlas.store import open_store
    >>> store = open_store(":memory:")
    >>> store.project_outputs("cordis-he-sample:101095433")
    (0, [])
    """
    total = rows(PROJECT_OUTPUT_COUNT, [project_id])[0][0]
    return int(total), [_record(r) for r in rows(PROJECT_OUTPUTS, [project_id, limit])]


def _record(row: tuple) -> dict:
    dataset_id, _number, _programme, kind, id_, title, output_type, url, updated_on = row
    return {
        "dataset_id": dataset_id,
        "kind": kind,
        "id": id_,
        "title": title,
        "type": output_type,
        "url": url,
        "date": updated_on,
    }
