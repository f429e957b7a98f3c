"""Every entity RegioAtlas serves, built from the store per type and cached by data version.

KPI values come from the one measure catalogue (``analytics.measures``) with values from the
store's figures: scorecard measures through the scorecard panel (NUTS 2024, the publisher's
code and version kept), the Digital Decade KPIs from the DESI figures their ``compass`` series
name, the regional digital KPIs from the Eurostat table they name, and the values publishers
wrote through NGSI-LD (datasets of source ``ngsi-ld``). Stations and their hourly values come
from ``Store.stations``/``Store.station_values``, regions from ``geo.nuts``, projects and
organisations from ``Store.project_records``/``Store.participants`` (built on first use: they
are the largest).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from regioatlas.analytics.measures import measures
from regioatlas.api.ngsi_ld import entities as sdm
from regioatlas.api.scorecard_data import ANALYSIS_VERSION, ScorecardData
from regioatlas.model.query import ProjectFilter

#: the store source of entities written through NGSI-LD
NGSI_SOURCE = "ngsi-ld"
#: the figure indicator of a published KPI value: ``ngsi-ld/<measure id>``
PUBLISHED_PREFIX = "ngsi-ld/"


@dataclass
class TypeTable:
    """The entities of one type, their ids and their locations (NaN without one)."""

    entities: list[dict] = field(default_factory=list)
    by_id: dict[str, int] = field(default_factory=dict)
    lon: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lat: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def of(cls, entities: list[dict]) -> TypeTable:
        """The table of a list of key-values entities (later duplicates of an id win)."""
        entities = list({e["id"]: e for e in entities}.values())
        lon = np.full(len(entities), np.nan)
        lat = np.full(len(entities), np.nan)
        for i, e in enumerate(entities):
            loc = e.get("location")
            if loc and loc.get("type") == "Point":
                lon[i], lat[i] = loc["coordinates"][:2]
        return cls(entities, {e["id"]: i for i, e in enumerate(entities)}, lon, lat)


class EntityCatalogue:
    """The entities of one store, per type, rebuilt when the store's data version changes."""

    LIGHT = ("KeyPerformanceIndicator", "AirQualityObserved", "NutsRegion")
    HEAVY = ("Project", "Organization")

    def __init__(self, store, registry):
        self.store, self.registry = store, registry
        self.scorecard = ScorecardData(store, registry)
        self._lock = threading.RLock()
        self._version: str | None = None
        self._tables: dict[str, TypeTable] = {}
        self._centroids: dict[str, dict | None] = {}

    def types(self) -> tuple[str, ...]:
        return self.LIGHT + self.HEAVY

    def table(self, entity_type: str) -> TypeTable:
        """The entities of a type (an empty table for a type RegioAtlas does not serve)."""
        with self._lock:
            version = self.store.data_version()
            if version != self._version:
                self._tables, self._version = {}, version
            if entity_type not in self._tables:
                build = getattr(self, f"_build_{entity_type}", None)
                self._tables[entity_type] = TypeTable.of(build()) if build else TypeTable()
            return self._tables[entity_type]

    def find(self, entity_id: str) -> dict | None:
        """One entity by id (its type read from the URN, so only that type is built)."""
        parts = entity_id.split(":")
        if len(parts) < 4 or parts[0] != "urn" or parts[1] != "ngsi-ld":
            return None
        table = self.table(parts[2])
        i = table.by_id.get(entity_id)
        return None if i is None else table.entities[i]

    def centroid(self, code: str | None) -> dict | None:
        """A region's centroid as a GeoJSON point (atlas version), or None."""
        if not code:
            return None
        if code not in self._centroids:
            extent = None
            if self.registry.is_valid(code, ANALYSIS_VERSION):
                extent = self.registry.extent(code, ANALYSIS_VERSION)
            self._centroids[code] = sdm.point(*extent.centroid) if extent else None
        return self._centroids[code]

    # --- builders, one per type ----------------------------------------------------------
    def _build_NutsRegion(self) -> list[dict]:
        return [
            sdm.region_entity(r, self.centroid(r.code))
            for level in (0, 1, 2, 3)
            for r in self.registry.regions(ANALYSIS_VERSION, level)
        ]

    def _build_KeyPerformanceIndicator(self) -> list[dict]:
        return self._scorecard_kpis() + self._figure_kpis() + self._published_kpis()

    def _scorecard_kpis(self) -> list[dict]:
        by_id = {m.id: m for m in measures("scorecard indicator")}
        out = []
        panel = self.scorecard.state().panel
        for (indicator, _level), table in sorted(panel.tables.items()):
            measure = by_id.get(indicator)
            if measure is None:
                continue
            rows, cols = np.nonzero(~np.isnan(table.values))
            for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
                code = table.codes[i]
                out.append(
                    sdm.kpi_entity(
                        measure,
                        code,
                        int(table.years[j]),
                        float(table.values[i, j]),
                        self.centroid(code),
                        provider=measure.source.get("publisher"),
                    )
                )
        return out

    def _figure_kpis(self) -> list[dict]:
        """KPIs read straight from stored figures (DESI at NUTS 0, regional digital tables)."""
        out = []
        for measure in measures("kpi"):
            for indicator, scale, offset in _figure_series(measure):
                for f in self.store.figures(indicator):
                    if f.value is None or f.year is None:
                        continue
                    out.append(
                        sdm.kpi_entity(
                            measure,
                            f.nuts_code,
                            f.year + offset,
                            f.value * scale,
                            self.centroid(f.nuts_code),
                            provider=measure.source.get("publisher"),
                        )
                    )
        return out

    def _published_kpis(self) -> list[dict]:
        """KPI values publishers wrote (one dataset per batch; ``files`` lists the entity ids,
        a figure's ``source_line`` is its entity's place in that list)."""
        by_id = {m.id: m for m in measures()}
        out = []
        datasets = {d.id: d for d in self.store.datasets() if d.source == NGSI_SOURCE}
        for dataset_id, f in self.store.figures_of_source(NGSI_SOURCE):
            d = datasets.get(dataset_id)  # None: written between the two reads (next version)
            measure = by_id.get(f.indicator.removeprefix(PUBLISHED_PREFIX))
            if d is None or measure is None or f.year is None or f.source_line is None:
                continue
            entity = sdm.kpi_entity(
                measure,
                f.nuts_code,
                f.year,
                f.value,
                self.centroid(f.nuts_code),
                provider=d.publisher,
                publisher=d.files[f.source_line].split(":")[3],
                modified=d.ingested_at.isoformat(),
            )
            entity["dataset"] = d.id
            out.append(entity)
        return out

    def _build_AirQualityObserved(self) -> list[dict]:
        out = []
        for d in self.store.datasets():
            if d.source != "eea-aq":
                continue
            latest: dict[str, dict[str, tuple[str, float]]] = {}
            for v in self.store.station_values(d.id):
                if v.value is not None and v.validity > 0:
                    latest.setdefault(v.station, {})[v.pollutant] = (v.begin, v.value)
            for s in self.store.stations(d.id):
                location: dict | None
                if s.lon is not None and s.lat is not None:
                    location = sdm.point(s.lon, s.lat)
                else:
                    location = self.centroid(s.nuts_code)
                if location is None:
                    continue  # AirQualityObserved requires a location
                entity = sdm.air_quality_entity(s, latest.get(s.id, {}), location)
                entity.setdefault("dateObserved", d.ingested_at.isoformat())
                entity["dataset"] = d.id
                out.append(entity)
        return out

    def _build_Project(self) -> list[dict]:
        return [
            sdm.project_entity(r, self.centroid((r.get("regions") or [None])[0]))
            for r in self.store.project_records()
        ]

    def _build_Organization(self) -> list[dict]:
        seen: dict[str, dict] = {}
        for p in self.store.participants(ProjectFilter()):
            key = p.get("org_id") or p.get("name")  # as Store.project_records names them
            if not key or key in seen:
                continue
            region = p.get("nuts3") or p.get("nuts2") or p.get("nuts1") or p.get("nuts0")
            entity = sdm.organisation_entity(str(key), p["name"], p.get("nuts0"), region)
            location = self.centroid(region)
            if location:
                entity["location"] = location
            seen[key] = entity
        return list(seen.values())


def _figure_series(measure) -> list[tuple[str, float, int]]:
    """(stored indicator, scale, year offset) of the figures a KPI is read from."""
    compass = measure.details.get("compass") or {}
    series = [
        (f"{s['file']}/{s['indicator']}", float(s.get("scale", 1)), int(s.get("year_offset", 0)))
        for s in compass.get("series", [])
    ]
    if not series and measure.details.get("desi_indicator"):
        series = [(f"desi_2026_country_profile/{measure.details['desi_indicator']}", 1.0, -1)]
    table = measure.details.get("eurostat_table")
    if table == "isoc_r_iuse_i":
        series = [("isoc_r_iuse_i_I_IDAY", 1.0, 0)]
    elif table:
        series = [(table, 1.0, 0)]
    return series
