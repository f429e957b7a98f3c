"""Smart Data Models entities (key-values form) of what the store holds.

Which model for which thing, and why:

- every KPI and scorecard measure value per region and year → ``KeyPerformanceIndicator``
  (dataModel.KeyPerformanceIndicator): a value with its calculation period, area, method,
  frequency and standing is exactly what that model describes;
- every measuring station → ``AirQualityObserved`` (dataModel.Environment), its latest valid
  hourly value as the pollutant attribute (``pm25``, ``no2``...) and ``dateObserved``; the
  hourly series is its temporal representation;
- every funded project → ``Project`` of dataModel.SDG, the only Smart Data Model of a funded
  project with objectives (there is none for EU grants: see ../shared/standards);
- every participant (by its organisation id, e.g. a CORDIS PIC, else its name) → ``Organization``
  (dataModel.Organization, schema.org-derived): participants are universities, companies and
  public bodies alike, and CPSV-AP ``PublicOrganization`` fits the public bodies only;
- every NUTS region → ``NutsRegion``: no Smart Data Model describes a statistical region, so
  the entity carries only the attributes every model shares (GSMA-Commons, Location-Commons of
  the Smart Data Models common schema) and validates against those.

Locations: a region's centroid (GISCO), a station's coordinates or else its region's centroid
(said in ``description``), a project's first located participant's region centroid.
"""

from __future__ import annotations

import hashlib

from regioatlas.analytics.kpis import to_smart_data_model
from regioatlas.model.measures import Measure

URN = "urn:ngsi-ld:"
#: the entity types RegioAtlas serves, with the Smart Data Model each follows
ENTITY_TYPES = {
    "KeyPerformanceIndicator": "dataModel.KeyPerformanceIndicator/KeyPerformanceIndicator",
    "AirQualityObserved": "dataModel.Environment/AirQualityObserved",
    "Project": "dataModel.SDG/Project",
    "Organization": "dataModel.Organization/Organization",
    "NutsRegion": "data-models/common-schema.json (GSMA-Commons, Location-Commons)",
}
#: EEA pollutant names → AirQualityObserved attributes
POLLUTANT_ATTRIBUTES = {"PM2.5": "pm25", "PM10": "pm10", "NO2": "no2", "O3": "o3", "SO2": "so2"}


def point(lon: float, lat: float) -> dict:
    """A GeoJSON point (rounded to 6 decimals, about 0.1 m)."""
    return {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]}


def kpi_entity(
    measure: Measure,
    code: str,
    year: int,
    value: float | None,
    location: dict | None,
    *,
    provider: str | None = None,
    publisher: str = "regioatlas",
    modified: str | None = None,
) -> dict:
    """The KeyPerformanceIndicator entity of one measure value for a region and a year.

    The id is ``urn:ngsi-ld:KeyPerformanceIndicator:<publisher>:<measure>:<region>:<from>``,
    so a value a city publishes and the value RegioAtlas derives never share an id.

    Example
    -------
    >>> from regioatlas.analytics.measures import measures
    >>> m = [m for m in measures() if m.id == "gdp_per_head_pps"][0]
    >>> e = kpi_entity(m, "FI1C3", 2021, 25000.0, point(25.6, 61.0))
    >>> e["id"], e["calculationPeriod"]
    ('urn:ngsi-ld:KeyPerformanceIndicator:regioatlas:gdp_per_head_pps:FI1C3:2021-01-01', {'from': '2021-01-01', 'to': '2021-12-31'})
    """
    entity = to_smart_data_model(
        measure,
        value,
        area=code,
        period_from=f"{year}-01-01",
        period_to=f"{year}-12-31",
        modified=modified,
    )
    entity["id"] = kpi_id(publisher, measure.id, code, year)
    entity["measure"] = measure.id
    entity["unit"] = measure.unit
    if provider:
        entity["provider"] = provider
    if publisher != "regioatlas":
        entity["calculatedBy"] = publisher
        entity["calculationMethod"] = "manual"
    if location:
        entity["location"] = location
    return entity


