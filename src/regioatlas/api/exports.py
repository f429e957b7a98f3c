"""Downloads of the atlas tables in every open format: CSV, GeoJSON, GeoPackage, Parquet, XLSX.

Three tables — ``projects``, ``participants`` (each participation with where it was located)
and ``regions`` (the aggregates of a NUTS level) — under the atlas filters, in five formats.
Where a table has geometry (the regions' polygons; the participants' points where the source
gave coordinates) the geographic formats carry it: GeoJSON, GeoPackage and GeoParquet, all in
EPSG:4326. Text a spreadsheet would run as a formula is neutralised in CSV and XLSX
(``api.downloads``). Framework-neutral: the handler returns bytes, a media type and a
file name; the web layer only sends them.
"""

from __future__ import annotations

import io
import json
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from regioatlas.api.atlas import Atlas, jsonable, parse_zoom
from regioatlas.api.downloads import SafeWriter, csv_safe
from regioatlas.api.params import parse_filter, parse_level, parse_page
from regioatlas.model.errors import BadInput, NotFound, Unavailable
from regioatlas.model.regions import ATLAS_VERSION
from regioatlas.store import sql

#: the tables a download can hold
TABLES = ("projects", "participants", "regions")
#: format → (media type, what it is called in the catalogue)
FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "CSV (UTF-8)"),
    "geojson": ("application/geo+json", "GeoJSON"),
    "gpkg": ("application/geopackage+sqlite3", "GeoPackage"),
    "parquet": ("application/vnd.apache.parquet", "Parquet (GeoParquet with geometry)"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel workbook (XLSX)",
    ),
}
#: rows one download may hold; a spreadsheet is slow to write and to open, so it holds fewer
MAX_ROWS = 200_000
MAX_XLSX_ROWS = 100_000
#: a cell starting with one of these is a formula to Excel and LibreOffice (OWASP CSV injection)
BOUNDARIES = "© EuroGeographics for the administrative boundaries"
PROJECT_COLUMNS = ["id", "source", "native_id", "programme", "fund", "title", "acronym", "status",
                   "start_date", "end_date", "total_cost_eur", "eu_contribution_eur", "currency",
                   "country", "dataset_id"]  # fmt: skip
PARTICIPANT_COLUMNS = [n for n, _ in sql.PARTICIPANT_COLUMNS if n != "dataset_id"] + [
    "project_acronym", "project_title", "project_source", "project_programme"]  # fmt: skip
REGION_COLUMNS = ["code", "name", "projects", "participations", "eu_contribution_eur",
                  "population", "population_year", "eu_contribution_per_inhabitant"]  # fmt: skip


@dataclass(frozen=True)
class Download:
    """One download: its bytes, media type and file name."""

    body: bytes
    media_type: str
    filename: str


@dataclass
class Table:
    """Rows of one table with their columns, geometries (GeoJSON or None per row) and the
    attributions of the data in them."""

    name: str
    columns: list[str]
    rows: list[dict]
    geometries: list[dict | None] | None
    attribution: list[str]
    extra: dict[str, Any]


def export(atlas: Atlas, table: str, fmt: str, params: dict) -> Download:
    """One table under the atlas filters, in one format.

    Parameters
    ----------
    atlas : Atlas
        The handlers over a store.
    table : str
        ``projects``, ``participants`` or ``regions`` (the aggregates of ``level``).
    fmt : str
        ``csv``, ``geojson``, ``gpkg``, ``parquet`` or ``xlsx``.
    params : dict
        The raw query: the atlas filters; ``sort`` for projects; ``level`` and ``zoom`` for
        regions (without ``zoom`` the full published geometry).

    Raises
    ------
    NotFound
        An unknown table or format.
    BadInput
        A bad filter value, or more rows than a download holds (narrow the filters).

    Example
    -------
    >>> d = export(atlas, "regions", "csv", {"level": "0", "country": "FI"})  # doctest: +SKIP
    >>> d.filename, d.body.splitlines()[0][:20]  # doctest: +SKIP
    ('regioatlas-regions.csv', b'code,name,projects,p')
    """
    if table not in TABLES:
        raise NotFound(f"no table {table!r}; one of {', '.join(TABLES)}", parameter="table")
    if fmt not in FORMATS:
        raise NotFound(f"no format {fmt!r}; one of {', '.join(FORMATS)}", parameter="format")
    data = {"projects": projects_table, "participants": participants_table,
            "regions": regions_table}[table](atlas, params)  # fmt: skip
    limit = MAX_XLSX_ROWS if fmt == "xlsx" else MAX_ROWS
    if len(data.rows) > limit:
        raise BadInput(
            f"{len(data.rows):,} {table} rows match; a {fmt} download holds at most {limit:,}: "
            "narrow the filters (source, country, region, from, to)",
            parameter="format",
        )
    writer = {"csv": to_csv, "geojson": to_geojson, "gpkg": to_gpkg, "parquet": to_parquet,
              "xlsx": to_xlsx}[fmt]  # fmt: skip
    return Download(writer(data), FORMATS[fmt][0], f"regioatlas-{table}.{fmt}")


# --- the tables -----------------------------------------------------------------------------
def _attributions(atlas: Atlas, sources: set[str] | None = None) -> list[str]:
    return sorted(
        {d.attribution for d in atlas.store.datasets() if sources is None or d.source in sources}
    )


def projects_table(atlas: Atlas, params: dict) -> Table:
    """The projects under the filters, sorted by ``sort``; no geometry (they have none)."""
    flt = parse_filter(params, atlas.registry)
    page = parse_page({"sort": params.get("sort") or "id", "limit": "1", "offset": "0"})
    page.limit = MAX_ROWS + 1  # one more than allowed says the download would be too large
    _total, rows = atlas.store.query_projects(flt, page)
    sources = {r["source"] for r in rows}
    return Table("projects", PROJECT_COLUMNS, rows, None, _attributions(atlas, sources), {})


