"""Fetch a remote source: download what changed, check it, ingest it, then keep it.

The order makes every failure harmless: files are downloaded into the cache's incoming
folder, checked (content, zip members, header columns), ingested (one atomic store write),
and only then swapped in as the current version. A failure at any step raises a domain error
naming URL or file and reason, and leaves both the store and the previous download as they
were. An unchanged publication costs one conditional request per file and writes nothing.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from regioatlas import settings
from regioatlas.fetch.cache import CachedFile, Manifest, SourceCache, cached_sources
from regioatlas.fetch.catalogue import (
    REMOTE_SOURCES,
    RemoteFile,
    RemoteSource,
    get_remote_source,
    resolve_url,
)
from regioatlas.fetch.http import HttpOptions, Progress, Validators, download
from regioatlas.ingest import IngestReport, ingest
from regioatlas.model.errors import BadInput, Unprocessable


@dataclass(frozen=True)
class FetchConfig:
    """Where downloads go, where they come from, and how patiently."""

    cache_dir: Path
    base_url: str | None = None
    http: HttpOptions = field(default_factory=HttpOptions)

    @classmethod
    def from_settings(cls, **overrides) -> FetchConfig:
        """The configuration from settings (environment > default), ``overrides`` winning.

        Example
        -------
        >>> FetchConfig.from_settings(base_url="http://127.0.0.1:8080").base_url
        'http://127.0.0.1:8080'
        """
        given = {k: v for k, v in overrides.items() if v is not None}
        try:
            timeout = float(given.pop("timeout", settings.get("fetch_timeout")))
            retries = int(given.pop("retries", settings.get("fetch_retries")))
        except ValueError as exc:
            raise BadInput(f"fetch timeout and retries must be numbers: {exc}") from None
        proxy = given.pop("proxy", settings.get("fetch_proxy")) or None
        return cls(
            cache_dir=Path(given.pop("cache_dir", settings.get("fetch_cache"))),
            base_url=given.pop("base_url", settings.get("fetch_base_url")) or None,
            http=HttpOptions(timeout=timeout, retries=retries, proxy=proxy, **given),
        )


@dataclass
class FetchResult:
    """What one fetch did."""

    source: str
    changed: bool
    requests: int
    manifest: Manifest
    ingest: IngestReport | None = None
    resumed: list[str] = field(default_factory=list)
    note: str = ""


def fetch_source(
    name: str,
    config: FetchConfig,
    *,
    store_url: str | None = None,
    values: tuple[str, ...] | None = None,
    download_only: bool = False,
    progress: Progress | None = None,
) -> FetchResult:
    """Download the current publication of remote source ``name`` and ingest it.

    ``values`` chooses the parts of a source published in parts (countries, programmes); an
    update fetches the parts fetched before. Without ``download_only`` the files are ingested
    into ``store_url`` with the source's reader, also when they were downloaded earlier with
    ``download_only`` and not ingested since.

    Example
    -------
    >>> config = FetchConfig.from_settings(base_url="http://127.0.0.1:8080")  # a mirror
    >>> fetch_source("cordis-h2020", config, store_url="atlas.duckdb")  # doctest: +SKIP
    FetchResult(source='cordis-h2020', changed=True, requests=1, ...)
    """
    remote = get_remote_source(name)
    cache = SourceCache(config.cache_dir, remote.name)
    previous = cache.manifest()
    if values is None and previous is not None and previous.values:
        values = tuple(previous.values)
    files = remote.files_for(values)
    if previous is not None and sorted(f.name for f in previous.files) != sorted(
        f.name for f in files
    ):
        previous = None  # other parts asked for: a new version, not an update of the old
    incoming = cache.start()
    changed, requests = False, 0
    resumed: list[str] = []
    cached: list[CachedFile] = []
    try:
        for remote_file in files:
            entry, got, was_resumed = _download_one(
                remote_file, remote, cache, previous, incoming, config, progress
            )
            cached.append(entry)
            changed |= got
            requests += 1
            if was_resumed:
                resumed.append(entry.name)
        if not changed and previous is not None:
            return _unchanged(remote, cache, previous, requests, store_url, download_only)
        for entry in cached:  # files unchanged remotely join the new version as they are
            if previous is not None and previous.file(entry.name) is entry:
                for name in [entry.name, *entry.extracted]:
                    cache.reuse(name)
        now = _now()
        manifest = Manifest(remote.name, cached, now, values=list(values or remote.defaults))
        report = None
        if not download_only and remote.ingest_as and store_url:
            report = _ingest(remote, incoming, manifest, store_url, progress)
            manifest.ingested_sha256, manifest.dataset_id = report.dataset.sha256, report.dataset.id
            manifest.ingested_at = now
        cache.commit(manifest)
    except BaseException:
        cache.discard()
        raise
    note = "" if remote.ingest_as else f"downloaded only: {remote.not_ingested}"
    return FetchResult(remote.name, True, requests, manifest, report, resumed, note)


def update_all(
    config: FetchConfig,
    *,
    store_url: str | None = None,
    download_only: bool = False,
    progress: Progress | None = None,
) -> list[FetchResult]:
    """Refresh every source fetched before (its parts as chosen then).

    Example
    -------
    >>> update_all(FetchConfig.from_settings(), store_url="atlas.duckdb")  # doctest: +SKIP
    [FetchResult(source='cordis-h2020', changed=False, requests=1, ...)]
    """
    return [
        fetch_source(
            name, config, store_url=store_url, download_only=download_only, progress=progress
        )
        for name in cached_sources(config.cache_dir)
        if name in REMOTE_SOURCES
    ]


def describe_sources(config: FetchConfig) -> list[dict]:
    """Every remote source with publisher, licence, URLs and what the cache holds of it.

    Example
    -------
    >>> rows = describe_sources(FetchConfig.from_settings(cache_dir="/nonexistent"))
    >>> rows[0]["name"], rows[0]["cached"]
    ('cordis-h2020', 'nothing')
    """
    rows = []
    for name in REMOTE_SOURCES:
        remote = get_remote_source(name)
        manifest = SourceCache(config.cache_dir, name).manifest()
        if manifest is None:
            cached = "nothing"
        else:
            size = sum(f.size for f in manifest.files)
            ingested = f"; ingested as {manifest.dataset_id}" if manifest.dataset_id else ""
            cached = f"{len(manifest.files)} file(s), {size:,} bytes, fetched {manifest.fetched_at}{ingested}"
        rows.append(
            {
                "name": name,
                "title": remote.title,
                "publisher": remote.publisher,
                "licence": remote.licence,
                "urls": [resolve_url(f.url, config.base_url) for f in remote.files],
                "documentation": remote.documentation,
                "parameter": remote.parameter,
                "defaults": list(remote.defaults),
                "ingest_as": remote.ingest_as or f"(download only: {remote.not_ingested})",
                "cached": cached,
            }
        )
    return rows


def _download_one(
    remote_file: RemoteFile,
    remote: RemoteSource,
    cache: SourceCache,
    previous: Manifest | None,
    incoming: Path,
    config: FetchConfig,
    progress: Progress | None,
) -> tuple[CachedFile, bool, bool]:
    """Download one file (or learn it is unchanged); its cache entry, whether it changed."""
    before = previous.file(remote_file.name) if previous else None
    validators = Validators(before.etag, before.last_modified) if before else None
    url = resolve_url(remote_file.url, config.base_url)
    result = download(
        url,
        incoming / remote_file.name,
        kind=remote_file.kind,
        previous=validators,
        options=config.http,
        progress=progress,
        post_json=remote_file.post_json,
    )
    if not result.changed and before is not None:
        return before, False, False
    assert result.path is not None and result.sha256 is not None
    extracted = _extract(remote, remote_file, result.path, url)
    _check_columns(remote_file, result.path, extracted, url)
    entry = CachedFile(
        name=remote_file.name,
        url=url,
        sha256=result.sha256,
        size=result.size,
        fetched_at=_now(),
        etag=result.validators.etag,
        last_modified=result.validators.last_modified,
        content_type=result.content_type,
        extracted=[p.name for p in extracted],
    )
    return entry, True, result.resumed


def _extract(remote: RemoteSource, remote_file: RemoteFile, path: Path, url: str) -> list[Path]:
    """Take the wanted members out of a zip, by base name, into the same folder."""
    if not remote_file.extract:
        return []
    with zipfile.ZipFile(path) as zf:
        by_name = {Path(info.filename).name: info for info in zf.infolist() if not info.is_dir()}
        missing = [m for m in remote_file.extract if m not in by_name]
        if missing:
            raise Unprocessable(
                f"{url}: the publication's layout changed: the zip has no "
                f"{', '.join(missing)} (it has {', '.join(sorted(by_name)) or 'nothing'}); "
                "nothing was replaced"
            )
        out = []
        for member in remote_file.extract:
            # Written under our own name, never the archive's path (no zip-slip).
            target = path.parent / f"{remote.name}-{member}"
            with zf.open(by_name[member]) as src, target.open("wb") as dst:
                while block := src.read(1 << 20):
                    dst.write(block)
            out.append(target)
    return out


def _check_columns(remote_file: RemoteFile, path: Path, extracted: list[Path], url: str) -> None:
    for key, columns in remote_file.columns.items():
        file = next((p for p in extracted if p.name.endswith(key)), None)
        if file is None and path.name.endswith(key):
            file = path
        if file is None:
            continue
        with file.open(encoding="utf-8-sig", errors="replace") as f:
            header = [
                c.strip().strip('"')
                for c in f.readline().rstrip("\r\n").split(remote_file.delimiter)
            ]
        missing = [c for c in columns if c not in header]
        if missing:
            raise Unprocessable(
                f"{url}: the publication's layout changed: {key} has no column "
                f"{', '.join(missing)} (header: {', '.join(header[:12])}"
                f"{', ...' if len(header) > 12 else ''}); nothing was replaced"
            )


def _ingest_paths(folder: Path, entries: list[CachedFile]) -> list[Path]:
    """The files a reader gets: a zip's extracted members, or the downloaded file itself."""
    paths: list[Path] = []
    for entry in entries:
        paths.extend(folder / n for n in (entry.extracted or [entry.name]))
    return paths


