"""Hourly air-quality series on a regular grid, and the averages the standards need.

A :class:`HourlyGrid` holds one pollutant for many stations as a ``(stations, hours)`` array in
µg/m³, NaN where an hour is missing or not valid. Every average applies the data-coverage
rules of Directive 2008/50/EC Annexes VII and XI (kept in (EU) 2024/2881):

- running 8-hour mean: at least 6 of the 8 hours (75 %);
- running 24-hour mean and daily mean: at least 18 of the 24 hours (75 %);
- maximum daily 8-hour mean: at least 18 of the 24 running 8-hour means that end in the day,
  each 8-hour mean belonging to the day in which it ends (the first covers 17:00-01:00);
- annual mean: at least 90 % of the hours of the calendar year.

Days and years are calendar days in the time offset of the data (EEA files give local
standard time, e.g. +01:00 for Germany, without daylight saving).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from regioatlas.model import InputError, RowError
from regioatlas.model.pollutants import definitions
from regioatlas.model.stations import StationValue

#: Coverage rules: (window in hours, minimum valid values).
RUNNING_8H = (8, 6)
RUNNING_24H = (24, 18)
DAILY_MIN_HOURS = 18
MDA8_MIN_MEANS = 18
ANNUAL_MIN_SHARE = 0.90


@dataclass
class HourlyGrid:
    """One pollutant, many stations, one value per hour (µg/m³; NaN = missing or not valid).

    ``start`` is the (timezone-aware) beginning of the first hour; hour ``i`` begins at
    ``start + i hours``. ``issues`` lists what was flagged while building the grid (negative or
    implausible values, invalid hours, gaps), one dict per station and kind, with counts.
    """

    pollutant: str
    start: datetime
    stations: list[str]
    values: np.ndarray
    unit: str = "µg/m³"
    issues: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.values = np.asarray(self.values, dtype=np.float64)
        if self.values.ndim != 2 or self.values.shape[0] != len(self.stations):
            raise ValueError(
                f"values must be (stations, hours); got {self.values.shape} for "
                f"{len(self.stations)} stations"
            )
        if self.start.tzinfo is None:
            raise ValueError("start must carry a UTC offset (EEA files state one)")

    @property
    def n_hours(self) -> int:
        return self.values.shape[1]

    @property
    def local_start(self) -> np.datetime64:
        """Beginning of the first hour in the data's own offset, as naive datetime64[h]."""
        return np.datetime64(self.start.replace(tzinfo=None), "h")

    def hour_times(self) -> np.ndarray:
        """Beginning of every hour (local, datetime64[h])."""
        return self.local_start + np.arange(self.n_hours)


def screen_values(
    values: np.ndarray, stations: list[str], pollutant: str, plausible_max: float
) -> tuple[np.ndarray, list[dict]]:
    """Set negative and implausibly high concentrations to NaN and say so; never to zero.

    Parameters
    ----------
    values : ndarray (stations, hours)
    stations : list of str
    pollutant : str
    plausible_max : float
        Highest physically plausible hourly concentration in µg/m³.

    Returns
    -------
    (cleaned copy, issues) where each issue is ``{station, kind, count, example}``.

    Example
    -------
    >>> v, issues = screen_values(np.array([[1.0, -2.0, 5000.0]]), ["S1"], "PM2.5", 1500)
    >>> v.tolist(), [(i["kind"], i["count"]) for i in issues]
    ([[1.0, nan, nan]], [('negative', 1), ('implausible', 1)])
    """
    out = np.array(values, dtype=np.float64, copy=True)
    issues: list[dict] = []
    with np.errstate(invalid="ignore"):
        negative = out < 0
        implausible = out > plausible_max
    for kind, mask, why in (
        ("negative", negative, "a concentration cannot be negative"),
        ("implausible", implausible, f"above {plausible_max:g} µg/m³ for {pollutant}"),
    ):
        if not mask.any():
            continue
        for i in np.flatnonzero(mask.any(axis=1)):
            row = mask[i]
            issues.append(
                {
                    "station": stations[i],
                    "pollutant": pollutant,
                    "kind": kind,
                    "count": int(row.sum()),
                    "example": float(out[i, np.argmax(row)]),
                    "treated_as": "not valid (excluded from every average)",
                    "reason": why,
                }
            )
        out[mask] = np.nan
    return out, issues


def running_mean(values: np.ndarray, window: int, min_valid: int) -> np.ndarray:
    """Mean of the ``window`` hours ending with each hour; NaN with fewer than ``min_valid``.

    Hours before the series count as missing. Example
    -------
    >>> running_mean(np.array([[1.0, 2.0, np.nan, 4.0]]), 2, 1).tolist()
    [[1.0, 1.5, 2.0, 4.0]]
    """
    v = np.asarray(values, dtype=np.float64)
    valid = ~np.isnan(v)
    n, h = v.shape
    cs = np.zeros((n, h + 1))
    np.cumsum(np.where(valid, v, 0.0), axis=1, out=cs[:, 1:])
    cc = np.zeros((n, h + 1), dtype=np.int32)
    np.cumsum(valid, axis=1, out=cc[:, 1:])
    # window ending at hour i covers cumulative positions (i + 1 - window, i + 1]
    sums = cs[:, 1:].copy()
    counts = cc[:, 1:].copy()
    if h > window:
        sums[:, window:] -= cs[:, 1 : h + 1 - window]
        counts[:, window:] -= cc[:, 1 : h + 1 - window]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = sums / counts
    out[counts < min_valid] = np.nan
    return out


