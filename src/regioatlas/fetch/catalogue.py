"""The catalogue of remote sources: what each publisher publishes, where, and how it is read.

Every entry is a :class:`RemoteSource` registered by name in :data:`REMOTE_SOURCES` (the same
:class:`regioatlas.plugins.Registry` door as sources and stores; third parties add theirs
through the ``regioatlas.remote_sources`` entry-point group). URLs are the publishers'
official download addresses; ``docs/sources.md`` cites where each is documented and says
which were not checked live. A mirror replaces scheme and host and keeps path and query
(:func:`resolve_url`), so one base-URL setting points every source at it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TypedDict
from urllib.parse import urlsplit

from regioatlas.model.errors import BadInput
from regioatlas.plugins import Registry


@dataclass(frozen=True)
class RemoteFile:
    """One file of a publication.

    ``url`` and ``name`` may hold ``{value}``, filled with each value the source is fetched
    for (a country, a programme). ``extract`` names the zip members to take out (by base
    name; they are renamed ``<source>-<member>`` so datasets of different programmes never
    share an id). ``columns`` are columns the file's (or each extracted member's) header must
    have: the check that notices a publisher changing the layout before anything is replaced.
    ``post_json`` makes the request a POST of that JSON body (services that only answer POST).
    """

    url: str
    name: str
    kind: str
    extract: tuple[str, ...] = ()
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    delimiter: str = ","
    post_json: dict | None = None

    def for_value(self, value: str | None) -> RemoteFile:
        if value is None:
            return self
        body = self.post_json
        if body is not None:
            body = json.loads(json.dumps(body).replace("{value}", value))
        return RemoteFile(
            self.url.replace("{value}", value),
            self.name.replace("{value}", value),
            self.kind,
            self.extract,
            self.columns,
            self.delimiter,
            body,
        )


@dataclass(frozen=True)
class RemoteSource:
    """A publication RegioAtlas can download, with its provenance and how to ingest it.

    ``ingest_as`` is the reader (``regioatlas sources``) the files go through; None when
    RegioAtlas has no reader for the layout yet, with the reason in ``not_ingested``.
    ``parameter`` names what the source is fetched for when it is published in parts
    (``"country"``, ``"programme"``), with ``defaults``.
    """

    name: str
    title: str
    publisher: str
    licence: str
    attribution: str
    documentation: str
    files: tuple[RemoteFile, ...]
    ingest_as: str | None = None
    not_ingested: str = ""
    allow_partial: bool = False
    parameter: str | None = None
    defaults: tuple[str, ...] = ()

    def files_for(self, values: tuple[str, ...] | None = None) -> list[RemoteFile]:
        """The files to download, each templated file once per value."""
        if self.parameter is None:
            if values:
                raise BadInput(
                    f"{self.name} is published whole; it takes no --for values", parameter="for"
                )
            return list(self.files)
        chosen = values or self.defaults
        out: list[RemoteFile] = []
        for f in self.files:
            if "{value}" in f.url or "{value}" in json.dumps(f.post_json or {}):
                out.extend(f.for_value(v) for v in chosen)
            else:
                out.append(f)
        return out


# What a publisher's sources share, spread into each RemoteSource; a TypedDict per group so
# the type checker knows which fields the spread sets (and that none is given twice).
class _Publisher(TypedDict):
    publisher: str
    licence: str
    attribution: str


class _Documented(_Publisher):
    documentation: str


class _Cordis(_Publisher):
    ingest_as: str
    allow_partial: bool


class _Kohesio(_Documented):
    not_ingested: str
    parameter: str
    defaults: tuple[str, ...]


class _Gisco(_Documented):
    not_ingested: str


def resolve_url(url: str, base_url: str | None) -> str:
    """The URL to request: the official one, or the same path and query on a mirror.

    Example
    -------
    >>> resolve_url("https://cordis.europa.eu/data/x.zip?a=1", "http://127.0.0.1:8080/m")
    'http://127.0.0.1:8080/m/data/x.zip?a=1'
    >>> resolve_url("https://cordis.europa.eu/data/x.zip", None)
    'https://cordis.europa.eu/data/x.zip'
    """
    if not base_url:
        return url
    parts = urlsplit(url)
    return base_url.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")


# --------------------------------------------------------------------------- CORDIS
_CORDIS = _Cordis(
    publisher="European Commission, Publications Office of the EU (CORDIS)",
    licence="CC BY 4.0",
    attribution="© European Union, CORDIS",
    ingest_as="cordis",
    # The official exports hold a few rows the reader rejects (e.g. activityType "PRC;PRC"):
    # those are reported, the rest ingested, as `regioatlas ingest --allow-partial` does.
    allow_partial=True,
)
_CORDIS_COLUMNS = {
    "project.csv": ("id", "acronym", "title", "startDate", "endDate", "totalCost"),
    "organization.csv": (
        "projectID",
        "organisationID",
        "name",
        "country",
        "nutsCode",
        "geolocation",
        "ecContribution",
    ),
}


def _cordis_zip(programme: str) -> RemoteFile:
    return RemoteFile(
        url=f"https://cordis.europa.eu/data/cordis-{programme}projects-csv.zip",
        name=f"cordis-{programme}projects-csv.zip",
        kind="zip",
        extract=("project.csv", "organization.csv"),
        columns=_CORDIS_COLUMNS,
        delimiter=";",
    )


CORDIS_H2020 = RemoteSource(
    name="cordis-h2020",
    title="CORDIS: EU research projects under Horizon 2020 (2014-2020), projects and organisations",
    documentation="https://data.europa.eu/data/datasets/cordish2020projects",
    files=(_cordis_zip("h2020"),),
    **_CORDIS,
)
CORDIS_HORIZON = RemoteSource(
    name="cordis-horizon",
    title="CORDIS: EU research projects under Horizon Europe (2021-2027), projects and organisations",
    documentation=(
        "https://data.europa.eu/data/datasets/"
        "cordis-eu-research-projects-under-horizon-europe-2021-2027"
    ),
    files=(_cordis_zip("HORIZON"),),
    **_CORDIS,
)
CORDIS_FP7 = RemoteSource(
    name="cordis-fp7",
    title="CORDIS: EU research projects under FP7 (2007-2013), projects and organisations",
    documentation="https://data.europa.eu/data/datasets/cordisfp7projects",
    files=(_cordis_zip("fp7"),),
    **_CORDIS,
)

# --------------------------------------------------------------------------- Kohesio
_KOHESIO = _Kohesio(
    publisher="European Commission, DG REGIO (Kohesio)",
    licence="© European Union, re-use under the Commission's re-use policy (CC BY 4.0)",
    attribution="Source: Kohesio, European Commission",
    documentation="https://kohesio.ec.europa.eu/en/data",
    not_ingested="no reader for the Kohesio XLSX layout yet (a profile is the way to add one)",
    parameter="country",
    defaults=("FI", "AT"),
)
KOHESIO_PROJECTS = RemoteSource(
    name="kohesio-projects",
    title="Kohesio: cohesion-policy projects 2014-2020 and 2021-2027, one export per country",
    files=tuple(
        RemoteFile(
            url=f"https://kohesio.ec.europa.eu/api/data/object?id=data/projects/latest_{{value}}-{p}.xlsx",
            name=f"kohesio_projects_{{value}}_{p}.xlsx",
            kind="xlsx",
        )
        for p in ("14-20", "21-27")
    ),
    **_KOHESIO,
)
KOHESIO_BENEFICIARIES = RemoteSource(
    name="kohesio-beneficiaries",
    title="Kohesio: beneficiaries of cohesion-policy projects, one export per country",
    files=tuple(
        RemoteFile(
            url=f"https://kohesio.ec.europa.eu/api/data/object?id=data/beneficiaries/latest_{{value}}-{p}.xlsx",
            name=f"kohesio_beneficiaries_{{value}}_{p}.xlsx",
            kind="xlsx",
        )
        for p in ("14-20", "21-27")
    ),
    **_KOHESIO,
)

# --------------------------------------------------------------------------- Eurostat
_EUROSTAT_API = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data"
_EUROSTAT = _Documented(
    publisher="Eurostat",
    licence="© European Union, re-use authorised with acknowledgement (CC BY 4.0)",
    attribution="Source: Eurostat",
    documentation=("https://wikis.ec.europa.eu/display/EUROSTATHELP/API+SDMX+2.1+-+data+query"),
)
#: the tables the scorecard's indicators are computed from (analytics/indicators.py)
SCORECARD_TABLES = (
    "nama_10r_3gdp",
    "tgs00026",
    "tgs00007",
    "tgs00042",
    "tgs00096",
    "tgs00109",
    "rd_p_persreg",
    "pat_ep_rtot",
)


def _eurostat_tsv(code: str) -> RemoteFile:
    return RemoteFile(
        url=f"{_EUROSTAT_API}/{code}?format=TSV&compressed=true",
        name=f"{code}.tsv.gz",
        kind="gzip",
    )


EUROSTAT_POPULATION = RemoteSource(
    name="eurostat-population",
    title="Eurostat: population on 1 January by broad age group, sex and NUTS 3 (demo_r_pjanaggr3)",
    files=(_eurostat_tsv("demo_r_pjanaggr3"),),
    ingest_as="eurostat-population",
    **_EUROSTAT,
)
EUROSTAT_SCORECARD = RemoteSource(
    name="eurostat-scorecard",
    title="Eurostat: the regional tables of the attractiveness scorecard ("
    + ", ".join(SCORECARD_TABLES)
    + ")",
    files=tuple(_eurostat_tsv(code) for code in SCORECARD_TABLES),
    ingest_as="eurostat-tsv",
    **_EUROSTAT,
)

# --------------------------------------------------------------------------- GISCO
_GISCO = _Gisco(
    publisher="Eurostat GISCO",
    licence="re-use with acknowledgement; commercial use of boundaries needs a EuroGeographics licence",
    attribution="© EuroGeographics for the administrative boundaries",
    documentation="https://gisco-services.ec.europa.eu/distribution/v2/nuts/",
    not_ingested=(
        "boundaries are not a dataset of the store: tools/ rebuilds the shipped NUTS "
        "geometry from these files"
    ),
)
GISCO_NUTS_1M = RemoteSource(
    name="gisco-nuts-1m",
    title="GISCO NUTS 2024 regions, 1:1 million, WGS 84 (for locating points)",
    files=(
        RemoteFile(
            url="https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson/NUTS_RG_01M_2024_4326.geojson",
            name="NUTS_RG_01M_2024_4326.geojson",
            kind="json",
        ),
    ),
    **_GISCO,
)
GISCO_NUTS_20M = RemoteSource(
    name="gisco-nuts-20m",
    title="GISCO NUTS 2024 regions, 1:20 million, WGS 84 (for display)",
    files=(
        RemoteFile(
            url="https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson/NUTS_RG_20M_2024_4326.geojson",
            name="NUTS_RG_20M_2024_4326.geojson",
            kind="json",
        ),
    ),
    **_GISCO,
)

# --------------------------------------------------------------------------- keep.eu
KEEP_EU_OPERATIONS = RemoteSource(
    name="keep-eu-operations",
    title="keep.eu: list of operations of an Interreg programme (by keep.eu programme id)",
    publisher="Interact (keep.eu)",
    licence="keep.eu terms: free use citing the source (no formal open licence)",
    attribution="Source: keep.eu",
    documentation="https://keep.eu/faq/",
    files=(
        RemoteFile(
            url="https://keep.eu/api/programme/{value}?response_type=lop",
            name="keep_eu_programme_{value}_operations.xlsx",
            kind="xlsx",
        ),
    ),
    not_ingested="no reader for the keep.eu list-of-operations XLSX yet",
    parameter="programme",
    defaults=("331",),  # Interreg Central Baltic 2014-2020 (Finland, Estonia, Latvia, Sweden)
)

# --------------------------------------------------------------------------- EEA
EEA_AIR_QUALITY = RemoteSource(
    name="eea-air-quality",
    title="EEA air quality e-Reporting: verified hourly series (E1a) of a country, Parquet in a zip",
    publisher="European Environment Agency",
    licence="CC BY 4.0",
    attribution="© European Environment Agency (EEA)",
    documentation="https://eeadmz1-downloads-api-appservice.azurewebsites.net/swagger/index.html",
    files=(
        RemoteFile(
            url="https://eeadmz1-downloads-api-appservice.azurewebsites.net/ParquetFile",
            name="eea_aq_{value}_e1a.zip",
            kind="zip",
            post_json={
                "countries": ["{value}"],
                "cities": [],
                "pollutants": ["PM2.5", "PM10", "NO2", "O3"],
                "dataset": 2,
                "aggregationType": "hour",
                "email": "",
            },
        ),
    ),
    not_ingested=(
        "the service sends Parquet; the air-quality reader (regioatlas aq) reads the E1a/E2a CSV "
        "layout — convert or read the Parquet files directly"
    ),
    parameter="country",
    defaults=("FI",),
)

REMOTE_SOURCES = Registry(
    "remote source",
    {
        s.name: f"regioatlas.fetch.catalogue:{const}"
        for const, s in {
            "CORDIS_H2020": CORDIS_H2020,
            "CORDIS_HORIZON": CORDIS_HORIZON,
            "CORDIS_FP7": CORDIS_FP7,
            "KOHESIO_PROJECTS": KOHESIO_PROJECTS,
            "KOHESIO_BENEFICIARIES": KOHESIO_BENEFICIARIES,
            "EUROSTAT_POPULATION": EUROSTAT_POPULATION,
            "EUROSTAT_SCORECARD": EUROSTAT_SCORECARD,
            "GISCO_NUTS_1M": GISCO_NUTS_1M,
            "GISCO_NUTS_20M": GISCO_NUTS_20M,
            "KEEP_EU_OPERATIONS": KEEP_EU_OPERATIONS,
            "EEA_AIR_QUALITY": EEA_AIR_QUALITY,
        }.items()
    },
    group="regioatlas.remote_sources",
)


def get_remote_source(name: str) -> RemoteSource:
    """The remote source registered under ``name`` (NotFound naming the known ones otherwise).

    Example
    -------
    >>> get_remote_source("cordis-h2020").files[0].url
    'https://cordis.europa.eu/data/cordis-h2020projects-csv.zip'
    """
    return REMOTE_SOURCES.load(name)
