"""Routes of the attractiveness scorecard (issue 4), mapped onto ``regioatlas.api.scorecard``."""

from __future__ import annotations

import json
import math
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from regioatlas.api.scorecard import Scorecards

Str = Annotated[str | None, Query()]


def _opt(description: str):
    return Field(None, description=description)


class ScorecardQuery(BaseModel):
    version: str | None = _opt(
        "NUTS version of the code (2006-2024); default: the latest it is valid in"
    )
    peers: str | None = _opt("number of peer regions, 1-20 (default 5)")
    as_of: str | None = _opt("use values up to this year (default: the latest)")
    peer_scope: str | None = _opt("eu (default), type (same typology class) or country")
    type: str | None = _opt("override the typology class: metropolis, next_to_metropolis, other")
    metropolis: str | None = _opt("override the metropolis to compare with (NUTS code)")


class CompositeQuery(BaseModel):
    level: str | None = _opt("NUTS level, 2 (default) or 3")
    normalisation: str | None = _opt("minmax (default, to [1, 100]) or zscore")
    aggregation: str | None = _opt("arithmetic (default) or geometric (needs minmax)")
    weighting: str | None = _opt("equal (default), user or pca")
    weights: str | None = _opt("indicator weights for weighting=user, e.g. gdp_per_head_pps:2")
    pillar_weights: str | None = _opt("pillar weights for weighting=user, e.g. competence:2")
    indicators: str | None = _opt("indicator ids to use (comma-separated; default: all)")
    missing: str | None = _opt("reweight (default) or complete (complete cases only)")
    min_share: str | None = _opt("share of indicators a region needs (default 2/3)")
    runs: str | None = _opt("uncertainty runs, 0-10000 (default 1000)")
    seed: str | None = _opt("random seed (default 0)")
    spread: str | None = _opt("weight perturbation: factor uniform in [1-spread, 1+spread] (0.5)")
    country: str | None = _opt("show only this country's regions (ranks stay EU-wide)")


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _json(data: dict) -> Response:
    """JSON serialised once with the standard library (the handlers return plain values;
    FastAPI's generic encoder would walk the large scorecard again)."""
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    except ValueError:  # a NaN or infinity: not JSON, so null
        text = json.dumps(_clean(data), ensure_ascii=False)
    return Response(text, media_type="application/json")


def _params(request: Request) -> dict:
    return dict(request.query_params)


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def register(app: FastAPI, atlas) -> None:
    """Add the scorecard routes to the app; the handlers share the atlas's store and registry."""
    cards = Scorecards(atlas.store, atlas.registry)
    app.state.scorecards = cards
    tags = ["scorecard"]

    @app.get("/api/indicators", tags=tags, summary="The indicator catalogue with availability")
    def indicators():
        return cards.indicators()

    @app.get(
        "/api/indicators/{indicator_id}",
        tags=tags,
        summary="One indicator for every region of a level in a year (map, ranking table)",
    )
    def indicator(indicator_id: str, level: Str = None, year: Str = None, country: Str = None):
        return _json(cards.indicator(indicator_id, level, year, country))

    @app.get("/api/typology", tags=tags, summary="Typology of every region of a level")
    def typologies(level: Str = None, version: Str = None, country: Str = None):
        return _json(cards.typologies(level, version, country))

    @app.get(
        "/api/typology/{code}",
        tags=tags,
        summary="Metropolis, next to a metropolis or other, with the criteria met",
    )
    def typology(code: str, version: Str = None, type: Str = None, metropolis: Str = None):
        return cards.typology(code, version, type, metropolis)

    @app.get(
        "/api/scorecard/{code}",
        tags=tags,
        summary="A region against its metropolis and its peers: values, years, trends, ranks",
    )
    def scorecard(request: Request, code: str, query: Annotated[ScorecardQuery, Query()]):
        return _json(cards.scorecard(code, **_card_params(request)))

    @app.get("/api/scorecard/{code}/csv", tags=tags, summary="The scorecard as CSV")
    def scorecard_csv(request: Request, code: str, query: Annotated[ScorecardQuery, Query()]):
        return _csv(cards.scorecard_csv(code, **_card_params(request)), f"scorecard_{code}.csv")

    @app.get(
        "/api/scorecard/{code}/report.{fmt}",
        tags=tags,
        summary="One-page report of the scorecard (png or pdf)",
    )
    def report(request: Request, code: str, fmt: str, query: Annotated[ScorecardQuery, Query()]):
        data, media = cards.report(code, fmt, **_card_params(request))
        return Response(
            data,
            media_type=media,
            headers={"Content-Disposition": f'inline; filename="scorecard_{code}.{fmt}"'},
        )

    @app.get(
        "/api/composite",
        tags=tags,
        summary="Composite index with median rank and 5-95 % rank interval per region",
    )
    def composite(request: Request, query: Annotated[CompositeQuery, Query()]):
        return _json(cards.composite(_params(request)))

    @app.get("/api/composite/csv", tags=tags, summary="The composite ranking as CSV")
    def composite_csv(request: Request, query: Annotated[CompositeQuery, Query()]):
        return _csv(cards.composite_csv(_params(request)), "composite.csv")


_CARD_KEYS = ("version", "peers", "as_of", "peer_scope", "type", "metropolis")


def _card_params(request: Request) -> dict:
    q = request.query_params
    return {k: q.get(k) for k in _CARD_KEYS if q.get(k) is not None}
