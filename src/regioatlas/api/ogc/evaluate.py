"""Filter trees evaluated in Python, for the collections held in memory (NUTS, aggregates).

``compile_filter(expr)`` gives a predicate over (properties, shapely geometry); the semantics
follow the SQL translation of ``store/sql.py`` (a comparison with a missing value is false, an
open or missing interval end is the far past or future), so a filter answers alike on every
collection.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import cache

import shapely
from shapely.prepared import prep

from regioatlas.model.expressions import COMPARISONS, Call, Geometry, Interval, Prop, Value

Predicate = Callable[[dict, object], bool]
Getter = Callable[[dict, object], object]
_FAR_PAST, _FAR_FUTURE = date(1, 1, 1), date(9999, 12, 31)
_COMPARE = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_TEMPORAL = {
    "t_after": lambda al, ah, bl, bh: al > bh,
    "t_before": lambda al, ah, bl, bh: ah < bl,
    "t_contains": lambda al, ah, bl, bh: al < bl and ah > bh,
    "t_disjoint": lambda al, ah, bl, bh: not (al <= bh and ah >= bl),
    "t_during": lambda al, ah, bl, bh: al > bl and ah < bh,
    "t_equals": lambda al, ah, bl, bh: al == bl and ah == bh,
    "t_finishedby": lambda al, ah, bl, bh: ah == bh and al < bl,
    "t_finishes": lambda al, ah, bl, bh: ah == bh and al > bl,
    "t_intersects": lambda al, ah, bl, bh: al <= bh and ah >= bl,
    "t_meets": lambda al, ah, bl, bh: ah == bl,
    "t_metby": lambda al, ah, bl, bh: al == bh,
    "t_overlappedby": lambda al, ah, bl, bh: bl < al and bh > al and bh < ah,
    "t_overlaps": lambda al, ah, bl, bh: al < bl and ah > bl and ah < bh,
    "t_startedby": lambda al, ah, bl, bh: al == bl and ah > bh,
    "t_starts": lambda al, ah, bl, bh: al == bl and ah < bh,
}


def shapely_predicate(op: str, geometry: shapely.Geometry) -> Callable[[object], bool]:
    """``op(feature geometry, geometry)`` as a function of the feature geometry (prepared)."""
    prepared = prep(geometry)
    name = op.removeprefix("s_")
    # prepared geometries answer for the literal on the left: swap the asymmetric pairs
    flipped = {"within": "contains", "contains": "within"}.get(name, name)
    if name == "equals":
        # a feature's geometry is a shapely geometry or None (no geometry: never equal)
        return lambda g: isinstance(g, shapely.Geometry) and bool(g.equals(geometry))
    if name in ("within", "contains", "intersects", "disjoint", "touches", "overlaps", "crosses"):
        test = getattr(prepared, flipped)
        return lambda g: g is not None and bool(test(g))
    raise ValueError(op)


def _getter(value: Value) -> Getter:
    if isinstance(value, Prop):
        name = value.name
        return lambda props, geom: props.get(name)
    if isinstance(value, Call) and value.op == "casei":
        inner = _getter(value.args[0])

        def lower(props, geom):
            v = inner(props, geom)
            return v.lower() if isinstance(v, str) else v

        return lower
    return lambda props, geom: value


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def _ends(value: Value) -> tuple[Getter, Getter]:
    if isinstance(value, Interval):
        low, high = _getter(value.start), _getter(value.end)
    else:
        low = high = _getter(value)

    def lo(props, geom):
        v = low(props, geom)
        return _FAR_PAST if v is None else _day(v)

    def hi(props, geom):
        v = high(props, geom)
        return _FAR_FUTURE if v is None else _day(v)

    return lo, hi


@cache
def _like(pattern: str) -> re.Pattern:
    parts = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("".join(parts), re.DOTALL)


def _safe(test: Callable) -> Callable:
    """A comparison of a missing or incomparable value is false (as in SQL)."""

    def run(*args):
        if any(a is None for a in args):
            return False
        try:
            return bool(test(*args))
        except TypeError:
            return False

    return run


def compile_filter(expr: Value) -> Predicate:
    """A predicate over (properties, geometry) for a filter tree.

    Example
    -------
    >>> from regioatlas.model.expressions import Call, Prop
    >>> keep = compile_filter(Call("like", (Prop("name"), "Päijät%")))
    >>> keep({"name": "Päijät-Häme"}, None), keep({"name": "Uusimaa"}, None)
    (True, False)
    """
    if isinstance(expr, bool):
        return lambda props, geom: expr
    assert isinstance(expr, Call), expr
    op, args = expr.op, expr.args
    if op in ("and", "or"):
        parts = [compile_filter(a) for a in args]
        combine = all if op == "and" else any
        return lambda props, geom: combine(p(props, geom) for p in parts)
    if op == "not":
        inner = compile_filter(args[0])
        return lambda props, geom: not inner(props, geom)
    if op.startswith("s_"):
        literal = args[1]
        assert isinstance(literal, Geometry)  # the API puts the feature's geometry first
        test = shapely_predicate(op, shapely.from_wkt(literal.wkt))
        return lambda props, geom: test(geom)
    if op in _TEMPORAL:
        (al, ah), (bl, bh) = _ends(args[0]), _ends(args[1])
        relation = _safe(_TEMPORAL[op])
        return lambda props, geom: relation(
            al(props, geom), ah(props, geom), bl(props, geom), bh(props, geom)
        )
    left = _getter(args[0])
    if op == "isnull":
        return lambda props, geom: left(props, geom) is None
    if op in COMPARISONS:
        right, compare = _getter(args[1]), _safe(_COMPARE[op])
        return lambda props, geom: compare(left(props, geom), right(props, geom))
    if op == "like":
        pattern = _getter(args[1])
        return lambda props, geom: _safe(lambda v, p: _like(p).fullmatch(v) is not None)(
            left(props, geom), pattern(props, geom)
        )
    if op == "between":
        low, high = _getter(args[1]), _getter(args[2])
        between = _safe(lambda v, a, b: a <= v <= b)
        return lambda props, geom: between(left(props, geom), low(props, geom), high(props, geom))
    if op == "in":
        listed = args[1]
        # Both CQL2 parsers (text grammar, JSON schema) and the item parameters build IN's list
        # as a tuple
        assert isinstance(listed, tuple), f"IN takes a list, got {listed!r}"
        items = [_getter(v) for v in listed]
        return lambda props, geom: (
            (v := left(props, geom)) is not None and any(v == item(props, geom) for item in items)
        )
    raise ValueError(f"unsupported operator {op!r}")