def kpi_id(publisher: str, measure_id: str, code: str, year: int) -> str:
    """The id of a KPI value (see :func:`kpi_entity`)."""
    return f"{URN}KeyPerformanceIndicator:{publisher}:{measure_id}:{code}:{year}-01-01"


def region_entity(region, location: dict | None) -> dict:
    """The ``NutsRegion`` entity of a NUTS region (atlas version)."""
    entity = {
        "id": f"{URN}NutsRegion:{region.code}",
        "type": "NutsRegion",
        "name": region.name_latin,
        "alternateName": region.name_national,
        "description": f"NUTS {region.level} region {region.code} (NUTS {region.version})",
        "nutsCode": region.code,
        "nutsLevel": region.level,
        "nutsVersion": region.version,
        "addressCountry": region.country,
        "source": "https://ec.europa.eu/eurostat/web/gisco",
    }
    if region.parent:
        entity["refParent"] = f"{URN}NutsRegion:{region.parent}"
    if location:
        entity["location"] = location
    return entity


def project_entity(record: dict, location: dict | None) -> dict:
    """The SDG ``Project`` entity of a stored project record (``Store.project_records``)."""
    entity = {
        "id": f"{URN}Project:{record['id']}",
        "type": "Project",
        "name": record.get("title") or record["id"],
        "dataProvider": record.get("source"),
        "strategicObjective": record.get("programme") or "",
        "euContributionEUR": record.get("eu_contribution_eur"),
        "fund": record.get("fund"),
        "addressCountry": record.get("country"),
    }
    if record.get("acronym"):
        entity["alternateName"] = record["acronym"]
    for key, attr in (("start_date", "startDate"), ("end_date", "endDate")):
        if record.get(key):
            entity[attr] = str(record[key])
    regions = list(record.get("regions") or [])
    if regions:
        entity["areaServed"] = regions[0]
        entity["refRegion"] = [f"{URN}NutsRegion:{c}" for c in regions]
    organisations = [o for o in record.get("organisations") or [] if o]
    if organisations:
        entity["refOrganization"] = [organisation_id(o) for o in organisations]
    if location:
        entity["location"] = location
    return {k: v for k, v in entity.items() if v is not None}


def organisation_id(key: str) -> str:
    """The entity id of an organisation (its id in the source, else a hash of its name)."""
    safe = key if key.replace("-", "").replace("_", "").isalnum() else _digest(key)
    return f"{URN}Organization:{safe}"


def organisation_entity(key: str, name: str, country: str | None, region: str | None) -> dict:
    """The ``Organization`` entity of a participant (``key``: org id or name)."""
    entity = {
        "id": organisation_id(key),
        "type": "Organization",
        "name": name,
        "legalName": name,
    }
    if country:
        entity["addressCountry"] = country
    if region:
        entity["areaServed"] = region
        entity["refRegion"] = f"{URN}NutsRegion:{region}"
    return entity


def air_quality_entity(station, latest: dict[str, tuple[str, float]], location: dict) -> dict:
    """The ``AirQualityObserved`` entity of a station with its latest valid hourly values.

    ``latest``: pollutant → (ISO hour, value in µg/m³).
    """
    entity = {
        "id": f"{URN}AirQualityObserved:eea:{station.id}",
        "type": "AirQualityObserved",
        "name": station.name or station.id,
        "stationCode": station.id,
        "location": location,
        "dataProvider": "European Environment Agency (EEA)",
        "source": "https://discomap.eea.europa.eu/",
    }
    if station.lon is None or station.lat is None:
        entity["description"] = (
            f"located at the centroid of {station.nuts_code}: the EEA files carry no coordinates"
        )
    if station.nuts_code:
        entity["areaServed"] = station.nuts_code
        entity["refRegion"] = f"{URN}NutsRegion:{station.nuts_code}"
    if latest:
        entity["dateObserved"] = max(hour for hour, _ in latest.values())
        for pollutant, (_, value) in latest.items():
            entity[POLLUTANT_ATTRIBUTES.get(pollutant, pollutant.lower())] = value
    return entity


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
