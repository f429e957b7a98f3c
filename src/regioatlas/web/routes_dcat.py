"""Routes of open data: the DCAT-AP catalogue, the downloads and the permalinks.

Thin: the catalogue comes from ``regioatlas.api.dcat``, the downloads from
``regioatlas.api.exports``. Permalinks (``/id/dataset/...``, ``/id/region/...``,
``/id/project/...``) answer 303 with a relative ``Location`` — the page for a browser, the JSON
for ``Accept: application/json`` — and never build a URL from the request's ``Host``.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import Response

from regioatlas import settings
from regioatlas.api import dcat, exports
from regioatlas.api.atlas import Atlas
from regioatlas.api.parameters import (
    CATALOGUE_FORMAT,
    FILTERS,
    REGION_EXPORT,
    SORT,
)
from regioatlas.features import load_features
from regioatlas.model.errors import NotFound
from regioatlas.web.query import declared, query

#: Accept media type → catalogue serialisation
RDF_TYPES = {media: fmt for fmt, (_, media) in dcat.SERIALISATIONS.items()}


def public_url() -> str:
    """The base of every catalogue URI: the ``public_url`` setting, else host and port."""
    return settings.get("public_url") or f"http://{settings.get('host')}:{settings.get('port')}"


def _wanted(request: Request, given: str | None) -> str | None:
    """The RDF serialisation asked for by ``format`` or the Accept header, else None."""
    if given:
        return given
    accept = request.headers.get("accept", "")
    for media, fmt in RDF_TYPES.items():
        if media in accept:
            return fmt
    return None


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _see_other(path: str) -> Response:
    return Response(status_code=303, headers={"Location": path, "Vary": "Accept"})


def _download(d: exports.Download) -> Response:
    return Response(
        d.body,
        media_type=d.media_type,
        headers={"Content-Disposition": f'attachment; filename="{d.filename}"'},
    )


def register(app: FastAPI, atlas: Atlas) -> None:
    """Add the catalogue, download and permalink routes to the app."""
    cache: dict[tuple[str, str], object] = {}

    def graph():
        """The catalogue, built once per version of the store's data."""
        key = (atlas.store.data_version(), public_url())
        if key not in cache:
            services = [dcat.Service(f.name, f.title) for f in load_features() if f.routes]
            cache.clear()
            cache[key] = dcat.catalogue_graph(atlas.store, atlas.registry, key[1], services)
        return cache[key]

    @app.get(
        "/api/catalogue",
        tags=["open data"],
        summary="DCAT-AP 3 catalogue of the datasets, downloads and APIs (JSON-LD, Turtle, RDF/XML)",
        **declared([CATALOGUE_FORMAT]),
    )
    def catalogue(request: Request):
        fmt = _wanted(request, query(request).get("format")) or "jsonld"
        body, media = dcat.serialise(graph(), fmt)
        return Response(body, media_type=media, headers={"Vary": "Accept"})

    for table, extra, what in (
        ("projects", [SORT], "Projects under the filters"),
        ("participants", [], "Participations under the filters, with their locations"),
        ("regions", REGION_EXPORT, "Region aggregates of a level under the filters"),
    ):
        _add_export(app, atlas, table, extra, what)

    @app.get("/id/catalogue", tags=["open data"], summary="Permalink of the catalogue")
    def catalogue_link():
        return _see_other("/api/catalogue")

    @app.get(
        "/id/dataset/{dataset_id:path}",
        tags=["open data"],
        summary="Permalink of a dataset: its DCAT description (RDF Accept), JSON or the data page",
    )
    def dataset_link(dataset_id: str, request: Request):
        node = dcat.permalink(public_url(), "dataset", dataset_id)
        known = {d.id for d in atlas.store.datasets()} | {f"regioatlas-{t}" for t in exports.TABLES}
        if dataset_id not in known:
            raise NotFound(f"no dataset {dataset_id!r} (see /api/datasets)", parameter="dataset_id")
        fmt = _wanted(request, None)
        if fmt:
            body, media = dcat.serialise(dcat.describe(graph(), dcat.URIRef(node)), fmt)
            return Response(body, media_type=media, headers={"Vary": "Accept"})
        return _see_other("/api/datasets" if _wants_json(request) else "/data")

    @app.get("/id/region/{code}", tags=["open data"], summary="Permalink of a region")
    def region_link(code: str, request: Request):
        found = atlas.resolve(code)
        base = "/api/regions/" if _wants_json(request) else "/region/"
        return _see_other(base + quote(found.code))

    @app.get("/id/project/{project_id:path}", tags=["open data"], summary="Permalink of a project")
    def project_link(project_id: str, request: Request):
        atlas.project(project_id)  # NotFound names the id
        base = "/api/projects/" if _wants_json(request) else "/project/"
        return _see_other(base + quote(project_id, safe=":"))


def _add_export(app: FastAPI, atlas: Atlas, table: str, extra, what: str) -> None:
    """One download route of a table: ``/api/export/<table>.<format>``."""

    def download(fmt: str, request: Request):
        return _download(exports.export(atlas, table, fmt, query(request)))

    app.add_api_route(
        f"/api/export/{table}.{{fmt}}",
        download,
        methods=["GET"],
        tags=["downloads"],
        summary=f"{what}: csv, geojson, gpkg, parquet or xlsx",
        name=f"export_{table}",
        **declared(FILTERS, extra),
    )
