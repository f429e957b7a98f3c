"""A route's query parameters, from their declarations in ``regioatlas.api.parameters``.

``**declared(FILTERS, PAGING)`` on a route gives it the OpenAPI parameters of those
declarations and the one check every route shares (a repeated parameter that is not
repeatable, a number out of its range: 400). :func:`reject_repeated` is the app-wide safety
net for routes that take query parameters in their signature instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, create_model

from regioatlas.api.parameters import Param, check_query, openapi_parameters, query_dict


class _Check:
    """The dependency that checks a request's query against one route's declarations."""

    def __init__(self, params: tuple[Param, ...]):
        self.params = params

    # async: a check of a few strings, run on the event loop rather than a thread (FastAPI
    # hands every sync dependency to its thread pool, a switch that costs more than the check)
    async def __call__(self, request: Request) -> None:
        check_query(request.query_params.multi_items(), self.params)


def declared(*groups: Iterable[Param], body: dict[str, Any] | None = None) -> dict[str, Any]:
    """Route keyword arguments documenting and checking the declared query parameters.

    Later declarations of a name replace earlier ones (a route's own ``limit`` over paging's).
    ``body`` is the OpenAPI request body of a route that reads its body itself.

    Example
    -------
    >>> from regioatlas.api.parameters import FILTERS, PAGING
    >>> kwargs = declared(FILTERS, PAGING)
    >>> [p["name"] for p in kwargs["openapi_extra"]["parameters"]][-3:]
    ['limit', 'offset', 'sort']
    """
    by_name: dict[str, Param] = {}
    for group in groups:
        for param in group:
            by_name.pop(param.name, None)
            by_name[param.name] = param
    params = tuple(by_name.values())
    extra: dict[str, Any] = {"parameters": openapi_parameters(params)}
    if body is not None:
        extra["requestBody"] = body
    return {
        "openapi_extra": extra,
        "dependencies": [Depends(_Check(params))],
    }


def body_model(name: str, params: Iterable[Param], **nested: type[BaseModel]) -> type[BaseModel]:
    """A JSON request body of the declared parameters, with the same types, ranges, choices
    and patterns as in a query (a repeatable one is one comma-separated text); ``nested`` adds
    optional objects of other models. Unknown members are refused.

    Example
    -------
    >>> from regioatlas.api.parameters import LIMIT
    >>> Body = body_model("Paging", [LIMIT])
    >>> Body(limit=20).limit, Body.model_json_schema()["additionalProperties"]
    (20, False)
    """
    fields: dict[str, Any] = {}
    for param in params:
        kind: Any = {"string": str, "integer": int, "number": float}[param.type]
        limits: dict[str, Any] = {"description": param.help}
        if param.options and not param.repeatable:
            kind = Literal[param.options]  # type: ignore[valid-type]
        elif param.type == "string":
            limits |= {"pattern": param.text_pattern, "max_length": param.max_length}
            limits["min_length"] = 1 if param.required else None
        else:
            limits |= {"ge": param.minimum, "le": param.maximum}
        limits = {k: v for k, v in limits.items() if v is not None}
        if param.required:
            fields[param.name] = (kind, Field(..., **limits))
        else:
            fields[param.name] = (kind | None, Field(None, **limits))
    for member, model in nested.items():
        fields[member] = (model | None, Field(None))
    config = ConfigDict(extra="forbid", regex_engine="python-re")  # the pattern's dialect
    return create_model(name, __config__=config, **fields)


def query(request: Request) -> dict[str, Any]:
    """The raw query as the handlers take it (a repeated parameter as a list; the handlers
    validate the values)."""
    return query_dict(request.query_params.multi_items())


async def reject_repeated(request: Request) -> None:
    """App-wide: a query parameter of a route's signature given twice is a 400.

    FastAPI would silently take the last value; the declared parameters are checked by the
    route's own dependency. Async for the reason given at ``_Check.__call__``.
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    names = [p.alias for p in route.dependant.query_params]
    check_query(
        request.query_params.multi_items(),
        [Param(name, "string", "") for name in names],
    )
