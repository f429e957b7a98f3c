"""Turn query parameters (strings) into validated filter values, or a 400 naming the parameter."""

from __future__ import annotations

import re
from datetime import date

from regioatlas.api.parameters import LIMIT, MAX_LIMIT, OFFSET
from regioatlas.api.problems import bad_request
from regioatlas.model.query import ORG_TYPES, PROJECT_SORTS, Page, ProjectFilter
from regioatlas.model.regions import ATLAS_VERSION, MAPPED_VERSIONS


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
    if value in (None, ""):
        return ATLAS_VERSION
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise bad_request(
            f"version must be a NUTS version year, not {value!r}", "version"
        ) from None
    if version not in MAPPED_VERSIONS:
        raise bad_request(
            f"NUTS version {version} is not available; use one of {', '.join(map(str, MAPPED_VERSIONS))}",
            "version",
        )
    return version


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
    version = parse_version(_single(params, "version"))
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


def atlas_region(code: str, version: int, registry) -> str:
    """The region code in the atlas version for a code given in ``version`` (400 if impossible)."""
    if not registry.is_valid(code, version):
        versions = registry.versions_of(code)
        hint = f"; it is valid in NUTS {', '.join(map(str, versions))}" if versions else ""
        raise bad_request(f"{code} is not a NUTS {version} code{hint}", "region")
    if version == ATLAS_VERSION:
        return code
    targets = registry.recode(code, version, ATLAS_VERSION)
    if targets and targets[0][1] >= 0.95:
        return targets[0][0]
    raise bad_request(
        f"{code} (NUTS {version}) has no single NUTS {ATLAS_VERSION} equivalent "
        f"({', '.join(f'{c} {s:.0%}' for c, s in targets) or 'no correspondence'}); "
        f"give a NUTS {ATLAS_VERSION} code",
        "region",
    )


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
