"""The JSON API through the real ASGI app over the real demo store."""

from __future__ import annotations

from urllib.parse import quote

import pytest


def test_openapi_and_offline_docs(app_client):
    spec = app_client.get("/openapi.json").json()
    assert "/api/aggregates" in spec["paths"] and "/api/projects/{project_id}" in spec["paths"]
    html = app_client.get("/docs").text
    assert "/static/swagger-ui/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert app_client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_region_lookup(app_client):
    r = app_client.get("/api/regions/FI1C6").json()
    assert r["name_latin"] == "Päijät-Häme" and r["level"] == 3 and r["parent"] == "FI1C"
    assert 2024 in r["versions"]
    assert r["population"]["value"] > 200_000
    old = app_client.get("/api/regions/FI1C3?version=2021").json()
    assert old["name_latin"] == "Päijät-Häme"
    assert "AT12" in app_client.get("/api/regions/AT13/neighbours").json()["items"][0][
        "code"
    ] or any(
        n["code"] == "AT12" for n in app_client.get("/api/regions/AT13/neighbours").json()["items"]
    )
    kids = app_client.get("/api/regions/AT1/children").json()
    assert {c["code"] for c in kids["items"]} == {"AT11", "AT12", "AT13"}


def test_nuts_validation(app_client):
    r = app_client.get("/api/nuts/FI1C3?version=2024").json()
    assert r["valid"] is False and 2021 in r["versions"]
    assert r["recoded"][0]["code"] == "FI1C6"


