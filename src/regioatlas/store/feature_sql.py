"""Generic SQL of the features of an OGC API collection (``Store.features``), both stores.

Each collection is a SELECT giving one row per feature with an ``id``, its properties, and
``lon``/``lat`` (a point where located) and ``region`` (the finest NUTS code, its geometry
otherwise). Filters arrive as the expression tree of ``model.expressions`` and become SQL with
``?`` placeholders and bound values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from regioatlas.model.errors import BadInput
from regioatlas.model.expressions import Call, Geometry, Interval, Prop

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
        f"{_LOCATED} AS region, pa.lon, pa.lat, {{row_key}} AS _row FROM participants pa",
        None,
    ),
}
#: the order that keeps pages stable when nothing else decides: the feature id, or for the
#: 1.5-million-row participants the row's place in its table (sorting that many text ids
#: costs 10x the count; the ``row_key`` of a dialect: DuckDB's rowid, PostgreSQL's ctid)
TIEBREAK = {"participants": "f._row"}
ROW_KEYS = {"duckdb": "pa.rowid", "postgres": "pa.ctid"}
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
        listed = args[1]
        # Both CQL2 parsers (text grammar, JSON schema) and the item parameters build IN's list
        # as a tuple
        assert isinstance(listed, tuple), f"IN takes a list, got {listed!r}"
        items = ", ".join(_operand_sql(v, columns, params) for v in listed)
        return f"({left} IN ({items}))"
    raise FeatureFilterError(f"unsupported operator {op!r}")


def feature_columns_query(collection: str) -> str:
    """SQL giving no rows but the columns of a collection (to learn their names)."""
    source = FEATURE_SOURCES[collection][0].replace("{row_key}", "NULL")
    return f"SELECT * FROM ({source}) f LIMIT 0"


@dataclass(frozen=True)
class FeatureQueries:
    """What :func:`features_query` gives a store to run."""

    count_sql: str
    page_sql: str
    count_params: list
    page_params: list
    located: bool


def features_query(
    collection: str,
    columns: set[str],
    where,
    sortby: Sequence[tuple[str, bool]],
    limit: int,
    offset: int,
    row_key: str = ROW_KEYS["duckdb"],
) -> FeatureQueries:
    """The SQL counting and paging a collection's features.

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
    order.append(TIEBREAK.get(collection, "f.id"))
    located_source, plain_source = (
        None if source is None else source.replace("{row_key}", row_key)
        for source in FEATURE_SOURCES[collection]
    )
    needs_location = (
        "f.region" in clause
        or "f.lat" in clause
        or any(name in LOCATION_COLUMNS for name, _ in sortby)
    )
    located = plain_source is None or needs_location
    source = f"({located_source if located else plain_source}) f"
    count_sql = f"SELECT count(*) FROM {source} {clause}"
    ordered = f"ORDER BY {', '.join(order)}"
    page_sql = f"SELECT * FROM {source} {clause} {ordered} LIMIT ? OFFSET ?"
    if collection in TIEBREAK and row_key == ROW_KEYS["duckdb"]:
        # late materialisation: the page's row keys first, from the filter's and the order's
        # columns only, then those rows whole. DuckDB otherwise reads every column of every
        # matching row (37,510 of 1.65 million: 2.2 s under load, 0.5 s this way)
        keys = f"SELECT f._row FROM {source} {clause} {ordered} LIMIT ? OFFSET ?"
        page_sql = f"SELECT * FROM {source} WHERE f._row IN ({keys}) {ordered}"
    return FeatureQueries(count_sql, page_sql, list(params), [*params, limit, offset], located)


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