def _ingest(
    remote: RemoteSource,
    folder: Path,
    manifest: Manifest,
    store_url: str,
    progress: Progress | None,
) -> IngestReport:
    from regioatlas.store import open_store

    assert remote.ingest_as is not None
    # ingest() takes list[Path | str]; a list is invariant, so this list is typed as that
    files: list[Path | str] = [*_ingest_paths(folder, manifest.files)]
    with open_store(store_url) as store:
        return ingest(
            store,
            remote.ingest_as,
            files,
            allow_partial=remote.allow_partial,
            progress=progress,
            published=published_of(manifest),
            fetched_at=datetime.fromisoformat(manifest.fetched_at),
        )


def published_of(manifest: Manifest) -> str | None:
    """The publication date the publisher's server states: the newest Last-Modified of the
    files, as an ISO date (None when no file came with one).

    Example
    -------
    >>> f = CachedFile("p.zip", "https://x/p.zip", "0" * 64, 1, "2026-12-01T10:00:00+00:00",
    ...                last_modified="Tue, 04 Nov 2025 08:12:31 GMT")
    >>> published_of(Manifest("cordis-h2020", [f], f.fetched_at))
    '2025-11-04'
    """
    dates = []
    for entry in manifest.files:
        try:
            dates.append(parsedate_to_datetime(entry.last_modified or "").date())
        except (TypeError, ValueError):
            continue  # no header, or one a server wrote wrongly: not a publication date
    return max(dates).isoformat() if dates else None


def _unchanged(remote, cache, manifest, requests, store_url, download_only) -> FetchResult:
    """Nothing changed remotely; ingest only a version never ingested (downloaded earlier)."""
    wants_ingest = not download_only and remote.ingest_as and store_url
    if wants_ingest and manifest.ingested_sha256 is None:
        report = _ingest(remote, cache.current, manifest, store_url, None)
        manifest.ingested_sha256, manifest.dataset_id = report.dataset.sha256, report.dataset.id
        manifest.ingested_at = _now()
        cache.record(manifest)
        return FetchResult(remote.name, False, requests, manifest, report, note="ingested")
    return FetchResult(remote.name, False, requests, manifest, note="unchanged")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
