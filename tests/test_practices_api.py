"""The good-practice exchange through the real ASGI app over a copy of the demo store:
authoring, review, publication, search, recommendations, pages, exports and the bad-input rules."""

from __future__ import annotations

import shutil

import pytest
from starlette.testclient import TestClient

from regioatlas.analytics.measures import measures
from regioatlas.api.auth import create_token
from regioatlas.store import open_store
from regioatlas.web.app import create_app

ROLES = {"eve": "editor", "ed": "editor", "rita": "reviewer", "rob": "reviewer", "ada": "admin"}
CHALLENGE = "young people leave the region; an ageing population needs care at home"


@pytest.fixture(scope="module")
def exchange(demo_store_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("practices") / "atlas.duckdb"
    shutil.copy(demo_store_path, path)
    with open_store(str(path)) as store:
        tokens = {name: create_token(store, name, role) for name, role in ROLES.items()}
    with TestClient(
        create_app(str(path), read_only=False), raise_server_exceptions=False
    ) as client:
        yield client, tokens, str(path)


def _as(tokens, name):
    return {"Authorization": f"Bearer {tokens[name]}"}


def _practice(**changes):
    body = {
        "title": "Home-care robots keep older people in their villages",
        "region": "FI1C6",
        "summary": "Municipal home care with telepresence robots and young care apprentices.",
        "challenge": CHALLENGE,
        "themes": ["Ageing", "Care", "Youth employment"],
        "policy_instrument": "ERDF regional programme",
        "language": "en",
        "figures": [{"label": "clients at home", "value": 420, "unit": "people"}],
    }
    return {**body, **changes}


def _publish(client, tokens, segment, body, author="eve", reviewer="rita"):
    created = client.post(f"/api/{segment}", json=body, headers=_as(tokens, author))
    assert created.status_code == 201, created.text
    item = created.json()["id"]
    assert (
        client.post(f"/api/{segment}/{item}/submit", headers=_as(tokens, author)).status_code == 200
    )
    decided = client.post(
        f"/api/{segment}/{item}/review", json={"decision": "approve"}, headers=_as(tokens, reviewer)
    )
    assert decided.status_code == 200, decided.text
    return item


def test_a_practice_published_through_review_is_found_and_recommended_elsewhere(exchange):
    client, tokens, _ = exchange
    created = client.post("/api/practices", json=_practice(), headers=_as(tokens, "eve")).json()
    item = created["id"]
    assert created["status"] == "draft" and created["owner"] == "eve"
    # a draft is not public
    assert client.get(f"/api/practices/{item}").status_code == 404
    assert item not in [
        p["id"] for p in client.get("/api/practices?q=telepresence robots").json()["items"]
    ]
    assert (
        client.post(f"/api/practices/{item}/submit", headers=_as(tokens, "eve")).json()["status"]
        == "submitted"
    )
    waiting = client.get("/api/practice-worklist", headers=_as(tokens, "rita")).json()["to_review"]
    assert item in [w["id"] for w in waiting]
    approved = client.post(
        f"/api/practices/{item}/review",
        json={"decision": "approve", "comment": "clear"},
        headers=_as(tokens, "rita"),
    ).json()
    assert approved["status"] == "approved" and approved["version"] == 3
    page = client.get(f"/api/practices/{item}").json()
    assert page["title"].startswith("Home-care robots") and page["region_name"] == "Päijät-Häme"
    found = client.get(
        "/api/practices", params={"q": "telepresence robots home care", "method": "lexical"}
    ).json()
    assert found["items"][0]["id"] == item
    # another region, a scorecard peer of Päijät-Häme, with the same challenge
    rec = client.get(
        "/api/practice-recommendations/FI1DB", params={"challenge": CHALLENGE, "method": "lexical"}
    ).json()
    ids = [r["practice"]["id"] for r in rec["items"]]
    assert item in ids
    why = rec["items"][ids.index(item)]["reasons"]
    assert {"ageing", "population"} <= {t.lower() for t in why["shared_terms"]}
    assert rec["region"]["code"] == "FI1DB" and rec["peers"]
    # without a challenge the region's weakest measures are the challenge
    weakest = client.get("/api/practice-recommendations/FI1DB").json()["challenge"][
        "weakest_measures"
    ]
    assert len(weakest) == 3 and all(m["id"] for m in weakest)
    # every version kept, every step audited
    versions = client.get(f"/api/practices/{item}/versions", headers=_as(tokens, "rob")).json()[
        "history"
    ]
    assert [(v["version"], v["status"], v["saved_by"]) for v in versions] == [
        (1, "draft", "eve"), (2, "submitted", "eve"), (3, "approved", "rita")
    ]  # fmt: skip
    audit = client.get("/api/audit?limit=50", headers=_as(tokens, "ada")).json()["items"]
    steps = [(a["actor"], a["action"]) for a in audit if a["target"] == f"practice:{item}"]
    assert set(steps) >= {
        ("eve", "practice.create"),
        ("eve", "practice.submit"),
        ("rita", "practice.approve"),
    }


def test_an_action_plan_shows_kpi_progress_against_baseline_and_target(exchange):
    client, tokens, _ = exchange
    practice = _publish(
        client, tokens, "practices", _practice(title="Repair cafés in libraries", region="AT127")
    )
    measure = measures()[0].id
    plan = {
        "title": "Kanta-Häme learns repair",
        "region": "FI1C2",
        "practices": [practice],
        "actions": [{"title": "Open five repair cafés", "owner": "library services", "start": "2026-01-01",
                     "kpis": [{"measure": measure, "baseline": 10, "target": 20,
                               "observed": [{"date": "2026-06-30", "value": 12.5}, {"date": "2026-03-31", "value": 11}]}]}],
    }  # fmt: skip
    item = _publish(client, tokens, "plans", plan)
    page = client.get(f"/api/plans/{item}").json()
    kpi = page["actions"][0]["kpis"][0]
    assert kpi["latest"] == 12.5 and kpi["progress"] == 0.25
    assert [o["date"] for o in kpi["observed"]] == ["2026-03-31", "2026-06-30"]
    adopted = client.get(f"/api/practices/{practice}").json()["adopted_by"]
    assert [a["id"] for a in adopted] == [item]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "No region"}, "region"),
        ({"region": "FI1C6"}, "title"),
        ({"title": "  ", "region": "FI1C6"}, "title"),
        ({"title": "Bad code", "region": "Päijät"}, "region"),
        (
            {
                "title": "Bad figure",
                "region": "FI1C6",
                "figures": [{"label": "x", "value": "many"}],
            },
            "figures[0].value",
        ),
    ],
)
def test_a_practice_without_region_or_title_is_a_400_naming_the_field(exchange, body, field):
    client, tokens, _ = exchange
    r = client.post("/api/practices", json=body, headers=_as(tokens, "eve"))
    assert r.status_code == 400 and r.json()["parameter"] == field, r.text


