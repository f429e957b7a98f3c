"""KPI and air quality handlers: the KPI registry, unit conversion, index definitions and the
air quality side-by-side table (a stored data set such as the demo's Berlin series, or a posted
EEA file).

Plain values in, JSON-ready dicts out; bad input raises a domain error (``BadInput``,
``NotFound``, ``TooLarge``, ``Unavailable``), which the one error map turns into a problem.
"""

from __future__ import annotations

import math
import threading

from regioatlas.analytics.air_quality import assess_air_quality
from regioatlas.analytics.aq_indices import classify, index_spec
from regioatlas.analytics.aq_series import assemble_series
from regioatlas.analytics.kpis import LANGUAGES, get_kpi, kpi_json, registry, to_smart_data_model
from regioatlas.api.problems import bad_request, not_found
from regioatlas.geo.stations import station_places, stations_in_region
from regioatlas.library.air_quality import read_eea_timeseries
from regioatlas.model import Dataset, TooLarge, Unavailable
from regioatlas.model.pollutants import definitions, pollutant_name
from regioatlas.model.units import convert

#: Named air quality data sets: id -> description and the stored dataset (source ``eea-aq``
#: and its files) the values are read from; the demo ingests them
AQ_DATASETS = {
    "eea-berlin-pm25-2021": {
        "title": "Hourly PM2.5 of four Berlin stations, 1 January - 1 May 2021 (EEA e-Reporting)",
        "attribution": "© European Environment Agency (EEA)",
        "placement": "stations placed on NUTS by the station table (the files carry no coordinates)",
    }
}
AQ_STORED = {
    "eea-berlin-pm25-2021": (
        "eea-aq",
        [
            *(f"DE_6001_{n}_2021_timeseries.csv.gz" for n in (71696, 71701, 71702, 71705)),
            "berlin_stations.csv",
        ],
    )
}
MAX_POST_BYTES = 20_000_000


