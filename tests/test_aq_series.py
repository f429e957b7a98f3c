"""Averages and coverage rules on the real Berlin PM2.5 series (EEA, Jan-Apr 2021, shipped in
the package), checked against sums computed here straight from the CSV rows."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import datetime

import numpy as np
import pytest

from regioatlas.analytics.aq_series import (
    annual_means,
    daily_means,
    max_daily_8h_means,
    running_mean,
)
from regioatlas.api.kpi import read_eea_timeseries
from regioatlas.model import InputError
from regioatlas.sources.eea_aq import bundled_berlin_files


@pytest.fixture(scope="module")
def berlin():
    return read_eea_timeseries(bundled_berlin_files())


def _raw(station_file_id: str) -> dict[datetime, float | None]:
    """hour begin -> value (None when not valid), read directly from the shipped file."""
    path = next(p for p in bundled_berlin_files() if station_file_id in p.name)
    rows = csv.DictReader(io.StringIO(gzip.decompress(path.read_bytes()).decode()))
    out = {}
    for r in rows:
        t = datetime.strptime(r["DatetimeBegin"][:19], "%Y-%m-%d %H:%M:%S")
        out[t] = float(r["Concentration"]) if int(r["Validity"]) > 0 else None
    return out


def test_reads_the_real_files_with_gaps_and_invalid_hours_reported(berlin):
    g = berlin.grids["PM2.5"]
    assert berlin.stations == ["DEBE034", "DEBE064", "DEBE065", "DEBE125"]
    assert g.start.isoformat() == "2021-01-01T00:00:00+01:00"
    assert g.n_hours == 2904  # 1 Jan 00:00 .. 1 May 23:00 local (+01:00)
    raw = _raw("71696")
    assert len(raw) == 2184
    valid = sum(v is not None for v in raw.values())
    assert int((~np.isnan(g.values[0])).sum()) == valid
    kinds = {(i["station"], i["kind"]): i["count"] for i in berlin.issues}
    assert kinds[("DEBE034", "not valid")] == len(raw) - valid
    assert kinds[("DEBE034", "gap")] == 2904 - 2184  # March is missing in the files
    march = (g.hour_times() >= np.datetime64("2021-03-01T00")) & (
        g.hour_times() < np.datetime64("2021-03-31T00")
    )
    assert np.isnan(g.values[:, march]).all()
    # PROVENANCE.md: mean of valid hours about 14.8-16.5 µg/m³
    means = np.nanmean(g.values, axis=1)
    assert (means > 14.7).all() and (means < 16.6).all()


def test_daily_means_and_the_18_hour_rule(berlin):
    g = berlin.grids["PM2.5"]
    raw = _raw("71696")
    dates, means, counts = daily_means(g)
    day = datetime(2021, 1, 15)
    values = [v for t, v in raw.items() if t.date() == day.date() and v is not None]
    i = int(np.flatnonzero(dates == np.datetime64("2021-01-15"))[0])
    assert counts[0, i] == len(values)
    assert means[0, i] == pytest.approx(sum(values) / len(values))
    # every day with fewer than 18 valid hours has no daily mean, the others have one
    assert np.isnan(means[counts < 18]).all()
    assert not np.isnan(means[counts >= 18]).any()
    # 1 May has hours in the file, but fewer than 18 valid: no daily mean
    may1 = int(np.flatnonzero(dates == np.datetime64("2021-05-01"))[0])
    assert 0 < counts[0, may1] < 18 and np.isnan(means[0, may1])
    assert (counts[:, dates == np.datetime64("2021-03-15")] == 0).all()


def test_running_24h_mean_needs_18_hours(berlin):
    g = berlin.grids["PM2.5"]
    r24 = running_mean(g.values, 24, 18)
    assert np.isnan(r24[0, :17]).all()  # fewer than 18 hours since the start
    row = g.values[0]
    h = 100
    window = row[h - 23 : h + 1]
    expect = np.nanmean(window) if (~np.isnan(window)).sum() >= 18 else np.nan
    assert r24[0, h] == pytest.approx(expect)
    # right after the March gap the running mean comes back only after 18 valid hours
    start = int(np.flatnonzero(g.hour_times() == np.datetime64("2021-03-31T00"))[0])
    assert np.isnan(r24[0, start : start + 17]).all()


def test_max_daily_8h_mean(berlin):
    g = berlin.grids["PM2.5"]
    dates, mda8, counts = max_daily_8h_means(g)
    i = int(np.flatnonzero(dates == np.datetime64("2021-02-10"))[0])
    row = g.values[1]
    # 8-hour means ending in the day: windows ending at hours 0..23 of 10 Feb
    first = int(np.flatnonzero(g.hour_times() == np.datetime64("2021-02-10T00"))[0])
    windows = []
    for end in range(first, first + 24):
        w = row[end - 7 : end + 1]
        windows.append(np.nanmean(w) if (~np.isnan(w)).sum() >= 6 else np.nan)
    assert counts[1, i] == sum(not np.isnan(w) for w in windows)
    assert mda8[1, i] == pytest.approx(np.nanmax(windows))


def test_annual_mean_needs_90_percent_of_the_year(berlin):
    g = berlin.grids["PM2.5"]
    a = annual_means(g, 2021)
    assert np.isnan(a["mean"]).all()  # about a quarter of the year: no annual mean
    assert (a["coverage"] < 0.26).all() and (a["coverage"] > 0.24).all()
    assert a["period_mean"][0] == pytest.approx(np.nanmean(g.values[0]))


def test_bad_values_are_flagged_not_zeroed(tmp_path):
    # constructed input (not real data): one file with a negative, an implausible and a
    # valid value, in the EEA layout
    head = (
        "Countrycode,Namespace,AirQualityNetwork,AirQualityStation,AirQualityStationEoICode,"
        "SamplingPoint,SamplingProcess,Sample,AirPollutant,AirPollutantCode,AveragingTime,"
        "Concentration,UnitOfMeasurement,DatetimeBegin,DatetimeEnd,Validity,Verification\n"
    )

    def row(hour, value, pollutant="PM2.5", unit="µg/m3", avg="hour"):
        return (
            f"XX,n,net,st,TEST1,sp,spp,s,{pollutant},code,{avg},{value},{unit},"
            f"2021-01-01 {hour:02d}:00:00 +01:00,2021-01-01 {hour + 1:02d}:00:00 +01:00,1,3\n"
        )

    p = tmp_path / "constructed.csv"
    p.write_text(head + row(0, 10.0) + row(1, -3.0) + row(2, 5000.0) + row(4, 12.0))
    data = read_eea_timeseries([p])
    v = data.grids["PM2.5"].values[0]
    assert v[0] == 10.0 and np.isnan(v[1]) and np.isnan(v[2]) and np.isnan(v[3]) and v[4] == 12.0
    kinds = {i["kind"]: i["count"] for i in data.issues}
    assert kinds == {"negative": 1, "implausible": 1, "gap": 1}
    for bad, match in (
        (row(0, 1.0, pollutant="PM1"), "unknown pollutant"),
        (row(0, 1.0, unit="wibbles/m3"), "unknown unit"),
        (row(0, 1.0, avg="day"), "only hourly"),
        (row(0, 1.0) + row(0, 2.0), "two values"),
        (row(0, "abc"), "without a number"),
    ):
        p.write_text(head + bad)
        with pytest.raises(InputError, match=match):
            read_eea_timeseries([p])
    p.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="not an EEA air quality time series"):
        read_eea_timeseries([p])


def test_ppb_files_are_converted_at_the_stated_temperature(tmp_path):
    # constructed input: NO2 given in ppb
    p = tmp_path / "constructed_no2.csv"
    p.write_text(
        "AirQualityStationEoICode,AirPollutant,AveragingTime,Concentration,UnitOfMeasurement,"
        "DatetimeBegin,Validity\nTEST1,NO2,hour,100,ppb,2021-01-01 00:00:00 +01:00,1\n"
    )
    g = read_eea_timeseries([p]).grids["NO2"]
    assert g.values[0, 0] == pytest.approx(100 * 46.0055 / 24.055, rel=1e-3)  # 293.15 K
