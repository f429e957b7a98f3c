"""Routes of the atlas feature: regions, projects, aggregates, search, downloads, datasets.

Thin: each route passes its path values and raw query to a handler in ``regioatlas.api``;
the query parameters come from their declarations in ``regioatlas.api.parameters``.
"""

from __future__ import annotations

import threading

from fastapi import FastAPI, Request

from regioatlas.api import explore
from regioatlas.api.atlas import Atlas
from regioatlas.api.parameters import (
    COUNTRY,
    FILTERS,
    GEOMETRY_BBOX,
    LEVEL,
    LIMIT,
    MIN_POPULATION,
    PAGING,
    SEARCH_TEXT,
    VERSION,
    ZOOM,
)
from regioatlas.geo import towns
from regioatlas.web.query import declared, query
from regioatlas.web.responses import FastJSONResponse


def register(app: FastAPI, atlas: Atlas) -> None:
    """Add the atlas routes to the app."""
    # the town gazetteer takes seconds to index: build it now, not on a user's first search
    threading.Thread(target=towns.warm, daemon=True).start()

    @app.get(
        "/api/regions",
        tags=["regions"],
        summary="List NUTS regions",
        **declared([VERSION, LEVEL, COUNTRY]),
    )
    def regions(request: Request):
        q = query(request)
        return atlas.regions(q.get("version"), q.get("level"), q.get("country"))

    @app.get(
        "/api/regions/{code}",
        tags=["regions"],
        summary="One region with parent, children, neighbours",
        **declared([VERSION]),
    )
    def region(code: str, request: Request):
        return atlas.region(code, query(request).get("version"))

    @app.get("/api/regions/{code}/children", tags=["regions"], **declared([VERSION]))
    def children(code: str, request: Request):
        return atlas.children(code, query(request).get("version"))

    @app.get("/api/regions/{code}/neighbours", tags=["regions"], **declared([VERSION]))
    def neighbours(code: str, request: Request):
        return atlas.neighbours(code, query(request).get("version"))

    @app.get(
        "/api/regions/{code}/geometry",
        tags=["regions"],
        summary="GeoJSON Feature, simplified for a zoom",
        **declared([VERSION, ZOOM]),
    )
    def geometry(code: str, request: Request):
        q = query(request)
        return atlas.region_geometry(code, q.get("version"), q.get("zoom"))

    @app.get(
        "/api/geometries",
        tags=["regions"],
        summary="GeoJSON FeatureCollection of a level",
        **declared([VERSION, LEVEL, ZOOM, COUNTRY, GEOMETRY_BBOX]),
    )
    def geometries(request: Request):
        q = query(request)
        return atlas.regions_geojson(
            q.get("version"), q.get("level"), q.get("zoom"), q.get("country"), q.get("bbox")
        )

    @app.get(
        "/api/nuts/{code}",
        tags=["regions"],
        summary="Which NUTS versions a code belongs to",
        **declared([VERSION]),
    )
    def validate(code: str, request: Request):
        return atlas.validate(code, query(request).get("version"))

    @app.get(
        "/api/projects",
        tags=["projects"],
        summary="Projects, filtered, sorted and paged",
        **declared(FILTERS, PAGING),
    )
    def projects(request: Request):
        return atlas.projects(query(request))

    @app.get(
        "/api/projects/{project_id:path}",
        tags=["projects"],
        summary="One project with its participants",
    )
    def project(project_id: str):
        return atlas.project(project_id)

    @app.get(
        "/api/aggregates",
        tags=["aggregates"],
        summary="Per region of a NUTS level: projects, participations, EU contribution, per inhabitant",
        **declared(FILTERS, [LEVEL]),
    )
    def aggregates(request: Request):
        # returned as a response: the rows are JSON-ready, FastAPI's encoder pass is skipped
        return FastJSONResponse(atlas.aggregates(query(request)))

    @app.get(
        "/api/search",
        tags=["search"],
        summary="Regions, projects and organisations by name",
        **declared([SEARCH_TEXT, LIMIT.with_(help="results", maximum=50, default=8)]),
    )
    def search(request: Request):
        q = query(request)
        return explore.search(atlas, q.get("q"), q.get("limit"))

    @app.get(
        "/api/places",
        tags=["search"],
        summary="Large places with coordinates, for the map's place names",
        **declared([MIN_POPULATION]),
    )
    def places(request: Request):
        return explore.places(query(request).get("min_population"))

    @app.get(
        "/api/regions/{code}/summary",
        tags=["regions"],
        summary="Key figures of a region under the filters, by year and organisation type",
        **declared(FILTERS),
    )
    def region_summary(code: str, request: Request):
        return explore.region_summary(atlas, code, query(request))

    # the downloads (/api/export/<table>.<format>) are the open-data feature's (routes_dcat)

    @app.get(
        "/api/datasets",
        tags=["datasets"],
        summary="Datasets with provenance, licence and location report",
    )
    def datasets():
        return atlas.datasets()

    @app.get("/api/facets", tags=["datasets"], summary="Values available for the filters")
    def facets():
        return atlas.facets()
