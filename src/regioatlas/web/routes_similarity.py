"""Routes of the synergy and overlap finder: similar projects, synergies, overlaps, partners.

Thin: each route passes the raw query to ``regioatlas.api.similarity.Similarity``; the query
models below only document the parameters in the OpenAPI description.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, FastAPI, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from regioatlas.api.problems import bad_request
from regioatlas.api.similarity import Similarity
from regioatlas.web.app import AtlasFilters


def _opt(description: str, alias: str | None = None):
    return Field(None, description=description, alias=alias)


class SimilarOptions(AtlasFilters):
    """Options of every similarity query; the atlas filters narrow the results."""

    method: str | None = _opt("lexical, semantic or hybrid (default: see /api/similarity)")
    limit: str | None = _opt("results, 1-100 (default 10)")
    per_source: str | None = _opt("best results per other source in `by_source`, 0-20 (default 3)")


class SimilarTextQuery(SimilarOptions):
    text: str | None = _opt("the text to compare: a project idea, an objective, a strategy")
    home: str | None = _opt("NUTS code of the asker's region: results there are overlaps")


class SimilarTextBody(BaseModel):
    """The same as the GET query, for long texts (up to 20,000 characters)."""

    text: str = Field(description="the text to compare")
    home: str | None = None
    method: str | None = None
    limit: int | None = None
    per_source: int | None = None
    filters: dict[str, str] | None = Field(None, description="atlas filters, as in the GET query")


class OverlapQuery(AtlasFilters):
    method: str | None = _opt("lexical, semantic or hybrid")
    limit: str | None = _opt("pairs, 1-1000 (default 50)")
    min_score: str | None = _opt("leave out pairs scoring less")
    format: str | None = _opt("json (default) or csv (a download)")


class PartnerQuery(AtlasFilters):
    text: str | None = _opt("what the partners should have done (or give `project`)")
    project: str | None = _opt("a project id: partners for it; its own partners are excluded")
    home: str | None = _opt(
        "NUTS code: organisations located there, and those already working with it, are excluded"
    )
    method: str | None = _opt("lexical, semantic or hybrid")
    limit: str | None = _opt("organisations, 1-100 (default 20)")


def _params(request: Request) -> dict:
    qp = request.query_params
    return {k: (qp.getlist(k) if len(qp.getlist(k)) > 1 else qp.get(k)) for k in qp.keys()}


def register(app: FastAPI, atlas) -> None:
    """Add the similarity routes; the index lives as long as the app."""
    sim = Similarity(atlas)
    app.state.similarity = sim
    tags = ["similarity"]

    @app.get(
        "/api/similarity",
        tags=tags,
        summary="The text index: documents, methods, default method, data version",
    )
    def similarity_status():
        return sim.status()

    @app.get(
        "/api/similar",
        tags=tags,
        summary="Projects similar to a free text, classified synergy / overlap / related",
    )
    def similar_text(request: Request, query: Annotated[SimilarTextQuery, Query()]):
        return sim.similar_to_text(_params(request))

    @app.post("/api/similar", tags=tags, summary="The same for a long text sent as JSON")
    def similar_text_post(body: Annotated[SimilarTextBody, Body()]):
        params = dict(body.filters or {})
        params |= {k: v for k, v in body.model_dump(exclude={"filters"}).items() if v is not None}
        return sim.similar_to_text(params)

    @app.get(
        "/api/similar/{project_id:path}",
        tags=tags,
        summary="Projects similar to a project, with reasons and explanations",
    )
    def similar_project(
        project_id: str, request: Request, query: Annotated[SimilarOptions, Query()]
    ):
        return sim.similar_to_project(project_id, _params(request))

    @app.get(
        "/api/synergies/{region}",
        tags=tags,
        summary="Projects elsewhere most like a region's whole portfolio",
    )
    def synergies(region: str, request: Request, query: Annotated[SimilarOptions, Query()]):
        return sim.synergies(region, _params(request))

    @app.get(
        "/api/overlaps/{region}",
        tags=tags,
        summary="Pairs of a region's projects that look alike and run together (JSON or CSV)",
    )
    def overlaps(region: str, request: Request, query: Annotated[OverlapQuery, Query()]):
        params = _params(request)
        fmt = (params.get("format") or "json").lower()
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
        tags=tags,
        summary="Organisations outside a region ranked by relevant track record",
    )
    def partners(request: Request, query: Annotated[PartnerQuery, Query()]):
        return sim.partners(_params(request))
