"""Per-region summary rows: the atlas aggregates pre-computed at every write, per dataset.

``/api/aggregates`` counts projects, participations and EU contribution per region under the
filters. Over 1.5 million participations the raw join and ``count(DISTINCT ...)`` take a quarter
of a second; the summary table answers the same question from a few thousand rows.

Why the sums are exact: a distinct project count can be added up across groups only when every
project lies in one group per region. Each summary row groups one dataset's participations of
one region (with its ancestors) by what is constant for a project (source, programme, fund, the
start and end years), so a project lies in exactly one row per region, and summing ``projects``
over the rows a filter keeps gives the distinct count. Organisation types vary within a project,
so they have rows of their own (``by_org_type``), which answer a filter on one type only.

Filters the rows cannot answer (free text, a date that is not a whole year, several
organisation types, a region finer than the level asked) return None from
:func:`summary_query`, and the caller falls back to the raw query over the participations.

The rows of a dataset are rebuilt inside the transaction that writes or removes it
(:func:`refresh_statements`), so they always match the data version readers see.
"""

from __future__ import annotations

import re
from datetime import date

from regioatlas.model.query import ProjectFilter

TABLE = "region_summary"

COLUMNS = [
    ("dataset_id", "VARCHAR NOT NULL"),
    ("level", "INTEGER NOT NULL"),
    ("code", "VARCHAR NOT NULL"),
    # ``code`` and its ancestors (NULL below its level), for the country and region filters
    ("nuts0", "VARCHAR"),
    ("nuts1", "VARCHAR"),
    ("nuts2", "VARCHAR"),
    ("source", "VARCHAR"),
    ("programme", "VARCHAR"),
    ("fund", "VARCHAR"),
    ("start_year", "INTEGER"),
    ("end_year", "INTEGER"),
    ("by_org_type", "BOOLEAN NOT NULL"),
    ("org_type", "VARCHAR"),
    ("projects", "BIGINT NOT NULL"),
    ("participations", "BIGINT NOT NULL"),
    ("eu_contribution_eur", "DECIMAL(18, 2)"),
    ("public_funding_eur", "DECIMAL(18, 2)"),
]

CREATE = f"CREATE TABLE {TABLE} (\n  " + ",\n  ".join(f"{n} {t}" for n, t in COLUMNS) + "\n)"

#: money is summed exactly, as in the raw query (``sql.MONEY``, ``sql.MONEY_RESULT``)
MONEY = "DECIMAL(18, 2)"
MONEY_RESULT = "DOUBLE PRECISION"

_NUTS_CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
_YEAR = "CAST(extract(year FROM p.{}) AS INTEGER)"


def _rows_select(level: int, by_org_type: bool, where: str) -> str:
    """The summary rows of one NUTS level, with or without a split by organisation type.

    Participations are first grouped per project (their count, their EU contribution, the
    project's public funding once), so that public funding, a figure of the project, counts
    once per row as the project does, and money is summed exactly as in the raw query.
    """
    ancestors = [f"pa.nuts{k}" if k <= level else "NULL" for k in range(3)]
    org = "pa.org_type" if by_org_type else "NULL"
    years = [_YEAR.format("start_date"), _YEAR.format("end_date")]
    row_keys = [f"pa.nuts{level}", *ancestors, "p.source", "p.programme", "p.fund", *years, org]
    inner_keys = ", ".join(f"{k} AS k{i}" for i, k in enumerate(row_keys))
    inner_group = ", ".join(k for k in ["pa.dataset_id", *row_keys, "pa.project_id"] if k != "NULL")
    keys = [f"k{i}" for i in range(len(row_keys))]
    # the table's column order: ..., the years, by_org_type, org_type, then the sums
    columns = [*keys[:-1], "TRUE" if by_org_type else "FALSE", keys[-1]]
    return (
        f"SELECT dataset_id, {level}, {', '.join(columns)}, count(*), sum(n), sum(eu), "
        "sum(public) FROM ("
        f"SELECT pa.dataset_id, {inner_keys}, count(*) AS n, "
        f"sum(CAST(pa.eu_contribution_eur AS {MONEY})) AS eu, "
        f"max(CAST(p.public_funding_eur AS {MONEY})) AS public "
        "FROM participants pa JOIN projects p ON p.id = pa.project_id "
        f"WHERE {where} AND pa.nuts{level} IS NOT NULL GROUP BY {inner_group}) per_project "
        f"GROUP BY dataset_id, {', '.join(keys)}"
    )


