"""The OpenAPI document made exact, in one place, after every feature registered its routes.

FastAPI documents a route's 200 and a 422 validation response that never comes (validation
errors are 400 problems here). :func:`exact_openapi` replaces that with what each operation
can really answer, derived from what the operation declares: any operation can answer a 400
problem (a repeated or malformed parameter) and a 503 (a store that cannot be read); one with
path parameters a 404; one with a body a 413 and 415; a write behind the auth door its
401/403/409/429 (declared by the route itself). Downloads get their real media types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from regioatlas.api.dcat import SERIALISATIONS
from regioatlas.api.dcat_vocab import FILE_TYPES
from regioatlas.api.ogc.landing import GEOJSON, OPENAPI_JSON
from regioatlas.api.parameters import EXPORT_FORMAT, NUTS_CODE
from regioatlas.api.problems import ERROR_MAP, PROBLEM_TYPE
from regioatlas.model.errors import (
    BadInput,
    Conflict,
    Forbidden,
    NotFound,
    TooLarge,
    TooManyRequests,
    Unauthorized,
    Unavailable,
    Unprocessable,
    UnsupportedMedia,
)

#: RFC 9457 problem details as the API writes them (``problems.problem_for``)
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "parameter": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
}
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_TITLES = {kind.status: kind.title for kind in ERROR_MAP.values()}
_TITLES.update({406: "Not acceptable", 414: "URI too long", 431: "Request header fields too large"})

_CSV = "text/csv"
_RDF = [media for _, media in SERIALISATIONS.values()]
#: operations whose 200 is not (only) JSON: path prefix → the media types it can answer
DOWNLOADS: dict[str, list[str]] = {
    "/api/export/": [media for fmt, (_, media) in FILE_TYPES.items() if fmt != "json"],
    "/api/scorecard/{code}/csv": [_CSV],
    "/api/scorecard/{code}/report.": ["image/png", "application/pdf"],
    "/api/composite/csv": [_CSV],
    "/api/overlaps/": ["application/json", _CSV],
    "/api/practices/export/csv": [_CSV],
    "/api/practices/export/jsonld": ["application/ld+json"],
    "/api/catalogue": _RDF,
    "/id/": [*_RDF, "text/html"],
    "/ngsi-ld/": ["application/json", "application/ld+json", "application/geo+json"],
    # every OGC resource also answers HTML (f=html or a browser's Accept)
    "/ogc/api": [OPENAPI_JSON, "text/html"],
    "/ogc/collections/{collectionId}/queryables": ["application/schema+json", "text/html"],
    "/ogc/collections/{collectionId}/items": [GEOJSON, "text/html"],
    "/ogc": ["application/json", "text/html"],
}


#: where writes are (behind a token with a role: ``web.auth``)
WRITE_DOORS = ("/api/datasets", "/ngsi-ld/")
#: the shape of path parameters that are region codes or formats (a value outside it is a
#: 400, so the contract says so; a well-formed code that names no region is a 404)
NUTS_2_OR_3 = "^[A-Za-z]{2}[0-9A-Za-z]{2,3}$"
PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "code": {"type": "string", "pattern": NUTS_CODE},
    "region": {"type": "string", "pattern": NUTS_CODE},
    "lang": {"type": "string", "enum": ["en", "fi", "de", "it", "fr"]},
}
#: path parameters whose values depend on the route: (path, name) → schema
ROUTE_PATH_SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/scorecard/{code}/report.{fmt}", "fmt"): {"type": "string", "enum": ["png", "pdf"]},
    # the scorecard and the typology take NUTS 2 and 3 regions: codes of 4 or 5 characters
    **{
        (path, "code"): {"type": "string", "pattern": NUTS_2_OR_3}
        for path in (
            "/api/scorecard/{code}",
            "/api/scorecard/{code}/csv",
            "/api/scorecard/{code}/report.{fmt}",
            "/api/typology/{code}",
        )
    },
    **{
        (f"/api/export/{table}.{{fmt}}", "fmt"): {
            "type": "string",
            "enum": [*EXPORT_FORMAT.options],
        }
        for table in ("projects", "participants", "regions")
    },
}


def _type_path_parameters(path: str, operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", ()):
        if parameter.get("in") != "path":
            continue
        name = parameter["name"]
        schema = ROUTE_PATH_SCHEMAS.get((path, name)) or PATH_SCHEMAS.get(name)
        if schema:
            parameter["schema"] = schema


def _problem(status: int) -> dict[str, Any]:
    return {
        "description": _TITLES.get(status, "Error"),
        "content": {PROBLEM_TYPE: {"schema": _PROBLEM_REF}},
    }


#: the domain errors every operation can raise: a malformed or repeated parameter (checked
#: against its declaration before the handler runs), a store that cannot be read
ANY_OPERATION: tuple[type[Exception], ...] = (BadInput, Unavailable)
#: the errors of an operation that names something (a region, entity, format, dataset)
NAMING: tuple[type[Exception], ...] = (NotFound,)
#: the errors of an operation that reads a request body (size, media type, a file in it that
#: cannot be read)
READING_A_BODY: tuple[type[Exception], ...] = (TooLarge, UnsupportedMedia, Unprocessable)
#: the errors of a write behind the auth door (``web.auth``)
WRITING: tuple[type[Exception], ...] = (Unauthorized, Forbidden, Conflict, TooManyRequests)


def problem_statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The problem statuses one operation can answer: the statuses ``ERROR_MAP`` gives the
    domain errors it can raise, chosen from what the operation declares.

    Example
    -------
    >>> sorted(problem_statuses("/x/{code}", "get", {"parameters": [{"name": "code", "in": "path"}]}))
    [400, 404, 414, 431, 503]
    """
    errors = list(ANY_OPERATION)
    if operation.get("parameters") or "requestBody" in operation:  # a region, entity or
        # format named that does not exist
        errors += NAMING
    if "requestBody" in operation or method in ("post", "put", "patch"):
        errors += READING_A_BODY
    if path.startswith(WRITE_DOORS) and method != "get":
        errors += WRITING
    statuses = {ERROR_MAP[error].status for error in errors}
    statuses |= {414, 431}  # any request: web.security refuses an oversized query or head
    if path.startswith("/ngsi-ld/"):  # an unknown entity, type or attribute, or an Accept
        statuses |= {ERROR_MAP[NotFound].status, 406}
    return statuses


