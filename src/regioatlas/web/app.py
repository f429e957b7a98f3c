"""The ASGI app: routes map onto ``regioatlas.api`` handlers; errors become problem JSON."""

from __future__ import annotations

import logging
from importlib import resources
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from regioatlas import __version__
from regioatlas.api import explore
from regioatlas.api.atlas import Atlas
from regioatlas.api.problems import ApiError
from regioatlas.store import open_store
from regioatlas.web.i18n import LANGUAGES, catalog, pick_language
from regioatlas.web.security import secure
from regioatlas.web.ui import shell_html

log = logging.getLogger("regioatlas.web")

#: Feature route modules; each has ``register(app: FastAPI, atlas: Atlas) -> None`` and raises
#: ``ApiError`` for problems (rendered as problem JSON here).
ROUTE_MODULES = [
    "regioatlas.web.routes_scorecard",  # issue 4
    "regioatlas.web.routes_kpi",  # issue 5
    "regioatlas.web.routes_similarity",  # issue 6
]


def _register_features(app: FastAPI, atlas: Atlas) -> list[str]:
    """Register the feature routes that are installed; return their names (e.g. "similarity")."""
    import importlib

    loaded = []
    for name in ROUTE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app, atlas)
        loaded.append(name.rsplit("routes_", 1)[-1])
    return loaded


PROBLEM = "application/problem+json"

Str = Annotated[str | None, Query()]


def _opt(description: str, alias: str | None = None):
    return Field(None, description=description, alias=alias)


class AtlasFilters(BaseModel):
    """The atlas filters shared by the project list and the aggregates (documentation only:
    the handlers read and validate the raw query, so that every error is a problem body)."""

    model_config = ConfigDict(populate_by_name=True)

    source: str | None = _opt("source name(s), comma-separated (see /api/facets)")
    programme: str | None = _opt("programme(s), e.g. H2020, HORIZON")
    fund: str | None = _opt("fund(s), e.g. ERDF, ESF")
    q: str | None = _opt("text in title, acronym, objective or topics")
    from_: str | None = _opt(
        "period start (YYYY-MM-DD or YYYY): projects running on or after", "from"
    )
    to: str | None = _opt("period end (YYYY-MM-DD or YYYY): projects running on or before")
    country: str | None = _opt("participant country code(s), EL for Greece")
    region: str | None = _opt("NUTS code of any level; participants located in it")
    version: str | None = _opt("NUTS version of `region` (2016, 2021 or 2024; default 2024)")
    org_type: str | None = _opt("organisation type(s): HES, PRC, REC, PUB, OTH")


class ProjectQuery(AtlasFilters):
    limit: str | None = _opt("page size, 1-500 (default 50)")
    offset: str | None = _opt("rows to skip (default 0)")
    sort: str | None = _opt(
        "title, start_date, end_date, eu_contribution_eur, total_cost_eur, id; -x descending"
    )


class AggregateQuery(AtlasFilters):
    level: str | None = _opt("NUTS level 0-3 (default 2)")


class RegionsExportQuery(AggregateQuery):
    zoom: str | None = _opt(
        "simplify the geometry for this map zoom (0-24); full geometry if absent"
    )


def _problem(exc: ApiError, request: Request) -> JSONResponse:
    return JSONResponse(exc.body(str(request.url.path)), status_code=exc.status, media_type=PROBLEM)