def _selects(where: str) -> list[str]:
    """The rows of every level, with and without the split by organisation type."""
    return [_rows_select(level, by_org, where) for level in range(4) for by_org in (False, True)]


def build_statement(where: str = "TRUE") -> str:
    """``INSERT INTO region_summary`` of every level's rows for the participations ``where``
    keeps (SQL on ``pa``, the participants)."""
    return f"INSERT INTO {TABLE} " + " UNION ALL ".join(_selects(where))


#: the schema migration: the table, filled from whatever the store already holds
MIGRATION = [CREATE, build_statement()]


def refresh_statements(dataset_id: str) -> list[tuple[str, list]]:
    """The statements (``?`` placeholders) that rebuild one dataset's summary rows; run them in
    the transaction that writes or removes the dataset, after its rows are in place.

    One INSERT per level and split, not one for all: each holds its own join and groups in
    memory, and together they did not fit the writer's memory limit at 1.5 million
    participations (``duckdb_file.WRITE_MEMORY_LIMIT``).

    Example
    -------
    >>> [sql.split(" ")[0] for sql, _ in refresh_statements("cordis-h2020:x.csv")][:3]
    ['DELETE', 'INSERT', 'INSERT']
    """
    inserts = [f"INSERT INTO {TABLE} {select}" for select in _selects("pa.dataset_id = ?")]
    return [(f"DELETE FROM {TABLE} WHERE dataset_id = ?", [dataset_id])] + [
        (insert, [dataset_id] * insert.count("?")) for insert in inserts
    ]


def _in(column: str, values: list, params: list) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join('?' for _ in values)})"


def _whole_year(day: date | None, first: bool) -> bool:
    return day is None or (day.month, day.day) == ((1, 1) if first else (12, 31))


def summary_query(level: int, flt: ProjectFilter) -> tuple[str, list] | None:
    """The aggregate of ``level`` under ``flt`` from the summary rows, or None when the rows
    cannot answer the filter exactly (then the raw query must).

    The answer has the raw query's columns, types and order: ``code``, ``projects``,
    ``participations``, ``eu_contribution_eur``, ``public_funding_eur`` by code.

    Example
    -------
    >>> from datetime import date
    >>> summary_query(3, ProjectFilter(countries=["FI"], period_from=date(2018, 1, 1)))[1]
    [3, 'FI', 2018]
    >>> summary_query(3, ProjectFilter(text="hydrogen")) is None
    True
    """
    if flt.text or len(flt.org_types) > 1:
        return None
    if not (_whole_year(flt.period_from, True) and _whole_year(flt.period_to, False)):
        return None
    params: list = [level]
    where = ["level = ?"]
    if flt.org_types:
        where.append("by_org_type AND org_type = ?")
        params.append(flt.org_types[0])
    else:
        where.append("NOT by_org_type")
    for column, values in (
        ("source", flt.sources),
        ("programme", flt.programmes),
        ("fund", flt.funds),
        ("nuts0", flt.countries),
    ):
        if values:
            where.append(_in(column, values, params))
    if flt.period_from:
        where.append("(end_year IS NULL OR end_year >= ?)")
        params.append(flt.period_from.year)
    if flt.period_to:
        where.append("(start_year IS NULL OR start_year <= ?)")
        params.append(flt.period_to.year)
    if flt.region:
        if not _NUTS_CODE.match(flt.region):
            return None  # the raw query says what is wrong with it
        region_level = len(flt.region) - 2
        if region_level > level:
            return None  # a finer region than the rows keep
        where.append("code = ?" if region_level == level else f"nuts{region_level} = ?")
        params.append(flt.region)
    sql = (
        "SELECT code, CAST(sum(projects) AS BIGINT) AS projects, "
        "CAST(sum(participations) AS BIGINT) AS participations, "
        f"CAST(sum(eu_contribution_eur) AS {MONEY_RESULT}) AS eu_contribution_eur, "
        f"CAST(sum(public_funding_eur) AS {MONEY_RESULT}) AS public_funding_eur FROM {TABLE} "
        f"WHERE {' AND '.join(where)} GROUP BY code ORDER BY code"
    )
    return sql, params