def test_an_unknown_measure_in_an_action_plan_is_a_400(exchange):
    client, tokens, _ = exchange
    plan = {
        "title": "P",
        "region": "FI1C2",
        "actions": [{"title": "A", "kpis": [{"measure": "happiness"}]}],
    }
    r = client.post("/api/plans", json=plan, headers=_as(tokens, "eve"))
    assert r.status_code == 400 and r.json()["parameter"] == "actions[0].kpis[0].measure"
    assert "happiness" in r.json()["detail"]


def test_only_the_owner_or_an_admin_edits_a_draft_and_nobody_approves_their_own(exchange):
    client, tokens, _ = exchange
    item = client.post(
        "/api/practices", json=_practice(title="Eve's draft"), headers=_as(tokens, "eve")
    ).json()["id"]
    r = client.put(
        f"/api/practices/{item}", json=_practice(title="Ed was here"), headers=_as(tokens, "ed")
    )
    assert r.status_code == 403 and "eve" in r.json()["detail"]
    r = client.put(
        f"/api/practices/{item}", json=_practice(title="Fixed by admin"), headers=_as(tokens, "ada")
    )
    assert r.status_code == 200 and r.json()["owner"] == "eve" and r.json()["saved_by"] == "ada"
    own = client.post(
        "/api/practices", json=_practice(title="Rita's own"), headers=_as(tokens, "rita")
    ).json()["id"]
    client.post(f"/api/practices/{own}/submit", headers=_as(tokens, "rita"))
    r = client.post(
        f"/api/practices/{own}/review", json={"decision": "approve"}, headers=_as(tokens, "rita")
    )
    assert r.status_code == 403
    # an editor is not a reviewer; a rejection needs a comment; nothing was published
    assert (
        client.post(
            f"/api/practices/{own}/review", json={"decision": "approve"}, headers=_as(tokens, "ed")
        ).status_code
        == 403
    )
    r = client.post(
        f"/api/practices/{own}/review", json={"decision": "reject"}, headers=_as(tokens, "rob")
    )
    assert r.status_code == 400 and r.json()["parameter"] == "comment"
    assert client.get(f"/api/practices/{own}").status_code == 404
    assert client.post("/api/practices", json=_practice()).status_code == 401
    audit = client.get("/api/audit?limit=100", headers=_as(tokens, "ada")).json()["items"]
    assert ("ed", "practice.update", "refused") in {
        (a["actor"], a["action"], a["result"]) for a in audit
    }


