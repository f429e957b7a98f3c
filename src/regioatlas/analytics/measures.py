"""The one catalogue of measures: scorecard indicators, KPIs and Digital Compass targets.

Built-in measures are the entries of ``regioatlas/data/kpi/measures.json``; third parties add
theirs through the same door as every other plug-in kind (``regioatlas.plugins.Registry``):
``register_measure("my_kpi", "my_pkg.measures:MY_KPI")`` or the ``regioatlas.measures``
entry-point group, the target being a :class:`~regioatlas.model.measures.Measure`. The
scorecard, the KPI API and the Digital Compass read their measures from here, so adding a KPI
is one entry.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from regioatlas.model.errors import BadInput, NotFound
from regioatlas.model.measures import Measure
from regioatlas.plugins import Registry

_FIELDS = ("id", "kind", "area", "definition", "unit", "direction", "source")


@lru_cache(maxsize=1)
def _catalogue_file() -> dict[str, Any]:
    text = resources.files("regioatlas.data").joinpath("kpi", "measures.json").read_text("utf-8")
    return json.loads(text)


def measure_from_dict(entry: dict[str, Any]) -> Measure:
    """A measure from its catalogue entry (``name`` holds the names; unknown keys → details).

    Example
    -------
    >>> m = measure_from_dict(_catalogue_file()["measures"][0])
    >>> m.id, m.kind, m.label("fi")
    ('population', 'scorecard indicator', 'Väkiluku')
    """
    known = {"name", "thresholds", "standing", "targets", *_FIELDS}
    return Measure(
        **{k: entry[k] for k in _FIELDS},
        names=entry["name"],
        thresholds=list(entry.get("thresholds", [])),
        standing=entry.get("standing"),
        targets=list(entry.get("targets", [])),
        details={k: v for k, v in entry.items() if k not in known},
    )


@lru_cache(maxsize=1)
def _builtin() -> dict[str, Measure]:
    return {e["id"]: measure_from_dict(e) for e in _catalogue_file()["measures"]}


class _BuiltinMeasures:
    """The built-in entries as attributes, so each is a dotted path like any plug-in's."""

    def __getattr__(self, measure_id: str) -> Measure:
        try:
            return _builtin()[measure_id]
        except KeyError:
            raise AttributeError(measure_id) from None


BUILTIN = _BuiltinMeasures()

MEASURES = Registry(
    "measure",
    {mid: f"{__name__}:BUILTIN.{mid}" for mid in _builtin()},
    group="regioatlas.measures",
)


def register_measure(measure_id: str, target: str) -> None:
    """Add a measure to the catalogue: ``target`` is ``"package.module:MEASURE"``.

    Example
    -------
    >>> register_measure("population", "regioatlas.analytics.measures:BUILTIN.population")
    >>> get_measure("population").unit
    'persons'
    """
    MEASURES.register(measure_id, target)


def get_measure(measure_id: str) -> Measure:
    """One measure, or NotFound naming the known ids; a broken plug-in raises loudly.

    Example
    -------
    >>> get_measure("aq_pm25_annual_mean").names["fr"]
    'PM2,5, moyenne annuelle'
    """
    if measure_id not in MEASURES.entries():
        raise NotFound(
            f"unknown measure {measure_id!r}; known: {', '.join(sorted(MEASURES.names()))}",
            parameter="measure",
        )
    return _checked(measure_id, MEASURES.load(measure_id))


def measures(kind: str | None = None) -> list[Measure]:
    """Every measure (built-ins in catalogue order, then plug-ins), optionally of one kind.

    Example
    -------
    >>> len(measures("scorecard indicator")), len(measures("kpi")) >= 19
    (16, True)
    """
    out = [_checked(name, MEASURES.load(name)) for name in MEASURES.names()]
    return [m for m in out if kind is None or m.kind == kind]


def compass_not_translated() -> list[dict[str, str]]:
    """Digital Decade targets the compass cannot express in a region's numbers, and why."""
    return list(_catalogue_file()["compass_not_translated"])


def _checked(name: str, obj: object) -> Measure:
    if not isinstance(obj, Measure):
        raise BadInput(
            f"measure plug-in {name!r} ({MEASURES.target(name)}) is a {type(obj).__name__}, "
            "not a regioatlas.model.measures.Measure",
            parameter="measure",
        )
    if obj.id != name:
        raise BadInput(
            f"measure plug-in registered as {name!r} has the id {obj.id!r}", parameter="measure"
        )
    return obj
