"""Writes through the API (issue 14 parts 5, 6, 8): uploads as jobs, removal, the audit log,
and `serve --workers N`. The real app over real stores; real fixture files."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import httpx
import pytest
from starlette.testclient import TestClient

from regioatlas.api.auth import create_token
from regioatlas.store import open_store
from regioatlas.web.app import create_app

CORDIS = Path(__file__).parent / "fixtures" / "cordis"
HE_FILES = [CORDIS / "he_projects.csv", CORDIS / "he_organizations.csv"]
HE_ID = "cordis-he-sample:he_organizations.csv+he_projects.csv"


@pytest.fixture(params=["duckdb", "postgis"])
def store_url(request, tmp_path) -> str:
    if request.param == "duckdb":
        url = f"duckdb://{tmp_path / 'atlas.duckdb'}"
    else:
        url = request.getfixturevalue("pg_url")
    open_store(url).close()
    return url


@pytest.fixture()
def duckdb_url(tmp_path) -> str:
    url = f"duckdb://{tmp_path / 'atlas.duckdb'}"
    open_store(url).close()
    return url


def _tokens(url: str) -> dict[str, dict[str, str]]:
    with open_store(url) as store:
        return {
            role: {"Authorization": f"Bearer {create_token(store, role, role)}"}
            for role in ("viewer", "editor", "admin")
        }


def _client(url: str) -> TestClient:
    return TestClient(create_app(url, read_only=False), raise_server_exceptions=False)


def _files(paths: list[Path]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "text/csv")) for p in paths]


def _wait(client: TestClient, location: str, headers: dict, seconds: float = 180) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(location, headers=headers).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {location} did not end in {seconds} s: {job}")


def _audit(client: TestClient, headers: dict) -> list[dict]:
    return client.get("/api/audit", headers=headers).json()["items"]


def test_an_upload_is_ingested_as_a_job_and_audited(store_url):
    tokens = _tokens(store_url)
    with _client(store_url) as client:
        answer = client.post(
            "/api/datasets",
            files=_files(HE_FILES),
            data={"source": "auto"},
            headers=tokens["editor"],
        )
        assert answer.status_code == 202, answer.text
        job = answer.json()
        assert answer.headers["Location"] == f"/api/jobs/{job['id']}"
        assert job["target"] == HE_ID and job["created_by"] == "editor"
        assert job["status"] in ("queued", "running", "succeeded")
        done = _wait(client, answer.headers["Location"], tokens["editor"])
        assert done["status"] == "succeeded", repr(done)
        assert (done["stage"], done["done"], done["total"]) == ("write", 1, 1)
        dataset = done["result"]["dataset"]
        assert dataset["id"] == HE_ID and dataset["project_count"] == 20
        assert dataset["location_report"]  # the report the CLI prints
        listed = client.get("/api/datasets").json()
        assert HE_ID in [d["id"] for d in listed["items"]]
        entries = _audit(client, tokens["admin"])
    with open_store(store_url, read_only=True) as store:
        assert [d.id for d in store.datasets()] == [HE_ID]
        assert store.datasets()[0].project_count == 20
    assert [(e["action"], e["result"]) for e in entries] == [
        ("dataset.upload", "succeeded"),
        ("dataset.upload", "accepted"),
    ]
    files = {f["name"]: f["sha256"] for f in entries[0]["details"]["files"]}
    assert files == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in HE_FILES}
    assert entries[0]["actor"] == "editor" and entries[0]["target"] == HE_ID
    assert entries[0]["details"]["job"] == job["id"]


def test_files_of_no_known_layout_are_415_naming_what_was_recognised(duckdb_url):
    tokens = _tokens(duckdb_url)
    stray = ("files", ("budget.csv", b"Kostenstelle;Betrag;Jahr\n4711;12,50;2024\n", "text/csv"))
    with _client(duckdb_url) as client:
        answer = client.post("/api/datasets", files=[stray], headers=tokens["editor"])
        assert answer.status_code == 415, answer.text
        problem = answer.json()
        assert "budget.csv: text with columns Kostenstelle, Betrag, Jahr" in problem["detail"]
        assert problem["recognised"] == [
            {
                "name": "budget.csv",
                "bytes": 41,
                "kind": "text",
                "columns": ["Kostenstelle", "Betrag", "Jahr"],
            }
        ]
        assert "layout not recognised (tried:" in problem["detail"]
        assert client.get("/api/datasets").json()["items"] == []
        entry = _audit(client, tokens["admin"])[0]
        assert (entry["result"], entry["details"]["files"][0]["name"]) == ("refused", "budget.csv")
        plain = client.post(
            "/api/datasets",
            content=b"a,b\n1,2\n",
            headers={**tokens["editor"], "Content-Type": "text/csv"},
        )
        assert plain.status_code == 415 and "multipart/form-data" in plain.json()["detail"]
        none = client.post(
            "/api/datasets", data={"source": "auto"}, files=[], headers=tokens["editor"]
        )
        assert none.status_code in (400, 415)


def test_rows_that_fail_validation_fail_the_job_and_leave_the_store_unchanged(duckdb_url):
    tokens = _tokens(duckdb_url)
    bad = Path(__file__).parent / "fixtures" / "cohesion" / "bad_values.csv"
    with _client(duckdb_url) as client:
        answer = client.post(
            "/api/datasets",
            files=_files([bad]),
            data={"source": "fi-rakennerahastot"},
            headers=tokens["editor"],
        )
        assert answer.status_code == 202, answer.text
        job = _wait(client, answer.headers["Location"], tokens["editor"])
        assert job["status"] == "failed"
        first = job["result"]["errors"][0]
        assert first["file"].endswith("bad_values.csv") and first["line"] and first["reason"]
        assert client.get("/api/datasets").json()["items"] == []
        assert _audit(client, tokens["admin"])[0]["result"] == "failed"


def test_an_upload_over_the_size_setting_is_refused_while_it_is_read(duckdb_url, monkeypatch):
    monkeypatch.setenv("REGIOATLAS_UPLOAD_MAX_BYTES", "100000")
    tokens = _tokens(duckdb_url)
    with _client(duckdb_url) as client:
        declared = client.post(
            "/api/datasets",
            content=b"x" * 10,
            headers={
                **tokens["editor"],
                "Content-Type": "multipart/form-data; boundary=b",
                "Content-Length": "5000000",
            },
        )
        assert declared.status_code == 413 and "100,000 bytes" in declared.json()["detail"]
        tokens_header = tokens["editor"]["Authorization"].encode()
        # its own event loop in a thread: Playwright's loop may be running in this one
        answer: list = []
        worker = threading.Thread(
            target=lambda: answer.append(anyio.run(_post_streamed, client.app, tokens_header, 32))
        )
        worker.start()
        worker.join(60)
        received, status = answer[0]
        assert status == 413
        assert received <= 100_000 + 65536  # it stopped reading at the limit, not at 2 MiB
        assert client.get("/api/datasets").json()["items"] == []


async def _post_streamed(app, authorization: bytes, chunks: int) -> tuple[int, int]:
    """POST a multipart body of ``chunks`` × 64 KiB without a length straight to the ASGI
    app; (bytes the app pulled from the client, response status)."""
    head = b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.csv"\r\n\r\n'
    parts = [head, *[b"y" * 65536] * chunks, b"\r\n--b--\r\n"]
    pulled, answer = [0], {}

    async def receive():
        if not parts:
            return {"type": "http.disconnect"}
        chunk = parts.pop(0)
        pulled[0] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(parts)}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/datasets",
        "raw_path": b"/api/datasets",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", authorization),
            (b"content-type", b"multipart/form-data; boundary=b"),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    return pulled[0], answer["status"]


def test_a_second_write_to_a_dataset_being_written_is_409(duckdb_url):
    tokens = _tokens(duckdb_url)
    with open_store(duckdb_url) as store:  # another worker writing this dataset right now
        now = datetime.now(UTC)
        job = {"id": "other", "kind": "dataset.upload", "target": HE_ID, "status": "running"}
        store.begin_job(job | {"created_by": "x", "created_at": now}, now - timedelta(hours=1))
    with _client(duckdb_url) as client:
        answer = client.post("/api/datasets", files=_files(HE_FILES), headers=tokens["editor"])
        assert answer.status_code == 409, answer.text
        assert answer.json()["job"] == "other" and HE_ID in answer.json()["detail"]
        removal = client.delete(f"/api/datasets/{HE_ID}", headers=tokens["editor"])
        assert removal.status_code in (404, 409)
        assert _audit(client, tokens["admin"])[-1]["result"] == "conflict"
        client.app.state.atlas.store.update_job("other", status="failed")
        # two uploads at once: the second finds the first's lock
        first = client.post("/api/datasets", files=_files(HE_FILES), headers=tokens["editor"])
        second = client.post("/api/datasets", files=_files(HE_FILES), headers=tokens["editor"])
        assert first.status_code == 202
        assert second.status_code in (202, 409)
        if second.status_code == 409:
            assert second.json()["job"] == first.json()["id"]
        _wait(client, first.headers["Location"], tokens["editor"])


def test_delete_removes_a_dataset_and_is_audited(duckdb_url):
    tokens = _tokens(duckdb_url)
    with _client(duckdb_url) as client:
        answer = client.post("/api/datasets", files=_files(HE_FILES), headers=tokens["editor"])
        assert _wait(client, answer.headers["Location"], tokens["editor"])["status"] == "succeeded"
        assert client.delete(f"/api/datasets/{HE_ID}", headers=tokens["viewer"]).status_code == 403
        removed = client.delete(f"/api/datasets/{HE_ID}", headers=tokens["editor"])
        assert removed.status_code == 200 and removed.json()["status"] == "succeeded"
        assert client.get("/api/datasets").json()["items"] == []
        assert client.delete(f"/api/datasets/{HE_ID}", headers=tokens["editor"]).status_code == 404
        entries = _audit(client, tokens["admin"])
    assert [(e["action"], e["result"]) for e in entries[:2]] == [
        ("dataset.delete", "refused"),
        ("dataset.delete", "succeeded"),
    ]
    assert entries[1]["target"] == HE_ID and entries[1]["actor"] == "editor"


def test_a_viewer_cannot_upload_and_nothing_is_read(duckdb_url):
    tokens = _tokens(duckdb_url)
    with _client(duckdb_url) as client:
        answer = client.post("/api/datasets", files=_files(HE_FILES), headers=tokens["viewer"])
        assert answer.status_code == 403
        assert client.get("/api/datasets").json()["items"] == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_with_two_workers_answers_from_both(duckdb_url, tmp_path):
    editor = _tokens(duckdb_url)["editor"]
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    command = [sys.executable, "-c", "from regioatlas.cli import main; main()", "serve"]
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [*command, "--store", duckdb_url, "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 90
        while len(workers) < 2 and time.monotonic() < deadline:
            try:  # a new connection each time: the kernel hands them to either worker
                answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                workers.add(answer.json()["worker"])
            except httpx.TransportError:
                time.sleep(0.2)
        assert len(workers) == 2, f"answers only from {workers}: {_text(tmp_path / 'serve.log')}"
        # no worker holds the DuckDB file for writing: an upload through either one works
        upload = httpx.post(
            f"http://127.0.0.1:{port}/api/datasets",
            files=_files(HE_FILES),
            headers=editor,
            timeout=120,  # the 2 cores are shared: generous
        )
        assert upload.status_code == 202, upload.text
        location = f"http://127.0.0.1:{port}{upload.headers['Location']}"
        job, deadline = upload.json(), time.monotonic() + 180
        while job["status"] not in ("succeeded", "failed") and time.monotonic() < deadline:
            time.sleep(0.3)
            job = httpx.get(location, headers=editor, timeout=120).json()
        assert job["status"] == "succeeded", job
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _text(path: Path) -> str:
    return path.read_text(errors="replace")[-2000:]
