"""The KPIs: the measures of kind "kpi" of the one catalogue (``regioatlas.analytics.measures``,
``regioatlas/data/kpi/measures.json``) with their definitions, units, directions, sources and
thresholds; unit conversion through pint, and the Smart Data Models KeyPerformanceIndicator
entity (key-values form, ready for NGSI-LD publishing) of a KPI value.
"""

from __future__ import annotations

from regioatlas.analytics.measures import measures
from regioatlas.model import NotFound
from regioatlas.model.measures import LANGUAGES, Measure
from regioatlas.model.units import convert

__all__ = [
    "LANGUAGES",
    "SDM_FREQUENCIES",
    "STANDINGS",
    "Kpi",
    "get_kpi",
    "kpi_json",
    "registry",
    "standing",
    "to_smart_data_model",
]
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


#: a KPI is a measure of kind "kpi" in the one catalogue (``regioatlas.analytics.measures``)
Kpi = Measure
#: detail sections the KPI JSON does not pass through (their own features read them)
_INTERNAL = ("sdm", "compass", "scorecard")


def registry() -> dict[str, Kpi]:
    """Every KPI by id: the catalogue's measures of kind "kpi", plug-ins included.

    Example
    -------
    >>> registry()["dd_basic_digital_skills"].targets[0]["value"]
    80
    """
    return {m.id: m for m in measures("kpi")}


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
    factor = (
        (lambda v: float(convert(v, kpi.unit, unit, parameters=("unit_as_defined", "unit"))))
        if unit != kpi.unit
        else float
    )
    return {
        "id": kpi.id,
        "area": kpi.area,
        "name": kpi.label(lang),
        "names": kpi.names,
        "definition": kpi.definition,
        "unit": unit,
        "unit_as_defined": kpi.unit,
        "direction": kpi.direction,
        "source": kpi.source,
        "thresholds": [{**t, "value": factor(t["value"]), "unit": unit} for t in kpi.thresholds],
        "standing": ({k: factor(v) for k, v in kpi.standing.items()} if kpi.standing else None),
        "smart_data_model": kpi.details.get("sdm", {}),
        **({"targets": kpi.targets} if kpi.targets else {}),
        **{k: v for k, v in kpi.details.items() if k not in _INTERNAL},
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
    sdm = kpi.details.get("sdm", {})
    entity = {
        "id": f"urn:ngsi-ld:KeyPerformanceIndicator:regioatlas:{kpi.id}:{area}:{period_from}",
        "type": "KeyPerformanceIndicator",
        "name": kpi.label(lang),
        "description": f"{kpi.definition} Unit: {kpi.unit}.",
        "category": list(sdm.get("category", ["quantitative"])),
        "kpiValue": value,
        "calculationPeriod": {"from": period_from, "to": period_to},
        "calculationMethod": sdm.get("calculationMethod", "automatic"),
        "calculationFrequency": sdm.get("calculationFrequency", "yearly"),
        "calculatedBy": "RegioAtlas",
        "process": sdm.get("process", kpi.area),
        "area": area,
        "provider": kpi.source.get("publisher"),
    }
    for key in ("businessTarget", "calculationFormula"):
        if key in sdm:
            entity[key] = sdm[key]
    current = standing(kpi, value)
    if current:
        entity["currentStanding"] = current
    if organization:
        entity["organization"] = organization
    if modified:
        entity["dateModified"] = modified
    return entity
