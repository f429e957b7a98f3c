"""Routes of NGSI-LD under /ngsi-ld/v1 (ETSI GS CIM 009 v1.8). Thin: every route calls a
handler of ``regioatlas.api.ngsi_ld.handlers`` and writes its (status, headers, body)."""

from __future__ import annotations

import json
from enum import Enum

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response

from regioatlas.api.ngsi_ld.handlers import NgsiLdApi
from regioatlas.api.parameters import NGSI_DETAILS, NGSI_ENTITY, NGSI_QUERY, NGSI_TEMPORAL
from regioatlas.web.auth import requires
from regioatlas.web.query import declared, query

PREFIX = "/ngsi-ld/v1"
# Typed as FastAPI declares `tags` (list is invariant, so list[str] would not fit)
TAGS: list[str | Enum] = ["NGSI-LD"]


def _send(answer) -> Response:
    status, headers, body = answer
    media = headers.pop("Content-Type", "application/json")
    content = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
    return Response(
        content, status_code=status, headers=headers, media_type=media if content else None
    )


def _base(request: Request) -> str:
    return str(request.base_url)


def register(app: FastAPI, atlas) -> None:
    api = NgsiLdApi(atlas)
    app.state.ngsi_ld_api = api
    editor = requires("editor")  # the auth door: 401 without a token, 403 below editor

    @app.get(f"{PREFIX}/entities", tags=TAGS, summary="Query entities", **declared(NGSI_QUERY))
    def entities(request: Request):
        return _send(api.entities(query(request), request.headers.get("accept"), _base(request)))

    @app.get(
        f"{PREFIX}/entities/{{entity_id:path}}",
        tags=TAGS,
        summary="One entity",
        **declared(NGSI_ENTITY),
    )
    def entity(entity_id: str, request: Request):
        accept = request.headers.get("accept")
        return _send(api.entity(entity_id, query(request), accept, _base(request)))

    @app.get(f"{PREFIX}/types", tags=TAGS, summary="Entity types", **declared([NGSI_DETAILS]))
    def types(request: Request):
        return _send(api.types(query(request), request.headers.get("accept"), _base(request)))

    @app.get(f"{PREFIX}/types/{{name}}", tags=TAGS, summary="One entity type")
    def entity_type(name: str, request: Request):
        return _send(api.entity_type(name, request.headers.get("accept"), _base(request)))

    @app.get(f"{PREFIX}/attributes", tags=TAGS, summary="Attribute names")
    def attributes(request: Request):
        return _send(api.attributes(request.headers.get("accept"), _base(request)))

    @app.get(f"{PREFIX}/attributes/{{name}}", tags=TAGS, summary="One attribute")
    def attribute(name: str, request: Request):
        return _send(api.attribute(name, request.headers.get("accept"), _base(request)))

    @app.get(
        f"{PREFIX}/temporal/entities",
        tags=TAGS,
        summary="Temporal representation of entities (hourly station values)",
        **declared(NGSI_TEMPORAL),
    )
    def temporal(request: Request):
        accept = request.headers.get("accept")
        return _send(api.temporal_entities(query(request), accept, _base(request)))

    @app.get(
        f"{PREFIX}/temporal/entities/{{entity_id:path}}",
        tags=TAGS,
        summary="Temporal representation of one entity",
        **declared(NGSI_ENTITY, NGSI_TEMPORAL[-4:]),
    )
    def temporal_one(entity_id: str, request: Request):
        accept = request.headers.get("accept")
        return _send(api.temporal_entity(entity_id, query(request), accept, _base(request)))

    @app.get(f"{PREFIX}/contexts/{{name}}", tags=TAGS, summary="A served @context (offline)")
    def context(name: str):
        return _send(api.context(name))

    @app.post(f"{PREFIX}/entities", tags=TAGS, summary="Publish a KPI value (editor)")
    async def create(request: Request, principal=Depends(editor)):  # noqa: B008
        return _send(api.create_entity(await request.body(), principal, _base(request)))

    @app.post(
        f"{PREFIX}/entityOperations/create",
        tags=TAGS,
        summary="Publish a batch of KPI values as one dataset (editor)",
    )
    async def create_batch(request: Request, principal=Depends(editor)):  # noqa: B008
        return _send(api.create_batch(await request.body(), principal))

    @app.patch(
        f"{PREFIX}/entities/{{entity_id:path}}/attrs",
        tags=TAGS,
        summary="Change a published KPI value (editor)",
    )
    async def update(entity_id: str, request: Request, principal=Depends(editor)):  # noqa: B008
        return _send(api.update_attributes(entity_id, await request.body(), principal))

    @app.delete(
        f"{PREFIX}/entities/{{entity_id:path}}",
        tags=TAGS,
        summary="Delete a published KPI value (editor)",
    )
    def delete(entity_id: str, principal=Depends(editor)):  # noqa: B008
        return _send(api.delete_entity(entity_id, principal))
