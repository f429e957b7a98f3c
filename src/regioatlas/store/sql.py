"""Generic SQL shared by the SQL stores: schema, filters, queries. Dialects override little.

Placeholders are written as ``?``; a dialect with another style rewrites them (``%s``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from regioatlas.model.errors import BadInput
from regioatlas.model.expressions import Call, Geometry, Interval, Prop
from regioatlas.model.query import PROJECT_SORTS, Page, ProjectFilter

NUTS_CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


@dataclass(frozen=True)
class Dialect:
    """The few SQL functions whose spelling differs between the stores' databases."""

    any_value: str = "any_value({})"
    mode: str = "mode({})"


DUCKDB = Dialect()
# PostgreSQL 15 has no any_value(); its mode() is an ordered-set aggregate
POSTGRES = Dialect(any_value="min({})", mode="mode() WITHIN GROUP (ORDER BY {})")

PROJECT_COLUMNS = [
    ("id", "VARCHAR PRIMARY KEY"),
    ("dataset_id", "VARCHAR NOT NULL"),
    ("source", "VARCHAR NOT NULL"),
    ("native_id", "VARCHAR NOT NULL"),
    ("programme", "VARCHAR"),
    ("fund", "VARCHAR"),
    ("title", "VARCHAR"),
    ("acronym", "VARCHAR"),
    ("objective", "VARCHAR"),
    ("topics", "VARCHAR"),
    ("status", "VARCHAR"),
    ("start_date", "DATE"),
    ("end_date", "DATE"),
    ("total_cost_eur", "DOUBLE PRECISION"),
    ("eu_contribution_eur", "DOUBLE PRECISION"),
    ("currency", "VARCHAR"),
    ("total_cost_original", "DOUBLE PRECISION"),
    ("eu_contribution_original", "DOUBLE PRECISION"),
    ("exchange_rate", "DOUBLE PRECISION"),
    ("rate_date", "DATE"),
    ("country", "VARCHAR"),
    ("language", "VARCHAR"),
    ("url", "VARCHAR"),
    ("source_line", "INTEGER"),
]
#: projects columns added after schema version 2 (appended, so older stores migrate in place).
#: EU + national public funding is a measure of its own: a list that gives only that sum (the
#: Finnish list) must not be read as EU contribution.
PROJECT_COLUMNS_ADDED = [
    ("public_funding_eur", "DOUBLE PRECISION"),
    ("public_funding_original", "DOUBLE PRECISION"),
]
_PROJECT_COLUMNS_V1 = list(PROJECT_COLUMNS)
PROJECT_COLUMNS = _PROJECT_COLUMNS_V1 + PROJECT_COLUMNS_ADDED
PARTICIPANT_COLUMNS = [
    ("project_id", "VARCHAR NOT NULL"),
    ("seq", "INTEGER NOT NULL"),
    ("dataset_id", "VARCHAR NOT NULL"),
    ("name", "VARCHAR"),
    ("org_id", "VARCHAR"),
    ("short_name", "VARCHAR"),
    ("org_type", "VARCHAR"),
    ("role", "VARCHAR"),
    ("sme", "BOOLEAN"),
    ("eu_contribution_eur", "DOUBLE PRECISION"),
    ("eu_contribution_original", "DOUBLE PRECISION"),
    ("currency", "VARCHAR"),
    ("country_given", "VARCHAR"),
    ("city", "VARCHAR"),
    ("postcode", "VARCHAR"),
    ("nuts_given", "VARCHAR"),
    ("lat", "DOUBLE PRECISION"),
    ("lon", "DOUBLE PRECISION"),
    ("nuts_version", "INTEGER"),
    ("nuts0", "VARCHAR"),
    ("nuts1", "VARCHAR"),
    ("nuts2", "VARCHAR"),
    ("nuts3", "VARCHAR"),
    ("loc_method", "VARCHAR"),
    ("loc_confidence", "DOUBLE PRECISION"),
    ("loc_detail", "VARCHAR"),
    ("source_line", "INTEGER"),
]
FIGURE_COLUMNS = [
    ("dataset_id", "VARCHAR NOT NULL"),
    ("indicator", "VARCHAR NOT NULL"),
    ("nuts_code", "VARCHAR NOT NULL"),
    ("nuts_version", "INTEGER NOT NULL"),
    ("year", "INTEGER"),
    ("value", "DOUBLE PRECISION"),
    ("unit", "VARCHAR"),
    ("flag", "VARCHAR"),
    ("source_line", "INTEGER"),
]
DATASET_COLUMNS = [
    ("id", "VARCHAR PRIMARY KEY"),
    ("source", "VARCHAR NOT NULL"),
    ("files", "VARCHAR NOT NULL"),
    ("sha256", "VARCHAR NOT NULL"),
    ("publisher", "VARCHAR"),
    ("licence", "VARCHAR"),
    ("attribution", "VARCHAR"),
    ("ingested_at", "TIMESTAMP"),
    ("project_count", "INTEGER"),
    ("participant_count", "INTEGER"),
    ("figure_count", "INTEGER"),
    ("rejected_count", "INTEGER"),
    ("location_report", "VARCHAR"),
    ("recognised_as", "VARCHAR"),
    ("profile", "VARCHAR"),
]


