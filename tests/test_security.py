"""Security of the API: headers, redirects, wildcards, CSV formulas, request size limits.

The real ASGI app over real DuckDB stores (the demo store, or one ingested from a constructed
list of operations), through Starlette's TestClient, a real uvicorn, or raw ASGI messages.
"""

from __future__ import annotations

import asyncio
import csv
import http.client
import io
import re
import socket
import threading
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from regioatlas.web.app import create_app
from regioatlas.web.security import MAX_HEAD_BYTES, MAX_QUERY_BYTES

PROFILE = """
name = "formula-test"
title = "A list of operations with formula-like titles (test)"
country = "FI"
language = "fi"
publisher = "test"
licence = "CC BY 4.0"
attribution = "test"
delimiter = ";"
date_format = "%d.%m.%Y"
currency = "EUR"
fund = "ERDF"

[columns]
id = "Id"
title = "Nimi"
beneficiary = "Toteuttaja"
start_date = "Alku"
total_cost = "Kustannus"
municipality = "Kunta"
url = "Linkki"
"""
TITLES = {
    "F1": '=HYPERLINK("http://evil.example","click")',
    "F2": "+1 idea",
    "F3": "-2 ideas",
    "F4": "@SUM(A1:A2)",
    "F6": "Plain 100% _wild_ title",
}


@pytest.fixture(scope="module")
def formula_client(tmp_path_factory):
    from regioatlas.ingest import ingest
    from regioatlas.store import open_store

    tmp = tmp_path_factory.mktemp("formulas")
    rows = "".join(
        f'{pid};"{title.replace(chr(34), chr(34) * 2)}";Lahden kaupunki;01.02.2017;1000;Lahti;'
        f"{'javascript:alert(1)' if pid == 'F1' else 'https://example.org/' + pid}\n"
        for pid, title in TITLES.items()
    )
    (tmp / "p.toml").write_text(PROFILE, "utf-8")
    (tmp / "list.csv").write_text(
        "Id;Nimi;Toteuttaja;Alku;Kustannus;Kunta;Linkki\n" + rows, "utf-8"
    )
    with open_store(str(tmp / "f.duckdb")) as store:
        ingest(store, f"profile:{tmp / 'p.toml'}", [tmp / "list.csv"])
    with TestClient(create_app(str(tmp / "f.duckdb")), raise_server_exceptions=False) as client:
        yield client


def test_every_page_and_answer_carries_the_security_headers(app_client):
    for path in ("/", "/api/projects", "/api/nope", "/static/app/app.js", "/docs"):
        r = app_client.get(path)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path
        script_src = re.search(r"script-src ([^;]*)", csp).group(1)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert r.headers["x-frame-options"] == "DENY"
    embed = app_client.get("/embed?lang=en")
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers


