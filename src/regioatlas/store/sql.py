"""Generic SQL shared by the SQL stores: schema, filters, queries. Dialects override little.

Placeholders are written as ``?``; a dialect with another style rewrites them (``%s``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from regioatlas.model.query import PROJECT_SORTS, Page, ProjectFilter
from regioatlas.store import outputs, summary

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

#: how fresh a dataset is (issue 10, part 3): its publication date or version as published,
#: when its files were fetched (None for files given by hand), the years its rows cover
DATASET_COLUMNS_ADDED = [
    ("published", "VARCHAR"),
    ("fetched_at", "TIMESTAMP"),
    ("first_year", "INTEGER"),
    ("last_year", "INTEGER"),
]
_DATASET_COLUMNS_V1 = list(DATASET_COLUMNS)
DATASET_COLUMNS = _DATASET_COLUMNS_V1 + DATASET_COLUMNS_ADDED


def _create(table: str, columns, extra: str = "") -> str:
    cols = ",\n  ".join(f"{n} {t}" for n, t in columns)
    return f"CREATE TABLE {table} (\n  {cols}{extra}\n)"


STATION_COLUMNS = [
    ("dataset_id", "VARCHAR NOT NULL"),
    ("id", "VARCHAR NOT NULL"),
    ("name", "VARCHAR"),
    ("nuts_code", "VARCHAR"),
    ("nuts_version", "INTEGER"),
    ("lon", "DOUBLE PRECISION"),  # the standard spelling: PostgreSQL has no DOUBLE
    ("lat", "DOUBLE PRECISION"),
    ("method", "VARCHAR"),
]
STATION_VALUE_COLUMNS = [
    ("dataset_id", "VARCHAR NOT NULL"),
    ("station", "VARCHAR NOT NULL"),
    ("pollutant", "VARCHAR NOT NULL"),
    ("begin_time", "VARCHAR NOT NULL"),  # ISO 8601 with the publisher's UTC offset, kept as text
    ("value", "DOUBLE PRECISION"),
    ("validity", "INTEGER NOT NULL"),
]


#: API tokens: the SHA-256 of the token, never the token; a name is never reused, so the audit
#: log's actors stay unambiguous after a revocation
TOKEN_COLUMNS = [
    ("name", "VARCHAR PRIMARY KEY"),
    ("role", "VARCHAR NOT NULL"),
    ("token_sha256", "VARCHAR NOT NULL"),
    ("created_at", "TIMESTAMP NOT NULL"),
    ("revoked_at", "TIMESTAMP"),
]
JOB_COLUMNS = [
    ("id", "VARCHAR PRIMARY KEY"),
    ("kind", "VARCHAR NOT NULL"),
    ("target", "VARCHAR NOT NULL"),
    ("status", "VARCHAR NOT NULL"),
    ("stage", "VARCHAR"),
    ("done", "BIGINT"),
    ("total", "BIGINT"),
    ("message", "VARCHAR"),
    ("result", "VARCHAR"),  # JSON text
    ("created_by", "VARCHAR NOT NULL"),
    ("created_at", "TIMESTAMP NOT NULL"),
    ("started_at", "TIMESTAMP"),
    ("finished_at", "TIMESTAMP"),
]
#: one row per target (dataset id) being written: a second writer finds it and gets a conflict
LOCK_COLUMNS = [
    ("target", "VARCHAR PRIMARY KEY"),
    ("job_id", "VARCHAR NOT NULL"),
    ("since", "TIMESTAMP NOT NULL"),
]
AUDIT_COLUMNS = [
    ("id", "VARCHAR PRIMARY KEY"),
    ("happened_at", "TIMESTAMP NOT NULL"),
    ("actor", "VARCHAR NOT NULL"),
    ("action", "VARCHAR NOT NULL"),
    ("target", "VARCHAR"),
    ("details", "VARCHAR"),  # JSON text
    ("result", "VARCHAR NOT NULL"),
]
#: one version of a good practice, action plan or transfer (``document`` JSON text)
PRACTICE_VERSION_COLUMNS = [
    ("kind", "VARCHAR NOT NULL"),
    ("id", "VARCHAR NOT NULL"),
    ("version", "INTEGER NOT NULL"),
    ("status", "VARCHAR NOT NULL"),
    ("owner", "VARCHAR NOT NULL"),
    ("saved_by", "VARCHAR NOT NULL"),
    ("saved_at", "TIMESTAMP NOT NULL"),
    ("comment", "VARCHAR"),
    ("document", "VARCHAR NOT NULL"),
]
#: what changes whenever a version is appended (the cache key of the practice indexes)
PRACTICE_DATA_VERSION = "SELECT count(*), max(saved_at) FROM practice_versions"


def practice_versions_query(kind: str, item_id: str | None, latest: bool) -> tuple[str, list]:
    """(SQL, parameters) of ``Store.practice_versions``."""
    names = ", ".join(n for n, _ in PRACTICE_VERSION_COLUMNS)
    if latest:
        query = (
            f"SELECT {names} FROM practice_versions v WHERE kind = ? AND version = "
            "(SELECT max(w.version) FROM practice_versions w WHERE w.kind = v.kind AND w.id = v.id)"
        )
        params: list = [kind]
    else:
        query, params = f"SELECT {names} FROM practice_versions WHERE kind = ?", [kind]
    if item_id is not None:
        query += " AND id = ?"
        params.append(item_id)
    return query + " ORDER BY id, version", params


def practice_version_taken(rows) -> str:
    """The message of a version appended twice."""
    keys = ", ".join(f"{r['kind']} {r['id']} v{r['version']}" for r in rows[:3])
    return f"a version was saved meanwhile ({keys}); reload the item and save again"


#: the tables of rows written in server mode that a copy or a backup carries (write locks are
#: transient: not copied)
SERVER_TABLES = {
    "tokens": TOKEN_COLUMNS,
    "jobs": JOB_COLUMNS,
    "audit": AUDIT_COLUMNS,
    "practice_versions": PRACTICE_VERSION_COLUMNS,
}


def server_rows_queries(table: str) -> tuple[str, str]:
    """(select every row by key, insert one row unless its key exists) of a server table."""
    columns = SERVER_TABLES[table]
    names = ", ".join(n for n, _ in columns)
    insert = insert_query(table, columns) + " ON CONFLICT DO NOTHING"
    return f"SELECT {names} FROM {table} ORDER BY {columns[0][0]}", insert


#: the job fields a writer may change, and the statuses that end a job (and free its lock)
JOB_UPDATABLE = (
    "status",
    "stage",
    "done",
    "total",
    "message",
    "result",
    "started_at",
    "finished_at",
)
JOB_FINAL = ("succeeded", "failed")


def insert_query(table: str, columns: list[tuple[str, str]]) -> str:
    """``INSERT INTO table (columns) VALUES (?, ...)`` for a list of column declarations."""
    names = [n for n, _ in columns]
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"


#: a write lock is taken only if nobody holds it (then the select finds the holder's job)
TAKE_LOCK = (
    "INSERT INTO write_locks (target, job_id, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
)
LOCK_HOLDER = "SELECT job_id FROM write_locks WHERE target = ?"
#: locks older than a cutoff belong to a process that died: their jobs failed, the locks go
ABANDON_JOBS = (
    "UPDATE jobs SET status = 'failed', finished_at = ?, "
    "message = 'abandoned: its server process stopped before the job ended' "
    "WHERE id IN (SELECT job_id FROM write_locks WHERE since < ?)"
)
DROP_STALE_LOCKS = "DELETE FROM write_locks WHERE since < ?"


def token_name_taken(name: str) -> str:
    """The message of a token name used before."""
    return (
        f"a token named {name!r} exists or existed; token names are never reused "
        "(the audit log names tokens), choose another name"
    )


def to_db(value):
    """A server-mode value as stored: dicts as JSON text, times as naive UTC."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