def _create(table: str, columns, extra: str = "") -> str:
    cols = ",\n  ".join(f"{n} {t}" for n, t in columns)
    return f"CREATE TABLE {table} (\n  {cols}{extra}\n)"


STATION_COLUMNS = [
    ("dataset_id", "VARCHAR NOT NULL"),
    ("id", "VARCHAR NOT NULL"),
    ("name", "VARCHAR"),
    ("nuts_code", "VARCHAR"),
    ("nuts_version", "INTEGER"),
    ("lon", "DOUBLE"),
    ("lat", "DOUBLE"),
    ("method", "VARCHAR"),
]
STATION_VALUE_COLUMNS = [
    ("dataset_id", "VARCHAR NOT NULL"),
    ("station", "VARCHAR NOT NULL"),
    ("pollutant", "VARCHAR NOT NULL"),
    ("begin_time", "VARCHAR NOT NULL"),  # ISO 8601 with the publisher's UTC offset, kept as text
    ("value", "DOUBLE"),
    ("validity", "INTEGER NOT NULL"),
]


#: migrations[i] brings a store from schema version i to i + 1
MIGRATIONS: list[list[str]] = [
    [
        _create("datasets", DATASET_COLUMNS),
        _create("projects", _PROJECT_COLUMNS_V1),
        _create("participants", PARTICIPANT_COLUMNS, ",\n  PRIMARY KEY (project_id, seq)"),
        _create("region_figures", FIGURE_COLUMNS),
        "CREATE INDEX participants_project ON participants (project_id)",
        "CREATE INDEX projects_dataset ON projects (dataset_id)",
        "CREATE INDEX figures_indicator ON region_figures (indicator, nuts_code)",
    ],
    # 2: no key indexes on projects and participants. DuckDB deletes and re-inserts the same
    # keys in one transaction very slowly (144,726 participations: 5.4 s with the primary key,
    # 0.08 s without, measured), which is what replacing a dataset does; uniqueness is checked
    # by the store before it writes (``duplicate_keys_query``), and a scan answers the lookups.
    [
        "DROP INDEX participants_project",
        "DROP INDEX projects_dataset",
        *(
            statement
            for table, columns in (
                ("projects", _PROJECT_COLUMNS_V1),
                ("participants", PARTICIPANT_COLUMNS),
            )
            for statement in (
                _create(f"{table}_v2", [(n, t.replace(" PRIMARY KEY", "")) for n, t in columns]),
                f"INSERT INTO {table}_v2 SELECT * FROM {table}",
                f"DROP TABLE {table}",
                f"ALTER TABLE {table}_v2 RENAME TO {table}",
            )
        ),
    ],
    # 3: measuring stations and their hourly values (EEA air quality), so the API reads them
    # from the store like every other dataset
    [
        _create("stations", STATION_COLUMNS),
        _create("station_values", STATION_VALUE_COLUMNS),
        "CREATE INDEX station_values_dataset ON station_values (dataset_id, pollutant)",
    ],
    # 4: EU + national public funding, a measure of its own (issue 10, part 6).
    [f"ALTER TABLE projects ADD COLUMN {n} {t}" for n, t in PROJECT_COLUMNS_ADDED],
]