def test_the_page_shell_has_no_inline_script_and_docs_script_is_allowed_by_hash(app_client):
    import base64
    import hashlib

    shell = app_client.get("/").text
    # only the JSON config, which browsers never run
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", shell)
    assert inline == [' id="ra-config" type="application/json"']
    assert not re.search(r"\son[a-z]+=", shell)  # no inline event handlers
    docs = app_client.get("/docs")
    script = re.search(r"<script>(.*?)</script>", docs.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in docs.headers["content-security-policy"]


def test_redirects_are_never_built_from_the_host_header(app_client):
    for path in ("/docs/", "/api/facets/"):
        r = app_client.get(path, headers={"host": "evil.example"}, follow_redirects=False)
        assert r.status_code in (301, 307, 308), path
        assert r.headers["location"] == path.rstrip("/")
        assert "evil" not in r.text


def test_like_wildcards_in_q_are_literal(app_client):
    everything = app_client.get("/api/projects?limit=1").json()["total"]
    for wildcard in ("%", "_", "%25", "\\"):
        r = app_client.get("/api/projects", params={"q": wildcard, "limit": 1})
        assert r.status_code == 200
        assert r.json()["total"] < everything, wildcard
    found = app_client.get("/api/search", params={"q": "%"}).json()
    assert found.get("projects", []) == [] and found.get("organisations", []) == []


def test_like_wildcards_match_themselves(formula_client):
    r = formula_client.get("/api/projects", params={"q": "100% _wild_"}).json()
    assert [p["id"] for p in r["items"]] == ["formula-test:F6"]
    assert formula_client.get("/api/projects", params={"q": "0%_"}).json()["total"] == 0


def test_projects_csv_neutralises_formulas(formula_client):
    r = formula_client.get("/api/export/projects.csv")
    assert r.status_code == 200
    titles = {row["id"]: row["title"] for row in csv.DictReader(io.StringIO(r.text))}
    for pid, title in TITLES.items():
        cell = titles[f"formula-test:{pid}"]
        if title[0] in "=+-@\t":
            assert cell == "'" + title, cell
        else:
            assert cell == title


def test_tab_and_carriage_return_starts_are_neutralised_too():
    from regioatlas.api.downloads import csv_safe

    assert csv_safe("\tx") == "'\tx" and csv_safe("\rx") == "'\rx"
    assert csv_safe(-1) == -1 and csv_safe(None) is None


def test_every_csv_the_api_writes_goes_through_the_safe_writers():
    api = Path(__file__).resolve().parents[1] / "src" / "regioatlas" / "api"
    for module in api.glob("*.py"):
        if module.name == "downloads.py":
            continue
        text = module.read_text("utf-8")
        assert not re.search(r"csv\.(writer|DictWriter)\(", text), module.name


def test_a_javascript_url_is_not_served_as_a_link(formula_client):
    assert formula_client.get("/api/projects/formula-test:F1").json()["url"] is None
    good = formula_client.get("/api/projects/formula-test:F2").json()["url"]
    assert good == "https://example.org/F2"


def test_headers_over_the_limit(app_client):
    # (httpx refuses to send a query over 64 KiB: the real-server test below sends one)
    r = app_client.get("/", headers={"x-padding": "a" * 40_000})
    assert r.status_code == 431 and "headers" in r.json()["detail"]
    assert app_client.get("/api/projects", params={"q": "a" * 100}).status_code == 200


def test_declared_oversized_body_is_refused_before_reading(app_client):
    r = app_client.post(
        "/api/air-quality/side-by-side",
        content=b"x",
        headers={"content-length": "30000000"},
    )
    assert r.status_code == 413 and "20,000,000" in r.json()["detail"]
    r = app_client.post("/api/projects", content=b"x" * 2_000_000)
    assert r.status_code == 413


def test_streamed_oversized_body_is_refused_while_reading(demo_store_path):
    """Raw ASGI: the app must answer 413 having pulled not much more than the limit."""
    app = create_app(str(demo_store_path))
    pulled, sent = 0, []

    async def receive():
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 1_000_000, "more_body": pulled < 100}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/air-quality/side-by-side",
        "raw_path": b"/api/air-quality/side-by-side",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"transfer-encoding", b"chunked")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    # a thread of its own: the browser tests leave Playwright's event loop in the main thread
    worker = threading.Thread(target=lambda: asyncio.run(app(scope, receive, send)))
    worker.start()
    worker.join(timeout=60)
    assert sent[0]["status"] == 413
    assert pulled <= 21  # 20 MB limit in 1 MB chunks: refused while reading, not after 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_real_server_answers_an_oversized_query_with_414_not_a_reset(demo_store_path):
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(
        create_app(str(demo_store_path)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        con.request("GET", "/api/projects?q=" + "a" * (MAX_QUERY_BYTES + 1))
        response = con.getresponse()
        assert response.status == 414
        assert f"{MAX_QUERY_BYTES:,} bytes".encode() in response.read()
        con.close()
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        con.request("GET", "/api/projects?limit=1&q=" + "a" * 100)  # a normal one still works
        assert con.getresponse().status == 200
        con.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
