"""The feature collections of the OGC API and the registry that provides them.

A collection answers ``query(where, sortby, limit, offset) -> (number matched, features)``
and ``get(id)``. Three kinds are built in:

- ``nuts-<version>-<level>``: NUTS regions of one version and level, from the shipped polygons
  (``geo.nuts.NutsRegistry``), filtered and paged in memory;
- ``projects``, ``operations`` and ``participants``: rows of the store (``Store.features``),
  each a point where located, else the polygon of its region;
- ``aggregates-<level>``: projects, participations and EU contribution per region, under the
  atlas filters (``source``, ``programme``, ... as queryables).

Other collections (good practices, when they exist) register a provider in
:data:`COLLECTION_PROVIDERS`: ``name -> "package.module:function"``, the function taking the
``Atlas`` and returning a list of collections.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import shapely

from regioatlas.model.expressions import Call
from regioatlas.plugins import Registry

from .evaluate import compile_filter

#: the JSON Schema of each queryable type (Part 3 queryables)
TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
}
GEOMETRY_QUERYABLE = {"$ref": "https://geojson.org/schema/Geometry.json"}


@dataclass
class Feature:
    """One feature: id, properties, geometry (CRS84) and, once asked, its GeoJSON text."""

    id: str
    properties: dict[str, Any]
    geometry: shapely.Geometry | None
    geojson: dict | None = None
    _text: str | None = field(default=None, repr=False)

    def as_geojson(self) -> dict:
        return {
            "type": "Feature",
            "id": self.id,
            "geometry": self.geojson,
            "properties": self.properties,
        }

    def text(self) -> str:
        """The GeoJSON text in CRS84 with every property (kept: the common answer)."""
        if self._text is None:
            self._text = json.dumps(self.as_geojson(), default=str, ensure_ascii=False)
        return self._text


class Collection:
    """A feature collection: identity, queryables, extent and the query."""

    id: str = ""
    title: str = ""
    description: str = ""
    #: name -> type (a key of TYPES); ``geometry`` is always a queryable
    queryables: dict[str, str] = {}
    #: the properties giving a feature's time interval (start, end), or None
    temporal: tuple[str, str] | None = None
    #: queryables that are parameters of the collection (the atlas filters of aggregates)
    parameters: tuple[str, ...] = ()
    #: True when spatial filters need the region codes they match (store collections)
    needs_regions: bool = False
    #: True when the features are held in memory: a query is quick and never waits for I/O
    in_memory: bool = False
    #: True when every answer depends on the store's data alone (``Store.data_version()``),
    #: so whole answers may be kept per data version (``web/response_cache.py``)
    follows_data_version: bool = False

    def extent(self) -> dict:
        raise NotImplementedError

    def query(
        self, where, sortby: list[tuple[str, bool]], limit: int, offset: int
    ) -> tuple[int, list[Feature]]:
        raise NotImplementedError

    def get(self, feature_id: str) -> Feature | None:
        raise NotImplementedError


def page_in_memory(
    features: list[Feature], where, sortby: list[tuple[str, bool]], limit: int, offset: int
) -> tuple[int, list[Feature]]:
    """Filter, sort and page features held in memory (as the stores do in SQL)."""
    if where is not None:
        keep = compile_filter(where)
        features = [f for f in features if keep(f.properties, f.geometry)]
    if sortby:
        features = sorted(features, key=lambda f: f.id)
        for name, descending in reversed(sortby):
            present = [f for f in features if f.properties.get(name) is not None]
            missing = [f for f in features if f.properties.get(name) is None]
            present.sort(key=lambda f: f.properties[name], reverse=descending)
            features = present + missing  # NULLS LAST, as in SQL
    return len(features), features[offset : offset + limit]


class NutsCollection(Collection):
    """The NUTS regions of one version and level, from the shipped polygons."""

    in_memory = True
    follows_data_version = True  # shipped polygons: the same for every data version

    queryables = {
        "code": "string",
        "name_latin": "string",
        "name_national": "string",
        "country": "string",
        "parent": "string",
        "level": "integer",
        "version": "integer",
    }

    def __init__(self, registry, version: int, level: int):
        self.registry, self.version, self.level = registry, version, level
        self.id = f"nuts-{version}-{level}"
        self.title = f"NUTS {version} level {level}"
        self.description = (
            f"NUTS {version} regions of level {level} (Eurostat GISCO, generalised polygons; "
            "© EuroGeographics for the administrative boundaries)"
        )
        self._features: list[Feature] | None = None
        self._by_id: dict[str, Feature] = {}

    def features(self) -> list[Feature]:
        if self._features is None:
            codes, shapes = self.registry.shapes(self.version, self.level)
            shape_of = dict(zip(codes, shapes))
            geojson = self.registry.geometries(self.version, self.level)
            out = []
            for region in self.registry.regions(self.version, self.level):
                props = {
                    "code": region.code,
                    "name_latin": region.name_latin,
                    "name_national": region.name_national,
                    "country": region.country,
                    "parent": region.parent,
                    "level": region.level,
                    "version": region.version,
                }
                out.append(
                    Feature(region.code, props, shape_of.get(region.code), geojson.get(region.code))
                )
            self._by_id = {f.id: f for f in out}
            self._features = out
        return self._features

    def extent(self) -> dict:
        _, shapes = self.registry.shapes(self.version, self.level)
        bbox = list(shapely.total_bounds(shapes)) if len(shapes) else None
        return extent_json(bbox, None)

    def query(self, where, sortby, limit, offset):
        return page_in_memory(self.features(), where, sortby, limit, offset)

    def get(self, feature_id):
        self.features()
        return self._by_id.get(feature_id.strip().upper())


def extent_json(bbox: list[float] | None, interval: list | None) -> dict:
    out: dict[str, Any] = {}
    if bbox is not None:
        out["spatial"] = {
            "bbox": [[round(v, 6) for v in bbox]],
            "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        }
    if interval is not None:
        out["temporal"] = {
            "interval": [interval],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return out


def region_geometry(registry, code: str | None) -> tuple[shapely.Geometry | None, dict | None]:
    """The shapely and GeoJSON geometry of a NUTS 2024 region (None without a polygon)."""
    if not code:
        return None, None
    level = len(code) - 2
    geojson = registry.geometries(2024, level).get(code)
    if geojson is None:
        return None, None
    return shapely.geometry.shape(geojson), geojson


#: numberMatched of this many (data version, filter) pairs are kept per store collection
COUNTS_KEPT = 256


class StoreCollection(Collection):
    """Projects, operations or participants of the store, located on points or regions."""

    follows_data_version = True

    needs_regions = True

    def __init__(self, atlas, name: str, title: str, description: str, queryables: dict):
        self.atlas, self.id, self.title, self.description = atlas, name, title, description
        self.queryables = queryables
        self.temporal = ("start_date", "end_date") if "start_date" in queryables else None
        self._counts: dict[tuple[str, str], int] = {}
        self._counts_lock = threading.Lock()

    def _feature(self, row: dict) -> Feature:
        lon, lat, region = row.pop("lon"), row.pop("lat"), row.get("region")
        geometry: shapely.Geometry | None
        geojson: dict | None
        if lat is not None and lon is not None:
            point = shapely.Point(lon, lat)
            geometry, geojson = point, {"type": "Point", "coordinates": [lon, lat]}
        else:
            geometry, geojson = region_geometry(self.atlas.registry, region)
        props = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}
        return Feature(str(row["id"]), props, geometry, geojson)

    def extent(self) -> dict:
        store = self.atlas.store
        interval = None
        if self.temporal:
            _, first = store.features(self.id, None, [("start_date", False)], 1, 0)
            _, last = store.features(self.id, None, [("end_date", True)], 1, 0)
            start = first[0]["start_date"] if first else None
            end = last[0]["end_date"] if last else None
            interval = [
                f"{start.isoformat()}T00:00:00Z" if start else None,
                f"{end.isoformat()}T23:59:59Z" if end else None,
            ]
        codes, shapes = self.atlas.registry.shapes(2024, 0)
        return extent_json(list(shapely.total_bounds(shapes)), interval)

    def query(self, where, sortby, limit, offset):
        # numberMatched is exact, so it scans every row the filter selects (1.5 million in
        # the benchmark, near 100 ms); a client paging through one filter asks it again for
        # every page: it is kept per data version and filter
        store = self.atlas.store
        version = store.data_version()
        key = (version, repr(where))
        known = self._counts.get(key)
        matched, rows = store.features(self.id, where, sortby, limit, offset, count=known is None)
        if known is not None:
            matched = known
        elif store.data_version() == version:  # no write came between the count and the key
            with self._counts_lock:
                if len(self._counts) >= COUNTS_KEPT:
                    self._counts.pop(next(iter(self._counts)))  # the oldest
                self._counts[key] = matched
        return matched, [self._feature(r) for r in rows]

    def get(self, feature_id):
        from regioatlas.model.expressions import Prop

        _, rows = self.atlas.store.features(self.id, Call("=", (Prop("id"), feature_id)), (), 1, 0)
        return self._feature(rows[0]) if rows else None


PROJECT_QUERYABLES = {
    "id": "string",
    "source": "string",
    "programme": "string",
    "fund": "string",
    "title": "string",
    "acronym": "string",
    "status": "string",
    "start_date": "date",
    "end_date": "date",
    "total_cost_eur": "number",
    "eu_contribution_eur": "number",
    "public_funding_eur": "number",
    "country": "string",
    "region": "string",
}
PARTICIPANT_QUERYABLES = {
    "id": "string",
    "project_id": "string",
    "seq": "integer",
    "name": "string",
    "org_id": "string",
    "org_type": "string",
    "role": "string",
    "sme": "boolean",
    "eu_contribution_eur": "number",
    "city": "string",
    "country": "string",
    "nuts3": "string",
    "loc_method": "string",
    "loc_confidence": "number",
    "region": "string",
}


def builtin_collections(atlas) -> list[Collection]:
    """NUTS per version and level, projects, operations, participants, aggregates per level."""
    from regioatlas.model.regions import MAPPED_VERSIONS

    from .aggregates import AggregateCollection

    out: list[Collection] = [
        NutsCollection(atlas.registry, version, level)
        for version in sorted(MAPPED_VERSIONS, reverse=True)
        for level in range(4)
    ]
    out.append(
        StoreCollection(
            atlas,
            "projects",
            "Projects",
            "EU-funded projects, each a point where located, else the polygon of its "
            "coordinator's region (NUTS 2024)",
            PROJECT_QUERYABLES,
        )
    )
    out.append(
        StoreCollection(
            atlas,
            "operations",
            "Operations",
            "Operations of the national lists of operations of cohesion policy",
            PROJECT_QUERYABLES,
        )
    )
    out.append(
        StoreCollection(
            atlas,
            "participants",
            "Participants",
            "Every participation and beneficiary, located on a point or its NUTS 2024 region",
            PARTICIPANT_QUERYABLES,
        )
    )
    out.extend(AggregateCollection(atlas, level) for level in range(4))
    return out


#: collection providers: name -> "package.module:function(atlas) -> list[Collection]"
COLLECTION_PROVIDERS = Registry(
    "ogc collection provider",
    {
        "builtin": "regioatlas.api.ogc.collections:builtin_collections",
        "practices": "regioatlas.api.practices_ogc:practice_collections",
    },
    group="regioatlas.ogc_collections",
)


def load_collections(atlas) -> dict[str, Collection]:
    """Every collection of every provider, by id (a provider that fails to import raises).

    Example
    -------
    >>> from regioatlas.api.atlas import Atlas
    >>> from regioatlas.store import open_store
    >>> "nuts-2024-3" in load_collections(Atlas(open_store("duckdb://:memory:")))
    True
    """
    out: dict[str, Collection] = {}
    for provider in COLLECTION_PROVIDERS.load_all().values():
        for collection in provider(atlas):
            out[collection.id] = collection
    return out
