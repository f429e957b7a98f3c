"""The OGC API – Features handlers, framework-neutral: path values and the raw query in, an
:class:`Answer` (status, media type, body, headers) out.

Every error is a domain error (``NotFound`` for an unknown collection or feature, ``BadInput``
naming the parameter), which the web app's one error map turns into problem JSON.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

from regioatlas.model.errors import BadInput, NotFound

from . import crs as crs_
from . import html, landing
from .collections import Collection, load_collections
from .items import feature_collection_text, feature_json, paging_links, parse_items_query


@dataclass
class Answer:
    """What a handler answers; the web layer only copies it into a response."""

    body: str
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200


def wants_html(query: dict, accept: str | None) -> bool:
    """``f=html``, or no ``f`` and a browser's Accept header (HTML before any JSON)."""
    f = query.get("f")
    if isinstance(f, list):
        f = f[-1]
    if f is not None:
        f = f.strip().lower()
        if f not in ("json", "html", "geojson"):
            raise BadInput(f"f must be json or html, not {f!r}", parameter="f")
        return f == "html"
    accept = (accept or "").lower()
    if "text/html" not in accept:
        return False
    html_at = accept.find("text/html")
    json_at = min((i for i in (accept.find("json"),) if i >= 0), default=len(accept))
    return html_at < json_at


def _json(doc: dict, media: str = landing.JSON, headers: dict | None = None) -> Answer:
    return Answer(json.dumps(doc, default=str, ensure_ascii=False), media, headers or {})


class OgcApi:
    """The OGC API over an atlas (store + NUTS registry).

    Example
    -------
    >>> from regioatlas.api.atlas import Atlas
    >>> from regioatlas.store import open_store
    >>> api = OgcApi(Atlas(open_store("duckdb://:memory:")))
    >>> json.loads(api.conformance("http://x/ogc", {}, None).body)["conformsTo"][0]
    'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core'
    """

    def __init__(self, atlas):
        self.atlas = atlas
        self.collections: dict[str, Collection] = load_collections(atlas)
        self._described: dict[str, tuple[str, dict]] = {}
        self._lock = threading.Lock()

    def collection(self, collection_id: str) -> Collection:
        found = self.collections.get(collection_id)
        if found is None:
            raise NotFound(
                f"no collection {collection_id!r}; collections: {', '.join(self.collections)}",
                parameter="collectionId",
            )
        return found

    def _description(self, base: str, c: Collection) -> dict:
        """A collection's description (its extent costs queries: kept per data version)."""
        version = self.atlas.store.data_version()
        cached = self._described.get(c.id)
        if cached is None or cached[0] != version:
            cached = (version, landing.collection_json("{base}", c))
            with self._lock:
                self._described[c.id] = cached
        return json.loads(json.dumps(cached[1]).replace("{base}", base))

    def landing(self, base: str, query: dict, accept: str | None) -> Answer:
        doc = landing.landing_page(base)
        if wants_html(query, accept):
            return Answer(html.landing_html(doc, base), landing.HTML)
        return _json(doc)

    def conformance(self, base: str, query: dict, accept: str | None) -> Answer:
        doc = landing.conformance(base)
        if wants_html(query, accept):
            return Answer(html.conformance_html(doc, base), landing.HTML)
        return _json(doc)

    def api(self, base: str, query: dict, accept: str | None) -> Answer:
        doc = landing.openapi_document(base, self.collections)
        if wants_html(query, accept):
            return Answer(
                html.page(
                    "API definition",
                    html.escape(json.dumps(doc, indent=1)).join(("<pre>", "</pre>")),
                    [(base, "OGC API")],
                ),
                landing.HTML,
            )
        return _json(doc, landing.OPENAPI_JSON)

    def all_collections(self, base: str, query: dict, accept: str | None) -> Answer:
        doc = landing.collections_json(base, {})
        doc["collections"] = [self._description(base, c) for c in self.collections.values()]
        if wants_html(query, accept):
            return Answer(html.collections_html(doc, base), landing.HTML)
        return _json(doc)

    def describe(self, base: str, collection_id: str, query: dict, accept: str | None) -> Answer:
        c = self.collection(collection_id)
        doc = self._description(base, c)
        if wants_html(query, accept):
            queryables = landing.queryables_json(base, c)
            return Answer(html.collection_html(doc, queryables, base), landing.HTML)
        return _json(doc)

    def queryables(self, base: str, collection_id: str, query: dict, accept: str | None) -> Answer:
        c = self.collection(collection_id)
        doc = landing.queryables_json(base, c)
        if wants_html(query, accept):
            body = (
                "<ul>"
                + "".join(
                    f"<li>{html.escape(name)}: {html.escape(json.dumps(spec))}</li>"
                    for name, spec in doc["properties"].items()
                )
                + "</ul>"
            )
            return Answer(
                html.page(f"{c.title}: queryables", body, [(base, "OGC API")]), landing.HTML
            )
        # a client that asks only for JSON (GDAL) gets the same schema as application/json
        wanted = "application/schema+json" if "schema+json" in (accept or "") else landing.JSON
        return _json(doc, wanted)

    def items(self, base: str, collection_id: str, query: dict, accept: str | None) -> Answer:
        c = self.collection(collection_id)
        as_html = wants_html(query, accept)
        q = parse_items_query(query, c, self.atlas.registry)
        matched, features = c.query(q.where, q.sortby, q.limit, q.offset)
        url = f"{base}/collections/{c.id}/items"
        links = paging_links(url, query, matched, q, landing.GEOJSON)
        links.append(
            {
                "href": f"{base}/collections/{c.id}",
                "rel": "collection",
                "type": landing.JSON,
                "title": c.title,
            }
        )
        headers = {"Content-Crs": f"<{q.crs}>"}
        if as_html:
            return Answer(
                html.items_html(c.id, c.title, features, matched, links, base),
                landing.HTML,
                headers,
            )
        return Answer(
            feature_collection_text(features, q, matched, links), landing.GEOJSON, headers
        )

    def item(
        self, base: str, collection_id: str, feature_id: str, query: dict, accept: str | None
    ) -> Answer:
        c = self.collection(collection_id)
        as_html = wants_html(query, accept)
        out_crs = crs_.parse_crs(
            query.get("crs") if not isinstance(query.get("crs"), list) else query["crs"][-1]
        )
        feature = c.get(feature_id)
        if feature is None:
            raise NotFound(f"no feature {feature_id!r} in collection {c.id}", parameter="featureId")
        if as_html:
            return Answer(html.item_html(c.id, feature, base), landing.HTML)
        here = f"{base}/collections/{c.id}/items/{feature_id}"
        doc = feature_json(feature, None, out_crs)
        doc["links"] = [
            {"href": here, "rel": "self", "type": landing.GEOJSON, "title": "this feature"},
            {
                "href": f"{here}?f=html",
                "rel": "alternate",
                "type": landing.HTML,
                "title": "as HTML",
            },
            {
                "href": f"{base}/collections/{c.id}",
                "rel": "collection",
                "type": landing.JSON,
                "title": c.title,
            },
        ]
        return _json(doc, landing.GEOJSON, {"Content-Crs": f"<{out_crs}>"})
