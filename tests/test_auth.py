"""Accounts (issue 14 part 4): tokens, roles, 401/403/429 as problem JSON, the auth door."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from regioatlas.api.auth import create_token, hash_token
from regioatlas.cli import main
from regioatlas.store import open_store
from regioatlas.web.app import create_app


@pytest.fixture()
def store_url(tmp_path) -> str:
    url = f"duckdb://{tmp_path / 'atlas.duckdb'}"
    open_store(url).close()
    return url


@pytest.fixture()
def tokens(store_url) -> dict[str, str]:
    with open_store(store_url) as store:
        return {role: create_token(store, role, role) for role in ("viewer", "editor", "admin")}


def _client(store_url: str) -> TestClient:
    return TestClient(create_app(store_url, read_only=False), raise_server_exceptions=False)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_lifecycle_through_the_cli(store_url):
    runner = CliRunner()
    created = runner.invoke(
        main, ["token", "create", "--role", "editor", "--name", "ci-bot", "--store", store_url]
    )
    assert created.exit_code == 0, created.output
    secret = created.stdout.splitlines()[0]
    assert secret.startswith("ra_") and len(secret) > 40
    listed = runner.invoke(main, ["token", "list", "--format", "json", "--store", store_url])
    assert '"ci-bot"' in listed.stdout and '"editor"' in listed.stdout
    assert secret not in listed.stdout and hash_token(secret) not in listed.stdout
    with open_store(store_url) as store:  # only the hash is kept
        assert store.token_by_hash(hash_token(secret))["name"] == "ci-bot"
    with _client(store_url) as client:
        assert client.get("/api/jobs/nope", headers=_bearer(secret)).status_code == 404
    again = runner.invoke(
        main, ["token", "create", "--role", "admin", "--name", "ci-bot", "--store", store_url]
    )
    assert again.exit_code == 4 and "error:" in again.stderr and "never reused" in again.stderr
    revoked = runner.invoke(main, ["token", "revoke", "ci-bot", "--store", store_url])
    assert revoked.exit_code == 0
    with _client(store_url) as client:
        answer = client.get("/api/jobs/nope", headers=_bearer(secret))
        assert answer.status_code == 401 and "revoked" in answer.json()["detail"]
    missing = runner.invoke(main, ["token", "revoke", "nobody", "--store", store_url])
    assert missing.exit_code == 3 and "nobody" in missing.stderr
    bad_role = runner.invoke(
        main, ["token", "create", "--role", "owner", "--name", "x", "--store", store_url]
    )
    assert bad_role.exit_code == 2 and "owner" in bad_role.stderr
    audit = runner.invoke(main, ["audit", "--format", "json", "--store", store_url])
    actions = [(e["action"], e["target"]) for e in __import__("json").loads(audit.stdout)]
    assert actions == [("token.revoke", "ci-bot"), ("token.create", "ci-bot")]


def test_missing_bad_and_low_tokens_answer_401_and_403_as_problems(store_url, tokens):
    with _client(store_url) as client:
        for headers, status, words in (
            ({}, 401, "Authorization: Bearer"),
            (_bearer("ra_not-a-token"), 401, "unknown or revoked"),
            ({"Authorization": f"Basic {tokens['admin']}"}, 401, "Bearer TOKEN"),
            ({"Authorization": "Bearer"}, 401, "Bearer TOKEN"),
            (_bearer(tokens["viewer"]), 403, "role viewer; this needs editor"),
        ):
            answer = client.delete("/api/datasets/x:a.csv", headers=headers)
            assert answer.status_code == status, (headers, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
            assert words in answer.json()["detail"]
        assert (
            client.delete("/api/datasets/x:a.csv", headers=_bearer(tokens["editor"])).status_code
            == 404
        )
        assert client.get("/api/audit", headers=_bearer(tokens["editor"])).status_code == 403
        page = client.get("/api/audit", headers=_bearer(tokens["admin"])).json()
        assert page["items"][0]["action"] == "dataset.delete"
        assert page["items"][0]["actor"] == "editor" and page["items"][0]["result"] == "refused"


def test_a_token_in_the_query_string_is_refused(store_url, tokens):
    with _client(store_url) as client:
        for name in ("token", "access_token"):
            answer = client.get(f"/api/datasets?{name}={tokens['admin']}")
            assert answer.status_code == 400 and answer.json()["parameter"] == name
            assert "Authorization: Bearer" in answer.json()["detail"]
        answer = client.get(
            f"/api/audit?access_token={tokens['admin']}", headers=_bearer(tokens["admin"])
        )
        assert answer.status_code == 400
        assert client.get("/api/datasets").status_code == 200  # reads are public by default


def test_auth_viewer_makes_reads_need_a_token(store_url, tokens, monkeypatch):
    monkeypatch.setenv("REGIOATLAS_AUTH", "viewer")
    with _client(store_url) as client:
        assert client.get("/api/datasets").status_code == 401
        assert client.get("/api/datasets", headers=_bearer("ra_wrong")).status_code == 401
        assert client.get("/api/datasets", headers=_bearer(tokens["viewer"])).status_code == 200
        assert client.get("/healthz").status_code == 200  # not under /api/
    monkeypatch.setenv("REGIOATLAS_AUTH", "everyone")
    with pytest.raises(Exception, match="REGIOATLAS_AUTH.*not one of public, viewer"):
        create_app(store_url, read_only=False)


def test_failed_attempts_are_rate_limited_per_client(store_url, tokens, monkeypatch):
    monkeypatch.setenv("REGIOATLAS_AUTH_MAX_FAILURES", "3")
    with _client(store_url) as client:
        for _ in range(3):
            assert client.get("/api/audit", headers=_bearer("ra_guess")).status_code == 401
        blocked = client.get("/api/audit", headers=_bearer("ra_guess"))
        assert blocked.status_code == 429 and 1 <= int(blocked.headers["Retry-After"]) <= 60
        assert "too many failed token attempts" in blocked.json()["detail"]
        # the address is blocked, even with a right token; reading without one still works
        assert client.get("/api/audit", headers=_bearer(tokens["admin"])).status_code == 429
        assert client.get("/api/datasets").status_code == 200
    with TestClient(
        create_app(store_url, read_only=False), client=("10.1.2.3", 5000)
    ) as other:  # another address is not blocked
        assert other.get("/api/audit", headers=_bearer(tokens["admin"])).status_code == 200


def test_openapi_documents_the_bearer_scheme_on_protected_operations(store_url):
    with _client(store_url) as client:
        spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearer"]["description"],
    }
    protected = [
        ("post", "/api/datasets"),
        ("delete", "/api/datasets/{dataset_id}"),
        ("get", "/api/jobs/{job_id}"),
        ("get", "/api/audit"),
    ]
    for method, path in protected:
        operation = spec["paths"][path][method]
        assert operation["security"] == [{"bearer": []}], path
        assert {"401", "403"} <= set(operation["responses"]), path
    assert "security" not in spec["paths"]["/api/datasets"]["get"]
    assert "multipart/form-data" in spec["paths"]["/api/datasets"]["post"]["requestBody"]["content"]
