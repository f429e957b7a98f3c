"""The one map from domain errors to RFC 9457 problem responses and CLI exit codes.

Handlers and library functions raise the errors of ``regioatlas.model.errors`` (``NotFound``,
``BadInput``, ``Conflict``, ``Unavailable``, ...); the web layer renders them with
:func:`problem_for` and the CLI exits with :func:`exit_code_for`. Nobody translates errors
call by call, and an error raised on purpose never becomes a 500: a ``RegioAtlasError`` of a
class missing from the map falls back to its nearest mapped base class, at worst 400.
"""

from __future__ import annotations

from dataclasses import dataclass

from regioatlas.model.errors import (
    BadInput,
    Conflict,
    Forbidden,
    NotFound,
    RegioAtlasError,
    TooLarge,
    TooManyRequests,
    Unauthorized,
    Unavailable,
    Unprocessable,
    UnsupportedMedia,
)

PROBLEM_TYPE = "application/problem+json"


@dataclass(frozen=True)
class ErrorKind:
    """How one class of domain error is shown: HTTP status and title, CLI exit code."""

    status: int
    title: str
    exit_code: int


#: Most specific first is not needed: the lookup walks each error's MRO.
ERROR_MAP: dict[type[Exception], ErrorKind] = {
    NotFound: ErrorKind(404, "Not found", 3),
    BadInput: ErrorKind(400, "Bad request", 2),
    Unprocessable: ErrorKind(422, "Unprocessable input", 1),
    TooLarge: ErrorKind(413, "Content too large", 2),
    Unauthorized: ErrorKind(401, "Unauthorized", 6),
    Forbidden: ErrorKind(403, "Forbidden", 6),
    TooManyRequests: ErrorKind(429, "Too many requests", 6),
    UnsupportedMedia: ErrorKind(415, "Unsupported media type", 1),
    Conflict: ErrorKind(409, "Conflict", 4),
    Unavailable: ErrorKind(503, "Service unavailable", 5),
    RegioAtlasError: ErrorKind(400, "Bad request", 1),
}


class ApiError(RegioAtlasError):
    """An error with an explicit HTTP status, for the web layer's own protocol errors
    (an unknown route, a method not allowed); domain code raises the classes above."""

    def __init__(self, status: int, title: str, detail: str, **extra):
        super().__init__(detail, parameter=extra.pop("parameter", None), **extra)
        self.status, self.title, self.detail = status, title, detail


def kind_of(exc: BaseException) -> ErrorKind:
    """The ErrorKind of a domain error (walking its class hierarchy)."""
    if isinstance(exc, ApiError):
        return ErrorKind(exc.status, exc.title, 2 if exc.status < 500 else 1)
    for cls in type(exc).__mro__:
        if cls in ERROR_MAP:
            return ERROR_MAP[cls]
    raise TypeError(f"{type(exc).__name__} is not a RegioAtlas domain error")


def problem_for(exc: RegioAtlasError, instance: str | None = None) -> tuple[int, dict]:
    """(status, problem body) for a domain error.

    Example
    -------
    >>> problem_for(NotFound("no NUTS region 'XX9'", parameter="code"))
    (404, {'type': 'about:blank', 'title': 'Not found', 'status': 404, 'detail': "no NUTS region 'XX9'", 'parameter': 'code'})
    """
    kind = kind_of(exc)
    body: dict = {"type": "about:blank", "title": kind.title, "status": kind.status}
    body["detail"] = str(exc)
    if instance:
        body["instance"] = instance
    if exc.parameter:
        body["parameter"] = exc.parameter
    errors = getattr(exc, "errors", None)
    if errors and all(hasattr(e, "as_dict") for e in errors):
        body["errors"] = [e.as_dict() for e in errors[:100]]
    body.update(exc.extra)
    return kind.status, body


def problem_headers(exc: RegioAtlasError) -> dict[str, str]:
    """Headers that go with a problem response (``Retry-After`` for Unavailable)."""
    retry = getattr(exc, "retry_after", None)
    return {"Retry-After": str(retry)} if retry else {}


def exit_code_for(exc: RegioAtlasError) -> int:
    """The CLI exit code of a domain error (never 0)."""
    return kind_of(exc).exit_code


def bad_request(detail: str, parameter: str | None = None) -> BadInput:
    """A BadInput naming the parameter (kept as a short spelling for handlers)."""
    return BadInput(detail, parameter=parameter)


def not_found(detail: str, parameter: str | None = None) -> NotFound:
    return NotFound(detail, parameter=parameter)
