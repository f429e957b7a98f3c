"""Handlers the web app needs beyond the core atlas API: search, region summary, downloads.

Framework-neutral like ``regioatlas.api.atlas``: plain values in, JSON-ready values out.
"""

from __future__ import annotations

import io
import json

from regioatlas.analytics.coverage import SourceInCountry, coverage
from regioatlas.api.atlas import Atlas, jsonable, parse_zoom, region_json
from regioatlas.api.downloads import SafeDictWriter
from regioatlas.api.params import parse_filter, parse_level, parse_page
from regioatlas.api.problems import bad_request
from regioatlas.geo.gazetteer import fold
from regioatlas.geo.towns import find_towns, major_places
from regioatlas.ingest import source_titles
from regioatlas.model.query import ProjectFilter
from regioatlas.model.regions import ATLAS_VERSION

BOUNDARIES = "© EuroGeographics for the administrative boundaries"
EXPORT_LIMIT = 100_000
CSV_COLUMNS = [
    "id",
    "source",
    "programme",
    "fund",
    "acronym",
    "title",
    "start_date",
    "end_date",
    "total_cost_eur",
    "eu_contribution_eur",
    "currency",
    "country",
]


def search(atlas: Atlas, q: str | None, limit: int | str | None = 8) -> dict:
    """Regions (Latin or national name, or code), towns, projects and organisations matching ``q``.

    A town is a municipality of that name (or starting with it) with the NUTS 2024 region it
    lies in, so "Lahti" finds Päijät-Häme.

    Example
    -------
    >>> search(atlas, "päijät")["regions"][0]["code"]  # doctest: +SKIP
    'FI1C6'
    """
    text = (q or "").strip()
    if len(text) < 2:
        raise bad_request("q must have at least 2 characters", "q")
    if len(text) > 200:
        raise bad_request("q is longer than 200 characters", "q")
    try:
        n = int(limit or 8)
    except ValueError:
        raise bad_request("limit must be a whole number", "limit") from None
    if not 1 <= n <= 50:
        raise bad_request("limit must be between 1 and 50", "limit")
    key = fold(text)
    regions = []
    for r in atlas.registry.regions(ATLAS_VERSION):
        names = (fold(r.name_latin), fold(r.name_national))
        if r.code.lower() == text.lower() or any(key in name for name in names):
            starts = r.code.lower() == text.lower() or any(name.startswith(key) for name in names)
            regions.append((not starts, r.level, r.name_latin, r))
    regions.sort(key=lambda t: t[:3])
    found = atlas.store.search(text, n)
    return {
        "q": text,
        "regions": [region_json(t[3]) for t in regions[:n]],
        "towns": _towns(atlas, text, min(n, 5)),
        "projects": [jsonable(p) for p in found["projects"]],
        "organisations": found["organisations"],
    }


def _towns(atlas: Atlas, text: str, n: int) -> list[dict]:
    out = []
    for town in find_towns(text, n):
        target = atlas.registry.recode(town.nuts3_2016, 2016, ATLAS_VERSION)
        if not target:
            continue
        region = atlas.registry.get(target[0][0], ATLAS_VERSION)
        out.append(
            {"name": town.name, "name_latin": town.name_latin, "country": town.country}
            | {"population": town.population, "region": region_json(region)}
        )
    return out


def places(min_population: int | str | None = 100_000) -> dict:
    """Large populated places with coordinates, largest first: the map's place names.

    Example
    -------
    >>> places(3_000_000)["items"][0]["name"]
    'Istanbul'
    """
    try:
        floor = int(min_population if min_population is not None else 100_000)
    except ValueError:
        raise bad_request("min_population must be a whole number", "min_population") from None
    if floor < 20_000:
        raise bad_request("min_population must be at least 20000", "min_population")
    return {
        "items": [
            {"name": p.name, "country": p.country, "lat": p.lat, "lon": p.lon}
            | {"population": p.population}
            for p in major_places(floor)
        ]
    }


