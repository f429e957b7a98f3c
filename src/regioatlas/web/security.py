"""ASGI middlewares that protect every response: security headers, relative redirects, sizes.

Plain ASGI (no framework) so they sit outside FastAPI and also cover its own answers
(redirect_slashes, 404s, static files). See SECURITY.md for what is protected and what is not.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

#: a query string longer than this is refused with 414. /api/similar?text= takes 20,000
#: characters, up to 6 bytes each once percent-encoded: the handler then says how long it was
MAX_QUERY_BYTES = 128 * 1024
#: request headers (names + values) larger than this in all are refused with 431
MAX_HEADER_BYTES = 32 * 1024
#: a request body larger than this is refused with 413 while it is read
MAX_BODY_BYTES = 1024 * 1024
#: paths that take larger bodies: (path prefix, limit): the posted EEA air-quality CSV, and
#: texts to compare, whose handler explains its own 20,000-character limit up to 2 MiB
BODY_LIMITS = (("/api/air-quality/", 20_000_000), ("/api/similar", 2 * 1024 * 1024))
#: uploads of datasets (POST /api/datasets) are limited by the upload_max_bytes setting
UPLOAD_PATH = "/api/datasets"


def _body_limit(path: str) -> int:
    if path == UPLOAD_PATH:
        from regioatlas import settings

        return settings.get_int("upload_max_bytes")
    return next((n for prefix, n in BODY_LIMITS if path.startswith(prefix)), MAX_BODY_BYTES)


#: the request head uvicorn must accept (its h11_max_incomplete_event_size) so that the
#: limits above answer with 414/431 instead of a reset connection
MAX_HEAD_BYTES = MAX_QUERY_BYTES + MAX_HEADER_BYTES + 8192

#: pages that other sites may show in a frame
FRAMEABLE = ("/embed",)

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    # Leaflet and the app set styles through element.style (CSSOM), which CSP allows
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def content_security_policy(path: str, inline_scripts: Sequence[bytes] = ()) -> str:
    """The Content-Security-Policy of a response to ``path``.

    ``inline_scripts`` are scripts the server wrote into the page itself (Swagger UI's start
    script on /docs): they are allowed by hash, never by 'unsafe-inline'.

    Example
    -------
    >>> "frame-ancestors 'none'" in content_security_policy("/")
    True
    >>> "frame-ancestors *" in content_security_policy("/embed")
    True
    """
    policy = dict(CSP)
    if _frameable(path):
        policy["frame-ancestors"] = "*"
    if inline_scripts:
        hashes = " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(s).digest()).decode() + "'"
            for s in inline_scripts
        )
        policy["script-src"] += " " + hashes
    if path == "/docs":
        policy["style-src"] += " 'unsafe-inline'"  # Swagger UI styles its widgets inline
    return "; ".join(f"{k} {v}" for k, v in policy.items())


def _frameable(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in FRAMEABLE)


def relative_location(location: str, host: str | None) -> str:
    """A redirect target on this server without scheme and host (never built from Host).

    Example
    -------
    >>> relative_location("http://evil.example/docs?x=1", "evil.example")
    '/docs?x=1'
    >>> relative_location("https://cordis.europa.eu/", "localhost")
    'https://cordis.europa.eu/'
    """
    parts = urlsplit(location)
    if parts.netloc and host is not None and parts.netloc.lower() == host.lower():
        path = "/" + parts.path.lstrip("/")  # "//x" would be read as another host
        return path + (f"?{parts.query}" if parts.query else "")
    return location


class SecurityHeaders:
    """Adds CSP, nosniff, Referrer-Policy and frame rules; makes own redirects relative."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        host = _header(scope, b"host")
        held: list[dict] = []

        async def send_secured(message):
            if message["type"] == "http.response.start":
                if path == "/docs":  # hold the page to hash its inline start script
                    held.append(message)
                    return
                message = _secured(message, path, host, [])
            elif held and message["type"] == "http.response.body":
                # /docs is one small page, sent in one piece by HTMLResponse
                start = held.pop()
                scripts = _INLINE_SCRIPT.findall(message.get("body", b""))
                await send(_secured(start, path, host, scripts))
            await send(message)

        await self.app(scope, receive, send_secured)


def _secured(start: dict, path: str, host: str | None, scripts: list[bytes]) -> dict:
    headers = [
        (k, v)
        for k, v in start.get("headers", [])
        if k.lower() not in (b"content-security-policy", b"x-frame-options")
    ]
    headers = [
        (k, relative_location(v.decode("latin-1"), host).encode("latin-1"))
        if k.lower() == b"location"
        else (k, v)
        for k, v in headers
    ]
    headers += [
        (b"content-security-policy", content_security_policy(path, scripts).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]
    if not _frameable(path):
        headers.append((b"x-frame-options", b"DENY"))
    return {**start, "headers": headers}


class _BodyTooLarge(Exception):
    pass


class SizeLimits:
    """Refuses oversized requests: query string 414, headers 431, body 413 while reading.

    The body is counted as it arrives, before any handler buffers it; a declared
    Content-Length over the limit is refused without reading a byte.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("query_string", b"")) > MAX_QUERY_BYTES:
            return await _refuse(
                send, 414, "URI too long", f"the query string is over {MAX_QUERY_BYTES:,} bytes"
            )
        if sum(len(k) + len(v) for k, v in scope["headers"]) > MAX_HEADER_BYTES:
            return await _refuse(
                send,
                431,
                "Request header fields too large",
                f"the request headers are over {MAX_HEADER_BYTES:,} bytes",
            )
        limit = _body_limit(scope["path"])
        too_large = f"the request body is over {limit:,} bytes"
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await _refuse(send, 413, "Payload too large", too_large)
        received = 0
        started = False

        async def counting_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge()
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if started:  # too late for a status; the connection is closed instead
                raise
            await _refuse(send, 413, "Payload too large", too_large)


def _header(scope, name: bytes) -> str | None:
    for k, v in scope["headers"]:
        if k.lower() == name:
            return v.decode("latin-1")
    return None


async def _refuse(send, status: int, title: str, detail: str) -> None:
    body = json.dumps(
        {"type": "about:blank", "title": title, "status": status, "detail": detail}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def secure(app) -> None:
    """Install the size limits and security headers on a Starlette/FastAPI app (outermost).

    Example
    -------
    >>> from fastapi import FastAPI
    >>> app = FastAPI()
    >>> secure(app)
    """
    app.add_middleware(SizeLimits)
    app.add_middleware(SecurityHeaders)
