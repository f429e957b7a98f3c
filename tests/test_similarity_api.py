"""The similarity endpoints through the real ASGI app over the demo store, and the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from regioatlas.cli import main

FINNISH_BIOECONOMY = "fi-rakennerahastot:A70026"  # Sirkkalan energiapuisto - Biotalousosaamisen…


def test_status_says_what_is_indexed(app_client):
    s = app_client.get("/api/similarity").json()
    assert s["documents"] == 3885 and s["without_text"] == 31451
    assert s["default_method"] == "hybrid" and set(s["methods"]) == {
        "lexical",
        "semantic",
        "hybrid",
    }
    assert s["texts_to_embed"] == 0  # the demo's embeddings ship with the package


@pytest.mark.parametrize("method", ["lexical", "semantic", "hybrid"])
def test_a_finnish_project_finds_austrian_polish_and_horizon_europe_projects(app_client, method):
    r = app_client.get(f"/api/similar/{FINNISH_BIOECONOMY}?method={method}&limit=5")
    assert r.status_code == 200
    out = r.json()
    assert out["method"] == method and out["query"]["source"] == "fi-rakennerahastot"
    assert 1 <= out["count"] <= 5 and FINNISH_BIOECONOMY not in {i["id"] for i in out["items"]}
    scores = [i["score"] for i in out["items"]]
    assert scores == sorted(scores, reverse=True)
    for item in out["items"]:
        assert item["kind"] in ("synergy", "overlap", "related")
        assert {"same_region", "same_beneficiary", "months_overlap", "distance_km"} <= set(
            item["reason"]
        )
        assert item["explanation"]["summary"].startswith(item["kind"])
    if method != "lexical":  # lexical finds nothing across languages here: no shared stem
        for source in ("at-efre", "pl-mapadotacji", "cordis-he-sample"):
            found = out["by_source"][source]
            assert found and all(i["source"] == source for i in found)
            assert all(i["reason"]["distance_km"] is not None for i in found if i["regions"])
    if method == "hybrid":
        assert {"lexical", "semantic"} == set(out["items"][0]["scores"])


def test_classification_reasons_are_consistent(app_client):
    out = app_client.get(f"/api/similar/{FINNISH_BIOECONOMY}?limit=20&per_source=0").json()
    for item in out["items"]:
        reason = item["reason"]
        here = bool(reason["same_region"] or reason["same_beneficiary"])
        if item["kind"] == "overlap":
            assert here and reason["period"] in ("overlapping", "unknown")
        if item["kind"] == "synergy":
            assert not here and reason["period"] in ("overlapping", "recent", "unknown")
        if reason["period"] == "overlapping":
            assert reason["months_overlap"] > 0


def test_free_text_across_languages_and_filters(app_client):
    # constructed query (German): "biorefinery for biopolymers from residues"
    r = app_client.get(
        "/api/similar",
        params={"text": "Bioraffinerie für Biopolymere aus Reststoffen", "method": "semantic",
                "source": "fi-rakennerahastot,pl-mapadotacji", "home": "AT312"},
    )  # fmt: skip
    out = r.json()
    assert r.status_code == 200 and out["query"]["home"] == "AT312"
    assert {i["source"] for i in out["items"]} <= {"fi-rakennerahastot", "pl-mapadotacji"}
    long_text = "Kiertotalous ja teollisten sivuvirtojen hyödyntäminen. " * 300
    post = app_client.post("/api/similar", json={"text": long_text, "method": "lexical"})
    assert post.status_code == 200 and post.json()["items"][0]["explanation"]["shared_terms"]


def test_overlap_report_for_paijat_hame(app_client):
    out = app_client.get("/api/overlaps/FI1C6").json()
    assert out["name"] == "Päijät-Häme" and out["projects"] >= 20 and out["count"] >= 5
    assert [i["rank"] for i in out["items"]] == list(range(1, out["count"] + 1))
    for pair in out["items"]:
        assert pair["period"] in ("overlapping", "unknown")
        assert pair["months_overlap"] is None or pair["months_overlap"] > 0
        assert any(c.startswith("FI1C6") for c in pair["a"]["regions"])
        assert any(c.startswith("FI1C6") for c in pair["b"]["regions"])
    old = app_client.get("/api/overlaps/FI1C3?version=2021&limit=3").json()  # NUTS 2021 code
    assert old["region"] == "FI1C6" and old["count"] == 3
    r = app_client.get("/api/overlaps/FI1C6?format=csv&limit=7")
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="overlaps-FI1C6.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 7 and rows[0]["id_a"] == out["items"][0]["a"]["id"]


def test_synergies_and_partners(app_client):
    out = app_client.get("/api/synergies/FI1C6?limit=5").json()
    assert out["query"]["projects"] >= 20
    assert all(not any(c.startswith("FI1C6") for c in i["regions"]) for i in out["items"])
    p = app_client.get(
        "/api/partners", params={"text": "biorefinery and bio-based materials", "home": "FI1C6"}
    ).json()
    assert p["count"] > 0 and p["excluded_current_partners"] > 0
    assert all(not (i["region"] or "").startswith("FI1C6") for i in p["items"])
    rel = [i["relevance"] for i in p["items"]]
    assert rel == sorted(rel, reverse=True) and all(i["projects"] for i in p["items"])
    pid = "cordis-he-sample:101083671"
    by_project = app_client.get("/api/partners", params={"project": pid, "method": "semantic"})
    assert by_project.status_code == 200 and by_project.json()["count"] > 0
    participants = app_client.get(f"/api/projects/{pid}").json()["participants"]
    own = {(p["org_id"] or p["name"]).upper() for p in participants}
    assert own and not own & {i["key"].upper() for i in by_project.json()["items"]}


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/api/similar?text=", 400, "text"),
        ("/api/similar?text=%20%20", 400, "text"),
        ("/api/similar?text=the%20and%20of%20und%20ja%20i%2012", 400, "text"),
        ("/api/similar?text=energy&method=magic", 400, "method"),
        ("/api/similar?text=energy&limit=0", 400, "limit"),
        ("/api/similar?text=energy&limit=x", 400, "limit"),
        ("/api/similar?text=energy&home=ZZ9", 404, "home"),
        ("/api/similar?text=energy&country=Finland", 400, "country"),
        ("/api/similar/no-such:project", 404, None),
        ("/api/similar/cordis-h2020:193157", 422, "project"),  # an H2020 record without text
        ("/api/overlaps/XX999", 404, "region"),
        ("/api/overlaps/UKI3", 400, "region"),  # no NUTS 2024 counterpart
        ("/api/overlaps/FI1C6?format=xml", 400, "format"),
        ("/api/overlaps/FI1C6?min_score=high", 400, "min_score"),
        ("/api/synergies/XX999", 404, "region"),
        ("/api/partners", 400, "text"),
        ("/api/partners?text=energy&project=x", 400, "text"),
    ],
)
def test_bad_input_is_a_clear_4xx(app_client, url, status, parameter):
    r = app_client.get(url)
    assert r.status_code == status, r.text
    body = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert body["detail"] and body.get("parameter") == parameter


def test_a_megabyte_of_text_is_refused(app_client):
    r = app_client.post("/api/similar", json={"text": "energia " * 131_072})
    assert r.status_code == 413 and "20,000" in r.json()["detail"]
    r = app_client.get("/api/similar", params={"text": "x" * 30_000})
    assert r.status_code == 413


def test_cli_commands(demo_store_path, tmp_path):
    run = CliRunner().invoke
    store = ["--store", str(demo_store_path)]
    r = run(main, ["similar", FINNISH_BIOECONOMY, *store, "--format", "json", "--limit", "3"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["count"] == 3 and "at-efre" in out["by_source"]
    r = run(main, ["similar", "--text", "matkailu ja hotellit", "--home", "FI1C6", *store,
                   "--method", "lexical", "--source", "fi-rakennerahastot"])  # fmt: skip
    assert r.exit_code == 0 and "fi-rakennerahastot:" in r.stdout
    target = tmp_path / "overlaps.csv"
    r = run(main, ["overlaps", "FI1C6", *store, "--limit", "4", "-o", str(target)])
    assert r.exit_code == 0 and len(list(csv.DictReader(io.StringIO(target.read_text())))) == 4
    r = run(main, ["partners", "--text", "biorefinery", "--home", "AT", *store, "--format", "csv"])
    assert r.exit_code == 0 and r.stdout.startswith("rank,organisation")
    r = run(main, ["synergies", "FI1C6", *store, "--method", "lexical", "--limit", "2"])
    assert r.exit_code == 0
    r = run(main, ["similarity-index", *store])
    assert r.exit_code == 0 and json.loads(r.stdout)["texts_to_embed"] == 0
    for bad in (
        ["similar", *store],
        ["similar", "x:1", "--text", "energy", *store],
        ["similar", "--text", "the and of", *store],
        ["similar", "no-such:project", *store],
        ["overlaps", "XX999", *store],
        ["partners", *store],
    ):
        r = run(main, bad)
        assert r.exit_code != 0 and "error:" in r.stderr, bad


def test_many_new_texts_are_embedded_in_the_background(tmp_path):
    """A request never waits minutes: with many texts to embed it answers lexically meanwhile."""
    from regioatlas.api.atlas import Atlas
    from regioatlas.api.similarity import Similarity
    from regioatlas.demo import demo_file
    from regioatlas.ingest import ingest
    from regioatlas.model import Unavailable
    from regioatlas.store import open_store

    # constructed: the real Austrian list with every operation name changed, so that no
    # shipped embedding fits
    src = demo_file("AT_ERDF_2014-2020_Vorhabensliste.csv")
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"))))
    name = next(i for i, h in enumerate(rows[0]) if "Bezeichnung" in h or "name" in h.lower())
    for row in rows[1:]:
        if len(row) > name:
            row[name] += " (Testkopie)"
    changed = tmp_path / "AT_ERDF_2014-2020_Vorhabensliste.csv"
    with changed.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL).writerows(rows)
    with open_store(str(tmp_path / "s.duckdb")) as store:
        ingest(store, "at-efre", [changed])
        sim = Similarity(Atlas(store), sync_limit=10)
        first = sim.similar_to_text({"text": "Bioraffinerie Biopolymere"})
        assert first["method"] == "lexical" and "embedded" in first["note"]
        with pytest.raises(Unavailable) as err:
            sim.similar_to_text({"text": "Bioraffinerie", "method": "semantic"})
        assert err.value.retry_after and err.value.parameter == "method"
        sim.cache.wait_for_background(120)
        later = sim.similar_to_text({"text": "Bioraffinerie Biopolymere"})
        assert later["method"] == "hybrid" and "note" not in later
        assert sim.status()["texts_to_embed"] == 0
