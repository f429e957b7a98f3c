"""Turn query parameters (strings) into validated filter values, or a 400 naming the parameter."""

from __future__ import annotations

import re
from datetime import date

from regioatlas.api.parameters import LIMIT, MAX_LIMIT, OFFSET
from regioatlas.api.problems import bad_request
from regioatlas.geo.regions import (
    ResolvedRegion,
    parse_mapped_version,
    parse_nuts_version,
    resolve_region,
)
from regioatlas.model.query import ORG_TYPES, PROJECT_SORTS, Page, ProjectFilter
from regioatlas.model.regions import ATLAS_VERSION


def _single(params: dict, name: str):
    """The one value of a parameter that is not repeatable (a library caller may pass a list)."""
    value = params.get(name)
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise bad_request(f"{name} is given {len(value)} times; give it once", name)
        return value[0]
    return value


def _list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [x.strip() for item in items for x in item.split(",") if x.strip()]


def parse_version(value: int | str | None) -> int:
    """The NUTS version of a map or region listing: one with polygons, the atlas one by default."""
    return parse_mapped_version(value)


def parse_level(value: int | str | None, default: int = 2) -> int:
    if value in (None, ""):
        return default
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = -1
    if level not in (0, 1, 2, 3):
        raise bad_request(f"level must be 0, 1, 2 or 3, not {value!r}", "level")
    return level


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    v = value.strip()
    if re.fullmatch(r"\d{4}", v):
        v = f"{v}-01-01" if name == "from" else f"{v}-12-31"
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise bad_request(
            f"{name} must be an ISO date (YYYY-MM-DD) or a year, not {value!r}", name
        ) from None


def parse_filter(params: dict, registry) -> ProjectFilter:
    """Validate the atlas filters; recode a region given in another NUTS version to the atlas one."""
    version = _single(params, "version")
    parse_nuts_version(version)  # a bad version is a 400 even without a region
    countries = [c.upper() for c in _list(params.get("country"))]
    for c in countries:
        if not re.fullmatch(r"[A-Z]{2}", c):
            raise bad_request(
                f"country must be a two-letter code (EL for Greece), not {c!r}", "country"
            )
    org_types = [t.upper() for t in _list(params.get("org_type"))]
    for t in org_types:
        if t not in ORG_TYPES:
            raise bad_request(f"org_type {t!r} unknown; one of {', '.join(ORG_TYPES)}", "org_type")
    flt = ProjectFilter(
        sources=_list(params.get("source")),
        programmes=_list(params.get("programme")),
        funds=_list(params.get("fund")),
        text=(_single(params, "q") or "").strip() or None,
        period_from=_date(_single(params, "from"), "from"),
        period_to=_date(_single(params, "to"), "to"),
        countries=countries,
        org_types=org_types,
        version=ATLAS_VERSION,
    )
    if flt.period_from and flt.period_to and flt.period_to < flt.period_from:
        raise bad_request("to is before from", "to")
    if flt.text and len(flt.text) > 500:
        raise bad_request("q is longer than 500 characters", "q")
    region = (_single(params, "region") or "").strip().upper()
    if region:
        flt.region = atlas_region(region, version, registry)
    return flt


def atlas_region(code: str, version: int | str | None, registry=None) -> str:
    """The atlas region of a code of any NUTS version (see ``geo.regions.resolve_region``).

    Example
    -------
    >>> atlas_region("FI1C4", None)
    'FI1C7'
    """
    return resolve_region(code, version, registry).code


def resolved_regions(
    params: dict, registry=None, names: tuple[str, ...] = ("region", "home")
) -> dict[str, dict]:
    """How each region parameter given was resolved, keyed by parameter name (for answers).

    Example
    -------
    >>> resolved_regions({"region": "FI1C3"})["region"]["code"]
    'FI1C6'
    """
    out = {}
    for name in names:
        value = params.get(name)
        if value not in (None, ""):
            found: ResolvedRegion = resolve_region(
                value, params.get("version"), registry, parameter=name
            )
            out[name] = found.as_dict()
    return out


def parse_page(params: dict) -> Page:
    try:
        limit = int(_single(params, "limit") or LIMIT.default)
        offset = int(_single(params, "offset") or 0)
    except (TypeError, ValueError):
        raise bad_request("limit and offset must be whole numbers", "limit") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_request(f"limit must be between 1 and {MAX_LIMIT}", "limit")
    OFFSET.check(str(offset))  # beyond it no store has rows, and DuckDB would overflow
    sort = _single(params, "sort") or "id"
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    if sort not in PROJECT_SORTS:
        raise bad_request(
            f"sort must be one of {', '.join(PROJECT_SORTS)} (prefix - for descending)", "sort"
        )
    return Page(limit, offset, sort, descending)
