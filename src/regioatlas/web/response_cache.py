"""Whole answers of public, repeatable reads kept per data version (an ASGI middleware).

The OGC items pages and the per-region aggregates are asked again and again by map clients,
QGIS and dashboards, with the same URLs. Each answer already comes from memory or from a
cache of the data version, yet building the response (route matching over every route, the
app-wide checks, the declared-parameter check, the paging links, the JSON text) cost about
1.5 ms of CPU: with 8 clients on one worker that is a p95 of 18 ms for an answer that never
changed. This layer keeps the finished response (status, headers and body as sent, gzip
included) and replays it while ``Store.data_version()`` stays the same.

What it keeps, and why that is safe:

* only ``GET`` and ``HEAD`` of the paths the app names (``cacheable(path)``: the aggregates,
  the regions' geometries and summaries, and the items of OGC collections whose answers follow
  the data version), answered ``200``;
* never a request with credentials (``Authorization``, ``Cookie``): an answer kept was
  given to anybody, and with the ``auth`` setting ``viewer`` the anonymous ``/api/`` reads
  are refused (401), so nothing of those is kept;
* never a conditional request (``If-None-Match`` …): it goes to the app, which answers 304;
  nor one with ``Cache-Control: no-cache`` or ``no-store`` (a reload asks for a fresh answer);
* the key holds everything the answer may depend on: scheme, host and root path (links are
  absolute), path, query string, ``Accept``, ``Accept-Encoding`` and ``Accept-Language``;
* the first question under a new data version drops the answers of the old one.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool

#: request headers that make an answer personal or conditional: such requests pass through
_PASS = {b"authorization", b"cookie", b"if-none-match", b"if-modified-since", b"range"}
_FRESH = re.compile(rb"no-cache|no-store", re.I)
_KEYED = (b"accept", b"accept-encoding", b"accept-language")
#: larger answers are not kept (a collection page is 50-300 KB)
MAX_BODY = 2 << 20


class ResponseCache:
    """ASGI middleware replaying kept answers of the paths ``cacheable`` accepts; ``store``
    gives the data version.

    Example
    -------
    >>> from starlette.applications import Starlette
    >>> middleware = ResponseCache(Starlette(), store=None, cacheable=lambda path: False)
    >>> middleware.size
    1024
    """

    def __init__(self, app, store, cacheable: Callable[[str], bool], size: int = 1024):
        self.app, self.store, self.size = app, store, size
        self.cacheable = cacheable
        self._version: str | None = None
        self._kept: OrderedDict[tuple, tuple[dict, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    async def __call__(self, scope, receive, send):
        # the path first: most requests are not kept, and need no key built from their headers
        kept_path = scope["type"] == "http" and self.cacheable(scope["path"])
        key = _key(scope) if kept_path else None
        if key is None:
            await self.app(scope, receive, send)
            return
        version = await self._data_version()
        with self._lock:
            if version != self._version:
                self._version, self._kept = version, OrderedDict()
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
        if kept is not None:
            start, body = kept
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, self._keeping(key, version, send))

    async def _data_version(self) -> str:
        # a DuckDB file store holds its version in memory; a database needs a query, which
        # waits in the thread pool rather than on the event loop
        if getattr(self.store, "local_data_version", False):
            return self.store.data_version()
        return await run_in_threadpool(self.store.data_version)

    def _keeping(self, key: tuple, version: str, send):
        start: dict | None = None
        parts: list[bytes] = []
        size = 0

        async def keeping_send(message):
            nonlocal start, size
            await send(message)
            if message["type"] == "http.response.start":
                start = message if message["status"] == 200 else None
            elif start is not None and message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                size += len(parts[-1])
                if size > MAX_BODY:
                    start = None
                elif not message.get("more_body", False):
                    self._keep(key, version, start, b"".join(parts))

        return keeping_send

    def _keep(self, key: tuple, version: str, start: dict, body: bytes) -> None:
        with self._lock:
            if version != self._version:  # the data changed while this answer was built
                return
            self._kept[key] = (start, body)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)


def _key(scope) -> tuple | None:
    """The cache key of a request, or None when it must go to the app."""
    if scope["method"] not in ("GET", "HEAD"):
        return None
    keyed: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        if name in _PASS or (name == b"cache-control" and _FRESH.search(value)):
            return None
        if name in _KEYED or name == b"host":
            keyed[name] = keyed.get(name, b"") + b"," + value
    return (
        scope["method"],
        scope.get("scheme"),
        scope.get("root_path", ""),
        scope["path"],
        scope.get("query_string", b""),
        tuple(sorted(keyed.items())),
    )
