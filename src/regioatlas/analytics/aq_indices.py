"""Air quality indices from concentrations: the EEA European AQI (2024 and pre-2024 bands), the
German UBA Luftqualitätsindex and the Common Air Quality Index (CAQI), each with its own
averaging period and band-edge convention (``data/kpi/air_quality.json``; docs/kpi.md):

- ``lower_inclusive`` (EEA): band k holds ``edge[k-1] <= c < edge[k]``;
- ``integer_upper_inclusive`` (UBA): round half up to whole µg/m³, band k holds
  ``edge[k-1] < round(c) <= edge[k]``;
- ``caqi_grid`` (CAQI): as UBA for the class; the index interpolates linearly on the grid.

An overall index is the worst band of the pollutants measured in that hour. Band 0 means no
valid value.
"""

from __future__ import annotations

import numpy as np

from regioatlas.analytics.aq_series import RUNNING_8H, RUNNING_24H, HourlyGrid, running_mean
from regioatlas.model.errors import BadInput
from regioatlas.model.pollutants import definitions


class UnknownIndex(BadInput, ValueError):
    """An index, or a pollutant of an index, the definitions do not have."""


def index_ids() -> list[str]:
    return list(definitions()["indices"])


def index_spec(index: str) -> dict:
    try:
        return definitions()["indices"][index]
    except KeyError:
        known = ", ".join(index_ids())
        raise UnknownIndex(f"unknown index {index!r}; known: {known}", parameter="index") from None


def round_half_up(values: np.ndarray) -> np.ndarray:
    """Whole numbers, halves rounded up (not to even): 5.5 -> 6, 2.5 -> 3."""
    return np.floor(np.asarray(values, dtype=np.float64) + 0.5)


def classify(values, index: str, pollutant: str) -> np.ndarray:
    """Band numbers (1 = best) of already averaged concentrations (µg/m³); 0 where NaN.

    Parameters
    ----------
    values : array-like
        Concentrations in µg/m³, averaged as the index asks (see ``averaged``).
    index : str
        ``eaqi_2024``, ``eaqi_pre2024``, ``uba_lqi`` or ``caqi_hourly``.
    pollutant : str

    Example
    -------
    >>> classify([4.99, 5.0, 15.0, 140.0, np.nan], "eaqi_2024", "PM2.5").tolist()
    [1, 2, 3, 6, 0]
    >>> classify([5.49, 5.5, 50.49, 50.5], "uba_lqi", "PM2.5").tolist()
    [1, 2, 4, 5]
    """
    spec = index_spec(index)
    if pollutant not in spec["pollutants"]:
        raise UnknownIndex(f"{spec['short']} has no band for {pollutant}", parameter="pollutant")
    edges = np.asarray(spec["pollutants"][pollutant]["edges"], dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    missing = np.isnan(v)
    if spec["convention"] == "lower_inclusive":
        bands = np.searchsorted(edges, np.where(missing, 0, v), side="right") + 1
    else:  # integer_upper_inclusive, caqi_grid
        bands = np.searchsorted(edges, round_half_up(np.where(missing, 0, v)), side="left") + 1
    return np.where(missing, 0, bands).astype(np.int8)


def caqi_value(values, pollutant: str) -> np.ndarray:
    """CAQI sub-index (0-100, above 100 = very high) by linear interpolation on the grid.

    Example
    -------
    >>> caqi_value([0, 15, 16, 30, 110, 111], "PM2.5").tolist()
    [0.0, 25.0, 26.0, 50.0, 100.0, 101.0]
    """
    spec = index_spec("caqi_hourly")
    edges = [float(e) for e in spec["pollutants"][pollutant]["edges"]]
    grid = [float(g) for g in spec["index_grid"]]
    v = np.asarray(values, dtype=np.float64)
    r = round_half_up(np.where(np.isnan(v), 0, v))
    cls = np.searchsorted(np.asarray(edges), r, side="left")
    c_lo = np.array([0.0] + [e + 1 for e in edges])
    c_hi = np.array(edges + [np.inf])
    i_lo = np.array([0.0] + [g + 1 for g in grid])
    i_hi = np.array(grid + [np.inf])
    # the top class continues with the slope of the class below it
    slope = np.empty(len(edges) + 1)
    slope[:-1] = (i_hi[:-1] - i_lo[:-1]) / (c_hi[:-1] - c_lo[:-1])
    slope[-1] = slope[-2]
    out = i_lo[cls] + (r - c_lo[cls]) * slope[cls]
    return np.where(np.isnan(v), np.nan, round_half_up(out))


def averaged(grid: HourlyGrid, averaging: str) -> np.ndarray:
    """The grid's values averaged as an index asks: hourly, running_24h or running_8h."""
    if averaging == "hourly":
        return grid.values
    if averaging == "running_24h":
        return running_mean(grid.values, *RUNNING_24H)
    if averaging == "running_8h":
        return running_mean(grid.values, *RUNNING_8H)
    raise UnknownIndex(f"unknown averaging {averaging!r}")


def index_bands(grids: dict[str, HourlyGrid], index: str) -> tuple[np.ndarray, dict[str, str]]:
    """Hourly overall bands of one index for aligned grids of several pollutants.

    Parameters
    ----------
    grids : dict pollutant -> HourlyGrid
        Same stations and hours in every grid.
    index : str

    Returns
    -------
    (bands (stations, hours) int8 with 0 where no pollutant has a value,
     {pollutant: averaging used})
    """
    spec = index_spec(index)
    used = {p: spec["pollutants"][p]["averaging"] for p in grids if p in spec["pollutants"]}
    if not used:
        raise UnknownIndex(f"{spec['short']} covers none of {', '.join(grids)}")
    per_pollutant = [classify(averaged(grids[p], avg), index, p) for p, avg in used.items()]
    bands = per_pollutant[0]
    for more in per_pollutant[1:]:
        bands = np.maximum(bands, more)
    return bands, used


def band_summary(bands: np.ndarray, labels: list[str]) -> list[dict]:
    """Per row of ``bands``: hours per band, shares, the most frequent and the worst band."""
    n_bands = len(labels)
    counts = np.stack([(bands == k).sum(axis=1) for k in range(1, n_bands + 1)], axis=1)
    rated = counts.sum(axis=1)
    out = []
    for i in range(bands.shape[0]):
        row = counts[i]
        worst = int(np.max(np.flatnonzero(row)) + 1) if rated[i] else None
        common = int(np.argmax(row) + 1) if rated[i] else None
        out.append(
            {
                "hours_rated": int(rated[i]),
                "hours_by_band": {labels[k]: int(row[k]) for k in range(n_bands)},
                "share_by_band": {
                    labels[k]: (round(float(row[k] / rated[i]), 4) if rated[i] else None)
                    for k in range(n_bands)
                },
                "most_frequent": labels[common - 1] if common else None,
                "worst": labels[worst - 1] if worst else None,
            }
        )
    return out
