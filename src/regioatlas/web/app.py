"""The ASGI app: middlewares, error handlers, the page shell and the meta routes.

Every other route comes from a feature (``regioatlas.features``): the atlas, scorecard, KPI and
similarity routes are registered the same way. Every ``RegioAtlasError`` becomes problem JSON
through ``regioatlas.api.problems``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from importlib import resources

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from regioatlas import __version__, settings
from regioatlas.api.atlas import Atlas
from regioatlas.api.ngsi_ld.errors import with_etsi_type
from regioatlas.api.parameters import filter_panel
from regioatlas.api.problems import PROBLEM_TYPE, ApiError, problem_for, problem_headers
from regioatlas.features import Feature, load_features
from regioatlas.model import RegioAtlasError
from regioatlas.plugins import load_target
from regioatlas.store import open_store
from regioatlas.web import auth
from regioatlas.web.assets import HashedStaticFiles, bundle_response
from regioatlas.web.first_reads import first_reads
from regioatlas.web.i18n import LANGUAGES, catalog, pick_language
from regioatlas.web.openapi import exact_openapi
from regioatlas.web.query import reject_repeated
from regioatlas.web.response_cache import ResponseCache
from regioatlas.web.responses import FastJSONResponse
from regioatlas.web.routes_ngsi_ld import PREFIX as NGSI_LD_PREFIX
from regioatlas.web.security import secure
from regioatlas.web.ui import check_scripts, shell_html

log = logging.getLogger("regioatlas.web")


def _problem(exc: RegioAtlasError, request: Request) -> JSONResponse:
    status, body = problem_for(exc, str(request.url.path))
    if request.url.path.startswith(NGSI_LD_PREFIX):
        body = with_etsi_type(body)  # a declared parameter's check ran before the handler
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_TYPE, headers=problem_headers(exc)
    )


def _add_pages(app: FastAPI, features: list[Feature], shell: Callable[..., HTMLResponse]) -> None:
    """Serve the shell at every feature page; the feature's page script draws the view."""

    def page_of(script: str) -> Callable[[Request], HTMLResponse]:
        def page(request: Request) -> HTMLResponse:
            return shell(request, page=script)

        return page

    for feature in features:
        page = page_of(feature.script or "app")
        for path in feature.pages:
            app.add_api_route(path, page, include_in_schema=False, response_class=HTMLResponse)


_OGC_ITEMS = re.compile(r"^/ogc/collections/(?P<id>[^/]+)/items(/.+)?$")
#: what every map and region page asks for first: the regions' shapes and a region's figures
#: (the summary costs 80-150 ms to build, several times that while a browser shares the CPU)
_PAGE_READS = re.compile(r"^/api/(aggregates|geometries|regions/[^/]+/(geometry|summary))$")


def _kept(app: FastAPI, path: str) -> bool:
    """Reads whose answers depend on the store's data alone, kept by ``ResponseCache``."""
    if _PAGE_READS.match(path):
        return True
    found = _OGC_ITEMS.match(path)
    collection = found and app.state.ogc.collections.get(found["id"])
    return bool(collection and collection.follows_data_version)


def create_app(store_url: str, *, read_only: bool = True) -> FastAPI:
    """Build the app over a store (opened read-only by default: API workers are stateless)."""
    store = open_store(store_url, read_only=read_only)
    atlas = Atlas(store)
    app = FastAPI(
        dependencies=[Depends(reject_repeated)],
        title="RegioAtlas API",
        version=__version__,
        description="EU-funded projects located on NUTS regions. Errors are RFC 9457 problem details.",
        docs_url=None,
        redoc_url=None,
        default_response_class=FastJSONResponse,
    )
    secure(app)  # before gzip, so that it sees (and hashes) uncompressed pages
    auth.install(app)  # before the routes: a token in the query is refused everywhere
    # geometry and aggregates are JSON text: gzip cuts the home page's bytes several times
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    # outermost: a kept answer skips routing, the checks and gzip (see its module)
    app.add_middleware(ResponseCache, store=store, cacheable=lambda path: _kept(app, path))
    static = resources.files("regioatlas.web").joinpath("static")
    app.mount("/static", HashedStaticFiles(directory=str(static)), name="static")
    app.state.atlas = atlas

    @app.exception_handler(RegioAtlasError)
    async def domain_error(request: Request, exc: RegioAtlasError):
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
        problem = _problem(ApiError(exc.status_code, title, str(exc.detail)), request)
        problem.headers.update(exc.headers or {})  # a 405's Allow (RFC 9110 15.5.6)
        return problem

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):  # a bug: log it, answer a problem body
        log.exception("unexpected error on %s", request.url)
        return _problem(
            ApiError(500, "Internal error", "an unexpected error; it has been logged"), request
        )

    @app.get("/bundles/{digest}.js", include_in_schema=False)
    def page_bundle(digest: str):
        """A page's scripts as one minified file, named by its hash (see ``web/assets.py``)."""
        response = bundle_response(digest)
        if response is None:
            raise ApiError(404, "Not found", f"no script bundle {digest!r}; pages name their own")
        return response

    def _shell(request: Request, embed: bool = False, page: str = "app") -> HTMLResponse:
        """The page shell; every view is drawn by the page scripts from the URL."""
        lang = pick_language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        datasets = atlas.datasets()["items"]
        attributions = sorted({d["attribution"] for d in datasets if d.get("attribution")})
        panel = filter_panel()
        path = request.url.path.removeprefix(request.scope.get("root_path", ""))
        reads = first_reads(path, request.query_params, [field["name"] for field in panel])
        return HTMLResponse(
            shell_html(
                lang,
                embed=embed,
                attributions=attributions,
                scripts=scripts,
                filters=panel,
                boot={"facets": atlas.facets(), "datasets": datasets},
                page=page,
                reads=reads,
                path=path,
                query=request.query_params,
            )
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
        return {
            "status": "ok",
            "version": __version__,
            "schema": store.schema_version(),
            "worker": os.getpid(),  # which of `serve --workers N` answered
        }

    features = load_features()
    for feature in features:  # a feature whose module fails to import stops the start-up
        if feature.routes:
            load_target(feature.routes)(app, atlas)
    _add_pages(app, [feature for feature in features if feature.pages], _shell)
    scripts = check_scripts([feature.script for feature in features if feature.script])
    app.openapi = exact_openapi(app.openapi)  # type: ignore[method-assign]
    app.router.on_shutdown.append(store.close)
    return app


def app_from_settings() -> FastAPI:
    """The app over the ``store`` setting: the factory ``regioatlas serve`` starts every
    worker with (``uvicorn regioatlas.web.app:app_from_settings --factory``).

    Every worker opens the store for writing (uploads, jobs, the audit log): no worker holds
    a lock while it serves (a DuckDB file is written through new versions, see
    ``store/duckdb_file.py``), so a CLI ingest or another worker can write meanwhile.
    """
    app = create_app(settings.get("store"), read_only=False)
    app.state.atlas.organisations.warm()  # not on a user's first page
    return app
