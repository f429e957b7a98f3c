"""Reader of EEA air quality time series (Air Quality e-Reporting, E2a/E1a CSV layout).

One file per sampling point, one row per hour: ``AirQualityStationEoICode``, ``AirPollutant``
(or the vocabulary URI in ``AirPollutantCode``), ``AveragingTime`` (``hour``),
``Concentration``, ``UnitOfMeasurement``, ``DatetimeBegin`` (with its UTC offset),
``Validity`` (1, 2, 3 valid; -1, -99 not valid) and ``Verification``. The newer EEA download
layout (``Samplingpoint, Pollutant, Start, End, Value, Unit, AggType, Validity``) is read too.

The reader gives the hourly values as published (:func:`read_eea_values`); the analytics
align them into grids (``regioatlas.analytics.aq_series.assemble_series``), and
``regioatlas.library.air_quality.read_eea_timeseries`` does both. Wrong layouts, unknown pollutants and
units, averaging periods other than an hour, and conflicting duplicate hours raise
``InputError``. A station table places the stations by the rules of
:mod:`regioatlas.geo.stations`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from regioatlas.geo.stations import place_station_table
from regioatlas.model import InputError, RowError
from regioatlas.model.pollutants import UnknownPollutant, pollutant_name
from regioatlas.model.regions import ATLAS_VERSION
from regioatlas.model.stations import Station, StationValue
from regioatlas.model.units import UnitError, convert
from regioatlas.sources.base import ReadResult
from regioatlas.sources.parsing import read_text
from regioatlas.sources.tables import first_line

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


def _checked(reader, name: str):
    """The rows of a csv.reader; broken quoting or a stray carriage return is an InputError
    naming the line (a posted body is anything: csv.Error would be a 500)."""
    try:
        yield from reader
    except csv.Error as exc:
        raise InputError(
            RowError(name, reader.line_num, None, f"the CSV cannot be read: {exc}")
        ) from None


def _rows(name: str, text: str):
    reader = _checked(csv.reader(io.StringIO(text)), name)
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


def read_eea_values(
    sources: Sequence[Path | str] | Sequence[tuple[str, str]],
) -> tuple[list[StationValue], list[str]]:
    """The hourly values of EEA time-series files as published (not-valid hours included, in
    µg/m³), and the files' names.

    Raises
    ------
    InputError
        A file that is not an EEA series, an unknown pollutant or unit, a non-hourly
        averaging time, an unreadable time, or two different values for one station hour.

    Example
    -------
    >>> values, names = read_eea_values(bundled_berlin_files()[:1])
    >>> len(values), values[0].begin, values[0].value
    (2184, '2021-04-16T00:00:00+01:00', 5.93)
    """
    seen: dict[tuple[str, str, datetime], float] = {}
    values: list[StationValue] = []
    errors: list[RowError] = []
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
            except UnknownPollutant as exc:
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
                values.append(StationValue(station, pollutant, begin.isoformat(), None, validity))
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
            old = seen.get((*key, begin))
            if old is not None and old != value:
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
            seen[(*key, begin)] = value
            values.append(StationValue(station, pollutant, begin.isoformat(), value, validity))
    if errors:
        raise InputError(errors)
    if not values:
        raise InputError(RowError(", ".join(names) or "input", None, None, "no hourly values"))
    return values, names


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


def stations_of_table(
    table: dict[str, dict], name: str = "station table", registry=None
) -> tuple[dict[str, Station], list[RowError]]:
    """Stations placed on NUTS 2024 by a station table (see :func:`read_station_table`), by the
    one set of rules of :func:`regioatlas.geo.stations.place_station`.

    Returns
    -------
    (dict of station id → Station, list of RowError)
        A station that cannot be placed is an error naming the table, its row and the reason.

    Example
    -------
    >>> placed, errors = stations_of_table({"DEBE034": {"nuts": "DE300", "nuts_version": "2021"},
    ...                                     "X": {"lon": "13.43", "lat": "52.48"}})
    >>> placed["DEBE034"].nuts_code, placed["X"].nuts_code, placed["X"].method, errors
    ('DE300', 'DE300', 'point in polygon (NUTS 2024)', [])
    """
    places, errors = place_station_table(table, name, registry)
    placed = {
        station: Station(
            station,
            table[station].get("name") or None,
            p.nuts,
            ATLAS_VERSION,
            p.lon,
            p.lat,
            p.method,
        )
        for station, p in places.items()
    }
    return placed, errors


class EeaAirQuality:
    """EEA air-quality hourly time series, with an optional station table placing the stations.

    Example
    -------
    >>> files = [*bundled_berlin_files(), shipped_station_table()]
    >>> r = EeaAirQuality().read(files)
    >>> len(r.station_values), [s.nuts_code for s in r.stations], r.errors
    (8736, ['DE300', 'DE300', 'DE300', 'DE300'], [])
    """

    name = "eea-aq"
    title = "EEA air quality e-Reporting hourly time series (E1a/E2a CSV), with a station table"
    publisher = "European Environment Agency (EEA)"
    licence = "EEA standard re-use policy: free re-use with acknowledgement"
    attribution = ATTRIBUTION

    def sniff(self, paths: list[Path]) -> str | None:
        series = [p for p in paths if not _is_station_table(p)]
        if series and all(_layout(_header_of(p)) for p in series):
            return "EEA air quality hourly time series" + (
                " with a station table" if len(series) < len(paths) else ""
            )
        return None

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        tables = [p for p in paths if _is_station_table(p)]
        result = ReadResult(recognised_as=self.sniff(paths) or self.title)
        result.station_values, _names = read_eea_values([p for p in paths if p not in tables])
        placed: dict[str, Station] = {}
        for table in tables:
            found, errors = stations_of_table(read_station_table(table), str(table))
            placed.update(found)
            result.errors.extend(errors)
        ids = sorted({v.station for v in result.station_values})
        result.stations = [placed.get(s) or Station(s, method="not placed") for s in ids]
        return result


def shipped_station_table() -> Path:
    """The table placing the four Berlin stations (NUTS 2021 DE300), shipped in the package."""
    from importlib import resources

    return Path(str(resources.files("regioatlas.data").joinpath("kpi", "berlin_stations.csv")))


def _header_of(path: Path) -> list[str]:
    return [h.strip().lstrip("\ufeff") for h in next(csv.reader([first_line(path)]), [])]


def _is_station_table(path: Path) -> bool:
    header = _header_of(path)
    return bool(header) and header[0] == "station"
