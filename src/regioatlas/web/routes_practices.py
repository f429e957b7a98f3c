"""Routes of the good-practice exchange: catalogue, search, recommendations, pages, exports,
and the authoring and review of practices, action plans and transfers.

Thin: reads go to ``api.practices_search.PracticeCatalogue``, writes to
``api.practices.PracticeAuthoring``; a write takes the request's principal from the auth door
(``Editor``, ``Reviewer``) and answers 401/403/429 as problem JSON.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from fastapi import Body, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from regioatlas.api.parameters import REGION
from regioatlas.api.practices import PracticeAuthoring
from regioatlas.api.practices_search import RECOMMEND_PARAMS, SEARCH_PARAMS, PracticeCatalogue
from regioatlas.model.errors import BadInput
from regioatlas.web.auth import AUTH_RESPONSES, Editor, Reviewer, principal_of
from regioatlas.web.query import declared, query
from regioatlas.web.responses import FastJSONResponse
from regioatlas.web.routes_dcat import public_url

#: URL segment → stored kind, for the write routes
KINDS = {"practices": "practice", "plans": "plan", "transfers": "transfer"}
_WRITE = {**AUTH_RESPONSES, 400: {"description": "A field is missing or wrong (named)"},
          404: {"description": "No such item"}, 409: {"description": "Not in a state for this"}}  # fmt: skip


def _object(body: Any) -> dict:
    if not isinstance(body, dict):
        raise BadInput("the request body must be a JSON object", parameter="body")
    return body


def register(app: FastAPI, atlas) -> None:
    """Add the exchange's routes to ``app``."""
    catalogue = PracticeCatalogue(atlas.store)
    authoring = PracticeAuthoring(atlas.store)
    app.state.practices = catalogue
    tags: list[str | Enum] = ["practices"]

    @app.get("/api/practices", tags=tags, **declared(SEARCH_PARAMS),
             summary="Published good practices: search in any language, facets")  # fmt: skip
    def search(request: Request):
        # a response, not a dict: FastAPI would walk every value of the answer first
        # (jsonable_encoder: 6 ms of a 10 ms search over 10,000 practices, measured)
        return FastJSONResponse(catalogue.search(query(request)))

    @app.get("/api/practices/export/csv", tags=tags, **declared(SEARCH_PARAMS),
             summary="The search's practices as CSV", response_class=Response)  # fmt: skip
    def export_csv(request: Request):
        return Response(
            catalogue.export_csv(query(request)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="practices.csv"'},
        )

    @app.get(
        "/api/practices/export/jsonld", tags=tags, summary="Every published practice as JSON-LD"
    )
    def export_jsonld():
        return JSONResponse(catalogue.export_jsonld(public_url()), media_type="application/ld+json")

    @app.get("/api/practice-recommendations/{code}", tags=tags, **declared(RECOMMEND_PARAMS),
             summary="Practices for a region from regions like it, with the reasons")  # fmt: skip
    def recommendations(code: str, request: Request):
        return FastJSONResponse(catalogue.recommendations(code, query(request)))

    @app.get("/api/practice-worklist", tags=tags, responses=AUTH_RESPONSES,
             summary="Your items and, for reviewers, what waits for review (editor)")  # fmt: skip
    def worklist(principal: Editor):
        return authoring.worklist(principal)

    @app.get("/api/plans", tags=tags, summary="Published action plans (of a region)",
             **declared([REGION.with_(help="NUTS code of any level and version: its plans")]))  # fmt: skip
    def plans(request: Request):
        return catalogue.plans(request.query_params.get("region") or None)

    @app.get("/api/plans/{item_id}", tags=tags, summary="A published action plan with KPI progress")
    def plan(item_id: str):
        return catalogue.plan_page(item_id)

    @app.get("/api/practices/{item_id}", tags=tags,
             summary="A published practice, where it was transferred and what happened")  # fmt: skip
    def practice(item_id: str):
        return catalogue.practice_page(item_id)

    @app.get("/api/transfers", tags=tags, summary="Published transfers of practices")
    def transfers():
        items = catalogue.published().transfers
        return {"total": len(items), "items": items}

    for segment, kind in KINDS.items():
        _writes(app, authoring, segment, kind, tags)


def _writes(app: FastAPI, authoring: PracticeAuthoring, segment: str, kind: str, tags) -> None:
    """The authoring routes of one kind (practices, plans, transfers)."""

    @app.post(f"/api/{segment}", tags=tags, status_code=201, responses=_WRITE,
              summary=f"Draft a new {kind} (editor)", name=f"create_{kind}")  # fmt: skip
    def create(body: Annotated[Any, Body()], principal: Editor):
        return authoring.create(principal, kind, _object(body))

    @app.put(f"/api/{segment}/{{item_id}}", tags=tags, responses=_WRITE,
             summary=f"Save a new version of your {kind} (its owner or an admin)", name=f"update_{kind}")  # fmt: skip
    def update(item_id: str, body: Annotated[Any, Body()], principal: Editor):
        return authoring.update(principal, kind, item_id, _object(body))

    @app.post(f"/api/{segment}/{{item_id}}/submit", tags=tags, responses=_WRITE,
              summary=f"Submit a {kind} for review (its owner or an admin)", name=f"submit_{kind}")  # fmt: skip
    def submit(item_id: str, principal: Editor):
        return authoring.submit(principal, kind, item_id)

    @app.post(f"/api/{segment}/{{item_id}}/review", tags=tags, responses=_WRITE,
              summary=f"Approve, request changes or reject a submitted {kind} (reviewer; not your own)",
              name=f"review_{kind}")  # fmt: skip
    def review(item_id: str, body: Annotated[Any, Body()], principal: Reviewer):
        body = _object(body)
        return authoring.review(
            principal, kind, item_id, str(body.get("decision") or ""), body.get("comment")
        )

    @app.get(f"/api/{segment}/{{item_id}}/versions", tags=tags, responses=_WRITE,
             summary=f"A {kind} as you may see it (drafts for owners and reviewers) with its versions",
             name=f"versions_{kind}")  # fmt: skip
    def versions(item_id: str, request: Request, principal: Editor):
        return authoring.item(kind, item_id, principal_of(request))
