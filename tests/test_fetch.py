"""`regioatlas fetch` / `update` against a real HTTP server on loopback serving real files.

The mirror serves, at the publishers' official paths:
* ``/data/cordis-h2020projects-csv.zip``: tests/fixtures/fetch/cordis-h2020projects-csv.zip,
  real CORDIS H2020 records in the official CSV layout (see build_fixtures.py);
* ``/eurostat/api/dissemination/sdmx/2.1/data/demo_r_pjanaggr3?format=TSV&compressed=true``:
  the real Eurostat SDMX-TSV shipped in the package (data/demo/estat_demo_r_pjanaggr3_total.tsv.gz).
Faults are real HTTP behaviours of that server: slow answers, 500/503 with Retry-After,
connections closed mid-body, a zip without the organisation file, HTML served as CSV.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import threading
import time
import zipfile
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

import regioatlas.data
from regioatlas.cli import main
from regioatlas.fetch import FetchConfig, fetch_source, update_all
from regioatlas.fetch.cache import SourceCache
from regioatlas.fetch.http import HttpOptions
from regioatlas.model.errors import NotFound, Unavailable, Unprocessable
from regioatlas.store import open_store

FIXTURES = Path(__file__).parent / "fixtures" / "fetch"
CORDIS_ZIP = (FIXTURES / "cordis-h2020projects-csv.zip").read_bytes()
CORDIS_PATH = "/data/cordis-h2020projects-csv.zip"
POPULATION_PATH = (
    "/eurostat/api/dissemination/sdmx/2.1/data/demo_r_pjanaggr3?format=TSV&compressed=true"
)
POPULATION_TSV = (
    Path(regioatlas.data.__file__).parent / "demo" / "estat_demo_r_pjanaggr3_total.tsv.gz"
).read_bytes()


class Mirror:
    """What the loopback server serves, the faults queued per path, the requests it saw."""

    def __init__(self):
        self.files: dict[str, tuple[bytes, str]] = {}
        self.faults: dict[str, deque] = defaultdict(deque)
        self.requests: list[tuple[str, dict]] = []

    def serve(self, path: str, body: bytes, content_type: str) -> None:
        self.files[path] = (body, content_type)

    def etag(self, path: str) -> str:
        return '"' + hashlib.sha256(self.files[path][0]).hexdigest()[:16] + '"'

    def count(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


def _handler(mirror: Mirror):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # keep pytest output clean
            pass

        def do_GET(self):
            mirror.requests.append((self.path, dict(self.headers)))
            if self.path not in mirror.files:
                return self._send(404, b"not here", "text/plain")
            body, ctype = mirror.files[self.path]
            fault = mirror.faults[self.path].popleft() if mirror.faults[self.path] else None
            if fault == "slow":
                time.sleep(1.5)
            elif fault in ("500", "503"):
                return self._send(int(fault), b"busy", "text/plain", {"Retry-After": "0"})
            elif fault == "503-long":
                return self._send(503, b"maintenance", "text/plain", {"Retry-After": "7200"})
            elif fault == "html":
                page = b"<!DOCTYPE html><html><body>Service temporarily down</body></html>"
                return self._send(200, page, ctype)
            elif fault == "wrong-type":
                return self._send(200, body, "text/html; charset=utf-8")
            elif fault == "truncate":
                headers = {"ETag": mirror.etag(self.path)}
                return self._send(200, body, ctype, headers, cut=len(body) // 3)
            etag = mirror.etag(self.path)
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", None, {"ETag": etag})
            rng = self.headers.get("Range")
            if rng and self.headers.get("If-Range") == etag:
                start = int(rng.split("=")[1].split("-")[0])
                headers = {
                    "ETag": etag,
                    "Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}",
                }
                return self._send(206, body[start:], ctype, headers)
            self._send(
                200, body, ctype, {"ETag": etag, "Last-Modified": "Mon, 01 Dec 2025 08:00:00 GMT"}
            )

        do_POST = do_GET

        def _send(self, status, body, ctype, headers=None, cut=None):
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            if cut is not None:
                self.send_header("Connection", "close")
            self.end_headers()
            if status != 304:
                self.wfile.write(body[:cut] if cut is not None else body)
            if cut is not None:
                self.wfile.flush()
                self.close_connection = True

    return Handler


@pytest.fixture
def mirror():
    state = Mirror()
    state.serve(CORDIS_PATH, CORDIS_ZIP, "application/zip")
    state.serve(POPULATION_PATH, POPULATION_TSV, "application/octet-stream")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def config(mirror, tmp_path):
    return FetchConfig(
        cache_dir=tmp_path / "cache",
        base_url=mirror.base_url,
        http=HttpOptions(timeout=0.5, retries=2, backoff=0.05, max_wait=5),
    )


def _counts(store_path: Path) -> dict[str, int]:
    with open_store(str(store_path), read_only=True) as store:
        return {d.id: d.participant_count for d in store.datasets()}


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def test_fetch_cordis_h2020_downloads_caches_and_ingests(mirror, config, tmp_path):
    store = tmp_path / "atlas.duckdb"
    result = fetch_source("cordis-h2020", config, store_url=str(store))
    assert result.changed and result.requests == 1
    report = result.ingest
    assert report.dataset.project_count == 26
    # 1,076 rows, 2 with activityType "PRC;PRC": read as PRC since issue 10, none rejected
    assert report.dataset.participant_count == 1076
    assert report.rejected == []
    assert report.dataset.location_report["by_method"]["coordinates"] > 0.9
    manifest = SourceCache(config.cache_dir, "cordis-h2020").manifest()
    entry = manifest.files[0]
    assert entry.sha256 == hashlib.sha256(CORDIS_ZIP).hexdigest()
    assert entry.url == mirror.base_url + CORDIS_PATH
    assert entry.etag == mirror.etag(CORDIS_PATH)
    assert entry.last_modified == "Mon, 01 Dec 2025 08:00:00 GMT"
    assert manifest.dataset_id == report.dataset.id
    assert manifest.ingested_sha256 == report.dataset.sha256
    assert _counts(store) == {report.dataset.id: 1076}
    # freshness kept with the dataset: the server's Last-Modified, the fetch time, the years
    with open_store(str(store)) as s:
        [kept] = s.datasets()
    assert kept.published == "2025-12-01"
    assert kept.fetched_at is not None and kept.fetched_at.isoformat() == manifest.fetched_at
    assert kept.first_year is not None and kept.first_year <= kept.last_year


def test_unchanged_source_costs_one_request_and_writes_nothing(mirror, config, tmp_path):
    store = tmp_path / "atlas.duckdb"
    fetch_source("cordis-h2020", config, store_url=str(store))
    before_cache, before_store = _tree(config.cache_dir), store.stat().st_mtime_ns
    seen = len(mirror.requests)
    results = update_all(config, store_url=str(store))
    assert [(r.source, r.changed, r.ingest) for r in results] == [("cordis-h2020", False, None)]
    assert len(mirror.requests) == seen + 1
    assert mirror.requests[-1][1]["If-None-Match"] == mirror.etag(CORDIS_PATH)
    assert _tree(config.cache_dir) == before_cache
    assert store.stat().st_mtime_ns == before_store


def test_a_changed_publication_is_downloaded_and_replaces_the_dataset(mirror, config, tmp_path):
    store = tmp_path / "atlas.duckdb"
    first = fetch_source("cordis-h2020", config, store_url=str(store))
    # The publisher drops the last organisation row: a new version with a new ETag.
    smaller = _rezip(
        lambda name, data: data.rsplit(b"\n", 2)[0] + b"\n" if name == "organization.csv" else data
    )
    mirror.serve(CORDIS_PATH, smaller, "application/zip")
    second = update_all(config, store_url=str(store))[0]
    assert second.changed and second.ingest.dataset.participant_count == 1075
    assert second.ingest.dataset.id == first.ingest.dataset.id
    assert _counts(store) == {first.ingest.dataset.id: 1075}


def test_download_only_then_fetch_ingests_without_downloading_again(mirror, config, tmp_path):
    store = tmp_path / "atlas.duckdb"
    result = fetch_source("cordis-h2020", config, store_url=str(store), download_only=True)
    assert result.ingest is None and not store.exists()
    again = fetch_source("cordis-h2020", config, store_url=str(store))
    assert not again.changed and again.ingest.dataset.participant_count == 1076
    assert mirror.count(CORDIS_PATH) == 2  # the second one answered 304


def test_eurostat_population_through_the_api_path(mirror, config, tmp_path):
    store = tmp_path / "atlas.duckdb"
    result = fetch_source("eurostat-population", config, store_url=str(store))
    assert result.ingest.figures > 1000
    cached = SourceCache(config.cache_dir, "eurostat-population").current
    assert gzip.decompress((cached / "demo_r_pjanaggr3.tsv.gz").read_bytes()).startswith(
        b"freq,unit,sex,age,geo\\TIME_PERIOD"
    )


def test_retries_honour_retry_after_then_succeed(mirror, config, tmp_path):
    mirror.faults[CORDIS_PATH].extend(["503", "500"])
    result = fetch_source("cordis-h2020", config, download_only=True)
    assert result.changed and mirror.count(CORDIS_PATH) == 3


def test_resume_after_a_truncated_body(mirror, config, tmp_path):
    mirror.faults[CORDIS_PATH].append("truncate")
    result = fetch_source("cordis-h2020", config, download_only=True)
    assert result.resumed == ["cordis-h2020projects-csv.zip"]
    resumed = mirror.requests[-1][1]
    assert resumed["Range"] == f"bytes={len(CORDIS_ZIP) // 3}-"
    assert result.manifest.files[0].sha256 == hashlib.sha256(CORDIS_ZIP).hexdigest()


def _fetch_good_then(mirror, config, store, faults):
    """A good first fetch, then a fetch meeting ``faults``: the raised error."""
    good = fetch_source("cordis-h2020", config, store_url=str(store))
    current = config.cache_dir / "cordis-h2020" / "current"
    cached = _tree(current)
    counts = _counts(store)
    mirror.serve(CORDIS_PATH, _rezip(lambda n, d: d), "application/zip")  # a new version
    mirror.faults[CORDIS_PATH].extend(faults)
    with pytest.raises((Unavailable, Unprocessable, NotFound)) as info:
        fetch_source("cordis-h2020", config, store_url=str(store))
    # Nothing half-written: the previous version and the store are as they were.
    assert _tree(current) == cached
    assert _counts(store) == counts
    manifest = SourceCache(config.cache_dir, "cordis-h2020").manifest()
    assert manifest.files[0].sha256 == good.manifest.files[0].sha256
    return info.value


def test_timeouts_give_a_clear_error_and_keep_the_previous_version(mirror, config, tmp_path):
    err = _fetch_good_then(mirror, config, tmp_path / "a.duckdb", ["slow"] * 3)
    assert isinstance(err, Unavailable)
    assert CORDIS_PATH in str(err) and "3 attempt" in str(err) and "timed out" in str(err)


def test_503_with_a_long_retry_after_stops_at_once(mirror, config, tmp_path):
    err = _fetch_good_then(mirror, config, tmp_path / "a.duckdb", ["503-long"])
    assert isinstance(err, Unavailable) and err.retry_after == 7200
    assert "HTTP 503" in str(err)


def test_persistent_500_is_unavailable(mirror, config, tmp_path):
    err = _fetch_good_then(mirror, config, tmp_path / "a.duckdb", ["500"] * 3)
    assert isinstance(err, Unavailable) and "HTTP 500" in str(err)


def test_truncated_every_time_keeps_the_part_for_a_later_resume(mirror, config, tmp_path):
    err = _fetch_good_then(mirror, config, tmp_path / "a.duckdb", ["truncate"] * 3)
    assert "truncated body" in str(err)
    part = config.cache_dir / "cordis-h2020" / "incoming" / "cordis-h2020projects-csv.zip.part"
    served = len(mirror.files[CORDIS_PATH][0])
    assert part.is_file() and part.stat().st_size == served // 3


def test_an_html_error_page_served_as_csv_is_refused(mirror, config, tmp_path):
    err = _fetch_good_then(mirror, config, tmp_path / "a.duckdb", ["html"])
    assert isinstance(err, Unprocessable) and "HTML" in str(err) and CORDIS_PATH in str(err)


def test_a_wrong_content_type_is_refused(mirror, config, tmp_path):
    err = _fetch_good_then(mirror, config, tmp_path / "a.duckdb", ["wrong-type"])
    assert isinstance(err, Unprocessable) and "text/html" in str(err)


def test_a_changed_layout_is_refused_before_anything_is_replaced(mirror, config, tmp_path):
    store = tmp_path / "a.duckdb"
    fetch_source("cordis-h2020", config, store_url=str(store))
    current = config.cache_dir / "cordis-h2020" / "current"
    before = _tree(current)
    renamed = _rezip(
        lambda n, d: (
            d.replace(b";geolocation;", b";geoLocation;", 1) if n == "organization.csv" else d
        )
    )
    mirror.serve(CORDIS_PATH, renamed, "application/zip")
    with pytest.raises(
        Unprocessable, match="layout changed: organization.csv has no column geolocation"
    ):
        fetch_source("cordis-h2020", config, store_url=str(store))
    without_orgs = _rezip(lambda n, d: None if n == "organization.csv" else d)
    mirror.serve(CORDIS_PATH, without_orgs, "application/zip")
    with pytest.raises(Unprocessable, match="zip has no organization.csv"):
        fetch_source("cordis-h2020", config, store_url=str(store))
    assert _tree(current) == before
    assert not (config.cache_dir / "cordis-h2020" / "incoming").exists()


def test_not_published_is_not_found(mirror, config):
    del mirror.files[CORDIS_PATH]
    with pytest.raises(NotFound, match="HTTP 404"):
        fetch_source("cordis-h2020", config)


def test_cli_fetch_list_update(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("REGIOATLAS_FETCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("REGIOATLAS_FETCH_BASE_URL", mirror.base_url)
    monkeypatch.setenv("REGIOATLAS_FETCH_TIMEOUT", "1")
    store = str(tmp_path / "atlas.duckdb")
    runner = CliRunner()
    done = runner.invoke(main, ["fetch", "cordis-h2020", "--store", store])
    assert done.exit_code == 0, done.output
    assert "cordis-h2020: downloaded" in done.output and "participations: 1,076" in done.output
    listed = runner.invoke(main, ["fetch", "--list"])
    assert listed.exit_code == 0
    assert mirror.base_url + CORDIS_PATH in listed.output
    assert "1 file(s), 114,119 bytes" in listed.output
    assert "gisco-nuts-20m" in listed.output and "download only" in listed.output
    updated = runner.invoke(main, ["update", "--store", store])
    assert updated.exit_code == 0 and "cordis-h2020: unchanged" in updated.output
    unknown = runner.invoke(main, ["fetch", "cordis-h2021", "--store", store])
    assert (
        unknown.exit_code != 0 and "error: unknown remote source 'cordis-h2021'" in unknown.output
    )
    mirror.faults[CORDIS_PATH].append("html")
    mirror.serve(CORDIS_PATH, _rezip(lambda n, d: d), "application/zip")
    failed = runner.invoke(main, ["fetch", "cordis-h2020", "--store", store])
    assert failed.exit_code != 0 and "error:" in failed.output and "HTML" in failed.output


def _rezip(change) -> bytes:
    """The fixture zip with each member passed through ``change(name, data)`` (None drops it).

    Members are re-written stored, with another timestamp: the bytes (and ETag) differ from the
    fixture's even when no member changes.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(CORDIS_ZIP)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = change(info.filename, src.read(info))
            if data is not None:
                dst.writestr(zipfile.ZipInfo(info.filename, (2026, 1, 1, 0, 0, 0)), data)
    return out.getvalue()
