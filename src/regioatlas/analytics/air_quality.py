"""Air quality side by side: every index and every standard for each station and each region.

A region is assessed as EU air quality zones are, by its worst station: per hour the worst
band of its stations, per standard the station with the highest statistic, and *not met* when
any station does not meet it.
"""

from __future__ import annotations

import numpy as np

from regioatlas.analytics.aq_indices import (
    band_summary,
    index_bands,
    index_ids,
    index_spec,
)
from regioatlas.analytics.aq_series import (
    HourlyGrid,
    annual_means,
    daily_means,
    local_datetime,
    max_daily_8h_means,
    years_of,
)
from regioatlas.analytics.aq_standards import MET, NOT_ASSESSABLE, NOT_MET, compliance
from regioatlas.model.pollutants import definitions


def _averages(grid: HourlyGrid) -> list[dict]:
    """Per station: hourly, daily, max daily 8-hour and annual figures with their coverage."""
    _, daily, _ = daily_means(grid)
    _, mda8, _ = max_daily_8h_means(grid)
    hours_valid = (~np.isnan(grid.values)).sum(axis=1)
    annual = {year: annual_means(grid, year) for year in years_of(grid)}
    with np.errstate(invalid="ignore"), _quiet_nan():
        hourly_max = np.nanmax(grid.values, axis=1)
        daily_max = np.nanmax(daily, axis=1)
        mda8_max = np.nanmax(mda8, axis=1)
    valid_days = (~np.isnan(daily)).sum(axis=1)
    out = []
    for i, station in enumerate(grid.stations):
        entry = {
            "station": station,
            "pollutant": grid.pollutant,
            "unit": grid.unit,
            "hours": grid.n_hours,
            "valid_hours": int(hours_valid[i]),
            "hourly_max": _num(hourly_max[i]),
            "valid_days": int(valid_days[i]),
            "daily_mean_max": _num(daily_max[i]),
            "max_daily_8h_mean_max": _num(mda8_max[i]),
            "annual": {},
        }
        for year, a in annual.items():
            entry["annual"][str(year)] = {
                "mean": _num(a["mean"][i]),
                "period_mean": _num(a["period_mean"][i]),
                "valid_hours": int(a["valid_hours"][i]),
                "coverage": _num(a["coverage"][i], 4),
                "meets_coverage_rule": bool(a["coverage"][i] >= 0.9),
            }
        out.append(entry)
    return out


