"""Compliance of hourly series with the WHO 2021 guidelines (and interim targets), Directive
2008/50/EC and Directive (EU) 2024/2881 (2030 limit values), per station and calendar year.

An exceedance is a value strictly above the level (a daily mean of exactly 50 µg/m³ does not
exceed 50). Counts are made on valid periods only (see ``aq_series`` for the coverage rules):

- a count above the allowed number is *not met* whatever the coverage (more data cannot undo it);
- otherwise a verdict needs 90 % of the year's periods, else *not assessable*;
- annual means need 90 % of the year's hours;
- WHO short-term guidelines are 99th percentiles of the daily values (3-4 days a year): met when
  the 99th percentile of the valid days is at or below the level and coverage is 90 %, not met
  when more than 1 % of the year's days are above it.
"""

from __future__ import annotations

import numpy as np

from regioatlas.analytics.aq_indices import UnknownIndex
from regioatlas.analytics.aq_series import (
    ANNUAL_MIN_SHARE,
    HourlyGrid,
    annual_means,
    daily_means,
    day_year_mask,
    days_in_year,
    hours_in_year,
    max_daily_8h_means,
    year_slice,
    years_of,
)
from regioatlas.model.pollutants import definitions
from regioatlas.model.units import convert

MET, NOT_MET, NOT_ASSESSABLE = "met", "not met", "not assessable"
PEAK_MONTH_MIN_SHARE = 0.75


def standards(pollutant: str | None = None, body: str | None = None) -> list[dict]:
    """Standard definitions, optionally of one pollutant and/or one body (``WHO 2021`` ...)."""
    out = definitions()["standards"]
    if pollutant:
        out = [s for s in out if s["pollutant"] == pollutant]
    if body:
        out = [s for s in out if s["body"] == body]
    return out


def _level(std: dict, unit: str, key: str = "level") -> float:
    return float(convert(float(std[key]), std["unit"], unit))


def _steps(std: dict, unit: str) -> list[tuple[str, float]]:
    """Interim targets and the guideline, in the data's unit."""
    steps = [(f"IT{i + 1}", t) for i, t in enumerate(std["interim_targets"])]
    steps.append(("AQG", std["level"]))
    return [(name, float(convert(float(t), std["unit"], unit))) for name, t in steps]


def _interim(steps: list[tuple[str, float]], value: float | None) -> str | None:
    """The strictest of the interim targets and the guideline that the value meets."""
    if value is None or np.isnan(value):
        return None
    met = [name for name, t in steps if value <= t]
    return met[-1] if met else "above IT1"


class _Daily:
    """Daily statistics computed once per grid and reused by every standard."""

    def __init__(self, grid: HourlyGrid):
        self.grid = grid
        self._daily: tuple[np.ndarray, np.ndarray] | None = None
        self._mda8: tuple[np.ndarray, np.ndarray] | None = None

    def daily(self) -> tuple[np.ndarray, np.ndarray]:
        if self._daily is None:
            self._daily = daily_means(self.grid)[:2]
        return self._daily

    def mda8(self) -> tuple[np.ndarray, np.ndarray]:
        if self._mda8 is None:
            self._mda8 = max_daily_8h_means(self.grid)[:2]
        return self._mda8


def _counted(values: np.ndarray, level: float, periods: int, allowed, percentile) -> dict:
    """Exceedance counts, coverage and status for a (stations, periods-in-year) array."""
    valid = (~np.isnan(values)).sum(axis=1)
    with np.errstate(invalid="ignore"):
        above = (values > level).sum(axis=1)
    coverage = valid / periods
    out = {"valid": valid, "exceedances": above, "coverage": coverage}
    enough = coverage >= ANNUAL_MIN_SHARE
    if percentile is not None:
        with np.errstate(invalid="ignore"), _quiet():
            p = np.nanpercentile(values, percentile, axis=1) if values.shape[1] else None
        pct = np.where(valid > 0, p, np.nan) if p is not None else np.full(values.shape[0], np.nan)
        out["value"] = pct
        status = np.where(
            above > 0.01 * periods,
            NOT_MET,
            np.where(enough & (pct <= level), MET, np.where(enough, NOT_MET, NOT_ASSESSABLE)),
        )
    elif allowed is not None:
        status = np.where(above > allowed, NOT_MET, np.where(enough, MET, NOT_ASSESSABLE))
    else:  # no allowed number stated: days above are information
        status = np.where(above > 0, "above on some days", np.where(enough, MET, NOT_ASSESSABLE))
    out["status"] = status
    return out


