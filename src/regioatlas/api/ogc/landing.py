"""The landing page, the conformance declaration, the collection descriptions, the queryables
and the OpenAPI 3.0 definition of the OGC API (built on the OGC Part 1 building blocks shipped
in ``data/ogc/ogcapi-features-1.json``)."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources

from regioatlas import __version__
from regioatlas.api.parameters import OGC_ITEM, OGC_ITEMS

from . import crs as crs_
from .collections import GEOMETRY_QUERYABLE, TYPES, Collection

_BASE = "http://www.opengis.net/spec/"
CONFORMANCE = [
    _BASE + "ogcapi-features-1/1.0/conf/core",
    _BASE + "ogcapi-features-1/1.0/conf/geojson",
    _BASE + "ogcapi-features-1/1.0/conf/html",
    _BASE + "ogcapi-features-1/1.0/conf/oas30",
    _BASE + "ogcapi-features-2/1.0/conf/crs",
    _BASE + "ogcapi-features-3/1.0/conf/queryables",
    _BASE + "ogcapi-features-3/1.0/conf/queryables-query-parameters",
    _BASE + "ogcapi-features-3/1.0/conf/filter",
    _BASE + "ogcapi-features-3/1.0/conf/features-filter",
    _BASE + "cql2/1.0/conf/basic-cql2",
    _BASE + "cql2/1.0/conf/advanced-comparison-operators",
    _BASE + "cql2/1.0/conf/case-insensitive-comparison",
    _BASE + "cql2/1.0/conf/basic-spatial-functions",
    _BASE + "cql2/1.0/conf/basic-spatial-functions-plus",
    _BASE + "cql2/1.0/conf/spatial-functions",
    _BASE + "cql2/1.0/conf/temporal-functions",
    _BASE + "cql2/1.0/conf/property-property",
    _BASE + "cql2/1.0/conf/cql2-text",
    _BASE + "cql2/1.0/conf/cql2-json",
]
JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"


def landing_page(base: str) -> dict:
    """The landing page: what the API is and links to everything else."""
    return {
        "title": "RegioAtlas – OGC API – Features",
        "description": "EU-funded projects, participants, operations and per-region aggregates "
        "located on NUTS regions, and the NUTS regions themselves",
        "links": [
            {"href": f"{base}?f=json", "rel": "self", "type": JSON, "title": "this document"},
            {"href": f"{base}?f=html", "rel": "alternate", "type": HTML, "title": "as HTML"},
            {"href": f"{base}/api", "rel": "service-desc", "type": OPENAPI_JSON,
             "title": "the API definition (OpenAPI 3.0)"},
            {"href": f"{base}/api?f=html", "rel": "service-doc", "type": HTML,
             "title": "the API documentation"},
            {"href": f"{base}/conformance", "rel": "conformance", "type": JSON,
             "title": "conformance classes"},
            {"href": f"{base}/collections", "rel": "data", "type": JSON,
             "title": "the collections"},
        ],
    }  # fmt: skip


def conformance(base: str) -> dict:
    return {
        "conformsTo": CONFORMANCE,
        "links": [{"href": f"{base}/conformance", "rel": "self", "type": JSON}],
    }


def collection_json(base: str, c: Collection) -> dict:
    """One collection's description: links, extent, CRS list, item type."""
    here = f"{base}/collections/{c.id}"
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "extent": c.extent(),
        "crs": list(crs_.SUPPORTED),
        "storageCrs": crs_.CRS84,
        "links": [
            {"href": here, "rel": "self", "type": JSON, "title": "this collection"},
            {"href": f"{here}?f=html", "rel": "alternate", "type": HTML, "title": "as HTML"},
            {"href": f"{here}/items", "rel": "items", "type": GEOJSON, "title": "the features"},
            {"href": f"{here}/items?f=html", "rel": "items", "type": HTML,
             "title": "the features as HTML"},
            {"href": f"{here}/queryables", "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
             "type": "application/schema+json", "title": "the queryables"},
        ],
    }  # fmt: skip


def collections_json(base: str, collections: dict[str, Collection]) -> dict:
    return {
        "collections": [collection_json(base, c) for c in collections.values()],
        "crs": list(crs_.SUPPORTED),
        "links": [
            {"href": f"{base}/collections", "rel": "self", "type": JSON},
            {"href": f"{base}/collections?f=html", "rel": "alternate", "type": HTML},
        ],
    }


