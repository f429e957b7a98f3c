"""One door for region codes: every route and command that takes a region resolves it alike.

The routes are read from the app's own OpenAPI spec, so a new region-taking route is tested
without being listed here. FI1C4 and FI1C3 are NUTS 2021 codes (renamed FI1C7 and FI1C6 in
NUTS 2024), FI1C6 and AT127 are NUTS 2024 codes, XX999 is no NUTS code at all.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from regioatlas.cli import main

#: code asked -> atlas region (NUTS 2024); None: not a region (404 everywhere)
CODES = {"FI1C4": "FI1C7", "FI1C3": "FI1C6", "FI1C6": "FI1C6", "AT127": "AT127", "XX999": None}
#: parameter names that carry a region code
REGION_PARAMS = ("code", "region", "home", "nuts")
#: other parameters a route needs to answer at all
REQUIRED = {
    "/api/figures": {"indicator": "population"},
    "/api/similar": {"text": "innovation"},
    "/api/partners": {"text": "innovation"},
}
#: the {fmt} of the report route, and a project for the similar-project route
PATH_VALUES = {"fmt": "png", "project_id": "fi-rakennerahastot:A70001"}


def _region_operations(spec: dict) -> list[tuple[str, str, str]]:
    """(path, parameter, where) for every GET operation with a region parameter."""
    out = []
    for path, ops in spec["paths"].items():
        op = ops.get("get")
        if not op:
            continue
        params = op.get("parameters", [])
        in_path = any(p["in"] == "path" and p["name"] in REGION_PARAMS for p in params)
        for p in params:
            if p["name"] not in REGION_PARAMS or (path, p["name"]) in {(o[0], o[1]) for o in out}:
                continue
            if in_path and p["in"] == "query" and p["name"] == "region" and "{region}" not in path:
                continue  # the region summary's filter region is the path's region
            out.append((path, p["name"], p["in"]))
    return out


def _url(path: str, name: str, where: str, code: str) -> tuple[str, dict]:
    params = dict(REQUIRED.get(path, {}))
    values = dict(PATH_VALUES)
    if path.startswith("/api/export/"):
        values["fmt"] = "csv"  # the downloads' formats (the report's is png)
    for other in re.findall(r"{(\w+)}", path):
        values.setdefault(other, "FI1C6")  # another region path parameter: a valid one
    if where == "path":
        values[name] = code
    else:
        params[name] = code
    return re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path), params


@pytest.fixture(scope="module")
def operations(app_client):
    ops = _region_operations(app_client.get("/openapi.json").json())
    # the spec must show the routes this test is about, or the test proves nothing
    assert {("/api/projects", "region"), ("/api/compass/{region}", "region")} <= {
        (p, n) for p, n, _ in ops
    }
    assert len(ops) >= 15
    return ops


def test_every_region_route_resolves_alike(app_client, operations):
    failures = []
    for path, name, where in operations:
        for code, atlas_code in CODES.items():
            url, params = _url(path, name, where, code)
            r = app_client.get(url, params=params)
            expected = 404 if atlas_code is None else 200
            if r.status_code != expected:
                failures.append(f"{url} {params}: {r.status_code} {r.text[:160]}")
                continue
            if atlas_code is None:
                body = r.json()
                if body.get("parameter") != name:
                    failures.append(f"{url} {params}: the 404 names {body.get('parameter')!r}")
                continue
            if "json" not in r.headers["content-type"]:
                continue  # CSV and PNG downloads: the status is what can be compared
            resolved = r.json().get("resolved") or r.json().get("properties", {}).get("resolved")
            got = (resolved or {}).get(name, {})
            if got.get("code") != atlas_code or got.get("asked", {}).get("code") != code:
                failures.append(f"{url} {params}: resolved {name} = {got}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("url", "code", "mapping"),
    [
        ("/api/regions/FI1C4", "FI1C7", "renamed"),
        ("/api/compass/FI1C4", "FI1C7", "renamed"),
        ("/api/scorecard/FI1C4", "FI1C7", "renamed"),
        ("/api/projects?region=FI1C4", "FI1C7", "renamed"),
        ("/api/aggregates?region=FI1C3&level=3", "FI1C6", "renamed"),
        ("/api/synergies/FI1C3?method=lexical", "FI1C6", "renamed"),
    ],
)
def test_a_nuts_2021_code_answers_for_its_atlas_region(app_client, url, code, mapping):
    r = app_client.get(url)
    assert r.status_code == 200, r.text
    resolved = next(iter(r.json()["resolved"].values()))
    assert (resolved["code"], resolved["mapping"], resolved["asked"]["version"]) == (
        code,
        mapping,
        2021,
    )


def test_projects_of_an_old_code_are_those_of_its_atlas_region(app_client):
    old = app_client.get("/api/projects", params={"region": "FI1C3", "limit": 500}).json()
    new = app_client.get("/api/projects", params={"region": "FI1C6", "limit": 500}).json()
    assert old["total"] == new["total"] > 0
    assert [p["id"] for p in old["items"]] == [p["id"] for p in new["items"]]


def test_an_explicit_version_keeps_that_versions_region(app_client):
    r = app_client.get("/api/regions/FI1C4", params={"version": "2021"}).json()
    assert (r["code"], r["version"]) == ("FI1C4", 2021)
    assert r["resolved"]["code"]["code"] == "FI1C7"
    assert app_client.get("/api/regions/FI1C4").json()["code"] == "FI1C7"


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/api/projects?region=UKI3", 400, "region"),  # no NUTS 2024 counterpart
        ("/api/compass/IE011?version=2013", 400, "region"),  # split in two
        ("/api/regions/FI1C6?version=2021", 404, "code"),  # not a NUTS 2021 code
        ("/api/projects?region=FI1C6&version=1999", 400, "version"),
    ],
)
def test_codes_without_one_atlas_region(app_client, url, status, parameter):
    r = app_client.get(url)
    assert r.status_code == status, r.text
    assert r.json()["parameter"] == parameter


def _cli_json(args: list[str]) -> tuple[int, dict | list | None, str]:
    r = CliRunner().invoke(main, args)
    try:
        return r.exit_code, json.loads(r.stdout), r.stderr
    except ValueError:
        return r.exit_code, None, r.stderr


def test_cli_commands_resolve_alike(demo_store_path):
    store = ["--store", str(demo_store_path)]
    commands = {
        "region": lambda c: ["region", c],
        "validate": lambda c: ["validate", c],
        "compass": lambda c: ["compass", c, "--format", "json", *store],
        "scorecard": lambda c: ["scorecard", c, "--format", "json", *store],
        "typology": lambda c: ["typology", c, "--format", "json"],
        "projects": lambda c: ["projects", "--region", c, "--format", "json", *store],
        "synergies": lambda c: ["synergies", c, "--method", "lexical", "--format", "json", *store],
    }
    slow = {"scorecard", "synergies"}  # a store read and an index per call: two codes
    failures = []
    for command, args in commands.items():
        for code, atlas_code in CODES.items():
            if command in slow and code not in ("FI1C4", "XX999"):
                continue
            exit_code, out, err = _cli_json(args(code))
            if atlas_code is None:
                if exit_code != 3 or "error:" not in err or "XX999" not in err:
                    failures.append(f"{command} {code}: exit {exit_code}, {err[:120]}")
                continue
            if exit_code != 0 or out is None:
                failures.append(f"{command} {code}: exit {exit_code}, {err[:160]}")
                continue
            if command == "projects":
                continue  # a list of projects: compared below
            resolved = out.get("resolved", {}) if isinstance(out, dict) else {}
            codes = {v.get("code") for v in resolved.values()}
            if codes != {atlas_code}:
                failures.append(f"{command} {code}: resolved {resolved}")
    assert not failures, "\n".join(failures)
    old = _cli_json(["projects", "--region", "FI1C3", "--format", "json", "--limit", "500", *store])
    new = _cli_json(["projects", "--region", "FI1C6", "--format", "json", "--limit", "500", *store])
    assert old[1] and old[1] == new[1]
