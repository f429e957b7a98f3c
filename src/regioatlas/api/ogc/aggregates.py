"""Per-region aggregates as OGC feature collections, one per NUTS level.

The atlas filters (``source``, ``programme``, ``fund``, ``org_type``, ``from``, ``to``, ``q``)
are queryables that choose which projects are counted: given as query parameters, or as
``=``/``IN`` conditions joined by AND at the top of a CQL2 filter. The other queryables filter
the regions' rows (``projects > 10``, ``country = 'FI'``), as on any collection.
"""

from __future__ import annotations

from datetime import date

from regioatlas.api.params import parse_filter
from regioatlas.library.figures import aggregate_rows
from regioatlas.model.errors import BadInput
from regioatlas.model.expressions import Call, Prop, properties_of

from .collections import Collection, Feature, extent_json, page_in_memory, region_geometry

ATLAS_FILTERS = ("source", "programme", "fund", "org_type", "from", "to", "q")


def split_atlas_filters(where) -> tuple[dict[str, list[str]], object]:
    """(the atlas filters, the rest of the filter) of an aggregates filter.

    Example
    -------
    >>> flt, rest = split_atlas_filters(Call("and", (
    ...     Call("=", (Prop("source"), "cordis-h2020")), Call(">", (Prop("projects"), 5)))))
    >>> flt, rest
    ({'source': ['cordis-h2020']}, Call(op='>', args=(Prop(name='projects'), 5)))
    """
    if where is None:
        return {}, None
    conjuncts = list(where.args) if isinstance(where, Call) and where.op == "and" else [where]
    params: dict[str, list[str]] = {}
    rest = []
    for c in conjuncts:
        used = properties_of(c) & set(ATLAS_FILTERS)
        if not used:
            rest.append(c)
            continue
        name = next(iter(used))
        values = _atlas_values(c, name)
        if values is None:
            raise BadInput(
                f"the atlas filter {name} takes = or IN, in conditions joined by AND at the top "
                "of the filter",
                parameter="filter",
            )
        params.setdefault(name, []).extend(values)
    remaining = None if not rest else rest[0] if len(rest) == 1 else Call("and", tuple(rest))
    return params, remaining


def _atlas_values(c, name: str) -> list[str] | None:
    if not isinstance(c, Call) or not c.args or c.args[0] != Prop(name):
        return None
    if c.op == "=" and not isinstance(c.args[1], (Prop, Call)):
        return [_text(c.args[1])]
    listed = c.args[1] if c.op == "in" else None
    if isinstance(listed, tuple) and all(not isinstance(v, (Prop, Call)) for v in listed):
        return [_text(v) for v in listed]
    return None


def _text(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


class AggregateCollection(Collection):
    """Projects, participations and EU contribution per NUTS 2024 region of one level."""

    follows_data_version = True

    parameters = ATLAS_FILTERS

    def __init__(self, atlas, level: int):
        self.atlas, self.level = atlas, level
        self.id = f"aggregates-{level}"
        self.title = f"Projects per NUTS {level} region"
        self.description = (
            f"Projects, participations, EU contribution (EUR) and EU contribution per "
            f"inhabitant per NUTS 2024 level {level} region; the atlas filters "
            f"({', '.join(ATLAS_FILTERS)}) are queryables"
        )
        self.queryables = {
            "code": "string",
            "name": "string",
            "country": "string",
            "projects": "integer",
            "participations": "integer",
            "eu_contribution_eur": "number",
            "population": "integer",
            "eu_contribution_per_inhabitant": "number",
            **{name: "date" if name in ("from", "to") else "string" for name in ATLAS_FILTERS},
        }

    def _features(self, params: dict[str, list[str]]) -> list[Feature]:
        flt = parse_filter({k: ",".join(v) for k, v in params.items()}, self.atlas.registry)
        out = []
        for row in aggregate_rows(self.atlas.store, self.atlas.registry, self.level, flt):
            props = {
                "code": row["code"],
                "name": row["name"],
                "country": row["code"][:2],
                "projects": row["projects"],
                "participations": row["participations"],
                "eu_contribution_eur": row["eu_contribution_eur"],
                "population": row.get("population"),
                "eu_contribution_per_inhabitant": row.get("eu_contribution_per_inhabitant"),
            }
            geometry, geojson = region_geometry(self.atlas.registry, row["code"])
            out.append(Feature(row["code"], props, geometry, geojson))
        return out

    def extent(self) -> dict:
        codes, shapes = self.atlas.registry.shapes(2024, 0)
        import shapely

        return extent_json(list(shapely.total_bounds(shapes)), None)

    def query(self, where, sortby, limit, offset):
        params, rest = split_atlas_filters(where)
        return page_in_memory(self._features(params), rest, sortby, limit, offset)

    def get(self, feature_id):
        code = feature_id.strip().upper()
        return next((f for f in self._features({}) if f.id == code), None)