#: every table whose rows belong to a dataset, children first (the order rows are deleted in)
DATASET_TABLES = ("participants", "projects", "region_figures", "stations", "station_values")

#: the columns that identify a row, checked before a dataset is written
KEYS = {"projects": ("id",), "participants": ("project_id", "seq")}


def duplicate_keys_query(table: str) -> str:
    """SQL giving up to 3 keys that occur more than once in ``table`` (a staging table)."""
    base = table.removeprefix("new_")
    cols = ", ".join(KEYS[base])
    return f"SELECT {cols}, count(*) AS n FROM {table} GROUP BY {cols} HAVING count(*) > 1 LIMIT 3"


def region_level(code: str) -> int:
    """NUTS level of a code from its length: 'AT' 0, 'AT1' 1, 'AT13' 2, 'AT130' 3."""
    if not NUTS_CODE.match(code):
        raise ValueError(f"not a NUTS code: {code!r}")
    return len(code) - 2


def _in(column: str, values: list, params: list) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join('?' for _ in values)})"


def project_conditions(flt: ProjectFilter, alias: str, params: list) -> list[str]:
    """WHERE conditions on the projects table for the project-level filters."""
    a = alias
    out = []
    if flt.sources:
        out.append(_in(f"{a}.source", flt.sources, params))
    if flt.programmes:
        out.append(_in(f"{a}.programme", flt.programmes, params))
    if flt.funds:
        out.append(_in(f"{a}.fund", flt.funds, params))
    if flt.text:
        like = f"%{flt.text.lower()}%"
        out.append(
            f"(lower(coalesce({a}.title,'')) LIKE ? OR lower(coalesce({a}.acronym,'')) LIKE ? "
            f"OR lower(coalesce({a}.objective,'')) LIKE ? OR lower(coalesce({a}.topics,'')) LIKE ?)"
        )
        params.extend([like] * 4)
    if flt.period_from:
        out.append(f"({a}.end_date IS NULL OR {a}.end_date >= ?)")
        params.append(flt.period_from)
    if flt.period_to:
        out.append(f"({a}.start_date IS NULL OR {a}.start_date <= ?)")
        params.append(flt.period_to)
    return out


def participant_conditions(flt: ProjectFilter, alias: str, params: list) -> list[str]:
    """WHERE conditions on the participants table for the place and organisation filters."""
    a = alias
    out = []
    if flt.countries:
        out.append(_in(f"{a}.nuts0", flt.countries, params))
    if flt.region:
        out.append(f"{a}.nuts{region_level(flt.region)} = ?")
        params.append(flt.region)
    if flt.org_types:
        out.append(_in(f"{a}.org_type", flt.org_types, params))
    return out


def has_participant_filter(flt: ProjectFilter) -> bool:
    return bool(flt.countries or flt.region or flt.org_types)


def projects_query(flt: ProjectFilter, page: Page) -> tuple[str, str, list, list]:
    """(count SQL, page SQL, count params, page params) for the project list."""
    params: list = []
    where = project_conditions(flt, "p", params)
    if has_participant_filter(flt):
        sub = participant_conditions(flt, "pa", params)
        where.append(
            "EXISTS (SELECT 1 FROM participants pa WHERE pa.project_id = p.id AND "
            + " AND ".join(sub)
            + ")"
        )
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    if page.sort not in PROJECT_SORTS:
        raise ValueError(f"unknown sort {page.sort!r}; one of {', '.join(PROJECT_SORTS)}")
    order = f"p.{page.sort} {'DESC' if page.descending else 'ASC'} NULLS LAST, p.id"
    count_sql = f"SELECT count(*) FROM projects p {clause}"
    page_sql = (
        "SELECT p.id, p.source, p.native_id, p.programme, p.fund, p.title, p.acronym, p.status, "
        "p.start_date, p.end_date, p.total_cost_eur, p.eu_contribution_eur, p.currency, p.country, "
        f"p.dataset_id FROM projects p {clause} ORDER BY {order} LIMIT ? OFFSET ?"
    )
    return count_sql, page_sql, list(params), [*params, page.limit, page.offset]


