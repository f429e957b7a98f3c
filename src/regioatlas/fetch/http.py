"""Downloading one file well: conditional, resumable, retried, checked, written atomically.

Standard library only (``urllib.request``), so a proxy is one ``ProxyHandler`` and nothing
downloads at import time. A download goes to ``NAME.part`` next to its target; the target is
replaced (fsync + rename) only once the whole body arrived and passed the content checks, so
an interrupted or refused download never leaves a half-written file where a good one was.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import json
import os
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from regioatlas import __version__
from regioatlas.model.errors import NotFound, Unavailable, Unprocessable

CHUNK = 1 << 16
#: statuses worth another attempt: the server says "not now", not "never"
RETRYABLE = {408, 425, 429, 500, 502, 503, 504}

#: what each kind of file may be served as, and how its first bytes look
KINDS: dict[str, tuple[frozenset[str], tuple[bytes, ...]]] = {
    "zip": (
        frozenset({"application/zip", "application/x-zip-compressed", "application/x-zip"}),
        (b"PK\x03\x04",),
    ),
    "gzip": (
        frozenset({"application/gzip", "application/x-gzip", "application/x-gzip-compressed"}),
        (b"\x1f\x8b",),
    ),
    "xlsx": (
        frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        (b"PK\x03\x04",),
    ),
    "csv": (
        frozenset(
            {
                "text/csv",
                "text/plain",
                "text/tab-separated-values",
                "application/csv",
                "application/vnd.ms-excel",
            }
        ),
        (),
    ),
    "json": (
        frozenset({"application/json", "application/geo+json", "text/plain"}),
        (b"{", b"["),
    ),
}
#: a server may label anything as bytes; the body checks still apply
GENERIC_TYPES = frozenset({"application/octet-stream", "binary/octet-stream"})

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class HttpOptions:
    """How patient and through which proxy downloads are made.

    ``backoff`` is the first wait between attempts (doubled each time) unless the server's
    ``Retry-After`` says otherwise; a ``Retry-After`` longer than ``max_wait`` ends the
    attempts at once with :class:`Unavailable` carrying it.
    """

    timeout: float = 60.0
    retries: int = 4
    backoff: float = 1.0
    max_wait: float = 120.0
    proxy: str | None = None


@dataclass(frozen=True)
class Validators:
    """What the server said identifies a version: sent back to ask "changed since?"."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Download:
    """The outcome of one :func:`download`: unchanged (HTTP 304) or a complete, checked file."""

    url: str
    changed: bool
    requests: int
    validators: Validators
    path: Path | None = None
    sha256: str | None = None
    size: int = 0
    content_type: str | None = None
    resumed: bool = False


