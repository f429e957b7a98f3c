"""The web app's static files: URLs that carry a hash of their content, and caching by it.

A page names each script and stylesheet as ``/static/<path>?v=<hash of its bytes>``: a browser
may keep such a URL for a year without asking again (``immutable``), and a new release changes
the URL of every file that changed. A URL without ``v`` is revalidated each time (ETag).
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from importlib import resources
from urllib.parse import parse_qs

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
