"""API errors as RFC 9457 problem details; handlers raise, the web layer renders."""

from __future__ import annotations

from regioatlas.model import RegioAtlasError


class ApiError(RegioAtlasError):
    """An error with an HTTP status and a problem body (``application/problem+json``)."""

    def __init__(self, status: int, title: str, detail: str, **extra):
        super().__init__(detail)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra

    def body(self, instance: str | None = None) -> dict:
        body = {
            "type": "about:blank",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


def bad_request(detail: str, parameter: str | None = None) -> ApiError:
    extra = {"parameter": parameter} if parameter else {}
    return ApiError(400, "Bad request", detail, **extra)


def not_found(detail: str) -> ApiError:
    return ApiError(404, "Not found", detail)
