"""Live updates (issue 14 part 3): a real `regioatlas serve` (uvicorn) answers a stream of
requests while a CLI ingest (another process) and an API upload write the store it serves.

Zero failed requests; every answer shows the old version or the new one, never a mix and
never the old one again once the new one was seen; the new one afterwards. On both stores.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from regioatlas.geo.locate import Locator
from regioatlas.ingest import ingest
from regioatlas.store import open_store

FIXTURES = Path(__file__).parent / "fixtures"
H2020 = "h2020_participations_head.csv"
HE_FILES = [FIXTURES / "cordis" / "he_projects.csv", FIXTURES / "cordis" / "he_organizations.csv"]
REGIOATLAS = [sys.executable, "-c", "from regioatlas.cli import main; main()"]
READERS = 3
#: the readers stop by themselves after this long, whatever happens
READ_FOR_AT_MOST_S = 300.0


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[1] / "src")
    return {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=["duckdb", "postgis"])
def store_url(request, tmp_path) -> str:
    if request.param == "duckdb":
        return f"duckdb://{tmp_path / 'atlas.duckdb'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture()
def two_versions(tmp_path) -> tuple[Path, Path]:
    """The same H2020 file name (so the same dataset id) with 800 and with 3,000 rows."""
    full = tmp_path / "full" / H2020
    short = tmp_path / "short" / H2020
    for path in (full, short):
        path.parent.mkdir()
    shutil.copy(FIXTURES / "cordis" / H2020, full)
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    short.write_text("".join(lines[:801]), encoding="utf-8")
    return short, full


class Server:
    """`regioatlas serve` on a free loopback port, in its own process group."""

    def __init__(self, store_url: str, log: Path):
        self.log = log
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            # one worker: uvicorn's supervisor of several restarts a worker that misses its
            # health check, which a starved shared machine makes happen (test_uploads covers 2)
            [*REGIOATLAS, "serve", "--store", store_url, "--port", str(self.port)]
            + ["--workers", "1"],
            env=_env(),
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"the server did not start: {log.read_text()}")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()


class Readers:
    """Threads that ask for the number of projects, one request after another, until told to
    stop (or READ_FOR_AT_MOST_S): what each saw, in order, and every failure."""

    def __init__(self, base: str):
        self.base = base
        self.seen: list[list[int]] = [[] for _ in range(READERS)]
        self.started: list[list[float]] = [[] for _ in range(READERS)]  # when each was asked
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._read, args=(i,), daemon=True) for i in range(READERS)
        ]
        for thread in self._threads:
            thread.start()

    def _read(self, i: int) -> None:
        deadline = time.monotonic() + READ_FOR_AT_MOST_S
        # a new connection per request: a keep-alive connection the server closes while idle
        # (the reader starved of the shared cores) would fail a request the server never saw
        fresh = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(base_url=self.base, timeout=60, limits=fresh) as client:
            while not self._stop.is_set() and time.monotonic() < deadline:
                started = time.monotonic()
                try:
                    answer = client.get("/api/projects", params={"limit": 1})
                    aggregates = client.get("/api/aggregates", params={"level": 0})
                except httpx.HTTPError as exc:
                    self.failures.append(f"reader {i}: {exc!r}")
                    continue
                for got in (answer, aggregates):
                    if got.status_code != 200:
                        self.failures.append(f"reader {i}: {got.status_code} {got.text[:300]}")
                if answer.status_code == 200:
                    self.seen[i].append(answer.json()["total"])
                    self.started[i].append(started)
                time.sleep(0.02)  # a steady stream that leaves the (shared) cores to the writer

    def stop(self, written_at: float) -> None:
        """Stop once every reader has an answer to a request it sent after ``written_at``."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not all(
            s and s[-1] > written_at for s in self.started
        ):
            time.sleep(0.2)
        self._stop.set()
        for thread in self._threads:
            thread.join()


def _projects(store_url: str) -> int:
    with open_store(store_url, read_only=True) as store:
        return sum(d.project_count for d in store.datasets())


def _assert_old_then_new(
    readers: Readers, before: int, after: int, server: Server, written_at: float
) -> None:
    assert readers.failures == [], server.log.read_text(errors="replace")[-3000:]
    assert before != after
    for seen, asked in zip(readers.seen, readers.started):
        assert seen, "a reader got no answer"
        assert set(seen) <= {before, after}, sorted(set(seen))
        first_new = seen.index(after) if after in seen else len(seen)
        assert before not in seen[first_new:], "the old version came back after the new one"
        asked_after = [n for n, t in zip(seen, asked) if t > written_at]
        assert asked_after and set(asked_after) == {after}


def test_a_cli_ingest_while_serving_switches_readers_from_old_to_new(
    store_url, two_versions, tmp_path
):
    short, full = two_versions
    with open_store(store_url) as store:
        ingest(store, "cordis-h2020", [short], locator=Locator())
    before = _projects(store_url)
    server = Server(store_url, tmp_path / "serve.log")
    try:
        readers = Readers(server.base)
        written = subprocess.run(
            [*REGIOATLAS, "ingest", "cordis-h2020", str(full), "--store", store_url],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        written_at = time.monotonic()
        readers.stop(written_at)
        assert written.returncode == 0, written.stdout + written.stderr
        after = _projects(store_url)
        _assert_old_then_new(readers, before, after, server, written_at)
        assert sum(len(s) for s in readers.seen) >= READERS * 2
    finally:
        server.stop()


def test_an_api_upload_and_a_cli_token_while_serving_succeed(store_url, two_versions, tmp_path):
    with open_store(store_url) as store:
        ingest(store, "cordis-h2020", [two_versions[0]], locator=Locator())
    before = _projects(store_url)
    server = Server(store_url, tmp_path / "serve.log")
    try:
        readers = Readers(server.base)
        # the token is written by the CLI into the store being served
        created = subprocess.run(
            [*REGIOATLAS, "token", "create", "--role", "editor", "--name", "uploader"]
            + ["--store", store_url],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert created.returncode == 0, created.stderr
        editor = {"Authorization": f"Bearer {created.stdout.splitlines()[0].strip()}"}
        files = [("files", (p.name, p.read_bytes(), "text/csv")) for p in HE_FILES]
        upload = httpx.post(f"{server.base}/api/datasets", files=files, headers=editor, timeout=60)
        assert upload.status_code == 202, upload.text
        deadline = time.monotonic() + 600  # generous: the machine's 2 cores are shared
        job = upload.json()
        while job["status"] not in ("succeeded", "failed") and time.monotonic() < deadline:
            time.sleep(0.3)
            job = httpx.get(
                f"{server.base}{upload.headers['Location']}", headers=editor, timeout=30
            ).json()
        written_at = time.monotonic()
        readers.stop(written_at)
        assert job["status"] == "succeeded", job
        after = _projects(store_url)
        _assert_old_then_new(readers, before, after, server, written_at)
    finally:
        server.stop()
