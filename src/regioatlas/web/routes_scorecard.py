"""Routes of the attractiveness scorecard (issue 4), mapped onto ``regioatlas.api.scorecard``."""

from __future__ import annotations

import json
import math
from enum import Enum

from fastapi import FastAPI, Request
from fastapi.responses import Response

from regioatlas.api.parameters import COMPOSITE, COUNTRY, LEVEL, SCORECARD, VERSION, YEAR
from regioatlas.api.scorecard import Scorecards
from regioatlas.web.query import declared, query


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
    tags: list[str | Enum] = ["scorecard"]

    @app.get("/api/indicators", tags=tags, summary="The indicator catalogue with availability")
    def indicators():
        return cards.indicators()

    @app.get(
        "/api/indicators/{indicator_id}",
        tags=tags,
        summary="One indicator for every region of a level in a year (map, ranking table)",
        **declared([LEVEL.with_(default=None), YEAR, COUNTRY]),
    )
    def indicator(indicator_id: str, request: Request):
        q = query(request)
        return _json(cards.indicator(indicator_id, q.get("level"), q.get("year"), q.get("country")))

    @app.get(
        "/api/typology",
        tags=tags,
        summary="Typology of every region of a level",
        **declared([LEVEL.with_(minimum=2, default=3), VERSION, COUNTRY]),
    )
    def typologies(request: Request):
        q = query(request)
        return _json(cards.typologies(q.get("level"), q.get("version"), q.get("country")))

    @app.get(
        "/api/typology/{code}",
        tags=tags,
        summary="Metropolis, next to a metropolis or other, with the criteria met",
        **declared([p for p in SCORECARD if p.name in ("version", "type", "metropolis")]),
    )
    def typology(code: str, request: Request):
        q = query(request)
        return cards.typology(code, q.get("version"), q.get("type"), q.get("metropolis"))

    @app.get(
        "/api/scorecard/{code}",
        tags=tags,
        summary="A region against its metropolis and its peers: values, years, trends, ranks",
        **declared(SCORECARD),
    )
    def scorecard(request: Request, code: str):
        return _json(cards.scorecard(code, **_card_params(request)))

    @app.get(
        "/api/scorecard/{code}/csv",
        tags=tags,
        summary="The scorecard as CSV",
        **declared(SCORECARD),
    )
    def scorecard_csv(request: Request, code: str):
        return _csv(cards.scorecard_csv(code, **_card_params(request)), f"scorecard_{code}.csv")

    @app.get(
        "/api/scorecard/{code}/report.{fmt}",
        tags=tags,
        summary="One-page report of the scorecard (png or pdf)",
        **declared(SCORECARD),
    )
    def report(request: Request, code: str, fmt: str):
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
        **declared(COMPOSITE),
    )
    def composite(request: Request):
        return _json(cards.composite(query(request)))

    @app.get(
        "/api/composite/csv",
        tags=tags,
        summary="The composite ranking as CSV",
        **declared(COMPOSITE),
    )
    def composite_csv(request: Request):
        return _csv(cards.composite_csv(query(request)), "composite.csv")


def _card_params(request: Request) -> dict:
    q = query(request)
    return {p.name: q[p.name] for p in SCORECARD if q.get(p.name) is not None}
