"""A filter expression tree (what CQL2 text and JSON are parsed into), plain data.

The API parses OGC CQL2 into these nodes; a store translates them to SQL with bound parameters
(``store/sql.py``) and the in-memory collections evaluate them in Python. Neither side sees
the other's syntax.

Operators (``Call.op``, lower case): ``and or not``, ``= <> < <= > >=``, ``like between in
isnull``, ``casei`` (a case-insensitive value), ``s_intersects s_equals s_disjoint s_touches
s_within s_overlaps s_crosses s_contains``, ``t_after t_before t_contains t_disjoint t_during
t_equals t_finishedby t_finishes t_intersects t_meets t_metby t_overlappedby t_overlaps
t_startedby t_starts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Union

COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")
SPATIAL = (
    "s_intersects",
    "s_equals",
    "s_disjoint",
    "s_touches",
    "s_within",
    "s_overlaps",
    "s_crosses",
    "s_contains",
)
TEMPORAL = (
    "t_after",
    "t_before",
    "t_contains",
    "t_disjoint",
    "t_during",
    "t_equals",
    "t_finishedby",
    "t_finishes",
    "t_intersects",
    "t_meets",
    "t_metby",
    "t_overlappedby",
    "t_overlaps",
    "t_startedby",
    "t_starts",
)


@dataclass(frozen=True)
class Prop:
    """A property (queryable) of the features, by name."""

    name: str


@dataclass(frozen=True)
class Geometry:
    """A geometry literal as WKT in CRS84 (longitude, latitude).

    ``regions`` are the codes, among the regions a feature may fall back to as its geometry,
    whose polygon satisfies the predicate this literal is used in: the API computes them from
    the NUTS polygons, so a store needs no polygons of its own.
    """

    wkt: str
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Interval:
    """A time interval; None is an open end (``'..'``)."""

    start: date | datetime | Prop | None
    end: date | datetime | Prop | None


Value = Union[str, int, float, bool, None, date, datetime, Prop, Geometry, Interval, "Call", tuple]


@dataclass(frozen=True)
class Call:
    """An operator applied to its arguments (a tuple literal is a list, e.g. of ``in``).

    Example
    -------
    >>> Call("=", (Prop("country"), "FI"))
    Call(op='=', args=(Prop(name='country'), 'FI'))
    """

    op: str
    args: tuple[Value, ...]


def properties_of(expr: Value) -> set[str]:
    """Every property name an expression refers to.

    Example
    -------
    >>> sorted(properties_of(Call("and", (Call("=", (Prop("a"), 1)), Call("isnull", (Prop("b"),))))))
    ['a', 'b']
    """
    if isinstance(expr, Prop):
        return {expr.name}
    if isinstance(expr, Call):
        return set().union(*(properties_of(a) for a in expr.args))
    if isinstance(expr, Interval):
        return properties_of(expr.start) | properties_of(expr.end)
    if isinstance(expr, tuple):
        return set().union(*(properties_of(a) for a in expr))
    return set()