def participants_query(flt: ProjectFilter) -> tuple[str, list]:
    """Every participation under the filters (as ``aggregate_query`` counts them), with its
    project's title, acronym, source and programme."""
    params: list = []
    where = [
        "TRUE",
        *project_conditions(flt, "p", params),
        *participant_conditions(flt, "pa", params),
    ]
    columns = ", ".join(f"pa.{name}" for name, _ in PARTICIPANT_COLUMNS if name != "dataset_id")
    sql = (
        f"SELECT {columns}, p.acronym AS project_acronym, p.title AS project_title, "
        "p.source AS project_source, p.programme AS project_programme "
        "FROM participants pa JOIN projects p ON p.id = pa.project_id "
        f"WHERE {' AND '.join(where)} ORDER BY pa.project_id, pa.seq"
    )
    return sql, params


def _grouped_query(
    key: str, alias: str, flt: ProjectFilter, first: str = "TRUE"
) -> tuple[str, list]:
    """Projects, participations and EU contribution per value of ``key``, under the filters."""
    params: list = []
    where = [
        first,
        *project_conditions(flt, "p", params),
        *participant_conditions(flt, "pa", params),
    ]
    sql = (
        f"SELECT {key} AS {alias}, count(DISTINCT pa.project_id) AS projects, "
        "count(*) AS participations, sum(pa.eu_contribution_eur) AS eu_contribution_eur "
        "FROM participants pa JOIN projects p ON p.id = pa.project_id "
        f"WHERE {' AND '.join(where)} GROUP BY 1 ORDER BY 1 NULLS LAST"
    )
    return sql, params


def aggregate_query(level: int, flt: ProjectFilter) -> tuple[str, list]:
    if level not in (0, 1, 2, 3):
        raise ValueError(f"NUTS level must be 0-3, not {level}")
    return _grouped_query(f"pa.nuts{level}", "code", flt, f"pa.nuts{level} IS NOT NULL")


#: what a breakdown can group participations by (column expression per key)
BREAKDOWNS = {
    "year": "CAST(extract(year FROM p.start_date) AS INTEGER)",
    "org_type": "coalesce(pa.org_type, 'unknown')",
    "source": "p.source",
    "programme": "coalesce(p.programme, 'unknown')",
    "method": "coalesce(pa.loc_method, 'none')",
}


def breakdown_query(by: str, flt: ProjectFilter) -> tuple[str, list]:
    """Projects, participations and EU contribution grouped by year, org type, source, ..."""
    if by not in BREAKDOWNS:
        raise ValueError(f"breakdown must be one of {', '.join(BREAKDOWNS)}, not {by!r}")
    return _grouped_query(BREAKDOWNS[by], "key", flt)


def search_queries(
    text: str, limit: int, dialect: Dialect = DUCKDB
) -> tuple[tuple[str, list], tuple[str, list]]:
    """(projects by title/acronym, organisations by name) containing ``text``, case-insensitive."""
    like = f"%{text.lower()}%"
    projects = (
        "SELECT id, acronym, title, source, start_date FROM projects "
        "WHERE lower(coalesce(title, '')) LIKE ? OR lower(coalesce(acronym, '')) LIKE ? "
        "ORDER BY (lower(coalesce(acronym, '')) = ?) DESC, length(coalesce(title, acronym)), id "
        "LIMIT ?",
        [like, like, text.lower(), limit],
    )
    organisations = (
        f"SELECT name, {dialect.any_value.format('nuts0')} AS country, "
        f"{dialect.mode.format('nuts3')} AS nuts3, "
        "count(DISTINCT project_id) AS projects FROM participants "
        "WHERE name IS NOT NULL AND lower(name) LIKE ? GROUP BY name "
        "ORDER BY projects DESC, name LIMIT ?",
        [like, limit],
    )
    return projects, organisations


