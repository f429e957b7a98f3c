"""The items of a collection: query parameters read and checked, the filter prepared, the
FeatureCollection assembled with its paging links.

One filter tree carries everything that selects features: ``bbox`` (an ``s_intersects``),
``datetime`` (a ``t_intersects`` with the features' interval), property filters given as
query parameters (``country=FI``) and the CQL2 ``filter``, joined by AND.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlencode

import numpy as np
import shapely
from shapely.geometry import mapping

from regioatlas.api.parameters import OGC_ITEMS, OGC_MAX_LIMIT
from regioatlas.model.errors import BadInput
from regioatlas.model.expressions import TEMPORAL, Call, Geometry, Interval, Prop

from . import crs as crs_
from .collections import Collection, Feature
from .cql2 import parse_filter

#: the query parameters of the items route (the rest are property filters)
ITEM_PARAMETERS = {p.name for p in OGC_ITEMS}
_FLIP = {"s_within": "s_contains", "s_contains": "s_within"}
#: a comparison read from the other side (``5 < projects`` is ``projects > 5``)
_MIRROR = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass
class ItemsQuery:
    """A checked items request."""

    limit: int
    offset: int
    where: object
    sortby: list[tuple[str, bool]]
    properties: list[str] | None
    crs: str


def _one(query: dict, name: str) -> str | None:
    value = query.get(name)
    if isinstance(value, list):  # the route's check already refuses a repeated parameter
        value = value[-1]
    return value


def _integer(query: dict, name: str, default: int, minimum: int) -> int:
    text = _one(query, name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadInput(f"{name} must be a whole number, not {text!r}", parameter=name) from None
    if value < minimum:
        raise BadInput(f"{name} must be at least {minimum}, not {value}", parameter=name)
    return value


def parse_bbox(text: str, bbox_crs: str) -> Geometry:
    """The ``bbox`` parameter (4 or 6 numbers, in ``bbox-crs``) as a CRS84 polygon."""
    try:
        numbers = [float(v) for v in text.split(",")]
    except ValueError:
        raise BadInput(f"bbox must be 4 or 6 numbers, not {text!r}", parameter="bbox") from None
    if len(numbers) not in (4, 6):
        raise BadInput(f"bbox must be 4 or 6 numbers, not {len(numbers)}", parameter="bbox")
    box = numbers if len(numbers) == 4 else [numbers[0], numbers[1], numbers[3], numbers[4]]
    if box[1] > box[3]:
        raise BadInput("bbox: the lower corner is above the upper one", parameter="bbox")
    west, south, east, north = crs_.bbox_to_crs84(tuple(box), bbox_crs)  # type: ignore[arg-type]
    return Geometry(shapely.box(west, south, east, north).wkt)


def _instant(text: str, parameter: str) -> date | datetime | None:
    if text in ("", ".."):
        return None
    try:
        if "T" in text or " " in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(
            f"{parameter} must be an RFC 3339 date-time, a date, or an interval a/b "
            f"('..' for an open end), not {text!r}",
            parameter=parameter,
        ) from None


def parse_datetime(text: str) -> Interval:
    """The ``datetime`` parameter as an interval (an instant is a zero-length one)."""
    if "/" in text:
        start, _, end = text.partition("/")
        interval = Interval(_instant(start, "datetime"), _instant(end, "datetime"))
        if interval.start and interval.end and interval.start > interval.end:  # type: ignore[operator]
            raise BadInput("datetime: the interval ends before it starts", parameter="datetime")
        return interval
    at = _instant(text, "datetime")
    return Interval(at, at)


def _coerce(value, kind: str, parameter: str):
    """A literal as the type of the property it is compared with."""
    if not isinstance(value, str) or kind == "string":
        if kind == "date" and isinstance(value, datetime):
            return value.date()
        return value
    try:
        if kind == "date":
            return date.fromisoformat(value[:10])
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "boolean" and value.lower() in ("true", "false"):
            return value.lower() == "true"
    except ValueError:
        pass
    raise BadInput(f"{value!r} is not a {kind}", parameter=parameter)


class FilterPreparer:
    """Checks a filter tree against a collection and makes it ready for it: properties known,
    literals of their property's type, geometries in CRS84 with the feature geometry first
    (and, for store collections, the region codes they match)."""

    def __init__(self, collection: Collection, registry, filter_crs: str, parameter: str):
        self.c, self.registry, self.filter_crs, self.parameter = (
            collection,
            registry,
            filter_crs,
            parameter,
        )

    def _prop(self, prop: Prop) -> str:
        if prop.name not in self.c.queryables:
            known = ", ".join(sorted(self.c.queryables))
            raise BadInput(
                f"{prop.name!r} is not a queryable of {self.c.id}; queryables: geometry, {known}",
                parameter=self.parameter,
            )
        return self.c.queryables[prop.name]

    def prepare(self, expr):
        if isinstance(expr, bool):
            return expr
        if not isinstance(expr, Call):
            raise BadInput(f"not a condition: {expr!r}", parameter=self.parameter)
        op, args = expr.op, expr.args
        if op in ("and", "or", "not"):
            return Call(op, tuple(self.prepare(a) for a in args))
        if op.startswith("s_"):
            return self._spatial(op, args)
        if op in TEMPORAL:
            return Call(op, tuple(self._temporal(a) for a in args))
        if op in _MIRROR and not _is_property(args[0]) and _is_property(args[1]):
            return self.prepare(Call(_MIRROR[op], (args[1], args[0])))
        left, kind = args[0], "string"
        if isinstance(left, Call) and left.op == "casei":
            inner = left.args[0]
            if isinstance(inner, Prop):
                self._prop(inner)
        elif isinstance(left, Prop):
            kind = self._prop(left)
        else:
            raise BadInput(
                f"the left side of {op.upper()} must be a property", parameter=self.parameter
            )
        rest = []
        for a in args[1:]:
            if isinstance(a, tuple):
                rest.append(tuple(self._literal(v, kind) for v in a))
            else:
                rest.append(self._literal(a, kind))
        return Call(op, (left, *rest))

    def _literal(self, value, kind: str):
        if isinstance(value, Prop):
            self._prop(value)
            return value
        if isinstance(value, Call) and value.op == "casei":
            return Call("casei", (self._literal(value.args[0], kind),))
        if isinstance(value, (Geometry, Interval)):
            raise BadInput("a geometry or interval in a comparison", parameter=self.parameter)
        return _coerce(value, kind, self.parameter)

    def _temporal(self, value):
        if isinstance(value, Interval):
            return Interval(self._temporal(value.start), self._temporal(value.end))
        if isinstance(value, Prop):
            if self._prop(value) != "date":
                raise BadInput(
                    f"{value.name} is not a date or time: it cannot be used in a temporal operator",
                    parameter=self.parameter,
                )
            return value
        if value is None or isinstance(value, date):
            return value.date() if isinstance(value, datetime) else value
        return _coerce(value, "date", self.parameter)

    def _spatial(self, op: str, args: tuple):
        left, right = args
        if isinstance(left, Geometry) and right == Prop("geometry"):
            left, right, op = right, left, _FLIP.get(op, op)
        if left != Prop("geometry") or not isinstance(right, Geometry):
            raise BadInput(
                f"{op.upper()} compares the property geometry with a geometry literal",
                parameter=self.parameter,
            )
        shape = crs_.transform(shapely.from_wkt(right.wkt), self.filter_crs, crs_.CRS84)
        regions: tuple[str, ...] = ()
        if self.c.needs_regions:
            regions = matching_regions(self.registry, op, shape)
        return Call(op, (left, Geometry(shape.wkt, regions)))


def _is_property(value) -> bool:
    return isinstance(value, Prop) or (
        isinstance(value, Call) and value.op == "casei" and isinstance(value.args[0], Prop)
    )


def matching_regions(registry, op: str, shape: shapely.Geometry) -> tuple[str, ...]:
    """NUTS 2024 codes (levels 0-3) whose polygon satisfies ``op(polygon, shape)``."""
    test = getattr(shapely, op.removeprefix("s_"))
    out: list[str] = []
    for level in range(4):
        codes, shapes = registry.shapes(2024, level)
        mask = test(shapes, shape)
        out.extend(np.asarray(codes)[mask].tolist())
    return tuple(out)


def parse_items_query(query: dict, collection: Collection, registry) -> ItemsQuery:
    """Read and check the items query of a collection (unknown parameters are a 400)."""
    limit = min(_integer(query, "limit", 10, 1), OGC_MAX_LIMIT)
    offset = _integer(query, "offset", 0, 0)
    out_crs = crs_.parse_crs(_one(query, "crs"))
    conditions: list = []
    bbox = _one(query, "bbox")
    if bbox:
        box = parse_bbox(bbox, crs_.parse_crs(_one(query, "bbox-crs"), "bbox-crs"))
        conditions.append(Call("s_intersects", (Prop("geometry"), box)))
    when = _one(query, "datetime")
    if when:
        if collection.temporal is None:
            raise BadInput(
                f"{collection.id} has no time: datetime cannot select its features",
                parameter="datetime",
            )
        start, end = collection.temporal
        conditions.append(
            Call("t_intersects", (Interval(Prop(start), Prop(end)), parse_datetime(when)))
        )
    for name, value in query.items():
        if name in ITEM_PARAMETERS:
            continue
        if name not in collection.queryables:
            allowed = ", ".join(sorted(ITEM_PARAMETERS | set(collection.queryables)))
            raise BadInput(
                f"unknown parameter {name!r} for {collection.id}; parameters and queryables: "
                f"{allowed}",
                parameter=name,
            )
        values = value if isinstance(value, list) else [value]
        values = [v.strip() for text in values for v in text.split(",") if v.strip()]
        kind = collection.queryables[name]
        literals = tuple(_coerce(v, kind, name) for v in values)
        if literals:
            conditions.append(Call("in", (Prop(name), literals)))
    text = _one(query, "filter")
    if text:
        filter_crs = crs_.parse_crs(_one(query, "filter-crs"), "filter-crs")
        parsed = parse_filter(text, _one(query, "filter-lang"))
        conditions.append(
            FilterPreparer(collection, registry, filter_crs, "filter").prepare(parsed)
        )
    where = (
        None
        if not conditions
        else conditions[0]
        if len(conditions) == 1
        else Call("and", tuple(conditions))
    )
    return ItemsQuery(
        limit, offset, where, _sortby(query, collection), _properties(query, collection), out_crs
    )


def _sortby(query: dict, collection: Collection) -> list[tuple[str, bool]]:
    text = _one(query, "sortby") or ""
    out = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        descending = part.startswith("-")
        name = part.lstrip("+-").strip()
        if name not in collection.queryables or name in collection.parameters:
            raise BadInput(
                f"sortby: {collection.id} cannot be sorted by {name!r}; one of "
                + ", ".join(n for n in collection.queryables if n not in collection.parameters),
                parameter="sortby",
            )
        out.append((name, descending))
    return out


def _properties(query: dict, collection: Collection) -> list[str] | None:
    text = _one(query, "properties")
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in collection.queryables]
    if unknown:
        raise BadInput(
            f"properties: {collection.id} has no property {unknown[0]!r}", parameter="properties"
        )
    return names


def feature_json(feature: Feature, properties: list[str] | None, out_crs: str) -> dict:
    """A feature as a GeoJSON dict, with only the properties asked, in the CRS asked."""
    props = feature.properties
    if properties is not None:
        props = {k: v for k, v in props.items() if k in properties}
    geometry = feature.geojson
    if out_crs != crs_.CRS84 and feature.geometry is not None:
        geometry = mapping(crs_.transform(feature.geometry, crs_.CRS84, out_crs))
    return {"type": "Feature", "id": feature.id, "geometry": geometry, "properties": props}


def paging_links(url: str, query: dict, matched: int, q: ItemsQuery, media: str) -> list[dict]:
    """self, alternate, next and prev links of an items page (the other parameters kept)."""
    kept = [
        (k, v)
        for k, vs in query.items()
        for v in (vs if isinstance(vs, list) else [vs])
        if k not in ("offset", "f")
    ]

    def at(offset: int, f: str) -> str:
        items = [*kept, ("offset", str(offset))] if offset else list(kept)
        items.append(("f", f))
        return f"{url}?{urlencode(items)}"

    links = [
        {"href": at(q.offset, "json"), "rel": "self", "type": media, "title": "this page"},
        {"href": at(q.offset, "html"), "rel": "alternate", "type": "text/html", "title": "as HTML"},
    ]
    if q.offset + q.limit < matched:
        links.append(
            {
                "href": at(q.offset + q.limit, "json"),
                "rel": "next",
                "type": media,
                "title": "next page",
            }
        )
    if q.offset > 0:
        links.append(
            {
                "href": at(max(q.offset - q.limit, 0), "json"),
                "rel": "prev",
                "type": media,
                "title": "previous page",
            }
        )
    return links


def feature_collection_text(
    features: list[Feature], q: ItemsQuery, matched: int, links: list[dict]
) -> str:
    """The FeatureCollection as GeoJSON text; the common answer joins cached feature texts."""
    if q.properties is None and q.crs == crs_.CRS84:
        body = ",".join(f.text() for f in features)
    else:
        body = ",".join(
            json.dumps(feature_json(f, q.properties, q.crs), default=str, ensure_ascii=False)
            for f in features
        )
    head = {
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": len(features),
        "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": links,
    }
    return json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[' + body + "]}"
