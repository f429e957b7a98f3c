"""Routes of OGC API – Features under ``/ogc`` (thin: ``regioatlas.api.ogc.service.OgcApi``).

The OGC API has its own OpenAPI 3.0 definition at ``/ogc/api``; these routes also appear in
the app's ``/openapi.json`` with their declared parameters.
"""

from __future__ import annotations

from enum import Enum

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from regioatlas.api.ogc.service import Answer, OgcApi
from regioatlas.api.parameters import OGC_FORMAT, OGC_ITEM, OGC_ITEMS
from regioatlas.web.query import declared, query

PREFIX = "/ogc"


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + PREFIX


def _response(answer: Answer) -> Response:
    return Response(
        answer.body, status_code=answer.status, media_type=answer.media_type, headers=answer.headers
    )


def register(app: FastAPI, atlas) -> None:
    """Add the OGC API routes; the collections live as long as the app."""
    ogc = OgcApi(atlas)
    app.state.ogc = ogc
    tags: list[str | Enum] = ["ogc"]

    def args(request: Request) -> tuple[str, dict, str | None]:
        return _base(request), query(request), request.headers.get("accept")

    @app.get(PREFIX, **declared((OGC_FORMAT,)), tags=tags, summary="OGC API landing page")
    def landing(request: Request):
        return _response(ogc.landing(*args(request)))

    @app.get(
        f"{PREFIX}/conformance",
        **declared((OGC_FORMAT,)),
        tags=tags,
        summary="OGC conformance classes",
    )
    def conformance(request: Request):
        return _response(ogc.conformance(*args(request)))

    @app.get(
        f"{PREFIX}/api",
        **declared((OGC_FORMAT,)),
        tags=tags,
        summary="The OGC API's OpenAPI 3.0 definition",
    )
    def api(request: Request):
        return _response(ogc.api(*args(request)))

    @app.get(
        f"{PREFIX}/collections",
        **declared((OGC_FORMAT,)),
        tags=tags,
        summary="OGC feature collections",
    )
    def collections(request: Request):
        return _response(ogc.all_collections(*args(request)))

    @app.get(
        f"{PREFIX}/collections/{{collectionId}}",
        **declared((OGC_FORMAT,)),
        tags=tags,
        summary="One OGC feature collection",
    )
    def collection(collectionId: str, request: Request):  # noqa: N803 (the OGC parameter name)
        base, q, accept = args(request)
        return _response(ogc.describe(base, collectionId, q, accept))

    @app.get(
        f"{PREFIX}/collections/{{collectionId}}/queryables",
        **declared((OGC_FORMAT,)),
        tags=tags,
        summary="The queryables of a collection",
    )
    def queryables(collectionId: str, request: Request):  # noqa: N803
        base, q, accept = args(request)
        return _response(ogc.queryables(base, collectionId, q, accept))

    @app.get(
        f"{PREFIX}/collections/{{collectionId}}/items",
        **declared(OGC_ITEMS),
        tags=tags,
        summary="Features of a collection (paged, filtered with CQL2)",
    )
    async def items(collectionId: str, request: Request):  # noqa: N803
        base, q, accept = args(request)
        return _response(await _run(collectionId, ogc.items, base, collectionId, q, accept))

    @app.get(
        f"{PREFIX}/collections/{{collectionId}}/items/{{featureId:path}}",
        **declared(OGC_ITEM),
        tags=tags,
        summary="One feature",
    )
    async def item(collectionId: str, featureId: str, request: Request):  # noqa: N803
        base, q, accept = args(request)
        return _response(
            await _run(collectionId, ogc.item, base, collectionId, featureId, q, accept)
        )

    async def _run(collection_id: str, handler, *handler_args) -> Answer:
        """Answer a collection held in memory on the event loop (a fraction of a millisecond;
        the hop to the thread pool cost more than the answer under load); a store collection,
        whose query waits for the database, in the thread pool."""
        found = ogc.collections.get(collection_id)
        if found is not None and found.in_memory:
            return handler(*handler_args)
        return await run_in_threadpool(handler, *handler_args)
