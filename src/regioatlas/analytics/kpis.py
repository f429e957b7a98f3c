"""The KPI registry (``regioatlas/data/kpi/kpis.json``): definitions, units, directions, sources
and thresholds, unit conversion through pint, and the Smart Data Models KeyPerformanceIndicator
entity (key-values form, ready for NGSI-LD publishing) of a KPI value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from regioatlas.analytics.units import convert
from regioatlas.model import NotFound

LANGUAGES = ("en", "fi", "de", "it", "fr")
#: Smart Data Models ``currentStanding`` values, best first.
STANDINGS = ("veryGood", "good", "fair", "bad", "veryBad")
SDM_FREQUENCIES = (
    "hourly",
    "daily",
    "weekly",
    "monthly",
    "yearly",
    "quarterly",
    "bimonthly",
    "biweekly",
)


@dataclass(frozen=True)
class Kpi:
    """One KPI of the registry."""

    id: str
    area: str
    name: dict[str, str]
    definition: str
    unit: str
    direction: str
    source: dict
    thresholds: list[dict]
    standing: dict | None
    sdm: dict
    extra: dict = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        """The name in a language (English when the language has none)."""
        return self.name.get(lang) or self.name["en"]


@lru_cache(maxsize=1)
def registry() -> dict[str, Kpi]:
    """Every KPI by id, read once from the package data."""
    text = resources.files("regioatlas.data").joinpath("kpi", "kpis.json").read_text("utf-8")
    out = {}
    for d in json.loads(text)["kpis"]:
        known = {k: d[k] for k in Kpi.__dataclass_fields__ if k in d and k != "extra"}
        extra = {k: v for k, v in d.items() if k not in Kpi.__dataclass_fields__}
        out[d["id"]] = Kpi(**known, extra=extra)
    return out


def get_kpi(kpi_id: str) -> Kpi:
    """One KPI, or NotFound naming the known ids.

    Example
    -------
    >>> get_kpi("aq_pm25_annual_mean").unit
    'µg/m³'
    """
    try:
        return registry()[kpi_id]
    except KeyError:
        raise NotFound(f"unknown KPI {kpi_id!r}; known: {', '.join(sorted(registry()))}") from None


def kpi_json(kpi: Kpi, lang: str = "en", unit: str | None = None) -> dict:
    """A KPI as JSON, its name in ``lang`` and its thresholds in ``unit`` (default its own).

    Example
    -------
    >>> kpi_json(get_kpi("aq_pm25_annual_mean"), "de", "mg/m3")["thresholds"][0]["value"]
    0.005
    """
    unit = unit or kpi.unit
    factor = (lambda v: float(convert(v, kpi.unit, unit))) if unit != kpi.unit else float
    return {
        "id": kpi.id,
        "area": kpi.area,
        "name": kpi.label(lang),
        "names": kpi.name,
        "definition": kpi.definition,
        "unit": unit,
        "unit_as_defined": kpi.unit,
        "direction": kpi.direction,
        "source": kpi.source,
        "thresholds": [{**t, "value": factor(t["value"]), "unit": unit} for t in kpi.thresholds],
        "standing": ({k: factor(v) for k, v in kpi.standing.items()} if kpi.standing else None),
        "smart_data_model": kpi.sdm,
        **kpi.extra,
    }


def standing(kpi: Kpi, value: float | None, unit: str | None = None) -> str | None:
    """The Smart Data Models ``currentStanding`` of a value (``veryGood`` ... ``veryBad``).

    A value at or better than a breakpoint takes that standing; worse than ``bad`` is
    ``veryBad``.

    Example
    -------
    >>> standing(get_kpi("aq_pm25_annual_mean"), 5.0), standing(get_kpi("aq_pm25_annual_mean"), 5.1)
    ('veryGood', 'good')
    """
    if value is None or kpi.standing is None:
        return None
    v = float(convert(value, unit, kpi.unit)) if unit and unit != kpi.unit else float(value)
    lower = kpi.direction == "lower_is_better"
    for name in STANDINGS[:-1]:
        edge = kpi.standing[name]
        if (v <= edge) if lower else (v >= edge):
            return name
    return "veryBad"


def to_smart_data_model(
    kpi: Kpi,
    value: float | None,
    *,
    area: str,
    period_from: str,
    period_to: str,
    lang: str = "en",
    organization: str | None = None,
    modified: str | None = None,
) -> dict:
    """The KeyPerformanceIndicator entity (Smart Data Models, key-values) of one KPI value.

    Parameters
    ----------
    kpi : Kpi
    value : float or None
        In the KPI's unit.
    area : str
        The region (e.g. a NUTS code) or station the value is for.
    period_from, period_to : str
        ISO dates of the calculation period.

    Example
    -------
    >>> e = to_smart_data_model(get_kpi("aq_pm25_annual_mean"), 12.3, area="DE300",
    ...                         period_from="2021-01-01", period_to="2021-12-31")
    >>> e["type"], e["currentStanding"], e["calculationFrequency"]
    ('KeyPerformanceIndicator', 'fair', 'yearly')
    """
    entity = {
        "id": f"urn:ngsi-ld:KeyPerformanceIndicator:regioatlas:{kpi.id}:{area}:{period_from}",
        "type": "KeyPerformanceIndicator",
        "name": kpi.label(lang),
        "description": f"{kpi.definition} Unit: {kpi.unit}.",
        "category": list(kpi.sdm.get("category", ["quantitative"])),
        "kpiValue": value,
        "calculationPeriod": {"from": period_from, "to": period_to},
        "calculationMethod": kpi.sdm.get("calculationMethod", "automatic"),
        "calculationFrequency": kpi.sdm.get("calculationFrequency", "yearly"),
        "calculatedBy": "RegioAtlas",
        "process": kpi.sdm.get("process", kpi.area),
        "area": area,
        "provider": kpi.source.get("publisher"),
    }
    for key in ("businessTarget", "calculationFormula"):
        if key in kpi.sdm:
            entity[key] = kpi.sdm[key]
    current = standing(kpi, value)
    if current:
        entity["currentStanding"] = current
    if organization:
        entity["organization"] = organization
    if modified:
        entity["dateModified"] = modified
    return entity
