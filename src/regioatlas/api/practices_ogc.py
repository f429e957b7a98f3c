"""The published good practices as an OGC API – Features collection (``practices``).

Registered in ``api.ogc.collections.COLLECTION_PROVIDERS``; each practice is a feature with
the polygon of its NUTS 2024 region (a country-wide practice: its country's), filtered, sorted
and paged in memory like the NUTS collections.
"""

from __future__ import annotations

from regioatlas.api.ogc.collections import (
    Collection,
    Feature,
    extent_json,
    page_in_memory,
    region_geometry,
)
from regioatlas.api.practices_search import PracticeCatalogue

#: the properties of a practice feature and their queryable types
PRACTICE_QUERYABLES = {
    "title": "string",
    "region": "string",
    "region_name": "string",
    "region_type": "string",
    "country": "string",
    "language": "string",
    "policy_instrument": "string",
    "source": "string",
    "version": "integer",
}


class PracticeCollection(Collection):
    """The published good practices, each on its region's polygon.

    Example
    -------
    >>> from regioatlas.api.atlas import Atlas
    >>> from regioatlas.store import open_store
    >>> PracticeCollection(Atlas(open_store("duckdb://:memory:"))).query(None, [], 10, 0)[0]
    0
    """

    id = "practices"
    title = "Good practices"
    description = "Reviewed good practices of regions, on the polygon of their NUTS 2024 region"
    queryables = PRACTICE_QUERYABLES

    def __init__(self, atlas):
        self.registry = atlas.registry
        self.catalogue = PracticeCatalogue(atlas.store, semantic=False)
        self._version: str | None = None
        self._features: list[Feature] = []

    def features(self) -> list[Feature]:
        published = self.catalogue.published()
        if published.data_version != self._version:
            out = []
            for doc in published.index.docs:
                shape, geojson = region_geometry(self.registry, doc.get("region"))
                props = {k: doc.get(k) for k in PRACTICE_QUERYABLES}
                props["themes"] = "; ".join(doc.get("themes") or [])
                out.append(Feature(doc["id"], props, shape, geojson))
            self._features, self._version = out, published.data_version
        return self._features

    def extent(self) -> dict:
        return extent_json([-25.0, 34.0, 45.0, 72.0], None)

    def query(self, where, sortby, limit, offset):
        return page_in_memory(self.features(), where, sortby, limit, offset)

    def get(self, feature_id):
        return next((f for f in self.features() if f.id == feature_id), None)


def practice_collections(atlas) -> list[Collection]:
    """The collection provider of the exchange (one collection)."""
    return [PracticeCollection(atlas)]