def _media_types(path: str) -> list[str]:
    for prefix, media in DOWNLOADS.items():
        if path.startswith(prefix):
            return media
    return []


def exact_responses(openapi: dict[str, Any]) -> dict[str, Any]:
    """Rewrite an OpenAPI document's responses to what the operations really answer.

    Example
    -------
    >>> doc = {"paths": {"/x/{id}": {"get": {"parameters": [{"name": "id", "in": "path"}],
    ...        "responses": {"200": {"description": "OK"}, "422": {}}}}}}
    >>> sorted(exact_responses(doc)["paths"]["/x/{id}"]["get"]["responses"])
    ['200', '400', '404', '414', '431', '503']
    """
    openapi.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for schema_name in ("HTTPValidationError", "ValidationError"):
        openapi["components"]["schemas"].pop(schema_name, None)
    for path, operations in openapi.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            statuses = problem_statuses(path, method, operation)
            _type_path_parameters(path, operation)
            statuses |= {int(code) for code in responses if code[0] in "45"}
            for status in sorted(statuses):
                documented = responses.get(str(status)) or {}
                responses[str(status)] = {**_problem(status), **documented} | {
                    "content": {PROBLEM_TYPE: {"schema": _PROBLEM_REF}}
                }
            media = _media_types(path)
            for code, response in responses.items():
                if code.startswith("2") and media:
                    content = response.setdefault("content", {})
                    for media_type in media:
                        content.setdefault(media_type, {"schema": {}})
    return openapi


def exact_openapi(generate: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """Wrap FastAPI's ``app.openapi`` so that the document is made exact once and cached."""
    cache: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        if not cache:
            cache.update(exact_responses(generate()))
        return cache

    return openapi