def queryables_json(base: str, c: Collection) -> dict:
    """The queryables of a collection as a JSON Schema (Part 3)."""
    properties: dict = {"geometry": {**GEOMETRY_QUERYABLE, "title": "geometry"}}
    for name, kind in c.queryables.items():
        properties[name] = {"title": name, **TYPES[kind]}
        if name in c.parameters:
            properties[name]["description"] = "an atlas filter: = or IN, selects what is counted"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base}/collections/{c.id}/queryables",
        "type": "object",
        "title": c.title,
        "properties": properties,
        "additionalProperties": False,
    }


@cache
def _building_blocks() -> dict:
    text = resources.files("regioatlas.data").joinpath("ogc/ogcapi-features-1.json").read_text()
    return json.loads(text)


def _parameter(param) -> dict:
    spec = param.openapi()
    spec["style"], spec["explode"] = "form", False
    return spec


def openapi_document(base: str, collections: dict[str, Collection]) -> dict:
    """The OpenAPI 3.0 definition of the OGC API (Part 1 building blocks + Parts 2 and 3)."""
    blocks = copy.deepcopy(_building_blocks())
    components = blocks["components"]
    components["parameters"]["collectionId"]["schema"] = {
        "type": "string",
        "enum": list(collections),
    }
    ref = {
        name: {"$ref": f"#/components/parameters/{name}"} for name in ("bbox", "datetime", "limit")
    }
    items_params = [{"$ref": "#/components/parameters/collectionId"}]
    items_params += [
        ref[p.name] if p.name in ref else _parameter(p) for p in OGC_ITEMS if p.name != "f"
    ]
    f_param = _parameter(OGC_ITEMS[-1])

    def op(summary: str, response: str, params=None, op_id: str = "") -> dict:
        return {
            "get": {
                "summary": summary,
                "operationId": op_id,
                "parameters": [*(params or []), f_param],
                "responses": {
                    "200": {"$ref": f"#/components/responses/{response}"},
                    "400": {"$ref": "#/components/responses/InvalidParameter"},
                    "500": {"$ref": "#/components/responses/ServerError"},
                },
            }
        }

    collection = [{"$ref": "#/components/parameters/collectionId"}]
    item_params = [*collection, {"$ref": "#/components/parameters/featureId"}]
    item_params += [_parameter(p) for p in OGC_ITEM if p.name != "f"]
    queryables = op("the queryables of a collection", "Collection", collection, "getQueryables")
    queryables["get"]["responses"]["200"] = {
        "description": "the queryables as a JSON Schema",
        "content": {"application/schema+json": {"schema": {"type": "object"}}},
    }
    api = op("this API definition", "LandingPage", [], "getAPI")
    api["get"]["responses"]["200"] = {
        "description": "the OpenAPI 3.0 definition",
        "content": {OPENAPI_JSON: {"schema": {"type": "object"}}},
    }
    paths = {
        "/": op("the landing page", "LandingPage", [], "getLandingPage"),
        "/conformance": op("conformance classes", "ConformanceDeclaration", [], "getConformance"),
        "/api": api,
        "/collections": op("the collections", "Collections", [], "getCollections"),
        "/collections/{collectionId}": op("one collection", "Collection", collection, "describeCollection"),
        "/collections/{collectionId}/queryables": queryables,
        "/collections/{collectionId}/items": op("features of a collection", "Features", items_params, "getFeatures"),
        "/collections/{collectionId}/items/{featureId}": op("one feature", "Feature", item_params, "getFeature"),
    }  # fmt: skip
    # each collection's items with its queryables as query parameters (Part 3
    # queryables-query-parameters); clients such as GDAL read them here
    for c in collections.values():
        own = [
            {"name": name, "in": "query", "required": False, "style": "form", "explode": False,
             "description": f"features whose {name} is one of these values (comma-separated)",
             "schema": TYPES[kind]}
            for name, kind in c.queryables.items()
        ]  # fmt: skip
        paths[f"/collections/{c.id}/items"] = op(
            f"features of {c.id}", "Features", [*items_params[1:], *own], f"getFeatures_{c.id}"
        )
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "RegioAtlas – OGC API – Features",
            "version": __version__,
            "description": "Parts 1 (Core), 2 (CRS by reference) and 3 (Filtering, CQL2)",
            "license": {"name": "EUPL-1.2"},
        },
        "servers": [{"url": base}],
        "paths": paths,
        "components": components,
    }  # fmt: skip
