"""Every band boundary of every index, against docs/REFERENCE_VALUES.md (copied below so the
tests do not need ../shared): the value at an edge and the values just around it."""

from __future__ import annotations

import numpy as np
import pytest

from regioatlas.analytics.aq_indices import (
    caqi_value,
    classify,
    index_spec,
)
from regioatlas.model.pollutants import definitions, pollutant_name

# REFERENCE_VALUES.md: EEA European AQI, upper bounds of Good / Fair / Moderate / Poor / Very poor
EAQI_2024 = {
    "PM2.5": [5, 15, 50, 90, 140],
    "PM10": [15, 45, 120, 195, 270],
    "NO2": [10, 25, 60, 100, 150],
    "O3": [60, 100, 120, 160, 180],
    "SO2": [20, 40, 125, 190, 275],
}
EAQI_PRE2024 = {
    "PM2.5": [10, 20, 25, 50, 75],
    "PM10": [20, 40, 50, 100, 150],
    "NO2": [40, 90, 120, 230, 340],
    "O3": [50, 100, 130, 240, 380],
    "SO2": [100, 200, 350, 500, 750],
}
EPS = 1e-9


def test_eaqi_edges_are_the_reference_values():
    for index, table in (("eaqi_2024", EAQI_2024), ("eaqi_pre2024", EAQI_PRE2024)):
        spec = index_spec(index)
        assert {p: v["edges"] for p, v in spec["pollutants"].items()} == table
        assert len(spec["labels"]) == 6


@pytest.mark.parametrize("index,table", [("eaqi_2024", EAQI_2024), ("eaqi_pre2024", EAQI_PRE2024)])
def test_eaqi_every_edge_lower_bound_inclusive(index, table):
    for pollutant, edges in table.items():
        for k, e in enumerate(edges, start=1):
            below, at, above = classify([e - 0.001, e, e + 0.001], index, pollutant).tolist()
            assert (below, at, above) == (k, k + 1, k + 1), (index, pollutant, e)
        assert classify([0.0], index, pollutant).tolist() == [1]
        assert classify([edges[-1] * 10], index, pollutant).tolist() == [6]  # Extremely poor


def test_eaqi_averaging_follows_the_definitions():
    assert index_spec("eaqi_2024")["pollutants"]["PM2.5"]["averaging"] == "hourly"
    assert index_spec("eaqi_pre2024")["pollutants"]["PM2.5"]["averaging"] == "running_24h"
    assert index_spec("eaqi_pre2024")["pollutants"]["PM10"]["averaging"] == "running_24h"
    assert index_spec("eaqi_pre2024")["pollutants"]["NO2"]["averaging"] == "hourly"


def test_uba_reference_values_and_every_edge():
    spec = index_spec("uba_lqi")
    # REFERENCE_VALUES.md: 5 classes, PM2.5 "very good" 0-5, "very poor" > 50
    assert len(spec["labels"]) == 5
    assert spec["pollutants"]["PM2.5"]["edges"][0] == 5
    assert spec["pollutants"]["PM2.5"]["edges"][-1] == 50
    for pollutant, d in spec["pollutants"].items():
        for k, e in enumerate(d["edges"], start=1):
            got = classify([e, e + 0.49, e + 0.5, e + 1], "uba_lqi", pollutant).tolist()
            # whole µg/m³, half up: e and e+0.49 stay in class k; e+0.5 rounds to e+1
            assert got == [k, k, k + 1, k + 1], (pollutant, e, got)
    assert classify([0, 5, 6, 50, 51], "uba_lqi", "PM2.5").tolist() == [1, 1, 2, 4, 5]


def test_caqi_reference_values_and_every_edge():
    spec = index_spec("caqi_hourly")
    # REFERENCE_VALUES.md: CAQI/CITEAIR PM2.5 "very low" 0-15
    assert spec["labels"][0] == "Very low" and spec["pollutants"]["PM2.5"]["edges"][0] == 15
    grid = spec["index_grid"]
    for pollutant, d in spec["pollutants"].items():
        for k, e in enumerate(d["edges"], start=1):
            got = classify([e, e + 0.49, e + 1], "caqi_hourly", pollutant).tolist()
            assert got == [k, k, k + 1], (pollutant, e, got)
            assert caqi_value([e], pollutant).tolist() == [grid[k - 1]]
            assert caqi_value([e + 1], pollutant).tolist() == [grid[k - 1] + 1]
    assert caqi_value([0, 200], "PM2.5").tolist()[0] == 0
    assert caqi_value([200], "PM2.5").tolist()[0] > 100  # very high continues above 100


def test_missing_values_get_no_band_and_pollutants_are_named():
    assert classify([np.nan], "eaqi_2024", "PM2.5").tolist() == [0]
    assert pollutant_name("6001") == "PM2.5" and pollutant_name("pm10") == "PM10"
    with pytest.raises(ValueError, match="unknown pollutant"):
        pollutant_name("PM1")
    with pytest.raises(ValueError, match="unknown index"):
        classify([1.0], "us_epa", "PM2.5")


def test_every_index_has_a_convention_text_and_source():
    for spec in definitions()["indices"].values():
        assert spec["convention_text"] and spec["source"]
        assert len(spec["labels"]) == len(next(iter(spec["pollutants"].values()))["edges"]) + 1