class _quiet:
    """nanpercentile warns on all-NaN rows; those rows are answered with NaN on purpose."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


def _peak_season(mda8: np.ndarray, dates: np.ndarray, year: int) -> np.ndarray:
    """WHO peak season: highest mean of MDA8 over six consecutive months, each 75 % covered."""
    months = dates.astype("datetime64[M]")
    out = np.full(mda8.shape[0], np.nan)
    monthly = []
    for m in range(1, 13):
        sel = months == np.datetime64(f"{year}-{m:02d}", "M")
        n_days = int(sel.sum())
        part = mda8[:, sel]
        valid = (~np.isnan(part)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(part, axis=1) / valid
        full_days = (np.datetime64(f"{year}-{m:02d}", "M") + 1).astype(
            "datetime64[D]"
        ) - np.datetime64(f"{year}-{m:02d}-01")
        ok = (n_days > 0) & (valid >= PEAK_MONTH_MIN_SHARE * int(full_days.astype(int)))
        monthly.append(np.where(ok, mean, np.nan))
    cube = np.stack(monthly, axis=1)
    for start in range(0, 7):
        window = cube[:, start : start + 6]
        complete = ~np.isnan(window).any(axis=1)
        mean = np.where(complete, window.mean(axis=1), np.nan)
        out = np.fmax(out, mean)  # NaN-ignoring maximum
    return out


def compliance(grid: HourlyGrid, year: int, stds: list[dict] | None = None) -> list[dict]:
    """Every standard for the grid's pollutant in one calendar year, per station.

    Parameters
    ----------
    grid : HourlyGrid
    year : int
        Calendar year (local time of the data).
    stds : list of dict, optional
        Standards to check (default: all of the grid's pollutant).

    Returns
    -------
    One dict per standard with the definition (id, body, kind, statistic, level, unit,
    allowed) and ``stations``: per station ``value`` (the statistic), ``exceedances``,
    ``valid`` periods, ``coverage``, ``status`` and, for WHO, ``attains`` (the strictest
    interim target or guideline met).

    Example
    -------
    >>> from datetime import datetime, timezone
    >>> g = HourlyGrid("PM10", datetime(2021, 1, 1, tzinfo=timezone.utc), ["S"],
    ...                np.r_[np.full(24 * 40, 60.0), np.full(24 * 325, 20.0)][None, :])
    >>> r = {c["id"]: c["stations"][0] for c in compliance(g, 2021)}
    >>> r["eu2008_pm10_daily"]["exceedances"], r["eu2008_pm10_daily"]["status"]
    (40, 'not met')
    """
    stds = standards(grid.pollutant) if stds is None else stds
    if year not in years_of(grid):
        raise UnknownIndex(f"the data do not cover {year}; they cover {years_of(grid)}")
    unit = grid.unit
    daily = _Daily(grid)
    annual = None
    results = []
    for std in stds:
        if std["pollutant"] != grid.pollutant:
            continue
        level = _level(std, unit)
        stat = std["statistic"]
        allowed = std.get("allowed")
        percentile = std.get("percentile")
        if stat == "annual_mean":
            annual = annual or annual_means(grid, year)
            mean = annual["mean"]
            with np.errstate(invalid="ignore"):
                status = np.where(
                    np.isnan(mean), NOT_ASSESSABLE, np.where(mean > level, NOT_MET, MET)
                )
            res = {
                "value": mean,
                "period_mean": annual["period_mean"],
                "valid": annual["valid_hours"],
                "coverage": annual["coverage"],
                "exceedances": None,
                "status": status,
            }
        elif stat == "hourly":
            part = grid.values[:, year_slice(grid, year)]
            res = _counted(part, level, hours_in_year(year), allowed, percentile)
        elif stat in ("daily_mean", "max_daily_8h_mean", "peak_season"):
            dates, vals = daily.daily() if stat == "daily_mean" else daily.mda8()
            sel = day_year_mask(dates, year)
            if stat == "peak_season":
                peak = _peak_season(vals[:, sel], dates[sel], year)
                with np.errstate(invalid="ignore"):
                    status = np.where(
                        np.isnan(peak), NOT_ASSESSABLE, np.where(peak > level, NOT_MET, MET)
                    )
                res = {
                    "value": peak,
                    "valid": None,
                    "coverage": None,
                    "exceedances": None,
                    "status": status,
                }
            else:
                res = _counted(vals[:, sel], level, days_in_year(year), allowed, percentile)
        else:
            raise UnknownIndex(f"unknown statistic {stat!r} in standard {std['id']}")
        results.append(_assemble(std, grid, year, level, res))
    return results


def _assemble(std: dict, grid: HourlyGrid, year: int, level: float, res: dict) -> dict:
    def num(a, i, digits=3):
        if a is None:
            return None
        x = float(a[i])
        return None if np.isnan(x) else round(x, digits)

    steps = _steps(std, grid.unit) if "interim_targets" in std else None
    stations = []
    for i, station in enumerate(grid.stations):
        value = num(res.get("value"), i)
        row = {
            "station": station,
            "value": value,
            "exceedances": None if res["exceedances"] is None else int(res["exceedances"][i]),
            "valid": None if res["valid"] is None else int(res["valid"][i]),
            "coverage": num(res["coverage"], i, 4),
            "status": str(res["status"][i]),
        }
        if res.get("period_mean") is not None:
            row["period_mean"] = num(res["period_mean"], i)
        if steps is not None:  # the standard has interim targets
            row["attains"] = _interim(steps, value)
        stations.append(row)
    return {
        "id": std["id"],
        "body": std["body"],
        "kind": std["kind"],
        "pollutant": std["pollutant"],
        "statistic": std["statistic"],
        "percentile": std.get("percentile"),
        "level": round(level, 6),
        "unit": grid.unit,
        "level_as_published": f"{std['level']:g} {std['unit']}",
        "allowed": std.get("allowed"),
        "interim_targets": std.get("interim_targets"),
        "note": std.get("note"),
        "year": year,
        "stations": stations,
    }
