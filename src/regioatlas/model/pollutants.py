"""The air-quality vocabulary: pollutants, indices and standards as ``data/kpi/air_quality.json``
defines them, and the canonical name of a pollutant however a file spells it.

It lives in the model because readers (the EEA source) and analytics (the indices, the
standards) both need it, and sources may not import analytics.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from regioatlas.model.errors import BadInput


class UnknownPollutant(BadInput, ValueError):
    """A pollutant spelling the definitions do not know."""


@lru_cache(maxsize=1)
def definitions() -> dict:
    """The pollutant, index and standard definitions shipped in ``data/kpi/air_quality.json``.

    Example
    -------
    >>> sorted(definitions()["pollutants"])
    ['CO', 'NO2', 'O3', 'PM10', 'PM2.5', 'SO2']
    """
    text = resources.files("regioatlas.data").joinpath("kpi", "air_quality.json").read_text("utf-8")
    data: dict = json.loads(text)
    return data


def pollutant_name(text: str, parameter: str = "pollutant") -> str:
    """The canonical pollutant name for a spelling or EEA code (``"pm25"``, ``"6001"`` -> PM2.5).

    An unknown spelling is :class:`UnknownPollutant` naming ``parameter``.

    Example
    -------
    >>> pollutant_name("http://dd.eionet.europa.eu/vocabulary/aq/pollutant/6001")
    'PM2.5'
    """
    raw = str(text).strip()
    key = raw.rstrip("/").rsplit("/", 1)[-1] if raw.startswith("http") else raw
    for name, spec in definitions()["pollutants"].items():
        if key == name or key in spec["names"] or key.lower() in spec["names"]:
            return name
    known = ", ".join(definitions()["pollutants"])
    raise UnknownPollutant(f"unknown pollutant {text!r}; known: {known}", parameter=parameter)