def _number(value, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise bad_request(f"{name} must be a number, not {value!r}", name) from None
    if math.isnan(x) or math.isinf(x):
        raise bad_request(f"{name} must be a finite number", name)
    return x


def _lang(lang) -> str:
    lang = (lang or "en").lower()
    if lang not in LANGUAGES:
        raise bad_request(f"lang must be one of {', '.join(LANGUAGES)}", "lang")
    return lang


class KpiApi:
    """Handlers for /api/kpis, /api/units and /api/air-quality."""

    def __init__(self, atlas):
        self.atlas = atlas
        self._lock = threading.Lock()
        self._tables: dict[str, dict] = {}

    # --- registry ----------------------------------------------------------------------
    def kpis(self, lang=None, area=None) -> dict:
        lang = _lang(lang)
        items = [kpi_json(k, lang) for k in registry().values() if not area or k.area == area]
        if area and not items:
            areas = sorted({k.area for k in registry().values()})
            raise bad_request(f"unknown area {area!r}; one of {', '.join(areas)}", "area")
        return {"count": len(items), "languages": list(LANGUAGES), "items": items}

    def kpi(self, kpi_id: str, lang=None, unit=None) -> dict:
        lang = _lang(lang)
        k = get_kpi(kpi_id)  # NotFound: a 404 naming the KPI
        return kpi_json(k, lang, unit or None)  # UnitError names the parameter unit

    def kpi_entity(self, kpi_id: str, value, area, period_from, period_to, lang=None) -> dict:
        """A KPI value as a Smart Data Models KeyPerformanceIndicator entity."""
        k = get_kpi(kpi_id)  # NotFound: a 404 naming the KPI
        v = _number(value, "value")
        if not area:
            raise bad_request("area (a region or station code) is required", "area")
        for name, d in (("from", period_from), ("to", period_to)):
            if not d or len(str(d)) < 4:
                raise bad_request(f"{name} (an ISO date) is required", name)
        return to_smart_data_model(
            k, v, area=area, period_from=period_from, period_to=period_to, lang=_lang(lang)
        )

    def convert_units(self, value, from_unit, to_unit, pollutant=None, temperature_k=None) -> dict:
        v = _number(value, "value")
        if not from_unit or not to_unit:
            raise bad_request("from and to units are required", "from" if not from_unit else "to")
        t = _number(temperature_k, "temperature_k") if temperature_k not in (None, "") else 293.15
        gas = pollutant_name(pollutant) if pollutant else None
        # a UnitError names from, to, pollutant or temperature_k
        out = convert(v, from_unit, to_unit, pollutant=gas, temperature_k=t)
        return {
            "value": v,
            "from": from_unit,
            "to": to_unit,
            "result": out,
            "pollutant": gas,
            "reference_temperature_k": t,
            "reference_pressure_pa": 101325.0,
        }

    # --- air quality definitions -------------------------------------------------------
    def aq_definitions(self) -> dict:
        d = definitions()
        return {
            "pollutants": d["pollutants"],
            "indices": [
                {"id": i, **{k: v for k, v in spec.items() if k != "convention"}}
                for i, spec in d["indices"].items()
            ],
            "standards": d["standards"],
            "coverage_rules": d["coverage_rules"],
        }

    def aq_classify(self, index, pollutant, value) -> dict:
        """The band of one (already averaged) concentration; negative values are refused."""
        if not index:
            raise bad_request("index is required", "index")
        spec = index_spec(index)  # UnknownIndex names index
        gas = pollutant_name(pollutant or "")  # UnknownPollutant names pollutant
        v = _number(value, "value")
        if v < 0:
            raise bad_request("a concentration cannot be negative", "value")
        band = int(classify([v], index, gas)[0])  # an index without the pollutant names it
        return {
            "index": index,
            "pollutant": gas,
            "value": v,
            "unit": "µg/m³",
            "averaging": spec["pollutants"][gas]["averaging"],
            "band": band,
            "label": spec["labels"][band - 1],
            "convention": spec["convention_text"],
        }

    # --- side by side ------------------------------------------------------------------
    def aq_datasets(self) -> dict:
        return {
            "count": len(AQ_DATASETS),
            "items": [{"id": k, **v} for k, v in AQ_DATASETS.items()],
        }

    def aq_table(self, dataset: str) -> dict:
        """The side-by-side table of a named data set, read from the store (cached per store
        version)."""
        if dataset not in AQ_DATASETS:
            raise not_found(
                f"unknown air quality data set {dataset!r}; known: {', '.join(AQ_DATASETS)}"
            )
        store = self.atlas.store
        stored = _stored_dataset(store, *AQ_STORED[dataset])
        key = f"{dataset}@{store.data_version()}"
        with self._lock:
            if key not in self._tables:
                data = assemble_series(store.station_values(stored.id))
                table = assess_air_quality(data, station_places(store.stations(stored.id)))
                self._tables[key] = {**table, "dataset": {"id": dataset, **AQ_DATASETS[dataset]}}
        return self._tables[key]

    def aq_assess(self, body: bytes, nuts=None, version=None, name="posted.csv") -> dict:
        """The side-by-side table of a posted EEA time-series CSV (all stations in ``nuts``)."""
        if not body:
            raise bad_request("post an EEA time-series CSV as the request body")
        if len(body) > MAX_POST_BYTES:
            raise TooLarge(f"the body has {len(body):,} bytes; at most {MAX_POST_BYTES:,}")
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise bad_request("the body is not UTF-8 text") from None
        data = read_eea_timeseries([(name, text)])  # an unreadable file is a 422 naming rows
        registry = self.atlas.registry
        places = stations_in_region(data.stations, nuts, version, registry) if nuts else {}
        return assess_air_quality(data, places)


def _stored_dataset(store, source: str, files: list[str]) -> Dataset:
    """The stored dataset of these files, or Unavailable naming what to ingest."""
    for d in store.datasets():
        if d.source == source and sorted(d.files) == sorted(files):
            return d
    raise Unavailable(
        f"the store holds no dataset {source}:{'+'.join(sorted(files))}: ingest it with "
        f"`regioatlas ingest {source} {' '.join(files)}` (`regioatlas demo` does it with the "
        "shipped files)",
        dataset=source,
    )
