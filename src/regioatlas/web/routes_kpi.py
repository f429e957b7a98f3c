"""Routes of the KPI features (issue 5): KPI registry, units, air quality, Digital Compass,
stored figures in any NUTS version. Thin: every route calls a handler in ``regioatlas.api``."""

from __future__ import annotations

from fastapi import FastAPI, Request

from regioatlas.api.compass import CompassApi
from regioatlas.api.figures import FiguresApi
from regioatlas.api.kpi import KpiApi
from regioatlas.api.parameters import (
    AQ_INDEX,
    AREA,
    CODE_VERSION,
    FIGURES,
    FROM,
    LANG,
    NUTS,
    POLLUTANT,
    TEMPERATURE_K,
    TO,
    UNIT,
    VALUE,
    VERSION,
)
from regioatlas.web.query import declared, query

#: the body of POST /api/air-quality/side-by-side, for the OpenAPI spec
EEA_CSV_BODY = {
    "required": True,
    "description": "An EEA air-quality e-Reporting time series (CSV, UTF-8), as downloaded",
    "content": {"text/csv": {"schema": {"type": "string", "minLength": 1}}},
}


def register(app: FastAPI, atlas) -> None:
    kpis = KpiApi(atlas)
    compass = CompassApi(atlas)
    figures = FiguresApi(atlas)
    app.state.kpi_api = kpis

    @app.get(
        "/api/kpis",
        tags=["kpi"],
        summary="The KPI registry (names in en, fi, de, it, fr)",
        **declared([LANG, AREA]),
    )
    def kpi_list(request: Request):
        q = query(request)
        return kpis.kpis(q.get("lang"), q.get("area"))

    @app.get(
        "/api/kpis/{kpi_id}/entity",
        tags=["kpi"],
        summary="A KPI value as a Smart Data Models KeyPerformanceIndicator entity",
        **declared(
            [VALUE, AREA.with_(help="the area the value is for", choices=()), FROM, TO, LANG]
        ),
    )
    def kpi_entity(kpi_id: str, request: Request):
        q = query(request)
        return kpis.kpi_entity(
            kpi_id, q.get("value"), q.get("area"), q.get("from"), q.get("to"), q.get("lang")
        )

    @app.get(
        "/api/kpis/{kpi_id}",
        tags=["kpi"],
        summary="One KPI; thresholds in another unit",
        **declared([LANG, UNIT]),
    )
    def kpi_one(kpi_id: str, request: Request):
        q = query(request)
        return kpis.kpi(kpi_id, q.get("lang"), q.get("unit"))

    @app.get(
        "/api/units/convert",
        tags=["kpi"],
        summary="Convert a value between units (µg/m³ <-> ppb at a stated temperature)",
        **declared(
            [VALUE, FROM.with_(required=True), TO.with_(required=True), POLLUTANT, TEMPERATURE_K]
        ),
    )
    def units_convert(request: Request):
        q = query(request)
        return kpis.convert_units(
            q.get("value"), q.get("from"), q.get("to"), q.get("pollutant"), q.get("temperature_k")
        )

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
        **declared([AQ_INDEX, POLLUTANT.with_(required=True), VALUE.with_(minimum=0)]),
    )
    def aq_classify(request: Request):
        q = query(request)
        return kpis.aq_classify(q.get("index"), q.get("pollutant"), q.get("value"))

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
        **declared([NUTS, VERSION], body=EEA_CSV_BODY),
    )
    async def aq_post(request: Request):
        q = query(request)
        return kpis.aq_assess(await request.body(), q.get("nuts"), q.get("version"))

    @app.get("/api/compass/targets", tags=["compass"], summary="Digital Decade 2030 targets")
    def compass_targets():
        return compass.targets()

    @app.get(
        "/api/compass/{region}",
        tags=["compass"],
        summary="A region's distance to the 2030 targets, in people",
        **declared([CODE_VERSION]),
    )
    def compass_region(region: str, request: Request):
        return compass.plan(region, query(request).get("version"))

    @app.get(
        "/api/figures",
        tags=["figures"],
        summary="Stored region figures recoded to a NUTS version (method stated per value)",
        **declared(FIGURES),
    )
    def figures_list(request: Request):
        return figures.figures(query(request))
