"""Routes of the KPI features (issue 5): KPI registry, units, air quality, Digital Compass,
stored figures in any NUTS version. Thin: every route calls a handler in ``regioatlas.api``."""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Query, Request

from regioatlas.api.compass import CompassApi
from regioatlas.api.figures import FiguresApi
from regioatlas.api.kpi import KpiApi

Str = Annotated[str | None, Query()]


def register(app: FastAPI, atlas) -> None:
    kpis = KpiApi(atlas)
    compass = CompassApi(atlas)
    figures = FiguresApi(atlas)
    app.state.kpi_api = kpis

    @app.get("/api/kpis", tags=["kpi"], summary="The KPI registry (names in en, fi, de, it, fr)")
    def kpi_list(lang: Str = None, area: Str = None):
        return kpis.kpis(lang, area)

    @app.get(
        "/api/kpis/{kpi_id}/entity",
        tags=["kpi"],
        summary="A KPI value as a Smart Data Models KeyPerformanceIndicator entity",
    )
    def kpi_entity(
        kpi_id: str,
        value: Str = None,
        area: Str = None,
        from_: Annotated[str | None, Query(alias="from")] = None,
        to: Str = None,
        lang: Str = None,
    ):
        return kpis.kpi_entity(kpi_id, value, area, from_, to, lang)

    @app.get("/api/kpis/{kpi_id}", tags=["kpi"], summary="One KPI; thresholds in another unit")
    def kpi_one(kpi_id: str, lang: Str = None, unit: Str = None):
        return kpis.kpi(kpi_id, lang, unit)

    @app.get(
        "/api/units/convert",
        tags=["kpi"],
        summary="Convert a value between units (µg/m³ <-> ppb at a stated temperature)",
    )
    def units_convert(
        value: Str = None,
        from_: Annotated[str | None, Query(alias="from")] = None,
        to: Str = None,
        pollutant: Str = None,
        temperature_k: Str = None,
    ):
        return kpis.convert_units(value, from_, to, pollutant, temperature_k)

    @app.get(
        "/api/air-quality/definitions",
        tags=["air quality"],
        summary="Index bands, conventions, standards and coverage rules",
    )
    def aq_definitions():
        return kpis.aq_definitions()

    @app.get(
        "/api/air-quality/classify",
        tags=["air quality"],
        summary="The band of one averaged concentration in one index",
    )
    def aq_classify(index: Str = None, pollutant: Str = None, value: Str = None):
        return kpis.aq_classify(index, pollutant, value)

    @app.get("/api/air-quality/datasets", tags=["air quality"], summary="Bundled data sets")
    def aq_datasets():
        return kpis.aq_datasets()

    @app.get(
        "/api/air-quality/datasets/{dataset}/side-by-side",
        tags=["air quality"],
        summary="Every index and standard per station and per region",
    )
    def aq_table(dataset: str):
        return kpis.aq_table(dataset)

    @app.post(
        "/api/air-quality/side-by-side",
        tags=["air quality"],
        summary="Side-by-side table of a posted EEA time-series CSV",
    )
    async def aq_post(request: Request, nuts: Str = None, version: Str = None):
        return kpis.aq_assess(await request.body(), nuts, version)

    @app.get("/api/compass/targets", tags=["compass"], summary="Digital Decade 2030 targets")
    def compass_targets():
        return compass.targets()

    @app.get(
        "/api/compass/{region}",
        tags=["compass"],
        summary="A region's distance to the 2030 targets, in people",
    )
    def compass_region(region: str, version: Str = None):
        return compass.plan(region, version)

    @app.get(
        "/api/figures",
        tags=["figures"],
        summary="Stored region figures recoded to a NUTS version (method stated per value)",
    )
    def figures_list(
        request: Request,
        indicator: Str = None,
        version: Str = None,
        kind: Str = None,
        weight: Str = None,
        year: Str = None,
        region: Str = None,
        limit: Str = None,
        offset: Str = None,
    ):
        return figures.figures(dict(request.query_params))
