"""One registry of features: each declares its API routes, pages, page script, CLI and datasets.

A feature is a :class:`Feature` entry of :data:`FEATURES`, one ``plugins.Registry`` like the
sources and stores: built-ins by name → dotted path, third parties through the
``regioatlas.features`` entry-point group or :meth:`~regioatlas.plugins.Registry.register`.
The atlas itself is registered like the others (datasette writes its built-ins as plug-ins).

The declarations are strings and dotted paths, so the CLI reads them without importing
FastAPI. The web app registers every feature's routes and pages, the shell loads every page
script, the CLI imports every command module; a feature whose module fails to import stops
the start-up with its error, it is never silently dropped.

Adding an API family: one module in ``api/`` (handlers), one ``web/routes_<name>.py`` with
``register(app, atlas)``, and one :class:`Feature` entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

from regioatlas.plugins import Registry


@dataclass(frozen=True)
class Feature:
    """What one feature adds to the API, the web app, the CLI and the demo.

    Parameters
    ----------
    name : str
        Short name (``"scorecard"``), also the shell's feature flag.
    title : str
        One line for people.
    routes : str or None
        Dotted path of ``register(app: FastAPI, atlas: Atlas) -> None`` adding its API routes.
    pages : tuple of str
        URL paths the web app's shell serves for its views (``"/scorecard/{code}"``).
    script : str or None
        Its page script, ``web/static/app/<script>.js`` (registers views through ``RA.registerView``).
    cli : str or None
        Dotted path of the module whose import adds its commands to ``regioatlas``.
    datasets : tuple of str
        The demo datasets (source names of ``regioatlas.demo.DEMO_DATASETS``) it needs.

    Example
    -------
    >>> FEATURES.load("scorecard").pages
    ('/scorecard', '/scorecard/{code}')
    """

    name: str
    title: str
    routes: str | None = None
    pages: tuple[str, ...] = ()
    script: str | None = None
    cli: str | None = None
    datasets: tuple[str, ...] = ()


ATLAS = Feature(
    "atlas",
    "Projects on NUTS regions: map, region and project pages, search, downloads, datasets",
    routes="regioatlas.web.routes_atlas:register",
    pages=(
        "/",
        "/region/{code}",
        "/project/{project_id:path}",
        "/data",
        "/data/{code}",
        "/compare",
    ),
    script="app",
    cli="regioatlas.cli.atlas",
    datasets=(
        "eurostat-population",
        "cordis-h2020",
        "cordis-he-sample",
        "cordis-he-results",
        "fi-rakennerahastot",
        "at-efre",
        "pl-mapadotacji",
        "keep-eu",
    ),
)
SCORECARD = Feature(
    "scorecard",
    "Attractiveness scorecard, typology, indicators and composite index",
    routes="regioatlas.web.routes_scorecard:register",
    pages=("/scorecard", "/scorecard/{code}"),
    script="scorecard",
    cli="regioatlas.cli.scorecard",
    datasets=("eurostat-tsv", "eurostat-sdmx-csv", "eurostat-csv"),
)
KPI = Feature(
    "kpi",
    "Common KPIs, unit conversion, air quality side by side, Digital Compass, recoded figures",
    routes="regioatlas.web.routes_kpi:register",
    pages=("/compass", "/compass/{code}", "/air-quality", "/air-quality/{code}"),
    script="kpi",
    cli="regioatlas.cli.kpi",
    datasets=("digital-decade", "eurostat-regional-digital", "eea-aq"),
)
SIMILARITY = Feature(
    "similarity",
    "Similar projects, synergies, overlaps and partner search",
    routes="regioatlas.web.routes_similarity:register",
    pages=("/partners", "/partners/{code}"),
    script="similarity",
    cli="regioatlas.cli.similarity",
)
OPEN_DATA = Feature(
    "open-data",
    "Open data: DCAT-AP 3 catalogue, downloads in CSV, GeoJSON, GeoPackage, Parquet and XLSX, "
    "permalinks",
    routes="regioatlas.web.routes_dcat:register",
)
OGC = Feature(
    "ogc",
    "OGC API – Features under /ogc: NUTS regions, projects, operations, participants, aggregates",
    routes="regioatlas.web.routes_ogc:register",
)
STORES = Feature(
    "stores",
    "Store administration: copy, back up and restore stores (DuckDB, PostgreSQL/PostGIS)",
    cli="regioatlas.cli.store",
)
FETCH = Feature(
    "fetch",
    "Fetch the official publications (CORDIS, Kohesio, Eurostat, GISCO, keep.eu, EEA) and keep them current",
    cli="regioatlas.cli.fetch",
)
SERVER = Feature(
    "server",
    "Server mode: API tokens and roles, uploads as jobs, dataset removal, the audit log",
    routes="regioatlas.web.routes_server:register",
    cli="regioatlas.cli.server",
)
ORGANISATIONS = Feature(
    "organisations",
    "Organisations matched across sources by PIC, VAT number or name and place",
    routes="regioatlas.web.routes_organisations:register",
    pages=("/organisation/{org_id}",),
    script="organisations",
)
NGSI_LD = Feature(
    "ngsi-ld",
    "NGSI-LD (ETSI GS CIM 009) with Smart Data Models entities under /ngsi-ld/v1",
    routes="regioatlas.web.routes_ngsi_ld:register",
)

PRACTICES = Feature(
    "practices",
    "Good-practice exchange: practices, action plans, transfers, review, search, recommendations",
    routes="regioatlas.web.routes_practices:register",
    pages=(
        "/practices",
        "/practice/{practice_id}",
        "/learn/{code}",
        "/plan/{plan_id}",
        "/practices/edit",
    ),
    script="practices",
    cli="regioatlas.cli.practices",
)

#: every feature, the atlas first (its page script defines the shared ``RA`` the others use)
FEATURES = Registry(
    "feature",
    {
        "atlas": "regioatlas.features:ATLAS",
        "scorecard": "regioatlas.features:SCORECARD",
        "kpi": "regioatlas.features:KPI",
        "similarity": "regioatlas.features:SIMILARITY",
        "open-data": "regioatlas.features:OPEN_DATA",
        "ogc": "regioatlas.features:OGC",
        "stores": "regioatlas.features:STORES",
        "fetch": "regioatlas.features:FETCH",
        "server": "regioatlas.features:SERVER",
        "ngsi-ld": "regioatlas.features:NGSI_LD",
        "organisations": "regioatlas.features:ORGANISATIONS",
        "practices": "regioatlas.features:PRACTICES",
    },
    group="regioatlas.features",
)


def load_features() -> list[Feature]:
    """Every registered feature, in registry order; a broken entry raises.

    Example
    -------
    >>> [f.name for f in load_features()][:2]
    ['atlas', 'scorecard']
    """
    features = []
    for name, feature in FEATURES.load_all().items():
        if not isinstance(feature, Feature):
            raise TypeError(
                f"feature {name!r} ({FEATURES.target(name)}) is a {type(feature).__name__}, "
                "not a regioatlas.features.Feature"
            )
        features.append(feature)
    return features
