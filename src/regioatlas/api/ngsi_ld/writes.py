"""Writes: a publisher (a city) creates, updates and deletes its own KPI values.

A published value is a ``KeyPerformanceIndicator`` whose id names the publisher, the measure
of the catalogue, the region and the year:
``urn:ngsi-ld:KeyPerformanceIndicator:<publisher>:<measure>:<NUTS code>:<year>-01-01``. Its
``kpiValue`` (a number or null) is stored; ``calculationPeriod`` and ``area``, when given,
must agree with the id; every other attribute is derived from the measure catalogue, so
sending one is refused rather than silently dropped.

Each create (one entity, or a batch) is one dataset of source ``ngsi-ld`` with provenance: the
publisher (the principal), the time, the sha256 of the payload, the entity ids as its
``files`` and one region figure ``ngsi-ld/<measure>`` per entity (``source_line`` = its place
in ``files``). An update or delete rewrites that dataset atomically (``Store.replace_dataset``
/ ``remove_dataset``), so a failed write leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import cast

from regioatlas.analytics.measures import MEASURES, measures
from regioatlas.api.ngsi_ld import errors
from regioatlas.api.ngsi_ld.catalogue import NGSI_SOURCE, PUBLISHED_PREFIX
from regioatlas.api.ngsi_ld.representation import simplified
from regioatlas.geo.regions import resolve_region
from regioatlas.model import Dataset, RegionFigure
from regioatlas.model.errors import Forbidden, RegioAtlasError, Unauthorized

_ID = re.compile(
    r"urn:ngsi-ld:KeyPerformanceIndicator:(?P<publisher>[A-Za-z0-9_-]+):(?P<measure>[\w-]+):"
    r"(?P<code>[A-Z]{2}[A-Z0-9]{0,3}):(?P<year>\d{4})-01-01"
)
WRITABLE = ("kpiValue", "calculationPeriod", "area")
MAX_BATCH = 1000
LICENCE = "as stated by the publisher"


def principal_name(principal) -> str:
    """The name of the principal doing a write (Unauthorized without one)."""
    if principal is None:
        raise Unauthorized("this write needs a token with the editor role")
    name = principal if isinstance(principal, str) else getattr(principal, "name", None)
    if not name:
        raise Unauthorized("the token names no account")
    return str(name)


def parse_body(body: bytes) -> object:
    """The JSON of a request body (InvalidRequest when it is not JSON)."""
    if not body:
        raise errors.invalid_request("the request has no body; send an NGSI-LD entity as JSON")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.invalid_request(f"the body is not JSON ({exc})") from None


def read_entity(
    payload: object, where: str = "entity", *, partial: bool = False, units: dict | None = None
) -> dict:
    """A published KPI value from its payload (normalized or key-values), checked.

    Returns ``{"id", "publisher", "measure", "code", "year", "value"}``; ``partial`` (an
    attribute update) needs no id and no type.

    Example
    -------
    >>> read_entity({"id": "urn:ngsi-ld:KeyPerformanceIndicator:lahti:dd_5g_coverage:FI1C3:2025-01-01",
    ...              "type": "KeyPerformanceIndicator", "kpiValue": 91.5})["value"]
    91.5
    """
    if not isinstance(payload, dict):
        raise errors.invalid_request(f"{where} must be a JSON object")
    data = simplified(payload)
    if partial:
        unknown = [k for k in data if k not in WRITABLE and k != "@context"]
    else:
        if data.get("type") != "KeyPerformanceIndicator":
            raise errors.bad_request_data(
                f"{where}: type must be KeyPerformanceIndicator (RegioAtlas stores published "
                f"KPI values), not {data.get('type')!r}",
                "type",
            )
        unknown = [k for k in data if k not in (*WRITABLE, "id", "type", "@context")]
    if unknown:
        raise errors.bad_request_data(
            f"{where}: RegioAtlas stores only {', '.join(WRITABLE)} of a published KPI (the "
            f"rest comes from the measure catalogue); not {', '.join(sorted(unknown))}",
            unknown[0],
        )
    value = data.get("kpiValue")
    if (
        "kpiValue" in data
        and value is not None
        and (isinstance(value, bool) or not isinstance(value, (int, float)))
    ):
        raise errors.bad_request_data(f"{where}: kpiValue must be a number or null", "kpiValue")
    if partial:
        return {"value": value, **({"period": data["calculationPeriod"]} if "calculationPeriod" in data else {}), **({"area": data["area"]} if "area" in data else {})}  # fmt: skip
    if "kpiValue" not in data:
        raise errors.bad_request_data(f"{where}: kpiValue is required", "kpiValue")
    parsed = parse_id(data.get("id"), where, units)
    _agrees(data, parsed, where)
    return {**parsed, "value": value}


def measure_units() -> dict[str, str | None]:
    """Measure id → unit of every measure of the catalogue (the measures a KPI id may name).

    Example
    -------
    >>> measure_units()["dd_5g_coverage"]
    '%'
    """
    names = tuple(MEASURES.names())
    if (
        _UNITS[0] != names
    ):  # loading every measure cost ~3 ms per creation; a plug-in changes the names
        _UNITS[:] = [names, {m.id: m.unit for m in measures()}]
    return _UNITS[1]


#: (measure names, their units) as last read by measure_units
_UNITS: list = [None, {}]


def parse_id(entity_id, where: str = "entity", units: dict | None = None) -> dict:
    """Publisher, measure, region (atlas code) and year of a published KPI id."""
    m = _ID.fullmatch(str(entity_id or ""))
    if not m:
        raise errors.bad_request_data(
            f"{where}: id must be urn:ngsi-ld:KeyPerformanceIndicator:<publisher>:<measure>:"
            f"<NUTS code>:<year>-01-01, not {entity_id!r}",
            "id",
        )
    if m["publisher"] == "regioatlas":
        raise errors.bad_request_data(f"{where}: the publisher 'regioatlas' is reserved", "id")
    known = measure_units() if units is None else units
    if m["measure"] not in known:
        raise errors.bad_request_data(
            f"{where}: unknown measure {m['measure']!r}; one of {', '.join(sorted(known))}", "id"
        )
    try:
        code = resolve_region(m["code"], parameter="id").code
    except RegioAtlasError as exc:
        raise errors.bad_request_data(f"{where}: {exc}", "id") from None
    if code != m["code"]:
        raise errors.bad_request_data(
            f"{where}: {m['code']} is not a NUTS 2024 code; its NUTS 2024 region is {code}", "id"
        )
    return {
        "id": str(entity_id),
        "publisher": m["publisher"],
        "measure": m["measure"],
        "code": code,
        "year": int(m["year"]),
    }


def _agrees(data: dict, parsed: dict, where: str) -> None:
    period = data.get("calculationPeriod")
    year = parsed["year"]
    if period is not None and period != {"from": f"{year}-01-01", "to": f"{year}-12-31"}:
        raise errors.bad_request_data(
            f"{where}: calculationPeriod must be {{from: {year}-01-01, to: {year}-12-31}} "
            "(the year in the id)",
            "calculationPeriod",
        )
    if "area" in data and data["area"] not in (parsed["code"], parsed["id"].split(":")[5]):
        raise errors.bad_request_data(
            f"{where}: area {data['area']!r} is not the region of the id", "area"
        )


def dataset_for(publisher: str, values: list[dict], payload: bytes) -> tuple[Dataset, list]:
    """The dataset (with provenance) and figures of a batch of published values."""
    units = measure_units()
    digest = hashlib.sha256(payload).hexdigest()
    now = datetime.now(UTC)
    dataset = Dataset(
        id=f"{NGSI_SOURCE}:{publisher}:{values[0]['id'].split(':', 3)[3]}:{digest[:12]}",
        source=NGSI_SOURCE,
        files=[v["id"] for v in values],
        sha256=digest,
        publisher=publisher,
        licence=LICENCE,
        attribution=publisher,
        ingested_at=now,
        recognised_as="NGSI-LD KeyPerformanceIndicator",
    )
    return dataset, [figure(v, i, units) for i, v in enumerate(values)]


def figure(value: dict, line: int, units: dict | None = None) -> RegionFigure:
    """The stored figure of one published value."""
    unit = (measure_units() if units is None else units)[value["measure"]]
    return RegionFigure(
        f"{PUBLISHED_PREFIX}{value['measure']}",
        value["code"],
        2024,
        value["value"],
        cast(str, unit),
        value["year"],
        None,
        line,
    )


def check_owner(principal: str, entity_id: str) -> None:
    """Only the publisher named in an id writes it (a city does not change another's values)."""
    publisher = entity_id.split(":")[3]
    if publisher != principal:
        raise Forbidden(
            f"{entity_id} belongs to publisher {publisher!r}; you write as {principal!r}"
        )
