"""Query parameters declared once: the OpenAPI spec, the CLI options and the filter panel come
from ``regioatlas.api.parameters``; a repeated or out-of-range parameter is a 400 everywhere."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from regioatlas.api.parameters import FILTERS, LIMIT, OFFSET, filter_panel

HUGE = "99999999999999999999"


def _get_operations(app_client):
    spec = app_client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        if "get" in ops:
            url = re.sub(r"\{[^}]+\}", "FI1C6", path)
            yield url, [p for p in ops["get"].get("parameters", []) if p["in"] == "query"]


def _problem_names(response, name: str) -> bool:
    body = response.json()
    return response.headers["content-type"].startswith("application/problem+json") and (
        body.get("parameter") == name or name in body.get("detail", "")
    )


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("from=2019&from=2020", "from"),
        (f"offset={HUGE}", "offset"),
        ("limit=10&limit=20", "limit"),
        ("region=FI1C6&region=FI1B1", "region"),
    ],
)
def test_projects_rejects_a_repeated_or_huge_parameter_with_a_400_naming_it(
    app_client, query, parameter
):
    r = app_client.get("/api/projects?" + query)
    assert r.status_code == 400, r.text[:300]
    assert _problem_names(r, parameter), r.text


def test_a_repeatable_filter_given_twice_is_both_values(app_client):
    one = app_client.get("/api/projects?country=FI&limit=1").json()["total"]
    other = app_client.get("/api/projects?country=AT&limit=1").json()["total"]
    both = app_client.get("/api/projects?country=FI&country=AT&limit=1")
    assert both.status_code == 200, both.text
    assert max(one, other) <= both.json()["total"] <= one + other
    assert (
        both.json()["total"]
        == (app_client.get("/api/projects?country=FI,AT&limit=1").json()["total"])
    )


def test_every_get_route_answers_400_for_a_repeated_parameter_and_a_huge_number(app_client):
    failures = []
    checked = 0
    for url, params in _get_operations(app_client):
        for p in params:
            name, schema = p["name"], p["schema"]
            if schema.get("type") != "array":  # not repeatable: twice is a 400 naming it
                r = app_client.get(f"{url}?{name}=1&{name}=2")
                checked += 1
                if r.status_code != 400 or not _problem_names(r, name):
                    failures.append((url, name, "twice", r.status_code, r.text[:120]))
            if schema.get("type") in ("integer", "number") and "maximum" in schema:
                r = app_client.get(f"{url}?{name}={HUGE}")
                checked += 1
                if r.status_code != 400 or not _problem_names(r, name):
                    failures.append((url, name, "huge", r.status_code, r.text[:120]))
    assert checked > 100  # every route's parameters are in the spec
    assert failures == []


def test_openapi_parameters_come_from_the_declarations(app_client):
    spec = app_client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/projects"]["get"]["parameters"]}
    assert params["limit"]["schema"] == {
        "type": "integer",
        "minimum": LIMIT.minimum,
        "maximum": LIMIT.maximum,
        "default": LIMIT.default,
    }
    assert params["offset"]["schema"]["maximum"] == OFFSET.maximum
    assert params["org_type"]["schema"]["type"] == "array"
    # one or more organisation types, comma-separated (empty: not given)
    org_types = params["org_type"]["schema"]["items"]["pattern"]
    assert re.search(org_types, "HES,PUB") and re.search(org_types, "")
    assert not re.search(org_types, "NGO") and not re.search(org_types, "HES,")
    assert [p for p in params if p in {f.name for f in FILTERS}] == [f.name for f in FILTERS]
    similar = {p["name"]: p for p in spec["paths"]["/api/similar"]["get"]["parameters"]}
    assert similar["limit"]["schema"]["maximum"] == 100  # a route's own range over paging's


def test_cli_filter_options_come_from_the_declarations(demo_store_path):
    from regioatlas.cli import main

    runner = CliRunner()
    help_text = runner.invoke(main, ["projects", "--help"]).output
    for param in FILTERS:
        assert "--" + param.name.replace("_", "-") in help_text
    huge = runner.invoke(main, ["projects", "--store", str(demo_store_path), "--offset", HUGE])
    assert huge.exit_code == 2 and "--offset" in huge.output
    both = runner.invoke(
        main,
        ["projects", "--store", str(demo_store_path), "--format", "json", "--limit", "1"]
        + ["--country", "FI", "--country", "AT"],
    )
    assert both.exit_code == 0, both.output
    fi_at = runner.invoke(
        main,
        ["projects", "--store", str(demo_store_path), "--format", "json", "--limit", "1"]
        + ["--country", "FI,AT"],
    )
    assert json.loads(both.stdout) == json.loads(fi_at.stdout)


def test_the_filter_panel_gets_its_fields_from_the_declarations(app_client):
    html = app_client.get("/?lang=en").text
    config = json.loads(re.search(r'id="ra-config"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert config["filters"] == json.loads(json.dumps(filter_panel()))
    names = [f["name"] for f in config["filters"]]
    assert names == ["source", "programme", "fund", "country", "org_type", "from", "to", "q"]
    org = next(f for f in config["filters"] if f["name"] == "org_type")
    assert org["choices"] == ["HES", "PRC", "REC", "PUB", "OTH"]


@pytest.mark.parametrize("lang", ["fi", "de", "it", "fr"])
def test_every_filter_panel_label_is_translated(lang):
    from regioatlas.web.i18n import catalog

    assert [f["label"] for f in filter_panel() if not catalog(lang).get(f["label"])] == []