#: the columns kept as JSON text, per table
JSON_COLUMNS = {
    "jobs": ("result",),
    "audit": ("details",),
    "tokens": (),
    "practice_versions": ("document",),
}


def from_db(row: dict, table: str) -> dict:
    """A stored server-mode row back: JSON text as dicts, times as UTC datetimes."""
    out = {}
    for key, value in row.items():
        if key in JSON_COLUMNS[table] and isinstance(value, str):
            value = json.loads(value)
        elif isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        out[key] = value
    return out


def job_update_query(fields: list[str]) -> str:
    """``UPDATE jobs SET field = ?, ... WHERE id = ?`` for fields of :data:`JOB_UPDATABLE`."""
    unknown = [f for f in fields if f not in JOB_UPDATABLE]
    if unknown or not fields:
        raise ValueError(f"job fields must be some of {', '.join(JOB_UPDATABLE)}, not {unknown}")
    return f"UPDATE jobs SET {', '.join(f'{f} = ?' for f in fields)} WHERE id = ?"


#: migrations[i] brings a store from schema version i to i + 1
MIGRATIONS: list[list[str]] = [
    [
        _create("datasets", _DATASET_COLUMNS_V1),
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
    # 5: server mode (issue 14, parts 4-6): API tokens (hashed), write jobs with their locks,
    # and the append-only audit log. Jobs and locks live here, not in a server process, so any
    # of N API workers answers for a job another one runs.
    [
        _create("tokens", TOKEN_COLUMNS),
        _create("jobs", JOB_COLUMNS),
        _create("write_locks", LOCK_COLUMNS),
        _create("audit", AUDIT_COLUMNS),
        "CREATE INDEX audit_happened_at ON audit (happened_at)",
    ],
    # 6: per-region summary rows (issue 14, speed): the aggregates of 1.5 million participations
    # answered from pre-computed rows, rebuilt per dataset in every write (store/summary.py)
    summary.MIGRATION,
    # 7: the good-practice exchange (issue 13): practices, action plans and transfers, every
    # version kept (a write appends one; nothing updates or deletes a version)
    [
        _create(
            "practice_versions", PRACTICE_VERSION_COLUMNS, ",\n  PRIMARY KEY (kind, id, version)"
        )
    ],
    # 8: freshness of each dataset (issue 10, part 3): publication, fetch date, period
    [f"ALTER TABLE datasets ADD COLUMN {n} {t}" for n, t in DATASET_COLUMNS_ADDED],
    # 9: a counter bumped by every dataset write (issue 12, speed): ``Store.data_version()``
    # reads it instead of hashing every dataset row (110 ms of a 126 ms NGSI-LD query over
    # 1,011 datasets). PostgreSQL has had the table since its own step 2, hence IF NOT EXISTS.
    [
        "CREATE TABLE IF NOT EXISTS store_writes (n BIGINT NOT NULL)",
        "INSERT INTO store_writes SELECT CAST(floor(random() * 1e12) AS BIGINT) "
        "WHERE NOT EXISTS (SELECT 1 FROM store_writes)",
    ],
    # 10: what projects produced (issue 10, part 7): CORDIS deliverables and periodic reports,
    # rows of the dataset that published them (store/outputs.py)
    outputs.MIGRATION,
]

#: counts a dataset write in the store's write counter (migration 9), in the write's
#: transaction. It starts and grows by random amounts, so that two histories of one file (a
#: store file replaced by another, or by an older copy that is then written) do not show
#: the same count for different data to a server that cached answers under it
COUNT_WRITE = "UPDATE store_writes SET n = n + 1 + CAST(floor(random() * 1e6) AS BIGINT)"

#: every table whose rows belong to a dataset, children first (the order rows are deleted in)
DATASET_TABLES = (
    "participants",
    "projects",
    "region_figures",
    "stations",
    "station_values",
    "outputs",
)

#: the columns that identify a row, checked before a dataset is written
KEYS = {"projects": ("id",), "participants": ("project_id", "seq")}


#: (dataset id, RegionFigure fields) of every figure of one source's datasets
SOURCE_FIGURES = (
    "SELECT f.dataset_id, f.indicator, f.nuts_code, f.nuts_version, f.value, f.unit, f.year, "
    "f.flag, f.source_line FROM region_figures f JOIN datasets d ON d.id = f.dataset_id "
    "WHERE d.source = ? ORDER BY f.dataset_id, f.source_line"
)


def small_dataset_clash_query(dataset_id: str, source: str, files: list[str]) -> tuple[str, list]:
    """The names a new small dataset clashes with: its own id when a dataset has it, and each
    of its files already listed by another dataset of the same source.

    A file is matched as its JSON string inside the stored JSON list (``datasets.files``), so
    the same text search runs on DuckDB and PostgreSQL; the caller reads the names back with
    ``json.loads``. The scan is of the source's dataset rows only, not of their figures.

    Example
    -------
    >>> query, params = small_dataset_clash_query("ngsi-ld:x", "ngsi-ld", ["urn:a"])
    >>> params
    ['"ngsi-ld:x"', 'ngsi-ld:x', '"urn:a"', 'ngsi-ld']
    """
    needles = [json.dumps(f) for f in files]
    values = ", ".join("(CAST(? AS VARCHAR))" for _ in needles)
    query = (
        "SELECT CAST(? AS VARCHAR) AS name FROM datasets WHERE id = ? UNION ALL "
        f"SELECT n.name FROM (VALUES {values}) AS n(name) "
        "WHERE EXISTS (SELECT 1 FROM datasets d WHERE d.source = ? "
        "AND strpos(d.files, n.name) > 0)"
    )
    return query, [json.dumps(dataset_id), dataset_id, *needles, source]


def duplicate_keys_query(table: str) -> str:
    """SQL giving up to 3 keys that occur more than once among one dataset's rows of ``table``
    (parameter: the dataset id), checked after a write streamed them in."""
    cols = ", ".join(KEYS[table])
    return (
        f"SELECT {cols}, count(*) AS n FROM {table} WHERE dataset_id = ? "
        f"GROUP BY {cols} HAVING count(*) > 1 ORDER BY {cols} LIMIT 3"
    )


#: up to 3 projects of a dataset (parameters: its id twice) whose id another dataset holds
CLASHING_PROJECTS = (
    "SELECT n.id, p.dataset_id FROM projects n JOIN projects p ON p.id = n.id "
    "WHERE n.dataset_id = ? AND p.dataset_id <> ? ORDER BY n.id LIMIT 3"
)


#: appended to every LIKE whose pattern comes from user text (see ``contains_pattern``)
LIKE_ESCAPE = "ESCAPE '\\'"


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, lower-cased, its wildcards taken literally.

    Without this, ``q=%`` would match every project and ``_`` any character.

    Example
    -------
    >>> print(contains_pattern("50%_Off"))
    %50\\%\\_off%
    """
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


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
        like = contains_pattern(flt.text)
        e = LIKE_ESCAPE
        out.append(
            f"(lower(coalesce({a}.title,'')) LIKE ? {e} OR lower(coalesce({a}.acronym,'')) LIKE ? {e} "
            f"OR lower(coalesce({a}.objective,'')) LIKE ? {e} "
            f"OR lower(coalesce({a}.topics,'')) LIKE ? {e})"
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
    """Projects, participations, EU contribution and public funding per value of ``key``.

    Money is summed as DECIMAL cents (exact in both stores: no float noise such as
    ``1234.5600000001``), then given as a double. Public funding (EU + national, schema 4)
    belongs to a project: each project counts it once per value of ``key`` it has a
    participation under, as ``projects`` counts the project.
    """
    params: list = []
    where = [
        first,
        *project_conditions(flt, "p", params),
        *participant_conditions(flt, "pa", params),
    ]
    sql = (
        f"SELECT k AS {alias}, count(*) AS projects, "
        "CAST(sum(n) AS BIGINT) AS participations, "
        f"CAST(sum(eu) AS {MONEY_RESULT}) AS eu_contribution_eur, "
        f"CAST(sum(public) AS {MONEY_RESULT}) AS public_funding_eur FROM ("
        f"SELECT {key} AS k, pa.project_id, count(*) AS n, "
        f"sum(CAST(pa.eu_contribution_eur AS {MONEY})) AS eu, "
        f"max(CAST(p.public_funding_eur AS {MONEY})) AS public "
        "FROM participants pa JOIN projects p ON p.id = pa.project_id "
        f"WHERE {' AND '.join(where)} GROUP BY 1, 2) per_project "
        "GROUP BY 1 ORDER BY 1 NULLS LAST"
    )
    return sql, params


#: money summed exactly: amounts are stored rounded to cents (``sources.money.cents``)
MONEY = "DECIMAL(18, 2)"
#: the type a money sum is given back in (JSON and DataFrames take doubles)
MONEY_RESULT = "DOUBLE PRECISION"


def aggregate_query(level: int, flt: ProjectFilter) -> tuple[str, list]:
    """Projects, participations and EU contribution per region of ``level`` under ``flt``:
    from the summary rows when they answer the filter exactly, else from the participations."""
    if level not in (0, 1, 2, 3):
        raise ValueError(f"NUTS level must be 0-3, not {level}")
    return summary.summary_query(level, flt) or raw_aggregate_query(level, flt)


def raw_aggregate_query(level: int, flt: ProjectFilter) -> tuple[str, list]:
    """The aggregate computed from the participations themselves (any filter)."""
    if level not in (0, 1, 2, 3):
        raise ValueError(f"NUTS level must be 0-3, not {level}")
    return _grouped_query(f"pa.nuts{level}", "code", flt, f"pa.nuts{level} IS NOT NULL")


#: what a breakdown can group participations by (column expression per key)
BREAKDOWNS = {
    "year": "CAST(extract(year FROM p.start_date) AS INTEGER)",
    "org_type": "coalesce(pa.org_type, 'unknown')",
    "source": "p.source",
    "programme": "coalesce(p.programme, 'unknown')",
    # a project's theme is its first topic: the priority axis (Finland), the intervention field
    # (Austria), the theme (Poland), the H2020 pillar or the Horizon Europe call; one theme per
    # project, so that the themes add up to the region's total
    "theme": "coalesce(nullif(split_part(p.topics, ' | ', 1), ''), 'unknown')",
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
    like, e = contains_pattern(text), LIKE_ESCAPE
    projects = (
        "SELECT id, acronym, title, source, start_date FROM projects "
        f"WHERE lower(coalesce(title, '')) LIKE ? {e} OR lower(coalesce(acronym, '')) LIKE ? {e} "
        "ORDER BY (lower(coalesce(acronym, '')) = ?) DESC, length(coalesce(title, acronym)), id "
        "LIMIT ?",
        [like, like, text.lower(), limit],
    )
    organisations = (
        f"SELECT name, {dialect.any_value.format('nuts0')} AS country, "
        f"{dialect.mode.format('nuts3')} AS nuts3, "
        "count(DISTINCT project_id) AS projects FROM participants "
        f"WHERE name IS NOT NULL AND lower(name) LIKE ? {e} GROUP BY name "
        "ORDER BY projects DESC, name LIMIT ?",
        [like, limit],
    )
    return projects, organisations


def dataset_rows_query(table: str, columns: list[str]) -> str:
    """SQL giving every row of one dataset (parameter: its id) in ``table``, in a stable order."""
    order = {
        "projects": "id",
        "participants": "project_id, seq",
        "stations": "id",
        "station_values": "station, pollutant, begin_time",
        "outputs": "project_number, kind, id",
    }.get(table, "indicator, nuts_code, nuts_version, year")
    return f"SELECT {', '.join(columns)} FROM {table} WHERE dataset_id = ? ORDER BY {order}"
