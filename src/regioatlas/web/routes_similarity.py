"""Routes of the synergy and overlap finder: similar projects, synergies, overlaps, partners.

Thin: each route passes the raw query to ``regioatlas.api.similarity.Similarity``; the query
parameters come from their declarations in ``regioatlas.api.parameters``.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import Body, FastAPI, Request
from fastapi.responses import Response

from regioatlas.api.parameters import FILTERS, OVERLAPS, PARTNERS, SIMILAR, SIMILAR_TEXT
from regioatlas.api.problems import bad_request
from regioatlas.api.similarity import Similarity
from regioatlas.web.query import body_model, declared, query

#: the same as the GET query, for long texts (up to 20,000 characters); the atlas filters
#: go in ``filters``
SimilarTextBody = body_model(
    "SimilarTextBody", SIMILAR_TEXT, filters=body_model("SimilarFilters", FILTERS)
)


def register(app: FastAPI, atlas) -> None:
    """Add the similarity routes; the index lives as long as the app."""
    sim = Similarity(atlas)
    app.state.similarity = sim
    tags: list[str | Enum] = ["similarity"]

    @app.get(
        "/api/similarity",
        tags=tags,
        summary="The text index: documents, methods, default method, data version",
    )
    def similarity_status():
        return sim.status()

    @app.get(
        "/api/similar",
        **declared(FILTERS, SIMILAR_TEXT),
        tags=tags,
        summary="Projects similar to a free text, classified synergy / overlap / related",
    )
    def similar_text(request: Request):
        return sim.similar_to_text(query(request))

    @app.post("/api/similar", tags=tags, summary="The same for a long text sent as JSON")
    def similar_text_post(body: Annotated[SimilarTextBody, Body()]):  # type: ignore[valid-type]
        filters = body.filters.model_dump() if body.filters else {}  # type: ignore[attr-defined]
        params = {k: v for k, v in filters.items() if v is not None}
        given = body.model_dump(exclude={"filters"})  # type: ignore[attr-defined]
        params |= {k: v for k, v in given.items() if v is not None}
        return sim.similar_to_text(params)

    @app.get(
        "/api/similar/{project_id:path}",
        **declared(FILTERS, SIMILAR),
        tags=tags,
        summary="Projects similar to a project, with reasons and explanations",
    )
    def similar_project(project_id: str, request: Request):
        return sim.similar_to_project(project_id, query(request))

    @app.get(
        "/api/synergies/{region}",
        **declared(FILTERS, SIMILAR),
        tags=tags,
        summary="Projects elsewhere most like a region's whole portfolio",
    )
    def synergies(region: str, request: Request):
        return sim.synergies(region, query(request))

    @app.get(
        "/api/overlaps/{region}",
        **declared(FILTERS, OVERLAPS),
        tags=tags,
        summary="Pairs of a region's projects that look alike and run together (JSON or CSV)",
    )
    def overlaps(region: str, request: Request):
        params = query(request)
        fmt = str(params.get("format") or "json").lower()
        if fmt not in ("json", "csv"):
            raise bad_request("format must be json or csv", "format")
        if fmt == "csv":
            body = sim.overlaps_csv(region, params)
            name = f"overlaps-{region.strip().upper()}.csv"
            return Response(
                body,
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        return sim.overlaps(region, params)

    @app.get(
        "/api/partners",
        **declared(FILTERS, PARTNERS),
        tags=tags,
        summary="Organisations outside a region ranked by relevant track record",
    )
    def partners(request: Request):
        return sim.partners(query(request))
