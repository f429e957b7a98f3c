"""The web app's static files: URLs that carry a hash of their content, and caching by it.

A page names each script and stylesheet as ``/static/<path>?v=<hash of its bytes>``: a browser
may keep such a URL for a year without asking again (``immutable``), and a new release changes
the URL of every file that changed. A URL without ``v`` is revalidated each time (ETag).

A page reads its scripts as bundles: the page scripts it names joined in order and minified
(rjsmin) when the server first builds the page, kept in memory and named by their hash
(``/bundles/<hash>.js``): one request instead of fifteen, and fewer bytes to parse on a slow CPU.
The sources in ``static/app`` stay as written; nothing is built at install time.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import parse_qs

import rjsmin
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

#: a year: the longest lifetime caches honour
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@cache
def content_hash(path: str) -> str:
    """The first 12 hex digits of the SHA-256 of ``static/<path>`` (read once per process).

    Example
    -------
    >>> len(content_hash("app/app.js"))
    12
    """
    data = resources.files("regioatlas.web").joinpath("static", *path.split("/")).read_bytes()
    return hashlib.sha256(data).hexdigest()[:12]


def asset_url(path: str) -> str:
    """The URL of ``static/<path>`` with its content hash, for a page to name it.

    Example
    -------
    >>> asset_url("app/app.js").startswith("/static/app/app.js?v=")
    True
    """
    return f"/static/{path}?v={content_hash(path)}"


class HashedStaticFiles(StaticFiles):
    """Starlette's static files, with a ``Cache-Control`` chosen by the URL's ``v``.

    Example
    -------
    >>> app = HashedStaticFiles(directory=".")
    """

    def file_response(self, full_path, stat_result, scope, status_code=200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        # only the hash of today's bytes is long-lived: an old page's URL is revalidated
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        relative = self.get_path(scope).replace(os.sep, "/")
        current = query.get("v") == [content_hash(relative)]
        response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
        return response


@dataclass(frozen=True)
class Bundle:
    """Page scripts joined in order and minified, named by the hash of the result."""

    scripts: tuple[str, ...]
    body: bytes
    digest: str

    @property
    def url(self) -> str:
        return f"/bundles/{self.digest}.js"


#: the bundles built so far, by digest: what ``/bundles/<digest>.js`` serves
_BUILT: dict[str, Bundle] = {}
_BUILT_LOCK = threading.Lock()


def bundle(scripts: tuple[str, ...]) -> Bundle:
    """The bundle of ``static/app/<name>.js`` for each name, in order (built once per process).

    Each script is an IIFE ending in ``;``, so joining keeps them apart; a comment names the
    file each part comes from.

    Example
    -------
    >>> b = bundle(("app", "widgets"))
    >>> b.url.startswith("/bundles/") and b"/* static/app/widgets.js */" in b.body
    True
    """
    return _bundle(tuple(scripts))


@cache
def _bundle(scripts: tuple[str, ...]) -> Bundle:
    static = resources.files("regioatlas.web").joinpath("static", "app")
    parts = []
    for name in scripts:
        source = static.joinpath(f"{name}.js").read_text(encoding="utf-8")
        parts.append(f"/* static/app/{name}.js */\n{rjsmin.jsmin(source)};\n")
    body = "".join(parts).encode("utf-8")
    built = Bundle(scripts, body, hashlib.sha256(body).hexdigest()[:12])
    with _BUILT_LOCK:
        _BUILT[built.digest] = built
    return built


def bundle_response(digest: str) -> Response | None:
    """The response serving the bundle ``digest`` (cached for a year), or None when unknown.

    Example
    -------
    >>> bundle_response(bundle(("app",)).digest).headers["cache-control"]
    'public, max-age=31536000, immutable'
    """
    built = _BUILT.get(digest)
    if built is None:
        return None
    return Response(
        built.body,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": IMMUTABLE},
    )