def dataset_rows_query(table: str, columns: list[str]) -> str:
    """SQL giving every row of one dataset (parameter: its id) in ``table``, in a stable order."""
    order = {"projects": "id", "participants": "project_id, seq"}.get(
        table, "indicator, nuts_code, nuts_version, year"
    )
    return f"SELECT {', '.join(columns)} FROM {table} WHERE dataset_id = ? ORDER BY {order}"


# --- features of an OGC API collection (issue 12) ---------------------------------------------
# Each collection is a SELECT giving one row per feature with an ``id``, its properties, and
# ``lon``/``lat`` (a point where located) and ``region`` (the finest NUTS code, its geometry
# otherwise). Filters arrive as the expression tree of ``model.expressions``.
_LOCATED = "coalesce(pa.nuts3, pa.nuts2, pa.nuts1, pa.nuts0)"
_PROJECT_COLUMNS = (
    "p.id, p.source, p.programme, p.fund, p.title, p.acronym, p.status, p.start_date, "
    "p.end_date, p.total_cost_eur, p.eu_contribution_eur, p.public_funding_eur, p.country"
)
# a project is located where its first located participant (the coordinator) is
_FIRST_LOCATED = (
    f"SELECT pa.project_id, {_LOCATED} AS region, pa.lon, pa.lat FROM participants pa JOIN ("
    "SELECT project_id, min(seq) AS seq FROM participants "
    "WHERE nuts0 IS NOT NULL OR lat IS NOT NULL GROUP BY project_id"
    ") m ON m.project_id = pa.project_id AND m.seq = pa.seq"
)
# operations: projects of the lists of operations (datasets read through a profile)
_OPERATIONS = " WHERE p.dataset_id IN (SELECT id FROM datasets WHERE profile IS NOT NULL)"
#: collection -> (the rows with their location, the rows without it or None when the same)
FEATURE_SOURCES: dict[str, tuple[str, str | None]] = {
    "projects": (
        f"SELECT {_PROJECT_COLUMNS}, c.region, c.lon, c.lat FROM projects p "
        f"LEFT JOIN ({_FIRST_LOCATED}) c ON c.project_id = p.id",
        f"SELECT {_PROJECT_COLUMNS} FROM projects p",
    ),
    "operations": (
        f"SELECT {_PROJECT_COLUMNS}, c.region, c.lon, c.lat FROM projects p "
        f"LEFT JOIN ({_FIRST_LOCATED}) c ON c.project_id = p.id{_OPERATIONS}",
        f"SELECT {_PROJECT_COLUMNS} FROM projects p{_OPERATIONS}",
    ),
    "participants": (
        "SELECT pa.project_id || '.' || CAST(pa.seq AS VARCHAR) AS id, pa.project_id, pa.seq, "
        "pa.name, pa.org_id, pa.org_type, pa.role, pa.sme, pa.eu_contribution_eur, pa.city, "
        "pa.nuts0 AS country, pa.nuts3, pa.loc_method, pa.loc_confidence, "
        f"{_LOCATED} AS region, pa.lon, pa.lat FROM participants pa",
        None,
    ),
}
LOCATION_COLUMNS = {"region", "lon", "lat"}
_OPEN_LOW, _OPEN_HIGH = "DATE '0001-01-01'", "DATE '9999-12-31'"
_SPATIAL_SQL = {
    "s_intersects": "ST_Intersects",
    "s_equals": "ST_Equals",
    "s_disjoint": "ST_Disjoint",
    "s_touches": "ST_Touches",
    "s_within": "ST_Within",
    "s_overlaps": "ST_Overlaps",
    "s_crosses": "ST_Crosses",
    "s_contains": "ST_Contains",
}
#: the 13 interval relations (and their unions) on (low, high) pairs
_TEMPORAL_SQL = {
    "t_after": "{al} > {bh}",
    "t_before": "{ah} < {bl}",
    "t_contains": "{al} < {bl} AND {ah} > {bh}",
    "t_disjoint": "NOT ({al} <= {bh} AND {ah} >= {bl})",
    "t_during": "{al} > {bl} AND {ah} < {bh}",
    "t_equals": "{al} = {bl} AND {ah} = {bh}",
    "t_finishedby": "{ah} = {bh} AND {al} < {bl}",
    "t_finishes": "{ah} = {bh} AND {al} > {bl}",
    "t_intersects": "{al} <= {bh} AND {ah} >= {bl}",
    "t_meets": "{ah} = {bl}",
    "t_metby": "{al} = {bh}",
    "t_overlappedby": "{bl} < {al} AND {bh} > {al} AND {bh} < {ah}",
    "t_overlaps": "{al} < {bl} AND {ah} > {bl} AND {ah} < {bh}",
    "t_startedby": "{al} = {bl} AND {ah} > {bh}",
    "t_starts": "{al} = {bl} AND {ah} < {bh}",
}