def _by_day(grid: HourlyGrid, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values reshaped to (stations, days, 24) on local calendar days; NaN padding at the ends."""
    local = grid.local_start
    first_day = local.astype("datetime64[D]")
    lead = int((local - first_day.astype("datetime64[h]")).astype(int))
    total = lead + values.shape[1]
    days = -(-total // 24)
    padded = np.full((values.shape[0], days * 24), np.nan)
    padded[:, lead : lead + values.shape[1]] = values
    dates = first_day + np.arange(days)
    return dates, padded.reshape(values.shape[0], days, 24)


def daily_means(grid: HourlyGrid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Calendar-day means with the 18-hour rule.

    Returns
    -------
    (dates datetime64[D], means (stations, days) NaN where not valid, valid hour counts)
    """
    dates, cube = _by_day(grid, grid.values)
    counts = (~np.isnan(cube)).sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.nansum(cube, axis=2) / counts
    means[counts < DAILY_MIN_HOURS] = np.nan
    return dates, means, counts


def max_daily_8h_means(grid: HourlyGrid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximum daily 8-hour mean: the highest running 8-hour mean (6 of 8 hours) ending in the
    day, valid with at least 18 of the day's 24 running means.

    Returns
    -------
    (dates, maxima (stations, days) NaN where not valid, counts of valid 8-hour means)
    """
    r8 = running_mean(grid.values, *RUNNING_8H)
    dates, cube = _by_day(grid, r8)
    counts = (~np.isnan(cube)).sum(axis=2)
    filled = np.where(np.isnan(cube), -np.inf, cube)
    maxima = filled.max(axis=2)
    maxima[counts < MDA8_MIN_MEANS] = np.nan
    return dates, maxima, counts


def hours_in_year(year: int) -> int:
    return 24 * (date(year + 1, 1, 1) - date(year, 1, 1)).days


def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def years_of(grid: HourlyGrid) -> list[int]:
    """Calendar years the grid touches (local time)."""
    times = grid.hour_times()
    first = int(str(times[0])[:4])
    last = int(str(times[-1])[:4])
    return list(range(first, last + 1))


def year_slice(grid: HourlyGrid, year: int) -> slice:
    """The grid's hours that fall in a local calendar year."""
    local = grid.local_start
    begin = np.datetime64(f"{year}-01-01T00", "h")
    end = np.datetime64(f"{year + 1}-01-01T00", "h")
    lo = int(max(0, (begin - local).astype(int)))
    hi = int(min(grid.n_hours, (end - local).astype(int)))
    return slice(lo, max(lo, hi))


def annual_means(grid: HourlyGrid, year: int) -> dict[str, np.ndarray]:
    """Mean of the valid hours of a calendar year per station, valid with 90 % of the year's hours.

    Returns
    -------
    dict with ``mean`` (NaN where coverage < 90 %), ``period_mean`` (mean of whatever hours
    there are, for information), ``valid_hours`` and ``coverage`` (share of the year's hours).
    """
    part = grid.values[:, year_slice(grid, year)]
    valid = (~np.isnan(part)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        period_mean = np.nansum(part, axis=1) / valid
    coverage = valid / hours_in_year(year)
    mean = np.where(coverage >= ANNUAL_MIN_SHARE, period_mean, np.nan)
    return {
        "mean": mean,
        "period_mean": period_mean,
        "valid_hours": valid,
        "coverage": coverage,
    }


def day_year_mask(dates: np.ndarray, year: int) -> np.ndarray:
    return (dates >= np.datetime64(f"{year}-01-01")) & (dates < np.datetime64(f"{year + 1}-01-01"))


def local_datetime(grid: HourlyGrid, hour: int) -> datetime:
    """The aware datetime at which hour ``hour`` of the grid begins."""
    return grid.start + timedelta(hours=int(hour))


# ----------------------------------------------------------------- assembling read values


@dataclass
class AirQualityData:
    """Aligned hourly grids by pollutant, with what was flagged while reading."""

    grids: dict[str, HourlyGrid]
    stations: list[str]
    issues: list[dict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def assemble_series(
    values: list[StationValue], names: list[str] | None = None, *, plausible: bool = True
) -> AirQualityData:
    """Aligned hourly grids per pollutant from stored or freshly read values: hours not given
    are gaps, not-valid and implausible hours are excluded; each is reported in ``issues``.

    Example
    -------
    >>> from regioatlas.sources.eea_aq import bundled_berlin_files, read_eea_values
    >>> data = assemble_series(read_eea_values(bundled_berlin_files())[0])
    >>> data.grids["PM2.5"].n_hours, sorted({i["kind"] for i in data.issues})
    (2904, ['gap', 'not valid'])
    """
    records: dict[tuple[str, str], dict[datetime, float]] = {}
    invalid: dict[tuple[str, str], int] = {}
    for v in values:
        key, begin = (v.station, v.pollutant), datetime.fromisoformat(v.begin)
        if v.validity <= 0 or v.value is None:
            invalid[key] = invalid.get(key, 0) + 1
            records.setdefault(key, {}).setdefault(begin, np.nan)
        else:
            records.setdefault(key, {})[begin] = v.value
    if not records:
        raise InputError(
            RowError(", ".join(names or []) or "input", None, None, "no hourly values")
        )
    return _align(records, invalid, [], list(names or []), plausible)


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
