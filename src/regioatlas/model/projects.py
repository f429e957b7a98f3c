"""Projects, participants, their locations and the datasets they come from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(slots=True)
class PlaceHint:
    """Everything a source says about where a participant or operation is.

    The locator picks the most precise usable clue (see ``regioatlas.geo.locate``).
    """

    country: str | None = None
    nuts_code: str | None = None
    nuts_version: int | None = None
    lat: float | None = None
    lon: float | None = None
    crs: str | None = None  # e.g. "EPSG:4326"; None means EPSG:4326
    postcode: str | None = None
    city: str | None = None
    lau_code: str | None = None  # national LAU code, e.g. Austrian Gemeindekennziffer "40101"
    body_region: str | None = None  # NUTS code of an intermediate body's area
    body_region_version: int | None = None


@dataclass(slots=True)
class Location:
    """Where a participant is, as NUTS codes of one version, and how we know it.

    ``method`` is one of ``nuts_code``, ``nuts_code_recoded``, ``coordinates``, ``postcode``,
    ``lau_code``, ``municipality_name``, ``geonames_place``, ``intermediate_body``, ``country``,
    ``none``. ``confidence`` is in [0, 1].
    """

    version: int
    method: str
    confidence: float
    nuts0: str | None = None
    nuts1: str | None = None
    nuts2: str | None = None
    nuts3: str | None = None
    detail: str | None = None

    @property
    def level(self) -> int | None:
        """The finest NUTS level reached, or None when not even the country is known."""
        for lvl, code in ((3, self.nuts3), (2, self.nuts2), (1, self.nuts1), (0, self.nuts0)):
            if code:
                return lvl
        return None


@dataclass(slots=True)
class Project:
    """A funded project or cohesion-policy operation.

    ``id`` is unique in a store: ``"{source}:{native_id}"``. Money is in EUR; the original
    amount, currency, rate (units of currency per EUR) and rate date are kept beside it.
    """

    id: str
    source: str
    native_id: str
    programme: str | None = None
    fund: str | None = None
    title: str | None = None
    acronym: str | None = None
    objective: str | None = None
    topics: list[str] = field(default_factory=list)
    status: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    total_cost_eur: float | None = None
    eu_contribution_eur: float | None = None
    currency: str = "EUR"
    total_cost_original: float | None = None
    eu_contribution_original: float | None = None
    exchange_rate: float | None = None
    #: EU plus national public funding, where a list gives only that sum (the Finnish list's
    #: "Myönnetty EU- ja valtion rahoitus"): a measure of its own, never an EU contribution.
    public_funding_eur: float | None = None
    public_funding_original: float | None = None
    rate_date: date | None = None
    country: str | None = None
    language: str | None = None
    url: str | None = None
    source_line: int | None = None


@dataclass(slots=True)
class Participant:
    """An organisation's part in a project (for an operation: its beneficiary)."""

    project_id: str
    seq: int
    name: str | None = None
    org_id: str | None = None
    short_name: str | None = None
    org_type: str | None = None  # CORDIS activity type: HES, PRC, REC, PUB, OTH
    role: str | None = None
    sme: bool | None = None
    eu_contribution_eur: float | None = None
    eu_contribution_original: float | None = None
    currency: str = "EUR"
    place: PlaceHint = field(default_factory=PlaceHint)
    location: Location | None = None
    source_line: int | None = None


@dataclass(slots=True)
class Dataset:
    """One ingest of one or more files of a source, with its provenance."""

    id: str
    source: str
    files: list[str]
    sha256: str
    publisher: str
    licence: str
    attribution: str
    ingested_at: datetime
    project_count: int = 0
    participant_count: int = 0
    rejected_count: int = 0
    location_report: dict = field(default_factory=dict)
    recognised_as: str | None = None
    profile: str | None = None
    #: the publication date or version as its publisher states it ("2020-12", a Last-Modified)
    published: str | None = None
    #: when the files were downloaded by ``regioatlas fetch`` (None: given by hand)
    fetched_at: datetime | None = None
    #: the years the rows cover (projects' start years, figures' reference years)
    first_year: int | None = None
    last_year: int | None = None


@dataclass(slots=True)
class RegionFigure:
    """A published figure for a region: keep.eu aggregates, Eurostat population, ...

    ``flag`` keeps the publisher's flag (Eurostat ``p``, ``e``, ``b``; ``:`` for missing).
    """

    indicator: str
    nuts_code: str
    nuts_version: int
    value: float | None
    unit: str
    year: int | None = None
    flag: str | None = None
    source_line: int | None = None
