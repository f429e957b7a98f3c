"""Query parameters declared once: name, type, range or choices, help, label.

The OpenAPI description of every route, the CLI options of the filter commands and the web
filter panel are generated from these declarations (datasette's ``SETTINGS`` table feeds its
docs the same way). The handlers still parse the values themselves, so that every error is a
problem body naming the parameter; :func:`check_query` adds the checks that are the same on
every route: a parameter given twice that is not repeatable, and a whole number outside its
declared range, are a :class:`~regioatlas.model.errors.BadInput`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from regioatlas.analytics.aq_indices import index_ids
from regioatlas.analytics.kpis import registry as kpi_registry
from regioatlas.geo.recoding import KINDS as RECODE_KINDS
from regioatlas.geo.recoding import RECODE_VERSIONS
from regioatlas.geo.recoding import WEIGHTS as RECODE_WEIGHTS
from regioatlas.model.errors import BadInput
from regioatlas.model.query import ORG_TYPES, PROJECT_SORTS
from regioatlas.model.regions import MAPPED_VERSIONS, NUTS_VERSIONS

#: the largest row offset any list accepts (beyond it no store has rows; DuckDB overflows)
MAX_OFFSET = 1_000_000_000
#: the largest page of projects
MAX_LIMIT = 500


#: a whole number or a decimal as a query value (``int()`` and ``float()`` also take " 5",
#: "٥", "nan" and "inf", which no OpenAPI integer or number is)
INTEGER_TEXT = re.compile(r"-?[0-9]+")
NUMBER_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")


@dataclass(frozen=True)
class Param:
    """One query parameter as every door shows it, and the checks its declaration promises.

    What is declared here is both the OpenAPI schema (:meth:`openapi`) and what every route
    checks before its handler runs (:meth:`check`), so the spec cannot promise a value that
    the API refuses, nor refuse one it accepts. An optional text parameter given empty
    (``?version=``) means "not given", and the schema says so.

    Parameters
    ----------
    name : str
        The query name (``from``, ``org_type``); the CLI option is ``--from``, ``--org-type``.
    type : str
        ``"string"``, ``"integer"`` or ``"number"`` (the OpenAPI type).
    help : str
        One line for the OpenAPI description and ``--help``.
    minimum, maximum : int or None
        The range of a number.
    choices : tuple of str, or a function giving them
        The values allowed (an OpenAPI enum; a select in the web panel). A function is asked
        each time, for choices a plug-in registry can grow after the app is built (KPI areas).
    default : Any
        The value used when absent (documentation; the handler applies it).
    repeatable : bool
        True when the parameter may be given more than once (``?source=a&source=b``).
    label : str or None
        The web filter panel's label (an English gettext msgid); None keeps it out of the panel.
    panel : str
        How the panel asks for it: ``"select"`` (choices or facets), ``"years"`` or ``"text"``.
    pattern : str or None
        A regular expression the text must contain a match of (``re.search``, as JSON Schema).
    required : bool
        True when the route cannot answer without it (missing or empty: 400).
    max_length : int or None
        The longest text accepted.
    shape : str or None
        What ``pattern`` means in words, for the error message (``"a NUTS code"``).
    empty : bool
        True when an empty text means "not given" (most routes); False when it is refused.

    Example
    -------
    >>> LIMIT = Param("limit", "integer", "page size", minimum=1, maximum=MAX_LIMIT, default=50)
    >>> LIMIT.check("501")
    Traceback (most recent call last):
    ...
    regioatlas.model.errors.BadInput: limit must be between 1 and 500, not 501
    """

    name: str
    type: str
    help: str
    minimum: int | float | None = None
    maximum: int | float | None = None
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()
    default: Any = None
    repeatable: bool = False
    label: str | None = None
    panel: str = "select"
    pattern: str | None = None
    required: bool = False
    max_length: int | None = None
    shape: str | None = None
    empty: bool = True

    @property
    def options(self) -> tuple[str, ...]:
        """The values allowed now (the declared tuple, or what the declared function gives)."""
        return self.choices() if callable(self.choices) else self.choices

    def check(self, value: str) -> None:
        """Raise BadInput naming the parameter when ``value`` is outside its declaration.

        Example
        -------
        >>> Param("lang", "string", "", choices=("en", "fi")).check("sv")
        Traceback (most recent call last):
        ...
        regioatlas.model.errors.BadInput: lang 'sv' is not known; use one of en, fi
        """
        if value == "" and self.type == "string":
            if self.required or not self.empty:
                need = "is required" if self.required else "must not be empty"
                raise BadInput(f"{self.name} {need}: {self.help}", parameter=self.name)
            return  # empty text is "not given": the handler applies the default
        if self.type in ("integer", "number"):
            self._check_number(value)
            return
        if self.max_length is not None and len(value) > self.max_length:
            raise BadInput(
                f"{self.name} is longer than {self.max_length:,} characters", parameter=self.name
            )
        if self.options and not self.repeatable and value not in self.options:
            raise BadInput(
                f"{self.name} {value!r} is not known; use one of {', '.join(self.options)}",
                parameter=self.name,
            )
        pattern = self.text_pattern
        if pattern and not re.search(pattern, value):
            raise BadInput(
                f"{self.name} must be {self.shape or 'of the form ' + pattern}, not {value!r}",
                parameter=self.name,
            )

    def _check_number(self, value: str) -> None:
        whole = self.type == "integer"
        if not (INTEGER_TEXT if whole else NUMBER_TEXT).fullmatch(value):
            kind = "a whole number" if whole else "a number"
            raise BadInput(f"{self.name} must be {kind}, not {value!r}", parameter=self.name)
        number: float = int(value) if whole else float(value)
        if number in (float("inf"), float("-inf")):  # "1e400"
            raise BadInput(f"{self.name} must be a finite number", parameter=self.name)
        low = self.minimum if self.minimum is not None else "-∞"
        high = self.maximum if self.maximum is not None else "∞"
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            raise BadInput(
                f"{self.name} must be between {low} and {high}, not {number}",
                parameter=self.name,
            )

    @property
    def text_pattern(self) -> str | None:
        """The declared pattern; for a repeatable choice, a comma-separated list of choices."""
        if self.repeatable and self.options and not self.pattern:
            one = "(?:" + "|".join(re.escape(c) for c in self.options) + ")"
            return f"^{one}(?:,{one})*$"
        return self.pattern

    def with_(self, **changes: Any) -> Param:
        """The same parameter with other help, range or default (e.g. a route's own limit)."""
        return replace(self, **changes)

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3.1 parameter object: exactly what :meth:`check` accepts."""
        schema: dict[str, Any] = {"type": self.type}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        optional_text = self.type == "string" and not self.required and self.empty
        if self.options and not self.repeatable:
            schema["enum"] = [*([""] if optional_text else []), *self.options]
        pattern = self.text_pattern
        if pattern:
            schema["pattern"] = f"^$|{pattern}" if optional_text else pattern
        if self.required and self.type == "string":
            schema["minLength"] = 1
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.default is not None:
            schema["default"] = self.default
        if self.repeatable:
            schema = {"type": "array", "items": schema}
        return {
            "name": self.name,
            "in": "query",
            "required": self.required,
            "description": self.help + (" (may be repeated)" if self.repeatable else ""),
            "schema": schema,
        }

    def panel_field(self) -> dict[str, Any]:
        """What the web filter panel needs to draw this parameter."""
        return {"name": self.name, "label": self.label, "kind": self.panel, "choices": self.options}


def check_query(items: Iterable[tuple[str, str]], params: Sequence[Param]) -> None:
    """Check a request's query against the route's declared parameters.

    A declared parameter given twice that is not repeatable, or a whole number outside its
    range, raises BadInput naming it; undeclared parameters are ignored.

    Example
    -------
    >>> check_query([("from", "2019"), ("from", "2020")], FILTERS)
    Traceback (most recent call last):
    ...
    regioatlas.model.errors.BadInput: from is given 2 times; give it once
    """
    declared = {p.name: p for p in params}
    seen: dict[str, int] = {}
    for name, value in items:
        seen[name] = seen.get(name, 0) + 1
        param = declared.get(name)
        if param is not None:
            param.check(value)
    for name, count in seen.items():
        param = declared.get(name)
        if param is not None and count > 1 and not param.repeatable:
            raise BadInput(f"{name} is given {count} times; give it once", parameter=name)
    for param in params:
        if param.required and param.name not in seen:
            raise BadInput(f"{param.name} is required: {param.help}", parameter=param.name)


def openapi_parameters(params: Sequence[Param]) -> list[dict[str, Any]]:
    """The OpenAPI parameter objects of a route's query."""
    return [p.openapi() for p in params]


def query_dict(items: Iterable[tuple[str, str]]) -> dict[str, str | list[str]]:
    """A query as the handlers take it: one value, or a list for a repeated parameter.

    Example
    -------
    >>> query_dict([("source", "a"), ("source", "b"), ("q", "x")])
    {'source': ['a', 'b'], 'q': 'x'}
    """
    out: dict[str, str | list[str]] = {}
    for name, value in items:
        if name in out:
            have = out[name]
            out[name] = [*have, value] if isinstance(have, list) else [have, value]
        else:
            out[name] = value
    return out


# --- the declarations ------------------------------------------------------------------------
YEARS = "YYYY-MM-DD or YYYY"
#: a year 0001-9999 (``date`` has no year 0), a real day of a month, 29 February of leap years
_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"
_MONTH_DAY = (
    "(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
    "|(?:0[13578]|1[02])-31)"
)
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
#: YYYY or a calendar date: the pattern itself refuses 2021-02-30, so the spec promises only
#: dates the handlers can read
DATE_PATTERN = f"^(?:{_YEAR}(?:-{_MONTH_DAY})?|{_LEAP_YEAR}-02-29)$"
#: the shape of a NUTS code of any level (a well-formed code naming no region is a 404)
NUTS_CODE = "^[A-Za-z]{2}[0-9A-Za-z]{0,3}$"
NUTS_SHAPE = "a NUTS code (two letters, then up to three letters or digits)"
COUNTRY_LIST = "^[A-Za-z]{2}(?:,[A-Za-z]{2})*$"
ALL_VERSIONS = tuple(str(v) for v in NUTS_VERSIONS)

#: the atlas filters of the project list, the aggregates, the downloads and the similarity finder
FILTERS: tuple[Param, ...] = (
    Param("source", "string", "source name(s), comma-separated (see /api/facets)",
          repeatable=True, label="Source"),
    Param("programme", "string", "programme(s), e.g. H2020, HORIZON",
          repeatable=True, label="Programme"),
    Param("fund", "string", "fund(s), e.g. ERDF, ESF", repeatable=True, label="Fund"),
    Param("country", "string", "participant country code(s), EL for Greece",
          repeatable=True, label="Country", pattern=COUNTRY_LIST,
          shape="two-letter country codes, comma-separated"),
    Param("org_type", "string", "organisation type(s)", choices=ORG_TYPES,
          repeatable=True, label="Organisation type"),
    Param("from", "string", f"period start ({YEARS}): projects running on or after",
          label="From year", panel="years", pattern=DATE_PATTERN, shape=f"a date ({YEARS})"),
    Param("to", "string", f"period end ({YEARS}): projects running on or before",
          label="To year", panel="years", pattern=DATE_PATTERN, shape=f"a date ({YEARS})"),
    Param("q", "string", "text in title, acronym, objective or topics", label="Topic",
          panel="text", max_length=500),
    Param("region", "string", "NUTS code of any level and version; participants located in it",
          pattern=NUTS_CODE, shape=NUTS_SHAPE),
    Param("version", "string",
          f"NUTS version of `region`, {NUTS_VERSIONS[0]}-{NUTS_VERSIONS[-1]} (default: the "
          "latest the code is valid in); recoded to the atlas regions", choices=ALL_VERSIONS),
)  # fmt: skip

LIMIT = Param("limit", "integer", "page size", minimum=1, maximum=MAX_LIMIT, default=50)
OFFSET = Param("offset", "integer", "rows to skip", minimum=0, maximum=MAX_OFFSET, default=0)
SORT = Param(
    "sort",
    "string",
    "sort by " + ", ".join(PROJECT_SORTS) + "; prefix - for descending",
    default="id",
    pattern=f"^-?(?:{'|'.join(PROJECT_SORTS)})$",
    shape="a sort key (" + ", ".join(PROJECT_SORTS) + "), prefix - for descending",
)
PAGING: tuple[Param, ...] = (LIMIT, OFFSET, SORT)

VERSION = Param(
    "version",
    "string",
    "NUTS version of the listing, one with maps ("
    + ", ".join(map(str, MAPPED_VERSIONS))
    + "; default 2024)",
    choices=tuple(str(v) for v in MAPPED_VERSIONS),
)
LEVEL = Param("level", "integer", "NUTS level 0-3", minimum=0, maximum=3, default=2)
ZOOM = Param("zoom", "number", "simplify the geometry for this map zoom", minimum=0, maximum=24)
#: a lon/lat box: only the regions that meet it (a map asks for what its view shows)
NUMBER = r"-?\d+(?:\.\d+)?"
GEOMETRY_BBOX = Param(
    "bbox",
    "string",
    "only the regions whose box meets west,south,east,north (degrees, CRS84)",
    pattern=f"^{NUMBER}(?:,{NUMBER}){{3}}$",
    shape="four numbers: west,south,east,north",
)
COUNTRY = Param(
    "country",
    "string",
    "country code, EL for Greece",
    pattern="^[A-Za-z]{2}$",
    shape="a two-letter country code",
)
#: a region named by a code of any NUTS version (resolved by ``geo.regions``)
REGION = Param("region", "string", "NUTS code of any level and version", pattern=NUTS_CODE,
               shape=NUTS_SHAPE)  # fmt: skip
#: the NUTS version a region code is read in
CODE_VERSION = Param("version", "string", "NUTS version of the code (2006-2024); default: the "
                     "latest", choices=ALL_VERSIONS)  # fmt: skip
LANG = Param(
    "lang",
    "string",
    "language of names: en, fi, de, it, fr",
    default="en",
    choices=("en", "fi", "de", "it", "fr"),
)
YEAR = Param("year", "integer", "year (default: the latest)", minimum=1900, maximum=2100)
SEARCH_TEXT = Param(
    "q",
    "string",
    "the name or part of it (2-200 characters)",
    required=True,
    pattern=r"\S[\s\S]*\S",  # two characters that are not spaces: the handler strips them
    max_length=200,
    shape="at least 2 characters besides spaces",
)
MIN_POPULATION = Param(
    "min_population", "integer", "smallest population", minimum=20_000, maximum=50_000_000
)

# scorecard (issue 4)
SCORECARD: tuple[Param, ...] = (
    CODE_VERSION,
    Param("peers", "integer", "number of peer regions", minimum=1, maximum=20, default=5),
    Param("as_of", "integer", "use values up to this year", minimum=1900, maximum=2100),
    Param("peer_scope", "string", "peers from", choices=("eu", "type", "country"), default="eu"),
    Param("type", "string", "override the typology class",
          choices=("metropolis", "next_to_metropolis", "other")),
    Param("metropolis", "string", "override the metropolis to compare with (NUTS code)",
          pattern=NUTS_CODE, shape=NUTS_SHAPE),
)  # fmt: skip
#: ``id:2,other:0.5``: what ``scorecard.parse_weights`` reads
_WEIGHT = "[A-Za-z0-9_]+:[0-9]+(?:\\.[0-9]+)?"
WEIGHTS = f"^{_WEIGHT}(?:,{_WEIGHT})*$"
COMPOSITE: tuple[Param, ...] = (
    LEVEL.with_(help="NUTS level", minimum=2, maximum=3, default=2),
    Param("normalisation", "string", "to [1, 100] or z-scores", choices=("minmax", "zscore")),
    Param("aggregation", "string", "geometric needs minmax", choices=("arithmetic", "geometric")),
    Param("weighting", "string", "weights", choices=("equal", "user", "pca")),
    Param("weights", "string", "indicator weights for weighting=user, e.g. gdp_per_head_pps:2",
          pattern=WEIGHTS, shape="id:weight pairs that look like 'id:2,other:1'"),
    Param("pillar_weights", "string", "pillar weights for weighting=user, e.g. competence:2",
          pattern=WEIGHTS, shape="id:weight pairs that look like 'competence:2,capacity:1'"),
    Param("indicators", "string", "indicator ids to use (comma-separated; default: all)"),
    Param("missing", "string", "missing values", choices=("reweight", "complete")),
    Param("min_share", "number", "share of indicators a region needs (default 2/3)",
          minimum=0.01, maximum=1.0),
    Param("runs", "integer", "uncertainty runs", minimum=0, maximum=10_000, default=1000),
    Param("seed", "integer", "random seed", minimum=0, maximum=2**32 - 1, default=0),
    Param("spread", "number", "weight perturbation: factor uniform in [1-spread, 1+spread]",
          minimum=0.0, maximum=0.95),
    COUNTRY.with_(help="show only this country's regions (ranks stay EU-wide)"),
)  # fmt: skip

# KPIs, units, air quality, figures (issue 5)


def kpi_areas() -> tuple[str, ...]:
    """The areas of the KPI catalogue, plug-in KPIs registered after the app started included."""
    return tuple(sorted({kpi.area for kpi in kpi_registry().values()}))


AQ_INDICES = tuple(index_ids())
AREA = Param("area", "string", "KPI area", choices=kpi_areas)
FROM = Param("from", "string", "from (a unit, or the period start for an entity)")
TO = Param("to", "string", "to (a unit, or the period end for an entity)")
VALUE = Param("value", "number", "the value", required=True)
UNIT = Param("unit", "string", "express the thresholds in this unit, e.g. ppb")
POLLUTANT = Param("pollutant", "string", "pollutant, e.g. NO2, O3, PM2.5")
TEMPERATURE_K = Param(
    "temperature_k", "number", "temperature of the conversion in kelvin", minimum=1
)
AQ_INDEX = Param("index", "string", "air-quality index", choices=AQ_INDICES, required=True)
NUTS = Param(
    "nuts", "string", "NUTS code of the stations' region", pattern=NUTS_CODE, shape=NUTS_SHAPE
)
FIGURES: tuple[Param, ...] = (
    Param("indicator", "string", "indicator id, e.g. population", required=True),
    Param(
        "version",
        "string",
        "NUTS version to recode to (default 2024)",
        choices=tuple(str(v) for v in RECODE_VERSIONS),
    ),
    Param(
        "kind",
        "string",
        "extensive (adds up: persons, EUR) or intensive (rates); default: from the unit",
        choices=RECODE_KINDS,
    ),
    Param("weight", "string", "weight of a split (default population)", choices=RECODE_WEIGHTS),
    YEAR.with_(help="year"),
    Param("region", "string", "NUTS code", pattern=NUTS_CODE, shape=NUTS_SHAPE),
    LIMIT.with_(maximum=20_000, default=5000),
    OFFSET,
)

# similarity (issue 6)
METHOD = Param("method", "string", "retrieval method", choices=("lexical", "semantic", "hybrid"))
HOME = Param(
    "home",
    "string",
    "NUTS code of the asker's region: results there are overlaps",
    pattern=NUTS_CODE,
    shape=NUTS_SHAPE,
)
SIMILAR: tuple[Param, ...] = (
    METHOD,
    LIMIT.with_(help="results", maximum=100, default=10),
    Param("per_source", "integer", "best results per other source in `by_source`",
          minimum=0, maximum=20, default=3),
)  # fmt: skip
SIMILAR_TEXT: tuple[Param, ...] = (
    Param(
        "text",
        "string",
        "the text to compare: a project idea, an objective, a strategy",
        required=True,
        # longer than 20,000 characters: 413 from the handler (what is too large to compare)
    ),
    HOME,
    *SIMILAR,
)
OVERLAPS: tuple[Param, ...] = (
    METHOD,
    LIMIT.with_(help="pairs", maximum=1000, default=50),
    Param("min_score", "number", "leave out pairs scoring less"),
    Param("format", "string", "json or csv (a download)", choices=("json", "csv"), default="json"),
)
PARTNERS: tuple[Param, ...] = (
    Param("text", "string", "what the partners should have done (or give `project`)"),
    Param("project", "string", "a project id: partners for it; its own partners are excluded"),
    HOME.with_(help="NUTS code: organisations there, and those working with it, are excluded"),
    METHOD,
    LIMIT.with_(help="organisations", maximum=100, default=20),
)


# --- NGSI-LD (/ngsi-ld/v1, ETSI GS CIM 009 names) ---------------------------------------
NGSI_LIMIT = Param("limit", "integer", "entities per page", minimum=0, maximum=1000, default=20)
NGSI_OFFSET = Param("offset", "integer", "entities to skip", minimum=0, maximum=10**9, default=0)
#: the NGSI-LD representation options RegioAtlas serves (``options`` and ``format``)
NGSI_OPTION_NAMES = ("keyValues", "simplified", "normalized", "sysAttrs", "count")
NGSI_OPTIONS = Param(
    "options",
    "string",
    "keyValues (simplified), normalized, sysAttrs, count; comma-separated",
    repeatable=True,
    choices=NGSI_OPTION_NAMES,
)
NGSI_ATTRS = Param("attrs", "string", "attribute names (comma-separated)", repeatable=True)
NGSI_FORMAT = Param(
    "format", "string", "the representation, as an option", choices=NGSI_OPTION_NAMES
)
GEOREL = (
    r"^(?:near;(?:maxDistance|minDistance)==[0-9]+(?:\.[0-9]+)?"
    "|within|contains|intersects|disjoint|equals)$"
)
GEO_QUERY_GEOMETRIES = (
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"
)  # fmt: skip
NGSI_ENTITY: tuple[Param, ...] = (NGSI_ATTRS, NGSI_OPTIONS, NGSI_FORMAT)
NGSI_QUERY: tuple[Param, ...] = (
    Param("type", "string", "entity types (comma-separated)", repeatable=True),
    Param("id", "string", "entity ids (comma-separated)", repeatable=True),
    Param("idPattern", "string", "a regular expression the entity id matches"),
    Param("q", "string", 'NGSI-LD query, e.g. kpiValue>10;area=="FI1C3"'),
    *NGSI_ENTITY,
    Param(
        "georel",
        "string",
        "near;maxDistance==<m>, near;minDistance==<m>, within, "
        "contains, intersects, disjoint or equals",
        pattern=GEOREL,
        shape="a georel",
    ),
    Param("geometry", "string", "the geometry of the geo-query", choices=GEO_QUERY_GEOMETRIES),
    Param("coordinates", "string", "GeoJSON coordinates of the geometry, e.g. [24.9,60.2]"),
    Param("count", "string", "true: the total in the NGSILD-Results-Count header"),
    NGSI_LIMIT,
    NGSI_OFFSET,
)
NGSI_TEMPORAL: tuple[Param, ...] = (
    *NGSI_QUERY,
    Param("timerel", "string", "before, after or between", choices=("before", "after", "between")),
    Param("timeAt", "string", "an ISO 8601 date-time with a time zone"),
    Param("endTimeAt", "string", "the end of a between interval"),
    Param("lastN", "integer", "only the last N instances", minimum=0, maximum=100_000),
)
NGSI_DETAILS = Param("details", "string", "true: the type details")
# OGC API – Features (issue 12). ``limit`` has no declared maximum: OGC asks a larger limit to
# be served as the largest page, not refused.
OGC_MAX_LIMIT = 10_000
OGC_FORMAT = Param("f", "string", "encoding: json or html", choices=("json", "html"), empty=False)
OGC_ITEMS: tuple[Param, ...] = (
    Param("limit", "integer", f"features per page (at most {OGC_MAX_LIMIT})", minimum=1, default=10),
    OFFSET.with_(help="features to skip (the next and prev links carry it)"),
    Param("bbox", "string", "west,south,east,north (4 or 6 numbers) in bbox-crs"),
    Param("bbox-crs", "string", "CRS of bbox (default CRS84)"),
    Param("datetime", "string", "a date-time, a date, or an interval a/b ('..' open)"),
    Param("crs", "string", "CRS of the answer's coordinates (see the collection's crs list)"),
    Param("properties", "string", "the properties to return, comma-separated"),
    Param("sortby", "string", "queryables to sort by, comma-separated; prefix - for descending"),
    Param("filter", "string", "a CQL2 filter (text or JSON, see filter-lang)"),
    Param("filter-lang", "string",
          "cql2-text (default) or cql2-json; cql-text, the draft's name, is read as cql2-text",
          choices=("cql2-text", "cql2-json", "cql-text")),
    Param("filter-crs", "string", "CRS of the geometries in filter (default CRS84)"),
    OGC_FORMAT,
)  # fmt: skip
OGC_ITEM: tuple[Param, ...] = (
    Param("crs", "string", "CRS of the answer's coordinates"),
    OGC_FORMAT,
)


def filter_panel() -> list[dict[str, Any]]:
    """The fields of the web filter panel, in order (from :data:`FILTERS`).

    Example
    -------
    >>> [f["name"] for f in filter_panel()][:3]
    ['source', 'programme', 'fund']
    """
    return [p.panel_field() for p in FILTERS if p.label]


# open data (issue 12): downloads and the DCAT-AP catalogue
EXPORT_FORMAT = Param(
    "format", "string", "download format", choices=("csv", "geojson", "gpkg", "parquet", "xlsx")
)
CATALOGUE_FORMAT = Param(
    "format",
    "string",
    "catalogue serialisation (default: from the Accept header, else JSON-LD)",
    choices=("jsonld", "ttl", "rdf"),
)
REGION_EXPORT: tuple[Param, ...] = (
    LEVEL,
    ZOOM.with_(help="simplify the polygons for this map zoom (default: the full geometry)"),
)
