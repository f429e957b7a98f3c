"""No input gives a 5xx: every GET operation of the OpenAPI spec with odd path and query values."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

ODD = [
    "",
    "'",
    "%00",
    "😀",
    "-1",
    "1e309",
    "NaN",
    "../../etc/passwd",
    "<b>x</b>",
    "x" * 300,
    "FI1C6,AT13,,",
    "2024-13-45",
]


def _operations(app_client):
    spec = app_client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        if "get" in ops:
            params = [p["name"] for p in ops["get"].get("parameters", []) if p["in"] == "query"]
            yield path, params


def test_every_get_operation_survives_odd_values(app_client):
    failures = []
    for path, params in _operations(app_client):
        for value in ODD:
            url = re.sub(r"\{[^}]+\}", quote(value or "x", safe=""), path)
            query = "&".join(f"{p}={quote(value, safe='')}" for p in params)
            r = app_client.get(url + ("?" + query if query else ""))
            if r.status_code >= 500:
                failures.append((url, query[:80], r.status_code, r.text[:200]))
            elif r.status_code >= 400:
                assert r.headers["content-type"].startswith("application/problem+json"), (
                    url,
                    r.text[:200],
                )
    assert failures == []


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"[]", b'{"text": 5}', b'{"text": ""}', b'{"text": "' + b"a" * 30000 + b'"}'],
)
def test_post_similar_rejects_bad_bodies_with_4xx(app_client, body):
    r = app_client.post("/api/similar", content=body, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, r.text[:200]