def test_geometry_simplified_by_zoom(app_client):
    coarse = app_client.get("/api/regions/AT12/geometry?zoom=3").json()
    fine = app_client.get("/api/regions/AT12/geometry").json()
    assert coarse["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert len(str(coarse["geometry"]["coordinates"])) < len(str(fine["geometry"]["coordinates"]))
    fc = app_client.get("/api/geometries?level=2&zoom=4&country=AT").json()
    assert len(fc["features"]) == 9


def test_geometries_carry_their_box_and_a_bbox_keeps_the_regions_meeting_it(app_client):
    """Each feature's bbox (RFC 7946 section 5) holds its points; ``bbox=`` keeps the regions
    whose box meets it (a map's first picture asks for those around its view)."""
    everything = app_client.get("/api/geometries?level=3&zoom=6").json()["features"]
    for feature in everything[:50]:
        west, south, east, north = feature["bbox"]
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        points = [pt for poly in polygons for ring in poly for pt in ring]
        assert all(
            west - 1e-4 <= x <= east + 1e-4 and south - 1e-4 <= y <= north + 1e-4 for x, y in points
        )
    box = (10, 56, 40, 66)
    near = app_client.get("/api/geometries?level=3&zoom=6&bbox=10,56,40,66").json()["features"]
    meets = [
        f["id"] for f in everything
        if f["bbox"][0] <= box[2] and f["bbox"][2] >= box[0] and f["bbox"][1] <= box[3] and f["bbox"][3] >= box[1]
    ]  # fmt: skip
    assert [f["id"] for f in near] == meets
    assert (
        "FI1C6" in meets and "SE110" in meets and not any(c.startswith(("DE", "ES")) for c in meets)
    )
    assert len(near) < len(everything) / 10
    for bad, says in (("40,56,10,66", "west must not exceed east"), ("10,56,40", "four numbers")):
        r = app_client.get(f"/api/geometries?level=3&bbox={bad}")
        assert r.status_code == 400 and says in r.json()["detail"]
        assert r.json()["parameter"] == "bbox"


def test_projects_filters_and_paging(app_client):
    # the Finnish list gives EU + national public funding, not EU money: sort by total cost
    r = app_client.get("/api/projects?region=FI1D9&limit=5&sort=-total_cost_eur").json()
    assert r["total"] > 100 and len(r["items"]) == 5
    amounts = [i["total_cost_eur"] for i in r["items"]]
    assert amounts == sorted(amounts, reverse=True)
    page2 = app_client.get(
        "/api/projects?region=FI1D9&limit=5&offset=5&sort=-total_cost_eur"
    ).json()
    assert not {i["id"] for i in page2["items"]} & {i["id"] for i in r["items"]}
    new = app_client.get("/api/projects?region=FI1C6").json()
    old = app_client.get("/api/projects?region=FI1C3&version=2021").json()
    assert new["total"] == old["total"] > 0  # the NUTS 2021 code is recoded to NUTS 2024
    agg = {
        i["code"]: i for i in app_client.get("/api/aggregates?level=3&country=FI").json()["items"]
    }
    assert agg["FI1C6"]["projects"] == new["total"]
    fi_erdf = app_client.get("/api/projects?source=fi-rakennerahastot&fund=ERDF&limit=1").json()
    assert fi_erdf["total"] > 1000
    h2020 = app_client.get(
        "/api/projects?programme=H2020&country=FI&org_type=HES&from=2019&to=2019"
    ).json()
    assert h2020["total"] > 100


def test_one_project_with_located_participants(app_client):
    listing = app_client.get("/api/projects?source=at-efre&limit=1").json()
    project = app_client.get(f"/api/projects/{listing['items'][0]['id']}").json()
    part = project["participants"][0]
    assert part["loc_method"] and part["loc_confidence"] is not None
    assert project["currency"] == "EUR"
    pl = app_client.get(
        "/api/projects?source=pl-mapadotacji&limit=1&sort=-eu_contribution_eur"
    ).json()
    detail = app_client.get(f"/api/projects/{pl['items'][0]['id']}").json()
    assert detail["currency"] == "PLN" and detail["exchange_rate"] > 4
    assert detail["eu_contribution_eur"] == pytest.approx(
        detail["eu_contribution_original"] / detail["exchange_rate"]
    )


def test_aggregates_per_inhabitant(app_client):
    r = app_client.get("/api/aggregates?level=3&country=AT").json()
    by = {i["code"]: i for i in r["items"]}
    # Linz-Wels (the Finnish list gives no EU-only amount since issue 10: FI1C6 has none)
    ph = by["AT312"]
    assert ph["population"] > 200_000 and ph["population_year"] >= 2024
    assert ph["eu_contribution_per_inhabitant"] == pytest.approx(
        ph["eu_contribution_eur"] / ph["population"]
    )
    lvl0 = {
        i["code"]: i
        for i in app_client.get("/api/aggregates?level=0&programme=H2020&org_type=HES").json()[
            "items"
        ]
    }
    only_fi = app_client.get(
        "/api/aggregates?level=0&programme=H2020&org_type=HES&country=FI"
    ).json()["items"]
    assert len(only_fi) == 1
    assert {k: only_fi[0][k] for k in ("code", "projects", "participations")} == {
        k: lvl0["FI"][k] for k in ("code", "projects", "participations")
    }
    assert only_fi[0]["eu_contribution_eur"] == pytest.approx(lvl0["FI"]["eu_contribution_eur"])


def test_datasets_carry_provenance(app_client):
    items = app_client.get("/api/datasets").json()["items"]
    sources = {d["source"] for d in items}
    assert {"cordis-h2020", "cordis-he-sample", "keep-eu", "eurostat-population"} <= sources
    for d in items:
        assert d["licence"] and d["attribution"] and len(d["sha256"]) == 64 and d["ingested_at"]


@pytest.mark.parametrize(
    "url,param",
    [
        ("/api/projects?limit=0", "limit"),
        ("/api/projects?limit=abc", "limit"),
        ("/api/projects?from=yesterday", "from"),
        ("/api/projects?region=UKI3", "region"),  # no NUTS 2024 counterpart
        ("/api/projects?country=Finland", "country"),
        ("/api/projects?org_type=NGO", "org_type"),
        ("/api/projects?sort=drop table", "sort"),
        ("/api/aggregates?level=7", "level"),
        ("/api/aggregates?version=1999", "version"),
        ("/api/regions/AT13/geometry?zoom=-4", "zoom"),
        ("/api/export/regions.geojson?level=2&zoom=abc", "zoom"),
    ],
)
def test_bad_parameters_get_a_problem_body(app_client, url, param):
    r = app_client.get(url)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == 400 and body["detail"] and body.get("parameter") == param


@pytest.mark.parametrize(
    "url",
    ["/api/regions/ZZ9", "/api/projects/cordis-h2020:0", "/nope", "/api/projects?region=XX999"],
)
def test_unknown_things_are_404_problems(app_client, url):
    r = app_client.get(url)
    assert r.status_code == 404 and r.json()["status"] == 404


@pytest.mark.parametrize(
    "value", ["'", "%", "\x00", "😀" * 50, "a" * 600, "1e309", "-1", "../../etc", "<script>"]
)
def test_no_5xx_for_odd_values(app_client, value):
    value = quote(value, safe="")
    for url in (
        "/api/projects?q={v}",
        "/api/projects?region={v}",
        "/api/aggregates?level={v}",
        "/api/regions/{v}",
        "/api/projects?limit={v}",
        "/api/nuts/{v}",
    ):
        r = app_client.get(url.format(v=value))
        assert r.status_code < 500, (url, value, r.text)


def test_region_shows_keep_eu_figures_published_in_another_nuts_version(app_client):
    r = app_client.get("/api/regions/FI1C6").json()  # Päijät-Häme, NUTS 2024
    figs = {f["indicator"]: f for f in r["figures"]}
    assert (
        figs["interreg_projects"]["nuts_code"] == "FI1C3"
        and figs["interreg_projects"]["nuts_version"] == 2021
    )
    assert figs["interreg_projects"]["value"] > 0
