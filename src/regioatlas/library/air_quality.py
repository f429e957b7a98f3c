"""Air-quality series read for an assessment: the EEA files (or a posted body) through the
``eea-aq`` reader, assembled into aligned hourly grids. The API and the CLI call this; the
handlers themselves read no files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from regioatlas.analytics.aq_series import AirQualityData, assemble_series
from regioatlas.sources.eea_aq import read_eea_values


def read_eea_timeseries(
    sources: Sequence[Path | str] | Sequence[tuple[str, str]], *, plausible: bool = True
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
    values, names = read_eea_values(sources)
    return assemble_series(values, names, plausible=plausible)
