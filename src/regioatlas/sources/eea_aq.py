"""Reader of EEA air quality time series (Air Quality e-Reporting, E2a/E1a CSV layout).

One file per sampling point, one row per hour: ``AirQualityStationEoICode``, ``AirPollutant``
(or the vocabulary URI in ``AirPollutantCode``), ``AveragingTime`` (``hour``),
``Concentration``, ``UnitOfMeasurement``, ``DatetimeBegin`` (with its UTC offset),
``Validity`` (1, 2, 3 valid; -1, -99 not valid) and ``Verification``. The newer EEA download
layout (``Samplingpoint, Pollutant, Start, End, Value, Unit, AggType, Validity``) is read too.

Files of several stations and pollutants become aligned :class:`HourlyGrid` objects (one per
pollutant) covering every hour from the first to the last; hours a file does not give are
gaps (NaN), counted and reported, never filled. Not-valid, negative and implausible values
are excluded and reported as well. Wrong layouts, unknown pollutants and units, averaging
periods other than an hour, and conflicting duplicate hours raise ``InputError``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from regioatlas.analytics.aq_indices import UnknownIndex, definitions, pollutant_name
from regioatlas.analytics.aq_series import HourlyGrid, screen_values
from regioatlas.analytics.units import UnitError, convert
from regioatlas.model import InputError, RowError
from regioatlas.sources.parsing import read_text

#: column names of the two EEA layouts -> our names
LAYOUTS = {
    "e2a": {
        "station": "AirQualityStationEoICode",
        "pollutant": "AirPollutant",
        "pollutant_code": "AirPollutantCode",
        "averaging": "AveragingTime",
        "value": "Concentration",
        "unit": "UnitOfMeasurement",
        "begin": "DatetimeBegin",
        "validity": "Validity",
    },
    "parquet_csv": {
        "station": "Samplingpoint",
        "pollutant": "Pollutant",
        "averaging": "AggType",
        "value": "Value",
        "unit": "Unit",
        "begin": "Start",
        "validity": "Validity",
    },
}
ATTRIBUTION = "© European Environment Agency (EEA)"


@dataclass
class AirQualityData:
    """Aligned hourly grids by pollutant, with what was flagged while reading."""

    grids: dict[str, HourlyGrid]
    stations: list[str]
    issues: list[dict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _parse_time(text: str) -> datetime:
    s = text.strip()
    # "2021-04-16 00:00:00 +01:00" -> ISO with the offset attached
    if len(s) > 6 and s[-6] in "+-" and s[-7] == " ":
        s = s[:-7] + s[-6:]
    t = datetime.fromisoformat(s.replace("Z", "+00:00"))
    if t.tzinfo is None:
        raise ValueError("time without a UTC offset")
    return t


def _layout(header: list[str]) -> dict[str, str] | None:
    for cols in LAYOUTS.values():
        needed = [c for k, c in cols.items() if k != "pollutant_code"]
        if all(c in header for c in needed):
            return cols
    return None


def _rows(name: str, text: str):
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise InputError(RowError(name, None, None, "the file is empty")) from None
    cols = _layout(header)
    if cols is None:
        raise InputError(
            RowError(
                name,
                1,
                None,
                "not an EEA air quality time series: expected the columns "
                + ", ".join(LAYOUTS["e2a"].values()),
            )
        )
    idx = {k: header.index(c) for k, c in cols.items() if c in header}
    return reader, idx, len(header)


def read_eea_timeseries(
    sources: list[Path | str] | list[tuple[str, str]], *, plausible: bool = True
) -> AirQualityData:
    """Read EEA hourly time-series files into aligned grids per pollutant.

    Parameters
    ----------
    sources : list of paths, or of (name, text) pairs
        EEA CSV files (gzip allowed); several stations and pollutants may be mixed.
    plausible : bool
        Exclude values above each pollutant's plausible maximum (``air_quality.json``).

    Returns
    -------
    AirQualityData

    Raises
    ------
    InputError
        A file that is not an EEA series, an unknown pollutant or unit, a non-hourly
        averaging time, an unreadable time, or two different values for one station hour.

    Example
    -------
    >>> from regioatlas.sources.eea_aq import bundled_berlin_files
    >>> data = read_eea_timeseries(bundled_berlin_files())
    >>> data.stations, data.grids["PM2.5"].n_hours
    (['DEBE034', 'DEBE064', 'DEBE065', 'DEBE125'], 2904)
    """
    records: dict[tuple[str, str], dict[datetime, float]] = {}
    invalid: dict[tuple[str, str], int] = {}
    errors: list[RowError] = []
    issues: list[dict] = []
    names: list[str] = []
    for src in sources:
        if isinstance(src, tuple):
            name, text = src
        else:
            path = Path(src)
            name, text = str(path), read_text(path)
        names.append(name)
        reader, idx, width = _rows(name, text)
        for line, row in enumerate(reader, start=2):
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != width:
                errors.append(RowError(name, line, None, f"{len(row)} cells, header has {width}"))
                continue
            try:
                pollutant = pollutant_name(
                    row[idx["pollutant"]] or row[idx.get("pollutant_code", 0)]
                )
            except UnknownIndex as exc:
                errors.append(RowError(name, line, "AirPollutant", str(exc), row[idx["pollutant"]]))
                continue
            averaging = row[idx["averaging"]].strip().lower()
            if averaging not in ("hour", "1h", "hourly"):
                errors.append(
                    RowError(
                        name,
                        line,
                        "AveragingTime",
                        "only hourly series are read (the averages are computed here)",
                        averaging,
                    )
                )
                continue
            station = row[idx["station"]].strip()
            try:
                begin = _parse_time(row[idx["begin"]])
            except ValueError:
                errors.append(
                    RowError(
                        name, line, "DatetimeBegin", "not a time with offset", row[idx["begin"]]
                    )
                )
                continue
            key = (station, pollutant)
            try:
                validity = int(float(row[idx["validity"]]))
            except ValueError:
                errors.append(
                    RowError(name, line, "Validity", "not a number", row[idx["validity"]])
                )
                continue
            raw = row[idx["value"]].strip()
            if validity <= 0:
                invalid[key] = invalid.get(key, 0) + 1
                records.setdefault(key, {}).setdefault(begin, np.nan)
                continue
            try:
                value = float(raw)
            except ValueError:
                errors.append(
                    RowError(name, line, "Concentration", "a valid hour without a number", raw)
                )
                continue
            unit = row[idx["unit"]].strip()
            if unit not in ("µg/m3", "μg/m3", "ug/m3", "µg/m³"):
                try:
                    value = float(convert(value, unit, "µg/m3", pollutant=pollutant))
                except UnitError as exc:
                    errors.append(RowError(name, line, "UnitOfMeasurement", str(exc), unit))
                    continue
            hours = records.setdefault(key, {})
            old = hours.get(begin)
            if old is not None and not np.isnan(old) and old != value:
                errors.append(
                    RowError(
                        name,
                        line,
                        "DatetimeBegin",
                        f"{station} {pollutant} has two values for this hour ({old:g} and {value:g})",
                        row[idx["begin"]],
                    )  # fmt: skip
                )
                continue
            hours[begin] = value
    if errors:
        raise InputError(errors)
    if not records:
        raise InputError(RowError(", ".join(names) or "input", None, None, "no hourly values"))
    return _align(records, invalid, issues, names, plausible)


def _align(records, invalid, issues, names, plausible) -> AirQualityData:
    all_times = [t for hours in records.values() for t in hours]
    first, last = min(all_times), max(all_times)
    start = first  # keeps the earliest hour's own UTC offset: days are counted in it
    n = int((last - first) / timedelta(hours=1)) + 1
    stations = sorted({s for s, _ in records})
    grids: dict[str, HourlyGrid] = {}
    spec = definitions()["pollutants"]
    for pollutant in sorted({p for _, p in records}):
        values = np.full((len(stations), n), np.nan)
        for i, station in enumerate(stations):
            hours = records.get((station, pollutant))
            if not hours:
                continue
            pos = np.fromiter(
                (int((t - first) / timedelta(hours=1)) for t in hours), dtype=np.int64
            )
            values[i, pos] = np.fromiter(hours.values(), dtype=np.float64)
            given = len(hours)
            if invalid.get((station, pollutant)):
                issues.append(
                    {
                        "station": station,
                        "pollutant": pollutant,
                        "kind": "not valid",
                        "count": invalid[(station, pollutant)],
                        "treated_as": "not valid (excluded from every average)",
                        "reason": "the file marks the hour not valid (Validity <= 0)",
                    }
                )
            missing = n - given
            if missing:
                issues.append(
                    {
                        "station": station,
                        "pollutant": pollutant,
                        "kind": "gap",
                        "count": missing,
                        "treated_as": "missing (never filled or zeroed)",
                        "reason": "hours between the first and last hour that the file does not give",
                    }
                )
        if plausible:
            values, found = screen_values(
                values, stations, pollutant, float(spec[pollutant]["plausible_max"])
            )
        else:
            values, found = screen_values(values, stations, pollutant, np.inf)
        issues.extend(found)
        grids[pollutant] = HourlyGrid(pollutant, start, stations, values, issues=[])
    return AirQualityData(grids, stations, issues, names)


def bundled_berlin_files() -> list[Path]:
    """The four real EEA PM2.5 files of Berlin (Jan-Apr 2021) shipped in the package."""
    from importlib import resources

    folder = resources.files("regioatlas.data").joinpath("kpi")
    return sorted(
        Path(str(folder.joinpath(p.name)))
        for p in folder.iterdir()
        if p.name.startswith("DE_6001_") and p.name.endswith("_timeseries.csv.gz")
    )


def read_station_table(path: Path | str) -> dict[str, dict]:
    """Stations with their place: CSV with ``station`` and either ``nuts`` (+ ``nuts_version``)
    or ``lon`` and ``lat`` (WGS 84; located on NUTS 3 by point in polygon)."""
    name = str(path)
    rows = list(csv.DictReader(io.StringIO(read_text(Path(path)))))
    if not rows or "station" not in rows[0]:
        raise InputError(RowError(name, 1, "station", "a station table needs a 'station' column"))
    out: dict[str, dict] = {}
    for line, r in enumerate(rows, start=2):
        st = (r.get("station") or "").strip()
        if not st:
            raise InputError(RowError(name, line, "station", "empty station code"))
        entry = {k: (v or "").strip() for k, v in r.items() if k}
        if not entry.get("nuts") and not (entry.get("lon") and entry.get("lat")):
            raise InputError(RowError(name, line, None, "give nuts, or lon and lat", st))
        out[st] = entry
    return out
