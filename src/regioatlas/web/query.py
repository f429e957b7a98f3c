"""A route's query parameters, from their declarations in ``regioatlas.api.parameters``.

``**declared(FILTERS, PAGING)`` on a route gives it the OpenAPI parameters of those
declarations and the one check every route shares (a repeated parameter that is not
repeatable, a number out of its range: 400). :func:`reject_repeated` is the app-wide safety
net for routes that take query parameters in their signature instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute

from regioatlas.api.parameters import Param, check_query, openapi_parameters, query_dict


class _Check:
    """The dependency that checks a request's query against one route's declarations."""

    def __init__(self, params: tuple[Param, ...]):
        self.params = params

    # coroutines, these checks: they only read the query, and a plain function would cost
    # every request a hop to the thread pool
    async def __call__(self, request: Request) -> None:
        check_query(request.query_params.multi_items(), self.params)


def declared(*groups: Iterable[Param]) -> dict[str, Any]:
    """Route keyword arguments documenting and checking the declared query parameters.

    Later declarations of a name replace earlier ones (a route's own ``limit`` over paging's).

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
    return {
        "openapi_extra": {"parameters": openapi_parameters(params)},
        "dependencies": [Depends(_Check(params))],
    }


def query(request: Request) -> dict[str, Any]:
    """The raw query as the handlers take it (a repeated parameter as a list; the handlers
    validate the values)."""
    return query_dict(request.query_params.multi_items())


async def reject_repeated(request: Request) -> None:
    """App-wide: a query parameter of a route's signature given twice is a 400.

    FastAPI would silently take the last value; the declared parameters are checked by the
    route's own dependency.
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    names = [p.alias for p in route.dependant.query_params]
    check_query(
        request.query_params.multi_items(),
        [Param(name, "string", "") for name in names],
    )
