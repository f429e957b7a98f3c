"""Compliance counts on CONSTRUCTED series (not real data) with a known number of exceedances,
and the standards' levels against docs/REFERENCE_VALUES.md."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from regioatlas.analytics.air_quality import harmonise_aqi
from regioatlas.analytics.aq_series import HourlyGrid
from regioatlas.analytics.aq_standards import compliance, standards

CET = timezone(timedelta(hours=1))
HOURS_2021 = 8760


def constructed(pollutant: str, days_high: int, high: float, low: float, stations=("S1",)):
    """A constructed year: ``days_high`` whole days at ``high``, the rest at ``low``."""
    row = np.full(HOURS_2021, low)
    row[: 24 * days_high] = high
    return HourlyGrid(
        pollutant,
        datetime(2021, 1, 1, tzinfo=CET),
        list(stations),
        np.tile(row, (len(stations), 1)),
    )


def result(grid, std_id, year=2021):
    return next(r for r in compliance(grid, year) if r["id"] == std_id)["stations"][0]


@pytest.mark.parametrize("days,status", [(35, "met"), (36, "not met")])
def test_pm10_daily_limit_2008_allows_35_days(days, status):
    r = result(constructed("PM10", days, 60.0, 20.0), "eu2008_pm10_daily")
    assert r["exceedances"] == days and r["status"] == status and r["coverage"] == 1.0


@pytest.mark.parametrize("days,status", [(18, "met"), (19, "not met")])
def test_pm25_daily_limit_2030_allows_18_days(days, status):
    r = result(constructed("PM2.5", days, 30.0, 8.0), "eu2030_pm25_daily")
    assert r["exceedances"] == days and r["status"] == status


def test_a_value_at_the_limit_is_no_exceedance():
    r = result(constructed("PM10", 40, 50.0, 20.0), "eu2008_pm10_daily")
    assert r["exceedances"] == 0 and r["status"] == "met"
    r = result(constructed("PM10", 40, 50.01, 20.0), "eu2008_pm10_daily")
    assert r["exceedances"] == 40


def test_no2_hourly_counts_hours():
    row = np.full(HOURS_2021, 30.0)
    row[[5, 50, 500]] = 250.0  # 3 hours above 200
    row[7] = 200.0  # at the limit: not an exceedance
    g = HourlyGrid("NO2", datetime(2021, 1, 1, tzinfo=CET), ["S1"], row[None, :])
    assert result(g, "eu2030_no2_hourly")["exceedances"] == 3
    assert result(g, "eu2030_no2_hourly")["status"] == "met"  # 3 allowed from 2030
    assert result(g, "eu2008_no2_hourly")["status"] == "met"  # 18 allowed
    row[[600, 601]] = 250.0
    g = HourlyGrid("NO2", datetime(2021, 1, 1, tzinfo=CET), ["S1"], row[None, :])
    assert result(g, "eu2030_no2_hourly")["status"] == "not met"


def test_o3_target_counts_days_of_max_8h_mean():
    row = np.full(HOURS_2021, 60.0)
    for d in range(20):  # 20 days with an afternoon at 150 for 10 hours
        row[24 * d + 12 : 24 * d + 22] = 150.0
    g = HourlyGrid("O3", datetime(2021, 1, 1, tzinfo=CET), ["S1"], row[None, :])
    assert result(g, "eu2008_o3_target")["exceedances"] == 20
    assert result(g, "eu2008_o3_target")["status"] == "met"  # 25 allowed
    assert result(g, "eu2030_o3_target")["status"] == "not met"  # 18 allowed


def test_annual_mean_and_interim_targets():
    r = result(constructed("PM2.5", 0, 0.0, 12.0), "who2021_pm25_annual")
    assert r["value"] == 12.0 and r["status"] == "not met" and r["attains"] == "IT3"
    r = result(constructed("PM2.5", 0, 0.0, 12.0), "eu2030_pm25_annual")
    assert r["status"] == "not met"
    r = result(constructed("PM2.5", 0, 0.0, 12.0), "eu2008_pm25_annual")
    assert r["status"] == "met"


def test_coverage_decides_between_met_and_not_assessable():
    g = constructed("PM10", 10, 60.0, 20.0)
    g.values[0, 24 * 200 :] = np.nan  # about 45 % of the year missing
    r = result(g, "eu2008_pm10_daily")
    assert r["exceedances"] == 10 and r["status"] == "not assessable"
    assert result(g, "eu2008_pm10_annual")["status"] == "not assessable"
    g = constructed("PM10", 40, 60.0, 20.0)
    g.values[0, 24 * 200 :] = np.nan
    assert result(g, "eu2008_pm10_daily")["status"] == "not met"  # 40 > 35 whatever is missing


def test_who_short_term_is_a_99th_percentile():
    assert result(constructed("PM2.5", 3, 40.0, 8.0), "who2021_pm25_24h")["status"] == "met"
    r = result(constructed("PM2.5", 5, 40.0, 8.0), "who2021_pm25_24h")
    assert r["status"] == "not met" and r["exceedances"] == 5


def test_region_is_assessed_by_its_worst_station():
    rows = np.full((2, HOURS_2021), 20.0)
    rows[1, : 24 * 40] = 60.0  # station S2: 40 days above 50
    g = HourlyGrid("PM10", datetime(2021, 1, 1, tzinfo=CET), ["S1", "S2"], rows)
    table = harmonise_aqi({"PM10": g}, {"S1": {"nuts": "DE300"}, "S2": {"nuts": "DE300"}})
    region = table["regions"][0]
    r = next(s for s in region["standards"] if s["id"] == "eu2008_pm10_daily")
    assert r["status"] == "not met" and r["worst_station"] == "S2" and r["stations_not_met"] == 1
    assert r["exceedances"] == 40


def test_levels_are_the_reference_values():
    lv = {s["id"]: (s["level"], s.get("allowed")) for s in standards()}
    assert lv["eu2008_pm10_daily"] == (50, 35) and lv["eu2008_no2_hourly"] == (200, 18)
    assert lv["eu2008_so2_hourly"] == (350, 24) and lv["eu2008_so2_daily"] == (125, 3)
    assert lv["eu2008_o3_target"] == (120, 25) and lv["eu2030_o3_target"] == (120, 18)
    assert lv["eu2030_pm25_annual"] == (10, None) and lv["eu2030_pm25_daily"] == (25, 18)
    assert lv["eu2030_no2_hourly"] == (200, 3) and lv["eu2030_co_daily"] == (4, 18)
    who = {s["id"]: s for s in standards(body="WHO 2021")}
    assert who["who2021_pm25_annual"]["interim_targets"] == [35, 25, 15, 10]
    assert who["who2021_pm25_24h"]["interim_targets"] == [75, 50, 37.5, 25]
    assert who["who2021_co_24h"]["unit"] == "mg/m³"


def test_co_limits_in_mg_are_compared_in_micrograms():
    g = constructed("CO", 20, 5000.0, 1000.0)  # 5 mg/m³ daily means on 20 days
    r = result(g, "eu2030_co_daily")  # 4 mg/m³, 18 allowed
    assert r["exceedances"] == 20 and r["status"] == "not met"


def test_a_year_outside_the_data_is_refused():
    with pytest.raises(ValueError, match="do not cover 2019"):
        compliance(constructed("PM10", 0, 0, 1.0), 2019)
