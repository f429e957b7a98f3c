"""The auth door of the web layer: ``Depends(requires("editor"))`` on a route that writes.

Every feature that adds a write (uploads, NGSI-LD entities, good-practice authoring) protects
it the same way::

    @app.post("/api/things", responses=AUTH_RESPONSES)
    def add(principal: Editor): ...

(``Editor`` is ``Annotated[Principal, Depends(requires("editor"))]``; ``Viewer``,
``Reviewer`` and ``Admin`` likewise.)

The dependency reads the token from the ``Authorization: Bearer`` header only, checks it with
``regioatlas.api.auth`` (401 when missing, unknown or revoked; 403 when the role is too low;
429 after too many failed attempts from one address) and documents the bearer scheme in the
OpenAPI spec. :func:`install` adds the app-wide part: a token in the query string is refused
(it would end up in logs and browser history), and with the ``auth`` setting ``viewer`` every
``/api/`` read needs a token too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from regioatlas import settings
from regioatlas.api.auth import (
    FailedAttempts,
    Principal,
    authenticate,
    check_role,
    recently_authenticated,
    require,
)
from regioatlas.model.errors import BadInput, Unauthorized

#: the security scheme in the OpenAPI spec (the header is read by :func:`principal_of`)
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An API token (`regioatlas token create --role editor --name NAME`), "
    "sent as `Authorization: Bearer TOKEN`; never in the query string.",
)
#: query parameters that look like credentials: refused wherever they appear
QUERY_CREDENTIALS = ("token", "access_token", "api_key", "apikey", "bearer")

_PROBLEM = {"application/problem+json": {"schema": {"type": "object"}}}
#: the responses of a protected operation, for its OpenAPI entry
AUTH_RESPONSES: dict[int | str, dict] = {
    401: {
        "description": "No token, or an unknown or revoked one (problem JSON)",
        "content": _PROBLEM,
    },
    403: {"description": "The token's role is too low (problem JSON)", "content": _PROBLEM},
    429: {"description": "Too many failed token attempts from this address", "content": _PROBLEM},
}


def install(app: FastAPI, mode: str | None = None) -> None:
    """Add the app-wide checks to ``app`` (before its routes are added).

    ``mode`` is the ``auth`` setting (``public`` or ``viewer``; read from the settings when
    None). The failed-attempt limits come from ``auth_max_failures`` and
    ``auth_failure_window``.

    Example
    -------
    >>> app = FastAPI()
    >>> install(app, "public")
    >>> app.state.auth_mode
    'public'
    """
    mode = mode or settings.get("auth")
    settings.SETTINGS["auth"].checked(mode, "auth mode")
    app.state.auth_mode = mode
    app.state.failed_attempts = FailedAttempts(
        settings.get_int("auth_max_failures"), settings.get_int("auth_failure_window")
    )
    app.router.dependencies.append(Depends(_guard))


async def _guard(request: Request) -> None:
    """App-wide: no credentials in the query string; reads need a token with auth=viewer.

    Async, so that a public read does not pay a thread switch for a look at its query; a token
    is checked against the store in the thread pool.
    """
    given = [k for k in request.query_params if k.lower() in QUERY_CREDENTIALS]
    if given:
        raise BadInput(
            f"query parameter {given[0]!r} refused: send tokens only as "
            "`Authorization: Bearer TOKEN` (a URL ends up in logs and browser history)",
            parameter=given[0],
        )
    if request.app.state.auth_mode == "viewer" and request.url.path.startswith("/api/"):
        require(await run_in_threadpool(principal_of, request), "viewer")


def client_address(request: Request) -> str:
    """The address failed attempts are counted by (the peer; a proxy should be trusted
    explicitly, which this server does not do)."""
    return request.client.host if request.client else "unknown"


def known_principal(request: Request) -> Principal | None:
    """The request's principal when memory answers (this request's, or its token looked up in
    the last ``TOKEN_REUSE_S``), else None; 429 as in :func:`principal_of`."""
    found = getattr(request.state, "principal", None)
    if found is not None:
        return found
    known = recently_authenticated(
        request.app.state.atlas.store, request.headers.get("authorization")
    )
    if known is not None:
        request.app.state.failed_attempts.check(client_address(request))
        request.state.principal = known
    return known


def principal_of(request: Request) -> Principal:
    """The request's principal, authenticated once per request (401/429 as domain errors)."""
    found = known_principal(request)
    if found is not None:
        return found
    header = request.headers.get("authorization")
    attempts: FailedAttempts = request.app.state.failed_attempts
    client = client_address(request)
    if header:
        attempts.check(client)
    try:
        principal = authenticate(request.app.state.atlas.store, header)
    except Unauthorized:
        if header:  # a missing token is no attempt: public pages ask without one
            attempts.record(client)
        raise
    request.state.principal = principal
    return principal


def requires(role: str):
    """A FastAPI dependency giving the request's :class:`Principal` if its role is ``role``
    or above (401 without a valid token, 403 with a lower role).

    Example
    -------
    >>> dependency = requires("editor")
    >>> dependency.__name__
    'requires_editor'
    """
    check_role(role)

    async def dependency(
        request: Request,
        _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
    ) -> Principal:
        # a token looked up within the last second is answered here; otherwise the store is
        # asked in the thread pool (a sync dependency paid that thread hop on every write)
        known = known_principal(request)
        if known is None:
            known = await run_in_threadpool(principal_of, request)
        return require(known, role)

    dependency.__name__ = f"requires_{role}"
    return dependency


#: route parameter types: the request's principal, at least of that role
Viewer = Annotated[Principal, Depends(requires("viewer"))]
Editor = Annotated[Principal, Depends(requires("editor"))]
Reviewer = Annotated[Principal, Depends(requires("reviewer"))]
Admin = Annotated[Principal, Depends(requires("admin"))]