def test_html_in_texts_is_stored_and_served_as_text(exchange):
    client, tokens, _ = exchange
    title = '<img src=x onerror="alert(1)"> Bike <b>library</b>'
    item = _publish(
        client, tokens, "practices", _practice(title=title, summary="<script>alert(2)</script>")
    )
    page = client.get(f"/api/practices/{item}").json()
    assert page["title"] == title and page["summary"] == "<script>alert(2)</script>"


def test_search_facets_languages_and_exports(exchange):
    client, _, _ = exchange
    r = client.get(
        "/api/practices", params={"q": "food waste", "method": "lexical", "language": "it"}
    ).json()
    assert r["total"] > 0 and all(i["language"] == "it" for i in r["items"])
    assert set(r["facets"]) == {"theme", "country", "region_type", "policy_instrument", "language"}
    everything = client.get("/api/practices").json()
    assert everything["facets"]["country"]["IT"] > 5 and "ecesp" in {
        i["source"] for i in everything["items"]
    }
    assert client.get("/api/practices", params={"limit": "1000"}).status_code == 400
    assert client.get("/api/practices", params={"method": "magic"}).json()["parameter"] == "method"
    csv_text = client.get("/api/practices/export/csv", params={"country": "FI"}).text
    assert csv_text.splitlines()[0].startswith("id,title,summary,region")
    assert len(csv_text.splitlines()) > 2
    jsonld = client.get("/api/practices/export/jsonld")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert jsonld.json()["@graph"][0]["@type"] == "CreativeWork"
    assert client.get("/api/practice-recommendations/XX999").status_code == 404


def test_published_practices_join_the_dcat_catalogue_and_an_ogc_collection(exchange):
    client, _, _ = exchange
    catalogue = client.get("/api/catalogue", params={"format": "ttl"}).text
    assert "regioatlas-practices" in catalogue and "/api/practices/export/jsonld" in catalogue
    collections = [
        c["id"] for c in client.get("/ogc/collections", params={"f": "json"}).json()["collections"]
    ]
    assert "practices" in collections
    items = client.get(
        "/ogc/collections/practices/items", params={"f": "json", "filter": "country='IT'"}
    ).json()
    assert items["numberMatched"] > 5 and all(
        f["properties"]["country"] == "IT" for f in items["features"]
    )
    assert items["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