class FeatureFilterError(BadInput):
    """A filter naming a property the collection does not have (the API checks first)."""

    def __init__(self, message: str):
        super().__init__(message, parameter="filter")


def _operand_sql(value, columns: set[str], params: list) -> str:
    if isinstance(value, Prop):
        if value.name not in columns:
            raise FeatureFilterError(f"no property {value.name!r}")
        return f"f.{value.name}"
    if isinstance(value, Call) and value.op == "casei":
        return f"lower({_operand_sql(value.args[0], columns, params)})"
    params.append(value)
    return "?"


def _ends(value, columns: set[str]) -> tuple[tuple[str, list], tuple[str, list]]:
    """((low SQL, params), (high SQL, params)) of a temporal operand; an open or NULL end is
    the far past/future."""
    if isinstance(value, Interval):
        start, end = value.start, value.end
    else:
        start = end = value
    out = []
    for bound, far in ((start, _OPEN_LOW), (end, _OPEN_HIGH)):
        params: list = []
        sql = _operand_sql(bound, columns, params) if bound is not None else "NULL"
        out.append((f"coalesce({sql}, {far})", params))
    return out[0], out[1]


def _temporal_sql(expr: Call, columns: set[str], params: list) -> str:
    """A temporal relation; each end is written (and its values bound) where it is used."""
    (al, ah), (bl, bh) = _ends(expr.args[0], columns), _ends(expr.args[1], columns)
    ends = {"al": al, "ah": ah, "bl": bl, "bh": bh}
    parts = re.split(r"\{(al|ah|bl|bh)\}", _TEMPORAL_SQL[expr.op])
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            sql, values = ends[part]
            out.append(sql)
            params.extend(values)
        else:
            out.append(part)
    return "(" + "".join(out) + ")"


def _spatial_sql(expr: Call, params: list) -> str:
    geometry = expr.args[1]
    assert isinstance(geometry, Geometry)  # the API puts the feature's geometry first
    params.append(geometry.wkt)
    point = f"{_SPATIAL_SQL[expr.op]}(ST_Point(f.lon, f.lat), ST_GeomFromText(?))"
    in_regions = "FALSE"
    if geometry.regions:
        params.extend(geometry.regions)
        in_regions = f"f.region IN ({', '.join('?' for _ in geometry.regions)})"
    return (
        f"(CASE WHEN f.lat IS NOT NULL THEN {point} "
        f"WHEN f.region IS NOT NULL THEN {in_regions} ELSE FALSE END)"
    )