class _quiet_nan:
    """nanmax warns on all-NaN rows (stations without data); they are answered with None."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


def _num(x, digits: int = 3):
    x = float(x)
    return None if np.isnan(x) else round(x, digits)


def _latest(grid_bands: np.ndarray, labels: list[str], grid: HourlyGrid) -> list[dict | None]:
    out: list[dict | None] = []
    for i in range(grid_bands.shape[0]):
        rated = np.flatnonzero(grid_bands[i])
        if not len(rated):
            out.append(None)
            continue
        h = int(rated[-1])
        band = int(grid_bands[i, h])
        out.append(
            {
                "hour_begin": local_datetime(grid, h).isoformat(),
                "band": band,
                "label": labels[band - 1],
            }
        )
    return out


def harmonise_aqi(
    grids: dict[str, HourlyGrid],
    places: dict[str, dict] | None = None,
    indices: list[str] | None = None,
    years: list[int] | None = None,
) -> dict:
    """Indices and standards side by side, per station and per region.

    Parameters
    ----------
    grids : dict pollutant -> HourlyGrid
        Aligned grids (same stations and hours), e.g. from ``read_eea_timeseries``.
    places : dict station -> {"nuts": code, "name": ...}, optional
        Where each station is; stations without a place are listed under no region.
    indices : list of str, optional
        Index ids (default: every index).
    years : list of int, optional
        Calendar years for the standards (default: every year the data touch).

    Returns
    -------
    dict with ``stations`` (one row per station: averages, one entry per index, one per
    standard), ``regions`` (the same assessed by the worst station), ``indices`` and
    ``standards`` (the definitions used, with band edges and conventions).

    Example
    -------
    >>> from regioatlas.api.kpi import read_eea_timeseries
    >>> from regioatlas.sources.eea_aq import bundled_berlin_files
    >>> data = read_eea_timeseries(bundled_berlin_files())
    >>> table = harmonise_aqi(data.grids, {s: {"nuts": "DE300"} for s in data.stations})
    >>> [r["code"] for r in table["regions"]], len(table["stations"])
    (['DE300'], 4)
    """
    if not grids:
        raise ValueError("no air quality data")
    places = places or {}
    indices = indices or index_ids()
    first = next(iter(grids.values()))
    stations = first.stations
    years = years or years_of(first)
    by_station: dict[str, dict] = {
        s: {
            "station": s,
            "name": places.get(s, {}).get("name"),
            "nuts": places.get(s, {}).get("nuts"),
            "location_method": places.get(s, {}).get("method"),
            "averages": [],
            "indices": [],
            "standards": [],
        }
        for s in stations
    }
    for grid in grids.values():
        for row in _averages(grid):
            by_station[row["station"]]["averages"].append(row)
    region_codes = sorted({p["nuts"] for p in places.values() if p.get("nuts")})
    members = {
        c: [i for i, s in enumerate(stations) if places.get(s, {}).get("nuts") == c]
        for c in region_codes
    }
    regions: dict[str, dict] = {
        c: {
            "code": c,
            "stations": [stations[i] for i in members[c]],
            "indices": [],
            "standards": [],
        }
        for c in region_codes
    }

    index_defs = []
    for index in indices:
        spec = index_spec(index)
        measured = [p for p in grids if p in spec["pollutants"]]
        if not measured:
            continue
        bands, used = index_bands({p: grids[p] for p in measured}, index)
        labels = spec["labels"]
        summary = band_summary(bands, labels)
        latest = _latest(bands, labels, first)
        for i, s in enumerate(stations):
            by_station[s]["indices"].append(
                {
                    "index": index,
                    "name": spec["short"],
                    "averaging": used,
                    "latest": latest[i],
                    **summary[i],
                }
            )
        for code, rows in members.items():
            worst = bands[rows].max(axis=0, keepdims=True)
            regions[code]["indices"].append(
                {
                    "index": index,
                    "name": spec["short"],
                    "averaging": used,
                    "latest": _latest(worst, labels, first)[0],
                    **band_summary(worst, labels)[0],
                }
            )
        index_defs.append(
            {
                "id": index,
                "name": spec["name"],
                "short": spec["short"],
                "labels": labels,
                "convention": spec["convention_text"],
                "source": spec["source"],
                "pollutants": {p: spec["pollutants"][p] for p in measured},
            }
        )

    std_defs: dict[str, dict] = {}
    for grid in grids.values():
        for year in years:
            for res in compliance(grid, year):
                definition = {k: v for k, v in res.items() if k != "stations"}
                std_defs[f"{res['id']}:{year}"] = definition
                for row in res["stations"]:
                    by_station[row["station"]]["standards"].append(
                        {"id": res["id"], "year": year, **row}
                    )
                for code, rows in members.items():
                    regions[code]["standards"].append(
                        _worst_station(definition, [res["stations"][i] for i in rows])
                    )
    return {
        "stations": list(by_station.values()),
        "regions": list(regions.values()),
        "indices": index_defs,
        "standards": list(std_defs.values()),
        "coverage_rules": definitions()["coverage_rules"],
    }


def _worst_station(definition: dict, rows: list[dict]) -> dict:
    """A region's result for one standard: the station with the highest statistic decides."""
    statuses = {r["status"] for r in rows}
    if NOT_MET in statuses:
        status = NOT_MET
    elif statuses == {MET}:
        status = MET
    elif statuses & {"above on some days"}:
        status = "above on some days"
    else:
        status = NOT_ASSESSABLE

    def key(r):
        v = r["value"] if r["value"] is not None else r.get("period_mean")
        return (r["exceedances"] or 0, v if v is not None else -1.0)

    worst = max(rows, key=key) if rows else None
    return {
        "id": definition["id"],
        "year": definition["year"],
        "status": status,
        "stations_not_met": sum(r["status"] == NOT_MET for r in rows),
        "stations_met": sum(r["status"] == MET for r in rows),
        "worst_station": worst["station"] if worst else None,
        "value": worst["value"] if worst else None,
        "period_mean": worst.get("period_mean") if worst else None,
        "exceedances": worst["exceedances"] if worst else None,
        "coverage": worst["coverage"] if worst else None,
    }


def assess_air_quality(data, places: dict[str, dict] | None = None) -> dict:
    """The side-by-side table of read EEA series, JSON-ready: the one assessment the CLI
    (``regioatlas aq``) and the API (``/api/air-quality/...``) give.

    Parameters
    ----------
    data : AirQualityData
        What ``regioatlas.api.kpi.read_eea_timeseries`` returns (``grids``, ``issues``).
    places : dict station -> {"nuts": code, ...}, optional
        Where each station is (``regioatlas.geo.stations.place_stations``).

    Returns
    -------
    dict
        ``harmonise_aqi``'s table with the flagged input (``issues``) and the attribution;
        NaN and infinities are None and numpy scalars plain numbers (JSON has no NaN).

    Example
    -------
    >>> from regioatlas.api.kpi import read_eea_timeseries
    >>> from regioatlas.sources.eea_aq import bundled_berlin_files
    >>> table = assess_air_quality(read_eea_timeseries(bundled_berlin_files()))
    >>> len(table["stations"]), table["attribution"]
    (4, '© European Environment Agency (EEA)')
    """
    table = harmonise_aqi(data.grids, places)
    table["issues"] = data.issues
    table["attribution"] = "© European Environment Agency (EEA)"
    return _json_ready(table)


def _json_ready(value):
    """NaN/inf -> None and numpy scalars -> Python, recursively."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (np.isnan(value) or np.isinf(value)):
        return None
    return value