def participants_table(atlas: Atlas, params: dict) -> Table:
    """Every participation under the filters, with its location; a point where the source
    gave coordinates (longitude, latitude as published)."""
    flt = parse_filter(params, atlas.registry)
    rows = atlas.store.participants(flt)
    points = [
        {"type": "Point", "coordinates": [r["lon"], r["lat"]]}
        if r.get("lat") is not None and r.get("lon") is not None
        else None
        for r in rows
    ]
    sources = {r["project_source"] for r in rows}
    return Table(
        "participants", PARTICIPANT_COLUMNS, rows, points, _attributions(atlas, sources), {}
    )


def regions_table(atlas: Atlas, params: dict) -> Table:
    """The aggregates of a NUTS level under the filters, with the regions' polygons."""
    level = parse_level(params.get("level"))
    zoom = parse_zoom(params.get("zoom"))
    data = atlas.aggregates({**params, "level": str(level)})
    geoms = atlas.registry.geometries(ATLAS_VERSION, level, zoom)
    rows = data["items"]
    extra = {"nuts_version": ATLAS_VERSION, "level": level}
    if "resolved" in data:
        extra["resolved"] = data["resolved"]
    attribution = [BOUNDARIES, *_attributions(atlas)]
    return Table(
        "regions", REGION_COLUMNS, rows, [geoms.get(r["code"]) for r in rows], attribution, extra
    )


# --- the writers ----------------------------------------------------------------------------
def _cell(value: Any) -> Any:
    """A value as a flat file carries it: dates as ISO text, lists joined, NaN as empty."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float) and value != value:
        return None
    return value


def to_csv(table: Table) -> bytes:
    """UTF-8 CSV, one header line, formula-safe text (``api.downloads``)."""
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(row.get(c)) for c in table.columns])
    return out.getvalue().encode("utf-8")


def to_geojson(table: Table) -> bytes:
    """A FeatureCollection (RFC 7946, EPSG:4326); features without geometry have ``null``."""
    geoms = table.geometries or [None] * len(table.rows)
    features = []
    for row, geom in zip(table.rows, geoms):
        props = {c: _cell(row.get(c)) for c in table.columns}
        key = row.get("code") if table.name == "regions" else None
        features.append(
            {
                "type": "Feature",
                **({"id": key} if key else {}),
                "properties": props,
                "geometry": geom,
            }  # fmt: skip
        )
    body = {
        "type": "FeatureCollection",
        **jsonable(table.extra),
        "features": features,
        "attribution": table.attribution,
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _frame(table: Table):
    """The table as a DataFrame, or a GeoDataFrame (EPSG:4326) when it has geometry."""
    import pandas as pd

    df = pd.DataFrame.from_records(
        [{c: _cell(r.get(c)) if c not in ("start_date", "end_date") else r.get(c)
          for c in table.columns} for r in table.rows],
        columns=table.columns,
    )  # fmt: skip
    for column in ("start_date", "end_date"):
        if column in df:
            df[column] = pd.to_datetime(df[column]).dt.date
    if table.geometries is None:
        return df
    try:
        import geopandas
        import shapely
    except ImportError:
        raise Unavailable(
            "geographic downloads need GeoPandas: pip install regioatlas[geo]", parameter="format"
        ) from None
    shapes = [shapely.geometry.shape(g) if g else None for g in table.geometries]
    return geopandas.GeoDataFrame(df, geometry=shapes, crs="EPSG:4326")


def to_gpkg(table: Table) -> bytes:
    """An OGC GeoPackage with one layer named after the table (an attribute table when the
    table has no geometry)."""
    import pyogrio

    df = _frame(table)
    for column in ("start_date", "end_date"):
        if column in df:  # GDAL writes Python dates as text; give it a real date type
            df[column] = df[column].astype("datetime64[ms]")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{table.name}.gpkg"
        metadata = {"attribution": " | ".join(table.attribution)}
        # GeoPackage 1.3: what GDAL releases before 3.8 (Debian 12's 3.6) read without a warning
        pyogrio.write_dataframe(
            df, path, layer=table.name, driver="GPKG", layer_metadata=metadata,
            dataset_options={"VERSION": "1.3"},
        )  # fmt: skip
        return path.read_bytes()


def to_parquet(table: Table) -> bytes:
    """Apache Parquet; GeoParquet (geometry as WKB with ``geo`` metadata) when the table has
    geometry. The attribution is in the file's key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    df = _frame(table)
    if table.geometries is not None:  # GeoPandas writes the GeoParquet ``geo`` metadata
        written = io.BytesIO()
        df.to_parquet(written, index=False)
        arrow = pq.read_table(io.BytesIO(written.getvalue()))
    else:
        arrow = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(arrow.schema.metadata or {})
    meta[b"regioatlas:attribution"] = json.dumps(table.attribution, ensure_ascii=False).encode()
    buffer = io.BytesIO()
    pq.write_table(arrow.replace_schema_metadata(meta), buffer)
    return buffer.getvalue()


def to_xlsx(table: Table) -> bytes:
    """An XLSX workbook: the table on the first sheet (formula-safe text, a frozen header),
    the sources and their attribution on a second."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name)
    sheet.freeze_panes = "A2"
    sheet.append(table.columns)
    for row in table.rows:
        sheet.append([csv_safe(_cell(row.get(c))) for c in table.columns])
    about = book.create_sheet("sources")
    about.append(["attribution"])
    for line in table.attribution:
        about.append([csv_safe(line)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