def expression_sql(expr, columns: set[str], params: list) -> str:
    """SQL of a filter tree over the feature columns ``f.<name>``, values bound as ``?``.

    Example
    -------
    >>> params = []
    >>> expression_sql(Call("=", (Prop("country"), "FI")), {"country"}, params), params
    ('(f.country = ?)', ['FI'])
    """
    if isinstance(expr, bool):
        return "TRUE" if expr else "FALSE"
    if not isinstance(expr, Call):
        raise FeatureFilterError(f"not a condition: {expr!r}")
    op, args = expr.op, expr.args
    if op in ("and", "or"):
        return "(" + f" {op.upper()} ".join(expression_sql(a, columns, params) for a in args) + ")"
    if op == "not":
        return f"(NOT {expression_sql(args[0], columns, params)})"
    if op in _SPATIAL_SQL:
        return _spatial_sql(expr, params)
    if op in _TEMPORAL_SQL:
        return _temporal_sql(expr, columns, params)
    if op == "isnull":
        return f"({_operand_sql(args[0], columns, params)} IS NULL)"
    left = _operand_sql(args[0], columns, params)
    if op in ("=", "<>", "<", "<=", ">", ">="):
        return f"({left} {op} {_operand_sql(args[1], columns, params)})"
    if op == "like":
        return f"({left} LIKE {_operand_sql(args[1], columns, params)})"
    if op == "between":
        low = _operand_sql(args[1], columns, params)
        return f"({left} BETWEEN {low} AND {_operand_sql(args[2], columns, params)})"
    if op == "in":
        items = ", ".join(_operand_sql(v, columns, params) for v in args[1])
        return f"({left} IN ({items}))"
    raise FeatureFilterError(f"unsupported operator {op!r}")


def feature_columns_query(collection: str) -> str:
    """SQL giving no rows but the columns of a collection (to learn their names)."""
    return f"SELECT * FROM ({FEATURE_SOURCES[collection][0]}) f LIMIT 0"


def features_query(
    collection: str,
    columns: set[str],
    where,
    sortby: Sequence[tuple[str, bool]],
    limit: int,
    offset: int,
) -> tuple[str, str, list, list, bool]:
    """(count SQL, page SQL, count params, page params, located) of a collection's features.

    When neither the filter nor the order needs a location, the rows are counted and paged
    without it (``located`` False) and :func:`locations_query` locates only the page: joining
    every project to its first located participant just to count them costs 10x more.
    """
    if collection not in FEATURE_SOURCES:
        raise FeatureFilterError(f"no feature collection {collection!r}")
    params: list = []
    clause = "" if where is None else "WHERE " + expression_sql(where, columns, params)
    order = []
    for name, descending in sortby:
        if name not in columns:
            raise FeatureFilterError(f"no property {name!r}")
        order.append(f"f.{name} {'DESC' if descending else 'ASC'} NULLS LAST")
    order.append("f.id")
    located_source, plain_source = FEATURE_SOURCES[collection]
    needs_location = (
        "f.region" in clause
        or "f.lat" in clause
        or any(name in LOCATION_COLUMNS for name, _ in sortby)
    )
    located = plain_source is None or needs_location
    source = f"({located_source if located else plain_source}) f"
    count_sql = f"SELECT count(*) FROM {source} {clause}"
    page_sql = f"SELECT * FROM {source} {clause} ORDER BY {', '.join(order)} LIMIT ? OFFSET ?"
    return count_sql, page_sql, list(params), [*params, limit, offset], located


def locations_query(ids: Sequence[str]) -> tuple[str, list]:
    """The location (region, lon, lat) of the given projects (their first located participant)."""
    marks = ", ".join("?" for _ in ids)
    sql = _FIRST_LOCATED.replace(
        "WHERE nuts0 IS NOT NULL", f"WHERE project_id IN ({marks}) AND (nuts0 IS NOT NULL"
    ).replace("GROUP BY project_id", ") GROUP BY project_id")
    return sql, list(ids)


def add_locations(rows: list[dict], located: list[dict]) -> list[dict]:
    """The page's rows with ``region``, ``lon`` and ``lat`` from :func:`locations_query`."""
    by_id = {r["project_id"]: r for r in located}
    for row in rows:
        place = by_id.get(row["id"], {})
        row.update(region=place.get("region"), lon=place.get("lon"), lat=place.get("lat"))
    return rows