def region_summary(atlas: Atlas, code: str, params: dict) -> dict:
    """Key figures of a region under the filters: totals, per inhabitant, by year and org type,
    neighbours with the same figures, and the sources behind them."""
    resolved = atlas.resolve(code, params.get("version"))
    flt = parse_filter({**params, "region": resolved.code, "version": None}, atlas.registry)
    region = atlas.registry.get(resolved.code, ATLAS_VERSION)
    level = region.level
    totals = {r["code"]: r for r in atlas.store.aggregate(level, flt)}.get(region.code)
    pop = atlas._population([region.code], ATLAS_VERSION).get(region.code)
    eu = totals["eu_contribution_eur"] if totals else None
    by_year = [r for r in atlas.store.breakdown("year", flt) if r["key"] is not None]
    by_type = atlas.store.breakdown("org_type", flt)
    by_source = atlas.store.breakdown("source", flt)
    by_theme = atlas.store.breakdown("theme", flt)
    neighbours = [n.code for n in atlas.registry.neighbours(region.code, ATLAS_VERSION)]
    nflt = parse_filter(
        {k: v for k, v in params.items() if k not in ("region", "version")}, atlas.registry
    )
    agg = {r["code"]: r for r in atlas.store.aggregate(level, nflt)}
    npop = atlas._population(neighbours, ATLAS_VERSION)
    datasets = {d.source: d for d in atlas.store.datasets()}
    return {
        "region": region_json(region),
        "resolved": {"code": resolved.as_dict()},
        "projects": totals["projects"] if totals else 0,
        "participations": totals["participations"] if totals else 0,
        "eu_contribution_eur": eu,
        "population": pop,
        "eu_contribution_per_inhabitant": (eu / pop["value"])
        if (eu and pop and pop["value"])
        else None,
        "by_year": by_year,
        "by_org_type": by_type,
        "by_source": by_source,
        "by_theme": by_theme,
        "neighbours": [
            {
                **region_json(atlas.registry.get(c, ATLAS_VERSION)),
                "projects": agg.get(c, {}).get("projects", 0),
                "eu_contribution_eur": agg.get(c, {}).get("eu_contribution_eur"),
                "population": (npop.get(c) or {}).get("value"),
            }
            for c in neighbours
        ],
        "figures": atlas._figures(region.code, ATLAS_VERSION),
        "sources": [
            {
                "source": s["key"],
                "licence": datasets[s["key"]].licence,
                "attribution": datasets[s["key"]].attribution,
            }
            for s in by_source
            if s["key"] in datasets
        ]
        + [{"source": "population", "licence": "CC BY 4.0", "attribution": "Source: Eurostat"}],
        "coverage": _coverage_of(atlas, region, by_source, datasets),
    }


def _coverage_of(atlas: Atlas, region, by_source: list[dict], datasets: dict) -> list[dict]:
    """Which sources and years a region's figures cover and how much of each source is located
    to the region's level in its country (``analytics.coverage``)."""
    titles = source_titles()
    country = region.code[:2]
    in_country = []
    for row in by_source:
        source = row["key"]
        flt = ProjectFilter(sources=[source], countries=[country])
        totals = atlas.store.breakdown("source", flt)
        located = atlas.store.aggregate(region.level, flt)
        years = [r["key"] for r in atlas.store.breakdown("year", flt) if r["key"] is not None]
        dataset = datasets.get(source)
        in_country.append(
            SourceInCountry(
                source=source,
                title=titles.get(source, source),
                participations=sum(r["participations"] for r in totals),
                located_at_level=sum(r["participations"] for r in located),
                first_year=min(years) if years else None,
                last_year=max(years) if years else None,
                ingested_at=dataset.ingested_at if dataset else None,
                published=dataset.published if dataset else None,
                fetched_at=dataset.fetched_at if dataset else None,
            )
        )
    in_region = {row["key"]: row["projects"] for row in by_source}
    return coverage(region.level, country, in_region, in_country)


def projects_csv(atlas: Atlas, params: dict) -> str:
    """The projects under the filters as UTF-8 CSV (up to EXPORT_LIMIT rows)."""
    flt = parse_filter(params, atlas.registry)
    page = parse_page({**params, "limit": "1", "offset": "0"})  # validates the sort
    page.limit = EXPORT_LIMIT
    _total, rows = atlas.store.query_projects(flt, page)
    out = io.StringIO()
    writer = SafeDictWriter(out, CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(jsonable(row))
    return out.getvalue()


def regions_geojson(atlas: Atlas, params: dict) -> str:
    """Regions of a level with their aggregates under the filters, as GeoJSON (simplified for
    the zoom given, full geometry otherwise), with attribution in the collection."""
    level = parse_level(params.get("level"))
    data = atlas.aggregates({**params, "level": str(level)})
    geoms = atlas.registry.geometries(ATLAS_VERSION, level, parse_zoom(params.get("zoom")))
    # the region filter already keeps only the region's own aggregates (and its ancestors')
    feats = [
        {"type": "Feature", "id": item["code"], "properties": item, "geometry": geoms[item["code"]]}
        for item in data["items"]
        if geoms.get(item["code"])
    ]
    body = {
        "type": "FeatureCollection",
        **({"resolved": data["resolved"]} if "resolved" in data else {}),
        "features": feats,
        "nuts_version": ATLAS_VERSION,
        "attribution": [BOUNDARIES, *sorted({d.attribution for d in atlas.store.datasets()})],
    }
    return json.dumps(body, ensure_ascii=False)