def create_app(store_url: str, *, read_only: bool = True) -> FastAPI:
    """Build the app over a store (opened read-only by default: API workers are stateless)."""
    store = open_store(store_url, read_only=read_only)
    atlas = Atlas(store)
    app = FastAPI(
        title="RegioAtlas API",
        version=__version__,
        description="EU-funded projects located on NUTS regions. Errors are RFC 9457 problem details.",
        docs_url=None,
        redoc_url=None,
    )
    secure(app)  # before gzip, so that it sees (and hashes) uncompressed pages
    # geometry and aggregates are JSON text: gzip cuts the home page's bytes several times
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    static = resources.files("regioatlas.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.state.atlas = atlas

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return _problem(exc, request)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("query", "path"))
        return _problem(
            ApiError(
                400, "Bad request", f"{where}: {first.get('msg', 'invalid')}", parameter=where
            ),
            request,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        title = "Not found" if exc.status_code == 404 else "Error"
        return _problem(ApiError(exc.status_code, title, str(exc.detail)), request)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):  # a bug: log it, answer a problem body
        log.exception("unexpected error on %s", request.url)
        return _problem(
            ApiError(500, "Internal error", "an unexpected error; it has been logged"), request
        )

    def _shell(request: Request, embed: bool = False) -> HTMLResponse:
        lang = pick_language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        attributions = sorted({d.attribution for d in store.datasets() if d.attribution})
        return HTMLResponse(
            shell_html(lang, embed=embed, attributions=attributions, features=features)
        )

    def _page_with_code(request: Request, code: str) -> HTMLResponse:
        return _shell(request)

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def home(request: Request):
        return _shell(request)

    @app.get("/region/{code}", include_in_schema=False, response_class=HTMLResponse)
    def region_page(request: Request, code: str):
        return _shell(request)

    @app.get("/project/{project_id:path}", include_in_schema=False, response_class=HTMLResponse)
    def project_page(request: Request, project_id: str):
        return _shell(request)

    for page in ("compass", "air-quality", "scorecard", "partners", "data"):  # pages of the app
        app.add_api_route(f"/{page}", _shell, include_in_schema=False, response_class=HTMLResponse)
        app.add_api_route(
            f"/{page}/{{code}}",
            _page_with_code,
            include_in_schema=False,
            response_class=HTMLResponse,
        )

    @app.get("/embed", include_in_schema=False, response_class=HTMLResponse)
    @app.get("/embed/{rest:path}", include_in_schema=False, response_class=HTMLResponse)
    def embed(request: Request, rest: str = ""):
        return _shell(request, embed=True)

    @app.get(
        "/i18n/{lang}.json", tags=["meta"], summary="The UI strings of a language (gettext catalog)"
    )
    def i18n(lang: str):
        if lang not in LANGUAGES:
            raise ApiError(404, "Not found", f"no language {lang!r}; one of {', '.join(LANGUAGES)}")
        return catalog(lang)

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="RegioAtlas API",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/swagger-ui/favicon.png",
        )

    @app.get("/healthz", tags=["meta"])
    def healthz():
        return {"status": "ok", "version": __version__, "schema": store.schema_version()}

    @app.get("/api/regions", tags=["regions"], summary="List NUTS regions")
    def regions(version: Str = None, level: Str = None, country: Str = None):
        return atlas.regions(version, level, country)

    @app.get(
        "/api/regions/{code}",
        tags=["regions"],
        summary="One region with parent, children, neighbours",
    )
    def region(code: str, version: Str = None):
        return atlas.region(code, version)

    @app.get("/api/regions/{code}/children", tags=["regions"])
    def children(code: str, version: Str = None):
        return atlas.children(code, version)

    @app.get("/api/regions/{code}/neighbours", tags=["regions"])
    def neighbours(code: str, version: Str = None):
        return atlas.neighbours(code, version)

    @app.get(
        "/api/regions/{code}/geometry",
        tags=["regions"],
        summary="GeoJSON Feature, simplified for a zoom",
    )
    def geometry(code: str, version: Str = None, zoom: Str = None):
        return atlas.region_geometry(code, version, zoom)

    @app.get("/api/geometries", tags=["regions"], summary="GeoJSON FeatureCollection of a level")
    def geometries(version: Str = None, level: Str = None, zoom: Str = None, country: Str = None):
        return atlas.regions_geojson(version, level, zoom, country)

    @app.get("/api/nuts/{code}", tags=["regions"], summary="Which NUTS versions a code belongs to")
    def validate(code: str, version: Str = None):
        return atlas.validate(code, version)

    def _params(request: Request) -> dict:
        qp = request.query_params
        return {k: (qp.getlist(k) if len(qp.getlist(k)) > 1 else qp.get(k)) for k in qp.keys()}

    @app.get("/api/projects", tags=["projects"], summary="Projects, filtered, sorted and paged")
    def projects(request: Request, query: Annotated[ProjectQuery, Query()]):
        return atlas.projects(_params(request))

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
    )
    def aggregates(request: Request, query: Annotated[AggregateQuery, Query()]):
        return atlas.aggregates(_params(request))

    @app.get("/api/search", tags=["search"], summary="Regions, projects and organisations by name")
    def search(q: Str = None, limit: Str = None):
        return explore.search(atlas, q, limit)

    @app.get(
        "/api/regions/{code}/summary",
        tags=["regions"],
        summary="Key figures of a region under the filters, by year and organisation type",
    )
    def region_summary(request: Request, code: str, query: Annotated[AtlasFilters, Query()]):
        return explore.region_summary(atlas, code, _params(request))

    @app.get(
        "/api/export/projects.csv", tags=["downloads"], summary="Projects under the filters as CSV"
    )
    def export_projects(request: Request, query: Annotated[ProjectQuery, Query()]):
        body = explore.projects_csv(atlas, _params(request))
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="regioatlas-projects.csv"'},
        )

    @app.get(
        "/api/export/regions.geojson",
        tags=["downloads"],
        summary="Regions of a level with their figures under the filters, as GeoJSON",
    )
    def export_regions(request: Request, query: Annotated[RegionsExportQuery, Query()]):
        body = explore.regions_geojson(atlas, _params(request))
        return Response(
            body,
            media_type="application/geo+json",
            headers={"Content-Disposition": 'attachment; filename="regioatlas-regions.geojson"'},
        )

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

    features = _register_features(app, atlas)
    app.router.on_shutdown.append(store.close)
    return app