class _Retry(Exception):
    """One attempt failed in a way another attempt may fix."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


def build_opener(proxy: str | None) -> urllib.request.OpenerDirector:
    """An opener going through ``proxy`` when given (else the usual ``*_proxy`` environment)."""
    handlers: list[urllib.request.BaseHandler] = []
    if proxy:
        handlers.append(urllib.request.ProxyHandler({"http": proxy, "https": proxy}))
    return urllib.request.build_opener(*handlers)


def download(
    url: str,
    target: Path,
    *,
    kind: str,
    previous: Validators | None = None,
    options: HttpOptions | None = None,
    progress: Progress | None = None,
    post_json: dict | None = None,
) -> Download:
    """Fetch ``url`` into ``target`` unless the server says it is unchanged since ``previous``.

    A partial ``target.part`` left by an earlier attempt is resumed with a ``Range`` request
    (guarded by ``If-Range``, so a changed file restarts from zero). Timeouts, dropped
    connections, truncated bodies and HTTP 408/429/5xx are retried with exponential backoff,
    honouring ``Retry-After``. ``post_json`` makes it a POST of that body (no conditional
    request, no resume: such services answer a query, not a file). The body must match
    ``kind`` (``zip``, ``xlsx``, ``gzip``, ``csv``, ``json``): a wrong content type or an HTML page raises :class:`Unprocessable` and leaves
    ``target`` as it was.

    Raises
    ------
    NotFound
        HTTP 404 or 410.
    Unavailable
        The server could not be reached or kept failing (``retry_after`` set when it said).
    Unprocessable
        The server answered with something that is not a ``kind`` file.

    Example
    -------
    >>> download("https://cordis.europa.eu/data/cordis-h2020projects-csv.zip",
    ...          Path("h2020.zip"), kind="zip")  # doctest: +SKIP
    Download(url=..., changed=True, requests=1, ...)
    """
    options = options or HttpOptions()
    opener = build_opener(options.proxy)
    tick = progress or (lambda stage, done, total: None)
    part = target.with_name(target.name + ".part")
    last: _Retry | None = None
    for attempt in range(options.retries + 1):
        if attempt:
            wait = options.backoff * 2 ** (attempt - 1)
            if last is not None and last.retry_after is not None:
                wait = last.retry_after
            time.sleep(wait)
        try:
            return _attempt(
                opener, url, target, part, kind, previous, options, tick, attempt + 1, post_json
            )
        except _Retry as exc:
            last = exc
            if exc.retry_after is not None and exc.retry_after > options.max_wait:
                break
    assert last is not None
    retry_after = int(last.retry_after) if last.retry_after is not None else None
    raise Unavailable(
        f"{url}: {last} (gave up after {attempt + 1} attempt(s)); "
        "the previous download, if any, is kept",
        retry_after=retry_after,
    )


def _attempt(
    opener, url, target, part, kind, previous, options, tick, requests, post_json
) -> Download:
    headers = {"User-Agent": f"regioatlas/{__version__}"}
    if post_json is not None:
        _drop_part(part)
        headers["Content-Type"] = "application/json"
        previous = None
    part_meta = _read_part_meta(part)
    offset = part.stat().st_size if part.exists() and part_meta else 0
    if offset and (part_meta.etag or part_meta.last_modified):
        headers["Range"] = f"bytes={offset}-"
        headers["If-Range"] = part_meta.etag or part_meta.last_modified or ""
    else:
        offset = 0
        if previous and previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous and previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
    body = json.dumps(post_json).encode() if post_json is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        response = opener.open(request, timeout=options.timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 304:
            return Download(url, False, requests, previous or Validators())
        if exc.code == 416:  # our partial file no longer fits the remote one: start over
            _drop_part(part)
            raise _Retry("HTTP 416 for a resumed download; restarting") from None
        if exc.code in (404, 410):
            raise NotFound(f"{url}: HTTP {exc.code} {exc.reason}: not published there") from None
        if exc.code in RETRYABLE:
            raise _Retry(
                f"HTTP {exc.code} {exc.reason}", _retry_after(exc.headers.get("Retry-After"))
            ) from None
        raise Unprocessable(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise _Retry(f"no answer ({reason or 'timed out'})") from None
    with response:
        return _receive(response, url, target, part, kind, offset, tick, requests)


def _receive(response, url, target, part, kind, offset, tick, requests) -> Download:
    status = response.status
    content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    validators = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
    _check_content_type(url, kind, content_type)
    resumed = status == 206 and _range_start(response.headers.get("Content-Range")) == offset
    if not resumed:
        offset = 0
    length = response.headers.get("Content-Length")
    expected = offset + int(length) if length and length.isdigit() else None
    _write_part_meta(part, validators)
    received = offset
    first = b""
    try:
        with part.open("ab" if resumed else "wb") as out:
            while chunk := response.read(CHUNK):
                if received == offset and not resumed:
                    first = chunk
                    _check_not_html(url, kind, chunk)
                out.write(chunk)
                received += len(chunk)
                tick("download", received, expected or received)
            out.flush()
            os.fsync(out.fileno())
    except (http.client.IncompleteRead, TimeoutError, ConnectionError) as exc:
        raise _Retry(f"the connection broke after {received:,} bytes ({exc!r})") from None
    except Unprocessable:
        _drop_part(part)
        raise
    if expected is not None and received < expected:
        raise _Retry(f"truncated body: {received:,} of {expected:,} bytes")
    if resumed:  # the body's start arrived in an earlier attempt
        with part.open("rb") as f:
            first = f.read(CHUNK)
    _check_body(url, kind, part, first)
    digest = file_sha256(part)
    os.replace(part, target)
    _fsync_dir(target.parent)
    _drop_part(part, keep_data=True)
    return Download(
        url, True, requests, validators, target, digest, received, content_type, resumed
    )


def _check_content_type(url: str, kind: str, content_type: str) -> None:
    allowed, _ = KINDS[kind]
    if not content_type or content_type in allowed or content_type in GENERIC_TYPES:
        return
    what = "an HTML page" if content_type == "text/html" else f"{content_type!r}"
    raise Unprocessable(
        f"{url}: the server sent {what} where a {kind} file was expected "
        f"(Content-Type {content_type}; expected one of {', '.join(sorted(allowed))}); "
        "nothing was replaced"
    )


def _check_not_html(url: str, kind: str, head: bytes) -> None:
    text = head.lstrip()[:64].lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")):
        raise Unprocessable(
            f"{url}: the server sent an HTML/XML page (an error or login page?) where a "
            f"{kind} file was expected; first bytes: {head.lstrip()[:60]!r}; nothing was replaced"
        )


def _check_body(url: str, kind: str, path: Path, head: bytes) -> None:
    _, magic = KINDS[kind]
    problem = None
    if not head:
        problem = "the body is empty"
    elif magic and not head.lstrip().startswith(magic):
        problem = f"the body does not start like a {kind} file (first bytes {head[:16]!r})"
    elif kind == "zip" and not zipfile.is_zipfile(path):
        problem = "the body is not a readable zip archive"
    if problem:
        _drop_part(path)
        raise Unprocessable(f"{url}: {problem}; nothing was replaced")


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds (it may be a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _range_start(content_range: str | None) -> int | None:
    # "bytes 100-199/200"
    if not content_range or not content_range.startswith("bytes "):
        return None
    start = content_range[6:].split("-", 1)[0]
    return int(start) if start.isdigit() else None


def _meta_path(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def _read_part_meta(part: Path) -> Validators:
    try:
        data = json.loads(_meta_path(part).read_text())
    except (OSError, ValueError):
        return Validators()
    return Validators(data.get("etag"), data.get("last_modified"))


def _write_part_meta(part: Path, validators: Validators) -> None:
    part.parent.mkdir(parents=True, exist_ok=True)
    _meta_path(part).write_text(
        json.dumps({"etag": validators.etag, "last_modified": validators.last_modified})
    )


def _drop_part(part: Path, keep_data: bool = False) -> None:
    """Forget a partial download (its bytes too unless ``keep_data``)."""
    if not keep_data:
        part.unlink(missing_ok=True)
    _meta_path(part).unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes.

    Example
    -------
    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "x"; _ = p.write_bytes(b"")
    >>> file_sha256(p)[:12]
    'e3b0c44298fc'
    """
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
